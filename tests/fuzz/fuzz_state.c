/* libFuzzer harness: bytes -> --state (import/state.c: the parts of a file
 * of captures, each read by its reader, excludedportrange's included),
 * then what uses a machine state: the checks against a .bind of every
 * kind of binding (check/state_checks.c), the machine router over a few
 * requests (runtime/route_state.c) and the HTTP.sys plan that leaves out
 * what the machine has (backend/http_sys_plan.c).  Every input must give
 * diagnostics, never a crash, a hang or a sanitizer report.  Inputs that
 * start with 'U' are also read as UTF-16 with a mark (PowerShell's `>`). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/http_sys_plan.h"
#include "check/compile.h"
#include "import/state.h"
#include "runtime/route_state.h"

static const char bind_text[] =
    "platform iis-express\n"
    "defaults {\n    acl = 'DEVBOX\\alice'\n}\n"
    "cert shop {\n    thumbprint = 3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\n}\n"
    "site Dev {\n"
    "    http  *:80:localhost\n"
    "    http  *:50123:\n"
    "    https *:443:localhost       cert=shop\n"
    "    https *:44301:localhost\n"
    "    https *:8443:shop.example   cert=shop sni\n"
    "    http  10.0.0.5:8080:\n"
    "}\n"
    "site Proxy {\n    server = nginx\n    root   = \"/srv\"\n    http 0.0.0.0:80:proxy.example\n}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int form = 0; form < (size && data[0] == 'U' ? 2 : 1); form++) {
        size_t len = form ? size * 2 + 2 : size;
        char *raw = malloc(len + 1);
        if (!raw) abort();
        if (form) {
            raw[0] = (char)0xFF;
            raw[1] = (char)0xFE;
            for (size_t i = 0; i < size; i++) { raw[2 + 2 * i] = (char)data[i]; raw[3 + 2 * i] = 0; }
        } else if (size) {
            memcpy(raw, data, size);
        }
        raw[len] = '\0';
        bind_compilation *c = bind_compilation_new();
        bind_compilation_add_text(c, "fuzz.bind", bind_text, sizeof bind_text - 1);
        c->state = bind_machine_state_new(c->arena);
        bind_state_read(c->state, &c->sources, &c->diags, "fuzz.txt", NULL, raw, len);
        bind_compilation_check(c);
        if (c->model) {
            bind_route_machine *rm = bind_route_machine_new(c->model, c->state);
            static const char *const hosts[] = { "localhost", "shop.example", "x.example", NULL };
            static const uint16_t ports[] = { 80, 443, 8080, 50123, 44301 };
            bind_arena *a = bind_arena_new();
            for (size_t h = 0; h < 4; h++)
                for (size_t p = 0; p < sizeof ports / sizeof ports[0]; p++) {
                    bind_route_request rq = { p == 1 || p == 4 ? BIND_PROTO_HTTPS : BIND_PROTO_HTTP, { 0 }, ports[p], hosts[h] };
                    rq.local.kind = BIND_ADDR_V4;
                    rq.local.bytes[0] = 10, rq.local.bytes[3] = (uint8_t)(h + 4);
                    bind_route_machine_answer ans;
                    bind_route_machine_resolve(rm, &rq, h ? "/vroot/x" : "/", a, &ans);
                }
            bind_arena_free(a);
            bind_route_machine_free(rm);
            bind_buf report;
            bind_buf_init(&report);
            bind_emit_ctx cx = { .arena = c->arena, .diags = &c->diags, .state = c->state, .report = &report };
            bind_http_sys_plan plan;
            if (bind_http_sys_plan_build(c->model, &cx, &plan)) {
                const char **lines;
                bind_http_sys_kept_lines(&plan, &c->sources, &cx, form, "netsh.cmd", &lines);
            }
            bind_buf_free(&report);
        }
        FILE *sink = fopen("/dev/null", "w");
        if (sink) {
            bind_render_opts o = { .color = false, .werror = false };
            bind_diag_render_all(sink, &c->sources, &c->diags, form, o);
            fclose(sink);
        }
        bind_compilation_free(c);
    }
    return 0;
}
