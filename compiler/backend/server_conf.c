/* What the nginx and apache targets share (server_conf.h). */
#include "server_conf.h"

#include <string.h>

/* How much of a name a comment keeps: a reminder, well inside nginx's
 * 4096-byte read buffer. */
#define COMMENT_NAME_MAX 256

static bool ptr_eq(const void *a, const void *b) { return a == b; }

void bind_conf_init(bind_conf_emitter *e, bind_emit_ctx *cx, const bind_conf_server *server)
{
    e->cx = cx;
    e->server = server;
    e->ok = true;
    bind_table_init(&e->reported, ptr_eq);
}

void bind_conf_fini(bind_conf_emitter *e) { bind_table_fini(&e->reported); }

/* Whether `key` (a certificate, a site's field) is refused for the first time. */
static bool first_report(bind_conf_emitter *e, const void *key)
{
    uint64_t h = bind_hash_bytes(&key, sizeof key, BIND_HASH_SEED);
    if (bind_table_get(&e->reported, h, key)) return false;
    bind_table_put(&e->reported, h, key, (void *)key);
    return true;
}

const bind_cert *bind_conf_tls_files(bind_conf_emitter *e, const bind_binding *b)
{
    const bind_conf_server *sv = e->server;
    bind_diag_bag *bag = e->cx->diags;
    bind_span at = b->cert_span.end ? b->cert_span : b->info_span;
    const bind_cert *ct = b->cert;
    if (ct && ct->pem && ct->key) {
        if (sv->path_ok(ct->pem) && sv->path_ok(ct->key)) return ct;
        if (first_report(e, ct)) {
            bind_diag *d = bind_diag_push(bag, BIND_E0007, ct->span, "certificate `%s`: %s cannot be given a pem or key path %s",
                                          ct->name, sv->name, sv->bad_path);
            bind_diag_note(bag, d, NULL, "%s", sv->why);
        }
        e->ok = false;
        return NULL;
    }
    const void *key = ct ? (const void *)ct : b->thumbprint ? (const void *)b->thumbprint : (const void *)b;
    if (first_report(e, key)) {
        bind_diag *d;
        if (ct) {
            d = bind_diag_push(bag, BIND_E0304, at, "certificate `%s` has no `%s` for the %s target", ct->name,
                               !ct->pem && !ct->key ? "pem`/`key" : !ct->pem ? "pem" : "key", sv->target);
            if (!ct->is_stdlib)
                bind_diag_note(bag, d, &ct->span, "add %s here",
                               !ct->pem && !ct->key ? "pem = \"FILE\" and key = \"FILE\"" : !ct->pem ? "pem = \"FILE\"" : "key = \"FILE\"");
        } else if (b->thumbprint) {
            d = bind_diag_push(bag, BIND_E0304, at, "a thumbprint names a certificate in the Windows store, which %s cannot read",
                               sv->name);
            bind_diag_note(bag, d, NULL, "declare `cert NAME { thumbprint, pem, key }` and use cert=NAME");
        } else {
            d = bind_diag_push(bag, BIND_E0304, at, "the central certificate store (`ccs`) is IIS-only; %s needs certificate files",
                               sv->name);
            bind_diag_note(bag, d, NULL, "give the binding cert=NAME with a certificate that has pem and key");
        }
        bind_diag_note(bag, d, NULL, "or keep the site off %s with `server = iis`", sv->name);
    }
    e->ok = false;
    return NULL;
}

void bind_conf_refuse_site_text(bind_conf_emitter *e, const bind_site *s, const char *field, const char *bad)
{
    e->ok = false;
    if (!first_report(e, field[0] == 'r' ? (const void *)&s->root : (const void *)&s->proxy)) return;
    bind_diag *d = bind_diag_push(e->cx->diags, BIND_E0007, s->name_span, "site `%s`: %s cannot be given a `%s` %s", s->name,
                                  e->server->name, field, bad);
    bind_diag_note(e->cx->diags, d, NULL, "%s", e->server->why);
}

void bind_conf_put_quoted(bind_buf *out, const char *s, const char *tail)
{
    bind_buf_putc(out, '"');
    for (;;) {
        size_t run = strcspn(s, "\"\\");
        bind_buf_put(out, s, run);
        s += run;
        if (!*s) break;
        bind_buf_putc(out, '\\');
        bind_buf_putc(out, *s++);
    }
    bind_buf_puts(out, tail);
    bind_buf_putc(out, '"');
}

void bind_conf_put_comment_text(bind_buf *out, const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80 && n >= COMMENT_NAME_MAX) {
            bind_buf_puts(out, "...");
            return;
        }
        if (*p < 0x20 || *p == 0x7f) {
            bind_buf_printf(out, "\\x%02X", *p);
            n += 4;
        } else {
            bind_buf_putc(out, (char)*p);
            n++;
        }
    }
}
