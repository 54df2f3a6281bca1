/* Expected LSP diagnostics from `bindc check` (see cli_diags.h). */
#include "cli_diags.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"

extern char **environ;

/* What `bindc check --diagnostics-format json path` prints on stderr, where
 * diagnostics go; its exit status must be 0 or 1 (2 would be a usage or
 * I/O error, not diagnostics). */
static char *run_check(const char *bindc, const char *path, size_t *len)
{
    int p[2];
    if (pipe(p) < 0) lsp_fail("pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    char *argv[] = { (char *)bindc, "check", "--diagnostics-format", "json", (char *)path, NULL };
    pid_t pid;
    int e = posix_spawn(&pid, bindc, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e) lsp_fail("cannot run %s: %s", bindc, strerror(e));
    close(p[1]);
    char *out = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 1 << 16;
            out = realloc(out, cap);
            if (!out) lsp_fail("out of memory");
        }
        ssize_t r = read(p[0], out + n, cap - n - 1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) lsp_fail("reading bindc check: %s", strerror(errno));
        if (r == 0) break;
        n += (size_t)r;
    }
    close(p[0]);
    out[n] = '\0';
    int st;
    if (waitpid(pid, &st, 0) != pid) lsp_fail("waitpid: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) > 1)
        lsp_fail("bindc check %s: exit status %d (signal %d)", path, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
                 WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    *len = n;
    return out;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s) lsp_fail("out of memory");
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static json_t *lsp_position(const doc_model *doc, json_t *cli, const char *line_key, const char *col_key)
{
    long line = (long)json_integer_value(json_object_get(cli, line_key));
    long col = (long)json_integer_value(json_object_get(cli, col_key));
    size_t off;
    if (!doc_model_cli_offset(doc, line, col, &off))
        lsp_fail("bindc check names %s %ld, %s %ld, which is not in the text", line_key, line, col_key, col);
    long l, c;
    doc_model_position(doc, off, &l, &c);
    return json_pack("{s:I, s:I}", "line", (json_int_t)l, "character", (json_int_t)c);
}

static json_t *lsp_range(const doc_model *doc, json_t *cli)
{
    return json_pack("{s:o, s:o}", "start", lsp_position(doc, cli, "line", "column"),
                     "end", lsp_position(doc, cli, "end_line", "end_column"));
}

/* `file:line:column`, as the server names a place the client cannot open. */
static char *place(json_t *cli)
{
    return format("%s:%lld:%lld", json_string_value(json_object_get(cli, "file")),
                  (long long)json_integer_value(json_object_get(cli, "line")),
                  (long long)json_integer_value(json_object_get(cli, "column")));
}

static void append(char **msg, const char *a, const char *b, const char *c)
{
    char *s = format("%s%s%s%s", *msg, a, b, c);
    free(*msg);
    *msg = s;
}

static json_t *expected(const char *path, const char *uri, const doc_model *doc, json_t *d)
{
    const char *file = json_string_value(json_object_get(d, "file"));
    const char *sev = json_string_value(json_object_get(d, "severity"));
    const char *code = json_string_value(json_object_get(d, "code"));
    const char *text = json_string_value(json_object_get(d, "message"));
    if (!file || !sev || !code || !text) lsp_fail("bindc check printed a diagnostic without file, severity, code or message");
    bool here = strcmp(file, path) == 0;
    char *msg;
    if (here) {
        msg = format("%s", text);
    } else {
        char *at = place(d);
        msg = format("%s: %s", at, text);
        free(at);
    }
    json_t *related = json_array();
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(d, "notes"), i, n) {
        const char *nfile = json_string_value(json_object_get(n, "file"));
        const char *nmsg = json_string_value(json_object_get(n, "message"));
        if (nfile && strcmp(nfile, path) == 0) {
            json_array_append_new(related, json_pack("{s:{s:s, s:o}, s:s}", "location", "uri", uri, "range",
                                                     lsp_range(doc, n), "message", nmsg));
        } else if (nfile) {
            char *at = place(n), *tail = format(" (%s)", at);
            append(&msg, "\nnote: ", nmsg, tail);
            free(at);
            free(tail);
        } else {
            append(&msg, "\nnote: ", nmsg, "");
        }
    }
    int severity = strcmp(sev, "error") == 0 ? 1 : strcmp(sev, "warning") == 0 ? 2 : strcmp(sev, "hint") == 0 ? 4 : 0;
    if (!severity) lsp_fail("bindc check printed severity `%s`", sev);
    json_t *range = here ? lsp_range(doc, d)
                         : json_pack("{s:{s:i, s:i}, s:{s:i, s:i}}", "start", "line", 0, "character", 0,
                                     "end", "line", 0, "character", 0);
    json_t *o = json_pack("{s:o, s:i, s:s, s:s, s:s}", "range", range, "severity", severity, "code", code,
                          "source", "bindc", "message", msg);
    free(msg);
    if (json_array_size(related)) json_object_set_new(o, "relatedInformation", related);
    else json_decref(related);
    return o;
}

json_t *cli_expected_diagnostics(const char *bindc, const char *path, const char *uri, const doc_model *doc)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(doc->s, 1, doc->len, f) != doc->len || fclose(f) != 0)
        lsp_fail("cannot write %s: %s", path, strerror(errno));
    size_t len;
    char *out = run_check(bindc, path, &len);
    json_t *all = json_array();
    for (char *line = out, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl) lsp_fail("bindc check's JSON output does not end with a newline");
        json_error_t err;
        json_t *d = json_loadb(line, (size_t)(nl - line), 0, &err);
        if (!json_is_object(d)) lsp_fail("bindc check printed a line that is not a JSON object: %s", err.text);
        json_array_append_new(all, expected(path, uri, doc, d));
        json_decref(d);
    }
    free(out);
    return all;
}
