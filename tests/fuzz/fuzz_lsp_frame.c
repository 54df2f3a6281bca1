/* libFuzzer harness: LSP framing and dispatch.  After a real initialize,
 * arbitrary bytes arrive in two chunks (split where the first byte says),
 * with input stalls between them: the server must answer or skip, never
 * crash, and keep its memory bounded. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "lsp/lsp.h"

static void sink(void *ctx, const char *data, size_t n) { (void)ctx; (void)data; (void)n; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bind_lsp_options o = { .send = sink, .max_message = 1 << 16 };
    bind_lsp_server *s = bind_lsp_server_new(&o);
    static const char init[] = "Content-Length: 100\r\n\r\n"
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"capabilities\":{\"offsetEncoding\":[\"utf-8\"]}}}  ";
    bind_lsp_server_feed(s, init, sizeof init - 1);
    size_t cut = size ? data[0] % (size + 1) : 0;
    bind_lsp_server_feed(s, (const char *)data, cut);
    bind_lsp_server_stalled(s);
    bind_lsp_server_feed(s, (const char *)data + cut, size - cut);
    bind_lsp_server_stalled(s);
    bind_lsp_server_free(s);
    return 0;
}
