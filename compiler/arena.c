/* Arena allocator and string interner (see arena.h for why). */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk { struct chunk *next; size_t used, size; _Alignas(16) unsigned char data[]; };

struct bind_arena { struct chunk *head; size_t total; };

_Noreturn void bind_oom(void)
{
    fputs("bindc: out of memory\n", stderr);
    exit(2);
}

void *bind_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) bind_oom();
    return p;
}

void *bind_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) bind_oom();
    return q;
}

bind_arena *bind_arena_new(void)
{
    bind_arena *a = bind_xmalloc(sizeof *a);
    a->head = NULL;
    a->total = 0;
    return a;
}

void bind_arena_free(bind_arena *a)
{
    if (!a) return;
    for (struct chunk *c = a->head, *n; c; c = n) { n = c->next; free(c); }
    free(a);
}

void *bind_arena_alloc(bind_arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        /* Chunks grow with the arena so that a 100,000-site fleet makes a
         * few hundred mallocs, not millions. */
        size_t want = a->total < (1u << 16) ? (1u << 16) : a->total;
        if (want > (64u << 20)) want = 64u << 20;
        if (want < size) want = size;
        c = bind_xmalloc(sizeof *c + want);
        c->used = 0;
        c->size = want;
        c->next = a->head;
        a->head = c;
        a->total += want;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

size_t bind_arena_bytes(const bind_arena *a) { return a->total; }

char *bind_arena_strndup(bind_arena *a, const char *s, size_t n)
{
    char *p = bind_arena_alloc(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *bind_arena_strdup(bind_arena *a, const char *s) { return bind_arena_strndup(a, s, strlen(s)); }

char *bind_arena_vprintf(bind_arena *a, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) n = 0;
    char *p = bind_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *bind_arena_printf(bind_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = bind_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

/* Open addressing with linear probing; the slots array is malloc'ed so that
 * rehashing does not strand arena memory. */
struct bind_interner { bind_arena *arena; const char **slots; uint32_t *lens; size_t cap, count; };

bind_interner *bind_interner_new(bind_arena *a)
{
    bind_interner *in = bind_arena_alloc(a, sizeof *in);
    in->arena = a;
    in->cap = 256;
    in->slots = calloc(in->cap, sizeof *in->slots);
    in->lens = calloc(in->cap, sizeof *in->lens);
    if (!in->slots || !in->lens) bind_oom();
    return in;
}

void bind_interner_free(bind_interner *in)
{
    if (!in) return;
    free(in->slots);
    free(in->lens);
    in->slots = NULL;
    in->lens = NULL;
}

static void interner_grow(bind_interner *in)
{
    size_t ncap = in->cap * 2;
    const char **ns = calloc(ncap, sizeof *ns);
    uint32_t *nl = calloc(ncap, sizeof *nl);
    if (!ns || !nl) bind_oom();
    for (size_t i = 0; i < in->cap; i++) {
        if (!in->slots[i]) continue;
        size_t j = bind_hash_slot(bind_hash_bytes(in->slots[i], in->lens[i], BIND_HASH_SEED), ncap - 1);
        while (ns[j]) j = (j + 1) & (ncap - 1);
        ns[j] = in->slots[i];
        nl[j] = in->lens[i];
    }
    free(in->slots);
    free(in->lens);
    in->slots = ns;
    in->lens = nl;
    in->cap = ncap;
}

const char *bind_intern(bind_interner *in, const char *s, size_t n)
{
    if (in->count * 2 >= in->cap) interner_grow(in);
    size_t j = bind_hash_slot(bind_hash_bytes(s, n, BIND_HASH_SEED), in->cap - 1);
    while (in->slots[j]) {
        if (in->lens[j] == n && memcmp(in->slots[j], s, n) == 0) return in->slots[j];
        j = (j + 1) & (in->cap - 1);
    }
    const char *p = bind_arena_strndup(in->arena, s, n);
    in->slots[j] = p;
    in->lens[j] = (uint32_t)n;
    in->count++;
    return p;
}

const char *bind_intern_cstr(bind_interner *in, const char *s) { return bind_intern(in, s, strlen(s)); }

const char *bind_intern_lookup(const bind_interner *in, const char *s, size_t n)
{
    if (!in->cap) return NULL;
    size_t j = bind_hash_slot(bind_hash_bytes(s, n, BIND_HASH_SEED), in->cap - 1);
    while (in->slots[j]) {
        if (in->lens[j] == n && memcmp(in->slots[j], s, n) == 0) return in->slots[j];
        j = (j + 1) & (in->cap - 1);
    }
    return NULL;
}
