/* What `bindc import` read from a machine's files, before it is written as
 * .bind text: sites with their bindings and applications, the HTTP.sys
 * records (SSL certificate bindings, URL reservations, the IP listen
 * list) and the certificates made from them.  Every object keeps the span
 * of the source it came from, so that a diagnostic, or the `# from
 * FILE:LINE` comment above a site, points into the file that said it.
 *
 * The readers (iis_config.c, netsh_show.c, appcmd.c, nginx_conf.c) fill
 * it; attach.c ties the records to the bindings they serve; bind_writer.c
 * writes it.  Nothing here is guessed: what a reader cannot express is a
 * diagnostic (W0601) and is left out. */
#ifndef BIND_IMPORTED_H
#define BIND_IMPORTED_H

#include "base/arena.h"
#include "base/source.h"
#include "diag/diag.h"
#include "model/addr.h"
#include "model/model.h"

/* The kinds of file the importer recognises, by their content. */
enum bind_import_kind {
    BIND_IMPORT_UNKNOWN,
    BIND_IMPORT_IIS_CONFIG,          /* applicationhost.config (IIS 7-10, IIS Express) */
    BIND_IMPORT_NETSH_SSLCERT,       /* netsh http show sslcert (text or json=enable) */
    BIND_IMPORT_NETSH_URLACL,        /* netsh http show urlacl */
    BIND_IMPORT_NETSH_IPLISTEN,      /* netsh http show iplisten */
    BIND_IMPORT_APPCMD,              /* appcmd list site */
    BIND_IMPORT_NGINX,               /* nginx.conf or a file of server blocks */
    BIND_IMPORT_NETSH_EXCLUDED,      /* netsh int ipv4|ipv6 show excludedportrange (--state only) */
};
const char *bind_import_kind_name(enum bind_import_kind k);

/* The parts of a binding's information (what bind_info_parse read). */
typedef struct bind_imp_where {
    bind_addr addr;                  /* IP:PORT:HOST forms */
    uint16_t port;                   /* 0 for the HOST forms */
    bool host_wildcard;
    const char *host;                /* lower-case; "" none, "*" all */
} bind_imp_where;

/* A binding as the .bind file will say it. */
typedef struct bind_imp_binding {
    const char *info;                /* canonical binding information (formatter's spelling) */
    bind_imp_where parsed;           /* its parts: address, port, host */
    const char *cert;                /* a certificate's name (attach.c), or NULL */
    const char *acl;                 /* the URL ACL grantee, or NULL */
    /* From applicationhost.config (IIS 8.5+ writes them on a binding). */
    const char *hash, *store;
    const char **comments;           /* lines of comment written above it */
    bind_span at;                    /* in the source: the information, or the element */
    uint32_t ncomments;
    uint8_t protocol;                /* enum bind_protocol */
    uint8_t ssl_flags;               /* sslFlags bits (model.h), https only */
    /* appcmd does not show sslFlags: HTTP.sys's records tell sni and ccs. */
    bool flags_unknown;
} bind_imp_binding;

typedef struct bind_imp_app {
    const char *path;                /* "/api" */
    const char *physical, *pool;     /* NULL: as the .bind's defaults say */
    bind_span at;
} bind_imp_app;

typedef struct bind_imp_site {
    const char *name;
    bind_span at;                    /* the name in the source (or the element) */
    uint32_t id;                     /* 0: none given */
    bool autostart_off;
    uint8_t server;                  /* enum bind_server */
    const char *path, *pool, *root, *proxy;
    BIND_VEC(bind_imp_binding) bindings;
    BIND_VEC(bind_imp_app) apps;
    const char **comments;           /* lines of comment written above it */
    uint32_t ncomments;
    const char *group;               /* nginx: the `# site "NAME"` a server block names */
} bind_imp_site;

/* An HTTP.sys SSL certificate binding (netsh http show sslcert). */
enum bind_ssl_key { BIND_SSLREC_IPPORT, BIND_SSLREC_HOSTPORT, BIND_SSLREC_CCS };
typedef struct bind_imp_sslcert {
    uint8_t key;                     /* enum bind_ssl_key */
    bind_addr addr;                  /* IPPORT */
    const char *host;                /* HOSTPORT, lower-case */
    uint16_t port;
    const char *hash;                /* 40 upper-case hex digits, NULL for CCS */
    const char *store;               /* My, WebHosting or NULL (default) */
    const char *appid;               /* "{…}" lower-case, or NULL */
    uint8_t flags;                   /* the TLS switches it records (BIND_SSL_NO_*) */
    bind_span at;                    /* its key line */
    bool used;
    /* What the capture showed, for --state (import/state.h): the appid and
     * store as they are (the fields above leave out what a .bind implies),
     * and whether the store and the switches were read by their labels. */
    const char *appid_shown, *store_shown;
    bool store_known, flags_known;
} bind_imp_sslcert;

/* A URL reservation (netsh http show urlacl). */
typedef struct bind_imp_urlacl {
    uint8_t protocol;                /* http or https */
    const char *host;                /* "+", "*", a host name or an address (lower-case) */
    bind_addr addr;                  /* when host is an address */
    uint16_t port;
    const char *path;                /* "/" for a site's root */
    const char *user;                /* the one grantee, or NULL when it cannot be said */
    const char *user_problem;        /* why not, said (W0601) only if a binding uses it */
    bind_span user_at;
    bind_span at;
    bool used;
    /* For --state: the URL as shown, its SDDL (NULL when the capture lost
     * it) and every user netsh named. */
    const char *url, *sddl;
    const char **users;
    uint32_t nusers;
    bind_span sddl_at;
} bind_imp_urlacl;

/* A certificate the .bind file declares. */
typedef struct bind_imp_cert {
    const char *name;
    const char *thumbprint;          /* NULL: not known (a placeholder) */
    const char *store, *appid, *pem, *key;
    const char **comments;
    uint32_t ncomments;
    bind_span at;
    const char *placeholder;         /* what it holds the place of, said after `# from FILE:LINE: ` */
} bind_imp_cert;

typedef struct bind_imp_iplisten { bind_addr addr; bind_span at; } bind_imp_iplisten;

/* An excluded TCP port range (netsh int ipv4|ipv6 show excludedportrange). */
typedef struct bind_imp_excluded {
    uint16_t lo, hi;
    uint8_t family;                  /* 4, 6, or 0 when the capture does not say */
    bool administered;               /* marked `*` */
    bind_span at;
} bind_imp_excluded;

/* Everything read, and where diagnostics go. */
typedef struct bind_imported {
    bind_arena *arena;
    bind_sources sources;
    bind_diag_bag diags;
    /* Follow configSource and nginx `include`: the command line does; the
     * fuzz harnesses do not (a fuzzer's bytes must not read the disk). */
    bool follow_files;
    uint32_t files_read;             /* followed files, against loops and floods */
    /* Reading captures for --state (import/state.h), not for a .bind: a
     * record cut short or unreadable is a warning (W0502) and is left out,
     * reading goes on, and in a language whose labels are not known,
     * values are read by their shape (a thumbprint, a GUID, an SDDL). */
    bool state_mode;

    const char *platform;            /* from a file (iis_config.c), NULL when none said */
    const char *platform_why;        /* what told it, for the comment above `platform` */
    bind_span platform_at;

    BIND_VEC(bind_imp_site *) sites;
    BIND_VEC(bind_imp_sslcert) sslcerts;
    BIND_VEC(bind_imp_urlacl) urlacls;
    BIND_VEC(bind_imp_iplisten) iplisten;
    BIND_VEC(bind_imp_excluded) excluded;
    BIND_VEC(bind_imp_cert) certs;
    BIND_VEC(const char *) inputs;   /* the files given, as the header names them */
} bind_imported;

/* ---- helpers the readers share (imported.c) ----------------------------- */

bind_imp_site *bind_imp_site_add(bind_imported *im, const char *name, bind_span at);
/* Reads a binding's protocol and information as the language does; false
 * when it cannot be said (an unknown protocol, information that does not
 * parse), with W0601 pushed at `at` saying why. */
bool bind_imp_binding_read(bind_imported *im, bind_imp_binding *b, const char *protocol, size_t plen,
                           const char *info, size_t ilen, bind_span at);
/* The canonical information text of a parsed binding. */
const char *bind_imp_info_text(bind_arena *a, uint8_t protocol, const bind_imp_where *w);
/* A site's bindings and applications live in the arena
 * (bind_arena_vec_push): a fleet has hundreds of thousands of small lists. */
void bind_imp_site_free_all(bind_imported *im);

/* Diagnostics into the source; printf-style. */
bind_diag *bind_imp_diag(bind_imported *im, enum bind_code code, bind_span at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void bind_imp_note(bind_imported *im, bind_diag *d, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A span of [start, end) in a source. */
static inline bind_span bind_imp_span(const bind_source *src, size_t start, size_t end)
{
    if (end > src->len) end = src->len;
    if (start > end) start = end;
    return bind_span_make(src->id, (uint32_t)start, (uint32_t)end);
}

/* Text safe for a .bind comment: printable, one line, trimmed; NULL when
 * nothing is left.  `n` bytes of UTF-8 (anything else becomes `?`). */
const char *bind_imp_comment_text(bind_arena *a, const char *s, size_t n);
/* Whether a comment may hold a secret (a password, a key): such comments
 * are never copied. */
bool bind_imp_comment_secret(const char *s, size_t n);

/* ASCII helpers. */
bool bind_imp_ieq(const char *a, size_t an, const char *b);
char *bind_imp_lower(bind_arena *a, const char *s, size_t n);

#endif
