/* What the import harnesses share: the bytes read by one reader (the
 * fuzzer's bytes never reach the disk: configSource and `include` are not
 * followed), then the whole import.  Every input must give diagnostics,
 * never a crash, a hang or a sanitizer report; and an import that writes
 * must write text that parses and is already in the formatter's layout. */
#ifndef BIND_FUZZ_IMPORT_H
#define BIND_FUZZ_IMPORT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/detect.h"
#include "import/import.h"
#include "syntax/format.h"

static inline void fuzz_import(const uint8_t *data, size_t size, enum bind_import_kind kind, bool bom16)
{
    bind_imported *im = bind_import_new(false);
    char *text = malloc(size + 3);
    if (!text) abort();
    size_t len = size;
    memcpy(text, data, size);
    if (bom16 && size && data[0] == 'U') {         /* half the inputs as UTF-16 with a mark */
        free(text);
        text = malloc(size * 2 + 3);
        if (!text) abort();
        text[0] = (char)0xFF;
        text[1] = (char)0xFE;
        for (size_t i = 0; i < size; i++) { text[2 + 2 * i] = (char)data[i]; text[3 + 2 * i] = 0; }
        len = size * 2 + 2;
    }
    text[len] = '\0';
    enum bind_import_kind k;
    bind_source *src = bind_import_source(im, "fuzz.in", text, len, &k);
    if (src) {
        switch (kind) {
        case BIND_IMPORT_IIS_CONFIG: bind_import_iis_config(im, src); break;
        case BIND_IMPORT_APPCMD: bind_import_appcmd(im, src); break;
        case BIND_IMPORT_NGINX: bind_import_nginx(im, src); break;
        default: bind_import_netsh(im, src, data[0] % 3 == 0 ? BIND_IMPORT_NETSH_SSLCERT : data[0] % 3 == 1
                                                ? BIND_IMPORT_NETSH_URLACL : BIND_IMPORT_NETSH_IPLISTEN);
        }
    }
    bind_buf out;
    bind_buf_init(&out);
    if (!bind_import_failed(im)) {
        bind_import_finish(im, NULL, &out);
        /* What is written parses, and is in canonical form. */
        bind_arena *a = bind_arena_new();
        bind_sources srcs;
        bind_sources_init(&srcs, a);
        bind_diag_bag diags;
        bind_diag_bag_init(&diags, a);
        bind_source *s = bind_sources_add(&srcs, "out.bind", NULL, out.data ? out.data : "", out.len, false);
        bind_buf again;
        bind_buf_init(&again);
        if (!bind_fmt_source(s, a, &again, &diags)) __builtin_trap();
        if (again.len != out.len || (out.len && memcmp(again.data, out.data, out.len) != 0)) __builtin_trap();
        bind_buf_free(&again);
        bind_diag_bag_fini(&diags);
        bind_sources_fini(&srcs);
        bind_arena_free(a);
    }
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        bind_render_opts o = { .color = false, .werror = false };
        bind_diag_render_all(sink, &im->sources, &im->diags, false, o);
        fclose(sink);
    }
    bind_buf_free(&out);
    bind_import_free(im);
}

#endif
