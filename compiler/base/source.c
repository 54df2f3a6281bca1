/* Source registry and line tables (see source.h). */
#define _GNU_SOURCE /* memrchr */
#include "source.h"

#include <stdlib.h>
#include <string.h>

void bind_sources_init(bind_sources *s, bind_arena *a)
{
    memset(s, 0, sizeof *s);
    s->arena = a;
}

void bind_sources_fini(bind_sources *s)
{
    for (size_t i = 0; i < s->files.len; i++) {
        free(s->files.items[i]->lines);
        if (s->files.items[i]->owns_text) free((char *)s->files.items[i]->text);
    }
    bind_vec_free(&s->files);
}

bind_source *bind_sources_add(bind_sources *s, const char *path, const char *real_path,
                              const char *text, size_t len, bool is_stdlib)
{
    bind_source *src = bind_arena_alloc(s->arena, sizeof *src);
    src->id = (uint32_t)s->files.len;
    src->path = bind_arena_strdup(s->arena, path);
    src->real_path = real_path ? bind_arena_strdup(s->arena, real_path) : NULL;
    src->text = bind_arena_strndup(s->arena, text, len);
    src->len = len;
    src->is_stdlib = is_stdlib;
    bind_vec_push(&s->files, src);
    return src;
}

bind_source *bind_sources_adopt(bind_sources *s, const char *path, const char *real_path,
                                char *text, size_t len, bool is_stdlib)
{
    text[len] = '\0';
    bind_source *src = bind_sources_add(s, path, real_path, "", 0, is_stdlib);
    src->text = text;
    src->len = len;
    src->owns_text = true;
    return src;
}

bind_source *bind_sources_get(const bind_sources *s, uint32_t id)
{
    return id < s->files.len ? s->files.items[id] : NULL;
}

static void build_lines(bind_source *src)
{
    if (src->lines) return;
    size_t cap = 64, n = 0;
    uint32_t *l = bind_xmalloc(cap * sizeof *l);
    l[n++] = 0;
    /* memchr, not a byte at a time: a fleet's file is tens of megabytes,
     * and one diagnostic's line number asks for the whole table. */
    const char *t = src->text, *end = src->text + src->len;
    for (const char *p = t; p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
        if (n == cap) { cap *= 2; l = bind_xrealloc(l, cap * sizeof *l); }
        l[n++] = (uint32_t)(p - t + 1);
    }
    src->lines = l;
    src->nlines = n;
}

bool bind_source_long_line(const bind_source *src, size_t max, uint32_t *start, uint32_t *len)
{
    /* Window by window, not line by line: when the last newline in the
     * max + 1 bytes from a line's start is at q, every line that starts
     * before q ends within the window and fits.  A fleet's file is then a
     * backward scan of a line or so per window, not a memchr call per
     * line, and the parse waits for it. */
    const char *p = src->text, *end = src->text + src->len;
    while ((size_t)(end - p) > max) {
        const char *q = memrchr(p, '\n', max + 1);
        if (q) { p = q + 1; continue; }
        /* No newline in the window: the line from p is max + 1 bytes or
         * more, or exactly max with its CRLF end. */
        const char *nl = memchr(p + max + 1, '\n', (size_t)(end - p - max - 1));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (nl && p[n - 1] == '\r') n--;
        if (n > max) { *start = (uint32_t)(p - src->text); *len = (uint32_t)n; return true; }
        p = nl + 1;
    }
    return false;
}

uint32_t bind_source_line_count(bind_source *src)
{
    build_lines(src);
    return (uint32_t)src->nlines;
}

void bind_source_linecol(bind_source *src, uint32_t offset, uint32_t *line, uint32_t *col)
{
    build_lines(src);
    if (offset > src->len) offset = (uint32_t)src->len;
    size_t lo = 0, hi = src->nlines;   /* last line start <= offset */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->lines[mid] <= offset) lo = mid; else hi = mid;
    }
    *line = (uint32_t)lo + 1;
    *col = offset - src->lines[lo] + 1;
}

uint32_t bind_source_line_start(bind_source *src, uint32_t line)
{
    build_lines(src);
    if (line == 0 || line > src->nlines) return (uint32_t)src->len;
    return src->lines[line - 1];
}

uint32_t bind_source_line_length(bind_source *src, uint32_t line)
{
    uint32_t start = bind_source_line_start(src, line);
    uint32_t end = start;
    while (end < src->len && src->text[end] != '\n') end++;
    if (end > start && src->text[end - 1] == '\r') end--;
    return end - start;
}

/* UTF-16 units of the UTF-8 sequence starting with lead byte b.  Invalid
 * bytes count as one unit each, as editors show them as U+FFFD. */
static uint32_t utf8_seq_len(unsigned char b, uint32_t *units)
{
    if (b < 0x80) { *units = 1; return 1; }
    if ((b & 0xE0) == 0xC0) { *units = 1; return 2; }
    if ((b & 0xF0) == 0xE0) { *units = 1; return 3; }
    if ((b & 0xF8) == 0xF0) { *units = 2; return 4; }
    *units = 1;
    return 1;
}

uint32_t bind_source_utf16_col(bind_source *src, uint32_t offset)
{
    uint32_t line, col;
    bind_source_linecol(src, offset, &line, &col);
    uint32_t i = src->lines[line - 1], units = 0;
    while (i < offset) {
        uint32_t u, n = utf8_seq_len((unsigned char)src->text[i], &u);
        if (i + n > offset) n = offset - i;
        i += n;
        units += u;
    }
    return units;
}

uint32_t bind_source_offset_from_utf16(bind_source *src, uint32_t line0, uint32_t utf16col)
{
    build_lines(src);
    if (line0 >= src->nlines) return (uint32_t)src->len;
    uint32_t i = src->lines[line0], units = 0;
    while (i < src->len && src->text[i] != '\n' && units < utf16col) {
        uint32_t u, n = utf8_seq_len((unsigned char)src->text[i], &u);
        if (i + n > src->len) n = (uint32_t)src->len - i;
        i += n;
        units += u;
    }
    return i;
}
