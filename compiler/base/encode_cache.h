/* What an encoder (jansson, for the json target) wrote for a value, kept
 * for when the value comes back: a fleet's model says the same few values
 * on every binding (protocols, address kinds, addresses, certificates,
 * ports), and an encoder call costs far more than a copy.  The
 * encoder still writes every distinct value; the cache only repeats its
 * text.  (The iis target's attributes are mostly one-off names and paths:
 * there a cache would save nothing.)
 *
 * Direct-mapped by the value's bytes: a value that keeps coming back keeps
 * its slot, and a one-off value (a host name) costs one copy. */
#ifndef BIND_ENC_CACHE_H
#define BIND_ENC_CACHE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bind_enc_slot {
    char *key;               /* key_len bytes of value, then text_len of its encoding */
    size_t key_len, text_len, cap;
    bool full;
} bind_enc_slot;

#define BIND_ENC_SLOTS 512   /* a power of two */

typedef struct bind_enc_cache { bind_enc_slot slots[BIND_ENC_SLOTS]; } bind_enc_cache;

/* The slot for value (n bytes), and whether it holds value's encoding. */
bind_enc_slot *bind_enc_lookup(bind_enc_cache *c, const void *value, size_t n, bool *hit);
/* Makes the slot hold value's encoding, text (len bytes). */
void bind_enc_store(bind_enc_slot *s, const void *value, size_t n, const char *text, size_t len);
static inline const char *bind_enc_text(const bind_enc_slot *s) { return s->key + s->key_len; }
/* Frees what the slots hold (not c itself). */
void bind_enc_cache_fini(bind_enc_cache *c);

#endif
