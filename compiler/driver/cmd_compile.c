/* bindc compile: check, then run one backend (or all of them) and write
 * the output atomically — nothing is written when anything has an error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "driver.h"


/* Runs one backend; it succeeds when it says so and pushed no error (its
 * warnings, such as W0407, are shown but do not stop the write). */
static bool run_backend(bind_compilation *c, const bind_backend *be, const bind_emit_opts *eo, bind_buf *out)
{
    size_t errors_before = c->diags.counts[BIND_SEV_ERROR];
    bool ok = be->emit(c, eo, out);
    return ok && c->diags.counts[BIND_SEV_ERROR] == errors_before;
}

static void render_new(bind_compilation *c, size_t from, const bind_cli *o)
{
    bind_render_opts ro = bind_cli_render_opts(o->color, o->werror);
    for (size_t i = from; i < c->diags.list.len; i++) {
        if (o->json) bind_diag_render_json(stderr, &c->sources, c->diags.list.items[i], ro);
        else bind_diag_render_text(stderr, &c->sources, c->diags.list.items[i], ro);
    }
}

/* --target all: every output is staged in a temporary file as soon as its
 * backend has run, and its buffer freed (a fleet's seven outputs are
 * hundreds of MB: holding them all doubled the peak memory); the files are
 * renamed into place only when every backend succeeded and every file was
 * written, so a full disk or a refused permission leaves the whole set as
 * it was: netsh.cmd and netsh-revert.cmd stay a pair. */
static int compile_all(bind_compilation *c, const bind_backend *const *list, size_t n,
                       const bind_emit_opts *eo, const bind_cli *o, const char *dir)
{
    int rc = EXIT_OK;
    bool dir_ready = false, made_dir = false;
    char **staged = calloc(n, sizeof *staged);
    if (!staged) bind_oom();
    char path[4096];
    /* After a refusal the other backends still run, so that one compile
     * reports every target's refusals; only a failed write stops them. */
    for (size_t i = 0; i < n && rc != EXIT_USAGE; i++) {
        bind_buf out;
        bind_buf_init(&out);
        if (!run_backend(c, list[i], eo, &out) || bind_diag_has_errors(&c->diags, o->werror))
            rc = EXIT_INPUT;              /* nothing is written */
        if (rc == EXIT_OK && !dir_ready) {
            if (mkdir(dir, 0777) == 0) made_dir = true;
            else if (errno != EEXIST) {
                fprintf(stderr, "bindc: cannot create %s: %s\n", dir, strerror(errno));
                rc = EXIT_USAGE;
            }
            dir_ready = true;
        }
        if (rc == EXIT_OK) {
            snprintf(path, sizeof path, "%s/%s", dir, list[i]->file_name);
            int e = bind_write_stage(path, out.data ? out.data : "", out.len, &staged[i]);
            if (e) { fprintf(stderr, "bindc: cannot write %s: %s\n", path, strerror(e)); rc = EXIT_USAGE; }
        }
        bind_buf_free(&out);
    }
    for (size_t i = 0; i < n; i++) {
        if (rc != EXIT_OK) { bind_write_discard(staged[i]); continue; }
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->file_name);
        int e = bind_write_commit(path, staged[i]);
        if (e) { fprintf(stderr, "bindc: cannot write %s: %s\n", path, strerror(e)); rc = EXIT_USAGE; }
    }
    free(staged);
    if (rc != EXIT_OK && made_dir) rmdir(dir);   /* as it was: no folder */
    return rc;
}

int bind_cmd_compile(int argc, char **argv)
{
    if (argc == 1 && strcmp(argv[0], "--list-targets") == 0) {
        size_t n;
        const bind_backend *const *all = bind_backends(&n);
        for (size_t i = 0; i < n; i++) printf("%s %s\n", all[i]->name, all[i]->file_name);
        return EXIT_OK;
    }
    static const char *const extra[] = { "--target", "-o", "--merge", NULL };
    bind_cli o;
    int rc = bind_cli_parse(argc, argv, extra, &o);
    if (rc != EXIT_OK) { bind_cli_free(&o); return rc; }
    const char *target = NULL, *output = NULL, *merge = NULL;
    for (int i = 0; i + 1 < o.nrest; i += 2) {
        if (strcmp(o.rest[i], "--target") == 0) target = o.rest[i + 1];
        else if (strcmp(o.rest[i], "-o") == 0) output = o.rest[i + 1];
        else merge = o.rest[i + 1];
    }
    if (!target) { bind_cli_free(&o); return bind_cli_usage_error("%s", "compile needs --target T"); }
    bool all = strcmp(target, "all") == 0;
    const bind_backend *one = all ? NULL : bind_backend_find(target);
    if (!all && !one) { bind_cli_free(&o); return bind_cli_usage_error("unknown target `%s`", target); }
    if (all && !output) { bind_cli_free(&o); return bind_cli_usage_error("%s", "--target all needs -o DIR"); }
    if (merge && (all || strcmp(target, "iis") != 0)) { bind_cli_free(&o); return bind_cli_usage_error("%s", "--merge goes with --target iis"); }

    bind_emit_opts eo;
    memset(&eo, 0, sizeof eo);
    char *merge_text = NULL;
    if (merge) {
        size_t len = 0;
        int e = bind_read_file(merge, BIND_MAX_FILE_SIZE, &merge_text, &len);
        if (e) {
            fprintf(stderr, "bindc: cannot read %s: %s\n", merge, strerror(e));
            bind_cli_free(&o);
            return EXIT_USAGE;
        }
        eo.merge_path = merge;
        eo.merge_text = merge_text;
        eo.merge_len = len;
    }

    bind_compilation *c;
    rc = bind_cli_load_and_check(&o, &c);
    if (rc != EXIT_OK) goto done;

    size_t n = 1;
    const bind_backend *const *list = all ? bind_backends(&n) : &one;
    size_t first_new = c->diags.list.len;
    if (all) {
        rc = compile_all(c, list, n, &eo, &o, output);
        render_new(c, first_new, &o);
        goto done;
    }
    bind_buf out;
    bind_buf_init(&out);
    bool ok = run_backend(c, one, &eo, &out);
    render_new(c, first_new, &o);
    if (!ok || bind_diag_has_errors(&c->diags, o.werror)) {
        rc = EXIT_INPUT;                  /* nothing is written */
    } else {
        const char *dest = output ? output : merge;   /* --merge without -o updates in place */
        if (dest && merge && !output) {
            char bak[4096];
            snprintf(bak, sizeof bak, "%s.bak", merge);
            int e = bind_write_atomic(bak, eo.merge_text, eo.merge_len);
            if (e) { fprintf(stderr, "bindc: cannot write %s: %s\n", bak, strerror(e)); rc = EXIT_USAGE; }
        }
        if (rc == EXIT_OK && dest) {
            int e = bind_write_atomic(dest, out.data ? out.data : "", out.len);
            if (e) { fprintf(stderr, "bindc: cannot write %s: %s\n", dest, strerror(e)); rc = EXIT_USAGE; }
        } else if (rc == EXIT_OK) {
            if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) rc = EXIT_USAGE;
            if (fflush(stdout) != 0) rc = EXIT_USAGE;
        }
    }
    bind_buf_free(&out);
done:
    bind_compilation_free(c);
    free(merge_text);
    bind_cli_free(&o);
    return rc;
}
