/* report_int.h — what report.c, report_sched.c and report_html.c share
 * beyond report.h: recognising tables and columns by name. Not a public
 * face: nothing outside runtime/report*.c includes it. */
#ifndef GPROBE_REPORT_INT_H
#define GPROBE_REPORT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"

/* True when name contains any of the NULL-terminated words. */
bool gp_name_has(const char *name, const char *const *words);

/* The first of the NULL-terminated names that t has as a column. */
const struct gp_rcol *gp_col_any(const struct gp_rtable *t, const char *const *names);

/* The first table whose name contains one of `want` and none of `avoid`
 * (NULL: no exclusion). */
const struct gp_rtable *gp_table_like(const struct gp_rdata *d, const char *const *want,
				      const char *const *avoid);

/* Column value of row r as int64 (false when null or text). */
bool gp_col_int(const struct gp_rcol *c, size_t r, int64_t *out);

/* Interned text of row r (0 when none): text, else a number's decimal form
 * interned on the fly is not possible with a const store, so 0. */
static inline uint32_t gp_col_str(const struct gp_rcol *c, size_t r)
{
	return c && c->str ? c->str[r] : 0;
}

/* ---- drawing (report_svg.c) ------------------------------------------- */

enum gp_unit { GP_U_COUNT, GP_U_NS, GP_U_BYTES };

/* Chart geometry, in SVG user units: every chart is 1000 wide and scales
 * with the page; the plot area starts at GP_ML. */
#define GP_W 1000
#define GP_ML 72
#define GP_MR 8
#define GP_PW (GP_W - GP_ML - GP_MR)

/* "1.5 ms", "12 MiB", "3.4k": short human forms for axes and tooltips. */
void gp_fmt(char *buf, size_t n, double v, enum gp_unit u);
/* HTML-escape s (also fine inside attributes and SVG <title>). */
void gp_esc(FILE *f, const char *s);
/* The unit a column's name suggests. */
enum gp_unit gp_unit_of(const char *col);

double gp_x(const struct gp_tbuckets *b, int64_t t);
double gp_xb(const struct gp_tbuckets *b, uint32_t i); /* bucket centre */

struct gp_chart {
	FILE *f;
	const struct gp_tbuckets *b;
	double y0, y1;
	int top, h; /* plot area */
	enum gp_unit unit;
};

/* Open an <svg> with a plot of height h for values in [y0, y1] (widened
 * to round numbers), y labels, grid and time axis. */
void gp_chart_open(struct gp_chart *c, FILE *f, const struct gp_tbuckets *b, int h, double y0,
		   double y1, enum gp_unit u);
/* The same without a value axis: for lanes of spans. */
void gp_frame_open(struct gp_chart *c, FILE *f, const struct gp_tbuckets *b, int h);
void gp_chart_close(struct gp_chart *c);
double gp_y(const struct gp_chart *c, double v);

/* A series: the min..max band of each bucket and a line through the
 * means; dots with tooltips when few buckets hold values. `carry` draws
 * a step line through the last values instead (for counts that hold
 * between events). */
void gp_draw_series(struct gp_chart *c, const struct gp_series *s, const char *color,
		    const char *name, bool carry);
/* One bar per bucket, from 0 to v[i] (skipped when 0). */
void gp_draw_bars(struct gp_chart *c, const double *v, const char *color, const char *name);

/* Time intervals drawn as rectangles in a horizontal band [y, y+h]. With
 * more than `limit` of them they are merged per bucket: one rectangle per
 * bucket shaded by how much of it they cover, with the count and the
 * longest in its tooltip. */
struct gp_span {
	int64_t start, end;
	double value;   /* shown in the tooltip in `unit` */
	uint32_t label; /* interned text for the tooltip, 0: none */
	int64_t num;    /* shown as "#num" when >= 0 */
};

struct gp_span_style {
	const char *color, *what; /* "GC cycle", "STW pause" */
	enum gp_unit unit;
	double opacity;
	size_t limit;
};

void gp_draw_spans(FILE *f, const struct gp_rdata *d, const struct gp_tbuckets *b,
		   const struct gp_span *sp, size_t n, double y, double h,
		   const struct gp_span_style *st);

/* The scheduler's part of the page (report_sched.c): the timeline per
 * lane, goroutine counts and the per-function summary. */
void gp_report_sched_section(FILE *f, const struct gp_rdata *d, const struct gp_tbuckets *b);

/* The report's fixed colour cycle. */
const char *gp_color(size_t i);

#endif
