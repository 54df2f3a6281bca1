/* Work on a second thread: the machine bindc runs on has two cores, and a
 * fleet's check has two independent halves (the conflict checks and the
 * route checks), its compile seven independent outputs.
 *
 * A task runs fn(arg) on a thread of its own and is waited for by the
 * thread that started it; what the two share must be read-only while both
 * run.  When no thread can be made, the task runs at once, on the caller's
 * thread: slower, never different. */
#ifndef BIND_TASK_H
#define BIND_TASK_H

typedef struct bind_task bind_task;

bind_task *bind_task_start(void (*fn)(void *arg), void *arg);
/* Waits for the task to finish and frees it; NULL does nothing. */
void bind_task_wait(bind_task *t);

#endif
