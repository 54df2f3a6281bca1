/* Bindings against each other, each check one pass over a hash table:
 * duplicate bindings, sites and ids; two protocols on a socket; TLS
 * certificates HTTP.sys cannot tell apart; two servers on one socket; the
 * www. twin hint; unused certificates.  A check's keys and lists live in
 * the checker's scratch arena, reused by the next check. */
#include "checker.h"
#include "runtime/apache_plan.h"

#include <string.h>

static bool ptr_eq(const void *a, const void *b) { return a == b; }

/* ---- E0201: duplicate bindings ---------------------------------------- */

/* scope: the site, for a binding of a protocol sites share (only its own
 * site can duplicate it: bind_protocol_shared_by_sites); NULL otherwise. */
typedef struct bkey { uint8_t proto; uint16_t port; bind_addr addr; const char *host; const void *scope; } bkey;

/* Four words, one hash step each, not a call per field: every check
 * hashes every binding's key.  An address's bytes past its width are
 * zero (addr.h), so all 16 go in. */
static uint64_t bkey_hash(const bkey *k)
{
    uint64_t w[4];
    w[0] = k->proto | (uint64_t)k->port << 8 | (uint64_t)k->addr.kind << 24;
    memcpy(&w[1], k->addr.bytes, 16);
    w[3] = (uint64_t)(uintptr_t)k->host ^ (uint64_t)(uintptr_t)k->scope * 0x9e3779b97f4a7c15u;
    return bind_hash_bytes(w, sizeof w, BIND_HASH_SEED);
}

static bool bkey_eq(const void *a, const void *b)
{
    const bkey *x = a, *y = b;
    return x->proto == y->proto && x->port == y->port && x->host == y->host && x->scope == y->scope && x->addr.kind == y->addr.kind &&
           memcmp(x->addr.bytes, y->addr.bytes, sizeof x->addr.bytes) == 0;
}

/* The any-tier addresses that overlap addr but are not equal to it:
 * `*` overlaps 0.0.0.0 and [::]; each of those overlaps `*`. */
static size_t any_tier_partners(const bind_addr *addr, bind_addr out[2])
{
    memset(out, 0, 2 * sizeof *out);
    switch (addr->kind) {
    case BIND_ADDR_ANY: out[0].kind = BIND_ADDR_ANY4; out[1].kind = BIND_ADDR_ANY6; return 2;
    case BIND_ADDR_ANY4: case BIND_ADDR_ANY6: out[0].kind = BIND_ADDR_ANY; return 1;
    default: return 0;
    }
}

/* A key of these fields, the rest zero (bkey_eq compares the address's
 * bytes whole; they are zero past its width, addr.h).  addr NULL: none. */
static bkey bkey_make(uint8_t proto, uint16_t port, const bind_addr *addr, const char *host)
{
    bkey key;
    memset(&key, 0, sizeof key);
    key.proto = proto;
    key.port = port;
    if (addr) key.addr = *addr;
    key.host = host;
    return key;
}

/* The keys the checks make of a binding.  Its own, whole: E0201's. */
static bkey key_on(const bind_binding *b)
{
    bkey key = bkey_make(b->protocol, b->port, &b->addr, b->host);
    if (bind_protocol_shared_by_sites((enum bind_protocol)b->protocol)) key.scope = b->site;
    return key;
}

/* An exact IP:port: no protocol, no host (E0204). */
static bkey socket_key(const bind_binding *b) { return bkey_make(0, b->port, &b->addr, NULL); }

/* A host on its protocol and port, any address: the www. twin must be
 * bound where the host is, or https://www.x/ still fails (bindc explain
 * I0401: "on the same protocol and port"); HTTP.sys keeps one SNI
 * certificate per host and port (E0205). */
static bkey host_key(const bind_binding *b, const char *host) { return bkey_make(b->protocol, b->port, NULL, host); }
static bkey own_host_key(const bind_binding *b) { return host_key(b, b->host); }

typedef bkey (*key_fn)(const bind_binding *);

static uint64_t key_hash(key_fn key, const bind_binding *b)
{
    bkey x = key(b);
    return bkey_hash(&x);
}

/* Tables that hold the bindings themselves, each its own key (a key apiece
 * in the scratch arena would be megabytes of fresh memory on a fleet). */
static bool same_by(key_fn key, const void *a, const void *b)
{
    bkey x = key(a), y = key(b);
    return bkey_eq(&x, &y);
}
static bool same_key(const void *a, const void *b) { return same_by(key_on, a, b); }
static bool same_host_port(const void *a, const void *b) { return same_by(own_host_key, a, b); }

/* The same in the scratch arena, for a table that keeps it. */
static bkey *key_of(bind_checker *k, const bind_binding *b)
{
    bkey *key = bind_arena_alloc(k->scratch, sizeof *key);
    *key = key_on(b);
    return key;
}

/* The hash of binding i's key in a walk over all bindings, worked out
 * KEYS_AHEAD bindings early, when the binding's line has just been asked
 * for (bind_check_binding_at), so that its slot can be asked for too: a
 * fleet's tables are bigger than the cache, and each lookup would wait on
 * its slot. */
enum { KEYS_AHEAD = 4 };
static uint64_t walk_hash(const bind_checker *k, const bind_table *t, uint64_t ahead[KEYS_AHEAD], size_t i, key_fn key)
{
    if (i == 0)
        for (size_t j = 0; j < KEYS_AHEAD && j < k->bindings.len; j++) ahead[j] = key_hash(key, k->bindings.items[j]);
    uint64_t h = ahead[i % KEYS_AHEAD];
    if (i + KEYS_AHEAD < k->bindings.len) {
        uint64_t next = key_hash(key, k->bindings.items[i + KEYS_AHEAD]);
        ahead[i % KEYS_AHEAD] = next;
        bind_table_prefetch(t, next);
    }
    return h;
}

static void check_duplicates(bind_checker *k)
{
    bind_table t;
    bind_table_init(&t, same_key);
    bind_table_reserve(&t, k->bindings.len);
    uint64_t ahead[KEYS_AHEAD];
    for (size_t i = 0; i < k->bindings.len; i++) {
        bind_binding *b = bind_check_binding_at(k, i);
        uint64_t h = walk_hash(k, &t, ahead, i, key_on);
        if (!b->valid) continue;
        bind_addr partners[2];
        size_t np = any_tier_partners(&b->addr, partners);
        bind_binding *first = bind_table_get(&t, h, b);
        for (size_t p = 0; !first && p < np; p++) {
            bind_binding alt = *b;      /* the binding as it would be on the overlapping address */
            alt.addr = partners[p];
            first = bind_table_get(&t, key_hash(key_on, &alt), &alt);
        }
        if (first) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0201, b->info_span, "duplicate binding %s",
                                          bind_binding_text(k->arena, b));
            if (first->site == b->site)
                bind_diag_note(k->diags, d, &first->info_span, "first bound here, in the same site");
            else
                bind_diag_note(k->diags, d, &first->info_span, "first bound here, by site `%s`", first->site->name);
            if (!bind_addr_equal(&first->addr, &b->addr))
                bind_diag_note(k->diags, d, NULL, "`*` is every address of both families, so it overlaps 0.0.0.0 and [::]");
            continue;
        }
        bind_table_put(&t, h, b, b);
    }
    bind_table_fini(&t);
}

/* ---- E0202, E0203: sites ---------------------------------------------- */

/* Site names compare without case (IIS's do): keyed by the site itself,
 * whose name's hash was worked out where it was declared. */

static bool site_name_eq(const void *a, const void *b)
{
    return bind_check_ascii_ieq(((const bind_site *)a)->name, ((const bind_site *)b)->name);
}

static void check_sites(bind_checker *k)
{
    bind_table names, ids;
    bind_table_init(&names, site_name_eq);
    bind_table_init(&ids, ptr_eq);
    bind_table_reserve(&names, k->sites.len);
    for (size_t i = 0; i < k->sites.len; i++) {
        bind_site *s = k->sites.items[i];
        /* As with the bindings (walk_hash): the site 2 KEYS_AHEAD on, then
         * the slot of the one KEYS_AHEAD on, whose line is here by now. */
        if (i + 2 * KEYS_AHEAD < k->sites.len) bind_prefetch(k->sites.items[i + 2 * KEYS_AHEAD]);
        if (i + KEYS_AHEAD < k->sites.len) bind_table_prefetch(&names, k->sites.items[i + KEYS_AHEAD]->name_hash);
        bind_site *prev = bind_table_put(&names, s->name_hash, s, s);
        if (prev != s) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0202, s->name_span, "duplicate site name `%s`", s->name);
            bind_diag_note(k->diags, d, &prev->name_span, "site `%s` is declared here (names compare without case)", prev->name);
        }
        if (!s->id_given) continue;
        void *idkey = (void *)(uintptr_t)s->id;
        prev = bind_table_put(&ids, bind_hash_bytes(&s->id, sizeof s->id, BIND_HASH_SEED), idkey, s);
        if (prev != s) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0203, s->id_span, "site id %u is already used by site `%s`", s->id, prev->name);
            bind_diag_note(k->diags, d, &prev->id_span, "used here");
        }
    }
    bind_table_fini(&names);
    bind_table_fini(&ids);
}

/* ---- E0204: two protocols on one socket ------------------------------- */

/* The bindings of one port that can clash on protocol: the first of each
 * (exact address, protocol) and of each (any-tier address, protocol). */
typedef struct psock { struct psock *next; const bind_binding *b; } psock;
typedef struct plist { psock *head, *tail; } plist;
typedef struct pport { plist exact, any; } pport;
/* An exact IP:port: the first binding of each protocol on it. */
typedef struct pexact { bkey key; const bind_binding *first[BIND_PROTO_COUNT]; } pexact;

static bool served_by_http_sys(const bind_binding *b)
{
    return bind_site_runs_on(b->site, BIND_SERVER_IIS);
}

/* Whether two bindings' addresses are one socket for the protocol question.
 * Two any-tier addresses that overlap are (`*` includes 0.0.0.0).  An exact
 * address under an any-tier one is for HTTP.sys only: nginx and Apache keep
 * `listen 10.0.0.5:8080` and `listen 8080 ssl` apart. */
static bool one_socket(const bind_binding *a, const bind_binding *b)
{
    if (!bind_addr_overlaps(&a->addr, &b->addr)) return false;
    if (bind_addr_is_any_tier(&a->addr) == bind_addr_is_any_tier(&b->addr)) return true;
    return served_by_http_sys(a) || served_by_http_sys(b);
}

static const bind_binding *clash_in(const psock *list, const bind_binding *b)
{
    for (const psock *p = list; p; p = p->next)
        if (p->b->protocol != b->protocol && one_socket(p->b, b)) return p->b;
    return NULL;
}

static void psock_append(bind_checker *k, plist *l, const bind_binding *b)
{
    psock *n = bind_arena_alloc(k->scratch, sizeof *n);
    n->b = b;
    /* Appended, so that the note names the earliest binding. */
    if (l->tail) l->tail->next = n; else l->head = n;
    l->tail = n;
}

static void check_protocols(bind_checker *k)
{
    /* An any-tier address also covers the exact addresses of its family:
     * HTTP.sys looks up a connection's TLS record by IP:port and falls back
     * to 0.0.0.0:port / [::]:port, so https on `*:8080` makes http on
     * 10.0.0.5:8080 expect a TLS handshake too (bindc explain E0204: "one
     * is `*`, `0.0.0.0` or `[::]` and covers the other").  Exact addresses
     * are found by hash, one lookup giving each protocol's first binding;
     * a port's any-tier list has at most 3 x 3 entries, and the port's
     * exact list is walked once per new (any-tier address, protocol), so
     * the pass stays linear. */
    bind_table ports, exact;
    bind_table_init(&ports, ptr_eq);
    bind_table_init(&exact, bkey_eq);
    bind_table reported;
    bind_table_init(&reported, bkey_eq);
    uint64_t ahead[KEYS_AHEAD];
    for (size_t i = 0; i < k->bindings.len; i++) {
        bind_binding *b = bind_check_binding_at(k, i);
        uint64_t ph = walk_hash(k, &exact, ahead, i, socket_key);
        if (!b->valid || bind_protocol_form((enum bind_protocol)b->protocol) != BIND_FORM_IP_PORT_HOST) continue;
        void *pkey = (void *)(uintptr_t)b->port;
        uint64_t h = bind_hash_bytes(&b->port, 2, BIND_HASH_SEED);
        pport *port = bind_table_get(&ports, h, pkey);
        if (!port) {
            port = bind_arena_alloc(k->scratch, sizeof *port);
            bind_table_put(&ports, h, pkey, port);
        }
        const bind_binding *other = NULL;
        if (bind_addr_is_any_tier(&b->addr)) {
            other = clash_in(port->any.head, b);
            bool seen = false;
            for (const psock *p = port->any.head; p; p = p->next)
                seen |= p->b->protocol == b->protocol && bind_addr_equal(&p->b->addr, &b->addr);
            if (!seen) {
                if (!other) other = clash_in(port->exact.head, b);
                psock_append(k, &port->any, b);
            }
        } else {
            bkey probe = socket_key(b);
            pexact *e = bind_table_get(&exact, ph, &probe);
            if (!e) {
                e = bind_arena_alloc(k->scratch, sizeof *e);
                e->key = probe;
                bind_table_put(&exact, ph, &e->key, e);
            }
            /* In protocol order, as one lookup per protocol found them. */
            for (int q = 0; q < BIND_PROTO_COUNT && !other; q++)
                if (q != b->protocol) other = e->first[q];
            if (!other) other = clash_in(port->any.head, b);
            if (!e->first[b->protocol]) {
                e->first[b->protocol] = b;
                psock_append(k, &port->exact, b);
            }
        }
        if (!other) continue;
        bkey *rk = key_of(k, b);
        rk->host = NULL;
        if (bind_table_get(&reported, bkey_hash(rk), rk)) continue;
        bind_table_put(&reported, bkey_hash(rk), rk, b);
        char addr[48];
        bind_addr_format(&b->addr, addr, true);
        bind_diag *d = bind_diag_push(k->diags, BIND_E0204, b->info_span, "%s and %s on one IP:port %s:%u",
                                      bind_protocol_name((enum bind_protocol)other->protocol),
                                      bind_protocol_name((enum bind_protocol)b->protocol), addr, b->port);
        bind_diag_note(k->diags, d, &other->info_span, "%s is bound here", bind_protocol_name((enum bind_protocol)other->protocol));
    }
    bind_table_fini(&ports);
    bind_table_fini(&exact);
    bind_table_fini(&reported);
}

/* ---- E0205: certificates HTTP.sys cannot tell apart -------------------- */

static const void *cert_identity(const bind_binding *b)
{
    if (b->thumbprint) return b->thumbprint;
    if (b->cert && b->cert->thumbprint) return b->cert->thumbprint;
    return b->cert;
}

static const char *cert_label(bind_checker *k, const bind_binding *b)
{
    if (b->cert) return bind_arena_printf(k->arena, "`%s`", b->cert->name);
    return bind_arena_printf(k->arena, "thumbprint %s", b->thumbprint);
}

static void check_tls_sharing(bind_checker *k)
{
    bind_table ipport, hostport;
    bind_table_init(&ipport, bkey_eq);
    bind_table_init(&hostport, same_host_port);
    uint64_t ahead[KEYS_AHEAD];
    for (size_t i = 0; i < k->bindings.len; i++) {
        bind_binding *b = bind_check_binding_at(k, i);
        uint64_t h = walk_hash(k, &hostport, ahead, i, own_host_key);
        if (!b->valid || b->protocol != BIND_PROTO_HTTPS || b->ccs || !cert_identity(b)) continue;
        if (b->sni) {
            /* HTTP.sys keeps one certificate per hostname:port, whatever the IP. */
            bind_binding *first = bind_table_put(&hostport, h, b, b);
            if (first != b && cert_identity(first) != cert_identity(b)) {
                bind_diag *d = bind_diag_push(k->diags, BIND_E0205, b->cert_span.end ? b->cert_span : b->info_span,
                                              "SNI bindings for %s:%u need certificates %s and %s, but HTTP.sys keeps one per host name and port",
                                              b->host, b->port, cert_label(k, first), cert_label(k, b));
                bind_diag_note(k->diags, d, &first->info_span, "the other binding");
            }
            continue;
        }
        /* IP-based TLS: `*` is served by the 0.0.0.0 and [::] records. */
        bind_addr recs[2];
        size_t nrec = 0;
        memset(recs, 0, sizeof recs);
        if (b->addr.kind == BIND_ADDR_ANY) { recs[0].kind = BIND_ADDR_ANY4; recs[1].kind = BIND_ADDR_ANY6; nrec = 2; }
        else { recs[0] = b->addr; nrec = 1; }
        for (size_t r = 0; r < nrec; r++) {
            bkey *key = bind_arena_alloc(k->scratch, sizeof *key);
            key->port = b->port;
            key->addr = recs[r];
            bind_binding *first = bind_table_put(&ipport, bkey_hash(key), key, b);
            if (first == b || cert_identity(first) == cert_identity(b)) continue;
            /* Name the socket as the user wrote it when both say the same
             * address (`*:443`); the shared record when they differ
             * (`*` and 0.0.0.0 meet in the 0.0.0.0:443 record). */
            char addr[48];
            bind_addr_format(bind_addr_equal(&first->addr, &b->addr) ? &b->addr : &recs[r], addr, true);
            bind_diag *d = bind_diag_push(k->diags, BIND_E0205, b->cert_span.end ? b->cert_span : b->info_span,
                                          "https bindings on %s:%u without SNI need certificates %s and %s, but the IP:port has one",
                                          addr, b->port, cert_label(k, first), cert_label(k, b));
            bind_diag_note(k->diags, d, &first->info_span, "the other binding");
            bind_diag_note(k->diags, d, NULL, "add `sni` to both (IIS 8+), use one certificate that covers both names, or give them different IP addresses");
            break;
        }
    }
    bind_table_fini(&ipport);
    bind_table_fini(&hostport);
}

/* ---- E0208: two servers on one socket --------------------------------- */

/* via: the iplisten entry that puts HTTP.sys on addr, or NULL (no iplisten: every address). */
typedef struct sock { struct sock *next; uint8_t server; bind_addr addr; const bind_binding *b; const bind_iplisten *via; } sock;

/* A port's sockets: exact addresses are in the checker-wide `exact` table
 * (a bkey whose proto holds the server); here are the any-tier ones (at most 3 x 4)
 * and, per family, the first exact socket of each server, which is all an
 * any-tier address needs to know.  So the pass stays linear.
 * What Apache's Listen lines on the port depend on (apache_plan.h): the
 * any tier of the bindings the apache target writes (apache_tier), the
 * first that makes `Listen PORT` cover both families (wide_by: `*` or
 * [::]) and the first of the any tier (any_by: it makes `Listen
 * 0.0.0.0:PORT`), and whether a `server = any` site makes it wide. */
typedef struct sport {
    sock *any, *any_tail;
    const sock *fam[2][4];
    unsigned apache_tier;
    const bind_binding *wide_by, *any_by;
    bool wide_by_any_site;
} sport;

static const char *server_label(uint8_t s) { return s == BIND_SERVER_IIS ? "HTTP.sys (IIS)" : bind_server_name(s); }

/* Where a binding's any-tier address is written, `*` or [::] (its
 * information's first bytes), or an empty span when it is not there so. */
static bind_span any_addr_of(const bind_checker *k, const bind_binding *b)
{
    const bind_source *src = bind_sources_get(&k->c->sources, b->info_span.file);
    uint32_t at = b->info_span.start, end = at;
    if (src && at < src->len && src->text[at] == '*') end = at + 1;
    else if (src && at < src->len && src->text[at] == '[' && b->addr.kind == BIND_ADDR_ANY6)
        for (uint32_t i = at; i < b->info_span.end && i < src->len; i++)
            if (src->text[i] == ']') { end = i + 1; break; }
    if (end > at && end < src->len && src->text[end] == ':') return bind_span_make(b->info_span.file, at, end);
    return bind_span_make(b->info_span.file, at, at);
}

/* The socket a server listens on for one of its bindings: nginx's `listen`
 * is the binding's own address (`*` is `listen PORT` and `listen
 * [::]:PORT`); Apache's is the Listen line the apache target writes for
 * it, which the port's other bindings decide (bind_apache_listen_addr). */
static bind_addr listened_on(const sport *port, const bind_binding *b)
{
    if (b->site->server == BIND_SERVER_APACHE) return bind_apache_listen_addr(&b->addr, port->apache_tier);
    return b->addr;
}

static sport *port_of(bind_checker *k, bind_table *ports, uint16_t portno)
{
    void *pkey = (void *)(uintptr_t)portno;
    uint64_t h = bind_hash_bytes(&portno, 2, BIND_HASH_SEED);
    sport *port = bind_table_get(ports, h, pkey);
    if (!port) {
        port = bind_arena_alloc(k->scratch, sizeof *port);
        bind_table_put(ports, h, pkey, port);
    }
    return port;
}

static bool web_binding(const bind_binding *b)
{
    return b->valid && (b->protocol == BIND_PROTO_HTTP || b->protocol == BIND_PROTO_HTTPS) && b->port &&
           b->addr.kind != BIND_ADDR_NONE;
}

/* The any tier of every port the apache target writes, as its plan reads
 * it: the bindings of `server = apache` sites and of the `any` ones.  Only
 * when a site says `server = apache`: nothing else asks. */
static void read_apache_tiers(bind_checker *k, bind_table *ports)
{
    bool apache = false;
    for (size_t i = 0; i < k->sites.len && !apache; i++) apache = k->sites.items[i]->server == BIND_SERVER_APACHE;
    if (!apache) return;
    for (size_t i = 0; i < k->bindings.len; i++) {
        const bind_binding *b = k->bindings.items[i];
        uint8_t srv = b->site->server;
        if ((srv != BIND_SERVER_APACHE && srv != BIND_SERVER_ANY) || !web_binding(b) || !bind_addr_is_any_tier(&b->addr)) continue;
        sport *port = port_of(k, ports, b->port);
        port->apache_tier |= BIND_APACHE_TIER(b->addr.kind);
        if (!port->any_by) port->any_by = b;
        if (b->addr.kind == BIND_ADDR_ANY4) continue;
        if (!port->wide_by) port->wide_by = b;
        port->wide_by_any_site |= srv == BIND_SERVER_ANY;
    }
}

/* An address as the message says it: what `*`, 0.0.0.0 and [::] mean. */
static const char *addr_words(bind_checker *k, const bind_addr *a)
{
    char buf[48];
    switch (a->kind) {
    case BIND_ADDR_ANY: return "every address (*)";
    case BIND_ADDR_ANY4: return "every IPv4 address (0.0.0.0)";
    case BIND_ADDR_ANY6: return "every IPv6 address ([::])";
    default: bind_addr_format(a, buf, true); return bind_arena_strdup(k->scratch, buf);
    }
}

static int addr_family(const bind_addr *a) { return a->kind == BIND_ADDR_V6 || a->kind == BIND_ADDR_ANY6 ? 1 : 0; }

/* The socket of another server that addr overlaps on this port, if any;
 * *dup when srv already listens on exactly addr. */
static const sock *server_socket_clash(bind_table *exact, const sport *port, uint16_t portno,
                                       uint8_t srv, const bind_addr *addr, bool *dup)
{
    const sock *clash = NULL;
    *dup = false;
    for (const sock *s = port->any; s; s = s->next) {
        if (s->server == srv) { *dup |= bind_addr_equal(&s->addr, addr); continue; }
        if (!clash && bind_addr_overlaps(&s->addr, addr)) clash = s;
    }
    if (!bind_addr_is_any_tier(addr)) {
        bkey probe = { .proto = srv, .port = portno, .addr = *addr };
        *dup = bind_table_get(exact, bkey_hash(&probe), &probe) != NULL;
        for (uint8_t o = 0; o < 4 && !clash; o++) {
            if (o == srv) continue;
            probe.proto = o;
            clash = bind_table_get(exact, bkey_hash(&probe), &probe);
        }
    } else {
        for (int f = 0; f < 2 && !clash; f++) {
            if (addr->kind != BIND_ADDR_ANY && addr_family(addr) != f) continue;
            for (int o = 0; o < 4 && !clash; o++)
                if (o != srv) clash = port->fam[f][o];
        }
    }
    return clash;
}

/* Apache's socket for b, when it is not b's own address (a Listen line
 * the port's any tier decides): which line, and the binding that makes
 * it so. */
static void note_apache_listen(bind_checker *k, bind_diag *d, const sport *port, const bind_binding *b, const bind_addr *at)
{
    if (b->site->server != BIND_SERVER_APACHE || bind_addr_equal(at, &b->addr)) return;
    bind_apache_listen l;
    memset(&l, 0, sizeof l);
    l.addr = *at;
    l.port = b->port;
    const char *line = bind_apache_listen_text(k->scratch, &l), *info = bind_binding_info_text(k->scratch, b);
    bool wide = at->kind == BIND_ADDR_ANY;
    const bind_binding *by = wide ? port->wide_by : port->any_by;
    if (!wide)
        bind_diag_note(k->diags, d, NULL, "the apache target writes `Listen %s` for %s, every IPv4 address, as the port has "
                                          "0.0.0.0 bindings", line, info);
    else if (by == b)
        bind_diag_note(k->diags, d, NULL, "the apache target writes `Listen %s` for %s, every address of both families: Apache "
                                          "cannot listen on [::] alone (it binds it without IPV6_V6ONLY)", line, info);
    else
        bind_diag_note(k->diags, d, NULL, "the apache target writes `Listen %s` for %s, every address of both families, as "
                                          "another binding on the port is `*` or [::] (Apache binds [::] without IPV6_V6ONLY)",
                       line, info);
    if (by && by != b)
        bind_diag_note(k->diags, d, &by->info_span, "`Listen %s` because of this binding, of site `%s`", line, by->site->name);
}

static void check_servers(bind_checker *k)
{
    bind_table ports, exact;
    bind_table_init(&ports, ptr_eq);
    bind_table_init(&exact, bkey_eq);
    read_apache_tiers(k, &ports);
    bind_diag *fix_target = NULL;
    bool other_v4 = false, other_v6 = false, both_fix = false;
    /* Where the other server's bindings that make it listen on every
     * address of both families on a port move to 0.0.0.0: every one of
     * them, found after the walk (one E0208 is said per socket). */
    typedef struct star_fix { bind_diag *d; uint16_t port; uint8_t server; } star_fix;
    BIND_VEC(star_fix) star_fixes = { 0 };
    for (size_t i = 0; i < k->bindings.len; i++) {
        const bind_binding *b = bind_check_binding_at(k, i);
        if (!b->valid || b->site->server == BIND_SERVER_ANY) continue;
        if (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS) continue;
        uint8_t srv = b->site->server;
        sport *port = port_of(k, &ports, b->port);
        /* HTTP.sys listens on the iplisten addresses, else on everything;
         * nginx and Apache where their targets' listen lines say. */
        bind_addr any, own = srv != BIND_SERVER_IIS ? listened_on(port, b) : b->addr;
        memset(&any, 0, sizeof any);
        any.kind = BIND_ADDR_ANY;
        size_t naddr = srv == BIND_SERVER_IIS ? (k->iplisten.len ? k->iplisten.len : 1) : 1;
        bool reported = false;     /* one E0208 per binding, however many iplisten addresses clash */
        for (size_t a = 0; a < naddr; a++) {
            const bind_iplisten *via = srv == BIND_SERVER_IIS && k->iplisten.len ? &k->iplisten.items[a] : NULL;
            const bind_addr *addr = srv != BIND_SERVER_IIS ? &own : via ? &via->addr : &any;
            if (srv != BIND_SERVER_IIS) {
                other_v4 |= addr->kind == BIND_ADDR_ANY || addr->kind == BIND_ADDR_ANY4 || addr->kind == BIND_ADDR_V4;
                other_v6 |= addr->kind == BIND_ADDR_ANY || addr->kind == BIND_ADDR_ANY6 || addr->kind == BIND_ADDR_V6;
            }
            bool dup;
            const sock *clash = server_socket_clash(&exact, port, b->port, srv, addr, &dup);
            if (dup) continue;
            sock *s = bind_arena_alloc(k->scratch, sizeof *s);
            s->server = srv;
            s->addr = *addr;
            s->b = b;
            s->via = via;
            if (bind_addr_is_any_tier(addr)) {
                /* Appended: a clash names the earliest socket. */
                if (port->any_tail) port->any_tail->next = s; else port->any = s;
                port->any_tail = s;
            } else {
                bkey *key = bind_arena_alloc(k->scratch, sizeof *key);
                key->proto = srv;
                key->port = b->port;
                key->addr = *addr;
                bind_table_put(&exact, bkey_hash(key), key, s);
                if (!port->fam[addr_family(addr)][srv]) port->fam[addr_family(addr)][srv] = s;
            }
            if (!clash || reported) continue;
            reported = true;
            bind_diag *d = bind_diag_push(k->diags, BIND_E0208, b->info_span,
                                          "%s and %s would both listen on port %u: %s on %s, %s on %s",
                                          server_label(clash->server), server_label(srv), b->port,
                                          server_label(clash->server), addr_words(k, &clash->addr),
                                          server_label(srv), addr_words(k, addr));
            bind_diag_note(k->diags, d, &clash->b->info_span, "%s listens here, for site `%s`", server_label(clash->server),
                           clash->b->site->name);
            note_apache_listen(k, d, port, clash->b, &clash->addr);
            note_apache_listen(k, d, port, b, addr);
            if (clash->server == BIND_SERVER_IIS || srv == BIND_SERVER_IIS) {
                /* With iplisten, "every address unless iplisten limits it" would be
                 * wrong: point at the iplisten address that overlaps instead. */
                const bind_iplisten *why = clash->server == BIND_SERVER_IIS ? clash->via : via;
                const bind_binding *other = clash->server == BIND_SERVER_IIS ? b : clash->b;
                const bind_addr *other_at = clash->server == BIND_SERVER_IIS ? addr : &clash->addr;
                if (why)
                    bind_diag_note(k->diags, d, &why->span, "`iplisten` puts HTTP.sys on %s",
                                   addr_words(k, clash->server == BIND_SERVER_IIS ? &clash->addr : addr));
                else {
                    bind_diag_note(k->diags, d, NULL, "HTTP.sys listens on every address, whatever its bindings say, unless `iplisten` limits it");
                    /* Both families taken by the other server: HTTP.sys gets
                     * IPv6, the other server IPv4 (0.0.0.0), each binding
                     * that makes it take both fixed where it is written.
                     * Not when an `any` site makes Apache take both: that
                     * binding is HTTP.sys's too. */
                    if (other_at->kind == BIND_ADDR_ANY && !(other->site->server == BIND_SERVER_APACHE && port->wide_by_any_site)) {
                        /* As written: `*`, or the [::] that widens Apache's Listen. */
                        const bind_binding *wider = other->site->server == BIND_SERVER_APACHE ? port->wide_by : other;
                        char written[48];
                        bind_addr_format(&wider->addr, written, true);
                        bind_diag_note(k->diags, d, NULL, "with `iplisten ::` HTTP.sys keeps to IPv6, and %s must then listen on "
                                                          "0.0.0.0 (IPv4) instead of %s", server_label(other->site->server), written);
                        star_fix f = { d, b->port, other->site->server };
                        bind_vec_push(&star_fixes, f);
                        both_fix = true;
                    } else if (!bind_addr_is_any_tier(other_at)) {
                        char taken[48];
                        bind_addr_format(other_at, taken, true);
                        bind_diag_note(k->diags, d, NULL, "or keep HTTP.sys to addresses of its own: `iplisten` with the addresses "
                                                          "IIS answers on, every one but %s", taken);
                    }
                    if (!fix_target) fix_target = d;
                }
            }
        }
    }
    /* The star fixes: the other server's `*` (and, for Apache, [::])
     * bindings of the port, which its listen lines make every address of
     * both families. */
    for (size_t i = 0; i < k->bindings.len && star_fixes.len; i++) {
        const bind_binding *b = k->bindings.items[i];
        if (!b->valid || !bind_addr_is_any_tier(&b->addr) || b->addr.kind == BIND_ADDR_ANY4 ||
            (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS))
            continue;
        for (size_t f = 0; f < star_fixes.len; f++) {
            const star_fix *x = &star_fixes.items[f];
            if (x->port != b->port || x->server != b->site->server) continue;
            if (listened_on(port_of(k, &ports, b->port), b).kind != BIND_ADDR_ANY) continue;
            bind_span at = any_addr_of(k, b);
            if (at.end > at.start) bind_diag_fixit(k->diags, x->d, at, "0.0.0.0");
        }
    }
    bind_table_fini(&ports);
    bind_table_fini(&exact);
    bind_vec_free(&star_fixes);
    /* One fix-it: limit HTTP.sys to the family the other server leaves free
     * (IPv6, when the other server's * bindings are moved to 0.0.0.0). */
    if (both_fix) { other_v4 = true; other_v6 = false; }
    if (fix_target && other_v4 != other_v6 && k->c->roots.len > 1) {
        const bind_source *src = k->c->files.items[k->c->roots.items[1]].ast->src;
        /* After a BOM, which must stay the first bytes of the file (E0003 otherwise). */
        uint32_t at = src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        bind_diag_fixit(k->diags, fix_target, bind_span_make(src->id, at, at), other_v4 ? "iplisten ::\n" : "iplisten 0.0.0.0\n");
    }
}

/* ---- I0401: the www. twin ---------------------------------------------- */

/* A binding whose host has a twin asks whether the twin is bound on its
 * protocol and port.  The questions are gathered first, from the bindings
 * whose host has a twin form (b->has_twin, worked out where the binding was
 * read), and one walk over all bindings then answers them in a table of
 * only the asked keys.  (A table of every binding's key, probed by each
 * host's twin, would read every host's bytes again for its twin, in tables
 * of tens of megabytes.) */
typedef struct twin_question {
    const bind_binding *b;
    bkey key;                       /* the twin on b's protocol and port; host NULL: bound nowhere */
    struct twin_question *first;    /* the question of that key in the table, which the walk marks */
    bool bound;
} twin_question;

static void check_www_twins(bind_checker *k)
{
    /* A site with a binding that could not be read (`htps ...`, a bad port)
     * gets no hint: the twin may well be that binding, and the error about it
     * is what matters. */
    bind_table unreadable, asked, hinted;
    bind_table_init(&unreadable, ptr_eq);
    bind_table_init(&asked, bkey_eq);
    bind_table_init(&hinted, same_host_port);
    BIND_VEC(twin_question) qs = { 0 };
    for (size_t i = 0; i < k->bindings.len; i++) {
        const bind_binding *b = bind_check_binding_at(k, i);
        if (!b->valid) {
            uint64_t h = bind_hash_bytes(&b->site, sizeof b->site, BIND_HASH_SEED);
            if (!bind_table_get(&unreadable, h, b->site)) bind_table_put(&unreadable, h, b->site, (void *)b);
            continue;
        }
        if (!b->has_twin || (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS)) continue;
        char buf[256];
        size_t tlen;
        const char *twin = bind_check_www_twin(b->host, buf, &tlen);
        /* Bound hosts are interned: a twin the interner never saw is bound nowhere. */
        twin_question q = { b, host_key(b, bind_intern_lookup(k->in, twin, tlen)), NULL, false };
        bind_vec_push(&qs, q);
    }
    bind_table_reserve(&asked, qs.len);
    for (size_t i = 0; i < qs.len; i++) {
        twin_question *q = &qs.items[i];
        if (q->key.host) q->first = bind_table_put(&asked, bkey_hash(&q->key), &q->key, q);
    }
    /* Which asked keys are bound: every http and https binding with a host
     * looks itself up (its host's pointer only).  The empty host is one
     * interned string, or none when no binding lacks a host. */
    const char *none = bind_intern_lookup(k->in, "", 0);
    if (asked.len) {
        uint64_t ahead[KEYS_AHEAD];
        for (size_t i = 0; i < k->bindings.len; i++) {
            const bind_binding *b = bind_check_binding_at(k, i);
            uint64_t h = walk_hash(k, &asked, ahead, i, own_host_key);
            if (!b->valid || b->host == none || (b->protocol != BIND_PROTO_HTTP && b->protocol != BIND_PROTO_HTTPS)) continue;
            bkey key = own_host_key(b);
            twin_question *q = bind_table_get(&asked, h, &key);
            if (q) q->bound = true;
        }
    }
    for (size_t i = 0; i < qs.len; i++) {
        const bind_binding *b = qs.items[i].b;
        if (bind_table_get(&unreadable, bind_hash_bytes(&b->site, sizeof b->site, BIND_HASH_SEED), b->site)) continue;
        if (qs.items[i].first && qs.items[i].first->bound) continue;
        if (bind_table_put(&hinted, key_hash(own_host_key, b), b, (void *)b) != b) continue;
        char buf[256];
        size_t tlen;
        const char *twin = bind_check_www_twin(b->host, buf, &tlen);
        /* Not interned: the route checks read the interner meanwhile (check/checker.c). */
        twin = qs.items[i].key.host ? qs.items[i].key.host : bind_arena_strndup(k->arena, twin, tlen);
        bind_diag *d = bind_diag_push(k->diags, BIND_I0401, b->info_span, "host `%s` is bound but `%s` is not", b->host, twin);
        /* The fix-it repeats this binding line with the twin host. */
        bind_source *src = bind_sources_get(&k->c->sources, b->span.file);
        uint32_t line, col;
        bind_source_linecol(src, b->span.start, &line, &col);
        uint32_t ls = bind_source_line_start(src, line);
        size_t indent = 0;
        while (ls + indent < b->span.start && (src->text[ls + indent] == ' ' || src->text[ls + indent] == '\t')) indent++;
        const char *info = bind_binding_info_text(k->arena, b);
        size_t hl = strlen(b->host), il = strlen(info);
        const char *newinfo = bind_arena_printf(k->arena, "%.*s%s", (int)(il - hl), info, twin);
        const char *opts = src->text + b->info_span.end;
        const char *line_text = bind_arena_printf(k->arena, "\n%.*s%s %s%.*s", (int)indent, src->text + ls,
                                                  bind_protocol_name((enum bind_protocol)b->protocol), newinfo,
                                                  (int)(b->span.end - b->info_span.end), opts);
        bind_diag_fixit(k->diags, d, bind_span_make(b->span.file, b->span.end, b->span.end), line_text);
    }
    bind_vec_free(&qs);
    bind_table_fini(&asked);
    bind_table_fini(&hinted);
    bind_table_fini(&unreadable);
}

/* ---- W0302: certificates never used ----------------------------------- */

static void check_unused_certs(bind_checker *k)
{
    for (size_t i = 0; i < k->certs.len; i++) {
        const bind_cert *c = k->certs.items[i];
        if (c->used || c->is_stdlib) continue;
        bind_diag *d = bind_diag_push(k->diags, BIND_W0302, c->span, "certificate `%s` is declared and never used", c->name);
        bind_diag_note(k->diags, d, NULL, "use it with cert=%s on an https binding, or remove it", c->name);
    }
}

void bind_check_conflicts(bind_checker *k)
{
    static void (*const checks[])(bind_checker *) = {
        check_duplicates, check_sites, check_protocols, check_servers, check_www_twins, check_unused_certs,
        check_tls_sharing,
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        checks[i](k);
        bind_arena_reset(k->scratch);
    }
}
