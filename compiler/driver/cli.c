/* What the commands that read .bind files share: their common options,
 * usage errors, how diagnostics are rendered, and loading and checking the
 * files named on the command line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"

int bind_cli_usage_error(const char *fmt, const char *arg)
{
    fputs("bindc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nrun `bindc --help` for usage\n", stderr);
    return EXIT_USAGE;
}

void bind_cli_free(bind_cli *o)
{
    free(o->files);
    free(o->rest);
    o->files = o->rest = NULL;
}

static bool listed(const char *const *list, const char *a)
{
    for (; list && *list; list++)
        if (strcmp(*list, a) == 0) return true;
    return false;
}

int bind_cli_parse(int argc, char **argv, const char *const *extra, bind_cli *o)
{
    return bind_cli_parse_with(argc, argv, extra, NULL, o);
}

int bind_cli_parse_with(int argc, char **argv, const char *const *extra, const char *const *switches, bind_cli *o)
{
    memset(o, 0, sizeof *o);
    o->color = -1;
    o->files = calloc((size_t)argc + 1, sizeof *o->files);
    o->rest = calloc((size_t)argc * 2 + 1, sizeof *o->rest);
    if (!o->files || !o->rest) bind_oom();
    bool only_files = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) { o->files[o->nfiles++] = a; continue; }
        if (strcmp(a, "--") == 0) { only_files = true; continue; }
        if (strcmp(a, "--werror") == 0) { o->werror = true; continue; }
        if (listed(switches, a)) {
            o->rest[o->nrest++] = a;
            o->rest[o->nrest++] = a;
            continue;
        }
        if (listed(extra, a)) {
            if (i + 1 >= argc) return bind_cli_usage_error("%s needs a value", a);
            o->rest[o->nrest++] = a;
            o->rest[o->nrest++] = argv[++i];
            continue;
        }
        if (strcmp(a, "--platform") == 0 || strcmp(a, "--diagnostics-format") == 0 || strcmp(a, "--color") == 0) {
            if (i + 1 >= argc) return bind_cli_usage_error("%s needs a value", a);
            const char *v = argv[++i];
            if (a[2] == 'p') o->platform = v;
            else if (a[2] == 'd') {
                if (strcmp(v, "json") == 0) o->json = true;
                else if (strcmp(v, "text") != 0) return bind_cli_usage_error("unknown diagnostics format `%s` (text or json)", v);
            } else {
                if (strcmp(v, "always") == 0) o->color = 1;
                else if (strcmp(v, "never") == 0) o->color = 0;
                else if (strcmp(v, "auto") != 0) return bind_cli_usage_error("unknown --color `%s` (auto, always, never)", v);
            }
            continue;
        }
        return bind_cli_usage_error("unknown option `%s`", a);
    }
    if (o->nfiles == 0) return bind_cli_usage_error("%s", "no input files");
    return EXIT_OK;
}

bind_render_opts bind_cli_render_opts(int color, bool werror)
{
    bind_render_opts ro = { .color = color == 1 || (color == -1 && isatty(fileno(stderr)) && !getenv("NO_COLOR")),
                            .werror = werror };
    return ro;
}

int bind_cli_load_and_check(const bind_cli *o, bind_compilation **out)
{
    *out = NULL;
    bind_compilation *c = bind_compilation_new_streaming();
    c->platform_override = o->platform;
    c->keep_nginx_plan = o->nginx_plan;
    uint64_t total = 0;
    struct stat st;
    for (int i = 0; i < o->nfiles; i++)
        if (stat(o->files[i], &st) == 0 && S_ISREG(st.st_mode)) total += (uint64_t)st.st_size;
    bind_compilation_expect_bytes(c, total);
    for (int i = 0; i < o->nfiles; i++) {
        char real[PATH_MAX];
        if (realpath(o->files[i], real)) bind_compilation_allow_dir_of(c, real);
    }
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
    bind_render_opts ro = bind_cli_render_opts(o->color, o->werror);
    bind_diag_render_all(stderr, &c->sources, &c->diags, o->json, ro);
    *out = c;
    return bind_diag_has_errors(&c->diags, o->werror) ? EXIT_INPUT : EXIT_OK;
}
