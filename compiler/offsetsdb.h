/* offsetsdb.h — the per-Go-version offsets database: the debug facts a
 * stripped binary no longer carries.
 *
 * One YAML file per Go minor version (bpf-gen/db/go1.22.yaml), generated
 * by bpf-gen from reference binaries with DWARF, committed, and embedded
 * into gprobe at build time. It holds, for the runtime and standard
 * library functions the packs (and a wider documented list) touch: their
 * parameters and results with types, the struct layouts and field
 * offsets reached from them, package variables' types, and label tables
 * (e.g. runtime.waitReasonStrings). Never addresses: those come from the
 * target (.gopclntab for functions, .symtab when present for variables).
 *
 * The reader produces the same gotype.h model as the DWARF reader, so the
 * resolver treats both alike. The writer is deterministic: the same input
 * gives byte-identical output (sorted, no timestamps).
 */
#ifndef GPROBE_OFFSETSDB_H
#define GPROBE_OFFSETSDB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gotype.h"
#include "program.h"

struct offsetsdb;

/* Parse a database from memory (path only names it in errors). Types go
 * into ts. 0, or -EINVAL with *err ("path:line:col: ...") on bad input. */
int offsetsdb_parse(const char *path, const char *text, size_t len, struct gtypes *ts,
		    struct offsetsdb **out, char **err);

/* The embedded database for a Go version string ("go1.22.12"): matched by
 * minor version. -ENOENT with *err naming the versions the database has
 * and how to regenerate it (bpf-gen/README.md) when there is none. */
int offsetsdb_open_embedded(const char *go_version, struct gtypes *ts, struct offsetsdb **out,
			    char **err);
/* Versions embedded, e.g. "1.15 1.19 1.21 ..." (static storage). */
const char *offsetsdb_embedded_versions(void);

void offsetsdb_close(struct offsetsdb *db);

const char *offsetsdb_go_version(const struct offsetsdb *db); /* as recorded: "go1.22.12" */

/* Lookups; NULL when the database lacks the name. Functions come with
 * entry = end = 0: the caller takes addresses from the binary. Variables
 * come with addr = 0 for the same reason. */
const struct gfunc *offsetsdb_func(struct offsetsdb *db, const char *name);
struct gtype *offsetsdb_type(struct offsetsdb *db, const char *name);
const struct gvar *offsetsdb_var(struct offsetsdb *db, const char *name);
/* How to find a package variable in a binary without symbols: the
 * ref-th RIP-relative memory operand of function `func` (in the order the
 * disassembler lists them) points `delta` bytes into the variable. The
 * runtime is compiled alike for every program of one Go version, so what
 * held in the reference binary holds in the target. */
struct offsetsdb_finder {
	const char *func;
	uint32_t ref;
	int64_t delta;
};
/* NULL when the database has no way to find var. */
const struct offsetsdb_finder *offsetsdb_var_finder(struct offsetsdb *db, const char *var);

/* Label table stored for a [N]string variable: n entries, value = index. */
const struct gp_label *offsetsdb_labels(struct offsetsdb *db, const char *var, uint32_t *n);

/* Names, sorted, for listings and "did you mean". */
size_t offsetsdb_func_names(struct offsetsdb *db, const char *const **names);
size_t offsetsdb_var_names(struct offsetsdb *db, const char *const **names);

/* ---- writing (bpf-gen) ---------------------------------------------------- */

struct offsetsdb_labels_in {
	const char *var;
	const struct gp_label *labels;
	uint32_t n;
};

struct offsetsdb_in {
	const char *go_version;
	const struct gfunc *const *funcs;   /* parameters with types; addresses ignored */
	size_t nfuncs;
	const struct gvar *const *vars;     /* names and types; addresses ignored */
	const struct offsetsdb_finder *finders; /* parallel to vars; .func NULL: none */
	size_t nvars;
	struct gtype *const *full_types;    /* struct types written with all fields */
	size_t nfull;
	const struct offsetsdb_labels_in *labels;
	size_t nlabels;
};

/* Write the database. Every type reachable from the inputs is written:
 * `full_types` (and the types of every parameter and variable) with their
 * complete layout; other types reached only as a field's type are written
 * as opaque (name, kind, size, element/key names) unless they are scalars,
 * strings, slices or pointers, whose shape is always complete. Sorted by
 * name; byte-identical for the same input. 0 or -errno. */
int offsetsdb_write(FILE *out, const struct offsetsdb_in *in);

/* The database's word for kind k ("ptr", "iface", ...: the schema of
 * bpf-gen/README.md), or NULL if k is no kind. */
const char *offsetsdb_kind_name(enum gkind k);

#endif
