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
 *
 * Each function also carries two bytes of its _func record that tell a
 * compiler-generated wrapper (go/defer wrappers, method and method-value
 * wrappers) from user code: funcID, whose wrapper value depends on the Go
 * version (gowrap.c has the table), and which FUNCDATA tables exist. The
 * byte offset of funcID in _func, per format:
 *   Go 1.2-1.15   36 (after entry uintptr and 7 int32s)
 *   Go 1.16-1.17  40 (cuOffset added)
 *   Go 1.18-1.19  36 (entry became a uint32 offset)
 *   Go 1.20+      40 (startLine added)
 * Funcdata follows the npcdata uint32 pcdata offsets: pointers (0: absent,
 * 8-aligned) before 1.18, uint32 offsets (~0: absent) since.
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
	uint8_t funcid;   /* _func.funcID: 0 normal, else a runtime special or the wrapper ID */
	uint8_t flag;     /* _func.flag (Go 1.17+; 0 before): TOPFRAME 1, SPWRITE 2, ASM 4 */
	uint8_t funcdata; /* bit i set: FUNCDATA table i present (i < 8) */
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

/* 1.18+ formats: move every entry to a new text start (the one the
 * binary's moduledata or symbols name, see gobin.c). */
void pclntab_rebase(struct pcln_table *t, uint64_t text_start);

void pclntab_free(struct pcln_table *t);

#endif
