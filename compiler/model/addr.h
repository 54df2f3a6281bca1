/* Addresses, ports and host names: the inner structure of binding words.
 *
 * The lexer sees `*:443:shop.example` or `[::1]:80:` as one word; this module
 * (with the re2c scanner grammar/binding.re) reads its parts, normalises them
 * (RFC 5952 IPv6, lower-case hosts) and reports errors at exact offsets
 * inside the word so the checker can point at the right column. */
#ifndef BIND_ADDR_H
#define BIND_ADDR_H

#include "base/arena.h"
#include "diag/diag.h"

enum bind_addr_kind {
    BIND_ADDR_NONE,   /* not given / not parsed */
    BIND_ADDR_ANY,    /* `*`: every address of both families */
    BIND_ADDR_ANY4,   /* 0.0.0.0 */
    BIND_ADDR_ANY6,   /* [::] */
    BIND_ADDR_V4,
    BIND_ADDR_V6,
};

typedef struct bind_addr {
    uint8_t kind;        /* enum bind_addr_kind */
    uint8_t bytes[16];   /* V4: bytes[0..3]; V6: all 16; zero otherwise */
} bind_addr;

/* An error found inside a word; offsets are relative to the word start. */
typedef struct bind_word_error {
    enum bind_code code;
    uint32_t off, len;
    const char *message;      /* arena */
    bool has_fix;             /* replace [fix_off, fix_off+fix_len) by fix */
    uint32_t fix_off, fix_len;
    const char *fix;          /* arena */
} bind_word_error;

#define BIND_WORD_MAX_ERRORS 8
typedef struct bind_word_errors {
    bind_word_error items[BIND_WORD_MAX_ERRORS];
    size_t len;
} bind_word_errors;

/* The three shapes of binding information (grammar/README.md §5.1). */
enum bind_info_form {
    BIND_FORM_IP_PORT_HOST,   /* http https ftp:   IP:PORT:HOST, HOST may be empty */
    BIND_FORM_PORT_HOST,      /* net.tcp:          PORT:HOST, HOST `*` for all */
    BIND_FORM_HOST,           /* net.pipe net.msmq msmq.formatname: HOST or `*` */
};

typedef struct bind_info {
    bind_addr addr;                 /* IP_PORT_HOST only */
    uint32_t addr_off, addr_len;
    uint16_t port;                  /* 0 when absent (HOST form) or invalid */
    uint32_t port_off, port_len;
    const char *host;               /* lower-case, arena; "" for none; "*" for all */
    uint32_t host_off, host_len;
    bool host_wildcard;             /* leading `*.` label */
} bind_info;

/* Parses binding information.  Returns true when there were no errors; on
 * errors, fields that could be read are still filled in. */
bool bind_info_parse(bind_arena *a, enum bind_info_form form, const char *word, size_t n,
                     bind_info *out, bind_word_errors *errs);

/* What bind_info_parse tries first: the IP:PORT:HOST almost every fleet is
 * made of (`*` or a dotted quad, a port, no host or an LDH host name with
 * perhaps a leading `*.`), read in one pass instead of field by field with
 * the error reporting ready.  False when the word is anything else, or
 * anything it is unsure of; where it reads a word, it reads what
 * bind_info_parse_full does (test_addr holds them to it).
 * bind_info_parse_full is the reading without this first try. */
bool bind_info_read_common(bind_arena *a, const char *word, size_t n, bind_info *out);
bool bind_info_parse_full(bind_arena *a, enum bind_info_form form, const char *word, size_t n,
                          bind_info *out, bind_word_errors *errs);

/* Host name rules (grammar/README.md §5.4): labels 1-63 of [a-z0-9-], no leading or
 * trailing `-`, total <= 253; upper case is accepted and lowered; a leading
 * `*.` label is a wildcard (reported as E0106 only when not left-most or
 * not a whole label, e.g. `shop.*.example`, `*shop.example`); non-ASCII is
 * E0105 with the punycode form as fix-it.  *lower gets the normalised name. */
bool bind_host_parse(bind_arena *a, const char *s, size_t n, const char **lower,
                     bool *wildcard, bind_word_errors *errs);

/* An address as `iplisten` takes it: IPv4, IPv6 with or without brackets,
 * 0.0.0.0 and :: / [::] (the any-addresses of each family). */
bool bind_addr_parse(bind_arena *a, const char *s, size_t n, bind_addr *out, bind_word_errors *errs);

/* Formats an address: `*`, `0.0.0.0`, `10.0.0.1`, IPv6 in RFC 5952 form with
 * brackets when `brackets` (`[::]`, `[2001:db8::1]`).  buf must hold 48
 * bytes.  Returns the length. */
size_t bind_addr_format(const bind_addr *addr, char *buf, bool brackets);

bool bind_addr_equal(const bind_addr *a, const bind_addr *b);
/* `*`, 0.0.0.0 or [::]: by kind alone, for callers that keep the kind
 * beside a binding (the routers' sort items). */
static inline bool bind_addr_kind_is_any_tier(uint8_t kind)
{
    return kind == BIND_ADDR_ANY || kind == BIND_ADDR_ANY4 || kind == BIND_ADDR_ANY6;
}
bool bind_addr_is_any_tier(const bind_addr *a);
/* Socket overlap: `*` overlaps everything; 0.0.0.0 every IPv4 address (and
 * `*`); [::] every IPv6 address (and `*`); exact addresses only themselves. */
bool bind_addr_overlaps(const bind_addr *a, const bind_addr *b);
/* Whether a binding address accepts a request on local address `local`
 * (an exact V4 or V6 address). */
bool bind_addr_contains(const bind_addr *binding, const bind_addr *local);
uint64_t bind_addr_hash(const bind_addr *a, uint64_t h);

/* IDNA: the ASCII (punycode, RFC 3492) form of a UTF-8 host name, label by
 * label, lower-cased (`bücher.example` -> `xn--bcher-kva.example`).  NULL
 * when the input is not valid UTF-8. */
const char *bind_host_to_ascii(bind_arena *a, const char *s, size_t n);

/* Decimal port 1-65535 with no sign and no leading zero. */
bool bind_port_parse(const char *s, size_t n, uint16_t *out);

#endif
