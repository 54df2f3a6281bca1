/* The language server's lifecycle and dispatch: JSON-RPC validation,
 * initialize/shutdown/exit, document notifications, request routing.
 *
 * Errors follow JSON-RPC 2.0 and LSP 3.17: a body that is not JSON gets
 * -32700 with a null id, a message that is not a request -32600, an
 * unknown request -32601 (unknown notifications are dropped, as are `$/`
 * ones), a request before `initialize` -32002, a request after `shutdown`
 * -32600.  `exit` ends the server with 0 after `shutdown`, else 1.
 * "params": null counts as absent. */
#include "session.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

bind_lsp_server *bind_lsp_server_new(const bind_lsp_options *o)
{
    bind_lsp_server *s = bind_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->opt = *o;
    if (!s->opt.max_message) s->opt.max_message = BIND_LSP_MAX_MESSAGE;
    bind_lsp_reader_init(&s->reader, s->opt.max_message);
    s->phase = BIND_LSP_NEW;
    s->exit_code = 1;       /* until shutdown and exit come in order */
    s->enc = BIND_LSP_UTF16;
    s->published = json_object();
    bind_buf_init(&s->out);
    return s;
}

void bind_lsp_server_free(bind_lsp_server *s)
{
    if (!s) return;
    bind_lsp_units_free(s);
    for (size_t i = 0; i < s->folders.len; i++) free(s->folders.items[i]);
    bind_vec_free(&s->folders);
    for (size_t i = 0; i < s->docs.len; i++) bind_lsp_doc_free(s->docs.items[i]);
    bind_vec_free(&s->docs);
    json_decref(s->published);
    bind_lsp_state_files_free(s);
    free(s->root_path);
    bind_lsp_reader_fini(&s->reader);
    bind_buf_free(&s->out);
    free(s);
}

int bind_lsp_server_exit_code(const bind_lsp_server *s) { return s->exit_code; }

static void reply_error(bind_lsp_server *s, json_t *id, int code, const char *message)
{
    bind_lsp_send(s, bind_lsp_error(id, code, message));
}

/* ---- initialize ------------------------------------------------------------ */

static bool array_has(json_t *a, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return true;
    return false;
}

static json_t *path_get(json_t *o, const char *const *keys)
{
    for (; *keys && o; keys++) o = json_object_get(o, *keys);
    return o;
}
#define GET(o, ...) path_get((o), (const char *const[]){ __VA_ARGS__, NULL })

/* A workspace folder (a file: URI) the project reaches into. */
static void add_folder(bind_lsp_server *s, json_t *uri)
{
    char *path = json_is_string(uri) ? bind_lsp_uri_to_path(json_string_value(uri)) : NULL;
    if (path) bind_vec_push(&s->folders, path);
}

static json_t *initialize(bind_lsp_server *s, json_t *params, int *code, const char **message)
{
    if (!json_is_object(params)) {
        *code = BIND_RPC_INVALID_PARAMS;
        *message = "initialize takes an InitializeParams object";
        return NULL;
    }
    /* `use` stays in the project: the open file's folder and these, as
     * `bindc check --root` (workspaceFolders, else rootUri). */
    json_t *folders = json_object_get(params, "workspaceFolders"), *f;
    size_t i;
    json_array_foreach(folders, i, f) add_folder(s, json_object_get(f, "uri"));
    if (!s->folders.len) add_folder(s, json_object_get(params, "rootUri"));
    json_t *caps = json_object_get(params, "capabilities");
    json_t *encodings = GET(caps, "general", "positionEncodings");
    json_t *ext = json_object_get(caps, "offsetEncoding");      /* the clangd extension */
    if (json_is_array(encodings)) {
        if (array_has(encodings, "utf-8")) s->enc = BIND_LSP_UTF8;
    } else if (json_is_array(ext) && array_has(ext, "utf-8")) {
        s->enc = BIND_LSP_UTF8;
        s->offset_encoding_ext = true;
    }
    s->related_info = json_is_true(GET(caps, "textDocument", "publishDiagnostics", "relatedInformation"));
    s->diag_tags = json_is_object(GET(caps, "textDocument", "publishDiagnostics", "tagSupport"));
    s->hover_markdown = array_has(GET(caps, "textDocument", "hover", "contentFormat"), "markdown");
    s->completion_markdown = array_has(GET(caps, "textDocument", "completion", "completionItem", "documentationFormat"), "markdown");
    s->hierarchical_symbols = json_is_true(GET(caps, "textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport"));
    s->code_action_literals = json_is_object(GET(caps, "textDocument", "codeAction", "codeActionLiteralSupport"));
    /* The workspace's root, for relative bindc.stateFiles; the settings
     * may come now or with workspace/didChangeConfiguration. */
    json_t *root = json_object_get(params, "rootUri");
    if (json_is_string(root)) s->root_path = bind_lsp_uri_to_path(json_string_value(root));
    else if (json_is_string(json_object_get(params, "rootPath"))) {
        const char *rp = json_string_value(json_object_get(params, "rootPath"));
        s->root_path = bind_xmalloc(strlen(rp) + 1);
        strcpy(s->root_path, rp);
    }
    json_t *init = json_object_get(params, "initializationOptions");
    if (json_is_object(init)) bind_lsp_set_state_files(s, init);

    const char *enc = s->enc == BIND_LSP_UTF8 ? "utf-8" : "utf-16";
    json_t *c = json_object();
    json_object_set_new(c, "positionEncoding", json_string(enc));
    json_object_set_new(c, "textDocumentSync",
                        json_pack("{s:b, s:i, s:{s:b}}", "openClose", 1, "change", 2, "save", "includeText", 0));
    json_object_set_new(c, "hoverProvider", json_true());
    json_object_set_new(c, "completionProvider",
                        json_pack("{s:[s,s], s:b}", "triggerCharacters", "=", "\"", "resolveProvider", 0));
    json_object_set_new(c, "definitionProvider", json_true());
    json_object_set_new(c, "documentSymbolProvider", json_true());
    if (s->code_action_literals)
        json_object_set_new(c, "codeActionProvider", json_pack("{s:[s]}", "codeActionKinds", "quickfix"));
    else
        json_object_set_new(c, "codeActionProvider", json_false());
    json_object_set_new(c, "documentFormattingProvider", json_true());
    json_t *r = json_object();
    json_object_set_new(r, "capabilities", c);
    json_t *info = json_pack("{s:s}", "name", "bindc");
    if (s->opt.version) json_object_set_new(info, "version", json_string(s->opt.version));
    json_object_set_new(r, "serverInfo", info);
    if (s->offset_encoding_ext) json_object_set_new(r, "offsetEncoding", json_string(enc));
    s->phase = BIND_LSP_RUNNING;
    return r;
}

/* ---- document notifications ------------------------------------------------ */

static void did_open(bind_lsp_server *s, json_t *params)
{
    json_t *td = json_object_get(params, "textDocument");
    const char *uri = json_string_value(json_object_get(td, "uri"));
    json_t *text = json_object_get(td, "text"), *version = json_object_get(td, "version");
    if (!uri || !json_is_string(text)) { bind_lsp_log(s, "didOpen without textDocument.uri and text: ignored"); return; }
    bind_lsp_doc *old = bind_lsp_find_doc(s, uri);
    if (old) {
        /* A second didOpen replaces the buffer: the client's view wins. */
        bind_lsp_log(s, "didOpen of %s, which is open already: its text is replaced", uri);
        bind_lsp_doc_edit(old, NULL, json_string_value(text), json_string_length(text), s->enc);
        old->version = json_integer_value(version);
        bind_lsp_refresh(s, old, BIND_LSP_CHANGED);
        return;
    }
    bind_lsp_doc *d = bind_lsp_doc_new(uri, json_integer_value(version), json_string_value(text),
                                       json_string_length(text), s->next_order++);
    bind_vec_push(&s->docs, d);
    bind_lsp_refresh(s, d, BIND_LSP_CHANGED);
}

static void did_change(bind_lsp_server *s, json_t *params)
{
    const char *uri = bind_lsp_doc_uri(params);
    bind_lsp_doc *d = uri ? bind_lsp_find_doc(s, uri) : NULL;
    json_t *changes = json_object_get(params, "contentChanges");
    if (!d || !json_is_array(changes)) {
        bind_lsp_log(s, "didChange for %s, which is not open (or without contentChanges): ignored", uri ? uri : "no document");
        return;
    }
    size_t i;
    json_t *ch;
    json_array_foreach(changes, i, ch) {
        json_t *text = json_object_get(ch, "text"), *range = json_object_get(ch, "range");
        bind_lsp_pos r[2];
        if (!json_is_string(text)) { bind_lsp_log(s, "didChange: a change without text: skipped"); continue; }
        if (range) {
            if (!bind_lsp_parse_pos(json_object_get(range, "start"), &r[0])
                || !bind_lsp_parse_pos(json_object_get(range, "end"), &r[1])) {
                bind_lsp_log(s, "didChange: a change with a malformed range: skipped");
                continue;
            }
        }
        bind_lsp_doc_edit(d, range ? r : NULL, json_string_value(text), json_string_length(text), s->enc);
    }
    json_t *version = json_object_get(json_object_get(params, "textDocument"), "version");
    if (json_is_integer(version)) d->version = json_integer_value(version);
    bind_lsp_refresh(s, d, BIND_LSP_CHANGED);
}

static void did_save(bind_lsp_server *s, json_t *params)
{
    const char *uri = bind_lsp_doc_uri(params);
    bind_lsp_doc *d = uri ? bind_lsp_find_doc(s, uri) : NULL;
    /* A saved file may now be found by `use` where it was not before. */
    bind_lsp_refresh(s, d, BIND_LSP_SAVED);
}

static void did_close(bind_lsp_server *s, json_t *params)
{
    const char *uri = bind_lsp_doc_uri(params);
    bind_lsp_doc *d = uri ? bind_lsp_find_doc(s, uri) : NULL;
    if (!d) { bind_lsp_log(s, "didClose for %s, which is not open: ignored", uri ? uri : "no document"); return; }
    for (size_t i = 0; i < s->docs.len; i++) {
        if (s->docs.items[i] != d) continue;
        memmove(&s->docs.items[i], &s->docs.items[i + 1], (s->docs.len - i - 1) * sizeof *s->docs.items);
        s->docs.len--;
        break;
    }
    bind_lsp_refresh(s, d, BIND_LSP_CLOSED);
    bind_lsp_doc_free(d);
    /* What a closed document cost (its compilation, the JSON of its
     * answers: millions of small blocks for a big one) goes back to the
     * system, not only to malloc's free lists, where the resident size of
     * a long session would stay at its largest document's. */
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* ---- dispatch -------------------------------------------------------------- */

static const struct { const char *method; bind_lsp_handler run; } requests[] = {
    { "textDocument/hover", bind_lsp_hover },
    { "textDocument/completion", bind_lsp_completion },
    { "textDocument/definition", bind_lsp_definition },
    { "textDocument/documentSymbol", bind_lsp_document_symbol },
    { "textDocument/codeAction", bind_lsp_code_action },
    { "textDocument/formatting", bind_lsp_formatting },
};

/* bindc.stateFiles changed: every unit reads the captures again. */
static void did_change_configuration(bind_lsp_server *s, json_t *params)
{
    json_t *settings = json_object_get(params, "settings");
    if (json_is_object(settings) && bind_lsp_set_state_files(s, settings)) bind_lsp_refresh(s, NULL, BIND_LSP_CHANGED);
}

/* A capture of bindc.stateFiles changed on disk. */
static void did_change_watched_files(bind_lsp_server *s, json_t *params)
{
    size_t i;
    json_t *ch;
    bool state = false;
    json_array_foreach(json_object_get(params, "changes"), i, ch) {
        const char *uri = json_string_value(json_object_get(ch, "uri"));
        char *path = uri ? bind_lsp_uri_to_path(uri) : NULL;
        if (path && !state) state = bind_lsp_is_state_file(s, path);
        free(path);
    }
    if (state) bind_lsp_refresh(s, NULL, BIND_LSP_CHANGED);
}

static const struct { const char *method; void (*run)(bind_lsp_server *, json_t *); } notifications[] = {
    { "workspace/didChangeConfiguration", did_change_configuration },
    { "workspace/didChangeWatchedFiles", did_change_watched_files },
    { "textDocument/didOpen", did_open },
    { "textDocument/didChange", did_change },
    { "textDocument/didSave", did_save },
    { "textDocument/didClose", did_close },
};

static bind_lsp_handler find_request(const char *m)
{
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++)
        if (strcmp(requests[i].method, m) == 0) return requests[i].run;
    return NULL;
}

static void request(bind_lsp_server *s, json_t *id, const char *m, json_t *params)
{
    if (s->phase == BIND_LSP_NEW && strcmp(m, "initialize") != 0) {
        reply_error(s, id, BIND_RPC_SERVER_NOT_INITIALIZED, "the server is not initialized: send initialize first");
        return;
    }
    if (s->phase == BIND_LSP_SHUT_DOWN) {
        reply_error(s, id, BIND_RPC_INVALID_REQUEST, "the server is shut down: only exit is accepted");
        return;
    }
    int code = 0;
    const char *message = NULL;
    json_t *result = NULL;
    if (strcmp(m, "initialize") == 0) {
        if (s->phase != BIND_LSP_NEW) { reply_error(s, id, BIND_RPC_INVALID_REQUEST, "initialize was sent already"); return; }
        result = initialize(s, params, &code, &message);
    } else if (strcmp(m, "shutdown") == 0) {
        s->phase = BIND_LSP_SHUT_DOWN;
        result = json_null();
    } else {
        bind_lsp_handler h = find_request(m);
        if (!h) {
            bool is_notification = false;
            for (size_t i = 0; i < sizeof notifications / sizeof notifications[0]; i++)
                is_notification |= strcmp(notifications[i].method, m) == 0;
            is_notification |= strcmp(m, "initialized") == 0 || strcmp(m, "exit") == 0;
            reply_error(s, id, is_notification ? BIND_RPC_INVALID_REQUEST : BIND_RPC_METHOD_NOT_FOUND,
                        is_notification ? "this method is a notification: send it without an id"
                                        : "unknown method");
            return;
        }
        if (params && !json_is_object(params)) {
            reply_error(s, id, BIND_RPC_INVALID_PARAMS, "params must be an object");
            return;
        }
        result = h(s, params, &code, &message);
    }
    if (result) bind_lsp_send(s, bind_lsp_response(id, result));
    else reply_error(s, id, code ? code : BIND_RPC_INTERNAL_ERROR, message ? message : "request failed");
}

static void notification(bind_lsp_server *s, const char *m, json_t *params)
{
    if (strcmp(m, "exit") == 0) {
        s->exit_code = s->phase == BIND_LSP_SHUT_DOWN ? 0 : 1;
        s->phase = BIND_LSP_EXITED;
        return;
    }
    if (s->phase != BIND_LSP_RUNNING) {
        bind_lsp_log(s, "notification %s %s: dropped", m,
                     s->phase == BIND_LSP_NEW ? "before initialize" : "after shutdown");
        return;
    }
    for (size_t i = 0; i < sizeof notifications / sizeof notifications[0]; i++) {
        if (strcmp(notifications[i].method, m) != 0) continue;
        if (!json_is_object(params)) { bind_lsp_log(s, "%s without params: ignored", m); return; }
        notifications[i].run(s, params);
        return;
    }
    if (strcmp(m, "initialized") != 0 && strncmp(m, "$/", 2) != 0) bind_lsp_log(s, "unknown notification %s: ignored", m);
}

static bool exited(const bind_lsp_server *s) { return s->phase == BIND_LSP_EXITED; }

bool bind_lsp_server_handle(bind_lsp_server *s, json_t *m)
{
    if (exited(s)) return false;
    if (!json_is_object(m)) {
        reply_error(s, NULL, BIND_RPC_INVALID_REQUEST,
                    json_is_array(m) ? "batches are not part of LSP: send one message at a time"
                                     : "a message must be a JSON object");
        return true;
    }
    json_t *id = json_object_get(m, "id"), *method = json_object_get(m, "method");
    json_t *params = json_object_get(m, "params"), *version = json_object_get(m, "jsonrpc");
    /* "params": null is no params (eglot sends shutdown and exit so):
     * accepted where params are optional, the usual error where not. */
    if (json_is_null(params)) params = NULL;
    bool id_ok = !id || json_is_integer(id) || json_is_string(id) || json_is_null(id);
    if (!method && id && (json_object_get(m, "result") || json_object_get(m, "error"))) {
        bind_lsp_log(s, "a response to a request this server never sent: ignored");
        return true;
    }
    const char *problem = !json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0
                              ? "\"jsonrpc\" must be \"2.0\""
                        : !json_is_string(method) ? "\"method\" must be a string"
                        : !id_ok ? "\"id\" must be a number or a string"
                        : params && !json_is_object(params) && !json_is_array(params) ? "\"params\" must be an object or an array"
                        : NULL;
    if (problem) {
        reply_error(s, id_ok ? id : NULL, BIND_RPC_INVALID_REQUEST, problem);
        return true;
    }
    const char *name = json_string_value(method);
    if (id) {
        if (strncmp(name, "$/", 2) == 0) reply_error(s, id, BIND_RPC_METHOD_NOT_FOUND, "unknown method");
        else request(s, id, name, params);
    } else {
        notification(s, name, params);
    }
    return !exited(s);
}

/* A message whose lone surrogate escapes were read as U+FFFD: handled, and
 * the client told, since its text and the server's now differ there (in
 * those characters only: U+FFFD is one UTF-16 unit, as the surrogate was,
 * so every position still means the same place). */
static void handle_mended(bind_lsp_server *s, json_t *m, size_t lone)
{
    if (lone) {
        const char *method = json_string_value(json_object_get(m, "method"));
        const char *uri = json_is_object(m) ? bind_lsp_doc_uri(json_object_get(m, "params")) : NULL;
        char msg[600];
        snprintf(msg, sizeof msg, "%zu lone UTF-16 surrogate escape%s (half of a pair, such as \\ud83d) in %s%s%s, "
                 "read as U+FFFD: UTF-8 cannot hold one, so the server's copy has U+FFFD in its place",
                 lone, lone == 1 ? "" : "s", method ? method : "a message", uri ? " for " : "", uri ? uri : "");
        bind_lsp_log(s, "%s", msg);
        if (s->phase == BIND_LSP_RUNNING)
            bind_lsp_send(s, bind_lsp_notification("window/logMessage", json_pack("{s:i, s:o}", "type", 2, "message",
                                                                                  bind_lsp_json_cstr(msg))));
    }
    bind_lsp_server_handle(s, m);
}

/* JSON from a body, each lone surrogate escape read as U+FFFD (*lone of them). */
static json_t *parse(const char *body, size_t len, size_t flags, json_error_t *err, size_t *lone)
{
    char *mended;
    *lone = bind_lsp_mend_surrogates(body, len, &mended);
    json_t *m = json_loadb(mended ? mended : body, len, flags, err);
    free(mended);
    return m;
}

/* A body: JSON, or a parse error.  A complete message followed by the next
 * header inside the body means the Content-Length was too large: handle the
 * message and read on from that header. */
static void handle_body(bind_lsp_server *s, const char *body, size_t len)
{
    json_error_t err;
    size_t lone;
    json_t *m = parse(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &lone);
    if (m) {
        handle_mended(s, m, lone);
        json_decref(m);
        return;
    }
    json_error_t err2;
    json_t *first = parse(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DISABLE_EOF_CHECK, &err2, &lone);
    if (first && err2.position > 0) {
        size_t at = (size_t)err2.position;
        while (at < len && (body[at] == ' ' || body[at] == '\r' || body[at] == '\n' || body[at] == '\t')) at++;
        if (len - at >= 15 && strncasecmp(body + at, "Content-Length:", 15) == 0) {
            bind_lsp_log(s, "a Content-Length promised more bytes than its message has; the next message starts inside it");
            bind_lsp_reader_resync_in_body(&s->reader, at);
            handle_mended(s, first, lone);
            json_decref(first);
            return;
        }
    }
    json_decref(first);
    bind_lsp_log(s, "a message is not JSON (%s at byte %d)", err.text, err.position);
    /* A cut-short body may hide the next header: look for it from here. */
    bind_lsp_reader_resync_in_body(&s->reader, 1);
    char msg[220];
    snprintf(msg, sizeof msg, "parse error: %s", err.text);
    reply_error(s, NULL, BIND_RPC_PARSE_ERROR, msg);
}

bool bind_lsp_server_feed(bind_lsp_server *s, const char *data, size_t n)
{
    if (exited(s)) return false;
    bind_lsp_reader_feed(&s->reader, data, n);
    while (!exited(s)) {
        const char *body;
        size_t len;
        enum bind_lsp_event ev = bind_lsp_reader_next(&s->reader, &body, &len);
        if (ev == BIND_LSP_NEED_MORE) break;
        if (ev == BIND_LSP_MESSAGE) handle_body(s, body, len);
        else if (ev == BIND_LSP_FRAMING_ERROR) bind_lsp_log(s, "%s", s->reader.error);
        else {
            bind_lsp_log(s, "%s", s->reader.error);
            /* The next header came early and all before it is at hand: a
             * Content-Length that lied, over a message that may be whole. */
            size_t lone = 0;
            json_t *m = s->reader.skip_cut && s->reader.peek_whole
                            ? parse(s->reader.peek, s->reader.peek_len, JSON_ALLOW_NUL, NULL, &lone) : NULL;
            if (json_is_object(m)) {
                handle_mended(s, m, lone);
                json_decref(m);
                continue;
            }
            json_decref(m);
            json_t *id = bind_lsp_peek_id(s->reader.peek, s->reader.peek_len);
            char msg[200];
            snprintf(msg, sizeof msg, "message too large: over the %zu-byte limit", s->opt.max_message);
            if (id) reply_error(s, id, BIND_RPC_INVALID_REQUEST, msg);
            json_decref(id);
            bind_lsp_send(s, bind_lsp_notification("window/showMessage",
                                                   json_pack("{s:i, s:s}", "type", 1, "message", msg)));
        }
    }
    bind_lsp_reader_shrink(&s->reader);
    return !exited(s);
}

bool bind_lsp_server_in_body(const bind_lsp_server *s) { return bind_lsp_reader_in_body(&s->reader); }

void bind_lsp_server_stalled(bind_lsp_server *s)
{
    const char *body;
    size_t len;
    if (exited(s) || !bind_lsp_reader_partial(&s->reader, &body, &len)) return;
    json_error_t err;
    size_t lone;
    json_t *m = parse(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DISABLE_EOF_CHECK, &err, &lone);
    if (!m || !json_is_object(m)) { json_decref(m); return; }
    bind_lsp_log(s, "a Content-Length promised more bytes than came; handling the message that did");
    bind_lsp_reader_abandon_body(&s->reader, (size_t)err.position);
    handle_mended(s, m, lone);
    json_decref(m);
}
