/* Addresses, ports and host names inside binding words (see addr.h).
 *
 * Every reader here works on a slice of the source (no NUL at the end, any
 * bytes inside), reports what is wrong at offsets relative to the word, and
 * keeps going where it can so that one word with three mistakes gets three
 * errors.  Token-level scanning is the re2c scanner in grammar/binding.re. */
#include "addr.h"
#include "addr_scan.h"

#include <stdio.h>
#include <string.h>

/* ---- errors ----------------------------------------------------------- */

typedef struct ctx {
    bind_arena *a;
    bind_word_errors *errs;   /* NULL: only count (a quiet check) */
    size_t base;              /* offset of the text being read within the word */
    size_t count;             /* errors found, including those that did not fit */
} ctx;

static bool room(const ctx *c) { return c->errs && c->errs->len < BIND_WORD_MAX_ERRORS; }

static uint32_t u32(size_t n) { return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n; }

static bind_word_error *err(ctx *c, enum bind_code code, size_t off, size_t len,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static bind_word_error *err(ctx *c, enum bind_code code, size_t off, size_t len,
                            const char *fmt, ...)
{
    c->count++;
    if (!room(c)) return NULL;
    bind_word_error *e = &c->errs->items[c->errs->len++];
    memset(e, 0, sizeof *e);
    e->code = code;
    e->off = u32(c->base + off);
    e->len = u32(len);
    va_list ap;
    va_start(ap, fmt);
    e->message = bind_arena_vprintf(c->a, fmt, ap);
    va_end(ap);
    return e;
}

/* Replace [off, off+len) of the text being read by `text`. */
static void fix(ctx *c, bind_word_error *e, size_t off, size_t len, const char *text)
{
    if (!e) return;
    e->has_fix = true;
    e->fix_off = u32(c->base + off);
    e->fix_len = u32(len);
    e->fix = bind_arena_strdup(c->a, text);
}

/* User text for a message: at most QUOTE_MAX code points, control bytes and
 * bytes that are not UTF-8 as \xNN, so a message is always printable UTF-8. */
enum { QUOTE_MAX = 48 };
static const char *quote(bind_arena *a, const char *p, size_t n)
{
    char *out = bind_arena_alloc(a, QUOTE_MAX * 4 + 8), *o = out;
    bind_addr_scanner s;
    bind_addr_scanner_init(&s, p, n);
    for (int k = 0;; k++) {
        int32_t cp = bind_addr_scan_utf8(&s);
        if (cp == -2) break;
        if (k == QUOTE_MAX) { memcpy(o, "\xe2\x80\xa6", 3); o += 3; break; }   /* … */
        if (cp >= 0x20 && cp != 0x7f) {
            memcpy(o, s.tok, (size_t)(s.cur - s.tok));
            o += s.cur - s.tok;
        } else {
            o += sprintf(o, "\\x%02x", *s.tok);
        }
    }
    *o = '\0';
    return out;
}

/* quote() for a message that will be kept: a full error list (or a quiet
 * check) drops messages, and a 1 MB word of bad labels must not fill the
 * arena with them. */
static const char *q(ctx *c, const char *p, size_t n) { return room(c) ? quote(c->a, p, n) : ""; }

static char *lower_dup(bind_arena *a, const char *p, size_t n)
{
    char *q = bind_arena_strndup(a, p, n);
    for (size_t i = 0; i < n; i++)
        if (q[i] >= 'A' && q[i] <= 'Z') q[i] = (char)(q[i] - 'A' + 'a');
    return q;
}

static bool has_letter(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')) return true;
    return false;
}

static size_t count_byte(const char *p, size_t n, char ch)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += p[i] == ch;
    return k;
}

/* The whole slice is one run of decimal digits. */
static bool is_digits(const char *p, size_t n)
{
    bind_addr_scanner s;
    bind_addr_scanner_init(&s, p, n);
    return n > 0 && bind_addr_scan_addr(&s) == BIND_ADDR_TOK_DEC && s.cur == s.lim;
}

/* Saturates at 10^6: enough to tell 256 or 65536 from a valid value. */
static uint32_t dec_value(const char *p, size_t n)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v * 10 + (uint32_t)(p[i] - '0');
        if (v > 1000000) return 1000001;
    }
    return v;
}

/* ---- IPv4 and IPv6 ------------------------------------------------------ */

/* Reads a dotted quad of decimal octets without leading zeros.  Returns
 * NULL, or why it is not one (arena). */
static const char *ipv4_read(bind_arena *a, const char *p, size_t n, uint8_t out[4])
{
    if (n == 0) return "empty address";
    const char *why = NULL;
    size_t parts = 0;
    for (size_t i = 0;; parts++) {
        const char *dot = memchr(p + i, '.', n - i);
        size_t j = dot ? (size_t)(dot - p) : n;
        const char *part = p + i;
        size_t len = j - i;
        if (why) {
            /* only counting */
        } else if (len == 0) {
            why = "empty octet";
        } else if (!is_digits(part, len)) {
            why = bind_arena_printf(a, "`%s` is not a number 0-255", quote(a, part, len));
        } else if (dec_value(part, len) > 255) {
            why = bind_arena_printf(a, "%s is not an octet (0-255)", quote(a, part, len));
        } else if (len > 1 && part[0] == '0') {
            why = bind_arena_printf(a, "`%s` has a leading zero (octal or decimal?)",
                                    quote(a, part, len));
        } else if (parts < 4) {
            out[parts] = (uint8_t)dec_value(part, len);
        }
        if (!dot) break;
        i = j + 1;
    }
    parts++;
    if (!why && parts != 4) why = bind_arena_printf(a, "expected 4 octets, found %zu", parts);
    return why;
}

/* Reads IPv6 text (RFC 4291 §2.2: groups of 1-4 hex digits, one `::`, an
 * optional dotted quad in the last 32 bits).  Returns NULL, or why not. */
static const char *ipv6_read(bind_arena *a, const char *p, size_t n, uint8_t out[16])
{
    uint16_t g[8] = {0};
    size_t ng = 0;
    int gap = -1;   /* where `::` stands, as an index into g */
    bind_addr_scanner s;
    bind_addr_scanner_init(&s, p, n);

    if (n == 0) return "empty address";
    if (p[0] == ':') {
        if (n < 2 || p[1] != ':') return "starts with a single `:`";
        gap = 0;
        s.cur += 2;
    }
    while (s.cur < s.lim) {
        enum bind_addr_tok t = bind_addr_scan_addr(&s);
        size_t len = (size_t)(s.cur - s.tok);
        const char *tok = (const char *)s.tok;
        if (t == BIND_ADDR_TOK_DEC || t == BIND_ADDR_TOK_HEX) {
            if (s.cur < s.lim && *s.cur == '.') {
                uint8_t v4[4];
                size_t rest = (size_t)(s.lim - s.tok);
                if (ng > 6) return "more than 8 groups";
                const char *why = ipv4_read(a, tok, rest, v4);
                if (why)
                    return bind_arena_printf(a, "embedded IPv4 address `%s`: %s",
                                             quote(a, tok, rest), why);
                g[ng++] = (uint16_t)(v4[0] << 8 | v4[1]);
                g[ng++] = (uint16_t)(v4[2] << 8 | v4[3]);
                s.cur = s.lim;
                break;
            }
            if (len > 4)
                return bind_arena_printf(a, "group `%s` has more than 4 hex digits", quote(a, tok, len));
            if (ng == 8) return "more than 8 groups";
            uint16_t v = 0;
            for (size_t i = 0; i < len; i++) {
                char ch = tok[i];
                v = (uint16_t)(v << 4 | (ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10));
            }
            g[ng++] = v;
        } else if (t == BIND_ADDR_TOK_PERCENT) {
            return bind_arena_printf(a, "zone index `%s` is not allowed here",
                                     quote(a, tok, (size_t)(s.lim - s.tok)));
        } else {
            return bind_arena_printf(a, "unexpected `%s`", quote(a, tok, len));
        }
        /* After a group: the end, `:` or `::`. */
        if (s.cur == s.lim) break;
        if (*s.cur != ':') {
            const unsigned char *at = s.cur;
            t = bind_addr_scan_addr(&s);
            if (t == BIND_ADDR_TOK_PERCENT)
                return bind_arena_printf(a, "zone index `%s` is not allowed here",
                                         quote(a, (const char *)at, (size_t)(s.lim - at)));
            return bind_arena_printf(a, "unexpected `%s`", quote(a, (const char *)at, (size_t)(s.cur - at)));
        }
        s.cur++;
        if (s.cur < s.lim && *s.cur == ':') {
            if (gap >= 0) return "`::` may appear only once";
            gap = (int)ng;
            s.cur++;
        } else if (s.cur == s.lim) {
            return "ends with a single `:`";
        }
    }
    if (gap < 0 && ng != 8)
        return bind_arena_printf(a, "expected 8 groups, found %zu (`::` stands for zero groups)", ng);
    if (gap >= 0 && ng == 8) return "`::` must stand for at least one zero group";

    /* Groups before `::` at the front, the rest at the back; zeros between. */
    memset(out, 0, 16);
    for (size_t i = 0, k = 0; i < ng; i++, k++) {
        if ((int)i == gap) k += 8 - ng;
        out[2 * k] = (uint8_t)(g[i] >> 8);
        out[2 * k + 1] = (uint8_t)g[i];
    }
    return NULL;
}

static bool all_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i]) return false;
    return true;
}

static void set_v4(bind_addr *out, const uint8_t v4[4])
{
    memset(out, 0, sizeof *out);
    memcpy(out->bytes, v4, 4);
    out->kind = all_zero(v4, 4) ? BIND_ADDR_ANY4 : BIND_ADDR_V4;
    if (out->kind == BIND_ADDR_ANY4) memset(out->bytes, 0, sizeof out->bytes);
}

static void set_v6(bind_addr *out, const uint8_t v6[16])
{
    memset(out, 0, sizeof *out);
    memcpy(out->bytes, v6, 16);
    out->kind = all_zero(v6, 16) ? BIND_ADDR_ANY6 : BIND_ADDR_V6;
}

/* RFC 5952: lower-case hex without leading zeros, the longest run of two or
 * more zero groups (the first of equals) as `::`, and ::ffff:0:0/96 mapped
 * addresses with a dotted quad. */
static size_t format_v6(const uint8_t b[16], char *buf)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(b, mapped, 12) == 0)
        return (size_t)sprintf(buf, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
    unsigned g[8];
    for (int i = 0; i < 8; i++) g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0) j++;
        if (j - i > best_len) { best = i; best_len = j - i; }
        i = j > i ? j : i + 1;
    }
    char *o = buf;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            o += sprintf(o, "::");
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best + best_len) *o++ = ':';
        o += sprintf(o, "%x", g[i]);
    }
    *o = '\0';
    return (size_t)(o - buf);
}

size_t bind_addr_format(const bind_addr *addr, char *buf, bool brackets)
{
    const char *lit = NULL;
    switch (addr->kind) {
    case BIND_ADDR_ANY: lit = "*"; break;
    case BIND_ADDR_ANY4: lit = "0.0.0.0"; break;
    case BIND_ADDR_ANY6: lit = brackets ? "[::]" : "::"; break;
    case BIND_ADDR_V4: {
        /* Every backend writes an address a binding: digits by hand, not
         * through sprintf's format parsing. */
        size_t len = 0;
        for (int i = 0; i < 4; i++) {
            unsigned v = addr->bytes[i];
            if (i) buf[len++] = '.';
            if (v >= 100) buf[len++] = (char)('0' + v / 100);
            if (v >= 10) buf[len++] = (char)('0' + v / 10 % 10);
            buf[len++] = (char)('0' + v % 10);
        }
        buf[len] = '\0';
        return len;
    }
    case BIND_ADDR_V6:
        if (!brackets) return format_v6(addr->bytes, buf);
        buf[0] = '[';
        size_t len = format_v6(addr->bytes, buf + 1) + 1;
        buf[len++] = ']';
        buf[len] = '\0';
        return len;
    default: lit = ""; break;
    }
    size_t len = strlen(lit);
    memcpy(buf, lit, len + 1);
    return len;
}

static const char *format_dup(bind_arena *a, const bind_addr *addr, bool brackets)
{
    char buf[48];
    bind_addr_format(addr, buf, brackets);
    return bind_arena_strdup(a, buf);
}

/* ---- comparisons ------------------------------------------------------- */

static size_t addr_width(const bind_addr *a)
{
    return a->kind == BIND_ADDR_V4 ? 4 : a->kind == BIND_ADDR_V6 ? 16 : 0;
}

bool bind_addr_equal(const bind_addr *a, const bind_addr *b)
{
    return a->kind == b->kind && memcmp(a->bytes, b->bytes, addr_width(a)) == 0;
}

bool bind_addr_is_any_tier(const bind_addr *a)
{
    return bind_addr_kind_is_any_tier(a->kind);
}

/* 4 for the IPv4 family, 6 for IPv6, 0 for `*` and none. */
static int family(const bind_addr *a)
{
    switch (a->kind) {
    case BIND_ADDR_ANY4: case BIND_ADDR_V4: return 4;
    case BIND_ADDR_ANY6: case BIND_ADDR_V6: return 6;
    default: return 0;
    }
}

bool bind_addr_overlaps(const bind_addr *a, const bind_addr *b)
{
    if (a->kind == BIND_ADDR_NONE || b->kind == BIND_ADDR_NONE) return false;
    if (a->kind == BIND_ADDR_ANY || b->kind == BIND_ADDR_ANY) return true;
    if (family(a) != family(b)) return false;
    if (a->kind == BIND_ADDR_ANY4 || a->kind == BIND_ADDR_ANY6) return true;
    if (b->kind == BIND_ADDR_ANY4 || b->kind == BIND_ADDR_ANY6) return true;
    return bind_addr_equal(a, b);
}

bool bind_addr_contains(const bind_addr *binding, const bind_addr *local)
{
    if (local->kind != BIND_ADDR_V4 && local->kind != BIND_ADDR_V6) return false;
    return bind_addr_overlaps(binding, local);
}

uint64_t bind_addr_hash(const bind_addr *a, uint64_t h)
{
    h = bind_hash_bytes(&a->kind, 1, h);
    return bind_hash_bytes(a->bytes, addr_width(a), h);
}

/* ---- ports ------------------------------------------------------------- */

bool bind_port_parse(const char *s, size_t n, uint16_t *out)
{
    if (!is_digits(s, n) || (n > 1 && s[0] == '0')) return false;
    uint32_t v = dec_value(s, n);
    if (v == 0 || v > 65535) return false;
    *out = (uint16_t)v;
    return true;
}

static bool port_check(ctx *c, const char *p, size_t n, size_t off, uint16_t *out)
{
    size_t before = c->count;
    bind_word_error *e;
    *out = 0;
    if (n == 0) {
        err(c, BIND_E0102, off, 0, "port missing");
    } else if (!is_digits(p, n)) {
        err(c, BIND_E0102, off, n, "port `%s` is not a number", q(c, p, n));
    } else if (dec_value(p, n) == 0 || dec_value(p, n) > 65535) {
        err(c, BIND_E0102, off, n, "port %s is outside 1-65535", q(c, p, n));
    } else if (p[0] == '0') {
        size_t z = 0;
        while (p[z] == '0') z++;
        e = err(c, BIND_E0102, off, n, "port `%s` has a leading zero", q(c, p, n));
        fix(c, e, off, n, bind_arena_strndup(c->a, p + z, n - z));
    } else {
        *out = (uint16_t)dec_value(p, n);
    }
    return c->count == before;
}

/* ---- host names -------------------------------------------------------- */

enum { HOST_MAX = 253, LABEL_MAX = 63 };

static bool host_check(ctx *c, const char *p, size_t n, size_t off, const char **lower, bool *wildcard);

/* A non-ASCII host name: one error, with the punycode form as fix-it when
 * that form is itself a valid host name. */
static void host_non_ascii(ctx *c, const char *p, size_t n, size_t off, const char **lower,
                           bool *wildcard)
{
    /* Punycode is never shorter than the code points it encodes, so a name
     * this long cannot become a valid one: skip the work. */
    const char *ascii = n <= HOST_MAX * 4 ? bind_host_to_ascii(c->a, p, n) : NULL;
    const char *alower = NULL;
    bool awild = false;
    ctx quiet = {c->a, NULL, 0, 0};
    if (ascii && !host_check(&quiet, ascii, strlen(ascii), 0, &alower, &awild)) ascii = NULL;
    if (ascii) {
        bind_word_error *e = err(c, BIND_E0105, off, n, "non-ASCII host name `%s`; write it as `%s`",
                                 q(c, p, n), ascii);
        fix(c, e, off, n, ascii);
        *lower = alower;
        *wildcard = awild;
    } else {
        err(c, BIND_E0105, off, n, "non-ASCII host name `%s`", q(c, p, n));
    }
}

static const char *const wildcard_rule = "must be the whole left-most label, as in `*.example.com`";

/* Checks one label [i, j) of the host p[0..n); `star` and `bad` are the
 * offsets of its first `*` and first character outside [a-zA-Z0-9-]. */
static void label_check(ctx *c, const char *p, size_t n, size_t off, size_t i, size_t j,
                        size_t index, size_t star, size_t bad, bool *wildcard)
{
    size_t len = j - i;
    if (len == 0) {
        if (j < n)
            fix(c, err(c, BIND_E0105, off + j, 1, "empty label in host name `%s`", q(c, p, n)),
                off + j, 1, "");
        else
            fix(c, err(c, BIND_E0105, off + j - 1, 1, "host name ends with `.`"), off + j - 1, 1, "");
        return;
    }
    if (len == 1 && p[i] == '*') {
        if (index == 0 && j < n) *wildcard = true;
        else err(c, BIND_E0106, off + i, 1, "wildcard `*` in `%s` %s", q(c, p, n), wildcard_rule);
        return;
    }
    if (star != SIZE_MAX)
        err(c, BIND_E0106, off + star, 1, "wildcard `*` in `%s` %s", q(c, p, n), wildcard_rule);
    if (bad != SIZE_MAX) {
        if (p[bad] == '_')
            err(c, BIND_E0105, off + bad, 1,
                "`_` is not allowed in host names (letters, digits and `-` only)");
        else
            err(c, BIND_E0105, off + bad, 1, "`%s` is not allowed in host names",
                q(c, p + bad, 1));
    }
    if (len > LABEL_MAX)
        err(c, BIND_E0105, off + i, len, "label `%s` is %zu characters long; the limit is %d",
            q(c, p + i, len), len, LABEL_MAX);
    if (p[i] == '-')
        err(c, BIND_E0105, off + i, len, "label `%s` starts with `-`", q(c, p + i, len));
    if (p[j - 1] == '-')
        err(c, BIND_E0105, off + i, len, "label `%s` ends with `-`", q(c, p + i, len));
}

static bool host_check(ctx *c, const char *p, size_t n, size_t off, const char **lower, bool *wildcard)
{
    size_t before = c->count;
    *wildcard = false;
    *lower = lower_dup(c->a, p, n);
    if (n == 0) {
        err(c, BIND_E0105, off, 0, "host name missing");
        return false;
    }
    if (n == 1 && p[0] == '*') {
        err(c, BIND_E0105, off, 1, "`*` alone is not a host name; a wildcard names a domain, as in `*.example.com`");
        return false;
    }

    /* Non-ASCII first: a byte that is not UTF-8, else punycode. */
    bind_addr_scanner s;
    bind_addr_scanner_init(&s, p, n);
    bool non_ascii = false;
    for (enum bind_addr_tok t; (t = bind_addr_scan_host(&s)) != BIND_ADDR_TOK_END;) {
        if (t == BIND_ADDR_TOK_BAD_UTF8) {
            err(c, BIND_E0105, off + (size_t)(s.tok - (const unsigned char *)p), 1,
                "host name `%s` is not valid UTF-8", q(c, p, n));
            return false;
        }
        non_ascii |= t == BIND_ADDR_TOK_UTF8;
    }
    if (non_ascii) {
        host_non_ascii(c, p, n, off, lower, wildcard);
        return false;
    }

    size_t label = 0, index = 0, star = SIZE_MAX, bad = SIZE_MAX;
    bind_addr_scanner_init(&s, p, n);
    for (;;) {
        enum bind_addr_tok t = bind_addr_scan_host(&s);
        size_t at = (size_t)(s.tok - (const unsigned char *)p);
        if (t == BIND_ADDR_TOK_DOT || t == BIND_ADDR_TOK_END) {
            label_check(c, p, n, off, label, at, index++, star, bad, wildcard);
            if (t == BIND_ADDR_TOK_END) break;
            label = at + 1;
            star = bad = SIZE_MAX;
        } else if (t == BIND_ADDR_TOK_STAR) {
            if (star == SIZE_MAX) star = at;
        } else if (t != BIND_ADDR_TOK_LDH) {
            if (bad == SIZE_MAX) bad = at;
        }
    }
    if (n > HOST_MAX)
        err(c, BIND_E0105, off, n, "host name is %zu characters long; the limit is %d", n, HOST_MAX);
    if (c->count != before) *wildcard = false;
    return c->count == before;
}

static void errs_reset(bind_word_errors **errs, bind_word_errors *scratch)
{
    if (!*errs) *errs = scratch;
    (*errs)->len = 0;
}

bool bind_host_parse(bind_arena *a, const char *s, size_t n, const char **lower, bool *wildcard,
                     bind_word_errors *errs)
{
    bind_word_errors scratch;
    errs_reset(&errs, &scratch);
    ctx c = {a, errs, 0, 0};
    return host_check(&c, s, n, 0, lower, wildcard);
}

/* ---- iplisten addresses ------------------------------------------------- */

/* Brackets hold IPv6; an IPv4 address in them gets a fix-it that drops them. */
static void bracketed_check(ctx *c, const char *p, size_t n, size_t off, bind_addr *out)
{
    const char *in = p + 1;
    size_t len = n - 2;
    uint8_t b[16];
    const char *why = ipv6_read(c->a, in, len, b);
    if (!why) {
        set_v6(out, b);
    } else if (!ipv4_read(c->a, in, len, b)) {
        set_v4(out, b);
        fix(c, err(c, BIND_E0103, off, n, "IPv4 address `%s` must not be in brackets", q(c, in, len)),
            off, n, bind_arena_strndup(c->a, in, len));
    } else {
        err(c, BIND_E0104, off, n, "invalid IPv6 address `%s`: %s", q(c, in, len), why);
    }
}

bool bind_addr_parse(bind_arena *a, const char *s, size_t n, bind_addr *out, bind_word_errors *errs)
{
    bind_word_errors scratch;
    errs_reset(&errs, &scratch);
    ctx c = {a, errs, 0, 0};
    uint8_t b[16];
    const char *why;
    memset(out, 0, sizeof *out);

    if (n == 0) {
        err(&c, BIND_E0103, 0, 0, "address missing");
    } else if (n == 1 && s[0] == '*') {
        err(&c, BIND_E0103, 0, 1, "`*` is not an address; iplisten takes addresses like 0.0.0.0 or ::");
    } else if (s[0] == '[') {
        const char *rb = memchr(s, ']', n);
        if (!rb) {
            bind_word_error *e = err(&c, BIND_E0104, 0, n, "missing `]` after IPv6 address `%s`",
                                     q(&c, s + 1, n - 1));
            if (!ipv6_read(a, s + 1, n - 1, b)) {
                set_v6(out, b);
                fix(&c, e, n, 0, "]");
            }
        } else {
            size_t end = (size_t)(rb - s) + 1;
            bracketed_check(&c, s, end, 0, out);
            if (end < n)
                fix(&c, err(&c, BIND_E0104, end, n - end, "unexpected `%s` after the address%s",
                            q(&c, s + end, n - end),
                            s[end] == ':' ? "; iplisten takes no port" : ""),
                    end, n - end, "");
        }
    } else if (memchr(s, ':', n)) {
        const char *colon = memchr(s, ':', n);
        size_t c1 = (size_t)(colon - s);
        if (count_byte(s, n, ':') == 1 && memchr(s, '.', c1) && !ipv4_read(a, s, c1, b)) {
            set_v4(out, b);
            fix(&c, err(&c, BIND_E0103, c1, n - c1, "iplisten takes an address without a port"), c1,
                n - c1, "");
        } else if ((why = ipv6_read(a, s, n, b))) {
            err(&c, BIND_E0104, 0, n, "invalid IPv6 address `%s`: %s", q(&c, s, n), why);
        } else {
            set_v6(out, b);
        }
    } else if ((why = ipv4_read(a, s, n, b))) {
        if (has_letter(s, n))
            err(&c, BIND_E0103, 0, n, "`%s` is not an IP address; iplisten takes addresses like 0.0.0.0 or ::",
                q(&c, s, n));
        else
            err(&c, BIND_E0103, 0, n, "invalid IPv4 address `%s`: %s", q(&c, s, n), why);
    } else {
        set_v4(out, b);
    }
    return c.count == 0;
}

/* ---- binding information ------------------------------------------------ */

/* Field boundaries of IP:PORT:HOST, as offsets into the word. */
typedef struct fields {
    size_t a0, a1, p0, p1, h0, h1;
} fields;

/* An unbracketed address before the last two fields is taken as IPv6 when
 * it reads as one, or when it has the shape of an attempt (hex, `:` and
 * `.` only, with `::` or at least two colons). */
static bool v6_attempt(bind_arena *a, const char *p, size_t n)
{
    uint8_t b[16];
    if (!ipv6_read(a, p, n, b)) return true;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        bool ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  ch == ':' || ch == '.' || ch == '%';
        if (!ok) return false;
    }
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == ':' && p[i + 1] == ':') return true;
    return count_byte(p, n, ':') >= 2;
}

static const char *const iph_usage = "expected IP:PORT:HOST, e.g. `*:80:shop.example` or `*:80:`";

static void iph_address(ctx *c, const char *w, size_t n, const fields *f, bool unbracketed_v6,
                        bind_info *out)
{
    const char *p = w + f->a0;
    size_t len = f->a1 - f->a0;
    uint8_t b[16];
    const char *why;
    bind_word_error *e;
    out->addr_off = u32(f->a0);
    out->addr_len = u32(len);
    if (len == 0) {
        fix(c, err(c, BIND_E0107, f->a0, 0, "address missing (`*` for all addresses)"), f->a0, 0, "*");
    } else if (p[0] == '[') {
        bracketed_check(c, p, len, f->a0, &out->addr);
    } else if (unbracketed_v6) {
        if ((why = ipv6_read(c->a, p, len, b))) {
            err(c, BIND_E0104, f->a0, len, "invalid IPv6 address `%s`: %s", q(c, p, len), why);
        } else {
            set_v6(&out->addr, b);
            const char *canon = format_dup(c->a, &out->addr, true);
            e = err(c, BIND_E0104, f->a0, len, "IPv6 address must be in brackets: `%s`", canon);
            fix(c, e, f->a0, len, canon);
        }
    } else if (len == 1 && p[0] == '*') {
        out->addr.kind = BIND_ADDR_ANY;
    } else if (!(why = ipv4_read(c->a, p, len, b))) {
        set_v4(&out->addr, b);
    } else if (has_letter(p, len)) {
        e = err(c, BIND_E0103, f->a0, len,
                "`%s` is not an IP address; write `*` here and the host name last", q(c, p, len));
        if (f->h0 == f->h1 && f->p0 < f->p1)
            fix(c, e, 0, n, bind_arena_printf(c->a, "*:%.*s:%s", (int)(f->p1 - f->p0), w + f->p0,
                                              lower_dup(c->a, p, len)));
    } else {
        err(c, BIND_E0103, f->a0, len, "invalid IPv4 address `%s`: %s", q(c, p, len), why);
    }
}

static void iph_host(ctx *c, const char *w, size_t h0, size_t h1, bind_info *out)
{
    size_t len = h1 - h0;
    out->host_off = u32(h0);
    out->host_len = u32(len);
    if (len == 0) {
        out->host = "";
    } else if (len == 1 && w[h0] == '*') {
        out->host = "";
        fix(c, err(c, BIND_E0105, h0, 1, "host `*` is not allowed here; leave the host empty for all host names"),
            h0, 1, "");
    } else {
        host_check(c, w + h0, len, h0, &out->host, &out->host_wildcard);
    }
}

static void iph_port(ctx *c, const char *w, size_t p0, size_t p1, bind_info *out)
{
    out->port_off = u32(p0);
    out->port_len = u32(p1 - p0);
    port_check(c, w + p0, p1 - p0, p0, &out->port);
}

static void parse_ip_port_host(ctx *c, const char *w, size_t n, bind_info *out)
{
    fields f = {0};
    bool unbracketed_v6 = false;
    const char *c1 = memchr(w, ':', n);

    if (n > 0 && w[0] == '[') {
        const char *rb = memchr(w, ']', n);
        if (!rb) {
            err(c, BIND_E0104, 0, n, "missing `]` after IPv6 address");
            return;
        }
        f.a1 = (size_t)(rb - w) + 1;
        if (f.a1 == n || w[f.a1] != ':') {
            f.p0 = f.p1 = f.h0 = f.h1 = n;
            iph_address(c, w, n, &f, false, out);
            if (f.a1 == n) err(c, BIND_E0107, 0, n, "%s", iph_usage);
            else err(c, BIND_E0107, f.a1, 1, "expected `:` after `]`");
            return;
        }
        c1 = w + f.a1;
    } else if (c1) {
        f.a1 = (size_t)(c1 - w);
        size_t colons = count_byte(w, n, ':');
        if (colons > 2) {
            /* The last two fields are port and host; the rest may be IPv6. */
            const char *last = w + n;
            while (*--last != ':') {}
            const char *second = last;
            while (*--second != ':') {}
            size_t cut = (size_t)(second - w);
            if (v6_attempt(c->a, w, cut)) {
                unbracketed_v6 = true;
                f.a1 = cut;
                c1 = second;
            }
        }
    } else {
        /* One field: a lone port gets `*:PORT:`. */
        bind_word_error *e = err(c, BIND_E0107, 0, n, "%s", iph_usage);
        if (is_digits(w, n)) fix(c, e, 0, n, bind_arena_printf(c->a, "*:%.*s:", (int)n, w));
        return;
    }

    f.p0 = (size_t)(c1 - w) + 1;
    const char *c2 = memchr(w + f.p0, ':', n - f.p0);
    if (!c2) {
        /* Two fields: `ADDR:PORT` is missing the host, `PORT:HOST` the address. */
        bind_word_error *e = err(c, BIND_E0107, 0, n, "%s", iph_usage);
        if (is_digits(w + f.p0, n - f.p0)) {
            fix(c, e, n, 0, ":");
            f.p1 = f.h0 = f.h1 = n;
            iph_address(c, w, n, &f, unbracketed_v6, out);
            iph_port(c, w, f.p0, f.p1, out);
        } else if (f.a1 > 0 && is_digits(w, f.a1) && !unbracketed_v6 && w[0] != '[') {
            fix(c, e, 0, 0, "*:");
            iph_port(c, w, 0, f.a1, out);
            iph_host(c, w, f.p0, n, out);
        }
        return;
    }
    f.p1 = (size_t)(c2 - w);
    f.h0 = f.p1 + 1;
    f.h1 = n;
    iph_address(c, w, n, &f, unbracketed_v6, out);
    iph_port(c, w, f.p0, f.p1, out);
    iph_host(c, w, f.h0, f.h1, out);
}

static const char *const ph_usage = "expected PORT:HOST, e.g. `808:*`";

static void parse_port_host(ctx *c, const char *w, size_t n, bind_info *out)
{
    const char *c1 = memchr(w, ':', n);
    if (!c1) {
        bind_word_error *e = err(c, BIND_E0107, 0, n, "%s", ph_usage);
        if (is_digits(w, n)) {
            fix(c, e, n, 0, ":*");
            iph_port(c, w, 0, n, out);
        }
        return;
    }
    size_t p0 = 0, h0;
    const char *c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - w));
    const char *rb = n > 0 && w[0] == '[' ? memchr(w, ']', n) : NULL;
    if (rb && rb + 1 < w + n && rb[1] == ':') {
        c1 = rb + 1;
        c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - w));
    }
    if (c2 && !memchr(c2 + 1, ':', n - (size_t)(c2 + 1 - w))) {
        /* `IP:PORT:HOST` where `PORT:HOST` was wanted: drop the address. */
        size_t cut = (size_t)(c1 - w) + 1;
        fix(c, err(c, BIND_E0107, 0, cut - 1, "%s; this protocol takes no address", ph_usage), 0, cut, "");
        p0 = cut;
        c1 = c2;
    } else if (c2) {
        err(c, BIND_E0107, 0, n, "%s", ph_usage);
        return;
    }
    h0 = (size_t)(c1 - w) + 1;
    iph_port(c, w, p0, h0 - 1, out);
    out->host_off = u32(h0);
    out->host_len = u32(n - h0);
    if (h0 == n) {
        fix(c, err(c, BIND_E0107, 0, n, "%s", ph_usage), n, 0, "*");
        out->host = "";
    } else if (n - h0 == 1 && w[h0] == '*') {
        out->host = "*";
    } else {
        host_check(c, w + h0, n - h0, h0, &out->host, &out->host_wildcard);
    }
}

static void parse_host(ctx *c, const char *w, size_t n, bind_info *out)
{
    out->host_off = 0;
    out->host_len = u32(n);
    if (n == 0)
        fix(c, err(c, BIND_E0107, 0, 0, "expected a host name or `*`"), 0, 0, "*");
    else if (n == 1 && w[0] == '*')
        out->host = "*";
    else
        host_check(c, w, n, 0, &out->host, &out->host_wildcard);
}

/* ---- the common case ---------------------------------------------------- */

static bool is_ldh(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-';
}

/* Digits at w[*i..], at most `max` of them, without a leading zero. */
static bool read_decimal(const char *w, size_t n, size_t *i, size_t max, uint32_t *out)
{
    size_t start = *i;
    uint32_t v = 0;
    while (*i < n && *i - start < max && w[*i] >= '0' && w[*i] <= '9') v = v * 10 + (uint32_t)(w[(*i)++] - '0');
    size_t len = *i - start;
    *out = v;
    return len > 0 && !(len > 1 && w[start] == '0');
}

bool bind_info_read_common(bind_arena *a, const char *w, size_t n, bind_info *out)
{
    memset(out, 0, sizeof *out);
    out->host = "";
    size_t i = 0;
    uint32_t v;
    if (n > 0 && w[0] == '*') {
        out->addr.kind = BIND_ADDR_ANY;
        i = 1;
    } else {
        uint8_t b[4];
        for (int part = 0; part < 4; part++) {
            if (part && (i >= n || w[i++] != '.')) return false;
            if (!read_decimal(w, n, &i, 3, &v) || v > 255) return false;
            b[part] = (uint8_t)v;
        }
        set_v4(&out->addr, b);
    }
    out->addr_len = u32(i);
    if (i >= n || w[i++] != ':') return false;
    out->port_off = u32(i);
    if (!read_decimal(w, n, &i, 5, &v) || v == 0 || v > 65535) return false;
    out->port = (uint16_t)v;
    out->port_len = u32(i - out->port_off);
    if (i >= n || w[i++] != ':') return false;
    out->host_off = u32(i);
    out->host_len = u32(n - i);
    if (i == n) return true;
    if (n - i > HOST_MAX) return false;
    char *lower = bind_arena_alloc(a, n - i + 1);
    char *o = lower;
    if (n - i > 2 && w[i] == '*' && w[i + 1] == '.') {
        out->host_wildcard = true;
        *o++ = '*';
        *o++ = '.';
        i += 2;
    }
    for (size_t label = i; i <= n; i++) {
        if (i == n || w[i] == '.') {
            size_t len = i - label;
            if (len == 0 || len > LABEL_MAX || w[label] == '-' || w[i - 1] == '-') return false;
            label = i + 1;
            if (i < n) *o++ = '.';
            continue;
        }
        if (!is_ldh(w[i])) return false;
        *o++ = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
    }
    out->host = lower;
    return true;
}

bool bind_info_parse(bind_arena *a, enum bind_info_form form, const char *word, size_t n,
                     bind_info *out, bind_word_errors *errs)
{
    if (form == BIND_FORM_IP_PORT_HOST && bind_info_read_common(a, word, n, out)) {
        if (errs) errs->len = 0;
        return true;
    }
    return bind_info_parse_full(a, form, word, n, out, errs);
}

bool bind_info_parse_full(bind_arena *a, enum bind_info_form form, const char *word, size_t n,
                          bind_info *out, bind_word_errors *errs)
{
    bind_word_errors scratch;
    errs_reset(&errs, &scratch);
    ctx c = {a, errs, 0, 0};
    memset(out, 0, sizeof *out);
    out->host = "";
    switch (form) {
    case BIND_FORM_IP_PORT_HOST: parse_ip_port_host(&c, word, n, out); break;
    case BIND_FORM_PORT_HOST: parse_port_host(&c, word, n, out); break;
    case BIND_FORM_HOST: parse_host(&c, word, n, out); break;
    }
    return c.count == 0;
}
