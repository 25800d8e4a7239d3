/* gprobe.bpf.h — maps, settings and helpers that generated BPF C calls.
 *
 * The generator emits only small programs that call these helpers with
 * constant arguments; the logic lives here, written once and kept
 * verifier-friendly (kernel 6.x, clang 19, -mcpu=v3): no unbounded loops,
 * probe-read sizes the verifier can bound, a NULL check after every lookup.
 * docs/templates.md explains each helper.
 *
 * Include order for generated code: this file only; it pulls in the rest.
 */
#ifndef GPROBE_BPF_H
#define GPROBE_BPF_H

#include "gprobe_types.h"
#include "gprobe_record.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* bpf_probe_read_user and bpf_get_current_task are GPL-only helpers. */
#ifndef GP_NO_LICENSE
char _license[] SEC("license") = "GPL";
#endif

/* ---- settings: .rodata, set by user space before load ---------------- */

/* Offset of goid in runtime.g (DWARF or the offsets DB). 0 = unknown: goid
 * reads then yield 0, "could not be read", rather than a wrong number. */
#ifndef GP_GOID_OFF
#define GP_GOID_OFF 0
#endif
const volatile __u64 gp_goid_off = GP_GOID_OFF;
/* 1: the target uses Go's stack ABI (<= 1.16) and g is found through TLS;
 * 0: register ABI, g is in R14 in every Go (ABIInternal) function. */
#ifndef GP_STACK_ABI
#define GP_STACK_ABI 0
#endif
/* Compile the TLS (fs_base) path for the stack ABI; 0 drops it. */
#ifndef GP_TLS_CORE
#define GP_TLS_CORE 1
#endif
const volatile __u32 gp_stack_abi = GP_STACK_ABI;
/* Offset of stack.hi in runtime.g (g.stack is its first field in every
 * Go version: 8). */
#ifndef GP_STACK_HI_OFF
#define GP_STACK_HI_OFF 8
#endif
/* Where g sits relative to the thread's fs_base: -8 for every internally
 * linked linux/amd64 Go binary; settable for externally linked ones whose
 * TLS block layout the system linker chose. */
const volatile __s64 gp_tls_g_off = -8;

/* ---- maps --------------------------------------------------------------- */

/* Rows to user space. The size here is only a default: the runtime sets
 * it with bpf_map__set_max_entries() before load (power of 2 pages). */
#ifndef GP_RINGBUF_DEFAULT
#define GP_RINGBUF_DEFAULT (256 * 1024)
#endif
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, GP_RINGBUF_DEFAULT);
} gp_events SEC(".maps");

/* Counters for the exit summary (enum gp_stat). Per-CPU so that an
 * increment is a plain add with no atomics and no cache-line bouncing;
 * user space sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GP_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} gp_stats SEC(".maps");

/* Entry state for return probes ($latency, arguments read at return),
 * keyed by goroutine, not thread: goroutines migrate between threads, so a
 * tid key would pair an entry with someone else's return. */
struct gp_entry_key {
	__u32 tgid;
	__u32 probe; /* table id of the probe pair */
	__u64 goid;
	__u64 depth; /* gp_frame_depth(): tells the frames of a recursion apart */
};
struct gp_entry_val {
	__u64 ktime_ns;                /* bpf_ktime_get_boot_ns() at entry */
	__u64 faults;                  /* bit i: words[i] could not be read */
	__u64 words[GP_ENTRY_WORDS];   /* raw argument words saved at entry */
};
/* LRU and bounded: a goroutine that enters and never returns (blocks
 * forever, exits via Goexit or panic) must not fill the map and starve
 * everyone else; the oldest entries are evicted instead. */
#ifndef GP_ENTRIES_MAX
#define GP_ENTRIES_MAX 65536
#endif
/* Programs without return probes that pair don't create the map at all
 * (creating 64k LRU entries costs 10-80 ms of every load). */
#ifndef GP_NEED_ENTRIES
#define GP_NEED_ENTRIES 1
#endif
#if GP_NEED_ENTRIES
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GP_ENTRIES_MAX);
	__type(key, struct gp_entry_key);
	__type(value, struct gp_entry_val);
} gp_entries SEC(".maps");
#endif

/* ---- counters ------------------------------------------------------------ */

static __always_inline void gp_stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&gp_stats, &idx);

	if (v) /* the verifier demands the check even for an in-range index */
		*v += 1;
}

/* ---- registers and memory ------------------------------------------------ */

/* Register by Go ABI index. Called with a constant, the switch folds to a
 * single ctx load, which the verifier needs to be at a constant offset.
 * Float arguments (X0-X14) are not in pt_regs and cannot be read. */
static __always_inline __u64 gp_reg(struct pt_regs *ctx, int idx)
{
	switch (idx) {
	case GP_RAX: return ctx->ax;
	case GP_RBX: return ctx->bx;
	case GP_RCX: return ctx->cx;
	case GP_RDI: return ctx->di;
	case GP_RSI: return ctx->si;
	case GP_R8: return ctx->r8;
	case GP_R9: return ctx->r9;
	case GP_R10: return ctx->r10;
	case GP_R11: return ctx->r11;
	case GP_R14: return ctx->r14;
	default: return 0;
	}
}

/* gp_read() results besides 0. */
#define GP_EFAULT 1 /* the read faulted (unmapped, or paged out) */
#define GP_ENIL 2   /* the address was in the nil page: a nil pointer, not a fault */

/* Read user memory; nonzero when the value could not be read, so the
 * caller marks the column null instead of emitting garbage. A nil pointer
 * is told apart (no stats) because Go code legitimately holds nils; a real
 * fault is counted for the exit summary. */
static __always_inline int gp_read(void *dst, __u32 size, __u64 addr)
{
	if (addr < 4096)
		return GP_ENIL;
	if (bpf_probe_read_user(dst, size, (const void *)addr)) {
		gp_stat_inc(GP_STAT_FAULTS);
		return GP_EFAULT;
	}
	return 0;
}

/* An 8-byte word at SP + off, where SP is the probe's stack pointer. At an
 * entry probe placed before the frame is set up (the `push rbp` after the
 * stack check) and at a RET, SP points at the return address, so stack-ABI
 * arguments and results are at off = 8 + their frame offset. */
static __always_inline int gp_stack_word(struct pt_regs *ctx, __u64 off, __u64 *val)
{
	return gp_read(val, sizeof(*val), ctx->sp + off);
}

/* ---- goroutines ------------------------------------------------------------ */

/* A PIE target is loaded at a base the kernel picks per process, so its
 * data is at link-time address + bias. Every attachment's cookie is the
 * link-time address of its probe site, and a uprobe handler sees the ip
 * rewound to that site: their difference is the bias of this process,
 * with no per-process state and correct for processes started later. */
static __always_inline __u64 gp_load_bias(struct pt_regs *ctx)
{
	return ctx->ip - bpf_get_attach_cookie(ctx);
}

/* The current runtime.g pointer, or 0. Register ABI: R14, free. Stack ABI:
 * g lives in the thread's TLS block at fs_base + gp_tls_g_off; fs_base is
 * kernel state (task->thread.fsbase), read with CO-RE so the offset comes
 * from the running kernel's BTF. */
static __always_inline __u64 gp_cur_g(struct pt_regs *ctx)
{
	struct task_struct *task;
	__u64 fsbase, g = 0;

	if (!gp_stack_abi)
		return ctx->r14;
#if GP_TLS_CORE
	/* The generator leaves the CO-RE read out of register-ABI programs
	 * (GP_TLS_CORE 0): a CO-RE relocation makes libbpf load the kernel's
	 * BTF, 0.2-0.5 s of every load. */
	task = (struct task_struct *)bpf_get_current_task();
	fsbase = BPF_CORE_READ(task, thread.fsbase);
	if (!fsbase || gp_read(&g, sizeof(g), fsbase + gp_tls_g_off))
		return 0;
#else
	(void)task;
	(void)fsbase;
#endif
	return g;
}

/* The current goroutine id, or 0 when unknown (no g, offset unset, fault).
 * goid is 0 for no real goroutine (g0, the scheduler), so 0 is also what
 * Go itself would call "none". */
static __always_inline __u64 gp_goid(struct pt_regs *ctx)
{
	__u64 g = gp_cur_g(ctx), goid = 0;

	if (!g || !gp_goid_off || gp_read(&goid, sizeof(goid), g + gp_goid_off))
		return 0;
	return goid;
}

static __always_inline __u32 gp_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

/* ---- strings ------------------------------------------------------------- */

/* Copy a Go string (ptr, len) into a record slot with room for max bytes
 * (max a compile-time constant). Returns gp_read()'s result. The length is
 * clamped twice on purpose: once for meaning (cut flag), once with an
 * empty asm barrier so the verifier sees n <= max in the register that is
 * passed to the helper (clang may otherwise compare a copy). */
static __always_inline int gp_read_gostring(struct gp_str *slot, __u64 ptr, __s64 len, __u32 max)
{
	__u64 n;
	int err;

	slot->len = 0;
	slot->cut = 0;
	if (len <= 0)
		return len < 0 ? GP_EFAULT : 0; /* a negative length is corruption */
	n = len;
	if (n > max) {
		n = max;
		slot->cut = 1;
	}
	asm volatile("" : "+r"(n));
	if (n > max)
		return GP_EFAULT;
	err = gp_read(slot->data, n, ptr);
	if (err) {
		slot->cut = 0;
		return err;
	}
	slot->len = n;
	return 0;
}

/* ---- records ------------------------------------------------------------- */

/* Reserve a record of `size` bytes (a constant: the verifier requires it)
 * for table `table` and fill the header. On a full ring buffer the row is
 * lost, but counted: drops are never silent. Slots are NOT zeroed: every
 * column must be written or marked with gp_null(). */
static __always_inline struct gp_record *gp_rec_reserve(__u32 size, __u32 table, __u64 goid)
{
	struct gp_record *rec = bpf_ringbuf_reserve(&gp_events, size, 0);

	if (!rec) {
		gp_stat_inc(GP_STAT_DROPPED);
		return NULL;
	}
	rec->ktime_ns = bpf_ktime_get_boot_ns();
	rec->goid = goid;
	rec->nulls = 0;
	rec->pid = gp_tgid();
	rec->table = table;
	return rec;
}

/* Waking user space for every record costs more than the probe itself
 * (measured: 2.7 us vs 0.5 us of BPF time per hit). So a record wakes it
 * only once an eighth of the buffer is queued; below that, user space
 * finds the rows at its next poll (every 100 ms) or when it drains at exit. */
static __always_inline void gp_rec_submit(struct gp_record *rec)
{
	__u64 queued = bpf_ringbuf_query(&gp_events, BPF_RB_AVAIL_DATA);
	__u64 size = bpf_ringbuf_query(&gp_events, BPF_RB_RING_SIZE);

	bpf_ringbuf_submit(rec, queued >= size / 8 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* Drop a reserved record because `where` was false (counted). Filtering
 * after reserving lets the filter use values already read into the row. */
static __always_inline void gp_rec_discard(struct gp_record *rec)
{
	bpf_ringbuf_discard(rec, 0);
	gp_stat_inc(GP_STAT_FILTERED);
}

/* Column `col` (< GP_MAX_COLUMNS) could not be read. */
static __always_inline void gp_null(struct gp_record *rec, __u32 col)
{
	rec->nulls |= 1ULL << (col & (GP_MAX_COLUMNS - 1));
}

/* A column's slot: the record plus the byte offset from the schema. */
#define GP_SLOT(rec, type, off) ((type *)((char *)(rec) + (off)))

/* ---- entry/return pairing ------------------------------------------------- */

/* How deep SP is below the top of the goroutine's stack. It is the same
 * at a function's entry and at its RETs, differs for every frame of a
 * recursion, and survives stack growth: copystack keeps hi - sp when it
 * moves a stack. Without a g it falls back to SP itself. */
static __always_inline __u64 gp_frame_depth(struct pt_regs *ctx)
{
	__u64 g = gp_cur_g(ctx), hi = 0;

	if (!g || gp_read(&hi, sizeof(hi), g + GP_STACK_HI_OFF) || hi < ctx->sp)
		return ctx->sp;
	return hi - ctx->sp;
}

#if GP_NEED_ENTRIES
/* Remember an entry of goroutine `goid` at probe `probe`, frame `depth`:
 * stamps the time and stores val (its words are the caller's saved
 * arguments, its faults which of them could not be read). */
static __always_inline int gp_entry_save(__u32 probe, __u64 goid, __u64 depth,
					 struct gp_entry_val *val)
{
	struct gp_entry_key key = { .tgid = gp_tgid(), .probe = probe, .goid = goid, .depth = depth };

	val->ktime_ns = bpf_ktime_get_boot_ns();
	return bpf_map_update_elem(&gp_entries, &key, val, BPF_ANY);
}

/* The entry matching this return, or NULL (counted as unpaired: the probe
 * was attached after the entry, or LRU evicted it). */
static __always_inline struct gp_entry_val *gp_entry_lookup(__u32 probe, __u64 goid, __u64 depth)
{
	struct gp_entry_key key = { .tgid = gp_tgid(), .probe = probe, .goid = goid, .depth = depth };
	struct gp_entry_val *val = bpf_map_lookup_elem(&gp_entries, &key);

	if (!val)
		gp_stat_inc(GP_STAT_UNPAIRED);
	return val;
}

/* Forget the entry once its return has been handled, so the next call of
 * the same goroutine cannot pair with a stale entry. */
static __always_inline void gp_entry_delete(__u32 probe, __u64 goid, __u64 depth)
{
	struct gp_entry_key key = { .tgid = gp_tgid(), .probe = probe, .goid = goid, .depth = depth };

	bpf_map_delete_elem(&gp_entries, &key);
}
#endif

#endif
