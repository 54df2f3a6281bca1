/* Runs a target over a checked compilation as `bindc compile` does: with
 * the compilation's arena and diagnostics, the nginx plan the checks kept,
 * and the --merge file (when merge_text is not NULL) made one of its
 * sources.  True when the target succeeded and pushed no error. */
#ifndef BIND_TEST_EMIT_TARGET_H
#define BIND_TEST_EMIT_TARGET_H

#include "backend/backend.h"
#include "check/compile.h"

static inline bool emit_target(bind_compilation *c, const char *target, const char *merge_path,
                               const char *merge_text, size_t merge_len, bind_buf *out)
{
    const bind_backend *be = bind_backend_find(target);
    if (!be) return false;
    bind_emit_opts o = { 0 };
    if (merge_text) o.merge = bind_sources_add(&c->sources, merge_path, NULL, merge_text, merge_len, false);
    bind_emit_ctx cx = { .arena = c->arena, .diags = &c->diags, .nginx_plan = c->nginx_plan };
    return bind_backend_run(be, c->model, &c->sources, &o, &cx, out);
}

#endif
