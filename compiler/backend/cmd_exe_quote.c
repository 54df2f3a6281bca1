/* Quoting for cmd.exe batch files: the rules are in backend/cmd_exe_quote.h. */
#include "cmd_exe_quote.h"

#include <string.h>

enum bind_cmd_quote_refusal bind_cmd_quote_check(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
        if (*p == '"') return BIND_CMD_QUOTE_DQUOTE;
        if (*p < 0x20 || *p == 0x7f) return BIND_CMD_QUOTE_CONTROL;
        if (*p >= 0x80) return BIND_CMD_QUOTE_NON_ASCII;
    }
    return n > BIND_CMD_QUOTE_MAX_TEXT ? BIND_CMD_QUOTE_TOO_LONG : BIND_CMD_QUOTE_OK;
}

const char *bind_cmd_quote_reason(enum bind_cmd_quote_refusal r)
{
    switch (r) {
    case BIND_CMD_QUOTE_DQUOTE:
        return "contains a double quote (\"), which cmd.exe and the program it starts would read differently";
    case BIND_CMD_QUOTE_CONTROL:
        return "contains a control character, which would break the script's line";
    case BIND_CMD_QUOTE_NON_ASCII:
        return "contains non-ASCII characters, which cmd.exe reads in the console's code page and would pass on changed";
    case BIND_CMD_QUOTE_TOO_LONG:
        return "is longer than 2047 characters, too long for a cmd.exe line";
    default:
        return "is accepted";
    }
}

/* Characters that neither cmd.exe nor CommandLineToArgvW treats specially
 * anywhere in an argument.  `*` and `+` are HTTP.sys wildcards in URLs. */
static bool bare(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("-._:/\\{}[]+*@", c));
}

static bool needs_quotes(const char *s)
{
    if (!*s) return true;          /* an empty argument exists only as "" */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!bare(*p)) return true;
    return false;
}

/* The inside of "...": `%` doubled for phase 1; a run of backslashes right
 * before the closing quote doubled so CommandLineToArgvW keeps them (with no
 * `"` inside, no other backslash is ever before a quote). */
static void put_quoted(bind_buf *out, const char *s)
{
    bind_buf_putc(out, '"');
    size_t n = strlen(s), tail = 0;
    while (tail < n && s[n - 1 - tail] == '\\') tail++;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') bind_buf_putc(out, '%');
        bind_buf_putc(out, s[i]);
    }
    for (size_t i = 0; i < tail; i++) bind_buf_putc(out, '\\');
    bind_buf_putc(out, '"');
}

void bind_cmd_quote_put_arg(bind_buf *out, const char *s)
{
    if (needs_quotes(s)) put_quoted(out, s);
    else bind_buf_puts(out, s);
}

void bind_cmd_quote_put_tagged(bind_buf *out, const char *tag, const char *value)
{
    bind_buf_puts(out, tag);
    bind_buf_putc(out, '=');
    bind_cmd_quote_put_arg(out, value);
}

void bind_cmd_quote_put_text(bind_buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '%') bind_buf_putc(out, '%');
        else if (strchr("^&|<>()\"", *s)) bind_buf_putc(out, '^');
        bind_buf_putc(out, *s);
    }
}

void bind_cmd_quote_put_set(bind_buf *out, const char *name, const char *value)
{
    bind_buf_puts(out, "set \"");
    bind_buf_puts(out, name);
    bind_buf_putc(out, '=');
    for (const char *p = value; *p; p++) {
        if (*p == '%') bind_buf_putc(out, '%');
        bind_buf_putc(out, *p);
    }
    bind_buf_putc(out, '"');
}
