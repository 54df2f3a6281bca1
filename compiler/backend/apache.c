/* The apache target: prints the Apache plan (runtime/apache_plan.h).
 *
 * The output is meant to be Included in apache2.conf or httpd.conf: the
 * Listen lines, then the <VirtualHost> blocks in the order that makes
 * Apache's first match IIS's best one.  The routing decisions (which
 * addresses carry which names, which block comes first on each, where a
 * generated block refuses) are the plan's; this file writes them down,
 * quotes every user string for Apache's configuration reader, and refuses
 * what Apache cannot be given: a TLS binding whose certificate has no
 * pem/key files (E0304); a path or URL with `${` (Apache expands it in
 * every line, with no escape), a control character, or a path too long
 * for Apache to make absolute (E0007).  Where Apache cannot tell the
 * address families apart (`0.0.0.0` and `[::]` are `*` to it), W0407. */
#include <string.h>

#include "server_conf.h"
#include "runtime/apache_plan.h"

/* Apache makes a path absolute against ServerRoot within PATH_MAX (4096
 * bytes on Linux, its NUL and a few bytes of its own included): 4,080
 * bytes of an absolute DocumentRoot pass `apache2 -t`, 4,088 do not.  A
 * relative one gets ServerRoot in front. */
#define APACHE_MAX_PATH 4000
#define STR_(x) #x
#define STR(x) STR_(x)
#define BAD_PATH "with `${`, a control character or more than " STR(APACHE_MAX_PATH) " bytes"
/* ServerAlias takes any number of names; a line of them stays readable. */
#define APACHE_ALIASES_PER_LINE 8

/* What Apache's reader keeps as written inside "...": anything but a
 * control character (a line break would end the directive) and `${`,
 * which Apache replaces by a variable in every line, quoted or not. */
static bool quotable(const char *s, size_t max)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
        if (*p < 0x20 || *p == 0x7f) return false;
        if (p[0] == '$' && p[1] == '{') return false;
    }
    return n <= max;
}

/* Apache's quoted strings take \" and \\ as escapes (ap_getword_conf);
 * every other byte, `#` included, is itself, and a value ending in a
 * backslash still ends the line with the closing quote, never a
 * continuation.  `tail` is written inside the quotes after s. */
static void put_quoted_with(bind_buf *out, const char *s, const char *tail) { bind_conf_put_quoted(out, s, tail); }

static void put_quoted(bind_buf *out, const char *s) { put_quoted_with(out, s, ""); }

static bool path_ok(const char *path) { return quotable(path, APACHE_MAX_PATH); }

static const bind_conf_server apache_server = {
    "Apache", "apache", path_ok, BAD_PATH,
    "Apache replaces `${NAME}` in every line of its configuration and has no escape for it, "
    "and makes a path absolute within 4096 bytes",
};

typedef bind_conf_emitter emitter;

static void put_tls(emitter *e, bind_buf *out, const bind_apache_vhost *v)
{
    const bind_cert *ct = bind_conf_tls_files(e, v->tls);
    if (!ct) return;
    bind_buf_puts(out, "    SSLEngine on\n    SSLCertificateFile ");
    put_quoted(out, ct->pem);
    bind_buf_puts(out, "\n    SSLCertificateKeyFile ");
    put_quoted(out, ct->key);
    bind_buf_putc(out, '\n');
    /* The IIS sslFlags that switch TLS versions off. */
    switch (v->tls_off & (BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS)) {
    case BIND_SSL_NO_TLS13: bind_buf_puts(out, "    SSLProtocol -all +TLSv1 +TLSv1.1 +TLSv1.2\n"); break;
    case BIND_SSL_NO_LEGACY_TLS: bind_buf_puts(out, "    SSLProtocol -all +TLSv1.2 +TLSv1.3\n"); break;
    case BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS: bind_buf_puts(out, "    SSLProtocol -all +TLSv1.2\n"); break;
    default: break;
    }
}

static bool site_text_ok(emitter *e, const bind_site *s, const char *field, const char *value, size_t max)
{
    if (!value || quotable(value, max)) return true;
    bind_conf_refuse_site_text(e, s, field, max == APACHE_MAX_PATH ? BAD_PATH : "with `${` or a control character");
    return false;
}

/* ProxyPass "/" URL maps /x to URL plus x: a URL without a path gets the
 * `/` Apache asks for (as nginx's proxy_pass passes the URI whole). */
static void put_proxy_url(bind_buf *out, const char *url)
{
    const char *auth = strstr(url, "://");
    bool path = auth && auth[3 + strcspn(auth + 3, "/?#")] != '\0';
    put_quoted_with(out, url, path ? "" : "/");
}

/* " 10.0.0.5:80", " *:443": a <VirtualHost> address (a fleet writes
 * hundreds of thousands, so no printf). */
static void put_chain(bind_buf *out, const bind_apache_chain *c)
{
    char text[48 + 8];
    size_t n = 1;
    text[0] = ' ';
    if (c->addr.kind == BIND_ADDR_ANY) text[n++] = '*';
    else n += bind_addr_format(&c->addr, text + n, true);
    text[n++] = ':';
    n += bind_decimal(text + n, c->port);
    bind_buf_put(out, text, n);
}

static void put_vhost(emitter *e, bind_buf *out, const bind_apache_plan *p, uint32_t index)
{
    const bind_apache_vhost *v = &p->vhosts[index];
    bind_buf_puts(out, "\n<VirtualHost");
    for (uint32_t i = 0; i < v->nchains; i++) put_chain(out, &p->chains[v->chains[i]]);
    bind_buf_puts(out, ">\n    # ");
    if (v->site) {
        bind_buf_puts(out, "site \"");
        /* Ends in a quote: a comment ending in a backslash would run on into the next line. */
        bind_conf_put_comment_text(out, v->site->name);
        bind_buf_putc(out, '"');
        if (v->rank == BIND_APACHE_DEFAULT) bind_buf_puts(out, ", first here: hosts no name matches come to it");
        else if (v->rank != BIND_APACHE_NAMES) bind_buf_puts(out, ", wildcards: after every exact name and longer wildcard");
        bind_buf_putc(out, '\n');
    } else if (v->ssl) {
        bind_buf_puts(out, "no binding matches: refused as by HTTP.sys, after a handshake Apache cannot refuse\n");
    } else {
        bind_buf_puts(out, "no binding matches: refused as by HTTP.sys\n");
    }
    bind_buf_puts(out, "    ServerName ");
    bind_buf_puts(out, v->server_name);
    bind_buf_putc(out, '\n');
    uint32_t aliases = 0;
    for (uint32_t i = 0; i < v->nnames; i++) {
        if (v->names[i].name == v->server_name) continue;
        bind_buf_puts(out, aliases % APACHE_ALIASES_PER_LINE ? " " : aliases ? "\n    ServerAlias " : "    ServerAlias ");
        bind_buf_puts(out, v->names[i].name);
        aliases++;
    }
    if (aliases) bind_buf_putc(out, '\n');
    if (v->ssl) put_tls(e, out, v);
    if (v->kind == BIND_APACHE_REFUSE) {
        bind_buf_puts(out, "    Redirect 404 /\n");
    } else {
        const bind_site *s = v->site;
        if (site_text_ok(e, s, "root", s->root, APACHE_MAX_PATH) && s->root) {
            bind_buf_puts(out, "    DocumentRoot ");
            put_quoted(out, s->root);
            bind_buf_putc(out, '\n');
        }
        if (site_text_ok(e, s, "proxy", s->proxy, SIZE_MAX) && s->proxy) {
            if (strncmp(s->proxy, "https:", 6) == 0) bind_buf_puts(out, "    SSLProxyEngine on\n");
            bind_buf_puts(out, "    ProxyPass \"/\" ");
            put_proxy_url(out, s->proxy);
            bind_buf_puts(out, "\n    ProxyPassReverse \"/\" ");
            put_proxy_url(out, s->proxy);
            bind_buf_putc(out, '\n');
        }
    }
    bind_buf_puts(out, "</VirtualHost>\n");
}

/* W0407: a `0.0.0.0` or `[::]` binding that Apache serves to both families. */
static void report_merged(emitter *e, const bind_apache_merge *mg)
{
    const bind_binding *b = mg->binding;
    bool v6 = b->addr.kind == BIND_ADDR_ANY6;
    bind_diag_bag *bag = e->cx->diags;
    bind_diag *d = v6
        ? bind_diag_push(bag, BIND_W0407, b->info_span,
                         "apache target: Apache cannot listen on every IPv6 address without the IPv4 ones, nor tell the two apart "
                         "in a <VirtualHost>: `[::]` is written as `*`")
        : bind_diag_push(bag, BIND_W0407, b->info_span,
                         "apache target: <VirtualHost *:%u> serves both address families, and Apache's `0.0.0.0` is the same: "
                         "`0.0.0.0` is written as `*`", b->port);
    if (mg->lost_protocol)
        bind_diag_note(bag, d, &mg->shadowed_by->info_span, "Apache speaks one protocol per address:port, and this binding of site "
                       "`%s`, declared first, makes *:%u %s: this binding is not written", mg->shadowed_by->site->name, b->port,
                       bind_protocol_name((enum bind_protocol)mg->shadowed_by->protocol));
    else if (mg->shadowed_by)
        bind_diag_note(bag, d, &mg->shadowed_by->info_span, "Apache gives its requests to this binding of site `%s`, declared first, "
                       "on both families", mg->shadowed_by->site->name);
    else
        bind_diag_note(bag, d, NULL, "%s requests to port %u that it matches reach it too", v6 ? "IPv4" : "IPv6", b->port);
}

/* The modules the output needs, for the header. */
static void put_modules(bind_buf *out, const bind_apache_plan *p)
{
    bool ssl = false, alias = false, proxy = false;
    for (uint32_t i = 0; i < p->nvhosts; i++) {
        const bind_apache_vhost *v = &p->vhosts[i];
        ssl |= v->ssl;
        alias |= v->kind == BIND_APACHE_REFUSE;
        if (v->site && v->site->proxy) {
            proxy = true;
            ssl |= strncmp(v->site->proxy, "https:", 6) == 0;
        }
    }
    const char *mods[4];
    size_t n = 0;
    if (ssl) mods[n++] = "mod_ssl";
    if (alias) mods[n++] = "mod_alias";
    if (proxy) mods[n++] = "mod_proxy", mods[n++] = "mod_proxy_http";
    if (!n) return;
    bind_buf_puts(out, "# It needs ");
    for (size_t i = 0; i < n; i++) bind_buf_printf(out, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", mods[i]);
    bind_buf_puts(out, ".\n");
}

static bool emit_apache(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                        bind_emit_ctx *cx, bind_buf *out)
{
    (void)sources, (void)opts;
    /* The plan is as big as the fleet, and `--target all` keeps each
     * target's arena until every output is written: this one's is freed
     * as soon as the output is. */
    bind_arena *scratch = bind_arena_new();     /* the plan and the addresses' text */
    emitter e;
    bind_conf_init(&e, cx, &apache_server);
    const bind_apache_plan *p = bind_apache_plan_build(scratch, m);

    bind_buf_puts(out,
        "# Apache httpd virtual hosts written by bindc: Include this file in apache2.conf\n"
        "# or httpd.conf, which must not Listen on these ports itself.  Sites with\n"
        "# server = apache or any.  Apache gives a request to the first <VirtualHost> of\n"
        "# its address:port whose ServerName or ServerAlias matches the Host, else to the\n"
        "# first listed there: each address:port starts with its catch-all, or with a\n"
        "# generated <VirtualHost> that refuses as HTTP.sys would, then come exact names,\n"
        "# then wildcards, the longest suffix first.\n");
    put_modules(out, p);
    if (p->nlistens) bind_buf_putc(out, '\n');
    for (uint32_t i = 0; i < p->nlistens; i++) {
        const bind_apache_listen *l = &p->listens[i];
        bind_buf_printf(out, "Listen %s", bind_apache_listen_text(scratch, l));
        /* The protocol argument, where it is not Apache's default for the port. */
        uint8_t dflt = l->port == 443 ? BIND_PROTO_HTTPS : BIND_PROTO_HTTP;
        if (l->protocol != UINT8_MAX && l->protocol != dflt) bind_buf_puts(out, l->protocol == BIND_PROTO_HTTPS ? " https" : " http");
        bind_buf_putc(out, '\n');
    }
    for (uint32_t i = 0; i < p->nvhosts; i++) put_vhost(&e, out, p, i);
    for (uint32_t i = 0; i < p->nmerged; i++) report_merged(&e, &p->merged[i]);
    bind_conf_fini(&e);
    bind_arena_free(scratch);
    return e.ok;
}

const bind_backend bind_backend_apache = { "apache", "apache.conf", emit_apache, 6, false, BIND_SERVER_APACHE };
