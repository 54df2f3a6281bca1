/* An LD_PRELOAD shim that makes the calls of an atomic file write fail, for
 * tests/scripts/test_no_data_lost.sh and test_output_paths.sh: a full disk
 * or a refused permission at each step (compiler/base/file_io.c: the
 * temporary file's creation, write, fsync, close, the .bak's link, rename),
 * on any machine, without root or a real small disk.
 *
 * Only files directly in one folder are touched; everything else goes
 * straight to the C library.  Set by the environment:
 *   IOFAIL_DIR    the folder
 *   IOFAIL_CALL   the call that fails: write, fsync, close, rename, link, or
 *                 create (an open with O_CREAT|O_EXCL: a temporary file or
 *                 a .bak's copy; `mkstemp` is the same, by its old name)
 *   IOFAIL_AFTER  what still succeeds first (default 0): for write, bytes —
 *                 over every file in the folder, as on a disk that fills
 *                 up; a write that does not fit writes what fits and the
 *                 next one fails — and for the others, calls
 *   IOFAIL_ERRNO  ENOSPC (default), EDQUOT, EACCES, EPERM, EXDEV or EIO
 * close and a failing write behave as the kernel does: close releases the
 * descriptor even when it reports an error.
 *
 * A writer that takes no lock, for the "changed under us" checks: with
 *   IOFAIL_CHANGE      a file
 *   IOFAIL_CHANGE_HOW  append (a line added in place), replace (a new file
 *                      renamed over it) or same (its own bytes written
 *                      again: a new mtime, nothing changed)
 * the first fsync of a file in IOFAIL_DIR first changes that file, as
 * another program would between bindc's reading and its rename. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail_errno(void)
{
    const char *e = getenv("IOFAIL_ERRNO");
    if (!e || strcmp(e, "ENOSPC") == 0) return ENOSPC;
    if (strcmp(e, "EDQUOT") == 0) return EDQUOT;
    if (strcmp(e, "EACCES") == 0) return EACCES;
    if (strcmp(e, "EPERM") == 0) return EPERM;
    if (strcmp(e, "EXDEV") == 0) return EXDEV;
    return EIO;
}

static bool failing(const char *call)
{
    const char *c = getenv("IOFAIL_CALL");
    if (c && strcmp(c, "mkstemp") == 0) c = "create";
    return c && getenv("IOFAIL_DIR") && strcmp(c, call) == 0;
}

static size_t after(void)
{
    const char *a = getenv("IOFAIL_AFTER");
    return a ? (size_t)strtoull(a, NULL, 10) : 0;
}

/* bindc --target all writes from two threads: the counts are shared. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Counts a call on the folder; true once IOFAIL_AFTER of them passed. */
static bool fails_now(void)
{
    static size_t calls;
    pthread_mutex_lock(&lock);
    bool fails = calls++ >= after();
    pthread_mutex_unlock(&lock);
    return fails;
}

/* Whether path names a file directly in IOFAIL_DIR (both canonicalized, so
 * relative paths and symlinked folders compare right). */
static bool in_dir(const char *path)
{
    char dir[PATH_MAX], want[PATH_MAX], parent[PATH_MAX];
    if (!realpath(getenv("IOFAIL_DIR"), want)) return false;
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == dir) dir[1] = '\0';
    else *slash = '\0';
    return realpath(dir, parent) && strcmp(parent, want) == 0;
}

/* Whether fd is open for writing on a file directly in IOFAIL_DIR: reading
 * a file (the --merge input) never fails for lack of space. */
static bool fd_in_dir(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY) return false;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return false;
    path[n] = '\0';
    return path[0] == '/' && in_dir(path);
}

/* The C library's function (memcpy: ISO C has no cast from void * to a
 * function pointer). */
#define REAL(fp, name) do { void *sym_ = dlsym(RTLD_NEXT, name); memcpy(&(fp), &sym_, sizeof (fp)); } while (0)

ssize_t write(int fd, const void *buf, size_t count)
{
    static size_t written;
    ssize_t (*real)(int, const void *, size_t);
    REAL(real, "write");
    if (!failing("write") || !fd_in_dir(fd)) return real(fd, buf, count);
    pthread_mutex_lock(&lock);            /* the budget is the disk's: one write at a time takes from it */
    size_t budget = after(), room = written < budget ? budget - written : 0;
    ssize_t w = -1;
    if (room > 0) w = real(fd, buf, count < room ? count : room);
    if (w > 0) written += (size_t)w;
    pthread_mutex_unlock(&lock);
    if (room == 0) errno = fail_errno();
    return w;
}

/* IOFAIL_CHANGE: the other program's write, once. */
static void change_under(void)
{
    static bool done;
    const char *path = getenv("IOFAIL_CHANGE"), *how = getenv("IOFAIL_CHANGE_HOW");
    if (!path || done) return;
    done = true;
    ssize_t (*real_write)(int, const void *, size_t);
    int (*real_close)(int);
    int (*real_rename)(const char *, const char *);
    REAL(real_write, "write");
    REAL(real_close, "close");
    REAL(real_rename, "rename");
    if (how && strcmp(how, "replace") == 0) {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s.other", path);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) return;
        real_write(fd, "<!-- another program's file -->\n", 32);
        real_close(fd);
        real_rename(tmp, path);
    } else if (how && strcmp(how, "same") == 0) {
        char buf[1 << 16];
        int fd = open(path, O_RDWR);
        if (fd < 0) return;
        ssize_t n = pread(fd, buf, sizeof buf, 0);
        if (n > 0) pwrite(fd, buf, (size_t)n, 0);
        real_close(fd);
    } else {
        int fd = open(path, O_WRONLY | O_APPEND);
        if (fd < 0) return;
        real_write(fd, "<!-- another program's line -->\n", 32);
        real_close(fd);
    }
}

int fsync(int fd)
{
    if (getenv("IOFAIL_CHANGE") && getenv("IOFAIL_DIR") && fd_in_dir(fd)) change_under();
    if (failing("fsync") && fd_in_dir(fd) && fails_now()) { errno = fail_errno(); return -1; }
    int (*real)(int);
    REAL(real, "fsync");
    return real(fd);
}

int fdatasync(int fd)
{
    if (failing("fsync") && fd_in_dir(fd) && fails_now()) { errno = fail_errno(); return -1; }
    int (*real)(int);
    REAL(real, "fdatasync");
    return real(fd);
}

int close(int fd)
{
    bool fail = failing("close") && fd_in_dir(fd) && fails_now();
    int (*real)(int);
    REAL(real, "close");
    int r = real(fd);
    if (fail) { errno = fail_errno(); return -1; }
    return r;
}

int rename(const char *from, const char *to)
{
    if (failing("rename") && (in_dir(from) || in_dir(to)) && fails_now()) { errno = fail_errno(); return -1; }
    int (*real)(const char *, const char *);
    REAL(real, "rename");
    return real(from, to);
}

int link(const char *from, const char *to)
{
    if (failing("link") && in_dir(to) && fails_now()) { errno = fail_errno(); return -1; }
    int (*real)(const char *, const char *);
    REAL(real, "link");
    return real(from, to);
}

/* A new file made exclusively (O_CREAT|O_EXCL): the temporary files and a
 * .bak's copy. */
static bool create_fails(const char *path, int flags)
{
    return (flags & O_CREAT) && (flags & O_EXCL) && failing("create") && in_dir(path) && fails_now();
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list ap; va_start(ap, flags); mode = (mode_t)va_arg(ap, int); va_end(ap); }
    if (create_fails(path, flags)) { errno = fail_errno(); return -1; }
    int (*real)(const char *, int, ...);
    REAL(real, "open");
    return real(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list ap; va_start(ap, flags); mode = (mode_t)va_arg(ap, int); va_end(ap); }
    if (create_fails(path, flags)) { errno = fail_errno(); return -1; }
    int (*real)(const char *, int, ...);
    REAL(real, "open64");
    return real(path, flags, mode);
}

int mkstemp(char *tmpl)
{
    if (failing("create") && in_dir(tmpl) && fails_now()) { errno = fail_errno(); return -1; }
    int (*real)(char *);
    REAL(real, "mkstemp");
    return real(tmpl);
}

int mkstemp64(char *tmpl)
{
    if (failing("create") && in_dir(tmpl) && fails_now()) { errno = fail_errno(); return -1; }
    int (*real)(char *);
    REAL(real, "mkstemp64");
    return real(tmpl);
}
