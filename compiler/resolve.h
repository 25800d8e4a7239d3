/* resolve.h — turn specs into a probe plan against one Go binary.
 *
 * The target's debug facts come from its DWARF or, for stripped binaries,
 * from the offsets database of its Go version; addresses always come from
 * the binary itself (.gopclntab, symbols, disassembly).
 */
#ifndef GPROBE_RESOLVE_H
#define GPROBE_RESOLVE_H

#include <stdio.h>

#include "diag.h"
#include "plan.h"

struct spec;
struct gobin;
struct godwarf;

struct target {
	char *path;
	struct gobin *bin;
	struct godwarf *dw; /* NULL when the binary has no DWARF */
	struct gtypes *types;
	int go_minor;
	bool regabi;
};

/* Open a Go executable; errors go to d (exit status 2 material). */
struct target *target_open(const char *path, struct diags *d);
void target_close(struct target *t);

/* Where an entry probe on f goes: right after the stack-check prologue
 * (instruction boundaries from the disassembler). 0, or -errno with *why. */
int target_entry_probe(const struct target *t, const struct gfunc *f, uint64_t *probe, char **why);

/* Resolve every probe of every spec. NULL when any error was reported. */
struct plan *resolve_specs(struct target *t, struct spec *const *specs, size_t nspecs,
			   struct diags *d);
void plan_free(struct plan *p);

/* `gprobe check` output: each probe's addresses, each column's access path and type. */
void plan_print(const struct plan *p, const struct target *t, FILE *out);

#endif
