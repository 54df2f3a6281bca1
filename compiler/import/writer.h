/* The imported model as .bind text in canonical layout (bind_writer.c). */
#ifndef BIND_IMPORT_WRITER_H
#define BIND_IMPORT_WRITER_H

#include "base/buf.h"
#include "imported.h"

/* Appends the .bind text of im to out: a header naming the inputs, the
 * platform (with why, as a comment), iplisten, certificates, sites. */
void bind_import_write_bind(bind_imported *im, const char *platform, const char *platform_why, bind_buf *out);

#endif
