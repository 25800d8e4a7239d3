/* objcache.h — compiled BPF objects kept between runs.
 *
 * Compiling the generated C is most of the time to attach (Clang at -O2
 * for every probe program). The same spec on the same binary generates
 * the same C, so the object is kept under a hash of everything that went
 * into it: the C, every embedded header, the Clang version and gprobe's.
 *
 * The directory is $GPROBE_CACHE_DIR, else $XDG_CACHE_HOME/gprobe, else
 * $HOME/.cache/gprobe; it must belong to the effective user and be closed
 * to others (a planted object would be loaded by root), else it is not
 * used. GPROBE_NO_CACHE=1 turns the cache off. Failures only ever mean a
 * miss: the cache never makes a compile fail.
 */
#ifndef GPROBE_OBJCACHE_H
#define GPROBE_OBJCACHE_H

#include <stddef.h>

/* The object for this C, if cached: 0 with a malloc'd copy, else -ENOENT. */
int objcache_get(const char *c_text, size_t len, void **obj, size_t *objlen);
/* Keep an object for this C (best effort, atomic rename). */
void objcache_put(const char *c_text, size_t len, const void *obj, size_t objlen);

#endif
