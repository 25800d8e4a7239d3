/* resolve.h — turn specs into a probe plan against one Go binary.
 *
 * Debug facts come through target.h (DWARF or the offsets database);
 * probe addresses from the binary's own code, disassembled.
 */
#ifndef GPROBE_RESOLVE_H
#define GPROBE_RESOLVE_H

#include <stdio.h>

#include "diag.h"
#include "plan.h"
#include "target.h"

struct spec;

/* Resolve every probe of every spec. NULL when any error was reported. */
struct plan *resolve_specs(struct target *t, struct spec *const *specs, size_t nspecs,
			   struct diags *d);
void plan_free(struct plan *p);

/* `gprobe check` output: each probe's addresses, each column's access path and type. */
void plan_print(const struct plan *p, const struct target *t, FILE *out);

#endif
