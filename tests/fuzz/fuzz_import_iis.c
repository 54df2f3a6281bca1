/* libFuzzer harness: bytes -> the importer of applicationhost.config
 * (libxml2 SAX events, the roles of elements, <siteDefaults>, the platform)
 * (an input starting with `U` goes in as UTF-16 with a byte-order mark),
 * then the whole import and the text it writes (import_fuzz.h). */
#include "import_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import(data, size, BIND_IMPORT_IIS_CONFIG, true);
    return 0;
}
