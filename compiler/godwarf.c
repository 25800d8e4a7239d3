/* godwarf.c — opening a Go binary's DWARF and the name index over it
 * (godwarf.h). Types are built in godwarf_type.c; functions, parameters,
 * variables and locations in godwarf_func.c. */
#include "godwarf.h"

#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "godwarf_int.h"
#include "util.h"

/* ---- the index vector ------------------------------------------------- */

struct entry *dw_index_find(struct index *ix, const char *name)
{
	size_t i;

	return strmap_get(&ix->byname, name, &i) ? &ix->v[i] : NULL;
}

/* Add or, when `prio` beats the existing entry's, replace. */
static void index_add(struct index *ix, const char *name, Dwarf_Off off, int prio)
{
	bool added;
	size_t *i = strmap_put(&ix->byname, name, &added);
	struct entry *e;

	if (added) {
		*i = ix->n;
		VEC_PUSH(ix->v, ix->n, ix->cap, ((struct entry){name, off, prio, NULL}));
		return;
	}
	e = &ix->v[*i];
	if (prio > e->prio) {
		e->off = off;
		e->prio = prio;
	}
}

static void index_free(struct index *ix)
{
	free(ix->v);
	strmap_free(&ix->byname);
	free(ix->names);
}

static size_t index_names(struct index *ix, const char *const **names)
{
	if (!ix->names && ix->n) {
		ix->names = xmalloc(ix->n * sizeof(*ix->names));
		for (size_t i = 0; i < ix->n; i++)
			ix->names[i] = ix->v[i].name;
	}
	*names = ix->names;
	return ix->n;
}

/* ---- opening ---------------------------------------------------------- */

/* libdw's "no DWARF" error code is private; look for the section instead,
 * in both the plain and the old GNU-compressed spelling. 1 found, 0 not,
 * -1 unreadable section headers (a truncated or corrupt file). */
static int has_debug_info(Elf *elf)
{
	size_t shstrndx, shnum, seen = 1; /* section 0 is never iterated */
	size_t fsize = 0;
	bool found = false;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0 || elf_getshdrnum(elf, &shnum) != 0 ||
	    !elf_rawfile(elf, &fsize))
		return -1;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		if (!gelf_getshdr(scn, &sh))
			return -1;
		seen++;
		if (sh.sh_type == SHT_NOBITS)
			continue;
		if (sh.sh_offset > fsize || sh.sh_size > fsize - sh.sh_offset)
			return -1;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			return -1;
		found |= strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0;
	}
	/* libelf drops section headers that lie past the end of the file. */
	if (seen < shnum)
		return -1;
	return found;
}

int godwarf_open_elf(Elf *elf, struct gtypes *ts, struct godwarf **out, char **err)
{
	Dwarf *dbg;

	*out = NULL;
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		*err = xstrdup("not an ELF file");
		return -ENOEXEC;
	}
	switch (has_debug_info(elf)) {
	case 0:
		*err = xstrdup("no DWARF debug info (the binary was stripped)");
		return -ENODATA;
	case -1:
		*err = xstrdup("truncated or corrupt ELF file (a section lies past its end)");
		return -ENOEXEC;
	}
	dbg = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!dbg) {
		*err = xasprintf("cannot read DWARF: %s", dwarf_errmsg(-1));
		return -EIO;
	}
	struct godwarf *dw = xcalloc(1, sizeof(*dw));
	dw->elf = elf;
	dw->dbg = dbg;
	dw->ts = ts;
	*out = dw;
	return 0;
}

int godwarf_open(int fd, struct gtypes *ts, struct godwarf **out, char **err)
{
	Elf *elf;
	int r;

	*out = NULL;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		*err = xasprintf("cannot read ELF: %s", elf_errmsg(-1));
		return -ENOEXEC;
	}
	r = godwarf_open_elf(elf, ts, out, err);
	if (r < 0) {
		elf_end(elf);
		return r;
	}
	(*out)->own_elf = true;
	return 0;
}

void godwarf_close(struct godwarf *dw)
{
	if (!dw)
		return;
	dw_free_funcs_vars(dw);
	index_free(&dw->funcs);
	index_free(&dw->vars);
	index_free(&dw->types);
	u64map_free(&dw->built);
	free(dw->pending);
	dwarf_end(dw->dbg);
	if (dw->own_elf)
		elf_end(dw->elf);
	free(dw);
}

/* ---- the index -------------------------------------------------------- */

static bool is_type_tag(int tag)
{
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_pointer_type:
	case DW_TAG_structure_type:
	case DW_TAG_typedef:
	case DW_TAG_array_type:
	case DW_TAG_subroutine_type:
		return true;
	default:
		return false;
	}
}

/* Go emits a named type twice (the defining DIE with DW_AT_go_kind, and a
 * typedef of it); prefer the defining one whatever the order. */
static int type_prio(Dwarf_Die *die, int tag)
{
	if (dwarf_hasattr(die, DW_AT_go_kind))
		return 2;
	return tag == DW_TAG_typedef ? 0 : 1;
}

static void index_die(struct godwarf *dw, Dwarf_Die *die)
{
	int tag = dwarf_tag(die);
	const char *name;

	if (tag == DW_TAG_subprogram) {
		Dwarf_Attribute a;
		if (!dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_inline))
			return;
		name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
		if (name)
			index_add(&dw->funcs, name, dwarf_dieoffset(die), 0);
		return;
	}
	name = dwarf_diename(die);
	if (!name)
		return;
	if (tag == DW_TAG_variable && dwarf_hasattr(die, DW_AT_location))
		index_add(&dw->vars, name, dwarf_dieoffset(die), 0);
	else if (is_type_tag(tag))
		index_add(&dw->types, name, dwarf_dieoffset(die), type_prio(die, tag));
}

void dw_build_index(struct godwarf *dw)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf_Die cu, die;

	if (dw->indexed)
		return;
	dw->indexed = true;
	while (dwarf_nextcu(dw->dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(dw->dbg, off + hsize, &cu) && dwarf_child(&cu, &die) == 0) {
			do
				index_die(dw, &die);
			while (dwarf_siblingof(&die, &die) == 0);
		}
		off = next;
	}
}

/* ---- listings --------------------------------------------------------- */

size_t godwarf_func_names(struct godwarf *dw, const char *const **names)
{
	dw_build_index(dw);
	return index_names(&dw->funcs, names);
}

size_t godwarf_var_names(struct godwarf *dw, const char *const **names)
{
	dw_build_index(dw);
	return index_names(&dw->vars, names);
}

size_t godwarf_type_names(struct godwarf *dw, const char *const **names)
{
	dw_build_index(dw);
	return index_names(&dw->types, names);
}
