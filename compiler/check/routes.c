/* The routing checks: they ask the runtime routers questions.
 *
 *   W0405  a binding HTTP.sys can never choose: for each binding, one
 *          request aimed at it on each address of the `iplisten` list; if
 *          another binding answers every one of them, it is shadowed.
 *   W0407  a request the nginx target would answer with another site than
 *          IIS: per port and per local-address class (each exact address a
 *          binding names, and one unnamed address per family), a sample
 *          under each wildcard bound there, an unknown host and no host,
 *          over http and https — asked of the IIS rules and of nginx's
 *          algorithm over the emitted plan.  Exact host names are asked
 *          only when some socket lost a protocol: otherwise they route
 *          alike by construction (the plan lists each name on each socket
 *          with the binding IIS picks for it there, and nginx tries exact
 *          names first, as IIS does), and a fleet has hundreds of
 *          thousands of them.  The unit and differential tests hold the
 *          plan to that.  Cost: the wildcards and the classes, never
 *          pairwise over bindings.
 *          The same for the apache target, over Apache's algorithm and its
 *          plan, where an address:port would speak two protocols — the one
 *          thing its order of blocks cannot give (apache_plan.h); that
 *          takes two `server = apache` sites, so a fleet asks nothing.
 * Both report only on a model without errors: routing a broken model would
 * report the consequences of errors already reported (check/checker.c). */
#include "checker.h"
#include "runtime/apache_plan.h"
#include "runtime/nginx_plan.h"
#include "runtime/route.h"
#include "runtime/route_key.h"

#include <string.h>

static bool ptr_eq(const void *a, const void *b) { return a == b; }

static bool is_web(const bind_binding *b)
{
    return b->valid && (b->protocol == BIND_PROTO_HTTP || b->protocol == BIND_PROTO_HTTPS) && b->port &&
           b->addr.kind != BIND_ADDR_NONE;
}

/* Exact host names bound anywhere, so probe hosts avoid them.  Built on
 * first need: a name the interner never saw is in no source, so most
 * questions end there, and a fleet's 200,000 names are not tabled for the
 * few probes that ask. */
typedef struct host_set {
    const bind_model *m;
    const bind_interner *in;
    bind_arena *a;
    bind_table names;
    bool built;
} host_set;

static bool host_bound(host_set *hs, const char *name)
{
    size_t n = strlen(name);
    if (!bind_intern_lookup(hs->in, name, n)) return false;
    if (!hs->built) {
        hs->built = true;
        for (uint32_t i = 0; i < hs->m->nsites; i++)
            for (uint32_t j = 0; j < hs->m->sites[i]->nbindings; j++) {
                const bind_binding *b = hs->m->sites[i]->bindings[j];
                if (!is_web(b) || !*b->host || b->host_wildcard) continue;
                bind_route_key *key = bind_arena_alloc(hs->a, sizeof *key);
                key->name = b->host;
                key->len = strlen(b->host);
                bind_table_put(&hs->names, bind_route_key_hash(key), key, (void *)b);
            }
    }
    bind_route_key key = { 0, 0, name, n };
    return bind_table_get(&hs->names, bind_route_key_hash(&key), &key) != NULL;
}

/* A host that only `*.s` and shorter wildcards match: `w.s`, or `w1.s`...
 * when someone binds that name exactly.  Lives in the scratch arena. */
static const char *wildcard_sample(bind_arena *scratch, host_set *hosts, const char *suffix)
{
    for (unsigned n = 0;; n++) {
        const char *h = n ? bind_arena_printf(scratch, "w%u.%s", n, suffix) : bind_arena_printf(scratch, "w.%s", suffix);
        if (!host_bound(hosts, h)) return h;
    }
}

static const char *probe_host(bind_arena *scratch, host_set *hosts, const bind_binding *b)
{
    const char *suffix = bind_route_wildcard_suffix(b);
    if (suffix) return wildcard_sample(scratch, hosts, suffix);
    return *b->host && !b->host_wildcard ? b->host : NULL;
}

static const char *request_text(bind_arena *a, const bind_route_request *rq, bool unnamed)
{
    char addr[48];
    bind_addr_format(&rq->local, addr, true);
    const char *scheme = bind_protocol_name((enum bind_protocol)rq->protocol);
    const char *where = unnamed ? bind_arena_printf(a, "%s (an address no binding names)", addr) : addr;
    if (!rq->host) return bind_arena_printf(a, "%s://%s:%u/ without a Host header, on local address %s", scheme, addr, rq->port, where);
    return bind_arena_printf(a, "%s://%s:%u/ on local address %s", scheme, rq->host, rq->port, where);
}

/* ---- W0405 --------------------------------------------------------------- */

static void check_unreachable(bind_route_checker *r, bind_arena *scratch, const bind_model *m, host_set *hosts,
                              const bind_addr rep[2])
{
    /* Without iplisten every binding is the best match for some request:
     * on its own address when exact, on an address nobody names when of the
     * any tier (duplicates are E0201).  Only iplisten can hide one. */
    if (!m->niplisten) return;
    bind_route_iis *iis = bind_route_iis_new(m, BIND_SERVER_IIS);

    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        if (s->server != BIND_SERVER_IIS && s->server != BIND_SERVER_ANY) continue;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (!is_web(b)) continue;
            bind_route_request rq = { b->protocol, { 0, { 0 } }, b->port, probe_host(scratch, hosts, b) };
            bool reachable = false, listened = false;
            bind_route_result winner;
            bind_route_request winner_rq = rq;
            memset(&winner, 0, sizeof winner);
            for (uint32_t l = 0; l < m->niplisten && !reachable; l++) {
                const bind_addr *la = &m->iplisten[l].addr;
                if (!bind_addr_overlaps(la, &b->addr)) continue;
                listened = true;
                if (!bind_addr_is_any_tier(la)) rq.local = *la;
                else if (!bind_addr_is_any_tier(&b->addr)) rq.local = b->addr;
                else rq.local = rep[la->kind == BIND_ADDR_ANY6];
                bind_route_result res;
                bind_route_iis_resolve(iis, &rq, &res);
                if (res.binding == b) reachable = true;
                else if (!winner.binding) { winner = res; winner_rq = rq; }
            }
            if (reachable) continue;
            const char *text = bind_binding_text(r->arena, b);
            if (!listened) {
                char addr[48];
                bind_addr_format(&b->addr, addr, true);
                bind_diag *d = bind_diag_push(&r->diags, BIND_W0405, b->info_span,
                                              "binding %s can never be chosen: HTTP.sys does not listen on %s", text, addr);
                bind_diag_note(&r->diags, d, &m->iplisten[0].span, "`iplisten` limits HTTP.sys to the addresses listed here");
                continue;
            }
            bind_diag *d = bind_diag_push(&r->diags, BIND_W0405, b->info_span,
                                          "binding %s can never be chosen: on every address HTTP.sys listens on, another binding wins", text);
            if (winner.binding)
                bind_diag_note(&r->diags, d, &winner.binding->info_span, "%s of site `%s` answers first: %s",
                               bind_binding_info_text(r->arena, winner.binding), winner.binding->site->name,
                               bind_route_reason(r->arena, &winner_rq, &winner, NULL));
            bind_diag_note(&r->diags, d, &m->iplisten[0].span, "`iplisten` limits HTTP.sys to the addresses listed here");
        }
    }
    bind_route_iis_free(iis);
}

/* ---- W0407 --------------------------------------------------------------- */

/* The target whose routing is compared with the IIS rules. */
typedef struct fidelity {
    bind_route_checker *r;
    bind_arena *scratch;
    const bind_route_iis *iis;
    enum bind_server server;         /* BIND_SERVER_NGINX or BIND_SERVER_APACHE */
    const bind_route_nginx *nginx;
    const bind_nginx_plan *plan;
    const bind_route_apache *apache;
    const bind_apache_plan *aplan;
    BIND_VEC(const bind_apache_chain *) lost;   /* Apache: the chains that lost a protocol */
    host_set *hosts;
    bool exact_names;                /* probe exact host names too (a socket lost a protocol) */
    bind_table reported;             /* bindings already warned about */
} fidelity;

typedef bind_route_item item;

/* By port; on a port, exact addresses first (IPv4, then IPv6, each by its
 * bytes), then the any-tier ones; ties in declaration order. */
static uint64_t key_port_addr(const void *x, const void *ctx)
{
    (void)ctx;
    const item *it = x;
    uint64_t key = (uint64_t)it->port << 40;
    if (bind_addr_kind_is_any_tier(it->kind)) return key | (uint64_t)1 << 39;
    return key | (uint64_t)it->kind << 32 | it->prefix;
}

static const bind_site *site_of(const bind_route_result *r) { return r->binding ? r->binding->site : NULL; }

/* The address:port the target's answer came through, when it speaks one
 * protocol there and IIS would route the other too: the binding that made
 * it speak its own, and what it speaks. */
static const bind_binding *protocol_maker(const fidelity *f, const bind_route_result *res, const char **where, uint8_t *protocol)
{
    if (res->socket < 0) return NULL;
    if (f->server == BIND_SERVER_NGINX) {
        const bind_nginx_socket *s = &f->plan->sockets[res->socket];
        if (!s->lost) return NULL;
        *where = bind_nginx_socket_text(f->r->arena, s);
        *protocol = s->protocol;
        return s->maker;
    }
    const bind_apache_chain *c = &f->aplan->chains[res->socket];
    if (!c->lost) return NULL;
    *where = bind_apache_chain_text(f->r->arena, c);
    *protocol = c->protocol;
    return c->maker;
}

static void probe(fidelity *f, uint8_t protocol, const bind_addr *local, bool unnamed, uint16_t port, const char *host)
{
    bind_route_request rq = { protocol, *local, port, host };
    bind_route_result ri, rn;
    bind_route_iis_resolve(f->iis, &rq, &ri);
    bool nginx = f->server == BIND_SERVER_NGINX;
    if (nginx) bind_route_nginx_resolve(f->nginx, &rq, &rn);
    else bind_route_apache_resolve(f->apache, &rq, NULL, &rn);
    if (site_of(&ri) == site_of(&rn)) return;
    const bind_binding *culprit = ri.binding ? ri.binding : rn.binding;
    uint64_t h = bind_hash_bytes(&culprit, sizeof culprit, BIND_HASH_SEED);
    if (bind_table_get(&f->reported, h, culprit)) return;
    bind_table_put(&f->reported, h, culprit, (void *)culprit);

    bind_route_checker *r = f->r;
    const char *target = nginx ? "nginx" : "apache", *server = nginx ? "nginx" : "Apache";
    bind_diag *d;
    if (ri.binding) {
        const char *answer = rn.binding ? bind_arena_printf(r->arena, "site `%s`", rn.binding->site->name) : "no site";
        d = bind_diag_push(&r->diags, BIND_W0407, culprit->info_span,
                           "the %s target cannot route like IIS here: %s answers with %s where IIS chooses this binding of site `%s`",
                           target, server, answer, ri.binding->site->name);
    } else {
        d = bind_diag_push(&r->diags, BIND_W0407, culprit->info_span,
                           "the %s target cannot route like IIS here: %s answers with this binding of site `%s` where IIS refuses the request",
                           target, server, rn.binding->site->name);
    }
    bind_diag_note(&r->diags, d, NULL, "request: %s", request_text(r->arena, &rq, unnamed));
    bind_diag_note(&r->diags, d, NULL, "IIS: %s", bind_route_reason(r->arena, &rq, &ri, NULL));
    bind_diag_note(&r->diags, d, NULL, "%s: %s", server,
                   nginx ? bind_route_reason(r->arena, &rq, &rn, f->plan) : bind_route_apache_reason(r->arena, &rq, &rn, f->aplan));
    const char *where = NULL;
    uint8_t speaks = 0;
    const bind_binding *maker = protocol_maker(f, &rn, &where, &speaks);
    if (maker)
        bind_diag_note(&r->diags, d, &maker->info_span, "%s serves one protocol per address:port, and this binding makes %s %s",
                       server, where, bind_protocol_name((enum bind_protocol)speaks));
}

/* Every request class of one local address on one port: the hosts of the
 * bindings that reach it (on this address, and any-tier of its family). */
static void probe_class(fidelity *f, const bind_addr *local, bool unnamed, uint16_t port, const item *exact, size_t nexact,
                        const item *any, size_t nany)
{
    bool seen[2] = { false, false };
    /* An any-tier wildcard routes on an exact address as on an unnamed one
     * (whose class asks it) unless the address has wildcards of its own:
     * IIS prefers those, and the plan leaves the any-tier ones off.  Asking
     * every any-tier wildcard on every exact address would be quadratic. */
    bool own_wildcards = false;
    for (size_t i = 0; i < nexact && !own_wildcards; i++) own_wildcards = exact[i].b->host_wildcard;
    for (size_t i = 0; i < nexact + nany; i++) {
        const bind_binding *b = i < nexact ? exact[i].b : any[i - nexact].b;
        seen[b->protocol == BIND_PROTO_HTTPS] = true;
        if (!f->exact_names && !b->host_wildcard) continue;
        if (i >= nexact && !unnamed && !own_wildcards && !f->exact_names) continue;
        const char *h = probe_host(f->scratch, f->hosts, b);
        if (h) probe(f, b->protocol, local, unnamed, port, h);
    }
    /* What no name matches — the catch-all, or the refusing server — for each
     * protocol bound here (the other one finds no binding either way): a
     * client that names the address itself, and one that sends no Host. */
    char literal[48];
    bind_addr_format(local, literal, true);
    /* A host name may be all digits and dots: then the literal is an exact
     * name, asked above or routing alike. */
    bool literal_bound = host_bound(f->hosts, literal);
    for (int p = 0; p < 2; p++) {
        if (!seen[p]) continue;
        uint8_t protocol = p ? BIND_PROTO_HTTPS : BIND_PROTO_HTTP;
        if (f->exact_names || !literal_bound) probe(f, protocol, local, unnamed, port, literal);
        probe(f, protocol, local, unnamed, port, NULL);
    }
}

/* Whether the target's routing of one request class needs asking: every
 * class for nginx; for Apache, an exact address whose chain lost a
 * protocol (apache_plan.h: elsewhere the blocks' order gives IIS's answer,
 * and `*:port` mixing the families is the target's own W0407). */
static bool asks(const fidelity *f, const bind_addr *local, bool unnamed, uint16_t port)
{
    if (f->server == BIND_SERVER_NGINX) return true;
    if (unnamed) return false;
    for (size_t i = 0; i < f->lost.len; i++)
        if (f->lost.items[i]->port == port && bind_addr_equal(&f->lost.items[i]->addr, local)) return true;
    return false;
}

/* Asks every request class of every port the target's sites bind. */
static void probe_classes(fidelity *f, const bind_model *m, const bind_addr rep[2])
{
    BIND_VEC(item) items = { 0 };
    bind_vec_reserve(&items, m->nbindings);
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        if (s->server != f->server && s->server != BIND_SERVER_ANY) continue;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            if (!is_web(s->bindings[j])) continue;
            item it = bind_route_item_of(s->bindings[j], (uint32_t)items.len);
            bind_vec_push(&items, it);
        }
    }
    bind_route_items_sort(items.items, items.len, key_port_addr, NULL);
    item *any = bind_pages_alloc((items.len ? items.len : 1) * sizeof *any);
    for (size_t i = 0; i < items.len;) {
        size_t j = i;
        while (j < items.len && items.items[j].port == items.items[i].port) j++;
        uint16_t port = items.items[i].port;
        /* Exact addresses sort first within a port, grouped by address. */
        for (int fam = 4; fam <= 6; fam += 2) {
            size_t nany = 0;
            for (size_t x = i; x < j; x++) {
                uint8_t kind = items.items[x].kind;
                bool covers = kind == BIND_ADDR_ANY || kind == (fam == 4 ? BIND_ADDR_ANY4 : BIND_ADDR_ANY6);
                if (covers) any[nany++] = items.items[x];
            }
            for (size_t x = i; x < j && !bind_addr_kind_is_any_tier(items.items[x].kind);) {
                size_t y = x;
                while (y < j && bind_route_item_same_addr(&items.items[y], &items.items[x])) y++;
                const bind_addr *a = &items.items[x].b->addr;
                if ((a->kind == BIND_ADDR_V4) == (fam == 4) && asks(f, a, false, port))
                    probe_class(f, a, false, port, items.items + x, y - x, any, nany);
                x = y;
            }
            if (asks(f, &rep[fam == 6], true, port)) probe_class(f, &rep[fam == 6], true, port, NULL, 0, any, nany);
        }
        i = j;
    }
    bind_pages_free(any, (items.len ? items.len : 1) * sizeof *any);
    bind_vec_free(&items);
}

static void check_nginx_fidelity(bind_route_checker *r, bind_arena *scratch, const bind_model *m, host_set *hosts,
                                 const bind_addr rep[2])
{
    bool any_site = false;
    for (uint32_t i = 0; i < m->nsites && !any_site; i++)
        any_site = m->sites[i]->server == BIND_SERVER_NGINX || m->sites[i]->server == BIND_SERVER_ANY;
    if (!any_site) return;

    fidelity f;
    memset(&f, 0, sizeof f);
    f.r = r;
    f.scratch = scratch;
    f.hosts = hosts;
    f.server = BIND_SERVER_NGINX;
    /* Exact names are asked only when a socket lost a protocol, so a plan
     * made for this check alone leaves them out until one did. */
    bool whole = r->c->keep_nginx_plan;
    f.plan = whole ? bind_compilation_nginx_plan(r->c) : bind_nginx_plan_build_for(scratch, m, false);
    if (!f.plan->nsockets) return;
    for (uint32_t i = 0; i < f.plan->nsockets && !f.exact_names; i++) f.exact_names = f.plan->sockets[i].lost != NULL;
    if (f.exact_names && !whole) f.plan = bind_nginx_plan_build(scratch, m);
    f.iis = bind_route_iis_new_for(m, BIND_SERVER_NGINX, f.exact_names);
    f.nginx = bind_route_nginx_new_for(f.plan, f.exact_names);
    bind_table_init(&f.reported, ptr_eq);
    probe_classes(&f, m, rep);
    bind_table_fini(&f.reported);
    bind_route_nginx_free((bind_route_nginx *)f.nginx);
    bind_route_iis_free((bind_route_iis *)f.iis);
}

/* The apache target routes like IIS by the order of its blocks, except on
 * an address:port that would speak two protocols: an exact-address binding
 * under an any-tier one of the other protocol.  For sites HTTP.sys serves
 * too that is E0204, so only `server = apache` sites can do it: without
 * one (a fleet), nothing is built or asked.  (The unit and differential
 * tests hold the plan to the rest.) */
static void check_apache_fidelity(bind_route_checker *r, bind_arena *scratch, const bind_model *m, host_set *hosts,
                                  const bind_addr rep[2])
{
    bool own = false;
    for (uint32_t i = 0; i < m->nsites && !own; i++) own = m->sites[i]->server == BIND_SERVER_APACHE;
    if (!own) return;

    fidelity f;
    memset(&f, 0, sizeof f);
    f.r = r;
    f.scratch = scratch;
    f.hosts = hosts;
    f.server = BIND_SERVER_APACHE;
    f.aplan = bind_apache_plan_build(scratch, m);
    for (uint32_t i = 0; i < f.aplan->nchains; i++)
        if (f.aplan->chains[i].lost && f.aplan->chains[i].addr.kind != BIND_ADDR_ANY) bind_vec_push(&f.lost, &f.aplan->chains[i]);
    if (!f.lost.len) return;
    f.exact_names = true;
    f.iis = bind_route_iis_new(m, BIND_SERVER_APACHE);
    f.apache = bind_route_apache_new(f.aplan);
    bind_table_init(&f.reported, ptr_eq);
    probe_classes(&f, m, rep);
    bind_table_fini(&f.reported);
    bind_vec_free(&f.lost);
    bind_route_apache_free((bind_route_apache *)f.apache);
    bind_route_iis_free((bind_route_iis *)f.iis);
}

const bind_nginx_plan *bind_compilation_nginx_plan(bind_compilation *c)
{
    if (!c->nginx_plan) c->nginx_plan = bind_nginx_plan_build(c->routes_arena, c->model);
    return c->nginx_plan;
}

void bind_check_routes(bind_route_checker *r)
{
    /* The plan and the probes are scratch: a language server keeps the
     * compilation's arena alive, and these can be as big as the fleet. */
    bind_arena *scratch = bind_arena_new();
    const bind_model *m = r->m;
    host_set hosts = { m, r->in, scratch, { 0 }, false };
    bind_table_init(&hosts.names, bind_route_key_eq);
    /* The addresses that stand for "any address no binding names". */
    bind_addr rep[2];
    bind_route_unnamed_addrs(m, rep);
    check_unreachable(r, scratch, m, &hosts, rep);
    check_nginx_fidelity(r, scratch, m, &hosts, rep);
    check_apache_fidelity(r, scratch, m, &hosts, rep);
    bind_table_fini(&hosts.names);
    bind_arena_free(scratch);
}
