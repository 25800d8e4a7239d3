/* fuzz_dwarf.c — the DWARF reader on patched Go binaries.
 *
 * Go compresses its DWARF, so patches to the compressed bytes mostly test
 * zlib. fuzz.sh therefore hands over decompressed copies
 * (objcopy --decompress-debug-sections) in $GPROBE_FUZZ_DWARF_BASES, a
 * colon-separated list; without it, $GPROBE_TESTPROGS/go1.22/args is used
 * as it is. Patches aim at .debug_* sections, where broken references make
 * type cycles, dangling offsets and bad location lists.
 *
 * After opening, every index is listed and a sample of functions (with
 * parameter types and locations), types and variables is built, which walks
 * the type graph the patches broke.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_base.h"
#include "godwarf.h"
#include "gotype.h"

#define MAX_BASES 3

static struct fuzz_base bases[MAX_BASES];
static size_t nbases;
static uint8_t *scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const favour[] = { ".debug_info", ".debug_abbrev", ".debug_loc",
					      ".debug_ranges", ".debug_str", ".zdebug_info",
					      ".zdebug_abbrev", NULL };
	static const char *const dflt[] = { "go1.22/args", NULL };
	const char *env = getenv("GPROBE_FUZZ_DWARF_BASES");
	const char *rel[MAX_BASES + 1] = {0};
	char *list = NULL, *save = NULL, *tok;
	size_t n = 0;

	(void)argc, (void)argv;
	if (env && *env) {
		list = strdup(env);
		for (tok = strtok_r(list, ":", &save); tok && n < MAX_BASES;
		     tok = strtok_r(NULL, ":", &save))
			rel[n++] = tok;
		nbases = fuzz_load_bases(rel, bases, MAX_BASES, favour);
	} else {
		nbases = fuzz_load_bases(dflt, bases, MAX_BASES, favour);
	}
	size_t max = 0;
	for (size_t i = 0; i < nbases; i++)
		max = bases[i].file.len > max ? bases[i].file.len : max;
	scratch = malloc(max ? max : 1);
	return 0;
}

static void walk_type(const struct gtype *t, int depth)
{
	/* Bounded on purpose: a cycle through pointers is legal Go. */
	if (!t || depth > 6)
		return;
	(void)gkind_name(t->kind);
	(void)gtype_is_pointer_shaped(t);
	for (uint32_t i = 0; i < t->nfields; i++)
		walk_type(t->fields[i].type, depth + 1);
	walk_type(t->elem, depth + 1);
	walk_type(t->key, depth + 1);
}

static void sample(struct godwarf *dw, uint32_t seed)
{
	const char *const *names;
	size_t n;

	n = godwarf_func_names(dw, &names);
	for (size_t i = seed % 17; i < n; i += 1 + n / 40) {
		const struct gfunc *f = godwarf_func(dw, names[i]);

		for (uint32_t k = 0; f && k < f->nparams; k++) {
			struct dwloc_piece *pieces = NULL;
			size_t np = 0;

			walk_type(f->params[k].type, 0);
			(void)godwarf_param_loc(dw, f, k, f->entry, &pieces, &np);
			free(pieces);
		}
	}
	n = godwarf_type_names(dw, &names);
	for (size_t i = seed % 13; i < n; i += 1 + n / 60)
		walk_type(godwarf_type(dw, names[i]), 0);
	n = godwarf_var_names(dw, &names);
	for (size_t i = seed % 7; i < n; i += 1 + n / 20) {
		const struct gvar *v = godwarf_var(dw, names[i]);

		if (v)
			walk_type(v->type, 0);
	}
	(void)godwarf_func(dw, "main.Recurse");
	walk_type(godwarf_type(dw, "runtime.g"), 0);
	walk_type(godwarf_type(dw, "*main.Outer"), 0);
	walk_type(godwarf_type(dw, "map[string]int"), 0);
	(void)godwarf_var(dw, "runtime.gcController");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_base *b;
	struct gtypes *ts;
	struct godwarf *dw = NULL;
	char *err = NULL;
	Elf *elf;

	if (size < 2 || !nbases)
		return 0;
	b = &bases[data[0] % nbases];
	memcpy(scratch, b->file.data, b->file.len);
	fuzz_apply_patches(scratch, b->file.len, b->regions, b->nregions, data + 2, size - 2);
	elf = elf_memory((char *)scratch, b->file.len);
	if (!elf)
		return 0;
	ts = gtypes_new();
	if (godwarf_open_elf(elf, ts, &dw, &err) == 0) {
		sample(dw, data[1]);
		godwarf_close(dw);
	} else if (!err) {
		fprintf(stderr, "godwarf_open_elf failed without a message\n");
		abort();
	}
	free(err);
	gtypes_free(ts);
	elf_end(elf);
	return 0;
}
