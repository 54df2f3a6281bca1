/* The batch-file scaffolding the netsh and httpcfg scripts share (the
 * rules are in backend/http_sys_plan.h, above bind_script).
 *
 * Every line ends in CRLF and is ASCII.  User text reaches a line only
 * through backend/cmd_exe_quote.h; the look-ups read user text from the
 * environment (`set "NAME=value"` carries any accepted text unchanged), so
 * the commands they run are fixed text.
 *
 * Forms that Windows' cmd.exe and Wine's read alike (tests/scripts/
 * test_http_sys_scripts.sh runs the scripts under Wine's):
 *   - a program's failure is tested with `if errorlevel 1`, never with `||`
 *     (Wine 8 runs the right side of `||` after a program that succeeded);
 *   - `if /i` never follows another `if` on its line (Wine 8: syntax error),
 *     so it comes first: `if /i "A"=="B" if "C"=="D" ...`; and a command
 *     with a `/i` of its own (`httpcfg query ssl /i`) after `if "A"=="B"`
 *     is put in parentheses (Wine 8 reads that `/i` as the `if`'s);
 *   - a `for` body is one command, or a block of one command a line (Wine 8
 *     loses the `for` variables in `if ... (A & B)` inside a `for` body);
 *   - text is searched with cmd.exe's own `for /f` and `%VAR:x=y%`
 *     (case-insensitive) or with `find`, never with `findstr` or `fc` (stubs
 *     in Wine 8), and never with delayed expansion (Wine 8 has no
 *     `!VAR:~i,n!`). */
#include "http_sys_plan.h"

#include <stdio.h>
#include <string.h>

#include "cmd_exe_quote.h"

void bind_script_line(bind_script *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bind_buf_vprintf(s->out, fmt, ap);
    va_end(ap);
    bind_buf_put(s->out, "\r\n", 2);
}

bind_buf *bind_script_new_line(bind_script *s)
{
    s->line.len = 0;
    return &s->line;
}

void bind_script_put_line(bind_script *s, const bind_buf *line)
{
    bind_buf_put(s->out, line->data, line->len);
    bind_buf_puts(s->out, "\r\n");
}

const char *bind_script_slug(bind_arena *a, const char *kind, const char *key)
{
    bind_buf b;
    bind_buf_init(&b);
    bind_buf_puts(&b, kind);
    bind_buf_putc(&b, '-');
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-')
            bind_buf_putc(&b, (char)*p);
        else
            bind_buf_printf(&b, "_%02x", *p);
    }
    bind_buf_putc(&b, '\0');
    const char *r = bind_arena_strdup(a, b.data);
    bind_buf_free(&b);
    return r;
}

const char *bind_script_registry_name(bind_arena *a, const char *friendly_name)
{
    size_t n = strlen(friendly_name);
    uint32_t bytes = (uint32_t)(n + 1) * 2;
    bind_buf b;
    bind_buf_init(&b);
    /* CERT_FRIENDLY_NAME_PROP_ID (11), 1, then the length: little-endian DWORDs. */
    bind_buf_printf(&b, "0B00000001000000%02X%02X%02X%02X", bytes & 0xff, (bytes >> 8) & 0xff, (bytes >> 16) & 0xff,
                    bytes >> 24);
    for (size_t i = 0; i < n; i++) bind_buf_printf(&b, "%02X00", (unsigned char)friendly_name[i]);
    bind_buf_puts(&b, "0000");
    bind_buf_putc(&b, '\0');
    const char *r = bind_arena_strdup(a, b.data);
    bind_buf_free(&b);
    return r;
}

void bind_script_begin(bind_script *s, bind_emit_ctx *cx, bind_buf *out, const char *what, bool httpcfg,
                       bool revert, uint32_t nsteps)
{
    memset(s, 0, sizeof *s);
    s->cx = cx;
    s->out = out;
    s->nsteps = nsteps;
    s->revert = revert;
    s->httpcfg = httpcfg;
    s->tool = httpcfg ? "httpcfg" : "netsh";
    const char *fwd = httpcfg ? "httpcfg.cmd" : "netsh.cmd", *rev = httpcfg ? "httpcfg-revert.cmd" : "netsh-revert.cmd";
    s->other_script = revert ? fwd : rev;
    bind_buf_init(&s->line);
    bind_script_line(s, "@echo off");
    bind_script_line(s, "rem %s", what);
    bind_script_line(s, "rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.");
    if (!revert) {
        bind_script_line(s, "rem It looks at every record before it changes any, and leaves alone those that are set as it");
        bind_script_line(s, "rem would set them.  One set otherwise stops it before any change, unless it runs as");
        bind_script_line(s, "rem `%s /replace`: what it replaces is kept in %s-saved\\ beside it, and %s puts it back.",
                         fwd, s->tool, rev);
    } else {
        bind_script_line(s, "rem It removes only what %s added (the files in %s-saved\\ beside it say which) and puts back",
                         fwd, s->tool);
        bind_script_line(s, "rem what that replaced.  A record changed since stops it before any change, unless it runs as");
        bind_script_line(s, "rem `%s /replace`.", rev);
    }
    /* Delayed expansion off, whatever the registry says: `!` stays literal. */
    bind_script_line(s, "setlocal EnableExtensions DisableDelayedExpansion");
    /* cmd.exe looks for a command in the current folder before PATH: run
     * from its own folder, `netsh` would be netsh.cmd itself.  %SystemRoot%
     * holds none of the programs the script runs, and setlocal gives the
     * caller its folder back at the end. */
    bind_script_line(s, "cd /d \"%%SystemRoot%%\"");
    bind_script_line(s, "set \"BINDC_REPLACE=\"");
    bind_script_line(s, ":bindc_args");
    bind_script_line(s, "if \"%%~1\"==\"\" goto bindc_args_done");
    bind_script_line(s, "if /i \"%%~1\"==\"/replace\" (set \"BINDC_REPLACE=1\" & shift & goto bindc_args)");
    bind_script_line(s, "echo bindc: usage: \"%%~nx0\" [/replace]");
    bind_script_line(s, "exit /b 2");
    bind_script_line(s, ":bindc_args_done");
    /* `net session` needs an administrator on XP too, where fltmc is missing. */
    bind_script_line(s, "%s >nul 2>&1", httpcfg ? "net session" : "fltmc");
    bind_script_line(s, "if errorlevel 1 (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)");
    bind_script_line(s, "set \"BINDC_DIR=%%~dp0%s-saved\"", s->tool);
    bind_script_line(s, "if not exist \"%%BINDC_DIR%%\\\" mkdir \"%%BINDC_DIR%%\"");
    bind_script_line(s, "if not exist \"%%BINDC_DIR%%\\\" (echo bindc: cannot make the folder \"%%BINDC_DIR%%\", where this "
                        "script keeps what it changes; nothing was changed.& exit /b 1)");
    bind_script_line(s, "set \"BINDC_CUR=%%BINDC_DIR%%\\shown.tmp\"");
    bind_script_line(s, "set \"BINDC_CONFLICTS=\"");
    bind_script_line(s, "set \"BINDC_UNREADABLE=\"");
    bind_script_line(s, "set \"BINDC_RESTART=\"");
}

/* A comment, then `set "PREFIX_N=value"` with the value quoted for cmd.exe:
 * how the scripts hand a user's text to a look-up without it being parsed. */
static void set_var(bind_script *s, const char *comment, const char *prefix, unsigned n, const char *value)
{
    bind_script_line(s, "%s", comment);
    bind_buf *line = bind_script_new_line(s);
    char var[32];
    snprintf(var, sizeof var, "%s_%u", prefix, n);
    bind_cmd_quote_put_set(line, var, value);
    bind_script_put_line(s, line);
}

void bind_script_cert_lookup(bind_script *s, const bind_http_sys_plan *p, uint32_t i)
{
    const bind_cert_lookup *l = &p->cert_lookups[i];
    unsigned n = i + 1;
    s->found = true;
    set_var(s, "rem The thumbprint of this certificate differs on every machine: find it by its friendly name.",
            "BINDC_CERT_NAME", n, l->cert->friendly_name);
    bind_script_line(s, "set \"BINDC_THUMBPRINT_%u=\"", n);
    bind_script_line(s, "set \"BINDC_TWICE_%u=\"", n);
    bind_script_line(s, "set \"BINDC_ALL_%u=\"", n);
    if (!s->httpcfg) {
        bind_script_line(s, "for /f \"usebackq delims=\" %%%%T in (`powershell -NoProfile -NonInteractive -Command "
                            "\"Get-ChildItem -Path Cert:\\LocalMachine\\%s | Where-Object { $_.HasPrivateKey -and "
                            "$_.FriendlyName -eq $env:BINDC_CERT_NAME_%u } | ForEach-Object { $_.Thumbprint }\"`) "
                            "do call :bindc_found %u %%%%T",
                         l->store, n, n);
    } else {
        /* Windows XP and Server 2003 have no PowerShell.  LocalMachine\STORE
         * lives in the registry, each certificate under its thumbprint with
         * its properties in Blob; the friendly name is matched in the form
         * the registry keeps it, worked out here. */
        s->blob = true;
        bind_script_line(s, "rem In the registry (no PowerShell here), each certificate of LocalMachine\\%s is a key named by its",
                         l->store);
        bind_script_line(s, "rem thumbprint, whose Blob holds the friendly name as property 11 in UTF-16: this, in hex.");
        bind_script_line(s, "set \"BINDC_HEX=%s\"", bind_script_registry_name(s->cx->arena, l->cert->friendly_name));
        bind_script_line(s, "for /f \"delims=\" %%%%K in ('reg query \"HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\%s\\Certificates\" "
                            "2^>nul') do call :bindc_blob %u \"%%%%K\"",
                         l->store, n);
    }
    bind_script_line(s, "if defined BINDC_TWICE_%u (echo bindc: more than one certificate in LocalMachine\\%s has the friendly name "
                        "\"%%BINDC_CERT_NAME_%u%%\":%%BINDC_ALL_%u%%; remove the ones not meant, or name the certificate by its "
                        "thumbprint in the .bind file; nothing was changed.& exit /b 1)",
                     n, l->store, n, n);
    bind_script_line(s, "if not defined BINDC_THUMBPRINT_%u (echo bindc: no certificate with %sthe friendly "
                        "name \"%%BINDC_CERT_NAME_%u%%\" is in LocalMachine\\%s; nothing was changed.& exit /b 1)",
                     n, s->httpcfg ? "" : "a private key and ", n, l->store);
}

void bind_script_sid_lookup(bind_script *s, const bind_http_sys_plan *p, uint32_t i)
{
    unsigned n = i + 1;
    s->alias = true;
    bind_script_line(s, "set \"BINDC_SID_%u=\"", n);
    if (!s->httpcfg) {
        set_var(s, "rem netsh shows a reservation's grantee as a SID: PowerShell turns the account name into one, to compare.",
                "BINDC_ACL", n, p->sid_lookups[i].user);
        bind_script_line(s, "for /f \"usebackq delims=\" %%%%S in (`powershell -NoProfile -NonInteractive -Command \"try { "
                            "(New-Object System.Security.Principal.NTAccount($env:BINDC_ACL_%u)).Translate("
                            "[System.Security.Principal.SecurityIdentifier]).Value } catch { }\"`) do set \"BINDC_SID_%u=%%%%S\"",
                         n, n);
    } else {
        set_var(s, "rem httpcfg takes a SID, not an account name: wmic (Windows XP Professional, Server 2003) translates the name.",
                "BINDC_ACL", n, p->sid_lookups[i].user);
        /* WQL quotes `\` and `'` with a backslash; the name stays in quotes. */
        bind_script_line(s, "set \"BINDC_Q=%%BINDC_ACL_%u:\\=\\\\%%\"", n);
        bind_script_line(s, "set \"BINDC_Q=%%BINDC_Q:'=\\'%%\"");
        bind_script_line(s, "wmic path Win32_Account where \"Caption='%%BINDC_Q%%' or Name='%%BINDC_Q%%'\" get SID /value "
                            ">\"%%BINDC_DIR%%\\sid.tmp\" 2>&1");
        /* wmic writes UTF-16 to a file, which `type` turns into text; each
         * line ends in CR CR LF, and the inner `for` drops the second CR. */
        bind_script_line(s, "type \"%%BINDC_DIR%%\\sid.tmp\" >\"%%BINDC_CUR%%\"");
        bind_script_line(s, "for /f \"usebackq tokens=1* delims==\" %%%%A in (\"%%BINDC_CUR%%\") do if /i \"%%%%A\"==\"SID\" "
                            "for /f \"delims=\" %%%%C in (\"%%%%B\") do set \"BINDC_SID_%u=%%%%C\"", n);
        bind_script_line(s, "if exist \"%%BINDC_DIR%%\\sid.tmp\" del \"%%BINDC_DIR%%\\sid.tmp\"");
    }
    bind_script_line(s, "if not defined BINDC_SID_%u (echo bindc: the account \"%%BINDC_ACL_%u%%\" is unknown on this "
                        "machine: check acl= or defaults.acl; nothing was changed.& exit /b 1)",
                     n, n);
    bind_script_line(s, "call :bindc_alias %u", n);
}

/* `echo TEXT` of a record's description, quoted; `pre` and `post` fixed. */
static void echo_what(bind_script *s, const char *pre, const char *what, const char *post)
{
    bind_buf *line = bind_script_new_line(s);
    bind_buf_puts(line, pre);
    bind_cmd_quote_put_text(line, what);
    bind_buf_puts(line, post);
    bind_script_put_line(s, line);
}

/* `call :bindc_has "V1" "V2"`: each value one argument, in quotes. */
static void has_line(bind_script *s, const char *pre, const char *const *values, const char *post)
{
    bind_buf *line = bind_script_new_line(s);
    bind_buf_printf(line, "%scall :bindc_has", pre);
    for (int i = 0; i < 3 && values[i]; i++) bind_buf_printf(line, " \"%s\"", values[i]);
    bind_buf_puts(line, post);
    bind_script_put_line(s, line);
}

static const char *fmt(bind_script *s, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(bind_script *s, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    bind_buf b;
    bind_buf_init(&b);
    bind_buf_vprintf(&b, f, ap);
    va_end(ap);
    bind_buf_putc(&b, '\0');
    const char *r = bind_arena_strdup(s->cx->arena, b.data);
    bind_buf_free(&b);
    return r;
}

/* The XP firewall keeps one opening per port: BINDC_NOW_NAME is the name of
 * the one of this port, if any.  It is this script's when it is named as
 * this script names it and shows as it did when this script added it (its
 * mode is a word of Windows' language: compared with that word). */
static void look_port(bind_script *s, const bind_script_record *r, uint32_t k)
{
    s->port = true;
    bind_script_line(s, "call :bindc_port %u \"%%BINDC_CUR%%\"", r->port_opening);
    bind_script_line(s, "set \"BINDC_S_%u=%s\"", k, s->revert ? "gone" : "new");
    bind_script_line(s, "if defined BINDC_PORT_NAME set \"BINDC_S_%u=other\"", k);
    bind_script_line(s, "set \"BINDC_NOW_NAME=%%BINDC_PORT_NAME%%\"");
    bind_script_line(s, "set \"BINDC_NOW_MODE=%%BINDC_PORT_MODE%%\"");
    bind_script_line(s, "if /i \"%%BINDC_NOW_NAME%%\"==\"bindc TCP %u\" call :bindc_port %u \"%%BINDC_DIR%%\\%s.added.txt\"",
                     r->port_opening, r->port_opening, r->slug);
    bind_script_line(s, "if /i \"%%BINDC_PORT_MODE%%\"==\"%%BINDC_NOW_MODE%%\" if /i \"%%BINDC_PORT_NAME%%\"==\"bindc TCP %u\" "
                        "if \"%%BINDC_S_%u%%\"==\"other\" set \"BINDC_S_%u=ours\"",
                     r->port_opening, k, k);
}

/* The look, before any change: BINDC_S_k is new, same, ours, platform,
 * other or unreadable (forward); ours, gone, notours or other (revert). */
static void look(bind_script *s, const bind_script_record *r, uint32_t k)
{
    echo_what(s, "rem ", r->what, "");
    bind_script_line(s, "%s >\"%%BINDC_CUR%%\" 2>&1", r->show);
    const char *key[3] = { r->key, NULL, NULL };
    if (r->port_opening) {
        look_port(s, r, k);
    } else {
        bind_script_line(s, "call :bindc_read \"%%BINDC_CUR%%\"");
        bind_script_line(s, "set \"BINDC_S_%u=%s\"", k, s->revert ? "gone" : "new");
        has_line(s, "", key, "");
        bind_script_line(s, "if defined BINDC_HAS set \"BINDC_S_%u=other\"", k);
    }
    if (s->revert) {
        /* Only what the forward script added, as it added it. */
        if (r->list) bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"other\" set \"BINDC_S_%u=ours\"", k, k);
        else if (!r->port_opening)
            bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"other\" (call :bindc_ours %s & if defined BINDC_OURS set \"BINDC_S_%u=ours\")",
                             k, r->slug, k);
        bind_script_line(s, "if not exist \"%%BINDC_DIR%%\\%s.added.txt\" if not \"%%BINDC_S_%u%%\"==\"gone\" set \"BINDC_S_%u=notours\"",
                         r->slug, k, k);
        bind_script_line(s, "if not exist \"%%BINDC_DIR%%\\%s.added.txt\" if not exist \"%%BINDC_DIR%%\\%s.replaced.txt\" "
                            "set \"BINDC_S_%u=notours\"", r->slug, r->slug, k);
        echo_what(s, fmt(s, "if \"%%BINDC_S_%u%%\"==\"other\" (set \"BINDC_CONFLICTS=1\" & echo bindc: ", k), r->what,
                  fmt(s, " has changed since %s set it; %s shows:& type \"%%BINDC_CUR%%\")", s->other_script, s->tool));
        return;
    }
    if (r->list) {
        bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"other\" set \"BINDC_S_%u=same\"", k, k);
        return;
    }
    if (!r->port_opening) {
        const char *pre = fmt(s, "if \"%%BINDC_S_%u%%\"==\"other\" (", k);
        const char *post = fmt(s, " & if defined BINDC_HAS set \"BINDC_S_%u=same\")", k);
        for (int a = 0; a < 2 && r->same[a][0]; a++) has_line(s, pre, r->same[a], post);
        if (r->platform_appid)
            bind_script_line(s, "if /i \"%%BINDC_R_APPID%%\"==\"%s\" if \"%%BINDC_S_%u%%\"==\"other\" set \"BINDC_S_%u=platform\"",
                             r->platform_appid, k, k);
        if (r->needs_appid)
            bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"other\" if not defined BINDC_R_APPID set \"BINDC_S_%u=unreadable\"", k, k);
        if (r->needs_sddl)
            bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"other\" if not defined BINDC_R_SDDL set \"BINDC_S_%u=unreadable\"", k, k);
        if (r->ssl_settings) {
            /* Replaced only when the revert can give every setting back. */
            s->values = true;
            static const char *const replaced[] = { "other", "platform" };
            for (int i = 0; i < (r->platform_appid ? 2 : 1); i++) {
                bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"%s\" call :bindc_values \"%%BINDC_CUR%%\" NOW", k, replaced[i]);
                bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"%s\" if defined BINDC_NOW_BAD set \"BINDC_S_%u=unreadable\"", k,
                                 replaced[i], k);
            }
        }
        bind_script_line(s, "if not \"%%BINDC_S_%u%%\"==\"new\" (call :bindc_ours %s & if defined BINDC_OURS set \"BINDC_S_%u=ours\")",
                         k, r->slug, k);
    }
    if (r->port_opening)
        echo_what(s, fmt(s, "if \"%%BINDC_S_%u%%\"==\"other\" (set \"BINDC_CONFLICTS=1\" & echo bindc: ", k), r->what,
                  fmt(s, " is open already as \"%%BINDC_NOW_NAME%%\", not as this script opened it; %s shows:& "
                         "type \"%%BINDC_CUR%%\")", s->tool));
    else
        echo_what(s, fmt(s, "if \"%%BINDC_S_%u%%\"==\"other\" (set \"BINDC_CONFLICTS=1\" & echo bindc: ", k), r->what,
                  fmt(s, " is set already, and not as this script sets it; %s shows:& type \"%%BINDC_CUR%%\")", s->tool));
    if (r->needs_appid || r->needs_sddl)
        echo_what(s, fmt(s, "if \"%%BINDC_S_%u%%\"==\"unreadable\" (set \"BINDC_UNREADABLE=1\" & echo bindc: ", k), r->what,
                  fmt(s, " is set already, in a form bindc cannot read back to put it back later, so it will not "
                         "replace it; %s shows:& type \"%%BINDC_CUR%%\")", s->tool));
}

static void forward_change(bind_script *s, const bind_script_record *r, uint32_t k)
{
    echo_what(s, fmt(s, "echo [%u/%u] ", k, s->nsteps), r->what, "");
    bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"same\" (echo        there already, as this script sets it: left alone& goto bindc_%u)", k, k);
    bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"ours\" (echo        set by this script before: left alone& goto bindc_%u)", k, k);
    bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"new\" goto bindc_add_%u", k, k);
    /* What a run before replaced stays the one the revert puts back. */
    bind_script_line(s, "echo        replacing what is there: %s's text of it is kept in \"%%BINDC_DIR%%\"", s->tool);
    bind_script_line(s, "if exist \"%%BINDC_DIR%%\\%s.replaced.txt\" %s >\"%%BINDC_DIR%%\\%s.removed.txt\" 2>&1", r->slug, r->show, r->slug);
    bind_script_line(s, "if not exist \"%%BINDC_DIR%%\\%s.replaced.txt\" %s >\"%%BINDC_DIR%%\\%s.replaced.txt\" 2>&1", r->slug, r->show,
                     r->slug);
    if (r->keep) {
        bind_script_line(s, "echo        it is renamed and turned off, not deleted: %s turns it back", s->other_script);
        bind_script_line(s, "%s", r->keep);
    } else {
        bind_script_line(s, "%s", r->del);
    }
    bind_script_line(s, "if errorlevel 1 goto bindc_failed");
    bind_script_line(s, ":bindc_add_%u", k);
    bind_script_line(s, "%s", r->add);
    bind_script_line(s, "if errorlevel 1 goto bindc_failed");
    bind_script_line(s, "%s >\"%%BINDC_DIR%%\\%s.added.txt\" 2>&1", r->show, r->slug);
    if (r->list && strstr(r->show, "iplisten")) bind_script_line(s, "set \"BINDC_RESTART=1\"");
    bind_script_line(s, ":bindc_%u", k);
}

/* Puts back an SSL binding the forward script replaced, with every setting
 * its saved text shows: one call a binding, as a fleet's revert puts back
 * thousands (put_ssl_subroutine). */
static void put_back_ssl(bind_script *s, const bind_script_record *r, const char *saved)
{
    s->values = s->put_ssl = true;
    if (r->ssl_ccs) s->put_ccs = true;
    else s->put_cert = true;
    bind_script_line(s, "call :bindc_put_%s \"%s\" %s", r->ssl_ccs ? "ccs" : "ssl", r->ssl_arg, saved);
    bind_script_line(s, "if errorlevel 1 goto bindc_failed");
}

/* :bindc_put_ssl (or :bindc_put_ccs) KEY FILE: adds the binding KEY again
 * as FILE shows it, first with its values (store, counts, CTL) and the
 * tool's defaults for the rest; netsh shows the other settings only as
 * words of Windows' language, known to mean the default or not by the line
 * of the same place in that binding, so it is added again with the switch
 * of each line that reads otherwise.  A line that still reads otherwise (a
 * setting no parameter of the tool sets) is said, and FILE is kept; else
 * FILE is deleted.  Exit 1 when the tool fails. */
static void put_ssl_subroutine(bind_script *s, bool ccs)
{
    const bind_ssl_layout *l = s->ssl;
    const char *name = ccs ? "ccs" : "ssl";
    bool switches = false;
    bind_buf add;
    bind_buf_init(&add);
    bind_buf_puts(&add, ccs ? l->put_add_ccs : l->put_add);
    for (uint32_t i = 0; i < l->n; i++) {
        if (l->settings[i].kind == BIND_SSL_SWITCH) switches = true;
        else bind_buf_printf(&add, " %%BINDC_A_%u%%", l->settings[i].line);
    }
    bind_buf_putc(&add, '\0');
    bind_script_line(s, ":bindc_put_%s", name);
    bind_script_line(s, "rem Puts back the SSL binding %%1 as the file %%2 shows it, with every setting; the file stays "
                        "when a setting cannot be given back.");
    bind_script_line(s, "call :bindc_read %%2");
    bind_script_line(s, "call :bindc_values %%2 WAS");
    bind_script_line(s, "call :bindc_ssl_args");
    bind_script_line(s, "%s", add.data);
    bind_script_line(s, "if errorlevel 1 exit /b 1");
    bind_script_line(s, "%s >\"%%BINDC_CUR%%\" 2>&1", l->put_show);
    bind_script_line(s, "call :bindc_values \"%%BINDC_CUR%%\" NOW");
    bind_script_line(s, "if not \"%%BINDC_WAS_FORM%%\"==\"%%BINDC_NOW_FORM%%\" (echo        %s now shows SSL bindings in other "
                        "words than when it showed this one, another language or version of Windows: it is back with its "
                        "certificate, appid and values, but not the settings %s shows in words; set them by hand as \"%%~2\" says.& "
                        "set \"BINDC_INEXACT=1\" & exit /b 0)",
                     s->tool, s->tool);
    if (switches) {
        bind_script_line(s, "call :bindc_switches");
        bind_script_line(s, "if not defined BINDC_SW goto bindc_put_%s_all", name);
        bind_script_line(s, "echo        and again with what %s shows of its settings in words:%%BINDC_SW%%", s->tool);
        bind_script_line(s, "%s", l->put_del);
        bind_script_line(s, "if errorlevel 1 exit /b 1");
        bind_script_line(s, "%s %%BINDC_SW%%", add.data);
        bind_script_line(s, "if errorlevel 1 exit /b 1");
        bind_script_line(s, "%s >\"%%BINDC_CUR%%\" 2>&1", l->put_show);
        bind_script_line(s, "call :bindc_values \"%%BINDC_CUR%%\" NOW");
        bind_script_line(s, ":bindc_put_%s_all", name);
    }
    bind_script_line(s, "if not \"%%BINDC_WAS_ALL%%\"==\"%%BINDC_NOW_ALL%%\" (echo        it is back, but %s shows it otherwise "
                        "than \"%%~2\" does, in a setting no parameter of %s sets: set that by hand as the file says.& "
                        "set \"BINDC_INEXACT=1\" & exit /b 0)",
                     s->tool, s->tool);
    bind_script_line(s, "del %%2");
    bind_script_line(s, "exit /b 0");
    bind_buf_free(&add);
}

/* Puts back what the forward script replaced, from SLUG.replaced.txt. */
static void put_back(bind_script *s, const bind_script_record *r, uint32_t k)
{
    const char *saved = fmt(s, "\"%%BINDC_DIR%%\\%s.replaced.txt\"", r->slug);
    if (!r->restore && !r->unkeep) {
        bind_script_line(s, "echo        bindc cannot make again from %s's words what %s replaced here: it is in "
                            "%s; make it again by hand.", s->tool, s->other_script, saved);
        return;
    }
    bind_script_line(s, "echo        putting back what %s replaced, kept in %s", s->other_script, saved);
    if (r->unkeep) {
        /* Renamed back and turned on; turned off again when it then shows
         * otherwise than before, which only its state can make it do. */
        bind_script_line(s, "%s", r->unkeep);
        bind_script_line(s, "if errorlevel 1 (echo        it is gone from where %s kept it: %s holds what it was.& goto bindc_%u)",
                         s->other_script, saved, k);
        bind_script_line(s, "call :bindc_read %s", saved);
        bind_script_line(s, "set \"BINDC_WAS=%%BINDC_SIG%%\"");
        bind_script_line(s, "%s >\"%%BINDC_CUR%%\" 2>&1", r->show);
        bind_script_line(s, "call :bindc_read \"%%BINDC_CUR%%\"");
        bind_script_line(s, "if not \"%%BINDC_SIG%%\"==\"%%BINDC_WAS%%\" %s", r->disable);
        bind_script_line(s, "if errorlevel 1 goto bindc_failed");
    } else if (r->port_opening) {
        /* Its mode shows as a word of Windows' language: the word this
         * script's own opening showed is "enabled". */
        bind_script_line(s, "call :bindc_port %u %s", r->port_opening, saved);
        bind_script_line(s, "set \"BINDC_M=ENABLE\"");
        bind_script_line(s, "if /i not \"%%BINDC_PORT_MODE%%\"==\"%%BINDC_ON%%\" if defined BINDC_ON set \"BINDC_M=DISABLE\"");
        bind_script_line(s, "%s", r->restore);
        bind_script_line(s, "if errorlevel 1 goto bindc_failed");
    } else if (r->ssl_settings) {
        put_back_ssl(s, r, saved);
        return;                      /* :bindc_put_ssl deletes the file once all is back */
    } else {
        bind_script_line(s, "call :bindc_read %s", saved);
        bind_script_line(s, "%s", r->restore);
        bind_script_line(s, "if errorlevel 1 goto bindc_failed");
    }
    bind_script_line(s, "del %s", saved);
}

static void revert_change(bind_script *s, const bind_script_record *r, uint32_t k)
{
    echo_what(s, fmt(s, "echo [%u/%u] remove ", k, s->nsteps), r->what, "");
    bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"notours\" (echo        not added by %s: left alone& goto bindc_%u)",
                     k, s->other_script, k);
    if (r->port_opening) {
        bind_script_line(s, "call :bindc_port %u \"%%BINDC_DIR%%\\%s.added.txt\"", r->port_opening, r->slug);
        bind_script_line(s, "set \"BINDC_ON=%%BINDC_PORT_MODE%%\"");
    }
    bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"gone\" goto bindc_back_%u", k, k);
    bind_script_line(s, "%s", r->del);
    bind_script_line(s, "if errorlevel 1 goto bindc_failed");
    if (r->list && strstr(r->show, "iplisten")) bind_script_line(s, "set \"BINDC_RESTART=1\"");
    bind_script_line(s, ":bindc_back_%u", k);
    bind_script_line(s, "if exist \"%%BINDC_DIR%%\\%s.added.txt\" del \"%%BINDC_DIR%%\\%s.added.txt\"", r->slug, r->slug);
    bind_script_line(s, "if not exist \"%%BINDC_DIR%%\\%s.replaced.txt\" goto bindc_%u", r->slug, k);
    put_back(s, r, k);
    bind_script_line(s, ":bindc_%u", k);
}

void bind_script_records(bind_script *s, const bind_script_record *r, uint32_t n)
{
    if (n == 0) return;
    bind_script_line(s, "echo bindc: looking at the %u records this script changes, before it changes any.", n);
    for (uint32_t i = 0; i < n && s->revert && !s->inexact; i++) s->inexact = r[i].ssl_settings;
    if (s->inexact) bind_script_line(s, "set \"BINDC_INEXACT=\"");
    for (uint32_t i = 0; i < n; i++) look(s, &r[i], i + 1);
    bind_script_line(s, "if defined BINDC_UNREADABLE (echo bindc: nothing was changed.& exit /b 1)");
    bind_script_line(s, "if defined BINDC_CONFLICTS if not defined BINDC_REPLACE (echo bindc: nothing was changed.  Run "
                        "\"%%~nx0\" /replace to %s: %s& exit /b 1)",
                     s->revert ? "remove them all the same" : "replace them",
                     s->revert ? "what is there now is kept in \"%BINDC_DIR%\" first."
                               : fmt(s, "each is kept in \"%%BINDC_DIR%%\" first, and %s puts it back.", s->other_script));
    for (uint32_t i = 0; i < n; i++) {
        if (s->revert) {
            /* With /replace, what changed since is kept before it goes. */
            bind_script_line(s, "if \"%%BINDC_S_%u%%\"==\"other\" (%s >\"%%BINDC_DIR%%\\%s.removed.txt\" 2>&1)", i + 1, r[i].show,
                             r[i].slug);
            revert_change(s, &r[i], i + 1);
        } else {
            forward_change(s, &r[i], i + 1);
        }
    }
}

/* :bindc_values FILE PREFIX reads an SSL binding's settings by place (the
 * tool's layout, s->ssl); :bindc_setting is a line of it, :bindc_count a
 * value that must be a number. */
static void values_subroutines(bind_script *s)
{
    const bind_ssl_layout *l = s->ssl;
    bind_script_line(s, ":bindc_values");
    bind_script_line(s, "rem What %s showed of an SSL binding in the file %%1, read by place, as its words are in the language "
                        "of Windows:", s->tool);
    bind_script_line(s, "rem BINDC_%%2_N is the value of the Nth line after the appid's (what follows the line's first colon), "
                        "BINDC_%%2_FORM");
    bind_script_line(s, "rem what precedes those colons (alike for two bindings shown in one language by one version of Windows), "
                        "BINDC_%%2_ALL");
    bind_script_line(s, "rem every value; BINDC_%%2_BAD is set when they cannot all be given back: no appid, a double quote, "
                        "no number");
    bind_script_line(s, "rem where %s shows a count (its lines are not where bindc reads them).  Settings past the %u bindc knows",
                     s->tool, l->settings[l->n - 1].line);
    bind_script_line(s, "rem (a newer Windows) are in BINDC_%%2_ALL: the revert compares them after it puts a binding back.");
    bind_script_line(s, "set \"BINDC_P=%%~2\"");
    static const char *const clear[] = { "AT", "BAD" };
    for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++) bind_script_line(s, "set \"BINDC_%s=\"", clear[i]);
    bind_script_line(s, "set \"BINDC_FORM=#\"");
    bind_script_line(s, "set \"BINDC_ALL=#\"");
    bind_script_line(s, "for /l %%%%n in (1,1,%u) do set \"BINDC_%%~2_%%%%n=\"", l->settings[l->n - 1].line);
    bind_script_line(s, "if not exist %%1 goto bindc_values_done");
    bind_script_line(s, "for /f \"usebackq tokens=1* delims=:\" %%%%a in (%%1) do (");
    bind_script_line(s, "  set \"BINDC_K=%%%%a\"");
    bind_script_line(s, "  set \"BINDC_V=#%%%%b\"");
    bind_script_line(s, "  call :bindc_setting");
    bind_script_line(s, ")");
    bind_script_line(s, ":bindc_values_done");
    bind_script_line(s, "if not defined BINDC_AT set \"BINDC_BAD=1\"");
    static const char *const out[] = { "BAD", "FORM", "ALL" };
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) bind_script_line(s, "set \"BINDC_%%~2_%s=%%BINDC_%s%%\"", out[i], out[i]);
    bind_script_line(s, "exit /b 0");
    bind_script_line(s, ":bindc_setting");
    bind_script_line(s, "rem One line of :bindc_values, # and what follows its first colon in BINDC_V: a double quote is "
                        "taken out (and noted),");
    bind_script_line(s, "rem then the blank %s puts after the colon.  The lines count from the appid's, the first value that "
                        "starts with {.", s->tool);
    bind_script_line(s, "set \"BINDC_T=%%BINDC_V:\"=%%\"");
    bind_script_line(s, "set \"BINDC_U=%%BINDC_V:\"='%%\"");
    bind_script_line(s, "if not \"%%BINDC_T%%\"==\"%%BINDC_U%%\" set \"BINDC_BAD=1\"");
    bind_script_line(s, "set \"BINDC_V=%%BINDC_T:~1%%\"");
    bind_script_line(s, "if \"%%BINDC_T:~0,2%%\"==\"# \" set \"BINDC_V=%%BINDC_T:~2%%\"");
    bind_script_line(s, "if defined BINDC_AT goto bindc_setting_after");
    bind_script_line(s, "if \"%%BINDC_T:~0,3%%\"==\"# {\" set \"BINDC_AT=0\"");
    bind_script_line(s, "exit /b 0");
    bind_script_line(s, ":bindc_setting_after");
    bind_script_line(s, "set /a BINDC_AT+=1");
    bind_script_line(s, "set \"BINDC_%%BINDC_P%%_%%BINDC_AT%%=%%BINDC_V%%\"");
    bind_script_line(s, "set \"BINDC_FORM=%%BINDC_FORM%%%%BINDC_K%%#\"");
    bind_script_line(s, "set \"BINDC_ALL=%%BINDC_ALL%%%%BINDC_V%%#\"");
    for (uint32_t i = 0; i < l->n; i++)
        if (l->settings[i].kind == BIND_SSL_COUNT)
            bind_script_line(s, "if \"%%BINDC_AT%%\"==\"%u\" call :bindc_count", l->settings[i].line);
    bind_script_line(s, "exit /b 0");
    bind_script_line(s, ":bindc_count");
    bind_script_line(s, "rem BINDC_BAD unless BINDC_V is a number: with its digits taken out, # is left.");
    bind_script_line(s, "set \"BINDC_T=#%%BINDC_V%%\"");
    for (char d = '0'; d <= '9'; d++) bind_script_line(s, "set \"BINDC_T=%%BINDC_T:%c=%%\"", d);
    bind_script_line(s, "if not \"%%BINDC_T%%\"==\"#\" set \"BINDC_BAD=1\"");
    bind_script_line(s, "if \"%%BINDC_V%%\"==\"\" set \"BINDC_BAD=1\"");
    bind_script_line(s, "exit /b 0");
}

/* :bindc_ssl_args turns the values of BINDC_WAS_* into the arguments of the
 * tool's add command, :bindc_switches the lines that read otherwise than
 * BINDC_NOW_* into its switches. */
static void put_ssl_subroutines(bind_script *s)
{
    const bind_ssl_layout *l = s->ssl;
    bool switches = false;
    bind_script_line(s, ":bindc_ssl_args");
    bind_script_line(s, "rem BINDC_A_N: the value of the Nth line of BINDC_WAS_* as %s's add command takes it back; nothing "
                        "when there is none.", s->tool);
    bind_script_line(s, "rem A name is given in quotes (set without them, so that the quotes are part of it).");
    for (uint32_t i = 0; i < l->n; i++) {
        const bind_ssl_setting *t = &l->settings[i];
        if (t->kind == BIND_SSL_SWITCH) {
            switches = true;
            continue;
        }
        bind_script_line(s, "set \"BINDC_A_%u=\"", t->line);
        if (t->kind == BIND_SSL_TEXT)
            bind_script_line(s, "if defined BINDC_WAS_%u if not \"%%BINDC_WAS_%u%%\"==\"(null)\" set BINDC_A_%u=%s\"%%BINDC_WAS_%u%%\"",
                             t->line, t->line, t->line, t->arg, t->line);
        else if (t->dflt)
            bind_script_line(s, "if defined BINDC_WAS_%u if not \"%%BINDC_WAS_%u%%\"==\"%s\" set \"BINDC_A_%u=%s%%BINDC_WAS_%u%%\"",
                             t->line, t->line, t->dflt, t->line, t->arg, t->line);
        else
            bind_script_line(s, "set \"BINDC_A_%u=%s%%BINDC_WAS_%u%%\"", t->line, t->arg, t->line);
    }
    bind_script_line(s, "exit /b 0");
    if (!switches) return;
    bind_script_line(s, ":bindc_switches");
    bind_script_line(s, "rem BINDC_SW: the switches of the lines of BINDC_WAS_* that read otherwise than in BINDC_NOW_*, the "
                        "same binding with");
    bind_script_line(s, "rem %s's defaults: their words are in the language of Windows, so a line tells only whether the "
                        "setting is the default.", s->tool);
    bind_script_line(s, "set \"BINDC_SW=\"");
    for (uint32_t i = 0; i < l->n; i++)
        if (l->settings[i].kind == BIND_SSL_SWITCH)
            bind_script_line(s, "if not \"%%BINDC_WAS_%u%%\"==\"%%BINDC_NOW_%u%%\" set \"BINDC_SW=%%BINDC_SW%% %s\"",
                             l->settings[i].line, l->settings[i].line, l->settings[i].arg);
    bind_script_line(s, "exit /b 0");
}

static void subroutines(bind_script *s)
{
    bind_script_line(s, ":bindc_read");
    bind_script_line(s, "rem What a %s command showed, read by its values (its words are in the language of Windows): "
                        "BINDC_SIG", s->tool);
    bind_script_line(s, "rem is the last word of every line, between #; BINDC_R_SDDL the one that starts with D:(,");
    bind_script_line(s, "rem BINDC_R_APPID the first {GUID}, BINDC_R_HASH the value before it.");
    bind_script_line(s, "set \"BINDC_SIG=#\"");
    static const char *const vars[] = { "SDDL", "APPID", "HASH" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) bind_script_line(s, "set \"BINDC_R_%s=\"", vars[i]);
    bind_script_line(s, "set \"BINDC_PREV=\"");
    bind_script_line(s, "if not exist %%1 exit /b 0");
    bind_script_line(s, "for /f \"usebackq tokens=1-26\" %%%%a in (%%1) do (");
    bind_script_line(s, "  set \"BINDC_V=%%%%a\"");
    for (char c = 'b'; c <= 'z'; c++) bind_script_line(s, "  if not \"%%%%%c\"==\"\" set \"BINDC_V=%%%%%c\"", c, c);
    bind_script_line(s, "  call :bindc_value");
    bind_script_line(s, ")");
    bind_script_line(s, "exit /b 0");
    bind_script_line(s, ":bindc_value");
    bind_script_line(s, "set \"BINDC_V=%%BINDC_V:\"=%%\"");
    bind_script_line(s, "if \"%%BINDC_V:~0,3%%\"==\"D:(\" set \"BINDC_R_SDDL=%%BINDC_V%%\"");
    bind_script_line(s, "if not defined BINDC_R_APPID if \"%%BINDC_V:~0,1%%\"==\"{\" (set \"BINDC_R_APPID=%%BINDC_V%%\" & "
                        "set \"BINDC_R_HASH=%%BINDC_PREV%%\")");
    bind_script_line(s, "set \"BINDC_SIG=%%BINDC_SIG%%%%BINDC_V%%#\"");
    bind_script_line(s, "set \"BINDC_PREV=%%BINDC_V%%\"");
    bind_script_line(s, "exit /b 0");
    bind_script_line(s, ":bindc_has");
    bind_script_line(s, "rem BINDC_HAS is 1 when every argument is one of the values in BINDC_SIG (compared without case).");
    bind_script_line(s, "set \"BINDC_HAS=1\"");
    bind_script_line(s, "call :bindc_has1 %%1");
    bind_script_line(s, "if not \"%%~2\"==\"\" call :bindc_has1 %%2");
    bind_script_line(s, "if not \"%%~3\"==\"\" call :bindc_has1 %%3");
    bind_script_line(s, "exit /b 0");
    bind_script_line(s, ":bindc_has1");
    bind_script_line(s, "call set \"BINDC_T=%%%%BINDC_SIG:#%%~1#=%%%%\"");
    bind_script_line(s, "call set \"BINDC_U=%%%%BINDC_SIG%%%%\"");
    bind_script_line(s, "if \"%%BINDC_T%%\"==\"%%BINDC_U%%\" set \"BINDC_HAS=\"");
    bind_script_line(s, "exit /b 0");
    bind_script_line(s, ":bindc_ours");
    bind_script_line(s, "rem BINDC_OURS is 1 when the record shows as it did right after %s set it.",
                     s->revert ? s->other_script : "this script");
    bind_script_line(s, "set \"BINDC_OURS=\"");
    bind_script_line(s, "if not exist \"%%BINDC_DIR%%\\%%~1.added.txt\" exit /b 0");
    bind_script_line(s, "set \"BINDC_NOW=%%BINDC_SIG%%\"");
    bind_script_line(s, "call :bindc_read \"%%BINDC_DIR%%\\%%~1.added.txt\"");
    bind_script_line(s, "if \"%%BINDC_SIG%%\"==\"%%BINDC_NOW%%\" set \"BINDC_OURS=1\"");
    bind_script_line(s, "exit /b 0");
    if (s->values) values_subroutines(s);
    if (s->put_ssl) put_ssl_subroutines(s);
    if (s->put_cert) put_ssl_subroutine(s, false);
    if (s->put_ccs) put_ssl_subroutine(s, true);
    if (s->port) {
        bind_script_line(s, ":bindc_port");
        bind_script_line(s, "rem BINDC_PORT_NAME and BINDC_PORT_MODE: the name and mode of the opening of TCP port %%1 in "
                            "the file %%2,");
        bind_script_line(s, "rem whose lines read: port, protocol, mode, name.");
        bind_script_line(s, "set \"BINDC_PORT_NAME=\"");
        bind_script_line(s, "set \"BINDC_PORT_MODE=\"");
        bind_script_line(s, "if not exist %%2 exit /b 0");
        bind_script_line(s, "for /f \"usebackq tokens=1-3*\" %%%%a in (%%2) do (");
        bind_script_line(s, "  if /i \"%%%%b\"==\"TCP\" if \"%%%%a\"==\"%%~1\" set \"BINDC_PORT_MODE=%%%%c\"");
        bind_script_line(s, "  if /i \"%%%%b\"==\"TCP\" if \"%%%%a\"==\"%%~1\" set \"BINDC_PORT_NAME=%%%%d\"");
        bind_script_line(s, ")");
        bind_script_line(s, "if defined BINDC_PORT_NAME set \"BINDC_PORT_NAME=%%BINDC_PORT_NAME:\"=%%\"");
        bind_script_line(s, "exit /b 0");
    }
    if (s->found) {
        bind_script_line(s, ":bindc_found");
        bind_script_line(s, "rem Look-up %%1 found the certificate with the thumbprint %%2; BINDC_TWICE_%%1 when it found one before.");
        bind_script_line(s, "call set \"BINDC_ALL_%%1=%%%%BINDC_ALL_%%1%%%% %%2\"");
        bind_script_line(s, "if defined BINDC_THUMBPRINT_%%1 set \"BINDC_TWICE_%%1=1\"");
        bind_script_line(s, "set \"BINDC_THUMBPRINT_%%1=%%2\"");
        bind_script_line(s, "exit /b 0");
    }
    if (s->blob) {
        bind_script_line(s, ":bindc_blob");
        bind_script_line(s, "rem Look-up %%1: the certificate under the registry key %%2 has the friendly name when its Blob "
                            "holds BINDC_HEX.");
        bind_script_line(s, "reg query %%2 /v Blob 2>nul | find \"%%BINDC_HEX%%\" >nul");
        bind_script_line(s, "if errorlevel 1 exit /b 0");
        bind_script_line(s, "call :bindc_found %%1 %%~nx2");
        bind_script_line(s, "exit /b 0");
    }
    if (s->alias) {
        const char *const (*map)[2];
        size_t n = bind_http_sys_sid_aliases(&map);
        bind_script_line(s, ":bindc_alias");
        bind_script_line(s, "rem BINDC_SIDA_%%1: how SDDL writes the SID in BINDC_SID_%%1 (a well-known one by its alias: NS for S-1-5-20).");
        bind_script_line(s, "call set \"BINDC_X=%%%%BINDC_SID_%%1%%%%\"");
        for (size_t i = 0; i < n; i++) bind_script_line(s, "if \"%%BINDC_X%%\"==\"%s\" set \"BINDC_X=%s\"", map[i][0], map[i][1]);
        bind_script_line(s, "set \"BINDC_SIDA_%%1=%%BINDC_X%%\"");
        bind_script_line(s, "exit /b 0");
    }
}

void bind_script_end(bind_script *s)
{
    bind_script_line(s, "if exist \"%%BINDC_CUR%%\" del \"%%BINDC_CUR%%\"");
    /* The folder goes when it is empty (rd refuses otherwise). */
    bind_script_line(s, "rd \"%%BINDC_DIR%%\" >nul 2>&1");
    if (s->nsteps == 0) bind_script_line(s, "echo bindc: these bindings need no HTTP.sys settings on this platform.");
    bind_script_line(s, "if not defined BINDC_RESTART goto bindc_done");
    bind_script_line(s, "echo bindc: the IP listen list changed, and HTTP.sys reads it only when it starts.  Restart it:");
    bind_script_line(s, "echo        net stop http /y   stops HTTP.sys and the services that use it, IIS among them;");
    bind_script_line(s, "echo        net start w3svc    starts IIS again; start the other services it stopped as well,");
    bind_script_line(s, "echo        or restart Windows.");
    bind_script_line(s, ":bindc_done");
    if (s->inexact)
        bind_script_line(s, "if defined BINDC_INEXACT (echo bindc: done, but not every record is back exactly as it was: what "
                            "%s showed of it is kept in \"%%BINDC_DIR%%\".& exit /b 1)", s->tool);
    bind_script_line(s, "echo bindc: done.");
    bind_script_line(s, "exit /b 0");
    bind_script_line(s, ":bindc_failed");
    bind_script_line(s, "echo bindc: that step failed, so the script stopped there; the steps before it stay applied. %s",
                     s->revert ? "Fix the cause and run it again."
                               : fmt(s, "Fix the cause and run it again, or run %s to undo them.", s->other_script));
    bind_script_line(s, "exit /b 1");
    subroutines(s);
    bind_buf_free(&s->line);
}
