/* htab.c — see htab.h. */
#include "htab.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define HTAB_MIN_CAP 64

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return h;
}

/* A 64-bit finalizer (MurmurHash3's): addresses and offsets share their
 * low bits, which the mask would otherwise keep. */
static uint64_t hash_u64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

/* ---- strings ---- */

static struct strmap_slot *str_slot(const struct strmap *m, const char *key)
{
	size_t mask = m->cap - 1, s = hash_str(key) & mask;

	while (m->slots[s].key && strcmp(m->slots[s].key, key) != 0)
		s = (s + 1) & mask;
	return &m->slots[s];
}

bool strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	const struct strmap_slot *s;

	if (!m->cap)
		return false;
	s = str_slot(m, key);
	if (!s->key)
		return false;
	if (val)
		*val = s->val;
	return true;
}

size_t *strmap_put(struct strmap *m, const char *key, bool *added)
{
	struct strmap_slot *s;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap old = *m;
		m->cap = old.cap ? old.cap * 2 : HTAB_MIN_CAP;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				*str_slot(m, old.slots[i].key) = old.slots[i];
		free(old.slots);
	}
	s = str_slot(m, key);
	if (added)
		*added = !s->key;
	if (!s->key) {
		s->key = key;
		s->val = 0;
		m->n++;
	}
	return &s->val;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- 64-bit integers ---- */

static struct u64map_slot *u64_slot(const struct u64map *m, uint64_t key)
{
	size_t mask = m->cap - 1, s = hash_u64(key) & mask;

	while (m->slots[s].key && m->slots[s].key != key)
		s = (s + 1) & mask;
	return &m->slots[s];
}

bool u64map_get(const struct u64map *m, uint64_t key, size_t *val)
{
	const struct u64map_slot *s;

	if (!key) {
		if (m->has_zero && val)
			*val = m->zero_val;
		return m->has_zero;
	}
	if (!m->cap)
		return false;
	s = u64_slot(m, key);
	if (!s->key)
		return false;
	if (val)
		*val = s->val;
	return true;
}

size_t *u64map_put(struct u64map *m, uint64_t key, bool *added)
{
	struct u64map_slot *s;

	if (!key) {
		if (added)
			*added = !m->has_zero;
		if (!m->has_zero)
			m->zero_val = 0;
		m->has_zero = true;
		return &m->zero_val;
	}
	if ((m->n + 1) * 2 > m->cap) {
		struct u64map old = *m;
		m->cap = old.cap ? old.cap * 2 : HTAB_MIN_CAP;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				*u64_slot(m, old.slots[i].key) = old.slots[i];
		free(old.slots);
	}
	s = u64_slot(m, key);
	if (added)
		*added = !s->key;
	if (!s->key) {
		s->key = key;
		s->val = 0;
		m->n++;
	}
	return &s->val;
}

void u64map_free(struct u64map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
