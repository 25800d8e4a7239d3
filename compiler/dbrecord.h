/* dbrecord.h — bpf-gen's recorder: the facts a target hands out, written
 * as an offsets database.
 *
 * `gprobe gen-db` attaches a recorder to a reference binary's target
 * (which must have DWARF), resolves the packs exactly as `check` would,
 * adds the functions of bpf-gen/functions.txt, and writes what was used:
 * every function, package variable, label table and struct whose fields
 * were used (bpf-gen/README.md). The recorder listens through the
 * target's observer (target.h); the target itself only answers.
 */
#ifndef GPROBE_DBRECORD_H
#define GPROBE_DBRECORD_H

#include <stdbool.h>
#include <stdio.h>

#include "target.h"

struct dbrecord;

/* Record every fact t hands out from now on. t must outlive the recorder. */
struct dbrecord *dbrecord_start(struct target *t);
/* Stop recording (the target's observer is cleared) and free. */
void dbrecord_free(struct dbrecord *r);

/* Add a function by name (bpf-gen's wider list); false if absent. */
bool dbrecord_func(struct dbrecord *r, const char *name);
/* Write everything recorded as an offsets database (offsetsdb_write),
 * with a way to find each variable again in a binary without symbols.
 * 0 or -errno. */
int dbrecord_write(struct dbrecord *r, FILE *out);

#endif
