/* --state: captures of a machine's HTTP.sys read into the machine state
 * (import/state.c over the import's readers), who a reservation lets in
 * (model/machine_state.c), the checks against it (check/state_checks.c),
 * the machine router (runtime/route_state.c) and what the scripts leave
 * out (backend/http_sys_plan.c).  The captures are the golden cases'
 * (tests/golden/check/state/): English, German in code page 850, French
 * (labels bindc does not know), cut short, and not captures at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "emit_target.h"
#include "base/buf.h"
#include "backend/http_sys_plan.h"
#include "import/state.h"
#include "model/machine_state.h"
#include "runtime/route_state.h"

#define STATES BINDC_SOURCE_DIR "/tests/golden/check/state/"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *t = malloc((size_t)n + 1);
    assert_int_equal(fread(t, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    t[n] = '\0';
    *len = (size_t)n;
    return t;
}

/* A machine state read from text or from a golden capture. */
typedef struct reading {
    bind_arena *arena;
    bind_sources sources;
    bind_diag_bag diags;
    bind_machine_state *st;
    bool ok;
} reading;

static void read_text(reading *r, const char *name, const char *text, size_t len)
{
    memset(r, 0, sizeof *r);
    r->arena = bind_arena_new();
    bind_sources_init(&r->sources, r->arena);
    bind_diag_bag_init(&r->diags, r->arena);
    r->st = bind_machine_state_new(r->arena);
    char *raw = malloc(len + 1);
    memcpy(raw, text, len);
    raw[len] = '\0';
    r->ok = bind_state_read(r->st, &r->sources, &r->diags, name, NULL, raw, len);
}

static void read_file(reading *r, const char *name)
{
    size_t len;
    char path[512];
    snprintf(path, sizeof path, STATES "%s", name);
    char *t = slurp(path, &len);
    read_text(r, name, t, len);
    free(t);
}

static void done(reading *r)
{
    bind_diag_bag_fini(&r->diags);
    bind_sources_fini(&r->sources);
    bind_arena_free(r->arena);
}

static int count(const reading *r, enum bind_code code)
{
    int n = 0;
    for (size_t i = 0; i < r->diags.list.len; i++) n += r->diags.list.items[i]->code == code;
    return n;
}

static uint32_t line_of(reading *r, bind_span at)
{
    uint32_t line, col;
    bind_source_linecol(bind_sources_get(&r->sources, at.file), at.start, &line, &col);
    return line;
}

/* ---- reading ------------------------------------------------------------ */

/* What the capture line writes: five captures, each after its command. */
static void test_state_devbox_five_parts(void **state)
{
    (void)state;
    reading r;
    read_file(&r, "devbox-en.txt");
    assert_true(r.ok);
    assert_int_equal(r.diags.list.len, 0);
    for (int p = 0; p < BIND_STATE_PARTS; p++) {
        assert_true(r.st->given[p]);
        assert_true(r.st->complete[p]);
    }
    assert_int_equal(r.st->nurlacls, 4);
    assert_string_equal(r.st->urlacls[1].url, "http://localhost:80/");
    assert_string_equal(r.st->urlacls[1].sddl, "D:(A;;GX;;;WD)");
    assert_int_equal(r.st->urlacls[1].nusers, 1);
    assert_string_equal(r.st->urlacls[1].users[0], "Everyone");
    assert_int_equal(line_of(&r, r.st->urlacls[1].at), 12);
    assert_int_equal(r.st->nsslcerts, 4);
    const bind_state_sslcert *s = &r.st->sslcerts[0];
    assert_int_equal(s->key, BIND_STATE_SSL_IPPORT);
    assert_int_equal(s->addr.kind, BIND_ADDR_ANY4);
    assert_int_equal(s->port, 443);
    assert_string_equal(s->hash, "3A1B9F0077C24E6D0A115B2C8D3E4F5061728394");
    assert_string_equal(s->appid, "{4dc3e181-e14b-4a21-b022-59fc669b0914}");
    assert_string_equal(s->store, "My");
    assert_true(s->store_known && s->flags_known);
    assert_int_equal(s->flags, 0);
    assert_string_equal(r.st->sslcerts[1].appid, "{214124cd-d05b-4309-9af9-9caa44b2b74a}");
    assert_int_equal(r.st->niplisten, 0);
    /* 5 IPv4 ranges, then 3 IPv6 ones; 50000-50059 is an administrator's. */
    assert_int_equal(r.st->nexcluded, 8);
    assert_int_equal(r.st->excluded[0].family, 4);
    assert_int_equal(r.st->excluded[7].family, 6);
    assert_true(r.st->excluded[1].administered);
    assert_null(bind_state_excluded_port(r.st, 50010, 0));           /* administered: left to the server */
    assert_non_null(bind_state_excluded_port(r.st, 50100, 4));
    assert_non_null(bind_state_excluded_port(r.st, 50200, 4));
    assert_null(bind_state_excluded_port(r.st, 50200, 6));           /* IPv4 only */
    assert_non_null(bind_state_excluded_port(r.st, 50200, 0));       /* a socket of both families */
    assert_null(bind_state_excluded_port(r.st, 8080, 0));
    assert_non_null(bind_state_find_ipport(r.st, &(bind_addr){ .kind = BIND_ADDR_ANY }, 44301));   /* `*` is 0.0.0.0 */
    done(&r);
}

/* German netsh in code page 850, the commands after a cmd.exe prompt. */
static void test_state_german(void **state)
{
    (void)state;
    reading r;
    read_file(&r, "server-de.txt");
    assert_true(r.ok);
    assert_int_equal(r.diags.list.len, 0);
    assert_int_equal(r.st->nurlacls, 4);
    assert_string_equal(r.st->urlacls[3].url, "http://+:80/");
    assert_string_equal(r.st->urlacls[3].users[0], "NT-DIENST\\ReportServer");
    assert_string_equal(r.st->urlacls[0].users[0], "Jeder");
    assert_int_equal(r.st->nsslcerts, 1);
    assert_int_equal(r.st->sslcerts[0].key, BIND_STATE_SSL_HOSTPORT);
    assert_string_equal(r.st->sslcerts[0].host, "shop.example");
    assert_string_equal(r.st->sslcerts[0].store, "WebHosting");
    assert_true(r.st->sslcerts[0].flags_known);
    assert_int_equal(r.st->niplisten, 1);
    assert_true(r.st->given[BIND_STATE_EXCLUDED4] && !r.st->given[BIND_STATE_EXCLUDED6]);
    assert_int_equal(r.st->nexcluded, 2);
    done(&r);
}

/* Cut short: the whole record is used, the cut one is not, and the part
 * is not taken as the whole list. */
static void test_state_cut(void **state)
{
    (void)state;
    reading r;
    read_file(&r, "sslcert-cut-en.txt");
    assert_true(r.ok);
    assert_int_equal(count(&r, BIND_W0502), 1);
    assert_int_equal(r.st->nsslcerts, 1);
    assert_int_equal(r.st->sslcerts[0].port, 443);
    assert_int_equal(r.st->sslcerts[0].addr.kind, BIND_ADDR_ANY4);
    assert_true(r.st->given[BIND_STATE_SSLCERT]);
    assert_false(r.st->complete[BIND_STATE_SSLCERT]);
    assert_int_equal(line_of(&r, r.diags.list.items[0]->span), 37);
    done(&r);

    /* Cut after the hash and the application ID: used, but its switches
     * and store are not known. */
    size_t len;
    char *t = slurp(STATES "sslcert-other-en.txt", &len);
    char *cut = strstr(strstr(t, "10.0.0.5:443"), "Usage Check");
    read_text(&r, "cut2.txt", t, (size_t)(cut - t));
    assert_int_equal(count(&r, BIND_W0502), 1);
    assert_int_equal(r.st->nsslcerts, 2);
    assert_false(r.st->sslcerts[1].flags_known);
    assert_true(r.st->sslcerts[0].flags_known);
    done(&r);
    free(t);
}

/* Labels of a language bindc does not know: values by their shape. */
static void test_state_unknown_language(void **state)
{
    (void)state;
    reading r;
    read_file(&r, "urlacl-fr.txt");
    assert_true(r.ok);
    assert_int_equal(count(&r, BIND_W0502), 1);
    assert_int_equal(r.st->nurlacls, 1);
    assert_string_equal(r.st->urlacls[0].url, "http://+:80/");
    assert_string_equal(r.st->urlacls[0].sddl, "D:(A;;GX;;;WD)");
    assert_int_equal(r.st->urlacls[0].nusers, 0);
    done(&r);

    static const char es[] =
        "\r\nEnlaces de certificado SSL:\r\n-------------------------\r\n\r\n"
        "    IP:puerto                    : 0.0.0.0:443\r\n"
        "    Hash de certificado          : 3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\r\n"
        "    Id. de aplicaci\xa2n           : {4dc3e181-e14b-4a21-b022-59fc669b0914}\r\n"
        "    Nombre del almac\x82n de certificados : My\r\n"
        "    Comprobar revocaci\xa2n de certificados de cliente : Enabled\r\n\r\n";
    read_text(&r, "es.txt", es, sizeof es - 1);
    assert_true(r.ok);
    assert_int_equal(count(&r, BIND_W0502), 1);
    assert_int_equal(r.st->nsslcerts, 1);
    assert_string_equal(r.st->sslcerts[0].hash, "3A1B9F0077C24E6D0A115B2C8D3E4F5061728394");
    assert_string_equal(r.st->sslcerts[0].appid, "{4dc3e181-e14b-4a21-b022-59fc669b0914}");
    assert_false(r.st->sslcerts[0].store_known);
    assert_false(r.st->sslcerts[0].flags_known);
    done(&r);
}

static void test_state_not_captures(void **state)
{
    (void)state;
    reading r;
    read_file(&r, "not-a-capture.txt");
    assert_false(r.ok);
    assert_int_equal(count(&r, BIND_E0501), 1);
    done(&r);
    read_text(&r, "empty.txt", "", 0);
    assert_false(r.ok);
    assert_int_equal(count(&r, BIND_E0501), 1);
    done(&r);
    static const char bind[] = "site A {\n    http *:80:a.example\n}\n";
    read_text(&r, "a.bind", bind, sizeof bind - 1);
    assert_false(r.ok);
    done(&r);
    /* UTF-16 without its mark is refused, as the import refuses it. */
    static const char u16[] = "U\0R\0L\0 \0R\0e\0";
    read_text(&r, "u16.txt", u16, sizeof u16 - 1);
    assert_false(r.ok);
    assert_int_equal(count(&r, BIND_E0501), 1);
    done(&r);
    /* A part in place of which an error was saved: the rest is read. */
    read_file(&r, "error-in-place-en.txt");
    assert_true(r.ok);
    assert_int_equal(count(&r, BIND_W0502), 1);
    assert_false(r.st->given[BIND_STATE_SSLCERT]);
    assert_true(r.st->given[BIND_STATE_URLACL] && r.st->given[BIND_STATE_IPLISTEN]);
    assert_int_equal(r.st->niplisten, 2);
    done(&r);
}

/* Captures without command lines, told apart by their headers; a capture
 * of a family nothing names counts for both; UDP is not HTTP's; PowerShell
 * writes UTF-16 with a mark; json=enable. */
static void test_state_forms(void **state)
{
    (void)state;
    reading r;
    static const char two[] =
        "\r\nIP addresses present in the IP listen list:\r\n-------------------------------------------\r\n\r\n    10.0.0.5\r\n\r\n"
        "\r\nProtocol tcp Port Exclusion Ranges\r\n\r\nStart Port    End Port\r\n----------    --------\r\n"
        "     50060       50159\r\n\r\n* - Administered port exclusions.\r\n\r\n";
    read_text(&r, "two.txt", two, sizeof two - 1);
    assert_true(r.ok);
    assert_int_equal(r.diags.list.len, 0);
    assert_int_equal(r.st->niplisten, 1);
    assert_int_equal(r.st->nexcluded, 1);
    assert_int_equal(r.st->excluded[0].family, 0);
    assert_true(r.st->given[BIND_STATE_EXCLUDED4] && r.st->given[BIND_STATE_EXCLUDED6]);
    done(&r);

    static const char udp[] =
        "netsh int ipv4 show excludedportrange protocol=udp\r\n\r\nProtocol udp Port Exclusion Ranges\r\n\r\n"
        "Start Port    End Port\r\n----------    --------\r\n     50060       50159\r\n\r\n";
    read_text(&r, "udp.txt", udp, sizeof udp - 1);
    assert_true(r.ok);
    assert_int_equal(r.st->nexcluded, 0);
    assert_false(r.st->given[BIND_STATE_EXCLUDED4]);
    done(&r);

    /* UTF-16LE with its mark, as Windows PowerShell's `>` writes. */
    static const char ascii[] = "netsh http show iplisten\r\n\r\nIP addresses present in the IP listen list:\r\n"
                                "-------------------------------------------\r\n\r\n    ::\r\n\r\n";
    size_t n = sizeof ascii - 1;
    char *u = malloc(2 * n + 2);
    u[0] = (char)0xFF;
    u[1] = (char)0xFE;
    for (size_t i = 0; i < n; i++) { u[2 + 2 * i] = ascii[i]; u[3 + 2 * i] = 0; }
    read_text(&r, "ps.txt", u, 2 * n + 2);
    free(u);
    assert_true(r.ok);
    assert_int_equal(r.st->niplisten, 1);
    assert_int_equal(r.st->iplisten[0].addr.kind, BIND_ADDR_ANY6);
    done(&r);

    static const char json[] =
        "netsh http show sslcert json=enable\r\n"
        "{ \"SslCertificateBindings\": [ { \"IPPort\": \"0.0.0.0:443\", "
        "\"CertificateHash\": \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\", "
        "\"AppId\": \"{4dc3e181-e14b-4a21-b022-59fc669b0914}\", \"CertStoreName\": \"My\" } ] }\r\n";
    read_text(&r, "json.txt", json, sizeof json - 1);
    assert_true(r.ok);
    assert_int_equal(r.diags.list.len, 0);
    assert_int_equal(r.st->nsslcerts, 1);
    assert_string_equal(r.st->sslcerts[0].store, "My");
    assert_false(r.st->sslcerts[0].flags_known);
    done(&r);

    /* A command bindc does not read: said, and left out. */
    static const char other[] = "netsh http show servicestate\r\n\r\nSnapshot of HTTP service state (Server Session View):\r\n"
                                "netsh http show iplisten\r\n\r\nIP addresses present in the IP listen list:\r\n"
                                "-------------------------------------------\r\n\r\n";
    read_text(&r, "other.txt", other, sizeof other - 1);
    assert_true(r.ok);
    assert_int_equal(count(&r, BIND_W0502), 1);
    assert_true(r.st->given[BIND_STATE_IPLISTEN] && r.st->complete[BIND_STATE_IPLISTEN]);
    done(&r);
}

/* ---- who a reservation lets in ------------------------------------------------- */

static void test_state_grants(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    const char *users[] = { "DEVBOX\\bob" };
    bind_state_urlacl u = { .url = "http://localhost:80/", .sddl = "D:(A;;GX;;;S-1-5-21-1-2-3-1002)", .users = users, .nusers = 1 };
    assert_int_equal(bind_state_grants(a, &u, NULL), BIND_GRANT_NO);
    assert_int_equal(bind_state_grants(a, &u, "DEVBOX\\bob"), BIND_GRANT_YES);
    assert_int_equal(bind_state_grants(a, &u, "devbox\\BOB"), BIND_GRANT_YES);
    assert_int_equal(bind_state_grants(a, &u, "DEVBOX\\alice"), BIND_GRANT_NO);
    assert_int_equal(bind_state_grants(a, &u, "s-1-5-21-1-2-3-1002"), BIND_GRANT_YES);
    assert_int_equal(bind_state_grants(a, &u, "S-1-5-21-1-2-3-1003"), BIND_GRANT_NO);
    u.nusers = 0;                                                     /* names not read: cannot tell */
    assert_int_equal(bind_state_grants(a, &u, "DEVBOX\\bob"), BIND_GRANT_UNKNOWN);
    u.sddl = "D:(A;;GX;;;WD)";
    assert_int_equal(bind_state_grants(a, &u, NULL), BIND_GRANT_YES);
    assert_int_equal(bind_state_grants(a, &u, "DEVBOX\\alice"), BIND_GRANT_YES);
    u.sddl = "D:(A;;GX;;;NS)";                                        /* an alias: S-1-5-20 */
    assert_int_equal(bind_state_grants(a, &u, "S-1-5-20"), BIND_GRANT_YES);
    assert_int_equal(bind_state_grants(a, &u, "Everyone"), BIND_GRANT_NO);
    u.sddl = "D:(A;;GX;;;AU)";                                        /* Authenticated Users: any account */
    assert_int_equal(bind_state_grants(a, &u, "DEVBOX\\alice"), BIND_GRANT_YES);
    assert_int_equal(bind_state_grants(a, &u, NULL), BIND_GRANT_NO);
    u.sddl = "D:(A;;GR;;;WD)";                                        /* read is not listen */
    assert_int_equal(bind_state_grants(a, &u, NULL), BIND_GRANT_NO);
    u.sddl = "D:(A;;0x20000000;;;WD)";                                /* GENERIC_EXECUTE as a number */
    assert_int_equal(bind_state_grants(a, &u, NULL), BIND_GRANT_YES);
    u.sddl = "D:(D;;GX;;;WD)(A;;GX;;;WD)";                            /* denied first */
    assert_int_equal(bind_state_grants(a, &u, NULL), BIND_GRANT_NO);
    u.sddl = NULL;
    assert_int_equal(bind_state_grants(a, &u, NULL), BIND_GRANT_UNKNOWN);
    u.sddl = "D:(A;;GX;;;S-1-5-80-1)(A;;GX;;;S-1-5-80-2)";
    u.nusers = 0;
    assert_string_equal(bind_state_holders(a, &u), "S-1-5-80-1 and S-1-5-80-2");
    const char *two[] = { "NT SERVICE\\WinRM", "NT SERVICE\\Wecsvc" };
    u.users = two;
    u.nusers = 2;
    assert_string_equal(bind_state_holders(a, &u), "NT SERVICE\\WinRM and NT SERVICE\\Wecsvc");
    bind_arena_free(a);
}

/* ---- the checks, the router, the scripts ------------------------------------------ */

static bind_compilation *compile_with(const char *text, const char *const *captures)
{
    bind_compilation *c = bind_compilation_new();
    bind_compilation_add_text(c, "t.bind", text, strlen(text));
    c->state_reader = bind_state_read;
    for (; *captures; captures++) {
        char path[512];
        int err = 0;
        snprintf(path, sizeof path, STATES "%s", *captures);
        assert_true(bind_compilation_add_state(c, path, &err));
    }
    bind_compilation_check(c);
    return c;
}

static void test_state_checks(void **state)
{
    (void)state;
    static const char *const bob[] = { "urlacl-bob-en.txt", NULL };
    bind_compilation *c = compile_with("platform iis-express\ndefaults {\n    acl = 'DEVBOX\\alice'\n}\n"
                                       "site Dev {\n    http *:80:localhost\n}\n", bob);
    assert_string_equal(codes_of(c), "W0503 W0401");
    bind_compilation_free(c);
    /* Without a reader, --state cannot be read; a missing file is an errno. */
    c = bind_compilation_new();
    int err = 0;
    assert_false(bind_compilation_add_state(c, STATES "urlacl-bob-en.txt", &err));
    c->state_reader = bind_state_read;
    assert_false(bind_compilation_add_state(c, STATES "no-such-file.txt", &err));
    assert_int_not_equal(err, 0);
    bind_compilation_free(c);
    /* An error of the .bind: the machine is not compared. */
    c = compile_with("platform iis-express\nsite Dev {\n    http *:80:localhost\n    htps *:81:localhost\n}\n", bob);
    assert_int_equal(count_code(c, BIND_W0503, 0, 0), 0);
    assert_int_equal(count_code(c, BIND_E0101, 0, 0), 1);
    bind_compilation_free(c);
    /* E0501 is no error of the .bind: the other state is still compared,
     * and so are the route checks. */
    static const char *const mixed[] = { "not-a-capture.txt", "urlacl-bob-en.txt", NULL };
    c = compile_with("platform iis-express\ndefaults {\n    acl = 'DEVBOX\\alice'\n}\nsite Dev {\n    http *:80:localhost\n}\n", mixed);
    assert_int_equal(count_code(c, BIND_E0501, 0, 0), 1);
    assert_int_equal(count_code(c, BIND_W0503, 0, 0), 1);
    bind_compilation_free(c);
}

/* Microsoft's "UrlPrefix Strings" example, through the machine router. */
static const char *answer(bind_compilation *c, const char *host, uint16_t port, const char *path, bind_arena *a)
{
    bind_route_machine *rm = bind_route_machine_new(c->model, c->state);
    bind_route_request rq = { BIND_PROTO_HTTP, { 0 }, port, host };
    rq.local = bind_route_unnamed_addr(c->model, 4);
    bind_route_machine_answer ans;
    bind_route_machine_resolve(rm, &rq, path, a, &ans);
    const char *out = ans.r.binding ? ans.r.binding->site->name : bind_arena_printf(a, "%d", ans.status);
    bind_route_machine_free(rm);
    return out;
}

static void test_state_route(void **state)
{
    (void)state;
    bind_arena *a = bind_arena_new();
    static const char *const vroot[] = { "urlprefix-vroot-en.txt", NULL };
    bind_compilation *c = compile_with("platform iis-express\ndefaults {\n    acl = 'ADATUM\\web'\n}\n"
                                       "site App2 {\n    http *:80:adatum.com\n}\nsite App3 {\n    http *:80:\n}\n", vroot);
    assert_string_equal(answer(c, "adatum.com", 80, "/vroot/page", a), "503");
    assert_string_equal(answer(c, "adatum.com:80", 80, "/other", a), "App2");
    assert_string_equal(answer(c, "contoso.com", 80, "/", a), "App3");
    assert_string_equal(answer(c, "contoso.com", 80, "/VROOT/x", a), "503");
    assert_string_equal(answer(c, "contoso.com", 81, "/", a), "0");      /* nothing listens: no site, no status */
    bind_compilation_free(c);
    static const char *const userb[] = { "urlprefix-userb-en.txt", NULL };
    c = compile_with("platform iis-express\ndefaults {\n    acl = 'ADATUM\\app1'\n}\nsite App1 {\n    http *:80:\n}\n", userb);
    assert_string_equal(answer(c, "adatum.com", 80, "/vroot/", a), "503");
    assert_string_equal(answer(c, "contoso.com", 80, "/vroot/", a), "App1");
    bind_compilation_free(c);
    /* Full IIS registers `*` for a catch-all ("All Unassigned"), so a `+`
     * reservation nobody registers takes the requests of every binding of
     * the port: 503, host names and catch-all alike. */
    static const char *const rs[] = { "urlacl-reportserver-en.txt", NULL };
    c = compile_with("site Shop {\n    http *:80:shop.example\n}\nsite Fallback {\n    http *:80:\n}\n", rs);
    assert_int_equal(count_code(c, BIND_W0503, 0, 0), 0);
    assert_int_equal(count_code(c, BIND_W0504, 0, 0), 2);
    assert_string_equal(answer(c, "shop.example", 80, "/", a), "503");
    assert_string_equal(answer(c, "shop.example", 80, "/reportserver/x", a), "503");
    bind_compilation_free(c);
    bind_arena_free(a);
}

/* The scripts leave out what the machine has as they would set it, and
 * keep what differs or cannot be told. */
static void test_state_scripts_trimmed(void **state)
{
    (void)state;
    static const char *const devbox[] = { "devbox-en.txt", NULL };
    static const char text[] = "platform iis-express\ndefaults {\n    acl = Everyone\n}\n"
                               "cert shop {\n    thumbprint = 3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n}\n"
                               "site Dev {\n    http *:80:localhost\n    https *:443:localhost cert=shop\n"
                               "    http *:8080:devbox\n}\n";
    bind_compilation *c = compile_with(text, devbox);
    bind_buf report;
    bind_buf_init(&report);
    bind_emit_ctx cx = { .arena = c->arena, .diags = &c->diags, .state = c->state, .report = &report };
    bind_http_sys_plan p;
    assert_true(bind_http_sys_plan_build(c->model, &cx, &p));
    assert_int_equal(p.nkept, 3);
    assert_int_equal(p.nurl_acls, 1);
    assert_string_equal(p.url_acls[0].url, "http://devbox:8080/");
    assert_int_equal(p.nssl, 0);
    const char **lines;
    assert_int_equal(bind_http_sys_kept_lines(&p, &c->sources, &cx, false, "netsh-revert.cmd", &lines), 5);
    assert_non_null(strstr(lines[2], "URL ACL http://localhost:80/ (devbox-en.txt:12)"));
    assert_non_null(strstr(report.data, "left out, this machine has it already (--state): URL ACL http://localhost:80/"));
    bind_buf_free(&report);
    bind_compilation_free(c);

    /* The same grantee by another SDDL, a store shown as (null), another
     * certificate: kept, for the script to look at. */
    static const char *const other[] = { "sslcert-other-en.txt", "urlacl-bob-en.txt", NULL };
    c = compile_with(text, other);
    bind_emit_ctx cx2 = { .arena = c->arena, .diags = &c->diags, .state = c->state };
    assert_true(bind_http_sys_plan_build(c->model, &cx2, &p));
    assert_int_equal(p.nkept, 0);
    assert_int_equal(p.nurl_acls, 3);
    assert_int_equal(p.nssl, 1);
    bind_compilation_free(c);

    /* An account name: one entry granting listening, and netsh naming it. */
    static const char *const bobs[] = { "urlacl-bob-en.txt", NULL };
    c = compile_with("platform iis-express\ndefaults {\n    acl = 'DEVBOX\\bob'\n}\nsite Dev {\n    http *:80:localhost\n}\n", bobs);
    bind_emit_ctx cx3 = { .arena = c->arena, .diags = &c->diags, .state = c->state };
    assert_true(bind_http_sys_plan_build(c->model, &cx3, &p));
    assert_int_equal(p.nkept, 1);
    assert_int_equal(p.nurl_acls, 0);
    assert_int_equal(p.nsid_lookups, 0);                             /* nothing left to look up */
    bind_compilation_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_devbox_five_parts),
        cmocka_unit_test(test_state_german),
        cmocka_unit_test(test_state_cut),
        cmocka_unit_test(test_state_unknown_language),
        cmocka_unit_test(test_state_not_captures),
        cmocka_unit_test(test_state_forms),
        cmocka_unit_test(test_state_grants),
        cmocka_unit_test(test_state_checks),
        cmocka_unit_test(test_state_route),
        cmocka_unit_test(test_state_scripts_trimmed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
