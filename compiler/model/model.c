/* Small queries over the model. */
#include "model.h"
#include "vocab.h"
#include "base/buf.h"

#include <string.h>

const char *bind_protocol_name(enum bind_protocol p)
{
    size_t n;
    const bind_word *w = bind_vocab_protocols(&n);
    return (size_t)p < n ? w[p].name : "?";
}

enum bind_info_form bind_protocol_form(enum bind_protocol p)
{
    switch (p) {
    case BIND_PROTO_HTTP: case BIND_PROTO_HTTPS: case BIND_PROTO_FTP: return BIND_FORM_IP_PORT_HOST;
    case BIND_PROTO_NET_TCP: return BIND_FORM_PORT_HOST;
    default: return BIND_FORM_HOST;
    }
}

/* The listener services (SMSvcHost, the Net.Tcp Port Sharing Service) hold
 * the port or pipe for every site that carries the binding and tell
 * requests apart by the application's path; IIS's own setup writes
 * `net.tcp 808:*`, `net.pipe *`, `net.msmq localhost` into every site it
 * enables them on. */
bool bind_protocol_shared_by_sites(enum bind_protocol p)
{
    return p == BIND_PROTO_NET_TCP || p == BIND_PROTO_NET_PIPE || p == BIND_PROTO_NET_MSMQ || p == BIND_PROTO_MSMQ_FORMATNAME;
}

bool bind_iis_info_no_address(enum bind_protocol p, const char *info, size_t n)
{
    return n > 0 && info[0] == ':' && bind_protocol_form(p) == BIND_FORM_IP_PORT_HOST;
}

bool bind_protocol_list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',') p++;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *x = e;
        while (x > p && x[-1] == ' ') x--;
        if ((size_t)(x - p) == n) {
            size_t i = 0;
            while (i < n && (p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] + 32) : p[i]) == name[i]) i++;
            if (i == n) return true;
        }
        p = e;
    }
    return false;
}

const char *bind_server_name(enum bind_server s)
{
    size_t n;
    const bind_word *w = bind_vocab_servers(&n);
    return (size_t)s < n ? w[s].name : "?";
}

bool bind_site_runs_on(const bind_site *s, enum bind_server server)
{
    return s->server == BIND_SERVER_ANY || s->server == server;
}

bind_cert *bind_model_find_cert(const bind_model *m, const char *name)
{
    for (uint32_t i = 0; i < m->ncerts; i++) if (m->certs[i]->name == name) return m->certs[i];
    return NULL;
}

bind_platform *bind_model_find_platform(const bind_model *m, const char *name)
{
    for (uint32_t i = 0; i < m->nplatforms; i++) if (m->platforms[i]->name == name) return m->platforms[i];
    return NULL;
}

bool bind_cert_covers(const bind_cert *c, const char *host)
{
    for (uint32_t i = 0; i < c->nnames; i++) {
        const char *n = c->names[i];
        if (strcmp(n, host) == 0) return true;
        if (n[0] == '*' && n[1] == '.' && host[0] != '*') {
            const char *dot = strchr(host, '.');     /* a wildcard covers one whole label */
            if (dot && dot > host && strcmp(dot + 1, n + 2) == 0) return true;
        }
    }
    return false;
}

bool bind_port_in(const bind_port_range *r, uint32_t n, uint32_t port)
{
    for (uint32_t i = 0; i < n; i++) if (port >= r[i].lo && port <= r[i].hi) return true;
    return false;
}

/* ADDR:PORT:HOST (or PORT:HOST), put together by hand: every backend asks
 * for it once a binding, and printf was most of its cost. */
const char *bind_binding_info_text(bind_arena *a, const bind_binding *b)
{
    char head[64];
    size_t n = 0;
    switch (bind_protocol_form((enum bind_protocol)b->protocol)) {
    case BIND_FORM_IP_PORT_HOST:
        n = bind_addr_format(&b->addr, head, true);
        head[n++] = ':';
        /* fall through */
    case BIND_FORM_PORT_HOST:
        n += bind_decimal(head + n, b->port);
        head[n++] = ':';
        break;
    default:
        break;
    }
    size_t hlen = strlen(b->host);
    char *text = bind_arena_alloc(a, n + hlen + 1);
    memcpy(text, head, n);
    memcpy(text + n, b->host, hlen + 1);
    return text;
}

const char *bind_binding_text(bind_arena *a, const bind_binding *b)
{
    return bind_arena_printf(a, "%s %s", bind_protocol_name((enum bind_protocol)b->protocol), bind_binding_info_text(a, b));
}
