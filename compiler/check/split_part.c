/* Sites declared on the second thread of a split parse (parse.h,
 * bind_part_sink), then merged into the compilation's checker in order.
 *
 * A site depends on no statement before it: the certificate a binding
 * names is looked up when it is declared only when already declared, and
 * otherwise at the end (check/bindings.c), which finds the same one; a site
 * without a pool gets the default pool at the end whether `defaults` came
 * before it or after (check/checker.c).  So the part declares its sites with a
 * checker of its own — its own interner, diagnostics, arena and an empty
 * model — and what is merged is the same as declaring them in order: the
 * names it interned are interned into the compilation's interner (they are
 * compared by pointer; all at once, at the first merge, with the hashes the
 * part worked out), the rest is kept
 * where the part made it (its arena becomes the compilation's, parser.y).
 * Declaring in the part means the file's second half is never held as
 * syntax trees, and the first thread only merges what the second made. */
#include "checker.h"

#include <string.h>

typedef struct bind_check_part {
    bind_checker k;
    size_t sites_merged, bindings_merged;
    /* What the merge interns: where each name is, with its hash and
     * length, worked out here while the name is in this thread's cache
     * (on the merging thread each would be a cache miss before the
     * interner's). */
    BIND_VEC(bind_intern_item) names;
} bind_check_part;

bind_check_part *bind_check_part_open(bind_arena *arena, bind_interner *in, bind_diag_bag *diags)
{
    bind_check_part *pt = bind_arena_alloc(arena, sizeof *pt);
    bind_checker *k = &pt->k;
    /* No compilation (k->c) and an empty model: declaring a site reads
     * neither, and a check that someday does must run after the merge, not
     * here (only files over 1 MiB are split: the split tests in test_check
     * and fuzz_split are the ones that would show it). */
    bind_checker_init(k, NULL, arena, in, diags);   /* no certificates: every cert= waits for the end */
    return pt;
}

static void note_name(bind_check_part *pt, const char **where)
{
    size_t n = strlen(*where);
    bind_intern_item it = { where, bind_intern_hash(*where, n), (uint32_t)n };
    bind_vec_push(&pt->names, it);
}

bool bind_check_part_declare(bind_check_part *pt, const bind_stmt *st)
{
    if (st->kind != BIND_STMT_SITE) return false;
    size_t from = pt->k.bindings.len;
    bind_check_declare(&pt->k, st, false);          /* a split file is never the stdlib's */
    /* The names the model compares by pointer: the site's, its hosts, and
     * the cert= values waiting for the end (the part's own copies,
     * tls_declared). */
    note_name(pt, &pt->k.sites.items[pt->k.sites.len - 1]->name);
    for (size_t i = from; i < pt->k.bindings.len; i++) {
        note_name(pt, &pt->k.bindings.items[i]->host);
        const bind_scalar *cert = pt->k.binding_syntax.items[i].cert;
        if (cert) note_name(pt, &((bind_scalar *)cert)->text);
    }
    return true;
}

void bind_check_part_merge(bind_checker *k, bind_check_part *pt)
{
    if (pt->sites_merged == 0)
        bind_intern_all(k->in, pt->names.items, pt->names.len);
    bind_site *s = pt->k.sites.items[pt->sites_merged++];
    for (uint32_t i = 0; i < s->nbindings; i++) {
        size_t at = pt->bindings_merged++;
        bind_vec_push(&k->bindings, pt->k.bindings.items[at]);
        bind_vec_push(&k->binding_syntax, pt->k.binding_syntax.items[at]);
    }
    bind_vec_push(&k->sites, s);
}

void bind_check_part_close(bind_check_part *pt)
{
    bind_checker_free(&pt->k);
    bind_vec_free(&pt->names);
}
