/* bindc route FILE... URL [--local-ip IP] [--server iis|nginx|apache]
 *                         [--sni NAME | --no-sni] [-v]
 *
 * Checks the files, then asks the runtime which site and binding answer
 * the URL: on the whole box (the server that owns the request's socket,
 * runtime/route_box.h), or under one server's rules alone (--server).
 * Prints the site, the binding and a one-line reason, and for https the
 * TLS handshake; exit 3 when nothing answers.
 *
 * The check's diagnostics are not all said again on every query: the
 * errors are (there is no answer then), and the warnings about the
 * binding that answers (W0405, W0407: it may not answer as said); not the
 * hints, nor what concerns other bindings.  --verbose says them all, as
 * `check` does. */
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "runtime/route_box.h"

typedef struct url { uint8_t protocol; const char *host; uint16_t port; bool literal; bind_addr addr; const char *path; } url;

static bool iequal(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] + 32) : a[i];
        if (c != b[i]) return false;
    }
    return true;
}

/* scheme://[user@]host[:port][/...] with host a name, an IPv4 address or
 * a bracketed IPv6 address.  Non-ASCII names become punycode, as a client
 * sends them. */
static bool parse_url(bind_arena *a, const char *text, url *u)
{
    memset(u, 0, sizeof *u);
    const char *sep = strstr(text, "://");
    if (!sep) return false;
    if (iequal(text, (size_t)(sep - text), "http")) u->protocol = BIND_PROTO_HTTP;
    else if (iequal(text, (size_t)(sep - text), "https")) u->protocol = BIND_PROTO_HTTPS;
    else return false;
    const char *auth = sep + 3;
    size_t alen = strcspn(auth, "/?#");
    /* The path: HTTP.sys's URL namespace compares it (--state); the IIS rules do not. */
    const char *path = auth + alen;
    u->path = *path == '/' ? bind_arena_strndup(a, path, strcspn(path, "?#")) : "/";
    const char *at = memchr(auth, '@', alen);
    while (at) {                                   /* the last @ ends the user info */
        alen -= (size_t)(at + 1 - auth);
        auth = at + 1;
        at = memchr(auth, '@', alen);
    }
    const char *host = auth, *port = NULL;
    size_t hlen;
    if (alen && auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (!close) return false;
        hlen = (size_t)(close - auth) + 1;
        if (hlen < alen) {
            if (auth[hlen] != ':') return false;
            port = auth + hlen + 1;
        }
    } else {
        const char *colon = memchr(auth, ':', alen);
        hlen = colon ? (size_t)(colon - auth) : alen;
        if (colon) port = colon + 1;
    }
    if (hlen == 0) return false;
    u->port = u->protocol == BIND_PROTO_HTTPS ? 443 : 80;
    if (port && !bind_port_parse(port, (size_t)(auth + alen - port), &u->port)) return false;
    u->literal = bind_addr_parse(a, host, hlen, &u->addr, NULL) && !bind_addr_is_any_tier(&u->addr);
    if (u->literal) {
        u->host = bind_arena_strndup(a, host, hlen);
        return true;
    }
    u->host = bind_host_to_ascii(a, host, hlen);
    return u->host != NULL;
}

/* Site names are user text: control characters are shown as \xNN. */
static void print_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) printf("\\x%02X", *p);
        else putchar(*p);
    }
}

/* "  (FILE:LINE:COL)" of a span; nothing for none. */
static void print_place(bind_compilation *c, bind_span at)
{
    if (!at.end) return;
    bind_source *src = bind_sources_get(&c->sources, at.file);
    uint32_t line, col;
    bind_source_linecol(src, at.start, &line, &col);
    fputs("  (", stdout);
    print_text(src->path);
    printf(":%u:%u)", line, col);
}

static void print_answer(bind_compilation *c, const bind_binding *b, const char *reason)
{
    bind_source *src = bind_sources_get(&c->sources, b->span.file);
    uint32_t line, col;
    bind_source_linecol(src, b->span.start, &line, &col);
    fputs("site:    ", stdout);
    print_text(b->site->name);
    printf("\nbinding: %s  (", bind_binding_text(c->arena, b));
    print_text(src->path);
    printf(":%u:%u)\nreason:  %s\n", line, col, reason);
}

/* What route says of the check: see the top of the file. */
typedef struct said_filter { const bind_binding *answer; bool errors_only, werror; } said_filter;

static bool about_answer(const bind_diag *d, void *ctx)
{
    const said_filter *f = ctx;
    if (d->severity == BIND_SEV_ERROR || (f->werror && d->severity == BIND_SEV_WARNING)) return true;
    if (f->errors_only || !f->answer || d->severity != BIND_SEV_WARNING) return false;
    const bind_binding *b = f->answer;
    return d->span.file == b->span.file && d->span.start >= b->span.start && d->span.start < b->span.end;
}

int bind_cmd_route(bind_cli *o)
{
    const char *local_ip = o->local_ip;
    /* The URL is the last operand with a scheme; the others are files. */
    const char *target = NULL;
    for (int i = o->nfiles - 1; i >= 0 && !target; i--) {
        if (!strstr(o->files[i], "://")) continue;
        target = o->files[i];
        memmove(&o->files[i], &o->files[i + 1], (size_t)(o->nfiles - i - 1) * sizeof *o->files);
        o->nfiles--;
    }
    enum bind_server kind = !o->server ? BIND_SERVER_ANY
                          : strcmp(o->server, "nginx") == 0 ? BIND_SERVER_NGINX
                          : strcmp(o->server, "apache") == 0 ? BIND_SERVER_APACHE : BIND_SERVER_IIS;
    bool no_sni = o->given & OPT_BIT(OPT_NO_SNI);
    int rc = EXIT_OK;
    if (!target) rc = bind_cli_usage_error(o, "%s", "route needs a URL, e.g. http://shop.example/");
    else if (o->sni && no_sni) rc = bind_cli_usage_error(o, "%s", "--sni and --no-sni: the client sends one server name or none");
    else if (o->nfiles == 0) rc = bind_cli_usage_error(o, "%s", "no input files (`-` reads standard input)");
    else rc = bind_cli_one_stdin(o, NULL);
    if (rc != EXIT_OK) return rc;

    /* The URL and --local-ip are read before any file: usage errors first. */
    bind_compilation *c = NULL;
    bind_arena *ua = bind_arena_new();
    url u;
    bind_addr local;
    memset(&local, 0, sizeof local);
    if (!parse_url(ua, target, &u)) {
        rc = bind_cli_usage_error(o, "`%s` is not an http:// or https:// URL with a host and an optional port", target);
        goto done;
    }
    if (local_ip && (!bind_addr_parse(ua, local_ip, strlen(local_ip), &local, NULL) || bind_addr_is_any_tier(&local))) {
        rc = bind_cli_usage_error(o, "--local-ip `%s` is not one IPv4 or IPv6 address", local_ip);
        goto done;
    }
    o->nginx_plan = kind == BIND_SERVER_NGINX;
    o->defer_diagnostics = true;
    rc = bind_cli_load_and_check(o, &c);
    if (rc != EXIT_OK) {
        if (c) {                  /* errors: every one, and with --verbose the rest */
            said_filter f = { NULL, true, o->werror };
            bind_report *rep = bind_report_new(o, &c->sources);
            bind_report_bag(rep, &c->diags, o->verbose ? NULL : about_answer, &f);
            bind_report_finish(rep);
            bind_report_free(rep);
        }
        goto done;
    }

    /* The client hello: what a browser sends, none, or the name given ('' is none). */
    bind_route_request rq = { u.protocol, local, u.port, u.host };
    bind_route_hello hello = { BIND_SNI_BROWSER, NULL };
    if (no_sni || (o->sni && !*o->sni)) hello.mode = BIND_SNI_NONE;
    else if (o->sni) { hello.mode = BIND_SNI_NAME; hello.sni = o->sni; }
    if (!local_ip) rq.local = u.literal ? u.addr : bind_route_unnamed_addr(c->model, 4);

    bind_route_box *box = bind_route_box_new(c->model, kind, kind == BIND_SERVER_NGINX ? bind_compilation_nginx_plan(c) : NULL,
                                             c->state);
    bind_route_box_answer ans;
    bind_route_box_resolve(box, &rq, &hello, u.path, &c->sources, c->arena, &ans);
    bind_route_box_free(box);
    const bind_route_result *r = &ans.r;
    /* The diagnostics first, then the answer: through one pipe they come
     * in that order (the report flushes). */
    said_filter f = { r->binding, false, o->werror };
    bind_report *rep = bind_report_new(o, &c->sources);
    bind_report_bag(rep, &c->diags, o->verbose ? NULL : about_answer, &f);
    bind_report_finish(rep);
    bind_report_free(rep);
    if (r->binding) print_answer(c, r->binding, ans.reason);
    else printf("no site: %s\n", ans.reason);
    if (ans.tls) {
        fputs("tls:     ", stdout);
        print_text(ans.tls);
        putchar('\n');
    }
    if (ans.machine) {
        printf("rule:    %s", ans.rule);
        print_place(c, ans.rule_at);
        putchar('\n');
        for (uint32_t i = 0; i < ans.nnotes; i++) {
            fputs("note:    ", stdout);
            print_text(ans.notes[i]);
            putchar('\n');
        }
    } else if (!r->binding && kind != BIND_SERVER_ANY) {
        /* The other servers' sites are out of this answer: say so. */
        uint32_t others = 0;
        for (uint32_t i = 0; i < c->model->nsites; i++) {
            uint8_t s = c->model->sites[i]->server;
            others += s != BIND_SERVER_ANY && s != kind;
        }
        if (others)
            printf("note:    %u site%s for another server %s not considered; see --server\n", others, others == 1 ? "" : "s",
                   others == 1 ? "is" : "are");
    }
    if (!r->binding) rc = EXIT_NO_ROUTE;
    if (fflush(stdout) != 0) rc = EXIT_USAGE;
done:
    bind_compilation_free(c);
    bind_arena_free(ua);
    return rc;
}
