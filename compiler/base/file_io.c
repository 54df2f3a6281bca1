/* Files in and out: reading a whole input, and writing an output so that
 * a reader sees the old file or the new one, never half of one. */
#include "file_io.h"
#include "arena.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int bind_read_file(const char *path, size_t limit, char **text, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat st;
    if (fstat(fd, &st) != 0) { int e = errno; close(fd); return e; }
    if (S_ISDIR(st.st_mode)) { close(fd); return EISDIR; }
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    if (cap > limit + 1) { close(fd); return EFBIG; }
    /* A fleet's file on huge pages, 512 times fewer page faults: aligned to
     * one, or the malloc'ed block's ends would fall on 4 KiB pages. */
    char *buf = NULL;
    if (cap >= BIND_HUGE_PAGE) {
        cap = (cap + BIND_HUGE_PAGE - 1) & ~(BIND_HUGE_PAGE - 1);      /* the last one whole too */
        if (posix_memalign((void **)&buf, BIND_HUGE_PAGE, cap) != 0) buf = NULL;
    }
    if (!buf) buf = bind_xmalloc(cap);
    bind_pages_advise(buf, cap);
    for (;;) {
        if (n == cap) {
            if (cap > limit) { free(buf); close(fd); return EFBIG; }
            cap *= 2;
            buf = bind_xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) { if (errno == EINTR) continue; int e = errno; free(buf); close(fd); return e; }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    if (n > limit) { free(buf); return EFBIG; }
    *text = buf;
    *len = n;
    return 0;
}

int bind_write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return errno; }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The file being replaced keeps its bytes on disk, but its cached pages
 * are of no more use: dropped now, they are free for the new file's pages
 * instead of fresh memory (a million-binding fleet's outputs are a
 * gigabyte), and the rename over it has none left to free.  Advice only:
 * a failure changes nothing. */
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
    return e ? e : bind_stage_finish(&st, bind_write_all(st.fd, data, len), tmp_out);
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
