/* HTTP.sys on a machine whose state is known (route_state.h). */
#include "route_state.h"

#include <string.h>

bool bind_http_sys_user_mode(const bind_platform *pf)
{
    return pf && (pf->has_free_ports || pf->has_local_hosts || pf->has_ssl_ports);
}

static bool local_host(const bind_platform *pf, const char *host)
{
    for (uint32_t i = 0; *host && i < pf->nlocal_hosts; i++)
        if (pf->local_hosts[i] == host || strcmp(pf->local_hosts[i], host) == 0) return true;
    return false;
}

bool bind_http_sys_needs_urlacl(const bind_model *m, const bind_binding *b)
{
    const bind_platform *pf = m->platform;
    if (b->acl) return true;
    if (!bind_http_sys_user_mode(pf)) return false;
    if (pf->has_free_ports && !bind_port_in(pf->free_ports, pf->nfree_ports, b->port)) return true;
    return pf->has_local_hosts && !local_host(pf, b->host);
}

void bind_http_sys_prefix(const bind_binding *b, bind_url_prefix *out)
{
    memset(out, 0, sizeof *out);
    out->https = b->protocol == BIND_PROTO_HTTPS;
    out->port = b->port;
    out->path = "/";
    if (*b->host && !b->host_wildcard) {
        out->category = BIND_URL_HOST;
        out->host = b->host;
    } else if (b->addr.kind == BIND_ADDR_V4 || b->addr.kind == BIND_ADDR_V6) {
        out->category = BIND_URL_IP;
        out->ip = b->addr;
    } else {
        out->category = BIND_URL_WEAK;
    }
}

const char *bind_http_sys_grantee(const bind_model *m, const bind_binding *b)
{
    const char *g = b->acl ? b->acl : m->default_acl;
    return bind_acl_is_everyone(g) ? NULL : g;
}

const char *bind_http_sys_category_name(enum bind_url_category c)
{
    switch (c) {
    case BIND_URL_STRONG: return "a strong wildcard";
    case BIND_URL_HOST: return "a host name";
    case BIND_URL_IP: return "an IP address";
    default: return "a weak wildcard";
    }
}

bind_url_namespace *bind_state_namespace(bind_arena *a, const bind_machine_state *st)
{
    bind_url_namespace *ns = bind_url_ns_new();
    for (uint32_t i = 0; st && i < st->nurlacls; i++) {
        const bind_state_urlacl *u = &st->urlacls[i];
        bind_url_prefix p;
        const char *why;
        if (!u->url || !bind_url_prefix_parse(a, u->url, &p, &why)) continue;
        bind_url_ns_reserve(ns, &p, u->sddl ? u->sddl : "", u);
    }
    return ns;
}

static int family_of(const bind_addr *a)
{
    switch (a->kind) {
    case BIND_ADDR_ANY4: case BIND_ADDR_V4: return 4;
    case BIND_ADDR_ANY6: case BIND_ADDR_V6: return 6;
    default: return 0;
    }
}

bool bind_state_refuses(const bind_model *m, const bind_machine_state *st, const bind_url_namespace *ns,
                        const bind_binding *b, bind_arena *a, bind_state_refusal *why)
{
    memset(why, 0, sizeof *why);
    bind_url_prefix p;
    bind_http_sys_prefix(b, &p);
    const bind_url_entry *e = bind_url_ns_reservation_for(ns, &p);
    if (e && e->reservation && bind_url_prefix_equal(&e->prefix, &p) &&
        bind_state_grants(a, e->reservation, bind_http_sys_grantee(m, b)) == BIND_GRANT_NO)
        why->denied = e->reservation;
    /* A single excluded port is most often HTTP.sys's own, kept for a
     * service it serves: IIS shares it.  A block is WinNAT's. */
    const bind_state_excluded *x = bind_state_excluded_port(st, b->port, family_of(&b->addr));
    if (x && x->hi > x->lo) why->excluded = x;
    return why->denied || why->excluded;
}

const bind_iplisten *bind_state_listen_list(const bind_model *m, const bind_machine_state *st, bind_arena *a, uint32_t *n)
{
    if (!st || !st->given[BIND_STATE_IPLISTEN]) { *n = m->niplisten; return m->iplisten; }
    bind_iplisten *l = bind_arena_alloc(a, (st->niplisten + 1) * sizeof *l);
    for (uint32_t i = 0; i < st->niplisten; i++) { l[i].addr = st->iplisten[i].addr; l[i].span = st->iplisten[i].at; }
    *n = st->niplisten;
    return l;
}

static bool http_sys_site(const bind_site *s) { return bind_site_runs_on(s, BIND_SERVER_IIS); }

bool bind_state_site_starts(const bind_model *m, const bind_machine_state *st, const bind_url_namespace *ns,
                            const bind_site *s, bind_arena *a, const bind_binding **failing, bind_state_refusal *why)
{
    if (!st || !http_sys_site(s)) return true;
    for (uint32_t j = 0; j < s->nbindings; j++) {
        const bind_binding *b = s->bindings[j];
        if (!b->valid || (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS)) continue;
        if (!bind_state_refuses(m, st, ns, b, a, why)) continue;
        *failing = b;
        return false;
    }
    return true;
}

/* ---- the machine router ------------------------------------------------ */

struct bind_route_machine {
    bind_arena *arena;
    const bind_model *m;
    const bind_machine_state *st;
    bind_model running;             /* the sites that start here, HTTP.sys's listen list */
    bind_route_iis *ix, *all;       /* over running; over every site (what would answer) */
    bind_url_namespace *ns;         /* the reservations (a query adds the registrations it may reach) */
    BIND_VEC(const char *) down;    /* per site that does not start: "its BINDING is reserved for ..." */
    BIND_VEC(const bind_site *) down_sites;
    const bind_state_iplisten *listen_from;   /* the capture's list, when it is the machine's */
};


static const char *refusal_text(bind_arena *a, const bind_state_refusal *w)
{
    if (w->denied)
        return bind_arena_printf(a, "%s is reserved for %s (access denied)", w->denied->url, bind_state_holders(a, w->denied));
    if (w->excluded->lo == w->excluded->hi)
        return bind_arena_printf(a, "port %u is kept from programs (excluded port %u)", w->excluded->lo, w->excluded->lo);
    return bind_arena_printf(a, "its port is in the excluded range %u-%u", w->excluded->lo, w->excluded->hi);
}

bind_route_machine *bind_route_machine_new(const bind_model *m, const bind_machine_state *st)
{
    bind_arena *a = bind_arena_new();
    bind_route_machine *rm = bind_arena_alloc(a, sizeof *rm);
    rm->arena = a;
    rm->m = m;
    rm->st = st;
    rm->ns = bind_state_namespace(a, st);
    rm->running = *m;
    rm->running.iplisten = (bind_iplisten *)bind_state_listen_list(m, st, a, &rm->running.niplisten);
    if (st && st->given[BIND_STATE_IPLISTEN]) rm->listen_from = st->iplisten;
    bind_site **sites = bind_arena_alloc(a, (m->nsites + 1) * sizeof *sites);
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        const bind_binding *b;
        bind_state_refusal w;
        if (bind_state_site_starts(m, st, rm->ns, s, a, &b, &w)) {
            sites[n++] = m->sites[i];
            continue;
        }
        bind_vec_push(&rm->down, bind_arena_printf(a, "its binding %s cannot register: %s", bind_binding_text(a, b),
                                                   refusal_text(a, &w)));
        bind_vec_push(&rm->down_sites, s);
    }
    rm->running.sites = sites;
    rm->running.nsites = n;
    rm->ix = bind_route_iis_new(&rm->running, BIND_SERVER_IIS);
    bind_model everyone = *m;
    everyone.iplisten = rm->running.iplisten;
    everyone.niplisten = rm->running.niplisten;
    rm->all = bind_route_iis_new(&everyone, BIND_SERVER_IIS);
    return rm;
}

void bind_route_machine_free(bind_route_machine *rm)
{
    if (!rm) return;
    bind_route_iis_free(rm->ix);
    bind_route_iis_free(rm->all);
    bind_url_ns_free(rm->ns);
    bind_vec_free(&rm->down);
    bind_vec_free(&rm->down_sites);
    bind_arena_free(rm->arena);
}

static const char *category_rule(bind_arena *a, const bind_url_prefix *p)
{
    const char *r;
    switch (p->category) {
    case BIND_URL_STRONG: r = "a strong wildcard (+) takes a request before host names, IP addresses and *"; break;
    case BIND_URL_HOST: r = "a host name takes a request after + and before IP addresses and *"; break;
    case BIND_URL_IP: r = "an IP address takes a request after + and host names, before *"; break;
    default: r = "* takes a request that no +, host name or IP address takes"; break;
    }
    return strcmp(p->path, "/") != 0 ? bind_arena_printf(a, "%s; within one, the longest path wins", r) : r;
}

static void note(bind_arena *a, bind_route_machine_answer *out, const char *text)
{
    const char **n = bind_arena_alloc(a, (out->nnotes + 1) * sizeof *n);
    if (out->nnotes) memcpy(n, out->notes, out->nnotes * sizeof *n);
    n[out->nnotes++] = text;
    out->notes = n;
}

/* Whether a running site registers a prefix of this scheme on this port:
 * HTTP.sys listens on a port only for a registration. */
static bool registered_port(const bind_route_machine *rm, bool https, uint16_t port)
{
    for (uint32_t i = 0; i < rm->running.nsites; i++) {
        const bind_site *s = rm->running.sites[i];
        if (!http_sys_site(s)) continue;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (b->valid && b->port == port && b->protocol == (https ? BIND_PROTO_HTTPS : BIND_PROTO_HTTP)) return true;
        }
    }
    return false;
}

/* What would answer with every site running, when that site does not
 * start here: the index of its entry in rm->down, or -1. */
static long would_answer(const bind_route_machine *rm, const bind_route_request *rq, bind_arena *a, bind_route_machine_answer *out)
{
    bind_route_result r;
    bind_route_iis_resolve(rm->all, rq, &r);
    if (!r.binding) return -1;
    for (size_t i = 0; i < rm->down_sites.len; i++)
        if (rm->down_sites.items[i] == r.binding->site) {
            note(a, out, bind_arena_printf(a, "site `%s` would answer with %s, but it does not start on this machine: %s",
                                           r.binding->site->name, bind_binding_text(a, r.binding), rm->down.items[i]));
            return (long)i;
        }
    return -1;
}

void bind_route_machine_resolve(const bind_route_machine *rm, const bind_route_request *rq, const char *path, bind_arena *a,
                                bind_route_machine_answer *out)
{
    memset(out, 0, sizeof *out);
    out->r.socket = out->r.server = out->r.handshake = -1;
    long said = -1;
    bind_url_namespace *ns = NULL;
    char host[1024];
    size_t hn = bind_route_host_normalize(rq->host, host, sizeof host);
    bool https = rq->protocol == BIND_PROTO_HTTPS;
    char local[48];
    bind_addr_format(&rq->local, local, true);

    /* 1. HTTP.sys listens only on its list's addresses. */
    if (rm->running.niplisten) {
        bool in = false;
        for (uint32_t i = 0; i < rm->running.niplisten && !in; i++) in = bind_addr_contains(&rm->running.iplisten[i].addr, &rq->local);
        if (!in) {
            out->reason = bind_arena_printf(a, "HTTP.sys does not listen on %s: %s leaves it out", local,
                                            rm->listen_from ? "this machine's IP listen list" : "`iplisten`");
            out->rule = "HTTP.sys listens only on the addresses of its IP listen list";
            if (rm->listen_from) out->rule_at = rm->listen_from[0].at;
            out->r.refusal = BIND_REFUSE_NOT_LISTENING;
            goto notes;
        }
    }

    /* 2. The URL namespace: the reservations, and what the running sites
     * register that this request may reach (its scheme and port, its host
     * or address, or a wildcard): a fleet registers a prefix a binding,
     * and a query needs a handful of them. */
    bind_url_request urq = { https, hn && hn != (size_t)-1 ? host : NULL, rq->local, rq->port, path && *path == '/' ? path : "/" };
    ns = bind_state_namespace(a, rm->st);
    for (uint32_t i = 0; i < rm->running.nsites; i++) {
        const bind_site *s = rm->running.sites[i];
        if (!http_sys_site(s)) continue;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (!b->valid || b->port != rq->port || b->protocol != (https ? BIND_PROTO_HTTPS : BIND_PROTO_HTTP)) continue;
            bind_url_prefix p;
            bind_http_sys_prefix(b, &p);
            if (p.category == BIND_URL_HOST && (!urq.host || strcmp(p.host, urq.host) != 0)) continue;
            if (p.category == BIND_URL_IP && !bind_addr_equal(&p.ip, &rq->local)) continue;
            bind_url_entry *e = bind_url_ns_entry(ns, &p);
            if (!e->registrant) bind_url_ns_register(ns, &p, s->name, b);
        }
    }
    const bind_url_entry *e = bind_url_ns_route(ns, &urq);
    if (!registered_port(rm, https, rq->port)) {
        out->reason = bind_arena_printf(a, "no site of the .bind registers %s on port %u on this machine: HTTP.sys listens there "
                                        "only for another program", https ? "https" : "http", rq->port);
        out->rule = "HTTP.sys listens on a port while a URL of it is registered";
        out->r.refusal = BIND_REFUSE_NO_BINDING;
        if (e && e->reservation) {
            const bind_state_urlacl *u = e->reservation;
            note(a, out, bind_arena_printf(a, "%s is reserved for %s: while a program of theirs has registered it, it answers, "
                                              "else nobody listens", u->url, bind_state_holders(a, u)));
            out->rule_at = u->at;
        }
        said = would_answer(rm, rq, a, out);
        goto notes;
    }
    if (!e) {
        bind_route_iis_resolve(rm->ix, rq, &out->r);
        out->r.binding = NULL;
        out->status = 400;
        out->reason = bind_route_reason(a, rq, &out->r, NULL);
        out->rule = "no prefix of HTTP.sys's URL namespace takes the request";
        said = would_answer(rm, rq, a, out);
        goto notes;
    }
    const char *prefix = bind_url_prefix_text(a, &e->prefix);
    if (!e->registrant) {
        const bind_state_urlacl *u = e->reservation;
        out->status = 503;
        out->reason = bind_arena_printf(a, "HTTP.sys answers 503 because %s is reserved for %s and nobody registered it", u->url,
                                        bind_state_holders(a, u));
        out->rule = bind_arena_printf(a, "HTTP.sys's URL namespace: %s", category_rule(a, &e->prefix));
        out->rule_at = u->at;
        note(a, out, bind_arena_printf(a, "while a program of %s has registered %s, that program answers instead",
                                       bind_state_holders(a, u), u->url));
        said = would_answer(rm, rq, a, out);
        goto notes;
    }
    /* A registration of the .bind's: its server picks the binding. */
    bind_route_iis_resolve(rm->ix, rq, &out->r);
    if (!out->r.binding) {
        out->r.binding = e->registration;
        out->r.rule = bind_route_iis_rule(e->registration);
    }
    out->reason = bind_route_reason(a, rq, &out->r, NULL);
    out->rule = bind_arena_printf(a, "HTTP.sys's URL namespace hands it to the .bind's server: %s (%s, registered for site `%s`) "
                                  "is the first prefix that takes it; %s", prefix,
                                  bind_http_sys_category_name((enum bind_url_category)e->prefix.category), e->registrant,
                                  category_rule(a, &e->prefix));
    if (e->reservation) out->rule_at = ((const bind_state_urlacl *)e->reservation)->at;
notes:
    bind_url_ns_free(ns);
    for (size_t i = 0, shown = 0; i < rm->down.len; i++) {
        if ((long)i == said) continue;
        if (shown++ == 5) {
            note(a, out, bind_arena_printf(a, "and %zu more sites do not start on this machine (bindc check --state says why)",
                                           rm->down.len - i - (said > (long)i)));
            break;
        }
        note(a, out, bind_arena_printf(a, "site `%s` does not start on this machine: %s", rm->down_sites.items[i]->name,
                                       rm->down.items[i]));
    }
}
