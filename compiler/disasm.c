/* disasm.c — linear-sweep x86-64 disassembly, entry-probe and RET finding. */
#include "disasm.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>

#include "util.h"

/* How far into a function the stack-check prologue may reach: the largest
 * (Go 1.15 huge frames) is seven instructions; allow some slack. */
#define PROLOGUE_MAX_INSNS 12
/* The morestack block spills register arguments before its call (Go >=
 * 1.17 with many register args) and reloads them before jumping back. */
#define MORESTACK_BLOCK_MAX_INSNS 40

/* One context for the process: creating one loads the target's tables. */
static LLVMDisasmContextRef disasm_ctx(void)
{
	static LLVMDisasmContextRef dc;

	if (!dc) {
		LLVMInitializeX86TargetInfo();
		LLVMInitializeX86TargetMC();
		LLVMInitializeX86Disassembler();
		dc = LLVMCreateDisasm("x86_64-unknown-linux-gnu", NULL, 0, NULL, NULL);
		if (dc)
			LLVMSetDisasmOptions(dc, LLVMDisassembler_Option_AsmPrinterVariant);
	}
	return dc;
}

/* "\tjbe\t32" -> "jbe 32": single spaces, no leading tab. */
static void normalise(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	bool space = false;

	for (; *in && o + 1 < cap; in++) {
		if (*in == '\t' || *in == ' ') {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < cap)
			out[o++] = ' ';
		space = false;
		out[o++] = *in;
	}
	out[o] = 0;
}

static const char *const prefixes[] = { "rep", "repz", "repe", "repne", "repnz", "lock",
					"bnd", "notrack", "data16", "cs", "ds" };

/* The mnemonic after any prefixes, and where its operands start. */
static const char *mnemonic(const char *text, size_t *mlen)
{
	for (;;) {
		size_t n = strcspn(text, " ");
		size_t i;
		bool prefix = false;

		for (i = 0; i < ARRAY_SIZE(prefixes); i++)
			if (strlen(prefixes[i]) == n && !strncmp(text, prefixes[i], n))
				prefix = true;
		if (!prefix || !text[n]) {
			*mlen = n;
			return text;
		}
		text += n + 1;
	}
}

/* Branch kinds come from LLVM's own mnemonic; a direct branch's operand
 * is printed as the displacement from the next instruction. */
static void classify(struct insn *in)
{
	size_t n;
	const char *m = mnemonic(in->text, &n);
	const char *op = m[n] ? m + n + 1 : "";
	char *end;
	long long disp;
	bool direct;

	if (n == 3 && !strncmp(m, "ret", 3)) {
		in->kind = INSN_RET;
		return;
	}
	disp = strtoll(op, &end, 10);
	direct = end != op && *end == 0;
	if (!direct)
		return;
	if (n == 4 && !strncmp(m, "call", 4))
		in->kind = INSN_CALL;
	else if (n == 3 && !strncmp(m, "jmp", 3))
		in->kind = INSN_JMP;
	else if (m[0] == 'j')
		in->kind = INSN_JCC;
	else
		return;
	in->target = in->addr + in->len + (uint64_t)disp;
}

/* LLVM decodes a LOCK prefix (with any REX before it) as an instruction of
 * its own: "lock" then "cmpxchg ...". The CPU sees one instruction, and a
 * probe between the two would corrupt it, so such prefixes are joined to
 * what follows. */
static bool prefix_only(const char *text)
{
	static const char *const lone[] = { "lock", "rep", "repe", "repne", "repz", "repnz",
					    "xacquire", "xrelease", "data16", "data32",
					    "addr32", "rex", "rex64", "notrack", "bnd" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lone); i++)
		if (!strcmp(text, lone[i]))
			return true;
	return false;
}

/* Decode one CPU instruction at code[off]; returns its length or 0. */
static size_t decode(LLVMDisasmContextRef dc, const uint8_t *code, size_t n, size_t off,
		     uint64_t addr, char *text, size_t cap)
{
	char buf[256], first[64];
	size_t len = LLVMDisasmInstruction(dc, (uint8_t *)code + off, n - off, addr + off, buf,
					   sizeof(buf));
	size_t more;

	if (!len)
		return 0;
	normalise(buf, text, cap);
	if (!prefix_only(text) || off + len >= n)
		return len;
	memcpy(first, text, sizeof(first) < cap ? sizeof(first) : cap);
	first[sizeof(first) - 1] = 0;
	more = decode(dc, code, n, off + len, addr, text, cap);
	if (!more || len + more > 15)
		return 0;
	memmove(text + strlen(first) + 1, text, cap - strlen(first) - 1);
	memcpy(text, first, strlen(first));
	text[strlen(first)] = ' ';
	text[cap - 1] = 0;
	return len + more;
}

int disasm_func(const uint8_t *code, size_t n, uint64_t addr, struct insn **out,
		size_t *nout, char **err)
{
	LLVMDisasmContextRef dc = disasm_ctx();
	struct insn *v = NULL;
	size_t cnt = 0, cap = 0, off = 0;

	*out = NULL;
	*nout = 0;
	if (!dc) {
		*err = xstrdup("cannot create the LLVM x86-64 disassembler");
		return -EINVAL;
	}
	while (off < n) {
		struct insn in = { .addr = addr + off };
		size_t len = decode(dc, code, n, off, addr, in.text, sizeof(in.text));

		if (!len) {
			*err = xasprintf("cannot decode the instruction at 0x%llx",
					 (unsigned long long)(addr + off));
			free(v);
			return -EINVAL;
		}
		in.len = (uint8_t)len;
		classify(&in);
		VEC_PUSH(v, cnt, cap, in);
		off += len;
	}
	*out = v;
	*nout = cnt;
	return 0;
}

int disasm_is_boundary(const uint8_t *code, size_t n, uint64_t addr, uint64_t target)
{
	LLVMDisasmContextRef dc = disasm_ctx();
	char text[64];
	size_t off = 0, len;

	if (!dc || target < addr || target - addr >= n)
		return 0;
	while (addr + off < target) {
		len = decode(dc, code, n, off, addr, text, sizeof(text));
		if (!len)
			return 0;
		off += len;
	}
	return addr + off == target;
}

static size_t index_of(const struct insn *v, size_t n, uint64_t addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].addr == addr)
			return i;
	return n;
}

/* Does the block at v[i] call runtime.morestack*, or call something and
 * then jump back to the function entry? Names the rule in *rule. */
static bool is_morestack_block(const struct insn *v, size_t n, size_t i, uint64_t entry,
			       disasm_sym_fn sym, void *ctx, const char **rule)
{
	size_t end = i + MORESTACK_BLOCK_MAX_INSNS < n ? i + MORESTACK_BLOCK_MAX_INSNS : n;
	bool called = false;

	for (; i < end; i++) {
		if (v[i].kind == INSN_CALL) {
			const char *name = sym ? sym(ctx, v[i].target) : NULL;

			if (name && !strncmp(name, "runtime.morestack", 17)) {
				*rule = name;
				return true;
			}
			called = true;
		} else if (v[i].kind == INSN_JMP) {
			if (called && v[i].target == entry) {
				*rule = NULL;
				return true;
			}
			return false;
		} else if (v[i].kind == INSN_RET) {
			return false;
		}
	}
	return false;
}

int disasm_entry_probe(const uint8_t *code, size_t n, uint64_t addr, disasm_sym_fn sym,
		       void *ctx, uint64_t *probe, char **why)
{
	struct insn *v;
	size_t cnt, i, last = 0, limit;
	const char *rule = NULL;
	uint64_t block = 0;
	int r = disasm_func(code, n, addr, &v, &cnt, why);

	if (r)
		return r;
	limit = cnt < PROLOGUE_MAX_INSNS ? cnt : PROLOGUE_MAX_INSNS;
	for (i = 0; i < limit; i++) {
		size_t t;

		if (v[i].kind != INSN_JCC || v[i].target <= v[i].addr ||
		    v[i].target >= addr + n || i + 1 >= cnt)
			continue;
		if (block && v[i].target != block)
			continue;
		t = index_of(v, cnt, v[i].target);
		if (t == cnt || !is_morestack_block(v, cnt, t, addr, sym, ctx, &rule))
			continue;
		block = v[i].target;
		last = i + 1;
	}
	if (block) {
		*probe = v[last].addr;
		*why = rule ? xasprintf("after the stack check: '%s' at +0x%llx jumps to a block calling %s",
					v[last - 1].text, (unsigned long long)(v[last - 1].addr - addr), rule)
			    : xasprintf("after the stack check: '%s' at +0x%llx jumps to a block that calls and jumps back to the entry",
					v[last - 1].text, (unsigned long long)(v[last - 1].addr - addr));
	} else {
		*probe = addr;
		*why = xstrdup("no stack check (nosplit or leaf function): probe at the entry");
	}
	free(v);
	return 0;
}

int disasm_rets(const uint8_t *code, size_t n, uint64_t addr, uint64_t **rets,
		size_t *nrets, char **err)
{
	struct insn *v;
	size_t cnt, i, nr = 0, cap = 0;
	uint64_t *out = NULL;
	int r = disasm_func(code, n, addr, &v, &cnt, err);

	*rets = NULL;
	*nrets = 0;
	if (r)
		return r;
	for (i = 0; i < cnt; i++)
		if (v[i].kind == INSN_RET)
			VEC_PUSH(out, nr, cap, v[i].addr);
	free(v);
	*rets = out;
	*nrets = nr;
	return 0;
}

int disasm_rip_targets(const uint8_t *code, size_t n, uint64_t addr, uint64_t **targets,
		       size_t *ntargets, char **err)
{
	struct insn *v;
	size_t cnt, nt = 0, cap = 0;
	uint64_t *out = NULL;
	int r = disasm_func(code, n, addr, &v, &cnt, err);

	*targets = NULL;
	*ntargets = 0;
	if (r)
		return r;
	for (size_t i = 0; i < cnt; i++) {
		/* LLVM prints the displacement in decimal: "[rip + 1486310]". */
		const char *p = strstr(v[i].text, "[rip ");
		char *end;
		long long disp;
		if (!p || (p[5] != '+' && p[5] != '-') || p[6] != ' ')
			continue;
		disp = strtoll(p + 7, &end, 10);
		if (end == p + 7 || *end != ']')
			continue;
		if (p[5] == '-')
			disp = -disp;
		VEC_PUSH(out, nt, cap, v[i].addr + v[i].len + (uint64_t)disp);
	}
	free(v);
	*targets = out;
	*ntargets = nt;
	return 0;
}
