/* Language server endurance: 10,000 random edits to one open document.
 *
 *   lsp_endurance BINDC [SEED [EDITS]]
 *
 * Starts the real `bindc lsp`, opens a .bind document (examples/shop.bind
 * and more sites) and sends 10,000 random didChange edits from a fixed
 * seed (edits.h), incremental with UTF-16 ranges as the server advertises,
 * with some full-text replacements.  Requests (hover, completion,
 * definition, documentSymbol, codeAction, formatting) come in between;
 * every one must be answered once, with its id and a result of the right
 * shape.  Now and then a quick fix or a formatting result is applied back
 * to the text, as an editor does.
 *
 * An edit is one didChange (of one to a few content changes).  The server
 * may publish only when a file's diagnostics change, so no publication
 * need follow the last edit: before each comparison a request is answered
 * (a barrier), and this server publishes before it reads the next message.
 *
 * What must hold: the server never dies and answers everything; its
 * diagnostics equal `bindc check --diagnostics-format json` on the same
 * text every 100 edits and at the end (and again after the document is
 * closed and opened, where a publication for that very version must
 * come); diagnostic versions never go back; it exits 0 after
 * shutdown/exit; and its resident memory stays bounded (see
 * check_memory).  A failure prints the seed, so the run can be repeated.
 *
 *   lsp_endurance BINDC --big-document [SYMBOLS]
 *
 * is another run (test_lsp_memory.sh): one document of 4,000,000 symbols
 * opened, queried and closed, every answer within its cap and the memory
 * given back (big_document). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_diags.h"
#include "client.h"
#include "edits.h"

#define DEFAULT_SEED 20240611u
#define DEFAULT_EDITS 10000
#define SAMPLE_EVERY 500       /* edits between memory samples */
#define COMPARE_EVERY 100      /* edits between comparisons with bindc check */
#define MAX_PENDING 128

typedef struct session {
    lsp_client *c;
    const char *bindc, *path, *uri;
    uint64_t seed;
    edits ed;
    bool incremental;          /* the server takes ranged changes */
    bool formatting;           /* ... and formats */
    long version;              /* of the last didOpen or didChange sent */
    json_t *diags;             /* the last diagnostics published for uri */
    long diag_version;         /* their version (-1: none yet) */
    long publishes, foreign_publishes, published_diags;
    struct { long id; const char *method; } pending[MAX_PENDING];
    size_t npending;
    long next_id;
    long await_id;             /* a response waited for, kept in awaited */
    json_t *awaited;
    long requests, fixes_applied, formats_applied, formats_refused, comparisons;
    double text_bytes;         /* summed over the edits, for the average */
} session;

static char dir[PATH_MAX], doc_path[PATH_MAX + 32];

static void cleanup(void)
{
    if (doc_path[0]) unlink(doc_path);
    if (dir[0]) rmdir(dir);
}

/* ---- what the server sends ---------------------------------------------------- */

static bool is_null_or(json_t *v, json_type type) { return json_is_null(v) || (v && json_typeof(v) == type); }

static void each_has(const char *method, json_t *list, const char *key, json_type type)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        json_t *k = json_object_get(v, key);
        if (!k || json_typeof(k) != type) lsp_fail("%s: item %zu has no %s of the right type", method, i, key);
    }
}

/* A result must have the shape LSP 3.17 gives it. */
static void check_result(const char *m, json_t *r)
{
    bool ok;
    if (strcmp(m, "textDocument/hover") == 0) {
        ok = json_is_null(r) || (json_is_object(r) && json_object_get(r, "contents"));
    } else if (strcmp(m, "textDocument/completion") == 0) {
        json_t *items = json_is_object(r) ? json_object_get(r, "items") : r;
        ok = is_null_or(items, JSON_ARRAY);
        if (ok && items) each_has(m, items, "label", JSON_STRING);
    } else if (strcmp(m, "textDocument/definition") == 0) {
        ok = json_is_null(r) || json_is_array(r) || (json_is_object(r) && json_is_string(json_object_get(r, "uri")));
    } else if (strcmp(m, "textDocument/documentSymbol") == 0) {
        ok = is_null_or(r, JSON_ARRAY);
        if (ok && json_is_array(r)) each_has(m, r, "name", JSON_STRING);
    } else if (strcmp(m, "textDocument/codeAction") == 0) {
        ok = is_null_or(r, JSON_ARRAY);
        if (ok && json_is_array(r)) each_has(m, r, "title", JSON_STRING);
    } else if (strcmp(m, "textDocument/formatting") == 0) {
        ok = is_null_or(r, JSON_ARRAY);
        if (ok && json_is_array(r)) { each_has(m, r, "range", JSON_OBJECT); each_has(m, r, "newText", JSON_STRING); }
    } else if (strcmp(m, "shutdown") == 0) {
        ok = json_is_null(r);
    } else {
        ok = json_is_object(json_object_get(r, "capabilities"));   /* initialize */
    }
    if (!ok) {
        char *d = json_dumps(r, JSON_COMPACT | JSON_ENCODE_ANY);
        lsp_fail("%s: a result of the wrong shape: %.500s", m, d ? d : "?");
    }
}

static void on_response(session *s, json_t *msg)
{
    json_t *id = json_object_get(msg, "id");
    if (!json_is_integer(id)) lsp_fail("a response without an integer id (every request had one)");
    long n = (long)json_integer_value(id);
    size_t k = 0;
    while (k < s->npending && s->pending[k].id != n) k++;
    if (k == s->npending) lsp_fail("a response to id %ld, which is not waiting for one (answered twice?)", n);
    const char *m = s->pending[k].method;
    s->pending[k] = s->pending[--s->npending];
    json_t *err = json_object_get(msg, "error"), *res = json_object_get(msg, "result");
    if (err && res) lsp_fail("%s (id %ld): a response with both result and error", m, n);
    if (err) {
        json_int_t code = json_integer_value(json_object_get(err, "code"));
        /* The one refusal the README promises: formatting a file with syntax errors. */
        if (strcmp(m, "textDocument/formatting") != 0 || code != -32803)
            lsp_fail("%s (id %ld) failed: %lld %s", m, n, (long long)code,
                     json_string_value(json_object_get(err, "message")));
    } else if (!res) {
        lsp_fail("%s (id %ld): a response with neither result nor error", m, n);
    } else {
        check_result(m, res);
    }
    if (n == s->await_id) s->awaited = json_incref(msg);
}

static void on_publish(session *s, json_t *params)
{
    const char *uri = json_string_value(json_object_get(params, "uri"));
    json_t *diags = json_object_get(params, "diagnostics"), *version = json_object_get(params, "version");
    if (!uri || !json_is_array(diags)) lsp_fail("publishDiagnostics without uri or diagnostics");
    if (strcmp(uri, s->uri) != 0) {      /* a file the text `use`s: not this test's business */
        s->foreign_publishes++;
        return;
    }
    if (version) {
        long v = (long)json_integer_value(version);
        if (!json_is_integer(version) || v < s->diag_version || v > s->version)
            lsp_fail("publishDiagnostics for version %ld after version %ld, with version %ld the newest sent", v,
                     s->diag_version, s->version);
        s->diag_version = v;
    }
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d)
        if (!json_is_object(json_object_get(d, "range")) || !json_is_string(json_object_get(d, "message")))
            lsp_fail("a published diagnostic without range or message");
    json_decref(s->diags);
    s->diags = json_incref(diags);
    s->publishes++;
    s->published_diags += (long)json_array_size(diags);
}

static void on_message(void *ctx, json_t *msg)
{
    session *s = ctx;
    const char *method = json_string_value(json_object_get(msg, "method"));
    if (!method) on_response(s, msg);
    else if (strcmp(method, "textDocument/publishDiagnostics") == 0) on_publish(s, json_object_get(msg, "params"));
    else lsp_fail("the server sent `%s`, which this client never asked for", method);
}

/* ---- what the client sends ------------------------------------------------------ */

static void notify(session *s, const char *method, json_t *params)
{
    json_t *m = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", method);
    if (params) json_object_set_new(m, "params", params);
    lsp_client_send(s->c, m);
}

static long request(session *s, const char *method, json_t *params)
{
    if (s->npending == MAX_PENDING) lsp_fail("%d requests unanswered", MAX_PENDING);
    long id = s->next_id++;
    s->pending[s->npending].id = id;
    s->pending[s->npending++].method = method;
    s->requests++;
    json_t *m = json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", (json_int_t)id, "method", method);
    if (params) json_object_set_new(m, "params", params);
    lsp_client_send(s->c, m);
    return id;
}

/* A request waited for: its response (a new reference).  The response may
 * come while the request is still being written, so it is marked first. */
static json_t *call(session *s, const char *method, json_t *params)
{
    s->await_id = s->next_id;
    request(s, method, params);
    while (!s->awaited) lsp_client_pump(s->c);
    json_t *r = s->awaited;
    s->awaited = NULL;
    s->await_id = -1;
    return r;
}

static json_t *text_document(session *s) { return json_pack("{s:s}", "uri", s->uri); }

/* The offset of an LSP position in the text, or fail. */
static size_t offset_of(session *s, json_t *pos, const char *what)
{
    size_t off;
    if (!json_is_integer(json_object_get(pos, "line")) || !json_is_integer(json_object_get(pos, "character"))
        || !doc_model_offset(&s->ed.doc, (long)json_integer_value(json_object_get(pos, "line")),
                             (long)json_integer_value(json_object_get(pos, "character")), &off))
        lsp_fail("%s: a position that is not a place in the text (version %ld)", what, s->version);
    return off;
}

/* Document symbols of the current text: every range is a place in it, and
 * each selectionRange lies inside its range (VS Code refuses the symbols
 * otherwise), as do the children. */
static void check_symbols(session *s, json_t *list, size_t lo, size_t hi)
{
    size_t i;
    json_t *y;
    json_array_foreach(list, i, y) {
        json_t *r = json_object_get(y, "range"), *sel = json_object_get(y, "selectionRange");
        size_t a = offset_of(s, json_object_get(r, "start"), "documentSymbol"),
               b = offset_of(s, json_object_get(r, "end"), "documentSymbol"),
               c = offset_of(s, json_object_get(sel, "start"), "documentSymbol"),
               d = offset_of(s, json_object_get(sel, "end"), "documentSymbol");
        if (!(lo <= a && a <= c && c <= d && d <= b && b <= hi))
            lsp_fail("documentSymbol `%s`: a range not inside its parent's, or a selectionRange not inside its range "
                     "(version %ld)", json_string_value(json_object_get(y, "name")), s->version);
        check_symbols(s, json_object_get(y, "children"), a, b);
    }
}

/* Everything sent so far has been handled: every request is answered, and
 * this server publishes before it reads the next message.  The request
 * that makes sure is documentSymbol, checked against the text. */
static void barrier(session *s)
{
    json_t *r = call(s, "textDocument/documentSymbol", json_pack("{s:o}", "textDocument", text_document(s)));
    while (s->npending) lsp_client_pump(s->c);
    check_symbols(s, json_object_get(r, "result"), 0, s->ed.doc.len);
    json_decref(r);
}

/* Sends the changes built in s->ed as one didChange. */
static void send_edit(session *s)
{
    json_t *changes = s->incremental ? json_incref(s->ed.changes)
                                     : json_pack("[{s:s%}]", "text", s->ed.doc.s, s->ed.doc.len);
    notify(s, "textDocument/didChange",
           json_pack("{s:{s:s, s:i}, s:o}", "textDocument", "uri", s->uri, "version", (json_int_t)++s->version,
                     "contentChanges", changes));
}

static json_t *random_position(session *s)
{
    long line, ch;
    doc_model_position(&s->ed.doc, edits_random_offset(&s->ed), &line, &ch);
    return json_pack("{s:i, s:i}", "line", (json_int_t)line, "character", (json_int_t)ch);
}

/* A request that is not waited for: its answer is checked when it comes. */
static void random_request(session *s)
{
    static const char *const at_position[] = { "textDocument/hover", "textDocument/completion", "textDocument/definition" };
    uint64_t r = edits_rand(&s->ed, 5);
    if (r < 3) {
        json_t *p = json_pack("{s:o, s:o}", "textDocument", text_document(s), "position", random_position(s));
        if (r == 1) json_object_set_new(p, "context", json_pack("{s:i}", "triggerKind", 1));
        request(s, at_position[r], p);
    } else if (r == 3) {
        request(s, "textDocument/documentSymbol", json_pack("{s:o}", "textDocument", text_document(s)));
    } else {
        json_t *a = random_position(s), *b = random_position(s);
        request(s, "textDocument/codeAction",
                json_pack("{s:o, s:{s:o, s:o}, s:{s:[]}}", "textDocument", text_document(s), "range", "start", a, "end",
                          b, "context", "diagnostics"));
    }
}

/* Applies TextEdits from the server to the text and sends them back as one
 * didChange, last first, so each range still means what the server meant. */
static void apply_text_edits(session *s, json_t *list, const char *what)
{
    size_t n = json_array_size(list);
    size_t *from = calloc(n + 1, sizeof *from), *to = calloc(n + 1, sizeof *to);
    if (!from || !to) lsp_fail("out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *range = json_object_get(json_array_get(list, i), "range");
        from[i] = offset_of(s, json_object_get(range, "start"), what);
        to[i] = offset_of(s, json_object_get(range, "end"), what);
        if (from[i] > to[i]) lsp_fail("%s: an edit whose range ends before it starts", what);
    }
    edits_begin(&s->ed);
    for (size_t done = 0; done < n; done++) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (to[i] != SIZE_MAX && (best == n || from[i] > from[best])) best = i;
        for (size_t i = 0; i < n; i++)
            if (i != best && to[i] != SIZE_MAX && to[i] > from[best]) lsp_fail("%s: edits that overlap", what);
        const char *t = json_string_value(json_object_get(json_array_get(list, best), "newText"));
        edits_change(&s->ed, from[best], to[best], t, strlen(t));
        to[best] = SIZE_MAX;
    }
    free(from);
    free(to);
    if (n) send_edit(s);
}

/* Asks for the quick fixes of one current diagnostic and applies one. */
static void apply_quick_fix(session *s)
{
    barrier(s);                 /* so s->diags is the current text's */
    size_t n = json_array_size(s->diags);
    if (!n) return;
    json_t *d = json_array_get(s->diags, edits_rand(&s->ed, n));
    json_t *p = json_pack("{s:o, s:O, s:{s:[O], s:[s]}}", "textDocument", text_document(s), "range",
                          json_object_get(d, "range"), "context", "diagnostics", d, "only", "quickfix");
    json_t *r = call(s, "textDocument/codeAction", p);
    json_t *actions = json_object_get(r, "result");
    size_t k = json_array_size(actions);
    if (k) {
        json_t *edit = json_object_get(json_object_get(json_array_get(actions, edits_rand(&s->ed, k)), "edit"), "changes");
        json_t *mine = json_object_get(edit, s->uri);
        if (!json_is_array(mine)) lsp_fail("a quick fix without edits to the document");
        apply_text_edits(s, mine, "quick fix");
        s->fixes_applied++;
    }
    json_decref(r);
}

/* Formats the document and applies the result; formatting the result again
 * must change nothing. */
static void apply_formatting(session *s)
{
    json_t *opts = json_pack("{s:i, s:b}", "tabSize", 4, "insertSpaces", 1);
    json_t *r = call(s, "textDocument/formatting",
                     json_pack("{s:o, s:O}", "textDocument", text_document(s), "options", opts));
    json_t *edits_list = json_object_get(r, "result");
    if (!json_is_array(edits_list)) {
        s->formats_refused++;  /* syntax errors (checked in on_response) */
    } else if (json_array_size(edits_list)) {
        apply_text_edits(s, edits_list, "formatting");
        s->formats_applied++;
        json_t *again = call(s, "textDocument/formatting",
                             json_pack("{s:o, s:O}", "textDocument", text_document(s), "options", opts));
        if (json_array_size(json_object_get(again, "result")))
            lsp_fail("formatting the formatted text changes it again (version %ld)", s->version);
        json_decref(again);
    }
    json_decref(opts);
    json_decref(r);
}

/* ---- the comparison with bindc check -------------------------------------------- */

static void dump(const char *title, json_t *v)
{
    char *d = json_dumps(v, JSON_INDENT(1) | JSON_ENCODE_ANY);
    fprintf(stderr, "%s:\n%s\n", title, d ? d : "?");
    free(d);
}

static void compare_with_cli(session *s, const char *when, bool print)
{
    barrier(s);
    json_t *want = cli_expected_diagnostics(s->bindc, s->path, s->uri, &s->ed.doc);
    json_t *got = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(s->diags, i, d) {
        /* "N more diagnostics not shown": the command line prints no such line. */
        if (!json_object_get(d, "code") && json_integer_value(json_object_get(d, "severity")) == 3) continue;
        json_array_append(got, d);
    }
    /* Equal as multisets: each expected diagnostic matches one published one. */
    bool same = json_array_size(want) == json_array_size(got);
    json_t *left = json_copy(got);
    json_array_foreach(want, i, d) {
        size_t j = 0;
        while (j < json_array_size(left) && !json_equal(d, json_array_get(left, j))) j++;
        if (j == json_array_size(left)) { same = false; break; }
        json_array_remove(left, j);
    }
    if (!same) {
        fprintf(stderr, "the text (version %ld):\n-----\n%s\n-----\n", s->version, s->ed.doc.s);
        dump("bindc check says (as LSP diagnostics)", want);
        dump("the server published", got);
        lsp_fail("%s (seed %llu): the server's diagnostics differ from bindc check's", when, (unsigned long long)s->seed);
    }
    s->comparisons++;
    if (print)
        printf("%-24s version %6ld: %zu diagnostics, equal to bindc check\n", when, s->version, json_array_size(got));
    json_decref(left);
    json_decref(want);
    json_decref(got);
}

/* ---- memory ---------------------------------------------------------------------- */

typedef struct sample { int edits; long rss_kb, hwm_kb; } sample;

static sample memory(session *s, int edits_done)
{
    lsp_client_assert_alive(s->c);
    char name[64], line[256];
    snprintf(name, sizeof name, "/proc/%ld/status", (long)lsp_client_pid(s->c));
    FILE *f = fopen(name, "r");
    if (!f) lsp_fail("cannot read %s: %s", name, strerror(errno));
    sample m = { edits_done, -1, -1 };
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) m.rss_kb = atol(line + 6);
        if (strncmp(line, "VmHWM:", 6) == 0) m.hwm_kb = atol(line + 6);
    }
    fclose(f);
    if (m.rss_kb < 0 || m.hwm_kb < 0) lsp_fail("%s has no VmRSS or VmHWM", name);
    return m;
}

/* A leak grows with the number of edits; a working set does not.  By
 * 1,000 edits the server has seen every kind of edit and of text (which
 * stays under three times the starting one), so from there on its
 * resident size may wander with the allocator but not climb.  The mean of
 * the last four samples (8,500 to 10,000 edits) may exceed the mean of the
 * four from 1,000 to 2,500 edits by 8 MB or a quarter of it, whichever is
 * more (ASan's shadow and quarantine make a large, noisy base).  Between
 * the two lie 7,500 edits: a leak of about 1 KB per edit fails in a plain
 * build, one copy of the text per edit in either; a server that keeps
 * every version's compilation fails by gigabytes.  Smaller leaks that
 * lose the memory are LeakSanitizer's, at the server's exit, in the ASan
 * build. */
static void check_memory(const sample *m, size_t n)
{
    printf("server memory (kB):   edits      VmRSS      VmHWM\n");
    for (size_t i = 0; i < n; i++) printf("                   %8d %10ld %10ld\n", m[i].edits, m[i].rss_kb, m[i].hwm_kb);
    size_t first = 0;
    while (first < n && m[first].edits < 1000) first++;
    if (n < first + 8) return;   /* a short run, for debugging */
    double early = 0, late = 0;
    for (size_t i = 0; i < 4; i++) {
        early += (double)m[first + i].rss_kb / 4;
        late += (double)m[n - 4 + i].rss_kb / 4;
    }
    double allowed = early + (early / 4 > 8192 ? early / 4 : 8192);
    printf("memory: %.0f kB over edits %d-%d, %.0f kB over edits %d-%d; allowed up to %.0f kB\n", early,
           m[first].edits, m[first + 3].edits, late, m[n - 4].edits, m[n - 1].edits, allowed);
    if (late > allowed)
        lsp_fail("the server's memory grows with the edits: %.0f kB over edits %d-%d, %.0f kB over edits %d-%d", early,
                 m[first].edits, m[first + 3].edits, late, m[n - 4].edits, m[n - 1].edits);
}

/* User and system time of a process (0: this one), for the log. */
static double cpu_seconds(pid_t pid)
{
    if (!pid) {
        struct rusage u;
        getrusage(RUSAGE_SELF, &u);
        return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    }
    char name[64];
    snprintf(name, sizeof name, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(name, "r");
    unsigned long ut = 0, st = 0;
    /* Fields 14 and 15, after the command name in parentheses (which may hold spaces). */
    if (f && fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) ut = st = 0;
    if (f) fclose(f);
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- the session ------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) lsp_fail("cannot open %s: %s", path, strerror(errno));
    char *b = NULL;
    size_t n = 0;
    for (;;) {
        b = realloc(b, n + 4097);
        if (!b) lsp_fail("out of memory");
        size_t r = fread(b + n, 1, 4096, f);
        n += r;
        if (r < 4096) break;
    }
    fclose(f);
    b[n] = '\0';
    *len = n;
    return b;
}

static char *file_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    char *u = malloc(8 + 3 * strlen(path)), *o = u;
    if (!u) lsp_fail("out of memory");
    o += sprintf(o, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("/-._~", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%'; *o++ = hex[*p >> 4]; *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return u;
}

static void initialize(session *s)
{
    json_t *caps = json_pack(
        "{s:{s:[s]}, s:{s:{s:b}, s:{s:[s,s]}, s:{s:{s:[s]}}, s:{s:b}, s:{s:{s:{s:[s]}}}, s:{s:b}}}",
        "general", "positionEncodings", "utf-16",
        "textDocument",
        "publishDiagnostics", "relatedInformation", 1,
        "hover", "contentFormat", "markdown", "plaintext",
        "completion", "completionItem", "documentationFormat", "markdown",
        "documentSymbol", "hierarchicalDocumentSymbolSupport", 1,
        "codeAction", "codeActionLiteralSupport", "codeActionKind", "valueSet", "quickfix",
        "synchronization", "didSave", 0);
    json_t *r = call(s, "initialize", json_pack("{s:i, s:n, s:o}", "processId", (json_int_t)getpid(),
                                                "rootUri", "capabilities", caps));
    json_t *c = json_object_get(json_object_get(r, "result"), "capabilities");
    const char *enc = json_string_value(json_object_get(c, "positionEncoding"));
    if (enc && strcmp(enc, "utf-16") != 0) lsp_fail("the server chose position encoding %s; the client offered utf-16", enc);
    json_t *sync = json_object_get(c, "textDocumentSync");
    json_int_t change = json_is_integer(sync) ? json_integer_value(sync) : json_integer_value(json_object_get(sync, "change"));
    if (change != 1 && change != 2) lsp_fail("the server does not take didChange (textDocumentSync.change %lld)", (long long)change);
    s->incremental = change == 2;
    s->formatting = json_is_true(json_object_get(c, "documentFormattingProvider"));
    printf("textDocumentSync.change = %lld: %s edits\n", (long long)change, s->incremental ? "incremental" : "full-text");
    json_decref(r);
    notify(s, "initialized", json_object());
}

/* ---- a big document ---------------------------------------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* What the server must keep to itself for any document (README, Limits). */
#define MAX_SYMBOLS 10000           /* documentSymbol */
#define MAX_COMPLETION_ITEMS 1000   /* completion, isIncomplete beyond */
#define MAX_HOVER_BYTES 65536       /* hover text */

static void on_big_message(void *ctx, json_t *msg)
{
    session *s = ctx;
    const char *method = json_string_value(json_object_get(msg, "method"));
    if (!method) {
        json_t *id = json_object_get(msg, "id");
        if (json_is_integer(id) && json_integer_value(id) == s->await_id) s->awaited = json_incref(msg);
        return;
    }
    if (strcmp(method, "textDocument/publishDiagnostics") == 0) {
        json_t *p = json_object_get(msg, "params");
        if (!json_is_string(json_object_get(p, "uri")) || strcmp(json_string_value(json_object_get(p, "uri")), s->uri) != 0) return;
        json_decref(s->diags);
        s->diags = json_incref(json_object_get(p, "diagnostics"));
        s->publishes++;
    }
}

/* A request waited for, in this mode's bookkeeping: its result (a new reference). */
static json_t *big_call(session *s, const char *method, json_t *params)
{
    s->await_id = s->next_id;
    json_t *m = json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", (json_int_t)s->next_id++, "method", method);
    if (params) json_object_set_new(m, "params", params);
    lsp_client_send(s->c, m);
    while (!s->awaited) lsp_client_pump(s->c);
    json_t *r = s->awaited;
    s->awaited = NULL;
    s->await_id = -1;
    if (json_object_get(r, "error")) {
        char *d = json_dumps(r, JSON_COMPACT);
        lsp_fail("%s failed: %.300s", method, d ? d : "?");
    }
    json_t *res = json_incref(json_object_get(r, "result"));
    json_decref(r);
    return res;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t count_symbols(json_t *list)
{
    size_t n = json_array_size(list), i;
    json_t *y;
    json_array_foreach(list, i, y) n += count_symbols(json_object_get(y, "children"));
    return n;
}

/* Opens a document of about `symbols` document symbols (sites of three
 * bindings, and certificates), asks for its symbols, a completion that
 * would list every certificate and hovers, closes it, and compares the
 * server's resident memory with that of the same server before: a server
 * that keeps what a big document cost (its compilation, the JSON of its
 * answers, the buffers that carried them) fails.  Each answer must be
 * within its cap.  Under AddressSanitizer (whose allocator keeps freed
 * memory in quarantine and whose shadow is not given back) the document
 * is smaller and only the caps are checked. */
static int big_document(const char *bindc, long symbols)
{
    session s = { .bindc = bindc, .diag_version = -1, .next_id = 1, .await_id = -1, .uri = "file:///nowhere/big.bind" };
    /* About 15 bytes a symbol, as the report that asked for this test had
     * (a 60 MB buffer of 4 million symbols): sites of 20 bindings, each
     * binding its own port and host, so the check finds no duplicate. */
    enum { PER_SITE = 20 };
    long certs = symbols / 200, sites = (symbols - certs) / (PER_SITE + 1);
    printf("a document of %ld sites of %d bindings and %ld certificates: %ld symbols\n", sites, PER_SITE, certs,
           (PER_SITE + 1) * sites + certs);
    /* The text: certificates, sites, and a last site with a binding whose cert= is being typed. */
    size_t cap = (size_t)sites * (16 + 16 * PER_SITE) + (size_t)certs * 16 + 4096, len = 0;
    char *text = malloc(cap);
    if (!text) lsp_fail("out of memory");
    for (long i = 0; i < certs; i++) len += (size_t)snprintf(text + len, cap - len, "cert c%ld {}\n", i);
    long k = 0;
    for (long i = 0; i < sites; i++) {
        len += (size_t)snprintf(text + len, cap - len, "site s%ld {\n", i);
        for (int b = 0; b < PER_SITE; b++, k++) {
            static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
            long h = k / 9000;
            len += (size_t)snprintf(text + len, cap - len, "http *:%ld:%c%c\n", 1000 + k % 9000, digits[h / 36 % 36], digits[h % 36]);
        }
        len += (size_t)snprintf(text + len, cap - len, "}\n");
    }
    long last_line = certs + (PER_SITE + 2) * sites + 1;
    len += (size_t)snprintf(text + len, cap - len, "site last {\n https *:443:last cert=\n}\n");
    printf("text: %.1f MB\n", (double)len / 1e6);

    char *server_argv[] = { (char *)bindc, "lsp", NULL };
    s.c = lsp_client_start(server_argv, "ASAN_OPTIONS=quarantine_size_mb=16:detect_leaks=1", on_big_message, &s);
    json_t *caps = json_pack("{s:{s:{s:b}, s:{s:[s]}, s:{s:{s:[s]}}}}", "textDocument", "documentSymbol",
                             "hierarchicalDocumentSymbolSupport", 1, "hover", "contentFormat", "markdown", "completion",
                             "completionItem", "documentationFormat", "markdown");
    json_decref(big_call(&s, "initialize", json_pack("{s:n, s:o}", "rootUri", "capabilities", caps)));
    notify(&s, "initialized", json_object());
    json_t *hover_nowhere = json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", "file:///nowhere/none.bind",
                                      "position", "line", 0, "character", 0);
    json_decref(big_call(&s, "textDocument/hover", json_deep_copy(hover_nowhere)));
    sample empty = memory(&s, 0);
    printf("empty server: VmRSS %ld kB\n", empty.rss_kb);

    double t0 = now_s();
    notify(&s, "textDocument/didOpen", json_pack("{s:{s:s, s:s, s:i, s:s%}}", "textDocument", "uri", s.uri, "languageId",
                                                 "bind", "version", 1, "text", text, len));
    free(text);
    while (!s.publishes) lsp_client_pump(s.c);
    double t1 = now_s();
    printf("didOpen to diagnostics: %.1f s (%zu diagnostics)\n", t1 - t0, json_array_size(s.diags));

    json_t *r = big_call(&s, "textDocument/documentSymbol", json_pack("{s:{s:s}}", "textDocument", "uri", s.uri));
    size_t nsym = count_symbols(r);
    double t2 = now_s();
    printf("documentSymbol: %zu symbols in %.1f s\n", nsym, t2 - t1);
    if (nsym == 0 || nsym > MAX_SYMBOLS) lsp_fail("documentSymbol gave %zu symbols (want 1 to %d)", nsym, MAX_SYMBOLS);
    json_decref(r);

    r = big_call(&s, "textDocument/completion", json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", s.uri,
                                                           "position", "line", (json_int_t)last_line, "character", 24));
    size_t nitems = json_array_size(json_object_get(r, "items"));
    printf("completion of cert=: %zu items, isIncomplete %s\n", nitems,
           json_is_true(json_object_get(r, "isIncomplete")) ? "true" : "false");
    if (nitems == 0 || nitems > MAX_COMPLETION_ITEMS || (certs > MAX_COMPLETION_ITEMS && !json_is_true(json_object_get(r, "isIncomplete"))))
        lsp_fail("completion: %zu items (want 1 to %d, isIncomplete when there are more)", nitems, MAX_COMPLETION_ITEMS);
    json_decref(r);

    /* A certificate, a binding, two sites. */
    const long at[][2] = { { 0, 6 }, { certs + 1, 2 }, { certs, 6 }, { last_line - 1, 6 } };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        r = big_call(&s, "textDocument/hover", json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", s.uri, "position",
                                                         "line", (json_int_t)at[i][0], "character", (json_int_t)at[i][1]));
        const char *v = json_string_value(json_object_get(json_object_get(r, "contents"), "value"));
        if (!v || strlen(v) > MAX_HOVER_BYTES) lsp_fail("hover at %ld:%ld: %s", at[i][0], at[i][1], v ? "over the cap" : "none");
        json_decref(r);
    }
    double t3 = now_s();
    sample open = memory(&s, 1);
    printf("requests: %.1f s; with the document open: VmRSS %ld kB, VmHWM %ld kB\n", t3 - t2, open.rss_kb, open.hwm_kb);

    notify(&s, "textDocument/didClose", json_pack("{s:{s:s}}", "textDocument", "uri", s.uri));
    json_decref(big_call(&s, "textDocument/hover", hover_nowhere));
    sample closed = memory(&s, 2);
    printf("closed: VmRSS %ld kB (%.1f times the empty server's %ld kB)\n", closed.rss_kb,
           (double)closed.rss_kb / (double)empty.rss_kb, empty.rss_kb);
#ifndef UNDER_ASAN
    /* A few times the empty server: the allocator may keep some of what it
     * had, but not the document's compilation or any answer's JSON. */
    if (closed.rss_kb > 4 * empty.rss_kb)
        lsp_fail("after closing the document the server keeps %ld kB, over 4 times the %ld kB of an empty server",
                 closed.rss_kb, empty.rss_kb);
#endif
    json_decref(big_call(&s, "shutdown", NULL));
    notify(&s, "exit", NULL);
    int st = lsp_client_finish(s.c);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) lsp_fail("the server did not exit 0 after shutdown and exit");
    json_decref(s.diags);
    printf("big document: every answer within its cap, memory given back\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: lsp_endurance BINDC [SEED [EDITS]] | BINDC --big-document [SYMBOLS]\n"); return 2; }
    if (argc > 2 && strcmp(argv[2], "--big-document") == 0) {
        setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef UNDER_ASAN
        long symbols = 100000;
#else
        long symbols = 4000000;
#endif
        return big_document(argv[1], argc > 3 ? atol(argv[3]) : symbols);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);     /* in order with the failure messages on stderr */
    session s = { .bindc = argv[1], .diag_version = -1, .next_id = 1, .await_id = -1 };
    s.seed = argc > 2 ? strtoull(argv[2], NULL, 10) : DEFAULT_SEED;
    int total = argc > 3 ? atoi(argv[3]) : DEFAULT_EDITS;
    printf("seed %llu, %d edits (repeat with: lsp_endurance BINDC %llu %d)\n", (unsigned long long)s.seed, total,
           (unsigned long long)s.seed, total);
    fflush(stdout);

    const char *tmp = getenv("TMPDIR");
    char tmpl[PATH_MAX];
    snprintf(tmpl, sizeof tmpl, "%s/bindc-endurance-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmpl) || !realpath(tmpl, dir)) lsp_fail("mkdtemp: %s", strerror(errno));
    atexit(cleanup);
    snprintf(doc_path, sizeof doc_path, "%s/endurance.bind", dir);
    s.path = doc_path;
    char *uri = file_uri(doc_path);
    s.uri = uri;

    /* The starting text: the shop example and four more sites, no errors. */
    size_t len;
    char *text = read_file(BINDC_SOURCE_DIR "/examples/shop.bind", &len);
    for (unsigned k = 0; k < 4; k++) edits_site_block(&text, &len, 100 + k, "\n");
    edits_init(&s.ed, s.seed, text, len);

    /* ASan keeps freed memory in a 256 MB quarantine, which would look like
     * growth here: a small one shows the server's own. */
    const char *asan = getenv("ASAN_OPTIONS");
    char *env = malloc(strlen(asan ? asan : "") + 64);
    if (!env) lsp_fail("out of memory");
    sprintf(env, "ASAN_OPTIONS=%s%squarantine_size_mb=16", asan ? asan : "", asan && *asan ? ":" : "");
    char *server_argv[] = { (char *)s.bindc, "lsp", NULL };
    s.c = lsp_client_start(server_argv, env, on_message, &s);
    initialize(&s);
    notify(&s, "textDocument/didOpen", json_pack("{s:{s:s, s:s, s:i, s:s%}}", "textDocument", "uri", s.uri, "languageId",
                                                 "bind", "version", (json_int_t)++s.version, "text", text, len));
    compare_with_cli(&s, "opened", true);
    size_t i;
    json_t *d;
    json_array_foreach(s.diags, i, d)
        if (json_integer_value(json_object_get(d, "severity")) == 1) lsp_fail("the starting text has errors: the test is wrong");

    sample *mem = calloc((size_t)(total > 0 ? total : 0) / SAMPLE_EVERY + 3, sizeof *mem);
    size_t nmem = 0;
    if (!mem) lsp_fail("out of memory");
    mem[nmem++] = memory(&s, 0);
    struct kind_count { const char *kind; long n; } kinds[32];
    size_t nkinds = 0;
    for (int e = 1; e <= total; e++) {
        const char *kind = edits_random(&s.ed);
        size_t k = 0;
        while (k < nkinds && strcmp(kinds[k].kind, kind) != 0) k++;
        if (k == nkinds && nkinds < 32) kinds[nkinds++] = (struct kind_count){ kind, 0 };
        if (k < nkinds) kinds[k].n++;
        send_edit(&s);
        s.text_bytes += (double)s.ed.doc.len;
        if (edits_rand(&s.ed, 12) == 0) random_request(&s);
        if (edits_rand(&s.ed, 100) == 0) apply_quick_fix(&s);
        if (s.formatting && edits_rand(&s.ed, 80) == 0) apply_formatting(&s);
        if (s.npending > MAX_PENDING / 2) barrier(&s);
        if (e % SAMPLE_EVERY == 0 || e == total) {
            barrier(&s);
            mem[nmem++] = memory(&s, e);
        }
        if (e % COMPARE_EVERY == 0 && e != total) {
            char when[32];
            snprintf(when, sizeof when, "after %d edits", e);
            compare_with_cli(&s, when, e % 1000 == 0);
        }
    }

    /* The end: the last text, as published for the last edit ... */
    compare_with_cli(&s, "final text", true);
    /* ... and once more after closing and opening it, which must publish
     * for exactly the version opened. */
    notify(&s, "textDocument/didClose", json_pack("{s:o}", "textDocument", text_document(&s)));
    notify(&s, "textDocument/didOpen", json_pack("{s:{s:s, s:s, s:i, s:s%}}", "textDocument", "uri", s.uri, "languageId",
                                                 "bind", "version", (json_int_t)++s.version, "text", s.ed.doc.s,
                                                 s.ed.doc.len));
    barrier(&s);
    if (s.diag_version != s.version)
        lsp_fail("no publishDiagnostics for the reopened document's version %ld (the last was for %ld)", s.version,
                 s.diag_version);
    compare_with_cli(&s, "closed and reopened", true);

    printf("diagnostics compared with bindc check %ld times: always equal\n", s.comparisons);
    printf("edits by kind:");
    for (size_t k = 0; k < nkinds; k++) printf("%s %s %ld", k ? "," : "", kinds[k].kind, kinds[k].n);
    printf("\nrequests %ld, all answered; publications %ld with %ld diagnostics (+%ld for other files); "
           "quick fixes applied %ld; formatted %ld, refused %ld\n", s.requests, s.publishes, s.published_diags,
           s.foreign_publishes, s.fixes_applied, s.formats_applied, s.formats_refused);
    printf("text: %zu bytes at the start, %.0f on average, %zu at the end; cpu: server %.1f s, this client %.1f s\n",
           len, s.text_bytes / (total > 0 ? total : 1), s.ed.doc.len, cpu_seconds(lsp_client_pid(s.c)), cpu_seconds(0));
    check_memory(mem, nmem);

    json_decref(call(&s, "shutdown", NULL));
    notify(&s, "exit", NULL);
    int st = lsp_client_finish(s.c);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        lsp_fail("the server ended with %s %d after shutdown and exit (want exit code 0)",
                 WIFEXITED(st) ? "exit code" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    printf("shutdown, exit: exit code 0\n");
    json_decref(s.diags);
    edits_fini(&s.ed);
    free(text);
    free(uri);
    free(env);
    free(mem);
    return 0;
}
