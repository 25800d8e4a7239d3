/* goabi.h — where a Go function's arguments and results live on amd64.
 *
 * Two ABIs: the register ABI ("ABIInternal", Go >= 1.17) and the stack ABI
 * ("ABI0", every Go function before 1.17). The algorithm is the one in
 * Go's src/cmd/compile/abi-internal.md; DWARF location lists are only used
 * by tests to confirm it.
 *
 * All stack offsets are relative to the stack pointer at function entry
 * (the return address is at 0(SP), so the first stack slot is at 8). At a
 * RET instruction the stack pointer has that same value again.
 */
#ifndef GPROBE_GOABI_H
#define GPROBE_GOABI_H

#include <stdbool.h>
#include <stdint.h>

#include "gotype.h"

#define GOABI_NINT 9   /* RAX RBX RCX RDI RSI R8 R9 R10 R11 */
#define GOABI_NFLOAT 15 /* X0..X14 */
#define GOABI_MAX_PIECES (GOABI_NINT + GOABI_NFLOAT)

/* Integer argument registers in ABI order: enum gp_goreg (GP_RAX ...), the
 * numbering the generated BPF C shares. */
#include "gprobe_record.h"

enum gloc_kind {
	GLOC_NONE,  /* zero-sized: nothing to read */
	GLOC_REGS,  /* split over pieces[], one register each */
	GLOC_STACK, /* whole value in memory at entry SP + sp_off */
};

/* One scalar part of a register-assigned value. */
struct gpiece {
	uint32_t voff;  /* byte offset of this part within the Go value's memory layout */
	uint32_t size;  /* bytes of the part (1, 2, 4, 8) */
	uint8_t reg;    /* enum gp_goreg, or float register number */
	bool is_float;  /* X0..X14: not readable from BPF */
};

struct gloc {
	enum gloc_kind kind;
	int64_t sp_off;
	uint32_t npieces;
	struct gpiece pieces[GOABI_MAX_PIECES];
};

/* Does this Go version pass arguments in registers (amd64)? */
bool goabi_is_regabi(int go_minor);

/* Assign a location to every parameter of f (f->nparams entries of locs).
 * Returns 0, or -EINVAL when a type is missing/invalid. */
int goabi_assign(const struct gfunc *f, bool regabi, struct gloc *locs);

/* Find the register piece holding the scalar at byte offset voff (size
 * bytes) of a register-assigned value; NULL if no single piece does. */
const struct gpiece *gloc_piece_at(const struct gloc *l, uint32_t voff, uint32_t size);

const char *goabi_reg_name(const struct gpiece *p); /* "RAX", "X3" */
/* Human-readable location: "RAX", "{RAX,RBX}", "stack+0x18". */
void gloc_format(const struct gloc *l, char *buf, size_t n);

#endif
