/* Backends: pure functions of the checked model.
 *
 * Each target is one file behind this interface.  emit() reads the frozen
 * model and the sources (to quote what the user wrote), appends the whole
 * output to `out`, and may push diagnostics (E0304, W0407) into its own
 * context: deterministic order, fixed quoting, no clock, no environment.
 * It never sees the compilation, so it cannot add a source or fill a cache
 * there; `--target all` runs two at a time, each with a context of its own.
 * The driver writes `out` only when the compilation and the backend
 * reported no error. */
#ifndef BIND_BACKEND_H
#define BIND_BACKEND_H

#include "base/buf.h"
#include "base/source.h"
#include "diag/diag.h"
#include "model/model.h"

struct bind_nginx_plan;
struct bind_http_sys_shared;
struct bind_machine_state;

typedef struct bind_emit_opts {
    /* iis --merge: the existing applicationhost.config, already one of the
     * compilation's sources so that diagnostics can point into it; NULL
     * writes a document of bindc's own. */
    const bind_source *merge;
    /* iis --merge --prune: sites of the file that the .bind files do not
     * name are removed (and reported) instead of kept. */
    bool prune;
} bind_emit_opts;

/* What a backend writes besides its output, and the plans it may share
 * with its siblings.  Everything else it reads is const. */
typedef struct bind_emit_ctx {
    bind_arena *arena;
    bind_diag_bag *diags;
    /* The nginx plan the checks kept (compile.h), or NULL: the nginx
     * target then builds its own. */
    const struct bind_nginx_plan *nginx_plan;
    /* `--target all`: the HTTP.sys plan, built once for the four targets
     * that need it (http_sys_plan.h); NULL builds one for this target. */
    struct bind_http_sys_shared *http_sys;
    /* --state: what the machine's HTTP.sys holds (model/machine_state.h,
     * the compilation's c->state).  The HTTP.sys targets leave out the
     * records it shows as they would set them, and say so
     * (backend/http_sys_plan.h); NULL: none given. */
    const struct bind_machine_state *state;
    /* Where a target says in words what it changed in a file it merged
     * into (`site Shop: 1 binding added, 1 removed`), a line each; NULL
     * when nobody asks. */
    bind_buf *report;
} bind_emit_ctx;

typedef struct bind_backend {
    const char *name;              /* --target NAME */
    const char *file_name;         /* its file under `--target all -o DIR` */
    /* Returns false when it pushed an error (nothing must be written). */
    bool (*emit)(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                 bind_emit_ctx *ctx, bind_buf *out);
    /* Its rough cost on a fleet, relative to the others: `--target all`
     * starts the costly ones first, so that the two threads end together. */
    unsigned weight;
    /* It builds the HTTP.sys plan (http_sys_plan.h): `--target all` has the
     * targets that do build it once between them. */
    bool http_sys;
    /* The server whose sites it writes (enum bind_server: the sites that
     * bind_site_runs_on it); BIND_SERVER_ANY: every site, whatever runs it.
     * `--target all` leaves out a target that has none to write. */
    uint8_t server;
} bind_backend;

/* Every target in a fixed order (the order of `--target all`). */
const bind_backend *const *bind_backends(size_t *n);
const bind_backend *bind_backend_find(const char *name);
/* Runs be: true when it says it succeeded and pushed no error (its
 * warnings, such as W0407, do not stop the write). */
bool bind_backend_run(const bind_backend *be, const bind_model *m, const bind_sources *sources,
                      const bind_emit_opts *opts, bind_emit_ctx *cx, bind_buf *out);

#endif
