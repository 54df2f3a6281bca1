/* Byte buffers and atomic file writes (see buf.h). */
#include "buf.h"
#include "arena.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void bind_buf_init(bind_buf *b) { b->data = NULL; b->len = b->cap = 0; }

void bind_buf_free(bind_buf *b)
{
    free(b->data);
    bind_buf_init(b);
}

static void reserve(bind_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = bind_xrealloc(b->data, cap);
    b->cap = cap;
}

void bind_buf_put(bind_buf *b, const void *p, size_t n)
{
    reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void bind_buf_puts(bind_buf *b, const char *s) { bind_buf_put(b, s, strlen(s)); }
void bind_buf_putc(bind_buf *b, char c) { bind_buf_put(b, &c, 1); }

void bind_buf_printf(bind_buf *b, const char *fmt, ...)
{
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n > 0) {
        reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

int bind_write_atomic(const char *path, const void *data, size_t len)
{
    size_t plen = strlen(path);
    char *tmp = bind_xmalloc(plen + 16);
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) { int e = errno; free(tmp); return e; }
    /* Keep the mode of the file we replace; new files get 0644 less umask. */
    struct stat st;
    mode_t mode = 0644;
    if (stat(path, &st) == 0) mode = st.st_mode & 07777;
    else { mode_t um = umask(0); umask(um); mode &= ~um; }
    int e = 0;
    const char *p = data;
    size_t left = len;
    while (left && !e) {
        ssize_t w = write(fd, p, left);
        if (w < 0) { if (errno != EINTR) e = errno; continue; }
        p += w;
        left -= (size_t)w;
    }
    if (!e && fchmod(fd, mode) != 0) e = errno;
    if (!e && fsync(fd) != 0) e = errno;
    if (close(fd) != 0 && !e) e = errno;
    if (!e && rename(tmp, path) != 0) e = errno;
    if (e) unlink(tmp);
    free(tmp);
    return e;
}
