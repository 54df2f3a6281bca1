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
