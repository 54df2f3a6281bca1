/* Hash keys shared by the routers (private to runtime/).
 *
 * Requests carry host names as bytes, not interned pointers, so keys hash
 * and compare contents: a (protocol, port, wildcard?, name) key for IIS,
 * and a (socket, kind, name) key for nginx.  Names are (pointer, length)
 * so that a suffix of the request's host can be looked up without a copy. */
#ifndef BIND_ROUTE_KEY_H
#define BIND_ROUTE_KEY_H

#include <string.h>

#include "model/model.h"
#include "base/table.h"

typedef struct bind_route_key {
    uint32_t scope;          /* IIS: protocol << 16 | port; nginx: socket index */
    uint32_t kind;           /* 0 exact name (or "" for none), 1 leading wildcard, 2 trailing wildcard */
    const char *name;        /* not NUL-terminated in general */
    size_t len;
} bind_route_key;

static inline uint64_t bind_route_key_hash(const bind_route_key *k)
{
    uint64_t h = bind_hash_bytes(&k->scope, sizeof k->scope, BIND_HASH_SEED);
    h = bind_hash_bytes(&k->kind, sizeof k->kind, h);
    return bind_hash_bytes(k->name, k->len, h);
}

static inline bool bind_route_key_eq(const void *a, const void *b)
{
    const bind_route_key *x = a, *y = b;
    return x->scope == y->scope && x->kind == y->kind && x->len == y->len && memcmp(x->name, y->name, x->len) == 0;
}

/* An address as key bytes: the kind, then only the bytes it uses. */
static inline size_t bind_route_addr_bytes(const bind_addr *a, uint8_t out[17])
{
    memset(out, 0, 17);
    out[0] = a->kind;
    size_t w = a->kind == BIND_ADDR_V4 ? 4 : a->kind == BIND_ADDR_V6 ? 16 : 0;
    memcpy(out + 1, a->bytes, w);
    return 1 + w;
}

/* A binding with what the routers sort it by, copied out of the binding:
 * sorting hundreds of thousands of bindings then compares adjacent memory
 * instead of chasing a pointer, a cache miss, per comparison. */
typedef struct bind_route_item {
    const bind_binding *b;
    uint32_t order;          /* declaration order: the last tie-break, so sorts are stable */
    uint32_t prefix;         /* the address's first 4 bytes, big-endian: all of IPv4 */
    uint16_t port;
    uint8_t kind;            /* enum bind_addr_kind */
} bind_route_item;

static inline bind_route_item bind_route_item_of(const bind_binding *b, uint32_t order)
{
    const uint8_t *p = b->addr.bytes;
    uint32_t prefix = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    bind_route_item it = { b, order, prefix, b->port, b->addr.kind };
    return it;
}

/* Whether two items name the same address.  The item holds all of an IPv4
 * address: only IPv6 reads the bindings, which lie scattered over memory,
 * a cache miss per item when grouping by address. */
static inline bool bind_route_item_same_addr(const bind_route_item *x, const bind_route_item *y)
{
    return x->kind == y->kind && x->prefix == y->prefix && (x->kind != BIND_ADDR_V6 || bind_addr_equal(&x->b->addr, &y->b->addr));
}

/* Sorts items stably by major(item, ctx), which holds the first four
 * address bytes (`prefix`) where the address matters; IPv6 items whose
 * major keys tie go by the rest of their bytes.  Items come in
 * declaration order, and equal ones stay in it. */
void bind_route_items_sort(bind_route_item *items, size_t n, uint64_t (*major)(const void *item, const void *ctx),
                           const void *ctx);

/* 4 or 6; 0 for `*` (both) and none. */
static inline int bind_route_family(const bind_addr *a)
{
    switch (a->kind) {
    case BIND_ADDR_V4: case BIND_ADDR_ANY4: return 4;
    case BIND_ADDR_V6: case BIND_ADDR_ANY6: return 6;
    default: return 0;
    }
}

static inline bool bind_route_is_exact(const bind_addr *a)
{
    return a->kind == BIND_ADDR_V4 || a->kind == BIND_ADDR_V6;
}

/* The suffix `s` of a wildcard host `*.s`, or NULL when the binding has no
 * (well-formed) wildcard host. */
static inline const char *bind_route_wildcard_suffix(const bind_binding *b)
{
    const char *h = b->host;
    return b->host_wildcard && h[0] == '*' && h[1] == '.' && h[2] ? h + 2 : NULL;
}

#endif
