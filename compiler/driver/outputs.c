/* What the commands that write files share: which files are inputs (an
 * output never replaces one), the message while waiting for a lock, and
 * the message of a write that failed or was refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>
#include <unistd.h>

#include "driver.h"

void bind_inputs_add_path(bind_inputs *in, const char *path)
{
    struct stat st;
    if (!path || strcmp(path, "-") == 0 || stat(path, &st) != 0) return;
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 16;
        in->items = realloc(in->items, in->cap * sizeof *in->items);
        if (!in->items) bind_oom();
    }
    in->items[in->n].dev = st.st_dev;
    in->items[in->n].ino = st.st_ino;
    in->items[in->n].name = path;
    in->n++;
}

void bind_inputs_add_sources(bind_inputs *in, const bind_sources *s)
{
    for (size_t i = 0; i < s->files.len; i++) {
        const bind_source *src = s->files.items[i];
        if (!src->is_stdlib) bind_inputs_add_path(in, src->real_path ? src->real_path : src->path);
    }
}

const char *bind_inputs_find(const bind_inputs *in, const bind_output *o)
{
    for (size_t i = 0; i < in->n; i++) {
        struct stat st;
        st.st_dev = in->items[i].dev;
        st.st_ino = in->items[i].ino;
        if (bind_output_is(o, &st)) return in->items[i].name;
    }
    return NULL;
}

void bind_inputs_free(bind_inputs *in)
{
    free(in->items);
    memset(in, 0, sizeof *in);
}

void bind_cli_lock_waiting(void *arg, long pid)
{
    const char *name = arg;
    if (pid > 0) fprintf(stderr, "bindc: waiting for %s: process %ld (another bindc) holds its lock\n", name, pid);
    else fprintf(stderr, "bindc: waiting for %s: another process holds its lock\n", name);
}

int bind_cli_write_error(const char *name, int e)
{
    fprintf(stderr, "bindc: cannot write %s: %s\n", name, bind_io_strerror(e));
    return EXIT_USAGE;
}

int bind_cli_check_output(const bind_output *out, const bind_inputs *in)
{
    const char *input = bind_inputs_find(in, out);
    if (input) {
        fprintf(stderr, "bindc: cannot write %s: it is the input file %s; nothing written\n", out->name, input);
        return EXIT_USAGE;
    }
    int e = bind_output_writable(out);
    return e ? bind_cli_write_error(out->name, e) : EXIT_OK;
}

int bind_cli_read_input(const char *path, size_t limit, char **text, size_t *len)
{
    return bind_read_named(path, limit, text, len);
}
