/* The registry of temporary files that a signal removes (cleanup.h).
 *
 * The handler touches only lock-free atomics and calls only
 * async-signal-safe functions (unlink, nanosleep, sigaction, raise). */
#include "cleanup.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

/* A run makes at most a dozen files at a time (seven outputs of
 * --target all, a .bak): room for many more. */
#define SLOTS 128

static _Atomic(const char *) slots[SLOTS];
static atomic_int creating;        /* threads between begin and end */
static atomic_int dying;           /* a handler is removing the files */

static const int handled[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };
#define NHANDLED (sizeof handled / sizeof handled[0])

static void handled_set(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < NHANDLED; i++) sigaddset(set, handled[i]);
}

static void on_signal(int sig)
{
    int saved_errno = errno;
    atomic_store(&dying, 1);
    /* A thread that is registering and creating a file finishes first
     * (it has the signals blocked, so this is another thread). */
    while (atomic_load(&creating) > 0) {
        struct timespec ts = { 0, 100000 };
        nanosleep(&ts, NULL);
    }
    for (size_t i = 0; i < SLOTS; i++) {
        const char *p = atomic_load(&slots[i]);
        if (p) unlink(p);
    }
    /* End by the same signal: it is blocked while this handler runs, and
     * is delivered, with its default action, when the handler returns. */
    struct sigaction sa;
    sa.sa_handler = SIG_DFL;
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    raise(sig);
    errno = saved_errno;
}

void bind_cleanup_install(void)
{
    static atomic_int installed;
    if (atomic_exchange(&installed, 1)) return;
    struct sigaction sa;
    sa.sa_handler = on_signal;
    sa.sa_flags = 0;
    handled_set(&sa.sa_mask);              /* one handler at a time per thread */
    for (size_t i = 0; i < NHANDLED; i++) {
        struct sigaction old;
        if (sigaction(handled[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(handled[i], &sa, NULL);
    }
    signal(SIGXFSZ, SIG_IGN);
}

int bind_cleanup_begin(sigset_t *saved)
{
    sigset_t set;
    handled_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, saved);
    atomic_fetch_add(&creating, 1);
    if (atomic_load(&dying)) {
        atomic_fetch_sub(&creating, 1);
        pthread_sigmask(SIG_SETMASK, saved, NULL);
        return EINTR;
    }
    return 0;
}

void bind_cleanup_end(const sigset_t *saved)
{
    atomic_fetch_sub(&creating, 1);
    pthread_sigmask(SIG_SETMASK, saved, NULL);
}

int bind_cleanup_add(const char *path)
{
    for (int i = 0; i < SLOTS; i++) {
        const char *expected = NULL;
        if (atomic_compare_exchange_strong(&slots[i], &expected, path)) return i;
    }
    errno = ENFILE;
    return -1;
}

void bind_cleanup_drop(int slot)
{
    if (slot >= 0 && slot < SLOTS) atomic_store(&slots[slot], NULL);
}
