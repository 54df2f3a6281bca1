/* The language server: `bindc lsp` (LSP 3.17 over a byte stream).
 *
 * The server is a library object with no globals: the stdio front end
 * (driver/cmd_lsp.c) feeds it the bytes it reads and writes the framed
 * messages it is handed; the tests drive it the same way in-process.
 * Diagnostics come from the one engine (bind_compilation_check), checked
 * again after every change: files that `use` each other are checked as one
 * server, with open editor buffers read before the disk. */
#ifndef BIND_LSP_H
#define BIND_LSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "check/compile.h"

typedef struct bind_lsp_server bind_lsp_server;

/* Receives one framed message (header and body) at a time. */
typedef void (*bind_lsp_send_fn)(void *ctx, const char *data, size_t len);

typedef struct bind_lsp_options {
    bind_lsp_send_fn send;
    void *send_ctx;
    FILE *log;              /* where problems are logged (stderr), or NULL */
    const char *version;    /* serverInfo.version */
    size_t max_message;     /* bytes in one message body; 0 means BIND_LSP_MAX_MESSAGE */
    /* Reads the captures of a machine's HTTP.sys that the workspace
     * settings name (`bindc.stateFiles`): import/state.h's bind_state_read,
     * which the front end passes (the server cannot read captures itself).
     * NULL: the setting is ignored. */
    bind_state_reader_fn state_reader;
} bind_lsp_options;

/* A message may carry a document as large as `bindc check` reads. */
#define BIND_LSP_MAX_MESSAGE (64u << 20)

bind_lsp_server *bind_lsp_server_new(const bind_lsp_options *o);
void bind_lsp_server_free(bind_lsp_server *s);

/* Bytes from the client, in any chunks.  Returns false once `exit` came. */
bool bind_lsp_server_feed(bind_lsp_server *s, const char *data, size_t n);
/* The input has paused in the middle of a body: when the body so far is a
 * complete JSON message (its Content-Length promised too much), handle it. */
void bind_lsp_server_stalled(bind_lsp_server *s);
/* True while the reader waits for the rest of a message body. */
bool bind_lsp_server_in_body(const bind_lsp_server *s);
/* Handles one parsed message.  Returns false once `exit` came. */
bool bind_lsp_server_handle(bind_lsp_server *s, json_t *msg);
/* The process exit code: 0 after `shutdown` then `exit`, else 1. */
int bind_lsp_server_exit_code(const bind_lsp_server *s);

#endif
