/* --merge owns only what the .bind files name (backend/iis_merge.c).
 *
 * Over every real applicationhost.config fixture, with an empty .bind, a
 * .bind that names one of its sites, and one that names all of them: the
 * sites the .bind does not name, and everything of a named site that the
 * language does not model, come out as they went in (as XML, white space
 * aside); an empty .bind gives the file back byte for byte; a second merge
 * changes nothing.  Then the rules one by one, on small documents: ids,
 * pools from the file's defaults, enabledProtocols, --prune, the report. */
#include "iis_helpers.h"

/* ------------------------------------------------------------------------
 * .bind text that names sites of a fixture */

/* A site name as a .bind string. */
static void put_name(bind_buf *b, const char *name)
{
    bind_buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"' || *p == '\\') bind_buf_putc(b, '\\');
        bind_buf_putc(b, *p);
    }
    bind_buf_putc(b, '"');
}

/* Sites [from, to) of the fixture, each with one binding of its own. */
static char *naming(xmlNodePtr *sites, size_t from, size_t to)
{
    bind_buf b;
    bind_buf_init(&b);
    bind_buf_puts(&b, "platform iis10\n");
    for (size_t i = from; i < to; i++) {
        char *name = prop(sites[i], "name");
        if (!name) continue;
        bind_buf_puts(&b, "site ");
        put_name(&b, name);
        bind_buf_printf(&b, " {\n    http *:80:merged%zu.example\n}\n", i);
        xmlFree(name);
    }
    return b.data;
}

/* What of a named site the merge must keep: everything but the modelled
 * attributes and elements. */
static const char *const modelled[] = { "@name", "@id", "@serverAutoStart", "bindings", "@applicationPool",
                                        "@enabledProtocols", "@physicalPath", NULL };

/* Whether the site has an <application> of this path. */
static bool has_app(xmlNodePtr site, const char *path)
{
    bool found = false;
    for (xmlNodePtr c = site->children; c && !found; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "application") != 0) continue;
        char *p = prop(c, "path");
        found = p && strcmp(p, path) == 0;
        xmlFree(p);
    }
    return found;
}

static void same_site(xmlNodePtr before, xmlNodePtr after, bool named, const char *file)
{
    /* A named site may gain the applications the .bind gives it. */
    xmlNodePtr copy = xmlCopyNode(after, 1);
    for (xmlNodePtr c = copy->children, next; named && c; c = next) {
        next = c->next;
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "application") != 0) continue;
        char *p = prop(c, "path");
        if (!p || !has_app(before, p)) { xmlUnlinkNode(c); xmlFreeNode(c); }
        xmlFree(p);
    }
    char *a = node_text(before, named ? modelled : NULL), *b = node_text(copy, named ? modelled : NULL);
    xmlFreeNode(copy);
    if (strcmp(a, b) != 0) print_message("%s: a site changed where it must not:\n%s\n%s\n", file, a, b);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

/* Merges `bind` into the fixture and holds the result to the rules;
 * named: how many of the fixture's sites (from the first) the .bind names. */
static void merge_fixture(const char *file, const char *orig, size_t len, const char *bind, size_t named)
{
    bind_compilation *c = compile_text(bind);
    assert_true(no_errors(c));
    bind_buf out;
    bind_buf_init(&out);
    emit_ok(c, file, orig, len, &out);

    char *before = canonical(orig, len), *after = canonical(out.data, out.len);
    assert_string_equal(before, after);                 /* the document outside the sites and pools */
    xmlFree(before);
    xmlFree(after);
    assert_int_equal(has_bom(orig, len), has_bom(out.data, out.len));
    assert_int_equal(crlf_style(orig, len), crlf_style(out.data, out.len));

    xmlDocPtr o = parse(orig, len), m = parse(out.data, out.len);
    xmlNodePtr os[512], ms[512];
    size_t no = sites_of(o, os, 512), nm = sites_of(m, ms, 512);
    assert_int_equal(no, nm);                           /* names only sites the file has: none added, none lost */
    for (size_t i = 0; i < no; i++) same_site(os[i], ms[i], i < named, file);
    for (size_t i = 0; i < named; i++) {                /* a named site has exactly the .bind's bindings */
        xmlNodePtr b = child(ms[i], "bindings");
        assert_int_equal(count_elems(b, "binding"), 1);
        char want[64];
        snprintf(want, sizeof want, "*:80:merged%zu.example", i);
        xmlNodePtr one = child(b, "binding");
        char *info = prop(one, "bindingInformation");
        assert_string_equal(info, want);
        xmlFree(info);
    }
    xmlNodePtr op = child(app_host(o), "applicationPools")->children, mp = child(app_host(m), "applicationPools")->children;
    for (; op; op = op->next, mp = mp->next) {          /* the file's pools stay, first */
        assert_non_null(mp);
        assert_int_equal(op->type, mp->type);
    }
    xmlFreeDoc(o);
    xmlFreeDoc(m);
    if (!named) {                                       /* nothing named: nothing changed */
        assert_int_equal(out.len, len);
        assert_memory_equal(out.data, orig, len);
    }

    bind_buf again;
    bind_buf_init(&again);
    emit_ok(c, file, out.data, out.len, &again);
    assert_int_equal(again.len, out.len);
    assert_memory_equal(again.data, out.data, out.len);
    bind_buf_free(&again);
    bind_buf_free(&out);
    bind_compilation_free(c);
}

static void test_iis_merge_every_fixture(void **state)
{
    (void)state;
    size_t n;
    char **names = fixture_names(&n);
    size_t merged = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], FRAGMENT) == 0) { free(names[i]); continue; }
        char path[1024];
        snprintf(path, sizeof path, "%s/iis/%s", FIXTURES, names[i]);
        size_t len;
        char *orig = slurp(path, &len);
        xmlDocPtr d = parse(orig, len);
        xmlNodePtr sites[512];
        size_t ns = sites_of(d, sites, 512);
        print_message("%s: %zu sites\n", names[i], ns);
        char *none = naming(sites, 0, 0), *one = naming(sites, 0, ns ? 1 : 0), *all = naming(sites, 0, ns);
        merge_fixture(path, orig, len, none, 0);
        if (ns) merge_fixture(path, orig, len, one, 1);
        if (ns > 1) merge_fixture(path, orig, len, all, ns);
        merged++;
        free(none);
        free(one);
        free(all);
        xmlFreeDoc(d);
        free(orig);
        free(names[i]);
    }
    free(names);
    assert_true(merged >= 10);
}

/* ------------------------------------------------------------------------
 * The rules, one by one */

/* A site with everything the language does not model. */
static const char RICH_FILE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
    "<configuration>\r\n"
    "  <system.applicationHost>\r\n"
    "    <applicationPools>\r\n"
    "      <add name=\"Clr4IntegratedAppPool\" managedRuntimeVersion=\"v4.0\" />\r\n"
    "    </applicationPools>\r\n"
    "    <sites>\r\n"
    "      <site name=\"Shop\" id=\"2\" serverAutoStart=\"true\" futureAttribute=\"x\">\r\n"
    "        <application path=\"/\" applicationPool=\"Clr4IntegratedAppPool\" preloadEnabled=\"true\">\r\n"
    "          <virtualDirectory path=\"/\" physicalPath=\"C:\\shop\" logonMethod=\"ClearText\" />\r\n"
    "          <virtualDirectory path=\"/m\" physicalPath=\"C:\\media\" />\r\n"
    "        </application>\r\n"
    "        <bindings>\r\n"
    "          <binding protocol=\"http\" bindingInformation=\"*:80:shop.example\" />\r\n"
    "          <binding protocol=\"https\" bindingInformation=\"*:443:shop.example\" sslFlags=\"0\" "
    "certificateHash=\"3A1B9F0077C24E6D0A115B2C8D3E4F5061728394\" certificateStoreName=\"My\" />\r\n"
    "          <binding protocol=\"http\" bindingInformation=\"*:8080:old.example\" />\r\n"
    "        </bindings>\r\n"
    "        <limits maxBandwidth=\"65536\" />\r\n"
    "        <logFile directory=\"D:\\logs\" />\r\n"
    "      </site>\r\n"
    "      <site name=\"Blog\" id=\"1\">\r\n"
    "        <application path=\"/\">\r\n"
    "          <virtualDirectory path=\"/\" physicalPath=\"C:\\blog\" />\r\n"
    "        </application>\r\n"
    "        <bindings>\r\n"
    "          <binding protocol=\"http\" bindingInformation=\"*:80:blog.example\" />\r\n"
    "        </bindings>\r\n"
    "      </site>\r\n"
    "      <applicationDefaults applicationPool=\"Clr4IntegratedAppPool\" />\r\n"
    "    </sites>\r\n"
    "  </system.applicationHost>\r\n"
    "</configuration>\r\n";

/* Merges into RICH_FILE; the output (NUL-terminated) and the report. */
static char *merge_rich(const char *bind, bool prune, char **report, bool *ok)
{
    bind_compilation *c = compile_text(bind);
    assert_true(no_errors(c));
    bind_buf out, rep;
    bind_buf_init(&out);
    bind_buf_init(&rep);
    bind_emit_opts o = { bind_sources_add(&c->sources, "rich.config", NULL, RICH_FILE, sizeof RICH_FILE - 1, false), prune };
    bind_emit_ctx cx = { .arena = c->arena, .diags = &c->diags, .report = &rep };
    *ok = bind_backend_run(bind_backend_find("iis"), c->model, &c->sources, &o, &cx, &out);
    bind_buf_putc(&out, '\0');
    bind_buf_putc(&rep, '\0');
    *report = rep.data;
    if (!*ok) print_message("diagnostics: %s\n", codes_of(c));
    bind_compilation_free(c);
    return out.data;
}

static void test_iis_merge_keeps_what_it_does_not_model(void **state)
{
    (void)state;
    char *report;
    bool ok;
    char *out = merge_rich("site Shop {\n    http  *:80:shop.example\n    https *:443:shop.example cert=3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n"
                           "    http  *:81:new.example\n}\n", false, &report, &ok);
    assert_true(ok);
    /* The binding it keeps keeps its bytes, certificateHash included; the one
     * the .bind drops goes with its line; the new one follows the kept ones. */
    const char *want =
        "        <bindings>\r\n"
        "          <binding protocol=\"http\" bindingInformation=\"*:80:shop.example\" />\r\n"
        "          <binding protocol=\"https\" bindingInformation=\"*:443:shop.example\" sslFlags=\"0\" "
        "certificateHash=\"3A1B9F0077C24E6D0A115B2C8D3E4F5061728394\" certificateStoreName=\"My\" />\r\n"
        "          <binding protocol=\"http\" bindingInformation=\"*:81:new.example\" />\r\n"
        "        </bindings>\r\n"
        "        <limits maxBandwidth=\"65536\" />\r\n"
        "        <logFile directory=\"D:\\logs\" />\r\n";
    if (!strstr(out, want)) print_message("%s", out);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "<site name=\"Shop\" id=\"2\" serverAutoStart=\"true\" futureAttribute=\"x\">"));
    assert_non_null(strstr(out, "<application path=\"/\" applicationPool=\"Clr4IntegratedAppPool\" preloadEnabled=\"true\">"));
    assert_non_null(strstr(out, "physicalPath=\"C:\\shop\" logonMethod=\"ClearText\""));
    assert_non_null(strstr(out, "<virtualDirectory path=\"/m\" physicalPath=\"C:\\media\" />"));
    assert_null(strstr(out, "old.example"));
    assert_non_null(strstr(out, "<site name=\"Blog\" id=\"1\">"));           /* not named: kept */
    assert_null(strstr(out, "DefaultAppPool"));                             /* no pool of bindc's own */
    assert_string_equal(report, "site Shop: 1 binding added, 1 removed\n");
    free(out);
    free(report);
}

static void test_iis_merge_changes_only_what_differs(void **state)
{
    (void)state;
    char *report;
    bool ok;
    /* The same site as the file has: not a byte changes. */
    char *out = merge_rich("site Shop {\n    id = 2\n    path = 'c:\\SHOP'\n    pool = clr4integratedapppool\n"
                           "    http  *:80:Shop.Example\n    https *:443:shop.example cert=3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n"
                           "    http  *:8080:old.example\n}\n", false, &report, &ok);
    assert_true(ok);
    assert_string_equal(out, RICH_FILE);
    assert_string_equal(report, "");
    free(out);
    free(report);

    /* A new pool and folder, autostart off, net.tcp: those attributes only. */
    out = merge_rich("site Shop {\n    path = 'D:\\shop'\n    pool = Shop\n    autostart = off\n"
                     "    http *:80:shop.example\n    net.tcp 808:*\n}\n", false, &report, &ok);
    assert_true(ok);
    assert_non_null(strstr(out, "<site name=\"Shop\" id=\"2\" serverAutoStart=\"false\" futureAttribute=\"x\">"));
    assert_non_null(strstr(out, "<application path=\"/\" applicationPool=\"Shop\" preloadEnabled=\"true\" enabledProtocols=\"http,net.tcp\">"));
    assert_non_null(strstr(out, "<virtualDirectory path=\"/\" physicalPath=\"D:\\shop\" logonMethod=\"ClearText\" />"));
    assert_non_null(strstr(out, "      <add name=\"Clr4IntegratedAppPool\" managedRuntimeVersion=\"v4.0\" />\r\n      <add name=\"Shop\" />\r\n"));
    assert_non_null(strstr(report, "site Shop: serverAutoStart false; application / runs in pool Shop; "
                                   "application / enables http,net.tcp; application / is in D:\\shop; 1 binding added, 2 removed\n"));
    assert_non_null(strstr(report, "pool Shop added\n"));
    free(out);
    free(report);
}

static void test_iis_merge_new_sites_and_ids(void **state)
{
    (void)state;
    char *report;
    bool ok;
    /* Blog has id 1 and Shop 2 in the file: a new site takes 3; an app
     * without a pool runs in the file's default (no applicationPool). */
    char *out = merge_rich("site New {\n    http *:80:new.example\n    app \"/api\" { }\n}\n", false, &report, &ok);
    assert_true(ok);
    const char *want =
        "      <site name=\"New\" id=\"3\" serverAutoStart=\"true\">\r\n"
        "        <application path=\"/\">\r\n"
        "          <virtualDirectory path=\"/\" physicalPath=\"%SystemDrive%\\inetpub\\wwwroot\" />\r\n"
        "        </application>\r\n"
        "        <application path=\"/api\">\r\n";
    if (!strstr(out, want)) print_message("%s", out);
    assert_non_null(strstr(out, want));
    /* After the last site of the file, before <applicationDefaults>. */
    assert_true(strstr(out, "name=\"New\"") > strstr(out, "name=\"Blog\""));
    assert_true(strstr(out, "name=\"New\"") < strstr(out, "<applicationDefaults"));
    assert_string_equal(report, "site New added (id 3)\n");
    free(out);
    free(report);

    /* Matched by id: the site of the file is renamed. */
    out = merge_rich("site Store {\n    id = 2\n    http *:80:shop.example\n}\n", false, &report, &ok);
    assert_true(ok);
    assert_non_null(strstr(out, "<site name=\"Store\" id=\"2\""));
    assert_non_null(strstr(report, "site Store: renamed from Shop"));
    free(out);
    free(report);

    /* Shop (matched by name) given the id Blog keeps: E0203, nothing written. */
    bind_compilation *c = compile_text("site Shop {\n    id = 1\n    http *:80:shop.example\n}\n");
    bind_buf b;
    bind_buf_init(&b);
    assert_false(emit(c, "rich.config", RICH_FILE, sizeof RICH_FILE - 1, &b));
    assert_int_equal(count_code(c, BIND_E0203, 2, 10), 1);
    assert_int_equal(b.len, 0);
    bind_buf_free(&b);
    bind_compilation_free(c);
}

static void test_iis_merge_prune(void **state)
{
    (void)state;
    char *report;
    bool ok;
    char *out = merge_rich("site Shop {\n    http *:80:shop.example\n}\n", true, &report, &ok);
    assert_true(ok);
    assert_null(strstr(out, "Blog"));
    assert_non_null(strstr(out, "<site name=\"Shop\""));
    /* Its lines go whole: no blank line where it was. */
    assert_non_null(strstr(out, "      </site>\r\n      <applicationDefaults"));
    assert_non_null(strstr(report, "site Blog removed (--prune)\n"));
    free(out);
    free(report);
}

/* An IIS Express file: its default pool is Clr4IntegratedAppPool, from
 * <applicationDefaults>; a new site gets no DefaultAppPool. */
static void test_iis_merge_express_pools(void **state)
{
    (void)state;
    size_t len;
    char *orig = slurp(FIXTURES "/iis/0GiS0-webappwithazuread.iisexpress.config", &len);
    bind_compilation *c = compile_text("platform iis-express\nsite Dev {\n    http *:8080:localhost\n}\n");
    bind_buf out;
    bind_buf_init(&out);
    emit_ok(c, "dev.config", orig, len, &out);
    bind_buf_putc(&out, '\0');
    assert_null(strstr(out.data, "DefaultAppPool\""));
    xmlDocPtr d = parse(out.data, out.len - 1);
    xmlNodePtr dev = find_site(d, "Dev");
    assert_non_null(dev);
    char *pool = prop(child(dev, "application"), "applicationPool");
    assert_null(pool);
    assert_non_null(find_site(d, "WebAppWithAzureAD"));
    assert_non_null(find_site(d, "WebSite1"));
    xmlFreeDoc(d);
    bind_buf_free(&out);
    bind_compilation_free(c);
    free(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iis_merge_every_fixture),
        cmocka_unit_test(test_iis_merge_keeps_what_it_does_not_model),
        cmocka_unit_test(test_iis_merge_changes_only_what_differs),
        cmocka_unit_test(test_iis_merge_new_sites_and_ids),
        cmocka_unit_test(test_iis_merge_prune),
        cmocka_unit_test(test_iis_merge_express_pools),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
