/* typing.c — spec expressions typed against one function's facts: names
 * (parameters, results, package variables, $variables), indexing, builtins
 * and operators resolve to places (place.c); columns and 'where' make IR.
 */
#include "resolve_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "gobin.h"
#include "spec.h"
#include "util.h"

static char *list_params(const struct gfunc *f, bool results)
{
	struct strbuf sb = {0};
	bool any = false;

	for (uint32_t i = 0; i < f->nparams; i++) {
		const struct gparam *p = &f->params[i];
		if (p->result != results || !p->name[0])
			continue;
		sb_printf(&sb, "%s%s %s", any ? ", " : "", p->name, rv_type_name(p->type));
		any = true;
	}
	if (!any)
		sb_puts(&sb, "none");
	return sb_steal(&sb);
}

/* ---- names: parameters, results, package variables ---------------------- */

static int find_param(const struct gfunc *f, const char *name)
{
	for (uint32_t i = 0; i < f->nparams; i++)
		if (f->params[i].name[0] && strcmp(f->params[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Flatten a selector chain a.b.c into "a.b.c"; NULL if not a pure chain. */
static char *dotted_name(const struct expr *e)
{
	if (e->kind == EX_IDENT)
		return xstrdup(e->name);
	if (e->kind == EX_FIELD) {
		char *base = dotted_name(e->a);
		char *s;
		if (!base)
			return NULL;
		s = xasprintf("%s.%s", base, e->name);
		free(base);
		return s;
	}
	return NULL;
}

/* Where link-time address `a` of the target's data is in the process the
 * probe fired in: a PIE is loaded at a base of the kernel's choosing. */
static struct ir *image_addr(struct rctx *c, uint64_t a)
{
	if (!gobin_is_pie(target_bin(c->t)))
		return ir_const(c->plan, a, false);
	return ir_binary(c->plan, IB_ADD, ir_new(c->plan, IR_BIAS), ir_const(c->plan, a, false),
			 false);
}

/* The link-time address of code address v read in the process (sym()
 * names it from the binary's pclntab); 0 stays 0. */
static struct ir *link_addr(struct rctx *c, struct ir *v)
{
	struct ir *n;

	if (!gobin_is_pie(target_bin(c->t)))
		return v;
	n = ir_new(c->plan, IR_SELECT);
	n->a = v;
	n->b = ir_binary(c->plan, IB_SUB, v, ir_new(c->plan, IR_BIAS), false);
	return n;
}

/* A package variable, or NULL; an existing variable whose facts or
 * address are missing is reported as an error at loc. */
static const struct gvar *lookup_var(struct rctx *c, const char *name, struct srcloc loc)
{
	char *why = NULL;
	const struct gvar *v = target_var(c->t, name, &why);

	if (!v && why)
		rerror(c, loc, "%s", why);
	free(why);
	return v;
}

static struct rval var_place(struct rctx *c, const struct gvar *v, struct srcloc loc)
{
	if (!v->type) {
		rerror(c, loc, "the type of package variable '%s' is unknown", v->name);
		return rv_scalar(ir_const(c->plan, 0, false), NULL);
	}
	return (struct rval){.kind = RV_MEM, .type = v->type, .addr = image_addr(c, v->addr)};
}

/* Longest-prefix match of a dotted chain against package variables:
 * runtime.gcController.heapLive is variable runtime.gcController, field heapLive. */
static bool resolve_var_chain(struct rctx *c, const struct expr *e, struct rval *out)
{
	const struct gvar *v;
	char *name;

	const struct expr *root = e;

	while (root->kind == EX_FIELD)
		root = root->a;
	if (root->kind != EX_IDENT || find_param(c->fn, root->name) >= 0)
		return false; /* parameters shadow packages */
	if (e->kind == EX_FIELD && resolve_var_chain(c, e->a, out)) {
		*out = rv_field(c, *out, e->name, e->tok);
		return true;
	}
	name = dotted_name(e);
	if (!name)
		return false;
	v = strchr(name, '.') ? lookup_var(c, name, e->loc) : NULL;
	if (v)
		*out = var_place(c, v, e->loc);
	free(name);
	return v != NULL;
}

static struct rval resolve(struct rctx *c, const struct expr *e);

/* `main.nothing.x` where `main` is no parameter: report the package
 * variable that was meant rather than a missing parameter `main`. */
static bool unknown_package_name(struct rctx *c, const struct expr *e)
{
	const struct expr *root = e;
	const char *const *names;
	char *name;
	size_t n;

	const struct expr *pkgvar = e; /* the two-part prefix: pkg.Var */

	while (root->kind == EX_FIELD) {
		if (root->a->kind != EX_FIELD)
			pkgvar = root;
		root = root->a;
	}
	if (root->kind != EX_IDENT || find_param(c->fn, root->name) >= 0)
		return false;
	name = dotted_name(pkgvar);
	if (!name)
		return false;
	n = target_var_names(c->t, &names);
	const char *near = closest_name(name, (const char **)names, n);
	if (near)
		rerror(c, pkgvar->loc, "no parameter '%s' and no package variable '%s' (did you mean '%s'?)",
		       root->name, name, near);
	else
		rerror(c, pkgvar->loc, "no parameter '%s' and no package variable '%s'", root->name, name);
	free(name);
	return true;
}

static struct rval resolve_ident(struct rctx *c, const struct expr *e)
{
	int i = find_param(c->fn, e->name);

	if (i >= 0) {
		if (c->fn->params[i].result && !c->at_return) {
			rerror(c, e->loc, "result '%s' of %s is only available with 'at: return'",
			       e->name, c->fn->name);
			return rv_scalar(ir_const(c->plan, 0, false), NULL);
		}
		return rv_param(c, (uint32_t)i);
	}
	{
		const char **names = xcalloc(c->fn->nparams + 1, sizeof(*names));
		size_t n = 0;
		char *args = list_params(c->fn, false);
		const char *near;
		for (uint32_t k = 0; k < c->fn->nparams; k++)
			if (c->fn->params[k].name[0])
				names[n++] = c->fn->params[k].name;
		near = closest_name(e->name, names, n);
		if (near)
			rerror(c, e->loc, "no parameter '%s' in %s (did you mean '%s'?)", e->name,
			       c->fn->name, near);
		else
			rerror(c, e->loc, "no parameter '%s' in %s (parameters: %s)", e->name,
			       c->fn->name, args);
		free(args);
		free(names);
	}
	return rv_scalar(ir_const(c->plan, 0, false), NULL);
}

static struct rval resolve_dollar(struct rctx *c, const struct expr *e)
{
	const char *v = e->name; /* without the '$' */
	struct ir *n = NULL;

	if (strcmp(v, "goid") == 0)
		n = ir_new(c->plan, IR_GOID);
	else if (strcmp(v, "pid") == 0)
		n = ir_new(c->plan, IR_PID);
	else if (strcmp(v, "tid") == 0)
		n = ir_new(c->plan, IR_TID);
	else if (strcmp(v, "cpu") == 0)
		n = ir_new(c->plan, IR_CPU);
	if (n)
		return rv_scalar(n, gtypes_builtin(target_types(c->t), "uint64"));
	if (strcmp(v, "g") == 0) {
		/* The current goroutine's runtime.g, e.g. $g.m.p.ptr().id */
		struct gtype *pg = target_type(c->t, "*runtime.g");
		if (!pg) {
			rerror(c, e->loc, "$g needs the type runtime.g, which %s lacks", target_path(c->t));
			return rv_scalar(ir_const(c->plan, 0, false), NULL);
		}
		return rv_scalar(ir_new(c->plan, IR_G), pg);
	}
	if (strcmp(v, "latency") == 0) {
		if (!c->at_return) {
			rerror(c, e->loc, "$latency is only available with 'at: return'");
			return rv_scalar(ir_const(c->plan, 0, false), NULL);
		}
		c->pp->uses_latency = true;
		return rv_scalar(ir_new(c->plan, IR_LATENCY), gtypes_builtin(target_types(c->t), "int64"));
	}
	if (strncmp(v, "ret", 3) == 0) {
		char *end;
		unsigned long k = v[3] ? strtoul(v + 3, &end, 10) : 0;
		if (v[3] && *end)
			goto unknown;
		if (!c->at_return) {
			rerror(c, e->loc, "$%s is only available with 'at: return'", v);
			return rv_scalar(ir_const(c->plan, 0, false), NULL);
		}
		uint32_t nres = c->fn->nparams - c->fn->nargs;
		if (k >= nres) {
			rerror(c, e->loc, "%s has %u result%s: no $%s", c->fn->name, nres,
			       nres == 1 ? "" : "s", v);
			return rv_scalar(ir_const(c->plan, 0, false), NULL);
		}
		return rv_param(c, c->fn->nargs + (uint32_t)k);
	}
unknown:
	rerror(c, e->loc, "unknown variable '$%s' (known: $ret, $ret0.., $latency, $goid, $g, $pid, $tid, $cpu)", v);
	return rv_scalar(ir_const(c->plan, 0, false), NULL);
}

/* ---- indexing and builtins ---------------------------------------------- */

static bool const_value(const struct rval *r, uint64_t *v)
{
	if (r->kind == RV_SCALAR && r->val->op == IR_CONST) {
		*v = r->val->imm;
		return true;
	}
	return false;
}

/* A place for element i of an array or slice. Array bounds are checked
 * here; a slice index out of range makes the column null at run time. */
/* x[i] with i computed at run time: element address = base + i * size,
 * read only when 0 <= i < len (else the column is null). */
static struct rval dynamic_index(struct rctx *c, const struct expr *e, struct rval base,
				 struct rval idx)
{
	struct gtype *t = base.type;
	struct ir *i, *data, *len, *guard;

	if (idx.kind == RV_STRLIT || !rv_is_integer(idx.type)) {
		rerror(c, e->b->loc, "an index must be an integer, not %s", rv_type_name(idx.type));
		return base;
	}
	i = rv_scalar_of(c, &idx, e->b->loc);
	if (t->kind == GK_ARRAY) {
		if (base.kind != RV_MEM) {
			rerror(c, e->b->loc, "an array passed in registers needs a constant index");
			return base;
		}
		data = base.addr;
		len = ir_const(c->plan, t->len, false);
	} else {
		data = rv_load(c, &base, 0, 8, false, e->loc);
		len = rv_load(c, &base, 8, 8, true, e->loc);
	}
	/* Unsigned compare: a negative index is a huge one, out of range too. */
	guard = ir_new(c->plan, IR_GUARD);
	guard->a = ir_binary(c->plan, IB_LT, i, len, false);
	guard->b = ir_binary(c->plan, IB_ADD, data,
			     ir_binary(c->plan, IB_MUL, i, ir_const(c->plan, t->elem->size, false), false), false);
	return (struct rval){.kind = RV_MEM, .type = t->elem, .addr = guard};
}

static struct rval resolve_index(struct rctx *c, const struct expr *e)
{
	struct rval base = rv_deref(c, resolve(c, e->a), e->a->loc);
	struct rval idx = resolve(c, e->b);
	struct gtype *t = base.type;
	uint64_t k;

	if (c->failed)
		return base;
	if (!t || (t->kind != GK_ARRAY && t->kind != GK_SLICE)) {
		rerror(c, e->loc, "cannot index %s value (type %s)", t ? gkind_name(t->kind) : "integer",
		       rv_type_name(t));
		return base;
	}
	if (!const_value(&idx, &k))
		return dynamic_index(c, e, base, idx);
	if (t->kind == GK_ARRAY) {
		if (k >= t->len) {
			rerror(c, e->b->loc, "index %" PRIu64 " out of range for %s (length %" PRIu64 ")",
			       k, rv_type_name(t), t->len);
			return base;
		}
		base.type = t->elem;
		if (base.kind == RV_MEM)
			base.addr = ir_add(c->plan, base.addr, k * t->elem->size);
		else
			base.voff += (uint32_t)(k * t->elem->size);
		return base;
	}
	/* Slice: data pointer and length; out-of-range reads yield null. */
	struct ir *data = rv_load(c, &base, 0, 8, false, e->loc);
	struct ir *len = rv_load(c, &base, 8, 8, true, e->loc);
	struct ir *guard = ir_new(c->plan, IR_GUARD);
	guard->a = ir_binary(c->plan, IB_LT, ir_const(c->plan, k, false), len, false);
	guard->b = ir_add(c->plan, data, k * t->elem->size);
	return (struct rval){.kind = RV_MEM, .type = t->elem, .addr = guard};
}

static struct rval resolve_call(struct rctx *c, const struct expr *e)
{
	struct rval arg = resolve(c, e->a);
	struct gtype *t;
	struct gtype *int_t = gtypes_builtin(target_types(c->t), "int");

	if (c->failed)
		return arg;
	if (e->op == FN_SYM) {
		if (!rv_is_integer(arg.type)) {
			rerror(c, e->a->loc, "sym() takes a code address (uintptr or pointer), not %s",
			       rv_type_name(arg.type));
			return arg;
		}
		struct rval r = rv_scalar(rv_scalar_of(c, &arg, e->a->loc), gtypes_builtin(target_types(c->t), "uintptr"));
		r.is_sym = true;
		return r;
	}
	arg = rv_deref(c, arg, e->a->loc);
	t = arg.type;
	if (t && t->kind == GK_ARRAY)
		return rv_scalar(ir_const(c->plan, t->len, true), int_t);
	if (t && (t->kind == GK_STRING || t->kind == GK_SLICE)) {
		if (strcmp(e->name, "cap") == 0 && t->kind == GK_STRING) {
			rerror(c, e->loc, "cap() of a string is not defined");
			return arg;
		}
		uint32_t off = strcmp(e->name, "cap") == 0 ? 16 : 8;
		return rv_scalar(rv_load(c, &arg, off, 8, true, e->loc), int_t);
	}
	if (t && (t->kind == GK_MAP || t->kind == GK_CHAN) && strcmp(e->name, "len") == 0) {
		/* hmap.count and hchan.qcount are the first word; a nil map or
		 * channel has length 0, which a faulting read would hide as null. */
		struct ir *p = rv_scalar_of(c, &arg, e->loc);
		struct ir *sel = ir_new(c->plan, IR_SELECT);
		sel->a = ir_binary(c->plan, IB_NE, p, ir_const(c->plan, 0, false), false);
		sel->b = ir_load(c->plan, p, 0, 8, true);
		sel->is_signed = true;
		return rv_scalar(sel, int_t);
	}
	rerror(c, e->a->loc, "%s() of %s value (type %s) is not defined", e->name,
	       t ? gkind_name(t->kind) : "integer", rv_type_name(t));
	return arg;
}

/* ---- operators ------------------------------------------------------------ */

static int unary_op(const struct expr *e)
{
	return e->op == OP_NEG ? '-' : e->op == OP_NOT ? '!' : '^';
}

static int binary_op(const struct expr *e)
{
	switch (e->op) {
	case OP_MUL: return IB_MUL;
	case OP_DIV: return IB_DIV;
	case OP_MOD: return IB_MOD;
	case OP_SHL: return IB_SHL;
	case OP_SHR: return IB_SHR;
	case OP_AND: return IB_AND;
	case OP_ADD: return IB_ADD;
	case OP_SUB: return IB_SUB;
	case OP_OR: return IB_OR;
	case OP_XOR: return IB_XOR;
	case OP_EQ: return IB_EQ;
	case OP_NE: return IB_NE;
	case OP_LT: return IB_LT;
	case OP_LE: return IB_LE;
	case OP_GT: return IB_GT;
	case OP_GE: return IB_GE;
	case OP_LAND: return IB_LAND;
	default: return IB_LOR;
	}
}

static bool is_string_place(const struct rval *r)
{
	return r->kind != RV_STRLIT && r->type && r->type->kind == GK_STRING;
}

static struct rval resolve_streq(struct rctx *c, const struct expr *e, struct rval s,
				 const struct expr *lit, bool negate)
{
	struct ir *n = ir_new(c->plan, IR_STREQ);

	n->a = rv_load(c, &s, 0, 8, false, e->loc);
	n->b = rv_load(c, &s, 8, 8, true, e->loc);
	n->sval = lit->sval;
	n->slen = (uint32_t)lit->slen;
	n->sub = negate;
	if (lit->slen > 256)
		rerror(c, lit->loc, "string literal too long for a comparison (%zu bytes, at most 256)",
		       lit->slen);
	return rv_scalar(n, gtypes_builtin(target_types(c->t), "bool"));
}

static struct rval resolve_binary(struct rctx *c, const struct expr *e, int op)
{
	struct rval a = resolve(c, e->a), b = resolve(c, e->b);
	struct ir *x, *y;
	bool sign, cmp = op >= IB_EQ;

	if (c->failed)
		return a;
	if (op == IB_EQ || op == IB_NE) {
		if (is_string_place(&a) && b.kind == RV_STRLIT)
			return resolve_streq(c, e, a, b.lit, op == IB_NE);
		if (is_string_place(&b) && a.kind == RV_STRLIT)
			return resolve_streq(c, e, b, a.lit, op == IB_NE);
	}
	if (is_string_place(&a) || is_string_place(&b)) {
		rerror(c, e->loc, "strings can only be compared with == or != against a string literal");
		return a;
	}
	if ((a.type && a.type->kind == GK_FLOAT) || (b.type && b.type->kind == GK_FLOAT)) {
		rerror(c, e->loc, "arithmetic on floating-point values is not supported in BPF");
		return a;
	}
	x = rv_scalar_of(c, &a, e->a->loc);
	y = rv_scalar_of(c, &b, e->b->loc);
	if (c->failed)
		return a;
	sign = (a.type ? rv_is_signed(a.type) : true) && (b.type ? rv_is_signed(b.type) : true);
	if ((a.type && !b.type) || (!a.type && b.type))
		sign = rv_is_signed(a.type ? a.type : b.type);
	if ((op == IB_DIV || op == IB_MOD) && y->op == IR_CONST && y->imm == 0) {
		rerror(c, e->b->loc, "division by zero");
		return a;
	}
	if ((op == IB_SHL || op == IB_SHR) && y->op == IR_CONST && y->imm >= 64) {
		rerror(c, e->b->loc, "shift count %" PRIu64 " is not below 64", y->imm);
		return a;
	}
	struct ir *n = ir_binary(c->plan, op, x, y, sign);
	if (cmp)
		return rv_scalar(n, gtypes_builtin(target_types(c->t), "bool"));
	if (x->op == IR_CONST && y->op == IR_CONST && !a.type && !b.type)
		n->is_signed = true;
	return rv_scalar(n, a.type && b.type ? a.type : (a.type ? a.type : b.type));
}

static struct rval resolve_unary(struct rctx *c, const struct expr *e, int op)
{
	struct rval a = resolve(c, e->a);
	struct ir *x, *n;

	if (c->failed)
		return a;
	x = rv_scalar_of(c, &a, e->a->loc);
	if (op == '-' && x->op == IR_CONST) /* a negative literal stays a constant */
		return rv_scalar(ir_const(c->plan, (uint64_t)-(int64_t)x->imm, true), a.type);
	n = ir_new(c->plan, IR_UNARY);
	n->sub = op;
	n->a = x;
	n->is_signed = op == '!' ? false : (a.type ? rv_is_signed(a.type) : true);
	return rv_scalar(n, op == '!' ? gtypes_builtin(target_types(c->t), "bool") : a.type);
}

static struct rval resolve(struct rctx *c, const struct expr *e)
{
	struct rval r;

	if (c->failed)
		return rv_scalar(ir_const(c->plan, 0, false), NULL);
	switch (e->kind) {
	case EX_INT:
		return rv_scalar(ir_const(c->plan, e->ival, true), NULL);
	case EX_STR:
		return (struct rval){.kind = RV_STRLIT, .lit = e};
	case EX_VAR:
		return resolve_dollar(c, e);
	case EX_IDENT:
		if (resolve_var_chain(c, e, &r))
			return r;
		return resolve_ident(c, e);
	case EX_FIELD:
		if (resolve_var_chain(c, e, &r))
			return r;
		if (!c->failed && unknown_package_name(c, e))
			return rv_scalar(ir_const(c->plan, 0, false), NULL);
		r = resolve(c, e->a);
		if (c->failed)
			return r;
		return rv_field(c, r, e->name, e->tok);
	case EX_INDEX:
		return resolve_index(c, e);
	case EX_CALL:
		return resolve_call(c, e);
	case EX_UNARY:
		return resolve_unary(c, e, unary_op(e));
	case EX_BINARY:
		return resolve_binary(c, e, binary_op(e));
	}
	rerror(c, e->loc, "internal: unknown expression kind %d", (int)e->kind);
	return rv_scalar(ir_const(c->plan, 0, false), NULL);
}

/* ---- columns and conditions ------------------------------------------------ */

/* Labels from a package [N]string array, read from the binary's data. */
static bool labels_from_var(struct rctx *c, const char *name, struct srcloc loc, struct plan_col *pc)
{
	char *why = NULL;
	int rc = target_labels(c->t, name, &pc->labels, &pc->nlabels, &why);

	if (rc == -ENOENT)
		rerror(c, loc, "no package variable '%s' for labels", name);
	else if (rc < 0)
		rerror(c, loc, "%s", why ? why : strerror(-rc));
	free(why);
	return rc == 0;
}

void typing_column(struct rctx *c, const struct spec_column *sc, uint32_t max_string,
		   struct plan_col *pc)
{
	struct rval r = resolve(c, sc->ast);
	struct gtype *t = r.type;

	pc->name = sc->name;
	if (c->failed)
		return;
	pc->type_name = rv_type_name(t);
	if (r.kind == RV_STRLIT) {
		rerror(c, sc->expr_loc, "a column cannot be a string literal");
		return;
	}
	if (r.is_sym) {
		pc->fmt = GP_COL_SYM;
		pc->size = 8;
		pc->val = link_addr(c, r.val);
		pc->type_name = "func name";
	} else if (t && t->kind == GK_STRING) {
		pc->fmt = GP_COL_STRING;
		pc->max_string = sc->max_string ? sc->max_string : max_string;
		pc->size = 8 + pc->max_string;
		pc->val = rv_load(c, &r, 0, 8, false, sc->expr_loc);
		pc->len = rv_load(c, &r, 8, 8, true, sc->expr_loc);
	} else if (t && (t->kind == GK_STRUCT || t->kind == GK_IFACE)) {
		char *fields = rv_list_fields(t);
		rerror(c, sc->expr_loc, "%s is a%s %s; choose a field (fields: %s)", rv_type_name(t),
		       t->kind == GK_IFACE ? "n" : "", gkind_name(t->kind), fields);
		free(fields);
		return;
	} else if (t && (t->kind == GK_SLICE || t->kind == GK_ARRAY)) {
		rerror(c, sc->expr_loc, "%s is a%s %s; use len(), %sor an index [i]", rv_type_name(t),
		       t->kind == GK_ARRAY ? "n" : "", gkind_name(t->kind),
		       t->kind == GK_SLICE ? "cap(), " : "");
		return;
	} else if (t && t->kind == GK_COMPLEX) {
		rerror(c, sc->expr_loc, "complex values are not supported (%s)", rv_type_name(t));
		return;
	} else if (t && t->kind == GK_FLOAT) {
		pc->fmt = GP_COL_FLOAT;
		pc->size = (uint32_t)t->size;
		pc->val = rv_scalar_of(c, &r, sc->expr_loc);
	} else {
		pc->val = rv_scalar_of(c, &r, sc->expr_loc);
		pc->size = 8;
		if (!t)
			pc->fmt = GP_COL_INT;
		else if (t->kind == GK_BOOL)
			pc->fmt = GP_COL_BOOL;
		else if (gtype_is_pointer_shaped(t))
			pc->fmt = GP_COL_PTR;
		else
			pc->fmt = rv_is_signed(t) ? GP_COL_INT : GP_COL_UINT;
	}
	if (c->failed)
		return;
	if (sc->labels_var || sc->nlabels) {
		if (pc->fmt != GP_COL_INT && pc->fmt != GP_COL_UINT && pc->fmt != GP_COL_BOOL) {
			rerror(c, sc->expr_loc, "labels need an integer value, not %s", rv_type_name(t));
			return;
		}
		pc->fmt = GP_COL_LABEL;
		if (sc->labels_var) {
			if (!labels_from_var(c, sc->labels_var, sc->labels_loc, pc))
				return;
		} else {
			pc->labels = xcalloc(sc->nlabels, sizeof(*pc->labels));
			for (uint32_t i = 0; i < sc->nlabels; i++)
				pc->labels[pc->nlabels++] =
					(struct gp_label){sc->labels[i].value, xstrdup(sc->labels[i].text)};
		}
	}
}


struct ir *typing_where(struct rctx *c, const struct expr *e, struct srcloc loc)
{
	struct rval w = resolve(c, e);

	if (!c->failed && w.kind == RV_STRLIT)
		rerror(c, loc, "'where' must be a condition, not a string");
	else if (!c->failed && w.type && w.type->kind != GK_BOOL && !rv_is_integer(w.type))
		rerror(c, loc, "'where' must be a condition, not %s", rv_type_name(w.type));
	else if (!c->failed)
		return rv_scalar_of(c, &w, loc);
	return NULL;
}
