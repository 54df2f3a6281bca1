/* libFuzzer harness: a streaming check whose parse is split between two
 * threads says what the unsplit one says, byte for byte, wherever the
 * split falls (parse.h).  The first two bytes choose the place: a line
 * start (the split can only take there) or, when odd, any byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "../unit/emit_target.h"
#include "check/compile.h"

static char *check(const char *text, size_t len, uint32_t split_at)
{
    bind_compilation *c = bind_compilation_new_streaming();
    c->parse_split_at = split_at;
    bind_compilation_add_text(c, "fuzz.bind", text, len);
    bind_compilation_check(c);
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    if (!f) abort();
    bind_render_opts o = { .color = false, .werror = false };
    bind_diag_render_all(f, &c->sources, &c->diags, true, o);
    if (!bind_diag_has_errors(&c->diags, false)) {     /* as `bindc compile`: no output after an error */
        bind_buf model;
        bind_buf_init(&model);
        (void)emit_target(c, "json", NULL, NULL, 0, &model);
        fwrite(model.data ? model.data : "", 1, model.len, f);
        bind_buf_free(&model);
    }
    fclose(f);
    bind_compilation_free(c);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    unsigned pick = (unsigned)data[0] | (unsigned)data[1] << 8;
    const char *text = (const char *)data + 2;
    size_t len = size - 2;
    /* One byte of text (the input `us\n`) has one place to split: after it. */
    uint32_t at = len > 1 ? 1 + (uint32_t)(pick >> 1) % (uint32_t)(len - 1) : 1;
    if (!(pick & 1)) {
        uint32_t lines = 0;
        for (size_t i = 1; i < len; i++) lines += text[i - 1] == '\n';
        if (lines) {
            uint32_t want = (pick >> 1) % lines;
            for (size_t i = 1; i < len; i++)
                if (text[i - 1] == '\n' && want-- == 0) { at = (uint32_t)i; break; }
        }
    }
    char *one = check(text, len, UINT32_MAX), *two = check(text, len, at);
    if (strcmp(one, two) != 0) {
        fprintf(stderr, "split at byte %u changes the check:\n--- one part\n%s\n--- split\n%s\n", at, one, two);
        abort();
    }
    free(one);
    free(two);
    return 0;
}
