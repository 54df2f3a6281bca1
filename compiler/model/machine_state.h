/* What a machine's HTTP.sys holds, as its own tools show it: URL
 * reservations (`netsh http show urlacl`), SSL certificate bindings
 * (`netsh http show sslcert`), the IP listen list (`netsh http show
 * iplisten`) and the ports Windows keeps from every program (`netsh int
 * ipv4|ipv6 show excludedportrange protocol=tcp`).
 *
 * `--state FILE` fills it from captures of those commands (import/state.h
 * reads them); the checks compare the .bind with it (check/state_checks.c),
 * `bindc route` answers as the machine would (runtime/route_state.h), and
 * the HTTP.sys scripts leave out what is certainly there already
 * (backend/http_sys_plan.h).  Every record keeps the span of the capture
 * line that showed it, so that a note can point there.
 *
 * Values are kept by value, never by netsh's words (which are localised):
 * URLs, SDDL, SIDs, thumbprints, GUIDs, addresses and ports.  A capture of
 * a part that was given but cut short, or read in a language whose labels
 * bindc does not know, says only what it showed: `complete` is false, and
 * nothing is concluded from what it does not list.
 *
 * Everything lives in the arena the state was made with (a compilation's):
 * there is nothing to free. */
#ifndef BIND_MACHINE_STATE_H
#define BIND_MACHINE_STATE_H

#include "addr.h"
#include "base/source.h"

/* A URL reservation. */
typedef struct bind_state_urlacl {
    const char *url;                /* as shown: "http://+:80/" */
    bool https;
    const char *host;               /* lower-case: "+", "*", a name, or an address as written */
    uint16_t port;
    const char *path;               /* as shown: "/", "/Temporary_Listen_Addresses/" */
    const char *sddl;               /* as shown; NULL when the capture lost it */
    const char **users;             /* the accounts netsh names, as shown ("NT SERVICE\Foo", "Everyone") */
    uint32_t nusers;
    bind_span at;                   /* the URL */
    bind_span sddl_at;
} bind_state_urlacl;

/* An SSL certificate binding. */
enum bind_state_ssl_key { BIND_STATE_SSL_IPPORT, BIND_STATE_SSL_HOSTPORT, BIND_STATE_SSL_CCS };
typedef struct bind_state_sslcert {
    uint8_t key;                    /* enum bind_state_ssl_key */
    bind_addr addr;                 /* IPPORT: 0.0.0.0 is ANY4, [::] ANY6 */
    const char *host;               /* HOSTPORT, lower-case */
    uint16_t port;
    const char *hash;               /* 40 upper-case hex digits; NULL for CCS or when not read */
    const char *appid;              /* "{...}" lower-case; NULL when not read */
    const char *store;              /* as shown; NULL when "(null)" (netsh's default, MY) or not read */
    uint8_t flags;                  /* the TLS switches it shows set (BIND_SSL_NO_*) */
    bool store_known, flags_known;  /* the capture's labels said them (a known language) */
    bind_span at;                   /* the key */
} bind_state_sslcert;

typedef struct bind_state_iplisten { bind_addr addr; bind_span at; } bind_state_iplisten;

/* A range of excluded TCP ports. */
typedef struct bind_state_excluded {
    uint16_t lo, hi;
    uint8_t family;                 /* 4, 6, or 0 when the capture does not say which */
    bool administered;              /* `*`: an administrator's (netsh add excludedportrange) */
    bind_span at;
} bind_state_excluded;

/* The parts a capture may show. */
enum bind_state_part {
    BIND_STATE_URLACL, BIND_STATE_SSLCERT, BIND_STATE_IPLISTEN, BIND_STATE_EXCLUDED4, BIND_STATE_EXCLUDED6,
    BIND_STATE_PARTS
};

typedef struct bind_machine_state {
    bind_arena *arena;
    bind_state_urlacl *urlacls;     uint32_t nurlacls;
    bind_state_sslcert *sslcerts;   uint32_t nsslcerts;
    bind_state_iplisten *iplisten;  uint32_t niplisten;
    bind_state_excluded *excluded;  uint32_t nexcluded;
    /* Which parts a capture showed (an absent part says nothing; a part
     * shown empty says there is none), and which were read whole.  An
     * excludedportrange capture that does not say its family counts for
     * both. */
    bool given[BIND_STATE_PARTS];
    bool complete[BIND_STATE_PARTS];
    bind_span shown_at[BIND_STATE_PARTS];   /* the first line of the part's capture */
    /* The SSL records by their key (kind, port, address or host name): a
     * fleet's machine has one a site, and each https binding looks up its
     * own.  Open addressing over record indexes + 1, made again in the
     * arena when records are added (once a capture). */
    uint32_t *ssl_slots;
    uint32_t ssl_mask;
} bind_machine_state;

bind_machine_state *bind_machine_state_new(bind_arena *a);

/* Appends copies of n records (strings copied into the state's arena). */
void bind_machine_state_add_urlacls(bind_machine_state *st, const bind_state_urlacl *r, size_t n);
void bind_machine_state_add_sslcerts(bind_machine_state *st, const bind_state_sslcert *r, size_t n);
void bind_machine_state_add_iplisten(bind_machine_state *st, const bind_state_iplisten *r, size_t n);
void bind_machine_state_add_excluded(bind_machine_state *st, const bind_state_excluded *r, size_t n);
/* Marks a part as shown by a capture (complete when read whole). */
void bind_machine_state_show(bind_machine_state *st, enum bind_state_part part, bool complete, bind_span at);

/* ---- grantees ---------------------------------------------------------- */

/* The SDDL alias Windows prints for a well-known SID ("NS" for S-1-5-20),
 * or NULL; and the SID of an alias, or NULL. */
const char *bind_sid_alias(const char *sid);
const char *bind_sid_of_alias(const char *alias, size_t n);
/* The well-known SIDs and their aliases, as a table. */
size_t bind_sid_aliases(const char *const (**map)[2]);
/* `S-1-...` (any case of the S). */
bool bind_is_sid(const char *s);
/* Everyone, S-1-1-0 or WD: how `acl` names Everyone. */
bool bind_acl_is_everyone(const char *acl);

/* One access-allowed entry of a reservation's SDDL: whom it names (a SID,
 * upper-case S, or the SID of an alias) and whether it lets that one
 * register (GX, GA or GENERIC_EXECUTE/GENERIC_ALL as hex). */
typedef struct bind_sddl_ace { const char *sid; bool allow, listen; } bind_sddl_ace;
/* The entries of `D:(...)(...)`, at most cap; returns how many there are
 * (more than cap: only cap filled), or -1 when it is no DACL bindc reads. */
int bind_sddl_aces(bind_arena *a, const char *sddl, bind_sddl_ace *out, int cap);

enum bind_grant { BIND_GRANT_NO, BIND_GRANT_YES, BIND_GRANT_UNKNOWN };
/* Whether the reservation lets `grantee` register under it: grantee is
 * what a .bind's `acl` says (an account name, a SID, Everyone; NULL is
 * Everyone).  Everyone is let in only by an entry for Everyone; a SID by
 * its own entry (or its alias's) or Everyone's; an account name — whose
 * SID is not known offline — by a `User:` line of that name, or an entry
 * for Everyone, Authenticated Users, Builtin Users or Interactive.  When
 * the capture lost the SDDL, or the names for an account name, UNKNOWN. */
enum bind_grant bind_state_grants(bind_arena *a, const bind_state_urlacl *u, const char *grantee);
/* Who the reservation is for, in words: its users as netsh names them,
 * else the SIDs of its SDDL ("NT SERVICE\ReportServer", "Everyone and
 * CONTOSO\webdeploy"). */
const char *bind_state_holders(bind_arena *a, const bind_state_urlacl *u);

/* ---- lookups ------------------------------------------------------------- */

/* The excluded range holding `port` for a socket of `family` (4, 6, or 0
 * for both), that programs cannot bind: not an administered one (an
 * administrator excludes a port from the dynamic range to keep it for a
 * server, which then binds it).  NULL when none. */
const bind_state_excluded *bind_state_excluded_port(const bind_machine_state *st, uint16_t port, int family);
/* The SSL record of a key, or NULL. */
const bind_state_sslcert *bind_state_find_ipport(const bind_machine_state *st, const bind_addr *addr, uint16_t port);
const bind_state_sslcert *bind_state_find_hostport(const bind_machine_state *st, const char *host, uint16_t port);
const bind_state_sslcert *bind_state_find_ccs(const bind_machine_state *st, uint16_t port);
/* Whether the IP listen list holds the address. */
bool bind_state_listens_on(const bind_machine_state *st, const bind_addr *addr);

#endif
