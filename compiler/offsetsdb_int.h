/* offsetsdb_int.h — what the offsets-database reader's files share beyond
 * offsetsdb.h: the database's struct, the reader's state and error, and
 * the checked accessors of YAML nodes. offsetsdb.c holds the frame (the
 * YAML tree, the node checks, the root, parsing and closing),
 * offsetsdb_types.c the type schema, offsetsdb_funcs.c functions,
 * variables and label tables, offsetsdb_embedded.c the databases built
 * into gprobe. Not a public face: nothing outside compiler/offsetsdb*.c
 * includes it. */
#ifndef GPROBE_OFFSETSDB_INT_H
#define GPROBE_OFFSETSDB_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "offsetsdb.h"
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

/* The reader's state: the first error wins (db_fail). */
struct rd {
	const char *path;
	struct gtypes *ts;
	struct offsetsdb *db;
	char *err;
};

/* ---- node checks (offsetsdb.c) --------------------------------------------- */

/* Record the first error, located where libyaml puts node y (columns count
 * characters); always returns false. */
bool db_fail(struct rd *r, const struct ynode *y, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool db_want_kind(struct rd *r, const struct ynode *y, enum ykind k, const char *what);
/* Check that a mapping has scalar, distinct keys out of `allowed`. */
bool db_check_keys(struct rd *r, const struct ynode *m, const char *what,
		   const char *const *allowed);
/* The value of `key` in m, or NULL with "WHAT lacks 'KEY'" recorded. */
const struct ynode *db_need(struct rd *r, const struct ynode *m, const char *key,
			    const char *what);
const char *db_scalar(struct rd *r, const struct ynode *y, const char *what);
bool db_get_u64(struct rd *r, const struct ynode *y, const char *what, uint64_t max,
		uint64_t *v);
bool db_get_bool(struct rd *r, const struct ynode *y, const char *what, bool *v);

/* ---- types (offsetsdb_types.c) --------------------------------------------- */

bool db_read_types(struct rd *r, const struct ynode *m);
struct dbtype *db_find_type(const struct offsetsdb *db, const char *name);
/* A type reference: the database's own types first, then Go's builtins. */
struct gtype *db_ref(struct rd *r, const struct ynode *y, const char *what);

/* ---- functions, variables, labels (offsetsdb_funcs.c) ---------------------- */

bool db_read_funcs(struct rd *r, const struct ynode *m);
bool db_read_vars(struct rd *r, const struct ynode *m);
bool db_read_labels(struct rd *r, const struct ynode *m);

#endif
