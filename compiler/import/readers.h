/* One reader per kind of input; each fills the bind_imported it is given
 * and reports into its diagnostics, pointing into `src`. */
#ifndef BIND_IMPORT_READERS_H
#define BIND_IMPORT_READERS_H

#include "imported.h"

/* The largest input read (a fleet's applicationhost.config is hundreds of
 * MB; libxml2 takes at most 2 GiB). */
#define BIND_IMPORT_MAX_FILE (1024u << 20)

void bind_import_iis_config(bind_imported *im, bind_source *src);                          /* iis_config.c */
void bind_import_netsh(bind_imported *im, bind_source *src, enum bind_import_kind kind);    /* netsh_show.c */
/* The same for the capture in [from, to) of src (one of several in a file,
 * import/state.h); family is what an excludedportrange capture is of: 4,
 * 6, or 0 when nothing says. */
void bind_import_netsh_range(bind_imported *im, bind_source *src, enum bind_import_kind kind, size_t from, size_t to,
                             int family);
/* Whether text looks like `netsh int ... show excludedportrange`: a rule
 * of two runs of dashes, then a range of two ports or the `*` line. */
bool bind_import_excluded_shape(const char *text, size_t n);
void bind_import_appcmd(bind_imported *im, bind_source *src);                              /* appcmd.c */
void bind_import_nginx(bind_imported *im, bind_source *src);                               /* nginx_conf.c */

#endif
