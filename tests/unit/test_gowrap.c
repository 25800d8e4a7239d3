/* test_gowrap.c — compiler-generated wrappers and the functions they call.
 *
 * Over the built test programs ($GPROBE_TESTPROGS/go1.X/workload*: every
 * build of it): runWrapped's go statements (tests/testprogs/workload)
 * make known wrappers on known Go versions, whose callees the program's
 * source names; the funcID values are restated here from each version's
 * FuncID enum. Over each toolchain's own pprof tool (it links net/http's
 * server): (*Server).Serve's `go c.serve(connCtx)` wrapper.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "gobin.h"
#include "gowrap.h"
#include "util.h"

#define GOCACHE_ROOT "/var/cache/gprobe/go"

/* FuncIDWrapper: the last value of runtime's funcID enum (runtime/symtab.go,
 * internal/abi/symtab.go of each version). */
static int wrapper_id(int minor)
{
	if (minor <= 17)
		return 22;
	if (minor <= 21)
		return 21;
	if (minor <= 24)
		return 22;
	return 23;
}

static const struct gobin_func *must_find(struct gobin *b, const char *name)
{
	const struct gobin_func *f = gobin_find_func(b, name);

	CHECK(f != NULL);
	if (!f)
		fprintf(stderr, "  %s: no function %s\n", gobin_path(b), name);
	return f;
}

/* wrapper resolves to want; a NULL want: it keeps its own name. */
static void check_target(struct gowrap *w, struct gobin *b, const char *wrapper, const char *want)
{
	const struct gobin_func *f = must_find(b, wrapper);

	if (!f)
		return;
	CHECK(gowrap_is_wrapper(w, f));
	CHECK_STR(gowrap_target(w, f)->name, want ? want : wrapper);
	/* The cached answer is the same. */
	CHECK_STR(gowrap_target(w, f)->name, want ? want : wrapper);
}

static void check_not_wrapper(struct gowrap *w, struct gobin *b, const char *name)
{
	const struct gobin_func *f = must_find(b, name);

	if (!f)
		return;
	CHECK(!gowrap_is_wrapper(w, f));
	CHECK(gowrap_target(w, f) == f);
}

static void test_workload(const char *path)
{
	struct gobin *b = NULL;
	struct gowrap *w;
	char *err = NULL, *name;
	const struct gobin_func *f;
	int minor;
	/* runWrapped's go statements in source order; the wrappers of the
	 * first two call their function, the third (mva(i), a method value
	 * with an argument) calls a closure through a register. */
	static const char *const callee[] = { "main.spinner", "main.(*worker).work", NULL };
	int i;

	if (gobin_open(path, &b, &err)) {
		fprintf(stderr, "%s: %s\n", path, err);
		free(err);
		CHECK(0);
		return;
	}
	minor = gobin_go_minor(b);
	w = gowrap_new(b);
	CHECK_INT(gowrap_wrapper_funcid(w), wrapper_id(minor));
	CHECK(gowrap_bin(w) == b);

	/* The method value's -fm wrapper, marked on every version. */
	check_target(w, b, "main.(*worker).run-fm", "main.(*worker).run");
	check_target(w, b, "main.(*worker).runArg-fm", "main.(*worker).runArg");
	f = must_find(b, "main.(*worker).run-fm");
	if (f)
		CHECK_INT(f->funcid, wrapper_id(minor));
	check_not_wrapper(w, b, "main.spinner");
	check_not_wrapper(w, b, "main.(*worker).work");
	check_not_wrapper(w, b, "main.runWrapped");
	check_not_wrapper(w, b, "runtime.main");
	/* Every Go function has argument and locals pointer maps. */
	f = must_find(b, "main.runWrapped");
	if (f)
		CHECK_INT(f->funcdata & 3, 3);

	/* Go statements with arguments are wrapped since 1.17: funcN up to
	 * 1.21, gowrapN since 1.22. */
	for (i = 0; minor >= 17 && i < 3; i++) {
		name = xasprintf("main.runWrapped.%s%d", minor >= 22 ? "gowrap" : "func", i + 1);
		f = must_find(b, name);
		if (f)
			CHECK_INT(f->funcid, wrapper_id(minor));
		check_target(w, b, name, callee[i]);
		free(name);
	}
	if (minor < 17)
		CHECK(gobin_find_func(b, "main.runWrapped.func1") == NULL);

	/* A resolved target is never a wrapper that could resolve further. */
	for (size_t k = 0; k < gobin_nfuncs(b); k++) {
		const struct gobin_func *g = gobin_func_at_index(b, k), *t = gowrap_target(w, g);

		if (t != g && gowrap_is_wrapper(w, t) && strcmp(t->name, g->name)) {
			/* Allowed only when t's own callee is unknown. */
			CHECK(gowrap_target(w, t) == t);
		}
	}
	gowrap_free(w);
	gobin_close(b);
}

/* net/http.(*Server).Serve: `go c.serve(connCtx)`, the third go/defer
 * closure in it since 1.17 (gowrap3 since 1.22). */
static void test_pprof(const char *goroot)
{
	char *path = xasprintf("%s/pkg/tool/linux_amd64/pprof", goroot), *err = NULL;
	struct gobin *b = NULL;
	struct gowrap *w;
	const char *wrapper;
	int minor;

	if (access(path, R_OK) || gobin_open(path, &b, &err)) {
		free(err);
		free(path);
		return; /* newer toolchains build pprof on demand */
	}
	minor = gobin_go_minor(b);
	w = gowrap_new(b);
	wrapper = minor >= 22 ? "net/http.(*Server).Serve.gowrap3" : "net/http.(*Server).Serve.func3";
	if (minor >= 17 && gobin_find_func(b, "net/http.(*conn).serve")) {
		check_target(w, b, wrapper, "net/http.(*conn).serve");
		printf("%s: %s -> net/http.(*conn).serve\n", path, wrapper);
	}
	gowrap_free(w);
	gobin_close(b);
	free(path);
}

int main(void)
{
	const char *progs = getenv("GPROBE_TESTPROGS");
	glob_t g;
	size_t i, n = 0;
	char *pat;

	/* Every build of it: plain, stripped, PIE, external link, -race
	 * (race hooks in every wrapper), -trimpath. */
	pat = xasprintf("%s/go1.*/workload*", progs ? progs : "build/testprogs");
	if (glob(pat, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			test_workload(g.gl_pathv[i]);
			n++;
		}
		globfree(&g);
	}
	free(pat);
	if (!n)
		check_skip("no test programs (make testprogs): workload checks");
	if (glob(GOCACHE_ROOT "/go1.*/usr/lib/go-1.*", 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			test_pprof(g.gl_pathv[i]);
		globfree(&g);
	}
	return check_done("test_gowrap");
}
