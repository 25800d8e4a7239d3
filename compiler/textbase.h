/* textbase.h — the base of a Go 1.18+ pclntab's relative function PCs.
 *
 * Go 1.18 and later store function entries as offsets from the module's
 * text start (moduledata.text, the symbol runtime.text), which is not the
 * start of .text once a C linker put its start-up code first. Every
 * witness is asked (the pclntab header's word up to Go 1.25, the
 * moduledata, the symbol); they must agree and one must exist.
 */
#ifndef GPROBE_TEXTBASE_H
#define GPROBE_TEXTBASE_H

#include <stdint.h>

struct gobin;

/* pclntab: its link-time address; rel_first, rel_end: the first entry and
 * the last end of the function table, relative to the text start. On 0,
 * *base is the text start and *source (malloc'd) says which witness gave
 * it ("text at 0x4024c0 by the moduledata"); else -EINVAL with *err. */
int textbase_find(const struct gobin *b, uint64_t pclntab, uint64_t rel_first, uint64_t rel_end,
		  uint64_t *base, char **source, char **err);

#endif
