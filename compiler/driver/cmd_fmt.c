/* bindc fmt: print, check or rewrite .bind files in their canonical form.
 *
 * Each file is formatted on its own (`use` is not followed).  A file with
 * syntax errors is never formatted: its diagnostics are shown and it is
 * left untouched.  --write replaces only files that change, atomically. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"
#include "syntax/format.h"

enum fmt_mode { FMT_PRINT, FMT_CHECK, FMT_WRITE };

typedef struct fmt_opts {
    enum fmt_mode mode;
    bool json;
    int color;                  /* -1 auto, 0 never, 1 always */
} fmt_opts;

static int read_stream(FILE *f, bind_buf *b)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        bind_buf_put(b, chunk, n);
        if (b->len > BIND_MAX_FILE_SIZE) return EFBIG;
    }
    return ferror(f) ? EIO : 0;
}

static int read_input(const char *path, bind_buf *b)
{
    if (strcmp(path, "-") == 0) return read_stream(stdin, b);
    FILE *f = fopen(path, "rb");
    if (!f) return errno;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) { fclose(f); return EISDIR; }
    int e = read_stream(f, b);
    fclose(f);
    return e;
}

/* A source line for the terminal: control characters shown as \xNN; a
 * blank line as the bare marker (no trailing space). */
static void print_line(const char *marker, const char *s, size_t n)
{
    printf("  %s%s", marker, n ? " " : "");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) printf("\\x%02X", c);
        else putchar(c);
    }
    putchar('\n');
}

/* The first line (1-based) where a and b differ, and where it starts in each. */
static uint32_t first_difference(const char *a, size_t na, const char *b, size_t nb, size_t *sa, size_t *sb)
{
    uint32_t line = 1;
    size_t i = 0, start = 0;
    while (i < na && i < nb && a[i] == b[i]) {
        if (a[i] == '\n') { line++; start = i + 1; }
        i++;
    }
    *sa = *sb = start;
    return line;
}

static size_t line_len(const char *s, size_t n, size_t start)
{
    size_t e = start;
    while (e < n && s[e] != '\n') e++;
    if (e > start && s[e - 1] == '\r') e--;
    return e - start;
}

static int fmt_one(const char *path, const fmt_opts *o)
{
    bind_buf in;
    bind_buf_init(&in);
    int e = read_input(path, &in);
    if (e) {
        fprintf(stderr, "bindc: cannot read %s: %s\n", path,
                e == EFBIG ? "file larger than the 64 MiB limit" : strerror(e));
        bind_buf_free(&in);
        return EXIT_USAGE;
    }
    const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
    bind_arena *a = bind_arena_new();
    bind_sources srcs;
    bind_sources_init(&srcs, a);
    bind_diag_bag diags;
    bind_diag_bag_init(&diags, a);
    bind_source *src = bind_sources_add(&srcs, shown, NULL, in.data ? in.data : "", in.len, false);
    bind_buf out;
    bind_buf_init(&out);
    int rc = EXIT_OK;

    if (!bind_fmt_source(src, a, &out, &diags)) {
        bind_diag_sort(&diags);
        bind_render_opts ro = bind_cli_render_opts(o->color, false);
        bind_diag_render_all(stderr, &srcs, &diags, o->json, ro);
        fprintf(stderr, "bindc: %s not formatted: it has syntax errors\n", shown);
        rc = EXIT_INPUT;
    } else {
        bool same = out.len == in.len && (out.len == 0 || memcmp(out.data, in.data, out.len) == 0);
        if (o->mode == FMT_PRINT) {
            if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) rc = EXIT_USAGE;
        } else if (o->mode == FMT_CHECK && !same) {
            size_t sa, sb;
            const char *was = in.data ? in.data : "", *now = out.data ? out.data : "";
            uint32_t line = first_difference(was, in.len, now, out.len, &sa, &sb);
            printf("%s:%u: not formatted\n", shown, line);
            size_t la = sa < in.len ? line_len(was, in.len, sa) : 0, lb = sb < out.len ? line_len(now, out.len, sb) : 0;
            if (sa < in.len) print_line("-", was + sa, la);
            if (sb < out.len) print_line("+", now + sb, lb);
            while (la > 0 && (was[sa + la - 1] == ' ' || was[sa + la - 1] == '\t')) la--;
            if (la == lb && memcmp(was + sa, now + sb, la) == 0)
                puts("  (they differ in trailing white space or the line end)");
            rc = EXIT_INPUT;
        } else if (o->mode == FMT_WRITE && !same) {
            /* Through a symbolic link to the file it names, not over the link. */
            char real[PATH_MAX];
            const char *dest = realpath(path, real) ? real : path;
            e = bind_write_atomic(dest, out.data ? out.data : "", out.len);
            if (e) { fprintf(stderr, "bindc: cannot write %s: %s\n", path, strerror(e)); rc = EXIT_USAGE; }
        }
    }
    bind_buf_free(&out);
    bind_diag_bag_fini(&diags);
    bind_sources_fini(&srcs);
    bind_arena_free(a);
    bind_buf_free(&in);
    return rc;
}

int bind_cmd_fmt(int argc, char **argv)
{
    fmt_opts o = { FMT_PRINT, false, -1 };
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) bind_oom();
    int nfiles = 0, rc = EXIT_OK;
    bool only_files = false, check = false, write = false;
    for (int i = 0; i < argc && rc == EXIT_OK; i++) {
        const char *arg = argv[i];
        if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) files[nfiles++] = arg;
        else if (strcmp(arg, "--") == 0) only_files = true;
        else if (strcmp(arg, "--check") == 0) check = true;
        else if (strcmp(arg, "--write") == 0 || strcmp(arg, "-w") == 0) write = true;
        else if (strcmp(arg, "--diagnostics-format") == 0 || strcmp(arg, "--color") == 0) {
            if (i + 1 >= argc) { rc = bind_cli_usage_error("%s needs a value", arg); break; }
            const char *v = argv[++i];
            if (arg[2] == 'd') {
                if (strcmp(v, "json") == 0) o.json = true;
                else if (strcmp(v, "text") != 0) rc = bind_cli_usage_error("unknown diagnostics format `%s` (text or json)", v);
            } else {
                if (strcmp(v, "always") == 0) o.color = 1;
                else if (strcmp(v, "never") == 0) o.color = 0;
                else if (strcmp(v, "auto") != 0) rc = bind_cli_usage_error("unknown --color `%s` (auto, always, never)", v);
            }
        } else rc = bind_cli_usage_error("unknown option `%s`", arg);
    }
    if (rc == EXIT_OK && check && write) rc = bind_cli_usage_error("%s", "fmt takes --check or --write, not both");
    if (rc == EXIT_OK && nfiles == 0) rc = bind_cli_usage_error("%s", "no input files (`-` reads standard input)");
    for (int i = 0; rc == EXIT_OK && write && i < nfiles; i++)
        if (strcmp(files[i], "-") == 0) rc = bind_cli_usage_error("%s", "--write cannot rewrite standard input");
    if (rc != EXIT_OK) { free(files); return rc; }
    o.mode = check ? FMT_CHECK : write ? FMT_WRITE : FMT_PRINT;

    /* Every file is tried; the exit code is the worst: I/O (2) over input (1). */
    for (int i = 0; i < nfiles; i++) {
        int r = fmt_one(files[i], &o);
        if (r > rc) rc = r;
    }
    if (fflush(stdout) != 0 && rc == EXIT_OK) rc = EXIT_USAGE;
    free(files);
    return rc;
}
