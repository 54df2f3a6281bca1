/* Shared helpers for the unit tests: compile text in memory and ask which
 * diagnostics came out where. */
#ifndef BIND_TEST_HARNESS_H
#define BIND_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include "check/compile.h"

static inline bind_compilation *compile_text(const char *text)
{
    bind_compilation *c = bind_compilation_new();
    bind_compilation_add_text(c, "t.bind", text, strlen(text));
    bind_compilation_check(c);
    return c;
}

/* Number of diagnostics with this code (at line:col when line > 0). */
static inline int count_code(bind_compilation *c, enum bind_code code, uint32_t line, uint32_t col)
{
    int n = 0;
    for (size_t i = 0; i < c->diags.list.len; i++) {
        const bind_diag *d = c->diags.list.items[i];
        if (d->code != code) continue;
        if (line) {
            uint32_t l, cc;
            bind_source_linecol(bind_sources_get(&c->sources, d->span.file), d->span.start, &l, &cc);
            if (l != line || cc != col) continue;
        }
        n++;
    }
    return n;
}

/* The codes of all diagnostics, space-separated, in output order. */
static inline const char *codes_of(bind_compilation *c)
{
    static char buf[1024];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->diags.list.len && len + 8 < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "", bind_code_name(c->diags.list.items[i]->code));
    return buf;
}

/* The compilation of text that must have no errors (the test fails, saying
 * which, when it has). */
static inline bind_compilation *compile_ok(const char *text)
{
    bind_compilation *c = compile_text(text);
    if (bind_diag_has_errors(&c->diags, false)) {
        fprintf(stderr, "does not compile (%s):\n%s\n", codes_of(c), text);
        fail();
    }
    return c;
}

/* The text of t.bind (compile_text's file) with every fix-it of the
 * diagnostics of this code applied, as `bindc` offers them; malloc'ed.
 * Fix-its of one diagnostic never overlap; they are applied last first. */
static inline char *apply_fixits(bind_compilation *c, enum bind_code code)
{
    const bind_source *src = NULL;
    for (uint32_t id = 0; (src = bind_sources_get(&c->sources, id)) && strcmp(src->path, "t.bind") != 0; id++) {}
    assert_non_null(src);
    const bind_fixit *fx[64];
    size_t n = 0;
    for (size_t i = 0; i < c->diags.list.len; i++)
        for (const bind_fixit *f = c->diags.list.items[i]->fixits; f && c->diags.list.items[i]->code == code; f = f->next) {
            assert_true(n < sizeof fx / sizeof *fx);
            assert_int_equal(f->span.file, src->id);
            fx[n++] = f;
        }
    size_t cap = src->len + 1;
    for (size_t i = 0; i < n; i++) cap += strlen(fx[i]->replacement);
    char *out = malloc(cap);
    assert_non_null(out);
    memcpy(out, src->text, src->len + 1);
    size_t len = src->len;
    /* Last first, so that earlier offsets stay true. */
    for (size_t done = 0; done < n; done++) {
        size_t last = 0;
        for (size_t i = 1; i < n; i++)
            if (fx[i] && (!fx[last] || fx[i]->span.start > fx[last]->span.start)) last = i;
        const bind_fixit *f = fx[last];
        size_t rl = strlen(f->replacement), cut = f->span.end - f->span.start;
        memmove(out + f->span.start + rl, out + f->span.end, len - f->span.end + 1);
        memcpy(out + f->span.start, f->replacement, rl);
        len = len - cut + rl;
        fx[last] = NULL;
    }
    return out;
}

/* The address an address word names (the word must be valid). */
static inline bind_addr addr_of(const char *text)
{
    bind_addr a;
    bind_arena *ar = bind_arena_new();
    assert_true(bind_addr_parse(ar, text, strlen(text), &a, NULL));
    bind_arena_free(ar);
    return a;
}

#endif
