/* tracer.h — run a compiled gprobe program: load it with libbpf, attach
 * its uprobes, stream the ring buffer into an output writer until the
 * target exits, the duration expires or a signal arrives, then drain,
 * detach and summarise. The only part of gprobe that talks to the kernel.
 */
#ifndef GPROBE_TRACER_H
#define GPROBE_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "output.h"
#include "program.h"

#define GP_RINGBUF_DEFAULT (16u << 20)

/* What a run saw; filled on return when gp_run_opts.stats is set. */
struct gp_run_stats {
	uint64_t rows;       /* rows written, all tables */
	uint64_t dropped;    /* records lost to a full ring buffer (gp_stats) */
	uint64_t faults;     /* reads that faulted (gp_stats) */
	uint64_t filtered;   /* rows suppressed by `where` (gp_stats) */
	uint64_t unpaired;   /* return probes without their entry (gp_stats) */
	uint64_t malformed;  /* records of unknown table or wrong size */
	bool have_bpf_stats; /* false: the object has no gp_stats map */
	pid_t child;         /* -- CMD: the pid of the command */
};

/* Exactly one target mode: `pid` (-p), `exe` alone (-e) or `cmd` (--). */
struct gp_run_opts {
	size_t sz;               /* sizeof(struct gp_run_opts) */
	pid_t pid;               /* -p: that process only (0: not this mode) */
	const char *exe;         /* -e: every process running it, now and later;
				  * with pid or cmd: the file to attach to instead
				  * of /proc/PID/exe or prog->target_path */
	char *const *cmd;        /* -- CMD ARG...: NULL-terminated; run it, traced
				  * from its first instruction */
	enum gp_format fmt;
	const char *out_path;    /* see gp_output_opts.path */
	const char *const *tables; /* -t: the tables to show (and attach); */
	size_t ntables;            /* 0: all */
	double duration;         /* -d seconds; <= 0: no limit */
	uint32_t ringbuf_bytes;  /* 0: prog->ringbuf_bytes, else GP_RINGBUF_DEFAULT;
				  * rounded up to a power of two >= a page */
	bool verbose;            /* forward libbpf's log */
	gp_sym_fn sym;           /* GP_COL_SYM names; NULL: hex */
	void *sym_ctx;
	FILE *log;               /* diagnostics and summary; NULL: stderr */
	struct gp_run_stats *stats; /* optional out */
};

/* Returns the exit status gprobe should use: 0 success, 1 runtime failure
 * (load, attach, output), 2 bad options (mode, unknown table), or with
 * `cmd` the command's own status (128+N if killed by signal N) when it
 * ended before gprobe stopped. Never leaves anything attached. */
int gp_run(const struct gp_program *prog, const struct gp_run_opts *opts);

#endif
