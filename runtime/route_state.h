/* HTTP.sys on a machine whose state is known (--state,
 * model/machine_state.h): what each binding registers, whether the machine
 * lets it, and which site answers a request there.
 *
 * A server registers one URL prefix per http or https binding (the path is
 * the site's root, `/`): http://HOST:PORT/ for a host name, the address for
 * an exact one, and otherwise the weak wildcard `*`: what IIS calls "All
 * Unassigned", for IIS Express and full IIS alike — the URLs the netsh
 * target reserves (backend/http_sys_plan.h).  A wildcard host (`*.shop.example`)
 * registers the wildcard of its port: HTTP.sys has no suffix prefixes.
 * It registers as the binding's grantee: its `acl=`, else `defaults.acl`,
 * else Everyone.
 *
 * A registration fails — and the server does not start the site: IIS
 * Express stops, IIS deactivates it — when a reservation of the same URL
 * in the same category does not let the grantee in (bind_state_grants),
 * or when the port is in a range the machine keeps from programs (a block,
 * not a single port: those HTTP.sys keeps for the services it serves).
 *
 * The machine router answers as HTTP.sys would with the .bind's sites
 * running beside the records the capture shows (not those netsh.cmd would
 * add): the IP listen list of the capture (else the .bind's), then the URL
 * namespace of the reservations and the running sites' registrations
 * (runtime/url_namespace.h: `+`, host names, addresses, `*`; the longest
 * path within one).  A reservation nobody registered answers 503 itself; a
 * registration of the .bind hands the request to its server, which picks
 * the binding by grammar/README.md §7 among its running sites. */
#ifndef BIND_ROUTE_STATE_H
#define BIND_ROUTE_STATE_H

#include "model/machine_state.h"
#include "route.h"
#include "url_namespace.h"

/* IIS's own application id: the appid of every SSL binding IIS makes. */
#define BIND_HTTP_SYS_IIS_APPID "{4dc3e181-e14b-4a21-b022-59fc669b0914}"

/* The platform runs as an ordinary user and registers `*` (IIS Express). */
bool bind_http_sys_user_mode(const bind_platform *pf);
/* Whether a valid http or https binding of a site HTTP.sys serves needs a
 * URL reservation made for it: `acl=` asks for one; on a user-mode
 * platform, a port outside free_ports or a host outside local_hosts (the
 * netsh target's rule, backend/http_sys_plan.h). */
bool bind_http_sys_needs_urlacl(const bind_model *m, const bind_binding *b);
/* The prefix the server registers for a valid http or https binding (its
 * path is "/", a static string). */
void bind_http_sys_prefix(const bind_binding *b, bind_url_prefix *out);
/* Who registers it: `acl=`, `defaults.acl`, or NULL for Everyone. */
const char *bind_http_sys_grantee(const bind_model *m, const bind_binding *b);
/* "http://localhost:80/", and the category in words ("a host name"). */
const char *bind_http_sys_category_name(enum bind_url_category c);

/* The namespace of the state's reservations (each entry's reservation is
 * its bind_state_urlacl; prefixes that do not parse are left out). */
bind_url_namespace *bind_state_namespace(bind_arena *a, const bind_machine_state *st);

/* Why a binding's registration fails on this machine. */
typedef struct bind_state_refusal {
    const bind_state_urlacl *denied;         /* its URL's reservation, which does not let its grantee in */
    const bind_state_excluded *excluded;     /* the range that keeps its port */
} bind_state_refusal;
/* False when it registers.  ns: bind_state_namespace's. */
bool bind_state_refuses(const bind_model *m, const bind_machine_state *st, const bind_url_namespace *ns,
                        const bind_binding *b, bind_arena *a, bind_state_refusal *why);
/* Whether site s starts on this machine: a server does not start a site
 * one of whose http or https bindings cannot register (IIS Express stops,
 * IIS deactivates it).  When not: that binding and why.  A site HTTP.sys
 * does not serve, or no state, starts. */
bool bind_state_site_starts(const bind_model *m, const bind_machine_state *st, const bind_url_namespace *ns,
                            const bind_site *s, bind_arena *a, const bind_binding **failing, bind_state_refusal *why);
/* The machine's IP listen list when the capture showed it, else the
 * .bind's: where HTTP.sys listens (none: everywhere). */
const bind_iplisten *bind_state_listen_list(const bind_model *m, const bind_machine_state *st, bind_arena *a, uint32_t *n);

/* ---- the machine router ------------------------------------------------ */

typedef struct bind_route_machine bind_route_machine;

bind_route_machine *bind_route_machine_new(const bind_model *m, const bind_machine_state *st);
void bind_route_machine_free(bind_route_machine *rm);

typedef struct bind_route_machine_answer {
    bind_route_result r;            /* the binding that answers; NULL when none does */
    const char *reason;             /* `reason:` with a binding, else what `no site:` says */
    int status;                     /* what HTTP.sys answers itself: 503, 400; 0 when a site answers */
    const char *rule;               /* the rule of HTTP.sys that decided */
    bind_span rule_at;              /* the capture's record it names (file 0, end 0: none) */
    const char **notes;             /* sites that do not start here and why, and the like */
    uint32_t nnotes;
} bind_route_machine_answer;

/* rq as for the IIS router; path is the URL's path ("/" when none). */
void bind_route_machine_resolve(const bind_route_machine *rm, const bind_route_request *rq, const char *path, bind_arena *a,
                                bind_route_machine_answer *out);

#endif
