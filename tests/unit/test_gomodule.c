/* test_gomodule.c — moduledata found without symbols, checked against them.
 *
 * For every test program of every cached Go version
 * ($GPROBE_TESTPROGS/go1.X/NAME: plain, stripped, and whatever PIE or
 * externally linked variants are there): the moduledata must be found; where
 * a .symtab exists its address must be runtime.firstmoduledata and its text,
 * etext, types and etypes the linker's symbols of those names. A stripped
 * binary (a separate link: addresses move) must hold as many type and itab
 * links as its unstripped twin.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gobin.h"
#include "gomodule.h"
#include "util.h"

static int nbins, nsym;

static void check_sym(const struct gobin *b, const char *sym, uint64_t got)
{
	uint64_t addr, size;

	if (gobin_symbol(b, sym, &addr, &size) == 0) {
		if (got != addr)
			fprintf(stderr, "%s: moduledata %s 0x%" PRIx64 " != symbol 0x%" PRIx64 "\n",
				gobin_path(b), sym, got, addr);
		CHECK(got == addr);
	}
}

/* The unstripped twin of x.stripped / x.pie.stripped ..., or NULL. */
static char *twin_of(const char *path)
{
	const char *s = strstr(path, ".stripped");

	if (!s || s[9])
		return NULL;
	return xasprintf("%.*s", (int)(s - path), path);
}

static void one(const char *path)
{
	struct gobin *b = NULL, *tw = NULL;
	struct gomodule m, mt;
	char *err = NULL, *twin;
	int rc;

	if (gobin_open(path, &b, &err) < 0) {
		/* Not a Go executable (a build log...): not ours to judge. */
		free(err);
		return;
	}
	nbins++;
	rc = gomodule_find(b, &m, &err);
	if (rc) {
		fprintf(stderr, "%s: %s\n", path, err);
		free(err);
	}
	CHECK_INT(rc, 0);
	if (rc == 0 && gobin_has_symtab(b)) {
		nsym++;
		check_sym(b, "runtime.firstmoduledata", m.addr);
		check_sym(b, "runtime.text", m.text);
		check_sym(b, "runtime.etext", m.etext);
		check_sym(b, "runtime.types", m.types);
		check_sym(b, "runtime.etypes", m.etypes);
		if (m.typelinks) {
			uint64_t a, sz;
			if (gobin_symbol(b, "runtime.typelink", &a, &sz) == 0) {
				CHECK(m.typelinks == a);
				CHECK(m.ntypelinks == sz / 4);
			}
		}
	}
	CHECK(rc != 0 || m.layout <= gobin_go_minor(b));
	CHECK(rc != 0 || m.typelinks || m.typedesclen);
	twin = twin_of(path);
	if (rc == 0 && twin && gobin_open(twin, &tw, &err) == 0) {
		CHECK_INT(gomodule_find(tw, &mt, &err), 0);
		CHECK(mt.ntypelinks == m.ntypelinks && mt.nitablinks == m.nitablinks &&
		      mt.typedesclen == m.typedesclen && mt.itabsize == m.itabsize);
		gobin_close(tw);
	}
	free(err);
	free(twin);
	gobin_close(b);
}

int main(void)
{
	const char *root = getenv("GPROBE_TESTPROGS");
	char *pat;
	glob_t g;

	if (!root) {
		check_skip("GPROBE_TESTPROGS is not set: no test programs to read");
		return check_done("test_gomodule");
	}
	pat = xasprintf("%s/go1.*/*", root);
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			one(g.gl_pathv[i]);
		globfree(&g);
	}
	free(pat);
	printf("test_gomodule: %d binaries, %d checked against their symbols\n", nbins, nsym);
	CHECK(nbins > 0);
	return check_done("test_gomodule");
}
