/* The language server's lifecycle and JSON-RPC errors: what comes before
 * initialize, after shutdown, unknown methods, broken messages, position
 * encodings, exit codes. */
#include "test_lsp_harness.h"
#include "import/state.h"
#include "lsp/open_documents.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static json_t *request(session *x, json_int_t id, const char *method)
{
    session_send(x, json_pack("{s:s, s:I, s:s, s:{}}", "jsonrpc", "2.0", "id", id, "method", method, "params"));
    json_t *all = session_take(x);
    return all;
}

static void test_lsp_server_before_initialize(void **state)
{
    (void)state;
    session *x = session_open_raw(0);
    json_t *m = request(x, 1, "textDocument/hover");
    assert_int_equal(error_code(find_response(m, 1)), BIND_RPC_SERVER_NOT_INITIALIZED);
    json_decref(m);
    /* A notification before initialize is dropped: no answer, no diagnostics. */
    open_doc(x, "file:///nowhere/a.bind", "site a { http *:99999:a }\n");
    m = session_take(x);
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    m = request(x, 2, "shutdown");
    assert_int_equal(error_code(find_response(m, 2)), BIND_RPC_SERVER_NOT_INITIALIZED);
    json_decref(m);
    /* exit without shutdown: exit code 1. */
    session_send(x, json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", "exit"));
    assert_false(x->alive);
    assert_int_equal(bind_lsp_server_exit_code(x->server), 1);
    session_close(x);
}

static void test_lsp_server_lifecycle(void **state)
{
    (void)state;
    session *x = session_open_raw(0);
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{}}}", "jsonrpc", "2.0", "id", 1, "method", "initialize",
                              "params", "capabilities"));
    json_t *m = session_take(x);
    json_t *caps = json_object_get(json_object_get(find_response(m, 1), "result"), "capabilities");
    assert_string_equal(json_string_value(json_object_get(caps, "positionEncoding")), "utf-16");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(caps, "textDocumentSync"), "change")), 2);
    assert_true(json_is_true(json_object_get(caps, "hoverProvider")));
    assert_true(json_is_true(json_object_get(caps, "documentFormattingProvider")));
    /* Without code action literals the client cannot take code actions. */
    assert_true(json_is_false(json_object_get(caps, "codeActionProvider")));
    json_decref(m);
    m = request(x, 2, "initialize");
    assert_int_equal(error_code(find_response(m, 2)), BIND_RPC_INVALID_REQUEST);
    json_decref(m);
    m = request(x, 3, "shutdown");
    assert_true(json_is_null(json_object_get(find_response(m, 3), "result")));
    json_decref(m);
    m = request(x, 4, "textDocument/hover");
    assert_int_equal(error_code(find_response(m, 4)), BIND_RPC_INVALID_REQUEST);
    json_decref(m);
    assert_true(x->alive);
    session_send(x, json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", "exit"));
    assert_false(x->alive);
    assert_int_equal(bind_lsp_server_exit_code(x->server), 0);
    /* After exit nothing is read. */
    session_send(x, json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", 5, "method", "shutdown"));
    m = session_take(x);
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    session_close(x);
}

/* "params": null is as good as no params where they are optional: Emacs
 * eglot sends shutdown and exit so, and was refused (exit code 1). */
static void test_lsp_server_null_params(void **state)
{
    (void)state;
    session *x = session_start(NULL);
    session_send_text(x, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":null}");
    session_send_text(x, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/hover\",\"params\":null}");
    json_t *m = session_take(x);
    assert_int_equal(json_array_size(m), 1);
    assert_int_equal(error_code(find_response(m, 2)), BIND_RPC_INVALID_PARAMS);     /* required here */
    json_decref(m);
    session_send_text(x, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\",\"params\":null}");
    m = session_take(x);
    json_t *r = find_response(m, 3);
    assert_non_null(r);
    assert_null(json_object_get(r, "error"));
    assert_true(json_is_null(json_object_get(r, "result")));
    json_decref(m);
    session_send_text(x, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\",\"params\":null}");
    assert_false(x->alive);
    assert_int_equal(bind_lsp_server_exit_code(x->server), 0);
    session_close(x);
}

static void test_lsp_server_unknown_methods(void **state)
{
    (void)state;
    session *x = session_start(NULL);
    json_t *m = request(x, 7, "textDocument/frobnicate");
    assert_int_equal(error_code(find_response(m, 7)), BIND_RPC_METHOD_NOT_FOUND);
    json_decref(m);
    m = request(x, 8, "$/somethingNew");
    assert_int_equal(error_code(find_response(m, 8)), BIND_RPC_METHOD_NOT_FOUND);
    json_decref(m);
    m = request(x, 9, "textDocument/didOpen");          /* a notification sent as a request */
    assert_int_equal(error_code(find_response(m, 9)), BIND_RPC_INVALID_REQUEST);
    json_decref(m);
    /* Unknown and $/ notifications: silence. */
    session_send(x, json_pack("{s:s, s:s, s:{}}", "jsonrpc", "2.0", "method", "workspace/somethingNew", "params"));
    session_send(x, json_pack("{s:s, s:s, s:{s:i}}", "jsonrpc", "2.0", "method", "$/cancelRequest", "params", "id", 3));
    session_send(x, json_pack("{s:s, s:s, s:{s:s}}", "jsonrpc", "2.0", "method", "$/setTrace", "params", "value", "off"));
    m = session_take(x);
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    /* A response to a request the server never sent is ignored. */
    session_send(x, json_pack("{s:s, s:i, s:n}", "jsonrpc", "2.0", "id", 99, "result"));
    m = session_take(x);
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    session_close(x);
}

static void expect_error(session *x, const char *text, int code, bool id_null)
{
    session_send_text(x, text);
    json_t *m = session_take(x);
    assert_int_equal(json_array_size(m), 1);
    json_t *r = json_array_get(m, 0);
    assert_int_equal(error_code(r), code);
    assert_true(id_null ? json_is_null(json_object_get(r, "id")) : json_is_integer(json_object_get(r, "id")));
    json_decref(m);
    assert_true(x->alive);
}

static void test_lsp_server_invalid_messages(void **state)
{
    (void)state;
    session *x = session_start(NULL);
    expect_error(x, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", BIND_RPC_PARSE_ERROR, true);
    expect_error(x, "", BIND_RPC_PARSE_ERROR, true);
    expect_error(x, "\x01\x02 binary \xff", BIND_RPC_PARSE_ERROR, true);
    expect_error(x, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":\"\xff\"}", BIND_RPC_PARSE_ERROR, true);
    expect_error(x, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}]", BIND_RPC_INVALID_REQUEST, true);
    expect_error(x, "[]", BIND_RPC_INVALID_REQUEST, true);
    expect_error(x, "42", BIND_RPC_INVALID_REQUEST, true);
    expect_error(x, "{\"id\":3,\"method\":\"shutdown\"}", BIND_RPC_INVALID_REQUEST, false);      /* no jsonrpc */
    expect_error(x, "{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"shutdown\"}", BIND_RPC_INVALID_REQUEST, false);
    expect_error(x, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":7}", BIND_RPC_INVALID_REQUEST, false);
    expect_error(x, "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"shutdown\"}", BIND_RPC_INVALID_REQUEST, true);
    expect_error(x, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\",\"params\":5}", BIND_RPC_INVALID_REQUEST, false);
    expect_error(x, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"textDocument/hover\",\"params\":{}}", BIND_RPC_INVALID_PARAMS, false);
    expect_error(x, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"textDocument/hover\",\"params\":[1]}", BIND_RPC_INVALID_PARAMS, false);
    expect_error(x, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"textDocument/hover\",\"params\":{\"textDocument\":{\"uri\":\"file:///x\"},"
                    "\"position\":{\"line\":-1,\"character\":0}}}", BIND_RPC_INVALID_PARAMS, false);
    /* Broken notifications get no answer and do no harm. */
    session_send_text(x, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"file:///never\"},\"contentChanges\":[]}}");
    session_send_text(x, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":5}}}");
    session_send_text(x, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didClose\",\"params\":{}}");
    json_t *m = session_take(x);
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    /* The server still answers. */
    m = request(x, 6, "shutdown");
    assert_non_null(find_response(m, 6));
    json_decref(m);
    session_close(x);
}

static void test_lsp_server_wrong_content_length(void **state)
{
    (void)state;
    session *x = session_start(NULL);
    const char a[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$/x\"}";
    const char b[] = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"$/y\"}";
    char buf[512];
    /* Too long: the next message's header is inside; both are answered. */
    snprintf(buf, sizeof buf, "Content-Length: %zu\r\n\r\n%sContent-Length: %zu\r\n\r\n%s", sizeof a + 20, a, sizeof b - 1, b);
    session_bytes(x, buf, strlen(buf));
    json_t *m = session_take(x);
    assert_int_equal(error_code(find_response(m, 1)), BIND_RPC_METHOD_NOT_FOUND);
    assert_int_equal(error_code(find_response(m, 2)), BIND_RPC_METHOD_NOT_FOUND);
    json_decref(m);
    /* Too short: a parse error, then the next message. */
    snprintf(buf, sizeof buf, "Content-Length: 10\r\n\r\n%sContent-Length: %zu\r\n\r\n%s", a, sizeof b - 1, b);
    session_bytes(x, buf, strlen(buf));
    m = session_take(x);
    assert_int_equal(json_array_size(m), 2);
    assert_int_equal(error_code(json_array_get(m, 0)), BIND_RPC_PARSE_ERROR);
    assert_int_equal(error_code(find_response(m, 2)), BIND_RPC_METHOD_NOT_FOUND);
    json_decref(m);
    /* Missing: that message is lost, the next is served. */
    snprintf(buf, sizeof buf, "Content-Type: x\r\n\r\n%sContent-Length: %zu\r\n\r\n%s", a, sizeof b - 1, b);
    session_bytes(x, buf, strlen(buf));
    m = session_take(x);
    assert_int_equal(json_array_size(m), 1);
    assert_non_null(find_response(m, 2));
    json_decref(m);
    /* Too long at the end of the input: answered once the input stalls. */
    snprintf(buf, sizeof buf, "Content-Length: %zu\r\n\r\n%s", sizeof a + 100, a);
    session_bytes(x, buf, strlen(buf));
    assert_true(bind_lsp_server_in_body(x->server));
    bind_lsp_server_stalled(x->server);
    m = session_take(x);
    assert_non_null(find_response(m, 1));
    json_decref(m);
    session_send_text(x, b);
    m = session_take(x);
    assert_non_null(find_response(m, 2));
    json_decref(m);
    session_close(x);
}

/* A Content-Length far over the limit (2 GB, 2^63) must not swallow the
 * input after it: the message under it and the next one are answered, at
 * once or when the input stalls. */
static void test_lsp_server_insane_content_length(void **state)
{
    (void)state;
    const char *lengths[] = { "2000000000", "9223372036854775808", "67108865" };
    const char a[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$/x\"}";
    const char b[] = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"$/y\"}";
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        session *x = session_start(NULL);
        char buf[512];
        snprintf(buf, sizeof buf, "Content-Length: %s\r\n\r\n%sContent-Length: %zu\r\n\r\n%s", lengths[i], a, sizeof b - 1, b);
        session_bytes(x, buf, strlen(buf));
        json_t *m = session_take(x);
        assert_int_equal(error_code(find_response(m, 1)), BIND_RPC_METHOD_NOT_FOUND);
        assert_int_equal(error_code(find_response(m, 2)), BIND_RPC_METHOD_NOT_FOUND);
        json_decref(m);
        /* The lie at the end of the input: answered once the input stalls. */
        snprintf(buf, sizeof buf, "Content-Length: %s\r\n\r\n%s", lengths[i], a);
        session_bytes(x, buf, strlen(buf));
        assert_true(bind_lsp_server_in_body(x->server));
        bind_lsp_server_stalled(x->server);
        m = session_take(x);
        assert_int_equal(error_code(find_response(m, 1)), BIND_RPC_METHOD_NOT_FOUND);
        json_decref(m);
        session_send_text(x, b);
        m = session_take(x);
        assert_non_null(find_response(m, 2));
        json_decref(m);
        assert_true(x->alive);
        session_close(x);
    }
}

static void test_lsp_server_too_large(void **state)
{
    (void)state;
    session *x = session_open_raw(4096);
    size_t n = 100000;
    char *big = malloc(n + 200);
    int k = sprintf(big, "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"initialize\",\"params\":{\"pad\":\"");
    memset(big + k, 'x', n);
    strcpy(big + k + n, "\"}}");
    session_send_text(x, big);
    json_t *m = session_take(x);
    assert_int_equal(error_code(find_response(m, 77)), BIND_RPC_INVALID_REQUEST);
    const char *method = json_string_value(json_object_get(json_array_get(m, 1), "method"));
    assert_string_equal(method, "window/showMessage");
    json_decref(m);
    free(big);
    /* Still serving: initialize now works. */
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{}}}", "jsonrpc", "2.0", "id", 1, "method", "initialize",
                              "params", "capabilities"));
    m = session_take(x);
    assert_non_null(json_object_get(find_response(m, 1), "result"));
    json_decref(m);
    session_close(x);
}

/* A lone surrogate escape is valid JSON (RFC 8259 allows it) that UTF-8
 * cannot hold: the change must be applied with U+FFFD in its place (one
 * UTF-16 unit, as the surrogate), never dropped, or every later position
 * means another place in the server's buffer than in the editor's. */
static void test_lsp_server_lone_surrogates(void **state)
{
    (void)state;
    session *x = session_start(json_pack("{s:{s:{s:b}}}", "textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport", 1));
    const char *uri = "file:///nowhere/s.bind";
    open_doc(x, uri, "site \"x\" { http *:80:a }\n");
    json_decref(session_take(x));
    /* "x" becomes a pair (kept) and a lone low surrogate (U+FFFD). */
    session_send_text(x, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":"
                         "{\"uri\":\"file:///nowhere/s.bind\",\"version\":2},\"contentChanges\":[{\"range\":{\"start\":"
                         "{\"line\":0,\"character\":6},\"end\":{\"line\":0,\"character\":7}},\"text\":\"\\ud83d\\ude00\\ude00\"}]}}");
    json_t *m = session_take(x);
    bool told = false;
    size_t i;
    json_t *v;
    json_array_foreach(m, i, v) {
        assert_null(json_object_get(v, "error"));                  /* no -32700: the change was read */
        const char *method = json_string_value(json_object_get(v, "method"));
        if (method && strcmp(method, "window/logMessage") == 0) {
            told = true;
            assert_non_null(strstr(json_string_value(json_object_get(json_object_get(v, "params"), "message")), "U+FFFD"));
        }
    }
    assert_true(told);
    json_decref(m);
    /* The port is two UTF-16 units further on than before. */
    change_doc(x, uri, 3, 0, 20, 0, 22, "99999");
    m = session_take(x);
    assert_true(has_diag(find_diagnostics(m, uri), "E0102", 0, 20, 0, 25));
    json_decref(m);
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}}}", "jsonrpc", "2.0", "id", 5, "method",
                              "textDocument/documentSymbol", "params", "textDocument", "uri", uri));
    m = session_take(x);
    json_t *sym = json_array_get(json_object_get(find_response(m, 5), "result"), 0);
    assert_string_equal(json_string_value(json_object_get(sym, "name")), "\xF0\x9F\x98\x80\xEF\xBF\xBD");
    json_decref(m);
    session_close(x);
}

static void test_lsp_server_position_encoding(void **state)
{
    (void)state;
    const char *uri = "file:///nowhere/enc.bind";
    const char *text = "site \"\xC3\xA9t\xC3\xA9\" { http *:99999:a }\n";   /* the port after two é */
    /* UTF-16 unless the client offers UTF-8. */
    session *x = session_start(json_pack("{s:{s:[s,s]}}", "general", "positionEncodings", "utf-16", "utf-32"));
    open_doc(x, uri, text);
    json_t *m = session_take(x);
    assert_true(has_diag(find_diagnostics(m, uri), "E0102", 0, 20, 0, 25));
    json_decref(m);
    session_close(x);

    x = session_open_raw(0);
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:{s:[s,s]}}}}", "jsonrpc", "2.0", "id", 1, "method", "initialize",
                              "params", "capabilities", "general", "positionEncodings", "utf-8", "utf-16"));
    m = session_take(x);
    json_t *caps = json_object_get(json_object_get(find_response(m, 1), "result"), "capabilities");
    assert_string_equal(json_string_value(json_object_get(caps, "positionEncoding")), "utf-8");
    json_decref(m);
    open_doc(x, uri, text);
    m = session_take(x);
    assert_true(has_diag(find_diagnostics(m, uri), "E0102", 0, 22, 0, 27));
    json_decref(m);
    session_close(x);

    /* The clangd extension some clients (Neovim 0.7) use instead. */
    x = session_open_raw(0);
    session_send(x, json_pack("{s:s, s:i, s:s, s:{s:{s:[s,s]}}}", "jsonrpc", "2.0", "id", 1, "method", "initialize",
                              "params", "capabilities", "offsetEncoding", "utf-8", "utf-16"));
    m = session_take(x);
    json_t *r = json_object_get(find_response(m, 1), "result");
    assert_string_equal(json_string_value(json_object_get(r, "offsetEncoding")), "utf-8");
    json_decref(m);
    session_close(x);
}

static void test_lsp_server_binary_document(void **state)
{
    (void)state;
    session *x = session_start(NULL);
    const char *uri = "file:///nowhere/garbage.bind";
    /* NUL, controls, invalid-looking but valid code points, a BOM inside. */
    session_send_text(x, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///nowhere/garbage.bind\","
                         "\"languageId\":\"bind\",\"version\":1,\"text\":\"\\u0000\\u0001site\\u0000 {\\ufeff\\ud83d\\ude00\\u007f}\\r\\r\\n\\u001b[31m\"}}}");
    json_t *m = session_take(x);
    json_t *d = find_diagnostics(m, uri);
    assert_non_null(d);
    assert_true(json_array_size(d) > 0);
    json_decref(m);
    change_doc(x, uri, 2, 0, 0, 9, 0, "\x01\x02");
    m = session_take(x);
    assert_non_null(find_diagnostics(m, uri));
    json_decref(m);
    json_t *all;
    request_at(x, 3, "textDocument/hover", uri, 0, 1, &all);
    json_decref(all);
    request_at(x, 4, "textDocument/completion", uri, 0, 2, &all);
    json_decref(all);
    session_close(x);
}


/* ---- bindc.stateFiles: the machine's captures, as `bindc check --state` ---- */

/* The golden case w0503-state-reserved-for-bob: its .bind and its capture. */
#define STATE_CASES BINDC_SOURCE_DIR "/tests/golden/check"
#define BOB_BIND STATE_CASES "/w0503-state-reserved-for-bob.bind"
#define BOB_CAPTURE STATE_CASES "/state/urlacl-bob-en.txt"

/* A server that reads captures, as `bindc lsp` sets it up, logging into a
 * memory stream the test reads. */
typedef struct state_session {
    session *x;
    FILE *log;
    char *log_text;
    size_t log_len;
    char *uri;                /* the open .bind */
} state_session;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *text = calloc(1, 1 << 16);
    size_t n = fread(text, 1, (1 << 16) - 1, f);
    assert_true(n > 0);
    fclose(f);
    return text;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* initialize with these params (stolen; rich capabilities added), then initialized. */
static void state_start(state_session *t, json_t *params)
{
    memset(t, 0, sizeof *t);
    t->log = open_memstream(&t->log_text, &t->log_len);
    assert_non_null(t->log);
    session *x = t->x = calloc(1, sizeof *x);
    bind_lsp_reader_init(&x->out, (size_t)1 << 30);
    x->msgs = json_array();
    bind_lsp_options o = { .send = session_collect, .send_ctx = x, .log = t->log, .version = "test",
                           .state_reader = bind_state_read };
    x->server = bind_lsp_server_new(&o);
    x->alive = true;
    json_object_set_new(params, "capabilities", rich_capabilities());
    session_send(x, json_pack("{s:s, s:i, s:s, s:o}", "jsonrpc", "2.0", "id", 0, "method", "initialize", "params", params));
    session_send(x, json_pack("{s:s, s:s, s:{}}", "jsonrpc", "2.0", "method", "initialized", "params"));
    json_t *m = session_take(x);
    assert_non_null(json_object_get(find_response(m, 0), "result"));
    json_decref(m);
}

/* Opens the golden case's .bind (under its own URI) and returns what the server sent. */
static json_t *state_open_bob(state_session *t)
{
    char *text = slurp(BOB_BIND);
    char real[PATH_MAX];
    assert_non_null(realpath(BOB_BIND, real));
    t->uri = bind_lsp_path_to_uri(real);
    open_doc(t->x, t->uri, text);
    free(text);
    return session_take(t->x);
}

static const char *state_log(state_session *t)
{
    fflush(t->log);
    return t->log_text ? t->log_text : "";
}

static void state_close(state_session *t)
{
    /* Still serving: a request is answered. */
    session_send(t->x, json_pack("{s:s, s:i, s:s, s:{s:{s:s}}}", "jsonrpc", "2.0", "id", 900, "method",
                                 "textDocument/documentSymbol", "params", "textDocument", "uri", t->uri ? t->uri : "file:///x.bind"));
    json_t *m = session_take(t->x);
    assert_non_null(find_response(m, 900));
    assert_null(json_object_get(find_response(m, 900), "error"));
    json_decref(m);
    assert_true(t->x->alive);
    session_close(t->x);
    fclose(t->log);
    free(t->log_text);
    free(t->uri);
}

static void settings_change(session *x, json_t *settings)
{
    session_send(x, json_pack("{s:s, s:s, s:{s:o}}", "jsonrpc", "2.0", "method", "workspace/didChangeConfiguration",
                              "params", "settings", settings));
}

static json_t *init_with_states(const char *root_uri, json_t *state_files)
{
    json_t *p = json_pack("{s:{s:{s:o}}}", "initializationOptions", "bindc", "stateFiles", state_files);
    if (root_uri) json_object_set_new(p, "rootUri", json_string(root_uri));
    return p;
}

/* The diagnostics of the golden case: W0401 while no capture shows alice's
 * reservation, W0503 with the capture (at `*:80:localhost`, with the
 * reservation in the capture as related information).  has_w0503 says
 * which is expected. */
static void expect_bob(json_t *diags, bool has_w0503)
{
    assert_non_null(diags);
    assert_true(has_diag(diags, "W0401", 10, 11, 10, 13));
    assert_int_equal(has_diag(diags, "W0503", 10, 9, 10, 23), has_w0503);
    assert_int_equal(json_array_size(diags), has_w0503 ? 2 : 1);
    if (!has_w0503) return;
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d) {
        if (strcmp(json_string_value(json_object_get(d, "code")), "W0503") != 0) continue;
        assert_int_equal(json_integer_value(json_object_get(d, "severity")), 2);
        assert_non_null(strstr(json_string_value(json_object_get(d, "message")),
                               "this machine reserves http://localhost:80/ for DEVBOX\\bob, not for DEVBOX\\alice"));
        json_t *loc = json_object_get(json_array_get(json_object_get(d, "relatedInformation"), 0), "location");
        const char *uri = json_string_value(json_object_get(loc, "uri"));
        assert_non_null(uri);
        assert_non_null(strstr(uri, "/state/urlacl-bob-en.txt"));
        json_t *r = json_object_get(loc, "range");
        assert_int_equal(range_part(r, "start", "line"), 10);
        assert_int_equal(range_part(r, "start", "character"), 30);
        assert_int_equal(range_part(r, "end", "character"), 50);
    }
}

/* (a) initializationOptions name the capture: W0503, as `bindc check --state`. */
static void test_lsp_server_state_files_init(void **state)
{
    (void)state;
    state_session t;
    state_start(&t, init_with_states(NULL, json_pack("[s]", BOB_CAPTURE)));
    json_t *m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), true);
    json_decref(m);
    /* The top-level form {"stateFiles": [...]} is read too. */
    state_close(&t);
    state_start(&t, json_pack("{s:{s:[s]}}", "initializationOptions", "stateFiles", BOB_CAPTURE));
    m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), true);
    json_decref(m);
    assert_string_equal(state_log(&t), "");
    state_close(&t);
}

/* (b) without the setting, or with a server that has no capture reader,
 * the same file has no W0503. */
static void test_lsp_server_state_files_absent(void **state)
{
    (void)state;
    state_session t;
    state_start(&t, json_object());
    json_t *m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), false);
    json_decref(m);
    state_close(&t);
    /* A setting of another shape: said, and no capture read. */
    state_start(&t, json_pack("{s:{s:{s:s}}}", "initializationOptions", "bindc", "stateFiles", BOB_CAPTURE));
    m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), false);
    json_decref(m);
    assert_string_equal(state_log(&t), "bindc lsp: bindc.stateFiles is not a list of paths: no captures are read\n");
    state_close(&t);
    /* The library's server without a reader (as the plain harness makes it). */
    session *x = session_open_raw(0);
    session_send(x, json_pack("{s:s, s:i, s:s, s:o}", "jsonrpc", "2.0", "id", 0, "method", "initialize", "params",
                              init_with_states(NULL, json_pack("[s]", BOB_CAPTURE))));
    json_decref(session_take(x));
    char *text = slurp(BOB_BIND);
    open_doc(x, "file:///nowhere/bob.bind", text);
    free(text);
    m = session_take(x);
    expect_bob(find_diagnostics(m, "file:///nowhere/bob.bind"), false);
    json_decref(m);
    session_close(x);
}

/* (c) workspace/didChangeConfiguration after the file is open: re-checked
 * with the capture, then without it. */
static void test_lsp_server_state_files_configuration(void **state)
{
    (void)state;
    state_session t;
    state_start(&t, json_object());
    json_t *m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), false);
    json_decref(m);

    settings_change(t.x, json_pack("{s:{s:[s]}}", "bindc", "stateFiles", BOB_CAPTURE));
    m = session_take(t.x);
    expect_bob(find_diagnostics(m, t.uri), true);
    json_decref(m);

    /* Another extension's settings leave bindc's alone: nothing changes. */
    settings_change(t.x, json_pack("{s:{s:b}}", "python", "analysis", 1));
    m = session_take(t.x);
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    change_doc(t.x, t.uri, 2, 0, 0, 0, 0, "# edited\n");
    m = session_take(t.x);
    json_t *d = find_diagnostics(m, t.uri);
    assert_true(has_diag(d, "W0503", 11, 9, 11, 23));
    json_decref(m);

    settings_change(t.x, json_pack("{s:{s:[]}}", "bindc", "stateFiles"));
    m = session_take(t.x);
    d = find_diagnostics(m, t.uri);
    assert_non_null(d);
    assert_int_equal(json_array_size(d), 1);
    assert_true(has_diag(d, "W0401", 11, 11, 11, 13));
    json_decref(m);

    /* Back, then the setting removed from bindc's section (the client
     * sends the section without it): the default, no capture. */
    settings_change(t.x, json_pack("{s:{s:[s]}}", "bindc", "stateFiles", BOB_CAPTURE));
    m = session_take(t.x);
    assert_true(has_diag(find_diagnostics(m, t.uri), "W0503", 11, 9, 11, 23));
    json_decref(m);
    settings_change(t.x, json_pack("{s:{}}", "bindc"));
    m = session_take(t.x);
    d = find_diagnostics(m, t.uri);
    assert_non_null(d);
    assert_int_equal(json_array_size(d), 1);
    assert_true(has_diag(d, "W0401", 11, 11, 11, 13));
    json_decref(m);
    assert_string_equal(state_log(&t), "");
    state_close(&t);
}

/* (d) a relative path is the workspace root's (rootUri, else rootPath). */
static void test_lsp_server_state_files_relative(void **state)
{
    (void)state;
    char real[PATH_MAX];
    assert_non_null(realpath(STATE_CASES, real));
    char *root = bind_lsp_path_to_uri(real);
    state_session t;
    state_start(&t, init_with_states(root, json_pack("[s]", "state/urlacl-bob-en.txt")));
    json_t *m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), true);
    json_decref(m);
    state_close(&t);
    /* Given later, by didChangeConfiguration, with ./ in front. */
    state_start(&t, json_pack("{s:s}", "rootUri", root));
    m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), false);
    json_decref(m);
    settings_change(t.x, json_pack("{s:{s:[s]}}", "bindc", "stateFiles", "./state/urlacl-bob-en.txt"));
    m = session_take(t.x);
    expect_bob(find_diagnostics(m, t.uri), true);
    json_decref(m);
    state_close(&t);
    /* rootPath, the deprecated form, when there is no rootUri. */
    state_start(&t, json_pack("{s:s, s:{s:[s]}}", "rootPath", real, "initializationOptions", "stateFiles", "state/urlacl-bob-en.txt"));
    m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), true);
    json_decref(m);
    assert_string_equal(state_log(&t), "");
    state_close(&t);
    free(root);
}

static char *temp_dir(void)
{
    char tmpl[] = "/tmp/bindc-lsp-state-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char real[PATH_MAX];
    assert_non_null(realpath(tmpl, real));
    char *d = malloc(strlen(real) + 1);
    strcpy(d, real);
    return d;
}

static char *join(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

/* (e) a capture that is not there: logged, the rest checked, the server
 * serving; it is read once it appears and the client says so
 * (workspace/didChangeWatchedFiles), and re-read when it changes. */
static void test_lsp_server_state_files_missing(void **state)
{
    (void)state;
    char *dir = temp_dir(), *capture = join(dir, "urlacl.txt"), *root = bind_lsp_path_to_uri(dir);
    char *capture_uri = bind_lsp_path_to_uri(capture);
    state_session t;
    state_start(&t, init_with_states(root, json_pack("[s, s]", "/nonexistent/bindc/urlacl.txt", "./urlacl.txt")));
    json_t *m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), false);
    json_decref(m);
    const char *log = state_log(&t);
    assert_non_null(strstr(log, "bindc.stateFiles: cannot read /nonexistent/bindc/urlacl.txt: No such file or directory"));
    char want[PATH_MAX + 100];
    snprintf(want, sizeof want, "bindc.stateFiles: cannot read %s/./urlacl.txt: No such file or directory", dir);
    assert_non_null(strstr(log, want));
    /* Said once, not at every keystroke. */
    size_t said = strlen(log);
    change_doc(t.x, t.uri, 2, 0, 0, 0, 0, "# edited\n");
    change_doc(t.x, t.uri, 3, 0, 0, 1, 0, "");
    m = session_take(t.x);
    expect_bob(find_diagnostics(m, t.uri), false);
    json_decref(m);
    assert_int_equal(strlen(state_log(&t)), said);

    /* A change to another file: nothing re-checked. */
    session_send(t.x, json_pack("{s:s, s:s, s:{s:[{s:s, s:i}]}}", "jsonrpc", "2.0", "method", "workspace/didChangeWatchedFiles",
                                "params", "changes", "uri", "file:///nonexistent/other.txt", "type", 1));
    m = session_take(t.x);
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    /* The capture appears: named by the client as the client names it. */
    char *text = slurp(BOB_CAPTURE);
    spit(capture, text);
    session_send(t.x, json_pack("{s:s, s:s, s:{s:[{s:s, s:i}]}}", "jsonrpc", "2.0", "method", "workspace/didChangeWatchedFiles",
                                "params", "changes", "uri", capture_uri, "type", 1));
    m = session_take(t.x);
    json_t *d = find_diagnostics(m, t.uri);
    assert_true(has_diag(d, "W0503", 10, 9, 10, 23));
    json_decref(m);
    /* It changes: the reservation is alice's now, so the site may register it. */
    char *alice = calloc(1, strlen(text) + 8), *at = strstr(text, "DEVBOX\\bob");
    assert_non_null(at);
    sprintf(alice, "%.*sDEVBOX\\alice%s", (int)(at - text), text, at + strlen("DEVBOX\\bob"));
    spit(capture, alice);
    free(alice);
    session_send(t.x, json_pack("{s:s, s:s, s:{s:[{s:s, s:i}]}}", "jsonrpc", "2.0", "method", "workspace/didChangeWatchedFiles",
                                "params", "changes", "uri", capture_uri, "type", 2));
    m = session_take(t.x);
    /* and W0401 says nothing either: the machine holds the URL ACL it asks for. */
    d = find_diagnostics(m, t.uri);
    assert_non_null(d);
    assert_int_equal(json_array_size(d), 0);
    json_decref(m);
    /* Back to bob's, then deleted: the deletion names a file that is not
     * there any more, and is recognised all the same. */
    spit(capture, text);
    free(text);
    session_send(t.x, json_pack("{s:s, s:s, s:{s:[{s:s, s:i}]}}", "jsonrpc", "2.0", "method", "workspace/didChangeWatchedFiles",
                                "params", "changes", "uri", capture_uri, "type", 2));
    m = session_take(t.x);
    assert_true(has_diag(find_diagnostics(m, t.uri), "W0503", 10, 9, 10, 23));
    json_decref(m);
    said = strlen(state_log(&t));
    assert_int_equal(unlink(capture), 0);
    session_send(t.x, json_pack("{s:s, s:s, s:{s:[{s:s, s:i}]}}", "jsonrpc", "2.0", "method", "workspace/didChangeWatchedFiles",
                                "params", "changes", "uri", capture_uri, "type", 3));
    m = session_take(t.x);
    expect_bob(find_diagnostics(m, t.uri), false);
    json_decref(m);
    assert_non_null(strstr(state_log(&t) + said, want));
    state_close(&t);
    rmdir(dir);
    free(capture_uri);
    free(capture);
    free(root);
    free(dir);
}

static void blocked(int sig)
{
    (void)sig;
    static const char m[] = "test_lsp_server: the server blocked on a bindc.stateFiles entry that is not a regular file\n";
    (void)!write(STDERR_FILENO, m, sizeof m - 1);
    _exit(1);
}

/* (f) the server never blocks on a file: a FIFO (open() would wait for a
 * writer), a device, `-` (the server's own stdin is the protocol) are
 * refused with a log line, and the other captures are read. */
static void test_lsp_server_state_files_not_regular(void **state)
{
    (void)state;
    char *dir = temp_dir(), *fifo = join(dir, "urlacl.fifo"), *link = join(dir, "link.txt");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink(fifo, link), 0);
    signal(SIGALRM, blocked);
    alarm(60);          /* blocked in open() is a failure, not a hang */
    state_session t;
    state_start(&t, init_with_states(NULL, json_pack("[s, s, s, s, s, s]", fifo, link, "/dev/null", "-", dir, BOB_CAPTURE)));
    json_t *m = state_open_bob(&t);
    expect_bob(find_diagnostics(m, t.uri), true);      /* the one regular capture is read; no E0501 */
    json_decref(m);
    const char *log = state_log(&t);
    char want[PATH_MAX + 100];
    snprintf(want, sizeof want, "bindc.stateFiles: cannot read %s: not a regular file", fifo);
    assert_non_null(strstr(log, want));
    snprintf(want, sizeof want, "bindc.stateFiles: cannot read %s: not a regular file", link);
    assert_non_null(strstr(log, want));
    assert_non_null(strstr(log, "bindc.stateFiles: cannot read /dev/null: not a regular file"));
    assert_non_null(strstr(log, "bindc.stateFiles: cannot read -: "));
    snprintf(want, sizeof want, "bindc.stateFiles: cannot read %s: Is a directory", dir);
    assert_non_null(strstr(log, want));
    /* The same, given after the file is open. */
    settings_change(t.x, json_pack("{s:{s:[s]}}", "bindc", "stateFiles", fifo));
    m = session_take(t.x);
    expect_bob(find_diagnostics(m, t.uri), false);
    json_decref(m);
    state_close(&t);
    alarm(0);
    signal(SIGALRM, SIG_DFL);
    unlink(link);
    unlink(fifo);
    rmdir(dir);
    free(link);
    free(fifo);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lsp_server_before_initialize),
        cmocka_unit_test(test_lsp_server_lifecycle),
        cmocka_unit_test(test_lsp_server_null_params),
        cmocka_unit_test(test_lsp_server_unknown_methods),
        cmocka_unit_test(test_lsp_server_invalid_messages),
        cmocka_unit_test(test_lsp_server_wrong_content_length),
        cmocka_unit_test(test_lsp_server_too_large),
        cmocka_unit_test(test_lsp_server_insane_content_length),
        cmocka_unit_test(test_lsp_server_position_encoding),
        cmocka_unit_test(test_lsp_server_lone_surrogates),
        cmocka_unit_test(test_lsp_server_binary_document),
        cmocka_unit_test(test_lsp_server_state_files_init),
        cmocka_unit_test(test_lsp_server_state_files_absent),
        cmocka_unit_test(test_lsp_server_state_files_configuration),
        cmocka_unit_test(test_lsp_server_state_files_relative),
        cmocka_unit_test(test_lsp_server_state_files_missing),
        cmocka_unit_test(test_lsp_server_state_files_not_regular),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
