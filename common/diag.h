/* diag.h — located diagnostics, printed clang-style with the source line and a caret.
 *
 *   specs/x.yaml:12:14: error: no field 'goidd' in runtime.g (did you mean 'goid'?)
 *      12 |       goid: gp.goidd
 *         |                ^~~~~
 *
 * Library code never prints: diagnostics accumulate in a `struct diags`
 * and the CLI decides where they go. Tests compare the text verbatim.
 */
#ifndef GPROBE_DIAG_H
#define GPROBE_DIAG_H

#include <stdint.h>
#include <stddef.h>

#include "util.h"

struct srcfile {
	const char *path; /* as given by the user */
	const char *text; /* whole file contents (may contain NULs; len bounds it) */
	size_t len;
};

struct srcloc {
	const struct srcfile *file; /* NULL: no location (e.g. a CLI-level error) */
	uint32_t line, col;         /* 1-based; col counts bytes */
	uint32_t len;               /* length to underline; 0 or 1 for a lone caret */
};

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diags {
	struct strbuf out;
	int nerrors;
	int nwarnings;
};

void diag_at(struct diags *d, enum diag_level lvl, struct srcloc loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_vat(struct diags *d, enum diag_level lvl, struct srcloc loc, const char *fmt, va_list ap);
/* Shorthand for errors. */
#define diag_error(d, loc, ...) diag_at((d), DIAG_ERROR, (loc), __VA_ARGS__)
/* A location `delta` columns to the right of `loc` with a new underline length. */
struct srcloc srcloc_shift(struct srcloc loc, uint32_t delta, uint32_t len);
/* The location of text[off] (len bytes, underlined to the end of its line
 * at most), given that text[0] is at `start`; newlines advance the line. */
struct srcloc srcloc_in(struct srcloc start, const char *text, size_t off, size_t len);
void diags_free(struct diags *d);

#endif
