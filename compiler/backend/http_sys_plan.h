/* Which HTTP.sys records the bindings need: URL ACLs, SSL certificate
 * bindings, the IP listen list and firewall rules.
 *
 * One decision shared by the netsh and httpcfg targets (and their reverts),
 * driven by the platform's fields, never by its name:
 *   - A platform with free_ports / local_hosts / ssl_ports is a server that
 *     runs as an ordinary user (IIS Express).  A binding outside free_ports or
 *     local_hosts needs a URL ACL; https outside ssl_ports needs an SSL binding,
 *     and so does a certificate other than the platform's default_cert (inside
 *     ssl_ports that replaces the record the platform's installer made).
 *   - A platform without them (full IIS) registers its own URLs: no URL ACL
 *     unless a binding names `acl=`, but every https binding needs its SSL
 *     binding, because applicationhost.config holds no certificate.
 *   - Firewall rules for bindings that serve external traffic where the
 *     platform has local_hosts, or that say `firewall`; `firewall=off` wins.
 *   - One iplisten record per `iplisten` address.
 * Records are de-duplicated and kept in the order of the first binding that
 * needs them.  Only sites HTTP.sys serves (server iis or any) count, except
 * that an explicit `firewall` opens its port for any server. */
#ifndef BIND_HTTP_SYS_H
#define BIND_HTTP_SYS_H

#include "backend.h"

/* IIS's own application id: the appid of every SSL binding IIS makes. */
#define BIND_IIS_APPID "{4dc3e181-e14b-4a21-b022-59fc669b0914}"

enum bind_grantee { BIND_GRANTEE_EVERYONE, BIND_GRANTEE_SID, BIND_GRANTEE_USER };

typedef struct bind_url_acl {
    const char *url;                /* "http://localhost:80/": lower-case scheme, ends in `/` */
    uint8_t grantee;                /* enum bind_grantee */
    const char *user;               /* USER: an account name; SID: "S-1-5-..." (upper-case S) */
    bind_span user_span;            /* where the grantee was written (the binding for Everyone) */
    int32_t user_lookup;            /* httpcfg: index into plan.sid_lookups for a USER, else -1 */
    const bind_binding *binding;    /* the first binding that needs it */
} bind_url_acl;

enum bind_ssl_key { BIND_SSL_KEY_IPPORT, BIND_SSL_KEY_HOSTNAMEPORT, BIND_SSL_KEY_CCS };

typedef struct bind_ssl_binding {
    uint8_t key_kind;               /* enum bind_ssl_key */
    const char *key;                /* "0.0.0.0:443", "[::1]:443", "shop.example:443", "443" */
    const char *thumbprint;         /* 40 upper-case hex digits; NULL when looked up or ccs */
    int32_t lookup;                 /* index into plan.cert_lookups, or -1 */
    const char *store;              /* My | WebHosting; NULL for ccs */
    const char *appid;              /* {GUID} */
    uint32_t disable;               /* BIND_SSL_NO_* bits (sslFlags 4..64) */
    bool replaces_platform;         /* the platform's installer bound this key: the revert restores it */
    const bind_binding *binding;
} bind_ssl_binding;

typedef struct bind_firewall_rule {
    const char *name;               /* "bindc TCP 8080", "bindc TCP 10.0.0.5:8080": the revert deletes by name */
    bind_addr local;                /* an exact address, or kind NONE for every address */
    uint16_t port;
    const bind_binding *binding;
} bind_firewall_rule;

/* A certificate whose thumbprint differs per machine: the script finds it
 * by friendly name in LocalMachine\STORE when it runs. */
typedef struct bind_cert_lookup {
    const bind_cert *cert;
    const char *store;
    bool forward, revert;           /* which script needs it */
} bind_cert_lookup;

/* httpcfg takes only SDDL: an account name becomes a SID when the script runs. */
typedef struct bind_sid_lookup { const char *user; } bind_sid_lookup;

typedef struct bind_http_sys_plan {
    bind_addr *iplisten;            uint32_t niplisten;
    bind_url_acl *url_acls;         uint32_t nurl_acls;
    bind_ssl_binding *ssl;          uint32_t nssl;
    bind_firewall_rule *firewall;   uint32_t nfirewall;
    bind_cert_lookup *cert_lookups; uint32_t ncert_lookups;
    bind_sid_lookup *sid_lookups;   uint32_t nsid_lookups;
    /* What the revert binds again where the forward script replaced the
     * platform's record (replaces_platform): the platform's default_cert. */
    const char *restore_thumbprint;
    int32_t restore_lookup;
    const char *restore_store, *restore_appid;
} bind_http_sys_plan;

/* Builds the plan from the model.  Refuses (E0007) grantees that cmd.exe
 * cannot carry, reports certificates the script cannot find (E0301) and
 * records that collide (E0205, E0007), and warns (W0407) where HTTP.sys
 * cannot hold a binding exactly.  Returns false when it found an error.
 * Diagnostics are pushed once per compilation, however many targets ask;
 * with cx->http_sys set, the plan is built once for every target that
 * asks, on whichever thread asks first, and its diagnostics go to the
 * shared bag instead of cx->diags. */
bool bind_http_sys_plan_build(const bind_model *m, bind_emit_ctx *cx, bind_http_sys_plan *out);

/* One plan for the outputs of `--target all`, which are made two at a time:
 * a fleet's plan costs as much as a script, and built by each of the four
 * targets it would report the same diagnostics four times. */
typedef struct bind_http_sys_shared bind_http_sys_shared;
bind_http_sys_shared *bind_http_sys_shared_new(size_t diag_limit);
void bind_http_sys_shared_free(bind_http_sys_shared *s);
/* The plan's diagnostics: empty until a target built it.  Read them only
 * once no target runs. */
const bind_diag_bag *bind_http_sys_shared_diags(const bind_http_sys_shared *s);

/* Pushes a diagnostic unless the same code, span and message is already in
 * the bag (each of the four targets builds the same plan).  NULL when it
 * was there already. */
bind_diag *bind_http_sys_diag_once(bind_emit_ctx *cx, enum bind_code code, bind_span span,
                                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Addresses as the HTTP.sys tools write them: `0.0.0.0:443` / `[fe80::1]:443`
 * for ipport, `fe80::1` (no brackets) for iplisten.  Arena strings. */
const char *bind_http_sys_ipport(bind_arena *a, const bind_addr *addr, uint16_t port);
const char *bind_http_sys_address(bind_arena *a, const bind_addr *addr);

/* The scaffolding every HTTP.sys script shares (http_sys_script.c): CRLF
 * lines, the elevation check, certificate and SID look-ups, numbered steps
 * that stop on the first failure, and the closing lines. */
typedef struct bind_script {
    bind_emit_ctx *cx;
    bind_buf *out;
    uint32_t step, nsteps;
    bind_buf line;              /* bind_script_new_line's */
} bind_script;

/* `what` says what the script does; `elevation` is the command whose
 * failure means "not an administrator" (`fltmc`, `net session`). */
void bind_script_begin(bind_script *s, bind_emit_ctx *cx, bind_buf *out, const char *what,
                       const char *elevation, uint32_t nsteps);
/* A line of fixed text (no user strings), CRLF appended. */
void bind_script_line(bind_script *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The buffer a line with user strings is put together in, emptied: one
 * for every line of the script, so that a fleet's hundreds of thousands of
 * lines make no allocation each.  The next call to any bind_script_
 * function but put_line may reuse it. */
bind_buf *bind_script_new_line(bind_script *s);
/* A line built in `line` (already quoted), CRLF appended. */
void bind_script_put_line(bind_script *s, const bind_buf *line);
/* Sets BINDC_THUMBPRINT_<i+1> from the friendly name, or stops the script. */
void bind_script_cert_lookup(bind_script *s, const bind_http_sys_plan *p, uint32_t i);
/* Sets BINDC_SID_<i+1> from the account name, or stops the script. */
void bind_script_sid_lookup(bind_script *s, const bind_http_sys_plan *p, uint32_t i);
/* `echo [k/N] what`: the next step. */
void bind_script_step(bind_script *s, const char *what);
/* After a command that must succeed. */
void bind_script_check(bind_script *s);
void bind_script_end(bind_script *s, const char *undo);

#endif
