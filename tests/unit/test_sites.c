/* test_sites.c — function addresses and probe sites on every build of the
 * test programs (tests/build-testprogs.sh: default, external linking, PIE,
 * race, trimpath, each stripped or not), every Go version.
 *
 * - Unstripped: every pclntab function sits at its .symtab address (gobin
 *   refuses the binary otherwise; this checks it was checked).
 * - Stripped: the same function table, entry for entry, as the unstripped
 *   build of the same mode (no symbols to lean on there: text base from the
 *   pclntab header or moduledata alone).
 * - sites_check accepts every entry and every entry-probe address, and
 *   refuses an address inside an instruction or in another function.
 */
#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "disasm.h"
#include "gobin.h"
#include "sites.h"
#include "util.h"

static const char *sym_of(void *ctx, uint64_t addr)
{
	const struct gobin_func *f = gobin_func_containing(ctx, addr);
	return f ? f->name : NULL;
}

/* Entries of every function, entry probes and refusals on a sample. */
static void check_sites(const struct gobin *b)
{
	size_t n = gobin_nfuncs(b), i, bad = 0, step = n / 150 + 1;

	for (i = 0; i < n; i++) {
		const struct gobin_func *f = gobin_func_at_index(b, i);
		char *why = NULL;

		if (sites_check(b, f->name, f->entry, &why)) {
			if (!bad++)
				fprintf(stderr, "  entry of %s refused: %s\n", f->name, why);
			free(why);
		}
	}
	CHECK_INT(bad, 0);
	for (i = 0; i < n; i += step) {
		const struct gobin_func *f = gobin_func_at_index(b, i);
		const struct gobin_func *next = gobin_func_at_index(b, i + 1);
		size_t len = (size_t)(f->end - f->entry);
		const uint8_t *code = gobin_code(b, f->entry, len);
		struct insn *v = NULL;
		size_t cnt = 0;
		uint64_t probe;
		char *why = NULL;

		if (!code || len < 16)
			continue;
		if (!disasm_entry_probe(code, len, f->entry, sym_of, (void *)b, &probe, &why)) {
			free(why);
			why = NULL;
			CHECK_INT(sites_check(b, f->name, probe, &why), 0);
			free(why);
			why = NULL;
		} else {
			free(why);
			why = NULL;
		}
		if (!disasm_func(code, len, f->entry, &v, &cnt, &why) && cnt && v[0].len > 1) {
			CHECK_INT(sites_check(b, f->name, f->entry + 1, &why), -EINVAL);
			CHECK(why && strstr(why, "not an instruction boundary"));
		}
		free(v);
		free(why);
		why = NULL;
		if (next && next->entry > f->entry && strcmp(next->name, f->name)) {
			CHECK_INT(sites_check(b, f->name, next->entry, &why), -EINVAL);
			CHECK(why && strstr(why, " is in "));
			free(why);
		}
	}
}

/* The stripped build's functions must equal the unstripped build's. */
static void check_same_funcs(const struct gobin *full, const struct gobin *strip)
{
	size_t n = gobin_nfuncs(full), i, bad = 0;

	CHECK_INT(gobin_nfuncs(strip), n);
	if (gobin_nfuncs(strip) != n)
		return;
	for (i = 0; i < n; i++) {
		const struct gobin_func *a = gobin_func_at_index(full, i);
		const struct gobin_func *s = gobin_func_at_index(strip, i);

		if (a->entry != s->entry || strcmp(a->name, s->name)) {
			if (!bad++)
				fprintf(stderr, "  %s at 0x%llx, stripped: %s at 0x%llx\n", a->name,
					(unsigned long long)a->entry, s->name,
					(unsigned long long)s->entry);
		}
	}
	CHECK_INT(bad, 0);
}

int main(void)
{
	const char *tp = getenv("GPROBE_TESTPROGS");
	char *pat;
	glob_t g;
	size_t i, nbins = 0, nstripped = 0;

	if (!tp || !*tp) {
		check_skip("GPROBE_TESTPROGS is not set: no test programs to read");
		return check_done("test_sites");
	}
	pat = xasprintf("%s/go1.*/*", tp);
	if (glob(pat, 0, NULL, &g)) {
		check_skip("no test programs in %s (make testprogs)", tp);
		free(pat);
		return check_done("test_sites");
	}
	for (i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		const char *dot = strstr(strrchr(path, '/'), ".stripped");
		struct gobin *b = NULL, *full = NULL;
		char *err = NULL;

		if (access(path, X_OK) || strstr(path, ".tmp"))
			continue;
		if (gobin_open(path, &b, &err)) {
			fprintf(stderr, "%s: %s\n", path, err);
			CHECK(!"open the test program");
			free(err);
			continue;
		}
		nbins++;
		fprintf(stderr, "== %s: %zu functions, text base: %s%s\n", path, gobin_nfuncs(b),
			gobin_text_base_source(b),
			gobin_symtab_checked(b) ? ", checked against .symtab" : "");
		if (gobin_has_symtab(b))
			CHECK(gobin_symtab_checked(b));
		check_sites(b);
		if (dot && dot[strlen(".stripped")] == 0) {
			char *fp = xstrndup(path, (size_t)(dot - path));

			if (!gobin_open(fp, &full, &err)) {
				check_same_funcs(full, b);
				nstripped++;
				gobin_close(full);
			} else {
				free(err);
			}
			free(fp);
		}
		gobin_close(b);
	}
	globfree(&g);
	free(pat);
	fprintf(stderr, "test_sites: %zu binaries, %zu stripped ones compared with their unstripped build\n",
		nbins, nstripped);
	CHECK(nbins > 0);
	return check_done("test_sites");
}
