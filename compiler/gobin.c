/* gobin.c — opening a Go ELF executable: layout checks, build info, pclntab, symbols. */
#include "gobin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buildinfo.h"
#include "pclntab.h"
#include "htab.h"
#include "textbase.h"
#include "util.h"

struct seg {
	uint64_t vaddr, memsz, offset, filesz;
	bool exec;
};

struct sym {
	const char *name;
	uint64_t addr, size;
	bool func;
};

struct gobin {
	char *path;
	int fd;
	const uint8_t *map;
	size_t size;
	Elf *elf;
	bool pie, has_dwarf;
	char *version;
	int minor;
	char *module;
	char *main_path;
	struct seg *segs;
	size_t nsegs;
	struct pcln_table pcln;
	struct gobin_func *funcs;
	size_t nfuncs;
	struct strmap byname; /* function name -> index in funcs */
	struct sym *syms; /* sorted by name */
	size_t nsyms;
	bool has_symtab;
	struct reloc *relocs; /* R_X86_64_RELATIVE, sorted by address */
	size_t nrelocs;
	uint64_t pclntab_addr;
	char *text_base_from; /* how the text base was found, for `inspect` */
	bool symtab_checked;  /* every pclntab entry agreed with .symtab */
};

/* A word the loader fills in (PIE): its link-time address and value. */
struct reloc {
	uint64_t addr, value;
};

/* A section's file contents, bounds-checked at open. */
struct sect {
	const char *name;
	uint64_t addr, offset, size;
	uint32_t type;
	Elf_Scn *scn;
};

static int fail(struct gobin *b, char **err, int code, const char *fmt, const char *detail)
{
	*err = xasprintf(fmt, b->path, detail ? detail : "");
	return code;
}

/* --- ELF layout ---------------------------------------------------------- */

static int check_ident(struct gobin *b, char **err)
{
	const uint8_t *id = b->map;

	if (b->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0)
		return fail(b, err, -ENOEXEC, "%s: not an ELF file%s",
			    b->size ? NULL : " (empty file)");
	if (id[EI_CLASS] == ELFCLASS32)
		return fail(b, err, -ENOEXEC, "%s: 32-bit ELF is not supported%s", NULL);
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(b, err, -EINVAL, "%s: truncated or corrupted ELF (%s)",
			    "bad ELF class");
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(b, err, -ENOEXEC, "%s: not an x86-64 binary%s", " (big-endian)");
	if (b->size < sizeof(Elf64_Ehdr))
		return fail(b, err, -EINVAL, "%s: truncated or corrupted ELF (%s)",
			    "file shorter than the ELF header");
	return 0;
}

static int elf_fail(struct gobin *b, char **err)
{
	return fail(b, err, -EINVAL, "%s: truncated or corrupted ELF (%s)", elf_errmsg(-1));
}

static int read_segments(struct gobin *b, char **err)
{
	size_t n, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(b->elf, &n))
		return elf_fail(b, err);
	for (i = 0; i < n; i++) {
		struct seg s;

		if (!gelf_getphdr(b->elf, (int)i, &ph))
			return elf_fail(b, err);
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset > b->size || ph.p_filesz > b->size - ph.p_offset ||
		    ph.p_filesz > ph.p_memsz || ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
			return fail(b, err, -EINVAL, "%s: truncated or corrupted ELF (%s)",
				    "a loadable segment lies outside the file");
		s = (struct seg){ ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz,
				  (ph.p_flags & PF_X) != 0 };
		b->segs = xrealloc(b->segs, (b->nsegs + 1) * sizeof(*b->segs));
		b->segs[b->nsegs++] = s;
	}
	if (!b->nsegs)
		return fail(b, err, -ENOEXEC, "%s: not an executable%s", " (no loadable segments)");
	return 0;
}

/* Find a section by name; checks that its bytes lie inside the file. */
static int find_section(struct gobin *b, const char *name, struct sect *out, char **err)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(b->elf, &shstrndx))
		return elf_fail(b, err);
	while ((scn = elf_nextscn(b->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			return elf_fail(b, err);
		n = elf_strptr(b->elf, shstrndx, sh.sh_name);
		if (!n || strcmp(n, name) != 0)
			continue;
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > b->size || sh.sh_size > b->size - sh.sh_offset))
			return fail(b, err, -EINVAL, "%s: truncated or corrupted ELF (%s)",
				    "a section extends past the end of the file");
		*out = (struct sect){ n, sh.sh_addr, sh.sh_offset, sh.sh_size, sh.sh_type, scn };
		return 1;
	}
	if (elf_errno())
		return elf_fail(b, err);
	return 0;
}

/* A truncated copy keeps its section headers (Go writes them near the
 * start), so every section's bytes must be checked against the file size. */
static int check_sections(struct gobin *b, char **err)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(b->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return elf_fail(b, err);
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > b->size || sh.sh_size > b->size - sh.sh_offset))
			return fail(b, err, -EINVAL, "%s: truncated or corrupted ELF (%s)",
				    "a section extends past the end of the file");
	}
	return 0;
}

static int check_elf(struct gobin *b, char **err)
{
	GElf_Ehdr eh;
	size_t nsec;
	struct sect s;
	int r;

	b->elf = elf_memory((char *)b->map, b->size);
	if (!b->elf || elf_kind(b->elf) != ELF_K_ELF || !gelf_getehdr(b->elf, &eh))
		return elf_fail(b, err);
	if (eh.e_machine != EM_X86_64)
		return fail(b, err, -ENOEXEC, "%s: not an x86-64 binary%s", NULL);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return fail(b, err, -ENOEXEC, "%s: not an executable%s", " (an object file?)");
	b->pie = eh.e_type == ET_DYN;
	if (elf_getshdrnum(b->elf, &nsec))
		return elf_fail(b, err);
	r = check_sections(b, err);
	if (!r)
		r = read_segments(b, err);
	if (r)
		return r;
	r = find_section(b, ".debug_info", &s, err);
	if (r == 0)
		r = find_section(b, ".zdebug_info", &s, err);
	if (r < 0)
		return r;
	b->has_dwarf = r > 0 && s.size > 0;
	return 0;
}

/* --- Virtual addresses ------------------------------------------------------ */

static const struct seg *seg_of(const struct gobin *b, uint64_t vaddr, size_t n)
{
	size_t i;

	for (i = 0; i < b->nsegs; i++) {
		const struct seg *s = &b->segs[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->memsz &&
		    n <= s->memsz - (vaddr - s->vaddr))
			return s;
	}
	return NULL;
}

int gobin_read(const struct gobin *b, uint64_t vaddr, void *buf, size_t n)
{
	const struct seg *s = seg_of(b, vaddr, n);
	uint64_t rel, avail;

	if (!s)
		return -EFAULT;
	rel = vaddr - s->vaddr;
	avail = rel < s->filesz ? s->filesz - rel : 0;
	if (avail > n)
		avail = n;
	memcpy(buf, b->map + s->offset + rel, avail);
	memset((uint8_t *)buf + avail, 0, n - avail);
	return 0;
}

int gobin_vaddr_to_offset(const struct gobin *b, uint64_t vaddr, uint64_t *off)
{
	const struct seg *s = seg_of(b, vaddr, 1);

	if (!s || vaddr - s->vaddr >= s->filesz)
		return -EFAULT;
	*off = s->offset + (vaddr - s->vaddr);
	return 0;
}

const uint8_t *gobin_code(const struct gobin *b, uint64_t vaddr, size_t n)
{
	const struct seg *s = seg_of(b, vaddr, n);

	if (!s || !s->exec || vaddr - s->vaddr > s->filesz ||
	    n > s->filesz - (vaddr - s->vaddr))
		return NULL;
	return b->map + s->offset + (vaddr - s->vaddr);
}

/* --- Relocations (PIE) ------------------------------------------------------- */

/* A position-independent executable's pointers are written by the loader:
 * the file holds 0 (or garbage) where .rela.dyn or .relr.dyn says "load
 * base + addend". Only R_X86_64_RELATIVE matters for Go's own data (the
 * pclntab and moduledata pointers); both the RELA and the packed RELR
 * forms are read. Without them moduledata of a PIE binary is unreadable. */

#define GP_R_X86_64_RELATIVE 8
#ifndef SHT_RELR
#define SHT_RELR 19
#endif

static int reloc_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct reloc *)a)->addr, y = ((const struct reloc *)b)->addr;

	return x < y ? -1 : x > y;
}

/* Each relocation fills a distinct word of the image, so there cannot be
 * more than the file has words: a hostile RELR bitmap stops there. */
static void push_reloc(struct gobin *b, size_t *cap, uint64_t addr, uint64_t value)
{
	if (b->nrelocs >= b->size / 8 + 1024)
		return;
	VEC_PUSH(b->relocs, b->nrelocs, *cap, ((struct reloc){ addr, value }));
}

/* RELR: an even word is an address; an odd one a bitmap of the 63 words
 * after the last address (bit i+1 = word i). The addend is in place. */
static void read_relr(struct gobin *b, size_t *cap, const uint8_t *p, size_t n)
{
	uint64_t where = 0, e, v;
	size_t i;
	unsigned k;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&e, p + i, 8);
		if (!(e & 1)) {
			if (!gobin_read(b, e, &v, 8))
				push_reloc(b, cap, e, v);
			where = e + 8;
			continue;
		}
		for (k = 0; k < 63; k++)
			if ((e >> (k + 1)) & 1 && !gobin_read(b, where + 8 * k, &v, 8))
				push_reloc(b, cap, where + 8 * k, v);
		where += 63 * 8;
	}
}

static int read_relocs(struct gobin *b, char **err)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t cap = 0, i;

	while ((scn = elf_nextscn(b->elf, scn))) {
		const uint8_t *p;

		if (!gelf_getshdr(scn, &sh))
			return elf_fail(b, err);
		if (sh.sh_type != SHT_RELA && sh.sh_type != SHT_RELR)
			continue;
		p = b->map + sh.sh_offset; /* bounds checked by check_sections */
		if (sh.sh_type == SHT_RELR) {
			read_relr(b, &cap, p, sh.sh_size);
			continue;
		}
		for (i = 0; i + sizeof(Elf64_Rela) <= sh.sh_size; i += sizeof(Elf64_Rela)) {
			Elf64_Rela r;

			memcpy(&r, p + i, sizeof(r));
			if (ELF64_R_TYPE(r.r_info) == GP_R_X86_64_RELATIVE)
				push_reloc(b, &cap, r.r_offset, (uint64_t)r.r_addend);
		}
	}
	if (b->nrelocs)
		qsort(b->relocs, b->nrelocs, sizeof(*b->relocs), reloc_cmp);
	return 0;
}

int gobin_read_word(const struct gobin *b, uint64_t vaddr, uint64_t *v)
{
	struct reloc key = { vaddr, 0 };
	const struct reloc *r =
		b->nrelocs ? bsearch(&key, b->relocs, b->nrelocs, sizeof(key), reloc_cmp) : NULL;

	if (r) {
		*v = r->value;
		return 0;
	}
	return gobin_read(b, vaddr, v, 8);
}

size_t gobin_find_word(const struct gobin *b, uint64_t value, uint64_t *addrs, size_t max)
{
	size_t i, n = 0;
	uint64_t off, w;

	for (i = 0; i < b->nrelocs; i++)
		if (b->relocs[i].value == value && n < max)
			addrs[n++] = b->relocs[i].addr;
	for (i = 0; i < b->nsegs; i++) {
		const struct seg *s = &b->segs[i];

		if (s->exec)
			continue;
		for (off = (8 - s->vaddr % 8) % 8; off + 8 <= s->filesz; off += 8) {
			memcpy(&w, b->map + s->offset + off, 8);
			if (w == value && n < max)
				addrs[n++] = s->vaddr + off;
		}
	}
	return n;
}

/* --- Build info ------------------------------------------------------------- */

static int read_buildinfo(struct gobin *b, char **err)
{
	struct sect s;
	struct buildinfo bi;
	const char *why = NULL;
	int r = find_section(b, ".go.buildinfo", &s, err);

	if (r < 0)
		return r;
	if (r == 0 || s.type == SHT_NOBITS)
		return fail(b, err, -ENOEXEC, "%s: not a Go binary (no .go.buildinfo section)%s",
			    NULL);
	r = buildinfo_parse(b, b->map + s.offset, s.size, &bi, &why);
	if (r == -ENOEXEC)
		return fail(b, err, r, "%s: not a Go binary (%s)", why);
	if (r)
		return fail(b, err, r, "%s: truncated or corrupted ELF (%s)", why);
	b->version = bi.version;
	b->minor = bi.minor;
	b->module = bi.module;
	b->main_path = bi.main_path;
	return 0;
}

/* --- Symbols ---------------------------------------------------------------- */

static int sym_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sym *)a)->name, ((const struct sym *)b)->name);
}

static int read_symtab(struct gobin *b, char **err)
{
	struct sect s;
	Elf_Data *d;
	GElf_Shdr sh;
	size_t i, n;
	int r = find_section(b, ".symtab", &s, err);

	if (r <= 0)
		return r;
	if (!gelf_getshdr(s.scn, &sh) || !(d = elf_getdata(s.scn, NULL)))
		return elf_fail(b, err);
	n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
	b->syms = xcalloc(n, sizeof(*b->syms));
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(d, (int)i, &sym))
			return elf_fail(b, err);
		name = elf_strptr(b->elf, sh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		b->syms[b->nsyms++] = (struct sym){ name, sym.st_value, sym.st_size,
						     GELF_ST_TYPE(sym.st_info) == STT_FUNC };
	}
	qsort(b->syms, b->nsyms, sizeof(*b->syms), sym_cmp);
	b->has_symtab = true;
	return 0;
}

int gobin_symbol(const struct gobin *b, const char *name, uint64_t *addr, uint64_t *size)
{
	struct sym key = { name, 0, 0, false };
	const struct sym *s;

	if (!b->nsyms)
		return -ENOENT;
	s = bsearch(&key, b->syms, b->nsyms, sizeof(*s), sym_cmp);
	if (!s)
		return -ENOENT;
	if (addr)
		*addr = s->addr;
	if (size)
		*size = s->size;
	return 0;
}

/* --- Functions -------------------------------------------------------------- */

/* An ABI0 wrapper and the Go function it calls share a pclntab name. The
 * symtab (when present) names the wrapper "X.abi0" and the function "X";
 * without it the first (lowest address) one is kept, which is the function
 * in the toolchains seen so far. */
static bool prefer(const struct gobin *b, const struct gobin_func *f)
{
	uint64_t addr;

	return gobin_symbol(b, f->name, &addr, NULL) == 0 && addr == f->entry;
}

static void build_hash(struct gobin *b)
{
	for (size_t i = 0; i < b->nfuncs; i++) {
		bool added;
		size_t *slot = strmap_put(&b->byname, b->funcs[i].name, &added);

		if (added || prefer(b, &b->funcs[i]))
			*slot = i;
	}
}

/* The function symbols named `name`: 1 if one is at addr, 0 if some are
 * elsewhere, -1 if there are none (C code may reuse a Go asm name for a
 * static variable, e.g. setg_gcc, so only STT_FUNC symbols count). */
static int func_symbol_at(const struct gobin *b, const char *name, uint64_t addr,
			  uint64_t *other)
{
	size_t lo = 0, hi = b->nsyms;
	int r = -1;

	while (lo < hi) { /* first symbol >= name */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(b->syms[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < b->nsyms && !strcmp(b->syms[lo].name, name); lo++) {
		if (!b->syms[lo].func)
			continue;
		if (b->syms[lo].addr == addr)
			return 1;
		*other = b->syms[lo].addr;
		r = 0;
	}
	return r;
}

/* On an unstripped binary every pclntab function must sit at its symbol's
 * address (an ABI0 wrapper's symbol is "X.abi0"). One that does not means
 * the addresses were computed from the wrong base: refuse the binary
 * rather than probe inside the wrong function. */
static int cross_check_symtab(struct gobin *b, char **err)
{
	char abi0[512];
	size_t i, bad = 0, first = 0;
	uint64_t other = 0, first_sym = 0;

	for (i = 0; b->has_symtab && i < b->nfuncs; i++) {
		const struct gobin_func *f = &b->funcs[i];
		int r = func_symbol_at(b, f->name, f->entry, &other);

		if (r != 0)
			continue; /* matches, or no symbol (Go 1.15 spells some with '·') */
		if ((size_t)snprintf(abi0, sizeof(abi0), "%s.abi0", f->name) < sizeof(abi0) &&
		    func_symbol_at(b, abi0, f->entry, &other) == 1)
			continue;
		if (!bad++) {
			first = i;
			first_sym = other;
		}
	}
	b->symtab_checked = b->has_symtab;
	if (!bad)
		return 0;
	*err = xasprintf("%s: %zu pclntab functions are not at their symbol's address "
			 "(first: %s at 0x%llx, symbol 0x%llx); refusing to trust its addresses",
			 b->path, bad, b->funcs[first].name,
			 (unsigned long long)b->funcs[first].entry, (unsigned long long)first_sym);
	return -EINVAL;
}

/* Stripped binaries may lack the section header; the table is then found
 * by its header magic in a read-only segment. */
static int scan_pclntab(struct gobin *b, const uint8_t **data, size_t *len, char **err)
{
	size_t i;
	uint64_t off;

	for (i = 0; i < b->nsegs; i++) {
		const struct seg *s = &b->segs[i];

		if (s->exec)
			continue;
		for (off = 0; off + 16 <= s->filesz; off += 8) {
			const uint8_t *p = b->map + s->offset + off;

			if (pclntab_looks_valid(p, s->filesz - off)) {
				b->pclntab_addr = s->vaddr + off;
				*data = p;
				*len = s->filesz - off;
				return 0;
			}
		}
	}
	*err = xasprintf("%s: not a Go binary (no .gopclntab)", b->path);
	return -ENOEXEC;
}

static int read_pclntab(struct gobin *b, char **err)
{
	struct sect s;
	const uint8_t *data;
	size_t len, i;
	uint64_t base = 0;
	char *perr = NULL;
	int r;

	r = find_section(b, ".gopclntab", &s, err);
	if (r == 0)
		r = find_section(b, ".data.rel.ro.gopclntab", &s, err);
	if (r < 0)
		return r;
	if (r == 0 || s.type == SHT_NOBITS) {
		r = scan_pclntab(b, &data, &len, err);
		if (r)
			return r;
	} else {
		b->pclntab_addr = s.addr;
		data = b->map + s.offset;
		len = s.size;
		if (!pclntab_looks_valid(data, len)) {
			*err = xasprintf("%s: truncated or corrupted ELF (%s)", b->path,
					 "pclntab: bad header (not an amd64 Go 1.2+ pclntab)");
			return -EINVAL;
		}
	}
	if (pclntab_parse(data, len, 0, &b->pcln, &perr)) {
		*err = xasprintf("%s: truncated or corrupted ELF (%s)", b->path, perr);
		free(perr);
		return -EINVAL;
	}
	if (b->pcln.magic == PCLN_MAGIC_GO118 || b->pcln.magic == PCLN_MAGIC_GO120) {
		uint64_t used = b->pcln.text_start;

		r = textbase_find(b, b->pclntab_addr, b->pcln.funcs[0].entry - used,
				  b->pcln.funcs[b->pcln.nfuncs - 1].end - used, &base,
				  &b->text_base_from, err);
		if (r)
			return r;
		pclntab_rebase(&b->pcln, base);
	}
	if (!gobin_code(b, b->pcln.funcs[0].entry, 1)) {
		*err = xasprintf("%s: the pclntab's first function 0x%llx is not in executable code",
				 b->path, (unsigned long long)b->pcln.funcs[0].entry);
		return -EINVAL;
	}
	b->nfuncs = b->pcln.nfuncs;
	b->funcs = xcalloc(b->nfuncs, sizeof(*b->funcs));
	for (i = 0; i < b->nfuncs; i++)
		b->funcs[i] = (struct gobin_func){ b->pcln.funcs[i].name, b->pcln.funcs[i].entry,
						   b->pcln.funcs[i].end, b->pcln.funcs[i].funcid,
						   b->pcln.funcs[i].funcdata };
	build_hash(b);
	return cross_check_symtab(b, err);
}

size_t gobin_nfuncs(const struct gobin *b)
{
	return b->nfuncs;
}

const struct gobin_func *gobin_func_at_index(const struct gobin *b, size_t i)
{
	return i < b->nfuncs ? &b->funcs[i] : NULL;
}

const struct gobin_func *gobin_find_func(const struct gobin *b, const char *name)
{
	size_t i;

	return strmap_get(&b->byname, name, &i) ? &b->funcs[i] : NULL;
}

const struct gobin_func *gobin_func_containing(const struct gobin *b, uint64_t addr)
{
	size_t lo = 0, hi = b->nfuncs;

	/* last function with entry <= addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->funcs[mid].entry <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= b->funcs[lo - 1].end)
		return NULL;
	return &b->funcs[lo - 1];
}

/* --- Open / close ----------------------------------------------------------- */

static int sys_fail(struct gobin *b, char **err, const char *what)
{
	int e = errno;

	*err = xasprintf("%s: %s%s", b->path, what, strerror(e));
	return -e;
}

static int map_file(struct gobin *b, char **err)
{
	struct stat st;
	uint8_t *m;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer; what was
	 * opened is checked, not what the path named a moment before. */
	b->fd = open(b->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (b->fd < 0 || fstat(b->fd, &st))
		return sys_fail(b, err, "");
	if (S_ISDIR(st.st_mode))
		return fail(b, err, -EISDIR, "%s: is a directory%s", NULL);
	if (!S_ISREG(st.st_mode))
		return fail(b, err, -EINVAL, "%s: not an ELF file%s", " (not a regular file)");
	b->size = (size_t)st.st_size;
	if (!b->size)
		return 0;
	/* A private copy, not a mapping: a mapped file truncated while it is
	 * read (a rebuild, cp over it) turns every later access into SIGBUS. */
	m = malloc(b->size);
	if (!m) {
		errno = ENOMEM;
		return sys_fail(b, err, "");
	}
	b->map = m;
	for (size_t done = 0; done < b->size;) {
		ssize_t n = pread(b->fd, m + done, b->size - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sys_fail(b, err, "read: ");
		if (n == 0)
			return fail(b, err, -EIO, "%s: the file shrank while being read%s",
				    " (was it rebuilt?)");
		done += (size_t)n;
	}
	return 0;
}

int gobin_open(const char *path, struct gobin **out, char **err)
{
	struct gobin *b = xcalloc(1, sizeof(*b));
	int r;

	*out = NULL;
	*err = NULL;
	b->path = xstrdup(path);
	b->fd = -1;
	elf_version(EV_CURRENT);
	r = map_file(b, err);
	if (!r)
		r = check_ident(b, err);
	if (!r)
		r = check_elf(b, err);
	if (!r)
		r = read_buildinfo(b, err);
	if (!r)
		r = read_symtab(b, err);
	if (!r)
		r = read_relocs(b, err);
	if (!r)
		r = read_pclntab(b, err);
	if (r) {
		gobin_close(b);
		return r;
	}
	*out = b;
	return 0;
}

void gobin_close(struct gobin *b)
{
	if (!b)
		return;
	if (b->elf)
		elf_end(b->elf);
	free((void *)b->map);
	if (b->fd >= 0)
		close(b->fd);
	pclntab_free(&b->pcln);
	free(b->funcs);
	strmap_free(&b->byname);
	free(b->syms);
	free(b->relocs);
	free(b->text_base_from);
	free(b->segs);
	free(b->version);
	free(b->module);
	free(b->main_path);
	free(b->path);
	free(b);
}

const char *gobin_path(const struct gobin *b)
{
	return b->path;
}

Elf *gobin_elf(const struct gobin *b)
{
	return b->elf;
}

int gobin_fd(const struct gobin *b)
{
	return b->fd;
}

const char *gobin_go_version(const struct gobin *b)
{
	return b->version;
}

int gobin_go_minor(const struct gobin *b)
{
	return b->minor;
}

const char *gobin_main_module(const struct gobin *b)
{
	return b->module;
}

const char *gobin_main_path(const struct gobin *b)
{
	return b->main_path;
}

bool gobin_has_dwarf(const struct gobin *b)
{
	return b->has_dwarf;
}

bool gobin_is_pie(const struct gobin *b)
{
	return b->pie;
}

bool gobin_has_symtab(const struct gobin *b)
{
	return b->has_symtab;
}

const char *gobin_text_base_source(const struct gobin *b)
{
	return b->text_base_from ? b->text_base_from : "absolute PCs";
}

bool gobin_symtab_checked(const struct gobin *b)
{
	return b->symtab_checked;
}

uint64_t gobin_pclntab_addr(const struct gobin *b)
{
	return b->pclntab_addr;
}
