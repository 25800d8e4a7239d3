/* test_report.c — the JSON Lines reader, the row store, time buckets and
 * the scheduler model of `gprobe report`, on inputs whose results are
 * worked out by hand in the comments. */
#include <errno.h>
#include <math.h>
#include <unistd.h>

#include "check.h"
#include "jsonl.h"
#include "report.h"
#include "util.h"

static int parse(struct jl_object *o, const char *s, const char **msg, size_t *col)
{
	return jl_parse(o, s, strlen(s), msg, col);
}

static void test_values(void)
{
	struct jl_object o = { 0 };
	const char *msg = NULL;
	size_t col = 0;
	const struct jl_value *v;

	CHECK_INT(parse(&o, "{\"a\":-9223372036854775808,\"b\":9223372036854775807,"
			    "\"c\":18446744073709551615,\"d\":18446744073709551616,"
			    "\"e\":-0.5e2,\"f\":true,\"g\":false,\"h\":null,\"i\":0}",
		        &msg, &col), 0);
	CHECK_INT(o.n, 9);
	v = jl_get(&o, "a");
	CHECK(v && v->kind == JL_INT && v->i == INT64_MIN);
	v = jl_get(&o, "b");
	CHECK(v && v->kind == JL_INT && v->i == INT64_MAX);
	v = jl_get(&o, "c");
	CHECK(v && v->kind == JL_UINT && v->u == UINT64_MAX);
	v = jl_get(&o, "d"); /* 2^64: beyond 64 bits, a double */
	CHECK(v && v->kind == JL_FLOAT && v->f == 18446744073709551616.0);
	v = jl_get(&o, "e");
	CHECK(v && v->kind == JL_FLOAT && v->f == -50.0);
	CHECK(jl_get(&o, "f")->kind == JL_BOOL && jl_get(&o, "f")->b);
	CHECK(jl_get(&o, "g")->kind == JL_BOOL && !jl_get(&o, "g")->b);
	CHECK(jl_get(&o, "h")->kind == JL_NULL);
	CHECK(jl_get(&o, "i")->kind == JL_INT && jl_get(&o, "i")->i == 0);
	CHECK(jl_get(&o, "zz") == NULL);

	/* Escapes as docs/output.md writes them: \n \t \" \\ \u00XX, a
	 * surrogate pair (U+1F600 = F0 9F 98 80), a lone surrogate (U+FFFD),
	 * raw UTF-8 (é) passed through, and an escaped key. */
	CHECK_INT(parse(&o, " {\"s\":\"a\\n\\t\\\"\\\\\\u0001\\ud83d\\ude00\\ud800x\xc3\xa9\","
			    "\"k\\u0065y\":\"\"} \n", &msg, &col), 0);
	v = jl_get(&o, "s");
	CHECK(v && v->kind == JL_STR && v->len == 16);
	CHECK(v && memcmp(v->s, "a\n\t\"\\\x01\xf0\x9f\x98\x80\xef\xbf\xbdx\xc3\xa9", 17) == 0);
	v = jl_get(&o, "key");
	CHECK(v && v->kind == JL_STR && v->len == 0 && v->s[0] == '\0');

	double d = 0;
	struct jl_value nan = { .kind = JL_STR, .s = "NaN" }, inf = { .kind = JL_STR, .s = "-Inf" };
	struct jl_value txt = { .kind = JL_STR, .s = "heap" };
	CHECK(jl_as_double(&nan, &d) && isnan(d));
	CHECK(jl_as_double(&inf, &d) && d == -INFINITY);
	CHECK(!jl_as_double(&txt, &d));
	jl_object_free(&o);
}

static void test_errors(void)
{
	static const struct {
		const char *in, *msg;
		size_t col;
	} cases[] = {
		{ "[1]", "expected '{'", 1 },
		{ "{\"a\":1,}", "expected a member name", 8 },
		{ "{\"a\" 1}", "expected ':'", 6 },
		{ "{\"a\":{}}", "nested objects and arrays are not supported", 6 },
		{ "{\"a\":01}", "expected ',' or '}'", 7 },
		{ "{\"a\":-}", "bad number", 6 },
		{ "{\"a\":1.}", "bad number", 6 },
		{ "{\"a\":tru}", "unexpected character", 6 },
		{ "{\"a\":\"x}", "unterminated string", 9 },
		{ "{\"a\":\"\\q\"}", "bad escape in string", 8 },
		{ "{\"a\":\"\\u12G4\"}", "bad \\u escape", 9 },
		{ "{\"a\":1} x", "text after the object", 9 },
		{ "{\"a\":1", "expected ',' or '}'", 7 },
	};
	struct jl_object o = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *msg = NULL;
		size_t col = 0;
		CHECK_INT(parse(&o, cases[i].in, &msg, &col), -EINVAL);
		CHECK_STR(msg, cases[i].msg);
		CHECK_INT(col, cases[i].col);
	}
	jl_object_free(&o);
}

static char *write_tmp(const char *text)
{
	char *path = xstrdup("/tmp/test_report_XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror("mkstemp");
		exit(1);
	}
	close(fd);
	return path;
}

static void test_load(void)
{
	struct gp_rdata d = { 0 };
	char *err = NULL;
	/* Two tables, interleaved; "b" appears from the second x row on, a cut
	 * marker is not a column, a labelled value without a label is a number. */
	char *path = write_tmp(
		"{\"table\":\"x\",\"time_ns\":100,\"pid\":7,\"goid\":1,\"a\":5}\n"
		"\n"
		"{\"table\":\"y\",\"time_ns\":50,\"pid\":7,\"goid\":0,\"s\":\"abc\",\"s_cut\":true}\n"
		"{\"table\":\"x\",\"time_ns\":300,\"pid\":7,\"goid\":2,\"a\":null,\"b\":\"heap\"}\n"
		"{\"table\":\"x\",\"time_ns\":200,\"pid\":7,\"goid\":2,\"a\":-3,\"b\":2}\n");

	CHECK_INT(gp_rdata_load(&d, path, &err), 0);
	CHECK_INT(d.ntables, 2);
	CHECK_INT(d.nrows, 4);
	CHECK_INT(d.t_min, 50);
	CHECK_INT(d.t_max, 300);
	const struct gp_rtable *x = gp_rdata_table(&d, "x"), *y = gp_rdata_table(&d, "y");
	CHECK(x && y);
	if (x && y) {
		CHECK_INT(x->nrows, 3);
		CHECK_INT(x->ncols, 4); /* pid goid a b */
		const struct gp_rcol *a = gp_rtable_col(x, "a"), *b = gp_rtable_col(x, "b");
		CHECK(a && a->num[0] == 5 && isnan(a->num[1]) && a->num[2] == -3);
		CHECK(b && isnan(b->num[0]) && isnan(b->num[1]) && b->num[2] == 2);
		CHECK(b && b->str && b->str[0] == 0 && b->str[2] == 0);
		CHECK(b && b->str && strcmp(gp_rdata_str(&d, b->str[1]), "heap") == 0);
		CHECK_INT(y->ncols, 3); /* pid goid s */
		CHECK(gp_rtable_col(y, "s_cut") == NULL);
		CHECK_STR(gp_rdata_str(&d, gp_rtable_col(y, "s")->str[0]), "abc");
	}
	gp_rdata_free(&d);
	unlink(path);
	free(path);

	path = write_tmp("{\"table\":\"x\",\"time_ns\":1}\n{\"table\":\"x\",\"time_ns\":\"2\"}\n");
	CHECK_INT(gp_rdata_load(&d, path, &err), -EINVAL);
	char *want = xasprintf("%s:2: a row of table 'x' without an integer \"time_ns\"", path);
	CHECK_STR(err, want);
	free(want);
	free(err);
	gp_rdata_free(&d);
	unlink(path);
	free(path);

	path = write_tmp("{\"table\":\"x\",\"time_ns\":1}\n{\"table\":\"x\",\"time_ns\":2,}\n");
	CHECK_INT(gp_rdata_load(&d, path, &err), -EINVAL);
	want = xasprintf("%s:2:26: expected a member name", path);
	CHECK_STR(err, want);
	free(want);
	free(err);
	gp_rdata_free(&d);
	unlink(path);
	free(path);
}

static void test_buckets(void)
{
	/* 10 buckets over [1000, 1099]: 10 ns each, bucket k = [1000+10k, 1009+10k]. */
	struct gp_tbuckets b = { 1000, 1099, 10 };

	CHECK_INT(gp_bucket(&b, 1000), 0);
	CHECK_INT(gp_bucket(&b, 1009), 0);
	CHECK_INT(gp_bucket(&b, 1010), 1);
	CHECK_INT(gp_bucket(&b, 1099), 9);
	CHECK_INT(gp_bucket(&b, 5), 0);
	CHECK_INT(gp_bucket(&b, 99999), 9);
	CHECK_INT(gp_bucket_start(&b, 0), 1000);
	CHECK_INT(gp_bucket_start(&b, 3), 1030);

	/* Uneven: 3 buckets over 10 ns [0, 9]: k = floor(t*3/10):
	 * t 0..3 -> 0, 4..6 -> 1, 7..9 -> 2; starts 0, ceil(10/3)=4, ceil(20/3)=7. */
	struct gp_tbuckets u = { 0, 9, 3 };
	CHECK_INT(gp_bucket(&u, 3), 0);
	CHECK_INT(gp_bucket(&u, 4), 1);
	CHECK_INT(gp_bucket(&u, 6), 1);
	CHECK_INT(gp_bucket(&u, 7), 2);
	CHECK_INT(gp_bucket_start(&u, 1), 4);
	CHECK_INT(gp_bucket_start(&u, 2), 7);
	for (int64_t t = 0; t <= 9; t++) {
		uint32_t k = gp_bucket(&u, t);
		CHECK(gp_bucket_start(&u, k) <= t && (k == 2 || t < gp_bucket_start(&u, k + 1)));
	}

	/* Epoch nanoseconds over a whole year do not overflow. */
	struct gp_tbuckets big = { 1700000000000000000, 1731536000000000000, 1000 };
	/* span 31536000000000001: the middle is 15768000000000000.5 past t0. */
	CHECK_INT(gp_bucket(&big, 1715768000000000000), 499);
	CHECK_INT(gp_bucket(&big, 1715768000000000001), 500);

	struct gp_series s;
	gp_series_init(&s, 10);
	gp_series_add(&s, &b, 1001, 4);
	gp_series_add(&s, &b, 1005, -2);
	gp_series_add(&s, &b, 1008, 7);
	gp_series_add(&s, &b, 1009, NAN);
	gp_series_add(&s, &b, 1095, 1);
	CHECK_INT(s.count[0], 3);
	CHECK(s.min[0] == -2 && s.max[0] == 7 && s.sum[0] == 9 && s.last[0] == 7);
	CHECK_INT(s.count[9], 1);
	CHECK(s.min[9] == 1 && s.max[9] == 1 && s.last[9] == 1);
	for (int k = 1; k < 9; k++)
		CHECK(s.count[k] == 0 && isnan(s.min[k]) && s.sum[k] == 0);
	gp_series_free(&s);
}

/* A hand-made scheduler trace on two Ps (times in ns):
 *   g1 created (runtime.main), g5 created (main.work)
 *   10 execute g1 on P0; 20 execute g5 on P1
 *   30 g1 parks (chan receive); 40 g1 readied; 50 execute g1 on P1,
 *   which implicitly ends g5's run there (no event for it)
 *   60 g5 executes on P0; 70 g5 exits; trace ends at 100.
 * Runs: g1 P0 [10,30), g5 P1 [20,50), g1 P1 [50,100), g5 P0 [60,70). */
static void test_sched(void)
{
	struct gp_rdata d = { 0 };
	char *err = NULL;
	char *path = write_tmp(
		"{\"table\":\"go_create\",\"time_ns\":1,\"pid\":1,\"goid\":0,\"gid\":1,\"start\":\"runtime.main\"}\n"
		"{\"table\":\"go_create\",\"time_ns\":2,\"pid\":1,\"goid\":0,\"gid\":5,\"start\":\"main.work\"}\n"
		"{\"table\":\"go_execute\",\"time_ns\":10,\"pid\":1,\"goid\":0,\"gid\":1,\"p\":0,\"m\":0}\n"
		"{\"table\":\"go_execute\",\"time_ns\":20,\"pid\":1,\"goid\":0,\"gid\":5,\"p\":1,\"m\":2}\n"
		"{\"table\":\"go_park\",\"time_ns\":30,\"pid\":1,\"goid\":1,\"reason\":\"chan receive\"}\n"
		"{\"table\":\"go_ready\",\"time_ns\":40,\"pid\":1,\"goid\":0,\"gid\":1,\"waker\":5}\n"
		"{\"table\":\"go_execute\",\"time_ns\":50,\"pid\":1,\"goid\":0,\"gid\":1,\"p\":1,\"m\":2}\n"
		"{\"table\":\"go_execute\",\"time_ns\":60,\"pid\":1,\"goid\":0,\"gid\":5,\"p\":0,\"m\":0}\n"
		"{\"table\":\"go_exit\",\"time_ns\":70,\"pid\":1,\"goid\":0,\"gid\":5,\"start\":\"main.work\"}\n"
		"{\"table\":\"other\",\"time_ns\":100,\"pid\":1,\"goid\":0}\n");
	struct gp_sched s;

	CHECK_INT(gp_rdata_load(&d, path, &err), 0);
	struct gp_tbuckets b = { d.t_min, d.t_max, 100 }; /* [1, 100]: bucket k = t - 1 */
	CHECK_INT(gp_sched_build(&d, &b, &s), 0);
	CHECK(s.present);
	CHECK_INT(s.lane_kind, 'P');
	CHECK_INT(s.nlanes, 2);
	CHECK_INT(s.nruns, 4);
	if (s.nruns == 4) {
		/* In order of their end. */
		struct gp_run want[] = { { 10, 30, 1, 0, 0 }, { 20, 50, 5, 1, 0 },
					 { 60, 70, 5, 0, 0 }, { 50, 100, 1, 1, 0 } };
		for (int i = 0; i < 4; i++) {
			CHECK_INT(s.runs[i].start, want[i].start);
			CHECK_INT(s.runs[i].end, want[i].end);
			CHECK_INT(s.runs[i].gid, want[i].gid);
			CHECK_INT(s.runs[i].lane, want[i].lane);
		}
		CHECK_STR(gp_rdata_str(&d, s.runs[0].func), "runtime.main");
		CHECK_STR(gp_rdata_str(&d, s.runs[1].func), "main.work");
	}
	CHECK_INT(s.nparks, 1);
	CHECK(s.nparks == 1 && s.parks[0].t == 30 && s.parks[0].lane == 0);
	CHECK_STR(gp_rdata_str(&d, s.parks[0].reason), "chan receive");
	/* runtime.main ran 20 + 50 = 70 ns, main.work 30 + 10 = 40 ns. */
	CHECK_INT(s.nfuncs, 2);
	if (s.nfuncs == 2) {
		CHECK_STR(gp_rdata_str(&d, s.funcs[0].func), "runtime.main");
		CHECK_INT(s.funcs[0].run_ns, 70);
		CHECK_INT(s.funcs[0].runs, 2);
		CHECK_INT(s.funcs[0].goroutines, 1);
		CHECK_INT(s.funcs[0].exited, 0);
		CHECK_INT(s.funcs[0].nreasons, 1);
		CHECK(s.funcs[0].nreasons == 1 && s.funcs[0].reasons[0].parks == 1 &&
		      s.funcs[0].reasons[0].ns == 10);
		CHECK_INT(s.funcs[1].run_ns, 40);
		CHECK_INT(s.funcs[1].exited, 1);
	}
	/* States after each event (bucket t-1): at 30 g1 waiting, g5 running;
	 * at 40 g1 runnable; at 70 g5 dead: live 1. */
	CHECK(s.live.last[1] == 2 && s.live.last[69] == 1);
	CHECK(s.state[GP_G_WAITING].last[29] == 1 && s.state[GP_G_RUNNING].last[29] == 1);
	CHECK(s.state[GP_G_RUNNABLE].last[39] == 1 && s.state[GP_G_WAITING].last[39] == 0);
	CHECK(s.state[GP_G_RUNNING].last[59] == 2 && s.state[GP_G_DEAD].last[69] == 1);
	gp_sched_free(&s);

	/* The page itself: one timeline rect per run (4 runs, few enough to be
	 * drawn exactly) and one park mark. */
	char *html = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&html, &len);
	struct gp_report_opts o = { .title = "t<1>" };
	CHECK_INT(gp_report_html(&d, &o, f, &err), 0);
	fclose(f);
	CHECK(strstr(html, "<title>t&lt;1&gt;</title>") != NULL);
	size_t runs = 0, parks = 0;
	for (const char *p = html; (p = strstr(p, " ran ")); p++)
		runs++;
	for (const char *p = html; (p = strstr(p, "<title>park: chan receive</title>")); p++)
		parks++;
	CHECK_INT(runs, 4);
	CHECK_INT(parks, 1);
	CHECK(strstr(html, "<script") == NULL && strstr(html, "http") == NULL);
	free(html);
	gp_rdata_free(&d);
	unlink(path);
	free(path);
}

int main(void)
{
	test_values();
	test_errors();
	test_load();
	test_buckets();
	test_sched();
	return check_done("test_report");
}
