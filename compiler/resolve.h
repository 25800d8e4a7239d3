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

#endif
