/* offsetsdb_funcs.c — what an offsets database says of functions (their
 * parameters and results), package variables (their types and how to find
 * them in a stripped binary) and label tables, and their lookups
 * (offsetsdb.h). */
#include "offsetsdb.h"

#include <stdlib.h>
#include <string.h>

#include "offsetsdb_int.h"
#include "util.h"

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

	if (!db_want_kind(r, seq, Y_SEQ, result ? "results" : "args"))
		return false;
	if (f->nparams + seq->nkids > DB_MAX_PARAMS)
		return db_fail(r, seq, "function '%s' has too many parameters (the limit is %u)",
			       f->name, DB_MAX_PARAMS);
	for (uint32_t i = 0; i < seq->nkids; i++) {
		const struct ynode *p = seq->kids[i], *n, *ty;
		struct gparam *gp = &f->params[f->nparams];
		const char *name;
		if (!db_want_kind(r, p, Y_MAP, "a parameter") || !db_check_keys(r, p, "a parameter", keys))
			return false;
		if (!(n = db_need(r, p, "name", "a parameter")) || !(ty = db_need(r, p, "type", "a parameter")))
			return false;
		if (!(name = db_scalar(r, n, "a parameter name")) ||
		    !(gp->type = db_ref(r, ty, "a parameter type")))
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
	const char *name = db_scalar(r, k, "a function name");

	if (!name)
		return false;
	if (!db_want_kind(r, v, Y_MAP, "a function") || !db_check_keys(r, v, "a function", keys))
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
		return db_fail(r, at, "%s '%s' is defined twice", what, names[i]);
	}
	return true;
}

bool db_read_funcs(struct rd *r, const struct ynode *m)
{
	struct offsetsdb *db = r->db;

	if (!db_want_kind(r, m, Y_MAP, "functions"))
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
	if (!db_get_u64(r, &abs, what, DB_MAX_SIZE, &u))
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

	if (!db_want_kind(r, y, Y_MAP, "find") || !db_check_keys(r, y, "find", keys))
		return false;
	if (!(fn = db_need(r, y, "func", "find")) || !(ref = db_need(r, y, "ref", "find")) ||
	    !(delta = db_need(r, y, "delta", "find")))
		return false;
	if (!(name = db_scalar(r, fn, "find.func")) ||
	    !db_get_u64(r, ref, "find.ref", 1u << 20, &k) ||
	    !get_i64(r, delta, "find.delta", &fd->delta))
		return false;
	if (!*name)
		return db_fail(r, fn, "find.func must name a function");
	fd->func = gtypes_intern(r->ts, name);
	fd->ref = (uint32_t)k;
	return true;
}

bool db_read_vars(struct rd *r, const struct ynode *m)
{
	static const char *const keys[] = {"type", "find", NULL};
	struct offsetsdb *db = r->db;

	if (!db_want_kind(r, m, Y_MAP, "variables"))
		return false;
	db->vars = xcalloc(m->nkids / 2 + 1, sizeof(*db->vars));
	for (uint32_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct ynode *k = m->kids[i], *v = m->kids[i + 1], *ty, *fd;
		struct dbvar *dv = &db->vars[db->nvars];
		const char *name = db_scalar(r, k, "a variable name");
		if (!name || !db_want_kind(r, v, Y_MAP, "a variable") ||
		    !db_check_keys(r, v, "a variable", keys) || !(ty = db_need(r, v, "type", "a variable")) ||
		    !(dv->v.type = db_ref(r, ty, "a variable type")))
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

bool db_read_labels(struct rd *r, const struct ynode *m)
{
	struct offsetsdb *db = r->db;
	const char **names;
	bool ok;

	if (!db_want_kind(r, m, Y_MAP, "labels"))
		return false;
	db->labels = xcalloc(m->nkids / 2 + 1, sizeof(*db->labels));
	for (uint32_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct ynode *k = m->kids[i], *v = m->kids[i + 1];
		struct dblabels *l = &db->labels[db->nlabels];
		const char *name = db_scalar(r, k, "a label table name");
		if (!name || !db_want_kind(r, v, Y_SEQ, "a label table"))
			return false;
		if (v->nkids > DB_MAX_LABELS)
			return db_fail(r, v, "label table '%s' is too long (the limit is %u)", name,
				       DB_MAX_LABELS);
		l->var = gtypes_intern(r->ts, name);
		l->labels = xcalloc(v->nkids + 1, sizeof(*l->labels));
		db->nlabels++;
		for (uint32_t j = 0; j < v->nkids; j++) {
			const char *s = db_scalar(r, v->kids[j], "a label");
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

/* ---- lookups --------------------------------------------------------------- */

const struct gfunc *offsetsdb_func(struct offsetsdb *db, const char *name)
{
	struct gfunc key = {.name = name};

	return db->nfuncs ? bsearch(&key, db->funcs, db->nfuncs, sizeof(key), cmp_func) : NULL;
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
