/* test_output.c — the table, JSON and CSV writers, byte for byte.
 *
 * Records are built by hand in the layout of templates/gprobe_record.h;
 * the expected texts are written out literally from docs/output.md. */
#include "check.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gprobe_record.h"
#include "output.h"
#include "util.h"

static char tmpdir[] = "/tmp/gp-test-output-XXXXXX";

static struct gp_label labels[] = { { 0, "idle" }, { 1, "heap" }, { -1, "neg" } };

/* off: 32 i64 | 40 u64 | 48 i8 | 50 u16 | 52 bool | 56 f64 | 64 f32 | 72 ptr
 *      80 sym | 88 label(i32) | 96 n | 104 string(16) */
static struct gp_column cols[] = {
	{ .name = "i64", .fmt = GP_COL_INT, .off = 32, .size = 8 },
	{ .name = "u64", .fmt = GP_COL_UINT, .off = 40, .size = 8 },
	{ .name = "i8", .fmt = GP_COL_INT, .off = 48, .size = 1 },
	{ .name = "u16", .fmt = GP_COL_UINT, .off = 50, .size = 2 },
	{ .name = "b", .fmt = GP_COL_BOOL, .off = 52, .size = 1 },
	{ .name = "f64", .fmt = GP_COL_FLOAT, .off = 56, .size = 8 },
	{ .name = "f32", .fmt = GP_COL_FLOAT, .off = 64, .size = 4 },
	{ .name = "p", .fmt = GP_COL_PTR, .off = 72, .size = 8 },
	{ .name = "fn", .fmt = GP_COL_SYM, .off = 80, .size = 8 },
	{ .name = "lbl", .fmt = GP_COL_LABEL, .off = 88, .size = 4, .is_signed = true,
	  .labels = labels, .nlabels = 3 },
	{ .name = "n", .fmt = GP_COL_INT, .off = 96, .size = 8 },
	{ .name = "s", .fmt = GP_COL_STRING, .off = 104, .size = 24, .max_string = 16 },
};

static struct gp_column str_col[] = {
	{ .name = "s", .fmt = GP_COL_STRING, .off = 32, .size = 12, .max_string = 4 },
};

static struct gp_column small_cols[] = {
	{ .name = "n", .fmt = GP_COL_INT, .off = 32, .size = 8 },
	{ .name = "name", .fmt = GP_COL_STRING, .off = 40, .size = 24, .max_string = 16 },
};

static struct gp_table tables[] = {
	{ .name = "big", .id = 0, .rec_size = 128, .cols = cols, .ncols = ARRAY_SIZE(cols) },
	{ .name = "str", .id = 1, .rec_size = 48, .cols = str_col, .ncols = 1 },
	{ .name = "small", .id = 2, .rec_size = 64, .cols = small_cols, .ncols = 2 },
};

static const char *sym(void *ctx, uint64_t addr)
{
	(void)ctx;
	return addr == 0x401000 ? "main.(*T).work" : NULL;
}

static void put(uint8_t *rec, uint32_t off, const void *v, size_t n)
{
	memcpy(rec + off, v, n);
}

static void header(uint8_t *rec, uint64_t goid, uint32_t pid, uint32_t table, uint64_t nulls)
{
	struct gp_record r = { .ktime_ns = 0, .goid = goid, .nulls = nulls, .pid = pid,
			       .table = table };
	memcpy(rec, &r, sizeof(r));
}

static void put_str(uint8_t *rec, uint32_t off, const char *s, uint32_t len, uint32_t cut)
{
	put(rec, off, &len, 4);
	put(rec, off + 4, &cut, 4);
	put(rec, off + 8, s, strnlen(s, len));
}

static void big_row1(uint8_t *rec)
{
	int64_t i64 = INT64_MIN;
	uint64_t u64 = UINT64_MAX, p = 0xdeadbeef, fn = 0x401000;
	int8_t i8 = -1;
	uint16_t u16 = 65535;
	uint8_t b = 1;
	double f64 = 0.1;
	float f32 = 0.1f;
	int32_t lbl = 1;

	memset(rec, 0xaa, 128);
	header(rec, UINT64_MAX, 4242, 0, 1ull << 10); /* column 10 ("n") is null */
	put(rec, 32, &i64, 8);
	put(rec, 40, &u64, 8);
	put(rec, 48, &i8, 1);
	put(rec, 50, &u16, 2);
	put(rec, 52, &b, 1);
	put(rec, 56, &f64, 8);
	put(rec, 64, &f32, 4);
	put(rec, 72, &p, 8);
	put(rec, 80, &fn, 8);
	put(rec, 88, &lbl, 4);
	put_str(rec, 104, "a,\"b\"\nc", 7, 1);
}

static void big_row2(uint8_t *rec)
{
	int64_t i64 = INT64_MAX, n = -5;
	uint64_t u64 = 0, p = 0, fn = 0x999;
	int8_t i8 = -128;
	uint16_t u16 = 0;
	uint8_t b = 0;
	double f64 = NAN;
	float f32 = -INFINITY;
	int32_t lbl = 7;

	memset(rec, 0, 128);
	header(rec, 1, 1, 0, 0);
	put(rec, 32, &i64, 8);
	put(rec, 40, &u64, 8);
	put(rec, 48, &i8, 1);
	put(rec, 50, &u16, 2);
	put(rec, 52, &b, 1);
	put(rec, 56, &f64, 8);
	put(rec, 64, &f32, 4);
	put(rec, 72, &p, 8);
	put(rec, 80, &fn, 8);
	put(rec, 88, &lbl, 4);
	put(rec, 96, &n, 8);
	put_str(rec, 104, "", 0, 0);
}

static char *slurp(const char *path)
{
	char *data = NULL;
	size_t len;

	if (read_file(path, &data, &len) < 0)
		return xstrdup("<unreadable>");
	return data;
}

static struct gp_output *open_out(enum gp_format fmt, const char *path, const bool *sel)
{
	struct gp_output_opts o = { .sz = sizeof(o), .fmt = fmt, .path = path, .selected = sel,
				    .sym = sym };
	char *err = NULL;
	struct gp_output *out = gp_output_open(tables, ARRAY_SIZE(tables), &o, &err);

	if (!out)
		fprintf(stderr, "open: %s\n", err);
	free(err);
	return out;
}

static void test_json_values(void)
{
	char *path = xasprintf("%s/values.json", tmpdir);
	struct gp_output *out = open_out(GP_FMT_JSON, path, NULL);
	uint8_t rec[128];

	CHECK(out != NULL);
	if (!out)
		return;
	big_row1(rec);
	CHECK_INT(gp_output_row(out, 0, rec, 1700000000123456789ull), 0);
	big_row2(rec);
	CHECK_INT(gp_output_row(out, 0, rec, UINT64_MAX), 0);
	CHECK_INT(gp_output_close(out, NULL), 0);
	char *got = slurp(path);
	CHECK_STR(got,
		  "{\"table\":\"big\",\"time_ns\":1700000000123456789,\"pid\":4242,\"goid\":18446744073709551615,"
		  "\"i64\":-9223372036854775808,\"u64\":18446744073709551615,\"i8\":-1,\"u16\":65535,"
		  "\"b\":true,\"f64\":0.1,\"f32\":0.1,\"p\":\"0xdeadbeef\",\"fn\":\"main.(*T).work\","
		  "\"lbl\":\"heap\",\"n\":null,\"s\":\"a,\\\"b\\\"\\nc\",\"s_cut\":true}\n"
		  "{\"table\":\"big\",\"time_ns\":18446744073709551615,\"pid\":1,\"goid\":1,"
		  "\"i64\":9223372036854775807,\"u64\":0,\"i8\":-128,\"u16\":0,"
		  "\"b\":false,\"f64\":\"NaN\",\"f32\":\"-Inf\",\"p\":\"0x0\",\"fn\":\"0x999\","
		  "\"lbl\":7,\"n\":-5,\"s\":\"\"}\n");
	free(got);
	free(path);
}

/* What docs/output.md promises for a one-byte Go string holding `b`. */
static void expect_json_byte(struct strbuf *sb, unsigned b)
{
	if (b == '"')
		sb_puts(sb, "\\\"");
	else if (b == '\\')
		sb_puts(sb, "\\\\");
	else if (b == '\n')
		sb_puts(sb, "\\n");
	else if (b == '\r')
		sb_puts(sb, "\\r");
	else if (b == '\t')
		sb_puts(sb, "\\t");
	else if (b < 0x20 || b == 0x7f)
		sb_printf(sb, "\\u%04x", b);
	else if (b < 0x80)
		sb_putc(sb, (char)b);
	else /* a lone byte >= 0x80 is never well-formed UTF-8 */
		sb_puts(sb, "\\ufffd");
}

static void str_row(struct gp_output *out, const char *s, uint32_t len, uint32_t cut)
{
	uint8_t rec[48] = { 0 };

	header(rec, 0, 1, 1, 0);
	put_str(rec, 32, s, len, cut);
	CHECK_INT(gp_output_row(out, 1, rec, 0), 0);
}

static void test_json_bytes(void)
{
	static const bool sel[] = { false, true, false };
	char *path = xasprintf("%s/bytes.json", tmpdir);
	struct gp_output *out = open_out(GP_FMT_JSON, path, sel);
	struct strbuf want = { 0 };
	static const struct {
		const char *in;
		const char *out;
	} seqs[] = {
		{ "\xc3\xa9", "\xc3\xa9" },             /* é */
		{ "\xe2\x82\xac", "\xe2\x82\xac" },     /* € */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" }, /* U+1F600 */
		{ "\xc0\xaf", "\\ufffd\\ufffd" },        /* overlong '/' */
		{ "\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd" }, /* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd" }, /* > U+10FFFF */
		{ "a\xe2\x82", "a\\ufffd\\ufffd" },      /* truncated € */
		{ "\xe0\x80\x80", "\\ufffd\\ufffd\\ufffd" }, /* overlong NUL */
	};

	CHECK(out != NULL);
	if (!out)
		return;
	for (unsigned b = 0; b < 256; b++) {
		char c = (char)b;
		str_row(out, &c, 1, 0);
		sb_puts(&want, "{\"table\":\"str\",\"time_ns\":0,\"pid\":1,\"goid\":0,\"s\":\"");
		expect_json_byte(&want, b);
		sb_puts(&want, "\"}\n");
	}
	for (size_t i = 0; i < ARRAY_SIZE(seqs); i++) {
		str_row(out, seqs[i].in, (uint32_t)strlen(seqs[i].in), 0);
		sb_printf(&want, "{\"table\":\"str\",\"time_ns\":0,\"pid\":1,\"goid\":0,\"s\":\"%s\"}\n",
			  seqs[i].out);
	}
	/* a corrupt len larger than the slot is clamped to max_string */
	str_row(out, "wxyz", 200, 1);
	sb_puts(&want, "{\"table\":\"str\",\"time_ns\":0,\"pid\":1,\"goid\":0,\"s\":\"wxyz\",\"s_cut\":true}\n");
	CHECK_INT(gp_output_close(out, NULL), 0);
	char *got = slurp(path);
	CHECK_STR(got, want.buf);
	free(got);
	sb_free(&want);
	free(path);
}

static void test_csv(void)
{
	char *dir = xasprintf("%s/csv", tmpdir);
	static const bool sel[] = { true, false, true };
	struct gp_output *out = open_out(GP_FMT_CSV, dir, sel);
	uint8_t rec[128];

	CHECK(out != NULL);
	if (!out)
		return;
	big_row1(rec);
	CHECK_INT(gp_output_row(out, 0, rec, 1700000000123456789ull), 0);
	big_row2(rec);
	CHECK_INT(gp_output_row(out, 0, rec, 5), 0);
	CHECK_INT(gp_output_row(out, 1, rec, 5), 0); /* unselected: ignored */
	CHECK_INT(gp_output_close(out, NULL), 0);

	char *p = xasprintf("%s/big.csv", dir);
	char *got = slurp(p);
	CHECK_STR(got, "time_ns,pid,goid,i64,u64,i8,u16,b,f64,f32,p,fn,lbl,n,s\n"
		       "1700000000123456789,4242,18446744073709551615,-9223372036854775808,"
		       "18446744073709551615,-1,65535,true,0.1,0.1,0xdeadbeef,main.(*T).work,heap,,"
		       "\"a,\"\"b\"\"\nc\xe2\x80\xa6\"\n"
		       "5,1,1,9223372036854775807,0,-128,0,false,NaN,-Inf,0x0,0x999,7,-5,\n");
	free(got);
	free(p);
	p = xasprintf("%s/small.csv", dir); /* selected, no rows: header only */
	got = slurp(p);
	CHECK_STR(got, "time_ns,pid,goid,n,name\n");
	free(got);
	free(p);
	p = xasprintf("%s/str.csv", dir);
	CHECK(access(p, F_OK) != 0);
	free(p);
	free(dir);

	/* several tables to stdout cannot be told apart */
	struct gp_output_opts o = { .sz = sizeof(o), .fmt = GP_FMT_CSV };
	char *err = NULL;
	CHECK(gp_output_open(tables, ARRAY_SIZE(tables), &o, &err) == NULL);
	CHECK(err && strstr(err, "-o DIR"));
	free(err);
}

static void small_row(struct gp_output *out, uint32_t ti, uint64_t goid, int64_t n,
		      const char *s, uint32_t cut, uint64_t nulls, uint64_t t)
{
	uint8_t rec[64] = { 0 };

	header(rec, goid, 77, ti, nulls);
	put(rec, 32, &n, 8);
	put_str(rec, 40, s, (uint32_t)strlen(s), cut);
	CHECK_INT(gp_output_row(out, ti, rec, t), 0);
}

static void test_table(void)
{
	static const bool one[] = { false, false, true };
	static const bool two[] = { false, true, true };
	char *path = xasprintf("%s/one.txt", tmpdir);
	struct gp_output *out = open_out(GP_FMT_TABLE, path, one);
	/* 2023-11-14 22:13:20.123456789 UTC */
	uint64_t t = 1700000000123456789ull;

	CHECK(out != NULL);
	if (!out)
		return;
	small_row(out, 2, 1, 5, "main", 0, 0, t);
	small_row(out, 2, 123456, -1234567, "a\tb\x01\xff", 0, 0, t + 1000);
	small_row(out, 2, 2, 0, "0123456789abcdef", 1, 1, t + 2000000);
	CHECK_INT(gp_output_close(out, NULL), 0);
	char *got = slurp(path);
	/* widths: header and first row, then growing (goid and n at row 2) */
	CHECK_STR(got, "time            pid goid n name\n"
		       "22:13:20.123456  77    1 5 main\n"
		       "22:13:20.123457  77 123456 -1234567 a\\tb\\x01\\xff\n"
		       "22:13:20.125456  77      2        - 0123456789abcdef\xe2\x80\xa6\n");
	free(got);
	free(path);

	path = xasprintf("%s/two.txt", tmpdir);
	out = open_out(GP_FMT_TABLE, path, two);
	CHECK(out != NULL);
	if (!out)
		return;
	small_row(out, 2, 1, 5, "x", 0, 0, t);
	str_row(out, "hi", 2, 0);
	CHECK_INT(gp_output_close(out, NULL), 0);
	got = slurp(path);
	CHECK_STR(got, "table time            pid goid n name\n"
		       "small 22:13:20.123456  77    1 5 x\n"
		       "table time            pid goid s\n"
		       "str   00:00:00.000000   1    0 hi\n");
	free(got);
	free(path);
}

static void test_errors(void)
{
	struct gp_column bad = { .name = "x", .fmt = GP_COL_INT, .off = 60, .size = 8 };
	struct gp_table t = { .name = "bad", .rec_size = 64, .cols = &bad, .ncols = 1 };
	struct gp_output_opts o = { .sz = sizeof(o), .fmt = GP_FMT_JSON };
	enum gp_format f;
	char *err = NULL;

	CHECK(gp_output_open(&t, 1, &o, &err) == NULL);
	CHECK(err && strstr(err, "column 'x'"));
	free(err);
	err = NULL;
	bad.off = 56;
	bad.size = 3;
	CHECK(gp_output_open(&t, 1, &o, &err) == NULL);
	free(err);

	CHECK_INT(gp_format_parse("csv", &f), 0);
	CHECK_INT(f, GP_FMT_CSV);
	CHECK_INT(gp_format_parse("xml", &f), -EINVAL);
}

/* A reader that goes away is -EPIPE, not a signal. */
static void test_epipe(void)
{
	int fds[2], saved = dup(STDOUT_FILENO);
	static const bool sel[] = { false, false, true };

	signal(SIGPIPE, SIG_IGN);
	CHECK(pipe(fds) == 0);
	close(fds[0]);
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	struct gp_output *out = open_out(GP_FMT_JSON, NULL, sel);
	CHECK(out != NULL);
	if (out) {
		small_row(out, 2, 1, 5, "x", 0, 0, 1);
		CHECK_INT(gp_output_flush(out), -EPIPE);
		gp_output_close(out, NULL);
	}
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_json_values();
	test_json_bytes();
	test_csv();
	test_table();
	test_errors();
	test_epipe();
	if (!check_failed) {
		char *cmd = xasprintf("rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
		free(cmd);
	}
	return check_done("test_output");
}
