/* Completion: keywords, protocols, options, fields, values, certificate
 * and platform names, and `use` targets.
 *
 * The text being typed is rarely valid, so the context comes from a small
 * scan of the buffer up to the cursor (which block, which words on this
 * statement so far), not from the syntax tree; the names to offer come
 * from the last check of the unit. */
#include "session.h"
#include "model/vocab.h"

#include <dirent.h>
#include <string.h>

enum { T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_EQ, T_COMMA, T_NL };

typedef struct ctok { int kind; size_t start, end; } ctok;

#define MAX_DEPTH 16
#define MAX_TOKS 16

typedef struct context {
    enum bind_block block;
    ctok toks[MAX_TOKS];          /* the statement so far, without the word being typed */
    size_t ntoks;
    size_t prefix_start;          /* the word (or string contents) being typed ends at the cursor */
    bool in_string, in_comment;
} context;

static bool word_byte(char c)
{
    return !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '#' || c == '"' || c == '\''
             || c == '{' || c == '}' || c == '=' || c == ',');
}

static bool tok_is(const char *text, const ctok *t, const char *word)
{
    size_t n = strlen(word);
    return t->kind == T_WORD && t->end - t->start == n && memcmp(text + t->start, word, n) == 0;
}

static enum bind_block block_of(const char *text, const context *c, enum bind_block outer)
{
    if (c->ntoks == 0) return BIND_BLOCK_OTHER;
    const ctok *t = &c->toks[0];
    if (outer == BIND_BLOCK_TOP) {
        if (tok_is(text, t, "site")) return BIND_BLOCK_SITE;
        if (tok_is(text, t, "cert")) return BIND_BLOCK_CERT;
        if (tok_is(text, t, "defaults")) return BIND_BLOCK_DEFAULTS;
        if (tok_is(text, t, "platform")) return BIND_BLOCK_PLATFORM;
    }
    if (outer == BIND_BLOCK_SITE && tok_is(text, t, "app")) return BIND_BLOCK_APP;
    return BIND_BLOCK_OTHER;
}

static void scan(const char *text, size_t cursor, context *c)
{
    enum bind_block stack[MAX_DEPTH];
    size_t depth = 0;
    memset(c, 0, sizeof *c);
    c->block = BIND_BLOCK_TOP;
    int last = T_NL;
    size_t i = 0;
    while (i < cursor) {
        char ch = text[i];
        if (ch == ' ' || ch == '\t' || ch == '\r') { i++; continue; }
        if (ch == '#') {
            while (i < cursor && text[i] != '\n') i++;
            if (i == cursor) { c->in_comment = true; return; }
            continue;
        }
        ctok t = { T_WORD, i, i + 1 };
        if (ch == '\n') {
            t.kind = T_NL;
            i++;
            if (last == T_COMMA) continue;            /* a list goes on */
            c->ntoks = 0;
            last = T_NL;
            continue;
        }
        if (ch == '"' || ch == '\'') {
            size_t j = i + 1;
            while (j < cursor && text[j] != ch && text[j] != '\n') j += ch == '"' && text[j] == '\\' && j + 1 < cursor ? 2 : 1;
            if (j >= cursor) { c->in_string = true; c->prefix_start = i + 1; return; }
            t.kind = T_STRING;
            t.end = j + (text[j] == ch);
            i = t.end;
        } else if (ch == '{' || ch == '}' || ch == '=' || ch == ',') {
            t.kind = ch == '{' ? T_LBRACE : ch == '}' ? T_RBRACE : ch == '=' ? T_EQ : T_COMMA;
            i++;
        } else {
            size_t j = i;
            while (j < cursor && word_byte(text[j])) j++;
            if (j == cursor) { c->prefix_start = i; return; }   /* the word being typed */
            t.end = j;
            i = j;
        }
        last = t.kind;
        if (t.kind == T_LBRACE) {
            enum bind_block b = block_of(text, c, c->block);
            if (depth < MAX_DEPTH) stack[depth++] = c->block;
            c->block = b;
            c->ntoks = 0;
            continue;
        }
        if (t.kind == T_RBRACE) {
            if (depth) c->block = stack[--depth];
            c->ntoks = 0;
            continue;
        }
        if (c->ntoks < MAX_TOKS) c->toks[c->ntoks++] = t;
    }
    c->prefix_start = cursor;
}

/* ---- items ----------------------------------------------------------------- */

/* At most BIND_LSP_MAX_COMPLETION items (a file of 100,000 certificates
 * must not make a 100,000-item list): a first pass only counts; when there
 * are more, the second keeps the items that start with the word typed, up
 * to the cap, and the list says isIncomplete, so the client asks again as
 * the word grows. */
typedef struct items {
    bind_lsp_server *s;
    json_t *list;
    json_t *range;                /* the text the item replaces */
    bool counting;                /* the first pass */
    size_t count;                 /* items the first pass found */
    const char *prefix;           /* when filtering: the word typed */
    size_t prefix_len;
    bool filter, cut;
} items;

static bool starts_with_ci(const char *s, const char *prefix, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!s[i]) return false;
        char a = s[i], b = prefix[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
        if (a != b) return false;
    }
    return true;
}

static void add(items *it, const char *label, int kind, const char *detail, const char *doc, const char *insert)
{
    if (it->counting) { it->count++; return; }
    if (it->filter && !starts_with_ci(label, it->prefix, it->prefix_len)) return;
    if (json_array_size(it->list) >= BIND_LSP_MAX_COMPLETION) { it->cut = true; return; }
    json_t *o = json_object();
    json_object_set_new(o, "label", bind_lsp_json_cstr(label));
    json_object_set_new(o, "kind", json_integer(kind));
    if (detail) json_object_set_new(o, "detail", bind_lsp_json_cstr(detail));
    if (doc) {
        json_t *m = bind_lsp_markup(it->s->completion_markdown, doc, strlen(doc));
        /* Plain documentation goes as a string, which every client takes. */
        if (!it->s->completion_markdown) { json_object_set(o, "documentation", json_object_get(m, "value")); json_decref(m); }
        else json_object_set_new(o, "documentation", m);
    }
    char sort[16];
    snprintf(sort, sizeof sort, "%04zu", json_array_size(it->list));
    json_object_set_new(o, "sortText", json_string(sort));
    json_object_set_new(o, "filterText", bind_lsp_json_cstr(label));
    json_object_set_new(o, "textEdit", json_pack("{s:O, s:o}", "range", it->range, "newText", bind_lsp_json_cstr(insert ? insert : label)));
    json_array_append_new(it->list, o);
}

enum { K_FIELD = 5, K_VALUE = 12, K_PROPERTY = 10, K_KEYWORD = 14, K_FILE = 17, K_REFERENCE = 18,
       K_ENUM_MEMBER = 20, K_MODULE = 9, K_CONSTANT = 21 };

static void add_words(items *it, const bind_word *w, size_t n, int kind, const char *detail, bool field)
{
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        if (field) snprintf(buf, sizeof buf, "%s = ", w[i].name);
        add(it, w[i].name, kind, detail, w[i].doc, field ? buf : NULL);
    }
}

static void add_options(items *it, const char *text, const context *c)
{
    for (size_t i = 0; i < BIND_OPTION_COUNT; i++) {
        const bind_option_word *o = &bind_options[i];
        bool given = false;
        for (size_t t = 2; t < c->ntoks; t++) given |= tok_is(text, &c->toks[t], o->word.name);
        if (given) continue;
        char insert[40];
        const char *form = o->needs_value ? "=" : o->word.value == BIND_VALUE_OFF ? "=off" : "";
        snprintf(insert, sizeof insert, "%s%s", o->word.name, form);
        add(it, o->word.name, K_PROPERTY, "binding option", o->word.doc, insert);
    }
}

static void add_certs(items *it, const bind_model *m)
{
    for (uint32_t i = 0; m && i < m->ncerts; i++) {
        const bind_cert *c = m->certs[i];
        char detail[96];
        if (c->thumbprint) snprintf(detail, sizeof detail, "certificate %s", c->thumbprint);
        else snprintf(detail, sizeof detail, "certificate%s", c->is_stdlib ? " (stdlib)" : "");
        add(it, c->name, K_REFERENCE, detail, NULL, NULL);
    }
}

static void add_platforms(items *it, const bind_model *m)
{
    for (uint32_t i = 0; m && i < m->nplatforms; i++) {
        const bind_platform *p = m->platforms[i];
        add(it, p->name, K_ENUM_MEMBER, p == m->platform ? "platform (selected)" : "platform", NULL, NULL);
    }
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Stdlib names and the .bind files beside the document. */
static void add_use_targets(items *it, const bind_lsp_doc *doc, bool in_string)
{
    char buf[300];
    for (size_t i = 0; i < bind_stdlib_count(); i++) {
        const char *name = bind_stdlib_at(i)->name;
        if (strcmp(name, "prelude") == 0) continue;      /* always loaded */
        snprintf(buf, sizeof buf, in_string ? "%s" : "\"%s\"", name);
        add(it, name, K_MODULE, "stdlib", NULL, buf);
    }
    if (!doc->is_file) return;
    const char *slash = strrchr(doc->path, '/');
    char dir[4096];
    size_t dn = slash ? (size_t)(slash - doc->path) : 0;
    if (dn + 2 > sizeof dir) return;
    memcpy(dir, doc->path, dn);
    dir[dn ? dn : 0] = '\0';
    if (!dn) strcpy(dir, "/");
    DIR *d = opendir(dir);
    if (!d) return;
    BIND_VEC(char *) names = { 0 };
    const char *self = slash ? slash + 1 : doc->path;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".bind") != 0 || strcmp(e->d_name, self) == 0) continue;
        char *copy = bind_xmalloc(n + 1);
        memcpy(copy, e->d_name, n + 1);
        bind_vec_push(&names, copy);
    }
    closedir(d);
    if (names.len) qsort(names.items, names.len, sizeof *names.items, cmp_name);
    for (size_t i = 0; i < names.len; i++) {
        snprintf(buf, sizeof buf, in_string ? "%s" : "\"%s\"", names.items[i]);
        add(it, names.items[i], K_FILE, "file", NULL, buf);
        free(names.items[i]);
    }
    bind_vec_free(&names);
}

static void add_values(items *it, enum bind_value_kind v, const bind_model *m)
{
    switch (v) {
    case BIND_VALUE_BOOL:
        add(it, "on", K_VALUE, NULL, NULL, NULL);
        add(it, "off", K_VALUE, NULL, NULL, NULL);
        break;
    case BIND_VALUE_OFF: add(it, "off", K_VALUE, NULL, NULL, NULL); break;
    case BIND_VALUE_CERT: add_certs(it, m); break;
    case BIND_VALUE_STORE: {
        size_t n;
        const bind_word *w = bind_vocab_stores(&n);
        for (size_t i = 0; i < n; i++) add(it, w[i].name, K_VALUE, "certificate store", w[i].doc, NULL);
        break;
    }
    case BIND_VALUE_SERVER: {
        size_t n;
        const bind_word *w = bind_vocab_servers(&n);
        for (size_t i = 0; i < n; i++) add(it, w[i].name, K_ENUM_MEMBER, "server", w[i].doc, NULL);
        break;
    }
    default: break;
    }
}

static bool is_protocol(const char *text, const ctok *t)
{
    size_t n;
    const bind_word *p = bind_vocab_protocols(&n);
    return t->kind == T_WORD && bind_word_find(p, n, text + t->start, t->end - t->start);
}

static void complete(items *it, const bind_lsp_doc *doc, const context *c, const bind_model *m)
{
    const char *text = doc->text;
    const ctok *t = c->toks;
    size_t n;
    if (c->in_comment) return;
    if (c->block == BIND_BLOCK_TOP) {
        if (c->ntoks == 0 && !c->in_string) {
            const bind_word *k = bind_vocab_keywords(&n);
            add_words(it, k, n, K_KEYWORD, "keyword", false);
        } else if (c->ntoks == 1 && tok_is(text, &t[0], "platform") && !c->in_string) {
            add_platforms(it, m);
        } else if (c->ntoks == 1 && tok_is(text, &t[0], "use")) {
            add_use_targets(it, doc, c->in_string);
        }
        return;
    }
    if (c->in_string || c->block == BIND_BLOCK_OTHER) return;
    const bind_word *fields = bind_vocab_fields(c->block, &n);
    if (c->ntoks == 0) {
        if (c->block == BIND_BLOCK_SITE) {
            size_t np;
            const bind_word *p = bind_vocab_protocols(&np);
            add_words(it, p, np, K_KEYWORD, "protocol", false);
        }
        add_words(it, fields, n, K_FIELD, "field", true);
        if (c->block == BIND_BLOCK_SITE)
            add(it, "app", K_KEYWORD, "keyword", "`app \"/path\" { path, pool }`: an IIS application under the site.", NULL);
        return;
    }
    if (c->ntoks >= 2 && t[1].kind == T_EQ && t[0].kind == T_WORD && (c->ntoks == 2 || t[c->ntoks - 1].kind == T_COMMA)) {
        const bind_word *f = bind_word_find(fields, n, text + t[0].start, t[0].end - t[0].start);
        if (f) add_values(it, f->value, m);
        return;
    }
    if (c->block == BIND_BLOCK_SITE && is_protocol(text, &t[0]) && c->ntoks >= 2) {
        const ctok *last = &t[c->ntoks - 1];
        if (last->kind == T_EQ && c->ntoks >= 3 && t[c->ntoks - 2].kind == T_WORD) {
            const ctok *name = &t[c->ntoks - 2];
            const bind_option_word *o = bind_option_find(text + name->start, name->end - name->start);
            if (o) add_values(it, o->word.value, m);
            return;
        }
        if (last->kind == T_WORD && c->ntoks >= 2) add_options(it, text, c);
    }
}

json_t *bind_lsp_completion(bind_lsp_server *s, json_t *params, int *code, const char **message)
{
    bind_lsp_doc *doc;
    size_t offset;
    if (!bind_lsp_position_params(s, params, &doc, &offset, code, message)) return NULL;
    if (!doc) return json_null();
    context c;
    scan(doc->text, offset, &c);
    json_t *range = json_object();
    json_object_set_new(range, "start", bind_lsp_pos_json(bind_lsp_pos_of(&doc->lines, doc->text, doc->len, c.prefix_start, s->enc)));
    json_object_set_new(range, "end", bind_lsp_pos_json(bind_lsp_pos_of(&doc->lines, doc->text, doc->len, offset, s->enc)));
    bind_lsp_unit *u = bind_lsp_unit_of(s, doc, NULL);
    items it = { .s = s, .list = json_array(), .range = range, .counting = true };
    complete(&it, doc, &c, u ? u->c->model : NULL);
    it.counting = false;
    if (it.count > BIND_LSP_MAX_COMPLETION) {
        it.filter = true;
        it.prefix = doc->text + c.prefix_start;
        it.prefix_len = offset - c.prefix_start;
    }
    complete(&it, doc, &c, u ? u->c->model : NULL);
    json_decref(range);
    /* Filtered or cut, the list is not all there is. */
    return json_pack("{s:b, s:o}", "isIncomplete", it.filter || it.cut, "items", it.list);
}
