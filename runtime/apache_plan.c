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
 * the same.  Cost is one pass per chain over the bindings that reach it —
 * the size of the output itself. */
#include "apache_plan.h"
#include "route_key.h"
#include "base/sort.h"
#include "base/table.h"

#include <string.h>

#define TLS_OFF_BITS (BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS)

/* What makes two bindings' names the same block: the site, and for TLS the
 * certificate and the protocol versions Apache would set. */
typedef struct ident {
    const bind_site *site;          /* NULL: a refusing block */
    uint8_t kind, protocol;
    bool ccs;
    const bind_cert *cert;
    const char *thumbprint;
    uint32_t tls_off;
    const bind_binding *tls;        /* first binding with this identity */
    uint32_t site_order;            /* for the output order */
    uint32_t index;
} ident;

static uint64_t ident_hash(const ident *d)
{
    uint64_t h = bind_hash_bytes(&d->site, sizeof d->site, BIND_HASH_SEED);
    h = bind_hash_bytes(&d->kind, 1, h);
    h = bind_hash_bytes(&d->protocol, 1, h);
    h = bind_hash_bytes(&d->ccs, 1, h);
    h = bind_hash_bytes(&d->cert, sizeof d->cert, h);
    if (d->thumbprint) h = bind_hash_bytes(d->thumbprint, strlen(d->thumbprint), h);
    return bind_hash_bytes(&d->tls_off, sizeof d->tls_off, h);
}

static bool ident_eq(const void *a, const void *b)
{
    const ident *x = a, *y = b;
    if (x->site != y->site || x->kind != y->kind || x->protocol != y->protocol || x->ccs != y->ccs) return false;
    if (x->cert != y->cert || x->tls_off != y->tls_off) return false;
    if (!x->thumbprint || !y->thumbprint) return x->thumbprint == y->thumbprint;
    return strcmp(x->thumbprint, y->thumbprint) == 0;
}

/* One name on one chain, before grouping into blocks. */
typedef struct placed {
    uint32_t ident;
    uint32_t rank;                  /* order of the name within its site */
    uint8_t cls;                    /* enum bind_apache_rank */
    uint8_t wlen;                   /* a wildcard's suffix length (at most 251) */
    const char *name;
    const bind_binding *binding;
} placed;

/* A block being built: its identity, rank and names (the grouping key). */
typedef struct draft {
    uint32_t ident;
    uint8_t cls, wlen;
    placed *names;
    uint32_t nnames;
    uint32_t nchains;
    uint32_t created;
} draft;

/* A <VirtualHost> address: chain `chain` in block `draft` (its `created`). */
typedef struct vh_line { uint32_t draft, chain; } vh_line;

typedef struct builder {
    bind_arena *a;                  /* the plan */
    bind_arena *tmp;                /* what only the building needs: identities, blocks being built */
    bind_table idents;              /* ident -> ident (arena) */
    BIND_VEC(ident *) ident_list;
    bind_table ranks;               /* (site, host) -> rank */
    const uint32_t *rank_of;        /* by item order: its name's rank */
    bind_table drafts;              /* draft key -> draft */
    BIND_VEC(draft *) draft_list;
    BIND_VEC(vh_line) lines;        /* every block's addresses, in chain order */
    BIND_VEC(bind_apache_chain) chains;
    BIND_VEC(bind_apache_listen) listens;
    BIND_VEC(bind_apache_merge) merged;
} builder;

typedef bind_route_item item;

static uint64_t key_port(const void *x, const void *ctx)
{
    (void)ctx;
    return ((const item *)x)->port;
}

/* Exact-address bindings by address, IPv4 first (the IPv6 bytes past the
 * prefix are bind_route_items_sort's), then declaration order. */
static uint64_t key_exact(const void *x, const void *ctx)
{
    (void)ctx;
    const item *it = x;
    return (uint64_t)(it->kind == BIND_ADDR_V6) << 32 | it->prefix;
}

/* ---- identities and name ranks ---------------------------------------- */

static ident *add_ident(builder *bd, const ident *probe)
{
    ident *d = bind_arena_alloc(bd->tmp, sizeof *d);
    *d = *probe;
    d->index = (uint32_t)bd->ident_list.len;
    bind_vec_push(&bd->ident_list, d);
    return d;
}

static uint32_t intern_ident(builder *bd, const ident *probe)
{
    uint64_t h = ident_hash(probe);
    ident *d = bind_table_get(&bd->idents, h, probe);
    if (d) return d->index;
    d = add_ident(bd, probe);
    bind_table_put(&bd->idents, h, d, d);
    return d->index;
}

/* A small site's identities and ranks are found by looking back over its
 * own (they can only equal its own), not in the fleet-wide tables. */
#define SITE_SCAN 16

static uint32_t site_ident(builder *bd, const bind_binding *b, uint32_t site_order, size_t site_first, bool scan)
{
    ident d;
    memset(&d, 0, sizeof d);
    d.site = b->site;
    d.kind = BIND_APACHE_SITE;
    d.protocol = b->protocol;
    if (b->protocol == BIND_PROTO_HTTPS) {
        d.ccs = b->ccs;
        d.cert = b->cert;
        d.thumbprint = b->cert ? NULL : b->thumbprint;
        d.tls_off = b->ssl_flags & TLS_OFF_BITS;
    }
    d.tls = b;
    d.site_order = site_order;
    if (!scan) return intern_ident(bd, &d);
    for (size_t i = site_first; i < bd->ident_list.len; i++)
        if (ident_eq(bd->ident_list.items[i], &d)) return (uint32_t)i;
    return add_ident(bd, &d)->index;
}

/* The block that refuses what IIS would refuse on a chain.  Apache cannot
 * refuse a TLS handshake, so a TLS one presents a certificate: the one
 * HTTP.sys keeps for the IP:port (a binding without SNI) when there is
 * one, else the chain's first binding's. */
static uint32_t refusing_ident(builder *bd, uint8_t protocol, const bind_binding *tls)
{
    ident d;
    memset(&d, 0, sizeof d);
    d.kind = BIND_APACHE_REFUSE;
    d.protocol = protocol;
    if (protocol == BIND_PROTO_HTTPS && tls) {
        d.ccs = tls->ccs;
        d.cert = tls->cert;
        d.thumbprint = tls->cert ? NULL : tls->thumbprint;
        d.tls_off = tls->ssl_flags & TLS_OFF_BITS;
        d.tls = tls;
    }
    return intern_ident(bd, &d);
}

typedef struct rank_key { const bind_site *site; const char *host; } rank_key;
static uint64_t rank_hash(const rank_key *k)
{
    uint64_t h = bind_hash_bytes(&k->site, sizeof k->site, BIND_HASH_SEED);
    return bind_hash_bytes(&k->host, sizeof k->host, h);
}
static bool rank_eq(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    return x->site == y->site && x->host == y->host;
}

/* ---- one chain ----------------------------------------------------------- */

typedef struct winner { bind_route_key key; const bind_binding *b; uint32_t order; } winner;

typedef struct chain_work {
    const item *exact; size_t nexact;   /* bindings on this very address */
    const item *any; size_t nany;       /* the any-tier bindings that reach it */
    bind_addr addr;
    uint16_t port;
    bool merged;                        /* `*:port` serving both families for bindings of one */
} chain_work;

/* Names by block (identity, rank, wildcard length), then by their rank in
 * the site: two stable passes. */
static uint64_t key_in_site(const void *x, const void *ctx)
{
    (void)ctx;
    return ((const placed *)x)->rank;
}
static uint64_t key_block(const void *x, const void *ctx)
{
    (void)ctx;
    const placed *p = x;
    return (uint64_t)p->ident << 16 | (uint64_t)p->cls << 8 | p->wlen;
}

typedef struct draft_key { uint32_t ident; uint8_t cls, wlen; const placed *names; uint32_t n; } draft_key;
static uint64_t draft_hash(const draft_key *k)
{
    uint64_t h = bind_hash_bytes(&k->ident, sizeof k->ident, BIND_HASH_SEED);
    h = bind_hash_bytes(&k->cls, 1, h);
    h = bind_hash_bytes(&k->wlen, 1, h);
    for (uint32_t i = 0; i < k->n; i++) h = bind_hash_bytes(&k->names[i].rank, sizeof k->names[i].rank, h);
    return h;
}
static bool draft_eq(const void *a, const void *b)
{
    const draft_key *x = a, *y = b;
    if (x->ident != y->ident || x->cls != y->cls || x->wlen != y->wlen || x->n != y->n) return false;
    for (uint32_t i = 0; i < x->n; i++) if (x->names[i].rank != y->names[i].rank) return false;
    return true;
}

/* Finds or makes the block of this identity and rank with exactly these
 * names, and adds the chain to its addresses. */
static uint32_t place(builder *bd, uint32_t ident_index, uint8_t cls, uint8_t wlen, const placed *names, uint32_t n,
                      uint32_t chain)
{
    draft_key probe = { ident_index, cls, wlen, names, n };
    uint64_t h = draft_hash(&probe);
    draft *d = bind_table_get(&bd->drafts, h, &probe);
    if (!d) {
        d = bind_arena_alloc(bd->tmp, sizeof *d);
        d->ident = ident_index;
        d->cls = cls;
        d->wlen = wlen;
        d->nnames = n;
        d->names = bind_arena_alloc(bd->tmp, (n ? n : 1) * sizeof *d->names);
        if (n) memcpy(d->names, names, n * sizeof *names);
        d->created = (uint32_t)bd->draft_list.len;
        draft_key *k = bind_arena_alloc(bd->tmp, sizeof *k);
        *k = probe;
        k->names = d->names;
        bind_table_put(&bd->drafts, h, k, d);
        bind_vec_push(&bd->draft_list, d);
    }
    vh_line l = { d->created, chain };
    bind_vec_push(&bd->lines, l);
    d->nchains++;
    return d->created;
}

/* A merged binding whose name another binding took on `*:port`, or whose
 * protocol it does not speak. */
static void note_shadowed(builder *bd, const bind_binding *b, const bind_binding *by, bool protocol)
{
    for (size_t i = bd->merged.len; i-- > 0;) {
        if (bd->merged.items[i].binding != b) continue;
        bd->merged.items[i].shadowed_by = by;
        bd->merged.items[i].lost_protocol = protocol;
        return;
    }
}

static void build_chain(builder *bd, const chain_work *w, const uint32_t *ident_of)
{
    const bind_binding *first = w->nexact ? w->exact[0].b : w->any[0].b;
    uint8_t protocol = first->protocol;

    bind_apache_chain c;
    memset(&c, 0, sizeof c);
    c.addr = w->addr;
    c.port = w->port;
    c.protocol = protocol;
    c.ssl = protocol == BIND_PROTO_HTTPS;
    c.maker = first;

    bind_table names;
    bind_table_init(&names, bind_route_key_eq);
    size_t total = w->nexact + w->nany;
    winner *wins = bind_pages_alloc((total ? total : 1) * sizeof *wins);
    size_t nwins = 0;
    const bind_binding *ipcert = NULL;
    for (size_t i = 0; i < total; i++) {
        const item *it = i < w->nexact ? &w->exact[i] : &w->any[i - w->nexact];
        const bind_binding *b = it->b;
        bool merged = w->merged && it->kind != BIND_ADDR_ANY;
        if (b->protocol != protocol) {
            if (!c.lost) c.lost = b;
            if (merged) note_shadowed(bd, b, first, true);
            continue;
        }
        if (protocol == BIND_PROTO_HTTPS && !b->sni && !b->ccs && !ipcert && (b->cert || b->thumbprint)) ipcert = b;
        const char *suffix = bind_route_wildcard_suffix(b);
        if (b->host_wildcard && !suffix) continue;
        winner *cand = &wins[nwins];
        cand->key.scope = 0;
        cand->key.kind = suffix ? 1 : 0;
        cand->key.name = suffix ? suffix : b->host;
        cand->key.len = strlen(cand->key.name);
        cand->b = b;
        cand->order = it->order;
        /* Exact-address bindings come first, so they win their names; on
         * `*:port` the first declared of two families' bindings does. */
        const winner *got = bind_table_put(&names, bind_route_key_hash(&cand->key), &cand->key, cand);
        if (got == cand) nwins++;
        else if (merged) note_shadowed(bd, b, got->b, false);
    }

    const winner *catch_all = NULL;
    for (size_t i = 0; i < nwins && !catch_all; i++) if (wins[i].key.len == 0) catch_all = &wins[i];
    uint32_t def_ident = catch_all ? ident_of[catch_all->order]
                                   : refusing_ident(bd, protocol, ipcert ? ipcert : protocol == BIND_PROTO_HTTPS ? first : NULL);
    c.default_binding = catch_all ? catch_all->b : NULL;

    placed *pl = bind_pages_alloc((nwins ? nwins : 1) * sizeof *pl);
    size_t npl = 0;
    for (size_t i = 0; i < nwins; i++) {
        const winner *x = &wins[i];
        if (x->key.len == 0) continue;
        placed *p = &pl[npl++];
        p->ident = ident_of[x->order];
        p->rank = bd->rank_of[x->order];
        p->name = x->b->host;
        p->binding = x->b;
        if (x->key.kind == 0) {
            p->cls = p->ident == def_ident ? BIND_APACHE_DEFAULT : BIND_APACHE_NAMES;
            p->wlen = 0;
        } else {
            p->cls = bind_addr_is_any_tier(&x->b->addr) ? BIND_APACHE_WILD_ANY : BIND_APACHE_WILD_ADDR;
            p->wlen = (uint8_t)x->key.len;
        }
    }
    bind_sort_by_key(pl, npl, sizeof *pl, key_in_site, NULL);
    bind_sort_by_key(pl, npl, sizeof *pl, key_block, NULL);

    c.nnames = (uint32_t)npl;
    c.names = bind_arena_alloc(bd->a, (npl ? npl : 1) * sizeof *c.names);
    for (size_t i = 0; i < npl; i++) {
        c.names[i].name = pl[i].name;
        c.names[i].binding = pl[i].binding;
    }
    uint32_t chain = (uint32_t)bd->chains.len;
    int64_t def_draft = -1;
    for (size_t i = 0; i < npl;) {
        size_t j = i;
        while (j < npl && key_block(&pl[j], NULL) == key_block(&pl[i], NULL)) j++;
        uint32_t d = place(bd, pl[i].ident, pl[i].cls, pl[i].wlen, pl + i, (uint32_t)(j - i), chain);
        if (pl[i].cls == BIND_APACHE_DEFAULT) def_draft = d;
        c.nvhosts++;
        i = j;
    }
    if (def_draft < 0) {
        def_draft = place(bd, def_ident, BIND_APACHE_DEFAULT, 0, NULL, 0, chain);
        c.nvhosts++;
    }
    c.first = (uint32_t)def_draft;         /* a draft index until the blocks are ordered */
    bind_vec_push(&bd->chains, c);

    bind_pages_free(pl, (nwins ? nwins : 1) * sizeof *pl);
    bind_pages_free(wins, (total ? total : 1) * sizeof *wins);
    bind_table_fini(&names);
}

/* ---- one port ------------------------------------------------------------ */

/* The protocol of the chains a Listen serves: one, or UINT8_MAX for both.
 * An exact address's is its chain's; a port-wide one is asked of every
 * chain of the port, once. */
static uint8_t listen_protocol(const builder *bd, size_t from, const bind_addr *addr)
{
    uint8_t p = UINT8_MAX;
    bool any = false;
    for (size_t i = from; i < bd->chains.len; i++) {
        const bind_apache_chain *c = &bd->chains.items[i];
        bool serves = addr->kind == BIND_ADDR_ANY || (addr->kind == BIND_ADDR_ANY4 && c->addr.kind != BIND_ADDR_V6);
        if (!serves) continue;
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

static void build_port(builder *bd, const item *group, size_t n, const uint32_t *ident_of)
{
    size_t bytes = (n ? n : 1) * sizeof(item);
    item *exact = bind_pages_alloc(bytes), *any4 = bind_pages_alloc(bytes), *any6 = bind_pages_alloc(bytes),
         *all = bind_pages_alloc(bytes);
    size_t ne = 0, n4 = 0, n6 = 0, na = 0;
    bool has_any = false, has4 = false, has6 = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t kind = group[i].kind;
        if (kind == BIND_ADDR_V4 || kind == BIND_ADDR_V6) { exact[ne++] = group[i]; continue; }
        all[na++] = group[i];
        if (kind == BIND_ADDR_ANY || kind == BIND_ADDR_ANY4) any4[n4++] = group[i];
        if (kind == BIND_ADDR_ANY || kind == BIND_ADDR_ANY6) any6[n6++] = group[i];
        has_any |= kind == BIND_ADDR_ANY;
        has4 |= kind == BIND_ADDR_ANY4;
        has6 |= kind == BIND_ADDR_ANY6;
    }
    /* `Listen PORT` takes IPv4 too whenever IPv6 is served on every
     * address; only a port whose any tier is all 0.0.0.0 keeps to IPv4. */
    bool listen_all = has_any || has6;
    bool merged = listen_all && (has4 || has6);
    if (merged)
        for (size_t i = 0; i < na; i++)
            if (all[i].kind != BIND_ADDR_ANY) {
                bind_apache_merge mg = { all[i].b, NULL, false };
                bind_vec_push(&bd->merged, mg);
            }
    bind_route_items_sort(exact, ne, key_exact, NULL);
    uint16_t port = group[0].port;
    size_t first_chain = bd->chains.len;
    for (size_t i = 0; i < ne;) {
        size_t j = i;
        while (j < ne && bind_route_item_same_addr(&exact[j], &exact[i])) j++;
        bool v4 = exact[i].kind == BIND_ADDR_V4;
        chain_work w = { exact + i, j - i, v4 ? any4 : any6, v4 ? n4 : n6, exact[i].b->addr, port, false };
        build_chain(bd, &w, ident_of);
        i = j;
    }
    if (na) {
        chain_work w = { NULL, 0, all, na, { 0, { 0 } }, port, merged };
        w.addr.kind = BIND_ADDR_ANY;
        build_chain(bd, &w, ident_of);
    }
    /* Listen lines that never overlap: `Listen PORT` alone covers every
     * address; `Listen 0.0.0.0:PORT` the IPv4 ones, beside each IPv6
     * address; else one per address. */
    bind_addr wide;
    memset(&wide, 0, sizeof wide);
    wide.kind = listen_all ? BIND_ADDR_ANY : BIND_ADDR_ANY4;
    if (listen_all || na) add_listen(bd, &wide, port, listen_protocol(bd, first_chain, &wide));
    if (!listen_all)
        for (size_t i = first_chain; i < bd->chains.len; i++) {
            const bind_apache_chain *c = &bd->chains.items[i];
            if (c->addr.kind == BIND_ADDR_V6 || (c->addr.kind == BIND_ADDR_V4 && !na)) add_listen(bd, &c->addr, port, c->protocol);
        }
    bind_pages_free(exact, bytes);
    bind_pages_free(any4, bytes);
    bind_pages_free(any6, bytes);
    bind_pages_free(all, bytes);
}

/* ---- the plan ------------------------------------------------------------ */

/* By rank; wildcards the longest suffix first; refusing blocks before the
 * sites', and sites in declaration order.  Blocks of equal keys keep the
 * order they were made in. */
static uint64_t key_draft(const void *x, const void *ctx)
{
    const ident *const *ids = ctx;
    const draft *d = *(const draft *const *)x;
    const ident *id = ids[d->ident];
    uint64_t len = d->cls >= BIND_APACHE_WILD_ADDR ? 255u - d->wlen : 0;
    return (uint64_t)d->cls << 48 | len << 40 | (id->site ? (uint64_t)id->site_order + 1 : 0);
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
    bd.a = a;
    bd.tmp = bind_arena_new();
    bind_table_init(&bd.idents, ident_eq);
    bind_table_init(&bd.ranks, rank_eq);
    bind_table_init(&bd.drafts, draft_eq);

    BIND_VEC(item) items = { 0 };
    BIND_VEC(uint32_t) idents = { 0 };
    BIND_VEC(uint32_t) ranks = { 0 };
    bind_vec_reserve(&items, m->nbindings);
    bind_vec_reserve(&idents, m->nbindings);
    bind_vec_reserve(&ranks, m->nbindings);
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        if (s->server != BIND_SERVER_ANY && s->server != BIND_SERVER_APACHE) continue;
        bool scan = s->nbindings <= SITE_SCAN;
        size_t first_ident = bd.ident_list.len, first_item = items.len;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (!b->valid || (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS)) continue;
            if (!b->port || b->addr.kind == BIND_ADDR_NONE) continue;
            item it = bind_route_item_of(b, (uint32_t)items.len);
            bind_vec_push(&items, it);
            bind_vec_push(&idents, site_ident(&bd, b, i, first_ident, scan));
            if (scan) {
                size_t r = first_item;          /* the site's first item with this host */
                while (items.items[r].b->host != b->host) r++;
                bind_vec_push(&ranks, (uint32_t)r);
                continue;
            }
            rank_key probe = { s, b->host };
            uint32_t *rank = bind_table_get(&bd.ranks, rank_hash(&probe), &probe);
            if (!rank) {
                rank_key *rk = bind_arena_alloc(bd.tmp, sizeof *rk);
                *rk = probe;
                rank = bind_arena_alloc(bd.tmp, sizeof *rank);
                *rank = (uint32_t)items.len - 1;
                bind_table_put(&bd.ranks, rank_hash(rk), rk, rank);
            }
            bind_vec_push(&ranks, *rank);
        }
    }
    bd.rank_of = ranks.items;
    bind_sort_by_key(items.items, items.len, sizeof *items.items, key_port, NULL);
    for (size_t i = 0; i < items.len;) {
        size_t j = i;
        while (j < items.len && items.items[j].port == items.items[i].port) j++;
        build_port(&bd, items.items + i, j - i, idents.items);
        i = j;
    }

    /* Blocks in file order; chains point at their first block. */
    size_t nd = bd.draft_list.len;
    bind_sort_by_key(bd.draft_list.items, nd, sizeof *bd.draft_list.items, key_draft, bd.ident_list.items);
    uint32_t *where = bind_xmalloc((nd ? nd : 1) * sizeof *where);
    uint32_t *lines = bind_arena_alloc(a, (bd.lines.len ? bd.lines.len : 1) * sizeof *lines);
    uint32_t *next = bind_xmalloc((nd ? nd : 1) * sizeof *next);     /* by `created`: its next free line */
    bind_apache_plan *p = bind_arena_alloc(a, sizeof *p);
    p->nvhosts = (uint32_t)nd;
    p->vhosts = bind_arena_alloc(a, (nd ? nd : 1) * sizeof *p->vhosts);
    uint32_t used = 0;
    for (size_t i = 0; i < nd; i++) {
        draft *d = bd.draft_list.items[i];
        const ident *id = bd.ident_list.items[d->ident];
        where[d->created] = (uint32_t)i;
        bind_apache_vhost *v = &p->vhosts[i];
        v->site = id->site;
        v->kind = id->kind;
        v->rank = d->cls;
        v->ssl = id->protocol == BIND_PROTO_HTTPS;
        v->tls = v->ssl ? id->tls : NULL;
        v->tls_off = id->tls_off;
        v->nchains = d->nchains;
        v->chains = lines + used;
        next[d->created] = used;
        used += d->nchains;
        v->nnames = d->nnames;
        v->names = bind_arena_alloc(a, (d->nnames ? d->nnames : 1) * sizeof *v->names);
        for (uint32_t k = 0; k < d->nnames; k++) {
            v->names[k].name = d->names[k].name;
            v->names[k].binding = d->names[k].binding;
        }
        v->server_name = server_name(a, v);
    }
    for (size_t i = 0; i < bd.lines.len; i++) lines[next[bd.lines.items[i].draft]++] = bd.lines.items[i].chain;
    p->nchains = (uint32_t)bd.chains.len;
    p->chains = bind_arena_alloc(a, (bd.chains.len ? bd.chains.len : 1) * sizeof *p->chains);
    for (size_t i = 0; i < bd.chains.len; i++) {
        p->chains[i] = bd.chains.items[i];
        p->chains[i].first = where[p->chains[i].first];
    }
    p->nlistens = (uint32_t)bd.listens.len;
    p->listens = bind_arena_alloc(a, (bd.listens.len ? bd.listens.len : 1) * sizeof *p->listens);
    if (bd.listens.len) memcpy(p->listens, bd.listens.items, bd.listens.len * sizeof *p->listens);
    /* Merged bindings in declaration order (ports came in port order). */
    p->nmerged = (uint32_t)bd.merged.len;
    p->merged = bind_arena_alloc(a, (bd.merged.len ? bd.merged.len : 1) * sizeof *p->merged);
    if (bd.merged.len) memcpy(p->merged, bd.merged.items, bd.merged.len * sizeof *p->merged);

    free(where);
    free(next);
    bind_vec_free(&bd.lines);
    bind_vec_free(&items);
    bind_vec_free(&idents);
    bind_vec_free(&ranks);
    bind_vec_free(&bd.ident_list);
    bind_vec_free(&bd.draft_list);
    bind_vec_free(&bd.chains);
    bind_vec_free(&bd.listens);
    bind_vec_free(&bd.merged);
    bind_table_fini(&bd.idents);
    bind_table_fini(&bd.ranks);
    bind_table_fini(&bd.drafts);
    bind_arena_free(bd.tmp);
    return p;
}

const char *bind_apache_chain_text(bind_arena *a, const bind_apache_chain *c)
{
    char addr[48];
    if (c->addr.kind == BIND_ADDR_ANY) return bind_arena_printf(a, "*:%u", c->port);
    bind_addr_format(&c->addr, addr, true);
    return bind_arena_printf(a, "%s:%u", addr, c->port);
}

const char *bind_apache_listen_text(bind_arena *a, const bind_apache_listen *l)
{
    char addr[48];
    if (l->addr.kind == BIND_ADDR_ANY) return bind_arena_printf(a, "%u", l->port);
    bind_addr_format(&l->addr, addr, true);
    return bind_arena_printf(a, "%s:%u", addr, l->port);
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
