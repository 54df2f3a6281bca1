/* bindc explain CODE: the long explanation of a diagnostic code;
 * bindc explain --list: every code, its severity and summary. */
#include <stdio.h>
#include <stdlib.h>

#include "driver.h"

int bind_cmd_explain(bind_cli *o)
{
    if (o->list) {
        if (o->nfiles) return bind_cli_usage_error(o, "%s", "explain --list takes no code");
        for (int i = 0; i < BIND_CODE_COUNT; i++)
            printf("%s  %-7s  %s\n", bind_code_name((enum bind_code)i), bind_severity_name(bind_code_severity((enum bind_code)i)),
                   bind_code_summary((enum bind_code)i));
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (o->nfiles != 1) return bind_cli_usage_error(o, "%s", "explain takes one code, e.g. `bindc explain E0201` (or --list)");
    enum bind_code code;
    if (!bind_code_parse(o->files[0], &code)) return bind_cli_unknown_code(o, o->files[0], NULL);
    printf("%s: %s (%s)\n\n%s", bind_code_name(code), bind_code_summary(code),
           bind_severity_name(bind_code_severity(code)), bind_code_explanation(code));
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
}
