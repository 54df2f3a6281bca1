/* Benchmark: how long the language server takes from an edit of a
 * 10,000-line document to the diagnostics it publishes for it.
 *
 * The server runs in-process behind its real byte interface; each edit is
 * a framed didChange (type a character into a port, then delete it, so the
 * diagnostics change every time), and the time runs from handing over the
 * bytes to the publishDiagnostics leaving the server.  It also times the
 * check alone, to show how much of the figure is the compiler's.
 *
 * Not a test: it prints figures and never fails on time.
 *   cmake --build build --target lsp_bench && build/tests/bench/lsp_bench [LINES] [EDITS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "check/compile.h"
#include "lsp/lsp.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

typedef struct sink { size_t messages, bytes; } sink;

static void count(void *ctx, const char *data, size_t len)
{
    sink *s = ctx;
    (void)data;
    s->messages++;
    s->bytes += len;
}

static void send_json(bind_lsp_server *srv, json_t *msg)
{
    char *body = json_dumps(msg, JSON_COMPACT);
    char head[64];
    snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", strlen(body));
    bind_lsp_server_feed(srv, head, strlen(head));
    bind_lsp_server_feed(srv, body, strlen(body));
    free(body);
    json_decref(msg);
}

/* A hosting server's file: one certificate and one site per customer,
 * each host with its www. twin on http and https. */
static void generate(bind_buf *b, int lines)
{
    bind_buf_puts(b, "platform iis10\n\ndefaults {\n    pool = Shared\n}\n\n");
    for (int i = 0, line = 6; line < lines; i++) {
        bind_buf_printf(b, "cert c%d {\n    thumbprint = \"%08X%032X\"\n    names = s%d.example, www.s%d.example\n}\n",
                        i, (unsigned)i, (unsigned)i * 2654435761u, i, i);
        bind_buf_printf(b, "site s%d {\n    id = %d\n    path = 'C:\\inetpub\\s%d'\n"
                           "    http *:80:s%d.example\n    http *:80:www.s%d.example\n"
                           "    https *:443:s%d.example cert=c%d sni\n    https *:443:www.s%d.example cert=c%d sni\n}\n",
                        i, i + 1, i, i, i, i, i, i, i);
        line += 12;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int lines = argc > 1 ? atoi(argv[1]) : 10000;
    int edits = argc > 2 ? atoi(argv[2]) : 100;
    if (lines < 20 || edits < 2) { fprintf(stderr, "usage: lsp_bench [LINES>=20] [EDITS>=2]\n"); return 2; }
    bind_buf doc;
    bind_buf_init(&doc);
    generate(&doc, lines);
    bind_buf_putc(&doc, '\0');
    int nlines = 0;
    for (const char *p = doc.data; *p; p++) nlines += *p == '\n';

    sink out = { 0, 0 };
    bind_lsp_options o = { .send = count, .send_ctx = &out, .log = stderr, .version = "bench" };
    bind_lsp_server *srv = bind_lsp_server_new(&o);
    send_json(srv, json_pack("{s:s, s:i, s:s, s:{s:{}}}", "jsonrpc", "2.0", "id", 1, "method", "initialize", "params", "capabilities"));
    const char *uri = "file:///bench/hosting.bind";
    double t0 = now_ms();
    send_json(srv, json_pack("{s:s, s:s, s:{s:{s:s, s:s, s:i, s:s}}}", "jsonrpc", "2.0", "method", "textDocument/didOpen",
                             "params", "textDocument", "uri", uri, "languageId", "bind", "version", 1, "text", doc.data));
    double open_ms = now_ms() - t0;

    /* Edit the middle of the file: after 6 lines of header, each customer
     * has 12 lines, the 8th of which is `    http *:80:sN.example`; typing
     * after `*:80` makes the port invalid, deleting it makes it valid. */
    int target = 6 + ((nlines / 2 - 6) / 12) * 12 + 7;
    double *times = malloc((size_t)edits * sizeof *times);
    size_t before = out.messages;
    for (int i = 0; i < edits; i++) {
        json_t *change = i % 2 == 0
            ? json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start", "line", target, "character", 13,
                        "end", "line", target, "character", 13, "text", "x")
            : json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start", "line", target, "character", 13,
                        "end", "line", target, "character", 14, "text", "");
        json_t *msg = json_pack("{s:s, s:s, s:{s:{s:s, s:i}, s:[o]}}", "jsonrpc", "2.0", "method", "textDocument/didChange",
                                "params", "textDocument", "uri", uri, "version", i + 2, "contentChanges", change);
        t0 = now_ms();
        send_json(srv, msg);
        times[i] = now_ms() - t0;
    }
    size_t published = out.messages - before;

    /* The check alone, on the same text, for comparison. */
    double check = 1e9;
    for (int i = 0; i < 10; i++) {
        t0 = now_ms();
        bind_compilation *c = bind_compilation_new();
        bind_compilation_add_text(c, "hosting.bind", doc.data, doc.len - 1);
        bind_compilation_check(c);
        double t = now_ms() - t0;
        if (t < check) check = t;
        bind_compilation_free(c);
    }

    qsort(times, (size_t)edits, sizeof *times, cmp_double);
    printf("document: %d lines, %zu bytes; open and first diagnostics: %.1f ms\n", nlines, doc.len - 1, open_ms);
    printf("edit -> publishDiagnostics over %d edits (%zu publications): min %.1f ms, median %.1f ms, p95 %.1f ms, max %.1f ms\n",
           edits, published, times[0], times[edits / 2], times[(edits * 95) / 100 < edits ? (edits * 95) / 100 : edits - 1],
           times[edits - 1]);
    printf("bind_compilation_check alone (best of 10): %.1f ms\n", check);
    printf("budget: 50 ms per edit (issue 5) -> %s\n", times[edits / 2] < 50 ? "within" : "OVER");
    free(times);
    bind_lsp_server_free(srv);
    bind_buf_free(&doc);
    return 0;
}
