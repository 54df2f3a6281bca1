/* A machine's HTTP.sys state (machine_state.h): its records, who a
 * reservation lets in, and the look-ups the checks, the router and the
 * scripts share. */
#include "machine_state.h"

#include <string.h>

bind_machine_state *bind_machine_state_new(bind_arena *a)
{
    bind_machine_state *st = bind_arena_alloc(a, sizeof *st);
    st->arena = a;
    return st;
}

static const char *dup(bind_arena *a, const char *s) { return s ? bind_arena_strdup(a, s) : NULL; }

/* Grows an arena array by n: the old one stays in the arena (a state is a
 * few hundred records, read once). */
static void *grow(bind_arena *a, const void *old, size_t have, size_t n, size_t size)
{
    char *p = bind_arena_alloc(a, (have + n) * size + 1);
    if (have) memcpy(p, old, have * size);
    return p;
}

void bind_machine_state_add_urlacls(bind_machine_state *st, const bind_state_urlacl *r, size_t n)
{
    if (!n) return;
    st->urlacls = grow(st->arena, st->urlacls, st->nurlacls, n, sizeof *r);
    for (size_t i = 0; i < n; i++) {
        bind_state_urlacl u = r[i];
        u.url = dup(st->arena, u.url);
        u.host = dup(st->arena, u.host);
        u.path = dup(st->arena, u.path);
        u.sddl = dup(st->arena, u.sddl);
        const char **users = bind_arena_alloc(st->arena, (u.nusers + 1) * sizeof *users);
        for (uint32_t k = 0; k < u.nusers; k++) users[k] = dup(st->arena, r[i].users[k]);
        u.users = users;
        st->urlacls[st->nurlacls++] = u;
    }
}

static char lower(char c);

/* What the lookups below compare: the kind, the port, and the address
 * (IPPORT) or the host name without case (HOSTPORT). */
static uint64_t ssl_key_hash(uint8_t key, uint16_t port, const bind_addr *addr, const char *host)
{
    uint8_t head[3] = { key, (uint8_t)(port >> 8), (uint8_t)port };
    uint64_t h = bind_hash_bytes(head, sizeof head, BIND_HASH_SEED);
    if (key == BIND_STATE_SSL_IPPORT) return bind_addr_hash(addr, h);
    if (key != BIND_STATE_SSL_HOSTPORT || !host) return h;
    char low[64];
    size_t n = 0;
    for (const char *c = host; *c; c++) {
        low[n++] = lower(*c);
        if (n == sizeof low) { h = bind_hash_bytes(low, n, h); n = 0; }
    }
    return bind_hash_bytes(low, n, h);
}

static void index_sslcerts(bind_machine_state *st)
{
    uint32_t cap = 16;
    while (cap < 2 * st->nsslcerts) cap <<= 1;
    st->ssl_slots = bind_arena_alloc(st->arena, cap * sizeof *st->ssl_slots);
    st->ssl_mask = cap - 1;
    /* In the records' order, so that a lookup meets the first of equal
     * keys first, as a walk of the records would. */
    for (uint32_t i = 0; i < st->nsslcerts; i++) {
        const bind_state_sslcert *r = &st->sslcerts[i];
        size_t j = bind_hash_slot(ssl_key_hash(r->key, r->port, &r->addr, r->host), st->ssl_mask);
        while (st->ssl_slots[j]) j = (j + 1) & st->ssl_mask;
        st->ssl_slots[j] = i + 1;
    }
}

void bind_machine_state_add_sslcerts(bind_machine_state *st, const bind_state_sslcert *r, size_t n)
{
    if (!n) return;
    st->sslcerts = grow(st->arena, st->sslcerts, st->nsslcerts, n, sizeof *r);
    for (size_t i = 0; i < n; i++) {
        bind_state_sslcert s = r[i];
        s.host = dup(st->arena, s.host);
        s.hash = dup(st->arena, s.hash);
        s.appid = dup(st->arena, s.appid);
        s.store = dup(st->arena, s.store);
        st->sslcerts[st->nsslcerts++] = s;
    }
    index_sslcerts(st);
}

void bind_machine_state_add_iplisten(bind_machine_state *st, const bind_state_iplisten *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (bind_state_listens_on(st, &r[i].addr)) continue;     /* one address, shown twice */
        st->iplisten = grow(st->arena, st->iplisten, st->niplisten, 1, sizeof *r);
        st->iplisten[st->niplisten++] = r[i];
    }
}

void bind_machine_state_add_excluded(bind_machine_state *st, const bind_state_excluded *r, size_t n)
{
    if (!n) return;
    st->excluded = grow(st->arena, st->excluded, st->nexcluded, n, sizeof *r);
    memcpy(st->excluded + st->nexcluded, r, n * sizeof *r);
    st->nexcluded += (uint32_t)n;
}

void bind_machine_state_show(bind_machine_state *st, enum bind_state_part part, bool complete, bind_span at)
{
    if (!st->given[part]) {
        st->shown_at[part] = at;
        st->complete[part] = complete;
    } else {
        /* Shown twice (two captures): complete when either was read whole. */
        st->complete[part] = st->complete[part] || complete;
    }
    st->given[part] = true;
}

/* ---- grantees ------------------------------------------------------------ */

/* What ConvertSecurityDescriptorToStringSecurityDescriptor prints for the
 * well-known SIDs: a reservation made for S-1-5-20 shows as (A;;GX;;;NS). */
static const char *const sid_aliases[][2] = {
    { "S-1-1-0", "WD" }, { "S-1-3-0", "CO" }, { "S-1-3-1", "CG" }, { "S-1-5-2", "NU" }, { "S-1-5-4", "IU" },
    { "S-1-5-6", "SU" }, { "S-1-5-7", "AN" }, { "S-1-5-9", "ED" }, { "S-1-5-10", "PS" }, { "S-1-5-11", "AU" },
    { "S-1-5-12", "RC" }, { "S-1-5-18", "SY" }, { "S-1-5-19", "LS" }, { "S-1-5-20", "NS" },
    { "S-1-5-32-544", "BA" }, { "S-1-5-32-545", "BU" }, { "S-1-5-32-546", "BG" }, { "S-1-5-32-547", "PU" },
    { "S-1-5-32-548", "AO" }, { "S-1-5-32-549", "SO" }, { "S-1-5-32-550", "PO" }, { "S-1-5-32-551", "BO" },
    { "S-1-5-32-552", "RE" }, { "S-1-5-32-554", "RU" }, { "S-1-5-32-555", "RD" }, { "S-1-5-32-556", "NO" },
    { "S-1-5-32-558", "MU" }, { "S-1-5-32-559", "LU" }, { "S-1-5-32-568", "IS" }, { "S-1-5-32-569", "CY" },
};

size_t bind_sid_aliases(const char *const (**map)[2])
{
    *map = sid_aliases;
    return sizeof sid_aliases / sizeof sid_aliases[0];
}

static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static bool ieq(const char *a, const char *b)
{
    while (*a && *b && lower(*a) == lower(*b)) { a++; b++; }
    return !*a && !*b;
}

const char *bind_sid_alias(const char *sid)
{
    for (size_t i = 0; i < sizeof sid_aliases / sizeof sid_aliases[0]; i++)
        if (ieq(sid_aliases[i][0], sid)) return sid_aliases[i][1];
    return NULL;
}

const char *bind_sid_of_alias(const char *alias, size_t n)
{
    if (n != 2) return NULL;
    for (size_t i = 0; i < sizeof sid_aliases / sizeof sid_aliases[0]; i++)
        if (upper(alias[0]) == sid_aliases[i][1][0] && upper(alias[1]) == sid_aliases[i][1][1]) return sid_aliases[i][0];
    return NULL;
}

bool bind_is_sid(const char *s)
{
    if ((s[0] != 'S' && s[0] != 's') || s[1] != '-' || s[2] != '1') return false;
    const char *p = s + 3;
    if (!*p) return false;
    while (*p) {
        if (*p++ != '-' || !(*p >= '0' && *p <= '9')) return false;
        while (*p >= '0' && *p <= '9') p++;
    }
    return true;
}

bool bind_acl_is_everyone(const char *acl)
{
    return !acl || ieq(acl, "everyone") || ieq(acl, "s-1-1-0") || ieq(acl, "wd");
}

/* Rights that let an account register a URL: GENERIC_EXECUTE (GX, what
 * netsh's listen=yes grants) or GENERIC_ALL (GA), as letters or hex. */
static bool rights_listen(const char *r, size_t n)
{
    if (n > 2 && r[0] == '0' && (r[1] == 'x' || r[1] == 'X')) {
        unsigned long v = 0;
        for (size_t i = 2; i < n; i++) {
            char c = lower(r[i]);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return false;
            v = v * 16 + (unsigned long)d;
        }
        return (v & 0x30000000ul) != 0;
    }
    for (size_t i = 0; i + 1 < n; i += 2)
        if (upper(r[i]) == 'G' && (upper(r[i + 1]) == 'X' || upper(r[i + 1]) == 'A')) return true;
    return false;
}

int bind_sddl_aces(bind_arena *a, const char *sddl, bind_sddl_ace *out, int cap)
{
    const char *d = strstr(sddl, "D:");
    if (!d) return -1;
    int n = 0;
    for (const char *p = strchr(d, '('); p; p = strchr(p + 1, '(')) {
        const char *e = strchr(p, ')');
        if (!e) return -1;
        /* type;flags;rights;object;inherited object;trustee */
        const char *f[6];
        size_t k = 0;
        f[k++] = p + 1;
        for (const char *q = p + 1; q < e && k < 6; q++) if (*q == ';') f[k++] = q + 1;
        if (k != 6) return -1;
        size_t tn = (size_t)(e - f[5]);
        bind_sddl_ace ace = { NULL, false, false };
        ace.allow = f[0][0] == 'A' && f[0][1] == ';';
        ace.listen = rights_listen(f[2], (size_t)(f[3] - f[2] - 1));
        const char *alias = bind_sid_of_alias(f[5], tn);
        if (alias) ace.sid = alias;
        else {
            char *sid = bind_arena_strndup(a, f[5], tn);
            if (sid[0] == 's') sid[0] = 'S';
            ace.sid = sid;
        }
        if (n < cap) out[n] = ace;
        n++;
        p = e;
    }
    return n;
}

/* A user as netsh names it (`\\Everyone` for a well-known group) and an
 * account name of `acl`: the same words, without case. */
static bool same_account(const char *shown, const char *acl)
{
    if (shown[0] == '\\') shown++;
    return ieq(shown, acl);
}

enum bind_grant bind_state_grants(bind_arena *a, const bind_state_urlacl *u, const char *grantee)
{
    if (!u->sddl) return BIND_GRANT_UNKNOWN;
    bind_sddl_ace aces[32];
    int n = bind_sddl_aces(a, u->sddl, aces, 32);
    if (n < 0) return BIND_GRANT_UNKNOWN;
    if (n > 32) n = 32;
    bool everyone = bind_acl_is_everyone(grantee);
    const char *sid = NULL;
    if (!everyone && bind_is_sid(grantee)) {
        char *s = bind_arena_strdup(a, grantee);
        s[0] = 'S';
        for (char *p = s; *p; p++) *p = upper(*p);
        sid = s;
    }
    /* A deny entry for the grantee (or Everyone) wins. */
    for (int i = 0; i < n; i++) {
        if (aces[i].allow || !aces[i].listen) continue;
        if (strcmp(aces[i].sid, "S-1-1-0") == 0 || (sid && ieq(aces[i].sid, sid))) return BIND_GRANT_NO;
    }
    for (int i = 0; i < n; i++) {
        if (!aces[i].allow || !aces[i].listen) continue;
        const char *s = aces[i].sid;
        if (strcmp(s, "S-1-1-0") == 0) return BIND_GRANT_YES;
        if (everyone) continue;
        if (sid && ieq(s, sid)) return BIND_GRANT_YES;
        /* Groups every account a person names is in: Authenticated Users,
         * Builtin Users, Interactive. */
        if (!sid && (strcmp(s, "S-1-5-11") == 0 || strcmp(s, "S-1-5-32-545") == 0 || strcmp(s, "S-1-5-4") == 0))
            return BIND_GRANT_YES;
    }
    if (everyone || sid) return BIND_GRANT_NO;
    /* An account name: its SID is not known here, the names netsh showed are. */
    if (!u->nusers) return BIND_GRANT_UNKNOWN;
    for (uint32_t i = 0; i < u->nusers; i++)
        if (same_account(u->users[i], grantee)) return BIND_GRANT_YES;
    return BIND_GRANT_NO;
}

const char *bind_state_holders(bind_arena *a, const bind_state_urlacl *u)
{
    const char *out = NULL;
    if (u->nusers) {
        for (uint32_t i = 0; i < u->nusers; i++) {
            const char *name = u->users[i][0] == '\\' ? u->users[i] + 1 : u->users[i];
            out = !out ? name : bind_arena_printf(a, "%s%s%s", out, i + 1 == u->nusers ? " and " : ", ", name);
        }
        return out;
    }
    bind_sddl_ace aces[8];
    int n = u->sddl ? bind_sddl_aces(a, u->sddl, aces, 8) : -1;
    if (n <= 0) return u->sddl ? bind_arena_printf(a, "SDDL %s", u->sddl) : "an account the capture does not show";
    if (n > 8) n = 8;
    for (int i = 0; i < n; i++) {
        const char *name = strcmp(aces[i].sid, "S-1-1-0") == 0 ? "Everyone" : aces[i].sid;
        out = !out ? name : bind_arena_printf(a, "%s%s%s", out, i + 1 == n ? " and " : ", ", name);
    }
    return out;
}

/* ---- lookups ----------------------------------------------------------------- */

const bind_state_excluded *bind_state_excluded_port(const bind_machine_state *st, uint16_t port, int family)
{
    for (uint32_t i = 0; i < st->nexcluded; i++) {
        const bind_state_excluded *r = &st->excluded[i];
        if (r->administered || port < r->lo || port > r->hi) continue;
        if (family == 0 || r->family == 0 || r->family == family) return r;
    }
    return NULL;
}

/* The first record with the key, or NULL. */
static const bind_state_sslcert *find_ssl(const bind_machine_state *st, uint8_t key, uint16_t port, const bind_addr *addr,
                                          const char *host)
{
    if (!st->nsslcerts) return NULL;
    for (size_t j = bind_hash_slot(ssl_key_hash(key, port, addr, host), st->ssl_mask); st->ssl_slots[j]; j = (j + 1) & st->ssl_mask) {
        const bind_state_sslcert *r = &st->sslcerts[st->ssl_slots[j] - 1];
        if (r->key != key || r->port != port) continue;
        if (key == BIND_STATE_SSL_IPPORT ? bind_addr_equal(&r->addr, addr) : key == BIND_STATE_SSL_HOSTPORT ? ieq(r->host, host) : true)
            return r;
    }
    return NULL;
}

const bind_state_sslcert *bind_state_find_ipport(const bind_machine_state *st, const bind_addr *addr, uint16_t port)
{
    bind_addr want = *addr;
    if (want.kind == BIND_ADDR_ANY || want.kind == BIND_ADDR_NONE) {       /* `*` is 0.0.0.0 to HTTP.sys */
        memset(&want, 0, sizeof want);
        want.kind = BIND_ADDR_ANY4;
    }
    return find_ssl(st, BIND_STATE_SSL_IPPORT, port, &want, NULL);
}

const bind_state_sslcert *bind_state_find_hostport(const bind_machine_state *st, const char *host, uint16_t port)
{
    return find_ssl(st, BIND_STATE_SSL_HOSTPORT, port, NULL, host);
}

const bind_state_sslcert *bind_state_find_ccs(const bind_machine_state *st, uint16_t port)
{
    return find_ssl(st, BIND_STATE_SSL_CCS, port, NULL, NULL);
}

bool bind_state_listens_on(const bind_machine_state *st, const bind_addr *addr)
{
    for (uint32_t i = 0; i < st->niplisten; i++)
        if (bind_addr_equal(&st->iplisten[i].addr, addr)) return true;
    return false;
}
