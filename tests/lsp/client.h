/* A language-server client for tests: it starts a real server process and
 * talks LSP to it over pipes (Content-Length framing, JSON-RPC 2.0).
 *
 * Writing never waits for the server to be read: while a message goes out,
 * whatever the server sends is read and handed to the callback, so neither
 * side can fill its pipe and block the other.  Every failure (the server
 * died, closed a pipe, sent bytes that are not a framed JSON object, went
 * silent for the hang guard) ends the test with a message: a client that
 * cannot talk to its server has nothing left to check. */
#ifndef BIND_TEST_LSP_CLIENT_H
#define BIND_TEST_LSP_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct lsp_client lsp_client;

/* Called for each message the server sends; msg is borrowed.  It must not
 * send: it records what came, and the caller acts on it after the send or
 * pump that read it returns. */
typedef void (*lsp_on_message)(void *ctx, json_t *msg);

/* Starts `argv[0] argv[1] ...` with its stdin and stdout on pipes (stderr
 * is inherited) and `env_extra` ("NAME=value" or NULL) added to its
 * environment. */
lsp_client *lsp_client_start(char *const argv[], const char *env_extra, lsp_on_message cb, void *ctx);

/* Frames and sends msg (stolen), reading what comes meanwhile. */
void lsp_client_send(lsp_client *c, json_t *msg);

/* Reads and dispatches what the server has sent, waiting for bytes when
 * none are there (up to the hang guard).  Call it in a loop until what
 * you wait for has come. */
void lsp_client_pump(lsp_client *c);

pid_t lsp_client_pid(const lsp_client *c);

/* Fails the test when the server process has ended. */
void lsp_client_assert_alive(const lsp_client *c);

/* Closes the server's input, reads to the end of its output (dispatching
 * what comes) and returns its wait status; frees c. */
int lsp_client_finish(lsp_client *c);

/* Ends the test: prints the message and exits 1. */
void lsp_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
