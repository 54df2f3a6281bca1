/* "Did you mean …": the closest candidate by edit distance. */
#ifndef BIND_SUGGEST_H
#define BIND_SUGGEST_H

#include <stddef.h>

/* The candidate closest to word (case-insensitive Damerau-Levenshtein), or
 * NULL when none is close enough to be a plausible typo. */
const char *bind_suggest(const char *word, const char *const *candidates, size_t n);

#endif
