/* The re2c scanner for the inside of binding words (grammar/binding.re).
 *
 * Private to addr.c and punycode.c.  The scanner reads a slice [cur, lim)
 * that need not be NUL-terminated: it never looks at *lim, and NUL bytes
 * inside the slice are ordinary (bad) characters. */
#ifndef BIND_ADDR_SCAN_H
#define BIND_ADDR_SCAN_H

#include <stddef.h>
#include <stdint.h>

typedef struct bind_addr_scanner {
    const unsigned char *cur, *lim;   /* next byte, end of the slice */
    const unsigned char *tok;         /* start of the last token */
    const unsigned char *mar;         /* re2c backtracking marker */
} bind_addr_scanner;

enum bind_addr_tok {
    BIND_ADDR_TOK_END,
    BIND_ADDR_TOK_DEC,        /* [0-9]+ */
    BIND_ADDR_TOK_HEX,        /* [0-9a-fA-F]+ with at least one letter */
    BIND_ADDR_TOK_LDH,        /* host mode: [a-zA-Z0-9-]+ */
    BIND_ADDR_TOK_DOT,
    BIND_ADDR_TOK_COLON,
    BIND_ADDR_TOK_LBRACKET,
    BIND_ADDR_TOK_RBRACKET,
    BIND_ADDR_TOK_STAR,
    BIND_ADDR_TOK_PERCENT,    /* an IPv6 zone index starts here */
    BIND_ADDR_TOK_UTF8,       /* host mode: a run of well-formed non-ASCII UTF-8 */
    BIND_ADDR_TOK_BAD_UTF8,   /* one byte that does not start well-formed UTF-8 */
    BIND_ADDR_TOK_OTHER,      /* one other byte (ASCII punctuation, control, NUL) */
};

static inline void bind_addr_scanner_init(bind_addr_scanner *s, const char *p, size_t n)
{
    s->cur = (const unsigned char *)p;
    s->lim = s->cur + n;
    s->tok = s->mar = s->cur;
}

/* Address mode: numbers, hex groups, `.`, `:`, brackets (IPv4, IPv6, ports). */
enum bind_addr_tok bind_addr_scan_addr(bind_addr_scanner *s);
/* Host mode: LDH runs, `.`, `*`, UTF-8 runs (host names). */
enum bind_addr_tok bind_addr_scan_host(bind_addr_scanner *s);
/* One code point: its value, -1 for a byte that does not start well-formed
 * UTF-8 (the byte is skipped), -2 at the end. */
int32_t bind_addr_scan_utf8(bind_addr_scanner *s);

#endif
