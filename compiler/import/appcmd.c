/* `appcmd list site`: one line a site,
 *
 *     SITE "Shop" (id:2,bindings:http/10.0.0.5:80:shop.example,net.tcp/808:*,state:Started)
 *
 * protocols in any case (Microsoft's own samples print them upper-case),
 * the non-HTTP forms as `net.tcp/808:*` or `net.tcp 808:*`; the bindings run
 * up to the last `,state:`.  And its `/xml` form, `<appcmd><SITE
 * SITE.NAME="…" SITE.ID="…" bindings="…" state="…" /></appcmd>`.
 *
 * appcmd says nothing of sslFlags, paths or pools: an https binding's
 * `sni` and `ccs` come from HTTP.sys's records when a netsh capture is
 * imported with it (attach.c), and `state:` is what runs now, not
 * serverAutoStart, so it is not read. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>

#include "readers.h"

/* The bindings of one site, `proto/info` separated by commas. */
static void read_bindings(bind_imported *im, bind_source *src, bind_imp_site *site, size_t b, size_t e)
{
    const char *t = src->text;
    while (b < e) {
        size_t c = b;
        while (c < e && t[c] != ',') c++;
        size_t ib = b, ie = c;
        b = c + 1;
        while (ib < ie && t[ib] == ' ') ib++;
        if (ib == ie) continue;
        size_t sep = ib;
        while (sep < ie && t[sep] != '/' && t[sep] != ' ') sep++;
        bind_span at = bind_imp_span(src, ib, ie);
        if (sep == ie) {
            bind_imp_diag(im, BIND_W0601, at, "binding `%.*s` left out: no protocol/ before it", (int)(ie - ib > 120 ? 120 : ie - ib), t + ib);
            continue;
        }
        bind_imp_binding bd;
        if (!bind_imp_binding_read(im, &bd, t + ib, sep - ib, t + sep + 1, ie - sep - 1, bind_imp_span(src, sep + 1, ie))) continue;
        bd.flags_unknown = true;
        bind_arena_vec_push(im->arena, &site->bindings, bd);
    }
}

static void appcmd_text(bind_imported *im, bind_source *src)
{
    const char *t = src->text;
    size_t p = 0;
    while (p < src->len) {
        const char *nl = memchr(t + p, '\n', src->len - p);
        size_t b = p, e = nl ? (size_t)(nl - t) : src->len;
        p = nl ? e + 1 : src->len;
        if (b == 0 && src->len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) b = 3;
        while (e > b && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '\t')) e--;
        while (b < e && (t[b] == ' ' || t[b] == '\t')) b++;
        if (b == e) continue;
        bind_span line = bind_imp_span(src, b, e);
        if (e - b < 6 || memcmp(t + b, "SITE \"", 6) != 0) {
            bind_diag *d = bind_imp_diag(im, BIND_E0602, line, "cannot read this line of `appcmd list site`");
            bind_imp_note(im, d, "each line is SITE \"NAME\" (id:N,bindings:...,state:...)");
            return;
        }
        /* The name runs to `" (id:`. */
        size_t nb = b + 6, q = nb;
        while (q + 5 <= e && memcmp(t + q, "\" (id", 5) != 0) q++;
        if (q + 5 > e || t[e - 1] != ')') {
            bind_diag *d = bind_imp_diag(im, BIND_E0602, line, "this SITE line stops before its closing parenthesis");
            bind_imp_note(im, d, "a line cut in the middle: capture it again");
            return;
        }
        bind_imp_site *site = bind_imp_site_add(im, bind_arena_strndup(im->arena, t + nb, q - nb), bind_imp_span(src, nb, q));
        site->server = BIND_SERVER_IIS;
        size_t f = q + 3, fe = e - 1;          /* inside the parentheses */
        if (fe - f >= 3 && memcmp(t + f, "id:", 3) == 0) {
            size_t d = f + 3, de = d;
            while (de < fe && t[de] >= '0' && t[de] <= '9') de++;
            unsigned long long v = de > d && de - d <= 10 && t[d] != '0' ? strtoull(bind_arena_strndup(im->arena, t + d, de - d), NULL, 10) : 0;
            if (v && v <= UINT32_MAX) site->id = (uint32_t)v;
            f = de;
            if (f < fe && t[f] == ',') f++;
        }
        if (fe - f >= 9 && memcmp(t + f, "bindings:", 9) == 0) {
            size_t bb = f + 9, be = fe;
            for (size_t k = fe; k-- > bb;)
                if (fe - k >= 7 && memcmp(t + k, ",state:", 7) == 0) { be = k; break; }
            read_bindings(im, src, site, bb, be);
        }
    }
}

/* `appcmd list site /xml`. */
static void appcmd_xml(bind_imported *im, bind_source *src)
{
    if (src->len > (size_t)INT32_MAX) return;
    xmlDocPtr doc = xmlReadMemory(src->text, (int)src->len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        int line = e ? e->line : 0;
        size_t at = 0;
        for (int l = 1; l < line && at < src->len; l++) {
            const char *nl = memchr(src->text + at, '\n', src->len - at);
            at = nl ? (size_t)(nl - src->text) + 1 : src->len;
        }
        bind_imp_diag(im, BIND_E0602, bind_imp_span(src, at, at + 1), "not well-formed XML: %s",
                      e && e->message ? e->message : "the document ends too early");
        return;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "SITE") != 0) continue;
        xmlChar *name = xmlGetProp(n, (const xmlChar *)"SITE.NAME"), *id = xmlGetProp(n, (const xmlChar *)"SITE.ID");
        xmlChar *bindings = xmlGetProp(n, (const xmlChar *)"bindings");
        /* Where it is: the line libxml2 gives, at its start. */
        size_t at = 0;
        for (long l = 1; l < xmlGetLineNo(n) && at < src->len; l++) {
            const char *nl = memchr(src->text + at, '\n', src->len - at);
            at = nl ? (size_t)(nl - src->text) + 1 : src->len;
        }
        const char *found = strstr(src->text + at, "<SITE");
        if (found) at = (size_t)(found - src->text);
        bind_span span = bind_imp_span(src, at, at + 5);
        bind_imp_site *site = bind_imp_site_add(im, bind_arena_strdup(im->arena, name ? (const char *)name : ""), span);
        site->server = BIND_SERVER_IIS;
        if (id) {
            char *end;
            unsigned long long v = strtoull((const char *)id, &end, 10);
            if (*end == '\0' && v && v <= UINT32_MAX && ((const char *)id)[0] != '0') site->id = (uint32_t)v;
        }
        if (bindings) {
            /* The attribute's own text, as a source of its own would be: its
             * bindings are read through the same code, pointing at the SITE. */
            const char *list = (const char *)bindings;
            for (const char *p = list; *p;) {
                const char *c = strchr(p, ',');
                size_t len = c ? (size_t)(c - p) : strlen(p);
                const char *sep = p;
                while (sep < p + len && *sep != '/' && *sep != ' ') sep++;
                if (len && sep < p + len) {
                    bind_imp_binding bd;
                    if (bind_imp_binding_read(im, &bd, p, (size_t)(sep - p), sep + 1, (size_t)(p + len - sep - 1), span)) {
                        bd.flags_unknown = true;
                        bind_arena_vec_push(im->arena, &site->bindings, bd);
                    }
                } else if (len) {
                    bind_imp_diag(im, BIND_W0601, span, "binding `%.*s` left out: no protocol/ before it", (int)(len > 120 ? 120 : len), p);
                }
                p += len + (c ? 1 : 0);
            }
        }
        xmlFree(name);
        xmlFree(id);
        xmlFree(bindings);
    }
    xmlFreeDoc(doc);
}

void bind_import_appcmd(bind_imported *im, bind_source *src)
{
    size_t i = src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < src->len && (src->text[i] == ' ' || src->text[i] == '\t' || src->text[i] == '\r' || src->text[i] == '\n')) i++;
    if (i < src->len && src->text[i] == '<') appcmd_xml(im, src);
    else appcmd_text(im, src);
}
