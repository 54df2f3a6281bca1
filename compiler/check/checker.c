/* bind_compilation_check: the three checking passes, then the model. */
#include "checker.h"
#include "base/task.h"

#include <string.h>

/* The model's arrays: copies of the checker's vectors, in the arena. */
#define FREEZE(dst, n, vec) do { \
        (n) = (uint32_t)(vec).len; \
        (dst) = bind_arena_alloc(k->arena, ((vec).len ? (vec).len : 1) * sizeof *(vec).items); \
        if ((vec).len) memcpy((dst), (vec).items, (vec).len * sizeof *(vec).items); \
    } while (0)

static bool ptr_eq(const void *a, const void *b) { return a == b; }

void bind_checker_init(bind_checker *k, bind_compilation *c, bind_arena *a, bind_interner *in, bind_diag_bag *diags)
{
    k->c = c;
    k->arena = a;
    k->scratch = bind_arena_new();
    k->in = in;
    k->diags = diags;
    k->m = bind_arena_alloc(a, sizeof *k->m);
    bind_table_init(&k->cert_by_name, ptr_eq);
    bind_table_init(&k->platform_by_name, ptr_eq);
}

bind_checker *bind_checker_new(bind_compilation *c)
{
    bind_checker *k = bind_arena_alloc(c->arena, sizeof *k);
    bind_checker_init(k, c, c->arena, c->interner, &c->diags);
    return k;
}

/* Everything the checker holds outside the arena: at the end of a check
 * (the model lives in the arena), and with a compilation never checked. */
void bind_checker_free(bind_checker *k)
{
    if (!k) return;
    bind_arena_free(k->scratch);
    k->scratch = NULL;
    bind_vec_free(&k->sites);
    bind_vec_free(&k->certs);
    bind_vec_free(&k->platforms);
    bind_vec_free(&k->iplisten);
    bind_vec_free(&k->bindings);
    bind_vec_free(&k->binding_syntax);
    bind_table_fini(&k->cert_by_name);
    bind_table_fini(&k->platform_by_name);
    bind_table_fini(&k->iplisten_seen);
    if (k->state_urls_made) bind_table_fini(&k->state_urls);
    k->state_urls_made = false;
}

/* The second thread runs the route checks while the main one runs the
 * conflict checks: on a fleet the route checks are the longer half, so
 * everything else (E0205 included) stays on the main thread. */
static void run_routes(void *p) { bind_check_routes(p); }

void bind_compilation_check(bind_compilation *c)
{
    bind_checker *k = c->checker;
    bind_check_declarations(k);
    /* Defaults apply wherever a site gives none, wherever they are declared. */
    for (size_t i = 0; i < k->sites.len; i++)
        if (!k->sites.items[i]->pool) k->sites.items[i]->pool = k->m->default_pool;
    for (size_t i = 0; i < k->platforms.len; i++) {
        const bind_platform *p = k->platforms.items[i];
        if (p->default_cert && !bind_table_get(&k->cert_by_name, bind_check_name_hash(p->default_cert), p->default_cert))
            bind_diag_push(k->diags, BIND_E0303, p->default_cert_span, "default_cert `%s` names no declared certificate", p->default_cert);
    }
    /* The model's platform list is needed by the binding checks. */
    bind_check_bindings(k);
    bind_vec_free(&k->binding_syntax);

    bind_model *m = k->m;
    m->nbindings = (uint32_t)k->bindings.len;
    FREEZE(m->sites, m->nsites, k->sites);
    FREEZE(m->certs, m->ncerts, k->certs);
    FREEZE(m->platforms, m->nplatforms, k->platforms);
    FREEZE(m->iplisten, m->niplisten, k->iplisten);
    c->model = m;

    /* The model is finished.  The route checks report only on a model
     * without errors (they would report the consequences of errors already
     * reported), and need nothing the conflict checks find: they run beside
     * them, and what they say is kept when neither half found an error. */
    bool clean = !bind_check_has_errors(k);
    bind_route_checker r = { .c = c, .m = m, .in = k->in, .arena = c->routes_arena };
    bind_diag_bag_init(&r.diags, c->routes_arena);
    bind_diag_copy_levels(&r.diags, k->diags);
    bind_task *second = clean ? bind_task_start(run_routes, &r) : NULL;
    bind_check_conflicts(k);
    bind_task_wait(second);
    if (clean && !bind_check_has_errors(k)) bind_diag_bag_append(k->diags, &r.diags);
    bind_diag_bag_fini(&r.diags);
    if (c->state && !bind_check_has_errors(k)) bind_check_state(k);
    bind_checker_free(k);
    bind_diag_apply_allows(&c->diags, &c->sources);
    bind_diag_sort(&c->diags);
}
