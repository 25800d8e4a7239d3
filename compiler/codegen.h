/* codegen.h — probe plan -> BPF C -> BPF object, plus the table schemas and
 * attach points the runtime needs (program.h).
 *
 * The generated C is small and deterministic: one program per probe site
 * (and an entry companion for return probes that need one), straight-line
 * code calling the helpers of templates/gprobe.bpf.h and gprobe_ops.bpf.h.
 * Every literal in it is re-emitted by the generator as a number; no spec
 * text ever reaches the C except inside comments that are sanitised.
 */
#ifndef GPROBE_CODEGEN_H
#define GPROBE_CODEGEN_H

#include "diag.h"
#include "plan.h"
#include "program.h"

struct gobin;

/* Generate C and schemas for a plan. *out gets a program without object
 * (obj NULL); 0 or -errno with an error in d. */
int codegen_generate(const struct plan *p, const struct gobin *bin, const char *target_path,
		     struct gp_program **out, struct diags *d);

/* Compile prog->bpf_c in-process into prog->obj. */
int codegen_compile(struct gp_program *prog, struct diags *d);

/* Generate and compile in-process. A Clang error here is a gprobe bug and
 * is reported as such, with the C line. */
int codegen_build(const struct plan *p, const struct gobin *bin, const char *target_path,
		  struct gp_program **out, struct diags *d);

#endif
