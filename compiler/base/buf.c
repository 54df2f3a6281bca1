/* Byte buffers and atomic file writes (see buf.h). */
#include "buf.h"
#include "arena.h"

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

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return errno; }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

void bind_buf_to_file(bind_buf *b, int fd) { b->fd = fd; }

int bind_buf_flush(bind_buf *b)
{
    if (b->fd >= 0 && b->len) {
        if (!b->error) b->error = write_all(b->fd, b->data, b->len);
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
        if (!b->error) b->error = write_all(b->fd, p, n);
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
     * is formatted again (measuring every line first doubled the cost of
     * printf, a tenth of writing a fleet's scripts). */
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

/* The file being replaced keeps its bytes on disk, but its cached pages
 * are of no more use: dropped now, they are free for the new file's pages
 * instead of fresh memory (a million-binding fleet's outputs are a
 * gigabyte: system time 2.2 -> 0.6 s), and the rename over it no longer
 * frees them.  Advice only: a failure changes nothing. */
static void drop_cached(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return;
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
}

int bind_stage_open(const char *path, bind_stage *st)
{
    size_t plen = strlen(path);
    st->tmp = bind_xmalloc(plen + 16);
    snprintf(st->tmp, plen + 16, "%s.tmpXXXXXX", path);
    st->fd = mkstemp(st->tmp);
    if (st->fd < 0) { int e = errno; free(st->tmp); st->tmp = NULL; return e; }
    /* Keep the mode of the file we replace; new files get 0644 less umask. */
    struct stat sb;
    mode_t mode = 0644;
    bool replaces = stat(path, &sb) == 0;
    if (replaces) mode = sb.st_mode & 07777;
    else { mode_t um = umask(0); umask(um); mode &= ~um; }
    st->mode = mode;
    if (replaces && S_ISREG(sb.st_mode)) drop_cached(path);
    return 0;
}

int bind_stage_finish(bind_stage *st, int failed, char **tmp_out)
{
    *tmp_out = NULL;
    int e = failed;
    if (!e && fchmod(st->fd, (mode_t)st->mode) != 0) e = errno;
    if (!e && fsync(st->fd) != 0) e = errno;
    if (close(st->fd) != 0 && !e) e = errno;
    if (e) { unlink(st->tmp); free(st->tmp); return e; }
    *tmp_out = st->tmp;
    return 0;
}

void bind_stage_abandon(bind_stage *st)
{
    close(st->fd);
    unlink(st->tmp);
    free(st->tmp);
    st->tmp = NULL;
}

int bind_write_stage(const char *path, const void *data, size_t len, char **tmp_out)
{
    *tmp_out = NULL;
    bind_stage st;
    int e = bind_stage_open(path, &st);
    return e ? e : bind_stage_finish(&st, write_all(st.fd, data, len), tmp_out);
}

int bind_write_commit(const char *path, char *tmp)
{
    int e = rename(tmp, path) != 0 ? errno : 0;
    if (e) unlink(tmp);
    free(tmp);
    return e;
}

void bind_write_discard(char *tmp)
{
    if (!tmp) return;
    unlink(tmp);
    free(tmp);
}

int bind_write_atomic(const char *path, const void *data, size_t len)
{
    char *tmp;
    int e = bind_write_stage(path, data, len, &tmp);
    return e ? e : bind_write_commit(path, tmp);
}
