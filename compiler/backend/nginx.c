/* The nginx target: prints the nginx plan (runtime/nginx_plan.h).
 *
 * The output is meant to be `include`d inside nginx's http {} block.  The
 * routing decisions (which socket carries which names, which server is
 * default_server, where a generated server refuses) are the plan's; this
 * file only writes them down, quotes every user string for nginx, and
 * refuses what nginx cannot be given: a TLS binding whose certificate has
 * no pem/key files (E0304), and paths or URLs with `$` (a variable in
 * nginx, with no escape), control characters, or too long for nginx's
 * read buffer (E0007). */
#include <string.h>

#include "server_conf.h"
#include "runtime/nginx_plan.h"

/* nginx's default server_names_hash_bucket_size on x86-64 (the cache line). */
#define NGINX_DEFAULT_BUCKET 64
/* Above this many names on one socket nginx 1.22 cannot build its names
 * hash within the default server_names_hash_max_size (512) and warns. */
#define NGINX_MANY_NAMES 100

/* nginx reads its configuration through a 4096-byte buffer
 * (NGX_CONF_BUFFER): a quoted string, escapes and closing quote included,
 * must fit in 4095 bytes and a comment, from its `#`, in 4095 too, or
 * `nginx -t` fails with "too long parameter". */
#define NGINX_MAX_QUOTED 4094
#define STR_(x) #x
#define STR(x) STR_(x)
#define BAD_VALUE "with `$`, a control character or more than " STR(NGINX_MAX_QUOTED) " bytes"

static bool quotable(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '$') return false;
        n += *p == '"' || *p == '\\' ? 2 : 1;
    }
    return n <= NGINX_MAX_QUOTED;
}

/* nginx's quoted strings take \" and \\ as escapes (and \n \t \r, which
 * cannot start once every backslash is doubled); nothing else is special
 * inside them (`;`, `{`, `#` included). */
static void put_quoted(bind_buf *out, const char *s) { bind_conf_put_quoted(out, s, ""); }

static void put_listen(bind_buf *out, const bind_nginx_socket *s, bool is_default)
{
    char addr[48];
    bind_buf_puts(out, "    listen ");
    if (s->addr.kind == BIND_ADDR_ANY4) bind_buf_printf(out, "%u", s->port);
    else {
        bind_addr_format(&s->addr, addr, true);
        bind_buf_printf(out, "%s:%u", addr, s->port);
    }
    if (s->ssl) bind_buf_puts(out, " ssl");
    if (is_default) bind_buf_puts(out, " default_server");
    bind_buf_puts(out, ";\n");
}

static const bind_conf_server nginx_server = {
    "nginx", "nginx", quotable, BAD_VALUE,
    "nginx reads `$` as a variable and has no escape for it, and reads its configuration through a 4096-byte buffer",
};

typedef bind_conf_emitter emitter;

static void put_tls(emitter *e, bind_buf *out, const bind_nginx_server *sv)
{
    const bind_cert *ct = bind_conf_tls_files(e, sv->tls);
    if (!ct) return;
    bind_buf_puts(out, "    ssl_certificate ");
    put_quoted(out, ct->pem);
    bind_buf_puts(out, ";\n    ssl_certificate_key ");
    put_quoted(out, ct->key);
    bind_buf_puts(out, ";\n");
    /* The IIS sslFlags that switch TLS versions off; nginx 1.22's default
     * is TLSv1 TLSv1.1 TLSv1.2 TLSv1.3. */
    switch (sv->tls_off & (BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS)) {
    case BIND_SSL_NO_TLS13: bind_buf_puts(out, "    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n"); break;
    case BIND_SSL_NO_LEGACY_TLS: bind_buf_puts(out, "    ssl_protocols TLSv1.2 TLSv1.3;\n"); break;
    case BIND_SSL_NO_TLS13 | BIND_SSL_NO_LEGACY_TLS: bind_buf_puts(out, "    ssl_protocols TLSv1.2;\n"); break;
    default: break;
    }
}

static bool site_text_ok(emitter *e, const bind_site *s, const char *field, const char *value)
{
    if (!value || quotable(value)) return true;
    bind_conf_refuse_site_text(e, s, field, BAD_VALUE);
    return false;
}

static void put_server(emitter *e, bind_buf *out, const bind_nginx_plan *p, uint32_t index)
{
    const bind_nginx_server *sv = &p->servers[index];
    bind_buf_puts(out, "\nserver {\n    # ");
    if (sv->site) {
        bind_buf_puts(out, "site \"");
        bind_conf_put_comment_text(out, sv->site->name);
        bind_buf_puts(out, "\"\n");
    } else if (sv->kind == BIND_NGINX_REFUSE_TLS_CERT) {
        bind_buf_puts(out, "no binding matches: refused as by HTTP.sys, after a handshake with the IP:port certificate\n");
    } else {
        bind_buf_puts(out, "no binding matches: refused as by HTTP.sys\n");
    }
    for (uint32_t i = 0; i < sv->nsockets; i++) {
        const bind_nginx_socket *s = &p->sockets[sv->sockets[i]];
        put_listen(out, s, s->default_server == index);
    }
    if (sv->nnames) {
        bind_buf_puts(out, "    server_name");
        for (uint32_t i = 0; i < sv->nnames; i++) bind_buf_printf(out, " %s", sv->names[i].name);
        bind_buf_puts(out, ";\n");
    }
    switch (sv->kind) {
    case BIND_NGINX_REFUSE:
        bind_buf_puts(out, "    return 404;\n");
        break;
    case BIND_NGINX_REFUSE_TLS:
        /* A client whose SNI picked a site's server still reaches this
         * one when its Host names no server of the socket: refuse that
         * request too, or nginx would serve its own default root. */
        bind_buf_puts(out, "    ssl_reject_handshake on;\n    return 404;\n");
        break;
    case BIND_NGINX_REFUSE_TLS_CERT:
        put_tls(e, out, sv);
        bind_buf_puts(out, "    return 404;\n");
        break;
    default:
        if (sv->ssl) put_tls(e, out, sv);
        if (site_text_ok(e, sv->site, "root", sv->site->root) && sv->site->root) {
            bind_buf_puts(out, "    root ");
            put_quoted(out, sv->site->root);
            bind_buf_puts(out, ";\n");
        }
        if (site_text_ok(e, sv->site, "proxy", sv->site->proxy) && sv->site->proxy) {
            bind_buf_puts(out, "    location / {\n        proxy_pass ");
            put_quoted(out, sv->site->proxy);
            bind_buf_puts(out, ";\n    }\n");
        }
        break;
    }
    bind_buf_puts(out, "}\n");
}

/* nginx stores each name in a hash bucket with two pointers beside it
 * (NGX_HASH_ELT_SIZE): a bucket must hold 8 + align8(len + 2) + 8 bytes. */
static void put_hash_sizes(bind_buf *out, const bind_nginx_plan *p)
{
    size_t need = 8 + ((p->longest_name + 2 + 7) & ~(size_t)7) + 8;
    size_t bucket = NGINX_DEFAULT_BUCKET;
    while (bucket < need) bucket *= 2;
    bool many = p->most_names > NGINX_MANY_NAMES;
    if (many && bucket < 256) bucket = 256;
    if (bucket > NGINX_DEFAULT_BUCKET)
        bind_buf_printf(out, "server_names_hash_bucket_size %zu;   # long or many host names\n", bucket);
    if (many) {
        uint32_t max = 2 * p->most_names < 1024 ? 1024 : 2 * p->most_names;
        bind_buf_printf(out, "server_names_hash_max_size %u;   # %u names on one socket\n", max, p->most_names);
    }
}

static bool emit_nginx(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                       bind_emit_ctx *cx, bind_buf *out)
{
    (void)sources, (void)opts;
    emitter e;
    bind_conf_init(&e, cx, &nginx_server);
    const bind_nginx_plan *p = cx->nginx_plan ? cx->nginx_plan : bind_nginx_plan_build(cx->arena, m);

    bind_buf_puts(out,
        "# nginx server blocks written by bindc: include this file inside http { }.\n"
        "# Sites with server = nginx or any.  Every address:port has exactly one\n"
        "# default_server: the site with a binding without host name there, or a\n"
        "# generated server that refuses the request as HTTP.sys would.\n");
    put_hash_sizes(out, p);
    for (uint32_t i = 0; i < p->nservers; i++) put_server(&e, out, p, i);
    bind_conf_fini(&e);
    return e.ok;
}

const bind_backend bind_backend_nginx = { "nginx", "nginx.conf", emit_nginx, 6, false, BIND_SERVER_NGINX };
