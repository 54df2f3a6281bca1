/* Declarations to model objects: platforms, certificates, defaults, sites,
 * apps, iplisten — with every field's name and value checked (E0006,
 * E0007, E0302 for thumbprints). */
#include "checker.h"
#include "model/vocab.h"
#include "base/buf.h"
#include "base/suggest.h"

#include <ctype.h>
#include <string.h>

static bool ptr_eq(const void *a, const void *b) { return a == b; }

/* ---- fields ------------------------------------------------------------ */

/* Collects a block's fields by spec; reports unknown, repeated and
 * wrongly-listed fields.  out[i] is the field for spec i, or NULL. */
static void collect_fields(bind_checker *k, const bind_item *items, uint32_t n, enum bind_block blk,
                           const bind_field **out)
{
    size_t nspecs;
    const bind_word *specs = bind_vocab_fields(blk, &nspecs);
    const char *block = bind_block_name(blk);
    for (size_t i = 0; i < nspecs; i++) out[i] = NULL;
    for (uint32_t i = 0; i < n; i++) {
        const bind_item *it = &items[i];
        if (it->kind != BIND_ITEM_FIELD) {
            if (blk == BIND_BLOCK_SITE) continue;
            bind_span sp = it->kind == BIND_ITEM_BINDING ? it->u.binding.span : it->u.app.span;
            bind_diag *d = bind_diag_push(k->diags, BIND_E0006, sp, "%s belongs in a site block, not in %s",
                                          it->kind == BIND_ITEM_BINDING ? "a binding" : "an app", block);
            if (it->kind == BIND_ITEM_BINDING)
                bind_diag_note(k->diags, d, NULL, "a field is written `name = value`");
            continue;
        }
        const bind_field *f = &it->u.field;
        size_t j = 0;
        while (j < nspecs && strcmp(specs[j].name, f->key.text) != 0) j++;
        if (j == nspecs) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0006, f->key.span, "unknown field `%s` in %s",
                                          f->key.text, block);
            const char *names[16];
            for (size_t q = 0; q < nspecs && q < 16; q++) names[q] = specs[q].name;
            bind_check_did_you_mean(k, d, f->key.span, f->key.text, names, nspecs);
            continue;
        }
        if (out[j]) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0007, f->key.span, "field `%s` is given twice", f->key.text);
            bind_diag_note(k->diags, d, &out[j]->key.span, "first given here");
            continue;
        }
        if (!specs[j].list && f->value.len > 1) {
            bind_diag_push(k->diags, BIND_E0007, f->value.items[1].span, "field `%s` takes one value, not a list",
                           f->key.text);
            continue;
        }
        out[j] = f;
    }
}

/* Every text that reaches an output is checked here once: control
 * characters (a newline in a site name, say) are refused, not escaped. */
static bool text_ok(bind_checker *k, const bind_scalar *s, const char *what)
{
    for (const unsigned char *p = (const unsigned char *)s->text; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            bind_diag_push(k->diags, BIND_E0007, s->span, "%s contains the control character U+%04X", what, *p);
            return false;
        }
    }
    return true;
}

static const char *text_of(bind_checker *k, const bind_field *f, const char *what)
{
    if (!f) return NULL;
    return text_ok(k, &f->value.items[0], what) ? f->value.items[0].text : NULL;
}

/* on/off.  Returns -1 when the value is wrong. */
static int bool_of(bind_checker *k, const bind_scalar *s, const char *what)
{
    if (strcmp(s->text, "on") == 0) return 1;
    if (strcmp(s->text, "off") == 0) return 0;
    bind_diag *d = bind_diag_push(k->diags, BIND_E0007, s->span, "%s takes `on` or `off`, not `%s`", what, s->text);
    /* Any case: `True`, `No` and `ON` are as clearly meant as `true`. */
    static const char *const yes[] = { "true", "yes", "1", "enabled", "on" };
    static const char *const no[] = { "false", "no", "0", "disabled", "off" };
    for (size_t i = 0; i < 5; i++) {
        if (bind_check_ascii_ieq(s->text, yes[i])) bind_diag_fixit(k->diags, d, s->span, "on");
        if (bind_check_ascii_ieq(s->text, no[i])) bind_diag_fixit(k->diags, d, s->span, "off");
    }
    return -1;
}

static bool uint_of(const char *t, uint64_t max, uint64_t *out)
{
    if (!*t || (t[0] == '0' && t[1])) return false;
    uint64_t v = 0;
    for (; *t; t++) {
        if (*t < '0' || *t > '9') return false;
        v = v * 10 + (uint64_t)(*t - '0');
        if (v > max) return false;
    }
    *out = v;
    return true;
}

/* `80`, `44300..44399`: inclusive port ranges. */
static uint32_t ranges_of(bind_checker *k, const bind_field *f, bind_port_range **out)
{
    *out = bind_arena_alloc(k->arena, f->value.len * sizeof **out);
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->value.len; i++) {
        const bind_scalar *s = &f->value.items[i];
        const char *dots = strstr(s->text, "..");
        uint64_t lo = 0, hi = 0;
        bool ok;
        if (dots) {
            char *a = bind_arena_strndup(k->arena, s->text, (size_t)(dots - s->text));
            ok = uint_of(a, 65535, &lo) && uint_of(dots + 2, 65535, &hi) && lo >= 1 && lo <= hi;
        } else {
            ok = uint_of(s->text, 65535, &lo) && lo >= 1;
            hi = lo;
        }
        if (!ok) {
            bind_diag_push(k->diags, BIND_E0007, s->span,
                           "`%s` is not a port or port range: write a port 1-65535 or `LOW..HIGH`", s->text);
            continue;
        }
        (*out)[n].lo = (uint16_t)lo;
        (*out)[n].hi = (uint16_t)hi;
        n++;
    }
    return n;
}

static const char *store_of(bind_checker *k, const bind_field *f)
{
    if (!f) return NULL;
    const bind_scalar *s = &f->value.items[0];
    size_t n;
    const bind_word *stores = bind_vocab_stores(&n);
    const char *names[4];
    for (size_t i = 0; i < n; i++) {
        names[i] = stores[i].name;
        if (bind_check_ascii_ieq(s->text, stores[i].name)) return stores[i].name;   /* `MY` is `My`: netsh and IIS agree */
    }
    bind_diag *d = bind_diag_push(k->diags, BIND_E0007, s->span,
                                  "certificate store `%s` is not `%s` or `%s`", s->text, names[0], names[1]);
    bind_check_did_you_mean(k, d, s->span, s->text, names, n);
    return NULL;
}

static const char *guid_of(bind_checker *k, const bind_field *f)
{
    if (!f) return NULL;
    const bind_scalar *s = &f->value.items[0];
    const char *t = s->text;
    size_t n = strlen(t);
    bool braces = n == 38 && t[0] == '{' && t[37] == '}';
    const char *g = braces ? t + 1 : t;
    size_t gn = braces ? 36 : n;
    bool ok = gn == 36;
    for (size_t i = 0; ok && i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) ok = g[i] == '-';
        else ok = isxdigit((unsigned char)g[i]) != 0;
    }
    if (ok && braces) return t;
    bind_diag *d = bind_diag_push(k->diags, BIND_E0007, s->span,
                                  "appid `%s` is not a GUID in braces like {4dc3e181-e14b-4a21-b022-59fc669b0914}", t);
    if (ok) bind_diag_fixit(k->diags, d, s->span, bind_arena_printf(k->arena, "\"{%s}\"", t));
    return NULL;
}

/* IIS's applicationPoolName validator. */
static const char *pool_of(bind_checker *k, const bind_field *f)
{
    const char *t = text_of(k, f, "a pool name");
    if (!t) return NULL;
    if (!*t || strpbrk(t, "|<>&\"/[]+=;:,?*@")) {
        bind_diag_push(k->diags, BIND_E0007, f->value.items[0].span,
                       "pool name `%s` is empty or contains one of | < > & \" / [ ] + = ; : , ? * @ (IIS refuses it)", t);
        return NULL;
    }
    return t;
}

/* Host names in `names` and `local_hosts`.  Certificate wildcards must be a
 * whole left-most `*.` label; anything else is W0301 (no CA issues it). */
static uint32_t hosts_of(bind_checker *k, const bind_field *f, const char ***out, bind_span **spans, bool cert)
{
    *out = bind_arena_alloc(k->arena, f->value.len * sizeof **out);
    if (spans) *spans = bind_arena_alloc(k->arena, f->value.len * sizeof **spans);
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->value.len; i++) {
        const bind_scalar *s = &f->value.items[i];
        const char *t = s->text, *star = strchr(t, '*');
        if (cert && star && !(t[0] == '*' && t[1] == '.' && !strchr(t + 1, '*'))) {
            bind_diag *d = bind_diag_push(k->diags, BIND_W0301, s->span,
                                          "wildcard certificate name `%s` does not start with `*.`", t);
            bind_diag_note(k->diags, d, NULL, "a wildcard covers exactly one whole left-most label, as in `*.shop.example`");
            continue;
        }
        bind_word_errors errs = { .len = 0 };
        const char *lower;
        bool wild;
        if (!bind_host_parse(k->arena, t, strlen(t), &lower, &wild, &errs)) {
            bind_check_word_errors(k, s, 0, &errs);
            continue;
        }
        if (spans) (*spans)[n] = s->span;
        (*out)[n++] = bind_intern_cstr(k->in, lower);
    }
    return n;
}

/* ---- declarations ------------------------------------------------------ */

static void declare_platform(bind_checker *k, const bind_stmt *st)
{
    const bind_field *f[BIND_FIELD_PLATFORM_COUNT];
    collect_fields(k, st->items, st->nitems, BIND_BLOCK_PLATFORM, f);
    bind_platform *p = bind_arena_alloc(k->arena, sizeof *p);
    p->name = st->name.text;
    p->span = st->name.span;
    bool *flags[] = { &p->sni, &p->ccs, &p->wildcard_hosts, &p->ssl_flags_ext };
    for (int i = BIND_FIELD_PLATFORM_SNI; i <= BIND_FIELD_PLATFORM_SSL_FLAGS_EXT; i++)
        if (f[i]) *flags[i] = bool_of(k, &f[i]->value.items[0], f[i]->key.text) == 1;
    if (f[BIND_FIELD_PLATFORM_SSL_PORTS]) { p->has_ssl_ports = true; p->nssl_ports = ranges_of(k, f[BIND_FIELD_PLATFORM_SSL_PORTS], &p->ssl_ports); }
    if (f[BIND_FIELD_PLATFORM_FREE_PORTS]) { p->has_free_ports = true; p->nfree_ports = ranges_of(k, f[BIND_FIELD_PLATFORM_FREE_PORTS], &p->free_ports); }
    if (f[BIND_FIELD_PLATFORM_LOCAL_HOSTS]) {
        p->has_local_hosts = true;
        p->nlocal_hosts = hosts_of(k, f[BIND_FIELD_PLATFORM_LOCAL_HOSTS], &p->local_hosts, NULL, false);
    }
    if (f[BIND_FIELD_PLATFORM_DEFAULT_CERT]) {
        /* A name, looked up by pointer: field values are not interned (parser.y). */
        p->default_cert = bind_intern_cstr(k->in, f[BIND_FIELD_PLATFORM_DEFAULT_CERT]->value.items[0].text);
        p->default_cert_span = f[BIND_FIELD_PLATFORM_DEFAULT_CERT]->value.items[0].span;
    }
    bind_platform *prev = bind_table_put(&k->platform_by_name, bind_check_name_hash(p->name), p->name, p);
    if (prev != p) {
        bind_diag *d = bind_diag_push(k->diags, BIND_E0007, st->name.span, "platform `%s` is already defined", p->name);
        bind_diag_note(k->diags, d, &prev->span, "defined here");
        return;
    }
    bind_vec_push(&k->platforms, p);
}

static void declare_cert(bind_checker *k, const bind_stmt *st, bool is_stdlib)
{
    const bind_field *f[BIND_FIELD_CERT_COUNT];
    collect_fields(k, st->items, st->nitems, BIND_BLOCK_CERT, f);
    bind_cert *c = bind_arena_alloc(k->arena, sizeof *c);
    c->name = st->name.text;
    c->span = st->name.span;
    c->is_stdlib = is_stdlib;
    if (f[BIND_FIELD_CERT_THUMBPRINT]) c->thumbprint = bind_check_thumbprint(k, &f[BIND_FIELD_CERT_THUMBPRINT]->value.items[0]);
    c->store = store_of(k, f[BIND_FIELD_CERT_STORE]);
    if (f[BIND_FIELD_CERT_NAMES]) { c->has_names = true; c->nnames = hosts_of(k, f[BIND_FIELD_CERT_NAMES], &c->names, &c->name_spans, true); }
    c->pem = text_of(k, f[BIND_FIELD_CERT_PEM], "a certificate path");
    c->key = text_of(k, f[BIND_FIELD_CERT_KEY], "a key path");
    c->appid = guid_of(k, f[BIND_FIELD_CERT_APPID]);
    c->friendly_name = text_of(k, f[BIND_FIELD_CERT_FRIENDLY_NAME], "a friendly name");
    bind_cert *prev = bind_table_put(&k->cert_by_name, bind_check_name_hash(c->name), c->name, c);
    if (prev != c) {
        bind_diag *d = bind_diag_push(k->diags, BIND_E0007, st->name.span, "certificate `%s` is already declared", c->name);
        bind_diag_note(k->diags, d, &prev->span, "declared here");
        return;
    }
    bind_vec_push(&k->certs, c);
}

static void declare_defaults(bind_checker *k, const bind_stmt *st)
{
    const bind_field *f[BIND_FIELD_DEFAULTS_COUNT];
    collect_fields(k, st->items, st->nitems, BIND_BLOCK_DEFAULTS, f);
    bind_model *m = k->m;
    const char **slots[BIND_FIELD_DEFAULTS_COUNT] = { &m->default_acl, &m->default_store, &m->default_appid, &m->default_pool };
    for (int i = 0; i < BIND_FIELD_DEFAULTS_COUNT; i++) {
        if (!f[i]) continue;
        if (*slots[i]) {
            bind_diag_push(k->diags, BIND_E0007, f[i]->key.span, "default `%s` is already set by another defaults block",
                           f[i]->key.text);
            continue;
        }
        *slots[i] = i == BIND_FIELD_DEFAULTS_ACL ? text_of(k, f[i], "an acl user") : i == BIND_FIELD_DEFAULTS_STORE ? store_of(k, f[i])
                  : i == BIND_FIELD_DEFAULTS_APPID ? guid_of(k, f[i]) : pool_of(k, f[i]);
        if (i == BIND_FIELD_DEFAULTS_ACL) m->default_acl_span = f[i]->value.items[0].span;
    }
}

/* IIS's applicationPath validator: `/`, or `/a/b` without `.`/`..` segments. */
static bool app_path_ok(const char *p)
{
    if (p[0] != '/') return false;
    if (!p[1]) return true;
    size_t n = strlen(p);
    if (p[n - 1] == '/') return false;
    for (const char *seg = p + 1; seg && *seg;) {
        const char *slash = strchr(seg, '/');
        size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
        if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.')) return false;
        seg = slash ? slash + 1 : NULL;
    }
    return true;
}

static void declare_site(bind_checker *k, const bind_stmt *st, bool is_stdlib)
{
    const bind_field *f[BIND_FIELD_SITE_COUNT];
    collect_fields(k, st->items, st->nitems, BIND_BLOCK_SITE, f);
    bind_site *s = bind_arena_alloc(k->arena, sizeof *s);
    s->name = st->name.text;
    s->name_hash = bind_check_site_name_hash(s->name);  /* while the name is in the cache */
    s->name_span = st->name.span;
    s->span = st->span;
    s->is_stdlib = is_stdlib;
    s->autostart = true;
    if (text_ok(k, &st->name, "the site name")) {
        if (!*s->name || strpbrk(s->name, "/?"))
            bind_diag_push(k->diags, BIND_E0007, st->name.span,
                           "site name `%s` is empty or contains `/` or `?` (IIS refuses it)", s->name);
    }
    if (f[BIND_FIELD_SITE_ID]) {
        uint64_t id;
        const bind_scalar *v = &f[BIND_FIELD_SITE_ID]->value.items[0];
        if (uint_of(v->text, 4294967295u, &id) && id >= 1) {
            s->id = (uint32_t)id;
            s->id_given = true;
            s->id_span = v->span;
        } else {
            bind_diag_push(k->diags, BIND_E0007, v->span, "site id `%s` is not a whole number 1-4294967295", v->text);
        }
    }
    s->physical_path = text_of(k, f[BIND_FIELD_SITE_PATH], "a path");
    s->pool = f[BIND_FIELD_SITE_POOL] ? pool_of(k, f[BIND_FIELD_SITE_POOL]) : k->m->default_pool;
    if (f[BIND_FIELD_SITE_SERVER]) {
        const bind_scalar *v = &f[BIND_FIELD_SITE_SERVER]->value.items[0];
        size_t n;
        const bind_word *servers = bind_vocab_servers(&n);
        const char *names[8];
        size_t i = 0;
        while (i < n && strcmp(servers[i].name, v->text) != 0) i++;
        if (i < n) s->server = (uint8_t)i;
        else {
            /* The choices, the default (any) last. */
            bind_buf list;
            bind_buf_init(&list);
            for (size_t q = 0; q < n; q++) {
                names[q] = servers[q].name;
                bind_buf_printf(&list, "%s%s", q ? ", " : "", servers[(q + 1) % n].name);
            }
            bind_diag *d = bind_diag_push(k->diags, BIND_E0007, v->span, "server `%s` is not one of %s", v->text, list.data);
            bind_buf_free(&list);
            bind_check_did_you_mean(k, d, v->span, v->text, names, n);
        }
    }
    s->root = text_of(k, f[BIND_FIELD_SITE_ROOT], "a root path");
    if (f[BIND_FIELD_SITE_PROXY]) {
        const char *u = text_of(k, f[BIND_FIELD_SITE_PROXY], "a proxy URL");
        if (u && strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
            bind_diag_push(k->diags, BIND_E0007, f[BIND_FIELD_SITE_PROXY]->value.items[0].span,
                           "proxy `%s` is not an http:// or https:// URL", u);
        else s->proxy = u;
    }
    if (f[BIND_FIELD_SITE_AUTOSTART]) s->autostart = bool_of(k, &f[BIND_FIELD_SITE_AUTOSTART]->value.items[0], "autostart") != 0;

    uint32_t nb = 0, na = 0;
    for (uint32_t i = 0; i < st->nitems; i++) {
        nb += st->items[i].kind == BIND_ITEM_BINDING;
        na += st->items[i].kind == BIND_ITEM_APP;
    }
    s->bindings = bind_arena_alloc(k->arena, (nb ? nb : 1) * sizeof *s->bindings);
    /* Most sites have no app: they get no array. */
    s->apps = na ? bind_arena_alloc(k->arena, na * sizeof *s->apps) : NULL;
    for (uint32_t i = 0; i < st->nitems; i++) {
        const bind_item *it = &st->items[i];
        if (it->kind == BIND_ITEM_BINDING) {
            bind_binding *b = bind_arena_alloc(k->arena, sizeof *b);
            b->site = s;
            b->span = it->u.binding.span;
            b->protocol_span = it->u.binding.protocol.span;
            b->info_span = it->u.binding.info.span;
            b->host = "";
            s->bindings[s->nbindings++] = b;
            bind_vec_push(&k->bindings, b);
            bind_binding_syntax syn;
            memset(&syn, 0, sizeof syn);
            bind_vec_push(&k->binding_syntax, syn);
            bind_check_binding_declared(k, b, &it->u.binding, &k->binding_syntax.items[k->binding_syntax.len - 1]);
        } else if (it->kind == BIND_ITEM_APP) {
            const bind_ast_app *ap = &it->u.app;
            const bind_field *af[BIND_FIELD_APP_COUNT];
            collect_fields(k, ap->items, ap->nitems, BIND_BLOCK_APP, af);
            bind_app *a = &s->apps[s->napps];
            a->span = ap->span;
            a->path = ap->path.text;
            if (!text_ok(k, &ap->path, "an app path")) continue;
            if (!app_path_ok(a->path)) {
                bind_diag_push(k->diags, BIND_E0007, ap->path.span,
                               "app path `%s` must start with `/`, not end with `/`, and have no empty, `.` or `..` segment",
                               a->path);
                continue;
            }
            bool dup = false;
            for (uint32_t q = 0; q < s->napps && !dup; q++) {
                if (strcmp(s->apps[q].path, a->path) != 0) continue;
                bind_diag *d = bind_diag_push(k->diags, BIND_E0007, ap->path.span, "app `%s` is declared twice in this site", a->path);
                bind_diag_note(k->diags, d, &s->apps[q].span, "first declared here");
                dup = true;
            }
            if (dup) continue;
            a->physical_path = text_of(k, af[BIND_FIELD_APP_PATH], "a path");
            a->pool = af[BIND_FIELD_APP_POOL] ? pool_of(k, af[BIND_FIELD_APP_POOL]) : NULL;
            s->napps++;
        }
    }
    bind_vec_push(&k->sites, s);
}

static bool addr_eq(const void *a, const void *b) { return bind_addr_equal(a, b); }

static void declare_iplisten(bind_checker *k, const bind_stmt *st)
{
    if (!k->iplisten_seen.eq) bind_table_init(&k->iplisten_seen, addr_eq);
    for (uint32_t i = 0; i < st->list.len; i++) {
        const bind_scalar *s = &st->list.items[i];
        bind_word_errors errs = { .len = 0 };
        bind_iplisten l;
        l.span = s->span;
        if (!bind_addr_parse(k->arena, s->text, strlen(s->text), &l.addr, &errs)) {
            bind_check_word_errors(k, s, 0, &errs);
            continue;
        }
        uint64_t h = bind_addr_hash(&l.addr, BIND_HASH_SEED);
        if (bind_table_get(&k->iplisten_seen, h, &l.addr)) continue;
        bind_addr *key = bind_arena_alloc(k->arena, sizeof *key);
        *key = l.addr;
        bind_table_put(&k->iplisten_seen, h, key, key);
        bind_vec_push(&k->iplisten, l);
    }
}

void bind_check_declare(bind_checker *k, const bind_stmt *st, bool is_stdlib)
{
    switch (st->kind) {
    case BIND_STMT_USE: break;      /* the loader's */
    case BIND_STMT_PLATFORM_SELECT:
        if (!k->platform_choice.text) k->platform_choice = st->name;
        else if (k->platform_choice.text != st->name.text) {
            bind_diag *d = bind_diag_push(k->diags, BIND_E0007, st->name.span,
                                          "platform `%s` selected, but `%s` already was: one platform per compilation",
                                          st->name.text, k->platform_choice.text);
            bind_diag_note(k->diags, d, &k->platform_choice.span, "`%s` selected here", k->platform_choice.text);
        }
        break;
    case BIND_STMT_PLATFORM_DEF: declare_platform(k, st); break;
    case BIND_STMT_DEFAULTS: declare_defaults(k, st); break;
    case BIND_STMT_CERT: declare_cert(k, st, is_stdlib); break;
    case BIND_STMT_SITE: declare_site(k, st, is_stdlib); break;
    case BIND_STMT_IPLISTEN: declare_iplisten(k, st); break;
    }
}

/* Statements in declaration order: a `use`d file's statements come where
 * its first `use` is, and every file once. */
static void walk_file(bind_checker *k, uint32_t idx, bool *seen)
{
    if (seen[idx]) return;
    seen[idx] = true;
    const bind_loaded_file *lf = &k->c->files.items[idx];
    for (uint32_t i = 0; i < lf->ast->nstmts; i++) {
        const bind_stmt *st = &lf->ast->stmts[i];
        if (st->kind == BIND_STMT_USE && lf->use_target[i] >= 0) walk_file(k, (uint32_t)lf->use_target[i], seen);
        else bind_check_declare(k, st, lf->ast->src->is_stdlib);
    }
}

static void resolve_platform(bind_checker *k)
{
    const char *name = k->platform_choice.text ? k->platform_choice.text
                     : k->c->platform_override ? bind_intern_cstr(k->in, k->c->platform_override)
                     : bind_intern_cstr(k->in, "iis10");
    bind_platform *p = bind_table_get(&k->platform_by_name, bind_check_name_hash(name), name);
    if (!p && k->platform_choice.text) {
        bind_diag *d = bind_diag_push(k->diags, BIND_E0007, k->platform_choice.span, "unknown platform `%s`", name);
        const char *names[64];
        size_t n = 0;
        for (size_t i = 0; i < k->platforms.len && n < 64; i++) names[n++] = k->platforms.items[i]->name;
        bind_check_did_you_mean(k, d, k->platform_choice.span, name, names, n);
    }
    if (!p) {
        const char *dflt = bind_intern_cstr(k->in, "iis10");
        p = bind_table_get(&k->platform_by_name, bind_check_name_hash(dflt), dflt);
    }
    k->m->platform = p;
}

void bind_check_declarations(bind_checker *k)
{
    if (!k->c->streaming) {     /* streamed statements were declared as they were parsed */
        bool *seen = bind_arena_alloc(k->arena, k->c->files.len + 1);
        for (size_t i = 0; i < k->c->roots.len; i++) walk_file(k, k->c->roots.items[i], seen);
    }
    resolve_platform(k);

    /* Default site ids: the next free positive integer, in declaration order. */
    bind_table used;
    bind_table_init(&used, ptr_eq);
    for (size_t i = 0; i < k->sites.len; i++) {
        bind_site *s = k->sites.items[i];
        if (s->id_given) bind_table_put(&used, bind_hash_bytes(&s->id, 4, BIND_HASH_SEED), (void *)(uintptr_t)s->id, s);
    }
    uint32_t next = 1;
    for (size_t i = 0; i < k->sites.len; i++) {
        bind_site *s = k->sites.items[i];
        if (s->id_given) continue;
        while (bind_table_get(&used, bind_hash_bytes(&next, 4, BIND_HASH_SEED), (void *)(uintptr_t)next)) next++;
        s->id = next++;
    }
    bind_table_fini(&used);
}
