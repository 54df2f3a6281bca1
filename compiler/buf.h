/* A growable byte buffer: backends write their whole output into one, and
 * the driver writes it to a file atomically only when nothing failed. */
#ifndef BIND_BUF_H
#define BIND_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>

typedef struct bind_buf { char *data; size_t len, cap; } bind_buf;

void bind_buf_init(bind_buf *b);
void bind_buf_free(bind_buf *b);
void bind_buf_put(bind_buf *b, const void *p, size_t n);
void bind_buf_puts(bind_buf *b, const char *s);
void bind_buf_putc(bind_buf *b, char c);
void bind_buf_printf(bind_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes data to path through a temporary file in the same directory,
 * fsync and rename: readers see the old file or the new one, never half.
 * Returns 0 or an errno value; on failure the old file is untouched. */
int bind_write_atomic(const char *path, const void *data, size_t len);

/* bind_write_atomic in two steps, to replace several files only when all
 * of them could be written: stage writes and syncs the temporary file and
 * sets *tmp to its name (NULL on failure); commit renames it over path,
 * discard removes it.  Both free *tmp. */
int bind_write_stage(const char *path, const void *data, size_t len, char **tmp);
int bind_write_commit(const char *path, char *tmp);
void bind_write_discard(char *tmp);

#endif
