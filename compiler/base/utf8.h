/* Strict UTF-8 decoding, the one definition every module uses (the lexer,
 * the renderers, the language server): no overlong forms, no surrogates,
 * nothing above U+10FFFF — exactly what jansson accepts. */
#ifndef BIND_UTF8_H
#define BIND_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1-4) of the valid sequence at s[0..n), storing its code point in
 * *cp when cp is not NULL; 0 when the bytes are not valid UTF-8. */
static inline size_t bind_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0) return 0;
    unsigned char b = s[0];
    size_t len;
    uint32_t c, min;
    if (b < 0x80) { if (cp) *cp = b; return 1; }
    if (b >= 0xC2 && b <= 0xDF) { len = 2; c = b & 0x1Fu; min = 0x80; }
    else if ((b & 0xF0) == 0xE0) { len = 3; c = b & 0x0Fu; min = 0x800; }
    else if (b >= 0xF0 && b <= 0xF4) { len = 4; c = b & 0x07u; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    if (cp) *cp = c;
    return len;
}

#endif
