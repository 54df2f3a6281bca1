/* A model of how nginx reads its configuration into tokens, for the tests
 * that must show a user string arrives as exactly one token.
 *
 * It follows ngx_conf_read_token (src/core/ngx_conf_file.c, nginx 1.22):
 * blanks (space, tab, CR, LF) separate words; `;`, `{` and `}` are tokens of
 * their own; `#` starts a comment to the end of the line; a word starting
 * with `"` or `'` runs to the matching quote, which must be followed by a
 * blank, `;`, `{` or `)`; a backslash takes the next character, and in the
 * token's value `\"` `\'` `\\` are that character, `\t` `\r` `\n` a tab, CR
 * or LF, and any other backslash stays.  nginx reads the file through a
 * 4096-byte buffer (NGX_CONF_BUFFER): a token, from its first byte (after
 * an opening quote) through the byte that ends it (the closing quote), and a
 * comment from `#` up to its line feed, must each be shorter than that, or
 * nginx fails with "too long parameter"; the model reports an error too. */
#ifndef BIND_TEST_NGINX_MODEL_H
#define BIND_TEST_NGINX_MODEL_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NGINX_MODEL_BUFFER 4096

typedef struct nginx_token {
    char *text;       /* the value nginx hands to the directive */
    char kind;        /* 'w' a word, or ';' '{' '}' */
    bool quoted;
} nginx_token;

typedef struct nginx_tokens {
    nginx_token *items;
    size_t len;
    const char *error;   /* NULL when nginx would read the whole text */
} nginx_tokens;

static inline bool nginx_model_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static inline void nginx_model_push(nginx_tokens *t, char kind, char *text, bool quoted)
{
    t->items = realloc(t->items, (t->len + 1) * sizeof *t->items);
    t->items[t->len++] = (nginx_token){ text, kind, quoted };
}

/* The value of raw[0..n) as ngx_conf_read_token copies it. */
static inline char *nginx_model_unescape(const char *raw, size_t n)
{
    char *out = malloc(n + 1), *d = out;
    for (size_t i = 0; i < n;) {
        if (raw[i] == '\\' && i + 1 < n) {
            char c = raw[i + 1];
            if (c == '"' || c == '\'' || c == '\\') { *d++ = c; i += 2; continue; }
            if (c == 't' || c == 'r' || c == 'n') { *d++ = c == 't' ? '\t' : c == 'r' ? '\r' : '\n'; i += 2; continue; }
        }
        *d++ = raw[i++];
    }
    *d = '\0';
    return out;
}

static inline nginx_tokens nginx_model_read(const char *s, size_t len)
{
    nginx_tokens t = { NULL, 0, NULL };
    size_t i = 0;
    while (i < len && !t.error) {
        char c = s[i];
        if (nginx_model_blank(c)) { i++; continue; }
        if (c == '#') {
            size_t start = i;
            while (i < len && s[i] != '\n') i++;
            if (i - start >= NGINX_MODEL_BUFFER) t.error = "too long comment";
            continue;
        }
        if (c == ';' || c == '{' || c == '}') {
            nginx_model_push(&t, c, NULL, false);
            i++;
            continue;
        }
        bool quoted = c == '"' || c == '\'';
        size_t start = quoted ? i + 1 : i, j = start;
        for (;;) {
            if (j >= len) { t.error = quoted ? "unterminated quoted string" : "unexpected end of file"; break; }
            char d = s[j];
            if (d == '\\') { j += 2; continue; }
            if (quoted ? d == c : nginx_model_blank(d) || d == ';' || d == '{') break;
            j++;
        }
        if (t.error) break;
        /* Through the closing quote, or the byte that ends the word. */
        if (j + 1 - start >= NGINX_MODEL_BUFFER) { t.error = "too long parameter"; break; }
        nginx_model_push(&t, 'w', nginx_model_unescape(s + start, j - start), quoted);
        i = quoted ? j + 1 : j;
        if (quoted && i < len && !nginx_model_blank(s[i]) && s[i] != ';' && s[i] != '{' && s[i] != ')')
            t.error = "unexpected character after a quoted string";
    }
    return t;
}

static inline void nginx_model_free(nginx_tokens *t)
{
    for (size_t i = 0; i < t->len; i++) free(t->items[i].text);
    free(t->items);
    memset(t, 0, sizeof *t);
}

#endif
