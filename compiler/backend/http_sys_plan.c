/* Which HTTP.sys records the bindings need (the rules are in backend/http_sys_plan.h). */
#include "http_sys_plan.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cmd_exe_quote.h"
#include "base/table.h"
#include "model/machine_state.h"
#include "runtime/route_state.h"
#include "runtime/url_namespace.h"

typedef struct planner {
    bind_emit_ctx *cx;
    const bind_model *m;
    const bind_platform *pf;
    bool user_mode;                  /* the platform runs as an ordinary user (IIS Express) */
    const bind_cert *default_cert;   /* the platform's, or NULL */
    BIND_VEC(bind_addr) iplisten;
    BIND_VEC(bind_url_acl) acls;
    BIND_VEC(bind_ssl_binding) ssl;
    BIND_VEC(bind_firewall_rule) firewall;
    BIND_VEC(bind_cert_lookup) certs;
    BIND_VEC(bind_sid_lookup) sids;
    /* Where each record is in its list, by its key: a fleet has hundreds of
     * thousands, and a scan per binding would make the scripts quadratic. */
    bind_table acl_at, ssl_at, firewall_at, sid_at;
    bool ok;
} planner;

/* A record's key: its text, and a kind where one text could name two
 * records (an ipport and a hostnameport). */
typedef struct record_key { uint8_t kind; const char *text; } record_key;

static uint64_t record_hash(const record_key *k) { return bind_hash_bytes(k->text, strlen(k->text), BIND_HASH_SEED + k->kind); }

static bool record_eq(const void *a, const void *b)
{
    const record_key *x = a, *y = b;
    return x->kind == y->kind && strcmp(x->text, y->text) == 0;
}

/* The index of the record with this key in its list, or -1. */
static int64_t record_find(const bind_table *t, uint8_t kind, const char *text)
{
    record_key k = { kind, text };
    uintptr_t v = (uintptr_t)bind_table_get(t, record_hash(&k), &k);
    return v ? (int64_t)v - 1 : -1;
}

static void record_add(planner *P, bind_table *t, uint8_t kind, const char *text, size_t index)
{
    record_key *k = bind_arena_alloc(P->cx->arena, sizeof *k);
    k->kind = kind;
    k->text = text;
    bind_table_put(t, record_hash(k), k, (void *)(uintptr_t)(index + 1));
}

bind_diag *bind_http_sys_diag_once(bind_emit_ctx *cx, enum bind_code code, bind_span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = bind_arena_vprintf(cx->arena, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < cx->diags->list.len; i++) {
        const bind_diag *d = cx->diags->list.items[i];
        if (d->code == code && d->span.file == span.file && d->span.start == span.start &&
            d->span.end == span.end && strcmp(d->message, msg) == 0)
            return NULL;
    }
    return bind_diag_push(cx->diags, code, span, "%s", msg);
}

const char *bind_http_sys_ipport(bind_arena *a, const bind_addr *addr, uint16_t port)
{
    char buf[48];
    /* `*` is 0.0.0.0 to HTTP.sys: an SSL record for 0.0.0.0 serves every
     * IPv4 and IPv6 address (HTTP_SERVICE_CONFIG_SSL_KEY), as IIS writes it. */
    if (addr->kind == BIND_ADDR_ANY || addr->kind == BIND_ADDR_NONE) strcpy(buf, "0.0.0.0");
    else bind_addr_format(addr, buf, true);
    return bind_arena_printf(a, "%s:%u", buf, port);
}

const char *bind_http_sys_address(bind_arena *a, const bind_addr *addr)
{
    char buf[48];
    bind_addr_format(addr, buf, false);
    return bind_arena_strdup(a, buf);
}

static bool ascii_ieq(const char *a, const char *b)
{
    while (*a && *b && tolower((unsigned char)*a) == tolower((unsigned char)*b)) { a++; b++; }
    return !*a && !*b;
}

static bool serves_http_sys(const bind_site *s)
{
    return bind_site_runs_on(s, BIND_SERVER_IIS);
}

static bool is_local_host(const bind_platform *pf, const char *host)
{
    for (uint32_t i = 0; i < pf->nlocal_hosts; i++) if (pf->local_hosts[i] == host) return true;
    return false;
}

static bool is_loopback(const bind_addr *a)
{
    static const uint8_t v6[16] = { [15] = 1 };
    if (a->kind == BIND_ADDR_V4) return a->bytes[0] == 127;
    return a->kind == BIND_ADDR_V6 && memcmp(a->bytes, v6, 16) == 0;
}

/* `S-1-5-21-...`: a SID needs no name lookup and survives localisation. */
static bool is_sid(const char *s)
{
    if ((s[0] != 'S' && s[0] != 's') || s[1] != '-' || s[2] != '1') return false;
    const char *p = s + 3;
    if (!*p) return false;
    while (*p) {
        if (*p++ != '-' || !isdigit((unsigned char)*p)) return false;
        while (isdigit((unsigned char)*p)) p++;
    }
    return true;
}

/* The names the checker's W0406 treats as Everyone: written as SDDL, since
 * "Everyone" itself is localised (netsh error 1332 on a German Windows). */
static bool is_everyone(const char *acl)
{
    return !acl || ascii_ieq(acl, "everyone") || ascii_ieq(acl, "s-1-1-0") || ascii_ieq(acl, "wd");
}

/* ---- URL ACLs ------------------------------------------------------------ */

/* `acl=` on the binding asks for the reservation; a user-mode platform's
 * free_ports and local_hosts say the rest (runtime/route_state.h). */
static bool needs_url_acl(const planner *P, const bind_binding *b) { return bind_http_sys_needs_urlacl(P->m, b); }

/* The URL prefix the server registers (runtime/route_state.h): the host
 * name; else the address for an exact one; else the weak wildcard `*`, which
 * IIS Express and full IIS alike register for "All Unassigned" — a `+`
 * reservation would be searched before every binding of the port and take
 * their requests while nobody registers it (grammar/README.md §9.2).
 * 0.0.0.0 and [::] have no URL form; the iis target writes them as `*`
 * (with W0407), so the wildcard is what the server registers. */
static const char *url_of(const planner *P, const bind_binding *b)
{
    const char *scheme = b->protocol == BIND_PROTO_HTTPS ? "https" : "http";
    char host[48];
    if (*b->host) return bind_arena_printf(P->cx->arena, "%s://%s:%u/", scheme, b->host, b->port);
    if (b->addr.kind == BIND_ADDR_V4 || b->addr.kind == BIND_ADDR_V6) bind_addr_format(&b->addr, host, true);
    else strcpy(host, "*");
    return bind_arena_printf(P->cx->arena, "%s://%s:%u/", scheme, host, b->port);
}

static int32_t sid_lookup(planner *P, const char *user)
{
    int64_t at = record_find(&P->sid_at, 0, user);
    if (at >= 0) return (int32_t)at;
    bind_sid_lookup l = { user };
    record_add(P, &P->sid_at, 0, user, P->sids.len);
    bind_vec_push(&P->sids, l);
    return (int32_t)(P->sids.len - 1);
}

static void plan_url_acl(planner *P, const bind_binding *b)
{
    bind_url_acl a;
    memset(&a, 0, sizeof a);
    a.url = url_of(P, b);
    a.binding = b;
    a.user_lookup = -1;
    const char *acl = b->acl ? b->acl : P->m->default_acl;
    a.user_span = b->info_span;
    if (b->acl) a.user_span = b->acl_span;
    else if (acl) a.user_span = P->m->default_acl_span;
    if (is_everyone(acl)) {
        a.grantee = BIND_GRANTEE_EVERYONE;
    } else if (is_sid(acl)) {
        a.grantee = BIND_GRANTEE_SID;
        char *sid = bind_arena_strdup(P->cx->arena, acl);
        sid[0] = 'S';
        a.user = sid;
    } else {
        enum bind_cmd_quote_refusal r = bind_cmd_quote_check(acl);
        if (r != BIND_CMD_QUOTE_OK) {
            bind_diag *d = bind_http_sys_diag_once(P->cx, BIND_E0007, a.user_span,
                                                   "acl user %s: the netsh and httpcfg scripts cannot carry it",
                                                   bind_cmd_quote_reason(r));
            if (d && r == BIND_CMD_QUOTE_NON_ASCII)
                bind_diag_note(P->cx->diags, d, NULL, "write the account's SID instead (acl=S-1-5-21-...): it is ASCII and the same in every language");
            P->ok = false;
            return;
        }
        a.grantee = BIND_GRANTEE_USER;
        a.user = acl;
    }
    int64_t at = record_find(&P->acl_at, 0, a.url);
    if (at >= 0) {
        const bind_url_acl *o = &P->acls.items[at];
        if (o->grantee != a.grantee || (a.user && strcmp(o->user, a.user) != 0)) {
            bind_diag *d = bind_http_sys_diag_once(P->cx, BIND_E0007, a.user_span,
                                                   "URL %s is reserved for %s by another binding: one URL has one reservation",
                                                   a.url, o->user ? o->user : "Everyone");
            if (d) bind_diag_note(P->cx->diags, d, &o->user_span, "the first grantee is given here");
            P->ok = false;
        }
        return;
    }
    if (a.grantee == BIND_GRANTEE_USER) a.user_lookup = sid_lookup(P, a.user);
    record_add(P, &P->acl_at, 0, a.url, P->acls.len);
    bind_vec_push(&P->acls, a);
}

/* The SDDL aliases Windows prints for well-known SIDs
 * (ConvertSecurityDescriptorToStringSecurityDescriptor): a reservation made
 * for S-1-5-20 shows as D:(A;;GX;;;NS).  The table is the model's
 * (model/machine_state.h), which --state reads reservations with. */
size_t bind_http_sys_sid_aliases(const char *const (**map)[2]) { return bind_sid_aliases(map); }

static const char *sid_alias(const char *sid) { return bind_sid_alias(sid); }

void bind_http_sys_grantee_values(bind_arena *a, const bind_url_acl *u, const char *same[2][3])
{
    memset(same, 0, sizeof(const char *[2][3]));
    if (u->grantee == BIND_GRANTEE_EVERYONE) {
        same[0][0] = "D:(A;;GX;;;WD)";
    } else if (u->grantee == BIND_GRANTEE_SID) {
        same[0][0] = bind_arena_printf(a, "D:(A;;GX;;;%s)", u->user);
        const char *alias = sid_alias(u->user);
        if (alias) same[1][0] = bind_arena_printf(a, "D:(A;;GX;;;%s)", alias);
    } else {
        same[0][0] = bind_arena_printf(a, "D:(A;;GX;;;%%BINDC_SID_%d%%)", u->user_lookup + 1);
        same[1][0] = bind_arena_printf(a, "D:(A;;GX;;;%%BINDC_SIDA_%d%%)", u->user_lookup + 1);
    }
}

/* ---- SSL bindings ---------------------------------------------------------- */

static int32_t cert_lookup(planner *P, const bind_cert *ct, const char *store)
{
    for (size_t i = 0; i < P->certs.len; i++)
        if (P->certs.items[i].cert == ct) return (int32_t)i;
    bind_cert_lookup l = { ct, store };
    bind_vec_push(&P->certs, l);
    return (int32_t)(P->certs.len - 1);
}

/* A certificate as the script names it: its thumbprint, or a look-up by
 * friendly name when the thumbprint differs per machine.  False (after E0301)
 * when it has neither. */
static bool resolve_cert(planner *P, const bind_cert *ct, const char *store, bind_span where,
                         const char **thumbprint, int32_t *lookup)
{
    *thumbprint = NULL;
    *lookup = -1;
    if (ct->thumbprint) { *thumbprint = ct->thumbprint; return true; }
    if (ct->friendly_name) {
        enum bind_cmd_quote_refusal r = bind_cmd_quote_check(ct->friendly_name);
        if (r == BIND_CMD_QUOTE_OK) { *lookup = cert_lookup(P, ct, store); return true; }
        bind_diag *d = bind_http_sys_diag_once(P->cx, BIND_E0007, ct->span,
                                               "the friendly name of certificate `%s` %s: the script cannot look it up",
                                               ct->name, bind_cmd_quote_reason(r));
        if (d) bind_diag_note(P->cx->diags, d, NULL, "give the certificate a thumbprint instead");
        P->ok = false;
        return false;
    }
    bind_diag *d = bind_http_sys_diag_once(P->cx, BIND_E0301, where,
                                           "certificate `%s` has no thumbprint and no friendly_name: the SSL binding cannot name it",
                                           ct->name);
    if (d) bind_diag_note(P->cx->diags, d, &ct->span, "add `thumbprint = ...` (or `friendly_name`, looked up when the script runs) here");
    P->ok = false;
    return false;
}

static const char *store_of(const planner *P, const bind_cert *ct)
{
    if (ct && ct->store) return ct->store;
    return P->m->default_store ? P->m->default_store : "My";
}

static const char *appid_of(const planner *P, const bind_cert *ct)
{
    if (ct && ct->appid) return ct->appid;
    return P->m->default_appid ? P->m->default_appid : BIND_IIS_APPID;
}

static bool same_ssl(const bind_ssl_binding *a, const bind_ssl_binding *b)
{
    bool tp = a->thumbprint && b->thumbprint ? strcmp(a->thumbprint, b->thumbprint) == 0 : a->thumbprint == b->thumbprint;
    return tp && a->lookup == b->lookup && a->disable == b->disable && strcmp(a->appid, b->appid) == 0 &&
           (a->store && b->store ? strcmp(a->store, b->store) == 0 : a->store == b->store);
}

static void plan_ssl(planner *P, const bind_binding *b)
{
    const bind_platform *pf = P->pf;
    bool in_ssl_ports = pf->has_ssl_ports && bind_port_in(pf->ssl_ports, pf->nssl_ports, b->port);
    bool default_cert = P->default_cert && b->cert == P->default_cert && !b->thumbprint;
    /* The platform's installer bound its default certificate on these ports
     * for every address (IIS Express: 0.0.0.0:44300-44399). */
    if (P->user_mode && in_ssl_ports && default_cert && !b->sni && !b->ccs) return;

    bind_ssl_binding s;
    memset(&s, 0, sizeof s);
    s.binding = b;
    s.lookup = -1;
    s.disable = b->ssl_flags & BIND_SSL_EXT_MASK;
    s.appid = appid_of(P, b->cert);
    if (b->ccs) {
        s.key_kind = BIND_SSL_KEY_CCS;
        s.key = bind_arena_printf(P->cx->arena, "%u", b->port);
    } else {
        if (b->sni) {
            s.key_kind = BIND_SSL_KEY_HOSTNAMEPORT;
            s.key = bind_arena_printf(P->cx->arena, "%s:%u", b->host, b->port);
        } else {
            s.key_kind = BIND_SSL_KEY_IPPORT;
            s.key = bind_http_sys_ipport(P->cx->arena, &b->addr, b->port);
            s.replaces_platform = P->user_mode && in_ssl_ports && P->default_cert &&
                                  (b->addr.kind == BIND_ADDR_ANY || b->addr.kind == BIND_ADDR_ANY4);
        }
        s.store = store_of(P, b->cert);
        if (b->thumbprint) s.thumbprint = b->thumbprint;
        else if (!b->cert) return;    /* E0301 came from the checker */
        else if (!resolve_cert(P, b->cert, s.store, b->cert_span.end ? b->cert_span : b->info_span,
                               &s.thumbprint, &s.lookup))
            return;
    }
    int64_t at = record_find(&P->ssl_at, s.key_kind, s.key);
    if (at >= 0) {
        const bind_ssl_binding *o = &P->ssl.items[at];
        if (!same_ssl(o, &s)) {
            bind_diag *d = bind_http_sys_diag_once(P->cx, BIND_E0205, b->info_span,
                                                   "HTTP.sys holds one SSL binding for %s%s, but these bindings need different certificates or settings",
                                                   s.key_kind == BIND_SSL_KEY_HOSTNAMEPORT ? "hostnameport=" :
                                                   s.key_kind == BIND_SSL_KEY_CCS ? "ccs=" : "ipport=", s.key);
            if (d) bind_diag_note(P->cx->diags, d, &o->binding->info_span, "this binding has that record already");
            P->ok = false;
        }
        return;
    }
    record_add(P, &P->ssl_at, s.key_kind, s.key, P->ssl.len);
    bind_vec_push(&P->ssl, s);
}

/* ---- firewall ------------------------------------------------------------ */

static void plan_firewall(planner *P, const bind_binding *b, bool http_sys)
{
    enum bind_info_form form = bind_protocol_form((enum bind_protocol)b->protocol);
    if (form == BIND_FORM_HOST || b->firewall < 0) return;
    /* Traffic from other machines: a host the platform does not call local,
     * unless the address itself is loopback. */
    bool external = http_sys && (b->protocol == BIND_PROTO_HTTP || b->protocol == BIND_PROTO_HTTPS) &&
                    P->pf->has_local_hosts && !(*b->host && is_local_host(P->pf, b->host)) && !is_loopback(&b->addr);
    if (b->firewall == 0 && !external) return;
    bind_firewall_rule r;
    memset(&r, 0, sizeof r);
    r.port = b->port;
    r.binding = b;
    if (form == BIND_FORM_IP_PORT_HOST && (b->addr.kind == BIND_ADDR_V4 || b->addr.kind == BIND_ADDR_V6)) {
        r.local = b->addr;
        r.name = bind_arena_printf(P->cx->arena, "bindc TCP %s", bind_http_sys_ipport(P->cx->arena, &b->addr, b->port));
    } else {
        r.name = bind_arena_printf(P->cx->arena, "bindc TCP %u", b->port);
    }
    if (record_find(&P->firewall_at, 0, r.name) >= 0) return;
    record_add(P, &P->firewall_at, 0, r.name, P->firewall.len);
    bind_vec_push(&P->firewall, r);
}

#define FREEZE(P, vec, out, n)                                                     \
    do {                                                                           \
        (n) = (uint32_t)(vec).len;                                                 \
        (out) = bind_arena_alloc((P)->cx->arena, ((vec).len + 1) * sizeof *(vec).items); \
        if ((vec).len) memcpy((out), (vec).items, (vec).len * sizeof *(vec).items); \
        bind_vec_free(&(vec));                                                     \
    } while (0)

/* ---- --state: what the machine has already ----------------------------------- */

static bool ieq_nospace(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ') a++;
        while (*b == ' ') b++;
        if (!*a || !*b) return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
        a++, b++;
    }
}

static const bind_state_urlacl *reservation_of(bind_arena *a, const bind_machine_state *st, const char *url)
{
    bind_url_prefix want, have;
    const char *why;
    if (!bind_url_prefix_parse(a, url, &want, &why)) return NULL;
    for (uint32_t i = 0; i < st->nurlacls; i++)
        if (st->urlacls[i].url && bind_url_prefix_parse(a, st->urlacls[i].url, &have, &why) && bind_url_prefix_equal(&want, &have))
            return &st->urlacls[i];
    return NULL;
}

/* The reservation is as netsh.cmd sets it: the script would leave it alone. */
static bool acl_as_planned(bind_arena *a, const bind_url_acl *u, const bind_state_urlacl *r)
{
    if (!r->sddl) return false;
    if (u->grantee != BIND_GRANTEE_USER) {
        const char *same[2][3];
        bind_http_sys_grantee_values(a, u, same);
        return ieq_nospace(r->sddl, same[0][0]) || (same[1][0] && ieq_nospace(r->sddl, same[1][0]));
    }
    /* An account name: its SID is known when the script runs; here, one
     * entry granting listening, and netsh naming that account alone. */
    const char *sd = r->sddl;
    size_t n = strlen(sd);
    if (n < 13 || strncmp(sd, "D:(A;;GX;;;", 11) != 0 || sd[n - 1] != ')' || strchr(sd + 11, '(')) return false;
    if (r->nusers != 1) return false;
    const char *shown = r->users[0][0] == '\\' ? r->users[0] + 1 : r->users[0];
    return ascii_ieq(shown, u->user);
}

static const bind_state_sslcert *ssl_record_of(const bind_machine_state *st, const bind_ssl_binding *s)
{
    const bind_binding *b = s->binding;
    if (s->key_kind == BIND_SSL_KEY_CCS) return bind_state_find_ccs(st, b->port);
    if (s->key_kind == BIND_SSL_KEY_HOSTNAMEPORT) return bind_state_find_hostport(st, b->host, b->port);
    return bind_state_find_ipport(st, &b->addr, b->port);
}

static bool ssl_as_planned(const bind_ssl_binding *s, const bind_state_sslcert *r)
{
    if (s->key_kind != BIND_SSL_KEY_CCS) {
        if (!s->thumbprint || !r->hash || strcmp(s->thumbprint, r->hash) != 0) return false;
        if (!r->store_known || !r->store || !s->store || !ascii_ieq(r->store, s->store)) return false;
    }
    return r->appid && ascii_ieq(r->appid, s->appid) && r->flags_known && r->flags == s->disable;
}


/* Leaves out what the capture shows as the plan sets it; then the look-ups
 * only the records that stay need. */
static void trim(planner *P, const bind_machine_state *st, bind_http_sys_plan *out)
{
    bind_arena *a = P->cx->arena;
    BIND_VEC(bind_http_sys_kept) kept = { 0 };
#define keep(P, v, what_, at_) do { bind_http_sys_kept k_ = { (what_), (at_) }; bind_vec_push((v), k_); } while (0)
    size_t w = 0;
    for (size_t i = 0; i < P->iplisten.len; i++) {
        const bind_addr *ip = &P->iplisten.items[i];
        const bind_state_iplisten *r = NULL;
        for (uint32_t j = 0; j < st->niplisten && !r; j++) if (bind_addr_equal(&st->iplisten[j].addr, ip)) r = &st->iplisten[j];
        if (r) keep(P, &kept, bind_arena_printf(a, "IP listen address %s", bind_http_sys_address(a, ip)), r->at);
        else P->iplisten.items[w++] = *ip;
    }
    P->iplisten.len = w;
    w = 0;
    for (size_t i = 0; i < P->acls.len; i++) {
        const bind_url_acl *u = &P->acls.items[i];
        const bind_state_urlacl *r = reservation_of(a, st, u->url);
        if (r && acl_as_planned(a, u, r)) keep(P, &kept, bind_arena_printf(a, "URL ACL %s", u->url), r->at);
        else P->acls.items[w++] = *u;
    }
    P->acls.len = w;
    w = 0;
    for (size_t i = 0; i < P->ssl.len; i++) {
        const bind_ssl_binding *b = &P->ssl.items[i];
        const bind_state_sslcert *r = ssl_record_of(st, b);
        if (r && ssl_as_planned(b, r))
            keep(P, &kept, bind_arena_printf(a, "SSL certificate binding %s=%s",
                                             b->key_kind == BIND_SSL_KEY_HOSTNAMEPORT ? "hostnameport" : b->key_kind == BIND_SSL_KEY_CCS ? "ccs" : "ipport",
                                             b->key), r->at);
        else P->ssl.items[w++] = *b;
    }
    P->ssl.len = w;
    if (!kept.len) return;
    /* Look-ups of the records left: their indices, renumbered. */
    int32_t *sid_to = bind_arena_alloc(a, (P->sids.len + 1) * sizeof *sid_to);
    int32_t *cert_to = bind_arena_alloc(a, (P->certs.len + 1) * sizeof *cert_to);
    for (size_t i = 0; i < P->sids.len; i++) sid_to[i] = -1;
    for (size_t i = 0; i < P->certs.len; i++) cert_to[i] = -1;
    for (size_t i = 0; i < P->acls.len; i++) if (P->acls.items[i].user_lookup >= 0) sid_to[P->acls.items[i].user_lookup] = 0;
    for (size_t i = 0; i < P->ssl.len; i++) if (P->ssl.items[i].lookup >= 0) cert_to[P->ssl.items[i].lookup] = 0;
    w = 0;
    for (size_t i = 0; i < P->sids.len; i++) if (sid_to[i] == 0) { sid_to[i] = (int32_t)w; P->sids.items[w++] = P->sids.items[i]; }
    P->sids.len = w;
    w = 0;
    for (size_t i = 0; i < P->certs.len; i++) if (cert_to[i] == 0) { cert_to[i] = (int32_t)w; P->certs.items[w++] = P->certs.items[i]; }
    P->certs.len = w;
    for (size_t i = 0; i < P->acls.len; i++)
        if (P->acls.items[i].user_lookup >= 0) P->acls.items[i].user_lookup = sid_to[P->acls.items[i].user_lookup];
    for (size_t i = 0; i < P->ssl.len; i++)
        if (P->ssl.items[i].lookup >= 0) P->ssl.items[i].lookup = cert_to[P->ssl.items[i].lookup];
    FREEZE(P, kept, out->kept, out->nkept);
#undef keep
}

/* "state.txt" and its line, as a script may say them: ASCII letters,
 * digits and `._-` (a `%` would expand in a `rem` line). */
static const char *place(bind_arena *a, const bind_sources *sources, bind_span at, bool for_script)
{
    const bind_source *src = bind_sources_get(sources, at.file);
    if (!src) return "the capture";
    uint32_t line = 1;
    for (uint32_t i = 0; i < at.start && i < src->len; i++) line += src->text[i] == '\n';
    const char *name = src->path;
    if (for_script) {
        const char *slash = strrchr(name, '/');
        char *n = bind_arena_strdup(a, slash ? slash + 1 : name);
        for (char *c = n; *c; c++)
            if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_' && *c != '-') *c = '_';
        name = n;
    }
    return bind_arena_printf(a, "%s:%u", name, line);
}

uint32_t bind_http_sys_kept_lines(const bind_http_sys_plan *p, const bind_sources *sources, bind_emit_ctx *cx, bool revert,
                                  const char *other_script, const char ***lines)
{
    *lines = NULL;
    if (!p->nkept) return 0;
    bind_arena *a = cx->arena;
    const char **l = bind_arena_alloc(a, (p->nkept + 2) * sizeof *l);
    const char *it = p->nkept == 1 ? "it" : "them";
    if (!revert) {
        l[0] = bind_arena_printf(a, "rem Compiled with --state: the capture of this machine shows %u record%s as this script would",
                                 p->nkept, p->nkept == 1 ? "" : "s");
        l[1] = bind_arena_printf(a, "rem set %s, so it leaves %s out (it still looks at the others when it runs):", it, it);
    } else {
        l[0] = bind_arena_printf(a, "rem Compiled with --state: %s leaves out %u record%s the capture of this machine shows",
                                 other_script, p->nkept, p->nkept == 1 ? "" : "s");
        l[1] = bind_arena_printf(a, "rem as it would set %s, and this script leaves %s alone too:", it, it);
    }
    for (uint32_t i = 0; i < p->nkept; i++) {
        l[i + 2] = bind_arena_printf(a, "rem   %s (%s)", p->kept[i].what, place(a, sources, p->kept[i].at, true));
        if (cx->report)
            bind_buf_printf(cx->report, "left out, this machine has it already (--state): %s (%s)\n", p->kept[i].what,
                            place(a, sources, p->kept[i].at, false));
    }
    *lines = l;
    return p->nkept + 2;
}

/* ---- the plan -------------------------------------------------------------- */

static bool plan_build(const bind_model *m, const bind_machine_state *state, bind_emit_ctx *cx, bind_http_sys_plan *out)
{
    memset(out, 0, sizeof *out);
    planner P;
    memset(&P, 0, sizeof P);
    P.cx = cx;
    P.m = m;
    P.pf = m->platform;
    P.ok = true;
    bind_table_init(&P.acl_at, record_eq);
    bind_table_init(&P.ssl_at, record_eq);
    bind_table_init(&P.firewall_at, record_eq);
    bind_table_init(&P.sid_at, record_eq);
    P.user_mode = P.pf->has_free_ports || P.pf->has_local_hosts || P.pf->has_ssl_ports;
    if (P.pf->default_cert) P.default_cert = bind_model_find_cert(P.m, P.pf->default_cert);

    for (uint32_t i = 0; i < P.m->niplisten; i++) {
        bool seen = false;
        for (size_t j = 0; j < P.iplisten.len && !seen; j++) seen = bind_addr_equal(&P.iplisten.items[j], &P.m->iplisten[i].addr);
        if (!seen) bind_vec_push(&P.iplisten, P.m->iplisten[i].addr);
    }
    for (uint32_t i = 0; i < P.m->nsites; i++) {
        const bind_site *site = P.m->sites[i];
        bool http_sys = serves_http_sys(site);
        for (uint32_t j = 0; j < site->nbindings; j++) {
            const bind_binding *b = site->bindings[j];
            if (!b->valid) continue;
            plan_firewall(&P, b, http_sys);
            if (!http_sys || (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS)) continue;
            if (needs_url_acl(&P, b)) plan_url_acl(&P, b);
            if (b->protocol == BIND_PROTO_HTTPS) plan_ssl(&P, b);
        }
    }

    if (state) trim(&P, state, out);

    /* A record of the platform's (its installer's appid) may be replaced
     * without /replace; the revert puts back what it replaced. */
    bool replaced = false;
    for (size_t i = 0; i < P.ssl.len; i++) replaced |= P.ssl.items[i].replaces_platform;
    if (replaced) {
        out->restore_store = store_of(&P, P.default_cert);
        out->restore_appid = appid_of(&P, P.default_cert);
    }

    FREEZE(&P, P.iplisten, out->iplisten, out->niplisten);
    FREEZE(&P, P.acls, out->url_acls, out->nurl_acls);
    FREEZE(&P, P.ssl, out->ssl, out->nssl);
    FREEZE(&P, P.firewall, out->firewall, out->nfirewall);
    FREEZE(&P, P.certs, out->cert_lookups, out->ncert_lookups);
    FREEZE(&P, P.sids, out->sid_lookups, out->nsid_lookups);
    bind_table_fini(&P.acl_at);
    bind_table_fini(&P.ssl_at);
    bind_table_fini(&P.firewall_at);
    bind_table_fini(&P.sid_at);
    return P.ok;
}

/* ---- one plan for --target all ----------------------------------------- */

/* pthreads, as task.c: the sanitizers and valgrind know them. */
struct bind_http_sys_shared {
    pthread_mutex_t lock;
    bool built, ok;
    bind_http_sys_plan plan;
    bind_arena *arena;              /* the plan and its diagnostics */
    bind_diag_bag diags;
};

bind_http_sys_shared *bind_http_sys_shared_new(size_t diag_limit)
{
    bind_http_sys_shared *s = bind_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->arena = bind_arena_new();
    bind_diag_bag_init(&s->diags, s->arena);
    s->diags.limit = diag_limit;
    return s;
}

void bind_http_sys_shared_free(bind_http_sys_shared *s)
{
    if (!s) return;
    pthread_mutex_destroy(&s->lock);
    bind_diag_bag_fini(&s->diags);
    bind_arena_free(s->arena);
    free(s);
}

const bind_diag_bag *bind_http_sys_shared_diags(const bind_http_sys_shared *s) { return &s->diags; }

bool bind_http_sys_plan_build(const bind_model *m, bind_emit_ctx *cx, bind_http_sys_plan *out)
{
    const bind_machine_state *state = cx->state;
    bind_http_sys_shared *s = cx->http_sys;
    if (!s) return plan_build(m, state, cx, out);
    pthread_mutex_lock(&s->lock);
    if (!s->built) {
        /* Built as for one target, into the shared arena and bag. */
        bind_emit_ctx shared = { .arena = s->arena, .diags = &s->diags };
        s->ok = plan_build(m, state, &shared, &s->plan);
        s->built = true;
    }
    pthread_mutex_unlock(&s->lock);
    *out = s->plan;
    return s->ok;
}
