/* test_spec.c — the spec parser: good specs give exactly the model they
 * spell out; every tests/specs-bad/parse/X.yaml gives the diagnostics in X.err
 * byte for byte (GPROBE_REGEN=1 rewrites the .err files, for review). */
#include "check.h"
#include "spec.h"

#include <dirent.h>
#include <errno.h>
#include <unistd.h>

static struct spec *parse_str(const char *text, struct diags *d)
{
	return spec_parse("t.yaml", text, strlen(text), d);
}

static char *expr_str(const struct expr *e)
{
	struct strbuf sb = {0};

	if (e)
		expr_print(e, &sb);
	return sb_steal(&sb);
}

#define CHECK_LOC(l, ln, cl, n)                \
	do {                                   \
		CHECK_INT((l).line, (ln));     \
		CHECK_INT((l).col, (cl));      \
		CHECK_INT((l).len, (n));       \
	} while (0)

static void test_design_example(void)
{
	struct diags d = {0};
	struct spec *s = spec_load("tests/specs-good/design.yaml", &d);
	struct strbuf sb = {0};
	char *x;

	CHECK(s != NULL);
	CHECK_STR(d.out.buf ? d.out.buf : "", "");
	if (!s)
		return;
	CHECK_STR(s->name, "gc");
	CHECK_STR(s->description, "Go GC cycles, sweeping and allocation");
	CHECK_INT(s->max_string, 64);
	CHECK_INT(s->nprobes, 1);
	struct spec_probe *p = &s->probes[0];
	CHECK_STR(p->table, "gc_start");
	CHECK_LOC(p->table_loc, 5, 12, 8);
	CHECK_STR(p->function, "runtime.gcStart");
	CHECK_INT(p->at, PROBE_AT_ENTRY);
	CHECK(p->optional);
	CHECK_STR(p->go_text, ">=1.21 <1.27");
	go_constraint_print(p->go, &sb);
	CHECK_STR(sb.buf, ">=1.21 <1.27");
	sb_free(&sb);
	CHECK_STR(p->where, "trigger.kind == 2");
	CHECK_STR(x = expr_str(p->where_ast), "(trigger.kind == 2)");
	free(x);
	CHECK_LOC(p->where_ast->tok, 10, 25, 2);  /* the == */
	CHECK_LOC(p->where_loc, 10, 12, 17);
	CHECK_INT(p->ncols, 4);
	CHECK_STR(p->cols[0].name, "kind");
	CHECK_LOC(p->cols[0].name_loc, 12, 7, 4);
	CHECK_STR(p->cols[1].name, "heap_live");
	CHECK_STR(x = expr_str(p->cols[1].ast), "runtime.gcController.heapLive");
	free(x);
	CHECK_LOC(p->cols[1].ast->tok, 13, 39, 8); /* heapLive */
	CHECK_STR(p->cols[2].labels_var, "runtime.waitReasonStrings");
	CHECK_INT(p->cols[2].nlabels, 0);
	CHECK_STR(p->cols[3].name, "trig");
	CHECK(p->cols[3].labels_var == NULL);
	CHECK_INT(p->cols[3].nlabels, 3);
	CHECK_INT(p->cols[3].labels[2].value, 2);
	CHECK_STR(p->cols[3].labels[2].text, "cycle");
	CHECK_LOC(p->cols[3].labels[1].loc, 15, 54, 1);
	CHECK_INT(spec_column_max_string(s, p, &p->cols[0]), 64);
	spec_free(s);
	diags_free(&d);
}

static void test_model_details(void)
{
	struct diags d = {0};
	const char *text =
		"spec: 1\n"
		"name: Sched_2\n"
		"max_string: 128\n"
		"probes:\n"
		"  - table: park\n"
		"    function: 'runtime.(*mheap).allocSpan'\n"
		"    at: return\n"
		"    go: '1.19 || >=1.21.3'\n"
		"    max_string: 32\n"
		"    where: >-\n"
		"      $latency > 1000 &&\n"
		"        gp.m != 0\n"
		"    columns:\n"
		"      s: { expr: \"name\", max_string: 8, labels: { -1: none, 0x10: sixteen } }\n"
		"      t: a +\n"
		"        b\n"
		"      u: \"x == \\\"q\\\"\"\n"
		"      v: net/http.DefaultClient.Timeout / 1000\n";
	struct spec *s = parse_str(text, &d);
	char *x;

	CHECK(s != NULL);
	CHECK_STR(d.out.buf ? d.out.buf : "", "");
	if (!s)
		return;
	CHECK_INT(s->max_string, 128);
	CHECK(s->description == NULL);
	struct spec_probe *p = &s->probes[0];
	CHECK_STR(p->function, "runtime.(*mheap).allocSpan");
	CHECK_INT(p->at, PROBE_AT_RETURN);
	CHECK_LOC(p->at_loc, 7, 9, 6);
	CHECK(!p->optional);
	CHECK_INT(p->go->ngroups, 2);
	CHECK_INT(p->max_string, 32);
	/* A folded block scalar: locations still exact, on both lines. */
	CHECK_STR(x = expr_str(p->where_ast), "(($latency > 1000) && (gp.m != 0))");
	free(x);
	CHECK_LOC(p->where_ast->a->a->tok, 11, 7, 8);   /* $latency */
	CHECK_LOC(p->where_ast->b->a->tok, 12, 12, 1);  /* m */
	CHECK_LOC(p->where_ast->tok, 11, 23, 2);        /* && */
	CHECK_STR(p->cols[0].expr, "name");
	CHECK_LOC(p->cols[0].ast->tok, 14, 19, 4);
	CHECK_INT(spec_column_max_string(s, p, &p->cols[0]), 8);
	CHECK_INT(spec_column_max_string(s, p, &p->cols[1]), 32);
	CHECK_INT(p->cols[0].nlabels, 2);
	CHECK_INT(p->cols[0].labels[0].value, -1);
	CHECK_INT(p->cols[0].labels[1].value, 16);
	/* A plain scalar over two lines: the 'b' is found on line 16. */
	CHECK_STR(p->cols[1].expr, "a + b");
	CHECK_LOC(p->cols[1].ast->b->tok, 16, 9, 1);
	/* Escapes in double-quoted YAML: the value is what counts. */
	CHECK_STR(x = expr_str(p->cols[2].ast), "(x == \"q\")");
	free(x);
	CHECK_LOC(p->cols[2].ast->a->tok, 17, 11, 1);
	CHECK_STR(x = expr_str(p->cols[3].ast), "(net/http.DefaultClient.Timeout / 1000)");
	free(x);
	CHECK_STR(p->cols[3].ast->a->a->a->name, "net/http");
	spec_free(s);
	diags_free(&d);
}

static void test_features(void)
{
	struct diags d = {0};
	struct spec *s = spec_load("tests/specs-good/features.yaml", &d);
	char *x;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_STR(s->description, "Exercises every key and every expression form.\n");
	CHECK_INT(s->nprobes, 3);
	CHECK_STR(s->probes[0].function, "net/http.(*conn).serve");
	CHECK_INT(s->probes[0].go->ngroups, 2);
	CHECK_STR(x = expr_str(s->probes[1].where_ast), "(($latency > 1000) && (npages >= 16))");
	free(x);
	/* Double-quoted YAML without escapes still has exact locations. */
	CHECK_LOC(s->probes[1].where_ast->b->a->tok, 19, 32, 6);
	CHECK_STR(s->probes[1].cols[3].labels[1].text, "8 bytes");
	struct spec_probe *p = &s->probes[2];
	/* A literal block scalar: the second line's '&' is found where it is. */
	CHECK_STR(x = expr_str(p->where_ast), "((gp.waitreason != 0) && ((gp.atomicstatus & 255) == 4))");
	free(x);
	CHECK_LOC(p->where_ast->b->a->tok, 29, 26, 1);
	CHECK_STR(p->cols[2].name, "name");
	CHECK_INT(spec_column_max_string(s, p, &p->cols[2]), 32);
	CHECK_INT(spec_column_max_string(s, p, &p->cols[3]), 128);
	CHECK_STR(x = expr_str(p->cols[5].ast), "((len(gp.label) + cap(gp.stk)) - (-1))");
	free(x);
	CHECK_STR(x = expr_str(p->cols[7].ast), "((($pid + $tid) + $cpu) + $goid)");
	free(x);
	spec_free(s);
	diags_free(&d);
}

static void test_limits(void)
{
	struct diags d = {0};
	size_t n = SPEC_MAX_FILE + 1;
	char *big = xmalloc(n);

	memset(big, '#', n);
	CHECK(spec_parse("big.yaml", big, n, &d) == NULL);
	CHECK_STR(d.out.buf, "big.yaml: error: spec file is too large (1048577 bytes; the limit is 1048576)\n");
	diags_free(&d);

	char path[] = "/tmp/gprobe-spec-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, big, n) == (ssize_t)n);
		close(fd);
		CHECK(spec_load(path, &d) == NULL);
		CHECK(d.out.buf && strstr(d.out.buf, "spec file is too large (1048577 bytes"));
		unlink(path);
		diags_free(&d);
	}
	free(big);

	CHECK(spec_load("tests/specs-bad/parse/does-not-exist.yaml", &d) == NULL);
	CHECK_STR(d.out.buf, "tests/specs-bad/parse/does-not-exist.yaml: error: cannot read spec: "
			     "No such file or directory\n");
	diags_free(&d);
}

static char *read_or_empty(const char *path)
{
	char *text;
	size_t len;

	if (read_file(path, &text, &len) < 0)
		return xstrdup("");
	return text;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every parse-level bad spec must fail with exactly its .err text. */
static void test_bad_corpus(void)
{
	const char *dir = "tests/specs-bad/parse";
	bool regen = getenv("GPROBE_REGEN") != NULL;
	DIR *dh = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	CHECK(dh != NULL);
	if (!dh)
		return;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".yaml"))
			VEC_PUSH(names, n, cap, xstrndup(de->d_name, l - 5));
	}
	closedir(dh);
	qsort(names, n, sizeof(*names), cmp_str);
	CHECK(n >= 25);
	for (size_t i = 0; i < n; i++) {
		char *yaml = xasprintf("%s/%s.yaml", dir, names[i]);
		char *errp = xasprintf("%s/%s.err", dir, names[i]);
		struct diags d = {0};
		struct spec *s = spec_load(yaml, &d);
		const char *got = d.out.buf ? d.out.buf : "";

		CHECK(s == NULL);
		CHECK(d.nerrors > 0);
		if (regen) {
			FILE *f = fopen(errp, "w");
			if (f) {
				fputs(got, f);
				fclose(f);
			}
		}
		char *want = read_or_empty(errp);
		if (strcmp(got, want))
			fprintf(stderr, "--- %s\n%s+++ got\n%s", errp, want, got);
		CHECK_STR(got, want);
		free(want);
		spec_free(s);
		diags_free(&d);
		free(yaml);
		free(errp);
		free(names[i]);
	}
	free(names);
}

/* Every shipped good spec parses without a word. */
static void test_good_corpus(void)
{
	const char *dirs[] = {"tests/specs-good", "specs"};

	for (size_t k = 0; k < ARRAY_SIZE(dirs); k++) {
		DIR *dh = opendir(dirs[k]);
		struct dirent *de;
		if (!dh)
			continue;
		while ((de = readdir(dh))) {
			size_t l = strlen(de->d_name);
			if (l <= 5 || strcmp(de->d_name + l - 5, ".yaml"))
				continue;
			char *path = xasprintf("%s/%s", dirs[k], de->d_name);
			struct diags d = {0};
			struct spec *s = spec_load(path, &d);
			if (!s)
				fprintf(stderr, "%s", d.out.buf ? d.out.buf : "");
			CHECK(s != NULL);
			spec_free(s);
			diags_free(&d);
			free(path);
		}
		closedir(dh);
	}
}

int main(void)
{
	const char *src = getenv("GPROBE_SRC");

	if (src && chdir(src) < 0) {
		fprintf(stderr, "cannot chdir to %s: %s\n", src, strerror(errno));
		return 1;
	}
	test_design_example();
	test_model_details();
	test_features();
	test_limits();
	test_bad_corpus();
	test_good_corpus();
	return check_done("test_spec");
}
