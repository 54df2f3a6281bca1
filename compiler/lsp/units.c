/* Checking for the language server: units and their diagnostics.
 *
 * A unit is one compilation rooted at an open document: that document,
 * every file it `use`s (open buffers before the disk) and the stdlib,
 * checked as one server by the same engine as `bindc check`.  An open
 * document that another open document uses is not a root of its own: it is
 * checked as part of the file that uses it, where its names resolve.  So
 * the roots are the open documents no other unit contains (of two files
 * that use each other, the one opened first), and a change to any file
 * re-checks every unit that contains it.  The client gets a
 * publishDiagnostics for every file whose diagnostics changed, including
 * used files that are not open, and an empty one when a file drops out. */
#include "session.h"
#include "check/load.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- reading: open buffers first --------------------------------------- */

/* The loader's own reader: it opens without blocking and refuses what is
 * not a regular file (a `use` of a FIFO would otherwise wait in open()
 * for a writer, and the server with it). */
static int read_disk(const char *path, char **text, size_t *len)
{
    size_t limit = BIND_MAX_FILE_SIZE;
    return bind_load_read_disk(&limit, path, text, len);
}

static int read_for_unit(void *ctx, const char *path, char **text, size_t *len)
{
    bind_lsp_server *s = ctx;
    for (size_t i = 0; i < s->docs.len; i++) {
        const bind_lsp_doc *d = s->docs.items[i];
        if (!d->key || strcmp(d->key, path) != 0) continue;
        *text = bind_xmalloc(d->len + 1);
        memcpy(*text, d->text, d->len);
        *len = d->len;
        return 0;
    }
    return read_disk(path, text, len);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = bind_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

/* The loader names a file by its realpath, or by the path as given when it
 * is not on disk (an unsaved buffer). */
static void update_key(bind_lsp_doc *d)
{
    char real[PATH_MAX];
    const char *k = d->is_file && realpath(d->path, real) ? real : d->path;
    if (d->key && strcmp(d->key, k) == 0) return;
    free(d->key);
    d->key = dup_str(k);
}

/* ---- positions ------------------------------------------------------------ */

static const bind_lsp_lines *unit_lines(bind_lsp_unit *u, uint32_t file)
{
    bind_lsp_lines *l = &u->lines[file];
    if (!l->starts) {
        const bind_source *src = bind_sources_get(&u->c->sources, file);
        bind_lsp_lines_build(l, src->text, src->len);
    }
    return l;
}

bind_lsp_pos bind_lsp_unit_pos(bind_lsp_server *s, bind_lsp_unit *u, uint32_t file, uint32_t offset)
{
    const bind_source *src = bind_sources_get(&u->c->sources, file);
    return bind_lsp_pos_of(unit_lines(u, file), src->text, src->len, offset, s->enc);
}

json_t *bind_lsp_pos_json(bind_lsp_pos p)
{
    return json_pack("{s:I, s:I}", "line", (json_int_t)p.line, "character", (json_int_t)p.character);
}

json_t *bind_lsp_range_json(bind_lsp_server *s, bind_lsp_unit *u, bind_span span)
{
    json_t *r = json_object();
    json_object_set_new(r, "start", bind_lsp_pos_json(bind_lsp_unit_pos(s, u, span.file, span.start)));
    json_object_set_new(r, "end", bind_lsp_pos_json(bind_lsp_unit_pos(s, u, span.file, span.end)));
    return r;
}

json_t *bind_lsp_location_json(bind_lsp_server *s, bind_lsp_unit *u, bind_span span)
{
    if (span.file >= u->c->sources.files.len || !u->uris[span.file]) return NULL;
    json_t *l = json_object();
    json_object_set_new(l, "uri", json_string(u->uris[span.file]));
    json_object_set_new(l, "range", bind_lsp_range_json(s, u, span));
    return l;
}

/* "<stdlib>/iis-express.bind:20:6" for a place the client cannot open. */
static char *place_text(bind_lsp_unit *u, bind_span span, bind_arena *a)
{
    bind_source *src = bind_sources_get(&u->c->sources, span.file);
    uint32_t line, col;
    bind_source_linecol(src, span.start, &line, &col);
    return bind_arena_printf(a, "%s:%u:%u", src->path, line, col);
}

/* ---- diagnostics ---------------------------------------------------------- */

static uint32_t root_file(const bind_lsp_unit *u)
{
    const bind_compilation *c = u->c;
    return c->files.items[c->roots.items[c->roots.len - 1]].ast->src->id;
}

json_t *bind_lsp_diag_json(bind_lsp_server *s, bind_lsp_unit *u, const bind_diag *d, bind_arena *a)
{
    bool in_stdlib = !u->uris[d->span.file];
    const char *message = d->message;
    if (in_stdlib) message = bind_arena_printf(a, "%s: %s", place_text(u, d->span, a), message);
    json_t *related = json_array();
    for (const bind_note *n = d->notes; n; n = n->next) {
        json_t *loc = n->has_span ? bind_lsp_location_json(s, u, n->span) : NULL;
        if (loc && s->related_info) {
            json_array_append_new(related, json_pack("{s:o, s:o}", "location", loc, "message", bind_lsp_json_cstr(n->message)));
            continue;
        }
        json_decref(loc);
        if (n->has_span)
            message = bind_arena_printf(a, "%s\nnote: %s (%s)", message, n->message, place_text(u, n->span, a));
        else
            message = bind_arena_printf(a, "%s\nnote: %s", message, n->message);
    }
    static const int severity[] = { [BIND_SEV_ERROR] = 1, [BIND_SEV_WARNING] = 2, [BIND_SEV_HINT] = 4 };
    json_t *o = json_object();
    bind_span where = in_stdlib ? bind_span_make(root_file(u), 0, 0) : d->span;
    json_object_set_new(o, "range", bind_lsp_range_json(s, u, where));
    json_object_set_new(o, "severity", json_integer(severity[d->severity]));
    json_object_set_new(o, "code", json_string(bind_code_name(d->code)));
    json_object_set_new(o, "source", json_string("bindc"));
    json_object_set_new(o, "message", bind_lsp_json_cstr(message));
    /* Editors fade what can be deleted without changing the result. */
    if (s->diag_tags && (d->code == BIND_W0302 || d->code == BIND_W0405))
        json_object_set_new(o, "tags", json_pack("[i]", 1));
    if (json_array_size(related)) json_object_set_new(o, "relatedInformation", related);
    else json_decref(related);
    return o;
}

static json_t *diags_of(bind_lsp_unit *u, const char *uri)
{
    json_t *a = json_object_get(u->diags, uri);
    if (!a) { a = json_array(); json_object_set_new(u->diags, uri, a); }
    return a;
}

static void collect_diags(bind_lsp_server *s, bind_lsp_unit *u)
{
    u->diags = json_object();
    const bind_diag_bag *bag = &u->c->diags;
    const char *root_uri = u->uris[root_file(u)];
    for (size_t i = 0; i < bag->list.len; i++) {
        const bind_diag *d = bag->list.items[i];
        const char *uri = u->uris[d->span.file] ? u->uris[d->span.file] : root_uri;
        json_array_append_new(diags_of(u, uri), bind_lsp_diag_json(s, u, d, u->c->arena));
    }
    if (bag->suppressed) {
        const char *m = bind_arena_printf(u->c->arena, "%zu more diagnostics not shown (bindc keeps the first %zu)",
                                          bag->suppressed, bag->limit);
        bind_span at = bind_span_make(root_file(u), 0, 0);
        json_array_append_new(diags_of(u, root_uri),
                              json_pack("{s:o, s:i, s:s, s:s}", "range", bind_lsp_range_json(s, u, at), "severity", 3,
                                        "source", "bindc", "message", m));
    }
}

/* ---- units ---------------------------------------------------------------- */

static void unit_free(bind_lsp_unit *u)
{
    if (!u) return;
    size_t n = u->c->sources.files.len;
    for (size_t i = 0; i < n; i++) {
        free(u->keys[i]);
        free(u->uris[i]);
        bind_lsp_lines_free(&u->lines[i]);
    }
    free(u->keys);
    free(u->uris);
    free(u->lines);
    json_decref(u->diags);
    bind_compilation_free(u->c);
    free(u);
}

static bind_lsp_doc *doc_by_key(bind_lsp_server *s, const char *key)
{
    for (size_t i = 0; i < s->docs.len; i++)
        if (s->docs.items[i]->key && strcmp(s->docs.items[i]->key, key) == 0) return s->docs.items[i];
    return NULL;
}

/* One capture of bindc.stateFiles into c; 0, or why not.  The server
 * never blocks on a file, and bind_compilation_add_state reads what is not
 * a regular file as a stream, for `netsh ... | bindc check x.bind --state -`
 * at a terminal: a FIFO with an open() that waits for a writer, `-` from
 * the standard input, which is the protocol here.  So it gets only a
 * regular file, by its canonical path (never `-`), which it reads with the
 * units' reader (open buffers, then the disk without blocking). */
static int add_state_file(bind_compilation *c, const char *path)
{
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(path, real) || stat(real, &st) != 0) return errno;
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (!S_ISREG(st.st_mode)) return BIND_ENOTREG;
    int err = 0;
    if (bind_compilation_add_state(c, real, &err)) return 0;
    return err ? err : EIO;
}

static bind_lsp_unit *unit_new(bind_lsp_server *s, bind_lsp_doc *root)
{
    bind_lsp_unit *u = bind_xmalloc(sizeof *u);
    memset(u, 0, sizeof *u);
    u->root = root;
    bind_compilation *c = u->c = bind_compilation_new();
    c->read = read_for_unit;
    c->read_ctx = s;
    for (size_t i = 0; i < s->folders.len; i++) bind_compilation_allow_dir(c, s->folders.items[i]);
    bind_compilation_add_text(c, root->path, root->text, root->len);
    /* The machine's captures (bindc.stateFiles), as `--state` reads them;
     * a problem is logged when it is new, not at every keystroke. */
    c->state_reader = s->opt.state_reader;
    for (size_t i = 0; c->state_reader && i < s->state_files.len; i++) {
        bind_lsp_state_file *f = &s->state_files.items[i];
        int err = add_state_file(c, f->path);
        if (err && err != f->err) bind_lsp_log(s, "bindc.stateFiles: cannot read %s: %s", f->path, bind_load_error(err));
        f->err = err;
    }
    bind_compilation_check(c);
    size_t n = c->sources.files.len;
    u->keys = bind_xmalloc(n * sizeof *u->keys);
    u->uris = bind_xmalloc(n * sizeof *u->uris);
    u->lines = bind_xmalloc(n * sizeof *u->lines);
    memset(u->lines, 0, n * sizeof *u->lines);
    for (size_t i = 0; i < n; i++) {
        const bind_source *src = c->sources.files.items[i];
        u->keys[i] = u->uris[i] = NULL;
        if (src->is_stdlib) continue;
        const char *key = src->real_path ? src->real_path : src->path;
        u->keys[i] = dup_str(key);
        const bind_lsp_doc *d = doc_by_key(s, key);
        u->uris[i] = d ? dup_str(d->uri) : bind_lsp_path_to_uri(key);
    }
    collect_diags(s, u);
    return u;
}

bool bind_lsp_unit_has(const bind_lsp_unit *u, const char *key, uint32_t *file)
{
    if (!key) return false;
    size_t n = u->c->sources.files.len;
    for (size_t i = 0; i < n; i++) {
        if (u->keys[i] && strcmp(u->keys[i], key) == 0) {
            if (file) *file = (uint32_t)i;
            return true;
        }
    }
    return false;
}

const bind_ast_file *bind_lsp_unit_ast(const bind_lsp_unit *u, uint32_t file)
{
    for (size_t i = 0; i < u->c->files.len; i++)
        if (u->c->files.items[i].ast->src->id == file) return u->c->files.items[i].ast;
    return NULL;
}

const bind_ast_file *bind_lsp_doc_ast(bind_lsp_server *s, const bind_lsp_doc *doc, bind_lsp_unit **u, uint32_t *file)
{
    *u = doc ? bind_lsp_unit_of(s, doc, file) : NULL;
    return *u ? bind_lsp_unit_ast(*u, *file) : NULL;
}

bind_lsp_unit *bind_lsp_unit_of(bind_lsp_server *s, const bind_lsp_doc *doc, uint32_t *file)
{
    bind_lsp_unit *best = NULL;
    for (size_t i = 0; i < s->units.len; i++) {
        bind_lsp_unit *u = s->units.items[i];
        if (u->root == doc) { best = u; break; }
        if (bind_lsp_unit_has(u, doc->key, NULL) && (!best || u->root->order < best->root->order)) best = u;
    }
    if (best && file) {
        if (best->root == doc) *file = root_file(best);
        else bind_lsp_unit_has(best, doc->key, file);
    }
    return best;
}

void bind_lsp_state_files_free(bind_lsp_server *s)
{
    for (size_t i = 0; i < s->state_files.len; i++) free(s->state_files.items[i].path);
    bind_vec_free(&s->state_files);
}

bool bind_lsp_set_state_files(bind_lsp_server *s, json_t *settings)
{
    json_t *b = json_object_get(settings, "bindc");
    json_t *list = json_object_get(json_is_object(b) ? b : settings, "stateFiles");
    /* Without a "bindc" section the settings are another extension's. */
    if (!json_is_object(b) && !json_is_array(list)) return false;
    if (list && !json_is_array(list)) bind_lsp_log(s, "bindc.stateFiles is not a list of paths: no captures are read");
    for (size_t i = 0; i < s->state_files.len; i++) free(s->state_files.items[i].path);
    s->state_files.len = 0;
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (!json_is_string(v) || !*json_string_value(v)) {
            bind_lsp_log(s, "bindc.stateFiles[%zu] is not a path: skipped", i);
            continue;
        }
        const char *p = json_string_value(v);
        char *path = strncmp(p, "file://", 7) == 0 ? bind_lsp_uri_to_path(p) : NULL;
        if (!path && p[0] != '/' && s->root_path) {
            size_t n = strlen(s->root_path) + strlen(p) + 2;
            path = bind_xmalloc(n);
            snprintf(path, n, "%s/%s", s->root_path, p);
        }
        if (!path) path = dup_str(p);
        bind_vec_push(&s->state_files, ((bind_lsp_state_file){ path, -1 }));
    }
    return true;
}

/* path made canonical as far as it exists: its folder's realpath and its
 * name when the file itself is gone (a deletion names it so). */
static char *canonical(const char *path)
{
    char real[PATH_MAX];
    if (realpath(path, real)) return dup_str(real);
    const char *slash = strrchr(path, '/');
    if (!slash || !slash[1]) return dup_str(path);
    char *dir = dup_str(path);
    dir[slash - path + (slash == path)] = '\0';
    char *out = NULL;
    if (realpath(dir, real)) {
        size_t n = strlen(real) + strlen(slash) + 1;
        out = bind_xmalloc(n);
        snprintf(out, n, "%s%s", strcmp(real, "/") == 0 ? "" : real, slash);
    }
    free(dir);
    return out ? out : dup_str(path);
}

bool bind_lsp_is_state_file(bind_lsp_server *s, const char *path)
{
    if (!s->state_files.len) return false;
    char *want = canonical(path);
    bool found = false;
    for (size_t i = 0; i < s->state_files.len && !found; i++) {
        const char *p = s->state_files.items[i].path;
        if (strcmp(p, path) == 0) { found = true; break; }
        char *have = canonical(p);
        found = strcmp(have, want) == 0;
        free(have);
    }
    free(want);
    return found;
}

void bind_lsp_units_free(bind_lsp_server *s)
{
    for (size_t i = 0; i < s->units.len; i++) unit_free(s->units.items[i]);
    bind_vec_free(&s->units);
}

static void unit_drop(bind_lsp_server *s, size_t i)
{
    unit_free(s->units.items[i]);
    memmove(&s->units.items[i], &s->units.items[i + 1], (s->units.len - i - 1) * sizeof *s->units.items);
    s->units.len--;
}

/* One step towards the right set of roots: drop a unit whose root another
 * unit contains, or add one for an open document no unit contains. */
static bool settle_once(bind_lsp_server *s)
{
    for (size_t i = 0; i < s->units.len; i++) {
        bind_lsp_unit *u = s->units.items[i];
        for (size_t j = 0; j < s->units.len; j++) {
            bind_lsp_unit *v = s->units.items[j];
            if (i == j || !bind_lsp_unit_has(v, u->root->key, NULL)) continue;
            bool mutual = bind_lsp_unit_has(u, v->root->key, NULL);
            if (!mutual || v->root->order < u->root->order) { unit_drop(s, i); return true; }
        }
    }
    for (size_t d = 0; d < s->docs.len; d++) {
        bind_lsp_doc *doc = s->docs.items[d];
        bool covered = false;
        for (size_t i = 0; i < s->units.len && !covered; i++)
            covered = s->units.items[i]->root == doc || bind_lsp_unit_has(s->units.items[i], doc->key, NULL);
        if (!covered) { bind_vec_push(&s->units, unit_new(s, doc)); return true; }
    }
    return false;
}

/* ---- publishing ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static void merge_into(json_t *now, const char *uri, json_t *diags)
{
    json_t *have = json_object_get(now, uri);
    if (!have) { json_object_set(now, uri, diags); return; }
    /* Two units share a file: every distinct diagnostic once. */
    json_t *merged = json_copy(have);
    size_t i, j;
    json_t *d, *e;
    json_array_foreach(diags, i, d) {
        bool dup = false;
        json_array_foreach(merged, j, e) if (json_equal(d, e)) { dup = true; break; }
        if (!dup) json_array_append(merged, d);
    }
    json_object_set_new(now, uri, merged);
}

static void publish_one(bind_lsp_server *s, const char *uri, json_t *diags)
{
    json_t *p = json_object();
    json_object_set_new(p, "uri", json_string(uri));
    bind_lsp_doc *d = bind_lsp_find_doc(s, uri);
    if (d) json_object_set_new(p, "version", json_integer(d->version));
    json_object_set(p, "diagnostics", diags);
    bind_lsp_send(s, bind_lsp_notification("textDocument/publishDiagnostics", p));
}

static void publish(bind_lsp_server *s)
{
    json_t *now = json_object();
    for (size_t i = 0; i < s->docs.len; i++) json_object_set_new(now, s->docs.items[i]->uri, json_array());
    for (size_t i = 0; i < s->units.len; i++) {
        const char *uri;
        json_t *diags;
        json_object_foreach(s->units.items[i]->diags, uri, diags) {
            json_t *have = json_object_get(now, uri);
            if (have && json_array_size(have) == 0) json_object_del(now, uri);
            merge_into(now, uri, diags);
        }
    }
    /* Open documents in the order they were opened, then other files by name. */
    BIND_VEC(const char *) others = { 0 };
    const char *uri;
    json_t *v;
    json_object_foreach(now, uri, v) if (!bind_lsp_find_doc(s, uri)) bind_vec_push(&others, uri);
    json_object_foreach(s->published, uri, v) if (!json_object_get(now, uri)) bind_vec_push(&others, uri);
    if (others.len) qsort(others.items, others.len, sizeof *others.items, cmp_str);
    for (size_t i = 0; i < s->docs.len + others.len; i++) {
        const char *u = i < s->docs.len ? s->docs.items[i]->uri : others.items[i - s->docs.len];
        json_t *fresh = json_object_get(now, u), *old = json_object_get(s->published, u);
        if (!fresh) { publish_one(s, u, v = json_array()); json_decref(v); continue; }
        if (!old || !json_equal(old, fresh)) publish_one(s, u, fresh);
    }
    bind_vec_free(&others);
    json_decref(s->published);
    s->published = now;
}

void bind_lsp_refresh(bind_lsp_server *s, bind_lsp_doc *doc, enum bind_lsp_change why)
{
    for (size_t i = 0; i < s->docs.len; i++) update_key(s->docs.items[i]);
    if (doc) update_key(doc);
    for (size_t i = 0; i < s->units.len;) {
        bind_lsp_unit *u = s->units.items[i];
        if (why == BIND_LSP_CLOSED && u->root == doc) { unit_drop(s, i); continue; }
        if (why == BIND_LSP_SAVED || !doc || u->root == doc || bind_lsp_unit_has(u, doc->key, NULL)) {
            s->units.items[i] = unit_new(s, u->root);
            unit_free(u);
        }
        i++;
    }
    /* Each step drops or adds a unit; more steps than this would be a bug. */
    for (size_t steps = 0; steps < 4 * s->docs.len + 8 && settle_once(s); steps++) {}
    publish(s);
}
