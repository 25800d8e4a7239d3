/* offsetsdb.c — PLACEHOLDER by the lead so the tree links; the db engineer
 * replaces this whole file with the real reader and writer. */
#include "offsetsdb.h"

#include <errno.h>

#include "util.h"

int offsetsdb_parse(const char *path, const char *text, size_t len, struct gtypes *ts,
		    struct offsetsdb **out, char **err)
{
	(void)text, (void)len, (void)ts, (void)out;
	*err = xasprintf("%s: offsets database reader not built yet", path);
	return -ENOSYS;
}

int offsetsdb_open_embedded(const char *go_version, struct gtypes *ts, struct offsetsdb **out,
			    char **err)
{
	(void)ts, (void)out;
	*err = xasprintf("no offsets database for %s yet", go_version);
	return -ENOENT;
}

const char *offsetsdb_embedded_versions(void) { return ""; }
void offsetsdb_close(struct offsetsdb *db) { (void)db; }
const char *offsetsdb_go_version(const struct offsetsdb *db) { (void)db; return ""; }
const struct gfunc *offsetsdb_func(struct offsetsdb *db, const char *name) { (void)db, (void)name; return NULL; }
struct gtype *offsetsdb_type(struct offsetsdb *db, const char *name) { (void)db, (void)name; return NULL; }
const struct gvar *offsetsdb_var(struct offsetsdb *db, const char *name) { (void)db, (void)name; return NULL; }
const struct gp_label *offsetsdb_labels(struct offsetsdb *db, const char *var, uint32_t *n)
{
	(void)db, (void)var;
	*n = 0;
	return NULL;
}
size_t offsetsdb_func_names(struct offsetsdb *db, const char *const **names) { (void)db; *names = NULL; return 0; }
size_t offsetsdb_var_names(struct offsetsdb *db, const char *const **names) { (void)db; *names = NULL; return 0; }
int offsetsdb_write(FILE *out, const struct offsetsdb_in *in) { (void)out, (void)in; return -ENOSYS; }
