/* Stable LSD radix sort (see sort.h). */
#include "sort.h"

#include <string.h>

/* The temporaries are bind_pages blocks: a fleet's are megabytes, which the
 * C heap maps on 4 KiB pages (a fault each), bind_pages on huge ones. */

/* Below this, counting 8 x 256 buckets costs more than it saves. */
#define SMALL 32

static void insertion_sort(bind_sort_entry *e, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        bind_sort_entry x = e[i];
        size_t j = i;
        for (; j > 0 && e[j - 1].key > x.key; j--) e[j] = e[j - 1];
        e[j] = x;
    }
}

void bind_sort_entries(bind_sort_entry *e, size_t n)
{
    if (n < SMALL) { insertion_sort(e, n); return; }
    /* Every byte's histogram in one pass over the keys. */
    size_t count[8][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = e[i].key;
        for (int d = 0; d < 8; d++) count[d][(k >> (8 * d)) & 0xff]++;
    }
    bind_sort_entry *tmp = NULL, *src = e, *dst = NULL;
    for (int d = 0; d < 8; d++) {
        size_t *c = count[d];
        if (c[(e[0].key >> (8 * d)) & 0xff] == n) continue;     /* the same byte in every key */
        if (!tmp) dst = tmp = bind_pages_alloc(n * sizeof *tmp);
        size_t at = 0;
        for (int b = 0; b < 256; b++) { size_t k = c[b]; c[b] = at; at += k; }
        for (size_t i = 0; i < n; i++) dst[c[(src[i].key >> (8 * d)) & 0xff]++] = src[i];
        bind_sort_entry *t = src; src = dst; dst = t;
    }
    if (src != e) memcpy(e, src, n * sizeof *e);
    bind_pages_free(tmp, n * sizeof *tmp);
}

void bind_sort_by_key(void *base, size_t n, size_t size, uint64_t (*key)(const void *elem, const void *ctx),
                      const void *ctx)
{
    if (n < 2) return;
    unsigned char *b = base;
    bind_sort_entry *e = bind_pages_alloc(n * sizeof *e);
    bool sorted = true;
    for (size_t i = 0; i < n; i++) {
        e[i].key = key(b + i * size, ctx);
        e[i].value = i;
        sorted &= i == 0 || e[i - 1].key <= e[i].key;
    }
    if (!sorted) {
        bind_sort_entries(e, n);
        unsigned char *out = bind_pages_alloc(n * size);
        for (size_t i = 0; i < n; i++) memcpy(out + i * size, b + e[i].value * size, size);
        memcpy(b, out, n * size);
        bind_pages_free(out, n * size);
    }
    bind_pages_free(e, n * sizeof *e);
}
