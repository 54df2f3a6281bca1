/* Hover: what the thing under the cursor means, in words.
 *
 * A binding is explained field by field (protocol, address, port, host,
 * site, certificate, SNI) and then how HTTP.sys routes to it: its rank in
 * the order of grammar/README.md §7 and the bindings on the same port that take
 * requests before it.  Sites, certificates, platforms, fields, options and
 * keywords get their own texts; a diagnostic code (in a comment, or under a
 * diagnostic) gets its long explanation, as `bindc explain` prints it.
 *
 * Every user string is written as a Markdown code span built for its
 * contents (a longer backtick fence than any run inside it, control bytes
 * as \xNN), so a site name cannot inject Markdown.  A client that does not
 * take Markdown gets the same text without the markup (bind_lsp_markup). */
#include "session.h"
#include "model/vocab.h"
#include "runtime/apache_plan.h"
#include "runtime/route.h"

#include <ctype.h>
#include <string.h>

/* ---- Markdown ------------------------------------------------------------- */

static void md_code(bind_buf *b, const char *s)
{
    if (!*s) { bind_buf_puts(b, "(empty)"); return; }
    size_t run = 0, longest = 0, n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    bool pad = s[0] == '`' || s[n - 1] == '`' || s[0] == ' ' || s[n - 1] == ' ';
    for (size_t i = 0; i <= longest; i++) bind_buf_putc(b, '`');
    if (pad) bind_buf_putc(b, ' ');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) bind_buf_printf(b, "\\x%02X", c);
        else bind_buf_putc(b, (char)c);
    }
    if (pad) bind_buf_putc(b, ' ');
    for (size_t i = 0; i <= longest; i++) bind_buf_putc(b, '`');
}

static bool in_span(bind_span sp, uint32_t file, size_t offset)
{
    return sp.file == file && offset >= sp.start && offset < sp.end;
}

/* ---- bindings ------------------------------------------------------------- */

static const char *protocol_words(enum bind_protocol p)
{
    switch (p) {
    case BIND_PROTO_HTTP: return "plain HTTP";
    case BIND_PROTO_HTTPS: return "HTTP over TLS";
    case BIND_PROTO_FTP: return "FTP, served by the IIS FTP service";
    case BIND_PROTO_NET_TCP: return "WCF over TCP, through Net.TCP Port Sharing";
    case BIND_PROTO_NET_PIPE: return "WCF over named pipes";
    case BIND_PROTO_NET_MSMQ: return "WCF over MSMQ queues";
    default: return "MSMQ format-name activation";
    }
}

static void addr_words(bind_buf *b, const bind_addr *a)
{
    char text[48];
    bind_addr_format(a, text, true);
    md_code(b, text);
    switch (a->kind) {
    case BIND_ADDR_ANY: bind_buf_puts(b, ": every local address, IPv4 and IPv6 (IIS \"All Unassigned\")"); break;
    case BIND_ADDR_ANY4: bind_buf_puts(b, ": every local IPv4 address, and no IPv6 address"); break;
    case BIND_ADDR_ANY6: bind_buf_puts(b, ": every local IPv6 address, and no IPv4 address"); break;
    default: bind_buf_puts(b, ": only connections to this local address"); break;
    }
}

static const char *server_words(uint8_t server)
{
    switch (server) {
    case BIND_SERVER_IIS: return "IIS only (`server = iis`)";
    case BIND_SERVER_NGINX: return "nginx only (`server = nginx`)";
    case BIND_SERVER_APACHE: return "Apache httpd only (`server = apache`)";
    default: return "every target (`server = any`)";
    }
}

/* The rules of HTTP.sys's order, by enum bind_route_rule (the router's). */
static const char *const rank_names[] = {
    "", "exact host on an exact address", "exact host on an any-address", "wildcard host on an exact address",
    "wildcard host on an any-address", "no host on an exact address", "no host on an any-address",
};

static void binding_ref(bind_buf *b, bind_arena *a, const bind_binding *o)
{
    md_code(b, bind_binding_text(a, o));
    bind_buf_puts(b, " (site ");
    md_code(b, o->site->name);
    bind_buf_puts(b, ")");
}

static void routing(bind_buf *b, bind_arena *a, const bind_model *m, const bind_binding *bd)
{
    char addr[48];
    bind_addr_format(&bd->addr, addr, true);
    bind_buf_printf(b, "\n**Routing.** An %s request to port %u ", bind_protocol_name((enum bind_protocol)bd->protocol), bd->port);
    switch (bd->addr.kind) {
    case BIND_ADDR_ANY: bind_buf_puts(b, "on any local address"); break;
    case BIND_ADDR_ANY4: bind_buf_puts(b, "on any local IPv4 address"); break;
    case BIND_ADDR_ANY6: bind_buf_puts(b, "on any local IPv6 address"); break;
    default: bind_buf_puts(b, "arriving at "); md_code(b, addr); break;
    }
    if (!*bd->host) bind_buf_puts(b, ", whatever its Host header,");
    else if (bd->host_wildcard) { bind_buf_puts(b, " whose Host ends in "); md_code(b, bd->host + 1); }
    else { bind_buf_puts(b, " whose Host is "); md_code(b, bd->host); }
    bind_buf_puts(b, " reaches site ");
    md_code(b, bd->site->name);
    int r = (int)bind_route_iis_rule(bd);
    bind_buf_printf(b, " here: rank %d of 6 in HTTP.sys's order (%s).", r, rank_names[r]);
    size_t n = 0, shown = 0;
    for (uint32_t i = 0; i < m->nsites; i++)
        for (uint32_t j = 0; j < m->sites[i]->nbindings; j++) n += bind_route_iis_takes_first(m->sites[i]->bindings[j], bd);
    if (n == 0) {
        bind_buf_puts(b, r == 1 ? " Nothing can take these requests first."
                                : " No other binding takes any of these requests first.");
    } else {
        bind_buf_printf(b, " %zu binding%s on this port take%s %s first:", n, n == 1 ? "" : "s", n == 1 ? "s" : "",
                        *bd->host ? "some of these requests" : "the requests for their own hosts");
        for (uint32_t i = 0; i < m->nsites && shown < 8; i++) {
            for (uint32_t j = 0; j < m->sites[i]->nbindings && shown < 8; j++) {
                const bind_binding *o = m->sites[i]->bindings[j];
                if (!bind_route_iis_takes_first(o, bd)) continue;
                bind_buf_puts(b, shown ? ", " : " ");
                binding_ref(b, a, o);
                shown++;
            }
        }
        if (n > shown) bind_buf_printf(b, " and %zu more", n - shown);
        bind_buf_puts(b, ".");
    }
    bind_buf_puts(b, " The nginx and apache targets are written to route the same way (W0407 where they cannot).\n");
}

/* How the apache target places a binding of a site only Apache serves,
 * and so how Apache picks it (runtime/apache_plan.h): the HTTP.sys order
 * above is not the one that runs there. */
static void apache_routing(bind_buf *b, bind_arena *a, const bind_model *m, const bind_binding *bd)
{
    const bind_apache_plan *p = bind_apache_plan_build(a, m);
    uint32_t v = UINT32_MAX;
    const char *name = NULL;
    for (uint32_t i = 0; i < p->nvhosts && v == UINT32_MAX; i++)
        for (uint32_t j = 0; j < p->vhosts[i].nnames; j++)
            if (p->vhosts[i].names[j].binding == bd) { v = i; name = p->vhosts[i].names[j].name; break; }
    for (uint32_t c = 0; c < p->nchains && v == UINT32_MAX; c++)
        if (p->chains[c].default_binding == bd) v = p->chains[c].first;
    bind_buf_puts(b, "\n**Apache.** ");
    if (v == UINT32_MAX) {
        for (uint32_t i = 0; i < p->nmerged; i++) {
            if (p->merged[i].binding != bd) continue;
            if (p->merged[i].lost_protocol) {
                bind_buf_puts(b, "The apache target leaves it out: `*:port` serves both address families there and speaks the "
                                 "other protocol (W0407).\n");
                return;
            }
            if (p->merged[i].shadowed_by) {
                bind_buf_puts(b, "`*:port` serves both address families, and there Apache answers its host with ");
                binding_ref(b, a, p->merged[i].shadowed_by);
                bind_buf_puts(b, " (W0407).\n");
                return;
            }
        }
        bind_buf_puts(b, "The apache target writes no block for it (W0407 says why).\n");
        return;
    }
    const bind_apache_vhost *vh = &p->vhosts[v];
    const bind_apache_chain *ch = &p->chains[vh->chains[0]];
    uint32_t k = 0;
    for (uint32_t i = 0; i <= v; i++)
        for (uint32_t j = 0; j < p->vhosts[i].nchains; j++) k += p->vhosts[i].chains[j] == vh->chains[0];
    bind_buf_puts(b, "The apache target writes it ");
    if (name) {
        bind_buf_puts(b, strcmp(name, vh->server_name) == 0 ? "as `ServerName` " : "as `ServerAlias` ");
        md_code(b, name);
        bind_buf_puts(b, " of ");
    } else {
        bind_buf_puts(b, "as ");
    }
    bind_buf_printf(b, "block %u of %u for ", k, ch->nvhosts);
    md_code(b, bind_apache_chain_text(a, ch));
    bind_buf_puts(b, ". Apache takes the blocks of the connection's own address and port (else `*:port`'s), then the first "
                     "in file order whose ServerName or ServerAlias matches the Host, else the first block");
    if (vh->rank == BIND_APACHE_DEFAULT)
        bind_buf_puts(b, ": this one, which so answers every Host no other block names.\n");
    else if (ch->default_binding) {
        bind_buf_puts(b, ", ");
        binding_ref(b, a, ch->default_binding);
        bind_buf_puts(b, ". Exact names come before wildcards, and longer wildcards before shorter, as in IIS.\n");
    } else {
        bind_buf_puts(b, ", a generated one that refuses (`Redirect 404 /`), as HTTP.sys would. Exact names come before "
                         "wildcards, and longer wildcards before shorter, as in IIS.\n");
    }
}

static void binding_hover(bind_buf *b, bind_arena *a, const bind_model *m, const bind_binding *bd, const bind_ast_binding *ab)
{
    enum bind_protocol p = (enum bind_protocol)bd->protocol;
    if (!bd->valid) {
        bind_buf_puts(b, "**binding** ");
        md_code(b, ab ? ab->protocol.text : "");
        bind_buf_puts(b, " ");
        md_code(b, ab ? ab->info.text : "");
        bind_buf_puts(b, " of site ");
        md_code(b, bd->site->name);
        bind_buf_puts(b, "\n\nThis binding has errors (see the diagnostics); its routing is explained once they are fixed.\n");
        return;
    }
    bind_buf_printf(b, "**%s** binding ", bind_protocol_name(p));
    md_code(b, bind_binding_info_text(a, bd));
    bind_buf_puts(b, " of site ");
    md_code(b, bd->site->name);
    bind_buf_printf(b, " (id %u)\n\n", bd->site->id);
    bind_buf_printf(b, "- **protocol** %s: %s\n", bind_protocol_name(p), protocol_words(p));
    enum bind_info_form form = bind_protocol_form(p);
    if (form == BIND_FORM_IP_PORT_HOST) { bind_buf_puts(b, "- **address** "); addr_words(b, &bd->addr); bind_buf_puts(b, "\n"); }
    if (form != BIND_FORM_HOST) bind_buf_printf(b, "- **port** %u\n", bd->port);
    bind_buf_puts(b, "- **host** ");
    if (!*bd->host) bind_buf_puts(b, "none: this binding answers any Host header that no other binding on the port claims\n");
    else if (strcmp(bd->host, "*") == 0) bind_buf_puts(b, "`*`: every host name\n");
    else if (bd->host_wildcard) {
        md_code(b, bd->host);
        bind_buf_puts(b, ": a wildcard host, every name ending in ");
        md_code(b, bd->host + 1);
        bind_buf_puts(b, " (IIS 10 and later)\n");
    } else {
        md_code(b, bd->host);
        bind_buf_puts(b, ": requests whose Host header names it, in any case\n");
    }
    if (p == BIND_PROTO_HTTPS) {
        bind_buf_puts(b, "- **certificate** ");
        if (bd->ccs) {
            bind_buf_puts(b, "from the Central Certificate Store, found by host name");
            if (*bd->host) { bind_buf_puts(b, " (file "); md_code(b, bind_arena_printf(a, "%s.pfx", bd->host)); bind_buf_puts(b, ")"); }
        } else if (bd->cert) {
            md_code(b, bd->cert->name);
            if (!bd->cert_span.end) bind_buf_puts(b, " (the platform's default certificate)");
            if (bd->cert->thumbprint) { bind_buf_puts(b, ", thumbprint "); md_code(b, bd->cert->thumbprint); }
            else if (bd->cert->friendly_name) { bind_buf_puts(b, ", found by its friendly name "); md_code(b, bd->cert->friendly_name); bind_buf_puts(b, " when the script runs"); }
            const char *store = bd->cert->store ? bd->cert->store : m->default_store ? m->default_store : "My";
            bind_buf_puts(b, ", store ");
            md_code(b, store);
            if (!bd->cert->has_names) bind_buf_puts(b, "; it declares no `names`, so its coverage is not checked");
            else if (*bd->host && strcmp(bd->host, "*") != 0) {
                bool covers = bind_cert_covers(bd->cert, bd->host);
                bind_buf_puts(b, covers ? "; its names cover " : "; its names do **not** cover ");
                md_code(b, bd->host);
            }
        } else if (bd->thumbprint) {
            bind_buf_puts(b, "thumbprint ");
            md_code(b, bd->thumbprint);
            bind_buf_puts(b, " (not a declared certificate)");
        } else {
            bind_buf_puts(b, "none (E0301)");
        }
        bind_buf_puts(b, "\n- **SNI** ");
        if (bd->sni) {
            bind_buf_puts(b, "on: HTTP.sys picks the certificate by the host name the client sends (netsh `hostnameport=");
            bind_buf_printf(b, "%s:%u`)\n", bd->host, bd->port);
        } else if (bd->ccs) {
            bind_buf_printf(b, "off: the certificate store is keyed by port (netsh `ccs=%u`)\n", bd->port);
        } else {
            bind_buf_puts(b, "off: HTTP.sys keeps one certificate per IP:port, shared by every https binding there (netsh `ipport`)\n");
        }
        static const struct { uint32_t bit; const char *what; } bits[] = {
            { BIND_SSL_NO_HTTP2, "HTTP/2 off" }, { BIND_SSL_NO_QUIC, "QUIC off" }, { BIND_SSL_NO_TLS13, "TLS 1.3 off" },
            { BIND_SSL_NO_LEGACY_TLS, "TLS 1.0/1.1 refused" }, { BIND_SSL_NO_OCSP, "OCSP stapling off" },
        };
        if (bd->ssl_flags & BIND_SSL_EXT_MASK) {
            bind_buf_puts(b, "- **TLS**");
            bool first = true;
            for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
                if (!(bd->ssl_flags & bits[i].bit)) continue;
                bind_buf_printf(b, "%s %s", first ? "" : ",", bits[i].what);
                first = false;
            }
            bind_buf_printf(b, " (sslFlags %u)\n", (unsigned)bd->ssl_flags);
        }
    }
    if (bd->acl) { bind_buf_puts(b, "- **URL ACL** granted to "); md_code(b, bd->acl); bind_buf_puts(b, "\n"); }
    if (bd->firewall) bind_buf_puts(b, bd->firewall > 0 ? "- **firewall** the netsh target opens this port\n"
                                                         : "- **firewall** never opened for this binding\n");
    bind_buf_printf(b, "- **served by** %s\n", server_words(bd->site->server));
    if (form != BIND_FORM_IP_PORT_HOST) return;
    if (bd->site->server == BIND_SERVER_APACHE && (p == BIND_PROTO_HTTP || p == BIND_PROTO_HTTPS)) apache_routing(b, a, m, bd);
    else routing(b, a, m, bd);
}

/* ---- sites, certificates, platforms ---------------------------------------- */

static void site_hover(bind_buf *b, bind_arena *a, const bind_site *s)
{
    bind_buf_puts(b, "**site** ");
    md_code(b, s->name);
    bind_buf_printf(b, ", id %u%s\n\n", s->id, s->id_given ? "" : " (the next free id: none is given)");
    if (s->physical_path) { bind_buf_puts(b, "- **path** "); md_code(b, s->physical_path); bind_buf_puts(b, "\n"); }
    if (s->pool) { bind_buf_puts(b, "- **pool** "); md_code(b, s->pool); bind_buf_puts(b, "\n"); }
    bind_buf_printf(b, "- **served by** %s\n", server_words(s->server));
    if (!s->autostart) bind_buf_puts(b, "- **autostart** off: IIS does not start it with the server\n");
    bind_buf_printf(b, "- **bindings** %u", s->nbindings);
    for (uint32_t i = 0; i < s->nbindings && i < BIND_LSP_HOVER_LIST; i++) {
        bind_buf_puts(b, i ? ", " : ": ");
        if (s->bindings[i]->valid) md_code(b, bind_binding_text(a, s->bindings[i]));
        else bind_buf_puts(b, "(one with errors)");
    }
    if (s->nbindings > BIND_LSP_HOVER_LIST) bind_buf_printf(b, " and %u more", s->nbindings - BIND_LSP_HOVER_LIST);
    bind_buf_puts(b, "\n");
    if (s->napps) {
        bind_buf_printf(b, "- **apps** %u:", s->napps);
        for (uint32_t i = 0; i < s->napps && i < BIND_LSP_HOVER_LIST; i++) { bind_buf_puts(b, " "); md_code(b, s->apps[i].path); }
        if (s->napps > BIND_LSP_HOVER_LIST) bind_buf_printf(b, " and %u more", s->napps - BIND_LSP_HOVER_LIST);
        bind_buf_puts(b, "\n");
    }
}

static void cert_hover(bind_buf *b, bind_arena *a, const bind_model *m, const bind_cert *c)
{
    bind_buf_puts(b, "**certificate** ");
    md_code(b, c->name);
    bind_buf_puts(b, c->is_stdlib ? " (stdlib)\n\n" : "\n\n");
    bind_buf_puts(b, "- **thumbprint** ");
    if (c->thumbprint) md_code(b, c->thumbprint);
    else if (c->friendly_name) { bind_buf_puts(b, "none: scripts find it by its friendly name "); md_code(b, c->friendly_name); }
    else bind_buf_puts(b, "none");
    bind_buf_puts(b, "\n- **store** ");
    md_code(b, c->store ? c->store : m->default_store ? m->default_store : "My");
    bind_buf_puts(b, "\n- **names** ");
    if (!c->has_names) bind_buf_puts(b, "not given: which hosts it covers is not checked");
    for (uint32_t i = 0; i < c->nnames && i < BIND_LSP_HOVER_LIST; i++) { if (i) bind_buf_puts(b, ", "); md_code(b, c->names[i]); }
    if (c->nnames > BIND_LSP_HOVER_LIST) bind_buf_printf(b, " and %u more", c->nnames - BIND_LSP_HOVER_LIST);
    bind_buf_puts(b, "\n");
    if (c->pem) { bind_buf_puts(b, "- **pem** "); md_code(b, c->pem); bind_buf_puts(b, "\n"); }
    if (c->key) { bind_buf_puts(b, "- **key** "); md_code(b, c->key); bind_buf_puts(b, "\n"); }
    size_t used = 0;
    for (uint32_t i = 0; i < m->nsites; i++)
        for (uint32_t j = 0; j < m->sites[i]->nbindings; j++) used += m->sites[i]->bindings[j]->cert == c;
    bind_buf_printf(b, "- **used by** %zu binding%s", used, used == 1 ? "" : "s");
    size_t shown = 0;
    for (uint32_t i = 0; i < m->nsites && shown < 8; i++) {
        for (uint32_t j = 0; j < m->sites[i]->nbindings && shown < 8; j++) {
            const bind_binding *o = m->sites[i]->bindings[j];
            if (o->cert != c) continue;
            bind_buf_puts(b, shown ? ", " : ": ");
            binding_ref(b, a, o);
            shown++;
        }
    }
    if (used > shown) bind_buf_printf(b, " and %zu more", used - shown);
    bind_buf_puts(b, "\n");
}

static void ports_line(bind_buf *b, const char *what, bool has, const bind_port_range *r, uint32_t n, const char *unset)
{
    bind_buf_printf(b, "- **%s** ", what);
    if (!has) { bind_buf_printf(b, "%s\n", unset); return; }
    for (uint32_t i = 0; i < n && i < BIND_LSP_HOVER_LIST; i++) {
        if (r[i].lo == r[i].hi) bind_buf_printf(b, "%s%u", i ? ", " : "", r[i].lo);
        else bind_buf_printf(b, "%s%u-%u", i ? ", " : "", r[i].lo, r[i].hi);
    }
    if (n > BIND_LSP_HOVER_LIST) bind_buf_printf(b, " and %u more", n - BIND_LSP_HOVER_LIST);
    bind_buf_puts(b, "\n");
}

static void platform_hover(bind_buf *b, const bind_model *m, const bind_platform *p)
{
    bind_buf_puts(b, "**platform** ");
    md_code(b, p->name);
    bind_buf_puts(b, p == m->platform ? " (the platform of this compilation)\n\n" : "\n\n");
    bind_buf_printf(b, "- **SNI** %s\n- **central certificate store** %s\n- **wildcard hosts** %s\n"
                       "- **sslFlags disable bits** %s\n",
                    p->sni ? "yes" : "no", p->ccs ? "yes" : "no", p->wildcard_hosts ? "yes" : "no",
                    p->ssl_flags_ext ? "yes (http2, quic, tls13, legacy_tls, ocsp)" : "no");
    ports_line(b, "free ports", p->has_free_ports, p->free_ports, p->nfree_ports,
               "not limited: the server registers its own URLs, no URL ACL is needed");
    ports_line(b, "SSL ports", p->has_ssl_ports, p->ssl_ports, p->nssl_ports,
               "not limited: the netsh target writes each SSL binding");
    bind_buf_puts(b, "- **local hosts** ");
    if (!p->has_local_hosts) bind_buf_puts(b, "not limited");
    for (uint32_t i = 0; i < p->nlocal_hosts && i < BIND_LSP_HOVER_LIST; i++) { if (i) bind_buf_puts(b, ", "); md_code(b, p->local_hosts[i]); }
    if (p->nlocal_hosts > BIND_LSP_HOVER_LIST) bind_buf_printf(b, " and %u more", p->nlocal_hosts - BIND_LSP_HOVER_LIST);
    bind_buf_puts(b, "\n");
    if (p->default_cert) { bind_buf_puts(b, "- **default certificate** "); md_code(b, p->default_cert); bind_buf_puts(b, "\n"); }
}

/* ---- words and codes ------------------------------------------------------ */

static void word_hover(bind_buf *b, const char *kind, const bind_word *w)
{
    bind_buf_printf(b, "**%s** `%s`\n\n%s\n", kind, w->name, w->doc);
}

static void code_hover(bind_buf *b, enum bind_code code)
{
    bind_buf_printf(b, "**%s** (%s): %s\n\n%s", bind_code_name(code), bind_severity_name(bind_code_severity(code)),
                    bind_code_summary(code), bind_code_explanation(code));
}

/* A word like E0201 at the offset, in a comment (codes are not part of
 * the language: they appear in notes such as `# expect: E0201`). */
static bool code_at(const bind_ast_file *ast, size_t offset, enum bind_code *code, size_t *start, size_t *end)
{
    bool in_comment = false;
    for (uint32_t i = 0; i < ast->ncomments && !in_comment; i++)
        in_comment = offset >= ast->comments[i].span.start && offset < ast->comments[i].span.end;
    if (!in_comment) return false;
    const char *text = ast->src->text;
    size_t len = ast->src->len;
    size_t a = offset, z = offset;
    while (a > 0 && isalnum((unsigned char)text[a - 1])) a--;
    while (z < len && isalnum((unsigned char)text[z])) z++;
    if (z - a != 5 || !strchr("EWIewi", text[a])) return false;
    char word[6];
    memcpy(word, text + a, 5);
    word[5] = '\0';
    if (!bind_code_parse(word, code)) return false;
    *start = a;
    *end = z;
    return true;
}

static enum bind_block block_of_stmt(int kind)
{
    switch (kind) {
    case BIND_STMT_SITE: return BIND_BLOCK_SITE;
    case BIND_STMT_CERT: return BIND_BLOCK_CERT;
    case BIND_STMT_DEFAULTS: return BIND_BLOCK_DEFAULTS;
    case BIND_STMT_PLATFORM_DEF: return BIND_BLOCK_PLATFORM;
    default: return BIND_BLOCK_TOP;
    }
}

/* Fields, options and keywords, from the syntax tree. */
static bool vocab_hover(bind_buf *b, const bind_ast_file *ast, uint32_t file, size_t offset, bind_span *range)
{
    size_t n;
    for (uint32_t i = 0; i < ast->nstmts; i++) {
        const bind_stmt *st = &ast->stmts[i];
        if (st->span.file != file || offset < st->span.start || offset >= st->span.end) continue;
        if (in_span(st->keyword, file, offset)) {
            const bind_word *k = bind_vocab_keywords(&n);
            const char *src = ast->src->text + st->keyword.start;
            const bind_word *w = bind_word_find(k, n, src, st->keyword.end - st->keyword.start);
            if (w) { word_hover(b, "keyword", w); *range = st->keyword; return true; }
        }
        for (uint32_t j = 0; j < st->nitems; j++) {
            const bind_item *it = &st->items[j];
            enum bind_block blk = block_of_stmt(st->kind);
            const bind_field *f = NULL;
            if (it->kind == BIND_ITEM_FIELD) f = &it->u.field;
            if (it->kind == BIND_ITEM_APP) {
                for (uint32_t q = 0; q < it->u.app.nitems; q++)
                    if (it->u.app.items[q].kind == BIND_ITEM_FIELD && in_span(it->u.app.items[q].u.field.key.span, file, offset)) {
                        f = &it->u.app.items[q].u.field;
                        blk = BIND_BLOCK_APP;
                    }
            }
            if (f && in_span(f->key.span, file, offset)) {
                const bind_word *fields = bind_vocab_fields(blk, &n);
                const bind_word *w = bind_word_find(fields, n, f->key.text, strlen(f->key.text));
                if (w) { word_hover(b, "field", w); *range = f->key.span; return true; }
            }
            if (it->kind != BIND_ITEM_BINDING) continue;
            const bind_ast_binding *ab = &it->u.binding;
            for (uint32_t q = 0; q < ab->noptions; q++) {
                if (!in_span(ab->options[q].name.span, file, offset)) continue;
                const bind_option_word *o = bind_option_find(ab->options[q].name.text, strlen(ab->options[q].name.text));
                if (o) { word_hover(b, "option", &o->word); *range = ab->options[q].name.span; return true; }
            }
        }
    }
    return false;
}

static const bind_ast_binding *ast_binding(const bind_ast_file *ast, bind_span span)
{
    for (uint32_t i = 0; i < ast->nstmts; i++)
        for (uint32_t j = 0; j < ast->stmts[i].nitems; j++) {
            const bind_item *it = &ast->stmts[i].items[j];
            if (it->kind == BIND_ITEM_BINDING && it->u.binding.span.start == span.start && it->u.binding.span.end == span.end)
                return &it->u.binding;
        }
    return NULL;
}

/* The model object under the cursor. */
static bool model_hover(bind_buf *b, bind_arena *a, const bind_model *m, const bind_ast_file *ast, uint32_t file,
                        size_t offset, bind_span *range)
{
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        if (in_span(s->name_span, file, offset)) { site_hover(b, a, s); *range = s->name_span; return true; }
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *bd = s->bindings[j];
            if (bd->cert && bd->cert_span.end && in_span(bd->cert_span, file, offset)) {
                cert_hover(b, a, m, bd->cert);
                *range = bd->cert_span;
                return true;
            }
            if (in_span(bd->span, file, offset)) {
                binding_hover(b, a, m, bd, ast_binding(ast, bd->span));
                *range = bd->span;
                return true;
            }
        }
    }
    for (uint32_t i = 0; i < m->ncerts; i++)
        if (in_span(m->certs[i]->span, file, offset)) { cert_hover(b, a, m, m->certs[i]); *range = m->certs[i]->span; return true; }
    for (uint32_t i = 0; i < m->nplatforms; i++)
        if (in_span(m->platforms[i]->span, file, offset)) {
            platform_hover(b, m, m->platforms[i]);
            *range = m->platforms[i]->span;
            return true;
        }
    for (uint32_t i = 0; i < ast->nstmts; i++) {
        const bind_stmt *st = &ast->stmts[i];
        if (st->kind != BIND_STMT_PLATFORM_SELECT || !in_span(st->name.span, file, offset)) continue;
        const bind_platform *p = bind_model_find_platform(m, st->name.text);
        if (p) { platform_hover(b, m, p); *range = st->name.span; return true; }
    }
    return false;
}

json_t *bind_lsp_hover(bind_lsp_server *s, json_t *params, int *code, const char **message)
{
    bind_lsp_doc *doc;
    size_t offset;
    if (!bind_lsp_position_params(s, params, &doc, &offset, code, message)) return NULL;
    uint32_t file;
    bind_lsp_unit *u = doc ? bind_lsp_unit_of(s, doc, &file) : NULL;
    if (!u) return json_null();
    const bind_ast_file *ast = bind_lsp_unit_ast(u, file);
    bind_buf b;
    bind_buf_init(&b);
    bind_span range = bind_span_make(file, (uint32_t)offset, (uint32_t)offset);
    bool found = false;
    enum bind_code c;
    size_t cs = 0, ce = 0;
    if (ast && code_at(ast, offset, &c, &cs, &ce)) {
        code_hover(&b, c);
        range = bind_span_make(file, (uint32_t)cs, (uint32_t)ce);
        found = true;
    }
    if (!found && ast) found = vocab_hover(&b, ast, file, offset, &range);
    bind_arena *scratch = bind_arena_new();          /* this request's texts, not the unit's arena */
    if (!found && ast) found = model_hover(&b, scratch, u->c->model, ast, file, offset, &range);
    bind_arena_free(scratch);
    /* The diagnostics here: why each code matters, once per code. */
    bool seen[BIND_CODE_COUNT] = { false };
    const bind_diag_bag *bag = &u->c->diags;
    for (size_t i = 0; i < bag->list.len; i++) {
        const bind_diag *d = bag->list.items[i];
        bool at = d->span.file == file && offset >= d->span.start && (offset < d->span.end || offset == d->span.start);
        if (!at || seen[d->code]) continue;
        seen[d->code] = true;
        bind_buf_puts(&b, b.len ? "\n---\n\n" : "");
        code_hover(&b, d->code);
        if (!found) { range = d->span; found = true; }
    }
    if (!found) { bind_buf_free(&b); return json_null(); }
    if (b.len > BIND_LSP_MAX_HOVER) {
        /* Cut on a character, and said so. */
        size_t cut = BIND_LSP_MAX_HOVER;
        while (cut > 0 && (b.data[cut] & 0xC0) == 0x80) cut--;
        b.len = cut;
        bind_buf_printf(&b, "\n\n(cut at %zu KiB)\n", BIND_LSP_MAX_HOVER >> 10);
    }
    json_t *r = json_object();
    json_object_set_new(r, "contents", bind_lsp_markup(s->hover_markdown, b.data, b.len));
    json_object_set_new(r, "range", bind_lsp_range_json(s, u, range));
    bind_buf_free(&b);
    return r;
}
