/* What the commands share: parsing by the table (table.c), usage errors
 * with "did you mean" and the choices, the diagnostic levels, and loading
 * and checking the files named on the command line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"
#include "import/state.h"
#include "backend/backend.h"
#include "base/suggest.h"

/* Records a compilation's bag keeps, when the user set a limit on those
 * shown: the limit applies when they are said, in the order of the file,
 * and these many are kept so that the counts beside it ("and 990 more
 * I0401 like these") are exact for any fleet but a pathological one. */
#define KEPT_MIN 100000

/* ---- Messages ------------------------------------------------------------- */

static void usage_tail(const bind_cli *o)
{
    if (o && o->cmd) fprintf(stderr, "run `bindc help %s` for its usage\n", o->cmd->name);
    else fputs("run `bindc help` for usage\n", stderr);
}

int bind_cli_usage_error(const bind_cli *o, const char *fmt, const char *arg)
{
    fflush(stdout);
    fputs("bindc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    usage_tail(o);
    return EXIT_USAGE;
}

static void put_list(const char *const *items, size_t n)
{
    for (size_t i = 0; i < n; i++) fprintf(stderr, "%s%s", i ? ", " : "", items[i]);
}

/* The closest of the choices, when it is a plausible slip: a short word
 * must also start as the choice does (`xml` is not a typo of `all`). */
static const char *suggest(const char *word, const char *const *choices, size_t n)
{
    const char *near = bind_suggest(word, choices, n);
    if (near && strlen(word) < 4 && (word[0] | 0x20) != (near[0] | 0x20)) near = NULL;
    return near;
}

int bind_cli_unknown(const bind_cli *o, const char *what, const char *word, const char *const *choices, size_t n)
{
    fflush(stdout);
    const char *near = suggest(word, choices, n);
    fprintf(stderr, "bindc: unknown %s `%s`", what, word);
    if (near) fprintf(stderr, "; did you mean `%s`?", near);
    fprintf(stderr, "\n       the %ss: ", what);
    put_list(choices, n);
    fputc('\n', stderr);
    usage_tail(o);
    return EXIT_USAGE;
}

int bind_cli_unknown_code(const bind_cli *o, const char *word, const char *for_option)
{
    const char *names[BIND_CODE_COUNT];
    for (int i = 0; i < BIND_CODE_COUNT; i++) names[i] = bind_code_name((enum bind_code)i);
    const char *near = suggest(word, names, BIND_CODE_COUNT);
    fflush(stdout);
    fprintf(stderr, "bindc: unknown diagnostic code `%s`%s%s", word, for_option ? " for " : "", for_option ? for_option : "");
    if (near) fprintf(stderr, "; did you mean `%s`?", near);
    fputs("\n       `bindc explain --list` lists every code\n", stderr);
    usage_tail(o);
    return EXIT_USAGE;
}

int bind_cli_one_stdin(const bind_cli *o, const char *also)
{
    int n = also && strcmp(also, "-") == 0;
    for (int i = 0; i < o->nfiles; i++) n += strcmp(o->files[i], "-") == 0;
    if (n > 1) return bind_cli_usage_error(o, "%s", "`-` (standard input) given twice: it can be read once");
    return EXIT_OK;
}

void bind_cli_free(bind_cli *o)
{
    free(o->files);
    free(o->roots);
    free(o->states);
    o->files = NULL;
    o->roots = NULL;
    o->states = NULL;
}

/* ---- Values --------------------------------------------------------------- */

static size_t count(const char *const *list)
{
    size_t n = 0;
    while (list && list[n]) n++;
    return n;
}

/* The targets and `all`, for messages. */
static const char **target_names(size_t *n)
{
    size_t nb;
    const bind_backend *const *all = bind_backends(&nb);
    const char **names = malloc((nb + 1) * sizeof *names);
    if (!names) bind_oom();
    for (size_t i = 0; i < nb; i++) names[i] = all[i]->name;
    names[nb] = "all";
    *n = nb + 1;
    return names;
}

static int set_level(bind_cli *o, const bind_cli_option *opt, const char *value)
{
    uint8_t level = opt->id == OPT_ALLOW ? BIND_LEVEL_ALLOW : opt->id == OPT_WARN ? BIND_LEVEL_WARN : BIND_LEVEL_DENY;
    /* -Werror, as gcc and clang spell it. */
    if (opt->id == OPT_WARN && strcmp(value, "error") == 0) { o->werror = true; return EXIT_OK; }
    bool any = false;
    for (const char *p = value; *p;) {
        size_t len = strcspn(p, ",");
        if (len == 0) { p++; continue; }
        char code_text[32];
        snprintf(code_text, sizeof code_text, "%.*s", (int)(len < 31 ? len : 31), p);
        p += len;
        enum bind_code code;
        if (len >= sizeof code_text || !bind_code_parse(code_text, &code)) return bind_cli_unknown_code(o, code_text, opt->name);
        if (bind_code_severity(code) == BIND_SEV_ERROR && level != BIND_LEVEL_DENY) {
            fflush(stdout);
            fprintf(stderr, "bindc: %s %s: %s is an error, and an error cannot be %s: the input is wrong whatever the options say\n",
                    opt->name, bind_code_name(code), bind_code_name(code), level == BIND_LEVEL_ALLOW ? "allowed" : "made a warning");
            usage_tail(o);
            return EXIT_USAGE;
        }
        o->level[code] = level;
        any = true;
    }
    if (!any) return bind_cli_usage_error(o, "%s needs a diagnostic code, e.g. I0401", opt->name);
    return EXIT_OK;
}

static int set_choice(bind_cli *o, const bind_cli_option *opt, const char *value, const char **into)
{
    for (const char *const *c = opt->choices; *c; c++)
        if (strcmp(*c, value) == 0) { *into = *c; return EXIT_OK; }
    char what[64];
    snprintf(what, sizeof what, "value of %s", opt->name);
    fflush(stdout);
    const char *near = suggest(value, opt->choices, count(opt->choices));
    fprintf(stderr, "bindc: unknown %s `%s`", what, value);
    if (near) fprintf(stderr, "; did you mean `%s`?", near);
    fputs("\n       it is one of: ", stderr);
    put_list(opt->choices, count(opt->choices));
    fputc('\n', stderr);
    usage_tail(o);
    return EXIT_USAGE;
}

static int set_value(bind_cli *o, const bind_cli_option *opt, const char *value)
{
    const char *choice = NULL;
    int rc = EXIT_OK;
    switch (opt->id) {
    case OPT_TARGET: {
        o->target = value;
        if (strcmp(value, "all") == 0 || bind_backend_find(value)) break;
        size_t n;
        const char **names = target_names(&n);
        rc = bind_cli_unknown(o, "target", value, names, n);
        free(names);
        break;
    }
    case OPT_OUTPUT: o->output = value; break;
    case OPT_MERGE: o->merge = value; break;
    case OPT_LOCAL_IP: o->local_ip = value; break;
    case OPT_SNI: o->sni = value; break;
    case OPT_PLATFORM: o->platform = value; break;
    case OPT_ROOT: {
        struct stat st;
        if (stat(value, &st) != 0 || !S_ISDIR(st.st_mode))
            return bind_cli_usage_error(o, "--root `%s`: no such folder", value);
        o->roots[o->nroots++] = value;
        break;
    }
    case OPT_STATE: o->states[o->nstates++] = value; break;
    case OPT_SERVER:
        if ((rc = set_choice(o, opt, value, &choice)) == EXIT_OK) o->server = choice;
        break;
    case OPT_FORMAT:
        if ((rc = set_choice(o, opt, value, &choice)) == EXIT_OK) o->json = strcmp(choice, "json") == 0;
        break;
    case OPT_COLOR:
        if ((rc = set_choice(o, opt, value, &choice)) == EXIT_OK)
            o->color = strcmp(choice, "always") == 0 ? 1 : strcmp(choice, "never") == 0 ? 0 : -1;
        break;
    case OPT_ERROR_LIMIT: {
        char *end;
        errno = 0;
        unsigned long long n = value[0] >= '0' && value[0] <= '9' ? strtoull(value, &end, 10) : 0;
        if (!(value[0] >= '0' && value[0] <= '9') || *end || errno)
            return bind_cli_usage_error(o, "--error-limit `%s` is not a number (0: no limit)", value);
        o->error_limit = n == 0 || n >= SIZE_MAX ? SIZE_MAX : (size_t)n;
        break;
    }
    case OPT_ALLOW:
    case OPT_WARN:
    case OPT_DENY: rc = set_level(o, opt, value); break;
    case OPT_PRUNE: o->prune = true; break;
    case OPT_DRY_RUN: o->dry_run = true; break;
    case OPT_LIST_TARGETS: o->list_targets = true; break;
    case OPT_CHECK: o->fmt_check = true; break;
    case OPT_WRITE: o->fmt_write = true; break;
    case OPT_VERBOSE: o->verbose = true; break;
    case OPT_LIST: o->list = true; break;
    case OPT_WERROR: o->werror = true; break;
    case OPT_STDIO: case OPT_HELP: case OPT_NO_SNI: case OPT_COUNT: break;
    }
    return rc;
}

/* ---- Parsing -------------------------------------------------------------- */

static const bind_cli_option *find_long(const char *a, size_t len)
{
    size_t n;
    const bind_cli_option *all = bind_cli_options(&n);
    for (size_t i = 0; i < n; i++)
        if (strlen(all[i].name) == len && memcmp(all[i].name, a, len) == 0) return &all[i];
    return NULL;
}

static const bind_cli_option *find_short(char c)
{
    size_t n;
    const bind_cli_option *all = bind_cli_options(&n);
    for (size_t i = 0; i < n; i++)
        if (all[i].short_name && all[i].short_name == c) return &all[i];
    return NULL;
}

/* An option that is not one of this command's: the closest of its own, or
 * which commands take it. */
static int unknown_option(const bind_cli *o, const char *a, size_t len, const bind_cli_option *elsewhere)
{
    fflush(stdout);
    char *word = strndup(a, len);
    if (!word) bind_oom();
    if (elsewhere) {
        fprintf(stderr, "bindc: %s is not an option of `bindc %s`, but of", word, o->cmd->name);
        size_t nc;
        const bind_command *cmds = bind_commands(&nc);
        int k = 0;
        for (size_t i = 0; i < nc; i++)
            if (cmds[i].options & OPT_BIT(elsewhere->id)) fprintf(stderr, "%s `bindc %s`", k++ ? "," : "", cmds[i].name);
        fputc('\n', stderr);
    } else {
        size_t n, k = 0;
        const bind_cli_option *all = bind_cli_options(&n);
        const char **names = malloc(n * sizeof *names);
        if (!names) bind_oom();
        for (size_t i = 0; i < n; i++)
            if (o->cmd->options & OPT_BIT(all[i].id)) names[k++] = all[i].name;
        const char *near = word[1] == '-' ? suggest(word, names, k) : NULL;
        fprintf(stderr, "bindc: unknown option `%s` for `bindc %s`", word, o->cmd->name);
        if (near) fprintf(stderr, "; did you mean `%s`?", near);
        fputc('\n', stderr);
        free(names);
    }
    free(word);
    usage_tail(o);
    return EXIT_USAGE;
}

int bind_cli_parse(const bind_command *cmd, int argc, char **argv, bind_cli *o)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->color = -1;
    o->files = calloc((size_t)argc + 1, sizeof *o->files);
    o->roots = calloc((size_t)argc + 1, sizeof *o->roots);
    o->states = calloc((size_t)argc + 1, sizeof *o->states);
    if (!o->files || !o->roots || !o->states) bind_oom();
    /* --help anywhere (before `--`) wins over any mistake around it. */
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return CLI_HELP;
    }
    bool only_operands = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_operands || a[0] != '-' || a[1] == '\0') { o->files[o->nfiles++] = a; continue; }
        if (strcmp(a, "--") == 0) { only_operands = true; continue; }
        const bind_cli_option *opt;
        const char *value = NULL;
        size_t len;
        if (a[1] == '-') {
            const char *eq = strchr(a, '=');
            len = eq ? (size_t)(eq - a) : strlen(a);
            opt = find_long(a, len);
            if (eq) value = eq + 1;
        } else {
            len = 2;
            opt = find_short(a[1]);
            if (opt && a[2]) {
                if (opt->metavar) value = a + 2;
                else len = strlen(a), opt = NULL;        /* -wx: no such switch */
            }
        }
        if (!opt || !(cmd->options & OPT_BIT(opt->id))) return unknown_option(o, a, len, opt);
        char shown[64];
        snprintf(shown, sizeof shown, "%.*s", (int)len, a);
        if (!opt->metavar && value) return bind_cli_usage_error(o, "%s takes no value", shown);
        if (opt->metavar && !value) {
            /* The next argument, unless it is another option. */
            if (i + 1 >= argc || (argv[i + 1][0] == '-' && argv[i + 1][1] == '-')) {
                fflush(stdout);
                fprintf(stderr, "bindc: %s needs a value: %s %s\n", shown, shown, opt->metavar);
                usage_tail(o);
                return EXIT_USAGE;
            }
            value = argv[++i];
        }
        if ((o->given & OPT_BIT(opt->id)) && !opt->repeat && opt->metavar)
            return bind_cli_usage_error(o, "%s given twice", opt->name);
        o->given |= OPT_BIT(opt->id);
        int rc = set_value(o, opt, value);
        if (rc != EXIT_OK) return rc;
    }
    if (!(o->given & OPT_BIT(OPT_ERROR_LIMIT))) o->error_limit = o->json ? BIND_DIAG_DEFAULT_LIMIT : 20;
    return EXIT_OK;
}

/* ---- Diagnostics ------------------------------------------------------------ */

void bind_cli_set_levels(const bind_cli *o, bind_diag_bag *bag)
{
    memcpy(bag->level, o->level, sizeof bag->level);
    size_t kept = o->error_limit == SIZE_MAX ? SIZE_MAX : o->error_limit > KEPT_MIN ? o->error_limit : KEPT_MIN;
    bag->limit = kept;
}

const char **bind_cli_platforms(const bind_model *m, bind_arena *a, size_t *n)
{
    const char **names = bind_arena_alloc(a, (m->nplatforms + 1) * sizeof *names);
    for (uint32_t i = 0; i < m->nplatforms; i++) names[i] = m->platforms[i]->name;
    *n = m->nplatforms;
    return names;
}

int bind_cli_load_and_check(const bind_cli *o, bind_compilation **out)
{
    *out = NULL;
    bind_compilation *c = bind_compilation_new_streaming();
    c->platform_override = o->platform;
    c->keep_nginx_plan = o->nginx_plan;
    bind_cli_set_levels(o, &c->diags);
    uint64_t total = 0;
    struct stat st;
    for (int i = 0; i < o->nfiles; i++)
        if (stat(o->files[i], &st) == 0 && S_ISREG(st.st_mode)) total += (uint64_t)st.st_size;
    bind_compilation_expect_bytes(c, total);
    for (int i = 0; i < o->nroots; i++) {
        if (!bind_compilation_allow_dir(c, o->roots[i])) {
            bind_compilation_free(c);
            return bind_cli_usage_error(o, "--root `%s`: no such folder", o->roots[i]);
        }
    }
    for (int i = 0; i < o->nfiles; i++) {
        char real[PATH_MAX];
        if (realpath(o->files[i], real)) bind_compilation_allow_dir_of(c, real);
    }
    for (int i = 0; i < o->nfiles; i++) {
        int err = 0;
        if (!bind_compilation_add_file(c, o->files[i], &err)) {
            fflush(stdout);
            fprintf(stderr, "bindc: cannot read %s: %s\n", strcmp(o->files[i], "-") == 0 ? "standard input" : o->files[i],
                    bind_load_error(err));
            bind_compilation_free(c);
            return EXIT_USAGE;
        }
    }
    /* --state: the machine's HTTP.sys, read before the check compares the
     * files with it (`-` once, among the files and the captures). */
    c->state_reader = bind_state_read;
    for (int i = 0; i < o->nstates; i++) {
        int err = 0, stdins = strcmp(o->states[i], "-") == 0;
        for (int k = 0; k < o->nfiles; k++) stdins += strcmp(o->files[k], "-") == 0;
        for (int k = 0; k < i; k++) stdins += strcmp(o->states[k], "-") == 0;
        if (stdins > 1) {
            bind_compilation_free(c);
            return bind_cli_usage_error(o, "%s", "`-` (standard input) given twice: it can be read once");
        }
        if (!bind_compilation_add_state(c, o->states[i], &err)) {
            fflush(stdout);
            fprintf(stderr, "bindc: cannot read %s: %s\n", strcmp(o->states[i], "-") == 0 ? "standard input" : o->states[i],
                    bind_load_error(err));
            bind_compilation_free(c);
            return EXIT_USAGE;
        }
    }
    bind_compilation_check(c);
    if (o->platform && !bind_model_find_platform(c->model, bind_intern_cstr(c->interner, o->platform))) {
        size_t n;
        const char **names = bind_cli_platforms(c->model, c->arena, &n);
        int rc = bind_cli_unknown(o, "platform", o->platform, names, n);
        bind_compilation_free(c);
        return rc;
    }
    if (!o->defer_diagnostics) {
        bind_report *r = bind_report_new(o, &c->sources);
        bind_report_bag(r, &c->diags, NULL, NULL);
        bind_report_finish(r);
        bind_report_free(r);
    }
    *out = c;
    return bind_diag_has_errors(&c->diags, o->werror) ? EXIT_INPUT : EXIT_OK;
}
