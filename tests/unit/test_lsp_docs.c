/* Open documents: line breaks, UTF-16 and UTF-8 positions, incremental
 * edits, URIs. */
#include "test_lsp_harness.h"
#include "lsp/open_documents.h"

static bind_lsp_pos P(uint32_t l, uint32_t c) { bind_lsp_pos p = { l, c }; return p; }

static void test_lsp_docs_line_breaks(void **state)
{
    (void)state;
    const char t[] = "a\nbb\r\nccc\rd";      /* LF, CRLF and a lone CR all end lines */
    bind_lsp_lines l = { 0 };
    bind_lsp_lines_build(&l, t, sizeof t - 1);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.starts[1], 2);
    assert_int_equal(l.starts[2], 6);
    assert_int_equal(l.starts[3], 10);
    bind_lsp_pos p = bind_lsp_pos_of(&l, t, sizeof t - 1, 4, BIND_LSP_UTF16);   /* the \r of line 1 */
    assert_int_equal(p.line, 1);
    assert_int_equal(p.character, 2);
    p = bind_lsp_pos_of(&l, t, sizeof t - 1, 5, BIND_LSP_UTF16);               /* inside \r\n: the line's end */
    assert_int_equal(p.line, 1);
    assert_int_equal(p.character, 2);
    /* Past the end of a line: its end; past the last line: the text's end. */
    assert_int_equal(bind_lsp_offset_of(&l, t, sizeof t - 1, P(1, 99), BIND_LSP_UTF16), 4);
    assert_int_equal(bind_lsp_offset_of(&l, t, sizeof t - 1, P(9, 0), BIND_LSP_UTF16), sizeof t - 1);
    /* Without any \r (the fast path), the same starts. */
    bind_lsp_lines_build(&l, "x\n\ny\n", 5);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.starts[1], 2);
    assert_int_equal(l.starts[2], 3);
    assert_int_equal(l.starts[3], 5);
    bind_lsp_lines_free(&l);
}

static void test_lsp_docs_utf16(void **state)
{
    (void)state;
    /* é: 2 bytes, 1 unit; €: 3 bytes, 1 unit; 😀: 4 bytes, 2 units; \xFF: 1 byte, 1 unit. */
    const char t[] = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xFFx";
    size_t n = sizeof t - 1;
    bind_lsp_lines l = { 0 };
    bind_lsp_lines_build(&l, t, n);
    const size_t offsets[] = { 0, 2, 5, 9, 10, 11 };
    const uint32_t u16[] = { 0, 1, 2, 4, 5, 6 };
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(bind_lsp_pos_of(&l, t, n, offsets[i], BIND_LSP_UTF16).character, u16[i]);
        assert_int_equal(bind_lsp_offset_of(&l, t, n, P(0, u16[i]), BIND_LSP_UTF16), offsets[i]);
        assert_int_equal(bind_lsp_pos_of(&l, t, n, offsets[i], BIND_LSP_UTF8).character, offsets[i]);
        assert_int_equal(bind_lsp_offset_of(&l, t, n, P(0, (uint32_t)offsets[i]), BIND_LSP_UTF8), offsets[i]);
    }
    /* Between the two halves of a surrogate pair, or inside a UTF-8
     * sequence: the character's start. */
    assert_int_equal(bind_lsp_offset_of(&l, t, n, P(0, 3), BIND_LSP_UTF16), 5);
    assert_int_equal(bind_lsp_offset_of(&l, t, n, P(0, 7), BIND_LSP_UTF8), 5);
    assert_int_equal(bind_lsp_pos_of(&l, t, n, 7, BIND_LSP_UTF16).character, 2);
    bind_lsp_lines_free(&l);
}

static void test_lsp_docs_edits(void **state)
{
    (void)state;
    bind_lsp_doc *d = bind_lsp_doc_new("file:///tmp/x.bind", 1, "site a {\n    http *:80:a\n}\n", 27, 0);
    bind_lsp_pos r[2] = { P(1, 11), P(1, 13) };
    bind_lsp_doc_edit(d, r, "8080", 4, BIND_LSP_UTF16);                        /* replace */
    assert_string_equal(d->text, "site a {\n    http *:8080:a\n}\n");
    r[0] = P(1, 0); r[1] = P(2, 0);
    bind_lsp_doc_edit(d, r, "", 0, BIND_LSP_UTF16);                            /* delete a line */
    assert_string_equal(d->text, "site a {\n}\n");
    r[0] = P(1, 0); r[1] = P(1, 0);
    bind_lsp_doc_edit(d, r, "  \xF0\x9F\x98\x80 x\n", 9, BIND_LSP_UTF16);    /* insert */
    r[0] = P(1, 4); r[1] = P(1, 2);                                            /* reversed: the emoji, 2 units */
    bind_lsp_doc_edit(d, r, "#", 1, BIND_LSP_UTF16);
    assert_string_equal(d->text, "site a {\n  # x\n}\n");
    assert_int_equal(d->lines.n, 4);
    bind_lsp_doc_edit(d, NULL, "whole", 5, BIND_LSP_UTF16);                    /* full text */
    assert_string_equal(d->text, "whole");
    assert_int_equal(d->len, 5);
    assert_int_equal(d->lines.n, 1);
    bind_lsp_doc_free(d);
}

static void test_lsp_docs_uris(void **state)
{
    (void)state;
    char *p = bind_lsp_uri_to_path("file:///home/a%20b/%C3%A9.bind");
    assert_string_equal(p, "/home/a b/\xC3\xA9.bind");
    char *u = bind_lsp_path_to_uri(p);
    assert_string_equal(u, "file:///home/a%20b/%C3%A9.bind");
    free(p);
    free(u);
    p = bind_lsp_uri_to_path("FILE://localhost/etc/x.bind");
    assert_string_equal(p, "/etc/x.bind");
    free(p);
    assert_null(bind_lsp_uri_to_path("untitled:Untitled-1"));
    assert_null(bind_lsp_uri_to_path("file://server/share/x.bind"));
    assert_null(bind_lsp_uri_to_path("file:///a%00b"));
    bind_lsp_doc *d = bind_lsp_doc_new("untitled:Untitled-1", 3, "", 0, 7);
    assert_false(d->is_file);
    assert_string_equal(d->path, "untitled:Untitled-1");
    assert_int_equal(d->lines.n, 1);
    bind_lsp_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lsp_docs_line_breaks),
        cmocka_unit_test(test_lsp_docs_utf16),
        cmocka_unit_test(test_lsp_docs_edits),
        cmocka_unit_test(test_lsp_docs_uris),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
