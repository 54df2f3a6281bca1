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
#include "base/xml_error.h"

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
 * just past its end.  Kept in xmlNode._private for the first six levels. */
typedef struct elem_pos { size_t begin, tag_end, end; bool empty; } elem_pos;

struct bind_iis_section {
    elem_pos at;
    size_t close;                  /* start of the end tag (`</sites>`) */
    const char *indent;            /* its own line's indentation, or "" */
    size_t last_add_end;           /* just past the last <add> (for <applicationPools>), or 0 */
};

typedef struct reader {
    bind_emit_ctx *cx;
    const char *path, *text;
    size_t len;
    uint32_t file;                 /* the merge file's source id; UINT32_MAX for the skeleton */
    bind_xml_error err;            /* the first error libxml2 reported */
} reader;

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                     const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
    xmlParserCtxtPtr ctxt = ctx;
    reader *r = ctxt->_private;
    int depth = ctxt->nameNr;               /* open ancestors: the root is 0 */
    size_t at = bind_xml_parser_offset(ctxt);   /* at the start tag's `>` or `/>` */
    xmlSAX2StartElementNs(ctx, name, prefix, uri, nns, ns, nattr, ndefaulted, attrs);
    /* Down to <site>'s children's children: <binding>, <virtualDirectory>. */
    if (depth > 5 || !ctxt->node || ctxt->inputNr != 1 || at >= r->len) return;
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
    if (ctxt->node && ctxt->node->_private) ((elem_pos *)ctxt->node->_private)->end = bind_xml_parser_offset(ctxt);
    xmlSAX2EndElementNs(ctx, name, prefix, uri);
}

static void on_error(void *ctx, bind_xml_error_ptr e)
{
    reader *r = ((xmlParserCtxtPtr)ctx)->_private;
    bind_xml_error_keep(&r->err, r->cx->arena, e);
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

/* ------------------------------------------------------------------------
 * Attributes, as written */

/* An attribute value as XML reads it: entity and character references
 * replaced, each tab, line break (CRLF as one) and CR a space.  The
 * document has no DTD (refused), so only the predefined entities occur. */
static const char *attr_value(reader *r, const char *v, size_t n)
{
    char *out = bind_arena_alloc(r->cx->arena, n + 1), *o = out;
    for (size_t i = 0; i < n;) {
        char c = v[i];
        if (c == '\r' || c == '\n' || c == '\t') {
            *o++ = ' ';
            i += c == '\r' && i + 1 < n && v[i + 1] == '\n' ? 2 : 1;
            continue;
        }
        if (c != '&') { *o++ = c; i++; continue; }
        const char *semi = memchr(v + i, ';', n - i);
        size_t len = semi ? (size_t)(semi - (v + i)) + 1 : 0;
        static const struct { const char *ref; char ch; } named[] = {
            { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
        };
        bool done = false;
        for (size_t k = 0; k < sizeof named / sizeof named[0] && !done; k++)
            if (len == strlen(named[k].ref) && memcmp(v + i, named[k].ref, len) == 0) { *o++ = named[k].ch; done = true; }
        if (!done && len > 3 && v[i + 1] == '#') {
            unsigned long cp = v[i + 2] == 'x' ? strtoul(v + i + 3, NULL, 16) : strtoul(v + i + 2, NULL, 10);
            /* UTF-8; libxml2 accepted the reference, so cp is a character. */
            if (cp < 0x80) *o++ = (char)cp;
            else if (cp < 0x800) { *o++ = (char)(0xC0 | cp >> 6); *o++ = (char)(0x80 | (cp & 0x3F)); }
            else if (cp < 0x10000) { *o++ = (char)(0xE0 | cp >> 12); *o++ = (char)(0x80 | (cp >> 6 & 0x3F)); *o++ = (char)(0x80 | (cp & 0x3F)); }
            else { *o++ = (char)(0xF0 | cp >> 18); *o++ = (char)(0x80 | (cp >> 12 & 0x3F)); *o++ = (char)(0x80 | (cp >> 6 & 0x3F)); *o++ = (char)(0x80 | (cp & 0x3F)); }
            done = true;
        }
        if (!done) { *o++ = c; i++; continue; }
        i += len;
    }
    *o = '\0';
    return out;
}

static bool xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The element's attributes, read from its start tag [begin, tag_end),
 * which libxml2 found well-formed. */
static bind_iis_elem elem_of(reader *r, xmlNodePtr n)
{
    const elem_pos *p = n->_private;
    bind_iis_elem e = { p->begin, p->tag_end, p->end, p->empty, NULL, 0 };
    const char *t = r->text;
    size_t i = p->begin + 1, stop = p->tag_end;
    while (i < stop && !xml_space(t[i]) && t[i] != '/' && t[i] != '>') i++;    /* the element's name */
    BIND_VEC(bind_iis_attr) attrs = { 0 };
    for (;;) {
        while (i < stop && xml_space(t[i])) i++;
        if (i >= stop || t[i] == '/' || t[i] == '>') break;
        size_t name = i;
        while (i < stop && t[i] != '=' && !xml_space(t[i])) i++;
        size_t name_end = i;
        while (i < stop && t[i] != '"' && t[i] != '\'') i++;
        if (i >= stop) break;
        char q = t[i++];
        size_t v = i;
        while (i < stop && t[i] != q) i++;
        bind_iis_attr a = { bind_arena_strndup(r->cx->arena, t + name, name_end - name), attr_value(r, t + v, i - v), v, i };
        bind_vec_push(&attrs, a);
        i++;
    }
    e.nattrs = (uint32_t)attrs.len;
    e.attrs = bind_arena_alloc(r->cx->arena, (attrs.len + 1) * sizeof *e.attrs);
    if (attrs.len) memcpy(e.attrs, attrs.items, attrs.len * sizeof *e.attrs);
    bind_vec_free(&attrs);
    return e;
}

const bind_iis_attr *bind_iis_attr_find(const bind_iis_elem *e, const char *name)
{
    for (uint32_t i = 0; i < e->nattrs; i++)
        if (strcmp(e->attrs[i].name, name) == 0) return &e->attrs[i];
    return NULL;
}

static const char *attr_of(const bind_iis_elem *e, const char *name)
{
    const bind_iis_attr *a = bind_iis_attr_find(e, name);
    return a ? a->value : NULL;
}

/* ------------------------------------------------------------------------
 * The sites the file has, with what a merge may change in them */

/* An element a merge reads inside a <site>: refused when its bytes cannot
 * be found (then nothing can be changed safely). */
static bool placed(reader *r, xmlNodePtr n)
{
    return pos_ok(r, n) || refuse_at_element(r, n, "cannot find where <%s> is in the file", (const char *)n->name);
}

static bool read_app(reader *r, xmlNodePtr n, bind_iis_app *app)
{
    app->at = elem_of(r, n);
    app->path = attr_of(&app->at, "path");
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (!placed(r, c)) return false;
        app->last_child_end = ((const elem_pos *)c->_private)->end;
        if (!is_elem(c, "virtualDirectory") || app->root_dir) continue;
        bind_iis_elem dir = elem_of(r, c);
        const char *path = attr_of(&dir, "path");
        if (path && strcmp(path, "/") == 0) {
            app->root_dir = bind_arena_alloc(r->cx->arena, sizeof *app->root_dir);
            *app->root_dir = dir;
        }
    }
    return true;
}

static bool read_bindings(reader *r, xmlNodePtr n, bind_iis_site *site)
{
    site->bindings = bind_arena_alloc(r->cx->arena, sizeof *site->bindings);
    *site->bindings = elem_of(r, n);
    uint32_t count = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) count += is_elem(c, "binding");
    site->binding = bind_arena_alloc(r->cx->arena, (count + 1) * sizeof *site->binding);
    bool first = true;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (!placed(r, c)) return false;
        if (first && is_elem(c, "clear")) site->clears = true;
        first = false;
        if (!is_elem(c, "binding")) continue;
        bind_iis_binding *b = &site->binding[site->nbinding++];
        b->at = elem_of(r, c);
        b->protocol = attr_of(&b->at, "protocol");
        b->info = attr_of(&b->at, "bindingInformation");
    }
    return true;
}

static bool read_site(reader *r, xmlNodePtr n, bind_iis_site *site)
{
    site->at = elem_of(r, n);
    site->name = attr_of(&site->at, "name");
    const char *id = attr_of(&site->at, "id");
    if (id && *id >= '1' && *id <= '9' && strspn(id, "0123456789") == strlen(id) && strlen(id) <= 10) {
        unsigned long long v = strtoull(id, NULL, 10);
        if (v <= UINT32_MAX) site->id = (uint32_t)v;
    }
    uint32_t napps = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) napps += is_elem(c, "application");
    site->apps = bind_arena_alloc(r->cx->arena, (napps + 1) * sizeof *site->apps);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (!placed(r, c)) return false;
        site->last_child_end = ((const elem_pos *)c->_private)->end;
        if (is_elem(c, "application")) {
            bind_iis_app *app = &site->apps[site->napps++];
            memset(app, 0, sizeof *app);
            if (!read_app(r, c, app)) return false;
        } else if (is_elem(c, "bindings") && !site->bindings) {
            if (!read_bindings(r, c, site)) return false;
        }
    }
    return true;
}

static bool read_sites(reader *r, xmlNodePtr sites, bind_iis_doc *d)
{
    uint32_t n = 0;
    for (xmlNodePtr c = sites->children; c; c = c->next) n += is_elem(c, "site");
    d->sites = bind_arena_alloc(r->cx->arena, (n + 1) * sizeof *d->sites);
    for (xmlNodePtr c = sites->children; c; c = c->next) {
        if (!is_elem(c, "site")) continue;
        if (!placed(r, c)) return false;
        bind_iis_site *site = &d->sites[d->nsites++];
        memset(site, 0, sizeof *site);
        if (!read_site(r, c, site)) return false;
    }
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

    d->sites_section = section(r, sites);
    d->pools_section = section(r, pools);
    if (!read_sites(r, sites, d)) return false;

    /* Pool names IIS already has, and bindings every site would inherit. */
    for (xmlNodePtr n = pools->children; n; n = n->next) d->npools += is_elem(n, "add");
    d->pools = bind_arena_alloc(r->cx->arena, (d->npools + 1) * sizeof *d->pools);
    d->npools = 0;
    for (xmlNodePtr n = pools->children; n; n = n->next) {
        if (!is_elem(n, "add")) continue;
        if (pos_ok(r, n)) d->pools_section->last_add_end = ((const elem_pos *)n->_private)->end;
        xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"name");
        if (!v) continue;
        d->pools[d->npools++] = bind_arena_strdup(r->cx->arena, (const char *)v);
        xmlFree(v);
    }
    xmlNodePtr defaults = child(sites, "siteDefaults", &dup), inherited = child(defaults, "bindings", &dup);
    for (xmlNodePtr n = inherited ? inherited->children : NULL; n; n = n->next) d->inherits_bindings |= is_elem(n, "binding");
    xmlNodePtr app_defaults = child(sites, "applicationDefaults", &dup);
    xmlChar *pool = app_defaults ? xmlGetNoNsProp(app_defaults, (const xmlChar *)"applicationPool") : NULL;
    if (pool) {
        d->default_pool = bind_arena_strdup(r->cx->arena, (const char *)pool);
        xmlFree(pool);
    }

    /* Layout: the line end and indentation the section already uses. */
    const char *nl = memchr(r->text + d->sites_section->at.tag_end, '\n', r->len - d->sites_section->at.tag_end);
    if (!nl) nl = memchr(r->text, '\n', r->len);
    d->eol = !nl ? "\r\n" : nl > r->text && nl[-1] == '\r' ? "\r\n" : "\n";
    const char *host_indent = own_indent(r, ((const elem_pos *)host->_private)->begin);
    const char *step = indent_step(r, host_indent ? host_indent : "", d->sites_section->indent);
    if (!step) step = "  ";
    const char *ind = child_indent(r, sites);
    d->site_indent = ind ? ind : bind_arena_printf(r->cx->arena, "%s%s", d->sites_section->indent, step);
    d->unit = indent_step(r, d->sites_section->indent, d->site_indent);
    if (!d->unit) d->unit = step;
    ind = child_indent(r, pools);
    d->pool_indent = ind ? ind : bind_arena_printf(r->cx->arena, "%s%s", d->pools_section->indent, step);
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
        if (!r.err.have) {
            ok = refuse(&r, 0, 0, "%s is not well-formed XML", r.path);
        } else {
            size_t at = bind_xml_offset(r.text, r.len, r.err.line, r.err.col), from = at;
            /* libxml2 reports a mismatched end tag just past it: show the tag. */
            if (r.err.code == XML_ERR_TAG_NAME_MISMATCH && at > 0 && at <= len && text[at - 1] == '>') {
                from = at - 1;      /* `at` may be the end of the text: never read text[at] */
                while (from > 0 && text[from] != '<') from--;
            }
            ok = refuse(&r, from, from == at ? at + 1 : at, "not well-formed XML: %s", r.err.message);
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

void bind_iis_edit_put(bind_iis_edits *v, size_t start, size_t end, const char *text, size_t text_len)
{
    bind_iis_edit e = { start, end, text, text_len, text_len, NULL, 0, v->len };
    bind_vec_push(v, e);
}

static void edit_block(bind_iis_edits *v, size_t start, size_t end, const char *text, size_t text_len, size_t split,
                       const char *block, size_t block_len)
{
    bind_iis_edit e = { start, end, text ? text : "", text_len, split, block, block_len, v->len };
    bind_vec_push(v, e);
}

const char *bind_iis_indent_at(const bind_iis_doc *d, size_t pos, bind_arena *a)
{
    size_t ls = line_start(d->text, pos);
    return blank(d->text, ls, pos) ? bind_arena_strndup(a, d->text + ls, pos - ls) : NULL;
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

void bind_iis_lines_at(const bind_iis_doc *d, size_t pos, const char *indent, bind_buf *before, bind_buf *after)
{
    bool at_line_start = pos == 0 || d->text[pos - 1] == '\n';
    if (!at_line_start) {
        bind_buf_puts(before, d->eol);
        bind_buf_puts(after, indent);
    }
}

/* Inserts whole lines at pos (see bind_iis_lines_at): the block goes at the
 * returned offset of b. */
static size_t lines_at(const bind_iis_doc *d, size_t pos, const char *indent, bind_buf *b)
{
    bind_buf after;
    bind_buf_init(&after);
    bind_iis_lines_at(d, pos, indent, b, &after);
    size_t split = b->len;
    bind_buf_put(b, after.data, after.len);
    bind_buf_free(&after);
    return split;
}

void bind_iis_elem_line(const bind_iis_doc *d, const bind_iis_elem *e, size_t *start, size_t *end)
{
    const char *t = d->text;
    size_t b = e->begin, x = e->end, ls = line_start(t, b), le = x;
    while (le < d->len && (t[le] == ' ' || t[le] == '\t')) le++;
    if (le < d->len && t[le] == '\r' && le + 1 < d->len && t[le + 1] == '\n') le++;
    if (blank(t, ls, b) && (le == d->len || t[le] == '\n')) { b = ls; x = le < d->len ? le + 1 : le; }
    *start = b;
    *end = x;
}

size_t bind_iis_after_line(const bind_iis_doc *d, size_t end)
{
    const char *t = d->text;
    size_t q = end;
    while (q < d->len && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r')) q++;
    return q < d->len && t[q] == '\n' ? q + 1 : end;
}

static int edit_cmp(const void *a, const void *b)
{
    const bind_iis_edit *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    /* At one place: what is inserted before what replaces text there, each
     * in the order it was planned. */
    if ((x->end > x->start) != (y->end > y->start)) return x->end > x->start ? 1 : -1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void bind_iis_doc_splice(const bind_iis_doc *d, bind_iis_edits *edits, const char *sites, size_t sites_len,
                         const char *pools, size_t pools_len, bind_buf *out)
{
    bind_buf texts[2];
    bind_buf_init(&texts[0]);
    bind_buf_init(&texts[1]);
    const struct bind_iis_section *s = d->sites_section, *p = d->pools_section;
    const char *t = d->text;

    /* New sites go after the last site of the file, else first in <sites>. */
    if (sites_len) {
        if (s->at.empty) {
            size_t split = open_empty(d, s, "sites", &texts[0]);
            edit_block(edits, s->at.begin, s->at.end, texts[0].data, texts[0].len, split, sites, sites_len);
        } else {
            size_t pos = d->nsites ? bind_iis_after_line(d, d->sites[d->nsites - 1].at.end) : bind_iis_after_line(d, s->at.tag_end);
            size_t split = lines_at(d, pos, s->indent, &texts[0]);
            edit_block(edits, pos, pos, texts[0].data, texts[0].len, split, sites, sites_len);
        }
    }

    /* <applicationPools>: new entries after the last <add> (where appcmd
     * puts them, before <applicationPoolDefaults>), else at the end. */
    if (pools_len) {
        if (p->at.empty) {
            size_t split = open_empty(d, p, "applicationPools", &texts[1]);
            edit_block(edits, p->at.begin, p->at.end, texts[1].data, texts[1].len, split, pools, pools_len);
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
            edit_block(edits, pos, pos, texts[1].data, texts[1].len, split, pools, pools_len);
        }
    }

    if (edits->len > 1) qsort(edits->items, edits->len, sizeof *edits->items, edit_cmp);
    size_t at = 0;
    for (size_t i = 0; i < edits->len; i++) {
        const bind_iis_edit *e = &edits->items[i];
        if (e->start < at) continue;    /* never: the plan makes no overlapping edits */
        bind_buf_put(out, t + at, e->start - at);
        bind_buf_put(out, e->text, e->split);
        bind_buf_put(out, e->block, e->block_len);
        bind_buf_put(out, e->text + e->split, e->text_len - e->split);
        at = e->end;
    }
    bind_buf_put(out, t + at, d->len - at);
    bind_buf_free(&texts[0]);
    bind_buf_free(&texts[1]);
}
