/* fuzz_expr.c — the expression parser, with a round-trip oracle.
 *
 * Any text either fails with exactly one located error, or parses; a parsed
 * expression printed in canonical form must parse again and print the
 * same, which catches a printer and parser that disagree about precedence,
 * package paths or string escapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "expr.h"

static struct expr *parse(struct srcfile *f, const char *text, size_t len, struct diags *d)
{
	struct srcloc start = { .file = f, .line = 1, .col = 1 };

	f->path = "fuzz.yaml";
	f->text = text;
	f->len = len;
	return expr_parse(text, len, start, d);
}

static void round_trip(const char *printed, size_t len)
{
	struct srcfile f;
	struct diags d = {0};
	struct strbuf again = {0};
	struct expr *e;

	e = parse(&f, printed, len, &d);
	if (!e) {
		/* Full parenthesisation may push a legal expression over the
		 * length or depth limit; anything else is a disagreement. */
		if (len > EXPR_MAX_LEN || strstr(d.out.buf, "deep") || strstr(d.out.buf, "nest"))
			goto out;
		fprintf(stderr, "canonical form does not parse: %s\n%s", printed, d.out.buf);
		abort();
	}
	expr_print(e, &again);
	if (again.len != len || memcmp(again.buf, printed, len)) {
		fprintf(stderr, "canonical form not stable:\n  %s\n  %s\n", printed, again.buf);
		abort();
	}
	expr_free(e);
out:
	free(again.buf);
	diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srcfile f;
	struct diags d = {0};
	struct strbuf sb = {0};
	struct expr *e;

	e = parse(&f, (const char *)data, size, &d);
	if (!e) {
		if (d.nerrors != 1) {
			fprintf(stderr, "failed parse reported %d errors\n", d.nerrors);
			abort();
		}
	} else {
		if (d.nerrors) {
			fprintf(stderr, "parse succeeded with %d errors\n", d.nerrors);
			abort();
		}
		expr_print(e, &sb);
		round_trip(sb.buf, sb.len);
		expr_free(e);
	}
	free(sb.buf);
	diags_free(&d);
	return 0;
}
