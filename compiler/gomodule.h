/* gomodule.h — the Go runtime's moduledata of an executable.
 *
 * Every Go binary, stripped or not, PIE or not, internally or externally
 * linked, holds one `runtime.firstmoduledata`: the table the runtime itself
 * uses to find its code, its pclntab and its type descriptors. It is found
 * without symbols as the 8-aligned data word that points at the pclntab (its
 * first field), and believed only once its code range agrees with the
 * pclntab's function table. Its layout changes with the Go version (see
 * runtime/symtab.go of each toolchain); every pointer is read through
 * gobin_read_word so that a PIE's relocations give link-time addresses.
 */
#ifndef GPROBE_GOMODULE_H
#define GPROBE_GOMODULE_H

#include <stdint.h>

struct gobin;

struct gomodule {
	uint64_t addr;          /* of the moduledata itself */
	uint64_t minpc, maxpc;  /* the pclntab's code range */
	uint64_t text, etext;   /* runtime.text, runtime.etext */
	uint64_t types, etypes; /* type descriptors; nameOff/typeOff are relative to types */
	/* Go <= 1.26: []int32 offsets (from types) of the reflectable types,
	 * and []*itab of the compiled-in itabs. */
	uint64_t typelinks, ntypelinks;
	uint64_t itablinks, nitablinks;
	/* Go >= 1.27: the typelink descriptors are laid out one after another
	 * in [types+8, types+typedesclen), the itabs in
	 * [types+itaboffset, +itabsize). */
	uint64_t typedesclen, itaboffset, itabsize;
	int layout;             /* the Go minor version whose layout decoded it */
};

/* Find and decode the moduledata. 0, or -errno with *err (malloc'd) saying
 * why (no candidate word, or none consistent with the pclntab). */
int gomodule_find(const struct gobin *b, struct gomodule *m, char **err);

#endif
