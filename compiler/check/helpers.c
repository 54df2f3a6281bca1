/* Helpers every pass uses: spans inside a word, word errors, "did you
 * mean", name hashes, ASCII case, thumbprints and the www. twin of a host.
 * They live here, not in one of the passes, so that no pass calls into
 * another for them. */
#include "checker.h"
#include "base/suggest.h"

#include <ctype.h>
#include <string.h>

bind_span bind_check_subspan(const bind_scalar *s, uint32_t off, uint32_t len)
{
    /* Inner offsets are exact for words and for strings without escapes
     * (shifted past the opening quote); otherwise point at the whole token. */
    if (s->escaped) return s->span;
    uint32_t base = s->span.start + (s->kind == BIND_SCALAR_STRING ? 1 : 0);
    return bind_span_make(s->span.file, base + off, base + off + len);
}

void bind_check_word_errors(bind_checker *k, const bind_scalar *s, uint32_t base, const bind_word_errors *errs)
{
    for (size_t i = 0; i < errs->len; i++) {
        const bind_word_error *e = &errs->items[i];
        bind_diag *d = bind_diag_push(k->diags, e->code, bind_check_subspan(s, base + e->off, e->len), "%s", e->message);
        if (e->has_fix && !(s->escaped))
            bind_diag_fixit(k->diags, d, bind_check_subspan(s, base + e->fix_off, e->fix_len), e->fix);
    }
}

void bind_check_did_you_mean(bind_checker *k, bind_diag *d, bind_span span, const char *word,
                             const char *const *candidates, size_t n)
{
    const char *s = bind_suggest(word, candidates, n);
    if (!s) return;
    bind_diag_note(k->diags, d, NULL, "did you mean `%s`?", s);
    bind_diag_fixit(k->diags, d, span, s);
}

uint64_t bind_check_name_hash(const char *interned)
{
    uintptr_t p = (uintptr_t)interned;
    return bind_hash_bytes(&p, sizeof p, BIND_HASH_SEED);
}

char bind_check_ascii_lower(char ch) { return ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch; }

bool bind_check_ascii_ieq(const char *a, const char *b)
{
    for (; *a && bind_check_ascii_lower(*a) == bind_check_ascii_lower(*b); a++, b++) {}
    return bind_check_ascii_lower(*a) == bind_check_ascii_lower(*b);
}

uint64_t bind_check_site_name_hash(const char *name)
{
    char buf[64];
    uint64_t h = BIND_HASH_SEED;
    size_t n = 0;
    for (const char *p = name;; p++) {
        if (!*p || n == sizeof buf) {            /* a buffer at a time */
            h = bind_hash_bytes(buf, n, h);
            n = 0;
            if (!*p) return h;
        }
        buf[n++] = bind_check_ascii_lower(*p);
    }
}

/* Thumbprints: 40 hex digits once spaces and colons are gone.  The Windows
 * certificate dialog copies an invisible U+200E in front of them. */
const char *bind_check_thumbprint(bind_checker *k, const bind_scalar *s)
{
    const unsigned char *t = (const unsigned char *)s->text;
    size_t n = strlen(s->text);
    char digits[41];
    size_t nd = 0;
    bool bad = false;
    for (size_t i = 0; i < n; i++) {
        const char *what = NULL;
        size_t len = 1;
        if (i + 2 < n && t[i] == 0xE2 && t[i + 1] == 0x80 && (t[i + 2] == 0x8E || t[i + 2] == 0x8F || t[i + 2] == 0x8B)) {
            what = t[i + 2] == 0x8E ? "an invisible LEFT-TO-RIGHT MARK U+200E"
                 : t[i + 2] == 0x8F ? "an invisible RIGHT-TO-LEFT MARK U+200F" : "an invisible ZERO WIDTH SPACE U+200B";
            len = 3;
        } else if (i + 2 < n && t[i] == 0xEF && t[i + 1] == 0xBB && t[i + 2] == 0xBF) {
            what = "an invisible BYTE ORDER MARK U+FEFF";
            len = 3;
        } else if (i + 1 < n && t[i] == 0xC2 && t[i + 1] == 0xA0) {
            what = "a NO-BREAK SPACE U+00A0";
            len = 2;
        }
        if (what) {
            bind_span sp = bind_check_subspan(s, (uint32_t)i, (uint32_t)len);
            bind_diag *d = bind_diag_push(k->diags, BIND_E0302, sp, "thumbprint contains %s", what);
            bind_diag_note(k->diags, d, NULL, "the Windows certificate dialog copies it with the thumbprint; netsh then fails with error 87");
            if (!(s->escaped)) bind_diag_fixit(k->diags, d, sp, "");
            bad = true;
            i += len - 1;
            continue;
        }
        if (t[i] == ' ' || t[i] == ':') continue;
        if (!isxdigit(t[i])) {
            /* Name the character when it prints as itself (a `-` or `.` separator is common). */
            bind_diag *d = t[i] > 0x20 && t[i] < 0x7f
                ? bind_diag_push(k->diags, BIND_E0302, bind_check_subspan(s, (uint32_t)i, 1),
                                 "thumbprint has `%c`, which is not a hex digit", t[i])
                : bind_diag_push(k->diags, BIND_E0302, bind_check_subspan(s, (uint32_t)i, 1),
                                 "thumbprint has a character that is not a hex digit");
            bind_diag_note(k->diags, d, NULL, "a thumbprint is 40 hex digits; only spaces and colons may separate them");
            return NULL;
        }
        if (nd < 40) digits[nd] = (char)toupper(t[i]);
        nd++;
    }
    if (nd != 40) {
        bind_diag *d = bind_diag_push(k->diags, BIND_E0302, s->span,
                                      "thumbprint has %zu hex digits; a SHA-1 thumbprint has 40", nd);
        bind_diag_note(k->diags, d, NULL, "spaces and colons are ignored; copy the whole thumbprint");
        return NULL;
    }
    if (bad) return NULL;
    digits[40] = '\0';
    return bind_intern(k->in, digits, 40);
}

static bool looks_numeric(const char *h)
{
    for (; *h; h++) if (!(*h >= '0' && *h <= '9') && *h != '.') return false;
    return true;
}

/* The twin a hint is about: www.x for a two-label x (shop.example), x for
 * www.x when x is a domain; NULL for any other host.  www. goes in front of
 * a domain, not of every subdomain (api.shop.example has no www. twin that
 * anyone types).  buf holds 256 bytes. */
const char *bind_check_www_twin(const char *host, char *buf, size_t *len)
{
    size_t n = strlen(host);
    if (strncmp(host, "www.", 4) == 0) {
        *len = n - 4;
        return strchr(host + 4, '.') ? host + 4 : NULL;
    }
    const char *dot = strchr(host, '.');
    if (!dot || strchr(dot + 1, '.') || n + 4 > 253) return NULL;   /* `www.` would make it too long a host name */
    memcpy(buf, "www.", 4);
    memcpy(buf + 4, host, n + 1);
    *len = n + 4;
    return buf;
}

/* A name only a private network resolves (RFC 6762's .local, RFC 2606's
 * .test/.invalid/.localhost, RFC 8375's home.arpa, and the suffixes
 * intranets use): nobody types www. in front of those. */
static bool private_name(const char *host)
{
    static const char *const suffixes[] = {
        "local", "lan", "corp", "internal", "intranet", "intra", "home", "home.arpa", "localdomain",
        "localhost", "test", "invalid", "private", "priv", "domain", "workgroup",
    };
    size_t n = strlen(host);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && host[n - k - 1] == '.' && strcmp(host + n - k, suffixes[i]) == 0) return true;
    }
    return false;
}

bool bind_check_has_twin(const char *host, bool wildcard)
{
    char buf[256];
    size_t len;
    return *host && !wildcard && !looks_numeric(host) && !private_name(host) && bind_check_www_twin(host, buf, &len);
}
