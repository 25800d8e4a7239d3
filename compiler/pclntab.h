/* pclntab.h — the function table of a Go binary's pclntab (.gopclntab).
 *
 * The pclntab survives `-ldflags=-s -w` and strip(1), so it is how gprobe
 * names the functions of a stripped binary. Only the function table is read
 * (name, entry, end); line and file tables are not needed.
 *
 * Formats, by header magic (little-endian, amd64):
 *   0xfffffffb  Go 1.2-1.15  absolute PCs, offsets from the table start
 *   0xfffffffa  Go 1.16-1.17 absolute PCs, sub-tables at header offsets
 *   0xfffffff0  Go 1.18-1.19 32-bit PCs relative to text start
 *   0xfffffff1  Go 1.20+     same layout as 1.18
 *
 * Every offset is bounds-checked: a corrupted table is an error, never a
 * crash. Function names point into the caller's buffer, which must outlive
 * the result.
 */
#ifndef GPROBE_PCLNTAB_H
#define GPROBE_PCLNTAB_H

#include <stddef.h>
#include <stdint.h>

#define PCLN_MAGIC_GO12  0xfffffffbu
#define PCLN_MAGIC_GO116 0xfffffffau
#define PCLN_MAGIC_GO118 0xfffffff0u
#define PCLN_MAGIC_GO120 0xfffffff1u

struct pcln_func {
	const char *name; /* NUL-terminated, inside the pclntab buffer */
	uint64_t entry;   /* virtual address of the first instruction */
	uint64_t end;     /* one past the last byte (the next function's entry) */
};

struct pcln_table {
	uint32_t magic;
	uint64_t text_start;    /* base of the 1.18+ relative PCs; 0 before */
	struct pcln_func *funcs; /* sorted by entry; xmalloc'd */
	size_t nfuncs;
};

/* True when `data` starts with a plausible amd64 pclntab header. */
int pclntab_looks_valid(const uint8_t *data, size_t len);

/* Parse the function table. `text_start` is the address of runtime.text
 * (the .text section start), used by the 1.18+ formats; pass 0 to use the
 * value stored in the header. Returns 0 or -EINVAL with *err set. */
int pclntab_parse(const uint8_t *data, size_t len, uint64_t text_start,
		  struct pcln_table *out, char **err);

void pclntab_free(struct pcln_table *t);

#endif
