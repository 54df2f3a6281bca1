/* The nginx plan: the server blocks the nginx target writes, as data.
 *
 * nginx picks a server in two steps: first the listen socket whose address
 * matches the connection best (a specific address beats `*:port` whenever
 * some listen names it), then the server_name on that socket (exact,
 * longest leading wildcard, longest trailing wildcard), else the socket's
 * default_server.  IIS looks at host names before addresses.  So the plan
 * works per *socket*: one socket for every exact address a binding names on
 * a port, plus `*:port` and `[::]:port` for the any-tier addresses of each
 * family; on each socket it computes what the IIS rules answer for every
 * host (a site's `*:80:shop.example` is repeated on `127.0.0.2:80` when a
 * binding names that address), and which binding answers the rest — a
 * catch-all becomes default_server, and where IIS has none a generated
 * server refuses (`return 404`, or `ssl_reject_handshake on` for TLS).
 * Server blocks group one site's sockets that carry the same names.
 *
 * The plan is a pure function of the model; backend/nginx.c prints it and
 * route_nginx.c routes over it, so the checker can compare it with the IIS
 * rules (W0407) without parsing nginx syntax. */
#ifndef BIND_NGINX_PLAN_H
#define BIND_NGINX_PLAN_H

#include "model/model.h"

typedef struct bind_nginx_name {
    const char *name;               /* "shop.example" or "*.shop.example" */
    const bind_binding *binding;    /* the binding it stands for (on the first socket) */
} bind_nginx_name;

typedef struct bind_nginx_socket {
    bind_addr addr;                 /* V4 or V6; ANY4 is `listen PORT`, ANY6 `listen [::]:PORT` */
    uint16_t port;
    bool ssl;
    uint8_t protocol;               /* BIND_PROTO_HTTP or BIND_PROTO_HTTPS */
    uint32_t default_server;        /* index into servers */
    const bind_binding *default_binding;   /* the catch-all that answers, NULL when refused */
    const bind_binding *maker;      /* the binding whose protocol the socket takes */
    /* IIS would also route the other protocol here (an exact-address binding
     * of one protocol under an any-tier binding of the other): nginx cannot
     * serve both on one socket.  The first such binding, for W0407. */
    const bind_binding *lost;
    /* The binding each server_name stands for on this socket (a server
     * block's names list only the first socket's), to report routes. */
    bind_nginx_name *names;
    uint32_t nnames;
} bind_nginx_socket;

enum bind_nginx_refuse {
    BIND_NGINX_SITE,                /* a site's server */
    BIND_NGINX_REFUSE,              /* plain http: return 404 */
    BIND_NGINX_REFUSE_TLS,          /* TLS: ssl_reject_handshake on */
    BIND_NGINX_REFUSE_TLS_CERT,     /* TLS where HTTP.sys has an IP:port certificate for clients
                                       without SNI: that certificate, then return 404 */
};

typedef struct bind_nginx_server {
    const bind_site *site;          /* NULL for a generated refusing server */
    uint8_t kind;                   /* enum bind_nginx_refuse */
    bool ssl;
    const bind_binding *tls;        /* https: the binding whose certificate it serves */
    uint32_t tls_off;               /* BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS of tls */
    uint32_t *sockets;              /* listen lines, in order */
    uint32_t nsockets;
    bind_nginx_name *names;         /* server_name, in order */
    uint32_t nnames;
} bind_nginx_server;

typedef struct bind_nginx_plan {
    bind_nginx_socket *sockets;     /* by port, then IPv4 before IPv6, exact before `*` */
    uint32_t nsockets;
    bind_nginx_server *servers;     /* refusing servers first, then sites in declaration order */
    uint32_t nservers;
    size_t longest_name;            /* for server_names_hash_bucket_size */
    uint32_t most_names;            /* names on one socket, for server_names_hash_max_size */
} bind_nginx_plan;

/* Builds the plan for the sites the nginx target emits (server = nginx or
 * any), from valid http and https bindings.  Everything lives in `a`. */
bind_nginx_plan *bind_nginx_plan_build(bind_arena *a, const bind_model *m);
/* The same plan without exact server names when exact_names is false:
 * the same sockets, protocols, default servers and wildcards, each socket's
 * `lost` included, so nginx's routing over it (route_nginx.c, exact names
 * off) answers every request as over the whole plan.  What the routing
 * checks need unless a socket lost a protocol, at a fraction of the cost
 * for a fleet whose names are nearly all exact.  Not for printing. */
bind_nginx_plan *bind_nginx_plan_build_for(bind_arena *a, const bind_model *m, bool exact_names);

/* "*:80", "[::]:443", "127.0.0.2:8080" — the socket as nginx logs it. */
const char *bind_nginx_socket_text(bind_arena *a, const bind_nginx_socket *s);

#endif
