/* target.h — one Go executable and the debug facts about it.
 *
 * Facts (functions with parameters, types, package variables, label
 * tables) come from the binary's DWARF or, when it was stripped, from the
 * offsets database of its Go version; addresses always come from the
 * binary itself (.gopclntab, .symtab). Struct layouts of a stripped binary
 * come first from its own runtime type descriptors (rtype.h), then from the
 * database; where both know a struct they must agree, else the binary wins
 * with a notice. The resolver asks here and never cares which source
 * answered, except to say so in `check`.
 *
 * An observer (bpf-gen's recorder, dbrecord.h) can be told of every fact
 * handed out, so that exactly what the packs needed can be written to a
 * database.
 */
#ifndef GPROBE_TARGET_H
#define GPROBE_TARGET_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "gotype.h"
#include "program.h"

struct gobin;
struct godwarf;
struct gtypes;

/* Opaque: ask through the functions below. */
struct target;

/* Open a Go executable; errors go to d (exit status 2 material). */
struct target *target_open(const char *path, struct diags *d);
void target_close(struct target *t);

/* The path it was opened by. */
const char *target_path(const struct target *t);
/* The executable itself: ELF, functions, addresses, memory (gobin.h). */
struct gobin *target_bin(const struct target *t);
/* Its DWARF (godwarf.h); NULL when the binary has none (stripped). */
struct godwarf *target_dwarf(const struct target *t);
/* The type universe every fact's types live in (builtins too). */
struct gtypes *target_types(const struct target *t);
/* Register ABI (Go >= 1.17) or stack ABI. */
bool target_regabi(const struct target *t);

/* "DWARF" or "offsets database go1.22.12" or "none (...)". */
const char *target_facts_source(const struct target *t, char *buf, size_t n);
/* Structs whose fields were used (target_note_fields) and whose layout came
 * from the binary's type descriptors, in order of first use. */
size_t target_descriptor_layouts(const struct target *t, const char *const **names);
/* Notices about the facts used so far (a database layout the binary
 * contradicts); owned by the target. */
size_t target_notices(const struct target *t, const char *const **msgs);

/* A function with its parameters; NULL with *why (malloc'd) explaining
 * what is missing (absent, or present but without facts). */
const struct gfunc *target_func(struct target *t, const char *name, char **why);
/* A package variable with type and address; NULL with *why. */
const struct gvar *target_var(struct target *t, const char *name, char **why);
struct gtype *target_type(struct target *t, const char *name);
/* The texts of a [N]string package variable, index = value. 0, -ENOENT
 * (no such variable, *why NULL), or -errno with *why. */
int target_labels(struct target *t, const char *var, struct gp_label **labels, uint32_t *n,
		  char **why);

/* Names for listings and "did you mean". */
size_t target_func_names(struct target *t, const char *const **names);
size_t target_var_names(struct target *t, const char *const **names);

/* The resolver used ty's fields: a layout from the binary's type
 * descriptors is then named in `check` (target_descriptor_layouts), and
 * the observer is told. */
void target_note_fields(struct target *t, struct gtype *ty);

/* Told of every fact handed out, for bpf-gen's recorder (dbrecord.h), so
 * that this module only answers. Any hook may be NULL. */
struct target_observer {
	void (*func)(void *ctx, const struct gfunc *f);
	void (*var)(void *ctx, const struct gvar *v);
	/* the texts of a [N]string variable, read from the binary */
	void (*labels)(void *ctx, const char *var, const struct gp_label *l, uint32_t n);
	/* a struct whose fields were used (target_note_fields) */
	void (*fields)(void *ctx, struct gtype *ty);
	void *ctx;
};
/* Set the one observer (copied), or none with NULL. */
void target_set_observer(struct target *t, const struct target_observer *o);

#endif
