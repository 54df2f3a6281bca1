/* The json target: the checked, resolved model with a schema version.
 *
 * Other tools read this instead of parsing .bind files, so the schema is
 * stable: fields are only ever added, and `version` changes when a field's
 * meaning does.  Keys are written in a fixed order.
 *
 * jansson writes every value: it escapes the strings and prints the
 * numbers and literals.  The layout around them is the one json_dumps
 * gives with JSON_INDENT(2), written here while the model is walked: a
 * fleet's model as a tree of jansson values (an object with a hash table
 * and an allocation per key and value) took a second and a half for
 * 200,000 bindings, more than the whole check. */
#include <jansson.h>
#include <string.h>

#include "backend.h"

#define BIND_JSON_VERSION 1

typedef struct jw {
    bind_buf *out;
    json_t *str;            /* the one string value, set to each string written */
    uint32_t depth;
    bool empty;             /* the innermost object or array has no member yet */
} jw;

static void new_line(jw *w)
{
    bind_buf_putc(w->out, '\n');
    for (uint32_t i = 0; i < w->depth; i++) bind_buf_put(w->out, "  ", 2);
}

static void open_(jw *w, char bracket)
{
    bind_buf_putc(w->out, bracket);
    w->depth++;
    w->empty = true;
}

/* `{}` and `[]` when empty, as jansson writes them. */
static void close_(jw *w, char bracket)
{
    w->depth--;
    if (!w->empty) new_line(w);
    bind_buf_putc(w->out, bracket);
    w->empty = false;
}

/* Before each member of an object or element of an array. */
static void next(jw *w)
{
    if (!w->empty) bind_buf_putc(w->out, ',');
    new_line(w);
    w->empty = false;
}

/* Keys are this file's own identifiers: nothing in them needs escaping. */
static void key(jw *w, const char *k)
{
    next(w);
    bind_buf_putc(w->out, '"');
    bind_buf_puts(w->out, k);
    bind_buf_put(w->out, "\": ", 3);
}

static void value(jw *w, const json_t *v)
{
    char small[512];
    size_t n = json_dumpb(v, small, sizeof small, JSON_ENCODE_ANY);
    if (n == 0) bind_oom();
    if (n <= sizeof small) { bind_buf_put(w->out, small, n); return; }
    char *big = bind_xmalloc(n);
    if (json_dumpb(v, big, n, JSON_ENCODE_ANY) != n) bind_oom();
    bind_buf_put(w->out, big, n);
    free(big);
}

/* The model's texts are valid UTF-8 (the lexer refuses anything else), so
 * jansson takes every one. */
static void str(jw *w, const char *s)
{
    if (!s) { bind_buf_put(w->out, "null", 4); return; }
    if (json_string_set(w->str, s) != 0) bind_oom();
    value(w, w->str);
}

static void integer(jw *w, json_int_t n)
{
    json_t *v = json_integer(n);
    if (!v) bind_oom();
    value(w, v);
    json_decref(v);
}

static void boolean(jw *w, bool b) { value(w, b ? json_true() : json_false()); }
static void null(jw *w) { value(w, json_null()); }

static void kstr(jw *w, const char *k, const char *s) { key(w, k); str(w, s); }
static void kint(jw *w, const char *k, json_int_t n) { key(w, k); integer(w, n); }
static void kbool(jw *w, const char *k, bool b) { key(w, k); boolean(w, b); }

static void addr_json(jw *w, const bind_addr *a)
{
    char buf[48];
    bind_addr_format(a, buf, false);
    str(w, buf);
}

static const char *addr_kind(const bind_addr *a)
{
    switch (a->kind) {
    case BIND_ADDR_ANY: return "any";
    case BIND_ADDR_ANY4: return "any-ipv4";
    case BIND_ADDR_ANY6: return "any-ipv6";
    case BIND_ADDR_V4: return "ipv4";
    case BIND_ADDR_V6: return "ipv6";
    default: return "none";
    }
}

static void binding_json(jw *w, bind_arena *a, const bind_binding *b)
{
    open_(w, '{');
    enum bind_protocol p = (enum bind_protocol)b->protocol;
    kstr(w, "protocol", bind_protocol_name(p));
    kstr(w, "binding_information", bind_binding_info_text(a, b));
    if (bind_protocol_form(p) == BIND_FORM_IP_PORT_HOST) {
        key(w, "address");
        addr_json(w, &b->addr);
        kstr(w, "address_kind", addr_kind(&b->addr));
    }
    if (bind_protocol_form(p) != BIND_FORM_HOST) kint(w, "port", b->port);
    kstr(w, "host", b->host);
    kbool(w, "host_wildcard", b->host_wildcard);
    if (p == BIND_PROTO_HTTPS) {
        kstr(w, "certificate", b->cert ? b->cert->name : NULL);
        kstr(w, "thumbprint", b->thumbprint ? b->thumbprint : b->cert ? b->cert->thumbprint : NULL);
        kbool(w, "sni", b->sni);
        kbool(w, "ccs", b->ccs);
        kint(w, "ssl_flags", b->ssl_flags);
    }
    kstr(w, "acl", b->acl);
    key(w, "firewall");
    if (b->firewall == 0) null(w);
    else boolean(w, b->firewall > 0);
    close_(w, '}');
}

static void ranges_json(jw *w, const char *k, const bind_port_range *r, uint32_t n, bool has)
{
    key(w, k);
    if (!has) { null(w); return; }
    open_(w, '[');
    for (uint32_t i = 0; i < n; i++) {
        next(w);
        open_(w, '{');
        kint(w, "from", r[i].lo);
        kint(w, "to", r[i].hi);
        close_(w, '}');
    }
    close_(w, ']');
}

static void names_json(jw *w, const char *k, const char *const *names, uint32_t n, bool has)
{
    key(w, k);
    if (!has) { null(w); return; }
    open_(w, '[');
    for (uint32_t i = 0; i < n; i++) { next(w); str(w, names[i]); }
    close_(w, ']');
}

static void site_json(jw *w, bind_compilation *c, const bind_site *s)
{
    open_(w, '{');
    kstr(w, "name", s->name);
    kint(w, "id", s->id);
    kstr(w, "server", bind_server_name((enum bind_server)s->server));
    kbool(w, "autostart", s->autostart);
    kstr(w, "path", s->physical_path);
    kstr(w, "pool", s->pool);
    kstr(w, "root", s->root);
    kstr(w, "proxy", s->proxy);
    key(w, "bindings");
    open_(w, '[');
    for (uint32_t j = 0; j < s->nbindings; j++) { next(w); binding_json(w, c->arena, s->bindings[j]); }
    close_(w, ']');
    key(w, "apps");
    open_(w, '[');
    for (uint32_t j = 0; j < s->napps; j++) {
        const bind_app *ap = &s->apps[j];
        next(w);
        open_(w, '{');
        kstr(w, "path", ap->path);
        kstr(w, "physical_path", ap->physical_path);
        kstr(w, "pool", ap->pool ? ap->pool : s->pool);
        close_(w, '}');
    }
    close_(w, ']');
    close_(w, '}');
}

static bool emit_json(bind_compilation *c, const bind_emit_opts *opts, bind_buf *out)
{
    (void)opts;
    const bind_model *m = c->model;
    jw w = { out, json_string(""), 0, true };
    if (!w.str) bind_oom();
    open_(&w, '{');
    kint(&w, "version", BIND_JSON_VERSION);

    const bind_platform *pf = m->platform;
    key(&w, "platform");
    open_(&w, '{');
    kstr(&w, "name", pf->name);
    kbool(&w, "sni", pf->sni);
    kbool(&w, "ccs", pf->ccs);
    kbool(&w, "wildcard_hosts", pf->wildcard_hosts);
    kbool(&w, "ssl_flags_ext", pf->ssl_flags_ext);
    ranges_json(&w, "free_ports", pf->free_ports, pf->nfree_ports, pf->has_free_ports);
    ranges_json(&w, "ssl_ports", pf->ssl_ports, pf->nssl_ports, pf->has_ssl_ports);
    names_json(&w, "local_hosts", pf->local_hosts, pf->nlocal_hosts, pf->has_local_hosts);
    kstr(&w, "default_cert", pf->default_cert);
    close_(&w, '}');

    key(&w, "defaults");
    open_(&w, '{');
    kstr(&w, "acl", m->default_acl);
    kstr(&w, "store", m->default_store);
    kstr(&w, "appid", m->default_appid);
    kstr(&w, "pool", m->default_pool);
    close_(&w, '}');

    key(&w, "iplisten");
    open_(&w, '[');
    for (uint32_t i = 0; i < m->niplisten; i++) { next(&w); addr_json(&w, &m->iplisten[i].addr); }
    close_(&w, ']');

    key(&w, "certificates");
    open_(&w, '[');
    for (uint32_t i = 0; i < m->ncerts; i++) {
        const bind_cert *ct = m->certs[i];
        if (ct->is_stdlib && !ct->used) continue;    /* the stdlib's certificates only when used */
        next(&w);
        open_(&w, '{');
        kstr(&w, "name", ct->name);
        kstr(&w, "thumbprint", ct->thumbprint);
        kstr(&w, "store", ct->store ? ct->store : m->default_store);
        names_json(&w, "names", ct->names, ct->nnames, ct->has_names);
        kstr(&w, "pem", ct->pem);
        kstr(&w, "key", ct->key);
        kstr(&w, "appid", ct->appid ? ct->appid : m->default_appid);
        kstr(&w, "friendly_name", ct->friendly_name);
        close_(&w, '}');
    }
    close_(&w, ']');

    key(&w, "sites");
    open_(&w, '[');
    for (uint32_t i = 0; i < m->nsites; i++) { next(&w); site_json(&w, c, m->sites[i]); }
    close_(&w, ']');
    close_(&w, '}');
    bind_buf_putc(out, '\n');
    json_decref(w.str);
    return true;
}

const bind_backend bind_backend_json = { "json", "model.json", emit_json, 8 };
