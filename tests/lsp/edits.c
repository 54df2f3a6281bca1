/* Random edits to a .bind document (see edits.h). */
#include "edits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void edits_init(edits *e, uint64_t seed, const char *valid, size_t valid_len)
{
    memset(e, 0, sizeof *e);
    e->rng = seed;
    e->valid = malloc(valid_len + 1);
    if (!e->valid) lsp_fail("out of memory");
    memcpy(e->valid, valid, valid_len);
    e->valid[valid_len] = '\0';
    e->valid_len = valid_len;
    doc_model_set(&e->doc, valid, valid_len);
}

static void undo_clear(edits *e)
{
    for (size_t i = 0; i < EDITS_UNDO; i++) {
        free(e->undo[i].removed);
        e->undo[i].removed = NULL;
    }
    e->undo_len = 0;
}

void edits_fini(edits *e)
{
    undo_clear(e);
    json_decref(e->changes);
    doc_model_free(&e->doc);
    free(e->valid);
}

uint64_t edits_rand(edits *e, uint64_t n)
{
    uint64_t z = (e->rng += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return n ? z % n : 0;
}

static const char *pick(edits *e, const char *const *list, size_t n) { return list[edits_rand(e, n)]; }

void edits_begin(edits *e)
{
    json_decref(e->changes);
    e->changes = json_array();
}

static json_t *position(const doc_model *d, size_t off)
{
    long line, ch;
    doc_model_position(d, off, &line, &ch);
    return json_pack("{s:i, s:i}", "line", (json_int_t)line, "character", (json_int_t)ch);
}

static void change(edits *e, size_t a, size_t b, const char *text, size_t n, bool record)
{
    json_t *range = json_pack("{s:o, s:o}", "start", position(&e->doc, a), "end", position(&e->doc, b));
    json_t *t = json_stringn(text, n);
    if (!range || !t) lsp_fail("an edit is not valid UTF-8 or JSON: a bug in the test");
    json_array_append_new(e->changes, json_pack("{s:o, s:o}", "range", range, "text", t));
    if (record) {
        edits_undo *u = &e->undo[e->undo_top];
        free(u->removed);
        u->removed = malloc(b - a + 1);
        if (!u->removed) lsp_fail("out of memory");
        memcpy(u->removed, e->doc.s + a, b - a);
        u->removed[b - a] = '\0';
        u->at = a;
        u->inserted = n;
        e->undo_top = (e->undo_top + 1) % EDITS_UNDO;
        if (e->undo_len < EDITS_UNDO) e->undo_len++;
    }
    doc_model_replace(&e->doc, a, b, text, n);
    if (e->cursor > e->doc.len) e->cursor = e->doc.len;
    e->cursor = doc_model_boundary(&e->doc, e->cursor);
}

void edits_change(edits *e, size_t a, size_t b, const char *text, size_t n) { change(e, a, b, text, n, true); }

void edits_replace_all(edits *e, const char *text, size_t n)
{
    json_t *t = json_stringn(text, n);
    if (!t) lsp_fail("a text is not valid UTF-8: a bug in the test");
    json_array_append_new(e->changes, json_pack("{s:o}", "text", t));
    doc_model_set(&e->doc, text, n);
    undo_clear(e);
    e->cursor = 0;
}

size_t edits_random_offset(edits *e) { return doc_model_boundary(&e->doc, (size_t)edits_rand(e, e->doc.len + 1)); }

static void append(char **buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    *buf = realloc(*buf, *len + n + 1);
    if (!*buf) lsp_fail("out of memory");
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

void edits_site_block(char **buf, size_t *len, unsigned n, const char *eol)
{
    char b[1024];
    snprintf(b, sizeof b,
             "%scert c%u {%s    thumbprint = \"%08X%08X%08X%08X%08X\"%s    names      = s%u.example, www.s%u.example%s}%s"
             "%ssite s%u {%s    path = 'C:\\inetpub\\s%u'%s    pool = P%u%s"
             "    http  *:80:s%u.example%s    http  *:80:www.s%u.example%s"
             "    https *:443:s%u.example      cert=c%u sni%s    https *:443:www.s%u.example  cert=c%u sni%s"
             "    net.tcp %u:s%u.example%s}%s",
             eol, n, eol, n, n * 2654435761u, n ^ 0x5A5A5A5Au, n + 7u, n * 40503u, eol, n, n, eol, eol,
             eol, n, eol, n, eol, n % 4, eol, n, eol, n, eol, n, n, eol, n, n, eol, 9000u + n, n, eol, eol);
    append(buf, len, b);
}

/* ---- the kinds of edit -------------------------------------------------------- */

static const char *eol_for(edits *e) { return edits_rand(e, 8) == 0 ? "\r\n" : "\n"; }

static const char *op_type(edits *e)
{
    static const char *const keys[] = {
        "a", "b", "c", "e", "h", "i", "l", "n", "o", "p", "s", "t", "x", "w", "0", "1", "4", "8", "9",
        " ", " ", ".", ":", "*", "=", ",", "-", "_", "[", "]", "/", "\"", "'", "{", "}", "#", "\n", "\t",
    };
    if (edits_rand(e, 6) == 0) e->cursor = edits_random_offset(e);
    const char *k = pick(e, keys, COUNT(keys));
    edits_change(e, e->cursor, e->cursor, k, strlen(k));
    e->cursor = doc_model_boundary(&e->doc, e->cursor + strlen(k));
    return "type";
}

static const char *op_backspace(edits *e)
{
    if (e->cursor == 0 || edits_rand(e, 6) == 0) e->cursor = edits_random_offset(e);
    size_t a = e->cursor, k = 1 + (size_t)edits_rand(e, 3);
    while (k-- && a > 0) a = doc_model_boundary(&e->doc, a - 1);
    size_t b = e->cursor;
    e->cursor = a;
    edits_change(e, a, b, "", 0);
    return "backspace";
}

static const char *op_delete_selection(edits *e)
{
    size_t a = edits_random_offset(e);
    size_t b = doc_model_forward(&e->doc, a, 1 + (size_t)edits_rand(e, 300));
    edits_change(e, a, b, "", 0);
    return "delete selection";
}

static const char *op_insert_line(edits *e)
{
    static const char *const lines[] = {
        "    http  *:80:h%u.example", "    http  *:%u:h%u.example", "    https *:443:s%u.example  cert=shop sni",
        "    https *:443:shop.example cert=shop", "    net.tcp %u:*", "    http  [::1]:%u:",
        "    http  ::1:80:v6.example", "    htps  *:80:typo%u.example", "    http  10.0.0.%u:80:a.example",
        "    http  *:080:lead.example", "    https *:443:*.wild.example cert=3A1B9F0077C24E6D0A115B2C8D3E4F5061728394 sni",
        "    ftp   *:21:", "    http  *:80:b\303\274cher%u.example", "    pool = P%u", "    id = %u", "    bogus = %u",
        "    http  *:80:x%u.example firewall acl='CONTOSO\\web'", "iplisten 10.0.0.%u", "site \"s%u\" { }",
        "# a comment, %u caf\xC3\xA9s", "", "use \"missing%u.bind\"", "platform iis-express",
        "    https *:44300:localhost", "    http  0.0.0.0:80:shop.example", "    app \"/api%u\" { path = 'C:\\api' }",
    };
    size_t at = doc_model_line_start(&e->doc, edits_random_offset(e));
    char b[256];
    unsigned n = (unsigned)edits_rand(e, 70000);
    snprintf(b, sizeof b, pick(e, lines, COUNT(lines)), n, n);
    strcat(b, eol_for(e));
    edits_change(e, at, at, b, strlen(b));
    return "insert line";
}

static const char *op_garbage(edits *e)
{
    static const char *const junk[] = {
        "{", "}", "\"", "'", "=", ",", "#", "\\", "\t", "\xE2\x80\x8B", "\xE2\x80\x8E", "\xE2\x80\x8F",
        "\xEF\xBB\xBF", "\xC2\xA0", "\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "\xF0\x9F\x98\x80",
        "\xF0\x9D\x84\x9E", "\r\n", "\r", "\n", "\x01", "\x7F", "\xE2\x80\xA8", "\"unterminated", "'C:\\x",
        "\"\\u{1F600}\"", "{}", "}}}", "{{", "\"\\q\"", "\xEF\xBF\xBD", "\xF0\x9F\x98\x80\xE2\x80\x8B\xF0\x9F\x98\x80",
        "a\r\nb\rc\nd", "\xCC\x81", "=\xE2\x80\x8B=",
    };
    size_t at = edits_random_offset(e);
    const char *j = pick(e, junk, COUNT(junk));
    edits_change(e, at, at, j, strlen(j));
    return "garbage";
}

static const char *op_paste_sites(edits *e)
{
    size_t at = doc_model_line_start(&e->doc, edits_random_offset(e));
    char *b = NULL;
    size_t len = 0;
    const char *eol = eol_for(e);
    for (uint64_t k = 1 + edits_rand(e, 3); k--;) edits_site_block(&b, &len, (unsigned)edits_rand(e, 40), eol);
    edits_change(e, at, at, b, len);
    free(b);
    return "paste sites";
}

static const char *op_replace_word(edits *e)
{
    static const char *const words[] = {
        "http", "https", "ftp", "net.tcp", "80", "443", "8080", "0", "65536", "shop", "Shop", "sni",
        "cert=shop", "*:80:", "[::]:80:", "0.0.0.0:80:dup.example", "site", "cert", "platform", "iis-express",
        "iis7", "defaults", "app", "ccs", "firewall=off", "http2=off", "S\xC3\xB8ren", "x\xE2\x80\x8By",
    };
    size_t a = edits_random_offset(e), b = a;
    const char *s = e->doc.s;
    while (a > 0 && s[a - 1] != ' ' && s[a - 1] != '\n' && s[a - 1] != '\r' && s[a - 1] != '\t') a--;
    while (b < e->doc.len && s[b] != ' ' && s[b] != '\n' && s[b] != '\r' && s[b] != '\t') b++;
    const char *w = pick(e, words, COUNT(words));
    edits_change(e, a, b, w, strlen(w));
    return "replace word";
}

static const char *op_undo(edits *e)
{
    if (!e->undo_len) return op_type(e);
    /* Ctrl-Z a few times: the inverse changes, newest first, in one didChange. */
    for (uint64_t k = 1 + edits_rand(e, 6); k-- && e->undo_len;) {
        e->undo_top = (e->undo_top + EDITS_UNDO - 1) % EDITS_UNDO;
        e->undo_len--;
        edits_undo *u = &e->undo[e->undo_top];
        /* A change that put \n after a \r (or \r before a \n) joined two
         * line ends: no position names its start or end any more. */
        if (doc_model_boundary(&e->doc, u->at) != u->at
            || doc_model_boundary(&e->doc, u->at + u->inserted) != u->at + u->inserted) {
            undo_clear(e);
            break;
        }
        change(e, u->at, u->at + u->inserted, u->removed, strlen(u->removed), false);
        free(u->removed);
        u->removed = NULL;
    }
    return "undo";
}

static const char *op_back_to_valid(edits *e)
{
    /* As a full text, or as one change over the whole range (an editor's "revert"). */
    if (edits_rand(e, 2)) {
        edits_replace_all(e, e->valid, e->valid_len);
        return "full text: valid";
    }
    edits_change(e, 0, e->doc.len, e->valid, e->valid_len);
    return "whole range: valid";
}

static const char *op_line_ends(edits *e)
{
    /* Convert the file's line ends, as "change end of line sequence" does. */
    char *b = malloc(2 * e->doc.len + 1);
    if (!b) lsp_fail("out of memory");
    size_t n = 0;
    bool to_crlf = !memchr(e->doc.s, '\r', e->doc.len);
    for (size_t i = 0; i < e->doc.len; i++) {
        char c = e->doc.s[i];
        if (to_crlf && c == '\n') b[n++] = '\r';
        if (!to_crlf && c == '\r' && i + 1 < e->doc.len && e->doc.s[i + 1] == '\n') continue;
        b[n++] = c;
    }
    edits_replace_all(e, b, n);
    free(b);
    return to_crlf ? "full text: CRLF" : "full text: LF";
}

static const char *op_move_line(edits *e)
{
    size_t a = doc_model_line_start(&e->doc, edits_random_offset(e));
    size_t b = doc_model_forward(&e->doc, doc_model_line_end(&e->doc, a), 1);
    size_t n = b - a;
    char *line = malloc(n + 1);
    if (!line) lsp_fail("out of memory");
    memcpy(line, e->doc.s + a, n);
    edits_change(e, a, b, "", 0);
    size_t to = doc_model_line_start(&e->doc, edits_random_offset(e));
    edits_change(e, to, to, line, n);
    free(line);
    return "move line";
}

typedef const char *(*edit_op)(edits *);

static const char *op_several(edits *e)
{
    static const edit_op small[] = { op_type, op_type, op_backspace, op_garbage, op_insert_line, op_delete_selection, op_replace_word };
    for (uint64_t k = 2 + edits_rand(e, 4); k--;) small[edits_rand(e, COUNT(small))](e);
    return "several changes";
}

const char *edits_random(edits *e)
{
    static const struct { edit_op run; unsigned weight; } ops[] = {
        { op_type, 34 }, { op_backspace, 14 }, { op_delete_selection, 6 }, { op_insert_line, 10 },
        { op_garbage, 8 }, { op_paste_sites, 3 }, { op_replace_word, 6 }, { op_undo, 12 },
        { op_back_to_valid, 4 }, { op_line_ends, 1 }, { op_move_line, 3 }, { op_several, 4 },
    };
    edits_begin(e);
    /* Pasting and typing only ever grow the text: keep it modest, as the
     * test is about many edits, not about large files. */
    if (e->doc.len > 3 * e->valid_len) return op_back_to_valid(e);
    unsigned total = 0;
    for (size_t i = 0; i < COUNT(ops); i++) total += ops[i].weight;
    unsigned r = (unsigned)edits_rand(e, total);
    size_t i = 0;
    while (r >= ops[i].weight) r -= ops[i++].weight;
    const char *kind = ops[i].run(e);
    return json_array_size(e->changes) ? kind : op_type(e);     /* an undo that could not start */
}
