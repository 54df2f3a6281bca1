/* A compilation's life: made with the prelude loaded, given the user's
 * files, checked (checker.c), freed at once with everything it holds. */
#include "checker.h"
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    bind_table_init(&c->loaded, bind_load_key_eq);
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
    bind_vec_free(&c->project_dirs);
    bind_table_fini(&c->loaded);
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

bool bind_compilation_allow_dir(bind_compilation *c, const char *dir)
{
    char real[PATH_MAX];
    if (!realpath(dir, real)) return false;
    for (size_t i = 0; i < c->project_dirs.len; i++)
        if (strcmp(c->project_dirs.items[i], real) == 0) return true;
    bind_vec_push(&c->project_dirs, bind_arena_strdup(c->arena, real));
    return true;
}

void bind_compilation_allow_dir_of(bind_compilation *c, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) { bind_compilation_allow_dir(c, "."); return; }
    bind_compilation_allow_dir(c, slash == path ? "/" : bind_arena_strndup(c->arena, path, (size_t)(slash - path)));
}

/* A file the user named that is a pipe, a FIFO, a terminal or standard
 * input (`-`): read as a stream, to its end, once. */
static bool add_stream(bind_compilation *c, const char *path, int *err)
{
    bool stdin_ = strcmp(path, "-") == 0;
    char *text = NULL;
    size_t len = 0;
    int e = bind_read_named(path, c->max_file_size, &text, &len);
    if (e) { *err = e; return false; }
    bind_compilation_allow_dir_of(c, "./-");
    const char *key = bind_arena_printf(c->arena, "<stream %zu>", c->files.len);
    bind_load_root(c, key, stdin_ ? "<stdin>" : path, NULL, NULL, text, len, false);
    return true;
}

bool bind_compilation_add_file(bind_compilation *c, const char *path, int *err)
{
    struct stat st;
    if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)))
        return add_stream(c, path, err);
    char real[PATH_MAX];
    if (!realpath(path, real)) { *err = errno; return false; }
    bind_compilation_allow_dir_of(c, real);
    const char *key = bind_load_key(c, real);
    if (bind_load_find(c, key) != UINT32_MAX) return true;    /* given twice, or used by an earlier file */
    char *text = NULL;
    size_t len = 0;
    int e = c->read(c->read_ctx ? c->read_ctx : &c->max_file_size, real, &text, &len);
    if (e) { *err = e; return false; }
    bind_load_root(c, key, path, real, NULL, text, len, false);
    return true;
}

void bind_compilation_add_text(bind_compilation *c, const char *path, const char *text, size_t len)
{
    char real[PATH_MAX];
    const char *canon = realpath(path, real) ? real : path;
    bind_compilation_allow_dir_of(c, canon);
    bind_load_root(c, bind_load_key(c, canon), path, canon, text, NULL, len, false);
}
