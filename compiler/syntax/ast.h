/* The syntax tree of one .bind file, exactly as written.
 *
 * Nothing here is checked or resolved: the tree keeps the order and spans
 * of what the user wrote (the formatter and the language server need them);
 * meaning is given by the checker, which builds the model from it. */
#ifndef BIND_AST_H
#define BIND_AST_H

#include "base/source.h"

enum bind_scalar_kind { BIND_SCALAR_WORD, BIND_SCALAR_STRING };

typedef struct bind_scalar {
    uint8_t kind;           /* enum bind_scalar_kind */
    bool single_quoted;     /* '...' string */
    bool escaped;           /* escapes decoded (or invisible characters dropped): inner offsets are not 1:1 */
    const char *text;       /* decoded text, interned (a binding's information: a copy) */
    bind_span span;         /* the whole token, quotes included */
} bind_scalar;

typedef struct bind_value {
    bind_scalar *items;
    uint32_t len;
    bind_span span;
} bind_value;

typedef struct bind_field {
    bind_scalar key;
    bind_value value;
    bind_span span;
} bind_field;

typedef struct bind_option {
    bind_scalar name;
    bool has_value;
    bind_value value;
    bind_span span;
} bind_option;

typedef struct bind_ast_binding {
    bind_scalar protocol, info;
    bind_option *options;
    uint32_t noptions;
    bind_span span;
} bind_ast_binding;

typedef struct bind_ast_app {
    bind_scalar path;
    struct bind_item *items;   /* fields only */
    uint32_t nitems;
    bind_span span;
} bind_ast_app;

enum bind_item_kind { BIND_ITEM_FIELD, BIND_ITEM_BINDING, BIND_ITEM_APP };

typedef struct bind_item {
    uint8_t kind;              /* enum bind_item_kind */
    union {
        bind_field field;
        bind_ast_binding binding;
        bind_ast_app app;
    } u;
} bind_item;

enum bind_stmt_kind {
    BIND_STMT_USE,
    BIND_STMT_PLATFORM_SELECT,
    BIND_STMT_PLATFORM_DEF,
    BIND_STMT_DEFAULTS,
    BIND_STMT_CERT,
    BIND_STMT_SITE,
    BIND_STMT_IPLISTEN,
};

typedef struct bind_stmt {
    uint8_t kind;              /* enum bind_stmt_kind */
    bind_span span;            /* keyword to end of statement */
    bind_span keyword;
    bind_scalar name;          /* use: the path string; platform/cert/site: the name */
    bind_item *items;          /* block contents in source order */
    uint32_t nitems;
    bind_value list;           /* iplisten addresses */
    bind_span open_brace, close_brace;
} bind_stmt;

/* Receives each statement of a streaming parse (parse.h). */
typedef void (*bind_stmt_sink)(void *ctx, const bind_stmt *st);

typedef struct bind_comment {
    bind_span span;            /* from `#` to end of line (EOL excluded) */
    bool own_line;             /* nothing but white space before it */
} bind_comment;

/* A compilation that released its syntax (compile.h) keeps each file's
 * source and syntax_errors; its statements and comments are gone. */
typedef struct bind_ast_file {
    struct bind_source *src;
    bind_stmt *stmts;
    uint32_t nstmts;
    bind_comment *comments;
    uint32_t ncomments;
    bool syntax_errors;        /* E0001-E0003, or E0007 for a list over its limit */
    uint32_t split_at;         /* where a split streaming parse's second part began; 0: one part */
} bind_ast_file;

#endif
