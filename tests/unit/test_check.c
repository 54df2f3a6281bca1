/* The checker's model: normalisation, defaults, ids, certificates — what the
 * golden tests cannot see because they only show diagnostics. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend.h"
#include "harness.h"

static const bind_binding *binding(bind_compilation *c, uint32_t site, uint32_t i)
{
    assert_true(site < c->model->nsites);
    assert_true(i < c->model->sites[site]->nbindings);
    return c->model->sites[site]->bindings[i];
}

static void test_check_normalises_bindings(void **state)
{
    (void)state;
    bind_compilation *c = compile_text("site a {\n"
                                       "    HTTP [2001:DB8:0:0::1]:8080:Shop.Example\n"
                                       "    https 10.0.0.5:443:*.Shop.Example cert=\"3a:1b:9f:00:77:c2:4e:6d:0a:11:5b:2c:8d:3e:4f:50:61:72:83:94\" sni\n"
                                       "    net.tcp 808:*\n"
                                       "}\n");
    assert_string_equal(codes_of(c), "I0401");     /* shop.example without www.shop.example: a hint */
    const bind_binding *b = binding(c, 0, 0);
    assert_int_equal(b->protocol, BIND_PROTO_HTTP);
    assert_string_equal(bind_binding_text(c->arena, b), "http [2001:db8::1]:8080:shop.example");
    b = binding(c, 0, 1);
    assert_true(b->host_wildcard);
    assert_string_equal(b->host, "*.shop.example");
    assert_string_equal(b->thumbprint, "3A1B9F0077C24E6D0A115B2C8D3E4F5061728394");
    assert_int_equal(b->ssl_flags, BIND_SSL_SNI);
    b = binding(c, 0, 2);
    assert_int_equal(b->port, 808);
    assert_string_equal(b->host, "*");
    bind_compilation_free(c);
}

static void test_check_default_ids_and_defaults(void **state)
{
    (void)state;
    bind_compilation *c = compile_text("site a {\n    http *:80:a\n}\n"
                                       "site b {\n    id = 1\n    http *:80:b\n}\n"
                                       "site c {\n    http *:80:c\n}\n"
                                       "defaults {\n    pool = Shared\n    acl = 'X\\y'\n}\n");
    assert_string_equal(codes_of(c), "");
    /* Explicit ids are taken first; the others get the next free ones in order. */
    assert_int_equal(c->model->sites[0]->id, 2);
    assert_int_equal(c->model->sites[1]->id, 1);
    assert_int_equal(c->model->sites[2]->id, 3);
    /* Defaults apply wherever they are declared. */
    assert_string_equal(c->model->sites[0]->pool, "Shared");
    assert_string_equal(c->model->default_acl, "X\\y");
    bind_compilation_free(c);
}

static void test_check_certificates(void **state)
{
    (void)state;
    bind_compilation *c = compile_text("platform iis-express\n"
                                       "cert mine {\n    thumbprint = \"3a1b 9f00 77c2 4e6d 0a11 5b2c 8d3e 4f50 6172 8394\"\n"
                                       "    names = *.shop.example, shop.example\n    store = webhosting\n}\n"
                                       "site a {\n    https *:44300:localhost\n    https *:44301:www.shop.example cert=mine\n}\n");
    /* No W0301: www.shop.example is covered by *.shop.example.  It is not a
     * local host of IIS Express (W0404, and W0406 for the Everyone ACL), and
     * shop.example is not bound (I0401); localhost gets no www hint. */
    assert_string_equal(codes_of(c), "W0406 I0401 W0404");
    const bind_binding *dev = binding(c, 0, 0);
    assert_non_null(dev->cert);
    assert_string_equal(dev->cert->name, "iisexpress-dev");      /* the platform's default_cert */
    const bind_binding *mine = binding(c, 0, 1);
    assert_string_equal(mine->cert->thumbprint, "3A1B9F0077C24E6D0A115B2C8D3E4F5061728394");
    assert_string_equal(mine->cert->store, "WebHosting");
    assert_true(mine->cert->used);
    bind_compilation_free(c);
}

static void test_check_any_tier_overlap(void **state)
{
    (void)state;
    struct { const char *a, *b; int dup; } cases[] = {
        { "*", "0.0.0.0", 1 }, { "*", "[::]", 1 }, { "0.0.0.0", "[::]", 0 },
        { "10.0.0.1", "*", 0 }, { "10.0.0.1", "10.0.0.1", 1 }, { "[::1]", "[0:0::1]", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "site a {\n    http %s:80:h\n}\nsite b {\n    http %s:80:h\n}\n", cases[i].a, cases[i].b);
        bind_compilation *c = compile_text(text);
        if (count_code(c, BIND_E0201, 0, 0) != cases[i].dup)
            fail_msg("%s vs %s: E0201 %s, got [%s]", cases[i].a, cases[i].b, cases[i].dup ? "expected" : "not expected", codes_of(c));
        bind_compilation_free(c);
    }
}

static void test_check_platform_override(void **state)
{
    (void)state;
    bind_compilation *c = bind_compilation_new();
    c->platform_override = "iis7";
    const char *text = "site a {\n    https *:443:a cert=3a1b9f0077c24e6d0a115b2c8d3e4f5061728394 sni\n}\n";
    bind_compilation_add_text(c, "t.bind", text, strlen(text));
    bind_compilation_check(c);
    assert_string_equal(c->model->platform->name, "iis7");
    assert_int_equal(count_code(c, BIND_E0207, 2, 65), 1);      /* iis7 has no SNI */
    bind_compilation_free(c);
}

/* The command line's streaming compilation and the trees' (the language
 * server's) must say the same: every golden check case and example, its
 * diagnostics rendered byte for byte, and the same model. */
static char *render(bind_compilation *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    bind_render_opts ro = { .color = false, .werror = false };
    bind_diag_render_all(out, &c->sources, &c->diags, true, ro);
    fclose(out);
    return text;
}

static char *model_json(bind_compilation *c)
{
    bind_buf out;
    bind_buf_init(&out);
    bind_emit_opts opts = { 0 };
    (void)bind_backend_find("json")->emit(c, &opts, &out);
    char *text = strndup(out.data ? out.data : "", out.len);
    bind_buf_free(&out);
    return text;
}

static bind_compilation *compile_file(const char *path, bool streaming)
{
    bind_compilation *c = streaming ? bind_compilation_new_streaming() : bind_compilation_new();
    int err = 0;
    assert_true(bind_compilation_add_file(c, path, &err));
    bind_compilation_check(c);
    return c;
}

static void test_check_streaming_same_as_trees(void **state)
{
    (void)state;
    const char *dirs[] = { BINDC_SOURCE_DIR "/tests/golden/check", BINDC_SOURCE_DIR "/examples" };
    size_t files = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        DIR *dir = opendir(dirs[d]);
        assert_non_null(dir);
        for (struct dirent *e; (e = readdir(dir));) {
            size_t n = strlen(e->d_name);
            if (n < 6 || strcmp(e->d_name + n - 5, ".bind") != 0) continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dirs[d], e->d_name);
            bind_compilation *trees = compile_file(path, false), *stream = compile_file(path, true);
            char *a = render(trees), *b = render(stream);
            if (strcmp(a, b) != 0) fail_msg("%s: the streaming check says\n%s\nthe trees' check says\n%s", path, b, a);
            free(a);
            free(b);
            /* The model as the json target writes it (a model with errors too). */
            a = model_json(trees);
            b = model_json(stream);
            if (strcmp(a, b) != 0) fail_msg("%s: the streaming model differs from the trees'", path);
            free(a);
            free(b);
            bind_compilation_free(trees);
            bind_compilation_free(stream);
            files++;
        }
        closedir(dir);
    }
    assert_true(files > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_normalises_bindings),
        cmocka_unit_test(test_check_default_ids_and_defaults),
        cmocka_unit_test(test_check_certificates),
        cmocka_unit_test(test_check_any_tier_overlap),
        cmocka_unit_test(test_check_platform_override),
        cmocka_unit_test(test_check_streaming_same_as_trees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
