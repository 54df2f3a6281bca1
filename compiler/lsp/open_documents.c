/* Open documents, positions and URIs (see lsp/open_documents.h). */
#include "open_documents.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "protocol.h"

void bind_lsp_lines_build(bind_lsp_lines *l, const char *text, size_t len)
{
    l->n = 0;
    if (!l->cap) { l->cap = 64; l->starts = bind_xmalloc(l->cap * sizeof *l->starts); }
    l->starts[l->n++] = 0;
    /* Most files have no \r at all: then memchr finds each line end. */
    if (!memchr(text, '\r', len)) {
        for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++) {
            if (l->n == l->cap) { l->cap *= 2; l->starts = bind_xrealloc(l->starts, l->cap * sizeof *l->starts); }
            l->starts[l->n++] = (uint32_t)(p - text + 1);
        }
        return;
    }
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c != '\n' && c != '\r') continue;
        if (c == '\r' && i + 1 < len && text[i + 1] == '\n') i++;
        if (l->n == l->cap) { l->cap *= 2; l->starts = bind_xrealloc(l->starts, l->cap * sizeof *l->starts); }
        l->starts[l->n++] = (uint32_t)(i + 1);
    }
}

void bind_lsp_lines_free(bind_lsp_lines *l)
{
    free(l->starts);
    l->starts = NULL;
    l->n = l->cap = 0;
}

/* End of line i's content, without its line break. */
static size_t line_end(const bind_lsp_lines *l, const char *text, size_t len, size_t i)
{
    if (i + 1 >= l->n) return len;
    size_t e = l->starts[i + 1];
    if (e > 0 && text[e - 1] == '\n') e--;
    if (e > l->starts[i] && text[e - 1] == '\r') e--;
    return e;
}

/* Bytes and code units of the character at s (n > 0 bytes). */
static size_t char_at(const char *s, size_t n, enum bind_lsp_encoding enc, uint32_t *units)
{
    size_t k = bind_lsp_utf8_len((const unsigned char *)s, n);
    if (!k) { *units = 1; return 1; }
    *units = enc == BIND_LSP_UTF8 ? (uint32_t)k : k == 4 ? 2 : 1;
    return k;
}

bind_lsp_pos bind_lsp_pos_of(const bind_lsp_lines *l, const char *text, size_t len, size_t offset,
                             enum bind_lsp_encoding enc)
{
    if (offset > len) offset = len;
    size_t lo = 0, hi = l->n;            /* the last line start <= offset */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->starts[mid] <= offset) lo = mid; else hi = mid;
    }
    size_t end = line_end(l, text, len, lo);
    if (offset > end) offset = end;
    bind_lsp_pos p = { (uint32_t)lo, 0 };
    for (size_t i = l->starts[lo]; i < offset;) {
        uint32_t u;
        size_t k = char_at(text + i, end - i, enc, &u);
        if (i + k > offset) break;
        i += k;
        p.character += u;
    }
    return p;
}

size_t bind_lsp_offset_of(const bind_lsp_lines *l, const char *text, size_t len, bind_lsp_pos p,
                          enum bind_lsp_encoding enc)
{
    if (p.line >= l->n) return len;
    size_t i = l->starts[p.line], end = line_end(l, text, len, p.line);
    uint32_t units = 0;
    while (i < end) {
        uint32_t u;
        size_t k = char_at(text + i, end - i, enc, &u);
        if (units + u > p.character) break;     /* inside a character: its start */
        units += u;
        i += k;
    }
    return i;
}

bind_lsp_doc *bind_lsp_doc_new(const char *uri, int64_t version, const char *text, size_t len, uint32_t order)
{
    bind_lsp_doc *d = bind_xmalloc(sizeof *d);
    memset(d, 0, sizeof *d);
    d->uri = bind_xmalloc(strlen(uri) + 1);
    strcpy(d->uri, uri);
    d->path = bind_lsp_uri_to_path(uri);
    d->is_file = d->path != NULL;
    if (!d->path) {
        d->path = bind_xmalloc(strlen(uri) + 1);
        strcpy(d->path, uri);
    }
    d->version = version;
    d->order = order;
    d->cap = len + 1;
    d->text = bind_xmalloc(d->cap);
    memcpy(d->text, text, len);
    d->text[len] = '\0';
    d->len = len;
    bind_lsp_lines_build(&d->lines, d->text, d->len);
    return d;
}

void bind_lsp_doc_free(bind_lsp_doc *d)
{
    if (!d) return;
    free(d->uri);
    free(d->path);
    free(d->key);
    free(d->text);
    bind_lsp_lines_free(&d->lines);
    free(d);
}

void bind_lsp_doc_edit(bind_lsp_doc *d, const bind_lsp_pos *range, const char *text, size_t n,
                       enum bind_lsp_encoding enc)
{
    size_t a = 0, b = d->len;
    if (range) {
        a = bind_lsp_offset_of(&d->lines, d->text, d->len, range[0], enc);
        b = bind_lsp_offset_of(&d->lines, d->text, d->len, range[1], enc);
        if (a > b) { size_t t = a; a = b; b = t; }
    }
    size_t len = d->len - (b - a) + n;
    if (len + 1 > d->cap) {
        size_t cap = d->cap * 2 > len + 1 ? d->cap * 2 : len + 1;
        d->text = bind_xrealloc(d->text, cap);
        d->cap = cap;
    }
    memmove(d->text + a + n, d->text + b, d->len - b);
    memcpy(d->text + a, text, n);
    d->len = len;
    d->text[len] = '\0';
    bind_lsp_lines_build(&d->lines, d->text, d->len);
}

static int hex(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *bind_lsp_uri_to_path(const char *uri)
{
    static const char scheme[] = "file://";
    size_t n = sizeof scheme - 1;
    for (size_t i = 0; i < n; i++) {
        char c = uri[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != scheme[i]) return NULL;
    }
    const char *p = uri + n;
    if (strncmp(p, "localhost/", 10) == 0) p += 9;
    if (*p != '/') return NULL;                 /* file://host/... is not this machine */
    char *out = bind_xmalloc(strlen(p) + 1), *o = out;
    for (; *p && *p != '?' && *p != '#'; p++) {
        if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            char c = (char)(hex(p[1]) * 16 + hex(p[2]));
            if (c == '\0') { free(out); return NULL; }
            *o++ = c;
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

char *bind_lsp_path_to_uri(const char *path)
{
    static const char digits[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = bind_xmalloc(8 + 3 * n + 1), *o = out;
    memcpy(o, "file://", 7);
    o += 7;
    if (path[0] != '/') *o++ = '/';
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) *o++ = (char)c;
        else { *o++ = '%'; *o++ = digits[c >> 4]; *o++ = digits[c & 15]; }
    }
    *o = '\0';
    return out;
}
