/* bindc check: load, check and print the diagnostics; nothing else. */
#include "driver.h"

int bind_cmd_check(bind_cli *o)
{
    if (o->nfiles == 0) return bind_cli_usage_error(o, "%s", "no input files (`-` reads standard input)");
    int rc = bind_cli_one_stdin(o, NULL);
    if (rc != EXIT_OK) return rc;
    bind_compilation *c;
    rc = bind_cli_load_and_check(o, &c);
    bind_compilation_free(c);
    return rc;
}
