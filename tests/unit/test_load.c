/* Loading: the embedded stdlib, `use` resolution, cycles, read-once. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bindc-test-load-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_load_stdlib_checks_clean(void **state)
{
    (void)state;
    /* The prelude (and every stdlib file it uses) compiles with no diagnostic. */
    bind_compilation *c = compile_text("");
    assert_int_equal(c->diags.list.len, 0);
    assert_true(bind_stdlib_count() >= 5);
    for (size_t i = 0; i < bind_stdlib_count(); i++) {
        char text[128];
        snprintf(text, sizeof text, "use \"%s\"\n", bind_stdlib_at(i)->name);
        bind_compilation *u = compile_text(text);
        assert_string_equal(codes_of(u), "");
        bind_compilation_free(u);
    }
    const char *names[] = { "iis7", "iis8", "iis10", "iis-express" };
    for (int i = 0; i < 4; i++)
        assert_non_null(bind_model_find_platform(c->model, bind_intern_cstr(c->interner, names[i])));
    assert_non_null(bind_model_find_cert(c->model, bind_intern_cstr(c->interner, "iisexpress-dev")));
    assert_string_equal(c->model->platform->name, "iis10");   /* the default */
    bind_compilation_free(c);
}

static void test_load_stdlib_platform_fields(void **state)
{
    (void)state;
    bind_compilation *c = compile_text("platform iis-express\n");
    const bind_platform *p = c->model->platform;
    assert_string_equal(p->name, "iis-express");
    assert_true(p->has_free_ports && p->has_ssl_ports && p->has_local_hosts);
    assert_int_equal(p->ssl_ports[0].lo, 44300);
    assert_int_equal(p->ssl_ports[0].hi, 44399);
    assert_int_equal(p->free_ports[0].lo, 1024);
    assert_string_equal(p->local_hosts[0], "localhost");
    assert_string_equal(p->default_cert, "iisexpress-dev");
    bind_compilation_free(c);
    c = compile_text("platform iis7\n");
    assert_false(c->model->platform->sni);
    assert_false(c->model->platform->has_free_ports);
    bind_compilation_free(c);
}

static void test_load_unknown_stdlib_name(void **state)
{
    (void)state;
    bind_compilation *c = compile_text("use \"iis-exprss\"\n");
    assert_int_equal(count_code(c, BIND_E0004, 1, 5), 1);
    assert_non_null(c->diags.list.items[0]->fixits);
    assert_string_equal(c->diags.list.items[0]->fixits->replacement, "\"iis-express\"");
    bind_compilation_free(c);
}

static void test_load_relative_use_read_once(void **state)
{
    (void)state;
    write_file("common.bind", "cert shared { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n");
    write_file("a.bind", "use \"common.bind\"\nsite a { https *:443:alpha cert=shared }\n");
    const char *b = write_file("b.bind", "use \"a.bind\"\nuse \"./common.bind\"\nsite b { https 10.0.0.1:443:beta cert=shared }\n");
    bind_compilation *c = bind_compilation_new();
    int err = 0;
    assert_true(bind_compilation_add_file(c, b, &err));
    bind_compilation_check(c);
    assert_string_equal(codes_of(c), "");        /* `shared` declared once, though used twice */
    assert_int_equal(c->files.len, 1 + 4 + 3);    /* prelude + 4 platforms, then b, a, common */
    assert_int_equal(c->model->nsites, 2);
    assert_string_equal(c->model->sites[0]->name, "a");   /* a's statements come where b uses it */
    bind_compilation_free(c);
}

static void test_load_cycle(void **state)
{
    (void)state;
    write_file("x.bind", "use \"y.bind\"\n");
    write_file("y.bind", "use \"z.bind\"\n");
    const char *z = write_file("z.bind", "use \"x.bind\"\n");
    (void)z;
    char path[256];
    snprintf(path, sizeof path, "%s/x.bind", dir);
    bind_compilation *c = bind_compilation_new();
    int err = 0;
    assert_true(bind_compilation_add_file(c, path, &err));
    bind_compilation_check(c);
    assert_string_equal(codes_of(c), "E0005");
    assert_non_null(strstr(c->diags.list.items[0]->message, "x.bind -> "));
    bind_compilation_free(c);
}

static void test_load_missing_file(void **state)
{
    (void)state;
    const char *p = write_file("m.bind", "use \"nope.bind\"\n");
    bind_compilation *c = bind_compilation_new();
    int err = 0;
    assert_true(bind_compilation_add_file(c, p, &err));
    bind_compilation_check(c);
    assert_string_equal(codes_of(c), "E0004");
    assert_false(bind_compilation_add_file(c, "/nonexistent/x.bind", &err));
    assert_int_equal(err, ENOENT);
    bind_compilation_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_stdlib_checks_clean),
        cmocka_unit_test(test_load_stdlib_platform_fields),
        cmocka_unit_test(test_load_unknown_stdlib_name),
        cmocka_unit_test(test_load_relative_use_read_once),
        cmocka_unit_test(test_load_cycle),
        cmocka_unit_test(test_load_missing_file),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
