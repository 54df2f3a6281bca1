/* The language server's features through whole sessions: diagnostics and
 * their ranges, files that use each other, incremental edits, hover,
 * definition, symbols, completion, code actions, formatting. */
#include "test_lsp_harness.h"
#include "model/vocab.h"
#include "check/compile.h"

#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/bindc-lsp-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *uri_of(const char *name)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "file://%s/%s", tmpdir, name);
    return buf[i];
}

/* The text a diagnostic's range covers, for ranges on one line. */
static const char *text_under(const char *doc, json_t *range)
{
    static char out[256];
    json_int_t line = range_part(range, "start", "line");
    json_int_t a = range_part(range, "start", "character"), z = range_part(range, "end", "character");
    const char *p = doc;
    for (json_int_t l = 0; l < line; l++) p = strchr(p, '\n') + 1;
    /* UTF-16 columns: count code units of the line's characters. */
    json_int_t unit = 0;
    size_t o = 0;
    const char *start = NULL;
    while (p[o] && p[o] != '\n') {
        if (unit == a && !start) start = p + o;
        if (unit == z) break;
        unsigned char c = (unsigned char)p[o];
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        unit += k == 4 ? 2 : 1;
        o += k;
    }
    if (!start) start = p + o;
    snprintf(out, sizeof out, "%.*s", (int)(p + o - start), start);
    return out;
}

static json_t *diag_with(json_t *diags, const char *code)
{
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d)
        if (strcmp(json_string_value(json_object_get(d, "code")), code) == 0) return d;
    return NULL;
}

static const char MISTAKES[] =
    "# the caf\xC3\xA9 \xF0\x9F\x98\x80 shop\n"
    "cert shop {\n"
    "    names = shop.example\n"
    "}\n"
    "site \"Caf\xC3\xA9 \xF0\x9F\x98\x80\" { http *:80:shop.example }\n"
    "site \"Caf\xC3\xA9 \xF0\x9F\x98\x80 2\" { http *:080:x.example }\n"
    "site Other {\n"
    "    htps *:443:shop.example cert=shop\n"
    "    http *:80:Shop.Example\n"
    "}\n";

static void test_lsp_diagnostics_ranges(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/m.bind";
    open_doc(x, uri, MISTAKES);
    json_t *m = session_take(x);
    json_t *diags = find_diagnostics(m, uri);
    assert_non_null(diags);
    json_t *d = diag_with(diags, "E0102");
    assert_non_null(d);
    assert_string_equal(text_under(MISTAKES, json_object_get(d, "range")), "080");
    assert_int_equal(json_integer_value(json_object_get(d, "severity")), 1);
    assert_string_equal(json_string_value(json_object_get(d, "source")), "bindc");
    d = diag_with(diags, "E0101");
    assert_string_equal(text_under(MISTAKES, json_object_get(d, "range")), "htps");
    assert_non_null(strstr(json_string_value(json_object_get(d, "message")), "did you mean `https`?"));
    d = diag_with(diags, "E0201");
    assert_string_equal(text_under(MISTAKES, json_object_get(d, "range")), "*:80:Shop.Example");
    json_t *rel = json_array_get(json_object_get(d, "relatedInformation"), 0);
    assert_non_null(rel);
    assert_string_equal(json_string_value(json_object_get(json_object_get(rel, "location"), "uri")), uri);
    assert_string_equal(text_under(MISTAKES, json_object_get(json_object_get(rel, "location"), "range")), "*:80:shop.example");
    json_decref(m);
    session_close(x);

    /* A client without relatedInformation gets the note in the message. */
    x = session_start(NULL);
    open_doc(x, uri, MISTAKES);
    m = session_take(x);
    d = diag_with(find_diagnostics(m, uri), "E0201");
    assert_null(json_object_get(d, "relatedInformation"));
    assert_non_null(strstr(json_string_value(json_object_get(d, "message")), "\nnote: first bound here"));
    json_decref(m);
    session_close(x);
}

static void test_lsp_diagnostics_incremental(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/inc.bind";
    open_doc(x, uri, "site a {\n    http *:99999:\n}\n");
    json_t *m = session_take(x);
    assert_true(has_diag(find_diagnostics(m, uri), "E0102", 1, 11, 1, 16));
    json_decref(m);
    change_doc(x, uri, 2, 1, 11, 1, 16, "80");
    m = session_take(x);
    json_t *p = json_object_get(json_array_get(m, 0), "params");
    assert_int_equal(json_integer_value(json_object_get(p, "version")), 2);
    assert_int_equal(json_array_size(find_diagnostics(m, uri)), 0);
    json_decref(m);
    /* An edit that changes nothing the client sees publishes nothing. */
    change_doc(x, uri, 3, 0, 0, 0, 0, "# a comment\n");
    m = session_take(x);
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    change_doc(x, uri, 4, 2, 11, 2, 13, "0");
    m = session_take(x);
    assert_true(has_diag(find_diagnostics(m, uri), "E0102", 2, 11, 2, 12));
    json_decref(m);
    /* Closing clears the file's diagnostics. */
    session_send(x, json_pack("{s:s, s:s, s:{s:{s:s}}}", "jsonrpc", "2.0", "method", "textDocument/didClose",
                              "params", "textDocument", "uri", uri));
    m = session_take(x);
    assert_int_equal(json_array_size(find_diagnostics(m, uri)), 0);
    json_decref(m);
    session_close(x);
}

static void test_lsp_files_that_use_each_other(void **state)
{
    (void)state;
    /* b.bind uses a certificate that a.bind declares; a.bind uses b.bind. */
    write_file("a.bind", "use \"b.bind\"\ncert shop {\n    names = shop.example\n}\n");
    write_file("b.bind", "site Shop {\n    https *:443:shop.example cert=shop sni\n}\n");
    session *x = session_start(rich_capabilities());
    const char *a = uri_of("a.bind"), *b = uri_of("b.bind");
    open_doc(x, b, "site Shop {\n    https *:443:shop.example cert=shop sni\n}\n");
    json_t *m = session_take(x);
    assert_non_null(diag_with(find_diagnostics(m, b), "E0303"));         /* alone, `shop` is unknown */
    json_decref(m);
    open_doc(x, a, "use \"b.bind\"\ncert shop {\n    names = shop.example\n}\n");
    m = session_take(x);
    assert_null(diag_with(find_diagnostics(m, b), "E0303"));               /* checked with a: resolved */
    assert_null(diag_with(find_diagnostics(m, a), "W0302"));               /* and a's cert is used */
    json_decref(m);
    /* An edit to a re-checks b: the certificate no longer covers the host. */
    change_doc(x, a, 2, 2, 12, 2, 24, "other.example");
    m = session_take(x);
    json_t *w = diag_with(find_diagnostics(m, b), "W0301");
    assert_non_null(w);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(w, "relatedInformation"), 0), "location"), "uri")), a);
    json_decref(m);
    /* An unsaved edit to b is what a's check reads. */
    change_doc(x, b, 2, 1, 16, 1, 28, "other.example");
    m = session_take(x);
    assert_null(diag_with(find_diagnostics(m, b), "W0301"));
    json_decref(m);
    /* Go to definition from cert=shop in b lands in a. */
    json_t *all;
    json_t *loc = request_at(x, 5, "textDocument/definition", b, 1, 37, &all);
    assert_string_equal(json_string_value(json_object_get(loc, "uri")), a);
    assert_int_equal(range_part(json_object_get(loc, "range"), "start", "line"), 1);
    assert_int_equal(range_part(json_object_get(loc, "range"), "start", "character"), 5);
    json_decref(all);
    /* ... and from `use "b.bind"` to b. */
    loc = request_at(x, 6, "textDocument/definition", a, 0, 6, &all);
    assert_string_equal(json_string_value(json_object_get(loc, "uri")), b);
    json_decref(all);
    /* Closing a: b is checked alone again. */
    session_send(x, json_pack("{s:s, s:s, s:{s:{s:s}}}", "jsonrpc", "2.0", "method", "textDocument/didClose",
                              "params", "textDocument", "uri", a));
    m = session_take(x);
    assert_non_null(diag_with(find_diagnostics(m, b), "E0303"));
    json_decref(m);
    session_close(x);
}

static void test_lsp_used_file_not_open(void **state)
{
    (void)state;
    write_file("common.bind", "site Common {\n    http *:99999:c\n}\n");
    session *x = session_start(rich_capabilities());
    const char *top = uri_of("top.bind"), *common = uri_of("common.bind");
    open_doc(x, top, "use \"common.bind\"\nuse \"missing.bind\"\n");
    json_t *m = session_take(x);
    assert_true(has_diag(find_diagnostics(m, common), "E0102", 1, 11, 1, 16));   /* published for the file on disk */
    assert_true(has_diag(find_diagnostics(m, top), "E0004", 1, 4, 1, 18));
    json_decref(m);
    /* Dropping the use clears the used file's diagnostics. */
    change_doc(x, top, 2, 0, 0, 1, 0, "");
    m = session_take(x);
    assert_int_equal(json_array_size(find_diagnostics(m, common)), 0);
    json_decref(m);
    session_close(x);
}

static void test_lsp_hover(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/h.bind";
    const char *text =
        "# expect: E0201\n"
        "cert shop {\n"
        "    thumbprint = 3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n"
        "    names = shop.example\n"
        "}\n"
        "site \"Sh`op\" {\n"
        "    https *:443:shop.example cert=shop sni\n"
        "    http 10.0.0.5:80:\n"
        "    http *:80:\n"
        "    http *:80:shop.example\n"
        "}\n";
    open_doc(x, uri, text);
    json_decref(session_take(x));
    json_t *all;
    json_t *h = request_at(x, 1, "textDocument/hover", uri, 6, 10, &all);
    const char *v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(h, "contents"), "kind")), "markdown");
    assert_non_null(strstr(v, "**https** binding `*:443:shop.example` of site ``Sh`op``"));
    assert_non_null(strstr(v, "every local address, IPv4 and IPv6"));
    assert_non_null(strstr(v, "- **port** 443"));
    assert_non_null(strstr(v, "thumbprint `3A1B9F0077C24E6D0A115B2C8D3E4F5061728394`"));
    assert_non_null(strstr(v, "its names cover `shop.example`"));
    assert_non_null(strstr(v, "**SNI** on"));
    assert_non_null(strstr(v, "rank 2 of 6"));
    assert_string_equal(text_under(text, json_object_get(h, "range")), "https *:443:shop.example cert=shop sni");
    json_decref(all);
    /* The catch-all: who takes requests before it. */
    h = request_at(x, 2, "textDocument/hover", uri, 8, 8, &all);
    v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_non_null(strstr(v, "rank 6 of 6"));
    assert_non_null(strstr(v, "2 bindings on this port take the requests for their own hosts first"));
    assert_non_null(strstr(v, "`http 10.0.0.5:80:`"));
    assert_non_null(strstr(v, "`http *:80:shop.example`"));
    json_decref(all);
    /* A code in a comment. */
    h = request_at(x, 3, "textDocument/hover", uri, 0, 12, &all);
    v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_non_null(strstr(v, "**E0201** (error): duplicate binding"));
    assert_non_null(strstr(v, bind_code_explanation(BIND_E0201)));
    assert_string_equal(text_under(text, json_object_get(h, "range")), "E0201");
    json_decref(all);
    /* The certificate, from cert=shop and from its declaration. */
    h = request_at(x, 4, "textDocument/hover", uri, 6, 35, &all);
    v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_non_null(strstr(v, "**certificate** `shop`"));
    assert_non_null(strstr(v, "**used by** 1 binding"));
    json_decref(all);
    /* A field, an option, the site name. */
    h = request_at(x, 5, "textDocument/hover", uri, 3, 5, &all);
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(h, "contents"), "value")), "**field** `names`"));
    json_decref(all);
    h = request_at(x, 6, "textDocument/hover", uri, 6, 40, &all);
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(h, "contents"), "value")), "**option** `sni`"));
    json_decref(all);
    h = request_at(x, 7, "textDocument/hover", uri, 5, 7, &all);
    v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_non_null(strstr(v, "**site** ``Sh`op``, id 1"));
    assert_non_null(strstr(v, "**bindings** 4"));
    json_decref(all);
    /* Nothing: null. */
    h = request_at(x, 8, "textDocument/hover", uri, 10, 0, &all);
    assert_true(json_is_null(h));
    json_decref(all);
    session_close(x);
}

/* A site only Apache serves: the hover says where the apache target puts
 * the binding and how Apache picks it, not HTTP.sys's order. */
static void test_lsp_hover_apache(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/apache.bind";
    const char *text =
        "site Shop {\n"
        "    server = apache\n"
        "    http *:80:shop.example\n"
        "    http *:80:*.shop.example\n"
        "}\n"
        "site Fallback {\n"
        "    server = apache\n"
        "    http *:80:\n"
        "}\n"
        "site Lab {\n"
        "    server = apache\n"
        "    http *:8080:lab.example\n"
        "}\n";
    open_doc(x, uri, text);
    json_decref(session_take(x));
    json_t *all;
    json_t *h = request_at(x, 1, "textDocument/hover", uri, 2, 10, &all);
    const char *v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_non_null(strstr(v, "**Apache.** The apache target writes it as `ServerName` `shop.example` of block 2 of 3 for `*:80`"));
    assert_non_null(strstr(v, "else the first block, `http *:80:` (site `Fallback`)"));
    assert_null(strstr(v, "rank "));
    json_decref(all);
    h = request_at(x, 2, "textDocument/hover", uri, 3, 10, &all);
    v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_non_null(strstr(v, "`*.shop.example` of block 3 of 3 for `*:80`"));
    json_decref(all);
    h = request_at(x, 3, "textDocument/hover", uri, 7, 10, &all);
    v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_non_null(strstr(v, "block 1 of 3 for `*:80`"));
    assert_non_null(strstr(v, "this one, which so answers every Host no other block names"));
    json_decref(all);
    /* No catch-all on 8080: the generated block that refuses comes first. */
    h = request_at(x, 4, "textDocument/hover", uri, 11, 10, &all);
    v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_non_null(strstr(v, "block 2 of 2 for `*:8080`"));
    assert_non_null(strstr(v, "a generated one that refuses (`Redirect 404 /`)"));
    json_decref(all);
    session_close(x);
}

static void test_lsp_hover_diagnostic_code(void **state)
{
    (void)state;
    session *x = session_start(NULL);
    const char *uri = "file:///nowhere/hd.bind";
    open_doc(x, uri, "site a { http *:80:a }\nsite b { http *:80:a }\n");
    json_decref(session_take(x));
    json_t *all;
    json_t *h = request_at(x, 1, "textDocument/hover", uri, 1, 15, &all);
    json_t *c = json_object_get(h, "contents");
    assert_string_equal(json_string_value(json_object_get(c, "kind")), "plaintext");   /* the client did not offer markdown */
    assert_non_null(strstr(json_string_value(json_object_get(c, "value")), "E0201 (error): duplicate binding"));
    json_decref(all);
    session_close(x);
}

/* Markup in plaintext is noise on screen (eglot asks for plaintext): a
 * client that does not offer markdown gets the same words without it,
 * and a user's own backticks and asterisks are kept. */
static void test_lsp_hover_plaintext(void **state)
{
    (void)state;
    session *x = session_start(json_pack("{s:{s:{s:[s]}, s:{s:{s:[s]}}}}", "textDocument", "hover", "contentFormat", "plaintext",
                                         "completion", "completionItem", "documentationFormat", "plaintext"));
    const char *uri = "file:///nowhere/hp.bind";
    const char *text =
        "# E0201\n"
        "cert shop {\n"
        "    thumbprint = 3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n"
        "    names = shop.example\n"
        "}\n"
        "site Shop {\n"
        "    https *:443:shop.example cert=shop sni\n"
        "    http *:80:shop.example\n"
        "    http *:80:shop.example\n"
        "}\n"
        "site \"a`b**c\" { http *:81: }\n";
    open_doc(x, uri, text);
    json_decref(session_take(x));
    /* A binding, a code in a comment, a certificate, a field, an option,
     * a site, a duplicate (with its diagnostic's explanation). */
    const int at[][2] = { { 6, 10 }, { 0, 4 }, { 6, 35 }, { 3, 5 }, { 6, 40 }, { 5, 6 }, { 8, 10 }, { 1, 1 } };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        json_t *all;
        json_t *h = request_at(x, (json_int_t)i + 1, "textDocument/hover", uri, at[i][0], at[i][1], &all);
        json_t *c = json_object_get(h, "contents");
        assert_string_equal(json_string_value(json_object_get(c, "kind")), "plaintext");
        const char *v = json_string_value(json_object_get(c, "value"));
        if (strstr(v, "**") || strchr(v, '`') || strstr(v, "\n---\n")) fail_msg("markup in a plaintext hover: %s", v);
        if (i == 0) assert_non_null(strstr(v, "https binding *:443:shop.example of site Shop (id 1)\n\n- protocol https: HTTP over TLS"));
        json_decref(all);
    }
    /* The user's characters stay as they are. */
    json_t *all;
    json_t *h = request_at(x, 20, "textDocument/hover", uri, 10, 7, &all);
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(h, "contents"), "value")), "site a`b**c, id 2"));
    json_decref(all);
    /* Completion documentation: plain strings, no markup either. */
    json_t *r = request_at(x, 22, "textDocument/completion", uri, 11, 0, &all);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r, "items"), i, item) {
        json_t *d = json_object_get(item, "documentation");
        if (!d) continue;
        assert_true(json_is_string(d));
        if (strchr(json_string_value(d), '`')) fail_msg("markup in plaintext documentation: %s", json_string_value(d));
    }
    assert_true(json_array_size(json_object_get(r, "items")) > 0);
    json_decref(all);
    session_close(x);

    /* Markdown is used wherever it is offered, in any order. */
    x = session_start(json_pack("{s:{s:{s:[s,s]}, s:{s:{s:[s,s]}}}}", "textDocument", "hover", "contentFormat", "plaintext",
                                "markdown", "completion", "completionItem", "documentationFormat", "plaintext", "markdown"));
    open_doc(x, uri, text);
    json_decref(session_take(x));
    h = request_at(x, 1, "textDocument/hover", uri, 6, 10, &all);
    assert_string_equal(json_string_value(json_object_get(json_object_get(h, "contents"), "kind")), "markdown");
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(h, "contents"), "value")), "**https** binding `*:443:shop.example`"));
    json_decref(all);
    r = request_at(x, 2, "textDocument/completion", uri, 11, 0, &all);
    json_t *d = json_object_get(json_array_get(json_object_get(r, "items"), 0), "documentation");
    assert_string_equal(json_string_value(json_object_get(d, "kind")), "markdown");
    json_decref(all);
    session_close(x);
}

static void test_lsp_hover_code_only_in_comments(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/hc.bind";
    open_doc(x, uri, "site a {\n    http *:80:e0201.example   # W0401\n}\n");
    json_decref(session_take(x));
    json_t *all;
    json_t *h = request_at(x, 1, "textDocument/hover", uri, 1, 15, &all);      /* e0201 in a host name */
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(h, "contents"), "value")), "**http** binding"));
    json_decref(all);
    h = request_at(x, 2, "textDocument/hover", uri, 1, 36, &all);              /* W0401 in a comment */
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(h, "contents"), "value")), "**W0401** (warning)"));
    json_decref(all);
    session_close(x);
}

static const char *labels(json_t *result)
{
    static char buf[2048];
    size_t len = 0;
    size_t i;
    json_t *it;
    buf[0] = '\0';
    json_array_foreach(json_object_get(result, "items"), i, it)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "", json_string_value(json_object_get(it, "label")));
    return buf;
}

static void test_lsp_completion(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/c.bind";
    const char *text =
        "platform \n"                                              /* 0 */
        "cert shop {\n"                                            /* 1 */
        "    store = \n"                                           /* 2 */
        "}\n"                                                      /* 3 */
        "site a {\n"                                               /* 4 */
        "    \n"                                                   /* 5 */
        "    https *:443:a.example cert=shop \n"                   /* 6 */
        "    https *:443:b.example cert=\n"                        /* 7 */
        "    server = \n"                                          /* 8 */
        "    net.t\n"                                              /* 9 */
        "}\n"                                                      /* 10 */
        "\n";                                                      /* 11 */
    open_doc(x, uri, text);
    json_decref(session_take(x));
    json_t *all;
    json_t *r = request_at(x, 1, "textDocument/completion", uri, 11, 0, &all);
    assert_string_equal(labels(r), "site cert platform defaults use iplisten");
    json_decref(all);
    r = request_at(x, 2, "textDocument/completion", uri, 0, 9, &all);
    assert_non_null(strstr(labels(r), "iis7 iis8 iis10 iis-express"));
    json_decref(all);
    r = request_at(x, 3, "textDocument/completion", uri, 2, 12, &all);
    assert_string_equal(labels(r), "My WebHosting");
    json_decref(all);
    r = request_at(x, 4, "textDocument/completion", uri, 5, 4, &all);
    assert_string_equal(labels(r), "http https ftp net.tcp net.pipe net.msmq msmq.formatname id path pool server root proxy autostart app");
    json_decref(all);
    r = request_at(x, 5, "textDocument/completion", uri, 6, 37, &all);
    assert_string_equal(labels(r), "sni ccs acl firewall http2 quic tls13 legacy_tls ocsp");    /* cert is given */
    json_decref(all);
    r = request_at(x, 6, "textDocument/completion", uri, 7, 31, &all);
    assert_string_equal(labels(r), "iisexpress-dev shop");
    json_decref(all);
    r = request_at(x, 7, "textDocument/completion", uri, 8, 13, &all);
    assert_string_equal(labels(r), "any iis nginx apache");
    json_decref(all);
    /* A partial word is replaced whole: net.t -> net.tcp */
    r = request_at(x, 8, "textDocument/completion", uri, 9, 9, &all);
    json_t *item = json_array_get(json_object_get(r, "items"), 3);
    assert_string_equal(json_string_value(json_object_get(item, "label")), "net.tcp");
    json_t *range = json_object_get(json_object_get(item, "textEdit"), "range");
    assert_int_equal(range_part(range, "start", "character"), 4);
    assert_int_equal(range_part(range, "end", "character"), 9);
    json_decref(all);
    /* Inside a comment: nothing. */
    change_doc(x, uri, 2, 11, 0, 11, 0, "# site ");
    r = request_at(x, 9, "textDocument/completion", uri, 11, 7, &all);
    assert_string_equal(labels(r), "");
    json_decref(all);
    session_close(x);
}

static void test_lsp_completion_use(void **state)
{
    (void)state;
    write_file("one.bind", "");
    write_file("two.bind", "");
    write_file("not-bind.txt", "");
    session *x = session_start(NULL);
    const char *uri = uri_of("main.bind");
    open_doc(x, uri, "use \"\n");
    json_decref(session_take(x));
    json_t *all;
    json_t *r = request_at(x, 1, "textDocument/completion", uri, 0, 5, &all);
    const char *l = labels(r);
    assert_non_null(strstr(l, "iis-express"));
    assert_non_null(strstr(l, "one.bind two.bind"));
    assert_null(strstr(l, "prelude"));
    assert_null(strstr(l, "not-bind"));
    json_decref(all);
    session_close(x);
}

static void test_lsp_document_symbols(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/s.bind";
    open_doc(x, uri, "platform iis10\ncert shop {\n}\nsite Shop {\n    http *:80:a sni\n    app \"/api\" {\n    }\n}\n");
    json_decref(session_take(x));
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}}}", "jsonrpc", "2.0", "id", 1, "method",
                              "textDocument/documentSymbol", "params", "textDocument", "uri", uri));
    json_t *all = session_take(x);
    json_t *r = json_object_get(find_response(all, 1), "result");
    assert_int_equal(json_array_size(r), 3);
    json_t *site = json_array_get(r, 2);
    assert_string_equal(json_string_value(json_object_get(site, "name")), "Shop");
    json_t *kids = json_object_get(site, "children");
    assert_int_equal(json_array_size(kids), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(kids, 0), "name")), "http *:80:a");
    assert_string_equal(json_string_value(json_object_get(json_array_get(kids, 0), "detail")), "sni");
    assert_string_equal(json_string_value(json_object_get(json_array_get(kids, 1), "name")), "/api");
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 1), "name")), "shop");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 1), "kind")), 20);
    json_decref(all);
    session_close(x);

    /* Without hierarchy support: SymbolInformation, flat. */
    x = session_start(NULL);
    open_doc(x, uri, "site Shop {\n    http *:80:a\n}\n");
    json_decref(session_take(x));
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}}}", "jsonrpc", "2.0", "id", 1, "method",
                              "textDocument/documentSymbol", "params", "textDocument", "uri", uri));
    all = session_take(x);
    r = json_object_get(find_response(all, 1), "result");
    assert_int_equal(json_array_size(r), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 1), "containerName")), "Shop");
    assert_non_null(json_object_get(json_array_get(r, 1), "location"));
    json_decref(all);
    session_close(x);
}

/* Applies the first code action's edit at the cursor to the document and
 * returns its title. */
static const char *apply_action(session *x, const char *uri, int line, int ch, int version, json_int_t id)
{
    static char title[128];
    session_send(x, json_pack("{s:s, s:I, s:s, s:{s:{s:s}, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:{s:[]}}}", "jsonrpc", "2.0",
                              "id", id, "method", "textDocument/codeAction", "params", "textDocument", "uri", uri,
                              "range", "start", "line", line, "character", ch, "end", "line", line, "character", ch,
                              "context", "diagnostics"));
    json_t *all = session_take(x);
    json_t *actions = json_object_get(find_response(all, id), "result");
    json_t *a = json_array_get(actions, 0);
    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "kind")), "quickfix");
    snprintf(title, sizeof title, "%s", json_string_value(json_object_get(a, "title")));
    json_t *edit = json_array_get(json_object_get(json_object_get(json_object_get(a, "edit"), "changes"), uri), 0);
    json_t *range = json_object_get(edit, "range");
    change_doc(x, uri, version, (int)range_part(range, "start", "line"), (int)range_part(range, "start", "character"),
               (int)range_part(range, "end", "line"), (int)range_part(range, "end", "character"),
               json_string_value(json_object_get(edit, "newText")));
    json_decref(all);
    return title;
}

static size_t symbol_count(json_t *list)
{
    size_t n = json_array_size(list), i;
    json_t *y;
    json_array_foreach(list, i, y) n += symbol_count(json_object_get(y, "children"));
    return n;
}

/* Every answer is bounded whatever the document (README, Limits): at most
 * 10,000 document symbols, 1,000 completion items (isIncomplete beyond,
 * and the items kept are those that start with the word typed), 64 KiB of
 * hover text, a dozen entries of a list in a hover. */
static void test_lsp_answers_are_capped(void **state)
{
    (void)state;
    bind_buf b;
    bind_buf_init(&b);
    for (int i = 0; i < 1500; i++) bind_buf_printf(&b, "cert c%d {}\n", i);
    for (int i = 0; i < 6000; i++) bind_buf_printf(&b, "site s%d { http *:80:h%d.example }\n", i, i);
    bind_buf_puts(&b, "site last {\n    https *:443:last.example cert=\n    https *:443:more.example cert=c1\n}\n");
    bind_buf_puts(&b, "cert many {\n    names = ");
    for (int i = 0; i < 2000; i++) bind_buf_printf(&b, "%sn%d.example", i ? ", " : "", i);
    bind_buf_puts(&b, "\n}\n");
    for (int k = 0; k < 3; k++) {      /* three sites of 30,000-byte names, which a hover of the catch-all names */
        bind_buf_puts(&b, "site \"");
        for (int i = 0; i < 30000; i++) bind_buf_putc(&b, 'x');
        bind_buf_printf(&b, "%d\" { http *:82:h%d.example }\n", k, k);
    }
    bind_buf_puts(&b, "site tail { http *:82: }\n");
    const int last = 1500 + 6000 + 1;                 /* the line of `cert=` */
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/capped.bind";
    open_doc(x, uri, b.data);
    json_decref(session_take(x));

    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}}}", "jsonrpc", "2.0", "id", 1, "method",
                              "textDocument/documentSymbol", "params", "textDocument", "uri", uri));
    json_t *all = session_take(x);
    json_t *r = json_object_get(find_response(all, 1), "result");
    assert_int_equal(symbol_count(r), 10000);          /* of 13,511 */
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "name")), "c0");   /* the first ones */
    json_decref(all);

    /* cert= with nothing typed: 1,502 certificates (the stdlib's too). */
    r = request_at(x, 2, "textDocument/completion", uri, last, 34, &all);
    assert_int_equal(json_array_size(json_object_get(r, "items")), 1000);
    assert_true(json_is_true(json_object_get(r, "isIncomplete")));
    json_decref(all);
    /* cert=c1 typed: the 611 names that start with c1, still incomplete. */
    r = request_at(x, 3, "textDocument/completion", uri, last + 1, 36, &all);
    json_t *items = json_object_get(r, "items");
    assert_int_equal(json_array_size(items), 611);
    assert_true(json_is_true(json_object_get(r, "isIncomplete")));
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) assert_int_equal(strncmp(json_string_value(json_object_get(it, "label")), "c1", 2), 0);
    json_decref(all);

    /* A certificate of 2,000 names lists 12; a hover that names three
     * sites of 30,000-byte names is cut at 64 KiB. */
    json_t *h = request_at(x, 4, "textDocument/hover", uri, last + 3, 6, &all);
    const char *v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_non_null(strstr(v, "`n11.example` and 1988 more"));
    json_decref(all);
    h = request_at(x, 5, "textDocument/hover", uri, last + 9, 13, &all);
    v = json_string_value(json_object_get(json_object_get(h, "contents"), "value"));
    assert_true(strlen(v) <= 65536 + 100);
    assert_non_null(strstr(v, "(cut at 64 KiB)"));
    json_decref(all);
    session_close(x);
    bind_buf_free(&b);
}

static void test_lsp_code_actions(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/fix.bind";
    open_doc(x, uri,
             "cert shop {\n"
             "    thumbprint = \xE2\x80\x8E" "3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n"
             "}\n"
             "site Shop {\n"
             "    htps *:443:shop.example cert=shop\n"
             "    http *:080:shop.example\n"
             "    https ::1:443:x.example cert=shop\n"
             "}\n");
    json_t *m = session_take(x);
    assert_int_equal(json_array_size(find_diagnostics(m, uri)), 4);
    json_decref(m);
    assert_string_equal(apply_action(x, uri, 1, 17, 2, 1), "Delete `U+200E`");
    assert_string_equal(apply_action(x, uri, 4, 6, 3, 2), "Replace `htps` with `https`");
    assert_string_equal(apply_action(x, uri, 5, 13, 4, 3), "Replace `080` with `80`");
    assert_string_equal(apply_action(x, uri, 6, 10, 5, 4), "Replace `::1` with `[::1]`");
    /* Every fix applied: no error is left. */
    m = session_take(x);
    json_t *diags = find_diagnostics(m, uri);
    assert_non_null(diags);
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d) assert_int_not_equal(json_integer_value(json_object_get(d, "severity")), 1);
    json_decref(m);
    session_close(x);
}

static void test_lsp_code_actions_only_on_diagnostic(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/fix2.bind";
    open_doc(x, uri, "site a {\n    http *:80:a.example\n    htps *:80:b.example\n}\n");
    json_decref(session_take(x));
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:{s:[], s:[s]}}}", "jsonrpc", "2.0",
                              "id", 1, "method", "textDocument/codeAction", "params", "textDocument", "uri", uri,
                              "range", "start", "line", 1, "character", 0, "end", "line", 1, "character", 5,
                              "context", "diagnostics", "only", "quickfix"));
    json_t *m = session_take(x);
    assert_int_equal(json_array_size(json_object_get(find_response(m, 1), "result")), 0);
    json_decref(m);
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:{s:[], s:[s]}}}", "jsonrpc", "2.0",
                              "id", 2, "method", "textDocument/codeAction", "params", "textDocument", "uri", uri,
                              "range", "start", "line", 2, "character", 4, "end", "line", 2, "character", 4,
                              "context", "diagnostics", "only", "refactor"));
    m = session_take(x);
    assert_int_equal(json_array_size(json_object_get(find_response(m, 2), "result")), 0);
    json_decref(m);
    session_close(x);
}

static void test_lsp_formatting(void **state)
{
    (void)state;
    session *x = session_start(rich_capabilities());
    const char *uri = "file:///nowhere/f.bind";
    const char *messy = "site   a {\n  HTTP   *:80:A.example\n}\n";
    open_doc(x, uri, messy);
    json_decref(session_take(x));
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}, s:{s:i, s:b}}}", "jsonrpc", "2.0", "id", 1, "method",
                              "textDocument/formatting", "params", "textDocument", "uri", uri,
                              "options", "tabSize", 4, "insertSpaces", 1));
    json_t *m = session_take(x);
    json_t *edits = json_object_get(find_response(m, 1), "result");
    assert_int_equal(json_array_size(edits), 1);
    json_t *e = json_array_get(edits, 0);
    json_t *r = json_object_get(e, "range");
    change_doc(x, uri, 2, (int)range_part(r, "start", "line"), (int)range_part(r, "start", "character"),
               (int)range_part(r, "end", "line"), (int)range_part(r, "end", "character"),
               json_string_value(json_object_get(e, "newText")));
    json_decref(m);
    json_decref(session_take(x));
    /* Formatting a formatted file changes nothing. */
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}}}", "jsonrpc", "2.0", "id", 2, "method",
                              "textDocument/formatting", "params", "textDocument", "uri", uri));
    m = session_take(x);
    assert_int_equal(json_array_size(json_object_get(find_response(m, 2), "result")), 0);
    json_decref(m);
    /* A syntax error: the request fails, with a reason. */
    change_doc(x, uri, 3, 0, 0, 0, 0, "site {\n");
    json_decref(session_take(x));
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}}}", "jsonrpc", "2.0", "id", 3, "method",
                              "textDocument/formatting", "params", "textDocument", "uri", uri));
    m = session_take(x);
    assert_int_equal(error_code(find_response(m, 3)), BIND_RPC_REQUEST_FAILED);
    json_decref(m);
    session_close(x);
}

/* Where a row of an explanation's table ends: its continuation lines are
 * indented past the row's name. */
static const char *row_end(const char *row)
{
    const char *e = row + 1;
    while ((e = strchr(e, '\n')) && strncmp(e + 1, "              ", 14) == 0) e++;
    return e;
}

/* The one vocabulary: the checker accepts every field where the editor
 * offers it (no E0006) and knows every option on every protocol, and
 * `bindc explain E0006` lists every field and option the vocabulary has. */
static void test_lsp_vocabulary_is_the_checkers(void **state)
{
    (void)state;
    static const struct { enum bind_block b; const char *head, *tail, *value, *row; } blocks[] = {
        { BIND_BLOCK_SITE, "site s {\n", "}\n", "x", "\n    site " },
        { BIND_BLOCK_CERT, "cert c {\n", "}\n", "x", "\n    cert " },
        { BIND_BLOCK_DEFAULTS, "defaults {\n", "}\n", "x", "\n    defaults " },
        { BIND_BLOCK_PLATFORM, "platform p {\n", "}\n", "x", "\n    platform " },
        { BIND_BLOCK_APP, "site s {\n app \"/a\" {\n", "}\n}\n", "x", "\n    app " },
    };
    const char *explained = bind_code_explanation(BIND_E0006);
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        size_t n;
        const bind_word *w = bind_vocab_fields(blocks[i].b, &n);
        assert_true(n > 0);
        /* The block's row of the explanation, continuation lines included. */
        const char *row = strstr(explained, blocks[i].row);
        assert_non_null(row);
        const char *end = row_end(row);
        for (size_t j = 0; j < n; j++) {
            char text[256];
            snprintf(text, sizeof text, "%s %s = %s\n%s", blocks[i].head, w[j].name, blocks[i].value, blocks[i].tail);
            bind_compilation *c = bind_compilation_new();
            bind_compilation_add_text(c, "v.bind", text, strlen(text));
            bind_compilation_check(c);
            for (size_t k = 0; k < c->diags.list.len; k++)
                if (c->diags.list.items[k]->code == BIND_E0006) fail_msg("field %s in %s: %s", w[j].name, bind_block_name(blocks[i].b), text);
            bind_compilation_free(c);
            char word[40];
            snprintf(word, sizeof word, " %s", w[j].name);
            const char *at = strstr(row, word);
            if (!at || (end && at > end)) fail_msg("bindc explain E0006 does not list field `%s` of %s", w[j].name, bind_block_name(blocks[i].b));
        }
    }
    size_t np;
    const bind_word *p = bind_vocab_protocols(&np);
    const char *row = strstr(explained, "\n    binding ");
    assert_non_null(row);
    for (size_t q = 0; q < BIND_OPTION_COUNT; q++) {
        const bind_option_word *o = &bind_options[q];
        char word[40];
        snprintf(word, sizeof word, " %s", o->word.name);
        const char *at = strstr(row, word), *end = row_end(row);
        if (!at || at > end) fail_msg("bindc explain E0006 does not list option `%s`", o->word.name);
        for (size_t j = 0; j < np; j++) {
            char text[256];
            snprintf(text, sizeof text, "site s {\n %s *:1:x %s%s\n}\n", p[j].name, o->word.name,
                     o->needs_value ? "=x" : o->word.value == BIND_VALUE_NONE ? "" : "=off");
            bind_compilation *c = bind_compilation_new();
            bind_compilation_add_text(c, "v.bind", text, strlen(text));
            bind_compilation_check(c);
            for (size_t k = 0; k < c->diags.list.len; k++) {
                enum bind_code code = c->diags.list.items[k]->code;
                if (code == BIND_E0006 || code == BIND_E0101) fail_msg("%s: %s", bind_code_name(code), text);
            }
            bind_compilation_free(c);
        }
    }
    size_t n;
    const bind_word *k = bind_vocab_keywords(&n);
    assert_int_equal(n, 6);
    assert_non_null(bind_word_find(k, n, "iplisten", 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lsp_diagnostics_ranges),
        cmocka_unit_test(test_lsp_diagnostics_incremental),
        cmocka_unit_test(test_lsp_files_that_use_each_other),
        cmocka_unit_test(test_lsp_used_file_not_open),
        cmocka_unit_test(test_lsp_hover),
        cmocka_unit_test(test_lsp_hover_apache),
        cmocka_unit_test(test_lsp_hover_diagnostic_code),
        cmocka_unit_test(test_lsp_hover_plaintext),
        cmocka_unit_test(test_lsp_hover_code_only_in_comments),
        cmocka_unit_test(test_lsp_completion),
        cmocka_unit_test(test_lsp_completion_use),
        cmocka_unit_test(test_lsp_document_symbols),
        cmocka_unit_test(test_lsp_answers_are_capped),
        cmocka_unit_test(test_lsp_code_actions),
        cmocka_unit_test(test_lsp_code_actions_only_on_diagnostic),
        cmocka_unit_test(test_lsp_formatting),
        cmocka_unit_test(test_lsp_vocabulary_is_the_checkers),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
