/* plan.h — the resolved probe plan: what the resolver hands the generator.
 *
 * Every spec expression becomes a small tree of IR nodes over 64-bit values
 * (loads that can fault, registers, constants, arithmetic). Types are gone
 * by now except for what the generator needs to emit C: width and
 * signedness of each value, and the output format of each column.
 */
#ifndef GPROBE_PLAN_H
#define GPROBE_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "goabi.h"
#include "gotype.h"
#include "program.h"

enum ir_op {
	IR_CONST,   /* imm */
	IR_REG,     /* integer ABI register `reg` (enum gp_goreg) at the probe */
	IR_SP,      /* the stack pointer at function entry (== at RET) */
	IR_LOAD,    /* `size` bytes at address a + off; may fault */
	IR_SAVED,   /* word `slot` saved by the entry program (return probes) */
	IR_GOID,
	IR_G,       /* the current runtime.g pointer (R14, or TLS on the stack ABI) */
	IR_PID,
	IR_TID,
	IR_CPU,
	IR_BIAS,    /* a PIE's load bias in the firing process (0 otherwise) */
	IR_LATENCY, /* ns since the paired entry */
	IR_UNARY,   /* sub: '-', '!', '^' */
	IR_BINARY,  /* sub: token of the operator (see enum ir_binop) */
	IR_STREQ,   /* string (a = ptr, b = len) == literal sval; sub: 1 for != */
	IR_GUARD,   /* b if a is true, else the read fails (null), e.g. a bounds check */
	IR_SELECT,  /* b if a is true, else 0; b is only evaluated when a holds */
};

enum ir_binop {
	IB_ADD, IB_SUB, IB_MUL, IB_DIV, IB_MOD, IB_AND, IB_OR, IB_XOR, IB_SHL, IB_SHR,
	IB_EQ, IB_NE, IB_LT, IB_LE, IB_GT, IB_GE, IB_LAND, IB_LOR,
};

struct ir {
	enum ir_op op;
	int sub;
	uint64_t imm;
	int64_t off;
	uint8_t size;     /* IR_LOAD: 1, 2, 4, 8 */
	bool is_signed;   /* value is a signed integer (loads sign-extend) */
	bool entry_only;  /* IR_REG / IR_SP-based argument read: must be saved at entry for return probes */
	uint8_t reg;
	uint32_t slot;
	const char *sval; /* IR_STREQ literal (not NUL-terminated: slen) */
	uint32_t slen;
	struct ir *a, *b;
};

/* One output column, resolved. */
struct plan_col {
	const char *name;
	enum gp_colfmt fmt;
	uint32_t size;        /* slot size: 1/2/4/8 for scalars, sizeof(gp_str)+max for strings */
	uint32_t max_string;
	struct ir *val;       /* scalar value; for strings: the pointer */
	struct ir *len;       /* strings: the length */
	struct gp_label *labels;
	uint32_t nlabels;
	const char *type_name; /* Go type, for `check` */
	char *access;          /* human-readable access path, for `check` */
};

struct plan_probe {
	const char *table;
	const char *func;
	uint32_t id;           /* table id and probe id */
	bool at_return;
	uint64_t entry;        /* function entry address */
	uint64_t probe_addr;   /* entry probe address (after the stack-check prologue) */
	char *probe_why;       /* which prologue rule applied */
	uint64_t *rets;        /* at_return: every RET */
	uint32_t nrets;
	bool needs_entry;      /* return probe that needs an entry program ($latency or saved args) */
	struct ir **saved;     /* entry_only nodes to save at entry, by slot */
	uint32_t nsaved;
	bool uses_latency;
	struct ir *where;      /* NULL: every row */
	struct plan_col *cols;
	uint32_t ncols;
	struct srcloc loc;
};

struct plan {
	const char *go_version;
	bool regabi;
	uint64_t goid_off;     /* offset of goid in runtime.g */
	uint64_t stack_hi_off; /* offset of stack.hi in runtime.g */
	struct plan_probe *probes;
	uint32_t nprobes;
	char **notices;        /* skipped probes etc., for stderr */
	uint32_t nnotices, capnotices;
	struct ir **irs;       /* every IR node, for freeing */
	uint32_t nirs, capirs;
	uint32_t capprobes;
};

/* IR nodes, owned by the plan (freed with it). ir_load folds a constant
 * addend of its address into the offset; ir_add folds constant sums. */
struct ir *ir_new(struct plan *p, enum ir_op op);
struct ir *ir_const(struct plan *p, uint64_t v, bool is_signed);
struct ir *ir_load(struct plan *p, struct ir *addr, int64_t off, uint32_t size, bool is_signed);
struct ir *ir_binary(struct plan *p, int op, struct ir *a, struct ir *b, bool is_signed);
struct ir *ir_add(struct plan *p, struct ir *a, uint64_t k);
/* Pass over a return probe: replace every argument read (entry_only) by a
 * word the entry program saves, since by the time of RET the argument
 * registers and the caller's frame may be reused; sets needs_entry.
 * -E2BIG (reported in d) when more than GP_ENTRY_WORDS words are needed. */
int plan_save_entry_reads(struct plan *p, struct plan_probe *pp, struct diags *d);
/* Human-readable IR for `check`: u64[RAX+0x98], entry[0], ... */
void ir_format(const struct ir *n, struct strbuf *sb);

void plan_free(struct plan *p);

struct target;
/* `gprobe check` output: each probe's addresses, each column's access path and type. */
void plan_print(const struct plan *p, const struct target *t, FILE *out);

#endif
