/* spec.h — the spec file (format version 1) as a located syntax tree.
 *
 * spec_parse checks everything that can be checked without the target
 * binary: YAML well-formedness (no aliases, anchors or tags; bounded size and
 * depth; UTF-8), the keys and their types, table/column/function name syntax,
 * `go:` constraints and the syntax of every expression. Resolving names
 * against debug info is the resolver's job; it finds here a location for
 * every value so that its errors point into the spec too.
 *
 * Strings are owned by the spec and NUL-terminated; locations refer to
 * spec->file, which lives as long as the spec.
 */
#ifndef GPROBE_SPEC_H
#define GPROBE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "expr.h"
#include "goversion.h"

#define SPEC_VERSION 1
#define SPEC_MAX_FILE (1u << 20)  /* bytes */
#define SPEC_MAX_DEPTH 16         /* YAML nesting */
#define SPEC_MAX_NODES 100000     /* YAML scalars, sequences and mappings */
#define SPEC_MAX_COLUMNS 64       /* per probe, besides the implicit ones */
#define SPEC_MAX_NAME 64          /* table, column and spec names */
#define SPEC_MAX_SYMBOL 512       /* Go symbol names */
#define SPEC_MAX_LABEL 256        /* bytes of one label text */
#define SPEC_DEFAULT_MAX_STRING 64
#define SPEC_MAX_STRING_LIMIT 4096

enum probe_at { PROBE_AT_ENTRY, PROBE_AT_RETURN };

struct spec_label {
	int64_t value;
	char *text;
	struct srcloc loc; /* the key */
};

struct spec_column {
	char *name;
	struct srcloc name_loc;
	char *expr;              /* expression text as YAML delivered it */
	struct srcloc expr_loc;  /* its first byte */
	struct expr *ast;
	char *labels_var;        /* `labels: runtime.waitReasonStrings`, or NULL */
	struct srcloc labels_loc; /* the labels value (variable name or mapping) */
	struct spec_label *labels; /* `labels: {0: heap, 1: time}`, in file order */
	uint32_t nlabels;
	uint32_t max_string;     /* 0: inherit from the probe */
	struct srcloc max_string_loc;
};

struct spec_probe {
	char *table;
	struct srcloc table_loc;
	char *function;
	struct srcloc function_loc;
	enum probe_at at;        /* PROBE_AT_ENTRY unless `at: return` */
	struct srcloc at_loc;    /* no file if `at` was not written */
	struct go_constraint *go; /* NULL: any version */
	char *go_text;
	struct srcloc go_loc;
	bool optional;
	char *where;             /* NULL: every hit makes a row */
	struct srcloc where_loc;
	struct expr *where_ast;
	struct spec_column *cols;
	uint32_t ncols;
	uint32_t max_string;     /* 0: inherit from the spec */
	struct srcloc loc;       /* the probe's mapping */
};

struct spec {
	struct srcfile file;
	char *name;
	struct srcloc name_loc;
	char *description;       /* NULL if absent */
	uint32_t max_string;     /* SPEC_DEFAULT_MAX_STRING unless set */
	struct spec_probe *probes;
	uint32_t nprobes;
};

/* Parse `len` bytes of spec text read from `path` (copied). NULL on error,
 * with every problem found reported to `d`. */
struct spec *spec_parse(const char *path, const char *text, size_t len, struct diags *d);
/* Read and parse a spec file; an unreadable file is an error naming it. */
struct spec *spec_load(const char *path, struct diags *d);
void spec_free(struct spec *s);

/* The effective max_string of a column (column, else probe, else spec). */
uint32_t spec_column_max_string(const struct spec *s, const struct spec_probe *p,
				const struct spec_column *c);
const char *probe_at_name(enum probe_at at);

#endif
