/* resolve.c — specs + debug facts -> probe plan: each probe's function,
 * version variant and proven sites; its columns and condition are typed by
 * typing.c, and return probes' argument reads saved by a plan pass.
 */
#include "resolve.h"

#include <stdlib.h>
#include <string.h>

#include "gobin.h"
#include "goversion.h"
#include "resolve_int.h"
#include "sites.h"
#include "spec.h"
#include "util.h"

/* ---- columns: the access path `check` prints -------------------------------- */

static void fmt_access(struct plan_col *pc)
{
	struct strbuf sb = {0};

	ir_format(pc->val, &sb);
	if (pc->len) {
		sb_puts(&sb, ", len ");
		ir_format(pc->len, &sb);
	}
	pc->access = sb_steal(&sb);
}

/* ---- probes --------------------------------------------------------------------- */

static void add_notice(struct plan *p, char *msg)
{
	VEC_PUSH(p->notices, p->nnotices, p->capnotices, msg);
}

/* The name to suggest for a missing function: one this binary has. The
 * candidates come from DWARF or, for a stripped binary, from the offsets
 * database, which lists every function of the Go version, the missing one
 * included. */
static const char *closest_function(struct rctx *c, const char *name, const char *const *names,
				    size_t n)
{
	const char **have = xcalloc(n ? n : 1, sizeof(*have));
	const char *near;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) && gobin_find_func(target_bin(c->t), names[i]))
			have[k++] = names[i];
	near = closest_name(name, have, k);
	free(have);
	return near;
}

static const struct gfunc *lookup_func(struct rctx *c, const struct spec_probe *sp)
{
	char *why = NULL;
	const struct gfunc *f = target_func(c->t, sp->function, &why);
	const char *const *names;
	const char *near;
	size_t n;

	if (f)
		return f;
	if (why) {
		rerror(c, sp->function_loc, "%s", why);
		free(why);
		return NULL;
	}
	if (sp->optional) {
		add_notice(c->plan, xasprintf("probe '%s' skipped: %s not in %s (optional)", sp->table,
					      sp->function, target_path(c->t)));
		return NULL;
	}
	n = target_func_names(c->t, &names);
	near = closest_function(c, sp->function, names, n);
	if (near)
		rerror(c, sp->function_loc, "no function %s in %s (did you mean %s?)", sp->function,
		       target_path(c->t), near);
	else
		rerror(c, sp->function_loc, "no function %s in %s", sp->function, target_path(c->t));
	return NULL;
}

/* Sites finds every address by disassembling from the function's entry;
 * codegen proves each again (sites_check) before it is attached. */
static bool place_probe(struct rctx *c, const struct spec_probe *sp, struct plan_probe *pp)
{
	const struct gfunc *f = c->fn;
	uint64_t *rets = NULL;
	size_t nrets = 0;
	char *why = NULL;

	pp->entry = f->entry;
	if (sites_entry(target_bin(c->t), f->name, f->entry, f->end, &pp->probe_addr, &why) < 0) {
		rerror(c, sp->function_loc, "cannot place a probe in %s: %s", f->name, why ? why : "?");
		free(why);
		return false;
	}
	pp->probe_why = why;
	if (!pp->at_return)
		return true;
	if (sites_returns(target_bin(c->t), f->name, f->entry, f->end, &rets, &nrets, &why) < 0 ||
	    nrets == 0) {
		rerror(c, sp->function_loc, "%s has no RET instruction%s%s", f->name,
		       why ? ": " : " (it never returns): use 'at: entry'", why ? why : "");
		free(why);
		return false;
	}
	pp->rets = rets;
	pp->nrets = (uint32_t)nrets;
	return true;
}

static bool version_matches(struct rctx *c, const struct spec_probe *sp)
{
	struct go_version v;

	if (!sp->go)
		return true;
	if (go_version_parse(gobin_go_version(target_bin(c->t)), &v) < 0)
		return true;
	return go_constraint_match(sp->go, &v);
}

static void resolve_probe(struct rctx *c, const struct spec *s, const struct spec_probe *sp)
{
	struct plan *p = c->plan;
	struct plan_probe *pp;
	if (!version_matches(c, sp))
		return; /* reported per table by note_version_skips() */
	c->fn = lookup_func(c, sp);
	if (!c->fn)
		return;
	if (p->nprobes == p->capprobes) {
		p->capprobes = p->capprobes ? p->capprobes * 2 : 8;
		p->probes = xrealloc(p->probes, p->capprobes * sizeof(*p->probes));
	}
	pp = &p->probes[p->nprobes];
	memset(pp, 0, sizeof(*pp));
	pp->table = sp->table;
	pp->func = c->fn->name;
	pp->id = p->nprobes;
	pp->at_return = sp->at == PROBE_AT_RETURN;
	pp->loc = sp->table_loc;
	c->pp = pp;
	c->at_return = pp->at_return;
	c->locs = xcalloc(c->fn->nparams + 1, sizeof(*c->locs));
	if (goabi_assign(c->fn, target_regabi(c->t), c->locs) < 0) {
		rerror(c, sp->function_loc, "%s: parameter types unknown", c->fn->name);
		goto out;
	}
	if (!place_probe(c, sp, pp))
		goto out;
	pp->cols = xcalloc(sp->ncols + 1, sizeof(*pp->cols));
	for (uint32_t i = 0; i < sp->ncols && !c->failed; i++) {
		typing_column(c, &sp->cols[i], sp->max_string ? sp->max_string : s->max_string,
			      &pp->cols[i]);
		pp->ncols = i + 1;
	}
	if (sp->where_ast && !c->failed)
		pp->where = typing_where(c, sp->where_ast, sp->where_loc);
	if (!c->failed && pp->at_return && plan_save_entry_reads(p, pp, c->d) < 0)
		c->failed = true;
	for (uint32_t i = 0; i < pp->ncols; i++)
		if (pp->cols[i].val && !pp->cols[i].access)
			fmt_access(&pp->cols[i]);
	p->nprobes++;
out:
	free(c->locs);
	c->locs = NULL;
}

/* A table none of whose variants' `go:` matches this binary is skipped,
 * and said so once; variants that lost to another one are not news. */
static void note_version_skips(struct rctx *c, const struct spec *s)
{
	for (uint32_t i = 0; i < s->nprobes; i++) {
		const struct spec_probe *sp = &s->probes[i];
		struct strbuf sb = {0};
		bool first = true, any = false;

		for (uint32_t k = 0; k < i && first; k++)
			first = strcmp(s->probes[k].table, sp->table) != 0;
		if (!first)
			continue;
		for (uint32_t k = i; k < s->nprobes; k++) {
			const struct spec_probe *v = &s->probes[k];
			if (strcmp(v->table, sp->table) != 0)
				continue;
			if (version_matches(c, v)) {
				any = true;
				break;
			}
			if (sb.len)
				sb_puts(&sb, " | ");
			go_constraint_print(v->go, &sb);
		}
		if (!any)
			add_notice(c->plan, xasprintf("table '%s' skipped: %s has no variant for %s (go: %s)",
						      sp->table, s->file.path, gobin_go_version(target_bin(c->t)),
						      sb.buf));
		sb_free(&sb);
	}
}

/* Two specs of one run may not both produce a table of the same name. */
static void check_unique_tables(struct rctx *c)
{
	struct plan *p = c->plan;

	for (uint32_t i = 0; i < p->nprobes; i++)
		for (uint32_t k = 0; k < i; k++)
			if (strcmp(p->probes[i].table, p->probes[k].table) == 0) {
				diag_error(c->d, p->probes[i].loc, "table '%s' is produced twice in this run",
					   p->probes[i].table);
				diag_at(c->d, DIAG_NOTE, p->probes[k].loc, "first produced here");
				break;
			}
}

struct plan *resolve_specs(struct target *t, struct spec *const *specs, size_t nspecs,
			   struct diags *d)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	struct rctx c = {.t = t, .plan = p, .d = d};
	const struct gtype *g;
	uint64_t off;

	p->go_version = gobin_go_version(target_bin(t));
	p->regabi = target_regabi(t);
	if ((g = target_type(t, "runtime.g")) && gtype_field(g, "goid", false, &off)) {
		target_note_fields(t, (struct gtype *)g);
		p->goid_off = off;
		if (gtype_field(g, "stack", false, &off))
			p->stack_hi_off = off + 8;
	}
	for (size_t i = 0; i < nspecs; i++) {
		for (uint32_t k = 0; k < specs[i]->nprobes; k++) {
			c.failed = false;
			resolve_probe(&c, specs[i], &specs[i]->probes[k]);
		}
		note_version_skips(&c, specs[i]);
	}
	check_unique_tables(&c);
	if (d->nerrors) {
		plan_free(p);
		return NULL;
	}
	{
		const char *const *msgs;
		size_t n = target_notices(t, &msgs);
		for (size_t i = 0; i < n; i++)
			add_notice(p, xstrdup(msgs[i]));
	}
	return p;
}
