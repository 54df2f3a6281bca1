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
    int32_t user_lookup;            /* index into plan.sid_lookups for a USER, else -1 */
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

/* A certificate whose thumbprint differs per machine: the forward script
 * finds it by friendly name in LocalMachine\STORE when it runs (a revert
 * puts back what it saved, and needs none). */
typedef struct bind_cert_lookup {
    const bind_cert *cert;
    const char *store;
} bind_cert_lookup;

/* An account name becomes a SID when the script runs: httpcfg takes only
 * SDDL, and netsh shows a reservation's grantee as SDDL, to compare. */
typedef struct bind_sid_lookup { const char *user; } bind_sid_lookup;

/* A record the machine has already, as the plan would set it (--state):
 * left out of the scripts, and said. */
typedef struct bind_http_sys_kept {
    const char *what;               /* "URL ACL http://localhost:80/" */
    bind_span at;                   /* the record in the capture */
} bind_http_sys_kept;

typedef struct bind_http_sys_plan {
    bind_addr *iplisten;            uint32_t niplisten;
    bind_url_acl *url_acls;         uint32_t nurl_acls;
    bind_ssl_binding *ssl;          uint32_t nssl;
    bind_firewall_rule *firewall;   uint32_t nfirewall;
    bind_cert_lookup *cert_lookups; uint32_t ncert_lookups;
    bind_sid_lookup *sid_lookups;   uint32_t nsid_lookups;
    /* The platform's default_cert, where a record replaces the one its
     * installer made (replaces_platform): such a record has this appid. */
    const char *restore_store, *restore_appid;
    /* --state: the records left out because the capture shows them as the
     * plan sets them (firewall rules are never in a capture). */
    bind_http_sys_kept *kept;       uint32_t nkept;
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
/* With cx->state (--state), a record the capture shows exactly as the
 * plan sets it is left out — an address of the IP listen list; a URL
 * reservation of the same URL and SDDL (for an account name: one entry,
 * GX, and netsh naming that account); an SSL binding of the same key,
 * certificate, application ID and store, with the same TLS switches read
 * by their labels — and listed in plan.kept.  Only what is certain: a
 * certificate found by friendly name when the script runs, a store shown
 * as "(null)", switches of a capture in an unknown language, a record cut
 * short, stay in the plan, and the script looks at them when it runs.
 * The reverts, made from the same plan, leave them alone too.  Each
 * target then writes `rem` lines naming them, and says them in
 * cx->report when set. */


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

/* The SDDL a URL reservation shows when it is as the scripts set it: one
 * or two alternatives (a well-known SID and its alias); for an account
 * name, the SDDL with the SID the script looked up (%BINDC_SID_n%) and
 * with its alias (%BINDC_SIDA_n%). */
void bind_http_sys_grantee_values(bind_arena *a, const bind_url_acl *u, const char *same[2][3]);
/* The well-known SIDs and their SDDL aliases ({"S-1-5-20", "NS"}, ...). */
size_t bind_http_sys_sid_aliases(const char *const (**map)[2]);

/* Addresses as the HTTP.sys tools write them: `0.0.0.0:443` / `[fe80::1]:443`
 * for ipport, `fe80::1` (no brackets) for iplisten.  Arena strings. */
const char *bind_http_sys_ipport(bind_arena *a, const bind_addr *addr, uint16_t port);
const char *bind_http_sys_address(bind_arena *a, const bind_addr *addr);

/* The scaffolding every HTTP.sys script shares (http_sys_script.c).
 *
 * A script never destroys a record it did not make.  It first looks at
 * every record it would change (the tool's `show`/`query` text, read by
 * value: netsh's words are localised, its values are not), then changes
 * them, or changes nothing:
 *   - absent: added, and what the tool then shows is kept in the folder
 *     beside the script as SLUG.added.txt (which marks it as the script's);
 *   - the same values as the script's, or as SLUG.added.txt: left alone;
 *   - other values: the script stops before its first change, naming the
 *     record and showing its holder, unless it runs with /replace; what it
 *     replaces is kept as SLUG.replaced.txt, which the revert puts back (a
 *     firewall rule is renamed and turned off rather than deleted, and the
 *     revert renames it back).
 * The revert removes only records with a SLUG.added.txt that still show as
 * they did then, and puts back SLUG.replaced.txt.  Everything is written in
 * forms Windows' cmd.exe and Wine's read alike (no `||` after a program,
 * no `if` after `if ... if /i`), with cmd.exe's own commands and `find`,
 * which Windows XP has too. */
/* How a tool shows an SSL binding's settings, a line each after the line of
 * its appid, and how its add command takes each back.  The scripts read
 * them by place, never by label: netsh's labels and its words for on and off
 * are in the language of Windows, the order of its lines is not. */
typedef enum bind_ssl_setting_kind {
    BIND_SSL_TEXT,      /* a name, "(null)" when there is none: given back in quotes when there is one */
    BIND_SSL_COUNT,     /* a number: given back as shown, unless it is `dflt` */
    BIND_SSL_SWITCH,    /* a word of Windows' language: `arg` when it reads otherwise than in the same
                         * binding added with the tool's defaults */
} bind_ssl_setting_kind;

typedef struct bind_ssl_setting {
    unsigned line;              /* after the appid's, from 1 */
    bind_ssl_setting_kind kind;
    const char *arg;            /* "certstorename=" / "/c " before the value; a switch's whole argument */
    const char *dflt;           /* a count the tool gives when it is left out, so is left out, or NULL */
} bind_ssl_setting;

typedef struct bind_ssl_layout {
    /* In the order of their lines; the last is the last line bindc knows.
     * A newer Windows shows more: such a binding is still replaced (the
     * IIS Express installer's, say, which the scripts replace themselves),
     * and a revert that cannot give a later line back says so, keeping the
     * text. */
    const bind_ssl_setting *settings;
    uint32_t n;
    /* Putting a binding back (:bindc_put_ssl, once a script), its key as
     * the tool writes it in %~1: the commands that add it from its hash and
     * appid (a ccs= binding: its appid alone; NULL where the tool has no
     * such binding), show it and delete it. */
    const char *put_add, *put_add_ccs, *put_show, *put_del;
} bind_ssl_layout;

typedef struct bind_script {
    bind_emit_ctx *cx;
    bind_buf *out;
    uint32_t nsteps;
    bool revert;
    bool httpcfg;               /* httpcfg.cmd: no PowerShell, `net session` */
    bool found, blob, alias, port;  /* which subroutines the script calls */
    bool values, put_ssl;           /* an SSL binding's settings read (:bindc_values), put back (:bindc_ssl_args) */
    bool put_cert, put_ccs;         /* :bindc_put_ssl, :bindc_put_ccs called */
    bool inexact;                   /* a revert that may put an SSL binding back only in part */
    const bind_ssl_layout *ssl;     /* the tool's: set before bind_script_records when it has SSL bindings */
    const char *tool;           /* "netsh" | "httpcfg": whose `show` text it reads */
    const char *other_script;   /* "netsh-revert.cmd" or "netsh.cmd" */
    bind_buf line;              /* bind_script_new_line's */
} bind_script;

/* One record as the scripts handle it. */
typedef struct bind_script_record {
    const char *what;           /* "URL ACL http://x:80/" (echoed, quoted here) */
    const char *slug;           /* its files' name in the folder: [A-Za-z0-9._-] only */
    const char *show;           /* the command that shows it (quoted already) */
    const char *key;            /* a value only the record itself shows: it is there */
    /* The values it shows when it is as the script sets it: up to two
     * alternatives (a SID or its SDDL alias), each up to three values that
     * must all show. */
    const char *same[2][3];
    bool list;                  /* iplisten: there is the same; never replaced */
    uint16_t port_opening;      /* the XP firewall's opening of this TCP port, named "bindc TCP PORT" */
    const char *platform_appid; /* a record with this appid is the platform's: replaced without /replace */
    bool needs_sddl, needs_appid;   /* what putting a replaced record back reads from its text */
    /* An SSL binding: replaced only when every setting it shows can be read
     * back (s->ssl), and put back with every one. */
    bool ssl_settings;
    const char *ssl_arg;        /* its key as the layout's commands take it: `ipport=0.0.0.0:443` */
    bool ssl_ccs;               /* a ccs= binding: no certificate of its own */
    const char *del;            /* the command that deletes it (quoted already) */
    const char *add;            /* the command that adds it (quoted already) */
    /* Putting a replaced record back: `restore` adds it again from the
     * values of its text (%BINDC_R_...%, %BINDC_PORT_...%; for an SSL
     * binding, the command with its key, hash and appid, to which the
     * script adds its settings); or `keep` moved
     * it aside instead of `del`, `unkeep` moves it back, and `disable` turns
     * it off when it was off (it shows otherwise once turned on).  All NULL:
     * kept as text only. */
    const char *restore;
    const char *keep, *unkeep, *disable;
} bind_script_record;

/* `what` says what the script does. */
void bind_script_begin(bind_script *s, bind_emit_ctx *cx, bind_buf *out, const char *what, bool httpcfg,
                       bool revert, uint32_t nsteps);
/* A line of fixed text (no user strings), CRLF appended. */
void bind_script_line(bind_script *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The buffer a line with user strings is put together in, emptied: one
 * line at a time (bind_script_put_line appends it).  Quote user strings with
 * backend/cmd_exe_quote.h. */
bind_buf *bind_script_new_line(bind_script *s);
/* A line built in `line` (already quoted), CRLF appended. */
void bind_script_put_line(bind_script *s, const bind_buf *line);
/* Sets BINDC_THUMBPRINT_<i+1> from the friendly name, or stops the script
 * (also when several certificates have it): PowerShell for netsh.cmd, the
 * registry for httpcfg.cmd. */
void bind_script_cert_lookup(bind_script *s, const bind_http_sys_plan *p, uint32_t i);
/* Sets BINDC_SID_<i+1> from the account name, and BINDC_SIDA_<i+1> to the
 * way SDDL writes it (NS for S-1-5-20), or stops the script: PowerShell for
 * netsh.cmd, wmic for httpcfg.cmd. */
void bind_script_sid_lookup(bind_script *s, const bind_http_sys_plan *p, uint32_t i);
/* The records, in the order the script handles them (the revert's
 * reversed already): the look at each, then the changes. */
void bind_script_records(bind_script *s, const bind_script_record *r, uint32_t n);
void bind_script_end(bind_script *s);

/* The records --state left out (plan.kept): the `rem` lines a script
 * says them in (a revert, that the forward script other_script left them
 * out), and a line each in cx->report when it is set.  Returns how many
 * lines, in arena strings. */
uint32_t bind_http_sys_kept_lines(const bind_http_sys_plan *p, const bind_sources *sources, bind_emit_ctx *cx, bool revert,
                                  const char *other_script, const char ***lines);
/* The same, into the script begun in s. */
static inline void bind_http_sys_say_kept(const bind_http_sys_plan *p, const bind_sources *sources, bind_script *s)
{
    const char **lines;
    uint32_t n = bind_http_sys_kept_lines(p, sources, s->cx, s->revert, s->other_script, &lines);
    for (uint32_t i = 0; i < n; i++) bind_script_line(s, "%s", lines[i]);
}

/* A record's file name in the folder: `kind` then `key`, every character
 * but [A-Za-z0-9.-] as _xx. */
const char *bind_script_slug(bind_arena *a, const char *kind, const char *key);

/* The friendly name as the registry keeps it in a certificate's Blob
 * (property 11, its length, UTF-16LE with the closing NUL), in upper-case
 * hex: what httpcfg.cmd looks for.  ASCII names only. */
const char *bind_script_registry_name(bind_arena *a, const char *friendly_name);

#endif
