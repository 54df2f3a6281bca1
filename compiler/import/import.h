/* `bindc import`: a machine's files (applicationhost.config, netsh and
 * appcmd captures, nginx configuration) read into one .bind file.
 *
 * Each input is recognised by its content, never by its name, read into
 * the imported model (imported.h) by the reader of its kind, and the
 * whole written as canonical .bind text.  Diagnostics point into the
 * inputs (im->sources): what cannot be read is an error and nothing is
 * written; what the language cannot express is a warning and is left out. */
#ifndef BIND_IMPORT_H
#define BIND_IMPORT_H

#include "base/buf.h"
#include "imported.h"
#include "readers.h"

/* follow_files: read the files a configSource or an nginx `include` names. */
bind_imported *bind_import_new(bool follow_files);
void bind_import_free(bind_imported *im);

/* Reads one input: `text` is a malloc'ed buffer of at least len + 1 bytes,
 * which the importer takes.  Returns its kind, BIND_IMPORT_UNKNOWN when it
 * could not be read (an error is in im->diags). */
enum bind_import_kind bind_import_add(bind_imported *im, const char *path, char *text, size_t len);

/* Whether an error was reported (then nothing must be written). */
bool bind_import_failed(const bind_imported *im);

/* After every input: ties the HTTP.sys records to the bindings and writes
 * the .bind text into out.  platform: --platform, or NULL for the one the
 * files tell.  The diagnostics are sorted afterwards. */
void bind_import_finish(bind_imported *im, const char *platform, bind_buf *out);

/* The platforms a .bind may select without defining one (the stdlib
 * files), which an import selects (`--platform`), and whether name is one. */
const char *const *bind_import_platforms(size_t *n);
bool bind_import_platform_known(const char *name);

#endif
