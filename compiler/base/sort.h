/* Stable radix sort for fleet-sized arrays.
 *
 * glibc's qsort is a merge sort that calls a comparison through a pointer
 * log2(n) times per element, and a fleet's check sorts hundreds of
 * thousands of items.  Sorting by an integer key takes at most eight
 * byte-wide counting passes, and a pass is skipped when that byte is the
 * same in every key — sorting by a port is two passes, whatever n is. */
#ifndef BIND_SORT_H
#define BIND_SORT_H

#include "arena.h"

/* A key and what it sorts: an index or a pointer. */
typedef struct bind_sort_entry { uint64_t key, value; } bind_sort_entry;

/* Sorts e[0..n) by key, ascending; entries with equal keys keep their order. */
void bind_sort_entries(bind_sort_entry *e, size_t n);

/* Sorts n elements of `size` bytes stably by key(element): the keys are
 * computed once each, the elements moved once.  A sort by a key wider than
 * 64 bits is several calls, least significant key first (stability keeps
 * the earlier order among equal keys). */
void bind_sort_by_key(void *base, size_t n, size_t size, uint64_t (*key)(const void *elem, const void *ctx),
                      const void *ctx);

#endif
