/* goabi.c — Go's amd64 calling conventions, per src/cmd/compile/abi-internal.md. */
#include "goabi.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static const char *const int_reg_names[GOABI_NINT] = {
	"RAX", "RBX", "RCX", "RDI", "RSI", "R8", "R9", "R10", "R11",
};

bool goabi_is_regabi(int go_minor)
{
	return go_minor >= 17;
}

struct assigner {
	unsigned ni, nf;         /* registers used so far */
	struct gloc *loc;        /* value being assigned */
};

static bool add_piece(struct assigner *a, uint64_t voff, uint64_t size, bool is_float)
{
	struct gloc *l = a->loc;

	if (is_float ? a->nf >= GOABI_NFLOAT : a->ni >= GOABI_NINT)
		return false;
	l->pieces[l->npieces++] = (struct gpiece){
		.voff = (uint32_t)voff,
		.size = (uint32_t)size,
		.reg = (uint8_t)(is_float ? a->nf++ : a->ni++),
		.is_float = is_float,
	};
	return true;
}

/* Register-assign a value of type t living at byte offset voff of the
 * argument; false when it does not fit (the caller then uses the stack). */
static bool reg_assign(struct assigner *a, const struct gtype *t, uint64_t voff)
{
	if (!t)
		return false;
	switch (t->kind) {
	case GK_BOOL:
	case GK_INT:
	case GK_UINT:
		if (t->size == 0)
			return true;
		return t->size <= 8 && add_piece(a, voff, t->size, false);
	case GK_PTR:
	case GK_MAP:
	case GK_CHAN:
	case GK_FUNC:
		return add_piece(a, voff, 8, false);
	case GK_FLOAT:
		return add_piece(a, voff, t->size, true);
	case GK_COMPLEX:
		return add_piece(a, voff, t->size / 2, true) &&
		       add_piece(a, voff + t->size / 2, t->size / 2, true);
	case GK_STRING:
		return add_piece(a, voff, 8, false) && add_piece(a, voff + 8, 8, false);
	case GK_IFACE:
		return add_piece(a, voff, 8, false) && add_piece(a, voff + 8, 8, false);
	case GK_SLICE:
		return add_piece(a, voff, 8, false) && add_piece(a, voff + 8, 8, false) &&
		       add_piece(a, voff + 16, 8, false);
	case GK_ARRAY:
		if (t->len == 0)
			return true;
		if (t->len == 1)
			return reg_assign(a, t->elem, voff);
		return false;
	case GK_STRUCT:
		for (uint32_t i = 0; i < t->nfields; i++)
			if (!reg_assign(a, t->fields[i].type, voff + t->fields[i].offset))
				return false;
		return true;
	default:
		return false;
	}
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return a ? (x + a - 1) / a * a : x;
}

static void stack_assign(struct gloc *loc, struct gtype *t, uint64_t *stack)
{
	*stack = align_up(*stack, gtype_align(t));
	loc->kind = GLOC_STACK;
	loc->sp_off = (int64_t)(8 + *stack);
	loc->npieces = 0;
	*stack += t->size;
}

static void assign_one(struct assigner *a, struct gparam *p, struct gloc *loc, bool regabi,
		       uint64_t *stack)
{
	memset(loc, 0, sizeof(*loc));
	if (p->type->size == 0) {
		loc->kind = GLOC_NONE;
		return;
	}
	if (regabi) {
		struct assigner saved = *a;
		a->loc = loc;
		loc->kind = GLOC_REGS;
		if (reg_assign(a, p->type, 0))
			return;
		/* Doesn't fit: the registers it took are given back. */
		*a = saved;
		memset(loc, 0, sizeof(*loc));
	}
	stack_assign(loc, p->type, stack);
}

int goabi_assign(const struct gfunc *f, bool regabi, struct gloc *locs)
{
	struct assigner a = {0};
	uint64_t stack = 0;

	for (uint32_t i = 0; i < f->nparams; i++)
		if (!f->params[i].type)
			return -EINVAL;
	for (uint32_t i = 0; i < f->nargs; i++)
		assign_one(&a, &f->params[i], &locs[i], regabi, &stack);
	/* Results start pointer-aligned, with the registers assigned afresh. */
	stack = align_up(stack, 8);
	memset(&a, 0, sizeof(a));
	for (uint32_t i = f->nargs; i < f->nparams; i++)
		assign_one(&a, &f->params[i], &locs[i], regabi, &stack);
	return 0;
}

const struct gpiece *gloc_piece_at(const struct gloc *l, uint32_t voff, uint32_t size)
{
	if (l->kind != GLOC_REGS)
		return NULL;
	for (uint32_t i = 0; i < l->npieces; i++)
		if (l->pieces[i].voff == voff && l->pieces[i].size == size)
			return &l->pieces[i];
	return NULL;
}

const char *goabi_reg_name(const struct gpiece *p)
{
	static const char *const xmm[GOABI_NFLOAT] = {
		"X0", "X1", "X2", "X3", "X4", "X5", "X6", "X7",
		"X8", "X9", "X10", "X11", "X12", "X13", "X14",
	};
	if (p->is_float)
		return p->reg < GOABI_NFLOAT ? xmm[p->reg] : "X?";
	return p->reg < GOABI_NINT ? int_reg_names[p->reg] : "R?";
}

void gloc_format(const struct gloc *l, char *buf, size_t n)
{
	struct strbuf sb = {0};

	switch (l->kind) {
	case GLOC_NONE:
		sb_puts(&sb, "none");
		break;
	case GLOC_STACK:
		sb_printf(&sb, "stack+0x%llx", (unsigned long long)l->sp_off);
		break;
	case GLOC_REGS:
		if (l->npieces != 1)
			sb_putc(&sb, '{');
		for (uint32_t i = 0; i < l->npieces; i++)
			sb_printf(&sb, "%s%s", i ? "," : "", goabi_reg_name(&l->pieces[i]));
		if (l->npieces != 1)
			sb_putc(&sb, '}');
		break;
	}
	snprintf(buf, n, "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
}
