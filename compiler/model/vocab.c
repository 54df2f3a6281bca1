/* The .bind vocabulary (see vocab.h).  The texts follow grammar/README.md
 * §4-5. */
#include "vocab.h"
#include "model.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const bind_word keywords[] = {
    { "site", "`site NAME { … }`: a web site with its fields, bindings and apps.", BIND_VALUE_NONE, false },
    { "cert", "`cert NAME { … }`: a certificate that https bindings name with `cert=NAME`.", BIND_VALUE_NONE, false },
    { "platform", "`platform NAME` selects the platform (default `iis10`); `platform NAME { … }` defines one.", BIND_VALUE_NONE, false },
    { "defaults", "`defaults { … }`: the acl, store, appid and pool used where a site or binding gives none.", BIND_VALUE_NONE, false },
    { "use", "`use \"FILE\"`: checks another .bind file with this one (a name without `/` or `.bind` is a stdlib file).", BIND_VALUE_NONE, false },
    { "iplisten", "`iplisten ADDR, …`: the HTTP.sys IP listen list; IIS then listens only on these addresses.", BIND_VALUE_NONE, false },
};

/* Indexed by enum bind_protocol. */
static const bind_word protocols[BIND_PROTO_COUNT] = {
    [BIND_PROTO_HTTP] = { "http", "Plain HTTP: `http IP:PORT:HOST`, e.g. `http *:80:shop.example`.", BIND_VALUE_NONE, false },
    [BIND_PROTO_HTTPS] = { "https", "HTTP over TLS: `https IP:PORT:HOST cert=NAME`, e.g. `https *:443:shop.example cert=shop sni`.", BIND_VALUE_NONE, false },
    [BIND_PROTO_FTP] = { "ftp", "The IIS FTP service: `ftp IP:PORT:HOST`, e.g. `ftp *:21:`.", BIND_VALUE_NONE, false },
    [BIND_PROTO_NET_TCP] = { "net.tcp", "WCF over TCP (Net.TCP port sharing): `net.tcp PORT:HOST`, e.g. `net.tcp 808:*`.", BIND_VALUE_NONE, false },
    [BIND_PROTO_NET_PIPE] = { "net.pipe", "WCF over named pipes: `net.pipe HOST`, e.g. `net.pipe *`.", BIND_VALUE_NONE, false },
    [BIND_PROTO_NET_MSMQ] = { "net.msmq", "WCF over MSMQ queues: `net.msmq HOST`, e.g. `net.msmq localhost`.", BIND_VALUE_NONE, false },
    [BIND_PROTO_MSMQ_FORMATNAME] = { "msmq.formatname", "MSMQ format-name activation: `msmq.formatname HOST`, e.g. `msmq.formatname localhost`.", BIND_VALUE_NONE, false },
};

/* Indexed by enum bind_server. */
static const bind_word servers[] = {
    [BIND_SERVER_ANY] = { "any", "Every target emits the site (the default).", BIND_VALUE_NONE, false },
    [BIND_SERVER_IIS] = { "iis", "Only IIS runs the site.", BIND_VALUE_NONE, false },
    [BIND_SERVER_NGINX] = { "nginx", "Only nginx runs the site.", BIND_VALUE_NONE, false },
    [BIND_SERVER_APACHE] = { "apache", "Only Apache httpd runs the site.", BIND_VALUE_NONE, false },
};

static const bind_word stores[] = {
    { "My", "The personal store of the local machine.", BIND_VALUE_NONE, false },
    { "WebHosting", "The store IIS 8+ loads on demand, for many certificates.", BIND_VALUE_NONE, false },
};

const bind_option_word bind_options[BIND_OPTION_COUNT] = {
    [BIND_OPTION_CERT] = { { "cert", "`cert=NAME` or `cert=THUMBPRINT`: the certificate of an https binding.", BIND_VALUE_CERT, false }, true, true, 0 },
    [BIND_OPTION_SNI] = { { "sni", "Server Name Indication: HTTP.sys picks the certificate by the host name the client sends (IIS 8+).", BIND_VALUE_NONE, false }, false, true, 0 },
    [BIND_OPTION_CCS] = { { "ccs", "The certificate comes from the Central Certificate Store, by host name (IIS 8+).", BIND_VALUE_NONE, false }, false, true, 0 },
    [BIND_OPTION_ACL] = { { "acl", "`acl=USER`: the account the URL ACL is granted to (default: `defaults { acl }`, else Everyone).", BIND_VALUE_TEXT, false }, true, false, 0 },
    [BIND_OPTION_FIREWALL] = { { "firewall", "`firewall` opens the port in Windows Firewall (the netsh target writes the rule); `firewall=off` never does.", BIND_VALUE_BOOL, false }, false, false, 0 },
    [BIND_OPTION_HTTP2] = { { "http2", "`http2=off` switches HTTP/2 off for this https binding (IIS 10 sslFlags 4).", BIND_VALUE_OFF, false }, false, true, BIND_SSL_NO_HTTP2 },
    [BIND_OPTION_QUIC] = { { "quic", "`quic=off` switches QUIC (HTTP/3) off for this https binding (IIS 10 sslFlags 16).", BIND_VALUE_OFF, false }, false, true, BIND_SSL_NO_QUIC },
    [BIND_OPTION_TLS13] = { { "tls13", "`tls13=off` switches TLS 1.3 off for this https binding (IIS 10 sslFlags 32).", BIND_VALUE_OFF, false }, false, true, BIND_SSL_NO_TLS13 },
    [BIND_OPTION_LEGACY_TLS] = { { "legacy_tls", "`legacy_tls=off` refuses TLS 1.0 and 1.1 on this https binding (IIS 10 sslFlags 64).", BIND_VALUE_OFF, false }, false, true, BIND_SSL_NO_LEGACY_TLS },
    [BIND_OPTION_OCSP] = { { "ocsp", "`ocsp=off` switches OCSP stapling off for this https binding (IIS 10 sslFlags 8).", BIND_VALUE_OFF, false }, false, true, BIND_SSL_NO_OCSP },
};

static const bind_word site_fields[BIND_FIELD_SITE_COUNT] = {
    [BIND_FIELD_SITE_ID] = { "id", "The IIS site id, a whole number 1-4294967295 (default: the next free one in declaration order).", BIND_VALUE_ID, false },
    [BIND_FIELD_SITE_PATH] = { "path", "The physical path of the site's root folder, e.g. `'C:\\inetpub\\shop'`.", BIND_VALUE_TEXT, false },
    [BIND_FIELD_SITE_POOL] = { "pool", "The application pool that runs the site (default: `defaults { pool }`).", BIND_VALUE_POOL, false },
    [BIND_FIELD_SITE_SERVER] = { "server", "Which server runs the site: `iis`, `nginx`, `apache` or `any` (default `any`: every target emits it).", BIND_VALUE_SERVER, false },
    [BIND_FIELD_SITE_ROOT] = { "root", "The document root that nginx and Apache serve.", BIND_VALUE_TEXT, false },
    [BIND_FIELD_SITE_PROXY] = { "proxy", "An `http://` or `https://` URL that nginx and Apache pass requests to.", BIND_VALUE_URL, false },
    [BIND_FIELD_SITE_AUTOSTART] = { "autostart", "`on` (default) or `off`: whether IIS starts the site with the server.", BIND_VALUE_BOOL, false },
};

static const bind_word cert_fields[BIND_FIELD_CERT_COUNT] = {
    [BIND_FIELD_CERT_THUMBPRINT] = { "thumbprint", "The SHA-1 thumbprint: 40 hex digits; spaces and colons are ignored.", BIND_VALUE_THUMBPRINT, false },
    [BIND_FIELD_CERT_STORE] = { "store", "The Windows certificate store: `My` (default) or `WebHosting`.", BIND_VALUE_STORE, false },
    [BIND_FIELD_CERT_NAMES] = { "names", "The host names the certificate covers (`*.x` for a wildcard certificate); checked against each binding's host.", BIND_VALUE_HOSTS, true },
    [BIND_FIELD_CERT_PEM] = { "pem", "The certificate file for nginx and Apache.", BIND_VALUE_TEXT, false },
    [BIND_FIELD_CERT_KEY] = { "key", "The private key file for nginx and Apache.", BIND_VALUE_TEXT, false },
    [BIND_FIELD_CERT_APPID] = { "appid", "The application id of the SSL binding, a GUID in braces (default: IIS's own).", BIND_VALUE_GUID, false },
    [BIND_FIELD_CERT_FRIENDLY_NAME] = { "friendly_name", "The certificate's friendly name, by which scripts find a certificate without a fixed thumbprint.", BIND_VALUE_TEXT, false },
};

static const bind_word defaults_fields[BIND_FIELD_DEFAULTS_COUNT] = {
    [BIND_FIELD_DEFAULTS_ACL] = { "acl", "The account URL ACLs are granted to when a binding gives no `acl=` (default: Everyone).", BIND_VALUE_TEXT, false },
    [BIND_FIELD_DEFAULTS_STORE] = { "store", "The certificate store of certificates that give none: `My` or `WebHosting`.", BIND_VALUE_STORE, false },
    [BIND_FIELD_DEFAULTS_APPID] = { "appid", "The application id of SSL bindings, a GUID in braces.", BIND_VALUE_GUID, false },
    [BIND_FIELD_DEFAULTS_POOL] = { "pool", "The application pool of sites that give none.", BIND_VALUE_POOL, false },
};

static const bind_word platform_fields[BIND_FIELD_PLATFORM_COUNT] = {
    [BIND_FIELD_PLATFORM_SNI] = { "sni", "`on` when the platform has Server Name Indication (IIS 8+).", BIND_VALUE_BOOL, false },
    [BIND_FIELD_PLATFORM_CCS] = { "ccs", "`on` when the platform has the Central Certificate Store (IIS 8+).", BIND_VALUE_BOOL, false },
    [BIND_FIELD_PLATFORM_WILDCARD_HOSTS] = { "wildcard_hosts", "`on` when bindings may use `*.example.com` hosts (IIS 10+).", BIND_VALUE_BOOL, false },
    [BIND_FIELD_PLATFORM_SSL_FLAGS_EXT] = { "ssl_flags_ext", "`on` when bindings may switch off HTTP/2, QUIC, TLS 1.3, legacy TLS and OCSP (IIS 10).", BIND_VALUE_BOOL, false },
    [BIND_FIELD_PLATFORM_SSL_PORTS] = { "ssl_ports", "Ports where https works without setting up an SSL binding, e.g. `44300..44399`.", BIND_VALUE_PORTS, true },
    [BIND_FIELD_PLATFORM_FREE_PORTS] = { "free_ports", "Ports an ordinary user may listen on without a URL ACL, e.g. `1024..65535`.", BIND_VALUE_PORTS, true },
    [BIND_FIELD_PLATFORM_LOCAL_HOSTS] = { "local_hosts", "Hosts an ordinary user may bind without a URL ACL, e.g. `localhost`.", BIND_VALUE_HOSTS, true },
    [BIND_FIELD_PLATFORM_DEFAULT_CERT] = { "default_cert", "The certificate https bindings use when they name none.", BIND_VALUE_CERT, false },
};

static const bind_word app_fields[BIND_FIELD_APP_COUNT] = {
    [BIND_FIELD_APP_PATH] = { "path", "The physical path of the application's folder.", BIND_VALUE_TEXT, false },
    [BIND_FIELD_APP_POOL] = { "pool", "The application pool of the application (default: the site's).", BIND_VALUE_POOL, false },
};

const bind_word *bind_vocab_keywords(size_t *n) { *n = N(keywords); return keywords; }
const bind_word *bind_vocab_protocols(size_t *n) { *n = N(protocols); return protocols; }
const bind_word *bind_vocab_servers(size_t *n) { *n = N(servers); return servers; }
const bind_word *bind_vocab_stores(size_t *n) { *n = N(stores); return stores; }
const bind_option_word *bind_vocab_options(size_t *n) { *n = N(bind_options); return bind_options; }

const bind_word *bind_vocab_fields(enum bind_block b, size_t *n)
{
    switch (b) {
    case BIND_BLOCK_SITE: *n = N(site_fields); return site_fields;
    case BIND_BLOCK_CERT: *n = N(cert_fields); return cert_fields;
    case BIND_BLOCK_DEFAULTS: *n = N(defaults_fields); return defaults_fields;
    case BIND_BLOCK_PLATFORM: *n = N(platform_fields); return platform_fields;
    case BIND_BLOCK_APP: *n = N(app_fields); return app_fields;
    default: *n = 0; return NULL;
    }
}

const bind_word *bind_word_find(const bind_word *list, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i].name) == len && memcmp(list[i].name, name, len) == 0) return &list[i];
    return NULL;
}

const bind_option_word *bind_option_find(const char *name, size_t len)
{
    for (size_t i = 0; i < N(bind_options); i++)
        if (strlen(bind_options[i].word.name) == len && memcmp(bind_options[i].word.name, name, len) == 0)
            return &bind_options[i];
    return NULL;
}

const char *bind_block_name(enum bind_block b)
{
    static const char *const names[] = {
        [BIND_BLOCK_TOP] = "the top level", [BIND_BLOCK_SITE] = "a site block", [BIND_BLOCK_CERT] = "a cert block",
        [BIND_BLOCK_DEFAULTS] = "a defaults block", [BIND_BLOCK_PLATFORM] = "a platform block",
        [BIND_BLOCK_APP] = "an app block", [BIND_BLOCK_OTHER] = "a block",
    };
    return names[b];
}
