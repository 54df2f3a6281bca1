/* The netsh, netsh-revert, httpcfg and httpcfg-revert targets.
 *
 * The IIS Express scenarios of Microsoft's "Handling URL Binding Failures in
 * IIS Express" must give the commands that article documents; full IIS,
 * SNI, CCS and iplisten give the records HTTP.sys needs; each record is
 * looked at before the script changes any, and deleted only on the path
 * that replaces a record there (after its text is kept); the reverts delete
 * exactly what the forward script adds, in the reverse order, and put back
 * what it replaced; and every line of every script is read through a model
 * of cmd.exe and CommandLineToArgvW (cmd_model.h) to show that hostile names
 * arrive as exactly the intended arguments.  That the scripts do what they
 * say when run is tests/scripts/test_http_sys_scripts.sh (Wine's cmd.exe). */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "emit_target.h"
#include "cmd_model.h"
#include "backend/cmd_exe_quote.h"

#define DEV_THUMB "00112233445566778899AABBCCDDEEFF00112233"
#define IIS_APPID "{4dc3e181-e14b-4a21-b022-59fc669b0914}"
/* The appid the IIS Express installer binds the development certificate with. */
#define DEV_APPID "{214124cd-d05b-4309-9af9-9caa44b2b74a}"
#define SID "S-1-5-21-1004336348-1177238915-682003330-1001"

/* What the look-ups put in the environment when the script runs, plus
 * variables a careless `%` would expand. */
static const cmd_model_env run_env = {
    { "BINDC_THUMBPRINT_1", "BINDC_THUMBPRINT_2", "BINDC_SID_1", "BINDC_SID_2", "PATH", "X" },
    { DEV_THUMB, DEV_THUMB, SID, SID, "EXPANDED-PATH", "EXPANDED-X" }, 6,
};

typedef struct emitted {
    bind_compilation *c;
    char *text;            /* NUL-terminated script */
    bool ok;
    char **lines;          /* without CRLF */
    int nlines;
} emitted;

/* Every script: CRLF after every line, nothing else ends a line, ASCII
 * printable only, no line longer than cmd.exe reads; and every line reads
 * in the model without an open quote or a dangling caret, every netsh and
 * httpcfg line as one command whose only redirections discard output. */
static void check_script(emitted *e)
{
    const char *p = e->text;
    size_t len = strlen(p);
    assert_true(len >= 2);
    assert_memory_equal(p + len - 2, "\r\n", 2);
    e->lines = NULL;
    e->nlines = 0;
    while (*p) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true((size_t)(eol - p) <= BIND_CMD_QUOTE_MAX_LINE);
        for (const char *q = p; q < eol; q++) assert_true(*q >= 0x20 && *q < 0x7f);
        e->lines = realloc(e->lines, (size_t)(e->nlines + 1) * sizeof *e->lines);
        e->lines[e->nlines++] = strndup(p, (size_t)(eol - p));
        p = eol + 2;
    }
    /* Steps are numbered 1..N with the same N. */
    unsigned step = 0, total = 0;
    for (int i = 0; i < e->nlines; i++) {
        unsigned k, n;
        if (sscanf(e->lines[i], "echo [%u/%u]", &k, &n) != 2) continue;
        assert_int_equal(k, ++step);
        if (!total) total = n;
        assert_int_equal(n, total);
    }
    assert_int_equal(step, total);
    for (int i = 0; i < e->nlines; i++) {
        const char *l = e->lines[i];
        /* Forms Wine's cmd.exe reads otherwise than Windows' (see
         * backend/http_sys_script.c): `if /i` after another `if`, a `/i` of
         * a command after a string comparison, findstr, fc, delayed expansion. */
        if (strncmp(l, "if ", 3) == 0 && strncmp(l, "if /i ", 6) != 0) {
            if (strstr(l + 3, " if /i ")) fail_msg("`if /i` after `if`: %s", l);
            const char *c = l + 3;
            if (strncmp(c, "not ", 4) == 0) c += 4;
            const char *cmp = *c == '"' ? strstr(c, "\"==\"") : NULL;
            const char *rest = cmp ? strchr(cmp + 4, '"') : NULL;
            if (rest) {
                for (rest++; *rest == ' '; rest++) {}
                if (*rest != '(' && strstr(rest, " /i ")) fail_msg("a command with `/i` after `if \"..\"==\"..\"`: %s", l);
            }
        }
        if (strstr(l, "findstr") || strncmp(l, "fc ", 3) == 0 || strstr(l, "EnableDelayedExpansion"))
            fail_msg("a form Wine's cmd.exe lacks: %s", l);
        cmd_model_line L;
        cmd_model_parse(l, &run_env, &L);
        assert_false(L.open_quote);
        assert_false(L.continuation);
        for (int j = 0; j < L.ncmd; j++) if (strcmp(L.op[j], "||") == 0) fail_msg("`||` (Wine runs its right side after a success): %s", l);
        if (strncmp(e->lines[i], "netsh ", 6) == 0 || strncmp(e->lines[i], "httpcfg ", 8) == 0) {
            assert_int_equal(L.ncmd, 1);
            assert_string_equal(L.op[0], "");
            for (int r = 0; r < L.cmd[0].nredirect; r++)
                assert_true(strcmp(L.cmd[0].redirect[r], ">nul") == 0 || strcmp(L.cmd[0].redirect[r], "2>&1") == 0 ||
                            strncmp(L.cmd[0].redirect[r], ">\"", 2) == 0);
        }
        cmd_model_free(&L);
    }
}

static emitted emit_on(bind_compilation *c, const char *target)
{
    emitted e;
    memset(&e, 0, sizeof e);
    e.c = c;
    assert_non_null(bind_backend_find(target));
    bind_buf b;
    bind_buf_init(&b);
    e.ok = emit_target(c, target, NULL, NULL, 0, &b);
    bind_buf_putc(&b, '\0');
    e.text = b.data;
    if (e.ok) check_script(&e);
    return e;
}

/* Compiles `src` (which must check without errors) and emits `target`. */
static emitted emit_text(const char *src, const char *target)
{
    bind_compilation *c = compile_text(src);
    if (bind_diag_has_errors(&c->diags, false)) fail_msg("input has errors: %s", codes_of(c));
    return emit_on(c, target);
}

static void release(emitted *e, bool free_compilation)
{
    for (int i = 0; i < e->nlines; i++) free(e->lines[i]);
    free(e->lines);
    free(e->text);
    if (free_compilation) bind_compilation_free(e->c);
}

static int find(const emitted *e, const char *line)
{
    for (int i = 0; i < e->nlines; i++) if (strcmp(e->lines[i], line) == 0) return i;
    return -1;
}

static int count_prefix(const emitted *e, const char *prefix)
{
    int n = 0;
    for (int i = 0; i < e->nlines; i++) n += strncmp(e->lines[i], prefix, strlen(prefix)) == 0;
    return n;
}

static int find_prefix(const emitted *e, const char *prefix)
{
    for (int i = 0; i < e->nlines; i++) if (strncmp(e->lines[i], prefix, strlen(prefix)) == 0) return i;
    return -1;
}

static const char *str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *str(const char *fmt, ...)
{
    static char bufs[4][4096];
    static int at;
    char *b = bufs[at++ % 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof bufs[0], fmt, ap);
    va_end(ap);
    return b;
}

static bool starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }
static bool ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The line that stops the script when a record there is not as it sets it. */
static int stop_line(const emitted *e)
{
    int stop = find_prefix(e, "if defined BINDC_CONFLICTS if not defined BINDC_REPLACE (echo bindc: nothing was changed.");
    assert_true(stop > 0);
    return stop;
}

/* A record the forward script sets: `show` looks at it before the stop
 * line; after it, `add` runs when it was not there (`:bindc_add_K` right
 * before it), and what it then shows is kept as SLUG.added.txt; `replace`
 * (its delete, or a firewall rule's rename) runs only on the path that
 * replaces a record there, once that record's text is kept as
 * SLUG.replaced.txt.  Returns K. */
static int assert_look_then_add(const emitted *e, const char *show, const char *replace, const char *add)
{
    int stop = stop_line(e);
    int look = find(e, str("%s >\"%%BINDC_CUR%%\" 2>&1", show));
    if (look < 0) fail_msg("missing look: %s\n--- script ---\n%s", show, e->text);
    int a = find(e, add);
    if (a < 0) fail_msg("missing line: %s\n--- script ---\n%s", add, e->text);
    assert_true(look < stop && stop < a);
    int k = 0;
    assert_int_equal(sscanf(e->lines[a - 1], ":bindc_add_%d", &k), 1);
    assert_string_equal(e->lines[a - 2], "if errorlevel 1 goto bindc_failed");
    assert_string_equal(e->lines[a - 3], replace);
    int branch = find(e, str("if \"%%BINDC_S_%d%%\"==\"new\" goto bindc_add_%d", k, k)), saved = -1;
    assert_true(branch > stop && branch < a - 3);
    for (int i = branch + 1; i < a - 3; i++)
        if (starts(e->lines[i], "if not exist \"%BINDC_DIR%\\") && strstr(e->lines[i], show) && ends(e->lines[i], ".replaced.txt\" 2>&1"))
            saved = i;
    assert_true(saved > 0);
    assert_string_equal(e->lines[a + 1], "if errorlevel 1 goto bindc_failed");
    assert_true(starts(e->lines[a + 2], show) && ends(e->lines[a + 2], ".added.txt\" 2>&1"));
    return k;
}

/* A record the revert removes: looked at before the stop line, deleted
 * after it only when it is there and netsh.cmd added it. */
static int assert_look_then_delete(const emitted *e, const char *show, const char *del)
{
    int stop = stop_line(e);
    int look = find(e, str("%s >\"%%BINDC_CUR%%\" 2>&1", show));
    int d = find(e, del);
    if (look < 0 || d < 0) fail_msg("missing look or delete: %s / %s\n--- script ---\n%s", show, del, e->text);
    assert_true(look < stop && stop < d);
    int k = 0;
    assert_int_equal(sscanf(e->lines[d - 1], "if \"%%BINDC_S_%d%%\"==\"gone\" goto bindc_back_", &k), 1);
    /* (an XP port opening reads the mode its added text shows in between) */
    int notours = find_prefix(e, str("if \"%%BINDC_S_%d%%\"==\"notours\" (echo        not added by ", k));
    assert_true(notours == d - 2 || (notours == d - 4 && starts(e->lines[d - 3], "call :bindc_port ")));
    assert_string_equal(e->lines[d + 1], "if errorlevel 1 goto bindc_failed");
    return k;
}

/* What the revert's step K puts back when the forward script replaced a
 * record: `line`, reached only when SLUG.replaced.txt is there. */
static void assert_puts_back(const emitted *e, int k, const char *line)
{
    int back = find(e, str(":bindc_back_%d", k)), at = find(e, line);
    if (at < 0) fail_msg("missing line: %s\n--- script ---\n%s", line, e->text);
    assert_true(back > 0 && back < at && at < find(e, str(":bindc_%d", k)));
    assert_true(starts(e->lines[back + 2], "if not exist \"%BINDC_DIR%\\") && ends(e->lines[back + 2], str(".replaced.txt\" goto bindc_%d", k)));
}

/* The revert's first `netsh http add sslcert` of a replaced binding, in
 * :bindc_put_ssl, its key in %~1: its hash and appid, and the settings
 * netsh shows as values (store, the two counts, the CTL); netsh's defaults
 * for the rest. */
#define NETSH_PUT_BACK \
    "netsh http add sslcert %~1 certhash=\"%BINDC_R_HASH%\" appid=\"%BINDC_R_APPID%\" " \
    "%BINDC_A_1% %BINDC_A_5% %BINDC_A_6% %BINDC_A_7% %BINDC_A_8%"

/* A line of :bindc_put_ssl as the call with `key` runs it. */
static const char *called(const char *line, const char *key)
{
    static char buf[4096];
    const char *p = strstr(line, "%~1");
    assert_non_null(p);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - line), line, key, p + 3);
    return buf;
}

/* The revert's step K puts back the SSL binding KEY that the forward script
 * replaced (its text in SLUG.replaced.txt) with one call of the
 * subroutine SUB, whose lines include `line`. */
static void assert_puts_back_ssl(const emitted *e, int k, const char *sub, const char *key, const char *slug, const char *line)
{
    assert_puts_back(e, k, str("call :%s \"%s\" \"%%BINDC_DIR%%\\%s.replaced.txt\"", sub, key, slug));
    int at = find(e, str(":%s", sub)), add = find(e, line), end = at;
    while (end >= 0 && end < e->nlines && strcmp(e->lines[end], "exit /b 0") != 0) end++;
    if (add < 0) fail_msg("missing line: %s\n--- script ---\n%s", line, e->text);
    assert_true(at > 0 && at < add && add < end);
}

/* The arguments a program receives from line i. */
static void assert_argv(const emitted *e, int i, const char *const *want, int n)
{
    assert_true(i >= 0);
    cmd_model_line L;
    cmd_model_parse(e->lines[i], &run_env, &L);
    assert_int_equal(L.ncmd, 1);
    assert_int_equal(L.cmd[0].argc, n);
    for (int k = 0; k < n; k++) assert_string_equal(L.cmd[0].argv[k], want[k]);
    cmd_model_free(&L);
}

/* ---- Microsoft's IIS Express scenarios ------------------------------------ */

static void test_emit_netsh_reserved_port_80(void **state)
{
    (void)state;
    const char *src = "platform iis-express\nsite A {\n    http *:80:localhost\n}\n";
    emitted e = emit_text(src, "netsh");
    assert_true(e.ok);
    assert_string_equal(e.lines[0], "@echo off");
    int setl = find(&e, "setlocal EnableExtensions DisableDelayedExpansion"), admin = find(&e, "fltmc >nul 2>&1");
    assert_true(setl > 0 && admin > setl && admin < find_prefix(&e, "netsh "));
    assert_string_equal(e.lines[admin + 1], "if errorlevel 1 (echo bindc: run this script as an administrator, "
                                            "from an elevated command prompt.& exit /b 1)");
    assert_look_then_add(&e, "netsh http show urlacl url=http://localhost:80/", "netsh http delete urlacl url=http://localhost:80/",
                         "netsh http add urlacl url=http://localhost:80/ sddl=D:(A;;GX;;;WD)");
    /* The same grantee there already is left alone. */
    assert_true(find(&e, "if \"%BINDC_S_1%\"==\"other\" (call :bindc_has \"D:(A;;GX;;;WD)\" & if defined BINDC_HAS set \"BINDC_S_1=same\")") > 0);
    assert_int_equal(count_prefix(&e, "netsh http add "), 1);
    assert_int_equal(count_prefix(&e, "netsh http delete "), 1);
    assert_int_equal(count_prefix(&e, "netsh advfirewall"), 0);     /* localhost: no external traffic */
    const char *argv[] = { "netsh", "http", "add", "urlacl", "url=http://localhost:80/", "sddl=D:(A;;GX;;;WD)" };
    assert_argv(&e, find_prefix(&e, "netsh http add urlacl"), argv, 6);
    release(&e, true);

    /* The revert deletes it only when netsh.cmd added it, and puts back a
     * reservation netsh.cmd replaced, from the SDDL its text shows. */
    e = emit_text(src, "netsh-revert");
    assert_true(e.ok);
    int k = assert_look_then_delete(&e, "netsh http show urlacl url=http://localhost:80/", "netsh http delete urlacl url=http://localhost:80/");
    assert_int_equal(count_prefix(&e, "netsh http delete "), 1);
    assert_int_equal(count_prefix(&e, "netsh http add "), 1);
    assert_puts_back(&e, k, "netsh http add urlacl url=http://localhost:80/ sddl=\"%BINDC_R_SDDL%\"");
    release(&e, true);

    e = emit_text(src, "httpcfg");
    assert_look_then_add(&e, "httpcfg query urlacl /u http://localhost:80/", "httpcfg delete urlacl /u http://localhost:80/",
                         "httpcfg set urlacl /u http://localhost:80/ /a D:(A;;GX;;;WD)");
    admin = find(&e, "net session >nul 2>&1");
    assert_true(admin > 0 && admin < find_prefix(&e, "httpcfg "));
    assert_string_equal(e.lines[admin + 1], "if errorlevel 1 (echo bindc: run this script as an administrator, "
                                            "from an elevated command prompt.& exit /b 1)");
    release(&e, true);
    e = emit_text(src, "httpcfg-revert");
    k = assert_look_then_delete(&e, "httpcfg query urlacl /u http://localhost:80/", "httpcfg delete urlacl /u http://localhost:80/");
    assert_int_equal(count_prefix(&e, "httpcfg set"), 1);
    assert_puts_back(&e, k, "httpcfg set urlacl /u http://localhost:80/ /a \"%BINDC_R_SDDL%\"");
    release(&e, true);
}

static void test_emit_netsh_external_host_8080(void **state)
{
    (void)state;
    const char *src = "platform iis-express\nsite A {\n    http *:8080:myhostname\n}\n";
    emitted e = emit_text(src, "netsh");
    assert_look_then_add(&e, "netsh http show urlacl url=http://myhostname:8080/", "netsh http delete urlacl url=http://myhostname:8080/",
                         "netsh http add urlacl url=http://myhostname:8080/ sddl=D:(A;;GX;;;WD)");
    /* A rule of that name that netsh.cmd did not add is renamed and turned
     * off, not deleted: the revert turns it back. */
    assert_look_then_add(&e, "netsh advfirewall firewall show rule name=\"bindc TCP 8080\"",
                         "netsh advfirewall firewall set rule name=\"bindc TCP 8080\" new name=\"bindc TCP 8080, kept by bindc\" enable=no",
                         "netsh advfirewall firewall add rule name=\"bindc TCP 8080\" dir=in action=allow protocol=TCP localport=8080");
    assert_int_equal(count_prefix(&e, "netsh advfirewall firewall delete"), 0);
    const char *argv[] = { "netsh", "advfirewall", "firewall", "add", "rule", "name=bindc TCP 8080",
                           "dir=in", "action=allow", "protocol=TCP", "localport=8080" };
    assert_argv(&e, find_prefix(&e, "netsh advfirewall firewall add"), argv, 10);
    /* The URL ACL comes before the firewall rule. */
    assert_true(find_prefix(&e, "netsh http add urlacl") < find_prefix(&e, "netsh advfirewall firewall add"));
    release(&e, true);

    e = emit_text(src, "netsh-revert");
    int rule = assert_look_then_delete(&e, "netsh advfirewall firewall show rule name=\"bindc TCP 8080\"",
                                       "netsh advfirewall firewall delete rule name=\"bindc TCP 8080\"");
    int acl = assert_look_then_delete(&e, "netsh http show urlacl url=http://myhostname:8080/", "netsh http delete urlacl url=http://myhostname:8080/");
    assert_true(find(&e, "netsh advfirewall firewall delete rule name=\"bindc TCP 8080\"") <
                find(&e, "netsh http delete urlacl url=http://myhostname:8080/"));
    assert_true(rule == 1 && acl == 2);
    /* The kept rule is renamed back and turned on, then off again when it
     * then shows otherwise than its text said. */
    assert_puts_back(&e, rule, "netsh advfirewall firewall set rule name=\"bindc TCP 8080, kept by bindc\" new name=\"bindc TCP 8080\" enable=yes");
    assert_puts_back(&e, rule, "if not \"%BINDC_SIG%\"==\"%BINDC_WAS%\" netsh advfirewall firewall set rule name=\"bindc TCP 8080\" new enable=no");
    release(&e, true);

    e = emit_text(src, "httpcfg");
    assert_true(find(&e, "httpcfg set urlacl /u http://myhostname:8080/ /a D:(A;;GX;;;WD)") > 0);
    assert_look_then_add(&e, "netsh firewall show portopening", "netsh firewall delete portopening protocol=TCP port=8080",
                         "netsh firewall add portopening protocol=TCP port=8080 name=\"bindc TCP 8080\"");
    /* The XP firewall keeps one opening per port: one of another name there
     * is another record, found by its port. */
    assert_true(find(&e, "call :bindc_port 8080 \"%BINDC_CUR%\"") > 0);
    release(&e, true);
    e = emit_text(src, "httpcfg-revert");
    int port = assert_look_then_delete(&e, "netsh firewall show portopening", "netsh firewall delete portopening protocol=TCP port=8080");
    assert_puts_back(&e, port, "netsh firewall add portopening protocol=TCP port=8080 name=\"%BINDC_PORT_NAME%\" mode=%BINDC_M%");
    release(&e, true);

    /* firewall=off: the administrator opens the port some other way. */
    e = emit_text("platform iis-express\nsite A {\n    http *:8080:myhostname firewall=off\n}\n", "netsh");
    assert_int_equal(count_prefix(&e, "netsh advfirewall"), 0);
    assert_int_equal(count_prefix(&e, "netsh http add urlacl"), 1);
    release(&e, true);
}

static void test_emit_netsh_ssl_443_dev_cert(void **state)
{
    (void)state;
    const char *src = "platform iis-express\nsite A {\n    https *:443:localhost\n}\n";
    emitted e = emit_text(src, "netsh");
    assert_look_then_add(&e, "netsh http show urlacl url=https://localhost:443/", "netsh http delete urlacl url=https://localhost:443/",
                         "netsh http add urlacl url=https://localhost:443/ sddl=D:(A;;GX;;;WD)");
    int k = assert_look_then_add(&e, "netsh http show sslcert ipport=0.0.0.0:443", "netsh http delete sslcert ipport=0.0.0.0:443",
                                 "netsh http add sslcert ipport=0.0.0.0:443 certhash=%BINDC_THUMBPRINT_1% "
                                 "appid=" DEV_APPID " certstorename=My");
    /* Left alone when it holds this certificate, appid and store. */
    assert_true(find(&e, str("if \"%%BINDC_S_%d%%\"==\"other\" (call :bindc_has \"%%BINDC_THUMBPRINT_1%%\" \"" DEV_APPID "\" \"My\" "
                             "& if defined BINDC_HAS set \"BINDC_S_%d=same\")", k, k)) > 0);
    const char *argv[] = { "netsh", "http", "add", "sslcert", "ipport=0.0.0.0:443", "certhash=" DEV_THUMB,
                           "appid=" DEV_APPID, "certstorename=My" };
    assert_argv(&e, find_prefix(&e, "netsh http add sslcert"), argv, 8);
    /* The development certificate's thumbprint is found when the script runs,
     * before any change; the command `for /f` runs is fixed text, and more
     * than one certificate of that name stops the script too. */
    int set = find(&e, "set \"BINDC_CERT_NAME_1=IIS Express Development Certificate\"");
    int look = find(&e, "for /f \"usebackq delims=\" %%T in (`powershell -NoProfile -NonInteractive -Command "
                        "\"Get-ChildItem -Path Cert:\\LocalMachine\\My | Where-Object { $_.HasPrivateKey -and "
                        "$_.FriendlyName -eq $env:BINDC_CERT_NAME_1 } | ForEach-Object { $_.Thumbprint }\"`) do call :bindc_found 1 %%T");
    int twice = find_prefix(&e, "if defined BINDC_TWICE_1 (echo bindc: more than one certificate in LocalMachine\\My has the friendly name");
    int stop = find_prefix(&e, "if not defined BINDC_THUMBPRINT_1 (echo bindc: no certificate");
    assert_true(set > 4 && look == set + 4 && twice == look + 1 && stop == look + 2);
    assert_true(stop < find_prefix(&e, "netsh "));
    assert_true(find(&e, "if defined BINDC_THUMBPRINT_%1 set \"BINDC_TWICE_%1=1\"") > find(&e, ":bindc_found"));
    release(&e, true);

    e = emit_text(src, "netsh-revert");
    int ssl = assert_look_then_delete(&e, "netsh http show sslcert ipport=0.0.0.0:443", "netsh http delete sslcert ipport=0.0.0.0:443");
    int acl = assert_look_then_delete(&e, "netsh http show urlacl url=https://localhost:443/", "netsh http delete urlacl url=https://localhost:443/");
    assert_true(ssl < acl);
    /* It adds only what netsh.cmd replaced, as its text says: no look-up. */
    assert_puts_back_ssl(&e, ssl, "bindc_put_ssl", "ipport=0.0.0.0:443", "sslcert-ipport-0.0.0.0_3a443", NETSH_PUT_BACK);
    /* ... with its settings: its values, then the switches it shows in words. */
    assert_puts_back_ssl(&e, ssl, "bindc_put_ssl", "ipport=0.0.0.0:443", "sslcert-ipport-0.0.0.0_3a443", NETSH_PUT_BACK " %BINDC_SW%");
    assert_int_equal(count_prefix(&e, "netsh http add"), 3);
    assert_int_equal(find_prefix(&e, "set \"BINDC_CERT_NAME_1"), -1);
    release(&e, true);

    e = emit_text(src, "httpcfg");
    assert_look_then_add(&e, "httpcfg query ssl /i 0.0.0.0:443", "httpcfg delete ssl /i 0.0.0.0:443",
                         "httpcfg set ssl /i 0.0.0.0:443 /h %BINDC_THUMBPRINT_1% /g \"" DEV_APPID "\"");
    const char *hargv[] = { "httpcfg", "set", "ssl", "/i", "0.0.0.0:443", "/h", DEV_THUMB, "/g", DEV_APPID };
    assert_argv(&e, find_prefix(&e, "httpcfg set ssl"), hargv, 9);
    assert_true(find(&e, "httpcfg set urlacl /u https://localhost:443/ /a D:(A;;GX;;;WD)") > 0);
    /* No PowerShell on Windows XP: the registry, searched for the name as it
     * keeps it (property 11, 72 bytes, UTF-16LE), worked out by bindc. */
    for (int i = 0; i < e.nlines; i++) assert_null(strstr(e.lines[i], "powershell"));
    int hex = find(&e, "set \"BINDC_HEX=0B00000001000000480000004900490053002000450078007000720065007300730020004400650076"
                       "0065006C006F0070006D0065006E0074002000430065007200740069006600690063006100740065000000\"");
    assert_true(hex > 0 && hex < find_prefix(&e, "httpcfg "));
    assert_string_equal(e.lines[hex + 1], "for /f \"delims=\" %%K in ('reg query \"HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\My\\Certificates\" "
                                          "2^>nul') do call :bindc_blob 1 \"%%K\"");
    assert_true(find(&e, "reg query %2 /v Blob 2>nul | find \"%BINDC_HEX%\" >nul") > find(&e, ":bindc_blob"));
    release(&e, true);
}

static void test_emit_netsh_ssl_44500_needs_no_url_acl(void **state)
{
    (void)state;
    emitted e = emit_text("platform iis-express\nsite A {\n    https *:44500:localhost\n}\n", "netsh");
    assert_int_equal(count_prefix(&e, "netsh http add urlacl"), 0);
    assert_int_equal(count_prefix(&e, "netsh http delete urlacl"), 0);
    assert_look_then_add(&e, "netsh http show sslcert ipport=0.0.0.0:44500", "netsh http delete sslcert ipport=0.0.0.0:44500",
                         "netsh http add sslcert ipport=0.0.0.0:44500 certhash=%BINDC_THUMBPRINT_1% "
                         "appid=" DEV_APPID " certstorename=My");
    release(&e, true);

    /* Inside 44300-44399 with the development certificate: set up already. */
    e = emit_text("platform iis-express\nsite A {\n    https *:44300:localhost\n    http *:51234:localhost\n}\n", "netsh");
    assert_int_equal(count_prefix(&e, "netsh "), 0);
    assert_int_equal(find_prefix(&e, "set \"BINDC_CERT_NAME"), -1);
    assert_int_equal(find_prefix(&e, "set \"BINDC_S_"), -1);
    assert_true(find(&e, "echo bindc: these bindings need no HTTP.sys settings on this platform.") > 0);
    release(&e, true);
}

static void test_emit_netsh_custom_cert_44300(void **state)
{
    (void)state;
    const char *src = "platform iis-express\n"
                      "cert mine {\n    thumbprint = \"3a:1b:9f:00:77:c2:4e:6d:0a:11:5b:2c:8d:3e:4f:50:61:72:83:94\"\n}\n"
                      "site A {\n    https *:44300:localhost cert=mine\n}\n";
    emitted e = emit_text(src, "netsh");
    /* Microsoft: delete the existing association first, then add yours.  The
     * installer's record (its appid says so) is replaced without /replace,
     * its text kept for the revert. */
    int k = assert_look_then_add(&e, "netsh http show sslcert ipport=0.0.0.0:44300", "netsh http delete sslcert ipport=0.0.0.0:44300",
                                 "netsh http add sslcert ipport=0.0.0.0:44300 certhash=3A1B9F0077C24E6D0A115B2C8D3E4F5061728394 "
                                 "appid=" IIS_APPID " certstorename=My");
    assert_true(find(&e, str("if /i \"%%BINDC_R_APPID%%\"==\"" DEV_APPID "\" if \"%%BINDC_S_%d%%\"==\"other\" "
                             "set \"BINDC_S_%d=platform\"", k, k)) < stop_line(&e));
    assert_int_equal(count_prefix(&e, "netsh http add "), 1);
    assert_int_equal(count_prefix(&e, "netsh http delete "), 1);
    assert_int_equal(find_prefix(&e, "set \"BINDC_CERT_NAME"), -1);      /* the forward script needs no look-up */
    release(&e, true);

    /* The revert deletes the custom binding and binds again what netsh.cmd
     * replaced, as its text says: the development certificate. */
    e = emit_text(src, "netsh-revert");
    k = assert_look_then_delete(&e, "netsh http show sslcert ipport=0.0.0.0:44300", "netsh http delete sslcert ipport=0.0.0.0:44300");
    assert_puts_back_ssl(&e, k, "bindc_put_ssl", "ipport=0.0.0.0:44300", "sslcert-ipport-0.0.0.0_3a44300", NETSH_PUT_BACK);
    assert_int_equal(find_prefix(&e, "set \"BINDC_CERT_NAME"), -1);
    release(&e, true);

    e = emit_text(src, "httpcfg-revert");
    k = assert_look_then_delete(&e, "httpcfg query ssl /i 0.0.0.0:44300", "httpcfg delete ssl /i 0.0.0.0:44300");
    assert_puts_back_ssl(&e, k, "bindc_put_ssl", "0.0.0.0:44300", "ssl-0.0.0.0_3a44300",
                         "httpcfg set ssl /i %~1 /h \"%BINDC_R_HASH%\" /g \"%BINDC_R_APPID%\" %BINDC_A_1% "
                         "%BINDC_A_2% %BINDC_A_3% %BINDC_A_4% %BINDC_A_5% %BINDC_A_6% %BINDC_A_7%");
    release(&e, true);

    /* On an exact address the custom binding is added beside the platform's,
     * which stays: a record there is someone else's. */
    e = emit_text("platform iis-express\ncert mine { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n"
                  "site A {\n    https 127.0.0.1:44301:localhost cert=mine\n}\n", "netsh");
    assert_int_equal(find_prefix(&e, "if /i \"%BINDC_R_APPID%\""), -1);
    release(&e, true);
}

/* A replaced SSL binding comes back with every setting netsh and httpcfg
 * can set, each read by the place of its line, never by its label. */
static void test_emit_netsh_ssl_put_back_every_setting(void **state)
{
    (void)state;
    const char *src = "platform iis10\ncert c { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n"
                      "site A {\n    https *:443: cert=c\n}\n";
    /* Replaced only when the revert can give every setting back. */
    emitted e = emit_text(src, "netsh");
    int look = find(&e, "if \"%BINDC_S_1%\"==\"other\" call :bindc_values \"%BINDC_CUR%\" NOW");
    int bad = find(&e, "if \"%BINDC_S_1%\"==\"other\" if defined BINDC_NOW_BAD set \"BINDC_S_1=unreadable\"");
    assert_true(look > 0 && bad == look + 1 && bad < stop_line(&e));
    /* ... no count where netsh shows one; more than the 20 settings bindc
     * knows (a newer Windows) do not stop it: the revert compares them. */
    assert_int_equal(find(&e, "if not defined BINDC_END if %BINDC_AT% GTR 20 set \"BINDC_BAD=1\""), -1);
    assert_true(find(&e, "if \"%BINDC_AT%\"==\"5\" call :bindc_count") > 0);
    assert_true(find(&e, "if \"%BINDC_AT%\"==\"6\" call :bindc_count") > 0);
    assert_int_equal(find(&e, ":bindc_ssl_args"), -1);
    release(&e, true);

    e = emit_text(src, "netsh-revert");
    /* Every switch netsh shows in words, in the order it shows them. */
    static const char *const sw[] = { "verifyclientcertrevocation=disable", "verifyrevocationwithcachedclientcertonly=enable",
                                      "usagecheck=disable", "dsmapperusage=enable", "clientcertnegotiation=enable",
                                      "reject=enable", "disablehttp2=enable", "disablequic=enable", "disabletls12=enable",
                                      "disabletls13=enable", "disableocspstapling=enable", "enabletokenbinding=enable",
                                      "logextendedevents=enable", "disablelegacytls=enable", "enablesessionticket=enable" };
    static const unsigned at[] = { 2, 3, 4, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };
    int prev = find(&e, ":bindc_switches");
    assert_true(prev > 0);
    for (size_t i = 0; i < sizeof sw / sizeof sw[0]; i++) {
        int l = find(&e, str("if not \"%%BINDC_WAS_%u%%\"==\"%%BINDC_NOW_%u%%\" set \"BINDC_SW=%%BINDC_SW%% %s\"", at[i], at[i], sw[i]));
        assert_true(l > prev);
        prev = l;
    }
    /* The values: a name in quotes when there is one, a count unless netsh's 0. */
    assert_true(find(&e, "if defined BINDC_WAS_1 if not \"%BINDC_WAS_1%\"==\"(null)\" set BINDC_A_1=certstorename=\"%BINDC_WAS_1%\"") > 0);
    assert_true(find(&e, "if defined BINDC_WAS_5 if not \"%BINDC_WAS_5%\"==\"0\" set \"BINDC_A_5=revocationfreshnesstime=%BINDC_WAS_5%\"") > 0);
    assert_true(find(&e, "if defined BINDC_WAS_8 if not \"%BINDC_WAS_8%\"==\"(null)\" set BINDC_A_8=sslctlstorename=\"%BINDC_WAS_8%\"") > 0);
    /* A value with cmd.exe's own characters reaches netsh as one argument. */
    cmd_model_env env = { { "BINDC_WAS_1", "BINDC_R_HASH", "BINDC_R_APPID", "BINDC_A_1", "BINDC_A_5", "BINDC_SW" },
                          { "Web & (Hosting)", "3a1b9f0077c24e6d0a115b2c8d3e4f5061728394", IIS_APPID,
                            "certstorename=\"Web & (Hosting)\"", "revocationfreshnesstime=3600", " disablehttp2=enable reject=enable" },
                          6 };
    cmd_model_line L;
    cmd_model_parse(e.lines[find_prefix(&e, "if defined BINDC_WAS_1 ")], &env, &L);
    assert_int_equal(L.ncmd, 1);
    assert_false(L.open_quote);
    assert_true(strstr(L.cmd[0].text, "set BINDC_A_1=certstorename=\"Web & (Hosting)\"") != NULL);
    cmd_model_free(&L);
    /* (%~1 is the key the step calls :bindc_put_ssl with, its quotes taken off) */
    cmd_model_parse(called(e.lines[find(&e, NETSH_PUT_BACK " %BINDC_SW%")], "ipport=0.0.0.0:443"), &env, &L);
    static const char appid[] = "appid=" IIS_APPID;
    const char *want[] = { "netsh", "http", "add", "sslcert", "ipport=0.0.0.0:443", "certhash=3a1b9f0077c24e6d0a115b2c8d3e4f5061728394",
                           appid, "certstorename=Web & (Hosting)", "revocationfreshnesstime=3600", "disablehttp2=enable",
                           "reject=enable" };
    assert_int_equal(L.ncmd, 1);
    assert_int_equal(L.cmd[0].argc, 11);
    for (int i = 0; i < 11; i++) assert_string_equal(L.cmd[0].argv[i], want[i]);
    cmd_model_free(&L);
    /* What then still reads otherwise is said, and the text stays. */
    int check = find_prefix(&e, "if not \"%BINDC_WAS_ALL%\"==\"%BINDC_NOW_ALL%\" (echo ");
    assert_true(check > find(&e, ":bindc_put_ssl") && strcmp(e.lines[check + 1], "del %2") == 0);
    assert_true(strstr(e.lines[check], "set \"BINDC_INEXACT=1\" & exit /b 0)") != NULL);
    /* ... and said again at the end of the script's run. */
    int said = find_prefix(&e, "if defined BINDC_INEXACT (echo bindc: done, but not every record is back exactly");
    assert_true(said > 0 && said < find(&e, ":bindc_put_ssl"));
    release(&e, true);

    /* httpcfg prints every setting as a number: given back as shown. */
    e = emit_text(src, "httpcfg-revert");
    assert_int_equal(find(&e, ":bindc_switches"), -1);
    assert_true(find(&e, "set \"BINDC_A_2=/m %BINDC_WAS_2%\"") > 0);
    assert_true(find(&e, "set \"BINDC_A_7=/f %BINDC_WAS_7%\"") > 0);
    assert_true(find(&e, "if defined BINDC_WAS_5 if not \"%BINDC_WAS_5%\"==\"(null)\" set BINDC_A_5=/t \"%BINDC_WAS_5%\"") > 0);
    assert_true(find(&e, "if defined BINDC_WAS_6 if not \"%BINDC_WAS_6%\"==\"(null)\" set BINDC_A_6=/n \"%BINDC_WAS_6%\"") > 0);
    release(&e, true);
}

/* ---- full IIS ------------------------------------------------------------- */

static const char *const full_iis =
    "platform iis10\n"
    "iplisten 10.0.0.1, ::\n"
    "defaults {\n    store = WebHosting\n}\n"
    "cert shop {\n    thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\"\n"
    "    appid = \"{00112233-4455-6677-8899-aabbccddeeff}\"\n}\n"
    "cert legacy {\n    thumbprint = \"0102030405060708090a0b0c0d0e0f1011121314\"\n    store = My\n}\n"
    "site Shop {\n"
    "    http  *:80:shop.example\n"
    "    https *:443:shop.example cert=shop sni\n"
    "    https *:443:www.shop.example cert=shop sni http2=off tls13=off\n"
    "    https *:443: cert=legacy\n"
    "    https [::]:8443: cert=legacy\n"
    "    https 10.0.0.1:443:www.other.example cert=legacy\n"
    "    https 10.0.0.1:443:other.example cert=legacy\n"
    "    https *:9443:ccs.example ccs\n"
    "    http  10.0.0.1:8080: firewall\n"
    "}\n";

static void test_emit_netsh_full_iis(void **state)
{
    (void)state;
    emitted e = emit_text(full_iis, "netsh");
    /* IIS registers its own URLs: no URL ACL. */
    assert_int_equal(count_prefix(&e, "netsh http add urlacl"), 0);
    /* An address in the listen list is the same record, whoever added it. */
    int k = assert_look_then_add(&e, "netsh http show iplisten", "netsh http delete iplisten ipaddress=10.0.0.1",
                                 "netsh http add iplisten ipaddress=10.0.0.1");
    assert_true(find(&e, str("if \"%%BINDC_S_%d%%\"==\"other\" set \"BINDC_S_%d=same\"", k, k)) > 0);
    assert_look_then_add(&e, "netsh http show iplisten", "netsh http delete iplisten ipaddress=::", "netsh http add iplisten ipaddress=::");
    assert_true(find(&e, "echo bindc: the IP listen list changed, and HTTP.sys reads it only when it starts.  Restart it:") > 0);
    assert_look_then_add(&e, "netsh http show sslcert hostnameport=shop.example:443", "netsh http delete sslcert hostnameport=shop.example:443",
                         "netsh http add sslcert hostnameport=shop.example:443 certhash=3A1B9F0077C24E6D0A115B2C8D3E4F5061728394 "
                         "appid={00112233-4455-6677-8899-aabbccddeeff} certstorename=WebHosting");
    assert_true(find(&e, "netsh http add sslcert hostnameport=www.shop.example:443 certhash=3A1B9F0077C24E6D0A115B2C8D3E4F5061728394 "
                         "appid={00112233-4455-6677-8899-aabbccddeeff} certstorename=WebHosting disablehttp2=enable disabletls13=enable") > 0);
    /* `*` is one record, 0.0.0.0: it serves IPv4 and IPv6 (HTTP_SERVICE_CONFIG_SSL_KEY). */
    assert_true(find(&e, "netsh http add sslcert ipport=0.0.0.0:443 certhash=0102030405060708090A0B0C0D0E0F1011121314 "
                         "appid=" IIS_APPID " certstorename=My") > 0);
    assert_int_equal(count_prefix(&e, "netsh http add sslcert ipport=[::]:443"), 0);
    assert_true(find(&e, "netsh http add sslcert ipport=[::]:8443 certhash=0102030405060708090A0B0C0D0E0F1011121314 "
                         "appid=" IIS_APPID " certstorename=My") > 0);
    /* Two host names on one IP:port share one record. */
    assert_int_equal(count_prefix(&e, "netsh http add sslcert ipport=10.0.0.1:443 "), 1);
    assert_look_then_add(&e, "netsh http show sslcert ccs=9443", "netsh http delete sslcert ccs=9443",
                         "netsh http add sslcert ccs=9443 appid=" IIS_APPID);
    assert_look_then_add(&e, "netsh advfirewall firewall show rule name=\"bindc TCP 10.0.0.1:8080\"",
                         "netsh advfirewall firewall set rule name=\"bindc TCP 10.0.0.1:8080\" new name=\"bindc TCP 10.0.0.1:8080, kept by bindc\" enable=no",
                         "netsh advfirewall firewall add rule name=\"bindc TCP 10.0.0.1:8080\" dir=in action=allow "
                         "protocol=TCP localport=8080 localip=10.0.0.1");
    assert_int_equal(count_prefix(&e, "netsh advfirewall firewall add"), 1);
    assert_int_equal(count_prefix(&e, "netsh http add sslcert"), 6);
    assert_true(find(&e, "echo [1/9] IP listen address 10.0.0.1") > 0);
    release(&e, true);
}

/* An explicit acl= asks for a reservation even where IIS needs none: of
 * the URL the server registers, `*` (weak) for a binding without a host on
 * full IIS too ("All Unassigned"), never `+`, which would be searched
 * before every other binding of the port; the address for an exact one. */
static void test_emit_netsh_url_acl_wildcards(void **state)
{
    (void)state;
    emitted e = emit_text("platform iis10\nsite A {\n    http *:80: acl='CONTOSO\\web deploy'\n"
                          "    http [2001:db8::5]:81: acl=S-1-5-20\n    http *:82:a.example\n}\n", "netsh");
    assert_true(find(&e, "netsh http add urlacl url=http://*:80/ user=\"CONTOSO\\web deploy\"") > 0);
    assert_int_equal(count_prefix(&e, "netsh http add urlacl url=http://+"), 0);
    assert_true(find(&e, "netsh http add urlacl url=http://[2001:db8::5]:81/ sddl=D:(A;;GX;;;S-1-5-20)") > 0);
    assert_int_equal(count_prefix(&e, "netsh http add urlacl"), 2);
    release(&e, true);

    e = emit_text("platform iis-express\ndefaults { acl = 'DEVBOX\\alice' }\nsite A {\n    http *:8080:\n}\n", "netsh");
    assert_true(find(&e, "netsh http add urlacl url=http://*:8080/ user=DEVBOX\\alice") > 0);
    release(&e, true);
}

/* A reservation there already is compared by its SDDL: an account name is
 * turned into its SID before (netsh.cmd: PowerShell; httpcfg.cmd: wmic),
 * and a well-known SID also counts in the alias Windows shows it by. */
static void test_emit_netsh_grantee_compared_by_sid(void **state)
{
    (void)state;
    const char *src = "platform iis10\nsite A {\n    http *:80:a.example acl='DEVBOX\\alice'\n"
                      "    http *:81:a.example acl=S-1-5-20\n}\n";
    const char *targets[] = { "netsh", "httpcfg" };
    for (int t = 0; t < 2; t++) {
        emitted e = emit_text(src, targets[t]);
        int set = find(&e, "set \"BINDC_ACL_1=DEVBOX\\alice\""), stop = find_prefix(&e, "if not defined BINDC_SID_1 (echo bindc: the account");
        assert_true(set > 0 && set < stop && stop < find(&e, "call :bindc_alias 1") && stop < stop_line(&e));
        if (t == 0)
            assert_true(find(&e, "for /f \"usebackq delims=\" %%S in (`powershell -NoProfile -NonInteractive -Command \"try { "
                                 "(New-Object System.Security.Principal.NTAccount($env:BINDC_ACL_1)).Translate("
                                 "[System.Security.Principal.SecurityIdentifier]).Value } catch { }\"`) do set \"BINDC_SID_1=%%S\"") == set + 1);
        else
            assert_true(find_prefix(&e, "wmic path Win32_Account where ") > set);
        assert_true(find(&e, "if \"%BINDC_S_1%\"==\"other\" (call :bindc_has \"D:(A;;GX;;;%BINDC_SID_1%)\" & "
                             "if defined BINDC_HAS set \"BINDC_S_1=same\")") > 0);
        assert_true(find(&e, "if \"%BINDC_S_1%\"==\"other\" (call :bindc_has \"D:(A;;GX;;;%BINDC_SIDA_1%)\" & "
                             "if defined BINDC_HAS set \"BINDC_S_1=same\")") > 0);
        assert_true(find(&e, "if \"%BINDC_S_2%\"==\"other\" (call :bindc_has \"D:(A;;GX;;;NS)\" & "
                             "if defined BINDC_HAS set \"BINDC_S_2=same\")") > 0);
        assert_true(find(&e, "if \"%BINDC_X%\"==\"S-1-5-20\" set \"BINDC_X=NS\"") > find(&e, ":bindc_alias"));
        release(&e, true);
    }
}

/* ---- the revert is the exact inverse -------------------------------------- */

/* The record a line adds or deletes, as "object key" (`urlacl url=...`);
 * NULL for other lines (show, query, set rule). */
/* `call :bindc_put_ssl "KEY" FILE` as the command that adds the binding
 * KEY (netsh's key=value, httpcfg's address); any other line as it is. */
static const char *put_call(const char *line)
{
    static char buf[4096];
    const char *netsh = "call :bindc_put_ssl \"", *httpcfg_form = "=";
    if (!starts(line, netsh) && !starts(line, "call :bindc_put_ccs \"")) return line;
    const char *key = line + strlen(netsh), *end = strchr(key, '"');
    assert_non_null(end);
    if (memchr(key, httpcfg_form[0], (size_t)(end - key)))
        snprintf(buf, sizeof buf, "netsh http add sslcert %.*s appid={x}", (int)(end - key), key);
    else
        snprintf(buf, sizeof buf, "httpcfg set ssl /i %.*s /h x", (int)(end - key), key);
    return buf;
}

static char *record_of(const char *line, bool *is_add)
{
    cmd_model_line L;
    cmd_model_parse(line, &run_env, &L);
    char *rec = NULL;
    char **v = L.cmd[0].argv;
    int n = L.cmd[0].argc;
    *is_add = false;
    if (L.ncmd != 1) n = 0;
    if (n >= 5 && strcmp(v[0], "netsh") == 0 && strcmp(v[1], "http") == 0) {
        *is_add = strcmp(v[2], "add") == 0;
        if (*is_add || strcmp(v[2], "delete") == 0) rec = malloc(strlen(v[3]) + strlen(v[4]) + 2), sprintf(rec, "%s %s", v[3], v[4]);
    } else if (n >= 6 && strcmp(v[0], "netsh") == 0 && strcmp(v[1], "advfirewall") == 0) {
        *is_add = strcmp(v[3], "add") == 0;
        if (*is_add || strcmp(v[3], "delete") == 0) rec = malloc(strlen(v[5]) + 6), sprintf(rec, "rule %s", v[5]);
    } else if (n >= 5 && strcmp(v[0], "httpcfg") == 0) {
        *is_add = strcmp(v[1], "set") == 0;
        if (*is_add || strcmp(v[1], "delete") == 0) rec = malloc(strlen(v[2]) + strlen(v[4]) + 2), sprintf(rec, "%s %s", v[2], v[4]);
    } else if (n >= 5 && strcmp(v[0], "netsh") == 0 && strcmp(v[1], "firewall") == 0) {
        *is_add = strcmp(v[2], "add") == 0;
        if (*is_add || strcmp(v[2], "delete") == 0) rec = malloc(strlen(v[4]) + 13), sprintf(rec, "portopening %s", v[4]);
    }
    cmd_model_free(&L);
    return rec;
}

static bool in(char **list, int n, const char *s)
{
    for (int i = 0; i < n; i++) if (strcmp(list[i], s) == 0) return true;
    return false;
}

/* The revert deletes exactly the records the forward script adds, in the
 * reverse order.  Besides, the forward script deletes only records it adds
 * (the path that replaces one there), and the revert adds only records it
 * deletes (putting back what that replaced; an SSL binding put back is
 * deleted and added again with the switches it showed). */
static void assert_exact_inverse(const char *src, const char *fwd_target, const char *rev_target, int want_records)
{
    emitted f = emit_text(src, fwd_target);
    emitted r = emit_on(f.c, rev_target);
    assert_true(f.ok && r.ok);
    char *adds[64], *dels[64], *fdels[64], *radds[64];
    int na = 0, nd = 0, nfd = 0, nra = 0;
    for (int i = 0; i < f.nlines; i++) {
        bool add;
        char *rec = record_of(f.lines[i], &add);
        if (rec && add) adds[na++] = rec;
        else if (rec) fdels[nfd++] = rec;
    }
    for (int i = 0; i < r.nlines; i++) {
        bool add;
        /* :bindc_put_ssl KEY adds the binding KEY (and deletes and adds
         * it again with its switches): its lines name it as %~1. */
        if (strstr(r.lines[i], "%~1")) continue;
        char *rec = record_of(put_call(r.lines[i]), &add);
        bool again = i > 0 && starts(r.lines[i - 1], "echo        and again with what ");
        if (rec && !add && !again) dels[nd++] = rec;
        else if (rec) radds[nra++] = rec;
    }
    assert_int_equal(na, want_records);
    assert_int_equal(nd, na);
    for (int i = 0; i < nfd; i++) { assert_true(in(adds, na, fdels[i])); free(fdels[i]); }
    for (int i = 0; i < nra; i++) { assert_true(in(dels, nd, radds[i])); free(radds[i]); }
    for (int i = 0; i < na; i++) {
        assert_string_equal(dels[i], adds[na - 1 - i]);
        free(adds[na - 1 - i]);
        free(dels[i]);
    }
    release(&r, false);
    release(&f, true);
}

static const char *const express_all =
    "platform iis-express\n"
    "iplisten 127.0.0.1, ::1\n"
    "cert mine { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n"
    "site A {\n"
    "    http  *:80:localhost\n"
    "    http  *:8080:myhostname\n"
    "    https *:443:localhost\n"
    "    https *:44500:localhost\n"
    "    https *:44300:localhost cert=mine\n"
    "}\n"
    "site B {\n"
    "    http  *:8081:\n"
    "    http  10.1.2.3:8082:devbox.lan\n"
    "}\n";

static void test_emit_netsh_revert_is_exact_inverse(void **state)
{
    (void)state;
    /* 2 iplisten + 5 URL ACLs + 3 SSL + 3 firewall rules */
    assert_exact_inverse(express_all, "netsh", "netsh-revert", 13);
    /* the XP firewall has one rule per port: 8080, 8081, 8082 */
    assert_exact_inverse(express_all, "httpcfg", "httpcfg-revert", 13);
    assert_exact_inverse(full_iis, "netsh", "netsh-revert", 9);
}

/* ---- determinism ------------------------------------------------------------ */

static void test_emit_netsh_byte_identical(void **state)
{
    (void)state;
    const char *targets[] = { "netsh", "netsh-revert", "httpcfg", "httpcfg-revert" };
    for (int t = 0; t < 4; t++) {
        emitted a = emit_text(express_all, targets[t]);
        emitted b = emit_text(express_all, targets[t]);
        assert_string_equal(a.text, b.text);
        /* CRLF everywhere: no LF without its CR */
        for (const char *p = a.text; *p; p++) if (*p == '\n') assert_true(p > a.text && p[-1] == '\r');
        release(&a, true);
        release(&b, true);
    }
}

/* ---- hostile names ----------------------------------------------------------- */

/* A .bind double-quoted string for `s` (which has no `"`). */
static char *bind_string(const char *s)
{
    char *out = malloc(strlen(s) * 2 + 3), *o = out;
    *o++ = '"';
    for (; *s; s++) {
        if (*s == '\\') *o++ = '\\';
        *o++ = *s;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

static const char *const hostile[] = {
    "a&b", "a && b", "a|b", "a||b", "a<b>c", "x^y", "x^", "^", "100%", "%PATH%", "%%", "%1", "%~dp0", "!X!",
    "a;b", "{a}", "$env:X", "`whoami`", "'q'", "(a)", ")", "a)&echo pwned&(", "C:\\dir\\", "\\\\", "\\",
    "a b", " lead", "trail ", "a=b", "a,b", "*", "?", "@x", "CONTOSO\\web deploy & co (100%) ^ | < > ! ; { } $ ` '",
};

static void test_emit_netsh_hostile_acl_users(void **state)
{
    (void)state;
    size_t n = sizeof hostile / sizeof hostile[0];
    for (size_t i = 0; i <= n; i++) {
        char *value;
        if (i < n) value = strdup(hostile[i]);
        else {                                  /* the longest accepted value, all metacharacters */
            value = malloc(BIND_CMD_QUOTE_MAX_TEXT + 1);
            for (size_t k = 0; k < BIND_CMD_QUOTE_MAX_TEXT; k++) value[k] = "%^&|<>()\\ "[k % 10];
            value[BIND_CMD_QUOTE_MAX_TEXT] = '\0';
        }
        char *lit = bind_string(value);
        char *src = malloc(strlen(lit) + 128);
        sprintf(src, "platform iis-express\nsite A {\n    http *:80:localhost acl=%s\n}\n", lit);

        emitted e = emit_text(src, "netsh");
        assert_true(e.ok);
        char *user = malloc(strlen(value) + 6);
        sprintf(user, "user=%s", value);
        const char *argv[] = { "netsh", "http", "add", "urlacl", "url=http://localhost:80/", user };
        assert_argv(&e, find_prefix(&e, "netsh http add urlacl"), argv, 6);
        free(user);
        /* netsh.cmd turns the name into a SID to compare (PowerShell reads
         * it from the environment: the command is fixed text). */
        cmd_model_line N;
        cmd_model_parse(e.lines[find_prefix(&e, "set \"BINDC_ACL_1=")], &run_env, &N);
        char *in_env = cmd_model_set_value(&N.cmd[0], "BINDC_ACL_1");
        assert_non_null(in_env);
        assert_string_equal(in_env, value);
        free(in_env);
        cmd_model_free(&N);
        assert_int_equal(count_prefix(&e, "for /f \"usebackq delims=\" %%S in (`powershell -NoProfile -NonInteractive -Command \"try { "
                                          "(New-Object System.Security.Principal.NTAccount($env:BINDC_ACL_1))"), 1);

        /* httpcfg: the name travels in the environment to wmic, which turns
         * it into a SID; the stop message cannot be broken out of. */
        emitted h = emit_on(e.c, "httpcfg");
        assert_true(h.ok);
        int set = find_prefix(&h, "set \"BINDC_ACL_1=");
        assert_true(set > 0);
        cmd_model_line L;
        cmd_model_parse(h.lines[set], &run_env, &L);
        char *got = cmd_model_set_value(&L.cmd[0], "BINDC_ACL_1");
        assert_non_null(got);
        assert_string_equal(got, value);
        free(got);
        cmd_model_free(&L);
        cmd_model_env env = run_env;
        env.name[env.n] = "BINDC_ACL_1";
        env.value[env.n++] = value;
        cmd_model_parse(h.lines[find_prefix(&h, "if not defined BINDC_SID_1")], &env, &L);
        assert_int_equal(L.ncmd, 3);
        assert_string_equal(L.cmd[2].text, "exit /b 1");
        assert_false(L.open_quote);
        cmd_model_free(&L);
        assert_true(find(&h, "httpcfg set urlacl /u http://localhost:80/ /a D:(A;;GX;;;%BINDC_SID_1%)") > 0);
        const char *hargv[] = { "httpcfg", "set", "urlacl", "/u", "http://localhost:80/", "/a", "D:(A;;GX;;;" SID ")" };
        assert_argv(&h, find_prefix(&h, "httpcfg set urlacl"), hargv, 7);
        release(&h, false);
        release(&e, true);
        free(src);
        free(lit);
        free(value);
    }
}

static void test_emit_netsh_hostile_friendly_name(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        char *lit = bind_string(hostile[i]);
        char *src = malloc(strlen(lit) + 160);
        sprintf(src, "platform iis10\ncert dev { friendly_name = %s }\nsite A {\n    https *:443: cert=dev\n}\n", lit);
        emitted e = emit_text(src, "netsh");
        int set = find_prefix(&e, "set \"BINDC_CERT_NAME_1=");
        assert_true(set > 0);
        cmd_model_line L;
        cmd_model_parse(e.lines[set], &run_env, &L);
        char *got = cmd_model_set_value(&L.cmd[0], "BINDC_CERT_NAME_1");
        assert_string_equal(got, hostile[i]);
        free(got);
        cmd_model_free(&L);
        /* The PowerShell command is the same fixed text for every name. */
        assert_int_equal(count_prefix(&e, "for /f \"usebackq delims=\" %%T in (`powershell -NoProfile -NonInteractive -Command "
                                          "\"Get-ChildItem -Path Cert:\\LocalMachine\\My | Where-Object { $_.HasPrivateKey -and "
                                          "$_.FriendlyName -eq $env:BINDC_CERT_NAME_1 }"), 1);
        cmd_model_env env = run_env;
        env.name[env.n] = "BINDC_CERT_NAME_1";
        env.value[env.n++] = hostile[i];
        cmd_model_parse(e.lines[find_prefix(&e, "if not defined BINDC_THUMBPRINT_1")], &env, &L);
        assert_int_equal(L.ncmd, 3);
        assert_string_equal(L.cmd[2].text, "exit /b 1");
        cmd_model_free(&L);
        release(&e, true);
        free(src);
        free(lit);
    }
}

/* Text cmd.exe cannot carry is refused at its span, and nothing is written. */
static void test_emit_netsh_refusals(void **state)
{
    (void)state;
    const char *targets[] = { "netsh", "netsh-revert", "httpcfg", "httpcfg-revert" };
    for (int t = 0; t < 4; t++) {
        bind_compilation *c = compile_text("platform iis-express\nsite A {\n    http *:80:localhost acl='we\"ird'\n}\n");
        emitted e = emit_on(c, targets[t]);
        assert_false(e.ok);
        assert_int_equal(count_code(c, BIND_E0007, 3, 29), 1);
        release(&e, true);
    }
    /* All four targets on one compilation: the error is reported once. */
    bind_compilation *c = compile_text("platform iis-express\ndefaults {\n    acl = \"J\\u{fc}rgen\"\n}\nsite A {\n    http *:80:localhost\n}\n");
    for (int t = 0; t < 4; t++) {
        emitted e = emit_on(c, targets[t]);
        assert_false(e.ok);
        release(&e, false);
    }
    assert_int_equal(count_code(c, BIND_E0007, 3, 11), 1);          /* at the defaults value */
    bind_compilation_free(c);

    char *longer = malloc(BIND_CMD_QUOTE_MAX_TEXT + 128);
    strcpy(longer, "platform iis-express\nsite A {\n    http *:80:localhost acl=");
    size_t at = strlen(longer);
    memset(longer + at, 'a', BIND_CMD_QUOTE_MAX_TEXT + 1);
    strcpy(longer + at + BIND_CMD_QUOTE_MAX_TEXT + 1, "\n}\n");
    c = compile_text(longer);
    emitted e = emit_on(c, "netsh");
    assert_false(e.ok);
    assert_int_equal(count_code(c, BIND_E0007, 3, 29), 1);
    release(&e, true);
    free(longer);

    /* A control character never reaches a script: the checker refuses it. */
    c = compile_text("platform iis-express\nsite A {\n    http *:80:localhost acl=\"a\\nnetsh http delete urlacl\"\n}\n");
    assert_true(count_code(c, BIND_E0007, 0, 0) >= 1);
    bind_compilation_free(c);
}

/* A certificate the script can name neither by thumbprint nor by friendly
 * name: E0301 at the binding's cert=, nothing written. */
static void test_emit_netsh_cert_without_thumbprint(void **state)
{
    (void)state;
    bind_compilation *c = compile_text("platform iis10\ncert bare {\n    names = a.example\n}\n"
                                       "site A {\n    https *:443:a.example cert=bare\n}\n");
    assert_false(bind_diag_has_errors(&c->diags, false));
    emitted e = emit_on(c, "netsh");
    assert_false(e.ok);
    assert_int_equal(count_code(c, BIND_E0301, 6, 32), 1);
    release(&e, true);

    /* A platform whose default certificate has neither: the revert puts back
     * the record netsh.cmd replaced as its text says, and needs neither. */
    c = compile_text("platform dev {\n    free_ports = 1024..65535\n    ssl_ports = 44300..44399\n"
                     "    local_hosts = localhost\n    default_cert = devcert\n}\n"
                     "cert devcert {\n    names = localhost\n}\n"
                     "cert mine { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n"
                     "platform dev\nsite A {\n    https *:44300:localhost cert=mine\n}\n");
    if (bind_diag_has_errors(&c->diags, false)) fail_msg("input has errors: %s", codes_of(c));
    e = emit_on(c, "netsh-revert");
    assert_true(e.ok);
    assert_int_equal(count_code(c, BIND_E0301, 0, 0), 0);
    release(&e, true);
}

/* httpcfg.cmd looks a friendly name up in its registry form, 4 hex digits a
 * character on one line: longer than 2,000 characters it is refused there
 * (netsh.cmd hands it to PowerShell whole). */
static void test_emit_httpcfg_long_friendly_name(void **state)
{
    (void)state;
    for (size_t len = 2000; len <= 2001; len++) {
        char *src = malloc(len + 128);
        int n = sprintf(src, "platform iis10\ncert dev { friendly_name = \"");
        memset(src + n, 'x', len);
        strcpy(src + n + len, "\" }\nsite A {\n    https *:443: cert=dev\n}\n");
        bind_compilation *c = compile_text(src);
        emitted e = emit_on(c, "httpcfg");
        assert_int_equal(e.ok, len == 2000);
        assert_int_equal(count_code(c, BIND_E0007, len == 2000 ? 0 : 2, len == 2000 ? 0 : 6), len == 2000 ? 0 : 1);   /* at the certificate */
        release(&e, false);
        e = emit_on(c, "netsh");
        assert_true(e.ok);
        release(&e, true);
        free(src);
    }
}

/* Records HTTP.sys keys more coarsely than IIS keys bindings: an SNI
 * record has no address, a URL reservation one grantee. */
static void test_emit_netsh_record_collisions(void **state)
{
    (void)state;
    /* One IP:port, one certificate, but HTTP/2 off for only one host: the
     * sslFlags bits live in the one record. */
    bind_compilation *c = compile_text("platform iis10\n"
                                       "cert x { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n"
                                       "site A {\n    https *:443:a.example cert=x\n"
                                       "    https *:443:b.example cert=x http2=off\n}\n");
    if (bind_diag_has_errors(&c->diags, false)) fail_msg("input has errors: %s", codes_of(c));
    emitted e = emit_on(c, "netsh");
    assert_false(e.ok);
    assert_int_equal(count_code(c, BIND_E0205, 5, 11), 1);
    release(&e, true);

    /* The same certificate: one record serves both. */
    e = emit_text("platform iis10\ncert x { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }\n"
                  "site A {\n    https 10.0.0.1:443:a.example cert=x sni\n    https 10.0.0.2:443:a.example cert=x sni\n}\n",
                  "netsh");
    assert_true(e.ok);
    assert_int_equal(count_prefix(&e, "netsh http add sslcert hostnameport=a.example:443 "), 1);
    release(&e, true);

    c = compile_text("platform iis-express\nsite A {\n    http *:8080:h.example acl=alice\n}\n"
                     "site B {\n    http 10.0.0.1:8080:h.example acl=bob\n}\n");
    if (bind_diag_has_errors(&c->diags, false)) fail_msg("input has errors: %s", codes_of(c));
    e = emit_on(c, "netsh");
    assert_false(e.ok);
    assert_int_equal(count_code(c, BIND_E0007, 6, 38), 1);
    release(&e, true);
}

/* httpcfg has no SNI and no central certificate store: one W0407 for each,
 * however many bindings and targets, and no record for those bindings. */
static void test_emit_httpcfg_cannot_express_sni(void **state)
{
    (void)state;
    emitted e = emit_text(full_iis, "httpcfg");
    emitted r = emit_on(e.c, "httpcfg-revert");
    assert_true(e.ok && r.ok);
    assert_int_equal(count_code(e.c, BIND_W0407, 16, 11), 1);     /* shop.example sni */
    assert_int_equal(count_code(e.c, BIND_W0407, 22, 11), 1);     /* ccs */
    assert_int_equal(count_code(e.c, BIND_W0407, 0, 0), 2);       /* www.shop.example: counted in a note */
    assert_int_equal(find_prefix(&e, "httpcfg set ssl /i shop.example"), -1);
    assert_true(find(&e, "httpcfg set ssl /i 0.0.0.0:443 /h 0102030405060708090A0B0C0D0E0F1011121314 /g \"" IIS_APPID "\"") > 0);
    assert_true(find(&e, "httpcfg set ssl /i [::]:8443 /h 0102030405060708090A0B0C0D0E0F1011121314 /g \"" IIS_APPID "\"") > 0);
    assert_true(find(&e, "httpcfg set iplisten /i [::]") > 0);
    release(&r, false);
    release(&e, true);

    e = emit_text("platform iis10\ncert s {\n    thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\"\n    store = WebHosting\n}\n"
                  "site A {\n    https *:443: cert=s\n}\n", "httpcfg");
    assert_true(find(&e, "httpcfg set ssl /i 0.0.0.0:443 /h 3A1B9F0077C24E6D0A115B2C8D3E4F5061728394 /g \"" IIS_APPID "\" /c WebHosting") > 0);
    release(&e, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_netsh_reserved_port_80),
        cmocka_unit_test(test_emit_netsh_external_host_8080),
        cmocka_unit_test(test_emit_netsh_ssl_443_dev_cert),
        cmocka_unit_test(test_emit_netsh_ssl_44500_needs_no_url_acl),
        cmocka_unit_test(test_emit_netsh_custom_cert_44300),
        cmocka_unit_test(test_emit_netsh_ssl_put_back_every_setting),
        cmocka_unit_test(test_emit_netsh_full_iis),
        cmocka_unit_test(test_emit_netsh_url_acl_wildcards),
        cmocka_unit_test(test_emit_netsh_grantee_compared_by_sid),
        cmocka_unit_test(test_emit_netsh_revert_is_exact_inverse),
        cmocka_unit_test(test_emit_netsh_byte_identical),
        cmocka_unit_test(test_emit_netsh_hostile_acl_users),
        cmocka_unit_test(test_emit_netsh_hostile_friendly_name),
        cmocka_unit_test(test_emit_netsh_refusals),
        cmocka_unit_test(test_emit_netsh_cert_without_thumbprint),
        cmocka_unit_test(test_emit_netsh_record_collisions),
        cmocka_unit_test(test_emit_httpcfg_cannot_express_sni),
        cmocka_unit_test(test_emit_httpcfg_long_friendly_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
