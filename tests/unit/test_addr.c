/* Unit tests for addr.c, punycode.c and grammar/binding.re: the inside of
 * binding words.  Tables first; every word is copied into a heap block of
 * exactly its size so that a sanitizer catches any read past the word. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "model/addr.h"

#define LEN(a) (sizeof(a) / sizeof *(a))

/* ---- helpers ----------------------------------------------------------- */

/* Heap copy of exactly n bytes, no NUL after it. */
static char *slice(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    if (n) memcpy(p, s, n);
    return p;
}

typedef struct want_err {
    enum bind_code code;
    uint32_t off, len;
    const char *msg;        /* a substring of the message */
    const char *fix;        /* NULL: no fix-it */
    uint32_t fix_off, fix_len;
} want_err;

enum { F_IPH = BIND_FORM_IP_PORT_HOST, F_PH = BIND_FORM_PORT_HOST, F_HOST = BIND_FORM_HOST,
       F_HOSTNAME, F_ADDR };

typedef struct err_case {
    int what;               /* a form, F_HOSTNAME (bind_host_parse) or F_ADDR (bind_addr_parse) */
    const char *word;
    size_t n;               /* 0: strlen(word) */
    want_err e[4];          /* ends at the first msg == NULL */
} err_case;

static void dump(const char *word, const bind_word_errors *errs)
{
    fprintf(stderr, "word `%s`: %zu errors\n", word, errs->len);
    for (size_t i = 0; i < errs->len; i++) {
        const bind_word_error *e = &errs->items[i];
        fprintf(stderr, "  %s %u+%u \"%s\"", bind_code_name(e->code), e->off, e->len, e->message);
        if (e->has_fix) fprintf(stderr, " fix %u+%u \"%s\"", e->fix_off, e->fix_len, e->fix);
        fputc('\n', stderr);
    }
}

static bool same_error(const bind_word_error *got, const want_err *w)
{
    if (got->code != w->code || got->off != w->off || got->len != w->len) return false;
    if (!got->message || !strstr(got->message, w->msg)) return false;
    if (got->has_fix != (w->fix != NULL)) return false;
    if (w->fix && (strcmp(got->fix, w->fix) != 0 || got->fix_off != w->fix_off || got->fix_len != w->fix_len))
        return false;
    return true;
}

static void check_errors(const char *word, const bind_word_errors *errs, bool ok, const want_err *want)
{
    size_t nwant = 0;
    while (nwant < 4 && want[nwant].msg) nwant++;
    bool good = errs->len == nwant && ok == (nwant == 0);
    for (size_t i = 0; good && i < nwant; i++) good = same_error(&errs->items[i], &want[i]);
    if (!good) {
        dump(word, errs);
        fail_msg("unexpected errors for `%s`", word);
    }
}

/* Runs one table row through the function it names. */
static void run_case(bind_arena *a, const err_case *c, bind_word_errors *errs)
{
    size_t n = c->n ? c->n : strlen(c->word);
    char *w = slice(c->word, n);
    bool ok;
    if (c->what == F_HOSTNAME) {
        const char *lower;
        bool wild;
        ok = bind_host_parse(a, w, n, &lower, &wild, errs);
    } else if (c->what == F_ADDR) {
        bind_addr addr;
        ok = bind_addr_parse(a, w, n, &addr, errs);
    } else {
        bind_info info;
        ok = bind_info_parse(a, (enum bind_info_form)c->what, w, n, &info, errs);
    }
    check_errors(c->word, errs, ok, c->e);
    free(w);
}

static void run_cases(const err_case *cases, size_t count)
{
    bind_arena *a = bind_arena_new();
    for (size_t i = 0; i < count; i++) {
        bind_word_errors errs;
        memset(&errs, 0xab, sizeof errs);   /* the parser must reset it */
        run_case(a, &cases[i], &errs);
    }
    bind_arena_free(a);
}

static bind_addr addr_of(bind_arena *a, const char *s)
{
    bind_addr addr;
    bind_word_errors errs;
    char *w = slice(s, strlen(s));
    if (!bind_addr_parse(a, w, strlen(s), &addr, &errs)) {
        dump(s, &errs);
        fail_msg("`%s` should parse", s);
    }
    free(w);
    return addr;
}

static bind_addr any_addr(void)
{
    bind_addr a;
    memset(&a, 0, sizeof a);
    a.kind = BIND_ADDR_ANY;
    return a;
}

/* ---- IP:PORT:HOST -------------------------------------------------------- */

typedef struct info_case {
    const char *word;
    const char *addr;       /* formatted with brackets */
    uint8_t kind;
    uint16_t port;
    const char *host;
    bool wildcard;
    uint32_t addr_off, addr_len, port_off, port_len, host_off, host_len;
} info_case;

static void test_addr_info_valid(void **state)
{
    (void)state;
    static const info_case cases[] = {
        {"*:80:", "*", BIND_ADDR_ANY, 80, "", false, 0, 1, 2, 2, 5, 0},
        {"*:443:Shop.Example", "*", BIND_ADDR_ANY, 443, "shop.example", false, 0, 1, 2, 3, 6, 12},
        {"10.0.0.5:443:shop.example", "10.0.0.5", BIND_ADDR_V4, 443, "shop.example", false, 0, 8, 9, 3, 13, 12},
        {"0.0.0.0:80:", "0.0.0.0", BIND_ADDR_ANY4, 80, "", false, 0, 7, 8, 2, 11, 0},
        {"[::]:80:", "[::]", BIND_ADDR_ANY6, 80, "", false, 0, 4, 5, 2, 8, 0},
        {"[0:0:0:0:0:0:0:0]:80:", "[::]", BIND_ADDR_ANY6, 80, "", false, 0, 17, 18, 2, 21, 0},
        {"[::1]:8080:localhost", "[::1]", BIND_ADDR_V6, 8080, "localhost", false, 0, 5, 6, 4, 11, 9},
        {"[2001:DB8::1]:80:*.Example.com", "[2001:db8::1]", BIND_ADDR_V6, 80, "*.example.com", true,
         0, 13, 14, 2, 17, 13},
        {"[::ffff:10.0.0.1]:1:", "[::ffff:10.0.0.1]", BIND_ADDR_V6, 1, "", false, 0, 17, 18, 1, 20, 0},
        {"255.255.255.255:65535:a", "255.255.255.255", BIND_ADDR_V4, 65535, "a", false, 0, 15, 16, 5, 22, 1},
        {"1.2.3.4:80:xn--bcher-kva.example", "1.2.3.4", BIND_ADDR_V4, 80, "xn--bcher-kva.example", false,
         0, 7, 8, 2, 11, 21},
        {"*:80:10.0.0.1", "*", BIND_ADDR_ANY, 80, "10.0.0.1", false, 0, 1, 2, 2, 5, 8},
    };
    bind_arena *a = bind_arena_new();
    for (size_t i = 0; i < LEN(cases); i++) {
        const info_case *c = &cases[i];
        size_t n = strlen(c->word);
        char *w = slice(c->word, n);
        bind_info info;
        bind_word_errors errs;
        bool ok = bind_info_parse(a, BIND_FORM_IP_PORT_HOST, w, n, &info, &errs);
        if (!ok) dump(c->word, &errs);
        assert_true(ok);
        assert_int_equal(errs.len, 0);
        char buf[48];
        bind_addr_format(&info.addr, buf, true);
        assert_string_equal(buf, c->addr);
        assert_int_equal(info.addr.kind, c->kind);
        assert_int_equal(info.port, c->port);
        assert_string_equal(info.host, c->host);
        assert_int_equal(info.host_wildcard, c->wildcard);
        assert_int_equal(info.addr_off, c->addr_off);
        assert_int_equal(info.addr_len, c->addr_len);
        assert_int_equal(info.port_off, c->port_off);
        assert_int_equal(info.port_len, c->port_len);
        assert_int_equal(info.host_off, c->host_off);
        assert_int_equal(info.host_len, c->host_len);
        free(w);
    }
    bind_arena_free(a);
}

static void test_addr_info_errors(void **state)
{
    (void)state;
    static const err_case cases[] = {
        /* Three mistakes, three errors. */
        {F_IPH, "10.0.0.256:99999:bad_host", 0, {
            {BIND_E0103, 0, 10, "invalid IPv4 address `10.0.0.256`: 256 is not an octet (0-255)", NULL, 0, 0},
            {BIND_E0102, 11, 5, "port 99999 is outside 1-65535", NULL, 0, 0},
            {BIND_E0105, 20, 1, "`_` is not allowed in host names", NULL, 0, 0}}},
        /* The shape of the word. */
        {F_IPH, ":80:x", 0, {{BIND_E0107, 0, 0, "address missing", "*", 0, 0}}},
        {F_IPH, "*:80", 0, {{BIND_E0107, 0, 4, "expected IP:PORT:HOST", ":", 4, 0}}},
        {F_IPH, "10.0.0.1:80", 0, {{BIND_E0107, 0, 11, "expected IP:PORT:HOST", ":", 11, 0}}},
        {F_IPH, "80:shop.example", 0, {{BIND_E0107, 0, 15, "expected IP:PORT:HOST", "*:", 0, 0}}},
        {F_IPH, "80", 0, {{BIND_E0107, 0, 2, "expected IP:PORT:HOST", "*:80:", 0, 2}}},
        {F_IPH, "shop.example", 0, {{BIND_E0107, 0, 12, "expected IP:PORT:HOST", NULL, 0, 0}}},
        {F_IPH, "", 0, {{BIND_E0107, 0, 0, "expected IP:PORT:HOST", NULL, 0, 0}}},
        {F_IPH, "a:b", 0, {{BIND_E0107, 0, 3, "expected IP:PORT:HOST", NULL, 0, 0}}},
        /* Ports. */
        {F_IPH, "*::x", 0, {{BIND_E0102, 2, 0, "port missing", NULL, 0, 0}}},
        {F_IPH, "*:+80:", 0, {{BIND_E0102, 2, 3, "port `+80` is not a number", NULL, 0, 0}}},
        {F_IPH, "*:http:", 0, {{BIND_E0102, 2, 4, "port `http` is not a number", NULL, 0, 0}}},
        {F_IPH, "*:0:", 0, {{BIND_E0102, 2, 1, "port 0 is outside 1-65535", NULL, 0, 0}}},
        {F_IPH, "*:00:", 0, {{BIND_E0102, 2, 2, "port 00 is outside 1-65535", NULL, 0, 0}}},
        {F_IPH, "*:65536:", 0, {{BIND_E0102, 2, 5, "port 65536 is outside 1-65535", NULL, 0, 0}}},
        {F_IPH, "*:99999999999999999999:", 0,
         {{BIND_E0102, 2, 20, "port 99999999999999999999 is outside", NULL, 0, 0}}},
        {F_IPH, "*:080:", 0, {{BIND_E0102, 2, 3, "port `080` has a leading zero", "80", 2, 3}}},
        {F_IPH, "*:000443:x", 0, {{BIND_E0102, 2, 6, "leading zero", "443", 2, 6}}},
        /* IPv4. */
        {F_IPH, "010.0.0.1:80:", 0, {{BIND_E0103, 0, 9, "`010` has a leading zero", NULL, 0, 0}}},
        {F_IPH, "10.0.1:80:", 0, {{BIND_E0103, 0, 6, "expected 4 octets, found 3", NULL, 0, 0}}},
        {F_IPH, "10.0.0.1.5:80:", 0, {{BIND_E0103, 0, 10, "expected 4 octets, found 5", NULL, 0, 0}}},
        {F_IPH, "10..0.1:80:", 0, {{BIND_E0103, 0, 7, "empty octet", NULL, 0, 0}}},
        {F_IPH, "10.0.0.:80:", 0, {{BIND_E0103, 0, 7, "empty octet", NULL, 0, 0}}},
        {F_IPH, "1.2.3.-4:80:", 0, {{BIND_E0103, 0, 8, "`-4` is not a number 0-255", NULL, 0, 0}}},
        {F_IPH, "localhost:80:", 0,
         {{BIND_E0103, 0, 9, "`localhost` is not an IP address", "*:80:localhost", 0, 13}}},
        {F_IPH, "LocalHost:80:x", 0, {{BIND_E0103, 0, 9, "is not an IP address", NULL, 0, 0}}},
        /* IPv6. */
        {F_IPH, "::1:80:", 0, {{BIND_E0104, 0, 3, "IPv6 address must be in brackets", "[::1]", 0, 3}}},
        {F_IPH, ":::80:", 0, {{BIND_E0104, 0, 2, "must be in brackets", "[::]", 0, 2}}},
        {F_IPH, "2001:DB8:0:0:0:0:0:1:443:shop.example", 0,
         {{BIND_E0104, 0, 20, "must be in brackets", "[2001:db8::1]", 0, 20}}},
        {F_IPH, "2001:db8::g:80:", 0,
         {{BIND_E0104, 0, 11, "invalid IPv6 address `2001:db8::g`: unexpected `g`", NULL, 0, 0}}},
        {F_IPH, "[::1:80:", 0, {{BIND_E0104, 0, 8, "missing `]`", NULL, 0, 0}}},
        {F_IPH, "[::1]80:", 0, {{BIND_E0107, 5, 1, "expected `:` after `]`", NULL, 0, 0}}},
        {F_IPH, "[::1]", 0, {{BIND_E0107, 0, 5, "expected IP:PORT:HOST", NULL, 0, 0}}},
        {F_IPH, "[::1]:80", 0, {{BIND_E0107, 0, 8, "expected IP:PORT:HOST", ":", 8, 0}}},
        {F_IPH, "[]:80:", 0, {{BIND_E0104, 0, 2, "invalid IPv6 address ``: empty address", NULL, 0, 0}}},
        {F_IPH, "[10.0.0.1]:80:", 0,
         {{BIND_E0103, 0, 10, "IPv4 address `10.0.0.1` must not be in brackets", "10.0.0.1", 0, 10}}},
        {F_IPH, "[1::2::3]:80:", 0, {{BIND_E0104, 0, 9, "`::` may appear only once", NULL, 0, 0}}},
        {F_IPH, "[fe80::1%eth0]:80:", 0, {{BIND_E0104, 0, 14, "zone index `%eth0` is not allowed", NULL, 0, 0}}},
        {F_IPH, "[::g]:80:", 0, {{BIND_E0104, 0, 5, "unexpected `g`", NULL, 0, 0}}},
        /* Hosts, with offsets in the word. */
        {F_IPH, "*:80:*", 0, {{BIND_E0105, 5, 1, "leave the host empty for all host names", "", 5, 1}}},
        {F_IPH, "*:80:shop.*.example", 0, {{BIND_E0106, 10, 1, "must be the whole left-most label", NULL, 0, 0}}},
        {F_IPH, "*:80:bücher.example", 0,
         {{BIND_E0105, 5, 15, "non-ASCII host name `bücher.example`", "xn--bcher-kva.example", 5, 15}}},
        {F_IPH, "*:80:a..b", 0, {{BIND_E0105, 7, 1, "empty label", "", 7, 1}}},
        {F_IPH, "*:80:a:b", 0, {{BIND_E0105, 6, 1, "`:` is not allowed in host names", NULL, 0, 0}}},
        {F_IPH, "[::1]:80:-x", 0, {{BIND_E0105, 9, 2, "label `-x` starts with `-`", NULL, 0, 0}}},
        /* Everything wrong at once. */
        {F_IPH, ":0:*", 0, {{BIND_E0107, 0, 0, "address missing", "*", 0, 0},
                            {BIND_E0102, 1, 1, "port 0 is outside", NULL, 0, 0},
                            {BIND_E0105, 3, 1, "leave the host empty", "", 3, 1}}},
    };
    run_cases(cases, LEN(cases));
}

static void test_addr_info_exact_messages(void **state)
{
    (void)state;
    static const struct { int form; const char *word; const char *msg; } cases[] = {
        {F_IPH, "10.0.0.256:80:", "invalid IPv4 address `10.0.0.256`: 256 is not an octet (0-255)"},
        {F_IPH, "*::", "port missing"},
        {F_IPH, "*:x:", "port `x` is not a number"},
        {F_IPH, "*:0:", "port 0 is outside 1-65535"},
        {F_IPH, "::1:80:", "IPv6 address must be in brackets: `[::1]`"},
        {F_ADDR, "*", "`*` is not an address; iplisten takes addresses like 0.0.0.0 or ::"},
        {F_PH, "808", "expected PORT:HOST, e.g. `808:*`"},
    };
    bind_arena *a = bind_arena_new();
    for (size_t i = 0; i < LEN(cases); i++) {
        bind_word_errors errs;
        size_t n = strlen(cases[i].word);
        char *w = slice(cases[i].word, n);
        if (cases[i].form == F_ADDR) {
            bind_addr addr;
            assert_false(bind_addr_parse(a, w, n, &addr, &errs));
        } else {
            bind_info info;
            assert_false(bind_info_parse(a, (enum bind_info_form)cases[i].form, w, n, &info, &errs));
        }
        assert_int_equal(errs.len, 1);
        assert_string_equal(errs.items[0].message, cases[i].msg);
        free(w);
    }
    bind_arena_free(a);
}

/* Fields that could be read are filled in even when others are wrong. */
static void test_addr_info_partial(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    bind_info info;
    bind_word_errors errs;
    const char *w = "::1:99999:Shop.Example";
    assert_false(bind_info_parse(a, BIND_FORM_IP_PORT_HOST, w, strlen(w), &info, &errs));
    assert_int_equal(errs.len, 2);
    assert_int_equal(info.addr.kind, BIND_ADDR_V6);
    assert_int_equal(info.port, 0);
    assert_string_equal(info.host, "shop.example");
    assert_int_equal(info.port_off, 4);
    assert_int_equal(info.port_len, 5);

    w = "*:80:bücher.example";
    assert_false(bind_info_parse(a, BIND_FORM_IP_PORT_HOST, w, strlen(w), &info, &errs));
    assert_string_equal(info.host, "xn--bcher-kva.example");
    assert_int_equal(info.port, 80);

    /* errs may be NULL. */
    assert_false(bind_info_parse(a, BIND_FORM_IP_PORT_HOST, w, strlen(w), &info, NULL));
    assert_true(bind_info_parse(a, BIND_FORM_IP_PORT_HOST, "*:80:", 5, &info, NULL));
    bind_arena_free(a);
}

static void test_addr_info_error_limit(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    bind_info info;
    bind_word_errors errs;
    const char *w = "1.2.3.999:0:a_.b_.c_.d_.e_.f_.g_.h_.i_.j_";
    assert_false(bind_info_parse(a, BIND_FORM_IP_PORT_HOST, w, strlen(w), &info, &errs));
    assert_int_equal(errs.len, BIND_WORD_MAX_ERRORS);
    assert_int_equal(errs.items[0].code, BIND_E0103);
    assert_int_equal(errs.items[1].code, BIND_E0102);
    assert_int_equal(errs.items[7].code, BIND_E0105);
    bind_arena_free(a);
}

/* ---- PORT:HOST and HOST ------------------------------------------------- */

static void test_addr_port_host(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    static const struct { const char *word; uint16_t port; const char *host; bool wild; } ok[] = {
        {"808:*", 808, "*", false},
        {"808:Net.Example", 808, "net.example", false},
        {"1:*.example", 1, "*.example", true},
    };
    for (size_t i = 0; i < LEN(ok); i++) {
        bind_info info;
        bind_word_errors errs;
        size_t n = strlen(ok[i].word);
        char *w = slice(ok[i].word, n);
        assert_true(bind_info_parse(a, BIND_FORM_PORT_HOST, w, n, &info, &errs));
        assert_int_equal(info.port, ok[i].port);
        assert_string_equal(info.host, ok[i].host);
        assert_int_equal(info.host_wildcard, ok[i].wild);
        assert_int_equal(info.addr.kind, BIND_ADDR_NONE);
        free(w);
    }
    bind_arena_free(a);

    static const err_case cases[] = {
        {F_PH, "808", 0, {{BIND_E0107, 0, 3, "expected PORT:HOST, e.g. `808:*`", ":*", 3, 0}}},
        {F_PH, "808:", 0, {{BIND_E0107, 0, 4, "expected PORT:HOST", "*", 4, 0}}},
        {F_PH, "*", 0, {{BIND_E0107, 0, 1, "expected PORT:HOST", NULL, 0, 0}}},
        {F_PH, "*:808:*", 0, {{BIND_E0107, 0, 1, "takes no address", "", 0, 2}}},
        {F_PH, ":808:x", 0, {{BIND_E0107, 0, 0, "takes no address", "", 0, 1}}},
        {F_PH, "[::1]:808:*", 0, {{BIND_E0107, 0, 5, "takes no address", "", 0, 6}}},
        {F_PH, "1:2:3:4", 0, {{BIND_E0107, 0, 7, "expected PORT:HOST", NULL, 0, 0}}},
        {F_PH, ":*", 0, {{BIND_E0102, 0, 0, "port missing", NULL, 0, 0}}},
        {F_PH, "net:*", 0, {{BIND_E0102, 0, 3, "not a number", NULL, 0, 0}}},
        {F_PH, "0808:*", 0, {{BIND_E0102, 0, 4, "leading zero", "808", 0, 4}}},
        {F_PH, "808:bad_host", 0, {{BIND_E0105, 7, 1, "`_` is not allowed", NULL, 0, 0}}},
        {F_PH, "808:mail.*", 0, {{BIND_E0106, 9, 1, "left-most", NULL, 0, 0}}},
        {F_HOST, "", 0, {{BIND_E0107, 0, 0, "expected a host name or `*`", "*", 0, 0}}},
        {F_HOST, "a b", 0, {{BIND_E0105, 1, 1, "` ` is not allowed", NULL, 0, 0}}},
        {F_HOST, "pipe:808", 0, {{BIND_E0105, 4, 1, "`:` is not allowed", NULL, 0, 0}}},
        {F_HOST, "*shop", 0, {{BIND_E0106, 0, 1, "left-most", NULL, 0, 0}}},
    };
    run_cases(cases, LEN(cases));
}

static void test_addr_host_form(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    static const struct { const char *word; const char *host; bool wild; } ok[] = {
        {"*", "*", false},
        {"localhost", "localhost", false},
        {"LOCALHOST", "localhost", false},
        {"*.Queue.Example", "*.queue.example", true},
    };
    for (size_t i = 0; i < LEN(ok); i++) {
        bind_info info;
        bind_word_errors errs;
        size_t n = strlen(ok[i].word);
        char *w = slice(ok[i].word, n);
        assert_true(bind_info_parse(a, BIND_FORM_HOST, w, n, &info, &errs));
        assert_string_equal(info.host, ok[i].host);
        assert_int_equal(info.host_wildcard, ok[i].wild);
        assert_int_equal(info.port, 0);
        assert_int_equal(info.host_off, 0);
        assert_int_equal(info.host_len, n);
        free(w);
    }
    bind_arena_free(a);
}

/* ---- host names ----------------------------------------------------------- */

static char *repeat(const char *unit, size_t times, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * times + t + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++) memcpy(s + i * u, unit, u);
    memcpy(s + u * times, tail, t + 1);
    return s;
}

static void test_addr_host_valid(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    char *l63 = repeat("a", 63, ".example");
    char *l61 = repeat("b", 61, "");
    /* Three labels of 63, three dots and a label of 61: 253. */
    char *t253 = repeat("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0.", 3, l61);
    assert_int_equal(strlen(t253), 253);
    const struct { const char *in; const char *lower; bool wild; } cases[] = {
        {"Shop.Example", "shop.example", false},
        {"localhost", "localhost", false},
        {"a", "a", false},
        {"a-b.c-d", "a-b.c-d", false},
        {"10.0.0.1", "10.0.0.1", false},
        {"xn--bcher-kva.example", "xn--bcher-kva.example", false},
        {"*.example.com", "*.example.com", true},
        {"*.COM", "*.com", true},
        {l63, l63, false},
        {t253, t253, false},
    };
    for (size_t i = 0; i < LEN(cases); i++) {
        size_t n = strlen(cases[i].in);
        char *w = slice(cases[i].in, n);
        const char *lower = NULL;
        bool wild = !cases[i].wild;
        bind_word_errors errs;
        bool ok = bind_host_parse(a, w, n, &lower, &wild, &errs);
        if (!ok) dump(cases[i].in, &errs);
        assert_true(ok);
        assert_string_equal(lower, cases[i].lower);
        assert_int_equal(wild, cases[i].wild);
        free(w);
    }
    free(l63);
    free(l61);
    free(t253);
    bind_arena_free(a);
}

static void test_addr_host_errors(void **state)
{
    (void)state;
    char *l64 = repeat("a", 64, ".example");
    char *l62 = repeat("b", 62, "");
    char *t254 = repeat("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0.", 3, l62);
    assert_int_equal(strlen(t254), 254);
    char *u64 = repeat("ü", 64, ".example");
    const err_case cases[] = {
        {F_HOSTNAME, "", 0, {{BIND_E0105, 0, 0, "host name missing", NULL, 0, 0}}},
        {F_HOSTNAME, "*", 0, {{BIND_E0105, 0, 1, "`*` alone is not a host name", NULL, 0, 0}}},
        {F_HOSTNAME, l64, 0, {{BIND_E0105, 0, 64, "is 64 characters long; the limit is 63", NULL, 0, 0}}},
        {F_HOSTNAME, t254, 0, {{BIND_E0105, 0, 254, "host name is 254 characters long; the limit is 253", NULL, 0, 0}}},
        {F_HOSTNAME, "-shop.example", 0, {{BIND_E0105, 0, 5, "label `-shop` starts with `-`", NULL, 0, 0}}},
        {F_HOSTNAME, "shop-.example", 0, {{BIND_E0105, 0, 5, "label `shop-` ends with `-`", NULL, 0, 0}}},
        {F_HOSTNAME, "a.-", 0, {{BIND_E0105, 2, 1, "starts with `-`", NULL, 0, 0},
                                {BIND_E0105, 2, 1, "ends with `-`", NULL, 0, 0}}},
        {F_HOSTNAME, "my_shop.example", 0, {{BIND_E0105, 2, 1, "`_` is not allowed in host names", NULL, 0, 0}}},
        {F_HOSTNAME, "a_b_c.d_e", 0, {{BIND_E0105, 1, 1, "`_`", NULL, 0, 0}, {BIND_E0105, 7, 1, "`_`", NULL, 0, 0}}},
        {F_HOSTNAME, "shop!.example", 0, {{BIND_E0105, 4, 1, "`!` is not allowed", NULL, 0, 0}}},
        {F_HOSTNAME, "a..b", 0, {{BIND_E0105, 2, 1, "empty label in host name `a..b`", "", 2, 1}}},
        {F_HOSTNAME, ".a", 0, {{BIND_E0105, 0, 1, "empty label", "", 0, 1}}},
        {F_HOSTNAME, "shop.example.", 0, {{BIND_E0105, 12, 1, "host name ends with `.`", "", 12, 1}}},
        {F_HOSTNAME, "shop.*.example", 0, {{BIND_E0106, 5, 1, "wildcard `*` in `shop.*.example` must be the whole left-most label", NULL, 0, 0}}},
        {F_HOSTNAME, "*shop.example", 0, {{BIND_E0106, 0, 1, "left-most", NULL, 0, 0}}},
        {F_HOSTNAME, "mail.*", 0, {{BIND_E0106, 5, 1, "left-most", NULL, 0, 0}}},
        {F_HOSTNAME, "*.*.example", 0, {{BIND_E0106, 2, 1, "left-most", NULL, 0, 0}}},
        {F_HOSTNAME, "sh*p.example", 0, {{BIND_E0106, 2, 1, "left-most", NULL, 0, 0}}},
        {F_HOSTNAME, "*.", 0, {{BIND_E0105, 1, 1, "ends with `.`", "", 1, 1}}},
        {F_HOSTNAME, "bücher.example", 0,
         {{BIND_E0105, 0, 15, "non-ASCII host name `bücher.example`; write it as `xn--bcher-kva.example`",
           "xn--bcher-kva.example", 0, 15}}},
        {F_HOSTNAME, "Bücher.Example", 0, {{BIND_E0105, 0, 15, "non-ASCII", "xn--bcher-kva.example", 0, 15}}},
        {F_HOSTNAME, "*.bücher.example", 0, {{BIND_E0105, 0, 17, "non-ASCII", "*.xn--bcher-kva.example", 0, 17}}},
        {F_HOSTNAME, "münchen.de", 0, {{BIND_E0105, 0, 11, "non-ASCII", "xn--mnchen-3ya.de", 0, 11}}},
        {F_HOSTNAME, "例え.テスト", 0, {{BIND_E0105, 0, 16, "non-ASCII", "xn--r8jz45g.xn--zckzah", 0, 16}}},
        /* The punycode form would be invalid itself: no fix-it. */
        {F_HOSTNAME, u64, 0, {{BIND_E0105, 0, 136, "non-ASCII host name", NULL, 0, 0}}},
        {F_HOSTNAME, "bü_cher.example", 0, {{BIND_E0105, 0, 16, "non-ASCII host name", NULL, 0, 0}}},
        /* Not UTF-8: no fix-it, pointing at the bad byte. */
        {F_HOSTNAME, "b\xfc" "cher.example", 0, {{BIND_E0105, 1, 1, "is not valid UTF-8", NULL, 0, 0}}},
        {F_HOSTNAME, "\xc0\xaf.example", 0, {{BIND_E0105, 0, 1, "is not valid UTF-8", NULL, 0, 0}}},
        {F_HOSTNAME, "a\xed\xa0\x80", 0, {{BIND_E0105, 1, 1, "is not valid UTF-8", NULL, 0, 0}}},
        {F_HOSTNAME, "a\xf4\x90\x80\x80", 0, {{BIND_E0105, 1, 1, "is not valid UTF-8", NULL, 0, 0}}},
        {F_HOSTNAME, "ab\xc3", 0, {{BIND_E0105, 2, 1, "is not valid UTF-8", NULL, 0, 0}}},
        /* NUL and control bytes are quoted, never cut the message. */
        {F_HOSTNAME, "a\0b", 3, {{BIND_E0105, 1, 1, "`\\x00` is not allowed in host names", NULL, 0, 0}}},
        {F_HOSTNAME, "a\tb", 0, {{BIND_E0105, 1, 1, "`\\x09` is not allowed", NULL, 0, 0}}},
    };
    run_cases(cases, LEN(cases));
    free(l64);
    free(l62);
    free(t254);
    free(u64);
}

static void test_addr_host_lower_on_error(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    const char *lower;
    bool wild;
    bind_word_errors errs;
    assert_false(bind_host_parse(a, "Bücher.Example", strlen("Bücher.Example"), &lower, &wild, &errs));
    assert_string_equal(lower, "xn--bcher-kva.example");
    assert_false(wild);
    assert_false(bind_host_parse(a, "*.Bücher.Example", strlen("*.Bücher.Example"), &lower, &wild, &errs));
    assert_string_equal(lower, "*.xn--bcher-kva.example");
    assert_true(wild);
    assert_false(bind_host_parse(a, "My_Shop", 7, &lower, &wild, NULL));
    assert_string_equal(lower, "my_shop");
    bind_arena_free(a);
}

/* ---- punycode (RFC 3492 §7.1) ---------------------------------------------- */

static void test_addr_punycode_rfc3492(void **state)
{
    (void)state;
    /* Expected outputs are the RFC's, lower-cased: the encoder lower-cases
     * ASCII first and the encoded part does not depend on ASCII case. */
    static const struct { const char *name, *in, *out; } v[] = {
        {"A Arabic", "ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"},
        {"B Chinese simplified", "他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"},
        {"C Chinese traditional", "他們爲什麽不說中文", "ihqwctvzc91f659drss3x8bo0yb"},
        {"D Czech", "Pročprostěnemluvíčesky", "proprostnemluvesky-uyb24dma41a"},
        {"E Hebrew", "למההםפשוטלאמדבריםעברית", "4dbcagdahymbxekheh6e0a7fei0b"},
        {"F Hindi", "यहलोगहिन्दीक्योंनहींबोलसकतेहैं", "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd"},
        {"G Japanese", "なぜみんな日本語を話してくれないのか", "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"},
        {"H Korean", "세계의모든사람들이한국어를이해한다면얼마나좋을까",
         "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c"},
        {"I Russian", "почемужеонинеговорятпорусски", "b1abfaaepdrnnbgefbadotcwatmq2g4l"},
        {"J Spanish", "PorquénopuedensimplementehablarenEspañol", "porqunopuedensimplementehablarenespaol-fmd56a"},
        {"K Vietnamese", "TạisaohọkhôngthểchỉnóitiếngViệt", "tisaohkhngthchnitingvit-kjcr8268qyxafd2f1b9g"},
        {"L", "3年B組金八先生", "3b-ww4c5e180e575a65lsy2b"},
        {"N", "MajiでKoiする5秒前", "majikoi5-783gue6qz075azm5e"},
        {"O", "パフィーdeルンバ", "de-jg4avhby1noc0d"},
        {"P", "安室奈美恵-with-SUPER-MONKEYS", "-with-super-monkeys-pc58ag80a8qai00g7n9n"},
        {"Q", "Hello-Another-Way-それぞれの場所", "hello-another-way--fc4qua05auwb3674vfr0b"},
        {"R", "ひとつ屋根の下2", "2-u9tlzr9756bt3uc0v"},
        {"S", "そのスピードで", "d9juau41awczczp"},
        {"bücher", "bücher", "bcher-kva"},
    };
    bind_arena *a = bind_arena_new();
    for (size_t i = 0; i < LEN(v); i++) {
        size_t n = strlen(v[i].in);
        char *w = slice(v[i].in, n);
        const char *got = bind_host_to_ascii(a, w, n);
        char want[128];
        snprintf(want, sizeof want, "xn--%s", v[i].out);
        if (!got || strcmp(got, want) != 0) fail_msg("%s: got %s, want %s", v[i].name, got ? got : "NULL", want);
        free(w);
    }
    bind_arena_free(a);
}

static void test_addr_to_ascii(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    static const struct { const char *in; size_t n; const char *out; } cases[] = {
        {"Shop.Example", 0, "shop.example"},
        {"", 0, ""},
        {"bücher.Example", 0, "xn--bcher-kva.example"},
        {"*.bücher.example", 0, "*.xn--bcher-kva.example"},
        {"a..ü.", 0, "a..xn--tda."},
        {"b\xfc" "cher", 0, NULL},            /* Latin-1, not UTF-8 */
        {"\xc0\x80", 0, NULL},                 /* overlong NUL */
        {"\xe0\x80\xaf", 0, NULL},             /* overlong */
        {"\xed\xbf\xbf", 0, NULL},             /* surrogate */
        {"\xf5\x80\x80\x80", 0, NULL},         /* above U+10FFFF */
        {"\xe2\x82", 0, NULL},                 /* truncated */
        {"\x80", 0, NULL},                     /* lone continuation */
        {"a\0b", 3, NULL},                     /* NUL cannot be in the result */
    };
    for (size_t i = 0; i < LEN(cases); i++) {
        size_t n = cases[i].n ? cases[i].n : strlen(cases[i].in);
        char *w = slice(cases[i].in, n);
        const char *got = bind_host_to_ascii(a, w, n);
        if (cases[i].out) {
            assert_non_null(got);
            assert_string_equal(got, cases[i].out);
        } else {
            assert_null(got);
        }
        free(w);
    }
    bind_arena_free(a);
}

/* ---- iplisten addresses, IPv4, IPv6 ----------------------------------------- */

static void test_addr_canonical_ipv6(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
        {"2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"},   /* first of equal runs */
        {"1:0:0:1:0:0:1:1", "1::1:0:0:1:1"},
        {"2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::"},                       /* the longest run */
        {"0:0:1:0:0:0:1:0", "0:0:1::1:0"},
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},                   /* one zero stays */
        {"1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"},
        {"2001:db8::0:1", "2001:db8::1"},
        {"0:0:0:0:0:0:0:1", "::1"},
        {"1:0:0:0:0:0:0:0", "1::"},
        {"fe80::", "fe80::"},
        {"::", "::"},
        {"[::]", "::"},
        {"[::1]", "::1"},
        {"ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789"},
        {"0001:02:003:0004::", "1:2:3:4::"},
        {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
        {"::FFFF:0102:0304", "::ffff:1.2.3.4"},
        {"0:0:0:0:0:ffff:10.0.0.1", "::ffff:10.0.0.1"},
        {"::1.2.3.4", "::102:304"},                                         /* not mapped */
        {"64:ff9b::192.0.2.1", "64:ff9b::c000:201"},
        {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
        {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
        {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
    };
    bind_arena *a = bind_arena_new();
    for (size_t i = 0; i < LEN(cases); i++) {
        bind_addr addr = addr_of(a, cases[i].in);
        char buf[48], bbuf[48], want[48];
        size_t n = bind_addr_format(&addr, buf, false);
        assert_string_equal(buf, cases[i].out);
        assert_int_equal(n, strlen(cases[i].out));
        bind_addr_format(&addr, bbuf, true);
        snprintf(want, sizeof want, "[%s]", cases[i].out);
        assert_string_equal(bbuf, want);
        /* The canonical form reads back as the same address. */
        bind_addr again = addr_of(a, buf);
        assert_true(bind_addr_equal(&addr, &again));
    }
    bind_arena_free(a);
}

static void test_addr_format(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    char buf[48];
    bind_addr any = any_addr(), none;
    memset(&none, 0, sizeof none);
    assert_int_equal(bind_addr_format(&any, buf, true), 1);
    assert_string_equal(buf, "*");
    assert_int_equal(bind_addr_format(&none, buf, true), 0);
    assert_string_equal(buf, "");
    bind_addr v = addr_of(a, "0.0.0.0");
    assert_int_equal(v.kind, BIND_ADDR_ANY4);
    bind_addr_format(&v, buf, true);
    assert_string_equal(buf, "0.0.0.0");
    v = addr_of(a, "::");
    assert_int_equal(v.kind, BIND_ADDR_ANY6);
    bind_addr_format(&v, buf, true);
    assert_string_equal(buf, "[::]");
    bind_addr_format(&v, buf, false);
    assert_string_equal(buf, "::");
    v = addr_of(a, "10.20.30.40");
    assert_int_equal(v.kind, BIND_ADDR_V4);
    assert_int_equal(bind_addr_format(&v, buf, true), 11);
    assert_string_equal(buf, "10.20.30.40");
    /* The longest forms fit the documented 48 bytes. */
    v = addr_of(a, "1111:2222:3333:4444:5555:6666:7777:8888");
    assert_int_equal(bind_addr_format(&v, buf, true), 41);
    v = addr_of(a, "::ffff:255.255.255.255");
    assert_int_equal(bind_addr_format(&v, buf, true), 24);
    assert_string_equal(buf, "[::ffff:255.255.255.255]");
    bind_arena_free(a);
}

static void test_addr_iplisten(void **state)
{
    (void)state;
    static const struct { const char *in; uint8_t kind; } ok[] = {
        {"0.0.0.0", BIND_ADDR_ANY4}, {"::", BIND_ADDR_ANY6}, {"[::]", BIND_ADDR_ANY6},
        {"10.0.0.1", BIND_ADDR_V4}, {"[2001:db8::1]", BIND_ADDR_V6}, {"2001:DB8::1", BIND_ADDR_V6},
        {"0:0::0", BIND_ADDR_ANY6}, {"::ffff:0.0.0.0", BIND_ADDR_V6}, {"0.0.0.1", BIND_ADDR_V4},
    };
    bind_arena *a = bind_arena_new();
    for (size_t i = 0; i < LEN(ok); i++) assert_int_equal(addr_of(a, ok[i].in).kind, ok[i].kind);
    bind_arena_free(a);

    static const err_case cases[] = {
        {F_ADDR, "*", 0, {{BIND_E0103, 0, 1, "`*` is not an address; iplisten takes addresses like 0.0.0.0 or ::", NULL, 0, 0}}},
        {F_ADDR, "", 0, {{BIND_E0103, 0, 0, "address missing", NULL, 0, 0}}},
        {F_ADDR, "localhost", 0, {{BIND_E0103, 0, 9, "`localhost` is not an IP address", NULL, 0, 0}}},
        {F_ADDR, "256.1.1.1", 0, {{BIND_E0103, 0, 9, "invalid IPv4 address `256.1.1.1`: 256 is not an octet", NULL, 0, 0}}},
        {F_ADDR, "010.0.0.1", 0, {{BIND_E0103, 0, 9, "`010` has a leading zero", NULL, 0, 0}}},
        {F_ADDR, "1.2.3", 0, {{BIND_E0103, 0, 5, "expected 4 octets, found 3", NULL, 0, 0}}},
        {F_ADDR, "1.2.3.4.5", 0, {{BIND_E0103, 0, 9, "expected 4 octets, found 5", NULL, 0, 0}}},
        {F_ADDR, "1.2.3.99999999999999999999", 0, {{BIND_E0103, 0, 26, "99999999999999999999 is not an octet", NULL, 0, 0}}},
        {F_ADDR, "10.0.0.1:80", 0, {{BIND_E0103, 8, 3, "iplisten takes an address without a port", "", 8, 3}}},
        {F_ADDR, "[10.0.0.1]", 0, {{BIND_E0103, 0, 10, "must not be in brackets", "10.0.0.1", 0, 10}}},
        {F_ADDR, "[::1]:80", 0, {{BIND_E0104, 5, 3, "iplisten takes no port", "", 5, 3}}},
        {F_ADDR, "[::1", 0, {{BIND_E0104, 0, 4, "missing `]`", "]", 4, 0}}},
        {F_ADDR, "[::g", 0, {{BIND_E0104, 0, 4, "missing `]`", NULL, 0, 0}}},
        {F_ADDR, "1:2:3", 0, {{BIND_E0104, 0, 5, "expected 8 groups, found 3", NULL, 0, 0}}},
        {F_ADDR, "1:2:3:4:5:6:7:8:9", 0, {{BIND_E0104, 0, 17, "more than 8 groups", NULL, 0, 0}}},
        {F_ADDR, "1:2:3:4:5:6:7:1.2.3.4", 0, {{BIND_E0104, 0, 21, "more than 8 groups", NULL, 0, 0}}},
        {F_ADDR, "1::2:3:4:5:6:7:8", 0, {{BIND_E0104, 0, 16, "`::` must stand for at least one zero group", NULL, 0, 0}}},
        {F_ADDR, "1::2::3", 0, {{BIND_E0104, 0, 7, "`::` may appear only once", NULL, 0, 0}}},
        {F_ADDR, ":1::", 0, {{BIND_E0104, 0, 4, "starts with a single `:`", NULL, 0, 0}}},
        {F_ADDR, "1::2:", 0, {{BIND_E0104, 0, 5, "ends with a single `:`", NULL, 0, 0}}},
        {F_ADDR, ":::", 0, {{BIND_E0104, 0, 3, "unexpected `:`", NULL, 0, 0}}},
        {F_ADDR, "1:::2", 0, {{BIND_E0104, 0, 5, "unexpected `:`", NULL, 0, 0}}},
        {F_ADDR, "12345::", 0, {{BIND_E0104, 0, 7, "group `12345` has more than 4 hex digits", NULL, 0, 0}}},
        {F_ADDR, "00000::", 0, {{BIND_E0104, 0, 7, "more than 4 hex digits", NULL, 0, 0}}},
        {F_ADDR, "::ffff:1.2.3.256", 0, {{BIND_E0104, 0, 16, "embedded IPv4 address `1.2.3.256`: 256 is not an octet", NULL, 0, 0}}},
        {F_ADDR, "::1.2.3", 0, {{BIND_E0104, 0, 7, "embedded IPv4 address `1.2.3`: expected 4 octets", NULL, 0, 0}}},
        {F_ADDR, "fe80::1%eth0", 0, {{BIND_E0104, 0, 12, "zone index `%eth0` is not allowed", NULL, 0, 0}}},
        {F_ADDR, "fe80::1%", 0, {{BIND_E0104, 0, 8, "zone index `%`", NULL, 0, 0}}},
        {F_ADDR, "::ü", 0, {{BIND_E0104, 0, 4, "unexpected `ü`", NULL, 0, 0}}},
        {F_ADDR, "::\xff", 0, {{BIND_E0104, 0, 3, "unexpected `\\xff`", NULL, 0, 0}}},
        {F_ADDR, "1:2:3:4:5:6:7:8\0", 16, {{BIND_E0104, 0, 16, "unexpected `\\x00`", NULL, 0, 0}}},
    };
    run_cases(cases, LEN(cases));
}

static void test_addr_port_parse(void **state)
{
    (void)state;
    static const struct { const char *in; bool ok; uint16_t port; } cases[] = {
        {"1", true, 1}, {"80", true, 80}, {"65535", true, 65535},
        {"0", false, 0}, {"65536", false, 0}, {"080", false, 0}, {"00", false, 0},
        {"+80", false, 0}, {"-1", false, 0}, {"", false, 0}, {" 80", false, 0}, {"8a", false, 0},
        {"0x50", false, 0}, {"999999999999999999999999", false, 0},
    };
    for (size_t i = 0; i < LEN(cases); i++) {
        size_t n = strlen(cases[i].in);
        char *w = slice(cases[i].in, n);
        uint16_t port = 7;
        assert_int_equal(bind_port_parse(w, n, &port), cases[i].ok);
        if (cases[i].ok) assert_int_equal(port, cases[i].port);
        free(w);
    }
}

/* ---- comparisons ------------------------------------------------------------- */

static void test_addr_overlaps_contains(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    bind_addr any = any_addr(), none;
    memset(&none, 0, sizeof none);
    bind_addr any4 = addr_of(a, "0.0.0.0"), any6 = addr_of(a, "::");
    bind_addr v4a = addr_of(a, "10.0.0.1"), v4b = addr_of(a, "10.0.0.2");
    bind_addr v6a = addr_of(a, "2001:db8::1"), v6b = addr_of(a, "[2001:db8::2]");
    bind_addr mapped = addr_of(a, "::ffff:10.0.0.1");
    const bind_addr *all[] = {&none, &any, &any4, &any6, &v4a, &v4b, &v6a, &v6b, &mapped};
    /* overlaps[i][j] for the order above */
    static const bool want[9][9] = {
        /*        none any any4 any6 v4a v4b v6a v6b map */
        /* none */ {0, 0, 0, 0, 0, 0, 0, 0, 0},
        /* any  */ {0, 1, 1, 1, 1, 1, 1, 1, 1},
        /* any4 */ {0, 1, 1, 0, 1, 1, 0, 0, 0},
        /* any6 */ {0, 1, 0, 1, 0, 0, 1, 1, 1},
        /* v4a  */ {0, 1, 1, 0, 1, 0, 0, 0, 0},
        /* v4b  */ {0, 1, 1, 0, 0, 1, 0, 0, 0},
        /* v6a  */ {0, 1, 0, 1, 0, 0, 1, 0, 0},
        /* v6b  */ {0, 1, 0, 1, 0, 0, 0, 1, 0},
        /* map  */ {0, 1, 0, 1, 0, 0, 0, 0, 1},
    };
    for (size_t i = 0; i < LEN(all); i++)
        for (size_t j = 0; j < LEN(all); j++) {
            if (bind_addr_overlaps(all[i], all[j]) != want[i][j])
                fail_msg("overlaps(%zu, %zu) should be %d", i, j, want[i][j]);
            /* Equal is the diagonal. */
            assert_int_equal(bind_addr_equal(all[i], all[j]), i == j);
            if (i == j) assert_true(bind_addr_hash(all[i], BIND_HASH_SEED) == bind_addr_hash(all[j], BIND_HASH_SEED));
        }
    assert_true(bind_addr_hash(&v4a, BIND_HASH_SEED) != bind_addr_hash(&v4b, BIND_HASH_SEED));
    assert_true(bind_addr_hash(&any4, BIND_HASH_SEED) != bind_addr_hash(&any6, BIND_HASH_SEED));
    assert_true(bind_addr_hash(&v4a, BIND_HASH_SEED) != bind_addr_hash(&mapped, BIND_HASH_SEED));
    /* The same address written two ways is equal and hashes the same. */
    bind_addr v6a2 = addr_of(a, "2001:0DB8:0:0::0:1");
    assert_true(bind_addr_equal(&v6a, &v6a2));
    assert_true(bind_addr_hash(&v6a, 1) == bind_addr_hash(&v6a2, 1));

    /* Tiers. */
    assert_true(bind_addr_is_any_tier(&any));
    assert_true(bind_addr_is_any_tier(&any4));
    assert_true(bind_addr_is_any_tier(&any6));
    assert_false(bind_addr_is_any_tier(&v4a));
    assert_false(bind_addr_is_any_tier(&v6a));
    assert_false(bind_addr_is_any_tier(&none));

    /* contains(binding, local): local is an exact address. */
    assert_true(bind_addr_contains(&any, &v4a));
    assert_true(bind_addr_contains(&any, &v6a));
    assert_true(bind_addr_contains(&any4, &v4a));
    assert_false(bind_addr_contains(&any4, &v6a));
    assert_true(bind_addr_contains(&any6, &v6a));
    assert_false(bind_addr_contains(&any6, &v4a));
    assert_true(bind_addr_contains(&v4a, &v4a));
    assert_false(bind_addr_contains(&v4a, &v4b));
    assert_false(bind_addr_contains(&v4a, &mapped));
    assert_false(bind_addr_contains(&mapped, &v4a));
    assert_false(bind_addr_contains(&none, &v4a));
    assert_false(bind_addr_contains(&any, &any4));   /* not an address a request arrives on */
    assert_false(bind_addr_contains(&any, &none));
    bind_arena_free(a);
}

/* ---- bogons ---------------------------------------------------------------------- */

static void check_invariants(const char *w, size_t n, const bind_word_errors *errs, bool ok)
{
    assert_true(errs->len <= BIND_WORD_MAX_ERRORS);
    assert_int_equal(ok, errs->len == 0);
    for (size_t i = 0; i < errs->len; i++) {
        const bind_word_error *e = &errs->items[i];
        assert_non_null(e->message);
        assert_true(e->message[0] != '\0');
        assert_true((size_t)e->off + e->len <= n);
        if (e->has_fix) {
            assert_non_null(e->fix);
            assert_true((size_t)e->fix_off + e->fix_len <= n);
        }
    }
    (void)w;
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random words of binding-ish bytes through every entry point. */
static void test_addr_fuzz(void **state)
{
    (void)state;
    static const char alphabet[] = "[]:.*%-_09af1FZz:::...\xc3\xbc\xff\x80";
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    bind_arena *a = bind_arena_new();
    for (int it = 0; it < 20000; it++) {
        size_t n = rng_next(&seed) % 40;
        char *w = malloc(n ? n : 1);
        for (size_t i = 0; i < n; i++) {
            uint64_t r = rng_next(&seed);
            w[i] = r % 5 == 0 ? (char)(r >> 8) : alphabet[(r >> 8) % (sizeof alphabet)];
        }
        bind_word_errors errs;
        for (int form = 0; form < 3; form++) {
            bind_info info;
            bool ok = bind_info_parse(a, (enum bind_info_form)form, w, n, &info, &errs);
            check_invariants(w, n, &errs, ok);
            assert_non_null(info.host);
            if (ok && form == BIND_FORM_IP_PORT_HOST) {
                /* A valid word's address and port print and read back. */
                char buf[48];
                bind_addr_format(&info.addr, buf, true);
                assert_true(info.port >= 1);
                if (info.addr.kind != BIND_ADDR_ANY) {
                    bind_addr again;
                    assert_true(bind_addr_parse(a, buf, strlen(buf), &again, NULL));
                    assert_true(bind_addr_equal(&info.addr, &again));
                }
            }
        }
        const char *lower;
        bool wild;
        bool ok = bind_host_parse(a, w, n, &lower, &wild, &errs);
        check_invariants(w, n, &errs, ok);
        assert_non_null(lower);
        bind_addr addr;
        ok = bind_addr_parse(a, w, n, &addr, &errs);
        check_invariants(w, n, &errs, ok);
        (void)bind_host_to_ascii(a, w, n);
        free(w);
        if (it % 1000 == 999) {   /* keep memory flat */
            bind_arena_free(a);
            a = bind_arena_new();
        }
    }
    bind_arena_free(a);
}

/* bind_info_parse reads the common IP:PORT:HOST in one pass first: wherever
 * that pass reads a word, it must read what the full reading does.  Words
 * built near the common shape, and mutated, to walk both sides of every
 * limit (octets, ports, label and host lengths, `*.`, case, `-`). */
static void test_addr_common_reading_agrees(void **state)
{
    (void)state;
    static const char *const addrs[] = { "*", "0.0.0.0", "10.0.0.1", "255.255.255.255", "256.1.1.1", "01.2.3.4",
                                         "1.2.3", "1.2.3.4.5", "", "[::1]", "::1", "a.b.c.d", "1..2.3", "9.9.9.0" };
    static const char *const ports[] = { "80", "0", "1", "65535", "65536", "080", "", "8a", "123456", "443" };
    static const char label_chars[] = "abzAZ09-_*.\xc3";
    uint64_t seed = 0x2545f4914f6cdd1dull;
    bind_arena *a = bind_arena_new();
    size_t common = 0;
    for (int it = 0; it < 40000; it++) {
        char w[400];
        size_t n = (size_t)snprintf(w, sizeof w, "%s:%s:", addrs[rng_next(&seed) % LEN(addrs)],
                                    ports[rng_next(&seed) % LEN(ports)]);
        size_t hlen = rng_next(&seed) % 4 == 0 ? 250 + rng_next(&seed) % 10 : rng_next(&seed) % 80;
        if (rng_next(&seed) % 3 == 0) { w[n++] = '*'; w[n++] = '.'; }
        for (size_t i = 0; i < hlen && n < sizeof w; i++) {
            uint64_t r = rng_next(&seed);
            /* mostly letters, a dot now and then, rarely anything else */
            w[n++] = r % 13 == 0 ? '.' : r % 29 == 0 ? label_chars[(r >> 8) % (sizeof label_chars - 1)] : (char)('a' + (r >> 8) % 26);
        }
        if (rng_next(&seed) % 7 == 0 && n) n--;                 /* an edge off the end */
        bind_info fast, full;
        bind_word_errors errs;
        bool fast_ok = bind_info_read_common(a, w, n, &fast);
        bool full_ok = bind_info_parse_full(a, BIND_FORM_IP_PORT_HOST, w, n, &full, &errs);
        if (!fast_ok) continue;
        common++;
        if (!full_ok) fail_msg("the common reading accepts `%.*s`, the full one refuses it", (int)n, w);
        assert_true(bind_addr_equal(&fast.addr, &full.addr));
        assert_int_equal(fast.addr_off, full.addr_off);
        assert_int_equal(fast.addr_len, full.addr_len);
        assert_int_equal(fast.port, full.port);
        assert_int_equal(fast.port_off, full.port_off);
        assert_int_equal(fast.port_len, full.port_len);
        assert_string_equal(fast.host, full.host);
        assert_int_equal(fast.host_off, full.host_off);
        assert_int_equal(fast.host_len, full.host_len);
        assert_int_equal(fast.host_wildcard, full.host_wildcard);
        if (it % 1000 == 999) { bind_arena_free(a); a = bind_arena_new(); }
    }
    /* The walk reached the common shape often, and the fleet's words take it. */
    assert_true(common > 1000);
    static const char *const fleet[] = { "10.0.0.1:443:s1.g0.example", "*:80:", "*:8080:*.w30.example",
                                         "10.0.0.1:80:WWW.Cust4.Example", "0.0.0.0:80:x" };
    for (size_t i = 0; i < LEN(fleet); i++) {
        bind_info info;
        assert_true(bind_info_read_common(a, fleet[i], strlen(fleet[i]), &info));
    }
    bind_arena_free(a);
}

/* 1 MB words: no crash, no quadratic time, bounded error lists. */
static void test_addr_huge_words(void **state)
{
    (void)state;
    static const char *units[] = {"a", "1", ":", ".", "-.", "_", "a.", "\xc3\xbc", "\xff", "1.", "*.", "[", "]", "\0"};
    const size_t size = 1u << 20;
    bind_arena *a = bind_arena_new();
    clock_t start = clock();
    for (size_t u = 0; u < LEN(units); u++) {
        size_t ulen = units[u][0] ? strlen(units[u]) : 1;
        char *w = malloc(size);
        for (size_t i = 0; i < size; i++) w[i] = units[u][i % ulen];
        bind_word_errors errs;
        for (int form = 0; form < 3; form++) {
            bind_info info;
            bool ok = bind_info_parse(a, (enum bind_info_form)form, w, size, &info, &errs);
            check_invariants(w, size, &errs, ok);
        }
        const char *lower;
        bool wild;
        bool ok = bind_host_parse(a, w, size, &lower, &wild, &errs);
        check_invariants(w, size, &errs, ok);
        assert_false(ok);
        bind_addr addr;
        ok = bind_addr_parse(a, w, size, &addr, &errs);
        check_invariants(w, size, &errs, ok);
        assert_false(ok);
        (void)bind_host_to_ascii(a, w, size);
        /* A word like `*:80:<1 MB>` too. */
        memcpy(w, "*:80:", 5);
        bind_info info;
        ok = bind_info_parse(a, BIND_FORM_IP_PORT_HOST, w, size, &info, &errs);
        check_invariants(w, size, &errs, ok);
        free(w);
        bind_arena_free(a);
        a = bind_arena_new();
    }

    /* A label of 2^18 distinct code points: the encoder must not be quadratic. */
    size_t count = 1u << 18, n = 0;
    char *w = malloc(count * 4);
    for (size_t i = 0; i < count; i++) {
        uint32_t cp = 0x10000 + (uint32_t)((i * 7919) % count);
        w[n++] = (char)(0xf0 | cp >> 18);
        w[n++] = (char)(0x80 | (cp >> 12 & 0x3f));
        w[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
        w[n++] = (char)(0x80 | (cp & 0x3f));
    }
    const char *ascii = bind_host_to_ascii(a, w, n);
    assert_non_null(ascii);
    assert_true(strncmp(ascii, "xn--", 4) == 0);
    free(w);
    bind_arena_free(a);
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    /* Generous even under valgrind; the quadratic encoder takes minutes. */
    if (secs > 120) fail_msg("huge words took %.1f s", secs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_info_valid),
        cmocka_unit_test(test_addr_info_errors),
        cmocka_unit_test(test_addr_info_exact_messages),
        cmocka_unit_test(test_addr_info_partial),
        cmocka_unit_test(test_addr_info_error_limit),
        cmocka_unit_test(test_addr_port_host),
        cmocka_unit_test(test_addr_host_form),
        cmocka_unit_test(test_addr_host_valid),
        cmocka_unit_test(test_addr_host_errors),
        cmocka_unit_test(test_addr_host_lower_on_error),
        cmocka_unit_test(test_addr_punycode_rfc3492),
        cmocka_unit_test(test_addr_to_ascii),
        cmocka_unit_test(test_addr_canonical_ipv6),
        cmocka_unit_test(test_addr_format),
        cmocka_unit_test(test_addr_iplisten),
        cmocka_unit_test(test_addr_port_parse),
        cmocka_unit_test(test_addr_overlaps_contains),
        cmocka_unit_test(test_addr_fuzz),
        cmocka_unit_test(test_addr_common_reading_agrees),
        cmocka_unit_test(test_addr_huge_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
