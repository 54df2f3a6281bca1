/* The lexer: words, strings, comments, newlines and the bytes it refuses. */
#include "harness.h"
#include "syntax/lex.h"
#include "parser.h"

typedef struct lexed {
    bind_arena *arena;
    bind_sources srcs;
    bind_interner *in;
    bind_diag_bag diags;
    bind_lexer lx;
} lexed;

static void lex_open(lexed *L, const char *text, size_t len)
{
    L->arena = bind_arena_new();
    bind_sources_init(&L->srcs, L->arena);
    L->in = bind_interner_new(L->arena);
    bind_diag_bag_init(&L->diags, L->arena);
    bind_source *s = bind_sources_add(&L->srcs, "t.bind", NULL, text, len, false);
    bind_lexer_init(&L->lx, s, L->in, &L->diags);
}

static void lex_close(lexed *L)
{
    bind_lexer_fini(&L->lx);
    bind_diag_bag_fini(&L->diags);
    bind_sources_fini(&L->srcs);
    bind_interner_free(L->in);
    bind_arena_free(L->arena);
}

/* Token kinds of text as a compact string: W word, S string, { } = , N newline, K keyword, $ end. */
static const char *kinds(const char *text, size_t len, lexed *keep)
{
    static char out[256];
    lexed L;
    lex_open(&L, text, len);
    size_t n = 0;
    bind_token t;
    do {
        bind_lexer_next(&L.lx, &t);
        char k = '?';
        switch (t.kind) {
        case BIND_TOK_WORD: k = 'W'; break;
        case BIND_TOK_STRING: k = 'S'; break;
        case BIND_TOK_LBRACE: k = '{'; break;
        case BIND_TOK_RBRACE: k = '}'; break;
        case BIND_TOK_EQ: k = '='; break;
        case BIND_TOK_COMMA: k = ','; break;
        case BIND_TOK_NL: k = 'N'; break;
        case BIND_TOK_YYEOF: k = '$'; break;
        default: k = 'K'; break;
        }
        if (n < sizeof out - 1) out[n++] = k;
    } while (t.kind != BIND_TOK_YYEOF);
    out[n] = '\0';
    if (keep) *keep = L; else lex_close(&L);
    return out;
}

static void test_lexer_tokens(void **state)
{
    (void)state;
    assert_string_equal(kinds("site \"Shop\" {\n  http *:80:x cert=a\n}\n", 37, NULL), "KS{NWWK=WN}N$");
    /* The last statement ends without a newline: one is supplied. */
    assert_string_equal(kinds("iplisten ::", 11, NULL), "KWN$");
    /* A newline after `,` continues a list. */
    assert_string_equal(kinds("names = a,\n   b\n", 16, NULL), "W=W,WN$");
    assert_string_equal(kinds("", 0, NULL), "$");
    assert_string_equal(kinds("# only\n", 7, NULL), "N$");
}

static void test_lexer_words_keep_inner_structure(void **state)
{
    (void)state;
    assert_string_equal(kinds("[::1]:80: 44300..44399 net.tcp", 30, NULL), "WWWN$");
}

static void test_lexer_strings(void **state)
{
    (void)state;
    lexed L;
    const char *text = "\"a\\\"b\\n\\u{e9}\" 'C:\\inetpub\\x'";
    lex_open(&L, text, strlen(text));
    bind_token t;
    bind_lexer_next(&L.lx, &t);
    assert_int_equal(t.kind, BIND_TOK_STRING);
    assert_string_equal(t.text, "a\"b\n\xc3\xa9");
    assert_true(t.escaped);
    bind_lexer_next(&L.lx, &t);
    assert_int_equal(t.kind, BIND_TOK_STRING);
    assert_true(t.single_quoted);
    assert_null(t.text);              /* its bytes are the source's, without the quotes */
    assert_int_equal(t.len, strlen("C:\\inetpub\\x"));
    assert_memory_equal(t.raw, "C:\\inetpub\\x", t.len);
    assert_int_equal(L.diags.list.len, 0);
    lex_close(&L);
}

static void test_lexer_string_errors(void **state)
{
    (void)state;
    lexed L;
    const char *text = "\"abc\n'def\n\"x\\q\" \"\\u{110000}\" \"\\u{zz}\"\n";
    lex_open(&L, text, strlen(text));
    bind_token t;
    do bind_lexer_next(&L.lx, &t); while (t.kind != BIND_TOK_YYEOF);
    assert_int_equal(L.diags.list.len, 5);
    for (size_t i = 0; i < L.diags.list.len; i++) assert_int_equal(L.diags.list.items[i]->code, BIND_E0002);
    /* The unterminated string's fix-it inserts the closing quote at the line end. */
    const bind_fixit *f = L.diags.list.items[0]->fixits;
    assert_non_null(f);
    assert_int_equal(f->span.start, 4);
    assert_string_equal(f->replacement, "\"");
    lex_close(&L);
}

static void test_lexer_invisible_characters(void **state)
{
    (void)state;
    /* U+200E, U+200F, U+200B, U+FEFF (not first), U+00A0, a control byte,
     * an invalid byte: each an E0003 with a fix-it, and lexing goes on. */
    const char text[] = "a\xe2\x80\x8e" "b \xe2\x80\x8f \xe2\x80\x8b \xef\xbb\xbf c\xc2\xa0" "d \x01 \xff e";
    lexed L;
    const char *k = kinds(text, sizeof text - 1, &L);
    /* `a<U+200E>b` reads on as `ab`, as if the fix-it had been applied. */
    assert_string_equal(k, "WWWWN$");
    assert_int_equal(L.diags.list.len, 7);
    for (size_t i = 0; i < L.diags.list.len; i++) {
        assert_int_equal(L.diags.list.items[i]->code, BIND_E0003);
        assert_non_null(L.diags.list.items[i]->fixits);
    }
    /* The no-break space becomes a space; the others are deleted. */
    assert_string_equal(L.diags.list.items[4]->fixits->replacement, " ");
    assert_string_equal(L.diags.list.items[0]->fixits->replacement, "");
    assert_int_equal(L.diags.list.items[0]->span.start, 1);
    assert_int_equal(L.diags.list.items[0]->span.end, 4);
    lex_close(&L);
}

static void test_lexer_bom_and_crlf(void **state)
{
    (void)state;
    lexed L;
    const char text[] = "\xef\xbb\xbfsite a {\r\n}\r\n";
    assert_string_equal(kinds(text, sizeof text - 1, &L), "KW{N}N$");
    assert_int_equal(L.diags.list.len, 0);
    lex_close(&L);
}

static void test_lexer_nul_bytes(void **state)
{
    (void)state;
    lexed L;
    const char text[] = "a\0b";
    assert_string_equal(kinds(text, 3, &L), "WWN$");
    assert_int_equal(L.diags.list.len, 1);
    assert_int_equal(L.diags.list.items[0]->code, BIND_E0003);
    lex_close(&L);
}

static void test_lexer_comments_recorded(void **state)
{
    (void)state;
    lexed L;
    const char *text = "# head\nsite a { # tail\r\n}\n";
    kinds(text, strlen(text), &L);
    assert_int_equal(L.lx.comments.len, 2);
    assert_true(L.lx.comments.items[0].own_line);
    assert_false(L.lx.comments.items[1].own_line);
    /* The comment span excludes the CR of a CRLF line end. */
    assert_int_equal(L.lx.comments.items[1].span.end - L.lx.comments.items[1].span.start, 6);
    lex_close(&L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lexer_tokens),
        cmocka_unit_test(test_lexer_words_keep_inner_structure),
        cmocka_unit_test(test_lexer_strings),
        cmocka_unit_test(test_lexer_string_errors),
        cmocka_unit_test(test_lexer_invisible_characters),
        cmocka_unit_test(test_lexer_bom_and_crlf),
        cmocka_unit_test(test_lexer_nul_bytes),
        cmocka_unit_test(test_lexer_comments_recorded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
