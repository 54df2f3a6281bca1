/* Unit tests for the whole box (runtime/route_box.c): which server owns a
 * request's socket — HTTP.sys on its ports and IP listen list, nginx and
 * Apache on their listen lines — and that server's answer, with both steps
 * in the reason; the seed's IIS + nginx + `iplisten ::` setup included. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "base/file_io.h"
#include "runtime/route_box.h"

#define LEN(a) (sizeof(a) / sizeof *(a))

typedef struct box_case {
    const char *url;                 /* "http" or "https" */
    const char *local;
    uint16_t port;
    const char *host;
    enum bind_server server;         /* who answers; ANY: nothing listens */
    const char *site;                /* NULL: no site */
    const char *reason;              /* a substring of the reason, or NULL */
} box_case;

static void ask(bind_compilation *c, enum bind_server only, const box_case *t, bind_route_box_answer *ans)
{
    bind_route_box *box = bind_route_box_new(c->model, only, NULL, NULL);
    bind_route_request rq = { strcmp(t->url, "https") == 0 ? BIND_PROTO_HTTPS : BIND_PROTO_HTTP, addr_of(t->local), t->port, t->host };
    bind_route_hello hello = { BIND_SNI_BROWSER, NULL };
    bind_route_box_resolve(box, &rq, &hello, "/", &c->sources, c->arena, ans);
    bind_route_box_free(box);
}

static void run(bind_compilation *c, const box_case *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bind_route_box_answer ans;
        ask(c, BIND_SERVER_ANY, &t[i], &ans);
        bool ok = ans.server == t[i].server &&
                  (t[i].site ? ans.r.binding && strcmp(ans.r.binding->site->name, t[i].site) == 0 : !ans.r.binding) &&
                  (!t[i].reason || strstr(ans.reason, t[i].reason));
        if (!ok) {
            fprintf(stderr, "case %zu (%s %s:%u host %s): server %d site %s\n  reason: %s\n", i, t[i].url, t[i].local, t[i].port,
                    t[i].host ? t[i].host : "-", ans.server, ans.r.binding ? ans.r.binding->site->name : "-", ans.reason);
            fail();
        }
    }
}

#define SEED "platform iis10\niplisten ::\n" \
             "site Intranet {\n server = iis\n http [::]:80:intranet.example\n}\n" \
             "site Shop {\n server = nginx\n root = \"/srv/shop\"\n http 0.0.0.0:80:shop.example\n http 0.0.0.0:80:www.shop.example\n}\n"

static void test_box_seed(void **state)
{
    (void)state;
    static const box_case t[] = {
        { "http", "127.0.0.1", 80, "shop.example", BIND_SERVER_NGINX, "Shop",
          "socket 127.0.0.1:80 belongs to nginx (it listens on *:80; `iplisten` leaves it out of HTTP.sys); nginx: exact server_name shop.example on *:80" },
        { "http", "::1", 80, "intranet.example", BIND_SERVER_IIS, "Intranet",
          "socket [::1]:80 belongs to HTTP.sys (`iplisten ::` takes it); HTTP.sys: host name match" },
        /* Each server answers for its own socket only. */
        { "http", "::1", 80, "shop.example", BIND_SERVER_IIS, NULL, "HTTP.sys: no binding names host `shop.example`" },
        { "http", "10.0.0.9", 80, "intranet.example", BIND_SERVER_NGINX, NULL, "nginx: the generated default server of *:80 refuses it" },
        /* Nobody listens on a port neither names. */
        { "http", "127.0.0.1", 81, "shop.example", BIND_SERVER_ANY, NULL,
          "nothing listens on 127.0.0.1:81: HTTP.sys serves no site on port 81; no listen of nginx takes it" },
    };
    bind_compilation *c = compile_ok(SEED);
    run(c, t, LEN(t));
    /* --server: one server's rules alone, with no owner step. */
    bind_route_box_answer ans;
    ask(c, BIND_SERVER_IIS, &t[0], &ans);
    assert_null(ans.r.binding);
    assert_int_equal(ans.r.refusal, BIND_REFUSE_NOT_LISTENING);
    assert_string_equal(ans.reason, "HTTP.sys does not listen on 127.0.0.1: `iplisten` leaves it out");
    ask(c, BIND_SERVER_NGINX, &t[1], &ans);
    assert_null(strstr(ans.reason, "socket"));
    bind_compilation_free(c);

    /* An IPv6-only list of addresses. */
    static const box_case v6[] = {
        { "http", "127.0.0.1", 80, "shop.example", BIND_SERVER_NGINX, "Shop", "`iplisten` leaves it out of HTTP.sys" },
        { "http", "::1", 80, "intranet.example", BIND_SERVER_IIS, "Intranet", "`iplisten ::1` takes it" },
        /* nginx listens on IPv4 only (0.0.0.0), HTTP.sys on ::1 only. */
        { "http", "2001:db8::7", 80, "shop.example", BIND_SERVER_ANY, NULL,
          "nothing listens on [2001:db8::7]:80: `iplisten` leaves it out of HTTP.sys; no listen of nginx takes it" },
    };
    c = compile_ok("platform iis10\niplisten [::1]\n"
                   "site Intranet {\n server = iis\n http [::1]:80:intranet.example\n}\n"
                   "site Shop {\n server = nginx\n http 0.0.0.0:80:shop.example\n}\n");
    run(c, v6, LEN(v6));
    bind_compilation_free(c);
}

static void test_box_example(void **state)
{
    (void)state;
    /* The seed as it is shipped, with https and its certificate. */
    char *text;
    size_t len;
    assert_int_equal(bind_read_file(BINDC_SOURCE_DIR "/examples/coexist-nginx.bind", 1 << 20, &text, &len), 0);
    bind_compilation *c = bind_compilation_new();
    bind_compilation_add_text(c, "coexist-nginx.bind", text, len);
    bind_compilation_check(c);
    free(text);
    assert_false(bind_diag_has_errors(&c->diags, false));
    static const box_case t[] = {
        { "http", "127.0.0.1", 80, "www.shop.example", BIND_SERVER_NGINX, "Shop", "belongs to nginx" },
        { "https", "127.0.0.1", 443, "shop.example", BIND_SERVER_NGINX, "Shop", "nginx: exact server_name shop.example on *:443" },
        { "http", "::1", 80, "intranet.example", BIND_SERVER_IIS, "Intranet", "belongs to HTTP.sys (`iplisten ::` takes it)" },
        /* Port 443 has no HTTP.sys site, and nginx listens on IPv4 only. */
        { "https", "::1", 443, "shop.example", BIND_SERVER_ANY, NULL, "HTTP.sys serves no site on port 443" },
    };
    run(c, t, LEN(t));
    bind_route_box_answer ans;
    ask(c, BIND_SERVER_ANY, &t[1], &ans);
    assert_non_null(ans.tls);
    assert_non_null(strstr(ans.tls, "SNI `shop.example`: nginx presents certificate `shop`"));
    bind_compilation_free(c);
}

static void test_box_http_sys_alone(void **state)
{
    (void)state;
    /* A box of HTTP.sys's sites only says what the IIS rules say, as before. */
    bind_compilation *c = compile_ok("platform iis10\nsite A {\n http *:80:a.x\n}\nsite B {\n http *:80:\n}\n");
    static const box_case t[] = {
        { "http", "10.0.0.1", 80, "a.x", BIND_SERVER_IIS, "A", NULL },
        { "http", "10.0.0.1", 81, "a.x", BIND_SERVER_IIS, NULL, NULL },
    };
    run(c, t, LEN(t));
    bind_route_box_answer ans;
    ask(c, BIND_SERVER_ANY, &t[0], &ans);
    assert_string_equal(ans.reason, "host name match beats catch-all binding *:80: of site `B`");
    ask(c, BIND_SERVER_ANY, &t[1], &ans);
    assert_string_equal(ans.reason, "no http binding on port 81 contains the address 10.0.0.1:81");
    bind_compilation_free(c);
}

static void test_box_contested(void **state)
{
    (void)state;
    /* An `any` site is HTTP.sys's, and nginx's output carries it too: both
     * would listen on port 80.  HTTP.sys holds it, and nginx, which cannot
     * bind it, does not start — its port 8080 is dead too. */
    bind_compilation *c = compile_ok("platform iis10\nsite A {\n http *:80:\n}\n"
                                     "site N {\n server = nginx\n http *:8080:n.x\n}\n");
    static const box_case t[] = {
        { "http", "127.0.0.1", 80, "a.x", BIND_SERVER_IIS, "A",
          "socket 127.0.0.1:80 belongs to HTTP.sys (HTTP.sys listens on every address on port 80, for site `A`, which it holds: "
          "nginx would listen there too (*:80) and does not start (E0208)); HTTP.sys: catch-all" },
        { "http", "127.0.0.1", 8080, "n.x", BIND_SERVER_ANY, NULL,
          "nothing listens on 127.0.0.1:8080: HTTP.sys serves no site on port 8080; nginx does not start: it cannot bind *:80, "
          "which HTTP.sys holds for site `A` (E0208)" },
    };
    run(c, t, LEN(t));
    bind_compilation_free(c);

    /* `iplisten` keeps HTTP.sys off IPv4: nginx starts and serves both. */
    c = compile_ok("platform iis10\niplisten ::\nsite A {\n http 0.0.0.0:80:\n}\n"
                   "site N {\n server = nginx\n http 0.0.0.0:8080:n.x\n}\n");
    static const box_case free4[] = {
        { "http", "127.0.0.1", 80, "a.x", BIND_SERVER_NGINX, "A", "nginx: default_server of *:80" },
        { "http", "127.0.0.1", 8080, "n.x", BIND_SERVER_NGINX, "N", NULL },
    };
    run(c, free4, LEN(free4));
    bind_compilation_free(c);
}

static void test_box_apache(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("platform iis10\niplisten 10.0.0.1\n"
                                     "site I {\n server = iis\n http 10.0.0.1:80:i.x\n}\n"
                                     "site P {\n server = apache\n http 10.0.0.5:80:p.x\n}\n");
    static const box_case t[] = {
        { "http", "10.0.0.5", 80, "p.x", BIND_SERVER_APACHE, "P",
          "socket 10.0.0.5:80 belongs to Apache (it listens on 10.0.0.5:80; `iplisten` leaves it out of HTTP.sys); Apache: " },
        { "http", "10.0.0.1", 80, "i.x", BIND_SERVER_IIS, "I", "`iplisten 10.0.0.1` takes it" },
        { "http", "10.0.0.7", 80, "p.x", BIND_SERVER_ANY, NULL, "no Listen of Apache takes it" },
    };
    run(c, t, LEN(t));
    bind_compilation_free(c);

    /* nginx and Apache on one socket (E0208): the server of the site that
     * comes first is taken to start first; the other does not start. */
    bind_compilation *e = compile_text("platform iis10\n"
                                       "site N {\n server = nginx\n http *:80:n.x\n}\n"
                                       "site P {\n server = apache\n http *:80:p.x\n http *:81:p.x\n}\n");
    assert_int_equal(count_code(e, BIND_E0208, 0, 0), 1);
    static const box_case both[] = {
        { "http", "10.0.0.1", 80, "n.x", BIND_SERVER_NGINX, "N", "belongs to nginx" },
        { "http", "10.0.0.1", 81, "p.x", BIND_SERVER_ANY, NULL, "Apache does not start: it cannot bind 80, which nginx holds (*:80, E0208)" },
    };
    run(e, both, LEN(both));
    bind_compilation_free(e);
}

/* Whether the box says Apache does not start, asked at an address its
 * Listen for the binding on `local` takes. */
static bool apache_down(bind_compilation *c, const char *local, uint16_t port)
{
    box_case t = { "https", local, port, "blog", BIND_SERVER_ANY, NULL, NULL };
    bind_route_box_answer ans;
    ask(c, BIND_SERVER_ANY, &t, &ans);
    return strstr(ans.reason, "does not start") != NULL;
}

#define BLOG_SHOP(iplisten, blog) \
    "platform iis10\n" iplisten \
    "cert shop {\n thumbprint = 3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n pem = \"/etc/ssl/shop.pem\"\n key = \"/etc/ssl/shop.key\"\n}\n" \
    "site Blog {\n server = apache\n https " blog ":443:blog cert=shop\n}\n" \
    "site Shop {\n server = iis\n https *:443:shop cert=shop\n}\n"

static void test_box_apache_both_families(void **state)
{
    (void)state;
    /* Apache on [::] is `Listen 443`, both families (apache_plan.h):
     * HTTP.sys on every address takes it, so check says E0208 and the box
     * that Apache does not start. */
    bind_compilation *c = compile_text(BLOG_SHOP("", "[::]"));
    assert_int_equal(count_code(c, BIND_E0208, 0, 0), 1);
    assert_true(apache_down(c, "::1", 443));

    /* The fix-it HTTP.sys keeps to IPv6, Apache to 0.0.0.0: clean, and each
     * server answers its own family. */
    char *fixed = apply_fixits(c, BIND_E0208);
    bind_compilation_free(c);
    assert_non_null(strstr(fixed, "iplisten ::\n"));
    assert_non_null(strstr(fixed, "https 0.0.0.0:443:blog"));
    c = compile_ok(fixed);
    free(fixed);
    assert_int_equal(count_code(c, BIND_E0208, 0, 0), 0);
    static const box_case split[] = {
        { "https", "127.0.0.1", 443, "blog", BIND_SERVER_APACHE, "Blog", "belongs to Apache (it listens on 0.0.0.0:443;" },
        { "https", "::1", 443, "shop", BIND_SERVER_IIS, "Shop", "belongs to HTTP.sys (`iplisten ::` takes it)" },
    };
    run(c, split, LEN(split));
    assert_false(apache_down(c, "127.0.0.1", 443));
    bind_compilation_free(c);

    /* The old fix-it, `iplisten 0.0.0.0`, leaves Apache's `Listen 443` on
     * HTTP.sys's IPv4: still E0208, and Apache does not start. */
    c = compile_text(BLOG_SHOP("iplisten 0.0.0.0\n", "[::]"));
    assert_int_equal(count_code(c, BIND_E0208, 0, 0), 1);
    static const box_case dead[] = {
        { "https", "::1", 443, "blog", BIND_SERVER_ANY, NULL,
          "nothing listens on [::1]:443: `iplisten` leaves it out of HTTP.sys; Apache does not start: it cannot bind 443, "
          "which HTTP.sys holds for site `Shop` (E0208)" },
    };
    run(c, dead, LEN(dead));
    bind_compilation_free(c);
}

static void test_box_e0208_fixits_clear(void **state)
{
    (void)state;
    /* Wherever E0208 offers fix-its that split the families, applying them
     * leaves no E0208, and the box then starts every server: nginx's `*`,
     * Apache's `*` and [::], and Apache's 0.0.0.0 that its own [::] makes
     * `Listen 443` (only the [::] moves). */
    static const char *const texts[] = {
        "site I {\n server = iis\n http *:80:i.lan\n}\nsite N {\n server = nginx\n http *:80:n.lan\n http *:80:m.lan\n}\n",
        BLOG_SHOP("", "*"),
        BLOG_SHOP("", "[::]"),
        "platform iis10\n"
        "site Shop {\n server = iis\n http *:80:shop.lan\n}\n"
        "site Blog {\n server = apache\n http 0.0.0.0:80:blog.lan\n http [::]:80:blog6.lan\n http *:80:blog46.lan\n}\n",
    };
    for (size_t i = 0; i < LEN(texts); i++) {
        bind_compilation *c = compile_text(texts[i]);
        assert_int_equal(count_code(c, BIND_E0208, 0, 0), 1);
        char *fixed = apply_fixits(c, BIND_E0208);
        bind_compilation_free(c);
        assert_non_null(strstr(fixed, "iplisten ::\n"));
        c = compile_ok(fixed);
        assert_int_equal(count_code(c, BIND_E0208, 0, 0), 0);
        box_case t = { "http", "127.0.0.1", 80, "x.lan", BIND_SERVER_ANY, NULL, NULL };
        if (strstr(fixed, "https")) { t.url = "https"; t.port = 443; }
        bind_route_box_answer ans;
        ask(c, BIND_SERVER_ANY, &t, &ans);
        if (strstr(ans.reason, "does not start") || ans.server == BIND_SERVER_IIS) {
            fprintf(stderr, "after the fix-its:\n%s\nreason: %s\n", fixed, ans.reason);
            fail();
        }
        free(fixed);
        bind_compilation_free(c);
    }
}

static void test_box_apache_agrees_with_e0208(void **state)
{
    (void)state;
    /* Check and the box read one rule for Apache's sockets: E0208 exactly
     * where the box says Apache does not start, over Apache's addresses
     * (one binding, or two whose any tier decides the Listen lines, or an
     * `any` site's that widens them) and HTTP.sys's listen lists. */
    static const char *const listens[] = { "", "iplisten 0.0.0.0\n", "iplisten ::\n", "iplisten 10.0.0.1\n", "iplisten ::1\n" };
    static const struct { const char *blog, *extra, *probe; } apache[] = {
        { "*", "", "127.0.0.1" },
        { "0.0.0.0", "", "127.0.0.1" },
        { "[::]", "", "127.0.0.1" },
        { "[::]", "", "::1" },
        { "10.0.0.5", "", "10.0.0.5" },
        { "[2001:db8::5]", "", "2001:db8::5" },
        { "10.0.0.5", " https 0.0.0.0:443:b2 cert=shop\n", "10.0.0.5" },
        { "0.0.0.0", " https [::]:443:b2 cert=shop\n", "127.0.0.1" },
        { "[2001:db8::5]", " https [::]:443:b2 cert=shop\n", "2001:db8::5" },
        { "[2001:db8::5]", " https 0.0.0.0:443:b2 cert=shop\n", "2001:db8::5" },
        { "0.0.0.0", "}\nsite Any {\n https [::]:443:any cert=shop\n", "127.0.0.1" },
    };
    for (size_t l = 0; l < LEN(listens); l++)
        for (size_t i = 0; i < LEN(apache); i++) {
            char text[1024];
            snprintf(text, sizeof text,
                     "platform iis10\n%s"
                     "cert shop {\n thumbprint = 3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n pem = \"/a.pem\"\n key = \"/a.key\"\n}\n"
                     "site Shop {\n server = iis\n https *:443:shop cert=shop\n}\n"
                     "site Blog {\n server = apache\n https %s:443:blog cert=shop\n%s}\n",
                     listens[l], apache[i].blog, apache[i].extra);
            bind_compilation *c = compile_text(text);
            bool e0208 = count_code(c, BIND_E0208, 0, 0) > 0, down = apache_down(c, apache[i].probe, 443);
            if (e0208 != down) {
                fprintf(stderr, "check says %s, the box %s:\n%s", e0208 ? "E0208" : "nothing", down ? "Apache down" : "Apache up", text);
                fail();
            }
            bind_compilation_free(c);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_box_seed),
        cmocka_unit_test(test_box_example),
        cmocka_unit_test(test_box_http_sys_alone),
        cmocka_unit_test(test_box_contested),
        cmocka_unit_test(test_box_apache),
        cmocka_unit_test(test_box_apache_both_families),
        cmocka_unit_test(test_box_e0208_fixits_clear),
        cmocka_unit_test(test_box_apache_agrees_with_e0208),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
