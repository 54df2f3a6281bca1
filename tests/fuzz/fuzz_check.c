/* libFuzzer harness: bytes -> lex, parse, check, render.  Any input must
 * give diagnostics, never a crash, a hang or a sanitizer report. */
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>

#include "check/compile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bind_compilation *c = bind_compilation_new();
    bind_compilation_add_text(c, "fuzz.bind", (const char *)data, size);
    bind_compilation_check(c);
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        bind_render_opts o = { .color = false, .werror = false };
        bind_diag_render_all(sink, &c->sources, &c->diags, false, o);
        bind_diag_render_all(sink, &c->sources, &c->diags, true, o);
        fclose(sink);
    }
    bind_compilation_free(c);
    return 0;
}
