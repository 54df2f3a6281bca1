/* The session's helpers that every part of the server uses: sending a
 * message, logging, finding an open document, and reading the parameters
 * requests share.  Kept apart from the dispatcher, which calls the
 * handlers, so that no handler has to call back into it. */
#include "session.h"

#include <stdarg.h>
#include <string.h>

void bind_lsp_send(bind_lsp_server *s, json_t *msg)
{
    s->out.len = 0;
    bind_lsp_frame(&s->out, msg);
    json_decref(msg);
    if (s->opt.send) s->opt.send(s->opt.send_ctx, s->out.data, s->out.len);
    /* One large message (a big document's formatting) must not keep its
     * buffer for the rest of the session. */
    if (s->out.cap > ((size_t)1 << 20)) { bind_buf_free(&s->out); bind_buf_init(&s->out); }
}

static size_t backtick_run(const char *s, size_t n, size_t i)
{
    size_t k = 0;
    while (i + k < n && s[i + k] == '`') k++;
    return k;
}

void bind_lsp_plain_text(bind_buf *out, const char *md, size_t n)
{
    bool line_start = true;
    for (size_t i = 0; i < n;) {
        if (line_start && n - i >= 3 && memcmp(md + i, "---", 3) == 0 && (n - i == 3 || md[i + 3] == '\n')) {
            /* A rule between sections: one blank line is left. */
            i += 3;
            for (int k = 0; k < 2 && i < n && md[i] == '\n'; k++) i++;
            continue;
        }
        char c = md[i];
        if (c == '`') {
            /* A code span ends at the next run of exactly as many backticks. */
            size_t k = backtick_run(md, n, i), j = i + k, close = n;
            while (j < n) {
                if (md[j] != '`') { j++; continue; }
                size_t r = backtick_run(md, n, j);
                if (r == k) { close = j; break; }
                j += r;
            }
            if (close == n) { bind_buf_put(out, md + i, k); i += k; line_start = false; continue; }
            size_t a = i + k, z = close;
            bool blank = true;
            for (size_t q = a; q < z && blank; q++) blank = md[q] == ' ';
            if (!blank && z - a >= 2 && md[a] == ' ' && md[z - 1] == ' ') { a++; z--; }
            bind_buf_put(out, md + a, z - a);
            i = close + k;
            line_start = false;
            continue;
        }
        if (c == '*' && i + 1 < n && md[i + 1] == '*') { i += 2; continue; }
        bind_buf_putc(out, c);
        line_start = c == '\n';
        i++;
    }
}

json_t *bind_lsp_markup(bool markdown, const char *md, size_t n)
{
    if (markdown) return json_pack("{s:s, s:o}", "kind", "markdown", "value", bind_lsp_json_string(md, n));
    bind_buf b;
    bind_buf_init(&b);
    bind_lsp_plain_text(&b, md, n);
    json_t *r = json_pack("{s:s, s:o}", "kind", "plaintext", "value", bind_lsp_json_string(b.data ? b.data : "", b.len));
    bind_buf_free(&b);
    return r;
}

void bind_lsp_log(bind_lsp_server *s, const char *fmt, ...)
{
    if (!s->opt.log) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* Log lines quote what clients send (URIs, header lines): a control
     * character must not reach the terminal that shows stderr. */
    fputs("bindc lsp: ", s->opt.log);
    for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) fprintf(s->opt.log, "\\x%02X", *p);
        else fputc(*p, s->opt.log);
    }
    fputc('\n', s->opt.log);
    fflush(s->opt.log);
}

bind_lsp_doc *bind_lsp_find_doc(bind_lsp_server *s, const char *uri)
{
    for (size_t i = 0; i < s->docs.len; i++)
        if (strcmp(s->docs.items[i]->uri, uri) == 0) return s->docs.items[i];
    return NULL;
}

bool bind_lsp_parse_pos(json_t *j, bind_lsp_pos *p)
{
    json_t *l = json_object_get(j, "line"), *c = json_object_get(j, "character");
    if (!json_is_integer(l) || !json_is_integer(c)) return false;
    json_int_t li = json_integer_value(l), ci = json_integer_value(c);
    if (li < 0 || ci < 0) return false;
    p->line = li > UINT32_MAX ? UINT32_MAX : (uint32_t)li;
    p->character = ci > UINT32_MAX ? UINT32_MAX : (uint32_t)ci;
    return true;
}

const char *bind_lsp_doc_uri(json_t *params)
{
    return json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
}

bool bind_lsp_document_params(bind_lsp_server *s, json_t *params, bind_lsp_doc **doc, int *code, const char **message)
{
    const char *uri = bind_lsp_doc_uri(params);
    if (!uri) { *code = BIND_RPC_INVALID_PARAMS; *message = "expected textDocument.uri"; return false; }
    *doc = bind_lsp_find_doc(s, uri);
    return true;
}

bool bind_lsp_position_params(bind_lsp_server *s, json_t *params, bind_lsp_doc **doc, size_t *offset,
                              int *code, const char **message)
{
    const char *uri = bind_lsp_doc_uri(params);
    bind_lsp_pos p;
    if (!uri || !bind_lsp_parse_pos(json_object_get(params, "position"), &p)) {
        *code = BIND_RPC_INVALID_PARAMS;
        *message = "expected textDocument.uri and position {line, character}";
        return false;
    }
    *doc = bind_lsp_find_doc(s, uri);
    *offset = *doc ? bind_lsp_offset_of(&(*doc)->lines, (*doc)->text, (*doc)->len, p, s->enc) : 0;
    return true;
}
