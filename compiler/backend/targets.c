/* The table of targets, in the order `--target all` writes them. */
#include "backend.h"

#include <string.h>

extern const bind_backend bind_backend_iis;
extern const bind_backend bind_backend_netsh;
extern const bind_backend bind_backend_netsh_revert;
extern const bind_backend bind_backend_httpcfg;
extern const bind_backend bind_backend_httpcfg_revert;
extern const bind_backend bind_backend_nginx;
extern const bind_backend bind_backend_apache;
extern const bind_backend bind_backend_json;

static const bind_backend *const backends[] = {
    &bind_backend_iis,
    &bind_backend_netsh,
    &bind_backend_netsh_revert,
    &bind_backend_httpcfg,
    &bind_backend_httpcfg_revert,
    &bind_backend_nginx,
    &bind_backend_apache,
    &bind_backend_json,
};

const bind_backend *const *bind_backends(size_t *n)
{
    *n = sizeof backends / sizeof backends[0];
    return backends;
}

bool bind_backend_run(const bind_backend *be, const bind_model *m, const bind_sources *sources,
                      const bind_emit_opts *opts, bind_emit_ctx *cx, bind_buf *out)
{
    size_t errors_before = cx->diags->counts[BIND_SEV_ERROR];
    bool ok = be->emit(m, sources, opts, cx, out);
    return ok && cx->diags->counts[BIND_SEV_ERROR] == errors_before;
}

const bind_backend *bind_backend_find(const char *name)
{
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i]->name, name) == 0) return backends[i];
    return NULL;
}
