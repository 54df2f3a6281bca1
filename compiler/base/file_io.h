/* Files in and out.  An output is written through a temporary file in the
 * same folder, fsync and rename, so that a reader sees the old file or the
 * new one, never half; on any failure the old file is left as it was. */
#ifndef BIND_FILE_IO_H
#define BIND_FILE_IO_H

#include <stddef.h>

/* Reads a whole file (at most `limit` bytes) into a malloc'ed buffer with
 * room for a NUL after it.
 * Returns 0, or an errno value (EFBIG past the limit, EISDIR for a folder). */
int bind_read_file(const char *path, size_t limit, char **text, size_t *len);

/* write(2) until all n bytes are written; 0 or an errno value. */
int bind_write_all(int fd, const char *p, size_t n);

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

/* bind_write_stage for an output written as it is made: open creates the
 * temporary file beside path (its descriptor in *fd), finish syncs and
 * closes it and sets *tmp as stage does — or removes it and returns the
 * error, `failed` (a write error of the caller's) included. */
typedef struct bind_stage { char *tmp; int fd; unsigned mode; } bind_stage;
int bind_stage_open(const char *path, bind_stage *st);
int bind_stage_finish(bind_stage *st, int failed, char **tmp);
/* Removes the temporary file of an output that must not be written. */
void bind_stage_abandon(bind_stage *st);

#endif
