/* In-file allowances: `# bindc: allow W0406` (codes separated by commas or
 * spaces) silences warnings and hints of those codes
 *   - on its own line, when the comment ends a line of code;
 *   - in the next statement, when the comment has a line of its own: that
 *     statement's line, and the whole block when the line opens one.
 * Errors cannot be allowed: the input is wrong whatever the file says.
 *
 * The source text is scanned for the comments (strings are skipped, as the
 * lexer reads them), so the allowances hold with or without syntax trees. */
#include <string.h>

#include "diag.h"

typedef struct allow_range {
    uint32_t start, end;             /* byte range of the file */
    bool codes[BIND_CODE_COUNT];
} allow_range;

typedef BIND_VEC(allow_range) allow_ranges;

static const char MARK[] = "bindc: allow";

static bool space(char c) { return c == ' ' || c == '\t'; }

/* Past the end of the line at p (its line break included). */
static size_t line_end(const char *t, size_t n, size_t p)
{
    while (p < n && t[p] != '\n') p++;
    return p < n ? p + 1 : p;
}

/* Where the code of the line [from, to) stops: at a comment, strings
 * skipped; *open is set when its last token is `{`. */
static size_t code_end(const char *t, size_t from, size_t to, bool *open)
{
    char last = 0;
    for (size_t p = from; p < to; p++) {
        char c = t[p];
        if (c == '#') { to = p; break; }
        if (c == '"' || c == '\'') {
            for (p++; p < to && t[p] != c && t[p] != '\n'; p++)
                if (c == '"' && t[p] == '\\') p++;
            last = c;
            continue;
        }
        if (!space(c) && c != '\r' && c != '\n') last = c;
    }
    *open = last == '{';
    return to;
}

/* The end of the block opened on the line at `at`: past the line of its
 * matching `}` (or the end of the file). */
static size_t block_end(const char *t, size_t n, size_t at)
{
    int depth = 0;
    for (size_t p = at; p < n; p++) {
        char c = t[p];
        if (c == '#') { p = line_end(t, n, p) - 1; continue; }
        if (c == '"' || c == '\'') {
            for (p++; p < n && t[p] != c && t[p] != '\n'; p++)
                if (c == '"' && t[p] == '\\') p++;
            continue;
        }
        if (c == '{') depth++;
        else if (c == '}' && --depth == 0) return line_end(t, n, p);
    }
    return n;
}

/* The codes after the mark; false when none is a code. */
static bool read_codes(const char *t, size_t p, size_t to, bool *codes)
{
    bool any = false;
    while (p < to) {
        while (p < to && (space(t[p]) || t[p] == ',')) p++;
        size_t w = p;
        while (p < to && !space(t[p]) && t[p] != ',' && t[p] != '\r' && t[p] != '\n') p++;
        if (p == w) break;
        char name[16];
        size_t len = p - w;
        if (len >= sizeof name) continue;
        memcpy(name, t + w, len);
        name[len] = '\0';
        enum bind_code code;
        if (bind_code_parse(name, &code) && bind_code_severity(code) != BIND_SEV_ERROR) { codes[code] = true; any = true; }
    }
    return any;
}

static void scan(const bind_source *src, allow_ranges *out)
{
    const char *t = src->text;
    size_t n = src->len;
    for (size_t ls = 0; ls < n;) {
        size_t le = line_end(t, n, ls);
        bool open;
        size_t code = code_end(t, ls, le, &open);
        /* A comment on this line that carries the mark. */
        size_t c = code;
        while (c < le && t[c] == '#') {
            size_t p = c + 1;
            while (p < le && space(t[p])) p++;
            if (le - p < sizeof MARK - 1 || memcmp(t + p, MARK, sizeof MARK - 1) != 0) break;
            allow_range r;
            memset(&r, 0, sizeof r);
            if (!read_codes(t, p + sizeof MARK - 1, le, r.codes)) break;
            bool own_line = true;
            for (size_t q = ls; q < code && own_line; q++) own_line = space(t[q]) || t[q] == '\r';
            if (!own_line) {
                r.start = (uint32_t)ls;
                r.end = (uint32_t)le;
            } else {
                /* The next line with code, and its block. */
                size_t next = le, nend = le, ncode = le;
                bool nopen = false;
                while (next < n) {
                    nend = line_end(t, n, next);
                    ncode = code_end(t, next, nend, &nopen);
                    bool blank = true;
                    for (size_t q = next; q < ncode && blank; q++) blank = space(t[q]) || t[q] == '\r' || t[q] == '\n';
                    if (!blank) break;
                    next = nend;
                }
                r.start = (uint32_t)next;
                r.end = (uint32_t)(nopen ? block_end(t, n, next) : nend);
            }
            bind_vec_push(out, r);
            break;
        }
        ls = le;
    }
}

static bool contains(const char *t, size_t n, const char *s, size_t k)
{
    for (const char *p = t; (p = memchr(p, s[0], n - (size_t)(p - t))) && (size_t)(t + n - p) >= k; p++)
        if (memcmp(p, s, k) == 0) return true;
    return false;
}

static bool allowed(const allow_ranges *rs, const bind_diag *d)
{
    for (size_t i = 0; i < rs->len; i++) {
        const allow_range *r = &rs->items[i];
        if (r->codes[d->code] && d->span.start >= r->start && d->span.start < r->end) return true;
    }
    return false;
}

size_t bind_diag_apply_allows(bind_diag_bag *bag, bind_sources *srcs)
{
    /* Files are scanned once, and only those with a warning or hint. */
    BIND_VEC(allow_ranges *) by_file = { 0 };
    size_t kept = 0, dropped = 0;
    for (size_t i = 0; i < bag->list.len; i++) {
        bind_diag *d = bag->list.items[i];
        bool drop = false;
        if (d->severity != BIND_SEV_ERROR) {
            uint32_t f = d->span.file;
            while (by_file.len <= f) bind_vec_push(&by_file, NULL);
            if (!by_file.items[f]) {
                by_file.items[f] = bind_arena_alloc(bag->arena, sizeof *by_file.items[f]);
                memset(by_file.items[f], 0, sizeof *by_file.items[f]);
                const bind_source *src = bind_sources_get(srcs, f);
                if (src && !src->is_stdlib && contains(src->text, src->len, MARK, sizeof MARK - 1)) scan(src, by_file.items[f]);
            }
            drop = allowed(by_file.items[f], d);
        }
        if (drop) { bag->counts[d->severity]--; bag->allowed++; dropped++; }
        else bag->list.items[kept++] = d;
    }
    bag->list.len = kept;
    for (size_t f = 0; f < by_file.len; f++) if (by_file.items[f]) bind_vec_free(by_file.items[f]);
    bind_vec_free(&by_file);
    return dropped;
}
