/* The encoders' cache (base/encode_cache.h). */
#include "encode_cache.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>

bind_enc_slot *bind_enc_lookup(bind_enc_cache *c, const void *value, size_t n, bool *hit)
{
    bind_enc_slot *s = &c->slots[bind_hash_bytes(value, n, BIND_HASH_SEED) & (BIND_ENC_SLOTS - 1)];
    *hit = s->full && s->key_len == n && memcmp(s->key, value, n) == 0;
    return s;
}

void bind_enc_store(bind_enc_slot *s, const void *value, size_t n, const char *text, size_t len)
{
    if (n + len > s->cap) {
        s->cap = 2 * (n + len);
        free(s->key);
        s->key = bind_xmalloc(s->cap);
    }
    memcpy(s->key, value, n);
    memcpy(s->key + n, text, len);
    s->key_len = n;
    s->text_len = len;
    s->full = true;
}

void bind_enc_cache_fini(bind_enc_cache *c)
{
    for (size_t i = 0; i < BIND_ENC_SLOTS; i++) free(c->slots[i].key);
}
