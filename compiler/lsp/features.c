/* Go to definition, document symbols, code actions and formatting.
 *
 * All of them read the last check of the document's unit, which is always
 * current: every change re-checks before the next message is read. */
#include "session.h"
#include "syntax/format.h"

#include <string.h>

static bool in_span(bind_span sp, uint32_t file, size_t offset)
{
    return sp.file == file && offset >= sp.start && offset < sp.end;
}

/* ---- definition ------------------------------------------------------------ */

/* The file a `use` statement loaded, at its start. */
static json_t *use_target(bind_lsp_server *s, bind_lsp_unit *u, const bind_ast_file *ast, uint32_t i)
{
    for (size_t f = 0; f < u->c->files.len; f++) {
        if (u->c->files.items[f].ast != ast) continue;
        int32_t t = u->c->files.items[f].use_target[i];
        if (t < 0) return NULL;
        uint32_t id = u->c->files.items[t].ast->src->id;
        return bind_lsp_location_json(s, u, bind_span_make(id, 0, 0));
    }
    return NULL;
}

static json_t *cert_named(bind_lsp_server *s, bind_lsp_unit *u, const char *name)
{
    bind_cert *c = bind_model_find_cert(u->c->model, bind_intern_cstr(u->c->interner, name));
    return c ? bind_lsp_location_json(s, u, c->span) : NULL;
}

json_t *bind_lsp_definition(bind_lsp_server *s, json_t *params, int *code, const char **message)
{
    bind_lsp_doc *doc;
    size_t offset;
    if (!bind_lsp_position_params(s, params, &doc, &offset, code, message)) return NULL;
    uint32_t file;
    bind_lsp_unit *u;
    const bind_ast_file *ast = bind_lsp_doc_ast(s, doc, &u, &file);
    if (!ast) return json_null();
    json_t *loc = NULL;
    for (uint32_t i = 0; i < ast->nstmts && !loc; i++) {
        const bind_stmt *st = &ast->stmts[i];
        if (!in_span(st->span, file, offset)) continue;
        if (st->kind == BIND_STMT_USE) { loc = use_target(s, u, ast, i); break; }
        if (st->kind == BIND_STMT_PLATFORM_SELECT && in_span(st->name.span, file, offset)) {
            bind_platform *p = bind_model_find_platform(u->c->model, st->name.text);
            loc = p ? bind_lsp_location_json(s, u, p->span) : NULL;
            break;
        }
        for (uint32_t j = 0; j < st->nitems && !loc; j++) {
            const bind_item *it = &st->items[j];
            if (it->kind == BIND_ITEM_FIELD && st->kind == BIND_STMT_PLATFORM_DEF
                && strcmp(it->u.field.key.text, "default_cert") == 0 && it->u.field.value.len == 1
                && in_span(it->u.field.value.items[0].span, file, offset))
                loc = cert_named(s, u, it->u.field.value.items[0].text);
            if (it->kind != BIND_ITEM_BINDING) continue;
            for (uint32_t q = 0; q < it->u.binding.noptions && !loc; q++) {
                const bind_option *o = &it->u.binding.options[q];
                if (strcmp(o->name.text, "cert") == 0 && o->has_value && o->value.len == 1
                    && in_span(o->span, file, offset))
                    loc = cert_named(s, u, o->value.items[0].text);
            }
        }
    }
    return loc ? loc : json_null();
}

/* ---- document symbols ------------------------------------------------------ */

enum { SK_FILE = 1, SK_MODULE = 2, SK_NAMESPACE = 3, SK_PACKAGE = 4, SK_CLASS = 5, SK_PROPERTY = 7, SK_ENUM = 10,
       SK_INTERFACE = 11, SK_ARRAY = 18, SK_OBJECT = 19, SK_KEY = 20, SK_EVENT = 24 };

typedef struct symbols {
    bind_lsp_server *s;
    bind_lsp_unit *u;
    const char *uri;
    json_t *flat;                 /* SymbolInformation[] for clients without hierarchy */
    bind_arena *a;                /* this request's texts */
    size_t made, total;           /* symbols made (at most BIND_LSP_MAX_SYMBOLS), and there */
} symbols;

/* Counts a symbol; whether there is room to make it. */
static bool take(symbols *y)
{
    y->total++;
    if (y->made >= BIND_LSP_MAX_SYMBOLS) return false;
    y->made++;
    return true;
}

static json_t *symbol(symbols *y, const char *name, const char *detail, int kind, bind_span range, bind_span sel,
                      const char *container)
{
    if (!*name) name = "(unnamed)";
    json_t *o = json_object();
    json_object_set_new(o, "name", bind_lsp_json_cstr(name));
    if (y->flat) {
        json_object_set_new(o, "kind", json_integer(kind));
        json_object_set_new(o, "location", json_pack("{s:s, s:o}", "uri", y->uri, "range", bind_lsp_range_json(y->s, y->u, range)));
        if (container) json_object_set_new(o, "containerName", bind_lsp_json_cstr(container));
        json_array_append_new(y->flat, o);
        return NULL;
    }
    if (detail) json_object_set_new(o, "detail", bind_lsp_json_cstr(detail));
    json_object_set_new(o, "kind", json_integer(kind));
    json_object_set_new(o, "range", bind_lsp_range_json(y->s, y->u, range));
    json_object_set_new(o, "selectionRange", bind_lsp_range_json(y->s, y->u, sel));
    return o;
}

static void add_child(json_t *parent, json_t *child)
{
    if (!parent || !child) { json_decref(child); return; }
    json_t *kids = json_object_get(parent, "children");
    if (!kids) { kids = json_array(); json_object_set_new(parent, "children", kids); }
    json_array_append_new(kids, child);
}

static const char *options_text(bind_arena *a, const bind_ast_binding *b, bind_source *src)
{
    if (!b->noptions) return NULL;
    uint32_t start = b->options[0].span.start, end = b->options[b->noptions - 1].span.end;
    return bind_arena_strndup(a, src->text + start, end - start);
}

static json_t *stmt_symbol(symbols *y, const bind_stmt *st, bind_source *src)
{
    bind_arena *a = y->a;
    if (!take(y)) {               /* past the cap: counted, not made */
        if (st->kind == BIND_STMT_SITE)
            for (uint32_t i = 0; i < st->nitems; i++)
                y->total += st->items[i].kind == BIND_ITEM_BINDING || st->items[i].kind == BIND_ITEM_APP;
        return NULL;
    }
    switch (st->kind) {
    case BIND_STMT_USE:
        return symbol(y, st->name.text, "use", SK_FILE, st->span, st->name.span, NULL);
    case BIND_STMT_PLATFORM_SELECT:
        return symbol(y, st->name.text, "platform (selected)", SK_ENUM, st->span, st->name.span, NULL);
    case BIND_STMT_PLATFORM_DEF:
        return symbol(y, st->name.text, "platform", SK_ENUM, st->span, st->name.span, NULL);
    case BIND_STMT_DEFAULTS:
        return symbol(y, "defaults", NULL, SK_OBJECT, st->span, st->keyword, NULL);
    case BIND_STMT_IPLISTEN:
        return symbol(y, "iplisten", bind_arena_strndup(a, src->text + st->list.span.start, st->list.span.end - st->list.span.start),
                      SK_ARRAY, st->span, st->keyword, NULL);
    case BIND_STMT_CERT:
        return symbol(y, st->name.text, "certificate", SK_KEY, st->span, st->name.span, NULL);
    default: break;
    }
    json_t *site = symbol(y, st->name.text, "site", SK_NAMESPACE, st->span, st->name.span, NULL);
    for (uint32_t i = 0; i < st->nitems; i++) {
        const bind_item *it = &st->items[i];
        if ((it->kind == BIND_ITEM_BINDING || it->kind == BIND_ITEM_APP) && !take(y)) continue;
        if (it->kind == BIND_ITEM_BINDING) {
            const bind_ast_binding *b = &it->u.binding;
            const char *name = bind_arena_printf(a, "%s %s", b->protocol.text, b->info.text);
            add_child(site, symbol(y, name, options_text(a, b, src), SK_INTERFACE, b->span, b->info.span, st->name.text));
        } else if (it->kind == BIND_ITEM_APP) {
            const bind_ast_app *ap = &it->u.app;
            add_child(site, symbol(y, ap->path.text, "app", SK_PACKAGE, ap->span, ap->path.span, st->name.text));
        }
    }
    return site;
}

json_t *bind_lsp_document_symbol(bind_lsp_server *s, json_t *params, int *code, const char **message)
{
    bind_lsp_doc *doc;
    if (!bind_lsp_document_params(s, params, &doc, code, message)) return NULL;
    uint32_t file;
    bind_lsp_unit *u;
    const bind_ast_file *ast = bind_lsp_doc_ast(s, doc, &u, &file);
    if (!ast) return json_null();
    symbols y = { s, u, doc->uri, s->hierarchical_symbols ? NULL : json_array(), bind_arena_new(), 0, 0 };
    json_t *out = json_array();
    for (uint32_t i = 0; i < ast->nstmts; i++) {
        json_t *sym = stmt_symbol(&y, &ast->stmts[i], ast->src);
        if (sym) json_array_append_new(out, sym);
    }
    bind_arena_free(y.a);
    /* The protocol has no way to say a list of symbols is cut. */
    if (y.total > y.made)
        bind_lsp_log(s, "documentSymbol for %s: the first %zu of %zu symbols", doc->uri, y.made, y.total);
    if (y.flat) { json_decref(out); return y.flat; }
    return out;
}

/* ---- code actions ---------------------------------------------------------- */

/* Source text for an action title: at most 40 bytes, control and invisible
 * characters named (they are what most fix-its delete). */
static void quote_for_title(bind_buf *b, const char *s, size_t n)
{
    size_t shown = 0;
    for (size_t i = 0; i < n && shown < 40;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = bind_lsp_utf8_len((const unsigned char *)s + i, n - i);
        uint32_t cp = c;
        if (k == 2) cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
        if (k == 3) cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
        bool invisible = k == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD
                      || (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) || cp == 0xFEFF;
        if (cp == '\n') bind_buf_puts(b, "\\n");
        else if (invisible && k) bind_buf_printf(b, "U+%04X", cp);
        else if (invisible) bind_buf_printf(b, "\\x%02X", c);
        else bind_buf_put(b, s + i, k);
        i += k ? k : 1;
        shown += k ? k : 1;
        if (shown >= 40 && i < n) bind_buf_puts(b, "\xE2\x80\xA6");
    }
}

static char *fixit_title(const bind_source *src, const bind_fixit *f)
{
    bind_buf b;
    bind_buf_init(&b);
    const char *old = src->text + f->span.start, *rep = f->replacement;
    size_t oldn = f->span.end - f->span.start;
    if (!*rep) {
        bind_buf_puts(&b, "Delete `");
        quote_for_title(&b, old, oldn);
        bind_buf_puts(&b, "`");
    } else if (oldn == 0) {
        bool newline = rep[0] == '\n';
        while (*rep == '\n' || *rep == ' ' || *rep == '\t') rep++;
        bind_buf_puts(&b, newline ? "Add `" : "Insert `");
        quote_for_title(&b, rep, strlen(rep));
        bind_buf_puts(&b, newline ? "` on a new line" : "`");
    } else {
        bind_buf_puts(&b, "Replace `");
        quote_for_title(&b, old, oldn);
        bind_buf_puts(&b, "` with `");
        quote_for_title(&b, rep, strlen(rep));
        bind_buf_puts(&b, "`");
    }
    bind_buf_putc(&b, '\0');
    return b.data;
}

static bool before(bind_lsp_pos a, bind_lsp_pos b) { return a.line < b.line || (a.line == b.line && a.character < b.character); }

static bool only_allows_quickfix(json_t *only)
{
    if (!json_is_array(only)) return true;
    size_t i;
    json_t *k;
    json_array_foreach(only, i, k) {
        const char *v = json_string_value(k);
        if (v && (strcmp(v, "quickfix") == 0 || strncmp(v, "quickfix.", 9) == 0 || *v == '\0')) return true;
    }
    return false;
}

static bool has_equal(json_t *list, json_t *x)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) if (json_equal(v, x)) return true;
    return false;
}

json_t *bind_lsp_code_action(bind_lsp_server *s, json_t *params, int *code, const char **message)
{
    const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
    json_t *range = json_object_get(params, "range");
    bind_lsp_pos rs, re;
    if (!uri || !bind_lsp_parse_pos(json_object_get(range, "start"), &rs) || !bind_lsp_parse_pos(json_object_get(range, "end"), &re)) {
        *code = BIND_RPC_INVALID_PARAMS;
        *message = "expected textDocument.uri and range";
        return NULL;
    }
    json_t *actions = json_array();
    bind_lsp_doc *doc = bind_lsp_find_doc(s, uri);
    if (!doc || !s->code_action_literals || !only_allows_quickfix(json_object_get(json_object_get(params, "context"), "only")))
        return actions;
    bind_arena *scratch = bind_arena_new();
    /* Every unit that checks this document: their diagnostics were published together. */
    for (size_t ui = 0; ui < s->units.len; ui++) {
        bind_lsp_unit *u = s->units.items[ui];
        uint32_t file;
        if (!bind_lsp_unit_has(u, doc->key, &file)) continue;
        const bind_source *src = bind_sources_get(&u->c->sources, file);
        for (size_t i = 0; i < u->c->diags.list.len; i++) {
            const bind_diag *d = u->c->diags.list.items[i];
            if (d->span.file != file || !d->fixits) continue;
            bind_lsp_pos ds = bind_lsp_unit_pos(s, u, file, d->span.start), de = bind_lsp_unit_pos(s, u, file, d->span.end);
            if (before(re, ds) || before(de, rs)) continue;       /* touching counts: a caret at the end is on it */
            size_t nfix = 0;
            for (const bind_fixit *f = d->fixits; f; f = f->next) nfix++;
            for (const bind_fixit *f = d->fixits; f; f = f->next) {
                if (f->span.file != file) continue;
                char *title = fixit_title(src, f);
                json_t *edit = json_pack("{s:o, s:o}", "range", bind_lsp_range_json(s, u, f->span),
                                         "newText", bind_lsp_json_cstr(f->replacement));
                json_t *changes = json_object();
                json_object_set_new(changes, uri, json_pack("[o]", edit));
                json_t *a = json_object();
                json_object_set_new(a, "title", bind_lsp_json_cstr(title));
                json_object_set_new(a, "kind", json_string("quickfix"));
                json_object_set_new(a, "diagnostics", json_pack("[o]", bind_lsp_diag_json(s, u, d, scratch)));
                if (nfix == 1) json_object_set_new(a, "isPreferred", json_true());
                json_object_set_new(a, "edit", json_pack("{s:o}", "changes", changes));
                free(title);
                if (has_equal(actions, a)) json_decref(a);
                else json_array_append_new(actions, a);
            }
        }
    }
    bind_arena_free(scratch);
    return actions;
}

/* ---- formatting ------------------------------------------------------------ */

json_t *bind_lsp_formatting(bind_lsp_server *s, json_t *params, int *code, const char **message)
{
    bind_lsp_doc *doc;
    if (!bind_lsp_document_params(s, params, &doc, code, message)) return NULL;
    uint32_t file;
    bind_lsp_unit *u;
    const bind_ast_file *ast = bind_lsp_doc_ast(s, doc, &u, &file);
    if (!ast) return json_null();
    bind_arena *scratch = bind_arena_new();
    bind_buf out;
    bind_buf_init(&out);
    bool ok = bind_fmt_ast(ast, scratch, &out);
    bind_arena_free(scratch);
    if (!ok) {
        bind_buf_free(&out);
        *code = BIND_RPC_REQUEST_FAILED;
        *message = "the file has syntax errors: fix them first, then format";
        return NULL;
    }
    /* One edit over the part that changed, so the editor keeps the cursor
     * and marks outside it.  Its ends sit on whole characters and never
     * between the \r and \n of a line break. */
    const char *old = doc->text, *neu = out.data ? out.data : "";
    size_t on = doc->len, nn = out.len, pre = 0, suf = 0;
    while (pre < on && pre < nn && old[pre] == neu[pre]) pre++;
    while (pre > 0 && ((old[pre] & 0xC0) == 0x80 || old[pre - 1] == '\r')) pre--;
    while (suf < on - pre && suf < nn - pre && old[on - 1 - suf] == neu[nn - 1 - suf]) suf++;
    while (suf > 0 && ((old[on - suf] & 0xC0) == 0x80 || (old[on - suf] == '\n' && on - suf > 0 && old[on - suf - 1] == '\r'))) suf--;
    json_t *edits = json_array();
    if (pre != on || pre != nn) {
        json_t *r = json_object();
        json_object_set_new(r, "start", bind_lsp_pos_json(bind_lsp_pos_of(&doc->lines, old, on, pre, s->enc)));
        json_object_set_new(r, "end", bind_lsp_pos_json(bind_lsp_pos_of(&doc->lines, old, on, on - suf, s->enc)));
        json_array_append_new(edits, json_pack("{s:o, s:o}", "range", r, "newText", bind_lsp_json_string(neu + pre, nn - pre - suf)));
    }
    bind_buf_free(&out);
    return edits;
}
