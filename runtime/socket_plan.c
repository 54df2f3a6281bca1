/* The socket grouping the nginx and Apache plans share (socket_plan.h).
 * Cost is one pass per socket over the bindings that reach it — the size
 * of either output itself. */
#include "socket_plan.h"
#include "base/sort.h"

#include <stdlib.h>
#include <string.h>

/* ---- identities and name ranks ---------------------------------------- */

static uint64_t ident_hash(const bind_plan_ident *d)
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
    const bind_plan_ident *x = a, *y = b;
    if (x->site != y->site || x->kind != y->kind || x->protocol != y->protocol || x->ccs != y->ccs) return false;
    if (x->cert != y->cert || x->tls_off != y->tls_off) return false;
    if (!x->thumbprint || !y->thumbprint) return x->thumbprint == y->thumbprint;
    return strcmp(x->thumbprint, y->thumbprint) == 0;
}

/* A new identity at the end of the list. */
static bind_plan_ident *add_ident(bind_plan_builder *bd, const bind_plan_ident *probe)
{
    bind_plan_ident *d = bind_arena_alloc(bd->tmp, sizeof *d);
    *d = *probe;
    d->index = (uint32_t)bd->ident_list.len;
    bind_vec_push(&bd->ident_list, d);
    return d;
}

uint32_t bind_plan_intern_ident(bind_plan_builder *bd, const bind_plan_ident *probe)
{
    uint64_t h = ident_hash(probe);
    bind_plan_ident *d = bind_table_get(&bd->idents, h, probe);
    if (d) return d->index;
    d = add_ident(bd, probe);
    bind_table_put(&bd->idents, h, d, d);
    return d->index;
}

void bind_plan_ident_tls(bind_plan_ident *d, const bind_binding *b)
{
    d->ccs = b->ccs;
    d->cert = b->cert;
    d->thumbprint = b->cert ? NULL : b->thumbprint;
    d->tls_off = b->ssl_flags & BIND_PLAN_TLS_OFF;
}

/* A site's identities and name ranks can only equal its own, and its
 * bindings come one after another: up to this many, they are found by
 * looking back over the site's own, not in the fleet-wide tables (two hash
 * lookups a binding, each a cache miss). */
#define SITE_SCAN 16

static uint32_t site_ident(bind_plan_builder *bd, const bind_binding *b, uint8_t kind, uint32_t site_order,
                           size_t site_first, bool scan)
{
    bind_plan_ident d;
    memset(&d, 0, sizeof d);
    d.site = b->site;
    d.kind = kind;
    d.protocol = b->protocol;
    if (b->protocol == BIND_PROTO_HTTPS) bind_plan_ident_tls(&d, b);
    d.tls = b;
    d.site_order = site_order;
    if (!scan) return bind_plan_intern_ident(bd, &d);
    for (size_t i = site_first; i < bd->ident_list.len; i++)
        if (ident_eq(bd->ident_list.items[i], &d)) return (uint32_t)i;
    return add_ident(bd, &d)->index;
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

static bool draft_eq(const void *a, const void *b);

/* Sort keys.  Items come in declaration order, which the stable sorts
 * keep among equal keys. */
static uint64_t key_port(const void *x, const void *ctx)
{
    (void)ctx;
    return ((const bind_route_item *)x)->port;
}

void bind_plan_builder_init(bind_plan_builder *bd, bind_arena *a, const bind_model *m, enum bind_server server,
                            uint8_t site_kind, bool exact_names)
{
    memset(bd, 0, sizeof *bd);
    bd->a = a;
    bd->tmp = bind_arena_new();
    bd->exact_names = exact_names;
    bind_table_init(&bd->idents, ident_eq);
    bind_table_init(&bd->drafts, draft_eq);
    bind_table ranks;                 /* (site, host) -> rank */
    bind_table_init(&ranks, rank_eq);

    bind_vec_reserve(&bd->items, m->nbindings);
    bind_vec_reserve(&bd->ident_of, m->nbindings);
    bind_vec_reserve(&bd->rank_of, m->nbindings);
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        if (!bind_site_runs_on(s, server)) continue;
        bool scan = s->nbindings <= SITE_SCAN;
        size_t first_ident = bd->ident_list.len, first_item = bd->items.len;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (!b->valid || (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS)) continue;
            if (!b->port || b->addr.kind == BIND_ADDR_NONE) continue;
            bind_route_item it = bind_route_item_of(b, (uint32_t)bd->items.len);
            bind_vec_push(&bd->items, it);
            /* Without exact names, only wildcards and catch-alls are placed:
             * an exact name needs neither an identity nor a rank. */
            if (!exact_names && *b->host && !bind_route_wildcard_suffix(b)) {
                bind_vec_push(&bd->ident_of, UINT32_MAX);
                bind_vec_push(&bd->rank_of, UINT32_MAX);
                continue;
            }
            bind_vec_push(&bd->ident_of, site_ident(bd, b, site_kind, i, first_ident, scan));
            if (scan) {
                /* The rank: the site's first item with this host. */
                size_t r = first_item;
                while (bd->items.items[r].b->host != b->host) r++;
                bind_vec_push(&bd->rank_of, (uint32_t)r);
                continue;
            }
            rank_key probe = { s, b->host };
            uint32_t *rank = bind_table_get(&ranks, rank_hash(&probe), &probe);
            if (!rank) {
                rank_key *rk = bind_arena_alloc(bd->tmp, sizeof *rk);
                *rk = probe;
                rank = bind_arena_alloc(bd->tmp, sizeof *rank);
                *rank = (uint32_t)bd->items.len - 1;
                bind_table_put(&ranks, rank_hash(rk), rk, rank);
            }
            bind_vec_push(&bd->rank_of, *rank);
        }
    }
    bind_table_fini(&ranks);
    bind_sort_by_key(bd->items.items, bd->items.len, sizeof *bd->items.items, key_port, NULL);
}

void bind_plan_builder_fini(bind_plan_builder *bd)
{
    free(bd->where);
    bind_vec_free(&bd->lines);
    bind_vec_free(&bd->items);
    bind_vec_free(&bd->ident_of);
    bind_vec_free(&bd->rank_of);
    bind_vec_free(&bd->ident_list);
    bind_vec_free(&bd->draft_list);
    bind_table_fini(&bd->idents);
    bind_table_fini(&bd->drafts);
    bind_arena_free(bd->tmp);
}

/* ---- one port ------------------------------------------------------------ */

/* Exact-address bindings by address, IPv4 first (the IPv6 bytes past the
 * prefix are bind_route_items_sort's), then declaration order. */
static uint64_t key_exact(const void *x, const void *ctx)
{
    (void)ctx;
    const bind_route_item *it = x;
    return (uint64_t)(it->kind == BIND_ADDR_V6) << 32 | it->prefix;
}

size_t bind_plan_port_open(const bind_plan_builder *bd, size_t from, bool want_any, bind_plan_port *pp)
{
    const bind_route_item *group = bd->items.items + from;
    size_t n = 0;
    while (from + n < bd->items.len && group[n].port == group[0].port) n++;
    memset(pp, 0, sizeof *pp);
    pp->port = group[0].port;
    pp->bytes = (n ? n : 1) * sizeof *group;
    pp->exact = bind_pages_alloc(pp->bytes);
    pp->any4 = bind_pages_alloc(pp->bytes);
    pp->any6 = bind_pages_alloc(pp->bytes);
    if (want_any) pp->any = bind_pages_alloc(pp->bytes);
    for (size_t i = 0; i < n; i++) {
        uint8_t kind = group[i].kind;
        if (kind == BIND_ADDR_V4 || kind == BIND_ADDR_V6) { pp->exact[pp->nexact++] = group[i]; continue; }
        if (want_any) pp->any[pp->nany++] = group[i];
        if (kind == BIND_ADDR_ANY || kind == BIND_ADDR_ANY4) pp->any4[pp->n4++] = group[i];
        if (kind == BIND_ADDR_ANY || kind == BIND_ADDR_ANY6) pp->any6[pp->n6++] = group[i];
    }
    bind_route_items_sort(pp->exact, pp->nexact, key_exact, NULL);
    return from + n;
}

void bind_plan_port_free(bind_plan_port *pp)
{
    bind_pages_free(pp->exact, pp->bytes);
    bind_pages_free(pp->any4, pp->bytes);
    bind_pages_free(pp->any6, pp->bytes);
    if (pp->any) bind_pages_free(pp->any, pp->bytes);
}

/* ---- one socket --------------------------------------------------------- */

/* Whether b sets an ipport record for the socket's protocol. */
static bool ipport_cert(const bind_plan_socket *s, const bind_binding *b)
{
    return s->protocol == BIND_PROTO_HTTPS && b->protocol == BIND_PROTO_HTTPS && !b->sni && !b->ccs && (b->cert || b->thumbprint);
}

void bind_plan_socket_open(const bind_plan_builder *bd, bind_plan_socket *s, bind_plan_lost_fn *lost, void *ctx)
{
    /* The socket's protocol comes from the bindings that made it. */
    s->maker = s->nexact ? s->exact[0].b : s->any[0].b;
    s->protocol = s->maker->protocol;
    s->lost = s->ipcert = NULL;
    s->catch_all = NULL;
    bind_table_init(&s->names, bind_route_key_eq);
    size_t total = s->nexact + s->nany;
    s->cap = total ? total : 1;
    s->wins = bind_pages_alloc(s->cap * sizeof *s->wins);
    s->nwins = 0;
    for (size_t i = 0; i < total; i++) {
        const bind_route_item *it = i < s->nexact ? &s->exact[i] : &s->any[i - s->nexact];
        const bind_binding *b = it->b;
        if (b->protocol != s->protocol) {
            if (!s->lost) s->lost = b;
            if (lost) lost(ctx, it, s->maker, true);
            continue;
        }
        if (!s->ipcert && ipport_cert(s, b)) s->ipcert = b;
        const char *suffix = bind_route_wildcard_suffix(b);
        if (b->host_wildcard && !suffix) continue;
        if (!suffix && *b->host && !bd->exact_names) continue;
        bind_plan_winner *cand = &s->wins[s->nwins];
        cand->key.scope = 0;
        cand->key.kind = suffix ? 1 : 0;
        cand->key.name = suffix ? suffix : b->host;
        cand->key.len = strlen(cand->key.name);
        cand->b = b;
        cand->order = it->order;
        cand->excluded = false;
        /* Exact-address bindings come first, so they win their names; on
         * the any tier the first declared does. */
        const bind_plan_winner *got = bind_table_put(&s->names, bind_route_key_hash(&cand->key), &cand->key, cand);
        if (got == cand) {
            if (cand->key.len == 0) s->catch_all = cand;
            s->nwins++;
        } else if (lost) {
            lost(ctx, it, got->b, false);
        }
    }
    for (size_t i = 0; !s->ipcert && i < s->nipcert_v4; i++)
        if (s->ipcert_v4[i].b->addr.kind == BIND_ADDR_ANY4 && ipport_cert(s, s->ipcert_v4[i].b)) s->ipcert = s->ipcert_v4[i].b;
}

void bind_plan_socket_close(bind_plan_socket *s)
{
    bind_pages_free(s->wins, s->cap * sizeof *s->wins);
    bind_table_fini(&s->names);
}

/* Names by identity and block, then by their rank in the site. */
static uint64_t key_ident_rank(const void *x, const void *ctx)
{
    (void)ctx;
    const bind_plan_placed *p = x;
    return (uint64_t)p->ident << 32 | p->rank;
}
static uint64_t key_rank(const void *x, const void *ctx)
{
    (void)ctx;
    return ((const bind_plan_placed *)x)->rank;
}
static uint64_t key_block(const void *x, const void *ctx)
{
    (void)ctx;
    const bind_plan_placed *p = x;
    return (uint64_t)p->ident << 16 | p->block;
}

bind_plan_placed *bind_plan_socket_names(const bind_plan_builder *bd, const bind_plan_socket *s, bind_plan_block_fn *block,
                                         void *ctx, size_t *n)
{
    bind_plan_placed *pl = bind_pages_alloc(s->cap * sizeof *pl);
    size_t npl = 0;
    for (size_t i = 0; i < s->nwins; i++) {
        const bind_plan_winner *x = &s->wins[i];
        if (x->excluded || x->key.len == 0) continue;
        bind_plan_placed *p = &pl[npl++];
        p->ident = bd->ident_of.items[x->order];
        p->rank = bd->rank_of.items[x->order];
        p->block = block ? block(ctx, x, p->ident) : 0;
        p->name = x->b->host;
        p->binding = x->b;
    }
    if (block) {
        /* Two stable passes: the key is wider than 64 bits. */
        bind_sort_by_key(pl, npl, sizeof *pl, key_rank, NULL);
        bind_sort_by_key(pl, npl, sizeof *pl, key_block, NULL);
    } else {
        bind_sort_by_key(pl, npl, sizeof *pl, key_ident_rank, NULL);
    }
    *n = npl;
    return pl;
}

void bind_plan_names_free(bind_plan_placed *pl, const bind_plan_socket *s)
{
    bind_pages_free(pl, s->cap * sizeof *pl);
}

typedef struct draft_key { uint32_t ident; uint16_t block; const bind_plan_placed *names; uint32_t n; } draft_key;
static uint64_t draft_hash(const draft_key *k)
{
    uint64_t ib = (uint64_t)k->ident << 16 | k->block;
    uint64_t h = bind_hash_bytes(&ib, sizeof ib, BIND_HASH_SEED);
    for (uint32_t i = 0; i < k->n; i++) h = bind_hash_bytes(&k->names[i].rank, sizeof k->names[i].rank, h);
    return h;
}
static bool draft_eq(const void *a, const void *b)
{
    const draft_key *x = a, *y = b;
    if (x->ident != y->ident || x->block != y->block || x->n != y->n) return false;
    for (uint32_t i = 0; i < x->n; i++) if (x->names[i].rank != y->names[i].rank) return false;
    return true;
}

/* Finds or makes the block of this identity and block with exactly these
 * names, and lists the socket in it. */
static uint32_t place_one(bind_plan_builder *bd, uint32_t ident, uint16_t block, const bind_plan_placed *names, uint32_t n,
                          uint32_t sock)
{
    draft_key probe = { ident, block, names, n };
    uint64_t h = draft_hash(&probe);
    bind_plan_draft *d = bind_table_get(&bd->drafts, h, &probe);
    if (!d) {
        d = bind_arena_alloc(bd->tmp, sizeof *d);
        d->ident = ident;
        d->block = block;
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
    bind_plan_line l = { d->created, sock };
    bind_vec_push(&bd->lines, l);
    d->nsockets++;
    return d->created;
}

uint32_t bind_plan_place(bind_plan_builder *bd, const bind_plan_placed *pl, size_t n, uint32_t def_ident, uint32_t sock,
                         uint32_t *nblocks)
{
    int64_t def = -1;
    *nblocks = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && pl[j].ident == pl[i].ident && pl[j].block == pl[i].block) j++;
        uint32_t d = place_one(bd, pl[i].ident, pl[i].block, pl + i, (uint32_t)(j - i), sock);
        if (pl[i].ident == def_ident && pl[i].block == 0) def = d;
        ++*nblocks;
        i = j;
    }
    if (def < 0) {
        def = place_one(bd, def_ident, 0, NULL, 0, sock);
        ++*nblocks;
    }
    return (uint32_t)def;
}

/* ---- the plan ------------------------------------------------------------ */

void bind_plan_order(bind_plan_builder *bd, uint64_t (*key)(const void *draft, const void *idents))
{
    size_t nd = bd->draft_list.len;
    bind_sort_by_key(bd->draft_list.items, nd, sizeof *bd->draft_list.items, key, bd->ident_list.items);
    bd->where = bind_xmalloc((nd ? nd : 1) * sizeof *bd->where);
    /* Each block's sockets, cut from one array in output order. */
    uint32_t *lines = bind_arena_alloc(bd->a, (bd->lines.len ? bd->lines.len : 1) * sizeof *lines);
    uint32_t *next = bind_xmalloc((nd ? nd : 1) * sizeof *next);     /* by `created`: its next free line */
    uint32_t used = 0;
    for (size_t i = 0; i < nd; i++) {
        bind_plan_draft *d = bd->draft_list.items[i];
        bd->where[d->created] = (uint32_t)i;
        d->sockets = lines + used;
        next[d->created] = used;
        used += d->nsockets;
    }
    for (size_t i = 0; i < bd->lines.len; i++) lines[next[bd->lines.items[i].draft]++] = bd->lines.items[i].sock;
    free(next);
}

const char *bind_plan_addr_text(bind_arena *a, const bind_addr *addr, uint16_t port, uint8_t wide, const char *wide_prefix)
{
    char text[48];
    if (addr->kind == wide) return bind_arena_printf(a, "%s%u", wide_prefix, port);
    bind_addr_format(addr, text, true);
    return bind_arena_printf(a, "%s:%u", text, port);
}
