/* The applicationhost.config that the iis target writes into: read it with
 * libxml2, find <sites> and <applicationPools> with their byte positions,
 * refuse what cannot be merged into, and splice the new elements in.
 *
 * libxml2 checks well-formedness and gives the structure; the positions
 * come from its SAX callbacks (the parser's offset when a start tag and an
 * element end are reported).  libxml2 2.9's own `record_info` loses the
 * start of non-empty elements, so it is not used.  Every position is
 * checked against the bytes before it is trusted. */
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlversion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iis.h"

/* The built-in document: what a fresh IIS declares for these two sections,
 * so that the output loads on its own and can later be merged into. */
const char bind_iis_skeleton[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
    "<configuration>\r\n"
    "  <configSections>\r\n"
    "    <sectionGroup name=\"system.applicationHost\">\r\n"
    "      <section name=\"applicationPools\" allowDefinition=\"AppHostOnly\" overrideModeDefault=\"Deny\" />\r\n"
    "      <section name=\"sites\" allowDefinition=\"AppHostOnly\" overrideModeDefault=\"Deny\" />\r\n"
    "    </sectionGroup>\r\n"
    "  </configSections>\r\n"
    "  <system.applicationHost>\r\n"
    "    <applicationPools>\r\n"
    "    </applicationPools>\r\n"
    "    <sites>\r\n"
    "    </sites>\r\n"
    "  </system.applicationHost>\r\n"
    "</configuration>\r\n";

/* Where an element sits in the text: its `<`, just past its start tag, and
 * just past its end.  Kept in xmlNode._private for the first four levels. */
typedef struct elem_pos { size_t begin, tag_end, end; bool empty; } elem_pos;

struct bind_iis_section {
    elem_pos at;
    size_t close;                  /* start of the end tag (`</sites>`) */
    const char *indent;            /* its own line's indentation, or "" */
    elem_pos *sites;               /* <site> children (for <sites>) */
    size_t nsites;
    size_t last_add_end;           /* just past the last <add> (for <applicationPools>), or 0 */
};

typedef struct reader {
    bind_emit_ctx *cx;
    const char *path, *text;
    size_t len;
    uint32_t file;                 /* the merge file's source id; UINT32_MAX for the skeleton */
    bool have_error;
    int err_code, err_line, err_col;
    const char *err_message;
} reader;

/* The parser's offset in the document (libxml2 reads UTF-8 unconverted,
 * so this is a byte offset into the text, BOM included). */
static size_t parser_offset(xmlParserCtxtPtr ctxt)
{
    return (size_t)ctxt->input->consumed + (size_t)(ctxt->input->cur - ctxt->input->base);
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                     const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
    xmlParserCtxtPtr ctxt = ctx;
    reader *r = ctxt->_private;
    int depth = ctxt->nameNr;               /* open ancestors: the root is 0 */
    size_t at = parser_offset(ctxt);        /* at the start tag's `>` or `/>` */
    xmlSAX2StartElementNs(ctx, name, prefix, uri, nns, ns, nattr, ndefaulted, attrs);
    if (depth > 3 || !ctxt->node || ctxt->inputNr != 1 || at >= r->len) return;
    elem_pos *p = bind_arena_alloc(r->cx->arena, sizeof *p);
    p->empty = r->text[at] == '/';
    p->tag_end = at + (p->empty ? 2 : 1);
    size_t b = at;
    while (b > 0 && r->text[b] != '<') b--;  /* a start tag holds no other `<` */
    p->begin = b;
    ctxt->node->_private = p;
}

static void on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (ctxt->node && ctxt->node->_private) ((elem_pos *)ctxt->node->_private)->end = parser_offset(ctxt);
    xmlSAX2EndElementNs(ctx, name, prefix, uri);
}

/* libxml2 2.12 made the structured handler's error const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *error_ptr;
#else
typedef xmlError *error_ptr;
#endif

/* libxml2 reports through the context's structured handler, so nothing is
 * printed; the first error is the one worth showing. */
static void on_error(void *ctx, error_ptr e)
{
    reader *r = ((xmlParserCtxtPtr)ctx)->_private;
    if (r->have_error || !e || e->level < XML_ERR_ERROR) return;
    r->have_error = true;
    r->err_code = e->code;
    r->err_line = e->line;
    r->err_col = e->int2;
    const char *m = e->message ? e->message : "not well-formed";
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' ')) n--;
    r->err_message = bind_arena_strndup(r->cx->arena, m, n);
}

/* ------------------------------------------------------------------------
 * Refusals: an error whose span points into the file being merged. */


static bool refuse(reader *r, size_t start, size_t end, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool refuse(reader *r, size_t start, size_t end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = bind_arena_vprintf(r->cx->arena, fmt, ap);
    va_end(ap);
    if (end > r->len) end = r->len;
    if (start > end) start = end;
    if (r->file == UINT32_MAX) {
        /* The skeleton is bindc's own text, and the tests merge into it. */
        fprintf(stderr, "bindc: internal error: the built-in applicationhost.config was refused: %s\n", msg);
        abort();
    }
    bind_span sp = bind_span_make(r->file, (uint32_t)start, (uint32_t)end);
    bind_diag *d = bind_diag_push(r->cx->diags, BIND_IIS_MERGE_REFUSED, sp, "%s", msg);
    bind_diag_note(r->cx->diags, d, NULL, "nothing was written");
    return false;
}

/* Byte offset of libxml2's 1-based line and character column. */
static size_t offset_of(reader *r, int line, int col)
{
    size_t p = 0;
    for (int l = 1; l < line && p < r->len; l++) {
        const char *nl = memchr(r->text + p, '\n', r->len - p);
        p = nl ? (size_t)(nl - r->text) + 1 : r->len;
    }
    if (line <= 1 && r->len >= 3 && memcmp(r->text, "\xEF\xBB\xBF", 3) == 0) p = 3;   /* libxml2 skips the BOM */
    for (int i = 1; i < col && p < r->len && r->text[p] != '\n'; i++) {
        p++;
        while (p < r->len && ((unsigned char)r->text[p] & 0xC0) == 0x80) p++;
    }
    return p;
}

/* Points at `<name` of the element the message is about. */
static bool refuse_at_element(reader *r, xmlNodePtr n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool refuse_at_element(reader *r, xmlNodePtr n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = bind_arena_vprintf(r->cx->arena, fmt, ap);
    va_end(ap);
    const elem_pos *p = n ? n->_private : NULL;
    size_t b = p ? p->begin : 0, e = p ? b + 1 + strlen((const char *)n->name) : 0;
    return refuse(r, b, e, "%s", msg);
}

/* ------------------------------------------------------------------------
 * The encoding: only UTF-8 (and its subset US-ASCII) is merged into, so
 * that libxml2's offsets are byte offsets and the spliced text needs no
 * conversion.  IIS and IIS Express write UTF-8. */

static bool ascii_ieq(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] + 32) : a[i];
        if (x != b[i]) return false;
    }
    return true;
}

static bool check_encoding(reader *r, bind_iis_doc *d)
{
    const unsigned char *t = (const unsigned char *)r->text;
    size_t n = r->len;
    if ((n >= 2 && ((t[0] == 0xFE && t[1] == 0xFF) || (t[0] == 0xFF && t[1] == 0xFE))) || memchr(t, 0, n < 4 ? n : 4))
        return refuse(r, 0, n < 2 ? n : 2, "%s is UTF-16 or UTF-32; bindc merges only UTF-8, which IIS writes (save it as UTF-8 first)",
                      r->path);
    size_t p = n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (n - p < 6 || memcmp(t + p, "<?xml", 5) != 0) return true;    /* no declaration: UTF-8 */
    const char *decl = r->text + p;
    const char *close = NULL;
    for (size_t i = p; i + 1 < n; i++)
        if (t[i] == '?' && t[i + 1] == '>') { close = r->text + i; break; }
    if (!close) return true;                                         /* libxml2 reports it */
    for (const char *e = decl; e + 8 < close; e++) {
        if (memcmp(e, "encoding", 8) != 0) continue;
        const char *v = e + 8;
        while (v < close && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n' || *v == '=')) v++;
        if (v >= close || (*v != '"' && *v != '\'')) return true;
        const char *q = memchr(v + 1, *v, (size_t)(close - v - 1));
        if (!q) return true;
        size_t vn = (size_t)(q - v - 1);
        if (ascii_ieq(v + 1, vn, "utf-8") || ascii_ieq(v + 1, vn, "utf8")) return true;
        if (ascii_ieq(v + 1, vn, "us-ascii") || ascii_ieq(v + 1, vn, "ascii")) {
            for (size_t i = 0; i < n; i++)
                if (t[i] >= 0x80) return refuse(r, i, i + 1, "%s declares US-ASCII but has a byte that is not ASCII here", r->path);
            d->ascii_only = true;
            return true;
        }
        const char *name = bind_arena_strndup(r->cx->arena, v + 1, vn);
        return refuse(r, (size_t)(v + 1 - r->text), (size_t)(q - r->text),
                      "%s is encoded as `%s`; bindc merges only UTF-8, which IIS writes (save it as UTF-8 first)", r->path, name);
    }
    return true;
}

/* ------------------------------------------------------------------------
 * Structure */

static bool is_elem(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The only child element called `name`; *dup is set when there are two. */
static xmlNodePtr child(xmlNodePtr parent, const char *name, xmlNodePtr *dup)
{
    xmlNodePtr found = NULL;
    *dup = NULL;
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next) {
        if (!is_elem(n, name)) continue;
        if (found) { *dup = n; break; }
        found = n;
    }
    return found;
}

static bool pos_ok(const reader *r, xmlNodePtr n)
{
    const elem_pos *p = n->_private;
    size_t nl = strlen((const char *)n->name);
    return p && p->begin < p->tag_end && p->tag_end <= p->end && p->end <= r->len && r->text[p->begin] == '<'
        && r->text[p->tag_end - 1] == '>' && p->begin + 1 + nl <= r->len && memcmp(r->text + p->begin + 1, n->name, nl) == 0 && r->text[p->end - 1] == '>';
}

static size_t line_start(const char *t, size_t pos)
{
    while (pos > 0 && t[pos - 1] != '\n') pos--;
    return pos;
}

static bool blank(const char *t, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) if (t[i] != ' ' && t[i] != '\t') return false;
    return true;
}

/* The white space before pos when pos starts its line, else NULL. */
static const char *own_indent(const reader *r, size_t pos)
{
    size_t ls = line_start(r->text, pos);
    return blank(r->text, ls, pos) ? bind_arena_strndup(r->cx->arena, r->text + ls, pos - ls) : NULL;
}

/* The first element child that starts its own line: its indentation. */
static const char *child_indent(const reader *r, xmlNodePtr parent)
{
    for (xmlNodePtr n = parent->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || !pos_ok(r, n)) continue;
        const char *ind = own_indent(r, ((elem_pos *)n->_private)->begin);
        if (ind) return ind;
    }
    return NULL;
}

/* `inner` minus its prefix `outer`, when it is longer. */
static const char *indent_step(const reader *r, const char *outer, const char *inner)
{
    size_t no = strlen(outer), ni = strlen(inner);
    return ni > no && strncmp(inner, outer, no) == 0 ? bind_arena_strdup(r->cx->arena, inner + no) : NULL;
}

static struct bind_iis_section *section(reader *r, xmlNodePtr n)
{
    struct bind_iis_section *s = bind_arena_alloc(r->cx->arena, sizeof *s);
    s->at = *(const elem_pos *)n->_private;
    s->close = s->at.empty ? s->at.end : s->at.end - 1;
    while (!s->at.empty && s->close > s->at.tag_end && r->text[s->close] != '<') s->close--;
    const char *ind = own_indent(r, s->at.begin);
    s->indent = ind ? ind : "";
    return s;
}

static bool has_config_source(reader *r, xmlNodePtr n)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"configSource");
    if (!v) return false;
    xmlFree(v);
    refuse_at_element(r, n, "<%s> is kept in another file (configSource): merge into that file instead", (const char *)n->name);
    return true;
}

static bool locate(reader *r, xmlDocPtr doc, bind_iis_doc *d)
{
    xmlNodePtr root = xmlDocGetRootElement(doc), dup;
    if (doc->intSubset)
        return refuse(r, 0, 0, "%s has a DOCTYPE; applicationhost.config never does, and bindc does not merge into one", r->path);
    if (!is_elem(root, "configuration"))
        return refuse_at_element(r, root, "the root element is <%s>, not <configuration>", root ? (const char *)root->name : "");
    xmlNodePtr host = child(root, "system.applicationHost", &dup);
    if (!host) return refuse_at_element(r, root, "<configuration> has no <system.applicationHost> section");
    if (dup) return refuse_at_element(r, dup, "<system.applicationHost> appears twice");
    xmlNodePtr sites = child(host, "sites", &dup);
    if (!sites) return refuse_at_element(r, host, "<system.applicationHost> has no <sites> section");
    if (dup) return refuse_at_element(r, dup, "<sites> appears twice in <system.applicationHost>");
    xmlNodePtr pools = child(host, "applicationPools", &dup);
    if (!pools)
        return refuse_at_element(r, host, "<system.applicationHost> has no <applicationPools> section: "
                                          "this is a fragment, not a whole applicationhost.config");
    if (dup) return refuse_at_element(r, dup, "<applicationPools> appears twice in <system.applicationHost>");
    if (has_config_source(r, sites) || has_config_source(r, pools)) return false;
    xmlNodePtr checked[] = { root, host, sites, pools };
    for (size_t i = 0; i < 4; i++)
        if (!pos_ok(r, checked[i]))
            return refuse_at_element(r, checked[i], "cannot find where <%s> is in the file", (const char *)checked[i]->name);

    d->sites = section(r, sites);
    d->app_pools = section(r, pools);
    for (xmlNodePtr n = sites->children; n; n = n->next) d->sites->nsites += is_elem(n, "site");
    d->sites->sites = bind_arena_alloc(r->cx->arena, (d->sites->nsites + 1) * sizeof *d->sites->sites);
    size_t k = 0;
    for (xmlNodePtr n = sites->children; n; n = n->next) {
        if (!is_elem(n, "site")) continue;
        if (!pos_ok(r, n)) return refuse_at_element(r, n, "cannot find where <site> is in the file");
        d->sites->sites[k++] = *(const elem_pos *)n->_private;
    }

    /* Pool names IIS already has, and bindings every site would inherit. */
    for (xmlNodePtr n = pools->children; n; n = n->next) d->npools += is_elem(n, "add");
    d->pools = bind_arena_alloc(r->cx->arena, (d->npools + 1) * sizeof *d->pools);
    d->npools = 0;
    for (xmlNodePtr n = pools->children; n; n = n->next) {
        if (!is_elem(n, "add")) continue;
        if (pos_ok(r, n)) d->app_pools->last_add_end = ((const elem_pos *)n->_private)->end;
        xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"name");
        if (!v) continue;
        d->pools[d->npools++] = bind_arena_strdup(r->cx->arena, (const char *)v);
        xmlFree(v);
    }
    xmlNodePtr defaults = child(sites, "siteDefaults", &dup), inherited = child(defaults, "bindings", &dup);
    for (xmlNodePtr n = inherited ? inherited->children : NULL; n; n = n->next) d->inherits_bindings |= is_elem(n, "binding");

    /* Layout: the line end and indentation the section already uses. */
    const char *nl = memchr(r->text + d->sites->at.tag_end, '\n', r->len - d->sites->at.tag_end);
    if (!nl) nl = memchr(r->text, '\n', r->len);
    d->eol = !nl ? "\r\n" : nl > r->text && nl[-1] == '\r' ? "\r\n" : "\n";
    const char *host_indent = own_indent(r, ((const elem_pos *)host->_private)->begin);
    const char *step = indent_step(r, host_indent ? host_indent : "", d->sites->indent);
    if (!step) step = "  ";
    const char *ind = child_indent(r, sites);
    d->site_indent = ind ? ind : bind_arena_printf(r->cx->arena, "%s%s", d->sites->indent, step);
    d->unit = indent_step(r, d->sites->indent, d->site_indent);
    if (!d->unit) d->unit = step;
    ind = child_indent(r, pools);
    d->pool_indent = ind ? ind : bind_arena_printf(r->cx->arena, "%s%s", d->app_pools->indent, step);
    return true;
}

bool bind_iis_doc_read(bind_emit_ctx *cx, const bind_source *src, bind_iis_doc *d)
{
    const char *text = src ? src->text : bind_iis_skeleton;
    size_t len = src ? src->len : strlen(bind_iis_skeleton);
    memset(d, 0, sizeof *d);
    d->text = text;
    d->len = len;
    reader r = { .cx = cx, .path = src ? src->path : "<iis skeleton>", .text = text, .len = len,
                 .file = src ? src->id : UINT32_MAX };
    if (!check_encoding(&r, d)) return false;
    if (len == 0) return refuse(&r, 0, 0, "%s is empty", r.path);
    if (len > (size_t)INT32_MAX) return refuse(&r, 0, 0, "%s is too large", r.path);

    xmlInitParser();
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(text, (int)len);
    if (!ctxt) bind_oom();
    /* No network, no DTD loading, no printing; blanks and comments kept.
     * The declared encoding is UTF-8 or (all bytes checked) US-ASCII: read
     * as UTF-8 either way, so that offsets are byte offsets. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
    ctxt->_private = &r;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    ctxt->sax->serror = on_error;
    xmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    bool ok;
    if (!ctxt->wellFormed || !doc) {
        if (!r.have_error) {
            ok = refuse(&r, 0, 0, "%s is not well-formed XML", r.path);
        } else {
            size_t at = offset_of(&r, r.err_line, r.err_col), from = at;
            /* libxml2 reports a mismatched end tag just past it: show the tag. */
            if (r.err_code == XML_ERR_TAG_NAME_MISMATCH && at > 0 && at <= len && text[at - 1] == '>') {
                from = at - 1;      /* `at` may be the end of the text: never read text[at] */
                while (from > 0 && text[from] != '<') from--;
            }
            ok = refuse(&r, from, from == at ? at + 1 : at, "not well-formed XML: %s", r.err_message);
        }
    } else {
        ok = locate(&r, doc, d);
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return ok;
}

/* ------------------------------------------------------------------------
 * Splicing */

/* Text from start to end is replaced by the edit's text, with the block
 * (a fleet's sites: tens of MB) put at `split` in it, not copied into it. */
typedef struct edit {
    size_t start, end;
    const bind_buf *text;
    size_t split;
    const char *block;
    size_t block_len;
} edit;
typedef BIND_VEC(edit) edit_vec;

static void edit_push(edit_vec *v, size_t start, size_t end, const bind_buf *text, size_t split,
                      const char *block, size_t block_len)
{
    edit e = { start, end, text, split, block, block_len };
    bind_vec_push(v, e);
}

/* `<sites />` becomes `<sites>` EOL block INDENT `</sites>`; the block goes
 * at the returned offset of b. */
static size_t open_empty(const bind_iis_doc *d, const struct bind_iis_section *s, const char *name, bind_buf *b)
{
    size_t stop = s->at.end - 2;
    while (stop > s->at.begin && (d->text[stop - 1] == ' ' || d->text[stop - 1] == '\t' || d->text[stop - 1] == '\r'
                                  || d->text[stop - 1] == '\n'))
        stop--;
    bind_buf_put(b, d->text + s->at.begin, stop - s->at.begin);
    bind_buf_printf(b, ">%s", d->eol);
    size_t split = b->len;
    bind_buf_printf(b, "%s</%s>", s->indent, name);
    return split;
}

/* Inserts whole lines at pos: as they are at a line start, else after a
 * line break (and the text that followed goes on an indented line).  The
 * block goes at the returned offset of b. */
static size_t lines_at(const bind_iis_doc *d, size_t pos, const char *indent, bind_buf *b)
{
    bool at_line_start = pos == 0 || d->text[pos - 1] == '\n';
    if (!at_line_start) bind_buf_puts(b, d->eol);
    size_t split = b->len;
    if (!at_line_start) bind_buf_puts(b, indent);
    return split;
}

static int edit_cmp(const void *a, const void *b)
{
    const edit *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

void bind_iis_doc_splice(const bind_iis_doc *d, const char *sites, size_t sites_len, const char *pools, size_t pools_len,
                         bind_buf *out)
{
    edit_vec edits = { 0 };
    bind_buf texts[2];
    bind_buf_init(&texts[0]);
    bind_buf_init(&texts[1]);
    const struct bind_iis_section *s = d->sites, *p = d->app_pools;
    const char *t = d->text;

    /* <sites>: each <site> goes with its line when it has one to itself;
     * the new sites go where the first one was (or open the section). */
    if (s->at.empty) {
        if (sites_len) {
            size_t split = open_empty(d, s, "sites", &texts[0]);
            edit_push(&edits, s->at.begin, s->at.end, &texts[0], split, sites, sites_len);
        }
    } else {
        for (size_t i = 0; i < s->nsites; i++) {
            size_t b = s->sites[i].begin, e = s->sites[i].end, ls = line_start(t, b), le = e;
            while (le < d->len && (t[le] == ' ' || t[le] == '\t')) le++;
            if (le < d->len && t[le] == '\r' && le + 1 < d->len && t[le + 1] == '\n') le++;
            if (blank(t, ls, b) && (le == d->len || t[le] == '\n')) { b = ls; e = le < d->len ? le + 1 : le; }
            if (i == 0 && sites_len) {
                size_t split = lines_at(d, b, s->indent, &texts[0]);
                edit_push(&edits, b, e, &texts[0], split, sites, sites_len);
            } else {
                edit_push(&edits, b, e, NULL, 0, NULL, 0);
            }
        }
        if (s->nsites == 0 && sites_len) {
            size_t pos = s->at.tag_end, q = pos;
            while (q < d->len && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r')) q++;
            if (q < d->len && t[q] == '\n') pos = q + 1;
            size_t split = lines_at(d, pos, s->indent, &texts[0]);
            edit_push(&edits, pos, pos, &texts[0], split, sites, sites_len);
        }
    }

    /* <applicationPools>: new entries after the last <add> (where appcmd
     * puts them, before <applicationPoolDefaults>), else at the end. */
    if (pools_len) {
        if (p->at.empty) {
            size_t split = open_empty(d, p, "applicationPools", &texts[1]);
            edit_push(&edits, p->at.begin, p->at.end, &texts[1], split, pools, pools_len);
        } else {
            size_t pos;
            if (p->last_add_end) {
                size_t q = p->last_add_end;
                while (q < p->close && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r')) q++;
                pos = q < p->close && t[q] == '\n' ? q + 1 : p->last_add_end;
            } else {
                size_t ls = line_start(t, p->close);
                pos = blank(t, ls, p->close) && ls >= p->at.tag_end ? ls : p->close;
            }
            size_t split = lines_at(d, pos, p->indent, &texts[1]);
            edit_push(&edits, pos, pos, &texts[1], split, pools, pools_len);
        }
    }

    if (edits.len > 1) qsort(edits.items, edits.len, sizeof *edits.items, edit_cmp);
    size_t at = 0;
    for (size_t i = 0; i < edits.len; i++) {
        const edit *e = &edits.items[i];
        bind_buf_put(out, t + at, e->start - at);
        if (e->text && e->text->len) bind_buf_put(out, e->text->data, e->split);
        bind_buf_put(out, e->block, e->block_len);
        if (e->text && e->text->len) bind_buf_put(out, e->text->data + e->split, e->text->len - e->split);
        at = e->end;
    }
    bind_buf_put(out, t + at, d->len - at);
    bind_vec_free(&edits);
    bind_buf_free(&texts[0]);
    bind_buf_free(&texts[1]);
}
