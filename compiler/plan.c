/* plan.c — building, printing and freeing the resolved probe plan's IR. */
#include "plan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "gprobe_record.h"
#include "target.h"
#include "util.h"

struct ir *ir_new(struct plan *p, enum ir_op op)
{
	struct ir *n = xcalloc(1, sizeof(*n));

	n->op = op;
	VEC_PUSH(p->irs, p->nirs, p->capirs, n);
	return n;
}

struct ir *ir_const(struct plan *p, uint64_t v, bool is_signed)
{
	struct ir *n = ir_new(p, IR_CONST);
	n->imm = v;
	n->is_signed = is_signed;
	return n;
}

struct ir *ir_load(struct plan *p, struct ir *addr, int64_t off, uint32_t size, bool is_signed)
{
	struct ir *n;

	/* Fold address arithmetic into the load's offset. */
	if (addr->op == IR_BINARY && addr->sub == IB_ADD && addr->b->op == IR_CONST) {
		off += (int64_t)addr->b->imm;
		addr = addr->a;
	}
	n = ir_new(p, IR_LOAD);
	n->a = addr;
	n->off = off;
	n->size = (uint8_t)size;
	n->is_signed = is_signed;
	return n;
}

struct ir *ir_binary(struct plan *p, int op, struct ir *a, struct ir *b, bool is_signed)
{
	struct ir *n = ir_new(p, IR_BINARY);
	n->sub = op;
	n->a = a;
	n->b = b;
	n->is_signed = is_signed;
	return n;
}

struct ir *ir_add(struct plan *p, struct ir *a, uint64_t k)
{
	if (k == 0)
		return a;
	if (a->op == IR_BINARY && a->sub == IB_ADD && a->b->op == IR_CONST)
		return ir_binary(p, IB_ADD, a->a, ir_const(p, a->b->imm + k, false), false);
	return ir_binary(p, IB_ADD, a, ir_const(p, k, false), false);
}

/* ---- return probes: what the entry program must save ------------------------ */

static bool same_read(const struct ir *a, const struct ir *b)
{
	if (a->op != b->op || a->size != b->size || a->is_signed != b->is_signed)
		return false;
	if (a->op == IR_REG)
		return a->reg == b->reg;
	return a->op == IR_LOAD && a->off == b->off && a->a->op == IR_SP && b->a->op == IR_SP;
}

/* The walk goes on past the limit and reports each read beyond it (one met
 * twice, twice): the messages resolve.c always gave. */
static int save_reads(struct plan *p, struct plan_probe *pp, struct ir *n, struct diags *d)
{
	uint32_t slot;
	int err = 0;

	if (!n || n->op == IR_SAVED)
		return 0;
	if (!n->entry_only) {
		err = save_reads(p, pp, n->a, d);
		return save_reads(p, pp, n->b, d) < 0 ? -E2BIG : err;
	}
	for (slot = 0; slot < pp->nsaved; slot++)
		if (same_read(pp->saved[slot], n))
			break;
	if (slot == pp->nsaved) {
		if (pp->nsaved == GP_ENTRY_WORDS) {
			diag_error(d, pp->loc, "probe '%s' reads more than %d argument words at return",
				   pp->table, GP_ENTRY_WORDS);
			return -E2BIG;
		}
		struct ir *copy = ir_new(p, n->op);
		*copy = *n;
		pp->saved = xrealloc(pp->saved, (pp->nsaved + 1) * sizeof(*pp->saved));
		pp->saved[pp->nsaved++] = copy;
	}
	n->op = IR_SAVED;
	n->slot = slot;
	n->a = n->b = NULL;
	return 0;
}

int plan_save_entry_reads(struct plan *p, struct plan_probe *pp, struct diags *d)
{
	int err = 0;

	for (uint32_t i = 0; i < pp->ncols; i++) {
		if (save_reads(p, pp, pp->cols[i].val, d) < 0)
			err = -E2BIG;
		if (save_reads(p, pp, pp->cols[i].len, d) < 0)
			err = -E2BIG;
	}
	if (save_reads(p, pp, pp->where, d) < 0)
		err = -E2BIG;
	pp->needs_entry = pp->uses_latency || pp->nsaved > 0;
	return err;
}

/* Human-readable IR for `check`: load8(RAX+0x98), saved[0], ... */
void ir_format(const struct ir *n, struct strbuf *sb)
{
	static const char *const binops[] = {
		[IB_ADD] = "+", [IB_SUB] = "-", [IB_MUL] = "*", [IB_DIV] = "/", [IB_MOD] = "%",
		[IB_AND] = "&", [IB_OR] = "|", [IB_XOR] = "^", [IB_SHL] = "<<", [IB_SHR] = ">>",
		[IB_EQ] = "==", [IB_NE] = "!=", [IB_LT] = "<", [IB_LE] = "<=", [IB_GT] = ">",
		[IB_GE] = ">=", [IB_LAND] = "&&", [IB_LOR] = "||",
	};
	struct gpiece p = {0};

	switch (n->op) {
	case IR_CONST:
		if (n->is_signed && (int64_t)n->imm < 0)
			sb_printf(sb, "%" PRId64, (int64_t)n->imm);
		else
			sb_printf(sb, n->imm > 4096 ? "0x%" PRIx64 : "%" PRIu64, n->imm);
		break;
	case IR_REG:
		p.reg = n->reg;
		sb_puts(sb, goabi_reg_name(&p));
		if (n->size && n->size < 8)
			sb_printf(sb, ":%u", n->size * 8);
		break;
	case IR_SP:
		sb_puts(sb, "SP");
		break;
	case IR_LOAD:
		sb_printf(sb, "%s%u[", n->is_signed ? "s" : "u", n->size * 8);
		ir_format(n->a, sb);
		if (n->off)
			sb_printf(sb, "%s0x%" PRIx64, n->off < 0 ? "-" : "+",
				  n->off < 0 ? (uint64_t)-n->off : (uint64_t)n->off);
		sb_putc(sb, ']');
		break;
	case IR_SAVED:
		sb_printf(sb, "entry[%u]", n->slot);
		break;
	case IR_GOID:
		sb_puts(sb, "$goid");
		break;
	case IR_G:
		sb_puts(sb, "$g");
		break;
	case IR_PID:
		sb_puts(sb, "$pid");
		break;
	case IR_TID:
		sb_puts(sb, "$tid");
		break;
	case IR_CPU:
		sb_puts(sb, "$cpu");
		break;
	case IR_BIAS:
		sb_puts(sb, "bias");
		break;
	case IR_LATENCY:
		sb_puts(sb, "$latency");
		break;
	case IR_UNARY:
		sb_putc(sb, (char)n->sub);
		ir_format(n->a, sb);
		break;
	case IR_BINARY:
		sb_putc(sb, '(');
		ir_format(n->a, sb);
		sb_printf(sb, " %s ", binops[n->sub]);
		ir_format(n->b, sb);
		sb_putc(sb, ')');
		break;
	case IR_STREQ:
		sb_puts(sb, "string(");
		ir_format(n->a, sb);
		sb_puts(sb, ", ");
		ir_format(n->b, sb);
		sb_printf(sb, ") %s <%u-byte literal>", n->sub ? "!=" : "==", n->slen);
		break;
	case IR_GUARD:
	case IR_SELECT:
		sb_puts(sb, n->op == IR_GUARD ? "guard(" : "select(");
		ir_format(n->a, sb);
		sb_puts(sb, " ? ");
		ir_format(n->b, sb);
		sb_puts(sb, n->op == IR_GUARD ? " : null)" : " : 0)");
		break;
	}
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nprobes; i++) {
		struct plan_probe *pp = &p->probes[i];
		for (uint32_t k = 0; k < pp->ncols; k++) {
			for (uint32_t l = 0; l < pp->cols[k].nlabels; l++)
				free((char *)pp->cols[k].labels[l].text);
			free(pp->cols[k].labels);
			free(pp->cols[k].access);
		}
		free(pp->cols);
		free(pp->rets);
		free(pp->saved);
		free(pp->probe_why);
	}
	free(p->probes);
	for (uint32_t i = 0; i < p->nnotices; i++)
		free(p->notices[i]);
	free(p->notices);
	for (uint32_t i = 0; i < p->nirs; i++)
		free(p->irs[i]);
	free(p->irs);
	free(p);
}

static const char *colfmt_name(enum gp_colfmt f)
{
	static const char *const names[] = {
		[GP_COL_INT] = "int", [GP_COL_UINT] = "uint", [GP_COL_BOOL] = "bool",
		[GP_COL_FLOAT] = "float", [GP_COL_STRING] = "string", [GP_COL_PTR] = "pointer",
		[GP_COL_SYM] = "symbol", [GP_COL_LABEL] = "label",
	};
	return names[f];
}

void plan_print(const struct plan *p, const struct target *t, FILE *out)
{
	char src[128];

	fprintf(out, "target %s: %s, %s ABI, facts from %s\n", target_path(t), p->go_version,
		p->regabi ? "register" : "stack", target_facts_source(t, src, sizeof(src)));
	{
		const char *const *lay;
		size_t n = target_descriptor_layouts(t, &lay);
		for (size_t i = 0; i < n; i++)
			fprintf(out, "layout of %s from the binary's type descriptors\n", lay[i]);
	}
	for (uint32_t i = 0; i < p->nprobes; i++) {
		const struct plan_probe *pp = &p->probes[i];
		fprintf(out, "probe %s: %s at %s\n", pp->table, pp->func, pp->at_return ? "return" : "entry");
		if (!pp->at_return || pp->needs_entry)
			fprintf(out, "  %s 0x%" PRIx64 " (%s+0x%" PRIx64 ", %s)\n",
				pp->at_return ? "entry" : "probe", pp->probe_addr, pp->func,
				pp->probe_addr - pp->entry, pp->probe_why ? pp->probe_why : "");
		for (uint32_t r = 0; r < pp->nrets; r++)
			fprintf(out, "  ret   0x%" PRIx64 " (%s+0x%" PRIx64 ")\n", pp->rets[r], pp->func,
				pp->rets[r] - pp->entry);
		for (uint32_t s = 0; s < pp->nsaved; s++) {
			struct strbuf sb = {0};
			ir_format(pp->saved[s], &sb);
			fprintf(out, "  entry[%u] = %s\n", s, sb.buf);
			sb_free(&sb);
		}
		if (pp->where) {
			struct strbuf sb = {0};
			ir_format(pp->where, &sb);
			fprintf(out, "  where %s\n", sb.buf);
			sb_free(&sb);
		}
		for (uint32_t k = 0; k < pp->ncols; k++) {
			const struct plan_col *pc = &pp->cols[k];
			fprintf(out, "  column %-16s %-8s %-20s %s\n", pc->name, colfmt_name(pc->fmt),
				pc->type_name ? pc->type_name : "", pc->access ? pc->access : "");
		}
	}
}
