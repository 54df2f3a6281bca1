/* The httpcfg and httpcfg-revert targets: Windows XP SP2 and Server 2003.
 *
 * The same records as the netsh target (backend/http_sys_plan.h) through httpcfg.exe
 * (`httpcfg set|delete urlacl /u URL /a SDDL`, `httpcfg set|delete ssl
 * /i IP:PORT /h HASH /g "{GUID}"`, `httpcfg set|delete iplisten /i IP`) and
 * the Windows XP firewall (`netsh firewall ... portopening`, per port).
 * httpcfg takes only SDDL, so a named grantee becomes a SID when the script
 * runs (wmic), and a certificate named by its friendly name is found in the
 * registry: these systems have no PowerShell.  Like netsh.cmd, httpcfg.cmd
 * looks at every record first and never destroys one it did not make
 * (backend/http_sys_plan.h).  HTTP.sys on these systems has no SNI, no
 * central certificate store and none of the sslFlags disable switches: such
 * bindings get W0407. */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "cmd_exe_quote.h"
#include "http_sys_plan.h"

#define BIND_HTTPCFG_MAX_FRIENDLY_NAME 2000u

/* What this target can write, decided once for both scripts. */
typedef struct httpcfg_plan {
    bind_http_sys_plan p;
    bool *ssl_ok;                  /* per plan.ssl: an ipport record */
    uint16_t *ports;               /* firewall ports, de-duplicated */
    uint32_t nports;
    uint32_t nsteps;
} httpcfg_plan;

/* One W0407 per missing feature, at its first binding: a site with fifty
 * SNI bindings needs to hear it once. */
static void warn(bind_emit_ctx *cx, const bind_ssl_binding *first, uint32_t count, const char *what)
{
    if (!first) return;
    bind_diag *d = bind_http_sys_diag_once(cx, BIND_W0407, first->binding->info_span,
                                           "httpcfg.exe (Windows XP / Server 2003) has no %s", what);
    if (!d) return;
    if (count > 1) bind_diag_note(cx->diags, d, NULL, "%u SSL bindings need it", count);
    bind_diag_note(cx->diags, d, NULL, "%s",
                   first->key_kind == BIND_SSL_KEY_IPPORT
                       ? "the httpcfg script binds the certificate without it; the netsh target (Windows Vista and later) can write it"
                       : "the httpcfg script writes no SSL binding for it; use the netsh target (Windows Vista and later)");
}

static bool plan_build(const bind_model *m, bind_emit_ctx *cx, httpcfg_plan *h)
{
    memset(h, 0, sizeof *h);
    if (!bind_http_sys_plan_build(m, cx, &h->p)) return false;
    const bind_http_sys_plan *p = &h->p;
    h->ssl_ok = bind_arena_alloc(cx->arena, (p->nssl + 1) * sizeof *h->ssl_ok);
    h->ports = bind_arena_alloc(cx->arena, (p->nfirewall + 1) * sizeof *h->ports);
    uint32_t nssl = 0;
    enum { SNI, CCS, FLAGS, NKIND };
    const bind_ssl_binding *first[NKIND] = { NULL, NULL, NULL };
    uint32_t count[NKIND] = { 0, 0, 0 };
    for (uint32_t i = 0; i < p->nssl; i++) {
        const bind_ssl_binding *r = &p->ssl[i];
        int kind = r->key_kind == BIND_SSL_KEY_HOSTNAMEPORT ? SNI : r->key_kind == BIND_SSL_KEY_CCS ? CCS : r->disable ? FLAGS : NKIND;
        if (kind != NKIND && !count[kind]++) first[kind] = r;
        h->ssl_ok[i] = r->key_kind == BIND_SSL_KEY_IPPORT;
        nssl += h->ssl_ok[i];
    }
    warn(cx, first[SNI], count[SNI], "SNI (sslFlags 1)");
    warn(cx, first[CCS], count[CCS], "central certificate store (sslFlags 2)");
    warn(cx, first[FLAGS], count[FLAGS], "switch to turn off HTTP/2, QUIC, TLS 1.3, legacy TLS or OCSP stapling per binding");
    /* The XP firewall opens a port on every address: one rule per port. */
    for (uint32_t i = 0; i < p->nfirewall; i++) {
        bool seen = false;
        for (uint32_t j = 0; j < h->nports && !seen; j++) seen = h->ports[j] == p->firewall[i].port;
        if (!seen) h->ports[h->nports++] = p->firewall[i].port;
    }
    h->nsteps = p->niplisten + p->nurl_acls + nssl + h->nports;
    /* The registry form of a friendly name is 4 hex digits a character, on
     * a line cmd.exe reads whole (8,191 characters with the rest of it). */
    bool ok = true;
    for (uint32_t i = 0; i < p->ncert_lookups; i++) {
        const bind_cert *ct = p->cert_lookups[i].cert;
        if (strlen(ct->friendly_name) <= BIND_HTTPCFG_MAX_FRIENDLY_NAME) continue;
        bind_diag *d = bind_http_sys_diag_once(cx, BIND_E0007, ct->span,
                                               "the friendly name of certificate `%s` is longer than %u characters: "
                                               "httpcfg.cmd cannot look it up in the registry",
                                               ct->name, BIND_HTTPCFG_MAX_FRIENDLY_NAME);
        if (d) bind_diag_note(cx->diags, d, NULL, "give the certificate a thumbprint instead");
        ok = false;
    }
    return ok;
}

static const char *listen_address(bind_arena *a, const bind_addr *addr)
{
    char buf[48];
    bind_addr_format(addr, buf, true);    /* httpcfg reads IP[:PORT]: IPv6 needs its brackets */
    return bind_arena_strdup(a, buf);
}

/* What `httpcfg query ssl` prints after a binding's Guid, a line a field of
 * HTTP_SERVICE_CONFIG_SSL_PARAM, and the option of `httpcfg set ssl` that
 * sets each (Windows Server 2003's "Httpcfg Syntax").  httpcfg is not
 * localised and prints every setting as a number: no switch is a word. */
static const bind_ssl_setting httpcfg_ssl_settings[] = {
    { 1, BIND_SSL_TEXT, "/c ", NULL },     /* CertStoreName */
    { 2, BIND_SSL_COUNT, "/m ", NULL },    /* CertCheckMode */
    { 3, BIND_SSL_COUNT, "/r ", NULL },    /* RevocationFreshnessTime */
    { 4, BIND_SSL_COUNT, "/x ", NULL },    /* UrlRetrievalTimeout */
    { 5, BIND_SSL_TEXT, "/t ", NULL },     /* SslCtlIdentifier */
    { 6, BIND_SSL_TEXT, "/n ", NULL },     /* SslCtlStoreName */
    { 7, BIND_SSL_COUNT, "/f ", NULL },    /* Flags */
};
static const bind_ssl_layout httpcfg_ssl_layout = {
    httpcfg_ssl_settings, sizeof httpcfg_ssl_settings / sizeof httpcfg_ssl_settings[0],
    "httpcfg set ssl /i %~1 /h \"%BINDC_R_HASH%\" /g \"%BINDC_R_APPID%\"", NULL,
    "httpcfg query ssl /i %~1", "httpcfg delete ssl /i %~1",
};

/* The records this target writes, in httpcfg.cmd's order. */
static bind_script_record *records(bind_script *s, const httpcfg_plan *h, uint32_t *n)
{
    const bind_http_sys_plan *p = &h->p;
    bind_arena *a = s->cx->arena;
    bind_script_record *out = bind_arena_alloc(a, (h->nsteps + 1) * sizeof *out);
    memset(out, 0, (h->nsteps + 1) * sizeof *out);
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->niplisten; i++) {
        const char *ip = listen_address(a, &p->iplisten[i]);
        bind_script_record *r = &out[k++];
        r->what = bind_arena_printf(a, "IP listen address %s", ip);
        r->slug = bind_script_slug(a, "iplisten", ip);
        r->show = "httpcfg query iplisten";
        r->key = ip;
        r->list = true;
        r->del = bind_arena_printf(a, "httpcfg delete iplisten /i %s", ip);
        r->add = bind_arena_printf(a, "httpcfg set iplisten /i %s", ip);
    }
    for (uint32_t i = 0; i < p->nurl_acls; i++) {
        const bind_url_acl *u = &p->url_acls[i];
        bind_script_record *r = &out[k++];
        r->what = bind_arena_printf(a, "URL ACL %s", u->url);
        r->slug = bind_script_slug(a, "urlacl", u->url);
        r->show = bind_arena_printf(a, "httpcfg query urlacl /u %s", u->url);
        r->key = u->url;
        bind_http_sys_grantee_values(a, u, r->same);
        r->needs_sddl = true;
        r->del = bind_arena_printf(a, "httpcfg delete urlacl /u %s", u->url);
        if (u->grantee == BIND_GRANTEE_EVERYONE) r->add = bind_arena_printf(a, "httpcfg set urlacl /u %s /a D:(A;;GX;;;WD)", u->url);
        else if (u->grantee == BIND_GRANTEE_SID) r->add = bind_arena_printf(a, "httpcfg set urlacl /u %s /a D:(A;;GX;;;%s)", u->url, u->user);
        else r->add = bind_arena_printf(a, "httpcfg set urlacl /u %s /a D:(A;;GX;;;%%BINDC_SID_%d%%)", u->url, u->user_lookup + 1);
        r->restore = bind_arena_printf(a, "httpcfg set urlacl /u %s /a \"%%BINDC_R_SDDL%%\"", u->url);
    }
    for (uint32_t i = 0; i < p->nssl; i++) {
        const bind_ssl_binding *b = &p->ssl[i];
        if (!h->ssl_ok[i]) continue;
        bind_script_record *r = &out[k++];
        r->what = bind_arena_printf(a, "SSL certificate binding %s%s", b->key,
                                    b->replaces_platform ? ", replacing the platform's certificate" : "");
        r->slug = bind_script_slug(a, "ssl", b->key);
        r->show = bind_arena_printf(a, "httpcfg query ssl /i %s", b->key);
        r->key = b->key;
        const char *thumb = b->thumbprint ? b->thumbprint : bind_arena_printf(a, "%%BINDC_THUMBPRINT_%d%%", b->lookup + 1);
        r->same[0][0] = thumb;
        r->same[0][1] = b->appid;
        bool my = strcmp(b->store, "My") == 0;
        if (!my) r->same[0][2] = b->store;
        if (b->replaces_platform) r->platform_appid = p->restore_appid;
        r->needs_appid = true;
        r->ssl_settings = true;
        r->ssl_arg = b->key;
        r->del = bind_arena_printf(a, "httpcfg delete ssl /i %s", b->key);
        /* httpcfg's default store is MY */
        r->add = bind_arena_printf(a, "httpcfg set ssl /i %s /h %s /g \"%s\"%s%s", b->key, thumb, b->appid, my ? "" : " /c ",
                                   my ? "" : b->store);
        r->restore = bind_arena_printf(a, "httpcfg set ssl /i %s /h \"%%BINDC_R_HASH%%\" /g \"%%BINDC_R_APPID%%\"", b->key);
    }
    for (uint32_t i = 0; i < h->nports; i++) {
        bind_script_record *r = &out[k++];
        unsigned port = h->ports[i];
        r->what = bind_arena_printf(a, "firewall port TCP %u", port);
        r->slug = bind_script_slug(a, "portopening", bind_arena_printf(a, "%u", port));
        r->show = "netsh firewall show portopening";
        /* One opening per port, whoever named it: ours is "bindc TCP PORT". */
        r->port_opening = (uint16_t)port;
        r->del = bind_arena_printf(a, "netsh firewall delete portopening protocol=TCP port=%u", port);
        bind_buf *line = bind_script_new_line(s);
        bind_buf_printf(line, "netsh firewall add portopening protocol=TCP port=%u ", port);
        bind_cmd_quote_put_tagged(line, "name", bind_arena_printf(a, "bindc TCP %u", port));
        bind_buf_putc(line, '\0');
        r->add = bind_arena_strdup(a, line->data);
        r->restore = bind_arena_printf(a, "netsh firewall add portopening protocol=TCP port=%u name=\"%%BINDC_PORT_NAME%%\" "
                                          "mode=%%BINDC_M%%", port);
    }
    *n = k;
    return out;
}

static bool emit(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts, bind_emit_ctx *cx,
                 bind_buf *out, bool is_revert)
{
    httpcfg_plan h;
    (void)opts;
    if (!plan_build(m, cx, &h)) return false;
    const bind_http_sys_plan *p = &h.p;
    bind_script s;
    bind_script_begin(&s, cx, out,
                      is_revert ? "Undoes httpcfg.cmd: removes the HTTP.sys records and firewall ports it added and puts back what it replaced (httpcfg, Windows XP SP2 / Server 2003)."
                                : "HTTP.sys URL ACLs, SSL certificate bindings, IP listen list and firewall ports (httpcfg, Windows XP SP2 / Server 2003).",
                      true, is_revert, h.nsteps);
    bind_http_sys_say_kept(p, sources, &s);
    s.ssl = &httpcfg_ssl_layout;
    if (!is_revert) {
        for (uint32_t i = 0; i < p->nsid_lookups; i++) bind_script_sid_lookup(&s, p, i);
        for (uint32_t i = 0; i < p->ncert_lookups; i++) bind_script_cert_lookup(&s, p, i);
    }
    uint32_t nr;
    bind_script_record *r = records(&s, &h, &nr);
    if (is_revert) {
        for (uint32_t i = 0; i < nr / 2; i++) {
            bind_script_record t = r[i];
            r[i] = r[nr - 1 - i];
            r[nr - 1 - i] = t;
        }
    }
    bind_script_records(&s, r, nr);
    bind_script_end(&s);
    return true;
}

static bool emit_httpcfg(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                         bind_emit_ctx *cx, bind_buf *out)
{
    return emit(m, sources, opts, cx, out, false);
}

static bool emit_httpcfg_revert(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                         bind_emit_ctx *cx, bind_buf *out)
{
    return emit(m, sources, opts, cx, out, true);
}

const bind_backend bind_backend_httpcfg = { "httpcfg", "httpcfg.cmd", emit_httpcfg, 1, true, BIND_SERVER_IIS };
const bind_backend bind_backend_httpcfg_revert = { "httpcfg-revert", "httpcfg-revert.cmd", emit_httpcfg_revert, 1, true,
                                                       BIND_SERVER_IIS };
