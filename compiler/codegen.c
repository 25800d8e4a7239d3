/* codegen.c — emit BPF C for a probe plan and describe its tables.
 *
 * Shape of one generated program:
 *
 *   SEC("uprobe") int gp_p3(struct pt_regs *ctx)
 *   {
 *           __u64 goid = gp_goid(ctx);
 *           <where: computed into a temporary; false or unreadable -> no row>
 *           struct gp_record *rec = gp_rec_reserve(SIZE, 3, goid);
 *           <per column: temporaries, fault flag f, store or gp_null()>
 *           gp_rec_submit(rec);
 *   }
 *
 * Names in the C are generated (gp_p<N>, t<N>); spec text appears only in
 * comments, with anything that could end a comment removed.
 */
#include "codegen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfcc.h"
#include "gobin.h"
#include "goabi.h"
#include "gprobe_record.h"
#include "objcache.h"
#include "sites.h"
#include "util.h"

#define REC_HDR ((uint32_t)sizeof(struct gp_record))

/* The generated C names registers by the shared enum (gprobe_record.h). */
static const char *reg_enum(unsigned r)
{
	static const char *const names[] = { "GP_RAX", "GP_RBX", "GP_RCX", "GP_RDI", "GP_RSI",
					     "GP_R8",  "GP_R9",  "GP_R10", "GP_R11" };

	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "GP_NREGS";
}

struct gen {
	struct strbuf *sb;
	unsigned ntemp;
	int depth; /* indentation */
};

static void indent(struct gen *g)
{
	for (int i = 0; i < g->depth; i++)
		sb_putc(g->sb, '\t');
}

__attribute__((format(printf, 2, 3))) static void line(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	indent(g);
	va_start(ap, fmt);
	sb_vprintf(g->sb, fmt, ap);
	va_end(ap);
	sb_putc(g->sb, '\n');
}

/* Spec-derived text inside a C comment: printable ASCII only, no "*" so
 * that nothing can close the comment. */
static void comment_text(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		sb_putc(sb, ch >= 0x20 && ch < 0x7f && ch != '*' && ch != '\\' ? (char)ch : '?');
	}
}

static unsigned temp(struct gen *g)
{
	return g->ntemp++;
}

static const char *binop_c(int op)
{
	static const char *const ops[] = {
		[IB_ADD] = "+", [IB_SUB] = "-", [IB_MUL] = "*", [IB_DIV] = "/", [IB_MOD] = "%",
		[IB_AND] = "&", [IB_OR] = "|", [IB_XOR] = "^", [IB_SHL] = "<<", [IB_SHR] = ">>",
		[IB_EQ] = "==", [IB_NE] = "!=", [IB_LT] = "<", [IB_LE] = "<=", [IB_GT] = ">",
		[IB_GE] = ">=",
	};
	return ops[op];
}

static unsigned emit(struct gen *g, const struct ir *n);

/* C for the values every probe can read about where it fires. */
static const char *context_value(enum ir_op op)
{
	switch (op) {
	case IR_GOID: return "goid";
	case IR_G: return "gp_cur_g(ctx)";
	case IR_PID: return "bpf_get_current_pid_tgid() >> 32";
	case IR_TID: return "(__u32)bpf_get_current_pid_tgid()";
	case IR_BIAS: return "gp_load_bias(ctx)";
	default: return "bpf_get_smp_processor_id()";
	}
}

static unsigned emit_binary(struct gen *g, const struct ir *n)
{
	unsigned a, b, t;

	if (n->sub == IB_LAND || n->sub == IB_LOR) {
		/* Short-circuit, so `p != 0 && p.x == 1` never reads through nil. */
		t = temp(g);
		a = emit(g, n->a);
		line(g, "__u64 t%u = %s;", t, n->sub == IB_LAND ? "0" : "1");
		line(g, "if (%st%u) {", n->sub == IB_LAND ? "" : "!", a);
		g->depth++;
		b = emit(g, n->b);
		line(g, "t%u = t%u != 0;", t, b);
		g->depth--;
		line(g, "}");
		return t;
	}
	a = emit(g, n->a);
	b = emit(g, n->b);
	t = temp(g);
	switch (n->sub) {
	case IB_DIV:
	case IB_MOD:
		if (n->is_signed)
			line(g, "__u64 t%u = gp_s%s(t%u, t%u);", t, n->sub == IB_DIV ? "div" : "mod", a, b);
		else
			line(g, "__u64 t%u = t%u ? t%u %s t%u : 0;", t, b, a, binop_c(n->sub), b);
		break;
	case IB_SHL:
		line(g, "__u64 t%u = t%u << (t%u & 63);", t, a, b);
		break;
	case IB_SHR:
		if (n->is_signed)
			line(g, "__u64 t%u = (__u64)((__s64)t%u >> (t%u & 63));", t, a, b);
		else
			line(g, "__u64 t%u = t%u >> (t%u & 63);", t, a, b);
		break;
	case IB_LT:
	case IB_LE:
	case IB_GT:
	case IB_GE:
		if (n->is_signed) {
			line(g, "__u64 t%u = (__s64)t%u %s (__s64)t%u;", t, a, binop_c(n->sub), b);
			break;
		}
		/* fallthrough */
	default:
		line(g, "__u64 t%u = t%u %s t%u;", t, a, binop_c(n->sub), b);
		break;
	}
	return t;
}

static unsigned emit_streq(struct gen *g, const struct ir *n)
{
	unsigned p = emit(g, n->a), len = emit(g, n->b), t = temp(g);

	line(g, "__u64 t%u = t%u == %u;", t, len, n->slen);
	for (uint32_t i = 0; i < n->slen; i += 8) {
		uint32_t k = n->slen - i < 8 ? n->slen - i : 8;
		uint64_t w = 0;
		memcpy(&w, n->sval + i, k); /* little-endian, like the target */
		line(g, "if (t%u) t%u = gp_ld_bytes(&f, t%u + %u, %u) == 0x%" PRIx64 "ULL;", t, t, p,
		     i, k, w);
	}
	if (n->sub)
		line(g, "t%u = !t%u;", t, t);
	return t;
}

/* Emit statements computing n into a fresh temporary; returns its number. */
static unsigned emit(struct gen *g, const struct ir *n)
{
	unsigned t, a;

	switch (n->op) {
	case IR_CONST:
		t = temp(g);
		line(g, "__u64 t%u = 0x%" PRIx64 "ULL;", t, n->imm);
		return t;
	case IR_REG:
		t = temp(g);
		line(g, "__u64 t%u = gp_ext(gp_reg(ctx, %s), %u, %d);", t, reg_enum(n->reg), n->size ? n->size : 8,
		     n->is_signed);
		return t;
	case IR_SP:
		t = temp(g);
		line(g, "__u64 t%u = ctx->sp;", t);
		return t;
	case IR_LOAD:
		a = emit(g, n->a);
		t = temp(g);
		line(g, "__u64 t%u = gp_ld(&f, t%u + (%" PRId64 "), %u, %d);", t, a, n->off, n->size,
		     n->is_signed);
		return t;
	case IR_SAVED:
		t = temp(g);
		line(g, "__u64 t%u = saved[%u];", t, n->slot);
		line(g, "f |= (saved_faults >> %u) & 1;", n->slot);
		return t;
	case IR_GOID:
	case IR_G:
	case IR_PID:
	case IR_TID:
	case IR_CPU:
	case IR_BIAS:
		t = temp(g);
		line(g, "__u64 t%u = %s;", t, context_value(n->op));
		return t;
	case IR_LATENCY:
		t = temp(g);
		line(g, "__u64 t%u = entry_ns ? bpf_ktime_get_boot_ns() - entry_ns : 0;", t);
		line(g, "f |= !entry_ns;");
		return t;
	case IR_UNARY:
		a = emit(g, n->a);
		t = temp(g);
		if (n->sub == '!')
			line(g, "__u64 t%u = !t%u;", t, a);
		else if (n->sub == '-')
			line(g, "__u64 t%u = -t%u;", t, a);
		else
			line(g, "__u64 t%u = ~t%u;", t, a);
		return t;
	case IR_BINARY:
		return emit_binary(g, n);
	case IR_STREQ:
		return emit_streq(g, n);
	case IR_GUARD:
	case IR_SELECT:
		a = emit(g, n->a);
		t = temp(g);
		line(g, "__u64 t%u = 0;", t);
		line(g, "if (t%u) {", a);
		g->depth++;
		{
			unsigned b = emit(g, n->b);
			line(g, "t%u = t%u;", t, b);
		}
		g->depth--;
		if (n->op == IR_GUARD) {
			line(g, "} else {");
			line(g, "\tf = 1;");
		}
		line(g, "}");
		return t;
	}
	t = temp(g);
	line(g, "__u64 t%u = 0; /* unknown op */", t);
	return t;
}

/* ---- schema ---------------------------------------------------------------- */

static uint32_t align8(uint32_t x)
{
	return (x + 7) & ~7u;
}

static void build_table(const struct plan_probe *pp, struct gp_table *t)
{
	uint32_t off = REC_HDR;

	t->name = xstrdup(pp->table);
	t->id = pp->id;
	t->cols = xcalloc(pp->ncols + 1, sizeof(*t->cols));
	t->ncols = pp->ncols;
	for (uint32_t i = 0; i < pp->ncols; i++) {
		const struct plan_col *pc = &pp->cols[i];
		struct gp_column *c = &t->cols[i];
		c->name = xstrdup(pc->name);
		c->fmt = pc->fmt;
		c->off = off;
		c->size = pc->fmt == GP_COL_STRING ? 8 + pc->max_string : pc->size;
		c->max_string = pc->max_string;
		c->is_signed = pc->val && pc->val->is_signed;
		if (pc->nlabels) {
			c->labels = xcalloc(pc->nlabels, sizeof(*c->labels));
			for (uint32_t l = 0; l < pc->nlabels; l++)
				c->labels[l] = (struct gp_label){pc->labels[l].value,
								 xstrdup(pc->labels[l].text)};
			c->nlabels = pc->nlabels;
		}
		off += align8(pc->fmt == GP_COL_STRING ? c->size : 8);
	}
	t->rec_size = align8(off);
}

/* ---- programs ---------------------------------------------------------------- */

static void emit_column(struct gen *g, const struct plan_col *pc, const struct gp_column *c,
			uint32_t idx)
{
	unsigned v, len;

	line(g, "{ /* column %u: %s */", idx, pc->name);
	g->depth++;
	line(g, "int f = 0;");
	v = emit(g, pc->val);
	if (pc->fmt == GP_COL_STRING) {
		len = emit(g, pc->len);
		line(g, "if (!f && gp_read_gostring(GP_SLOT(rec, struct gp_str, %u), t%u, (__s64)t%u, %u))",
		     c->off, v, len, pc->max_string);
		line(g, "\tf = 1;");
		line(g, "if (f)");
		line(g, "\tgp_null(rec, %u);", idx);
	} else {
		line(g, "if (f)");
		line(g, "\tgp_null(rec, %u);", idx);
		line(g, "*GP_SLOT(rec, __u64, %u) = f ? 0 : t%u;", c->off, v);
	}
	g->depth--;
	line(g, "}");
}

static void emit_entry_companion(struct gen *g, const struct plan_probe *pp)
{
	sb_printf(g->sb, "\n/* entry of return probe %u: saves what its RETs need */\n", pp->id);
	sb_printf(g->sb, "SEC(\"uprobe\")\nint gp_p%u_entry(struct pt_regs *ctx)\n{\n", pp->id);
	g->depth = 1;
	line(g, "struct gp_entry_val val = {};");
	line(g, "__u64 goid = gp_goid(ctx);");
	line(g, "int f = 0;");
	for (uint32_t i = 0; i < pp->nsaved; i++) {
		unsigned t;
		line(g, "{");
		g->depth++;
		line(g, "f = 0;");
		t = emit(g, pp->saved[i]);
		line(g, "val.words[%u] = t%u;", i, t);
		line(g, "val.faults |= (__u64)f << %u;", i);
		g->depth--;
		line(g, "}");
	}
	line(g, "gp_entry_save(%u, gp_pair_id(ctx, goid), gp_frame_depth(ctx), &val);", pp->id);
	line(g, "return 0;");
	sb_puts(g->sb, "}\n");
}

static void emit_probe(struct gen *g, const struct plan_probe *pp, const struct gp_table *t)
{
	sb_printf(g->sb, "\n/* probe %u: table ", pp->id);
	comment_text(g->sb, pp->table);
	sb_puts(g->sb, ", ");
	comment_text(g->sb, pp->func);
	sb_printf(g->sb, " at %s */\n", pp->at_return ? "return" : "entry");
	sb_printf(g->sb, "SEC(\"uprobe\")\nint gp_p%u(struct pt_regs *ctx)\n{\n", pp->id);
	g->depth = 1;
	line(g, "__u64 goid = gp_goid(ctx);");
	if (pp->needs_entry) {
		line(g, "__u64 saved[GP_ENTRY_WORDS] = {}, saved_faults = ~0ULL, entry_ns = 0;");
		line(g, "gp_entry_take(ctx, %u, goid, saved, &saved_faults, &entry_ns);", pp->id);
		line(g, "(void)saved; (void)saved_faults; (void)entry_ns;");
	}
	if (pp->where) {
		unsigned w;
		line(g, "{ /* where */");
		g->depth++;
		line(g, "int f = 0;");
		w = emit(g, pp->where);
		line(g, "if (f || !t%u) {", w);
		line(g, "\tgp_stat_inc(GP_STAT_FILTERED);");
		line(g, "\treturn 0;");
		line(g, "}");
		g->depth--;
		line(g, "}");
	}
	line(g, "struct gp_record *rec = gp_rec_reserve(%u, %u, goid);", t->rec_size, pp->id);
	line(g, "if (!rec)");
	line(g, "\treturn 0;");
	for (uint32_t i = 0; i < pp->ncols; i++)
		emit_column(g, &pp->cols[i], &t->cols[i], i);
	line(g, "gp_rec_submit(rec);");
	line(g, "return 0;");
	sb_puts(g->sb, "}\n");
}

/* The last gate before an address reaches the kernel: proven a boundary
 * of the probed function, with a real file offset (never offset 0). */
static int add_attach(struct gp_program *prog, const struct gobin *bin, const struct plan_probe *pp,
		      const char *progname, uint64_t addr, bool is_return, uint32_t *cap,
		      struct diags *d)
{
	struct gp_attach *a;
	uint64_t off = 0;
	char *why = NULL;

	if (sites_check(bin, pp->func, addr, &why) || sites_file_offset(bin, addr, &off, &why)) {
		diag_error(d, pp->loc, "refusing to attach probe '%s' at 0x%llx: %s", pp->table,
			   (unsigned long long)addr, why);
		free(why);
		return -EINVAL;
	}
	if (prog->nattach == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		prog->attach = xrealloc(prog->attach, *cap * sizeof(*prog->attach));
	}
	a = &prog->attach[prog->nattach++];
	memset(a, 0, sizeof(*a));
	a->prog = xstrdup(progname);
	a->probe = xstrdup(pp->table);
	a->func = xstrdup(pp->func);
	a->addr = addr;
	a->file_off = off;
	a->is_return = is_return;
	return 0;
}

static int needs_entries(const struct plan *p)
{
	for (uint32_t i = 0; i < p->nprobes; i++)
		if (p->probes[i].needs_entry)
			return 1;
	return 0;
}

int codegen_generate(const struct plan *p, const struct gobin *bin, const char *target_path,
		     struct gp_program **out, struct diags *d)
{
	struct gp_program *prog = xcalloc(1, sizeof(*prog));
	struct strbuf sb = {0};
	struct gen g = {.sb = &sb};
	uint32_t cap = 0;
	int rc = 0;

	sb_puts(&sb, "/* generated by gprobe: do not edit */\n");
	sb_printf(&sb, "#define GP_GOID_OFF %" PRIu64 "\n", p->goid_off);
	sb_printf(&sb, "#define GP_STACK_HI_OFF %" PRIu64 "\n", p->stack_hi_off);
	sb_printf(&sb, "#define GP_STACK_ABI %d\n", p->regabi ? 0 : 1);
	sb_printf(&sb, "#define GP_TLS_CORE %d\n", p->regabi ? 0 : 1);
	sb_printf(&sb, "#define GP_NEED_ENTRIES %d\n", needs_entries(p));
	sb_puts(&sb, "#include \"gprobe_ops.bpf.h\"\n");

	prog->tables = xcalloc(p->nprobes + 1, sizeof(*prog->tables));
	prog->ntables = p->nprobes;
	for (uint32_t i = 0; i < p->nprobes; i++) {
		const struct plan_probe *pp = &p->probes[i];
		char name[64];

		build_table(pp, &prog->tables[i]);
		g.ntemp = 0;
		emit_probe(&g, pp, &prog->tables[i]);
		snprintf(name, sizeof(name), "gp_p%u", pp->id);
		if (pp->at_return) {
			for (uint32_t r = 0; r < pp->nrets && !rc; r++)
				rc = add_attach(prog, bin, pp, name, pp->rets[r], true, &cap, d);
			if (pp->needs_entry && !rc) {
				g.ntemp = 0;
				emit_entry_companion(&g, pp);
				snprintf(name, sizeof(name), "gp_p%u_entry", pp->id);
				rc = add_attach(prog, bin, pp, name, pp->probe_addr, false, &cap, d);
			}
		} else {
			rc = add_attach(prog, bin, pp, name, pp->probe_addr, false, &cap, d);
		}
		if (rc)
			break;
	}
	prog->bpf_c = sb_steal(&sb);
	prog->target_path = xstrdup(target_path);
	prog->go_version = xstrdup(p->go_version ? p->go_version : "");
	if (rc) {
		gp_program_free(prog);
		*out = NULL;
		return rc;
	}
	*out = prog;
	return 0;
}

int codegen_compile(struct gp_program *prog, struct diags *d)
{
	struct bpfcc_opts opts = BPFCC_OPTS_INIT;
	char *msg = NULL;
	int rc;

	size_t len = strlen(prog->bpf_c);

	if (objcache_get(prog->bpf_c, len, &prog->obj, &prog->objlen) == 0)
		return 0;
	rc = bpfcc_compile("gprobe.bpf.c", prog->bpf_c, len, &opts, &prog->obj, &prog->objlen, &msg);
	if (rc == 0)
		objcache_put(prog->bpf_c, len, prog->obj, prog->objlen);
	if (rc < 0)
		diag_error(d, (struct srcloc){0},
			   "internal error: the generated BPF C does not compile (a gprobe bug; "
			   "--emit-c shows it):\n%s",
			   msg ? msg : strerror(-rc));
	free(msg);
	return rc;
}

int codegen_build(const struct plan *p, const struct gobin *bin, const char *target_path,
		  struct gp_program **out, struct diags *d)
{
	struct gp_program *prog;
	int rc = codegen_generate(p, bin, target_path, &prog, d);

	if (rc < 0)
		return rc;
	rc = codegen_compile(prog, d);
	if (rc < 0) {
		gp_program_free(prog);
		return rc;
	}
	*out = prog;
	return 0;
}
