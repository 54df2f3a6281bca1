/* LSP framing: the reader under good, split, broken and oversized input;
 * the id of a skipped message; JSON strings from invalid UTF-8. */
#include "test_lsp_harness.h"

static const char MSG1[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}";
static const char MSG2[] = "{\"jsonrpc\":\"2.0\",\"method\":\"b\"}";

static char *framed(const char *body)
{
    char *out = malloc(strlen(body) + 64);
    sprintf(out, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    return out;
}

/* Reads every event; returns the bodies joined by '|' and the count of
 * framing errors. */
static void drain(bind_lsp_reader *r, char *bodies, size_t cap, int *errors)
{
    const char *b;
    size_t n;
    enum bind_lsp_event ev;
    while ((ev = bind_lsp_reader_next(r, &b, &n)) != BIND_LSP_NEED_MORE) {
        if (ev == BIND_LSP_MESSAGE) {
            size_t len = strlen(bodies);
            snprintf(bodies + len, cap - len, "%s%.*s", len ? "|" : "", (int)n, b);
        } else if (ev == BIND_LSP_FRAMING_ERROR) {
            (*errors)++;
        }
    }
}

static void test_lsp_proto_whole_and_split(void **state)
{
    (void)state;
    char *a = framed(MSG1), *b = framed(MSG2);
    char both[512];
    snprintf(both, sizeof both, "%s%s", a, b);
    for (size_t chunk = 1; chunk <= strlen(both); chunk++) {
        bind_lsp_reader r;
        bind_lsp_reader_init(&r, 1 << 20);
        char bodies[512] = "";
        int errors = 0;
        for (size_t i = 0; i < strlen(both); i += chunk) {
            size_t n = strlen(both) - i < chunk ? strlen(both) - i : chunk;
            bind_lsp_reader_feed(&r, both + i, n);
            drain(&r, bodies, sizeof bodies, &errors);
        }
        char want[512];
        snprintf(want, sizeof want, "%s|%s", MSG1, MSG2);
        assert_string_equal(bodies, want);
        assert_int_equal(errors, 0);
        bind_lsp_reader_fini(&r);
    }
    free(a);
    free(b);
}

static void test_lsp_proto_headers(void **state)
{
    (void)state;
    bind_lsp_reader r;
    bind_lsp_reader_init(&r, 1 << 20);
    char bodies[512] = "";
    int errors = 0;
    /* Any case, other headers, spaces around the number, blank lines before. */
    const char in[] = "\r\n\r\ncontent-TYPE: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH:   2  \r\n\r\n{}";
    bind_lsp_reader_feed(&r, in, sizeof in - 1);
    drain(&r, bodies, sizeof bodies, &errors);
    assert_string_equal(bodies, "{}");
    assert_int_equal(errors, 0);
    bind_lsp_reader_fini(&r);
}

static void expect_recovery(const char *broken, int want_errors)
{
    bind_lsp_reader r;
    bind_lsp_reader_init(&r, 1 << 20);
    char *good = framed(MSG2);
    char bodies[512] = "";
    int errors = 0;
    bind_lsp_reader_feed(&r, broken, strlen(broken));
    drain(&r, bodies, sizeof bodies, &errors);
    bind_lsp_reader_feed(&r, good, strlen(good));
    drain(&r, bodies, sizeof bodies, &errors);
    assert_string_equal(bodies, MSG2);
    assert_int_equal(errors, want_errors);
    free(good);
    bind_lsp_reader_fini(&r);
}

static void test_lsp_proto_broken_headers(void **state)
{
    (void)state;
    expect_recovery("Content-Type: x\r\n\r\n{\"id\":1}", 1);                  /* no Content-Length */
    expect_recovery("Content-Length: twelve\r\n\r\n{\"id\":1}", 1);           /* not a number */
    expect_recovery("Content-Length: -5\r\n\r\n", 1);
    expect_recovery("Content-Length: 99999999999999999999999\r\n\r\n", 1);    /* overflow */
    expect_recovery("Content-Length: 2\r\nContent-Length: 3\r\n\r\n", 1);     /* two that disagree */
    expect_recovery("garbage without a colon\r\n", 1);
    expect_recovery("\x01\x02\xff\xfe binary\n\n", 1);
}

static void test_lsp_proto_header_too_long(void **state)
{
    (void)state;
    char *big = malloc(BIND_LSP_MAX_HEADER + 100);
    memset(big, 'x', BIND_LSP_MAX_HEADER + 99);
    big[BIND_LSP_MAX_HEADER + 99] = '\0';
    expect_recovery(big, 1);
    free(big);
}

static void test_lsp_proto_too_large_is_skipped(void **state)
{
    (void)state;
    bind_lsp_reader r;
    bind_lsp_reader_init(&r, 100);
    char head[64];
    size_t total = 1000000;
    snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", total);
    bind_lsp_reader_feed(&r, head, strlen(head));
    const char *b;
    size_t n;
    assert_int_equal(bind_lsp_reader_next(&r, &b, &n), BIND_LSP_NEED_MORE);
    const char start[] = "{\"jsonrpc\":\"2.0\",\"id\":\"big\",\"method\":\"x\",\"params\":\"";
    bind_lsp_reader_feed(&r, start, sizeof start - 1);
    char chunk[4096];
    memset(chunk, 'a', sizeof chunk);
    size_t sent = sizeof start - 1;
    enum bind_lsp_event ev = BIND_LSP_NEED_MORE;
    while (sent < total) {
        assert_int_equal(ev, BIND_LSP_NEED_MORE);
        size_t k = total - sent < sizeof chunk ? total - sent : sizeof chunk;
        bind_lsp_reader_feed(&r, chunk, k);
        sent += k;
        ev = bind_lsp_reader_next(&r, &b, &n);
    }
    assert_int_equal(ev, BIND_LSP_TOO_LARGE);
    assert_true(r.cap < 64 * 1024);        /* streamed past, never held */
    json_t *id = bind_lsp_peek_id(r.peek, r.peek_len);
    assert_string_equal(json_string_value(id), "big");
    json_decref(id);
    char *good = framed(MSG1);
    bind_lsp_reader_feed(&r, good, strlen(good));
    assert_int_equal(bind_lsp_reader_next(&r, &b, &n), BIND_LSP_MESSAGE);
    assert_int_equal(n, strlen(MSG1));
    free(good);
    bind_lsp_reader_fini(&r);
}

/* A Content-Length over the limit (a lie of 2 GB or 2^63, or an honest
 * body too large) is skipped only as far as the next header: the stream
 * resynchronises there instead of swallowing everything after it. */
static void test_lsp_proto_insane_length_resyncs(void **state)
{
    (void)state;
    const char *lengths[] = { "2000000000", "9223372036854775808", "18446744073709551615", "1048577" };
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        for (size_t chunk = 1; chunk <= 64; chunk *= 4) {
            bind_lsp_reader r;
            bind_lsp_reader_init(&r, 1 << 20);
            char in[512];
            char *good = framed(MSG2);
            snprintf(in, sizeof in, "Content-Length: %s\r\n\r\n%s%s", lengths[i], MSG1, good);
            free(good);
            char bodies[512] = "";
            int errors = 0, too_large = 0;
            for (size_t k = 0; k < strlen(in); k += chunk) {
                size_t n = strlen(in) - k < chunk ? strlen(in) - k : chunk;
                bind_lsp_reader_feed(&r, in + k, n);
                const char *b;
                size_t len;
                enum bind_lsp_event ev;
                while ((ev = bind_lsp_reader_next(&r, &b, &len)) != BIND_LSP_NEED_MORE) {
                    if (ev == BIND_LSP_MESSAGE) {
                        size_t at = strlen(bodies);
                        snprintf(bodies + at, sizeof bodies - at, "%s%.*s", at ? "|" : "", (int)len, b);
                    } else if (ev == BIND_LSP_TOO_LARGE) {
                        too_large++;
                        /* What came under the lying header is kept whole. */
                        assert_int_equal(r.peek_len, strlen(MSG1));
                        assert_memory_equal(r.peek, MSG1, r.peek_len);
                    } else {
                        errors++;
                    }
                }
            }
            assert_string_equal(bodies, MSG2);
            /* 2^64 - 1 does not fit a size_t's arithmetic: not a byte count at all. */
            assert_int_equal(too_large + errors, 1);
            bind_lsp_reader_fini(&r);
        }
    }
}

/* An honest body over the limit is skipped to its end, even when its
 * text names a Content-Length (a JSON string cannot hold a line break). */
static void test_lsp_proto_too_large_mentions_header(void **state)
{
    (void)state;
    bind_lsp_reader r;
    bind_lsp_reader_init(&r, 40);
    const char body[] = "{\"id\":3,\"params\":\"Content-Length: 12\\r\\n\\r\\n{}Content-Length: 2 x\"}";
    char *bad = framed(body), *good = framed(MSG2);
    bind_lsp_reader_feed(&r, bad, strlen(bad));
    bind_lsp_reader_feed(&r, good, strlen(good));
    const char *b;
    size_t n;
    assert_int_equal(bind_lsp_reader_next(&r, &b, &n), BIND_LSP_TOO_LARGE);
    assert_int_equal(r.peek_len, strlen(body));
    assert_int_equal(bind_lsp_reader_next(&r, &b, &n), BIND_LSP_MESSAGE);
    assert_memory_equal(b, MSG2, n);
    free(bad);
    free(good);
    bind_lsp_reader_fini(&r);
}

static void test_lsp_proto_resync_in_body(void **state)
{
    (void)state;
    /* Content-Length 10 cuts the first body; the second header is inside
     * what is left, and a rescan from inside the bad body finds it. */
    bind_lsp_reader r;
    bind_lsp_reader_init(&r, 1 << 20);
    char *good = framed(MSG2);
    char in[512];
    snprintf(in, sizeof in, "Content-Length: 10\r\n\r\n%s%s", MSG1, good);
    bind_lsp_reader_feed(&r, in, strlen(in));
    const char *b;
    size_t n;
    assert_int_equal(bind_lsp_reader_next(&r, &b, &n), BIND_LSP_MESSAGE);
    assert_int_equal(n, 10);
    bind_lsp_reader_resync_in_body(&r, 1);
    assert_int_equal(bind_lsp_reader_next(&r, &b, &n), BIND_LSP_MESSAGE);
    assert_int_equal(n, strlen(MSG2));
    assert_memory_equal(b, MSG2, n);
    free(good);
    bind_lsp_reader_fini(&r);
}

static void test_lsp_proto_partial_body(void **state)
{
    (void)state;
    bind_lsp_reader r;
    bind_lsp_reader_init(&r, 1 << 20);
    char in[256];
    snprintf(in, sizeof in, "Content-Length: 200\r\n\r\n%s", MSG1);
    bind_lsp_reader_feed(&r, in, strlen(in));
    const char *b;
    size_t n;
    assert_int_equal(bind_lsp_reader_next(&r, &b, &n), BIND_LSP_NEED_MORE);
    assert_true(bind_lsp_reader_in_body(&r));
    assert_true(bind_lsp_reader_partial(&r, &b, &n));
    assert_int_equal(n, strlen(MSG1));
    bind_lsp_reader_abandon_body(&r, n);
    assert_false(bind_lsp_reader_in_body(&r));
    char *good = framed(MSG2);
    bind_lsp_reader_feed(&r, good, strlen(good));
    assert_int_equal(bind_lsp_reader_next(&r, &b, &n), BIND_LSP_MESSAGE);
    assert_memory_equal(b, MSG2, n);
    free(good);
    bind_lsp_reader_fini(&r);
}

static void test_lsp_proto_peek_id(void **state)
{
    (void)state;
    const char *cases[][2] = {
        { "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"m\",\"params\":{\"a\":[1,{\"id\":9}]}}", "42" },
        { " { \"params\" : { \"id\" : 9 , \"x\": \"}\\\"\" } , \"id\" : \"s\\\"q\" }", "\"s\\\"q\"" },
        { "{\"method\":\"m\",\"params\":{\"text\":\"cut", NULL },
        { "{\"id\":{\"not\":\"valid\"}}", NULL },
        { "[1,2]", NULL },
        { "", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *id = bind_lsp_peek_id(cases[i][0], strlen(cases[i][0]));
        if (!cases[i][1]) { assert_null(id); continue; }
        assert_non_null(id);
        char *text = json_dumps(id, JSON_ENCODE_ANY);
        assert_string_equal(text, cases[i][1]);
        free(text);
        json_decref(id);
    }
}

static void test_lsp_proto_json_string(void **state)
{
    (void)state;
    json_t *ok = bind_lsp_json_string("caf\xC3\xA9", 5);
    assert_string_equal(json_string_value(ok), "caf\xC3\xA9");
    json_t *bad = bind_lsp_json_string("a\xFF" "b\xC3", 4);       /* a lone byte, a cut sequence */
    assert_string_equal(json_string_value(bad), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    json_t *nul = bind_lsp_json_string("a\0b", 3);
    assert_int_equal(json_string_length(nul), 3);
    json_decref(ok);
    json_decref(bad);
    json_decref(nul);
}

static void test_lsp_proto_mend_surrogates(void **state)
{
    (void)state;
    const struct { const char *in, *out; size_t count; } cases[] = {
        { "\"\\ud83d\"", "\"\\uFFFD\"", 1 },                               /* lone high */
        { "\"\\uDE00\"", "\"\\uFFFD\"", 1 },                               /* lone low, upper case */
        { "\"\\ud83d\\ude00\"", NULL, 0 },                                   /* a pair */
        { "\"\\ude00\\ud83d\"", "\"\\uFFFD\\uFFFD\"", 2 },                  /* low then high: no pair */
        { "\"\\ud83d\\ud83d\\ude00\"", "\"\\uFFFD\\ud83d\\ude00\"", 1 },      /* lone, then a pair */
        { "\"\\ud83d\\u0041\"", "\"\\uFFFD\\u0041\"", 1 },                  /* high before another escape */
        { "\"\\\\ud83d\"", NULL, 0 },                                        /* an escaped backslash, then text */
        { "\"\\\\\\ud83d\"", "\"\\\\\\uFFFD\"", 1 },                          /* ... then a real escape */
        { "{\"k\\ud800\":\"\\\"\\udfff\"}", "{\"k\\uFFFD\":\"\\\"\\uFFFD\"}", 2 }, /* keys too; after \" */
        { "[\\ud83d]", NULL, 0 },                                              /* outside a string: not JSON anyway */
        { "\"\\ud83\"", NULL, 0 },                                             /* not an escape */
        { "\"\\ud83d", "\"\\uFFFD", 1 },                                         /* cut at the end */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *mended;
        size_t n = bind_lsp_mend_surrogates(cases[i].in, strlen(cases[i].in), &mended);
        assert_int_equal(n, cases[i].count);
        if (!cases[i].out) { assert_null(mended); continue; }
        assert_non_null(mended);
        assert_string_equal(mended, cases[i].out);
        free(mended);
    }
    /* jansson then reads it: U+FFFD, and the pair as one code point. */
    const char text[] = "\"a\\ud83d\\ude00\\ud83db\"";
    char *mended;
    assert_int_equal(bind_lsp_mend_surrogates(text, sizeof text - 1, &mended), 1);
    json_t *j = json_loadb(mended, sizeof text - 1, JSON_DECODE_ANY, NULL);
    assert_string_equal(json_string_value(j), "a\xF0\x9F\x98\x80\xEF\xBF\xBD" "b");
    json_decref(j);
    free(mended);
}

static void test_lsp_proto_frame(void **state)
{
    (void)state;
    json_t *m = bind_lsp_error(NULL, BIND_RPC_PARSE_ERROR, "bad \xFF");
    bind_buf b;
    bind_buf_init(&b);
    bind_lsp_frame(&b, m);
    bind_buf_putc(&b, '\0');
    const char *body = strstr(b.data, "\r\n\r\n") + 4;
    char head[64];
    snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", strlen(body));
    assert_memory_equal(b.data, head, strlen(head));
    assert_string_equal(body, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"bad \xEF\xBF\xBD\"}}");
    json_decref(m);
    bind_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lsp_proto_whole_and_split),
        cmocka_unit_test(test_lsp_proto_headers),
        cmocka_unit_test(test_lsp_proto_broken_headers),
        cmocka_unit_test(test_lsp_proto_header_too_long),
        cmocka_unit_test(test_lsp_proto_too_large_is_skipped),
        cmocka_unit_test(test_lsp_proto_insane_length_resyncs),
        cmocka_unit_test(test_lsp_proto_too_large_mentions_header),
        cmocka_unit_test(test_lsp_proto_resync_in_body),
        cmocka_unit_test(test_lsp_proto_partial_body),
        cmocka_unit_test(test_lsp_proto_peek_id),
        cmocka_unit_test(test_lsp_proto_json_string),
        cmocka_unit_test(test_lsp_proto_mend_surrogates),
        cmocka_unit_test(test_lsp_proto_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
