/* A language-server client for tests (see client.h). */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How long the server may stay silent while the client waits for it.  Not
 * a timing assertion: only a guard so that a hung server fails the test
 * instead of holding CI until its global timeout. */
#define HANG_MS 120000

struct lsp_client {
    pid_t pid;
    int to, from;              /* the server's stdin and stdout */
    char *in;                  /* bytes read, not yet dispatched: in[0, in_len) */
    size_t in_len, in_cap;
    lsp_on_message cb;
    void *ctx;
    bool eof;
};

static pid_t running = -1;     /* killed by lsp_fail, so no server outlives a failed test */

void lsp_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (running > 0) {
        kill(running, SIGKILL);
        waitpid(running, NULL, 0);
    }
    exit(1);
}

static void nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) lsp_fail("fcntl: %s", strerror(errno));
}

lsp_client *lsp_client_start(char *const argv[], const char *env_extra, lsp_on_message cb, void *ctx)
{
    int to[2], from[2];
    if (pipe(to) < 0 || pipe(from) < 0) lsp_fail("pipe: %s", strerror(errno));
    signal(SIGPIPE, SIG_IGN);   /* a dead server shows up as EPIPE, which is checked */
    /* The environment with env_extra in place of its variable of that name. */
    size_t n = 0, name = env_extra ? strcspn(env_extra, "=") + 1 : 0;
    while (environ[n]) n++;
    char **env = calloc(n + 2, sizeof *env);
    if (!env) lsp_fail("out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!env_extra || strncmp(environ[i], env_extra, name) != 0) env[k++] = environ[i];
    if (env_extra) env[k++] = (char *)env_extra;
    /* posix_spawn, not fork: a sanitizer build maps terabytes of shadow,
     * and fork copies its page tables every time. */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from[1], 1);
    int fds[4] = { to[0], to[1], from[0], from[1] };
    for (int i = 0; i < 4; i++) posix_spawn_file_actions_addclose(&fa, fds[i]);
    pid_t pid;
    int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    if (e) lsp_fail("cannot run %s: %s", argv[0], strerror(e));
    close(to[0]);
    close(from[1]);
    running = pid;
    lsp_client *c = calloc(1, sizeof *c);
    if (!c) lsp_fail("out of memory");
    c->pid = pid;
    c->to = to[1];
    c->from = from[0];
    c->cb = cb;
    c->ctx = ctx;
    nonblocking(c->to);
    nonblocking(c->from);
    return c;
}

pid_t lsp_client_pid(const lsp_client *c) { return c->pid; }

/* Fails with how the server ended, if it has. */
_Noreturn static void check_ended(int st)
{
    running = -1;
    if (WIFSIGNALED(st)) lsp_fail("the server died of signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    lsp_fail("the server exited early with status %d", WEXITSTATUS(st));
}

void lsp_client_assert_alive(const lsp_client *c)
{
    int st;
    if (waitpid(c->pid, &st, WNOHANG) == c->pid) check_ended(st);
}

/* The server closed its output or its input: say how it ended (it is
 * ending, or the test waits 5 s for nothing). */
_Noreturn static void gone(const lsp_client *c)
{
    for (int i = 0; i < 50; i++) {
        int st;
        if (waitpid(c->pid, &st, WNOHANG) == c->pid) check_ended(st);
        nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
    }
    lsp_fail("the server closed a pipe, and still runs");
}

/* Hands complete messages to the callback; leaves a partial one. */
static void dispatch(lsp_client *c)
{
    size_t at = 0;
    for (;;) {
        char *hdr_end = NULL;
        for (size_t i = at; i + 4 <= c->in_len; i++)
            if (memcmp(c->in + i, "\r\n\r\n", 4) == 0) { hdr_end = c->in + i; break; }
        if (!hdr_end) break;
        /* The server writes exactly one header: Content-Length. */
        size_t hlen = (size_t)(hdr_end - (c->in + at));
        const char *h = c->in + at;
        if (hlen < 16 || strncmp(h, "Content-Length: ", 16) != 0)
            lsp_fail("the server sent a header block that is not `Content-Length: N`: %.*s", (int)hlen, h);
        size_t n = 0;
        for (size_t i = 16; i < hlen; i++) {
            if (h[i] < '0' || h[i] > '9') lsp_fail("bad Content-Length from the server: %.*s", (int)hlen, h);
            n = n * 10 + (size_t)(h[i] - '0');
        }
        size_t body = at + hlen + 4;
        if (c->in_len - body < n) break;
        json_error_t err;
        json_t *m = json_loadb(c->in + body, n, 0, &err);
        if (!json_is_object(m)) lsp_fail("the server sent a body that is not a JSON object: %s", err.text);
        json_t *v = json_object_get(m, "jsonrpc");
        if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
            lsp_fail("the server sent a message without \"jsonrpc\": \"2.0\"");
        c->cb(c->ctx, m);
        json_decref(m);
        at = body + n;
    }
    memmove(c->in, c->in + at, c->in_len - at);
    c->in_len -= at;
}

/* Reads what is there; true when something came. */
static bool read_some(lsp_client *c)
{
    bool got = false;
    for (;;) {
        if (c->in_cap - c->in_len < 65536) {
            c->in_cap = c->in_cap ? c->in_cap * 2 : 1 << 17;
            c->in = realloc(c->in, c->in_cap);
            if (!c->in) lsp_fail("out of memory");
        }
        ssize_t n = read(c->from, c->in + c->in_len, c->in_cap - c->in_len);
        if (n > 0) { c->in_len += (size_t)n; got = true; continue; }
        if (n == 0) { c->eof = true; break; }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        lsp_fail("reading from the server: %s", strerror(errno));
    }
    if (got) dispatch(c);
    return got;
}

static void wait_io(lsp_client *c, bool want_write)
{
    struct pollfd p[2] = { { c->from, POLLIN, 0 }, { c->to, POLLOUT, 0 } };
    int r;
    do r = poll(p, want_write ? 2 : 1, HANG_MS);
    while (r < 0 && errno == EINTR);
    if (r < 0) lsp_fail("poll: %s", strerror(errno));
    if (r == 0) lsp_fail("the server neither read nor wrote for %d s", HANG_MS / 1000);
}

void lsp_client_send(lsp_client *c, json_t *msg)
{
    char *body = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!body) lsp_fail("json_dumps failed");
    char head[64];
    int hn = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", strlen(body));
    const char *parts[2] = { head, body };
    size_t lens[2] = { (size_t)hn, strlen(body) };
    for (int k = 0; k < 2; k++) {
        const char *p = parts[k];
        size_t left = lens[k];
        while (left) {
            ssize_t n = write(c->to, p, left);
            if (n > 0) { p += n; left -= (size_t)n; continue; }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) gone(c);   /* EPIPE */
            /* The pipe is full: the server may be blocked writing to us. */
            read_some(c);
            if (c->eof) gone(c);
            wait_io(c, true);
        }
    }
    free(body);
    read_some(c);
}

void lsp_client_pump(lsp_client *c)
{
    if (read_some(c)) return;
    if (c->eof) gone(c);
    wait_io(c, false);
    read_some(c);
    if (c->eof) gone(c);
}

int lsp_client_finish(lsp_client *c)
{
    close(c->to);
    while (!c->eof) {
        if (!read_some(c) && !c->eof) wait_io(c, false);
    }
    if (c->in_len) lsp_fail("the server's output ends inside a message (%zu bytes left)", c->in_len);
    close(c->from);
    int st = 0;
    if (waitpid(c->pid, &st, 0) != c->pid) lsp_fail("waitpid: %s", strerror(errno));
    running = -1;
    free(c->in);
    free(c);
    return st;
}
