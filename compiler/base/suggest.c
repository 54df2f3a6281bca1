/* Edit-distance suggestions (see suggest.h). */
#include "suggest.h"

#include <ctype.h>
#include <string.h>

/* Optimal string alignment distance, capped: words longer than 64 bytes
 * are not typos of a keyword. */
static size_t distance(const char *a, const char *b)
{
    enum { MAX = 64 };
    size_t la = strlen(a), lb = strlen(b);
    if (la > MAX || lb > MAX) return (size_t)-1;
    size_t d[MAX + 1][MAX + 1];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2])
                && tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1])
                && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *bind_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    size_t limit = len < 3 ? 1 : len / 3 + 1;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t dd = distance(word, candidates[i]);
        if (dd <= limit && dd < best_d && dd < strlen(candidates[i])) {
            best = candidates[i];
            best_d = dd;
        }
    }
    return best;
}
