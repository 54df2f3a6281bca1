/* Diagnostics: one engine, three renderers (text, JSON lines, LSP).
 *
 * Passes never print.  They push records into a bag: a code from the one
 * table in diag/codes.def, a primary span, a message, and optional notes
 * (with or without a span) and fix-its (span + replacement text). */
#ifndef BIND_DIAG_H
#define BIND_DIAG_H

#include <stdio.h>
#include "base/source.h"

enum bind_severity { BIND_SEV_ERROR, BIND_SEV_WARNING, BIND_SEV_HINT };

enum bind_code {
#define X(code, sev, summary) BIND_##code,
#include "codes.def"
#undef X
    BIND_CODE_COUNT
};

typedef struct bind_note {
    struct bind_note *next;
    bool has_span;
    bind_span span;
    const char *message;
} bind_note;

typedef struct bind_fixit {
    struct bind_fixit *next;
    bind_span span;          /* replaced range; start == end inserts */
    const char *replacement;
} bind_fixit;

typedef struct bind_diag {
    enum bind_code code;
    enum bind_severity severity;
    bind_span span;
    const char *message;
    bind_note *notes, *notes_tail;
    bind_fixit *fixits, *fixits_tail;
    uint32_t seq;            /* push order, the last sort key */
    bool no_excerpt;         /* the file is not text: its lines are not shown */
} bind_diag;

/* What the user made of a code (--allow, -W, --deny): nothing said, a
 * warning, an error. */
enum bind_diag_level { BIND_LEVEL_DEFAULT, BIND_LEVEL_ALLOW, BIND_LEVEL_WARN, BIND_LEVEL_DENY };

typedef struct bind_diag_bag {
    bind_arena *arena;
    BIND_VEC(bind_diag *) list;
    size_t counts[3];        /* by severity, including suppressed ones */
    size_t limit;            /* records kept; later ones are only counted */
    size_t suppressed;
    size_t allowed;          /* records not said: --allow, or `# bindc: allow` */
    uint8_t level[BIND_CODE_COUNT];   /* enum bind_diag_level */
    bind_diag scratch;       /* absorbs notes/fix-its of suppressed records */
} bind_diag_bag;

#define BIND_DIAG_DEFAULT_LIMIT 1000

void bind_diag_bag_init(bind_diag_bag *bag, bind_arena *a);
void bind_diag_bag_fini(bind_diag_bag *bag);
/* Moves src's records to the end of dst, as if pushed there (dst's limit
 * holds); they stay in src's arena, which must live as long as dst's. */
void bind_diag_bag_append(bind_diag_bag *dst, const bind_diag_bag *src);
/* Pushes a copy of d (message, notes and fix-its copied into bag's arena),
 * as if it were pushed to bag now: a split parse's second part replays its
 * diagnostics in the order one parse would have pushed them. */
void bind_diag_copy(bind_diag_bag *bag, const bind_diag *d);

bind_diag *bind_diag_push(bind_diag_bag *bag, enum bind_code code, bind_span span,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void bind_diag_note(bind_diag_bag *bag, bind_diag *d, const bind_span *span,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void bind_diag_fixit(bind_diag_bag *bag, bind_diag *d, bind_span span, const char *replacement);

/* Drops the warnings and hints that a `# bindc: allow CODE` comment of
 * their file covers (allow.c); returns how many. */
size_t bind_diag_apply_allows(bind_diag_bag *bag, bind_sources *srcs);
/* The levels of one bag for another's (the outputs of --target all). */
void bind_diag_copy_levels(bind_diag_bag *dst, const bind_diag_bag *src);

/* Orders records by file, position, code and push order: the output order
 * must not depend on hash-table iteration. */
void bind_diag_sort(bind_diag_bag *bag);
bool bind_diag_has_errors(const bind_diag_bag *bag, bool werror);

const char *bind_code_name(enum bind_code code);           /* "E0201" */
const char *bind_code_summary(enum bind_code code);
enum bind_severity bind_code_severity(enum bind_code code);
const char *bind_code_explanation(enum bind_code code);     /* long text, explain.c */
bool bind_code_parse(const char *name, enum bind_code *out); /* case-insensitive */
const char *bind_severity_name(enum bind_severity sev);     /* error warning hint */

/* Renderers.  `werror` shows warnings as errors. */
typedef struct bind_render_opts { bool color; bool werror; } bind_render_opts;
void bind_diag_render_text(FILE *out, bind_sources *srcs, const bind_diag *d, bind_render_opts o);
void bind_diag_render_json(FILE *out, bind_sources *srcs, const bind_diag *d, bind_render_opts o);
/* All records of the bag, then the "N errors, M warnings" summary in text mode. */
void bind_diag_render_all(FILE *out, bind_sources *srcs, bind_diag_bag *bag, bool json, bind_render_opts o);

#endif
