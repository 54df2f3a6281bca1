/* --state: a file of netsh captures into the machine state (state.h).
 *
 * The file is cut into parts at the lines that name a netsh command
 * (`netsh http show urlacl`, with or without a cmd.exe prompt before it)
 * and at the headers netsh prints; each part is recognised by its command
 * line or its content, read by the import's readers in --state mode into
 * a bind_imported of its own, and what they read is copied into the
 * machine state.  The readers' diagnostics point into the file: the
 * importer's sources are padded so that the file gets the id it has in
 * the caller's sources, and the diagnostics are copied over with their
 * spans as they are. */
#include <string.h>

#include "detect.h"
#include "import.h"
#include "state.h"

const char bind_state_capture_line[] =
    "type nul>state.txt& for %c in (\"http show urlacl\" \"http show sslcert\" \"http show iplisten\" "
    "\"int ipv4 show excludedportrange tcp\" \"int ipv6 show excludedportrange tcp\") "
    "do (echo netsh %~c>>state.txt& netsh %~c>>state.txt)";

typedef struct part {
    size_t b, e;                     /* the capture's text: after its command line */
    size_t head;                     /* where the part starts (its command line, or its first line) */
    bool marked;                     /* a command line names it */
    enum bind_import_kind kind;      /* the command's kind; UNKNOWN for a command bindc does not read */
    int family;                      /* excludedportrange: 4, 6 or 0 */
    bool udp;                        /* excludedportrange protocol=udp: not HTTP's */
    size_t cmd_b, cmd_e;             /* the command as the line names it */
} part;

typedef BIND_VEC(part) parts;

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static bool word_is(const char *w, size_t n, const char *s)
{
    if (strlen(s) != n) return false;
    for (size_t i = 0; i < n; i++) if (lower(w[i]) != s[i]) return false;
    return true;
}

/* A command line: `netsh http show urlacl`, `C:\>netsh int ipv6 show
 * excludedportrange protocol=tcp`, `PS C:\> netsh ...`.  Fills the kind
 * (UNKNOWN for a netsh command bindc does not read), family and protocol. */
static bool command_line(const char *t, size_t b, size_t e, part *p)
{
    /* A prompt: a drive and a path up to `>`. */
    const char *gt = memchr(t + b, '>', e - b);
    if (gt) {
        size_t q = b;
        if (e - q > 3 && word_is(t + q, 3, "ps ")) q += 3;
        if (q + 2 < e && ((t[q] | 32) >= 'a' && (t[q] | 32) <= 'z') && t[q + 1] == ':' && t[q + 2] == '\\')
            b = (size_t)(gt - t) + 1;
    }
    while (b < e && (t[b] == ' ' || t[b] == '\t')) b++;
    const char *words[12];
    size_t lens[12], n = 0;
    for (size_t i = b; i < e && n < 12;) {
        while (i < e && (t[i] == ' ' || t[i] == '\t')) i++;
        size_t s = i;
        while (i < e && t[i] != ' ' && t[i] != '\t') i++;
        if (i > s) { words[n] = t + s; lens[n] = i - s; n++; }
    }
    if (n < 3 || !(word_is(words[0], lens[0], "netsh") || word_is(words[0], lens[0], "netsh.exe"))) return false;
    size_t show = 0;
    for (size_t i = 1; i < n && !show; i++) if (word_is(words[i], lens[i], "show")) show = i;
    if (!show || show + 1 >= n) return false;
    p->marked = true;
    p->cmd_b = (size_t)(words[0] - t);
    p->cmd_e = e;
    p->kind = BIND_IMPORT_UNKNOWN;
    const char *k = words[show + 1];
    size_t kn = lens[show + 1];
    bool http = false, in = false;
    int family = 0;
    for (size_t i = 1; i < show; i++) {
        http |= word_is(words[i], lens[i], "http");
        in |= word_is(words[i], lens[i], "int") || word_is(words[i], lens[i], "interface");
        if (word_is(words[i], lens[i], "ipv4") || word_is(words[i], lens[i], "ip")) family = 4;
        if (word_is(words[i], lens[i], "ipv6")) family = 6;
    }
    if (http && word_is(k, kn, "urlacl")) p->kind = BIND_IMPORT_NETSH_URLACL;
    else if (http && word_is(k, kn, "sslcert")) p->kind = BIND_IMPORT_NETSH_SSLCERT;
    else if (http && word_is(k, kn, "iplisten")) p->kind = BIND_IMPORT_NETSH_IPLISTEN;
    else if (in && family && word_is(k, kn, "excludedportrange")) {
        p->kind = BIND_IMPORT_NETSH_EXCLUDED;
        p->family = family;
        for (size_t i = show + 2; i < n; i++)
            p->udp |= word_is(words[i], lens[i], "udp") || word_is(words[i], lens[i], "protocol=udp");
    }
    /* `show sslcert ipport=...` shows one record: the machine's others are
     * not in it.  Such a part is read, but not as the whole list. */
    return true;
}

/* A header netsh prints above a capture, in English or German. */
static enum bind_import_kind header_line(const char *t, size_t b, size_t e, bool *udp)
{
    char lab[128];
    size_t n = bind_import_label(t + b, e - b, lab, sizeof lab);
    if (!n) return BIND_IMPORT_UNKNOWN;
    static const char *const urlacl[] = { "urlreservations", "urlreservierungen", NULL };
    static const char *const sslcert[] = { "sslcertificatebindings", "sslzertifikatbindungen", NULL };
    static const char *const iplisten[] = { "ipaddressespresentintheiplistenlist",
                                            "inderipabh\xc3\xb6rlistevorhandeneipadressen", NULL };
    for (size_t i = 0; urlacl[i]; i++) if (strcmp(lab, urlacl[i]) == 0) return BIND_IMPORT_NETSH_URLACL;
    for (size_t i = 0; sslcert[i]; i++) if (strcmp(lab, sslcert[i]) == 0) return BIND_IMPORT_NETSH_SSLCERT;
    for (size_t i = 0; iplisten[i]; i++) if (strcmp(lab, iplisten[i]) == 0) return BIND_IMPORT_NETSH_IPLISTEN;
    if (strstr(lab, "portexclusionranges") || strstr(lab, "portausschlussbereiche")) {
        /* "Protocol tcp Port Exclusion Ranges": the protocol is a word of it. */
        *udp = strstr(lab, "udp") != NULL && strstr(lab, "tcp") == NULL;
        return BIND_IMPORT_NETSH_EXCLUDED;
    }
    return BIND_IMPORT_UNKNOWN;
}

/* The parts of the text, in order. */
static void split(const char *t, size_t from, size_t len, parts *out)
{
    part cur;
    memset(&cur, 0, sizeof cur);
    cur.b = cur.head = from;
    bool content = false;            /* the current part has a line that is not blank */
    for (size_t p = from; p < len;) {
        const char *nl = memchr(t + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - t) : len, b = p, next = nl ? e + 1 : len;
        while (e > b && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '\t')) e--;
        while (b < e && (t[b] == ' ' || t[b] == '\t')) b++;
        part cmd;
        memset(&cmd, 0, sizeof cmd);
        bool udp = false;
        if (b < e && command_line(t, b, e, &cmd)) {
            cur.e = p;
            bind_vec_push(out, cur);
            cur = cmd;
            cur.head = p;
            cur.b = next;
            content = false;
        } else if (b < e && header_line(t, b, e, &udp) != BIND_IMPORT_UNKNOWN) {
            /* A header opens a capture, unless it is the first line of the
             * part its command line opened. */
            if (content) {
                cur.e = p;
                bind_vec_push(out, cur);
                memset(&cur, 0, sizeof cur);
                cur.b = cur.head = p;
            }
            content = true;
        } else if (b < e) {
            content = true;
        }
        p = next;
    }
    cur.e = len;
    bind_vec_push(out, cur);
}

/* Whether [b, e) holds nothing but blank lines, rules and headers (a
 * line ending in `:`, or before the rule of an excludedportrange table):
 * what netsh prints when there is nothing to list. */
static bool nothing_listed(const char *t, size_t b, size_t e, enum bind_import_kind kind)
{
    bool rule = false;
    for (size_t p = b; p < e;) {
        const char *nl = memchr(t + p, '\n', e - p);
        size_t le = nl ? (size_t)(nl - t) : e, lb = p;
        p = nl ? le + 1 : e;
        while (le > lb && (t[le - 1] == '\r' || t[le - 1] == ' ' || t[le - 1] == '\t')) le--;
        while (lb < le && (t[lb] == ' ' || t[lb] == '\t')) lb++;
        if (lb == le) continue;
        bool dashes = true;
        for (size_t i = lb; i < le && dashes; i++) dashes = t[i] == '-' || t[i] == ' ';
        if (dashes) { rule = true; continue; }
        if (kind == BIND_IMPORT_NETSH_EXCLUDED && (!rule || t[lb] == '*')) continue;
        if (kind != BIND_IMPORT_NETSH_EXCLUDED && !rule && t[le - 1] == ':') continue;
        return false;
    }
    return true;
}

static bool hex_run(const char *v, size_t n, size_t want)
{
    if (n != want) return false;
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || ((v[i] | 32) >= 'a' && (v[i] | 32) <= 'f'))) return false;
    return true;
}

/* `show sslcert` in a language whose labels are not known: `LABEL : VALUE`
 * lines among which a certificate hash (40 hex digits) and an application
 * ID ({GUID}), values of one shape in every language. */
static bool sslcert_shape(const char *t, size_t b, size_t e)
{
    bool hash = false, guid = false;
    for (size_t p = b; p < e && !(hash && guid);) {
        const char *nl = memchr(t + p, '\n', e - p);
        size_t le = nl ? (size_t)(nl - t) : e, lb = p;
        p = nl ? le + 1 : e;
        while (le > lb && (t[le - 1] == '\r' || t[le - 1] == ' ' || t[le - 1] == '\t')) le--;
        while (lb < le && (t[lb] == ' ' || t[lb] == '\t')) lb++;
        size_t lab, val;
        if (lb == le || !bind_import_split_label(t + lb, le - lb, &lab, &val)) continue;
        const char *v = t + lb + val;
        size_t vn = le - lb - val;
        hash |= hex_run(v, vn, 40);
        guid |= vn == 38 && v[0] == '{' && v[37] == '}' && v[9] == '-' && v[14] == '-' && v[19] == '-' && v[24] == '-';
    }
    return hash && guid;
}

/* What the content of [b, e) is. */
static enum bind_import_kind content_kind(const char *t, size_t b, size_t e)
{
    if (bind_import_excluded_shape(t + b, e - b)) return BIND_IMPORT_NETSH_EXCLUDED;
    enum bind_import_kind k = bind_import_detect(t + b, e - b);
    if (k == BIND_IMPORT_UNKNOWN && sslcert_shape(t, b, e)) return BIND_IMPORT_NETSH_SSLCERT;
    return k;
}

static enum bind_state_part part_of(enum bind_import_kind k, int family)
{
    switch (k) {
    case BIND_IMPORT_NETSH_URLACL: return BIND_STATE_URLACL;
    case BIND_IMPORT_NETSH_SSLCERT: return BIND_STATE_SSLCERT;
    case BIND_IMPORT_NETSH_IPLISTEN: return BIND_STATE_IPLISTEN;
    default: return family == 6 ? BIND_STATE_EXCLUDED6 : BIND_STATE_EXCLUDED4;
    }
}

static size_t warnings(const bind_imported *im)
{
    size_t n = 0;
    for (size_t i = 0; i < im->diags.list.len; i++) n += im->diags.list.items[i]->code == BIND_W0502;
    return n;
}

/* The first character that is not blank in [b, e), as a span. */
static bind_span first_text(const bind_source *src, size_t b, size_t e)
{
    while (b < e && (src->text[b] == ' ' || src->text[b] == '\t' || src->text[b] == '\r' || src->text[b] == '\n')) b++;
    size_t le = b;
    while (le < e && src->text[le] != '\n' && src->text[le] != '\r') le++;
    return bind_imp_span(src, b, le > b ? le : b + 1);
}

static void not_a_capture(bind_imported *im, bind_source *src, const char *path, const char *what)
{
    bind_span at = first_text(src, 0, src->len);
    bind_diag *d = bind_imp_diag(im, BIND_E0501, at, "%s holds no capture bindc reads%s%s", path, what ? ": it is " : "",
                                 what ? what : "");
    bind_imp_note(im, d, "--state reads the output of `netsh http show urlacl`, `netsh http show sslcert`, `netsh http show "
                         "iplisten` and `netsh int ipv4|ipv6 show excludedportrange protocol=tcp`, several in one file");
    bind_imp_note(im, d, "this line of cmd.exe, as administrator, captures them all: %s", bind_state_capture_line);
}

/* Reads the parts; false when none is a capture. */
static bool read_parts(bind_imported *im, bind_machine_state *st, bind_source *src, const char *path)
{
    parts ps = { 0 };
    size_t from = src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    split(src->text, from, src->len, &ps);
    size_t read = 0, shown = 0;
    enum bind_import_kind whole = BIND_IMPORT_UNKNOWN;
    for (size_t i = 0; i < ps.len; i++) {
        part *p = &ps.items[i];
        bool blank = true;
        for (size_t k = p->b; k < p->e && blank; k++) blank = src->text[k] == ' ' || src->text[k] == '\t' || src->text[k] == '\r' || src->text[k] == '\n';
        if (!p->marked && blank) continue;
        shown++;
        enum bind_import_kind found = blank ? BIND_IMPORT_UNKNOWN : content_kind(src->text, p->b, p->e);
        if (ps.len == 1) whole = found;
        bind_span head = p->marked ? bind_imp_span(src, p->cmd_b, p->cmd_e) : first_text(src, p->b, p->e);
        enum bind_import_kind kind = p->marked ? p->kind : found;
        if (p->marked && p->kind == BIND_IMPORT_UNKNOWN) {
            bind_diag *d = bind_imp_diag(im, BIND_W0502, head, "bindc does not read `%.*s`: its output is left out",
                                         (int)(p->cmd_e - p->cmd_b > 100 ? 100 : p->cmd_e - p->cmd_b), src->text + p->cmd_b);
            bind_imp_note(im, d, "--state reads netsh http show urlacl, sslcert and iplisten, and netsh int ipv4|ipv6 show "
                                 "excludedportrange");
            continue;
        }
        if (kind != BIND_IMPORT_NETSH_URLACL && kind != BIND_IMPORT_NETSH_SSLCERT && kind != BIND_IMPORT_NETSH_IPLISTEN &&
            kind != BIND_IMPORT_NETSH_EXCLUDED) {
            if (ps.len > 1 || p->marked) {
                bind_diag *d = bind_imp_diag(im, BIND_W0502, first_text(src, p->b, p->e), "cannot tell what this part of the file captures: it is left out");
                bind_imp_note(im, d, "several captures in one file are told apart by the line that names each command "
                                     "(`netsh http show sslcert`), or by netsh's English or German headers");
            }
            continue;
        }
        /* A part whose command line says one thing and whose text another:
         * an error message saved in its place, most often. */
        bool empty = nothing_listed(src->text, p->b, p->e, kind);
        if (p->marked && found != kind && !empty) {
            bind_diag *d = bind_imp_diag(im, BIND_W0502, first_text(src, p->b, p->e),
                                         "this is not the output of `%.*s`: it is left out",
                                         (int)(p->cmd_e - p->cmd_b > 100 ? 100 : p->cmd_e - p->cmd_b), src->text + p->cmd_b);
            bind_imp_note(im, d, "an error message in its place? run the command again, as administrator");
            continue;
        }
        read++;
        if (p->udp) continue;        /* UDP ports are not HTTP's */
        int family = kind == BIND_IMPORT_NETSH_EXCLUDED ? p->family : 0;
        size_t before = warnings(im);
        if (!empty) bind_import_netsh_range(im, src, kind, p->b, p->e, family);
        bool complete = warnings(im) == before;
        bind_span at = p->marked ? head : first_text(src, p->b, p->e);
        if (kind == BIND_IMPORT_NETSH_EXCLUDED && family == 0) {
            bind_machine_state_show(st, BIND_STATE_EXCLUDED4, complete, at);
            bind_machine_state_show(st, BIND_STATE_EXCLUDED6, complete, at);
        } else {
            bind_machine_state_show(st, part_of(kind, family), complete, at);
        }
    }
    bind_vec_free(&ps);
    if (read) return true;
    (void)shown;
    const char *what = whole == BIND_IMPORT_IIS_CONFIG ? "applicationhost.config (import it with `bindc import`)"
                     : whole == BIND_IMPORT_NGINX ? "nginx configuration"
                     : whole == BIND_IMPORT_APPCMD ? "the output of `appcmd list site`" : NULL;
    not_a_capture(im, src, path, what);
    return false;
}

/* The state's records from what the readers read, each kind added at
 * once (adding grows the state's arrays by copying them). */
static void copy_records(const bind_imported *im, bind_machine_state *st, bind_arena *a)
{
    bind_state_urlacl *u = bind_arena_alloc(a, (im->urlacls.len + 1) * sizeof *u);
    for (size_t i = 0; i < im->urlacls.len; i++) {
        const bind_imp_urlacl *x = &im->urlacls.items[i];
        u[i] = (bind_state_urlacl){ .url = x->url, .https = x->protocol == BIND_PROTO_HTTPS, .host = x->host, .port = x->port,
                                    .path = x->path, .sddl = x->sddl, .users = x->users, .nusers = x->nusers, .at = x->at,
                                    .sddl_at = x->sddl_at };
    }
    bind_machine_state_add_urlacls(st, u, im->urlacls.len);
    bind_state_sslcert *c = bind_arena_alloc(a, (im->sslcerts.len + 1) * sizeof *c);
    for (size_t i = 0; i < im->sslcerts.len; i++) {
        const bind_imp_sslcert *x = &im->sslcerts.items[i];
        c[i] = (bind_state_sslcert){
            .key = x->key == BIND_SSLREC_IPPORT ? BIND_STATE_SSL_IPPORT
                 : x->key == BIND_SSLREC_HOSTPORT ? BIND_STATE_SSL_HOSTPORT : BIND_STATE_SSL_CCS,
            .addr = x->addr, .host = x->host, .port = x->port, .hash = x->hash, .appid = x->appid_shown,
            .store = x->store_shown, .flags = x->flags, .store_known = x->store_known, .flags_known = x->flags_known, .at = x->at };
    }
    bind_machine_state_add_sslcerts(st, c, im->sslcerts.len);
    bind_state_iplisten *l = bind_arena_alloc(a, (im->iplisten.len + 1) * sizeof *l);
    for (size_t i = 0; i < im->iplisten.len; i++) l[i] = (bind_state_iplisten){ im->iplisten.items[i].addr, im->iplisten.items[i].at };
    bind_machine_state_add_iplisten(st, l, im->iplisten.len);
    bind_state_excluded *e = bind_arena_alloc(a, (im->excluded.len + 1) * sizeof *e);
    for (size_t i = 0; i < im->excluded.len; i++) {
        const bind_imp_excluded *x = &im->excluded.items[i];
        e[i] = (bind_state_excluded){ x->lo, x->hi, x->family, x->administered, x->at };
    }
    bind_machine_state_add_excluded(st, e, im->excluded.len);
}

/* The importer's diagnostics, as --state's. */
static void copy_diags(const bind_imported *im, bind_diag_bag *diags)
{
    for (size_t i = 0; i < im->diags.list.len; i++) {
        const bind_diag *d = im->diags.list.items[i];
        enum bind_code code;
        switch (d->code) {
        case BIND_E0501: case BIND_E0601: case BIND_E0603: code = BIND_E0501; break;
        case BIND_W0502: case BIND_E0602: code = BIND_W0502; break;
        default: continue;           /* what a .bind can say is not --state's concern */
        }
        bind_diag *c = bind_diag_push(diags, code, d->span, "%s", d->message);
        for (const bind_note *n = d->notes; n; n = n->next) {
            if (strcmp(n->message, "nothing was written") == 0) continue;
            bind_diag_note(diags, c, n->has_span ? &n->span : NULL, "%s", n->message);
        }
        for (const bind_fixit *f = d->fixits; f; f = f->next) bind_diag_fixit(diags, c, f->span, f->replacement);
    }
}

bool bind_state_read(bind_machine_state *st, bind_sources *sources, bind_diag_bag *diags, const char *path,
                     const char *real_path, char *raw, size_t len)
{
    bind_imported *im = bind_import_new(false);
    im->state_mode = true;
    /* The file gets the id it will have in the caller's sources. */
    for (size_t i = 0; i < sources->files.len; i++) bind_sources_add(&im->sources, "", NULL, "", 0, false);
    enum bind_import_kind kind;
    bind_source *src = bind_import_source_as(im, path, raw, len, true, &kind);
    bool ok = false;
    if (src) ok = read_parts(im, st, src, path);
    bind_source *mine = im->sources.files.items[im->sources.files.len - 1];
    bind_source *theirs = bind_sources_add(sources, path, real_path, mine->text, mine->len, false);
    (void)theirs;                    /* theirs->id == mine->id: the spans hold as they are */
    bind_diag_sort(&im->diags);
    copy_diags(im, diags);
    if (ok) copy_records(im, st, im->arena);
    bind_import_free(im);
    return ok;
}
