/* report.h — `gprobe report`: one self-contained HTML page (inline SVG and
 * CSS, no script, no network) drawn from the JSON Lines rows of a run.
 *
 * The page is built in three steps, each testable on its own:
 *   1. load: every row into a column store per table (gp_rdata);
 *   2. aggregate: into a fixed number of time buckets (gp_series) and, for
 *      scheduler tables, into goroutine runs per P (gp_sched);
 *   3. draw: HTML and SVG whose size depends on the bucket count, not on
 *      the number of rows, so a million rows give a page of a few hundred KB.
 * Tables are recognised by name and columns by meaning (docs/report.md), so
 * the packs' tables get dedicated charts and any other table a row count
 * and one series per numeric column.
 */
#ifndef GPROBE_REPORT_H
#define GPROBE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "htab.h"
#include "jsonl.h"

#define GP_REPORT_BUCKETS 1000

/* ---- 1. rows, column by column ------------------------------------------ */

struct gp_rcol {
	char *name;
	double *num;   /* per row: the value as a number, NAN when null or text */
	uint32_t *str; /* per row: interned text, 0 when not text; NULL until a row has text */
	size_t n_num, n_str;
};

struct gp_rtable {
	char *name;
	int64_t *t; /* time_ns per row */
	size_t nrows, cap;
	struct gp_rcol *cols; /* in order of first appearance; pid and goid included */
	size_t ncols, ccap;
};

struct gp_rdata {
	struct gp_rtable *tables; /* in order of first appearance */
	size_t ntables, tcap;
	char **strs; /* interned strings, strs[0] = "" */
	size_t nstrs, scap;
	struct strmap ids; /* strs[i] -> i */
	int64_t t_min, t_max;
	size_t nrows;
	size_t last_table; /* rows of one table come in runs: looked at first */
};

/* Add one parsed row; it needs string "table" and integer "time_ns".
 * Returns 0 or -EINVAL with *err set. */
int gp_rdata_add(struct gp_rdata *d, const struct jl_object *o, char **err);
/* Load a whole JSON Lines file ("-": stdin). 0 or -errno, *err set. */
int gp_rdata_load(struct gp_rdata *d, const char *path, char **err);
void gp_rdata_free(struct gp_rdata *d);
const struct gp_rtable *gp_rdata_table(const struct gp_rdata *d, const char *name);
const struct gp_rcol *gp_rtable_col(const struct gp_rtable *t, const char *name);
uint32_t gp_rdata_intern(struct gp_rdata *d, const char *s);
static inline const char *gp_rdata_str(const struct gp_rdata *d, uint32_t id)
{
	return id < d->nstrs ? d->strs[id] : "";
}

/* ---- 2. aggregation ----------------------------------------------------- */

/* n buckets of equal width over [t0, t1] (both included). */
struct gp_tbuckets {
	int64_t t0, t1;
	uint32_t n;
};

/* The bucket of t (clamped to the range). */
uint32_t gp_bucket(const struct gp_tbuckets *b, int64_t t);
/* The first time that falls in bucket i. */
int64_t gp_bucket_start(const struct gp_tbuckets *b, uint32_t i);

/* Per bucket: how many values, their min, max, sum and the last one. */
struct gp_series {
	uint32_t n;
	uint64_t *count;
	double *min, *max, *sum, *last;
};

void gp_series_init(struct gp_series *s, uint32_t n);
/* NaN values are not counted. */
void gp_series_add(struct gp_series *s, const struct gp_tbuckets *b, int64_t t, double v);
void gp_series_free(struct gp_series *s);

/* The scheduler seen from its events: which goroutine ran on which lane (a
 * P, else an M) and when; goroutine states over time; per start function
 * totals. Built from the tables of specs/sched.yaml or any tables named and
 * shaped alike (docs/report.md). */
struct gp_run {
	int64_t start, end;
	int64_t gid;
	uint32_t lane;
	uint32_t func; /* interned start function, 0 when unknown */
};

struct gp_park_mark {
	int64_t t;
	uint32_t lane;
	uint32_t reason; /* interned, 0 when unknown */
};

struct gp_func_reason {
	uint32_t reason;
	uint64_t parks;
	int64_t ns; /* parked until ready (or the end) */
};

struct gp_func_stats {
	uint32_t func;
	uint64_t goroutines; /* seen created */
	uint64_t exited;
	uint64_t runs;
	int64_t run_ns;
	struct gp_func_reason *reasons;
	size_t nreasons, rcap;
};

enum gp_gstate { GP_G_RUNNABLE, GP_G_RUNNING, GP_G_WAITING, GP_G_DEAD, GP_G_NSTATES };

struct gp_sched {
	bool present;   /* an execute table was found */
	char lane_kind; /* 'P' or 'M', or 'G' when no lane column exists */
	int64_t *lanes; /* lane ids, ascending */
	size_t nlanes;
	struct gp_run *runs; /* in order of their end */
	size_t nruns, rcap;
	struct gp_park_mark *parks;
	size_t nparks, pcap;
	struct gp_func_stats *funcs; /* by run time, longest first */
	size_t nfuncs, fcap;
	struct gp_series live, state[GP_G_NSTATES]; /* counts over time */
	const char *exec_table, *create_table, *park_table;
};

/* Build the scheduler model over buckets b. Returns 0 (s->present false
 * when there is no execute table). */
int gp_sched_build(const struct gp_rdata *d, const struct gp_tbuckets *b, struct gp_sched *s);
void gp_sched_free(struct gp_sched *s);

/* ---- 3. the page --------------------------------------------------------- */

struct gp_report_opts {
	const char *title;  /* NULL: the input's file name */
	uint32_t buckets;   /* 0: GP_REPORT_BUCKETS */
	const char *source; /* shown in the header; NULL: none */
};

/* Write the page for d to f. Returns 0 or -errno (*err set). */
int gp_report_html(const struct gp_rdata *d, const struct gp_report_opts *o, FILE *f, char **err);

/* The whole pipeline: a JSON Lines file ("-": stdin) to an HTML file
 * ("-": stdout); o NULL is the defaults with the input as the source.
 * What `gprobe report` and `gprobe run --report FILE` call. 0 or -errno
 * (*err set): -EINVAL or -ENOENT for unreadable or malformed input. */
int gp_report_write(const char *jsonl_path, const char *html_path,
		    const struct gp_report_opts *o, char **err);

#endif
