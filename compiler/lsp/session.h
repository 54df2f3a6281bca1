/* The language server's state, shared by the files of lsp/ (not for other modules).
 *
 * dispatch.c        lifecycle, dispatch, capability negotiation
 * session.c         sending, logging, open documents, request parameters
 * units.c           units (a compilation rooted at an open document), their
 *                   diagnostics, and positions in LSP terms
 * features.c        definition, document symbols, code actions, formatting
 * hover.c           hover texts: bindings, sites, certificates, platforms, codes
 * completion.c      completion
 * The handlers call units.c and session.c, units.c calls session.c, and
 * only dispatch.c calls the handlers: no file calls one that calls it. */
#ifndef BIND_LSP_SESSION_H
#define BIND_LSP_SESSION_H

#include "check/compile.h"
#include "base/buf.h"
#include "lsp.h"
#include "open_documents.h"
#include "protocol.h"

/* A compilation rooted at one open document: that document, what it uses
 * (open buffers before the disk) and the stdlib, checked as one server. */
typedef struct bind_lsp_unit {
    bind_lsp_doc *root;
    bind_compilation *c;
    char **keys;              /* per source id: canonical path, NULL for the stdlib */
    char **uris;              /* per source id: URI, NULL for the stdlib */
    bind_lsp_lines *lines;    /* per source id, built on first use */
    json_t *diags;            /* URI -> array of LSP diagnostics */
} bind_lsp_unit;

enum { BIND_LSP_NEW, BIND_LSP_RUNNING, BIND_LSP_SHUT_DOWN, BIND_LSP_EXITED };

/* Every answer is bounded, whatever the document: a 4,000,000-symbol
 * buffer must not make a 4,000,000-symbol answer (gigabytes of JSON).
 * Lists inside a hover stop at a dozen entries and say how many more. */
#define BIND_LSP_MAX_SYMBOLS 10000            /* documentSymbol: the first ones, in document order */
#define BIND_LSP_MAX_COMPLETION 1000          /* completion items; more: isIncomplete */
#define BIND_LSP_MAX_HOVER ((size_t)64 << 10) /* bytes of hover text */
#define BIND_LSP_HOVER_LIST 12                /* entries of a list in a hover */

/* A capture named by bindc.stateFiles. */
typedef struct bind_lsp_state_file {
    char *path;               /* absolute when the workspace has a root, or given so */
    int err;                  /* what the last read gave (0 read, -1 not yet): a problem is logged once */
} bind_lsp_state_file;

struct bind_lsp_server {
    bind_lsp_options opt;
    bind_lsp_reader reader;
    int phase;
    int exit_code;
    enum bind_lsp_encoding enc;
    /* What the client said it supports (initialize). */
    bool related_info, diag_tags, hover_markdown, completion_markdown, hierarchical_symbols,
         code_action_literals, offset_encoding_ext;
    BIND_VEC(char *) folders;  /* the workspace's folders (paths): the project `use` may reach */
    BIND_VEC(bind_lsp_doc *) docs;
    BIND_VEC(bind_lsp_unit *) units;
    json_t *published;        /* URI -> the diagnostics last published */
    /* bindc.stateFiles (initializationOptions or workspace/didChangeConfiguration):
     * captures every unit reads as --state, paths made absolute from the
     * workspace's root. */
    BIND_VEC(bind_lsp_state_file) state_files;
    char *root_path;
    uint32_t next_order;
    bind_buf out;
};

/* session.c */
void bind_lsp_send(bind_lsp_server *s, json_t *msg);            /* steals msg */
/* Hover and completion texts are written in Markdown (user strings as code
 * spans built for their contents).  For a client that does not take
 * Markdown they go as plain text: code spans unwrapped, `**` dropped, a
 * `---` rule line left empty, nothing else changed. */
void bind_lsp_plain_text(bind_buf *out, const char *md, size_t n);
/* MarkupContent {kind, value} of a Markdown text, as the client takes it. */
json_t *bind_lsp_markup(bool markdown, const char *md, size_t n);
void bind_lsp_log(bind_lsp_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bind_lsp_doc *bind_lsp_find_doc(bind_lsp_server *s, const char *uri);

/* lsp/units.c */
enum bind_lsp_change { BIND_LSP_CHANGED, BIND_LSP_CLOSED, BIND_LSP_SAVED };
/* Re-checks what `doc` touches (NULL: everything), then publishes the
 * diagnostics that differ from what the client has. */
void bind_lsp_refresh(bind_lsp_server *s, bind_lsp_doc *doc, enum bind_lsp_change why);
void bind_lsp_units_free(bind_lsp_server *s);
/* Takes bindc.stateFiles from a settings object ({"bindc": {"stateFiles": [...]}}
 * or {"stateFiles": [...]}); true when it said something (then re-check).
 * A "bindc" section without stateFiles means none: the setting was
 * removed. */
bool bind_lsp_set_state_files(bind_lsp_server *s, json_t *settings);
/* Whether path (from a client's URI) names a capture of bindc.stateFiles,
 * however either is spelled (`./`, a symbolic link, a file now deleted). */
bool bind_lsp_is_state_file(bind_lsp_server *s, const char *path);
void bind_lsp_state_files_free(bind_lsp_server *s);
/* The unit that checks doc (the one rooted at it, else the oldest that
 * uses it) and the source id of doc in it; NULL when none. */
bind_lsp_unit *bind_lsp_unit_of(bind_lsp_server *s, const bind_lsp_doc *doc, uint32_t *file);
/* Whether unit u compiled the file with canonical path key; its source id. */
bool bind_lsp_unit_has(const bind_lsp_unit *u, const char *key, uint32_t *file);
/* The syntax tree of source `file` of unit u. */
const bind_ast_file *bind_lsp_unit_ast(const bind_lsp_unit *u, uint32_t file);
/* The syntax tree of doc in the unit that checks it (*u, *file), or NULL
 * when doc is NULL or no unit has it. */
const bind_ast_file *bind_lsp_doc_ast(bind_lsp_server *s, const bind_lsp_doc *doc, bind_lsp_unit **u, uint32_t *file);
/* LSP position and range of offsets / spans of unit u. */
bind_lsp_pos bind_lsp_unit_pos(bind_lsp_server *s, bind_lsp_unit *u, uint32_t file, uint32_t offset);
json_t *bind_lsp_range_json(bind_lsp_server *s, bind_lsp_unit *u, bind_span span);
/* {uri, range} of a span, or NULL when it lies in the stdlib. */
json_t *bind_lsp_location_json(bind_lsp_server *s, bind_lsp_unit *u, bind_span span);
/* A diagnostic as LSP JSON (as published); its texts are made in arena a
 * (a request's scratch arena, so that requests do not grow the unit's). */
json_t *bind_lsp_diag_json(bind_lsp_server *s, bind_lsp_unit *u, const bind_diag *d, bind_arena *a);
json_t *bind_lsp_pos_json(bind_lsp_pos p);

/* lsp/hover.c, lsp/completion.c, lsp/features.c: request handlers.  They
 * return the result (json null for "nothing here"), or NULL with *code and
 * *message set for an error response. */
typedef json_t *(*bind_lsp_handler)(bind_lsp_server *s, json_t *params, int *code, const char **message);
json_t *bind_lsp_hover(bind_lsp_server *s, json_t *params, int *code, const char **message);
json_t *bind_lsp_completion(bind_lsp_server *s, json_t *params, int *code, const char **message);
json_t *bind_lsp_definition(bind_lsp_server *s, json_t *params, int *code, const char **message);
json_t *bind_lsp_document_symbol(bind_lsp_server *s, json_t *params, int *code, const char **message);
json_t *bind_lsp_code_action(bind_lsp_server *s, json_t *params, int *code, const char **message);
json_t *bind_lsp_formatting(bind_lsp_server *s, json_t *params, int *code, const char **message);

/* session.c, shared by the handlers: the open document and the byte
 * offset named by TextDocumentPositionParams.  False (with *code set) when
 * params are malformed; *doc is NULL when the document is not open. */
const char *bind_lsp_doc_uri(json_t *params);      /* textDocument.uri, or NULL */
bool bind_lsp_document_params(bind_lsp_server *s, json_t *params, bind_lsp_doc **doc, int *code, const char **message);
bool bind_lsp_position_params(bind_lsp_server *s, json_t *params, bind_lsp_doc **doc, size_t *offset,
                              int *code, const char **message);
bool bind_lsp_parse_pos(json_t *j, bind_lsp_pos *p);

#endif
