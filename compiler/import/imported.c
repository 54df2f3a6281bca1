/* What the readers share: sites, bindings read the way the language reads
 * them, diagnostics into the sources, and text made safe for a comment. */
#include <stdio.h>
#include <string.h>

#include "imported.h"
#include "base/buf.h"

const char *bind_import_kind_name(enum bind_import_kind k)
{
    switch (k) {
    case BIND_IMPORT_IIS_CONFIG: return "applicationhost.config";
    case BIND_IMPORT_NETSH_SSLCERT: return "netsh http show sslcert";
    case BIND_IMPORT_NETSH_URLACL: return "netsh http show urlacl";
    case BIND_IMPORT_NETSH_IPLISTEN: return "netsh http show iplisten";
    case BIND_IMPORT_APPCMD: return "appcmd list site";
    case BIND_IMPORT_NGINX: return "nginx configuration";
    case BIND_IMPORT_NETSH_EXCLUDED: return "netsh int ipv4 show excludedportrange";
    default: return "unknown";
    }
}

bind_diag *bind_imp_diag(bind_imported *im, enum bind_code code, bind_span at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = bind_arena_vprintf(im->arena, fmt, ap);
    va_end(ap);
    return bind_diag_push(&im->diags, code, at, "%s", msg);
}

void bind_imp_note(bind_imported *im, bind_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = bind_arena_vprintf(im->arena, fmt, ap);
    va_end(ap);
    bind_diag_note(&im->diags, d, NULL, "%s", msg);
}

bind_imp_site *bind_imp_site_add(bind_imported *im, const char *name, bind_span at)
{
    bind_imp_site *s = bind_arena_alloc(im->arena, sizeof *s);
    s->name = name;
    s->at = at;
    s->server = BIND_SERVER_ANY;
    bind_vec_push(&im->sites, s);
    return s;
}

void bind_imp_site_free_all(bind_imported *im) { bind_vec_free(&im->sites); }

bool bind_imp_ieq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn) return false;
    for (size_t i = 0; i < an; i++) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] + 32) : a[i];
        char y = b[i] >= 'A' && b[i] <= 'Z' ? (char)(b[i] + 32) : b[i];
        if (x != y) return false;
    }
    return true;
}

char *bind_imp_lower(bind_arena *a, const char *s, size_t n)
{
    char *o = bind_arena_strndup(a, s, n);
    for (char *p = o; *p; p++) if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    return o;
}

/* The formatter's spelling (syntax/format.c, binding_words): lower-case
 * host, RFC 5952 IPv6, `*`/0.0.0.0/[::] as they are.  Put together by
 * hand: a fleet has a binding of these a line. */
const char *bind_imp_info_text(bind_arena *a, uint8_t protocol, const bind_imp_where *w)
{
    enum bind_info_form form = bind_protocol_form((enum bind_protocol)protocol);
    if (form == BIND_FORM_HOST) return w->host;
    char addr[48], port[10];
    size_t an = form == BIND_FORM_IP_PORT_HOST ? bind_addr_format(&w->addr, addr, true) : 0;
    size_t pn = bind_decimal(port, w->port);
    size_t hn = strlen(w->host), n = an + (an ? 1 : 0) + pn + 1 + hn;
    char *o = bind_arena_alloc(a, n + 1), *p = o;
    if (an) { memcpy(p, addr, an); p += an; *p++ = ':'; }
    memcpy(p, port, pn);
    p += pn;
    *p++ = ':';
    memcpy(p, w->host, hn + 1);
    return o;
}

bool bind_imp_binding_read(bind_imported *im, bind_imp_binding *b, const char *protocol, size_t plen,
                           const char *info, size_t ilen, bind_span at)
{
    memset(b, 0, sizeof *b);
    b->at = at;
    int p = 0;
    while (p < BIND_PROTO_COUNT && !bind_imp_ieq(protocol, plen, bind_protocol_name((enum bind_protocol)p))) p++;
    if (p == BIND_PROTO_COUNT) {
        bind_diag *d = bind_imp_diag(im, BIND_W0601, at, "binding of protocol `%.*s` left out: the language knows no such protocol",
                                     (int)(plen > 64 ? 64 : plen), protocol);
        bind_imp_note(im, d, "protocols are http, https, ftp, net.tcp, net.pipe, net.msmq and msmq.formatname");
        return false;
    }
    b->protocol = (uint8_t)p;
    bind_word_errors errs;
    memset(&errs, 0, sizeof errs);
    /* A word of the .bind language ends at white space and at # " ' { } = ,
     * so information holding one of them cannot be written as a binding. */
    bool word = ilen > 0;
    for (size_t i = 0; i < ilen && word; i++) {
        unsigned char c = (unsigned char)info[i];
        word = c > 0x20 && c != 0x7f && c != '#' && c != '"' && c != '\'' && c != '{' && c != '}' && c != '=' && c != ',';
    }
    bind_info bi;
    const char *text = info;
    size_t tlen = ilen;
    if (word && bind_iis_info_no_address((enum bind_protocol)p, info, ilen)) {
        char *star = bind_arena_alloc(im->arena, ilen + 2);
        star[0] = '*';
        memcpy(star + 1, info, ilen);
        star[ilen + 1] = '\0';
        text = star;
        tlen = ilen + 1;
    }
    if (!word || !bind_info_parse(im->arena, bind_protocol_form((enum bind_protocol)p), text, tlen, &bi, &errs)) {
        bind_diag *d = bind_imp_diag(im, BIND_W0601, at, "binding `%s %.*s` left out: its information does not parse",
                                     bind_protocol_name((enum bind_protocol)p), (int)(ilen > 200 ? 200 : ilen), info);
        if (!word) bind_imp_note(im, d, "binding information is one word: no spaces, no # \" ' { } = or `,`");
        for (size_t i = 0; i < errs.len; i++) bind_imp_note(im, d, "%s", errs.items[i].message);
        return false;
    }
    b->parsed.addr = bi.addr;
    b->parsed.port = bi.port;
    b->parsed.host = bi.host;
    b->parsed.host_wildcard = bi.host_wildcard;
    b->info = bind_imp_info_text(im->arena, b->protocol, &b->parsed);
    return true;
}

/* ---- comments ----------------------------------------------------------- */

const char *bind_imp_comment_text(bind_arena *a, const char *s, size_t n)
{
    char *o = bind_arena_alloc(a, n + 1), *w = o;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c < 0x80) {
            *w++ = c < 0x20 || c == 0x7f ? ' ' : (char)c;
            i++;
            continue;
        }
        size_t len = c >= 0xC2 && c <= 0xDF ? 2 : (c & 0xF0) == 0xE0 ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        bool ok = len && i + len <= n;
        for (size_t k = 1; ok && k < len; k++) ok = (p[i + k] & 0xC0) == 0x80;
        uint32_t cp = 0;
        if (ok) {
            cp = len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
            for (size_t k = 1; k < len; k++) cp = cp << 6 | (p[i + k] & 0x3Fu);
            ok = !(len == 3 && cp < 0x800) && !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) && !(cp >= 0xD800 && cp <= 0xDFFF);
        }
        /* The lexer refuses these outside strings (E0003): C1 controls,
         * invisible marks, a BOM, a no-break space. */
        if (ok && (cp < 0xA0 || cp == 0xA0 || cp == 0x200B || cp == 0x200E || cp == 0x200F || cp == 0xFEFF ||
                   cp == 0xFFFE || cp == 0xFFFF)) ok = false;
        if (ok) { memcpy(w, p + i, len); w += len; i += len; }
        else { *w++ = cp == 0xA0 ? ' ' : '?'; i += len ? len : 1; }
    }
    *w = '\0';
    /* Trimmed; nothing left is no comment. */
    char *b = o;
    while (*b == ' ') b++;
    while (w > b && w[-1] == ' ') *--w = '\0';
    return *b ? b : NULL;
}

bool bind_imp_comment_secret(const char *s, size_t n)
{
    static const char *const words[] = { "password", "passwd", "pwd", "secret", "credential", "token", "apikey", "api key",
                                         "api_key", "private key", "kennwort", "passwort" };
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t k = strlen(words[w]);
        for (size_t i = 0; i + k <= n; i++)
            if (bind_imp_ieq(s + i, k, words[w])) return true;
    }
    return false;
}
