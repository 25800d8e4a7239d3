/* godwarf_type.c — Go types from DWARF DIEs, as the gotype.h model
 * (godwarf.h): base types, pointers, structs, slices, strings, arrays,
 * interfaces, maps, channels and funcs, built once per DIE. */
#include "godwarf.h"

#include <stdlib.h>
#include <string.h>

#include "godwarf_int.h"
#include "util.h"

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

/* ---- the DIE -> type memo --------------------------------------------- */

static struct gtype *built_get(const struct godwarf *dw, Dwarf_Off off)
{
	size_t t;

	return u64map_get(&dw->built, off, &t) ? (struct gtype *)(uintptr_t)t : NULL;
}

static void built_put(struct godwarf *dw, Dwarf_Off off, struct gtype *t)
{
	*u64map_put(&dw->built, off, NULL) = (uintptr_t)t;
}

/* ---- building --------------------------------------------------------- */

static struct gtype *type_at(struct godwarf *dw, Dwarf_Die *die, int depth);

static bool attr_udata(Dwarf_Die *die, unsigned int name, Dwarf_Word *v)
{
	Dwarf_Attribute a;

	return dwarf_attr(die, name, &a) && dwarf_formudata(&a, v) == 0;
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
		f[i].embedded = dw_attr_flag(&c, DW_AT_go_embedded_field);
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

	dw_build_index(dw);
	e = dw_index_find(&dw->types, name);
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

/* The type of a parameter or variable (godwarf_func.c). */
struct gtype *dw_die_type(struct godwarf *dw, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	struct gtype *r;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return NULL;
	r = type_at(dw, &t, 0);
	finish_types(dw);
	return r;
}
