/* What kind of file an input is, from its content alone (never its name),
 * and its bytes as UTF-8 text.
 *
 * Encodings: UTF-8, with or without a byte-order mark; UTF-16 with a
 * byte-order mark (what PowerShell's `>` and some editors write) is turned
 * into UTF-8 first, so that every reader and every diagnostic works on one
 * encoding (columns then count the UTF-8 bytes).  UTF-16 without a mark
 * cannot be told from other bytes reliably and is refused (E0603).  A
 * capture that cmd.exe redirected is in the console's OEM code page: text
 * that is not UTF-8 in a netsh or appcmd capture is read as code page 850
 * (Western European, German included); XML and nginx files must be UTF-8.
 *
 * Kinds: XML whose root is <configuration> is an applicationhost.config;
 * a JSON document is `netsh http show sslcert json=enable`; lines
 * `SITE "…" (id:…` are appcmd; `LABEL : VALUE` lines with the labels or
 * headers of netsh (English or German) are netsh; directives nginx knows,
 * ending in `;` or opening `{`, are nginx. */
#include <string.h>

#include "detect.h"

/* ---- encodings ----------------------------------------------------------- */

static void put_utf8(char **w, uint32_t cp)
{
    unsigned char *o = (unsigned char *)*w;
    if (cp < 0x80) *o++ = (unsigned char)cp;
    else if (cp < 0x800) { *o++ = (unsigned char)(0xC0 | cp >> 6); *o++ = (unsigned char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
        *o++ = (unsigned char)(0xE0 | cp >> 12); *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (unsigned char)(0xF0 | cp >> 18); *o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F)); *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *w = (char *)o;
}

/* UTF-16 (after its mark) to UTF-8; false at a lone surrogate or an odd
 * length, with the offset of the bad unit in *bad. */
static bool utf16_to_utf8(const unsigned char *s, size_t n, bool le, char **out, size_t *out_len, size_t *bad)
{
    char *o = bind_xmalloc(n / 2 * 3 + 8), *w = o;
    memcpy(w, "\xEF\xBB\xBF", 3);     /* the mark stays: what was the file's first character */
    w += 3;
    size_t i = 2;
    for (; i + 1 < n; i += 2) {
        uint32_t u = le ? (uint32_t)(s[i] | s[i + 1] << 8) : (uint32_t)(s[i] << 8 | s[i + 1]);
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 3 >= n) break;
            uint32_t v = le ? (uint32_t)(s[i + 2] | s[i + 3] << 8) : (uint32_t)(s[i + 2] << 8 | s[i + 3]);
            if (v < 0xDC00 || v > 0xDFFF) break;
            u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
            i += 2;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            break;
        }
        put_utf8(&w, u);
    }
    if (i < n) { free(o); *bad = i; return false; }
    *w = '\0';
    *out = o;
    *out_len = (size_t)(w - o);
    return true;
}

/* Offset of the first byte that is not UTF-8, or n. */
static size_t utf8_invalid_at(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c < 0x80) {
            /* ASCII eight bytes at a time: nearly all of a configuration. */
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, p + i, 8);
                if (w & 0x8080808080808080ull) break;
                i += 8;
            }
            if (i < n && p[i] < 0x80) i++;
            continue;
        }
        size_t len = c >= 0xC2 && c <= 0xDF ? 2 : (c & 0xF0) == 0xE0 ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!len || i + len > n) return i;
        for (size_t k = 1; k < len; k++) if ((p[i + k] & 0xC0) != 0x80) return i;
        if (len == 3) {
            uint32_t cp = (c & 0x0Fu) << 12 | (p[i + 1] & 0x3Fu) << 6 | (p[i + 2] & 0x3Fu);
            if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        } else if (len == 4) {
            uint32_t cp = (c & 0x07u) << 18 | (p[i + 1] & 0x3Fu) << 12 | (p[i + 2] & 0x3Fu) << 6 | (p[i + 3] & 0x3Fu);
            if (cp < 0x10000 || cp > 0x10FFFF) return i;
        }
        i += len;
    }
    return n;
}

static const uint16_t cp850[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00F8, 0x00A3, 0x00D8, 0x00D7, 0x0192,
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x00AE, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00C1, 0x00C2, 0x00C0, 0x00A9, 0x2563, 0x2551, 0x2557, 0x255D, 0x00A2, 0x00A5, 0x2510,
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x00E3, 0x00C3, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x00A4,
    0x00F0, 0x00D0, 0x00CA, 0x00CB, 0x00C8, 0x0131, 0x00CD, 0x00CE, 0x00CF, 0x2518, 0x250C, 0x2588, 0x2584, 0x00A6, 0x00CC, 0x2580,
    0x00D3, 0x00DF, 0x00D4, 0x00D2, 0x00F5, 0x00D5, 0x00B5, 0x00FE, 0x00DE, 0x00DA, 0x00DB, 0x00D9, 0x00FD, 0x00DD, 0x00AF, 0x00B4,
    0x00AD, 0x00B1, 0x2017, 0x00BE, 0x00B6, 0x00A7, 0x00F7, 0x00B8, 0x00B0, 0x00A8, 0x00B7, 0x00B9, 0x00B3, 0x00B2, 0x25A0, 0x00A0,
};

static char *from_cp850(const unsigned char *s, size_t n, size_t *out_len)
{
    char *o = bind_xmalloc(n * 3 + 1), *w = o;
    for (size_t i = 0; i < n; i++) put_utf8(&w, s[i] < 0x80 ? s[i] : cp850[s[i] - 0x80]);
    *w = '\0';
    *out_len = (size_t)(w - o);
    return o;
}

bind_source *bind_import_source(bind_imported *im, const char *path, char *raw, size_t len, enum bind_import_kind *kind)
{
    return bind_import_source_as(im, path, raw, len, false, kind);
}

bind_source *bind_import_source_as(bind_imported *im, const char *path, char *raw, size_t len, bool captures,
                                   enum bind_import_kind *kind)
{
    const unsigned char *u = (const unsigned char *)raw;
    *kind = BIND_IMPORT_UNKNOWN;
    char *text = raw;
    size_t n = len;
    bool le = len >= 2 && u[0] == 0xFF && u[1] == 0xFE, be = len >= 2 && u[0] == 0xFE && u[1] == 0xFF;
    if (le || be) {
        size_t bad = 0;
        char *conv;
        size_t conv_len;
        if (!utf16_to_utf8(u, len, le, &conv, &conv_len, &bad)) {
            bind_source *src = bind_sources_adopt(&im->sources, path, NULL, raw, len, false);
            bind_diag *d = bind_imp_diag(im, BIND_E0603, bind_imp_span(src, bad, bad + 2),
                                         "%s is UTF-16 with a byte-order mark, but this is not UTF-16: %s", path,
                                         bad + 1 >= len ? "the file ends in the middle of a character" : "a lone surrogate");
            bind_imp_note(im, d, "nothing was written");
            return NULL;
        }
        free(raw);
        text = conv;
        n = conv_len;
    } else {
        /* A NUL among the first characters: UTF-16 (or UTF-32) without a mark. */
        size_t head = len < 4 ? len : 4;
        for (size_t i = 0; i < head; i++) {
            if (u[i] != 0) continue;
            bind_source *src = bind_sources_adopt(&im->sources, path, NULL, raw, len, false);
            bind_diag *d = bind_imp_diag(im, BIND_E0603, bind_imp_span(src, 0, head),
                                         "%s looks like UTF-16 without a byte-order mark", path);
            bind_imp_note(im, d, "without the mark the byte order is a guess; save it as UTF-8, or as UTF-16 with a byte-order mark "
                                 "(what Windows PowerShell's `>` writes)");
            return NULL;
        }
    }

    enum bind_import_kind k = bind_import_detect(text, n);
    size_t bad = utf8_invalid_at((const unsigned char *)text, n);
    if (bad < n && (captures || k == BIND_IMPORT_NETSH_SSLCERT || k == BIND_IMPORT_NETSH_URLACL ||
                    k == BIND_IMPORT_NETSH_IPLISTEN || k == BIND_IMPORT_APPCMD)) {
        size_t conv_len;
        char *conv = from_cp850((const unsigned char *)text, n, &conv_len);
        free(text);
        text = conv;
        n = conv_len;
        bad = n;
    }
    bind_source *src = bind_sources_adopt(&im->sources, path, NULL, text, n, false);
    if (bad < n) {
        bind_diag *d = bind_imp_diag(im, BIND_E0603, bind_imp_span(src, bad, bad + 1),
                                     "%s has a byte that is not UTF-8 here (0x%02X)", path, (unsigned)(unsigned char)text[bad]);
        bind_imp_note(im, d, "%s must be UTF-8 (or UTF-16 with a byte-order mark)", bind_import_kind_name(k));
        return NULL;
    }
    *kind = k;
    return src;
}

/* ---- kinds --------------------------------------------------------------- */

static bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The root element's name of an XML document, skipping the declaration,
 * comments, processing instructions and a DOCTYPE. */
static bool xml_root(const char *t, size_t n, size_t i, const char **name, size_t *len)
{
    while (i < n) {
        while (i < n && space(t[i])) i++;
        if (i >= n || t[i] != '<') return false;
        if (i + 1 < n && (t[i + 1] == '?' || t[i + 1] == '!')) {
            bool comment = i + 4 <= n && memcmp(t + i, "<!--", 4) == 0;
            const char *end = comment ? strstr(t + i + 4, "-->") : memchr(t + i, '>', n - i);
            const char *subset = comment ? NULL : memchr(t + i, '[', n - i);
            if (end && subset && subset < end) end = strstr(subset, "]>") ? strstr(subset, "]>") + 1 : NULL;   /* a DOCTYPE's own declarations */
            if (!end) return false;
            i = (size_t)(end - t) + (comment ? 3 : 1);
            continue;
        }
        size_t b = ++i;
        while (i < n && !space(t[i]) && t[i] != '>' && t[i] != '/') i++;
        *name = t + b;
        *len = i - b;
        return i > b;
    }
    return false;
}

/* A label normalised: lower-case letters and digits only ("IP:port" is
 * "ipport", "Anwendungs-ID" is "anwendungsid"). */
size_t bind_import_label(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') out[k++] = (char)(c + 32);
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) out[k++] = (char)c;
    }
    out[k] = '\0';
    return k;
}

bool bind_import_split_label(const char *line, size_t n, size_t *label_end, size_t *value_at)
{
    /* netsh pads its labels and writes ` : `; urlacl's inner lines write `: `. */
    for (size_t i = 1; i < n; i++)
        if (line[i] == ':' && line[i - 1] == ' ' && (i + 1 == n || line[i + 1] == ' ')) {
            size_t e = i - 1;
            while (e > 0 && (line[e - 1] == ' ' || line[e - 1] == '\t')) e--;
            *label_end = e;
            *value_at = i + 1 < n ? i + 2 : n;
            return e > 0;
        }
    for (size_t i = 0; i + 1 < n; i++)
        if (line[i] == ':' && line[i + 1] == ' ') {
            *label_end = i;
            *value_at = i + 2;
            return i > 0;
        }
    return false;                 /* a header (`Extended Properties:`) or no label at all */
}

static const char *const sslcert_labels[] = {
    "ipport", "hostnameport", "centralcertificatestore", "ccsport", "certificatehash", "zertifikathash",
    "applicationid", "anwendungsid", "certificatestorename", "zertifikatspeichername", "sslcertificatebindings",
    "sslzertifikatbindungen", "zentralerzertifikatspeicher", NULL,
};
static const char *const urlacl_labels[] = { "reservedurl", "reservierteurl", "urlreservations", "urlreservierungen", NULL };
static const char *const iplisten_headers[] = { "ipaddressespresentintheiplistenlist", NULL };

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++) if (strcmp(*list, s) == 0) return true;
    return false;
}

/* Directives an nginx configuration starts with (or a file of server
 * blocks): main, events, http, server and location contexts. */
static const char *const nginx_words[] = {
    "user", "worker_processes", "worker_rlimit_nofile", "pid", "error_log", "include", "load_module", "events", "http",
    "stream", "mail", "env", "daemon", "master_process", "thread_pool", "timer_resolution", "worker_cpu_affinity",
    "worker_priority", "pcre_jit", "ssl_engine", "server", "upstream", "map", "geo", "split_clients", "limit_req_zone",
    "limit_conn_zone", "proxy_cache_path", "log_format", "access_log", "sendfile", "keepalive_timeout", "gzip",
    "default_type", "types", "server_names_hash_bucket_size", "server_names_hash_max_size", "listen", "server_name",
    "root", "location", "ssl_certificate", "ssl_certificate_key", "ssl_protocols", "client_max_body_size", NULL,
};

static bool is_nginx_start(const char *t, size_t n, size_t i)
{
    size_t b = i;
    while (i < n && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_')) i++;
    if (i == b || i - b > 40) return false;
    char w[48];
    memcpy(w, t + b, i - b);
    w[i - b] = '\0';
    if (!in_list(nginx_words, w)) return false;
    /* The directive goes on to `;` or `{` (perhaps on a later line). */
    for (; i < n; i++) {
        if (t[i] == ';' || t[i] == '{') return true;
        if (t[i] == '}' || t[i] == '#') return false;
    }
    return false;
}

static bool is_address_line(const char *s, size_t n)
{
    if (!n || n > 45) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F') || s[i] == '.' ||
              s[i] == ':' || s[i] == '[' || s[i] == ']')) return false;
    return true;
}

enum bind_import_kind bind_import_detect(const char *t, size_t n)
{
    size_t i = n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && space(t[i])) i++;
    if (i >= n) return BIND_IMPORT_UNKNOWN;
    if (t[i] == '<') {
        const char *name;
        size_t len;
        if (!xml_root(t, n, i, &name, &len)) return BIND_IMPORT_UNKNOWN;
        if (len == 13 && memcmp(name, "configuration", 13) == 0) return BIND_IMPORT_IIS_CONFIG;
        if (len == 6 && memcmp(name, "appcmd", 6) == 0) return BIND_IMPORT_APPCMD;
        return BIND_IMPORT_UNKNOWN;
    }
    if (t[i] == '{' || t[i] == '[') {
        /* netsh http show sslcert json=enable: an object or array of records. */
        size_t lim = n - i < 65536 ? n - i : 65536;
        bool port = false, hash = false;
        char lab[64];
        for (size_t k = i; k < i + lim; k++) {
            if (t[k] != '"') continue;
            size_t e = k + 1;
            while (e < i + lim && t[e] != '"' && e - k < 60) e++;
            bind_import_label(t + k + 1, e - k - 1, lab, sizeof lab);
            port |= strstr(lab, "port") != NULL || strcmp(lab, "ccs") == 0;
            hash |= strstr(lab, "hash") != NULL;
            k = e;
        }
        return port && hash ? BIND_IMPORT_NETSH_SSLCERT : BIND_IMPORT_UNKNOWN;
    }
    /* nginx: the first directive after the comments. */
    size_t j = i;
    while (j < n && t[j] == '#') {
        const char *nl = memchr(t + j, '\n', n - j);
        j = nl ? (size_t)(nl - t) + 1 : n;
        while (j < n && space(t[j])) j++;
    }
    if (j < n && is_nginx_start(t, n, j)) return BIND_IMPORT_NGINX;

    /* Line by line: netsh's labels and headers, appcmd's SITE lines. */
    bool dashes_seen = false, header_seen = false, addresses = true;
    size_t lines = 0;
    for (size_t p = i; p < n && lines < 400; lines++) {
        const char *nl = memchr(t + p, '\n', n - p);
        size_t e = nl ? (size_t)(nl - t) : n, b = p;
        p = nl ? e + 1 : n;
        while (e > b && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '\t')) e--;
        while (b < e && (t[b] == ' ' || t[b] == '\t')) b++;
        if (b == e) continue;
        if (e - b >= 6 && memcmp(t + b, "SITE \"", 6) == 0) return BIND_IMPORT_APPCMD;
        bool dashes = true;
        for (size_t k = b; k < e && dashes; k++) dashes = t[k] == '-';
        if (dashes && e - b >= 3) { dashes_seen = header_seen; continue; }
        char lab[96];
        size_t le, va;
        if (bind_import_split_label(t + b, e - b, &le, &va)) {
            bind_import_label(t + b, le, lab, sizeof lab);
            if (in_list(sslcert_labels, lab)) return BIND_IMPORT_NETSH_SSLCERT;
            if (in_list(urlacl_labels, lab)) return BIND_IMPORT_NETSH_URLACL;
            /* Another language: a URL as a value is a reservation. */
            size_t vb = b + va;
            if (e > vb + 7 && (memcmp(t + vb, "http://", 7) == 0 || (e > vb + 8 && memcmp(t + vb, "https://", 8) == 0)))
                return BIND_IMPORT_NETSH_URLACL;
        }
        if (t[e - 1] == ':' && !dashes_seen) {
            bind_import_label(t + b, e - b - 1, lab, sizeof lab);
            if (in_list(sslcert_labels, lab)) return BIND_IMPORT_NETSH_SSLCERT;
            if (in_list(urlacl_labels, lab)) return BIND_IMPORT_NETSH_URLACL;
            if (in_list(iplisten_headers, lab)) return BIND_IMPORT_NETSH_IPLISTEN;
            header_seen = true;
            continue;
        }
        if (dashes_seen) {
            addresses &= is_address_line(t + b, e - b);
        } else {
            return BIND_IMPORT_UNKNOWN;
        }
    }
    /* A header, dashes and addresses only (or none): the IP listen list in
     * a language whose header this file does not know. */
    if (header_seen && dashes_seen && addresses) return BIND_IMPORT_NETSH_IPLISTEN;
    return BIND_IMPORT_UNKNOWN;
}
