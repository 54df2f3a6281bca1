/* libFuzzer harness: `--merge` into arbitrary bytes.  The iis target must
 * either refuse the file with a diagnostic or produce a document that
 * parses again — never crash, hang or leak. */
#include <libxml/parser.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "backend/backend.h"
#include "../unit/emit_target.h"

static const char model[] =
    "site \"A&<b>\" {\n    pool = P1\n    http *:80:a.example\n    https [::1]:443:b.example cert=3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bind_compilation *c = bind_compilation_new();
    bind_compilation_add_text(c, "fuzz.bind", model, sizeof model - 1);
    bind_compilation_check(c);
    bind_buf out;
    bind_buf_init(&out);
    if (emit_target(c, "iis", "fuzz.config", (const char *)data, size, &out)) {
        xmlDocPtr doc = xmlReadMemory(out.data, (int)out.len, "merged.config", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc) __builtin_trap();     /* a merge that succeeded must give well-formed XML */
        xmlFreeDoc(doc);
    }
    bind_buf_free(&out);
    bind_compilation_free(c);
    return 0;
}
