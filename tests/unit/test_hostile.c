/* The hostile-input suite (issue #8): every field that reaches an output,
 * given every value of tests/hostile/values.txt, through every target.
 *
 * tests/hostile/template.bind is a configuration whose fields hold stand-ins
 * (SLOT-SITE, SLOT-ACL, ...).  One at a time, a stand-in is replaced by a
 * hostile value.  Each target must then either refuse with a diagnostic in
 * the file (E0007; E0002 for a NUL, which the lexer refuses), or write the
 * template's own output with the stand-in replaced by the value, as the
 * target's reader sees it:
 *   - iis (a fresh file, and --merge into UTF-8 and into US-ASCII files):
 *     libxml2 reads the same nodes, and every attribute value the same;
 *   - netsh, httpcfg and their reverts: every line, read through the model
 *     of cmd.exe and CommandLineToArgvW (cmd_model.h) with the variables the
 *     script sets, gives the same commands, operators and redirections, the
 *     same argument vector for netsh and httpcfg (the value exactly one
 *     argument, nothing expanded, no caret lost), the same text elsewhere;
 *   - nginx: the model of nginx's reader (nginx_model.h) gives the same
 *     tokens, none with a `$` and none too long for nginx's buffer;
 *   - apache: the model of Apache's reader (apache_model.h) gives the same
 *     lines and arguments, none with a `${` Apache would replace;
 *   - json: jansson reads the same values.
 * Which values a target must refuse follows from what it can express, in
 * expect(), written from the targets' rules rather than from the emitters.
 * tests/scripts/test_hostile.sh runs the same data through the bindc command
 * (nothing written on a refusal) and through a real `nginx -t`. */
#include "harness.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "emit_target.h"
#include "cmd_model.h"
#include "nginx_model.h"
#include "apache_model.h"

#define DATA BINDC_SOURCE_DIR "/tests/hostile/"

/* ---- the data ------------------------------------------------------------- */

typedef struct value {
    char *src;        /* as written inside a .bind "..." string */
    char *text;       /* what it means (NULL when it holds a NUL) */
    bool nul;
} value;

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot read %s", path);
    bind_buf b;
    bind_buf_init(&b);
    char chunk[4096];
    for (size_t n; (n = fread(chunk, 1, sizeof chunk, f)) > 0;) bind_buf_put(&b, chunk, n);
    fclose(f);
    bind_buf_putc(&b, '\0');
    return b.data;
}

static void put_utf8(bind_buf *b, unsigned long cp)
{
    if (cp < 0x80) bind_buf_putc(b, (char)cp);
    else if (cp < 0x800) bind_buf_printf(b, "%c%c", (char)(0xC0 | cp >> 6), (char)(0x80 | (cp & 0x3F)));
    else if (cp < 0x10000)
        bind_buf_printf(b, "%c%c%c", (char)(0xE0 | cp >> 12), (char)(0x80 | (cp >> 6 & 0x3F)), (char)(0x80 | (cp & 0x3F)));
    else
        bind_buf_printf(b, "%c%c%c%c", (char)(0xF0 | cp >> 18), (char)(0x80 | (cp >> 12 & 0x3F)),
                        (char)(0x80 | (cp >> 6 & 0x3F)), (char)(0x80 | (cp & 0x3F)));
}

/* The .bind string escapes \\ \" \n \t \u{HEX}, decoded here on their own
 * so that the suite does not trust the lexer it tests. */
static void decode(value *v)
{
    bind_buf b;
    bind_buf_init(&b);
    for (const char *p = v->src; *p; p++) {
        if (*p != '\\') { bind_buf_putc(&b, *p); continue; }
        p++;
        if (*p == 'n') bind_buf_putc(&b, '\n');
        else if (*p == 't') bind_buf_putc(&b, '\t');
        else if (*p == 'u') {
            char *end;
            unsigned long cp = strtoul(p + 2, &end, 16);
            if (cp == 0) v->nul = true;
            put_utf8(&b, cp);
            p = end;
        } else bind_buf_putc(&b, *p);
    }
    bind_buf_putc(&b, '\0');
    v->text = v->nul ? NULL : strdup(b.data);
    bind_buf_free(&b);
}

static value *read_values(size_t *n)
{
    char *all = read_all(DATA "values.txt");
    value *vs = NULL;
    *n = 0;
    for (char *line = all, *next; *line; line = next) {
        char *eol = strchr(line, '\n');
        next = eol ? eol + 1 : line + strlen(line);
        if (eol) *eol = '\0';
        if (!*line || strncmp(line, "# ", 2) == 0) continue;
        value v = { NULL, NULL, false };
        unsigned count;
        int used;
        if (sscanf(line, "@repeat %u %n", &count, &used) == 1) {
            size_t unit = strlen(line + used);
            v.src = malloc(unit * count + 1);
            for (unsigned k = 0; k < count; k++) memcpy(v.src + k * unit, line + used, unit);
            v.src[unit * count] = '\0';
        } else {
            v.src = strdup(line);
        }
        decode(&v);
        vs = realloc(vs, (*n + 1) * sizeof *vs);
        vs[(*n)++] = v;
    }
    free(all);
    return vs;
}

/* ---- the targets and fields ---------------------------------------------- */

#define MERGE_DOC(ENC)                                                                          \
    "<?xml version=\"1.0\" encoding=\"" ENC "\"?>\n<configuration>\n  <system.applicationHost>\n"  \
    "    <applicationPools>\n      <add name=\"DefaultAppPool\" />\n    </applicationPools>\n"    \
    "    <sites>\n    </sites>\n  </system.applicationHost>\n</configuration>\n"

enum kind { K_XML, K_CMD, K_NGINX, K_APACHE, K_JSON };

static const struct target {
    const char *label, *backend, *merge;
    enum kind kind;
} targets[] = {
    { "iis", "iis", NULL, K_XML },
    { "iis --merge (UTF-8)", "iis", MERGE_DOC("UTF-8"), K_XML },
    { "iis --merge (US-ASCII)", "iis", MERGE_DOC("us-ascii"), K_XML },
    { "netsh", "netsh", NULL, K_CMD },
    { "netsh-revert", "netsh-revert", NULL, K_CMD },
    { "httpcfg", "httpcfg", NULL, K_CMD },
    { "httpcfg-revert", "httpcfg-revert", NULL, K_CMD },
    { "nginx", "nginx", NULL, K_NGINX },
    { "apache", "apache", NULL, K_APACHE },
    { "json", "json", NULL, K_JSON },
};
#define NTARGETS (sizeof targets / sizeof targets[0])

/* Which targets write a field (bits by index in targets[]). */
#define T_XML 0x7u
#define T_NETSH (1u << 3)
#define T_NETSH_REVERT (1u << 4)
#define T_HTTPCFG (1u << 5)
#define T_HTTPCFG_REVERT (1u << 6)
#define T_NGINX (1u << 7)
#define T_APACHE (1u << 8)
#define T_JSON (1u << 9)
#define T_FORWARD (T_NETSH | T_HTTPCFG)
#define T_ALL 0x3FFu

/* What limits a field's text besides its targets' quoting. */
enum rule {
    R_POOL = 1,      /* IIS's pool name validator */
    R_SITE = 2,      /* IIS's site name validator */
    R_APP = 4,       /* an application path */
    R_CMD = 8,       /* written into the .cmd scripts */
    R_NGINX = 16,    /* written into nginx as a quoted string */
    R_XML = 32,      /* written into applicationhost.config */
    R_HOST = 64,     /* a host name inside a binding word: validated, never quoted */
    R_APACHE = 128,  /* written into Apache's configuration as a quoted string */
    R_PATH = 256,    /* a path Apache makes absolute (root, pem, key) */
};

static const struct field {
    const char *slot;
    unsigned rules, reach;
} fields[] = {
    { "SLOT-SITE", R_SITE | R_XML, T_XML | T_NGINX | T_APACHE | T_JSON },     /* nginx, apache: in a comment */
    { "SLOT-PATH", R_XML, T_XML | T_JSON },
    { "SLOT-POOL", R_POOL | R_XML, T_XML | T_JSON },
    { "SLOT-APPNAME", R_APP | R_XML, T_XML | T_JSON },
    { "SLOT-APPDIR", R_XML, T_XML | T_JSON },
    { "SLOT-APPPOOL", R_POOL | R_XML, T_XML | T_JSON },
    { "SLOT-PEM", R_NGINX | R_APACHE | R_PATH, T_NGINX | T_APACHE | T_JSON },
    { "SLOT-KEY", R_NGINX | R_APACHE | R_PATH, T_NGINX | T_APACHE | T_JSON },
    { "SLOT-ROOT", R_NGINX | R_APACHE | R_PATH, T_NGINX | T_APACHE | T_JSON },
    { "SLOT-PROXY", R_NGINX | R_APACHE, T_NGINX | T_APACHE | T_JSON },
    /* The reverts need no name: they delete by URL and key.  They refuse
     * with the forward scripts all the same (one plan for the pair). */
    { "SLOT-FRIENDLY", R_CMD, T_FORWARD | T_JSON },
    { "SLOT-ACL", R_CMD, T_FORWARD | T_JSON },
    { "SLOT-DACL", R_CMD, T_FORWARD | T_JSON },
    { "slot-host", R_HOST, T_ALL },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* ---- what each target must refuse ------------------------------------------ */

static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) if (*p < 0x20 || *p == 0x7f) return true;
    return false;
}

static bool has_non_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) if (*p >= 0x80) return true;
    return false;
}

/* IIS: "/" or "/a/b" without empty, `.` or `..` segments. */
static bool app_path_ok(const char *p)
{
    if (p[0] != '/') return false;
    if (!p[1]) return true;
    for (const char *seg = p + 1;;) {
        size_t n = strcspn(seg, "/");
        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) return false;
        if (!seg[n]) return true;
        seg += n + 1;
    }
}

/* nginx's quoted form: `"` and `\` take a backslash. */
static size_t nginx_quoted_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += *s == '"' || *s == '\\' ? 2 : 1;
    return n;
}

/* The code `target` must refuse the field's text `full` with, or 0. */
static int expect(const struct field *f, const value *v, const char *full, const struct target *t)
{
    if (v->nul) return BIND_E0002;                          /* no string holds a NUL */
    if (has_control(full)) return BIND_E0007;               /* no text holds a control character */
    if ((f->rules & R_POOL) && (!*full || strpbrk(full, "|<>&\"/[]+=;:,?*@"))) return BIND_E0007;
    if ((f->rules & R_SITE) && (!*full || strpbrk(full, "/?"))) return BIND_E0007;
    if ((f->rules & R_APP) && !app_path_ok(full)) return BIND_E0007;
    /* A cmd.exe line cannot hold a `"` inside a quoted argument, is read in
     * the console's code page, and holds 8191 characters (2047 a value). */
    if (t->kind == K_CMD && (f->rules & R_CMD) && (strchr(full, '"') || has_non_ascii(full) || strlen(full) > 2047))
        return BIND_E0007;
    /* httpcfg.cmd finds a certificate by the registry's form of its friendly
     * name, 4 hex digits a character, on one line with the rest (8191). */
    if (t->kind == K_CMD && strncmp(t->backend, "httpcfg", 7) == 0 && strcmp(f->slot, "SLOT-FRIENDLY") == 0 &&
        strlen(full) > 2000)
        return BIND_E0007;
    /* nginx expands `$` everywhere, and reads through a 4096-byte buffer. */
    if (t->kind == K_NGINX && (f->rules & R_NGINX) && (strchr(full, '$') || nginx_quoted_len(full) > 4094))
        return BIND_E0007;
    /* Apache replaces `${` in every line, and makes a path absolute within
     * PATH_MAX (4,000 bytes of a path leave room for ServerRoot). */
    if (t->kind == K_APACHE && (f->rules & R_APACHE) && (strstr(full, "${") || ((f->rules & R_PATH) && strlen(full) > 4000)))
        return BIND_E0007;
    /* XML 1.0 has no U+FFFE or U+FFFF. */
    if (t->kind == K_XML && (f->rules & R_XML) && (strstr(full, "\xEF\xBF\xBE") || strstr(full, "\xEF\xBF\xBF")))
        return BIND_E0007;
    return 0;
}

/* ---- comparing outputs --------------------------------------------------------- */

static bind_arena *scratch;
static char where[160];    /* field, value and target of the case at hand */
#define CHECK(cond, ...)                                                              \
    do {                                                                              \
        if (!(cond)) fail_msg("%s: %s", where, bind_arena_printf(scratch, __VA_ARGS__)); \
    } while (0)

/* `s` with every `slot` replaced by `val`. */
static char *subst(const char *s, const char *slot, const char *val)
{
    bind_buf b;
    bind_buf_init(&b);
    size_t n = strlen(slot);
    for (const char *p = s, *hit; ; p = hit + n) {
        hit = strstr(p, slot);
        if (!hit) { bind_buf_puts(&b, p); break; }
        bind_buf_put(&b, p, (size_t)(hit - p));
        bind_buf_puts(&b, val);
    }
    bind_buf_putc(&b, '\0');
    return b.data;
}

static void same_text(const char *base, const char *got, const char *slot, const char *val, const char *what)
{
    char *want = subst(base ? base : "", slot, val);
    bool eq = strcmp(want, got ? got : "") == 0;
    free(want);
    CHECK(eq, "%s: expected the template's `%.80s` with the value in it, got `%.120s`", what, base ? base : "",
          got ? got : "");
}

static void same_xml(xmlNodePtr a, xmlNodePtr b, const char *slot, const char *val)
{
    for (; a || b; a = a->next, b = b->next) {
        CHECK(a && b && a->type == b->type, "XML: a node is missing or of another type");
        CHECK((!a->name && !b->name) || (a->name && b->name && strcmp((const char *)a->name, (const char *)b->name) == 0),
              "XML: element <%s> where <%s> was expected", b->name ? (const char *)b->name : "", a->name ? (const char *)a->name : "");
        if (a->type == XML_ELEMENT_NODE) {
            xmlAttrPtr pa = a->properties, pb = b->properties;
            for (; pa || pb; pa = pa->next, pb = pb->next) {
                CHECK(pa && pb && strcmp((const char *)pa->name, (const char *)pb->name) == 0,
                      "XML: <%s> has other attributes", (const char *)a->name);
                xmlChar *va = xmlNodeGetContent((xmlNodePtr)pa), *vb = xmlNodeGetContent((xmlNodePtr)pb);
                same_text((const char *)va, (const char *)vb, slot, val, (const char *)pa->name);
                xmlFree(va);
                xmlFree(vb);
            }
            same_xml(a->children, b->children, slot, val);
        } else if (a->type == XML_TEXT_NODE || a->type == XML_COMMENT_NODE || a->type == XML_CDATA_SECTION_NODE) {
            same_text((const char *)a->content, (const char *)b->content, slot, val, "XML text");
        }
    }
}

/* Complaints libxml2 prints by itself: a library must not print,
 * and a document read back must raise none. */
static int xml_complaints;

static void count_complaint(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
    xml_complaints++;
}

static void same_iis(const char *base, const char *got, const char *slot, const char *val)
{
    xmlDocPtr a = xmlReadMemory(base, (int)strlen(base), "base.config", NULL, XML_PARSE_NONET);
    xml_complaints = 0;
    xmlDocPtr b = xmlReadMemory(got, (int)strlen(got), "hostile.config", NULL, XML_PARSE_NONET);
    CHECK(a && b && !xml_complaints, "applicationhost.config is not well-formed XML");
    same_xml(xmlDocGetRootElement(a), xmlDocGetRootElement(b), slot, val);
    xmlFreeDoc(a);
    xmlFreeDoc(b);
}

static char **split_crlf(const char *text, int *n)
{
    char **lines = NULL;
    *n = 0;
    for (const char *p = text; *p;) {
        const char *eol = strstr(p, "\r\n");
        CHECK(eol, "a script line does not end in CRLF");
        CHECK(eol - p <= 8191, "a script line is longer than cmd.exe reads");
        for (const char *q = p; q < eol; q++) CHECK(*q >= 0x20 && *q < 0x7f, "a script line is not printable ASCII");
        lines = realloc(lines, (size_t)(*n + 1) * sizeof *lines);
        lines[(*n)++] = strndup(p, (size_t)(eol - p));
        p = eol + 2;
    }
    return lines;
}

/* The variables of the run: what the scripts' look-ups find, and some that
 * a `%` which escaped quoting would expand. */
static void base_env(cmd_model_env *env)
{
    static const char *const names[] = { "BINDC_THUMBPRINT_1", "BINDC_THUMBPRINT_2", "BINDC_SID_1", "BINDC_SID_2",
                                         "PATH", "X", "1" };
    static const char *const values[] = { "00112233445566778899AABBCCDDEEFF00112233", "00112233445566778899AABBCCDDEEFF00112233",
                                          "S-1-5-21-1-2-3-1001", "S-1-5-21-1-2-3-1002", "EXPANDED-PATH", "EXPANDED-X",
                                          "EXPANDED-1" };
    memset(env, 0, sizeof *env);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        env->name[i] = names[i];
        env->value[i] = values[i];
    }
    env->n = (int)(sizeof names / sizeof names[0]);
}

/* `set "NAME=value"` of a user value: later lines read it as %NAME%. */
static void remember_set(cmd_model_env *env, const cmd_model_command *c, char **owned, int *nowned)
{
    if (strncmp(c->text, "set \"", 5) != 0) return;
    const char *eq = strchr(c->text + 5, '=');
    if (!eq) return;
    char *name = strndup(c->text + 5, (size_t)(eq - c->text - 5));
    /* The registry form of a friendly name is checked where it is set
     * (same_hex); the lines that read it compare as written. */
    if (strcmp(name, "BINDC_HEX") == 0) { free(name); return; }
    for (int i = 0; i < env->n; i++) {
        if (strcmp(env->name[i], name) == 0) { free(name); return; }    /* the look-ups' results stay */
    }
    char *v = cmd_model_set_value(c, name);
    CHECK(v && env->n < CMD_MODEL_MAX, "`%s` sets no variable", c->text);
    owned[(*nowned)++] = name;
    owned[(*nowned)++] = v;
    env->name[env->n] = name;
    env->value[env->n++] = v;
}

/* A friendly name as the registry keeps it in a certificate's Blob: property
 * 11, 1, its length in bytes with the NUL (little-endian DWORDs), UTF-16LE. */
static char *registry_hex(const char *name)
{
    size_t n = strlen(name);
    unsigned bytes = (unsigned)(n + 1) * 2;
    char *out = malloc(n * 4 + 32), *o = out;
    o += sprintf(o, "0B00000001000000%02X%02X%02X%02X", bytes & 0xff, (bytes >> 8) & 0xff, (bytes >> 16) & 0xff, bytes >> 24);
    for (size_t i = 0; i < n; i++) o += sprintf(o, "%02X00", (unsigned char)name[i]);
    strcpy(o, "0000");
    return out;
}

/* The template's registry form, read back to text (ASCII), with the slot
 * replaced by the value, must be what the script looks for. */
static void same_hex(const char *base, const char *got, const char *slot, const char *val)
{
    const char *hex = base + strlen("set \"BINDC_HEX=") + 24;
    char *text = malloc(strlen(hex) / 4 + 1), *t = text;
    for (; hex[0] && hex[1] && !(hex[0] == '0' && hex[1] == '0' && hex[2] == '0' && hex[3] == '0'); hex += 4) {
        unsigned c;
        sscanf(hex, "%2x", &c);
        *t++ = (char)c;
    }
    *t = '\0';
    char *name = subst(text, slot, val), *want = registry_hex(name);
    char *line = malloc(strlen(want) + 32);
    sprintf(line, "set \"BINDC_HEX=%s\"", want);
    CHECK(strcmp(line, got) == 0, "the registry look-up: expected `%.80s` (the value's registry form), got `%.80s`", line, got);
    free(line);
    free(want);
    free(name);
    free(text);
}

static void same_cmd(const char *base, const char *got, const char *slot, const char *val)
{
    int na, nb;
    char **la = split_crlf(base, &na), **lb = split_crlf(got, &nb);
    CHECK(na == nb, "the script has %d lines, the template's %d", nb, na);
    cmd_model_env ea, eb;
    base_env(&ea);
    base_env(&eb);
    char *owned[4 * CMD_MODEL_MAX];
    int nowned = 0;
    for (int i = 0; i < na; i++) {
        cmd_model_line A, B;
        cmd_model_parse(la[i], &ea, &A);
        cmd_model_parse(lb[i], &eb, &B);
        CHECK(!B.open_quote && !B.continuation, "line %d ends inside quotes or in a caret: %s", i + 1, lb[i]);
        CHECK(A.ncmd == B.ncmd, "line %d is %d commands, not %d: %s", i + 1, B.ncmd, A.ncmd, lb[i]);
        for (int j = 0; j < A.ncmd; j++) {
            const cmd_model_command *ca = &A.cmd[j], *cb = &B.cmd[j];
            CHECK(strcmp(A.op[j], B.op[j]) == 0, "line %d: operator `%s` where `%s` was: %s", i + 1, B.op[j], A.op[j], lb[i]);
            CHECK(ca->nredirect == cb->nredirect, "line %d: other redirections: %s", i + 1, lb[i]);
            for (int r = 0; r < ca->nredirect; r++)
                CHECK(strcmp(ca->redirect[r], cb->redirect[r]) == 0, "line %d: redirection `%s`: %s", i + 1, cb->redirect[r], lb[i]);
            if (ca->argc && (strcmp(ca->argv[0], "netsh") == 0 || strcmp(ca->argv[0], "httpcfg") == 0)) {
                /* What the program receives. */
                CHECK(ca->argc == cb->argc, "line %d: %d arguments, not %d: %s", i + 1, cb->argc, ca->argc, lb[i]);
                for (int k = 0; k < ca->argc; k++) same_text(ca->argv[k], cb->argv[k], slot, val, "an argument");
            } else if (strncmp(ca->text, "set \"BINDC_HEX=", 15) == 0) {
                same_hex(ca->text, cb->text, slot, val);
            } else {
                /* echo, set, if: what cmd.exe itself reads. */
                same_text(ca->text, cb->text, slot, val, "a command");
            }
            remember_set(&ea, ca, owned, &nowned);
            remember_set(&eb, cb, owned, &nowned);
        }
        cmd_model_free(&A);
        cmd_model_free(&B);
    }
    for (int i = 0; i < nowned; i++) free(owned[i]);
    for (int i = 0; i < na; i++) free(la[i]);
    for (int i = 0; i < nb; i++) free(lb[i]);
    free(la);
    free(lb);
}

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i];) {
        size_t n = p[i] < 0x80 ? 1 : p[i] >= 0xC2 && p[i] <= 0xDF ? 2 : (p[i] & 0xF0) == 0xE0 ? 3 : p[i] >= 0xF0 && p[i] <= 0xF4 ? 4 : 0;
        if (!n) return false;
        for (size_t k = 1; k < n; k++) if ((p[i + k] & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

static void same_nginx(const char *base, const char *got, const char *slot, const char *val)
{
    CHECK(valid_utf8(got), "nginx.conf is not valid UTF-8");
    nginx_tokens a = nginx_model_read(base, strlen(base)), b = nginx_model_read(got, strlen(got));
    CHECK(!a.error, "the template's nginx.conf: %s", a.error);
    CHECK(!b.error, "nginx would not read it: %s", b.error);
    CHECK(a.len == b.len, "%zu tokens, not %zu", b.len, a.len);
    for (size_t i = 0; i < a.len; i++) {
        CHECK(a.items[i].kind == b.items[i].kind && a.items[i].quoted == b.items[i].quoted, "token %zu is of another kind", i);
        if (a.items[i].kind != 'w') continue;
        same_text(a.items[i].text, b.items[i].text, slot, val, "a token");
        CHECK(!strchr(b.items[i].text, '$'), "token `%.80s` has a `$`, which nginx may expand", b.items[i].text);
    }
    nginx_model_free(&a);
    nginx_model_free(&b);
}

static void same_apache(const char *base, const char *got, const char *slot, const char *val)
{
    CHECK(valid_utf8(got), "apache.conf is not valid UTF-8");
    apache_lines a = apache_model_read(base, strlen(base)), b = apache_model_read(got, strlen(got));
    CHECK(!a.error, "the template's apache.conf: %s", a.error);
    CHECK(!b.error, "Apache would not read it as written: %s", b.error);
    CHECK(a.len == b.len, "%zu lines, not %zu", b.len, a.len);
    for (size_t i = 0; i < a.len; i++) {
        const apache_line *x = &a.items[i], *y = &b.items[i];
        CHECK(x->comment == y->comment && x->nargs == y->nargs, "line %zu: %zu words, not %zu", i + 1, y->nargs, x->nargs);
        if (x->comment) continue;     /* a comment is itself: one line, which the count shows */
        for (size_t k = 0; k < x->nargs; k++) {
            CHECK(x->args[k].quoted == y->args[k].quoted, "line %zu: word %zu is of another kind", i + 1, k + 1);
            same_text(x->args[k].text, y->args[k].text, slot, val, "an argument");
        }
    }
    apache_model_free(&a);
    apache_model_free(&b);
}

static void same_json(json_t *a, json_t *b, const char *slot, const char *val)
{
    CHECK(a && b && json_typeof(a) == json_typeof(b), "JSON: a value is missing or of another type");
    if (json_is_string(a)) {
        same_text(json_string_value(a), json_string_value(b), slot, val, "a JSON string");
    } else if (json_is_object(a)) {
        CHECK(json_object_size(a) == json_object_size(b), "JSON: an object has other keys");
        const char *key;
        json_t *v;
        json_object_foreach(a, key, v) same_json(v, json_object_get(b, key), slot, val);
    } else if (json_is_array(a)) {
        CHECK(json_array_size(a) == json_array_size(b), "JSON: an array has another length");
        for (size_t i = 0; i < json_array_size(a); i++) same_json(json_array_get(a, i), json_array_get(b, i), slot, val);
    } else {
        CHECK(json_equal(a, b), "JSON: a number or boolean changed");
    }
}

static void same_model(const char *base, const char *got, const char *slot, const char *val)
{
    json_error_t err;
    json_t *a = json_loads(base, 0, &err), *b = json_loads(got, 0, &err);
    CHECK(b, "jansson cannot read model.json: %s", err.text);
    same_json(a, b, slot, val);
    json_decref(a);
    json_decref(b);
}

/* ---- running the cases --------------------------------------------------------- */

/* The target's output; NULL when it refused. */
static char *emit(bind_compilation *c, const struct target *t)
{
    bind_buf b;
    bind_buf_init(&b);
    xml_complaints = 0;
    bool ok = emit_target(c, t->backend, "applicationHost.config", t->merge, t->merge ? strlen(t->merge) : 0, &b);
    CHECK(xml_complaints == 0, "libxml2 printed %d complaints while %s wrote it", xml_complaints, t->label);
    bind_buf_putc(&b, '\0');
    if (ok) return b.data;
    bind_buf_free(&b);
    return NULL;
}

/* A refusal: an error with `code` (or `other`), located in the file (not
 * in the stdlib); with `only`, no error with another code. */
static void assert_refused(bind_compilation *c, int code, int other, bool only)
{
    bool found = false;
    for (size_t i = 0; i < c->diags.list.len; i++) {
        const bind_diag *d = c->diags.list.items[i];
        if (d->severity != BIND_SEV_ERROR) continue;
        bool ours = (int)d->code == code || (int)d->code == other;
        if (only) CHECK(ours, "refused with %s, not %s", bind_code_name(d->code), bind_code_name(code));
        if (!ours) continue;
        bind_source *src = bind_sources_get(&c->sources, d->span.file);
        uint32_t line, col;
        bind_source_linecol(src, d->span.start, &line, &col);
        found |= strcmp(src->path, "t.bind") == 0 && line >= 1 && col >= 1;
    }
    CHECK(found, "not refused with %s in t.bind (diagnostics: %s)", bind_code_name(code), codes_of(c));
}

static bind_compilation *compile_as_file(const char *text)
{
    bind_compilation *c = bind_compilation_new();
    bind_compilation_add_text(c, "t.bind", text, strlen(text));
    bind_compilation_check(c);
    return c;
}

/* The template's outputs, one per target. */
static char *baseline[NTARGETS];
static char *template_text;
static value *values;
static size_t nvalues;

static int setup(void **state)
{
    (void)state;
    scratch = bind_arena_new();
    template_text = read_all(DATA "template.bind");
    values = read_values(&nvalues);
    bind_compilation *c = compile_as_file(template_text);
    if (bind_diag_has_errors(&c->diags, false)) return -1;
    for (size_t t = 0; t < NTARGETS; t++)
        if (!(baseline[t] = emit(c, &targets[t]))) return -1;
    bind_compilation_free(c);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t t = 0; t < NTARGETS; t++) free(baseline[t]);
    for (size_t i = 0; i < nvalues; i++) {
        free(values[i].src);
        free(values[i].text);
    }
    free(values);
    free(template_text);
    bind_arena_free(scratch);
    return 0;
}

/* The label of a value in failure messages: its start, as written. */
static const char *label(const value *v)
{
    return bind_arena_printf(scratch, "\"%.40s%s\" (%zu bytes)", v->src, strlen(v->src) > 40 ? "..." : "",
                             v->text ? strlen(v->text) : 0);
}

/* The template with `slot` replaced by `insert`. */
static char *with_value(const char *slot, const char *insert)
{
    CHECK(strstr(template_text, slot), "the template has no %s", slot);
    return subst(template_text, slot, insert);
}

/* The field's whole text in the template, around its stand-in: `"pem/SLOT-PEM"` gives "pem/". */
static char *full_text(const char *slot, const char *val)
{
    const char *at = strstr(template_text, slot), *open = at, *close = at + strlen(slot);
    while (open > template_text && open[-1] != '"') open--;
    while (*close && *close != '"') close++;
    return bind_arena_printf(scratch, "%.*s%s%.*s", (int)(at - open), open, val, (int)(close - at - strlen(slot)),
                             at + strlen(slot));
}

/* Each field's stand-in is in the outputs of exactly the targets it reaches:
 * the suite really puts each value where it says. */
static void test_hostile_template_reaches(void **state)
{
    (void)state;
    for (size_t f = 0; f < NFIELDS; f++) {
        for (size_t t = 0; t < NTARGETS; t++) {
            snprintf(where, sizeof where, "%s in %s", fields[f].slot, targets[t].label);
            bool in = strstr(baseline[t], fields[f].slot) != NULL;
            CHECK(in == ((fields[f].reach >> t) & 1u), "the template's output %s the stand-in", in ? "has" : "lacks");
        }
    }
}

static void run_text_field(const struct field *f, const value *v)
{
    char *text = with_value(f->slot, v->src);
    bind_compilation *c = compile_as_file(text);
    bool check_errors = bind_diag_has_errors(&c->diags, false);
    const char *full = v->nul ? "" : full_text(f->slot, v->text);
    for (size_t t = 0; t < NTARGETS; t++) {
        snprintf(where, sizeof where, "%s = %s, %s", f->slot, label(v), targets[t].label);
        int want = expect(f, v, full, &targets[t]);
        if (want) {
            if (!check_errors) CHECK(!emit(c, &targets[t]), "written, but %s must refuse it", targets[t].label);
            assert_refused(c, want, want, want != BIND_E0002);     /* after a NUL the string reads as empty too */
            continue;
        }
        CHECK(!check_errors, "refused (%s), but %s can carry it", codes_of(c), targets[t].label);
        char *out = emit(c, &targets[t]);
        CHECK(out, "refused by the target (%s), but it can carry it", codes_of(c));
        switch (targets[t].kind) {
        case K_XML: same_iis(baseline[t], out, f->slot, v->text); break;
        case K_CMD: same_cmd(baseline[t], out, f->slot, v->text); break;
        case K_NGINX: same_nginx(baseline[t], out, f->slot, v->text); break;
        case K_APACHE: same_apache(baseline[t], out, f->slot, v->text); break;
        case K_JSON: same_model(baseline[t], out, f->slot, v->text); break;
        }
        free(out);
    }
    bind_compilation_free(c);
    free(text);
}

static void test_hostile_every_field_every_target(void **state)
{
    (void)state;
    for (size_t f = 0; f < NFIELDS; f++) {
        if (fields[f].rules & R_HOST) continue;
        for (size_t i = 0; i < nvalues; i++) run_text_field(&fields[f], &values[i]);
    }
}

/* A host name is a part of a binding word, never quoted: every value that
 * the syntax lets into the word is refused before any target runs (E0105).
 * The others end the word and are .bind syntax (`#` a comment, `{` a
 * block, a control character such as U+0085 an error of its own), not host
 * names. */
static void test_hostile_host_names(void **state)
{
    (void)state;
    size_t tried = 0;
    for (size_t i = 0; i < nvalues; i++) {
        const value *v = &values[i];
        if (v->nul || has_control(v->text) || strpbrk(v->text, " #\"'{}=,") || strstr(v->text, "\xC2\x85")) continue;
        snprintf(where, sizeof where, "host %s", label(v));
        char *text = with_value("slot-host", v->text);
        bind_compilation *c = compile_as_file(text);
        assert_refused(c, BIND_E0105, BIND_E0105, true);
        bind_compilation_free(c);
        free(text);
        tried++;
    }
    assert_true(tried >= nvalues / 2);
}

/* A NUL byte written raw inside a string (no escape) is refused too. */
static void test_hostile_raw_nul(void **state)
{
    (void)state;
    snprintf(where, sizeof where, "a raw NUL in the site name");
    const char *at = strstr(template_text, "SLOT-SITE");
    bind_buf b;
    bind_buf_init(&b);
    bind_buf_put(&b, template_text, (size_t)(at - template_text));
    bind_buf_put(&b, "a\0b", 3);
    bind_buf_puts(&b, at + strlen("SLOT-SITE"));
    bind_compilation *c = bind_compilation_new();
    bind_compilation_add_text(c, "t.bind", b.data, b.len);
    bind_compilation_check(c);
    CHECK(bind_diag_has_errors(&c->diags, false), "accepted");
    bind_compilation_free(c);
    bind_buf_free(&b);
}

/* The nginx reader model on text whose reading is known. */
static void test_hostile_nginx_model(void **state)
{
    (void)state;
    const char conf[] = "# c \"x\n  root \"a\\\"b\\\\c\\n;{}#$\"; x 'q' w\\;v {\n}\n";
    nginx_tokens t = nginx_model_read(conf, sizeof conf - 1);
    assert_null(t.error);
    assert_int_equal(t.len, 8);
    assert_string_equal(t.items[0].text, "root");
    assert_string_equal(t.items[1].text, "a\"b\\c\n;{}#$");
    assert_true(t.items[1].quoted);
    assert_int_equal(t.items[2].kind, ';');
    assert_string_equal(t.items[4].text, "q");
    assert_string_equal(t.items[5].text, "w\\;v");          /* only \" \' \\ \t \r \n are escapes */
    assert_int_equal(t.items[6].kind, '{');
    assert_int_equal(t.items[7].kind, '}');
    nginx_model_free(&t);
    /* nginx's buffer: 4094 bytes inside quotes are read, 4095 are not
     * (tests/scripts/test_hostile.sh shows the same with nginx -t). */
    for (size_t n = 4094; n <= 4095; n++) {
        char *s = malloc(n + 16);
        memcpy(s, "root \"", 6);
        memset(s + 6, 'a', n);
        memcpy(s + 6 + n, "\";\n", 4);
        t = nginx_model_read(s, strlen(s));
        assert_true((t.error == NULL) == (n == 4094));
        nginx_model_free(&t);
        free(s);
    }
    t = nginx_model_read("root \"a\"b;\n", 11);     /* a quote must be followed by a blank or `;` */
    assert_non_null(t.error);
    nginx_model_free(&t);
}

/* The Apache reader model on text whose reading is known (the quoting of
 * the first lines was checked with apache2 -t against directories named so,
 * tests/scripts/test_apache_real.sh). */
static void test_hostile_apache_model(void **state)
{
    (void)state;
    const char conf[] = "# c \"x\\\nDocumentRoot gone\n  DocumentRoot \"a\\\"b\\\\c\\n #$x {}\" 'q\\'r' w\\v\r\n\n"
                        "ServerAlias a \\\n b\nX y\\\\\nZ\n";
    apache_lines t = apache_model_read(conf, sizeof conf - 1);
    assert_null(t.error);
    assert_int_equal(t.len, 5);
    assert_true(t.items[0].comment);                     /* ending in a backslash, it took the next line */
    assert_non_null(strstr(t.items[0].args[0].text, "gone"));
    assert_int_equal(t.items[1].nargs, 4);
    assert_string_equal(t.items[1].args[1].text, "a\"b\\c\\n #$x {}");   /* only \" and \\ are escapes */
    assert_true(t.items[1].args[1].quoted);
    assert_string_equal(t.items[1].args[2].text, "q'r");
    assert_string_equal(t.items[1].args[3].text, "w\\v");
    assert_int_equal(t.items[2].nargs, 3);                 /* a backslash at the end goes on */
    assert_string_equal(t.items[2].args[2].text, "b");
    assert_string_equal(t.items[3].args[1].text, "y\\\\");   /* two do not */
    apache_model_free(&t);
    t = apache_model_read("DocumentRoot \"/a${B}c\"\n", 22);
    assert_non_null(t.error);
    apache_model_free(&t);
    t = apache_model_read("# ${B}\nDocumentRoot \"/a${B\"\n", 28);
    assert_null(t.error);
    apache_model_free(&t);
}

int main(void)
{
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, count_complaint);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_nginx_model),
        cmocka_unit_test(test_hostile_apache_model),
        cmocka_unit_test(test_hostile_template_reaches),
        cmocka_unit_test(test_hostile_every_field_every_target),
        cmocka_unit_test(test_hostile_host_names),
        cmocka_unit_test(test_hostile_raw_nul),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    xmlCleanupParser();
    return rc;
}
