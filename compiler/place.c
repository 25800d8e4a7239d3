/* place.c — where a typed value lives, and reading it: target memory, ABI
 * registers or a computed scalar; fields and pointers followed within a place.
 */
#include "resolve_int.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *rv_type_name(const struct gtype *t)
{
	return t ? (t->name ? t->name : gkind_name(t->kind)) : "untyped int";
}

char *rv_list_fields(const struct gtype *t)
{
	struct strbuf sb = {0};

	for (uint32_t i = 0; i < t->nfields; i++)
		sb_printf(&sb, "%s%s %s", i ? ", " : "", t->fields[i].name,
			  rv_type_name(t->fields[i].type));
	return sb_steal(&sb);
}

struct rval rv_param(struct rctx *c, uint32_t i)
{
	const struct gparam *p = &c->fn->params[i];
	const struct gloc *l = &c->locs[i];
	struct rval r = {.type = p->type, .is_arg = !p->result};

	if (l->kind == GLOC_STACK) {
		r.kind = RV_MEM;
		r.addr = ir_add(c->plan, ir_new(c->plan, IR_SP), (uint64_t)l->sp_off);
	} else {
		r.kind = RV_REGS;
		r.loc = l;
	}
	return r;
}

bool rv_is_integer(const struct gtype *t)
{
	return !t || t->kind == GK_INT || t->kind == GK_UINT || t->kind == GK_BOOL ||
	       gtype_is_pointer_shaped(t);
}

bool rv_is_signed(const struct gtype *t)
{
	return !t || t->kind == GK_INT;
}

struct ir *rv_load(struct rctx *c, const struct rval *r, uint32_t voff, uint32_t size,
		   bool sign, struct srcloc loc)
{
	struct ir *n;

	switch (r->kind) {
	case RV_MEM:
		n = ir_load(c->plan, r->addr, voff, size, sign);
		/* An argument in the caller's frame may be overwritten by the
		 * time the function returns: return probes read it at entry. */
		n->entry_only = r->is_arg && n->a->op == IR_SP;
		return n;
	case RV_REGS: {
		const struct gpiece *p = gloc_piece_at(r->loc, r->voff + voff, size);
		if (!p) {
			rerror(c, loc, "internal: no register holds bytes %u..%u of this value",
			       r->voff + voff, r->voff + voff + size);
			return ir_const(c->plan, 0, false);
		}
		if (p->is_float) {
			rerror(c, loc, "this value is passed in %s: BPF cannot read floating-point registers",
			       goabi_reg_name(p));
			return ir_const(c->plan, 0, false);
		}
		n = ir_new(c->plan, IR_REG);
		n->reg = p->reg;
		n->size = (uint8_t)size;
		n->is_signed = sign;
		n->entry_only = r->is_arg;
		return n;
	}
	case RV_SCALAR:
		return r->val;
	case RV_STRLIT:
		break;
	}
	return ir_const(c->plan, 0, false);
}

struct ir *rv_scalar_of(struct rctx *c, const struct rval *r, struct srcloc loc)
{
	if (r->kind == RV_SCALAR)
		return r->val;
	if (r->kind == RV_STRLIT) {
		rerror(c, loc, "a string literal can only be compared with == or != in 'where'");
		return ir_const(c->plan, 0, false);
	}
	if (!rv_is_integer(r->type) && !(r->type && r->type->kind == GK_FLOAT)) {
		rerror(c, loc, "%s value of type %s is not a number", gkind_name(r->type->kind),
		       rv_type_name(r->type));
		return ir_const(c->plan, 0, false);
	}
	return rv_load(c, r, 0, (uint32_t)r->type->size, rv_is_signed(r->type), loc);
}

/* The runtime hides some pointers from the GC as integers (guintptr,
 * muintptr, puintptr); selecting a field through one follows it like the
 * pointer it is. Returns the pointee, or NULL for any other type. */
static struct gtype *disguised_pointee(struct rctx *c, const struct gtype *t)
{
	static const char *const pairs[][2] = {
		{"runtime.guintptr", "runtime.g"},
		{"runtime.muintptr", "runtime.m"},
		{"runtime.puintptr", "runtime.p"},
	};

	if (!t || t->kind != GK_UINT || t->size != 8 || !t->name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++)
		if (strcmp(t->name, pairs[i][0]) == 0)
			return target_type(c->t, pairs[i][1]);
	return NULL;
}

struct rval rv_deref(struct rctx *c, struct rval r, struct srcloc loc)
{
	for (;;) {
		struct gtype *to = r.type && r.type->kind == GK_PTR ? r.type->elem
								    : disguised_pointee(c, r.type);
		if (!to)
			return r;
		struct ir *p = rv_scalar_of(c, &r, loc);
		r = (struct rval){.kind = RV_MEM, .type = to, .addr = p};
	}
}

/* bpf-gen keeps the layouts a pack used, embedded structs included
 * (fields may be promoted from them). */
static void note_struct(struct rctx *c, struct gtype *t)
{
	target_note_fields(c->t, t);
	for (uint32_t i = 0; i < t->nfields; i++)
		if (t->fields[i].embedded && t->fields[i].type && t->fields[i].type->kind == GK_STRUCT)
			note_struct(c, t->fields[i].type);
}

struct rval rv_field(struct rctx *c, struct rval r, const char *name, struct srcloc loc)
{
	const struct gfield *f;
	uint64_t off = 0;

	r = rv_deref(c, r, loc);
	if (r.type && r.type->opaque) {
		char src[128];
		rerror(c, loc, "the layout of %s is not in the %s: it keeps only the structs the "
			       "packs and bpf-gen/functions.txt use (a binary with DWARF has them all)",
		       rv_type_name(r.type), target_facts_source(c->t, src, sizeof(src)));
		return r;
	}
	if (r.type && r.type->kind == GK_STRUCT)
		note_struct(c, r.type);
	if (!r.type || (r.type->kind != GK_STRUCT && r.type->kind != GK_STRING &&
			r.type->kind != GK_SLICE && r.type->kind != GK_IFACE)) {
		rerror(c, loc, "cannot select field '%s' of %s value (type %s)", name,
		       r.type ? gkind_name(r.type->kind) : "integer", rv_type_name(r.type));
		return r;
	}
	f = gtype_field(r.type, name, true, &off);
	if (!f) {
		const char **names = xcalloc(r.type->nfields, sizeof(*names));
		char *fields = rv_list_fields(r.type);
		for (uint32_t i = 0; i < r.type->nfields; i++)
			names[i] = r.type->fields[i].name;
		const char *near = closest_name(name, names, r.type->nfields);
		if (near)
			rerror(c, loc, "no field '%s' in %s (did you mean '%s'?)", name, rv_type_name(r.type), near);
		else
			rerror(c, loc, "no field '%s' in %s (fields: %s)", name, rv_type_name(r.type), fields);
		free(fields);
		free(names);
		return r;
	}
	r.type = f->type;
	if (r.kind == RV_MEM)
		r.addr = ir_add(c->plan, r.addr, off);
	else
		r.voff += (uint32_t)off;
	return r;
}
