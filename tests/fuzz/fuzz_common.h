/* fuzz_common.h — shared by the libFuzzer targets in tests/fuzz/.
 *
 * Most inputs worth fuzzing here are large (a Go binary is megabytes), and
 * random bytes never get past an ELF or pclntab header. So the binary
 * targets take a real file as a base and read the fuzz input as a list of
 * patches to it: libFuzzer mutates a few dozen bytes, the code under test
 * sees a whole, plausible, subtly broken file.
 */
#ifndef GPROBE_FUZZ_COMMON_H
#define GPROBE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_buf {
	uint8_t *data;
	size_t len;
};

/* Read a whole file; aborts with a message if it cannot (a setup error,
 * not a finding). */
struct fuzz_buf fuzz_read_file(const char *path);

/* $GPROBE_TESTPROGS/<rel> (malloc'ed), or NULL if the variable is unset;
 * an absolute `rel` is returned as it is. */
char *fuzz_testprog(const char *rel);

/* A region of the base a patch may be aimed at (a section, a header). */
struct fuzz_region {
	size_t off, len;
};

/* Apply the patch list in `in` to `dst` (a copy of the base, `len` bytes).
 * Each patch is: a region selector byte, a 32-bit little-endian offset
 * (taken modulo the region), a length byte, then that many bytes (cut at
 * the input's end). Returns the number of patches applied. */
size_t fuzz_apply_patches(uint8_t *dst, size_t len, const struct fuzz_region *regions,
			  size_t nregions, const uint8_t *in, size_t inlen);

/* An anonymous in-memory file holding `data`, and a path that opens it
 * (/proc/self/fd/N). Returns the fd; the path buffer needs 64 bytes. */
int fuzz_memfile(const void *data, size_t len, char *path, size_t pathlen);

/* Truncate and rewrite a memfile. */
void fuzz_memfile_set(int fd, const void *data, size_t len);

#endif
