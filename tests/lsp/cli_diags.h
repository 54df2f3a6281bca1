/* What a language server should publish for a document, according to
 * `bindc check --diagnostics-format json` on the same text.
 *
 * The command line counts 1-based lines split at \n and 1-based byte
 * columns; LSP counts 0-based lines split at \n, \r\n or \r and UTF-16
 * code units.  Both are turned into byte offsets of the text and back into
 * LSP positions by the client's own model (doc_model.h).  The rest follows
 * README's "Editors" section: a note in this file becomes related
 * information (the client says it supports it), any other note is added to
 * the message, and a diagnostic in the stdlib is shown at the start of the
 * file with its place in front of the message. */
#ifndef BIND_TEST_CLI_DIAGS_H
#define BIND_TEST_CLI_DIAGS_H

#include <jansson.h>

#include "doc_model.h"

/* The LSP diagnostics for the document uri, saved at path with the text
 * of doc; a new JSON array. */
json_t *cli_expected_diagnostics(const char *bindc, const char *path, const char *uri, const doc_model *doc);

#endif
