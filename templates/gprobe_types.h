/* gprobe_types.h — the BPF side's basic types, with no system headers.
 *
 * Generated BPF C is compiled with -nostdinc against embedded headers only
 * (compiler/bpfcc.h), so this file supplies what <linux/types.h>,
 * <linux/bpf.h> and <stdbool.h> would: enough for libbpf's bpf_helpers.h
 * and bpf_core_read.h to compile, plus the two kernel structs gprobe reads.
 */
#ifndef GPROBE_TYPES_H
#define GPROBE_TYPES_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u64 __be64;
typedef __u32 __wsum;

typedef __u64 u64; /* short spellings for generated code */
typedef __u32 u32;
typedef __s64 s64;
typedef __s32 s32;

#ifndef __cplusplus
typedef _Bool bool;
#define true 1
#define false 0
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

/* The uapi values of <linux/bpf.h> that the templates use. These numbers
 * are kernel ABI and never change. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_RINGBUF = 27,
};
enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};
enum {
	BPF_RB_NO_WAKEUP = 1,
	BPF_RB_FORCE_WAKEUP = 2,
};
enum {
	BPF_RB_AVAIL_DATA = 0,
	BPF_RB_RING_SIZE = 1,
};

/* What a uprobe program's context points to: the x86-64 register frame
 * (uapi user_pt_regs order; the kernel's struct pt_regs has the same
 * layout); no CO-RE needed because the layout is ABI. The verifier only
 * accepts ctx loads at a constant offset from the unmodified ctx pointer;
 * preserve_static_offset (clang >= 18) stops the optimiser from hoisting
 * `ctx + off` into a register, which it otherwise does when one field is
 * read on several paths. There is no FP/SSE state here:
 * X0-X14 (Go's float argument registers) are not readable from BPF. */
struct pt_regs {
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long bp;
	unsigned long bx;
	unsigned long r11;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long ax;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long orig_ax;
	unsigned long ip;
	unsigned long cs;
	unsigned long flags;
	unsigned long sp;
	unsigned long ss;
} __attribute__((preserve_static_offset));

/* Minimal kernel structs for CO-RE: preserve_access_index makes clang emit
 * relocations that libbpf resolves against the running kernel's BTF, so
 * only the fields named here need to exist, at whatever offset the kernel
 * has them. fsbase is where the Go stack ABI (<= 1.16) keeps the TLS block
 * that holds the current g. */
struct thread_struct {
	unsigned long fsbase;
} __attribute__((preserve_access_index));

struct task_struct {
	struct thread_struct thread;
} __attribute__((preserve_access_index));

#endif
