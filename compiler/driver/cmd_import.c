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

int bind_cmd_import(bind_cli *o)
{
    if (o->nfiles == 0) return bind_cli_usage_error(o, "%s", "no input files (`-` reads standard input)");
    int rc = bind_cli_one_stdin(o, NULL);
    if (rc != EXIT_OK) return rc;
    if (o->platform && !bind_import_platform_known(o->platform)) {
        size_t n;
        const char *const *known = bind_import_platforms(&n);
        return bind_cli_unknown(o, "platform", o->platform, known, n);
    }
    /* Where the output goes, and whether it may be written, before any work. */
    bind_inputs inputs = { 0 };
    bind_output dest;
    memset(&dest, 0, sizeof dest);
    for (int i = 0; i < o->nfiles; i++) bind_inputs_add_path(&inputs, o->files[i]);
    if (o->output) {
        int e = bind_output_resolve(o->output, &dest);
        rc = e ? bind_cli_write_error(o->output, e) : bind_cli_check_output(&dest, &inputs);
    }
    bind_inputs_free(&inputs);
    if (rc != EXIT_OK) { bind_output_fini(&dest); return rc; }

    bind_imported *im = bind_import_new(true);
    bind_cli_set_levels(o, &im->diags);
    for (int i = 0; i < o->nfiles; i++) {
        char *text = NULL;
        size_t len = 0;
        int e = bind_cli_read_input(o->files[i], BIND_IMPORT_MAX_FILE, &text, &len);
        if (e) {
            fprintf(stderr, "bindc: cannot read %s: %s\n", strcmp(o->files[i], "-") == 0 ? "standard input" : o->files[i],
                    e == EFBIG ? "file larger than the 1 GiB limit" : bind_io_strerror(e));
            bind_import_free(im);
            bind_output_fini(&dest);
            return EXIT_USAGE;
        }
        bind_import_add(im, strcmp(o->files[i], "-") == 0 ? "<stdin>" : o->files[i], text, len);
    }

    /* A file is streamed into its staged file as it is written (a fleet's
     * .bind is tens of MB), and put in place only when no input had an
     * error. */
    bind_buf out;
    bind_buf_init(&out);
    bind_stage st;
    int se = 0;
    bool staged = false;
    if (o->output && !bind_import_failed(im)) {
        se = bind_stage_open(&st, &dest);
        staged = !se;
        if (staged && st.fd >= 0) bind_buf_to_file(&out, st.fd);
    }
    if (!bind_import_failed(im)) bind_import_finish(im, o->platform, &out);
    else bind_diag_sort(&im->diags);
    int we = bind_buf_flush(&out);
    bind_report *r = bind_report_new(o, &im->sources);
    bind_report_bag(r, &im->diags, NULL, NULL);
    bind_report_finish(r);
    bind_report_free(r);
    if (bind_diag_has_errors(&im->diags, o->werror)) {
        if (staged) bind_stage_discard(&st);
        if (!o->json) fputs("bindc: nothing was written\n", stderr);
        rc = EXIT_INPUT;
    } else if (o->output) {
        int e = staged ? bind_stage_finish(&st, we) : se;
        if (!e) e = bind_stage_commit(&st, out.data ? out.data : "", out.len);
        if (e) rc = bind_cli_write_error(o->output, e);
        else if (dest.kind == BIND_OUTPUT_FILE) bind_sync_dir(dest.path);
    } else {
        if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) rc = EXIT_USAGE;
        if (fflush(stdout) != 0) rc = EXIT_USAGE;
        if (rc != EXIT_OK) fprintf(stderr, "bindc: cannot write the standard output: %s\n", strerror(errno));
    }
    bind_buf_free(&out);
    bind_import_free(im);
    bind_output_fini(&dest);
    return rc;
}
