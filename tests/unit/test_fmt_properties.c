/* The formatter's three promises, over every example, every golden input,
 * the stdlib, and a few hundred generated files:
 *   idempotent        fmt(fmt(x)) = fmt(x)
 *   meaning-keeping   the json model (and the diagnostics) of fmt(x) are x's
 *   comment-keeping   the same comment texts in the same order
 * The generator is seeded (BINDC_FMT_SEED overrides the fixed default; the
 * seed is printed) so a failure can be replayed; BINDC_FMT_FILES sets how
 * many files it writes. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "backend/backend.h"
#include "emit_target.h"
#include "base/buf.h"
#include "syntax/format.h"
#include "syntax/parse.h"

#define DEFAULT_SEED 20250611u
#define DEFAULT_FILES 400

/* ---- formatting and reading ----------------------------------------- */

/* fmt(text) into out (malloc'ed); false when the text has syntax errors. */
static bool fmt_text(const char *text, size_t len, bind_buf *out)
{
    bind_arena *a = bind_arena_new();
    bind_sources s;
    bind_sources_init(&s, a);
    bind_diag_bag d;
    bind_diag_bag_init(&d, a);
    bind_source *src = bind_sources_add(&s, "t.bind", NULL, text, len, false);
    bind_buf_init(out);
    bool ok = bind_fmt_source(src, a, out, &d);
    bind_buf_putc(out, '\0');
    out->len--;
    bind_diag_bag_fini(&d);
    bind_sources_fini(&s);
    bind_arena_free(a);
    return ok;
}

/* The comment texts, one a line, without the trailing white space that the
 * formatter trims. */
static void comments_of(const char *text, size_t len, bind_buf *out)
{
    bind_arena *a = bind_arena_new();
    bind_sources s;
    bind_sources_init(&s, a);
    bind_interner *in = bind_interner_new(a);
    bind_diag_bag d;
    bind_diag_bag_init(&d, a);
    bind_source *src = bind_sources_add(&s, "t.bind", NULL, text, len, false);
    bind_ast_file *f = bind_parse_file(src, a, in, &d);
    bind_buf_init(out);
    for (uint32_t i = 0; i < f->ncomments; i++) {
        const char *c = src->text + f->comments[i].span.start;
        size_t n = f->comments[i].span.end - f->comments[i].span.start;
        while (n > 1 && (c[n - 1] == ' ' || c[n - 1] == '\t')) n--;
        bind_buf_put(out, c, n);
        bind_buf_putc(out, '\n');
    }
    bind_buf_putc(out, '\0');
    bind_diag_bag_fini(&d);
    bind_interner_free(in);
    bind_sources_fini(&s);
    bind_arena_free(a);
}

static int read_file(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return errno;
    bind_buf b;
    bind_buf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) bind_buf_put(&b, chunk, n);
    fclose(f);
    bind_buf_putc(&b, '\0');
    *text = b.data;
    *len = b.len - 1;
    return 0;
}

/* The loader's reader for the formatted side: every file it reads, the
 * root and whatever it uses, is read through fmt (when it parses). */
static int read_formatted(void *ctx, const char *path, char **text, size_t *len)
{
    (void)ctx;
    char *raw;
    size_t n;
    int e = read_file(path, &raw, &n);
    if (e) return e;
    bind_buf out;
    if (fmt_text(raw, n, &out)) {
        free(raw);
        *text = out.data;
        *len = out.len;
    } else {
        bind_buf_free(&out);
        *text = raw;
        *len = n;
    }
    return 0;
}

static int read_raw(void *ctx, const char *path, char **text, size_t *len)
{
    (void)ctx;
    return read_file(path, text, len);
}

/* ---- meaning -------------------------------------------------------- */

/* What a compilation means: its diagnostics (without positions, which
 * formatting moves) and, when it has no error, the json model. */
static void meaning_of(bind_compilation *c, bind_buf *out)
{
    bind_compilation_check(c);
    bind_buf_init(out);
    for (size_t i = 0; i < c->diags.list.len; i++) {
        const bind_diag *d = c->diags.list.items[i];
        bind_buf_printf(out, "%s %s\n", bind_code_name(d->code), d->message);
        for (const bind_note *n = d->notes; n; n = n->next) bind_buf_printf(out, "  note: %s\n", n->message);
        /* Fix-its copy the user's layout (I0401 repeats the line it
         * completes), so only their number is part of the meaning. */
        int fixits = 0;
        for (const bind_fixit *x = d->fixits; x; x = x->next) fixits++;
        bind_buf_printf(out, "  fix-its: %d\n", fixits);
    }
    if (!bind_diag_has_errors(&c->diags, false)) {
        assert_true(emit_target(c, "json", NULL, NULL, 0, out));
    }
    bind_buf_putc(out, '\0');
    bind_compilation_free(c);
}

static void meaning_of_file(const char *path, bool formatted, bind_buf *out)
{
    bind_compilation *c = bind_compilation_new();
    c->read = formatted ? read_formatted : read_raw;
    int err = 0;
    assert_true(bind_compilation_add_file(c, path, &err));
    meaning_of(c, out);
}

static void meaning_of_text(const char *text, size_t len, bind_buf *out)
{
    bind_compilation *c = bind_compilation_new();
    bind_compilation_add_text(c, "gen.bind", text, len);
    meaning_of(c, out);
}

/* ---- the three properties ------------------------------------------- */

typedef struct tally { int formatted, skipped, clean; } tally;

/* Prints the first line where want and got differ (cmocka's messages are
 * short, so not the whole texts), then fails. */
static void same(const char *what, const char *name, const char *want, const char *got, const char *input)
{
    if (strcmp(want, got) == 0) return;
    size_t i = 0, line = 1, start = 0;
    for (; want[i] && want[i] == got[i]; i++)
        if (want[i] == '\n') { line++; start = i + 1; }
    int wl = (int)strcspn(want + start, "\n"), gl = (int)strcspn(got + start, "\n");
    print_error("%s: %s differs at line %zu\n  expected: %.*s\n  got:      %.*s\n",
                name, what, line, wl, want + start, gl, got + start);
    print_error("--- input\n%.3000s\n", input);
    fail();
}

/* path is NULL for generated text (compiled from memory). */
static void check_properties(const char *name, const char *path, const char *text, size_t len, tally *t)
{
    bind_buf f1, f2;
    if (!fmt_text(text, len, &f1)) {
        bind_buf_free(&f1);
        t->skipped++;
        return;
    }
    assert_true(fmt_text(f1.data, f1.len, &f2));
    same("fmt(fmt(x)) vs fmt(x)", name, f1.data, f2.data, text);

    bind_buf c0, c1;
    comments_of(text, len, &c0);
    comments_of(f1.data, f1.len, &c1);
    same("comments", name, c0.data, c1.data, text);

    bind_buf m0, m1;
    if (path) {
        meaning_of_file(path, false, &m0);
        meaning_of_file(path, true, &m1);
    } else {
        meaning_of_text(text, len, &m0);
        meaning_of_text(f1.data, f1.len, &m1);
    }
    same("meaning (diagnostics and json model)", name, m0.data, m1.data, f1.data);
    t->clean += strstr(m0.data, "\"version\"") != NULL;   /* compiled to a json model */
    t->formatted++;
    bind_buf_free(&m0);
    bind_buf_free(&m1);
    bind_buf_free(&c0);
    bind_buf_free(&c1);
    bind_buf_free(&f1);
    bind_buf_free(&f2);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every *.bind in dir, in name order. */
static void check_dir(const char *dir, tally *t)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    BIND_VEC(char *) names = { 0 };
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".bind") == 0) {
            char *p = malloc(strlen(dir) + n + 2);
            assert_non_null(p);
            sprintf(p, "%s/%s", dir, e->d_name);
            bind_vec_push(&names, p);
        }
    }
    closedir(d);
    qsort(names.items, names.len, sizeof *names.items, by_name);
    assert_true(names.len > 0);
    for (size_t i = 0; i < names.len; i++) {
        char *text;
        size_t len;
        assert_int_equal(read_file(names.items[i], &text, &len), 0);
        check_properties(names.items[i], names.items[i], text, len, t);
        free(text);
        free(names.items[i]);
    }
    bind_vec_free(&names);
}

static void test_fmt_properties_examples_and_stdlib(void **state)
{
    (void)state;
    tally t = { 0, 0, 0 };
    check_dir(BINDC_SOURCE_DIR "/examples", &t);
    check_dir(BINDC_SOURCE_DIR "/stdlib", &t);
    print_message("examples and stdlib: %d formatted, %d with syntax errors skipped\n", t.formatted, t.skipped);
    assert_int_equal(t.skipped, 0);
}

static void test_fmt_properties_golden(void **state)
{
    (void)state;
    tally t = { 0, 0, 0 };
    check_dir(BINDC_SOURCE_DIR "/tests/golden/check", &t);
    check_dir(BINDC_SOURCE_DIR "/tests/golden/check/lib", &t);
    print_message("golden inputs: %d formatted, %d with syntax errors skipped\n", t.formatted, t.skipped);
    assert_true(t.formatted > t.skipped);
}

/* ---- the generator -------------------------------------------------- */

typedef struct rng { uint64_t s; } rng;

static uint32_t next(rng *r)   /* xorshift64*: small, and the same everywhere */
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 2685821657736338717ull) >> 32);
}
static uint32_t below(rng *r, uint32_t n) { return next(r) % n; }
static bool chance(rng *r, uint32_t percent) { return below(r, 100) < percent; }
#define PICK(r, arr) ((arr)[below((r), (uint32_t)(sizeof(arr) / sizeof(arr)[0]))])

typedef struct gen {
    rng r;
    bind_buf b;
    const char *eol;
    int site, cert;             /* numbering keeps names and hosts unique */
} gen;

static void ws(gen *g)          /* at least one space or tab */
{
    bind_buf_puts(&g->b, PICK(&g->r, ((const char *[]){ " ", " ", " ", "  ", "\t", "   " })));
}
static void opt_ws(gen *g) { if (chance(&g->r, 50)) ws(g); }

static void comment(gen *g)
{
    static const char *const texts[] = { "# note", "#tight", "# with \"quotes\" and 'ticks'", "# trailing space   ",
                                         "# {braces} = , \\", "# caf\xc3\xa9", "#", "# -- section --" };
    bind_buf_puts(&g->b, PICK(&g->r, texts));
}

static void end_line(gen *g)
{
    if (chance(&g->r, 20)) { opt_ws(g); ws(g); comment(g); }
    else if (chance(&g->r, 5)) bind_buf_puts(&g->b, " ");      /* trailing white space */
    bind_buf_puts(&g->b, g->eol);
}

static void filler_lines(gen *g)   /* blank lines and comments between things */
{
    while (chance(&g->r, 30)) {
        if (chance(&g->r, 50)) { opt_ws(g); comment(g); }
        bind_buf_puts(&g->b, g->eol);
    }
}

static void indent(gen *g) { bind_buf_puts(&g->b, PICK(&g->r, ((const char *[]){ "", "  ", "    ", "\t", "        " }))); }

static void string_value(gen *g, const char *text_sq, const char *text_dq)
{
    if (text_sq && (chance(&g->r, 50) || !text_dq)) bind_buf_printf(&g->b, "'%s'", text_sq);
    else bind_buf_printf(&g->b, "\"%s\"", text_dq);
}

/* A list value: items from `pick`, with line breaks after commas. */
static void list_value(gen *g, const char *const *items, uint32_t n, uint32_t max)
{
    uint32_t k = 1 + below(&g->r, max);
    for (uint32_t i = 0; i < k; i++) {
        if (i > 0) {
            bind_buf_puts(&g->b, ",");
            if (chance(&g->r, 30)) {
                if (chance(&g->r, 30)) { ws(g); comment(g); }
                bind_buf_puts(&g->b, g->eol);
                if (chance(&g->r, 20)) { indent(g); comment(g); bind_buf_puts(&g->b, g->eol); }
                indent(g);
            } else opt_ws(g);
        }
        bind_buf_puts(&g->b, items[below(&g->r, n)]);
    }
}

static void field(gen *g, const char *key)
{
    bind_buf_puts(&g->b, key);
    opt_ws(g);
    bind_buf_puts(&g->b, "=");
    opt_ws(g);
}

/* A field kind not yet used in this block (a repeated field is an error
 * that would keep the file from compiling), or n when all are. */
static uint32_t fresh(gen *g, uint32_t *used, uint32_t n)
{
    uint32_t k = below(&g->r, n);
    for (uint32_t i = 0; i < n; i++, k = (k + 1) % n)
        if (!(*used & 1u << k)) { *used |= 1u << k; return k; }
    return n;
}

static void site_field(gen *g, uint32_t kind)
{
    static const char *const pools[] = { "DefaultAppPool", "Shop", "site", "'Pool\\A'", "\"Pool B\"" };
    static const char *const roots[] = { "\"/srv/www\"", "'/var/www/x'", "/srv/plain" };
    switch (kind) {
    case 0: field(g, "path"); string_value(g, "C:\\inetpub\\wwwroot", "C:\\\\inetpub\\\\wwwroot"); break;
    case 1: field(g, "pool"); bind_buf_puts(&g->b, PICK(&g->r, pools)); break;
    case 2: field(g, "server"); bind_buf_puts(&g->b, PICK(&g->r, ((const char *[]){ "iis", "nginx", "apache", "any" }))); break;
    case 3: field(g, "root"); bind_buf_puts(&g->b, PICK(&g->r, roots)); break;
    case 4: field(g, "autostart"); bind_buf_puts(&g->b, chance(&g->r, 50) ? "on" : "off"); break;
    default: field(g, "proxy"); string_value(g, NULL, "http://127.0.0.1:8080/"); break;
    }
}

static void binding(gen *g, int n)
{
    static const char *const http[] = { "http", "HTTP", "Http", "https", "HTTPS", "ftp" };
    static const char *const addrs[] = { "*", "*", "0.0.0.0", "[::]", "10.0.0.5", "[2001:DB8:0:0:0:0:0:1]",
                                         "[0:0::1]" };
    static const char *const bad_addrs[] = { "::1", "010.0.0.1", "[::1", "1.2.3" };
    static const char *const hosts[] = { "", "shop%d-%d.example", "Shop%d-%d.EXAMPLE", "*.Site%d-%d.example",
                                         "WWW.s%d-%d.example" };
    static const char *const ports[] = { "80", "443", "8080", "44300" };
    static const char *const bad_ports[] = { "080", "99999", "", "x" };
    uint32_t kind = below(&g->r, 30);
    if (kind < 25) {
        const char *p = PICK(&g->r, http);
        if (strlen(p) == 5 && g->cert == 0) p = "http";   /* https needs a certificate */
        bind_buf_puts(&g->b, p);
        ws(g);
        /* Mostly words the checker accepts, so that most files compile to a model. */
        /* One draw a statement: the order of a call's arguments is not fixed. */
        const char *addr = chance(&g->r, 90) ? PICK(&g->r, addrs) : PICK(&g->r, bad_addrs);
        const char *port = chance(&g->r, 90) ? PICK(&g->r, ports) : PICK(&g->r, bad_ports);
        bind_buf_printf(&g->b, "%s:%s:", addr, port);
        bind_buf_printf(&g->b, PICK(&g->r, hosts), g->site, n);
        if (strlen(p) == 5) {                          /* https in any case */
            if (chance(&g->r, 95)) {
                ws(g);
                const char *before = chance(&g->r, 20) ? " " : "";
                const char *after = chance(&g->r, 20) ? " " : "";
                int c = 1 + (int)below(&g->r, (uint32_t)g->cert);
                bind_buf_printf(&g->b, "cert%s=%sc%d", before, after, c);
            }
            if (chance(&g->r, 50)) { ws(g); bind_buf_puts(&g->b, "sni"); }
            if (chance(&g->r, 20)) { ws(g); bind_buf_puts(&g->b, PICK(&g->r, ((const char *[]){ "http2=off", "tls13=off", "ocsp=off", "ccs" }))); }
        }
    } else if (kind < 27) {
        bind_buf_puts(&g->b, PICK(&g->r, ((const char *[]){ "net.tcp", "NET.TCP" })));
        ws(g);
        bind_buf_printf(&g->b, "%d:%s", 800 + 10 * g->site + n, chance(&g->r, 50) ? "*" : "Intranet");
    } else if (kind < 29) {
        bind_buf_puts(&g->b, PICK(&g->r, ((const char *[]){ "net.pipe", "net.msmq", "msmq.formatname" })));
        ws(g);
        bind_buf_printf(&g->b, "host%d-%d.Example", g->site, n);
    } else {
        bind_buf_printf(&g->b, "htps *:%d:typo.example", 9000 + n);
    }
    if (chance(&g->r, 15)) { ws(g); bind_buf_puts(&g->b, PICK(&g->r, ((const char *[]){ "acl='CONTOSO\\web'", "firewall", "firewall=off", "acl=a,b" }))); }
}

static void cert_field(gen *g, uint32_t kind)
{
    static const char *const names[] = { "shop.example", "*.example", "WWW.Shop.Example", "localhost" };
    switch (kind) {
    case 0: field(g, "thumbprint");
        string_value(g, "3a1b 9f00 77c2 4e6d 0a11 5b2c 8d3e 4f50 6172 8394", chance(&g->r, 20) ? "\xe2\x80\x8e" "3a1b9f0077c24e6d0a115b2c8d3e4f5061728394" : "3A:1B:9F:00:77:C2:4E:6D:0A:11:5B:2C:8D:3E:4F:50:61:72:83:94");
        break;
    case 1: field(g, "names"); list_value(g, names, 4, 4); break;
    case 2: field(g, "store"); bind_buf_puts(&g->b, chance(&g->r, 50) ? "My" : "WebHosting"); break;
    case 3: field(g, "pem"); string_value(g, "C:\\certs\\a.pem", "/etc/ssl/a\\u{2D}b.pem"); break;
    default: field(g, "key"); string_value(g, "/etc/ssl/a.key", "/etc/ssl/a.key"); break;
    }
}

static void defaults_field(gen *g, uint32_t kind)
{
    switch (kind) {
    case 0: field(g, "acl"); string_value(g, "CONTOSO\\webdeploy", "CONTOSO\\\\webdeploy"); break;
    case 1: field(g, "store"); bind_buf_puts(&g->b, "My"); break;
    default: field(g, "pool"); string_value(g, "it is", chance(&g->r, 30) ? "it's \\\"quoted\\\"\\t" : "it's"); break;
    }
}

static void platform_field(gen *g, uint32_t kind)
{
    static const char *const ranges[] = { "1024..65535", "44300..44399", "80", "443" };
    switch (kind) {
    case 0: field(g, PICK(&g->r, ((const char *[]){ "sni", "ccs", "wildcard_hosts", "ssl_flags_ext" })));
        bind_buf_puts(&g->b, chance(&g->r, 50) ? "on" : "off"); break;
    case 1: field(g, "free_ports"); list_value(g, ranges, 4, 3); break;
    case 2: field(g, "ssl_ports"); list_value(g, ranges, 4, 2); break;
    default: field(g, "local_hosts"); list_value(g, ((const char *[]){ "localhost", "DevBox.Lan", "127.0.0.1" }), 3, 3); break;
    }
}

enum block_kind { BK_SITE, BK_CERT, BK_DEFAULTS, BK_PLATFORM, BK_APP };

static void block(gen *g, enum block_kind k);

static void item(gen *g, enum block_kind k, int n, uint32_t *used)
{
    uint32_t kind;
    switch (k) {
    case BK_SITE:
        kind = chance(&g->r, 55) ? 7 : fresh(g, used, 7);
        if (kind == 7) binding(g, n);
        else if (kind < 6) site_field(g, kind);
        else {
            bind_buf_puts(&g->b, "app");
            ws(g);
            string_value(g, "/app", "/app\\u{31}");
            opt_ws(g);
            block(g, BK_APP);
        }
        break;
    case BK_APP: if (fresh(g, used, 2) == 0) { field(g, "path"); string_value(g, "C:\\a", "C:\\\\a"); } else { field(g, "pool"); bind_buf_puts(&g->b, "AppPool"); } break;
    case BK_CERT: cert_field(g, fresh(g, used, 5)); break;
    case BK_DEFAULTS: defaults_field(g, fresh(g, used, 3)); break;
    case BK_PLATFORM: platform_field(g, fresh(g, used, 4)); break;
    }
}

static void block(gen *g, enum block_kind k)
{
    static const uint32_t kinds[] = { [BK_SITE] = 8, [BK_CERT] = 5, [BK_DEFAULTS] = 3, [BK_PLATFORM] = 4, [BK_APP] = 2 };
    uint32_t used = 0;
    bind_buf_puts(&g->b, "{");
    uint32_t n = below(&g->r, kinds[k] + 1);
    if (chance(&g->r, 15) && n <= 1) {               /* `{}` or `{ a = 1 }` */
        if (n) { opt_ws(g); item(g, k, 0, &used); opt_ws(g); }
        bind_buf_puts(&g->b, "}");
        return;
    }
    end_line(g);
    for (uint32_t i = 0; i < n; i++) {
        filler_lines(g);
        indent(g);
        item(g, k, (int)i, &used);
        if (i + 1 == n && chance(&g->r, 15)) { opt_ws(g); bind_buf_puts(&g->b, "}"); return; }
        end_line(g);
    }
    filler_lines(g);
    indent(g);
    bind_buf_puts(&g->b, "}");
}

static void statement(gen *g)
{
    switch (below(&g->r, 10)) {
    case 0: bind_buf_puts(&g->b, "platform");
        ws(g);
        bind_buf_puts(&g->b, PICK(&g->r, ((const char *[]){ "iis10", "iis8", "iis-express", "iis7" })));
        break;
    case 1: bind_buf_puts(&g->b, "iplisten");
        ws(g);
        list_value(g, ((const char *[]){ "::", "0:0::1", "[2001:DB8::1]", "10.0.0.1", "0.0.0.0" }), 5, 3);
        break;
    case 2: bind_buf_puts(&g->b, "defaults"); opt_ws(g); block(g, BK_DEFAULTS); break;
    case 3: bind_buf_printf(&g->b, "platform p%d", g->site++); opt_ws(g); block(g, BK_PLATFORM); break;
    case 4: case 5: bind_buf_printf(&g->b, "cert c%d", ++g->cert); opt_ws(g); block(g, BK_CERT); break;
    case 6: bind_buf_puts(&g->b, "use \"iis-express\""); break;
    default:
        bind_buf_puts(&g->b, "site");
        ws(g);
        g->site++;
        switch (below(&g->r, 4)) {
        case 0: bind_buf_printf(&g->b, "\"Site %d\"", g->site); break;
        case 1: bind_buf_printf(&g->b, "'S\\%d'", g->site); break;
        case 2: bind_buf_printf(&g->b, "\"app%d\\u{E9}\"", g->site); break;
        default: bind_buf_printf(&g->b, "s%d", g->site); break;
        }
        opt_ws(g);
        block(g, BK_SITE);
        break;
    }
}

static void generate(gen *g)
{
    g->eol = chance(&g->r, 25) ? "\r\n" : "\n";
    g->site = g->cert = 0;
    bind_buf_init(&g->b);
    if (chance(&g->r, 10)) bind_buf_puts(&g->b, "\xef\xbb\xbf");
    uint32_t n = 1 + below(&g->r, 8);
    for (uint32_t i = 0; i < n; i++) {
        filler_lines(g);
        statement(g);
        if (i + 1 < n || chance(&g->r, 90)) end_line(g);   /* the last line may lack its newline */
    }
    filler_lines(g);
    bind_buf_putc(&g->b, '\0');
    g->b.len--;
}

static void test_fmt_properties_generated(void **state)
{
    (void)state;
    const char *env_seed = getenv("BINDC_FMT_SEED"), *env_files = getenv("BINDC_FMT_FILES");
    uint64_t seed = env_seed ? strtoull(env_seed, NULL, 10) : DEFAULT_SEED;
    int files = env_files ? atoi(env_files) : DEFAULT_FILES;
    print_message("generated files: seed %llu (BINDC_FMT_SEED=%llu replays it), %d files\n",
                  (unsigned long long)seed, (unsigned long long)seed, files);
    gen g;
    memset(&g, 0, sizeof g);
    g.r.s = seed ? seed : 1;                           /* xorshift has no zero state */
    tally t = { 0, 0, 0 };
    for (int i = 0; i < files; i++) {
        generate(&g);
        char name[64];
        snprintf(name, sizeof name, "generated file %d (seed %llu)", i, (unsigned long long)seed);
        check_properties(name, NULL, g.b.data, g.b.len, &t);
        if (t.skipped) { print_error("%s has syntax errors:\n%s\n", name, g.b.data); fail(); }
        bind_buf_free(&g.b);
    }
    print_message("generated files: %d formatted, %d compiled to a json model\n", t.formatted, t.clean);
    assert_int_equal(t.formatted, files);
    /* The meaning check must compare models, not only error lists. */
    assert_true(files < 20 || t.clean * 4 >= files);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_properties_examples_and_stdlib),
        cmocka_unit_test(test_fmt_properties_golden),
        cmocka_unit_test(test_fmt_properties_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
