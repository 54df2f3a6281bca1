/* The words of the .bind language with a line of documentation each, for
 * completion and hover.  The checker holds the rules; this holds the words
 * an editor offers (tests/unit/test_lsp_features.c compiles every one of
 * them, so a word the checker does not know fails the build's tests). */
#ifndef BIND_LSP_VOCAB_H
#define BIND_LSP_VOCAB_H

#include <stddef.h>

/* Where a word is written. */
enum bind_lsp_block {
    BIND_LSP_TOP,            /* statements of a file */
    BIND_LSP_SITE,
    BIND_LSP_CERT,
    BIND_LSP_DEFAULTS,
    BIND_LSP_PLATFORM,
    BIND_LSP_APP,
    BIND_LSP_OTHER,          /* a block the editor cannot name (mid-edit) */
};

/* What a field or option takes, for value completion. */
enum bind_lsp_value {
    BIND_LSP_V_NONE,         /* an option without `=` */
    BIND_LSP_V_TEXT,
    BIND_LSP_V_BOOL,         /* on | off */
    BIND_LSP_V_OFF,          /* an option that is only ever `=off` */
    BIND_LSP_V_CERT,         /* a declared certificate's name */
    BIND_LSP_V_STORE,        /* My | WebHosting */
    BIND_LSP_V_SERVER,       /* iis | nginx | apache | any */
    BIND_LSP_V_NUMBER,
    BIND_LSP_V_PORTS,
    BIND_LSP_V_HOSTS,
};

typedef struct bind_lsp_word {
    const char *name;
    const char *doc;         /* one or two sentences, markdown-safe */
    enum bind_lsp_value value;
} bind_lsp_word;

const bind_lsp_word *bind_lsp_vocab_keywords(size_t *n);
const bind_lsp_word *bind_lsp_vocab_protocols(size_t *n);
const bind_lsp_word *bind_lsp_vocab_options(size_t *n);
/* Fields of a block (none for TOP and OTHER). */
const bind_lsp_word *bind_lsp_vocab_fields(enum bind_lsp_block b, size_t *n);
/* The word of this name in a list, or NULL. */
const bind_lsp_word *bind_lsp_word_find(const bind_lsp_word *list, size_t n, const char *name, size_t len);
const char *bind_lsp_block_name(enum bind_lsp_block b);   /* "a site block" */

#endif
