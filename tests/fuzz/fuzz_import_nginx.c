/* libFuzzer harness: bytes -> the importer of nginx configuration (words,
 * strings, blocks, listen, server_name, default servers), then the whole
 * import and the text it writes (import_fuzz.h). */
#include "import_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import(data, size, BIND_IMPORT_NGINX, false);
    return 0;
}
