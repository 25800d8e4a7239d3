/* godwarf_func.c — functions and their parameters, package variables, and
 * where each lives: the location expressions Go emits (godwarf.h). */
#include "godwarf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "godwarf_int.h"
#include "util.h"

struct dwfunc {
	struct gfunc f;        /* first, so a gfunc pointer leads back here */
	Dwarf_Off *param_die;  /* DIE holding each param's location; 0 = none */
};

void dw_free_funcs_vars(struct godwarf *dw)
{
	for (size_t i = 0; i < dw->funcs.n; i++) {
		struct dwfunc *df = dw->funcs.v[i].built;
		if (!df)
			continue;
		free(df->f.params);
		free(df->param_die);
		free(df);
	}
	for (size_t i = 0; i < dw->vars.n; i++)
		free(dw->vars.v[i].built);
}

/* ---- functions -------------------------------------------------------- */

static bool is_param(Dwarf_Die *d)
{
	return dwarf_tag(d) == DW_TAG_formal_parameter;
}

/* Go names unnamed results "~r0" and blank ones "~b0"/"~p0". */
static const char *param_name(struct godwarf *dw, Dwarf_Die *p)
{
	Dwarf_Attribute a;
	const char *n = dwarf_formstring(dwarf_attr_integrate(p, DW_AT_name, &a));

	return gtypes_intern(dw->ts, !n || n[0] == '~' ? "" : n);
}

/* The concrete DIE of an abstract parameter, by DW_AT_abstract_origin. */
static Dwarf_Off concrete_param(Dwarf_Die *fn, Dwarf_Off abstract)
{
	Dwarf_Die c, o;
	Dwarf_Attribute a;

	if (dwarf_child(fn, &c) != 0)
		return 0;
	do {
		if (is_param(&c) && dwarf_attr(&c, DW_AT_abstract_origin, &a) &&
		    dwarf_formref_die(&a, &o) && dwarf_dieoffset(&o) == abstract)
			return dwarf_dieoffset(&c);
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

static void add_param(struct godwarf *dw, struct dwfunc *df, Dwarf_Die *p, Dwarf_Die *concrete,
		      bool abstract)
{
	uint32_t i = df->f.nparams++;

	df->f.params[i].name = param_name(dw, p);
	df->f.params[i].type = dw_die_type(dw, p);
	df->f.params[i].result = dw_attr_flag(p, DW_AT_variable_parameter);
	df->param_die[i] = abstract ? concrete_param(concrete, dwarf_dieoffset(p))
				    : dwarf_dieoffset(p);
}

/* Arguments first, results after, each group in declaration order. */
static void order_params(struct dwfunc *df)
{
	uint32_t n = df->f.nparams, k = 0;
	struct gparam *p = xmalloc((n ? n : 1) * sizeof(*p));
	Dwarf_Off *d = xmalloc((n ? n : 1) * sizeof(*d));

	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < n; i++)
			if (df->f.params[i].result == (pass == 1)) {
				p[k] = df->f.params[i];
				d[k++] = df->param_die[i];
			}
	free(df->f.params);
	free(df->param_die);
	df->f.params = p;
	df->param_die = d;
	df->f.nargs = 0;
	while (df->f.nargs < n && !p[df->f.nargs].result)
		df->f.nargs++;
}

static const char *raw_name(Dwarf_Die *p)
{
	Dwarf_Attribute a;
	const char *n = dwarf_formstring(dwarf_attr_integrate(p, DW_AT_name, &a));

	return n ? n : "";
}

/* Does the abstract origin already declare a result of that DWARF name? */
static bool origin_declares(Dwarf_Die *origin, Dwarf_Die *param)
{
	Dwarf_Die c;
	const char *name = raw_name(param);

	if (!origin || !dw_attr_flag(param, DW_AT_variable_parameter) ||
	    dwarf_child(origin, &c) != 0)
		return false;
	do {
		if (is_param(&c) && dw_attr_flag(&c, DW_AT_variable_parameter) &&
		    strcmp(raw_name(&c), name) == 0)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* Go (1.22 at least) emits some results twice, two identical "~r0" DIEs
 * in a row; parameter names are unique in Go, so a repeat is dropped. */
static bool named_before(Dwarf_Die *fn, Dwarf_Die *param)
{
	Dwarf_Die c;
	const char *name = raw_name(param);

	if (!*name || dwarf_child(fn, &c) != 0)
		return false;
	do {
		if (dwarf_dieoffset(&c) == dwarf_dieoffset(param))
			return false;
		if (is_param(&c) && strcmp(raw_name(&c), name) == 0)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* Parameters of `fn` to add: all of them, or, for a concrete instance
 * (`origin` set), those that are neither a reference to one of the
 * origin's nor a result the origin declares already. */
static uint32_t walk_params(struct godwarf *dw, struct dwfunc *df, Dwarf_Die *fn,
			    Dwarf_Die *concrete, bool abstract, Dwarf_Die *origin, uint32_t max)
{
	Dwarf_Die c;
	uint32_t n = 0;

	if (dwarf_child(fn, &c) != 0)
		return 0;
	do {
		if (!is_param(&c) || named_before(fn, &c) ||
		    (origin && (dwarf_hasattr(&c, DW_AT_abstract_origin) || origin_declares(origin, &c))))
			continue;
		if (df && df->f.nparams < max)
			add_param(dw, df, &c, concrete, abstract);
		n++;
	} while (dwarf_siblingof(&c, &c) == 0);
	return n;
}

/* A concrete instance of an inlinable function takes its arguments from the
 * abstract origin (in declaration order) but lists its results itself. */
static struct dwfunc *build_func(struct godwarf *dw, struct entry *e)
{
	Dwarf_Die die, origin;
	Dwarf_Attribute a;
	Dwarf_Addr lo = 0, hi = 0;
	bool has_origin;
	uint32_t n;

	if (!dwarf_offdie(dw->dbg, e->off, &die))
		return NULL;
	has_origin = dwarf_attr(&die, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin);
	struct dwfunc *df = xcalloc(1, sizeof(*df));
	df->f.name = gtypes_intern(dw->ts, e->name);
	if (dwarf_lowpc(&die, &lo) == 0 && dwarf_highpc(&die, &hi) == 0) {
		df->f.entry = lo;
		df->f.end = hi;
	}
	df->f.has_params = true;
	n = walk_params(dw, NULL, &die, &die, false, has_origin ? &origin : NULL, 0);
	if (has_origin)
		n += walk_params(dw, NULL, &origin, &die, true, NULL, 0);
	df->f.params = xcalloc(n ? n : 1, sizeof(*df->f.params));
	df->param_die = xcalloc(n ? n : 1, sizeof(*df->param_die));
	if (has_origin)
		walk_params(dw, df, &origin, &die, true, NULL, n);
	walk_params(dw, df, &die, &die, false, has_origin ? &origin : NULL, n);
	order_params(df);
	return df;
}

const struct gfunc *godwarf_func(struct godwarf *dw, const char *name)
{
	struct entry *e;

	dw_build_index(dw);
	e = dw_index_find(&dw->funcs, name);
	if (!e)
		return NULL;
	if (!e->built)
		e->built = build_func(dw, e);
	return e->built ? &((struct dwfunc *)e->built)->f : NULL;
}

/* ---- location expressions --------------------------------------------- */

static bool read_uleb(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		unsigned char b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

static bool read_sleb(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		unsigned char b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				*v |= ~(uint64_t)0 << shift;
			return true;
		}
	}
	return false;
}

/* Decode the few operations Go emits. libdw only reads DW_FORM_block*
 * as an expression in DWARF < 4 units, but Go uses them in every version. */
static bool decode_block(const unsigned char *p, size_t len, Dwarf_Op *ops, size_t max, size_t *n)
{
	const unsigned char *end = p + len;
	bool ok = true;

	*n = 0;
	while (p < end && ok) {
		Dwarf_Op op = {.atom = *p++};
		if (*n >= max)
			return false;
		if (op.atom == DW_OP_addr) {
			if (end - p < 8)
				return false;
			for (int i = 7; i >= 0; i--)
				op.number = op.number << 8 | p[i];
			p += 8;
		} else if (op.atom == DW_OP_regx || op.atom == DW_OP_plus_uconst ||
			   op.atom == DW_OP_piece || op.atom == DW_OP_constu) {
			ok = read_uleb(&p, end, &op.number);
		} else if (op.atom == DW_OP_fbreg || op.atom == DW_OP_consts ||
			   (op.atom >= DW_OP_breg0 && op.atom <= DW_OP_breg31)) {
			ok = read_sleb(&p, end, &op.number);
		} else if (!(op.atom >= DW_OP_reg0 && op.atom <= DW_OP_reg31) &&
			   op.atom != DW_OP_call_frame_cfa && op.atom != DW_OP_plus &&
			   op.atom != DW_OP_minus) {
			return false; /* an operand we can't skip: unknown length */
		}
		ops[(*n)++] = op;
	}
	return ok;
}

/* A single location expression (not a list) into ops[0..*n). */
static bool attr_expr(Dwarf_Attribute *a, Dwarf_Op *ops, size_t max, size_t *n)
{
	Dwarf_Block b;
	Dwarf_Op *lops;
	size_t ln;

	if (dwarf_formblock(a, &b) == 0)
		return decode_block(b.data, b.length, ops, max, n);
	if (dwarf_getlocation(a, &lops, &ln) != 0 || ln > max)
		return false;
	memcpy(ops, lops, ln * sizeof(*ops));
	*n = ln;
	return true;
}

/* ---- variables -------------------------------------------------------- */

static struct gvar *build_var(struct godwarf *dw, struct entry *e)
{
	Dwarf_Die die;
	Dwarf_Attribute a;
	Dwarf_Op ops[4];
	size_t n;

	if (!dwarf_offdie(dw->dbg, e->off, &die) || !dwarf_attr(&die, DW_AT_location, &a) ||
	    !attr_expr(&a, ops, ARRAY_SIZE(ops), &n) || n < 1 || ops[0].atom != DW_OP_addr)
		return NULL;
	struct gvar *v = xcalloc(1, sizeof(*v));
	v->name = gtypes_intern(dw->ts, e->name);
	v->addr = ops[0].number;
	v->type = dw_die_type(dw, &die);
	return v;
}

const struct gvar *godwarf_var(struct godwarf *dw, const char *name)
{
	struct entry *e;

	dw_build_index(dw);
	e = dw_index_find(&dw->vars, name);
	if (!e)
		return NULL;
	if (!e->built)
		e->built = build_var(dw, e);
	return e->built;
}

/* ---- parameter locations ---------------------------------------------- */

/* One operation (or a CFA+offset pair) into the piece being built; returns
 * how many ops it consumed. */
static size_t decode_op(const Dwarf_Op *ops, size_t n, struct dwloc_piece *p)
{
	uint8_t op = ops[0].atom;

	if (op >= DW_OP_reg0 && op <= DW_OP_reg31) {
		*p = (struct dwloc_piece){.kind = DWLOC_REG, .dwreg = op - DW_OP_reg0};
		return 1;
	}
	if (op == DW_OP_regx) {
		*p = (struct dwloc_piece){.kind = DWLOC_REG, .dwreg = (int)ops[0].number};
		return 1;
	}
	if (op == DW_OP_fbreg) {
		*p = (struct dwloc_piece){.kind = DWLOC_FBREG, .off = (int64_t)ops[0].number};
		return 1;
	}
	if (op != DW_OP_call_frame_cfa) {
		p->kind = DWLOC_OTHER;
		return 1;
	}
	*p = (struct dwloc_piece){.kind = DWLOC_CFA};
	if (n >= 2 && ops[1].atom == DW_OP_plus_uconst) {
		p->off = (int64_t)ops[1].number;
		return 2;
	}
	if (n >= 3 && (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) &&
	    (ops[2].atom == DW_OP_plus || ops[2].atom == DW_OP_minus)) {
		p->off = (int64_t)ops[1].number;
		if (ops[2].atom == DW_OP_minus)
			p->off = -p->off;
		return 3;
	}
	return 1;
}

static void decode_expr(const Dwarf_Op *ops, size_t nops, struct dwloc_piece **out, size_t *n)
{
	struct dwloc_piece cur = {.kind = DWLOC_NONE};
	bool have = false;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < nops;) {
		if (ops[i].atom == DW_OP_piece) {
			cur.size = (uint32_t)ops[i].number;
			VEC_PUSH(*out, *n, cap, cur);
			cur = (struct dwloc_piece){.kind = DWLOC_NONE};
			have = false;
			i++;
			continue;
		}
		if (have) /* a computation, not a plain location */
			cur.kind = DWLOC_OTHER, i++;
		else
			i += decode_op(&ops[i], nops - i, &cur);
		have = true;
	}
	if (have)
		VEC_PUSH(*out, *n, cap, cur);
}

int godwarf_param_loc(struct godwarf *dw, const struct gfunc *f, uint32_t param_index,
		      uint64_t pc, struct dwloc_piece **pieces, size_t *n)
{
	struct entry *e;
	struct dwfunc *df;
	Dwarf_Die die;
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	int r;

	*pieces = NULL;
	*n = 0;
	if (!f || !f->name)
		return -EINVAL;
	dw_build_index(dw);
	e = dw_index_find(&dw->funcs, f->name);
	df = e ? e->built : NULL;
	if (!df || &df->f != f || param_index >= f->nparams)
		return -EINVAL;
	if (!df->param_die[param_index] || !dwarf_offdie(dw->dbg, df->param_die[param_index], &die) ||
	    !dwarf_attr(&die, DW_AT_location, &a))
		return 0;
	if (dwarf_whatform(&a) != DW_FORM_sec_offset && dwarf_whatform(&a) != DW_FORM_loclistx &&
	    dwarf_whatform(&a) != DW_FORM_data4 && dwarf_whatform(&a) != DW_FORM_data8) {
		Dwarf_Op blk[64];
		/* One expression for the whole function. */
		if (!attr_expr(&a, blk, ARRAY_SIZE(blk), &nops))
			return -EIO;
		decode_expr(blk, nops, pieces, n);
		return 0;
	}
	r = dwarf_getlocation_addr(&a, pc, &ops, &nops, 1);
	if (r < 0)
		return -EIO;
	if (r == 0)
		return 0;
	decode_expr(ops, nops, pieces, n);
	return 0;
}
