/* Loading: files from disk or memory, `use` resolution, the stdlib.
 *
 * Each file is read and parsed once (keyed by its canonical path); a file
 * that is `use`d again while it is still being loaded closes a cycle. */
#include "checker.h"
#include "load.h"
#include "syntax/foreign_text.h"
#include "syntax/parse.h"
#include "base/suggest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stdlib.inc"

#define STDLIB_PREFIX "<stdlib>/"

size_t bind_stdlib_count(void) { return sizeof bind_stdlib_files / sizeof bind_stdlib_files[0]; }
const bind_stdlib_file *bind_stdlib_at(size_t i) { return i < bind_stdlib_count() ? &bind_stdlib_files[i] : NULL; }

const bind_stdlib_file *bind_stdlib_find(const char *name)
{
    for (size_t i = 0; i < bind_stdlib_count(); i++)
        if (strcmp(bind_stdlib_files[i].name, name) == 0) return &bind_stdlib_files[i];
    return NULL;
}

int bind_load_read_disk(void *ctx, const char *path, char **text, size_t *len)
{
    /* Never blocks: a FIFO or a device named by `use` is refused, not
     * opened for reading (bind_read_file). */
    return bind_read_file(path, *(const size_t *)ctx, text, len);
}

const char *bind_load_error(int e)
{
    return e == EFBIG ? "file larger than the 64 MiB limit" : bind_io_strerror(e);
}

/* Per-compilation loader state lives on the stack of the public calls. */
typedef struct loader {
    bind_compilation *c;
    BIND_VEC(uint32_t) stack;       /* files being loaded, for cycle messages */
} loader;

bool bind_load_key_eq(const void *a, const void *b) { return strcmp(a, b) == 0; }

const char *bind_load_key(bind_compilation *c, const char *path)
{
    struct stat st;
    if (path[0] == '<' || stat(path, &st) != 0) return bind_arena_strdup(c->arena, path);
    return bind_arena_printf(c->arena, "@%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
}

uint32_t bind_load_find(const bind_compilation *c, const char *key)
{
    uintptr_t v = (uintptr_t)bind_table_get(&c->loaded, bind_hash_bytes(key, strlen(key), BIND_HASH_SEED), key);
    return v ? (uint32_t)(v - 1) : UINT32_MAX;
}

/* Whether a canonical path lies in one of the project's folders. */
static bool in_project(const bind_compilation *c, const char *real)
{
    for (size_t i = 0; i < c->project_dirs.len; i++) {
        const char *dir = c->project_dirs.items[i];
        size_t n = strlen(dir);
        if (strncmp(real, dir, n) == 0 && (real[n] == '/' || (n == 1 && dir[0] == '/'))) return true;
    }
    return false;
}

static bool has_bind_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".bind") == 0;
}

static uint32_t load(loader *L, const char *key, const char *path, const char *real_path, const char *text, char *owned,
                     size_t len, bool is_stdlib);

static const char *dir_of(bind_compilation *c, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return ".";
    if (slash == path) return "/";
    return bind_arena_strndup(c->arena, path, (size_t)(slash - path));
}

static bool is_stdlib_name(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && !strchr(name, '/') && !(n >= 5 && strcmp(name + n - 5, ".bind") == 0);
}

static void cycle_error(loader *L, const bind_stmt *st, uint32_t target)
{
    bind_compilation *c = L->c;
    /* The chain from the target back round to it, for the message. */
    size_t from = 0;
    for (size_t i = 0; i < L->stack.len; i++) if (L->stack.items[i] == target) from = i;
    char *chain = bind_arena_strdup(c->arena, "");
    for (size_t i = from; i < L->stack.len; i++)
        chain = bind_arena_printf(c->arena, "%s%s -> ", chain, c->files.items[L->stack.items[i]].ast->src->path);
    chain = bind_arena_printf(c->arena, "%s%s", chain, c->files.items[target].ast->src->path);
    bind_diag *d = bind_diag_push(&c->diags, BIND_E0005, st->name.span, "`use` cycle: %s", chain);
    bind_diag_note(&c->diags, d, NULL, "a file may be used by many others, but not by one it uses itself");
}

/* The file a `use` in file idx names, loaded (with its own uses) if it was
 * not; -1 when it cannot be used. */
static int32_t resolve_use(loader *L, uint32_t idx, const bind_stmt *st)
{
    bind_compilation *c = L->c;
    const char *name = st->name.text;
    const bind_source *from = c->files.items[idx].ast->src;
    char key_buf[PATH_MAX];
    const char *display, *real = NULL, *text = NULL;
    char *owned = NULL;
    size_t len = 0;
    bool stdlib = is_stdlib_name(name);
    if (!*name) {
        bind_diag_push(&c->diags, BIND_E0004, st->name.span, "`use` needs a file name or a stdlib name");
        return -1;
    }

    if (stdlib) {
        const bind_stdlib_file *sf = bind_stdlib_find(name);
        if (!sf) {
            const char *names[64];
            size_t n = 0;
            for (size_t i = 0; i < bind_stdlib_count() && n < 64; i++) names[n++] = bind_stdlib_files[i].name;
            const char *s = bind_suggest(name, names, n);
            bind_diag *d = bind_diag_push(&c->diags, BIND_E0004, st->name.span,
                                          "no stdlib file `%s`%s%s%s", name,
                                          s ? "; did you mean `" : "", s ? s : "", s ? "`?" : "");
            if (s) bind_diag_fixit(&c->diags, d, st->name.span, bind_arena_printf(c->arena, "\"%s\"", s));
            bind_diag_note(&c->diags, d, NULL, "a name without `/` or `.bind` names a stdlib file; write \"./%s.bind\" for a file of yours", name);
            return -1;
        }
        display = bind_arena_printf(c->arena, STDLIB_PREFIX "%s.bind", name);
        text = sf->text;
        len = sf->len;
    } else {
        if (from->is_stdlib) {
            bind_diag_push(&c->diags, BIND_E0004, st->name.span, "stdlib files can only use stdlib files");
            return -1;
        }
        /* Only .bind files, and only inside the project: a .bind file in
         * a change under review must not be able to read anything else
         * (its diagnostics would echo the lines of what it read). */
        if (!has_bind_suffix(name)) {
            bind_diag *d = bind_diag_push(&c->diags, BIND_E0004, st->name.span, "`use` names a .bind file or a stdlib name, not `%s`", name);
            bind_diag_note(&c->diags, d, NULL, "a file's name ends in .bind; a stdlib name has no `/` (use \"iis-express\")");
            return -1;
        }
        display = name[0] == '/' ? name : bind_arena_printf(c->arena, "%s/%s", dir_of(c, from->path), name);
        if (strncmp(display, "./", 2) == 0 && name[0] != '.') display += 2;
        if (!realpath(display, key_buf)) {
            int e = errno;
            bind_diag *d = bind_diag_push(&c->diags, BIND_E0004, st->name.span, "cannot use `%s`: %s", name, strerror(e));
            bind_diag_note(&c->diags, d, NULL, "looked for %s (paths are relative to the file that uses them)", display);
            return -1;
        }
        if (!in_project(c, key_buf)) {
            bind_diag *d = bind_diag_push(&c->diags, BIND_E0004, st->name.span, "`use \"%s\"` leaves the project", name);
            bind_diag_note(&c->diags, d, NULL, "a `use` stays in the folder of the files given to bindc (or the editor's workspace); "
                                               "`--root DIR` widens it");
            return -1;
        }
        real = key_buf;
    }

    const char *key = bind_load_key(c, stdlib ? display : real);
    uint32_t existing = bind_load_find(c, key);
    if (existing != UINT32_MAX) {
        if (!c->files.items[existing].done) { cycle_error(L, st, existing); return -1; }
        return (int32_t)existing;
    }
    if (L->stack.len >= c->max_use_depth) {
        bind_diag_push(&c->diags, BIND_E0004, st->name.span, "`use` nested deeper than %u files", c->max_use_depth);
        return -1;
    }
    if (!stdlib) {
        int e = c->read(c->read_ctx ? c->read_ctx : &c->max_file_size, real, &owned, &len);
        if (e) {
            bind_diag_push(&c->diags, BIND_E0004, st->name.span, "cannot read `%s`: %s", name, bind_load_error(e));
            return -1;
        }
    }
    return (int32_t)load(L, key, display, real, text, owned, len, stdlib);
}

/* Streaming: a statement of file `idx`, declared as soon as it is parsed.
 * A `use` loads its file there and then, so the used file's statements are
 * declared where its first `use` is, as bind_check_declarations' walk over
 * trees puts them. */
typedef struct stream_ctx { loader *L; uint32_t idx; bool is_stdlib; } stream_ctx;

static void declare_parsed(void *ctx, const bind_stmt *st)
{
    stream_ctx *sc = ctx;
    if (st->kind == BIND_STMT_USE) resolve_use(sc->L, sc->idx, st);
    else bind_check_declare(sc->L->c->checker, st, sc->is_stdlib);
}

/* The second part of a split parse declares its sites itself (check/split_part.c). */
static void *part_open(bind_arena *a, bind_interner *in, bind_diag_bag *diags) { return bind_check_part_open(a, in, diags); }
static bool part_declare(void *part, const bind_stmt *st) { return bind_check_part_declare(part, st); }
static void part_merge(void *ctx, void *part) { bind_check_part_merge(((stream_ctx *)ctx)->L->c->checker, part); }
static void part_close(void *part) { bind_check_part_close(part); }
static const bind_part_sink part_sites = { part_open, part_declare, part_merge, part_close };

/* Reads a file's statements (the text is `owned`, a read buffer the
 * sources adopt, or copied) and loads what it uses.  Returns its index. */
static uint32_t load(loader *L, const char *key, const char *path, const char *real_path, const char *text, char *owned,
                     size_t len, bool is_stdlib)
{
    bind_compilation *c = L->c;
    bind_source *src = owned ? bind_sources_adopt(&c->sources, path, real_path, owned, len, is_stdlib)
                             : bind_sources_add(&c->sources, path, real_path, text, len, is_stdlib);
    /* Registered before it is parsed: a `use` of it from a file it uses is a cycle. */
    bind_loaded_file f;
    memset(&f, 0, sizeof f);
    f.ast = bind_arena_alloc(c->arena, sizeof *f.ast);
    f.ast->src = src;
    bind_vec_push(&c->files, f);
    uint32_t idx = (uint32_t)c->files.len - 1;
    bind_table_put(&c->loaded, bind_hash_bytes(key, strlen(key), BIND_HASH_SEED), key, (void *)(uintptr_t)(idx + 1));
    bind_vec_push(&L->stack, idx);
    if (!is_stdlib && bind_refuse_foreign_text(src, &c->diags)) {
        c->files.items[idx].ast->syntax_errors = true;
        if (!c->streaming) {
            if (!c->syntax) c->syntax = bind_arena_new();
            c->files.items[idx].use_target = bind_arena_alloc(c->arena, sizeof(int32_t));
        }
    } else if (c->streaming) {
        stream_ctx sc = { L, idx, is_stdlib };
        uint32_t split_at = is_stdlib ? 0 : c->parse_split_at ? c->parse_split_at : bind_parse_split_point(src);
        if (split_at == UINT32_MAX) split_at = 0;
        bind_ast_file *tree = bind_parse_stream(src, c->arena, c->interner, &c->diags, declare_parsed, &sc, split_at,
                                                &part_sites);
        c->files.items[idx].ast = tree;
    } else {
        if (!c->syntax) c->syntax = bind_arena_new();
        bind_ast_file *tree = bind_parse_file(src, c->syntax, c->interner, &c->diags);
        int32_t *use_target = bind_arena_alloc(c->arena, (tree->nstmts ? tree->nstmts : 1) * sizeof *use_target);
        c->files.items[idx].ast = tree;
        c->files.items[idx].use_target = use_target;
        for (uint32_t i = 0; i < tree->nstmts; i++) {
            use_target[i] = -1;
            if (tree->stmts[i].kind == BIND_STMT_USE) use_target[i] = resolve_use(L, idx, &tree->stmts[i]);
        }
    }
    c->files.items[idx].done = true;
    L->stack.len--;
    return idx;
}

void bind_load_root(bind_compilation *c, const char *key, const char *path, const char *real, const char *text,
                    char *owned, size_t len, bool stdlib)
{
    loader L = { c, { 0 } };
    uint32_t idx = load(&L, key, path, real, text, owned, len, stdlib);
    bind_vec_push(&c->roots, idx);
    bind_vec_free(&L.stack);
}

void bind_load_prelude(bind_compilation *c)
{
    const bind_stdlib_file *prelude = bind_stdlib_find("prelude");
    bind_load_root(c, STDLIB_PREFIX "prelude.bind", STDLIB_PREFIX "prelude.bind", NULL, prelude->text, NULL,
                   prelude->len, true);
}
