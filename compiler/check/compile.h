/* A compilation: the set of .bind files checked as one server (or fleet).
 *
 * It owns the arena, the interner, the sources, the diagnostics and the
 * model; bind_compilation_free releases all of them at once.  No globals:
 * the language server keeps many compilations alive. */
#ifndef BIND_COMPILE_H
#define BIND_COMPILE_H

#include "syntax/ast.h"
#include "base/file_io.h"
#include "base/table.h"
#include "diag/diag.h"
#include "model/model.h"

/* Reads a file for `use` and the command line.  The language server passes
 * one that prefers open editor buffers.  Returns 0 and a malloc'ed buffer
 * of at least *len + 1 bytes (the compilation keeps it as the source text
 * and writes the NUL), or an errno value. */
typedef int (*bind_read_fn)(void *ctx, const char *path, char **text, size_t *len);
/* What a bind_read_fn returns for a FIFO, a device or a socket. */
#define BIND_ENOTREG BIND_E_NOTREG
/* An error of a bind_read_fn in words. */
const char *bind_load_error(int e);

typedef struct bind_loaded_file {
    bind_ast_file *ast;
    int32_t *use_target;            /* per statement: index of the used file, or -1 (no tree: NULL) */
    bool done;                      /* loaded with all its uses (cycle detection) */
} bind_loaded_file;

struct bind_checker;
struct bind_machine_state;

/* Reads a file of captures for --state into a machine state
 * (model/machine_state.h): import/state.h's bind_state_read, which the
 * check stage cannot call itself (it does not read foreign formats); the
 * command line and the language server set it.  Takes raw (len + 1
 * malloc'ed bytes), adds the text to sources and its diagnostics to diags;
 * false when the file holds no capture. */
typedef bool (*bind_state_reader_fn)(struct bind_machine_state *st, bind_sources *sources, bind_diag_bag *diags,
                                     const char *path, const char *real_path, char *raw, size_t len);

typedef struct bind_compilation {
    bind_arena *arena;
    bind_arena *syntax;             /* the syntax trees (their names are interned in arena) */
    bind_interner *interner;
    bind_sources sources;
    bind_diag_bag diags;
    BIND_VEC(bind_loaded_file) files;
    BIND_VEC(uint32_t) roots;       /* files given by the user, in order */
    /* Each loaded file by its identity (device and inode for a file on
     * disk; the stdlib name or the path for text given in memory): what
     * makes a file used twice load once, in one lookup. */
    bind_table loaded;
    /* The folders, canonical, that `use` may reach into: the folders of the
     * files the user gave, and any bind_compilation_allow_dir added. */
    BIND_VEC(const char *) project_dirs;
    bind_model *model;
    const char *platform_override;  /* --platform */
    bind_read_fn read;
    void *read_ctx;
    size_t max_file_size;
    uint32_t max_use_depth;
    /* The nginx plan the checker builds for W0407, kept here for the nginx
     * target and `route --server nginx` when keep_nginx_plan is set (the
     * CLI sets it for those, so that a fleet's plan is built once).  Unset,
     * the checks build a plan without exact names unless they need them
     * (nginx_plan.h): `check`, the language server (whose compilations
     * live on while the plan is as big as the fleet), and `--target all`,
     * whose nginx job builds the whole plan beside the other outputs
     * instead of making the checks wait for it. */
    bool keep_nginx_plan;
    const struct bind_nginx_plan *nginx_plan;
    /* The kept plan and the route checks' diagnostics, made on a thread of
     * their own beside the conflict checks (check/checker.c). */
    bind_arena *routes_arena;
    /* No syntax trees (bind_compilation_new_streaming): each statement is
     * declared as it is parsed, and each file keeps an empty tree, its
     * source and syntax_errors. */
    bool streaming;
    /* Where a streamed file's parse is split between two threads: 0 lets
     * bind_parse_split_point choose, UINT32_MAX never splits; the tests set
     * other offsets to try every place (the result must not change). */
    uint32_t parse_split_at;
    struct bind_checker *checker;   /* the checker's state, from the first declaration on */
    /* --state: what the machine's HTTP.sys holds, from the files given to
     * bind_compilation_add_state (read by state_reader); NULL without
     * them.  With it, bind_compilation_check also compares the .bind with
     * the machine (check/state_checks.c: W0503-W0508), and the route and
     * the HTTP.sys targets can use it. */
    struct bind_machine_state *state;
    bind_state_reader_fn state_reader;
} bind_compilation;

/* The nginx plan of the checked model, built on first use and kept in the
 * compilation (check/routes.c). */
const struct bind_nginx_plan *bind_compilation_nginx_plan(bind_compilation *c);

#define BIND_MAX_FILE_SIZE (64u << 20)
#define BIND_MAX_USE_DEPTH 64

/* A compilation that keeps every file's syntax tree: the language server,
 * the formatter and the tests read them. */
bind_compilation *bind_compilation_new(void);
/* One that keeps none: the command line's.  A fleet's trees are several
 * times its text, and every byte of them held would be a byte the checks
 * across the fleet had to fault in fresh; here a statement's tree lives
 * while the checker declares it (bind_parse_stream).  Diagnostics and the
 * model are the same as bind_compilation_new's, byte for byte. */
bind_compilation *bind_compilation_new_streaming(void);
void bind_compilation_free(bind_compilation *c);

/* Adds a file given by the user (and, through `use`, what it uses).
 * Returns false with errno-style *err when the file itself cannot be read. */
bool bind_compilation_add_file(bind_compilation *c, const char *path, int *err);
/* The size of all the files about to be added, when known before the first
 * is read: the interner is sized once for all of them.  Sized by each file
 * as it comes, it would be rebuilt at a fleet's later files, every name
 * placed again.  Advice only. */
void bind_compilation_expect_bytes(bind_compilation *c, uint64_t bytes);
/* Lets `use` reach into dir (canonical, or made so), besides the folders
 * of the files the user gave: `--root DIR`, an editor's workspace folder.
 * False when dir does not exist. */
bool bind_compilation_allow_dir(bind_compilation *c, const char *dir);
/* The folder of a file the user gives is the project's: the command line
 * allows every input's folder before it adds the first, so that a `use`
 * in one may reach the folder of another. */
void bind_compilation_allow_dir_of(bind_compilation *c, const char *path);
/* Adds a file from memory (editor buffers, tests). */
void bind_compilation_add_text(bind_compilation *c, const char *path, const char *text, size_t len);
/* Adds a file of captures of the machine's HTTP.sys (--state), before
 * bind_compilation_check: read with c->read (the language server's open
 * buffers first) and c->state_reader.  False with errno-style *err when
 * the file cannot be read (ENOSYS: no reader set); a file that is read but
 * holds no capture is E0501, and true. */
bool bind_compilation_add_state(bind_compilation *c, const char *path, int *err);
/* Resolves and checks everything added; fills c->model.  Diagnostics are
 * sorted afterwards. */
void bind_compilation_check(bind_compilation *c);

/* Stdlib sources embedded at build time. */
typedef struct bind_stdlib_file { const char *name; const char *text; size_t len; } bind_stdlib_file;
const bind_stdlib_file *bind_stdlib_find(const char *name);
size_t bind_stdlib_count(void);
const bind_stdlib_file *bind_stdlib_at(size_t i);

#endif
