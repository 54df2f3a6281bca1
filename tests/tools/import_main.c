/* `bindc import` on its own, for the tests, until the command table of
 * compiler/driver/main.c names it: `bindc_import import FILE...` runs
 * exactly what `bindc import FILE...` will. */
#include <stdio.h>
#include <string.h>

int bind_cmd_import(int argc, char **argv);

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "import") == 0) return bind_cmd_import(argc - 2, argv + 2);
    fputs("usage: bindc_import import FILE... [-o OUT.bind] [--platform P]\n", stderr);
    return 2;
}
