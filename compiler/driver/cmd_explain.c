/* bindc explain CODE: the long explanation of a diagnostic code. */
#include <stdio.h>

#include "driver.h"

int bind_cmd_explain(int argc, char **argv)
{
    if (argc != 1) return bind_cli_usage_error("%s", "explain takes one code, e.g. `bindc explain E0201`");
    enum bind_code code;
    if (!bind_code_parse(argv[0], &code)) return bind_cli_usage_error("unknown diagnostic code `%s`", argv[0]);
    printf("%s: %s (%s)\n\n%s", bind_code_name(code), bind_code_summary(code),
           bind_severity_name(bind_code_severity(code)), bind_code_explanation(code));
    return EXIT_OK;
}
