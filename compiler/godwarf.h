/* godwarf.h — the DWARF reader for Go binaries: functions, types and
 * package variables as the gotype.h model, read with libdw.
 *
 * Opening is cheap. The first lookup walks the top-level DIEs of every
 * compilation unit once and records name -> DIE offset for functions,
 * variables and types; a type, function or variable is built from its DIE
 * only when asked for. Both compressed forms Go uses are read: SHF_COMPRESSED
 * sections (Go >= 1.16 style) and the old GNU `.zdebug_*` sections.
 *
 * Lifetimes: types live in the caller's `struct gtypes` arena (and are also
 * registered there by name, so gtypes_find() sees every type built here);
 * names returned by this module are interned in that arena too. The gfunc and
 * gvar structs themselves, and the name arrays, are owned by the reader and
 * stay valid until godwarf_close().
 */
#ifndef GPROBE_GODWARF_H
#define GPROBE_GODWARF_H

#include <stddef.h>
#include <stdint.h>

#include <libelf.h>

#include "gotype.h"

struct godwarf;

/* Open the DWARF of an ELF file already open as `fd` (the fd must stay open
 * until godwarf_close). Returns 0, or -errno with *err set to a message such
 * as "no DWARF debug info (the binary was stripped)". */
int godwarf_open(int fd, struct gtypes *ts, struct godwarf **out, char **err);
/* Same, from an Elf handle the caller owns (not ended by godwarf_close). */
int godwarf_open_elf(Elf *elf, struct gtypes *ts, struct godwarf **out, char **err);
void godwarf_close(struct godwarf *dw);

/* A function by its Go symbol name ("main.(*T).M", "runtime.gcStart",
 * "net/http.(*conn).serve"), or NULL. Only functions with code are found
 * (abstract inline-only entries are not); their parameters come from the
 * abstract origin when the concrete DIE refers to one. */
const struct gfunc *godwarf_func(struct godwarf *dw, const char *name);

/* A type by its DWARF/Go name ("runtime.g", "*runtime.g", "[]int", "main.T",
 * "map[string]int", "error"), or NULL. "*X" is synthesised when the binary
 * has X but never used a pointer to it. */
struct gtype *godwarf_type(struct godwarf *dw, const char *name);

/* A package variable ("runtime.gcController", "main.Global"), or NULL. */
const struct gvar *godwarf_var(struct godwarf *dw, const char *name);

/* All names of each index, for listings and "did you mean". The array is
 * owned by the reader; returns the count. */
size_t godwarf_func_names(struct godwarf *dw, const char *const **names);
size_t godwarf_var_names(struct godwarf *dw, const char *const **names);
size_t godwarf_type_names(struct godwarf *dw, const char *const **names);

/* Where one parameter lives at `pc`, as DWARF says: the pieces of its
 * location expression. DWARF register numbers for amd64: 0 rax, 1 rdx,
 * 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8..15 r8..r15, 17..32 xmm0..15.
 * DWLOC_CFA is DW_OP_call_frame_cfa plus `off`; DWLOC_FBREG is DW_OP_fbreg
 * `off` (Go's frame base is the CFA); DWLOC_NONE is a piece that is
 * optimised out; DWLOC_OTHER an expression this reader does not model. */
enum dwloc_kind { DWLOC_NONE, DWLOC_REG, DWLOC_CFA, DWLOC_FBREG, DWLOC_OTHER };

struct dwloc_piece {
	enum dwloc_kind kind;
	int dwreg;        /* DWLOC_REG */
	int64_t off;      /* DWLOC_CFA, DWLOC_FBREG */
	uint32_t size;    /* bytes of the value this piece holds; 0 = whole */
};

/* Fills *pieces (malloc'ed, free() it) and *n. Returns 0 with *n == 0 when
 * DWARF has no location for the parameter at pc, -EINVAL for a bad index or
 * a function not from this reader, -EIO when the location can't be read. */
int godwarf_param_loc(struct godwarf *dw, const struct gfunc *f, uint32_t param_index,
		      uint64_t pc, struct dwloc_piece **pieces, size_t *n);

#endif
