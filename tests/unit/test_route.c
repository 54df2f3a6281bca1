/* Unit tests for the IIS/HTTP.sys routing rules (runtime/route_iis.c) and
 * the reasons they give: a table of binding sets and requests, each with
 * the binding that must answer and the rule that decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "runtime/route.h"
#include "runtime/route_key.h"

#define LEN(a) (sizeof(a) / sizeof *(a))

typedef struct route_case {
    const char *name;
    const char *bind;                /* sites; `platform iis10` is implied */
    const char *protocol;            /* "http" or "https" */
    const char *local;               /* local address */
    uint16_t port;
    const char *host;                /* Host header; NULL for none */
    const char *site;                /* NULL: nothing answers */
    const char *info;                /* binding information that answers */
    enum bind_route_rule rule;
    enum bind_route_refusal refusal; /* when site is NULL */
    const char *reason;              /* a substring of the reason, or NULL */
} route_case;

#define CERT "cert c {\n thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\"\n}\n"

static const route_case cases[] = {
    /* The six tiers, one step at a time. */
    { "host+address beats host+any", "site A {\n http *:80:h.x\n}\nsite B {\n http 10.0.0.1:80:h.x\n}\n",
      "http", "10.0.0.1", 80, "h.x", "B", "10.0.0.1:80:h.x", BIND_ROUTE_HOST_ADDR, 0,
      "host name and IP address match beats host name binding *:80:h.x of site `A`" },
    { "host+any elsewhere", "site A {\n http *:80:h.x\n}\nsite B {\n http 10.0.0.1:80:h.x\n}\n",
      "http", "10.0.0.2", 80, "h.x", "A", "*:80:h.x", BIND_ROUTE_HOST_ANY, 0, "no other binding matches" },
    { "host beats IP", "site A {\n http *:80:h.x\n}\nsite B {\n http 10.0.0.1:80:\n}\n",
      "http", "10.0.0.1", 80, "h.x", "A", "*:80:h.x", BIND_ROUTE_HOST_ANY, 0,
      "host name match beats IP-only binding 10.0.0.1:80:" },
    { "host beats wildcard on the address", "site A {\n http *:80:h.x\n}\nsite B {\n http 10.0.0.1:80:*.x\n}\n",
      "http", "10.0.0.1", 80, "h.x", "A", "*:80:h.x", BIND_ROUTE_HOST_ANY, 0, "beats wildcard binding 10.0.0.1:80:*.x" },
    { "wildcard+address beats wildcard+any", "site A {\n http *:80:*.x\n}\nsite B {\n http 10.0.0.1:80:*.x\n}\n",
      "http", "10.0.0.1", 80, "q.x", "B", "10.0.0.1:80:*.x", BIND_ROUTE_WILDCARD_ADDR, 0, NULL },
    { "wildcard beats IP", "site A {\n http *:80:*.x\n}\nsite B {\n http 10.0.0.1:80:\n}\n",
      "http", "10.0.0.1", 80, "q.x", "A", "*:80:*.x", BIND_ROUTE_WILDCARD_ANY, 0, "beats IP-only binding" },
    { "IP beats catch-all", "site A {\n http *:80:\n}\nsite B {\n http 10.0.0.1:80:\n}\n",
      "http", "10.0.0.1", 80, "q.x", "B", "10.0.0.1:80:", BIND_ROUTE_NOHOST_ADDR, 0,
      "IP address match beats catch-all binding *:80: of site `A` (no binding names host `q.x`)" },
    { "catch-all last", "site A {\n http *:80:\n}\nsite B {\n http 10.0.0.1:80:\n}\nsite C {\n http *:80:c.x\n}\n",
      "http", "10.0.0.2", 80, "q.x", "A", "*:80:", BIND_ROUTE_NOHOST_ANY, 0, "catch-all: no binding names host `q.x`" },

    /* Wildcards. */
    { "longest suffix first", "site A {\n http *:80:*.x\n}\nsite B {\n http *:80:*.a.x\n}\n",
      "http", "10.0.0.1", 80, "b.a.x", "B", "*:80:*.a.x", BIND_ROUTE_WILDCARD_ANY, 0, "longer wildcard host match beats" },
    { "a wildcard matches deeper names", "site A {\n http *:80:*.x\n}\n",
      "http", "10.0.0.1", 80, "c.b.a.x", "A", "*:80:*.x", BIND_ROUTE_WILDCARD_ANY, 0, NULL },
    { "a wildcard does not match its own suffix", "site A {\n http *:80:*.x\n}\n",
      "http", "10.0.0.1", 80, "x", NULL, NULL, 0, BIND_REFUSE_UNKNOWN_HOST, "no binding names host `x`" },
    { "every wildcard on the address before any on the any tier",
      "site A {\n http *:80:*.a.x\n}\nsite B {\n http 10.0.0.1:80:*.x\n}\n",
      "http", "10.0.0.1", 80, "b.a.x", "B", "10.0.0.1:80:*.x", BIND_ROUTE_WILDCARD_ADDR, 0, NULL },
    { "the any-tier wildcard elsewhere", "site A {\n http *:80:*.a.x\n}\nsite B {\n http 10.0.0.1:80:*.x\n}\n",
      "http", "10.0.0.2", 80, "b.a.x", "A", "*:80:*.a.x", BIND_ROUTE_WILDCARD_ANY, 0, NULL },

    /* The Host header. */
    { "host names ignore case", "site A {\n http *:80:shop.example\n}\n",
      "http", "10.0.0.1", 80, "Shop.EXAMPLE", "A", "*:80:shop.example", BIND_ROUTE_HOST_ANY, 0, NULL },
    { "a port in the Host header changes nothing", "site A {\n http *:80:shop.example\n}\n",
      "http", "10.0.0.1", 80, "shop.example:8080", "A", "*:80:shop.example", BIND_ROUTE_HOST_ANY, 0, NULL },
    { "a trailing dot is dropped", "site A {\n http *:80:shop.example\n}\n",
      "http", "10.0.0.1", 80, "shop.example.", "A", "*:80:shop.example", BIND_ROUTE_HOST_ANY, 0, NULL },
    { "no Host header: only host-less bindings", "site A {\n http *:80:shop.example\n}\nsite B {\n http *:80:\n}\n",
      "http", "10.0.0.1", 80, NULL, "B", "*:80:", BIND_ROUTE_NOHOST_ANY, 0, "the request has no Host header" },
    { "an IPv6 literal Host", "site A {\n http *:80:\n}\n",
      "http", "::1", 80, "[::1]:80", "A", "*:80:", BIND_ROUTE_NOHOST_ANY, 0, NULL },

    /* Nothing answers. */
    { "unknown host, no catch-all", "site A {\n http *:80:a.x\n}\n",
      "http", "10.0.0.1", 80, "b.x", NULL, NULL, 0, BIND_REFUSE_UNKNOWN_HOST,
      "no binding names host `b.x` on 10.0.0.1:80 and none is a catch-all" },
    { "no binding on the port", "site A {\n http *:80:a.x\n}\n",
      "http", "10.0.0.1", 81, "a.x", NULL, NULL, 0, BIND_REFUSE_NO_BINDING, "no http binding on port 81" },
    { "the protocol must match", "site A {\n http *:443:a.x\n}\n",
      "https", "10.0.0.1", 443, "a.x", NULL, NULL, 0, BIND_REFUSE_NO_BINDING, NULL },
    { "an exact address elsewhere", "site A {\n http 10.0.0.1:80:\n}\n",
      "http", "10.0.0.2", 80, "a.x", NULL, NULL, 0, BIND_REFUSE_NO_BINDING, NULL },

    /* Address families. */
    { "0.0.0.0 is IPv4 only", "site A {\n http 0.0.0.0:80:\n}\n",
      "http", "2001:db8::1", 80, NULL, NULL, NULL, 0, BIND_REFUSE_NO_BINDING, NULL },
    { "[::] takes IPv6", "site A {\n http 0.0.0.0:80:\n}\nsite B {\n http [::]:80:\n}\n",
      "http", "2001:db8::1", 80, NULL, "B", "[::]:80:", BIND_ROUTE_NOHOST_ANY, 0, NULL },
    { "* takes both families", "site A {\n http *:80:\n}\n",
      "http", "::1", 80, "q.x", "A", "*:80:", BIND_ROUTE_NOHOST_ANY, 0, NULL },
    { "an IPv6 address binding", "site A {\n http *:80:\n}\nsite B {\n http [2001:db8::5]:80:\n}\n",
      "http", "2001:db8::5", 80, NULL, "B", "[2001:db8::5]:80:", BIND_ROUTE_NOHOST_ADDR, 0, NULL },

    /* TLS is routed the same way. */
    { "https by host name", CERT "site A {\n https *:443:a.x cert=c sni\n https *:443: cert=c\n}\nsite B {\n https *:443:b.x cert=c sni\n}\n",
      "https", "10.0.0.1", 443, "b.x", "B", "*:443:b.x", BIND_ROUTE_HOST_ANY, 0, NULL },

    /* HTTP.sys listens only on the iplisten addresses. */
    { "iplisten leaves an address out", "iplisten 10.0.0.5\nsite A {\n http *:80:\n}\n",
      "http", "10.0.0.1", 80, NULL, NULL, NULL, 0, BIND_REFUSE_NOT_LISTENING, "`iplisten` leaves it out" },
    { "iplisten takes its address", "iplisten 10.0.0.5\nsite A {\n http *:80:\n}\n",
      "http", "10.0.0.5", 80, NULL, "A", "*:80:", BIND_ROUTE_NOHOST_ANY, 0, NULL },
    { "iplisten 0.0.0.0 is every IPv4 address", "iplisten 0.0.0.0\nsite A {\n http *:80:\n}\n",
      "http", "10.9.8.7", 80, NULL, "A", "*:80:", BIND_ROUTE_NOHOST_ANY, 0, NULL },

    /* Sites of another server are not HTTP.sys's. */
    { "an nginx site is not IIS's", "site A {\n server = nginx\n http *:80:\n}\n",
      "http", "10.0.0.1", 80, NULL, NULL, NULL, 0, BIND_REFUSE_NO_BINDING, NULL },
};

static void parse_local(const char *text, bind_addr *out)
{
    bind_arena *a = bind_arena_new();
    assert_true(bind_addr_parse(a, text, strlen(text), out, NULL));
    bind_arena_free(a);
}

static void run_case(const route_case *t, enum bind_server server)
{
    char text[2048];
    snprintf(text, sizeof text, "platform iis10\n%s", t->bind);
    bind_compilation *c = compile_text(text);
    if (bind_diag_has_errors(&c->diags, false)) {
        fprintf(stderr, "case `%s` does not compile: %s\n", t->name, codes_of(c));
        fail();
    }
    bind_route_request rq;
    memset(&rq, 0, sizeof rq);
    rq.protocol = strcmp(t->protocol, "https") == 0 ? BIND_PROTO_HTTPS : BIND_PROTO_HTTP;
    parse_local(t->local, &rq.local);
    rq.port = t->port;
    rq.host = t->host;
    bind_route_iis *ix = bind_route_iis_new(c->model, server);
    bind_route_result r;
    bind_route_iis_resolve(ix, &rq, &r);
    const char *reason = bind_route_reason(c->arena, &rq, &r, NULL);
    bool ok = true;
    if (!t->site) {
        ok = r.binding == NULL && r.refusal == t->refusal;
    } else {
        ok = r.binding && strcmp(r.binding->site->name, t->site) == 0 &&
             strcmp(bind_binding_info_text(c->arena, r.binding), t->info) == 0 && r.rule == t->rule;
    }
    if (t->reason && !strstr(reason, t->reason)) ok = false;
    if (!ok) {
        fprintf(stderr, "case `%s`: got %s %s (rule %d, refusal %d): %s\n", t->name,
                r.binding ? r.binding->site->name : "nothing",
                r.binding ? bind_binding_info_text(c->arena, r.binding) : "", r.rule, r.refusal, reason);
    }
    bind_route_iis_free(ix);
    bind_compilation_free(c);
    assert_true(ok);
}

static void test_route_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(cases); i++) run_case(&cases[i], BIND_SERVER_IIS);
}

/* The nginx sites under the IIS rules (what the nginx target reproduces):
 * no iplisten, and server = nginx sites count. */
static void test_route_server_sets(void **state)
{
    (void)state;
    static const route_case nginx_cases[] = {
        { "iplisten is HTTP.sys's only", "iplisten 10.0.0.5\nsite A {\n http *:80:\n}\n",
          "http", "10.0.0.1", 80, NULL, "A", "*:80:", BIND_ROUTE_NOHOST_ANY, 0, NULL },
        { "nginx sites count", "site A {\n server = nginx\n http *:80:\n}\nsite B {\n server = iis\n http *:81:b.x\n}\n",
          "http", "10.0.0.1", 80, "b.x", "A", "*:80:", BIND_ROUTE_NOHOST_ANY, 0, NULL },
        { "IIS sites do not", "site A {\n server = nginx\n http *:80:\n}\nsite B {\n server = iis\n http *:81:b.x\n}\n",
          "http", "10.0.0.1", 81, "b.x", NULL, NULL, 0, BIND_REFUSE_NO_BINDING, NULL },
    };
    for (size_t i = 0; i < LEN(nginx_cases); i++) run_case(&nginx_cases[i], BIND_SERVER_NGINX);
}

static void test_route_host_normalize(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } t[] = {
        { "Shop.Example", "shop.example" }, { "shop.example:8080", "shop.example" },
        { "shop.example.", "shop.example" }, { "shop.example.:80", "shop.example" },
        { "[2001:DB8::1]:443", "[2001:db8::1]" }, { "", "" }, { ":80", "" },
    };
    char buf[64];
    for (size_t i = 0; i < LEN(t); i++) {
        size_t n = bind_route_host_normalize(t[i].in, buf, sizeof buf);
        assert_int_equal(n, strlen(t[i].out));
        assert_string_equal(buf, t[i].out);
    }
    assert_int_equal(bind_route_host_normalize(NULL, buf, sizeof buf), 0);
    char small[4];
    assert_true(bind_route_host_normalize("abcdef", small, sizeof small) == (size_t)-1);
}

static void test_route_unnamed_addr(void **state)
{
    (void)state;
    bind_compilation *c = compile_text("site A {\n http 192.0.2.1:80:\n http 192.0.2.2:80:\n http [2001:db8::1]:80:\n}\n");
    bind_addr v4 = bind_route_unnamed_addr(c->model, 4), v6 = bind_route_unnamed_addr(c->model, 6);
    char buf[48];
    bind_addr_format(&v4, buf, false);
    assert_string_equal(buf, "192.0.2.3");
    bind_addr_format(&v6, buf, false);
    assert_string_equal(buf, "2001:db8::2");
    bind_compilation_free(c);
}

/* The router's own order, pair by pair: `o` takes first some request `b`
 * matches exactly when, over a grid of requests, one that b answers alone
 * is answered by o once both are bound (what the hover says of a binding). */
static const bind_binding *only_binding(bind_compilation *c, const char *site)
{
    for (uint32_t i = 0; i < c->model->nsites; i++)
        if (strcmp(c->model->sites[i]->name, site) == 0) return c->model->sites[i]->bindings[0];
    return NULL;
}

static void test_route_takes_first(void **state)
{
    (void)state;
    static const char *const addrs[] = { "*", "0.0.0.0", "10.0.0.1", "10.0.0.2", "[::]", "[::1]" };
    static const char *const hosts[] = { "", "a.x", "b.x", "a.a.x", "*.x", "*.a.x", "*.y" };
    static const char *const locals[] = { "10.0.0.1", "10.0.0.2", "10.0.0.9", "::1", "::9" };
    static const char *const asked[] = { NULL, "a.x", "b.x", "a.a.x", "q.x", "q.a.x", "q.y", "x" };
    size_t pairs = 0, firsts = 0;
    for (size_t ao = 0; ao < LEN(addrs); ao++)
    for (size_t ho = 0; ho < LEN(hosts); ho++)
    for (size_t ab = 0; ab < LEN(addrs); ab++)
    for (size_t hb = 0; hb < LEN(hosts); hb++) {
        char both[256], alone[128];
        snprintf(both, sizeof both, "site O {\n http %s:80:%s\n}\nsite B {\n http %s:80:%s\n}\n",
                 addrs[ao], hosts[ho], addrs[ab], hosts[hb]);
        snprintf(alone, sizeof alone, "site B {\n http %s:80:%s\n}\n", addrs[ab], hosts[hb]);
        bind_compilation *c2 = compile_text(both);
        if (bind_diag_has_errors(&c2->diags, false)) { bind_compilation_free(c2); continue; }   /* duplicates */
        bind_compilation *c1 = compile_text(alone);
        const bind_binding *o = only_binding(c2, "O"), *b = only_binding(c2, "B");
        bind_route_iis *r2 = bind_route_iis_new(c2->model, BIND_SERVER_IIS);
        bind_route_iis *r1 = bind_route_iis_new(c1->model, BIND_SERVER_IIS);
        bool seen = false;
        for (size_t l = 0; l < LEN(locals) && !seen; l++)
            for (size_t h = 0; h < LEN(asked) && !seen; h++) {
                bind_route_request rq = { BIND_PROTO_HTTP, { 0 }, 80, asked[h] };
                parse_local(locals[l], &rq.local);
                bind_route_result alone_r, both_r;
                bind_route_iis_resolve(r1, &rq, &alone_r);
                bind_route_iis_resolve(r2, &rq, &both_r);
                seen = alone_r.binding && both_r.binding == o;
            }
        if (bind_route_iis_takes_first(o, b) != seen)
            fprintf(stderr, "O %s:80:%s, B %s:80:%s: takes_first says %d, the router %d\n",
                    addrs[ao], hosts[ho], addrs[ab], hosts[hb], !seen, seen);
        assert_true(bind_route_iis_takes_first(o, b) == seen);
        assert_false(bind_route_iis_takes_first(b, b));
        pairs++;
        firsts += seen;
        bind_route_iis_free(r1);
        bind_route_iis_free(r2);
        bind_compilation_free(c1);
        bind_compilation_free(c2);
    }
    assert_true(pairs > 1000 && firsts > 100 && firsts < pairs);
}

/* A fleet: one lookup per label, whatever the number of sites. */
static void test_route_fleet(void **state)
{
    (void)state;
    enum { N = 20000 };
    size_t cap = (size_t)N * 48 + 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; i < N; i++) len += (size_t)snprintf(text + len, cap - len, "site s%d {\n http *:80:h%d.x\n}\n", i, i);
    bind_compilation *c = compile_text(text);
    free(text);
    bind_route_iis *ix = bind_route_iis_new(c->model, BIND_SERVER_IIS);
    bind_route_request rq;
    memset(&rq, 0, sizeof rq);
    rq.protocol = BIND_PROTO_HTTP;
    parse_local("10.0.0.1", &rq.local);
    rq.port = 80;
    char host[32];
    for (int i = 0; i < N; i += 97) {
        snprintf(host, sizeof host, "H%d.X", i);
        rq.host = host;
        bind_route_result r;
        bind_route_iis_resolve(ix, &rq, &r);
        assert_non_null(r.binding);
        char want[32];
        snprintf(want, sizeof want, "s%d", i);
        assert_string_equal(r.binding->site->name, want);
    }
    bind_route_iis_free(ix);
    bind_compilation_free(c);
}

/* bind_route_items_sort against its definition: by the major key, then
 * an IPv6 address's bytes after the prefix, then the order given.  Few
 * distinct addresses and ports, so runs of ties are long and short, and
 * some runs mix IPv6 with other kinds (a major key without the kind). */
static uint64_t major_port(const void *x, const void *ctx)
{
    (void)ctx;
    return ((const bind_route_item *)x)->port;
}

static uint64_t major_port_prefix(const void *x, const void *ctx)
{
    (void)ctx;
    const bind_route_item *it = x;
    return (uint64_t)it->port << 40 | (uint64_t)it->kind << 32 | it->prefix;
}

static int rest_cmp(const bind_route_item *x, const bind_route_item *y)
{
    bool x6 = x->kind == BIND_ADDR_V6, y6 = y->kind == BIND_ADDR_V6;
    uint8_t zero[12] = { 0 };
    return memcmp(x6 ? x->b->addr.bytes + 4 : zero, y6 ? y->b->addr.bytes + 4 : zero, 12);
}

static void test_route_items_sort(void **state)
{
    (void)state;
    enum { N = 3000 };
    static bind_binding bs[N];
    static bind_route_item items[N], want[N];
    uint64_t (*majors[])(const void *, const void *) = { major_port, major_port_prefix };
    uint32_t seed = 7;
    for (int round = 0; round < 40; round++) {
        size_t n = round < 20 ? (size_t)round * 3 : N - (size_t)round;
        for (size_t i = 0; i < n; i++) {
            memset(&bs[i], 0, sizeof bs[i]);
            seed = seed * 1103515245u + 12345u;
            uint8_t kinds[] = { BIND_ADDR_V4, BIND_ADDR_V6, BIND_ADDR_V6, BIND_ADDR_ANY, BIND_ADDR_ANY6 };
            bs[i].addr.kind = kinds[(seed >> 8) % 5];
            bs[i].port = (uint16_t)(80 + (seed >> 12) % 3);
            if (bs[i].addr.kind == BIND_ADDR_V4 || bs[i].addr.kind == BIND_ADDR_V6) {
                bs[i].addr.bytes[3] = (uint8_t)((seed >> 16) % 2);
                if (bs[i].addr.kind == BIND_ADDR_V6) {
                    bs[i].addr.bytes[9] = (uint8_t)((seed >> 20) % 3);
                    bs[i].addr.bytes[15] = (uint8_t)((seed >> 24) % 4);
                }
            }
            items[i] = bind_route_item_of(&bs[i], (uint32_t)i);
        }
        uint64_t (*major)(const void *, const void *) = majors[round % 2];
        /* The definition: an insertion sort by (major, rest), stable. */
        memcpy(want, items, n * sizeof *items);
        for (size_t i = 1; i < n; i++) {
            bind_route_item x = want[i];
            size_t j = i;
            for (; j > 0; j--) {
                uint64_t a = major(&x, NULL), b = major(&want[j - 1], NULL);
                if (a > b || (a == b && rest_cmp(&x, &want[j - 1]) >= 0)) break;
                want[j] = want[j - 1];
            }
            want[j] = x;
        }
        bind_route_items_sort(items, n, major, NULL);
        for (size_t i = 0; i < n; i++) assert_int_equal(items[i].order, want[i].order);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table),
        cmocka_unit_test(test_route_server_sets),
        cmocka_unit_test(test_route_host_normalize),
        cmocka_unit_test(test_route_unnamed_addr),
        cmocka_unit_test(test_route_takes_first),
        cmocka_unit_test(test_route_fleet),
        cmocka_unit_test(test_route_items_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
