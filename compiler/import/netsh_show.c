/* Captures of `netsh http show sslcert`, `show urlacl` and `show iplisten`,
 * and (for --state) of `netsh int ipv4|ipv6 show excludedportrange`.
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
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "detect.h"
#include "readers.h"

#define IIS_APPID "{4dc3e181-e14b-4a21-b022-59fc669b0914}"

typedef struct line { size_t b, e, lb, le, vb; bool has_label; char label[96]; } line;

/* The next line of src from *p: [b, e) without its line end and the
 * spaces around it, and its label and value when it has them. */
static bool next_line(const bind_source *src, size_t *p, size_t end, line *l)
{
    if (*p >= end) return false;
    const char *t = src->text;
    const char *nl = memchr(t + *p, '\n', end - *p);
    size_t e = nl ? (size_t)(nl - t) : end, b = *p;
    *p = nl ? e + 1 : end;
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

/* A capture that cannot be read here: the import refuses it (E0602, and
 * reads no further); --state says so (W0502), leaves the record out and
 * reads on. */
__attribute__((format(printf, 3, 4)))
static bind_diag *problem(bind_imported *im, bind_span at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = bind_arena_vprintf(im->arena, fmt, ap);
    va_end(ap);
    return bind_imp_diag(im, im->state_mode ? BIND_W0502 : BIND_E0602, at, "%s", msg);
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
    bool bad;                        /* --state: a line of it could not be read; left out */
    bool by_label;                   /* its hash came with a label bindc knows (the language is known) */
    bind_span key_at, last_at;
    const char *key_text;
} record;

/* Ends a record: checked, then kept.  False when the import must stop. */
static bool close_record(bind_imported *im, record *rc, size_t most_lines, bool last)
{
    if (!rc->open) return true;
    rc->open = false;
    if (!rc->key_ok || rc->bad) return true;   /* reported where it went wrong */
    bool whole = true;
    if (last && most_lines && rc->lines < most_lines) {
        bool usable = im->state_mode && (rc->r.key == BIND_SSLREC_CCS || rc->hash_seen) && rc->appid_seen;
        bind_diag *d = problem(im, rc->last_at, "the capture stops in the record of %s: it has %zu lines, "
                               "the records before it %zu", rc->key_text, rc->lines, most_lines);
        bind_imp_note(im, d, usable ? "bindc uses its key, certificate hash and application ID, not the rest"
                                    : "one netsh prints the same lines for every record: capture it again");
        if (!usable) return im->state_mode;
        whole = false;
    }
    if (rc->r.key != BIND_SSLREC_CCS && !rc->hash_seen) {
        bind_diag *d = problem(im, rc->last_at, "the record of %s has no certificate hash", rc->key_text);
        bind_imp_note(im, d, "netsh prints it right after the key: the capture is cut or altered");
        return im->state_mode;
    }
    if (!rc->appid_seen) {
        bind_diag *d = problem(im, rc->last_at, "the record of %s has no application ID", rc->key_text);
        bind_imp_note(im, d, "netsh prints it after the certificate hash: the capture is cut or altered");
        return im->state_mode;
    }
    rc->r.flags_known = whole && rc->by_label;
    if (!rc->by_label) rc->r.store_known = false;
    bind_vec_push(&im->sslcerts, rc->r);
    return true;
}

static void sslcert_text(bind_imported *im, bind_source *src, size_t from, size_t to)
{
    const char *t = src->text;
    size_t p = from, most = 0;
    line l;
    record rc;
    memset(&rc, 0, sizeof rc);
    bool in_ext = false, fresh_block = true, ok = true, shape_said = false;
    while (ok && next_line(src, &p, to, &l)) {
        bind_span at = bind_imp_span(src, l.b, l.e);
        if (l.b == l.e) { fresh_block = true; in_ext = false; continue; }
        if (dashes(src, &l)) { fresh_block = true; continue; }
        if (!l.has_label) {
            if (t[l.e - 1] == ':') { in_ext = rc.open; continue; }          /* a header: "Extended Properties:" */
            if (rc.open && !in_ext && !rc.bad) {
                bind_diag *d = problem(im, at, "cannot read this line of the record of %s: it is no `LABEL : VALUE`",
                                       rc.key_text);
                bind_imp_note(im, d, im->state_mode ? "a line cut in the middle: the record is left out" : "a line cut in the middle: capture it again");
                if (im->state_mode) rc.bad = true;
                else ok = false;
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
        else if (fresh_block && (!rc.open || im->state_mode)) {
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
                bind_diag *d = problem(im, vat, "cannot read `%.*s` as %s", (int)(vn > 80 ? 80 : vn), v,
                                       key == BIND_SSLREC_IPPORT ? "an IP address and port"
                                       : key == BIND_SSLREC_HOSTPORT ? "a host name and port" : "a port");
                bind_imp_note(im, d, "a line cut in the middle, or a capture altered by hand");
                if (!im->state_mode) ok = false;
            }
            rc.key_ok = good;
            continue;
        }
        if (!rc.open || in_ext) continue;
        rc.lines++;
        rc.last_at = at;
        /* --state, in a language whose labels are not listed: the hash and
         * the application ID are the first values of their shape. */
        bool hash_shape = im->state_mode && !rc.hash_seen && !is(l.label, L_HASH) && hex40(v, vn);
        bool appid_shape = im->state_mode && !rc.appid_seen && !is(l.label, L_APPID) && guid(v, vn);
        if ((hash_shape || appid_shape) && !shape_said) {
            shape_said = true;
            bind_diag *d = problem(im, at, "`%.*s` is no label bindc knows: this capture is read by the shape of its values",
                                   (int)(l.le - l.lb > 60 ? 60 : l.le - l.lb), t + l.lb);
            bind_imp_note(im, d, "bindc reads netsh's English and German labels; in another language it takes each "
                                 "record's address and port, certificate hash and application ID, and leaves out its store "
                                 "and TLS switches");
        }
        if (is(l.label, L_HASH) || hash_shape) {
            if (!hex40(v, vn)) {
                bind_diag *d = problem(im, vat, "certificate hash `%.*s` of %s is not 40 hex digits",
                                       (int)(vn > 80 ? 80 : vn), v, rc.key_text);
                bind_imp_note(im, d, im->state_mode ? "a line cut in the middle: the record is left out; capture it again"
                                                    : "a line cut in the middle: capture it again");
                if (!im->state_mode) { ok = false; break; }
                rc.bad = true;
                continue;
            }
            rc.hash_seen = true;
            rc.by_label = !hash_shape;
            rc.r.hash = bind_arena_strndup(im->arena, v, vn);
            for (char *q = (char *)rc.r.hash; *q; q++) if (*q >= 'a' && *q <= 'f') *q = (char)(*q - 32);
        } else if (is(l.label, L_APPID) || appid_shape) {
            if (!guid(v, vn)) {
                bind_diag *d = problem(im, vat, "application ID `%.*s` of %s is not a GUID in braces",
                                       (int)(vn > 80 ? 80 : vn), v, rc.key_text);
                bind_imp_note(im, d, im->state_mode ? "a line cut in the middle: the record is left out; capture it again"
                                                    : "a line cut in the middle: capture it again");
                if (!im->state_mode) { ok = false; break; }
                rc.bad = true;
                continue;
            }
            rc.appid_seen = true;
            rc.r.appid = appid_of(im, v, vn);
            rc.r.appid_shown = bind_imp_lower(im->arena, v, vn);
        } else if (is(l.label, L_STORE)) {
            rc.r.store_known = true;
            rc.r.store_shown = vn && !bind_imp_ieq(v, vn, "(null)") ? bind_arena_strndup(im->arena, v, vn) : NULL;
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
    bind_diag *d = problem(j->im, bind_imp_span(j->src, at, at + 1), "not well-formed JSON: %s", what);
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
    rc.by_label = true;              /* JSON names its fields in English */
    if (!close_record(j->im, &rc, 0, false)) j->failed = true;
    /* The switches' JSON names are not confirmed: never taken as known. */
    if (j->im->sslcerts.len) j->im->sslcerts.items[j->im->sslcerts.len - 1].flags_known = false;
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
            problem(im, at, "cannot read `%.*s` as the key of an SSL certificate binding", (int)(vn > 80 ? 80 : vn), v);
            j->failed = true;
        }
        return;
    }
    if (is(key, L_HASH)) {
        if (!hex40(v, vn)) {
            problem(im, at, "certificate hash `%.*s` is not 40 hex digits", (int)(vn > 80 ? 80 : vn), v);
            j->failed = true;
            return;
        }
        rc->hash_seen = true;
        char *h = bind_arena_strndup(im->arena, v, vn);
        for (char *q = h; *q; q++) if (*q >= 'a' && *q <= 'f') *q = (char)(*q - 32);
        rc->r.hash = h;
    } else if (is(key, L_APPID)) {
        if (!guid(v, vn)) {
            problem(im, at, "application ID `%.*s` is not a GUID in braces", (int)(vn > 80 ? 80 : vn), v);
            j->failed = true;
            return;
        }
        rc->appid_seen = true;
        rc->r.appid = appid_of(im, v, vn);
        rc->r.appid_shown = bind_imp_lower(im->arena, v, vn);
    } else if (is(key, L_STORE)) {
        rc->r.store_known = true;
        rc->r.store_shown = vn && !bind_imp_ieq(v, vn, "(null)") ? bind_arena_strndup(im->arena, v, vn) : NULL;
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

static void sslcert_json(bind_imported *im, bind_source *src, size_t from, size_t to)
{
    json j = { im, src, src->text, from, to, false, 0 };
    if (from == 0 && j.n >= 3 && memcmp(j.t, "\xEF\xBB\xBF", 3) == 0) j.p = 3;
    json_value(&j, NULL, NULL);
    ws(&j);
    if (!j.failed && j.p < j.n) json_fail(&j, "text after the end of the document");
}

/* ---- show urlacl ------------------------------------------------------------------ */

typedef struct reservation {
    bool open, key_ok, sddl;
    bind_imp_urlacl u;
    const char *users[16];
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
    size_t nu = r->nusers < 16 ? r->nusers : 16;
    const char **users = bind_arena_alloc(im->arena, (nu + 1) * sizeof *users);
    for (size_t i = 0; i < nu; i++) users[i] = r->users[i];
    r->u.users = users;
    r->u.nusers = (uint32_t)nu;
    if (!r->sddl) {
        bind_diag *d = problem(im, r->last_at, "the capture stops in the reservation of %s://%s:%u%s",
                               bind_protocol_name((enum bind_protocol)r->u.protocol), r->u.host, r->u.port, r->u.path);
        if (im->state_mode) {
            /* The URL is reserved, that much is sure; for whom is not. */
            bind_imp_note(im, d, "every reservation ends with its SDDL line: bindc knows the URL is reserved, not for whom");
            bind_vec_push(&im->urlacls, r->u);
            return;
        }
        bind_imp_note(im, d, "every reservation ends with its SDDL line: capture it again");
        *ok = false;
        return;
    }
    r->u.sddl = r->sddl_text;
    r->u.sddl_at = r->sddl_at;
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

/* `D:(...)`, `O:..D:(...)`: an SDDL by its shape. */
static bool sddl_shape(const char *v, size_t n)
{
    return n > 4 && (v[0] == 'D' || v[0] == 'O' || v[0] == 'G') && v[1] == ':' && memchr(v, '(', n) && v[n - 1] == ')';
}

static void urlacl_text(bind_imported *im, bind_source *src, size_t from, size_t to)
{
    const char *t = src->text;
    size_t p = from, most = 0;
    line l;
    reservation r;
    memset(&r, 0, sizeof r);
    bool ok = true, shape_said = false;
    while (ok && next_line(src, &p, to, &l)) {
        bind_span at = bind_imp_span(src, l.b, l.e);
        if (l.b == l.e || dashes(src, &l)) continue;
        if (!l.has_label) {
            if (r.open && t[l.e - 1] != ':') {
                bind_diag *d = problem(im, at, "cannot read this line of a URL reservation: it is no `LABEL: VALUE`");
                bind_imp_note(im, d, im->state_mode ? "a line cut in the middle: it is left out" : "a line cut in the middle: capture it again");
                if (!im->state_mode) ok = false;
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
            r.u.url = bind_arena_strndup(im->arena, v, vn);
            if (!r.key_ok) {
                bind_diag *d = problem(im, vat, "cannot read `%.*s` as a URL reservation (SCHEME://HOST:PORT/PATH)",
                                       (int)(vn > 120 ? 120 : vn), v);
                bind_imp_note(im, d, "a line cut in the middle, or a capture altered by hand");
                if (!im->state_mode) ok = false;
            } else if (im->state_mode && !is(l.label, L_URL) && !shape_said) {
                shape_said = true;
                bind_diag *d = problem(im, bind_imp_span(src, l.lb, l.le), "`%.*s` is no label bindc knows: this capture is read by the shape of its values",
                                       (int)(l.le - l.lb > 60 ? 60 : l.le - l.lb), t + l.lb);
                bind_imp_note(im, d, "bindc reads netsh's English and German labels; in another language it takes each "
                                     "reservation's URL and SDDL, not the names of its users");
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
            if (r.nusers < 16) r.users[r.nusers] = bind_arena_strndup(im->arena, u, un);
            r.nusers++;
        } else if (is(l.label, L_SDDL) || (im->state_mode && !r.sddl && sddl_shape(v, vn))) {
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

static void iplisten_text(bind_imported *im, bind_source *src, size_t from, size_t to)
{
    size_t p = from;
    line l;
    bool list = false;
    while (next_line(src, &p, to, &l)) {
        if (l.b == l.e) continue;
        if (dashes(src, &l)) { list = true; continue; }
        if (!list) continue;                         /* the header */
        bind_span at = bind_imp_span(src, l.b, l.e);
        bind_imp_iplisten ip;
        bind_word_errors errs;
        memset(&errs, 0, sizeof errs);
        if (!bind_addr_parse(im->arena, src->text + l.b, l.e - l.b, &ip.addr, &errs)) {
            bind_diag *d = problem(im, at, "`%.*s` is not an IP address of the listen list",
                                   (int)(l.e - l.b > 80 ? 80 : l.e - l.b), src->text + l.b);
            bind_imp_note(im, d, "after its header the list holds one address a line: a line cut in the middle?");
            if (im->state_mode) continue;
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

/* ---- int ipv4|ipv6 show excludedportrange ----------------------------------------- */

/* "----------    --------": the table's rule, two runs of dashes. */
static bool rule_line(const char *t, size_t b, size_t e)
{
    size_t runs = 0, dash = 0;
    for (size_t i = b; i < e; i++) {
        if (t[i] == '-') { if (!dash++) runs++; }
        else if (t[i] == ' ' || t[i] == '\t') dash = 0;
        else return false;
    }
    return runs >= 2;
}

/* "  5357   5357" or " 50000  50059     *": two ports and perhaps the
 * administered mark.  False for anything else. */
static bool range_row(const char *t, size_t b, size_t e, uint16_t *lo, uint16_t *hi, bool *star)
{
    uint16_t v[2];
    size_t i = b;
    for (int k = 0; k < 2; k++) {
        while (i < e && (t[i] == ' ' || t[i] == '\t')) i++;
        size_t d = i;
        while (i < e && t[i] >= '0' && t[i] <= '9') i++;
        if (i == d || !bind_port_parse(t + d, i - d, &v[k])) return false;
    }
    while (i < e && (t[i] == ' ' || t[i] == '\t')) i++;
    *star = i < e && t[i] == '*';
    if (*star) i++;
    while (i < e && (t[i] == ' ' || t[i] == '\t')) i++;
    if (i != e || v[0] > v[1]) return false;
    *lo = v[0];
    *hi = v[1];
    return true;
}

bool bind_import_excluded_shape(const char *t, size_t n)
{
    size_t p = 0;
    bool rule = false;
    while (p < n) {
        const char *nl = memchr(t + p, '\n', n - p);
        size_t e = nl ? (size_t)(nl - t) : n, b = p;
        p = nl ? e + 1 : n;
        while (e > b && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '\t')) e--;
        while (b < e && (t[b] == ' ' || t[b] == '\t')) b++;
        if (b == e) continue;
        uint16_t lo, hi;
        bool star;
        if (!rule) { rule = rule_line(t, b, e); continue; }
        return range_row(t, b, e, &lo, &hi, &star) || t[b] == '*';
    }
    return rule;
}

/* The table after its rule: one range a line, then the line that explains
 * `*` (in the capture's language; it starts with `*`).  The header before
 * the rule names the protocol in any language ("Protocol tcp Port
 * Exclusion Ranges", "Portausschlussbereiche für das Protokoll "tcp""). */
static void excluded_text(bind_imported *im, bind_source *src, size_t from, size_t to, int family)
{
    const char *t = src->text;
    size_t p = from;
    line l;
    bool rule = false, done = false;
    while (next_line(src, &p, to, &l)) {
        if (l.b == l.e) continue;
        if (!rule) { rule = rule_line(t, l.b, l.e); continue; }
        if (t[l.b] == '*') { done = true; continue; }         /* "* - Administered port exclusions." */
        bind_span at = bind_imp_span(src, l.b, l.e);
        bind_imp_excluded r;
        memset(&r, 0, sizeof r);
        if (done || !range_row(t, l.b, l.e, &r.lo, &r.hi, &r.administered)) {
            bind_diag *d = problem(im, at, "cannot read `%.*s` as a range of excluded ports", (int)(l.e - l.b > 80 ? 80 : l.e - l.b), t + l.b);
            bind_imp_note(im, d, "after its rule the table holds a start port and an end port a line (and `*` for an administered range): a line cut in the middle?");
            if (!im->state_mode) return;
            continue;
        }
        r.family = (uint8_t)family;
        r.at = at;
        bind_vec_push(&im->excluded, r);
    }
}

void bind_import_netsh_range(bind_imported *im, bind_source *src, enum bind_import_kind kind, size_t from, size_t to,
                             int family)
{
    size_t i = from == 0 && src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : from;
    while (i < to && (src->text[i] == ' ' || src->text[i] == '\t' || src->text[i] == '\r' || src->text[i] == '\n')) i++;
    if (kind == BIND_IMPORT_NETSH_SSLCERT && i < to && (src->text[i] == '{' || src->text[i] == '[')) sslcert_json(im, src, from, to);
    else if (kind == BIND_IMPORT_NETSH_SSLCERT) sslcert_text(im, src, from, to);
    else if (kind == BIND_IMPORT_NETSH_URLACL) urlacl_text(im, src, from, to);
    else if (kind == BIND_IMPORT_NETSH_EXCLUDED) excluded_text(im, src, from, to, family);
    else iplisten_text(im, src, from, to);
}

void bind_import_netsh(bind_imported *im, bind_source *src, enum bind_import_kind kind)
{
    bind_import_netsh_range(im, src, kind, 0, src->len, 0);
}
