/* Punycode (RFC 3492) for the fix-it of non-ASCII host names.
 *
 * Only what a fix-it needs: ASCII is lower-cased, nothing else is mapped
 * (no full IDNA/UTS 46 processing), labels are split at `.` only.
 *
 * The RFC's encoder rescans the whole label once per distinct code point,
 * which is quadratic: a 1 MB word of distinct code points would hang the
 * checker.  Here each code point's occurrences are visited in sorted order
 * and "how many smaller code points lie between" comes from a Fenwick tree,
 * so a label costs O(n log n) and gives the RFC's output digit for digit. */
#include "addr.h"
#include "addr_scan.h"

#include <stdlib.h>
#include <string.h>

enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128 };

typedef BIND_VEC(char) buf;

static uint64_t adapt(uint64_t delta, uint64_t numpoints, bool first)
{
    delta = first ? delta / DAMP : delta / 2;
    delta += delta / numpoints;
    uint64_t k = 0;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
        delta /= BASE - TMIN;
        k += BASE;
    }
    return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

static char digit(uint64_t d) { return (char)(d < 26 ? 'a' + d : '0' + (d - 26)); }

/* A generalized variable-length integer (RFC 3492 §3.3). */
static void encode_delta(buf *out, uint64_t q, uint64_t bias)
{
    for (uint64_t k = BASE;; k += BASE) {
        uint64_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
        if (q < t) break;
        bind_vec_push(out, digit(t + (q - t) % (BASE - t)));
        q = (q - t) / (BASE - t);
    }
    bind_vec_push(out, digit(q));
}

/* Fenwick tree over label positions: which hold a code point already handled. */
static void fen_add(uint32_t *tree, size_t n, size_t pos)
{
    for (size_t i = pos + 1; i <= n; i += i & (0 - i)) tree[i]++;
}

static uint64_t fen_count(const uint32_t *tree, size_t pos)   /* handled positions < pos */
{
    uint64_t c = 0;
    for (size_t i = pos; i > 0; i -= i & (0 - i)) c += tree[i];
    return c;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Appends the punycode of cp[0..n) (without `xn--`). */
static void punycode(buf *out, const uint32_t *cp, size_t n)
{
    uint32_t *tree = calloc(n + 1, sizeof *tree);
    uint64_t *order = malloc((n ? n : 1) * sizeof *order);   /* code point << 32 | position */
    if (!tree || !order) bind_oom();
    size_t basic = 0, others = 0;
    for (size_t i = 0; i < n; i++) {
        if (cp[i] < INITIAL_N) {
            bind_vec_push(out, (char)cp[i]);
            fen_add(tree, n, i);
            basic++;
        } else {
            order[others++] = (uint64_t)cp[i] << 32 | i;
        }
    }
    if (basic > 0) bind_vec_push(out, '-');
    if (others > 1) qsort(order, others, sizeof *order, cmp_u64);

    uint64_t next = INITIAL_N, delta = 0, bias = INITIAL_BIAS, h = basic;
    for (size_t i = 0; i < others;) {
        uint64_t m = order[i] >> 32;
        delta += (m - next) * (h + 1);
        size_t after = 0;   /* positions before this one were counted */
        size_t j = i;
        for (; j < others && order[j] >> 32 == m; j++) {
            size_t pos = (size_t)(order[j] & 0xffffffffu);
            delta += fen_count(tree, pos) - fen_count(tree, after);
            encode_delta(out, delta, bias);
            bias = adapt(delta, h + 1, h == basic);
            delta = 0;
            h++;
            after = pos + 1;
        }
        delta += fen_count(tree, n) - fen_count(tree, after);
        for (size_t k = i; k < j; k++) fen_add(tree, n, (size_t)(order[k] & 0xffffffffu));
        delta++;
        next = m + 1;
        i = j;
    }
    free(tree);
    free(order);
}

const char *bind_host_to_ascii(bind_arena *a, const char *s, size_t n)
{
    /* Positions are kept in 32 bits next to the code point. */
    if (n > UINT32_MAX) return NULL;
    buf out = {0};
    BIND_VEC(uint32_t) label = {0};
    bind_addr_scanner sc;
    bind_addr_scanner_init(&sc, s, n);
    bool ascii = true;
    for (;;) {
        int32_t cp = bind_addr_scan_utf8(&sc);
        /* NUL is UTF-8 but cannot be part of a C string. */
        if (cp == -1 || cp == 0) {
            bind_vec_free(&out);
            bind_vec_free(&label);
            return NULL;
        }
        if (cp == -2 || cp == '.') {
            if (ascii) {
                for (size_t i = 0; i < label.len; i++) bind_vec_push(&out, (char)label.items[i]);
            } else {
                bind_vec_push(&out, 'x');
                bind_vec_push(&out, 'n');
                bind_vec_push(&out, '-');
                bind_vec_push(&out, '-');
                punycode(&out, label.items, label.len);
            }
            if (cp == -2) break;
            bind_vec_push(&out, '.');
            label.len = 0;
            ascii = true;
            continue;
        }
        if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
        ascii &= cp < 0x80;
        bind_vec_push(&label, (uint32_t)cp);
    }
    const char *r = bind_arena_strndup(a, out.items ? out.items : "", out.len);
    bind_vec_free(&out);
    bind_vec_free(&label);
    return r;
}
