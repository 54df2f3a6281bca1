/* The import stage: each input to its reader, then the records tied to
 * the bindings, then the text. */
#include <string.h>

#include "attach.h"
#include "detect.h"
#include "import.h"
#include "writer.h"

bind_imported *bind_import_new(bool follow_files)
{
    bind_arena *a = bind_arena_new();
    bind_imported *im = bind_arena_alloc(a, sizeof *im);
    im->arena = a;
    im->follow_files = follow_files;
    bind_sources_init(&im->sources, a);
    bind_diag_bag_init(&im->diags, a);
    return im;
}

void bind_import_free(bind_imported *im)
{
    if (!im) return;
    bind_imp_site_free_all(im);
    bind_vec_free(&im->sslcerts);
    bind_vec_free(&im->urlacls);
    bind_vec_free(&im->iplisten);
    bind_vec_free(&im->excluded);
    bind_vec_free(&im->certs);
    bind_vec_free(&im->inputs);
    bind_diag_bag_fini(&im->diags);
    bind_sources_fini(&im->sources);
    bind_arena_free(im->arena);
}

bool bind_import_failed(const bind_imported *im) { return bind_diag_has_errors(&im->diags, false); }

enum bind_import_kind bind_import_add(bind_imported *im, const char *path, char *text, size_t len)
{
    enum bind_import_kind kind;
    size_t errors = im->diags.counts[BIND_SEV_ERROR];
    bind_source *src = bind_import_source(im, path, text, len, &kind);
    if (!src) return BIND_IMPORT_UNKNOWN;
    if (kind == BIND_IMPORT_UNKNOWN) {
        size_t at = 0;
        while (at < src->len && (src->text[at] == ' ' || src->text[at] == '\t' || src->text[at] == '\r' ||
                                 src->text[at] == '\n' || (unsigned char)src->text[at] >= 0x80))
            at++;
        bind_diag *d = bind_imp_diag(im, BIND_E0601, bind_imp_span(src, at, at + 1), "%s: cannot tell what kind of file this is",
                                     path);
        bind_imp_note(im, d, "bindc imports applicationhost.config, `netsh http show sslcert|urlacl|iplisten`, "
                             "`appcmd list site` and nginx configuration; it reads what a file holds, not its name");
        return BIND_IMPORT_UNKNOWN;
    }
    const char *shown = bind_arena_printf(im->arena, "%s (%s)", path, bind_import_kind_name(kind));
    bind_vec_push(&im->inputs, shown);
    switch (kind) {
    case BIND_IMPORT_IIS_CONFIG: bind_import_iis_config(im, src); break;
    case BIND_IMPORT_NETSH_SSLCERT:
    case BIND_IMPORT_NETSH_URLACL:
    case BIND_IMPORT_NETSH_IPLISTEN: bind_import_netsh(im, src, kind); break;
    case BIND_IMPORT_APPCMD: bind_import_appcmd(im, src); break;
    case BIND_IMPORT_NGINX: bind_import_nginx(im, src); break;
    default: break;
    }
    return im->diags.counts[BIND_SEV_ERROR] > errors ? BIND_IMPORT_UNKNOWN : kind;
}

/* The platforms of the standard library (stdlib/), which an imported
 * file selects. */
static const char *const platforms[] = { "iis7", "iis8", "iis10", "iis-express" };

const char *const *bind_import_platforms(size_t *n)
{
    *n = sizeof platforms / sizeof platforms[0];
    return platforms;
}

bool bind_import_platform_known(const char *name)
{
    for (size_t i = 0; i < sizeof platforms / sizeof platforms[0]; i++)
        if (strcmp(name, platforms[i]) == 0) return true;
    return false;
}

void bind_import_finish(bind_imported *im, const char *platform, bind_buf *out)
{
    const char *chosen = platform ? platform : im->platform;
    const char *why = platform ? "chosen with --platform" : im->platform_why;
    bind_import_attach(im, chosen);
    if (!bind_import_failed(im)) bind_import_write_bind(im, chosen, why, out);
    bind_diag_sort(&im->diags);
}
