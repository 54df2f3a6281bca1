/* The client's copy of a document and LSP positions (see doc_model.h). */
#include "doc_model.h"

#include <stdlib.h>
#include <string.h>

#include "client.h"

void doc_model_set(doc_model *d, const char *s, size_t n)
{
    d->len = 0;
    doc_model_replace(d, 0, 0, s, n);
}

void doc_model_free(doc_model *d)
{
    free(d->s);
    d->s = NULL;
    d->len = d->cap = 0;
}

void doc_model_replace(doc_model *d, size_t a, size_t b, const char *s, size_t n)
{
    if (a > b || b > d->len) lsp_fail("doc_model_replace: bad range [%zu, %zu) of %zu", a, b, d->len);
    size_t len = d->len - (b - a) + n;
    if (len + 1 > d->cap) {
        d->cap = (len + 1) * 2;
        d->s = realloc(d->s, d->cap);
        if (!d->s) lsp_fail("out of memory");
    }
    memmove(d->s + a + n, d->s + b, d->len - b);
    memcpy(d->s + a, s, n);
    d->len = len;
    d->s[len] = '\0';
}

/* Bytes of the UTF-8 character that starts with lead byte c. */
static size_t char_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

void doc_model_position(const doc_model *d, size_t off, long *line, long *character)
{
    const char *s = d->s;
    if (off > d->len) off = d->len;
    long l = 0, ch = 0;
    for (size_t i = 0; i < off;) {
        if (s[i] == '\r' && i + 1 < d->len && s[i + 1] == '\n') {
            if (i + 1 == off) break;            /* between \r and \n: the end of the line */
            i += 2; l++; ch = 0;
        } else if (s[i] == '\r' || s[i] == '\n') {
            i++; l++; ch = 0;
        } else {
            size_t k = char_len((unsigned char)s[i]);
            if (i + k > off) break;
            ch += k == 4 ? 2 : 1;
            i += k;
        }
    }
    *line = l;
    *character = ch;
}

bool doc_model_offset(const doc_model *d, long line, long character, size_t *off)
{
    const char *s = d->s;
    size_t i = 0;
    for (long l = 0; l < line; l++) {
        while (i < d->len && s[i] != '\n' && s[i] != '\r') i++;
        if (i == d->len) return false;
        i += s[i] == '\r' && i + 1 < d->len && s[i + 1] == '\n' ? 2 : 1;
    }
    long ch = 0;
    while (ch < character && i < d->len && s[i] != '\n' && s[i] != '\r') {
        size_t k = char_len((unsigned char)s[i]);
        ch += k == 4 ? 2 : 1;
        i += k;
    }
    if (ch != character) return false;
    *off = i;
    return true;
}

size_t doc_model_boundary(const doc_model *d, size_t off)
{
    if (off > d->len) off = d->len;
    while (off > 0 && off < d->len && (((unsigned char)d->s[off] & 0xC0) == 0x80
                                       || (d->s[off] == '\n' && d->s[off - 1] == '\r')))
        off--;
    return off;
}

size_t doc_model_forward(const doc_model *d, size_t off, size_t k)
{
    while (k-- && off < d->len) {
        if (d->s[off] == '\r' && off + 1 < d->len && d->s[off + 1] == '\n') off += 2;
        else off += char_len((unsigned char)d->s[off]);
    }
    return off > d->len ? d->len : off;
}

size_t doc_model_line_start(const doc_model *d, size_t off)
{
    while (off > 0 && d->s[off - 1] != '\n' && d->s[off - 1] != '\r') off--;
    return off;
}

size_t doc_model_line_end(const doc_model *d, size_t off)
{
    while (off < d->len && d->s[off] != '\n' && d->s[off] != '\r') off++;
    return off;
}

bool doc_model_cli_offset(const doc_model *d, long line, long column, size_t *off)
{
    if (line < 1 || column < 1) return false;
    size_t i = 0;
    for (long l = 1; l < line; l++) {
        const char *nl = memchr(d->s + i, '\n', d->len - i);
        if (!nl) return false;
        i = (size_t)(nl - d->s) + 1;
    }
    if ((size_t)(column - 1) > d->len - i) return false;
    *off = i + (size_t)(column - 1);
    return true;
}
