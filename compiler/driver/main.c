/* bindc: the command line, a thin front end over libbindc. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "base/cleanup.h"

static const char usage[] =
    "usage: bindc <command> [options]\n"
    "\n"
    "commands:\n"
    "  check   FILE... [--platform P] [--werror] [--diagnostics-format text|json]\n"
    "          check .bind files as one server; print diagnostics\n"
    "  compile FILE... --target T [-o OUT] [--merge EXISTING.config [--prune] [--dry-run]]\n"
    "          T: one of `bindc compile --list-targets`, or `all -o DIR`; -o - is stdout\n"
    "  fmt     FILE... [--check | --write]   print (check, rewrite) files in canonical form\n"
    "  lsp              the language server (LSP over stdin/stdout, logs on stderr)\n"
    "  route   FILE... URL [--local-ip IP] [--server iis|nginx]\n"
    "          which site and binding answer the request, and why (exit 3: none)\n"
    "  explain CODE     print the long explanation of a diagnostic code (e.g. E0201)\n"
    "  --version        print the version\n"
    "  --help           print this help\n"
    "\n"
    "exit codes: 0 success (warnings allowed), 1 the input has errors,\n"
    "            2 usage or I/O error, 3 `route` found no site\n";

static const struct { const char *name; int (*run)(int, char **); } commands[] = {
    { "check", bind_cmd_check },
    { "compile", bind_cmd_compile },
    { "explain", bind_cmd_explain },
    { "route", bind_cmd_route },
    { "lsp", bind_cmd_lsp },
    { "fmt", bind_cmd_fmt },
};

int main(int argc, char **argv)
{
    if (argc < 2) { fputs(usage, stderr); return EXIT_USAGE; }
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
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) { fputs(usage, stdout); return EXIT_OK; }
    if (strcmp(cmd, "--version") == 0) { printf("bindc %s\n", BINDC_VERSION); return EXIT_OK; }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0) return commands[i].run(argc - 2, argv + 2);
    return bind_cli_usage_error("unknown command `%s`", cmd);
}
