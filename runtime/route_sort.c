/* bind_route_items_sort (route_key.h): the routers' sorts by address. */
#include "route_key.h"
#include "base/sort.h"

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

/* The twelve bytes after the prefix as one comparison: mid, then low. */
static bool v6_rest_less(const bind_route_item *x, const bind_route_item *y)
{
    uint64_t xm = v6_mid(x, NULL), ym = v6_mid(y, NULL);
    return xm != ym ? xm < ym : v6_low(x, NULL) < v6_low(y, NULL);
}

/* A run of items whose major keys tie, by the rest of their IPv6 bytes.
 * Runs are an address's bindings on a port: a few, sorted in place; a long
 * one goes through the radix sort, least significant key first. */
static void sort_run(bind_route_item *run, size_t n)
{
    if (n > 32) {
        bind_sort_by_key(run, n, sizeof *run, v6_low, NULL);
        bind_sort_by_key(run, n, sizeof *run, v6_mid, NULL);
        return;
    }
    for (size_t i = 1; i < n; i++) {     /* insertion: equal items keep their order */
        bind_route_item x = run[i];
        size_t j = i;
        for (; j > 0 && v6_rest_less(&x, &run[j - 1]); j--) run[j] = run[j - 1];
        run[j] = x;
    }
}

void bind_route_items_sort(bind_route_item *items, size_t n, uint64_t (*major)(const void *item, const void *ctx),
                           const void *ctx)
{
    /* By the major key, then the IPv6 items among equal major keys by their
     * other twelve bytes.  (Two more radix passes over every item would each
     * read every IPv6 item's binding, a cache miss apiece.) */
    bind_sort_by_key(items, n, sizeof *items, major, ctx);
    for (size_t i = 0; i < n;) {
        uint64_t k = major(&items[i], ctx);
        size_t j = i + 1;
        bool v6 = items[i].kind == BIND_ADDR_V6;
        for (; j < n && major(&items[j], ctx) == k; j++) v6 |= items[j].kind == BIND_ADDR_V6;
        if (v6 && j - i > 1) sort_run(items + i, j - i);
        i = j;
    }
}
