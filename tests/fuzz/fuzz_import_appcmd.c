/* libFuzzer harness: bytes -> the importer of appcmd list site, its text
 * and /xml forms, then the whole import and the text it writes
 * (import_fuzz.h). */
#include "import_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import(data, size, BIND_IMPORT_APPCMD, false);
    return 0;
}
