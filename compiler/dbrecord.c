/* dbrecord.c — bpf-gen's recorder: what a target handed out, as an
 * offsets database. */
#include "dbrecord.h"

#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "gobin.h"
#include "offsetsdb.h"
#include "util.h"

struct rec_labels {
	const char *var;
	struct gp_label *labels;
	uint32_t n;
};

struct dbrecord {
	struct target *t;
	const struct gfunc **funcs;
	size_t nfuncs, capfuncs;
	const struct gvar **vars;
	size_t nvars, capvars;
	struct gtype **types;
	size_t ntypes, captypes;
	struct rec_labels *labels;
	size_t nlabels, caplabels;
};

/* Each fact once, in order of first use. */
#define REC_ADD(vec, n, cap, v)                          \
	do {                                             \
		for (size_t _i = 0; _i < (n); _i++)      \
			if ((vec)[_i] == (v))            \
				goto done;               \
		VEC_PUSH(vec, n, cap, v);                \
	done:;                                           \
	} while (0)

static void on_func(void *ctx, const struct gfunc *f)
{
	struct dbrecord *r = ctx;

	REC_ADD(r->funcs, r->nfuncs, r->capfuncs, f);
}

static void on_var(void *ctx, const struct gvar *v)
{
	struct dbrecord *r = ctx;

	REC_ADD(r->vars, r->nvars, r->capvars, v);
}

static void on_fields(void *ctx, struct gtype *ty)
{
	struct dbrecord *r = ctx;

	REC_ADD(r->types, r->ntypes, r->captypes, ty);
}

/* The target's label array is the caller's to free: keep a copy. */
static void on_labels(void *ctx, const char *var, const struct gp_label *l, uint32_t n)
{
	struct dbrecord *r = ctx;
	struct rec_labels rl;

	for (size_t i = 0; i < r->nlabels; i++)
		if (strcmp(r->labels[i].var, var) == 0)
			return;
	rl = (struct rec_labels){var, xcalloc(n + 1, sizeof(*l)), n};
	for (uint32_t i = 0; i < n; i++)
		rl.labels[i] = (struct gp_label){l[i].value, xstrdup(l[i].text)};
	VEC_PUSH(r->labels, r->nlabels, r->caplabels, rl);
}

struct dbrecord *dbrecord_start(struct target *t)
{
	struct dbrecord *r = xcalloc(1, sizeof(*r));
	struct target_observer o = {
		.func = on_func,
		.var = on_var,
		.labels = on_labels,
		.fields = on_fields,
		.ctx = r,
	};

	r->t = t;
	target_set_observer(t, &o);
	return r;
}

void dbrecord_free(struct dbrecord *r)
{
	if (!r)
		return;
	target_set_observer(r->t, NULL);
	for (size_t i = 0; i < r->nlabels; i++) {
		for (uint32_t k = 0; k < r->labels[i].n; k++)
			free((char *)r->labels[i].labels[k].text);
		free(r->labels[i].labels);
	}
	free(r->labels);
	free(r->funcs);
	free(r->vars);
	free(r->types);
	free(r);
}

bool dbrecord_func(struct dbrecord *r, const char *name)
{
	char *why = NULL;
	const struct gfunc *f = target_func(r->t, name, &why); /* recorded by on_func */

	free(why);
	return f != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Does f's code name an address inside v? Fills the finder if so. */
static bool ref_in(struct gobin *bin, const char *fname, const struct gvar *v,
		   struct offsetsdb_finder *out)
{
	const struct gobin_func *f = gobin_find_func(bin, fname);
	uint64_t *tg = NULL, size = v->type && v->type->size ? v->type->size : 1;
	size_t n = 0;
	char *err = NULL;
	bool found = false;

	if (!f || disasm_rip_targets(gobin_code(bin, f->entry, f->end - f->entry),
				     f->end - f->entry, f->entry, &tg, &n, &err) < 0) {
		free(err);
		return false;
	}
	for (size_t k = 0; k < n && !found; k++) {
		if (tg[k] >= v->addr && tg[k] < v->addr + size) {
			*out = (struct offsetsdb_finder){f->name, (uint32_t)k, (int64_t)(tg[k] - v->addr)};
			found = true;
		}
	}
	free(tg);
	return found;
}

/* A way to find v again without symbols: first through the functions the
 * packs probe (sorted, for determinism), then any runtime function. */
static struct offsetsdb_finder var_finder(struct dbrecord *r, const struct gvar *v)
{
	struct gobin *bin = target_bin(r->t);
	struct offsetsdb_finder fd = {0};
	const char **names = xcalloc(r->nfuncs + 1, sizeof(*names));

	for (size_t i = 0; i < r->nfuncs; i++)
		names[i] = r->funcs[i]->name;
	qsort(names, r->nfuncs, sizeof(*names), cmp_str);
	for (size_t i = 0; i < r->nfuncs && !fd.func; i++)
		ref_in(bin, names[i], v, &fd);
	free(names);
	for (size_t i = 0; i < gobin_nfuncs(bin) && !fd.func; i++) {
		const char *name = gobin_func_at_index(bin, i)->name;
		if (strncmp(name, "runtime.", 8) == 0)
			ref_in(bin, name, v, &fd);
	}
	return fd;
}

int dbrecord_write(struct dbrecord *r, FILE *out)
{
	struct offsetsdb_labels_in *labels;
	struct offsetsdb_finder *finders;
	struct offsetsdb_in in;
	int rc;

	finders = xcalloc(r->nvars + 1, sizeof(*finders));
	for (size_t i = 0; i < r->nvars; i++)
		finders[i] = var_finder(r, r->vars[i]);
	labels = xcalloc(r->nlabels + 1, sizeof(*labels));
	for (size_t i = 0; i < r->nlabels; i++)
		labels[i] = (struct offsetsdb_labels_in){r->labels[i].var, r->labels[i].labels,
							 r->labels[i].n};
	in = (struct offsetsdb_in){
		.go_version = gobin_go_version(target_bin(r->t)),
		.funcs = r->funcs,
		.nfuncs = r->nfuncs,
		.vars = r->vars,
		.finders = finders,
		.nvars = r->nvars,
		.full_types = r->types,
		.nfull = r->ntypes,
		.labels = labels,
		.nlabels = r->nlabels,
	};
	rc = offsetsdb_write(out, &in);
	free(labels);
	free(finders);
	return rc;
}
