/* A model of how a line of a batch file (.cmd) reaches a program, for the
 * tests of cmd_quote and the netsh/httpcfg targets.
 *
 * Phase 1 (cmd.exe, batch mode): `%%` is `%`, `%NAME%` the variable's value
 * (empty when undefined), `%0`-`%9` and `%*` the (here: no) script arguments,
 * a `%` with no closing `%` disappears; expanded text is not read again.
 * Phase 2: `"` toggles quoting; outside quotes `^` makes the next character
 * literal, `&` `&&` `|` `||` end a command, `<` `>` `>>` (with an optional
 * handle digit, `>&N`) are redirections that the program never sees, `(`
 * opens a block only where a command starts and `)` closes one only inside a
 * block.  Delayed expansion is off (the scripts say so).
 * Program: CommandLineToArgvW — blanks separate outside quotes, `"` toggles,
 * 2n backslashes before `"` are n and the quote toggles, 2n+1 are n and a
 * literal `"`, other backslashes are literal.
 *
 * Sources: the cmd.exe parsing phases as documented by the community
 * (stackoverflow.com/questions/4094699, "How does the Windows Command
 * Interpreter (CMD.EXE) parse scripts?") and Microsoft's CommandLineToArgvW
 * and "Parsing C command-line arguments" pages. */
#ifndef BIND_TEST_CMD_MODEL_H
#define BIND_TEST_CMD_MODEL_H

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CMD_MODEL_MAX 128

typedef struct cmd_model_env {
    const char *name[CMD_MODEL_MAX], *value[CMD_MODEL_MAX];
    int n;
} cmd_model_env;

typedef struct cmd_model_command {
    char *text;                     /* what the program's command line holds */
    char *argv[64];
    int argc;
    char *redirect[CMD_MODEL_MAX];  /* ">nul", "2>&1" */
    int nredirect;
} cmd_model_command;

typedef struct cmd_model_line {
    cmd_model_command cmd[CMD_MODEL_MAX];
    char op[CMD_MODEL_MAX][3];      /* what ended cmd[i]: "&", "&&", "|", "||", "(", ")" or "" */
    int ncmd;
    bool open_quote;                /* the line ended inside quotes */
    bool continuation;              /* the line ended in a lone caret */
} cmd_model_line;

typedef struct cmd_model_str { char *s; size_t len, cap; } cmd_model_str;

static inline void cmd_model_putc(cmd_model_str *b, char c)
{
    if (b->len + 2 > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->s = realloc(b->s, b->cap);
    }
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

static inline char *cmd_model_take(cmd_model_str *b)
{
    if (!b->s) return strdup("");
    char *s = b->s;
    memset(b, 0, sizeof *b);
    return s;
}

static inline const char *cmd_model_lookup(const cmd_model_env *env, const char *name, size_t n)
{
    for (int i = 0; env && i < env->n; i++)
        if (strlen(env->name[i]) == n && strncasecmp(env->name[i], name, n) == 0) return env->value[i];
    return "";
}

/* Phase 1. */
static inline char *cmd_model_percent(const char *line, const cmd_model_env *env)
{
    cmd_model_str out = { 0 };
    for (size_t i = 0; line[i];) {
        if (line[i] != '%') { cmd_model_putc(&out, line[i++]); continue; }
        char nx = line[i + 1];
        if (nx == '%') { cmd_model_putc(&out, '%'); i += 2; continue; }
        if (isdigit((unsigned char)nx) || nx == '*') { i += 2; continue; }
        /* %~1, %~nx0, %~dp0: an argument with modifiers (here: none given). */
        if (nx == '~') {
            size_t j = i + 2;
            while (line[j] && strchr("fdpnxsatz", line[j])) j++;
            if (isdigit((unsigned char)line[j])) { i = j + 1; continue; }
        }
        const char *close = strchr(line + i + 1, '%');
        if (!close) { i++; continue; }
        const char *v = cmd_model_lookup(env, line + i + 1, (size_t)(close - line - i - 1));
        for (; *v; v++) cmd_model_putc(&out, *v);
        i = (size_t)(close - line) + 1;
    }
    return cmd_model_take(&out);
}

/* CommandLineToArgvW (arguments after the first; the program name has no
 * backslash rules, and ours are plain words). */
static inline int cmd_model_argv(const char *s, char **argv, int max)
{
    int argc = 0;
    const char *p = s;
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) return 0;
    cmd_model_str a = { 0 };
    bool q = false;
    for (; *p && (q || (*p != ' ' && *p != '\t')); p++) {
        if (*p == '"') q = !q;
        else cmd_model_putc(&a, *p);
    }
    argv[argc++] = cmd_model_take(&a);
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || argc == max) break;
        q = false;
        while (*p && (q || (*p != ' ' && *p != '\t'))) {
            size_t n = 0;
            while (p[n] == '\\') n++;
            if (p[n] == '"') {
                for (size_t k = 0; k < n / 2; k++) cmd_model_putc(&a, '\\');
                if (n % 2) cmd_model_putc(&a, '"');
                else q = !q;
                p += n + 1;
            } else if (n) {
                for (size_t k = 0; k < n; k++) cmd_model_putc(&a, '\\');
                p += n;
            } else {
                cmd_model_putc(&a, *p++);
            }
        }
        argv[argc++] = cmd_model_take(&a);
    }
    return argc;
}

static inline bool cmd_model_blank(const cmd_model_str *b)
{
    for (size_t i = 0; i < b->len; i++) if (b->s[i] != ' ' && b->s[i] != '\t' && b->s[i] != '@') return false;
    return true;
}

static inline void cmd_model_finish(cmd_model_line *L, cmd_model_str *cur, const char *op)
{
    if (L->ncmd == CMD_MODEL_MAX) return;
    cmd_model_command *c = &L->cmd[L->ncmd];
    char *t = cmd_model_take(cur);
    char *s = t;
    while (*s == ' ' || *s == '\t' || *s == '@') s++;
    c->text = strdup(s);
    free(t);
    size_t n = strlen(c->text);
    while (n && (c->text[n - 1] == ' ' || c->text[n - 1] == '\t')) c->text[--n] = '\0';
    c->argc = cmd_model_argv(c->text, c->argv, 64);
    strcpy(L->op[L->ncmd], op);
    L->ncmd++;
}

/* Phases 1 and 2 and the program's split, for every command of the line. */
static inline void cmd_model_parse(const char *raw, const cmd_model_env *env, cmd_model_line *L)
{
    memset(L, 0, sizeof *L);
    char *line = cmd_model_percent(raw, env);
    cmd_model_str cur = { 0 };
    bool q = false;
    int depth = 0;
    for (size_t i = 0; line[i];) {
        char c = line[i];
        if (q) {
            if (c == '"') q = false;
            cmd_model_putc(&cur, c);
            i++;
            continue;
        }
        if (c == '"') { q = true; cmd_model_putc(&cur, c); i++; continue; }
        if (c == '^') {
            if (!line[i + 1]) { L->continuation = true; i++; continue; }
            cmd_model_putc(&cur, line[i + 1]);
            i += 2;
            continue;
        }
        if (c == '&' || c == '|') {
            char op[3] = { c, 0, 0 };
            if (line[i + 1] == c) { op[1] = c; i++; }
            i++;
            cmd_model_finish(L, &cur, op);
            continue;
        }
        if (c == '<' || c == '>') {
            cmd_model_str r = { 0 };
            if (cur.len && isdigit((unsigned char)cur.s[cur.len - 1]) &&
                (cur.len == 1 || cur.s[cur.len - 2] == ' ')) {
                cmd_model_putc(&r, cur.s[--cur.len]);
                cur.s[cur.len] = '\0';
            }
            cmd_model_putc(&r, c);
            i++;
            if (c == '>' && line[i] == '>') cmd_model_putc(&r, line[i++]);
            if (line[i] == '&' && isdigit((unsigned char)line[i + 1])) {
                cmd_model_putc(&r, '&');
                cmd_model_putc(&r, line[i + 1]);
                i += 2;
            } else {
                while (line[i] == ' ') i++;
                bool rq = false;
                while (line[i] && (rq || !strchr(" &|<>)", line[i]))) {
                    if (line[i] == '"') rq = !rq;
                    cmd_model_putc(&r, line[i++]);
                }
            }
            if (L->ncmd < CMD_MODEL_MAX && L->cmd[L->ncmd].nredirect < CMD_MODEL_MAX)
                L->cmd[L->ncmd].redirect[L->cmd[L->ncmd].nredirect++] = cmd_model_take(&r);
            else free(cmd_model_take(&r));
            continue;
        }
        /* A block opens where a command starts, or after an `if` condition
         * (the only compound command the scripts use with a block). */
        if (c == '(' && (cmd_model_blank(&cur) || (cur.len > 3 && strncasecmp(cur.s, "if ", 3) == 0))) {
            depth++;
            if (cmd_model_blank(&cur)) {
                cur.len = 0;
                if (cur.s) cur.s[0] = '\0';
            } else {
                cmd_model_finish(L, &cur, "(");
            }
            i++;
            continue;
        }
        if (c == ')' && depth > 0) {
            depth--;
            cmd_model_finish(L, &cur, ")");
            i++;
            continue;
        }
        cmd_model_putc(&cur, c);
        i++;
    }
    L->open_quote = q;
    if (!cmd_model_blank(&cur) || L->ncmd == 0) cmd_model_finish(L, &cur, "");
    else free(cmd_model_take(&cur));
    free(line);
}

static inline void cmd_model_free(cmd_model_line *L)
{
    for (int i = 0; i < L->ncmd; i++) {
        free(L->cmd[i].text);
        for (int j = 0; j < L->cmd[i].argc; j++) free(L->cmd[i].argv[j]);
        for (int j = 0; j < L->cmd[i].nredirect; j++) free(L->cmd[i].redirect[j]);
    }
    memset(L, 0, sizeof *L);
}

/* `set "NAME=value"`: what lands in the environment (NULL when the command
 * is not that form).  The quoted form takes the text up to the last quote. */
static inline char *cmd_model_set_value(const cmd_model_command *c, const char *name)
{
    if (strncasecmp(c->text, "set \"", 5) != 0) return NULL;
    const char *body = c->text + 5, *end = strrchr(c->text, '"');
    size_t n = strlen(name);
    if (end < body || strncasecmp(body, name, n) != 0 || body[n] != '=') return NULL;
    return strndup(body + n + 1, (size_t)(end - body - n - 1));
}

#endif
