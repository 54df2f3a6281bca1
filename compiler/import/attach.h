/* HTTP.sys records tied to the bindings they serve (attach.c). */
#ifndef BIND_IMPORT_ATTACH_H
#define BIND_IMPORT_ATTACH_H

#include "imported.h"

/* Gives every https binding its certificate (from `netsh http show
 * sslcert`, from applicationhost.config's certificateHash, or a place
 * holder with W0603 where `platform` has no default certificate) and every
 * binding its URL reservation's grantee; what serves nothing is said. */
void bind_import_attach(bind_imported *im, const char *platform);

#endif
