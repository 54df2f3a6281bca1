/* The .bind lexer's interface (grammar/lexer.re): bytes to tokens.
 *
 * It never prints and never stops: a bad byte becomes a diagnostic (E0002,
 * E0003) and lexing goes on, so one stray character does not hide the rest
 * of the file.  Token kinds are Bison's (parser.h). */
#ifndef BIND_LEXER_H
#define BIND_LEXER_H

#include "ast.h"
#include "diag/diag.h"

typedef struct bind_token {
    int kind;                 /* BIND_TOK_* from parser.h */
    bind_span span;
    /* Interned text: a double-quoted string's, decoded, or a word's with
     * invisible characters dropped.  NULL for a plain word and a '...'
     * string: their bytes are `raw`, `len` long, in the source (a string's
     * without its quotes).  The parser interns the words and strings that
     * are names and copies the others: a binding's information and a
     * field's value (nearly every one of a fleet's is distinct, and
     * nothing compares them by pointer). */
    const char *text;
    const char *raw;
    uint32_t len;
    bool single_quoted;
    bool escaped;
} bind_token;

typedef struct bind_lexer {
    bind_source *src;
    const unsigned char *base, *cur, *lim, *mar, *tok;
    bind_interner *interner;
    bind_diag_bag *diags;
    int last_kind;            /* to continue lists after `,` and end the file with a newline */
    bool at_line_start;       /* only white space seen on this line */
    bool had_error;
    BIND_VEC(bind_comment) comments;
    BIND_VEC(char) buf;       /* decoding scratch for strings */
} bind_lexer;

void bind_lexer_init(bind_lexer *lx, bind_source *src, bind_interner *in, bind_diag_bag *diags);
/* The same, reading from byte `at`, which must start a line (a split
 * parse's second part): the state is the one after a newline. */
void bind_lexer_init_at(bind_lexer *lx, bind_source *src, bind_interner *in, bind_diag_bag *diags, uint32_t at);
void bind_lexer_fini(bind_lexer *lx);
int bind_lexer_next(bind_lexer *lx, bind_token *tok);
/* Whether the n bytes at w are a keyword of the language (`site`, `app`,
 * …): a name written where a word goes must not be one. */
bool bind_lex_is_keyword(const char *w, size_t n);
/* Name of a token kind as shown in "expected …" messages. */
const char *bind_token_name(int kind);

#endif
