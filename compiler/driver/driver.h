/* The bindc command line: one function per command, shared option parsing. */
#ifndef BIND_DRIVER_H
#define BIND_DRIVER_H

#include <sys/types.h>

#include "base/file_io.h"
#include "check/compile.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_NO_ROUTE = 3 };

/* Options of the commands that read .bind files. */
typedef struct bind_cli {
    const char **files;
    int nfiles;
    const char **rest;        /* arguments that are not files or known flags */
    int nrest;
    const char *platform;
    bool werror, json;
    int color;                /* -1 auto, 0 never, 1 always */
    /* The command prints or routes over the nginx plan: the route checks
     * build the whole plan and keep it (compile.h).  Without it they build
     * only what they ask (nginx_plan.h), a fraction of a fleet's. */
    bool nginx_plan;
} bind_cli;

/* Flags a command takes beyond the common ones: "--target" means it takes a
 * value; the values land in rest[] as pairs (flag, value). */
int bind_cli_parse(int argc, char **argv, const char *const *extra_flags, bind_cli *o);
/* The same with switches too, flags without a value ("--dry-run"): each
 * lands in rest[] as the pair (flag, flag). */
int bind_cli_parse_with(int argc, char **argv, const char *const *extra_flags, const char *const *switches,
                        bind_cli *o);
void bind_cli_free(bind_cli *o);
int bind_cli_usage_error(const char *fmt, const char *arg);
/* How diagnostics are rendered: colour per --color (auto: stderr is a
 * terminal and NO_COLOR is unset), --werror. */
bind_render_opts bind_cli_render_opts(int color, bool werror);
/* Loads and checks o->files, prints diagnostics, returns the exit code and
 * the compilation in *out (NULL on usage errors). */
int bind_cli_load_and_check(const bind_cli *o, bind_compilation **out);

/* The files a run reads (device and inode): an output that is one of them
 * is refused before anything is written (outputs.c). */
typedef struct bind_inputs {
    struct { dev_t dev; ino_t ino; const char *name; } *items;
    size_t n, cap;
} bind_inputs;
void bind_inputs_add_path(bind_inputs *in, const char *path);
/* Every file of the compilation but the stdlib's (`use`d ones too). */
void bind_inputs_add_sources(bind_inputs *in, const bind_sources *s);
/* The name of the input `out` is, or NULL. */
const char *bind_inputs_find(const bind_inputs *in, const bind_output *out);
void bind_inputs_free(bind_inputs *in);
/* bind_lock_wait_fn that says so on stderr; arg is the file's name. */
void bind_cli_lock_waiting(void *arg, long pid);
/* "bindc: cannot write NAME: WHY" (errno or BIND_E_*); returns EXIT_USAGE. */
int bind_cli_write_error(const char *name, int e);
/* Refuses (message, EXIT_USAGE) an output that is an input or that this
 * user may not write; EXIT_OK otherwise. */
int bind_cli_check_output(const bind_output *out, const bind_inputs *in);

int bind_cmd_check(int argc, char **argv);
int bind_cmd_compile(int argc, char **argv);
int bind_cmd_explain(int argc, char **argv);
int bind_cmd_route(int argc, char **argv);
int bind_cmd_lsp(int argc, char **argv);
int bind_cmd_fmt(int argc, char **argv);

#endif
