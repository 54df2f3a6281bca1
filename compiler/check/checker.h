/* The checker's shared context (private to check_*.c and the loader).
 *
 * Checking runs in three passes over the loaded files:
 *   check/declarations.c      declarations -> model objects, field and value checks,
 *                     and each binding on its own (check/bindings.c)
 *   check/bindings.c   then what needs every declaration: the platform, certificates
 *   check/conflicts.c  bindings against each other: duplicates, sockets, TLS sharing
 * Declarations come statement by statement, from the trees or, streaming,
 * from the parser (load.c); nothing after them reads a tree.  Every pass
 * reads the model and pushes diagnostics; none prints. */
#ifndef BIND_CHECK_H
#define BIND_CHECK_H

#include "compile.h"
#include "base/table.h"
#include <stddef.h>

/* What the checks after the declarations need of a binding's syntax, which
 * may be gone by then: where their diagnostics point. */
typedef struct bind_binding_syntax {
    bind_span port, host;           /* parts of the information (the whole of it without a host) */
    bind_span sni, ccs;             /* the options, when given */
    const bind_span *off;           /* the sslFlags options, BIND_OPTION_HTTP2..BIND_OPTION_OCSP (model/vocab.h), when one is given */
    const bind_scalar *cert;        /* the cert= value, when it named no certificate declared so far */
    bool parsed;                    /* protocol and information were read (the checks after need both) */
    bool cert_written;              /* a cert option was written, even one refused */
} bind_binding_syntax;

typedef struct bind_checker {
    bind_compilation *c;
    bind_model *m;
    bind_diag_bag *diags;
    bind_arena *arena;
    bind_arena *scratch;            /* what one binding's reading needs for a moment (check/bindings.c) */
    bind_interner *in;
    BIND_VEC(bind_site *) sites;
    BIND_VEC(bind_cert *) certs;
    BIND_VEC(bind_platform *) platforms;
    BIND_VEC(bind_iplisten) iplisten;
    bind_table iplisten_seen;       /* addresses already in iplisten (a list may be 10,000 long) */
    BIND_VEC(bind_binding *) bindings;
    BIND_VEC(bind_binding_syntax) binding_syntax;   /* same index as bindings */
    bind_scalar platform_choice;    /* first `platform NAME` selection (text NULL: none) */
    bind_table cert_by_name, platform_by_name;
    bind_table state_urls;          /* --state's reservations by URL (state_checks.c), once made */
    uint32_t *state_url_next;       /* the next with the same URL, index + 1 */
    bool state_urls_made;
} bind_checker;

/* The loader's side (load.c): a compilation's checker, and each statement
 * as it is loaded (streaming) — a `use` is the loader's own. */
bind_checker *bind_checker_new(bind_compilation *c);
/* A checker zeroed by the caller, declaring into arena `a` with its own
 * interner and diagnostics (check/split_part.c's has no compilation). */
void bind_checker_init(bind_checker *k, bind_compilation *c, bind_arena *a, bind_interner *in, bind_diag_bag *diags);
void bind_checker_free(bind_checker *k);
/* With --state: whether the machine holds what W0401 (a reservation of the
 * binding's URL for its grantee) and W0402 (its socket's SSL record, as
 * netsh.cmd sets it) say the binding needs (state_checks.c). */
bool bind_state_holds_urlacl(bind_checker *k, const bind_binding *b);
bool bind_state_holds_sslcert(bind_checker *k, const bind_binding *b);
void bind_check_declare(bind_checker *k, const bind_stmt *st, bool is_stdlib);
/* Sites declared by the second part of a split parse (check/split_part.c). */
typedef struct bind_check_part bind_check_part;
bind_check_part *bind_check_part_open(bind_arena *arena, bind_interner *in, bind_diag_bag *diags);
bool bind_check_part_declare(bind_check_part *pt, const bind_stmt *st);
void bind_check_part_merge(bind_checker *k, bind_check_part *pt);
void bind_check_part_close(bind_check_part *pt);

/* Helpers shared by the passes (helpers.c). */
bind_span bind_check_subspan(const bind_scalar *s, uint32_t off, uint32_t len);
void bind_check_word_errors(bind_checker *k, const bind_scalar *s, uint32_t base, const bind_word_errors *errs);
void bind_check_did_you_mean(bind_checker *k, bind_diag *d, bind_span span, const char *word,
                             const char *const *candidates, size_t n);
uint64_t bind_check_name_hash(const char *interned);
/* A site name's hash, without case (IIS's names compare so): E0202's key. */
uint64_t bind_check_site_name_hash(const char *name);

/* The binding at i of a walk over all of them, asking the memory for the
 * one BIND_CHECK_AHEAD further on.  The bindings lie in the arena between
 * their sites, names and hosts, a stride the hardware does not prefetch, and
 * every conflict check walks all of them: without the hint each step of a
 * walk over a fleet waits for its binding's first load. */
#define BIND_CHECK_AHEAD 8
static inline bind_binding *bind_check_binding_at(const bind_checker *k, size_t i)
{
    if (i + BIND_CHECK_AHEAD < k->bindings.len) {
        /* The fields the checks read, the first 44 bytes (model.h), can
         * straddle two lines: a binding is 16-aligned. */
        const char *ahead = (const char *)k->bindings.items[i + BIND_CHECK_AHEAD];
        bind_prefetch(ahead);
        bind_prefetch(ahead + offsetof(bind_binding, info_span) - 1);
    }
    return k->bindings.items[i];
}

/* ASCII case folding, without the locale (`I` is `i` everywhere). */
char bind_check_ascii_lower(char ch);
bool bind_check_ascii_ieq(const char *a, const char *b);
/* A thumbprint's 40 upper-case hex digits (interned), or NULL after E0302. */
const char *bind_check_thumbprint(bind_checker *k, const bind_scalar *s);
/* Whether a binding's host has a www. twin that I0401 asks about. */
bool bind_check_has_twin(const char *host, bool wildcard);
/* The twin a hint is about: www.x for a two-label x, x for www.x when x
 * is a domain; NULL for any other host.  buf holds 256 bytes. */
const char *bind_check_www_twin(const char *host, char *buf, size_t *len);

/* Declares the trees' statements (unless streamed), then resolves the platform and site ids. */
void bind_check_declarations(bind_checker *k);   /* declarations.c */
/* One binding on its own, at its declaration (syn is its entry in binding_syntax). */
void bind_check_binding_declared(bind_checker *k, bind_binding *b, const bind_ast_binding *ab, bind_binding_syntax *syn);
void bind_check_bindings(bind_checker *k);       /* bindings.c: after the declarations */
/* The conflict checks (conflicts.c: E0201-E0205, E0208, I0401,
 * W0302), one after another on the checking thread. */
void bind_check_conflicts(bind_checker *k);

/* The checks against the machine's state (state_checks.c: W0503-W0508),
 * on the finished model, when the compilation has a state and the .bind
 * files no error. */
void bind_check_state(bind_checker *k);
/* Whether the .bind files have an error: E0501, a --state file that holds
 * no capture, says nothing of them. */
bool bind_check_has_errors(const bind_checker *k);

/* The route checks (routes.c: W0405, W0407) run on a thread of their
 * own beside the conflict checks, on the finished model: they read the
 * model and the interner, and write only here. */
typedef struct bind_route_checker {
    bind_compilation *c;
    const bind_model *m;
    const bind_interner *in;        /* looked up, never added to */
    bind_arena *arena;              /* c->routes_arena */
    bind_diag_bag diags;            /* appended to the compilation's when it has no error */
} bind_route_checker;
void bind_check_routes(bind_route_checker *r);

#endif
