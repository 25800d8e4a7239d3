/* util.h — tiny shared containers and helpers used by every stage.
 *
 * Out-of-memory is not an error gprobe recovers from: the x* allocators
 * abort with a message, so callers never check them for NULL.
 */
#ifndef GPROBE_UTIL_H
#define GPROBE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow a dynamic array: VEC_PUSH(items, n, cap, value). */
#define VEC_GROW(arr, n, cap)                                               \
	do {                                                                \
		if ((n) >= (cap)) {                                         \
			(cap) = (cap) ? (cap) * 2 : 8;                      \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr)));    \
		}                                                           \
	} while (0)
#define VEC_PUSH(arr, n, cap, v)                                            \
	do {                                                                \
		VEC_GROW(arr, n, cap);                                      \
		(arr)[(n)++] = (v);                                         \
	} while (0)

/* A growable string buffer; always NUL-terminated once anything is added. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
char *sb_steal(struct strbuf *sb); /* returns buf ("" if empty), resets sb */
void sb_free(struct strbuf *sb);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t edit_distance(const char *a, const char *b);
/* Best candidate within a sensible distance of `name`, or NULL. */
const char *closest_name(const char *name, const char *const *cands, size_t n);

/* Read a whole file into memory; returns 0 or -errno. */
int read_file(const char *path, char **data, size_t *len);
/* Same, but -EFBIG once more than `max` bytes arrive (/dev/zero, a pipe
 * that never ends); the size of a regular file is checked before reading. */
int read_file_max(const char *path, size_t max, char **data, size_t *len);

#endif
