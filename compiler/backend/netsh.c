/* The netsh and netsh-revert targets: Windows Vista and later.
 *
 * netsh.cmd sets the HTTP.sys records of backend/http_sys_plan.h — the IP
 * listen list, URL ACLs, SSL certificate bindings, then firewall rules —
 * after looking at each (`netsh http show ...`), and never destroys one it
 * did not make (the rules are above bind_script in http_sys_plan.h).
 * netsh-revert.cmd removes what netsh.cmd added, in the reverse order, and
 * puts back what it replaced.  The commands are the ones Microsoft
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

static const char *add_sslcert(bind_script *s, const bind_ssl_binding *r)
{
    const char *tag = ssl_key_tag(r);
    bind_buf *line = bind_script_new_line(s);
    bind_buf_printf(line, "netsh http add sslcert %s=%s", tag, r->key);
    if (r->key_kind != BIND_SSL_KEY_CCS) {
        bind_buf_puts(line, " certhash=");
        put_thumbprint(line, r->thumbprint, r->lookup);
    }
    bind_buf_printf(line, " appid=%s", r->appid);
    if (r->store) bind_buf_printf(line, " certstorename=%s", r->store);
    put_disable(line, r->disable);
    bind_buf_putc(line, '\0');
    return bind_arena_strdup(s->cx->arena, line->data);
}

static const char *add_url_acl(bind_script *s, const bind_url_acl *a)
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
    bind_buf_putc(line, '\0');
    return bind_arena_strdup(s->cx->arena, line->data);
}

/* `netsh advfirewall firewall VERB rule name=NAME` and what follows.  A
 * rule netsh.cmd replaces keeps everything the tool cannot show but in
 * words of Windows' language: it is renamed to NAME, kept by bindc and
 * turned off, and the revert renames it back. */
static const char *firewall_cmd(bind_script *s, const bind_firewall_rule *r, const char *verb)
{
    bind_arena *a = s->cx->arena;
    const char *kept = bind_arena_printf(a, "%s, kept by bindc", r->name);
    bind_buf *line = bind_script_new_line(s);
    bool keep = strcmp(verb, "keep") == 0, unkeep = strcmp(verb, "unkeep") == 0;
    bind_buf_printf(line, "netsh advfirewall firewall %s rule ", keep || unkeep || strcmp(verb, "disable") == 0 ? "set" : verb);
    bind_cmd_quote_put_tagged(line, "name", unkeep ? kept : r->name);
    if (strcmp(verb, "add") == 0) {
        bind_buf_printf(line, " dir=in action=allow protocol=TCP localport=%u", r->port);
        if (r->local.kind != BIND_ADDR_NONE) bind_buf_printf(line, " localip=%s", bind_http_sys_address(a, &r->local));
    } else if (keep || unkeep) {
        bind_buf_puts(line, " new ");
        bind_cmd_quote_put_tagged(line, "name", keep ? kept : r->name);
        bind_buf_puts(line, keep ? " enable=no" : " enable=yes");
    } else if (strcmp(verb, "disable") == 0) {
        bind_buf_puts(line, " new enable=no");
    }
    bind_buf_putc(line, '\0');
    return bind_arena_strdup(a, line->data);
}

/* What `netsh http show sslcert` prints after a binding's appid, a line a
 * setting: the order of Windows Server 2022 (tests/golden/import/inputs/
 * sslcert-en.txt; earlier versions print the first lines of it), with the
 * parameter of `netsh http add sslcert` that sets each.  A switch shows as
 * Enabled / Disabled or Set / Not Set in the language of Windows; `arg` is
 * the one that differs from netsh's default.  netsh rejects 0 for the two
 * counts on some versions, and 0 is what it gives when they are left out. */
static const bind_ssl_setting netsh_ssl_settings[] = {
    { 1, BIND_SSL_TEXT, "certstorename=", NULL },
    { 2, BIND_SSL_SWITCH, "verifyclientcertrevocation=disable", NULL },
    { 3, BIND_SSL_SWITCH, "verifyrevocationwithcachedclientcertonly=enable", NULL },
    { 4, BIND_SSL_SWITCH, "usagecheck=disable", NULL },
    { 5, BIND_SSL_COUNT, "revocationfreshnesstime=", "0" },
    { 6, BIND_SSL_COUNT, "urlretrievaltimeout=", "0" },
    { 7, BIND_SSL_TEXT, "sslctlidentifier=", NULL },
    { 8, BIND_SSL_TEXT, "sslctlstorename=", NULL },
    { 9, BIND_SSL_SWITCH, "dsmapperusage=enable", NULL },
    { 10, BIND_SSL_SWITCH, "clientcertnegotiation=enable", NULL },
    { 11, BIND_SSL_SWITCH, "reject=enable", NULL },
    { 12, BIND_SSL_SWITCH, "disablehttp2=enable", NULL },
    { 13, BIND_SSL_SWITCH, "disablequic=enable", NULL },
    { 14, BIND_SSL_SWITCH, "disabletls12=enable", NULL },
    { 15, BIND_SSL_SWITCH, "disabletls13=enable", NULL },
    { 16, BIND_SSL_SWITCH, "disableocspstapling=enable", NULL },
    { 17, BIND_SSL_SWITCH, "enabletokenbinding=enable", NULL },
    { 18, BIND_SSL_SWITCH, "logextendedevents=enable", NULL },
    { 19, BIND_SSL_SWITCH, "disablelegacytls=enable", NULL },
    { 20, BIND_SSL_SWITCH, "enablesessionticket=enable", NULL },
};
static const bind_ssl_layout netsh_ssl_layout = {
    netsh_ssl_settings, sizeof netsh_ssl_settings / sizeof netsh_ssl_settings[0],
    "netsh http add sslcert %~1 certhash=\"%BINDC_R_HASH%\" appid=\"%BINDC_R_APPID%\"",
    "netsh http add sslcert %~1 appid=\"%BINDC_R_APPID%\"",
    "netsh http show sslcert %~1", "netsh http delete sslcert %~1",
};

/* The records of the plan, in netsh.cmd's order. */
static bind_script_record *records(bind_script *s, const bind_http_sys_plan *p, uint32_t *n)
{
    bind_arena *a = s->cx->arena;
    uint32_t total = p->niplisten + p->nurl_acls + p->nssl + p->nfirewall, k = 0;
    bind_script_record *out = bind_arena_alloc(a, (total + 1) * sizeof *out);
    memset(out, 0, (total + 1) * sizeof *out);
    for (uint32_t i = 0; i < p->niplisten; i++) {
        const char *ip = bind_http_sys_address(a, &p->iplisten[i]);
        bind_script_record *r = &out[k++];
        r->what = bind_arena_printf(a, "IP listen address %s", ip);
        r->slug = bind_script_slug(a, "iplisten", ip);
        r->show = "netsh http show iplisten";
        r->key = ip;
        r->list = true;
        r->del = bind_arena_printf(a, "netsh http delete iplisten ipaddress=%s", ip);
        r->add = bind_arena_printf(a, "netsh http add iplisten ipaddress=%s", ip);
    }
    for (uint32_t i = 0; i < p->nurl_acls; i++) {
        const bind_url_acl *u = &p->url_acls[i];
        bind_script_record *r = &out[k++];
        r->what = bind_arena_printf(a, "URL ACL %s", u->url);
        r->slug = bind_script_slug(a, "urlacl", u->url);
        r->show = bind_arena_printf(a, "netsh http show urlacl url=%s", u->url);
        r->key = u->url;
        bind_http_sys_grantee_values(a, u, r->same);
        r->needs_sddl = true;
        r->del = bind_arena_printf(a, "netsh http delete urlacl url=%s", u->url);
        r->add = add_url_acl(s, u);
        r->restore = bind_arena_printf(a, "netsh http add urlacl url=%s sddl=\"%%BINDC_R_SDDL%%\"", u->url);
    }
    for (uint32_t i = 0; i < p->nssl; i++) {
        const bind_ssl_binding *b = &p->ssl[i];
        const char *tag = ssl_key_tag(b);
        bind_script_record *r = &out[k++];
        r->what = bind_arena_printf(a, "SSL certificate binding %s=%s%s", tag, b->key,
                                    b->replaces_platform ? ", replacing the platform's certificate" : "");
        r->slug = bind_script_slug(a, bind_arena_printf(a, "sslcert-%s", tag), b->key);
        r->show = bind_arena_printf(a, "netsh http show sslcert %s=%s", tag, b->key);
        r->key = b->key;
        /* The same certificate, appid and store; the TLS switches show only
         * as words of Windows' language ("Set"), so a record that needs one
         * is the same only when it is the one this script added. */
        if (b->key_kind == BIND_SSL_KEY_CCS && !b->disable) {
            r->same[0][0] = b->appid;
        } else if (!b->disable) {
            r->same[0][0] = b->thumbprint ? b->thumbprint : bind_arena_printf(a, "%%BINDC_THUMBPRINT_%d%%", b->lookup + 1);
            r->same[0][1] = b->appid;
            r->same[0][2] = b->store;
        }
        if (b->replaces_platform) r->platform_appid = p->restore_appid;
        r->needs_appid = true;
        r->ssl_settings = true;
        r->ssl_arg = bind_arena_printf(a, "%s=%s", tag, b->key);
        r->ssl_ccs = b->key_kind == BIND_SSL_KEY_CCS;
        r->del = bind_arena_printf(a, "netsh http delete sslcert %s=%s", tag, b->key);
        r->add = add_sslcert(s, b);
        r->restore = b->key_kind == BIND_SSL_KEY_CCS
                         ? bind_arena_printf(a, "netsh http add sslcert ccs=%s appid=\"%%BINDC_R_APPID%%\"", b->key)
                         : bind_arena_printf(a, "netsh http add sslcert %s=%s certhash=\"%%BINDC_R_HASH%%\" "
                                                "appid=\"%%BINDC_R_APPID%%\"", tag, b->key);
    }
    for (uint32_t i = 0; i < p->nfirewall; i++) {
        const bind_firewall_rule *f = &p->firewall[i];
        bind_script_record *r = &out[k++];
        r->what = bind_arena_printf(a, "firewall rule %s", f->name);
        r->slug = bind_script_slug(a, "firewall", f->name);
        r->show = firewall_cmd(s, f, "show");
        /* "Rule Name: bindc TCP 8080": the name's last word is that line's
         * value.  A rule of that name is the same only when it is the one
         * this script added: its direction, action and state show only as
         * words of Windows' language. */
        const char *sp = strrchr(f->name, ' ');
        r->key = sp ? sp + 1 : f->name;
        r->del = firewall_cmd(s, f, "delete");
        r->add = firewall_cmd(s, f, "add");
        r->keep = firewall_cmd(s, f, "keep");
        r->unkeep = firewall_cmd(s, f, "unkeep");
        r->disable = firewall_cmd(s, f, "disable");
    }
    *n = total;
    return out;
}

static void lookups(bind_script *s, const bind_http_sys_plan *p)
{
    for (uint32_t i = 0; i < p->nsid_lookups; i++) bind_script_sid_lookup(s, p, i);
    for (uint32_t i = 0; i < p->ncert_lookups; i++) bind_script_cert_lookup(s, p, i);
}

static bool emit(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts, bind_emit_ctx *cx,
                 bind_buf *out, bool is_revert)
{
    (void)opts;
    bind_http_sys_plan p;
    if (!bind_http_sys_plan_build(m, cx, &p)) return false;
    bind_script s;
    uint32_t n = p.niplisten + p.nurl_acls + p.nssl + p.nfirewall;
    bind_script_begin(&s, cx, out,
                      is_revert ? "Undoes netsh.cmd: removes the HTTP.sys records and firewall rules it added and puts back what it replaced (netsh, Windows Vista and later)."
                                : "HTTP.sys URL ACLs, SSL certificate bindings, IP listen list and firewall rules (netsh, Windows Vista and later).",
                      false, is_revert, n);
    bind_http_sys_say_kept(&p, sources, &s);
    s.ssl = &netsh_ssl_layout;
    if (!is_revert) lookups(&s, &p);
    uint32_t nr;
    bind_script_record *r = records(&s, &p, &nr);
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

static bool emit_netsh(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                       bind_emit_ctx *cx, bind_buf *out)
{
    return emit(m, sources, opts, cx, out, false);
}

static bool emit_netsh_revert(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                       bind_emit_ctx *cx, bind_buf *out)
{
    return emit(m, sources, opts, cx, out, true);
}

const bind_backend bind_backend_netsh = { "netsh", "netsh.cmd", emit_netsh, 1, true, BIND_SERVER_IIS };
const bind_backend bind_backend_netsh_revert = { "netsh-revert", "netsh-revert.cmd", emit_netsh_revert, 1, true,
                                                     BIND_SERVER_IIS };
