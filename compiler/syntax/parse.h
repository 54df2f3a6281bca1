/* Parsing one .bind file into its syntax tree (grammar/parser.y). */
#ifndef BIND_PARSE_H
#define BIND_PARSE_H

#include "lex.h"

/* Limits (README, "Limits") that no hand-written file comes near; past them
 * the parser reports an error instead of spending time without bound.  A
 * longer line leaves the whole file unparsed (E0001): the line's positions
 * cost time in every diagnostic and editor request.  A longer
 * comma-separated value keeps its first BIND_MAX_LIST_LENGTH items (E0007):
 * the checker compares a list's items with each other. */
#define BIND_MAX_LINE_LENGTH 65536u     /* bytes, the line end not counted */
#define BIND_MAX_LIST_LENGTH 10000u     /* items in one value or `iplisten` */

/* Lexes and parses src.  Syntax errors are pushed to diags with recovery at
 * statement boundaries; the tree holds every statement that parsed. */
bind_ast_file *bind_parse_file(bind_source *src, bind_arena *a, bind_interner *in, bind_diag_bag *diags);

/* What the second part of a split parse may declare on its own thread:
 * statements that depend on none before them (the checker's sites), into a
 * declaration context of the part's own; the first part then merges each
 * where it comes in order, instead of declaring it from its tree.  Those
 * statements' trees are then gone as soon as they are declared, like the
 * first part's.  `arena` lives as long as the compilation when the parts
 * join (what `declare` makes may point into it), `in` and `diags` are the
 * part's. */
typedef struct bind_part_sink {
    void *(*open)(bind_arena *arena, bind_interner *in, bind_diag_bag *diags);  /* second thread */
    bool (*declare)(void *part, const bind_stmt *st);   /* second thread: true when it took the statement */
    void (*merge)(void *ctx, void *part);               /* first thread: the next statement taken */
    void (*close)(void *part);                          /* first thread, merged or dropped */
} bind_part_sink;

/* The same, but each statement goes to sink as soon as it is parsed, in
 * source order, and is gone when sink returns (its arrays are reused for
 * the next one): a fleet's tree is several times its text, and nothing but
 * the checker's declarations reads it on the command line.  The file
 * returned has the source and syntax_errors, no statements, no comments.
 * sink may parse other files meanwhile (a `use`).
 *
 * split_at, when not 0, is where a second thread starts parsing the rest
 * of the file meanwhile (bind_parse_split_point).  Any offset gives the
 * same statements and diagnostics as none: when the first part does not
 * end a statement cleanly right there, the second part's work is dropped.
 * `part` (may be NULL) declares what it can of the second part. */
bind_ast_file *bind_parse_stream(bind_source *src, bind_arena *a, bind_interner *in, bind_diag_bag *diags,
                                 bind_stmt_sink sink, void *ctx, uint32_t split_at,
                                 const bind_part_sink *part);

/* Files smaller than this are parsed by one thread: a second saves less
 * than it costs to start.  (A megabyte is about 13,000 bindings.) */
#define BIND_PARSE_SPLIT_MIN (1u << 20)

/* Where to split the streaming parse of src: the start of the first line
 * from 53% of the file on that opens a `site` or `cert` block; 0 (no
 * split) for small files or when there is no such line. */
uint32_t bind_parse_split_point(const bind_source *src);

#endif
