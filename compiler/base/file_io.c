/* Files in and out (file_io.h): reading a whole input, resolving where an
 * output goes and whether it may be written, writing it so that a reader
 * sees the old file or the new one, locks, and the .bak chain. */
#define _GNU_SOURCE     /* AT_EACCESS, flock; Linux is the platform (README) */
#include "file_io.h"
#include "arena.h"
#include "cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* ---- Reading --------------------------------------------------------------- */

/* Reads what fd holds from its current offset; st is its fstat. */
static int read_fd(int fd, const struct stat *st, size_t limit, char **text, size_t *len)
{
    size_t cap = S_ISREG(st->st_mode) && st->st_size > 0 ? (size_t)st->st_size + 1 : 4096, n = 0;
    if (cap > limit + 1) return EFBIG;
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
            if (cap > limit) { free(buf); return EFBIG; }
            cap *= 2;
            buf = bind_xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) { if (errno == EINTR) continue; int e = errno; free(buf); return e; }
        if (r == 0) break;
        n += (size_t)r;
    }
    if (n > limit) { free(buf); return EFBIG; }
    *text = buf;
    *len = n;
    return 0;
}

int bind_read_fd(int fd, size_t limit, char **text, size_t *len)
{
    struct stat st;
    return fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : read_fd(fd, &st, limit, text, len);
}

int bind_read_file(const char *path, size_t limit, char **text, size_t *len)
{
    /* O_NONBLOCK: an open() of a FIFO would wait for a writer. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return errno;
    struct stat st;
    int e = fstat(fd, &st) != 0     ? errno
            : S_ISDIR(st.st_mode)   ? EISDIR
            : !S_ISREG(st.st_mode)  ? BIND_E_NOTREG
                                    : read_fd(fd, &st, limit, text, len);
    close(fd);
    return e;
}

int bind_read_named(const char *path, size_t limit, char **text, size_t *len)
{
    if (strcmp(path, "-") == 0) {
        int fd = dup(STDIN_FILENO);
        if (fd < 0) return errno;
        int e = bind_read_fd(fd, limit, text, len);
        close(fd);
        return e;
    }
    struct stat st;
    if (stat(path, &st) != 0) return errno;
    if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return bind_read_file(path, limit, text, len);
    if (S_ISBLK(st.st_mode)) return BIND_E_NOTSTREAM;
    /* A FIFO's open() waits for its writer, as the user asked; a character
     * device is opened without waiting, and read only when it is a
     * terminal or the standard input itself. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (S_ISCHR(st.st_mode) ? O_NONBLOCK : 0));
    if (fd < 0) return errno;
    int e = 0;
    if (S_ISCHR(st.st_mode)) {
        struct stat in;
        bool is_stdin = fstat(STDIN_FILENO, &in) == 0 && in.st_rdev == st.st_rdev && in.st_ino == st.st_ino;
        if (!isatty(fd) && !is_stdin) e = BIND_E_NOTSTREAM;
        else fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    if (!e) e = bind_read_fd(fd, limit, text, len);
    close(fd);
    return e;
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

const char *bind_io_strerror(int e)
{
    switch (e) {
    case BIND_E_READONLY:
        return "it has no write permission, and bindc replaces no read-only file, even as root";
    case BIND_E_DANGLING:
        return "it is a symbolic link to a file that does not exist (bindc writes through a link, and creates no file there)";
    case BIND_E_NOTFILE:
        return "not a regular file, character device or FIFO";
    case BIND_E_NOTREG:
        return "not a regular file";
    case BIND_E_NOTSTREAM:
        return "neither a regular file nor a pipe, FIFO or terminal";
    case BIND_E_OWNER:
        return "its owner or group is not yours, and only root can give the new file the owner and group "
               "of the one it replaces (nothing written)";
    case BIND_E_CHANGED:
        return "it changed while bindc worked on it, written by a program that did not take its lock; "
               "nothing written, run bindc again";
    default:
        return strerror(e);
    }
}

/* ---- Paths ----------------------------------------------------------------- */

/* The folder of path, malloc'ed ("." for a bare name). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) { char *d = bind_xmalloc(2); strcpy(d, "."); return d; }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = bind_xmalloc(n + 1);
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

/* What a symbolic link at `link` names, as a path from here. */
static char *link_target(const char *link, int *err)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(link, buf, sizeof buf - 1);
    if (n < 0) { *err = errno; return NULL; }
    if (n == (ssize_t)sizeof buf - 1) { *err = ENAMETOOLONG; return NULL; }
    buf[n] = '\0';
    if (buf[0] == '/') { char *t = bind_xmalloc((size_t)n + 1); memcpy(t, buf, (size_t)n + 1); return t; }
    char *dir = dir_of(link);
    size_t dn = strlen(dir);
    char *t = bind_xmalloc(dn + 1 + (size_t)n + 1);
    snprintf(t, dn + 1 + (size_t)n + 1, "%s/%s", dir, buf);
    free(dir);
    return t;
}

/* The kernel follows a symbolic link in a sticky world-writable folder
 * (/tmp) only for the link's owner or the folder's (fs.protected_symlinks):
 * bindc follows links itself, so it asks the same, or another user's link
 * in /tmp could make root replace any file. */
static bool link_protected(const char *link, const struct stat *lst)
{
    char *dir = dir_of(link);
    struct stat ds;
    bool refused = stat(dir, &ds) == 0 && (ds.st_mode & S_ISVTX) && (ds.st_mode & S_IWOTH)
                   && lst->st_uid != geteuid() && lst->st_uid != ds.st_uid;
    free(dir);
    return refused;
}

/* `-`, /dev/stdout, /dev/fd/N and /proc/self/fd/N name a descriptor. */
static int named_fd(const char *name)
{
    if (strcmp(name, "-") == 0 || strcmp(name, "/dev/stdout") == 0) return 1;
    if (strcmp(name, "/dev/stderr") == 0) return 2;
    if (strcmp(name, "/dev/stdin") == 0) return 0;
    const char *num = NULL;
    if (strncmp(name, "/dev/fd/", 8) == 0) num = name + 8;
    else if (strncmp(name, "/proc/self/fd/", 14) == 0) num = name + 14;
    if (!num || !*num) return -1;
    long v = 0;
    for (const char *p = num; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000) return -1;
        v = v * 10 + (*p - '0');
    }
    return (int)v;
}

int bind_output_resolve(const char *name, bind_output *o)
{
    memset(o, 0, sizeof *o);
    o->name = name;
    o->fd = -1;
    int fd = named_fd(name);
    if (fd >= 0) {
        o->kind = BIND_OUTPUT_FD;
        o->fd = fd;
        return fstat(fd, &o->st) != 0 ? errno : 0;
    }
    size_t n = strlen(name);
    char *path = bind_xmalloc(n + 1);
    memcpy(path, name, n + 1);
    int e = 0;
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(path, &st) != 0) {
            e = errno;
            if (e == ENOENT && hops > 0) {
                /* A link of /proc to a pipe or a socket names no path: what
                 * the kernel opens through it is written directly. */
                if (stat(name, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
                    o->kind = BIND_OUTPUT_DEVICE;
                    o->st = st;
                    free(path);
                    path = bind_xmalloc(n + 1);
                    memcpy(path, name, n + 1);
                    e = 0;
                    break;
                }
                e = BIND_E_DANGLING;
                break;
            }
            if (e != ENOENT) break;
            /* A new file: its folder must be there. */
            char *dir = dir_of(path);
            struct stat ds;
            e = stat(dir, &ds) != 0 ? errno : !S_ISDIR(ds.st_mode) ? ENOTDIR : 0;
            free(dir);
            if (e) break;
            o->kind = BIND_OUTPUT_FILE;
            o->exists = false;
            mode_t um = umask(0);
            umask(um);
            o->mode = 0666 & ~um;
            break;
        }
        if (S_ISLNK(st.st_mode)) {
            if (hops >= 40) { e = ELOOP; break; }
            if (link_protected(path, &st)) { e = EACCES; break; }
            char *next = link_target(path, &e);
            if (!next) break;
            free(path);
            path = next;
            continue;
        }
        o->st = st;
        if (S_ISREG(st.st_mode)) {
            o->kind = BIND_OUTPUT_FILE;
            o->exists = true;
            o->mode = st.st_mode & 07777;
        } else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
            o->kind = BIND_OUTPUT_DEVICE;
        } else e = S_ISDIR(st.st_mode) ? EISDIR : BIND_E_NOTFILE;
        break;
    }
    if (e) { free(path); return e; }
    o->path = path;
    return 0;
}

static bool in_my_groups(gid_t g)
{
    if (g == getegid()) return true;
    gid_t list[256];
    int n = getgroups(256, list);
    for (int i = 0; i < n; i++)
        if (list[i] == g) return true;
    return false;
}

int bind_output_writable(const bind_output *o)
{
    if (o->kind == BIND_OUTPUT_FD) return 0;
    if (o->kind == BIND_OUTPUT_DEVICE)
        return faccessat(AT_FDCWD, o->path, W_OK, AT_EACCESS) != 0 ? errno : 0;
    bool root = geteuid() == 0;
    if (o->exists) {
        if (root && !(o->st.st_mode & 0222)) return BIND_E_READONLY;
        if (faccessat(AT_FDCWD, o->path, W_OK, AT_EACCESS) != 0) return errno;
        if (!root && (o->st.st_uid != geteuid() || !in_my_groups(o->st.st_gid))) return BIND_E_OWNER;
    }
    /* The temporary file and the rename need the folder. */
    char *dir = dir_of(o->path);
    int e = faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0 ? errno : 0;
    free(dir);
    return e;
}

bool bind_output_is(const bind_output *o, const struct stat *st)
{
    if (o->kind == BIND_OUTPUT_FILE && !o->exists) return false;
    return o->st.st_dev == st->st_dev && o->st.st_ino == st->st_ino;
}

void bind_output_fini(bind_output *o)
{
    free(o->path);
    o->path = NULL;
}

/* ---- Temporary files --------------------------------------------------------- */

/* Six letters or digits, different in every call and every process. */
static void random_suffix(char out[7])
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static atomic_uint_fast64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 40)
                 ^ atomic_fetch_add(&counter, 0x9E3779B97F4A7C15u);
    /* splitmix64 */
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    x ^= x >> 31;
    for (int i = 0; i < 6; i++) { out[i] = abc[x % 62]; x /= 62; }
    out[6] = '\0';
}

/* Creates `base` + `.tmpXXXXXX` (O_EXCL, mode 0600), registered for
 * removal on a signal before it exists. */
static int make_temp(const char *base, char **tmp_out, int *slot_out, int *fd_out)
{
    size_t n = strlen(base) + 11;
    char *tmp = bind_xmalloc(n);
    sigset_t saved;
    int e = bind_cleanup_begin(&saved);
    if (e) { free(tmp); return e; }
    for (int tries = 0; tries < 100; tries++) {
        char suffix[7];
        random_suffix(suffix);
        snprintf(tmp, n, "%s.tmp%s", base, suffix);
        int slot = bind_cleanup_add(tmp);
        if (slot < 0) { e = errno; break; }
        int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd >= 0) {
            bind_cleanup_end(&saved);
            *tmp_out = tmp;
            *slot_out = slot;
            *fd_out = fd;
            return 0;
        }
        e = errno;
        bind_cleanup_drop(slot);
        if (e != EEXIST) break;
    }
    bind_cleanup_end(&saved);
    free(tmp);
    return e;
}

static void remove_temp(bind_stage *st)
{
    if (!st->tmp) return;
    unlink(st->tmp);
    bind_cleanup_drop(st->slot);
    free(st->tmp);
    st->tmp = NULL;
    st->slot = -1;
}

/* The file being replaced keeps its bytes on disk, but its cached pages
 * are of no more use: dropped now, they are free for the new file's pages
 * instead of fresh memory (a million-binding fleet's outputs are a
 * gigabyte), and the rename over it has none left to free.  Advice only:
 * a failure changes nothing. */
static void drop_cached(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
    if (fd < 0) return;
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
}

int bind_stage_open(bind_stage *st, const bind_output *o)
{
    st->out = o;
    st->fd = -1;
    st->tmp = NULL;
    st->slot = -1;
    if (o->kind != BIND_OUTPUT_FILE) return 0;
    int e = make_temp(o->path, &st->tmp, &st->slot, &st->fd);
    if (e) return e;
    if (o->exists) drop_cached(o->path);
    return 0;
}

int bind_stage_finish(bind_stage *st, int failed)
{
    if (st->fd < 0) return failed;
    const bind_output *o = st->out;
    int e = failed;
    /* The owner first: a change of owner clears the set-user-ID bits. */
    if (!e && o->exists) {
        struct stat ts;
        if (fstat(st->fd, &ts) != 0) e = errno;
        else if ((ts.st_uid != o->st.st_uid || ts.st_gid != o->st.st_gid)
                 && fchown(st->fd, ts.st_uid != o->st.st_uid ? o->st.st_uid : (uid_t)-1,
                           ts.st_gid != o->st.st_gid ? o->st.st_gid : (gid_t)-1) != 0)
            e = errno == EPERM ? BIND_E_OWNER : errno;
    }
    if (!e && fchmod(st->fd, (mode_t)o->mode) != 0) e = errno;
    if (!e && fsync(st->fd) != 0) e = errno;
    if (close(st->fd) != 0 && !e) e = errno;
    st->fd = -1;
    if (e) remove_temp(st);
    return e;
}

/* A device or FIFO: opened (a FIFO waits for its reader, as with cp) and
 * written; never truncated, replaced or removed. */
static int write_device(const bind_output *o, const void *data, size_t len)
{
    int fd = open(o->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat st;
    int e = fstat(fd, &st) != 0 ? errno : S_ISREG(st.st_mode) ? BIND_E_CHANGED : 0;
    if (!e) e = bind_write_all(fd, data, len);
    if (close(fd) != 0 && !e) e = errno;
    return e;
}

int bind_stage_commit(bind_stage *st, const void *held, size_t len)
{
    const bind_output *o = st->out;
    if (o->kind == BIND_OUTPUT_FD) return bind_write_all(o->fd, held, len);
    if (o->kind == BIND_OUTPUT_DEVICE) return write_device(o, held, len);
    if (!st->tmp) return EBADF;
    int e = rename(st->tmp, o->path) != 0 ? errno : 0;
    if (e) unlink(st->tmp);
    bind_cleanup_drop(st->slot);
    free(st->tmp);
    st->tmp = NULL;
    st->slot = -1;
    return e;
}

void bind_stage_discard(bind_stage *st)
{
    if (st->fd >= 0) close(st->fd);
    st->fd = -1;
    remove_temp(st);
}

int bind_output_write(const bind_output *o, const void *data, size_t len)
{
    bind_stage st;
    int e = bind_stage_open(&st, o);
    if (e) return e;
    if (st.fd >= 0) e = bind_write_all(st.fd, data, len);
    e = bind_stage_finish(&st, e);
    return e ? e : bind_stage_commit(&st, data, len);
}

int bind_write_atomic(const char *name, const void *data, size_t len)
{
    bind_output o;
    int e = bind_output_resolve(name, &o);
    if (!e) e = bind_output_writable(&o);
    if (!e) e = bind_output_write(&o, data, len);
    if (!e && o.kind == BIND_OUTPUT_FILE) bind_sync_dir(o.path);
    bind_output_fini(&o);
    switch (e) {
    case BIND_E_READONLY: return EACCES;
    case BIND_E_DANGLING: return ENOENT;
    case BIND_E_NOTFILE: return EINVAL;
    case BIND_E_OWNER: return EPERM;
    case BIND_E_CHANGED: return EBUSY;
    default: return e;
    }
}

void bind_sync_dir(const char *path)
{
    char *dir = dir_of(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

/* ---- Locks --------------------------------------------------------------------- */

/* The process that holds a flock on st's file, from /proc/locks (0 when
 * unknown).  Only to name it while waiting. */
static long lock_holder(const struct stat *st)
{
    FILE *f = fopen("/proc/locks", "re");
    if (!f) return 0;
    char line[256];
    long found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        char kind[16], rw[16];
        long pid;
        unsigned maj, mnr;
        unsigned long long ino;
        if (strstr(line, "->")) continue;         /* a waiter, not the holder */
        if (sscanf(line, "%*d: %15s %*s %15s %ld %x:%x:%llu", kind, rw, &pid, &maj, &mnr, &ino) == 6
            && strcmp(kind, "FLOCK") == 0 && maj == major(st->st_dev) && mnr == minor(st->st_dev)
            && ino == (unsigned long long)st->st_ino)
            found = pid;
    }
    fclose(f);
    return found;
}

/* Takes an exclusive flock on fd, waiting (after one call of `waiting`)
 * when another process holds it.  False where the file system takes no
 * lock. */
static bool take_lock(int fd, const struct stat *st, bind_lock_wait_fn *waiting, void *arg)
{
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno != EWOULDBLOCK) return false;
    if (waiting) waiting(arg, lock_holder(st));
    for (;;) {
        if (flock(fd, LOCK_EX) == 0) return true;
        if (errno != EINTR) return false;
    }
}

int bind_locked_read(const char *path, size_t limit, bind_locked *lf, char **text, size_t *len,
                     bind_lock_wait_fn *waiting, void *arg)
{
    memset(lf, 0, sizeof *lf);
    lf->fd = -1;
    for (int tries = 0;; tries++) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0) return errno;
        struct stat st, now;
        if (fstat(fd, &st) != 0) { int e = errno; close(fd); return e; }
        if (!S_ISREG(st.st_mode)) { close(fd); return S_ISDIR(st.st_mode) ? EISDIR : BIND_E_NOTFILE; }
        bool locked = take_lock(fd, &st, tries == 0 ? waiting : NULL, arg);
        /* The run that held the lock renamed a new file over this one: the
         * lock to take is the new file's. */
        if (lstat(path, &now) != 0 || now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
            close(fd);
            if (tries < 1000) continue;
            return BIND_E_CHANGED;
        }
        int e = read_fd(fd, &st, limit, text, len);
        if (!e && fstat(fd, &st) != 0) e = errno;
        if (e) { close(fd); return e; }
        lf->fd = fd;
        lf->st = st;
        lf->locked = locked;
        size_t n = strlen(path);
        lf->path = bind_xmalloc(n + 1);
        memcpy(lf->path, path, n + 1);
        return 0;
    }
}

int bind_locked_unchanged(const bind_locked *lf, const char *text, size_t len)
{
    struct stat now;
    if (lstat(lf->path, &now) != 0) return errno == ENOENT ? BIND_E_CHANGED : errno;
    if (now.st_dev != lf->st.st_dev || now.st_ino != lf->st.st_ino || !S_ISREG(now.st_mode)
        || (uint64_t)now.st_size != (uint64_t)len)
        return BIND_E_CHANGED;
    /* The same size is not the same bytes (a write within one tick of the
     * clock keeps the mtime too): they are compared. */
    char buf[65536];
    size_t at = 0;
    while (at < len) {
        ssize_t r = pread(lf->fd, buf, sizeof buf, (off_t)at);
        if (r < 0) { if (errno == EINTR) continue; return errno; }
        if (r == 0 || memcmp(buf, text + at, (size_t)r) != 0) return BIND_E_CHANGED;
        at += (size_t)r;
    }
    for (;;) {     /* nothing past the end either */
        ssize_t r = pread(lf->fd, buf, 1, (off_t)len);
        if (r < 0 && errno == EINTR) continue;
        return r == 0 ? 0 : r < 0 ? errno : BIND_E_CHANGED;
    }
}

void bind_locked_release(bind_locked *lf)
{
    if (lf->fd >= 0) close(lf->fd);     /* closing it releases the lock */
    lf->fd = -1;
    free(lf->path);
    lf->path = NULL;
}

int bind_lock_dir(const char *dir, int *out, bind_lock_wait_fn *waiting, void *arg)
{
    *out = -1;
    for (int tries = 0;; tries++) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return errno;
        struct stat st, now;
        if (fstat(fd, &st) != 0) { int e = errno; close(fd); return e; }
        take_lock(fd, &st, tries == 0 ? waiting : NULL, arg);
        /* The run that held it may have removed the folder it made. */
        if (stat(dir, &now) != 0 || now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
            close(fd);
            if (tries < 1000) continue;
            return BIND_E_CHANGED;
        }
        *out = fd;
        return 0;
    }
}

void bind_unlock_dir(int fd)
{
    if (fd >= 0) close(fd);
}

/* ---- The .bak chain ------------------------------------------------------------ */

/* The number after the highest PATH.bak (0), PATH.bak.N in path's folder. */
static unsigned long next_backup(const char *path)
{
    char *dir = dir_of(path);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t bn = strlen(base);
    DIR *d = opendir(dir);
    free(dir);
    if (!d) return 0;
    unsigned long next = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        const char *nm = ent->d_name;
        if (strncmp(nm, base, bn) != 0 || strncmp(nm + bn, ".bak", 4) != 0) continue;
        const char *rest = nm + bn + 4;
        unsigned long v;
        if (*rest == '\0') v = 0;
        else if (rest[0] == '.' && rest[1] >= '1' && rest[1] <= '9') {
            char *end;
            errno = 0;
            v = strtoul(rest + 1, &end, 10);
            if (*end || errno || v >= ULONG_MAX - 1) continue;
        } else continue;
        if (v + 1 > next) next = v + 1;
    }
    closedir(d);
    return next;
}

/* A copy where no hard link can be made: fd is the new file (created
 * O_EXCL), written, given the file's mode and owner, fsync'ed. */
static int copy_backup(const bind_locked *lf, int fd, const char *text, size_t len)
{
    int e = bind_write_all(fd, text, len);
    if (!e && geteuid() == 0 && fchown(fd, lf->st.st_uid, lf->st.st_gid) != 0) e = errno;
    if (!e && fchmod(fd, lf->st.st_mode & 07777) != 0) e = errno;
    if (!e && fsync(fd) != 0) e = errno;
    if (close(fd) != 0 && !e) e = errno;
    return e;
}

int bind_backup_make(const bind_locked *lf, const char *text, size_t len, char **bak_out, int *slot_out)
{
    *bak_out = NULL;
    *slot_out = -1;
    size_t n = strlen(lf->path) + 32;
    char *bak = bind_xmalloc(n);
    /* Another name of the same inode would share the backup's bytes: then
     * it is a copy of its own. */
    bool copy = lf->st.st_nlink > 1;
    unsigned long num = next_backup(lf->path);
    int e = 0;
    for (int tries = 0; tries < 1000; tries++) {
        if (num == 0) snprintf(bak, n, "%s.bak", lf->path);
        else snprintf(bak, n, "%s.bak.%lu", lf->path, num);
        /* Registered and made in one step (cleanup.h); a copy's bytes are
         * written after it, the name already registered. */
        sigset_t saved;
        e = bind_cleanup_begin(&saved);
        if (e) break;
        int slot = bind_cleanup_add(bak), fd = -1;
        if (slot < 0) e = errno;
        else if (!copy) e = link(lf->path, bak) != 0 ? errno : 0;
        else {
            fd = open(bak, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
            e = fd < 0 ? errno : 0;
        }
        bind_cleanup_end(&saved);
        if (!e && fd >= 0) {
            e = copy_backup(lf, fd, text, len);
            if (e) unlink(bak);
        }
        if (!e) { *bak_out = bak; *slot_out = slot; return 0; }
        bind_cleanup_drop(slot);
        if (slot < 0) break;
        /* No hard links here (vfat, some network file systems): the same
         * name, as a copy. */
        if (!copy && (e == EPERM || e == EXDEV || e == EMLINK || e == ENOTSUP || e == ENOSYS)) { copy = true; continue; }
        if (e != EEXIST) break;
        num++;
    }
    *bak_out = bak;         /* the name that failed, for the message */
    return e ? e : EEXIST;
}
