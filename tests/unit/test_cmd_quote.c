/* cmd.exe quoting: exact forms, refusals, and a property test that every
 * accepted text comes out of the cmd.exe + CommandLineToArgvW model
 * (cmd_model.h) exactly as it went in. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd_model.h"
#include "backend/cmd_exe_quote.h"

/* Variables a careless `%` would expand: if one leaks, the text changes. */
static const cmd_model_env hostile_env = {
    { "PATH", "X", "BINDC_ACL_1", "CD" }, { "EXPANDED-PATH", "EXPANDED-X", "EXPANDED-ACL", "EXPANDED-CD" }, 4,
};

static char *quoted(void (*put)(bind_buf *, const char *), const char *s)
{
    bind_buf b;
    bind_buf_init(&b);
    put(&b, s);
    bind_buf_putc(&b, '\0');
    return b.data;
}

static void test_cmd_quote_exact_forms(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        { "CONTOSO\\webdeploy", "CONTOSO\\webdeploy" },            /* nothing special: as is */
        { "http://*:8080/", "http://*:8080/" },
        { "", "\"\"" },
        { "web deploy", "\"web deploy\"" },
        { "100%", "\"100%%\"" },                                    /* phase 1 halves %% */
        { "%PATH%", "\"%%PATH%%\"" },
        { "a&b|c<d>e^f", "\"a&b|c<d>e^f\"" },                      /* literal inside quotes */
        { "C:\\dir\\", "C:\\dir\\" },                                /* unquoted, a backslash is literal */
        { "C:\\my dir\\", "\"C:\\my dir\\\\\"" },                    /* before the closing quote it is doubled */
        { "C:\\a b\\\\", "\"C:\\a b\\\\\\\\\"" },
        { "(x)", "\"(x)\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *q = quoted(bind_cmd_quote_put_arg, cases[i].in);
        assert_string_equal(q, cases[i].out);
        free(q);
    }
    bind_buf b;
    bind_buf_init(&b);
    bind_cmd_quote_put_tagged(&b, "name", "bindc TCP 80");
    bind_buf_putc(&b, ' ');
    bind_cmd_quote_put_tagged(&b, "user", "CONTOSO\\alice");
    bind_buf_putc(&b, ' ');
    bind_cmd_quote_put_set(&b, "V", "a&b 100%");
    bind_buf_putc(&b, ' ');
    bind_cmd_quote_put_text(&b, "a&b (c) \"d\" 5%");
    bind_buf_putc(&b, '\0');
    assert_string_equal(b.data, "name=\"bindc TCP 80\" user=CONTOSO\\alice set \"V=a&b 100%%\" a^&b ^(c^) ^\"d^\" 5%%");
    bind_buf_free(&b);
}

static void test_cmd_quote_refusals(void **state)
{
    (void)state;
    assert_int_equal(bind_cmd_quote_check("CONTOSO\\web deploy & co (100%) ^ | < > ! ; { } $ ` '"), BIND_CMD_QUOTE_OK);
    assert_int_equal(bind_cmd_quote_check(""), BIND_CMD_QUOTE_OK);
    assert_int_equal(bind_cmd_quote_check("say \"hi\""), BIND_CMD_QUOTE_DQUOTE);
    assert_int_equal(bind_cmd_quote_check("a\r\nnetsh http delete urlacl"), BIND_CMD_QUOTE_CONTROL);
    assert_int_equal(bind_cmd_quote_check("tab\there"), BIND_CMD_QUOTE_CONTROL);
    assert_int_equal(bind_cmd_quote_check("del\x7f"), BIND_CMD_QUOTE_CONTROL);
    assert_int_equal(bind_cmd_quote_check("J\xc3\xbcrgen"), BIND_CMD_QUOTE_NON_ASCII);
    char *longer = malloc(BIND_CMD_QUOTE_MAX_TEXT + 2);
    memset(longer, 'a', BIND_CMD_QUOTE_MAX_TEXT + 1);
    longer[BIND_CMD_QUOTE_MAX_TEXT + 1] = '\0';
    assert_int_equal(bind_cmd_quote_check(longer), BIND_CMD_QUOTE_TOO_LONG);
    longer[BIND_CMD_QUOTE_MAX_TEXT] = '\0';
    assert_int_equal(bind_cmd_quote_check(longer), BIND_CMD_QUOTE_OK);
    free(longer);
    /* Each refusal explains itself differently. */
    assert_string_not_equal(bind_cmd_quote_reason(BIND_CMD_QUOTE_DQUOTE), bind_cmd_quote_reason(BIND_CMD_QUOTE_CONTROL));
    assert_non_null(strstr(bind_cmd_quote_reason(BIND_CMD_QUOTE_NON_ASCII), "code page"));
}

/* The model itself, on lines whose meaning is known. */
static void test_cmd_quote_model_known_lines(void **state)
{
    (void)state;
    cmd_model_line L;
    cmd_model_parse("netsh x \"a b\" c^&d >nul 2>&1", NULL, &L);
    assert_int_equal(L.ncmd, 1);
    assert_int_equal(L.cmd[0].argc, 4);
    assert_string_equal(L.cmd[0].argv[2], "a b");
    assert_string_equal(L.cmd[0].argv[3], "c&d");
    assert_int_equal(L.cmd[0].nredirect, 2);
    assert_string_equal(L.cmd[0].redirect[0], ">nul");
    assert_string_equal(L.cmd[0].redirect[1], "2>&1");
    cmd_model_free(&L);

    cmd_model_parse("p a\\\\\"b c\" d\\e \"x\\\"y\"", NULL, &L);     /* p a\\"b c" d\e "x\"y" */
    assert_int_equal(L.cmd[0].argc, 4);
    assert_string_equal(L.cmd[0].argv[1], "a\\b c");
    assert_string_equal(L.cmd[0].argv[2], "d\\e");
    assert_string_equal(L.cmd[0].argv[3], "x\"y");
    cmd_model_free(&L);

    cmd_model_parse("fltmc >nul 2>&1 || (echo no& exit /b 1)", NULL, &L);
    assert_int_equal(L.ncmd, 3);
    assert_string_equal(L.op[0], "||");
    assert_string_equal(L.cmd[1].text, "echo no");
    assert_string_equal(L.cmd[2].text, "exit /b 1");
    cmd_model_free(&L);

    cmd_model_parse("echo 5%% %PATH% %%X%% %1 end", &hostile_env, &L);
    assert_string_equal(L.cmd[0].text, "echo 5% EXPANDED-PATH %X%  end");
    cmd_model_free(&L);

    cmd_model_parse("netsh add sddl=D:(A;;GX;;;WD) a|b", NULL, &L);   /* `)` outside a block is literal */
    assert_int_equal(L.ncmd, 2);
    assert_string_equal(L.cmd[0].argv[2], "sddl=D:(A;;GX;;;WD)");
    assert_string_equal(L.op[0], "|");
    cmd_model_free(&L);
}

/* A fixed-seed generator: the same strings on every run. */
static uint32_t next_random(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static char *random_text(uint32_t *seed)
{
    /* Weighted towards what cmd.exe and CommandLineToArgvW treat specially. */
    static const char special[] = "%^&|<>()!;,={}$`'\\ @*+[]~#?:/.";
    size_t n = next_random(seed) % 48;
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t r = next_random(seed);
        s[i] = r % 3 ? special[r % (sizeof special - 1)] : (char)(0x20 + r % 95);
        if (s[i] == '"') s[i] = '\\';
    }
    s[n] = '\0';
    return s;
}

static void test_cmd_quote_round_trip_property(void **state)
{
    (void)state;
    uint32_t seed = 20240611u;
    for (int k = 0; k < 3000; k++) {
        char *text = random_text(&seed);
        assert_int_equal(bind_cmd_quote_check(text), BIND_CMD_QUOTE_OK);
        bind_buf b;
        bind_buf_init(&b);
        bind_buf_puts(&b, "netsh ");
        bind_cmd_quote_put_arg(&b, text);
        bind_buf_putc(&b, ' ');
        bind_cmd_quote_put_tagged(&b, "user", text);
        bind_buf_puts(&b, " tail");
        bind_buf_putc(&b, '\0');
        cmd_model_line L;
        cmd_model_parse(b.data, &hostile_env, &L);
        assert_false(L.open_quote);
        assert_false(L.continuation);
        assert_int_equal(L.ncmd, 1);
        assert_int_equal(L.cmd[0].nredirect, 0);
        assert_int_equal(L.cmd[0].argc, 4);
        assert_string_equal(L.cmd[0].argv[1], text);
        char *tagged = malloc(strlen(text) + 6);
        sprintf(tagged, "user=%s", text);
        assert_string_equal(L.cmd[0].argv[2], tagged);
        assert_string_equal(L.cmd[0].argv[3], "tail");
        free(tagged);
        cmd_model_free(&L);

        b.len = 0;
        bind_cmd_quote_put_set(&b, "BINDC_ACL_1", text);
        bind_buf_putc(&b, '\0');
        cmd_model_parse(b.data, &hostile_env, &L);
        assert_int_equal(L.ncmd, 1);
        char *v = cmd_model_set_value(&L.cmd[0], "BINDC_ACL_1");
        assert_non_null(v);
        assert_string_equal(v, text);
        free(v);
        cmd_model_free(&L);

        /* echo: one command whose text is the text (cmd.exe drops trailing blanks here too). */
        b.len = 0;
        bind_buf_puts(&b, "echo [1/1] ");
        bind_cmd_quote_put_text(&b, text);
        bind_buf_putc(&b, '\0');
        cmd_model_parse(b.data, &hostile_env, &L);
        assert_int_equal(L.ncmd, 1);
        assert_int_equal(L.cmd[0].nredirect, 0);
        assert_false(L.continuation);
        char *want = malloc(strlen(text) + 12);
        sprintf(want, "echo [1/1] %s", text);
        size_t wn = strlen(want);
        while (wn && want[wn - 1] == ' ') want[--wn] = '\0';
        assert_string_equal(L.cmd[0].text, want);
        free(want);
        cmd_model_free(&L);
        bind_buf_free(&b);
        free(text);
    }
}

/* The longest accepted value, made only of characters that grow when
 * quoted, still fits a cmd.exe line with room for the fixed text. */
static void test_cmd_quote_longest_value_fits_a_line(void **state)
{
    (void)state;
    char *text = malloc(BIND_CMD_QUOTE_MAX_TEXT + 1);
    for (size_t i = 0; i < BIND_CMD_QUOTE_MAX_TEXT; i++) text[i] = i % 2 ? '%' : '\\';
    text[BIND_CMD_QUOTE_MAX_TEXT] = '\0';
    bind_buf b;
    bind_buf_init(&b);
    bind_buf_puts(&b, "netsh http add urlacl url=http://localhost:80/ ");
    bind_cmd_quote_put_tagged(&b, "user", text);
    assert_true(b.len * 2 < BIND_CMD_QUOTE_MAX_LINE);
    bind_buf_putc(&b, '\0');
    cmd_model_line L;
    cmd_model_parse(b.data, &hostile_env, &L);
    assert_int_equal(L.cmd[0].argc, 6);
    assert_string_equal(L.cmd[0].argv[5] + 5, text);
    cmd_model_free(&L);
    bind_buf_free(&b);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmd_quote_exact_forms),
        cmocka_unit_test(test_cmd_quote_refusals),
        cmocka_unit_test(test_cmd_quote_model_known_lines),
        cmocka_unit_test(test_cmd_quote_round_trip_property),
        cmocka_unit_test(test_cmd_quote_longest_value_fits_a_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
