/* Captures of `netsh http show sslcert`, `show urlacl` and `show iplisten`.
 *
 * netsh prints records of `LABEL : VALUE` lines, labels padded with spaces
 * and localised, fields added from one Windows version to the next
 * (Windows Server 2008 stops at "Negotiate Client Certificate", Windows 10
 * and later print up to twenty more, and "Extended Properties:" blocks).
 * So every line is read by its label and its value, never by its place:
 * the label ends at the first ` : ` (labels hold colons: "IP:port"), or
 * at `: ` in urlacl's inner lines; labels compare as lower-case letters
 * and digits ("IP:port" is "ipport", German "Anwendungs-ID" is
 * "anwendungsid").  A record starts at its key: IP:port, Hostname:port or
 * Central Certificate Store (sslcert), Reserved URL (urlacl); in a
 * language whose labels are not listed here, at the first line of a block
 * whose value is an address and port (sslcert) or a URL (urlacl).
 *
 * A capture cut in the middle is refused (E0602): a record without its
 * certificate hash or application ID, a hash that is not 40 hex digits, a
 * line that is no `LABEL : VALUE` inside a record, a last SSL record with
 * fewer lines than the records before it (one capture prints the same
 * fields for every record), a reservation without its SDDL (its last line).
 *
 * `netsh http show sslcert json=enable` (newer Windows) prints the same
 * records as JSON; its field names are read the same way, by name, and
 * their spelling is matched loosely (ipport, ip:port, hostnameport, ccs,
 * certhash or certificatehash, appid or applicationid, certstorename). */
#include <stdio.h>
#include <string.h>

#include "detect.h"
#include "readers.h"

#define IIS_APPID "{4dc3e181-e14b-4a21-b022-59fc669b0914}"

typedef struct line { size_t b, e, lb, le, vb; bool has_label; char label[96]; } line;

/* The next line of src from *p: [b, e) without its line end and the
 * spaces around it, and its label and value when it has them. */
static bool next_line(const bind_source *src, size_t *p, line *l)
{
    if (*p >= src->len) return false;
    const char *t = src->text;
    const char *nl = memchr(t + *p, '\n', src->len - *p);
    size_t e = nl ? (size_t)(nl - t) : src->len, b = *p;
    *p = nl ? e + 1 : src->len;
    if (b == 0 && src->len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) b = 3;
    while (e > b && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '\t')) e--;
    while (b < e && (t[b] == ' ' || t[b] == '\t')) b++;
    l->b = b;
    l->e = e;
    size_t le, va;
    l->has_label = b < e && bind_import_split_label(t + b, e - b, &le, &va);
    l->label[0] = '\0';
    if (l->has_label) {
        l->lb = b;
        l->le = b + le;
        l->vb = b + va;
        while (l->vb < e && t[l->vb] == ' ') l->vb++;
        bind_import_label(t + b, le, l->label, sizeof l->label);
    }
    return true;
}

static bool dashes(const bind_source *src, const line *l)
{
    if (l->e - l->b < 3) return false;
    for (size_t i = l->b; i < l->e; i++) if (src->text[i] != '-') return false;
    return true;
}

static bool is(const char *label, const char *const *names)
{
    for (; *names; names++) if (strcmp(label, *names) == 0) return true;
    return false;
}

static const char *const L_IPPORT[] = { "ipport", NULL };
static const char *const L_HOSTPORT[] = { "hostnameport", NULL };
static const char *const L_CCS[] = { "centralcertificatestore", "zentralerzertifikatspeicher", "ccs", "ccsport", NULL };
static const char *const L_HASH[] = { "certificatehash", "zertifikathash", "certhash", "hash", NULL };
static const char *const L_APPID[] = { "applicationid", "anwendungsid", "appid", NULL };
static const char *const L_STORE[] = { "certificatestorename", "zertifikatspeichername", "certstorename", "storename", NULL };
static const char *const L_NEGOTIATE[] = { "negotiateclientcertificate", "clientzertifikataushandeln", NULL };
static const char *const L_REJECT[] = { "rejectconnections", "verbindungenablehnen", NULL };
static const char *const L_DSMAPPER[] = { "dsmapperusage", "dszuordnungsverwendung", NULL };
static const char *const L_CTLSTORE[] = { "ctlstorename", "ctlspeichername", NULL };
static const char *const L_URL[] = { "reservedurl", "reservierteurl", NULL };
static const char *const L_USER[] = { "user", "benutzer", NULL };
static const char *const L_SDDL[] = { "sddl", NULL };
static const char *const L_DELEGATE[] = { "delegate", "delegieren", NULL };

/* The TLS switches HTTP.sys records beside the certificate (IIS 10's
 * sslFlags 4-64). */
static const struct { const char *const labels[3]; uint8_t bit; } switches[] = {
    { { "disablehttp2", "http2deaktivieren", NULL }, BIND_SSL_NO_HTTP2 },
    { { "disablequic", "quicdeaktivieren", NULL }, BIND_SSL_NO_QUIC },
    { { "disabletls13", "tls13deaktivieren", NULL }, BIND_SSL_NO_TLS13 },
    { { "disablelegacytlsversions", "legacytlsversionendeaktivieren", NULL }, BIND_SSL_NO_LEGACY_TLS },
    { { "disableocspstapling", "ocspstaplingdeaktivieren", NULL }, BIND_SSL_NO_OCSP },
};

/* "Enabled", "Set", "Aktiviert", "Festgelegt", "Yes", "Ja": on. */
static bool on(const char *v, size_t n)
{
    char k[32];
    bind_import_label(v, n, k, sizeof k);
    static const char *const yes[] = { "enabled", "set", "aktiviert", "festgelegt", "yes", "ja", "true", "1", NULL };
    return is(k, yes);
}

/* ---- values ------------------------------------------------------------------ */

static bool hex40(const char *v, size_t n)
{
    if (n != 40) return false;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    }
    return true;
}

static bool guid(const char *v, size_t n)
{
    if (n != 38 || v[0] != '{' || v[37] != '}') return false;
    for (size_t i = 1; i < 37; i++) {
        char c = v[i];
        bool dash = i == 9 || i == 14 || i == 19 || i == 24;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    }
    return true;
}

/* ADDR:PORT (IPv6 in brackets) into a record. */
static bool ip_port(bind_imported *im, const char *v, size_t n, bind_addr *addr, uint16_t *port)
{
    const char *c = NULL;
    for (size_t i = n; i-- > 0;) if (v[i] == ':') { c = v + i; break; }
    if (!c || c == v) return false;
    bind_word_errors errs;
    memset(&errs, 0, sizeof errs);
    if (!bind_port_parse(c + 1, (size_t)(v + n - c - 1), port)) return false;
    size_t an = (size_t)(c - v);
    if (v[0] != '[' && memchr(v, ':', an)) return false;     /* IPv6 without brackets */
    return bind_addr_parse(im->arena, v, an, addr, &errs);
}

static bool host_port(bind_imported *im, const char *v, size_t n, const char **host, uint16_t *port)
{
    const char *c = NULL;
    for (size_t i = n; i-- > 0;) if (v[i] == ':') { c = v + i; break; }
    if (!c || c == v || !bind_port_parse(c + 1, (size_t)(v + n - c - 1), port)) return false;
    bind_word_errors errs;
    memset(&errs, 0, sizeof errs);
    bool wildcard;
    return bind_host_parse(im->arena, v, (size_t)(c - v), host, &wildcard, &errs);
}

static const char *store_of(bind_imported *im, const char *v, size_t n, bind_span at)
{
    if (!n || bind_imp_ieq(v, n, "(null)")) return NULL;
    if (bind_imp_ieq(v, n, "my")) return "My";
    if (bind_imp_ieq(v, n, "webhosting")) return "WebHosting";
    bind_diag *d = bind_imp_diag(im, BIND_W0601, at, "certificate store `%.*s` left out: the language names My and WebHosting",
                                 (int)(n > 64 ? 64 : n), v);
    bind_imp_note(im, d, "the certificate is declared in the default store, My; the netsh target will look for it there");
    return NULL;
}

static const char *appid_of(bind_imported *im, const char *v, size_t n)
{
    const char *g = bind_imp_lower(im->arena, v, n);
    return strcmp(g, IIS_APPID) == 0 ? NULL : g;
}

/* ---- show sslcert ---------------------------------------------------------------- */

typedef struct record {
    bool open;
    bind_imp_sslcert r;
    size_t lines;                    /* label lines it holds */
    bool hash_seen, appid_seen, key_ok;
    bind_span key_at, last_at;
    const char *key_text;
} record;

/* Ends a record: checked, then kept. */
static bool close_record(bind_imported *im, record *rc, size_t most_lines, bool last)
{
    if (!rc->open) return true;
    rc->open = false;
    if (!rc->key_ok) return true;    /* reported where the key was */
    if (last && most_lines && rc->lines < most_lines) {
        bind_diag *d = bind_imp_diag(im, BIND_E0602, rc->last_at, "the capture stops in the record of %s: it has %zu lines, "
                                     "the records before it %zu", rc->key_text, rc->lines, most_lines);
        bind_imp_note(im, d, "one netsh prints the same lines for every record: capture it again");
        return false;
    }
    if (rc->r.key != BIND_SSLREC_CCS && !rc->hash_seen) {
        bind_diag *d = bind_imp_diag(im, BIND_E0602, rc->last_at, "the record of %s has no certificate hash", rc->key_text);
        bind_imp_note(im, d, "netsh prints it right after the key: the capture is cut or altered");
        return false;
    }
    if (!rc->appid_seen) {
        bind_diag *d = bind_imp_diag(im, BIND_E0602, rc->last_at, "the record of %s has no application ID", rc->key_text);
        bind_imp_note(im, d, "netsh prints it after the certificate hash: the capture is cut or altered");
        return false;
    }
    bind_vec_push(&im->sslcerts, rc->r);
    return true;
}

static void sslcert_text(bind_imported *im, bind_source *src)
{
    const char *t = src->text;
    size_t p = 0, most = 0;
    line l;
    record rc;
    memset(&rc, 0, sizeof rc);
    bool in_ext = false, fresh_block = true, ok = true;
    while (ok && next_line(src, &p, &l)) {
        bind_span at = bind_imp_span(src, l.b, l.e);
        if (l.b == l.e) { fresh_block = true; in_ext = false; continue; }
        if (dashes(src, &l)) { fresh_block = true; continue; }
        if (!l.has_label) {
            if (t[l.e - 1] == ':') { in_ext = rc.open; continue; }          /* a header: "Extended Properties:" */
            if (rc.open && !in_ext) {
                bind_diag *d = bind_imp_diag(im, BIND_E0602, at, "cannot read this line of the record of %s: it is no `LABEL : VALUE`",
                                             rc.key_text);
                bind_imp_note(im, d, "a line cut in the middle: capture it again");
                ok = false;
            }
            continue;
        }
        const char *v = t + l.vb;
        size_t vn = l.e - l.vb;
        bind_span vat = bind_imp_span(src, l.vb, l.e);
        uint8_t key = 255;
        if (is(l.label, L_IPPORT)) key = BIND_SSLREC_IPPORT;
        else if (is(l.label, L_HOSTPORT)) key = BIND_SSLREC_HOSTPORT;
        else if (is(l.label, L_CCS)) key = BIND_SSLREC_CCS;
        else if (fresh_block && !rc.open) {
            /* A language whose labels are not listed: the key is the first
             * line of a block, an address or host and a port. */
            bind_addr a;
            const char *h;
            uint16_t port;
            if (ip_port(im, v, vn, &a, &port)) key = BIND_SSLREC_IPPORT;
            else if (host_port(im, v, vn, &h, &port)) key = BIND_SSLREC_HOSTPORT;
        }
        fresh_block = false;
        if (key != 255) {
            if (rc.open && rc.lines > most) most = rc.lines;
            if (!close_record(im, &rc, 0, false)) { ok = false; break; }
            memset(&rc, 0, sizeof rc);
            rc.open = true;
            rc.r.key = key;
            rc.r.at = vat;
            rc.key_at = vat;
            rc.last_at = at;
            rc.lines = 1;
            rc.key_text = bind_arena_strndup(im->arena, v, vn);
            in_ext = false;
            bool good = key == BIND_SSLREC_IPPORT ? ip_port(im, v, vn, &rc.r.addr, &rc.r.port)
                      : key == BIND_SSLREC_HOSTPORT ? host_port(im, v, vn, &rc.r.host, &rc.r.port)
                      : bind_port_parse(v, vn, &rc.r.port);
            if (!good) {
                bind_diag *d = bind_imp_diag(im, BIND_E0602, vat, "cannot read `%.*s` as %s", (int)(vn > 80 ? 80 : vn), v,
                                             key == BIND_SSLREC_IPPORT ? "an IP address and port"
                                             : key == BIND_SSLREC_HOSTPORT ? "a host name and port" : "a port");
                bind_imp_note(im, d, "a line cut in the middle, or a capture altered by hand");
                ok = false;
            }
            rc.key_ok = good;
            continue;
        }
        if (!rc.open || in_ext) continue;
        rc.lines++;
        rc.last_at = at;
        if (is(l.label, L_HASH)) {
            if (!hex40(v, vn)) {
                bind_diag *d = bind_imp_diag(im, BIND_E0602, vat, "certificate hash `%.*s` of %s is not 40 hex digits",
                                             (int)(vn > 80 ? 80 : vn), v, rc.key_text);
                bind_imp_note(im, d, "a line cut in the middle: capture it again");
                ok = false;
                break;
            }
            rc.hash_seen = true;
            rc.r.hash = bind_arena_strndup(im->arena, v, vn);
            for (char *q = (char *)rc.r.hash; *q; q++) if (*q >= 'a' && *q <= 'f') *q = (char)(*q - 32);
        } else if (is(l.label, L_APPID)) {
            if (!guid(v, vn)) {
                bind_diag *d = bind_imp_diag(im, BIND_E0602, vat, "application ID `%.*s` of %s is not a GUID in braces",
                                             (int)(vn > 80 ? 80 : vn), v, rc.key_text);
                bind_imp_note(im, d, "a line cut in the middle: capture it again");
                ok = false;
                break;
            }
            rc.appid_seen = true;
            rc.r.appid = appid_of(im, v, vn);
        } else if (is(l.label, L_STORE)) {
            rc.r.store = store_of(im, v, vn, vat);
        } else if ((is(l.label, L_NEGOTIATE) || is(l.label, L_REJECT) || is(l.label, L_DSMAPPER)) && on(v, vn)) {
            bind_imp_diag(im, BIND_W0601, at, "`%.*s` of %s left out: the language has no such setting",
                          (int)(l.e - l.b > 120 ? 120 : l.e - l.b), t + l.b, rc.key_text);
        } else if (is(l.label, L_CTLSTORE) && vn && !bind_imp_ieq(v, vn, "(null)")) {
            bind_imp_diag(im, BIND_W0601, at, "the CTL store `%.*s` of %s left out: the language has no such setting",
                          (int)(vn > 64 ? 64 : vn), v, rc.key_text);
        } else {
            for (size_t k = 0; k < sizeof switches / sizeof switches[0]; k++)
                if (is(l.label, switches[k].labels) && on(v, vn)) rc.r.flags |= switches[k].bit;
        }
    }
    if (ok) close_record(im, &rc, most, true);
}

/* ---- show sslcert json=enable --------------------------------------------------- */

typedef struct json {
    bind_imported *im;
    bind_source *src;
    const char *t;
    size_t p, n;
    bool failed;
    int depth;
} json;

static void json_fail(json *j, const char *what)
{
    if (j->failed) return;
    j->failed = true;
    size_t at = j->p < j->n ? j->p : j->n;
    bind_diag *d = bind_imp_diag(j->im, BIND_E0602, bind_imp_span(j->src, at, at + 1), "not well-formed JSON: %s", what);
    if (at >= j->n) bind_imp_note(j->im, d, "the file ends before its objects are closed: is it cut short?");
}

static void ws(json *j) { while (j->p < j->n && (j->t[j->p] == ' ' || j->t[j->p] == '\t' || j->t[j->p] == '\r' || j->t[j->p] == '\n')) j->p++; }

/* A string's content (escapes other than \" and \\ are kept as written:
 * the fields read here are hex, addresses and GUIDs). */
static bool json_string(json *j, size_t *b, size_t *e)
{
    if (j->p >= j->n || j->t[j->p] != '"') { json_fail(j, j->p >= j->n ? "the file ends inside a value" : "a string was expected"); return false; }
    *b = ++j->p;
    while (j->p < j->n && j->t[j->p] != '"') {
        if ((unsigned char)j->t[j->p] < 0x20) { json_fail(j, "a control character inside a string"); return false; }
        j->p += j->t[j->p] == '\\' ? 2 : 1;
    }
    if (j->p >= j->n) { json_fail(j, "a string is not closed"); return false; }
    *e = j->p++;
    return true;
}

static void json_value(json *j, record *owner, const char *key);

static void json_object(json *j)
{
    record rc;
    memset(&rc, 0, sizeof rc);
    j->p++;
    ws(j);
    if (j->p < j->n && j->t[j->p] == '}') { j->p++; return; }
    while (!j->failed) {
        ws(j);
        size_t kb, ke;
        if (!json_string(j, &kb, &ke)) return;
        char key[64];
        bind_import_label(j->t + kb, ke - kb, key, sizeof key);
        ws(j);
        if (j->p >= j->n || j->t[j->p] != ':') { json_fail(j, "`:` was expected"); return; }
        j->p++;
        ws(j);
        json_value(j, &rc, key);
        ws(j);
        if (j->p < j->n && j->t[j->p] == ',') { j->p++; continue; }
        if (j->p < j->n && j->t[j->p] == '}') { j->p++; break; }
        json_fail(j, j->p >= j->n ? "the file ends inside an object" : "`,` or `}` was expected");
        return;
    }
    if (j->failed || !rc.open) return;
    rc.lines = 1;
    if (!close_record(j->im, &rc, 0, false)) j->failed = true;
}

static void json_field(json *j, record *rc, const char *key, size_t b, size_t e)
{
    bind_imported *im = j->im;
    const char *v = j->t + b;
    size_t vn = e - b;
    bind_span at = bind_imp_span(j->src, b, e);
    uint8_t kind = is(key, L_IPPORT) ? BIND_SSLREC_IPPORT : is(key, L_HOSTPORT) ? BIND_SSLREC_HOSTPORT
                 : is(key, L_CCS) ? BIND_SSLREC_CCS : 255;
    if (kind != 255) {
        rc->open = true;
        rc->r.key = kind;
        rc->r.at = at;
        rc->last_at = at;
        rc->key_text = bind_arena_strndup(im->arena, v, vn);
        bool good = kind == BIND_SSLREC_IPPORT ? ip_port(im, v, vn, &rc->r.addr, &rc->r.port)
                  : kind == BIND_SSLREC_HOSTPORT ? host_port(im, v, vn, &rc->r.host, &rc->r.port)
                  : bind_port_parse(v, vn, &rc->r.port);
        rc->key_ok = good;
        if (!good) {
            bind_imp_diag(im, BIND_E0602, at, "cannot read `%.*s` as the key of an SSL certificate binding", (int)(vn > 80 ? 80 : vn), v);
            j->failed = true;
        }
        return;
    }
    if (is(key, L_HASH)) {
        if (!hex40(v, vn)) {
            bind_imp_diag(im, BIND_E0602, at, "certificate hash `%.*s` is not 40 hex digits", (int)(vn > 80 ? 80 : vn), v);
            j->failed = true;
            return;
        }
        rc->hash_seen = true;
        char *h = bind_arena_strndup(im->arena, v, vn);
        for (char *q = h; *q; q++) if (*q >= 'a' && *q <= 'f') *q = (char)(*q - 32);
        rc->r.hash = h;
    } else if (is(key, L_APPID)) {
        if (!guid(v, vn)) {
            bind_imp_diag(im, BIND_E0602, at, "application ID `%.*s` is not a GUID in braces", (int)(vn > 80 ? 80 : vn), v);
            j->failed = true;
            return;
        }
        rc->appid_seen = true;
        rc->r.appid = appid_of(im, v, vn);
    } else if (is(key, L_STORE)) {
        rc->r.store = store_of(im, v, vn, at);
    }
}

static void json_value(json *j, record *owner, const char *key)
{
    ws(j);
    if (j->p >= j->n) { json_fail(j, "the file ends where a value was expected"); return; }
    if (++j->depth > 64) { json_fail(j, "nested more than 64 deep"); return; }
    char c = j->t[j->p];
    if (c == '{') json_object(j);
    else if (c == '[') {
        j->p++;
        ws(j);
        if (j->p < j->n && j->t[j->p] == ']') j->p++;
        else
            while (!j->failed) {
                json_value(j, NULL, NULL);
                ws(j);
                if (j->p < j->n && j->t[j->p] == ',') { j->p++; continue; }
                if (j->p < j->n && j->t[j->p] == ']') { j->p++; break; }
                json_fail(j, j->p >= j->n ? "the file ends inside an array" : "`,` or `]` was expected");
            }
    } else if (c == '"') {
        size_t b, e;
        if (json_string(j, &b, &e) && owner && key) json_field(j, owner, key, b, e);
    } else {
        size_t b = j->p;
        while (j->p < j->n && ((j->t[j->p] >= 'a' && j->t[j->p] <= 'z') || (j->t[j->p] >= '0' && j->t[j->p] <= '9') ||
                               j->t[j->p] == '-' || j->t[j->p] == '+' || j->t[j->p] == '.' || j->t[j->p] == 'E'))
            j->p++;
        if (j->p == b) json_fail(j, "a value was expected");
        else if (owner && key && is(key, L_CCS)) json_field(j, owner, key, b, j->p);     /* a port as a number */
    }
    j->depth--;
}

static void sslcert_json(bind_imported *im, bind_source *src)
{
    json j = { im, src, src->text, 0, src->len, false, 0 };
    if (j.n >= 3 && memcmp(j.t, "\xEF\xBB\xBF", 3) == 0) j.p = 3;
    json_value(&j, NULL, NULL);
    ws(&j);
    if (!j.failed && j.p < j.n) json_fail(&j, "text after the end of the document");
}

/* ---- show urlacl ------------------------------------------------------------------ */

typedef struct reservation {
    bool open, key_ok, sddl;
    bind_imp_urlacl u;
    const char *users[4];
    size_t nusers, lines;
    bind_span last_at, sddl_at;
    const char *sddl_text;
} reservation;

static bool parse_url(bind_imported *im, const char *v, size_t n, bind_imp_urlacl *u)
{
    size_t s;
    if (n > 7 && bind_imp_ieq(v, 7, "http://")) { u->protocol = BIND_PROTO_HTTP; s = 7; }
    else if (n > 8 && bind_imp_ieq(v, 8, "https://")) { u->protocol = BIND_PROTO_HTTPS; s = 8; }
    else return false;
    const char *slash = memchr(v + s, '/', n - s);
    if (!slash) return false;
    size_t hp = (size_t)(slash - v);
    const char *c = NULL;
    for (size_t i = hp; i-- > s;) if (v[i] == ':') { c = v + i; break; }
    if (!c || !bind_port_parse(c + 1, (size_t)(v + hp - c - 1), &u->port)) return false;
    size_t hn = (size_t)(c - (v + s));
    if (!hn) return false;
    u->host = bind_imp_lower(im->arena, v + s, hn);
    bind_word_errors errs;
    memset(&errs, 0, sizeof errs);
    if (u->host[0] == '[' || (u->host[0] >= '0' && u->host[0] <= '9' && strspn(u->host, "0123456789.") == hn))
        if (!bind_addr_parse(im->arena, u->host, hn, &u->addr, &errs)) memset(&u->addr, 0, sizeof u->addr);
    u->path = bind_arena_strndup(im->arena, slash, n - hp);
    return true;
}

/* SDDL aliases of well-known accounts, as SIDs: the names netsh prints
 * are localised. */
static const char *alias_sid(const char *a, size_t n)
{
    static const struct { const char *alias, *sid; } t[] = {
        { "WD", "Everyone" }, { "NS", "S-1-5-20" }, { "LS", "S-1-5-19" }, { "SY", "S-1-5-18" }, { "BU", "S-1-5-32-545" },
        { "BA", "S-1-5-32-544" }, { "AU", "S-1-5-11" }, { "IU", "S-1-5-4" }, { "NU", "S-1-5-2" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (n == 2 && memcmp(a, t[i].alias, 2) == 0) return t[i].sid;
    return NULL;
}

static bool ascii(const char *s)
{
    for (; *s; s++) if ((unsigned char)*s >= 0x80) return false;
    return true;
}

static void close_reservation(bind_imported *im, reservation *r, size_t most, bool last, bool *ok)
{
    if (!r->open) return;
    r->open = false;
    if (!r->key_ok) return;
    (void)most, (void)last;
    if (!r->sddl) {
        bind_diag *d = bind_imp_diag(im, BIND_E0602, r->last_at, "the capture stops in the reservation of %s://%s:%u%s",
                                     bind_protocol_name((enum bind_protocol)r->u.protocol), r->u.host, r->u.port, r->u.path);
        bind_imp_note(im, d, "every reservation ends with its SDDL line: capture it again");
        *ok = false;
        return;
    }
    /* The grantees: one ACE `(A;;GX;;;SID)` a user. */
    const char *s = r->sddl_text;
    size_t aces = 0;
    const char *trustee = NULL, *rights = NULL;
    size_t tn = 0, rn = 0;
    for (const char *p = strchr(s, '('); p; p = strchr(p + 1, '(')) {
        const char *e = strchr(p, ')');
        if (!e) break;
        const char *f[6];
        size_t k = 0;
        f[k++] = p + 1;
        for (const char *q = p + 1; q < e && k < 6; q++) if (*q == ';') f[k++] = q + 1;
        if (k == 6 && f[0][0] == 'A' && f[0][1] == ';') {
            aces++;
            rights = f[2];
            rn = (size_t)(f[3] - f[2] - 1);
            trustee = f[5];
            tn = (size_t)(e - f[5]);
        }
    }
    r->u.user_at = r->sddl_at;
    if (aces != 1) {
        r->u.user_problem = bind_arena_printf(im->arena, "acl= names one grantee, the reservation has %zu; "
                                              "the binding keeps the default, Everyone", aces);
    } else {
        const char *alias = alias_sid(trustee, tn);
        const char *user = NULL;
        if (alias && strcmp(alias, "Everyone") == 0) user = "Everyone";
        else if (r->nusers == 1 && ascii(r->users[0]) && *r->users[0]) user = r->users[0];
        else if (alias) user = alias;
        else if (tn > 4 && memcmp(trustee, "S-1-", 4) == 0) user = bind_arena_strndup(im->arena, trustee, tn);
        if (!user)
            r->u.user_problem = bind_arena_printf(im->arena, "its grantee `%.*s` has no name or SID to write", (int)tn, trustee);
        else if (!(rn == 2 && memcmp(rights, "GX", 2) == 0))
            r->u.user_problem = bind_arena_printf(im->arena, "its rights `%.*s` are more than listening (GX), which acl= grants",
                                                  (int)rn, rights);
        r->u.user = user;
    }
    bind_vec_push(&im->urlacls, r->u);
}

static void urlacl_text(bind_imported *im, bind_source *src)
{
    const char *t = src->text;
    size_t p = 0, most = 0;
    line l;
    reservation r;
    memset(&r, 0, sizeof r);
    bool ok = true;
    while (ok && next_line(src, &p, &l)) {
        bind_span at = bind_imp_span(src, l.b, l.e);
        if (l.b == l.e || dashes(src, &l)) continue;
        if (!l.has_label) {
            if (r.open && t[l.e - 1] != ':') {
                bind_diag *d = bind_imp_diag(im, BIND_E0602, at, "cannot read this line of a URL reservation: it is no `LABEL: VALUE`");
                bind_imp_note(im, d, "a line cut in the middle: capture it again");
                ok = false;
            }
            continue;
        }
        const char *v = t + l.vb;
        size_t vn = l.e - l.vb;
        bind_span vat = bind_imp_span(src, l.vb, l.e);
        bool url = is(l.label, L_URL) || (vn > 7 && (bind_imp_ieq(v, 7, "http://") || (vn > 8 && bind_imp_ieq(v, 8, "https://"))));
        if (url) {
            if (r.open && r.lines > most) most = r.lines;
            close_reservation(im, &r, 0, false, &ok);
            if (!ok) break;
            memset(&r, 0, sizeof r);
            r.open = true;
            r.lines = 1;
            r.last_at = at;
            r.u.at = vat;
            r.key_ok = parse_url(im, v, vn, &r.u);
            if (!r.key_ok) {
                bind_diag *d = bind_imp_diag(im, BIND_E0602, vat, "cannot read `%.*s` as a URL reservation (SCHEME://HOST:PORT/PATH)",
                                             (int)(vn > 120 ? 120 : vn), v);
                bind_imp_note(im, d, "a line cut in the middle, or a capture altered by hand");
                ok = false;
            }
            continue;
        }
        if (!r.open) continue;
        r.lines++;
        r.last_at = at;
        if (is(l.label, L_USER)) {
            const char *u = v;
            size_t un = vn;
            if (un && u[0] == '\\') { u++; un--; }     /* well-known groups print as \Everyone */
            if (r.nusers < 4) r.users[r.nusers] = bind_arena_strndup(im->arena, u, un);
            r.nusers++;
        } else if (is(l.label, L_SDDL)) {
            r.sddl = true;
            r.sddl_at = vat;
            r.sddl_text = bind_arena_strndup(im->arena, v, vn);
        } else if (is(l.label, L_DELEGATE) && on(v, vn)) {
            bind_imp_diag(im, BIND_W0601, at, "the delegation right of %s://%s:%u%s left out: acl= grants listening",
                          bind_protocol_name((enum bind_protocol)r.u.protocol), r.u.host, r.u.port, r.u.path);
        }
    }
    if (ok) close_reservation(im, &r, most, true, &ok);
}

/* ---- show iplisten ----------------------------------------------------------------- */

static void iplisten_text(bind_imported *im, bind_source *src)
{
    size_t p = 0;
    line l;
    bool list = false;
    while (next_line(src, &p, &l)) {
        if (l.b == l.e) continue;
        if (dashes(src, &l)) { list = true; continue; }
        if (!list) continue;                         /* the header */
        bind_span at = bind_imp_span(src, l.b, l.e);
        bind_imp_iplisten ip;
        bind_word_errors errs;
        memset(&errs, 0, sizeof errs);
        if (!bind_addr_parse(im->arena, src->text + l.b, l.e - l.b, &ip.addr, &errs)) {
            bind_diag *d = bind_imp_diag(im, BIND_E0602, at, "`%.*s` is not an IP address of the listen list",
                                         (int)(l.e - l.b > 80 ? 80 : l.e - l.b), src->text + l.b);
            bind_imp_note(im, d, "after its header the list holds one address a line: a line cut in the middle?");
            return;
        }
        ip.at = at;
        bool dup = false;
        for (size_t i = 0; i < im->iplisten.len && !dup; i++)
            dup = im->iplisten.items[i].addr.kind == ip.addr.kind &&
                  memcmp(im->iplisten.items[i].addr.bytes, ip.addr.bytes, sizeof ip.addr.bytes) == 0;
        if (!dup) bind_vec_push(&im->iplisten, ip);
    }
}

void bind_import_netsh(bind_imported *im, bind_source *src, enum bind_import_kind kind)
{
    size_t i = src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < src->len && (src->text[i] == ' ' || src->text[i] == '\t' || src->text[i] == '\r' || src->text[i] == '\n')) i++;
    if (kind == BIND_IMPORT_NETSH_SSLCERT && i < src->len && (src->text[i] == '{' || src->text[i] == '[')) sslcert_json(im, src);
    else if (kind == BIND_IMPORT_NETSH_SSLCERT) sslcert_text(im, src);
    else if (kind == BIND_IMPORT_NETSH_URLACL) urlacl_text(im, src);
    else iplisten_text(im, src);
}
