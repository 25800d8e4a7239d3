/* offsetsdb.c — the offsets database: a strict YAML reader producing the
 * gotype.h model (the writer is offsetsdb_write.c). This file holds the
 * reader's frame: the YAML tree, the node checks, the root and the
 * database's lifetime; offsetsdb_types.c reads the types,
 * offsetsdb_funcs.c the functions, variables and label tables.
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

#include "offsetsdb_int.h"
#include "util.h"

/* ---- the YAML tree ---------------------------------------------------------- */

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

bool db_fail(struct rd *r, const struct ynode *y, const char *fmt, ...)
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
		db_fail(r, at, "invalid YAML input at byte %zu: %s", p.offset,
			p.text ? p.text : "unknown problem");
		break;
	case YP_MEMORY:
	case YP_SYNTAX:
		db_fail(r, at, "YAML syntax error: %s", p.text ? p.text : "unknown problem");
		break;
	case YP_ALIAS:
		db_fail(r, at, "YAML aliases are not allowed in an offsets database");
		break;
	case YP_ANCHOR:
	case YP_TAG:
		db_fail(r, at, "YAML anchors and tags are not allowed in an offsets database");
		break;
	case YP_DOCUMENTS:
		db_fail(r, at, "an offsets database holds one YAML document");
		break;
	case YP_NODES:
		db_fail(r, at, "too many YAML nodes (the limit is %u)", DB_MAX_NODES);
		break;
	case YP_DEPTH:
		db_fail(r, at, "YAML nested too deeply (the limit is %d levels)", DB_MAX_DEPTH);
		break;
	case YP_EMPTY:
		db_fail(r, NULL, "the offsets database is empty");
		break;
	}
	return NULL;
}

/* ---- node helpers ------------------------------------------------------------ */

bool db_want_kind(struct rd *r, const struct ynode *y, enum ykind k, const char *what)
{
	if (y->kind == k)
		return true;
	return db_fail(r, y, "%s must be %s, not %s", what, ykind_name(k), ykind_name(y->kind));
}

bool db_check_keys(struct rd *r, const struct ynode *m, const char *what,
		   const char *const *allowed)
{
	for (uint32_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct ynode *k = m->kids[i];
		bool known = false;
		if (k->kind != Y_SCALAR)
			return db_fail(r, k, "keys of %s must be scalars", what);
		for (size_t a = 0; allowed[a] && !known; a++)
			known = strcmp(allowed[a], k->value) == 0;
		if (!known) {
			struct strbuf sb = {0};
			for (size_t a = 0; allowed[a]; a++)
				sb_printf(&sb, "%s%s", a ? ", " : "", allowed[a]);
			db_fail(r, k, "unknown key '%s' in %s (expected %s)", k->value, what,
				sb.buf);
			sb_free(&sb);
			return false;
		}
		for (uint32_t j = 0; j < i; j += 2)
			if (strcmp(m->kids[j]->value, k->value) == 0)
				return db_fail(r, k, "duplicate key '%s' in %s", k->value, what);
	}
	return true;
}

const struct ynode *db_need(struct rd *r, const struct ynode *m, const char *key,
			    const char *what)
{
	const struct ynode *v = ymap_get(m, key);

	if (!v)
		db_fail(r, m, "%s lacks '%s'", what, key);
	return v;
}

const char *db_scalar(struct rd *r, const struct ynode *y, const char *what)
{
	if (!db_want_kind(r, y, Y_SCALAR, what))
		return NULL;
	if (strlen(y->value) != y->vlen) {
		db_fail(r, y, "%s contains a NUL character", what);
		return NULL;
	}
	return y->value;
}

bool db_get_u64(struct rd *r, const struct ynode *y, const char *what, uint64_t max,
		uint64_t *v)
{
	const char *s = db_scalar(r, y, what);
	uint64_t x = 0;

	if (!s)
		return false;
	if (!*s)
		return db_fail(r, y, "%s must be a number", what);
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return db_fail(r, y, "%s must be a decimal number, not '%s'", what, s);
		if (x > (max - (uint64_t)(*p - '0')) / 10)
			return db_fail(r, y, "%s %s is too large (the limit is %llu)", what, s,
				       (unsigned long long)max);
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return true;
}

bool db_get_bool(struct rd *r, const struct ynode *y, const char *what, bool *v)
{
	const char *s = db_scalar(r, y, what);

	if (!s)
		return false;
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
		*v = s[0] == 't';
		return true;
	}
	return db_fail(r, y, "%s must be true or false, not '%s'", what, s);
}

/* ---- the root ------------------------------------------------------------- */

static bool read_root(struct rd *r, const struct ynode *root)
{
	static const char *const keys[] = {"go", "functions", "types", "variables", "labels", NULL};
	const struct ynode *y;
	const char *go;

	if (!db_want_kind(r, root, Y_MAP, "an offsets database") ||
	    !db_check_keys(r, root, "an offsets database", keys))
		return false;
	if (!(y = db_need(r, root, "go", "the offsets database")) || !(go = db_scalar(r, y, "go")))
		return false;
	if (strncmp(go, "go1.", 4) != 0 || go[4] < '0' || go[4] > '9')
		return db_fail(r, y, "go must be a Go version like go1.22.5, not '%s'", go);
	r->db->go_version = gtypes_intern(r->ts, go);
	/* Types first: everything else refers to them. */
	if ((y = ymap_get(root, "types")) && !db_read_types(r, y))
		return false;
	if ((y = ymap_get(root, "functions")) && !db_read_funcs(r, y))
		return false;
	if ((y = ymap_get(root, "variables")) && !db_read_vars(r, y))
		return false;
	if ((y = ymap_get(root, "labels")) && !db_read_labels(r, y))
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
		db_fail(&r, NULL, "offsets database is too large (%zu bytes; the limit is %u)", len,
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
