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
void bind_import_appcmd(bind_imported *im, bind_source *src);                              /* appcmd.c */
void bind_import_nginx(bind_imported *im, bind_source *src);                               /* nginx_conf.c */

#endif
