/* Shared helpers for the unit tests: compile text in memory and ask which
 * diagnostics came out where. */
#ifndef BIND_TEST_HARNESS_H
#define BIND_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
