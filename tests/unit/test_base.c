/* The base modules: arena, interner, hash table, sort, suggestions, line tables. */
#include "harness.h"
#include "base/sort.h"
#include "base/suggest.h"
#include "base/table.h"

static void test_base_arena_zeroed_aligned_and_large(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    for (int i = 1; i < 2000; i++) {
        unsigned char *p = bind_arena_alloc(a, (size_t)i);
        assert_int_equal((uintptr_t)p % 16, 0);
        for (int j = 0; j < i; j++) assert_int_equal(p[j], 0);
        p[i - 1] = 0xAB;
    }
    char *big = bind_arena_alloc(a, 10u << 20);     /* bigger than any chunk so far */
    big[(10u << 20) - 1] = 1;
    assert_string_equal(bind_arena_printf(a, "%s-%d", "x", 42), "x-42");
    assert_string_equal(bind_arena_strndup(a, "abcdef", 3), "abc");
    bind_arena_free(a);
}

static void test_base_intern_same_pointer(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    bind_interner *in = bind_interner_new(a);
    char buf[32];
    const char *first[5000];
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "host%d.example", i);
        first[i] = bind_intern_cstr(in, buf);
    }
    for (int i = 0; i < 5000; i++) {                 /* survives every rehash */
        snprintf(buf, sizeof buf, "host%d.example", i);
        assert_ptr_equal(bind_intern_cstr(in, buf), first[i]);
    }
    assert_ptr_not_equal(bind_intern(in, "ab", 2), bind_intern(in, "abc", 3));
    assert_ptr_equal(bind_intern(in, "a\0b", 3), bind_intern(in, "a\0b", 3));
    bind_interner_free(in);
    bind_arena_free(a);
}

/* Names moved from one interner to another at once: those the target had
 * become its pointers, the others stay where they are and are found after,
 * through growth of the target's table too; a name twice in the batch is
 * one pointer. */
static void test_base_intern_all(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    bind_interner *from = bind_interner_new(a), *to = bind_interner_new(a);
    char buf[32];
    enum { N = 6000 };
    const char *had[N], *names[N + 1];
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "site%d.example", i);
        had[i] = i % 3 == 0 ? bind_intern_cstr(to, buf) : NULL;      /* a third already there */
        names[i] = bind_intern_cstr(from, buf);
    }
    names[N] = names[1];                                           /* again, new to `to` */
    const char *before[N];
    memcpy(before, names, sizeof before);
    static bind_intern_item items[N + 1];
    for (int i = 0; i <= N; i++) {
        uint32_t len = (uint32_t)strlen(names[i]);
        items[i] = (bind_intern_item){ &names[i], bind_intern_hash(names[i], len), len };
    }
    bind_intern_all(to, items, N + 1);
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "site%d.example", i);
        if (had[i]) assert_ptr_equal(names[i], had[i]);
        else assert_ptr_equal(names[i], before[i]);                 /* kept, not copied */
        assert_ptr_equal(bind_intern_cstr(to, buf), names[i]);
    }
    assert_ptr_equal(names[N], names[1]);
    bind_interner_free(from);
    bind_interner_free(to);
    bind_arena_free(a);
}

static bool int_eq(const void *x, const void *y) { return *(const int *)x == *(const int *)y; }

static void test_base_table(void **state)
{
    (void)state;
    bind_table t;
    bind_table_init(&t, int_eq);
    static int keys[20000];
    for (int i = 0; i < 20000; i++) {
        keys[i] = i * 7;
        uint64_t h = bind_hash_bytes(&keys[i], sizeof keys[i], BIND_HASH_SEED);
        assert_ptr_equal(bind_table_put(&t, h, &keys[i], &keys[i]), &keys[i]);
    }
    for (int i = 0; i < 20000; i++) {
        int k = i * 7, miss = i * 7 + 1;
        assert_ptr_equal(bind_table_get(&t, bind_hash_bytes(&k, sizeof k, BIND_HASH_SEED), &k), &keys[i]);
        assert_null(bind_table_get(&t, bind_hash_bytes(&miss, sizeof miss, BIND_HASH_SEED), &miss));
    }
    int dup = 7;   /* put keeps the first value */
    assert_ptr_equal(bind_table_put(&t, bind_hash_bytes(&dup, sizeof dup, BIND_HASH_SEED), &dup, &dup), &keys[1]);
    assert_int_equal(t.len, 20000);
    bind_table_fini(&t);
}

/* The radix sort against a plain comparison: ascending keys, and equal
 * keys in their first order (the value records it).  Keys are drawn from a
 * few values in some bytes and many in others, so passes are both taken
 * and skipped; sizes go both sides of the insertion-sort cut-off. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_base_sort_stable_by_key(void **state)
{
    (void)state;
    static const size_t sizes[] = { 0, 1, 2, 31, 32, 33, 1000, 70000 };
    static const uint64_t masks[] = { 0, 0x3, 0xff00, 0xffff000000000000ull, ~0ull, 0x0f0000ff00000001ull };
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        for (size_t mi = 0; mi < sizeof masks / sizeof masks[0]; mi++) {
            size_t n = sizes[si];
            bind_sort_entry *e = malloc((n ? n : 1) * sizeof *e);
            for (size_t i = 0; i < n; i++) { e[i].key = next_random(&seed) & masks[mi]; e[i].value = i; }
            bind_sort_entries(e, n);
            for (size_t i = 1; i < n; i++) {
                assert_true(e[i - 1].key <= e[i].key);
                if (e[i - 1].key == e[i].key) assert_true(e[i - 1].value < e[i].value);
            }
            /* Nothing lost or repeated: the values are a permutation. */
            bool *seen = calloc(n ? n : 1, 1);
            for (size_t i = 0; i < n; i++) { assert_true(e[i].value < n); assert_false(seen[e[i].value]); seen[e[i].value] = true; }
            free(seen);
            free(e);
        }
    }
}

typedef struct rec { uint32_t major, minor, order; } rec;
static uint64_t rec_minor(const void *x, const void *ctx) { (void)ctx; return ((const rec *)x)->minor; }
static uint64_t rec_major(const void *x, const void *ctx) { (void)ctx; return ((const rec *)x)->major; }

static void test_base_sort_by_two_keys(void **state)
{
    (void)state;
    enum { N = 5000 };
    rec *r = malloc(N * sizeof *r);
    uint64_t seed = 42;
    for (uint32_t i = 0; i < N; i++) {
        r[i].major = (uint32_t)(next_random(&seed) % 7);
        r[i].minor = (uint32_t)(next_random(&seed) % 5);
        r[i].order = i;
    }
    /* Least significant key first: (major, minor, order) in the end. */
    bind_sort_by_key(r, N, sizeof *r, rec_minor, NULL);
    bind_sort_by_key(r, N, sizeof *r, rec_major, NULL);
    for (uint32_t i = 1; i < N; i++) {
        const rec *a = &r[i - 1], *b = &r[i];
        assert_true(a->major < b->major || (a->major == b->major && (a->minor < b->minor ||
                                                                     (a->minor == b->minor && a->order < b->order))));
    }
    free(r);
}

static void test_base_suggest(void **state)
{
    (void)state;
    const char *const protos[] = { "http", "https", "ftp", "net.tcp" };
    assert_string_equal(bind_suggest("htps", protos, 4), "https");
    assert_string_equal(bind_suggest("HTTP", protos, 4), "http");
    assert_string_equal(bind_suggest("htpt", protos, 4), "http");      /* transposition */
    assert_null(bind_suggest("gopher", protos, 4));
    assert_null(bind_suggest("x", protos, 4));
    const char *const fields[] = { "thumbprint", "store", "names" };
    assert_string_equal(bind_suggest("thumbprnt", fields, 3), "thumbprint");
}

static void test_base_source_positions(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    bind_sources s;
    bind_sources_init(&s, a);
    const char text[] = "ab\r\n\xc3\xa9\xf0\x9f\x98\x80x\nlast";
    bind_source *src = bind_sources_add(&s, "t.bind", NULL, text, sizeof text - 1, false);
    uint32_t line, col;
    bind_source_linecol(src, 0, &line, &col);
    assert_int_equal(line, 1); assert_int_equal(col, 1);
    bind_source_linecol(src, 10, &line, &col);      /* the x after é and 😀 */
    assert_int_equal(line, 2); assert_int_equal(col, 7);
    assert_int_equal(bind_source_utf16_col(src, 10), 3);  /* é is 1 unit, 😀 is 2 */
    assert_int_equal(bind_source_offset_from_utf16(src, 1, 3), 10);
    assert_int_equal(bind_source_line_length(src, 1), 2);  /* CR not counted */
    assert_int_equal(bind_source_line_count(src), 3);
    bind_source_linecol(src, 1000, &line, &col);     /* past the end clamps */
    assert_int_equal(line, 3);
    bind_sources_fini(&s);
    bind_arena_free(a);
}

/* The long-line finder jumps window by window; line by line is the
 * definition.  Small limits over random texts of short and long lines, CR,
 * CRLF and a missing last newline. */
static bool long_line_by_lines(const char *text, size_t n, size_t max, uint32_t *start, uint32_t *len)
{
    for (size_t p = 0; p < n;) {
        size_t e = p;
        while (e < n && text[e] != '\n') e++;
        size_t l = e - p;
        if (l > 0 && e < n && text[e - 1] == '\r') l--;
        if (l > max) { *start = (uint32_t)p; *len = (uint32_t)l; return true; }
        p = e + 1;
    }
    return false;
}

static void test_base_source_long_line(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    bind_sources s;
    bind_sources_init(&s, a);
    unsigned seed = 7;
    size_t found = 0;
    for (int round = 0; round < 4000; round++) {
        char text[400];
        size_t n = 0, want = 1 + (size_t)(round % 380);
        size_t max = 1 + (size_t)(round % 23);
        while (n < want) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 100;
            text[n++] = r < 8 ? '\n' : r < 11 ? '\r' : 'a';
        }
        bind_source *src = bind_sources_add(&s, "t.bind", NULL, text, n, false);
        uint32_t s1 = 0, l1 = 0, s2 = 0, l2 = 0;
        bool got = bind_source_long_line(src, max, &s1, &l1);
        bool ref = long_line_by_lines(text, n, max, &s2, &l2);
        assert_int_equal(got, ref);
        if (ref) { assert_int_equal(s1, s2); assert_int_equal(l1, l2); found++; }
    }
    assert_true(found > 1000 && found < 3900);      /* both answers were tried often */
    bind_sources_fini(&s);
    bind_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_arena_zeroed_aligned_and_large),
        cmocka_unit_test(test_base_intern_same_pointer),
        cmocka_unit_test(test_base_intern_all),
        cmocka_unit_test(test_base_table),
        cmocka_unit_test(test_base_sort_stable_by_key),
        cmocka_unit_test(test_base_sort_by_two_keys),
        cmocka_unit_test(test_base_suggest),
        cmocka_unit_test(test_base_source_positions),
        cmocka_unit_test(test_base_source_long_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
