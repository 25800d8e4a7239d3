/* output.h — turn decoded ring-buffer records into rows: an aligned
 * terminal table, JSON Lines or CSV, driven by the table schemas of
 * compiler/program.h. Pure user space: no kernel calls, testable anywhere.
 *
 * The conventions (null, cut strings, escaping, time) are documented in
 * docs/output.md; tests/unit/test_output.c proves them byte by byte.
 */
#ifndef GPROBE_OUTPUT_H
#define GPROBE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "program.h"

enum gp_format { GP_FMT_TABLE, GP_FMT_JSON, GP_FMT_CSV };

/* Code address -> Go function name, or NULL when unknown (printed as hex). */
typedef const char *(*gp_sym_fn)(void *ctx, uint64_t addr);

struct gp_output_opts {
	size_t sz;             /* sizeof(struct gp_output_opts) */
	enum gp_format fmt;
	/* NULL or "-": stdout. table/json: a file. csv: a directory that gets
	 * one <table>.csv per selected table (created if missing). */
	const char *path;
	const bool *selected;  /* per table index; NULL: every table */
	gp_sym_fn sym;         /* for GP_COL_SYM; NULL: addresses print as hex */
	void *sym_ctx;
};

struct gp_output;

/* Parse "table", "json" or "csv"; returns 0 or -EINVAL. */
int gp_format_parse(const char *s, enum gp_format *fmt);

/* Validates every selected schema against its record size (a bad schema is
 * an error, never an out-of-bounds read) and opens the sinks. CSV with
 * several selected tables needs a directory. Returns NULL with *err set.
 * `tables` must outlive the writer. */
struct gp_output *gp_output_open(const struct gp_table *tables, uint32_t ntables,
				 const struct gp_output_opts *opts, char **err);

/* Write one row of table index `ti`. `rec` starts with struct gp_record and
 * holds tables[ti].rec_size bytes; `time_ns` is the row's Unix epoch time.
 * Rows of unselected tables are ignored. Output is buffered; returns 0 or
 * -errno of a failed write (-EPIPE: the reader went away). */
int gp_output_row(struct gp_output *out, uint32_t ti, const void *rec, uint64_t time_ns);

/* Push buffered rows to their files; returns 0 or -errno. */
int gp_output_flush(struct gp_output *out);

/* Flush, close every file, free. Returns 0 or -errno (*err set) of the
 * final flush or close. NULL is a no-op. */
int gp_output_close(struct gp_output *out, char **err);

#endif
