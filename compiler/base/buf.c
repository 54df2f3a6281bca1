/* Byte buffers (see buf.h). */
#include "buf.h"
#include "arena.h"
#include "file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void bind_buf_init(bind_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->fd = -1;
    b->error = 0;
}

void bind_buf_free(bind_buf *b)
{
    bind_pages_free(b->data, b->cap);
    bind_buf_init(b);
}

#define CHUNK BIND_BUF_CHUNK


void bind_buf_to_file(bind_buf *b, int fd) { b->fd = fd; }

int bind_buf_flush(bind_buf *b)
{
    if (b->fd >= 0 && b->len) {
        if (!b->error) b->error = bind_write_all(b->fd, b->data, b->len);
        b->len = 0;
    }
    return b->error;
}

static void reserve(bind_buf *b, size_t extra)
{
    if (b->fd >= 0 && b->len + extra + 1 > CHUNK) bind_buf_flush(b);
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1) cap *= 2;
    /* A fleet's outputs are hundreds of MB: mapped on huge pages, and grown
     * by moving the mapping rather than copying the text. */
    b->data = bind_pages_realloc(b->data, b->cap, cap);
    b->cap = cap;
}

void bind_buf_put_slow(bind_buf *b, const void *p, size_t n)
{
    if (b->fd >= 0 && n >= CHUNK) {
        /* A block bigger than a chunk (the iis target's <sites>, tens of
         * MB in a fleet) goes to the file as it is: copied, it would first
         * grow the buffer to its size. */
        bind_buf_flush(b);
        if (!b->error) b->error = bind_write_all(b->fd, p, n);
        return;
    }
    reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}


void bind_buf_vprintf(bind_buf *b, const char *fmt, va_list ap)
{
    /* Format straight into the free space; only a line that does not fit
     * is formatted again (measuring every line first would format each
     * line twice, and the scripts are written a printf a line). */
    reserve(b, 256);
    va_list cp;
    va_copy(cp, ap);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, cp);
    va_end(cp);
    if (n > 0 && (size_t)n >= room) {
        reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    if (n > 0) b->len += (size_t)n;
    b->data[b->len] = '\0';
}

void bind_buf_printf(bind_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bind_buf_vprintf(b, fmt, ap);
    va_end(ap);
}
