/* The iis target: the model's sites as applicationhost.config <site>
 * elements and their application pools as <add> entries, in a document
 * of bindc's own, or merged into the user's file (--merge: iis_merge.c).
 * The layers of the target are described in iis.h. */
#include "iis.h"

static bool emit_iis(const bind_model *m, const bind_sources *sources, const bind_emit_opts *opts,
                     bind_emit_ctx *cx, bind_buf *out)
{
    (void)sources;
    bind_iis_doc d;
    if (!bind_iis_doc_read(cx, opts ? opts->merge : NULL, &d)) return false;
    bind_iis_writer w;
    bind_iis_writer_init(&w, cx, m, &d);
    bind_iis_edits edits = { 0 };
    /* After a refusal the sites are still walked, for every refusal and
     * W0407, but nothing is written. */
    bool ok = bind_iis_merge(&w, opts && opts->prune, &edits);
    if (ok)
        bind_iis_doc_splice(&d, &edits, w.sites_out.data, w.sites_out.len, w.pools_out.data, w.pools_out.len, out);
    bind_vec_free(&edits);
    bind_iis_writer_fini(&w);
    return ok;
}

const bind_backend bind_backend_iis = { "iis", "applicationhost.config", emit_iis, 7, false, BIND_SERVER_IIS };
