/* The kind of an input and its text as UTF-8 (detect.c). */
#ifndef BIND_IMPORT_DETECT_H
#define BIND_IMPORT_DETECT_H

#include "imported.h"

/* Makes `raw` (a malloc'ed buffer of len + 1 bytes, taken over) a source
 * of im in UTF-8 and says its kind.  NULL after E0603 (an encoding that
 * cannot be read; the source is added all the same, for the diagnostic).
 * A kind the content does not tell is BIND_IMPORT_UNKNOWN: the caller
 * reports it. */
bind_source *bind_import_source(bind_imported *im, const char *path, char *raw, size_t len, enum bind_import_kind *kind);
/* The same for a file of captures (--state): text that is not UTF-8 is
 * read as code page 850 whatever the content, since a file of several
 * captures is of no one kind. */
bind_source *bind_import_source_as(bind_imported *im, const char *path, char *raw, size_t len, bool captures,
                                   enum bind_import_kind *kind);
/* The kind of UTF-8 text, by its content. */
enum bind_import_kind bind_import_detect(const char *text, size_t len);

/* netsh's `LABEL : VALUE` (and urlacl's `LABEL: VALUE`): where the label
 * ends and the value starts; false for a line without one. */
bool bind_import_split_label(const char *line, size_t n, size_t *label_end, size_t *value_at);
/* A label in lower-case letters and digits only: "IP:port" is "ipport". */
size_t bind_import_label(const char *s, size_t n, char *out, size_t cap);

#endif
