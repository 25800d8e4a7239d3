/* fuzz_gobin.c — the ELF, build-info and pclntab reader.
 *
 * The first input byte picks a mode:
 *   0      the rest of the input is the whole file (small hand-made ELFs,
 *          truncations, non-ELF bytes);
 *   1      patches to a real Go binary, opened with gobin_open;
 *   2      patches to a real .gopclntab section, parsed by pclntab_parse.
 * A file gobin_open accepts must answer every query consistently: functions
 * sorted and non-overlapping, each found again by name and by address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_base.h"
#include "gobin.h"
#include "pclntab.h"

static struct fuzz_base bases[4];
static size_t nbases;
static uint8_t *scratch;
static size_t scratch_cap;
static int memfd = -1;
static char mempath[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const rel[] = { "go1.15/args.stripped", "go1.19/args.stripped",
					   "go1.22/args.stripped", "go1.22/args", NULL };
	static const char *const favour[] = { ".gopclntab", ".go.buildinfo", ".symtab",
					      ".strtab", ".shstrtab", ".noptrdata", NULL };

	(void)argc, (void)argv;
	nbases = fuzz_load_bases(rel, bases, 4, favour);
	memfd = fuzz_memfile("", 0, mempath, sizeof(mempath));
	return 0;
}

static uint8_t *scratch_copy(const uint8_t *p, size_t n)
{
	if (n > scratch_cap) {
		free(scratch);
		scratch = malloc(n);
		if (!scratch)
			abort();
		scratch_cap = n;
	}
	memcpy(scratch, p, n);
	return scratch;
}

static void fail(const char *what, const struct gobin_func *f)
{
	fprintf(stderr, "gobin: %s (%s [%#llx, %#llx))\n", what, f ? f->name : "-",
		f ? (unsigned long long)f->entry : 0, f ? (unsigned long long)f->end : 0);
	abort();
}

static void query(struct gobin *b)
{
	size_t n = gobin_nfuncs(b);
	uint8_t buf[16];
	uint64_t off, addr, size;

	(void)gobin_go_version(b), (void)gobin_go_minor(b), (void)gobin_main_module(b);
	(void)gobin_main_path(b);
	for (size_t i = 0; i < n; i++) {
		const struct gobin_func *f = gobin_func_at_index(b, i), *g;

		if (!f || !f->name)
			fail("null function", f);
		if (f->end < f->entry)
			fail("ends before it starts", f);
		if (i && gobin_func_at_index(b, i - 1)->entry > f->entry)
			fail("functions out of order", f);
		g = gobin_find_func(b, f->name);
		if (!g || strcmp(g->name, f->name))
			fail("not found by name", f);
		if (f->end > f->entry && !gobin_func_containing(b, f->entry))
			fail("not found by address", f);
		if (i % 64 == 0) {
			(void)gobin_read(b, f->entry, buf, sizeof(buf));
			(void)gobin_vaddr_to_offset(b, f->entry, &off);
			(void)gobin_code(b, f->entry, sizeof(buf));
		}
	}
	(void)gobin_symbol(b, "runtime.text", &addr, &size);
	(void)gobin_read(b, ~0ULL - 4, buf, 8);
	(void)gobin_code(b, ~0ULL - 4, 8);
}

static void open_file(const uint8_t *data, size_t len)
{
	struct gobin *b = NULL;
	char *err = NULL;
	int r;

	fuzz_memfile_set(memfd, data, len);
	r = gobin_open(mempath, &b, &err);
	if (r < 0) {
		if (!err || b)
			fail("an error without a message or with a result", NULL);
	} else {
		if (!b || err)
			fail("success without a result", NULL);
		query(b);
	}
	gobin_close(b);
	free(err);
}

static void parse_pclntab(const uint8_t *data, size_t len, uint64_t text)
{
	struct pcln_table t = {0};
	char *err = NULL;

	(void)pclntab_looks_valid(data, len);
	if (pclntab_parse(data, len, text, &t, &err) == 0) {
		for (size_t i = 0; i < t.nfuncs; i++) {
			if (!t.funcs[i].name || strlen(t.funcs[i].name) > len)
				abort();
			if (i && t.funcs[i - 1].entry > t.funcs[i].entry)
				fail("pclntab functions out of order", NULL);
		}
	} else if (!err) {
		fail("pclntab error without a message", NULL);
	}
	pclntab_free(&t);
	free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_base *b;
	uint8_t *p;

	if (size < 1)
		return 0;
	if (data[0] % 3 == 0 || !nbases) {
		open_file(data + 1, size - 1);
		if (size > 1)
			parse_pclntab(data + 1, size - 1, 0);
		return 0;
	}
	b = &bases[(data[0] / 3) % nbases];
	if (data[0] % 3 == 1) {
		p = scratch_copy(b->file.data, b->file.len);
		fuzz_apply_patches(p, b->file.len, b->regions, b->nregions, data + 1, size - 1);
		open_file(p, b->file.len);
	} else if (b->pclntab.len) {
		struct fuzz_region r[3] = { { 0, 64 }, { 0, 4096 }, { 0, b->pclntab.len } };

		p = scratch_copy(b->file.data + b->pclntab.off, b->pclntab.len);
		fuzz_apply_patches(p, b->pclntab.len, r, 3, data + 1, size - 1);
		parse_pclntab(p, b->pclntab.len, (data[0] & 0x80) ? 0 : b->text_addr);
	}
	return 0;
}
