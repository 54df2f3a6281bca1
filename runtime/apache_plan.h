/* The Apache plan: the Listen lines and <VirtualHost> blocks the apache
 * target writes, as data.
 *
 * Apache httpd 2.4 picks a virtual host in two steps (server/vhost.c): the
 * address first — the <VirtualHost> blocks that name the connection's own
 * address:port, else those of `*:port` — then, among those, the first in
 * file order whose ServerName or ServerAlias matches the Host (aliases may
 * be globs: `*.shop.example`), else the first listed for that address.
 * IIS looks at host names before addresses, and ranks exact names before
 * wildcards and the longer wildcard first.  So the plan works per *chain*
 * (vhost.c's name for one address:port and its blocks): one chain for
 * every exact address a binding names on a port, and one `*:port` for the
 * any tier; on each it computes what the IIS rules answer for every host
 * (a site's `*:80:shop.example` is repeated on `10.0.0.5:80` when a binding
 * names that address), and orders the blocks so that Apache's first match
 * is IIS's best: the catch-all — or, where IIS has none, a generated block
 * that refuses — first, as the address's default; then exact names; then
 * wildcards on an exact address, longest suffix first; then the any tier's
 * wildcards, longest first.  A block that holds several sites' names, or
 * names of two ranks, cannot exist, so a site has one block per rank and
 * certificate, listing every address where it carries the same names.
 *
 * What Apache cannot be told: `*:port` serves both families (0.0.0.0 and
 * [::] are the same address to vhost.c, and `Listen [::]:port` takes IPv4
 * too on Linux), so a port with `[::]` bindings, or `0.0.0.0` ones beside
 * an IPv6 any-tier binding, mixes the families (`merged`: W0407 from the
 * target); and one address:port speaks one protocol (`lost`: W0407 from
 * the routing check).  TLS: the handshake picks a block by SNI the same
 * way, and a request whose Host then picks another block with different
 * TLS settings is answered 421 (mod_ssl); a refusing block must present a
 * certificate too, as Apache cannot refuse the handshake.
 *
 * The plan is a pure function of the model; backend/apache.c prints it and
 * route_apache.c routes over it. */
#ifndef BIND_APACHE_PLAN_H
#define BIND_APACHE_PLAN_H

#include "model/model.h"

typedef struct bind_apache_name {
    const char *name;               /* "shop.example" or "*.shop.example" */
    const bind_binding *binding;    /* the binding it stands for (on the block's first chain) */
} bind_apache_name;

/* `Listen`: ANY is `Listen PORT` (every address of both families: Apache
 * binds [::] without IPV6_V6ONLY), ANY4 `Listen 0.0.0.0:PORT`, V4/V6 one
 * address.  No two overlap: Apache would pass -t and fail to start. */
typedef struct bind_apache_listen {
    bind_addr addr;
    uint16_t port;
    uint8_t protocol;               /* BIND_PROTO_HTTP/HTTPS when every chain it serves agrees, else UINT8_MAX */
} bind_apache_listen;

typedef struct bind_apache_chain {
    bind_addr addr;                 /* V4 or V6; ANY for `*:PORT` */
    uint16_t port;
    bool ssl;
    uint8_t protocol;               /* BIND_PROTO_HTTP or BIND_PROTO_HTTPS */
    uint32_t first;                 /* the block listed first for it: Apache's default there */
    const bind_binding *default_binding;   /* the catch-all that answers, NULL when refused */
    const bind_binding *maker;      /* the binding whose protocol the chain takes */
    /* IIS would also route the other protocol here (an exact-address binding
     * of one protocol under an any-tier binding of the other): Apache speaks
     * one per address:port.  The first such binding, for W0407. */
    const bind_binding *lost;
    /* The binding each name stands for on this chain (a block's names list
     * only its first chain's), to report routes. */
    bind_apache_name *names;
    uint32_t nnames;
    uint32_t nvhosts;               /* blocks listed for it */
} bind_apache_chain;

enum bind_apache_kind {
    BIND_APACHE_SITE,               /* a site's block */
    BIND_APACHE_REFUSE,             /* generated: Redirect 404 / */
};

/* Where a block comes in the file, first to last. */
enum bind_apache_rank {
    BIND_APACHE_DEFAULT,            /* the first of its chains: a catch-all (with its site's exact names there) or a refuser */
    BIND_APACHE_NAMES,              /* exact names */
    BIND_APACHE_WILD_ADDR,          /* wildcards of exact-address bindings, longest suffix first */
    BIND_APACHE_WILD_ANY,           /* wildcards of any-tier bindings, longest suffix first */
};

typedef struct bind_apache_vhost {
    const bind_site *site;          /* NULL for a generated refusing block */
    uint8_t kind;                   /* enum bind_apache_kind */
    uint8_t rank;                   /* enum bind_apache_rank */
    bool ssl;
    const bind_binding *tls;        /* https: the binding whose certificate it presents */
    uint32_t tls_off;               /* BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS of tls */
    uint32_t *chains;               /* the <VirtualHost> addresses, in order */
    uint32_t nchains;
    /* ServerName: names[0] when it is exact; else a name only the block's
     * own first wildcard matches (`_.shop.example`), or `_default_` for a
     * block without names — a ServerName may not be a glob, and one left
     * out would be the main server's, which a Host could name. */
    const char *server_name;
    bind_apache_name *names;        /* ServerName and ServerAlias, in order */
    uint32_t nnames;
} bind_apache_vhost;

/* An any-tier binding that `*:port` serves to the other family too. */
typedef struct bind_apache_merge {
    const bind_binding *binding;
    /* The binding that answers its host on `*:port` instead, when Apache
     * keeps another's (first declared); NULL when it keeps this one.  With
     * lost_protocol, the binding whose protocol `*:port` speaks, which is
     * not this one's: this one is not written at all. */
    const bind_binding *shadowed_by;
    bool lost_protocol;
} bind_apache_merge;

typedef struct bind_apache_plan {
    bind_apache_listen *listens;    /* by port, then IPv4, IPv6 */
    uint32_t nlistens;
    bind_apache_chain *chains;      /* by port, then IPv4 exact, IPv6 exact, `*` */
    uint32_t nchains;
    bind_apache_vhost *vhosts;      /* in file order */
    uint32_t nvhosts;
    bind_apache_merge *merged;      /* in declaration order */
    uint32_t nmerged;
} bind_apache_plan;

/* A port's any tier, as the Listen lines see it: a bit (BIND_APACHE_TIER)
 * for each any-tier address kind (`*`, 0.0.0.0, [::]) among the bindings
 * the target writes on the port (server = apache or any). */
#define BIND_APACHE_TIER(kind) (1u << (kind))

/* The address of the Listen line that takes connections to addr — a
 * binding's address, or ANY for the port's `*:port` chain — on a port of
 * that any tier: ANY (`Listen PORT`, every address of both families) when
 * IPv6 is served on every address, by `*` or [::], as Apache binds [::]
 * without IPV6_V6ONLY; ANY4 (`Listen 0.0.0.0:PORT`) for the any tier and
 * each IPv4 address when the any tier is all 0.0.0.0; else addr itself.
 * The one rule for the Listen lines the plan writes (which the whole-box
 * router reads) and for E0208 (check/conflicts.c), which compares them
 * with HTTP.sys's sockets without building a plan. */
bind_addr bind_apache_listen_addr(const bind_addr *addr, unsigned any_tier);

/* Builds the plan for the sites the apache target writes (server = apache
 * or any), from valid http and https bindings.  Everything lives in `a`. */
bind_apache_plan *bind_apache_plan_build(bind_arena *a, const bind_model *m);

/* "*:80", "[::1]:443", "10.0.0.5:8080": the chain as a <VirtualHost> names it. */
const char *bind_apache_chain_text(bind_arena *a, const bind_apache_chain *c);
/* "80", "0.0.0.0:80", "[::1]:443": the address of a Listen line. */
const char *bind_apache_listen_text(bind_arena *a, const bind_apache_listen *l);
/* Whether mod_ssl takes two blocks' TLS setups as one: the same certificate
 * and key files and the same protocols.  A request whose Host picks a block
 * other than the one its handshake picked, with another setup, is 421. */
bool bind_apache_tls_compatible(const bind_apache_vhost *x, const bind_apache_vhost *y);

#endif
