/* A small open-addressing hash table keyed by a caller-computed 64-bit hash
 * and a caller-supplied equality test.  Every conflict check uses it, so a
 * fleet of 100,000 sites is checked in one pass, never pairwise. */
#ifndef BIND_TABLE_H
#define BIND_TABLE_H

#include "arena.h"

typedef bool (*bind_table_eq)(const void *a, const void *b);

typedef struct bind_table_slot { uint64_t hash; const void *key; void *value; } bind_table_slot;

typedef struct bind_table {
    bind_table_slot *slots;
    size_t cap, len;
    bind_table_eq eq;
} bind_table;

void bind_table_init(bind_table *t, bind_table_eq eq);
void bind_table_fini(bind_table *t);
/* Room for n entries without growing: a fleet's tables would grow a dozen
 * times, each time into fresh memory, re-placing every entry. */
void bind_table_reserve(bind_table *t, size_t n);
/* Asks the memory for the slot a lookup of hash starts at.  A walk that
 * knows its next keys asks a few keys ahead: a fleet's tables are bigger
 * than the cache, and otherwise every lookup waits for its slot. */
static inline void bind_table_prefetch(const bind_table *t, uint64_t hash)
{
    if (t->cap) bind_prefetch(&t->slots[bind_hash_slot(hash, t->cap - 1)]);
}
/* The value stored under key, or NULL. */
void *bind_table_get(const bind_table *t, uint64_t hash, const void *key);
/* Stores value under key unless present; returns the value now stored. */
void *bind_table_put(bind_table *t, uint64_t hash, const void *key, void *value);

#endif
