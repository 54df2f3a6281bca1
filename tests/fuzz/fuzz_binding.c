/* libFuzzer harness: the binding-word parser (`ip:port:host` and friends),
 * host names, iplisten addresses and punycode on arbitrary bytes. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "model/addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bind_arena *a = bind_arena_new();
    const char *w = (const char *)data;
    bind_word_errors errs;
    bind_info info;
    for (int form = BIND_FORM_IP_PORT_HOST; form <= BIND_FORM_HOST; form++) {
        errs.len = 0;
        if (bind_info_parse(a, (enum bind_info_form)form, w, size, &info, &errs)) {
            /* A word that parses formats back to something that parses the same. */
            char buf[48];
            if (form == BIND_FORM_IP_PORT_HOST) {
                size_t n = bind_addr_format(&info.addr, buf, true);
                bind_addr back;
                bind_word_errors e2 = { .len = 0 };
                if (info.addr.kind != BIND_ADDR_ANY && !bind_addr_parse(a, buf, n, &back, &e2)) __builtin_trap();
                if (info.addr.kind != BIND_ADDR_ANY && !bind_addr_equal(&back, &info.addr)) __builtin_trap();
            }
        }
        for (size_t i = 0; i < errs.len; i++)
            if (errs.items[i].off + errs.items[i].len > size) __builtin_trap();   /* spans stay inside the word */
    }
    const char *lower;
    bool wild;
    errs.len = 0;
    bind_host_parse(a, w, size, &lower, &wild, &errs);
    bind_addr addr;
    errs.len = 0;
    bind_addr_parse(a, w, size, &addr, &errs);
    bind_host_to_ascii(a, w, size);
    bind_arena_free(a);
    return 0;
}
