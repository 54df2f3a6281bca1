/* bindc: the command line, a thin front end over libbindc. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "diag.h"

#define BINDC_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_NO_ROUTE = 3 };

static const char usage[] =
    "usage: bindc <command> [options]\n"
    "\n"
    "commands:\n"
    "  check   FILE... [--platform P] [--werror] [--diagnostics-format text|json]\n"
    "          check .bind files as one server; print diagnostics\n"
    "  explain CODE     print the long explanation of a diagnostic code (e.g. E0201)\n"
    "  --version        print the version\n"
    "  --help           print this help\n"
    "\n"
    "exit codes: 0 success (warnings allowed), 1 the input has errors,\n"
    "            2 usage or I/O error, 3 `route` found no site\n";

typedef struct options {
    const char **files;
    int nfiles;
    const char *platform;
    bool werror, json;
    int color;                /* -1 auto, 0 never, 1 always */
} options;

static int usage_error(const char *fmt, const char *arg)
{
    fputs("bindc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nrun `bindc --help` for usage\n", stderr);
    return EXIT_USAGE;
}

/* Options shared by the commands that read .bind files. */
static int parse_common(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->color = -1;
    o->files = (const char **)calloc((size_t)argc + 1, sizeof *o->files);
    if (!o->files) bind_oom();
    bool only_files = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) { o->files[o->nfiles++] = a; continue; }
        if (strcmp(a, "--") == 0) { only_files = true; continue; }
        if (strcmp(a, "--werror") == 0) { o->werror = true; continue; }
        if (strcmp(a, "--platform") == 0 || strcmp(a, "--diagnostics-format") == 0 || strcmp(a, "--color") == 0) {
            if (i + 1 >= argc) return usage_error("%s needs a value", a);
            const char *v = argv[++i];
            if (a[2] == 'p') o->platform = v;
            else if (a[2] == 'd') {
                if (strcmp(v, "json") == 0) o->json = true;
                else if (strcmp(v, "text") != 0) return usage_error("unknown diagnostics format `%s` (text or json)", v);
            } else {
                if (strcmp(v, "always") == 0) o->color = 1;
                else if (strcmp(v, "never") == 0) o->color = 0;
                else if (strcmp(v, "auto") != 0) return usage_error("unknown --color `%s` (auto, always, never)", v);
            }
            continue;
        }
        return usage_error("unknown option `%s`", a);
    }
    if (o->nfiles == 0) return usage_error("%s", "no input files");
    return EXIT_OK;
}

/* Loads and checks the files; prints diagnostics.  Returns the exit code
 * and, through *out, the compilation (for commands that go on). */
static int load_and_check(const options *o, bind_compilation **out)
{
    bind_compilation *c = bind_compilation_new();
    c->platform_override = o->platform;
    for (int i = 0; i < o->nfiles; i++) {
        int err = 0;
        if (!bind_compilation_add_file(c, o->files[i], &err)) {
            fprintf(stderr, "bindc: cannot read %s: %s\n", o->files[i],
                    err == EFBIG ? "file larger than the 64 MiB limit" : strerror(err));
            bind_compilation_free(c);
            return EXIT_USAGE;
        }
    }
    bind_compilation_check(c);
    if (o->platform && !bind_model_find_platform(c->model, bind_intern_cstr(c->interner, o->platform))) {
        fprintf(stderr, "bindc: unknown platform `%s`\n", o->platform);
        bind_compilation_free(c);
        return EXIT_USAGE;
    }
    bind_render_opts ro = { .color = o->color == 1 || (o->color == -1 && isatty(fileno(stderr)) && !getenv("NO_COLOR")),
                            .werror = o->werror };
    bind_diag_render_all(stderr, &c->sources, &c->diags, o->json, ro);
    int rc = bind_diag_has_errors(&c->diags, o->werror) ? EXIT_INPUT : EXIT_OK;
    if (out) *out = c;
    else bind_compilation_free(c);
    return rc;
}

static int cmd_check(int argc, char **argv)
{
    options o;
    int rc = parse_common(argc, argv, &o);
    if (rc == EXIT_OK) rc = load_and_check(&o, NULL);
    free(o.files);
    return rc;
}

static int cmd_explain(int argc, char **argv)
{
    if (argc != 1) return usage_error("%s", "explain takes one code, e.g. `bindc explain E0201`");
    enum bind_code code;
    if (!bind_code_parse(argv[0], &code)) return usage_error("unknown diagnostic code `%s`", argv[0]);
    printf("%s: %s (%s)\n\n%s", bind_code_name(code), bind_code_summary(code),
           bind_severity_name(bind_code_severity(code)), bind_code_explanation(code));
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fputs(usage, stderr); return EXIT_USAGE; }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) { fputs(usage, stdout); return EXIT_OK; }
    if (strcmp(cmd, "--version") == 0) { printf("bindc %s\n", BINDC_VERSION); return EXIT_OK; }
    if (strcmp(cmd, "check") == 0) return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "explain") == 0) return cmd_explain(argc - 2, argv + 2);
    return usage_error("unknown command `%s`", cmd);
}
