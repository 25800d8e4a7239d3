/* gomodule.c — find and decode runtime.firstmoduledata without symbols. */
#include "gomodule.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "gobin.h"
#include "util.h"

#define MAX_CANDIDATES 16
/* Bounds that no real binary reaches; they keep a bogus candidate's
 * numbers from driving loops elsewhere. */
#define MAX_TYPES_SPAN (1ull << 32)
#define MAX_LINKS (1ull << 24)

/* Word indices (8 bytes each) of the fields gprobe reads; -1: absent.
 * Counted from runtime/symtab.go of each toolchain: slices are 3 words,
 * sys.NotInHeap (1.21+) is empty. */
struct layout {
	int since;     /* first Go minor with this layout */
	int minpc;     /* minpc, maxpc, text, etext follow one another */
	int types;     /* types; etypes is next, except in 1.27+ */
	int etypes;
	int typelinks; /* []int32, then itablinks []*itab */
	int typedesclen, itaboffset; /* 1.27+: itabsize follows itaboffset */
};

static const struct layout layouts[] = {
	/* pclntable, ftab, filetab []; findfunctab; minpc... */
	{2, 10, 25, 26, 30, -1, -1},
	/* 1.16: pcHeader, then funcnametab, cutab, filetab, pctab, pclntable, ftab []. */
	{16, 20, 35, 36, 40, -1, -1},
	/* 1.18: rodata, gofunc after etypes. */
	{18, 20, 35, 36, 42, -1, -1},
	/* 1.20: covctrs, ecovctrs before end. */
	{20, 20, 37, 38, 44, -1, -1},
	/* 1.26: epclntab after gofunc. */
	{26, 20, 37, 38, 45, -1, -1},
	/* 1.27: types, typedesclen, etypes; itaboffset, itabsize; no typelinks. */
	{27, 20, 37, 39, -1, 38, 40},
};

static const struct layout *layout_for(int minor)
{
	const struct layout *l = &layouts[0];

	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		if (minor >= layouts[i].since)
			l = &layouts[i];
	return l;
}

static int word(const struct gobin *b, uint64_t md, int idx, uint64_t *v)
{
	return gobin_read_word(b, md + (uint64_t)idx * 8, v);
}

/* Decode the candidate at md; NULL, or why it is not the moduledata. */
static const char *decode(const struct gobin *b, uint64_t md, const struct layout *l,
			  struct gomodule *m)
{
	size_t nf = gobin_nfuncs(b);
	uint64_t v[4], cap;
	uint8_t probe;

	memset(m, 0, sizeof(*m));
	m->addr = md;
	for (int i = 0; i < 4; i++)
		if (word(b, md, l->minpc + i, &v[i]))
			return "unreadable";
	m->minpc = v[0], m->maxpc = v[1], m->text = v[2], m->etext = v[3];
	if (word(b, md, l->types, &m->types) || word(b, md, l->etypes, &m->etypes))
		return "unreadable";
	if (!nf || m->minpc != gobin_func_at_index(b, 0)->entry)
		return "minpc is not the first function of the pclntab";
	if (m->maxpc < gobin_func_at_index(b, nf - 1)->entry || m->text > m->minpc ||
	    m->etext < m->maxpc)
		return "its code range disagrees with the pclntab";
	if (m->etypes <= m->types || m->etypes - m->types > MAX_TYPES_SPAN ||
	    gobin_read(b, m->types, &probe, 1))
		return "bad types range";
	if (l->typelinks >= 0) {
		if (word(b, md, l->typelinks, &m->typelinks) ||
		    word(b, md, l->typelinks + 1, &m->ntypelinks) ||
		    word(b, md, l->typelinks + 2, &cap) || cap != m->ntypelinks ||
		    m->ntypelinks > MAX_LINKS)
			return "bad typelinks slice";
		if (word(b, md, l->typelinks + 3, &m->itablinks) ||
		    word(b, md, l->typelinks + 4, &m->nitablinks) ||
		    word(b, md, l->typelinks + 5, &cap) || cap != m->nitablinks ||
		    m->nitablinks > MAX_LINKS)
			return "bad itablinks slice";
	} else {
		if (word(b, md, l->typedesclen, &m->typedesclen) ||
		    word(b, md, l->itaboffset, &m->itaboffset) ||
		    word(b, md, l->itaboffset + 1, &m->itabsize))
			return "unreadable";
		if (m->typedesclen > m->etypes - m->types || m->itaboffset > m->etypes - m->types ||
		    m->itabsize > m->etypes - m->types - m->itaboffset)
			return "bad type descriptor bounds";
	}
	return NULL;
}

int gomodule_find(const struct gobin *b, struct gomodule *m, char **err)
{
	uint64_t cand[MAX_CANDIDATES];
	uint64_t pcln = gobin_pclntab_addr(b);
	int minor = gobin_go_minor(b);
	const struct layout *l = layout_for(minor);
	size_t n = pcln ? gobin_find_word(b, pcln, cand, MAX_CANDIDATES) : 0;
	const char *why = "no data word points at the pclntab";

	for (size_t i = 0; i < n; i++) {
		const char *w = decode(b, cand[i], l, m);
		if (!w) {
			m->layout = l->since;
			return 0;
		}
		why = w;
	}
	*err = xasprintf("%s: no Go moduledata found (%zu candidate%s pointing at the pclntab "
			 "0x%" PRIx64 "; last: %s)",
			 gobin_path(b), n, n == 1 ? "" : "s", pcln, why);
	return -ENOENT;
}
