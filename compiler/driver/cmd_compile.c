/* bindc compile: check, then run one backend (or all of them, two at a
 * time) and write the output atomically — nothing is written when anything
 * has an error. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "driver.h"
#include "backend/http_sys_plan.h"
#include "base/task.h"


/* The context of a backend that runs alone: the compilation's own arena
 * and diagnostics. */
static bind_emit_ctx own_ctx(bind_compilation *c)
{
    bind_emit_ctx cx = { .arena = c->arena, .diags = &c->diags, .nginx_plan = c->nginx_plan };
    return cx;
}

/* Runs the backend into the staged file st (NULL when it could not be
 * made: the backend still runs, for its diagnostics).  A refusal abandons
 * the file (a write error on the way is moot then); otherwise it is written
 * (or *write_error says why not) but still open: the caller finishes the
 * stage (bind_stage_finish), now or, for --target all, on a thread of its
 * own. */
static bool emit_staged(const bind_compilation *c, const bind_backend *be, const bind_emit_opts *eo,
                        bind_emit_ctx *cx, bool werror, bind_stage *st, int *write_error)
{
    bind_buf out;
    bind_buf_init(&out);
    if (st) bind_buf_to_file(&out, st->fd);
    bool ok = bind_backend_run(be, c->model, &c->sources, eo, cx, &out) && !bind_diag_has_errors(cx->diags, werror);
    int e = bind_buf_flush(&out);
    bind_buf_free(&out);
    if (!st) return ok;
    if (!ok) { bind_stage_abandon(st); return false; }
    *write_error = e;
    return true;
}

static void render(const bind_compilation *c, const bind_diag_bag *bag, size_t from, const bind_cli *o)
{
    bind_render_opts ro = bind_cli_render_opts(o->color, o->werror);
    bind_sources *sources = (bind_sources *)&c->sources;
    for (size_t i = from; i < bag->list.len; i++) {
        if (o->json) bind_diag_render_json(stderr, sources, bag->list.items[i], ro);
        else bind_diag_render_text(stderr, sources, bag->list.items[i], ro);
    }
}

/* ---- --target all -------------------------------------------------------- */

/* One output: its backend runs with an arena and diagnostics of its own
 * (two outputs are made at a time), and its bytes stream into a staged
 * file beside the final one. */
typedef struct job {
    const bind_backend *backend;
    char path[4096];
    bind_arena *arena;
    bind_diag_bag diags;
    bool refused;                   /* an error of the backend's: nothing is written */
    int write_error;                /* staging its file failed (errno) */
    bind_stage stage;
    /* The staged file's fsync and close, on a thread of its own: they wait
     * for the disk (a fleet's outputs are hundreds of MB), and meanwhile
     * the next output is made.  It sets sync_error and staged. */
    bind_task *sync;
    int sync_error;
    char *staged;
} job;

typedef struct jobs {
    const bind_compilation *c;      /* read-only while the jobs run */
    bind_http_sys_shared *http_sys; /* the four HTTP.sys targets' one plan */
    const bind_emit_opts *eo;
    bool werror;
    job *list;
    size_t *order;                  /* costliest first */
    size_t n;
    atomic_size_t next;
    atomic_bool stop;               /* a write failed: start no more */
} jobs;

static void sync_job(void *p)
{
    job *j = p;
    j->sync_error = bind_stage_finish(&j->stage, 0, &j->staged);
}

static void run_job(jobs *js, job *j)
{
    j->arena = bind_arena_new();
    bind_diag_bag_init(&j->diags, j->arena);
    bind_emit_ctx cx = { .arena = j->arena, .diags = &j->diags, .nginx_plan = js->c->nginx_plan,
                         .http_sys = js->http_sys };
    j->write_error = bind_stage_open(j->path, &j->stage);
    if (!j->write_error) {
        j->refused = !emit_staged(js->c, j->backend, js->eo, &cx, js->werror, &j->stage, &j->write_error);
        if (!j->refused) {                  /* a refusal abandoned the stage */
            if (j->write_error) j->write_error = bind_stage_finish(&j->stage, j->write_error, &j->staged);
            else j->sync = bind_task_start(sync_job, j);
        }
    }
    /* A failed write stops the outputs not yet begun (a failed fsync is
     * known only at the end: it fails the set the same way). */
    if (j->write_error) atomic_store(&js->stop, true);
}

static void work(void *p)
{
    jobs *js = p;
    for (size_t i; !atomic_load(&js->stop) && (i = atomic_fetch_add(&js->next, 1)) < js->n;)
        run_job(js, &js->list[js->order[i]]);
}

/* Every output is staged as it is made and renamed into place only when
 * every backend succeeded and every file was written, so a full disk or a
 * refused permission leaves the whole set as it was: netsh.cmd and
 * netsh-revert.cmd stay a pair.  After a refusal the other backends still
 * run, so that one compile reports every target's refusals; only a failed
 * write stops them.  Diagnostics come in the targets' order. */
static int compile_all(bind_compilation *c, const bind_backend *const *list, size_t n,
                       const bind_emit_opts *eo, const bind_cli *o, const char *dir)
{
    bool made_dir = mkdir(dir, 0777) == 0;
    if (!made_dir && errno != EEXIST) {
        fprintf(stderr, "bindc: cannot create %s: %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    jobs js = { .c = c, .eo = eo, .werror = o->werror, .n = n };
    js.list = calloc(n, sizeof *js.list);
    js.order = calloc(n, sizeof *js.order);
    if (!js.list || !js.order) bind_oom();
    atomic_init(&js.next, 0);
    atomic_init(&js.stop, false);
    js.http_sys = bind_http_sys_shared_new(c->diags.limit);
    for (size_t i = 0; i < n; i++) {
        js.list[i].backend = list[i];
        snprintf(js.list[i].path, sizeof js.list[i].path, "%s/%s", dir, list[i]->file_name);
        size_t at = i;                              /* by weight, then in the targets' order */
        while (at > 0 && list[js.order[at - 1]]->weight < list[i]->weight) { js.order[at] = js.order[at - 1]; at--; }
        js.order[at] = i;
    }
    bind_task *other = bind_task_start(work, &js);
    work(&js);
    bind_task_wait(other);
    for (size_t i = 0; i < n; i++) {
        job *j = &js.list[i];
        bind_task_wait(j->sync);
        if (j->sync && !j->write_error) j->write_error = j->sync_error;
    }

    int rc = EXIT_OK;
    bool shared_shown = false;
    for (size_t i = 0; i < n; i++) {
        job *j = &js.list[i];
        /* The HTTP.sys plan's diagnostics, once, where the first of its targets is. */
        if (j->backend->http_sys && !shared_shown) {
            render(c, bind_http_sys_shared_diags(js.http_sys), 0, o);
            shared_shown = true;
        }
        if (j->arena) render(c, &j->diags, 0, o);
        if (j->refused && rc == EXIT_OK) rc = EXIT_INPUT;
        if (j->write_error) {
            fprintf(stderr, "bindc: cannot write %s: %s\n", j->path, strerror(j->write_error));
            rc = EXIT_USAGE;
        }
    }
    for (size_t i = 0; i < n; i++) {
        job *j = &js.list[i];
        if (rc != EXIT_OK) bind_write_discard(j->staged);
        else {
            int e = bind_write_commit(j->path, j->staged);
            if (e) { fprintf(stderr, "bindc: cannot write %s: %s\n", j->path, strerror(e)); rc = EXIT_USAGE; }
        }
        bind_diag_bag_fini(&j->diags);
        bind_arena_free(j->arena);
    }
    free(js.list);
    free(js.order);
    bind_http_sys_shared_free(js.http_sys);
    if (rc != EXIT_OK && made_dir) rmdir(dir);   /* as it was: no folder */
    return rc;
}

/* One target into a file, streamed into the staged file and renamed into
 * place when the backend succeeded. */
static int compile_to_file(bind_compilation *c, const bind_backend *be, const bind_emit_opts *eo, const bind_cli *o,
                           const char *dest)
{
    size_t first_new = c->diags.list.len;
    bind_stage st;
    char *staged = NULL;
    int e = bind_stage_open(dest, &st);
    bool opened = !e;
    bind_emit_ctx cx = own_ctx(c);
    bool ok = emit_staged(c, be, eo, &cx, o->werror, opened ? &st : NULL, &e);
    if (ok && opened) e = bind_stage_finish(&st, e, &staged);
    render(c, &c->diags, first_new, o);
    if (!ok) return EXIT_INPUT;                  /* nothing is written */
    if (!e) e = bind_write_commit(dest, staged);
    if (e) { fprintf(stderr, "bindc: cannot write %s: %s\n", dest, strerror(e)); return EXIT_USAGE; }
    return EXIT_OK;
}

/* One target held whole: for standard output, and for --merge in place,
 * which writes EXISTING.bak only once the merge succeeded, then EXISTING. */
static int compile_held(bind_compilation *c, const bind_backend *be, const bind_emit_opts *eo, const bind_cli *o,
                        const char *merge_in_place)
{
    size_t first_new = c->diags.list.len;
    bind_buf out;
    bind_buf_init(&out);
    bind_emit_ctx cx = own_ctx(c);
    bool ok = bind_backend_run(be, c->model, &c->sources, eo, &cx, &out) && !bind_diag_has_errors(&c->diags, o->werror);
    render(c, &c->diags, first_new, o);
    int rc = ok ? EXIT_OK : EXIT_INPUT;          /* nothing is written */
    if (ok && merge_in_place) {
        char bak[4096];
        snprintf(bak, sizeof bak, "%s.bak", merge_in_place);
        const char *failed = bak;
        int e = bind_write_atomic(bak, eo->merge->text, eo->merge->len);
        if (!e) { failed = merge_in_place; e = bind_write_atomic(merge_in_place, out.data ? out.data : "", out.len); }
        if (e) { fprintf(stderr, "bindc: cannot write %s: %s\n", failed, strerror(e)); rc = EXIT_USAGE; }
    } else if (ok) {
        if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) rc = EXIT_USAGE;
        if (fflush(stdout) != 0) rc = EXIT_USAGE;
    }
    bind_buf_free(&out);
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
    size_t merge_len = 0;
    if (merge) {
        int e = bind_read_file(merge, BIND_MAX_FILE_SIZE, &merge_text, &merge_len);
        if (e) {
            fprintf(stderr, "bindc: cannot read %s: %s\n", merge, strerror(e));
            bind_cli_free(&o);
            return EXIT_USAGE;
        }
    }

    bind_compilation *c;
    /* The nginx target alone: its plan is built beside the conflict checks.
     * With every target, the nginx job builds it beside the other outputs,
     * and the checks make do with the plan they need (check/routes.c). */
    o.nginx_plan = !all && strcmp(target, "nginx") == 0;
    rc = bind_cli_load_and_check(&o, &c);
    if (rc != EXIT_OK) goto done;
    if (merge) {      /* one of the sources, so that a refusal can point into it */
        eo.merge = bind_sources_adopt(&c->sources, merge, NULL, merge_text, merge_len, false);
        merge_text = NULL;
    }

    if (all) {
        size_t n;
        const bind_backend *const *list = bind_backends(&n);
        rc = compile_all(c, list, n, &eo, &o, output);
        goto done;
    }
    /* --merge without -o updates EXISTING in place. */
    rc = output ? compile_to_file(c, one, &eo, &o, output) : compile_held(c, one, &eo, &o, merge);
done:
    bind_compilation_free(c);
    free(merge_text);
    bind_cli_free(&o);
    return rc;
}
