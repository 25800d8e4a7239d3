/* fuzz_base.h — Go binaries from $GPROBE_TESTPROGS as patch bases, with
 * their ELF structures and sections as patch regions. */
#ifndef GPROBE_FUZZ_BASE_H
#define GPROBE_FUZZ_BASE_H

#include "fuzz_common.h"

#define FUZZ_MAX_REGIONS 96

struct fuzz_base {
	const char *name;
	struct fuzz_buf file;
	/* ELF header, program and section header tables, every section with
	 * file bytes; the sections named in `favour` count several times. */
	struct fuzz_region regions[FUZZ_MAX_REGIONS];
	size_t nregions;
	struct fuzz_region pclntab; /* .gopclntab, len 0 if absent */
	uint64_t text_addr;         /* .text sh_addr */
};

/* Load the bases named (relative to $GPROBE_TESTPROGS) that exist; sections
 * whose name starts with a prefix in `favour` (NULL-terminated) get extra
 * weight. Returns how many were loaded into `out`. */
size_t fuzz_load_bases(const char *const *rel, struct fuzz_base *out, size_t max,
		       const char *const *favour);

#endif
