/* Random edits to a .bind document, as a person at an editor makes them:
 * typing and backspacing at a cursor, deleting selections across lines,
 * inserting binding lines and pasting whole sites, pasting garbage
 * (braces, quotes, U+200B and other invisible characters, non-ASCII,
 * characters outside the BMP, CRLF and lone CR line ends), undoing the
 * last few edits, and going back to a valid text.  Deterministic for a
 * seed (splitmix64).
 *
 * Each edit is a list of LSP content changes for one didChange, built
 * against the client's copy of the text, which follows every change. */
#ifndef BIND_TEST_EDITS_H
#define BIND_TEST_EDITS_H

#include <jansson.h>
#include <stdint.h>

#include "doc_model.h"

#define EDITS_UNDO 64          /* the undo history an editor keeps */

typedef struct edits_undo {
    size_t at, inserted;       /* the change put `inserted` bytes at `at` ... */
    char *removed;             /* ... where these were (NUL-terminated) */
} edits_undo;

typedef struct edits {
    doc_model doc;             /* the client's copy of the text */
    uint64_t rng;
    size_t cursor;             /* where typing goes on */
    char *valid;               /* a text without errors, to go back to */
    size_t valid_len;
    edits_undo undo[EDITS_UNDO];
    size_t undo_top, undo_len; /* a ring: the newest is undo[(undo_top - 1) % EDITS_UNDO] */
    json_t *changes;           /* the content changes of the edit being built */
} edits;

void edits_init(edits *e, uint64_t seed, const char *valid, size_t valid_len);
void edits_fini(edits *e);

/* A random number in [0, n). */
uint64_t edits_rand(edits *e, uint64_t n);

/* Starts the next edit: e->changes becomes an empty array. */
void edits_begin(edits *e);
/* Bytes [a, b) become text[0, n): one ranged change, applied to the copy
 * and remembered for undo. */
void edits_change(edits *e, size_t a, size_t b, const char *text, size_t n);
/* The whole text becomes text[0, n): one change without a range. */
void edits_replace_all(edits *e, const char *text, size_t n);

/* Makes one random edit (edits_begin, then changes); returns its kind. */
const char *edits_random(edits *e);

/* A random place a position can name. */
size_t edits_random_offset(edits *e);

/* Appends a valid site (with its certificate) numbered n to the text in
 * buf (realloc'd; *len updated). */
void edits_site_block(char **buf, size_t *len, unsigned n, const char *eol);

#endif
