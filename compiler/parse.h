/* Parsing one .bind file into its syntax tree (grammar/parser.y). */
#ifndef BIND_PARSE_H
#define BIND_PARSE_H

#include "lex.h"

/* Lexes and parses src.  Syntax errors are pushed to diags with recovery at
 * statement boundaries; the tree holds every statement that parsed. */
bind_ast_file *bind_parse_file(bind_source *src, bind_arena *a, bind_interner *in, bind_diag_bag *diags);

#endif
