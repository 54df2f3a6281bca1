/* bindc lsp: the language server over stdin and stdout.
 *
 * A thin loop around the library's server (compiler/lsp.h): read what
 * comes, hand it over, write what it sends.  Messages go to stdout and
 * nothing else does; logs go to stderr.  When the input pauses inside a
 * message body the server is told, so a message whose Content-Length
 * promised too much is still answered instead of waiting forever. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "import/state.h"
#include "lsp/lsp.h"

/* How long the input may pause inside a body before the server looks at
 * what came (a client writes a message in one go; only a wrong
 * Content-Length leaves a complete message waiting for bytes). */
#define STALL_MS 500

typedef struct out_fd { int fd; bool failed; } out_fd;

static void write_all(void *ctx, const char *data, size_t len)
{
    out_fd *o = ctx;
    while (len && !o->failed) {
        ssize_t n = write(o->fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            o->failed = true;   /* the client is gone (EPIPE): stop serving */
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}

int bind_cmd_lsp(bind_cli *o)
{
    /* --stdio is in the table: clients such as vscode-languageclient add it. */
    if (o->nfiles) return bind_cli_usage_error(o, "lsp takes no operands (got `%s`)", o->files[0]);
    signal(SIGPIPE, SIG_IGN);
    out_fd out = { STDOUT_FILENO, false };
    bind_lsp_options lo = { .send = write_all, .send_ctx = &out, .log = stderr, .version = BINDC_VERSION,
                            .state_reader = bind_state_read };
    bind_lsp_server *s = bind_lsp_server_new(&lo);
    static char buf[1 << 16];
    bool stall_checked = false;
    for (;;) {
        struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
        int timeout = bind_lsp_server_in_body(s) && !stall_checked ? STALL_MS : -1;
        int r = poll(&p, 1, timeout);
        if (r < 0) { if (errno == EINTR) continue; break; }
        if (r == 0) { bind_lsp_server_stalled(s); stall_checked = true; continue; }
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0) { if (errno == EINTR || errno == EAGAIN) continue; break; }
        if (n == 0) break;   /* end of input: the client is gone */
        stall_checked = false;
        if (!bind_lsp_server_feed(s, buf, (size_t)n) || out.failed) break;
    }
    int rc = bind_lsp_server_exit_code(s);
    bind_lsp_server_free(s);
    return rc;
}
