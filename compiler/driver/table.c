/* The one table of bindc's commands and options.
 *
 * Parsing, `--help`, `bindc help COMMAND`, the completions, the man page
 * (bindc.1, its generated parts) and the README's usage block all read
 * it: an option added here is parsed, documented and completed. */
#include <string.h>

#include "driver.h"

static const char *const colors[] = { "auto", "always", "never", NULL };
static const char *const formats[] = { "text", "json", NULL };
static const char *const servers[] = { "iis", "nginx", "apache", NULL };

static const bind_cli_option options[] = {
    { OPT_HELP, "--help", 'h', NULL, VALUES_NONE, NULL, NULL, false, false,
      "print this help and exit", NULL },

    { OPT_TARGET, "--target", 0, "T", VALUES_TARGET, NULL, NULL, false, false,
      "the target to write, or `all`",
      "`all` writes, into the folder -o DIR, every target that applies to the files: httpcfg "
      "(Windows XP and Server 2003) only when named, and a target that cannot serve any of the "
      "sites (nginx and Apache when every site they would write uses a certificate without "
      "pem/key, such as the IIS Express development certificate) is left out with a note." },
    { OPT_OUTPUT, "--output", 'o', "OUT", VALUES_FILE, NULL, NULL, false, false,
      "write to OUT (`-`: standard output); a folder with --target all",
      "Every file is written atomically: a temporary file beside it, fsync, rename. An output "
      "that is one of the inputs is refused." },
    { OPT_MERGE, "--merge", 0, "EXISTING", VALUES_FILE, NULL, NULL, false, false,
      "merge into an existing applicationhost.config (--target iis)",
      "Without -o, EXISTING is updated in place and its previous bytes are kept as "
      "EXISTING.bak (then .bak.1, ...). Comments, other sections, quoting, line ends and "
      "encoding stay byte for byte; in the sites the .bind names, only what it says changes "
      "(names, ids, autostart, the pools and folders of its applications, the bindings), and "
      "missing pools are added. Other sites, elements and attributes stay as they were." },
    { OPT_PRUNE, "--prune", 0, NULL, VALUES_NONE, NULL, NULL, false, false,
      "with --merge: remove the sites of EXISTING that the files do not name", NULL },
    { OPT_DRY_RUN, "--dry-run", 0, NULL, VALUES_NONE, NULL, NULL, false, false,
      "with --merge: print the merge as a unified diff and write nothing", NULL },
    { OPT_LIST_TARGETS, "--list-targets", 0, NULL, VALUES_NONE, NULL, NULL, false, false,
      "list the targets and their files under --target all", NULL },

    { OPT_CHECK, "--check", 0, NULL, VALUES_NONE, NULL, NULL, false, false,
      "name each file that is not formatted and its first differing line (exit 1)", NULL },
    { OPT_WRITE, "--write", 'w', NULL, VALUES_NONE, NULL, NULL, false, false,
      "rewrite, atomically, the files that are not formatted", NULL },

    { OPT_LOCAL_IP, "--local-ip", 0, "IP", VALUES_TEXT, NULL, NULL, false, false,
      "the server address the request arrives on",
      "Without it: the URL's address when its host is one, else the first of 192.0.2.1... "
      "(then 198.18.0.0/15) that no binding or iplisten names." },
    { OPT_SERVER, "--server", 0, "S", VALUES_CHOICES, servers, NULL, false, false,
      "only this server's rules, over its sites (default: the whole box, the server that owns the request's socket)",
      "Without it, the whole box: the server that listens on the request's address:port owns it "
      "(HTTP.sys on the ports of the sites with server = iis or any, on the iplisten addresses or "
      "every address; nginx and Apache on the sockets their target's listen lines open), and its "
      "rules answer; the reason names both steps. Where two would listen, HTTP.sys holds the "
      "socket and the other does not start. iis: the IIS/HTTP.sys rules over "
      "sites with server = iis or any, honouring iplisten; nginx, apache: that server's own "
      "selection over the configuration its target writes, for its sites and server = any ones." },
    { OPT_SNI, "--sni", 0, "NAME", VALUES_TEXT, NULL, NULL, false, false,
      "https: the TLS server name the client sends (default: the URL's host, none for an address; `''`: none)",
      "The handshake comes first: the answer says which certificate the server presents and "
      "what picked it (HTTP.sys's SSL binding: hostnameport, ccs, then ipport; nginx's server "
      "block; Apache's <VirtualHost>), or why the handshake is refused (HTTP.sys resets a client "
      "no SSL binding serves; nginx's generated default server rejects it), then which site the "
      "Host reaches. Apache answers 421 when the Host names a block of another TLS set-up." },
    { OPT_NO_SNI, "--no-sni", 0, NULL, VALUES_NONE, NULL, NULL, false, false,
      "https: the client sends no TLS server name (an old client, or a URL by address)", NULL },
    { OPT_VERBOSE, "--verbose", 'v', NULL, VALUES_NONE, NULL, NULL, false, false,
      "print every diagnostic of the check, as `bindc check` does",
      "Without it route prints the errors (there is no answer then) and the warnings about the "
      "binding that answers, not every hint and warning of the check on every query." },

    { OPT_STDIO, "--stdio", 0, NULL, VALUES_NONE, NULL, NULL, false, false,
      "accepted for clients that add it: the transport is always standard input and output", NULL },
    { OPT_LIST, "--list", 0, NULL, VALUES_NONE, NULL, NULL, false, false,
      "list every code: code, severity, summary, one a line", NULL },

    { OPT_PLATFORM, "--platform", 0, "P", VALUES_PLATFORM, NULL, "iis10", false, false,
      "the platform of files that do not select one with `platform NAME`", NULL },
    { OPT_ROOT, "--root", 0, "DIR", VALUES_DIR, NULL, NULL, true, false,
      "let `use` reach files under DIR too",
      "By default `use` reaches only the folders of the files given (and the folders under "
      "them). DIR must exist." },

    { OPT_STATE, "--state", 0, "CAPTURE", VALUES_FILE, NULL, NULL, true, false,
      "what the machine's HTTP.sys holds: captures of netsh (`bindc explain E0501` says how)",
      "The saved output of netsh http show urlacl, sslcert and iplisten and of netsh int ipv4|ipv6 "
      "show excludedportrange protocol=tcp, several in one file; again for more files, `-` for "
      "standard input. check compares the files with it (W0503-W0508), compile's HTTP.sys "
      "scripts leave out what it shows as they would set it, and route answers as the machine "
      "would. A file that holds no capture is E0501." },

    { OPT_WERROR, "--werror", 0, NULL, VALUES_NONE, NULL, NULL, false, true,
      "treat warnings as errors (exit 1)", NULL },
    { OPT_ALLOW, "--allow", 0, "CODE", VALUES_CODES, NULL, NULL, true, true,
      "silence the warnings and hints CODE (CODE,CODE... or again for more; `bindc explain --list` lists the codes)",
      "As a `# bindc: allow CODE` comment does for one line or block. An error cannot be "
      "allowed." },
    { OPT_WARN, "--warn", 'W', "CODE", VALUES_CODES, NULL, NULL, true, true,
      "report CODE as a warning (a hint becomes a warning)", NULL },
    { OPT_DENY, "--deny", 0, "CODE", VALUES_CODES, NULL, NULL, true, true,
      "report CODE as an error (exit 1)", NULL },
    { OPT_ERROR_LIMIT, "--error-limit", 0, "N", VALUES_NUMBER, NULL, "20; 1000 with json", false, true,
      "show at most N diagnostics and count the rest; 0: no limit",
      "In text, a warning or hint code said more than 10 times is shown 10 times, then one "
      "line says how many more there are." },
    { OPT_FORMAT, "--diagnostics-format", 0, "F", VALUES_CHOICES, formats, "text", false, true,
      "text, or one JSON object per diagnostic per line", NULL },
    { OPT_COLOR, "--color", 0, "WHEN", VALUES_CHOICES, colors, "auto", false, true,
      "colour in text diagnostics (auto: on a terminal, and never with NO_COLOR set)", NULL },
};

#define INPUTS (OPT_BIT(OPT_PLATFORM) | OPT_BIT(OPT_ROOT))
#define LEVELS (OPT_BIT(OPT_WERROR) | OPT_BIT(OPT_ALLOW) | OPT_BIT(OPT_WARN) | OPT_BIT(OPT_DENY))
#define SHOWN (OPT_BIT(OPT_ERROR_LIMIT) | OPT_BIT(OPT_FORMAT) | OPT_BIT(OPT_COLOR))
#define HELP OPT_BIT(OPT_HELP)
#define STATE OPT_BIT(OPT_STATE)

static const char *const check_usage[] = { "FILE... [options]", NULL };
static const char *const compile_usage[] = {
    "FILE... --target T [-o OUT] [options]",
    "FILE... --target all -o DIR [options]",
    "FILE... --target iis --merge EXISTING [-o OUT] [--prune] [--dry-run]",
    "--list-targets",
    NULL,
};
static const char *const fmt_usage[] = { "FILE... [--check | --write]", NULL };
static const char *const route_usage[] = { "FILE... URL [--local-ip IP] [--server iis|nginx|apache] [--sni NAME | --no-sni] [options]", NULL };
static const char *const import_usage[] = { "FILE... [-o OUT.bind] [--platform P]", NULL };
static const char *const lsp_usage[] = { "[--stdio]", NULL };
static const char *const explain_usage[] = { "CODE", "--list", NULL };
static const char *const help_usage[] = { "[COMMAND]", NULL };

static const bind_command commands[] = {
    { "check", check_usage, "check .bind files as one server and print the diagnostics",
      "Checks the files as one server (their sites, certificates and bindings against each "
      "other) and prints the diagnostics on standard error. `-` reads standard input. Exit 1 "
      "when there is an error, or a warning with --werror.",
      HELP | INPUTS | STATE | LEVELS | SHOWN, OPERANDS_FILES },
    { "compile", compile_usage, "check, then write a target (iis, netsh, nginx, apache, json, ...)",
      "Checks the files, then writes target T to OUT, or to standard output without -o or "
      "with -o -. --target all writes every target that applies, one file each, into the "
      "folder DIR. Nothing is written when the input or a target has an error; every file "
      "is written atomically. The diagnostics end with the same summary line as check's.",
      HELP | OPT_BIT(OPT_TARGET) | OPT_BIT(OPT_OUTPUT) | OPT_BIT(OPT_MERGE) | OPT_BIT(OPT_PRUNE)
          | OPT_BIT(OPT_DRY_RUN) | OPT_BIT(OPT_LIST_TARGETS) | INPUTS | STATE | LEVELS | SHOWN,
      OPERANDS_FILES },
    { "fmt", fmt_usage, "print, check or rewrite files in canonical form",
      "Prints each file in canonical form. `-` reads standard input. Each file is formatted "
      "on its own (`use` is not followed); a file with syntax errors is never formatted "
      "(exit 1).",
      HELP | OPT_BIT(OPT_CHECK) | OPT_BIT(OPT_WRITE) | OPT_BIT(OPT_FORMAT) | OPT_BIT(OPT_COLOR),
      OPERANDS_FILES },
    { "route", route_usage, "say which site and binding answer a URL, and why",
      "Checks the files, then prints the site and the binding that answer URL and why; exit "
      "3 when none does. URL is the last operand with `://`: http or https, a host name, an "
      "IPv4 address or a bracketed IPv6 address, an optional port. For https a tls: line says "
      "which certificate the handshake gets, or why it is refused. With --state, as the machine "
      "would answer: HTTP.sys's URL reservations and the URL's path take part, and a rule: line "
      "says which of HTTP.sys's rules decided.",
      HELP | OPT_BIT(OPT_LOCAL_IP) | OPT_BIT(OPT_SERVER) | OPT_BIT(OPT_SNI) | OPT_BIT(OPT_NO_SNI) | OPT_BIT(OPT_VERBOSE) | INPUTS | STATE | LEVELS | SHOWN,
      OPERANDS_FILES },
    { "import", import_usage, "turn a server's configuration into a .bind file",
      "Reads what a server already has (applicationhost.config, netsh and appcmd output, "
      "nginx configuration) and writes one .bind file to OUT, or standard output. `-` reads "
      "standard input. An error in any input writes nothing.",
      HELP | OPT_BIT(OPT_OUTPUT) | OPT_BIT(OPT_PLATFORM) | LEVELS | SHOWN, OPERANDS_FILES },
    { "explain", explain_usage, "explain a diagnostic code, or list them all",
      "Prints the long explanation of a diagnostic code (E0201, in any case), with an "
      "example; --list prints every code.",
      HELP | OPT_BIT(OPT_LIST), OPERANDS_CODE },
    { "lsp", lsp_usage, "the language server, over standard input and output",
      "The language server (LSP 3.17 over standard input and output; logs go to standard "
      "error). Editors start it: see examples/editors/.",
      HELP | OPT_BIT(OPT_STDIO), OPERANDS_NONE },
    { "help", help_usage, "print this help, or a command's",
      "Prints the help of bindc, or of COMMAND (as `bindc COMMAND --help` does).",
      HELP, OPERANDS_COMMAND },
};

const bind_command *bind_commands(size_t *n)
{
    *n = sizeof commands / sizeof commands[0];
    return commands;
}

const bind_command *bind_command_find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

const bind_cli_option *bind_cli_options(size_t *n)
{
    *n = sizeof options / sizeof options[0];
    return options;
}

const bind_cli_option *bind_cli_option_get(enum bind_opt_id id)
{
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (options[i].id == id) return &options[i];
    return NULL;
}
