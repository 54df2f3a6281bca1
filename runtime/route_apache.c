/* Apache httpd's own virtual host selection, applied to the plan the
 * apache target writes.
 *
 * It reads only what the emitted configuration says — the Listen lines,
 * each <VirtualHost>'s addresses, ServerName, ServerAlias and TLS setup —
 * and follows Apache 2.4 (server/vhost.c, modules/ssl/ssl_engine_kernel.c):
 *   1. a connection nobody Listens for is refused;
 *   2. the blocks naming the local address:port are the candidates, else
 *      those of `*:port` (0.0.0.0 and [::] are the same to vhost.c);
 *   3. one candidate answers every request, its names unread; among
 *      several, the first in file order whose ServerName or a ServerAlias
 *      (a glob) matches the Host answers, else the first listed;
 *   4. TLS: the handshake picks a block the same way by the SNI name (the
 *      first listed without SNI, or when none matches); SNI without a Host
 *      header is 400; a Host that picks another block whose TLS setup
 *      differs is 421 (mod_ssl's ssl_server_compatible — with SNI or
 *      without, since 2.4.64).
 * The first block to claim a name on a chain keeps it, so a lookup per
 * label of the host finds the first match, whatever the fleet's size. */
#include "apache_plan.h"
#include "route.h"
#include "route_key.h"

#include <string.h>

enum { KIND_EXACT = 0, KIND_GLOB = 1, KIND_CHAIN = 5, KIND_LISTEN = 6 };

/* A name on a chain: the first block that has it, and the binding it
 * stands for there (NULL for a ServerName only a catch-all carries). */
typedef struct hit { bind_route_key key; uint32_t vhost; const char *name; const bind_binding *binding; } hit;

struct bind_route_apache {
    const bind_apache_plan *plan;
    bind_arena *arena;
    bind_table listens;      /* (port, KIND_LISTEN, address bytes) -> marker */
    bind_table chains;       /* (port, KIND_CHAIN, address bytes) -> chain index + 1 */
    bind_table names;        /* (chain, kind, name) -> hit */
    uint32_t *first;         /* per chain: the first block listed for it */
    uint32_t *count;         /* per chain: how many blocks are */
};

static bind_route_key addr_key(bind_arena *a, uint16_t port, uint32_t kind, const bind_addr *addr)
{
    uint8_t *bytes = bind_arena_alloc(a, 17);
    bind_route_key k = { port, kind, (const char *)bytes, bind_route_addr_bytes(addr, bytes) };
    return k;
}

static void add_name(bind_route_apache *r, uint32_t chain, uint32_t vhost, const char *name, const bind_binding *b)
{
    size_t n = strlen(name);
    bind_route_key key = { chain, KIND_EXACT, name, n };
    if (n > 2 && name[0] == '*' && name[1] == '.') { key.kind = KIND_GLOB; key.name = name + 2; key.len = n - 2; }
    hit *h = bind_arena_alloc(r->arena, sizeof *h);
    h->key = key;
    h->vhost = vhost;
    h->name = name;
    h->binding = b;
    bind_table_put(&r->names, bind_route_key_hash(&h->key), &h->key, h);
}

bind_route_apache *bind_route_apache_new(const bind_apache_plan *p)
{
    bind_route_apache *r = bind_xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->plan = p;
    r->arena = bind_arena_new();
    bind_table_init(&r->listens, bind_route_key_eq);
    bind_table_init(&r->chains, bind_route_key_eq);
    bind_table_init(&r->names, bind_route_key_eq);
    for (uint32_t i = 0; i < p->nlistens; i++) {
        bind_route_key *k = bind_arena_alloc(r->arena, sizeof *k);
        *k = addr_key(r->arena, p->listens[i].port, KIND_LISTEN, &p->listens[i].addr);
        bind_table_put(&r->listens, bind_route_key_hash(k), k, (void *)(uintptr_t)(i + 1));
    }
    for (uint32_t i = 0; i < p->nchains; i++) {
        bind_route_key *k = bind_arena_alloc(r->arena, sizeof *k);
        *k = addr_key(r->arena, p->chains[i].port, KIND_CHAIN, &p->chains[i].addr);
        bind_table_put(&r->chains, bind_route_key_hash(k), k, (void *)(uintptr_t)(i + 1));
    }
    r->first = bind_arena_alloc(r->arena, (p->nchains ? p->nchains : 1) * sizeof *r->first);
    r->count = bind_arena_alloc(r->arena, (p->nchains ? p->nchains : 1) * sizeof *r->count);
    /* Blocks in file order: the first to claim a name on a chain keeps it. */
    for (uint32_t i = 0; i < p->nvhosts; i++) {
        const bind_apache_vhost *v = &p->vhosts[i];
        for (uint32_t j = 0; j < v->nchains; j++) {
            uint32_t c = v->chains[j];
            if (!r->count[c]++) r->first[c] = i;
            /* A made-up ServerName matches what the block's first wildcard
             * does (`_.shop.example`), or, on a block without names, what
             * nothing else matches (`_default_`). */
            if (!v->nnames || v->server_name != v->names[0].name)
                add_name(r, c, i, v->server_name, v->nnames ? v->names[0].binding : NULL);
            for (uint32_t k = 0; k < v->nnames; k++) add_name(r, c, i, v->names[k].name, v->names[k].binding);
        }
    }
    /* A block's names record the bindings of its first chain; on the
     * others, report the binding IIS picked there. */
    for (uint32_t i = 0; i < p->nchains; i++) {
        const bind_apache_chain *c = &p->chains[i];
        for (uint32_t j = 0; j < c->nnames; j++) {
            const char *name = c->names[j].name;
            size_t n = strlen(name);
            bind_route_key k = { i, KIND_EXACT, name, n };
            if (n > 2 && name[0] == '*') { k.kind = KIND_GLOB; k.name = name + 2; k.len = n - 2; }
            hit *h = bind_table_get(&r->names, bind_route_key_hash(&k), &k);
            if (h && h->name == name) h->binding = c->names[j].binding;
        }
    }
    return r;
}

void bind_route_apache_free(bind_route_apache *r)
{
    if (!r) return;
    bind_table_fini(&r->listens);
    bind_table_fini(&r->chains);
    bind_table_fini(&r->names);
    bind_arena_free(r->arena);
    free(r);
}

static bool found(const bind_table *t, uint16_t port, uint32_t kind, const bind_addr *addr, uintptr_t *value)
{
    uint8_t bytes[17];
    bind_route_key k = { port, kind, (const char *)bytes, bind_route_addr_bytes(addr, bytes) };
    uintptr_t v = (uintptr_t)bind_table_get(t, bind_route_key_hash(&k), &k);
    if (value) *value = v;
    return v != 0;
}

static bool listening(const bind_route_apache *r, uint16_t port, const bind_addr *local)
{
    bind_addr any;
    memset(&any, 0, sizeof any);
    if (found(&r->listens, port, KIND_LISTEN, local, NULL)) return true;
    any.kind = BIND_ADDR_ANY;
    if (found(&r->listens, port, KIND_LISTEN, &any, NULL)) return true;
    any.kind = BIND_ADDR_ANY4;
    return local->kind == BIND_ADDR_V4 && found(&r->listens, port, KIND_LISTEN, &any, NULL);
}

/* The first block on the chain whose ServerName or ServerAlias matches
 * name: the exact name, or a glob `*.s` for each suffix after a dot (`*`
 * spans dots); the one listed first wins.  NULL when none matches. */
static const hit *lookup(const bind_route_apache *r, uint32_t chain, const char *name, size_t len)
{
    bind_route_key k = { chain, KIND_EXACT, name, len };
    const hit *best = bind_table_get(&r->names, bind_route_key_hash(&k), &k);
    k.kind = KIND_GLOB;
    for (size_t i = 0; i + 1 < len; i++) {
        if (name[i] != '.') continue;
        k.name = name + i + 1;
        k.len = len - i - 1;
        const hit *h = bind_table_get(&r->names, bind_route_key_hash(&k), &k);
        if (h && (!best || h->vhost < best->vhost)) best = h;
    }
    return best;
}

void bind_route_apache_resolve(const bind_route_apache *r, const bind_route_request *rq, const char *sni_sent,
                               bind_route_result *out)
{
    memset(out, 0, sizeof *out);
    out->socket = out->server = out->handshake = -1;
    if (!listening(r, rq->port, &rq->local)) { out->refusal = BIND_REFUSE_NOT_LISTENING; return; }
    uintptr_t v = 0;
    bind_addr any;
    memset(&any, 0, sizeof any);
    any.kind = BIND_ADDR_ANY;
    if (!found(&r->chains, rq->port, KIND_CHAIN, &rq->local, &v)) found(&r->chains, rq->port, KIND_CHAIN, &any, &v);
    if (!v) { out->refusal = BIND_REFUSE_NO_BINDING; return; }
    uint32_t chain = (uint32_t)(v - 1);
    const bind_apache_chain *c = &r->plan->chains[chain];
    out->socket = (int32_t)chain;
    if (c->ssl != (rq->protocol == BIND_PROTO_HTTPS)) { out->refusal = BIND_REFUSE_TLS_MISMATCH; return; }

    char host[1024];
    size_t hl = bind_route_host_normalize(rq->host, host, sizeof host);
    bool has_host = hl != 0;
    const hit *h = hl != (size_t)-1 && hl > 0 ? lookup(r, chain, host, hl) : NULL;
    bool only = r->count[chain] == 1;
    uint32_t first = r->first[chain];
    uint32_t vhost = only || !h ? first : h->vhost;

    if (c->ssl) {
        bind_route_hello hello = { sni_sent ? BIND_SNI_NAME : BIND_SNI_BROWSER, sni_sent };
        char sni[1024];
        size_t sl = bind_route_sni_of(rq, &hello, sni, sizeof sni);
        out->tls.hello = hello;
        const hit *hs = sl != (size_t)-1 && sl > 0 ? lookup(r, chain, sni, sl) : NULL;
        uint32_t shake = only || !hs ? first : hs->vhost;
        const bind_apache_vhost *vs = &r->plan->vhosts[shake];
        out->handshake = (int32_t)shake;
        out->tls.pick = hs && hs->vhost == shake ? BIND_TLS_NAMED : BIND_TLS_DEFAULT;
        out->tls.name = out->tls.pick == BIND_TLS_NAMED ? hs->name : NULL;
        out->tls.binding = vs->tls;
        out->tls.cert = vs->tls ? vs->tls->cert : NULL;
        out->server = (int32_t)vhost;
        if (sl && !has_host) { out->refusal = BIND_REFUSE_SNI_NO_HOST; return; }
        if (vhost != shake && !bind_apache_tls_compatible(&r->plan->vhosts[shake], &r->plan->vhosts[vhost])) {
            out->refusal = BIND_REFUSE_MISDIRECTED;
            return;
        }
    }
    out->server = (int32_t)vhost;
    const bind_apache_vhost *vh = &r->plan->vhosts[vhost];
    bool named = h && h->vhost == vhost && h->binding;
    if (named) {
        out->name = h->name;
        out->rule = h->key.kind == KIND_GLOB ? BIND_ROUTE_APACHE_WILDCARD : BIND_ROUTE_APACHE_NAME;
    } else {
        out->rule = only ? BIND_ROUTE_APACHE_ONLY : BIND_ROUTE_APACHE_FIRST;
    }
    if (vh->kind != BIND_APACHE_SITE) { out->rule = BIND_ROUTE_NONE; out->name = NULL; out->refusal = BIND_REFUSE_DEFAULT; return; }
    out->binding = named ? h->binding : vhost == first ? c->default_binding : NULL;
    if (!out->binding) { out->rule = BIND_ROUTE_NONE; out->refusal = BIND_REFUSE_DEFAULT; }
}
