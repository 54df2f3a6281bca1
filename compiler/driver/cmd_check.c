/* bindc check: load, check and print the diagnostics; nothing else. */
#include "driver.h"

int bind_cmd_check(int argc, char **argv)
{
    bind_cli o;
    int rc = bind_cli_parse(argc, argv, NULL, &o);
    if (rc == EXIT_OK) {
        bind_compilation *c;
        rc = bind_cli_load_and_check(&o, &c);
        bind_compilation_free(c);
    }
    bind_cli_free(&o);
    return rc;
}
