/* The canonical layout of one .bind file (syntax/format.h has the three promises).
 *
 * The tree is laid out as a list of output lines first; trailing comments
 * are aligned over that list at the end, because their column depends on
 * the lines around them.  An output line never joins two source lines (a
 * block's items are split, lists break where the user broke them), so a
 * comment that ended a source line ends the output line holding the token
 * it followed, and comments come out in source order. */
#include "format.h"

#include <string.h>

#include "model/addr.h"
#include "model/model.h"
#include "foreign_text.h"
#include "parse.h"

#define FMT_INDENT 4u
#define FMT_COMMENT_GAP 2u      /* spaces before an end-of-line comment */
#define FMT_OPTIONS_GAP 2u      /* spaces between binding information and its options */

typedef struct fmt_line {
    uint32_t indent;
    const char *text;           /* NULL for a blank line */
    uint32_t width;             /* display columns of indent and text */
    int32_t comment;            /* end-of-line comment, or -1 */
    uint32_t group;             /* end-of-line comments align within one block */
    bool is_comment;            /* a comment on its own line */
} fmt_line;

typedef struct fmt {
    bind_arena *a;
    const bind_ast_file *f;
    bind_source *src;
    uint32_t next_comment;
    BIND_VEC(fmt_line) lines;
    bind_buf cur;               /* the line being built, without indentation */
    uint32_t cur_indent;
    uint32_t group, ngroups;
    uint32_t prev_line;         /* source line where the last element of the block ended */
    bool first_in_block;        /* nothing emitted since `{`: no blank line yet */
} fmt;

uint32_t bind_fmt_width(const char *s, size_t n)
{
    uint32_t w = 0;
    for (size_t i = 0; i < n; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static uint32_t line_of(fmt *fm, uint32_t offset)
{
    uint32_t line, col;
    bind_source_linecol(fm->src, offset, &line, &col);
    return line;
}

/* The last line a span touches (its end is exclusive). */
static uint32_t last_line_of(fmt *fm, bind_span s)
{
    return line_of(fm, s.end > s.start ? s.end - 1 : s.start);
}

/* ---- lines ---------------------------------------------------------- */

static void line_begin(fmt *fm, uint32_t indent)
{
    fm->cur.len = 0;
    fm->cur_indent = indent;
}

static void put(fmt *fm, const char *s) { bind_buf_puts(&fm->cur, s); }

static uint32_t column(const fmt *fm) { return fm->cur_indent + bind_fmt_width(fm->cur.data, fm->cur.len); }

static void pad_to(fmt *fm, uint32_t col)
{
    for (uint32_t c = column(fm); c < col; c++) bind_buf_putc(&fm->cur, ' ');
}

static void push_line(fmt *fm, fmt_line l)
{
    l.group = fm->group;
    bind_vec_push(&fm->lines, l);
}

static void line_end(fmt *fm)
{
    fmt_line l = { fm->cur_indent, bind_arena_strndup(fm->a, fm->cur.data ? fm->cur.data : "", fm->cur.len),
                   column(fm), -1, 0, false };
    push_line(fm, l);
}

/* Ends a line that opens or closes a block: its comment aligns with no
 * other line's, since the lines around it are at another depth. */
static void line_end_alone(fmt *fm)
{
    line_end(fm);
    fm->lines.items[fm->lines.len - 1].group = ++fm->ngroups;
}

static void blank_line(fmt *fm)
{
    if (fm->lines.len == 0 || fm->lines.items[fm->lines.len - 1].text == NULL) return;
    fmt_line l = { 0, NULL, 0, -1, 0, false };
    push_line(fm, l);
}

/* ---- comments ------------------------------------------------------- */

static const char *comment_text(fmt *fm, uint32_t i, uint32_t *width)
{
    const bind_comment *c = &fm->f->comments[i];
    const char *s = fm->src->text + c->span.start;
    size_t n = c->span.end - c->span.start;
    while (n > 1 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;   /* no trailing white space */
    *width = bind_fmt_width(s, n);
    return bind_arena_strndup(fm->a, s, n);
}

static void comment_line(fmt *fm, uint32_t i, uint32_t indent)
{
    uint32_t w;
    const char *text = comment_text(fm, i, &w);
    fmt_line l = { indent, text, indent + w, -1, 0, true };
    push_line(fm, l);
}

/* A blank line before an element when the source had one (runs become
 * one), never right after `{`. */
static void blank_if_source_had(fmt *fm, uint32_t first_line)
{
    if (!fm->first_in_block && first_line > fm->prev_line + 1) blank_line(fm);
}

/* Emits the comments that come before source offset `until`: one that
 * ended a source line goes to the end of the last output line, which holds
 * the token it followed; one on its own line becomes a line at `indent`. */
static void flush_comments(fmt *fm, uint32_t until, uint32_t indent, bool keep_blanks)
{
    const bind_ast_file *f = fm->f;
    while (fm->next_comment < f->ncomments && f->comments[fm->next_comment].span.start < until) {
        uint32_t i = fm->next_comment++;
        fmt_line *last = fm->lines.len ? &fm->lines.items[fm->lines.len - 1] : NULL;
        if (!f->comments[i].own_line && last && last->text && !last->is_comment && last->comment < 0) {
            last->comment = (int32_t)i;
            continue;
        }
        uint32_t line = line_of(fm, f->comments[i].span.start);
        if (keep_blanks) blank_if_source_had(fm, line);
        comment_line(fm, i, indent);
        fm->prev_line = line;
        fm->first_in_block = false;
    }
}

/* ---- words and strings ---------------------------------------------- */

/* A string in the kind that needs no escapes: "..." when the text has no
 * `"`, `\\` or control character; else '...' (literal, for Windows paths)
 * when it has no `'` and no control character; else "..." with escapes.
 * Invisible characters (U+200E pasted with a thumbprint) stay as they are:
 * the checker points at them and offers the fix-it that deletes them, which
 * it cannot do inside an escape. */
void bind_fmt_put_string(bind_buf *out, const char *text)
{
    size_t n = strlen(text);
    bool dq_escapes = false, sq_ok = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        bool control = c < 0x20 || c == 0x7f;
        dq_escapes |= c == '"' || c == '\\' || control;
        sq_ok &= c != '\'' && !control;
    }
    if (dq_escapes && sq_ok) {
        bind_buf_putc(out, '\'');
        bind_buf_put(out, text, n);
        bind_buf_putc(out, '\'');
        return;
    }
    bind_buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\\' || c == '"') { bind_buf_putc(out, '\\'); bind_buf_putc(out, (char)c); }
        else if (c == '\n') bind_buf_puts(out, "\\n");
        else if (c == '\t') bind_buf_puts(out, "\\t");
        else if (c < 0x20 || c == 0x7f) bind_buf_printf(out, "\\u{%X}", (unsigned)c);
        else bind_buf_putc(out, (char)c);
    }
    bind_buf_putc(out, '"');
}

/* Words stay words (their spelling is the user's); strings change kind. */
static void put_scalar(fmt *fm, const bind_scalar *s)
{
    if (s->kind == BIND_SCALAR_WORD) put(fm, s->text);
    else bind_fmt_put_string(&fm->cur, s->text);
}

/* `iplisten` addresses: IPv6 in RFC 5952 form, brackets as written. */
static void put_iplisten_addr(fmt *fm, const bind_scalar *s)
{
    bind_addr addr;
    bind_word_errors errs;
    memset(&errs, 0, sizeof errs);
    if (s->kind == BIND_SCALAR_WORD && bind_addr_parse(fm->a, s->text, strlen(s->text), &addr, &errs) &&
        (addr.kind == BIND_ADDR_V6 || addr.kind == BIND_ADDR_ANY6)) {
        char buf[48];
        bind_addr_format(&addr, buf, s->text[0] == '[');
        put(fm, buf);
        return;
    }
    put_scalar(fm, s);
}

/* A list value; a new line where the source had one (after the comma),
 * continued under the first item so that comments between items keep
 * their place.  `sep` is ", " for fields and "," inside a binding option,
 * where a space would read as the next option. */
static void put_value(fmt *fm, const bind_value *v, const char *sep, bool iplisten)
{
    uint32_t col = column(fm);
    for (uint32_t i = 0; i < v->len; i++) {
        if (i > 0) {
            if (line_of(fm, v->items[i].span.start) > last_line_of(fm, v->items[i - 1].span)) {
                put(fm, ",");
                line_end(fm);
                flush_comments(fm, v->items[i].span.start, col, false);
                line_begin(fm, col);
            } else {
                put(fm, sep);
            }
        }
        if (iplisten) put_iplisten_addr(fm, &v->items[i]);
        else put_scalar(fm, &v->items[i]);
    }
}

/* ---- bindings ------------------------------------------------------- */

/* The protocol in lower case and the binding information in canonical
 * spelling (lower-case host, RFC 5952 IPv6) — only when the checker reads
 * them without error, so that the canonical text means the same. */
static void binding_words(fmt *fm, const bind_ast_binding *b, const char **protocol, const char **info)
{
    *protocol = b->protocol.text;
    *info = b->info.text;
    char lower[32];
    size_t n = strlen(b->protocol.text);
    if (n >= sizeof lower) return;
    for (size_t i = 0; i <= n; i++) {
        char c = b->protocol.text[i];
        lower[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    int p = 0;
    while (p < BIND_PROTO_COUNT && strcmp(lower, bind_protocol_name((enum bind_protocol)p)) != 0) p++;
    if (p == BIND_PROTO_COUNT) return;
    *protocol = bind_protocol_name((enum bind_protocol)p);

    bind_info bi;
    bind_word_errors errs;
    memset(&errs, 0, sizeof errs);
    enum bind_info_form form = bind_protocol_form((enum bind_protocol)p);
    if (!bind_info_parse(fm->a, form, b->info.text, strlen(b->info.text), &bi, &errs)) return;
    char addr[48];
    switch (form) {
    case BIND_FORM_IP_PORT_HOST:
        bind_addr_format(&bi.addr, addr, true);
        *info = bind_arena_printf(fm->a, "%s:%u:%s", addr, (unsigned)bi.port, bi.host);
        break;
    case BIND_FORM_PORT_HOST:
        *info = bind_arena_printf(fm->a, "%u:%s", (unsigned)bi.port, bi.host);
        break;
    case BIND_FORM_HOST:
        *info = bi.host;
        break;
    }
}

/* ---- blocks --------------------------------------------------------- */

typedef struct block_columns {
    uint32_t key;               /* widest field key */
    uint32_t protocol;          /* widest protocol */
    uint32_t info;              /* widest binding information followed by options */
} block_columns;

static block_columns measure(fmt *fm, const bind_item *items, uint32_t n)
{
    block_columns c = { 0, 0, 0 };
    for (uint32_t i = 0; i < n; i++) {
        if (items[i].kind == BIND_ITEM_FIELD) {
            const char *k = items[i].u.field.key.text;
            uint32_t w = bind_fmt_width(k, strlen(k));
            if (w > c.key) c.key = w;
        } else if (items[i].kind == BIND_ITEM_BINDING) {
            const char *p, *info;
            binding_words(fm, &items[i].u.binding, &p, &info);
            uint32_t wp = bind_fmt_width(p, strlen(p)), wi = bind_fmt_width(info, strlen(info));
            if (wp > c.protocol) c.protocol = wp;
            if (items[i].u.binding.noptions && wi > c.info) c.info = wi;
        }
    }
    return c;
}

static void emit_block(fmt *fm, uint32_t indent, const bind_item *items, uint32_t n, uint32_t close);

static uint32_t item_start(const bind_item *it)
{
    switch (it->kind) {
    case BIND_ITEM_FIELD: return it->u.field.span.start;
    case BIND_ITEM_BINDING: return it->u.binding.span.start;
    default: return it->u.app.span.start;
    }
}

static bind_span item_span(const bind_item *it)
{
    switch (it->kind) {
    case BIND_ITEM_FIELD: return it->u.field.span;
    case BIND_ITEM_BINDING: return it->u.binding.span;
    default: return it->u.app.span;
    }
}

static void emit_item(fmt *fm, const bind_item *it, uint32_t indent, const block_columns *cols)
{
    line_begin(fm, indent);
    switch (it->kind) {
    case BIND_ITEM_FIELD:
        put(fm, it->u.field.key.text);
        pad_to(fm, indent + cols->key);
        put(fm, " = ");
        put_value(fm, &it->u.field.value, ", ", false);
        line_end(fm);
        break;
    case BIND_ITEM_BINDING: {
        const bind_ast_binding *b = &it->u.binding;
        const char *protocol, *info;
        binding_words(fm, b, &protocol, &info);
        put(fm, protocol);
        pad_to(fm, indent + cols->protocol + 1);
        put(fm, info);
        for (uint32_t i = 0; i < b->noptions; i++) {
            if (i == 0) pad_to(fm, indent + cols->protocol + 1 + cols->info + FMT_OPTIONS_GAP);
            else put(fm, " ");
            put(fm, b->options[i].name.text);
            if (b->options[i].has_value) {
                put(fm, "=");
                put_value(fm, &b->options[i].value, ",", false);
            }
        }
        line_end(fm);
        break;
    }
    case BIND_ITEM_APP: {
        const bind_ast_app *app = &it->u.app;
        put(fm, "app ");
        put_scalar(fm, &app->path);
        emit_block(fm, indent, app->items, app->nitems, app->span.end - 1);   /* the span ends at `}` */
        break;
    }
    }
}

/* The ` {` that ends the current line, the items one a line, and `}`.
 * `close` is the offset of the closing brace. */
static void emit_block(fmt *fm, uint32_t indent, const bind_item *items, uint32_t n, uint32_t close)
{
    const bind_ast_file *f = fm->f;
    bool comments_inside = fm->next_comment < f->ncomments && f->comments[fm->next_comment].span.start < close;
    if (n == 0 && !comments_inside) {
        put(fm, " {}");
        line_end(fm);
        return;
    }
    put(fm, " {");
    line_end_alone(fm);
    uint32_t outer_group = fm->group;
    fm->group = ++fm->ngroups;
    fm->first_in_block = true;
    uint32_t inner = indent + FMT_INDENT;
    block_columns cols = measure(fm, items, n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t start = item_start(&items[i]);
        flush_comments(fm, start, inner, true);
        blank_if_source_had(fm, line_of(fm, start));
        emit_item(fm, &items[i], inner, &cols);
        fm->prev_line = last_line_of(fm, item_span(&items[i]));
        fm->first_in_block = false;
    }
    flush_comments(fm, close, inner, true);
    fm->group = outer_group;
    line_begin(fm, indent);
    put(fm, "}");
    line_end_alone(fm);
}

/* ---- statements ----------------------------------------------------- */

static bool stmt_has_block(const bind_stmt *s)
{
    return s->kind == BIND_STMT_PLATFORM_DEF || s->kind == BIND_STMT_DEFAULTS ||
           s->kind == BIND_STMT_CERT || s->kind == BIND_STMT_SITE;
}

static void emit_stmt(fmt *fm, const bind_stmt *s)
{
    line_begin(fm, 0);
    switch (s->kind) {
    case BIND_STMT_USE: put(fm, "use "); put_scalar(fm, &s->name); break;
    case BIND_STMT_PLATFORM_SELECT:
    case BIND_STMT_PLATFORM_DEF: put(fm, "platform "); put_scalar(fm, &s->name); break;
    case BIND_STMT_DEFAULTS: put(fm, "defaults"); break;
    case BIND_STMT_CERT: put(fm, "cert "); put_scalar(fm, &s->name); break;
    case BIND_STMT_SITE: put(fm, "site "); put_scalar(fm, &s->name); break;
    case BIND_STMT_IPLISTEN: put(fm, "iplisten "); put_value(fm, &s->list, ", ", true); break;
    }
    if (stmt_has_block(s)) emit_block(fm, 0, s->items, s->nitems, s->close_brace.start);
    else line_end(fm);
}

/* A top-level element: a statement or a comment on its own line. */
typedef struct top_elem {
    bool is_comment;
    bool block;                 /* a statement with a block */
    bool attached;              /* a comment that leads into the block below it */
    uint32_t index;             /* into stmts or comments */
    uint32_t start, first_line, last_line;
} top_elem;

/* Top-level statements and the comments between them, in source order;
 * comments inside a statement belong to it, and comments that end a line
 * are not elements. */
static top_elem *top_elements(fmt *fm, uint32_t *count)
{
    const bind_ast_file *f = fm->f;
    top_elem *e = bind_arena_alloc(fm->a, ((size_t)f->nstmts + f->ncomments + 1) * sizeof *e);
    uint32_t n = 0, c = 0;
    for (uint32_t s = 0; s <= f->nstmts; s++) {
        uint32_t until = s < f->nstmts ? f->stmts[s].span.start : UINT32_MAX;
        for (; c < f->ncomments && f->comments[c].span.start < until; c++) {
            if (!f->comments[c].own_line) continue;
            uint32_t line = line_of(fm, f->comments[c].span.start);
            e[n++] = (top_elem){ true, false, false, c, f->comments[c].span.start, line, line };
        }
        if (s == f->nstmts) break;
        const bind_stmt *st = &f->stmts[s];
        e[n++] = (top_elem){ false, stmt_has_block(st), false, s, st->span.start,
                             line_of(fm, st->span.start), last_line_of(fm, st->span) };
        while (c < f->ncomments && f->comments[c].span.start < st->span.end) c++;
    }
    /* A run of comments right above a block (no blank line) introduces it
     * and keeps to it; the blank line that separates blocks goes above. */
    for (uint32_t i = n; i-- > 1;) {
        top_elem *prev = &e[i - 1];
        if (prev->is_comment && (e[i].block || e[i].attached) && e[i].first_line == prev->last_line + 1)
            prev->attached = true;
    }
    *count = n;
    return e;
}

static void emit_file(fmt *fm)
{
    uint32_t n;
    top_elem *e = top_elements(fm, &n);
    for (uint32_t i = 0; i < n; i++) {
        flush_comments(fm, e[i].start, 0, false);   /* the end-of-line comments before it */
        if (i > 0) {
            const top_elem *prev = &e[i - 1];
            bool source_blank = e[i].first_line > prev->last_line + 1;
            if (!prev->attached && (prev->block || e[i].block || e[i].attached || source_blank)) blank_line(fm);
        }
        if (e[i].is_comment) {
            comment_line(fm, e[i].index, 0);
            fm->next_comment = e[i].index + 1;
        } else {
            emit_stmt(fm, &fm->f->stmts[e[i].index]);
        }
    }
    flush_comments(fm, UINT32_MAX, 0, false);
}

/* ---- output --------------------------------------------------------- */

static void write_lines(fmt *fm, bind_buf *out)
{
    const bind_source *src = fm->src;
    const char *lf = memchr(src->text, '\n', src->len);
    const char *eol = lf && lf > src->text && lf[-1] == '\r' ? "\r\n" : "\n";   /* the file's own line ends */
    if (fm->lines.len && src->len >= 3 && memcmp(src->text, "\xef\xbb\xbf", 3) == 0) bind_buf_puts(out, "\xef\xbb\xbf");
    size_t n = fm->lines.len;
    fmt_line *l = fm->lines.items;
    for (size_t i = 0; i < n;) {
        /* A run of consecutive lines of one block that end in comments. */
        size_t j = i;
        uint32_t col = 0;
        while (j < n && l[j].comment >= 0 && l[j].group == l[i].group) {
            if (l[j].width + FMT_COMMENT_GAP > col) col = l[j].width + FMT_COMMENT_GAP;
            j++;
        }
        if (j == i) j = i + 1;
        for (; i < j; i++) {
            if (l[i].text) {
                for (uint32_t k = 0; k < l[i].indent; k++) bind_buf_putc(out, ' ');
                bind_buf_puts(out, l[i].text);
                if (l[i].comment >= 0) {
                    for (uint32_t k = l[i].width; k < col; k++) bind_buf_putc(out, ' ');
                    uint32_t w;
                    bind_buf_puts(out, comment_text(fm, (uint32_t)l[i].comment, &w));
                }
            }
            bind_buf_puts(out, eol);
        }
    }
}

bool bind_fmt_ast(const bind_ast_file *f, bind_arena *a, bind_buf *out)
{
    if (f->syntax_errors) return false;
    fmt fm;
    memset(&fm, 0, sizeof fm);
    fm.a = a;
    fm.f = f;
    fm.src = f->src;
    bind_buf_init(&fm.cur);
    emit_file(&fm);
    write_lines(&fm, out);
    bind_buf_free(&fm.cur);
    bind_vec_free(&fm.lines);
    return true;
}

bool bind_fmt_source(bind_source *src, bind_arena *a, bind_buf *out, bind_diag_bag *diags)
{
    if (bind_refuse_foreign_text(src, diags)) return false;
    bind_interner *in = bind_interner_new(a);
    bind_ast_file *f = bind_parse_file(src, a, in, diags);
    bool ok = bind_fmt_ast(f, a, out);
    bind_interner_free(in);
    return ok;
}
