/* Backends: pure functions of the checked model.
 *
 * Each target is one file behind this interface.  emit() appends the whole
 * output to `out` and may push diagnostics (E0304, W0407): deterministic
 * order, fixed quoting, no clock, no environment.  The driver writes `out`
 * atomically only when the compilation and the backend reported no error. */
#ifndef BIND_BACKEND_H
#define BIND_BACKEND_H

#include "base/buf.h"
#include "check/compile.h"

typedef struct bind_emit_opts {
    const char *merge_path;        /* iis --merge: the existing applicationhost.config */
    const char *merge_text;        /* its bytes (read by the driver) */
    size_t merge_len;
} bind_emit_opts;

typedef struct bind_backend {
    const char *name;              /* --target NAME */
    const char *file_name;         /* its file under `--target all -o DIR` */
    /* Returns false when it pushed an error (nothing must be written).  It
     * may allocate from c->arena and push to c->diags, and reads the rest
     * of c only: `--target all` runs two at a time, each on a copy of c
     * with an arena and diagnostics of its own. */
    bool (*emit)(bind_compilation *c, const bind_emit_opts *opts, bind_buf *out);
    /* Its rough cost on a fleet, relative to the others: `--target all`
     * starts the costly ones first, so that the two threads end together. */
    unsigned weight;
    /* It builds the HTTP.sys plan (backend/http_sys_plan.h): `--target all` has the
     * targets that do build it once between them. */
    bool http_sys;
} bind_backend;

/* Every target in a fixed order (the order of `--target all`). */
const bind_backend *const *bind_backends(size_t *n);
const bind_backend *bind_backend_find(const char *name);

#endif
