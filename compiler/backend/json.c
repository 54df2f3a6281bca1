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
 * and an allocation per key and value) would cost more than checking it.
 *
 * A fleet's model says the same few values on every binding (protocols,
 * address kinds, addresses, certificates, thumbprints, ports, `true`):
 * what jansson wrote for a value is kept in a small cache and written
 * again when the value comes back (a call into jansson's dump is the
 * dearest thing this target does for a value). */
#include <jansson.h>
#include <string.h>

#include "backend.h"
#include "base/encode_cache.h"

#define BIND_JSON_VERSION 1

typedef struct jw {
    bind_buf *out;
    json_t *str;            /* the one string value, set to each string written */
    json_t *num;            /* the one integer value */
    uint32_t depth;
    bool empty;             /* the innermost object or array has no member yet */
    bind_enc_cache strings, integers;
    char literals[3][8];    /* false, true, null, as jansson writes them */
} jw;

static void new_line(jw *w)
{
    static const char spaces[] = "\n                                                                ";
    uint32_t n = 1 + 2 * w->depth;
    if (n > sizeof spaces - 1) n = sizeof spaces - 1;      /* deeper than the model ever goes */
    bind_buf_put(w->out, spaces, n);
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

/* Keys are this file's own identifiers, string literals: nothing in them
 * needs escaping, and `"key": ` is put in one piece. */
static void put_key(jw *w, const char *quoted, size_t len)
{
    next(w);
    bind_buf_put(w->out, quoted, len);
}
#define key(w, k) put_key((w), "\"" k "\": ", sizeof "\"" k "\": " - 1)

/* v as jansson writes it, into slot e (for the value's bytes). */
static void encode(bind_enc_slot *e, const json_t *v, const void *value, size_t n)
{
    char small[512];
    size_t len = json_dumpb(v, small, sizeof small, JSON_ENCODE_ANY);
    if (len == 0) bind_oom();
    if (len <= sizeof small) { bind_enc_store(e, value, n, small, len); return; }
    char *big = bind_xmalloc(len);
    if (json_dumpb(v, big, len, JSON_ENCODE_ANY) != len) bind_oom();
    bind_enc_store(e, value, n, big, len);
    free(big);
}

static void put_encoded(jw *w, const bind_enc_slot *e) { bind_buf_put(w->out, bind_enc_text(e), e->text_len); }

static void null(jw *w) { bind_buf_puts(w->out, w->literals[2]); }

/* The model's texts are valid UTF-8 (the lexer refuses anything else), so
 * jansson takes every one. */
static void str(jw *w, const char *s)
{
    if (!s) { null(w); return; }
    size_t n = strlen(s);
    bool hit;
    bind_enc_slot *e = bind_enc_lookup(&w->strings, s, n, &hit);
    if (!hit) {
        if (json_string_setn(w->str, s, n) != 0) bind_oom();
        encode(e, w->str, s, n);
    }
    put_encoded(w, e);
}

static void integer(jw *w, json_int_t n)
{
    bool hit;
    bind_enc_slot *e = bind_enc_lookup(&w->integers, &n, sizeof n, &hit);
    if (!hit) {
        if (json_integer_set(w->num, n) != 0) bind_oom();
        encode(e, w->num, &n, sizeof n);
    }
    put_encoded(w, e);
}

static void boolean(jw *w, bool b) { bind_buf_puts(w->out, w->literals[b]); }

#define kstr(w, k, s) (key(w, k), str((w), (s)))
#define kint(w, k, n) (key(w, k), integer((w), (n)))
#define kbool(w, k, b) (key(w, k), boolean((w), (b)))

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

/* After its key. */
static void ranges_json(jw *w, const bind_port_range *r, uint32_t n, bool has)
{
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

/* After its key. */
static void names_json(jw *w, const char *const *names, uint32_t n, bool has)
{
    if (!has) { null(w); return; }
    open_(w, '[');
    for (uint32_t i = 0; i < n; i++) { next(w); str(w, names[i]); }
    close_(w, ']');
}

static void site_json(jw *w, bind_arena *a, const bind_site *s)
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
    for (uint32_t j = 0; j < s->nbindings; j++) { next(w); binding_json(w, a, s->bindings[j]); }
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

static bool emit_json(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                      bind_emit_ctx *cx, bind_buf *out)
{
    (void)sources, (void)opts;
    /* The caches are 40 KB: not on a backend thread's stack. */
    jw *w = bind_xmalloc(sizeof *w);
    memset(w, 0, sizeof *w);
    w->out = out;
    w->empty = true;
    w->str = json_string("");
    w->num = json_integer(0);
    if (!w->str || !w->num) bind_oom();
    const json_t *literals[3] = { json_false(), json_true(), json_null() };
    for (int i = 0; i < 3; i++) {
        size_t n = json_dumpb(literals[i], w->literals[i], sizeof w->literals[i] - 1, JSON_ENCODE_ANY);
        if (n == 0 || n >= sizeof w->literals[i]) bind_oom();
        w->literals[i][n] = '\0';
    }
    open_(w, '{');
    kint(w, "version", BIND_JSON_VERSION);

    const bind_platform *pf = m->platform;
    key(w, "platform");
    open_(w, '{');
    kstr(w, "name", pf->name);
    kbool(w, "sni", pf->sni);
    kbool(w, "ccs", pf->ccs);
    kbool(w, "wildcard_hosts", pf->wildcard_hosts);
    kbool(w, "ssl_flags_ext", pf->ssl_flags_ext);
    key(w, "free_ports");
    ranges_json(w, pf->free_ports, pf->nfree_ports, pf->has_free_ports);
    key(w, "ssl_ports");
    ranges_json(w, pf->ssl_ports, pf->nssl_ports, pf->has_ssl_ports);
    key(w, "local_hosts");
    names_json(w, pf->local_hosts, pf->nlocal_hosts, pf->has_local_hosts);
    kstr(w, "default_cert", pf->default_cert);
    close_(w, '}');

    key(w, "defaults");
    open_(w, '{');
    kstr(w, "acl", m->default_acl);
    kstr(w, "store", m->default_store);
    kstr(w, "appid", m->default_appid);
    kstr(w, "pool", m->default_pool);
    close_(w, '}');

    key(w, "iplisten");
    open_(w, '[');
    for (uint32_t i = 0; i < m->niplisten; i++) { next(w); addr_json(w, &m->iplisten[i].addr); }
    close_(w, ']');

    key(w, "certificates");
    open_(w, '[');
    for (uint32_t i = 0; i < m->ncerts; i++) {
        const bind_cert *ct = m->certs[i];
        if (ct->is_stdlib && !ct->used) continue;    /* the stdlib's certificates only when used */
        next(w);
        open_(w, '{');
        kstr(w, "name", ct->name);
        kstr(w, "thumbprint", ct->thumbprint);
        kstr(w, "store", ct->store ? ct->store : m->default_store);
        key(w, "names");
        names_json(w, ct->names, ct->nnames, ct->has_names);
        kstr(w, "pem", ct->pem);
        kstr(w, "key", ct->key);
        kstr(w, "appid", ct->appid ? ct->appid : m->default_appid);
        kstr(w, "friendly_name", ct->friendly_name);
        close_(w, '}');
    }
    close_(w, ']');

    key(w, "sites");
    open_(w, '[');
    for (uint32_t i = 0; i < m->nsites; i++) { next(w); site_json(w, cx->arena, m->sites[i]); }
    close_(w, ']');
    close_(w, '}');
    bind_buf_putc(out, '\n');
    json_decref(w->str);
    json_decref(w->num);
    bind_enc_cache_fini(&w->strings);
    bind_enc_cache_fini(&w->integers);
    free(w);
    return true;
}

const bind_backend bind_backend_json = { "json", "model.json", emit_json, 8, false, BIND_SERVER_ANY };
