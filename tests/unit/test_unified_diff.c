/* base/unified_diff: fixed cases, then random texts against the system's
 * `diff -u` (GNU diffutils, where installed): byte for byte where the
 * shortest edit script is unique (lines all distinct, edits without moves),
 * and elsewhere — small alphabets, many equal lines — the diff must turn
 * one text into the other under `patch` and be as short as
 * `diff --minimal`'s.  Then 100,000-line texts, which must stay fast.
 * The random part prints its seed; BINDC_SEED=N replays it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/unified_diff.h"

static char *diff_of(const char *a, const char *b, unsigned context)
{
    bind_buf out;
    bind_buf_init(&out);
    bind_unified_diff(&out, a, strlen(a), b, strlen(b), "A", "A (merged)", context);
    bind_buf_putc(&out, '\0');
    char *s = strdup(out.data);
    bind_buf_free(&out);
    return s;
}

static void expect(const char *a, const char *b, const char *want)
{
    char *got = diff_of(a, b, 3);
    assert_string_equal(got, want);
    free(got);
}

static void test_diff_fixed(void **state)
{
    (void)state;
    expect("same\n", "same\n", "");
    expect("", "", "");
    expect("", "a\nb\n", "--- A\n+++ A (merged)\n@@ -0,0 +1,2 @@\n+a\n+b\n");
    expect("a\n", "", "--- A\n+++ A (merged)\n@@ -1 +0,0 @@\n-a\n");
    expect("a\nb", "a\nb\n",
           "--- A\n+++ A (merged)\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
    expect("a\nb\n", "a\nc", "--- A\n+++ A (merged)\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n");
    expect("x\na", "y\na",
           "--- A\n+++ A (merged)\n@@ -1,2 +1,2 @@\n-x\n+y\n a\n\\ No newline at end of file\n");
    /* CRLF line ends are part of the lines: a changed end is a changed line. */
    expect("<a>\r\n<b>\r\n", "<a>\r\n<b>\n", "--- A\n+++ A (merged)\n@@ -1,2 +1,2 @@\n <a>\r\n-<b>\r\n+<b>\n");
    /* Two changes 6 unchanged lines apart are one hunk; 7 apart, two. */
    expect("1\nx\n2\n3\n4\n5\n6\n7\ny\n9\n", "1\nX\n2\n3\n4\n5\n6\n7\nY\n9\n",
           "--- A\n+++ A (merged)\n@@ -1,10 +1,10 @@\n 1\n-x\n+X\n 2\n 3\n 4\n 5\n 6\n 7\n-y\n+Y\n 9\n");
    expect("1\nx\n2\n3\n4\n5\n6\n7\n8\ny\n9\n", "1\nX\n2\n3\n4\n5\n6\n7\n8\nY\n9\n",
           "--- A\n+++ A (merged)\n@@ -1,5 +1,5 @@\n 1\n-x\n+X\n 2\n 3\n 4\n"
           "@@ -7,5 +7,5 @@\n 6\n 7\n 8\n-y\n+Y\n 9\n");
    /* Context 0. */
    char *got = diff_of("a\nb\nc\n", "a\nB\nc\n", 0);
    assert_string_equal(got, "--- A\n+++ A (merged)\n@@ -2 +2 @@\n-b\n+B\n");
    free(got);
}

/* ---- Against the system's diff --------------------------------------------- */

static uint64_t rng;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static char dir[64];

static void put_file(const char *name, const char *s, size_t n)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, n, f), n);
    fclose(f);
}

static char *get_file(const char *name, size_t *n)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) { *n = 0; return strdup(""); }
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    size_t r;
    while ((r = fread(s + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) s = realloc(s, cap *= 2);
    }
    fclose(f);
    s[len] = '\0';
    *n = len;
    return s;
}

static bool have_tools(void)
{
    return system("diff --version > /dev/null 2>&1 && patch --version > /dev/null 2>&1") == 0;
}

static void buf_text(bind_buf *b) { bind_buf_putc(b, '\0'); b->len--; }

/* One random line: from a few words (many equal lines) or all distinct. */
static void random_line(bind_buf *t, bool distinct, uint32_t *serial, bool crlf)
{
    static const char *const words[] = { "<site>", "</site>", "  <binding />", "x", "", "<bindings>" };
    if (distinct) bind_buf_printf(t, "line %u", (*serial)++);
    else bind_buf_puts(t, words[rnd(6)]);
    bind_buf_puts(t, crlf && rnd(4) ? "\r\n" : "\n");
}

/* a, then b made from a by random deletions, insertions and replacements. */
static void random_pair(bind_buf *a, bind_buf *b, bool distinct)
{
    uint32_t serial = 0, n = rnd(8) == 0 ? rnd(3) : 1 + rnd(distinct ? 400 : 120);
    bool crlf = rnd(3) == 0;
    uint32_t rate = 1 + rnd(8);                 /* edits per 10 lines */
    bind_buf line;
    bind_buf_init(&line);
    for (uint32_t i = 0; i < n; i++) {
        line.len = 0;
        random_line(&line, distinct, &serial, crlf);
        bind_buf_put(a, line.data, line.len);
        uint32_t r = rnd(10);
        if (r < rate) {
            uint32_t what = rnd(3);
            if (what == 0) continue;                                 /* deleted */
            if (what == 1) bind_buf_put(b, line.data, line.len);     /* inserted after */
            uint32_t k = 1 + rnd(3);
            for (uint32_t j = 0; j < k; j++) random_line(b, distinct, &serial, crlf);
        } else bind_buf_put(b, line.data, line.len);
    }
    /* A missing final newline, now and then, on either side. */
    if (rnd(4) == 0 && a->len && a->data[a->len - 1] == '\n') { a->len--; if (a->len && a->data[a->len - 1] == '\r') a->len--; }
    if (rnd(4) == 0 && b->len && b->data[b->len - 1] == '\n') { b->len--; if (b->len && b->data[b->len - 1] == '\r') b->len--; }
    if (rnd(6) == 0) bind_buf_puts(b, "tail");
    buf_text(a);
    buf_text(b);
    bind_buf_free(&line);
}

/* The number of - and + lines of a unified diff. */
static size_t changed_lines(const char *d, size_t n)
{
    size_t count = 0;
    bool start = true;
    for (size_t i = 0; i < n; i++) {
        if (start && (d[i] == '-' || d[i] == '+') && !(i + 2 < n && d[i + 1] == d[i] && d[i + 2] == d[i])) count++;
        start = d[i] == '\n';
    }
    return count;
}

static void test_diff_against_system_diff(void **state)
{
    (void)state;
    if (!have_tools()) { printf("SKIP: no diff or patch on this machine\n"); skip(); }
    const char *env = getenv("BINDC_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
    printf("unified diff seed %llu (BINDC_SEED=%llu replays it)\n", (unsigned long long)seed, (unsigned long long)seed);
    rng = seed * 2654435761u + 1;
    snprintf(dir, sizeof dir, "/tmp/bindc-diff-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char cmd[512];
    int exact = 0, patched = 0;
    for (int round = 0; round < 200; round++) {
        bool distinct = round % 2 == 0;
        bind_buf a, b, d;
        bind_buf_init(&a);
        bind_buf_init(&b);
        bind_buf_init(&d);
        random_pair(&a, &b, distinct);
        unsigned context = rnd(5) == 0 ? rnd(6) : 3;
        bind_unified_diff(&d, a.data ? a.data : "", a.len, b.data ? b.data : "", b.len, "A", "B", context);
        buf_text(&d);
        put_file("a", a.data ? a.data : "", a.len);
        put_file("b", b.data ? b.data : "", b.len);
        put_file("ours", d.data ? d.data : "", d.len);
        size_t gn, pn;
        if (distinct) {
            /* Every line distinct and no line moved: one shortest script. */
            snprintf(cmd, sizeof cmd, "cd %s && diff -U%u --label A --label B a b > theirs", dir, context);
            int rc = system(cmd);
            assert_true(rc != -1);
            char *theirs = get_file("theirs", &gn);
            if (gn != d.len || memcmp(theirs, d.data ? d.data : "", gn) != 0) {
                printf("round %d (seed %llu): differs from diff -U%u; see %s\n", round, (unsigned long long)seed, context, dir);
                fail();
            }
            free(theirs);
            exact++;
        }
        /* It turns a into b, and is as short as the shortest. */
        snprintf(cmd, sizeof cmd, "cd %s && cp a p && patch -s -p0 p < ours > /dev/null 2>&1 && cmp -s p b", dir);
        if (d.len && system(cmd) != 0) {
            printf("round %d (seed %llu): patch does not turn a into b; see %s\n", round, (unsigned long long)seed, dir);
            fail();
        }
        snprintf(cmd, sizeof cmd, "cd %s && diff --minimal -U%u a b > minimal", dir, context);
        assert_true(system(cmd) != -1);
        char *minimal = get_file("minimal", &pn);
        size_t ours = changed_lines(d.data ? d.data : "", d.len), best = changed_lines(minimal, pn);
        if (ours != best) {
            printf("round %d (seed %llu): %zu changed lines, diff --minimal has %zu; see %s\n", round,
                   (unsigned long long)seed, ours, best, dir);
            fail();
        }
        free(minimal);
        patched++;
        bind_buf_free(&a);
        bind_buf_free(&b);
        bind_buf_free(&d);
    }
    printf("%d diffs byte-identical to diff -u, %d applied by patch and as short as diff --minimal\n", exact, patched);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- Large texts -------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double time_diff(const bind_buf *a, const bind_buf *b, size_t *out_len)
{
    bind_buf d;
    bind_buf_init(&d);
    double t0 = now();
    bind_unified_diff(&d, a->data, a->len, b->data, b->len, "A", "B", 3);
    double t = now() - t0;
    *out_len = d.len;
    bind_buf_free(&d);
    return t;
}

static void test_diff_large(void **state)
{
    (void)state;
    rng = 88172645463325252u;
    enum { N = 100000 };
    bind_buf a, b;
    struct { const char *what; double t; size_t len; } runs[4];
    /* 1. An applicationhost.config-like text, 1% of its lines changed. */
    bind_buf_init(&a);
    bind_buf_init(&b);
    for (int i = 0; i < N; i++) {
        int kind = i % 5;
        char l[96];
        if (kind == 0) snprintf(l, sizeof l, "      <site name=\"s%d\" id=\"%d\">\r\n", i, i);
        else if (kind == 4) snprintf(l, sizeof l, "      </site>\r\n");
        else snprintf(l, sizeof l, "          <binding protocol=\"http\" bindingInformation=\"*:80:h%d\" />\r\n", i);
        bind_buf_puts(&a, l);
        if (rnd(100) == 0) bind_buf_puts(&b, "          <binding protocol=\"https\" />\r\n");
        else bind_buf_puts(&b, l);
    }
    runs[0].what = "100,000 lines, 1% changed";
    runs[0].t = time_diff(&a, &b, &runs[0].len);
    /* 2. Nothing in common. */
    b.len = 0;
    for (int i = 0; i < N; i++) bind_buf_printf(&b, "other %d\n", i);
    runs[1].what = "100,000 lines, nothing in common";
    runs[1].t = time_diff(&a, &b, &runs[1].len);
    /* 3. The same lines in another order. */
    bind_buf_free(&a);
    bind_buf_free(&b);
    bind_buf_init(&a);
    bind_buf_init(&b);
    for (int i = 0; i < N; i++) { bind_buf_printf(&a, "%d\n", i); bind_buf_printf(&b, "%d\n", (int)(((uint64_t)i * 7919) % N)); }
    runs[2].what = "100,000 lines, shuffled";
    runs[2].t = time_diff(&a, &b, &runs[2].len);
    /* 4. Two random texts over four lines: every line matches everywhere. */
    a.len = b.len = 0;
    for (int i = 0; i < N; i++) { bind_buf_printf(&a, "%u\n", rnd(4)); bind_buf_printf(&b, "%u\n", rnd(4)); }
    runs[3].what = "100,000 random lines of 4 kinds";
    runs[3].t = time_diff(&a, &b, &runs[3].len);
    bind_buf_free(&a);
    bind_buf_free(&b);
    for (int i = 0; i < 4; i++) {
        printf("%-34s %.3f s, %zu bytes of diff\n", runs[i].what, runs[i].t, runs[i].len);
        assert_true(runs[i].t < 5.0);     /* a fraction of a second on the CI machine */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_fixed),
        cmocka_unit_test(test_diff_against_system_diff),
        cmocka_unit_test(test_diff_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
