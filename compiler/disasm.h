/* disasm.h — x86-64 disassembly of Go functions (LLVM's C disassembler).
 *
 * Probe addresses must be instruction boundaries: a uprobe on the middle of
 * an instruction silently corrupts the target. Every boundary gprobe uses
 * comes from here. Go puts no data in its text, so a linear sweep from a
 * function's entry to its end is exact.
 */
#ifndef GPROBE_DISASM_H
#define GPROBE_DISASM_H

#include <stddef.h>
#include <stdint.h>

enum insn_kind {
	INSN_OTHER = 0,
	INSN_JCC,  /* conditional jump with a direct target */
	INSN_JMP,  /* unconditional direct jump */
	INSN_CALL, /* direct call */
	INSN_RET,
};

struct insn {
	uint64_t addr;
	uint8_t len;
	enum insn_kind kind;
	uint64_t target; /* INSN_JCC/JMP/CALL: the branch target */
	char text[64];   /* Intel syntax, "mov rax, qword ptr [rsp + 8]" (truncated if longer) */
};

/* Names an address (for runtime.morestack* detection); may return NULL. */
typedef const char *(*disasm_sym_fn)(void *ctx, uint64_t addr);

/* Disassemble [addr, addr+n). *out is malloc'd (free()). Returns 0, or
 * -EINVAL with *err set when some bytes do not decode. */
int disasm_func(const uint8_t *code, size_t n, uint64_t addr, struct insn **out,
		size_t *nout, char **err);

/* 1 when `target` is the start of an instruction of a linear sweep of
 * [addr, addr+n) from addr (every instruction before it decodes), else 0. */
int disasm_is_boundary(const uint8_t *code, size_t n, uint64_t addr, uint64_t target);

/* The entry probe address: the instruction right after the last
 * conditional jump of the stack-check prologue to the morestack block, or
 * the entry itself when the function has no stack check. The morestack block
 * is recognised by structure: it calls a runtime.morestack* function (when
 * `sym` can name it) or calls something and jumps back to the entry. *why
 * (malloc'd) tells which rule applied. Returns 0 or -EINVAL (*why = error). */
int disasm_entry_probe(const uint8_t *code, size_t n, uint64_t addr, disasm_sym_fn sym,
		       void *ctx, uint64_t *probe, char **why);

/* Addresses of every RET instruction, in order. *rets is malloc'd. Returns
 * 0 or -EINVAL with *err set. */
int disasm_rets(const uint8_t *code, size_t n, uint64_t addr, uint64_t **rets,
		size_t *nrets, char **err);

/* The absolute targets of every RIP-relative memory operand, in order
 * (`lea rax, [rip + 1486310]` -> next instruction + 1486310): how code
 * names package variables, which lets a stripped binary's variables be
 * found again. *targets is malloc'd. 0 or -EINVAL with *err set. */
int disasm_rip_targets(const uint8_t *code, size_t n, uint64_t addr, uint64_t **targets,
		       size_t *ntargets, char **err);

#endif
