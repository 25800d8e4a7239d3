/* gprobe_ops.bpf.h — the value operations generated code is made of.
 *
 * Generated programs compute every spec expression as 64-bit values with
 * a per-column fault flag `f`: a read that fails sets it and the column
 * becomes null. These helpers keep the generated text to one call per
 * operation; called with constant size/sign arguments they fold away.
 */
#ifndef GPROBE_OPS_BPF_H
#define GPROBE_OPS_BPF_H

#include "gprobe.bpf.h"

/* `size` bytes at addr, zero- or sign-extended; sets *f when unreadable. */
static __always_inline __u64 gp_ld(int *f, __u64 addr, __u32 size, int sign)
{
	switch (size) {
	case 1: {
		__u8 v = 0;
		if (gp_read(&v, 1, addr)) {
			*f = 1;
			return 0;
		}
		return sign ? (__u64)(__s64)(__s8)v : v;
	}
	case 2: {
		__u16 v = 0;
		if (gp_read(&v, 2, addr)) {
			*f = 1;
			return 0;
		}
		return sign ? (__u64)(__s64)(__s16)v : v;
	}
	case 4: {
		__u32 v = 0;
		if (gp_read(&v, 4, addr)) {
			*f = 1;
			return 0;
		}
		return sign ? (__u64)(__s64)(__s32)v : v;
	}
	default: {
		__u64 v = 0;
		if (gp_read(&v, 8, addr)) {
			*f = 1;
			return 0;
		}
		return v;
	}
	}
}

/* A register holding a value narrower than 64 bits: Go leaves the upper
 * bits undefined, so they are cut off and the value re-extended. */
static __always_inline __u64 gp_ext(__u64 v, __u32 size, int sign)
{
	switch (size) {
	case 1: return sign ? (__u64)(__s64)(__s8)v : (__u8)v;
	case 2: return sign ? (__u64)(__s64)(__s16)v : (__u16)v;
	case 4: return sign ? (__u64)(__s64)(__s32)v : (__u32)v;
	default: return v;
	}
}

/* Signed division and remainder from unsigned BPF instructions (sdiv
 * needs cpu v4); division by zero gives 0 like BPF's own. Go semantics:
 * truncation toward zero, the remainder has the dividend's sign. */
static __always_inline __u64 gp_sdiv(__u64 a, __u64 b)
{
	__s64 x = a, y = b;
	__u64 ux = x < 0 ? -(__u64)x : (__u64)x, uy = y < 0 ? -(__u64)y : (__u64)y;
	__u64 q;

	if (!uy)
		return 0;
	q = ux / uy;
	return (x < 0) != (y < 0) ? -q : q;
}

static __always_inline __u64 gp_smod(__u64 a, __u64 b)
{
	__s64 x = a, y = b;
	__u64 ux = x < 0 ? -(__u64)x : (__u64)x, uy = y < 0 ? -(__u64)y : (__u64)y;
	__u64 r;

	if (!uy)
		return 0;
	r = ux % uy;
	return x < 0 ? -r : r;
}

/* `n` (<= 8, constant) bytes at addr as a little-endian word, for
 * comparing strings with literals a word at a time. */
static __always_inline __u64 gp_ld_bytes(int *f, __u64 addr, __u32 n)
{
	__u64 v = 0;

	if (n > 8 || gp_read(&v, n, addr)) {
		*f = 1;
		return 0;
	}
	return v;
}

/* Whose entry a return pairs with: the goroutine, or, on a g0 (goid 0,
 * one per M: the scheduler, systemstack code), that g0 itself, so two Ms
 * in the same runtime function at once never take each other's entry. */
static __always_inline __u64 gp_pair_id(struct pt_regs *ctx, __u64 goid)
{
	return goid ? goid : gp_cur_g(ctx) | (1ULL << 63);
}

#if GP_NEED_ENTRIES
/* A return probe's pairing: take (look up and delete) the entry state of
 * this goroutine's frame. Keyed by frame depth so the frames of a
 * recursion pair with their own entries. 1 when it was there. */
static __always_inline int gp_entry_take(struct pt_regs *ctx, __u32 probe, __u64 goid,
					 __u64 saved[GP_ENTRY_WORDS], __u64 *faults,
					 __u64 *entry_ns)
{
	__u64 id = gp_pair_id(ctx, goid), depth = gp_frame_depth(ctx);
	struct gp_entry_val *e = gp_entry_lookup(probe, id, depth);

	if (!e)
		return 0;
	*entry_ns = e->ktime_ns;
	*faults = e->faults;
	__builtin_memcpy(saved, e->words, sizeof(e->words));
	gp_entry_delete(probe, id, depth);
	return 1;
}
#endif

#endif
