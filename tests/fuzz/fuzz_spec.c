/* fuzz_spec.c — spec text through the whole pure pipeline: YAML parsing,
 * expressions, resolution against a fixed Go binary, and C generation.
 *
 * Oracles besides the sanitizers:
 *  - a spec is rejected with at least one error, or accepted with none;
 *  - the generated C never carries spec text in a form the C preprocessor
 *    or compiler could read as code: no string literal or backslash beyond
 *    the skeleton's own, every comment closed on its line with nothing
 *    nested, and preprocessor lines only the skeleton's #define/#include.
 *
 * The binary is $GPROBE_FUZZ_TARGET, else $GPROBE_TESTPROGS/go1.22/args;
 * without either only parsing is fuzzed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "resolve.h"
#include "spec.h"
#include "target.h"

static struct target *target;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("GPROBE_FUZZ_TARGET");
	char buf[4096];
	struct diags d = {0};

	(void)argc, (void)argv;
	if ((!path || !*path) && getenv("GPROBE_TESTPROGS")) {
		snprintf(buf, sizeof(buf), "%s/go1.22/args", getenv("GPROBE_TESTPROGS"));
		path = buf;
	}
	if (path && *path) {
		target = target_open(path, &d);
		if (!target)
			fprintf(stderr, "fuzz_spec: %s; fuzzing the parser only\n", d.out.buf);
	}
	diags_free(&d);
	return 0;
}

static bool line_is_skeleton_directive(const char *l, size_t n)
{
	static const char inc[] = "#include \"gprobe_ops.bpf.h\"";
	size_t i = sizeof("#define GP_") - 1;

	if (n == sizeof(inc) - 1 && !memcmp(l, inc, n))
		return true;
	if (n < i || memcmp(l, "#define GP_", i))
		return false;
	while (i < n && (isupper((unsigned char)l[i]) || isdigit((unsigned char)l[i]) || l[i] == '_'))
		i++;
	if (i >= n || l[i++] != ' ')
		return false;
	if (i < n && l[i] == '-')
		i++;
	if (i >= n)
		return false;
	while (i < n && isalnum((unsigned char)l[i]))
		i++;
	return i == n;
}

static void bad_c(const char *why, const char *line, size_t n, const char *c)
{
	fprintf(stderr, "generated C %s:\n  %.*s\n---\n%s\n", why, (int)n, line, c);
	abort();
}

/* Comments on one line, closed, not nested; returns the line with them skipped. */
static void check_comments(const char *l, size_t n, const char *c)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (l[i] != '/' || l[i + 1] != '*')
			continue;
		size_t j = i + 2;
		while (j + 1 < n && !(l[j] == '*' && l[j + 1] == '/')) {
			if (l[j] == '/' && l[j + 1] == '*')
				bad_c("nests a comment", l, n, c);
			j++;
		}
		if (j + 1 >= n)
			bad_c("leaves a comment open", l, n, c);
		i = j + 1;
	}
}

static void check_c(const char *c)
{
	static const char sec[] = "SEC(\"uprobe\")";

	for (const char *l = c; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);

		if (n && l[0] == '#' && !line_is_skeleton_directive(l, n))
			bad_c("has a foreign preprocessor line", l, n, c);
		if (memchr(l, '\\', n))
			bad_c("has a backslash", l, n, c);
		if (memchr(l, '"', n) && l[0] != '#' &&
		    !(n == sizeof(sec) - 1 && !memcmp(l, sec, n)))
			bad_c("has a string literal", l, n, c);
		check_comments(l, n, c);
		l += n + (nl != NULL);
	}
}

static void generate(struct spec *s)
{
	struct diags d = {0};
	struct plan *plan = resolve_specs(target, &s, 1, &d);
	struct gp_program *prog = NULL;

	if (!plan != (d.nerrors > 0)) {
		fprintf(stderr, "resolve: plan %p with %d errors\n%s", (void *)plan, d.nerrors,
			d.out.buf ? d.out.buf : "");
		abort();
	}
	if (plan && codegen_generate(plan, target_bin(target), target_path(target), &prog, &d) == 0 && prog)
		check_c(prog->bpf_c);
	gp_program_free(prog);
	plan_free(plan);
	diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d = {0};
	struct spec *s = spec_parse("fuzz.yaml", (const char *)data, size, &d);

	if (!s != (d.nerrors > 0)) {
		fprintf(stderr, "spec_parse: spec %p with %d errors\n", (void *)s, d.nerrors);
		abort();
	}
	if (s && target)
		generate(s);
	spec_free(s);
	diags_free(&d);
	return 0;
}
