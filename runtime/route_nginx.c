/* nginx's own server selection, applied to the plan the nginx target writes.
 *
 * It reads only what the emitted config says — each server block's listen
 * lines and server_name — and follows nginx (request_processing.xml,
 * server_names.xml): the socket whose address matches the connection best
 * (an exact `listen ADDR:PORT` before `*:PORT` / `[::]:PORT`); on it the
 * exact name, then the longest wildcard starting with `*`, then the
 * longest ending with `*`; else the socket's default_server.  A name
 * listed twice on a socket keeps its first server, as nginx does ("conflicting
 * server name ... ignored"). */
#include "nginx_plan.h"
#include "route.h"
#include "route_key.h"

#include <string.h>

enum { KIND_EXACT = 0, KIND_HEAD = 1, KIND_TAIL = 2, KIND_SOCKET = 5 };

typedef struct hit { bind_route_key key; uint32_t server; const char *name; const bind_binding *binding; } hit;

struct bind_route_nginx {
    const bind_nginx_plan *plan;
    bool exact_names;        /* false: exact server_names left out of the index */
    bind_arena *arena;
    bind_table sockets;      /* (port, KIND_SOCKET, address bytes) -> socket index + 1 */
    bind_table names;        /* (socket, kind, name) -> hit */
};

static bind_route_key name_key(uint32_t sock, const char *name)
{
    size_t n = strlen(name);
    bind_route_key k = { sock, KIND_EXACT, name, n };
    if (n > 2 && name[0] == '*' && name[1] == '.') { k.kind = KIND_HEAD; k.name = name + 2; k.len = n - 2; }
    else if (n > 2 && name[n - 1] == '*' && name[n - 2] == '.') { k.kind = KIND_TAIL; k.len = n - 2; }
    return k;
}

static void add_name(bind_route_nginx *r, uint32_t sock, uint32_t server, const bind_nginx_name *nm)
{
    bind_route_key key = name_key(sock, nm->name);
    if (key.kind == KIND_EXACT && !r->exact_names) return;
    hit *h = bind_arena_alloc(r->arena, sizeof *h);
    h->key = key;
    h->server = server;
    h->name = nm->name;
    h->binding = nm->binding;
    bind_table_put(&r->names, bind_route_key_hash(&h->key), &h->key, h);
}

bind_route_nginx *bind_route_nginx_new(const bind_nginx_plan *p) { return bind_route_nginx_new_for(p, true); }

bind_route_nginx *bind_route_nginx_new_for(const bind_nginx_plan *p, bool exact_names)
{
    bind_route_nginx *r = bind_xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->plan = p;
    r->exact_names = exact_names;
    r->arena = bind_arena_new();
    bind_table_init(&r->sockets, bind_route_key_eq);
    bind_table_init(&r->names, bind_route_key_eq);
    for (uint32_t i = 0; i < p->nsockets; i++) {
        const bind_nginx_socket *s = &p->sockets[i];
        bind_route_key *k = bind_arena_alloc(r->arena, sizeof *k);
        uint8_t *bytes = bind_arena_alloc(r->arena, 17);
        k->scope = s->port;
        k->kind = KIND_SOCKET;
        k->len = bind_route_addr_bytes(&s->addr, bytes);
        k->name = (const char *)bytes;
        bind_table_put(&r->sockets, bind_route_key_hash(k), k, (void *)(uintptr_t)(i + 1));
    }
    /* Server blocks in config order: the first one to claim a name keeps it. */
    for (uint32_t i = 0; i < p->nservers; i++) {
        const bind_nginx_server *sv = &p->servers[i];
        for (uint32_t j = 0; j < sv->nsockets; j++)
            for (uint32_t k = 0; k < sv->nnames; k++) add_name(r, sv->sockets[j], i, &sv->names[k]);
    }
    /* A server's names record the bindings of its first socket; on the
     * others, report the binding IIS picked there. */
    for (uint32_t i = 0; i < p->nsockets; i++) {
        const bind_nginx_socket *s = &p->sockets[i];
        for (uint32_t j = 0; j < s->nnames; j++) {
            bind_route_key k = name_key(i, s->names[j].name);
            if (k.kind == KIND_EXACT && !exact_names) continue;
            hit *h = bind_table_get(&r->names, bind_route_key_hash(&k), &k);
            if (h && h->name == s->names[j].name) h->binding = s->names[j].binding;
        }
    }
    return r;
}

void bind_route_nginx_free(bind_route_nginx *r)
{
    if (!r) return;
    bind_table_fini(&r->sockets);
    bind_table_fini(&r->names);
    bind_arena_free(r->arena);
    free(r);
}

static int64_t find_socket(const bind_route_nginx *r, uint16_t port, const bind_addr *addr)
{
    uint8_t bytes[17];
    bind_route_key k = { port, KIND_SOCKET, (const char *)bytes, bind_route_addr_bytes(addr, bytes) };
    uintptr_t v = (uintptr_t)bind_table_get(&r->sockets, bind_route_key_hash(&k), &k);
    return v ? (int64_t)v - 1 : -1;
}

static const hit *lookup(const bind_route_nginx *r, uint32_t sock, uint32_t kind, const char *name, size_t len)
{
    bind_route_key k = { sock, kind, name, len };
    return bind_table_get(&r->names, bind_route_key_hash(&k), &k);
}

/* The server a name picks on a socket: the exact name, then the longest
 * wildcard starting with `*`, then the longest ending with `*`.  What the
 * Host header and the TLS server name (ngx_http_ssl_servername) both go
 * through; NULL when none matches (the default_server). */
static const hit *match(const bind_route_nginx *r, uint32_t sock, const char *name, size_t len, enum bind_route_rule *rule)
{
    const hit *h = lookup(r, sock, KIND_EXACT, name, len);
    *rule = BIND_ROUTE_NGINX_EXACT;
    /* Leading wildcards: the longest suffix first. */
    for (size_t i = 0; !h && i + 1 < len; i++)
        if (name[i] == '.') { h = lookup(r, sock, KIND_HEAD, name + i + 1, len - i - 1); *rule = BIND_ROUTE_NGINX_HEAD; }
    /* Trailing wildcards: the longest prefix first. */
    for (size_t i = len - 1; !h && i > 0; i--)
        if (name[i] == '.' && i + 1 < len) { h = lookup(r, sock, KIND_TAIL, name, i); *rule = BIND_ROUTE_NGINX_TAIL; }
    return h;
}

/* The TLS handshake: the server the SNI names, else the default_server,
 * presents its certificate — or rejects it (ssl_reject_handshake on).
 * Whatever it took, the Host then picks the server again: nginx answers
 * 421 for another only with client certificates, which the target never
 * asks for. */
static void handshake(const bind_route_nginx *r, const bind_route_request *rq, const bind_route_hello *hello, uint32_t sock,
                      bind_route_result *out)
{
    const bind_nginx_socket *s = &r->plan->sockets[sock];
    char sni[1024];
    size_t sl = bind_route_sni_of(rq, hello, sni, sizeof sni);
    out->tls.hello = *hello;
    enum bind_route_rule rule;
    const hit *h = sl && sl != (size_t)-1 ? match(r, sock, sni, sl, &rule) : NULL;
    uint32_t server = h ? h->server : s->default_server;
    const bind_nginx_server *sv = &r->plan->servers[server];
    out->handshake = (int32_t)server;
    out->tls.pick = h ? BIND_TLS_NAMED : BIND_TLS_DEFAULT;
    out->tls.name = h ? h->name : NULL;
    if (sv->kind == BIND_NGINX_REFUSE_TLS) { out->tls.refused = BIND_TLS_REJECT; return; }
    out->tls.binding = sv->tls;
    out->tls.cert = sv->tls ? sv->tls->cert : NULL;
}

/* A rejected handshake ends the connection before the Host is read. */
static void rejected(bind_route_result *out)
{
    out->unreached = out->binding;
    out->binding = NULL;
    out->rule = BIND_ROUTE_NONE;
    out->name = NULL;
    out->refusal = BIND_REFUSE_HANDSHAKE;
}

void bind_route_nginx_resolve(const bind_route_nginx *r, const bind_route_request *rq, bind_route_result *out)
{
    bind_route_nginx_resolve_tls(r, rq, NULL, out);
}

void bind_route_nginx_resolve_tls(const bind_route_nginx *r, const bind_route_request *rq, const bind_route_hello *hello,
                                  bind_route_result *out)
{
    memset(out, 0, sizeof *out);
    out->socket = out->server = out->handshake = -1;
    int64_t sock = find_socket(r, rq->port, &rq->local);
    if (sock < 0) {
        bind_addr any;
        memset(&any, 0, sizeof any);
        any.kind = rq->local.kind == BIND_ADDR_V6 ? BIND_ADDR_ANY6 : BIND_ADDR_ANY4;
        sock = find_socket(r, rq->port, &any);
    }
    if (sock < 0) { out->refusal = BIND_REFUSE_NOT_LISTENING; return; }
    const bind_nginx_socket *s = &r->plan->sockets[sock];
    out->socket = (int32_t)sock;
    if (s->ssl != (rq->protocol == BIND_PROTO_HTTPS)) { out->refusal = BIND_REFUSE_TLS_MISMATCH; return; }
    if (s->ssl && hello) handshake(r, rq, hello, (uint32_t)sock, out);

    char host[1024];
    size_t hl = bind_route_host_normalize(rq->host, host, sizeof host);
    enum bind_route_rule rule = BIND_ROUTE_NONE;
    const hit *h = hl != (size_t)-1 && hl > 0 ? match(r, (uint32_t)sock, host, hl, &rule) : NULL;
    if (h) {
        out->server = (int32_t)h->server;
        out->rule = rule;
        out->name = h->name;
        out->binding = h->binding;
    } else {
        out->server = (int32_t)s->default_server;
        if (r->plan->servers[s->default_server].kind != BIND_NGINX_SITE) out->refusal = BIND_REFUSE_DEFAULT;
        else {
            out->rule = BIND_ROUTE_NGINX_DEFAULT;
            out->binding = s->default_binding;
        }
    }
    if (out->tls.refused) rejected(out);
}
