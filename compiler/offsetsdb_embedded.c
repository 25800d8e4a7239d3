/* offsetsdb_embedded.c — the offsets databases built into gprobe
 * (embedded.h), chosen by the Go version's minor number (offsetsdb.h). */
#include "offsetsdb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "offsetsdb_int.h"
#include "util.h"

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
