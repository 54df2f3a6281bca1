/* The one-line reason `bindc route` prints, and the checker quotes: which
 * rule decided, and what it beat ("host name match beats IP-only binding
 * 10.0.0.1:80:"), or why nothing answers. */
#include "apache_plan.h"
#include "nginx_plan.h"
#include "route.h"
#include "model/machine_state.h"

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

static bool sends_sni(const bind_route_request *rq, const bind_route_result *r)
{
    char sni[1024];
    return bind_route_sni_of(rq, &r->tls.hello, sni, sizeof sni) != 0;
}

/* "SNI `shop.example`", "no SNI". */
static const char *sni_text(bind_arena *a, const bind_route_request *rq, const bind_route_result *r)
{
    char sni[1024];
    size_t n = bind_route_sni_of(rq, &r->tls.hello, sni, sizeof sni);
    if (n == 0) return "no SNI";
    if (n == (size_t)-1) return "SNI (a name longer than 1023 bytes)";
    return bind_arena_printf(a, "SNI `%s`", sni);
}

/* "; the Host alone would reach site `Shop` (https *:443:shop.example)". */
static const char *unreached_text(bind_arena *a, const bind_route_result *r)
{
    if (!r->unreached) return "";
    return bind_arena_printf(a, "; the Host alone would reach site `%s` (%s)", r->unreached->site->name,
                             bind_binding_text(a, r->unreached));
}

/* The address records HTTP.sys looks up for a client, in order. */
static const char *ipport_keys(bind_arena *a, const bind_route_request *rq)
{
    char addr[48];
    bind_addr_format(&rq->local, addr, true);
    if (rq->local.kind == BIND_ADDR_V6)
        return bind_arena_printf(a, "ipport=%s:%u, [::]:%u or 0.0.0.0:%u", addr, rq->port, rq->port, rq->port);
    return bind_arena_printf(a, "ipport=%s:%u or 0.0.0.0:%u", addr, rq->port, rq->port);
}

/* Why HTTP.sys resets the connection during the handshake. */
static const char *ssl_refusal(bind_arena *a, const bind_route_request *rq, const bind_route_result *r)
{
    if (r->tls.refused == BIND_TLS_NO_SNI)
        return bind_arena_printf(a, "no %s serves a client without SNI, and port %u's other SSL bindings (hostnameport, ccs) "
                                    "need SNI", ipport_keys(a, rq), rq->port);
    char sni[1024];
    size_t n = bind_route_sni_of(rq, &r->tls.hello, sni, sizeof sni);
    if (n == 0 || n == (size_t)-1)
        return bind_arena_printf(a, "no SSL binding serves port %u here (no %s)", rq->port, ipport_keys(a, rq));
    return bind_arena_printf(a, "no hostnameport=%s:%u, no ccs=%u, and no %s to fall back to", sni, rq->port, rq->port,
                             ipport_keys(a, rq));
}

static const char *iis_reason(bind_arena *a, const bind_route_request *rq, const bind_route_result *r)
{
    const char *host = host_text(a, rq);
    if (r->refusal == BIND_REFUSE_HANDSHAKE)
        return bind_arena_printf(a, "the TLS handshake fails before the Host is read: HTTP.sys resets the connection, as no "
                                    "SSL binding serves %s%s", sends_sni(rq, r) ? "its SNI here" : "a client without SNI here",
                                 unreached_text(a, r));
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
    case BIND_REFUSE_HANDSHAKE:
        return bind_arena_printf(a, "the TLS handshake fails before the Host is read: nginx rejects it, as %s%s",
                                 sends_sni(rq, r) ? "no server_name there matches the SNI" : "the client sends no SNI",
                                 unreached_text(a, r));
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

/* ---- the TLS handshake ------------------------------------------------- */

/* " (FILE:LINE:COL)" of a span, or nothing. */
static const char *place(bind_arena *a, const bind_sources *src, bind_span at)
{
    bind_source *f = src && at.end ? bind_sources_get(src, at.file) : NULL;
    if (!f) return "";
    uint32_t line, col;
    bind_source_linecol(f, at.start, &line, &col);
    return bind_arena_printf(a, " (%s:%u:%u)", f->path, line, col);
}

/* "certificate `shop` (shop.bind:8:6)". */
static const char *cert_text(bind_arena *a, const bind_sources *src, const bind_route_tls *t, const char *sni)
{
    if (t->cert) return bind_arena_printf(a, "certificate `%s`%s", t->cert->name, place(a, src, t->cert->span));
    const bind_binding *b = t->binding;
    if (b && b->ccs) return bind_arena_printf(a, "the central certificate store's certificate for %s", sni);
    if (b && b->thumbprint) return bind_arena_printf(a, "the certificate with thumbprint %s", b->thumbprint);
    return "a certificate";
}

/* "ipport=0.0.0.0:443": `*` is 0.0.0.0 to HTTP.sys. */
static const char *ssl_key(bind_arena *a, const bind_route_tls *t, uint16_t port)
{
    const bind_binding *b = t->binding;
    char addr[48];
    switch (t->pick) {
    case BIND_TLS_HOSTNAMEPORT: case BIND_TLS_HOSTNAMEPORT_WILD: return bind_arena_printf(a, "hostnameport=%s:%u", b->host, b->port);
    case BIND_TLS_CCS: return bind_arena_printf(a, "ccs=%u", b->port);
    case BIND_TLS_INSTALLER: return bind_arena_printf(a, "ipport=0.0.0.0:%u", port);
    default:
        if (b->addr.kind == BIND_ADDR_ANY) strcpy(addr, "0.0.0.0");
        else bind_addr_format(&b->addr, addr, true);
        return bind_arena_printf(a, "ipport=%s:%u", addr, b->port);
    }
}

static const char *iis_tls(bind_arena *a, const bind_sources *src, const bind_route_request *rq, const bind_route_result *r)
{
    const char *sni = sni_text(a, rq, r);
    const bind_route_tls *t = &r->tls;
    if (t->refused) return bind_arena_printf(a, "%s: refused: HTTP.sys resets the connection: %s", sni, ssl_refusal(a, rq, r));
    if (t->machine) {
        const bind_state_sslcert *m = t->machine;
        const bind_binding *b = t->binding;
        const char *theirs = t->cert ? bind_arena_printf(a, "certificate `%s`%s, thumbprint %s,", t->cert->name, place(a, src, t->cert->span), m->hash)
                                     : bind_arena_printf(a, "the certificate with thumbprint %s", m->hash);
        const char *ours = b->cert ? bind_arena_printf(a, "`%s`", b->cert->name) : b->thumbprint ? b->thumbprint : "certificate";
        return bind_arena_printf(a, "%s: HTTP.sys presents %s from this machine's SSL binding %s%s, which netsh.cmd leaves as it "
                                    "is (W0505): not the .bind's %s for %s%s", sni, theirs, ssl_key(a, t, rq->port), place(a, src, m->at),
                                 ours, bind_binding_text(a, b), place(a, src, b->span));
    }
    const char *cert = cert_text(a, src, t, sni);
    if (t->pick == BIND_TLS_INSTALLER)
        return bind_arena_printf(a, "%s: HTTP.sys presents %s from the SSL binding %s that the platform's installer made for "
                                    "its ssl_ports", sni, cert, ssl_key(a, t, rq->port));
    return bind_arena_printf(a, "%s: HTTP.sys presents %s from its SSL binding %s, made for %s%s", sni, cert,
                             ssl_key(a, t, rq->port), bind_binding_text(a, t->binding), place(a, src, t->binding->span));
}

static const char *nginx_tls(bind_arena *a, const bind_sources *src, const bind_route_request *rq, const bind_route_result *r,
                             const bind_nginx_plan *p)
{
    const char *sni = sni_text(a, rq, r);
    const bind_route_tls *t = &r->tls;
    const char *sock = bind_nginx_socket_text(a, &p->sockets[r->socket]);
    const char *unmatched = t->pick == BIND_TLS_DEFAULT && sends_sni(rq, r)
                            ? bind_arena_printf(a, " (no server_name on %s matches it)", sock) : "";
    if (t->refused)
        return bind_arena_printf(a, "%s%s: refused: the default_server of %s is the generated one with ssl_reject_handshake on",
                                 sni, unmatched, sock);
    const bind_nginx_server *sv = &p->servers[r->handshake];
    const char *who = t->pick == BIND_TLS_NAMED
                      ? bind_arena_printf(a, "the server block of site `%s` whose server_name %s matches on %s", sv->site->name, t->name, sock)
                      : sv->site ? bind_arena_printf(a, "the default_server of %s, site `%s`", sock, sv->site->name)
                      : bind_arena_printf(a, "the default_server of %s, the generated one (it then answers 404)", sock);
    return bind_arena_printf(a, "%s%s: nginx presents %s, of %s", sni, unmatched, cert_text(a, src, t, sni), who);
}

static const char *apache_tls(bind_arena *a, const bind_sources *src, const bind_route_request *rq, const bind_route_result *r,
                              const bind_apache_plan *p)
{
    const char *sni = sni_text(a, rq, r);
    const bind_route_tls *t = &r->tls;
    const char *chain = bind_apache_chain_text(a, &p->chains[r->socket]);
    const bind_apache_vhost *v = &p->vhosts[r->handshake];
    const char *unmatched = t->pick == BIND_TLS_DEFAULT && sends_sni(rq, r) && p->chains[r->socket].nvhosts > 1
                            ? bind_arena_printf(a, " (no ServerName or ServerAlias on %s matches it)", chain) : "";
    const char *who = t->pick == BIND_TLS_NAMED
                      ? bind_arena_printf(a, "the <VirtualHost> of site `%s` on %s whose names match it (%s)", v->site ? v->site->name : "?", chain, t->name)
                      : v->site ? bind_arena_printf(a, "the first <VirtualHost> of %s, site `%s`", chain, v->site->name)
                      : bind_arena_printf(a, "the first <VirtualHost> of %s, the generated refusing one (Apache cannot refuse a handshake)", chain);
    return bind_arena_printf(a, "%s%s: Apache presents %s, of %s", sni, unmatched, cert_text(a, src, t, sni), who);
}

const char *bind_route_tls_text(bind_arena *a, const bind_sources *src, const bind_route_request *rq, const bind_route_result *r,
                                const bind_nginx_plan *nginx, const bind_apache_plan *apache)
{
    if (r->tls.pick == BIND_TLS_NONE && !r->tls.refused) return NULL;
    if (apache) return apache_tls(a, src, rq, r, apache);
    if (nginx) return nginx_tls(a, src, rq, r, nginx);
    return iis_tls(a, src, rq, r);
}
