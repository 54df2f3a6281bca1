/* HTTP.sys's URL namespace: which URL prefix a request reaches, and who may
 * register a prefix.
 *
 * A prefix is `scheme://HOST:PORT/path/` where HOST is one of four
 * categories, searched in this order (Microsoft's "UrlPrefix Strings" and
 * "Routing Incoming Requests"):
 *   strong wildcard `+`    every host name, before anything else;
 *   explicit host          the Host header names it;
 *   IP-bound weak wildcard an IPv4 literal or [IPv6]: the local address;
 *   weak wildcard `*`      every host name, when nothing else matched.
 * The search stops at the first category with a match; within it the
 * longest matching path wins.  Reservations (URL ACLs) take part in the
 * search too: a request whose best match is a reservation nobody has
 * registered is answered by HTTP.sys itself (503), not by a later
 * category.  Hosts and paths compare without case; the port is exact.
 *
 * The namespace knows nothing of sites: its entries carry a caller's
 * pointer (the binding that registers, the record a capture read). */
#ifndef BIND_URL_NAMESPACE_H
#define BIND_URL_NAMESPACE_H

#include "model/model.h"

enum bind_url_category { BIND_URL_STRONG, BIND_URL_HOST, BIND_URL_IP, BIND_URL_WEAK, BIND_URL_CATEGORY_COUNT };

typedef struct bind_url_prefix {
    bool https;
    uint8_t category;        /* enum bind_url_category */
    const char *host;        /* BIND_URL_HOST: lower-case name; NULL otherwise */
    bind_addr ip;            /* BIND_URL_IP: the address */
    uint16_t port;
    const char *path;        /* lower-case, starts and ends with `/` */
} bind_url_prefix;

/* Reads `http://+:80/`, `https://shop.example:443/app/`, `http://[::1]:80/`.
 * False with *why (static text) when it is not a URL prefix HTTP.sys takes:
 * the scheme, a port that is missing, 0 or not a number, a path that does
 * not end in `/`. */
bool bind_url_prefix_parse(bind_arena *a, const char *url, bind_url_prefix *out, const char **why);
/* The prefix as netsh writes it (`http://+:80/`). */
const char *bind_url_prefix_text(bind_arena *a, const bind_url_prefix *p);
bool bind_url_prefix_equal(const bind_url_prefix *x, const bind_url_prefix *y);

/* One prefix of the namespace: reserved (a URL ACL: who may register it)
 * and/or registered (an application listens on it). */
typedef struct bind_url_entry {
    bind_url_prefix prefix;
    const char *sddl;        /* the reservation's security descriptor; NULL: not reserved */
    const void *reservation; /* the caller's record of the reservation */
    const char *registrant;  /* who registered it, in words; NULL: nobody */
    const void *registration;
} bind_url_entry;

typedef struct bind_url_namespace bind_url_namespace;

bind_url_namespace *bind_url_ns_new(void);
void bind_url_ns_free(bind_url_namespace *ns);
/* The entry of this prefix, made when it is new. */
bind_url_entry *bind_url_ns_entry(bind_url_namespace *ns, const bind_url_prefix *p);
void bind_url_ns_reserve(bind_url_namespace *ns, const bind_url_prefix *p, const char *sddl, const void *record);
void bind_url_ns_register(bind_url_namespace *ns, const bind_url_prefix *p, const char *registrant, const void *record);

/* A request as HTTP.sys sees it; host without port (NULL: no Host header). */
typedef struct bind_url_request {
    bool https;
    const char *host;
    bind_addr local;
    uint16_t port;
    const char *path;        /* starts with `/` */
} bind_url_request;

/* The entry a request reaches, or NULL (HTTP.sys answers 400/404 itself).
 * An entry with no registrant answers 503. */
const bind_url_entry *bind_url_ns_route(const bind_url_namespace *ns, const bind_url_request *rq);

/* The reservation that decides who may register prefix p: in p's category
 * (and host or address), on its scheme and port, the longest reserved path
 * that p's path starts with; NULL when nothing is reserved there (then
 * only an administrator may register). */
const bind_url_entry *bind_url_ns_reservation_for(const bind_url_namespace *ns, const bind_url_prefix *p);

/* The reservation of a category searched before p's that takes the
 * requests p would answer: the first entry the search for p's own URL
 * reaches when it is of an earlier category (a `+` or host reservation
 * shadowing a `*` registration); NULL when p would answer them. */
const bind_url_entry *bind_url_ns_shadowing(const bind_url_namespace *ns, const bind_url_prefix *p);

#endif
