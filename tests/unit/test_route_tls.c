/* Unit tests for the TLS handshake of `bindc route`: which certificate
 * HTTP.sys (runtime/route_ssl.c), nginx (route_nginx.c) and Apache
 * (route_apache.c) present to a client hello with SNI, without, or with
 * another name than the Host, or why the handshake is refused — and the
 * tls: line that says so (route_reason.c).  A grid also holds HTTP.sys's
 * and nginx's handshakes to the same outcome, as the nginx target is
 * built to refuse where HTTP.sys resets. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "runtime/apache_plan.h"
#include "runtime/nginx_plan.h"
#include "runtime/route.h"

#define LEN(a) (sizeof(a) / sizeof *(a))
#define CERTS "cert c {\n thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\"\n pem = \"/c.pem\"\n key = \"/c.key\"\n}\n" \
              "cert d {\n thumbprint = \"4a1b9f0077c24e6d0a115b2c8d3e4f5061728394\"\n pem = \"/d.pem\"\n key = \"/d.key\"\n}\n"

/* "-" for no SNI, NULL for what a browser sends, else the name. */
static bind_route_hello hello_of(const char *sni)
{
    bind_route_hello h = { BIND_SNI_BROWSER, NULL };
    if (sni && strcmp(sni, "-") == 0) h.mode = BIND_SNI_NONE;
    else if (sni) { h.mode = BIND_SNI_NAME; h.sni = sni; }
    return h;
}

/* HTTP.sys: the IIS rules with the handshake first. */
static void iis(bind_compilation *c, const char *local, uint16_t port, const char *host, const char *sni, bind_route_result *r)
{
    bind_route_iis *ix = bind_route_iis_new(c->model, BIND_SERVER_IIS);
    bind_route_ssl *ssl = bind_route_ssl_new(c->model, BIND_SERVER_IIS);
    bind_route_request rq = { BIND_PROTO_HTTPS, addr_of(local), port, host };
    bind_route_hello h = hello_of(sni);
    bind_route_iis_resolve(ix, &rq, r);
    bind_route_ssl_apply(ssl, &rq, &h, r);
    bind_route_ssl_free(ssl);
    bind_route_iis_free(ix);
}

static const char *iis_tls(bind_compilation *c, const char *local, uint16_t port, const char *host, const char *sni)
{
    bind_route_result r;
    iis(c, local, port, host, sni, &r);
    bind_route_request rq = { BIND_PROTO_HTTPS, addr_of(local), port, host };
    return bind_route_tls_text(c->arena, &c->sources, &rq, &r, NULL, NULL);
}

typedef struct tls_case {
    const char *local;
    const char *host, *sni;          /* sni: NULL what a browser sends, "-" none */
    const char *site;                /* NULL: no site */
    enum bind_route_tls_pick pick;
    enum bind_route_tls_refusal refused;
    const char *cert;                /* NULL: none named */
    const char *text;                /* a substring of the tls: line, or NULL */
} tls_case;

static void run_iis(const char *bind, const tls_case *t, size_t n)
{
    bind_compilation *c = compile_ok(bind);
    for (size_t i = 0; i < n; i++) {
        bind_route_result r;
        iis(c, t[i].local, 443, t[i].host, t[i].sni, &r);
        const char *text = iis_tls(c, t[i].local, 443, t[i].host, t[i].sni);
        bool ok = r.tls.pick == t[i].pick && r.tls.refused == t[i].refused &&
                  (t[i].site ? r.binding && strcmp(r.binding->site->name, t[i].site) == 0
                             : !r.binding && (!t[i].refused || r.refusal == BIND_REFUSE_HANDSHAKE)) &&
                  (t[i].cert ? r.tls.cert && strcmp(r.tls.cert->name, t[i].cert) == 0 : !r.tls.cert) &&
                  (!t[i].text || (text && strstr(text, t[i].text)));
        if (!ok) {
            fprintf(stderr, "case %zu (%s, host %s, sni %s): pick %d refused %d site %s refusal %d\n  tls: %s\n", i, t[i].local,
                    t[i].host ? t[i].host : "-", t[i].sni ? t[i].sni : "(browser)", r.tls.pick, r.tls.refused,
                    r.binding ? r.binding->site->name : "-", r.refusal, text ? text : "(none)");
            fail();
        }
    }
    bind_compilation_free(c);
}

static void test_http_sys_sni(void **state)
{
    (void)state;
    static const tls_case t[] = {
        /* SNI = the Host: the hostnameport record of its binding. */
        { "10.0.0.1", "a.x", NULL, "A", BIND_TLS_HOSTNAMEPORT, 0, "c", "SNI `a.x`: HTTP.sys presents certificate `c` (t.bind:2:6) from its SSL binding hostnameport=a.x:443, made for https *:443:a.x (t.bind:" },
        { "10.0.0.1", "b.x", NULL, "B", BIND_TLS_HOSTNAMEPORT, 0, "d", "hostnameport=b.x:443" },
        /* Another name than the Host: its certificate, then the Host's site (HTTP.sys answers no 421). */
        { "10.0.0.1", "a.x", "b.x", "A", BIND_TLS_HOSTNAMEPORT, 0, "d", "SNI `b.x`" },
        /* No SNI on a port of hostnameport records only: reset. */
        { "10.0.0.1", "a.x", "-", NULL, BIND_TLS_NONE, BIND_TLS_NO_SNI, NULL,
          "no SNI: refused: HTTP.sys resets the connection: no ipport=10.0.0.1:443 or 0.0.0.0:443 serves a client without SNI" },
        /* A URL by address sends no SNI. */
        { "10.0.0.1", "10.0.0.1", NULL, NULL, BIND_TLS_NONE, BIND_TLS_NO_SNI, NULL, "no SNI: refused" },
        /* An SNI no record has, and nothing to fall back to. */
        { "10.0.0.1", "a.x", "zz.x", NULL, BIND_TLS_NONE, BIND_TLS_NO_RECORD, NULL,
          "no hostnameport=zz.x:443, no ccs=443, and no ipport=10.0.0.1:443 or 0.0.0.0:443 to fall back to" },
        /* IPv6 looks up [::]:443 too. */
        { "2001:db8::1", "a.x", "-", NULL, BIND_TLS_NONE, BIND_TLS_NO_SNI, NULL, "ipport=[2001:db8::1]:443, [::]:443 or 0.0.0.0:443" },
    };
    run_iis("platform iis10\n" CERTS "site A {\n https *:443:a.x cert=c sni\n}\nsite B {\n https *:443:b.x cert=d sni\n}\n", t, LEN(t));
}

static void test_http_sys_ipport(void **state)
{
    (void)state;
    /* An IP:port certificate: the exact address's before 0.0.0.0's, which
     * `*` writes and which serves IPv6 too; [::]'s before it for IPv6. */
    static const tls_case t[] = {
        { "10.0.0.1", "a.x", "-", "A", BIND_TLS_IPPORT_ANY, 0, "c", "from its SSL binding ipport=0.0.0.0:443, made for https *:443: " },
        { "10.0.0.5", "a.x", "-", "A", BIND_TLS_IPPORT, 0, "d", "ipport=10.0.0.5:443" },
        { "10.0.0.5", "q.x", "-", "E", BIND_TLS_IPPORT, 0, "d", NULL },
        /* An SNI without a record falls back to the address. */
        { "10.0.0.1", "q.x", "zz.x", "C", BIND_TLS_IPPORT_ANY, 0, "c", NULL },
        { "10.0.0.1", "a.x", NULL, "A", BIND_TLS_HOSTNAMEPORT, 0, "d", NULL },
        { "2001:db8::1", "q.x", "-", "C", BIND_TLS_IPPORT_ANY, 0, "c", "ipport=0.0.0.0:443" },
    };
    run_iis("platform iis10\n" CERTS "site A {\n https *:443:a.x cert=d sni\n}\nsite C {\n https *:443: cert=c\n}\n"
            "site E {\n https 10.0.0.5:443: cert=d\n}\n", t, LEN(t));
    static const tls_case v6[] = {
        { "2001:db8::1", "q.x", "-", "F", BIND_TLS_IPPORT_ANY, 0, "d", "ipport=[::]:443" },
        { "10.0.0.1", "q.x", "-", "G", BIND_TLS_IPPORT_ANY, 0, "c", "ipport=0.0.0.0:443" },
    };
    run_iis("platform iis10\n" CERTS "site F {\n https [::]:443: cert=d\n}\nsite G {\n https 0.0.0.0:443: cert=c\n}\n", v6, LEN(v6));
}

static void test_http_sys_wildcard_ccs(void **state)
{
    (void)state;
    static const tls_case t[] = {
        { "10.0.0.1", "a.s.x", NULL, "W", BIND_TLS_HOSTNAMEPORT_WILD, 0, "c", "hostnameport=*.s.x:443" },
        { "10.0.0.1", "b.a.s.x", NULL, "W", BIND_TLS_HOSTNAMEPORT_WILD, 0, "c", NULL },
        /* The longest suffix: *.t.s.x before *.s.x. */
        { "10.0.0.1", "a.t.s.x", NULL, "V", BIND_TLS_HOSTNAMEPORT_WILD, 0, "d", "hostnameport=*.t.s.x:443" },
        /* The central certificate store, after the hostnameport records. */
        { "10.0.0.1", "k.x", NULL, "K", BIND_TLS_CCS, 0, NULL, "the central certificate store's certificate for SNI `k.x` from its SSL binding ccs=443" },
        { "10.0.0.1", "k.x", "-", NULL, BIND_TLS_NONE, BIND_TLS_NO_SNI, NULL, NULL },
    };
    run_iis("platform iis10\n" CERTS "site W {\n https *:443:*.s.x cert=c sni\n}\nsite V {\n https *:443:*.t.s.x cert=d sni\n}\n"
            "site K {\n https *:443:k.x ccs\n}\n", t, LEN(t));
}

static void test_http_sys_installer(void **state)
{
    (void)state;
    /* IIS Express: the installer bound the development certificate to
     * 0.0.0.0 on its ssl_ports; a binding that uses it sets nothing. */
    bind_compilation *c = compile_ok("platform iis-express\nsite Dev {\n https *:44301:localhost\n}\n");
    bind_route_result r;
    iis(c, "127.0.0.1", 44301, "localhost", "-", &r);
    assert_non_null(r.binding);
    assert_int_equal(r.tls.pick, BIND_TLS_INSTALLER);
    assert_string_equal(r.tls.cert->name, "iisexpress-dev");
    const char *text = iis_tls(c, "127.0.0.1", 44301, "localhost", "-");
    assert_non_null(strstr(text, "ipport=0.0.0.0:44301 that the platform's installer made"));
    /* Plain http has no handshake. */
    bind_route_request rq = { BIND_PROTO_HTTP, addr_of("127.0.0.1"), 44301, "localhost" };
    bind_route_ssl *ssl = bind_route_ssl_new(c->model, BIND_SERVER_IIS);
    bind_route_hello h = hello_of(NULL);
    bind_route_tls tls;
    bind_route_ssl_handshake(ssl, &rq, &h, &tls);
    assert_int_equal(tls.pick, BIND_TLS_NONE);
    bind_route_ssl_free(ssl);
    bind_compilation_free(c);
}

static void test_http_sys_reason(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("platform iis10\n" CERTS "site A {\n https *:443:a.x cert=c sni\n}\n");
    bind_route_result r;
    iis(c, "10.0.0.1", 443, "a.x", "-", &r);
    bind_route_request rq = { BIND_PROTO_HTTPS, addr_of("10.0.0.1"), 443, "a.x" };
    assert_int_equal(r.refusal, BIND_REFUSE_HANDSHAKE);
    assert_string_equal(r.unreached->site->name, "A");
    assert_string_equal(bind_route_reason(c->arena, &rq, &r, NULL),
                        "the TLS handshake fails before the Host is read: HTTP.sys resets the connection, as no SSL binding "
                        "serves a client without SNI here; the Host alone would reach site `A` (https *:443:a.x)");
    bind_compilation_free(c);
}

/* ---- nginx ------------------------------------------------------------- */

static void nginx(bind_compilation *c, const bind_nginx_plan *p, const char *local, const char *host, const char *sni,
                  bind_route_result *r, const char **text)
{
    bind_route_nginx *rn = bind_route_nginx_new(p);
    bind_route_request rq = { BIND_PROTO_HTTPS, addr_of(local), 443, host };
    bind_route_hello h = hello_of(sni);
    bind_route_nginx_resolve_tls(rn, &rq, &h, r);
    *text = bind_route_tls_text(c->arena, &c->sources, &rq, r, p, NULL);
    bind_route_nginx_free(rn);
}

static void test_nginx_tls(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("platform iis10\n" CERTS "site A {\n https *:443:a.x cert=c sni\n}\n"
                                     "site B {\n https *:443:b.x cert=d sni\n}\n");
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    bind_route_result r;
    const char *text;
    nginx(c, p, "10.0.0.1", "a.x", NULL, &r, &text);
    assert_string_equal(r.binding->site->name, "A");
    assert_int_equal(r.tls.pick, BIND_TLS_NAMED);
    assert_string_equal(r.tls.cert->name, "c");
    assert_string_equal(text, "SNI `a.x`: nginx presents certificate `c` (t.bind:2:6), of the server block of site `A` whose "
                              "server_name a.x matches on *:443");
    /* Another name: B's certificate, then the Host's server (no 421 without client certificates). */
    nginx(c, p, "10.0.0.1", "a.x", "b.x", &r, &text);
    assert_string_equal(r.binding->site->name, "A");
    assert_string_equal(r.tls.cert->name, "d");
    /* No SNI, or one no server_name has: the generated default server rejects it. */
    nginx(c, p, "10.0.0.1", "a.x", "-", &r, &text);
    assert_null(r.binding);
    assert_int_equal(r.refusal, BIND_REFUSE_HANDSHAKE);
    assert_int_equal(r.tls.refused, BIND_TLS_REJECT);
    assert_string_equal(r.unreached->site->name, "A");
    assert_string_equal(text, "no SNI: refused: the default_server of *:443 is the generated one with ssl_reject_handshake on");
    bind_route_request rq = { BIND_PROTO_HTTPS, addr_of("10.0.0.1"), 443, "a.x" };
    assert_non_null(strstr(bind_route_reason(c->arena, &rq, &r, p), "nginx rejects it, as the client sends no SNI; the Host alone would reach site `A`"));
    nginx(c, p, "10.0.0.1", "a.x", "zz.x", &r, &text);
    assert_int_equal(r.tls.refused, BIND_TLS_REJECT);
    assert_non_null(strstr(text, "SNI `zz.x` (no server_name on *:443 matches it): refused"));
    /* Without the hello, the Host alone, as the checks compare. */
    bind_route_nginx *rn = bind_route_nginx_new(p);
    bind_route_nginx_resolve(rn, &rq, &r);
    assert_string_equal(r.binding->site->name, "A");
    assert_int_equal(r.tls.pick, BIND_TLS_NONE);
    bind_route_nginx_free(rn);
    bind_compilation_free(c);

    /* A catch-all is the default server: its certificate for every client. */
    c = compile_ok("platform iis10\n" CERTS "site A {\n https *:443:a.x cert=c sni\n}\nsite C {\n https *:443: cert=d\n}\n");
    p = bind_nginx_plan_build(c->arena, c->model);
    nginx(c, p, "10.0.0.1", "a.x", "-", &r, &text);
    assert_string_equal(r.binding->site->name, "A");
    assert_int_equal(r.tls.pick, BIND_TLS_DEFAULT);
    assert_string_equal(r.tls.cert->name, "d");
    assert_non_null(strstr(text, "of the default_server of *:443, site `C`"));
    bind_compilation_free(c);

    /* HTTP.sys's IP:port certificate without a catch-all: the generated
     * default server presents it, then answers 404. */
    c = compile_ok("platform iis10\n" CERTS "site A {\n https *:443:a.x cert=c\n}\nsite B {\n https *:443:b.x cert=d sni\n}\n");
    p = bind_nginx_plan_build(c->arena, c->model);
    nginx(c, p, "10.0.0.1", "a.x", "-", &r, &text);
    assert_string_equal(r.binding->site->name, "A");
    assert_string_equal(r.tls.cert->name, "c");
    assert_non_null(strstr(text, "the generated one (it then answers 404)"));
    nginx(c, p, "10.0.0.1", "zz.x", "-", &r, &text);
    assert_null(r.binding);
    assert_int_equal(r.refusal, BIND_REFUSE_DEFAULT);
    assert_int_equal(r.tls.refused, BIND_TLS_OK);
    bind_compilation_free(c);
}

/* HTTP.sys and nginx's output agree on every handshake: where one
 * refuses, so does the other, and where neither does the same site answers. */
static void test_nginx_mirrors_http_sys(void **state)
{
    (void)state;
    static const char *const sets[] = {
        "site A {\n https *:443:a.x cert=c sni\n https 10.0.0.2:443: cert=d\n}\nsite B {\n https *:443:*.b.x cert=c sni\n}\n",
        "site A {\n https *:443:a.x cert=c\n https *:443:w.a.x cert=c sni\n}\nsite B {\n https 10.0.0.2:443:b.x cert=d sni\n}\n",
        "site A {\n https 0.0.0.0:443:a.x cert=c sni\n https [::]:443: cert=d\n}\nsite B {\n https *:443:b.x cert=c sni\n}\n",
        "site A {\n https *:443: cert=c\n}\nsite B {\n https 10.0.0.2:443:b.x cert=d sni\n}\n",
    };
    static const char *const locals[] = { "10.0.0.1", "10.0.0.2", "2001:db8::1" };
    static const char *const hosts[] = { "a.x", "b.x", "w.a.x", "q.b.x", "zz.x", "10.0.0.2" };
    static const char *const snis[] = { NULL, "-", "a.x", "zz.x" };
    char text[1024];
    size_t asked = 0;
    for (size_t k = 0; k < LEN(sets); k++) {
        snprintf(text, sizeof text, "platform iis10\n" CERTS "%s", sets[k]);
        bind_compilation *c = compile_ok(text);
        bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
        bind_route_nginx *rn = bind_route_nginx_new(p);
        bind_route_iis *ix = bind_route_iis_new(c->model, BIND_SERVER_NGINX);
        bind_route_ssl *ssl = bind_route_ssl_new(c->model, BIND_SERVER_NGINX);
        for (size_t l = 0; l < LEN(locals); l++)
            for (size_t h = 0; h < LEN(hosts); h++)
                for (size_t s = 0; s < LEN(snis); s++) {
                    bind_route_request rq = { BIND_PROTO_HTTPS, addr_of(locals[l]), 443, hosts[h] };
                    bind_route_hello hello = hello_of(snis[s]);
                    bind_route_result a, b;
                    bind_route_iis_resolve(ix, &rq, &a);
                    bind_route_ssl_apply(ssl, &rq, &hello, &a);
                    bind_route_nginx_resolve_tls(rn, &rq, &hello, &b);
                    bool same = (a.refusal == BIND_REFUSE_HANDSHAKE) == (b.refusal == BIND_REFUSE_HANDSHAKE) &&
                                (a.binding ? b.binding && a.binding->site == b.binding->site : !b.binding);
                    if (!same) {
                        fprintf(stderr, "set %zu, %s host %s sni %s: HTTP.sys %s (refusal %d), nginx %s (refusal %d)\n", k,
                                locals[l], hosts[h], snis[s] ? snis[s] : "(browser)", a.binding ? a.binding->site->name : "-",
                                a.refusal, b.binding ? b.binding->site->name : "-", b.refusal);
                        fail();
                    }
                    asked++;
                }
        bind_route_ssl_free(ssl);
        bind_route_iis_free(ix);
        bind_route_nginx_free(rn);
        bind_compilation_free(c);
    }
    assert_int_equal(asked, LEN(sets) * LEN(locals) * LEN(hosts) * LEN(snis));
}

/* ---- Apache ------------------------------------------------------------ */

static void test_apache_tls(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("platform iis10\n" CERTS "site A {\n https *:443:a.x cert=c sni\n}\n"
                                     "site B {\n https *:443:b.x cert=d sni\n}\n");
    bind_apache_plan *p = bind_apache_plan_build(c->arena, c->model);
    bind_route_apache *ra = bind_route_apache_new(p);
    bind_route_request rq = { BIND_PROTO_HTTPS, addr_of("10.0.0.1"), 443, "b.x" };
    bind_route_result r;
    bind_route_apache_resolve(ra, &rq, NULL, &r);
    assert_string_equal(r.binding->site->name, "B");
    assert_int_equal(r.tls.pick, BIND_TLS_NAMED);
    assert_string_equal(r.tls.cert->name, "d");
    const char *text = bind_route_tls_text(c->arena, &c->sources, &rq, &r, NULL, p);
    assert_non_null(strstr(text, "SNI `b.x`: Apache presents certificate `d` (t.bind:"));
    assert_non_null(strstr(text, "of the <VirtualHost> of site `B` on *:443 whose names match it (b.x)"));
    /* No SNI: the first block's, which Apache cannot refuse; its
     * certificate is not B's: 421. */
    bind_route_apache_resolve(ra, &rq, "", &r);
    assert_null(r.binding);
    assert_int_equal(r.refusal, BIND_REFUSE_MISDIRECTED);
    assert_int_equal(r.tls.pick, BIND_TLS_DEFAULT);
    assert_string_equal(r.tls.cert->name, "c");
    text = bind_route_tls_text(c->arena, &c->sources, &rq, &r, NULL, p);
    assert_non_null(strstr(text, "no SNI: Apache presents certificate `c`"));
    assert_non_null(strstr(text, "the generated refusing one (Apache cannot refuse a handshake)"));
    rq.host = "a.x";
    bind_route_apache_resolve(ra, &rq, "zz.x", &r);
    assert_string_equal(r.binding->site->name, "A");
    text = bind_route_tls_text(c->arena, &c->sources, &rq, &r, NULL, p);
    assert_non_null(strstr(text, "SNI `zz.x` (no ServerName or ServerAlias on *:443 matches it)"));
    /* Plain http: no tls: line. */
    rq.protocol = BIND_PROTO_HTTP;
    rq.port = 80;
    bind_route_apache_resolve(ra, &rq, NULL, &r);
    assert_null(bind_route_tls_text(c->arena, &c->sources, &rq, &r, NULL, p));
    bind_route_apache_free(ra);
    bind_compilation_free(c);
}

static void test_sni_of(void **state)
{
    (void)state;
    char out[64];
    bind_route_request rq = { BIND_PROTO_HTTPS, addr_of("10.0.0.1"), 443, "Shop.Example.:8443" };
    bind_route_hello h = hello_of(NULL);
    assert_int_equal(bind_route_sni_of(&rq, &h, out, sizeof out), 12);
    assert_string_equal(out, "shop.example");
    rq.host = "10.0.0.1:443";
    assert_int_equal(bind_route_sni_of(&rq, &h, out, sizeof out), 0);
    rq.host = "[::1]";
    assert_int_equal(bind_route_sni_of(&rq, &h, out, sizeof out), 0);
    rq.host = NULL;
    assert_int_equal(bind_route_sni_of(&rq, &h, out, sizeof out), 0);
    h = hello_of("Other.Example");
    assert_int_equal(bind_route_sni_of(&rq, &h, out, sizeof out), 13);
    assert_string_equal(out, "other.example");
    h = hello_of("");
    assert_int_equal(bind_route_sni_of(&rq, &h, out, sizeof out), 0);
    rq.host = "a.x";
    h = hello_of("-");
    assert_int_equal(bind_route_sni_of(&rq, &h, out, sizeof out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_sys_sni),
        cmocka_unit_test(test_http_sys_ipport),
        cmocka_unit_test(test_http_sys_wildcard_ccs),
        cmocka_unit_test(test_http_sys_installer),
        cmocka_unit_test(test_http_sys_reason),
        cmocka_unit_test(test_nginx_tls),
        cmocka_unit_test(test_nginx_mirrors_http_sys),
        cmocka_unit_test(test_apache_tls),
        cmocka_unit_test(test_sni_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
