/* LSP framing and JSON-RPC messages (see lsp/protocol.h). */
#include "protocol.h"
#include "base/utf8.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

enum { ST_HEADERS, ST_BODY, ST_SKIP, ST_RESYNC };

static const char CONTENT_LENGTH[] = "content-length:";
#define CONTENT_LENGTH_LEN (sizeof CONTENT_LENGTH - 1)

void bind_lsp_reader_init(bind_lsp_reader *r, size_t max_message)
{
    memset(r, 0, sizeof *r);
    r->max_message = max_message;
    r->state = ST_HEADERS;
}

void bind_lsp_reader_fini(bind_lsp_reader *r)
{
    free(r->buf);
    r->buf = NULL;
    r->pos = r->len = r->cap = 0;
}

static void keep_peek(bind_lsp_reader *r, const char *p, size_t n)
{
    size_t room = sizeof r->peek - r->peek_len;
    if (n > room) n = room;
    memcpy(r->peek + r->peek_len, p, n);
    r->peek_len += n;
}

/* Bytes of a body being skipped: the first BIND_LSP_PEEK are kept. */
static void skip_bytes(bind_lsp_reader *r, size_t k)
{
    keep_peek(r, r->buf + r->pos, k);
    r->pos += k;
    r->skipped += k;
    r->skip_left -= k;
}

void bind_lsp_reader_feed(bind_lsp_reader *r, const char *data, size_t n)
{
    /* A body being skipped is not stored either: next() consumes what it
     * is given (all but the start of a header that may be cut), so the
     * buffer holds one chunk of input at a time. */
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (n == 0) return;
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + n) cap *= 2;
        r->buf = bind_xrealloc(r->buf, cap);
        r->cap = cap;
    }
    memcpy(r->buf + r->len, data, n);
    r->len += n;
}

void bind_lsp_reader_shrink(bind_lsp_reader *r)
{
    size_t used = r->len - r->pos;
    if (r->cap <= ((size_t)1 << 20) || used > r->cap / 8) return;
    size_t cap = 4096;
    while (cap < used) cap *= 2;
    char *b = bind_xmalloc(cap);
    memcpy(b, r->buf + r->pos, used);
    free(r->buf);
    r->buf = b;
    r->cap = cap;
    r->body_start = 0;        /* a body handed out is invalid after a feed anyway */
    r->len = used;
    r->pos = 0;
}

static size_t find_header_name(const char *s, size_t n)
{
    for (size_t i = 0; i + CONTENT_LENGTH_LEN <= n; i++) {
        size_t j = 0;
        while (j < CONTENT_LENGTH_LEN && tolower((unsigned char)s[i + j]) == CONTENT_LENGTH[j]) j++;
        if (j == CONTENT_LENGTH_LEN) return i;
    }
    return n;
}

enum { HDR_NO, HDR_YES, HDR_CUT };

/* Whether s[0, n) starts with a whole header line `Content-Length: N`
 * (any case, a decimal N, a line break); HDR_CUT when the bytes end before
 * that is known.  No JSON text holds one: `Content-Length:` outside a
 * string is not JSON, and a string cannot hold a line break. */
static int strong_header(const char *s, size_t n)
{
    size_t i = 0;
    for (; i < CONTENT_LENGTH_LEN; i++) {
        if (i == n) return HDR_CUT;
        if (tolower((unsigned char)s[i]) != CONTENT_LENGTH[i]) return HDR_NO;
    }
    size_t spaces = 0, digits = 0;
    for (; i < n && (s[i] == ' ' || s[i] == '\t'); i++) if (++spaces > 16) return HDR_NO;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) if (++digits > 20) return HDR_NO;
    if (i == n) return HDR_CUT;
    if (!digits) return HDR_NO;
    for (spaces = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++) if (++spaces > 16) return HDR_NO;
    if (i == n) return HDR_CUT;
    if (s[i] == '\n') return HDR_YES;
    if (s[i] != '\r') return HDR_NO;
    if (i + 1 == n) return HDR_CUT;
    return s[i + 1] == '\n' ? HDR_YES : HDR_NO;
}

/* Quotes a header line for the log: printable ASCII, at most 40 bytes. */
static void quote_line(char *out, size_t cap, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < cap && i < 40; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (n > 40 && o + 4 < cap) { memcpy(out + o, "...", 3); o += 3; }
    out[o] = '\0';
}

static enum bind_lsp_event framing_error(bind_lsp_reader *r, size_t resume)
{
    r->state = ST_RESYNC;
    r->pos = resume;
    return BIND_LSP_FRAMING_ERROR;
}

/* Parses one header line [p, e).  Returns false (error set) when it is not
 * a header; *clen gets a Content-Length value. */
static bool header_line(bind_lsp_reader *r, const char *p, size_t n, bool *have_len, size_t *clen)
{
    const char *colon = memchr(p, ':', n);
    char q[64];
    if (!colon || colon == p) {
        quote_line(q, sizeof q, p, n);
        snprintf(r->error, sizeof r->error, "malformed header line `%s`", q);
        return false;
    }
    size_t name_len = (size_t)(colon - p);
    if (name_len != CONTENT_LENGTH_LEN - 1 || find_header_name(p, name_len + 1) != 0) return true;
    const char *v = colon + 1, *end = p + n;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t')) end--;
    size_t value = 0;
    bool ok = v < end;
    for (const char *d = v; ok && d < end; d++) {
        ok = *d >= '0' && *d <= '9' && value <= (SIZE_MAX - 9) / 10;
        if (ok) value = value * 10 + (size_t)(*d - '0');
    }
    if (!ok || (*have_len && value != *clen)) {
        quote_line(q, sizeof q, p, n);
        snprintf(r->error, sizeof r->error, ok ? "two different Content-Length headers (`%s`)"
                                               : "Content-Length is not a decimal byte count: `%s`", q);
        return false;
    }
    *have_len = true;
    *clen = value;
    return true;
}

static enum bind_lsp_event read_headers(bind_lsp_reader *r)
{
    /* Blank lines between messages are harmless; skip them. */
    while (r->pos < r->len && (r->buf[r->pos] == '\r' || r->buf[r->pos] == '\n')) r->pos++;
    size_t p = r->pos, clen = 0;
    bool have_len = false;
    for (;;) {
        const char *nl = memchr(r->buf + p, '\n', r->len - p);
        if (!nl) {
            if (r->len - r->pos > BIND_LSP_MAX_HEADER) {
                snprintf(r->error, sizeof r->error, "header block longer than %d bytes", BIND_LSP_MAX_HEADER);
                return framing_error(r, r->pos + 1);
            }
            return BIND_LSP_NEED_MORE;
        }
        size_t e = (size_t)(nl - r->buf), le = e;
        if (le > p && r->buf[le - 1] == '\r') le--;
        if (le == p) { p = e + 1; break; }
        /* Resume one byte in: a good header later in this block still counts. */
        if (!header_line(r, r->buf + p, le - p, &have_len, &clen)) return framing_error(r, p + 1);
        p = e + 1;
        if (p - r->pos > BIND_LSP_MAX_HEADER) {
            snprintf(r->error, sizeof r->error, "header block longer than %d bytes", BIND_LSP_MAX_HEADER);
            return framing_error(r, r->pos + 1);
        }
    }
    if (!have_len) {
        snprintf(r->error, sizeof r->error, "header block without Content-Length; its body is skipped");
        return framing_error(r, p);
    }
    r->pos = p;
    if (clen > r->max_message) {
        r->state = ST_SKIP;
        r->skip_len = r->skip_left = clen;
        r->skipped = r->peek_len = 0;
        r->skip_cut = false;
        return BIND_LSP_NEED_MORE;   /* state changed: the caller goes on */
    }
    r->state = ST_BODY;
    r->body_len = clen;
    return BIND_LSP_NEED_MORE;
}

enum bind_lsp_event bind_lsp_reader_next(bind_lsp_reader *r, const char **body, size_t *len)
{
    for (;;) {
        switch (r->state) {
        case ST_RESYNC: {
            size_t i = find_header_name(r->buf + r->pos, r->len - r->pos);
            if (i < r->len - r->pos) { r->pos += i; r->state = ST_HEADERS; continue; }
            /* Keep a tail that could be the start of a split header name. */
            if (r->len - r->pos > CONTENT_LENGTH_LEN) r->pos = r->len - (CONTENT_LENGTH_LEN - 1);
            return BIND_LSP_NEED_MORE;
        }
        case ST_HEADERS: {
            enum bind_lsp_event ev = read_headers(r);
            if (ev != BIND_LSP_NEED_MORE || r->state == ST_HEADERS) return ev;
            continue;   /* on to the body */
        }
        case ST_BODY:
            if (r->len - r->pos < r->body_len) return BIND_LSP_NEED_MORE;
            *body = r->buf + r->pos;
            *len = r->body_len;
            r->body_start = r->pos;
            r->pos += r->body_len;
            r->state = ST_HEADERS;
            return BIND_LSP_MESSAGE;
        case ST_SKIP: {
            /* Skipped up to the next header, where the stream resynchronises
             * (a lying Content-Length), or to the end the header gave. */
            const char *at = r->buf + r->pos;
            size_t avail = r->len - r->pos, lim = avail < r->skip_left ? avail : r->skip_left, i = 0;
            int found = HDR_NO;
            for (; i < lim; i++) {
                if (tolower((unsigned char)at[i]) != 'c') continue;
                if ((found = strong_header(at + i, avail - i)) != HDR_NO) break;
            }
            skip_bytes(r, i);
            if (found == HDR_CUT) return BIND_LSP_NEED_MORE;     /* keep the start of what may be a header */
            r->skip_cut = found == HDR_YES;
            if (!r->skip_cut && r->skip_left) return BIND_LSP_NEED_MORE;
            r->peek_whole = r->skipped <= BIND_LSP_PEEK;
            if (r->skip_cut)
                snprintf(r->error, sizeof r->error, "Content-Length %zu is over the %zu-byte limit; "
                         "the next header came %zu bytes on, and the stream goes on from there",
                         r->skip_len, r->max_message, r->skipped);
            else
                snprintf(r->error, sizeof r->error, "message of %zu bytes is over the %zu-byte limit; skipped",
                         r->skip_len, r->max_message);
            r->state = ST_HEADERS;
            return BIND_LSP_TOO_LARGE;
        }
        default:
            return BIND_LSP_NEED_MORE;
        }
    }
}

void bind_lsp_reader_resync_in_body(bind_lsp_reader *r, size_t offset)
{
    if (offset > r->body_len) offset = r->body_len;
    r->pos = r->body_start + offset;
    r->state = ST_RESYNC;
}

bool bind_lsp_reader_in_body(const bind_lsp_reader *r) { return r->state == ST_BODY || r->state == ST_SKIP; }

bool bind_lsp_reader_partial(bind_lsp_reader *r, const char **body, size_t *len)
{
    if (r->state == ST_SKIP) {
        /* What may be the start of a header is the body's too: it did not come. */
        size_t rest = r->len - r->pos;
        if (r->skipped + rest > BIND_LSP_PEEK || r->skipped + rest == 0) return false;
        skip_bytes(r, rest < r->skip_left ? rest : r->skip_left);
        *body = r->peek;
        *len = r->peek_len;
        return true;
    }
    if (r->state != ST_BODY || r->pos == r->len) return false;
    *body = r->buf + r->pos;
    *len = r->len - r->pos;
    return true;
}

void bind_lsp_reader_abandon_body(bind_lsp_reader *r, size_t used)
{
    if (r->state == ST_SKIP) { r->state = ST_RESYNC; return; }     /* the bytes are consumed already */
    if (r->state != ST_BODY) return;
    if (used > r->len - r->pos) used = r->len - r->pos;
    r->pos += used;
    r->state = ST_RESYNC;
}

/* ---- peeking at the id of a body too large to parse --------------------- */

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
    return i;
}

/* At a '"': the index after the closing quote, or n. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\') i++;
        else if (s[i] == '"') return i + 1;
    }
    return n;
}

static size_t skip_value(const char *s, size_t n, size_t i)
{
    int depth = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') { i = skip_string(s, n, i); if (depth == 0) return i; continue; }
        if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') { if (depth == 0) return i; depth--; if (depth == 0) return i + 1; }
        else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n')) return i;
        i++;
    }
    return n;
}

json_t *bind_lsp_peek_id(const char *s, size_t n)
{
    size_t i = skip_ws(s, n, 0);
    if (i >= n || s[i] != '{') return NULL;
    i++;
    for (;;) {
        i = skip_ws(s, n, i);
        if (i >= n || s[i] != '"') return NULL;
        size_t k = i;
        i = skip_string(s, n, i);
        if (i >= n) return NULL;
        bool is_id = i - k == 4 && memcmp(s + k, "\"id\"", 4) == 0;
        i = skip_ws(s, n, i);
        if (i >= n || s[i] != ':') return NULL;
        i = skip_ws(s, n, i + 1);
        size_t v = i;
        i = skip_value(s, n, i);
        if (i >= n) return NULL;
        if (is_id) {
            json_t *id = json_loadb(s + v, i - v, JSON_DECODE_ANY, NULL);
            if (id && (json_is_integer(id) || json_is_string(id))) return id;
            json_decref(id);
            return NULL;
        }
        i = skip_ws(s, n, i);
        if (i >= n || s[i] != ',') return NULL;
        i++;
    }
}

/* ---- JSON helpers ------------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The code unit of a \uXXXX escape at s (n bytes there), or -1. */
static long u_escape(const char *s, size_t n)
{
    if (n < 6 || s[0] != '\\' || s[1] != 'u') return -1;
    long v = 0;
    for (size_t i = 2; i < 6; i++) {
        int d = hex_digit(s[i]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

size_t bind_lsp_mend_surrogates(const char *text, size_t n, char **mended)
{
    *mended = NULL;
    /* Most messages have no escape of a surrogate at all. */
    bool any = false;
    for (const char *p = text; !any && (p = memchr(p, '\\', (size_t)(text + n - p))); p++)
        any = (size_t)(text + n - p) >= 3 && (p[1] == 'u') && (p[2] == 'd' || p[2] == 'D');
    if (!any) return 0;
    size_t count = 0;
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (!in_string) { in_string = c == '"'; continue; }
        if (c == '"') { in_string = false; continue; }
        if (c != '\\') continue;
        long u = u_escape(text + i, n - i);
        if (u < 0xD800 || u > 0xDFFF) { i++; continue; }           /* another escape: both bytes */
        if (u <= 0xDBFF) {
            long lo = u_escape(text + i + 6, n - i - 6);
            if (lo >= 0xDC00 && lo <= 0xDFFF) { i += 11; continue; }   /* a pair */
        }
        if (!*mended) {
            *mended = bind_xmalloc(n + 1);
            memcpy(*mended, text, n);
            (*mended)[n] = '\0';
        }
        memcpy(*mended + i, "\\uFFFD", 6);
        count++;
        i += 5;
    }
    return count;
}

size_t bind_lsp_utf8_len(const unsigned char *s, size_t n) { return bind_utf8_decode(s, n, NULL); }

json_t *bind_lsp_json_string(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k = bind_lsp_utf8_len(u + i, n - i);
        if (!k) break;
        i += k;
    }
    if (i == n) return json_stringn(s, n);
    bind_buf b;
    bind_buf_init(&b);
    bind_buf_put(&b, s, i);
    while (i < n) {
        size_t k = bind_lsp_utf8_len(u + i, n - i);
        if (k) { bind_buf_put(&b, s + i, k); i += k; }
        else { bind_buf_puts(&b, "\xEF\xBF\xBD"); i++; }
    }
    json_t *j = json_stringn(b.data, b.len);
    bind_buf_free(&b);
    return j;
}

json_t *bind_lsp_json_cstr(const char *s) { return bind_lsp_json_string(s, strlen(s)); }

static int dump_to_buf(const char *p, size_t n, void *ctx)
{
    bind_buf_put(ctx, p, n);
    return 0;
}

/* The body is written once, straight into out after room for the header
 * (json_dumps would make two more copies of it), and the header is put
 * right before it. */
void bind_lsp_frame(bind_buf *out, const json_t *msg)
{
    enum { ROOM = 40 };       /* "Content-Length: " + 20 digits + "\r\n\r\n" */
    size_t at = out->len;
    static const char pad[ROOM];
    bind_buf_put(out, pad, ROOM);
    if (json_dump_callback(msg, dump_to_buf, out, JSON_COMPACT) != 0) bind_oom();
    size_t n = out->len - at - ROOM;
    char head[ROOM + 1];
    int h = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", n);
    memmove(out->data + at + (size_t)h, out->data + at + ROOM, n);
    memcpy(out->data + at, head, (size_t)h);
    out->len = at + (size_t)h + n;
    out->data[out->len] = '\0';
}

json_t *bind_lsp_response(json_t *id, json_t *result)
{
    json_t *m = json_object();
    json_object_set_new(m, "jsonrpc", json_string("2.0"));
    json_object_set(m, "id", id ? id : json_null());
    json_object_set_new(m, "result", result ? result : json_null());
    return m;
}

json_t *bind_lsp_error(json_t *id, int code, const char *message)
{
    json_t *m = json_object();
    json_object_set_new(m, "jsonrpc", json_string("2.0"));
    json_object_set(m, "id", id ? id : json_null());
    json_t *e = json_object();
    json_object_set_new(e, "code", json_integer(code));
    json_object_set_new(e, "message", bind_lsp_json_cstr(message));
    json_object_set_new(m, "error", e);
    return m;
}

json_t *bind_lsp_notification(const char *method, json_t *params)
{
    json_t *m = json_object();
    json_object_set_new(m, "jsonrpc", json_string("2.0"));
    json_object_set_new(m, "method", json_string(method));
    json_object_set_new(m, "params", params ? params : json_object());
    return m;
}
