/* Helpers for the import tests (test_import_*.c): inputs imported in
 * memory as `bindc import` reads files, the .bind text that comes out, and
 * what the checker and the formatter say of it. */
#ifndef BIND_TEST_IMPORT_HELPERS_H
#define BIND_TEST_IMPORT_HELPERS_H

#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "import/import.h"
#include "syntax/format.h"

typedef struct import_input { const char *path; const char *text; size_t len; } import_input;

/* The result of an import: its text (NULL after an error), the codes and
 * positions of its diagnostics as text, one `CODE FILE:LINE:COL` a line. */
typedef struct import_result {
    char *bind;
    char *diags;
    bool failed;
    size_t warnings;
} import_result;

static inline void import_result_free(import_result *r)
{
    free(r->bind);
    free(r->diags);
    memset(r, 0, sizeof *r);
}

static inline import_result import_inputs(const import_input *in, size_t n, const char *platform, bool follow)
{
    import_result r = { 0 };
    bind_imported *im = bind_import_new(follow);
    for (size_t i = 0; i < n; i++) {
        size_t len = in[i].len ? in[i].len : strlen(in[i].text);
        char *copy = malloc(len + 1);
        assert_non_null(copy);
        memcpy(copy, in[i].text, len);
        copy[len] = '\0';
        bind_import_add(im, in[i].path, copy, len);
    }
    bind_buf out;
    bind_buf_init(&out);
    if (!bind_import_failed(im)) bind_import_finish(im, platform, &out);
    else bind_diag_sort(&im->diags);
    r.failed = bind_import_failed(im);
    bind_buf d;
    bind_buf_init(&d);
    for (size_t i = 0; i < im->diags.list.len; i++) {
        const bind_diag *g = im->diags.list.items[i];
        uint32_t line = 0, col = 0;
        bind_source *src = bind_sources_get(&im->sources, g->span.file);
        if (src) bind_source_linecol(src, g->span.start, &line, &col);
        bind_buf_printf(&d, "%s %s:%u:%u %s\n", bind_code_name(g->code), src ? src->path : "?", line, col, g->message);
        r.warnings += g->severity == BIND_SEV_WARNING;
    }
    r.diags = d.data ? d.data : calloc(1, 1);
    if (!r.failed) {
        bind_buf_putc(&out, '\0');
        r.bind = out.data;
    } else {
        bind_buf_free(&out);
    }
    bind_import_free(im);
    return r;
}

static inline import_result import_one(const char *path, const char *text, const char *platform)
{
    import_input in = { path, text, strlen(text) };
    return import_inputs(&in, 1, platform, false);
}

/* The canonical layout of text: it must be what the importer wrote. */
static inline void assert_formatted(const char *text)
{
    bind_arena *a = bind_arena_new();
    bind_sources srcs;
    bind_sources_init(&srcs, a);
    bind_diag_bag diags;
    bind_diag_bag_init(&diags, a);
    bind_source *src = bind_sources_add(&srcs, "imported.bind", NULL, text, strlen(text), false);
    bind_buf out;
    bind_buf_init(&out);
    bool ok = bind_fmt_source(src, a, &out, &diags);
    if (!ok || out.len != strlen(text) || memcmp(out.data, text, out.len) != 0) {
        print_message("not in canonical form (%s):\n%s\n---- fmt:\n%s\n", ok ? "differs" : "syntax errors", text,
                      out.data ? out.data : "");
        fail();
    }
    bind_buf_free(&out);
    bind_diag_bag_fini(&diags);
    bind_sources_fini(&srcs);
    bind_arena_free(a);
}

static inline bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, line, n) == 0) return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

static inline int count_substr(const char *text, const char *s)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, s)) != NULL; p += strlen(s)) n++;
    return n;
}

#endif
