/* The applicationhost.config importer (compiler/import/iis_config.c).
 *
 * The round trip the issue asks for, on every real file of
 * tests/fixtures/iis/: import it, check the .bind (no errors: what the
 * files hold, IIS runs), compile it with --target iis --merge into the
 * same file, and get the same bytes back.  The one fragment imports but
 * does not merge (it is not a whole applicationhost.config).
 * Then what the reader is for, case by case: encodings, <siteDefaults>,
 * configSource, sslFlags and certificateHash, secrets, broken input. */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "import_helpers.h"
#include "iis_helpers.h"

#define LEN(a) (sizeof(a) / sizeof *(a))

/* --merge of the compilation into text, with the merge's report. */
static bool merge_into(bind_compilation *c, const char *path, const char *text, size_t len, bind_buf *out, bind_buf *report)
{
    const bind_backend *be = bind_backend_find("iis");
    bind_emit_opts o = { 0 };
    o.merge = bind_sources_add(&c->sources, path, NULL, text, len, false);
    bind_emit_ctx cx = { .arena = c->arena, .diags = &c->diags, .nginx_plan = c->nginx_plan, .report = report };
    return bind_backend_run(be, c->model, &c->sources, &o, &cx, out);
}

static void round_trip(const char *file)
{
    char path[700];
    snprintf(path, sizeof path, "%s/iis/%s", FIXTURES, file);
    size_t len;
    char *text = slurp(path, &len);
    import_result r = import_one(file, text, NULL);
    if (r.failed) { print_message("%s: import failed:\n%s", file, r.diags); fail(); }
    assert_formatted(r.bind);

    bind_compilation *c = compile_text(r.bind);
    for (size_t i = 0; i < c->diags.list.len; i++) {
        const bind_diag *d = c->diags.list.items[i];
        if (d->severity == BIND_SEV_ERROR) { print_message("%s: %s %s\n", file, bind_code_name(d->code), d->message); fail(); }
    }

    bind_buf out, report;
    bind_buf_init(&out);
    bind_buf_init(&report);
    bool merged = merge_into(c, file, text, len, &out, &report);
    if (strstr(file, ".fragment.")) {           /* the one fragment: the merge refuses it, the import reads it */
        assert_false(merged);
        goto done;
    }
    assert_true(merged);
    bind_buf_putc(&report, '\0');
    if (out.len != len || memcmp(out.data, text, len) != 0) {
        print_message("%s: the merge changed the file:\n%s\n", file, report.data);
        fail();
    }
    print_message("%s: merged back byte for byte\n", file);
done:
    bind_buf_free(&out);
    bind_buf_free(&report);
    bind_compilation_free(c);
    import_result_free(&r);
    free(text);
}

static void test_import_iis_round_trip_fixtures(void **state)
{
    (void)state;
    DIR *d = opendir(FIXTURES "/iis");
    assert_non_null(d);
    struct dirent *e;
    size_t n = 0, identical = 0;
    char *names[64];
    while ((e = readdir(d)) && n < LEN(names)) {
        size_t l = strlen(e->d_name);
        if (l > 7 && strcmp(e->d_name + l - 7, ".config") == 0) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    assert_true(n >= 14);
    for (size_t i = 0; i < n; i++) {
        round_trip(names[i]);
        identical++;
        free(names[i]);
    }
    assert_int_equal(identical, n);
}

/* ---- the reader, case by case -------------------------------------------------- */

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n  <configSections>\r\n" \
             "    <sectionGroup name=\"system.webServer\"><section name=\"webSocket\" /></sectionGroup>\r\n" \
             "  </configSections>\r\n  <system.applicationHost>\r\n"
#define TAIL "  </system.applicationHost>\r\n</configuration>\r\n"

static const char sites_doc[] =
    HEAD
    "    <applicationPools>\r\n"
    "      <add name=\"Shop\" autoStart=\"true\"><processModel identityType=\"SpecificUser\" userName=\"CONTOSO\\svc\" password=\"hunter2\" /></add>\r\n"
    "    </applicationPools>\r\n"
    "    <sites>\r\n"
    "      <!-- the shop, since 2019 -->\r\n"
    "      <!-- password: hunter2 -->\r\n"
    "      <site name=\"Shop &amp; Co\" id=\"2\" serverAutoStart=\"false\">\r\n"
    "        <application path=\"/\" applicationPool=\"Shop\">\r\n"
    "          <virtualDirectory path=\"/\" physicalPath=\"D:\\sites\\shop\" userName=\"CONTOSO\\svc\" password=\"hunter2\" />\r\n"
    "        </application>\r\n"
    "        <application path=\"/api\" applicationPool=\"Api\">\r\n"
    "          <virtualDirectory path=\"/\" physicalPath=\"D:\\sites\\api\" />\r\n"
    "        </application>\r\n"
    "        <application path=\"/old\">\r\n"
    "          <virtualDirectory path=\"/\" physicalPath=\"D:\\sites\\old\" />\r\n"
    "        </application>\r\n"
    "        <bindings>\r\n"
    "          <!-- TLS with SNI -->\r\n"
    "          <binding protocol=\"HTTPS\" bindingInformation=\"*:443:Shop.Example\" sslFlags=\"33\" />\r\n"
    "          <binding protocol=\"https\" bindingInformation=\"10.0.0.5:443:\" sslFlags=\"0\" certificateHash=\"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" certificateStoreName=\"WebHosting\" />\r\n"
    "          <binding protocol=\"http\" bindingInformation=\"[0:0:0:0:0:0:0:1]:80:localhost\" />\r\n"
    "          <binding protocol=\"gopher\" bindingInformation=\"*:70:\" />\r\n"
    "          <binding protocol=\"net.tcp\" bindingInformation=\"808:*\" />\r\n"
    "        </bindings>\r\n"
    "      </site>\r\n"
    "      <site name=\"Blog\" id=\"3\">\r\n"
    "        <bindings><clear /><binding protocol=\"http\" bindingInformation=\"*:80:blog.example\" /></bindings>\r\n"
    "        <application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"D:\\blog\" /></application>\r\n"
    "      </site>\r\n"
    "      <site name=\"Inherits\" id=\"4\">\r\n"
    "        <application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"D:\\inh\" /></application>\r\n"
    "      </site>\r\n"
    "      <siteDefaults serverAutoStart=\"true\">\r\n"
    "        <bindings><binding protocol=\"http\" bindingInformation=\"*:8080:\" /></bindings>\r\n"
    "      </siteDefaults>\r\n"
    "      <applicationDefaults applicationPool=\"DefaultAppPool\" />\r\n"
    "    </sites>\r\n"
    TAIL;

static void test_import_iis_sites(void **state)
{
    (void)state;
    import_result r = import_one("applicationhost.config", sites_doc, NULL);
    assert_false(r.failed);
    assert_formatted(r.bind);
    /* Name (entities read), id, serverAutoStart, folder, pool, comments kept. */
    assert_true(has_line(r.bind, "# the shop, since 2019"));
    assert_true(has_line(r.bind, "site \"Shop & Co\" {"));
    assert_true(has_line(r.bind, "    autostart = off"));
    assert_true(has_line(r.bind, "    path      = 'D:\\sites\\shop'"));
    assert_true(has_line(r.bind, "    pool      = Shop"));
    assert_true(has_line(r.bind, "    # TLS with SNI"));
    /* Bindings: protocol and host lower-cased, IPv6 canonical, sslFlags as options. */
    assert_true(has_line(r.bind, "    https   *:443:shop.example  cert=shop.example-443 sni tls13=off"));
    assert_true(has_line(r.bind, "    https   10.0.0.5:443:       cert=10.0.0.5-443"));
    assert_true(has_line(r.bind, "    http    [::1]:80:localhost"));
    assert_true(has_line(r.bind, "    net.tcp 808:*"));
    /* certificateHash and its store (IIS 8.5 and later). */
    assert_true(has_line(r.bind, "cert 10.0.0.5-443 {"));
    assert_true(has_line(r.bind, "    thumbprint = 3A1B9F0077C24E6D0A115B2C8D3E4F5061728394"));
    assert_true(has_line(r.bind, "    store      = WebHosting"));
    /* Applications: their own pool where it differs, the default where none is named. */
    assert_true(has_line(r.bind, "    app \"/api\" {"));
    assert_true(has_line(r.bind, "        pool = Api"));
    assert_true(has_line(r.bind, "        pool = DefaultAppPool"));
    /* <siteDefaults> bindings: inherited where there is no <clear />. */
    const char *inh = strstr(r.bind, "site Inherits");
    assert_non_null(inh);
    assert_non_null(strstr(inh, "    http *:8080:\n"));
    const char *blog = strstr(r.bind, "site Blog");
    assert_true(strstr(blog, "*:8080:") == NULL || strstr(blog, "*:8080:") > inh);
    /* Secrets are never copied. */
    assert_null(strstr(r.bind, "hunter2"));
    assert_null(strstr(r.bind, "svc"));
    assert_null(strstr(r.bind, "password"));
    /* What could not be said, where it was. */
    assert_non_null(strstr(r.diags, "W0601 applicationhost.config:28:58 binding of protocol `gopher` left out"));      /* gopher */
    assert_non_null(strstr(r.diags, "W0602 applicationhost.config:36:7 site `Inherits` inherits 1 binding"));      /* Inherits inherits */
    assert_non_null(strstr(r.diags, "does not enable net.tcp"));
    assert_non_null(strstr(r.diags, "W0603"));
    /* The platform, and why. */
    assert_true(has_line(r.bind, "platform iis10"));
    import_result_free(&r);
}

/* UTF-16 with a byte-order mark reads as its UTF-8 self; without, E0603. */
static char *to_utf16(const char *s, bool le, bool bom, size_t *len)
{
    size_t n = strlen(s);
    char *o = malloc(n * 2 + 4);
    size_t k = 0;
    if (bom) { o[k++] = le ? (char)0xFF : (char)0xFE; o[k++] = le ? (char)0xFE : (char)0xFF; }
    for (size_t i = 0; i < n; i++) {           /* the test documents are ASCII */
        o[k++] = le ? s[i] : 0;
        o[k++] = le ? 0 : s[i];
    }
    *len = k;
    return o;
}

static void test_import_iis_encodings(void **state)
{
    (void)state;
    import_result utf8 = import_one("a.config", sites_doc, NULL);
    /* The UTF-16 document declares UTF-16, as IIS writes it. */
    char doc16[sizeof sites_doc + 8];
    snprintf(doc16, sizeof doc16, "%s", sites_doc);
    memcpy(strstr(doc16, "UTF-8"), "UTF16", 5);
    import_result utf8b = import_one("a.config", doc16, NULL);
    assert_false(utf8b.failed);
    for (int le = 0; le < 2; le++) {
        size_t len;
        char *t = to_utf16(doc16, le, true, &len);
        import_input in = { "a.config", t, len };
        import_result r = import_inputs(&in, 1, NULL, false);
        if (r.failed) { print_message("%s\n", r.diags); fail(); }
        assert_string_equal(r.bind, utf8b.bind);
        import_result_free(&r);
        free(t);
        t = to_utf16(doc16, le, false, &len);
        in.text = t;
        in.len = len;
        r = import_inputs(&in, 1, NULL, false);
        assert_true(r.failed);
        assert_non_null(strstr(r.diags, "E0603 a.config:1:1 a.config looks like UTF-16 without a byte-order mark"));
        import_result_free(&r);
        free(t);
    }
    /* A UTF-8 BOM and LF line ends read alike. */
    bind_buf b;
    bind_buf_init(&b);
    bind_buf_puts(&b, "\xEF\xBB\xBF");
    for (const char *p = sites_doc; *p; p++) if (*p != '\r') bind_buf_putc(&b, *p);
    import_result bom = import_one("a.config", b.data, NULL);
    assert_false(bom.failed);
    assert_string_equal(bom.bind, utf8.bind);
    import_result_free(&bom);
    bind_buf_free(&b);
    import_result_free(&utf8);
    import_result_free(&utf8b);
}

/* Broken input: file:line:col, the code, nothing written. */
static void test_import_iis_refused(void **state)
{
    (void)state;
    char cut[sizeof sites_doc];
    memcpy(cut, sites_doc, sizeof sites_doc);
    *strstr(cut, "      <site name=\"Blog\"") = '\0';
    static const struct { const char *text, *want; } cases[] = {
        { NULL, "E0602 cut.config:" },
        { "<?xml version=\"1.0\"?>\n<configuration>\n  <system.applicationHost>\n    <sites>\n      <site name=\"a\" id=\"1\">\n"
          "    </sites>\n", "E0602 cut.config:6:" },
        { "<?xml version=\"1.0\"?>\n<!DOCTYPE configuration [ <!ENTITY x \"y\"> ]>\n<configuration/>\n", "E0602 cut.config:2:" },
        { "<?xml version=\"1.0\"?>\n<configuration>\n  <system.webServer />\n</configuration>\n", "E0601 cut.config:2:1" },
        { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\xff</configuration>\n", "E0603 cut.config:2:16" },
        { "hello\n", "E0601 cut.config:1:1" },
        { "", "E0601 cut.config:1:1" },
    };
    for (size_t i = 0; i < LEN(cases); i++) {
        import_result r = import_one("cut.config", cases[i].text ? cases[i].text : cut, NULL);
        if (!r.failed || !strstr(r.diags, cases[i].want)) { print_message("case %zu:\n%s\nwanted %s\n", i, r.diags, cases[i].want); fail(); }
        assert_null(r.bind);
        import_result_free(&r);
    }
}

/* <sites configSource="…">: read relative to the file; missing, E0604. */
static void test_import_iis_config_source(void **state)
{
    (void)state;
    char dir[] = "/tmp/bindc-import-iis-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char main_path[600], sites_path[600];
    snprintf(main_path, sizeof main_path, "%s/applicationHost.config", dir);
    snprintf(sites_path, sizeof sites_path, "%s/sites.config", dir);
    const char *main_text = HEAD "    <applicationPools />\r\n    <sites configSource=\"sites.config\" />\r\n" TAIL;
    import_input in = { main_path, main_text, 0 };
    import_result r = import_inputs(&in, 1, NULL, true);
    assert_true(r.failed);
    assert_non_null(strstr(r.diags, "E0604"));
    import_result_free(&r);
    FILE *f = fopen(sites_path, "w");
    assert_non_null(f);
    fputs("<sites>\n  <site name=\"Split\" id=\"7\">\n    <bindings><binding protocol=\"http\" bindingInformation=\"*:80:split.example\" />"
          "</bindings>\n  </site>\n</sites>\n", f);
    fclose(f);
    r = import_inputs(&in, 1, NULL, true);
    if (r.failed) { print_message("%s", r.diags); fail(); }
    assert_true(has_line(r.bind, "site Split {"));
    assert_true(has_line(r.bind, "    http *:80:split.example"));
    char from[700];
    snprintf(from, sizeof from, "# from %s:2", sites_path);
    assert_true(has_line(r.bind, from));
    import_result_free(&r);
    unlink(sites_path);
    rmdir(dir);
}

/* A binding the XML holds twice is E0201 on the imported line. */
static void test_import_iis_duplicate_is_e0201(void **state)
{
    (void)state;
    const char *doc = HEAD "    <applicationPools />\r\n    <sites>\r\n"
                      "      <site name=\"A\" id=\"1\"><bindings><binding protocol=\"http\" bindingInformation=\"*:80:app.a.example\" /></bindings></site>\r\n"
                      "      <site name=\"B\" id=\"2\"><bindings><binding protocol=\"http\" bindingInformation=\"*:80:App.A.example\" /></bindings></site>\r\n"
                      "    </sites>\r\n" TAIL;
    import_result r = import_one("dup.config", doc, NULL);
    assert_false(r.failed);
    bind_compilation *c = compile_text(r.bind);
    assert_string_equal(codes_of(c), "E0201");
    const bind_diag *d = c->diags.list.items[0];
    uint32_t line, col;
    bind_source_linecol(bind_sources_get(&c->sources, d->span.file), d->span.start, &line, &col);
    /* The line in the .bind, under the comment that says where it came from. */
    const char *p = r.bind;
    for (uint32_t l = 1; l < line; l++) p = strchr(p, '\n') + 1;
    assert_true(strncmp(p, "    http *:80:app.a.example\n", 28) == 0);
    assert_non_null(strstr(r.bind, "# from dup.config:10\nsite B {"));
    bind_compilation_free(c);
    import_result_free(&r);
}

/* The platform: the file tells it, --platform overrides it. */
static void test_import_iis_platform(void **state)
{
    (void)state;
    const char *iis7 = "<?xml version=\"1.0\"?>\n<configuration>\n  <configSections><section name=\"sites\" /></configSections>\n"
                       "  <system.applicationHost><applicationPools /><sites><site name=\"A\" id=\"1\"><bindings>"
                       "<binding protocol=\"https\" bindingInformation=\"*:443:\" /></bindings></site></sites></system.applicationHost>\n"
                       "</configuration>\n";
    import_result r = import_one("a.config", iis7, NULL);
    assert_true(has_line(r.bind, "platform iis7"));
    import_result_free(&r);
    r = import_one("a.config", iis7, "iis8");
    assert_true(has_line(r.bind, "platform iis8"));
    import_result_free(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/iis/0GiS0-webappwithazuread.iisexpress.config", FIXTURES);
    size_t len;
    char *text = slurp(path, &len);
    r = import_one("x.config", text, NULL);
    assert_true(has_line(r.bind, "platform iis-express"));
    /* IIS Express's development certificate: no place holder. */
    assert_true(has_line(r.bind, "    https *:44351:localhost"));
    assert_null(strstr(r.bind, "cert "));
    import_result_free(&r);
    free(text);
    /* The platforms an import may select are those of the standard library. */
    size_t n;
    const char *const *names = bind_import_platforms(&n);
    assert_true(n >= 4);
    for (size_t i = 0; i < n; i++) assert_non_null(bind_stdlib_find(names[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_iis_round_trip_fixtures),
        cmocka_unit_test(test_import_iis_sites),
        cmocka_unit_test(test_import_iis_encodings),
        cmocka_unit_test(test_import_iis_refused),
        cmocka_unit_test(test_import_iis_config_source),
        cmocka_unit_test(test_import_iis_duplicate_is_e0201),
        cmocka_unit_test(test_import_iis_platform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
