/* The imported model as .bind text, already in the formatter's canonical
 * layout (syntax/format.c): `bindc fmt --check` passes on every output, and
 * the tests hold the two to it.  Writing it directly, instead of text that
 * the formatter then re-parses and lays out, keeps the import of a fleet
 * to one pass over its sites.
 *
 * The layout's rules, as the formatter has them: 4-space indentation; one
 * blank line between top-level blocks, none between a comment and the
 * block it introduces; `=` aligned over the fields of a block; bindings in
 * three columns (the protocol padded to the widest, options two spaces
 * after the widest binding information that has options); strings in the
 * quotes that need no escape. */
#include <stdio.h>
#include <string.h>

#include "writer.h"
#include "syntax/format.h"
#include "syntax/lex.h"

/* ---- words and strings ---------------------------------------------------- */

/* A word that reads back as itself: plain characters only, not a keyword
 * where a name goes. */
static bool plain_word(const char *s, bool name)
{
    if (!*s) return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            return false;
    }
    if (name && strchr("updcsai", s[0]))
        if (bind_lex_is_keyword(s, strlen(s))) return false;
    return true;
}

static void put_value(bind_buf *b, const char *text, bool name)
{
    if (plain_word(text, name)) bind_buf_puts(b, text);
    else bind_fmt_put_string(b, text);
}

/* Display columns, as the formatter counts them. */
static size_t width(const char *s) { return bind_fmt_width(s, strlen(s)); }

static void pad(bind_buf *b, size_t n) { while (n--) bind_buf_putc(b, ' '); }

static void comments(bind_buf *b, const char *const *lines, uint32_t n, int indent)
{
    for (uint32_t i = 0; i < n; i++) {
        pad(b, (size_t)indent);
        bind_buf_puts(b, "# ");
        bind_buf_puts(b, lines[i]);
        bind_buf_putc(b, '\n');
    }
}

/* ---- blocks ------------------------------------------------------------------ */

typedef struct field { const char *key, *value; bool string; } field;

/* Fields with their `=` aligned. */
static void fields(bind_buf *b, const field *f, size_t n, int indent)
{
    size_t key = 0;
    for (size_t i = 0; i < n; i++) if (strlen(f[i].key) > key) key = strlen(f[i].key);
    for (size_t i = 0; i < n; i++) {
        pad(b, (size_t)indent);
        bind_buf_puts(b, f[i].key);
        pad(b, key - strlen(f[i].key));
        bind_buf_puts(b, " = ");
        if (f[i].string) bind_fmt_put_string(b, f[i].value);
        else put_value(b, f[i].value, false);
        bind_buf_putc(b, '\n');
    }
}

/* The options of a binding, appended to o (after `start`). */
static void options_of(bind_buf *o, size_t start, const bind_imp_binding *bd)
{
    if (bd->cert) { bind_buf_puts(o, "cert="); put_value(o, bd->cert, false); }
    static const struct { uint8_t bit; const char *text; } flags[] = {
        { BIND_SSL_SNI, "sni" }, { BIND_SSL_CCS, "ccs" }, { BIND_SSL_NO_HTTP2, "http2=off" }, { BIND_SSL_NO_OCSP, "ocsp=off" },
        { BIND_SSL_NO_QUIC, "quic=off" }, { BIND_SSL_NO_TLS13, "tls13=off" }, { BIND_SSL_NO_LEGACY_TLS, "legacy_tls=off" },
    };
    if (bd->protocol == BIND_PROTO_HTTPS)
        for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
            if (bd->ssl_flags & flags[i].bit) {
                if (o->len > start) bind_buf_putc(o, ' ');
                bind_buf_puts(o, flags[i].text);
            }
    if (bd->acl) {
        if (o->len > start) bind_buf_putc(o, ' ');
        bind_buf_puts(o, "acl=");
        put_value(o, bd->acl, false);
    }
}

/* Line numbers counted forward from the last one asked in each file: the
 * sites of a fleet's file come in order, and a table of all its lines
 * (bind_source_linecol) would be most of the writer's memory. */
typedef struct cursor { uint32_t offset, line; } cursor;
typedef BIND_VEC(cursor) cursors;

static uint32_t line_at(bind_imported *im, cursors *cs, bind_source *src, uint32_t offset)
{
    while (cs->len <= src->id) { cursor c = { 0, 1 }; bind_vec_push(cs, c); }
    cursor *c = &cs->items[src->id];
    if (offset < c->offset) { c->offset = 0; c->line = 1; }
    const char *t = src->text;
    uint32_t end = offset < src->len ? offset : (uint32_t)src->len;
    for (const char *p = t + c->offset; (p = memchr(p, '\n', (size_t)(t + end - p))) != NULL; p++) c->line++;
    c->offset = end;
    (void)im;
    return c->line;
}

/* `# from FILE:LINE`: where the object was read (and, after a colon,
 * `what` when given). */
static void provenance(bind_buf *b, bind_imported *im, cursors *cs, bind_span at, int indent, const char *what)
{
    bind_source *src = bind_sources_get(&im->sources, at.file);
    if (!src) return;
    uint32_t line = line_at(im, cs, src, at.start);
    pad(b, (size_t)indent);
    bind_buf_puts(b, "# from ");
    const char *path = src->path;
    bool plain = true;
    for (const char *p = path; *p && plain; p++) plain = (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f;
    if (!plain) path = bind_imp_comment_text(im->arena, path, strlen(path));
    bind_buf_puts(b, path ? path : "?");
    char num[16];
    int n = snprintf(num, sizeof num, ":%u", line);
    bind_buf_put(b, num, (size_t)n);
    if (what) { bind_buf_puts(b, ": "); bind_buf_puts(b, what); }
    bind_buf_putc(b, '\n');
}

static void site_block(bind_buf *b, bind_imported *im, cursors *cs, const bind_imp_site *s, bind_buf *scratch)
{
    comments(b, s->comments, s->ncomments, 0);
    provenance(b, im, cs, s->at, 0, NULL);
    bind_buf_puts(b, "site ");
    put_value(b, s->name, true);
    bool empty = !s->bindings.len && !s->apps.len;
    field f[8];
    size_t nf = 0;
    char id[16];
    if (s->id) { snprintf(id, sizeof id, "%u", s->id); f[nf++] = (field){ "id", id, false }; }
    if (s->server != BIND_SERVER_ANY) f[nf++] = (field){ "server", bind_server_name((enum bind_server)s->server), false };
    if (s->autostart_off) f[nf++] = (field){ "autostart", "off", false };
    if (s->path) f[nf++] = (field){ "path", s->path, true };
    if (s->pool) f[nf++] = (field){ "pool", s->pool, false };
    if (s->root) f[nf++] = (field){ "root", s->root, true };
    if (s->proxy) f[nf++] = (field){ "proxy", s->proxy, true };
    if (empty && !nf) { bind_buf_puts(b, " {}\n"); return; }
    bind_buf_puts(b, " {\n");
    fields(b, f, nf, 4);

    /* Bindings: the columns. */
    size_t pw = 0, iw = 0;
    scratch->len = 0;
    BIND_VEC(size_t) opt_at = { 0 };
    for (size_t i = 0; i < s->bindings.len; i++) {
        const bind_imp_binding *bd = &s->bindings.items[i];
        size_t w = strlen(bind_protocol_name((enum bind_protocol)bd->protocol));
        if (w > pw) pw = w;
        size_t start = scratch->len;
        options_of(scratch, start, bd);
        if (scratch->len > start && width(bd->info) > iw) iw = width(bd->info);
        bind_buf_putc(scratch, '\0');
        bind_vec_push(&opt_at, start);
    }
    for (size_t i = 0; i < s->bindings.len; i++) {
        const bind_imp_binding *bd = &s->bindings.items[i];
        comments(b, bd->comments, bd->ncomments, 4);
        const char *p = bind_protocol_name((enum bind_protocol)bd->protocol), *opts = scratch->data + opt_at.items[i];
        bind_buf_puts(b, "    ");
        bind_buf_puts(b, p);
        pad(b, pw - strlen(p) + 1);
        bind_buf_puts(b, bd->info);
        if (*opts) {
            pad(b, iw - width(bd->info) + 2);
            bind_buf_puts(b, opts);
        }
        bind_buf_putc(b, '\n');
    }
    bind_vec_free(&opt_at);

    for (size_t i = 0; i < s->apps.len; i++) {
        const bind_imp_app *a = &s->apps.items[i];
        bind_buf_puts(b, "    app ");
        bind_fmt_put_string(b, a->path);
        field af[2];
        size_t na = 0;
        if (a->physical) af[na++] = (field){ "path", a->physical, true };
        if (a->pool) af[na++] = (field){ "pool", a->pool, false };
        if (!na) { bind_buf_puts(b, " {}\n"); continue; }
        bind_buf_puts(b, " {\n");
        fields(b, af, na, 8);
        bind_buf_puts(b, "    }\n");
    }
    bind_buf_puts(b, "}\n");
}

static void cert_block(bind_buf *b, bind_imported *im, cursors *cs, const bind_imp_cert *c)
{
    comments(b, c->comments, c->ncomments, 0);
    provenance(b, im, cs, c->at, 0, c->placeholder);
    bind_buf_puts(b, "cert ");
    put_value(b, c->name, true);
    field f[6];
    size_t n = 0;
    if (c->thumbprint) f[n++] = (field){ "thumbprint", c->thumbprint, false };
    if (c->store) f[n++] = (field){ "store", c->store, false };
    if (c->pem) f[n++] = (field){ "pem", c->pem, true };
    if (c->key) f[n++] = (field){ "key", c->key, true };
    if (c->appid) f[n++] = (field){ "appid", c->appid, true };
    if (!n) { bind_buf_puts(b, " {}\n"); return; }
    bind_buf_puts(b, " {\n");
    fields(b, f, n, 4);
    bind_buf_puts(b, "}\n");
}

void bind_import_write_bind(bind_imported *im, const char *platform, const char *platform_why, bind_buf *out)
{
    /* What this is, and what it leaves to --merge. */
    bind_buf_puts(out, "# Imported by `bindc import` from:\n");
    for (size_t i = 0; i < im->inputs.len; i++) {
        bind_buf_puts(out, "#   ");
        const char *line = bind_imp_comment_text(im->arena, im->inputs.items[i], strlen(im->inputs.items[i]));
        bind_buf_puts(out, line ? line : "?");
        bind_buf_putc(out, '\n');
    }
    bind_buf_puts(out, "# What the language does not describe (virtual directories, logging, limits,\n"
                       "# pool settings, nginx locations, ...) is not here; `bindc compile --target\n"
                       "# iis --merge applicationhost.config` keeps it in that file.\n");
    if (platform || platform_why) {
        bind_buf_putc(out, '\n');
        if (platform_why) {
            const char *why = bind_imp_comment_text(im->arena, platform_why, strlen(platform_why));
            bind_buf_printf(out, "# platform: %s\n", why ? why : "");
        }
        if (platform) bind_buf_printf(out, "platform %s\n", platform);
    }
    if (im->iplisten.len) {
        bind_buf_puts(out, "\niplisten ");
        for (size_t i = 0; i < im->iplisten.len; i++) {
            char a[48];
            bind_addr_format(&im->iplisten.items[i].addr, a, false);
            bind_buf_printf(out, "%s%s", i ? ", " : "", a);
        }
        bind_buf_putc(out, '\n');
    }
    cursors cs = { 0 };
    for (size_t i = 0; i < im->certs.len; i++) {
        bind_buf_putc(out, '\n');
        cert_block(out, im, &cs, &im->certs.items[i]);
    }
    bind_buf scratch;
    bind_buf_init(&scratch);
    for (size_t i = 0; i < im->sites.len; i++) {
        bind_buf_putc(out, '\n');
        site_block(out, im, &cs, im->sites.items[i], &scratch);
    }
    bind_buf_free(&scratch);
    bind_vec_free(&cs);
}
