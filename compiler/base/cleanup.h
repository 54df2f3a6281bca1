/* Files a run must not leave behind when a signal ends it.
 *
 * Every temporary file is registered before it is created and dropped from
 * the registry once it is renamed into place or removed.  SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT and SIGPIPE remove every registered file (unlink(2) only:
 * the handler is async-signal-safe) and then end the process by the same
 * signal, so that its parent sees 128+N (130, 143, 129).  A signal the
 * process inherited as ignored (nohup) stays ignored.  SIGXFSZ is ignored,
 * so that a file-size limit (ulimit -f) makes write(2) fail with EFBIG, an
 * error like a full disk, instead of killing the process.
 *
 * Registering and creating are one step, bind_cleanup_begin .. end: the
 * creating thread blocks the signals, and a handler running on another
 * thread waits for the step to finish, so a file is never created after
 * the handler looked and never left behind. */
#ifndef BIND_CLEANUP_H
#define BIND_CLEANUP_H

#include <signal.h>

/* Installs the handlers (once; later calls do nothing). */
void bind_cleanup_install(void);

/* Opens a step that registers and creates files.  Returns 0, or EINTR when
 * a signal handler is already removing the files (create nothing then).
 * `saved` receives the thread's signal mask for bind_cleanup_end. */
int bind_cleanup_begin(sigset_t *saved);
void bind_cleanup_end(const sigset_t *saved);

/* Registers path (which must stay valid until dropped): a signal removes
 * it from now on.  Only between begin and end.  Returns the slot, or -1
 * (errno ENFILE) when every slot is taken. */
int bind_cleanup_add(const char *path);
/* The file is renamed into place, removed, or to be kept: a signal no
 * longer removes it.  -1 does nothing. */
void bind_cleanup_drop(int slot);

#endif
