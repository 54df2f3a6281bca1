/* Routing: which site and binding answer a request.
 *
 * A request is (protocol, local IP, port, Host header; Apache's router also
 * takes the TLS server name).  Three routers answer it over the checked model:
 *   - the IIS/HTTP.sys rules of grammar/README.md §7 (route_iis.c), which define
 *     what a .bind file means;
 *   - nginx's own selection algorithm applied to the plan the nginx target
 *     writes (route_nginx.c over nginx_plan.h), so the checker and the tests
 *     can see where the emitted nginx config would answer differently;
 *   - Apache httpd's, over the plan the apache target writes (route_apache.c
 *     over apache_plan.h).
 * All are indexes built once and queried many times: the checker asks
 * hundreds of thousands of questions for a fleet.  The runtime reads the
 * model only, never the parser. */
#ifndef BIND_ROUTE_H
#define BIND_ROUTE_H

#include "model/model.h"

typedef struct bind_route_request {
    uint8_t protocol;        /* BIND_PROTO_HTTP or BIND_PROTO_HTTPS */
    bind_addr local;         /* the server's address the connection arrived on: V4 or V6 */
    uint16_t port;
    const char *host;        /* the Host header as sent ("Shop.Example:8080"), NULL when absent */
} bind_route_request;

/* The rule that decided, best first within each router. */
enum bind_route_rule {
    BIND_ROUTE_NONE,
    /* IIS/HTTP.sys */
    BIND_ROUTE_HOST_ADDR,        /* exact host + exact address */
    BIND_ROUTE_HOST_ANY,         /* exact host + any-tier address */
    BIND_ROUTE_WILDCARD_ADDR,    /* wildcard host (longest suffix first) + exact address */
    BIND_ROUTE_WILDCARD_ANY,     /* wildcard host + any-tier address */
    BIND_ROUTE_NOHOST_ADDR,      /* no host + exact address (IP-only binding) */
    BIND_ROUTE_NOHOST_ANY,       /* no host + any-tier address (catch-all) */
    /* nginx */
    BIND_ROUTE_NGINX_EXACT,      /* exact server_name */
    BIND_ROUTE_NGINX_HEAD,       /* longest wildcard starting with `*` */
    BIND_ROUTE_NGINX_TAIL,       /* longest wildcard ending with `*` */
    BIND_ROUTE_NGINX_DEFAULT,    /* the socket's default_server */
    /* Apache */
    BIND_ROUTE_APACHE_NAME,      /* the first <VirtualHost> whose ServerName or ServerAlias is the host */
    BIND_ROUTE_APACHE_WILDCARD,  /* ... whose ServerAlias glob matches it, when that one comes first */
    BIND_ROUTE_APACHE_FIRST,     /* no name matches: the first <VirtualHost> of the address:port */
    BIND_ROUTE_APACHE_ONLY,      /* the only <VirtualHost> of the address:port, names unread */
};

/* Why nothing answers. */
enum bind_route_refusal {
    BIND_REFUSE_NONE,
    BIND_REFUSE_NOT_LISTENING,   /* nobody listens on local:port (iplisten; no nginx listen, no Apache Listen) */
    BIND_REFUSE_NO_BINDING,      /* no binding of this protocol and port contains the address
                                    (Apache: no <VirtualHost> there, the main server answers) */
    BIND_REFUSE_UNKNOWN_HOST,    /* bindings exist there, none matches the host, no catch-all */
    BIND_REFUSE_TLS_MISMATCH,    /* nginx, Apache: the socket is TLS and the request is not, or the reverse */
    BIND_REFUSE_DEFAULT,         /* nginx, Apache: the generated default server (or block) refuses */
    BIND_REFUSE_MISDIRECTED,     /* Apache: the Host picks a block whose TLS setup differs from the
                                    handshake's (mod_ssl answers 421) */
    BIND_REFUSE_SNI_NO_HOST,     /* Apache: SNI but no Host header (400) */
};

typedef struct bind_route_result {
    const bind_binding *binding;     /* what answers; NULL when nothing does */
    enum bind_route_rule rule;
    /* IIS: the best binding that also matched and lost, to say why. */
    const bind_binding *beaten;
    enum bind_route_rule beaten_rule;
    enum bind_route_refusal refusal;
    /* nginx: the socket and server block that answered (-1 for IIS), and
     * the server_name that matched (NULL for the default server).  Apache:
     * the chain (address:port) and <VirtualHost> that answered, the name
     * that matched, and (Apache only) the <VirtualHost> the TLS handshake
     * took, -1 for plain http. */
    int32_t socket, server;
    const char *name;
    int32_t handshake;
} bind_route_result;

/* The Host header as both routers compare it: the port dropped, ASCII
 * lower-cased, one trailing dot removed (nginx removes it; so does bindc).
 * Writes at most cap-1 bytes and a NUL; returns the length, 0 for no host,
 * or (size_t)-1 when it does not fit (no binding can name such a host). */
size_t bind_route_host_normalize(const char *host, char *out, size_t cap);

/* ---- IIS/HTTP.sys ------------------------------------------------------ */

typedef struct bind_route_iis bind_route_iis;

/* Indexes the sites a server would run: BIND_SERVER_IIS takes sites with
 * server = iis or any and honours `iplisten` (HTTP.sys listens only there);
 * BIND_SERVER_NGINX and BIND_SERVER_APACHE take that server's sites and
 * `any` ones with the same rules and no iplisten (what those targets must
 * reproduce); BIND_SERVER_ANY takes every site.  Only valid http and https
 * bindings take part. */
bind_route_iis *bind_route_iis_new(const bind_model *m, enum bind_server server);
/* Without exact host names (catch-alls and wildcards only), like
 * bind_route_nginx_new_for: for the checker's W0407 probes. */
bind_route_iis *bind_route_iis_new_for(const bind_model *m, enum bind_server server, bool exact_names);
void bind_route_iis_free(bind_route_iis *ix);
void bind_route_iis_resolve(const bind_route_iis *ix, const bind_route_request *rq, bind_route_result *out);
/* The rule under which HTTP.sys picks a valid http/https binding: its
 * host (exact, wildcard, none) and its address tier. */
enum bind_route_rule bind_route_iis_rule(const bind_binding *b);
/* Whether `o` answers, before `b`, some request that `b` matches: the same
 * protocol and port, overlapping addresses, a host both match, and o ranked
 * first there by the resolver's order (rule, then the longer name). */
bool bind_route_iis_takes_first(const bind_binding *o, const bind_binding *b);

/* ---- nginx ------------------------------------------------------------- */

struct bind_nginx_plan;
typedef struct bind_route_nginx bind_route_nginx;

bind_route_nginx *bind_route_nginx_new(const struct bind_nginx_plan *plan);
/* Without exact server_names (exact_names false) the index is a fraction of
 * the size, for a caller that never asks for a host bound by exact name:
 * the checker's W0407 probes, when exact names route alike by construction. */
bind_route_nginx *bind_route_nginx_new_for(const struct bind_nginx_plan *plan, bool exact_names);
void bind_route_nginx_free(bind_route_nginx *r);
void bind_route_nginx_resolve(const bind_route_nginx *r, const bind_route_request *rq, bind_route_result *out);

/* ---- Apache ------------------------------------------------------------ */

struct bind_apache_plan;
typedef struct bind_route_apache bind_route_apache;

bind_route_apache *bind_route_apache_new(const struct bind_apache_plan *plan);
void bind_route_apache_free(bind_route_apache *r);
/* sni is the TLS server name the client sends: NULL for what a browser
 * sends — the Host's name, none for an IP address or without a Host — and
 * "" for none at all.  (The IIS rules need no SNI: HTTP.sys picks the
 * certificate by it, then routes by the Host alone; the routers compare
 * requests whose SNI names the Host.) */
void bind_route_apache_resolve(const bind_route_apache *r, const bind_route_request *rq, const char *sni,
                               bind_route_result *out);

/* ---- explaining -------------------------------------------------------- */

/* One line that says why: "host name match beats IP-only binding
 * 10.0.0.1:80:", "no binding names host `x` on 10.0.0.1:80 and none is a
 * catch-all".  plan is the plan an nginx result was routed over, NULL for
 * an IIS result. */
const char *bind_route_reason(bind_arena *a, const bind_route_request *rq, const bind_route_result *r,
                              const struct bind_nginx_plan *plan);
/* The same for a result of Apache's router over plan. */
const char *bind_route_apache_reason(bind_arena *a, const bind_route_request *rq, const bind_route_result *r,
                                     const struct bind_apache_plan *plan);

/* An address of the family of `like` (V4/ANY4 or V6/ANY6) that no binding of
 * the model names, for requests that stand for "any other address": the
 * first free one of 192.0.2.1... or 2001:db8::1... (documentation ranges). */
bind_addr bind_route_unnamed_addr(const bind_model *m, int family);
/* Both at once (one pass over the fleet): out[0] IPv4, out[1] IPv6. */
void bind_route_unnamed_addrs(const bind_model *m, bind_addr out[2]);

#endif
