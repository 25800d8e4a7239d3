/* report.c — `gprobe report`: the row store, time buckets and the whole
 * pipeline (see report.h). The scheduler model is in report_sched.c, the
 * page in report_html.c, the command line in cli/report.c. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- interned strings ---------------------------------------------------- */

uint32_t gp_rdata_intern(struct gp_rdata *d, const char *s)
{
	size_t id;
	char *copy;

	if (!*s)
		return 0;
	if (d->nstrs == 0)
		VEC_PUSH(d->strs, d->nstrs, d->scap, xstrdup(""));
	if (strmap_get(&d->ids, s, &id))
		return (uint32_t)id;
	copy = xstrdup(s);
	*strmap_put(&d->ids, copy, NULL) = d->nstrs;
	VEC_PUSH(d->strs, d->nstrs, d->scap, copy);
	return (uint32_t)(d->nstrs - 1);
}

/* ---- the row store --------------------------------------------------------- */

const struct gp_rtable *gp_rdata_table(const struct gp_rdata *d, const char *name)
{
	for (size_t i = 0; i < d->ntables; i++)
		if (strcmp(d->tables[i].name, name) == 0)
			return &d->tables[i];
	return NULL;
}

const struct gp_rcol *gp_rtable_col(const struct gp_rtable *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static struct gp_rtable *table_for(struct gp_rdata *d, const char *name)
{
	size_t last = d->last_table;

	if (last < d->ntables && strcmp(d->tables[last].name, name) == 0)
		return &d->tables[last];
	for (size_t i = 0; i < d->ntables; i++)
		if (strcmp(d->tables[i].name, name) == 0)
			return &d->tables[d->last_table = i];
	struct gp_rtable t = { .name = xstrdup(name) };
	VEC_PUSH(d->tables, d->ntables, d->tcap, t);
	d->last_table = d->ntables - 1;
	return &d->tables[d->last_table];
}

static void grow_rows(struct gp_rtable *t)
{
	if (t->nrows < t->cap)
		return;
	t->cap = t->cap ? t->cap * 2 : 64;
	t->t = xrealloc(t->t, t->cap * sizeof(*t->t));
	for (size_t c = 0; c < t->ncols; c++) {
		struct gp_rcol *col = &t->cols[c];
		col->num = xrealloc(col->num, t->cap * sizeof(*col->num));
		if (col->str)
			col->str = xrealloc(col->str, t->cap * sizeof(*col->str));
	}
}

static struct gp_rcol *col_for(struct gp_rtable *t, const char *name, size_t hint)
{
	if (hint < t->ncols && strcmp(t->cols[hint].name, name) == 0)
		return &t->cols[hint];
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->cols[c].name, name) == 0)
			return &t->cols[c];
	/* A new column: rows before this one lacked it, so they are null. */
	struct gp_rcol col = { .name = xstrdup(name) };
	col.num = xmalloc((t->cap ? t->cap : 1) * sizeof(*col.num));
	for (size_t r = 0; r < t->nrows; r++)
		col.num[r] = NAN;
	VEC_PUSH(t->cols, t->ncols, t->ccap, col);
	return &t->cols[t->ncols - 1];
}

static void set_str(struct gp_rtable *t, struct gp_rcol *col, size_t r, uint32_t id)
{
	if (!col->str)
		col->str = xcalloc(t->cap, sizeof(*col->str));
	col->str[r] = id;
	col->n_str++;
}

/* A cut string's marker member ("x_cut":true) is not a column. */
static bool is_cut_marker(const struct jl_member *m)
{
	size_t n = strlen(m->key);

	return m->v.kind == JL_BOOL && n > 4 && strcmp(m->key + n - 4, "_cut") == 0;
}

static void store_value(struct gp_rdata *d, struct gp_rtable *t, struct gp_rcol *col,
			size_t r, const struct jl_value *v)
{
	double x;

	if (v->kind == JL_STR && !jl_as_double(v, &x)) {
		set_str(t, col, r, gp_rdata_intern(d, v->s));
	} else if (v->kind != JL_NULL && jl_as_double(v, &x)) {
		col->num[r] = x;
		col->n_num++;
	}
}

int gp_rdata_add(struct gp_rdata *d, const struct jl_object *o, char **err)
{
	const struct jl_value *tv = jl_get(o, "table"), *tm = jl_get(o, "time_ns");

	if (!tv || tv->kind != JL_STR || !*tv->s) {
		*err = xstrdup("a row without a \"table\" string");
		return -EINVAL;
	}
	if (!tm || tm->kind != JL_INT) {
		*err = xasprintf("a row of table '%s' without an integer \"time_ns\"", tv->s);
		return -EINVAL;
	}
	struct gp_rtable *t = table_for(d, tv->s);
	grow_rows(t);
	size_t r = t->nrows++;
	t->t[r] = tm->i;
	for (size_t c = 0; c < t->ncols; c++) {
		t->cols[c].num[r] = NAN;
		if (t->cols[c].str)
			t->cols[c].str[r] = 0;
	}
	size_t ci = 0;
	for (size_t i = 0; i < o->n; i++) {
		const struct jl_member *m = &o->m[i];
		if (strcmp(m->key, "table") == 0 || strcmp(m->key, "time_ns") == 0 ||
		    is_cut_marker(m))
			continue;
		struct gp_rcol *col = col_for(t, m->key, ci);
		ci = (size_t)(col - t->cols) + 1;
		store_value(d, t, col, r, &m->v);
	}
	if (d->nrows == 0 || tm->i < d->t_min)
		d->t_min = tm->i;
	if (d->nrows == 0 || tm->i > d->t_max)
		d->t_max = tm->i;
	d->nrows++;
	return 0;
}

int gp_rdata_load(struct gp_rdata *d, const char *path, char **err)
{
	struct jl_object o = { 0 };
	struct jl_reader *r = jl_open(path, err);
	int rc;

	if (!r)
		return -ENOENT;
	while ((rc = jl_next(r, &o, err)) > 0) {
		char *e = NULL;
		if (gp_rdata_add(d, &o, &e) < 0) {
			*err = xasprintf("%s:%zu: %s", strcmp(path, "-") ? path : "<stdin>",
					 jl_line(r), e);
			free(e);
			rc = -EINVAL;
			break;
		}
	}
	jl_object_free(&o);
	jl_close(r);
	return rc < 0 ? rc : 0;
}

void gp_rdata_free(struct gp_rdata *d)
{
	for (size_t i = 0; i < d->ntables; i++) {
		struct gp_rtable *t = &d->tables[i];
		for (size_t c = 0; c < t->ncols; c++) {
			free(t->cols[c].name);
			free(t->cols[c].num);
			free(t->cols[c].str);
		}
		free(t->cols);
		free(t->t);
		free(t->name);
	}
	free(d->tables);
	for (size_t i = 0; i < d->nstrs; i++)
		free(d->strs[i]);
	free(d->strs);
	strmap_free(&d->ids);
	memset(d, 0, sizeof(*d));
}

/* ---- buckets and series ------------------------------------------------------ */

uint32_t gp_bucket(const struct gp_tbuckets *b, int64_t t)
{
	if (t <= b->t0)
		return 0;
	if (t >= b->t1)
		return b->n - 1;
	unsigned __int128 span = (unsigned __int128)(b->t1 - b->t0) + 1;
	return (uint32_t)(((unsigned __int128)(t - b->t0) * b->n) / span);
}

int64_t gp_bucket_start(const struct gp_tbuckets *b, uint32_t i)
{
	unsigned __int128 span = (unsigned __int128)(b->t1 - b->t0) + 1;
	unsigned __int128 off = ((unsigned __int128)i * span + b->n - 1) / b->n;

	return b->t0 + (int64_t)off;
}

void gp_series_init(struct gp_series *s, uint32_t n)
{
	s->n = n;
	s->count = xcalloc(n, sizeof(*s->count));
	s->min = xmalloc(n * sizeof(*s->min));
	s->max = xmalloc(n * sizeof(*s->max));
	s->sum = xcalloc(n, sizeof(*s->sum));
	s->last = xmalloc(n * sizeof(*s->last));
	for (uint32_t i = 0; i < n; i++)
		s->min[i] = s->max[i] = s->last[i] = NAN;
}

void gp_series_add(struct gp_series *s, const struct gp_tbuckets *b, int64_t t, double v)
{
	if (isnan(v))
		return;
	uint32_t i = gp_bucket(b, t);
	if (s->count[i] == 0 || v < s->min[i])
		s->min[i] = v;
	if (s->count[i] == 0 || v > s->max[i])
		s->max[i] = v;
	s->count[i]++;
	s->sum[i] += v;
	s->last[i] = v;
}

void gp_series_free(struct gp_series *s)
{
	free(s->count);
	free(s->min);
	free(s->max);
	free(s->sum);
	free(s->last);
	memset(s, 0, sizeof(*s));
}

/* ---- the whole pipeline -------------------------------------------------------- */

static int write_html(const struct gp_rdata *d, const char *html_path,
		      const struct gp_report_opts *o, char **err)
{
	bool to_stdout = strcmp(html_path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(html_path, "w");
	int rc;

	if (!f) {
		rc = -errno;
		*err = xasprintf("%s: %s", html_path, strerror(errno));
		return rc;
	}
	rc = gp_report_html(d, o, f, err);
	if (to_stdout) {
		if (fflush(f) != 0 && rc == 0) {
			rc = -errno;
			*err = xasprintf("<stdout>: %s", strerror(errno));
		}
	} else if (fclose(f) != 0 && rc == 0) {
		rc = -errno;
		*err = xasprintf("%s: %s", html_path, strerror(errno));
	}
	return rc;
}

int gp_report_write(const char *jsonl_path, const char *html_path,
		    const struct gp_report_opts *o, char **err)
{
	struct gp_report_opts dflt = { .source = jsonl_path };
	struct gp_rdata d = { 0 };
	int rc = gp_rdata_load(&d, jsonl_path, err);

	if (rc == 0)
		rc = write_html(&d, html_path, o ? o : &dflt, err);
	gp_rdata_free(&d);
	return rc;
}
