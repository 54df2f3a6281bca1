/* Open documents of the language server: their text under incremental
 * edits, and positions in LSP terms.
 *
 * LSP positions are (line, character), 0-based.  Lines end at `\n`, `\r\n`
 * or `\r` (the LSP rule, which is not the compiler's: a lone `\r` is an
 * error in .bind but still a line break in the editor).  `character`
 * counts UTF-16 code units, or bytes when the client and server agreed on
 * UTF-8.  Bytes that are not valid UTF-8 (only files read from disk can
 * have them) count as one unit each, as editors show each as U+FFFD. */
#ifndef BIND_LSP_DOCS_H
#define BIND_LSP_DOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bind_lsp_encoding { BIND_LSP_UTF16, BIND_LSP_UTF8 };

typedef struct bind_lsp_pos { uint32_t line, character; } bind_lsp_pos;

/* The start offset of every line of a text. */
typedef struct bind_lsp_lines {
    uint32_t *starts;
    size_t n, cap;
} bind_lsp_lines;

void bind_lsp_lines_build(bind_lsp_lines *l, const char *text, size_t len);
void bind_lsp_lines_free(bind_lsp_lines *l);
/* Byte offset -> position.  An offset inside a line break or inside a
 * character is moved back to the end of the line or the character's start. */
bind_lsp_pos bind_lsp_pos_of(const bind_lsp_lines *l, const char *text, size_t len, size_t offset,
                             enum bind_lsp_encoding enc);
/* Position -> byte offset.  A character past the end of its line means the
 * end of the line; a line past the last means the end of the text. */
size_t bind_lsp_offset_of(const bind_lsp_lines *l, const char *text, size_t len, bind_lsp_pos p,
                          enum bind_lsp_encoding enc);

typedef struct bind_lsp_doc {
    char *uri;                /* exactly as the client sent it */
    char *path;               /* the file path of a file: URI, else the URI itself */
    bool is_file;
    char *key;                /* canonical path, as the loader names files (lsp/units.c keeps it) */
    int64_t version;
    char *text;               /* NUL-terminated; len excludes the NUL */
    size_t len, cap;
    bind_lsp_lines lines;
    uint32_t order;           /* opening order: ties between units go to the older document */
} bind_lsp_doc;

bind_lsp_doc *bind_lsp_doc_new(const char *uri, int64_t version, const char *text, size_t len, uint32_t order);
void bind_lsp_doc_free(bind_lsp_doc *d);
/* Replaces the text between two positions (whole text when range is NULL). */
void bind_lsp_doc_edit(bind_lsp_doc *d, const bind_lsp_pos *range, const char *text, size_t n,
                       enum bind_lsp_encoding enc);

/* file:///a%20b.bind -> /a b.bind (malloc'ed), or NULL for another scheme,
 * a remote host or an encoded NUL. */
char *bind_lsp_uri_to_path(const char *uri);
/* /a b.bind -> file:///a%20b.bind (malloc'ed). */
char *bind_lsp_path_to_uri(const char *path);

#endif
