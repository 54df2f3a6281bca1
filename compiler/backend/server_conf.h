/* What the nginx and apache targets share: refusing, once each, what a
 * server's configuration file cannot be given — a TLS binding without
 * certificate files (E0304), a value the server would read otherwise than
 * as written (E0007) — and comments that name what a block is for. */
#ifndef BIND_SERVER_CONF_H
#define BIND_SERVER_CONF_H

#include "backend.h"
#include "base/table.h"

/* The server a target writes for, as its messages name it. */
typedef struct bind_conf_server {
    const char *name;               /* "nginx", "Apache" */
    const char *target;             /* "nginx", "apache": `--target` */
    /* Whether a pem or key path can be written, and what it must not be
     * ("with `$`, a control character or more than 4094 bytes"). */
    bool (*path_ok)(const char *path);
    const char *bad_path;
    const char *why;                /* E0007's note: why the server cannot be given it */
} bind_conf_server;

typedef struct bind_conf_emitter {
    bind_emit_ctx *cx;
    const bind_conf_server *server;
    bind_table reported;            /* certificates and site fields already refused */
    bool ok;                        /* false once an error is pushed */
} bind_conf_emitter;

void bind_conf_init(bind_conf_emitter *e, bind_emit_ctx *cx, const bind_conf_server *server);
void bind_conf_fini(bind_conf_emitter *e);

/* The certificate files of a TLS block's binding, or NULL after E0304 (no
 * files: a thumbprint, ccs, a certificate without pem or key) or E0007 (a
 * path the server cannot be given), each once per certificate. */
const bind_cert *bind_conf_tls_files(bind_conf_emitter *e, const bind_binding *b);

/* E0007, once per site and field (`root`, `proxy`): the site's `field`
 * cannot be given to the server `bad` ("with `$`, a control character or
 * more than 4094 bytes"). */
void bind_conf_refuse_site_text(bind_conf_emitter *e, const bind_site *s, const char *field, const char *bad);

/* "s" and tail, quoted: `"` and `\` escaped with a backslash, every other
 * byte itself — how both servers read a quoted string (each target says
 * why its own does). */
void bind_conf_put_quoted(bind_buf *out, const char *s, const char *tail);

/* Text inside a comment, which runs to the end of the line: control
 * characters are written as \xNN so a name cannot end it early, and a
 * long name is cut (between UTF-8 characters): it is only a reminder. */
void bind_conf_put_comment_text(bind_buf *out, const char *s);

#endif
