/* floor.bpf.c — the floor of the benchmarks and its diagnostic variants.
 *
 * empty:       does nothing; the kernel's own cost of a uprobe hit.
 * rb_wake:     reserves and submits a 120-byte record (the size of gprobe's
 *              3-column row) with the default wakeup: the consumer is woken
 *              whenever it has caught up, i.e. on nearly every record when
 *              it keeps up.
 * rb_nowake:   the same with BPF_RB_NO_WAKEUP; the consumer polls on a timer.
 * rb_adaptive: no wakeup until 1 MiB is queued, then a forced one.
 * The rb_* variants isolate what the ring buffer's wakeup costs the target.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define REC_SIZE 120
#define WAKE_BYTES (1 << 20)

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

SEC("uprobe")
int empty(void *ctx)
{
	return 0;
}

static __always_inline int record(__u64 flags)
{
	__u64 *rec = bpf_ringbuf_reserve(&events, REC_SIZE, 0);

	if (!rec)
		return 0;
	rec[0] = bpf_ktime_get_boot_ns();
	bpf_ringbuf_submit(rec, flags);
	return 0;
}

SEC("uprobe")
int rb_wake(void *ctx)
{
	return record(0);
}

SEC("uprobe")
int rb_nowake(void *ctx)
{
	return record(BPF_RB_NO_WAKEUP);
}

SEC("uprobe")
int rb_adaptive(void *ctx)
{
	__u64 queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	return record(queued >= WAKE_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

char LICENSE[] SEC("license") = "GPL";
