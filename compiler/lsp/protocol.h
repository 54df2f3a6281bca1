/* The LSP base protocol: `Content-Length` framing and JSON-RPC 2.0 messages.
 *
 * The reader is fed whatever bytes arrive and hands out one complete
 * message body at a time.  It never trusts the client: a header block
 * without a usable Content-Length, a header block that never ends, or a
 * body that turns out not to be JSON makes it search the stream for the
 * next `Content-Length:` and go on, so one broken message costs that
 * message and nothing else.  A Content-Length over the limit is never
 * believed whole: its body is skipped as it streams in, never held in
 * memory, but only as far as the next header (`Content-Length: N` and a
 * line break, which no JSON text holds), so a header that lies (2 GB,
 * 2^63) costs its own message at most, never the stream after it. */
#ifndef BIND_LSP_PROTO_H
#define BIND_LSP_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* JSON-RPC 2.0 and LSP error codes. */
enum {
    BIND_RPC_PARSE_ERROR = -32700,
    BIND_RPC_INVALID_REQUEST = -32600,
    BIND_RPC_METHOD_NOT_FOUND = -32601,
    BIND_RPC_INVALID_PARAMS = -32602,
    BIND_RPC_INTERNAL_ERROR = -32603,
    BIND_RPC_SERVER_NOT_INITIALIZED = -32002,
    BIND_RPC_REQUEST_FAILED = -32803,
};

/* What bind_lsp_reader_next found. */
enum bind_lsp_event {
    BIND_LSP_NEED_MORE,       /* feed more bytes */
    BIND_LSP_MESSAGE,         /* a complete body */
    BIND_LSP_FRAMING_ERROR,   /* reader->error says what; already resynchronising */
    BIND_LSP_TOO_LARGE,       /* a body over the limit was skipped; reader->peek holds its start
                                 (all of it when peek_whole), skip_cut says whether the next
                                 header came before the Content-Length ran out */
};

#define BIND_LSP_MAX_HEADER 8192         /* bytes in one header block */
#define BIND_LSP_PEEK 4096               /* bytes of a skipped body kept to find its id */

typedef struct bind_lsp_reader {
    char *buf;                /* unconsumed input is buf[pos, len) */
    size_t pos, len, cap;
    size_t max_message;
    int state;                /* private: headers, body, skip, resync */
    size_t body_start;        /* offset in buf of the current or last body */
    size_t body_len;
    size_t skip_len;          /* the Content-Length of the body being skipped */
    size_t skip_left;
    size_t skipped;           /* bytes of it skipped so far */
    char peek[BIND_LSP_PEEK];
    size_t peek_len;
    bool peek_whole;          /* peek holds every byte skipped */
    bool skip_cut;            /* the skip ended at the next header, before skip_left ran out */
    char error[200];          /* the last framing problem, for the log */
} bind_lsp_reader;

void bind_lsp_reader_init(bind_lsp_reader *r, size_t max_message);
void bind_lsp_reader_fini(bind_lsp_reader *r);
/* Appends input.  Invalidates a body returned before. */
void bind_lsp_reader_feed(bind_lsp_reader *r, const char *data, size_t n);
/* The next event; body and len are set for BIND_LSP_MESSAGE and stay valid
 * until the next feed. */
enum bind_lsp_event bind_lsp_reader_next(bind_lsp_reader *r, const char **body, size_t *len);
/* The last body was not what its header promised: search for the next
 * header from `offset` bytes into it (call before the next feed). */
void bind_lsp_reader_resync_in_body(bind_lsp_reader *r, size_t offset);
/* The input has stalled in the middle of a body: the bytes of the body so
 * far (a Content-Length that promised more than was sent).  For a body
 * over the limit, only while everything skipped of it fits in peek. */
bool bind_lsp_reader_partial(bind_lsp_reader *r, const char **body, size_t *len);
/* Gives up on the current partial body after `used` bytes of it were
 * handled, and searches for the next header from there. */
void bind_lsp_reader_abandon_body(bind_lsp_reader *r, size_t used);
/* True when the reader waits for the rest of a body (one being skipped too). */
bool bind_lsp_reader_in_body(const bind_lsp_reader *r);
/* Gives back the input buffer's memory when it is large and empty: one
 * big message must not keep its size for the rest of the session. */
void bind_lsp_reader_shrink(bind_lsp_reader *r);

/* The id of a request from the first bytes of its body (a body too large to
 * parse), or NULL.  Only the top-level "id" member counts. */
json_t *bind_lsp_peek_id(const char *body, size_t len);

/* Length of the valid UTF-8 sequence at s (n > 0 bytes there), or 0 when
 * the bytes are not valid UTF-8 (strict, as jansson is). */
size_t bind_lsp_utf8_len(const unsigned char *s, size_t n);

/* JSON text may hold a lone UTF-16 surrogate escape ("\ud83d" without its
 * pair: RFC 8259 allows it), which UTF-8 cannot, and jansson refuses the
 * whole text.  Each escape \uD800-\uDFFF inside a string that is not half
 * of a high-low pair is replaced by \uFFFD: the same length, so offsets
 * into the text keep their meaning, and the same one UTF-16 unit, so
 * positions after it do too.  Returns how many were replaced; *mended is
 * then a malloc'ed copy of the text (else NULL). */
size_t bind_lsp_mend_surrogates(const char *text, size_t n, char **mended);

/* A JSON string from bytes that may not be valid UTF-8: invalid sequences
 * become U+FFFD, so the message stays valid JSON. */
json_t *bind_lsp_json_string(const char *s, size_t n);
json_t *bind_lsp_json_cstr(const char *s);

/* Serialises msg with its header into out (compact, keys in insertion order). */
void bind_lsp_frame(bind_buf *out, const json_t *msg);

/* Messages. */
json_t *bind_lsp_response(json_t *id, json_t *result);                 /* steals result */
json_t *bind_lsp_error(json_t *id, int code, const char *message);      /* id may be NULL: null */
json_t *bind_lsp_notification(const char *method, json_t *params);      /* steals params */

#endif
