/* The client's own copy of an open document, and LSP positions in it.
 *
 * Written from the LSP 3.17 text, not from the server's code, so that the
 * two can disagree: a line ends at \n, \r\n or a lone \r; `character`
 * counts UTF-16 code units (a character outside the BMP is two).  The text
 * is always valid UTF-8 and every offset used is on a character boundary,
 * never between the \r and \n of a line break, which is what a client can
 * name with a position. */
#ifndef BIND_TEST_DOC_MODEL_H
#define BIND_TEST_DOC_MODEL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct doc_model {
    char *s;                   /* NUL-terminated; may hold no NUL inside */
    size_t len, cap;
} doc_model;

void doc_model_set(doc_model *d, const char *s, size_t n);
void doc_model_free(doc_model *d);
/* Replaces bytes [a, b) with s[0, n). */
void doc_model_replace(doc_model *d, size_t a, size_t b, const char *s, size_t n);

/* The LSP position of byte offset off; an offset inside a line break (or
 * past the end) is the end of its line. */
void doc_model_position(const doc_model *d, size_t off, long *line, long *character);

/* The byte offset of an LSP position; false when the position is not on
 * a character of the text (inside a surrogate pair, past its line's end,
 * past the last line). */
bool doc_model_offset(const doc_model *d, long line, long character, size_t *off);

/* off moved back to a place a position can name. */
size_t doc_model_boundary(const doc_model *d, size_t off);
/* The offset k characters after off (a \r\n is one), at most len. */
size_t doc_model_forward(const doc_model *d, size_t off, size_t k);
/* The start of the line that holds off, and the end of its content. */
size_t doc_model_line_start(const doc_model *d, size_t off);
size_t doc_model_line_end(const doc_model *d, size_t off);

/* The byte offset of `bindc check`'s 1-based line and byte column, whose
 * lines end only at \n; false when the text has no such place. */
bool doc_model_cli_offset(const doc_model *d, long line, long column, size_t *off);

#endif
