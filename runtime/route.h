/* Routing: which site and binding answer a request.
 *
 * A request is (protocol, local IP, port, Host header), and for https the
 * client's TLS hello (the server name it sends, or none), which picks the
 * certificate before the Host is read: HTTP.sys's SSL bindings
 * (route_ssl.c), nginx's and Apache's server blocks.  Three routers answer
 * it over the checked model:
 *   - the IIS/HTTP.sys rules of grammar/README.md §7 (route_iis.c), which define
 *     what a .bind file means;
 *   - nginx's own selection algorithm applied to the plan the nginx target
 *     writes (route_nginx.c over nginx_plan.h), so the checker and the tests
 *     can see where the emitted nginx config would answer differently;
 *   - Apache httpd's, over the plan the apache target writes (route_apache.c
 *     over apache_plan.h).
 * All are indexes built once and queried many times: the checker asks
 * hundreds of thousands of questions for a fleet.  Which of them answers
 * on a machine that runs several servers is route_box.h's.  The runtime
 * reads the model only, never the parser. */
#ifndef BIND_ROUTE_H
#define BIND_ROUTE_H

#include "model/model.h"

typedef struct bind_route_request {
    uint8_t protocol;        /* BIND_PROTO_HTTP or BIND_PROTO_HTTPS */
    bind_addr local;         /* the server's address the connection arrived on: V4 or V6 */
    uint16_t port;
    const char *host;        /* the Host header as sent ("Shop.Example:8080"), NULL when absent */
} bind_route_request;

/* What an https client's TLS hello names.  Routers asked without one
 * route by the Host alone, as the checks compare them. */
enum bind_route_sni {
    BIND_SNI_BROWSER,        /* what a browser sends: the Host's name; none for an address or without a Host */
    BIND_SNI_NONE,           /* no server name at all */
    BIND_SNI_NAME,           /* the name in `sni` */
};
typedef struct bind_route_hello {
    uint8_t mode;            /* enum bind_route_sni */
    const char *sni;         /* BIND_SNI_NAME: the server name the client sends ("" is none) */
} bind_route_hello;

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
    BIND_REFUSE_HANDSHAKE,       /* the TLS handshake fails before the Host is read (tls.refused says why) */
};

/* How the TLS handshake found the certificate it presents. */
enum bind_route_tls_pick {
    BIND_TLS_NONE,               /* plain http, or the handshake not asked (no hello) */
    /* HTTP.sys's SSL bindings, in the order it looks them up */
    BIND_TLS_HOSTNAMEPORT,       /* hostnameport=SNI:PORT */
    BIND_TLS_HOSTNAMEPORT_WILD,  /* hostnameport=*.SUFFIX:PORT, the longest suffix of the SNI */
    BIND_TLS_CCS,                /* ccs=PORT: the central certificate store, by the SNI */
    BIND_TLS_IPPORT,             /* ipport=LOCAL:PORT */
    BIND_TLS_IPPORT_ANY,         /* ipport=[::]:PORT (IPv6), else ipport=0.0.0.0:PORT (every address) */
    BIND_TLS_INSTALLER,          /* ipport=0.0.0.0:PORT the platform's installer made for its ssl_ports */
    /* nginx and Apache: the server block the handshake takes */
    BIND_TLS_NAMED,              /* the one whose server_name (ServerName, ServerAlias) the SNI matches */
    BIND_TLS_DEFAULT,            /* no SNI, or none matches: the default_server (the first <VirtualHost>) */
};

enum bind_route_tls_refusal {
    BIND_TLS_OK,
    BIND_TLS_NO_SNI,             /* HTTP.sys: no SNI, and the port's records here are SNI ones only: it resets the connection */
    BIND_TLS_NO_RECORD,          /* HTTP.sys: no SSL binding serves this SNI here, nor the address: it resets the connection */
    BIND_TLS_REJECT,             /* nginx: the server taken has ssl_reject_handshake on */
};

/* The TLS handshake of an https request, when asked (a hello given). */
typedef struct bind_route_tls {
    bind_route_hello hello;          /* what the client sent */
    uint8_t pick;                    /* enum bind_route_tls_pick */
    uint8_t refused;                 /* enum bind_route_tls_refusal */
    /* HTTP.sys: the binding that made the SSL binding; nginx, Apache: the
     * binding whose certificate the server block presents.  NULL when
     * refused, or for the installer's record. */
    const bind_binding *binding;
    const bind_cert *cert;           /* the certificate presented; NULL for a thumbprint literal or ccs */
    const char *name;                /* nginx, Apache BIND_TLS_NAMED: the name the SNI matched */
    /* HTTP.sys with --state: the machine's own SSL binding under the key
     * picked, when its certificate is not the .bind's (netsh.cmd stops
     * there, W0505): HTTP.sys presents that one.  cert is then the .bind's
     * certificate with its thumbprint, or NULL. */
    const struct bind_state_sslcert *machine;
} bind_route_tls;

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
    int32_t handshake;               /* nginx too: the server block the TLS handshake took */
    bind_route_tls tls;
    /* BIND_REFUSE_HANDSHAKE: what the Host alone would have reached, or NULL. */
    const bind_binding *unreached;
} bind_route_result;

/* The Host header as both routers compare it: the port dropped, ASCII
 * lower-cased, one trailing dot removed (nginx removes it; so does bindc).
 * Writes at most cap-1 bytes and a NUL; returns the length, 0 for no host,
 * or (size_t)-1 when it does not fit (no binding can name such a host). */
size_t bind_route_host_normalize(const char *host, char *out, size_t cap);
/* Whether a normalised host is an IP address (`[::1]`, `10.0.0.1`), which
 * clients never send as SNI (RFC 6066). */
bool bind_route_ip_literal(const char *h, size_t n);
/* The server name a TLS hello carries for rq, normalised as the Host: its
 * length, 0 for none (BIND_SNI_NONE, an empty name, a Host that is an
 * address or absent), or (size_t)-1 when it does not fit. */
size_t bind_route_sni_of(const bind_route_request *rq, const bind_route_hello *hello, char *out, size_t cap);

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

/* ---- HTTP.sys's TLS handshake ------------------------------------------ */

typedef struct bind_route_ssl bind_route_ssl;

/* The SSL bindings HTTP.sys holds for the sites `server` takes (as
 * bind_route_iis_new does), as the netsh target sets them. */
bind_route_ssl *bind_route_ssl_new(const bind_model *m, enum bind_server server);
void bind_route_ssl_free(bind_route_ssl *s);
/* Which record serves the handshake of rq with hello, or why HTTP.sys
 * resets the connection; pick NONE for plain http. */
void bind_route_ssl_handshake(const bind_route_ssl *s, const bind_route_request *rq, const bind_route_hello *hello,
                              bind_route_tls *out);
/* HTTP.sys's answer with the handshake first: r as an IIS resolve (or the
 * machine router) made it, with r->tls set, and BIND_REFUSE_HANDSHAKE
 * (what answered moved to r->unreached) when the handshake fails. */
void bind_route_ssl_apply(const bind_route_ssl *s, const bind_route_request *rq, const bind_route_hello *hello,
                          bind_route_result *r);

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
/* The same with the TLS handshake first (https): the server the SNI picks
 * presents its certificate, or rejects the handshake. */
void bind_route_nginx_resolve_tls(const bind_route_nginx *r, const bind_route_request *rq, const bind_route_hello *hello,
                                  bind_route_result *out);

/* ---- Apache ------------------------------------------------------------ */

struct bind_apache_plan;
typedef struct bind_route_apache bind_route_apache;

bind_route_apache *bind_route_apache_new(const struct bind_apache_plan *plan);
void bind_route_apache_free(bind_route_apache *r);
/* sni is the TLS server name the client sends: NULL for what a browser
 * sends — the Host's name, none for an IP address or without a Host — and
 * "" for none at all.  Apache's handshake always takes part: mod_ssl may
 * answer 421 after it. */
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

/* The handshake of an https request, in one line: the SNI the client
 * sent, then the certificate presented and where the .bind declares it
 * (src: the compilation's sources, for the places; NULL for none), and
 * what picked it — HTTP.sys's SSL binding, nginx's server block, Apache's
 * <VirtualHost> — or why the handshake is refused.  nginx, apache: the
 * plan r was routed over, both NULL for HTTP.sys.  NULL when r has no
 * handshake (plain http, BIND_SNI_IGNORE, nothing listening). */
const char *bind_route_tls_text(bind_arena *a, const bind_sources *src, const bind_route_request *rq, const bind_route_result *r,
                                const struct bind_nginx_plan *nginx, const struct bind_apache_plan *apache);

/* An address of the family of `like` (V4/ANY4 or V6/ANY6) that no binding of
 * the model names, for requests that stand for "any other address": the
 * first free one of 192.0.2.1... or 2001:db8::1... (documentation ranges). */
bind_addr bind_route_unnamed_addr(const bind_model *m, int family);
/* Both at once (one pass over the fleet): out[0] IPv4, out[1] IPv6. */
void bind_route_unnamed_addrs(const bind_model *m, bind_addr out[2]);

#endif
