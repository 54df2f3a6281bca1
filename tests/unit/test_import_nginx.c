/* The nginx importer (compiler/import/nginx_conf.c).
 *
 * The property the issue asks for: the nginx configuration the nginx
 * target writes, imported again, routes every request of the grid the
 * nginx differential tests use exactly as the original .bind does under
 * nginx's rules (what `bindc route --server nginx` answers).  Thousands of
 * random binding sets (fixed seed, the generator of test_nginx_plan.c)
 * go through compile -> import -> compile; both plans answer the grid.
 * Then hand-written configurations: names, wildcards, what cannot be
 * said, default servers, includes, and files nginx -t would refuse. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "emit_target.h"
#include "import_helpers.h"
#include "runtime/nginx_plan.h"
#include "runtime/route.h"

#define LEN(a) (sizeof(a) / sizeof *(a))
#define CERT "cert c {\n thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\"\n pem = \"/p.pem\"\n key = \"/k.pem\"\n}\n"

/* ---- random sets through compile, import, compile --------------------------- */

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

/* A random set (the generator of test_nginx_plan.c), without what would be
 * a duplicate (E0201); `mixed` puts http and https on one port of nginx's
 * sites, where nginx cannot follow IIS (W0407). */
static void random_set(rng *r, char *text, size_t cap, bool mixed)
{
    size_t len = (size_t)snprintf(text, cap, "%s", CERT);
    bool https_port[2] = { next(r) % 3 == 0, next(r) % 3 == 0 };
    int nsites = 2 + (int)(next(r) % 3);
    char seen[64][64];
    int nseen = 0;
    for (int s = 0; s < nsites; s++) {
        len += (size_t)snprintf(text + len, cap - len, "site S%d {\n root = \"/srv/S%d\"\n%s", s, s,
                                mixed || next(r) % 2 ? " server = nginx\n" : "");
        int nb = 1 + (int)(next(r) % 3);
        for (int b = 0; b < nb; b++) {
            int p = (int)(next(r) % 2);
            bool https = mixed ? next(r) % 3 == 0 : https_port[p];
            const char *addr = rand_addrs[next(r) % LEN(rand_addrs)];
            const char *host = rand_hosts[next(r) % LEN(rand_hosts)];
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

/* The site nginx's rules send each request of the grid to ("-": none). */
static void nginx_answers(bind_compilation *c, const char *out[GRID])
{
    bind_nginx_plan *p = bind_nginx_plan_build(c->arena, c->model);
    bind_route_nginx *rn = bind_route_nginx_new(p);
    bind_route_request rq[GRID];
    grid_requests(rq);
    for (size_t i = 0; i < GRID; i++) {
        bind_route_result res;
        bind_route_nginx_resolve(rn, &rq[i], &res);
        out[i] = res.binding ? res.binding->site->name : "-";
    }
    bind_route_nginx_free(rn);
}

static char *nginx_text(bind_compilation *c)
{
    bind_buf out;
    bind_buf_init(&out);
    assert_true(emit_target(c, "nginx", NULL, NULL, 0, &out));
    bind_buf_putc(&out, '\0');
    return out.data;
}

static void test_import_nginx_routes_as_original(void **state)
{
    (void)state;
    rng r = { 0x2545f4914f6cdd1dull };
    char text[8192];
    int compared = 0;
    for (int i = 0; i < 1200; i++) {
        bool mixed = i % 5 == 4;
        random_set(&r, text, sizeof text, mixed);
        bind_compilation *a = compile_text(text);
        if (bind_diag_has_errors(&a->diags, false)) {     /* E0204: two protocols on one IP:port of HTTP.sys */
            bind_compilation_free(a);
            continue;
        }
        char *conf = nginx_text(a);
        import_result im = import_one("nginx.conf", conf, NULL);
        if (im.failed || !im.bind) {
            print_message("set %d: import failed:\n%s\n%s\n%s\n", i, im.diags, text, conf);
            fail();
        }
        assert_formatted(im.bind);
        bind_compilation *b = compile_text(im.bind);
        if (bind_diag_has_errors(&b->diags, false)) {
            print_message("set %d: the imported file has errors (%s):\n%s\n---- nginx:\n%s\n---- imported:\n%s\n", i, codes_of(b),
                          text, conf, im.bind);
            fail();
        }
        const char *x[GRID], *y[GRID];
        nginx_answers(a, x);
        nginx_answers(b, y);
        bind_route_request rq[GRID];
        grid_requests(rq);
        for (size_t k = 0; k < GRID; k++) {
            if (strcmp(x[k], y[k]) == 0) continue;
            char local[48];
            bind_addr_format(&rq[k].local, local, true);
            print_message("set %d: %s %s:%u Host %s: original %s, imported %s\n%s\n---- nginx:\n%s\n---- imported:\n%s\n", i,
                          rq[k].protocol == BIND_PROTO_HTTPS ? "https" : "http", local, rq[k].port, rq[k].host, x[k], y[k], text,
                          conf, im.bind);
            fail();
        }
        compared++;
        import_result_free(&im);
        free(conf);
        bind_compilation_free(a);
        bind_compilation_free(b);
    }
    assert_true(compared > 900);
}

/* The examples' nginx outputs come back with their site names. */
static void test_import_nginx_examples(void **state)
{
    (void)state;
    static const char *const examples[] = { "coexist-nginx", "shop" };
    for (size_t i = 0; i < LEN(examples); i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/examples/%s.bind", BINDC_SOURCE_DIR, examples[i]);
        bind_compilation *c = bind_compilation_new();
        int err = 0;
        assert_true(bind_compilation_add_file(c, path, &err));
        bind_compilation_check(c);
        assert_false(bind_diag_has_errors(&c->diags, false));
        char *conf = nginx_text(c);
        import_result im = import_one("nginx.conf", conf, NULL);
        assert_false(im.failed);
        assert_formatted(im.bind);
        assert_non_null(strstr(im.bind, "site Shop {"));
        assert_non_null(strstr(im.bind, "    server = nginx\n"));
        assert_non_null(strstr(im.bind, "cert shop {"));
        import_result_free(&im);
        free(conf);
        bind_compilation_free(c);
    }
}

/* ---- hand-written configurations ---------------------------------------------- */

static const char hand[] =
    "user www-data;\n"
    "events { worker_connections 10; }\n"
    "http {\n"
    "    ssl_certificate /etc/ssl/default.pem;\n"
    "    ssl_certificate_key /etc/ssl/default.key;\n"
    "    server {\n"
    "        listen 80 default_server;\n"
    "        listen [::]:80 default_server;\n"
    "        server_name _;\n"
    "        return 444;\n"
    "    }\n"
    "    server {\n"
    "        listen 80;\n"
    "        listen [::]:80;\n"
    "        server_name Shop.Example www.shop.example .blog.example ~^(?<sub>.+)\\.api\\.example$ mail.*;\n"
    "        return 301 https://$host$request_uri;\n"
    "    }\n"
    "    server {\n"
    "        listen 443 ssl;\n"
    "        listen [::]:443 ssl;\n"
    "        server_name shop.example www.shop.example;\n"
    "        ssl_certificate \"/etc/ssl/shop.pem\";\n"
    "        ssl_certificate_key /etc/ssl/shop.key;\n"
    "        ssl_protocols TLSv1.2;\n"
    "        root /srv/shop;\n"
    "    }\n"
    "    server {\n"
    "        listen 10.0.0.5:8080;\n"
    "        server_name $hostname;\n"
    "        location / { proxy_pass http://127.0.0.1:3000; }\n"
    "    }\n"
    "    server {\n"
    "        listen 8443 ssl;\n"
    "        server_name api.example;\n"
    "        root /srv/api;\n"
    "    }\n"
    "    server {\n"
    "        listen unix:/run/x.sock;\n"
    "        server_name sock.example;\n"
    "    }\n"
    "}\n"
    "stream { server { listen 5432; proxy_pass db:5432; } }\n";

static void test_import_nginx_hand_written(void **state)
{
    (void)state;
    import_result r = import_one("nginx.conf", hand, NULL);
    assert_false(r.failed);
    assert_formatted(r.bind);
    /* Names: lower-case, `.x` is x and *.x; a refusing default server makes
     * no catch-all. */
    assert_true(has_line(r.bind, "    http *:80:shop.example"));
    assert_true(has_line(r.bind, "    http *:80:blog.example"));
    assert_true(has_line(r.bind, "    http *:80:*.blog.example"));
    assert_null(strstr(r.bind, "*:80:\n"));
    /* TLS: the server's own certificate, SNI for names, ssl_protocols as switches. */
    assert_true(has_line(r.bind, "    https *:443:shop.example      cert=shop sni tls13=off legacy_tls=off"));
    assert_true(has_line(r.bind, "    https *:443:                  cert=shop tls13=off legacy_tls=off"));
    /* http's certificate for a server without its own. */
    assert_true(has_line(r.bind, "    https 0.0.0.0:8443:api.example  cert=default sni"));
    assert_true(has_line(r.bind, "    pem = \"/etc/ssl/default.pem\""));
    assert_true(has_line(r.bind, "    proxy  = \"http://127.0.0.1:3000\""));
    assert_true(has_line(r.bind, "    http 10.0.0.5:8080:"));
    /* What cannot be said, each where it is. */
    assert_non_null(strstr(r.diags, "W0601 nginx.conf:15:65 server_name `~^(?<sub>.+)\\.api\\.example$` left out"));
    assert_non_null(strstr(r.diags, "W0601 nginx.conf:15:93 server_name `mail.*` left out"));
    assert_non_null(strstr(r.diags, "W0601 nginx.conf:16:9 `return 301"));
    assert_non_null(strstr(r.diags, "W0601 nginx.conf:29:21 server_name `$hostname` left out"));
    assert_non_null(strstr(r.diags, "W0601 nginx.conf:38:16 listen `unix:/run/x.sock` left out"));
    assert_null(strstr(r.bind, "5432"));      /* stream servers are not web sites */
    /* The imported file checks without an error. */
    bind_compilation *c = compile_text(r.bind);
    assert_false(bind_diag_has_errors(&c->diags, false));
    bind_compilation_free(c);
    import_result_free(&r);
}

/* The default server: default_server, else the first listening there. */
static void test_import_nginx_default_server(void **state)
{
    (void)state;
    import_result r = import_one("s.conf",
                                 "server { listen 80; server_name a.example; root /a; }\n"
                                 "server { listen 80; server_name b.example; root /b; }\n"
                                 "server { listen 81; server_name c.example; }\n"
                                 "server { listen 81 default_server; server_name d.example; }\n", NULL);
    assert_false(r.failed);
    assert_formatted(r.bind);
    const char *a = strstr(r.bind, "site a.example"), *b = strstr(r.bind, "site b.example");
    const char *c = strstr(r.bind, "site c.example"), *d = strstr(r.bind, "site d.example");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(strstr(a, "0.0.0.0:80:\n") && strstr(a, "0.0.0.0:80:\n") < b);
    assert_null(strstr(b, "0.0.0.0:80:\n"));
    assert_true(strstr(c, "0.0.0.0:81:c.example") < d);
    assert_non_null(strstr(d, "0.0.0.0:81:\n"));
    assert_null(strstr(c, "0.0.0.0:81:\n") && strstr(c, "0.0.0.0:81:\n") < d ? "c has it" : NULL);
    import_result_free(&r);
}

/* nginx picks the socket before the name, IIS the name before an exact
 * address's catch-all: where that changes the answer, W0602 says so, once
 * a socket; where it does not, nothing is said. */
static void test_import_nginx_routing_differences(void **state)
{
    (void)state;
    import_result r = import_one("r.conf",
                                 "server { listen 80; server_name a.example *.w.example; root /a; }\n"
                                 "server { listen 10.0.0.5:80; server_name b.example; root /b; }\n"
                                 "server { listen 10.0.0.6:80; server_name a.example c.example *.w.example; root /c; }\n", NULL);
    assert_false(r.failed);
    assert_non_null(strstr(r.diags, "W0602 r.conf:2:17 nginx answers `a.example` on 10.0.0.5:80 with site `b.example`, "
                                    "the language's rules with site `a.example`"));
    assert_int_equal(count_substr(r.diags, "W0602"), 1);     /* 10.0.0.6 names a.example and *.w.example itself */
    import_result_free(&r);
    /* The same names on every socket: nothing to say. */
    r = import_one("r.conf",
                   "server { listen 80; listen 10.0.0.5:80; server_name a.example; root /a; }\n"
                   "server { listen 10.0.0.5:80 default_server; server_name b.example; root /b; }\n", NULL);
    assert_false(r.failed);
    assert_null(strstr(r.diags, "W0602"));
    import_result_free(&r);
}

/* What nginx -t refuses, bindc refuses: file:line:col, nothing written. */
static void test_import_nginx_refused(void **state)
{
    (void)state;
    static const struct { const char *text, *want; } cases[] = {
        { "http {\n    server {\n        listen 80;\n", "E0602 bad.conf:2:12 this `{` is never closed" },
        { "server { listen 80; }\n}\n", "E0602 bad.conf:2:1 this `}` closes no block" },
        { "server {\n    listen 80\n}\n", "E0602 bad.conf:2:12 directive `listen` does not end in `;`" },
        { "server {\n    root \"/srv/x;\n}\n", "E0602 bad.conf:2:10 this string is never closed" },
        { "server { listen 80 default_server; }\nserver { listen 80 default_server; }\n",
          "E0602 bad.conf:2:17 a second default server" },
    };
    for (size_t i = 0; i < LEN(cases); i++) {
        import_result r = import_one("bad.conf", cases[i].text, NULL);
        if (!r.failed || !strstr(r.diags, cases[i].want)) {
            print_message("case %zu: %s\nwanted %s\n", i, r.diags, cases[i].want);
            fail();
        }
        assert_null(r.bind);
        import_result_free(&r);
    }
}

/* include: patterns sorted, relative to the main file's folder; a missing
 * file is said (W0604). */
static void test_import_nginx_includes(void **state)
{
    (void)state;
    char dir[] = "/tmp/bindc-import-nginx-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[600];
    snprintf(path, sizeof path, "%s/sites", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    static const struct { const char *name, *text; } files[] = {
        { "nginx.conf", "http {\n    include sites/*.conf;\n    include missing.conf;\n}\n" },
        { "sites/b.conf", "server { listen 80; server_name b.example; }\n" },
        { "sites/a.conf", "server { listen 80; server_name a.example; }\n" },
    };
    for (size_t i = 0; i < LEN(files); i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(files[i].text, f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/nginx.conf", dir);
    import_input in = { path, files[0].text, 0 };
    import_result r = import_inputs(&in, 1, NULL, true);
    assert_false(r.failed);
    const char *a = strstr(r.bind, "site a.example"), *b = strstr(r.bind, "site b.example");
    assert_true(a && b && a < b);
    assert_non_null(strstr(a, "http 0.0.0.0:80:\n"));          /* a.conf comes first: the default */
    assert_non_null(strstr(r.diags, "W0604"));
    assert_non_null(strstr(r.diags, "missing.conf"));
    import_result_free(&r);
    for (size_t i = LEN(files); i-- > 0;) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/sites", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_nginx_routes_as_original),
        cmocka_unit_test(test_import_nginx_examples),
        cmocka_unit_test(test_import_nginx_hand_written),
        cmocka_unit_test(test_import_nginx_default_server),
        cmocka_unit_test(test_import_nginx_routing_differences),
        cmocka_unit_test(test_import_nginx_refused),
        cmocka_unit_test(test_import_nginx_includes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
