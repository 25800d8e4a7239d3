/* godwarf_int.h — what godwarf.c (opening, the name index),
 * godwarf_type.c (DWARF types -> struct gtype) and godwarf_func.c
 * (functions, parameters, variables, locations) share beyond godwarf.h.
 * Not a public face: nothing outside compiler/godwarf*.c includes it. */
#ifndef GPROBE_GODWARF_INT_H
#define GPROBE_GODWARF_INT_H

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "godwarf.h"
#include "htab.h"

/* Go's own DWARF attributes (cmd/internal/dwarf). */
#define DW_AT_go_kind 0x2900
#define DW_AT_go_key 0x2901
#define DW_AT_go_elem 0x2902
#define DW_AT_go_embedded_field 0x2903

struct entry {
	const char *name; /* points into libdw's string section */
	Dwarf_Off off;
	int prio;         /* types: which of several same-named DIEs defines it */
	void *built;      /* struct dwfunc, struct gvar or struct gtype */
};

/* name -> entry, over an append-only vector. */
struct index {
	struct entry *v;
	size_t n, cap;
	struct strmap byname; /* name -> index in v */
	const char **names; /* for godwarf_*_names, built on demand */
};

struct godwarf {
	Elf *elf;
	bool own_elf;
	Dwarf *dbg;
	struct gtypes *ts;
	bool indexed;
	struct index funcs, vars, types;
	/* godwarf_type.c's: */
	struct u64map built; /* DIE offset -> struct gtype * built from it */
	struct gtype **pending; /* types built in the current lookup, to align */
	size_t npending, cappending;
};

/* ---- the name index (godwarf.c) --------------------------------------- */

/* Walk every compilation unit's top-level DIEs once, on the first lookup. */
void dw_build_index(struct godwarf *dw);
struct entry *dw_index_find(struct index *ix, const char *name);

static inline bool dw_attr_flag(Dwarf_Die *die, unsigned int name)
{
	Dwarf_Attribute a;
	bool b = false;

	if (dwarf_attr_integrate(die, name, &a))
		dwarf_formflag(&a, &b);
	return b;
}

/* ---- types (godwarf_type.c) ------------------------------------------- */

/* The type DW_AT_type of `die` names, complete (aligned and published);
 * NULL when absent. */
struct gtype *dw_die_type(struct godwarf *dw, Dwarf_Die *die);

/* ---- functions and variables (godwarf_func.c) ------------------------- */

/* Free the functions and variables built so far. */
void dw_free_funcs_vars(struct godwarf *dw);

#endif
