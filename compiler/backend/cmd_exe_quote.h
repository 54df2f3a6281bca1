/* Quoting for cmd.exe batch files (.cmd): user text that reaches a line of a
 * generated script.
 *
 * A batch line is read twice before a program sees it: cmd.exe expands `%`
 * (phase 1: `%%` is one `%` in a batch file), then reads quotes, carets and
 * the operators `& | < > ( )` (phase 2; inside "..." they are literal, outside
 * a caret escapes the next character); the program then splits what is left
 * with the CommandLineToArgvW rules (white space separates, "..." groups,
 * backslashes are literal except before a `"`).  An embedded `"` cannot be
 * written so that both readers agree, so such text is refused, as are control
 * characters (a line break would start a new command) and non-ASCII (cmd.exe
 * reads a script in the console's OEM code page, which differs per machine).
 * Delayed expansion (`!`) is assumed off: scripts say so with `setlocal`.
 *
 * The put functions expect text that bind_cmd_quote_check accepted. */
#ifndef BIND_CMD_QUOTE_H
#define BIND_CMD_QUOTE_H

#include <stddef.h>

#include "base/buf.h"

enum bind_cmd_quote_refusal {
    BIND_CMD_QUOTE_OK,
    BIND_CMD_QUOTE_DQUOTE,       /* contains `"` */
    BIND_CMD_QUOTE_CONTROL,      /* a control character (line break, tab, ...) */
    BIND_CMD_QUOTE_NON_ASCII,    /* a byte >= 0x80 */
    BIND_CMD_QUOTE_TOO_LONG,     /* longer than BIND_CMD_QUOTE_MAX_TEXT */
};

/* cmd.exe runs lines of at most 8191 characters; a generated line holds at
 * most a few user values plus fixed text, so each value gets a quarter. */
#define BIND_CMD_QUOTE_MAX_LINE 8191
#define BIND_CMD_QUOTE_MAX_TEXT 2047

enum bind_cmd_quote_refusal bind_cmd_quote_check(const char *s);
/* Why text was refused, for a diagnostic ("contains a double quote (\"), which ..."). */
const char *bind_cmd_quote_reason(enum bind_cmd_quote_refusal r);

/* One whole argument of an external program: as is when it holds only
 * characters no reader treats specially, else in double quotes (with `%`
 * doubled, and backslashes before the closing quote doubled). */
void bind_cmd_quote_put_arg(bind_buf *out, const char *s);
/* A netsh-style `tag=value` argument: `user=CONTOSO\alice`,
 * `name="bindc TCP 80"`; the tag is fixed text. */
void bind_cmd_quote_put_tagged(bind_buf *out, const char *tag, const char *value);
/* Text outside quotes that no program splits, e.g. after `echo`: operators
 * and `"` escaped with a caret, `%` doubled. */
void bind_cmd_quote_put_text(bind_buf *out, const char *s);
/* `set "NAME=value"`: the value arrives in the environment unchanged (the
 * quoted form keeps operators literal; `%` is doubled).  NAME is fixed. */
void bind_cmd_quote_put_set(bind_buf *out, const char *name, const char *value);

#endif
