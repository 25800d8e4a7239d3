/* htab.c — see htab.h. */
#include "htab.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define HTAB_MIN_CAP 64

static uint64_t hash_key(uint64_t key, bool str)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	if (str) {
		for (const char *s = (const char *)(uintptr_t)key; *s; s++)
			h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
		return h;
	}
	/* MurmurHash3's finalizer: addresses and offsets share their low
	 * bits, which the mask would otherwise keep. */
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return key;
}

static bool same_key(uint64_t a, uint64_t b, bool str)
{
	return a == b ||
	       (str && strcmp((const char *)(uintptr_t)a, (const char *)(uintptr_t)b) == 0);
}

/* The slot holding key, or the empty slot where it would go. */
static struct htab_slot *slot_of(const struct htab *h, uint64_t key, bool str)
{
	size_t mask = h->cap - 1, s = hash_key(key, str) & mask;

	while (h->slots[s].key && !same_key(h->slots[s].key, key, str))
		s = (s + 1) & mask;
	return &h->slots[s];
}

static bool get(const struct htab *h, uint64_t key, bool str, size_t *val)
{
	const struct htab_slot *s;

	if (!key) {
		if (h->has_zero && val)
			*val = h->zero_val;
		return h->has_zero;
	}
	if (!h->cap)
		return false;
	s = slot_of(h, key, str);
	if (!s->key)
		return false;
	if (val)
		*val = s->val;
	return true;
}

static size_t *put(struct htab *h, uint64_t key, bool str, bool *added)
{
	struct htab_slot *s;

	if (!key) {
		if (added)
			*added = !h->has_zero;
		if (!h->has_zero)
			h->zero_val = 0;
		h->has_zero = true;
		return &h->zero_val;
	}
	if ((h->n + 1) * 2 > h->cap) {
		struct htab old = *h;
		h->cap = old.cap ? old.cap * 2 : HTAB_MIN_CAP;
		h->slots = xcalloc(h->cap, sizeof(*h->slots));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				*slot_of(h, old.slots[i].key, str) = old.slots[i];
		free(old.slots);
	}
	s = slot_of(h, key, str);
	if (added)
		*added = !s->key;
	if (!s->key) {
		s->key = key;
		s->val = 0;
		h->n++;
	}
	return &s->val;
}

static void htab_free(struct htab *h)
{
	free(h->slots);
	memset(h, 0, sizeof(*h));
}

bool strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	return get(&m->h, (uintptr_t)key, true, val);
}

size_t *strmap_put(struct strmap *m, const char *key, bool *added)
{
	return put(&m->h, (uintptr_t)key, true, added);
}

void strmap_free(struct strmap *m)
{
	htab_free(&m->h);
}

bool u64map_get(const struct u64map *m, uint64_t key, size_t *val)
{
	return get(&m->h, key, false, val);
}

size_t *u64map_put(struct u64map *m, uint64_t key, bool *added)
{
	return put(&m->h, key, false, added);
}

void u64map_free(struct u64map *m)
{
	htab_free(&m->h);
}
