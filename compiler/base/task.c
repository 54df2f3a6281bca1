/* bind_task (task.h) over POSIX threads: C11's thrd_create would do, but
 * the sanitizers and valgrind follow threads through pthread_create, and
 * ThreadSanitizer does not know a thread that glibc's C11 layer made. */
#include "task.h"
#include "arena.h"

#include <pthread.h>

struct bind_task {
    pthread_t thread;
    bool started;
    void (*fn)(void *);
    void *arg;
};

static void *run(void *p)
{
    bind_task *t = p;
    t->fn(t->arg);
    return NULL;
}

bind_task *bind_task_start(void (*fn)(void *arg), void *arg)
{
    bind_task *t = bind_xmalloc(sizeof *t);
    t->fn = fn;
    t->arg = arg;
    t->started = pthread_create(&t->thread, NULL, run, t) == 0;
    if (!t->started) fn(arg);
    return t;
}

void bind_task_wait(bind_task *t)
{
    if (!t) return;
    if (t->started) pthread_join(t->thread, NULL);
    free(t);
}
