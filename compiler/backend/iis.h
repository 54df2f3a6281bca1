/* The iis target in four files, each calling only the ones below it:
 *   iis.c           the target: reads the document, merges, splices;
 *   iis_merge.c     what a merge changes in the sites the file already has;
 *   iis_writer.c    new elements as the document writes them, escaped;
 *   iis_document.c  the applicationhost.config they go into (the user's
 *                   file under --merge, a built-in skeleton otherwise):
 *                   read with libxml2, with the byte position of every
 *                   element and attribute that a merge may touch, and the
 *                   edits spliced into its bytes.
 * Only these files (and the importer) call libxml2.
 *
 * The document is never re-serialised: every byte that an edit does not
 * replace is copied from the input, so comments, other sections, sites the
 * .bind files do not name, attributes and elements bindc does not model,
 * quoting, line ends, the encoding declaration and a BOM stay exactly as
 * they were.  A merge that changes nothing gives the input back. */
#ifndef BIND_EMIT_IIS_H
#define BIND_EMIT_IIS_H

#include <libxml/tree.h>

#include "backend.h"
#include "base/table.h"

/* The code for a --merge file bindc cannot merge into (it does not parse,
 * is not UTF-8, is a fragment, …); the span points into that file. */
#define BIND_IIS_MERGE_REFUSED BIND_E0004

/* ---- the document (iis_document.c) ------------------------------------- */

/* An attribute as written: its name, its value as XML reads it, and where
 * the value's bytes are (between the quotes). */
typedef struct bind_iis_attr {
    const char *name, *value;
    size_t value_at, value_end;
} bind_iis_attr;

/* An element: its `<`, just past its start tag, just past its end (for an
 * empty element, the end of its start tag), and its attributes in order. */
typedef struct bind_iis_elem {
    size_t begin, tag_end, end;
    bool empty;
    bind_iis_attr *attrs;
    uint32_t nattrs;
} bind_iis_elem;

typedef struct bind_iis_binding {
    bind_iis_elem at;
    const char *protocol, *info;      /* as written; NULL when absent */
} bind_iis_binding;

typedef struct bind_iis_app {
    bind_iis_elem at;
    const char *path;
    bind_iis_elem *root_dir;          /* its <virtualDirectory path="/">, or NULL */
    size_t last_child_end;            /* just past its last child element, or 0 */
} bind_iis_app;

typedef struct bind_iis_site {
    bind_iis_elem at;
    const char *name;
    uint32_t id;                      /* 0: none that IIS would read */
    bind_iis_app *apps;
    uint32_t napps;
    bind_iis_elem *bindings;          /* its <bindings>, or NULL */
    bind_iis_binding *binding;        /* the <binding> elements in it */
    uint32_t nbinding;
    bool clears;                      /* <bindings> starts with <clear /> */
    size_t last_child_end;            /* just past its last child element, or 0 */
} bind_iis_site;

typedef struct bind_iis_doc {
    const char *text;                 /* the document, as read */
    size_t len;
    bool ascii_only;                  /* declared US-ASCII: non-ASCII goes out as &#x…; */
    const char *eol;                  /* "\r\n" or "\n": what the <sites> section uses */
    const char *site_indent;          /* leading white space of a <site> line */
    const char *pool_indent;          /* of an <add> line in <applicationPools> */
    const char *unit;                 /* one level of nesting inside a <site> */
    bool inherits_bindings;           /* <siteDefaults><bindings> has entries */
    /* The pool an application without applicationPool runs in, from
     * <sites><applicationDefaults>; NULL when the document sets none. */
    const char *default_pool;
    const char **pools;               /* names already in <applicationPools> */
    size_t npools;
    bind_iis_site *sites;             /* the <site> elements, in order */
    uint32_t nsites;
    /* Byte positions the splice needs (iis_document.c). */
    struct bind_iis_section *sites_section, *pools_section;
} bind_iis_doc;

/* Reads src, one of the compilation's sources, as an applicationhost.config
 * (NULL: the built-in skeleton).  On refusal pushes a BIND_IIS_MERGE_REFUSED
 * error pointing into src and returns false.  Memory comes from cx->arena. */
bool bind_iis_doc_read(bind_emit_ctx *cx, const bind_source *src, bind_iis_doc *d);

/* The attribute of this name (ASCII case-insensitive, as IIS reads them),
 * or NULL. */
const bind_iis_attr *bind_iis_attr_find(const bind_iis_elem *e, const char *name);

/* A change to the document's bytes: [start, end) becomes `text` with the
 * (possibly large) `block` put at offset `split` of it.  Edits do not
 * overlap; an insertion has start == end. */
typedef struct bind_iis_edit {
    size_t start, end;
    const char *text;
    size_t text_len, split;
    const char *block;
    size_t block_len;
    size_t seq;                       /* the order edits at one place are made in */
} bind_iis_edit;
typedef BIND_VEC(bind_iis_edit) bind_iis_edits;

void bind_iis_edit_put(bind_iis_edits *v, size_t start, size_t end, const char *text, size_t text_len);

/* Where whole lines go so that they start a line of their own at pos: the
 * text before the block (an EOL when pos is inside a line) and after it
 * (the indentation of what followed pos). */
void bind_iis_lines_at(const bind_iis_doc *d, size_t pos, const char *indent, bind_buf *before, bind_buf *after);
/* The span of an element with its own line when it has one to itself (to
 * delete it without leaving a blank line). */
void bind_iis_elem_line(const bind_iis_doc *d, const bind_iis_elem *e, size_t *start, size_t *end);
/* Just past the line an element ending at `end` is on, when nothing but
 * white space follows it there; else `end`. */
size_t bind_iis_after_line(const bind_iis_doc *d, size_t end);
/* The white space before pos when pos starts its line, else NULL (arena). */
const char *bind_iis_indent_at(const bind_iis_doc *d, size_t pos, bind_arena *a);

/* The document with the edits made, plus `sites` (new <site> lines, after
 * the last site of the file) and `pools` (new <add> lines, after the last
 * <add>).  Both are whole lines, indented for the document and ending in
 * d->eol (or empty). */
void bind_iis_doc_splice(const bind_iis_doc *d, bind_iis_edits *edits, const char *sites, size_t sites_len,
                         const char *pools, size_t pools_len, bind_buf *out);

/* The document that --target iis writes without --merge. */
extern const char bind_iis_skeleton[];

/* ---- writing (iis_writer.c) -------------------------------------------- */

/* A (protocol, bindingInformation) pair as IIS will see it: the binding
 * written for it, and which any-address families that binding's site
 * gives it (bit 0: 0.0.0.0, bit 1: [::]) — both together are exactly `*`. */
typedef struct bind_iis_written {
    const char *key;                  /* "protocol information" */
    const char *info;                 /* the bindingInformation written */
    const bind_binding *first;
    unsigned families;
} bind_iis_written;

typedef struct bind_iis_writer {
    bind_emit_ctx *cx;
    const bind_model *m;
    const bind_iis_doc *d;
    xmlDocPtr doc;                    /* no nodes: tells libxml2 the output's encoding */
    xmlBufferPtr esc;                 /* one attribute value, escaped */
    bool ssl_flags;                   /* the platform's schema has binding/@sslFlags */
    bind_table bindings;              /* key -> written */
    /* Each valid binding's entry, in the order of the model: the key is
     * worked out once per binding, not once a pass. */
    BIND_VEC(bind_iis_written *) of_binding;
    bind_table pools;                 /* lower-case name -> name */
    bind_buf sites_out, pools_out;
    bool ok;
    /* Where elements go: each line at indent plus depth units; open while
     * the innermost start tag has no child yet. */
    struct bind_iis_lines { bind_buf *out; const char *indent; int depth; bool open; } at;
} bind_iis_writer;

void bind_iis_writer_init(bind_iis_writer *w, bind_emit_ctx *cx, const bind_model *m, const bind_iis_doc *d);
void bind_iis_writer_fini(bind_iis_writer *w);

bool bind_iis_site_emitted(const bind_site *s);
/* Every text of the site that XML may not carry is refused (w->ok) before
 * any of it is written. */
void bind_iis_site_texts_ok(bind_iis_writer *w, const bind_site *s);
/* The entry a valid binding of an emitted site is written as, or NULL when
 * another binding of its key is, with the W0407 that says how IIS will
 * differ: called once for each such binding.  index is the binding's place
 * in the walk over the model's emitted sites and their valid bindings. */
const bind_iis_written *bind_iis_binding_written(bind_iis_writer *w, const bind_binding *b, size_t index);
/* The sslFlags to write on an https binding, or -1 when none is written. */
int bind_iis_ssl_flags(const bind_iis_writer *w, const bind_binding *b);

/* The root application (`app "/"`) of a site, or NULL; its folder and pool. */
const bind_app *bind_iis_root_app(const bind_site *s);
const char *bind_iis_root_path(const bind_site *s, const bind_app *top);
const char *bind_iis_root_pool(const bind_site *s, const bind_app *top);
/* An app's folder when it gives none: `/api` of `C:\inetpub\shop` is
 * `C:\inetpub\shop\api`. */
const char *bind_iis_app_folder(bind_iis_writer *w, const char *root, const char *path);
/* `http` plus the non-HTTP protocols of the site's bindings, which IIS only
 * activates when the application lists them; NULL when http is all. */
const char *bind_iis_enabled_protocols(bind_iis_writer *w, const bind_site *s);
/* The pool to write for an application that names none: NULL (IIS then
 * takes the document's <applicationDefaults>), or IIS's own default when
 * the document sets none. */
const char *bind_iis_fallback_pool(const bind_iis_writer *w);

/* Elements, one line each, into `out` at `indent`. */
void bind_iis_lines_into(bind_iis_writer *w, bind_buf *out, const char *indent, int depth);
void bind_iis_start(bind_iis_writer *w, const char *name);
void bind_iis_put_attr(bind_iis_writer *w, const char *name, const char *value);
void bind_iis_end(bind_iis_writer *w, const char *name);
/* The value escaped as an attribute value (without quotes), in w->esc. */
const char *bind_iis_escape(bind_iis_writer *w, const char *value, size_t *len);

/* A pool the document does not have yet gets its <add>: true when it did. */
bool bind_iis_use_pool(bind_iis_writer *w, const char *pool);
void bind_iis_application(bind_iis_writer *w, const char *path, const char *pool, const char *physical,
                          const char *protocols);
void bind_iis_binding_element(bind_iis_writer *w, const bind_binding *b, const bind_iis_written *wr);
/* A whole new <site> element into w->sites_out, with the id to write. */
void bind_iis_site_element(bind_iis_writer *w, const bind_site *s, uint32_t id, size_t first_binding);

/* ---- merging (iis_merge.c) --------------------------------------------- */

/* Plans the merge of the model into the document: edits to the sites the
 * file has, new sites into w->sites_out, pools into w->pools_out, lines of
 * report into cx->report.  False after an error (pushed). */
bool bind_iis_merge(bind_iis_writer *w, bool prune, bind_iis_edits *edits);

#endif
