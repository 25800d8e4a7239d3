/* pclntab.c — Go pclntab function table reader (layout: debug/gosym/pclntab.go). */
#include "pclntab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The parts of a pclntab the function table needs, as bounded slices. */
struct pcln_layout {
	const uint8_t *data;
	size_t len;
	uint32_t magic;
	uint32_t ptrsize;
	uint64_t nfunc;
	uint64_t text_start;
	size_t names_off;   /* function names: nameOff is relative to this */
	size_t funcdata_off; /* _func records: functab offsets are relative to this */
	size_t functab_off;
	size_t field_size;  /* functab entry field: ptrsize, or 4 since 1.18 */
	size_t npcdata_off; /* of _func.npcdata */
	size_t funcid_off;  /* of _func.funcID; _func.nfuncdata is 3 bytes later and ends it */
};

static uint64_t rd32(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | rd32(p + 4) << 32;
}

static uint64_t rdsz(const uint8_t *p, size_t sz)
{
	return sz == 4 ? rd32(p) : rd64(p);
}

/* [off, off+n) lies inside the table (overflow-safe). */
static int in_bounds(const struct pcln_layout *l, uint64_t off, uint64_t n)
{
	return off <= l->len && n <= l->len - off;
}

int pclntab_looks_valid(const uint8_t *data, size_t len)
{
	uint32_t magic;

	if (len < 16 || data[4] != 0 || data[5] != 0 || data[6] != 1 || data[7] != 8)
		return 0;
	magic = (uint32_t)rd32(data);
	return magic == PCLN_MAGIC_GO12 || magic == PCLN_MAGIC_GO116 ||
	       magic == PCLN_MAGIC_GO118 || magic == PCLN_MAGIC_GO120;
}

/* Header word i (pointer sized) after the 8-byte prefix. */
static int header_word(const struct pcln_layout *l, unsigned i, uint64_t *v)
{
	uint64_t off = 8 + (uint64_t)i * l->ptrsize;

	if (!in_bounds(l, off, l->ptrsize))
		return -1;
	*v = rdsz(l->data + off, l->ptrsize);
	return 0;
}

static int layout_go12(struct pcln_layout *l)
{
	if (header_word(l, 0, &l->nfunc))
		return -1;
	l->names_off = 0;
	l->funcdata_off = 0;
	l->functab_off = 8 + l->ptrsize;
	l->field_size = l->ptrsize;
	l->npcdata_off = 32;
	l->funcid_off = 36;
	return 0;
}

/* 1.16 and 1.18+ store sub-table offsets in the header; 1.18 added
 * textStart before them, which shifts every later word by one. */
static int layout_go116(struct pcln_layout *l, int has_text)
{
	unsigned base = has_text ? 3 : 2;
	uint64_t names, funcdata;

	if (header_word(l, 0, &l->nfunc) || header_word(l, base, &names) ||
	    header_word(l, base + 4, &funcdata))
		return -1;
	if (has_text && header_word(l, 2, &l->text_start))
		return -1;
	if (names > l->len || funcdata > l->len)
		return -1;
	l->names_off = names;
	l->funcdata_off = funcdata;
	l->functab_off = funcdata;
	l->field_size = has_text ? 4 : l->ptrsize;
	/* 1.16 added cuOffset (40); 1.18 shrank entry to 4 bytes (36); 1.20
	 * added startLine (40). */
	l->npcdata_off = has_text ? 28 : 32;
	l->funcid_off = l->magic == PCLN_MAGIC_GO118 ? 36 : 40;
	return 0;
}

static int read_layout(const uint8_t *data, size_t len, struct pcln_layout *l, char **err)
{
	int r;

	memset(l, 0, sizeof(*l));
	l->data = data;
	l->len = len;
	if (!pclntab_looks_valid(data, len)) {
		*err = xstrdup("pclntab: bad header (not an amd64 Go 1.2+ pclntab)");
		return -EINVAL;
	}
	l->magic = (uint32_t)rd32(data);
	l->ptrsize = data[7];
	if (l->magic == PCLN_MAGIC_GO12)
		r = layout_go12(l);
	else
		r = layout_go116(l, l->magic != PCLN_MAGIC_GO116);
	if (r) {
		*err = xstrdup("pclntab: header offsets out of bounds");
		return -EINVAL;
	}
	/* functab: nfunc (pc, funcoff) pairs plus the end PC. */
	if (l->nfunc == 0 || l->nfunc > len ||
	    !in_bounds(l, l->functab_off, (2 * l->nfunc + 1) * l->field_size)) {
		*err = xasprintf("pclntab: function table of %llu entries does not fit",
				 (unsigned long long)l->nfunc);
		return -EINVAL;
	}
	return 0;
}

static uint64_t functab_field(const struct pcln_layout *l, uint64_t idx)
{
	return rdsz(l->data + l->functab_off + idx * l->field_size, l->field_size);
}

static uint64_t func_pc(const struct pcln_layout *l, uint64_t i)
{
	uint64_t v = functab_field(l, 2 * i);

	return l->field_size == 4 ? v + l->text_start : v;
}

/* funcID, flag and the funcdata presence mask of the _func record at foff
 * (runtime.funcdata()). A record or table that does not fit leaves them 0:
 * the function then reads as an ordinary one. */
static void read_func_meta(const struct pcln_layout *l, uint64_t foff, struct pcln_func *f)
{
	uint64_t tab, n, i, sz = l->field_size == 4 ? 4 : l->ptrsize;
	const uint8_t *p;

	if (!in_bounds(l, foff, l->funcid_off + 4))
		return;
	p = l->data + foff;
	f->funcid = p[l->funcid_off];
	f->flag = l->magic == PCLN_MAGIC_GO12 ? 0 : p[l->funcid_off + 1];
	n = p[l->funcid_off + 3];
	tab = foff + l->funcid_off + 4 + rd32(p + l->npcdata_off) * 4;
	if (sz == 8 && (tab - foff) % 8)
		tab += 4; /* pointers are 8-aligned; _func records are */
	for (i = 0; i < n && i < 8; i++) {
		if (!in_bounds(l, tab + i * sz, sz))
			return;
		if (sz == 4 ? rd32(l->data + tab + i * 4) != 0xffffffffu
			    : rd64(l->data + tab + i * 8) != 0)
			f->funcdata |= 1u << i;
	}
}

/* Read the _func record of function i: its entry (for a consistency check
 * against functab) and its name. */
static int read_func(const struct pcln_layout *l, uint64_t i, struct pcln_func *f, char **err)
{
	uint64_t foff = l->funcdata_off + functab_field(l, 2 * i + 1);
	size_t entry_sz = l->field_size == 4 ? 4 : l->ptrsize;
	uint64_t entry, name_off;
	const uint8_t *p, *nul;

	if (!in_bounds(l, foff, entry_sz + 4)) {
		*err = xasprintf("pclntab: function %llu record out of bounds",
				 (unsigned long long)i);
		return -EINVAL;
	}
	p = l->data + foff;
	entry = rdsz(p, entry_sz);
	if (l->field_size == 4)
		entry += l->text_start;
	if (entry != f->entry) {
		*err = xasprintf("pclntab: function %llu entry 0x%llx disagrees with table 0x%llx",
				 (unsigned long long)i, (unsigned long long)entry,
				 (unsigned long long)f->entry);
		return -EINVAL;
	}
	name_off = l->names_off + rd32(p + entry_sz);
	if (name_off >= l->len ||
	    !(nul = memchr(l->data + name_off, 0, l->len - name_off))) {
		*err = xasprintf("pclntab: function %llu name out of bounds",
				 (unsigned long long)i);
		return -EINVAL;
	}
	f->name = (const char *)l->data + name_off;
	read_func_meta(l, foff, f);
	return 0;
}

int pclntab_parse(const uint8_t *data, size_t len, uint64_t text_start,
		  struct pcln_table *out, char **err)
{
	struct pcln_layout l;
	struct pcln_func *funcs;
	uint64_t i;
	int r;

	memset(out, 0, sizeof(*out));
	r = read_layout(data, len, &l, err);
	if (r)
		return r;
	if (l.field_size == 4 && text_start)
		l.text_start = text_start;
	funcs = xcalloc(l.nfunc, sizeof(*funcs));
	for (i = 0; i < l.nfunc; i++) {
		funcs[i].entry = func_pc(&l, i);
		funcs[i].end = func_pc(&l, i + 1);
		if (funcs[i].end < funcs[i].entry) {
			*err = xasprintf("pclntab: function table not sorted at entry %llu",
					 (unsigned long long)i);
			free(funcs);
			return -EINVAL;
		}
		r = read_func(&l, i, &funcs[i], err);
		if (r) {
			free(funcs);
			return r;
		}
	}
	out->magic = l.magic;
	out->text_start = l.field_size == 4 ? l.text_start : 0;
	out->funcs = funcs;
	out->nfuncs = l.nfunc;
	return 0;
}

void pclntab_rebase(struct pcln_table *t, uint64_t text_start)
{
	uint64_t d = text_start - t->text_start;
	size_t i;

	for (i = 0; i < t->nfuncs; i++) {
		t->funcs[i].entry += d;
		t->funcs[i].end += d;
	}
	t->text_start = text_start;
}

void pclntab_free(struct pcln_table *t)
{
	free(t->funcs);
	memset(t, 0, sizeof(*t));
}
