/* Every --merge bogon (the .config files in tests/bogons) through the iis target, from a
 * buffer of exactly the file's size — as the fuzzer hands it over — so that
 * valgrind and ASan see any read past the end.  Each is refused with a
 * diagnostic or merged into well-formed XML. */
#include <dirent.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "emit_target.h"
#include "harness.h"

static void merge_one(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(bind_read_file(path, BIND_MAX_FILE_SIZE, &text, &len), 0);
    char *exact = malloc(len ? len : 1);
    assert_non_null(exact);
    memcpy(exact, text, len);
    free(text);

    bind_compilation *c = compile_text("site s {\n    http *:80:s\n}\n");
    bind_buf out;
    bind_buf_init(&out);
    bool ok = emit_target(c, "iis", path, exact, len, &out) && c->diags.counts[BIND_SEV_ERROR] == 0;
    if (ok) {
        xmlDocPtr doc = xmlReadMemory(out.data, (int)out.len, "merged", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        assert_non_null(doc);
        xmlFreeDoc(doc);
    } else {
        assert_true(count_code(c, BIND_E0004, 0, 0) >= 1);      /* refused with a diagnostic */
    }
    bind_buf_free(&out);
    bind_compilation_free(c);
    free(exact);
}

static void test_iis_bogons_merge(void **state)
{
    (void)state;
    const char *dir = BINDC_SOURCE_DIR "/tests/bogons";
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 8 || strcmp(e->d_name + l - 7, ".config") != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        merge_one(path);
        n++;
    }
    closedir(d);
    assert_true(n >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_iis_bogons_merge) };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
