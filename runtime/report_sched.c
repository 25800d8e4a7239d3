/* report_sched.c — the scheduler model of `gprobe report` (report.h):
 * replay the sched tables in time order as a small state machine per
 * goroutine and per lane (P or M). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "report_int.h"
#include "util.h"

bool gp_name_has(const char *name, const char *const *words)
{
	for (; words && *words; words++)
		if (strstr(name, *words))
			return true;
	return false;
}

const struct gp_rcol *gp_col_any(const struct gp_rtable *t, const char *const *names)
{
	for (; *names; names++) {
		const struct gp_rcol *c = gp_rtable_col(t, *names);
		if (c)
			return c;
	}
	return NULL;
}

const struct gp_rtable *gp_table_like(const struct gp_rdata *d, const char *const *want,
				      const char *const *avoid)
{
	for (size_t i = 0; i < d->ntables; i++)
		if (gp_name_has(d->tables[i].name, want) && !gp_name_has(d->tables[i].name, avoid))
			return &d->tables[i];
	return NULL;
}

bool gp_col_int(const struct gp_rcol *c, size_t r, int64_t *out)
{
	if (!c || isnan(c->num[r]))
		return false;
	*out = (int64_t)c->num[r];
	return true;
}

/* ---- events ----------------------------------------------------------------- */

enum ev_kind { EV_CREATE, EV_READY, EV_STOP, EV_PARK, EV_EXIT, EV_EXEC, EV_NKINDS };

struct ev {
	int64_t t;
	uint32_t row;
	uint8_t kind;
};

struct src {
	const struct gp_rtable *t;
	const struct gp_rcol *gid, *lane, *start, *reason;
};

struct gstate {
	int64_t gid;
	int64_t since; /* running: run start; waiting: park time */
	long lane;     /* running: lane index; else -1 */
	uint32_t func, reason;
	uint8_t state;
	bool known; /* counted in the state totals */
};

struct replay {
	struct gp_sched *s;
	const struct gp_tbuckets *b;
	struct src src[EV_NKINDS];
	struct gstate *gs;
	size_t ngs, gcap;
	struct u64map gmap, fmap; /* goroutine id, function -> index in gs, funcs */
	int64_t *lane_gid; /* running goroutine per lane, -1 none */
	uint64_t count[GP_G_NSTATES];
	uint64_t live;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static int lane_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static struct gp_func_stats *func_stats(struct replay *rp, uint32_t func)
{
	struct gp_sched *s = rp->s;
	size_t i;

	if (u64map_get(&rp->fmap, func, &i))
		return &s->funcs[i];
	struct gp_func_stats f = { .func = func };
	VEC_PUSH(s->funcs, s->nfuncs, s->fcap, f);
	*u64map_put(&rp->fmap, func, NULL) = s->nfuncs - 1;
	return &s->funcs[s->nfuncs - 1];
}

static struct gstate *gstate(struct replay *rp, int64_t gid)
{
	size_t i;

	if (u64map_get(&rp->gmap, (uint64_t)gid, &i))
		return &rp->gs[i];
	struct gstate g = { .gid = gid, .lane = -1, .state = GP_G_RUNNABLE };
	VEC_PUSH(rp->gs, rp->ngs, rp->gcap, g);
	*u64map_put(&rp->gmap, (uint64_t)gid, NULL) = rp->ngs - 1;
	return &rp->gs[rp->ngs - 1];
}

static void set_state(struct replay *rp, struct gstate *g, uint8_t st)
{
	if (!g->known) {
		g->known = true;
		rp->live++;
	} else {
		rp->count[g->state]--;
	}
	if (st == GP_G_DEAD && g->state != GP_G_DEAD)
		rp->live--;
	g->state = st;
	rp->count[st]++;
}

static void close_run(struct replay *rp, struct gstate *g, int64_t t)
{
	struct gp_sched *s = rp->s;

	if (g->lane < 0)
		return;
	struct gp_run run = { g->since, t, g->gid, (uint32_t)g->lane, g->func };
	VEC_PUSH(s->runs, s->nruns, s->rcap, run);
	struct gp_func_stats *f = func_stats(rp, g->func);
	f->runs++;
	f->run_ns += t - g->since;
	rp->lane_gid[g->lane] = -1;
	g->lane = -1;
}

static void close_park(struct replay *rp, struct gstate *g, int64_t t)
{
	if (g->state != GP_G_WAITING)
		return;
	struct gp_func_stats *f = func_stats(rp, g->func);
	struct gp_func_reason *r = NULL;
	for (size_t i = 0; i < f->nreasons; i++)
		if (f->reasons[i].reason == g->reason)
			r = &f->reasons[i];
	if (!r) {
		struct gp_func_reason nr = { .reason = g->reason };
		VEC_PUSH(f->reasons, f->nreasons, f->rcap, nr);
		r = &f->reasons[f->nreasons - 1];
	}
	r->parks++;
	r->ns += t - g->since;
}

static long lane_index(const struct gp_sched *s, int64_t v)
{
	int64_t *p = bsearch(&v, s->lanes, s->nlanes, sizeof(*s->lanes), lane_cmp);

	return p ? p - s->lanes : -1;
}

static void on_exec(struct replay *rp, struct gstate *g, const struct ev *e)
{
	const struct src *sr = &rp->src[EV_EXEC];
	int64_t lv = 0;
	long lane = 0;

	if (sr->lane)
		lane = gp_col_int(sr->lane, e->row, &lv) ? lane_index(rp->s, lv) : -1;
	if (lane < 0)
		return;
	/* Whatever ran on this lane stopped without an event we saw. */
	if (rp->lane_gid[lane] >= 0 && rp->lane_gid[lane] != g->gid) {
		struct gstate *prev = gstate(rp, rp->lane_gid[lane]);
		close_run(rp, prev, e->t);
		if (prev->state == GP_G_RUNNING)
			set_state(rp, prev, GP_G_RUNNABLE);
	}
	close_run(rp, g, e->t);
	close_park(rp, g, e->t);
	g->lane = lane;
	g->since = e->t;
	rp->lane_gid[lane] = g->gid;
	set_state(rp, g, GP_G_RUNNING);
}

static void on_event(struct replay *rp, const struct ev *e)
{
	const struct src *sr = &rp->src[e->kind];
	int64_t gid;

	if (!gp_col_int(sr->gid, e->row, &gid))
		return;
	struct gstate *g = gstate(rp, gid);
	uint32_t start = gp_col_str(sr->start, e->row);
	if (start && !g->func)
		g->func = start;
	switch (e->kind) {
	case EV_CREATE:
		func_stats(rp, g->func)->goroutines++;
		set_state(rp, g, GP_G_RUNNABLE);
		break;
	case EV_READY:
		close_park(rp, g, e->t);
		set_state(rp, g, GP_G_RUNNABLE);
		break;
	case EV_STOP:
		close_run(rp, g, e->t);
		set_state(rp, g, GP_G_RUNNABLE);
		break;
	case EV_PARK: {
		struct gp_park_mark pm = { e->t, 0, gp_col_str(sr->reason, e->row) };
		pm.lane = g->lane >= 0 ? (uint32_t)g->lane : UINT32_MAX;
		VEC_PUSH(rp->s->parks, rp->s->nparks, rp->s->pcap, pm);
		close_run(rp, g, e->t);
		g->since = e->t;
		g->reason = pm.reason;
		set_state(rp, g, GP_G_WAITING);
		break;
	}
	case EV_EXIT:
		close_run(rp, g, e->t);
		close_park(rp, g, e->t);
		if (g->state != GP_G_DEAD)
			func_stats(rp, g->func)->exited++;
		set_state(rp, g, GP_G_DEAD);
		break;
	case EV_EXEC:
		on_exec(rp, g, e);
		break;
	}
	gp_series_add(&rp->s->live, rp->b, e->t, (double)rp->live);
	for (int st = 0; st < GP_G_NSTATES; st++)
		gp_series_add(&rp->s->state[st], rp->b, e->t, (double)rp->count[st]);
}

/* ---- finding the tables ------------------------------------------------------- */

static const char *const GID_COLS[] = { "gid", "goid", NULL };
static const char *const START_COLS[] = { "start", "start_fn", "func", "fn", NULL };
static const char *const REASON_COLS[] = { "reason", "wait_reason", "why", NULL };

static void find_sources(const struct gp_rdata *d, struct src *src)
{
	static const char *const exec[] = { "execute", NULL };
	static const char *const create[] = { "create", "newproc", NULL };
	static const char *const exitw[] = { "exit", NULL };
	static const char *const exit_avoid[] = { "syscall", NULL };
	static const char *const park[] = { "park", NULL };
	static const char *const park_avoid[] = { "unpark", NULL };
	static const char *const ready[] = { "ready", NULL };
	static const char *const ready_avoid[] = { "netpoll", NULL };
	static const char *const stop[] = { "preempt", "yield", "gosched", NULL };
	static const char *const stop_avoid[] = { "request", "async", NULL };
	const struct gp_rtable *t[EV_NKINDS] = {
		[EV_EXEC] = gp_table_like(d, exec, NULL),
		[EV_CREATE] = gp_table_like(d, create, NULL),
		[EV_EXIT] = gp_table_like(d, exitw, exit_avoid),
		[EV_PARK] = gp_table_like(d, park, park_avoid),
		[EV_READY] = gp_table_like(d, ready, ready_avoid),
		[EV_STOP] = gp_table_like(d, stop, stop_avoid),
	};

	for (int k = 0; k < EV_NKINDS; k++) {
		if (!t[k])
			continue;
		src[k].t = t[k];
		src[k].gid = gp_col_any(t[k], GID_COLS);
		src[k].start = gp_col_any(t[k], START_COLS);
		src[k].reason = gp_col_any(t[k], REASON_COLS);
	}
	/* gopark runs on the goroutine that parks: its implicit goid. */
	if (src[EV_PARK].t && !gp_rtable_col(src[EV_PARK].t, "gid"))
		src[EV_PARK].gid = gp_rtable_col(src[EV_PARK].t, "goid");
}

static void find_lanes(struct gp_sched *s, struct src *ex)
{
	static const char *const p_cols[] = { "p", "pid_p", "p_id", NULL };
	static const char *const m_cols[] = { "m", "m_id", "tid", NULL };

	s->lane_kind = 'P';
	ex->lane = gp_col_any(ex->t, p_cols);
	if (!ex->lane) {
		s->lane_kind = 'M';
		ex->lane = gp_col_any(ex->t, m_cols);
	}
	if (!ex->lane) {
		s->lane_kind = 'G';
		s->lanes = xcalloc(1, sizeof(*s->lanes));
		s->nlanes = 1;
		return;
	}
	s->lanes = xmalloc((ex->t->nrows + 1) * sizeof(*s->lanes));
	for (size_t r = 0; r < ex->t->nrows; r++)
		if (gp_col_int(ex->lane, r, &s->lanes[s->nlanes]))
			s->nlanes++;
	qsort(s->lanes, s->nlanes, sizeof(*s->lanes), lane_cmp);
	size_t n = 0;
	for (size_t i = 0; i < s->nlanes; i++)
		if (n == 0 || s->lanes[n - 1] != s->lanes[i])
			s->lanes[n++] = s->lanes[i];
	s->nlanes = n;
}

static struct ev *collect_events(const struct src *src, size_t *nev)
{
	size_t n = 0;

	for (int k = 0; k < EV_NKINDS; k++)
		if (src[k].t && src[k].gid)
			n += src[k].t->nrows;
	struct ev *ev = xmalloc((n + 1) * sizeof(*ev));
	n = 0;
	for (int k = 0; k < EV_NKINDS; k++) {
		if (!src[k].t || !src[k].gid)
			continue;
		for (size_t r = 0; r < src[k].t->nrows; r++)
			ev[n++] = (struct ev){ src[k].t->t[r], (uint32_t)r, (uint8_t)k };
	}
	qsort(ev, n, sizeof(*ev), ev_cmp);
	*nev = n;
	return ev;
}

static int func_cmp(const void *a, const void *b)
{
	const struct gp_func_stats *x = a, *y = b;

	if (x->run_ns != y->run_ns)
		return x->run_ns > y->run_ns ? -1 : 1;
	return x->func < y->func ? -1 : x->func > y->func;
}

static void finish(struct replay *rp, int64_t t_end)
{
	struct gp_sched *s = rp->s;

	for (size_t i = 0; i < rp->ngs; i++) {
		close_run(rp, &rp->gs[i], t_end);
		close_park(rp, &rp->gs[i], t_end);
	}
	if (s->nfuncs > 1)
		qsort(s->funcs, s->nfuncs, sizeof(*s->funcs), func_cmp);
}

int gp_sched_build(const struct gp_rdata *d, const struct gp_tbuckets *b, struct gp_sched *s)
{
	struct replay rp = { .s = s, .b = b };

	memset(s, 0, sizeof(*s));
	find_sources(d, rp.src);
	if (!rp.src[EV_EXEC].t || !rp.src[EV_EXEC].gid)
		return 0;
	s->present = true;
	s->exec_table = rp.src[EV_EXEC].t->name;
	s->create_table = rp.src[EV_CREATE].t ? rp.src[EV_CREATE].t->name : NULL;
	s->park_table = rp.src[EV_PARK].t ? rp.src[EV_PARK].t->name : NULL;
	find_lanes(s, &rp.src[EV_EXEC]);
	rp.lane_gid = xmalloc((s->nlanes + 1) * sizeof(*rp.lane_gid));
	for (size_t i = 0; i < s->nlanes; i++)
		rp.lane_gid[i] = -1;
	gp_series_init(&s->live, b->n);
	for (int st = 0; st < GP_G_NSTATES; st++)
		gp_series_init(&s->state[st], b->n);

	size_t nev;
	struct ev *ev = collect_events(rp.src, &nev);
	for (size_t i = 0; i < nev; i++)
		on_event(&rp, &ev[i]);
	finish(&rp, d->t_max);
	free(ev);
	free(rp.gs);
	free(rp.lane_gid);
	u64map_free(&rp.gmap);
	u64map_free(&rp.fmap);
	return 0;
}

void gp_sched_free(struct gp_sched *s)
{
	free(s->lanes);
	free(s->runs);
	free(s->parks);
	for (size_t i = 0; i < s->nfuncs; i++)
		free(s->funcs[i].reasons);
	free(s->funcs);
	gp_series_free(&s->live);
	for (int st = 0; st < GP_G_NSTATES; st++)
		gp_series_free(&s->state[st]);
	memset(s, 0, sizeof(*s));
}

/* ---- the scheduler's part of the page --------------------------------------- */

#define LANE_H 22
#define MAX_LANES 256
#define EXACT_RUNS 3000
#define EXACT_PARKS 2000
#define PARK_BINS 250
#define NAMED_FUNCS 11

struct view {
	FILE *f;
	const struct gp_rdata *d;
	const struct gp_tbuckets *b;
	const struct gp_sched *s;
	struct u64map color; /* func -> colour index; absent: "other" */
	size_t nlanes;
	int top;
};

static const char *func_color(const struct view *v, uint32_t func)
{
	size_t i;

	if (!func)
		return "#bbb";
	return u64map_get(&v->color, func, &i) ? gp_color(i) : "#888";
}

static const char *func_name(const struct view *v, uint32_t func)
{
	return func ? gp_rdata_str(v->d, func) : "(started before tracing)";
}

static void exact_runs(struct view *v)
{
	char a[32], l[32];

	for (size_t i = 0; i < v->s->nruns; i++) {
		const struct gp_run *r = &v->s->runs[i];
		if (r->lane >= v->nlanes)
			continue;
		double x0 = gp_x(v->b, r->start), x1 = gp_x(v->b, r->end);
		gp_fmt(a, sizeof(a), (double)(r->start - v->b->t0), GP_U_NS);
		gp_fmt(l, sizeof(l), (double)(r->end - r->start), GP_U_NS);
		fprintf(v->f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\">"
			"<title>g%" PRId64 " ", x0, v->top + (int)r->lane * LANE_H + 2,
			fmax(x1 - x0, 0.6), LANE_H - 4, func_color(v, r->func), r->gid);
		gp_esc(v->f, func_name(v, r->func));
		fprintf(v->f, " ran %s from %s</title></rect>", l, a);
	}
}

/* Per lane and bucket: the busy time and the goroutine that ran longest
 * there; consecutive buckets alike become one rectangle. */
static void merged_runs(struct view *v)
{
	uint32_t n = v->b->n;
	double *busy = xcalloc(v->nlanes * n, sizeof(*busy));
	double *best = xcalloc(v->nlanes * n, sizeof(*best));
	uint32_t *func = xcalloc(v->nlanes * n, sizeof(*func));
	double w = ((double)(v->b->t1 - v->b->t0) + 1) / n;

	for (size_t i = 0; i < v->s->nruns; i++) {
		const struct gp_run *r = &v->s->runs[i];
		if (r->lane >= v->nlanes)
			continue;
		for (uint32_t k = gp_bucket(v->b, r->start); k <= gp_bucket(v->b, r->end); k++) {
			double lo = (double)gp_bucket_start(v->b, k), hi = lo + w;
			double o = fmin(hi, (double)r->end) - fmax(lo, (double)r->start);
			size_t at = r->lane * n + k;
			if (o <= 0)
				continue;
			busy[at] += o;
			if (o > best[at]) {
				best[at] = o;
				func[at] = r->func;
			}
		}
	}
	for (size_t l = 0; l < v->nlanes; l++) {
		for (uint32_t k = 0; k < n;) {
			size_t at = l * n + k;
			int level = (int)ceil(fmin(1, busy[at] / w) * 4);
			uint32_t e = k + 1;
			while (e < n && func[l * n + e] == func[at] &&
			       (int)ceil(fmin(1, busy[l * n + e] / w) * 4) == level)
				e++;
			if (level > 0) {
				double x = gp_xb(v->b, k) - 0.5 * GP_PW / n;
				fprintf(v->f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
					"fill=\"%s\" fill-opacity=\"%.2f\"><title>mostly ",
					x, v->top + (int)l * LANE_H + 2, (double)(e - k) * GP_PW / n,
					LANE_H - 4, func_color(v, func[at]), level / 4.0);
				gp_esc(v->f, func_name(v, func[at]));
				fprintf(v->f, ", busy up to %d%%</title></rect>", level * 25);
			}
			k = e;
		}
	}
	free(busy);
	free(best);
	free(func);
}

static void park_tick(struct view *v, double x, uint32_t lane)
{
	int y = v->top + (int)lane * LANE_H + LANE_H - 2;

	fprintf(v->f, "<path class=\"park\" d=\"M%.1f %dl-3 3h6z\">", x, y);
}

static void park_marks(struct view *v)
{
	const struct gp_sched *s = v->s;

	if (s->nparks <= EXACT_PARKS) {
		for (size_t i = 0; i < s->nparks; i++) {
			const struct gp_park_mark *p = &s->parks[i];
			if (p->lane >= v->nlanes)
				continue;
			park_tick(v, gp_x(v->b, p->t), p->lane);
			fputs("<title>park: ", v->f);
			gp_esc(v->f, p->reason ? gp_rdata_str(v->d, p->reason) : "?");
			fputs("</title></path>", v->f);
		}
		return;
	}
	/* Per lane and bin: the count and the majority reason (Boyer-Moore). */
	struct gp_tbuckets bins = { v->b->t0, v->b->t1, PARK_BINS };
	size_t nb = v->nlanes * PARK_BINS;
	uint64_t *cnt = xcalloc(nb, sizeof(*cnt)), *votes = xcalloc(nb, sizeof(*votes));
	uint32_t *cand = xcalloc(nb, sizeof(*cand));
	for (size_t i = 0; i < s->nparks; i++) {
		const struct gp_park_mark *p = &s->parks[i];
		if (p->lane >= v->nlanes)
			continue;
		size_t at = p->lane * PARK_BINS + gp_bucket(&bins, p->t);
		cnt[at]++;
		if (votes[at] == 0) {
			cand[at] = p->reason;
			votes[at] = 1;
		} else if (cand[at] == p->reason) {
			votes[at]++;
		} else {
			votes[at]--;
		}
	}
	for (size_t at = 0; at < nb; at++) {
		if (!cnt[at])
			continue;
		uint32_t k = (uint32_t)(at % PARK_BINS);
		park_tick(v, GP_ML + (k + 0.5) * GP_PW / PARK_BINS, (uint32_t)(at / PARK_BINS));
		fprintf(v->f, "<title>%" PRIu64 " parks, mostly ", cnt[at]);
		gp_esc(v->f, cand[at] ? gp_rdata_str(v->d, cand[at]) : "?");
		fputs("</title></path>", v->f);
	}
	free(cnt);
	free(votes);
	free(cand);
}

static void legend(struct view *v)
{
	fputs("<div class=\"legend\">", v->f);
	for (size_t i = 0; i < v->s->nfuncs && i < NAMED_FUNCS; i++) {
		uint32_t fn = v->s->funcs[i].func;
		fprintf(v->f, "<span><i style=\"background:%s\"></i>", func_color(v, fn));
		gp_esc(v->f, func_name(v, fn));
		fputs("</span>", v->f);
	}
	if (v->s->nfuncs > NAMED_FUNCS)
		fputs("<span><i style=\"background:#888\"></i>other functions</span>", v->f);
	fputs("<span>▲ park</span></div>", v->f);
}

static void timeline(struct view *v)
{
	const struct gp_sched *s = v->s;
	struct gp_chart c;

	v->nlanes = s->nlanes < MAX_LANES ? s->nlanes : MAX_LANES;
	fprintf(v->f, "<div class=\"cap\"><b>Goroutines per %s</b> — %zu runs from %s, "
		"coloured by start function%s; %zu parks%s</div>",
		s->lane_kind == 'P' ? "P" : s->lane_kind == 'M' ? "M" : "lane", s->nruns,
		s->exec_table, s->create_table ? "" : " (no creation table: unknown)",
		s->nparks, s->nruns > EXACT_RUNS ? "; per bucket, the goroutine that ran longest" : "");
	legend(v);
	fprintf(v->f, "<div class=\"timeline\" data-lanes=\"%zu\" data-runs=\"%zu\" "
		"data-parks=\"%zu\">", s->nlanes, s->nruns, s->nparks);
	gp_frame_open(&c, v->f, v->b, (int)v->nlanes * LANE_H);
	v->top = c.top;
	for (size_t l = 0; l < v->nlanes; l++)
		fprintf(v->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%c%" PRId64 "</text>",
			GP_ML - 4, v->top + (int)l * LANE_H + 13,
			s->lane_kind == 'G' ? ' ' : s->lane_kind, s->lanes[l]);
	if (s->nruns <= EXACT_RUNS)
		exact_runs(v);
	else
		merged_runs(v);
	park_marks(v);
	gp_chart_close(&c);
	fputs("</div>", v->f);
	if (s->nlanes > v->nlanes)
		fprintf(v->f, "<div class=\"note\">the first %zu of %zu lanes</div>", v->nlanes,
			s->nlanes);
}

static void counts(struct view *v)
{
	static const char *const names[] = { "runnable", "running", "waiting" };
	double hi = 0;
	struct gp_chart c;

	for (uint32_t i = 0; i < v->b->n; i++)
		if (v->s->live.count[i])
			hi = fmax(hi, v->s->live.max[i]);
	fputs("<div class=\"cap\"><b>Goroutines over time</b> — value at the end of each bucket"
	      "</div><div class=\"legend\">", v->f);
	fprintf(v->f, "<span><i style=\"background:#222\"></i>live</span>");
	for (int st = 0; st < GP_G_DEAD; st++)
		fprintf(v->f, "<span><i style=\"background:%s\"></i>%s</span>", gp_color((size_t)st),
			names[st]);
	fputs("</div>", v->f);
	gp_chart_open(&c, v->f, v->b, 120, 0, hi, GP_U_COUNT);
	gp_draw_series(&c, &v->s->live, "#222", "live goroutines", true);
	for (int st = 0; st < GP_G_DEAD; st++)
		gp_draw_series(&c, &v->s->state[st], gp_color((size_t)st), names[st], true);
	gp_chart_close(&c);
}

static int reason_cmp(const void *a, const void *b)
{
	const struct gp_func_reason *x = a, *y = b;

	return x->ns > y->ns ? -1 : x->ns < y->ns;
}

static void func_table(struct view *v)
{
	char buf[32];

	fputs("<div class=\"cap\"><b>Per start function</b></div><table><tr><th>function</th>"
	      "<th>created</th><th>exited</th><th>runs</th><th>running</th><th>parks</th>"
	      "<th>parked</th><th>parked by reason</th></tr>\n", v->f);
	for (size_t i = 0; i < v->s->nfuncs && i < 100; i++) {
		struct gp_func_stats *fs = &v->s->funcs[i];
		uint64_t parks = 0;
		int64_t pns = 0;
		if (fs->nreasons > 1)
			qsort(fs->reasons, fs->nreasons, sizeof(*fs->reasons), reason_cmp);
		for (size_t r = 0; r < fs->nreasons; r++) {
			parks += fs->reasons[r].parks;
			pns += fs->reasons[r].ns;
		}
		fputs("<tr data-func=\"", v->f);
		gp_esc(v->f, func_name(v, fs->func));
		fprintf(v->f, "\" data-created=\"%" PRIu64 "\" data-exited=\"%" PRIu64 "\" "
			"data-run-ns=\"%" PRId64 "\"><td><i style=\"display:inline-block;width:9px;"
			"height:9px;background:%s\"></i> ", fs->goroutines, fs->exited, fs->run_ns,
			func_color(v, fs->func));
		gp_esc(v->f, func_name(v, fs->func));
		gp_fmt(buf, sizeof(buf), (double)fs->run_ns, GP_U_NS);
		fprintf(v->f, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
			"</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%s</td>",
			fs->goroutines, fs->exited, fs->runs, buf);
		gp_fmt(buf, sizeof(buf), (double)pns, GP_U_NS);
		fprintf(v->f, "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%s</td><td>", parks,
			buf);
		for (size_t r = 0; r < fs->nreasons && r < 4; r++) {
			gp_fmt(buf, sizeof(buf), (double)fs->reasons[r].ns, GP_U_NS);
			const char *why = fs->reasons[r].reason ?
				gp_rdata_str(v->d, fs->reasons[r].reason) : "?";
			fputs(r ? "; " : "", v->f);
			fputs("<span data-reason=\"", v->f);
			gp_esc(v->f, why);
			fprintf(v->f, "\" data-parks=\"%" PRIu64 "\" data-ns=\"%" PRId64 "\">",
				fs->reasons[r].parks, fs->reasons[r].ns);
			gp_esc(v->f, why);
			fprintf(v->f, " %" PRIu64 "× %s</span>", fs->reasons[r].parks, buf);
		}
		fputs("</td></tr>\n", v->f);
	}
	fputs("</table>\n", v->f);
}

void gp_report_sched_section(FILE *f, const struct gp_rdata *d, const struct gp_tbuckets *b)
{
	struct gp_sched s;
	struct view v = { .f = f, .d = d, .b = b, .s = &s };

	fputs("<h2 id=\"sched\">Scheduler</h2>\n", f);
	gp_sched_build(d, b, &s);
	if (!s.present) {
		fputs("<p class=\"note\">No execute table (a table named like 'execute' with a "
		      "goroutine column gid): no timeline.</p>\n", f);
		return;
	}
	for (size_t i = 0, k = 0; i < s.nfuncs && k < NAMED_FUNCS; i++)
		if (s.funcs[i].func)
			*u64map_put(&v.color, s.funcs[i].func, NULL) = k++;
	timeline(&v);
	counts(&v);
	func_table(&v);
	u64map_free(&v.color);
	gp_sched_free(&s);
}
