/* nginx configuration: a main file with its includes, or a file of server
 * blocks (what the nginx target writes, to include inside `http { }`).
 *
 * The text is read as nginx reads it: words separated by white space,
 * `;`, `{` and `}`; "…" and '…' strings with \-escapes; `#` starts a
 * comment where a word could start; `include` splices the files it names
 * (a pattern is expanded and sorted, as nginx does; a relative path is
 * relative to the folder of the main file, nginx's configuration prefix).
 * Braces must balance and every directive end in `;` or a block: a file
 * that breaks this is refused (E0602), as `nginx -t` refuses it.
 *
 * Every `server` of `http` (and of the top level, for a file of server
 * blocks) becomes a site with `server = nginx`:
 *   - each `listen` is a socket: `listen 80` and `*:80` are every IPv4
 *     address (0.0.0.0), `[::]:80` every IPv6 address (both with
 *     ipv6only=off), an address alone is port 80; `ssl` makes it https;
 *   - each name of `server_name` on each of the server's sockets is a
 *     binding: `x` exact, `*.x` a wildcard, `.x` both `x` and `*.x`;
 *     `x.*` (a trailing wildcard), `~regex` and a `$variable` cannot be
 *     said in the language (W0601), nor can `_` or "" (no name);
 *   - the socket's default server (`default_server`, else the first server
 *     listening there) also gets the catch-all binding `ADDR:PORT:`, except
 *     a server that only refuses (`return 4xx`, `ssl_reject_handshake on`,
 *     as the nginx target writes for requests HTTP.sys would refuse);
 *   - `root`, `location / { proxy_pass … }`, and for https
 *     `ssl_certificate`/`ssl_certificate_key` (a server's own, else
 *     http's) as a certificate with `pem` and `key`; `ssl_protocols`
 *     without TLSv1.3 is `tls13=off`, without TLSv1 and TLSv1.1
 *     `legacy_tls=off`.
 * A server's bindings for every IPv4 and every IPv6 address become one
 * binding on `*`; a binding of an exact host name on an exact address is
 * left out when the same site binds that name on the any-address of its
 * family (the nginx target repeats such servers so that nginx routes as
 * IIS; a wildcard is kept, as it outranks there every wildcard of the
 * any-addresses).
 * A server the nginx target wrote names its site in its first comment,
 * `# site "NAME"`: its servers are that site again. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "base/file_io.h"
#include "syntax/lex.h"
#include "base/table.h"
#include "detect.h"
#include "readers.h"

#define MAX_INCLUDE_DEPTH 16
#define MAX_FILES 1000

typedef struct word {
    const char *text;          /* unescaped */
    size_t len;
    bool var;                  /* holds a `$` nginx would read as a variable */
    bind_span at;
} word;

typedef struct directive directive;
struct directive {
    word *args;                /* args[0] is the name */
    uint32_t nargs;
    directive *body;           /* a block's directives, or NULL */
    uint32_t nbody;
    bool block;
    const char *site;          /* a block's first comment `site "NAME"`, unescaped */
    const char **comments;     /* the comment lines right above it, for the reader */
    uint32_t ncomments;
    bind_span at;
};

typedef struct reader {
    bind_imported *im;
    const char *prefix;        /* the folder of the main file */
    bool failed;
} reader;

typedef BIND_VEC(directive) directives;

/* ---- the text into directives ---------------------------------------------- */

typedef struct lexer {
    reader *rd;
    bind_source *src;
    const char *t;
    size_t p, n;
    BIND_VEC(const char *) said;   /* comment lines since the last token */
} lexer;

enum { T_EOF, T_WORD, T_SEMI, T_OPEN, T_CLOSE, T_ERROR };

static void lex_fail(lexer *lx, size_t at, size_t end, const char *msg, const char *note)
{
    if (lx->rd->failed) return;
    lx->rd->failed = true;
    bind_diag *d = bind_imp_diag(lx->rd->im, BIND_E0602, bind_imp_span(lx->src, at, end), "%s", msg);
    if (note) bind_imp_note(lx->rd->im, d, "%s", note);
}

static bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The next token; comments are collected into *comment (the first one
 * after the last `{`, for `# site "NAME"`). */
static int next(lexer *lx, word *w, const char **comment)
{
    const char *t = lx->t;
    for (;;) {
        while (lx->p < lx->n && space(t[lx->p])) lx->p++;
        if (lx->p >= lx->n) return T_EOF;
        if (t[lx->p] != '#') break;
        size_t b = lx->p;
        while (lx->p < lx->n && t[lx->p] != '\n') lx->p++;
        if (lx->said.len < 64 && !bind_imp_comment_secret(t + b + 1, lx->p - b - 1)) {
            const char *line = bind_imp_comment_text(lx->rd->im->arena, t + b + 1, lx->p - b - 1);
            if (line) bind_vec_push(&lx->said, line);
        }
        if (comment && !*comment) {
            size_t e = lx->p;
            while (e > b && (t[e - 1] == '\r' || t[e - 1] == ' ')) e--;
            *comment = bind_arena_strndup(lx->rd->im->arena, t + b, e - b);
        }
    }
    size_t b = lx->p;
    char c = t[lx->p];
    if (c == ';') { lx->p++; w->at = bind_imp_span(lx->src, b, b + 1); return T_SEMI; }
    if (c == '{') { lx->p++; w->at = bind_imp_span(lx->src, b, b + 1); return T_OPEN; }
    if (c == '}') { lx->p++; w->at = bind_imp_span(lx->src, b, b + 1); return T_CLOSE; }
    char *out = bind_arena_alloc(lx->rd->im->arena, 64), *o = out;
    size_t cap = 64;
    bool var = false;
    char quote = c == '"' || c == '\'' ? c : 0;
    if (quote) lx->p++;
    while (lx->p < lx->n) {
        char ch = t[lx->p];
        if (quote ? ch == quote : (space(ch) || ch == ';' || ch == '{' || ch == '}')) break;
        if (ch == '\\' && lx->p + 1 < lx->n) {
            /* As ngx_conf_read_token: \" \' \\ lose the backslash, \t \r \n
             * are the characters, any other keeps it. */
            char nx = t[lx->p + 1];
            if (nx == '"' || nx == '\'' || nx == '\\') { ch = nx; lx->p++; }
            else if (nx == 't' || nx == 'r' || nx == 'n') { ch = nx == 't' ? '\t' : nx == 'r' ? '\r' : '\n'; lx->p++; }
        } else if (ch == '$') {
            var = true;
        }
        if ((size_t)(o - out) + 2 >= cap) {
            char *g = bind_arena_alloc(lx->rd->im->arena, cap * 2);
            memcpy(g, out, (size_t)(o - out));
            o = g + (o - out);
            out = g;
            cap *= 2;
        }
        *o++ = ch;
        lx->p++;
    }
    if (quote) {
        if (lx->p >= lx->n) {
            lex_fail(lx, b, b + 1, "this string is never closed", "nginx reads the rest of the file into it; is the file cut short?");
            return T_ERROR;
        }
        lx->p++;
    }
    *o = '\0';
    w->text = out;
    w->len = (size_t)(o - out);
    w->var = var;
    w->at = bind_imp_span(lx->src, b, lx->p);
    return T_WORD;
}

static void parse_file(reader *rd, bind_source *src, directives *out, int depth);

/* Directives up to the `}` of a block (depth > 0) or the end of the file. */
static void parse_block(reader *rd, lexer *lx, directives *out, bool in_block, size_t open_at, int depth)
{
    for (;;) {
        word w;
        const char *comment = NULL;
        lx->said.len = 0;
        int k = next(lx, &w, NULL);
        if (k == T_ERROR || rd->failed) return;
        if (k == T_EOF) {
            if (in_block)
                lex_fail(lx, open_at, open_at + 1, "this `{` is never closed",
                         "nginx -t says \"unexpected end of file, expecting }\"; is the file cut short?");
            return;
        }
        if (k == T_CLOSE) {
            if (!in_block) lex_fail(lx, w.at.start, w.at.end, "this `}` closes no block", "nginx -t says \"unexpected }\"");
            return;
        }
        if (k != T_WORD) {
            lex_fail(lx, w.at.start, w.at.end, k == T_SEMI ? "a `;` without a directive" : "a `{` without a directive", NULL);
            return;
        }
        BIND_VEC(word) args = { 0 };
        bind_vec_push(&args, w);
        directive d;
        memset(&d, 0, sizeof d);
        d.at = w.at;
        /* A file the nginx target wrote opens with its own notes: not the
         * reader's. */
        static const char written[] = "nginx server blocks written by bindc";
        if (lx->said.len && strncmp(lx->said.items[0], written, sizeof written - 1) != 0) {
            d.comments = bind_arena_alloc(rd->im->arena, lx->said.len * sizeof *d.comments);
            memcpy(d.comments, lx->said.items, lx->said.len * sizeof *d.comments);
            d.ncomments = (uint32_t)lx->said.len;
        }
        for (;;) {
            word a;
            k = next(lx, &a, NULL);
            if (k == T_WORD) { bind_vec_push(&args, a); continue; }
            if (k == T_SEMI) break;
            if (k == T_OPEN) {
                d.block = true;
                directives body = { 0 };
                /* The block's first comment, for `# site "NAME"`. */
                size_t save = lx->p;
                word peek;
                int pk = next(lx, &peek, &comment);
                (void)pk;
                lx->p = save;
                if (comment) {
                    const char *c = comment + 1;
                    while (*c == ' ') c++;
                    size_t cl = strlen(c);
                    if (cl > 7 && memcmp(c, "site \"", 6) == 0 && c[cl - 1] == '"')
                        d.site = bind_arena_strndup(rd->im->arena, c + 6, cl - 7);
                }
                parse_block(rd, lx, &body, true, a.at.start, depth);
                d.body = bind_arena_alloc(rd->im->arena, (body.len + 1) * sizeof *d.body);
                if (body.len) memcpy(d.body, body.items, body.len * sizeof *d.body);
                d.nbody = (uint32_t)body.len;
                bind_vec_free(&body);
                break;
            }
            if (k == T_CLOSE || k == T_EOF) {
                lex_fail(lx, args.items[args.len - 1].at.start, args.items[args.len - 1].at.end,
                         bind_arena_printf(rd->im->arena, "directive `%.*s` does not end in `;`", (int)(w.len > 64 ? 64 : w.len), w.text),
                         k == T_EOF ? "the file ends in the middle of it: is it cut short?" : "nginx -t says \"unexpected }\"");
            }
            bind_vec_free(&args);
            return;
        }
        if (rd->failed) { bind_vec_free(&args); return; }
        d.args = bind_arena_alloc(rd->im->arena, args.len * sizeof *d.args);
        memcpy(d.args, args.items, args.len * sizeof *d.args);
        d.nargs = (uint32_t)args.len;
        bind_vec_free(&args);
        if (!d.block && d.nargs == 2 && strcmp(d.args[0].text, "include") == 0) {
            word *pat = &d.args[1];
            if (depth >= MAX_INCLUDE_DEPTH) {
                bind_imp_diag(rd->im, BIND_W0604, pat->at, "include `%s` not read: includes nest more than %d deep", pat->text, MAX_INCLUDE_DEPTH);
                continue;
            }
            if (!rd->im->follow_files) {
                bind_imp_diag(rd->im, BIND_W0604, pat->at, "include `%s` not read: following files is off here", pat->text);
                continue;
            }
            const char *path = pat->text[0] == '/' || !rd->prefix ? pat->text : bind_arena_printf(rd->im->arena, "%s/%s", rd->prefix, pat->text);
            bool pattern = strpbrk(pat->text, "*?[") != NULL;
            glob_t g;
            int gr = glob(path, 0, NULL, &g);
            if (gr != 0) {
                /* A pattern may match nothing (nginx says nothing either). */
                if (!pattern || gr != GLOB_NOMATCH)
                    bind_imp_diag(rd->im, BIND_W0604, pat->at, "include `%s` not read: %s is not there", pat->text, path);
                if (gr != GLOB_NOMATCH) globfree(&g);
                continue;
            }
            for (size_t i = 0; i < g.gl_pathc && !rd->failed; i++) {
                char *text = NULL;
                size_t len = 0;
                int e = rd->im->files_read++ >= MAX_FILES ? EMFILE : bind_read_file(g.gl_pathv[i], BIND_IMPORT_MAX_FILE, &text, &len);
                if (e) {
                    bind_imp_diag(rd->im, BIND_W0604, pat->at, "include `%s`: cannot read %s: %s", pat->text, g.gl_pathv[i], bind_io_strerror(e));
                    continue;
                }
                enum bind_import_kind kind;
                bind_source *inc = bind_import_source(rd->im, bind_arena_strdup(rd->im->arena, g.gl_pathv[i]), text, len, &kind);
                if (!inc) { rd->failed = true; break; }
                parse_file(rd, inc, out, depth + 1);
            }
            globfree(&g);
            continue;
        }
        bind_vec_push(out, d);
    }
}

static void parse_file(reader *rd, bind_source *src, directives *out, int depth)
{
    lexer lx = { rd, src, src->text, 0, src->len, { 0 } };
    if (lx.n >= 3 && memcmp(lx.t, "\xEF\xBB\xBF", 3) == 0) lx.p = 3;
    parse_block(rd, &lx, out, false, 0, depth);
    bind_vec_free(&lx.said);
}

/* ---- directives into sites ------------------------------------------------------- */

typedef struct listen {
    bind_addr addr;
    uint16_t port;
    bool ssl, is_default;
    bind_span at;
    uint32_t socket;           /* its socket (build_sites) */
} listen;

typedef struct server {
    const directive *d;
    BIND_VEC(listen) listens;
    const directive *names[64];
    uint32_t nnames;
    const word *root, *proxy, *pem, *key;
    const directive *protocols;
    bool refuses, ssl_on;
    const char **hosts;        /* its names as the bindings' hosts */
    size_t nhosts;
    bind_imp_site *site;       /* what it became, or NULL */
} server;

typedef BIND_VEC(server) servers_vec;

typedef struct socket_ {
    bind_addr addr;
    uint16_t port;
    bool ssl;
    int32_t def;               /* its default server */
    bool explicit_default;
    bind_span at;              /* the first listen */
    uint32_t *servers;         /* the servers listening there, in order */
    size_t nservers, cap;
} socket_;
typedef BIND_VEC(socket_) socks_vec;

static bool name_is(const directive *d, const char *s) { return d->nargs && strcmp(d->args[0].text, s) == 0; }

static bool read_listen(reader *rd, const directive *d, listen *l)
{
    bind_imported *im = rd->im;
    memset(l, 0, sizeof *l);
    if (d->nargs < 2) return false;
    const word *a = &d->args[1];
    l->at = a->at;
    const char *s = a->text;
    size_t n = a->len;
    if (n > 5 && memcmp(s, "unix:", 5) == 0) {
        bind_imp_diag(im, BIND_W0601, a->at, "listen `%s` left out: a UNIX socket is no address and port", s);
        return false;
    }
    bool v6only = true;
    for (uint32_t i = 2; i < d->nargs; i++) {
        const char *o = d->args[i].text;
        if (strcmp(o, "ssl") == 0) l->ssl = true;
        else if (strcmp(o, "default_server") == 0 || strcmp(o, "default") == 0) l->is_default = true;
        else if (strcmp(o, "ipv6only=off") == 0) v6only = false;
        else if (strcmp(o, "quic") == 0) {
            bind_imp_diag(im, BIND_W0601, d->args[i].at, "listen `%s quic` left out: the language has no HTTP/3 over UDP", s);
            return false;
        }
    }
    /* PORT, ADDR, ADDR:PORT, *:PORT, [V6]:PORT, [V6]. */
    const char *colon = NULL;
    if (s[0] == '[') {
        const char *rb = memchr(s, ']', n);
        if (rb && rb + 1 < s + n && rb[1] == ':') colon = rb + 1;
    } else {
        colon = memchr(s, ':', n);
    }
    bool digits = strspn(s, "0123456789") == n;
    const char *addr = digits ? NULL : s;
    size_t an = colon ? (size_t)(colon - s) : digits ? 0 : n;
    const char *port = digits ? s : colon ? colon + 1 : NULL;
    size_t pn = port ? (size_t)(s + n - port) : 0;
    l->port = 80;
    if (port && !bind_port_parse(port, pn, &l->port)) {
        bind_imp_diag(im, BIND_W0601, a->at, "listen `%s` left out: its port does not read", s);
        return false;
    }
    bind_word_errors errs;
    memset(&errs, 0, sizeof errs);
    if (!addr || (an == 1 && addr[0] == '*')) l->addr.kind = BIND_ADDR_ANY4;
    else if (!bind_addr_parse(im->arena, addr, an, &l->addr, &errs) || (addr[0] != '[' && memchr(addr, ':', an))) {
        bind_imp_diag(im, BIND_W0601, a->at, "listen `%s` left out: `%.*s` is no IP address (nginx would look the name up)", s,
                      (int)an, addr);
        return false;
    }
    if (l->addr.kind == BIND_ADDR_ANY6 && !v6only) l->addr.kind = BIND_ADDR_ANY;
    return true;
}

/* A certificate for the files, declared on first use, named after the
 * certificate file (`/etc/ssl/shop.pem` is `shop`). */
static const char *cert_for(bind_imported *im, const word *pem, const word *key)
{
    for (size_t i = 0; i < im->certs.len; i++)
        if (im->certs.items[i].pem && strcmp(im->certs.items[i].pem, pem->text) == 0 && strcmp(im->certs.items[i].key, key->text) == 0)
            return im->certs.items[i].name;
    const char *base = strrchr(pem->text, '/');
    base = base ? base + 1 : pem->text;
    size_t bn = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot > base) bn = (size_t)(dot - base);
    /* Let's Encrypt's fullchain.pem and the like: named after their folder. */
    static const char *const generic[] = { "fullchain", "cert", "chain", "certificate", "server", "privkey", "tls", "ssl" };
    for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++) {
        if (bn != strlen(generic[i]) || memcmp(base, generic[i], bn) != 0 || base == pem->text) continue;
        const char *end = base - 1, *start = end;
        while (start > pem->text && start[-1] != '/') start--;
        if (end > start) { base = start; bn = (size_t)(end - start); }
        break;
    }
    char *name = bind_arena_alloc(im->arena, bn + 8);
    size_t k = 0;
    for (size_t i = 0; i < bn && k < 64; i++) {
        char c = base[i];
        name[k++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ? c : '-';
    }
    if (!k) { memcpy(name, "tls", 3); k = 3; }
    name[k] = '\0';
    /* A certificate's name is a word that is no keyword (`cert tls {`). */
    if (bind_lex_is_keyword(name, k)) { memcpy(name + k, "-tls", 5); k += 4; }
    /* Not all hex digits (it would read as a thumbprint), and unique. */
    const char *unique = name;
    for (unsigned n = 2;; n++) {
        bool taken = false;
        for (size_t i = 0; i < im->certs.len && !taken; i++) taken = strcmp(im->certs.items[i].name, unique) == 0;
        bool hex = strspn(unique, "0123456789abcdefABCDEF") == strlen(unique);
        if (!taken && !hex) break;
        unique = bind_arena_printf(im->arena, "%s-%u", name, n);
    }
    bind_imp_cert c;
    memset(&c, 0, sizeof c);
    c.name = unique;
    c.pem = pem->text;
    c.key = key->text;
    c.at = pem->at;
    bind_vec_push(&im->certs, c);
    return c.name;
}

/* A server's names as bindings' hosts: `x`, `*.x`; `.x` is both. */
static void names_of(reader *rd, const server *sv, const char ***hosts, size_t *nhosts)
{
    bind_imported *im = rd->im;
    BIND_VEC(const char *) out = { 0 };
    for (uint32_t i = 0; i < sv->nnames; i++) {
        const directive *d = sv->names[i];
        for (uint32_t k = 1; k < d->nargs; k++) {
            const word *w = &d->args[k];
            if (!w->len || strcmp(w->text, "_") == 0) continue;           /* no name */
            if (w->text[0] == '~') {
                bind_diag *g = bind_imp_diag(im, BIND_W0601, w->at, "server_name `%s` left out: a regular expression is no host name", w->text);
                bind_imp_note(im, g, "list the host names it stands for in the .bind");
                continue;
            }
            if (w->var) {
                bind_imp_diag(im, BIND_W0601, w->at, "server_name `%s` left out: it holds a $variable", w->text);
                continue;
            }
            if (w->len > 2 && w->text[w->len - 1] == '*' && w->text[w->len - 2] == '.') {
                bind_diag *g = bind_imp_diag(im, BIND_W0601, w->at, "server_name `%s` left out: the language has no trailing wildcards", w->text);
                bind_imp_note(im, g, "IIS matches a wildcard only as the left-most label (`*.example.com`)");
                continue;
            }
            bool both = w->text[0] == '.';
            const char *h = both ? w->text + 1 : w->text;
            size_t hn = strlen(h);
            bind_word_errors errs;
            memset(&errs, 0, sizeof errs);
            const char *lower;
            bool wild;
            if (!bind_host_parse(im->arena, h, hn, &lower, &wild, &errs) || (wild && both)) {
                bind_diag *g = bind_imp_diag(im, BIND_W0601, w->at, "server_name `%s` left out: it is no host name the language reads", w->text);
                for (size_t e = 0; e < errs.len; e++) bind_imp_note(im, g, "%s", errs.items[e].message);
                continue;
            }
            bind_vec_push(&out, lower);
            if (both) bind_vec_push(&out, bind_arena_printf(im->arena, "*.%s", lower));
        }
    }
    *hosts = bind_arena_alloc(im->arena, (out.len + 1) * sizeof **hosts);
    if (out.len) memcpy(*hosts, out.items, out.len * sizeof **hosts);
    *nhosts = out.len;
    bind_vec_free(&out);
}

static bool same_addr(const bind_addr *a, const bind_addr *b)
{
    return a->kind == b->kind && memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

/* A site's bindings tidied: IPv4-any and IPv6-any of one host become `*`;
 * a host on an exact address goes where the site binds it on its family's
 * any-address already. */
static void tidy(bind_imp_site *site)
{
    bind_imp_binding *b = site->bindings.items;
    size_t n = site->bindings.len;
    bool *gone = calloc(n ? n : 1, 1);
    if (!gone) bind_oom();
    for (size_t i = 0; i < n; i++) {
        if (gone[i] || b[i].parsed.addr.kind != BIND_ADDR_ANY4) continue;
        for (size_t k = 0; k < n; k++)
            if (!gone[k] && b[k].parsed.addr.kind == BIND_ADDR_ANY6 && b[k].protocol == b[i].protocol &&
                b[k].parsed.port == b[i].parsed.port && strcmp(b[k].parsed.host, b[i].parsed.host) == 0 &&
                strcmp(b[k].cert ? b[k].cert : "", b[i].cert ? b[i].cert : "") == 0 && b[k].ssl_flags == b[i].ssl_flags) {
                gone[k] = true;
                b[i].parsed.addr.kind = BIND_ADDR_ANY;
                break;
            }
    }
    /* Only exact names: a wildcard on an exact address outranks every
     * wildcard of the any-addresses (IIS's tiers), so it means more there. */
    for (size_t i = 0; i < n; i++) {
        if (gone[i] || !*b[i].parsed.host || b[i].parsed.host_wildcard) continue;
        uint8_t k = b[i].parsed.addr.kind;
        if (k != BIND_ADDR_V4 && k != BIND_ADDR_V6) continue;
        for (size_t j = 0; j < n; j++) {
            if (gone[j] || j == i || b[j].protocol != b[i].protocol || b[j].parsed.port != b[i].parsed.port ||
                strcmp(b[j].parsed.host, b[i].parsed.host) != 0)
                continue;
            uint8_t a = b[j].parsed.addr.kind;
            if (a == BIND_ADDR_ANY || (k == BIND_ADDR_V4 && a == BIND_ADDR_ANY4) || (k == BIND_ADDR_V6 && a == BIND_ADDR_ANY6)) {
                gone[i] = true;
                break;
            }
        }
    }
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (gone[i]) continue;
        b[i].info = NULL;
        b[w++] = b[i];
    }
    site->bindings.len = w;
    free(gone);
}

static void add_binding(reader *rd, bind_imp_site *site, const listen *l, bool ssl, const char *host, const char *cert,
                        uint8_t flags, bind_span at)
{
    bind_imp_binding b;
    memset(&b, 0, sizeof b);
    b.protocol = ssl ? BIND_PROTO_HTTPS : BIND_PROTO_HTTP;
    b.parsed.addr = l->addr;
    b.parsed.port = l->port;
    b.parsed.host = host;
    b.parsed.host_wildcard = host[0] == '*';
    b.at = at;
    b.cert = cert;
    if (ssl) b.ssl_flags = (uint8_t)(flags | (*host ? BIND_SSL_SNI : 0));
    /* Not twice (a server listening twice on one socket). */
    for (size_t i = 0; i < site->bindings.len; i++) {
        const bind_imp_binding *o = &site->bindings.items[i];
        if (o->protocol == b.protocol && o->parsed.port == b.parsed.port && same_addr(&o->parsed.addr, &b.parsed.addr) &&
            strcmp(o->parsed.host, host) == 0)
            return;
    }
    bind_arena_vec_push(rd->im->arena, &site->bindings, b);
}

static void read_server(reader *rd, const directive *d, server *sv, const directive *http)
{
    memset(sv, 0, sizeof *sv);
    sv->d = d;
    bool content = false;
    for (uint32_t i = 0; i < d->nbody; i++) {
        const directive *x = &d->body[i];
        if (name_is(x, "listen")) {
            listen l;
            if (read_listen(rd, x, &l)) bind_vec_push(&sv->listens, l);
        } else if (name_is(x, "server_name")) {
            if (sv->nnames < 64) sv->names[sv->nnames++] = x;
        } else if (name_is(x, "root") && x->nargs == 2) {
            sv->root = &x->args[1];
        } else if (name_is(x, "ssl_certificate") && x->nargs == 2) {
            if (sv->pem) bind_imp_diag(rd->im, BIND_W0601, x->args[1].at, "a second ssl_certificate left out: a certificate has one pem");
            else sv->pem = &x->args[1];
        } else if (name_is(x, "ssl_certificate_key") && x->nargs == 2) {
            if (!sv->key) sv->key = &x->args[1];
        } else if (name_is(x, "ssl_protocols") && x->nargs > 1) {
            sv->protocols = x;
        } else if (name_is(x, "ssl") && x->nargs == 2 && strcmp(x->args[1].text, "on") == 0) {
            sv->ssl_on = true;
        } else if (name_is(x, "location") && x->block) {
            content = true;
            if (x->nargs == 2 && strcmp(x->args[1].text, "/") == 0)
                for (uint32_t k = 0; k < x->nbody; k++)
                    if (name_is(&x->body[k], "proxy_pass") && x->body[k].nargs == 2) sv->proxy = &x->body[k].args[1];
        } else if (name_is(x, "return") && x->nargs >= 2) {
            long code = strtol(x->args[1].text, NULL, 10);
            if (code >= 400 && code <= 499 && !content) sv->refuses = true;
            else if (code >= 300 && code <= 399) {
                bind_imp_diag(rd->im, BIND_W0601, x->at, "`return %s%s%s` left out: the language says which site answers, not how",
                              x->args[1].text, x->nargs > 2 ? " " : "", x->nargs > 2 ? x->args[2].text : "");
            }
        } else if (name_is(x, "ssl_reject_handshake") && x->nargs == 2 && strcmp(x->args[1].text, "on") == 0) {
            sv->refuses = true;
        }
    }
    if (sv->refuses && (sv->root || sv->proxy || content)) sv->refuses = false;
    /* What http { } gives every server that says nothing. */
    for (uint32_t i = 0; http && i < http->nbody; i++) {
        const directive *x = &http->body[i];
        if (name_is(x, "ssl_certificate") && x->nargs == 2 && !sv->pem) sv->pem = &x->args[1];
        else if (name_is(x, "ssl_certificate_key") && x->nargs == 2 && !sv->key) sv->key = &x->args[1];
        else if (name_is(x, "root") && x->nargs == 2 && !sv->root) sv->root = &x->args[1];
        else if (name_is(x, "ssl_protocols") && x->nargs > 1 && !sv->protocols) sv->protocols = x;
    }
    if (sv->ssl_on) for (size_t i = 0; i < sv->listens.len; i++) sv->listens.items[i].ssl = true;
}

/* ssl_protocols as the language's switches. */
static uint8_t tls_switches(const directive *p)
{
    if (!p) return 0;
    bool v13 = false, legacy = false;
    for (uint32_t i = 1; i < p->nargs; i++) {
        if (strcmp(p->args[i].text, "TLSv1.3") == 0) v13 = true;
        if (strcmp(p->args[i].text, "TLSv1") == 0 || strcmp(p->args[i].text, "TLSv1.1") == 0) legacy = true;
    }
    return (uint8_t)((v13 ? 0 : BIND_SSL_NO_TLS13) | (legacy ? 0 : BIND_SSL_NO_LEGACY_TLS));
}

static void collect(reader *rd, const directive *list, uint32_t n, const directive *http, servers_vec *servers)
{
    for (uint32_t i = 0; i < n; i++) {
        const directive *d = &list[i];
        if (!d->block) continue;
        if (name_is(d, "http")) collect(rd, d->body, d->nbody, d, servers);
        else if (name_is(d, "server") && d->nargs == 1) {
            server sv;
            read_server(rd, d, &sv, http);
            bind_vec_push(servers, sv);
        }
    }
}

static bool str_eq(const void *a, const void *b) { return strcmp(a, b) == 0; }
static uint64_t str_hash(const char *s) { return bind_hash_bytes(s, strlen(s), BIND_HASH_SEED); }

/* A socket's key: its address and port. */
static const char *sock_key(bind_arena *a, const bind_addr *addr, uint16_t port)
{
    char buf[48];
    bind_addr_format(addr, buf, true);
    return bind_arena_printf(a, "%u %s:%u", addr->kind, buf, port);
}

/* Whether a wildcard `*.x` matches host h (any number of labels before x). */
static bool wild_matches(const char *wild, const char *h)
{
    size_t wn = strlen(wild + 1), hn = strlen(h);
    return hn > wn && strcmp(h + hn - wn, wild + 1) == 0;
}

/* What nginx answers on socket k for host h: the server with the exact
 * name, else the longest leading wildcard, else the default server; -1
 * for none (or a refusing one). */
static int32_t nginx_pick(const servers_vec *servers, const socket_ *k, const char *h)
{
    int32_t best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < k->nservers; i++) {
        const server *sv = &servers->items[k->servers[i]];
        for (size_t n = 0; n < sv->nhosts; n++) {
            const char *x = sv->hosts[n];
            if (x[0] != '*') { if (strcmp(x, h) == 0) return (int32_t)k->servers[i]; continue; }
            if (wild_matches(x, h) && strlen(x) > best_len) { best = (int32_t)k->servers[i]; best_len = strlen(x); }
        }
    }
    if (best >= 0) return best;
    return k->def >= 0 && !servers->items[k->def].refuses ? k->def : -1;
}

/* Where nginx and the language's rules (IIS's) part: nginx chooses the
 * socket first, so on an exact address's socket it never sees a name
 * bound only on the any-address of its port, which IIS ranks above the
 * exact address's catch-all and wildcards.  Each such name whose answer
 * differs is said once a socket (W0602).  The nginx target's own output
 * repeats names where they must be, so it is never warned of. */
static void routing_differences(reader *rd, servers_vec *servers, socks_vec *socks)
{
    bind_imported *im = rd->im;
    size_t work = 0, said = 0;
    for (size_t e = 0; e < socks->len; e++) {
        socket_ *k = &socks->items[e];
        uint8_t kind = k->addr.kind;
        if (kind != BIND_ADDR_V4 && kind != BIND_ADDR_V6) continue;
        bool on_k_said = false;
        for (size_t o = 0; o < socks->len && !on_k_said; o++) {
            socket_ *any = &socks->items[o];
            uint8_t ak = any->addr.kind;
            bool covers = ak == BIND_ADDR_ANY || (kind == BIND_ADDR_V4 && ak == BIND_ADDR_ANY4) || (kind == BIND_ADDR_V6 && ak == BIND_ADDR_ANY6);
            if (!covers || any->port != k->port || any->ssl != k->ssl) continue;
            for (size_t i = 0; i < any->nservers && !on_k_said; i++) {
                const server *sv = &servers->items[any->servers[i]];
                if (!sv->site) continue;
                for (size_t n = 0; n < sv->nhosts && !on_k_said; n++) {
                    if (++work > 4000000) {
                        if (!said) bind_imp_diag(im, BIND_W0602, k->at, "too many names to compare how nginx and the language's "
                                                 "rules route them: not all were");
                        return;
                    }
                    const char *h = sv->hosts[n];
                    const char *probe = h[0] == '*' ? bind_arena_printf(im->arena, "zz%s", h + 1) : h;
                    int32_t pick = nginx_pick(servers, k, probe);
                    /* The exact address's own name (for a wildcard, any of
                     * its wildcards that match) comes first for both. */
                    bool own = false;
                    for (size_t q = 0; q < k->nservers && !own; q++) {
                        const server *x = &servers->items[k->servers[q]];
                        for (size_t m = 0; m < x->nhosts && !own; m++)
                            own = x->hosts[m][0] == '*' ? h[0] == '*' && wild_matches(x->hosts[m], probe) : strcmp(x->hosts[m], probe) == 0;
                    }
                    if (own) continue;
                    const bind_imp_site *got = pick >= 0 ? servers->items[pick].site : NULL;
                    if (got == sv->site) continue;
                    char addr[48];
                    bind_addr_format(&k->addr, addr, true);
                    bind_diag *d = bind_imp_diag(im, BIND_W0602, k->at, "nginx answers `%s` on %s:%u with %s, the language's rules "
                                                 "with site `%s`", probe, addr, k->port,
                                                 got ? bind_arena_printf(im->arena, "site `%s`", got->name) : "no site", sv->site->name);
                    bind_imp_note(im, d, "nginx picks this socket before the name; IIS picks the name `%s` bound on every address "
                                         "before the catch-all and wildcards of an exact one", h);
                    bind_diag_note(&im->diags, d, &sv->d->at, "the server that names it");
                    on_k_said = true;
                    said++;
                }
            }
        }
    }
}

static void build_sites(reader *rd, directives *top)
{
    bind_imported *im = rd->im;
    servers_vec servers = { 0 };
    collect(rd, top->items, (uint32_t)top->len, NULL, &servers);

    /* The sockets, and the default server of each: the first that says
     * default_server, else the first that listens there. */
    socks_vec socks = { 0 };
    bind_table by_key;
    bind_table_init(&by_key, str_eq);
    bool all_bindc = true;
    for (size_t i = 0; i < servers.len; i++) {
        server *sv = &servers.items[i];
        all_bindc &= sv->d->site != NULL || sv->refuses;
        if (!sv->listens.len) {
            bind_diag *d = bind_imp_diag(im, BIND_W0601, sv->d->at, "server without `listen` left out");
            bind_imp_note(im, d, "nginx then listens on *:80 when run as root, *:8000 otherwise");
            continue;
        }
        for (size_t k = 0; k < sv->listens.len; k++) {
            listen *l = &sv->listens.items[k];
            const char *key = sock_key(im->arena, &l->addr, l->port);
            uintptr_t at = (uintptr_t)bind_table_get(&by_key, str_hash(key), key);
            if (!at) {
                socket_ ns = { l->addr, l->port, false, (int32_t)i, false, l->at, NULL, 0, 0 };
                bind_vec_push(&socks, ns);
                at = socks.len;
                bind_table_put(&by_key, str_hash(key), key, (void *)at);
            }
            socket_ *s = &socks.items[at - 1];
            l->socket = (uint32_t)(at - 1);
            if (!s->nservers || s->servers[s->nservers - 1] != i) {
                if (s->nservers == s->cap) {
                    s->cap = s->cap ? s->cap * 2 : 4;
                    s->servers = bind_xrealloc(s->servers, s->cap * sizeof *s->servers);
                }
                s->servers[s->nservers++] = (uint32_t)i;
            }
            if (l->is_default) {
                if (!s->explicit_default) { s->def = (int32_t)i; s->explicit_default = true; }
                else if (s->def != (int32_t)i) {
                    bind_imp_diag(im, BIND_E0602, l->at, "a second default server for this address and port");
                    rd->failed = true;
                }
            }
            s->ssl |= l->ssl;
        }
    }
    bind_table_fini(&by_key);

    /* Sites: one per server, or per `# site "NAME"`. */
    bind_table names, groups;
    bind_table_init(&names, str_eq);
    bind_table_init(&groups, str_eq);
    for (size_t i = 0; i < im->sites.len; i++) {
        const char *low = bind_imp_lower(im->arena, im->sites.items[i]->name, strlen(im->sites.items[i]->name));
        bind_table_put(&names, str_hash(low), low, im->sites.items[i]);
    }
    for (size_t i = 0; i < servers.len && !rd->failed; i++) {
        server *sv = &servers.items[i];
        if (!sv->listens.len) continue;
        if (sv->refuses) {
            for (uint32_t k = 0; k < sv->nnames; k++)
                for (uint32_t a = 1; a < sv->names[k]->nargs; a++) {
                    const word *w = &sv->names[k]->args[a];
                    if (!w->len || strcmp(w->text, "_") == 0) continue;
                    bind_diag *d = bind_imp_diag(im, BIND_W0601, w->at, "the refusal of `%s` left out: the language cannot refuse a "
                                                 "host name", w->text);
                    bind_imp_note(im, d, "requests for it go where the other bindings say: a catch-all, or no site");
                }
            continue;
        }
        names_of(rd, sv, &sv->hosts, &sv->nhosts);

        /* The certificate of its TLS sockets. */
        const char *cert = NULL;
        bool tls = false;
        for (size_t k = 0; k < sv->listens.len; k++) tls |= socks.items[sv->listens.items[k].socket].ssl;
        bool tls_ok = tls && sv->pem && sv->key && !sv->pem->var && !sv->key->var;
        if (tls && !tls_ok) {
            if (!sv->pem || !sv->key)
                bind_imp_diag(im, BIND_W0601, sv->d->at, "the https bindings of this server left out: it names no ssl_certificate%s",
                              sv->pem ? "_key" : "");
            else
                bind_imp_diag(im, BIND_W0601, sv->pem->var ? sv->pem->at : sv->key->at,
                              "the https bindings of this server left out: its certificate file is a $variable");
        }

        /* Whether anything of it can be said, before it becomes a site. */
        size_t count = 0;
        for (size_t k = 0; k < sv->listens.len; k++) {
            const socket_ *s = &socks.items[sv->listens.items[k].socket];
            if (s->ssl && !tls_ok) continue;
            count += sv->nhosts + (s->def == (int32_t)i);
        }
        bind_imp_site *site = NULL;
        if (sv->d->site) site = bind_table_get(&groups, str_hash(sv->d->site), sv->d->site);
        if (!count && !site) {
            bind_imp_diag(im, BIND_W0601, sv->d->at, "server left out: none of its names can be said, and it is no default server");
            continue;
        }
        if (tls_ok) cert = cert_for(im, sv->pem, sv->key);
        if (!site) {
            const char *name = sv->d->site;
            if (!name) {
                for (size_t h = 0; h < sv->nhosts && !name; h++) if (sv->hosts[h][0] != '*') name = sv->hosts[h];
                if (!name && sv->nhosts) name = sv->hosts[0];
                if (!name) {
                    uint32_t line, col;
                    bind_source_linecol(bind_sources_get(&im->sources, sv->d->at.file), sv->d->at.start, &line, &col);
                    name = bind_arena_printf(im->arena, "server-%u", line);
                }
            }
            const char *unique = name, *low = bind_imp_lower(im->arena, name, strlen(name));
            for (unsigned k = 2; bind_table_get(&names, str_hash(low), low); k++) {
                unique = bind_arena_printf(im->arena, "%s-%u", name, k);
                low = bind_imp_lower(im->arena, unique, strlen(unique));
            }
            site = bind_imp_site_add(im, unique, sv->d->at);
            site->server = BIND_SERVER_NGINX;
            site->comments = sv->d->comments;
            site->ncomments = sv->d->ncomments;
            site->group = sv->d->site;
            bind_table_put(&names, str_hash(low), low, site);
            if (site->group) bind_table_put(&groups, str_hash(site->group), site->group, site);
        }
        sv->site = site;
        if (sv->root && !site->root) {
            if (sv->root->var) bind_imp_diag(im, BIND_W0601, sv->root->at, "root `%s` left out: it holds a $variable", sv->root->text);
            else site->root = sv->root->text;
        }
        if (sv->proxy && !site->proxy) {
            const char *p = sv->proxy->text;
            if (sv->proxy->var) bind_imp_diag(im, BIND_W0601, sv->proxy->at, "proxy_pass `%s` left out: it holds a $variable", p);
            else if (strncmp(p, "http://", 7) != 0 && strncmp(p, "https://", 8) != 0)
                bind_imp_diag(im, BIND_W0601, sv->proxy->at, "proxy_pass `%s` left out: the language proxies to http:// and https:// URLs", p);
            else site->proxy = p;
        }
        uint8_t flags = tls_switches(sv->protocols);
        for (size_t k = 0; k < sv->listens.len; k++) {
            listen *l = &sv->listens.items[k];
            const socket_ *s = &socks.items[l->socket];
            if (s->ssl && !cert) continue;
            for (size_t h = 0; h < sv->nhosts; h++) add_binding(rd, site, l, s->ssl, sv->hosts[h], s->ssl ? cert : NULL, flags, l->at);
            if (s->def == (int32_t)i) add_binding(rd, site, l, s->ssl, "", s->ssl ? cert : NULL, flags, l->at);
        }
    }
    bind_table_fini(&names);
    bind_table_fini(&groups);
    if (!rd->failed && !all_bindc) routing_differences(rd, &servers, &socks);

    /* Canonical information, once each site is whole. */
    for (size_t s = 0; s < im->sites.len; s++) {
        bind_imp_site *site = im->sites.items[s];
        if (site->server != BIND_SERVER_NGINX) continue;
        tidy(site);
        for (size_t i = 0; i < site->bindings.len; i++) {
            bind_imp_binding *b = &site->bindings.items[i];
            if (!b->info) b->info = bind_imp_info_text(im->arena, b->protocol, &b->parsed);
        }
    }
    for (size_t i = 0; i < servers.len; i++) bind_vec_free(&servers.items[i].listens);
    for (size_t i = 0; i < socks.len; i++) free(socks.items[i].servers);
    bind_vec_free(&servers);
    bind_vec_free(&socks);
}

void bind_import_nginx(bind_imported *im, bind_source *src)
{
    reader rd = { im, NULL, false };
    const char *slash = strrchr(src->path, '/');
    rd.prefix = slash ? bind_arena_strndup(im->arena, src->path, (size_t)(slash - src->path)) : ".";
    directives top = { 0 };
    parse_file(&rd, src, &top, 0);
    if (!rd.failed) build_sites(&rd, &top);
    bind_vec_free(&top);
}
