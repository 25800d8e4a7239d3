/* godwarf.c — Go functions, types and variables from DWARF, via libdw. */
#include "godwarf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "util.h"

/* Go's own DWARF attributes (cmd/internal/dwarf). */
#define DW_AT_go_kind 0x2900
#define DW_AT_go_key 0x2901
#define DW_AT_go_elem 0x2902
#define DW_AT_go_embedded_field 0x2903

/* reflect.Kind values carried by DW_AT_go_kind. */
enum {
	GOKIND_CHAN = 18,
	GOKIND_FUNC = 19,
	GOKIND_INTERFACE = 20,
	GOKIND_MAP = 21,
	GOKIND_SLICE = 23,
	GOKIND_STRING = 24,
};

/* Deeper type nesting than this only comes from a corrupt file; stop
 * before the C stack does. */
#define MAX_TYPE_DEPTH 2000

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

struct dwfunc {
	struct gfunc f;        /* first, so a gfunc pointer leads back here */
	Dwarf_Off *param_die;  /* DIE holding each param's location; 0 = none */
};

struct godwarf {
	Elf *elf;
	bool own_elf;
	Dwarf *dbg;
	struct gtypes *ts;
	bool indexed;
	struct index funcs, vars, types;
	struct u64map built; /* DIE offset -> struct gtype * built from it */
	struct gtype **pending; /* types built in the current lookup, to align */
	size_t npending, cappending;
};

static struct entry *index_find(struct index *ix, const char *name)
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

static struct gtype *built_get(const struct godwarf *dw, Dwarf_Off off)
{
	size_t t;

	return u64map_get(&dw->built, off, &t) ? (struct gtype *)(uintptr_t)t : NULL;
}

static void built_put(struct godwarf *dw, Dwarf_Off off, struct gtype *t)
{
	*u64map_put(&dw->built, off, NULL) = (uintptr_t)t;
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

static void free_funcs(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++) {
		struct dwfunc *df = ix->v[i].built;
		if (!df)
			continue;
		free(df->f.params);
		free(df->param_die);
		free(df);
	}
}

void godwarf_close(struct godwarf *dw)
{
	if (!dw)
		return;
	free_funcs(&dw->funcs);
	for (size_t i = 0; i < dw->vars.n; i++)
		free(dw->vars.v[i].built);
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

static void build_index(struct godwarf *dw)
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

/* ---- types ------------------------------------------------------------ */

static struct gtype *type_at(struct godwarf *dw, Dwarf_Die *die, int depth);

static bool attr_udata(Dwarf_Die *die, unsigned int name, Dwarf_Word *v)
{
	Dwarf_Attribute a;

	return dwarf_attr(die, name, &a) && dwarf_formudata(&a, v) == 0;
}

static bool attr_flag(Dwarf_Die *die, unsigned int name)
{
	Dwarf_Attribute a;
	bool b = false;

	if (dwarf_attr_integrate(die, name, &a))
		dwarf_formflag(&a, &b);
	return b;
}

/* The type a reference attribute (DW_AT_type, DW_AT_go_elem...) names;
 * NULL when absent. */
static struct gtype *ref_type(struct godwarf *dw, Dwarf_Die *die, unsigned int name, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, name, &a) || !dwarf_formref_die(&a, &t))
		return NULL;
	return type_at(dw, &t, depth + 1);
}

static struct gtype *new_type(struct godwarf *dw, Dwarf_Die *die, enum gkind kind, uint64_t size)
{
	struct gtype *t = gtypes_alloc(dw->ts);
	const char *name = dwarf_diename(die);

	t->kind = kind;
	t->name = gtypes_intern(dw->ts, name ? name : "");
	t->size = size;
	/* Registered before any recursion so self-references find it. */
	built_put(dw, dwarf_dieoffset(die), t);
	VEC_PUSH(dw->pending, dw->npending, dw->cappending, t);
	return t;
}

static uint64_t member_offset(Dwarf_Die *m)
{
	Dwarf_Attribute a;
	Dwarf_Word v = 0;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(m, DW_AT_data_member_location, &a))
		return 0;
	if (dwarf_formudata(&a, &v) == 0)
		return v;
	/* DWARF 2 style: DW_OP_plus_uconst N. */
	if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 && ops[0].atom == DW_OP_plus_uconst)
		return ops[0].number;
	return 0;
}

static void build_fields(struct godwarf *dw, struct gtype *t, Dwarf_Die *die, int depth)
{
	Dwarf_Die c;
	uint32_t n = 0, i = 0;

	if (dwarf_child(die, &c) == 0) {
		do
			n += dwarf_tag(&c) == DW_TAG_member;
		while (dwarf_siblingof(&c, &c) == 0);
	}
	if (!n)
		return;
	struct gfield *f = gtypes_alloc_fields(dw->ts, n);
	dwarf_child(die, &c);
	do {
		if (dwarf_tag(&c) != DW_TAG_member || i >= n)
			continue;
		const char *name = dwarf_diename(&c);
		f[i].name = gtypes_intern(dw->ts, name ? name : "");
		f[i].offset = member_offset(&c);
		f[i].embedded = attr_flag(&c, DW_AT_go_embedded_field);
		f[i].type = ref_type(dw, &c, DW_AT_type, depth);
		i++;
	} while (dwarf_siblingof(&c, &c) == 0);
	t->fields = f;
	t->nfields = i;
}

static struct gtype *struct_type(struct godwarf *dw, Dwarf_Die *die, int depth)
{
	Dwarf_Word size = 0, kind = 0;
	const char *name = dwarf_diename(die);

	attr_udata(die, DW_AT_byte_size, &size);
	attr_udata(die, DW_AT_go_kind, &kind);
	if (kind == GOKIND_STRING && name && strcmp(name, "string") == 0) {
		struct gtype *s = gtypes_builtin(dw->ts, "string");
		gtype_align(s);
		built_put(dw, dwarf_dieoffset(die), s);
		return s;
	}
	struct gtype *t = new_type(dw, die, kind == GOKIND_SLICE ? GK_SLICE :
				   kind == GOKIND_STRING ? GK_STRING : GK_STRUCT, size);
	if (kind == GOKIND_SLICE)
		t->elem = ref_type(dw, die, DW_AT_go_elem, depth);
	build_fields(dw, t, die, depth);
	return t;
}

static struct gtype *array_type(struct godwarf *dw, Dwarf_Die *die, int depth)
{
	Dwarf_Word size = 0, v;
	Dwarf_Die c;
	struct gtype *t;

	attr_udata(die, DW_AT_byte_size, &size);
	t = new_type(dw, die, GK_ARRAY, size);
	if (dwarf_child(die, &c) == 0) {
		do {
			if (dwarf_tag(&c) != DW_TAG_subrange_type)
				continue;
			if (attr_udata(&c, DW_AT_count, &v))
				t->len = v;
			else if (attr_udata(&c, DW_AT_upper_bound, &v))
				t->len = v + 1;
			break;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	t->elem = ref_type(dw, die, DW_AT_type, depth);
	return t;
}

static struct gtype *base_type(struct godwarf *dw, Dwarf_Die *die)
{
	Dwarf_Word size = 0, enc = 0;
	const char *name = dwarf_diename(die);
	struct gtype *b = name ? gtypes_builtin(dw->ts, name) : NULL;
	enum gkind k;

	attr_udata(die, DW_AT_byte_size, &size);
	if (b && b->size == size) {
		gtype_align(b);
		built_put(dw, dwarf_dieoffset(die), b);
		return b;
	}
	attr_udata(die, DW_AT_encoding, &enc);
	switch (enc) {
	case DW_ATE_boolean:
		k = GK_BOOL;
		break;
	case DW_ATE_signed:
	case DW_ATE_signed_char:
		k = GK_INT;
		break;
	case DW_ATE_float:
		k = GK_FLOAT;
		break;
	case DW_ATE_complex_float:
		k = GK_COMPLEX;
		break;
	default:
		k = GK_UINT;
		break;
	}
	return new_type(dw, die, k, size);
}

/* A named copy of another type's layout ("type A B" spelled as a typedef). */
static struct gtype *renamed(struct godwarf *dw, Dwarf_Die *die, int depth)
{
	struct gtype *t = new_type(dw, die, GK_INVALID, 0);
	const char *name = t->name;
	struct gtype *u = ref_type(dw, die, DW_AT_type, depth);

	if (u) {
		*t = *u;
		t->name = name;
	}
	return t;
}

static struct gtype *typedef_type(struct godwarf *dw, Dwarf_Die *die, int depth)
{
	Dwarf_Word kind;
	struct gtype *t, *u;
	const char *name = dwarf_diename(die);

	if (!attr_udata(die, DW_AT_go_kind, &kind)) {
		/* Usually the typedef half of a named type: same name as its target. */
		Dwarf_Attribute a;
		Dwarf_Die target;
		const char *tn;
		if (!dwarf_attr(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &target))
			return new_type(dw, die, GK_INVALID, 0);
		tn = dwarf_diename(&target);
		if (name && tn && strcmp(name, tn) == 0) {
			u = type_at(dw, &target, depth + 1);
			built_put(dw, dwarf_dieoffset(die), u);
			return u;
		}
		return renamed(dw, die, depth);
	}
	switch (kind) {
	case GOKIND_INTERFACE:
		t = new_type(dw, die, GK_IFACE, 16);
		u = ref_type(dw, die, DW_AT_type, depth);
		if (u) {
			t->size = u->size;
			t->fields = u->fields;
			t->nfields = u->nfields;
			t->empty_iface = u->name && strcmp(u->name, "runtime.eface") == 0;
		}
		return t;
	case GOKIND_MAP:
		t = new_type(dw, die, GK_MAP, 8);
		t->key = ref_type(dw, die, DW_AT_go_key, depth);
		t->elem = ref_type(dw, die, DW_AT_go_elem, depth);
		return t;
	case GOKIND_CHAN:
		t = new_type(dw, die, GK_CHAN, 8);
		t->elem = ref_type(dw, die, DW_AT_go_elem, depth);
		return t;
	case GOKIND_FUNC:
		return new_type(dw, die, GK_FUNC, 8);
	default:
		return renamed(dw, die, depth);
	}
}

static struct gtype *type_at(struct godwarf *dw, Dwarf_Die *die, int depth)
{
	struct gtype *t = built_get(dw, dwarf_dieoffset(die));

	if (t)
		return t;
	if (depth > MAX_TYPE_DEPTH)
		return new_type(dw, die, GK_INVALID, 0);
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type:
		return base_type(dw, die);
	case DW_TAG_pointer_type:
		t = new_type(dw, die, GK_PTR, 8);
		t->elem = ref_type(dw, die, DW_AT_type, depth);
		return t;
	case DW_TAG_structure_type:
		return struct_type(dw, die, depth);
	case DW_TAG_array_type:
		return array_type(dw, die, depth);
	case DW_TAG_typedef:
		return typedef_type(dw, die, depth);
	case DW_TAG_subroutine_type:
		return new_type(dw, die, GK_FUNC, 8);
	default:
		return new_type(dw, die, GK_INVALID, 0);
	}
}

/* Types are complete only once the outermost build returns; align and
 * publish them then, never half-built. */
static void finish_types(struct godwarf *dw)
{
	for (size_t i = 0; i < dw->npending; i++) {
		gtype_align(dw->pending[i]);
		gtypes_add_named(dw->ts, dw->pending[i]);
	}
	dw->npending = 0;
}

static struct gtype *type_at_off(struct godwarf *dw, Dwarf_Off off)
{
	Dwarf_Die die;
	struct gtype *t;

	if (!dwarf_offdie(dw->dbg, off, &die))
		return NULL;
	t = type_at(dw, &die, 0);
	finish_types(dw);
	return t;
}

struct gtype *godwarf_type(struct godwarf *dw, const char *name)
{
	struct entry *e;
	struct gtype *t;

	build_index(dw);
	e = index_find(&dw->types, name);
	if (e) {
		if (!e->built)
			e->built = type_at_off(dw, e->off);
		return e->built;
	}
	if (name[0] != '*')
		return NULL;
	/* A pointer type the program never spelled. */
	struct gtype *elem = godwarf_type(dw, name + 1);
	if (!elem)
		return NULL;
	t = gtypes_new_pointer(dw->ts, name, elem);
	gtypes_add_named(dw->ts, t);
	return gtypes_find(dw->ts, name);
}

size_t godwarf_type_names(struct godwarf *dw, const char *const **names)
{
	build_index(dw);
	return index_names(&dw->types, names);
}

/* ---- functions -------------------------------------------------------- */

static bool is_param(Dwarf_Die *d)
{
	return dwarf_tag(d) == DW_TAG_formal_parameter;
}

/* Go names unnamed results "~r0" and blank ones "~b0"/"~p0". */
static const char *param_name(struct godwarf *dw, Dwarf_Die *p)
{
	Dwarf_Attribute a;
	const char *n = dwarf_formstring(dwarf_attr_integrate(p, DW_AT_name, &a));

	return gtypes_intern(dw->ts, !n || n[0] == '~' ? "" : n);
}

static struct gtype *param_type(struct godwarf *dw, Dwarf_Die *p)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	struct gtype *r;

	if (!dwarf_attr_integrate(p, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return NULL;
	r = type_at(dw, &t, 0);
	finish_types(dw);
	return r;
}

/* The concrete DIE of an abstract parameter, by DW_AT_abstract_origin. */
static Dwarf_Off concrete_param(Dwarf_Die *fn, Dwarf_Off abstract)
{
	Dwarf_Die c, o;
	Dwarf_Attribute a;

	if (dwarf_child(fn, &c) != 0)
		return 0;
	do {
		if (is_param(&c) && dwarf_attr(&c, DW_AT_abstract_origin, &a) &&
		    dwarf_formref_die(&a, &o) && dwarf_dieoffset(&o) == abstract)
			return dwarf_dieoffset(&c);
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

static void add_param(struct godwarf *dw, struct dwfunc *df, Dwarf_Die *p, Dwarf_Die *concrete,
		      bool abstract)
{
	uint32_t i = df->f.nparams++;

	df->f.params[i].name = param_name(dw, p);
	df->f.params[i].type = param_type(dw, p);
	df->f.params[i].result = attr_flag(p, DW_AT_variable_parameter);
	df->param_die[i] = abstract ? concrete_param(concrete, dwarf_dieoffset(p))
				    : dwarf_dieoffset(p);
}

/* Arguments first, results after, each group in declaration order. */
static void order_params(struct dwfunc *df)
{
	uint32_t n = df->f.nparams, k = 0;
	struct gparam *p = xmalloc((n ? n : 1) * sizeof(*p));
	Dwarf_Off *d = xmalloc((n ? n : 1) * sizeof(*d));

	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < n; i++)
			if (df->f.params[i].result == (pass == 1)) {
				p[k] = df->f.params[i];
				d[k++] = df->param_die[i];
			}
	free(df->f.params);
	free(df->param_die);
	df->f.params = p;
	df->param_die = d;
	df->f.nargs = 0;
	while (df->f.nargs < n && !p[df->f.nargs].result)
		df->f.nargs++;
}

static const char *raw_name(Dwarf_Die *p)
{
	Dwarf_Attribute a;
	const char *n = dwarf_formstring(dwarf_attr_integrate(p, DW_AT_name, &a));

	return n ? n : "";
}

/* Does the abstract origin already declare a result of that DWARF name? */
static bool origin_declares(Dwarf_Die *origin, Dwarf_Die *param)
{
	Dwarf_Die c;
	const char *name = raw_name(param);

	if (!origin || !attr_flag(param, DW_AT_variable_parameter) || dwarf_child(origin, &c) != 0)
		return false;
	do {
		if (is_param(&c) && attr_flag(&c, DW_AT_variable_parameter) &&
		    strcmp(raw_name(&c), name) == 0)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* Go (1.22 at least) emits some results twice, two identical "~r0" DIEs
 * in a row; parameter names are unique in Go, so a repeat is dropped. */
static bool named_before(Dwarf_Die *fn, Dwarf_Die *param)
{
	Dwarf_Die c;
	const char *name = raw_name(param);

	if (!*name || dwarf_child(fn, &c) != 0)
		return false;
	do {
		if (dwarf_dieoffset(&c) == dwarf_dieoffset(param))
			return false;
		if (is_param(&c) && strcmp(raw_name(&c), name) == 0)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* Parameters of `fn` to add: all of them, or, for a concrete instance
 * (`origin` set), those that are neither a reference to one of the
 * origin's nor a result the origin declares already. */
static uint32_t walk_params(struct godwarf *dw, struct dwfunc *df, Dwarf_Die *fn,
			    Dwarf_Die *concrete, bool abstract, Dwarf_Die *origin, uint32_t max)
{
	Dwarf_Die c;
	uint32_t n = 0;

	if (dwarf_child(fn, &c) != 0)
		return 0;
	do {
		if (!is_param(&c) || named_before(fn, &c) ||
		    (origin && (dwarf_hasattr(&c, DW_AT_abstract_origin) || origin_declares(origin, &c))))
			continue;
		if (df && df->f.nparams < max)
			add_param(dw, df, &c, concrete, abstract);
		n++;
	} while (dwarf_siblingof(&c, &c) == 0);
	return n;
}

/* A concrete instance of an inlinable function takes its arguments from the
 * abstract origin (in declaration order) but lists its results itself. */
static struct dwfunc *build_func(struct godwarf *dw, struct entry *e)
{
	Dwarf_Die die, origin;
	Dwarf_Attribute a;
	Dwarf_Addr lo = 0, hi = 0;
	bool has_origin;
	uint32_t n;

	if (!dwarf_offdie(dw->dbg, e->off, &die))
		return NULL;
	has_origin = dwarf_attr(&die, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin);
	struct dwfunc *df = xcalloc(1, sizeof(*df));
	df->f.name = gtypes_intern(dw->ts, e->name);
	if (dwarf_lowpc(&die, &lo) == 0 && dwarf_highpc(&die, &hi) == 0) {
		df->f.entry = lo;
		df->f.end = hi;
	}
	df->f.has_params = true;
	n = walk_params(dw, NULL, &die, &die, false, has_origin ? &origin : NULL, 0);
	if (has_origin)
		n += walk_params(dw, NULL, &origin, &die, true, NULL, 0);
	df->f.params = xcalloc(n ? n : 1, sizeof(*df->f.params));
	df->param_die = xcalloc(n ? n : 1, sizeof(*df->param_die));
	if (has_origin)
		walk_params(dw, df, &origin, &die, true, NULL, n);
	walk_params(dw, df, &die, &die, false, has_origin ? &origin : NULL, n);
	order_params(df);
	return df;
}

const struct gfunc *godwarf_func(struct godwarf *dw, const char *name)
{
	struct entry *e;

	build_index(dw);
	e = index_find(&dw->funcs, name);
	if (!e)
		return NULL;
	if (!e->built)
		e->built = build_func(dw, e);
	return e->built ? &((struct dwfunc *)e->built)->f : NULL;
}

size_t godwarf_func_names(struct godwarf *dw, const char *const **names)
{
	build_index(dw);
	return index_names(&dw->funcs, names);
}

/* ---- location expressions -------------------------------------------- */

static bool read_uleb(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		unsigned char b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

static bool read_sleb(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		unsigned char b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				*v |= ~(uint64_t)0 << shift;
			return true;
		}
	}
	return false;
}

/* Decode the few operations Go emits. libdw only reads DW_FORM_block*
 * as an expression in DWARF < 4 units, but Go uses them in every version. */
static bool decode_block(const unsigned char *p, size_t len, Dwarf_Op *ops, size_t max, size_t *n)
{
	const unsigned char *end = p + len;
	bool ok = true;

	*n = 0;
	while (p < end && ok) {
		Dwarf_Op op = {.atom = *p++};
		if (*n >= max)
			return false;
		if (op.atom == DW_OP_addr) {
			if (end - p < 8)
				return false;
			for (int i = 7; i >= 0; i--)
				op.number = op.number << 8 | p[i];
			p += 8;
		} else if (op.atom == DW_OP_regx || op.atom == DW_OP_plus_uconst ||
			   op.atom == DW_OP_piece || op.atom == DW_OP_constu) {
			ok = read_uleb(&p, end, &op.number);
		} else if (op.atom == DW_OP_fbreg || op.atom == DW_OP_consts ||
			   (op.atom >= DW_OP_breg0 && op.atom <= DW_OP_breg31)) {
			ok = read_sleb(&p, end, &op.number);
		} else if (!(op.atom >= DW_OP_reg0 && op.atom <= DW_OP_reg31) &&
			   op.atom != DW_OP_call_frame_cfa && op.atom != DW_OP_plus &&
			   op.atom != DW_OP_minus) {
			return false; /* an operand we can't skip: unknown length */
		}
		ops[(*n)++] = op;
	}
	return ok;
}

/* A single location expression (not a list) into ops[0..*n). */
static bool attr_expr(Dwarf_Attribute *a, Dwarf_Op *ops, size_t max, size_t *n)
{
	Dwarf_Block b;
	Dwarf_Op *lops;
	size_t ln;

	if (dwarf_formblock(a, &b) == 0)
		return decode_block(b.data, b.length, ops, max, n);
	if (dwarf_getlocation(a, &lops, &ln) != 0 || ln > max)
		return false;
	memcpy(ops, lops, ln * sizeof(*ops));
	*n = ln;
	return true;
}

/* ---- variables -------------------------------------------------------- */

static struct gvar *build_var(struct godwarf *dw, struct entry *e)
{
	Dwarf_Die die;
	Dwarf_Attribute a;
	Dwarf_Op ops[4];
	size_t n;

	if (!dwarf_offdie(dw->dbg, e->off, &die) || !dwarf_attr(&die, DW_AT_location, &a) ||
	    !attr_expr(&a, ops, ARRAY_SIZE(ops), &n) || n < 1 || ops[0].atom != DW_OP_addr)
		return NULL;
	struct gvar *v = xcalloc(1, sizeof(*v));
	v->name = gtypes_intern(dw->ts, e->name);
	v->addr = ops[0].number;
	v->type = param_type(dw, &die);
	return v;
}

const struct gvar *godwarf_var(struct godwarf *dw, const char *name)
{
	struct entry *e;

	build_index(dw);
	e = index_find(&dw->vars, name);
	if (!e)
		return NULL;
	if (!e->built)
		e->built = build_var(dw, e);
	return e->built;
}

size_t godwarf_var_names(struct godwarf *dw, const char *const **names)
{
	build_index(dw);
	return index_names(&dw->vars, names);
}

/* ---- parameter locations ---------------------------------------------- */

/* One operation (or a CFA+offset pair) into the piece being built; returns
 * how many ops it consumed. */
static size_t decode_op(const Dwarf_Op *ops, size_t n, struct dwloc_piece *p)
{
	uint8_t op = ops[0].atom;

	if (op >= DW_OP_reg0 && op <= DW_OP_reg31) {
		*p = (struct dwloc_piece){.kind = DWLOC_REG, .dwreg = op - DW_OP_reg0};
		return 1;
	}
	if (op == DW_OP_regx) {
		*p = (struct dwloc_piece){.kind = DWLOC_REG, .dwreg = (int)ops[0].number};
		return 1;
	}
	if (op == DW_OP_fbreg) {
		*p = (struct dwloc_piece){.kind = DWLOC_FBREG, .off = (int64_t)ops[0].number};
		return 1;
	}
	if (op != DW_OP_call_frame_cfa) {
		p->kind = DWLOC_OTHER;
		return 1;
	}
	*p = (struct dwloc_piece){.kind = DWLOC_CFA};
	if (n >= 2 && ops[1].atom == DW_OP_plus_uconst) {
		p->off = (int64_t)ops[1].number;
		return 2;
	}
	if (n >= 3 && (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) &&
	    (ops[2].atom == DW_OP_plus || ops[2].atom == DW_OP_minus)) {
		p->off = (int64_t)ops[1].number;
		if (ops[2].atom == DW_OP_minus)
			p->off = -p->off;
		return 3;
	}
	return 1;
}

static void decode_expr(const Dwarf_Op *ops, size_t nops, struct dwloc_piece **out, size_t *n)
{
	struct dwloc_piece cur = {.kind = DWLOC_NONE};
	bool have = false;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < nops;) {
		if (ops[i].atom == DW_OP_piece) {
			cur.size = (uint32_t)ops[i].number;
			VEC_PUSH(*out, *n, cap, cur);
			cur = (struct dwloc_piece){.kind = DWLOC_NONE};
			have = false;
			i++;
			continue;
		}
		if (have) /* a computation, not a plain location */
			cur.kind = DWLOC_OTHER, i++;
		else
			i += decode_op(&ops[i], nops - i, &cur);
		have = true;
	}
	if (have)
		VEC_PUSH(*out, *n, cap, cur);
}

int godwarf_param_loc(struct godwarf *dw, const struct gfunc *f, uint32_t param_index,
		      uint64_t pc, struct dwloc_piece **pieces, size_t *n)
{
	struct entry *e;
	struct dwfunc *df;
	Dwarf_Die die;
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	int r;

	*pieces = NULL;
	*n = 0;
	if (!f || !f->name)
		return -EINVAL;
	build_index(dw);
	e = index_find(&dw->funcs, f->name);
	df = e ? e->built : NULL;
	if (!df || &df->f != f || param_index >= f->nparams)
		return -EINVAL;
	if (!df->param_die[param_index] || !dwarf_offdie(dw->dbg, df->param_die[param_index], &die) ||
	    !dwarf_attr(&die, DW_AT_location, &a))
		return 0;
	if (dwarf_whatform(&a) != DW_FORM_sec_offset && dwarf_whatform(&a) != DW_FORM_loclistx &&
	    dwarf_whatform(&a) != DW_FORM_data4 && dwarf_whatform(&a) != DW_FORM_data8) {
		Dwarf_Op blk[64];
		/* One expression for the whole function. */
		if (!attr_expr(&a, blk, ARRAY_SIZE(blk), &nops))
			return -EIO;
		decode_expr(blk, nops, pieces, n);
		return 0;
	}
	r = dwarf_getlocation_addr(&a, pc, &ops, &nops, 1);
	if (r < 0)
		return -EIO;
	if (r == 0)
		return 0;
	decode_expr(ops, nops, pieces, n);
	return 0;
}
