/* bindc fmt: print, check or rewrite .bind files in their canonical form.
 *
 * Each file is formatted on its own (`use` is not followed).  A file with
 * syntax errors is never formatted: its diagnostics are shown and it is
 * left untouched.  --write replaces only files that change, by the rules
 * of every output (base/file_io.h: through a symbolic link, never a
 * read-only file, mode and owner kept), locked from the reading to the
 * rename. */
#include <errno.h>
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
    const bind_cli *cli;
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

/* --write: where the file is (a symbolic link followed) and its bytes,
 * read under the lock that is held until it is replaced. */
static int read_for_write(const char *path, bind_output *dest, bind_locked *lf, bind_buf *in)
{
    int e = bind_output_resolve(path, dest);
    if (e) return e;
    if (dest->kind == BIND_OUTPUT_FD) return EINVAL;
    if (dest->kind == BIND_OUTPUT_FILE && !dest->exists) return ENOENT;
    if (dest->kind == BIND_OUTPUT_DEVICE) return read_input(dest->path, in);
    char *text;
    size_t len;
    e = bind_locked_read(dest->path, BIND_MAX_FILE_SIZE, lf, &text, &len, bind_cli_lock_waiting, (void *)path);
    if (e) return e;
    bind_buf_put(in, text, len);
    free(text);
    return 0;
}

/* --write of a file that changes: the rules of every output (file_io.h),
 * and the file must still be the one read right before the rename. */
static int write_back(const char *path, const bind_output *dest, const bind_locked *lf, const bind_buf *in,
                      const bind_buf *out)
{
    int e = bind_output_writable(dest);
    if (e) return bind_cli_write_error(path, e);
    const char *data = out->data ? out->data : "";
    if (dest->kind != BIND_OUTPUT_FILE) {
        e = bind_output_write(dest, data, out->len);
        return e ? bind_cli_write_error(path, e) : EXIT_OK;
    }
    bind_stage st;
    e = bind_stage_open(&st, dest);
    if (!e) {
        e = bind_stage_finish(&st, bind_write_all(st.fd, data, out->len));
        if (!e) e = bind_locked_unchanged(lf, in->data ? in->data : "", in->len);
        if (!e) e = bind_stage_commit(&st, data, out->len);
        else bind_stage_discard(&st);
    }
    if (e) return bind_cli_write_error(path, e);
    bind_sync_dir(dest->path);
    return EXIT_OK;
}

static int fmt_one(const char *path, const fmt_opts *o)
{
    bind_buf in;
    bind_buf_init(&in);
    bind_output dest;
    memset(&dest, 0, sizeof dest);
    bind_locked lf = { .fd = -1 };
    int e = o->mode == FMT_WRITE ? read_for_write(path, &dest, &lf, &in) : read_input(path, &in);
    if (e) {
        fflush(stdout);
        fprintf(stderr, "bindc: cannot read %s: %s\n", path,
                e == EFBIG ? "file larger than the 64 MiB limit"
                : e == EINVAL ? "--write cannot rewrite a descriptor (standard input or output)" : bind_io_strerror(e));
        bind_locked_release(&lf);
        bind_output_fini(&dest);
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
        bind_report *r = bind_report_new(o->cli, &srcs);
        bind_report_bag(r, &diags, NULL, NULL);
        bind_report_finish(r);
        bind_report_free(r);
        /* A file that is not text has its one diagnostic, which says so. */
        bool not_text = diags.list.len == 1 && diags.list.items[0]->no_excerpt;
        if (!not_text) fprintf(stderr, "bindc: %s not formatted: it has syntax errors\n", shown);
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
            rc = write_back(path, &dest, &lf, &in, &out);
        }
    }
    bind_locked_release(&lf);
    bind_output_fini(&dest);
    bind_buf_free(&out);
    bind_diag_bag_fini(&diags);
    bind_sources_fini(&srcs);
    bind_arena_free(a);
    bind_buf_free(&in);
    return rc;
}

int bind_cmd_fmt(bind_cli *cli)
{
    fmt_opts o = { FMT_PRINT, cli };
    int rc = EXIT_OK;
    if (cli->fmt_check && cli->fmt_write) rc = bind_cli_usage_error(cli, "%s", "fmt takes --check or --write, not both");
    else if (cli->nfiles == 0) rc = bind_cli_usage_error(cli, "%s", "no input files (`-` reads standard input)");
    else rc = bind_cli_one_stdin(cli, NULL);
    for (int i = 0; rc == EXIT_OK && cli->fmt_write && i < cli->nfiles; i++)
        if (strcmp(cli->files[i], "-") == 0) rc = bind_cli_usage_error(cli, "%s", "--write cannot rewrite standard input");
    if (rc != EXIT_OK) return rc;
    o.mode = cli->fmt_check ? FMT_CHECK : cli->fmt_write ? FMT_WRITE : FMT_PRINT;

    /* Every file is tried; the exit code is the worst: I/O (2) over input (1). */
    for (int i = 0; i < cli->nfiles; i++) {
        int r = fmt_one(cli->files[i], &o);
        if (r > rc) rc = r;
    }
    if (fflush(stdout) != 0 && rc == EXIT_OK) rc = EXIT_USAGE;
    return rc;
}
