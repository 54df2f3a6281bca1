/* Diagnostic renderers: clang/rustc-style text with a caret line, and JSON
 * lines (the LSP renderer lives with the language server).
 *
 * Positions: lines and columns are 1-based and columns count BYTES from the
 * start of the line, as gcc and clang do, in both the text header
 * (`file:line:col:`) and JSON (`column`, `end_column`; `end_column` points
 * just past the span).  Byte columns do not depend on the terminal or font;
 * the LSP converts to UTF-16 itself.
 *
 * The echoed source line and the caret line are laid out in display cells
 * instead, so the caret lines up under what was printed: one cell per code
 * point, a tab copied as a tab into the caret line, and every byte that is
 * unsafe or invisible on a terminal (controls, NUL, DEL, invalid UTF-8,
 * C1 controls, zero-width and bidi characters, NBSP) echoed as an escape
 * (`\x01`, `\xFF`, `<U+200E>`) that the caret line pads to its width. */
#include "diag.h"
#include "base/utf8.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Lines longer than this many cells are cut around the span with `…`. */
#define SNIPPET_MAX_CELLS 200
/* Cells kept before the span when a line is cut. */
#define SNIPPET_CONTEXT 40
/* A tab counts this much against SNIPPET_MAX_CELLS (its real width depends
 * on the terminal's tab stops). */
#define TAB_BUDGET 8
/* Old text quoted in a fix-it's help line is cut after this many bytes. */
#define FIXIT_QUOTE_MAX 40
/* Line numbers in the gutter get at least this many digits so that the
 * gutters of one file line up across diagnostics. */
#define GUTTER_MIN_DIGITS 4

#define ANSI_RESET   "\033[0m"
#define ANSI_BOLD    "\033[1m"
#define ANSI_RED     "\033[1;31m"
#define ANSI_GREEN   "\033[1;32m"
#define ANSI_MAGENTA "\033[1;35m"
#define ANSI_CYAN    "\033[1;36m"
#define ANSI_BLUE    "\033[1;34m"

static const char ELLIPSIS[] = "\xE2\x80\xA6";   /* U+2026, one cell */

/* ------------------------------------------------------------------------
 * UTF-8 and display units */

/* Length of the valid UTF-8 sequence at s (n > 0 bytes available) and its
 * code point, or 0 when the bytes are not valid UTF-8.  Strict like
 * jansson: no overlong forms, surrogates or code points above U+10FFFF. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) { return bind_utf8_decode(s, n, cp); }

/* Code points a terminal shows as nothing, as a space, or that reorder the
 * text around them.  They are the ones pasted from certificate dialogs and
 * web pages (grammar/README.md §2), and an echoed line must show them. */
static bool is_invisible(uint32_t c)
{
    return (c >= 0x80 && c <= 0xA0)          /* C1 controls, NBSP */
        || c == 0xAD || c == 0x34F || c == 0x61C
        || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5 || c == 0x180E
        || (c >= 0x2000 && c <= 0x200F)      /* odd-width spaces, ZWSP, ZWJ, LRM, RLM */
        || (c >= 0x2028 && c <= 0x202F)      /* separators, bidi embeddings, NNBSP */
        || (c >= 0x205F && c <= 0x206F)      /* word joiner, bidi isolates */
        || c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF || c == 0xFFA0
        || (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE0000 && c <= 0xE0FFF);
}

enum unit_kind {
    UNIT_TEXT,       /* printed as is, one cell */
    UNIT_TAB,        /* printed as a tab; the caret line copies the tab */
    UNIT_BYTE,       /* printed as \xNN, four cells */
    UNIT_CODEPOINT,  /* printed as <U+XXXX>, eight to ten cells */
    UNIT_HIDDEN,     /* the BOM at the start of a file: printed as nothing */
};

typedef struct unit {
    uint32_t off;      /* byte offset in the text */
    uint8_t len;       /* bytes */
    uint8_t kind;
    uint8_t cells;     /* display cells (a tab: 1, see TAB_BUDGET) */
    uint32_t cp;       /* code point, or the byte for UNIT_BYTE */
} unit;

static uint8_t codepoint_cells(uint32_t c)
{
    return c > 0xFFFFF ? 10 : c > 0xFFFF ? 9 : 8;   /* "<U+" hex ">" */
}

/* Reads the display unit at text[pos], pos < end. */
static unit unit_at(const char *text, size_t pos, size_t end)
{
    const unsigned char *s = (const unsigned char *)text + pos;
    unit u = { (uint32_t)pos, 1, UNIT_TEXT, 1, s[0] };
    if (s[0] == '\t') { u.kind = UNIT_TAB; return u; }
    if (s[0] < 0x20 || s[0] == 0x7F) { u.kind = UNIT_BYTE; u.cells = 4; return u; }
    uint32_t cp;
    size_t n = utf8_decode(s, end - pos, &cp);
    if (!n) { u.kind = UNIT_BYTE; u.cells = 4; return u; }
    u.len = (uint8_t)n;
    u.cp = cp;
    if (cp == 0xFEFF && pos == 0) { u.kind = UNIT_HIDDEN; u.cells = 0; }
    else if (is_invisible(cp)) { u.kind = UNIT_CODEPOINT; u.cells = codepoint_cells(cp); }
    return u;
}

/* What a unit counts against SNIPPET_MAX_CELLS. */
static size_t unit_budget(const unit *u)
{
    return u->kind == UNIT_TAB ? TAB_BUDGET : u->cells;
}

static void put_unit(FILE *out, const char *text, const unit *u)
{
    switch (u->kind) {
    case UNIT_TEXT: fwrite(text + u->off, 1, u->len, out); break;
    case UNIT_TAB: fputc('\t', out); break;
    case UNIT_BYTE: fprintf(out, "\\x%02X", (unsigned)u->cp); break;
    case UNIT_CODEPOINT: fprintf(out, "<U+%04X>", (unsigned)u->cp); break;
    default: break;
    }
}

/* Writes s[0..n) on one line, safely: used for messages, paths and fix-it
 * text, which may quote user input. */
static void put_inline(FILE *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unit u = unit_at(s, i, n);
        if (u.kind == UNIT_HIDDEN) u.kind = UNIT_CODEPOINT;   /* not a file start */
        if (u.kind == UNIT_TAB) fputs("\\t", out);
        else if (u.kind == UNIT_BYTE && u.cp == '\n') fputs("\\n", out);
        else if (u.kind == UNIT_BYTE && u.cp == '\r') fputs("\\r", out);
        else put_unit(out, s, &u);
        i += u.len;
    }
}

static void put_inline_cstr(FILE *out, const char *s)
{
    if (s) put_inline(out, s, strlen(s));
}

static void put_spaces(FILE *out, size_t n)
{
    while (n--) fputc(' ', out);
}

/* ------------------------------------------------------------------------
 * Spans */

static enum bind_severity shown_severity(enum bind_severity sev, bind_render_opts o)
{
    return o.werror && sev == BIND_SEV_WARNING ? BIND_SEV_ERROR : sev;
}

static bind_source *span_source(bind_sources *srcs, bind_span sp)
{
    return srcs ? bind_sources_get(srcs, sp.file) : NULL;
}

/* The span clamped to the text, with end >= start. */
static bind_span clamp_span(const bind_source *src, bind_span sp)
{
    if (sp.start > src->len) sp.start = (uint32_t)src->len;
    if (sp.end > src->len) sp.end = (uint32_t)src->len;
    if (sp.end < sp.start) sp.end = sp.start;
    return sp;
}

static uint32_t span_line(bind_source *src, bind_span sp)
{
    uint32_t line, col;
    bind_source_linecol(src, clamp_span(src, sp).start, &line, &col);
    return line;
}

static int digits(uint32_t n)
{
    int d = 1;
    while (n >= 10) { n /= 10; d++; }
    return d;
}

/* ------------------------------------------------------------------------
 * Text */

static const char *severity_color(enum bind_severity sev)
{
    return sev == BIND_SEV_ERROR ? ANSI_RED : sev == BIND_SEV_WARNING ? ANSI_MAGENTA : ANSI_CYAN;
}

/* `path:line:col: ` in bold, or `bindc: ` when the span has no source. */
static void put_location(FILE *out, bind_source *src, bind_span sp, bind_render_opts o)
{
    if (o.color) fputs(ANSI_BOLD, out);
    if (src) {
        uint32_t line, col;
        bind_source_linecol(src, clamp_span(src, sp).start, &line, &col);
        put_inline_cstr(out, src->path);
        fprintf(out, ":%u:%u: ", (unsigned)line, (unsigned)col);
    } else {
        fputs("bindc: ", out);
    }
    if (o.color) fputs(ANSI_RESET, out);
}

static void put_gutter(FILE *out, int width, uint32_t line, bind_render_opts o)
{
    if (o.color) fputs(ANSI_BLUE, out);
    if (line) fprintf(out, " %*u |", width, (unsigned)line);
    else fprintf(out, " %*s |", width, "");
    if (o.color) fputs(ANSI_RESET, out);
}

/* The source line of the span's start and the caret line under it.  A span
 * running past the end of its first line is underlined to the end of that
 * line; an empty one gets a single `^`. */
static void put_snippet(FILE *out, bind_source *src, bind_span sp, int width, bind_render_opts o)
{
    sp = clamp_span(src, sp);
    uint32_t line, col;
    bind_source_linecol(src, sp.start, &line, &col);
    size_t lstart = bind_source_line_start(src, line);
    size_t lend = lstart + bind_source_line_length(src, line);
    size_t send = sp.end < lend ? sp.end : lend;
    if (send < sp.start) send = sp.start;

    /* Decode the line once; the window logic needs to walk both ways. */
    unit *units = bind_xmalloc((lend - lstart + 1) * sizeof *units);
    size_t n = 0, total = 0;
    for (size_t pos = lstart; pos < lend; ) {
        unit u = unit_at(src->text, pos, lend);
        units[n++] = u;
        total += u.kind == UNIT_TAB ? TAB_BUDGET : u.cells;
        pos += u.len;
    }
    size_t first = 0, past = 0;          /* the span's units: [first, past) */
    while (first < n && units[first].off + units[first].len <= sp.start) first++;
    past = first;
    while (past < n && units[past].off < send) past++;

    /* The window of units shown: all of them, or a cut around the span. */
    size_t ws = 0, we = n;
    if (total > SNIPPET_MAX_CELLS) {
        size_t acc = 0, room = SNIPPET_MAX_CELLS - 2;   /* two ellipses */
        ws = first;
        while (ws > 0 && acc + unit_budget(&units[ws - 1]) <= SNIPPET_CONTEXT) {
            ws--;
            acc += unit_budget(&units[ws]);
        }
        acc = 0;
        we = ws;
        while (we < n && acc + unit_budget(&units[we]) <= room) {
            acc += unit_budget(&units[we]);
            we++;
        }
        while (we == n && ws > 0 && acc + unit_budget(&units[ws - 1]) <= room) {
            ws--;
            acc += unit_budget(&units[ws]);
        }
    }

    put_gutter(out, width, line, o);
    if (n > 0) fputc(' ', out);
    if (ws > 0) fputs(ELLIPSIS, out);
    for (size_t i = ws; i < we; i++) put_unit(out, src->text, &units[i]);
    if (we < n) fputs(ELLIPSIS, out);
    fputc('\n', out);

    put_gutter(out, width, 0, o);
    fputc(' ', out);
    if (ws > 0) fputc(' ', out);
    for (size_t i = ws; i < first && i < we; i++) {
        if (units[i].kind == UNIT_TAB) fputc('\t', out);
        else put_spaces(out, units[i].cells);
    }
    if (o.color) fputs(ANSI_GREEN, out);
    fputc('^', out);
    if (past > first && first < we) {
        size_t last = past < we ? past : we;
        for (size_t i = first; i < last; i++) {
            const unit *u = &units[i];
            size_t cells = i == first ? (u->cells ? u->cells - 1u : 0) : u->cells;
            /* A tab keeps the rest of the underline on the text's tab stops;
             * after the `^` it is only needed when more of the span follows. */
            if (u->kind == UNIT_TAB) {
                if (i != first || i + 1 < last) fputc('\t', out);
            } else {
                while (cells--) fputc('~', out);
            }
        }
    }
    if (o.color) fputs(ANSI_RESET, out);
    fputc('\n', out);
    free(units);
}

/* ` = note: ` / ` = help: ` lines, the `=` under the gutter's `|`. */
static void put_tag(FILE *out, int width, const char *tag, const char *color, bind_render_opts o)
{
    fprintf(out, " %*s ", width, "");
    if (o.color) fputs(color, out);
    fprintf(out, "= %s:", tag);
    if (o.color) fputs(ANSI_RESET, out);
    fputc(' ', out);
}

/* The source text of a span, quoted and cut, for a fix-it's help line. */
static void put_quoted_source(FILE *out, bind_source *src, bind_span sp)
{
    size_t n = sp.end - sp.start;
    bool cut = false;
    if (n > FIXIT_QUOTE_MAX) {
        n = FIXIT_QUOTE_MAX;
        while (n > 0 && (src->text[sp.start + n] & 0xC0) == 0x80) n--;   /* whole code points */
        cut = true;
    }
    fputc('`', out);
    put_inline(out, src->text + sp.start, n);
    if (cut) fputs(ELLIPSIS, out);
    fputc('`', out);
}

static void put_fixit(FILE *out, bind_sources *srcs, const bind_diag *d, const bind_fixit *f,
                      int width, bind_render_opts o)
{
    bind_source *src = span_source(srcs, f->span);
    bind_span sp = src ? clamp_span(src, f->span) : f->span;
    const char *rep = f->replacement ? f->replacement : "";
    bool insertion = sp.end <= sp.start, deletion = !*rep;
    if (insertion && deletion) return;   /* changes nothing */

    bool here = f->span.file == d->span.file && f->span.start == d->span.start
             && (insertion || f->span.end == d->span.end);
    put_tag(out, width, "help", ANSI_GREEN, o);
    /* A whole line inserted at a line's end (or start): said as a line. */
    size_t rn = strlen(rep);
    bool at_end = src && insertion && (sp.start == src->len || src->text[sp.start] == '\n' || src->text[sp.start] == '\r');
    bool at_start = src && insertion && (sp.start == 0 || src->text[sp.start - 1] == '\n');
    if (insertion && rn > 1 && ((rep[0] == '\n' && at_end && !strchr(rep + 1, '\n')) ||
                                (rep[rn - 1] == '\n' && at_start && !memchr(rep, '\n', rn - 1)))) {
        bool after = rep[0] == '\n';
        const char *line = after ? rep + 1 : rep;
        size_t n = rn - 1;               /* without the line break */
        while (n && (*line == ' ' || *line == '\t')) { line++; n--; }
        uint32_t l, col;
        bind_source_linecol(src, sp.start, &l, &col);
        fprintf(out, "add the line `");
        put_inline(out, line, n);
        fprintf(out, "` %s line %u", after ? "after" : "before", (unsigned)l);
        if (f->span.file != d->span.file) { fputs(" of ", out); put_inline_cstr(out, src->path); }
        fputc('\n', out);
        return;
    }
    if (insertion) {
        fputs("insert `", out);
        put_inline_cstr(out, rep);
        fputc('`', out);
    } else if (deletion) {
        if (here || !src) fputs("delete this", out);
        else { fputs("delete ", out); put_quoted_source(out, src, sp); }
    } else {
        fputs("replace ", out);
        if (!here && src) { put_quoted_source(out, src, sp); fputc(' ', out); }
        fputs("with `", out);
        put_inline_cstr(out, rep);
        fputc('`', out);
    }
    if (!here && src) {
        uint32_t line, col;
        bind_source_linecol(src, sp.start, &line, &col);
        fputs(" at ", out);
        if (f->span.file != d->span.file) { put_inline_cstr(out, src->path); fputc(':', out); }
        fprintf(out, "%u:%u", (unsigned)line, (unsigned)col);
    }
    fputc('\n', out);
}

static void render_text(FILE *out, bind_sources *srcs, const bind_diag *d, bind_render_opts o)
{
    enum bind_severity sev = shown_severity(d->severity, o);
    bind_source *src = span_source(srcs, d->span);

    /* One gutter width for every snippet of the record. */
    uint32_t maxline = src ? span_line(src, d->span) : 0;
    for (const bind_note *n = d->notes; n; n = n->next) {
        bind_source *ns = n->has_span ? span_source(srcs, n->span) : NULL;
        if (ns) { uint32_t l = span_line(ns, n->span); if (l > maxline) maxline = l; }
    }
    int width = digits(maxline);
    if (width < GUTTER_MIN_DIGITS) width = GUTTER_MIN_DIGITS;

    put_location(out, src, d->span, o);
    if (o.color) fputs(severity_color(sev), out);
    fprintf(out, "%s[%s]:", bind_severity_name(sev), bind_code_name(d->code));
    if (o.color) fputs(ANSI_RESET ANSI_BOLD, out);
    fputc(' ', out);
    put_inline_cstr(out, d->message);
    if (o.color) fputs(ANSI_RESET, out);
    fputc('\n', out);
    if (src && !d->no_excerpt) put_snippet(out, src, d->span, width, o);

    /* Notes that point somewhere first, in push order, then the others. */
    for (const bind_note *n = d->notes; n; n = n->next) {
        bind_source *ns = n->has_span ? span_source(srcs, n->span) : NULL;
        if (!ns) continue;
        put_location(out, ns, n->span, o);
        if (o.color) fputs(ANSI_BOLD, out);
        fputs("note:", out);
        if (o.color) fputs(ANSI_RESET, out);
        fputc(' ', out);
        put_inline_cstr(out, n->message);
        fputc('\n', out);
        put_snippet(out, ns, n->span, width, o);
    }
    for (const bind_note *n = d->notes; n; n = n->next) {
        if (n->has_span && span_source(srcs, n->span)) continue;
        put_tag(out, width, "note", ANSI_BOLD, o);
        put_inline_cstr(out, n->message);
        fputc('\n', out);
    }
    for (const bind_fixit *f = d->fixits; f; f = f->next) put_fixit(out, srcs, d, f, width, o);
}

/* ------------------------------------------------------------------------
 * JSON */

static json_t *jcheck(json_t *v)
{
    if (!v) bind_oom();
    return v;
}

static void jset(json_t *obj, const char *key, json_t *v)
{
    if (json_object_set_new(obj, key, jcheck(v)) != 0) bind_oom();
}

/* jansson refuses strings that are not valid UTF-8: every invalid byte
 * becomes U+FFFD.  Control characters are left to jansson's escaping. */
static json_t *jstring(const char *s)
{
    if (!s) s = "";
    size_t n = strlen(s), j = 0;
    char *buf = bind_xmalloc(3 * n + 1);
    for (size_t i = 0; i < n; ) {
        uint32_t cp;
        size_t len = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len) { memcpy(buf + j, s + i, len); j += len; i += len; }
        else { memcpy(buf + j, "\xEF\xBF\xBD", 3); j += 3; i++; }
    }
    json_t *v = jcheck(json_stringn(buf, j));
    free(buf);
    return v;
}

/* file, line, column, end_line, end_column (exclusive); nothing when the
 * span has no source. */
static void jset_span(json_t *obj, bind_sources *srcs, bind_span sp)
{
    bind_source *src = span_source(srcs, sp);
    if (!src) return;
    sp = clamp_span(src, sp);
    uint32_t line, col, eline, ecol;
    bind_source_linecol(src, sp.start, &line, &col);
    bind_source_linecol(src, sp.end, &eline, &ecol);
    jset(obj, "file", jstring(src->path));
    jset(obj, "line", json_integer(line));
    jset(obj, "column", json_integer(col));
    jset(obj, "end_line", json_integer(eline));
    jset(obj, "end_column", json_integer(ecol));
}

static void render_json(FILE *out, bind_sources *srcs, const bind_diag *d, bind_render_opts o)
{
    json_t *obj = jcheck(json_object());
    jset(obj, "code", jstring(bind_code_name(d->code)));
    jset(obj, "severity", jstring(bind_severity_name(shown_severity(d->severity, o))));
    jset(obj, "message", jstring(d->message));
    jset_span(obj, srcs, d->span);

    json_t *notes = jcheck(json_array());
    for (const bind_note *n = d->notes; n; n = n->next) {
        json_t *jn = jcheck(json_object());
        jset(jn, "message", jstring(n->message));
        if (n->has_span) jset_span(jn, srcs, n->span);
        if (json_array_append_new(notes, jn) != 0) bind_oom();
    }
    jset(obj, "notes", notes);

    json_t *fixits = jcheck(json_array());
    for (const bind_fixit *f = d->fixits; f; f = f->next) {
        json_t *jf = jcheck(json_object());
        jset_span(jf, srcs, f->span);
        jset(jf, "replacement", jstring(f->replacement));
        if (json_array_append_new(fixits, jf) != 0) bind_oom();
    }
    jset(obj, "fixits", fixits);

    json_dumpf(obj, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(obj);
}

/* A record is made in memory and written with one call: stderr is not
 * buffered, and a record's hundreds of small pieces were a write(2) each. */
typedef void (*render_fn)(FILE *, bind_sources *, const bind_diag *, bind_render_opts);

static void render_buffered(render_fn fn, FILE *out, bind_sources *srcs, const bind_diag *d, bind_render_opts o)
{
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    if (!m) bind_oom();
    fn(m, srcs, d, o);
    if (fclose(m) != 0) bind_oom();
    fwrite(text, 1, n, out);
    free(text);
}

void bind_diag_render_text(FILE *out, bind_sources *srcs, const bind_diag *d, bind_render_opts o)
{
    render_buffered(render_text, out, srcs, d, o);
}

void bind_diag_render_json(FILE *out, bind_sources *srcs, const bind_diag *d, bind_render_opts o)
{
    render_buffered(render_json, out, srcs, d, o);
}

/* ------------------------------------------------------------------------
 * The whole bag */

static void put_count(FILE *out, bool *first, size_t n, const char *word)
{
    if (!n) return;
    fprintf(out, "%s%zu %s%s", *first ? "" : ", ", n, word, n == 1 ? "" : "s");
    *first = false;
}

void bind_diag_render_all(FILE *out, bind_sources *srcs, bind_diag_bag *bag, bool json, bind_render_opts o)
{
    for (size_t i = 0; i < bag->list.len; i++) {
        if (json) bind_diag_render_json(out, srcs, bag->list.items[i], o);
        else bind_diag_render_text(out, srcs, bag->list.items[i], o);
    }
    if (json) {
        /* What was not shown, so that a reader of the lines knows. */
        if (bag->suppressed > 0)
            fprintf(out, "{\"type\":\"summary\",\"errors\":%zu,\"warnings\":%zu,\"hints\":%zu,\"not_shown\":%zu}\n",
                    bag->counts[BIND_SEV_ERROR] + (o.werror ? bag->counts[BIND_SEV_WARNING] : 0),
                    o.werror ? 0 : bag->counts[BIND_SEV_WARNING], bag->counts[BIND_SEV_HINT], bag->suppressed);
        return;
    }
    if (bag->suppressed > 0)
        fprintf(out, "bindc: %zu more diagnostic%s not shown (limit %zu)\n", bag->suppressed,
                bag->suppressed == 1 ? "" : "s", bag->limit);
    size_t errors = bag->counts[BIND_SEV_ERROR], warnings = bag->counts[BIND_SEV_WARNING];
    size_t hints = bag->counts[BIND_SEV_HINT];
    if (o.werror) { errors += warnings; warnings = 0; }
    if (errors + warnings + hints == 0) return;
    bool first = true;
    put_count(out, &first, errors, "error");
    put_count(out, &first, warnings, "warning");
    put_count(out, &first, hints, "hint");
    fputs(" generated.\n", out);
}
