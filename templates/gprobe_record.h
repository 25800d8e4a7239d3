/* gprobe_record.h — the ring-buffer record layout, shared by the generated
 * BPF C (kernel side) and runtime/ (user side). Nothing else crosses.
 *
 * Every record is a fixed header followed by the table's column slots at
 * the offsets its schema (compiler/program.h) gives. A record's size is
 * fixed per table, so user space decodes without parsing.
 */
#ifndef GPROBE_RECORD_H
#define GPROBE_RECORD_H

#ifdef __BPF__
/* the embedded gprobe_types.h provides __u8..__u64 */
#else
#include <linux/types.h>
#endif

#define GP_MAX_COLUMNS 64

/* Words an entry program may save for its return probe (arguments that
 * live in registers at entry and are read at return). */
#define GP_ENTRY_WORDS 8

/* Go's register ABI integer argument/result order (internal/abi, amd64),
 * then R14, which holds the current g in ABIInternal code. The generated
 * C names these; compiler/goabi.h's enum goabi_reg is asserted equal. */
enum gp_goreg {
	GP_RAX, GP_RBX, GP_RCX, GP_RDI, GP_RSI, GP_R8, GP_R9, GP_R10, GP_R11,
	GP_R14,
	GP_NREGS,
};

struct gp_record {
	__u64 ktime_ns; /* bpf_ktime_get_boot_ns() at the probe */
	__u64 goid;     /* current goroutine; 0 when it could not be read */
	__u64 nulls;    /* bit i set: column i could not be read (fault, nil, bounds) */
	__u32 pid;      /* tgid of the target */
	__u32 table;    /* index of the table in the program */
};

/* A string column slot: captured bytes, and whether the value was longer. */
struct gp_str {
	__u32 len;   /* bytes captured into data[] */
	__u32 cut;   /* 1: the Go string was longer than the slot */
	char data[]; /* max_string bytes reserved in the record */
};

/* Indexes into the per-CPU `gp_stats` array map. */
enum gp_stat {
	GP_STAT_DROPPED = 0, /* ring buffer full: record lost */
	GP_STAT_FAULTS = 1,  /* reads that faulted (become nulls) */
	GP_STAT_FILTERED = 2,/* rows suppressed by `where` */
	GP_STAT_UNPAIRED = 3,/* return probe without a matching entry */
	GP_STAT_MAX = 4,
};

#endif
