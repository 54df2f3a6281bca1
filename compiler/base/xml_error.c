/* libxml2's errors and positions (xml_error.h). */
#include "xml_error.h"

#include <string.h>

void bind_xml_error_keep(bind_xml_error *k, bind_arena *a, bind_xml_error_ptr e)
{
    if (k->have || !e || e->level < XML_ERR_ERROR) return;
    k->have = true;
    k->code = e->code;
    k->line = e->line;
    k->col = e->int2;
    const char *m = e->message ? e->message : "not well-formed";
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' ')) n--;
    k->message = bind_arena_strndup(a, m, n);
}

size_t bind_xml_offset(const char *text, size_t len, int line, int col)
{
    size_t p = 0;
    for (int l = 1; l < line && p < len; l++) {
        const char *nl = memchr(text + p, '\n', len - p);
        p = nl ? (size_t)(nl - text) + 1 : len;
    }
    if (line <= 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p = 3;
    for (int i = 1; i < col && p < len && text[p] != '\n'; i++) {
        p++;
        while (p < len && ((unsigned char)text[p] & 0xC0) == 0x80) p++;
    }
    return p;
}
