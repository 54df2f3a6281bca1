/* A compilation's life: made with the prelude loaded, given the user's
 * files, checked (checker.c), freed at once with everything it holds. */
#include "checker.h"
#include "load.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static bind_compilation *compilation_new(bool streaming)
{
    bind_arena *a = bind_arena_new();
    bind_compilation *c = bind_arena_alloc(a, sizeof *c);
    c->arena = a;
    c->interner = bind_interner_new(a);
    bind_sources_init(&c->sources, a);
    bind_diag_bag_init(&c->diags, a);
    c->read = bind_load_read_disk;
    c->max_file_size = BIND_MAX_FILE_SIZE;
    c->max_use_depth = BIND_MAX_USE_DEPTH;
    c->streaming = streaming;
    c->checker = bind_checker_new(c);
    c->routes_arena = bind_arena_new();
    bind_load_prelude(c);
    return c;
}

bind_compilation *bind_compilation_new(void) { return compilation_new(false); }
bind_compilation *bind_compilation_new_streaming(void) { return compilation_new(true); }

void bind_compilation_free(bind_compilation *c)
{
    if (!c) return;
    bind_arena *a = c->arena;
    bind_checker_free(c->checker);
    bind_vec_free(&c->files);
    bind_vec_free(&c->roots);
    bind_diag_bag_fini(&c->diags);
    bind_sources_fini(&c->sources);
    bind_interner_free(c->interner);
    bind_arena_free(c->syntax);
    bind_arena_free(c->routes_arena);
    bind_arena_free(a);
}

void bind_compilation_expect_bytes(bind_compilation *c, uint64_t bytes)
{
    bind_interner_reserve(c->interner, (size_t)(bytes / BIND_BYTES_PER_NAME));
}

bool bind_compilation_add_file(bind_compilation *c, const char *path, int *err)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) { *err = errno; return false; }
    if (bind_load_find(c, real) != UINT32_MAX) return true;    /* given twice, or used by an earlier file */
    char *text = NULL;
    size_t len = 0;
    int e = c->read(c->read_ctx ? c->read_ctx : &c->max_file_size, real, &text, &len);
    if (e) { *err = e; return false; }
    bind_load_root(c, path, real, NULL, text, len, false);
    return true;
}

void bind_compilation_add_text(bind_compilation *c, const char *path, const char *text, size_t len)
{
    char real[PATH_MAX];
    const char *key = realpath(path, real) ? real : path;
    bind_load_root(c, path, key, text, NULL, len, false);
}
