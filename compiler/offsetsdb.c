/* offsetsdb.c — the offsets database: a strict YAML reader producing the
 * gotype.h model, and a deterministic writer (bpf-gen).
 *
 * The file is untrusted input as far as the reader is concerned (it is
 * also a fuzz target): every node is checked for shape, every type
 * reference is resolved, sizes are checked against the Go layout rules and
 * types that contain themselves by value are refused, so that the
 * consumers (gtype_align, gtype_field, the resolver) can recurse without
 * guards. The schema is described in bpf-gen/README.md.
 */
#include "offsetsdb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "util.h"
#include "yamltree.h"

/* Bounds well above what any Go runtime needs, low enough that a hostile
 * file cannot make the reader allocate or recurse without end. */
#define DB_MAX_BYTES (64u << 20)
#define DB_MAX_NODES (8u << 20)
#define DB_MAX_DEPTH 16
#define DB_MAX_FIELDS 65536
#define DB_MAX_PARAMS 1024
#define DB_MAX_LABELS 65536
#define DB_MAX_NEST 512          /* types inside types, by value */
#define DB_MAX_SIZE (1ull << 56) /* bytes of one type */

struct dbtype {
	const char *name;
	struct gtype *t;
	const struct ynode *node;
	unsigned char state; /* cycle search: 0 new, 1 on the path, 2 done */
};

/* A variable; gvar first, so a struct dbvar * is a struct gvar *. */
struct dbvar {
	struct gvar v;
	struct offsetsdb_finder find; /* .func NULL: none stored */
};

struct dblabels {
	const char *var;
	struct gp_label *labels;
	uint32_t n;
};

struct offsetsdb {
	const char *go_version;
	struct gtypes *ts;
	struct dbtype *types; /* sorted by name */
	size_t ntypes;
	struct gfunc *funcs;  /* sorted by name */
	size_t nfuncs;
	const char **func_names;
	struct dbvar *vars;   /* sorted by name */
	size_t nvars;
	const char **var_names;
	struct dblabels *labels; /* sorted by var */
	size_t nlabels;
};

/* ---- the YAML tree ---------------------------------------------------------- */

struct rd {
	const char *path;
	struct gtypes *ts;
	struct offsetsdb *db;
	char *err;
};

static bool vfail_at(struct rd *r, uint32_t line, uint32_t col, const char *fmt, va_list ap)
{
	struct strbuf sb = {0};

	if (r->err)
		return false;
	sb_printf(&sb, "%s:%u:%u: ", r->path, line, col);
	sb_vprintf(&sb, fmt, ap);
	r->err = sb_steal(&sb);
	return false;
}

/* Record the first error, located where libyaml puts node y (columns count
 * characters); always returns false. */
static bool fail(struct rd *r, const struct ynode *y, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool fail(struct rd *r, const struct ynode *y, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(r, y ? y->yline : 1, y ? y->ycol : 1, fmt, ap);
	va_end(ap);
	return false;
}

/* The tree of the database's text, or NULL with the error recorded.
 * Anchors and aliases would let a small file expand without bound (and
 * form cycles); tags buy nothing. The writer never emits them. */
static struct ynode *build_tree(struct rd *r, const char *text, size_t len)
{
	static const struct ytree_limits lim = {DB_MAX_NODES, DB_MAX_DEPTH};
	struct srcfile f = {r->path, text, len};
	struct ytext t;
	struct yproblem p;
	struct ynode *root, *at = &(struct ynode){0};

	ytext_init(&t, &f);
	root = ytree_parse(&t, &lim, &p);
	ytext_free(&t);
	if (root)
		return root;
	at->yline = p.yline;
	at->ycol = p.ycol;
	switch (p.kind) {
	case YP_READER:
		fail(r, at, "invalid YAML input at byte %zu: %s", p.offset,
		     p.text ? p.text : "unknown problem");
		break;
	case YP_MEMORY:
	case YP_SYNTAX:
		fail(r, at, "YAML syntax error: %s", p.text ? p.text : "unknown problem");
		break;
	case YP_ALIAS:
		fail(r, at, "YAML aliases are not allowed in an offsets database");
		break;
	case YP_ANCHOR:
	case YP_TAG:
		fail(r, at, "YAML anchors and tags are not allowed in an offsets database");
		break;
	case YP_DOCUMENTS:
		fail(r, at, "an offsets database holds one YAML document");
		break;
	case YP_NODES:
		fail(r, at, "too many YAML nodes (the limit is %u)", DB_MAX_NODES);
		break;
	case YP_DEPTH:
		fail(r, at, "YAML nested too deeply (the limit is %d levels)", DB_MAX_DEPTH);
		break;
	case YP_EMPTY:
		fail(r, NULL, "the offsets database is empty");
		break;
	}
	return NULL;
}

/* ---- node helpers ------------------------------------------------------------ */

static bool want_kind(struct rd *r, const struct ynode *y, enum ykind k, const char *what)
{
	if (y->kind == k)
		return true;
	return fail(r, y, "%s must be %s, not %s", what, ykind_name(k), ykind_name(y->kind));
}

/* Check that a mapping has scalar, distinct keys out of `allowed`. */
static bool check_keys(struct rd *r, const struct ynode *m, const char *what,
		       const char *const *allowed)
{
	for (uint32_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct ynode *k = m->kids[i];
		bool known = false;
		if (k->kind != Y_SCALAR)
			return fail(r, k, "keys of %s must be scalars", what);
		for (size_t a = 0; allowed[a] && !known; a++)
			known = strcmp(allowed[a], k->value) == 0;
		if (!known) {
			struct strbuf sb = {0};
			for (size_t a = 0; allowed[a]; a++)
				sb_printf(&sb, "%s%s", a ? ", " : "", allowed[a]);
			fail(r, k, "unknown key '%s' in %s (expected %s)", k->value, what, sb.buf);
			sb_free(&sb);
			return false;
		}
		for (uint32_t j = 0; j < i; j += 2)
			if (strcmp(m->kids[j]->value, k->value) == 0)
				return fail(r, k, "duplicate key '%s' in %s", k->value, what);
	}
	return true;
}

static const struct ynode *need(struct rd *r, const struct ynode *m, const char *key,
				const char *what)
{
	const struct ynode *v = ymap_get(m, key);

	if (!v)
		fail(r, m, "%s lacks '%s'", what, key);
	return v;
}

static const char *scalar(struct rd *r, const struct ynode *y, const char *what)
{
	if (!want_kind(r, y, Y_SCALAR, what))
		return NULL;
	if (strlen(y->value) != y->vlen) {
		fail(r, y, "%s contains a NUL character", what);
		return NULL;
	}
	return y->value;
}

static bool get_u64(struct rd *r, const struct ynode *y, const char *what, uint64_t max,
		    uint64_t *v)
{
	const char *s = scalar(r, y, what);
	uint64_t x = 0;

	if (!s)
		return false;
	if (!*s)
		return fail(r, y, "%s must be a number", what);
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return fail(r, y, "%s must be a decimal number, not '%s'", what, s);
		if (x > (max - (uint64_t)(*p - '0')) / 10)
			return fail(r, y, "%s %s is too large (the limit is %llu)", what, s,
				    (unsigned long long)max);
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return true;
}

static bool get_bool(struct rd *r, const struct ynode *y, const char *what, bool *v)
{
	const char *s = scalar(r, y, what);

	if (!s)
		return false;
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
		*v = s[0] == 't';
		return true;
	}
	return fail(r, y, "%s must be true or false, not '%s'", what, s);
}

/* ---- types ------------------------------------------------------------------- */

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

static struct dbtype *db_find_type(const struct offsetsdb *db, const char *name)
{
	struct dbtype key = {.name = name};

	if (!db->ntypes)
		return NULL;
	return bsearch(&key, db->types, db->ntypes, sizeof(key), cmp_dbtype);
}

/* A type reference: the database's own types first, then Go's builtins. */
static struct gtype *ref(struct rd *r, const struct ynode *y, const char *what)
{
	const char *name = scalar(r, y, what);
	struct dbtype *d;
	struct gtype *t;

	if (!name)
		return NULL;
	d = db_find_type(r->db, name);
	if (d)
		return d->t;
	t = gtypes_builtin(r->ts, name);
	if (!t) {
		fail(r, y, "unknown type '%s' (%s)", name, what);
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
	const char *name = scalar(r, k, "a type name");
	const struct ynode *kn, *sn;
	uint64_t size;
	int kind = -1;

	if (!name)
		return false;
	if (!*name)
		return fail(r, k, "a type name must not be empty");
	if (!want_kind(r, v, Y_MAP, "a type"))
		return false;
	if (!(kn = need(r, v, "kind", "a type")) || !(sn = need(r, v, "size", "a type")))
		return false;
	const char *ks = scalar(r, kn, "kind");
	if (!ks)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (strcmp(kind_names[i], ks) == 0)
			kind = (int)i;
	if (kind < 0)
		return fail(r, kn, "unknown kind '%s' of type '%s' (expected bool, int, uint, float, "
			    "complex, string, ptr, func, slice, array, struct, iface, map, chan "
			    "or invalid)", ks, name);
	if (!get_u64(r, sn, "size", DB_MAX_SIZE, &size))
		return false;
	if (!size_ok(kind, size))
		return fail(r, sn, "size %llu is impossible for %s type '%s'",
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

	if (!want_kind(r, fs, Y_SEQ, "fields"))
		return false;
	if (fs->nkids > DB_MAX_FIELDS)
		return fail(r, fs, "type '%s' has too many fields (the limit is %u)", t->name,
			    DB_MAX_FIELDS);
	t->fields = gtypes_alloc_fields(r->ts, fs->nkids);
	t->nfields = fs->nkids;
	for (uint32_t i = 0; i < fs->nkids; i++) {
		const struct ynode *f = fs->kids[i], *n, *o, *ty, *e;
		struct gfield *gf = &t->fields[i];
		const char *name;
		if (!want_kind(r, f, Y_MAP, "a field") || !check_keys(r, f, "a field", keys))
			return false;
		if (!(n = need(r, f, "name", "a field")) || !(o = need(r, f, "offset", "a field")) ||
		    !(ty = need(r, f, "type", "a field")))
			return false;
		if (!(name = scalar(r, n, "a field name")) ||
		    !get_u64(r, o, "a field offset", DB_MAX_SIZE, &gf->offset) ||
		    !(gf->type = ref(r, ty, "a field type")))
			return false;
		if ((e = ymap_get(f, "embedded")) && !get_bool(r, e, "embedded", &gf->embedded))
			return false;
		gf->name = gtypes_intern(r->ts, name);
		if (gf->offset + gf->type->size > t->size)
			return fail(r, f, "field '%s' (offset %llu, size %llu) lies outside type '%s' "
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
			return fail(r, y, "only opaque types carry 'align' ('%s' has fields)", t->name);
		return true;
	}
	if (!y)
		return fail(r, v, "opaque type '%s' lacks 'align'", t->name);
	if (!get_u64(r, y, "align", 8, &a))
		return false;
	if ((a != 1 && a != 2 && a != 4 && a != 8) || t->size % a)
		return fail(r, y, "align %llu is impossible for type '%s' of size %llu",
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

	if (!check_keys(r, v, "a type", kind_keys(t->kind)))
		return false;
	if ((y = ymap_get(v, "elem")) && !(t->elem = ref(r, y, "elem")))
		return false;
	if ((y = ymap_get(v, "key")) && !(t->key = ref(r, y, "key")))
		return false;
	if ((t->kind == GK_SLICE || t->kind == GK_ARRAY || t->kind == GK_MAP ||
	     t->kind == GK_CHAN) && !t->elem)
		return fail(r, v, "%s type '%s' lacks 'elem'", kind_names[t->kind], t->name);
	if (t->kind == GK_MAP && !t->key)
		return fail(r, v, "map type '%s' lacks 'key'", t->name);
	if ((y = ymap_get(v, "empty")) && !get_bool(r, y, "empty", &t->empty_iface))
		return false;
	if ((y = ymap_get(v, "opaque")) && !get_bool(r, y, "opaque", &opaque))
		return false;
	t->opaque = opaque;
	y = ymap_get(v, "fields");
	if (y && opaque)
		return fail(r, y, "opaque type '%s' must not list fields", t->name);
	if (!y && !opaque && (t->kind == GK_STRUCT || t->kind == GK_STRING ||
			      t->kind == GK_SLICE || t->kind == GK_IFACE))
		return fail(r, v, "%s type '%s' lacks 'fields' (or 'opaque: true')",
			    kind_names[t->kind], t->name);
	if (y && !link_fields(r, t, y))
		return false;
	if (t->kind == GK_STRUCT && !link_align(r, t, v, opaque))
		return false;
	if (t->kind == GK_ARRAY) {
		if (!(y = need(r, v, "len", "an array type")) ||
		    !get_u64(r, y, "len", DB_MAX_SIZE, &t->len))
			return false;
		if (t->elem->size && t->len > t->size / t->elem->size)
			return fail(r, v, "array type '%s' has size %llu, not len %llu x %llu",
				    t->name, (unsigned long long)t->size,
				    (unsigned long long)t->len, (unsigned long long)t->elem->size);
		if (t->len * t->elem->size != t->size)
			return fail(r, v, "array type '%s' has size %llu, not len %llu x %llu",
				    t->name, (unsigned long long)t->size,
				    (unsigned long long)t->len, (unsigned long long)t->elem->size);
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
		return fail(r, d->node, "type '%s' contains itself", d->name);
	if (depth > DB_MAX_NEST)
		return fail(r, d->node, "types nested more than %d deep at '%s'", DB_MAX_NEST,
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

static bool read_types(struct rd *r, const struct ynode *m)
{
	struct offsetsdb *db = r->db;

	if (!want_kind(r, m, Y_MAP, "types"))
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
			return fail(r, a->yline > b->yline ? a : b, "type '%s' is defined twice",
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

/* ---- functions, variables, labels -------------------------------------------- */

static int cmp_func(const void *a, const void *b)
{
	return strcmp(((const struct gfunc *)a)->name, ((const struct gfunc *)b)->name);
}

static int cmp_var(const void *a, const void *b)
{
	return strcmp(((const struct dbvar *)a)->v.name, ((const struct dbvar *)b)->v.name);
}

static int cmp_labels(const void *a, const void *b)
{
	return strcmp(((const struct dblabels *)a)->var, ((const struct dblabels *)b)->var);
}

static bool read_params(struct rd *r, const struct ynode *seq, struct gfunc *f, bool result)
{
	static const char *const keys[] = {"name", "type", NULL};

	if (!want_kind(r, seq, Y_SEQ, result ? "results" : "args"))
		return false;
	if (f->nparams + seq->nkids > DB_MAX_PARAMS)
		return fail(r, seq, "function '%s' has too many parameters (the limit is %u)",
			    f->name, DB_MAX_PARAMS);
	for (uint32_t i = 0; i < seq->nkids; i++) {
		const struct ynode *p = seq->kids[i], *n, *ty;
		struct gparam *gp = &f->params[f->nparams];
		const char *name;
		if (!want_kind(r, p, Y_MAP, "a parameter") || !check_keys(r, p, "a parameter", keys))
			return false;
		if (!(n = need(r, p, "name", "a parameter")) || !(ty = need(r, p, "type", "a parameter")))
			return false;
		if (!(name = scalar(r, n, "a parameter name")) ||
		    !(gp->type = ref(r, ty, "a parameter type")))
			return false;
		gp->name = gtypes_intern(r->ts, name);
		gp->result = result;
		f->nparams++;
	}
	return true;
}

static bool read_func(struct rd *r, const struct ynode *k, const struct ynode *v, struct gfunc *f)
{
	static const char *const keys[] = {"args", "results", NULL};
	const struct ynode *args, *res;
	const char *name = scalar(r, k, "a function name");

	if (!name)
		return false;
	if (!want_kind(r, v, Y_MAP, "a function") || !check_keys(r, v, "a function", keys))
		return false;
	f->name = gtypes_intern(r->ts, name);
	args = ymap_get(v, "args");
	res = ymap_get(v, "results");
	f->has_params = args || res;
	f->params = xcalloc(DB_MAX_PARAMS, sizeof(*f->params));
	if (args && !read_params(r, args, f, false))
		return false;
	f->nargs = f->nparams;
	if (res && !read_params(r, res, f, true))
		return false;
	f->params = xrealloc(f->params, (f->nparams + 1) * sizeof(*f->params));
	return true;
}

static bool no_dups(struct rd *r, const struct ynode *m, const char *const *names, size_t n,
		    const char *what)
{
	for (size_t i = 1; i < n; i++) {
		if (strcmp(names[i - 1], names[i]) != 0)
			continue;
		/* Locate the second definition in the file. */
		const struct ynode *at = m;
		int seen = 0;
		for (uint32_t j = 0; j + 1 < m->nkids && seen < 2; j += 2)
			if (strcmp(m->kids[j]->value, names[i]) == 0 && ++seen == 2)
				at = m->kids[j];
		return fail(r, at, "%s '%s' is defined twice", what, names[i]);
	}
	return true;
}

static bool read_funcs(struct rd *r, const struct ynode *m)
{
	struct offsetsdb *db = r->db;

	if (!want_kind(r, m, Y_MAP, "functions"))
		return false;
	db->funcs = xcalloc(m->nkids / 2 + 1, sizeof(*db->funcs));
	for (uint32_t i = 0; i + 1 < m->nkids; i += 2) {
		bool ok = read_func(r, m->kids[i], m->kids[i + 1], &db->funcs[db->nfuncs]);
		if (db->funcs[db->nfuncs].params)
			db->nfuncs++; /* owned now, freed with the database */
		if (!ok)
			return false;
	}
	qsort(db->funcs, db->nfuncs, sizeof(*db->funcs), cmp_func);
	db->func_names = xcalloc(db->nfuncs + 1, sizeof(char *));
	for (size_t i = 0; i < db->nfuncs; i++)
		db->func_names[i] = db->funcs[i].name;
	return no_dups(r, m, db->func_names, db->nfuncs, "function");
}

static bool get_i64(struct rd *r, const struct ynode *y, const char *what, int64_t *v)
{
	uint64_t u;
	bool neg = y->kind == Y_SCALAR && y->value[0] == '-';
	struct ynode abs = *y;

	if (neg) {
		abs.value++;
		abs.vlen--;
	}
	if (!get_u64(r, &abs, what, DB_MAX_SIZE, &u))
		return false;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return true;
}

/* find: {func: F, ref: N, delta: D} (struct offsetsdb_finder). */
static bool read_finder(struct rd *r, const struct ynode *y, struct offsetsdb_finder *fd)
{
	static const char *const keys[] = {"func", "ref", "delta", NULL};
	const struct ynode *fn, *ref, *delta;
	const char *name;
	uint64_t k;

	if (!want_kind(r, y, Y_MAP, "find") || !check_keys(r, y, "find", keys))
		return false;
	if (!(fn = need(r, y, "func", "find")) || !(ref = need(r, y, "ref", "find")) ||
	    !(delta = need(r, y, "delta", "find")))
		return false;
	if (!(name = scalar(r, fn, "find.func")) || !get_u64(r, ref, "find.ref", 1u << 20, &k) ||
	    !get_i64(r, delta, "find.delta", &fd->delta))
		return false;
	if (!*name)
		return fail(r, fn, "find.func must name a function");
	fd->func = gtypes_intern(r->ts, name);
	fd->ref = (uint32_t)k;
	return true;
}

static bool read_vars(struct rd *r, const struct ynode *m)
{
	static const char *const keys[] = {"type", "find", NULL};
	struct offsetsdb *db = r->db;

	if (!want_kind(r, m, Y_MAP, "variables"))
		return false;
	db->vars = xcalloc(m->nkids / 2 + 1, sizeof(*db->vars));
	for (uint32_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct ynode *k = m->kids[i], *v = m->kids[i + 1], *ty, *fd;
		struct dbvar *dv = &db->vars[db->nvars];
		const char *name = scalar(r, k, "a variable name");
		if (!name || !want_kind(r, v, Y_MAP, "a variable") ||
		    !check_keys(r, v, "a variable", keys) || !(ty = need(r, v, "type", "a variable")) ||
		    !(dv->v.type = ref(r, ty, "a variable type")))
			return false;
		if ((fd = ymap_get(v, "find")) && !read_finder(r, fd, &dv->find))
			return false;
		dv->v.name = gtypes_intern(r->ts, name);
		db->nvars++;
	}
	qsort(db->vars, db->nvars, sizeof(*db->vars), cmp_var);
	db->var_names = xcalloc(db->nvars + 1, sizeof(char *));
	for (size_t i = 0; i < db->nvars; i++)
		db->var_names[i] = db->vars[i].v.name;
	return no_dups(r, m, db->var_names, db->nvars, "variable");
}

static bool read_labels(struct rd *r, const struct ynode *m)
{
	struct offsetsdb *db = r->db;
	const char **names;
	bool ok;

	if (!want_kind(r, m, Y_MAP, "labels"))
		return false;
	db->labels = xcalloc(m->nkids / 2 + 1, sizeof(*db->labels));
	for (uint32_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct ynode *k = m->kids[i], *v = m->kids[i + 1];
		struct dblabels *l = &db->labels[db->nlabels];
		const char *name = scalar(r, k, "a label table name");
		if (!name || !want_kind(r, v, Y_SEQ, "a label table"))
			return false;
		if (v->nkids > DB_MAX_LABELS)
			return fail(r, v, "label table '%s' is too long (the limit is %u)", name,
				    DB_MAX_LABELS);
		l->var = gtypes_intern(r->ts, name);
		l->labels = xcalloc(v->nkids + 1, sizeof(*l->labels));
		db->nlabels++;
		for (uint32_t j = 0; j < v->nkids; j++) {
			const char *s = scalar(r, v->kids[j], "a label");
			if (!s)
				return false;
			l->labels[j] = (struct gp_label){j, gtypes_intern(r->ts, s)};
		}
		l->n = v->nkids;
	}
	qsort(db->labels, db->nlabels, sizeof(*db->labels), cmp_labels);
	names = xcalloc(db->nlabels + 1, sizeof(char *));
	for (size_t i = 0; i < db->nlabels; i++)
		names[i] = db->labels[i].var;
	ok = no_dups(r, m, names, db->nlabels, "label table");
	free(names);
	return ok;
}

static bool read_root(struct rd *r, const struct ynode *root)
{
	static const char *const keys[] = {"go", "functions", "types", "variables", "labels", NULL};
	const struct ynode *y;
	const char *go;

	if (!want_kind(r, root, Y_MAP, "an offsets database") ||
	    !check_keys(r, root, "an offsets database", keys))
		return false;
	if (!(y = need(r, root, "go", "the offsets database")) || !(go = scalar(r, y, "go")))
		return false;
	if (strncmp(go, "go1.", 4) != 0 || go[4] < '0' || go[4] > '9')
		return fail(r, y, "go must be a Go version like go1.22.5, not '%s'", go);
	r->db->go_version = gtypes_intern(r->ts, go);
	/* Types first: everything else refers to them. */
	if ((y = ymap_get(root, "types")) && !read_types(r, y))
		return false;
	if ((y = ymap_get(root, "functions")) && !read_funcs(r, y))
		return false;
	if ((y = ymap_get(root, "variables")) && !read_vars(r, y))
		return false;
	if ((y = ymap_get(root, "labels")) && !read_labels(r, y))
		return false;
	return true;
}

int offsetsdb_parse(const char *path, const char *text, size_t len, struct gtypes *ts,
		    struct offsetsdb **out, char **err)
{
	struct rd r = {.path = path ? path : "<offsets database>", .ts = ts};
	struct ynode *root;
	bool ok = false;

	*out = NULL;
	if (err)
		*err = NULL;
	r.db = xcalloc(1, sizeof(*r.db));
	r.db->ts = ts;
	if (len > DB_MAX_BYTES) {
		fail(&r, NULL, "offsets database is too large (%zu bytes; the limit is %u)", len,
		     DB_MAX_BYTES);
	} else if ((root = build_tree(&r, text, len))) {
		ok = read_root(&r, root);
		ynode_free(root);
	}
	if (!ok) {
		offsetsdb_close(r.db);
		if (err)
			*err = r.err;
		else
			free(r.err);
		return -EINVAL;
	}
	/* Published only once everything checked out: a bad file leaves no
	 * half-built type findable by name. */
	for (size_t i = 0; i < r.db->ntypes; i++) {
		gtype_align(r.db->types[i].t);
		gtypes_add_named(ts, r.db->types[i].t);
	}
	*out = r.db;
	return 0;
}

void offsetsdb_close(struct offsetsdb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->nfuncs; i++)
		free(db->funcs[i].params);
	for (size_t i = 0; i < db->nlabels; i++)
		free(db->labels[i].labels);
	free(db->types);
	free(db->funcs);
	free(db->func_names);
	free(db->vars);
	free(db->var_names);
	free(db->labels);
	free(db);
}

const char *offsetsdb_go_version(const struct offsetsdb *db)
{
	return db->go_version;
}

const struct gfunc *offsetsdb_func(struct offsetsdb *db, const char *name)
{
	struct gfunc key = {.name = name};

	return db->nfuncs ? bsearch(&key, db->funcs, db->nfuncs, sizeof(key), cmp_func) : NULL;
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

static struct dbvar *find_var(struct offsetsdb *db, const char *name)
{
	struct dbvar key = {.v.name = name};

	return db->nvars ? bsearch(&key, db->vars, db->nvars, sizeof(key), cmp_var) : NULL;
}

const struct gvar *offsetsdb_var(struct offsetsdb *db, const char *name)
{
	struct dbvar *v = find_var(db, name);

	return v ? &v->v : NULL;
}

const struct offsetsdb_finder *offsetsdb_var_finder(struct offsetsdb *db, const char *var)
{
	struct dbvar *v = find_var(db, var);

	return v && v->find.func ? &v->find : NULL;
}

const struct gp_label *offsetsdb_labels(struct offsetsdb *db, const char *var, uint32_t *n)
{
	struct dblabels key = {.var = var}, *l;

	l = db->nlabels ? bsearch(&key, db->labels, db->nlabels, sizeof(key), cmp_labels) : NULL;
	if (!l)
		return NULL;
	*n = l->n;
	return l->labels;
}

size_t offsetsdb_func_names(struct offsetsdb *db, const char *const **names)
{
	*names = db->func_names;
	return db->nfuncs;
}

size_t offsetsdb_var_names(struct offsetsdb *db, const char *const **names)
{
	*names = db->var_names;
	return db->nvars;
}

/* ---- embedded databases -------------------------------------------------------- */

/* Minor version of "go1.22.12", "go1.22", "go1.23rc1"; -1 if not Go 1.x. */
static int go_minor(const char *v)
{
	int m = 0, digits = 0;

	if (!v || strncmp(v, "go1.", 4) != 0)
		return -1;
	for (v += 4; *v >= '0' && *v <= '9' && digits < 4; v++, digits++)
		m = m * 10 + (*v - '0');
	return digits ? m : -1;
}

static int embedded_minor(const struct embedded_file *f)
{
	const char *dot = strstr(f->name, ".yaml");

	return dot && strcmp(dot, ".yaml") == 0 ? go_minor(f->name) : -1;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

const char *offsetsdb_embedded_versions(void)
{
	static char *versions;

	if (!versions) {
		struct strbuf sb = {0};
		int *m = xcalloc(gp_n_embedded_dbs + 1, sizeof(int));
		size_t n = 0;
		for (size_t i = 0; i < gp_n_embedded_dbs; i++)
			if ((m[n] = embedded_minor(&gp_embedded_dbs[i])) >= 0)
				n++;
		qsort(m, n, sizeof(int), cmp_int);
		sb_puts(&sb, "");
		for (size_t i = 0; i < n; i++)
			sb_printf(&sb, "%s1.%d", i ? " " : "", m[i]);
		free(m);
		versions = sb_steal(&sb);
	}
	return versions;
}

int offsetsdb_open_embedded(const char *go_version, struct gtypes *ts, struct offsetsdb **out,
			    char **err)
{
	int minor = go_minor(go_version);

	*out = NULL;
	for (size_t i = 0; minor >= 0 && i < gp_n_embedded_dbs; i++) {
		const struct embedded_file *f = &gp_embedded_dbs[i];
		int rc;
		if (embedded_minor(f) != minor)
			continue;
		rc = offsetsdb_parse(f->name, f->data, f->len, ts, out, err);
		if (rc == 0 && go_minor((*out)->go_version) != minor) {
			*err = xasprintf("the embedded offsets database %s records %s, not Go 1.%d",
					 f->name, (*out)->go_version, minor);
			offsetsdb_close(*out);
			*out = NULL;
			return -EINVAL;
		}
		return rc;
	}
	if (*offsetsdb_embedded_versions())
		*err = xasprintf("gprobe has no offsets database for %s (it has Go %s); add the "
				 "version to bpf-gen and regenerate with `make gen` "
				 "(bpf-gen/README.md)",
				 go_version ? go_version : "an unknown Go version",
				 offsetsdb_embedded_versions());
	else
		*err = xasprintf("gprobe was built without offsets databases (none for %s); "
				 "regenerate them with `make gen` (bpf-gen/README.md)",
				 go_version ? go_version : "an unknown Go version");
	return -ENOENT;
}
