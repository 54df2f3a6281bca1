/* The formatter: one .bind file in its canonical layout (`bindc fmt`, and
 * the language server's textDocument/formatting).
 *
 * The layout is a function of the syntax tree and the comments alone, so
 * fmt(fmt(x)) = fmt(x); it changes only spelling that the checker reads the
 * same way (indentation, alignment, blank lines, string quoting, protocol
 * and host case, RFC 5952 IPv6), so the model of fmt(x) is the model of x;
 * and every comment comes out, in order, where it was: on its own line or
 * at the end of the line of the token it followed.  A file is formatted on
 * its own: `use` is not followed. */
#ifndef BIND_FMT_H
#define BIND_FMT_H

#include "ast.h"
#include "base/buf.h"
#include "diag/diag.h"

/* Parses src and appends its canonical form to out.  A file with syntax
 * errors (E0001-E0003), or that is not UTF-8 text (E0004), is not
 * formatted: the errors go to diags, out is left as it was, and the result
 * is false.  src is not const because the
 * line table is built lazily; a is used for scratch and the syntax tree. */
bool bind_fmt_source(bind_source *src, bind_arena *a, bind_buf *out, bind_diag_bag *diags);

/* The same for a tree that is already parsed (the language server has one).
 * Returns false, appending nothing, when the tree has syntax errors. */
bool bind_fmt_ast(const bind_ast_file *f, bind_arena *a, bind_buf *out);

/* The pieces of the layout that the import's .bind writer (import/
 * bind_writer.c) lays out alike without a syntax tree. */

/* Columns a terminal gives the text: one per code point. */
uint32_t bind_fmt_width(const char *s, size_t n);
/* A string in the quotes that need no escape (see format.c). */
void bind_fmt_put_string(bind_buf *out, const char *text);

#endif
