/* offsetsdb_types.c — the type schema of an offsets database
 * (offsetsdb.h, bpf-gen/README.md): each type declared with its kind and
 * size, then linked (element, key and field types, alignment), then
 * checked to contain no type by value in itself; and type lookup. */
#include "offsetsdb.h"

#include <stdlib.h>
#include <string.h>

#include "offsetsdb_int.h"
#include "util.h"

static const char *const kind_names[] = {
	[GK_INVALID] = "invalid", [GK_BOOL] = "bool",   [GK_INT] = "int",
	[GK_UINT] = "uint",       [GK_FLOAT] = "float", [GK_COMPLEX] = "complex",
	[GK_STRING] = "string",   [GK_PTR] = "ptr",     [GK_FUNC] = "func",
	[GK_SLICE] = "slice",     [GK_ARRAY] = "array", [GK_STRUCT] = "struct",
	[GK_IFACE] = "iface",     [GK_MAP] = "map",     [GK_CHAN] = "chan",
};

const char *offsetsdb_kind_name(enum gkind k)
{
	return (unsigned)k < ARRAY_SIZE(kind_names) ? kind_names[k] : NULL;
}

/* Keys each kind may carry, besides kind and size. */
static const char *const *kind_keys(enum gkind k)
{
	static const char *const scalar_k[] = {"kind", "size", NULL};
	static const char *const fields_k[] = {"kind", "size", "fields", NULL};
	static const char *const elem_k[] = {"kind", "size", "elem", NULL};
	static const char *const slice_k[] = {"kind", "size", "elem", "fields", NULL};
	static const char *const array_k[] = {"kind", "size", "len", "elem", NULL};
	static const char *const struct_k[] = {"kind", "size", "align", "fields", "opaque", NULL};
	static const char *const iface_k[] = {"kind", "size", "empty", "fields", NULL};
	static const char *const map_k[] = {"kind", "size", "key", "elem", NULL};

	switch (k) {
	case GK_STRING:
		return fields_k;
	case GK_PTR:
	case GK_CHAN:
		return elem_k;
	case GK_SLICE:
		return slice_k;
	case GK_ARRAY:
		return array_k;
	case GK_STRUCT:
		return struct_k;
	case GK_IFACE:
		return iface_k;
	case GK_MAP:
		return map_k;
	default:
		return scalar_k;
	}
}

/* The sizes Go gives each kind on amd64 (0 = any). */
static bool size_ok(enum gkind k, uint64_t size)
{
	switch (k) {
	case GK_BOOL:
		return size == 1;
	case GK_INT:
	case GK_UINT:
		return size == 1 || size == 2 || size == 4 || size == 8;
	case GK_FLOAT:
		return size == 4 || size == 8;
	case GK_COMPLEX:
		return size == 8 || size == 16;
	case GK_STRING:
	case GK_IFACE:
		return size == 16;
	case GK_SLICE:
		return size == 24;
	case GK_PTR:
	case GK_FUNC:
	case GK_MAP:
	case GK_CHAN:
		return size == 8;
	default:
		return true;
	}
}

static int cmp_dbtype(const void *a, const void *b)
{
	return strcmp(((const struct dbtype *)a)->name, ((const struct dbtype *)b)->name);
}

struct dbtype *db_find_type(const struct offsetsdb *db, const char *name)
{
	struct dbtype key = {.name = name};

	if (!db->ntypes)
		return NULL;
	return bsearch(&key, db->types, db->ntypes, sizeof(key), cmp_dbtype);
}

struct gtype *db_ref(struct rd *r, const struct ynode *y, const char *what)
{
	const char *name = db_scalar(r, y, what);
	struct dbtype *d;
	struct gtype *t;

	if (!name)
		return NULL;
	d = db_find_type(r->db, name);
	if (d)
		return d->t;
	t = gtypes_builtin(r->ts, name);
	if (!t) {
		db_fail(r, y, "unknown type '%s' (%s)", name, what);
		return NULL;
	}
	/* As the DWARF reader leaves them: aligned, down to string's fields. */
	gtype_align(t);
	for (uint32_t i = 0; i < t->nfields; i++)
		gtype_align(t->fields[i].type);
	return t;
}

/* Pass 1: every type gets its object, kind and size, so references in
 * pass 2 resolve whatever their order. */
static bool declare_type(struct rd *r, const struct ynode *k, const struct ynode *v,
			 struct dbtype *out)
{
	const char *name = db_scalar(r, k, "a type name");
	const struct ynode *kn, *sn;
	uint64_t size;
	int kind = -1;

	if (!name)
		return false;
	if (!*name)
		return db_fail(r, k, "a type name must not be empty");
	if (!db_want_kind(r, v, Y_MAP, "a type"))
		return false;
	if (!(kn = db_need(r, v, "kind", "a type")) || !(sn = db_need(r, v, "size", "a type")))
		return false;
	const char *ks = db_scalar(r, kn, "kind");
	if (!ks)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (strcmp(kind_names[i], ks) == 0)
			kind = (int)i;
	if (kind < 0)
		return db_fail(r, kn, "unknown kind '%s' of type '%s' (expected bool, int, uint, float, "
			       "complex, string, ptr, func, slice, array, struct, iface, map, chan "
			       "or invalid)", ks, name);
	if (!db_get_u64(r, sn, "size", DB_MAX_SIZE, &size))
		return false;
	if (!size_ok(kind, size))
		return db_fail(r, sn, "size %llu is impossible for %s type '%s'",
			       (unsigned long long)size, kind_names[kind], name);
	out->name = gtypes_intern(r->ts, name);
	out->node = v;
	out->t = gtypes_alloc(r->ts);
	out->t->kind = kind;
	out->t->name = out->name;
	out->t->size = size;
	return true;
}

static bool link_fields(struct rd *r, struct gtype *t, const struct ynode *fs)
{
	static const char *const keys[] = {"name", "offset", "type", "embedded", NULL};

	if (!db_want_kind(r, fs, Y_SEQ, "fields"))
		return false;
	if (fs->nkids > DB_MAX_FIELDS)
		return db_fail(r, fs, "type '%s' has too many fields (the limit is %u)", t->name,
			       DB_MAX_FIELDS);
	t->fields = gtypes_alloc_fields(r->ts, fs->nkids);
	t->nfields = fs->nkids;
	for (uint32_t i = 0; i < fs->nkids; i++) {
		const struct ynode *f = fs->kids[i], *n, *o, *ty, *e;
		struct gfield *gf = &t->fields[i];
		const char *name;
		if (!db_want_kind(r, f, Y_MAP, "a field") || !db_check_keys(r, f, "a field", keys))
			return false;
		if (!(n = db_need(r, f, "name", "a field")) || !(o = db_need(r, f, "offset", "a field")) ||
		    !(ty = db_need(r, f, "type", "a field")))
			return false;
		if (!(name = db_scalar(r, n, "a field name")) ||
		    !db_get_u64(r, o, "a field offset", DB_MAX_SIZE, &gf->offset) ||
		    !(gf->type = db_ref(r, ty, "a field type")))
			return false;
		if ((e = ymap_get(f, "embedded")) && !db_get_bool(r, e, "embedded", &gf->embedded))
			return false;
		gf->name = gtypes_intern(r->ts, name);
		if (gf->offset + gf->type->size > t->size)
			return db_fail(r, f, "field '%s' (offset %llu, size %llu) lies outside type '%s' "
				       "(size %llu)", name, (unsigned long long)gf->offset,
				       (unsigned long long)gf->type->size, t->name,
				       (unsigned long long)t->size);
	}
	return true;
}

/* An opaque struct keeps its alignment, which its size alone does not
 * tell and arrays of it or fields after it need; others compute it. */
static bool link_align(struct rd *r, struct gtype *t, const struct ynode *v, bool opaque)
{
	const struct ynode *y = ymap_get(v, "align");
	uint64_t a;

	if (!opaque) {
		if (y)
			return db_fail(r, y, "only opaque types carry 'align' ('%s' has fields)", t->name);
		return true;
	}
	if (!y)
		return db_fail(r, v, "opaque type '%s' lacks 'align'", t->name);
	if (!db_get_u64(r, y, "align", 8, &a))
		return false;
	if ((a != 1 && a != 2 && a != 4 && a != 8) || t->size % a)
		return db_fail(r, y, "align %llu is impossible for type '%s' of size %llu",
			       (unsigned long long)a, t->name, (unsigned long long)t->size);
	t->align = (uint32_t)a;
	return true;
}

/* Pass 2: references, fields and the checks that need them. */
static bool link_type(struct rd *r, struct dbtype *d)
{
	const struct ynode *v = d->node, *y;
	struct gtype *t = d->t;
	bool opaque = false;

	if (!db_check_keys(r, v, "a type", kind_keys(t->kind)))
		return false;
	if ((y = ymap_get(v, "elem")) && !(t->elem = db_ref(r, y, "elem")))
		return false;
	if ((y = ymap_get(v, "key")) && !(t->key = db_ref(r, y, "key")))
		return false;
	if ((t->kind == GK_SLICE || t->kind == GK_ARRAY || t->kind == GK_MAP ||
	     t->kind == GK_CHAN) && !t->elem)
		return db_fail(r, v, "%s type '%s' lacks 'elem'", kind_names[t->kind], t->name);
	if (t->kind == GK_MAP && !t->key)
		return db_fail(r, v, "map type '%s' lacks 'key'", t->name);
	if ((y = ymap_get(v, "empty")) && !db_get_bool(r, y, "empty", &t->empty_iface))
		return false;
	if ((y = ymap_get(v, "opaque")) && !db_get_bool(r, y, "opaque", &opaque))
		return false;
	t->opaque = opaque;
	y = ymap_get(v, "fields");
	if (y && opaque)
		return db_fail(r, y, "opaque type '%s' must not list fields", t->name);
	if (!y && !opaque && (t->kind == GK_STRUCT || t->kind == GK_STRING ||
			      t->kind == GK_SLICE || t->kind == GK_IFACE))
		return db_fail(r, v, "%s type '%s' lacks 'fields' (or 'opaque: true')",
			       kind_names[t->kind], t->name);
	if (y && !link_fields(r, t, y))
		return false;
	if (t->kind == GK_STRUCT && !link_align(r, t, v, opaque))
		return false;
	if (t->kind == GK_ARRAY) {
		if (!(y = db_need(r, v, "len", "an array type")) ||
		    !db_get_u64(r, y, "len", DB_MAX_SIZE, &t->len))
			return false;
		if (t->elem->size && t->len > t->size / t->elem->size)
			return db_fail(r, v, "array type '%s' has size %llu, not len %llu x %llu",
				       t->name, (unsigned long long)t->size,
				       (unsigned long long)t->len,
				       (unsigned long long)t->elem->size);
		if (t->len * t->elem->size != t->size)
			return db_fail(r, v, "array type '%s' has size %llu, not len %llu x %llu",
				       t->name, (unsigned long long)t->size,
				       (unsigned long long)t->len,
				       (unsigned long long)t->elem->size);
	}
	return true;
}

/* Refuse types that contain themselves by value (through fields or array
 * elements): they would have no finite layout and send every recursive
 * consumer into a loop. Pointers, slices and maps break such cycles. */
static bool check_nesting(struct rd *r, struct dbtype *d, int depth)
{
	struct gtype *t = d->t;

	if (d->state == 2)
		return true;
	if (d->state == 1)
		return db_fail(r, d->node, "type '%s' contains itself", d->name);
	if (depth > DB_MAX_NEST)
		return db_fail(r, d->node, "types nested more than %d deep at '%s'", DB_MAX_NEST,
			       d->name);
	d->state = 1;
	if (t->kind == GK_STRUCT || t->kind == GK_ARRAY) {
		for (uint32_t i = 0; i <= t->nfields; i++) {
			struct gtype *s = i < t->nfields ? t->fields[i].type
				: t->kind == GK_ARRAY ? t->elem : NULL;
			struct dbtype *sd = s ? db_find_type(r->db, s->name) : NULL;
			if (sd && sd->t == s && !check_nesting(r, sd, depth + 1))
				return false;
		}
	}
	d->state = 2;
	return true;
}

bool db_read_types(struct rd *r, const struct ynode *m)
{
	struct offsetsdb *db = r->db;

	if (!db_want_kind(r, m, Y_MAP, "types"))
		return false;
	db->types = xcalloc(m->nkids / 2 + 1, sizeof(*db->types));
	for (uint32_t i = 0; i + 1 < m->nkids; i += 2) {
		if (!declare_type(r, m->kids[i], m->kids[i + 1], &db->types[db->ntypes]))
			return false;
		db->ntypes++;
	}
	qsort(db->types, db->ntypes, sizeof(*db->types), cmp_dbtype);
	for (size_t i = 1; i < db->ntypes; i++)
		if (strcmp(db->types[i - 1].name, db->types[i].name) == 0) {
			const struct ynode *a = db->types[i - 1].node, *b = db->types[i].node;
			return db_fail(r, a->yline > b->yline ? a : b, "type '%s' is defined twice",
				       db->types[i].name);
		}
	for (size_t i = 0; i < db->ntypes; i++)
		if (!link_type(r, &db->types[i]))
			return false;
	for (size_t i = 0; i < db->ntypes; i++)
		if (!check_nesting(r, &db->types[i], 0))
			return false;
	return true;
}

struct gtype *offsetsdb_type(struct offsetsdb *db, const char *name)
{
	struct dbtype *d = db_find_type(db, name);

	struct gtype *t, *elem;

	if (d)
		return d->t;
	if ((t = gtypes_builtin(db->ts, name)) || (t = gtypes_find(db->ts, name)))
		return t;
	/* Like the DWARF reader: "*X" exists whenever X does. */
	if (name[0] != '*' || !(elem = offsetsdb_type(db, name + 1)))
		return NULL;
	t = gtypes_new_pointer(db->ts, name, elem);
	gtypes_add_named(db->ts, t);
	return t;
}
