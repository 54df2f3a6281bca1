/* bind_route_items_sort (route_key.h): the routers' sorts by address. */
#include "route_key.h"
#include "sort.h"

static uint64_t be_bytes(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

/* The twelve bytes after the prefix, in two keys; zero but for IPv6. */
static uint64_t v6_low(const void *x, const void *ctx)
{
    (void)ctx;
    const bind_route_item *it = x;
    return it->kind == BIND_ADDR_V6 ? be_bytes(it->b->addr.bytes + 8, 8) : 0;
}

static uint64_t v6_mid(const void *x, const void *ctx)
{
    (void)ctx;
    const bind_route_item *it = x;
    return it->kind == BIND_ADDR_V6 ? be_bytes(it->b->addr.bytes + 4, 4) : 0;
}

void bind_route_items_sort(bind_route_item *items, size_t n, uint64_t (*major)(const void *item, const void *ctx),
                           const void *ctx)
{
    /* Least significant first: each stable pass keeps the order of the last.
     * The IPv6 passes only where there is IPv6 (they are no-ops otherwise,
     * at a pass over every item). */
    bool v6 = false;
    for (size_t i = 0; i < n && !v6; i++) v6 = items[i].kind == BIND_ADDR_V6;
    if (v6) {
        bind_sort_by_key(items, n, sizeof *items, v6_low, NULL);
        bind_sort_by_key(items, n, sizeof *items, v6_mid, NULL);
    }
    bind_sort_by_key(items, n, sizeof *items, major, ctx);
}
