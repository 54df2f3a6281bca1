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
 * `*.x`.  The grouping is the one the Apache plan makes too
 * (socket_plan.c); this file has what is nginx's: the sockets of a port,
 * that exception, the refusing servers and the names hash sizes. */
#include "nginx_plan.h"
#include "socket_plan.h"

#include <string.h>

typedef struct builder {
    bind_plan_builder core;
    BIND_VEC(bind_nginx_socket) sockets;
    size_t longest;
    uint32_t most;
} builder;

typedef bind_route_item item;

/* The server that refuses what IIS would refuse on a socket.  For TLS it
 * presents the certificate HTTP.sys keeps for the IP:port (a binding
 * without SNI), so clients without SNI still reach the named servers. */
static uint32_t refusing_ident(builder *bd, uint8_t protocol, const bind_binding *ipcert)
{
    bind_plan_ident d;
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
    return bind_plan_intern_ident(&bd->core, &d);
}

static bind_nginx_name *names_of(bind_arena *a, const bind_plan_placed *pl, size_t n)
{
    bind_nginx_name *names = bind_arena_alloc(a, (n ? n : 1) * sizeof *names);
    for (size_t i = 0; i < n; i++) names[i] = (bind_nginx_name){ pl[i].name, pl[i].binding };
    return names;
}

/* ---- one socket --------------------------------------------------------- */

/* IIS: any wildcard on an exact address beats every any-tier wildcard, so
 * an any-tier `*.a.x` must not outbid this address's `*.x` in nginx. */
static void exclude_outbidding(bind_plan_socket *w)
{
    for (size_t i = 0; i < w->nwins; i++) {
        bind_plan_winner *x = &w->wins[i];
        if (x->key.kind != 1 || !bind_addr_is_any_tier(&x->b->addr)) continue;
        for (size_t j = 0; j < x->key.len && !x->excluded; j++) {
            if (x->key.name[j] != '.') continue;
            bind_route_key up = { 0, 1, x->key.name + j + 1, x->key.len - j - 1 };
            const bind_plan_winner *y = bind_table_get(&w->names, bind_route_key_hash(&up), &up);
            if (y && !bind_addr_is_any_tier(&y->b->addr)) x->excluded = true;
        }
    }
}

static void build_socket(builder *bd, bind_plan_socket *w, bind_addr addr, uint16_t port)
{
    bind_plan_socket_open(&bd->core, w, NULL, NULL);
    if (w->nexact) exclude_outbidding(w);

    bind_nginx_socket s;
    memset(&s, 0, sizeof s);
    s.addr = addr;
    s.port = port;
    s.protocol = w->protocol;
    s.ssl = w->protocol == BIND_PROTO_HTTPS;
    s.maker = w->maker;
    s.lost = w->lost;

    size_t npl;
    bind_plan_placed *pl = bind_plan_socket_names(&bd->core, w, NULL, NULL, &npl);
    for (size_t i = 0; i < npl; i++)
        if (strlen(pl[i].name) > bd->longest) bd->longest = strlen(pl[i].name);
    if (npl > bd->most) bd->most = (uint32_t)npl;
    s.nnames = (uint32_t)npl;
    s.names = names_of(bd->core.a, pl, npl);
    const bind_plan_winner *catch_all = w->catch_all;
    uint32_t def_ident = catch_all ? bd->core.ident_of.items[catch_all->order] : refusing_ident(bd, w->protocol, w->ipcert);
    s.default_binding = catch_all ? catch_all->b : NULL;
    uint32_t nblocks;
    /* A draft index until the servers are ordered. */
    s.default_server = bind_plan_place(&bd->core, pl, npl, def_ident, (uint32_t)bd->sockets.len, &nblocks);
    bind_vec_push(&bd->sockets, s);

    bind_plan_names_free(pl, w);
    bind_plan_socket_close(w);
}

/* ---- one port ------------------------------------------------------------ */

static size_t build_port(builder *bd, size_t from)
{
    bind_plan_port pp;
    size_t next = bind_plan_port_open(&bd->core, from, false, &pp);
    /* IPv4 exact addresses, then `*:port`, then IPv6 exact, then `[::]:port`. */
    for (int fam = 4; fam <= 6; fam += 2) {
        const item *any = fam == 4 ? pp.any4 : pp.any6;
        size_t nany = fam == 4 ? pp.n4 : pp.n6;
        for (size_t i = 0; i < pp.nexact;) {
            size_t j = bind_plan_port_addr_end(&pp, i);
            if ((pp.exact[i].kind == BIND_ADDR_V4 ? 4 : 6) == fam) {
                bind_plan_socket w = { .exact = pp.exact + i, .nexact = j - i, .any = any, .nany = nany };
                if (fam == 6) { w.ipcert_v4 = pp.any4; w.nipcert_v4 = pp.n4; }
                build_socket(bd, &w, pp.exact[i].b->addr, pp.port);
            }
            i = j;
        }
        if (nany) {
            bind_plan_socket w = { .any = any, .nany = nany };
            if (fam == 6) { w.ipcert_v4 = pp.any4; w.nipcert_v4 = pp.n4; }
            bind_addr wide = { 0, { 0 } };
            wide.kind = fam == 4 ? BIND_ADDR_ANY4 : BIND_ADDR_ANY6;
            build_socket(bd, &w, wide, pp.port);
        }
    }
    bind_plan_port_free(&pp);
    return next;
}

/* ---- the plan ------------------------------------------------------------ */

/* Refusing servers first, then sites in declaration order; drafts come in
 * the order they were made, which the stable sort keeps within a site. */
static uint64_t key_draft(const void *x, const void *ctx)
{
    const bind_plan_ident *const *ids = ctx;
    const bind_plan_ident *id = ids[(*(const bind_plan_draft *const *)x)->ident];
    return id->site ? (uint64_t)1 << 32 | id->site_order : 0;
}

bind_nginx_plan *bind_nginx_plan_build(bind_arena *a, const bind_model *m) { return bind_nginx_plan_build_for(a, m, true); }

bind_nginx_plan *bind_nginx_plan_build_for(bind_arena *a, const bind_model *m, bool exact_names)
{
    builder bd;
    memset(&bd, 0, sizeof bd);
    bind_plan_builder_init(&bd.core, a, m, BIND_SERVER_NGINX, BIND_NGINX_SITE, exact_names);
    for (size_t i = 0; i < bd.core.items.len;) i = build_port(&bd, i);

    /* Servers in output order; sockets point at their default server. */
    bind_plan_order(&bd.core, key_draft);
    size_t nd = bd.core.draft_list.len;
    bind_nginx_plan *p = bind_arena_alloc(a, sizeof *p);
    p->nservers = (uint32_t)nd;
    p->servers = bind_arena_alloc(a, (nd ? nd : 1) * sizeof *p->servers);
    for (size_t i = 0; i < nd; i++) {
        const bind_plan_draft *d = bd.core.draft_list.items[i];
        const bind_plan_ident *id = bd.core.ident_list.items[d->ident];
        bind_nginx_server *sv = &p->servers[i];
        sv->site = id->site;
        sv->kind = id->kind;
        sv->ssl = id->protocol == BIND_PROTO_HTTPS;
        sv->tls = sv->ssl ? id->tls : NULL;
        sv->tls_off = id->tls_off;
        sv->nsockets = d->nsockets;
        sv->sockets = d->sockets;
        sv->nnames = d->nnames;
        sv->names = names_of(a, d->names, d->nnames);
    }
    p->nsockets = (uint32_t)bd.sockets.len;
    p->sockets = bind_arena_alloc(a, (bd.sockets.len ? bd.sockets.len : 1) * sizeof *p->sockets);
    for (size_t i = 0; i < bd.sockets.len; i++) {
        p->sockets[i] = bd.sockets.items[i];
        p->sockets[i].default_server = bd.core.where[p->sockets[i].default_server];
    }
    p->longest_name = bd.longest;
    p->most_names = bd.most;

    bind_vec_free(&bd.sockets);
    bind_plan_builder_fini(&bd.core);
    return p;
}

const char *bind_nginx_socket_text(bind_arena *a, const bind_nginx_socket *s)
{
    return bind_plan_addr_text(a, &s->addr, s->port, BIND_ADDR_ANY4, "*:");
}
