/* The netsh and netsh-revert targets: Windows Vista and later.
 *
 * netsh.cmd adds the HTTP.sys records of backend/http_sys_plan.h — the IP listen list,
 * URL ACLs, SSL certificate bindings, then firewall rules — each one
 * deleted first (the deletion may fail) so that a second run succeeds, and
 * stops at the first add that fails.  netsh-revert.cmd deletes the same
 * records in the reverse order and binds the platform's certificate again
 * where netsh.cmd replaced it.  The commands are the ones Microsoft
 * documents (netsh http add urlacl / sslcert / iplisten, netsh advfirewall). */
#include <string.h>

#include "backend.h"
#include "cmd_exe_quote.h"
#include "http_sys_plan.h"

static void put_thumbprint(bind_buf *line, const char *thumbprint, int32_t lookup)
{
    if (thumbprint) bind_buf_puts(line, thumbprint);
    else bind_buf_printf(line, "%%BINDC_THUMBPRINT_%d%%", lookup + 1);
}

static const char *ssl_key_tag(const bind_ssl_binding *r)
{
    return r->key_kind == BIND_SSL_KEY_HOSTNAMEPORT ? "hostnameport" : r->key_kind == BIND_SSL_KEY_CCS ? "ccs" : "ipport";
}

/* The sslFlags disable bits as netsh's switches (Windows Server 2019+). */
static void put_disable(bind_buf *line, uint32_t bits)
{
    static const struct { uint32_t bit; const char *sw; } map[] = {
        { BIND_SSL_NO_HTTP2, "disablehttp2" }, { BIND_SSL_NO_QUIC, "disablequic" },
        { BIND_SSL_NO_TLS13, "disabletls13" }, { BIND_SSL_NO_LEGACY_TLS, "disablelegacytls" },
        { BIND_SSL_NO_OCSP, "disableocspstapling" },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (bits & map[i].bit) bind_buf_printf(line, " %s=enable", map[i].sw);
}

static void add_sslcert(bind_script *s, const char *tag, const char *key, const char *thumbprint, int32_t lookup,
                        const char *appid, const char *store, uint32_t disable)
{
    bind_buf *line = bind_script_new_line(s);
    bind_buf_printf(line, "netsh http add sslcert %s=%s", tag, key);
    if (strcmp(tag, "ccs") != 0) {
        bind_buf_puts(line, " certhash=");
        put_thumbprint(line, thumbprint, lookup);
    }
    bind_buf_printf(line, " appid=%s", appid);
    if (store) bind_buf_printf(line, " certstorename=%s", store);
    put_disable(line, disable);
    bind_script_put_line(s, line);
    bind_script_check(s);
}

static void add_url_acl(bind_script *s, const bind_url_acl *a)
{
    bind_buf *line = bind_script_new_line(s);
    bind_buf_puts(line, "netsh http add urlacl ");
    bind_cmd_quote_put_tagged(line, "url", a->url);
    /* Everyone as a SID: account names are localised (error 1332). */
    if (a->grantee == BIND_GRANTEE_EVERYONE) bind_buf_puts(line, " sddl=D:(A;;GX;;;WD)");
    else if (a->grantee == BIND_GRANTEE_SID) bind_buf_printf(line, " sddl=D:(A;;GX;;;%s)", a->user);
    else {
        bind_buf_putc(line, ' ');
        bind_cmd_quote_put_tagged(line, "user", a->user);
    }
    bind_script_put_line(s, line);
    bind_script_check(s);
}

static void firewall_rule(bind_script *s, const bind_firewall_rule *r, bool add)
{
    bind_buf *line = bind_script_new_line(s);
    bind_buf_printf(line, "netsh advfirewall firewall %s rule ", add ? "add" : "delete");
    bind_cmd_quote_put_tagged(line, "name", r->name);
    if (add) {
        bind_buf_printf(line, " dir=in action=allow protocol=TCP localport=%u", r->port);
        if (r->local.kind != BIND_ADDR_NONE) bind_buf_printf(line, " localip=%s", bind_http_sys_address(s->cx->arena, &r->local));
    } else {
        bind_buf_puts(line, " >nul 2>&1");
    }
    bind_script_put_line(s, line);
    if (add) bind_script_check(s);
}

static void lookups(bind_script *s, const bind_http_sys_plan *p, bool revert)
{
    for (uint32_t i = 0; i < p->ncert_lookups; i++)
        if (revert ? p->cert_lookups[i].revert : p->cert_lookups[i].forward) bind_script_cert_lookup(s, p, i);
}

static void forward(bind_script *s, const bind_http_sys_plan *p)
{
    bind_arena *a = s->cx->arena;
    for (uint32_t i = 0; i < p->niplisten; i++) {
        const char *ip = bind_http_sys_address(a, &p->iplisten[i]);
        bind_script_step(s, bind_arena_printf(a, "IP listen address %s", ip));
        bind_script_line(s, "netsh http delete iplisten ipaddress=%s >nul 2>&1", ip);
        bind_script_line(s, "netsh http add iplisten ipaddress=%s", ip);
        bind_script_check(s);
    }
    for (uint32_t i = 0; i < p->nurl_acls; i++) {
        const bind_url_acl *u = &p->url_acls[i];
        bind_script_step(s, bind_arena_printf(a, "URL ACL %s", u->url));
        bind_script_line(s, "netsh http delete urlacl url=%s >nul 2>&1", u->url);
        add_url_acl(s, u);
    }
    for (uint32_t i = 0; i < p->nssl; i++) {
        const bind_ssl_binding *r = &p->ssl[i];
        const char *tag = ssl_key_tag(r);
        bind_script_step(s, bind_arena_printf(a, "SSL certificate binding %s=%s%s", tag, r->key,
                                              r->replaces_platform ? ", replacing the platform's certificate" : ""));
        bind_script_line(s, "netsh http delete sslcert %s=%s >nul 2>&1", tag, r->key);
        add_sslcert(s, tag, r->key, r->thumbprint, r->lookup, r->appid, r->store, r->disable);
    }
    for (uint32_t i = 0; i < p->nfirewall; i++) {
        bind_script_step(s, bind_arena_printf(a, "firewall rule %s", p->firewall[i].name));
        firewall_rule(s, &p->firewall[i], false);
        firewall_rule(s, &p->firewall[i], true);
    }
}

static void revert(bind_script *s, const bind_http_sys_plan *p)
{
    bind_arena *a = s->cx->arena;
    for (uint32_t i = p->nfirewall; i-- > 0;) {
        bind_script_step(s, bind_arena_printf(a, "remove firewall rule %s", p->firewall[i].name));
        firewall_rule(s, &p->firewall[i], false);
    }
    for (uint32_t i = p->nssl; i-- > 0;) {
        const bind_ssl_binding *r = &p->ssl[i];
        const char *tag = ssl_key_tag(r);
        bind_script_step(s, bind_arena_printf(a, "remove SSL certificate binding %s=%s%s", tag, r->key,
                                              r->replaces_platform ? ", restoring the platform's certificate" : ""));
        bind_script_line(s, "netsh http delete sslcert %s=%s >nul 2>&1", tag, r->key);
        if (r->replaces_platform)
            add_sslcert(s, tag, r->key, p->restore_thumbprint, p->restore_lookup, p->restore_appid, p->restore_store, 0);
    }
    for (uint32_t i = p->nurl_acls; i-- > 0;) {
        bind_script_step(s, bind_arena_printf(a, "remove URL ACL %s", p->url_acls[i].url));
        bind_script_line(s, "netsh http delete urlacl url=%s >nul 2>&1", p->url_acls[i].url);
    }
    for (uint32_t i = p->niplisten; i-- > 0;) {
        const char *ip = bind_http_sys_address(a, &p->iplisten[i]);
        bind_script_step(s, bind_arena_printf(a, "remove IP listen address %s", ip));
        bind_script_line(s, "netsh http delete iplisten ipaddress=%s >nul 2>&1", ip);
    }
}

static bool emit(const bind_model *m, bind_emit_ctx *cx, bind_buf *out, bool is_revert)
{
    bind_http_sys_plan p;
    if (!bind_http_sys_plan_build(m, cx, &p)) return false;
    bind_script s;
    uint32_t n = p.niplisten + p.nurl_acls + p.nssl + p.nfirewall;
    bind_script_begin(&s, cx, out,
                      is_revert ? "Undoes netsh.cmd: deletes its HTTP.sys records and firewall rules (netsh, Windows Vista and later)."
                                : "HTTP.sys URL ACLs, SSL certificate bindings, IP listen list and firewall rules (netsh, Windows Vista and later).",
                      "fltmc", n);
    lookups(&s, &p, is_revert);
    if (is_revert) revert(&s, &p);
    else forward(&s, &p);
    bind_script_end(&s, is_revert ? "Fix the cause and run it again."
                                  : "Fix the cause and run it again, or run netsh-revert.cmd to undo them.");
    return true;
}

static bool emit_netsh(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                       bind_emit_ctx *cx, bind_buf *out)
{
    (void)sources, (void)opts;
    return emit(m, cx, out, false);
}

static bool emit_netsh_revert(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                       bind_emit_ctx *cx, bind_buf *out)
{
    (void)sources, (void)opts;
    return emit(m, cx, out, true);
}

const bind_backend bind_backend_netsh = { "netsh", "netsh.cmd", emit_netsh, 1, true };
const bind_backend bind_backend_netsh_revert = { "netsh-revert", "netsh-revert.cmd", emit_netsh_revert, 1, true };
