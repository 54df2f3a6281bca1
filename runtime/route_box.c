/* The whole box: the owner of a request's socket, then its answer
 * (route_box.h). */
#include "route_box.h"
#include "apache_plan.h"
#include "nginx_plan.h"
#include "route_state.h"

#include <string.h>

struct bind_route_box {
    bind_arena *arena;
    const bind_model *m;
    const bind_machine_state *st;   /* --state, or NULL */
    enum bind_server only;
    /* By enum bind_server: whether a site of that server is on the box
     * (HTTP.sys: server = iis or any), and the first one, which orders
     * nginx and Apache at start. */
    bool present[4];
    uint32_t first[4];
    /* HTTP.sys: the ports its sites name (a bit each) and its IP listen
     * list (none: every address). */
    uint8_t *ports;
    const bind_iplisten *listen;
    uint32_t nlisten;
    bool listen_from_state;
    bind_route_iis *iis;
    bind_route_ssl *ssl;
    bind_route_machine *machine;
    const bind_nginx_plan *nginx;
    bind_route_nginx *nginx_router;
    bind_apache_plan *apache;
    bind_route_apache *apache_router;
    /* nginx, Apache: why it does not start (a socket another holds), or NULL. */
    const char *down[4];
};

static const char *label(enum bind_server s)
{
    return s == BIND_SERVER_IIS ? "HTTP.sys" : s == BIND_SERVER_NGINX ? "nginx" : "Apache";
}

static bool http_sys_site(const bind_site *s) { return bind_site_runs_on(s, BIND_SERVER_IIS); }

static bool web_binding(const bind_binding *b)
{
    return b->valid && (b->protocol == BIND_PROTO_HTTP || b->protocol == BIND_PROTO_HTTPS) && b->port;
}

static bool http_sys_port(const bind_route_box *b, uint16_t port) { return b->ports[port >> 3] >> (port & 7) & 1; }

/* The site HTTP.sys listens on a port for: the first that names it. */
static const bind_site *http_sys_site_on(const bind_route_box *b, uint16_t port)
{
    for (uint32_t i = 0; i < b->m->nsites; i++) {
        const bind_site *s = b->m->sites[i];
        if (!http_sys_site(s)) continue;
        for (uint32_t j = 0; j < s->nbindings; j++)
            if (web_binding(s->bindings[j]) && s->bindings[j]->port == port) return s;
    }
    return NULL;
}

/* The entry of HTTP.sys's listen list that takes addr (an address, or a
 * socket's `*`, 0.0.0.0, [::] when overlap), NULL when none does; with
 * no list, `everywhere`. */
static const bind_iplisten everywhere;
static const bind_iplisten *http_sys_takes(const bind_route_box *b, const bind_addr *addr, bool overlap)
{
    if (!b->nlisten) return &everywhere;
    for (uint32_t i = 0; i < b->nlisten; i++)
        if (overlap ? bind_addr_overlaps(&b->listen[i].addr, addr) : bind_addr_contains(&b->listen[i].addr, addr))
            return &b->listen[i];
    return NULL;
}

/* The socket text ("*:80") of nginx's or Apache's socket that takes the
 * local address on a port, or NULL. */
static const char *claims(const bind_route_box *b, bind_arena *a, enum bind_server s, const bind_addr *local, uint16_t port)
{
    if (s == BIND_SERVER_NGINX && b->nginx)
        for (uint32_t i = 0; i < b->nginx->nsockets; i++) {
            const bind_nginx_socket *k = &b->nginx->sockets[i];
            if (k->port == port && bind_addr_contains(&k->addr, local)) return bind_nginx_socket_text(a, k);
        }
    if (s == BIND_SERVER_APACHE && b->apache)
        for (uint32_t i = 0; i < b->apache->nlistens; i++) {
            const bind_apache_listen *l = &b->apache->listens[i];
            if (l->port == port && bind_addr_contains(&l->addr, local)) return bind_apache_listen_text(a, l);
        }
    return NULL;
}

/* Whether server s (nginx or Apache, when it starts) listens on a socket
 * overlapping addr:port; its text in *what. */
static bool overlaps(const bind_route_box *b, bind_arena *a, enum bind_server s, const bind_addr *addr, uint16_t port,
                     const char **what)
{
    if (s == BIND_SERVER_NGINX && b->nginx)
        for (uint32_t i = 0; i < b->nginx->nsockets; i++) {
            const bind_nginx_socket *k = &b->nginx->sockets[i];
            if (k->port == port && bind_addr_overlaps(&k->addr, addr)) { *what = bind_nginx_socket_text(a, k); return true; }
        }
    if (s == BIND_SERVER_APACHE && b->apache)
        for (uint32_t i = 0; i < b->apache->nlistens; i++) {
            const bind_apache_listen *l = &b->apache->listens[i];
            if (l->port == port && bind_addr_overlaps(&l->addr, addr)) { *what = bind_apache_listen_text(a, l); return true; }
        }
    return false;
}

/* Whether s cannot bind one of its sockets because HTTP.sys, or the
 * server that started before it, holds it: then it does not start. */
static const char *does_not_start(const bind_route_box *b, enum bind_server s, enum bind_server before)
{
    bind_arena *a = b->arena;
    uint32_t n = s == BIND_SERVER_NGINX ? b->nginx->nsockets : b->apache->nlistens;
    for (uint32_t i = 0; i < n; i++) {
        const bind_addr *addr = s == BIND_SERVER_NGINX ? &b->nginx->sockets[i].addr : &b->apache->listens[i].addr;
        uint16_t port = s == BIND_SERVER_NGINX ? b->nginx->sockets[i].port : b->apache->listens[i].port;
        const char *mine = s == BIND_SERVER_NGINX ? bind_nginx_socket_text(a, &b->nginx->sockets[i])
                                                  : bind_apache_listen_text(a, &b->apache->listens[i]);
        if (b->present[BIND_SERVER_IIS] && http_sys_port(b, port) && http_sys_takes(b, addr, true))
            return bind_arena_printf(a, "%s does not start: it cannot bind %s, which HTTP.sys holds for site `%s` (E0208)",
                                     label(s), mine, http_sys_site_on(b, port)->name);
        const char *theirs;
        if (before != BIND_SERVER_ANY && !b->down[before] && overlaps(b, a, before, addr, port, &theirs))
            return bind_arena_printf(a, "%s does not start: it cannot bind %s, which %s holds (%s, E0208)", label(s), mine,
                                     label(before), theirs);
    }
    return NULL;
}

bind_route_box *bind_route_box_new(const bind_model *m, enum bind_server only, const bind_nginx_plan *nginx,
                                   const bind_machine_state *st)
{
    bind_arena *a = bind_arena_new();
    bind_route_box *b = bind_arena_alloc(a, sizeof *b);
    b->arena = a;
    b->m = m;
    b->only = only;
    b->ports = bind_arena_alloc(a, 65536 / 8);
    for (uint32_t i = m->nsites; i-- > 0;) {
        const bind_site *s = m->sites[i];
        uint8_t srv = http_sys_site(s) ? BIND_SERVER_IIS : s->server;
        b->present[srv] = true;
        b->first[srv] = i;
        if (srv != BIND_SERVER_IIS) continue;
        for (uint32_t j = 0; j < s->nbindings; j++)
            if (web_binding(s->bindings[j])) b->ports[s->bindings[j]->port >> 3] |= (uint8_t)(1u << (s->bindings[j]->port & 7));
    }
    bool box = only == BIND_SERVER_ANY;
    b->st = st;
    b->listen = bind_state_listen_list(m, st, a, &b->nlisten);
    b->listen_from_state = st && st->given[BIND_STATE_IPLISTEN];
    if (box || only == BIND_SERVER_IIS) {
        b->iis = bind_route_iis_new(m, BIND_SERVER_IIS);
        b->ssl = bind_route_ssl_new(m, BIND_SERVER_IIS);
        if (st) b->machine = bind_route_machine_new(m, st);
    }
    if (only == BIND_SERVER_NGINX || (box && b->present[BIND_SERVER_NGINX])) {
        b->nginx = nginx ? nginx : bind_nginx_plan_build(a, m);
        b->nginx_router = bind_route_nginx_new(b->nginx);
    }
    if (only == BIND_SERVER_APACHE || (box && b->present[BIND_SERVER_APACHE])) {
        b->apache = bind_apache_plan_build(a, m);
        b->apache_router = bind_route_apache_new(b->apache);
    }
    if (box) {
        bool ng = b->present[BIND_SERVER_NGINX], ap = b->present[BIND_SERVER_APACHE];
        enum bind_server one = BIND_SERVER_NGINX, two = BIND_SERVER_APACHE;
        if (ng && ap && b->first[two] < b->first[one]) { one = BIND_SERVER_APACHE; two = BIND_SERVER_NGINX; }
        if (b->present[one]) b->down[one] = does_not_start(b, one, BIND_SERVER_ANY);
        if (b->present[two]) b->down[two] = does_not_start(b, two, b->present[one] ? one : BIND_SERVER_ANY);
    }
    return b;
}

void bind_route_box_free(bind_route_box *b)
{
    if (!b) return;
    bind_route_iis_free(b->iis);
    bind_route_ssl_free(b->ssl);
    bind_route_machine_free(b->machine);
    bind_route_nginx_free(b->nginx_router);
    bind_route_apache_free(b->apache_router);
    bind_arena_free(b->arena);
}

/* The rule line of a machine answer whose handshake failed. */
static const char *const ssl_rule = "HTTP.sys's TLS handshake: the SSL binding of the SNI (hostnameport, then ccs), else of the "
                                    "address (ipport); without one it resets the connection";

/* The machine's record under the key HTTP.sys picked, where it holds
 * another certificate than the .bind's: netsh.cmd leaves it (W0505), so
 * that is the certificate the handshake gets.  Where the machine has none,
 * netsh.cmd adds the .bind's. */
static void machine_certificate(const bind_route_box *b, const bind_route_request *rq, bind_route_tls *t)
{
    if (!b->st || t->refused || !t->binding) return;
    const bind_binding *bd = t->binding;
    const bind_state_sslcert *rec = NULL;
    bind_addr any4 = { .kind = BIND_ADDR_ANY4 };
    switch (t->pick) {
    case BIND_TLS_HOSTNAMEPORT: case BIND_TLS_HOSTNAMEPORT_WILD: rec = bind_state_find_hostport(b->st, bd->host, bd->port); break;
    case BIND_TLS_IPPORT: case BIND_TLS_IPPORT_ANY: rec = bind_state_find_ipport(b->st, &bd->addr, bd->port); break;
    case BIND_TLS_INSTALLER: rec = bind_state_find_ipport(b->st, &any4, rq->port); break;
    default: return;                 /* ccs: the store's certificate, by name */
    }
    const char *own = t->cert ? t->cert->thumbprint : bd->thumbprint;
    if (!rec || !rec->hash || (own && strcmp(own, rec->hash) == 0)) return;
    t->machine = rec;
    t->cert = NULL;
    for (uint32_t i = 0; i < b->m->ncerts && !t->cert; i++)
        if (b->m->certs[i]->thumbprint && strcmp(b->m->certs[i]->thumbprint, rec->hash) == 0) t->cert = b->m->certs[i];
}

/* Server s's own answer, with the handshake first. */
static void answer(const bind_route_box *b, enum bind_server s, const bind_route_request *rq, const bind_route_hello *hello,
                   const char *path, const bind_sources *src, bind_arena *a, bind_route_box_answer *out)
{
    out->server = (uint8_t)s;
    const bind_nginx_plan *np = NULL;
    const bind_apache_plan *ap = NULL;
    if (s == BIND_SERVER_NGINX) {
        np = b->nginx;
        bind_route_nginx_resolve_tls(b->nginx_router, rq, hello, &out->r);
        out->reason = bind_route_reason(a, rq, &out->r, np);
    } else if (s == BIND_SERVER_APACHE) {
        ap = b->apache;
        const char *sni = hello->mode == BIND_SNI_NAME ? (hello->sni ? hello->sni : "") : hello->mode == BIND_SNI_NONE ? "" : NULL;
        bind_route_apache_resolve(b->apache_router, rq, sni, &out->r);
        out->reason = bind_route_apache_reason(a, rq, &out->r, ap);
    } else if (b->machine) {
        bind_route_machine_answer ans;
        bind_route_machine_resolve(b->machine, rq, path, a, &ans);
        out->machine = true;
        out->r = ans.r;
        out->reason = ans.reason;
        out->rule = ans.rule;
        out->rule_at = ans.rule_at;
        out->notes = ans.notes;
        out->nnotes = ans.nnotes;
        bind_route_ssl_apply(b->ssl, rq, hello, &out->r);
        machine_certificate(b, rq, &out->r.tls);
        if (out->r.refusal == BIND_REFUSE_HANDSHAKE) {
            out->reason = bind_route_reason(a, rq, &out->r, NULL);
            out->rule = ssl_rule;
            memset(&out->rule_at, 0, sizeof out->rule_at);
        }
    } else {
        bind_route_iis_resolve(b->iis, rq, &out->r);
        bind_route_ssl_apply(b->ssl, rq, hello, &out->r);
        out->reason = bind_route_reason(a, rq, &out->r, NULL);
    }
    out->tls = bind_route_tls_text(a, src, rq, &out->r, np, ap);
}

/* Why HTTP.sys takes, or does not take, the socket. */
static const char *http_sys_why(const bind_route_box *b, bind_arena *a, const bind_route_request *rq, const bind_iplisten *via)
{
    if (!http_sys_port(b, rq->port)) return bind_arena_printf(a, "HTTP.sys serves no site on port %u", rq->port);
    const char *list = b->listen_from_state ? "this machine's IP listen list" : "`iplisten`";
    if (!via) return bind_arena_printf(a, "%s leaves it out of HTTP.sys", list);
    if (via == &everywhere)
        return bind_arena_printf(a, "HTTP.sys listens on every address on port %u, for site `%s`", rq->port,
                                 http_sys_site_on(b, rq->port)->name);
    char addr[48];
    bind_addr_format(&via->addr, addr, false);
    return b->listen_from_state ? bind_arena_printf(a, "%s takes it with %s", list, addr)
                                : bind_arena_printf(a, "`iplisten %s` takes it", addr);
}

void bind_route_box_resolve(const bind_route_box *b, const bind_route_request *rq, const bind_route_hello *hello,
                            const char *path, const bind_sources *src, bind_arena *a, bind_route_box_answer *out)
{
    memset(out, 0, sizeof *out);
    out->server = BIND_SERVER_ANY;
    out->r.socket = out->r.server = out->r.handshake = -1;
    if (b->only != BIND_SERVER_ANY) { answer(b, b->only, rq, hello, path, src, a, out); return; }
    /* HTTP.sys alone: its answer as it always was. */
    if (!b->present[BIND_SERVER_NGINX] && !b->present[BIND_SERVER_APACHE]) {
        answer(b, BIND_SERVER_IIS, rq, hello, path, src, a, out);
        return;
    }

    char local[48];
    bind_addr_format(&rq->local, local, true);
    const char *sock = bind_arena_printf(a, "%s:%u", local, rq->port);
    const bind_iplisten *via = b->present[BIND_SERVER_IIS] ? http_sys_takes(b, &rq->local, false) : NULL;
    bool http_sys = via && http_sys_port(b, rq->port);
    /* nginx and Apache in the order they start. */
    enum bind_server order[2] = { BIND_SERVER_NGINX, BIND_SERVER_APACHE };
    if (b->present[BIND_SERVER_NGINX] && b->present[BIND_SERVER_APACHE] && b->first[BIND_SERVER_APACHE] < b->first[BIND_SERVER_NGINX]) {
        order[0] = BIND_SERVER_APACHE;
        order[1] = BIND_SERVER_NGINX;
    }
    const char *claim[4] = { 0 };
    for (int i = 0; i < 2; i++) claim[order[i]] = b->present[order[i]] ? claims(b, a, order[i], &rq->local, rq->port) : NULL;

    enum bind_server owner = BIND_SERVER_ANY;
    const char *why = NULL;
    if (http_sys) {
        owner = BIND_SERVER_IIS;
        why = http_sys_why(b, a, rq, via);
        for (int i = 0; i < 2; i++)
            if (claim[order[i]])
                why = bind_arena_printf(a, "%s, which it holds: %s would listen there too (%s) and does not start (E0208)", why,
                                        label(order[i]), claim[order[i]]);
    } else {
        for (int i = 0; i < 2 && owner == BIND_SERVER_ANY; i++)
            if (claim[order[i]] && !b->down[order[i]]) owner = order[i];
        if (owner != BIND_SERVER_ANY)
            why = bind_arena_printf(a, "it listens on %s%s%s", claim[owner], b->present[BIND_SERVER_IIS] ? "; " : "",
                                    b->present[BIND_SERVER_IIS] ? http_sys_why(b, a, rq, via) : "");
    }
    if (owner == BIND_SERVER_ANY) {
        /* Nobody: say why each server does not. */
        const char *parts = b->present[BIND_SERVER_IIS] ? http_sys_why(b, a, rq, via) : NULL;
        for (int i = 0; i < 2; i++) {
            enum bind_server s = order[i];
            if (!b->present[s]) continue;
            const char *p = claim[s] ? b->down[s]
                          : bind_arena_printf(a, "no %s of %s takes it", s == BIND_SERVER_NGINX ? "listen" : "Listen", label(s));
            parts = parts ? bind_arena_printf(a, "%s; %s", parts, p) : p;
        }
        out->r.refusal = BIND_REFUSE_NOT_LISTENING;
        out->reason = bind_arena_printf(a, "nothing listens on %s: %s", sock, parts);
        return;
    }
    answer(b, owner, rq, hello, path, src, a, out);
    out->reason = bind_arena_printf(a, "socket %s belongs to %s (%s); %s: %s", sock, label(owner), why, label(owner), out->reason);
}
