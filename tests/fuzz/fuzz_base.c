/* fuzz_base.c — loading Go binaries as fuzzing bases (see fuzz_base.h). */
#include "fuzz_base.h"

#include <gelf.h>
#include <stdbool.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add_region(struct fuzz_base *b, uint64_t off, uint64_t len)
{
	if (b->nregions < FUZZ_MAX_REGIONS && len && off < b->file.len) {
		if (len > b->file.len - off)
			len = b->file.len - off;
		b->regions[b->nregions++] = (struct fuzz_region){ off, len };
	}
}

static bool favoured(const char *name, const char *const *favour)
{
	for (size_t i = 0; favour && favour[i]; i++)
		if (!strncmp(name, favour[i], strlen(favour[i])))
			return true;
	return false;
}

static void add_sections(struct fuzz_base *b, Elf *e, const char *const *favour)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;

	if (!gelf_getehdr(e, &eh) || elf_getshdrstrndx(e, &shstrndx))
		return;
	add_region(b, 0, 64);
	add_region(b, eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize);
	add_region(b, eh.e_shoff, (uint64_t)eh.e_shnum * eh.e_shentsize);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (!strcmp(name, ".gopclntab"))
			b->pclntab = (struct fuzz_region){ sh.sh_offset, sh.sh_size };
		if (!strcmp(name, ".text"))
			b->text_addr = sh.sh_addr;
		add_region(b, sh.sh_offset, sh.sh_size);
		if (favoured(name, favour)) {
			/* The first bytes hold the headers and tables worth breaking. */
			add_region(b, sh.sh_offset, sh.sh_size < 4096 ? sh.sh_size : 4096);
			add_region(b, sh.sh_offset, sh.sh_size);
			add_region(b, sh.sh_offset, sh.sh_size < 64 ? sh.sh_size : 64);
		}
	}
}

size_t fuzz_load_bases(const char *const *rel, struct fuzz_base *out, size_t max,
		       const char *const *favour)
{
	size_t n = 0;

	elf_version(EV_CURRENT);
	for (size_t i = 0; rel[i] && n < max; i++) {
		char *path = fuzz_testprog(rel[i]);
		struct fuzz_base *b = &out[n];
		Elf *e;

		if (!path)
			return 0;
		if (access(path, R_OK)) {
			free(path);
			continue;
		}
		memset(b, 0, sizeof(*b));
		b->name = rel[i];
		b->file = fuzz_read_file(path);
		e = elf_memory((char *)b->file.data, b->file.len);
		if (e) {
			add_sections(b, e, favour);
			elf_end(e);
		}
		free(path);
		n++;
	}
	if (!n)
		fprintf(stderr, "fuzz: no base binaries under $GPROBE_TESTPROGS; raw inputs only\n");
	return n;
}
