/* The HTTP.sys records tied to the bindings they serve, as HTTP.sys
 * itself looks them up:
 *   - an https binding with `sni` by its host name and port
 *     (`hostnameport=`); with `ccs` by its port (`ccs=`, no certificate);
 *     otherwise by its IP:port (`ipport=`), the exact address first, then
 *     the address of every IPv4 (or IPv6) address of its family, then
 *     0.0.0.0, which HTTP.sys applies to both families;
 *   - a URL reservation by scheme, host and port, its path `/`: the
 *     binding's host, else its exact address, else `+` or `*`.
 * Each certificate (thumbprint, store, application id) is declared once,
 * named after the first record that uses it.  An https binding that no
 * record serves, on a platform without a default certificate, gets a
 * certificate without thumbprint that holds its place (W0603): the
 * language needs one, and the netsh target then says it is missing. */
#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "base/buf.h"
#include "base/table.h"

/* Lookups a fleet makes once per binding: by name, by identity, by key. */
typedef struct attacher {
    bind_imported *im;
    bind_table names;          /* certificate name -> index + 1 */
    bind_table ids;            /* "HASH|store|appid" -> index + 1 */
    bind_table records;        /* a record's key -> the record */
    bind_table holes;          /* a record's key -> the place holder's name */
    size_t holes_count;
    bind_diag *hole_diag;
} attacher;

static bool str_eq(const void *a, const void *b) { return strcmp(a, b) == 0; }
static uint64_t str_hash(const char *s) { return bind_hash_bytes(s, strlen(s), BIND_HASH_SEED); }

/* Names and keys put together without printf, which would parse its
 * format every time: a fleet makes several per binding. */
static const char *join(bind_arena *a, const char *const *parts, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += strlen(parts[i]);
    char *o = bind_arena_alloc(a, total + 1), *p = o;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(parts[i]);
        memcpy(p, parts[i], k);
        p += k;
    }
    return o;
}
#define JOIN(a, ...) join((a), (const char *const[]){ __VA_ARGS__ }, \
                          sizeof (const char *const[]){ __VA_ARGS__ } / sizeof(const char *))

typedef struct number { char s[12]; } number;
static number num(unsigned v) { number n; n.s[bind_decimal(n.s, v)] = '\0'; return n; }

/* A certificate name made of a record's key: `shop.example-443`,
 * `10.0.0.5-443`, `any-443` (0.0.0.0), `any6-443` ([::]). */
static const char *key_name(bind_arena *a, const bind_addr *addr, const char *host, uint16_t port)
{
    number p = num(port);
    if (host && *host) {
        if (host[0] == '*' && host[1] == '.') return JOIN(a, "star", host + 1, "-", p.s);
        return JOIN(a, host, "-", p.s);
    }
    if (addr->kind == BIND_ADDR_ANY4 || addr->kind == BIND_ADDR_ANY) return JOIN(a, "any-", p.s);
    if (addr->kind == BIND_ADDR_ANY6) return JOIN(a, "any6-", p.s);
    char buf[48];
    bind_addr_format(addr, buf, false);
    for (char *q = buf; *q; q++) if (*q == ':') *q = '-';
    return JOIN(a, buf, "-", p.s);
}

static const char *unique_name(attacher *t, const char *base)
{
    const char *name = base;
    for (unsigned k = 2; bind_table_get(&t->names, str_hash(name), name); k++)
        name = JOIN(t->im->arena, base, "-", num(k).s);
    return name;
}

static void declare(attacher *t, bind_imp_cert *c)
{
    bind_vec_push(&t->im->certs, *c);
    bind_table_put(&t->names, str_hash(c->name), c->name, (void *)(uintptr_t)t->im->certs.len);
}

/* The certificate for a thumbprint, store and application id, declared on
 * first use. */
static const char *cert_for(attacher *t, const char *hash, const char *store, const char *appid, const char *name,
                            bind_span at)
{
    bind_imported *im = t->im;
    const char *id = JOIN(im->arena, hash, "|", store ? store : "", "|", appid ? appid : "");
    uintptr_t have = (uintptr_t)bind_table_get(&t->ids, str_hash(id), id);
    if (have) return im->certs.items[have - 1].name;
    bind_imp_cert c;
    memset(&c, 0, sizeof c);
    c.name = unique_name(t, name);
    c.thumbprint = hash;
    c.store = store;
    c.appid = appid;
    c.at = at;
    declare(t, &c);
    bind_table_put(&t->ids, str_hash(id), id, (void *)(uintptr_t)im->certs.len);
    return c.name;
}

/* A record's key as HTTP.sys keys it: `ip ADDR:PORT`, `host NAME:PORT`,
 * `ccs PORT`. */
static const char *record_key(bind_arena *a, uint8_t kind, const bind_addr *addr, const char *host, uint16_t port)
{
    char buf[48];
    number p = num(port);
    switch (kind) {
    case BIND_SSLREC_IPPORT: bind_addr_format(addr, buf, true); return JOIN(a, "ip ", buf, ":", p.s);
    case BIND_SSLREC_HOSTPORT: return JOIN(a, "host ", host, ":", p.s);
    default: return JOIN(a, "ccs ", p.s);
    }
}

static bind_imp_sslcert *find(attacher *t, uint8_t kind, const bind_addr *addr, const char *host, uint16_t port)
{
    const char *key = record_key(t->im->arena, kind, addr, host, port);
    return bind_table_get(&t->records, str_hash(key), key);
}

static bind_imp_sslcert *record_for(attacher *t, const bind_imp_binding *b)
{
    uint16_t port = b->parsed.port;
    if (!t->records.len) return NULL;
    if (b->ssl_flags & BIND_SSL_CCS) return find(t, BIND_SSLREC_CCS, NULL, NULL, port);
    if (b->ssl_flags & BIND_SSL_SNI) return find(t, BIND_SSLREC_HOSTPORT, NULL, b->parsed.host, port);
    bind_addr any4 = { BIND_ADDR_ANY4, { 0 } }, any6 = { BIND_ADDR_ANY6, { 0 } };
    const bind_addr *a = &b->parsed.addr;
    bind_imp_sslcert *r = NULL;
    if (a->kind == BIND_ADDR_V4 || a->kind == BIND_ADDR_V6) r = find(t, BIND_SSLREC_IPPORT, a, NULL, port);
    if (!r && a->kind == BIND_ADDR_V6) r = find(t, BIND_SSLREC_IPPORT, &any6, NULL, port);
    if (!r && a->kind != BIND_ADDR_ANY6) r = find(t, BIND_SSLREC_IPPORT, &any4, NULL, port);
    if (!r && (a->kind == BIND_ADDR_ANY || a->kind == BIND_ADDR_ANY6)) r = find(t, BIND_SSLREC_IPPORT, &any6, NULL, port);
    if (!r && a->kind == BIND_ADDR_ANY6) r = find(t, BIND_SSLREC_IPPORT, &any4, NULL, port);
    return r;
}

static const char *record_name(bind_imported *im, const bind_imp_sslcert *r)
{
    return key_name(im->arena, &r->addr, r->key == BIND_SSLREC_HOSTPORT ? r->host : NULL, r->port);
}

/* The count of place holders a file's bindings needed, on its warning. */
static void holes_said(attacher *t)
{
    if (t->hole_diag && t->holes_count > 1)
        bind_imp_note(t->im, t->hole_diag, "%zu certificates hold the places of this file's records in all; each is "
                                           "commented in the .bind", t->holes_count);
}

/* A place holder for the record HTTP.sys would look up, one per key; W0603
 * once per file read, at its first such binding, with the count. */
static const char *hole_for(attacher *t, bind_imp_binding *b)
{
    bind_imported *im = t->im;
    bind_addr lookup = b->parsed.addr;
    if (lookup.kind == BIND_ADDR_ANY) lookup.kind = BIND_ADDR_ANY4;
    bool sni = b->ssl_flags & BIND_SSL_SNI;
    const char *key = key_name(im->arena, &lookup, sni ? b->parsed.host : NULL, b->parsed.port);
    const char *cert = bind_table_get(&t->holes, str_hash(key), key);
    if (cert) return cert;
    char addr[48];
    if (!sni) bind_addr_format(&lookup, addr, true);
    const char *where = JOIN(im->arena, sni ? b->parsed.host : addr, ":", num(b->parsed.port).s);
    bind_imp_cert c;
    memset(&c, 0, sizeof c);
    c.name = unique_name(t, key);
    c.at = b->at;
    c.placeholder = JOIN(im->arena, "no certificate known for ", where);
    if (!t->holes.len) {
        /* Said once, above the first place holder. */
        const char **lines = bind_arena_alloc(im->arena, 3 * sizeof *lines);
        lines[0] = "Certificates without a thumbprint hold the places of those HTTP.sys serves: the";
        lines[1] = "file read does not name them.  Import `netsh http show sslcert` with it to";
        lines[2] = "fill them in.";
        c.comments = lines;
        c.ncomments = 3;
    }
    declare(t, &c);
    bind_table_put(&t->holes, str_hash(key), key, (void *)c.name);
    t->holes_count++;
    if (!t->hole_diag || t->hole_diag->span.file != b->at.file) {
        holes_said(t);
        t->hole_diag = bind_imp_diag(im, BIND_W0603, b->at, "no certificate is known for https %s; certificate `%s` "
                                     "holds its place, without a thumbprint", b->info, c.name);
        bind_imp_note(im, t->hole_diag, "applicationhost.config does not say which certificate HTTP.sys serves on %s: "
                                        "import the output of `netsh http show sslcert` with it", where);
        t->holes_count = 1;
    }
    return c.name;
}

static void attach_certs(attacher *t, bool default_cert)
{
    bind_imported *im = t->im;
    for (size_t i = 0; i < im->sslcerts.len; i++) {
        bind_imp_sslcert *r = &im->sslcerts.items[i];
        const char *key = record_key(im->arena, r->key, &r->addr, r->host, r->port);
        bind_table_put(&t->records, str_hash(key), key, r);
    }
    for (size_t s = 0; s < im->sites.len; s++) {
        bind_imp_site *site = im->sites.items[s];
        if (site->server == BIND_SERVER_NGINX) continue;     /* nginx's certificates are files */
        for (size_t i = 0; i < site->bindings.len; i++) {
            bind_imp_binding *b = &site->bindings.items[i];
            if (b->protocol != BIND_PROTO_HTTPS || b->cert) continue;
            if (b->flags_unknown && t->records.len) {
                /* appcmd does not show sslFlags.  HTTP.sys looks a binding
                 * up by host name only with SNI, by IP:port without it, by
                 * port alone only with the central store: the records there
                 * say which. */
                if (*b->parsed.host && find(t, BIND_SSLREC_HOSTPORT, NULL, b->parsed.host, b->parsed.port)) {
                    b->ssl_flags |= BIND_SSL_SNI;
                } else if (find(t, BIND_SSLREC_CCS, NULL, NULL, b->parsed.port)) {
                    if (!record_for(t, b)) b->ssl_flags |= BIND_SSL_CCS;
                    else {
                        bind_diag *d = bind_imp_diag(im, BIND_W0602, b->at, "appcmd does not show sslFlags: this binding is "
                                                     "taken to use HTTP.sys's IP:port record, not the central certificate store");
                        bind_imp_note(im, d, "HTTP.sys has both for port %u; import applicationhost.config to know which",
                                      b->parsed.port);
                    }
                }
            }
            bind_imp_sslcert *r = record_for(t, b);
            /* Switches read from a capture whose fields are not known for
             * sure (the JSON form) are neither taken nor compared. */
            if (r && b->flags_unknown && r->flags_known) b->ssl_flags |= r->flags;
            else if (r && r->flags_known && !b->flags_unknown && (r->flags & BIND_SSL_EXT_MASK) != (b->ssl_flags & BIND_SSL_EXT_MASK)) {
                bind_diag *d = bind_imp_diag(im, BIND_W0602, b->at, "the TLS switches of this binding (sslFlags %u) differ from "
                                             "HTTP.sys's record (%u)", b->ssl_flags & BIND_SSL_EXT_MASK, r->flags);
                bind_diag_note(&im->diags, d, &r->at, "HTTP.sys's record; the .bind keeps the binding's sslFlags");
            }
            if (b->ssl_flags & BIND_SSL_CCS) {
                if (r) r->used = true;
                continue;
            }
            if (r) {
                r->used = true;
                if (b->hash && strcmp(b->hash, r->hash) != 0) {
                    bind_diag *d = bind_imp_diag(im, BIND_W0602, b->at, "applicationhost.config names certificate %s for this "
                                                 "binding, HTTP.sys serves %s", b->hash, r->hash);
                    bind_diag_note(&im->diags, d, &r->at, "HTTP.sys's record, which the .bind follows");
                }
                b->cert = cert_for(t, r->hash, r->store, r->appid, record_name(im, r), r->at);
                continue;
            }
            if (b->hash) {
                const char *name = key_name(im->arena, &b->parsed.addr, b->ssl_flags & BIND_SSL_SNI ? b->parsed.host : NULL,
                                            b->parsed.port);
                b->cert = cert_for(t, b->hash, b->store, NULL, name, b->at);
                continue;
            }
            if (default_cert) continue;      /* IIS Express: its development certificate */
            b->cert = hole_for(t, b);
        }
    }
    holes_said(t);

    /* Records no imported binding uses: their certificates all the same,
     * since they are what the machine holds. */
    for (size_t i = 0; i < im->sslcerts.len; i++) {
        bind_imp_sslcert *r = &im->sslcerts.items[i];
        if (r->used || r->key == BIND_SSLREC_CCS) continue;
        size_t before = im->certs.len;
        cert_for(t, r->hash, r->store, r->appid, record_name(im, r), r->at);
        if (im->certs.len > before) {
            const char **lines = bind_arena_alloc(im->arena, 2 * sizeof *lines);
            char key[320], addr[48];
            if (r->key == BIND_SSLREC_HOSTPORT) snprintf(key, sizeof key, "%s:%u", r->host, r->port);
            else { bind_addr_format(&r->addr, addr, true); snprintf(key, sizeof key, "%s:%u", addr, r->port); }
            lines[0] = bind_arena_printf(im->arena, "HTTP.sys serves it on %s, which no imported binding uses.", key);
            /* Kept on purpose, so a check of the import reports only what
             * is wrong with the source (W0302 is "declared, never used"). */
            lines[1] = "bindc: allow W0302";
            im->certs.items[im->certs.len - 1].comments = lines;
            im->certs.items[im->certs.len - 1].ncomments = 2;
        }
    }
}

/* A URL reservation as a binding looks it up (path `/`): by the binding's
 * host name; without one by its exact address; else `+` or `*`. */
static const char *acl_key(bind_arena *a, bool by_addr, uint8_t protocol, uint16_t port, const char *what)
{
    return JOIN(a, by_addr ? "a " : "h ", bind_protocol_name((enum bind_protocol)protocol), " ", num(port).s, " ", what);
}

/* The first reservation (in the capture's order) with the key, + 1; 0: none. */
static size_t acl_get(bind_table *acls, const char *key) { return (size_t)(uintptr_t)bind_table_get(acls, str_hash(key), key); }

static void acl_put(bind_table *acls, const char *key, size_t k)
{
    if (!acl_get(acls, key)) bind_table_put(acls, str_hash(key), key, (void *)(uintptr_t)(k + 1));
}

static void attach_acls(bind_imported *im)
{
    if (!im->urlacls.len) return;
    bind_table acls;
    bind_table_init(&acls, str_eq);
    char buf[48];
    for (size_t k = 0; k < im->urlacls.len; k++) {
        const bind_imp_urlacl *u = &im->urlacls.items[k];
        if (strcmp(u->path, "/") != 0) continue;
        acl_put(&acls, acl_key(im->arena, false, u->protocol, u->port, u->host), k);
        if (u->addr.kind == BIND_ADDR_V4 || u->addr.kind == BIND_ADDR_V6) {
            bind_addr_format(&u->addr, buf, true);
            acl_put(&acls, acl_key(im->arena, true, u->protocol, u->port, buf), k);
        }
    }
    for (size_t s = 0; s < im->sites.len; s++) {
        bind_imp_site *site = im->sites.items[s];
        if (site->server == BIND_SERVER_NGINX) continue;
        for (size_t i = 0; i < site->bindings.len; i++) {
            bind_imp_binding *b = &site->bindings.items[i];
            if (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS) continue;
            const bind_addr *a = &b->parsed.addr;
            size_t k;
            if (*b->parsed.host) k = acl_get(&acls, acl_key(im->arena, false, b->protocol, b->parsed.port, b->parsed.host));
            else if (a->kind == BIND_ADDR_V4 || a->kind == BIND_ADDR_V6) {
                bind_addr_format(a, buf, true);
                k = acl_get(&acls, acl_key(im->arena, true, b->protocol, b->parsed.port, buf));
            } else {
                size_t strong = acl_get(&acls, acl_key(im->arena, false, b->protocol, b->parsed.port, "+"));
                size_t weak = acl_get(&acls, acl_key(im->arena, false, b->protocol, b->parsed.port, "*"));
                k = !strong ? weak : !weak ? strong : strong < weak ? strong : weak;
            }
            if (!k) continue;
            bind_imp_urlacl *u = &im->urlacls.items[k - 1];
            if (u->user_problem && !u->used) {
                bind_diag *d = bind_imp_diag(im, BIND_W0601, u->user_at, "the URL reservation %s://%s:%u%s is not all said: %s",
                                             bind_protocol_name((enum bind_protocol)u->protocol), u->host, u->port, u->path,
                                             u->user_problem);
                bind_diag_note(&im->diags, d, &b->at, "the binding it is for");
            }
            u->used = true;
            if (u->user) b->acl = u->user;
        }
    }
    bind_table_fini(&acls);
    for (size_t k = 0; k < im->urlacls.len; k++) {
        bind_imp_urlacl *u = &im->urlacls.items[k];
        if (u->used) continue;
        bind_diag *d = bind_imp_diag(im, BIND_W0601, u->at, "URL reservation %s://%s:%u%s left out: no imported binding "
                                     "serves that URL", bind_protocol_name((enum bind_protocol)u->protocol), u->host,
                                     u->port, u->path);
        if (strcmp(u->path, "/") != 0)
            bind_imp_note(im, d, "a binding's reservation has the path `/`; this one belongs to another program");
        else
            bind_imp_note(im, d, "the language writes a URL reservation as `acl=` on the binding it is for");
    }
}

void bind_import_attach(bind_imported *im, const char *platform)
{
    attacher t;
    memset(&t, 0, sizeof t);
    t.im = im;
    bind_table_init(&t.names, str_eq);
    bind_table_init(&t.ids, str_eq);
    bind_table_init(&t.records, str_eq);
    bind_table_init(&t.holes, str_eq);
    /* Names the readers gave (nginx's certificates) are taken. */
    for (size_t i = 0; i < im->certs.len; i++)
        bind_table_put(&t.names, str_hash(im->certs.items[i].name), im->certs.items[i].name, (void *)(uintptr_t)(i + 1));
    attach_certs(&t, platform && strcmp(platform, "iis-express") == 0);
    attach_acls(im);
    bind_table_fini(&t.names);
    bind_table_fini(&t.ids);
    bind_table_fini(&t.records);
    bind_table_fini(&t.holes);
}
