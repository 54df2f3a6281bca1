/* Each binding on its own: protocol, binding information, options, the
 * certificate it uses, and what the platform allows without setup. */
#include "checker.h"
#include "model/vocab.h"

#include <ctype.h>
#include <string.h>

static bool parse_protocol(bind_checker *k, const bind_ast_binding *ab, bind_binding *b)
{
    char lower[32];
    size_t n = strlen(ab->protocol.text);
    if (n < sizeof lower) {
        for (size_t i = 0; i <= n; i++) lower[i] = (char)tolower((unsigned char)ab->protocol.text[i]);
        for (int p = 0; p < BIND_PROTO_COUNT; p++) {
            if (strcmp(lower, bind_protocol_name((enum bind_protocol)p)) == 0) {
                b->protocol = (uint8_t)p;
                return true;
            }
        }
    }
    bind_diag *d = bind_diag_push(k->diags, BIND_E0101, ab->protocol.span, "unknown protocol `%s`", ab->protocol.text);
    const char *names[BIND_PROTO_COUNT];
    for (int p = 0; p < BIND_PROTO_COUNT; p++) names[p] = bind_protocol_name((enum bind_protocol)p);
    bind_check_did_you_mean(k, d, ab->protocol.span, ab->protocol.text, names, BIND_PROTO_COUNT);
    const char *list = names[0];
    for (int p = 1; p < BIND_PROTO_COUNT; p++)
        list = bind_arena_printf(k->scratch, "%s%s%s", list, p + 1 < BIND_PROTO_COUNT ? ", " : " and ", names[p]);
    bind_diag_note(k->diags, d, NULL, "protocols are %s", list);
    return false;
}


static int option_bool(bind_checker *k, const bind_option *o)
{
    if (!o->has_value) return 1;
    const bind_scalar *v = &o->value.items[0];
    if (o->value.len == 1 && strcmp(v->text, "on") == 0) return 1;
    if (o->value.len == 1 && strcmp(v->text, "off") == 0) return 0;
    bind_diag *d = bind_diag_push(k->diags, BIND_E0007, o->value.span, "option `%s` takes `on` or `off`, not `%s`",
                                  o->name.text, v->text);
    /* The same fix-its as for fields (check/declarations.c bool_of): `firewall=true` is clearly meant. */
    static const char *const yes[] = { "true", "yes", "1", "enabled", "on" };
    static const char *const no[] = { "false", "no", "0", "disabled", "off" };
    for (size_t i = 0; i < 5; i++) {
        if (bind_check_ascii_ieq(v->text, yes[i])) bind_diag_fixit(k->diags, d, v->span, "on");
        if (bind_check_ascii_ieq(v->text, no[i])) bind_diag_fixit(k->diags, d, v->span, "off");
    }
    return -1;
}

/* Options: names, values and duplicates.  Returns the cert= option. */
static const bind_option *read_options(bind_checker *k, const bind_ast_binding *ab, bind_binding *b,
                                       const bind_option **seen)
{
    for (int i = 0; i < BIND_OPTION_COUNT; i++) seen[i] = NULL;
    for (uint32_t i = 0; i < ab->noptions; i++) {
        const bind_option *o = &ab->options[i];
        int j = 0;
        while (j < BIND_OPTION_COUNT && strcmp(bind_options[j].word.name, o->name.text) != 0) j++;
        if (j == BIND_OPTION_COUNT) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0006, o->name.span, "unknown option `%s` for a binding", o->name.text);
            const char *names[BIND_OPTION_COUNT];
            for (int q = 0; q < BIND_OPTION_COUNT; q++) names[q] = bind_options[q].word.name;
            bind_check_did_you_mean(k, d, o->name.span, o->name.text, names, BIND_OPTION_COUNT);
            continue;
        }
        if (seen[j]) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0007, o->name.span, "option `%s` is given twice", o->name.text);
            bind_diag_note(k->diags, d, &seen[j]->span, "first given here");
            continue;
        }
        if (bind_options[j].needs_value && !o->has_value) {
            bind_diag_push(k->diags, BIND_E0007, o->span, "option `%s` needs a value: `%s=…`", o->name.text, o->name.text);
            continue;
        }
        if (o->has_value && o->value.len > 1) {
            bind_diag_push(k->diags, BIND_E0007, o->value.items[1].span, "option `%s` takes one value", o->name.text);
            continue;
        }
        seen[j] = o;
        int on;
        switch (j) {
        case BIND_OPTION_SNI: b->sni = option_bool(k, o) == 1; break;
        case BIND_OPTION_CCS: b->ccs = option_bool(k, o) == 1; break;
        case BIND_OPTION_FIREWALL: on = option_bool(k, o); b->firewall = on == 1 ? 1 : on == 0 ? -1 : 0; break;
        case BIND_OPTION_ACL: {
            const bind_scalar *v = &o->value.items[0];
            bool ctl = false;
            for (const unsigned char *p = (const unsigned char *)v->text; *p; p++) ctl |= *p < 0x20 || *p == 0x7f;
            if (ctl || !*v->text) bind_diag_push(k->diags, BIND_E0007, v->span, "acl user is empty or contains a control character");
            else { b->acl = v->text; b->acl_span = v->span; }
            break;
        }
        case BIND_OPTION_CERT: break;
        default:
            if (option_bool(k, o) == 0) b->ssl_flags |= bind_options[j].off_bit;
            break;
        }
    }
    if (b->sni) b->ssl_flags |= BIND_SSL_SNI;
    if (b->ccs) b->ssl_flags |= BIND_SSL_CCS;
    return seen[BIND_OPTION_CERT];
}

static bind_cert *declared_cert(bind_checker *k, const char *name)
{
    bind_cert *c = bind_table_get(&k->cert_by_name, bind_check_name_hash(name), name);
    if (c) c->used = true;
    return c;
}

/* `cert=` takes a declared name or a thumbprint literal. */
static void resolve_cert(bind_checker *k, const bind_scalar *v, bind_binding *b)
{
    if ((b->cert = declared_cert(k, v->text))) return;
    size_t hex = 0, other = 0;
    for (const unsigned char *p = (const unsigned char *)v->text; *p; p++) {
        if (isxdigit(*p)) hex++;
        else if (*p != ' ' && *p != ':' && *p < 0x80) other++;
    }
    if (other == 0 && hex >= 16) {              /* meant as a thumbprint */
        b->thumbprint = bind_check_thumbprint(k, v);
        return;
    }
    bind_diag *d = bind_diag_push(k->diags, BIND_E0303, v->span,
                                  "`%s` names no declared certificate and is not a 40-hex-digit thumbprint", v->text);
    const char *names[256];
    size_t n = 0;
    for (size_t i = 0; i < k->certs.len && n < 256; i++) names[n++] = k->certs.items[i]->name;
    bind_check_did_you_mean(k, d, v->span, v->text, names, n);
}

static bind_cert *suggest_cert(bind_checker *k, const bind_binding *b)
{
    bind_cert *only = NULL;
    size_t user = 0;
    for (size_t i = 0; i < k->certs.len; i++) {
        bind_cert *c = k->certs.items[i];
        if (c->is_stdlib) continue;
        user++;
        only = c;
        if (*b->host && c->has_names && bind_cert_covers(c, b->host)) return c;
    }
    return user == 1 ? only : NULL;
}

/* A `cert` option was written, even if read_options refused it (`cert`
 * without a value, `cert=a,b`): E0007 has said what is wrong, and "https
 * binding without a certificate" on top would be a follow-on error. */
static bool cert_written(const bind_ast_binding *ab)
{
    for (uint32_t i = 0; i < ab->noptions; i++)
        if (strcmp(ab->options[i].name.text, bind_options[BIND_OPTION_CERT].word.name) == 0) return true;
    return false;
}

/* What the binding's options say about TLS that needs no declaration but
 * its own.  The certificate is looked up now when it is already declared
 * (as it usually is); otherwise the value waits for the end. */
static void tls_declared(bind_checker *k, const bind_ast_binding *ab, bind_binding *b, const bind_option **seen,
                         bind_binding_syntax *syn)
{
    if (b->protocol != BIND_PROTO_HTTPS) {
        for (int j = 0; j < BIND_OPTION_COUNT; j++) {
            if (!seen[j] || !bind_options[j].tls) continue;
            bind_diag *d = bind_diag_push(k->diags, BIND_E0305, seen[j]->span, "option `%s` is for https bindings, not %s",
                                          bind_options[j].word.name, bind_protocol_name((enum bind_protocol)b->protocol));
            bind_diag_fixit(k->diags, d, seen[j]->span, "");
        }
        return;
    }
    if (b->sni && b->valid && !*b->host) {
        bind_diag *d = bind_diag_push(k->diags, BIND_E0206, seen[BIND_OPTION_SNI]->span, "`sni` needs a host name: this binding has none");
        bind_diag_note(k->diags, d, NULL, "SNI picks the certificate by the host name the client sends; give the binding a host name or drop `sni`");
    }
    if (seen[BIND_OPTION_SNI]) syn->sni = seen[BIND_OPTION_SNI]->span;
    if (seen[BIND_OPTION_CCS]) syn->ccs = seen[BIND_OPTION_CCS]->span;
    if (b->ssl_flags & BIND_SSL_EXT_MASK) {
        bind_span *off = bind_arena_alloc(k->arena, (BIND_OPTION_OCSP - BIND_OPTION_HTTP2 + 1) * sizeof *off);
        for (int j = BIND_OPTION_HTTP2; j <= BIND_OPTION_OCSP; j++)
            if (seen[j]) off[j - BIND_OPTION_HTTP2] = seen[j]->span;
        syn->off = off;
    }
    syn->cert_written = cert_written(ab);
    if (seen[BIND_OPTION_CERT]) {
        const bind_scalar *v = &seen[BIND_OPTION_CERT]->value.items[0];
        b->cert_span = v->span;
        if (!(b->cert = declared_cert(k, v->text))) {
            bind_scalar *later = bind_arena_alloc(k->arena, sizeof *later);
            *later = *v;
            syn->cert = later;
        }
    }
}

/* What needs the platform and every certificate. */
static void check_tls(bind_checker *k, bind_binding *b, const bind_binding_syntax *syn)
{
    const bind_platform *pf = k->m->platform;
    if (b->protocol != BIND_PROTO_HTTPS) return;
    if (b->sni && !pf->sni)
        bind_diag_push(k->diags, BIND_E0207, syn->sni, "platform `%s` has no SNI (IIS 8 and later have it)", pf->name);
    if (b->ccs && !pf->ccs)
        bind_diag_push(k->diags, BIND_E0207, syn->ccs, "platform `%s` has no central certificate store", pf->name);
    if ((b->ssl_flags & BIND_SSL_EXT_MASK) && !pf->ssl_flags_ext) {
        for (int j = BIND_OPTION_HTTP2; j <= BIND_OPTION_OCSP; j++)
            if (syn->off[j - BIND_OPTION_HTTP2].end && (b->ssl_flags & bind_options[j].off_bit))
                bind_diag_push(k->diags, BIND_E0207, syn->off[j - BIND_OPTION_HTTP2],
                               "platform `%s` cannot switch off %s per binding (an IIS 10 sslFlags bit)", pf->name, bind_options[j].word.name);
    }

    if (syn->cert) resolve_cert(k, syn->cert, b);
    else if (!b->cert_span.end && !b->ccs) {     /* no cert= value (one found at its declaration has a span) */
        if (pf->default_cert) b->cert = declared_cert(k, pf->default_cert);
        else if (!syn->cert_written) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0301, b->info_span, "https binding without a certificate");
            bind_cert *s = suggest_cert(k, b);
            if (s)
                bind_diag_fixit(k->diags, d, bind_span_make(b->span.file, b->span.end, b->span.end),
                                bind_arena_printf(k->arena, " cert=%s", s->name));
            else
                bind_diag_note(k->diags, d, NULL, "add cert=NAME (a declared cert) or cert=THUMBPRINT, or `ccs` for the central certificate store");
        }
    }
    if (b->cert && b->cert->has_names && b->valid && *b->host && !bind_cert_covers(b->cert, b->host)) {
        bind_diag *d = bind_diag_push(k->diags, BIND_W0301, b->cert_span.end ? b->cert_span : b->info_span,
                                      "certificate `%s` does not cover host `%s`", b->cert->name, b->host);
        bind_diag_note(k->diags, d, &b->cert->span, "its names are declared here");
    }
}

static void format_ranges(char *buf, size_t n, const bind_port_range *r, uint32_t nr)
{
    size_t len = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < nr && len + 16 < n; i++) {
        if (r[i].lo == r[i].hi) len += (size_t)snprintf(buf + len, n - len, "%s%u", i ? ", " : "", r[i].lo);
        else len += (size_t)snprintf(buf + len, n - len, "%s%u-%u", i ? ", " : "", r[i].lo, r[i].hi);
    }
}

/* What a server running as an ordinary user (IIS Express) may bind without
 * an administrator: the platform's free ports, SSL ports and local hosts. */
static void check_platform_rules(bind_checker *k, bind_binding *b, const bind_binding_syntax *syn)
{
    const bind_platform *pf = k->m->platform;
    if (!b->valid || (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS)) return;
    char ranges[128];
    bool needs_acl = false;
    /* Port warnings point at the port, host warnings at the host: the part to change. */
    bind_span port_span = syn->port, host_span = syn->host;
    /* With --state, a machine that holds what W0401 and W0402 ask for has
     * nothing missing; the URL ACL is still one W0406 speaks of. */
    if (pf->has_free_ports && !bind_port_in(pf->free_ports, pf->nfree_ports, b->port)) {
        needs_acl = true;
        if (!bind_state_holds_urlacl(k, b)) {
            format_ranges(ranges, sizeof ranges, pf->free_ports, pf->nfree_ports);
            bind_diag *d = bind_diag_push(k->diags, BIND_W0401, port_span,
                                          "port %u is outside the free ports of %s (%s): it needs a URL ACL", b->port, pf->name, ranges);
            bind_diag_note(k->diags, d, NULL, "without it the server fails with \"URL binding failure\"; the netsh target emits `netsh http add urlacl`");
        }
    }
    if (b->protocol == BIND_PROTO_HTTPS) {
        bool in_ssl = pf->has_ssl_ports && bind_port_in(pf->ssl_ports, pf->nssl_ports, b->port);
        if (pf->has_ssl_ports && !in_ssl && !bind_state_holds_sslcert(k, b)) {
            format_ranges(ranges, sizeof ranges, pf->ssl_ports, pf->nssl_ports);
            bind_diag *d = bind_diag_push(k->diags, BIND_W0402, port_span,
                                          "https port %u is outside the SSL ports of %s (%s): an SSL certificate binding must be set up",
                                          b->port, pf->name, ranges);
            bind_diag_note(k->diags, d, NULL, "the netsh target emits `netsh http add sslcert` for it");
        }
        /* A server with SSL ports of its own is a developer's (IIS Express):
         * W0402 already says what its other ports need, and clients and
         * corporate firewalls are not its concern. */
        if (b->port != 443 && !in_ssl && !pf->has_ssl_ports) {
            bind_diag *d = bind_diag_push(k->diags, BIND_W0403, port_span, "https on port %u, not 443", b->port);
            bind_diag_note(k->diags, d, NULL, "clients must name the port, and corporate firewalls often block it");
        }
    }
    if (pf->has_local_hosts) {
        bool local = false;
        for (uint32_t i = 0; i < pf->nlocal_hosts && !local; i++) local = pf->local_hosts[i] == b->host;
        if (!local) {
            bind_diag *d;
            if (!*b->host)
                d = bind_diag_push(k->diags, BIND_W0404, b->info_span,
                                   "binding without a host name answers every host, not only %s's local hosts: it needs a URL ACL and a firewall rule",
                                   pf->name);
            else
                d = bind_diag_push(k->diags, BIND_W0404, host_span,
                                   "host `%s` is not a local host of %s: it needs a URL ACL and a firewall rule", b->host, pf->name);
            bind_diag_note(k->diags, d, NULL, "the netsh target emits both");
            needs_acl = true;
        }
    }
    /* Only where Everyone is what nobody chose: an acl=Everyone written on
     * the binding or in defaults is the user's decision, not a mistake. */
    if (needs_acl && !b->acl && !k->m->default_acl) {
        bind_diag *d = bind_diag_push(k->diags, BIND_W0406, b->info_span,
                                      "the URL ACL for this binding is granted to Everyone");
        bind_diag_note(k->diags, d, NULL, "any local program may then listen on this URL; set acl=USER on the binding or in "
                                          "defaults (acl=Everyone if that is what you want)");
    }
}

void bind_check_binding_declared(bind_checker *k, bind_binding *b, const bind_ast_binding *ab, bind_binding_syntax *syn)
{
    const bind_option *seen[BIND_OPTION_COUNT];
    bool proto_ok = parse_protocol(k, ab, b);
    read_options(k, ab, b, seen);
    if (!proto_ok) return;

    bind_info info;
    bind_word_errors errs = { .len = 0 };
    const char *w = ab->info.text;
    /* The reading's texts (the lower-cased host, error messages) are copied
     * out of the scratch arena: the host interned, the messages into the
     * diagnostics. */
    b->valid = bind_info_parse(k->scratch, bind_protocol_form((enum bind_protocol)b->protocol), w, strlen(w), &info, &errs);
    if (!b->valid) bind_check_word_errors(k, &ab->info, 0, &errs);
    b->addr = info.addr;
    b->port = info.port;
    b->host = bind_intern_cstr(k->in, info.host ? info.host : "");
    b->host_wildcard = info.host_wildcard;
    b->has_twin = b->valid && bind_check_has_twin(b->host, b->host_wildcard);   /* while the host is in the cache */
    bind_arena_reset(k->scratch);
    syn->parsed = true;
    syn->port = bind_check_subspan(&ab->info, info.port_off, info.port_len);
    syn->host = *b->host ? bind_check_subspan(&ab->info, info.host_off, info.host_len) : ab->info.span;
    tls_declared(k, ab, b, seen, syn);
}

void bind_check_bindings(bind_checker *k)
{
    const bind_platform *pf = k->m->platform;
    for (size_t i = 0; i < k->bindings.len; i++) {
        bind_binding *b = bind_check_binding_at(k, i);
        const bind_binding_syntax *syn = &k->binding_syntax.items[i];
        if (!syn->parsed) continue;
        if (b->valid && b->host_wildcard && !pf->wildcard_hosts) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0106, syn->host, "wildcard host `%s` needs a platform with wildcard hosts; `%s` has none",
                                          b->host, pf->name);
            bind_diag_note(k->diags, d, NULL, "IIS 10 and later accept `*.example.com` host headers");
        }
        check_tls(k, b, syn);
        check_platform_rules(k, b, syn);
    }
}
