/* Files in and out.
 *
 * bindc never destroys what it does not own.  An output is resolved first
 * (bind_output_resolve): a symbolic link is followed to the file it names,
 * which is replaced and the link kept; a character device or a FIFO
 * (/dev/null, a pipe) is written directly and never replaced; `-`,
 * /dev/stdout, /dev/fd/N are the descriptor itself.  Whether the user may
 * write it is asked before anything is made (bind_output_writable), as
 * open(2) would answer — and, as root, a file without a write permission
 * bit is refused too.  A regular file is then written through a temporary
 * file beside it (bind_stage_*): written, given the mode and owner of the
 * file it replaces, fsync'ed and renamed over it, so that a reader sees the
 * old file or the new one, never half; any failure removes the temporary
 * file and leaves the old one as it was.  Temporary files are registered
 * with base/cleanup.h, so a signal removes them too.
 *
 * A file read, changed and written back (--merge in place, fmt --write) is
 * locked from the reading to the rename (bind_locked_*), and checked right
 * before the rename to be still the file read, byte for byte, so that a
 * writer that takes no lock is noticed instead of overwritten. */
#ifndef BIND_FILE_IO_H
#define BIND_FILE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Reads a whole regular file (at most `limit` bytes) into a malloc'ed
 * buffer with room for a NUL after it, never blocking: a FIFO, a device or
 * a socket is not opened for reading.  Returns 0, or an errno value (EFBIG
 * past the limit, EISDIR for a folder) or BIND_E_NOTREG. */
int bind_read_file(const char *path, size_t limit, char **text, size_t *len);
/* The same for a file the user named on the command line, which may also
 * be a stream, read to its end: `-` (standard input), a pipe or FIFO
 * (`<(cmd)`, /dev/stdin), a socket or a terminal.  Any other device
 * (/dev/zero) is BIND_E_NOTSTREAM. */
int bind_read_named(const char *path, size_t limit, char **text, size_t *len);
/* The same from an open descriptor, from its offset to its end (a pipe is
 * read until its writer closes it). */
int bind_read_fd(int fd, size_t limit, char **text, size_t *len);

/* write(2) until all n bytes are written; 0 or an errno value. */
int bind_write_all(int fd, const char *p, size_t n);

/* Errors of bindc's own, beside errno values: bind_io_strerror says both. */
enum {
    BIND_E_READONLY = 10000,   /* root: a file without any write permission bit */
    BIND_E_DANGLING,           /* a symbolic link to nothing */
    BIND_E_NOTFILE,            /* a block device, a socket, … */
    BIND_E_OWNER,              /* its owner or group could not be kept (not root) */
    BIND_E_CHANGED,            /* it changed under us, written by a program that took no lock */
    BIND_E_NOTREG,             /* read: a FIFO, a device or a socket where a regular file must be */
    BIND_E_NOTSTREAM,          /* read: a device that is not a terminal, named on the command line */
};
const char *bind_io_strerror(int e);

/* ---- Outputs ------------------------------------------------------------ */

typedef enum bind_output_kind {
    BIND_OUTPUT_FILE,          /* a regular file, replaced (or created) atomically */
    BIND_OUTPUT_DEVICE,        /* a character device or a FIFO: opened and written */
    BIND_OUTPUT_FD,            /* a descriptor of ours: `-`, /dev/stdout, /dev/fd/N */
} bind_output_kind;

typedef struct bind_output {
    const char *name;          /* as given: what messages name */
    char *path;                /* FILE: the file itself, every symbolic link followed; DEVICE: to open */
    bind_output_kind kind;
    int fd;                    /* FD: the descriptor */
    bool exists;               /* FILE: there is a file to replace (st is its) */
    struct stat st;            /* FILE that exists, DEVICE, FD: what it is */
    unsigned mode;             /* FILE: the permission bits the new file gets */
} bind_output;

/* Finds where an output named `name` goes.  0, or an error (errno value
 * or BIND_E_*): EISDIR, ENOENT for a missing folder, ELOOP, EACCES for a
 * symbolic link the kernel would not follow (fs.protected_symlinks),
 * BIND_E_DANGLING, BIND_E_NOTFILE.  Call from one thread at a time (it
 * reads the umask). */
int bind_output_resolve(const char *name, bind_output *o);
/* Whether this user may write it, asked before anything is made: 0, or
 * the error open(2) would give (EACCES, EROFS, EPERM for an immutable
 * file), EACCES for a folder where no temporary file can be made,
 * BIND_E_READONLY (root, no write bit) or BIND_E_OWNER (not root, and the
 * file's owner or group is not one the new file could be given). */
int bind_output_writable(const bind_output *o);
/* Whether o is the file st describes (same device and inode). */
bool bind_output_is(const bind_output *o, const struct stat *st);
void bind_output_fini(bind_output *o);

/* An output in the making.  A FILE is written into st->fd, a temporary
 * file beside it; the other kinds have fd -1: the caller holds the bytes
 * and hands them to commit.  open, finish and commit may run on different
 * threads, one at a time. */
typedef struct bind_stage {
    const bind_output *out;
    int fd;
    char *tmp;
    int slot;                  /* tmp's slot in the cleanup registry */
} bind_stage;

int bind_stage_open(bind_stage *st, const bind_output *o);
/* Ends the writing of a FILE: the temporary file gets the mode and owner
 * of the file it replaces and is fsync'ed and closed.  `failed` is a write
 * error of the caller's.  On any error the temporary file is removed and
 * the error returned. */
int bind_stage_finish(bind_stage *st, int failed);
/* Puts the output in place: renames the temporary file over the file, or
 * writes `held` to the device or descriptor.  On error nothing of the
 * stage is left. */
int bind_stage_commit(bind_stage *st, const void *held, size_t len);
/* Removes what the stage made, at any point before commit. */
void bind_stage_discard(bind_stage *st);
/* The whole of it for bytes held in memory: open, write, finish, commit. */
int bind_output_write(const bind_output *o, const void *data, size_t len);
/* Writes data to the output named `name` by every rule above (resolve,
 * writable, stage, commit).  Returns 0 or an errno value: bindc's own
 * errors become the nearest one (EACCES for a read-only file, ENOENT for
 * a dangling link, EPERM for an owner that cannot be kept, EINVAL, EBUSY
 * for a file changed under us), for callers that print strerror. */
int bind_write_atomic(const char *name, const void *data, size_t len);
/* fsync of the folder of path, so that renames in it last (best effort). */
void bind_sync_dir(const char *path);

/* ---- Files read and written back, under a lock -------------------------- */

typedef struct bind_locked {
    int fd;
    char *path;
    struct stat st;            /* as read */
    bool locked;               /* false where the file system takes no lock */
} bind_locked;

/* Called once when another process holds the lock and bindc waits for it:
 * that process's id (0 when unknown). */
typedef void bind_lock_wait_fn(void *arg, long pid);

/* Opens path (a regular file, no symbolic link), locks it exclusively
 * (flock; waiting for another run's lock), makes sure the file locked is
 * still the one at path (a run that held the lock may have replaced it)
 * and reads it whole through the locked descriptor.  0 or an errno value. */
int bind_locked_read(const char *path, size_t limit, bind_locked *lf, char **text, size_t *len,
                     bind_lock_wait_fn *waiting, void *arg);
/* Right before the rename: 0 when path still names the file read and it
 * holds `text` byte for byte; BIND_E_CHANGED (or an errno value) when not. */
int bind_locked_unchanged(const bind_locked *lf, const char *text, size_t len);
void bind_locked_release(bind_locked *lf);

/* Locks a folder (for --target all): exclusively, waiting for another
 * run; *fd is the lock, closed by bind_unlock_dir.  0 or an errno value. */
int bind_lock_dir(const char *dir, int *fd, bind_lock_wait_fn *waiting, void *arg);
void bind_unlock_dir(int fd);

/* Keeps the file lf locked as the next free PATH.bak, PATH.bak.1,
 * PATH.bak.2, … (after the highest one there; an existing name is never
 * replaced): a hard link to it, or, where the file system has none or the
 * file has other links, a copy of `text` with its mode (and owner, as
 * root).  *bak gets the name (malloc'ed); it is registered for removal on
 * a signal until the caller drops *slot (right before the rename), and
 * the caller removes it when the file is not replaced after all.  On
 * failure *bak is the name that could not be made (the caller frees it). */
int bind_backup_make(const bind_locked *lf, const char *text, size_t len, char **bak, int *slot);

#endif
