/* The one-line reason `bindc route` prints, and the checker quotes: which
 * rule decided, and what it beat ("host name match beats IP-only binding
 * 10.0.0.1:80:"), or why nothing answers. */
#include "apache_plan.h"
#include "nginx_plan.h"
#include "route.h"

#include <string.h>

static const char *winner_phrase(enum bind_route_rule r)
{
    switch (r) {
    case BIND_ROUTE_HOST_ADDR: return "host name and IP address match";
    case BIND_ROUTE_HOST_ANY: return "host name match";
    case BIND_ROUTE_WILDCARD_ADDR: return "wildcard host and IP address match";
    case BIND_ROUTE_WILDCARD_ANY: return "wildcard host match";
    case BIND_ROUTE_NOHOST_ADDR: return "IP address match";
    case BIND_ROUTE_NOHOST_ANY: return "catch-all";
    default: return "match";
    }
}

static const char *loser_phrase(enum bind_route_rule r)
{
    switch (r) {
    case BIND_ROUTE_HOST_ADDR: return "host name binding on this address";
    case BIND_ROUTE_HOST_ANY: return "host name binding";
    case BIND_ROUTE_WILDCARD_ADDR: case BIND_ROUTE_WILDCARD_ANY: return "wildcard binding";
    case BIND_ROUTE_NOHOST_ADDR: return "IP-only binding";
    case BIND_ROUTE_NOHOST_ANY: return "catch-all binding";
    default: return "binding";
    }
}

static const char *local_text(bind_arena *a, const bind_route_request *rq)
{
    char addr[48];
    bind_addr_format(&rq->local, addr, true);
    return bind_arena_printf(a, "%s:%u", addr, rq->port);
}

/* The host as the routers saw it, for messages; NULL when there is none. */
static const char *host_text(bind_arena *a, const bind_route_request *rq)
{
    char host[1024];
    size_t n = bind_route_host_normalize(rq->host, host, sizeof host);
    if (n == 0) return NULL;
    if (n == (size_t)-1) return "(a host longer than 1023 bytes)";
    return bind_arena_strdup(a, host);
}

static const char *no_host_match(bind_arena *a, const char *host)
{
    return host ? bind_arena_printf(a, "no binding names host `%s`", host) : "the request has no Host header";
}

static const char *iis_reason(bind_arena *a, const bind_route_request *rq, const bind_route_result *r)
{
    const char *host = host_text(a, rq);
    if (!r->binding) {
        switch (r->refusal) {
        case BIND_REFUSE_NOT_LISTENING: {
            char addr[48];
            bind_addr_format(&rq->local, addr, true);
            return bind_arena_printf(a, "HTTP.sys does not listen on %s: `iplisten` leaves it out", addr);
        }
        case BIND_REFUSE_NO_BINDING:
            return bind_arena_printf(a, "no %s binding on port %u contains the address %s",
                                     bind_protocol_name((enum bind_protocol)rq->protocol), rq->port, local_text(a, rq));
        default:
            return bind_arena_printf(a, "%s on %s and none is a catch-all (HTTP.sys answers 400 Bad Request)",
                                     no_host_match(a, host), local_text(a, rq));
        }
    }
    bool hostless = r->rule == BIND_ROUTE_NOHOST_ADDR || r->rule == BIND_ROUTE_NOHOST_ANY;
    const char *why = hostless ? bind_arena_printf(a, " (%s)", no_host_match(a, host)) : "";
    if (!r->beaten) {
        if (hostless) return bind_arena_printf(a, "%s: %s", winner_phrase(r->rule), no_host_match(a, host));
        return bind_arena_printf(a, "%s; no other binding matches", winner_phrase(r->rule));
    }
    const char *win = r->beaten_rule == r->rule ? "longer wildcard host match" : winner_phrase(r->rule);
    const char *other = r->beaten->site != r->binding->site
                        ? bind_arena_printf(a, " of site `%s`", r->beaten->site->name) : "";
    return bind_arena_printf(a, "%s beats %s %s%s%s", win, loser_phrase(r->beaten_rule),
                             bind_binding_info_text(a, r->beaten), other, why);
}

static const char *nginx_reason(bind_arena *a, const bind_route_request *rq, const bind_route_result *r,
                                const bind_nginx_plan *p)
{
    const char *host = host_text(a, rq);
    const bind_nginx_socket *s = r->socket >= 0 ? &p->sockets[r->socket] : NULL;
    const char *sock = s ? bind_nginx_socket_text(a, s) : local_text(a, rq);
    switch (r->rule) {
    case BIND_ROUTE_NGINX_EXACT: return bind_arena_printf(a, "exact server_name %s on %s", r->name, sock);
    case BIND_ROUTE_NGINX_HEAD: return bind_arena_printf(a, "longest leading wildcard server_name %s on %s", r->name, sock);
    case BIND_ROUTE_NGINX_TAIL: return bind_arena_printf(a, "longest trailing wildcard server_name %s on %s", r->name, sock);
    case BIND_ROUTE_NGINX_DEFAULT:
        return bind_arena_printf(a, "default_server of %s: %s", sock,
                                 host ? bind_arena_printf(a, "no server_name matches `%s`", host) : "the request has no Host header");
    default: break;
    }
    switch (r->refusal) {
    case BIND_REFUSE_NOT_LISTENING: return bind_arena_printf(a, "nginx does not listen on %s", sock);
    case BIND_REFUSE_TLS_MISMATCH:
        return s && s->ssl ? bind_arena_printf(a, "%s is a TLS socket (listen ... ssl) and the request is plain http", sock)
                           : bind_arena_printf(a, "%s is a plain http socket and the request is https", sock);
    case BIND_REFUSE_DEFAULT: {
        const bind_nginx_server *sv = &p->servers[s->default_server];
        const char *how = sv->kind == BIND_NGINX_REFUSE_TLS ? "ssl_reject_handshake on" : "return 404";
        return bind_arena_printf(a, "the generated default server of %s refuses it (%s): %s", sock, how,
                                 host ? bind_arena_printf(a, "no server_name matches `%s`", host) : "the request has no Host header");
    }
    default: return "nothing answers";
    }
}

const char *bind_route_reason(bind_arena *a, const bind_route_request *rq, const bind_route_result *r,
                              const bind_nginx_plan *plan)
{
    return plan ? nginx_reason(a, rq, r, plan) : iis_reason(a, rq, r);
}

/* "site `Shop`" or "a generated refusing <VirtualHost>". */
static const char *vhost_text(bind_arena *a, const bind_apache_vhost *v)
{
    return v->site ? bind_arena_printf(a, "the <VirtualHost> of site `%s`", v->site->name) : "the generated refusing <VirtualHost>";
}

const char *bind_route_apache_reason(bind_arena *a, const bind_route_request *rq, const bind_route_result *r,
                                     const bind_apache_plan *p)
{
    const char *host = host_text(a, rq);
    const bind_apache_chain *c = r->socket >= 0 ? &p->chains[r->socket] : NULL;
    const char *chain = c ? bind_apache_chain_text(a, c) : local_text(a, rq);
    const char *unmatched = host ? bind_arena_printf(a, "no ServerName or ServerAlias there matches `%s`", host)
                                 : "the request has no Host header";
    switch (r->rule) {
    case BIND_ROUTE_APACHE_NAME:
        return bind_arena_printf(a, "%s %s of the first <VirtualHost> of %s that names the host",
                                 strcmp(p->vhosts[r->server].server_name, r->name) == 0 ? "ServerName" : "ServerAlias", r->name, chain);
    case BIND_ROUTE_APACHE_WILDCARD:
        return bind_arena_printf(a, "ServerAlias %s of the first <VirtualHost> of %s whose names match `%s`", r->name, chain, host);
    case BIND_ROUTE_APACHE_FIRST: return bind_arena_printf(a, "the first <VirtualHost> of %s: %s", chain, unmatched);
    case BIND_ROUTE_APACHE_ONLY: return bind_arena_printf(a, "the only <VirtualHost> of %s, which answers every host", chain);
    default: break;
    }
    switch (r->refusal) {
    case BIND_REFUSE_NOT_LISTENING: return bind_arena_printf(a, "Apache does not listen on %s: no Listen line covers it", local_text(a, rq));
    case BIND_REFUSE_NO_BINDING:
        return bind_arena_printf(a, "no <VirtualHost> is for %s or *:%u: the main server would answer", local_text(a, rq), rq->port);
    case BIND_REFUSE_TLS_MISMATCH:
        return c && c->ssl ? bind_arena_printf(a, "%s is TLS (SSLEngine on) and the request is plain http: Apache answers 400", chain)
                           : bind_arena_printf(a, "%s is plain http and the request is https: the handshake fails", chain);
    case BIND_REFUSE_SNI_NO_HOST: return "the client sent SNI but no Host header: Apache answers 400 Bad Request";
    case BIND_REFUSE_MISDIRECTED:
        return bind_arena_printf(a, "the TLS handshake took %s and the Host takes %s, whose certificate or protocols differ: "
                                 "Apache answers 421 Misdirected Request", vhost_text(a, &p->vhosts[r->handshake]),
                                 vhost_text(a, &p->vhosts[r->server]));
    case BIND_REFUSE_DEFAULT:
        return bind_arena_printf(a, "%s of %s answers 404: %s", vhost_text(a, &p->vhosts[r->server]), chain, unmatched);
    default: return "nothing answers";
    }
}
