/* libFuzzer harness: bytes -> the importer of netsh http show sslcert,
 * urlacl and iplisten, text and JSON (the first byte picks the reader),
 * then the whole import and the text it writes (import_fuzz.h). */
#include "import_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import(data, size, BIND_IMPORT_NETSH_SSLCERT, true);
    return 0;
}
