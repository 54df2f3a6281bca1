/* bindc: the command line, a thin front end over libbindc.  The commands
 * and their options are the table of table.c. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "base/cleanup.h"

/* The commands of the table, by name (table.c names no function: the
 * driver's files call each other in one direction, main first). */
static const struct { const char *name; int (*run)(bind_cli *); } runs[] = {
    { "check", bind_cmd_check },
    { "compile", bind_cmd_compile },
    { "fmt", bind_cmd_fmt },
    { "route", bind_cmd_route },
    { "import", bind_cmd_import },
    { "explain", bind_cmd_explain },
    { "lsp", bind_cmd_lsp },
    { "help", bind_cmd_help },
};

static int unknown_command(const char *word)
{
    size_t n;
    const bind_command *cmds = bind_commands(&n);
    const char **names = malloc(n * sizeof *names);
    if (!names) bind_oom();
    for (size_t i = 0; i < n; i++) names[i] = cmds[i].name;
    int rc = bind_cli_unknown(NULL, "command", word, names, n);
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        bind_help_print(stderr, NULL);
        return EXIT_USAGE;
    }
    /* glibc maps every block above its threshold afresh and unmaps it when
     * freed, so each sort buffer and vector of a fleet would fault its pages
     * in again.  Blocks up to 32 MiB come from the heap instead, which
     * keeps freed pages for the next one; the largest (outputs of hundreds
     * of MB) are still mapped, where realloc grows them without copying. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    /* A signal removes the temporary files of the outputs being made, and a
     * file-size limit is a write error, not a kill (base/cleanup.h). */
    bind_cleanup_install();
    const char *word = argv[1];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
        if (argc > 2) return bind_cli_usage_error(NULL, "%s takes no arguments; `bindc help COMMAND` is a command's help", word);
        bind_help_print(stdout, NULL);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (strcmp(word, "--version") == 0) {
        if (argc > 2) return bind_cli_usage_error(NULL, "%s takes no arguments", word);
        printf("bindc %s\n", BINDC_VERSION);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (strcmp(word, "__generate") == 0) return bind_generate(argc - 2, argv + 2);
    const bind_command *cmd = bind_command_find(word);
    if (!cmd) {
        if (word[0] == '-') return bind_cli_usage_error(NULL, "`%s` before the command: options come after it, as in `bindc check --werror FILE`", word);
        return unknown_command(word);
    }
    int (*run)(bind_cli *) = NULL;
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
        if (strcmp(runs[i].name, cmd->name) == 0) run = runs[i].run;
    bind_cli o;
    int rc = bind_cli_parse(cmd, argc - 2, argv + 2, &o);
    if (rc == EXIT_OK) rc = run(&o);
    else if (rc == CLI_HELP) {
        bind_help_print(stdout, cmd);
        rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    }
    bind_cli_free(&o);
    return rc;
}
