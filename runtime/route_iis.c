/* The IIS/HTTP.sys routing rules of grammar/README.md §7 over the model.
 *
 * Among the bindings with the request's protocol and port whose address
 * contains the local IP, HTTP.sys prefers, in order: exact host + exact
 * address; exact host + any-tier address; wildcard host (longest suffix
 * first) + exact address; wildcard host + any-tier; no host + exact
 * address; no host + any-tier.  The index keys bindings by (protocol, port,
 * host) so a request costs one lookup per label of its host, whatever the
 * size of the fleet. */
#include "route.h"
#include "route_key.h"

#include <string.h>

typedef struct entry { const bind_binding *b; struct entry *next; } entry;
typedef struct slot { bind_route_key key; entry *head, *tail; } slot;

/* Per (protocol, port): whether an any-tier address covers each family. */
typedef struct port_info { bool any4, any6; } port_info;

enum { KIND_EXACT = 0, KIND_WILDCARD = 1, KIND_PORT = 3, KIND_ADDR = 4 };

struct bind_route_iis {
    bind_arena *arena;
    bind_table names;        /* (scope, exact|wildcard, host) -> slot */
    bind_table meta;         /* (scope, KIND_PORT) -> port_info; (scope, KIND_ADDR, addr) -> marker */
    const bind_iplisten *iplisten;
    uint32_t niplisten;      /* 0: HTTP.sys listens everywhere (or not HTTP.sys) */
};

static uint32_t scope_of(unsigned protocol, unsigned port) { return (uint32_t)protocol << 16 | port; }

static bool server_takes(enum bind_server want, uint8_t site_server)
{
    return want == BIND_SERVER_ANY || site_server == BIND_SERVER_ANY || site_server == want;
}

static void add_name(bind_route_iis *ix, uint32_t scope, uint32_t kind, const char *name, const bind_binding *b)
{
    bind_route_key probe = { scope, kind, name, strlen(name) };
    uint64_t h = bind_route_key_hash(&probe);
    slot *s = bind_table_get(&ix->names, h, &probe);
    if (!s) {
        s = bind_arena_alloc(ix->arena, sizeof *s);
        s->key = probe;
        bind_table_put(&ix->names, h, &s->key, s);
    }
    entry *e = bind_arena_alloc(ix->arena, sizeof *e);
    e->b = b;
    if (s->tail) s->tail->next = e; else s->head = e;
    s->tail = e;
}

static void add_meta(bind_route_iis *ix, const bind_binding *b)
{
    uint32_t scope = scope_of(b->protocol, b->port);
    bind_route_key probe = { scope, KIND_PORT, "", 0 };
    uint64_t h = bind_route_key_hash(&probe);
    port_info *pi = bind_table_get(&ix->meta, h, &probe);
    if (!pi) {
        bind_route_key *k = bind_arena_alloc(ix->arena, sizeof *k);
        *k = probe;
        pi = bind_arena_alloc(ix->arena, sizeof *pi);
        bind_table_put(&ix->meta, h, k, pi);
    }
    switch (b->addr.kind) {
    case BIND_ADDR_ANY: pi->any4 = pi->any6 = true; return;
    case BIND_ADDR_ANY4: pi->any4 = true; return;
    case BIND_ADDR_ANY6: pi->any6 = true; return;
    default: break;
    }
    uint8_t bytes[17];
    bind_route_key addr = { scope, KIND_ADDR, (const char *)bytes, bind_route_addr_bytes(&b->addr, bytes) };
    h = bind_route_key_hash(&addr);
    if (bind_table_get(&ix->meta, h, &addr)) return;   /* a fleet's shared address: keyed once */
    uint8_t *kept = bind_arena_alloc(ix->arena, sizeof bytes);
    memcpy(kept, bytes, sizeof bytes);
    bind_route_key *k = bind_arena_alloc(ix->arena, sizeof *k);
    *k = addr;
    k->name = (const char *)kept;
    bind_table_put(&ix->meta, h, k, (void *)b);
}

bind_route_iis *bind_route_iis_new(const bind_model *m, enum bind_server server)
{
    return bind_route_iis_new_for(m, server, true);
}

bind_route_iis *bind_route_iis_new_for(const bind_model *m, enum bind_server server, bool exact_names)
{
    bind_route_iis *ix = bind_xmalloc(sizeof *ix);
    memset(ix, 0, sizeof *ix);
    ix->arena = bind_arena_new();
    bind_table_init(&ix->names, bind_route_key_eq);
    bind_table_init(&ix->meta, bind_route_key_eq);
    if (server == BIND_SERVER_IIS) {
        ix->iplisten = m->iplisten;
        ix->niplisten = m->niplisten;
    }
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        if (!server_takes(server, s->server)) continue;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (!b->valid || (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS)) continue;
            if (!b->port || b->addr.kind == BIND_ADDR_NONE) continue;
            uint32_t scope = scope_of(b->protocol, b->port);
            const char *suffix = bind_route_wildcard_suffix(b);
            if (suffix) add_name(ix, scope, KIND_WILDCARD, suffix, b);
            else if (!b->host_wildcard && (exact_names || !*b->host)) add_name(ix, scope, KIND_EXACT, b->host, b);
            add_meta(ix, b);
        }
    }
    return ix;
}

void bind_route_iis_free(bind_route_iis *ix)
{
    if (!ix) return;
    bind_table_fini(&ix->names);
    bind_table_fini(&ix->meta);
    bind_arena_free(ix->arena);
    free(ix);
}

size_t bind_route_host_normalize(const char *host, char *out, size_t cap)
{
    out[0] = '\0';
    if (!host) return 0;
    size_t n = strlen(host);
    if (host[0] == '[') {                       /* an IPv6 literal keeps its colons */
        const char *close = strchr(host, ']');
        if (close) n = (size_t)(close - host) + 1;
    } else {
        const char *colon = strchr(host, ':');
        if (colon && !strchr(colon + 1, ':')) n = (size_t)(colon - host);
    }
    if (n && host[n - 1] == '.') n--;
    if (n >= cap) return (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        char c = host[i];
        out[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    out[n] = '\0';
    return n;
}

bool bind_route_ip_literal(const char *h, size_t n)
{
    if (n && h[0] == '[') return true;
    size_t dots = 0;
    for (size_t i = 0; i < n; i++) {
        if (h[i] == '.') dots++;
        else if (h[i] < '0' || h[i] > '9') return false;
    }
    return dots == 3;
}

size_t bind_route_sni_of(const bind_route_request *rq, const bind_route_hello *hello, char *out, size_t cap)
{
    out[0] = '\0';
    switch (hello->mode) {
    case BIND_SNI_NONE: return 0;
    case BIND_SNI_NAME: return bind_route_host_normalize(hello->sni && *hello->sni ? hello->sni : NULL, out, cap);
    default: break;
    }
    size_t n = bind_route_host_normalize(rq->host, out, cap);
    if (n == (size_t)-1 || bind_route_ip_literal(out, n)) { out[0] = '\0'; return 0; }
    return n;
}

/* The candidates seen so far: the best and the runner-up. */
typedef struct ranking {
    const bind_binding *b[2];
    enum bind_route_rule rule[2];
    size_t len[2];
} ranking;

static bool better(enum bind_route_rule r1, size_t l1, enum bind_route_rule r2, size_t l2)
{
    return r1 < r2 || (r1 == r2 && l1 > l2);
}

static void offer(ranking *rk, const bind_binding *b, enum bind_route_rule rule, size_t len)
{
    if (!rk->b[0] || better(rule, len, rk->rule[0], rk->len[0])) {
        rk->b[1] = rk->b[0]; rk->rule[1] = rk->rule[0]; rk->len[1] = rk->len[0];
        rk->b[0] = b; rk->rule[0] = rule; rk->len[0] = len;
    } else if (!rk->b[1] || better(rule, len, rk->rule[1], rk->len[1])) {
        rk->b[1] = b; rk->rule[1] = rule; rk->len[1] = len;
    }
}

enum bind_route_rule bind_route_iis_rule(const bind_binding *b)
{
    enum bind_route_rule host = !*b->host ? BIND_ROUTE_NOHOST_ADDR
                              : b->host_wildcard ? BIND_ROUTE_WILDCARD_ADDR : BIND_ROUTE_HOST_ADDR;
    return bind_addr_is_any_tier(&b->addr) ? (enum bind_route_rule)(host + 1) : host;
}

/* Offers every binding of one key whose address contains the local IP,
 * under the rule its host and address tier give it. */
static void offer_slot(const bind_route_iis *ix, ranking *rk, uint32_t scope, uint32_t kind, const char *name,
                       size_t len, const bind_addr *local)
{
    bind_route_key probe = { scope, kind, name, len };
    const slot *s = bind_table_get(&ix->names, bind_route_key_hash(&probe), &probe);
    if (!s) return;
    for (const entry *e = s->head; e; e = e->next)
        if (bind_addr_equal(&e->b->addr, local) ||
            (bind_addr_is_any_tier(&e->b->addr) && bind_addr_contains(&e->b->addr, local)))
            offer(rk, e->b, bind_route_iis_rule(e->b), len);
}

/* What a binding's host claims: the whole host, the suffix after `*.`,
 * or nothing (a catch-all), and the length the router ranks it by. */
static const char *claim_of(const bind_binding *b, size_t *len)
{
    const char *suffix = bind_route_wildcard_suffix(b);
    const char *claim = suffix ? suffix : b->host;
    *len = strlen(claim);
    return claim;
}

/* Whether host `h` (not a wildcard) ends in `.suffix` after one label or more. */
static bool under(const char *h, size_t hl, const char *suffix, size_t sl)
{
    return hl > sl + 1 && h[hl - sl - 1] == '.' && memcmp(h + hl - sl, suffix, sl) == 0;
}

bool bind_route_iis_takes_first(const bind_binding *o, const bind_binding *b)
{
    if (o == b || !o->valid || !b->valid || o->protocol != b->protocol || o->port != b->port) return false;
    if (!bind_addr_overlaps(&o->addr, &b->addr)) return false;
    enum bind_route_rule ro = bind_route_iis_rule(o), rb = bind_route_iis_rule(b);
    size_t lo, lb;
    const char *co = claim_of(o, &lo), *cb = claim_of(b, &lb);
    bool wo = bind_route_wildcard_suffix(o) != NULL, wb = bind_route_wildcard_suffix(b) != NULL;
    /* A host both match, if there is one; both then rank it as offer() does. */
    bool shared;
    if (!lo || !lb) shared = true;                            /* a catch-all matches every host */
    else if (!wo && !wb) shared = lo == lb && memcmp(co, cb, lo) == 0;
    else if (!wo) shared = under(co, lo, cb, lb);             /* o's host under b's wildcard */
    else if (!wb) shared = under(cb, lb, co, lo);
    else shared = (lo >= lb ? lo == lb ? memcmp(co, cb, lo) == 0 : under(co, lo, cb, lb)
                            : under(cb, lb, co, lo));          /* one suffix ends the other */
    return shared && better(ro, lo, rb, lb);
}

static bool listening(const bind_route_iis *ix, const bind_addr *local)
{
    if (!ix->niplisten) return true;
    for (uint32_t i = 0; i < ix->niplisten; i++)
        if (bind_addr_contains(&ix->iplisten[i].addr, local)) return true;
    return false;
}

static bool port_covers(const bind_route_iis *ix, uint32_t scope, const bind_addr *local)
{
    bind_route_key probe = { scope, KIND_PORT, "", 0 };
    const port_info *pi = bind_table_get(&ix->meta, bind_route_key_hash(&probe), &probe);
    if (!pi) return false;
    if (local->kind == BIND_ADDR_V4 && pi->any4) return true;
    if (local->kind == BIND_ADDR_V6 && pi->any6) return true;
    uint8_t bytes[17];
    probe.kind = KIND_ADDR;
    probe.len = bind_route_addr_bytes(local, bytes);
    probe.name = (const char *)bytes;
    return bind_table_get(&ix->meta, bind_route_key_hash(&probe), &probe) != NULL;
}

void bind_route_iis_resolve(const bind_route_iis *ix, const bind_route_request *rq, bind_route_result *out)
{
    memset(out, 0, sizeof *out);
    out->socket = out->server = out->handshake = -1;
    if (!listening(ix, &rq->local)) { out->refusal = BIND_REFUSE_NOT_LISTENING; return; }
    uint32_t scope = scope_of(rq->protocol, rq->port);
    if (!port_covers(ix, scope, &rq->local)) { out->refusal = BIND_REFUSE_NO_BINDING; return; }

    char host[1024];
    size_t hl = bind_route_host_normalize(rq->host, host, sizeof host);
    ranking rk;
    memset(&rk, 0, sizeof rk);
    if (hl != (size_t)-1 && hl > 0) {
        offer_slot(ix, &rk, scope, KIND_EXACT, host, hl, &rq->local);
        /* `*.s` matches every host that ends in `.s`, however deep. */
        for (size_t i = 0; i + 1 < hl; i++)
            if (host[i] == '.')
                offer_slot(ix, &rk, scope, KIND_WILDCARD, host + i + 1, hl - i - 1, &rq->local);
    }
    offer_slot(ix, &rk, scope, KIND_EXACT, "", 0, &rq->local);
    if (!rk.b[0]) { out->refusal = BIND_REFUSE_UNKNOWN_HOST; return; }
    out->binding = rk.b[0];
    out->rule = rk.rule[0];
    out->beaten = rk.b[1];
    out->beaten_rule = rk.b[1] ? rk.rule[1] : BIND_ROUTE_NONE;
}

/* ---- an address nobody names ------------------------------------------ */

static bool addr_key_eq(const void *a, const void *b) { return bind_addr_equal(a, b); }

static bind_addr candidate(int family, uint32_t n)
{
    bind_addr c;
    memset(&c, 0, sizeof c);
    /* 192.0.2.0/24 first, then 198.18.0.0/15; for IPv6 2001:db8::/32. */
    if (family == 6) {
        c.kind = BIND_ADDR_V6;
        static const uint8_t prefix[4] = { 0x20, 0x01, 0x0d, 0xb8 };
        memcpy(c.bytes, prefix, 4);
        c.bytes[12] = (uint8_t)(n >> 24); c.bytes[13] = (uint8_t)(n >> 16);
        c.bytes[14] = (uint8_t)(n >> 8); c.bytes[15] = (uint8_t)n;
    } else {
        c.kind = BIND_ADDR_V4;
        uint32_t v = n < 255 ? (192u << 24 | 2u << 8 | n) : (198u << 24 | 18u << 16) + (n - 254);
        c.bytes[0] = (uint8_t)(v >> 24); c.bytes[1] = (uint8_t)(v >> 16);
        c.bytes[2] = (uint8_t)(v >> 8); c.bytes[3] = (uint8_t)v;
    }
    return c;
}

static void named_put(bind_table *named, const bind_addr *a)
{
    if (bind_route_is_exact(a)) bind_table_put(named, bind_addr_hash(a, BIND_HASH_SEED), a, (void *)a);
}

void bind_route_unnamed_addrs(const bind_model *m, bind_addr out[2])
{
    bind_table named;
    bind_table_init(&named, addr_key_eq);
    const bind_addr *last = NULL;
    for (uint32_t i = 0; i < m->nsites; i++)
        for (uint32_t j = 0; j < m->sites[i]->nbindings; j++) {
            const bind_addr *a = &m->sites[i]->bindings[j]->addr;
            if (last && bind_addr_equal(a, last)) continue;    /* a fleet names a few addresses over and over */
            named_put(&named, a);
            last = a;
        }
    for (uint32_t i = 0; i < m->niplisten; i++) named_put(&named, &m->iplisten[i].addr);
    for (int f = 0; f < 2; f++) {
        for (uint32_t n = 1;; n++) {
            out[f] = candidate(f ? 6 : 4, n);
            if (!bind_table_get(&named, bind_addr_hash(&out[f], BIND_HASH_SEED), &out[f])) break;
        }
    }
    bind_table_fini(&named);
}

bind_addr bind_route_unnamed_addr(const bind_model *m, int family)
{
    bind_addr both[2];
    bind_route_unnamed_addrs(m, both);
    return both[family == 6];
}
