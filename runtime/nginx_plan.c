/* Builds the nginx plan (nginx_plan.h): the IIS rules, socket by socket.
 *
 * For each port, every exact address a binding names is a socket, and so
 * are `*:port` / `[::]:port` when an any-tier address covers the family.
 * On the socket of an exact address E, HTTP.sys would consider the
 * bindings on E and the any-tier bindings of E's family; on `*:port` only
 * the any-tier ones.  Per socket each host name (or wildcard pattern) goes
 * to the best binding that has it — E before any-tier — and so does the
 * host-less catch-all, which becomes default_server.  That is all nginx
 * needs to answer as IIS does, except one case: IIS prefers *every*
 * wildcard on E to any wildcard on the any tier, whereas nginx takes the
 * longest, so an any-tier `*.a.x` is left off E's socket when E has
 * `*.x`.  Cost is one pass per socket over the bindings that reach it —
 * the size of the nginx output itself. */
#include "nginx_plan.h"
#include "route_key.h"
#include "base/sort.h"
#include "base/table.h"

#include <string.h>

#define TLS_OFF_BITS (BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS)

/* What makes two bindings the same server block: the site, and for TLS
 * the certificate and the protocol versions nginx would set. */
typedef struct ident {
    const bind_site *site;          /* NULL: a refusing server */
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

/* One name on one socket, before grouping. */
typedef struct placed {
    uint32_t ident;
    uint32_t rank;                  /* order of the name within its site */
    const char *name;
    const bind_binding *binding;
} placed;

/* A server block being built: its identity and its names (the grouping key). */
typedef struct draft {
    uint32_t ident;
    placed *names;
    uint32_t nnames;
    uint32_t nsockets;
    uint32_t created;
} draft;

/* A listen line: socket `sock` in server block `draft` (its `created`). */
typedef struct listen_line { uint32_t draft, sock; } listen_line;

typedef struct builder {
    bind_arena *a;
    bool exact_names;               /* false: sockets and wildcards only (bind_nginx_plan_build_for) */
    bind_table idents;              /* ident -> ident (arena) */
    BIND_VEC(ident *) ident_list;
    bind_table ranks;               /* (site, host) -> rank */
    const uint32_t *rank_of;        /* by item order: its name's rank, looked up once */
    bind_table drafts;              /* draft key -> draft */
    BIND_VEC(draft *) draft_list;
    /* Every block's listen lines in one list, in socket order: a fleet has
     * hundreds of thousands of blocks, too many for a vector each. */
    BIND_VEC(listen_line) listens;
    BIND_VEC(bind_nginx_socket) sockets;
    size_t longest;
    uint32_t most;
} builder;

typedef bind_route_item item;

/* Sort keys.  Items come in declaration order, which the stable sorts
 * keep among equal keys. */
static uint64_t key_port(const void *x, const void *ctx)
{
    (void)ctx;
    return ((const item *)x)->port;
}

static int addr_rank(uint8_t kind)
{
    /* IPv4 exact, `*:port`, IPv6 exact, `[::]:port`. */
    switch (kind) {
    case BIND_ADDR_V4: return 0;
    case BIND_ADDR_ANY4: return 1;
    case BIND_ADDR_V6: return 2;
    default: return 3;
    }
}

/* Exact-address bindings by address (the IPv6 bytes past the prefix are
 * bind_route_items_sort's), then declaration order. */
static uint64_t key_exact(const void *x, const void *ctx)
{
    (void)ctx;
    const item *it = x;
    return (uint64_t)addr_rank(it->kind) << 32 | it->prefix;
}

/* ---- identities and name ranks ---------------------------------------- */

/* A new identity at the end of the list. */
static ident *add_ident(builder *bd, const ident *probe)
{
    ident *d = bind_arena_alloc(bd->a, sizeof *d);
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

/* A site's identities and name ranks can only equal its own, and its
 * bindings come one after another: up to this many, they are found by
 * looking back over the site's own, not in the fleet-wide tables (two hash
 * lookups a binding, each a cache miss). */
#define SITE_SCAN 16

static uint32_t site_ident(builder *bd, const bind_binding *b, uint32_t site_order, size_t site_first, bool scan)
{
    ident d;
    memset(&d, 0, sizeof d);
    d.site = b->site;
    d.kind = BIND_NGINX_SITE;
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

/* The server that refuses what IIS would refuse on a socket.  For TLS it
 * presents the certificate HTTP.sys keeps for the IP:port (a binding
 * without SNI), so clients without SNI still reach the named servers. */
static uint32_t refusing_ident(builder *bd, uint8_t protocol, const bind_binding *ipcert)
{
    ident d;
    memset(&d, 0, sizeof d);
    d.protocol = protocol;
    if (protocol != BIND_PROTO_HTTPS) d.kind = BIND_NGINX_REFUSE;
    else if (!ipcert) d.kind = BIND_NGINX_REFUSE_TLS;
    else {
        d.kind = BIND_NGINX_REFUSE_TLS_CERT;
        d.cert = ipcert->cert;
        d.thumbprint = ipcert->cert ? NULL : ipcert->thumbprint;
        d.tls = ipcert;
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

/* ---- one socket --------------------------------------------------------- */

/* The winner of one name on one socket. */
typedef struct winner { bind_route_key key; const bind_binding *b; uint32_t order; bool excluded; } winner;

typedef struct socket_work {
    const item *exact; size_t nexact;   /* bindings on this very address */
    const item *any; size_t nany;       /* any-tier bindings of its family */
    bind_addr addr;
    uint16_t port;
} socket_work;

/* Names by server identity, then by their rank in the site. */
static uint64_t key_placed(const void *x, const void *ctx)
{
    (void)ctx;
    const placed *p = x;
    return (uint64_t)p->ident << 32 | p->rank;
}

typedef struct draft_key { uint32_t ident; const placed *names; uint32_t n; } draft_key;
static uint64_t draft_hash(const draft_key *k)
{
    uint64_t h = bind_hash_bytes(&k->ident, sizeof k->ident, BIND_HASH_SEED);
    for (uint32_t i = 0; i < k->n; i++) h = bind_hash_bytes(&k->names[i].rank, sizeof k->names[i].rank, h);
    return h;
}
static bool draft_eq(const void *a, const void *b)
{
    const draft_key *x = a, *y = b;
    if (x->ident != y->ident || x->n != y->n) return false;
    for (uint32_t i = 0; i < x->n; i++) if (x->names[i].rank != y->names[i].rank) return false;
    return true;
}

/* Finds or creates the server block of `ident` with exactly these names and
 * adds the socket to its listen lines. */
static uint32_t place(builder *bd, uint32_t ident_index, const placed *names, uint32_t n, uint32_t sock)
{
    draft_key probe = { ident_index, names, n };
    uint64_t h = draft_hash(&probe);
    draft *d = bind_table_get(&bd->drafts, h, &probe);
    if (!d) {
        d = bind_arena_alloc(bd->a, sizeof *d);
        d->ident = ident_index;
        d->nnames = n;
        d->names = bind_arena_alloc(bd->a, (n ? n : 1) * sizeof *d->names);
        if (n) memcpy(d->names, names, n * sizeof *names);
        d->created = (uint32_t)bd->draft_list.len;
        draft_key *k = bind_arena_alloc(bd->a, sizeof *k);
        k->ident = ident_index;
        k->names = d->names;
        k->n = n;
        bind_table_put(&bd->drafts, h, k, d);
        bind_vec_push(&bd->draft_list, d);
    }
    listen_line l = { d->created, sock };
    bind_vec_push(&bd->listens, l);
    d->nsockets++;
    return d->created;
}

static void build_socket(builder *bd, const socket_work *w, const uint32_t *ident_of)
{
    /* The socket's protocol comes from the bindings that made it. */
    const bind_binding *first = w->nexact ? w->exact[0].b : w->any[0].b;
    uint8_t protocol = first->protocol;

    bind_nginx_socket s;
    memset(&s, 0, sizeof s);
    s.addr = w->addr;
    s.port = w->port;
    s.protocol = protocol;
    s.ssl = protocol == BIND_PROTO_HTTPS;
    s.maker = first;

    bind_table names;
    bind_table_init(&names, bind_route_key_eq);
    size_t total = w->nexact + w->nany;
    winner *wins = bind_pages_alloc((total ? total : 1) * sizeof *wins);
    size_t nwins = 0;
    const bind_binding *ipcert = NULL;
    for (size_t i = 0; i < total; i++) {
        const item *it = i < w->nexact ? &w->exact[i] : &w->any[i - w->nexact];
        const bind_binding *b = it->b;
        if (b->protocol != protocol) { if (!s.lost) s.lost = b; continue; }
        if (protocol == BIND_PROTO_HTTPS && !b->sni && !b->ccs && !ipcert && (b->cert || b->thumbprint)) ipcert = b;
        const char *suffix = bind_route_wildcard_suffix(b);
        if (b->host_wildcard && !suffix) continue;
        if (!suffix && *b->host && !bd->exact_names) continue;
        winner *cand = &wins[nwins];
        cand->key.scope = 0;
        cand->key.kind = suffix ? 1 : 0;
        cand->key.name = suffix ? suffix : b->host;
        cand->key.len = strlen(cand->key.name);
        cand->b = b;
        cand->order = it->order;
        cand->excluded = false;
        /* Exact-address bindings come first, so they win their names. */
        if (bind_table_put(&names, bind_route_key_hash(&cand->key), &cand->key, cand) == cand) nwins++;
    }
    /* IIS: any wildcard on this address beats every any-tier wildcard, so an
     * any-tier `*.a.x` must not outbid this address's `*.x` in nginx. */
    if (w->nexact) {
        for (size_t i = 0; i < nwins; i++) {
            winner *x = &wins[i];
            if (x->key.kind != 1 || !bind_addr_is_any_tier(&x->b->addr)) continue;
            for (size_t j = 0; j < x->key.len && !x->excluded; j++) {
                if (x->key.name[j] != '.') continue;
                bind_route_key up = { 0, 1, x->key.name + j + 1, x->key.len - j - 1 };
                const winner *y = bind_table_get(&names, bind_route_key_hash(&up), &up);
                if (y && !bind_addr_is_any_tier(&y->b->addr)) x->excluded = true;
            }
        }
    }

    placed *pl = bind_pages_alloc((nwins ? nwins : 1) * sizeof *pl);
    size_t npl = 0;
    const winner *catch_all = NULL;
    for (size_t i = 0; i < nwins; i++) {
        const winner *x = &wins[i];
        if (x->excluded) continue;
        if (x->key.len == 0) { catch_all = x; continue; }
        pl[npl].ident = ident_of[x->order];
        pl[npl].rank = bd->rank_of[x->order];
        pl[npl].name = x->b->host;
        pl[npl].binding = x->b;
        if (strlen(x->b->host) > bd->longest) bd->longest = strlen(x->b->host);
        npl++;
    }
    if (npl > bd->most) bd->most = (uint32_t)npl;
    bind_sort_by_key(pl, npl, sizeof *pl, key_placed, NULL);

    s.nnames = (uint32_t)npl;
    s.names = bind_arena_alloc(bd->a, (npl ? npl : 1) * sizeof *s.names);
    for (size_t i = 0; i < npl; i++) {
        s.names[i].name = pl[i].name;
        s.names[i].binding = pl[i].binding;
    }
    uint32_t sock = (uint32_t)bd->sockets.len;
    uint32_t def_ident = catch_all ? ident_of[catch_all->order] : refusing_ident(bd, protocol, ipcert);
    s.default_binding = catch_all ? catch_all->b : NULL;
    bool def_placed = false;
    int64_t def_draft = -1;
    for (size_t i = 0; i < npl;) {
        size_t j = i;
        while (j < npl && pl[j].ident == pl[i].ident) j++;
        uint32_t d = place(bd, pl[i].ident, pl + i, (uint32_t)(j - i), sock);
        if (pl[i].ident == def_ident) { def_placed = true; def_draft = d; }
        i = j;
    }
    if (!def_placed) def_draft = place(bd, def_ident, NULL, 0, sock);
    s.default_server = (uint32_t)def_draft;       /* a draft index until the servers are ordered */
    bind_vec_push(&bd->sockets, s);

    bind_pages_free(pl, (nwins ? nwins : 1) * sizeof *pl);
    bind_pages_free(wins, (total ? total : 1) * sizeof *wins);
    bind_table_fini(&names);
}

/* ---- one port ------------------------------------------------------------ */

static void build_port(builder *bd, const item *group, size_t n, const uint32_t *ident_of)
{
    size_t bytes = (n ? n : 1) * sizeof(item);
    item *exact = bind_pages_alloc(bytes), *any4 = bind_pages_alloc(bytes), *any6 = bind_pages_alloc(bytes);
    size_t ne = 0, n4 = 0, n6 = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t kind = group[i].kind;
        if (kind == BIND_ADDR_V4 || kind == BIND_ADDR_V6) exact[ne++] = group[i];
        if (kind == BIND_ADDR_ANY || kind == BIND_ADDR_ANY4) any4[n4++] = group[i];
        if (kind == BIND_ADDR_ANY || kind == BIND_ADDR_ANY6) any6[n6++] = group[i];
    }
    bind_route_items_sort(exact, ne, key_exact, NULL);
    uint16_t port = group[0].port;
    /* IPv4 exact addresses, then `*:port`, then IPv6 exact, then `[::]:port`. */
    for (int fam = 4; fam <= 6; fam += 2) {
        for (size_t i = 0; i < ne;) {
            size_t j = i;
            while (j < ne && bind_route_item_same_addr(&exact[j], &exact[i])) j++;
            if ((exact[i].kind == BIND_ADDR_V4 ? 4 : 6) == fam) {
                socket_work w = { exact + i, j - i, fam == 4 ? any4 : any6, fam == 4 ? n4 : n6, exact[i].b->addr, port };
                build_socket(bd, &w, ident_of);
            }
            i = j;
        }
        size_t nany = fam == 4 ? n4 : n6;
        if (nany) {
            socket_work w = { NULL, 0, fam == 4 ? any4 : any6, nany, { 0, { 0 } }, port };
            w.addr.kind = fam == 4 ? BIND_ADDR_ANY4 : BIND_ADDR_ANY6;
            build_socket(bd, &w, ident_of);
        }
    }
    bind_pages_free(exact, bytes);
    bind_pages_free(any4, bytes);
    bind_pages_free(any6, bytes);
}

/* ---- the plan ------------------------------------------------------------ */

/* Refusing servers first, then sites in declaration order; drafts come in
 * the order they were made, which the stable sort keeps within a site. */
static uint64_t key_draft(const void *x, const void *ctx)
{
    const ident *const *ids = ctx;
    const ident *id = ids[(*(const draft *const *)x)->ident];
    return id->site ? (uint64_t)1 << 32 | id->site_order : 0;
}

bind_nginx_plan *bind_nginx_plan_build(bind_arena *a, const bind_model *m) { return bind_nginx_plan_build_for(a, m, true); }

bind_nginx_plan *bind_nginx_plan_build_for(bind_arena *a, const bind_model *m, bool exact_names)
{
    builder bd;
    memset(&bd, 0, sizeof bd);
    bd.a = a;
    bd.exact_names = exact_names;
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
        if (s->server != BIND_SERVER_ANY && s->server != BIND_SERVER_NGINX) continue;
        bool scan = s->nbindings <= SITE_SCAN;
        size_t first_ident = bd.ident_list.len, first_item = items.len;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (!b->valid || (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS)) continue;
            if (!b->port || b->addr.kind == BIND_ADDR_NONE) continue;
            item it = bind_route_item_of(b, (uint32_t)items.len);
            bind_vec_push(&items, it);
            /* Without exact names, only wildcards and catch-alls are placed:
             * an exact name needs neither an identity nor a rank. */
            if (!exact_names && *b->host && !bind_route_wildcard_suffix(b)) {
                bind_vec_push(&idents, UINT32_MAX);
                bind_vec_push(&ranks, UINT32_MAX);
                continue;
            }
            bind_vec_push(&idents, site_ident(&bd, b, i, first_ident, scan));
            if (scan) {
                /* The rank: the site's first item with this host. */
                size_t r = first_item;
                while (items.items[r].b->host != b->host) r++;
                bind_vec_push(&ranks, (uint32_t)r);
                continue;
            }
            rank_key probe = { s, b->host };
            uint32_t *rank = bind_table_get(&bd.ranks, rank_hash(&probe), &probe);
            if (!rank) {
                rank_key *rk = bind_arena_alloc(a, sizeof *rk);
                *rk = probe;
                rank = bind_arena_alloc(a, sizeof *rank);
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

    /* Servers in output order; sockets point at their default server. */
    size_t nd = bd.draft_list.len;
    bind_sort_by_key(bd.draft_list.items, nd, sizeof *bd.draft_list.items, key_draft, bd.ident_list.items);
    uint32_t *where = bind_xmalloc((nd ? nd : 1) * sizeof *where);
    /* Each block's listen lines, cut from one array in output order. */
    uint32_t *lines = bind_arena_alloc(a, (bd.listens.len ? bd.listens.len : 1) * sizeof *lines);
    uint32_t *next = bind_xmalloc((nd ? nd : 1) * sizeof *next);     /* by `created`: its next free line */
    bind_nginx_plan *p = bind_arena_alloc(a, sizeof *p);
    p->nservers = (uint32_t)nd;
    p->servers = bind_arena_alloc(a, (nd ? nd : 1) * sizeof *p->servers);
    uint32_t used = 0;
    for (size_t i = 0; i < nd; i++) {
        draft *d = bd.draft_list.items[i];
        const ident *id = bd.ident_list.items[d->ident];
        where[d->created] = (uint32_t)i;
        bind_nginx_server *sv = &p->servers[i];
        sv->site = id->site;
        sv->kind = id->kind;
        sv->ssl = id->protocol == BIND_PROTO_HTTPS;
        sv->tls = sv->ssl ? id->tls : NULL;
        sv->tls_off = id->tls_off;
        sv->nsockets = d->nsockets;
        sv->sockets = lines + used;
        next[d->created] = used;
        used += d->nsockets;
        sv->nnames = d->nnames;
        sv->names = bind_arena_alloc(a, (d->nnames ? d->nnames : 1) * sizeof *sv->names);
        for (uint32_t k = 0; k < d->nnames; k++) {
            sv->names[k].name = d->names[k].name;
            sv->names[k].binding = d->names[k].binding;
        }
    }
    for (size_t i = 0; i < bd.listens.len; i++) lines[next[bd.listens.items[i].draft]++] = bd.listens.items[i].sock;
    p->nsockets = (uint32_t)bd.sockets.len;
    p->sockets = bind_arena_alloc(a, (bd.sockets.len ? bd.sockets.len : 1) * sizeof *p->sockets);
    for (size_t i = 0; i < bd.sockets.len; i++) {
        p->sockets[i] = bd.sockets.items[i];
        p->sockets[i].default_server = where[p->sockets[i].default_server];
    }
    p->longest_name = bd.longest;
    p->most_names = bd.most;

    free(where);
    free(next);
    bind_vec_free(&bd.listens);
    bind_vec_free(&items);
    bind_vec_free(&idents);
    bind_vec_free(&ranks);
    bind_vec_free(&bd.ident_list);
    bind_vec_free(&bd.draft_list);
    bind_vec_free(&bd.sockets);
    bind_table_fini(&bd.idents);
    bind_table_fini(&bd.ranks);
    bind_table_fini(&bd.drafts);
    return p;
}

const char *bind_nginx_socket_text(bind_arena *a, const bind_nginx_socket *s)
{
    char addr[48];
    if (s->addr.kind == BIND_ADDR_ANY4) return bind_arena_printf(a, "*:%u", s->port);
    bind_addr_format(&s->addr, addr, true);
    return bind_arena_printf(a, "%s:%u", addr, s->port);
}
