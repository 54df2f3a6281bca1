/* libFuzzer harness: an LSP document with arbitrary text, then hover,
 * completion and definition at a grid of positions, symbols, formatting,
 * code actions and an incremental edit. */
#include <jansson.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/lsp.h"

#define URI "file:///nowhere/f.bind"

static void sink(void *ctx, const char *data, size_t n) { (void)ctx; (void)data; (void)n; }

static void send_json(bind_lsp_server *s, json_t *m)
{
    char *t = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    if (!t) return;
    char h[64];
    snprintf(h, sizeof h, "Content-Length: %zu\r\n\r\n", strlen(t));
    bind_lsp_server_feed(s, h, strlen(h));
    bind_lsp_server_feed(s, t, strlen(t));
    free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Documents arrive as JSON strings: only valid UTF-8 can be sent. */
    json_t *text = json_stringn((const char *)data, size);
    if (!text) return 0;
    bind_lsp_options o = { .send = sink };
    bind_lsp_server *s = bind_lsp_server_new(&o);
    int utf8 = size ? data[0] & 1 : 0;
    send_json(s, json_pack("{s:s,s:i,s:s,s:{s:{s:{s:[s]},s:{s:{s:b},s:{}}}}}", "jsonrpc", "2.0", "id", 1, "method", "initialize",
                           "params", "capabilities", "general", "positionEncodings", utf8 ? "utf-8" : "utf-16",
                           "textDocument", "publishDiagnostics", "relatedInformation", 1, "codeAction"));
    send_json(s, json_pack("{s:s,s:s,s:{s:{s:s,s:s,s:i,s:o}}}", "jsonrpc", "2.0", "method", "textDocument/didOpen",
                           "params", "textDocument", "uri", URI, "languageId", "bind", "version", 1, "text", text));
    static const char *const methods[] = { "textDocument/hover", "textDocument/completion", "textDocument/definition" };
    for (int line = 0; line < 6; line++)
        for (int ch = 0; ch < 40; ch += 3)
            for (int m = 0; m < 3; m++)
                send_json(s, json_pack("{s:s,s:i,s:s,s:{s:{s:s},s:{s:i,s:i}}}", "jsonrpc", "2.0", "id", 2, "method", methods[m],
                                       "params", "textDocument", "uri", URI, "position", "line", line, "character", ch));
    send_json(s, json_pack("{s:s,s:i,s:s,s:{s:{s:s}}}", "jsonrpc", "2.0", "id", 3, "method", "textDocument/documentSymbol",
                           "params", "textDocument", "uri", URI));
    send_json(s, json_pack("{s:s,s:i,s:s,s:{s:{s:s}}}", "jsonrpc", "2.0", "id", 3, "method", "textDocument/formatting",
                           "params", "textDocument", "uri", URI));
    send_json(s, json_pack("{s:s,s:i,s:s,s:{s:{s:s},s:{s:{s:i,s:i},s:{s:i,s:i}},s:{}}}", "jsonrpc", "2.0", "id", 4,
                           "method", "textDocument/codeAction", "params", "textDocument", "uri", URI,
                           "range", "start", "line", 0, "character", 0, "end", "line", 100, "character", 0, "context"));
    send_json(s, json_pack("{s:s,s:s,s:{s:{s:s,s:i},s:[{s:{s:{s:i,s:i},s:{s:i,s:i}},s:s}]}}", "jsonrpc", "2.0",
                           "method", "textDocument/didChange", "params", "textDocument", "uri", URI, "version", 2,
                           "contentChanges", "range", "start", "line", 1, "character", 2, "end", "line", 2, "character", 1,
                           "text", "x\xc3\xa9\n"));
    bind_lsp_server_free(s);
    return 0;
}
