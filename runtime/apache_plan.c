/* Builds the Apache plan (apache_plan.h): the IIS rules, chain by chain.
 *
 * For each port, every exact address a binding names is a chain, and so
 * is `*:port` when an any-tier binding is there.  On the chain of an exact
 * address E, HTTP.sys would consider the bindings on E and the any-tier
 * bindings of E's family; on `*:port` the any-tier ones (of both families:
 * Apache cannot tell them apart there).  Per chain each host name (or
 * wildcard pattern) goes to the best binding that has it — E before the
 * any tier — and so does the host-less catch-all, which becomes the
 * chain's default block.  Then every name gets the rank that orders it in
 * the file (apache_plan.h), and the names of one site, certificate and
 * rank on a chain make one block, shared by every chain where those are
 * the same.  The grouping is the one the nginx plan makes too
 * (socket_plan.c); this file has what is Apache's: the chains of a port,
 * the ranks, the refusing block, the Listen lines and the merged families. */
#include "apache_plan.h"
#include "socket_plan.h"

#include <string.h>

typedef struct builder {
    bind_plan_builder core;
    BIND_VEC(bind_apache_chain) chains;
    BIND_VEC(bind_apache_listen) listens;
    BIND_VEC(bind_apache_merge) merged;
} builder;

typedef bind_route_item item;

/* The block that refuses what IIS would refuse on a chain.  Apache cannot
 * refuse a TLS handshake, so a TLS one presents a certificate: the one
 * HTTP.sys keeps for the IP:port (a binding without SNI) when there is
 * one, else the chain's first binding's. */
static uint32_t refusing_ident(builder *bd, uint8_t protocol, const bind_binding *tls)
{
    bind_plan_ident d;
    memset(&d, 0, sizeof d);
    d.kind = BIND_APACHE_REFUSE;
    d.protocol = protocol;
    if (protocol == BIND_PROTO_HTTPS && tls) {
        bind_plan_ident_tls(&d, tls);
        d.tls = tls;
    }
    return bind_plan_intern_ident(&bd->core, &d);
}

static bind_apache_name *names_of(bind_arena *a, const bind_plan_placed *pl, size_t n)
{
    bind_apache_name *names = bind_arena_alloc(a, (n ? n : 1) * sizeof *names);
    for (size_t i = 0; i < n; i++) names[i] = (bind_apache_name){ pl[i].name, pl[i].binding };
    return names;
}

/* ---- one chain ----------------------------------------------------------- */

typedef struct chain_work {
    builder *bd;
    bool merged;                        /* `*:port` serving both families for bindings of one */
    uint32_t def_ident;
} chain_work;

/* A merged binding whose name another binding took on `*:port`, or whose
 * protocol it does not speak. */
static void note_shadowed(void *ctx, const item *it, const bind_binding *by, bool protocol)
{
    const chain_work *w = ctx;
    if (!w->merged || it->kind == BIND_ADDR_ANY) return;
    builder *bd = w->bd;
    for (size_t i = bd->merged.len; i-- > 0;) {
        if (bd->merged.items[i].binding != it->b) continue;
        bd->merged.items[i].shadowed_by = by;
        bd->merged.items[i].lost_protocol = protocol;
        return;
    }
}

/* A name's block: its rank in the file (enum bind_apache_rank) << 8, and
 * a wildcard's suffix length (at most 251). */
static uint16_t block_of(void *ctx, const bind_plan_winner *x, uint32_t ident)
{
    const chain_work *w = ctx;
    if (x->key.kind == 0) return (ident == w->def_ident ? BIND_APACHE_DEFAULT : BIND_APACHE_NAMES) << 8;
    uint16_t cls = bind_addr_is_any_tier(&x->b->addr) ? BIND_APACHE_WILD_ANY : BIND_APACHE_WILD_ADDR;
    return (uint16_t)(cls << 8 | (uint8_t)x->key.len);
}

static void build_chain(builder *bd, bind_plan_socket *s, bind_addr addr, uint16_t port, bool merged)
{
    chain_work w = { bd, merged, 0 };
    bind_plan_socket_open(&bd->core, s, note_shadowed, &w);
    uint8_t protocol = s->protocol;

    bind_apache_chain c;
    memset(&c, 0, sizeof c);
    c.addr = addr;
    c.port = port;
    c.protocol = protocol;
    c.ssl = protocol == BIND_PROTO_HTTPS;
    c.maker = s->maker;
    c.lost = s->lost;

    const bind_plan_winner *catch_all = s->catch_all;
    const bind_binding *tls = s->ipcert ? s->ipcert : protocol == BIND_PROTO_HTTPS ? s->maker : NULL;
    w.def_ident = catch_all ? bd->core.ident_of.items[catch_all->order] : refusing_ident(bd, protocol, tls);
    c.default_binding = catch_all ? catch_all->b : NULL;

    size_t npl;
    bind_plan_placed *pl = bind_plan_socket_names(&bd->core, s, block_of, &w, &npl);
    c.nnames = (uint32_t)npl;
    c.names = names_of(bd->core.a, pl, npl);
    /* A draft index until the blocks are ordered. */
    c.first = bind_plan_place(&bd->core, pl, npl, w.def_ident, (uint32_t)bd->chains.len, &c.nvhosts);
    bind_vec_push(&bd->chains, c);

    bind_plan_names_free(pl, s);
    bind_plan_socket_close(s);
}

/* ---- one port ------------------------------------------------------------ */

bind_addr bind_apache_listen_addr(const bind_addr *addr, unsigned any_tier)
{
    bind_addr l;
    memset(&l, 0, sizeof l);
    if (any_tier & (BIND_APACHE_TIER(BIND_ADDR_ANY) | BIND_APACHE_TIER(BIND_ADDR_ANY6))) l.kind = BIND_ADDR_ANY;
    else if (bind_addr_is_any_tier(addr) || (addr->kind == BIND_ADDR_V4 && any_tier & BIND_APACHE_TIER(BIND_ADDR_ANY4)))
        l.kind = BIND_ADDR_ANY4;
    else l = *addr;
    return l;
}

/* The protocol of the chains a port-wide Listen serves: one, or UINT8_MAX
 * for both.  (An exact address's is its own chain's.) */
static uint8_t listen_protocol(const builder *bd, size_t from, const bind_addr *listen, unsigned tier)
{
    uint8_t p = UINT8_MAX;
    bool any = false;
    for (size_t i = from; i < bd->chains.len; i++) {
        const bind_apache_chain *c = &bd->chains.items[i];
        bind_addr served_by = bind_apache_listen_addr(&c->addr, tier);
        if (!bind_addr_equal(&served_by, listen)) continue;
        if (!any) p = c->protocol;
        else if (p != c->protocol) return UINT8_MAX;
        any = true;
    }
    return p;
}

static void add_listen(builder *bd, const bind_addr *addr, uint16_t port, uint8_t protocol)
{
    bind_apache_listen l;
    memset(&l, 0, sizeof l);
    l.addr = *addr;
    l.port = port;
    l.protocol = protocol;
    bind_vec_push(&bd->listens, l);
}

static size_t build_port(builder *bd, size_t from)
{
    bind_plan_port pp;
    size_t next = bind_plan_port_open(&bd->core, from, true, &pp);
    unsigned tier = 0;
    for (size_t i = 0; i < pp.nany; i++) tier |= BIND_APACHE_TIER(pp.any[i].kind);
    bind_addr star;
    memset(&star, 0, sizeof star);
    star.kind = BIND_ADDR_ANY;
    /* The port-wide Listen: `Listen PORT` takes IPv4 too whenever IPv6 is
     * served on every address, so 0.0.0.0 and [::] bindings beside it, or
     * beside each other, get the other family's requests too. */
    bind_addr wide = bind_apache_listen_addr(&star, tier);
    bool merged = wide.kind == BIND_ADDR_ANY &&
                  (tier & (BIND_APACHE_TIER(BIND_ADDR_ANY4) | BIND_APACHE_TIER(BIND_ADDR_ANY6)));
    if (merged)
        for (size_t i = 0; i < pp.nany; i++)
            if (pp.any[i].kind != BIND_ADDR_ANY) {
                bind_apache_merge mg = { pp.any[i].b, NULL, false };
                bind_vec_push(&bd->merged, mg);
            }
    size_t first_chain = bd->chains.len;
    for (size_t i = 0; i < pp.nexact;) {
        size_t j = bind_plan_port_addr_end(&pp, i);
        bool v4 = pp.exact[i].kind == BIND_ADDR_V4;
        bind_plan_socket s = { .exact = pp.exact + i, .nexact = j - i, .any = v4 ? pp.any4 : pp.any6, .nany = v4 ? pp.n4 : pp.n6 };
        build_chain(bd, &s, pp.exact[i].b->addr, pp.port, false);
        i = j;
    }
    if (pp.nany) {
        bind_plan_socket s = { .any = pp.any, .nany = pp.nany };
        build_chain(bd, &s, star, pp.port, merged);
    }
    /* Listen lines that never overlap: the port-wide one where there is an
     * any tier, then each address bind_apache_listen_addr leaves its own. */
    if (pp.nany) add_listen(bd, &wide, pp.port, listen_protocol(bd, first_chain, &wide, tier));
    for (size_t i = first_chain; i < bd->chains.len; i++) {
        const bind_apache_chain *c = &bd->chains.items[i];
        if (c->addr.kind == BIND_ADDR_ANY) continue;
        bind_addr served_by = bind_apache_listen_addr(&c->addr, tier);
        if (bind_addr_equal(&served_by, &c->addr)) add_listen(bd, &c->addr, pp.port, c->protocol);
    }
    bind_plan_port_free(&pp);
    return next;
}

/* ---- the plan ------------------------------------------------------------ */

/* By rank; wildcards the longest suffix first; refusing blocks before the
 * sites', and sites in declaration order.  Blocks of equal keys keep the
 * order they were made in. */
static uint64_t key_draft(const void *x, const void *ctx)
{
    const bind_plan_ident *const *ids = ctx;
    const bind_plan_draft *d = *(const bind_plan_draft *const *)x;
    const bind_plan_ident *id = ids[d->ident];
    uint64_t cls = d->block >> 8, wlen = d->block & 0xff;
    uint64_t len = cls >= BIND_APACHE_WILD_ADDR ? 255u - wlen : 0;
    return cls << 48 | len << 40 | (id->site ? (uint64_t)id->site_order + 1 : 0);
}

static const char *server_name(bind_arena *a, const bind_apache_vhost *v)
{
    if (!v->nnames) return "_default_";
    const char *n = v->names[0].name;
    if (n[0] != '*') return n;
    /* `_.shop.example`: a host that only the block's own first wildcard,
     * and shorter ones, match — as an alias would, and no binding can be
     * named so (`_` is no host name character). */
    return bind_arena_printf(a, "_%s", n + 1);
}

bind_apache_plan *bind_apache_plan_build(bind_arena *a, const bind_model *m)
{
    builder bd;
    memset(&bd, 0, sizeof bd);
    bind_plan_builder_init(&bd.core, a, m, BIND_SERVER_APACHE, BIND_APACHE_SITE, true);
    for (size_t i = 0; i < bd.core.items.len;) i = build_port(&bd, i);

    /* Blocks in file order; chains point at their first block. */
    bind_plan_order(&bd.core, key_draft);
    size_t nd = bd.core.draft_list.len;
    bind_apache_plan *p = bind_arena_alloc(a, sizeof *p);
    p->nvhosts = (uint32_t)nd;
    p->vhosts = bind_arena_alloc(a, (nd ? nd : 1) * sizeof *p->vhosts);
    for (size_t i = 0; i < nd; i++) {
        const bind_plan_draft *d = bd.core.draft_list.items[i];
        const bind_plan_ident *id = bd.core.ident_list.items[d->ident];
        bind_apache_vhost *v = &p->vhosts[i];
        v->site = id->site;
        v->kind = id->kind;
        v->rank = (uint8_t)(d->block >> 8);
        v->ssl = id->protocol == BIND_PROTO_HTTPS;
        v->tls = v->ssl ? id->tls : NULL;
        v->tls_off = id->tls_off;
        v->nchains = d->nsockets;
        v->chains = d->sockets;
        v->nnames = d->nnames;
        v->names = names_of(a, d->names, d->nnames);
        v->server_name = server_name(a, v);
    }
    p->nchains = (uint32_t)bd.chains.len;
    p->chains = bind_arena_alloc(a, (bd.chains.len ? bd.chains.len : 1) * sizeof *p->chains);
    for (size_t i = 0; i < bd.chains.len; i++) {
        p->chains[i] = bd.chains.items[i];
        p->chains[i].first = bd.core.where[p->chains[i].first];
    }
    p->nlistens = (uint32_t)bd.listens.len;
    p->listens = bind_arena_alloc(a, (bd.listens.len ? bd.listens.len : 1) * sizeof *p->listens);
    if (bd.listens.len) memcpy(p->listens, bd.listens.items, bd.listens.len * sizeof *p->listens);
    /* Merged bindings in declaration order (ports came in port order). */
    p->nmerged = (uint32_t)bd.merged.len;
    p->merged = bind_arena_alloc(a, (bd.merged.len ? bd.merged.len : 1) * sizeof *p->merged);
    if (bd.merged.len) memcpy(p->merged, bd.merged.items, bd.merged.len * sizeof *p->merged);

    bind_vec_free(&bd.chains);
    bind_vec_free(&bd.listens);
    bind_vec_free(&bd.merged);
    bind_plan_builder_fini(&bd.core);
    return p;
}

const char *bind_apache_chain_text(bind_arena *a, const bind_apache_chain *c)
{
    return bind_plan_addr_text(a, &c->addr, c->port, BIND_ADDR_ANY, "*:");
}

const char *bind_apache_listen_text(bind_arena *a, const bind_apache_listen *l)
{
    return bind_plan_addr_text(a, &l->addr, l->port, BIND_ADDR_ANY, "");
}

static bool same_text(const char *x, const char *y) { return x == y || (x && y && strcmp(x, y) == 0); }

bool bind_apache_tls_compatible(const bind_apache_vhost *x, const bind_apache_vhost *y)
{
    if (x == y) return true;
    if (!x->ssl || !y->ssl || !x->tls || !y->tls) return x->ssl == y->ssl && !x->tls && !y->tls;
    if (x->tls_off != y->tls_off) return false;
    const bind_cert *cx = x->tls->cert, *cy = y->tls->cert;
    /* mod_ssl compares the file names it was given. */
    if (cx && cy) return same_text(cx->pem, cy->pem) && same_text(cx->key, cy->key);
    return cx == cy && x->tls->thumbprint == y->tls->thumbprint && x->tls->ccs == y->tls->ccs;
}
