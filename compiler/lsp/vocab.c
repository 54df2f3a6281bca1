/* The .bind vocabulary for completion and hover (see lsp/vocab.h).
 * The texts follow grammar/README.md §4-5. */
#include "vocab.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const bind_lsp_word keywords[] = {
    { "site", "`site NAME { … }`: a web site with its fields, bindings and apps.", BIND_LSP_V_NONE },
    { "cert", "`cert NAME { … }`: a certificate that https bindings name with `cert=NAME`.", BIND_LSP_V_NONE },
    { "platform", "`platform NAME` selects the platform (default `iis10`); `platform NAME { … }` defines one.", BIND_LSP_V_NONE },
    { "defaults", "`defaults { … }`: the acl, store, appid and pool used where a site or binding gives none.", BIND_LSP_V_NONE },
    { "use", "`use \"FILE\"`: checks another .bind file with this one (a name without `/` or `.bind` is a stdlib file).", BIND_LSP_V_NONE },
    { "iplisten", "`iplisten ADDR, …`: the HTTP.sys IP listen list; IIS then listens only on these addresses.", BIND_LSP_V_NONE },
};

static const bind_lsp_word protocols[] = {
    { "http", "Plain HTTP: `http IP:PORT:HOST`, e.g. `http *:80:shop.example`.", BIND_LSP_V_NONE },
    { "https", "HTTP over TLS: `https IP:PORT:HOST cert=NAME`, e.g. `https *:443:shop.example cert=shop sni`.", BIND_LSP_V_NONE },
    { "ftp", "The IIS FTP service: `ftp IP:PORT:HOST`, e.g. `ftp *:21:`.", BIND_LSP_V_NONE },
    { "net.tcp", "WCF over TCP (Net.TCP port sharing): `net.tcp PORT:HOST`, e.g. `net.tcp 808:*`.", BIND_LSP_V_NONE },
    { "net.pipe", "WCF over named pipes: `net.pipe HOST`, e.g. `net.pipe *`.", BIND_LSP_V_NONE },
    { "net.msmq", "WCF over MSMQ queues: `net.msmq HOST`, e.g. `net.msmq localhost`.", BIND_LSP_V_NONE },
    { "msmq.formatname", "MSMQ format-name activation: `msmq.formatname HOST`, e.g. `msmq.formatname localhost`.", BIND_LSP_V_NONE },
};

static const bind_lsp_word options[] = {
    { "cert", "`cert=NAME` or `cert=THUMBPRINT`: the certificate of an https binding.", BIND_LSP_V_CERT },
    { "sni", "Server Name Indication: HTTP.sys picks the certificate by the host name the client sends (IIS 8+).", BIND_LSP_V_NONE },
    { "ccs", "The certificate comes from the Central Certificate Store, by host name (IIS 8+).", BIND_LSP_V_NONE },
    { "acl", "`acl=USER`: the account the URL ACL is granted to (default: `defaults { acl }`, else Everyone).", BIND_LSP_V_TEXT },
    { "firewall", "`firewall` opens the port in Windows Firewall (the netsh target writes the rule); `firewall=off` never does.", BIND_LSP_V_BOOL },
    { "http2", "`http2=off` switches HTTP/2 off for this https binding (IIS 10 sslFlags 4).", BIND_LSP_V_OFF },
    { "quic", "`quic=off` switches QUIC (HTTP/3) off for this https binding (IIS 10 sslFlags 16).", BIND_LSP_V_OFF },
    { "tls13", "`tls13=off` switches TLS 1.3 off for this https binding (IIS 10 sslFlags 32).", BIND_LSP_V_OFF },
    { "legacy_tls", "`legacy_tls=off` refuses TLS 1.0 and 1.1 on this https binding (IIS 10 sslFlags 64).", BIND_LSP_V_OFF },
    { "ocsp", "`ocsp=off` switches OCSP stapling off for this https binding (IIS 10 sslFlags 8).", BIND_LSP_V_OFF },
};

static const bind_lsp_word site_fields[] = {
    { "id", "The IIS site id, a whole number 1-4294967295 (default: the next free one in declaration order).", BIND_LSP_V_NUMBER },
    { "path", "The physical path of the site's root folder, e.g. `'C:\\inetpub\\shop'`.", BIND_LSP_V_TEXT },
    { "pool", "The application pool that runs the site (default: `defaults { pool }`).", BIND_LSP_V_TEXT },
    { "server", "Which server runs the site: `iis`, `nginx`, `apache` or `any` (default `any`: every target emits it).", BIND_LSP_V_SERVER },
    { "root", "The document root that nginx and Apache serve.", BIND_LSP_V_TEXT },
    { "proxy", "An `http://` or `https://` URL that nginx and Apache pass requests to.", BIND_LSP_V_TEXT },
    { "autostart", "`on` (default) or `off`: whether IIS starts the site with the server.", BIND_LSP_V_BOOL },
};

static const bind_lsp_word cert_fields[] = {
    { "thumbprint", "The SHA-1 thumbprint: 40 hex digits; spaces and colons are ignored.", BIND_LSP_V_TEXT },
    { "store", "The Windows certificate store: `My` (default) or `WebHosting`.", BIND_LSP_V_STORE },
    { "names", "The host names the certificate covers (`*.x` for a wildcard certificate); checked against each binding's host.", BIND_LSP_V_HOSTS },
    { "pem", "The certificate file for nginx and Apache.", BIND_LSP_V_TEXT },
    { "key", "The private key file for nginx and Apache.", BIND_LSP_V_TEXT },
    { "appid", "The application id of the SSL binding, a GUID in braces (default: IIS's own).", BIND_LSP_V_TEXT },
    { "friendly_name", "The certificate's friendly name, by which scripts find a certificate without a fixed thumbprint.", BIND_LSP_V_TEXT },
};

static const bind_lsp_word defaults_fields[] = {
    { "acl", "The account URL ACLs are granted to when a binding gives no `acl=` (default: Everyone).", BIND_LSP_V_TEXT },
    { "store", "The certificate store of certificates that give none: `My` or `WebHosting`.", BIND_LSP_V_STORE },
    { "appid", "The application id of SSL bindings, a GUID in braces.", BIND_LSP_V_TEXT },
    { "pool", "The application pool of sites that give none.", BIND_LSP_V_TEXT },
};

static const bind_lsp_word platform_fields[] = {
    { "sni", "`on` when the platform has Server Name Indication (IIS 8+).", BIND_LSP_V_BOOL },
    { "ccs", "`on` when the platform has the Central Certificate Store (IIS 8+).", BIND_LSP_V_BOOL },
    { "wildcard_hosts", "`on` when bindings may use `*.example.com` hosts (IIS 10+).", BIND_LSP_V_BOOL },
    { "ssl_flags_ext", "`on` when bindings may switch off HTTP/2, QUIC, TLS 1.3, legacy TLS and OCSP (IIS 10).", BIND_LSP_V_BOOL },
    { "ssl_ports", "Ports where https works without setting up an SSL binding, e.g. `44300..44399`.", BIND_LSP_V_PORTS },
    { "free_ports", "Ports an ordinary user may listen on without a URL ACL, e.g. `1024..65535`.", BIND_LSP_V_PORTS },
    { "local_hosts", "Hosts an ordinary user may bind without a URL ACL, e.g. `localhost`.", BIND_LSP_V_HOSTS },
    { "default_cert", "The certificate https bindings use when they name none.", BIND_LSP_V_CERT },
};

static const bind_lsp_word app_fields[] = {
    { "path", "The physical path of the application's folder.", BIND_LSP_V_TEXT },
    { "pool", "The application pool of the application (default: the site's).", BIND_LSP_V_TEXT },
};

const bind_lsp_word *bind_lsp_vocab_keywords(size_t *n) { *n = N(keywords); return keywords; }
const bind_lsp_word *bind_lsp_vocab_protocols(size_t *n) { *n = N(protocols); return protocols; }
const bind_lsp_word *bind_lsp_vocab_options(size_t *n) { *n = N(options); return options; }

const bind_lsp_word *bind_lsp_vocab_fields(enum bind_lsp_block b, size_t *n)
{
    switch (b) {
    case BIND_LSP_SITE: *n = N(site_fields); return site_fields;
    case BIND_LSP_CERT: *n = N(cert_fields); return cert_fields;
    case BIND_LSP_DEFAULTS: *n = N(defaults_fields); return defaults_fields;
    case BIND_LSP_PLATFORM: *n = N(platform_fields); return platform_fields;
    case BIND_LSP_APP: *n = N(app_fields); return app_fields;
    default: *n = 0; return NULL;
    }
}

const bind_lsp_word *bind_lsp_word_find(const bind_lsp_word *list, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i].name) == len && memcmp(list[i].name, name, len) == 0) return &list[i];
    return NULL;
}

const char *bind_lsp_block_name(enum bind_lsp_block b)
{
    static const char *const names[] = {
        [BIND_LSP_TOP] = "the top level", [BIND_LSP_SITE] = "a site block", [BIND_LSP_CERT] = "a cert block",
        [BIND_LSP_DEFAULTS] = "a defaults block", [BIND_LSP_PLATFORM] = "a platform block",
        [BIND_LSP_APP] = "an app block", [BIND_LSP_OTHER] = "a block",
    };
    return names[b];
}
