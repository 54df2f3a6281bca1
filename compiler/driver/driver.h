/* The bindc command line: one function per command, shared option parsing. */
#ifndef BIND_DRIVER_H
#define BIND_DRIVER_H

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
void bind_cli_free(bind_cli *o);
int bind_cli_usage_error(const char *fmt, const char *arg);
/* How diagnostics are rendered: colour per --color (auto: stderr is a
 * terminal and NO_COLOR is unset), --werror. */
bind_render_opts bind_cli_render_opts(int color, bool werror);
/* Loads and checks o->files, prints diagnostics, returns the exit code and
 * the compilation in *out (NULL on usage errors). */
int bind_cli_load_and_check(const bind_cli *o, bind_compilation **out);

int bind_cmd_check(int argc, char **argv);
int bind_cmd_compile(int argc, char **argv);
int bind_cmd_explain(int argc, char **argv);
int bind_cmd_route(int argc, char **argv);
int bind_cmd_lsp(int argc, char **argv);
int bind_cmd_fmt(int argc, char **argv);

#endif
