/* A unified diff of two texts, as `diff -u` prints it, byte for byte.
 *
 * Lines are compared as bytes, their line end included: a CRLF line is a
 * line that ends in "\r\n", and "x" at the end of a file without a newline
 * is not the line "x\n" (it is printed with diff's "\ No newline at end of
 * file").  The edit script is a shortest one (Myers' O(ND) algorithm in
 * linear space, after the common head and tail and the lines found in one
 * text only are set aside), except where a part costs more than a bound:
 * there a good split is taken instead of the best, so that two 100,000-line
 * files that share little still take a fraction of a second. */
#ifndef BIND_UNIFIED_DIFF_H
#define BIND_UNIFIED_DIFF_H

#include "buf.h"

/* Appends to out the diff of a (labelled label_a on the "---" line) to b
 * (label_b, "+++") with `context` lines of context; nothing when the texts
 * are equal.  Returns whether they differ. */
bool bind_unified_diff(bind_buf *out, const char *a, size_t na, const char *b, size_t nb,
                       const char *label_a, const char *label_b, unsigned context);

#endif
