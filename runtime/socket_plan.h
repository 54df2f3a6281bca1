/* What the nginx and the Apache plans share (private to runtime/): the
 * grouping of a fleet's bindings by the address:port socket a server
 * listens on, with the IIS rules for who answers each name there.
 *
 * Both servers pick the address first and the host name second; IIS the
 * other way round.  So both plans work per socket: for each port, one
 * socket for every exact address a binding names, plus the any tier; on
 * each, every host name (or wildcard pattern) goes to the best binding that
 * has it — the exact address before the any tier, then declaration order —
 * and so does the host-less catch-all, the socket's default.  A site's
 * `*:80:shop.example` is thus repeated on `127.0.0.2:80` when a binding
 * names that address.  Where IIS has no catch-all a generated block
 * refuses.  The names of one identity (site, certificate, protocol
 * versions) and block on a socket make one block of the output, shared by
 * every socket where they are the same names.
 *
 * What is each plan's own stays in its file: which sites it takes, which
 * sockets a port has (nginx: `*:port` and `[::]:port`; Apache: one `*` for
 * both families), what refuses, how blocks are ordered, and what else
 * splits an identity's names into blocks (Apache: the rank that orders
 * them in the file). */
#ifndef BIND_SOCKET_PLAN_H
#define BIND_SOCKET_PLAN_H

#include "route_key.h"
#include "base/arena.h"
#include "base/table.h"

/* The sslFlags a block's TLS setup takes from its binding. */
#define BIND_PLAN_TLS_OFF (BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS)

/* What makes bindings' names one block: the site, and for TLS the
 * certificate and the protocol versions the server would set. */
typedef struct bind_plan_ident {
    const bind_site *site;          /* NULL: a generated refusing block */
    uint8_t kind, protocol;         /* kind: the plan's (a site's is 0) */
    bool ccs;
    const bind_cert *cert;
    const char *thumbprint;
    uint32_t tls_off;
    const bind_binding *tls;        /* first binding with this identity */
    uint32_t site_order;            /* for the output order */
    uint32_t index;
} bind_plan_ident;

/* One name on one socket, before grouping into blocks. */
typedef struct bind_plan_placed {
    uint32_t ident;
    uint32_t rank;                  /* order of the name within its site */
    uint16_t block;                 /* what else splits an identity's names (the plan's; 0 for nginx) */
    const char *name;
    const bind_binding *binding;
} bind_plan_placed;

/* A block being built: its identity, block and names (the grouping key). */
typedef struct bind_plan_draft {
    uint32_t ident;
    uint16_t block;
    bind_plan_placed *names;
    uint32_t nnames;
    uint32_t nsockets;
    uint32_t created;               /* the order it was made in */
    uint32_t *sockets;              /* after bind_plan_order: its sockets, in order */
} bind_plan_draft;

/* A socket listed in a block: socket `sock` in block `draft` (its `created`). */
typedef struct bind_plan_line { uint32_t draft, sock; } bind_plan_line;

typedef struct bind_plan_builder {
    bind_arena *a;                  /* the plan */
    bind_arena *tmp;                /* what only the building needs: identities, blocks being built */
    bool exact_names;               /* false: sockets and wildcards only (bind_nginx_plan_build_for) */
    bind_table idents;              /* ident -> ident (tmp) */
    BIND_VEC(bind_plan_ident *) ident_list;
    /* The bindings, by port then declaration order, and by their order
     * (bind_route_item.order): their identity, their name's rank. */
    BIND_VEC(bind_route_item) items;
    BIND_VEC(uint32_t) ident_of;
    BIND_VEC(uint32_t) rank_of;
    bind_table drafts;              /* draft key -> draft */
    BIND_VEC(bind_plan_draft *) draft_list;
    /* Every block's sockets in one list, in socket order: a fleet has
     * hundreds of thousands of blocks, too many for a vector each. */
    BIND_VEC(bind_plan_line) lines;
    uint32_t *where;                /* after bind_plan_order: by `created`, the block's place */
} bind_plan_builder;

/* Reads the valid http and https bindings of the sites `server` writes
 * (its own and server = any) into items, ident_of and rank_of.  The
 * identity of a site's binding has kind `site_kind`.  Without exact_names,
 * a binding with an exact host name gets neither (UINT32_MAX). */
void bind_plan_builder_init(bind_plan_builder *bd, bind_arena *a, const bind_model *m, enum bind_server server,
                            uint8_t site_kind, bool exact_names);
void bind_plan_builder_fini(bind_plan_builder *bd);

/* The index of the identity probe stands for, made on first sight. */
uint32_t bind_plan_intern_ident(bind_plan_builder *bd, const bind_plan_ident *probe);
/* An identity's TLS setup: the binding's certificate and protocol versions. */
void bind_plan_ident_tls(bind_plan_ident *d, const bind_binding *b);

/* ---- one port --------------------------------------------------------- */

typedef struct bind_plan_port {
    uint16_t port;
    bind_route_item *exact;         /* by address, IPv4 first, then declaration order */
    bind_route_item *any4, *any6;   /* the any-tier bindings of each family */
    bind_route_item *any;           /* every any-tier binding, when asked for */
    size_t nexact, n4, n6, nany;
    size_t bytes;
} bind_plan_port;

/* The port whose bindings start at items[from]; returns where the next
 * port's start.  bind_plan_port_free releases it. */
size_t bind_plan_port_open(const bind_plan_builder *bd, size_t from, bool want_any, bind_plan_port *pp);
void bind_plan_port_free(bind_plan_port *pp);
/* The end of the run of exact[i]'s address. */
static inline size_t bind_plan_port_addr_end(const bind_plan_port *pp, size_t i)
{
    size_t j = i;
    while (j < pp->nexact && bind_route_item_same_addr(&pp->exact[j], &pp->exact[i])) j++;
    return j;
}

/* ---- one socket --------------------------------------------------------- */

/* The binding that answers one name (or the catch-all, len 0) on a socket. */
typedef struct bind_plan_winner {
    bind_route_key key;             /* kind 0: exact name or "" (the catch-all); 1: `*.` wildcard suffix */
    const bind_binding *b;
    uint32_t order;
    bool excluded;                  /* left off the socket by the plan */
} bind_plan_winner;

/* Told of a binding that loses on a socket: to `by`, whose protocol the
 * socket speaks (protocol), or who took its name first. */
typedef void bind_plan_lost_fn(void *ctx, const bind_route_item *it, const bind_binding *by, bool protocol);

typedef struct bind_plan_socket {
    const bind_route_item *exact; size_t nexact;   /* bindings on this very address */
    const bind_route_item *any; size_t nany;       /* the any-tier bindings that reach it */
    /* An IPv6 socket's IPv4 any tier (0.0.0.0), or none: HTTP.sys serves a
     * client without SNI from its 0.0.0.0:port record when the address's
     * own and [::]:port have none. */
    const bind_route_item *ipcert_v4; size_t nipcert_v4;
    /* What bind_plan_socket_open finds: */
    const bind_binding *maker;      /* the first binding: the socket speaks its protocol */
    uint8_t protocol;
    const bind_binding *lost;       /* the first binding of the other protocol */
    const bind_binding *ipcert;     /* TLS: the binding whose certificate HTTP.sys's IP:port record presents */
    bind_plan_winner *wins;         /* in the order they won */
    size_t nwins, cap;
    bind_table names;               /* winner key -> winner */
    const bind_plan_winner *catch_all;   /* NULL: IIS refuses what no name matches */
} bind_plan_socket;

/* Finds who answers each name on the socket of s->exact and s->any (at
 * least one binding); `lost` (or NULL) hears of every binding that loses. */
void bind_plan_socket_open(const bind_plan_builder *bd, bind_plan_socket *s, bind_plan_lost_fn *lost, void *ctx);
void bind_plan_socket_close(bind_plan_socket *s);

/* The plan's block of a winner of identity `ident` (never the catch-all). */
typedef uint16_t bind_plan_block_fn(void *ctx, const bind_plan_winner *x, uint32_t ident);

/* The socket's names — every winner but the catch-all and the excluded —
 * by identity and block (block NULL: all 0), then their rank in the site.
 * bind_plan_names_free releases them. */
bind_plan_placed *bind_plan_socket_names(const bind_plan_builder *bd, const bind_plan_socket *s, bind_plan_block_fn *block,
                                         void *ctx, size_t *n);
void bind_plan_names_free(bind_plan_placed *pl, const bind_plan_socket *s);

/* Lists socket `sock` in the blocks of its names, and in the block of
 * def_ident (block 0, with no names unless some are its own), which it
 * returns: a draft's `created` until bind_plan_order.  *nblocks counts
 * the blocks it is listed in. */
uint32_t bind_plan_place(bind_plan_builder *bd, const bind_plan_placed *pl, size_t n, uint32_t def_ident, uint32_t sock,
                         uint32_t *nblocks);

/* ---- the plan ------------------------------------------------------------ */

/* Sorts the blocks by key(&draft, ident list) — stable: blocks of equal
 * keys keep the order they were made in — and gives each its sockets, in
 * socket order, in the plan's arena; fills `where`. */
void bind_plan_order(bind_plan_builder *bd, uint64_t (*key)(const void *draft, const void *idents));

/* "*:80" (wide_prefix "*:"), "80" (""), "[::1]:443", "10.0.0.5:8080": an
 * address:port, where an address of kind `wide` is written wide_prefix. */
const char *bind_plan_addr_text(bind_arena *a, const bind_addr *addr, uint16_t port, uint8_t wide, const char *wide_prefix);

#endif
