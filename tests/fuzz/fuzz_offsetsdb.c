/* fuzz_offsetsdb.c — the offsets-database reader (compiler/offsetsdb*.c).
 *
 * Any text is either rejected with a message or gives a database whose
 * every listed function, variable and label table can be fetched, with
 * types that can be walked. Seeds: the committed databases (bpf-gen/db).
 */
#include <stdio.h>
#include <stdlib.h>

#include "gotype.h"
#include "offsetsdb.h"

static void walk_type(const struct gtype *t, int depth)
{
	if (!t || depth > 6)
		return;
	(void)gtype_align((struct gtype *)t);
	for (uint32_t i = 0; i < t->nfields; i++)
		walk_type(t->fields[i].type, depth + 1);
	walk_type(t->elem, depth + 1);
	walk_type(t->key, depth + 1);
}

static void query(struct offsetsdb *db)
{
	const char *const *names;
	size_t n;
	uint32_t nl;

	(void)offsetsdb_go_version(db);
	n = offsetsdb_func_names(db, &names);
	for (size_t i = 0; i < n; i++) {
		const struct gfunc *f = offsetsdb_func(db, names[i]);

		if (!f) {
			fprintf(stderr, "listed function %s not found\n", names[i]);
			abort();
		}
		for (uint32_t k = 0; k < f->nparams; k++)
			walk_type(f->params[k].type, 0);
	}
	n = offsetsdb_var_names(db, &names);
	for (size_t i = 0; i < n; i++) {
		const struct gvar *v = offsetsdb_var(db, names[i]);

		if (!v) {
			fprintf(stderr, "listed variable %s not found\n", names[i]);
			abort();
		}
		walk_type(v->type, 0);
		(void)offsetsdb_labels(db, names[i], &nl);
	}
	walk_type(offsetsdb_type(db, "runtime.g"), 0);
	walk_type(offsetsdb_type(db, "*runtime.m"), 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gtypes *ts = gtypes_new();
	struct offsetsdb *db = NULL;
	char *err = NULL;

	if (offsetsdb_parse("fuzz.yaml", (const char *)data, size, ts, &db, &err) == 0) {
		if (!db) {
			fprintf(stderr, "offsetsdb_parse: success without a database\n");
			abort();
		}
		query(db);
		offsetsdb_close(db);
	} else if (!err) {
		fprintf(stderr, "offsetsdb_parse: failure without a message\n");
		abort();
	}
	free(err);
	gtypes_free(ts);
	return 0;
}
