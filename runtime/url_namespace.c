/* HTTP.sys's URL namespace (url_namespace.h).  A machine may hold a
 * reservation per site of a hosting fleet and a registration per binding,
 * so entries are kept by their place: scheme, category, host or address,
 * port.  A request asks at most one place per category, and looks only at
 * that place's paths. */
#include "url_namespace.h"
#include "base/table.h"

#include <stdlib.h>
#include <string.h>

/* The entries of one place, in the order they were made. */
typedef struct url_place {
    bind_url_prefix key;             /* its path unused */
    BIND_VEC(bind_url_entry *) entries;
} url_place;

struct bind_url_namespace {
    bind_arena *arena;
    BIND_VEC(url_place *) places;
    bind_table by_place;
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

static uint64_t place_hash(const bind_url_prefix *p)
{
    uint8_t head[4] = { p->https, p->category, (uint8_t)(p->port >> 8), (uint8_t)p->port };
    uint64_t h = bind_hash_bytes(head, sizeof head, BIND_HASH_SEED);
    if (p->category == BIND_URL_HOST) h = bind_hash_bytes(p->host, strlen(p->host), h);
    if (p->category == BIND_URL_IP) h = bind_addr_hash(&p->ip, h);
    return h;
}

static bool same_place(const void *a, const void *b)
{
    const bind_url_prefix *x = a, *y = b;
    if (x->https != y->https || x->category != y->category || x->port != y->port) return false;
    if (x->category == BIND_URL_HOST) return strcmp(x->host, y->host) == 0;
    if (x->category == BIND_URL_IP) return bind_addr_equal(&x->ip, &y->ip);
    return true;
}

bind_url_namespace *bind_url_ns_new(void)
{
    bind_url_namespace *ns = bind_xmalloc(sizeof *ns);
    memset(ns, 0, sizeof *ns);
    ns->arena = bind_arena_new();
    bind_table_init(&ns->by_place, same_place);
    return ns;
}

void bind_url_ns_free(bind_url_namespace *ns)
{
    if (!ns) return;
    for (size_t i = 0; i < ns->places.len; i++) bind_vec_free(&ns->places.items[i]->entries);
    bind_vec_free(&ns->places);
    bind_table_fini(&ns->by_place);
    bind_arena_free(ns->arena);
    free(ns);
}

static const url_place *find_place(const bind_url_namespace *ns, const bind_url_prefix *key)
{
    return bind_table_get(&ns->by_place, place_hash(key), key);
}

bind_url_entry *bind_url_ns_entry(bind_url_namespace *ns, const bind_url_prefix *p)
{
    url_place *pl = (url_place *)find_place(ns, p);
    if (pl) {
        for (size_t i = 0; i < pl->entries.len; i++)
            if (strcmp(pl->entries.items[i]->prefix.path, p->path) == 0) return pl->entries.items[i];
    }
    bind_url_entry *e = bind_arena_alloc(ns->arena, sizeof *e);
    memset(e, 0, sizeof *e);
    e->prefix = *p;
    e->prefix.path = bind_arena_strdup(ns->arena, p->path);
    if (p->host) e->prefix.host = bind_arena_strdup(ns->arena, p->host);
    if (!pl) {
        pl = bind_arena_alloc(ns->arena, sizeof *pl);
        memset(pl, 0, sizeof *pl);
        pl->key = e->prefix;
        bind_table_put(&ns->by_place, place_hash(&pl->key), &pl->key, pl);
        bind_vec_push(&ns->places, pl);
    }
    bind_vec_push(&pl->entries, e);
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

/* The entry of a place whose path is the longest that `path` starts with
 * (reserved ones only, with `reserved`); NULL when none. */
static const bind_url_entry *longest(const url_place *pl, const char *path, bool reserved)
{
    const bind_url_entry *best = NULL;
    for (size_t i = 0; pl && i < pl->entries.len; i++) {
        const bind_url_entry *e = pl->entries.items[i];
        if (reserved && !e->sddl) continue;
        if (!path_under(e->prefix.path, path)) continue;
        if (!best || strlen(e->prefix.path) > strlen(best->prefix.path)) best = e;
    }
    return best;
}

const bind_url_entry *bind_url_ns_route(const bind_url_namespace *ns, const bind_url_request *rq)
{
    char host[256];
    size_t hn = rq->host ? strlen(rq->host) : 0;
    if (hn >= sizeof host) hn = 0;              /* longer than any name: no host entry takes it */
    for (size_t i = 0; i < hn; i++) host[i] = lower(rq->host[i]);
    host[hn] = '\0';
    for (int cat = 0; cat < BIND_URL_CATEGORY_COUNT; cat++) {
        bind_url_prefix key = { .https = rq->https, .category = (uint8_t)cat, .port = rq->port };
        if (cat == BIND_URL_HOST) {
            if (!hn) continue;
            key.host = host;
        }
        if (cat == BIND_URL_IP) key.ip = rq->local;
        const bind_url_entry *best = longest(find_place(ns, &key), rq->path, false);
        if (best) return best;
    }
    return NULL;
}

const bind_url_entry *bind_url_ns_reservation_for(const bind_url_namespace *ns, const bind_url_prefix *p)
{
    return longest(find_place(ns, p), p->path, true);
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
    /* p itself need not be in the namespace, so what the search reaches
     * in p's own category or after it would have been p's: within one
     * category the longest path wins, and p is the longest that takes
     * its own URL. */
    const bind_url_entry *e = bind_url_ns_route(ns, &rq);
    return e && e->prefix.category < p->category ? e : NULL;
}
