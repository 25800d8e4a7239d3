/* htab.h — the hash map of gprobe: open addressing with linear probing,
 * kept at most half full, from a string (FNV-1a) or a 64-bit integer to a
 * size_t — an index into the caller's array, most often, or a count.
 *
 * A string map borrows its keys: each must stay unchanged and alive as long
 * as the map (the name inside the element it indexes, typically). Maps
 * start zeroed ({0}) and are freed with *_free; nothing is ever removed.
 */
#ifndef GPROBE_HTAB_H
#define GPROBE_HTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One table for both kinds of key: a string key is stored as its pointer. */
struct htab {
	struct htab_slot {
		uint64_t key; /* 0: empty (integer key 0 lives in zero_val) */
		size_t val;
	} *slots;
	size_t n, cap; /* cap: 0 or a power of two */
	bool has_zero;
	size_t zero_val;
};

struct strmap {
	struct htab h;
};

/* Whether key is in m; if so and val is not NULL, its value in *val. */
bool strmap_get(const struct strmap *m, const char *key, size_t *val);
/* The value of key, added (as 0) if absent; *added (when not NULL) says
 * which. The pointer is good until the next put. */
size_t *strmap_put(struct strmap *m, const char *key, bool *added);
void strmap_free(struct strmap *m);

struct u64map {
	struct htab h;
};

bool u64map_get(const struct u64map *m, uint64_t key, size_t *val);
size_t *u64map_put(struct u64map *m, uint64_t key, bool *added);
void u64map_free(struct u64map *m);

#endif
