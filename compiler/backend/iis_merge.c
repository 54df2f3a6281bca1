/* --merge: the .bind files own exactly the sites they name.
 *
 * A site of the model is matched with a <site> of the file by name (ASCII
 * case-insensitive, as IIS compares them), else by its explicit `id`.  In
 * a matched site bindc changes what the language models and nothing else:
 * the site's name, id and serverAutoStart; the pool, enabledProtocols and
 * folder of the applications the .bind gives; the bindings.  Each is
 * changed only where it differs, in place, so every other attribute and
 * element (<limits>, <logFile>, more <virtualDirectory> entries,
 * logonMethod, attributes of IIS versions bindc has never heard of) keeps
 * its bytes.  Applications the .bind does not name stay.  Sites of the
 * file the .bind does not name stay as they were, or go with --prune.
 * New sites go after the file's last site, with ids no site of the file
 * has.  What changed is said in cx->report, a line a site. */
#include <stdio.h>
#include <string.h>

#include "iis.h"

typedef struct merge {
    bind_iis_writer *w;
    const bind_iis_doc *d;
    bind_iis_edits *edits;
    bind_arena *a;
    bool ok;
    BIND_VEC(char *) parts;             /* what changed in the site being merged, for its report line */
} merge;

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a, y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y) return false;
    }
    return *a == *b;
}

static uint64_t ihash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (uint8_t)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s)) * 1099511628211u;
    return h;
}

static bool str_ieq(const void *a, const void *b) { return ieq(a, b); }
static bool ptr_eq(const void *a, const void *b) { return a == b; }

static void part(merge *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void part(merge *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = bind_arena_vprintf(g->a, fmt, ap);
    va_end(ap);
    bind_vec_push(&g->parts, p);
}

static void report(merge *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(merge *g, const char *fmt, ...)
{
    if (!g->w->cx->report) return;
    va_list ap;
    va_start(ap, fmt);
    bind_buf_vprintf(g->w->cx->report, fmt, ap);
    va_end(ap);
    bind_buf_putc(g->w->cx->report, '\n');
}

/* ------------------------------------------------------------------------
 * Edits inside an element */

/* A copy the edit list keeps (the writer's buffers are reused). */
static void put(merge *g, size_t start, size_t end, const char *text, size_t len)
{
    bind_iis_edit_put(g->edits, start, end, bind_arena_strndup(g->a, text, len), len);
}

/* Sets an attribute: its value replaced (in double quotes), or the
 * attribute added after the element's last one. */
static void set_attr(merge *g, const bind_iis_elem *e, const char *name, const char *value)
{
    size_t n;
    const char *esc = bind_iis_escape(g->w, value, &n);
    const bind_iis_attr *at = bind_iis_attr_find(e, name);
    if (at) {
        char *q = bind_arena_alloc(g->a, n + 3);
        q[0] = '"';
        memcpy(q + 1, esc, n);
        q[n + 1] = '"';
        put(g, at->value_at - 1, at->value_end + 1, q, n + 2);
        return;
    }
    size_t pos = e->nattrs ? e->attrs[e->nattrs - 1].value_end + 1 : e->begin + 1;
    if (!e->nattrs)   /* just past the element's name */
        while (pos < e->tag_end && g->d->text[pos] != ' ' && g->d->text[pos] != '\t' && g->d->text[pos] != '\r' &&
               g->d->text[pos] != '\n' && g->d->text[pos] != '/' && g->d->text[pos] != '>')
            pos++;
    char *text = bind_arena_printf(g->a, " %s=\"%.*s\"", name, (int)n, esc);
    put(g, pos, pos, text, strlen(text));
}

/* The indentation of the line an element starts, or the document's for
 * elements at that depth under a <site>. */
static const char *indent_of(merge *g, const bind_iis_elem *e, const char *site_indent, int depth)
{
    const char *ind = bind_iis_indent_at(g->d, e->begin, g->a);
    if (ind) return ind;
    const char *s = site_indent;
    for (int i = 0; i < depth; i++) s = bind_arena_printf(g->a, "%s%s", s, g->d->unit);
    return s;
}

/* Whole lines (ending in the document's EOL) put after the element that
 * ends at `after`, or, for an empty element `parent` (`<bindings />`),
 * the element opened around them. */
static void insert_lines(merge *g, size_t after, const char *indent, const bind_buf *lines)
{
    bind_buf before, rest;
    bind_buf_init(&before);
    bind_buf_init(&rest);
    size_t pos = bind_iis_after_line(g->d, after);
    bind_iis_lines_at(g->d, pos, indent, &before, &rest);
    bind_buf_put(&before, lines->data, lines->len);
    bind_buf_put(&before, rest.data, rest.len);
    put(g, pos, pos, before.data ? before.data : "", before.len);
    bind_buf_free(&before);
    bind_buf_free(&rest);
}

/* Lines as the first children of an element: after its start tag, or, for
 * an empty one, with the element opened around them and closed at
 * `indent` (its own line's). */
static void insert_children(merge *g, const bind_iis_elem *e, const char *name, const char *indent, const bind_buf *lines)
{
    if (!e->empty) { insert_lines(g, e->tag_end, indent, lines); return; }
    const char *t = g->d->text;
    size_t stop = e->end - 2;                  /* `/>` */
    while (stop > e->begin && (t[stop - 1] == ' ' || t[stop - 1] == '\t' || t[stop - 1] == '\r' || t[stop - 1] == '\n'))
        stop--;
    char *text = bind_arena_printf(g->a, ">%s%.*s%s</%s>", g->d->eol, (int)lines->len, lines->data ? lines->data : "",
                                   indent, name);
    put(g, stop, e->end, text, strlen(text));
}

/* ------------------------------------------------------------------------
 * Applications */

/* An application the file has: its pool and folder where the .bind gives
 * them and they differ, and the protocols its site's bindings need. */
static void merge_app(merge *g, const bind_iis_app *app, const char *pool, const char *physical,
                      const char *protocols, const char *site_indent)
{
    const char *path = app->path ? app->path : "/";
    if (pool) {
        const bind_iis_attr *at = bind_iis_attr_find(&app->at, "applicationPool");
        const char *now = at ? at->value : g->d->default_pool;
        if (!now || !ieq(now, pool)) {
            set_attr(g, &app->at, "applicationPool", pool);
            bind_iis_use_pool(g->w, pool);
            part(g, "application %s runs in pool %s", path, pool);
        }
    }
    if (protocols) {
        const bind_iis_attr *at = bind_iis_attr_find(&app->at, "enabledProtocols");
        const char *now = at ? at->value : "http";       /* IIS's default */
        char *list = bind_arena_strdup(g->a, now);
        bool more = false;
        for (const char *p = protocols; *p;) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            char *item = bind_arena_strndup(g->a, p, n);
            if (!bind_protocol_list_has(list, item)) { list = bind_arena_printf(g->a, "%s%s%s", list, *list ? "," : "", item); more = true; }
            p += n + (e ? 1 : 0);
        }
        if (more) {
            set_attr(g, &app->at, "enabledProtocols", list);
            part(g, "application %s enables %s", path, list);
        }
    }
    if (physical) {
        if (app->root_dir) {
            const bind_iis_attr *at = bind_iis_attr_find(app->root_dir, "physicalPath");
            if (!at || !ieq(at->value, physical)) {
                set_attr(g, app->root_dir, "physicalPath", physical);
                part(g, "application %s is in %s", path, physical);
            }
        } else {
            const char *ind = indent_of(g, &app->at, site_indent, 1);
            bind_buf lines;
            bind_buf_init(&lines);
            bind_iis_lines_into(g->w, &lines, ind, 1);
            bind_iis_start(g->w, "virtualDirectory");
            bind_iis_put_attr(g->w, "path", "/");
            bind_iis_put_attr(g->w, "physicalPath", physical);
            bind_iis_end(g->w, "virtualDirectory");
            insert_children(g, &app->at, "application", ind, &lines);
            bind_buf_free(&lines);
            part(g, "application %s is in %s", path, physical);
        }
    }
}

static const bind_iis_app *find_app(const bind_iis_site *ds, const char *path)
{
    for (uint32_t i = 0; i < ds->napps; i++)
        if (ds->apps[i].path && ieq(ds->apps[i].path, path)) return &ds->apps[i];
    return NULL;
}

/* The protocols of `list` ("http,net.tcp") that no binding of the file's
 * site has yet, or NULL for none: an application of the file is made to
 * enable only those, the bindings the merge adds.  What the file's own
 * bindings have and its applications do not enable stays so (an inert
 * net.tcp binding is common, and enabling it starts WCF activation). */
static const char *protocols_added(merge *g, const bind_iis_site *ds, const char *list)
{
    if (!list) return NULL;
    bind_buf out;
    bind_buf_init(&out);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *item = bind_arena_strndup(g->a, p, n);
        bool there = false;
        for (uint32_t i = 0; i < ds->nbinding && !there; i++) there = ds->binding[i].protocol && ieq(ds->binding[i].protocol, item);
        if (!there) bind_buf_printf(&out, "%s%.*s", out.len ? "," : "", (int)n, p);
        p += n + (e ? 1 : 0);
    }
    const char *r = out.len ? bind_arena_strndup(g->a, out.data, out.len) : NULL;
    bind_buf_free(&out);
    return r;
}

static void merge_apps(merge *g, const bind_site *s, const bind_iis_site *ds, const char *site_indent)
{
    const bind_app *top = bind_iis_root_app(s);
    const char *pool = bind_iis_root_pool(s, top);
    const char *given_root = top && top->physical_path ? top->physical_path : s->physical_path;
    const char *protocols = bind_iis_enabled_protocols(g->w, s);
    const bind_iis_app *root = find_app(ds, "/");
    /* Where an app without a folder of its own goes: under the root's. */
    const char *root_dir = given_root;
    if (!root_dir && root && root->root_dir) {
        const bind_iis_attr *at = bind_iis_attr_find(root->root_dir, "physicalPath");
        if (at) root_dir = at->value;
    }
    if (!root_dir) root_dir = bind_iis_root_path(s, top);

    bind_buf lines;
    bind_buf_init(&lines);
    const char *ind = bind_arena_printf(g->a, "%s%s", site_indent, g->d->unit);
    if (ds->napps) ind = indent_of(g, &ds->apps[ds->napps - 1].at, site_indent, 1);
    bind_iis_lines_into(g->w, &lines, ind, 0);
    const char *added = protocols_added(g, ds, protocols);
    if (root) merge_app(g, root, pool, given_root, added, site_indent);
    else if (top || given_root || s->pool) {
        /* A site of the file without a root application keeps its
         * applications as they are unless the .bind says something of the
         * root one (IIS will not start the site either way). */
        bind_iis_application(g->w, "/", pool, root_dir, protocols);
        part(g, "application / added");
    }
    for (uint32_t i = 0; i < s->napps; i++) {
        const bind_app *ap = &s->apps[i];
        if (ap == top) continue;
        const bind_iis_app *have = find_app(ds, ap->path);
        const char *app_pool = ap->pool ? ap->pool : pool;
        if (have) {
            merge_app(g, have, app_pool, ap->physical_path, added, site_indent);
            continue;
        }
        const char *dir = ap->physical_path ? ap->physical_path : bind_iis_app_folder(g->w, root_dir, ap->path);
        bind_iis_lines_into(g->w, &lines, ind, 0);
        bind_iis_application(g->w, ap->path, app_pool, dir, protocols);
        part(g, "application %s added", ap->path);
    }
    if (lines.len) {
        if (ds->napps) insert_lines(g, ds->apps[ds->napps - 1].at.end, ind, &lines);
        else insert_children(g, &ds->at, "site", site_indent, &lines);
    }
    bind_buf_free(&lines);
}

/* ------------------------------------------------------------------------
 * Bindings: exactly the .bind's */

typedef struct wanted { const bind_binding *b; const bind_iis_written *wr; bool have; } wanted;

/* Whether the file's binding is the one the .bind wants, as IIS reads
 * both: the same protocol and information, an empty address being `*`. */
static bool same_binding(const bind_iis_binding *have, const wanted *x)
{
    enum bind_protocol p = (enum bind_protocol)x->b->protocol;
    if (!have->protocol || !have->info || !ieq(have->protocol, bind_protocol_name(p))) return false;
    const char *want = x->wr->info;
    if (bind_iis_info_no_address(p, have->info, strlen(have->info)) && want[0] == '*') want++;
    return ieq(have->info, want);
}

static void merge_bindings(merge *g, const bind_site *s, const bind_iis_site *ds, size_t first_binding,
                           const char *site_indent)
{
    BIND_VEC(wanted) want = { 0 };
    size_t index = first_binding;
    for (uint32_t j = 0; j < s->nbindings; j++) {
        const bind_binding *b = s->bindings[j];
        if (!b->valid) continue;
        const bind_iis_written *wr = bind_iis_binding_written(g->w, b, index++);
        if (!wr) continue;
        wanted x = { b, wr, false };
        bind_vec_push(&want, x);
    }
    unsigned added = 0, removed = 0, changed = 0;
    const bind_iis_binding *last_kept = NULL;
    for (uint32_t i = 0; i < ds->nbinding; i++) {
        const bind_iis_binding *have = &ds->binding[i];
        wanted *match = NULL;
        for (size_t k = 0; k < want.len && !match; k++) {
            wanted *x = &want.items[k];
            if (!x->have && same_binding(have, x)) match = x;
        }
        if (!match) {
            size_t from, to;
            bind_iis_elem_line(g->d, &have->at, &from, &to);
            put(g, from, to, "", 0);
            removed++;
            continue;
        }
        match->have = true;
        last_kept = have;
        int flags = bind_iis_ssl_flags(g->w, match->b);
        if (flags < 0) continue;
        const bind_iis_attr *at = bind_iis_attr_find(&have->at, "sslFlags");
        long now = at ? strtol(at->value, NULL, 10) : 0;
        if (now != flags) {
            char v[16];
            snprintf(v, sizeof v, "%d", flags);
            set_attr(g, &have->at, "sslFlags", v);
            changed++;
        }
    }

    /* The new ones, after the last binding kept (or removed), in the order
     * of the .bind; <clear /> first where <siteDefaults> has bindings this
     * site would inherit. */
    bool clear = g->d->inherits_bindings && !ds->clears && want.len;
    const char *ind = ds->bindings ? indent_of(g, ds->bindings, site_indent, 1)
                                   : bind_arena_printf(g->a, "%s%s", site_indent, g->d->unit);
    const char *inner = ds->nbinding ? indent_of(g, &ds->binding[ds->nbinding - 1].at, site_indent, 2)
                                     : bind_arena_printf(g->a, "%s%s", ind, g->d->unit);
    bind_buf first, lines;
    bind_buf_init(&first);
    bind_buf_init(&lines);
    if (!ds->bindings) {
        bind_iis_lines_into(g->w, &lines, ind, 0);
        if (want.len) bind_iis_start(g->w, "bindings");
    } else {
        bind_iis_lines_into(g->w, &first, inner, 0);
    }
    if (clear) {
        bind_iis_start(g->w, "clear");
        bind_iis_end(g->w, "clear");
        part(g, "inherited bindings cleared");
    }
    if (ds->bindings) bind_iis_lines_into(g->w, &lines, inner, 0);
    for (size_t k = 0; k < want.len; k++) {
        if (want.items[k].have) continue;
        bind_iis_binding_element(g->w, want.items[k].b, want.items[k].wr);
        added++;
    }
    if (!ds->bindings) {
        if (want.len) {
            bind_iis_end(g->w, "bindings");
            if (ds->napps) insert_lines(g, ds->apps[ds->napps - 1].at.end, ind, &lines);
            else insert_children(g, &ds->at, "site", site_indent, &lines);
        }
    } else {
        const bind_iis_binding *after = last_kept ? last_kept : ds->nbinding ? &ds->binding[ds->nbinding - 1] : NULL;
        if (after) {
            if (first.len) insert_children(g, ds->bindings, "bindings", ind, &first);
            if (lines.len) insert_lines(g, after->at.end, inner, &lines);
        } else if (first.len || lines.len) {
            bind_buf_put(&first, lines.data, lines.len);
            insert_children(g, ds->bindings, "bindings", ind, &first);
        }
    }
    bind_buf_free(&first);
    bind_buf_free(&lines);
    bind_vec_free(&want);
    if (added || removed || changed) {
        char *p = bind_arena_printf(g->a, "%u binding%s added", added, added == 1 ? "" : "s");
        if (!added) p = bind_arena_printf(g->a, "%u binding%s removed", removed, removed == 1 ? "" : "s");
        else if (removed) p = bind_arena_printf(g->a, "%s, %u removed", p, removed);
        if (changed) p = bind_arena_printf(g->a, "%s, sslFlags changed on %u", added || removed ? p : "bindings kept", changed);
        part(g, "%s", p);
    }
}

/* ------------------------------------------------------------------------
 * Sites */

static void merge_site(merge *g, const bind_site *s, const bind_iis_site *ds, uint32_t id, size_t first_binding)
{
    g->parts.len = 0;
    const char *site_indent = bind_iis_indent_at(g->d, ds->at.begin, g->a);
    if (!site_indent) site_indent = g->d->site_indent;
    if (!ds->name || strcmp(ds->name, s->name) != 0) {
        set_attr(g, &ds->at, "name", s->name);
        part(g, "renamed from %s", ds->name ? ds->name : "(no name)");
    }
    if (id != ds->id) {
        char v[16];
        snprintf(v, sizeof v, "%u", id);
        set_attr(g, &ds->at, "id", v);
        part(g, "id %u", id);
    }
    const bind_iis_attr *start = bind_iis_attr_find(&ds->at, "serverAutoStart");
    bool now = !(start && ieq(start->value, "false"));     /* IIS's default: true */
    if (now != s->autostart) {
        set_attr(g, &ds->at, "serverAutoStart", s->autostart ? "true" : "false");
        part(g, "serverAutoStart %s", s->autostart ? "true" : "false");
    }
    merge_apps(g, s, ds, site_indent);
    merge_bindings(g, s, ds, first_binding, site_indent);
    if (!g->parts.len) return;
    bind_buf line;
    bind_buf_init(&line);
    for (size_t i = 0; i < g->parts.len; i++) bind_buf_printf(&line, "%s%s", i ? "; " : "", g->parts.items[i]);
    report(g, "site %s: %s", s->name, line.data);
    bind_buf_free(&line);
}

/* Ids in use, each with the name of the site that holds it. */
static const char *id_holder(const bind_table *ids, uint32_t id)
{
    return bind_table_get(ids, bind_hash_bytes(&id, sizeof id, BIND_HASH_SEED), (void *)(uintptr_t)id);
}

static void take_id(bind_table *ids, uint32_t id, const char *name)
{
    bind_table_put(ids, bind_hash_bytes(&id, sizeof id, BIND_HASH_SEED), (void *)(uintptr_t)id,
                   (void *)(name ? name : "(no name)"));
}

bool bind_iis_merge(bind_iis_writer *w, bool prune, bind_iis_edits *edits)
{
    const bind_iis_doc *d = w->d;
    const bind_model *m = w->m;
    merge g = { w, d, edits, w->cx->arena, true, { 0 } };

    /* The file's sites by name and by id. */
    bind_table by_name, by_id;
    bind_table_init(&by_name, str_ieq);
    bind_table_init(&by_id, ptr_eq);
    for (uint32_t i = 0; i < d->nsites; i++) {
        const bind_iis_site *ds = &d->sites[i];
        uint32_t id = ds->id;
        if (ds->name && !bind_table_get(&by_name, ihash(ds->name), ds->name))
            bind_table_put(&by_name, ihash(ds->name), ds->name, (void *)ds);
        if (id && !bind_table_get(&by_id, bind_hash_bytes(&id, sizeof id, BIND_HASH_SEED), (void *)(uintptr_t)id))
            bind_table_put(&by_id, bind_hash_bytes(&id, sizeof id, BIND_HASH_SEED), (void *)(uintptr_t)id, (void *)ds);
    }

    /* Which site of the file each emitted site of the model is. */
    const bind_iis_site **match = bind_arena_alloc(g.a, (m->nsites + 1) * sizeof *match);
    bool *named = bind_arena_alloc(g.a, d->nsites + 1);
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        match[i] = NULL;
        if (!bind_iis_site_emitted(s)) continue;
        const bind_iis_site *ds = bind_table_get(&by_name, ihash(s->name), s->name);
        if (!ds && s->id_given)
            ds = bind_table_get(&by_id, bind_hash_bytes(&s->id, sizeof s->id, BIND_HASH_SEED), (void *)(uintptr_t)s->id);
        if (ds && named[ds - d->sites]) ds = NULL;
        if (ds) named[ds - d->sites] = true;
        match[i] = ds;
    }

    /* Ids: the sites the file keeps hold theirs; then the ids the .bind
     * gives; then a matched site keeps its own; then a new site takes the
     * model's when nobody has it, else the smallest free one. */
    bind_table ids;
    bind_table_init(&ids, ptr_eq);
    for (uint32_t i = 0; i < d->nsites; i++)
        if (!named[i] && !prune && d->sites[i].id) take_id(&ids, d->sites[i].id, d->sites[i].name);
    uint32_t *final = bind_arena_alloc(g.a, (m->nsites + 1) * sizeof *final);
    for (int pass = 0; pass < 3; pass++) {
        for (uint32_t i = 0; i < m->nsites; i++) {
            const bind_site *s = m->sites[i];
            if (!bind_iis_site_emitted(s)) continue;
            int kind = s->id_given ? 0 : match[i] && match[i]->id ? 1 : 2;
            if (kind != pass) continue;
            uint32_t id = kind == 1 ? match[i]->id : s->id;
            const char *holder = id_holder(&ids, id);
            if (holder && kind == 2) {
                for (id = 1; id_holder(&ids, id); id++) {}
            } else if (holder) {
                bind_diag *dg = bind_diag_push(w->cx->diags, BIND_E0203, s->id_given ? s->id_span : s->name_span,
                                               "site id %u is taken by site `%s` of the file merged into", id, holder);
                bind_diag_note(w->cx->diags, dg, NULL, "give site `%s` another id, or name that site in the .bind files",
                               s->name);
                g.ok = false;
            }
            take_id(&ids, id, s->name);
            final[i] = id;
        }
    }

    /* Every text is checked before anything is written. */
    for (uint32_t i = 0; i < m->nsites; i++)
        if (bind_iis_site_emitted(m->sites[i])) bind_iis_site_texts_ok(w, m->sites[i]);

    size_t first_binding = 0;
    for (uint32_t i = 0; i < m->nsites; i++) {
        const bind_site *s = m->sites[i];
        if (!bind_iis_site_emitted(s)) continue;
        size_t valid = 0;
        for (uint32_t j = 0; j < s->nbindings; j++) valid += s->bindings[j]->valid;
        if (match[i]) merge_site(&g, s, match[i], final[i], first_binding);
        else {
            bind_iis_site_element(w, s, final[i], first_binding);
            report(&g, "site %s added (id %u)", s->name, final[i]);
        }
        first_binding += valid;
    }
    for (uint32_t i = 0; i < d->nsites; i++) {
        if (named[i] || !prune) continue;
        size_t from, to;
        bind_iis_elem_line(d, &d->sites[i].at, &from, &to);
        bind_iis_edit_put(edits, from, to, "", 0);
        report(&g, "site %s removed (--prune)", d->sites[i].name ? d->sites[i].name : "(no name)");
    }
    bind_table_fini(&by_name);
    bind_table_fini(&by_id);
    bind_table_fini(&ids);
    bind_vec_free(&g.parts);
    return g.ok && w->ok;
}
