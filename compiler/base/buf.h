/* A growable byte buffer: backends write their whole output into one, and
 * the driver writes it to a file atomically (file_io.h) only when nothing
 * failed — held whole (standard output), or streamed into the temporary
 * file that becomes the output (bind_buf_to_file). */
#ifndef BIND_BUF_H
#define BIND_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct bind_buf {
    char *data;
    size_t len, cap;
    int fd;                 /* where full chunks go (bind_buf_to_file), or -1 */
    int error;              /* the first failed write's errno; later chunks are dropped */
} bind_buf;

void bind_buf_init(bind_buf *b);
/* From now on b's bytes go to fd a chunk at a time instead of growing the
 * buffer: a fleet's outputs are hundreds of MB, streamed a chunk at a time,
 * never held whole.  Nothing reads back what was put. */
void bind_buf_to_file(bind_buf *b, int fd);
/* Writes what b holds to its file; returns 0 or the first write error. */
int bind_buf_flush(bind_buf *b);
void bind_buf_free(bind_buf *b);
/* A streamed output is written in chunks of this size. */
#define BIND_BUF_CHUNK ((size_t)1 << 20)

void bind_buf_put_slow(bind_buf *b, const void *p, size_t n);

/* Backends put a few bytes at a time, millions of times for a fleet: the
 * common case (room left, below a chunk) is inline. */
static inline void bind_buf_put(bind_buf *b, const void *p, size_t n)
{
    size_t end = b->len + n + 1;
    if (end > b->cap || (b->fd >= 0 && end > BIND_BUF_CHUNK)) { bind_buf_put_slow(b, p, n); return; }
    if (n) memcpy(b->data + b->len, p, n);   /* p may be NULL when n is 0 */
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void bind_buf_puts(bind_buf *b, const char *s) { bind_buf_put(b, s, strlen(s)); }
static inline void bind_buf_putc(bind_buf *b, char c) { bind_buf_put(b, &c, 1); }
/* v in decimal at out, which has room for its digits (5 for a port, 10 at
 * most); no NUL; returns the count of digits.  For the numbers (ports) a
 * fleet writes millions of times, where printf would parse its format each
 * time. */
static inline size_t bind_decimal(char *out, uint32_t v)
{
    char rev[10];
    size_t n = 0;
    do { rev[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (size_t i = 0; i < n; i++) out[i] = rev[n - 1 - i];
    return n;
}

void bind_buf_printf(bind_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bind_buf_vprintf(bind_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
