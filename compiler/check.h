/* The checker's shared context (private to check_*.c).
 *
 * Checking runs in three passes over the loaded files:
 *   check_decl.c      declarations -> model objects, field and value checks
 *   check_binding.c   each binding on its own: options, certificate, platform rules
 *   check_conflict.c  bindings against each other: duplicates, sockets, TLS sharing
 * Every pass reads the model and pushes diagnostics; none prints. */
#ifndef BIND_CHECK_H
#define BIND_CHECK_H

#include "compile.h"
#include "table.h"

typedef struct bind_checker {
    bind_compilation *c;
    bind_model *m;
    bind_diag_bag *diags;
    bind_arena *arena;
    bind_interner *in;
    BIND_VEC(bind_site *) sites;
    BIND_VEC(bind_cert *) certs;
    BIND_VEC(bind_platform *) platforms;
    BIND_VEC(bind_iplisten) iplisten;
    bind_table iplisten_seen;       /* addresses already in iplisten (a list may be 10,000 long) */
    BIND_VEC(bind_binding *) bindings;
    /* The AST binding each model binding came from (same index as bindings). */
    BIND_VEC(const bind_ast_binding *) binding_ast;
    const bind_scalar *platform_choice;   /* first `platform NAME` selection */
    bind_table cert_by_name, platform_by_name;
} bind_checker;

/* Helpers shared by the passes (check_decl.c). */
bind_span bind_check_subspan(const bind_scalar *s, uint32_t off, uint32_t len);
void bind_check_word_errors(bind_checker *k, const bind_scalar *s, uint32_t base, const bind_word_errors *errs);
void bind_check_did_you_mean(bind_checker *k, bind_diag *d, bind_span span, const char *word,
                             const char *const *candidates, size_t n);
uint64_t bind_check_name_hash(const char *interned);
const char *bind_check_thumbprint(bind_checker *k, const bind_scalar *s);
bool bind_check_cert_covers(const bind_cert *c, const char *host);

void bind_check_declarations(bind_checker *k);   /* check_decl.c */
void bind_check_bindings(bind_checker *k);       /* check_binding.c */
void bind_check_conflicts(bind_checker *k);      /* check_conflict.c */
void bind_check_routes(bind_checker *k);         /* check_route.c: W0405, W0407 */

#endif
