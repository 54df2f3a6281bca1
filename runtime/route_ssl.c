/* HTTP.sys's TLS handshake: which of its SSL bindings presents a
 * certificate to a client, before the Host header is read.
 *
 * The records are those the netsh target sets (backend/http_sys_plan.c):
 * an SNI binding's hostnameport=HOST:PORT, a `ccs` binding's ccs=PORT, any
 * other https binding's ipport=ADDR:PORT (`*` is 0.0.0.0, which serves
 * both families), the first binding's certificate each.  On a platform
 * with ssl_ports and a default_cert (IIS Express) the installer has bound
 * that certificate to 0.0.0.0:PORT already, and a binding that would set
 * the same sets nothing.
 *
 * HTTP.sys looks up the client's SNI first — the hostnameport record of
 * that name, then (IIS 10 writes wildcard host names to it) of the longest
 * `*.suffix` it ends in, then the central certificate store's — and then
 * the address: the local IP:port, [::]:port for IPv6, 0.0.0.0:port.  A
 * client without SNI reaches only the address records; where none serves,
 * HTTP.sys resets the connection. */
#include "route.h"
#include "route_key.h"
#include "route_state.h"

#include <string.h>

enum { K_HOST = 0, K_WILD = 1, K_CCS = 2, K_IP = 3, K_PORT = 4 };

typedef struct record { bind_route_key key; const bind_binding *b; } record;

/* Per port: how many SNI records (hostnameport, ccs) it holds. */
typedef struct port_sni { bind_route_key key; uint32_t n; } port_sni;

struct bind_route_ssl {
    bind_arena *arena;
    bind_table records;      /* (port, kind, host | suffix | "" | address bytes) -> record or port_sni */
    const bind_platform *pf;
    const bind_cert *installed;   /* the platform's default_cert, on its ssl_ports */
};

static bool server_takes(enum bind_server want, uint8_t site_server)
{
    return want == BIND_SERVER_ANY || site_server == BIND_SERVER_ANY || site_server == want;
}

static const void *get(const bind_route_ssl *s, uint16_t port, uint32_t kind, const char *name, size_t len)
{
    bind_route_key k = { port, kind, name, len };
    return bind_table_get(&s->records, bind_route_key_hash(&k), &k);
}

/* The first binding to need a record keeps it (E0205 when another needs
 * it with other settings). */
static void add(bind_route_ssl *s, uint16_t port, uint32_t kind, const char *name, size_t len, const bind_binding *b)
{
    if (get(s, port, kind, name, len)) return;
    record *r = bind_arena_alloc(s->arena, sizeof *r);
    char *kept = bind_arena_alloc(s->arena, len + 1);
    memcpy(kept, name, len);
    r->key = (bind_route_key){ port, kind, kept, len };
    r->b = b;
    bind_table_put(&s->records, bind_route_key_hash(&r->key), &r->key, r);
    if (kind != K_HOST && kind != K_WILD && kind != K_CCS) return;
    bind_route_key pk = { port, K_PORT, "", 0 };
    port_sni *ps = bind_table_get(&s->records, bind_route_key_hash(&pk), &pk);
    if (!ps) {
        ps = bind_arena_alloc(s->arena, sizeof *ps);
        ps->key = pk;
        bind_table_put(&s->records, bind_route_key_hash(&ps->key), &ps->key, ps);
    }
    ps->n++;
}

/* An address as the ipport key bytes: `*` is 0.0.0.0 to HTTP.sys. */
static size_t ip_bytes(const bind_addr *a, uint8_t out[17])
{
    bind_addr k = *a;
    if (k.kind == BIND_ADDR_ANY) k.kind = BIND_ADDR_ANY4;
    return bind_route_addr_bytes(&k, out);
}

static bool installed_on(const bind_route_ssl *s, uint16_t port)
{
    return s->installed && bind_port_in(s->pf->ssl_ports, s->pf->nssl_ports, port);
}

bind_route_ssl *bind_route_ssl_new(const bind_model *m, enum bind_server server)
{
    bind_route_ssl *s = bind_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->arena = bind_arena_new();
    bind_table_init(&s->records, bind_route_key_eq);
    s->pf = m->platform;
    if (s->pf && s->pf->has_ssl_ports && s->pf->default_cert) s->installed = bind_model_find_cert(m, s->pf->default_cert);
    bool user_mode = bind_http_sys_user_mode(s->pf);
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *site = m->sites[i];
        if (!server_takes(server, site->server)) continue;
        for (uint32_t j = 0; j < site->nbindings; j++) {
            const bind_binding *b = site->bindings[j];
            if (!b->valid || b->protocol != BIND_PROTO_HTTPS || !b->port || b->addr.kind == BIND_ADDR_NONE) continue;
            if (b->ccs) { add(s, b->port, K_CCS, "", 0, b); continue; }
            if (b->sni) {
                const char *suffix = bind_route_wildcard_suffix(b);
                if (suffix) add(s, b->port, K_WILD, suffix, strlen(suffix), b);
                else add(s, b->port, K_HOST, b->host, strlen(b->host), b);
                continue;
            }
            /* The installer's record stands for this one (the netsh target's rule). */
            if (user_mode && installed_on(s, b->port) && b->cert == s->installed && !b->thumbprint) continue;
            uint8_t bytes[17];
            size_t n = ip_bytes(&b->addr, bytes);
            add(s, b->port, K_IP, (const char *)bytes, n, b);
        }
    }
    return s;
}

void bind_route_ssl_free(bind_route_ssl *s)
{
    if (!s) return;
    bind_table_fini(&s->records);
    bind_arena_free(s->arena);
    free(s);
}

/* The ipport record of an address (kind V4, V6) or of 0.0.0.0, [::]. */
static const record *ipport(const bind_route_ssl *s, uint16_t port, uint8_t kind, const bind_addr *addr)
{
    bind_addr a;
    memset(&a, 0, sizeof a);
    if (addr) a = *addr;
    a.kind = kind;
    uint8_t bytes[17];
    size_t n = ip_bytes(&a, bytes);
    return get(s, port, K_IP, (const char *)bytes, n);
}

static void take(bind_route_tls *out, enum bind_route_tls_pick pick, const record *r)
{
    out->pick = (uint8_t)pick;
    out->binding = r->b;
    out->cert = r->b->ccs ? NULL : r->b->cert;
}

void bind_route_ssl_handshake(const bind_route_ssl *s, const bind_route_request *rq, const bind_route_hello *hello,
                              bind_route_tls *out)
{
    memset(out, 0, sizeof *out);
    if (rq->protocol != BIND_PROTO_HTTPS) return;
    out->hello = *hello;
    char sni[1024];
    size_t sl = bind_route_sni_of(rq, hello, sni, sizeof sni);
    const record *r;
    if (sl && sl != (size_t)-1) {
        if ((r = get(s, rq->port, K_HOST, sni, sl))) { take(out, BIND_TLS_HOSTNAMEPORT, r); return; }
        if (!s->pf || s->pf->wildcard_hosts)
            for (size_t i = 0; i + 1 < sl; i++)
                if (sni[i] == '.' && (r = get(s, rq->port, K_WILD, sni + i + 1, sl - i - 1))) {
                    take(out, BIND_TLS_HOSTNAMEPORT_WILD, r);
                    return;
                }
        if ((r = get(s, rq->port, K_CCS, "", 0))) { take(out, BIND_TLS_CCS, r); return; }
    }
    if ((r = ipport(s, rq->port, rq->local.kind, &rq->local))) { take(out, BIND_TLS_IPPORT, r); return; }
    if (rq->local.kind == BIND_ADDR_V6 && (r = ipport(s, rq->port, BIND_ADDR_ANY6, NULL))) {
        take(out, BIND_TLS_IPPORT_ANY, r);
        return;
    }
    if ((r = ipport(s, rq->port, BIND_ADDR_ANY4, NULL))) { take(out, BIND_TLS_IPPORT_ANY, r); return; }
    if (installed_on(s, rq->port)) {
        out->pick = BIND_TLS_INSTALLER;
        out->cert = s->installed;
        return;
    }
    bind_route_key pk = { rq->port, K_PORT, "", 0 };
    out->refused = !sl && bind_table_get(&s->records, bind_route_key_hash(&pk), &pk) ? BIND_TLS_NO_SNI : BIND_TLS_NO_RECORD;
}

void bind_route_ssl_apply(const bind_route_ssl *s, const bind_route_request *rq, const bind_route_hello *hello,
                          bind_route_result *r)
{
    if (r->refusal == BIND_REFUSE_NOT_LISTENING) return;
    bind_route_ssl_handshake(s, rq, hello, &r->tls);
    if (!r->tls.refused) return;
    r->unreached = r->binding;
    r->binding = r->beaten = NULL;
    r->rule = r->beaten_rule = BIND_ROUTE_NONE;
    r->refusal = BIND_REFUSE_HANDSHAKE;
}
