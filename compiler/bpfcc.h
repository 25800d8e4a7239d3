/* bpfcc.h — compile BPF C to a BPF ELF object in-process with Clang 19.
 *
 * The source and every header it includes are served from memory: the
 * headers embedded at build time (embedded.h) live in a virtual directory
 * that is the only include path, so the result never depends on the current
 * directory or on files installed on the machine. The implementation is the
 * project's only C++ (clang_shim.cpp); this is its whole face.
 *
 * Each call compiles in a fork()ed child of the calling process (no exec, no
 * temp files; the object comes back through a pipe), because LLVM 19's BPF
 * backend keeps state across compiles that crashes a second one and may
 * exit() on internal errors. Not thread-safe; call it before starting
 * threads that hold locks LLVM or malloc might need.
 */
#ifndef GPROBE_BPFCC_H
#define GPROBE_BPFCC_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The virtual directory holding the embedded headers: both
 * `#include "gprobe.bpf.h"` and `#include <bpf/bpf_helpers.h>` resolve there. */
#define BPFCC_INCLUDE_DIR "/gprobe"

struct bpfcc_opts {
	size_t sz;       /* sizeof(struct bpfcc_opts): fields past sz take their defaults */
	int opt_level;   /* -O level 0..3 (default 2: the verifier rejects most -O0 code) */
	bool debug_info; /* DWARF, hence .BTF/.BTF.ext (default true: libbpf needs BTF for maps) */
};

/* The defaults; start from this and change what you need. */
#define BPFCC_OPTS_INIT { .sz = sizeof(struct bpfcc_opts), .opt_level = 2, .debug_info = true }

/* Compile `src` (len bytes, need not be NUL-terminated) named `name` (shown
 * in diagnostics, e.g. "gprobe.bpf.c"). opts may be NULL for the defaults
 * (-O2, debug info on).
 *
 * Returns 0 and sets *obj (malloc'd BPF ELF object, free() it) and *objlen.
 * On a compile error returns -EINVAL and sets *diag to Clang's diagnostics
 * ("name:line:col: error: ..." with carets), malloc'd. On success *diag holds
 * the warnings, or NULL when there were none. Other failures: -errno with a
 * message in *diag. diag may be NULL when the caller does not want the text.
 */
int bpfcc_compile(const char *name, const char *src, size_t len, const struct bpfcc_opts *opts,
		  void **obj, size_t *objlen, char **diag);

#ifdef __cplusplus
}
#endif

#endif
