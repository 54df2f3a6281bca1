/* Helpers for the iis target's tests (test_emit_iis.c, test_iis_merge.c):
 * the real fixtures, compiling and emitting, reading the XML back, and a
 * validator of the emitted sections against Microsoft's IIS schema. */
#ifndef BIND_TEST_IIS_HELPERS_H
#define BIND_TEST_IIS_HELPERS_H

#include <dirent.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "harness.h"
#include "backend/backend.h"
#include "emit_target.h"

#define FIXTURES BINDC_SOURCE_DIR "/tests/fixtures"
#define FRAGMENT "karthickvkumar-docker-react.fragment.config"

/* ------------------------------------------------------------------------
 * Helpers */

static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot read %s", path);
    bind_buf b;
    bind_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) bind_buf_put(&b, chunk, n);
    fclose(f);
    bind_buf_putc(&b, '\0');
    *len = b.len - 1;
    return b.data;
}

static inline bind_compilation *compile_file(const char *path)
{
    bind_compilation *c = bind_compilation_new();
    int err = 0;
    assert_true(bind_compilation_add_file(c, path, &err));
    bind_compilation_check(c);
    return c;
}

static inline bool no_errors(bind_compilation *c)
{
    if (!c->diags.counts[BIND_SEV_ERROR]) return true;
    print_message("diagnostics: %s\n", codes_of(c));
    return false;
}

/* Runs the iis backend; merge_text NULL for the standalone document.  The
 * result also fails when the backend pushed an error (as the driver does). */
static inline bool emit(bind_compilation *c, const char *merge_path, const char *merge_text, size_t merge_len, bind_buf *out)
{
    return emit_target(c, "iis", merge_path, merge_text, merge_len, out);
}

/* emit() that must succeed: shows the diagnostics when it does not. */
static inline void emit_ok(bind_compilation *c, const char *merge_path, const char *merge_text, size_t merge_len, bind_buf *out)
{
    bool ok = emit(c, merge_path, merge_text, merge_len, out);
    for (size_t i = 0; !ok && i < c->diags.list.len; i++)
        print_message("  %s: %s\n", bind_code_name(c->diags.list.items[i]->code), c->diags.list.items[i]->message);
    assert_true(ok);
}

static inline xmlDocPtr parse(const char *text, size_t len)
{
    xmlDocPtr d = xmlReadMemory(text, (int)len, "out.xml", NULL, XML_PARSE_NONET);
    assert_non_null(d);
    return d;
}

static inline xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0) return n;
    return NULL;
}

static inline xmlNodePtr app_host(xmlDocPtr d) { return child(xmlDocGetRootElement(d), "system.applicationHost"); }

static inline char *prop(xmlNodePtr n, const char *name) { return (char *)xmlGetProp(n, (const xmlChar *)name); }

/* The <site> element named `name`, or NULL. */
static inline xmlNodePtr find_site(xmlDocPtr d, const char *name)
{
    for (xmlNodePtr n = child(app_host(d), "sites")->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "site") != 0) continue;
        char *v = prop(n, "name");
        bool hit = v && strcmp(v, name) == 0;
        xmlFree(v);
        if (hit) return n;
    }
    return NULL;
}

static inline size_t count_elems(xmlNodePtr parent, const char *name)
{
    size_t k = 0;
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        k += n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
    return k;
}

static inline bool has_pool(xmlDocPtr d, const char *name)
{
    for (xmlNodePtr n = child(app_host(d), "applicationPools")->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        char *v = prop(n, "name");
        bool hit = v && strcmp(v, name) == 0;
        xmlFree(v);
        if (hit) return true;
    }
    return false;
}

static inline bool has_bom(const char *t, size_t n) { return n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0; }

/* 1: every line ends CRLF; 0: none does; -1: mixed or no line at all. */
static inline int crlf_style(const char *t, size_t n)
{
    size_t lf = 0, crlf = 0;
    for (size_t i = 0; i < n; i++) if (t[i] == '\n') { lf++; crlf += i > 0 && t[i - 1] == '\r'; }
    return !lf ? -1 : crlf == lf ? 1 : crlf == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * The IIS schema validator: every element and attribute must be declared
 * in <sectionSchema>, required attributes present, values of the declared
 * type and validationType, and collection keys unique. */

typedef struct vctx { char err[512]; } vctx;

static inline bool vfail(vctx *v, xmlNodePtr n, const char *what, const char *name)
{
    if (!v->err[0]) snprintf(v->err, sizeof v->err, "line %ld <%s>: %s `%s`", xmlGetLineNo(n), (const char *)n->name, what, name);
    return false;
}

static inline xmlNodePtr decl_child(xmlNodePtr decl, const char *kind, const char *name)
{
    for (xmlNodePtr n = decl->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, kind) != 0) continue;
        if (!name) return n;
        char *v = prop(n, "name");
        bool hit = v && strcmp(v, name) == 0;
        xmlFree(v);
        if (hit) return n;
    }
    return NULL;
}

static inline bool decl_flag(xmlNodePtr d, const char *name)
{
    char *v = prop(d, name);
    bool r = v && strcmp(v, "true") == 0;
    xmlFree(v);
    return r;
}

static inline bool app_path_ok(const char *p)
{
    if (p[0] != '/') return false;
    if (!p[1]) return true;
    size_t n = strlen(p);
    if (p[n - 1] == '/') return false;
    return !strstr(p, "//") && !strstr(p, "/./") && !strstr(p, "/../") && strcmp(p + n - 2, "/.") != 0
        && (n < 3 || strcmp(p + n - 3, "/..") != 0);
}

static inline bool value_ok(xmlNodePtr adecl, const char *value)
{
    char *type = prop(adecl, "type"), *vt = prop(adecl, "validationType"), *vp = prop(adecl, "validationParameter");
    bool ok = true;
    if (type && strcmp(type, "uint") == 0) {
        ok = *value && strspn(value, "0123456789") == strlen(value) && strlen(value) <= 10 && strtoull(value, NULL, 10) <= 4294967295ull;
    } else if (type && strcmp(type, "bool") == 0) {
        ok = strcmp(value, "true") == 0 || strcmp(value, "false") == 0;
    } else if (type && strcmp(type, "enum") == 0) {
        ok = decl_child(adecl, "enum", value) != NULL;
    }
    if (ok && vt) {
        if (strcmp(vt, "nonEmptyString") == 0) ok = *value != '\0';
        else if (strcmp(vt, "siteName") == 0) ok = !strpbrk(value, "/?");
        else if (strcmp(vt, "applicationPoolName") == 0) ok = !strpbrk(value, "|<>&\"/[]+=;:,?*@");
        else if (strcmp(vt, "applicationPath") == 0 || strcmp(vt, "virtualDirectoryPath") == 0) ok = app_path_ok(value);
        else if (strcmp(vt, "integerRange") == 0 && vp) {
            unsigned long long lo = 0, hi = 0, x = strtoull(value, NULL, 10);
            bool exclude = strstr(vp, "exclude") != NULL;
            ok = sscanf(vp, "%llu,%llu", &lo, &hi) == 2 && ((x >= lo && x <= hi) != exclude);
        }
    }
    xmlFree(type);
    xmlFree(vt);
    xmlFree(vp);
    return ok;
}

static inline bool key_equal(xmlNodePtr col, xmlNodePtr a, xmlNodePtr b, bool combined)
{
    bool any = false;
    for (xmlNodePtr ad = col->children; ad; ad = ad->next) {
        if (ad->type != XML_ELEMENT_NODE || strcmp((const char *)ad->name, "attribute") != 0) continue;
        if (!decl_flag(ad, combined ? "isCombinedKey" : "isUniqueKey")) continue;
        char *name = prop(ad, "name"), *x = prop(a, name), *y = prop(b, name);
        bool eq = x && y && (decl_flag(ad, "caseSensitive") ? strcmp(x, y) == 0 : strcasecmp(x, y) == 0);
        xmlFree(name);
        xmlFree(x);
        xmlFree(y);
        if (!combined && eq) return true;       /* each unique key on its own */
        if (combined && !eq) return false;
        any = true;
    }
    return combined && any;
}

static inline bool validate(vctx *v, xmlNodePtr e, xmlNodePtr decl);

/* The add-elements of `col` under e: valid items with unique keys. */
static inline bool validate_items(vctx *v, xmlNodePtr e, xmlNodePtr col)
{
    char *add = prop(col, "addElement");
    bool ok = true;
    for (xmlNodePtr a = e->children; a && ok; a = a->next) {
        if (a->type != XML_ELEMENT_NODE || !add || strcmp((const char *)a->name, add) != 0) continue;
        ok = validate(v, a, col);
        for (xmlNodePtr b = e->children; ok && b != a; b = b->next) {
            if (b->type != XML_ELEMENT_NODE || strcmp((const char *)b->name, add) != 0) continue;
            if (key_equal(col, a, b, false) || key_equal(col, a, b, true)) ok = vfail(v, a, "duplicate collection key in", add);
        }
    }
    xmlFree(add);
    return ok;
}

static inline bool validate(vctx *v, xmlNodePtr e, xmlNodePtr decl)
{
    for (xmlAttrPtr a = e->properties; a; a = a->next) {
        xmlNodePtr ad = decl_child(decl, "attribute", (const char *)a->name);
        if (!ad) return vfail(v, e, "attribute not in the schema:", (const char *)a->name);
        char *val = prop(e, (const char *)a->name);
        bool ok = value_ok(ad, val);
        xmlFree(val);
        if (!ok) return vfail(v, e, "invalid value for", (const char *)a->name);
    }
    for (xmlNodePtr ad = decl->children; ad; ad = ad->next) {
        if (ad->type != XML_ELEMENT_NODE || strcmp((const char *)ad->name, "attribute") != 0 || !decl_flag(ad, "required")) continue;
        char *name = prop(ad, "name"), *val = prop(e, name);
        bool ok = val != NULL;
        xmlFree(val);
        if (!ok) { vfail(v, e, "missing required attribute", name); xmlFree(name); return false; }
        xmlFree(name);
    }
    xmlNodePtr col = decl_child(decl, "collection", NULL);
    for (xmlNodePtr ch = e->children; ch; ch = ch->next) {
        if (ch->type == XML_COMMENT_NODE) continue;
        if (ch->type == XML_TEXT_NODE) {
            if (!xmlIsBlankNode(ch)) return vfail(v, e, "text in", "element");
            continue;
        }
        if (ch->type != XML_ELEMENT_NODE) return vfail(v, e, "unexpected node in", "element");
        const char *name = (const char *)ch->name;
        xmlNodePtr ed = decl_child(decl, "element", name);
        if (ed) { if (!validate(v, ch, ed)) return false; continue; }
        char *add = col ? prop(col, "addElement") : NULL, *clear = col ? prop(col, "clearElement") : NULL;
        bool is_add = add && strcmp(add, name) == 0, is_clear = clear && strcmp(clear, name) == 0;
        xmlFree(add);
        xmlFree(clear);
        if (is_clear && (ch->properties || ch->children)) return vfail(v, ch, "clear with content:", name);
        if (!is_add && !is_clear) return vfail(v, e, "element not in the schema:", name);
    }
    return !col || validate_items(v, e, col);
}

/* The IIS schema file of a platform, as shipped with that version. */
static inline xmlDocPtr schema_for(const char *platform)
{
    const char *file = strcmp(platform, "iis7") == 0 ? "iis70" : strcmp(platform, "iis8") == 0 ? "iis8"
                     : strcmp(platform, "iis-express") == 0 ? "iisexpress10" : "iis10";
    char path[1024];
    snprintf(path, sizeof path, "%s/iis-schema/IIS_schema.%s.xml", FIXTURES, file);
    xmlDocPtr d = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (!d) fail_msg("cannot read the IIS schema %s", path);
    return d;
}

static inline xmlNodePtr section_schema(xmlDocPtr schema, const char *name)
{
    xmlNodePtr s = decl_child(xmlDocGetRootElement(schema), "sectionSchema", name);
    if (!s) fail_msg("no sectionSchema %s", name);
    return s;
}

/* Validates the emitted <sites> and <applicationPools> of `out` against
 * the platform's schema; all_sites: the whole sections (standalone), else
 * only the <site> elements (a merged file keeps what it had). */
static inline void assert_schema_valid(xmlDocPtr out, const char *platform, bool whole)
{
    xmlDocPtr schema = schema_for(platform);
    vctx v = { { 0 } };
    xmlNodePtr sites = child(app_host(out), "sites"), pools = child(app_host(out), "applicationPools");
    xmlNodePtr site_schema = section_schema(schema, "system.applicationHost/sites");
    bool ok = whole ? validate(&v, sites, site_schema) && validate(&v, pools, section_schema(schema, "system.applicationHost/applicationPools"))
                    : validate_items(&v, sites, decl_child(site_schema, "collection", NULL));
    if (!ok) print_message("schema %s: %s\n", platform, v.err);
    xmlFreeDoc(schema);
    assert_true(ok);
}

/* ------------------------------------------------------------------------
 * Canonical comparison: the document outside the replaced sites and the
 * pool list, as C14N (with comments) through libxml2. */

static inline void strip_sites_and_pools(xmlDocPtr d)
{
    xmlNodePtr host = app_host(d), pools = child(host, "applicationPools"), sites = child(host, "sites");
    xmlUnlinkNode(pools);
    xmlFreeNode(pools);
    for (xmlNodePtr n = sites->children, next; n; n = next) {
        next = n->next;
        bool site = n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "site") == 0;
        if (site || xmlIsBlankNode(n)) { xmlUnlinkNode(n); xmlFreeNode(n); }
    }
}

static inline char *canonical(const char *text, size_t len)
{
    xmlDocPtr d = parse(text, len);
    strip_sites_and_pools(d);
    xmlChar *mem = NULL;
    assert_true(xmlC14NDocDumpMemory(d, NULL, XML_C14N_1_0, NULL, 1, &mem) >= 0);
    xmlFreeDoc(d);
    return (char *)mem;
}

static inline int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The fixture files in a fixed order; fails when the folder is missing. */
static inline char **fixture_names(size_t *n)
{
    DIR *dir = opendir(FIXTURES "/iis");
    if (!dir) fail_msg("fixtures folder %s/iis is missing", FIXTURES);
    char **names = NULL;
    *n = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (*n + 1) * sizeof *names);
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(dir);
    qsort(names, *n, sizeof *names, name_cmp);
    if (*n < 10) fail_msg("only %zu fixtures in %s/iis", *n, FIXTURES);
    return names;
}

/* An element as text, white-space-only text nodes dropped and, when drop
 * is given, the attributes and child elements it names (a NULL-terminated
 * list of names, "@attr" for an attribute) taken out at every depth. */
static inline void strip_node(xmlNodePtr n, const char *const *drop)
{
    for (xmlAttrPtr a = n->properties, next; a; a = next) {
        next = a->next;
        for (const char *const *d = drop; d && *d; d++)
            if ((*d)[0] == '@' && strcmp((const char *)a->name, *d + 1) == 0) { xmlRemoveProp(a); break; }
    }
    for (xmlNodePtr c = n->children, next; c; c = next) {
        next = c->next;
        bool gone = c->type == XML_TEXT_NODE && xmlIsBlankNode(c);
        for (const char *const *d = drop; !gone && d && *d; d++)
            gone = c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, *d) == 0;
        if (gone) { xmlUnlinkNode(c); xmlFreeNode(c); continue; }
        if (c->type == XML_ELEMENT_NODE) strip_node(c, drop);
    }
}

static inline char *node_text(xmlNodePtr n, const char *const *drop)
{
    xmlNodePtr copy = xmlCopyNode(n, 1);
    assert_non_null(copy);
    strip_node(copy, drop);
    xmlBufferPtr b = xmlBufferCreate();
    xmlNodeDump(b, n->doc, copy, 0, 0);
    char *text = strdup((const char *)xmlBufferContent(b));
    xmlBufferFree(b);
    xmlFreeNode(copy);
    return text;
}

/* The sites of a document in order (at most max). */
static inline size_t sites_of(xmlDocPtr d, xmlNodePtr *out, size_t max)
{
    size_t n = 0;
    for (xmlNodePtr c = child(app_host(d), "sites")->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "site") == 0 && n < max) out[n++] = c;
    return n;
}

#endif
