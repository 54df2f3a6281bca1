/* Arena allocator and string interner (see arena.h for why). */
#define _GNU_SOURCE /* MAP_ANONYMOUS and madvise are POSIX extensions, mremap Linux's */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* Checking a fleet is bound by page faults as much as by instructions:
 * every fresh 4 KiB page costs a fault (on a virtual machine, an
 * expensive one), and the arena and tables touch hundreds of megabytes of
 * them.  Large blocks are therefore mapped directly and offered to the
 * kernel for transparent huge pages, 512 times fewer faults; the mapping
 * comes zeroed, so nothing clears it a second time. */
#define BIG_BLOCK BIND_HUGE_PAGE

static size_t pages_round(size_t n) { return (n + BIG_BLOCK - 1) & ~(BIG_BLOCK - 1); }

void *bind_pages_alloc(size_t n)
{
    if (n < BIG_BLOCK) {
        void *p = calloc(1, n ? n : 1);
        if (!p) bind_oom();
        return p;
    }
    void *p = mmap(NULL, pages_round(n), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) bind_oom();
    bind_pages_advise(p, pages_round(n));
    return p;
}

void bind_pages_advise(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE /* advice only: without it, 4 KiB pages */
    if (n < BIG_BLOCK) return;
    uintptr_t lo = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, hi = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p; (void)n;
#endif
}

void *bind_pages_realloc(void *p, size_t old_n, size_t new_n)
{
    /* Below the huge-page size nothing is zeroed, a first block included:
     * the vectors and buffers grown here write each byte before reading it. */
    if (old_n < BIG_BLOCK && new_n < BIG_BLOCK) return bind_xrealloc(p, new_n ? new_n : 1);
    if (!p) return bind_pages_alloc(new_n);
    if (old_n >= BIG_BLOCK && new_n >= BIG_BLOCK) {
        void *q = mremap(p, pages_round(old_n), pages_round(new_n), MREMAP_MAYMOVE);
        if (q == MAP_FAILED) bind_oom();
        bind_pages_advise(q, pages_round(new_n));
        return q;
    }
    void *q = bind_pages_alloc(new_n);
    memcpy(q, p, old_n < new_n ? old_n : new_n);
    bind_pages_free(p, old_n);
    return q;
}

void *bind_vec_grow(void *items, size_t *cap, size_t elem_size)
{
    size_t old = *cap, ncap = old ? old * 2 : 8;
    if (ncap > SIZE_MAX / elem_size) bind_oom();
    *cap = ncap;
    return bind_pages_realloc(items, old * elem_size, ncap * elem_size);
}

void *bind_arena_grow(bind_arena *a, const void *items, size_t *cap, size_t elem_size)
{
    size_t old = *cap, ncap = old ? old * 2 : 4;
    if (ncap > SIZE_MAX / elem_size) bind_oom();
    void *p = bind_arena_alloc(a, ncap * elem_size);
    if (old) memcpy(p, items, old * elem_size);
    *cap = ncap;
    return p;
}

void bind_pages_free(void *p, size_t n)
{
    if (!p) return;
    if (n < BIG_BLOCK) free(p);
    else munmap(p, pages_round(n));
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
    for (struct chunk *c = a->head, *n; c; c = n) { n = c->next; bind_pages_free(c, sizeof *c + c->size); }
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
        c = bind_pages_alloc(sizeof *c + want);
        c->used = 0;
        c->size = want;
        c->next = a->head;
        a->head = c;
        a->total += want;
    }
    void *p = c->data + c->used;
    c->used += size;
    return p; /* zeroed: chunks come zeroed, and a reset clears what it hands back */
}

void bind_arena_reset(bind_arena *a)
{
    struct chunk *c = a->head;
    if (!c) return;
    for (struct chunk *o = c->next, *n; o; o = n) { n = o->next; bind_pages_free(o, sizeof *o + o->size); }
    c->next = NULL;
    memset(c->data, 0, c->used);   /* allocations promise zeroed memory */
    c->used = 0;
    a->total = c->size;
}

bind_arena_mark bind_arena_mark_now(const bind_arena *a)
{
    bind_arena_mark m = { a->head, a->head ? a->head->used : 0 };
    return m;
}

void bind_arena_release(bind_arena *a, bind_arena_mark m)
{
    /* Chunks newer than the mark's go; the oldest stays for reuse when the
     * mark was taken before there was any. */
    struct chunk *c = a->head;
    while (c && c != m.chunk && c->next) {
        struct chunk *n = c->next;
        a->total -= c->size;
        bind_pages_free(c, sizeof *c + c->size);
        c = n;
    }
    if (!c) return;
    size_t keep = c == m.chunk ? m.used : 0;
    memset(c->data + keep, 0, c->used - keep);     /* allocations promise zeroed memory */
    c->used = keep;
    a->head = c;
}

void bind_arena_adopt(bind_arena *dst, bind_arena *src)
{
    struct chunk *last = src->head;
    if (last) {
        while (last->next) last = last->next;
        /* Behind dst's newest chunk, which goes on filling. */
        if (dst->head) { last->next = dst->head->next; dst->head->next = src->head; }
        else dst->head = src->head;
        dst->total += src->total;
    }
    free(src);
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
    /* Most texts are short: format once on the stack, and a second time
     * only when one is longer. */
    char small[256];
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(small, sizeof small, fmt, cp);
    va_end(cp);
    if (n < 0) n = 0;
    char *p = bind_arena_alloc(a, (size_t)n + 1);
    if ((size_t)n < sizeof small) memcpy(p, small, (size_t)n + 1);
    else vsnprintf(p, (size_t)n + 1, fmt, ap);
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

/* Open addressing with linear probing over one array of (string, length,
 * hash) slots: a probe reads one slot, compares bytes only when the hashes
 * agree, and growing never hashes a string again.  The slots are malloc'ed
 * so that rehashing does not strand arena memory. */
typedef struct islot { const char *s; uint32_t len, hash; } islot;
struct bind_interner { bind_arena *arena; islot *slots; size_t cap, count; };

bind_interner *bind_interner_new(bind_arena *a)
{
    bind_interner *in = bind_arena_alloc(a, sizeof *in);
    in->arena = a;
    in->cap = 1024;
    in->slots = bind_pages_alloc(in->cap * sizeof *in->slots);
    return in;
}

void bind_interner_free(bind_interner *in)
{
    if (!in) return;
    bind_pages_free(in->slots, in->cap * sizeof *in->slots);
    in->slots = NULL;
}

static void interner_resize(bind_interner *in, size_t ncap)
{
    islot *ns = bind_pages_alloc(ncap * sizeof *ns);
    for (size_t i = 0; i < in->cap; i++) {
        if (!in->slots[i].s) continue;
        size_t j = bind_hash_slot(in->slots[i].hash, ncap - 1);
        while (ns[j].s) j = (j + 1) & (ncap - 1);
        ns[j] = in->slots[i];
    }
    bind_pages_free(in->slots, in->cap * sizeof *in->slots);
    in->slots = ns;
    in->cap = ncap;
}

/* At most three quarters full: each slot holds its string's hash, so a
 * probe past a neighbour costs a compare of two integers, and a smaller
 * table is fewer cache misses (interning a fleet's names waits mostly on
 * the slot loads) and less fresh memory. */
static bool interner_full(size_t count, size_t cap) { return count * 4 >= cap * 3; }

void bind_interner_reserve(bind_interner *in, size_t n)
{
    /* Straight to the size asked for: doubling there step by step would
     * make and fill every table in between. */
    size_t cap = in->cap;
    while (interner_full(in->count + n, cap)) cap *= 2;
    if (cap != in->cap) interner_resize(in, cap);
}

/* The slot of s: its own, or the empty one where it would go. */
static size_t interner_find(const bind_interner *in, const char *s, size_t n, uint32_t hash)
{
    size_t j = bind_hash_slot(hash, in->cap - 1);
    for (const islot *e; (e = &in->slots[j])->s; j = (j + 1) & (in->cap - 1))
        if (e->hash == hash && e->len == n && memcmp(e->s, s, n) == 0) break;
    return j;
}

/* s interned under its hash: a new s is copied into the interner's arena,
 * or, `keep`, kept where it is. */
static const char *intern_hashed(bind_interner *in, const char *s, size_t n, uint32_t hash, bool keep)
{
    if (interner_full(in->count + 1, in->cap)) interner_resize(in, in->cap * 2);
    size_t j = interner_find(in, s, n, hash);
    if (in->slots[j].s) return in->slots[j].s;
    islot e = { keep ? s : bind_arena_strndup(in->arena, s, n), (uint32_t)n, hash };
    in->slots[j] = e;
    in->count++;
    return e.s;
}

const char *bind_intern(bind_interner *in, const char *s, size_t n) { return intern_hashed(in, s, n, bind_intern_hash(s, n), false); }

const char *bind_intern_cstr(bind_interner *in, const char *s) { return bind_intern(in, s, strlen(s)); }

uint32_t bind_intern_hash(const char *s, size_t n) { return (uint32_t)bind_hash_bytes(s, n, BIND_HASH_SEED); }

/* How far ahead of the one placed a slot is asked of the memory. */
#define INTERN_AHEAD 8

void bind_intern_all(bind_interner *in, const bind_intern_item *items, size_t n)
{
    /* While one string is placed, the slot of the one INTERN_AHEAD further
     * on is already on its way from memory: in a table of megabytes nearly
     * every new name's slot is a cache miss.  A new name's bytes are never
     * read. */
    for (size_t i = 0; i < n; i++) {
        if (i + INTERN_AHEAD < n) bind_prefetch(&in->slots[bind_hash_slot(items[i + INTERN_AHEAD].hash, in->cap - 1)]);
        const bind_intern_item *it = &items[i];
        *it->where = intern_hashed(in, *it->where, it->len, it->hash, true);
    }
}

const char *bind_interner_copy(bind_interner *in, const char *s, size_t n) { return bind_arena_strndup(in->arena, s, n); }

const char *bind_intern_lookup(const bind_interner *in, const char *s, size_t n)
{
    return in->slots[interner_find(in, s, n, bind_intern_hash(s, n))].s;
}
