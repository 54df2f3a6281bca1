/* The json target: the checked, resolved model with a schema version.
 *
 * Other tools read this instead of parsing .bind files, so the schema is
 * stable: fields are only ever added, and `version` changes when a field's
 * meaning does.  Keys are written in a fixed order (JSON_PRESERVE_ORDER). */
#include <jansson.h>
#include <string.h>

#include "backend.h"

#define BIND_JSON_VERSION 1

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *addr_json(const bind_addr *a)
{
    char buf[48];
    bind_addr_format(a, buf, false);
    return json_string(buf);
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

static json_t *binding_json(bind_arena *a, const bind_binding *b)
{
    json_t *o = json_object();
    enum bind_protocol p = (enum bind_protocol)b->protocol;
    json_object_set_new(o, "protocol", json_string(bind_protocol_name(p)));
    json_object_set_new(o, "binding_information", json_string(bind_binding_info_text(a, b)));
    if (bind_protocol_form(p) == BIND_FORM_IP_PORT_HOST) {
        json_object_set_new(o, "address", addr_json(&b->addr));
        json_object_set_new(o, "address_kind", json_string(addr_kind(&b->addr)));
    }
    if (bind_protocol_form(p) != BIND_FORM_HOST) json_object_set_new(o, "port", json_integer(b->port));
    json_object_set_new(o, "host", json_string(b->host));
    json_object_set_new(o, "host_wildcard", json_boolean(b->host_wildcard));
    if (p == BIND_PROTO_HTTPS) {
        json_object_set_new(o, "certificate", b->cert ? json_string(b->cert->name) : json_null());
        const char *tp = b->thumbprint ? b->thumbprint : b->cert ? b->cert->thumbprint : NULL;
        json_object_set_new(o, "thumbprint", str_or_null(tp));
        json_object_set_new(o, "sni", json_boolean(b->sni));
        json_object_set_new(o, "ccs", json_boolean(b->ccs));
        json_object_set_new(o, "ssl_flags", json_integer(b->ssl_flags));
    }
    json_object_set_new(o, "acl", str_or_null(b->acl));
    json_object_set_new(o, "firewall", b->firewall == 0 ? json_null() : json_boolean(b->firewall > 0));
    return o;
}

static json_t *ranges_json(const bind_port_range *r, uint32_t n, bool has)
{
    if (!has) return json_null();
    json_t *arr = json_array();
    for (uint32_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "from", json_integer(r[i].lo));
        json_object_set_new(o, "to", json_integer(r[i].hi));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* One site as its own JSON object. */
static json_t *site_json(bind_compilation *c, const bind_site *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(s->name));
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "server", json_string(bind_server_name((enum bind_server)s->server)));
    json_object_set_new(o, "autostart", json_boolean(s->autostart));
    json_object_set_new(o, "path", str_or_null(s->physical_path));
    json_object_set_new(o, "pool", str_or_null(s->pool));
    json_object_set_new(o, "root", str_or_null(s->root));
    json_object_set_new(o, "proxy", str_or_null(s->proxy));
    json_t *bs = json_array();
    for (uint32_t j = 0; j < s->nbindings; j++) json_array_append_new(bs, binding_json(c->arena, s->bindings[j]));
    json_object_set_new(o, "bindings", bs);
    json_t *apps = json_array();
    for (uint32_t j = 0; j < s->napps; j++) {
        json_t *ap = json_object();
        json_object_set_new(ap, "path", json_string(s->apps[j].path));
        json_object_set_new(ap, "physical_path", str_or_null(s->apps[j].physical_path));
        json_object_set_new(ap, "pool", str_or_null(s->apps[j].pool ? s->apps[j].pool : s->pool));
        json_array_append_new(apps, ap);
    }
    json_object_set_new(o, "apps", apps);
    return o;
}

/* A site's text as an element of the root's "sites" array: jansson
 * indents a nested value by its depth, so every line after the first moves
 * right by the array's 4 columns (strings never hold a raw newline).
 * jansson hands the text over in pieces, straight into the output: no
 * string per site to allocate, copy and scan again. */
static int put_nested(const char *text, size_t n, void *data)
{
    bind_buf *out = data;
    for (const char *p = text, *end = text + n, *nl; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) { bind_buf_put(out, p, (size_t)(end - p)); break; }
        bind_buf_put(out, p, (size_t)(nl - p) + 1);
        bind_buf_put(out, "    ", 4);
    }
    return 0;
}

static bool emit_json(bind_compilation *c, const bind_emit_opts *opts, bind_buf *out)
{
    (void)opts;
    const bind_model *m = c->model;
    json_t *root = json_object();
    json_object_set_new(root, "version", json_integer(BIND_JSON_VERSION));

    const bind_platform *pf = m->platform;
    json_t *p = json_object();
    json_object_set_new(p, "name", json_string(pf->name));
    json_object_set_new(p, "sni", json_boolean(pf->sni));
    json_object_set_new(p, "ccs", json_boolean(pf->ccs));
    json_object_set_new(p, "wildcard_hosts", json_boolean(pf->wildcard_hosts));
    json_object_set_new(p, "ssl_flags_ext", json_boolean(pf->ssl_flags_ext));
    json_object_set_new(p, "free_ports", ranges_json(pf->free_ports, pf->nfree_ports, pf->has_free_ports));
    json_object_set_new(p, "ssl_ports", ranges_json(pf->ssl_ports, pf->nssl_ports, pf->has_ssl_ports));
    if (pf->has_local_hosts) {
        json_t *h = json_array();
        for (uint32_t i = 0; i < pf->nlocal_hosts; i++) json_array_append_new(h, json_string(pf->local_hosts[i]));
        json_object_set_new(p, "local_hosts", h);
    } else {
        json_object_set_new(p, "local_hosts", json_null());
    }
    json_object_set_new(p, "default_cert", str_or_null(pf->default_cert));
    json_object_set_new(root, "platform", p);

    json_t *d = json_object();
    json_object_set_new(d, "acl", str_or_null(m->default_acl));
    json_object_set_new(d, "store", str_or_null(m->default_store));
    json_object_set_new(d, "appid", str_or_null(m->default_appid));
    json_object_set_new(d, "pool", str_or_null(m->default_pool));
    json_object_set_new(root, "defaults", d);

    json_t *ipl = json_array();
    for (uint32_t i = 0; i < m->niplisten; i++) json_array_append_new(ipl, addr_json(&m->iplisten[i].addr));
    json_object_set_new(root, "iplisten", ipl);

    json_t *certs = json_array();
    for (uint32_t i = 0; i < m->ncerts; i++) {
        const bind_cert *ct = m->certs[i];
        if (ct->is_stdlib && !ct->used) continue;    /* the stdlib's certificates only when used */
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(ct->name));
        json_object_set_new(o, "thumbprint", str_or_null(ct->thumbprint));
        json_object_set_new(o, "store", str_or_null(ct->store ? ct->store : m->default_store));
        if (ct->has_names) {
            json_t *n = json_array();
            for (uint32_t j = 0; j < ct->nnames; j++) json_array_append_new(n, json_string(ct->names[j]));
            json_object_set_new(o, "names", n);
        } else {
            json_object_set_new(o, "names", json_null());
        }
        json_object_set_new(o, "pem", str_or_null(ct->pem));
        json_object_set_new(o, "key", str_or_null(ct->key));
        json_object_set_new(o, "appid", str_or_null(ct->appid ? ct->appid : m->default_appid));
        json_object_set_new(o, "friendly_name", str_or_null(ct->friendly_name));
        json_array_append_new(certs, o);
    }
    json_object_set_new(root, "certificates", certs);

    /* The sites are dumped one by one, so a fleet's model never exists as
     * one tree of a million JSON values (it took seconds and a gigabyte);
     * the text is byte for byte what dumping the whole tree gives. */
    json_object_set_new(root, "sites", json_array());
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) bind_oom();
    size_t n = strlen(text);
    const char *tail = "[]\n}";
    if (!m->nsites || n < strlen(tail) || strcmp(text + n - strlen(tail), tail) != 0) {
        bind_buf_puts(out, text);
    } else {
        bind_buf_put(out, text, n - strlen(tail));
        bind_buf_puts(out, "[\n");
        for (uint32_t i = 0; i < m->nsites; i++) {
            json_t *o = site_json(c, m->sites[i]);
            bind_buf_puts(out, i ? ",\n    " : "    ");
            if (json_dump_callback(o, put_nested, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) bind_oom();
            json_decref(o);
        }
        bind_buf_puts(out, "\n  ]\n}");
    }
    bind_buf_putc(out, '\n');
    free(text);
    return true;
}

const bind_backend bind_backend_json = { "json", "model.json", emit_json };
