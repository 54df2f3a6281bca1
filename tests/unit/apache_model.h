/* A model of how Apache httpd 2.4 reads its configuration, for the tests
 * that must show a user string arrives as exactly one argument.
 *
 * It follows server/util.c and server/config.c: a physical line ending in
 * one backslash goes on in the next one (ap_cfg_getline, comments included);
 * leading and trailing blanks are dropped; an empty line or one starting
 * with `#` is nothing; `${NAME}` anywhere in any other line is replaced by
 * a variable before the line is read (ap_resolve_env), so the model
 * reports it; the first word is the directive; each argument is a word up
 * to a blank, or a string in `"` or `'` up to the same quote, where `\"`
 * (or `\'`) and `\\` are that character and every other backslash stays
 * (ap_getword_conf). */
#ifndef BIND_TEST_APACHE_MODEL_H
#define BIND_TEST_APACHE_MODEL_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct apache_arg {
    char *text;       /* what the directive receives */
    bool quoted;
} apache_arg;

typedef struct apache_line {
    apache_arg *args; /* args[0] is the directive, or the whole text of a comment */
    size_t nargs;
    bool comment;
} apache_line;

typedef struct apache_lines {
    apache_line *items;
    size_t len;
    const char *error;   /* NULL when Apache would read the text as given */
} apache_lines;

static inline bool apache_model_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static inline void apache_model_arg(apache_line *l, char *text, bool quoted)
{
    l->args = realloc(l->args, (l->nargs + 1) * sizeof *l->args);
    l->args[l->nargs++] = (apache_arg){ text, quoted };
}

/* The words of one logical line (ap_getword_conf). */
static inline void apache_model_words(apache_line *l, const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        while (i < n && apache_model_blank(s[i])) i++;
        if (i >= n) return;
        char q = s[i];
        if (q == '"' || q == '\'') {
            char *out = malloc(n - i + 1), *d = out;
            for (i++; i < n && s[i] != q; i++) {
                if (s[i] == '\\' && i + 1 < n && (s[i + 1] == q || s[i + 1] == '\\')) i++;
                *d++ = s[i];
            }
            *d = '\0';
            if (i < n) i++;
            apache_model_arg(l, out, true);
        } else {
            size_t start = i;
            while (i < n && !apache_model_blank(s[i])) i++;
            char *out = malloc(i - start + 1);
            memcpy(out, s + start, i - start);
            out[i - start] = '\0';
            apache_model_arg(l, out, false);
        }
    }
}

static inline apache_lines apache_model_read(const char *s, size_t len)
{
    apache_lines r = { 0 };
    char *line = malloc(len + 1);
    for (size_t i = 0; i < len;) {
        /* A logical line: physical ones joined where one ends in `\`. */
        size_t n = 0;
        for (;;) {
            size_t e = i;
            while (e < len && s[e] != '\n') e++;
            size_t end = e;
            if (end > i && s[end - 1] == '\r') end--;
            /* [^\\]\\[\r]\n only: a doubled backslash ends the line. */
            bool more = end - i >= 2 && s[end - 1] == '\\' && s[end - 2] != '\\' && e < len;
            memcpy(line + n, s + i, end - i - (more ? 1 : 0));
            n += end - i - (more ? 1 : 0);
            i = e < len ? e + 1 : e;
            if (!more) break;
        }
        size_t a = 0, b = n;
        while (a < b && apache_model_blank(line[a])) a++;
        while (b > a && apache_model_blank(line[b - 1])) b--;
        if (a == b) continue;
        r.items = realloc(r.items, (r.len + 1) * sizeof *r.items);
        apache_line *l = &r.items[r.len++];
        memset(l, 0, sizeof *l);
        if (line[a] == '#') {
            l->comment = true;
            char *text = malloc(b - a + 1);
            memcpy(text, line + a, b - a);
            text[b - a] = '\0';
            apache_model_arg(l, text, false);
            continue;
        }
        for (size_t k = a; k + 1 < b; k++)
            if (line[k] == '$' && line[k + 1] == '{' && memchr(line + k + 2, '}', b - k - 2)) r.error = "`${NAME}` in a line: Apache replaces it";
        apache_model_words(l, line + a, b - a);
    }
    free(line);
    return r;
}

static inline void apache_model_free(apache_lines *r)
{
    for (size_t i = 0; i < r->len; i++) {
        for (size_t k = 0; k < r->items[i].nargs; k++) free(r->items[i].args[k].text);
        free(r->items[i].args);
    }
    free(r->items);
    r->items = NULL;
    r->len = 0;
}

#endif
