/* Loading, for compile.c: files from disk or memory, `use` resolution and
 * the stdlib (load.c).  Private to check/. */
#ifndef BIND_LOAD_H
#define BIND_LOAD_H

#include "compile.h"

/* The default bind_read_fn: the file from disk, at most *(size_t *)ctx bytes. */
int bind_load_read_disk(void *ctx, const char *path, char **text, size_t *len);
/* Loads a file and what it uses; it becomes the next root.  key is its
 * identity (bind_load_key); the text is `owned` (a read buffer the sources
 * adopt) or `text`, copied. */
void bind_load_root(bind_compilation *c, const char *key, const char *path, const char *real, const char *text,
                    char *owned, size_t len, bool stdlib);
/* A file's identity: `@device:inode` when it is on disk, else its path. */
const char *bind_load_key(bind_compilation *c, const char *path);
bool bind_load_key_eq(const void *a, const void *b);
/* The index of the loaded file with this identity, or UINT32_MAX. */
uint32_t bind_load_find(const bind_compilation *c, const char *key);
/* The stdlib prelude, which every compilation loads first. */
void bind_load_prelude(bind_compilation *c);

#endif
