/* applicationhost.config (IIS 7 to 10, IIS Express) read into sites.
 *
 * libxml2 parses the document as a stream of SAX events (no tree: a
 * fleet's file is hundreds of MB as a tree) and checks that it is
 * well-formed; where each element and attribute is comes from the
 * parser's offset at each event, so that a diagnostic and the `# from
 * FILE:LINE` comment point at the element itself.
 *
 * What is read, and what IIS does with it:
 *   - <sites><site name id serverAutoStart>, with <application path
 *     applicationPool enabledProtocols> and its <virtualDirectory path="/"
 *     physicalPath>, and <bindings><binding protocol bindingInformation
 *     sslFlags certificateHash certificateStoreName>, <clear/> first or not;
 *   - <siteDefaults serverAutoStart> and its <bindings>, which every site
 *     without <clear/> inherits first; <applicationDefaults> (of <sites>
 *     and of each site), the pool and protocols of an application that
 *     names none;
 *   - a <sites configSource="FILE"> is read from FILE, relative to this one;
 *   - the platform: IIS Express writes %IIS_BIN% and %IIS_USER_HOME% into
 *     its own file; IIS 8 added the sections webSocket,
 *     applicationInitialization and dynamicIpSecurity (IIS_schema.xml of
 *     each version) and binding/@sslFlags; IIS 10 the sslFlags bits 4-64
 *     and wildcard host names.  Nothing in the file tells IIS 8 from 10.
 * Passwords and user names (of pools, virtual directories, processModel)
 * are never read. */
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlversion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/file_io.h"
#include "base/xml_error.h"
#include "detect.h"
#include "readers.h"

enum role {
    R_OTHER, R_ROOT, R_SECTIONS, R_APPHOST, R_SITES, R_SITE, R_SITE_DEFAULTS, R_BINDINGS, R_DEFAULT_BINDINGS, R_APP,
};

#define MAX_DEPTH 256

typedef struct raw_app {
    const char *path, *pool, *protocols, *physical;
    bind_span at;
} raw_app;

typedef struct raw_site {
    bind_imp_site *site;
    int8_t autostart;                   /* -1 not written, 0 false, 1 true */
    bool clears, has_bindings_elem;
    const char *def_pool, *def_protocols;   /* the site's own <applicationDefaults> */
    BIND_VEC(raw_app) apps;
} raw_site;

typedef struct state state;

typedef struct doc {
    bind_imported *im;
    state *st;
    bind_source *src;
    xmlParserCtxtPtr ctxt;
    uint8_t roles[MAX_DEPTH];
    size_t opened[MAX_DEPTH];           /* where each open element starts */
    int depth;
    uint8_t root_role;                  /* what the root element must be */
    raw_app *app;                       /* the <application> being read */
    /* The open <site>'s bindings and applications, moved into the arena at
     * their size when it closes: a fleet has 100,000 sites of a few each. */
    bool site_open;
    BIND_VEC(bind_imp_binding) bindings;
    BIND_VEC(raw_app) apps;
    BIND_VEC(const char *) comments;    /* XML comments waiting for the next site or binding */
    bool failed;
    bind_xml_error err;                 /* the first error libxml2 reported */
} doc;

/* What a whole document (with its configSource files) adds up to. */
struct state {
    bind_imported *im;
    BIND_VEC(raw_site) sites;
    int8_t def_autostart;
    const char *def_pool, *def_protocols;
    BIND_VEC(bind_imp_binding) def_bindings;
    bind_span defaults_at;
    bool sections, iis8, iis10, express, flags_attr, apphost;
    bind_span root_at;
    const char *why8;
};

static state *st_of(doc *d) { return d->st; }

/* Where an attribute's value is, when libxml2 hands it out of its input
 * (no entity to replace); else the element's start. */
static bind_span value_span(doc *d, const xmlChar *v, const xmlChar *e, size_t elem_begin, size_t elem_name_end)
{
    xmlParserInputPtr in = d->ctxt->input;
    if (v >= in->base && e <= in->end && v <= e) {
        size_t at = (size_t)in->consumed + (size_t)(v - in->base);
        if (at + (size_t)(e - v) <= d->src->len) return bind_imp_span(d->src, at, at + (size_t)(e - v));
    }
    return bind_imp_span(d->src, elem_begin, elem_name_end);
}

typedef struct attr { const char *value; size_t len; bind_span at; } attr;

/* The attributes of interest of an element, by name. */
static bool get_attr(doc *d, int nattr, const xmlChar **attrs, const char *name, attr *out, size_t begin, size_t name_end)
{
    for (int i = 0; i < nattr; i++) {
        const xmlChar **a = attrs + 5 * i;
        if (a[1] || a[0][0] != (xmlChar)name[0] || strcmp((const char *)a[0], name) != 0) continue;
        out->value = (const char *)a[3];
        out->len = (size_t)(a[4] - a[3]);
        out->at = value_span(d, a[3], a[4], begin, name_end);
        return true;
    }
    return false;
}

static const char *dup_attr(doc *d, const attr *a) { return bind_arena_strndup(d->im->arena, a->value, a->len); }

static bool ieq_attr(const attr *a, const char *s) { return bind_imp_ieq(a->value, a->len, s); }

static void take_comments(doc *d, const char ***out, uint32_t *n)
{
    if (!d->comments.len) return;
    *out = bind_arena_alloc(d->im->arena, d->comments.len * sizeof **out);
    memcpy(*out, d->comments.items, d->comments.len * sizeof **out);
    *n = (uint32_t)d->comments.len;
    d->comments.len = 0;
}

/* ---- a <binding> ------------------------------------------------------------ */

static void read_binding(doc *d, int nattr, const xmlChar **attrs, size_t begin, size_t name_end, bool defaults)
{
    state *s = st_of(d);
    attr proto, info, flags, hash = { NULL, 0, { 0, 0, 0 } }, store;
    bind_span elem = bind_imp_span(d->src, begin, name_end);
    bool hp = get_attr(d, nattr, attrs, "protocol", &proto, begin, name_end);
    bool hi = get_attr(d, nattr, attrs, "bindingInformation", &info, begin, name_end);
    if (!hp || !hi) {
        bind_imp_diag(d->im, BIND_W0601, elem, "<binding> without %s left out: IIS refuses it too",
                      !hp ? "a protocol" : "bindingInformation");
        d->comments.len = 0;
        return;
    }
    bind_imp_binding b;
    if (!bind_imp_binding_read(d->im, &b, proto.value, proto.len, info.value, info.len, info.at)) {
        d->comments.len = 0;
        return;
    }
    if (get_attr(d, nattr, attrs, "sslFlags", &flags, begin, name_end)) {
        s->flags_attr = true;
        unsigned long v = 0;
        bool num = flags.len > 0 && flags.len <= 10;
        for (size_t i = 0; i < flags.len && num; i++) num = flags.value[i] >= '0' && flags.value[i] <= '9';
        for (size_t i = 0; i < flags.len && num; i++) v = v * 10 + (unsigned long)(flags.value[i] - '0');
        if (!num || v > 127) {
            bind_diag *dg = bind_imp_diag(d->im, BIND_W0601, flags.at, "sslFlags `%.*s` left out: the language knows the bits 1-64",
                                          (int)(flags.len > 32 ? 32 : flags.len), flags.value);
            bind_imp_note(d->im, dg, "1 sni, 2 ccs, 4 http2=off, 8 ocsp=off, 16 quic=off, 32 tls13=off, 64 legacy_tls=off");
            v = num ? v & 127 : 0;
        }
        if (b.protocol == BIND_PROTO_HTTPS) {
            b.ssl_flags = (uint8_t)v;
            if (v & BIND_SSL_EXT_MASK) { s->iis10 = true; }
        } else if (v) {
            bind_imp_diag(d->im, BIND_W0601, flags.at, "sslFlags %lu on a %s binding left out: only https bindings have TLS options",
                          v, bind_protocol_name((enum bind_protocol)b.protocol));
        }
    }
    if (b.parsed.host_wildcard) s->iis10 = true;
    if (get_attr(d, nattr, attrs, "certificateHash", &hash, begin, name_end) && hash.len) {
        s->flags_attr = true;
        bool hex = hash.len == 40;
        for (size_t i = 0; i < hash.len && hex; i++) {
            char ch = hash.value[i];
            hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        }
        if (!hex) {
            bind_imp_diag(d->im, BIND_W0601, hash.at, "certificateHash `%.*s` left out: a thumbprint is 40 hex digits",
                          (int)(hash.len > 64 ? 64 : hash.len), hash.value);
            hash.len = 0;
        }
    }
    if (hash.len) {
        char *h = (char *)dup_attr(d, &hash);
        for (char *q = h; *q; q++) if (*q >= 'a' && *q <= 'f') *q = (char)(*q - 32);
        b.hash = h;
        if (get_attr(d, nattr, attrs, "certificateStoreName", &store, begin, name_end) && store.len) b.store = dup_attr(d, &store);
    }
    take_comments(d, &b.comments, &b.ncomments);
    if (defaults) bind_vec_push(&s->def_bindings, b);
    else bind_vec_push(&d->bindings, b);
}

/* ---- elements ------------------------------------------------------------------ */

static bool name_is(const xmlChar *n, const char *s) { return n[0] == (xmlChar)s[0] && strcmp((const char *)n, s) == 0; }

static void follow_config_source(doc *d, const attr *a);

static void start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                  const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
    (void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted;
    xmlParserCtxtPtr c = ctx;
    doc *d = c->_private;
    state *s = st_of(d);
    int depth = d->depth;
    uint8_t parent = depth ? d->roles[depth - 1] : (uint8_t)R_OTHER;
    uint8_t role = R_OTHER;
    /* The element starts at the `<` before where the parser is, and before
     * its first attribute's value when that is still in the parser's
     * input: a fleet's tags are long. */
    size_t at = bind_xml_parser_offset(c);
    if (nattr > 0) {
        xmlParserInputPtr in = c->input;
        if (attrs[3] >= in->base && attrs[3] <= in->cur) at = (size_t)in->consumed + (size_t)(attrs[3] - in->base);
    }
    size_t begin = at < d->src->len ? at : d->src->len;
    while (begin > 0 && d->src->text[begin] != '<') begin--;
    size_t name_end = begin + 1 + strlen((const char *)name);
    bind_span elem = bind_imp_span(d->src, begin, name_end);
    attr a;

    if (depth == 0) {
        role = d->root_role;
        if (role == R_ROOT) s->root_at = elem;
        if (role == R_SITES && !name_is(name, "sites")) {
            bind_imp_diag(d->im, BIND_E0602, elem, "the file a configSource names must hold <sites>, not <%s>", (const char *)name);
            d->failed = true;
            role = R_OTHER;
        }
    } else if (parent == R_ROOT) {
        if (name_is(name, "configSections")) { role = R_SECTIONS; s->sections = true; }
        else if (name_is(name, "system.applicationHost")) { role = R_APPHOST; s->apphost = true; }
    } else if (parent == R_SECTIONS) {
        /* <sectionGroup> nests; a <section> of IIS 8 and later anywhere in it. */
        if (name_is(name, "sectionGroup")) role = R_SECTIONS;
        else if (name_is(name, "section") && get_attr(d, nattr, attrs, "name", &a, begin, name_end)) {
            static const char *const iis8[] = { "webSocket", "applicationInitialization", "dynamicIpSecurity" };
            for (size_t i = 0; i < 3; i++)
                if (a.len == strlen(iis8[i]) && memcmp(a.value, iis8[i], a.len) == 0 && !s->why8) {
                    s->iis8 = true;
                    s->why8 = bind_arena_printf(d->im->arena, "<section name=\"%s\"> is declared", iis8[i]);
                }
        }
    } else if (parent == R_APPHOST) {
        if (name_is(name, "sites")) {
            role = R_SITES;
            if (get_attr(d, nattr, attrs, "configSource", &a, begin, name_end)) follow_config_source(d, &a);
        }
    } else if (parent == R_SITES) {
        if (name_is(name, "site")) {
            role = R_SITE;
            attr nm, id, as;
            bind_span name_at = elem;
            const char *site_name = NULL;
            if (get_attr(d, nattr, attrs, "name", &nm, begin, name_end)) { site_name = dup_attr(d, &nm); name_at = nm.at; }
            raw_site rs;
            memset(&rs, 0, sizeof rs);
            rs.autostart = -1;
            rs.site = bind_imp_site_add(d->im, site_name ? site_name : "", name_at);
            rs.site->server = BIND_SERVER_IIS;
            rs.site->at = elem;
            if (!site_name) bind_imp_diag(d->im, BIND_W0601, elem, "<site> without a name: IIS refuses it; written with an empty name");
            if (get_attr(d, nattr, attrs, "id", &id, begin, name_end)) {
                bool num = id.len > 0 && id.len <= 10 && id.value[0] >= '1' && id.value[0] <= '9';
                for (size_t i = 0; i < id.len && num; i++) num = id.value[i] >= '0' && id.value[i] <= '9';
                unsigned long long v = 0;
                for (size_t i = 0; i < id.len && num; i++) v = v * 10 + (unsigned long long)(id.value[i] - '0');
                if (num && v <= UINT32_MAX) rs.site->id = (uint32_t)v;
                else bind_imp_diag(d->im, BIND_W0601, id.at, "site id `%.*s` left out: an id is a whole number 1-4294967295",
                                   (int)(id.len > 32 ? 32 : id.len), id.value);
            }
            if (get_attr(d, nattr, attrs, "serverAutoStart", &as, begin, name_end))
                rs.autostart = ieq_attr(&as, "false") ? 0 : ieq_attr(&as, "true") ? 1 : -1;
            take_comments(d, &rs.site->comments, &rs.site->ncomments);
            bind_vec_push(&s->sites, rs);
            d->site_open = true;
        } else if (name_is(name, "siteDefaults")) {
            role = R_SITE_DEFAULTS;
            s->defaults_at = elem;
            if (get_attr(d, nattr, attrs, "serverAutoStart", &a, begin, name_end))
                s->def_autostart = ieq_attr(&a, "false") ? 0 : ieq_attr(&a, "true") ? 1 : -1;
        } else if (name_is(name, "applicationDefaults")) {
            if (get_attr(d, nattr, attrs, "applicationPool", &a, begin, name_end)) s->def_pool = dup_attr(d, &a);
            if (get_attr(d, nattr, attrs, "enabledProtocols", &a, begin, name_end)) s->def_protocols = dup_attr(d, &a);
        }
        if (role != R_SITE) d->comments.len = 0;
    } else if (parent == R_SITE) {
        raw_site *rs = &s->sites.items[s->sites.len - 1];
        if (name_is(name, "bindings")) { role = R_BINDINGS; rs->has_bindings_elem = true; }
        else if (name_is(name, "application")) {
            role = R_APP;
            raw_app ap;
            memset(&ap, 0, sizeof ap);
            ap.at = elem;
            if (get_attr(d, nattr, attrs, "path", &a, begin, name_end)) { ap.path = dup_attr(d, &a); ap.at = a.at; }
            if (get_attr(d, nattr, attrs, "applicationPool", &a, begin, name_end)) ap.pool = dup_attr(d, &a);
            if (get_attr(d, nattr, attrs, "enabledProtocols", &a, begin, name_end)) ap.protocols = dup_attr(d, &a);
            bind_vec_push(&d->apps, ap);
            d->app = &d->apps.items[d->apps.len - 1];
        } else if (name_is(name, "applicationDefaults")) {
            if (get_attr(d, nattr, attrs, "applicationPool", &a, begin, name_end)) rs->def_pool = dup_attr(d, &a);
            if (get_attr(d, nattr, attrs, "enabledProtocols", &a, begin, name_end)) rs->def_protocols = dup_attr(d, &a);
        }
    } else if (parent == R_SITE_DEFAULTS) {
        if (name_is(name, "bindings")) role = R_DEFAULT_BINDINGS;
    } else if (parent == R_BINDINGS || parent == R_DEFAULT_BINDINGS) {
        if (name_is(name, "binding")) read_binding(d, nattr, attrs, begin, name_end, parent == R_DEFAULT_BINDINGS);
        else if (name_is(name, "clear") && parent == R_BINDINGS) {
            raw_site *rs = &s->sites.items[s->sites.len - 1];
            if (!d->bindings.len) rs->clears = true;
            else bind_imp_diag(d->im, BIND_W0602, elem, "<clear /> after bindings: IIS drops the bindings before it too; they are kept here");
        }
    } else if (parent == R_APP) {
        if (name_is(name, "virtualDirectory") && d->app && !d->app->physical && get_attr(d, nattr, attrs, "path", &a, begin, name_end) &&
            a.len == 1 && a.value[0] == '/' && get_attr(d, nattr, attrs, "physicalPath", &a, begin, name_end))
            d->app->physical = dup_attr(d, &a);
    }
    if (depth < MAX_DEPTH) { d->roles[depth] = role; d->opened[depth] = begin; }
    d->depth++;
}

static void *arena_copy(bind_arena *a, const void *items, size_t n)
{
    void *p = n ? bind_arena_alloc(a, n) : NULL;
    if (n) memcpy(p, items, n);
    return p;
}

static void close_site(doc *d)
{
    state *s = st_of(d);
    raw_site *rs = &s->sites.items[s->sites.len - 1];
    rs->site->bindings.items = arena_copy(d->im->arena, d->bindings.items, d->bindings.len * sizeof *d->bindings.items);
    rs->site->bindings.len = rs->site->bindings.cap = d->bindings.len;
    rs->apps.items = arena_copy(d->im->arena, d->apps.items, d->apps.len * sizeof *d->apps.items);
    rs->apps.len = rs->apps.cap = d->apps.len;
    d->bindings.len = d->apps.len = 0;
    d->app = NULL;
    d->site_open = false;
}

static void end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    (void)name, (void)prefix, (void)uri;
    doc *d = ((xmlParserCtxtPtr)ctx)->_private;
    if (d->depth > 0) d->depth--;
    uint8_t role = d->depth < MAX_DEPTH ? d->roles[d->depth] : (uint8_t)R_OTHER;
    if (role == R_APP) d->app = NULL;
    if (role == R_SITE) close_site(d);
    if (role == R_SITE || role == R_BINDINGS || role == R_SITES) d->comments.len = 0;
}

/* XML comments between sites and between bindings are kept above them. */
static void comment(void *ctx, const xmlChar *value)
{
    doc *d = ((xmlParserCtxtPtr)ctx)->_private;
    uint8_t parent = d->depth ? d->roles[d->depth - 1] : (uint8_t)R_OTHER;
    if ((parent != R_SITES && parent != R_BINDINGS) || !value) return;
    const char *v = (const char *)value;
    size_t n = strlen(v);
    if (bind_imp_comment_secret(v, n)) return;
    for (size_t i = 0; i <= n;) {
        const char *nl = memchr(v + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - v) : n;
        const char *line = bind_imp_comment_text(d->im->arena, v + i, e - i);
        if (line && d->comments.len < 64) bind_vec_push(&d->comments, line);
        i = e + 1;
    }
}

static void on_error(void *ctx, bind_xml_error_ptr e)
{
    doc *d = ((xmlParserCtxtPtr)ctx)->_private;
    bind_xml_error_keep(&d->err, d->im->arena, e);
}

/* A DOCTYPE would bring entities from elsewhere: applicationhost.config
 * never has one. */
static void internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name, (void)ext, (void)sys;
    doc *d = ((xmlParserCtxtPtr)ctx)->_private;
    if (!d->failed) {
        size_t at = bind_xml_parser_offset((xmlParserCtxtPtr)ctx);
        bind_imp_diag(d->im, BIND_E0602, bind_imp_span(d->src, at, at + 1),
                      "%s has a DOCTYPE; an applicationhost.config never has one", d->src->path);
    }
    d->failed = true;
    xmlStopParser((xmlParserCtxtPtr)ctx);
}

static bool parse(state *st, bind_source *src, uint8_t root_role)
{
    bind_imported *im = st->im;
    doc d;
    memset(&d, 0, sizeof d);
    d.im = im;
    d.st = st;
    d.src = src;
    d.root_role = root_role;
    if (src->len > (size_t)INT32_MAX) {
        bind_imp_diag(im, BIND_E0602, bind_imp_span(src, 0, 0), "%s is larger than 2 GiB", src->path);
        return false;
    }
    xmlInitParser();
    xmlSAXHandler h;
    memset(&h, 0, sizeof h);
    h.initialized = XML_SAX2_MAGIC;
    h.startElementNs = start;
    h.endElementNs = end;
    h.comment = comment;
    h.serror = on_error;
    h.internalSubset = internal_subset;
    /* Pushed a chunk at a time: libxml2 keeps only what it has not read
     * yet, where a memory parser would copy the whole text first (hundreds
     * of MB for a fleet).  Offsets stay offsets into the text: the parser
     * counts what it has let go (bind_xml_parser_offset). */
    xmlParserCtxtPtr c = xmlCreatePushParserCtxt(&h, NULL, NULL, 0, src->path);
    if (!c) bind_oom();
    c->_private = &d;
    d.ctxt = c;
    /* No network, nothing printed.  The text is UTF-8 (detect.c made it
     * so), whatever its declaration says.  NOENT: attribute values come with `&amp;` and `&#x…;` replaced (there
     * is no DTD, so no other entity: a DOCTYPE stops the parse). */
    xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC | XML_PARSE_NOENT);
    const size_t chunk = 256u << 10;
    for (size_t at = 0; at < src->len && !d.failed && c->wellFormed; at += chunk) {
        size_t n = src->len - at < chunk ? src->len - at : chunk;
        if (xmlParseChunk(c, src->text + at, (int)n, 0) != 0 && !c->wellFormed) break;
    }
    if (!d.failed && c->wellFormed) xmlParseChunk(c, NULL, 0, 1);
    bool ok = !d.failed;
    if (!d.failed && (!c->wellFormed || d.err.have) && d.depth > 0 &&
        (!d.err.have || d.err.code == XML_ERR_DOCUMENT_END || d.err.code == XML_ERR_TAG_NOT_FINISHED)) {
        /* The text stops inside an element: cut short. */
        size_t open = d.opened[d.depth - 1 < MAX_DEPTH ? d.depth - 1 : MAX_DEPTH - 1];
        bind_diag *dg = bind_imp_diag(im, BIND_E0602, bind_imp_span(src, src->len, src->len),
                                      "not well-formed XML: the file ends inside an element: is it cut short?");
        bind_span op = bind_imp_span(src, open, open + 1);
        bind_diag_note(&im->diags, dg, &op, "this element is never closed");
        ok = false;
    } else if (!d.failed && (!c->wellFormed || d.err.have)) {
        size_t at = d.err.have ? bind_xml_offset(src->text, src->len, d.err.line, d.err.col) : src->len;
        bind_diag *dg = bind_imp_diag(im, BIND_E0602, bind_imp_span(src, at, at + 1), "not well-formed XML: %s",
                                      d.err.message ? d.err.message : "the document ends too early");
        if (at >= src->len) bind_imp_note(im, dg, "the file ends before its elements are closed: is it cut short?");
        ok = false;
    }
    if (c->myDoc) xmlFreeDoc(c->myDoc);
    xmlFreeParserCtxt(c);
    if (d.site_open) close_site(&d);
    bind_vec_free(&d.comments);
    bind_vec_free(&d.bindings);
    bind_vec_free(&d.apps);
    return ok;
}

/* <sites configSource="FILE">: FILE, relative to this file's folder. */
static void follow_config_source(doc *d, const attr *a)
{
    bind_imported *im = d->im;
    if (!im->follow_files) {
        bind_imp_diag(im, BIND_W0604, a->at, "configSource `%.*s` not read: following files is off here", (int)a->len, a->value);
        return;
    }
    const char *p = d->src->path, *slash = strrchr(p, '/');
    const char *value = dup_attr(d, a);
    for (char *q = (char *)value; *q; q++) if (*q == '\\') *q = '/';
    const char *path = value[0] == '/' || !slash ? value : bind_arena_printf(im->arena, "%.*s/%s", (int)(slash - p), p, value);
    char *text = NULL;
    size_t len = 0;
    int e = im->files_read++ > 1000 ? ELOOP : bind_read_file(path, BIND_IMPORT_MAX_FILE, &text, &len);
    if (e) {
        bind_diag *dg = bind_imp_diag(im, BIND_E0604, a->at, "cannot read %s, which holds <sites> (configSource): %s", path, bind_io_strerror(e));
        bind_imp_note(im, dg, "IIS reads it relative to applicationhost.config's folder; so does bindc");
        d->failed = true;
        return;
    }
    enum bind_import_kind kind;
    bind_source *src = bind_import_source(im, path, text, len, &kind);
    if (!src || !parse(d->st, src, R_SITES)) d->failed = true;
}

/* ---- after the document: defaults, inheritance, the platform ----------------- */

static bool same_pool(const char *a, const char *b)
{
    return a && b && bind_imp_ieq(a, strlen(a), b);
}

static void finish_site(state *s, raw_site *rs)
{
    bind_imported *im = s->im;
    bind_imp_site *site = rs->site;

    /* serverAutoStart: the site's, else <siteDefaults>', else true. */
    int8_t as = rs->autostart >= 0 ? rs->autostart : s->def_autostart;
    site->autostart_off = as == 0;
    if (rs->autostart < 0 && s->def_autostart == 0)
        bind_imp_diag(im, BIND_W0602, site->at, "site `%s` is not started automatically because <siteDefaults> says so; "
                                                "a --merge writes serverAutoStart=\"false\" on the site", site->name);

    /* Bindings <siteDefaults> gives every site without <clear/>: first. */
    if (!rs->clears && s->def_bindings.len) {
        size_t nown = site->bindings.len, ndef = s->def_bindings.len;
        bind_imp_binding *all = bind_arena_alloc(im->arena, (ndef + nown) * sizeof *all);
        memcpy(all, s->def_bindings.items, ndef * sizeof *all);
        if (nown) memcpy(all + ndef, site->bindings.items, nown * sizeof *all);
        site->bindings.items = all;
        site->bindings.len = site->bindings.cap = ndef + nown;
        bind_diag *d = bind_imp_diag(im, BIND_W0602, site->at, "site `%s` inherits %zu binding%s from <siteDefaults>; they are "
                                     "written in the site", site->name, s->def_bindings.len, s->def_bindings.len == 1 ? "" : "s");
        bind_diag_note(&im->diags, d, &s->defaults_at, "<siteDefaults> is here");
        bind_imp_note(im, d, "a --merge writes them into the site, after a <clear />");
    }

    /* Applications: the root one is the site's path and pool. */
    const char *site_def = rs->def_pool ? rs->def_pool : s->def_pool;
    const char *site_protocols = rs->def_protocols ? rs->def_protocols : s->def_protocols;
    raw_app *root = NULL;
    for (size_t i = 0; i < rs->apps.len; i++)
        if (rs->apps.items[i].path && strcmp(rs->apps.items[i].path, "/") == 0 && !root) root = &rs->apps.items[i];
    if (root) {
        site->path = root->physical;
        site->pool = root->pool ? root->pool : site_def;
    } else {
        bind_diag *d = bind_imp_diag(im, BIND_W0602, site->at, "site `%s` has no root application <application path=\"/\">",
                                     site->name);
        bind_imp_note(im, d, "IIS does not start such a site; a compile writes one, a --merge only when the .bind gives "
                             "the site a path or a pool");
    }
    for (size_t i = 0; i < rs->apps.len; i++) {
        raw_app *ap = &rs->apps.items[i];
        if (ap == root) continue;
        if (!ap->path) {
            bind_imp_diag(im, BIND_W0601, ap->at, "<application> without a path left out: IIS refuses it too");
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++) dup = rs->apps.items[k].path && bind_imp_ieq(rs->apps.items[k].path, strlen(rs->apps.items[k].path), ap->path);
        if (dup) {
            bind_imp_diag(im, BIND_W0601, ap->at, "application `%s` left out: the site names it twice", ap->path);
            continue;
        }
        bind_imp_app a = { ap->path, ap->physical, NULL, ap->at };
        /* Its pool where it differs from the site's (IIS's own default,
         * DefaultAppPool, where nothing names one). */
        const char *eff = ap->pool ? ap->pool : site_def;
        const char *site_eff = site->pool ? site->pool : "DefaultAppPool";
        if (eff && !same_pool(eff, site_eff)) a.pool = eff;
        else if (!eff && site->pool && !same_pool(site->pool, "DefaultAppPool")) a.pool = "DefaultAppPool";
        bind_arena_vec_push(im->arena, &site->apps, a);
    }

    /* IIS activates a non-HTTP protocol only where the application lists it. */
    bool need[BIND_PROTO_COUNT] = { false }, other = false;
    for (size_t i = 0; i < site->bindings.len; i++) need[site->bindings.items[i].protocol] = true;
    for (int p = BIND_PROTO_NET_TCP; p < BIND_PROTO_COUNT; p++) other |= need[p];
    if (!other) return;
    bind_diag *said = NULL;
    size_t apps = 0;
    for (size_t i = 0; i < rs->apps.len; i++) {
        raw_app *ap = &rs->apps.items[i];
        const char *list = ap->protocols ? ap->protocols : site_protocols ? site_protocols : "http";
        char missing[128] = "";
        size_t m = 0;
        for (int p = BIND_PROTO_HTTP; p < BIND_PROTO_COUNT; p++) {
            if (p == BIND_PROTO_HTTPS || p == BIND_PROTO_FTP) continue;
            bool want = p == BIND_PROTO_HTTP ? need[BIND_PROTO_HTTP] || need[BIND_PROTO_HTTPS] : need[p];
            const char *pn = bind_protocol_name((enum bind_protocol)p);
            if (want && !bind_protocol_list_has(list, pn) && m + strlen(pn) + 3 < sizeof missing)
                m += (size_t)snprintf(missing + m, sizeof missing - m, "%s%s", m ? ", " : "", pn);
        }
        if (!m) continue;
        if (!said) {
            said = bind_imp_diag(im, BIND_W0602, ap->at, "application `%s` of site `%s` does not enable %s (enabledProtocols=\"%s\")",
                                 ap->path ? ap->path : "?", site->name, missing, list);
            bind_imp_note(im, said, "a compile enables the protocols of a site's bindings in every application; a --merge "
                                    "keeps this enabledProtocols, and adds only the protocols of bindings it adds");
        }
        apps++;
    }
    if (apps > 1) bind_imp_note(im, said, "so do %zu more applications of the site", apps - 1);
}

static bool find(const char *t, size_t n, const char *what)
{
    size_t k = strlen(what);
    for (const char *p = t; (p = memchr(p, what[0], n - (size_t)(p - t))) != NULL; p++)
        if ((size_t)(t + n - p) >= k && memcmp(p, what, k) == 0) return true;
    return false;
}

void bind_import_iis_config(bind_imported *im, bind_source *src)
{
    state s;
    memset(&s, 0, sizeof s);
    s.im = im;
    s.def_autostart = -1;
    bool ok = parse(&s, src, R_ROOT);
    if (ok && !s.apphost) {
        bind_diag *d = bind_imp_diag(im, BIND_E0601, s.root_at, "%s has no <system.applicationHost>: it is not an "
                                     "applicationhost.config", src->path);
        bind_imp_note(im, d, "a web.config or machine.config holds no sites; IIS keeps them in "
                             "%%windir%%\\System32\\inetsrv\\config\\applicationHost.config");
        ok = false;
    }
    if (ok) {
        for (size_t i = 0; i < s.sites.len; i++) finish_site(&s, &s.sites.items[i]);

        /* The platform. */
        const char *t = src->text;
        bool express = false;
        static const char *const marks[] = { "%IIS_BIN%", "%IIS_USER_HOME%", "%IIS_SITES_HOME%" };
        const char *mark = NULL;
        for (size_t i = 0; i < 3 && !express; i++)
            if (find(t, src->len, marks[i])) { express = true; mark = marks[i]; }
        if (express) {
            im->platform = "iis-express";
            im->platform_why = bind_arena_printf(im->arena, "IIS Express (the file names %s)", mark);
        } else if (s.iis10) {
            im->platform = "iis10";
            im->platform_why = "IIS 10 (a binding has a wildcard host name or an sslFlags bit of IIS 10)";
        } else if (s.iis8 || s.flags_attr) {
            im->platform = "iis10";
            im->platform_why = bind_arena_printf(im->arena, "IIS 8 or later (%s); nothing in the file tells IIS 8 from IIS 10: "
                                                 "import with --platform iis8 for IIS 8.0 or 8.5",
                                                 s.why8 ? s.why8 : "a binding has sslFlags");
        } else if (s.sections) {
            im->platform = "iis7";
            im->platform_why = "IIS 7 (the sections of IIS 8 and later are not declared)";
        } else {
            im->platform_why = "not told by the file (it declares no sections); iis10, the language's default";
        }
        im->platform_at = bind_imp_span(src, 0, 0);
    }
    bind_vec_free(&s.sites);
    bind_vec_free(&s.def_bindings);
}
