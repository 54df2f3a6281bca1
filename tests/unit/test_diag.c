/* Diagnostics: the bag, the code table, the text and JSON renderers and the
 * long explanations. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag.h"

typedef struct fixture {
    bind_arena *arena;
    bind_sources srcs;
    bind_diag_bag bag;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->arena = bind_arena_new();
    bind_sources_init(&f->srcs, f->arena);
    bind_diag_bag_init(&f->bag, f->arena);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bind_diag_bag_fini(&f->bag);
    bind_sources_fini(&f->srcs);
    bind_arena_free(f->arena);
    free(f);
    return 0;
}

static const bind_render_opts PLAIN = { false, false };

static bind_source *add_src(fixture *f, const char *path, const char *text, size_t len)
{
    return bind_sources_add(&f->srcs, path, NULL, text, len, false);
}

/* Offset of the first occurrence of needle in the source. */
static uint32_t at(const bind_source *src, const char *needle)
{
    const char *p = strstr(src->text, needle);
    assert_non_null(p);
    return (uint32_t)(p - src->text);
}

static bind_span span_of(const bind_source *src, const char *needle)
{
    uint32_t s = at(src, needle);
    return bind_span_make(src->id, s, s + (uint32_t)strlen(needle));
}

typedef enum { TEXT, JSON_ONE, ALL_TEXT, ALL_JSON } render_kind;

/* Not inlined: gcc -O2 then takes the returned buffer for the address of
 * the local `buf` and warns (-Wdangling-pointer) wherever it is read. */
__attribute__((noinline)) static char *render(fixture *f, const bind_diag *d, render_kind k, bind_render_opts o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    switch (k) {
    case TEXT: bind_diag_render_text(out, &f->srcs, d, o); break;
    case JSON_ONE: bind_diag_render_json(out, &f->srcs, d, o); break;
    case ALL_TEXT: bind_diag_render_all(out, &f->srcs, &f->bag, false, o); break;
    case ALL_JSON: bind_diag_render_all(out, &f->srcs, &f->bag, true, o); break;
    }
    fclose(out);
    return buf;
}

/* The n-th line (0-based) of s, copied. */
static char *nth_line(const char *s, int n)
{
    while (n-- > 0) {
        s = strchr(s, '\n');
        assert_non_null(s);
        s++;
    }
    size_t len = strcspn(s, "\n");
    char *r = malloc(len + 1);
    memcpy(r, s, len);
    r[len] = '\0';
    return r;
}

/* Display cell (0-based, one per code point) of byte i of a line without tabs. */
static size_t cell_of(const char *line, size_t i)
{
    size_t cells = 0;
    for (size_t k = 0; k < i; k++)
        if (((unsigned char)line[k] & 0xC0) != 0x80) cells++;
    return cells;
}

/* ------------------------------------------------------------------------
 * Text */

static void test_diag_caret_ascii(void **state)
{
    fixture *f = *state;
    const char *text = "site Shop {\n    https *:443:shop.example  cert=shop sni\n}\n";
    bind_source *src = add_src(f, "shop.bind", text, strlen(text));
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0201, span_of(src, "*:443:shop.example"),
                                  "duplicate binding https %s", "*:443:shop.example");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "shop.bind:2:11: error[E0201]: duplicate binding https *:443:shop.example\n"
        "    2 |     https *:443:shop.example  cert=shop sni\n"
        "      |           ^~~~~~~~~~~~~~~~~~\n");
    free(s);
}

static void test_diag_notes_and_fixits(void **state)
{
    fixture *f = *state;
    const char *text =
        "site Shop {\n"
        "    https *:443:shop.example  cert=shop sni\n"
        "}\n"
        "site Blog {\n"
        "    https *:443:shop.example  cert=shop sni\n"
        "    http *:0x50:blog.example\n"
        "}\n";
    bind_source *src = add_src(f, "shop.bind", text, strlen(text));
    uint32_t second = at(src, "site Blog") + (uint32_t)strlen("site Blog {\n    https ");
    bind_span dup = bind_span_make(src->id, second, second + 18);
    bind_span first = span_of(src, "*:443:shop.example");
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0201, dup, "duplicate binding");
    bind_diag_note(&f->bag, d, NULL, "a note without a span");
    bind_diag_note(&f->bag, d, &first, "first bound here");
    bind_diag_fixit(&f->bag, d, dup, "*:443:blog.example");
    bind_diag_fixit(&f->bag, d, dup, "");
    bind_span port = span_of(src, "0x50");
    bind_diag_fixit(&f->bag, d, port, "80");
    bind_diag_fixit(&f->bag, d, bind_span_make(src->id, port.start, port.start), "*");
    bind_diag_fixit(&f->bag, d, port, "");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "shop.bind:5:11: error[E0201]: duplicate binding\n"
        "    5 |     https *:443:shop.example  cert=shop sni\n"
        "      |           ^~~~~~~~~~~~~~~~~~\n"
        "shop.bind:2:11: note: first bound here\n"
        "    2 |     https *:443:shop.example  cert=shop sni\n"
        "      |           ^~~~~~~~~~~~~~~~~~\n"
        "      = note: a note without a span\n"
        "      = help: replace with `*:443:blog.example`\n"
        "      = help: delete this\n"
        "      = help: replace `0x50` with `80` at 6:12\n"
        "      = help: insert `*` at 6:12\n"
        "      = help: delete `0x50` at 6:12\n");
    free(s);
}

static void test_diag_caret_multibyte(void **state)
{
    fixture *f = *state;
    /* Two-, three- and four-byte characters before the span, one inside. */
    const char *text = "site \"B\xC3\xBCro \xE2\x82\xAC \xF0\x9F\x98\x80\" { http *:80:b\xC3\xBC.x }\n";
    bind_source *src = add_src(f, "m.bind", text, strlen(text));
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0105, span_of(src, "b\xC3\xBC.x"),
                                  "invalid host name");
    char *s = render(f, d, TEXT, PLAIN);
    char *echo = nth_line(s, 1), *caret = nth_line(s, 2);
    /* header column is in bytes */
    assert_non_null(strstr(s, "m.bind:1:35: "));
    size_t host = (size_t)(strstr(echo, "b\xC3\xBC.x") - echo);
    size_t c = (size_t)(strchr(caret, '^') - caret);
    assert_int_equal(c, cell_of(echo, host));
    /* four code points underlined: ^~~~ */
    assert_string_equal(caret + c, "^~~~");
    assert_int_equal(strlen(echo + strlen("    1 | ")), strlen(text) - 1);
    assert_memory_equal(echo + strlen("    1 | "), text, strlen(text) - 1);
    free(echo);
    free(caret);
    free(s);
}

static void test_diag_caret_tab(void **state)
{
    fixture *f = *state;
    const char *text = "site A {\n\thttp\t*:80:a\tb\t}\n";
    bind_source *src = add_src(f, "t.bind", text, strlen(text));
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0107, span_of(src, "*:80:a\tb"), "bad form");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "t.bind:2:7: error[E0107]: bad form\n"
        "    2 | \thttp\t*:80:a\tb\t}\n"
        "      | \t    \t^~~~~~\t~\n");
    free(s);
}

static void test_diag_caret_tab_first(void **state)
{
    fixture *f = *state;
    const char *text = "a\tb\n";
    bind_source *src = add_src(f, "t.bind", text, strlen(text));
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 1, 3), "x");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "t.bind:1:2: error[E0001]: x\n"
        "    1 | a\tb\n"
        "      |  ^\t~\n");
    free(s);
}

static void test_diag_zero_width(void **state)
{
    fixture *f = *state;
    const char *text = "site A {\n    http *:80:\n";
    bind_source *src = add_src(f, "z.bind", text, strlen(text));
    uint32_t p = at(src, "*:80:");
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, p, p), "here");
    /* and one at the very end of the line (before the newline) */
    uint32_t eol = at(src, "*:80:\n") + 5;
    bind_diag *e = bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, eol, eol),
                                  "expected `}`");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "z.bind:2:10: error[E0001]: here\n"
        "    2 |     http *:80:\n"
        "      |          ^\n");
    free(s);
    s = render(f, e, TEXT, PLAIN);
    assert_string_equal(s,
        "z.bind:2:15: error[E0001]: expected `}`\n"
        "    2 |     http *:80:\n"
        "      |               ^\n");
    free(s);
}

static void test_diag_empty_line_and_eof(void **state)
{
    fixture *f = *state;
    const char *text = "a\n\n";
    bind_source *src = add_src(f, "e.bind", text, strlen(text));
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 2, 2), "x");
    char *s = render(f, d, TEXT, PLAIN);
    /* no trailing space after an empty echoed line */
    assert_string_equal(s,
        "e.bind:2:1: error[E0001]: x\n"
        "    2 |\n"
        "      | ^\n");
    free(s);
    /* a span past the end is clamped, not read out of bounds */
    d = bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 900, 1000), "y");
    s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "e.bind:3:1: error[E0001]: y\n"
        "    3 |\n"
        "      | ^\n");
    free(s);
}

static void test_diag_multiline_span(void **state)
{
    fixture *f = *state;
    const char *text = "site A {\n    id = 1\n    path = 2\n}\n";
    bind_source *src = add_src(f, "ml.bind", text, strlen(text));
    bind_span sp = bind_span_make(src->id, at(src, "id"), at(src, "}") + 1);
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0007, sp, "bad value");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "ml.bind:2:5: error[E0007]: bad value\n"
        "    2 |     id = 1\n"
        "      |     ^~~~~~\n");
    free(s);
    char *j = render(f, d, JSON_ONE, PLAIN);
    json_error_t err;
    json_t *o = json_loads(j, 0, &err);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "line")), 2);
    assert_int_equal(json_integer_value(json_object_get(o, "end_line")), 4);
    assert_int_equal(json_integer_value(json_object_get(o, "end_column")), 2);
    json_decref(o);
    free(j);
}

static void test_diag_crlf(void **state)
{
    fixture *f = *state;
    const char *text = "site A {\r\n    htp *:80:\r\n}\r\n";
    bind_source *src = add_src(f, "c.bind", text, strlen(text));
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0101, span_of(src, "htp"), "unknown protocol");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "c.bind:2:5: error[E0101]: unknown protocol\n"
        "    2 |     htp *:80:\n"
        "      |     ^~~\n");
    free(s);
}

static void test_diag_long_line_truncation(void **state)
{
    fixture *f = *state;
    char text[1200];
    memset(text, 'a', sizeof text);
    memcpy(text + 600, "TARGET", 6);
    text[sizeof text - 1] = '\n';
    bind_source *src = add_src(f, "long.bind", text, sizeof text);
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0001, span_of(src, "TARGET"), "long");
    char *s = render(f, d, TEXT, PLAIN);
    char *echo = nth_line(s, 1), *caret = nth_line(s, 2);
    const char *body = echo + strlen("    1 | ");
    assert_memory_equal(body, "\xE2\x80\xA6", 3);                        /* … at the start */
    assert_string_equal(echo + strlen(echo) - 3, "\xE2\x80\xA6");         /* … at the end */
    size_t cells = cell_of(body, strlen(body));
    assert_true(cells <= 200);
    assert_true(cells >= 150);
    size_t t = (size_t)(strstr(echo, "TARGET") - echo);
    size_t c = (size_t)(strchr(caret, '^') - caret);
    assert_int_equal(c, cell_of(echo, t));
    assert_string_equal(caret + c, "^~~~~~");
    free(echo);
    free(caret);
    free(s);

    /* A span near the end of a long line: the window fills backwards. */
    d = bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 1190, 1192), "end");
    s = render(f, d, TEXT, PLAIN);
    echo = nth_line(s, 1);
    caret = nth_line(s, 2);
    body = echo + strlen("    1 | ");
    assert_memory_equal(body, "\xE2\x80\xA6", 3);
    assert_int_equal(body[strlen(body) - 1], 'a');                        /* no … at the end */
    assert_true(cell_of(body, strlen(body)) >= 190);
    c = (size_t)(strchr(caret, '^') - caret);
    /* 1199 chars on the line; the span starts 9 cells before its end */
    assert_int_equal(c, cell_of(echo, strlen(echo)) - 9);
    free(echo);
    free(caret);
    free(s);
}

static void test_diag_unsafe_bytes_escaped(void **state)
{
    fixture *f = *state;
    /* SOH, NUL, ESC, DEL, an invalid byte, U+200E (LRM), U+00A0, U+0085 (C1), then the span. */
    static const char text[] = "x\x01y\0z\x1b[31m\x7f\xff\xE2\x80\x8E\xC2\xA0\xC2\x85 BAD end\n";
    bind_source *src = add_src(f, "u.bind", text, sizeof text - 1);
    uint32_t p = (uint32_t)(sizeof text - 1 - strlen(" BAD end\n") + 1);
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0003, bind_span_make(src->id, p, p + 3),
                                  "bad \x01 message \xff with \xE2\x80\x8E");
    char *s = render(f, d, TEXT, PLAIN);
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)s[i];
        assert_true(b >= 0x20 || b == '\n');
        assert_true(b != 0x7F);
    }
    assert_non_null(strstr(s, "error[E0003]: bad \\x01 message \\xFF with <U+200E>\n"));
    char *echo = nth_line(s, 1), *caret = nth_line(s, 2);
    assert_string_equal(echo,
        "    1 | x\\x01y\\x00z\\x1B[31m\\x7F\\xFF<U+200E><U+00A0><U+0085> BAD end");
    size_t c = (size_t)(strchr(caret, '^') - caret);
    assert_int_equal(c, (size_t)(strstr(echo, "BAD") - echo));
    assert_string_equal(caret + c, "^~~");
    free(echo);
    free(caret);
    free(s);
    /* the span on the control byte itself is one escape wide */
    d = bind_diag_push(&f->bag, BIND_E0003, bind_span_make(src->id, 1, 2), "control");
    s = render(f, d, TEXT, PLAIN);
    caret = nth_line(s, 2);
    assert_string_equal(caret, "      |  ^~~~");
    free(caret);
    free(s);
    /* and the LRM */
    uint32_t lrm = (uint32_t)(strstr(text + 5, "\xE2\x80\x8E") - text);   /* past the NUL */
    d = bind_diag_push(&f->bag, BIND_E0003, bind_span_make(src->id, lrm, lrm + 3), "lrm");
    s = render(f, d, TEXT, PLAIN);
    echo = nth_line(s, 1);
    caret = nth_line(s, 2);
    c = (size_t)(strchr(caret, '^') - caret);
    assert_int_equal(c, (size_t)(strstr(echo, "<U+200E>") - echo));
    assert_string_equal(caret + c, "^~~~~~~~");   /* eight cells */
    free(echo);
    free(caret);
    free(s);
}

static void test_diag_bom_hidden(void **state)
{
    fixture *f = *state;
    const char *text = "\xEF\xBB\xBFhtp *:80:\n";
    bind_source *src = add_src(f, "b.bind", text, strlen(text));
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0101, span_of(src, "htp"), "unknown protocol");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "b.bind:1:4: error[E0101]: unknown protocol\n"
        "    1 | htp *:80:\n"
        "      | ^~~\n");
    free(s);
}

static void test_diag_no_source(void **state)
{
    fixture *f = *state;
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0004, bind_span_make(7, 0, 0),
                                  "cannot read `x.bind`");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s, "bindc: error[E0004]: cannot read `x.bind`\n");
    free(s);
    s = render(f, d, JSON_ONE, PLAIN);
    assert_string_equal(s, "{\"code\":\"E0004\",\"severity\":\"error\",\"message\":"
                           "\"cannot read `x.bind`\",\"notes\":[],\"fixits\":[]}\n");
    free(s);
}

static void test_diag_gutter_width(void **state)
{
    fixture *f = *state;
    char *text = malloc(20000);
    size_t n = 0;
    for (int i = 0; i < 12345; i++) text[n++] = '\n';
    memcpy(text + n, "abc\n", 4);
    n += 4;
    bind_source *src = add_src(f, "g.bind", text, n);
    free(text);
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 12345, 12346), "x");
    bind_span first = bind_span_make(src->id, 0, 0);
    bind_diag_note(&f->bag, d, &first, "start");
    bind_diag_note(&f->bag, d, NULL, "plain");
    char *s = render(f, d, TEXT, PLAIN);
    assert_string_equal(s,
        "g.bind:12346:1: error[E0001]: x\n"
        " 12346 | abc\n"
        "       | ^\n"
        "g.bind:1:1: note: start\n"
        "     1 |\n"
        "       | ^\n"
        "       = note: plain\n");
    free(s);
}

static void test_diag_color(void **state)
{
    fixture *f = *state;
    const char *text = "http *:80:\n";
    bind_source *src = add_src(f, "c.bind", text, strlen(text));
    bind_diag *d = bind_diag_push(&f->bag, BIND_W0403, span_of(src, "*:80:"), "w");
    bind_diag_note(&f->bag, d, NULL, "n");
    bind_diag_fixit(&f->bag, d, span_of(src, "80"), "443");
    bind_diag_push(&f->bag, BIND_I0401, span_of(src, "http"), "h");
    bind_diag_push(&f->bag, BIND_E0001, span_of(src, "http"), "e");

    char *s = render(f, NULL, ALL_TEXT, PLAIN);
    assert_null(strchr(s, '\033'));
    free(s);
    s = render(f, NULL, ALL_JSON, PLAIN);
    assert_null(strchr(s, '\033'));
    free(s);

    bind_render_opts color = { true, false };
    s = render(f, d, TEXT, color);
    assert_non_null(strstr(s, "\033[1;35mwarning[W0403]:"));   /* magenta warning */
    assert_non_null(strstr(s, "\033[1;32m^~~~~"));             /* green caret */
    assert_non_null(strstr(s, "\033[1;32m= help:"));           /* green help */
    free(s);
    s = render(f, f->bag.list.items[1], TEXT, color);
    assert_non_null(strstr(s, "\033[1;36mhint[I0401]:"));      /* cyan hint */
    free(s);
    s = render(f, f->bag.list.items[2], TEXT, color);
    assert_non_null(strstr(s, "\033[1;31merror[E0001]:"));     /* red error */
    free(s);
    /* JSON never carries colour */
    s = render(f, d, JSON_ONE, color);
    assert_null(strchr(s, '\033'));
    free(s);
}

static void test_diag_werror(void **state)
{
    fixture *f = *state;
    const char *text = "x\n";
    bind_source *src = add_src(f, "w.bind", text, strlen(text));
    bind_span sp = bind_span_make(src->id, 0, 1);
    bind_diag *w = bind_diag_push(&f->bag, BIND_W0302, sp, "unused");
    bind_diag *h = bind_diag_push(&f->bag, BIND_I0401, sp, "twin");
    bind_render_opts werror = { false, true };

    char *s = render(f, w, TEXT, PLAIN);
    assert_non_null(strstr(s, ": warning[W0302]: unused\n"));
    free(s);
    s = render(f, w, TEXT, werror);
    assert_non_null(strstr(s, ": error[W0302]: unused\n"));
    free(s);
    s = render(f, h, TEXT, werror);
    assert_non_null(strstr(s, ": hint[I0401]: twin\n"));
    free(s);
    s = render(f, w, JSON_ONE, werror);
    assert_non_null(strstr(s, "\"severity\":\"error\""));
    free(s);

    s = render(f, NULL, ALL_TEXT, PLAIN);
    assert_non_null(strstr(s, "\n1 warning, 1 hint generated.\n"));
    free(s);
    s = render(f, NULL, ALL_TEXT, werror);
    assert_non_null(strstr(s, "\n1 error, 1 hint generated.\n"));
    free(s);
    assert_false(bind_diag_has_errors(&f->bag, false));
    assert_true(bind_diag_has_errors(&f->bag, true));
}

static const char *last_line(const char *s)
{
    size_t n = strlen(s);
    assert_true(n > 0 && s[n - 1] == '\n');
    const char *p = s + n - 1;
    while (p > s && p[-1] != '\n') p--;
    return p;
}

static void test_diag_summary_plural(void **state)
{
    fixture *f = *state;
    char *s = render(f, NULL, ALL_TEXT, PLAIN);
    assert_string_equal(s, "");     /* nothing to say, no summary */
    free(s);

    const char *text = "x\n";
    bind_source *src = add_src(f, "p.bind", text, strlen(text));
    bind_span sp = bind_span_make(src->id, 0, 1);
    static const struct { enum bind_code code; const char *summary; } steps[] = {
        { BIND_E0001, "1 error generated.\n" },
        { BIND_E0002, "2 errors generated.\n" },
        { BIND_W0301, "2 errors, 1 warning generated.\n" },
        { BIND_W0302, "2 errors, 2 warnings generated.\n" },
        { BIND_I0401, "2 errors, 2 warnings, 1 hint generated.\n" },
        { BIND_I0401, "2 errors, 2 warnings, 2 hints generated.\n" },
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        bind_diag_push(&f->bag, steps[i].code, sp, "m");
        s = render(f, NULL, ALL_TEXT, PLAIN);
        assert_string_equal(last_line(s), steps[i].summary);
        free(s);
        s = render(f, NULL, ALL_JSON, PLAIN);
        assert_null(strstr(s, "generated"));
        free(s);
    }

    /* warnings and hints only */
    bind_diag_bag bag;
    bind_diag_bag_init(&bag, f->arena);
    bind_diag_push(&bag, BIND_W0401, sp, "m");
    bind_diag_push(&bag, BIND_I0401, sp, "m");
    bind_diag_push(&bag, BIND_I0401, sp, "m");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    bind_diag_render_all(out, &f->srcs, &bag, false, PLAIN);
    fclose(out);
    assert_string_equal(last_line(buf), "1 warning, 2 hints generated.\n");
    free(buf);
    bind_diag_bag_fini(&bag);
}

static void test_diag_limit_suppressed(void **state)
{
    fixture *f = *state;
    const char *text = "abcdef\n";
    bind_source *src = add_src(f, "l.bind", text, strlen(text));
    f->bag.limit = 2;
    for (uint32_t i = 0; i < 5; i++) {
        bind_diag *d = bind_diag_push(&f->bag, i == 4 ? BIND_W0302 : BIND_E0001,
                                      bind_span_make(src->id, i, i + 1), "m%u", (unsigned)i);
        bind_diag_note(&f->bag, d, NULL, "note");
        bind_diag_fixit(&f->bag, d, bind_span_make(src->id, i, i + 1), "");
    }
    assert_int_equal(f->bag.list.len, 2);
    assert_int_equal(f->bag.suppressed, 3);
    char *s = render(f, NULL, ALL_TEXT, PLAIN);
    assert_non_null(strstr(s, "\nbindc: 3 more diagnostics not shown (limit 2)\n"
                              "4 errors, 1 warning generated.\n"));
    assert_null(strstr(s, "m2"));
    free(s);
    s = render(f, NULL, ALL_JSON, PLAIN);
    /* one object per line, then the summary of what was not shown */
    size_t lines = 0;
    for (const char *p = s; *p; p++) lines += *p == '\n';
    assert_int_equal(lines, 3);
    assert_non_null(strstr(s, "\n{\"type\":\"summary\",\"errors\":4,\"warnings\":1,\"hints\":0,\"not_shown\":3}\n"));
    free(s);

    f->bag.limit = 3;
    bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 0, 1), "x");
    assert_int_equal(f->bag.suppressed, 3);     /* the limit applies to kept records */
    f->bag.limit = 2;
    bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 0, 1), "y");
    s = render(f, NULL, ALL_TEXT, PLAIN);
    assert_non_null(strstr(s, "bindc: 4 more diagnostics not shown (limit 2)\n"));
    free(s);
}

static void test_diag_limit_one_suppressed(void **state)
{
    fixture *f = *state;
    const char *text = "ab\n";
    bind_source *src = add_src(f, "l.bind", text, strlen(text));
    f->bag.limit = 1;
    bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 0, 1), "a");
    bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 1, 2), "b");
    char *s = render(f, NULL, ALL_TEXT, PLAIN);
    assert_non_null(strstr(s, "bindc: 1 more diagnostic not shown (limit 1)\n2 errors generated.\n"));
    free(s);
}

/* ------------------------------------------------------------------------
 * JSON */

static json_t *parse_line(const char *s)
{
    json_error_t err;
    const char *nl = strchr(s, '\n');
    assert_non_null(nl);
    assert_int_equal(nl[1], '\0');
    json_t *o = json_loadb(s, (size_t)(nl - s), 0, &err);
    if (!o) fail_msg("bad JSON: %s: %s", err.text, s);
    return o;
}

static long long jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    assert_true(json_is_integer(v));
    return (long long)json_integer_value(v);
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static void test_diag_json_roundtrip(void **state)
{
    fixture *f = *state;
    const char *text =
        "site Shop {\n"
        "    https *:443:shop.example  cert=shop sni\n"
        "    https *:443:shop.example  cert=shop sni\n"
        "}\n";
    bind_source *src = add_src(f, "shop.bind", text, strlen(text));
    uint32_t second = at(src, "}") - (uint32_t)strlen("*:443:shop.example  cert=shop sni\n");
    bind_span dup = bind_span_make(src->id, second, second + 18);
    bind_span first = span_of(src, "*:443:shop.example");
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0201, dup, "duplicate binding \"%s\"",
                                  "*:443:shop.example");
    bind_diag_note(&f->bag, d, &first, "first bound here");
    bind_diag_note(&f->bag, d, NULL, "no span");
    bind_span sni = span_of(src, "sni");
    bind_diag_fixit(&f->bag, d, sni, "");

    char *s = render(f, d, JSON_ONE, PLAIN);
    /* the documented key order */
    static const char head[] = "{\"code\":\"E0201\",\"severity\":\"error\",\"message\":";
    assert_memory_equal(s, head, sizeof head - 1);
    json_t *o = parse_line(s);
    assert_string_equal(jstr(o, "code"), "E0201");
    assert_string_equal(jstr(o, "severity"), "error");
    assert_string_equal(jstr(o, "message"), "duplicate binding \"*:443:shop.example\"");
    assert_string_equal(jstr(o, "file"), "shop.bind");
    assert_int_equal(jint(o, "line"), 3);
    assert_int_equal(jint(o, "column"), 11);
    assert_int_equal(jint(o, "end_line"), 3);
    assert_int_equal(jint(o, "end_column"), 29);    /* exclusive */

    json_t *notes = json_object_get(o, "notes");
    assert_true(json_is_array(notes));
    assert_int_equal(json_array_size(notes), 2);
    json_t *n0 = json_array_get(notes, 0), *n1 = json_array_get(notes, 1);
    assert_string_equal(jstr(n0, "message"), "first bound here");
    assert_string_equal(jstr(n0, "file"), "shop.bind");
    assert_int_equal(jint(n0, "line"), 2);
    assert_int_equal(jint(n0, "column"), 11);
    assert_int_equal(jint(n0, "end_line"), 2);
    assert_int_equal(jint(n0, "end_column"), 29);
    assert_string_equal(jstr(n1, "message"), "no span");
    assert_int_equal(json_object_size(n1), 1);

    json_t *fixits = json_object_get(o, "fixits");
    assert_int_equal(json_array_size(fixits), 1);
    json_t *fx = json_array_get(fixits, 0);
    assert_string_equal(jstr(fx, "file"), "shop.bind");
    assert_int_equal(jint(fx, "line"), 2);
    assert_int_equal(jint(fx, "column"), 41);
    assert_int_equal(jint(fx, "end_column"), 44);
    assert_string_equal(jstr(fx, "replacement"), "");
    json_decref(o);
    free(s);

    /* empty arrays are still there */
    bind_diag *e = bind_diag_push(&f->bag, BIND_W0403, first, "w");
    s = render(f, e, JSON_ONE, PLAIN);
    o = parse_line(s);
    assert_true(json_is_array(json_object_get(o, "notes")));
    assert_int_equal(json_array_size(json_object_get(o, "notes")), 0);
    assert_true(json_is_array(json_object_get(o, "fixits")));
    assert_string_equal(jstr(o, "severity"), "warning");
    json_decref(o);
    free(s);
}

static void test_diag_json_columns_are_bytes(void **state)
{
    fixture *f = *state;
    const char *text = "# \xC3\xBC\xE2\x82\xAC\nx \xF0\x9F\x98\x80 BAD\n";
    bind_source *src = add_src(f, "j.bind", text, strlen(text));
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0001, span_of(src, "BAD"), "m");
    char *s = render(f, d, JSON_ONE, PLAIN);
    json_t *o = parse_line(s);
    assert_int_equal(jint(o, "line"), 2);
    assert_int_equal(jint(o, "column"), 8);
    assert_int_equal(jint(o, "end_column"), 11);
    json_decref(o);
    free(s);
    s = render(f, d, TEXT, PLAIN);
    assert_memory_equal(s, "j.bind:2:8: ", 12);
    free(s);
}

static void test_diag_json_invalid_utf8(void **state)
{
    fixture *f = *state;
    static const char path[] = "bad\xff.bind";
    static const char text[] = "\xC0\xAFx\n";
    bind_source *src = add_src(f, path, text, sizeof text - 1);
    bind_diag *d = bind_diag_push(&f->bag, BIND_E0003, bind_span_make(src->id, 0, 2),
                                  "overlong \xC0\xAF, surrogate \xED\xA0\x80, ok \xC3\xA9, ctl \x01");
    bind_diag_note(&f->bag, d, NULL, "\xfe");
    bind_diag_fixit(&f->bag, d, bind_span_make(src->id, 0, 2), "\x80");
    char *s = render(f, d, JSON_ONE, PLAIN);
    json_t *o = parse_line(s);
    assert_string_equal(jstr(o, "message"),
        "overlong \xEF\xBF\xBD\xEF\xBF\xBD, surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD,"
        " ok \xC3\xA9, ctl \x01");
    assert_string_equal(jstr(o, "file"), "bad\xEF\xBF\xBD.bind");
    assert_string_equal(jstr(json_array_get(json_object_get(o, "notes"), 0), "message"),
                        "\xEF\xBF\xBD");
    assert_string_equal(jstr(json_array_get(json_object_get(o, "fixits"), 0), "replacement"),
                        "\xEF\xBF\xBD");
    json_decref(o);
    /* raw control bytes never reach the output: jansson escapes them */
    for (const char *p = s; *p; p++) assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    free(s);
    /* the text path is escaped too */
    s = render(f, d, TEXT, PLAIN);
    assert_memory_equal(s, "bad\\xFF.bind:1:1: ", 18);
    char *echo = nth_line(s, 1);
    assert_string_equal(echo, "    1 | \\xC0\\xAFx");
    free(echo);
    free(s);
}

static void test_diag_render_all_json_lines(void **state)
{
    fixture *f = *state;
    const char *text = "a\nb\n";
    bind_source *src = add_src(f, "r.bind", text, strlen(text));
    bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 2, 3), "second");
    bind_diag_push(&f->bag, BIND_E0001, bind_span_make(src->id, 0, 1), "first");
    bind_diag_sort(&f->bag);
    char *s = render(f, NULL, ALL_JSON, PLAIN);
    char *l0 = nth_line(s, 0), *l1 = nth_line(s, 1), *l2 = nth_line(s, 2);
    assert_non_null(strstr(l0, "\"first\""));
    assert_non_null(strstr(l1, "\"second\""));
    assert_string_equal(l2, "");
    free(l0);
    free(l1);
    free(l2);
    free(s);
}

/* ------------------------------------------------------------------------
 * The code table, explanations, sorting */

static void test_diag_explanations(void **state)
{
    (void)state;
    for (int i = 0; i < BIND_CODE_COUNT; i++) {
        enum bind_code c = (enum bind_code)i;
        const char *name = bind_code_name(c), *sum = bind_code_summary(c);
        const char *ex = bind_code_explanation(c);
        if (!ex) fail_msg("no explanation for %s", name);
        assert_true(strlen(sum) > 0);
        size_t len = strlen(ex);
        assert_true(len > 200);
        assert_int_equal(ex[len - 1], '\n');
        /* 8-25 lines, none wider than 80 columns, an example and its fix */
        size_t lines = 0, cells = 0;
        for (const char *p = ex; *p; p++) {
            if (*p == '\n') {
                if (cells > 80) fail_msg("%s: line %zu is %zu columns", name, lines + 1, cells);
                if (p > ex && p[-1] == ' ') fail_msg("%s: trailing space on line %zu", name, lines + 1);
                lines++;
                cells = 0;
            } else if (((unsigned char)*p & 0xC0) != 0x80) {
                assert_true((unsigned char)*p >= 0x20);   /* plain text, no tabs */
                cells++;
            }
        }
        if (lines < 8 || lines > 25) fail_msg("%s: %zu lines", name, lines);
        if (!strstr(ex, "example")) fail_msg("%s: no example", name);
        enum bind_code back;
        assert_true(bind_code_parse(name, &back));
        assert_int_equal(back, c);
        /* severity letter matches the table */
        enum bind_severity sev = bind_code_severity(c);
        assert_int_equal(name[0], sev == BIND_SEV_ERROR ? 'E' : sev == BIND_SEV_WARNING ? 'W' : 'I');
    }
    assert_null(bind_code_explanation(BIND_CODE_COUNT));
    assert_string_equal(bind_code_name(BIND_E0201), "E0201");
    assert_string_equal(bind_code_summary(BIND_E0201), "duplicate binding");
}

static void test_diag_code_parse(void **state)
{
    (void)state;
    for (int i = 0; i < BIND_CODE_COUNT; i++) {
        const char *name = bind_code_name((enum bind_code)i);
        char lower[16];
        size_t n = strlen(name);
        assert_true(n < sizeof lower);
        for (size_t k = 0; k <= n; k++)
            lower[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] + 32 : name[k]);
        enum bind_code c = BIND_CODE_COUNT;
        assert_true(bind_code_parse(name, &c));
        assert_int_equal(c, i);
        c = BIND_CODE_COUNT;
        assert_true(bind_code_parse(lower, &c));
        assert_int_equal(c, i);
    }
    static const char *const junk[] = {
        "", "E", "E020", "E02011", "E0201 ", " E0201", "E9999", "X0201", "W0201",
        "E0201\n", "0201", "e-0201", "E0o01", "\xff",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        enum bind_code c = BIND_E0001;
        if (bind_code_parse(junk[i], &c)) fail_msg("accepted \"%s\"", junk[i]);
    }
    assert_string_equal(bind_severity_name(BIND_SEV_ERROR), "error");
    assert_string_equal(bind_severity_name(BIND_SEV_WARNING), "warning");
    assert_string_equal(bind_severity_name(BIND_SEV_HINT), "hint");
}

static void test_diag_sort_order(void **state)
{
    fixture *f = *state;
    const char *text = "0123456789\n";
    bind_source *a = add_src(f, "a.bind", text, strlen(text));
    bind_source *b = add_src(f, "b.bind", text, strlen(text));
    /* pushed scrambled: (file, start, code, end, push order) */
    struct { bind_source *src; uint32_t s, e; enum bind_code code; const char *msg; } pushes[] = {
        { b, 0, 1, BIND_E0001, "7" },
        { a, 5, 6, BIND_W0302, "5" },
        { a, 5, 6, BIND_E0201, "4" },
        { a, 1, 9, BIND_E0001, "2" },
        { a, 1, 2, BIND_E0001, "1" },
        { a, 5, 6, BIND_I0401, "6" },
        { a, 0, 3, BIND_I0401, "0" },
        { a, 1, 9, BIND_E0001, "3" },
    };
    for (size_t i = 0; i < sizeof pushes / sizeof pushes[0]; i++)
        bind_diag_push(&f->bag, pushes[i].code,
                       bind_span_make(pushes[i].src->id, pushes[i].s, pushes[i].e), "%s", pushes[i].msg);
    bind_diag_sort(&f->bag);
    assert_int_equal(f->bag.list.len, 8);
    for (size_t i = 0; i < f->bag.list.len; i++) {
        char want[24];
        snprintf(want, sizeof want, "%zu", i);
        assert_string_equal(f->bag.list.items[i]->message, want);
    }
    /* sorting is stable across runs: sorting again changes nothing */
    bind_diag_sort(&f->bag);
    for (size_t i = 0; i < f->bag.list.len; i++) {
        char want[24];
        snprintf(want, sizeof want, "%zu", i);
        assert_string_equal(f->bag.list.items[i]->message, want);
    }
}

/* --allow, -W, --deny: what the user made of a code holds at the push. */
static void test_diag_levels(void **state)
{
    fixture *f = *state;
    bind_source *src = add_src(f, "t.bind", "site A {\n}\n", 11);
    bind_span sp = bind_span_make(src->id, 0, 4);
    f->bag.level[BIND_W0406] = BIND_LEVEL_ALLOW;
    f->bag.level[BIND_I0401] = BIND_LEVEL_WARN;
    f->bag.level[BIND_W0302] = BIND_LEVEL_DENY;
    f->bag.level[BIND_E0201] = BIND_LEVEL_ALLOW;           /* an error cannot be allowed */
    bind_diag *d = bind_diag_push(&f->bag, BIND_W0406, sp, "allowed");
    bind_diag_note(&f->bag, d, NULL, "a note of an allowed record goes nowhere");
    bind_diag_push(&f->bag, BIND_I0401, sp, "hint made a warning");
    bind_diag_push(&f->bag, BIND_W0302, sp, "warning made an error");
    bind_diag_push(&f->bag, BIND_E0201, sp, "still an error");
    assert_int_equal(f->bag.list.len, 3);
    assert_int_equal(f->bag.allowed, 1);
    assert_int_equal(f->bag.counts[BIND_SEV_ERROR], 2);
    assert_int_equal(f->bag.counts[BIND_SEV_WARNING], 1);
    assert_int_equal(f->bag.counts[BIND_SEV_HINT], 0);
    assert_int_equal(f->bag.list.items[0]->severity, BIND_SEV_WARNING);
    assert_int_equal(f->bag.list.items[1]->severity, BIND_SEV_ERROR);
}

/* `# bindc: allow`: the line it ends, or the next statement and its block;
 * a `#` inside a string is not a comment; errors stay. */
static void test_diag_allow_comments(void **state)
{
    fixture *f = *state;
    static const char text[] =
        "# bindc: allow W0406 I0401\n"         /* covers site A's block */
        "site A {\n"
        "    http *:80:a   # bindc: allow W0302\n"
        "}\n"
        "site \"# bindc: allow W0406\" {\n"    /* in a string: nothing */
        "    http *:81:b   # bindc: allow E0201\n"
        "}\n";
    bind_source *src = add_src(f, "t.bind", text, sizeof text - 1);
    bind_diag_push(&f->bag, BIND_W0406, span_of(src, "*:80:a"), "in A's block: allowed");
    bind_diag_push(&f->bag, BIND_I0401, span_of(src, "site A"), "A's line: allowed");
    bind_diag_push(&f->bag, BIND_W0302, span_of(src, "*:80:a"), "its line: allowed");
    bind_diag_push(&f->bag, BIND_W0406, span_of(src, "*:81:b"), "second site: said");
    bind_diag_push(&f->bag, BIND_E0201, span_of(src, "*:81:b"), "an error: said");
    assert_int_equal(bind_diag_apply_allows(&f->bag, &f->srcs), 3);
    assert_int_equal(f->bag.list.len, 2);
    assert_int_equal(f->bag.list.items[0]->code, BIND_W0406);
    assert_int_equal(f->bag.list.items[1]->code, BIND_E0201);
    assert_int_equal(f->bag.counts[BIND_SEV_WARNING], 1);
    assert_int_equal(f->bag.counts[BIND_SEV_HINT], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_diag_caret_ascii),
        T(test_diag_notes_and_fixits),
        T(test_diag_caret_multibyte),
        T(test_diag_caret_tab),
        T(test_diag_caret_tab_first),
        T(test_diag_zero_width),
        T(test_diag_empty_line_and_eof),
        T(test_diag_multiline_span),
        T(test_diag_crlf),
        T(test_diag_long_line_truncation),
        T(test_diag_unsafe_bytes_escaped),
        T(test_diag_bom_hidden),
        T(test_diag_no_source),
        T(test_diag_gutter_width),
        T(test_diag_color),
        T(test_diag_werror),
        T(test_diag_summary_plural),
        T(test_diag_limit_suppressed),
        T(test_diag_limit_one_suppressed),
        T(test_diag_json_roundtrip),
        T(test_diag_json_columns_are_bytes),
        T(test_diag_json_invalid_utf8),
        T(test_diag_render_all_json_lines),
        T(test_diag_explanations),
        T(test_diag_code_parse),
        T(test_diag_sort_order),
        T(test_diag_levels),
        T(test_diag_allow_comments),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
