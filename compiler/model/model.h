/* The checked, resolved model: what the backends and the runtime read.
 *
 * Flat and normalised: addresses are bind_addr, hosts lower-case, ports
 * numbers, thumbprints 40 upper-case hex digits, defaults applied.  Spans
 * point back into the sources for diagnostics that later stages report. */
#ifndef BIND_MODEL_H
#define BIND_MODEL_H

#include "addr.h"
#include "base/source.h"

enum bind_protocol {
    BIND_PROTO_HTTP, BIND_PROTO_HTTPS, BIND_PROTO_FTP, BIND_PROTO_NET_TCP,
    BIND_PROTO_NET_PIPE, BIND_PROTO_NET_MSMQ, BIND_PROTO_MSMQ_FORMATNAME,
    BIND_PROTO_COUNT
};
const char *bind_protocol_name(enum bind_protocol p);
enum bind_info_form bind_protocol_form(enum bind_protocol p);
/* Whether sites share the protocol's bindings: those of Windows Process
 * Activation (net.tcp, net.pipe, net.msmq, msmq.formatname), whose port or
 * pipe no site owns (grammar/README.md, E0201). */
bool bind_protocol_shared_by_sites(enum bind_protocol p);
/* Whether IIS bindingInformation of an http, https or ftp binding leaves
 * the address out (":8080:localhost", the form of IIS Express's own
 * WebSite1), which IIS reads as `*`, All Unassigned. */
bool bind_iis_info_no_address(enum bind_protocol p, const char *info, size_t n);
/* Whether an IIS protocol list (enabledProtocols: "http,net.tcp") names
 * `name` (lower case), as IIS reads it: without case, around spaces. */
bool bind_protocol_list_has(const char *list, const char *name);

enum bind_server { BIND_SERVER_ANY, BIND_SERVER_IIS, BIND_SERVER_NGINX, BIND_SERVER_APACHE };
const char *bind_server_name(enum bind_server s);

/* IIS sslFlags bits (grammar/README.md §5.5). */
enum {
    BIND_SSL_SNI = 1, BIND_SSL_CCS = 2, BIND_SSL_NO_HTTP2 = 4, BIND_SSL_NO_OCSP = 8,
    BIND_SSL_NO_QUIC = 16, BIND_SSL_NO_TLS13 = 32, BIND_SSL_NO_LEGACY_TLS = 64,
};
#define BIND_SSL_EXT_MASK (BIND_SSL_NO_HTTP2 | BIND_SSL_NO_OCSP | BIND_SSL_NO_QUIC | BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS)

typedef struct bind_port_range { uint16_t lo, hi; } bind_port_range;

typedef struct bind_platform {
    const char *name;               /* interned */
    bind_span span;                 /* the name in its definition */
    bool sni, ccs, wildcard_hosts, ssl_flags_ext;
    bool has_ssl_ports, has_free_ports, has_local_hosts;
    bind_port_range *ssl_ports, *free_ports;
    uint32_t nssl_ports, nfree_ports;
    const char **local_hosts;       /* lower-case, interned */
    uint32_t nlocal_hosts;
    const char *default_cert;       /* name of the certificate https uses when none is given */
    bind_span default_cert_span;
} bind_platform;

typedef struct bind_cert {
    const char *name;               /* interned */
    bind_span span;                 /* the name */
    const char *thumbprint;         /* 40 upper-case hex digits, or NULL */
    const char *store;              /* My | WebHosting, or NULL for the default */
    const char **names;             /* lower-case; `*.x` allowed */
    uint32_t nnames;
    bool has_names;
    bind_span *name_spans;
    const char *pem, *key, *appid, *friendly_name;
    bool is_stdlib;
    bool used;
} bind_cert;

typedef struct bind_site bind_site;

/* Two cache lines with no padding (a fleet's bindings are its largest
 * array), and what every conflict check reads of each binding (its site,
 * host, address, protocol, port and flags) in the first 44 bytes: a walk
 * over a million bindings asks the memory for that much of each
 * (bind_check_binding_at), not for all 128. */
typedef struct bind_binding {
    bind_site *site;
    const char *host;               /* "" none; "*" all (net.* forms); lower-case, interned */
    bind_addr addr;
    uint8_t protocol;               /* enum bind_protocol */
    bool valid;                     /* protocol and information parsed without error */
    bool host_wildcard;
    bool has_twin;                  /* the host has a www. twin (I0401, check/conflicts.c) */
    bool sni, ccs;
    uint8_t ssl_flags;              /* SNI/CCS bits plus the disable bits */
    int8_t firewall;                /* -1 off, 0 unspecified, 1 on */
    uint16_t port;
    bind_span info_span;            /* fills the 4 bytes before the pointers */
    bind_cert *cert;                /* declared certificate, or NULL */
    const char *thumbprint;         /* cert= literal thumbprint (upper-case), or NULL */
    const char *acl;                /* URL ACL grantee; NULL = Everyone */
    bind_span span, protocol_span, cert_span, acl_span;
} bind_binding;
_Static_assert(sizeof(bind_binding) <= 128, "a binding is two cache lines");

typedef struct bind_app {
    const char *path;               /* "/x" */
    const char *physical_path;
    const char *pool;
    bind_span span;
} bind_app;

struct bind_site {
    const char *name;
    uint64_t name_hash;             /* of the name without case, for E0202 (check/conflicts.c) */
    const char *physical_path, *pool, *root, *proxy;
    bind_binding **bindings;
    bind_app *apps;
    bind_span name_span, span;
    bind_span id_span;
    uint32_t id;
    uint32_t nbindings;
    uint32_t napps;
    bool id_given;
    uint8_t server;                 /* enum bind_server */
    bool autostart;
    bool is_stdlib;
};

/* Whether `server` runs the site: the site names it, or `any`. */
bool bind_site_runs_on(const bind_site *s, enum bind_server server);

typedef struct bind_iplisten { bind_addr addr; bind_span span; } bind_iplisten;

typedef struct bind_model {
    const bind_platform *platform;
    bind_site **sites;
    uint32_t nsites;
    bind_cert **certs;
    uint32_t ncerts;
    bind_platform **platforms;
    uint32_t nplatforms;
    bind_iplisten *iplisten;
    uint32_t niplisten;
    const char *default_acl, *default_store, *default_appid, *default_pool;
    bind_span default_acl_span;     /* the value of `acl` in defaults, for diagnostics */
    uint32_t nbindings;             /* across all sites */
} bind_model;

bind_cert *bind_model_find_cert(const bind_model *m, const char *interned_name);
bind_platform *bind_model_find_platform(const bind_model *m, const char *interned_name);
/* Whether the certificate's `names` cover a host: an exact name, or `*.x`
 * for a host of one more label than x (W0301; the hover says the same). */
bool bind_cert_covers(const bind_cert *c, const char *host);
bool bind_port_in(const bind_port_range *r, uint32_t n, uint32_t port);



/* "https *:443:shop.example" — the binding in canonical shorthand. */
const char *bind_binding_text(bind_arena *a, const bind_binding *b);
/* "*:443:shop.example" — the binding information alone. */
const char *bind_binding_info_text(bind_arena *a, const bind_binding *b);
#endif
