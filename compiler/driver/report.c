/* Saying a run's diagnostics as the user asked (driver.h, bind_report).
 *
 * A run has several bags: the compilation's, and with compile each
 * target's (and the HTTP.sys targets' shared one).  The report says them
 * in turn and keeps what holds across them:
 *   - each record once: one identical in code, span and message to one
 *     already said is dropped (httpcfg and httpcfg-revert each find the
 *     same W0407; it is one warning);
 *   - at most error_limit records shown in all, the rest counted;
 *   - in text, a warning or hint code shown BIND_REPORT_FOLD times, then
 *     one line "and M more CODE like these" (a fleet's 20,000 I0401 are
 *     one fact, and an error is never folded: each one needs a fix);
 *   - one summary line at the end, counting what the run found.
 * Standard output is flushed before a record is written and standard error
 * (unbuffered; a record is one write, diag/render.c) holds nothing after:
 * the diagnostics and what a command prints on standard output come in the
 * order they were made, even through one pipe. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "base/table.h"

typedef struct said {
    enum bind_code code;
    bind_span span;
    uint64_t message_hash;
    size_t message_len;
} said;

struct bind_report {
    bind_sources *sources;
    bind_render_opts ro;
    bool json, fold, werror;
    size_t limit;
    size_t shown, limited, suppressed;
    size_t counts[3];                           /* found, by severity as said (--werror) */
    size_t code_shown[BIND_CODE_COUNT];
    size_t code_pending[BIND_CODE_COUNT];       /* folded, their line not said yet */
    bind_arena *arena;
    bind_table said;
    BIND_VEC(char *) notes;
};

static bool said_eq(const void *a, const void *b)
{
    const said *x = a, *y = b;
    return x->code == y->code && x->span.file == y->span.file && x->span.start == y->span.start
        && x->span.end == y->span.end && x->message_hash == y->message_hash && x->message_len == y->message_len;
}

bind_render_opts bind_cli_render_opts(const bind_cli *o)
{
    bind_render_opts ro = { .color = o->color == 1 || (o->color == -1 && isatty(fileno(stderr)) && !getenv("NO_COLOR")),
                            .werror = o->werror };
    return ro;
}

bind_report *bind_report_new(const bind_cli *o, bind_sources *sources)
{
    bind_report *r = calloc(1, sizeof *r);
    if (!r) bind_oom();
    r->sources = sources;
    r->ro = bind_cli_render_opts(o);
    r->json = o->json;
    r->fold = !o->json;
    r->werror = o->werror;
    r->limit = o->error_limit ? o->error_limit : SIZE_MAX;
    r->arena = bind_arena_new();
    bind_table_init(&r->said, said_eq);
    return r;
}

void bind_report_free(bind_report *r)
{
    if (!r) return;
    bind_table_fini(&r->said);
    for (size_t i = 0; i < r->notes.len; i++) free(r->notes.items[i]);
    bind_vec_free(&r->notes);
    bind_arena_free(r->arena);
    free(r);
}

static enum bind_severity said_as(const bind_report *r, enum bind_severity s)
{
    return r->werror && s == BIND_SEV_WARNING ? BIND_SEV_ERROR : s;
}

/* True when an identical record was said already; remembers this one. */
static bool said_before(bind_report *r, const bind_diag *d)
{
    said *k = bind_arena_alloc(r->arena, sizeof *k);
    k->code = d->code;
    k->span = d->span;
    k->message_len = strlen(d->message);
    k->message_hash = bind_hash_bytes(d->message, k->message_len, BIND_HASH_SEED);
    uint64_t h = bind_hash_bytes(&k->span, sizeof k->span, k->message_hash ^ (uint64_t)k->code);
    return bind_table_put(&r->said, h, k, k) != k;
}

static void fold_line(enum bind_code code, size_t n)
{
    fprintf(stderr, "and %zu more %s like these (--allow %s to silence them)\n", n, bind_code_name(code), bind_code_name(code));
}

enum { SKIP, DUP, SHOW, FOLD, LIMIT };

void bind_report_bag(bind_report *r, const bind_diag_bag *bag, bool (*keep)(const bind_diag *d, void *ctx), void *ctx)
{
    fflush(stdout);
    size_t n = bag->list.len;
    uint8_t *what = malloc(n ? n : 1);
    if (!what) bind_oom();
    /* Where each code reached the fold in this bag, and how many of it
     * this bag folds: its line comes right after its last record shown. */
    size_t fold_at[BIND_CODE_COUNT], folded[BIND_CODE_COUNT];
    memset(folded, 0, sizeof folded);
    for (int i = 0; i < BIND_CODE_COUNT; i++) fold_at[i] = SIZE_MAX;
    if (!keep) {
        for (int s = 0; s < 3; s++) r->counts[said_as(r, (enum bind_severity)s)] += bag->counts[s];
        r->suppressed += bag->suppressed;
    }
    for (size_t i = 0; i < n; i++) {
        const bind_diag *d = bag->list.items[i];
        if (keep && !keep(d, ctx)) { what[i] = SKIP; continue; }
        if (said_before(r, d)) {
            what[i] = DUP;
            if (!keep) r->counts[said_as(r, d->severity)]--;
            continue;
        }
        if (keep) r->counts[said_as(r, d->severity)]++;
        if (r->fold && d->severity != BIND_SEV_ERROR && r->code_shown[d->code] >= BIND_REPORT_FOLD) {
            what[i] = FOLD;
            folded[d->code]++;
        } else if (r->shown >= r->limit) {
            what[i] = LIMIT;
            r->limited++;
        } else {
            what[i] = SHOW;
            r->shown++;
            if (++r->code_shown[d->code] == BIND_REPORT_FOLD && d->severity != BIND_SEV_ERROR) fold_at[d->code] = i;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (what[i] != SHOW) continue;
        const bind_diag *d = bag->list.items[i];
        if (r->json) bind_diag_render_json(stderr, r->sources, d, r->ro);
        else bind_diag_render_text(stderr, r->sources, d, r->ro);
        if (fold_at[d->code] == i && folded[d->code]) {
            fold_line(d->code, folded[d->code]);
            folded[d->code] = 0;
        }
    }
    for (int c = 0; c < BIND_CODE_COUNT; c++) r->code_pending[c] += folded[c];
    free(what);
    fflush(stderr);
}

void bind_report_note(bind_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = malloc((size_t)len + 1);
    if (len < 0 || !text) bind_oom();
    va_start(ap, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, ap);
    va_end(ap);
    bind_vec_push(&r->notes, text);
}

static void put_count(FILE *out, bool *first, size_t n, const char *word)
{
    if (!n) return;
    fprintf(out, "%s%zu %s%s", *first ? "" : ", ", n, word, n == 1 ? "" : "s");
    *first = false;
}

void bind_report_finish(bind_report *r)
{
    fflush(stdout);
    for (int c = 0; c < BIND_CODE_COUNT; c++)
        if (r->code_pending[c]) fold_line((enum bind_code)c, r->code_pending[c]);
    size_t not_shown = r->limited + r->suppressed;
    if (r->json) {
        for (size_t i = 0; i < r->notes.len; i++) {
            json_t *o = json_pack("{s:s, s:s}", "type", "note", "message", r->notes.items[i]);
            if (!o) bind_oom();
            json_dumpf(o, stderr, JSON_COMPACT | JSON_PRESERVE_ORDER);
            fputc('\n', stderr);
            json_decref(o);
        }
        if (not_shown)
            fprintf(stderr, "{\"type\":\"summary\",\"errors\":%zu,\"warnings\":%zu,\"hints\":%zu,\"not_shown\":%zu}\n",
                    r->counts[BIND_SEV_ERROR], r->counts[BIND_SEV_WARNING], r->counts[BIND_SEV_HINT], not_shown);
        fflush(stderr);
        return;
    }
    for (size_t i = 0; i < r->notes.len; i++) fprintf(stderr, "bindc: note: %s\n", r->notes.items[i]);
    if (not_shown)
        fprintf(stderr, "bindc: %zu more diagnostic%s not shown (--error-limit %zu; 0 shows them all)\n", not_shown,
                not_shown == 1 ? "" : "s", r->limit);
    size_t total = r->counts[0] + r->counts[1] + r->counts[2];
    if (total) {
        bool first = true;
        put_count(stderr, &first, r->counts[BIND_SEV_ERROR], "error");
        put_count(stderr, &first, r->counts[BIND_SEV_WARNING], "warning");
        put_count(stderr, &first, r->counts[BIND_SEV_HINT], "hint");
        fputs(" generated.\n", stderr);
    }
    fflush(stderr);
}
