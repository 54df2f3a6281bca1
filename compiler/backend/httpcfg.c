/* The httpcfg and httpcfg-revert targets: Windows XP SP2 and Server 2003.
 *
 * The same records as the netsh target (backend/http_sys_plan.h) through httpcfg.exe
 * (`httpcfg set|delete urlacl /u URL /a SDDL`, `httpcfg set|delete ssl
 * /i IP:PORT /h HASH /g "{GUID}"`, `httpcfg set|delete iplisten /i IP`) and
 * the Windows XP firewall (`netsh firewall ... portopening`, per port).
 * httpcfg takes only SDDL, so a named grantee becomes a SID when the script
 * runs.  HTTP.sys on these systems has no SNI, no central certificate store
 * and none of the sslFlags disable switches: such bindings get W0407. */
#include <string.h>

#include "backend.h"
#include "cmd_exe_quote.h"
#include "http_sys_plan.h"

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
    return true;
}

static const char *listen_address(bind_arena *a, const bind_addr *addr)
{
    char buf[48];
    bind_addr_format(addr, buf, true);    /* httpcfg reads IP[:PORT]: IPv6 needs its brackets */
    return bind_arena_strdup(a, buf);
}

static void set_ssl(bind_script *s, const char *key, const char *thumbprint, int32_t lookup, const char *appid,
                    const char *store)
{
    bind_buf *line = bind_script_new_line(s);
    bind_buf_printf(line, "httpcfg set ssl /i %s /h ", key);
    if (thumbprint) bind_buf_puts(line, thumbprint);
    else bind_buf_printf(line, "%%BINDC_THUMBPRINT_%d%%", lookup + 1);
    bind_buf_printf(line, " /g \"%s\"", appid);
    if (strcmp(store, "My") != 0) bind_buf_printf(line, " /c %s", store);   /* httpcfg's default store is MY */
    bind_script_put_line(s, line);
    bind_script_check(s);
}

static void forward(bind_script *s, const httpcfg_plan *h)
{
    const bind_http_sys_plan *p = &h->p;
    bind_arena *a = s->cx->arena;
    for (uint32_t i = 0; i < p->nsid_lookups; i++) bind_script_sid_lookup(s, p, i);
    for (uint32_t i = 0; i < p->ncert_lookups; i++) if (p->cert_lookups[i].forward) bind_script_cert_lookup(s, p, i);
    for (uint32_t i = 0; i < p->niplisten; i++) {
        const char *ip = listen_address(a, &p->iplisten[i]);
        bind_script_step(s, bind_arena_printf(a, "IP listen address %s", ip));
        bind_script_line(s, "httpcfg delete iplisten /i %s >nul 2>&1", ip);
        bind_script_line(s, "httpcfg set iplisten /i %s", ip);
        bind_script_check(s);
    }
    for (uint32_t i = 0; i < p->nurl_acls; i++) {
        const bind_url_acl *u = &p->url_acls[i];
        bind_script_step(s, bind_arena_printf(a, "URL ACL %s", u->url));
        bind_script_line(s, "httpcfg delete urlacl /u %s >nul 2>&1", u->url);
        if (u->grantee == BIND_GRANTEE_EVERYONE) bind_script_line(s, "httpcfg set urlacl /u %s /a D:(A;;GX;;;WD)", u->url);
        else if (u->grantee == BIND_GRANTEE_SID) bind_script_line(s, "httpcfg set urlacl /u %s /a D:(A;;GX;;;%s)", u->url, u->user);
        else bind_script_line(s, "httpcfg set urlacl /u %s /a D:(A;;GX;;;%%BINDC_SID_%d%%)", u->url, u->user_lookup + 1);
        bind_script_check(s);
    }
    for (uint32_t i = 0; i < p->nssl; i++) {
        const bind_ssl_binding *r = &p->ssl[i];
        if (!h->ssl_ok[i]) continue;
        bind_script_step(s, bind_arena_printf(a, "SSL certificate binding %s%s", r->key,
                                              r->replaces_platform ? ", replacing the platform's certificate" : ""));
        bind_script_line(s, "httpcfg delete ssl /i %s >nul 2>&1", r->key);
        set_ssl(s, r->key, r->thumbprint, r->lookup, r->appid, r->store);
    }
    for (uint32_t i = 0; i < h->nports; i++) {
        bind_script_step(s, bind_arena_printf(a, "firewall port TCP %u", h->ports[i]));
        bind_script_line(s, "netsh firewall delete portopening protocol=TCP port=%u >nul 2>&1", h->ports[i]);
        bind_buf *line = bind_script_new_line(s);
        bind_buf_printf(line, "netsh firewall add portopening protocol=TCP port=%u ", h->ports[i]);
        bind_cmd_quote_put_tagged(line, "name", bind_arena_printf(a, "bindc TCP %u", h->ports[i]));
        bind_script_put_line(s, line);
        bind_script_check(s);
    }
}

static void revert(bind_script *s, const httpcfg_plan *h)
{
    const bind_http_sys_plan *p = &h->p;
    bind_arena *a = s->cx->arena;
    for (uint32_t i = 0; i < p->ncert_lookups; i++) if (p->cert_lookups[i].revert) bind_script_cert_lookup(s, p, i);
    for (uint32_t i = h->nports; i-- > 0;) {
        bind_script_step(s, bind_arena_printf(a, "remove firewall port TCP %u", h->ports[i]));
        bind_script_line(s, "netsh firewall delete portopening protocol=TCP port=%u >nul 2>&1", h->ports[i]);
    }
    for (uint32_t i = p->nssl; i-- > 0;) {
        const bind_ssl_binding *r = &p->ssl[i];
        if (!h->ssl_ok[i]) continue;
        bind_script_step(s, bind_arena_printf(a, "remove SSL certificate binding %s%s", r->key,
                                              r->replaces_platform ? ", restoring the platform's certificate" : ""));
        bind_script_line(s, "httpcfg delete ssl /i %s >nul 2>&1", r->key);
        if (r->replaces_platform) set_ssl(s, r->key, p->restore_thumbprint, p->restore_lookup, p->restore_appid, p->restore_store);
    }
    for (uint32_t i = p->nurl_acls; i-- > 0;) {
        bind_script_step(s, bind_arena_printf(a, "remove URL ACL %s", p->url_acls[i].url));
        bind_script_line(s, "httpcfg delete urlacl /u %s >nul 2>&1", p->url_acls[i].url);
    }
    for (uint32_t i = p->niplisten; i-- > 0;) {
        const char *ip = listen_address(a, &p->iplisten[i]);
        bind_script_step(s, bind_arena_printf(a, "remove IP listen address %s", ip));
        bind_script_line(s, "httpcfg delete iplisten /i %s >nul 2>&1", ip);
    }
}

static bool emit(const bind_model *m, bind_emit_ctx *cx, bind_buf *out, bool is_revert)
{
    httpcfg_plan h;
    if (!plan_build(m, cx, &h)) return false;
    bind_script s;
    /* `net session` needs an administrator on XP too, where fltmc is missing. */
    bind_script_begin(&s, cx, out,
                      is_revert ? "Undoes httpcfg.cmd: deletes its HTTP.sys records and firewall ports (httpcfg, Windows XP SP2 / Server 2003)."
                                : "HTTP.sys URL ACLs, SSL certificate bindings, IP listen list and firewall ports (httpcfg, Windows XP SP2 / Server 2003).",
                      "net session", h.nsteps);
    if (is_revert) revert(&s, &h);
    else forward(&s, &h);
    bind_script_end(&s, is_revert ? "Fix the cause and run it again."
                                  : "Fix the cause and run it again, or run httpcfg-revert.cmd to undo them.");
    return true;
}

static bool emit_httpcfg(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                         bind_emit_ctx *cx, bind_buf *out)
{
    (void)sources, (void)opts;
    return emit(m, cx, out, false);
}

static bool emit_httpcfg_revert(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                         bind_emit_ctx *cx, bind_buf *out)
{
    (void)sources, (void)opts;
    return emit(m, cx, out, true);
}

const bind_backend bind_backend_httpcfg = { "httpcfg", "httpcfg.cmd", emit_httpcfg, 1, true };
const bind_backend bind_backend_httpcfg_revert = { "httpcfg-revert", "httpcfg-revert.cmd", emit_httpcfg_revert, 1, true };
