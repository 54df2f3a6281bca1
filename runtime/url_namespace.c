/* HTTP.sys's URL namespace (url_namespace.h).  Entries are few on one
 * machine (tens of reservations, a registration per binding): a request
 * looks at each, category by category. */
#include "url_namespace.h"

#include <stdlib.h>
#include <string.h>

struct bind_url_namespace {
    bind_arena *arena;
    BIND_VEC(bind_url_entry *) entries;
};

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static char *lower_copy(bind_arena *a, const char *s, size_t n)
{
    char *out = bind_arena_strndup(a, s, n);
    for (char *p = out; *p; p++) *p = lower(*p);
    return out;
}

bool bind_url_prefix_parse(bind_arena *a, const char *url, bind_url_prefix *out, const char **why)
{
    memset(out, 0, sizeof *out);
    const char *p = url;
    if (strncmp(p, "http://", 7) == 0 || strncmp(p, "HTTP://", 7) == 0) p += 7;
    else if (strncmp(p, "https://", 8) == 0 || strncmp(p, "HTTPS://", 8) == 0) { p += 8; out->https = true; }
    else { *why = "a URL prefix starts with http:// or https://"; return false; }
    const char *host = p, *host_end;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close) { *why = "an IPv6 address has no closing `]`"; return false; }
        host_end = close + 1;
    } else {
        host_end = p;
        while (*host_end && *host_end != ':' && *host_end != '/') host_end++;
    }
    size_t hn = (size_t)(host_end - host);
    if (hn == 0) { *why = "a URL prefix needs a host: +, *, a name or an address"; return false; }
    if (*host_end != ':') { *why = "a URL prefix needs a port (HTTP.sys takes no default)"; return false; }
    const char *port = host_end + 1, *port_end = port;
    while (*port_end >= '0' && *port_end <= '9') port_end++;
    if (port_end == port || *port == '0' || port_end - port > 5) { *why = "the port is not a number 1-65535"; return false; }
    long v = strtol(port, NULL, 10);
    if (v < 1 || v > 65535) { *why = "the port is not a number 1-65535"; return false; }
    out->port = (uint16_t)v;
    const char *path = port_end;
    size_t pn = strlen(path);
    if (pn == 0 || path[0] != '/' || path[pn - 1] != '/') { *why = "a URL prefix ends with `/`"; return false; }
    out->path = lower_copy(a, path, pn);
    if (hn == 1 && host[0] == '+') out->category = BIND_URL_STRONG;
    else if (hn == 1 && host[0] == '*') out->category = BIND_URL_WEAK;
    else {
        const char *text = host[0] == '[' ? host + 1 : host;
        size_t tn = host[0] == '[' ? hn - 2 : hn;
        if (bind_addr_parse(a, text, tn, &out->ip, NULL) && !bind_addr_is_any_tier(&out->ip)) out->category = BIND_URL_IP;
        else { out->category = BIND_URL_HOST; out->host = lower_copy(a, host, hn); }
    }
    return true;
}

const char *bind_url_prefix_text(bind_arena *a, const bind_url_prefix *p)
{
    char addr[48];
    const char *host = p->category == BIND_URL_STRONG ? "+" : p->category == BIND_URL_WEAK ? "*"
                     : p->category == BIND_URL_HOST ? p->host : (bind_addr_format(&p->ip, addr, true), addr);
    return bind_arena_printf(a, "%s://%s:%u%s", p->https ? "https" : "http", host, p->port, p->path);
}

bool bind_url_prefix_equal(const bind_url_prefix *x, const bind_url_prefix *y)
{
    if (x->https != y->https || x->category != y->category || x->port != y->port || strcmp(x->path, y->path) != 0) return false;
    if (x->category == BIND_URL_HOST) return strcmp(x->host, y->host) == 0;
    if (x->category == BIND_URL_IP) return bind_addr_equal(&x->ip, &y->ip);
    return true;
}

bind_url_namespace *bind_url_ns_new(void)
{
    bind_url_namespace *ns = bind_xmalloc(sizeof *ns);
    memset(ns, 0, sizeof *ns);
    ns->arena = bind_arena_new();
    return ns;
}

void bind_url_ns_free(bind_url_namespace *ns)
{
    if (!ns) return;
    bind_vec_free(&ns->entries);
    bind_arena_free(ns->arena);
    free(ns);
}

bind_url_entry *bind_url_ns_entry(bind_url_namespace *ns, const bind_url_prefix *p)
{
    for (size_t i = 0; i < ns->entries.len; i++)
        if (bind_url_prefix_equal(&ns->entries.items[i]->prefix, p)) return ns->entries.items[i];
    bind_url_entry *e = bind_arena_alloc(ns->arena, sizeof *e);
    memset(e, 0, sizeof *e);
    e->prefix = *p;
    e->prefix.path = bind_arena_strdup(ns->arena, p->path);
    if (p->host) e->prefix.host = bind_arena_strdup(ns->arena, p->host);
    bind_vec_push(&ns->entries, e);
    return e;
}

void bind_url_ns_reserve(bind_url_namespace *ns, const bind_url_prefix *p, const char *sddl, const void *record)
{
    bind_url_entry *e = bind_url_ns_entry(ns, p);
    e->sddl = bind_arena_strdup(ns->arena, sddl ? sddl : "");
    e->reservation = record;
}

void bind_url_ns_register(bind_url_namespace *ns, const bind_url_prefix *p, const char *registrant, const void *record)
{
    bind_url_entry *e = bind_url_ns_entry(ns, p);
    e->registrant = bind_arena_strdup(ns->arena, registrant ? registrant : "");
    e->registration = record;
}

/* Whether `path` starts with the prefix's path (both compare without case). */
static bool path_under(const char *prefix, const char *path)
{
    for (; *prefix; prefix++, path++)
        if (lower(*path) != *prefix) return false;
    return true;
}

static bool host_is(const char *name, const char *host)
{
    if (!host) return false;
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++) if (lower(host[i]) != name[i]) return false;
    return host[n] == '\0';
}

/* Whether e's host part takes the request (its category decides how). */
static bool host_takes(const bind_url_entry *e, const bind_url_request *rq)
{
    switch (e->prefix.category) {
    case BIND_URL_HOST: return host_is(e->prefix.host, rq->host);
    case BIND_URL_IP: return bind_addr_equal(&e->prefix.ip, &rq->local);
    default: return true;
    }
}

const bind_url_entry *bind_url_ns_route(const bind_url_namespace *ns, const bind_url_request *rq)
{
    for (int cat = 0; cat < BIND_URL_CATEGORY_COUNT; cat++) {
        const bind_url_entry *best = NULL;
        for (size_t i = 0; i < ns->entries.len; i++) {
            const bind_url_entry *e = ns->entries.items[i];
            if (e->prefix.category != cat || e->prefix.https != rq->https || e->prefix.port != rq->port) continue;
            if (!host_takes(e, rq) || !path_under(e->prefix.path, rq->path)) continue;
            if (!best || strlen(e->prefix.path) > strlen(best->prefix.path)) best = e;
        }
        if (best) return best;
    }
    return NULL;
}

const bind_url_entry *bind_url_ns_reservation_for(const bind_url_namespace *ns, const bind_url_prefix *p)
{
    const bind_url_entry *best = NULL;
    for (size_t i = 0; i < ns->entries.len; i++) {
        const bind_url_entry *e = ns->entries.items[i];
        const bind_url_prefix *q = &e->prefix;
        if (!e->sddl || q->category != p->category || q->https != p->https || q->port != p->port) continue;
        if (q->category == BIND_URL_HOST && strcmp(q->host, p->host) != 0) continue;
        if (q->category == BIND_URL_IP && !bind_addr_equal(&q->ip, &p->ip)) continue;
        if (!path_under(q->path, p->path)) continue;
        if (!best || strlen(q->path) > strlen(best->prefix.path)) best = e;
    }
    return best;
}

const bind_url_entry *bind_url_ns_shadowing(const bind_url_namespace *ns, const bind_url_prefix *p)
{
    /* A request p is meant for: its host or address, else a name and an
     * address no entry names (TEST-NET-1's last address, RFC 5737). */
    bind_url_request rq = { p->https, "bindc-unnamed.invalid", { 0 }, p->port, p->path };
    rq.local.kind = BIND_ADDR_V4;
    rq.local.bytes[0] = 192;
    rq.local.bytes[2] = 2;
    rq.local.bytes[3] = 254;
    if (p->category == BIND_URL_HOST) rq.host = p->host;
    if (p->category == BIND_URL_IP) rq.local = p->ip;
    const bind_url_entry *e = bind_url_ns_route(ns, &rq);
    return e && !bind_url_prefix_equal(&e->prefix, p) ? e : NULL;
}
