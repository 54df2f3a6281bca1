/* Source files and spans.
 *
 * A span is {file, byte start, byte end}.  Line and column are computed from
 * a per-file line table only when a diagnostic is rendered, so lexing and
 * checking never pay for them. */
#ifndef BIND_SOURCE_H
#define BIND_SOURCE_H

#include "arena.h"

typedef struct bind_span { uint32_t file, start, end; } bind_span;

typedef struct bind_source {
    uint32_t id;            /* index in bind_sources */
    const char *path;       /* as shown in diagnostics: as given, or <stdlib>/NAME.bind */
    const char *real_path;  /* canonical path used to read each file once (NULL for stdlib) */
    const char *text;       /* NUL-terminated; len excludes the NUL */
    size_t len;
    bool is_stdlib;
    bool owns_text;         /* text is a malloc'ed buffer that bind_sources_fini frees */
    uint32_t *lines;        /* byte offset of each line start; built lazily */
    size_t nlines;
} bind_source;

typedef struct bind_sources {
    bind_arena *arena;
    BIND_VEC(bind_source *) files;
} bind_sources;

void bind_sources_init(bind_sources *s, bind_arena *a);
void bind_sources_fini(bind_sources *s);
/* Copies text into the arena. */
bind_source *bind_sources_add(bind_sources *s, const char *path, const char *real_path,
                              const char *text, size_t len, bool is_stdlib);
/* Takes text, a malloc'ed buffer of at least len + 1 bytes, instead of
 * copying it: a fleet's file is tens of MB, and a second copy of it would
 * be memory the rest of the compile had to fault in. */
bind_source *bind_sources_adopt(bind_sources *s, const char *path, const char *real_path,
                                char *text, size_t len, bool is_stdlib);
bind_source *bind_sources_get(const bind_sources *s, uint32_t id);

/* 1-based line; 1-based column counted in bytes from the line start. */
void bind_source_linecol(bind_source *src, uint32_t offset, uint32_t *line, uint32_t *col);
/* Byte offset where 1-based line starts (len if past the end) and its length without EOL. */
uint32_t bind_source_line_start(bind_source *src, uint32_t line);
uint32_t bind_source_line_length(bind_source *src, uint32_t line);
uint32_t bind_source_line_count(bind_source *src);
/* Finds the first line longer than max bytes (its line end not counted):
 * true with its start offset and length, false when every line fits.
 * Without building the line table. */
bool bind_source_long_line(const bind_source *src, size_t max, uint32_t *start, uint32_t *len);
/* 0-based UTF-16 column of a byte offset (for LSP); and the reverse. */
uint32_t bind_source_utf16_col(bind_source *src, uint32_t offset);
uint32_t bind_source_offset_from_utf16(bind_source *src, uint32_t line0, uint32_t utf16col);

static inline bind_span bind_span_make(uint32_t file, uint32_t start, uint32_t end)
{
    bind_span s = { file, start, end };
    return s;
}
static inline bind_span bind_span_join(bind_span a, bind_span b)
{
    bind_span s = { a.file, a.start < b.start ? a.start : b.start, a.end > b.end ? a.end : b.end };
    return s;
}

#endif
