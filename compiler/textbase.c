/* textbase.c — where a Go 1.18+ module's text starts, from every witness the binary has. */
#include "textbase.h"

#include <errno.h>
#include <stdbool.h>

#include "gobin.h"
#include "util.h"

/* moduledata (runtime/symtab.go) since Go 1.16: pcHeader, five byte
 * slices, ftab, findfunctab, then minpc, maxpc, text, etext. */
#define MD_MINPC 160
#define MD_TEXT 176

/* The module's text start from its moduledata: the data word that points
 * at the pclntab, validated by minpc/maxpc, which must be exactly the
 * first and last function PCs of the pclntab relative to that text. */
static int moduledata_text(const struct gobin *b, uint64_t pclntab, uint64_t rel_first,
			   uint64_t rel_end, uint64_t *text)
{
	uint64_t cand[16], minpc, maxpc, t, et;
	size_t n = gobin_find_word(b, pclntab, cand, ARRAY_SIZE(cand)), i;

	for (i = 0; i < n; i++) {
		if (gobin_read_word(b, cand[i] + MD_MINPC, &minpc) ||
		    gobin_read_word(b, cand[i] + MD_MINPC + 8, &maxpc) ||
		    gobin_read_word(b, cand[i] + MD_TEXT, &t) ||
		    gobin_read_word(b, cand[i] + MD_TEXT + 8, &et))
			continue;
		if (t && minpc - t == rel_first && maxpc - t == rel_end && t <= minpc &&
		    maxpc <= et && gobin_code(b, minpc, 1)) {
			*text = t;
			return 0;
		}
	}
	return -ENOENT;
}

/* Go 1.18+ stores function PCs relative to the module's text start
 * (moduledata.text, the symbol runtime.text). That is not the start of
 * .text when a C linker put its start-up code first (cgo, -linkmode=
 * external): 0x100 bytes of crt code shift every address. Every witness
 * the binary has is asked: the pclntab header's word (1.18-1.25, relocated
 * for PIE), moduledata.text, the symbol. They must agree, and one must
 * exist: a wrong base puts every probe inside the previous function, so
 * nothing is guessed. */
int textbase_find(const struct gobin *b, uint64_t pclntab, uint64_t rel_first, uint64_t rel_end,
		  uint64_t *base, char **source, char **err)
{
	const char *names[3] = { "pclntab header", "moduledata", "symbol runtime.text" };
	uint64_t v[3] = { 0, 0, 0 };
	bool have[3];
	int i, first = -1;

	have[0] = !gobin_read_word(b, pclntab + 8 + 2 * 8, &v[0]) && v[0];
	have[1] = !moduledata_text(b, pclntab, rel_first, rel_end, &v[1]);
	have[2] = !gobin_symbol(b, "runtime.text", &v[2], NULL);
	for (i = 0; i < 3; i++) {
		if (!have[i])
			continue;
		if (first < 0) {
			first = i;
			continue;
		}
		if (v[i] != v[first]) {
			*err = xasprintf("%s: the Go text start is 0x%llx by the %s but 0x%llx by the %s; "
					 "refusing to guess function addresses",
					 gobin_path(b), (unsigned long long)v[first], names[first],
					 (unsigned long long)v[i], names[i]);
			return -EINVAL;
		}
	}
	if (first < 0) {
		*err = xasprintf("%s: cannot tell where the Go text starts (no text start in the "
				 "pclntab header, no moduledata found, no runtime.text symbol)", gobin_path(b));
		return -EINVAL;
	}
	*base = v[first];
	*source = xasprintf("text at 0x%llx by the %s", (unsigned long long)v[first], names[first]);
	return 0;
}
