/* The parser: the tree it builds and how it recovers from errors. */
#include "harness.h"
#include "syntax/parse.h"

typedef struct parsed { bind_arena *a; bind_sources s; bind_interner *in; bind_diag_bag d; bind_ast_file *f; } parsed;

static void parse(parsed *p, const char *text)
{
    p->a = bind_arena_new();
    bind_sources_init(&p->s, p->a);
    p->in = bind_interner_new(p->a);
    bind_diag_bag_init(&p->d, p->a);
    bind_source *src = bind_sources_add(&p->s, "t.bind", NULL, text, strlen(text), false);
    p->f = bind_parse_file(src, p->a, p->in, &p->d);
}

static void done(parsed *p)
{
    bind_diag_bag_fini(&p->d);
    bind_sources_fini(&p->s);
    bind_interner_free(p->in);
    bind_arena_free(p->a);
}

static void test_parser_statements(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "use \"iis-express\"\nplatform iis10\nplatform mine { sni = on }\n"
              "defaults {\n  acl = 'X\\y'\n}\ncert c { names = a.example,\n   b.example }\n"
              "site \"S\" {\n  id = 2\n  https *:443:a.example cert=c sni\n  app \"/x\" { path = 'C:\\x' }\n}\n"
              "iplisten ::, 10.0.0.1\n");
    assert_int_equal(p.d.list.len, 0);
    assert_false(p.f->syntax_errors);
    assert_int_equal(p.f->nstmts, 7);
    int kinds[] = { BIND_STMT_USE, BIND_STMT_PLATFORM_SELECT, BIND_STMT_PLATFORM_DEF, BIND_STMT_DEFAULTS,
                    BIND_STMT_CERT, BIND_STMT_SITE, BIND_STMT_IPLISTEN };
    for (int i = 0; i < 7; i++) assert_int_equal(p.f->stmts[i].kind, kinds[i]);
    assert_string_equal(p.f->stmts[0].name.text, "iis-express");
    const bind_stmt *cert = &p.f->stmts[4];
    assert_int_equal(cert->nitems, 1);
    assert_int_equal(cert->items[0].u.field.value.len, 2);   /* the list went on after `,` NL */
    const bind_stmt *site = &p.f->stmts[5];
    assert_int_equal(site->nitems, 3);
    assert_int_equal(site->items[0].kind, BIND_ITEM_FIELD);
    assert_int_equal(site->items[1].kind, BIND_ITEM_BINDING);
    assert_int_equal(site->items[2].kind, BIND_ITEM_APP);
    const bind_ast_binding *b = &site->items[1].u.binding;
    assert_string_equal(b->protocol.text, "https");
    assert_string_equal(b->info.text, "*:443:a.example");
    assert_int_equal(b->noptions, 2);
    assert_string_equal(b->options[0].name.text, "cert");   /* a keyword is fine as an option name */
    assert_true(b->options[0].has_value);
    assert_string_equal(b->options[0].value.items[0].text, "c");
    assert_false(b->options[1].has_value);
    assert_int_equal(p.f->stmts[6].list.len, 2);
    done(&p);
}

static void test_parser_spans(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "site a {\n    http  *:80:x\n}\n");
    const bind_ast_binding *b = &p.f->stmts[0].items[0].u.binding;
    assert_int_equal(b->info.span.start, 19);
    assert_int_equal(b->info.span.end, 25);
    assert_int_equal(b->span.start, 13);
    assert_int_equal(p.f->stmts[0].span.start, 0);
    done(&p);
}

static void test_parser_recovers_at_statement_boundaries(void **state)
{
    (void)state;
    parsed p;
    /* Six unrelated mistakes, six diagnostics; the good statements survive. */
    parse(&p, "site a {\n    = x\n    http *:80:a\n}\n"
              "cert { }\n"
              "site b { http *:80:b = }\n"
              "defaults defaults\n"
              "site c {\n    pool = a b\n    http *:80:c\n}\n"
              "} \n"
              "site d { http *:80:d }\n");
    assert_int_equal(p.d.list.len, 6);
    for (size_t i = 0; i < p.d.list.len; i++) assert_int_equal(p.d.list.items[i]->code, BIND_E0001);
    assert_true(p.f->syntax_errors);
    int sites = 0;
    for (uint32_t i = 0; i < p.f->nstmts; i++) sites += p.f->stmts[i].kind == BIND_STMT_SITE;
    assert_int_equal(sites, 4);   /* a, b (closed by its `}`), c, d */
    done(&p);
}

static void test_parser_expected_tokens_named(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "site a {\n    http\n}\n");
    assert_int_equal(p.d.list.len, 1);
    assert_non_null(strstr(p.d.list.items[0]->message, "unexpected newline, expected"));
    assert_non_null(strstr(p.d.list.items[0]->message, "`=`"));
    done(&p);
    parse(&p, "= 1\n");
    assert_non_null(strstr(p.d.list.items[0]->message, "expected a statement"));
    done(&p);
}

static void test_parser_one_line_blocks(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "site a { http *:80: }\nplatform p { }\ncert c { pem = x }");
    assert_int_equal(p.d.list.len, 0);
    assert_int_equal(p.f->nstmts, 3);
    assert_int_equal(p.f->stmts[0].nitems, 1);
    assert_int_equal(p.f->stmts[1].nitems, 0);
    done(&p);
}

static void test_parser_unclosed_block_at_eof(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "site a {\n    http *:80:\n");
    assert_int_equal(p.d.list.len, 1);
    assert_non_null(strstr(p.d.list.items[0]->message, "end of file"));
    done(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parser_statements),
        cmocka_unit_test(test_parser_spans),
        cmocka_unit_test(test_parser_recovers_at_statement_boundaries),
        cmocka_unit_test(test_parser_expected_tokens_named),
        cmocka_unit_test(test_parser_one_line_blocks),
        cmocka_unit_test(test_parser_unclosed_block_at_eof),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
