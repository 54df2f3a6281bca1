/* The iis target: standalone output, --merge into real applicationhost.config
 * files (tests/fixtures/iis/), and the emitted sections checked against
 * Microsoft's IIS configuration schema of the platform
 * (tests/fixtures/iis-schema/) by a small validator written here. */
#include "iis_helpers.h"

/* ------------------------------------------------------------------------
 * Models */

/* Names and paths with every XML special character and non-ASCII text;
 * IPv6; an app with and without its own path; net.tcp. */
static const char RICH[] =
    "platform iis10\n"
    "cert shop { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n"
    "site \"Tom & Jerry's <\\\"Shop\\\">\" {\n"
    "    id   = 7\n"
    "    path = 'C:\\sites\\a&b <c> \"d\" /> e'\n"
    "    pool = \"Tom's Pool\"\n"
    "    http  *:80:shop.example\n"
    "    https *:443:shop.example cert=shop sni http2=off ocsp=off\n"
    "    http  [2001:DB8:0::1]:8080:\n"
    "    net.tcp 808:*\n"
    "    app \"/api\" { pool = Api }\n"
    "    app \"/docs\" { path = 'D:\\docs' }\n"
    "}\n"
    "site \"Магазин ü\" {\n"
    "    path = 'C:\\sites\\магазин'\n"
    "    pool = \"Пул\"\n"
    "    http *:80:xn--80aswg.example\n"
    "}\n";

static const char RICH_SITE[] = "Tom & Jerry's <\"Shop\">";
static const char RICH_PATH[] = "C:\\sites\\a&b <c> \"d\" /> e";

/* ------------------------------------------------------------------------
 * Tests */

static void test_emit_iis_standalone_shape(void **state)
{
    (void)state;
    bind_compilation *c = compile_file(BINDC_SOURCE_DIR "/examples/shop.bind");
    assert_true(no_errors(c));
    bind_buf a, b;
    bind_buf_init(&a);
    bind_buf_init(&b);
    emit_ok(c, NULL, NULL, 0, &a);
    emit_ok(c, NULL, NULL, 0, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);              /* deterministic */
    const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n";
    assert_memory_equal(a.data, head, sizeof head - 1);
    assert_int_equal(crlf_style(a.data, a.len), 1);          /* CRLF, as IIS writes */

    xmlDocPtr d = parse(a.data, a.len);
    xmlNodePtr shop = find_site(d, "Shop");
    assert_non_null(shop);
    char *id = prop(shop, "id"), *auto_start = prop(shop, "serverAutoStart");
    assert_string_equal(id, "2");
    assert_string_equal(auto_start, "true");
    xmlFree(id);
    xmlFree(auto_start);
    xmlNodePtr app = child(shop, "application");
    char *pool = prop(app, "applicationPool"), *phys = prop(child(app, "virtualDirectory"), "physicalPath");
    assert_string_equal(pool, "Shop");
    assert_string_equal(phys, "C:\\inetpub\\shop");
    xmlFree(pool);
    xmlFree(phys);
    assert_int_equal(count_elems(child(shop, "bindings"), "binding"), 4);
    assert_non_null(strstr(a.data, "<binding protocol=\"https\" bindingInformation=\"*:443:shop.example\" sslFlags=\"1\" />"));
    /* Fallback names no pool: IIS's DefaultAppPool, declared. */
    assert_true(has_pool(d, "Shop"));
    assert_true(has_pool(d, "DefaultAppPool"));
    assert_schema_valid(d, "iis10", true);
    xmlFreeDoc(d);

    /* The standalone file is itself a document --merge accepts, unchanged. */
    bind_buf m;
    bind_buf_init(&m);
    emit_ok(c, "standalone.config", a.data, a.len, &m);
    assert_int_equal(m.len, a.len);
    assert_memory_equal(m.data, a.data, a.len);
    bind_buf_free(&m);
    bind_buf_free(&a);
    bind_buf_free(&b);
    bind_compilation_free(c);
}

static void merge_one(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/iis/%s", FIXTURES, name);
    size_t len;
    char *orig = slurp(path, &len);
    bind_compilation *c = compile_text(RICH);
    assert_true(no_errors(c));
    bind_buf out;
    bind_buf_init(&out);
    if (strcmp(name, FRAGMENT) == 0) {
        assert_false(emit(c, path, orig, len, &out));
        /* A fragment: refused, with the error in that file, nothing out. */
        assert_int_equal(out.len, 0);
        assert_int_equal(c->diags.counts[BIND_SEV_ERROR], 1);
        assert_int_equal(count_code(c, BIND_E0004, 0, 0), 1);
        const bind_diag *dg = c->diags.list.items[c->diags.list.len - 1];
        assert_string_equal(bind_sources_get(&c->sources, dg->span.file)->path, path);
        assert_non_null(strstr(dg->message, "applicationPools"));
        bind_compilation_free(c);
        free(orig);
        return;
    }
    print_message("%s\n", name);
    emit_ok(c, path, orig, len, &out);

    /* Same document outside <sites>' sites and <applicationPools>. */
    char *before = canonical(orig, len), *after = canonical(out.data, out.len);
    if (strcmp(before, after) != 0) print_message("%s: the document changed outside <sites>\n", name);
    assert_string_equal(before, after);
    xmlFree(before);
    xmlFree(after);
    assert_int_equal(has_bom(orig, len), has_bom(out.data, out.len));
    assert_int_equal(crlf_style(orig, len), crlf_style(out.data, out.len));

    /* The old sites stay as they were (but one with the id RICH gives its
     * first site, which is that site now); the old pools stay first. */
    xmlDocPtr o = parse(orig, len), m = parse(out.data, out.len);
    xmlNodePtr old_sites[256];
    size_t nold = sites_of(o, old_sites, 256), kept = 0;
    for (size_t i = 0; i < nold; i++) {
        char *id = prop(old_sites[i], "id"), *site_name = prop(old_sites[i], "name");
        bool taken = id && strcmp(id, "7") == 0;
        xmlFree(id);
        if (!taken) {
            xmlNodePtr now = site_name ? find_site(m, site_name) : NULL;
            assert_non_null(now);
            char *a = node_text(old_sites[i], NULL), *b = node_text(now, NULL);
            assert_string_equal(a, b);
            free(a);
            free(b);
            kept++;
        }
        xmlFree(site_name);
    }
    assert_int_equal(count_elems(child(app_host(m), "sites"), "site"), kept + 2);
    assert_non_null(find_site(m, RICH_SITE));
    assert_non_null(find_site(m, "Магазин ü"));
    xmlNodePtr op = child(app_host(o), "applicationPools")->children, mp = child(app_host(m), "applicationPools")->children;
    for (; op; op = op->next, mp = mp->next) {
        assert_non_null(mp);
        assert_int_equal(op->type, mp->type);
    }
    const char *wanted[] = { "Tom's Pool", "Api", "Пул" };
    for (size_t i = 0; i < 3; i++) assert_true(has_pool(m, wanted[i]));
    assert_schema_valid(m, "iis10", false);
    xmlFreeDoc(o);
    xmlFreeDoc(m);

    /* Merging again changes nothing. */
    bind_buf again;
    bind_buf_init(&again);
    emit_ok(c, path, out.data, out.len, &again);
    assert_int_equal(again.len, out.len);
    assert_memory_equal(again.data, out.data, out.len);
    bind_buf_free(&again);
    bind_buf_free(&out);
    bind_compilation_free(c);
    free(orig);
}

static void test_emit_iis_merge_fixtures(void **state)
{
    (void)state;
    size_t n;
    char **names = fixture_names(&n);
    bool saw_fragment = false, saw_bom = false, saw_crlf = false;
    for (size_t i = 0; i < n; i++) {
        merge_one(names[i]);
        saw_fragment |= strcmp(names[i], FRAGMENT) == 0;
        char path[1024];
        size_t len;
        snprintf(path, sizeof path, "%s/iis/%s", FIXTURES, names[i]);
        char *t = slurp(path, &len);
        saw_bom |= has_bom(t, len);
        saw_crlf |= crlf_style(t, len) == 1;
        free(t);
        free(names[i]);
    }
    free(names);
    assert_true(saw_fragment && saw_bom && saw_crlf);    /* the interesting files were there */
}

/* Outside the new pool lines and the content of <sites>, the merged file
 * is the original byte for byte (not only the same canonical XML). */
static void test_emit_iis_merge_keeps_bytes(void **state)
{
    (void)state;
    size_t len;
    char *orig = slurp(FIXTURES "/iis/coso-supernova.config", &len);
    bind_compilation *c = compile_text(RICH);
    bind_buf out;
    bind_buf_init(&out);
    emit_ok(c, "coso.config", orig, len, &out);
    /* New pools go after the last <add>, before <applicationPoolDefaults>. */
    const char *pools_end = strstr(orig, "<applicationPoolDefaults>"), *sites_end = strstr(orig, "</sites>");
    size_t head = (size_t)(pools_end - orig);
    while (head > 0 && orig[head - 1] != '\n') head--;
    assert_memory_equal(out.data, orig, head);
    const char added[] = "            <add name=\"Tom's Pool\" />\r\n            <add name=\"Api\" />\r\n"
                         "            <add name=\"Пул\" />\r\n            <applicationPoolDefaults>";
    assert_memory_equal(out.data + head, added, sizeof added - 1);
    size_t tail = len - (size_t)(sites_end - orig);
    while (orig[len - tail - 1] == ' ') tail++;
    assert_memory_equal(out.data + out.len - tail, orig + len - tail, tail);
    bind_buf_free(&out);
    bind_compilation_free(c);
    free(orig);
}

static void test_emit_iis_schema_examples(void **state)
{
    (void)state;
    DIR *dir = opendir(BINDC_SOURCE_DIR "/examples");
    assert_non_null(dir);
    size_t checked = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".bind") != 0 || strcmp(e->d_name, "mistakes.bind") == 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/examples/%s", BINDC_SOURCE_DIR, e->d_name);
        bind_compilation *c = compile_file(path);
        assert_true(no_errors(c));
        bind_buf out;
        bind_buf_init(&out);
        emit_ok(c, NULL, NULL, 0, &out);
        xmlDocPtr d = parse(out.data, out.len);
        print_message("%s (%s)\n", e->d_name, c->model->platform->name);
        assert_schema_valid(d, c->model->platform->name, true);
        xmlFreeDoc(d);
        bind_buf_free(&out);
        bind_compilation_free(c);
        checked++;
    }
    closedir(dir);
    assert_true(checked >= 3);
}

/* One model on every platform: valid against that version's schema, and
 * sslFlags exactly where the version has it. */
static void test_emit_iis_schema_platforms(void **state)
{
    (void)state;
    static const struct { const char *platform, *tls, *flags; } cases[] = {
        { "iis7", "", NULL },
        { "iis8", "sni", "1" },
        { "iis10", "sni http2=off ocsp=off quic=off tls13=off legacy_tls=off", "125" },
        { "iis-express", "sni", "1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "platform %s\n"
                 "defaults { pool = Web }\n"
                 "cert shop { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n"
                 "site One {\n"
                 "    id = 1\n"
                 "    path = 'C:\\one'\n"
                 "    http  *:44380:one.example\n"
                 "    https *:44301:one.example cert=shop %s\n"
                 "    http  10.0.0.5:44380:\n"
                 "    http  [::1]:44380:one.example\n"
                 "    app \"/a\" { pool = A }\n"
                 "    app \"/a/b\" { path = 'C:\\ab' }\n"
                 "}\n"
                 "site Two {\n"
                 "    autostart = off\n"
                 "    http *:44381:two.example\n"
                 "    net.tcp 808:*\n"
                 "    net.pipe *\n"
                 "}\n",
                 cases[i].platform, cases[i].tls);
        bind_compilation *c = compile_text(text);
        assert_true(no_errors(c));
        bind_buf out;
        bind_buf_init(&out);
        emit_ok(c, NULL, NULL, 0, &out);
        bind_buf_putc(&out, '\0');
        xmlDocPtr d = parse(out.data, out.len - 1);
        print_message("%s\n", cases[i].platform);
        assert_schema_valid(d, cases[i].platform, true);
        xmlNodePtr https = NULL;
        for (xmlNodePtr b = child(child(find_site(d, "One"), "bindings"), "binding"); b; b = b->next) {
            char *p = b->type == XML_ELEMENT_NODE ? prop(b, "protocol") : NULL;
            if (p && strcmp(p, "https") == 0) https = b;
            xmlFree(p);
        }
        assert_non_null(https);
        char *flags = prop(https, "sslFlags");
        if (cases[i].flags) assert_string_equal(flags, cases[i].flags);
        else assert_null(strstr(out.data, "sslFlags"));       /* IIS 7 has no such attribute */
        xmlFree(flags);
        char *autostart = prop(find_site(d, "Two"), "serverAutoStart");
        assert_string_equal(autostart, "false");
        xmlFree(autostart);
        xmlFreeDoc(d);
        bind_buf_free(&out);
        bind_compilation_free(c);
    }
    /* On IIS 7, `sni` is already refused by the checker. */
    bind_compilation *c = compile_text("platform iis7\ncert c { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n"
                                       "site a {\n    https *:443:a.example cert=c sni\n}\n");
    assert_int_equal(count_code(c, BIND_E0207, 4, 34), 1);
    bind_compilation_free(c);
}

static char *attr_of_site(xmlDocPtr d, const char *site, const char *elem, const char *name)
{
    xmlNodePtr s = find_site(d, site);
    assert_non_null(s);
    xmlNodePtr e = strcmp(elem, "site") == 0 ? s : strcmp(elem, "application") == 0 ? child(s, "application")
                 : child(child(s, "application"), "virtualDirectory");
    return prop(e, name);
}

static void test_emit_iis_round_trip(void **state)
{
    (void)state;
    bind_compilation *c = compile_text(RICH);
    assert_true(no_errors(c));
    bind_buf out;
    bind_buf_init(&out);
    emit_ok(c, NULL, NULL, 0, &out);
    bind_buf_putc(&out, '\0');
    /* Escaped by libxml2; UTF-8 written as such. */
    assert_non_null(strstr(out.data, "name=\"Tom &amp; Jerry's &lt;&quot;Shop&quot;&gt;\""));
    assert_non_null(strstr(out.data, "name=\"Магазин ü\""));
    xmlDocPtr d = parse(out.data, out.len - 1);
    char *v = attr_of_site(d, RICH_SITE, "virtualDirectory", "physicalPath");
    assert_string_equal(v, RICH_PATH);
    xmlFree(v);
    v = attr_of_site(d, RICH_SITE, "application", "applicationPool");
    assert_string_equal(v, "Tom's Pool");
    xmlFree(v);
    v = attr_of_site(d, RICH_SITE, "application", "enabledProtocols");
    assert_string_equal(v, "http,net.tcp");                 /* WAS activates net.tcp only when listed */
    xmlFree(v);
    v = attr_of_site(d, "Магазин ü", "virtualDirectory", "physicalPath");
    assert_string_equal(v, "C:\\sites\\магазин");
    xmlFree(v);
    assert_true(has_pool(d, "Пул"));
    assert_non_null(strstr(out.data, "bindingInformation=\"[2001:db8::1]:8080:\""));   /* RFC 5952, bracketed */
    assert_non_null(strstr(out.data, "bindingInformation=\"808:*\""));
    assert_non_null(strstr(out.data, "sslFlags=\"13\""));
    /* Apps: their own pool or the site's; their own folder or one under the site's. */
    assert_non_null(strstr(out.data, "<application path=\"/api\" applicationPool=\"Api\" enabledProtocols=\"http,net.tcp\">"));
    assert_non_null(strstr(out.data, "physicalPath=\"C:\\sites\\a&amp;b &lt;c&gt; &quot;d&quot; /&gt; e\\api\""));
    assert_non_null(strstr(out.data, "<application path=\"/docs\" applicationPool=\"Tom's Pool\""));
    assert_non_null(strstr(out.data, "physicalPath=\"D:\\docs\""));
    xmlFreeDoc(d);
    bind_buf_free(&out);
    bind_compilation_free(c);
}

/* Merging into a file that declares US-ASCII: non-ASCII as references. */
static void test_emit_iis_ascii_document(void **state)
{
    (void)state;
    const char doc[] = "<?xml version=\"1.0\" encoding=\"us-ascii\"?>\n<configuration>\n  <system.applicationHost>\n"
                       "    <applicationPools>\n      <add name=\"DefaultAppPool\" />\n    </applicationPools>\n"
                       "    <sites>\n    </sites>\n  </system.applicationHost>\n</configuration>\n";
    bind_compilation *c = compile_text(RICH);
    bind_buf out;
    bind_buf_init(&out);
    emit_ok(c, "ascii.config", doc, sizeof doc - 1, &out);
    for (size_t i = 0; i < out.len; i++) assert_true((unsigned char)out.data[i] < 0x80);
    xmlDocPtr d = parse(out.data, out.len);
    assert_non_null(find_site(d, "Магазин ü"));
    assert_true(has_pool(d, "Пул"));
    xmlFreeDoc(d);
    bind_buf_free(&out);
    bind_compilation_free(c);
}

static void expect_w0407(const char *text, int n, uint32_t line, uint32_t col, const char *info, size_t nbindings)
{
    bind_compilation *c = compile_text(text);
    assert_true(no_errors(c));
    bind_buf out;
    bind_buf_init(&out);
    emit_ok(c, NULL, NULL, 0, &out);
    assert_int_equal(count_code(c, BIND_W0407, line, col), n);
    assert_int_equal(count_code(c, BIND_W0407, 0, 0), n);
    bind_buf_putc(&out, '\0');
    char want[128];
    snprintf(want, sizeof want, "bindingInformation=\"%s\"", info);
    assert_non_null(strstr(out.data, want));
    xmlDocPtr d = parse(out.data, out.len - 1);
    assert_int_equal(count_elems(child(find_site(d, "a"), "bindings"), "binding"), nbindings);
    xmlFreeDoc(d);
    bind_buf_free(&out);
    bind_compilation_free(c);
}

static void expect_sites(const char *text, size_t in_a, size_t in_b, int warnings);

static void test_emit_iis_any_tier(void **state)
{
    (void)state;
    /* 0.0.0.0 and [::] become `*`, which also takes the other family. */
    expect_w0407("site a {\n    http 0.0.0.0:80:a.example\n}\n", 1, 2, 10, "*:80:a.example", 1);
    expect_w0407("site a {\n    https [::]:443: cert=3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n}\n", 1, 2, 11, "*:443:", 1);
    /* ... unless iplisten keeps HTTP.sys to that family anyway. */
    expect_w0407("iplisten 0.0.0.0\nsite a {\n    http 0.0.0.0:80:a.example\n}\n", 0, 0, 0, "*:80:a.example", 1);
    expect_w0407("iplisten ::1, 2001:db8::5\nsite a {\n    http [::]:80:a.example\n}\n", 0, 0, 0, "*:80:a.example", 1);
    expect_w0407("iplisten 10.0.0.1\nsite a {\n    http [::]:80:a.example\n}\n", 1, 3, 10, "*:80:a.example", 1);
    /* ... or the site gives both families: one `*` binding, exactly. */
    expect_w0407("site a {\n    http 0.0.0.0:80:a.example\n    http [::]:80:a.example\n}\n", 0, 0, 0, "*:80:a.example", 1);
    /* FTP is not HTTP.sys: iplisten does not help it. */
    expect_w0407("iplisten 0.0.0.0\nsite a {\n    ftp 0.0.0.0:21:\n}\n", 1, 3, 9, "*:21:", 1);

    /* Two sites that only differ by family are one IIS binding: the first
     * site gets it, the other is told (W0407) ... */
    expect_sites("site a {\n    http 0.0.0.0:80:x.example\n}\nsite b {\n    http [::]:80:x.example\n}\n", 1, 0, 2);
    /* ... unless HTTP.sys listens only for the second: then it is exact. */
    expect_sites("iplisten ::\nsite a {\n    http 0.0.0.0:80:x.example\n}\nsite b {\n    http [::]:80:x.example\n}\n", 0, 1, 0);
}

/* Which of sites a and b gets `*:80:x.example`, and the W0407s. */
static void expect_sites(const char *text, size_t in_a, size_t in_b, int warnings)
{
    bind_compilation *c = compile_text(text);
    assert_true(no_errors(c));
    bind_buf out;
    bind_buf_init(&out);
    emit_ok(c, NULL, NULL, 0, &out);
    assert_int_equal(count_code(c, BIND_W0407, 0, 0), warnings);
    if (in_a) assert_int_equal(count_code(c, BIND_W0407, 5 + (text[0] == 'i'), 10), 1);   /* site b's binding */
    xmlDocPtr d = parse(out.data, out.len);
    assert_int_equal(count_elems(child(find_site(d, "a"), "bindings"), "binding"), in_a);
    assert_int_equal(count_elems(child(find_site(d, "b"), "bindings"), "binding"), in_b);
    xmlFreeDoc(d);
    bind_buf_free(&out);
    bind_compilation_free(c);
}

static void test_emit_iis_servers_and_pools(void **state)
{
    (void)state;
    bind_compilation *c = compile_text("defaults { pool = Unused }\n"
                                       "site a {\n    server = nginx\n    root = \"/srv\"\n    http 10.0.0.1:8080:a.example\n}\n"
                                       "site b {\n    server = iis\n    pool = Shop\n    http *:80:b.example\n    app \"/x\" { pool = SHOP }\n}\n"
                                       "site c {\n    pool = shop\n    http *:80:c.example\n}\n");
    assert_true(no_errors(c));
    bind_buf out;
    bind_buf_init(&out);
    emit_ok(c, NULL, NULL, 0, &out);
    xmlDocPtr d = parse(out.data, out.len);
    assert_null(find_site(d, "a"));                         /* nginx's */
    assert_non_null(find_site(d, "b"));
    assert_non_null(find_site(d, "c"));
    /* One entry for Shop/SHOP/shop (IIS ignores case); the unused default is not declared. */
    assert_int_equal(count_elems(child(app_host(d), "applicationPools"), "add"), 1);
    assert_true(has_pool(d, "Shop"));
    xmlFreeDoc(d);
    bind_buf_free(&out);

    /* Merging: pools the file has (in any case) are not added again. */
    const char doc[] = "<configuration><system.applicationHost><applicationPools><add name=\"SHOP\"/></applicationPools>"
                       "<sites/></system.applicationHost></configuration>";
    bind_buf_init(&out);
    emit_ok(c, "one-line.config", doc, sizeof doc - 1, &out);
    d = parse(out.data, out.len);
    assert_int_equal(count_elems(child(app_host(d), "applicationPools"), "add"), 1);
    assert_int_equal(count_elems(child(app_host(d), "sites"), "site"), 2);
    assert_schema_valid(d, "iis10", true);
    xmlFreeDoc(d);
    /* ... and merging the result again changes nothing. */
    bind_buf again;
    bind_buf_init(&again);
    emit_ok(c, "one-line.config", out.data, out.len, &again);
    assert_int_equal(again.len, out.len);
    assert_memory_equal(again.data, out.data, out.len);
    bind_buf_free(&again);
    bind_buf_free(&out);
    bind_compilation_free(c);
}

/* Layouts a person may have written: empty elements, one line, tabs,
 * comments and section defaults inside <sites>, bindings in siteDefaults;
 * a new site goes after the file's last one. */
static void test_emit_iis_layouts(void **state)
{
    (void)state;
    static const struct { const char *doc, *want; } cases[] = {
        { "<configuration>\n\t<system.applicationHost>\n\t\t<applicationPools />\n\t\t<sites />\n\t</system.applicationHost>\n</configuration>\n",
          "\n\t\t\t<site name=\"a\" id=\"1\" serverAutoStart=\"true\">\n\t\t\t\t<application " },
        { "<configuration><system.applicationHost><applicationPools></applicationPools><sites></sites>"
          "</system.applicationHost></configuration>",
          "<sites>\r\n  <site name=\"a\"" },
        { "<configuration>\r\n    <system.applicationHost>\r\n        <applicationPools>\r\n        </applicationPools>\r\n"
          "        <sites>\r\n            <!-- ours -->\r\n            <site name=\"old\" id=\"3\"><bindings/></site>\r\n"
          "            <siteDefaults>\r\n                <bindings><binding protocol=\"http\" bindingInformation=\"*:8080:\" /></bindings>\r\n"
          "            </siteDefaults>\r\n            <applicationDefaults applicationPool=\"DefaultAppPool\" />\r\n"
          "        </sites>\r\n    </system.applicationHost>\r\n</configuration>\r\n",
          "            <site name=\"old\" id=\"3\"><bindings/></site>\r\n            <site name=\"a\" id=\"1\" serverAutoStart=\"true\">\r\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bind_compilation *c = compile_text("site a {\n    http *:80:a.example\n}\n");
        bind_buf out;
        bind_buf_init(&out);
        emit_ok(c, "layout.config", cases[i].doc, strlen(cases[i].doc), &out);
        bind_buf_putc(&out, '\0');
        if (!strstr(out.data, cases[i].want)) print_message("case %zu:\n%s\n", i, out.data);
        assert_non_null(strstr(out.data, cases[i].want));
        xmlDocPtr d = parse(out.data, out.len - 1);
        if (i == 2) assert_non_null(find_site(d, "old"));       /* a site the .bind does not name stays */
        xmlNodePtr bindings = child(find_site(d, "a"), "bindings");
        /* Bindings in <siteDefaults> would be inherited: the site clears them. */
        assert_int_equal(count_elems(bindings, "clear"), i == 2);
        assert_schema_valid(d, "iis10", false);
        char *canon_in = canonical(cases[i].doc, strlen(cases[i].doc)), *canon_out = canonical(out.data, out.len - 1);
        assert_string_equal(canon_in, canon_out);
        xmlFree(canon_in);
        xmlFree(canon_out);
        xmlFreeDoc(d);
        bind_buf again;
        bind_buf_init(&again);
        emit_ok(c, "layout.config", out.data, out.len - 1, &again);
        assert_int_equal(again.len, out.len - 1);
        assert_memory_equal(again.data, out.data, again.len);
        bind_buf_free(&again);
        bind_buf_free(&out);
        bind_compilation_free(c);
    }
}

/* Files bindc does not merge into: refused with a span in that file. */
static void test_emit_iis_refusals(void **state)
{
    (void)state;
    static const struct { const char *doc; size_t len; uint32_t line, col; const char *says; } cases[] = {
        { "<configuration>\n  <system.applicationHost>\n    <sites>\n  </system.applicationHost>\n</configuration>\n", 0, 4, 3,
          "not well-formed" },
        { "", 0, 1, 1, "empty" },
        { "  \n", 0, 2, 1, "not well-formed" },
        { "\xFF\xFE<\0c\0", 6, 1, 1, "UTF-16" },
        { "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<configuration/>\n", 0, 1, 31, "ISO-8859-1" },
        { "<?xml version=\"1.0\" encoding=\"us-ascii\"?>\n<configuration>\xC3\xA9</configuration>\n", 0, 2, 16, "US-ASCII" },
        { "<config/>", 0, 1, 1, "root element" },
        { "<configuration>\n  <system.webServer/>\n</configuration>", 0, 1, 1, "system.applicationHost" },
        { "<!DOCTYPE configuration [ <!ENTITY s \"<site name='x' id='1'/>\"> ]>\n<configuration/>", 0, 1, 1, "DOCTYPE" },
        { "<configuration><system.applicationHost><applicationPools/>\n<sites configSource=\"sites.config\"/>"
          "</system.applicationHost></configuration>", 0, 2, 1, "configSource" },
        { "<configuration><system.applicationHost><applicationPools/><sites/>\n <sites/>"
          "</system.applicationHost></configuration>", 0, 2, 2, "twice" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bind_compilation *c = compile_text("site a {\n    http *:80:a.example\n}\n");
        bind_buf out;
        bind_buf_init(&out);
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].doc);
        assert_false(emit(c, "bad.config", cases[i].doc, len, &out));
        assert_int_equal(out.len, 0);
        assert_int_equal(c->diags.counts[BIND_SEV_ERROR], 1);
        assert_int_equal(count_code(c, BIND_E0004, 0, 0), 1);
        const bind_diag *dg = c->diags.list.items[c->diags.list.len - 1];
        if (!strstr(dg->message, cases[i].says) || count_code(c, BIND_E0004, cases[i].line, cases[i].col) != 1) {
            uint32_t l, col;
            bind_source_linecol(bind_sources_get(&c->sources, dg->span.file), dg->span.start, &l, &col);
            print_message("case %zu: %u:%u %s\n", i, l, col, dg->message);
        }
        assert_non_null(strstr(dg->message, cases[i].says));
        assert_int_equal(count_code(c, BIND_E0004, cases[i].line, cases[i].col), 1);
        assert_string_equal(bind_sources_get(&c->sources, dg->span.file)->path, "bad.config");
        bind_buf_free(&out);
        bind_compilation_free(c);
    }
}

static void test_emit_iis_unwritable_text(void **state)
{
    (void)state;
    bind_compilation *c = compile_text("site \"a\\u{FFFE}\" {\n    http *:80:a.example\n}\n");
    assert_true(no_errors(c));
    bind_buf out;
    bind_buf_init(&out);
    assert_false(emit(c, NULL, NULL, 0, &out));
    assert_int_equal(count_code(c, BIND_E0007, 1, 6), 1);
    assert_int_equal(out.len, 0);
    bind_buf_free(&out);
    bind_compilation_free(c);
}

static int cleanup(void **state)
{
    (void)state;
    xmlCleanupParser();          /* once, at exit: the library never calls it */
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_iis_standalone_shape),
        cmocka_unit_test(test_emit_iis_merge_fixtures),
        cmocka_unit_test(test_emit_iis_merge_keeps_bytes),
        cmocka_unit_test(test_emit_iis_schema_examples),
        cmocka_unit_test(test_emit_iis_schema_platforms),
        cmocka_unit_test(test_emit_iis_round_trip),
        cmocka_unit_test(test_emit_iis_ascii_document),
        cmocka_unit_test(test_emit_iis_any_tier),
        cmocka_unit_test(test_emit_iis_servers_and_pools),
        cmocka_unit_test(test_emit_iis_layouts),
        cmocka_unit_test(test_emit_iis_refusals),
        cmocka_unit_test(test_emit_iis_unwritable_text),
    };
    return cmocka_run_group_tests(tests, NULL, cleanup);
}
