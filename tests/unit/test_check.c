/* The checker's model: normalisation, defaults, ids, certificates — what the
 * golden tests cannot see because they only show diagnostics. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "emit_target.h"
#include "syntax/parse.h"
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
    (void)emit_target(c, "json", NULL, NULL, 0, &out);
    char *text = strndup(out.data ? out.data : "", out.len);
    bind_buf_free(&out);
    return text;
}

static bind_compilation *compile_file(const char *path, bool streaming)
{
    bind_compilation *c = streaming ? bind_compilation_new_streaming() : bind_compilation_new();
    c->parse_split_at = UINT32_MAX;
    int err = 0;
    assert_true(bind_compilation_add_file(c, path, &err));
    bind_compilation_check(c);
    return c;
}

/* Calls fn on every golden check case and example; returns how many. */
static size_t each_case(void (*fn)(const char *path, void *ctx), void *ctx)
{
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
            fn(path, ctx);
            files++;
        }
        closedir(dir);
    }
    return files;
}

static void streaming_agrees(const char *path, void *ctx)
{
    (void)ctx;
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
}

static void test_check_streaming_same_as_trees(void **state)
{
    (void)state;
    assert_true(each_case(streaming_agrees, NULL) > 100);
}

/* Where the parse of the last file given was split (0: it was not). */
static uint32_t root_split(bind_compilation *c)
{
    return c->files.items[c->roots.items[c->roots.len - 1]].ast->split_at;
}

/* A streaming compilation whose parse is split at `at`, against one that
 * is not: same diagnostics byte for byte, same model.  Returns where the
 * root file's parse was split. */
static uint32_t split_agrees(const char *name, const char *text, size_t len, uint32_t at,
                             const char *want_diags, const char *want_model)
{
    bind_compilation *c = bind_compilation_new_streaming();
    c->parse_split_at = at;
    bind_compilation_add_text(c, name, text, len);
    bind_compilation_check(c);
    char *d = render(c), *m = model_json(c);
    if (strcmp(d, want_diags) != 0) fail_msg("%s split at byte %u says\n%s\nunsplit it says\n%s", name, at, d, want_diags);
    if (strcmp(m, want_model) != 0) fail_msg("%s split at byte %u: the model differs", name, at);
    uint32_t split = root_split(c);
    free(d);
    free(m);
    bind_compilation_free(c);
    return split;
}

static uint32_t split_everywhere(const char *name, const char *text, size_t len, const uint32_t *offsets, size_t n)
{
    bind_compilation *one = bind_compilation_new_streaming();
    one->parse_split_at = UINT32_MAX;
    bind_compilation_add_text(one, name, text, len);
    bind_compilation_check(one);
    assert_int_equal(root_split(one), 0);
    char *want_diags = render(one), *want_model = model_json(one);
    uint32_t effective = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t split = split_agrees(name, text, len, offsets[i], want_diags, want_model);
        if (!split) continue;
        /* Only where a statement ends: at the start of a line. */
        assert_int_equal(split, offsets[i]);
        assert_true(text[split - 1] == '\n');
        effective++;
    }
    free(want_diags);
    free(want_model);
    bind_compilation_free(one);
    return effective;
}

static void split_file_everywhere(const char *path, void *ctx)
{
    char *text;
    size_t len;
    assert_int_equal(bind_read_file(path, 1 << 20, &text, &len), 0);
    BIND_VEC(uint32_t) at = { 0 };
    for (size_t i = 1, line = 0; i < len; i++) {
        if (text[i - 1] == '\n') { bind_vec_push(&at, (uint32_t)i); line = i; }
        else if (i == line + 3) bind_vec_push(&at, (uint32_t)i);   /* inside the line */
    }
    *(size_t *)ctx += split_everywhere(path, text, len, at.items, at.len);
    bind_vec_free(&at);
    free(text);
}

/* Splitting a file's parse between two threads never changes what the
 * check says, wherever the split falls: every line start and a place
 * inside every line of every golden check case and example (the split only
 * takes where a clean statement ends). */
static void test_check_split_parse_same_as_one(void **state)
{
    (void)state;
    size_t effective = 0;
    assert_true(each_case(split_file_everywhere, &effective) > 100);
    assert_true(effective > 500);     /* 884 when this was written */
}

/* A fleet big enough to be split where bind_parse_split_point chooses,
 * with mistakes before and after that place: the second part's syntax and
 * lexical errors are replayed in order, its duplicates of the first part's
 * bindings found, and a syntax error in the first part calls the split off. */
static void test_check_split_parse_fleet(void **state)
{
    (void)state;
    enum { SITES = 12000 };
    for (int variant = 0; variant < 3; variant++) {
        BIND_VEC(char) t = { 0 };
        char line[512];
        for (int i = 0; i < SITES; i++) {
            int n = snprintf(line, sizeof line,
                             "site s%d {\n    http 10.0.%d.%d:80:s%d.example\n    https *:443:s%d.example cert=c sni\n%s%s}\n"
                             "cert c%d {\n    thumbprint = \"%040d\"\n    names = s%d.example\n}\n",
                             i, i / 250, i % 250, i, i,
                             variant == 1 && i == SITES * 3 / 4 ? "    http 10.0.0.1:80:s0.example\n    https *:443 \"\xc2\xa0\n" : "",
                             variant == 2 && i == SITES / 4 ? "    http *:80:x = y\n" : "",
                             i, i + 1, i);
            for (int k = 0; k < n; k++) bind_vec_push(&t, line[k]);
        }
        const char *cert = "cert c {\n    thumbprint = \"3A1B9F0077C24E6D0A115B2C8D3E4F5061728394\"\n    names = *.example\n}\n";
        for (const char *k = cert; *k; k++) bind_vec_push(&t, *k);
        bind_source probe = { .text = t.items, .len = t.len };
        uint32_t at = bind_parse_split_point(&probe);
        assert_true(at > t.len / 3 && at < t.len * 2 / 3);
        uint32_t effective = split_everywhere("fleet.bind", t.items, t.len, &at, 1);
        assert_int_equal(effective, variant == 2 ? 0 : 1);
        bind_vec_free(&t);
    }
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
        cmocka_unit_test(test_check_split_parse_same_as_one),
        cmocka_unit_test(test_check_split_parse_fleet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
