/* Sites declared on the second thread of a split parse (parse.h,
 * bind_part_sink), then merged into the compilation's checker in order.
 *
 * A site depends on no statement before it: the certificate a binding
 * names is looked up when it is declared only when already declared, and
 * otherwise at the end (check_binding.c), which finds the same one; a site
 * without a pool gets the default pool at the end whether `defaults` came
 * before it or after (check.c).  So the part declares its sites with a
 * checker of its own — its own interner, diagnostics, arena and an empty
 * model — and what is merged is the same as declaring them in order: the
 * names it interned are interned again into the compilation's interner
 * (they are compared by pointer), the rest is kept where the part made it.
 * Declaring in the part means the file's second half is never held as
 * syntax trees, and the first thread only merges what the second made. */
#include "check.h"

#include <string.h>

typedef struct bind_check_part {
    bind_checker k;
    size_t sites_merged, bindings_merged;
} bind_check_part;

static bool ptr_eq(const void *a, const void *b) { return a == b; }

bind_check_part *bind_check_part_open(bind_arena *arena, bind_interner *in, bind_diag_bag *diags)
{
    bind_check_part *pt = bind_arena_alloc(arena, sizeof *pt);
    bind_checker *k = &pt->k;
    k->arena = arena;
    k->scratch = bind_arena_new();
    k->in = in;
    k->diags = diags;
    k->m = bind_arena_alloc(arena, sizeof *k->m);
    bind_table_init(&k->cert_by_name, ptr_eq);         /* empty: every cert= waits for the end */
    bind_table_init(&k->platform_by_name, ptr_eq);
    return pt;
}

bool bind_check_part_declare(bind_check_part *pt, const bind_stmt *st)
{
    if (st->kind != BIND_STMT_SITE) return false;
    bind_check_declare(&pt->k, st, false);          /* a split file is never the stdlib's */
    return true;
}

static const char *reintern(bind_interner *in, const char *s) { return bind_intern(in, s, strlen(s)); }

void bind_check_part_merge(bind_checker *k, bind_check_part *pt)
{
    bind_site *s = pt->k.sites.items[pt->sites_merged++];
    s->name = reintern(k->in, s->name);
    for (uint32_t i = 0; i < s->nbindings; i++) {
        size_t at = pt->bindings_merged++;
        bind_binding *b = pt->k.bindings.items[at];
        bind_binding_syntax syn = pt->k.binding_syntax.items[at];
        b->host = reintern(k->in, b->host);
        /* The part's own copy of the cert= value (tls_declared). */
        if (syn.cert) ((bind_scalar *)syn.cert)->text = reintern(k->in, syn.cert->text);
        bind_vec_push(&k->bindings, b);
        bind_vec_push(&k->binding_syntax, syn);
    }
    bind_vec_push(&k->sites, s);
}

void bind_check_part_close(bind_check_part *pt)
{
    bind_checker *k = &pt->k;
    bind_arena_free(k->scratch);
    bind_vec_free(&k->sites);
    bind_vec_free(&k->bindings);
    bind_vec_free(&k->binding_syntax);
    bind_table_fini(&k->cert_by_name);
    bind_table_fini(&k->platform_by_name);
}
