/* A file that is not UTF-8 text: UTF-16 or UTF-32 (with or without a byte
 * order mark) or binary.  Read as .bind text it would be a thousand errors
 * about its bytes; it is one diagnostic instead, saying what it is and the
 * command that converts it.  The loader (`check`, `compile`, `route`, a
 * `use`) and the formatter ask it before they parse. */
#ifndef BIND_FOREIGN_TEXT_H
#define BIND_FOREIGN_TEXT_H

#include <stdbool.h>

#include "base/source.h"
#include "diag/diag.h"

/* When src is not UTF-8 text: pushes E0004 at its start (no excerpt: its
 * lines are not text) and returns true.  False for text, which may still
 * hold stray bytes that the lexer reports one by one. */
bool bind_refuse_foreign_text(const bind_source *src, bind_diag_bag *diags);

#endif
