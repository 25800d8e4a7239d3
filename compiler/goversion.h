/* goversion.h — Go release versions and the version constraints of a spec's
 * `go:` key (">=1.21 <1.27", "1.19", "!=1.20 || >=1.22.3").
 *
 * A constraint compares only as precisely as it is written: "<=1.22" takes in
 * every 1.22.x release, "!=1.20" excludes all of 1.20, ">=1.21.3" looks at the
 * patch level. Pre-releases sort before the release (1.21rc2 < 1.21.0) but
 * belong to their series, so "1.21" matches go1.21rc2. Development builds
 * ("devel go1.23-abcdef ...") count as the release they are based on.
 */
#ifndef GPROBE_GOVERSION_H
#define GPROBE_GOVERSION_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "util.h"

struct go_version {
	uint32_t major, minor;
	/* Patch level; negative for pre-releases: -2000+N is betaN, -1000+N is rcN. */
	int32_t patch;
	bool has_patch; /* written with a patch or pre-release part */
	bool devel;     /* a development build; base version unknown if major == 0 */
};

/* Parse "go1.22.12", "1.22", "go1.21rc2", "devel go1.23-abc ..."; 0 or -EINVAL. */
int go_version_parse(const char *s, struct go_version *v);
/* Full comparison (major, minor, patch): <0, 0, >0. */
int go_version_cmp(const struct go_version *a, const struct go_version *b);
/* "1.22.12", "1.21rc2", "1.22": the canonical form, appended to sb. */
void go_version_print(const struct go_version *v, struct strbuf *sb);

enum go_op { GO_OP_EQ, GO_OP_NE, GO_OP_LT, GO_OP_LE, GO_OP_GT, GO_OP_GE };

struct go_term {
	enum go_op op;
	struct go_version v;
};

/* Terms of one group are ANDed; groups (written with `||`) are ORed. */
struct go_group {
	struct go_term *terms;
	uint32_t nterms;
};

struct go_constraint {
	struct go_group *groups;
	uint32_t ngroups;
};

/* Parse `text` (len bytes, not NUL-terminated) whose first byte is at `start`.
 * Returns NULL after reporting every error at the offending token. */
struct go_constraint *go_constraint_parse(const char *text, size_t len, struct srcloc start,
					  struct diags *d);
bool go_constraint_match(const struct go_constraint *c, const struct go_version *v);
/* Whether some Go version satisfies both; if so and `witness`, one such. */
bool go_constraints_overlap(const struct go_constraint *a, const struct go_constraint *b,
			    struct go_version *witness);
/* Canonical form: ">=1.21 <1.27 || 1.19". */
void go_constraint_print(const struct go_constraint *c, struct strbuf *sb);
void go_constraint_free(struct go_constraint *c);

#endif
