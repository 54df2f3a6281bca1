/* The batch-file scaffolding the netsh and httpcfg scripts share.
 *
 * Every line ends in CRLF and is ASCII.  User text reaches a line only
 * through backend/cmd_exe_quote.h; the PowerShell look-ups read user text from the
 * environment (`set "NAME=value"` carries any accepted text unchanged), so
 * the command that `for /f` hands to a second cmd.exe is fixed text. */
#include "http_sys_plan.h"

#include <stdio.h>

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

void bind_script_begin(bind_script *s, bind_emit_ctx *cx, bind_buf *out, const char *what,
                       const char *elevation, uint32_t nsteps)
{
    s->cx = cx;
    s->out = out;
    s->step = 0;
    s->nsteps = nsteps;
    bind_buf_init(&s->line);
    bind_script_line(s, "@echo off");
    bind_script_line(s, "rem %s", what);
    bind_script_line(s, "rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.");
    /* Delayed expansion off, whatever the registry says: `!` stays literal. */
    bind_script_line(s, "setlocal EnableExtensions DisableDelayedExpansion");
    bind_script_line(s, "%s >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)",
                     elevation);
}

/* A comment, then `set "PREFIX_N=value"` with the value quoted for cmd.exe:
 * how the scripts hand a user's text to PowerShell without it being parsed. */
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
    set_var(s, "rem The thumbprint of this certificate differs on every machine: find it by its friendly name.",
            "BINDC_CERT_NAME", n, l->cert->friendly_name);
    bind_script_line(s, "set \"BINDC_THUMBPRINT_%u=\"", n);
    bind_script_line(s, "for /f \"usebackq delims=\" %%%%T in (`powershell -NoProfile -NonInteractive -Command "
                        "\"Get-ChildItem -Path Cert:\\LocalMachine\\%s | Where-Object { $_.HasPrivateKey -and "
                        "$_.FriendlyName -eq $env:BINDC_CERT_NAME_%u } | Sort-Object -Property NotAfter -Descending | "
                        "Select-Object -First 1 -ExpandProperty Thumbprint\"`) do set \"BINDC_THUMBPRINT_%u=%%%%T\"",
                     l->store, n, n);
    bind_script_line(s, "if not defined BINDC_THUMBPRINT_%u (echo bindc: no certificate with a private key and the friendly "
                        "name \"%%BINDC_CERT_NAME_%u%%\" is in LocalMachine\\%s; nothing was changed.& exit /b 1)",
                     n, n, l->store);
}

void bind_script_sid_lookup(bind_script *s, const bind_http_sys_plan *p, uint32_t i)
{
    unsigned n = i + 1;
    set_var(s, "rem httpcfg takes a SID, not an account name: translate the name on this machine.",
            "BINDC_ACL", n, p->sid_lookups[i].user);
    bind_script_line(s, "set \"BINDC_SID_%u=\"", n);
    bind_script_line(s, "for /f \"usebackq delims=\" %%%%S in (`powershell -NoProfile -NonInteractive -Command "
                        "\"(New-Object System.Security.Principal.NTAccount $env:BINDC_ACL_%u).Translate("
                        "[System.Security.Principal.SecurityIdentifier]).Value\"`) do set \"BINDC_SID_%u=%%%%S\"",
                     n, n);
    bind_script_line(s, "if not defined BINDC_SID_%u (echo bindc: the account \"%%BINDC_ACL_%u%%\" is unknown on this "
                        "machine: check acl= or defaults.acl; nothing was changed.& exit /b 1)",
                     n, n);
}

void bind_script_step(bind_script *s, const char *what)
{
    bind_buf *line = bind_script_new_line(s);
    s->step++;
    bind_buf_printf(line, "echo [%u/%u] ", s->step, s->nsteps);
    bind_cmd_quote_put_text(line, what);
    bind_script_put_line(s, line);
}

void bind_script_check(bind_script *s)
{
    bind_script_line(s, "if errorlevel 1 goto bindc_failed");
}

void bind_script_end(bind_script *s, const char *undo)
{
    if (s->nsteps == 0) bind_script_line(s, "echo bindc: these bindings need no HTTP.sys settings on this platform.");
    else bind_script_line(s, "echo bindc: done.");
    bind_script_line(s, "exit /b 0");
    bind_script_line(s, ":bindc_failed");
    bind_script_line(s, "echo bindc: that step failed, so the script stopped there; the steps before it stay applied. %s", undo);
    bind_script_line(s, "exit /b 1");
    bind_buf_free(&s->line);
}
