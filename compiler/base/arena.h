/* Arena memory and string interning.
 *
 * One arena per compilation (and per LSP document version): every AST node,
 * model object and diagnostic lives in it and dies with it, so passes never
 * free anything and error paths cannot leak. */
#ifndef BIND_ARENA_H
#define BIND_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct bind_arena bind_arena;

bind_arena *bind_arena_new(void);
void bind_arena_free(bind_arena *a);
void *bind_arena_alloc(bind_arena *a, size_t size);           /* zeroed, 16-aligned */
char *bind_arena_strndup(bind_arena *a, const char *s, size_t n);
char *bind_arena_strdup(bind_arena *a, const char *s);
char *bind_arena_printf(bind_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *bind_arena_vprintf(bind_arena *a, const char *fmt, va_list ap);
size_t bind_arena_bytes(const bind_arena *a);                  /* bytes reserved */
/* Frees everything allocated so far but keeps the newest chunk for reuse:
 * for scratch arenas whose contents die at a known point. */
void bind_arena_reset(bind_arena *a);
/* A point in an arena to give back to later: what was allocated after it
 * is freed (and zeroed again for reuse), what came before stays. */
typedef struct bind_arena_mark { void *chunk; size_t used; } bind_arena_mark;
bind_arena_mark bind_arena_mark_now(const bind_arena *a);
void bind_arena_release(bind_arena *a, bind_arena_mark m);
/* Moves everything src holds into dst, which then frees it; src is freed. */
void bind_arena_adopt(bind_arena *dst, bind_arena *src);

/* Out of memory is a clean exit with a message, never a crash. */
_Noreturn void bind_oom(void);
void *bind_xmalloc(size_t n);
void *bind_xrealloc(void *p, size_t n);
/* Zeroed memory for large, long-lived blocks (arena chunks, hash slots):
 * big ones are mapped on huge pages when the kernel allows.  Free with the
 * size it was allocated with. */
void *bind_pages_alloc(size_t n);
#define BIND_HUGE_PAGE ((size_t)2 << 20)    /* x86-64's, where the kernel gives them */
void bind_pages_free(void *p, size_t n);
/* Grows (or shrinks) such a block, keeping its contents; new bytes are not
 * zeroed below the huge-page size.  A mapped block moves with mremap,
 * which never copies. */
void *bind_pages_realloc(void *p, size_t old_n, size_t new_n);
/* The same advice for a large malloc'ed block, which stays an ordinary
 * block that free() releases.  It holds for the pages already there and,
 * once glibc maps the block on its own (above its mmap threshold, where
 * realloc grows it with mremap), for the pages growth adds. */
void bind_pages_advise(void *p, size_t n);

/* A growable array of T outside the arena, so that it can grow without
 * stranding arena space; bind_vec_free releases it.  Its storage comes
 * from bind_pages_*: a fleet's vectors (statements, bindings, sort keys)
 * are megabytes, and on 4 KiB pages each of them would fault its pages in
 * one by one. */
#define BIND_VEC(T) struct { T *items; size_t len, cap; }
#define bind_vec_push(v, x)                                                    \
    do {                                                                       \
        if ((v)->len == (v)->cap)                                              \
            (v)->items = bind_vec_grow((v)->items, &(v)->cap, sizeof *(v)->items); \
        (v)->items[(v)->len++] = (x);                                          \
    } while (0)
#define bind_vec_free(v) do { bind_pages_free((v)->items, (v)->cap * sizeof *(v)->items); \
                              (v)->items = NULL; (v)->len = (v)->cap = 0; } while (0)
/* Room for n items: a vector whose length is known ahead is not grown a
 * doubling at a time (each a remap or a copy).  Pages never written are
 * never faulted in, so reserving for the most it may hold costs nothing. */
#define bind_vec_reserve(v, n)                                                 \
    do {                                                                       \
        if ((size_t)(n) > (v)->cap) {                                          \
            (v)->items = bind_pages_realloc((v)->items, (v)->cap * sizeof *(v)->items, (size_t)(n) * sizeof *(v)->items); \
            (v)->cap = (size_t)(n);                                            \
        }                                                                      \
    } while (0)
/* Doubles *cap (from 8) and returns the moved storage. */
void *bind_vec_grow(void *items, size_t *cap, size_t elem_size);
/* The same vector kept in an arena, for the many small ones that die with
 * it (a site's bindings): nothing to free one by one.  A doubling leaves
 * the old items behind in the arena, at most as many bytes again. */
#define bind_arena_vec_push(a, v, x)                                           \
    do {                                                                       \
        if ((v)->len == (v)->cap)                                              \
            (v)->items = bind_arena_grow((a), (v)->items, &(v)->cap, sizeof *(v)->items); \
        (v)->items[(v)->len++] = (x);                                          \
    } while (0)
/* Doubles *cap (from 4) and returns a copy of the *cap items in the arena. */
void *bind_arena_grow(bind_arena *a, const void *items, size_t *cap, size_t elem_size);

/* Interned strings: equal contents give the same pointer, so names compare
 * with ==.  Interned strings are NUL-terminated and immutable. */
typedef struct bind_interner bind_interner;
bind_interner *bind_interner_new(bind_arena *a);
void bind_interner_free(bind_interner *in);
const char *bind_intern(bind_interner *in, const char *s, size_t n);
const char *bind_intern_cstr(bind_interner *in, const char *s);
/* Interns many strings at once, each *where replaced by its interned
 * copy, given its length and bind_intern_hash's hash (worked out where the
 * string was still in the cache); one not interned before is kept where it
 * is, so it must live as long as the interner.  For names moved from one
 * interner to another: one bind_intern after another waits on memory for
 * each. */
uint32_t bind_intern_hash(const char *s, size_t n);
typedef struct bind_intern_item { const char **where; uint32_t hash, len; } bind_intern_item;
void bind_intern_all(bind_interner *in, const bind_intern_item *items, size_t n);
/* A copy of s where the interned strings live, not interned: for texts that
 * name nothing (a path, a pool), which nothing compares by pointer. */
const char *bind_interner_copy(bind_interner *in, const char *s, size_t n);
/* Room for n more strings without growing (each growth re-places every
 * string in fresh memory).  Not a free guess on the high side: strings land
 * all over the table, so every page of it is touched. */
void bind_interner_reserve(bind_interner *in, size_t n);
/* Bytes of source per name interned, for sizing the interner before a
 * parse: a fleet names a new site, host, path or pool every 75 bytes or so
 * (the generated fleets).  One every 64 gives its names the table they
 * need without a rebuild, and a guess much lower would take the next
 * power of two, every page of it touched. */
#define BIND_BYTES_PER_NAME 64
/* The interned copy of s, or NULL when nothing interned it: then no name in
 * the sources is s, which answers "is this bound?" without a table. */
const char *bind_intern_lookup(const bind_interner *in, const char *s, size_t n);

/* The hash every table in bindc uses: eight bytes a step, since the
 * interner hashes every word of every re-check the language server makes
 * and a byte at a time would be much of it.  Each step is a bijection of
 * the state for a given word, so inputs of one length that differ collide
 * only through the 64-bit state; the table finaliser below spreads the
 * bits.  Byte order changes the values, never an output: nothing is
 * printed in table order. */
static inline uint64_t bind_hash_bytes(const void *p, size_t n, uint64_t h)
{
    const unsigned char *b = p;
    for (; n >= 8; b += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 32;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, b, n);
        h = (h ^ w ^ (uint64_t)n << 56) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 32;
    }
    return h;
}
#define BIND_HASH_SEED 14695981039346656037ull

/* Asks the memory for the line at p, which a walk will read a few steps
 * on: over a fleet's arrays and tables, each step otherwise waits for it. */
static inline void bind_prefetch(const void *p)
{
#if defined(__GNUC__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/* A multiply mixes only upwards: the low bits of its result depend only on
 * the low bits of the input, so 16-aligned pointers would all land in 1/16
 * of a power-of-two table.  Tables index by this finaliser (MurmurHash3's
 * fmix64). */
static inline size_t bind_hash_slot(uint64_t h, size_t mask)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (size_t)h & mask;
}

#endif
