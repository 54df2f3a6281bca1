/* bindc compile: check, then run one backend (or all of them, two at a
 * time) and write the output — nothing is written when anything has an
 * error, and nothing is destroyed that bindc does not own (base/file_io.h:
 * symbolic links written through, devices written directly, inputs and
 * read-only files refused, temporary files removed on a signal).  An
 * in-place --merge is locked from its reading to its rename and keeps the
 * previous file as the next .bak of its chain.
 *
 * Each backend pushes into a bag of its own, with the levels of the
 * command line (--allow, -W, --deny) and the `# bindc: allow` comments of
 * the files applied; one report says them all (report.c: a warning two
 * targets find is said once) and ends with check's summary line. */
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
#include "base/cleanup.h"
#include "base/task.h"
#include "base/unified_diff.h"


/* Runs the backend into out (streamed into a file, or held): true when it
 * succeeded and no error stops the write. */
static bool emit(const bind_compilation *c, const bind_backend *be, const bind_emit_opts *eo,
                 bind_emit_ctx *cx, bool werror, bind_buf *out)
{
    return bind_backend_run(be, c->model, &c->sources, eo, cx, out) && !bind_diag_has_errors(cx->diags, werror);
}

/* A backend's own bag: the command line's levels, in the arena given. */
static void backend_bag(const bind_compilation *c, bind_diag_bag *bag, bind_arena *a)
{
    bind_diag_bag_init(bag, a);
    bind_diag_copy_levels(bag, &c->diags);
    bag->limit = c->diags.limit;
}

/* After the backend ran: the `# bindc: allow` comments of the files hold
 * for its warnings as for the check's. */
static void backend_done(bind_compilation *c, bind_diag_bag *bag)
{
    bind_diag_apply_allows(bag, &c->sources);
}

/* ---- --target all -------------------------------------------------------- */

/* One output: its backend runs with an arena and diagnostics of its own
 * (two outputs are made at a time), and its bytes stream into a staged
 * file beside the final one — or, for a device or FIFO, are held until
 * every output is made. */
typedef struct job {
    const bind_backend *backend;
    uint8_t skip;                   /* why --target all leaves it out (enum skip_why), or 0 */
    char path[4096];
    bind_output out;
    bind_arena *arena;
    bind_diag_bag diags;
    bool refused;                   /* an error of the backend's: nothing is written */
    int write_error;                /* staging its file failed (errno) */
    bind_stage stage;
    bool staged;                    /* the stage is open or finished, to commit or discard */
    bind_buf held;                  /* a device's bytes */
    /* The staged file's fsync and close, on a thread of its own: they wait
     * for the disk (a fleet's outputs are hundreds of MB), and meanwhile
     * the next output is made.  It sets sync_error. */
    bind_task *sync;
    int sync_error;
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
    j->sync_error = bind_stage_finish(&j->stage, 0);
}

static void run_job(jobs *js, job *j)
{
    j->arena = bind_arena_new();
    backend_bag(js->c, &j->diags, j->arena);
    bind_emit_ctx cx = { .arena = j->arena, .diags = &j->diags, .nginx_plan = js->c->nginx_plan, .state = js->c->state,
                         .http_sys = js->http_sys };
    j->write_error = bind_stage_open(&j->stage, &j->out);
    if (!j->write_error) {
        j->staged = true;
        bind_buf out;
        bind_buf_init(&out);
        bind_buf *into = &j->held;
        if (j->stage.fd >= 0) { bind_buf_to_file(&out, j->stage.fd); into = &out; }
        j->refused = !emit(js->c, j->backend, js->eo, &cx, js->werror, into);
        if (into == &out) {
            int e = bind_buf_flush(&out);
            bind_buf_free(&out);
            if (j->refused) { bind_stage_discard(&j->stage); j->staged = false; }
            else if (e) { j->write_error = bind_stage_finish(&j->stage, e); j->staged = false; }
            else j->sync = bind_task_start(sync_job, j);
        } else if (j->refused) {
            bind_stage_discard(&j->stage);
            j->staged = false;
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
        if (!js->list[js->order[i]].skip) run_job(js, &js->list[js->order[i]]);
}

/* Where each output goes, asked before anything is made: every one must
 * be writable, none an input, no two the same file. */
static int resolve_all(jobs *js, const bind_inputs *inputs)
{
    int rc = EXIT_OK;
    for (size_t i = 0; i < js->n; i++) {
        job *j = &js->list[i];
        if (j->skip) continue;
        int e = bind_output_resolve(j->path, &j->out);
        if (e) { rc = bind_cli_write_error(j->path, e); continue; }
        if (bind_cli_check_output(&j->out, inputs) != EXIT_OK) { rc = EXIT_USAGE; continue; }
        /* Two names of one file (symbolic links): one would replace the other. */
        for (size_t k = 0; k < i; k++) {
            job *o = &js->list[k];
            if (o->skip) continue;
            if (j->out.kind == BIND_OUTPUT_FILE && o->out.kind == BIND_OUTPUT_FILE && o->out.path
                && (strcmp(j->out.path, o->out.path) == 0 || (o->out.exists && bind_output_is(&j->out, &o->out.st)))) {
                fprintf(stderr, "bindc: cannot write %s: it is the same file as %s; nothing written\n", j->path, o->path);
                rc = EXIT_USAGE;
            }
        }
    }
    return rc;
}

/* Whether `--target all` writes a target for this model, decided from the
 * model and the platform's fields, never from a platform's name.
 *   - httpcfg (and its revert) is the HTTP.sys tool of Windows XP and
 *     Server 2003 (IIS 5.1 and 6).  A platform's fields describe IIS 7 and
 *     later (SNI, the central certificate store, wildcard hosts, sslFlags,
 *     IIS Express's ports): none describes a server that old, so no
 *     platform is httpcfg's, and it is written only when named.
 *   - A target none of whose server's sites are in the files would be a
 *     file that serves nothing (an applicationhost.config without sites,
 *     an nginx.conf of comments), which a reader takes for a mistake: it
 *     is left out.  IIS's targets take every site it runs; nginx and
 *     Apache only the http and https bindings.  The HTTP.sys scripts set
 *     `iplisten` too, which matters with no IIS site at all (it keeps
 *     HTTP.sys off the sockets nginx and Apache listen on).
 *   - nginx and Apache read certificates from pem/key files: a target every
 *     one of whose sites has an https binding without them (a thumbprint,
 *     `ccs`, the IIS Express development certificate) can serve none, and
 *     is left out rather than refusing the set (it says E0304 when named).
 * Returns why it is left out, or SKIP_NONE; *cert names a certificate
 * without files. */
enum skip_why { SKIP_NONE, SKIP_HTTPCFG, SKIP_NO_SITE, SKIP_NO_FILES };

static bool is_web(const bind_binding *b)
{
    return b->valid && (b->protocol == BIND_PROTO_HTTP || b->protocol == BIND_PROTO_HTTPS);
}

static enum skip_why skip_why(const bind_model *m, const bind_backend *be, const char **cert)
{
    if (strcmp(be->name, "httpcfg") == 0 || strcmp(be->name, "httpcfg-revert") == 0) return SKIP_HTTPCFG;
    if (be->server == BIND_SERVER_ANY) return SKIP_NONE;
    bool web_only = be->server != BIND_SERVER_IIS;
    uint32_t served = 0, refused = 0;
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        if (!bind_site_runs_on(s, be->server)) continue;
        bool web = !web_only, bad = false;
        for (uint32_t k = 0; web_only && k < s->nbindings; k++) {
            const bind_binding *b = s->bindings[k];
            if (!is_web(b)) continue;
            web = true;
            if (b->protocol == BIND_PROTO_HTTPS && !(b->cert && b->cert->pem && b->cert->key)) {
                if (!bad && !*cert && b->cert) *cert = b->cert->name;
                bad = true;
            }
        }
        served += web;
        refused += web && bad;
    }
    if (!served) return be->http_sys && m->niplisten ? SKIP_NONE : SKIP_NO_SITE;
    return refused == served ? SKIP_NO_FILES : SKIP_NONE;
}

static const char *server_label(uint8_t server)
{
    return server == BIND_SERVER_IIS ? "IIS" : server == BIND_SERVER_APACHE ? "Apache" : bind_server_name(server);
}

/* Why a server has no site in the files, in the user's words. */
static const char *no_site_reason(const bind_model *m, enum bind_server server, char *buf, size_t size)
{
    if (!m->nsites) return "the files declare no site";
    bool named[BIND_SERVER_APACHE + 1] = { false }, runs = false;
    for (uint32_t i = 0; i < m->nsites; i++) {
        runs |= bind_site_runs_on(m->sites[i], server);
        named[m->sites[i]->server] = true;
    }
    if (runs) {
        snprintf(buf, size, "the sites with `server = %s` or `any` have no http or https binding",
                 bind_server_name(server));
        return buf;
    }
    /* Every site names another server: one or two of them. */
    size_t at = (size_t)snprintf(buf, size, "every site has");
    const char *sep = " ";
    for (int v = BIND_SERVER_IIS; v <= BIND_SERVER_APACHE && at < size; v++) {
        if (!named[v]) continue;
        at += (size_t)snprintf(buf + at, size - at, "%s`server = %s`", sep, bind_server_name((enum bind_server)v));
        sep = " or ";
    }
    return buf;
}

/* Whether two targets left out are said in one note: the same reason,
 * and for want of sites, the same server. */
static bool same_note(const job *a, const job *b)
{
    return a->skip == b->skip && (a->skip != SKIP_NO_SITE || a->backend->server == b->backend->server);
}

/* Whether list[i] is said in the note of list[first]; with `present`, only
 * when its file is already in the folder. */
static bool in_note(const job *list, size_t i, size_t first, bool present)
{
    struct stat st;
    return i >= first && same_note(&list[i], &list[first]) && (!present || lstat(list[i].path, &st) == 0);
}

/* The files of the targets said with list[first], in words ("a", "a and
 * b", "a, b and c"); *count is how many. */
static char *listed_files(const job *list, size_t n, size_t first, bool present, size_t *count)
{
    size_t k = 0, at = 0;
    for (size_t i = first; i < n; i++) k += in_note(list, i, first, present);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) bind_oom();
    for (size_t i = first; i < n; i++) {
        if (!in_note(list, i, first, present)) continue;
        at++;
        fprintf(f, "%s%s", at == 1 ? "" : at == k ? " and " : ", ", list[i].backend->file_name);
    }
    if (fclose(f) != 0) bind_oom();
    *count = k;
    return text;
}

/* The note for the targets left out with list[first] (the first of its
 * note), saying whether a file of theirs from an earlier run is in the
 * folder (it is left as it was). */
static void skip_note(bind_report *rep, const bind_compilation *c, const job *list, size_t n, size_t first,
                      const char *cert)
{
    size_t k, kt;
    char *files = listed_files(list, n, first, false, &k), *there = listed_files(list, n, first, true, &kt);
    const char *left = kt ? "; the " : "", *kept = kt ? " already there is left as it was" : "";
    const bind_backend *be = list[first].backend;
    char why[160];
    if (list[first].skip == SKIP_HTTPCFG)
        bind_report_note(rep, "%s not written: httpcfg.exe is for Windows XP and Server 2003, older than platform "
                              "`%s` (--target httpcfg writes it)%s%s%s",
                         files, c->model->platform ? c->model->platform->name : "?", left, there, kept);
    else if (list[first].skip == SKIP_NO_SITE)
        bind_report_note(rep, "%s not written: no site is for %s (%s)%s%s%s", files, server_label(be->server),
                         no_site_reason(c->model, be->server, why, sizeof why), left, there, kept);
    else
        bind_report_note(rep, "%s not written: every site %s would serve has an https binding whose certificate "
                              "(`%s`) has no pem/key files (--target %s says where; `server = iis` keeps a site "
                              "off %s)%s%s%s",
                         files, k > 1 ? "they" : "it", cert ? cert : "a thumbprint or ccs", be->name,
                         k > 1 ? "them" : "it", left, there, kept);
    free(files);
    free(there);
}

/* One note for each reason and server, in the targets' order. */
static void skip_notes(bind_report *rep, const bind_compilation *c, const job *list, size_t n, const char *cert)
{
    for (size_t i = 0; i < n; i++) {
        if (!list[i].skip) continue;
        size_t earlier = 0;
        while (earlier < i && !same_note(&list[earlier], &list[i])) earlier++;
        if (earlier == i) skip_note(rep, c, list, n, i, cert);
    }
}

/* Every output is staged as it is made and renamed into place only when
 * every backend succeeded and every file was written, so a full disk or a
 * refused permission leaves the whole set as it was: netsh.cmd and
 * netsh-revert.cmd stay a pair.  After a refusal the other backends still
 * run, so that one compile reports every target's refusals; only a failed
 * write stops them.  Diagnostics come in the targets' order.  The folder
 * is locked from the first output made to the last renamed, so two runs
 * into one folder leave one run's set, whole. */
static int compile_all(bind_compilation *c, const bind_backend *const *list, size_t n,
                       const bind_emit_opts *eo, const bind_cli *o, const char *dir, const bind_inputs *inputs,
                       bind_report *rep)
{
    bool made_dir = mkdir(dir, 0777) == 0;
    if (!made_dir && errno != EEXIST) return bind_cli_write_error(dir, errno);
    int lock;
    int e = bind_lock_dir(dir, &lock, bind_cli_lock_waiting, (void *)dir);
    if (e) {
        if (made_dir) rmdir(dir);
        return bind_cli_write_error(dir, e);
    }
    jobs js = { .c = c, .eo = eo, .werror = o->werror, .n = n };
    js.list = calloc(n, sizeof *js.list);
    js.order = calloc(n, sizeof *js.order);
    if (!js.list || !js.order) bind_oom();
    atomic_init(&js.next, 0);
    atomic_init(&js.stop, false);
    const char *cert = NULL;
    for (size_t i = 0; i < n; i++) {
        js.list[i].backend = list[i];
        js.list[i].skip = (uint8_t)skip_why(c->model, list[i], &cert);
        bind_buf_init(&js.list[i].held);
        snprintf(js.list[i].path, sizeof js.list[i].path, "%s/%s", dir, list[i]->file_name);
        size_t at = i;                              /* by weight, then in the targets' order */
        while (at > 0 && list[js.order[at - 1]]->weight < list[i]->weight) { js.order[at] = js.order[at - 1]; at--; }
        js.order[at] = i;
    }
    int rc = resolve_all(&js, inputs);
    if (rc == EXIT_OK) {
        js.http_sys = bind_http_sys_shared_new(c->diags.limit);
        /* The plan's bag is the shared object's own (the accessor is const
         * for readers): it takes the levels before any target pushes. */
        bind_diag_bag *shared = (bind_diag_bag *)bind_http_sys_shared_diags(js.http_sys);
        bind_diag_copy_levels(shared, &c->diags);
        bind_task *other = bind_task_start(work, &js);
        work(&js);
        bind_task_wait(other);
        for (size_t i = 0; i < n; i++) {
            job *j = &js.list[i];
            bind_task_wait(j->sync);
            if (j->sync && !j->write_error) {
                j->write_error = j->sync_error;
                if (j->sync_error) j->staged = false;      /* finish removed it */
            }
        }
        bool shared_shown = false;
        for (size_t i = 0; i < n; i++) {
            job *j = &js.list[i];
            /* The HTTP.sys plan's diagnostics, once, where the first of its targets is. */
            if (j->skip) continue;
            if (j->backend->http_sys && !shared_shown) {
                backend_done(c, shared);
                bind_report_bag(rep, shared, NULL, NULL);
                shared_shown = true;
            }
            if (j->arena) {
                backend_done(c, &j->diags);
                bind_report_bag(rep, &j->diags, NULL, NULL);
            }
            if (j->refused && rc == EXIT_OK) rc = EXIT_INPUT;
            if (j->write_error) rc = bind_cli_write_error(j->path, j->write_error);
        }
        skip_notes(rep, c, js.list, n, cert);
        /* Every job ran unless a write failed (which stopped the rest). */
        for (size_t i = 0; rc == EXIT_OK && i < n; i++)
            if (!js.list[i].staged && !js.list[i].skip) rc = EXIT_USAGE;
        const char *synced = NULL;
        for (size_t i = 0; i < n; i++) {
            job *j = &js.list[i];
            if (j->staged) {
                if (rc != EXIT_OK) bind_stage_discard(&j->stage);
                else {
                    e = bind_stage_commit(&j->stage, j->held.data ? j->held.data : "", j->held.len);
                    if (e) rc = bind_cli_write_error(j->path, e);
                    else if (j->out.kind == BIND_OUTPUT_FILE && (!synced || strcmp(synced, j->out.path) != 0)) {
                        bind_sync_dir(j->out.path);
                        synced = j->out.path;
                    }
                }
            }
            bind_diag_bag_fini(&j->diags);
            bind_arena_free(j->arena);
        }
        bind_http_sys_shared_free(js.http_sys);
    }
    for (size_t i = 0; i < n; i++) {
        bind_buf_free(&js.list[i].held);
        bind_output_fini(&js.list[i].out);
    }
    free(js.list);
    free(js.order);
    if (rc != EXIT_OK && made_dir) rmdir(dir);   /* as it was: no folder */
    bind_unlock_dir(lock);
    return rc;
}

/* ---- One target ------------------------------------------------------------ */

/* Prints what the backend said it changed in a merge: a line each. */
static void print_report(const char *name, const bind_buf *report)
{
    const char *p = report->data, *end = p ? p + report->len : NULL;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n) fprintf(stderr, "bindc: %s: %.*s\n", name, (int)n, p);
        p += n + 1;
    }
}

/* One target into an output: a file is streamed into its staged file and
 * renamed into place when the backend succeeded; a device, a FIFO or
 * standard output gets the bytes held until then. */
static int compile_to_output(bind_compilation *c, const bind_backend *be, const bind_emit_opts *eo,
                             const bind_cli *o, const bind_output *dest, const char *merge_name, bind_report *rep)
{
    bind_diag_bag bag;
    backend_bag(c, &bag, c->arena);
    bind_stage st;
    int e = bind_stage_open(&st, dest);
    bool opened = !e;
    bind_buf out, report;
    bind_buf_init(&out);
    bind_buf_init(&report);
    if (opened && st.fd >= 0) bind_buf_to_file(&out, st.fd);
    bind_emit_ctx cx = { .arena = c->arena, .diags = &bag, .nginx_plan = c->nginx_plan, .state = c->state };
    if (merge_name || c->state) cx.report = &report;
    bool ok = emit(c, be, eo, &cx, o->werror, &out);
    int we = bind_buf_flush(&out);
    backend_done(c, &bag);
    bind_report_bag(rep, &bag, NULL, NULL);
    bind_diag_bag_fini(&bag);
    int rc = EXIT_OK;
    if (!ok) {                                   /* nothing is written */
        if (opened) bind_stage_discard(&st);
        rc = EXIT_INPUT;
    } else if (!opened) rc = bind_cli_write_error(dest->name, e);
    else {
        e = bind_stage_finish(&st, we);
        if (!e) e = bind_stage_commit(&st, out.data ? out.data : "", out.len);
        if (e) rc = bind_cli_write_error(dest->name, e);
        else {
            if (dest->kind == BIND_OUTPUT_FILE) bind_sync_dir(dest->path);
            if (merge_name) print_report(dest->name, &report);
            else print_report(be->name, &report);     /* --state: the records left out */
        }
    }
    bind_buf_free(&out);
    bind_buf_free(&report);
    return rc;
}

/* To standard output, held whole: nothing is printed unless it all is. */
static int compile_to_stdout(bind_compilation *c, const bind_backend *be, const bind_emit_opts *eo,
                             const bind_cli *o, const char *merge_name, bind_report *rep)
{
    bind_diag_bag bag;
    backend_bag(c, &bag, c->arena);
    bind_buf out, report;
    bind_buf_init(&out);
    bind_buf_init(&report);
    bind_emit_ctx cx = { .arena = c->arena, .diags = &bag, .nginx_plan = c->nginx_plan, .state = c->state };
    if (merge_name || c->state) cx.report = &report;
    bool ok = emit(c, be, eo, &cx, o->werror, &out);
    backend_done(c, &bag);
    bind_report_bag(rep, &bag, NULL, NULL);
    bind_diag_bag_fini(&bag);
    int rc = ok ? EXIT_OK : EXIT_INPUT;
    if (ok) {
        if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) rc = EXIT_USAGE;
        if (fflush(stdout) != 0) rc = EXIT_USAGE;
        if (rc != EXIT_OK) fprintf(stderr, "bindc: cannot write the standard output: %s\n", strerror(errno));
        else if (merge_name) print_report("<stdout>", &report);
        else print_report(be->name, &report);
    }
    bind_buf_free(&out);
    bind_buf_free(&report);
    return rc;
}

/* --merge in place, or --dry-run.  The merge is held whole: when it equals
 * the file, nothing is written (no .bak either); --dry-run prints the
 * unified diff and writes nothing.  Otherwise the new file is staged, the
 * old one kept as the next .bak of its chain, the file checked to be still
 * the one read (lf: locked since it was read), and the new file renamed
 * over it. */
static int merge_in_place(bind_compilation *c, const bind_backend *be, const bind_emit_opts *eo, const bind_cli *o,
                          const char *name, const bind_output *dest, bind_locked *lf, bool dry_run, bind_report *rep)
{
    bind_diag_bag bag;
    backend_bag(c, &bag, c->arena);
    bind_buf out, report;
    bind_buf_init(&out);
    bind_buf_init(&report);
    bind_emit_ctx cx = { .arena = c->arena, .diags = &bag, .nginx_plan = c->nginx_plan, .state = c->state };
    cx.report = &report;
    bool ok = emit(c, be, eo, &cx, o->werror, &out);
    backend_done(c, &bag);
    bind_report_bag(rep, &bag, NULL, NULL);
    bind_diag_bag_fini(&bag);
    const char *old = eo->merge->text, *now = out.data ? out.data : "";
    size_t old_len = eo->merge->len;
    int rc = ok ? EXIT_OK : EXIT_INPUT;
    bool same = out.len == old_len && memcmp(now, old, old_len) == 0;
    if (!ok) {
        /* nothing is written */
    } else if (dry_run) {
        bind_buf diff;
        bind_buf_init(&diff);
        size_t ln = strlen(name);
        char *label = malloc(ln + 10);
        if (!label) bind_oom();
        snprintf(label, ln + 10, "%s (merged)", name);
        bind_unified_diff(&diff, old, old_len, now, out.len, name, label, 3);
        free(label);
        if (diff.len && fwrite(diff.data, 1, diff.len, stdout) != diff.len) rc = EXIT_USAGE;
        if (fflush(stdout) != 0) rc = EXIT_USAGE;
        bind_buf_free(&diff);
        if (rc != EXIT_OK) fprintf(stderr, "bindc: cannot write the standard output: %s\n", strerror(errno));
        else if (same) fprintf(stderr, "bindc: %s: unchanged: the merge changes nothing (--dry-run: nothing written)\n", name);
        else print_report(name, &report);
    } else if (same) {
        fprintf(stderr, "bindc: %s: unchanged: the merge changes nothing; nothing written\n", name);
    } else {
        bind_stage st;
        char *bak = NULL;
        int slot = -1;
        const char *failed = name;
        int e = bind_stage_open(&st, dest);
        if (!e) {
            if (st.fd >= 0) e = bind_write_all(st.fd, now, out.len);
            e = bind_stage_finish(&st, e);
            if (!e) {
                e = bind_backup_make(lf, old, old_len, &bak, &slot);
                if (e) { failed = NULL; bind_stage_discard(&st); }
            }
            if (!e) {
                e = bind_locked_unchanged(lf, old, old_len);
                if (!e) {
                    /* From here the .bak stays, even if a signal comes
                     * before the rename: a spare copy, never a lost one. */
                    bind_cleanup_drop(slot);
                    slot = -1;
                    e = bind_stage_commit(&st, now, out.len);
                } else bind_stage_discard(&st);
                if (e) {
                    unlink(bak);
                    bind_cleanup_drop(slot);
                }
            }
        }
        if (e) rc = bind_cli_write_error(failed ? failed : bak, e);
        else {
            bind_sync_dir(dest->path);
            print_report(name, &report);
            fprintf(stderr, "bindc: %s: the previous file is kept as %s\n", name, bak);
        }
        free(bak);
    }
    bind_buf_free(&out);
    bind_buf_free(&report);
    return rc;
}

int bind_cmd_compile(bind_cli *o)
{
    if (o->list_targets) {
        if (o->nfiles || (o->given & ~OPT_BIT(OPT_LIST_TARGETS)))
            return bind_cli_usage_error(o, "%s", "--list-targets takes no files and no other option");
        size_t n;
        const bind_backend *const *all = bind_backends(&n);
        for (size_t i = 0; i < n; i++) printf("%s %s\n", all[i]->name, all[i]->file_name);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    }
    const char *target = o->target, *output = o->output, *merge = o->merge;
    bool prune = o->prune, dry_run = o->dry_run;
    const char *usage = NULL;
    bool all = target && strcmp(target, "all") == 0;
    const bind_backend *one = target && !all ? bind_backend_find(target) : NULL;
    bool merge_stdin = merge && strcmp(merge, "-") == 0;
    if (o->nfiles == 0) usage = "no input files (`-` reads standard input)";
    else if (!target) usage = "compile needs --target T (`bindc compile --list-targets` lists them, `all` writes them all)";
    else if (all && !output) usage = "--target all needs -o DIR";
    else if (all && strcmp(output, "-") == 0) usage = "--target all needs -o DIR, a folder";
    else if (merge && (all || strcmp(target, "iis") != 0)) usage = "--merge goes with --target iis";
    else if (prune && !merge) usage = "--prune goes with --merge";
    else if (dry_run && !merge) usage = "--dry-run goes with --merge";
    else if (merge_stdin && !output && !dry_run)
        usage = "--merge - needs -o OUT: standard input cannot be updated in place (-o - writes standard output)";
    if (usage) return bind_cli_usage_error(o, "%s", usage);
    int rc = bind_cli_one_stdin(o, merge);
    if (rc != EXIT_OK) return rc;
    bind_report *rep = NULL;

    bind_emit_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.prune = prune;
    bind_inputs inputs = { 0 };
    for (int i = 0; i < o->nfiles; i++) bind_inputs_add_path(&inputs, o->files[i]);
    bind_output dest;
    memset(&dest, 0, sizeof dest);
    bind_locked lf = { .fd = -1 };
    bind_compilation *c = NULL;
    char *merge_text = NULL;
    size_t merge_len = 0;
    bool in_place = merge && !output && !merge_stdin;
    const char *merge_shown = merge_stdin ? "<stdin>" : merge;
    int e = 0;

    /* Where the output goes, and whether it may be written, before any
     * work: a refusal costs nothing and writes nothing. */
    if (output && !all && !dry_run) {
        if (merge) bind_inputs_add_path(&inputs, merge);
        e = bind_output_resolve(output, &dest);
        if (e) { rc = bind_cli_write_error(output, e); goto done; }
        rc = bind_cli_check_output(&dest, &inputs);
        if (rc != EXIT_OK) goto done;
    }
    if (in_place) {
        e = bind_output_resolve(merge, &dest);
        if (!e && dest.kind != BIND_OUTPUT_FILE) e = BIND_E_NOTFILE;
        if (!e && !dest.exists) e = ENOENT;
        if (e) {
            fprintf(stderr, "bindc: cannot read %s: %s\n", merge, bind_io_strerror(e));
            rc = EXIT_USAGE;
            goto done;
        }
        if (!dry_run) {
            e = bind_output_writable(&dest);
            if (e) { rc = bind_cli_write_error(merge, e); goto done; }
            /* Locked from here to the rename: another run waits, then
             * merges into what this one wrote. */
            e = bind_locked_read(dest.path, BIND_MAX_FILE_SIZE, &lf, &merge_text, &merge_len,
                                 bind_cli_lock_waiting, (void *)merge);
        } else e = bind_read_file(dest.path, BIND_MAX_FILE_SIZE, &merge_text, &merge_len);
    } else if (merge) e = bind_cli_read_input(merge, BIND_MAX_FILE_SIZE, &merge_text, &merge_len);
    if (e) {
        fprintf(stderr, "bindc: cannot read %s: %s\n", merge_stdin ? "standard input" : merge, bind_io_strerror(e));
        rc = EXIT_USAGE;
        goto done;
    }

    /* The nginx target alone: its plan is built beside the conflict checks.
     * With every target, the nginx job builds it beside the other outputs,
     * and the checks make do with the plan they need (check/routes.c). */
    o->nginx_plan = !all && strcmp(target, "nginx") == 0;
    o->defer_diagnostics = true;
    rc = bind_cli_load_and_check(o, &c);
    if (!c) goto done;
    rep = bind_report_new(o, &c->sources);
    bind_report_bag(rep, &c->diags, NULL, NULL);
    if (rc != EXIT_OK) goto done;
    if (merge) {      /* one of the sources, so that a refusal can point into it */
        eo.merge = bind_sources_adopt(&c->sources, merge_shown, NULL, merge_text, merge_len, false);
        merge_text = NULL;
    }
    /* The files `use` brought in are inputs too. */
    bind_inputs_add_sources(&inputs, &c->sources);
    if (output && !all && !dry_run) {
        const char *input = bind_inputs_find(&inputs, &dest);
        if (input) {
            fprintf(stderr, "bindc: cannot write %s: it is the input file %s; nothing written\n", output, input);
            rc = EXIT_USAGE;
            goto done;
        }
    }

    if (all) {
        size_t n;
        const bind_backend *const *list = bind_backends(&n);
        rc = compile_all(c, list, n, &eo, o, output, &inputs, rep);
    } else if (merge && (in_place || dry_run)) {
        rc = merge_in_place(c, one, &eo, o, merge_shown, &dest, &lf, dry_run, rep);
    } else if (output) {
        rc = compile_to_output(c, one, &eo, o, &dest, merge, rep);
    } else {
        rc = compile_to_stdout(c, one, &eo, o, merge, rep);
    }
done:
    if (rep) {
        bind_report_finish(rep);
        bind_report_free(rep);
    }
    bind_locked_release(&lf);
    bind_output_fini(&dest);
    bind_inputs_free(&inputs);
    if (c) bind_compilation_free(c);
    free(merge_text);
    return rc;
}
