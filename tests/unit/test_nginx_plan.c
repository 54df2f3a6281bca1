/* Unit tests for the nginx plan (runtime/nginx_plan.c), nginx's selection
 * over it (runtime/route_nginx.c), the nginx target that prints it
 * (compiler/emit_nginx.c) and W0407/W0405 (compiler/check_route.c).
 *
 * Besides hand-picked plans, a property test: thousands of random binding
 * sets (fixed seed), each routed over a grid of requests by the IIS rules
 * and by nginx's algorithm over the plan; they must agree wherever the
 * checker raised no W0407, and W0407 must be raised where they do not.
 * The real-nginx half of this is tests/scripts/test_differential.sh. */
#include <stdio.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "emit_target.h"
#include "harness.h"
#include "runtime/nginx_plan.h"
#include "runtime/route.h"

#define LEN(a) (sizeof(a) / sizeof *(a))
#define CERT "cert c {\n thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\"\n pem = \"/p.pem\"\n key = \"/k.pem\"\n}\n"

static int64_t find_socket(const bind_nginx_plan *p, const char *addr, uint16_t port)
{
    bind_arena *a = bind_arena_new();
    int64_t found = -1;
    for (uint32_t i = 0; i < p->nsockets && found < 0; i++) {
        const char *t = bind_nginx_socket_text(a, &p->sockets[i]);
        char want[64];
        snprintf(want, sizeof want, "%s:%u", addr, port);
        if (strcmp(t, want) == 0) found = i;
    }
    bind_arena_free(a);
    return found;
}

/* The servers listening on a socket that carry `name`. */
static int servers_with_name(const bind_nginx_plan *p, uint32_t sock, const char *name)
{
    int n = 0;
    for (uint32_t i = 0; i < p->nservers; i++) {
        const bind_nginx_server *sv = &p->servers[i];
        bool listens = false;
        for (uint32_t j = 0; j < sv->nsockets; j++) listens |= sv->sockets[j] == sock;
        if (!listens) continue;
        for (uint32_t j = 0; j < sv->nnames; j++) n += strcmp(sv->names[j].name, name) == 0;
    }
    return n;
}

/* What nginx must never see: a name twice on one socket (a "conflicting
 * server name" warning), a socket without exactly one default server, a
 * server listening with the wrong protocol. */
static void assert_plan_sane(const bind_nginx_plan *p)
{
    for (uint32_t s = 0; s < p->nsockets; s++) {
        const bind_nginx_socket *so = &p->sockets[s];
        assert_true(so->default_server < p->nservers);
        const bind_nginx_server *def = &p->servers[so->default_server];
        bool listed = false;
        for (uint32_t j = 0; j < def->nsockets; j++) listed |= def->sockets[j] == s;
        assert_true(listed);
        for (uint32_t i = 0; i < p->nservers; i++) {
            const bind_nginx_server *sv = &p->servers[i];
            for (uint32_t j = 0; j < sv->nsockets; j++) {
                if (sv->sockets[j] != s) continue;
                assert_int_equal(sv->ssl, so->ssl);
                for (uint32_t k = 0; k < sv->nnames; k++) assert_int_equal(servers_with_name(p, s, sv->names[k].name), 1);
            }
        }
    }
}

/* ---- hand-picked plans ------------------------------------------------- */

static void test_nginx_plan_host_beats_ip(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("site H {\n http *:80:h.x\n}\nsite I {\n http 10.0.0.1:80:\n}\n");
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    assert_plan_sane(p);
    /* 10.0.0.1:80, *:80, [::]:80 */
    assert_int_equal(p->nsockets, 3);
    int64_t ip = find_socket(p, "10.0.0.1", 80), any = find_socket(p, "*", 80);
    assert_true(ip >= 0 && any >= 0);
    /* h.x is repeated on 10.0.0.1:80, where I is the default. */
    assert_int_equal(servers_with_name(p, (uint32_t)ip, "h.x"), 1);
    assert_string_equal(p->servers[p->sockets[ip].default_server].site->name, "I");
    /* On *:80 nothing is a catch-all: a generated server refuses. */
    assert_null(p->servers[p->sockets[any].default_server].site);
    assert_int_equal(p->servers[p->sockets[any].default_server].kind, BIND_NGINX_REFUSE);
    bind_compilation_free(c);
}

/* Sockets come by port, then IPv4 by address, `*`, IPv6 by address and
 * `[::]`, whatever the declaration order: IPv6 addresses that share their
 * first four bytes are ordered by the rest. */
static void test_nginx_plan_socket_order(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("site A {\n http [2001:db8::2]:80:\n http 10.0.0.2:80:\n http [2001:db8::1:0:0:1]:80:\n"
                                     " http *:8080:\n http [::]:80:a.x\n}\n"
                                     "site B {\n http [2001:db8::1]:80:\n http 10.0.0.1:80:\n http *:80:b.x\n"
                                     " http [2001:db8::2]:80:b.x\n http 9.0.0.1:8080:\n}\n");
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    assert_plan_sane(p);
    static const char *const want[] = {
        "10.0.0.1:80", "10.0.0.2:80", "*:80", "[2001:db8::1]:80", "[2001:db8::2]:80", "[2001:db8::1:0:0:1]:80",
        "[::]:80", "9.0.0.1:8080", "*:8080", "[::]:8080",
    };
    assert_int_equal(p->nsockets, LEN(want));
    bind_arena *a = bind_arena_new();
    for (uint32_t i = 0; i < p->nsockets; i++) assert_string_equal(bind_nginx_socket_text(a, &p->sockets[i]), want[i]);
    /* On [2001:db8::2]:80 both sites' bindings meet: A's catch-all, B's name. */
    int64_t s = find_socket(p, "[2001:db8::2]", 80);
    assert_true(s >= 0);
    assert_string_equal(p->servers[p->sockets[s].default_server].site->name, "A");
    assert_int_equal(servers_with_name(p, (uint32_t)s, "b.x"), 1);
    bind_arena_free(a);
    bind_compilation_free(c);
}

static void test_nginx_plan_wildcard_tiers(void **state)
{
    (void)state;
    /* IIS: on 10.0.0.1 the address's *.x beats the any-tier *.a.x; nginx
     * would take the longer one, so it stays off that socket. */
    bind_compilation *c = compile_ok("site W {\n http 10.0.0.1:80:*.x\n}\nsite X {\n http *:80:*.a.x\n http *:80:a.x\n}\n");
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    assert_plan_sane(p);
    int64_t ip = find_socket(p, "10.0.0.1", 80), any = find_socket(p, "*", 80);
    assert_int_equal(servers_with_name(p, (uint32_t)ip, "*.a.x"), 0);
    assert_int_equal(servers_with_name(p, (uint32_t)ip, "*.x"), 1);
    assert_int_equal(servers_with_name(p, (uint32_t)ip, "a.x"), 1);
    assert_int_equal(servers_with_name(p, (uint32_t)any, "*.a.x"), 1);
    bind_route_nginx *r = bind_route_nginx_new(p);
    bind_route_request rq = { BIND_PROTO_HTTP, addr_of("10.0.0.1"), 80, "b.a.x" };
    bind_route_result res;
    bind_route_nginx_resolve(r, &rq, &res);
    assert_non_null(res.binding);
    assert_string_equal(res.binding->site->name, "W");
    assert_int_equal(res.rule, BIND_ROUTE_NGINX_HEAD);
    rq.local = addr_of("10.0.0.2");
    bind_route_nginx_resolve(r, &rq, &res);
    assert_string_equal(res.binding->site->name, "X");
    bind_route_nginx_free(r);
    bind_compilation_free(c);
}

static void test_nginx_plan_tls_refusers(void **state)
{
    (void)state;
    /* SNI only: clients naming nothing are refused in the handshake.  A
     * binding without SNI gives the IP:port a certificate, as in HTTP.sys. */
    bind_compilation *c = compile_ok(CERT "site A {\n https *:443:a.x cert=c sni\n https 10.0.0.1:443:b.x cert=c\n}\n");
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    assert_plan_sane(p);
    int64_t ip = find_socket(p, "10.0.0.1", 443), any = find_socket(p, "*", 443);
    assert_int_equal(p->servers[p->sockets[any].default_server].kind, BIND_NGINX_REFUSE_TLS);
    assert_int_equal(p->servers[p->sockets[ip].default_server].kind, BIND_NGINX_REFUSE_TLS_CERT);
    assert_true(p->sockets[ip].ssl);
    bind_compilation_free(c);
}

static void test_nginx_plan_server_filter(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("site A {\n server = iis\n http *:80:a.x\n}\nsite B {\n server = nginx\n http *:81:b.x\n}\n"
                                     "site C {\n http *:82:\n}\n");
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    for (uint32_t i = 0; i < p->nsockets; i++) assert_int_not_equal(p->sockets[i].port, 80);
    assert_true(find_socket(p, "*", 81) >= 0 && find_socket(p, "*", 82) >= 0);
    bind_compilation_free(c);
}

/* A site's identities and name ranks, found by looking back over a small
 * site's bindings and by table in a big one (nginx_plan.c SITE_SCAN): the
 * same plan either way.  Each host on two addresses, over http and https:
 * one server block per protocol, listening on both sockets, with the names
 * in the site's order. */
static void test_nginx_plan_site_sizes(void **state)
{
    (void)state;
    for (int hosts = 3; hosts <= 12; hosts += 9) {      /* 12 bindings, then 48 */
        char text[8192];
        size_t len = (size_t)snprintf(text, sizeof text, "%ssite A {\n", CERT);
        for (int h = hosts - 1; h >= 0; h--)
            for (int a = 1; a <= 2; a++)
                len += (size_t)snprintf(text + len, sizeof text - len, " http 10.0.0.%d:80:h%d.x\n https 10.0.0.%d:443:h%d.x cert=c sni\n",
                                        a, h, a, h);
        snprintf(text + len, sizeof text - len, "}\n");
        bind_compilation *c = compile_ok(text);
        bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
        assert_plan_sane(p);
        int site_servers = 0;
        for (uint32_t i = 0; i < p->nservers; i++) {
            const bind_nginx_server *sv = &p->servers[i];
            if (!sv->site) continue;
            site_servers++;
            assert_int_equal(sv->nsockets, 2);
            assert_int_equal(sv->nnames, hosts);
            for (int k = 0; k < hosts; k++) {
                char want[16];
                snprintf(want, sizeof want, "h%d.x", hosts - 1 - k);
                assert_string_equal(sv->names[k].name, want);
            }
        }
        assert_int_equal(site_servers, 2);
        bind_compilation_free(c);
    }
}

/* ---- the router on its own: nginx's rules over a plan ------------------- */

static void test_nginx_route_rules(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("site A {\n http *:80:a.x\n http *:80:*.x\n}\nsite B {\n http *:80:*.b.x\n}\n"
                                     "site C {\n http *:80:\n}\n");
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    bind_route_nginx *r = bind_route_nginx_new(p);
    static const struct { const char *host; const char *site; enum bind_route_rule rule; } t[] = {
        { "a.x", "A", BIND_ROUTE_NGINX_EXACT }, { "A.X:80", "A", BIND_ROUTE_NGINX_EXACT },
        { "q.x", "A", BIND_ROUTE_NGINX_HEAD }, { "q.b.x", "B", BIND_ROUTE_NGINX_HEAD },
        { "x", "C", BIND_ROUTE_NGINX_DEFAULT }, { NULL, "C", BIND_ROUTE_NGINX_DEFAULT },
    };
    for (size_t i = 0; i < LEN(t); i++) {
        bind_route_request rq = { BIND_PROTO_HTTP, addr_of("192.0.2.7"), 80, t[i].host };
        bind_route_result res;
        bind_route_nginx_resolve(r, &rq, &res);
        assert_non_null(res.binding);
        assert_string_equal(res.binding->site->name, t[i].site);
        assert_int_equal(res.rule, t[i].rule);
    }
    /* Another port: nobody listens.  TLS to a plain socket: refused. */
    bind_route_request rq = { BIND_PROTO_HTTP, addr_of("192.0.2.7"), 81, "a.x" };
    bind_route_result res;
    bind_route_nginx_resolve(r, &rq, &res);
    assert_null(res.binding);
    assert_int_equal(res.refusal, BIND_REFUSE_NOT_LISTENING);
    rq.port = 80;
    rq.protocol = BIND_PROTO_HTTPS;
    bind_route_nginx_resolve(r, &rq, &res);
    assert_int_equal(res.refusal, BIND_REFUSE_TLS_MISMATCH);
    assert_non_null(strstr(bind_route_reason(c->arena, &rq, &res, p), "plain http socket"));
    bind_route_nginx_free(r);
    bind_compilation_free(c);
}

/* A trailing wildcard is nginx's own (.bind has none): a plan by hand. */
static void test_nginx_route_trailing_wildcard(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("site A {\n http *:80:mail.x\n}\n");
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    assert_int_equal(p->nservers, 2);
    bind_nginx_server *sv = &p->servers[1];
    assert_int_equal(sv->nnames, 1);
    sv->names[0].name = "mail.*";
    bind_route_nginx *r = bind_route_nginx_new(p);
    bind_route_request rq = { BIND_PROTO_HTTP, addr_of("192.0.2.7"), 80, "mail.example.org" };
    bind_route_result res;
    bind_route_nginx_resolve(r, &rq, &res);
    assert_int_equal(res.rule, BIND_ROUTE_NGINX_TAIL);
    assert_int_equal(res.server, 1);
    rq.host = "mailx.example.org";
    bind_route_nginx_resolve(r, &rq, &res);
    assert_int_equal(res.refusal, BIND_REFUSE_DEFAULT);
    bind_route_nginx_free(r);
    bind_compilation_free(c);
}

/* ---- the printed config --------------------------------------------------- */

static char *emit(bind_compilation *c, bool *ok)
{
    bind_buf out;
    bind_buf_init(&out);
    *ok = emit_target(c, "nginx", NULL, NULL, 0, &out);
    bind_buf_putc(&out, '\0');
    return out.data;
}

static void test_nginx_emit_shop(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok(CERT "site Shop {\n root = \"/srv/shop\"\n http *:80:shop.x\n http *:80:www.shop.x\n"
                                     " https *:443:shop.x cert=c sni\n}\nsite Fallback {\n http *:80:\n http 10.0.0.1:80:\n}\n");
    bool ok;
    char *text = emit(c, &ok);
    assert_true(ok);
    static const char *const want[] = {
        "server {\n    # no binding matches: refused as by HTTP.sys\n"
        "    listen 443 ssl default_server;\n    listen [::]:443 ssl default_server;\n    ssl_reject_handshake on;\n    return 404;\n}\n",
        "server {\n    # site \"Shop\"\n    listen 10.0.0.1:80;\n    listen 80;\n    listen [::]:80;\n"
        "    server_name shop.x www.shop.x;\n    root \"/srv/shop\";\n}\n",
        "server {\n    # site \"Shop\"\n    listen 443 ssl;\n    listen [::]:443 ssl;\n    server_name shop.x;\n"
        "    ssl_certificate \"/p.pem\";\n    ssl_certificate_key \"/k.pem\";\n    root \"/srv/shop\";\n}\n",
        "server {\n    # site \"Fallback\"\n    listen 10.0.0.1:80 default_server;\n    listen 80 default_server;\n"
        "    listen [::]:80 default_server;\n}\n",
    };
    for (size_t i = 0; i < LEN(want); i++) {
        if (!strstr(text, want[i])) fprintf(stderr, "missing:\n%s\nin:\n%s", want[i], text);
        assert_non_null(strstr(text, want[i]));
    }
    /* The same model gives the same bytes. */
    char *again = emit(c, &ok);
    assert_string_equal(text, again);
    free(again);
    free(text);
    bind_compilation_free(c);
}

static void test_nginx_emit_quoting(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("site \"a \\\"b\\\"\" {\n root = \"/srv/a \\\"q\\\" \\\\ b;{}#\"\n"
                                     " proxy = \"http://127.0.0.1:5000/x\"\n http *:80:\n}\n");
    bool ok;
    char *text = emit(c, &ok);
    assert_true(ok);
    assert_non_null(strstr(text, "    # site \"a \"b\"\"\n"));
    assert_non_null(strstr(text, "    root \"/srv/a \\\"q\\\" \\\\ b;{}#\";\n"));
    assert_non_null(strstr(text, "        proxy_pass \"http://127.0.0.1:5000/x\";\n"));
    free(text);
    bind_compilation_free(c);

    /* `$` is a variable in nginx with no escape: refused. */
    c = compile_ok("site A {\n root = \"/srv/$host\"\n http *:80:\n}\n");
    text = emit(c, &ok);
    assert_false(ok);
    assert_int_equal(count_code(c, BIND_E0007, 1, 6), 1);
    free(text);
    bind_compilation_free(c);
}

static void test_nginx_emit_e0304(void **state)
{
    (void)state;
    /* A declared certificate without files, a thumbprint, the central store:
     * one E0304 each, at the binding, however many servers use them. */
    bind_compilation *c = compile_ok(
        "cert nofiles {\n thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\"\n pem = \"/only.pem\"\n}\n"
        "site A {\n https *:443:a.x cert=nofiles sni\n https *:443:b.x cert=nofiles sni\n}\n"
        "site B {\n https *:8443:b.x cert=3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n}\n"
        "site C {\n https *:9443:c.x ccs sni\n}\n");
    bool ok;
    char *text = emit(c, &ok);
    assert_false(ok);
    assert_int_equal(count_code(c, BIND_E0304, 0, 0), 3);
    assert_int_equal(count_code(c, BIND_E0304, 6, 23), 1);
    free(text);
    bind_compilation_free(c);
}

static void test_nginx_emit_hash_sizes(void **state)
{
    (void)state;
    enum { N = 300 };
    size_t cap = (size_t)N * 40 + 64, len = 0;
    char *src = malloc(cap);
    assert_non_null(src);
    for (int i = 0; i < N; i++) len += (size_t)snprintf(src + len, cap - len, "site s%d {\n http *:80:h%d.x\n}\n", i, i);
    bind_compilation *c = compile_ok(src);
    free(src);
    bool ok;
    char *text = emit(c, &ok);
    assert_true(ok);
    assert_non_null(strstr(text, "server_names_hash_bucket_size 256;"));
    assert_non_null(strstr(text, "server_names_hash_max_size 1024;"));
    free(text);
    bind_compilation_free(c);

    c = compile_ok("site A {\n http *:80:h.x\n}\n");
    text = emit(c, &ok);
    assert_null(strstr(text, "server_names_hash"));
    free(text);
    bind_compilation_free(c);
}

/* ---- W0407 and W0405 ------------------------------------------------------- */

static void test_nginx_w0407(void **state)
{
    (void)state;
    /* nginx serves one protocol per address:port: plain http to 10.0.0.1:443
     * reaches A's catch-all under the routing rules and a TLS socket under
     * nginx.  (Sites HTTP.sys serves would draw E0204 instead.) */
    bind_compilation *c = compile_ok(CERT "site A {\n server = nginx\n http *:443:\n}\n"
                                     "site B {\n server = nginx\n https 10.0.0.1:443:b.x cert=c sni\n}\n");
    assert_int_equal(count_code(c, BIND_W0407, 0, 0), 1);
    bind_compilation_free(c);
    /* Expressible, however tangled: no W0407. */
    c = compile_ok("site H {\n http *:80:h.x\n http *:80:*.h.x\n}\nsite I {\n http 10.0.0.1:80:\n http 10.0.0.1:80:*.x\n}\n"
                   "site C {\n http [::]:80:\n http 0.0.0.0:80:c.x\n}\n");
    assert_int_equal(count_code(c, BIND_W0407, 0, 0), 0);
    bind_compilation_free(c);
}

static void test_nginx_w0405(void **state)
{
    (void)state;
    bind_compilation *c = compile_ok("iplisten 10.0.0.5\nsite A {\n http *:80:a.x\n http 10.0.0.6:80:\n}\n"
                                     "site B {\n http 10.0.0.5:80:a.x\n}\n");
    /* *:80:a.x loses to B on the only address HTTP.sys listens on; 10.0.0.6
     * is not listened on at all. */
    assert_int_equal(count_code(c, BIND_W0405, 0, 0), 2);
    assert_int_equal(count_code(c, BIND_W0405, 3, 7), 1);
    assert_int_equal(count_code(c, BIND_W0405, 4, 7), 1);
    bind_compilation_free(c);
    c = compile_ok("iplisten 10.0.0.5, 0.0.0.0\nsite A {\n http *:80:a.x\n}\nsite B {\n http 10.0.0.5:80:a.x\n}\n");
    assert_int_equal(count_code(c, BIND_W0405, 0, 0), 0);
    bind_compilation_free(c);
}

/* ---- random binding sets: IIS rules == nginx over the plan ---------------- */

typedef struct rng { uint64_t s; } rng;
static uint32_t next(rng *r)
{
    r->s ^= r->s << 13; r->s ^= r->s >> 7; r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 11);
}

static const char *const rand_addrs[] = { "*", "*", "0.0.0.0", "[::]", "10.0.0.1", "10.0.0.2", "10.0.0.2", "[2001:db8::1]" };
static const char *const rand_hosts[] = { "", "", "a.x", "b.x", "www.a.x", "c.a.x", "*.a.x", "*.x", "*.c.a.x" };
static const char *const probe_hosts[] = { "a.x", "b.x", "www.a.x", "c.a.x", "q.a.x", "r.c.a.x", "q.x", "x", "zz.y", "A.X:81", NULL };
static const char *const probe_locals[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3", "2001:db8::1", "2001:db8::2" };

/* Writes a random set, leaving out what would be a duplicate (E0201). */
static void random_set(rng *r, char *text, size_t cap, bool mixed_protocols)
{
    size_t len = (size_t)snprintf(text, cap, "%s", CERT);
    bool https_port[2] = { next(r) % 3 == 0, next(r) % 3 == 0 };
    int nsites = 2 + (int)(next(r) % 3);
    char seen[64][64];
    int nseen = 0;
    for (int s = 0; s < nsites; s++) {
        /* Mixed protocols on one port: nginx's sites only, or HTTP.sys's E0204 stops them. */
        len += (size_t)snprintf(text + len, cap - len, "site S%d {\n%s", s, mixed_protocols ? " server = nginx\n" : "");
        int nb = 1 + (int)(next(r) % 3);
        for (int b = 0; b < nb; b++) {
            int p = (int)(next(r) % 2);
            bool https = mixed_protocols ? next(r) % 3 == 0 : https_port[p];
            const char *addr = rand_addrs[next(r) % LEN(rand_addrs)];
            const char *host = rand_hosts[next(r) % LEN(rand_hosts)];
            /* `*` overlaps 0.0.0.0 and [::]: skip what would be E0201. */
            char key[3][64];
            snprintf(key[0], 64, "%d|%s|%s", p, host, addr);
            snprintf(key[1], 64, "%d|%s|%s", p, host, strcmp(addr, "*") == 0 ? "0.0.0.0" : "*");
            snprintf(key[2], 64, "%d|%s|%s", p, host, strcmp(addr, "*") == 0 ? "[::]" : "*");
            bool any = strcmp(addr, "*") == 0 || strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "[::]") == 0;
            bool dup = false;
            for (int i = 0; i < nseen; i++) {
                dup |= strcmp(seen[i], key[0]) == 0;
                if (any) dup |= strcmp(seen[i], key[1]) == 0 || (strcmp(addr, "*") == 0 && strcmp(seen[i], key[2]) == 0);
            }
            if (dup || nseen == 64) continue;
            strcpy(seen[nseen++], key[0]);
            const char *opts = !https ? "" : *host && next(r) % 10 < 7 ? " cert=c sni" : " cert=c";
            len += (size_t)snprintf(text + len, cap - len, " %s %s:%d:%s%s\n", https ? "https" : "http", addr, 8080 + p, host, opts);
        }
        len += (size_t)snprintf(text + len, cap - len, "}\n");
    }
}

/* The grid of requests the random sets are routed over. */
#define GRID (LEN(probe_locals) * 2 * 2 * LEN(probe_hosts))
static void grid_requests(bind_route_request rq[GRID])
{
    size_t n = 0;
    for (size_t l = 0; l < LEN(probe_locals); l++)
        for (int port = 8080; port <= 8081; port++)
            for (int proto = 0; proto < 2; proto++)
                for (size_t h = 0; h < LEN(probe_hosts); h++) {
                    bind_route_request r = { proto ? BIND_PROTO_HTTPS : BIND_PROTO_HTTP, addr_of(probe_locals[l]),
                                             (uint16_t)port, probe_hosts[h] };
                    rq[n++] = r;
                }
}

static int grid_disagreements(bind_compilation *c)
{
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    assert_plan_sane(p);
    bind_route_nginx *rn = bind_route_nginx_new(p);
    bind_route_iis *ri = bind_route_iis_new(c->model, BIND_SERVER_NGINX);
    int bad = 0;
    bind_route_request rq[GRID];
    grid_requests(rq);
    for (size_t i = 0; i < GRID; i++) {
        bind_route_result a, b;
        bind_route_iis_resolve(ri, &rq[i], &a);
        bind_route_nginx_resolve(rn, &rq[i], &b);
        const bind_site *sa = a.binding ? a.binding->site : NULL, *sb = b.binding ? b.binding->site : NULL;
        if (sa != sb) bad++;
    }
    bind_route_iis_free(ri);
    bind_route_nginx_free(rn);
    return bad;
}

/* The plan without exact names (what `bindc check` builds) routes every
 * request as the whole plan does once exact names are off in both: same
 * sockets, same lost protocols, and the same answer, rule, name and reason
 * everywhere on the grid. */
static void assert_light_plan_routes_alike(bind_compilation *c)
{
    bind_nginx_plan *whole = bind_nginx_plan_build(c->arena, c->model);
    bind_nginx_plan *light = bind_nginx_plan_build_for(c->arena, c->model, false);
    assert_int_equal(light->nsockets, whole->nsockets);
    for (uint32_t i = 0; i < whole->nsockets; i++) {
        assert_true(bind_addr_equal(&light->sockets[i].addr, &whole->sockets[i].addr));
        assert_int_equal(light->sockets[i].port, whole->sockets[i].port);
        assert_int_equal(light->sockets[i].ssl, whole->sockets[i].ssl);
        assert_ptr_equal(light->sockets[i].lost, whole->sockets[i].lost);
        assert_ptr_equal(light->sockets[i].maker, whole->sockets[i].maker);
        assert_ptr_equal(light->sockets[i].default_binding, whole->sockets[i].default_binding);
        assert_true(light->sockets[i].nnames <= whole->sockets[i].nnames);
    }
    bind_route_nginx *rw = bind_route_nginx_new_for(whole, false), *rl = bind_route_nginx_new_for(light, false);
    bind_arena *a = bind_arena_new();
    bind_route_request rq[GRID];
    grid_requests(rq);
    for (size_t i = 0; i < GRID; i++) {
        bind_route_result x, y;
        bind_route_nginx_resolve(rw, &rq[i], &x);
        bind_route_nginx_resolve(rl, &rq[i], &y);
        assert_ptr_equal(x.binding, y.binding);
        assert_int_equal(x.rule, y.rule);
        assert_int_equal(x.refusal, y.refusal);
        assert_int_equal(x.socket, y.socket);
        assert_ptr_equal(x.name, y.name);
        assert_string_equal(bind_route_reason(a, &rq[i], &x, whole), bind_route_reason(a, &rq[i], &y, light));
    }
    bind_arena_free(a);
    bind_route_nginx_free(rw);
    bind_route_nginx_free(rl);
}

/* The diagnostics of a compilation, rendered. */
static char *rendered(bind_compilation *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    bind_render_opts ro = { 0 };
    bind_diag_render_all(out, &c->sources, &c->diags, true, ro);
    fclose(out);
    return text;
}

/* `check` (a plan for the checks alone) and `compile --target nginx` (the
 * whole plan, kept) say the same. */
static void assert_same_diags_with_kept_plan(bind_compilation *c, const char *text)
{
    bind_compilation *k = bind_compilation_new();
    k->keep_nginx_plan = true;
    bind_compilation_add_text(k, "t.bind", text, strlen(text));
    bind_compilation_check(k);
    char *a = rendered(c), *b = rendered(k);
    assert_string_equal(a, b);
    free(a);
    free(b);
    bind_compilation_free(k);
}

static void test_nginx_random_sets(void **state)
{
    (void)state;
    rng r = { 0x9e3779b97f4a7c15ull };
    char text[8192];
    int clean = 0, conflicted = 0;
    for (int i = 0; i < 1500; i++) {
        bool mixed = i % 5 == 4;
        random_set(&r, text, sizeof text, mixed);
        bind_compilation *c = compile_text(text);
        if (bind_diag_has_errors(&c->diags, false)) {
            /* Mixed protocols may draw E0204 (two protocols on one IP:port). */
            if (!mixed || count_code(c, BIND_E0204, 0, 0) == 0) fprintf(stderr, "set %d: %s\n%s\n", i, codes_of(c), text);
            assert_true(mixed);
            assert_true(count_code(c, BIND_E0204, 0, 0) > 0);
            bind_compilation_free(c);
            continue;
        }
        int bad = grid_disagreements(c);
        int w0407 = count_code(c, BIND_W0407, 0, 0);
        assert_light_plan_routes_alike(c);
        assert_same_diags_with_kept_plan(c, text);
        if (!mixed && (bad || w0407)) fprintf(stderr, "set %d: %d disagreements, %d W0407:\n%s\n", i, bad, w0407, text);
        if (!mixed) assert_true(bad == 0 && w0407 == 0);
        /* Where nginx cannot follow, the checker says so. */
        if (bad) assert_true(w0407 > 0);
        clean += !mixed;
        conflicted += bad > 0;
        bind_compilation_free(c);
    }
    assert_true(clean > 1000);
    assert_true(conflicted > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nginx_plan_host_beats_ip),
        cmocka_unit_test(test_nginx_plan_socket_order),
        cmocka_unit_test(test_nginx_plan_wildcard_tiers),
        cmocka_unit_test(test_nginx_plan_tls_refusers),
        cmocka_unit_test(test_nginx_plan_server_filter),
        cmocka_unit_test(test_nginx_plan_site_sizes),
        cmocka_unit_test(test_nginx_route_rules),
        cmocka_unit_test(test_nginx_route_trailing_wildcard),
        cmocka_unit_test(test_nginx_emit_shop),
        cmocka_unit_test(test_nginx_emit_quoting),
        cmocka_unit_test(test_nginx_emit_e0304),
        cmocka_unit_test(test_nginx_emit_hash_sizes),
        cmocka_unit_test(test_nginx_w0407),
        cmocka_unit_test(test_nginx_w0405),
        cmocka_unit_test(test_nginx_random_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
