/* The bindc command line.
 *
 * One table (table.c) names every command and every option: what it
 * takes, its choices, its help.  It drives the parsing (cli.c), `--help`
 * and `bindc help COMMAND`, the completions for bash, zsh and fish, the
 * man page and the usage block of the README (help.c): none of them lists
 * an option of its own. */
#ifndef BIND_DRIVER_H
#define BIND_DRIVER_H

#include <stdint.h>
#include <sys/types.h>

#include "base/file_io.h"
#include "check/compile.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_NO_ROUTE = 3 };

/* ---- The table ------------------------------------------------------------ */

enum bind_opt_id {
    OPT_HELP,
    /* compile */
    OPT_TARGET, OPT_OUTPUT, OPT_MERGE, OPT_PRUNE, OPT_DRY_RUN, OPT_LIST_TARGETS,
    /* fmt */
    OPT_CHECK, OPT_WRITE,
    /* route */
    OPT_LOCAL_IP, OPT_SERVER, OPT_SNI, OPT_NO_SNI, OPT_VERBOSE,
    /* lsp, explain */
    OPT_STDIO, OPT_LIST,
    /* the inputs */
    OPT_PLATFORM, OPT_ROOT, OPT_STATE,
    /* the diagnostics */
    OPT_WERROR, OPT_ALLOW, OPT_WARN, OPT_DENY, OPT_ERROR_LIMIT, OPT_FORMAT, OPT_COLOR,
    OPT_COUNT
};
#define OPT_BIT(id) (UINT32_C(1) << (id))

/* What an option's value is: it decides its check, its completion and the
 * choices its help lists. */
enum bind_values {
    VALUES_NONE,            /* a switch */
    VALUES_CHOICES,         /* one of choices[] */
    VALUES_TARGET,          /* a target of backend/targets.c, or `all` */
    VALUES_PLATFORM,        /* a platform: the stdlib's, or one the files define */
    VALUES_CODES,           /* diagnostic codes, separated by commas */
    VALUES_FILE,
    VALUES_DIR,
    VALUES_NUMBER,
    VALUES_TEXT,            /* anything (an address) */
};

typedef struct bind_cli_option {
    enum bind_opt_id id;
    const char *name;               /* "--target" */
    char short_name;                /* 'o' for -o, or 0 */
    const char *metavar;            /* "T"; NULL for a switch */
    enum bind_values values;
    const char *const *choices;     /* VALUES_CHOICES */
    const char *fallback;           /* the default, said in the help, or NULL */
    bool repeat;                    /* may come more than once (the levels) */
    bool diagnostics;               /* listed under "diagnostics" in a command's help */
    const char *help;               /* one line */
    const char *more;               /* more for the man page, or NULL */
} bind_cli_option;

struct bind_cli;

/* What a command's operands are, for the completions. */
enum bind_operands { OPERANDS_NONE, OPERANDS_FILES, OPERANDS_CODE, OPERANDS_COMMAND };

typedef struct bind_command {
    const char *name;
    const char *const *usage;       /* synopsis lines, after `bindc NAME ` */
    const char *summary;            /* one line, for the list of commands */
    const char *about;              /* a paragraph, for its help and the man page */
    uint32_t options;               /* OPT_BIT()s */
    enum bind_operands operands;
} bind_command;

const bind_command *bind_commands(size_t *n);
const bind_command *bind_command_find(const char *name);
const bind_cli_option *bind_cli_options(size_t *n);
const bind_cli_option *bind_cli_option_get(enum bind_opt_id id);

/* ---- Parsed arguments ----------------------------------------------------- */

typedef struct bind_cli {
    const bind_command *cmd;
    const char **files;             /* the operands, in order */
    int nfiles;
    uint32_t given;                 /* OPT_BIT()s of the options given */
    const char *platform, *target, *output, *merge, *local_ip, *server, *sni;
    const char **roots;             /* --root, in order */
    int nroots;
    const char **states;            /* --state, in order */
    int nstates;
    bool werror, json, prune, dry_run, list_targets, fmt_check, fmt_write, verbose, list;
    int color;                      /* -1 auto, 0 never, 1 always */
    size_t error_limit;             /* records shown; SIZE_MAX: no limit */
    uint8_t level[BIND_CODE_COUNT]; /* enum bind_diag_level, per --allow, -W, --deny */
    /* The command prints or routes over the nginx plan: the route checks
     * build the whole plan and keep it (compile.h).  Without it they build
     * only what they ask (nginx_plan.h), a fraction of a fleet's. */
    bool nginx_plan;
    /* Diagnostics are printed by the command (route, compile) rather than
     * by bind_cli_load_and_check. */
    bool defer_diagnostics;
} bind_cli;

/* Parses argv (the arguments after the command's name) by the table:
 * `--opt value`, `--opt=value`, `-o value`, `-ovalue`, `--` (every later
 * argument an operand), `-` an operand.  EXIT_OK; EXIT_USAGE with the
 * message said; or CLI_HELP when --help was asked (main prints it). */
enum { CLI_HELP = -1 };
int bind_cli_parse(const bind_command *cmd, int argc, char **argv, bind_cli *o);
void bind_cli_free(bind_cli *o);

/* "bindc: MESSAGE", then where the usage is: `bindc help CMD`.  fmt has
 * one %s for arg.  Returns EXIT_USAGE. */
int bind_cli_usage_error(const bind_cli *o, const char *fmt, const char *arg);
/* An unknown word among choices: "bindc: unknown WHAT `word`", the
 * closest choice as "did you mean", and every choice. */
int bind_cli_unknown(const bind_cli *o, const char *what, const char *word, const char *const *choices, size_t n);
/* The same for a diagnostic code (for_option: the option it was given to, or NULL). */
int bind_cli_unknown_code(const bind_cli *o, const char *word, const char *for_option);
/* At most one `-` (standard input) among the operands and `also`. */
int bind_cli_one_stdin(const bind_cli *o, const char *also);

/* The levels of --allow, -W and --deny into a bag, before anything is
 * pushed into it. */
void bind_cli_set_levels(const bind_cli *o, bind_diag_bag *bag);
/* Loads and checks o->files, prints diagnostics (unless deferred: then
 * the command reports them), returns the exit code and the compilation in
 * *out (NULL on usage errors). */
int bind_cli_load_and_check(const bind_cli *o, bind_compilation **out);
/* Every platform a compilation knows (the stdlib's, and those the files
 * define), for the message of an unknown one; arena strings. */
const char **bind_cli_platforms(const bind_model *m, bind_arena *a, size_t *n);

/* ---- Saying diagnostics (report.c) --------------------------------------- */

/* One run's diagnostics as the user asked: levels already applied, each
 * record said once (a record of a target's bag identical in code, span
 * and message to one already said is dropped), at most error_limit shown
 * in all, and in text a warning or hint code past FOLD records folded into
 * one line; then the summary line ("3 warnings generated."). */
typedef struct bind_report bind_report;
#define BIND_REPORT_FOLD 10
bind_report *bind_report_new(const bind_cli *o, bind_sources *sources);
/* How diagnostics are rendered: colour per --color (auto: stderr is a
 * terminal and NO_COLOR is unset), --werror. */
bind_render_opts bind_cli_render_opts(const bind_cli *o);
/* Says the records of bag; keep(d, ctx) picks which (NULL: all).  Records
 * not picked are not counted either. */
void bind_report_bag(bind_report *r, const bind_diag_bag *bag, bool (*keep)(const bind_diag *d, void *ctx), void *ctx);
/* A line of the run's own ("bindc: note: ..."), said after the records
 * and before the summary; a JSON object of type "note" with json. */
void bind_report_note(bind_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The fold lines not said yet, what was not shown, the summary line. */
void bind_report_finish(bind_report *r);
void bind_report_free(bind_report *r);

/* ---- Outputs (outputs.c) -------------------------------------------------- */

/* The files a run reads (device and inode): an output that is one of them
 * is refused before anything is written. */
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
/* Reads an input named on the command line: `-` is standard input. */
int bind_cli_read_input(const char *path, size_t limit, char **text, size_t *len);

/* ---- Commands -------------------------------------------------------------- */

int bind_cmd_check(bind_cli *o);
int bind_cmd_compile(bind_cli *o);
int bind_cmd_explain(bind_cli *o);
int bind_cmd_route(bind_cli *o);
int bind_cmd_lsp(bind_cli *o);
int bind_cmd_fmt(bind_cli *o);
int bind_cmd_import(bind_cli *o);
int bind_cmd_help(bind_cli *o);

/* help.c: the help of bindc (cmd NULL) or of a command, on out. */
void bind_help_print(FILE *out, const bind_command *cmd);
/* The hidden `bindc __generate WHAT [FILE]` of the build and the tests:
 * man (rewrites the generated parts of FILE, the man page), bash, zsh,
 * fish (completion scripts), usage (the README's usage block), options
 * (the option table of grammar/README.md §10). */
int bind_generate(int argc, char **argv);

#endif
