/* What a file is when it is not UTF-8 text (foreign_text.h), told from its
 * first bytes: a byte order mark, the zero bytes of UTF-16 or UTF-32 text
 * without one, or bytes that are not text at all. */
#include "foreign_text.h"

#include <stdint.h>

#include "base/utf8.h"

/* The Unicode encodings besides UTF-8, by the names iconv and Windows
 * PowerShell 5's `-Encoding` give them.  Without a byte order mark both
 * tools must be told the byte order, or they read the wrong one. */
typedef struct unicode_form {
    const char *name;          /* iconv -f, without a mark */
    const char *family;        /* iconv -f, which reads the mark */
    const char *powershell;    /* Get-Content -Encoding, without a mark */
    unsigned unit;             /* bytes */
    bool big_endian;
} unicode_form;

enum { UTF16LE, UTF16BE, UTF32LE, UTF32BE };

static const unicode_form forms[] = {
    [UTF16LE] = { "UTF-16LE", "UTF-16", "Unicode", 2, false },
    [UTF16BE] = { "UTF-16BE", "UTF-16", "BigEndianUnicode", 2, true },
    [UTF32LE] = { "UTF-32LE", "UTF-32", "UTF32", 4, false },
    [UTF32BE] = { "UTF-32BE", "UTF-32", "BigEndianUTF32", 4, true },
};

/* A file as long as this is enough to tell what it is. */
#define HEAD 4096u

/* The form whose byte order mark starts t, or -1.  UTF-32LE's mark starts
 * with UTF-16LE's, so UTF-32 is asked first. */
static int form_by_mark(const unsigned char *t, size_t n)
{
    if (n >= 4 && t[0] == 0xFF && t[1] == 0xFE && t[2] == 0 && t[3] == 0) return UTF32LE;
    if (n >= 4 && t[0] == 0 && t[1] == 0 && t[2] == 0xFE && t[3] == 0xFF) return UTF32BE;
    if (n >= 2 && t[0] == 0xFF && t[1] == 0xFE) return UTF16LE;
    if (n >= 2 && t[0] == 0xFE && t[1] == 0xFF) return UTF16BE;
    return -1;
}

static uint32_t unit32(const unsigned char *p, bool big_endian)
{
    if (big_endian) return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* UTF-32 without a mark: every unit of the head is a character other than
 * NUL.  Text of any script passes; UTF-8, UTF-16 and binary files do not,
 * as their 4-byte groups read as numbers above U+10FFFF or as zero. */
static bool is_utf32(const unsigned char *t, size_t n, bool big_endian)
{
    size_t head = n < HEAD ? n : HEAD;
    if (n % 4 || head < 8) return false;
    for (size_t i = 0; i < head; i += 4) {
        uint32_t c = unit32(t + i, big_endian);
        if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    }
    return true;
}

/* UTF-16 without a mark: text of Latin letters has a 0 byte beside each
 * one, after it (little-endian) or before it. */
static int utf16_by_zeros(const unsigned char *t, size_t n)
{
    size_t head = n < HEAD ? n : HEAD, before = 0, after = 0;
    if (head < 8) return -1;
    for (size_t i = 0; i + 1 < head; i += 2) {
        before += t[i] == 0 && t[i + 1] != 0;
        after += t[i] != 0 && t[i + 1] == 0;
    }
    return after * 4 >= head ? UTF16LE : before * 4 >= head ? UTF16BE : -1;
}

/* The form of a file without a mark, or -1. */
static int form_by_content(const unsigned char *t, size_t n)
{
    if (is_utf32(t, n, false)) return UTF32LE;
    if (is_utf32(t, n, true)) return UTF32BE;
    return utf16_by_zeros(t, n);
}

/* Binary: a NUL, or more than one byte in twenty that is not UTF-8. */
static bool is_binary(const unsigned char *t, size_t n)
{
    size_t head = n < HEAD ? n : HEAD, bad = 0;
    for (size_t i = 0; i < head;) {
        if (t[i] == 0) return true;
        size_t k = bind_utf8_decode(t + i, n - i, NULL);
        if (!k) { bad++; i++; } else i += k;
    }
    return bad * 20 > head;
}

static bind_diag *refuse_unicode(const bind_source *src, bind_diag_bag *diags, int form, bool marked)
{
    const unicode_form *f = &forms[form];
    bind_span at = bind_span_make(src->id, 0, 0);
    bind_diag *d;
    if (marked)
        d = bind_diag_push(diags, BIND_E0004, at, "%s is %s text (it starts with a byte order mark%s)", src->path,
                           f->name, form == UTF16LE ? "; Windows PowerShell 5's `>` writes it" : "");
    else
        d = bind_diag_push(diags, BIND_E0004, at, "%s is %s text without a byte order mark", src->path, f->name);
    /* With its mark, `-f UTF-16` reads the byte order from it and drops
     * it, and Get-Content reads it; without, each must be told. */
    bind_diag_note(diags, d, NULL,
                   "bindc reads UTF-8 text: save it as UTF-8 (`iconv -f %s -t UTF-8`; in PowerShell 5: "
                   "`(Get-Content %s%s%sF) | Set-Content -Encoding UTF8 F`)",
                   marked ? f->family : f->name, marked ? "" : "-Encoding ", marked ? "" : f->powershell,
                   marked ? "" : " ");
    return d;
}

bool bind_refuse_foreign_text(const bind_source *src, bind_diag_bag *diags)
{
    const unsigned char *t = (const unsigned char *)src->text;
    size_t n = src->len;
    int form = form_by_mark(t, n);
    bool marked = form >= 0;
    if (!marked) form = form_by_content(t, n);
    bind_diag *d;
    if (form >= 0) {
        d = refuse_unicode(src, diags, form, marked);
    } else if (is_binary(t, n)) {
        d = bind_diag_push(diags, BIND_E0004, bind_span_make(src->id, 0, 0), "%s is not text (a binary file)", src->path);
        bind_diag_note(diags, d, NULL, "bindc reads UTF-8 text: give bindc a .bind file");
    } else {
        return false;
    }
    d->no_excerpt = true;
    return true;
}
