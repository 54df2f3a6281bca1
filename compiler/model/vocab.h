/* The words of the .bind language — statements, blocks and their fields,
 * binding options, protocols, servers, certificate stores — each with a
 * line of documentation.  One table for everyone: the checker reads which
 * names a block knows and which take a list, the language server offers
 * and explains the same words, the model names protocols and servers from
 * it.  A word added here is known everywhere at once. */
#ifndef BIND_VOCAB_H
#define BIND_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a word is written. */
enum bind_block {
    BIND_BLOCK_TOP,          /* statements of a file */
    BIND_BLOCK_SITE,
    BIND_BLOCK_CERT,
    BIND_BLOCK_DEFAULTS,
    BIND_BLOCK_PLATFORM,
    BIND_BLOCK_APP,
    BIND_BLOCK_OTHER,        /* a block an editor cannot name (mid-edit) */
};

/* What a field or option takes. */
enum bind_value_kind {
    BIND_VALUE_NONE,         /* an option without `=` */
    BIND_VALUE_TEXT,         /* text that reaches an output: a path, a name */
    BIND_VALUE_BOOL,         /* on | off */
    BIND_VALUE_OFF,          /* an option that is only ever `=off` */
    BIND_VALUE_ID,           /* a whole number */
    BIND_VALUE_POOL,         /* an application pool's name */
    BIND_VALUE_STORE,        /* a certificate store */
    BIND_VALUE_SERVER,       /* a server kind */
    BIND_VALUE_GUID,         /* {…} */
    BIND_VALUE_HOSTS,        /* host names */
    BIND_VALUE_PORTS,        /* ports and ranges A..B */
    BIND_VALUE_CERT,         /* a declared certificate's name (or, for cert=, a thumbprint) */
    BIND_VALUE_THUMBPRINT,   /* 40 hex digits */
    BIND_VALUE_URL,          /* http:// or https:// */
};

typedef struct bind_word {
    const char *name;
    const char *doc;         /* one or two sentences, markdown-safe */
    uint8_t value;           /* enum bind_value_kind */
    bool list;               /* a field that takes a comma-separated list */
} bind_word;

/* The fields of each block, in the order of its table. */
enum { BIND_FIELD_SITE_ID, BIND_FIELD_SITE_PATH, BIND_FIELD_SITE_POOL, BIND_FIELD_SITE_SERVER, BIND_FIELD_SITE_ROOT,
       BIND_FIELD_SITE_PROXY, BIND_FIELD_SITE_AUTOSTART, BIND_FIELD_SITE_COUNT };
enum { BIND_FIELD_CERT_THUMBPRINT, BIND_FIELD_CERT_STORE, BIND_FIELD_CERT_NAMES, BIND_FIELD_CERT_PEM,
       BIND_FIELD_CERT_KEY, BIND_FIELD_CERT_APPID, BIND_FIELD_CERT_FRIENDLY_NAME, BIND_FIELD_CERT_COUNT };
enum { BIND_FIELD_DEFAULTS_ACL, BIND_FIELD_DEFAULTS_STORE, BIND_FIELD_DEFAULTS_APPID, BIND_FIELD_DEFAULTS_POOL,
       BIND_FIELD_DEFAULTS_COUNT };
enum { BIND_FIELD_PLATFORM_SNI, BIND_FIELD_PLATFORM_CCS, BIND_FIELD_PLATFORM_WILDCARD_HOSTS,
       BIND_FIELD_PLATFORM_SSL_FLAGS_EXT, BIND_FIELD_PLATFORM_SSL_PORTS, BIND_FIELD_PLATFORM_FREE_PORTS,
       BIND_FIELD_PLATFORM_LOCAL_HOSTS, BIND_FIELD_PLATFORM_DEFAULT_CERT, BIND_FIELD_PLATFORM_COUNT };
enum { BIND_FIELD_APP_PATH, BIND_FIELD_APP_POOL, BIND_FIELD_APP_COUNT };

/* The options of a binding, in the order of their table. */
enum bind_option_kind {
    BIND_OPTION_CERT, BIND_OPTION_SNI, BIND_OPTION_CCS, BIND_OPTION_ACL, BIND_OPTION_FIREWALL,
    BIND_OPTION_HTTP2, BIND_OPTION_QUIC, BIND_OPTION_TLS13, BIND_OPTION_LEGACY_TLS, BIND_OPTION_OCSP,
    BIND_OPTION_COUNT
};

typedef struct bind_option_word {
    bind_word word;
    bool needs_value;        /* written `name=value`, never alone */
    bool tls;                /* only on https bindings */
    uint8_t off_bit;         /* the sslFlags bit `name=off` sets (BIND_SSL_NO_*), or 0 */
} bind_option_word;

/* Indexed by enum bind_option_kind. */
extern const bind_option_word bind_options[BIND_OPTION_COUNT];

const bind_word *bind_vocab_keywords(size_t *n);
/* Indexed by enum bind_protocol, enum bind_server. */
const bind_word *bind_vocab_protocols(size_t *n);
const bind_word *bind_vocab_servers(size_t *n);
const bind_word *bind_vocab_stores(size_t *n);
const bind_option_word *bind_vocab_options(size_t *n);
/* Fields of a block (none for TOP and OTHER), indexed by its BIND_FIELD_ enum. */
const bind_word *bind_vocab_fields(enum bind_block b, size_t *n);
/* The word of this name in a list, or NULL. */
const bind_word *bind_word_find(const bind_word *list, size_t n, const char *name, size_t len);
/* The option of this name, or NULL. */
const bind_option_word *bind_option_find(const char *name, size_t len);
const char *bind_block_name(enum bind_block b);   /* "a site block" */

#endif
