/* report_svg.c — the SVG primitives of `gprobe report`: axes, series,
 * bars and time spans (report_int.h). Everything is drawn from buckets,
 * so the markup grows with the bucket count, never with the row count. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "util.h"

static const char *const COLORS[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
	"#b07aa1", "#ff9da7", "#9c755f", "#2f4b7c", "#a05195", "#665191",
};

const char *gp_color(size_t i)
{
	return COLORS[i % ARRAY_SIZE(COLORS)];
}

void gp_fmt(char *buf, size_t n, double v, enum gp_unit u)
{
	static const char *const ns_units[] = { "ns", "µs", "ms", "s" };
	static const char *const byte_units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	static const char *const si[] = { "", "k", "M", "G", "T", "P", "E" };
	double a = fabs(v);
	size_t k = 0;

	if (isnan(v)) {
		snprintf(buf, n, "-");
		return;
	}
	switch (u) {
	case GP_U_NS:
		while (a >= 999.5 && k < 3) {
			a /= 1000;
			v /= 1000;
			k++;
		}
		snprintf(buf, n, "%.3g %s", v, ns_units[k]);
		break;
	case GP_U_BYTES:
		while (a >= 999.5 && k + 1 < ARRAY_SIZE(byte_units)) {
			a /= 1024;
			v /= 1024;
			k++;
		}
		snprintf(buf, n, "%.3g %s", v, byte_units[k]);
		break;
	default:
		if (a < 10000) {
			snprintf(buf, n, "%.4g", v);
			break;
		}
		while (a >= 999.5 && k + 1 < ARRAY_SIZE(si)) {
			a /= 1000;
			v /= 1000;
			k++;
		}
		snprintf(buf, n, "%.3g%s", v, si[k]);
	}
}

void gp_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* Control bytes are not allowed in HTML text. */
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				fputs("\xef\xbf\xbd", f);
			else
				fputc(c, f);
		}
	}
}

enum gp_unit gp_unit_of(const char *col)
{
	static const char *const ns[] = { "_ns", "latency", "took", "duration", NULL };
	static const char *const bytes[] = { "heap", "bytes", "goal", "live", "marked", "limit",
					     "debt", "trigger", NULL };
	size_t n = strlen(col);

	if (gp_name_has(col, ns) || strncmp(col, "lat", 3) == 0 ||
	    (n > 3 && strcmp(col + n - 3, "_ns") == 0))
		return GP_U_NS;
	if (gp_name_has(col, bytes))
		return GP_U_BYTES;
	return GP_U_COUNT;
}

double gp_x(const struct gp_tbuckets *b, int64_t t)
{
	double span = (double)(b->t1 - b->t0) + 1;

	if (t < b->t0)
		t = b->t0;
	if (t > b->t1)
		t = b->t1;
	return GP_ML + (double)(t - b->t0) / span * GP_PW;
}

double gp_xb(const struct gp_tbuckets *b, uint32_t i)
{
	return GP_ML + (i + 0.5) * GP_PW / b->n;
}

/* 1, 2 or 5 times a power of ten, at least v. */
static double nice_up(double v)
{
	if (v <= 0)
		return 1;
	double p = pow(10, floor(log10(v)));
	double m = v / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

double gp_y(const struct gp_chart *c, double v)
{
	double r = c->y1 - c->y0;

	return c->top + c->h - (r > 0 ? (v - c->y0) / r : 0) * c->h;
}

static void axis_x(FILE *f, const struct gp_tbuckets *b, double y)
{
	double span = (double)(b->t1 - b->t0);
	double step = nice_up(span / 8);
	char buf[32];

	fprintf(f, "<g class=\"ax\">");
	for (double t = 0; t <= span && step > 0; t += step) {
		double x = gp_x(b, b->t0 + (int64_t)t);
		gp_fmt(buf, sizeof(buf), t, GP_U_NS);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", x,
			y + 12, t == 0 ? "0" : buf);
	}
	fprintf(f, "</g>");
}

void gp_chart_open(struct gp_chart *c, FILE *f, const struct gp_tbuckets *b, int h, double y0,
		   double y1, enum gp_unit u)
{
	char buf[32];

	if (!(y1 > y0) || !isfinite(y0) || !isfinite(y1)) {
		y0 = isfinite(y0) ? y0 : 0;
		y1 = y0 + 1;
	}
	/* Zero stays visible unless the values are far from it. */
	if (y0 > 0 && y0 < (y1 - y0))
		y0 = 0;
	if (y0 < 0 && y1 < 0)
		y1 = 0;
	*c = (struct gp_chart){ f, b, y0, y0 + nice_up(y1 - y0), 4, h, u };
	fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\">", GP_W, h + 22);
	fprintf(f, "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", GP_ML,
		c->top, GP_PW, h);
	fprintf(f, "<g class=\"ax\">");
	for (int k = 0; k <= 2; k++) {
		double v = c->y0 + (c->y1 - c->y0) * k / 2;
		double y = gp_y(c, v);
		gp_fmt(buf, sizeof(buf), v, u);
		fprintf(f, "<path class=\"grid\" d=\"M%d %.1fH%d\"/>", GP_ML, y, GP_W - GP_MR);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", GP_ML - 4,
			y + 4, buf);
	}
	fprintf(f, "</g>");
	axis_x(f, b, c->top + h);
}

void gp_frame_open(struct gp_chart *c, FILE *f, const struct gp_tbuckets *b, int h)
{
	*c = (struct gp_chart){ f, b, 0, 1, 4, h, GP_U_COUNT };
	fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\">", GP_W, h + 22);
	fprintf(f, "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", GP_ML,
		c->top, GP_PW, h);
	axis_x(f, b, c->top + h);
}

void gp_chart_close(struct gp_chart *c)
{
	fprintf(c->f, "</svg>\n");
}

static size_t filled(const struct gp_series *s)
{
	size_t n = 0;

	for (uint32_t i = 0; i < s->n; i++)
		n += s->count[i] > 0;
	return n;
}

static void dots(struct gp_chart *c, const struct gp_series *s, const char *color,
		 const char *name)
{
	char lo[32], hi[32], t[32];

	for (uint32_t i = 0; i < s->n; i++) {
		if (!s->count[i])
			continue;
		double mean = s->sum[i] / (double)s->count[i];
		gp_fmt(lo, sizeof(lo), s->min[i], c->unit);
		gp_fmt(hi, sizeof(hi), s->max[i], c->unit);
		gp_fmt(t, sizeof(t), (double)(gp_bucket_start(c->b, i) - c->b->t0), GP_U_NS);
		if (s->min[i] != s->max[i])
			fprintf(c->f, "<path d=\"M%.1f %.1fV%.1f\" stroke=\"%s\"/>", gp_xb(c->b, i),
				gp_y(c, s->min[i]), gp_y(c, s->max[i]), color);
		fprintf(c->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>", gp_xb(c->b, i),
			gp_y(c, mean), color);
		gp_esc(c->f, name);
		fprintf(c->f, " at %s: %s", t, hi);
		if (s->count[i] > 1)
			fprintf(c->f, " (%" PRIu64 " values, %s..%s)", s->count[i], lo, hi);
		fprintf(c->f, "</title></circle>");
	}
}

void gp_draw_series(struct gp_chart *c, const struct gp_series *s, const char *color,
		    const char *name, bool carry)
{
	FILE *f = c->f;
	bool first = true;

	if (!carry && filled(s) <= 80) {
		dots(c, s, color, name);
		return;
	}
	/* The band: one vertical stroke per bucket from min to max. */
	fprintf(f, "<path class=\"band\" stroke=\"%s\" stroke-width=\"%.2f\" d=\"", color,
		(double)GP_PW / s->n + 0.05);
	for (uint32_t i = 0; i < s->n; i++)
		if (s->count[i] && s->min[i] != s->max[i])
			fprintf(f, "M%.1f %.1fV%.1f", gp_xb(c->b, i), gp_y(c, s->min[i]),
				gp_y(c, s->max[i]));
	fprintf(f, "\"/><path class=\"line\" stroke=\"%s\" d=\"", color);
	double prev = NAN;
	for (uint32_t i = 0; i < s->n; i++) {
		if (!s->count[i] && !(carry && !isnan(prev)))
			continue;
		double v = s->count[i] ? (carry ? s->last[i] : s->sum[i] / (double)s->count[i]) : prev;
		double x = gp_xb(c->b, i);
		if (first)
			fprintf(f, "M%.1f %.1f", x, gp_y(c, v));
		else if (carry)
			fprintf(f, "H%.1fV%.1f", x, gp_y(c, v));
		else
			fprintf(f, "L%.1f %.1f", x, gp_y(c, v));
		first = false;
		prev = v;
	}
	fprintf(f, "\"><title>");
	gp_esc(f, name);
	fprintf(f, "</title></path>");
}

void gp_draw_bars(struct gp_chart *c, const double *v, const char *color, const char *name)
{
	FILE *f = c->f;
	double base = gp_y(c, 0);

	fprintf(f, "<path class=\"bars\" stroke=\"%s\" stroke-width=\"%.2f\" d=\"", color,
		(double)GP_PW / c->b->n + 0.05);
	for (uint32_t i = 0; i < c->b->n; i++)
		if (v[i] != 0 && !isnan(v[i]))
			fprintf(f, "M%.1f %.1fV%.1f", gp_xb(c->b, i), base, gp_y(c, v[i]));
	fprintf(f, "\"><title>");
	gp_esc(f, name);
	fprintf(f, "</title></path>");
}

static void span_title(FILE *f, const struct gp_rdata *d, const struct gp_tbuckets *b,
		       const struct gp_span *sp, const struct gp_span_style *st)
{
	char t[32], v[32];

	gp_fmt(t, sizeof(t), (double)(sp->end - b->t0), GP_U_NS);
	gp_fmt(v, sizeof(v), sp->value, st->unit);
	fprintf(f, "<title>%s", st->what);
	if (sp->num >= 0)
		fprintf(f, " #%" PRId64, sp->num);
	fprintf(f, " ending at %s: %s", t, v);
	if (sp->label) {
		fputs(", ", f);
		gp_esc(f, gp_rdata_str(d, sp->label));
	}
	fputs("</title>", f);
}

/* Many spans: per bucket, the covered time and the longest span. */
static void merged_spans(FILE *f, const struct gp_tbuckets *b, const struct gp_span *sp,
			 size_t n, double y, double h, const struct gp_span_style *st)
{
	double *cover = xcalloc(b->n, sizeof(*cover)), *top = xcalloc(b->n, sizeof(*top));
	uint64_t *cnt = xcalloc(b->n, sizeof(*cnt));
	double width = ((double)(b->t1 - b->t0) + 1) / b->n;
	char mx[32];

	for (size_t i = 0; i < n; i++) {
		int64_t s = sp[i].start < b->t0 ? b->t0 : sp[i].start;
		uint32_t k0 = gp_bucket(b, s), k1 = gp_bucket(b, sp[i].end);
		for (uint32_t k = k0; k <= k1; k++) {
			double lo = (double)gp_bucket_start(b, k);
			double hi = k + 1 < b->n ? (double)gp_bucket_start(b, k + 1) : (double)b->t1 + 1;
			double a = fmax(lo, (double)s), e = fmin(hi, (double)sp[i].end);
			cover[k] += e > a ? e - a : 0;
		}
		cnt[k1]++;
		top[k1] = fmax(top[k1], sp[i].value);
	}
	for (uint32_t k = 0; k < b->n; k++) {
		if (!cnt[k] && cover[k] <= 0)
			continue;
		double op = fmin(1, 0.25 + cover[k] / width);
		gp_fmt(mx, sizeof(mx), top[k], st->unit);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\" "
			"fill-opacity=\"%.2f\"><title>%" PRIu64 " %s, longest %s</title></rect>",
			gp_xb(b, k) - 0.5 * GP_PW / b->n, y, (double)GP_PW / b->n + 0.05, h, st->color,
			op * st->opacity, cnt[k], st->what, mx);
	}
	free(cover);
	free(top);
	free(cnt);
}

void gp_draw_spans(FILE *f, const struct gp_rdata *d, const struct gp_tbuckets *b,
		   const struct gp_span *sp, size_t n, double y, double h,
		   const struct gp_span_style *st)
{
	if (n > st->limit) {
		merged_spans(f, b, sp, n, y, h, st);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		double x0 = gp_x(b, sp[i].start), x1 = gp_x(b, sp[i].end);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\" "
			"fill-opacity=\"%.2f\">",
			x0, y, fmax(x1 - x0, 1.0), h, st->color, st->opacity);
		span_title(f, d, b, &sp[i], st);
		fputs("</rect>", f);
	}
}
