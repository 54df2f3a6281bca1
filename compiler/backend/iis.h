/* The iis target's two halves: backend/iis.c turns the model into <site> and
 * <add> elements; backend/iis_document.c reads the applicationhost.config they go
 * into (the user's file under --merge, a built-in skeleton otherwise) and
 * splices them in.  Only these files call libxml2 (with the importer).
 *
 * The document is never re-serialised as a whole: every byte outside the
 * replaced <site> elements and the added pool entries is copied from the
 * input, so comments, other sections, quoting, line ends, the encoding
 * declaration and a BOM stay exactly as they were. */
#ifndef BIND_EMIT_IIS_H
#define BIND_EMIT_IIS_H

#include "backend.h"

/* The code for a --merge file bindc cannot merge into (it does not parse,
 * is not UTF-8, is a fragment, …); the span points into that file. */
#define BIND_IIS_MERGE_REFUSED BIND_E0004

typedef struct bind_iis_doc {
    const char *text;              /* the document, as read */
    size_t len;
    bool ascii_only;               /* declared US-ASCII: non-ASCII goes out as &#x…; */
    const char *eol;               /* "\r\n" or "\n": what the <sites> section uses */
    const char *site_indent;       /* leading white space of a <site> line */
    const char *pool_indent;       /* of an <add> line in <applicationPools> */
    const char *unit;              /* one level of nesting inside a <site> */
    bool inherits_bindings;        /* <siteDefaults><bindings> has entries */
    const char **pools;            /* names already in <applicationPools> */
    size_t npools;
    /* Byte positions found by backend/iis_document.c; backend/iis.c does not read them. */
    struct bind_iis_section *sites, *app_pools;
} bind_iis_doc;

/* Reads src, one of the compilation's sources, as an applicationhost.config
 * (NULL: the built-in skeleton).  On refusal pushes a BIND_IIS_MERGE_REFUSED
 * error pointing into src and returns false.  Memory comes from cx->arena. */
bool bind_iis_doc_read(bind_emit_ctx *cx, const bind_source *src, bind_iis_doc *d);

/* The document with every <site> in <sites> replaced by `sites` and `pools`
 * added at the end of <applicationPools>.  Both are whole lines, indented
 * for the document and ending in d->eol (or empty). */
void bind_iis_doc_splice(const bind_iis_doc *d, const char *sites, size_t sites_len,
                         const char *pools, size_t pools_len, bind_buf *out);

/* The document that --target iis writes without --merge. */
extern const char bind_iis_skeleton[];

#endif
