/* Everything said about the command line, from the one table (table.c):
 * `bindc --help`, `bindc help COMMAND`, and what `bindc __generate` makes
 * for the build and the tests: the man page's generated parts, the bash,
 * zsh and fish completions, the README's usage block and the option table
 * of grammar/README.md §10. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "backend/backend.h"

#define WIDTH 79
#define LEFT 28                 /* where an option's help starts */

static const char about_bindc[] =
    "bindc checks .bind files (web sites and their bindings, in the IIS shorthand "
    "`https *:443:shop.example cert=shop sni`) and compiles them to IIS applicationhost.config, "
    "netsh and httpcfg scripts, nginx and Apache configuration, and a JSON model.";

static const char after_bindc[] =
    "A FILE `-` reads standard input; -o - writes standard output.\n"
    "exit codes: 0 success (warnings allowed), 1 the input has errors,\n"
    "            2 usage or I/O error, 3 `route` found no site\n";

/* ---- Lists the table points to -------------------------------------------- */

/* The platforms of the stdlib: what an empty compilation knows. */
static char **stdlib_platforms(size_t *n)
{
    bind_compilation *c = bind_compilation_new();
    bind_compilation_check(c);
    char **names = calloc(c->model->nplatforms + 1, sizeof *names);
    if (!names) bind_oom();
    for (uint32_t i = 0; i < c->model->nplatforms; i++) {
        names[i] = strdup(c->model->platforms[i]->name);
        if (!names[i]) bind_oom();
    }
    *n = c->model->nplatforms;
    bind_compilation_free(c);
    return names;
}

static void free_list(char **list)
{
    for (char **p = list; p && *p; p++) free(*p);
    free(list);
}

/* The values of an option, separated by sep, or NULL when they are not a
 * fixed list.  malloc'ed. */
static char *values_text(const bind_cli_option *opt, const char *sep)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) bind_oom();
    bool any = true;
    if (opt->values == VALUES_CHOICES) {
        for (size_t i = 0; opt->choices[i]; i++) fprintf(m, "%s%s", i ? sep : "", opt->choices[i]);
    } else if (opt->values == VALUES_TARGET) {
        size_t n;
        const bind_backend *const *all = bind_backends(&n);
        for (size_t i = 0; i < n; i++) fprintf(m, "%s%s", all[i]->name, sep);
        fputs("all", m);
    } else if (opt->values == VALUES_PLATFORM) {
        size_t n;
        char **names = stdlib_platforms(&n);
        for (size_t i = 0; i < n; i++) fprintf(m, "%s%s", i ? sep : "", names[i]);
        free_list(names);
    } else if (opt->values == VALUES_CODES) {
        for (int i = 0; i < BIND_CODE_COUNT; i++) fprintf(m, "%s%s", i ? sep : "", bind_code_name((enum bind_code)i));
    } else any = false;
    if (fclose(m) != 0) bind_oom();
    if (!any) { free(text); return NULL; }
    return text;
}

/* ---- Terminal help ------------------------------------------------------- */

/* Words of text from column `col` (the cursor is there), wrapped at WIDTH
 * with later lines indented to `indent`. */
static void wrap(FILE *out, const char *text, int col, int indent)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ') p++;
        size_t w = strcspn(p, " ");
        if (!w) break;
        if (col > indent && col + 1 + (int)w > WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, w, out);
        col += (int)w;
        p += w;
    }
    fputc('\n', out);
}

static int option_left(FILE *out, const bind_cli_option *opt)
{
    int n = 0;
    if (opt->short_name) n += fprintf(out, "  -%c, %s", opt->short_name, opt->name);
    else n += fprintf(out, "      %s", opt->name);
    if (opt->metavar) n += fprintf(out, " %s", opt->metavar);
    return n;
}

static void print_option(FILE *out, const bind_cli_option *opt)
{
    int n = option_left(out, opt);
    if (n + 2 > LEFT) { fprintf(out, "\n%*s", LEFT, ""); n = LEFT; }
    else { fprintf(out, "%*s", LEFT - n, ""); n = LEFT; }
    char *line = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&line, &len);
    if (!m) bind_oom();
    fputs(opt->help, m);
    if (opt->fallback) fprintf(m, " (default %s)", opt->fallback);
    if (fclose(m) != 0) bind_oom();
    wrap(out, line, n, LEFT);
    free(line);
    if (opt->values != VALUES_CODES) {
        char *vals = values_text(opt, ", ");
        if (vals) {
            char *with = NULL;
            size_t wl = 0;
            FILE *w = open_memstream(&with, &wl);
            if (!w) bind_oom();
            fprintf(w, "%s: %s%s", opt->metavar, vals, opt->values == VALUES_PLATFORM ? ", or one the files define" : "");
            if (fclose(w) != 0) bind_oom();
            fprintf(out, "%*s", LEFT + 2, "");
            wrap(out, with, LEFT + 2, LEFT + 2);
            free(with);
            free(vals);
        }
    }
}

static void print_usage_lines(FILE *out, const bind_command *cmd)
{
    for (size_t i = 0; cmd->usage[i]; i++)
        fprintf(out, "%s bindc %s %s\n", i ? "      " : "usage:", cmd->name, cmd->usage[i]);
}

void bind_help_print(FILE *out, const bind_command *cmd)
{
    size_t n;
    if (!cmd) {
        const bind_command *cmds = bind_commands(&n);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; cmds[i].usage[k]; k++)
                fprintf(out, "%s bindc %-7s %s\n", i + k ? "      " : "usage:", cmds[i].name, cmds[i].usage[k]);
        fputs("       bindc --version\n\n", out);
        wrap(out, about_bindc, 0, 0);
        fputs("\ncommands:\n", out);
        for (size_t i = 0; i < n; i++) fprintf(out, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
        /* The options several commands share, by name. */
        size_t no;
        const bind_cli_option *all = bind_cli_options(&no);
        char *line = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&line, &len);
        if (!m) bind_oom();
        bool first = true;
        for (size_t k = 0; k < no; k++) {
            int users = 0;
            for (size_t i = 0; i < n; i++) users += (cmds[i].options & OPT_BIT(all[k].id)) != 0;
            if (users < 2 || all[k].id == OPT_HELP) continue;
            fprintf(m, "%s", first ? "" : ", ");
            if (all[k].short_name) fprintf(m, "-%c ", all[k].short_name);
            fputs(all[k].name, m);
            if (all[k].metavar) {
                char *vals = all[k].values == VALUES_CHOICES ? values_text(&all[k], "|") : NULL;
                fprintf(m, " %s", vals ? vals : all[k].metavar);
                free(vals);
            }
            first = false;
        }
        if (fclose(m) != 0) bind_oom();
        fputs("\noptions several commands take (`bindc help COMMAND` says which, and what they do):\n  ", out);
        wrap(out, line, 2, 2);
        free(line);
        fputs("  -h, --help (every command)\n\n", out);
        fputs(after_bindc, out);
        fputs("\nrun `bindc help COMMAND` (or `bindc COMMAND --help`) for a command's options.\n", out);
        return;
    }
    print_usage_lines(out, cmd);
    fputc('\n', out);
    wrap(out, cmd->about, 0, 0);
    const bind_cli_option *all = bind_cli_options(&n);
    for (int group = 0; group < 2; group++) {
        bool head = false;
        for (size_t i = 0; i < n; i++) {
            const bind_cli_option *opt = &all[i];
            if (!(cmd->options & OPT_BIT(opt->id)) || opt->id == OPT_HELP || opt->diagnostics != (group == 1)) continue;
            if (!head) fprintf(out, "\n%s:\n", group ? "diagnostics" : "options");
            head = true;
            print_option(out, opt);
        }
    }
    fputc('\n', out);
    print_option(out, bind_cli_option_get(OPT_HELP));
}

int bind_cmd_help(bind_cli *o)
{
    if (o->nfiles > 1) return bind_cli_usage_error(o, "%s", "help takes one command, e.g. `bindc help compile`");
    const bind_command *cmd = NULL;
    if (o->nfiles == 1) {
        cmd = bind_command_find(o->files[0]);
        if (!cmd) {
            size_t n;
            const bind_command *cmds = bind_commands(&n);
            const char **names = malloc(n * sizeof *names);
            if (!names) bind_oom();
            for (size_t i = 0; i < n; i++) names[i] = cmds[i].name;
            int rc = bind_cli_unknown(o, "command", o->files[0], names, n);
            free(names);
            return rc;
        }
    }
    bind_help_print(stdout, cmd);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
}

/* ---- The man page ---------------------------------------------------------- */

/* Text for roff: `code` in bold, backslashes and dashes escaped, a line
 * never starting with a dot or a quote. */
static void roff(FILE *out, const char *s)
{
    bool bold = false, line_start = true;
    for (; *s; s++) {
        if (line_start && (*s == '.' || *s == '\'')) fputs("\\&", out);
        line_start = false;
        if (*s == '`') { fputs(bold ? "\\fR" : "\\fB", out); bold = !bold; }
        else if (*s == '\\') fputs("\\e", out);
        else if (*s == '-') fputs("\\-", out);
        else if (*s == '\n') { fputc('\n', out); line_start = true; }
        else fputc(*s, out);
    }
    if (bold) fputs("\\fR", out);
}

static void man_option(FILE *out, const bind_cli_option *opt)
{
    fputs(".TP\n", out);
    if (opt->short_name) fprintf(out, "\\fB\\-%c\\fR, ", opt->short_name);
    fputs("\\fB", out);
    roff(out, opt->name);
    fputs("\\fR", out);
    if (opt->metavar) fprintf(out, " \\fI%s\\fR", opt->metavar);
    fputc('\n', out);
    roff(out, opt->help);
    fputs(opt->fallback ? " (default " : "", out);
    if (opt->fallback) { roff(out, opt->fallback); fputc(')', out); }
    fputs(".\n", out);
    char *vals = opt->values == VALUES_CODES ? NULL : values_text(opt, ", ");
    if (vals) {
        fprintf(out, "\\fI%s\\fR: ", opt->metavar);
        roff(out, vals);
        fputs(opt->values == VALUES_PLATFORM ? ", or one the files define.\n" : ".\n", out);
        free(vals);
    }
    if (opt->values == VALUES_CODES) fputs("\\fBbindc explain \\-\\-list\\fR lists the codes.\n", out);
    if (opt->more) { roff(out, opt->more); fputc('\n', out); }
}

static void man_synopsis(FILE *out)
{
    size_t n;
    const bind_command *cmds = bind_commands(&n);
    fputs(".nf\n", out);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; cmds[i].usage[k]; k++) {
            fprintf(out, "\\fBbindc %s\\fR ", cmds[i].name);
            roff(out, cmds[i].usage[k]);
            fputc('\n', out);
        }
    fputs("\\fBbindc \\-\\-version\\fR\n.fi\n", out);
}

static void man_commands(FILE *out)
{
    size_t n, no;
    const bind_command *cmds = bind_commands(&n);
    const bind_cli_option *all = bind_cli_options(&no);
    for (size_t i = 0; i < n; i++) {
        const bind_command *cmd = &cmds[i];
        fprintf(out, ".SS \"bindc %s\"\n.nf\n", cmd->name);
        for (size_t k = 0; cmd->usage[k]; k++) {
            fprintf(out, "\\fBbindc %s\\fR ", cmd->name);
            roff(out, cmd->usage[k]);
            fputc('\n', out);
        }
        fputs(".fi\n.PP\n", out);
        roff(out, cmd->about);
        fputc('\n', out);
        bool diag = false;
        for (size_t k = 0; k < no; k++) {
            const bind_cli_option *opt = &all[k];
            if (!(cmd->options & OPT_BIT(opt->id)) || opt->id == OPT_HELP) continue;
            if (opt->diagnostics) { diag = true; continue; }
            man_option(out, opt);
        }
        if (diag) {
            fputs(".PP\nand the options of \\fBDIAGNOSTICS\\fR:", out);
            bool first = true;
            for (size_t k = 0; k < no; k++)
                if ((cmd->options & OPT_BIT(all[k].id)) && all[k].diagnostics) {
                    fprintf(out, "%s\\fB", first ? " " : ", ");
                    roff(out, all[k].name);
                    fputs("\\fR", out);
                    first = false;
                }
            fputs(".\n", out);
        }
    }
}

static void man_diagnostics(FILE *out)
{
    size_t no;
    const bind_cli_option *all = bind_cli_options(&no);
    for (size_t k = 0; k < no; k++)
        if (all[k].diagnostics) man_option(out, &all[k]);
}

/* Rewrites, in the man page at path, each part between
 * `.\" generated: NAME` and `.\" end generated: NAME`. */
static int generate_man(const char *path)
{
    char *text;
    size_t len;
    int e = bind_read_file(path, 1 << 20, &text, &len);
    if (e) { fprintf(stderr, "bindc: cannot read %s: %s\n", path, bind_io_strerror(e)); return EXIT_USAGE; }
    text[len] = '\0';
    char *res = NULL;
    size_t rlen = 0;
    FILE *out = open_memstream(&res, &rlen);
    if (!out) bind_oom();
    const char *p = text;
    static const char begin[] = ".\\\" generated: ", end[] = ".\\\" end generated: ";
    int rc = EXIT_OK;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t ll = nl ? (size_t)(nl - p) + 1 : strlen(p);
        fwrite(p, 1, ll, out);
        if (strncmp(p, begin, sizeof begin - 1) == 0) {
            const char *name = p + sizeof begin - 1;
            size_t nlen = strcspn(name, " \n");
            if (nlen == 8 && strncmp(name, "synopsis", 8) == 0) man_synopsis(out);
            else if (nlen == 8 && strncmp(name, "commands", 8) == 0) man_commands(out);
            else if (nlen == 11 && strncmp(name, "diagnostics", 11) == 0) man_diagnostics(out);
            else { fprintf(stderr, "bindc: %s: no generated part named %.*s\n", path, (int)nlen, name); rc = EXIT_USAGE; }
            const char *stop = strstr(p + ll, end);
            if (!stop) { fprintf(stderr, "bindc: %s: `%.*s` has no end\n", path, (int)nlen, name); rc = EXIT_USAGE; break; }
            p = stop;
            continue;
        }
        p += ll;
    }
    if (fclose(out) != 0) bind_oom();
    if (rc == EXIT_OK && (rlen != len || memcmp(res, text, len) != 0)) {
        e = bind_write_atomic(path, res, rlen);
        if (e) rc = bind_cli_write_error(path, e);
    }
    free(res);
    free(text);
    return rc;
}

/* ---- Completions ------------------------------------------------------------- */

static bool takes_files(const bind_command *cmd) { return cmd->operands == OPERANDS_FILES; }

/* A shell word list of every name an option of cmd answers to. */
static void option_words(FILE *out, const bind_command *cmd)
{
    size_t n;
    const bind_cli_option *all = bind_cli_options(&n);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!(cmd->options & OPT_BIT(all[i].id))) continue;
        if (all[i].short_name) { fprintf(out, "%s-%c", first ? "" : " ", all[i].short_name); first = false; }
        fprintf(out, "%s%s", first ? "" : " ", all[i].name);
        first = false;
    }
}

static void generate_bash(FILE *out)
{
    size_t n, no;
    const bind_command *cmds = bind_commands(&n);
    const bind_cli_option *all = bind_cli_options(&no);
    fputs("# bash completion for bindc: generated from its option table (bindc __generate bash).\n"
          "_bindc()\n{\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i\n"
          "    # --opt=value: bash splits it at the `=`\n"
          "    if [ \"$cur\" = = ]; then cur=; elif [ \"$prev\" = = ] && [ $COMP_CWORD -ge 2 ]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi\n"
          "    [ \"${COMP_WORDS[COMP_CWORD]}\" = = ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
          "        case ${COMP_WORDS[i]} in -*|=) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac\n"
          "    done\n"
          "    case $prev in\n", out);
    for (size_t i = 0; i < no; i++) {
        const bind_cli_option *opt = &all[i];
        if (!opt->metavar) continue;
        fputs("        ", out);
        if (opt->short_name) fprintf(out, "-%c|", opt->short_name);
        fprintf(out, "%s) ", opt->name);
        char *vals = values_text(opt, " ");
        if (vals) fprintf(out, "COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n", vals);
        else if (opt->values == VALUES_FILE) fputs("compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", out);
        else if (opt->values == VALUES_DIR) fputs("compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n", out);
        else fputs("return ;;\n", out);
        free(vals);
    }
    fputs("    esac\n"
          "    if [ -z \"$cmd\" ]; then\n"
          "        COMPREPLY=($(compgen -W \"", out);
    for (size_t i = 0; i < n; i++) fprintf(out, "%s ", cmds[i].name);
    fputs("--help --version\" -- \"$cur\")); return\n"
          "    fi\n"
          "    local opts\n"
          "    case $cmd in\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "        %s) opts=\"", cmds[i].name);
        option_words(out, &cmds[i]);
        fputs("\" ;;\n", out);
    }
    fputs("        *) return ;;\n"
          "    esac\n"
          "    if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); return; fi\n"
          "    case $cmd in\n", out);
    for (size_t i = 0; i < n; i++) {
        const bind_command *cmd = &cmds[i];
        if (cmd->operands == OPERANDS_CODE) {
            fprintf(out, "        %s) COMPREPLY=($(compgen -W \"", cmd->name);
            for (int c = 0; c < BIND_CODE_COUNT; c++) fprintf(out, "%s%s", c ? " " : "", bind_code_name((enum bind_code)c));
            fputs("\" -- \"$cur\")) ;;\n", out);
        } else if (cmd->operands == OPERANDS_COMMAND) {
            fprintf(out, "        %s) COMPREPLY=($(compgen -W \"", cmd->name);
            for (size_t k = 0; k < n; k++) fprintf(out, "%s%s", k ? " " : "", cmds[k].name);
            fputs("\" -- \"$cur\")) ;;\n", out);
        } else if (takes_files(cmd)) {
            /* .bind files and folders; import reads any file. */
            if (strcmp(cmd->name, "import") == 0)
                fprintf(out, "        %s) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n", cmd->name);
            else
                fprintf(out, "        %s) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\") $(compgen -f -X '!*.bind' -- \"$cur\")) ;;\n", cmd->name);
        }
    }
    fputs("    esac\n}\ncomplete -F _bindc bindc\n", out);
}

/* Text inside a zsh _arguments spec in single quotes: no brackets, colons
 * escaped, quotes closed and reopened. */
static void zsh_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '[') fputc('(', out);
        else if (*s == ']') fputc(')', out);
        else if (*s == ':') fputs("\\:", out);
        else if (*s == '\'') fputs("'\\''", out);
        else if (*s == '`') continue;
        else fputc(*s, out);
    }
}

static void zsh_value(FILE *out, const bind_cli_option *opt)
{
    fprintf(out, ":%s:", opt->metavar);
    char *vals = values_text(opt, " ");
    if (vals) fprintf(out, "(%s)", vals);
    else if (opt->values == VALUES_FILE) fputs("_files", out);
    else if (opt->values == VALUES_DIR) fputs("_files -/", out);
    else fputs(" ", out);
    free(vals);
}

static void generate_zsh(FILE *out)
{
    size_t n, no;
    const bind_command *cmds = bind_commands(&n);
    const bind_cli_option *all = bind_cli_options(&no);
    fputs("#compdef bindc\n"
          "# zsh completion for bindc: generated from its option table (bindc __generate zsh).\n"
          "_bindc() {\n"
          "  local -a commands\n"
          "  commands=(\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "    '%s:", cmds[i].name);
        zsh_text(out, cmds[i].summary);
        fputs("'\n", out);
    }
    fputs("  )\n"
          "  if (( CURRENT == 2 )); then\n"
          "    _describe -t commands 'bindc command' commands\n"
          "    compadd -- --help --version\n"
          "    return\n"
          "  fi\n"
          "  local cmd=$words[2]\n"
          "  shift words\n"
          "  (( CURRENT-- ))\n"
          "  case $cmd in\n", out);
    for (size_t i = 0; i < n; i++) {
        const bind_command *cmd = &cmds[i];
        fprintf(out, "    %s)\n      _arguments -s -S \\\n", cmd->name);
        for (size_t k = 0; k < no; k++) {
            const bind_cli_option *opt = &all[k];
            if (!(cmd->options & OPT_BIT(opt->id))) continue;
            fputs("        ", out);
            if (opt->short_name) {
                if (opt->repeat) fputs("'*'", out);
                else fprintf(out, "'(-%c %s)'", opt->short_name, opt->name);
                fprintf(out, "{-%c%s,%s%s}'[", opt->short_name, opt->metavar ? "+" : "", opt->name, opt->metavar ? "=" : "");
            } else {
                fprintf(out, "'%s%s%s[", opt->repeat ? "*" : "", opt->name, opt->metavar ? "=" : "");
            }
            zsh_text(out, opt->help);
            fputc(']', out);
            if (opt->metavar) zsh_value(out, opt);
            fputs("' \\\n", out);
        }
        if (cmd->operands == OPERANDS_CODE) {
            fputs("        '1:code:(", out);
            for (int c = 0; c < BIND_CODE_COUNT; c++) fprintf(out, "%s%s", c ? " " : "", bind_code_name((enum bind_code)c));
            fputs(")'\n", out);
        } else if (cmd->operands == OPERANDS_COMMAND) {
            fputs("        '1:command:(", out);
            for (size_t k = 0; k < n; k++) fprintf(out, "%s%s", k ? " " : "", cmds[k].name);
            fputs(")'\n", out);
        } else if (takes_files(cmd)) {
            fprintf(out, "        '*:file:%s'\n", strcmp(cmd->name, "import") == 0 ? "_files" : "_files -g \"*.bind\"");
        } else fputs("        \n", out);
        fputs("      ;;\n", out);
    }
    fputs("  esac\n}\n_bindc \"$@\"\n", out);
}

static void fish_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\'') fputs("\\'", out);
        else if (*s == '\\') fputs("\\\\", out);
        else if (*s == '`') continue;
        else fputc(*s, out);
    }
}

static void generate_fish(FILE *out)
{
    size_t n, no;
    const bind_command *cmds = bind_commands(&n);
    const bind_cli_option *all = bind_cli_options(&no);
    fputs("# fish completion for bindc: generated from its option table (bindc __generate fish).\n"
          "complete -c bindc -f\n"
          "complete -c bindc -n __fish_use_subcommand -l help -s h -d 'print the help'\n"
          "complete -c bindc -n __fish_use_subcommand -l version -d 'print the version'\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "complete -c bindc -n __fish_use_subcommand -a %s -d '", cmds[i].name);
        fish_text(out, cmds[i].summary);
        fputs("'\n", out);
    }
    for (size_t i = 0; i < n; i++) {
        const bind_command *cmd = &cmds[i];
        const char *cond = cmd->name;
        for (size_t k = 0; k < no; k++) {
            const bind_cli_option *opt = &all[k];
            if (!(cmd->options & OPT_BIT(opt->id))) continue;
            fprintf(out, "complete -c bindc -n '__fish_seen_subcommand_from %s' -l %s", cond, opt->name + 2);
            if (opt->short_name) fprintf(out, " -s %c", opt->short_name);
            if (opt->metavar) {
                fputs(" -r", out);
                char *vals = values_text(opt, " ");
                if (vals) fprintf(out, " -a '%s'", vals);
                else if (opt->values == VALUES_FILE) fputs(" -F", out);
                else if (opt->values == VALUES_DIR) fputs(" -a '(__fish_complete_directories)'", out);
                free(vals);
            }
            fputs(" -d '", out);
            fish_text(out, opt->help);
            fputs("'\n", out);
        }
        if (cmd->operands == OPERANDS_CODE) {
            fprintf(out, "complete -c bindc -n '__fish_seen_subcommand_from %s' -a '", cond);
            for (int c = 0; c < BIND_CODE_COUNT; c++) fprintf(out, "%s%s", c ? " " : "", bind_code_name((enum bind_code)c));
            fputs("'\n", out);
        } else if (cmd->operands == OPERANDS_COMMAND) {
            fprintf(out, "complete -c bindc -n '__fish_seen_subcommand_from %s' -a '", cond);
            for (size_t k = 0; k < n; k++) fprintf(out, "%s%s", k ? " " : "", cmds[k].name);
            fputs("'\n", out);
        } else if (takes_files(cmd)) {
            fprintf(out, "complete -c bindc -n '__fish_seen_subcommand_from %s' -F\n", cond);
        }
    }
}

/* ---- README ------------------------------------------------------------------ */

/* The usage block: a line per synopsis, the command names aligned. */
static void generate_usage(FILE *out)
{
    size_t n;
    const bind_command *cmds = bind_commands(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; cmds[i].usage[k]; k++) fprintf(out, "bindc %-7s %s\n", cmds[i].name, cmds[i].usage[k]);
    fputs("bindc --version\n", out);
}

/* The option table of grammar/README.md §10, in Markdown. */
static void generate_options(FILE *out)
{
    size_t n, no;
    const bind_command *cmds = bind_commands(&n);
    const bind_cli_option *all = bind_cli_options(&no);
    fputs("| option | commands | meaning |\n|---|---|---|\n", out);
    for (size_t k = 0; k < no; k++) {
        const bind_cli_option *opt = &all[k];
        fputs("| `", out);
        if (opt->short_name) fprintf(out, "-%c`, `", opt->short_name);
        fputs(opt->name, out);
        if (opt->metavar) fprintf(out, " %s", opt->metavar);
        fputs("` | ", out);
        bool first = true, every = true;
        for (size_t i = 0; i < n; i++) every = every && (cmds[i].options & OPT_BIT(opt->id));
        if (every) fputs("all", out);
        else
            for (size_t i = 0; i < n; i++)
                if (cmds[i].options & OPT_BIT(opt->id)) { fprintf(out, "%s%s", first ? "" : ", ", cmds[i].name); first = false; }
        fputs(" | ", out);
        for (const char *s = opt->help; *s; s++) fputs(*s == '|' ? "\\|" : (char[]){ *s, 0 }, out);
        if (opt->fallback) fprintf(out, " (default %s)", opt->fallback);
        char *vals = opt->values == VALUES_CODES ? NULL : values_text(opt, "`, `");
        if (vals) fprintf(out, "; %s: `%s`%s", opt->metavar, vals, opt->values == VALUES_PLATFORM ? " or one the files define" : "");
        free(vals);
        fputs(" |\n", out);
    }
}

int bind_generate(int argc, char **argv)
{
    const char *what = argc > 0 ? argv[0] : "";
    if (strcmp(what, "man") == 0 && argc == 2) return generate_man(argv[1]);
    void (*gen)(FILE *) = strcmp(what, "bash") == 0 ? generate_bash
                        : strcmp(what, "zsh") == 0 ? generate_zsh
                        : strcmp(what, "fish") == 0 ? generate_fish
                        : strcmp(what, "usage") == 0 ? generate_usage
                        : strcmp(what, "options") == 0 ? generate_options : NULL;
    if (!gen || argc > 2) {
        fputs("usage: bindc __generate man FILE | bash | zsh | fish | usage | options [OUT]\n", stderr);
        return EXIT_USAGE;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) bind_oom();
    gen(m);
    if (fclose(m) != 0) bind_oom();
    int rc = EXIT_OK;
    if (argc == 2) {
        int e = bind_write_atomic(argv[1], text, len);
        if (e) rc = bind_cli_write_error(argv[1], e);
    } else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) rc = EXIT_USAGE;
    free(text);
    return rc;
}
