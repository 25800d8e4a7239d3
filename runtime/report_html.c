/* report_html.c — the page of `gprobe report` (report.h): sections for the
 * GC, the scheduler and every other table, from the row store. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_int.h"
#include "util.h"

enum section { SEC_GC, SEC_SCHED, SEC_OTHER, SEC_N };

struct page {
	FILE *f;
	const struct gp_rdata *d;
	struct gp_tbuckets b;
	const struct gp_report_opts *o;
	struct gp_span *cycles, *pauses;
	size_t ncycles, npauses;
	const struct gp_rtable *start_t, *end_t, *pause_t;
	uint32_t *cycle_trigger; /* per cycle: the start row's first text column */
};

static const char CSS[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1280px;padding:0 16px;"
	"color:#222;background:#fff}"
	"h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;margin:28px 0 6px;"
	"border-bottom:1px solid #ddd}"
	"summary{font-weight:600;cursor:pointer;margin:10px 0 4px}"
	".meta{color:#666}.cap{font-size:12px;color:#444;margin:8px 0 0}"
	".cap b{color:#222}.note{font-size:12px;color:#777}"
	"svg.chart{width:100%;height:auto;display:block}"
	"svg text{font:11px system-ui,sans-serif;fill:#555}"
	".plot{fill:#fafafa;stroke:#ddd}.grid{stroke:#e6e6e6}"
	".line{fill:none;stroke-width:1.3}.band{fill:none;stroke-opacity:.3}"
	".bars{fill:none;stroke-opacity:.85}.park{fill:#222}"
	"table{border-collapse:collapse;font-size:12px;margin:6px 0}"
	"td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".legend span{display:inline-block;margin:2px 10px 2px 0;font-size:12px}"
	".legend i{display:inline-block;width:10px;height:10px;margin-right:4px;"
	"vertical-align:-1px}\n";

/* ---- classifying tables and columns ----------------------------------------- */

static enum section section_of(const char *name)
{
	static const char *const gc[] = { "heap", "sweep", "alloc", "assist", "mark", "stw",
					  "pacer", "pause", NULL };
	static const char *const sched[] = { "go_", "execute", "park", "ready", "newproc",
					     "goroutine", "preempt", "syscall", "netpoll",
					     "steal", "sched", "yield", "runq", NULL };

	if (strncmp(name, "gc_", 3) == 0 || gp_name_has(name, gc))
		return SEC_GC;
	if (gp_name_has(name, sched))
		return SEC_SCHED;
	return SEC_OTHER;
}

static bool is_implicit(const char *col)
{
	return strcmp(col, "pid") == 0 || strcmp(col, "goid") == 0;
}

/* Identifiers: charting them over time says nothing in the known packs. */
static bool is_id(const char *col)
{
	static const char *const ids[] = { "gid", "p", "m", "parent", "waker", "cycle",
					   "completed", "fd", "cpu", "tid", "first_gid",
					   "victim_p", "thief_p", "reason_code", "inherit_time",
					   "next", "runnext", "class", "noscan", NULL };
	for (const char *const *i = ids; *i; i++)
		if (strcmp(col, *i) == 0)
			return true;
	return false;
}

static bool is_additive(const char *col)
{
	static const char *const add[] = { "pages", "work", "done", "requested", "count",
					   "swept", "alloc", "scan", "size", NULL };
	return gp_unit_of(col) == GP_U_COUNT && gp_name_has(col, add);
}

static bool is_heap(const char *col)
{
	return gp_unit_of(col) == GP_U_BYTES && strcmp(col, "debt") != 0 &&
	       strcmp(col, "memory_limit") != 0;
}

/* Constant numeric columns are stated once, not charted. */
static bool constant(const struct gp_rcol *c, size_t nrows, double *v)
{
	bool seen = false;

	for (size_t r = 0; r < nrows; r++) {
		if (isnan(c->num[r]))
			continue;
		if (seen && c->num[r] != *v)
			return false;
		*v = c->num[r];
		seen = true;
	}
	return seen;
}

static const struct gp_rcol *first_text_col(const struct gp_rtable *t)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].n_str > 0 && !is_implicit(t->cols[c].name))
			return &t->cols[c];
	return NULL;
}

static const struct gp_rcol *latency_col(const struct gp_rtable *t)
{
	static const char *const names[] = { "pause_ns", "took_ns", "lat", "latency",
					     "latency_ns", "stop_ns", "duration_ns", NULL };
	return gp_col_any(t, names);
}

/* ---- GC cycles and pauses ---------------------------------------------------- */

static void gc_cycles(struct page *pg)
{
	static const char *const start[] = { "gc_start", "gcstart", NULL };
	static const char *const end[] = { "gc_end", "gc_done", "mark_term", "gc_cycle", NULL };
	const struct gp_rtable *st = gp_table_like(pg->d, start, NULL);
	const struct gp_rtable *en = gp_table_like(pg->d, end, NULL);

	pg->start_t = st;
	pg->end_t = en;
	if (!en)
		return;
	const struct gp_rcol *lat = latency_col(en), *num = gp_rtable_col(en, "cycle");
	const struct gp_rcol *trig = st ? first_text_col(st) : NULL;
	pg->cycles = xcalloc(en->nrows + 1, sizeof(*pg->cycles));
	pg->cycle_trigger = xcalloc(en->nrows + 1, sizeof(*pg->cycle_trigger));
	size_t si = 0;
	int64_t prev_end = INT64_MIN;
	for (size_t r = 0; r < en->nrows; r++) {
		struct gp_span *sp = &pg->cycles[pg->ncycles];
		int64_t e = en->t[r], l;
		sp->end = e;
		sp->start = gp_col_int(lat, r, &l) && l >= 0 ? e - l : e;
		/* The cycle began at the first gcStart after the previous cycle
		 * ended: later calls return early while it runs. */
		while (st && si < st->nrows && st->t[si] <= prev_end)
			si++;
		if (st && si < st->nrows && st->t[si] <= e) {
			sp->start = st->t[si];
			pg->cycle_trigger[pg->ncycles] = gp_col_str(trig, si);
		}
		sp->value = (double)(sp->end - sp->start);
		sp->label = pg->cycle_trigger[pg->ncycles];
		if (!gp_col_int(num, r, &sp->num))
			sp->num = -1;
		prev_end = e;
		pg->ncycles++;
	}
}

static void gc_pauses(struct page *pg)
{
	static const char *const w1[] = { "stw_done", "stw_end", "start_the_world", "pause", NULL };
	static const char *const w2[] = { "stw", NULL };
	const struct gp_rtable *t = gp_table_like(pg->d, w1, NULL);

	if (!t || !latency_col(t))
		t = gp_table_like(pg->d, w2, NULL);
	if (!t || !latency_col(t))
		return;
	const struct gp_rcol *lat = latency_col(t), *why = first_text_col(t);
	pg->pause_t = t;
	pg->pauses = xcalloc(t->nrows + 1, sizeof(*pg->pauses));
	for (size_t r = 0; r < t->nrows; r++) {
		int64_t l;
		if (!gp_col_int(lat, r, &l) || l < 0)
			continue;
		pg->pauses[pg->npauses++] = (struct gp_span){ t->t[r] - l, t->t[r], (double)l,
							      gp_col_str(why, r), -1 };
	}
}

static void overlay_cycles(struct page *pg, struct gp_chart *c)
{
	struct gp_span_style st = { "#4e79a7", "GC cycle", GP_U_NS, 0.10, 400 };

	gp_draw_spans(pg->f, pg->d, &pg->b, pg->cycles, pg->ncycles, c->top, c->h, &st);
}

/* ---- panels ---------------------------------------------------------------- */

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void quantiles(struct page *pg, const struct gp_rtable *t, const struct gp_rcol *c,
		      enum gp_unit u)
{
	double *v = xmalloc((t->nrows + 1) * sizeof(*v));
	size_t n = 0;
	char a[32], b[32], m[32];

	for (size_t r = 0; r < t->nrows; r++)
		if (!isnan(c->num[r]))
			v[n++] = c->num[r];
	if (n) {
		qsort(v, n, sizeof(*v), dcmp);
		gp_fmt(a, sizeof(a), v[n / 2], u);
		gp_fmt(b, sizeof(b), v[(size_t)((double)(n - 1) * 0.99)], u);
		gp_fmt(m, sizeof(m), v[n - 1], u);
		fprintf(pg->f, " · p50 %s · p99 %s · max %s", a, b, m);
	}
	free(v);
}

static void caption(struct page *pg, const char *table, const char *col, const char *what)
{
	fputs("<div class=\"cap\"><b>", pg->f);
	gp_esc(pg->f, table);
	if (col) {
		fputc('.', pg->f);
		gp_esc(pg->f, col);
	}
	fprintf(pg->f, "</b> — %s", what);
}

static void row_count_chart(struct page *pg, const struct gp_rtable *t, bool gc)
{
	double *cnt = xcalloc(pg->b.n, sizeof(*cnt)), mx = 0;
	struct gp_chart c;

	for (size_t r = 0; r < t->nrows; r++)
		cnt[gp_bucket(&pg->b, t->t[r])]++;
	for (uint32_t i = 0; i < pg->b.n; i++)
		mx = fmax(mx, cnt[i]);
	caption(pg, t->name, NULL, "rows per bucket");
	fprintf(pg->f, " (%zu rows)</div>", t->nrows);
	gp_chart_open(&c, pg->f, &pg->b, 50, 0, mx, GP_U_COUNT);
	if (gc)
		overlay_cycles(pg, &c);
	gp_draw_bars(&c, cnt, "#888", "rows");
	gp_chart_close(&c);
	free(cnt);
}

static void column_chart(struct page *pg, const struct gp_rtable *t, const struct gp_rcol *col,
			 size_t ci, bool gc)
{
	enum gp_unit u = gp_unit_of(col->name);
	bool add = is_additive(col->name);
	struct gp_series s;
	struct gp_chart c;
	double lo = INFINITY, hi = -INFINITY, total = 0;
	char tot[32];

	gp_series_init(&s, pg->b.n);
	for (size_t r = 0; r < t->nrows; r++)
		gp_series_add(&s, &pg->b, t->t[r], col->num[r]);
	for (uint32_t i = 0; i < s.n; i++) {
		if (!s.count[i])
			continue;
		lo = fmin(lo, add ? fmin(s.sum[i], 0) : s.min[i]);
		hi = fmax(hi, add ? s.sum[i] : s.max[i]);
		total += s.sum[i];
	}
	if (add) {
		gp_fmt(tot, sizeof(tot), total, u);
		caption(pg, t->name, col->name, "sum per bucket");
		fprintf(pg->f, " · total %s", tot);
	} else {
		caption(pg, t->name, col->name, "mean and min..max per bucket");
	}
	quantiles(pg, t, col, u);
	fputs("</div>", pg->f);
	gp_chart_open(&c, pg->f, &pg->b, 90, lo, hi, u);
	if (gc)
		overlay_cycles(pg, &c);
	if (add)
		gp_draw_bars(&c, s.sum, gp_color(ci), col->name);
	else
		gp_draw_series(&c, &s, gp_color(ci), col->name, false);
	gp_chart_close(&c);
	gp_series_free(&s);
}

static int cnt_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] > y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* The most frequent texts of a column. */
static void top_values(struct page *pg, const struct gp_rtable *t, const struct gp_rcol *col)
{
	uint64_t *cnt = xcalloc(pg->d->nstrs + 1, sizeof(*cnt));
	uint64_t(*pairs)[2] = xmalloc((pg->d->nstrs + 1) * sizeof(*pairs));
	size_t n = 0, shown = 10;

	for (size_t r = 0; r < t->nrows; r++)
		cnt[col->str[r]]++;
	for (size_t i = 1; i < pg->d->nstrs; i++)
		if (cnt[i]) {
			pairs[n][0] = cnt[i];
			pairs[n++][1] = i;
		}
	qsort(pairs, n, sizeof(*pairs), cnt_cmp);
	caption(pg, t->name, col->name, "most frequent values");
	fprintf(pg->f, " (%zu distinct)</div><table>", n);
	for (size_t i = 0; i < n && i < shown; i++) {
		fputs("<tr><td>", pg->f);
		gp_esc(pg->f, gp_rdata_str(pg->d, (uint32_t)pairs[i][1]));
		fprintf(pg->f, "</td><td class=\"n\">%" PRIu64 "</td></tr>", pairs[i][0]);
	}
	fputs("</table>", pg->f);
	free(cnt);
	free(pairs);
}

static void table_panel(struct page *pg, const struct gp_rtable *t, enum section sec,
			bool skip_heap)
{
	struct strbuf consts = { 0 };
	char buf[32];

	static const char *const secs[SEC_N] = { "gc", "sched", "other" };

	fprintf(pg->f, "<details open class=\"panel\" data-section=\"%s\" id=\"t-", secs[sec]);
	gp_esc(pg->f, t->name);
	fprintf(pg->f, "\"><summary>");
	gp_esc(pg->f, t->name);
	fprintf(pg->f, " <span class=\"meta\">%zu rows</span></summary>\n", t->nrows);
	row_count_chart(pg, t, sec == SEC_GC);
	for (size_t ci = 0; ci < t->ncols; ci++) {
		const struct gp_rcol *col = &t->cols[ci];
		double v = 0;
		if (is_implicit(col->name) || (sec != SEC_OTHER && is_id(col->name)))
			continue;
		if (col->n_num == 0 || col->n_str > col->n_num) {
			if (col->n_str > 0 && sec != SEC_SCHED)
				top_values(pg, t, col);
			continue;
		}
		if (constant(col, t->nrows, &v)) {
			gp_fmt(buf, sizeof(buf), v, gp_unit_of(col->name));
			sb_printf(&consts, "%s%s = %s", consts.len ? ", " : "", col->name, buf);
			continue;
		}
		if (skip_heap && is_heap(col->name))
			continue;
		column_chart(pg, t, col, ci, sec == SEC_GC);
	}
	if (consts.len) {
		fputs("<div class=\"note\">constant: ", pg->f);
		gp_esc(pg->f, consts.buf);
		fputs("</div>", pg->f);
	}
	sb_free(&consts);
	fputs("</details>\n", pg->f);
}

/* ---- the GC section ------------------------------------------------------------ */

static void gc_timeline(struct page *pg)
{
	struct gp_span_style cyc = { "#4e79a7", "GC cycle", GP_U_NS, 0.8, 1500 };
	struct gp_span_style stw = { "#e15759", "stop-the-world pause", GP_U_NS, 0.9, 1500 };
	struct gp_chart c;
	int lanes = (pg->ncycles > 0) + (pg->npauses > 0);

	if (!lanes)
		return;
	fprintf(pg->f, "<div class=\"cap\"><b>GC cycles and stop-the-world pauses</b>");
	if (pg->ncycles)
		fprintf(pg->f, " · %zu cycles (%s, from %s to %s)", pg->ncycles, pg->end_t->name,
			pg->start_t ? pg->start_t->name : "its latency",
			pg->end_t->name);
	if (pg->npauses)
		fprintf(pg->f, " · %zu pauses (%s)", pg->npauses, pg->pause_t->name);
	fprintf(pg->f, "</div><div class=\"gclanes\" data-cycles=\"%zu\" data-pauses=\"%zu\">",
		pg->ncycles, pg->npauses);
	gp_frame_open(&c, pg->f, &pg->b, 20 * lanes);
	int y = c.top + 3;
	if (pg->ncycles) {
		fprintf(pg->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">cycles</text>",
			GP_ML - 4, y + 11);
		gp_draw_spans(pg->f, pg->d, &pg->b, pg->cycles, pg->ncycles, y, 14, &cyc);
		y += 20;
	}
	if (pg->npauses) {
		fprintf(pg->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">STW</text>", GP_ML - 4,
			y + 11);
		gp_draw_spans(pg->f, pg->d, &pg->b, pg->pauses, pg->npauses, y, 14, &stw);
	}
	gp_chart_close(&c);
	fputs("</div>", pg->f);
}

/* Every heap-sized column of the GC tables on one chart: live, goal,
 * trigger, marked. */
static void heap_chart(struct page *pg)
{
	struct gp_series s[12];
	const char *names[12];
	size_t n = 0;
	double lo = INFINITY, hi = -INFINITY, v = 0;
	struct gp_chart c;

	for (size_t ti = 0; ti < pg->d->ntables && n < ARRAY_SIZE(s); ti++) {
		const struct gp_rtable *t = &pg->d->tables[ti];
		if (section_of(t->name) != SEC_GC)
			continue;
		for (size_t ci = 0; ci < t->ncols && n < ARRAY_SIZE(s); ci++) {
			const struct gp_rcol *col = &t->cols[ci];
			if (!is_heap(col->name) || col->n_num == 0 || constant(col, t->nrows, &v))
				continue;
			gp_series_init(&s[n], pg->b.n);
			for (size_t r = 0; r < t->nrows; r++) {
				gp_series_add(&s[n], &pg->b, t->t[r], col->num[r]);
				if (!isnan(col->num[r])) {
					lo = fmin(lo, col->num[r]);
					hi = fmax(hi, col->num[r]);
				}
			}
			names[n++] = xasprintf("%s.%s", t->name, col->name);
		}
	}
	if (!n)
		return;
	fputs("<div class=\"cap\"><b>Heap</b> — mean and min..max per bucket</div>"
	      "<div class=\"legend\">", pg->f);
	for (size_t i = 0; i < n; i++) {
		fprintf(pg->f, "<span><i style=\"background:%s\"></i>", gp_color(i));
		gp_esc(pg->f, names[i]);
		fputs("</span>", pg->f);
	}
	fputs("</div>", pg->f);
	fprintf(pg->f, "<div class=\"heap\" data-series=\"%zu\">", n);
	gp_chart_open(&c, pg->f, &pg->b, 160, lo, hi, GP_U_BYTES);
	overlay_cycles(pg, &c);
	for (size_t i = 0; i < n; i++) {
		gp_draw_series(&c, &s[i], gp_color(i), names[i], false);
		gp_series_free(&s[i]);
		free((char *)names[i]);
	}
	gp_chart_close(&c);
	fputs("</div>", pg->f);
}

static void cycle_table(struct page *pg)
{
	const struct gp_rtable *en = pg->end_t;
	size_t limit = 200;
	char buf[32];

	if (!pg->ncycles)
		return;
	fprintf(pg->f, "<details><summary>Cycles <span class=\"meta\">%zu</span></summary>"
		"<table><tr><th>cycle</th><th>start</th><th>duration</th><th>trigger</th>",
		pg->ncycles);
	for (size_t ci = 0; ci < en->ncols; ci++)
		if (!is_implicit(en->cols[ci].name) && strcmp(en->cols[ci].name, "cycle") != 0)
			fprintf(pg->f, "<th>%s.%s</th>", en->name, en->cols[ci].name);
	fputs("</tr>\n", pg->f);
	for (size_t i = 0; i < pg->ncycles && i < limit; i++) {
		const struct gp_span *sp = &pg->cycles[i];
		if (sp->num >= 0)
			fprintf(pg->f, "<tr><td class=\"n\">%" PRId64 "</td>", sp->num);
		else
			fprintf(pg->f, "<tr><td class=\"n\">%zu</td>", i + 1);
		gp_fmt(buf, sizeof(buf), (double)(sp->start - pg->b.t0), GP_U_NS);
		fprintf(pg->f, "<td class=\"n\">%s</td>", buf);
		gp_fmt(buf, sizeof(buf), sp->value, GP_U_NS);
		fprintf(pg->f, "<td class=\"n\">%s</td><td>", buf);
		gp_esc(pg->f, gp_rdata_str(pg->d, pg->cycle_trigger[i]));
		fputs("</td>", pg->f);
		for (size_t ci = 0; ci < en->ncols; ci++) {
			const struct gp_rcol *col = &en->cols[ci];
			if (is_implicit(col->name) || strcmp(col->name, "cycle") == 0)
				continue;
			if (gp_col_str(col, i)) {
				fputs("<td>", pg->f);
				gp_esc(pg->f, gp_rdata_str(pg->d, col->str[i]));
			} else {
				gp_fmt(buf, sizeof(buf), col->num[i], gp_unit_of(col->name));
				fprintf(pg->f, "<td class=\"n\">%s", buf);
			}
			fputs("</td>", pg->f);
		}
		fputs("</tr>\n", pg->f);
	}
	fputs("</table>", pg->f);
	if (pg->ncycles > limit)
		fprintf(pg->f, "<div class=\"note\">the first %zu of %zu cycles</div>", limit,
			pg->ncycles);
	fputs("</details>\n", pg->f);
}

static void gc_section(struct page *pg)
{
	fputs("<h2 id=\"gc\">Garbage collector</h2>\n", pg->f);
	gc_timeline(pg);
	heap_chart(pg);
	cycle_table(pg);
	for (size_t ti = 0; ti < pg->d->ntables; ti++)
		if (section_of(pg->d->tables[ti].name) == SEC_GC)
			table_panel(pg, &pg->d->tables[ti], SEC_GC, true);
}

/* ---- the page ------------------------------------------------------------------ */

static void header(struct page *pg, const bool *has)
{
	const struct gp_rdata *d = pg->d;
	char span[32], when[64] = "";
	time_t secs = (time_t)(d->t_min / 1000000000);
	struct tm tm;

	if (d->nrows && gmtime_r(&secs, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	gp_fmt(span, sizeof(span), (double)(d->t_max - d->t_min), GP_U_NS);
	fputs("<h1>", pg->f);
	gp_esc(pg->f, pg->o->title ? pg->o->title : "gprobe report");
	fputs("</h1><div class=\"meta\">", pg->f);
	if (pg->o->source) {
		gp_esc(pg->f, pg->o->source);
		fputs(" · ", pg->f);
	}
	fprintf(pg->f, "%zu rows in %zu tables · %s from %s · %u buckets of %.3g ms · "
		"times are relative to the first row</div>\n<p>",
		d->nrows, d->ntables, span, when, pg->b.n,
		((double)(pg->b.t1 - pg->b.t0) + 1) / pg->b.n / 1e6);
	static const char *const names[SEC_N] = { "Garbage collector", "Scheduler", "Other tables" };
	static const char *const ids[SEC_N] = { "gc", "sched", "other" };
	for (int s = 0; s < SEC_N; s++)
		if (has[s])
			fprintf(pg->f, "<a href=\"#%s\">%s</a> · ", ids[s], names[s]);
	fputs("</p><table><tr><th>table</th><th>rows</th><th>columns</th></tr>\n", pg->f);
	for (size_t i = 0; i < d->ntables; i++) {
		const struct gp_rtable *t = &d->tables[i];
		fputs("<tr><td><a href=\"#t-", pg->f);
		gp_esc(pg->f, t->name);
		fputs("\">", pg->f);
		gp_esc(pg->f, t->name);
		fprintf(pg->f, "</a></td><td class=\"n\">%zu</td><td>", t->nrows);
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				fputs(", ", pg->f);
			gp_esc(pg->f, t->cols[c].name);
		}
		fputs("</td></tr>\n", pg->f);
	}
	fputs("</table>\n", pg->f);
}

int gp_report_html(const struct gp_rdata *d, const struct gp_report_opts *o, FILE *f, char **err)
{
	struct page pg = { .f = f, .d = d, .o = o };
	bool has[SEC_N] = { 0 };

	pg.b = (struct gp_tbuckets){ d->t_min, d->t_max, o->buckets ? o->buckets : GP_REPORT_BUCKETS };
	for (size_t i = 0; i < d->ntables; i++)
		has[section_of(d->tables[i].name)] = true;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"generator\" content=\"gprobe report\"><title>", f);
	gp_esc(f, o->title ? o->title : "gprobe report");
	fprintf(f, "</title><style>%s</style></head><body>\n", CSS);
	header(&pg, has);
	if (!d->nrows)
		fputs("<p>No rows.</p>\n", f);
	gc_cycles(&pg);
	gc_pauses(&pg);
	if (has[SEC_GC])
		gc_section(&pg);
	if (has[SEC_SCHED]) {
		gp_report_sched_section(f, d, &pg.b);
		for (size_t ti = 0; ti < d->ntables; ti++)
			if (section_of(d->tables[ti].name) == SEC_SCHED)
				table_panel(&pg, &d->tables[ti], SEC_SCHED, false);
	}
	if (has[SEC_OTHER]) {
		fputs("<h2 id=\"other\">Other tables</h2>\n", f);
		for (size_t ti = 0; ti < d->ntables; ti++)
			if (section_of(d->tables[ti].name) == SEC_OTHER)
				table_panel(&pg, &d->tables[ti], SEC_OTHER, false);
	}
	fputs("</body></html>\n", f);
	free(pg.cycles);
	free(pg.pauses);
	free(pg.cycle_trigger);
	if (ferror(f)) {
		*err = xasprintf("writing the report: %s", strerror(errno ? errno : EIO));
		return -EIO;
	}
	return 0;
}
