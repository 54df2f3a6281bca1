/* New applicationhost.config elements, written as the model is walked:
 * <site>, <application>, <binding> and pool <add> lines with the document's
 * own indentation and line ends, and the ` />` of empty elements that IIS
 * and appcmd write.
 *
 * Every attribute value is escaped by libxml2 (xmlAttrSerializeTxtContent,
 * what its serialiser uses), so every name and path is escaped the way XML
 * needs; the markup around the values is written here.  (A libxml2 tree
 * per site, dumped and re-indented, would be most of the target's work on
 * a fleet.)  What IIS itself would refuse is refused with a diagnostic:
 * characters XML 1.0 cannot carry.  What it can only approximate (IIS has
 * no `0.0.0.0` or `[::]`, only `*`) is written with W0407. */
#include <stdio.h>
#include <string.h>

#include "iis.h"

/* What IIS uses when an application names no pool and the document sets
 * no default, and the document root of a fresh IIS for a site without a
 * path. */
#define IIS_DEFAULT_POOL "DefaultAppPool"
#define IIS_DEFAULT_ROOT "%SystemDrive%\\inetpub\\wwwroot"

static bool key_eq(const void *a, const void *b) { return strcmp(a, b) == 0; }
static uint64_t key_hash(const char *s) { return bind_hash_bytes(s, strlen(s), BIND_HASH_SEED); }

/* ------------------------------------------------------------------------
 * Text that XML 1.0 can carry: valid UTF-8 without C0 controls other than
 * tab, LF and CR, and without U+FFFE/U+FFFF.  A site name is user input. */

static bool xml_text_ok(bind_iis_writer *w, const char *s, bind_span span, const char *what)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i];) {
        unsigned char b = p[i];
        size_t n = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : (b & 0xF0) == 0xE0 ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
        bool bad = n == 0 || (b < 0x20 && b != '\t' && b != '\n' && b != '\r');
        for (size_t k = 1; !bad && k < n; k++) bad = (p[i + k] & 0xC0) != 0x80;
        if (!bad && n == 3) {
            unsigned cp = (b & 0x0Fu) << 12 | (p[i + 1] & 0x3Fu) << 6 | (p[i + 2] & 0x3Fu);
            bad = cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF;
        } else if (!bad && n == 4) {
            unsigned cp = (b & 0x07u) << 18 | (p[i + 1] & 0x3Fu) << 12 | (p[i + 2] & 0x3Fu) << 6 | (p[i + 3] & 0x3Fu);
            bad = cp < 0x10000 || cp > 0x10FFFF;
        }
        if (bad) {
            bind_diag *dg = bind_diag_push(w->cx->diags, BIND_E0007, span,
                                           "%s cannot be written to applicationhost.config: it has a character XML 1.0 cannot carry",
                                           what);
            bind_diag_note(w->cx->diags, dg, NULL, "control characters other than tab and line breaks, and U+FFFE/U+FFFF, are not XML");
            w->ok = false;
            return false;
        }
        i += n;
    }
    return true;
}

/* ------------------------------------------------------------------------
 * Bindings as IIS sees them */

static unsigned any_family(const bind_binding *b)
{
    if (bind_protocol_form((enum bind_protocol)b->protocol) != BIND_FORM_IP_PORT_HOST) return 0;
    return b->addr.kind == BIND_ADDR_ANY4 ? 1u : b->addr.kind == BIND_ADDR_ANY6 ? 2u : 0u;
}

/* bindingInformation: IIS has no "every IPv4 (or IPv6) address", so the
 * any-tier addresses are all `*`. */
static const char *iis_info(bind_iis_writer *w, const bind_binding *b)
{
    if (!any_family(b)) return bind_binding_info_text(w->cx->arena, b);
    bind_binding star = *b;
    star.addr.kind = BIND_ADDR_ANY;
    return bind_binding_info_text(w->cx->arena, &star);
}

/* "protocol information", the binding as IIS tells bindings apart. */
static const char *binding_key(bind_iis_writer *w, const bind_binding *b, const char *info)
{
    const char *protocol = bind_protocol_name((enum bind_protocol)b->protocol);
    size_t p = strlen(protocol), i = strlen(info);
    char *key = bind_arena_alloc(w->cx->arena, p + 1 + i + 1);
    memcpy(key, protocol, p);
    key[p] = ' ';
    memcpy(key + p + 1, info, i + 1);
    return key;
}

bool bind_iis_site_emitted(const bind_site *s)
{
    return bind_site_runs_on(s, BIND_SERVER_IIS);
}

/* Whether `iplisten` keeps HTTP.sys to one family anyway, so that `*`
 * means the same as that family's any-address (grammar/README.md §5.2). */
static bool iplisten_only(const bind_model *m, unsigned family)
{
    if (!m->niplisten) return false;
    for (uint32_t i = 0; i < m->niplisten; i++) {
        uint8_t k = m->iplisten[i].addr.kind;
        bool v4 = k == BIND_ADDR_V4 || k == BIND_ADDR_ANY4;
        if ((family == 1) != v4) return false;
    }
    return true;
}

static bool on_http_sys(const bind_binding *b)
{
    return b->protocol == BIND_PROTO_HTTP || b->protocol == BIND_PROTO_HTTPS;
}

/* An any-address binding HTTP.sys never listens for: `iplisten` keeps it
 * to the other family. */
static bool unreachable(const bind_iis_writer *w, const bind_binding *b)
{
    unsigned fam = any_family(b);
    return fam && on_http_sys(b) && iplisten_only(w->m, 3u - fam);
}

/* Every binding once, before anything is written.  Two bindings that are
 * one IIS binding once `0.0.0.0` and `[::]` are `*`: in one site they are
 * exactly `*`; in two sites IIS can give it to only one of them, the one
 * HTTP.sys listens for, else the first. */
static void plan_bindings(bind_iis_writer *w)
{
    for (uint32_t i = 0; i < w->m->nsites; i++) {
        const bind_site *s = w->m->sites[i];
        if (!bind_iis_site_emitted(s)) continue;
        for (uint32_t j = 0; j < s->nbindings; j++) {
            const bind_binding *b = s->bindings[j];
            if (!b->valid) continue;
            const char *info = iis_info(w, b), *key = binding_key(w, b, info);
            uint64_t h = key_hash(key);
            /* Sites share these: each gets its own. */
            bool shared = bind_protocol_shared_by_sites((enum bind_protocol)b->protocol);
            bind_iis_written *wr = shared ? NULL : bind_table_get(&w->bindings, h, key);
            if (!wr) {
                wr = bind_arena_alloc(w->cx->arena, sizeof *wr);
                wr->key = key;
                wr->info = info;
                wr->first = b;
                wr->families = any_family(b);
                if (!shared) bind_table_put(&w->bindings, h, key, wr);
            } else if (wr->first->site == s) {
                wr->families |= any_family(b);
            } else if (unreachable(w, wr->first) && !unreachable(w, b)) {
                wr->first = b;
                wr->families = any_family(b);
            }
            bind_vec_push(&w->of_binding, wr);
        }
    }
}

const bind_iis_written *bind_iis_binding_written(bind_iis_writer *w, const bind_binding *b, size_t index)
{
    const bind_iis_written *wr = w->of_binding.items[index];
    const char *key = wr->key;
    const bind_binding *owner = wr->first;
    if (owner != b) {
        if (owner->site == b->site && owner->ssl_flags != b->ssl_flags) {
            bind_diag *dg = bind_diag_push(w->cx->diags, BIND_W0407, b->info_span,
                                           "iis target: `%s` and the binding it joins as `*` have different TLS options", key);
            bind_diag_note(w->cx->diags, dg, &owner->info_span, "IIS gets one binding, with the options of this one");
        } else if (owner->site != b->site && !unreachable(w, b)) {
            bind_diag *dg = bind_diag_push(w->cx->diags, BIND_W0407, b->info_span,
                                           "iis target: this is the same IIS binding as site `%s`'s, `%s`; only that site gets it",
                                           owner->site->name, key);
            bind_diag_note(w->cx->diags, dg, &owner->info_span, "IIS writes `0.0.0.0` and `[::]` both as `*`");
            bind_diag_note(w->cx->diags, dg, NULL, "requests this binding would take go to site `%s`", owner->site->name);
        }
        return NULL;
    }
    unsigned fam = any_family(b);
    if (!fam || wr->families == 3u) return wr;
    if (on_http_sys(b) && iplisten_only(w->m, fam)) return wr;
    char addr[48];
    bind_addr_format(&b->addr, addr, true);
    bind_diag *dg = bind_diag_push(w->cx->diags, BIND_W0407, b->info_span,
                                   "iis target: IIS cannot bind every %s address without the %s ones; `%s` is written as `*`",
                                   fam == 1 ? "IPv4" : "IPv6", fam == 1 ? "IPv6" : "IPv4", addr);
    bind_diag_note(w->cx->diags, dg, NULL, "the site then also answers on every %s address", fam == 1 ? "IPv6" : "IPv4");
    if (on_http_sys(b))
        bind_diag_note(w->cx->diags, dg, NULL, "`iplisten %s` limits HTTP.sys, and with it every IIS site, to %s",
                       fam == 1 ? "0.0.0.0" : "::", fam == 1 ? "IPv4" : "IPv6");
    return wr;
}

int bind_iis_ssl_flags(const bind_iis_writer *w, const bind_binding *b)
{
    return b->protocol == BIND_PROTO_HTTPS && w->ssl_flags ? (int)b->ssl_flags : -1;
}

/* ------------------------------------------------------------------------
 * The writer */

static bool pool_is_new(bind_iis_writer *w, const char *pool);

void bind_iis_writer_init(bind_iis_writer *w, bind_emit_ctx *cx, const bind_model *m, const bind_iis_doc *d)
{
    memset(w, 0, sizeof *w);
    w->cx = cx;
    w->m = m;
    w->d = d;
    w->ok = true;
    const bind_platform *pf = m->platform;
    w->ssl_flags = pf && (pf->sni || pf->ccs || pf->ssl_flags_ext);   /* IIS 8 and later */
    bind_table_init(&w->bindings, key_eq);
    bind_table_init(&w->pools, key_eq);
    bind_buf_init(&w->sites_out);
    bind_buf_init(&w->pools_out);
    w->doc = xmlNewDoc((const xmlChar *)"1.0");
    w->esc = xmlBufferCreate();
    if (!w->doc || !w->esc) bind_oom();
    /* With an encoding set, libxml2 writes UTF-8 as is; without, as &#x…;. */
    if (!d->ascii_only) w->doc->encoding = xmlStrdup((const xmlChar *)"UTF-8");
    for (size_t i = 0; i < d->npools; i++) pool_is_new(w, d->pools[i]);   /* IIS has these */
    plan_bindings(w);
}

void bind_iis_writer_fini(bind_iis_writer *w)
{
    xmlBufferFree(w->esc);
    xmlFreeDoc(w->doc);
    bind_table_fini(&w->bindings);
    bind_vec_free(&w->of_binding);
    bind_table_fini(&w->pools);
    bind_buf_free(&w->sites_out);
    bind_buf_free(&w->pools_out);
}

/* ------------------------------------------------------------------------
 * Elements, one line each */

static void line_start(bind_iis_writer *w)
{
    bind_buf_puts(w->at.out, w->at.indent);
    for (int i = 0; i < w->at.depth; i++) bind_buf_puts(w->at.out, w->d->unit);
}

void bind_iis_lines_into(bind_iis_writer *w, bind_buf *out, const char *indent, int depth)
{
    struct bind_iis_lines at = { out, indent, depth, false };
    w->at = at;
}

void bind_iis_start(bind_iis_writer *w, const char *name)
{
    if (w->at.open) { bind_buf_putc(w->at.out, '>'); bind_buf_puts(w->at.out, w->d->eol); }
    line_start(w);
    bind_buf_putc(w->at.out, '<');
    bind_buf_puts(w->at.out, name);
    w->at.depth++;
    w->at.open = true;
}

const char *bind_iis_escape(bind_iis_writer *w, const char *value, size_t *len)
{
    xmlBufferEmpty(w->esc);
    xmlAttrSerializeTxtContent(w->esc, w->doc, NULL, (const xmlChar *)value);
    *len = (size_t)xmlBufferLength(w->esc);
    return (const char *)xmlBufferContent(w->esc);
}

/* Values were checked with xml_text_ok: libxml2 gets only text it takes,
 * and after a refusal none (nothing is written then). */
void bind_iis_put_attr(bind_iis_writer *w, const char *name, const char *value)
{
    if (!w->ok) return;
    size_t n;
    const char *esc = bind_iis_escape(w, value, &n);
    bind_buf_putc(w->at.out, ' ');
    bind_buf_puts(w->at.out, name);
    bind_buf_put(w->at.out, "=\"", 2);
    bind_buf_put(w->at.out, esc, n);
    bind_buf_putc(w->at.out, '"');
}

void bind_iis_end(bind_iis_writer *w, const char *name)
{
    w->at.depth--;
    if (w->at.open) {
        bind_buf_put(w->at.out, " />", 3);
    } else {
        line_start(w);
        bind_buf_put(w->at.out, "</", 2);
        bind_buf_puts(w->at.out, name);
        bind_buf_putc(w->at.out, '>');
    }
    bind_buf_puts(w->at.out, w->d->eol);
    w->at.open = false;
}

/* Registers a pool name; false when it is known already.  IIS compares
 * pool names without regard to case (ASCII case here). */
static bool pool_is_new(bind_iis_writer *w, const char *pool)
{
    char *low = bind_arena_strdup(w->cx->arena, pool);
    for (char *p = low; *p; p++) if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    uint64_t h = key_hash(low);
    if (bind_table_get(&w->pools, h, low)) return false;
    bind_table_put(&w->pools, h, low, (void *)pool);
    return true;
}

bool bind_iis_use_pool(bind_iis_writer *w, const char *pool)
{
    if (!pool_is_new(w, pool)) return false;
    struct bind_iis_lines here = w->at;   /* the element it is met in goes on */
    bind_iis_lines_into(w, &w->pools_out, w->d->pool_indent, 0);
    bind_iis_start(w, "add");
    bind_iis_put_attr(w, "name", pool);
    bind_iis_end(w, "add");
    w->at = here;
    if (w->cx->report) bind_buf_printf(w->cx->report, "pool %s added\n", pool);
    return true;
}

const char *bind_iis_fallback_pool(const bind_iis_writer *w)
{
    return w->d->default_pool ? NULL : IIS_DEFAULT_POOL;
}

const char *bind_iis_enabled_protocols(bind_iis_writer *w, const bind_site *s)
{
    bool has[BIND_PROTO_COUNT] = { false };
    for (uint32_t j = 0; j < s->nbindings; j++) if (s->bindings[j]->valid) has[s->bindings[j]->protocol] = true;
    bool other = false;
    for (int p = BIND_PROTO_NET_TCP; p < BIND_PROTO_COUNT; p++) other |= has[p];
    if (!other) return NULL;      /* every site of a web fleet: no list to build */
    char list[128];               /* every protocol's name fits */
    size_t n = 0;
    if (has[BIND_PROTO_HTTP] || has[BIND_PROTO_HTTPS]) { memcpy(list, "http", 4); n = 4; }
    for (int p = BIND_PROTO_NET_TCP; p < BIND_PROTO_COUNT; p++) {
        if (!has[p]) continue;
        const char *name = bind_protocol_name((enum bind_protocol)p);
        size_t len = strlen(name);
        if (n) list[n++] = ',';
        memcpy(list + n, name, len);
        n += len;
    }
    return bind_arena_strndup(w->cx->arena, list, n);
}

void bind_iis_application(bind_iis_writer *w, const char *path, const char *pool, const char *physical,
                          const char *protocols)
{
    if (!pool) pool = bind_iis_fallback_pool(w);
    bind_iis_start(w, "application");
    bind_iis_put_attr(w, "path", path);
    if (pool) bind_iis_put_attr(w, "applicationPool", pool);
    if (protocols) bind_iis_put_attr(w, "enabledProtocols", protocols);
    bind_iis_start(w, "virtualDirectory");
    bind_iis_put_attr(w, "path", "/");
    bind_iis_put_attr(w, "physicalPath", physical);
    bind_iis_end(w, "virtualDirectory");
    bind_iis_end(w, "application");
    if (pool) bind_iis_use_pool(w, pool);
}

const char *bind_iis_app_folder(bind_iis_writer *w, const char *root, const char *path)
{
    size_t n = strlen(root);
    char *s = bind_arena_printf(w->cx->arena, "%.*s%s", (int)(n && root[n - 1] == '\\' ? n - 1 : n), root, path);
    for (char *p = s + (n && root[n - 1] == '\\' ? n - 1 : n); *p; p++) if (*p == '/') *p = '\\';
    return s;
}

const bind_app *bind_iis_root_app(const bind_site *s)
{
    const bind_app *top = NULL;
    for (uint32_t i = 0; i < s->napps; i++) if (strcmp(s->apps[i].path, "/") == 0) top = &s->apps[i];
    return top;
}

const char *bind_iis_root_path(const bind_site *s, const bind_app *top)
{
    return top && top->physical_path ? top->physical_path : s->physical_path ? s->physical_path : IIS_DEFAULT_ROOT;
}

const char *bind_iis_root_pool(const bind_site *s, const bind_app *top)
{
    return top && top->pool ? top->pool : s->pool;
}

void bind_iis_site_texts_ok(bind_iis_writer *w, const bind_site *s)
{
    const bind_app *top = bind_iis_root_app(s);
    const char *root = bind_iis_root_path(s, top);
    xml_text_ok(w, s->name, s->name_span, "the site name");
    xml_text_ok(w, root, top ? top->span : s->span, "the site's path");
    const char *pool = bind_iis_root_pool(s, top);
    if (pool) xml_text_ok(w, pool, top ? top->span : s->span, "the pool name");
    for (uint32_t i = 0; i < s->napps; i++) {
        const bind_app *a = &s->apps[i];
        if (a == top) continue;
        xml_text_ok(w, a->path, a->span, "the app path");
        if (a->physical_path) xml_text_ok(w, a->physical_path, a->span, "the app's path");
        if (a->pool) xml_text_ok(w, a->pool, a->span, "the pool name");
    }
}

void bind_iis_binding_element(bind_iis_writer *w, const bind_binding *b, const bind_iis_written *wr)
{
    bind_iis_start(w, "binding");
    bind_iis_put_attr(w, "protocol", bind_protocol_name((enum bind_protocol)b->protocol));
    bind_iis_put_attr(w, "bindingInformation", wr->info);
    int flags = bind_iis_ssl_flags(w, b);
    if (flags >= 0) {
        char v[16];
        snprintf(v, sizeof v, "%d", flags);
        bind_iis_put_attr(w, "sslFlags", v);
    }
    bind_iis_end(w, "binding");
}

void bind_iis_site_element(bind_iis_writer *w, const bind_site *s, uint32_t id, size_t first_binding)
{
    bind_iis_lines_into(w, &w->sites_out, w->d->site_indent, 0);
    bind_iis_start(w, "site");
    bind_iis_put_attr(w, "name", s->name);
    char idv[16];
    snprintf(idv, sizeof idv, "%u", id);
    bind_iis_put_attr(w, "id", idv);
    bind_iis_put_attr(w, "serverAutoStart", s->autostart ? "true" : "false");

    const bind_app *top = bind_iis_root_app(s);
    const char *root = bind_iis_root_path(s, top);
    const char *pool = bind_iis_root_pool(s, top);
    const char *protocols = bind_iis_enabled_protocols(w, s);
    bind_iis_application(w, "/", pool, root, protocols);
    for (uint32_t i = 0; i < s->napps; i++) {
        const bind_app *a = &s->apps[i];
        if (a == top) continue;
        const char *dir = a->physical_path ? a->physical_path : bind_iis_app_folder(w, root, a->path);
        bind_iis_application(w, a->path, a->pool ? a->pool : pool, dir, protocols);
    }

    /* Bindings in <siteDefaults> would be inherited: exactly ours instead. */
    bool list = w->d->inherits_bindings;
    if (list) {
        bind_iis_start(w, "bindings");
        bind_iis_start(w, "clear");
        bind_iis_end(w, "clear");
    }
    size_t index = first_binding;
    for (uint32_t j = 0; j < s->nbindings; j++) {
        const bind_binding *b = s->bindings[j];
        if (!b->valid) continue;
        const bind_iis_written *wr = bind_iis_binding_written(w, b, index++);
        if (!wr) continue;
        if (!list) { bind_iis_start(w, "bindings"); list = true; }
        bind_iis_binding_element(w, b, wr);
    }
    if (list) bind_iis_end(w, "bindings");
    bind_iis_end(w, "site");
}
