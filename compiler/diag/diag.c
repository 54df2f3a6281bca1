/* The diagnostic bag: push, annotate, sort (rendering is diag/render.c). */
#include "diag.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name, *summary; enum bind_severity sev; } codes[] = {
#define X(code, sev, summary) { #code, summary, BIND_SEV_##sev },
#include "codes.def"
#undef X
};

const char *bind_code_name(enum bind_code c) { return c < BIND_CODE_COUNT ? codes[c].name : "?"; }
const char *bind_code_summary(enum bind_code c) { return c < BIND_CODE_COUNT ? codes[c].summary : "?"; }
enum bind_severity bind_code_severity(enum bind_code c) { return codes[c].sev; }

const char *bind_severity_name(enum bind_severity s)
{
    return s == BIND_SEV_ERROR ? "error" : s == BIND_SEV_WARNING ? "warning" : "hint";
}

bool bind_code_parse(const char *name, enum bind_code *out)
{
    for (int i = 0; i < BIND_CODE_COUNT; i++) {
        const char *a = codes[i].name, *b = name;
        while (*a && *b && toupper((unsigned char)*b) == *a) { a++; b++; }
        if (!*a && !*b) { *out = (enum bind_code)i; return true; }
    }
    return false;
}

void bind_diag_bag_init(bind_diag_bag *bag, bind_arena *a)
{
    memset(bag, 0, sizeof *bag);
    bag->arena = a;
    bag->limit = BIND_DIAG_DEFAULT_LIMIT;
}

void bind_diag_bag_fini(bind_diag_bag *bag) { bind_vec_free(&bag->list); }

void bind_diag_bag_append(bind_diag_bag *dst, const bind_diag_bag *src)
{
    for (int s = 0; s < 3; s++) dst->counts[s] += src->counts[s];
    dst->suppressed += src->suppressed;
    for (size_t i = 0; i < src->list.len; i++) {
        bind_diag *d = src->list.items[i];
        if (dst->list.len >= dst->limit) { dst->suppressed++; continue; }
        d->seq = (uint32_t)dst->list.len;
        bind_vec_push(&dst->list, d);
    }
}

bind_diag *bind_diag_push(bind_diag_bag *bag, enum bind_code code, bind_span span, const char *fmt, ...)
{
    enum bind_severity sev = codes[code].sev;
    switch (bag->level[code]) {
    case BIND_LEVEL_ALLOW:
        if (sev != BIND_SEV_ERROR) {
            bag->allowed++;
            memset(&bag->scratch, 0, sizeof bag->scratch);
            return &bag->scratch;
        }
        break;
    case BIND_LEVEL_WARN: if (sev == BIND_SEV_HINT) sev = BIND_SEV_WARNING; break;
    case BIND_LEVEL_DENY: sev = BIND_SEV_ERROR; break;
    default: break;
    }
    bag->counts[sev]++;
    if (bag->list.len >= bag->limit) {
        bag->suppressed++;
        memset(&bag->scratch, 0, sizeof bag->scratch);
        return &bag->scratch;
    }
    bind_diag *d = bind_arena_alloc(bag->arena, sizeof *d);
    d->code = code;
    d->severity = sev;
    d->span = span;
    va_list ap;
    va_start(ap, fmt);
    d->message = bind_arena_vprintf(bag->arena, fmt, ap);
    va_end(ap);
    d->seq = (uint32_t)bag->list.len;
    bind_vec_push(&bag->list, d);
    return d;
}

void bind_diag_note(bind_diag_bag *bag, bind_diag *d, const bind_span *span, const char *fmt, ...)
{
    if (d == &bag->scratch) return;
    bind_note *n = bind_arena_alloc(bag->arena, sizeof *n);
    if (span) { n->has_span = true; n->span = *span; }
    va_list ap;
    va_start(ap, fmt);
    n->message = bind_arena_vprintf(bag->arena, fmt, ap);
    va_end(ap);
    if (d->notes_tail) d->notes_tail->next = n; else d->notes = n;
    d->notes_tail = n;
}

void bind_diag_fixit(bind_diag_bag *bag, bind_diag *d, bind_span span, const char *replacement)
{
    if (d == &bag->scratch) return;
    bind_fixit *f = bind_arena_alloc(bag->arena, sizeof *f);
    f->span = span;
    f->replacement = bind_arena_strdup(bag->arena, replacement);
    if (d->fixits_tail) d->fixits_tail->next = f; else d->fixits = f;
    d->fixits_tail = f;
}

void bind_diag_copy_levels(bind_diag_bag *dst, const bind_diag_bag *src)
{
    memcpy(dst->level, src->level, sizeof dst->level);
}

void bind_diag_copy(bind_diag_bag *bag, const bind_diag *d)
{
    bind_diag *c = bind_diag_push(bag, d->code, d->span, "%s", d->message);
    c->no_excerpt = d->no_excerpt;
    for (const bind_note *n = d->notes; n; n = n->next) bind_diag_note(bag, c, n->has_span ? &n->span : NULL, "%s", n->message);
    for (const bind_fixit *f = d->fixits; f; f = f->next) bind_diag_fixit(bag, c, f->span, f->replacement);
}

static int cmp_diag(const void *pa, const void *pb)
{
    const bind_diag *a = *(bind_diag *const *)pa, *b = *(bind_diag *const *)pb;
    if (a->span.file != b->span.file) return a->span.file < b->span.file ? -1 : 1;
    if (a->span.start != b->span.start) return a->span.start < b->span.start ? -1 : 1;
    if (a->code != b->code) return a->code < b->code ? -1 : 1;
    if (a->span.end != b->span.end) return a->span.end < b->span.end ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void bind_diag_sort(bind_diag_bag *bag)
{
    if (bag->list.len > 1) qsort(bag->list.items, bag->list.len, sizeof *bag->list.items, cmp_diag);
}

bool bind_diag_has_errors(const bind_diag_bag *bag, bool werror)
{
    return bag->counts[BIND_SEV_ERROR] > 0 || (werror && bag->counts[BIND_SEV_WARNING] > 0);
}
