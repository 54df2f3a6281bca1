/* A unified diff, byte for byte what `diff -u` prints (unified_diff.h).
 *
 * The lines of both texts are numbered by content (a hash table: equal
 * bytes, equal number), so the edit script compares integers.  The common
 * head and tail are set aside, and so is every line of the middle found in
 * the middle of one text only: it can be in no common subsequence.  What
 * is left goes to Myers' algorithm in linear space: the middle snake of
 * the forward and the backward search splits each part in two, until a
 * part is all insertions or all deletions.  A part whose search passes
 * `limit` differences is split at the furthest point either search reached
 * instead: a longer script than the shortest, never a wrong one, and the
 * cost stays near (N+M) * limit. */
#include "unified_diff.h"
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct line { const char *p; size_t len; uint64_t hash; } line;

static size_t split_lines(const char *s, size_t n, line **out)
{
    size_t count = 0;
    for (const char *p = s, *end = s + n; p < end; count++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    line *ls = bind_xmalloc((count ? count : 1) * sizeof *ls);
    size_t i = 0;
    for (const char *p = s, *end = s + n; p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *next = nl ? nl + 1 : end;
        ls[i].p = p;
        ls[i].len = (size_t)(next - p);
        uint64_t h = 1469598103934665603u;              /* FNV-1a */
        for (const char *q = p; q < next; q++) h = (h ^ (unsigned char)*q) * 1099511628211u;
        ls[i].hash = h;
        p = next;
    }
    *out = ls;
    return count;
}

/* Numbers every line by its bytes: ids[i] for a's lines, then b's. */
static int32_t *number_lines(const line *la, size_t na, const line *lb, size_t nb, size_t *nclasses)
{
    size_t total = na + nb, cap = 16;
    while (cap < total * 2) cap *= 2;
    int32_t *table = bind_xmalloc(cap * sizeof *table);       /* class + 1, 0 empty */
    memset(table, 0, cap * sizeof *table);
    const line **rep = bind_xmalloc((total ? total : 1) * sizeof *rep);
    int32_t *ids = bind_xmalloc((total ? total : 1) * sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < total; i++) {
        const line *l = i < na ? &la[i] : &lb[i - na];
        size_t at = (size_t)l->hash & (cap - 1);
        for (;;) {
            int32_t c = table[at];
            if (c == 0) { table[at] = (int32_t)n + 1; rep[n] = l; ids[i] = (int32_t)n++; break; }
            const line *r = rep[c - 1];
            if (r->hash == l->hash && r->len == l->len && memcmp(r->p, l->p, l->len) == 0) { ids[i] = c - 1; break; }
            at = (at + 1) & (cap - 1);
        }
    }
    free(table);
    free(rep);
    *nclasses = n;
    return ids;
}

/* ---- The edit script ------------------------------------------------------ */

typedef struct script {
    const int32_t *a, *b;         /* the lines compared (numbers) */
    uint8_t *ca, *cb;             /* changed: deleted from a, inserted in b */
    int32_t *v1, *v2;             /* furthest x per diagonal, forward and backward */
    int32_t off;                  /* diagonal 0's index in v1, v2 */
    int32_t limit;                /* the cost a search may reach */
} script;

/* The middle snake of A (n lines) against B (m), neither empty and with
 * no common head or tail: true and the point where the part splits in
 * two, or false for "replace it all". */
static bool bisect(script *s, const int32_t *A, int32_t n, const int32_t *B, int32_t m, int32_t *sx, int32_t *sy)
{
    int32_t max_d = (int32_t)(((int64_t)n + m + 1) / 2);
    int32_t dlim = max_d < s->limit ? max_d : s->limit;
    int32_t w = dlim + 2, off = s->off;
    int32_t *v1 = s->v1, *v2 = s->v2;
    for (int32_t i = off - w; i <= off + w; i++) v1[i] = v2[i] = -1;
    v1[off + 1] = 0;
    v2[off + 1] = 0;
    int32_t delta = n - m;
    bool front = (delta & 1) != 0;          /* the forward search meets the backward one */
    int32_t k1start = 0, k1end = 0, k2start = 0, k2end = 0;
    for (int32_t d = 0; d < dlim; d++) {
        for (int32_t k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
            int32_t i = off + k1;
            int32_t x1 = k1 == -d || (k1 != d && v1[i - 1] < v1[i + 1]) ? v1[i + 1] : v1[i - 1] + 1;
            int32_t y1 = x1 - k1;
            while (x1 < n && y1 < m && A[x1] == B[y1]) { x1++; y1++; }
            v1[i] = x1;
            if (x1 > n) k1end += 2;              /* off the right of the graph */
            else if (y1 > m) k1start += 2;       /* off its bottom */
            else if (front) {
                int32_t k2 = delta - k1;
                if (k2 >= -w && k2 <= w && v2[off + k2] != -1 && x1 >= n - v2[off + k2]) {
                    *sx = x1;
                    *sy = y1;
                    return true;
                }
            }
        }
        for (int32_t k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
            int32_t i = off + k2;
            int32_t x2 = k2 == -d || (k2 != d && v2[i - 1] < v2[i + 1]) ? v2[i + 1] : v2[i - 1] + 1;
            int32_t y2 = x2 - k2;
            while (x2 < n && y2 < m && A[n - x2 - 1] == B[m - y2 - 1]) { x2++; y2++; }
            v2[i] = x2;
            if (x2 > n) k2end += 2;
            else if (y2 > m) k2start += 2;
            else if (!front) {
                int32_t k1 = delta - k2;
                if (k1 >= -w && k1 <= w && v1[off + k1] != -1 && v1[off + k1] >= n - x2) {
                    *sx = v1[off + k1];
                    *sy = v1[off + k1] - k1;
                    return true;
                }
            }
        }
    }
    /* Too costly (or no overlap, which cannot be): split where either
     * search got furthest, a point on some path from its corner. */
    int64_t best = 0;
    bool found = false;
    for (int32_t k = -w + 1; k < w; k++) {
        int32_t x = v1[off + k], y = x - k;
        if (x >= 0 && x <= n && y >= 0 && y <= m && (int64_t)x + y > best && !(x == n && y == m)) {
            best = (int64_t)x + y; *sx = x; *sy = y; found = true;
        }
        x = v2[off + k];
        y = x - k;
        if (x >= 0 && x <= n && y >= 0 && y <= m && (int64_t)x + y > best && !(x == n && y == m)) {
            best = (int64_t)x + y; *sx = n - x; *sy = m - y; found = true;
        }
    }
    return found;
}

static void compare(script *s, int32_t ax, int32_t an, int32_t bx, int32_t bn)
{
    const int32_t *a = s->a, *b = s->b;
    while (an > 0 && bn > 0 && a[ax] == b[bx]) { ax++; bx++; an--; bn--; }
    while (an > 0 && bn > 0 && a[ax + an - 1] == b[bx + bn - 1]) { an--; bn--; }
    int32_t sx, sy;
    if (an > 0 && bn > 0 && bisect(s, a + ax, an, b + bx, bn, &sx, &sy)
        && !(sx == 0 && sy == 0) && !(sx == an && sy == bn)) {
        compare(s, ax, sx, bx, sy);
        compare(s, ax + sx, an - sx, bx + sy, bn - sy);
        return;
    }
    if (an > 0) memset(s->ca + ax, 1, (size_t)an);
    if (bn > 0) memset(s->cb + bx, 1, (size_t)bn);
}

/* Marks the changed lines of a (ca) and b (cb). */
static void edit_script(const int32_t *ia, size_t na, const int32_t *ib, size_t nb, size_t nclasses,
                        uint8_t *ca, uint8_t *cb)
{
    size_t head = 0, tail = 0;
    while (head < na && head < nb && ia[head] == ib[head]) head++;
    while (tail < na - head && tail < nb - head && ia[na - 1 - tail] == ib[nb - 1 - tail]) tail++;
    size_t ma = na - head - tail, mb = nb - head - tail;
    if (ma == 0 || mb == 0) {
        memset(ca + head, 1, ma);
        memset(cb + head, 1, mb);
        return;
    }
    /* A line of one middle that the other middle lacks is changed. */
    uint8_t *in_a = bind_xmalloc(nclasses), *in_b = bind_xmalloc(nclasses);
    memset(in_a, 0, nclasses);
    memset(in_b, 0, nclasses);
    for (size_t i = head; i < head + ma; i++) in_a[ia[i]] = 1;
    for (size_t j = head; j < head + mb; j++) in_b[ib[j]] = 1;
    int32_t *xa = bind_xmalloc(ma * sizeof *xa), *xb = bind_xmalloc(mb * sizeof *xb);
    size_t *mapa = bind_xmalloc(ma * sizeof *mapa), *mapb = bind_xmalloc(mb * sizeof *mapb);
    size_t n = 0, m = 0;
    for (size_t i = head; i < head + ma; i++) {
        if (in_b[ia[i]]) { mapa[n] = i; xa[n++] = ia[i]; }
        else ca[i] = 1;
    }
    for (size_t j = head; j < head + mb; j++) {
        if (in_a[ib[j]]) { mapb[m] = j; xb[m++] = ib[j]; }
        else cb[j] = 1;
    }
    free(in_a);
    free(in_b);
    if (n > 0 || m > 0) {
        script s = { .a = xa, .b = xb };
        s.ca = bind_xmalloc(n + 1);
        s.cb = bind_xmalloc(m + 1);
        memset(s.ca, 0, n + 1);
        memset(s.cb, 0, m + 1);
        /* The bound: past it a part is split where a search got furthest.
         * A search of cost d looks at about d * d diagonals, and a text of
         * n + m lines is searched in about (n + m) / d parts: (n + m) * d
         * steps, held near 4e7 (a tenth of a second), but never below 256
         * and never binding on texts of a few thousand lines. */
        int64_t budget = (int64_t)4e7 / ((int64_t)n + (int64_t)m);
        int32_t limit = budget < 256 ? 256 : budget > (1 << 20) ? (1 << 20) : (int32_t)budget;
        int64_t half = ((int64_t)n + (int64_t)m + 1) / 2;
        int32_t span = (int32_t)(half < limit ? half : limit) + 3;
        s.limit = limit;
        s.off = span;
        s.v1 = bind_xmalloc((size_t)(2 * span + 1) * sizeof *s.v1);
        s.v2 = bind_xmalloc((size_t)(2 * span + 1) * sizeof *s.v2);
        compare(&s, 0, (int32_t)n, 0, (int32_t)m);
        for (size_t i = 0; i < n; i++) if (s.ca[i]) ca[mapa[i]] = 1;
        for (size_t j = 0; j < m; j++) if (s.cb[j]) cb[mapb[j]] = 1;
        free(s.ca);
        free(s.cb);
        free(s.v1);
        free(s.v2);
    }
    free(xa);
    free(xb);
    free(mapa);
    free(mapb);
}

/* ---- Where a change group sits ------------------------------------------------ */

/* A group of changed lines can often move: "a\nb\n" inserted after
 * "x\na\nb\n" may be the first "a\nb" or the second.  diff slides each
 * group as far down as it goes (merging it with groups it meets), then
 * back up to the last place where it faced a group of the other text, so
 * that a replacement stays one hunk of - and + lines.  The same here, for
 * the lines of x (ids ix, changed cx) against those of y (cy): the text
 * inside a hunk is then the one diff prints. */
static void shift_groups(const int32_t *ix, uint8_t *cx, size_t nx, const uint8_t *cy, size_t ny)
{
    /* faced[k]: y has changed lines right before its k-th unchanged line
     * (k = kept lines of y, or its end): where a group of x sits that has
     * k unchanged lines before it. */
    size_t kept = 0;
    for (size_t j = 0; j < ny; j++) kept += !cy[j];
    uint8_t *faced = bind_xmalloc(kept + 1);
    size_t k = 0;
    bool run = false;
    for (size_t j = 0; j < ny; j++) {
        if (cy[j]) run = true;
        else { faced[k++] = run; run = false; }
    }
    faced[k] = run;

    size_t i = 0;
    k = 0;                                  /* unchanged lines of x before i */
    while (i < nx) {
        if (!cx[i]) { i++; k++; continue; }
        size_t start = i, end = i;
        while (end < nx && cx[end]) end++;
        size_t length, faces;
        do {
            length = end - start;
            /* Up, as far as it goes, taking in the groups it meets. */
            while (start > 0 && ix[start - 1] == ix[end - 1]) {
                cx[--start] = 1;
                cx[--end] = 0;
                k--;
                while (start > 0 && cx[start - 1]) start--;
            }
            /* Then down, remembering where it last faced a group of y. */
            faces = k <= kept && faced[k] ? end : SIZE_MAX;
            while (end < nx && ix[end] == ix[start]) {
                cx[start++] = 0;
                cx[end++] = 1;
                k++;
                while (end < nx && cx[end]) end++;
                if (k <= kept && faced[k]) faces = end;
            }
        } while (length != end - start);
        /* Back up to the last group of y it faced (the steps undone are
         * the last ones down, all of one line: no group was taken in). */
        while (faces != SIZE_MAX && faces < end) {
            cx[--start] = 1;
            cx[--end] = 0;
            k--;
        }
        i = end;
    }
    free(faced);
}

/* ---- Printing ------------------------------------------------------------- */

/* A line with its mark; one without a newline (the last of its text) gets
 * diff's note after it. */
static void put_line(bind_buf *out, char mark, const line *l)
{
    bind_buf_putc(out, mark);
    bind_buf_put(out, l->p, l->len);
    if (l->len == 0 || l->p[l->len - 1] != '\n') bind_buf_puts(out, "\n\\ No newline at end of file\n");
}

/* diff's range: "START,COUNT", "START" for one line, "BEFORE,0" for none. */
static void put_range(bind_buf *out, size_t start, size_t count)
{
    if (count == 0) bind_buf_printf(out, "%zu,0", start);
    else if (count == 1) bind_buf_printf(out, "%zu", start + 1);
    else bind_buf_printf(out, "%zu,%zu", start + 1, count);
}

bool bind_unified_diff(bind_buf *out, const char *a, size_t na, const char *b, size_t nb,
                       const char *label_a, const char *label_b, unsigned context)
{
    if (na == nb && (na == 0 || memcmp(a, b, na) == 0)) return false;
    line *la, *lb;
    size_t nla = split_lines(a, na, &la), nlb = split_lines(b, nb, &lb), nclasses;
    int32_t *ids = number_lines(la, nla, lb, nlb, &nclasses);
    uint8_t *ca = bind_xmalloc(nla + 1), *cb = bind_xmalloc(nlb + 1);
    memset(ca, 0, nla + 1);
    memset(cb, 0, nlb + 1);
    edit_script(ids, nla, ids + nla, nlb, nclasses, ca, cb);
    shift_groups(ids, ca, nla, cb, nlb);
    shift_groups(ids + nla, cb, nlb, ca, nla);
    free(ids);

    bind_buf_printf(out, "--- %s\n+++ %s\n", label_a, label_b);
    /* Walk both texts together; a hunk runs from `context` lines before a
     * change to `context` lines after the last change that is no more than
     * 2 * context unchanged lines from the one before it. */
    size_t i = 0, j = 0;
    while (i < nla || j < nlb) {
        while (i < nla && j < nlb && !ca[i] && !cb[j]) { i++; j++; }
        if (i >= nla && j >= nlb) break;
        /* A change starts at (i, j): find where the hunk ends. */
        size_t hi = i, hj = j;                  /* end of the last change taken */
        size_t ei = i, ej = j;
        for (;;) {
            while (ei < nla && ca[ei]) ei++;
            while (ej < nlb && cb[ej]) ej++;
            hi = ei;
            hj = ej;
            size_t gap = 0;                     /* unchanged lines after it */
            while (ei < nla && ej < nlb && !ca[ei] && !cb[ej]) { ei++; ej++; gap++; }
            if ((ei >= nla && ej >= nlb) || gap > 2 * (size_t)context) break;
        }
        size_t before = i < context ? i : context;          /* i - start == j - start */
        if (before > j) before = j;
        size_t si = i - before, sj = j - before;
        size_t after_a = nla - hi < context ? nla - hi : context, after_b = nlb - hj < context ? nlb - hj : context;
        size_t after = after_a < after_b ? after_a : after_b;
        size_t endi = hi + after, endj = hj + after;
        bind_buf_puts(out, "@@ -");
        put_range(out, si, endi - si);
        bind_buf_puts(out, " +");
        put_range(out, sj, endj - sj);
        bind_buf_puts(out, " @@\n");
        size_t x = si, y = sj;
        while (x < endi || y < endj) {
            if (x < endi && y < endj && !ca[x] && !cb[y]) { put_line(out, ' ', &la[x]); x++; y++; continue; }
            size_t x0 = x, y0 = y;
            while (x < endi && ca[x]) put_line(out, '-', &la[x++]);
            while (y < endj && cb[y]) put_line(out, '+', &lb[y++]);
            if (x == x0 && y == y0) break;      /* cannot be: the two sides agree on what is unchanged */
        }
        i = endi;
        j = endj;
    }
    free(ca);
    free(cb);
    free(la);
    free(lb);
    return true;
}
