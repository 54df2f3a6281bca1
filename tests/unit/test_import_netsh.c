/* The netsh and appcmd importers (compiler/import/netsh_show.c, appcmd.c)
 * and how their records are tied to bindings (attach.c).
 *
 * The captures are tests/golden/import/inputs/: a Windows Server 2019
 * applicationhost.config with `netsh http show sslcert`, `urlacl` and
 * `iplisten` as English Windows prints them, the same in German (code
 * page 850, as cmd.exe redirects them), and sslcert's json=enable form.
 * Every thumbprint must end up on the bindings HTTP.sys serves it on, in
 * every language and form; then the captures are altered (lines moved,
 * labels added, cut) to show they are read by label and value. */
#include "import_helpers.h"
#include "iis_helpers.h"

#define INPUTS BINDC_SOURCE_DIR "/tests/golden/import/inputs/"
#define LEN(a) (sizeof(a) / sizeof *(a))

/* Which certificate each https binding of the test server uses. */
static const struct { const char *site, *binding, *thumbprint, *store; } expected[] = {
    { "Shop", "https *:443:shop.example", "3A1B9F0077C24E6D0A115B2C8D3E4F5061728394", "WebHosting" },
    { "Shop", "https *:443:www.shop.example", "3A1B9F0077C24E6D0A115B2C8D3E4F5061728394", "WebHosting" },
    { "Blog", "https 10.0.0.5:443:", "9F0077C24E6D0A115B2C8D3E4F50617283943A1B", "My" },
    { "Blog", "https [2001:db8::5]:443:", "5B2C8D3E4F50617283943A1B9F0077C24E6D0A11", "My" },
    { "Legacy", "https *:443:legacy.example", "77C24E6D0A115B2C8D3E4F50617283943A1B9F00", "My" },
    { "Tenants", "https *:443:tenants.example", NULL, NULL },      /* the central certificate store */
};

static char *input(const char *name, size_t *len)
{
    char path[600];
    snprintf(path, sizeof path, INPUTS "%s", name);
    return slurp(path, len);
}

static import_result import_files(const char *const *names, size_t n, char **replace, size_t *replace_len)
{
    import_input in[8];
    char *texts[8];
    for (size_t i = 0; i < n; i++) {
        size_t len;
        texts[i] = input(names[i], &len);
        in[i] = (import_input){ names[i], texts[i], len };
        if (replace && replace[i]) in[i] = (import_input){ names[i], replace[i], replace_len[i] };
    }
    import_result r = import_inputs(in, n, NULL, false);
    for (size_t i = 0; i < n; i++) free(texts[i]);
    return r;
}

/* Every https binding has the certificate HTTP.sys serves it. */
static void assert_attached(const char *bind)
{
    bind_compilation *c = compile_text(bind);
    assert_false(bind_diag_has_errors(&c->diags, false));
    bind_arena *a = bind_arena_new();
    size_t seen = 0;
    for (uint32_t s = 0; s < c->model->nsites; s++) {
        const bind_site *site = c->model->sites[s];
        for (uint32_t i = 0; i < site->nbindings; i++) {
            const bind_binding *b = site->bindings[i];
            if (b->protocol != BIND_PROTO_HTTPS) continue;
            const char *text = bind_binding_text(a, b);
            bool found = false;
            for (size_t k = 0; k < LEN(expected); k++) {
                if (strcmp(expected[k].site, site->name) != 0 || strcmp(expected[k].binding, text) != 0) continue;
                found = true;
                if (!expected[k].thumbprint) { assert_true(b->ccs); assert_null(b->cert); continue; }
                if (!b->cert || !b->cert->thumbprint || strcmp(b->cert->thumbprint, expected[k].thumbprint) != 0) {
                    print_message("%s %s: %s\n", site->name, text, b->cert && b->cert->thumbprint ? b->cert->thumbprint : "(none)");
                    fail();
                }
                const char *store = b->cert->store ? b->cert->store : "My";
                assert_string_equal(store, expected[k].store);
            }
            if (!found) { print_message("unexpected %s %s\n", site->name, text); fail(); }
            seen++;
        }
    }
    assert_int_equal(seen, LEN(expected));
    bind_arena_free(a);
    bind_compilation_free(c);
}

/* The .bind without its header and `# from` lines: what must not depend
 * on the language or form of the captures. */
static char *body(const char *bind)
{
    bind_buf b;
    bind_buf_init(&b);
    for (const char *p = bind; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
        if (!(n > 1 && p[0] == '#')) bind_buf_put(&b, p, n);
        p += n;
    }
    bind_buf_putc(&b, '\0');
    return b.data;
}

static void test_import_netsh_english(void **state)
{
    (void)state;
    static const char *const files[] = { "applicationHost.config", "sslcert-en.txt", "urlacl-en.txt", "iplisten-en.txt" };
    import_result r = import_files(files, LEN(files), NULL, NULL);
    if (r.failed) { print_message("%s", r.diags); fail(); }
    assert_formatted(r.bind);
    assert_attached(r.bind);
    /* URL reservations as acl= on the bindings they are for; the system's own are said. */
    assert_true(has_line(r.bind, "    http  *:80:shop.example       acl='CONTOSO\\webdeploy'"));
    assert_true(has_line(r.bind, "    http  10.0.0.5:80:        acl=Everyone"));
    assert_non_null(strstr(r.diags, "W0601 urlacl-en.txt:5:31 URL reservation http://+:80/Temporary_Listen_Addresses/ left out"));
    /* The listen list, and a record no binding uses (WinRM's), declared with its appid. */
    assert_true(has_line(r.bind, "iplisten 10.0.0.5, 2001:db8::5, ::"));
    assert_true(has_line(r.bind, "    appid      = \"{afebb9ad-9b97-4a91-9ab5-daf4d59122f6}\""));
    assert_true(has_line(r.bind, "# HTTP.sys serves it on 0.0.0.0:5986, which no imported binding uses."));
    /* HTTP.sys's TLS switch agrees with the binding's sslFlags. */
    assert_null(strstr(r.diags, "differ from"));
    import_result_free(&r);
}

/* German captures in code page 850, the JSON form: the same .bind. */
static void test_import_netsh_german_and_json(void **state)
{
    (void)state;
    static const char *const en[] = { "applicationHost.config", "sslcert-en.txt", "urlacl-en.txt", "iplisten-en.txt" };
    static const char *const de[] = { "applicationHost.config", "sslcert-de.txt", "urlacl-de.txt", "iplisten-de.txt" };
    static const char *const js[] = { "applicationHost.config", "sslcert-json.txt", "urlacl-en.txt", "iplisten-en.txt" };
    import_result a = import_files(en, 4, NULL, NULL), b = import_files(de, 4, NULL, NULL), c = import_files(js, 4, NULL, NULL);
    if (b.failed || c.failed) { print_message("%s%s", b.diags, c.diags); fail(); }
    size_t len;
    char *raw = input("sslcert-de.txt", &len);
    assert_non_null(memchr(raw, 0x81, len));          /* ü in code page 850: not UTF-8 */
    free(raw);
    char *x = body(a.bind), *y = body(b.bind), *z = body(c.bind);
    assert_string_equal(x, y);
    assert_string_equal(x, z);
    assert_attached(b.bind);
    assert_attached(c.bind);
    free(x);
    free(y);
    free(z);
    import_result_free(&a);
    import_result_free(&b);
    import_result_free(&c);
}

/* By label, never by place: lines of a record in another order, labels
 * netsh has never printed, fewer fields (Windows Server 2008's) -- the
 * same certificates. */
static void test_import_netsh_by_label(void **state)
{
    (void)state;
    size_t len;
    char *text = input("sslcert-en.txt", &len);
    bind_buf b;
    bind_buf_init(&b);
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
        /* Store before hash before application ID, a new label, no TLS switches. */
        if (strncmp(p, "    Certificate Hash", 20) == 0) {
            const char *app = p + n;
            size_t an = (size_t)(strchr(app, '\n') + 1 - app);
            const char *store = app + an;
            size_t sn = (size_t)(strchr(store, '\n') + 1 - store);
            bind_buf_put(&b, store, sn);
            bind_buf_put(&b, p, n);
            bind_buf_puts(&b, "    Some Future Setting          : Enabled\r\n");
            bind_buf_put(&b, app, an);
            p = store + sn;
            continue;
        }
        if (strncmp(p, "    Disable", 11) == 0 || strncmp(p, "    Enable", 10) == 0 || strncmp(p, "    Log Ext", 11) == 0) { p += n; continue; }
        bind_buf_put(&b, p, n);
        p += n;
    }
    static const char *const files[] = { "applicationHost.config", "sslcert-en.txt" };
    char *rep[2] = { NULL, b.data };
    size_t rl[2] = { 0, b.len };
    import_result r = import_files(files, 2, rep, rl);
    if (r.failed) { print_message("%s", r.diags); fail(); }
    assert_attached(r.bind);
    /* Without its "Disable TLS1.3" line HTTP.sys's record disagrees with
     * the binding's sslFlags 33: said, and the binding's kept. */
    assert_non_null(strstr(r.diags, "W0602 applicationHost.config:45:"));
    assert_true(has_line(r.bind, "    https *:443:shop.example      cert=shop.example-443 sni tls13=off"));
    import_result_free(&r);
    bind_buf_free(&b);
    free(text);
}

/* A capture cut in the middle: the line, the code, nothing written. */
static void test_import_netsh_cut(void **state)
{
    (void)state;
    size_t len;
    char *text = input("sslcert-en.txt", &len);
    /* Cut after each of the first record's lines in turn, and in the
     * middle of each: every cut that loses a required line is refused, at
     * a line of the capture. */
    const char *second = strstr(text, "www.shop.example:443");
    size_t refused = 0, cuts = 0;
    for (size_t at = (size_t)(strstr(text, "shop.example:443") - text); at < (size_t)(second - text); at += 7) {
        char *cut = strndup(text, at);
        import_input in = { "cut.txt", cut, at };
        import_result r = import_inputs(&in, 1, NULL, false);
        cuts++;
        if (r.failed) {
            refused++;
            assert_non_null(strstr(r.diags, "E0602 cut.txt:"));
            assert_null(r.bind);
        }
        import_result_free(&r);
        free(cut);
    }
    /* Only the first record: cut before its application ID it is refused;
     * after it, nothing is missing that the language says. */
    assert_true(refused > cuts / 20);
    /* The second record, cut to fewer lines than the first: refused. */
    char *cut = strndup(text, (size_t)(strstr(second, "Revocation Freshness") - text));
    import_result r = import_one("cut.txt", cut, NULL);
    assert_true(r.failed);
    assert_non_null(strstr(r.diags, "the capture stops in the record of www.shop.example:443"));
    import_result_free(&r);
    free(cut);
    free(text);
    /* urlacl without its SDDL line, iplisten with half an address. */
    r = import_one("u.txt", "URL Reservations:\n-----------------\n\n    Reserved URL            : http://+:80/\n        User: \\Everyone\n", NULL);
    assert_true(r.failed);
    assert_non_null(strstr(r.diags, "E0602 u.txt:5:9 the capture stops in the reservation of http://+:80/"));
    import_result_free(&r);
    r = import_one("i.txt", "IP addresses present in the IP listen list:\n-------------------------------------------\n\n    10.0.\n", NULL);
    assert_true(r.failed);
    assert_non_null(strstr(r.diags, "E0602 i.txt:4:5"));
    import_result_free(&r);
}

/* appcmd: sites and bindings; sni from HTTP.sys's records. */
static void test_import_appcmd(void **state)
{
    (void)state;
    static const char *const files[] = { "appcmd-sites.txt", "sslcert-en.txt" };
    import_result r = import_files(files, 2, NULL, NULL);
    if (r.failed) { print_message("%s", r.diags); fail(); }
    assert_formatted(r.bind);
    assert_true(has_line(r.bind, "site \"Default Web Site\" {"));
    assert_true(has_line(r.bind, "    https *:443:shop.example      cert=shop.example-443 sni tls13=off"));
    assert_true(has_line(r.bind, "    net.tcp 808:*"));
    /* The /xml form reads alike. */
    import_result x = import_one("sites.xml",
                                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<appcmd>\n"
                                 "    <SITE SITE.NAME=\"Default Web Site\" SITE.ID=\"1\" bindings=\"http/*:80:,net.tcp/808:*\" state=\"Started\" />\n"
                                 "    <SITE SITE.NAME=\"Shop\" SITE.ID=\"2\" bindings=\"HTTP/*:80:shop.example\" state=\"Stopped\" />\n"
                                 "</appcmd>\n", NULL);
    assert_false(x.failed);
    assert_true(has_line(x.bind, "site Shop {"));
    assert_true(has_line(x.bind, "    http *:80:shop.example"));
    assert_true(has_line(x.bind, "# from sites.xml:4"));
    import_result_free(&x);
    /* A line cut before its parenthesis closes. */
    x = import_one("a.txt", "SITE \"A\" (id:1,bindings:http/*:80:,state:Started)\nSITE \"B\" (id:2,bindings:http/*:8", NULL);
    assert_true(x.failed);
    assert_non_null(strstr(x.diags, "E0602 a.txt:2:1"));
    import_result_free(&x);
    import_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_netsh_english),
        cmocka_unit_test(test_import_netsh_german_and_json),
        cmocka_unit_test(test_import_netsh_by_label),
        cmocka_unit_test(test_import_netsh_cut),
        cmocka_unit_test(test_import_appcmd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
