/* The formatter: the canonical layout, case by case (the properties over the
 * whole corpus are in test_fmt_properties.c). */
#include "harness.h"
#include "base/buf.h"
#include "syntax/format.h"
#include "syntax/parse.h"

typedef struct formatted {
    bind_arena *a;
    bind_sources s;
    bind_diag_bag d;
    bind_buf out;
    bool ok;
} formatted;

static void format(formatted *f, const char *text, size_t len)
{
    f->a = bind_arena_new();
    bind_sources_init(&f->s, f->a);
    bind_diag_bag_init(&f->d, f->a);
    bind_buf_init(&f->out);
    bind_source *src = bind_sources_add(&f->s, "t.bind", NULL, text, len, false);
    f->ok = bind_fmt_source(src, f->a, &f->out, &f->d);
}

static void done(formatted *f)
{
    bind_buf_free(&f->out);
    bind_diag_bag_fini(&f->d);
    bind_sources_fini(&f->s);
    bind_arena_free(f->a);
}

/* Formats `in`, expects `want`, and expects `want` to be a fixed point. */
static void check_fmt(const char *in, const char *want)
{
    formatted f;
    format(&f, in, strlen(in));
    assert_true(f.ok);
    assert_int_equal(f.d.list.len, 0);
    bind_buf_putc(&f.out, '\0');
    assert_string_equal(f.out.data, want);
    formatted g;
    format(&g, want, strlen(want));
    assert_true(g.ok);
    bind_buf_putc(&g.out, '\0');
    assert_string_equal(g.out.data, want);
    done(&g);
    done(&f);
}

static void test_fmt_language_example(void **state)
{
    (void)state;
    /* grammar/README.md §1, written carelessly. */
    check_fmt("# shop.bind\nplatform iis10\n"
              "defaults {\n  acl='CONTOSO\\webdeploy'   # urlacl user (netsh user=)\n  store = My # certificate store for thumbprints\n}\n"
              "cert shop {\n\tthumbprint = \"3a1b 9f00 77c2 4e6d 0a11 5b2c 8d3e 4f50 6172 8394\"\n\tnames = shop.example, www.shop.example\n}\n"
              "site \"Shop\" {\n id = 2\n path = \"C:\\\\inetpub\\\\shop\"\n pool = Shop\n"
              " http *:80:shop.example\n http *:80:www.shop.example\n"
              " https *:443:shop.example cert=shop sni\n https   *:443:www.shop.example   cert=shop   sni\n}\n"
              "site Fallback { path = 'C:\\inetpub\\default'\n http *:80: }\n",
              "# shop.bind\nplatform iis10\n\n"
              "defaults {\n    acl   = 'CONTOSO\\webdeploy'  # urlacl user (netsh user=)\n    store = My                   # certificate store for thumbprints\n}\n\n"
              "cert shop {\n    thumbprint = \"3a1b 9f00 77c2 4e6d 0a11 5b2c 8d3e 4f50 6172 8394\"\n    names      = shop.example, www.shop.example\n}\n\n"
              "site \"Shop\" {\n    id   = 2\n    path = 'C:\\inetpub\\shop'\n    pool = Shop\n"
              "    http  *:80:shop.example\n    http  *:80:www.shop.example\n"
              "    https *:443:shop.example      cert=shop sni\n    https *:443:www.shop.example  cert=shop sni\n}\n\n"
              "site Fallback {\n    path = 'C:\\inetpub\\default'\n    http *:80:\n}\n");
}

static void test_fmt_binding_information(void **state)
{
    (void)state;
    /* Lower-case hosts and protocols, RFC 5952; `0.0.0.0` and `[::]` kept
     * (they are not `*`); words the checker rejects are left as written. */
    check_fmt("site a {\n"
              "HTTP *:80:Shop.EXAMPLE\n"
              "http 0.0.0.0:81:\n"
              "http [0:0:0:0:0:0:0:0]:82:\n"
              "https [2001:DB8:0:0:1:0:0:1]:443:*.Shop.Example cert=c\n"
              "NET.TCP 808:Intranet\n"
              "net.pipe *\n"
              "http *:080:Bad.Example\n"
              "http ::1:80:Unbracketed\n"
              "htps *:80:Typo.Example\n"
              "}\n",
              "site a {\n"
              "    http     *:80:shop.example\n"
              "    http     0.0.0.0:81:\n"
              "    http     [::]:82:\n"
              "    https    [2001:db8::1:0:0:1]:443:*.shop.example  cert=c\n"
              "    net.tcp  808:intranet\n"
              "    net.pipe *\n"
              "    http     *:080:Bad.Example\n"
              "    http     ::1:80:Unbracketed\n"
              "    htps     *:80:Typo.Example\n"
              "}\n");
    check_fmt("iplisten 0:0::1, [2001:DB8::0:1], 10.0.0.1\n", "iplisten ::1, [2001:db8::1], 10.0.0.1\n");
}

static void test_fmt_options(void **state)
{
    (void)state;
    /* Options after the widest binding information that has options; the
     * information of a binding without options is not padded. */
    check_fmt("site a {\n  http *:80:a-long-host-name.example\n  https *:443:a.example cert = c  sni  http2=off\n"
              "  https *:443:bb.example acl=a,b\n}\n",
              "site a {\n    http  *:80:a-long-host-name.example\n    https *:443:a.example   cert=c sni http2=off\n"
              "    https *:443:bb.example  acl=a,b\n}\n");
}

static void test_fmt_strings(void **state)
{
    (void)state;
    /* The kind that needs no escapes: "..." for plain text, '...' for text
     * with backslashes or `"` (and no `'`), else "..." with escapes; words
     * stay words. */
    check_fmt("site 'Plain' {\n"
              "path = \"C:\\\\x\"\n"
              "root = \"it's\"\n"
              "pool = \"don\\\"t\"\n"
              "proxy = \"a\\\\'b\"\n"
              "server = \"tab\\there\"\n"
              "}\n",
              "site \"Plain\" {\n"
              "    path   = 'C:\\x'\n"
              "    root   = \"it's\"\n"
              "    pool   = 'don\"t'\n"
              "    proxy  = \"a\\\\'b\"\n"
              "    server = \"tab\\there\"\n"
              "}\n");
    check_fmt("site a { path = word\\with\\backslashes }\n", "site a {\n    path = word\\with\\backslashes\n}\n");
    check_fmt("site \"Caf\\u{E9}\" {}\n", "site \"Caf\xc3\xa9\" {}\n");
}

static void test_fmt_hidden_characters(void **state)
{
    (void)state;
    /* Invisible characters stay as they are (the checker offers the fix-it
     * that deletes them); control characters become escapes. */
    check_fmt("cert c {\n    thumbprint = \"\xe2\x80\x8e" "3a1b\xc2\xa0\"\n    pem = '\\x\xe2\x80\x8b\tz'\n}\n",
              "cert c {\n    thumbprint = \"\xe2\x80\x8e" "3a1b\xc2\xa0\"\n    pem        = \"\\\\x\xe2\x80\x8b\\tz\"\n}\n");
}

static void test_fmt_blank_lines(void **state)
{
    (void)state;
    /* One blank line between blocks; runs inside blocks become one; none
     * after `{`, before `}`, at the start or the end of the file. */
    check_fmt("\n\nplatform iis10\nuse \"x.bind\"\n\n\n\nuse \"y.bind\"\ndefaults {\n\n\n  acl = a\n\n\n\n  store = My\n\n}\n"
              "site a {}\nsite b {}\n\n\n",
              "platform iis10\nuse \"x.bind\"\n\nuse \"y.bind\"\n\ndefaults {\n    acl   = a\n\n    store = My\n}\n\n"
              "site a {}\n\nsite b {}\n");
}

static void test_fmt_comments_own_line(void **state)
{
    (void)state;
    /* A comment right above a block stays with it; the blank line goes
     * above the comment.  Comments before `}` stay inside the block. */
    check_fmt("# file header\nplatform iis10\n# the shop\n# (two lines)\nsite a {\n# first\n    http *:80:a\n\n\n"
              "    # last\n}\n# after a\n\n# about b\nsite b {\n  # only a comment\n}\n# the end\n",
              "# file header\nplatform iis10\n\n# the shop\n# (two lines)\nsite a {\n    # first\n    http *:80:a\n\n"
              "    # last\n}\n\n# after a\n\n# about b\nsite b {\n    # only a comment\n}\n\n# the end\n");
}

static void test_fmt_comments_end_of_line(void **state)
{
    (void)state;
    /* After `{`, after items, after `}`, inside lists; aligned within runs
     * of consecutive lines of one block. */
    check_fmt("site a { # opens\n  id = 1 # one\n  pool = p    # two\n  path = 'C:\\x'\n  http *:80:a # three\n} # closes\n"
              "cert c { names = a.example,   # first name\n\n   # own line inside a list\n      b.example # second\n}\n"
              "defaults { acl = x } # after a one-line block\n",
              "site a {  # opens\n    id   = 1  # one\n    pool = p  # two\n    path = 'C:\\x'\n    http *:80:a  # three\n}  # closes\n\n"
              "cert c {\n    names = a.example,  # first name\n            # own line inside a list\n            b.example  # second\n}\n\n"
              "defaults {\n    acl = x\n}  # after a one-line block\n");
}

static void test_fmt_comments_around_nested_blocks(void **state)
{
    (void)state;
    /* A list in a binding option continues under its first value; the
     * lines that open and close a block align their comments with no other. */
    check_fmt("site a {\n  https *:443:a.example cert=c acl=x,  # first\n     y   # second\n"
              "  app \"/x\" { # open\n path = p } # close app\n  http *:80:b  # after\n}\n",
              "site a {\n    https *:443:a.example  cert=c acl=x,  # first\n                                      y   # second\n"
              "    app \"/x\" {  # open\n        path = p\n    }  # close app\n    http  *:80:b  # after\n}\n");
}

static void test_fmt_apps_and_platforms(void **state)
{
    (void)state;
    check_fmt("platform mine { sni = on\n free_ports = 1024..65535 }\nsite a {\n  path = 'C:\\a'\n"
              "  app \"/x\" { path = 'C:\\x'\n    pool = X }\n  app '/y' {}\n}\n",
              "platform mine {\n    sni        = on\n    free_ports = 1024..65535\n}\n\nsite a {\n    path = 'C:\\a'\n"
              "    app \"/x\" {\n        path = 'C:\\x'\n        pool = X\n    }\n    app \"/y\" {}\n}\n");
}

static void test_fmt_line_ends_and_bom(void **state)
{
    (void)state;
    /* The file's own line ends (from its first line) and its BOM stay. */
    check_fmt("\xef\xbb\xbfsite a {\r\n\thttp *:80:a # c \r\n}\r\n", "\xef\xbb\xbfsite a {\r\n    http *:80:a  # c\r\n}\r\n");
    check_fmt("", "");
    check_fmt("\n\n   \n", "");
    check_fmt("# only\n\n\n# comments   \n", "# only\n\n# comments\n");
    check_fmt("platform iis10", "platform iis10\n");
}

static void test_fmt_keywords_and_words(void **state)
{
    (void)state;
    /* Keywords as values and options stay words; a site named like a
     * keyword stays a string. */
    check_fmt("site \"app\" { pool = site\n https *:443:a.example cert=cert }\n",
              "site \"app\" {\n    pool = site\n    https *:443:a.example  cert=cert\n}\n");
}

static void test_fmt_refuses_syntax_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "site a {\n    http *:80:a\n",                 /* E0001: no `}` */
        "site a { path = \"C:\\q\" }\n",                 /* E0002: bad escape */
        "site a {\n    http\xc2\xa0*:80:a\n}\n",         /* E0003: no-break space */
    };
    static const enum bind_code codes[] = { BIND_E0001, BIND_E0002, BIND_E0003 };
    for (size_t i = 0; i < 3; i++) {
        formatted f;
        format(&f, bad[i], strlen(bad[i]));
        assert_false(f.ok);
        assert_int_equal(f.out.len, 0);                  /* nothing was appended */
        assert_true(f.d.list.len >= 1);
        assert_int_equal(f.d.list.items[0]->code, codes[i]);
        done(&f);
    }
}

static void test_fmt_ast_entry_point(void **state)
{
    (void)state;
    /* The language server formats a tree it already has: same bytes. */
    const char *text = "site a {\nhttp *:80:A\n}\n";
    bind_arena *a = bind_arena_new();
    bind_sources s;
    bind_sources_init(&s, a);
    bind_interner *in = bind_interner_new(a);
    bind_diag_bag d;
    bind_diag_bag_init(&d, a);
    bind_source *src = bind_sources_add(&s, "t.bind", NULL, text, strlen(text), false);
    bind_ast_file *f = bind_parse_file(src, a, in, &d);
    bind_buf out;
    bind_buf_init(&out);
    assert_true(bind_fmt_ast(f, a, &out));
    bind_buf_putc(&out, '\0');
    assert_string_equal(out.data, "site a {\n    http *:80:a\n}\n");
    bind_buf_free(&out);
    bind_diag_bag_fini(&d);
    bind_interner_free(in);
    bind_sources_fini(&s);
    bind_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_language_example),
        cmocka_unit_test(test_fmt_binding_information),
        cmocka_unit_test(test_fmt_options),
        cmocka_unit_test(test_fmt_strings),
        cmocka_unit_test(test_fmt_hidden_characters),
        cmocka_unit_test(test_fmt_blank_lines),
        cmocka_unit_test(test_fmt_comments_own_line),
        cmocka_unit_test(test_fmt_comments_end_of_line),
        cmocka_unit_test(test_fmt_comments_around_nested_blocks),
        cmocka_unit_test(test_fmt_apps_and_platforms),
        cmocka_unit_test(test_fmt_line_ends_and_bom),
        cmocka_unit_test(test_fmt_keywords_and_words),
        cmocka_unit_test(test_fmt_refuses_syntax_errors),
        cmocka_unit_test(test_fmt_ast_entry_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
