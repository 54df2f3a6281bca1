/* The whole box: which server owns a request's socket, then that server's
 * answer — with the TLS handshake first for https.
 *
 * One machine may run HTTP.sys (IIS, IIS Express: the sites with server =
 * iis or any), nginx (when a site says server = nginx) and Apache (server
 * = apache), each with what its target writes.  A connection reaches the
 * server that listens on its address:port:
 *   - HTTP.sys on every port a binding of its sites names, on the
 *     addresses of its IP listen list (`iplisten`, or the machine's with
 *     --state), else on every address;
 *   - nginx and Apache on the sockets their configuration opens: nginx's
 *     `listen` lines (nginx_plan.h), Apache's `Listen` lines
 *     (apache_plan.h), which take the `any` sites too.
 * Where two would listen on one socket (E0208, or an `any` site that both
 * the IIS and the nginx or Apache output carry), HTTP.sys holds it — IIS
 * registers its sites when Windows starts — and a server that cannot bind
 * one of its sockets does not start at all (nginx and Apache both stop on
 * a failed bind); between nginx and Apache, the one whose site comes first
 * in the files is taken to have started first.
 *
 * Asked for one server alone (--server), the box is that server's rules
 * over its sites, as before, and says nothing of the others. */
#ifndef BIND_ROUTE_BOX_H
#define BIND_ROUTE_BOX_H

#include "route.h"
#include "model/machine_state.h"

struct bind_nginx_plan;

typedef struct bind_route_box bind_route_box;

/* only: BIND_SERVER_ANY for the whole box, else that server's rules
 * alone.  nginx: the nginx plan when the caller keeps one (NULL: built
 * when the box needs it).  st: the machine's HTTP.sys (--state), or NULL.
 * m, nginx and st must outlive the box. */
bind_route_box *bind_route_box_new(const bind_model *m, enum bind_server only, const struct bind_nginx_plan *nginx,
                                   const bind_machine_state *st);
void bind_route_box_free(bind_route_box *b);

typedef struct bind_route_box_answer {
    uint8_t server;                 /* who answers: IIS (HTTP.sys), NGINX, APACHE; ANY when nothing listens */
    bind_route_result r;            /* r.binding NULL: no site */
    /* `reason:` with a binding, else what `no site:` says: on a box of
     * several servers, the owner of the socket first ("socket
     * 127.0.0.1:80 belongs to nginx (...); nginx: ..."). */
    const char *reason;
    const char *tls;                /* the handshake (bind_route_tls_text), NULL without one */
    /* HTTP.sys with --state: which of its rules decided, and notes (route_state.h). */
    bool machine;
    const char *rule;
    bind_span rule_at;
    const char **notes;
    uint32_t nnotes;
} bind_route_box_answer;

/* hello: what an https client's TLS hello names; path: the URL's path
 * (--state); src: for the places in the tls line (NULL: none).
 * Everything said lives in a. */
void bind_route_box_resolve(const bind_route_box *b, const bind_route_request *rq, const bind_route_hello *hello,
                            const char *path, const bind_sources *src, bind_arena *a, bind_route_box_answer *out);

#endif
