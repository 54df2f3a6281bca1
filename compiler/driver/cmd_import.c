/* bindc import FILE... [-o OUT.bind] [--platform P]: what a machine already
 * has (applicationhost.config, netsh and appcmd captures, nginx
 * configuration) as one .bind file, on standard output or written
 * atomically to OUT.  An error in any input writes nothing (exit 1); an
 * input that cannot be read is exit 2, as for the other commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "import/import.h"

int bind_cmd_import(int argc, char **argv);

int bind_cmd_import(int argc, char **argv)
{
    static const char *const extra[] = { "-o", NULL };
    bind_cli o;
    int rc = bind_cli_parse(argc, argv, extra, &o);
    if (rc != EXIT_OK) { bind_cli_free(&o); return rc; }
    const char *output = NULL;
    for (int i = 0; i + 1 < o.nrest; i += 2) output = o.rest[i + 1];
    if (o.platform && !bind_import_platform_known(o.platform)) {
        fprintf(stderr, "bindc: unknown platform `%s` (iis7, iis8, iis10, iis-express)\n", o.platform);
        bind_cli_free(&o);
        return EXIT_USAGE;
    }

    bind_imported *im = bind_import_new(true);
    for (int i = 0; i < o.nfiles; i++) {
        char *text = NULL;
        size_t len = 0;
        int e = bind_read_file(o.files[i], BIND_IMPORT_MAX_FILE, &text, &len);
        if (e) {
            fprintf(stderr, "bindc: cannot read %s: %s\n", o.files[i],
                    e == EFBIG ? "file larger than the 1 GiB limit" : strerror(e));
            bind_import_free(im);
            bind_cli_free(&o);
            return EXIT_USAGE;
        }
        bind_import_add(im, o.files[i], text, len);
    }

    bind_buf out;
    bind_buf_init(&out);
    if (!bind_import_failed(im)) bind_import_finish(im, o.platform, &out);
    else bind_diag_sort(&im->diags);
    bind_render_opts ro = bind_cli_render_opts(o.color, o.werror);
    bind_diag_render_all(stderr, &im->sources, &im->diags, o.json, ro);
    if (bind_diag_has_errors(&im->diags, o.werror)) {
        if (!o.json) fputs("bindc: nothing was written\n", stderr);
        rc = EXIT_INPUT;
    } else if (output) {
        int e = bind_write_atomic(output, out.data ? out.data : "", out.len);
        if (e) { fprintf(stderr, "bindc: cannot write %s: %s\n", output, strerror(e)); rc = EXIT_USAGE; }
    } else {
        if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) rc = EXIT_USAGE;
        if (fflush(stdout) != 0) rc = EXIT_USAGE;
    }
    bind_buf_free(&out);
    bind_import_free(im);
    bind_cli_free(&o);
    return rc;
}
