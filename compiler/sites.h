/* sites.h — proof that a probe address is safe, and its file offset.
 *
 * A uprobe placed off an instruction boundary corrupts the target
 * silently, and one placed inside the wrong function fires at the wrong
 * time. So every address handed to the attach step passes through here
 * last, however it was found: it must be the entry of a pclntab function,
 * or an instruction boundary reached by disassembling that function
 * linearly from its entry (Go puts no data in its text). Anything else is
 * refused with the reason.
 */
#ifndef GPROBE_SITES_H
#define GPROBE_SITES_H

#include <stddef.h>
#include <stdint.h>

struct gobin;

/* The entry probe of func, whose code is [entry, end): right after the
 * stack-check prologue (disasm_entry_probe), so a stack growth does not
 * fire it twice. *why (malloc'd) tells which rule placed it, or why none
 * could. 0 or -errno. */
int sites_entry(const struct gobin *bin, const char *func, uint64_t entry, uint64_t end,
		uint64_t *probe, char **why);

/* Every RET of func, in order (return probes are uprobes there, never
 * uretprobes). *rets is malloc'd; 0, or -errno with *why. A function
 * without RET gives 0 and *n == 0. */
int sites_returns(const struct gobin *bin, const char *func, uint64_t entry, uint64_t end,
		  uint64_t **rets, size_t *n, char **why);

/* 0 when addr is provably a boundary inside `func` (the pclntab function
 * of that name); else -EINVAL with *why (malloc'd) saying what failed. */
int sites_check(const struct gobin *bin, const char *func, uint64_t addr, char **why);

/* The file offset a uprobe at addr attaches to; -EFAULT with *why when
 * the address is not file-backed executable code. */
int sites_file_offset(const struct gobin *bin, uint64_t addr, uint64_t *off, char **why);

#endif
