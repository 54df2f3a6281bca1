/* The .bind against the machine it is for (--state, model/machine_state.h):
 * what HTTP.sys, the ports and the certificates there will do to it.
 *
 *   W0503  the URL a binding registers is reserved for accounts that are
 *          not its grantee: access denied when the site starts;
 *   W0504  a reservation HTTP.sys searches before the binding's own URL
 *          takes all its requests (503 while nobody registered it);
 *   W0505  the SSL record of the binding's socket has another certificate,
 *          application ID or store: netsh.cmd stops there;
 *   W0506  the port is in a range Windows keeps from programs (WinNAT);
 *   W0507  the machine's IP listen list is not the .bind's;
 *   W0508  a reservation on a port nginx or Apache takes.
 * What each binding registers and who may is runtime/route_state.h's, the
 * same rules `bindc route --state` answers by.  Every diagnostic points at
 * the .bind (so `# bindc: allow` silences it) with a note in the capture. */
#include "checker.h"
#include "base/file_io.h"
#include "base/table.h"
#include "model/machine_state.h"
#include "runtime/route_state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool bind_check_has_errors(const bind_checker *k)
{
    size_t errors = k->diags->counts[BIND_SEV_ERROR], state = 0;
    if (!errors) return false;
    for (size_t i = 0; i < k->diags->list.len; i++) state += k->diags->list.items[i]->code == BIND_E0501;
    return errors > state;
}

bool bind_compilation_add_state(bind_compilation *c, const char *path, int *err)
{
    if (!c->state_reader) { *err = ENOSYS; return false; }
    char real[PATH_MAX];
    char *text = NULL;
    size_t len = 0;
    const char *rp = NULL, *shown = path;
    struct stat st;
    int e;
    if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))) {
        /* A pipe, or standard input: `netsh ... | bindc check x.bind --state -`. */
        e = bind_read_named(path, c->max_file_size, &text, &len);
        if (strcmp(path, "-") == 0) shown = "<stdin>";
    } else {
        rp = realpath(path, real) ? real : NULL;
        e = c->read(c->read_ctx ? c->read_ctx : &c->max_file_size, rp ? rp : path, &text, &len);
    }
    if (e) { *err = e; return false; }
    text[len] = '\0';
    if (!c->state) c->state = bind_machine_state_new(c->arena);
    c->state_reader(c->state, &c->sources, &c->diags, shown, rp ? bind_arena_strdup(c->arena, rp) : NULL, text, len);
    return true;
}

/* ---- helpers -------------------------------------------------------------- */

typedef struct state_checker {
    bind_checker *k;
    const bind_model *m;
    const bind_machine_state *st;
    bind_arena *a;                   /* messages being made */
    bind_url_namespace *ns;
    bool user_mode;
    uint8_t *ports;                  /* a bit per port a binding uses, made when a fix-it asks */
    bool *registered;                /* per reservation of the state: a binding of the .bind registers it */
    uint32_t *port_acl, *port_acls;  /* per port: the reservation W0508 names (index + 1), and how many */
    bind_table by_thumbprint;        /* the .bind's certificates by thumbprint: index + 1 of the first */
    uint32_t *next_cert;             /* index + 1 of the next with the same thumbprint; NULL until asked */
    bind_table said;                 /* records already reported (W0505, W0508: one diagnostic each) */
} state_checker;

static bool http_sys_site(const bind_site *s) { return bind_site_runs_on(s, BIND_SERVER_IIS); }
static bool web(const bind_binding *b) { return b->valid && (b->protocol == BIND_PROTO_HTTP || b->protocol == BIND_PROTO_HTTPS); }

static bool same_text(const void *a, const void *b) { return strcmp(a, b) == 0; }
static bool same_record(const void *a, const void *b) { return a == b; }

static bool said(state_checker *S, const void *what)
{
    uint64_t h = bind_hash_bytes(&what, sizeof what, BIND_HASH_SEED);
    if (bind_table_get(&S->said, h, what)) return true;
    bind_table_put(&S->said, h, what, (void *)(uintptr_t)1);
    return false;
}

static const char *text_of(state_checker *S, const bind_binding *b) { return bind_binding_text(S->a, b); }

static int family_of(const bind_addr *a)
{
    switch (a->kind) {
    case BIND_ADDR_ANY4: case BIND_ADDR_V4: return 4;
    case BIND_ADDR_ANY6: case BIND_ADDR_V6: return 6;
    default: return 0;
    }
}

static const char *server_word(const bind_site *s)
{
    return s->server == BIND_SERVER_NGINX ? "nginx" : s->server == BIND_SERVER_APACHE ? "Apache" : "HTTP.sys";
}

/* The port of a binding's information in the source, for a fix-it. */
static bool port_span(state_checker *S, const bind_binding *b, bind_span *out)
{
    bind_source *src = bind_sources_get(&S->k->c->sources, b->info_span.file);
    if (!src || b->info_span.end > src->len) return false;
    const char *t = src->text + b->info_span.start, *end = src->text + b->info_span.end;
    const char *p = t;
    if (p < end && *p == '[') { while (p < end && *p != ']') p++; }
    while (p < end && *p != ':') p++;
    if (p >= end) return false;
    const char *q = ++p;
    while (q < end && *q >= '0' && *q <= '9') q++;
    uint16_t port;
    if (!bind_port_parse(p, (size_t)(q - p), &port) || port != b->port) return false;
    *out = bind_span_make(b->info_span.file, (uint32_t)(p - src->text), (uint32_t)(q - src->text));
    return true;
}

static bool port_used(state_checker *S, uint32_t port)
{
    if (!S->ports) {
        S->ports = bind_arena_alloc(S->a, 65536 / 8);
        for (uint32_t i = 0; i < S->m->nsites; i++)
            for (uint32_t j = 0; j < S->m->sites[i]->nbindings; j++) {
                uint16_t p = S->m->sites[i]->bindings[j]->port;
                S->ports[p / 8] |= (uint8_t)(1u << (p % 8));
            }
    }
    return S->ports[port / 8] & (1u << (port % 8));
}

/* ---- W0503, W0504: reservations -------------------------------------------- */

static void note_holder(state_checker *S, bind_diag *d, const bind_state_urlacl *u, const char *what)
{
    bind_diag_note(S->k->diags, d, &u->at, "%s%s%s", what, u->sddl ? ", SDDL " : "", u->sddl ? u->sddl : "");
}

static void check_reserved(state_checker *S, const bind_binding *b)
{
    bind_url_prefix p;
    bind_http_sys_prefix(b, &p);
    const char *url = bind_url_prefix_text(S->a, &p);
    const char *grantee = bind_http_sys_grantee(S->m, b);
    bind_diag_bag *bag = S->k->diags;

    const bind_url_entry *own = bind_url_ns_reservation_for(S->ns, &p);
    if (own && own->reservation && bind_url_prefix_equal(&own->prefix, &p) &&
        bind_state_grants(S->a, own->reservation, grantee) == BIND_GRANT_NO) {
        const bind_state_urlacl *u = own->reservation;
        const char *holders = bind_state_holders(S->a, u);
        bind_diag *d = bind_diag_push(bag, BIND_W0503, b->info_span,
                                      "this machine reserves %s for %s, not for %s: `%s` cannot register it", u->url, holders,
                                      grantee ? grantee : "Everyone (the .bind names no `acl`)", text_of(S, b));
        note_holder(S, d, u, "the reservation");
        bind_diag_note(bag, d, NULL, "%s", S->user_mode
                       ? "IIS Express stops when it starts the site: URL binding failure, Access is denied (0x80070005)"
                       : "IIS deactivates the site when it starts: Cannot register the URL prefix (W3SVC event 1004), access denied");
        bind_diag_note(bag, d, NULL, "remove the reservation if nothing else needs it: netsh http delete urlacl url=%s%s", u->url,
                       bind_http_sys_needs_urlacl(S->m, b) ? "; or run `netsh.cmd /replace`, which replaces it with the .bind's" : "");
        /* When the .bind names nobody and the reservation one account: the
         * site may well run as that one; saying so is one edit. */
        const char *user = u->nusers == 1 ? u->users[0] : NULL;
        if (S->user_mode && !b->acl && !S->m->default_acl && user && user[0] && user[0] != '\\' && !strchr(user, '\'') &&
            strncmp(user, "NT ", 3) != 0 && strncmp(user, "NT-", 3) != 0 &&
            bind_state_grants(S->a, u, user) == BIND_GRANT_YES) {
            bool ascii = true;
            for (const char *c = user; *c; c++) ascii &= (unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f;
            if (ascii)
                bind_diag_fixit(bag, d, bind_span_make(b->span.file, b->span.end, b->span.end),
                                bind_arena_printf(S->a, "  acl='%s'", user));
        }
    }

    /* A reservation the .bind's own server registers (IIS's catch-all
     * registers http://+:PORT/) hands the requests to that server, which
     * routes them by the .bind: nothing is taken from the binding. */
    const bind_url_entry *e = bind_url_ns_shadowing(S->ns, &p);
    if (e && e->reservation && !S->registered[(const bind_state_urlacl *)e->reservation - S->st->urlacls]) {
        const bind_state_urlacl *u = e->reservation;
        bind_diag *d = bind_diag_push(bag, BIND_W0504, b->info_span,
                                      "requests for `%s` reach %s first on this machine: it is reserved for %s, and HTTP.sys "
                                      "searches %s before %s", text_of(S, b), u->url, bind_state_holders(S->a, u),
                                      bind_http_sys_category_name((enum bind_url_category)e->prefix.category),
                                      bind_http_sys_category_name((enum bind_url_category)p.category));
        note_holder(S, d, u, "the reservation");
        bind_diag_note(bag, d, NULL, "the site registers %s and never sees them: HTTP.sys answers 503 Service Unavailable "
                                     "while nobody has registered %s, and hands them to its program while that runs", url, u->url);
        bind_diag_note(bag, d, NULL, "remove the reservation if nothing uses it: netsh http delete urlacl url=%s", u->url);
    }
}

/* ---- W0505: the SSL record of the socket --------------------------------------- */

static bool ieq(const char *a, const char *b)
{
    while (*a && *b && bind_check_ascii_lower(*a) == bind_check_ascii_lower(*b)) { a++; b++; }
    return !*a && !*b;
}

/* The first of the .bind's own certificates with the thumbprint (index + 1;
 * S->next_cert the others), indexed on first use: every W0505 of a fleet
 * asks. */
static uint32_t cert_with(state_checker *S, const char *thumbprint)
{
    const bind_model *m = S->m;
    if (!S->next_cert) {
        S->next_cert = bind_arena_alloc(S->a, (m->ncerts + 1) * sizeof *S->next_cert);
        bind_table_init(&S->by_thumbprint, same_text);
        uint32_t *tail = bind_arena_alloc(S->a, (m->ncerts + 1) * sizeof *tail);    /* of a chain, at its first */
        for (uint32_t i = 0; i < m->ncerts; i++) {
            const bind_cert *o = m->certs[i];
            if (o->is_stdlib || !o->thumbprint) continue;
            uint64_t h = bind_hash_bytes(o->thumbprint, strlen(o->thumbprint), BIND_HASH_SEED);
            uint32_t first = (uint32_t)(uintptr_t)bind_table_put(&S->by_thumbprint, h, o->thumbprint, (void *)(uintptr_t)(i + 1));
            if (first == i + 1) tail[i] = i + 1;
            else { S->next_cert[tail[first - 1] - 1] = i + 1; tail[first - 1] = i + 1; }
        }
    }
    return (uint32_t)(uintptr_t)bind_table_get(&S->by_thumbprint, bind_hash_bytes(thumbprint, strlen(thumbprint), BIND_HASH_SEED),
                                               thumbprint);
}

/* The machine's SSL record of the binding's socket (HTTP.sys's key for it
 * in *key), or NULL. */
static const bind_state_sslcert *ssl_record(const bind_machine_state *st, bind_arena *a, const bind_binding *b, const char **key)
{
    char addr[48];
    if (b->ccs) {
        *key = bind_arena_printf(a, "ccs=%u", b->port);
        return bind_state_find_ccs(st, b->port);
    }
    if (b->sni) {
        *key = bind_arena_printf(a, "hostnameport=%s:%u", b->host, b->port);
        return bind_state_find_hostport(st, b->host, b->port);
    }
    if (b->addr.kind == BIND_ADDR_ANY) strcpy(addr, "0.0.0.0");
    else bind_addr_format(&b->addr, addr, true);
    *key = bind_arena_printf(a, "ipport=%s:%u", addr, b->port);
    return bind_state_find_ipport(st, &b->addr, b->port);
}

/* How record r differs from what netsh.cmd sets for b (NULL: it does not),
 * or NULL with *replaced when the script replaces it anyway: a custom
 * certificate on IIS Express's own ports takes its installer's record. */
static const char *ssl_differs(const bind_model *m, bind_arena *a, const bind_binding *b, const bind_state_sslcert *r, bool *replaced)
{
    const bind_platform *pf = m->platform;
    bool in_ssl_ports = pf->has_ssl_ports && bind_port_in(pf->ssl_ports, pf->nssl_ports, b->port);
    const bind_cert *dflt = pf->default_cert ? bind_model_find_cert(m, pf->default_cert) : NULL;
    const bind_cert *ct = b->cert;
    const char *hash = b->thumbprint ? b->thumbprint : ct ? ct->thumbprint : NULL;
    const char *appid = ct && ct->appid ? ct->appid : m->default_appid ? m->default_appid : BIND_HTTP_SYS_IIS_APPID;
    const char *store = ct && ct->store ? ct->store : m->default_store ? m->default_store : "My";
    *replaced = bind_http_sys_user_mode(pf) && in_ssl_ports && dflt && dflt->appid && r->appid && ieq(r->appid, dflt->appid) &&
                !b->sni && !b->ccs && (b->addr.kind == BIND_ADDR_ANY || b->addr.kind == BIND_ADDR_ANY4);
    if (*replaced) return NULL;
    const char *named = b->thumbprint ? bind_arena_printf(a, "%s", b->thumbprint)
                      : ct ? bind_arena_printf(a, "`%s`%s%s%s", ct->name, hash ? " (" : "", hash ? hash : "", hash ? ")" : "") : "?";
    if (!b->ccs && hash && r->hash && strcmp(hash, r->hash) != 0)
        return bind_arena_printf(a, "has certificate %s, not %s", r->hash, named);
    if (r->appid && !ieq(r->appid, appid))
        return bind_arena_printf(a, "has application ID %s, not %s", r->appid, appid);
    if (!b->ccs && r->store_known && !ieq(r->store ? r->store : "My", store))
        return bind_arena_printf(a, "keeps its certificate in store %s, not %s", r->store ? r->store : "My (the default)", store);
    return NULL;
}

static void check_ssl(state_checker *S, const bind_binding *b)
{
    const bind_model *m = S->m;
    const bind_platform *pf = m->platform;
    bool in_ssl_ports = pf->has_ssl_ports && bind_port_in(pf->ssl_ports, pf->nssl_ports, b->port);
    const bind_cert *dflt = pf->default_cert ? bind_model_find_cert(m, pf->default_cert) : NULL;
    /* The platform's installer made this record; the scripts write none. */
    if (S->user_mode && in_ssl_ports && dflt && b->cert == dflt && !b->thumbprint && !b->sni && !b->ccs) return;
    const char *key;
    const bind_state_sslcert *r = ssl_record(S->st, S->a, b, &key);
    if (!r || said(S, r)) return;
    const bind_cert *ct = b->cert;
    bool replaced;
    const char *what = ssl_differs(m, S->a, b, r, &replaced);
    if (!what) return;
    bind_diag_bag *bag = S->k->diags;
    bind_diag *d = bind_diag_push(bag, BIND_W0505, b->info_span,
                                  "this machine's SSL binding %s %s: netsh.cmd stops there before it changes anything", key, what);
    bind_diag_note(bag, d, &r->at, "the machine's record%s%s", r->appid ? ", application ID " : "", r->appid ? r->appid : "");
    bind_diag_note(bag, d, NULL, "until it is replaced, HTTP.sys presents that certificate for `%s`", text_of(S, b));
    bind_diag_note(bag, d, NULL, "`netsh.cmd /replace` replaces it, keeping the old record in netsh-saved\\; netsh-revert.cmd puts it back");
    /* The machine's certificate is one the .bind declares: naming it is one edit. */
    if (r->hash && b->cert_span.end && !b->ccs)
        for (uint32_t i = cert_with(S, r->hash); i; i = S->next_cert[i - 1]) {
            const bind_cert *o = m->certs[i - 1];
            if (o == ct) continue;
            bind_diag_fixit(bag, d, b->cert_span, o->name);
            break;
        }
}

/* ---- W0506: excluded ports ----------------------------------------------------- */

static void check_excluded(state_checker *S, const bind_site *site, const bind_binding *b)
{
    int family = family_of(&b->addr);
    const bind_state_excluded *x = bind_state_excluded_port(S->st, b->port, family);
    /* A single port kept by HTTP.sys for a service it serves is shared
     * with IIS; only a block (WinNAT's) stops an HTTP.sys site. */
    if (!x || (http_sys_site(site) && x->hi == x->lo)) return;
    bind_diag_bag *bag = S->k->diags;
    const char *range = x->lo == x->hi ? "a port" : bind_arena_printf(S->a, "in the range %u-%u", x->lo, x->hi);
    bind_diag *d = bind_diag_push(bag, BIND_W0506, b->info_span,
                                  "port %u of `%s` is %s that this machine keeps from programs: %s cannot bind it (access denied)",
                                  b->port, text_of(S, b), range, server_word(site));
    bind_diag_note(bag, d, &x->at, "the excluded %s (netsh int %s show excludedportrange protocol=tcp)",
                   x->lo == x->hi ? "port" : "range", x->family == 6 ? "ipv6" : "ipv4");
    if (x->hi > x->lo) {
        bind_diag_note(bag, d, NULL, "a block of %u ports: Windows NAT (WinNAT) takes such blocks at boot for Hyper-V, WSL 2 and "
                                     "Docker, and they move at every restart", x->hi - x->lo + 1u);
        bind_diag_note(bag, d, NULL, "as administrator: net stop winnat, then netsh int %s add excludedportrange protocol=tcp "
                                     "startport=%u numberofports=1 (it keeps the port for you), then net start winnat",
                       x->family == 6 ? "ipv6" : "ipv4", b->port);
    } else {
        bind_diag_note(bag, d, NULL, "a single port: a service holds it (HTTP.sys keeps such ports for the services it serves, "
                                     "WinRM's 5985 and 47001; `netsh http show servicestate` lists them)");
        bind_diag_note(bag, d, NULL, "take another port, or stop the service that holds it");
    }
    /* Another port: the next one no range keeps and no binding uses, of
     * the platform's free or SSL ports where this one is. */
    bind_span ps;
    if (!port_span(S, b, &ps)) return;
    const bind_platform *pf = S->m->platform;
    bool in_free = pf->has_free_ports && bind_port_in(pf->free_ports, pf->nfree_ports, b->port);
    bool in_ssl = b->protocol == BIND_PROTO_HTTPS && pf->has_ssl_ports && bind_port_in(pf->ssl_ports, pf->nssl_ports, b->port);
    for (uint32_t p = (uint32_t)x->hi + 1; p <= 65535; p++) {
        if (bind_state_excluded_port(S->st, (uint16_t)p, family) || port_used(S, p)) continue;
        if (in_free && !bind_port_in(pf->free_ports, pf->nfree_ports, p)) continue;
        if (in_ssl && !bind_port_in(pf->ssl_ports, pf->nssl_ports, p)) continue;
        bind_diag_fixit(bag, d, ps, bind_arena_printf(S->a, "%u", p));
        break;
    }
}

/* ---- W0508: reservations on nginx's and Apache's ports ------------------------------ */

static void check_foreign_port(state_checker *S, const bind_site *site, const bind_binding *b)
{
    uint32_t nl;
    const bind_iplisten *list = bind_state_listen_list(S->m, S->st, S->a, &nl);
    bool overlaps = nl == 0;
    for (uint32_t i = 0; i < nl && !overlaps; i++) overlaps = bind_addr_overlaps(&list[i].addr, &b->addr);
    if (!overlaps) return;
    /* The reservation to name: the site root of the port before its paths,
     * and WCF's, which every Windows has, last; worked out for every port
     * at once, as nginx's sites of a fleet all ask. */
    if (!S->port_acl) {
        S->port_acl = bind_arena_alloc(S->a, 65536 * sizeof *S->port_acl);
        S->port_acls = bind_arena_alloc(S->a, 65536 * sizeof *S->port_acls);
        uint8_t *rank = bind_arena_alloc(S->a, 65536);
        for (uint32_t i = 0; i < S->st->nurlacls; i++) {
            const bind_state_urlacl *u = &S->st->urlacls[i];
            int r = u->path && strcmp(u->path, "/") == 0 ? 0 : u->path && strcmp(u->path, "/Temporary_Listen_Addresses/") == 0 ? 2 : 1;
            if (!S->port_acls[u->port]++ || r < rank[u->port]) { S->port_acl[u->port] = i + 1; rank[u->port] = (uint8_t)r; }
        }
    }
    const bind_state_urlacl *first = S->port_acl[b->port] ? &S->st->urlacls[S->port_acl[b->port] - 1] : NULL;
    uint32_t more = S->port_acls[b->port] ? S->port_acls[b->port] - 1 : 0;
    /* One diagnostic for a port, whatever binds it. */
    if (!first || said(S, first)) return;
    char addr[48];
    bind_addr_format(&b->addr, addr, true);
    const char *where = nl == 0 ? "on every address" : "on the addresses of its IP listen list";
    bind_diag_bag *bag = S->k->diags;
    bind_diag *d = bind_diag_push(bag, BIND_W0508, b->info_span,
                                  "this machine reserves %s for %s: while a program registers it, HTTP.sys listens on port %u %s, "
                                  "and %s cannot bind %s:%u for `%s`", first->url, bind_state_holders(S->a, first), b->port, where,
                                  server_word(site), addr, b->port, text_of(S, b));
    note_holder(S, d, first, "the reservation");
    if (more) bind_diag_note(bag, d, NULL, "%u more reservation%s on port %u", more, more == 1 ? "" : "s", b->port);
    if (first->path && strcmp(first->path, "/Temporary_Listen_Addresses/") == 0)
        bind_diag_note(bag, d, NULL, "Windows makes this one for WCF on every machine; it is taken only while such a service runs");
    bind_diag_note(bag, d, NULL, "keep HTTP.sys off %s's addresses with `iplisten`, or remove the reservation if nothing uses it: "
                                 "netsh http delete urlacl url=%s", server_word(site), first->url);
}

/* ---- W0507: the IP listen list --------------------------------------------------------- */

static bool bind_lists(const bind_model *m, const bind_addr *a)
{
    for (uint32_t i = 0; i < m->niplisten; i++) if (bind_addr_equal(&m->iplisten[i].addr, a)) return true;
    return false;
}

static void check_iplisten(state_checker *S)
{
    const bind_machine_state *st = S->st;
    const bind_model *m = S->m;
    if (!st->given[BIND_STATE_IPLISTEN] || !st->niplisten) return;
    bind_diag_bag *bag = S->k->diags;
    if (m->niplisten) {
        /* Addresses the machine lists and the .bind does not: netsh.cmd
         * leaves them, and HTTP.sys listens there too. */
        uint32_t extra = 0;
        const char *list = NULL;
        for (uint32_t i = 0; i < st->niplisten; i++) {
            if (bind_lists(m, &st->iplisten[i].addr)) continue;
            char a[48];
            bind_addr_format(&st->iplisten[i].addr, a, false);
            list = list ? bind_arena_printf(S->a, "%s, %s", list, a) : bind_arena_strdup(S->a, a);
            extra++;
        }
        if (!extra) return;
        bind_diag *d = bind_diag_push(bag, BIND_W0507, m->iplisten[0].span,
                                      "this machine's IP listen list also holds %s, which the .bind does not list: netsh.cmd removes "
                                      "nothing it did not add, so HTTP.sys listens there too", list);
        for (uint32_t i = 0, shown = 0; i < st->niplisten && shown < 4; i++)
            if (!bind_lists(m, &st->iplisten[i].addr)) { bind_diag_note(bag, d, &st->iplisten[i].at, "in the machine's list"); shown++; }
        /* nginx or Apache on such an address, on a port HTTP.sys takes. */
        for (uint32_t i = 0; i < m->nsites; i++) {
            const bind_site *s = m->sites[i];
            if (http_sys_site(s)) continue;
            for (uint32_t j = 0; j < s->nbindings; j++) {
                const bind_binding *b = s->bindings[j];
                if (!web(b)) continue;
                bool clash = false;
                for (uint32_t x = 0; x < st->niplisten && !clash; x++)
                    clash = !bind_lists(m, &st->iplisten[x].addr) && bind_addr_overlaps(&st->iplisten[x].addr, &b->addr);
                bool http_sys_port = false;
                for (uint32_t y = 0; y < m->nsites && !http_sys_port; y++)
                    for (uint32_t z = 0; http_sys_site(m->sites[y]) && z < m->sites[y]->nbindings && !http_sys_port; z++)
                        http_sys_port = web(m->sites[y]->bindings[z]) && m->sites[y]->bindings[z]->port == b->port;
                if (clash && http_sys_port) {
                    char addr[48];
                    bind_addr_format(&b->addr, addr, true);
                    bind_diag_note(bag, d, &b->info_span, "%s cannot bind `%s` while HTTP.sys listens on %s:%u", server_word(s),
                                   text_of(S, b), addr, b->port);
                    goto advice;
                }
            }
        }
    advice:
        bind_diag_note(bag, d, NULL, "remove %s (netsh http delete iplisten ipaddress=%s), then restart HTTP.sys: net stop http /y, "
                                     "then net start w3svc", extra == 1 ? "it" : "each", extra == 1 ? list : "ADDRESS");
        return;
    }
    /* The .bind lists nothing: it takes every address, the machine does not. */
    bool any4 = false, any6 = false;
    for (uint32_t i = 0; i < st->niplisten; i++) {
        any4 |= st->iplisten[i].addr.kind == BIND_ADDR_ANY4;
        any6 |= st->iplisten[i].addr.kind == BIND_ADDR_ANY6;
    }
    if (any4 && any6) return;
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        if (!http_sys_site(s) || s->is_stdlib) continue;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (!web(b)) continue;
            const char *list = NULL;
            for (uint32_t x = 0; x < st->niplisten; x++) {
                char a[48];
                bind_addr_format(&st->iplisten[x].addr, a, false);
                list = list ? bind_arena_printf(S->a, "%s, %s", list, a) : bind_arena_strdup(S->a, a);
            }
            bind_diag *d = bind_diag_push(bag, BIND_W0507, b->info_span,
                                          "this machine's HTTP.sys listens only on %s (its IP listen list), and the .bind has no "
                                          "`iplisten`: `%s` gets no request on the machine's other addresses", list, text_of(S, b));
            bind_diag_note(bag, d, &st->iplisten[0].at, "the machine's list");
            bind_diag_note(bag, d, NULL, "say it in the .bind (the fix-it), or empty the machine's list: netsh http delete iplisten "
                                         "ipaddress=ADDRESS for each, then net stop http /y, net start w3svc");
            /* `iplisten` on the line before the site. */
            bind_source *src = bind_sources_get(&S->k->c->sources, s->span.file);
            uint32_t at = s->span.start;
            while (src && at > 0 && src->text[at - 1] != '\n') at--;
            bind_diag_fixit(bag, d, bind_span_make(s->span.file, at, at), bind_arena_printf(S->a, "iplisten %s\n\n", list));
            return;
        }
    }
}

/* ---- the pass --------------------------------------------------------------------------- */

/* ---- W0401, W0402 on this machine ------------------------------------------ */

/* The first of --state's reservations whose URL is p's (index + 1; 0: none;
 * k->state_url_next the others), by the URL's text: the same prefix, the
 * same text.  Made on first use, in the checker: W0401 asks binding by
 * binding while the bindings are checked, the pass below asks again. */
static uint32_t reservation_at(bind_checker *k, const bind_url_prefix *p)
{
    const bind_machine_state *st = k->c->state;
    if (!k->state_urls_made) {
        k->state_urls_made = true;
        bind_table_init(&k->state_urls, same_text);
        k->state_url_next = bind_arena_alloc(k->arena, (st->nurlacls + 1) * sizeof *k->state_url_next);
        bind_arena_mark mark = bind_arena_mark_now(k->scratch);
        for (uint32_t i = 0; i < st->nurlacls; i++) {
            const char *why;
            bind_url_prefix q;
            if (!st->urlacls[i].url || !bind_url_prefix_parse(k->scratch, st->urlacls[i].url, &q, &why)) continue;
            const char *text = bind_url_prefix_text(k->arena, &q);
            uint64_t h = bind_hash_bytes(text, strlen(text), BIND_HASH_SEED);
            uint32_t first = (uint32_t)(uintptr_t)bind_table_put(&k->state_urls, h, text, (void *)(uintptr_t)(i + 1));
            if (first != i + 1) { k->state_url_next[i] = k->state_url_next[first - 1]; k->state_url_next[first - 1] = i + 1; }
        }
        bind_arena_release(k->scratch, mark);
    }
    if (!k->state_urls.len) return 0;
    bind_arena_mark mark = bind_arena_mark_now(k->scratch);
    const char *text = bind_url_prefix_text(k->scratch, p);
    uint32_t i = (uint32_t)(uintptr_t)bind_table_get(&k->state_urls, bind_hash_bytes(text, strlen(text), BIND_HASH_SEED), text);
    bind_arena_release(k->scratch, mark);
    return i;
}

/* With --state the check is of that machine: what W0401 and W0402 say a
 * binding needs may be there already. */
bool bind_state_holds_urlacl(bind_checker *k, const bind_binding *b)
{
    const bind_machine_state *st = k->c->state;
    if (!st || !st->nurlacls || !b->valid) return false;
    bind_url_prefix p;
    bind_http_sys_prefix(b, &p);
    uint32_t i = reservation_at(k, &p);
    if (!i) return false;
    bind_arena_mark mark = bind_arena_mark_now(k->scratch);
    bool held = bind_state_grants(k->scratch, &st->urlacls[i - 1], bind_http_sys_grantee(k->m, b)) == BIND_GRANT_YES;
    bind_arena_release(k->scratch, mark);
    return held;
}

bool bind_state_holds_sslcert(bind_checker *k, const bind_binding *b)
{
    const bind_machine_state *st = k->c->state;
    if (!st || !st->nsslcerts || !b->valid || b->protocol != BIND_PROTO_HTTPS) return false;
    bind_arena_mark mark = bind_arena_mark_now(k->scratch);
    const char *key;
    const bind_state_sslcert *r = ssl_record(st, k->scratch, b, &key);
    bool replaced = false;
    bool held = r && !ssl_differs(k->m, k->scratch, b, r, &replaced) && !replaced;
    bind_arena_release(k->scratch, mark);
    return held;
}

void bind_check_state(bind_checker *k)
{
    state_checker S;
    memset(&S, 0, sizeof S);
    S.k = k;
    S.m = k->m;
    S.st = k->c->state;
    S.a = bind_arena_new();
    S.ns = bind_state_namespace(S.a, S.st);
    S.user_mode = bind_http_sys_user_mode(S.m->platform);
    bind_table_init(&S.said, same_record);
    /* Which reservations the .bind's bindings register themselves. */
    S.registered = bind_arena_alloc(S.a, (S.st->nurlacls + 1) * sizeof *S.registered);
    for (uint32_t i = 0; S.st->nurlacls && i < S.m->nsites; i++) {
        const bind_site *s = S.m->sites[i];
        const bind_binding *failing;
        bind_state_refusal why;
        /* A site that does not start registers nothing. */
        if (!http_sys_site(s) || !bind_state_site_starts(S.m, S.st, S.ns, s, S.a, &failing, &why)) continue;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            if (!web(s->bindings[j])) continue;
            bind_url_prefix p;
            bind_http_sys_prefix(s->bindings[j], &p);
            for (uint32_t r = reservation_at(k, &p); r; r = k->state_url_next[r - 1]) S.registered[r - 1] = true;
        }
    }
    for (uint32_t i = 0; i < S.m->nsites; i++) {
        const bind_site *s = S.m->sites[i];
        if (s->is_stdlib) continue;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (!web(b)) continue;
            if (http_sys_site(s)) {
                check_reserved(&S, b);
                if (b->protocol == BIND_PROTO_HTTPS) check_ssl(&S, b);
            } else {
                check_foreign_port(&S, s, b);
            }
            check_excluded(&S, s, b);
        }
    }
    check_iplisten(&S);
    bind_table_fini(&S.said);
    if (S.next_cert) bind_table_fini(&S.by_thumbprint);
    bind_url_ns_free(S.ns);
    bind_arena_free(S.a);
}
