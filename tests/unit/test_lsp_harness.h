/* Helpers for the language server tests: a server driven in-process
 * through its real byte interface, whose framed output is read back with
 * the real reader and kept as JSON for the assertions. */
#ifndef BIND_TEST_LSP_HARNESS_H
#define BIND_TEST_LSP_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lsp/lsp.h"
#include "lsp/protocol.h"

typedef struct session {
    bind_lsp_server *server;
    bind_lsp_reader out;      /* what the server sent, unframed */
    json_t *msgs;             /* messages since the last take */
    bool alive;
} session;

static inline void session_collect(void *ctx, const char *data, size_t len)
{
    session *x = ctx;
    bind_lsp_reader_feed(&x->out, data, len);
    const char *body;
    size_t n;
    enum bind_lsp_event ev;
    while ((ev = bind_lsp_reader_next(&x->out, &body, &n)) != BIND_LSP_NEED_MORE) {
        assert_int_equal(ev, BIND_LSP_MESSAGE);     /* the server frames every message right */
        json_error_t err;
        json_t *m = json_loadb(body, n, 0, &err);
        if (!m) fail_msg("the server sent a body that is not JSON: %s", err.text);
        json_array_append_new(x->msgs, m);
    }
}

static inline session *session_open_raw(size_t max_message)
{
    session *x = calloc(1, sizeof *x);
    bind_lsp_reader_init(&x->out, (size_t)1 << 30);
    x->msgs = json_array();
    bind_lsp_options o = { .send = session_collect, .send_ctx = x, .log = NULL, .version = "test",
                           .max_message = max_message };
    x->server = bind_lsp_server_new(&o);
    x->alive = true;
    return x;
}

static inline void session_close(session *x)
{
    bind_lsp_server_free(x->server);
    bind_lsp_reader_fini(&x->out);
    json_decref(x->msgs);
    free(x);
}

/* Feeds raw bytes, as a client's pipe would deliver them. */
static inline void session_bytes(session *x, const char *data, size_t n)
{
    x->alive = bind_lsp_server_feed(x->server, data, n);
}

/* Sends one JSON text with a correct header. */
static inline void session_send_text(session *x, const char *json)
{
    char head[64];
    snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", strlen(json));
    session_bytes(x, head, strlen(head));
    session_bytes(x, json, strlen(json));
}

/* Sends a message built with json_pack (steals it). */
static inline void session_send(session *x, json_t *msg)
{
    assert_non_null(msg);
    char *text = json_dumps(msg, JSON_COMPACT);
    session_send_text(x, text);
    free(text);
    json_decref(msg);
}

/* The messages received since the last call (the caller owns them). */
static inline json_t *session_take(session *x)
{
    json_t *m = x->msgs;
    x->msgs = json_array();
    return m;
}

static inline json_t *find_response(json_t *msgs, json_int_t id)
{
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m) {
        json_t *mid = json_object_get(m, "id");
        if (json_is_integer(mid) && json_integer_value(mid) == id && !json_object_get(m, "method")) return m;
    }
    return NULL;
}

/* The last publishDiagnostics for uri, or NULL. */
static inline json_t *find_diagnostics(json_t *msgs, const char *uri)
{
    json_t *found = NULL, *m;
    size_t i;
    json_array_foreach(msgs, i, m) {
        const char *method = json_string_value(json_object_get(m, "method"));
        json_t *p = json_object_get(m, "params");
        if (method && strcmp(method, "textDocument/publishDiagnostics") == 0
            && strcmp(json_string_value(json_object_get(p, "uri")), uri) == 0)
            found = json_object_get(p, "diagnostics");
    }
    return found;
}

static inline int error_code(json_t *response)
{
    return (int)json_integer_value(json_object_get(json_object_get(response, "error"), "code"));
}

/* initialize (with these client capabilities) and initialized. */
static inline session *session_start(json_t *capabilities)
{
    session *x = session_open_raw(0);
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:o}}", "jsonrpc", "2.0", "id", 0, "method", "initialize",
                              "params", "capabilities", capabilities ? capabilities : json_object()));
    session_send(x, json_pack("{s:s, s:s, s:{}}", "jsonrpc", "2.0", "method", "initialized", "params"));
    json_t *m = session_take(x);
    assert_non_null(find_response(m, 0));
    json_decref(m);
    return x;
}

/* Everything a full client says it supports. */
static inline json_t *rich_capabilities(void)
{
    return json_pack("{s:{s:{s:b, s:{s:[i,i]}}, s:{s:[s,s]}, s:{s:{s:[s]}}, s:{s:b}, s:{s:{}}}}",
                     "textDocument",
                     "publishDiagnostics", "relatedInformation", 1, "tagSupport", "valueSet", 1, 2,
                     "hover", "contentFormat", "markdown", "plaintext",
                     "completion", "completionItem", "documentationFormat", "markdown",
                     "documentSymbol", "hierarchicalDocumentSymbolSupport", 1,
                     "codeAction", "codeActionLiteralSupport");
}

static inline void open_doc(session *x, const char *uri, const char *text)
{
    session_send(x, json_pack("{s:s, s:s, s:{s:{s:s, s:s, s:i, s:s}}}", "jsonrpc", "2.0",
                              "method", "textDocument/didOpen", "params", "textDocument",
                              "uri", uri, "languageId", "bind", "version", 1, "text", text));
}

static inline void change_doc(session *x, const char *uri, int version, int l0, int c0, int l1, int c1, const char *text)
{
    session_send(x, json_pack("{s:s, s:s, s:{s:{s:s, s:i}, s:[{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}]}}",
                              "jsonrpc", "2.0", "method", "textDocument/didChange", "params",
                              "textDocument", "uri", uri, "version", version,
                              "contentChanges", "range", "start", "line", l0, "character", c0,
                              "end", "line", l1, "character", c1, "text", text));
}

/* A request at a position; returns its result (owned by *all). */
static inline json_t *request_at(session *x, json_int_t id, const char *method, const char *uri, int line, int ch, json_t **all)
{
    session_send(x, json_pack("{s:s, s:I, s:s, s:{s:{s:s}, s:{s:i, s:i}}}", "jsonrpc", "2.0", "id", id,
                              "method", method, "params", "textDocument", "uri", uri,
                              "position", "line", line, "character", ch));
    *all = session_take(x);
    json_t *r = find_response(*all, id);
    assert_non_null(r);
    return json_object_get(r, "result");
}

static inline json_int_t range_part(json_t *range, const char *end, const char *field)
{
    return json_integer_value(json_object_get(json_object_get(range, end), field));
}

/* Whether a diagnostic with this code starts at line:character (0-based)
 * and ends at line:end_character. */
static inline bool has_diag(json_t *diags, const char *code, int line, int ch, int end_line, int end_ch)
{
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d) {
        json_t *r = json_object_get(d, "range");
        if (strcmp(json_string_value(json_object_get(d, "code")), code) == 0
            && range_part(r, "start", "line") == line && range_part(r, "start", "character") == ch
            && range_part(r, "end", "line") == end_line && range_part(r, "end", "character") == end_ch)
            return true;
    }
    return false;
}

#endif
