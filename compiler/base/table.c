/* Open-addressing hash table (see table.h). */
#include "table.h"

#include <string.h>

void bind_table_init(bind_table *t, bind_table_eq eq)
{
    memset(t, 0, sizeof *t);
    t->eq = eq;
}

void bind_table_fini(bind_table *t)
{
    bind_pages_free(t->slots, t->cap * sizeof *t->slots);
    memset(t, 0, sizeof *t);
}

static size_t find(const bind_table *t, uint64_t hash, const void *key)
{
    size_t mask = t->cap - 1, i = bind_hash_slot(hash, mask);
    while (t->slots[i].key) {
        if (t->slots[i].hash == hash && t->eq(t->slots[i].key, key)) return i;
        i = (i + 1) & mask;
    }
    return i;
}

void *bind_table_get(const bind_table *t, uint64_t hash, const void *key)
{
    if (!t->cap) return NULL;
    size_t i = find(t, hash, key);
    return t->slots[i].key ? t->slots[i].value : NULL;
}

static void resize(bind_table *t, size_t cap)
{
    bind_table_slot *old = t->slots;
    size_t ocap = t->cap;
    t->cap = cap;
    t->slots = bind_pages_alloc(t->cap * sizeof *t->slots);
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i].key) continue;
        size_t mask = t->cap - 1, j = bind_hash_slot(old[i].hash, mask);
        while (t->slots[j].key) j = (j + 1) & mask;
        t->slots[j] = old[i];
    }
    bind_pages_free(old, ocap * sizeof *old);
}

/* At most three quarters full. */
static bool fits(size_t n, size_t cap) { return n * 4 <= cap * 3; }

void bind_table_reserve(bind_table *t, size_t n)
{
    size_t cap = t->cap ? t->cap : 64;
    while (!fits(n, cap)) cap *= 2;
    if (cap != t->cap) resize(t, cap);
}

void *bind_table_put(bind_table *t, uint64_t hash, const void *key, void *value)
{
    if (!fits(t->len + 1, t->cap)) resize(t, t->cap ? t->cap * 2 : 64);
    size_t i = find(t, hash, key);
    if (t->slots[i].key) return t->slots[i].value;
    t->slots[i].hash = hash;
    t->slots[i].key = key;
    t->slots[i].value = value;
    t->len++;
    return value;
}
