/* fuzz_output.c — the JSON, CSV and table writers on arbitrary records.
 *
 * The input is a sequence of raw records of one fixed table whose columns
 * cover every format; strings, label texts and function names carry quotes,
 * commas, newlines, control and ill-formed UTF-8 bytes. Oracles:
 *  - json: every line is one valid JSON object in valid UTF-8 (json_check.c),
 *    members in schema order, and each string column decodes to exactly the
 *    captured bytes with every ill-formed byte as U+FFFD (docs/output.md);
 *  - csv: the file parses back (RFC 4180) into header + one record per row,
 *    each with every column, and each string field is the captured bytes
 *    verbatim (plus the cut mark);
 *  - table: valid UTF-8, one line per row, no control bytes but newlines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "gprobe_record.h"
#include "json_check.h"
#include "output.h"

#define REC_SIZE 136
#define CUT_MARK "\xe2\x80\xa6"

static struct gp_label labels[] = {
	{ 0, "zero" }, { 1, "a \"quoted\", label" }, { 2, "line\nbreak\r\ttab" },
	{ 3, "bad \xff\xc0\xaf utf8" }, { -1, "\x7f\x01 ctl" }, { 5, "" },
};

static struct gp_column cols[] = {
	{ .name = "s", .fmt = GP_COL_STRING, .off = 32, .size = 32, .max_string = 24 },
	{ .name = "i", .fmt = GP_COL_INT, .off = 64, .size = 8 },
	{ .name = "u", .fmt = GP_COL_UINT, .off = 72, .size = 4 },
	{ .name = "b", .fmt = GP_COL_BOOL, .off = 76, .size = 1 },
	{ .name = "f64", .fmt = GP_COL_FLOAT, .off = 80, .size = 8 },
	{ .name = "f32", .fmt = GP_COL_FLOAT, .off = 88, .size = 4 },
	{ .name = "p", .fmt = GP_COL_PTR, .off = 96, .size = 8 },
	{ .name = "l", .fmt = GP_COL_LABEL, .off = 104, .size = 2, .is_signed = true,
	  .labels = labels, .nlabels = sizeof(labels) / sizeof(labels[0]) },
	{ .name = "fn", .fmt = GP_COL_SYM, .off = 112, .size = 8 },
	{ .name = "t", .fmt = GP_COL_STRING, .off = 120, .size = 16, .max_string = 8 },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static struct gp_table table = { .name = "fz", .id = 0, .rec_size = REC_SIZE, .cols = cols,
				 .ncols = NCOLS };

static int memfd = -1;
static char mempath[64];

static const char *sym(void *ctx, uint64_t addr)
{
	static const char *const names[] = { "main.(*T).M", "a\"b,c\nd", "\xfe\xff", NULL };

	(void)ctx;
	return names[addr % 4];
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	memfd = fuzz_memfile("", 0, mempath, sizeof(mempath));
	return 0;
}

static void die(const char *fmt, const char *a, size_t n, const char *b)
{
	fprintf(stderr, fmt, a);
	fprintf(stderr, "\n  line: %.*s\n  %s\n", (int)n, b, "");
	abort();
}

static char *slurp(size_t *len)
{
	off_t end = lseek(memfd, 0, SEEK_END);
	char *buf = malloc((size_t)end + 1);

	if (!buf || pread(memfd, buf, (size_t)end, 0) != end)
		abort();
	buf[end] = 0;
	*len = (size_t)end;
	return buf;
}

/* A string column's captured bytes, as the records hold them. */
static bool str_of(const uint8_t *rec, uint32_t ci, const uint8_t **p, size_t *n, bool *cut)
{
	const struct gp_record *r = (const struct gp_record *)rec;
	const struct gp_str *s = (const struct gp_str *)(rec + cols[ci].off);

	if (r->nulls >> ci & 1)
		return false;
	*p = (const uint8_t *)s->data;
	*n = s->len < cols[ci].max_string ? s->len : cols[ci].max_string;
	*cut = s->cut != 0;
	return true;
}

/* What JSON must decode to: well-formed UTF-8 kept, every other byte U+FFFD. */
static size_t json_expect(const uint8_t *p, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq_len(p + i, n - i);
		if (!k) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3, i++;
		} else {
			memcpy(out + o, p + i, k);
			o += k, i += k;
		}
	}
	return o;
}

static void check_json_string(const struct json_member *m, size_t *mi, size_t nm,
			      const uint8_t *rec, uint32_t ci, const char *line, size_t ll)
{
	const uint8_t *p;
	uint8_t want[4 * 64];
	size_t n, wn;
	bool cut;

	if (!str_of(rec, ci, &p, &n, &cut)) {
		if (m[*mi].kind != JK_NULL)
			die("json: null string column %s not null", cols[ci].name, ll, line);
		return;
	}
	wn = json_expect(p, n, want);
	if (m[*mi].kind != JK_STRING || m[*mi].len != wn || memcmp(m[*mi].str, want, wn))
		die("json: string column %s does not decode to the captured bytes",
		    cols[ci].name, ll, line);
	if (cut) {
		char key[64];
		snprintf(key, sizeof(key), "%s_cut", cols[ci].name);
		if (++*mi >= nm || strcmp(m[*mi].key, key) || m[*mi].kind != JK_TRUE)
			die("json: cut column %s lacks its _cut member", cols[ci].name, ll, line);
	}
}

static void check_json(const uint8_t *recs, size_t nrows)
{
	static struct json_member m[JSON_MAX_MEMBERS];
	static const char *const head[] = { "table", "time_ns", "pid", "goid" };
	size_t len, nm, row = 0;
	char *out = slurp(&len), *line = out;
	const char *why;

	while (line < out + len) {
		char *nl = memchr(line, '\n', (size_t)(out + len - line));
		size_t ll, mi = 4;
		const uint8_t *rec = recs + row * REC_SIZE;

		if (!nl)
			die("json: %s", "last line not terminated", 0, "");
		ll = (size_t)(nl - line);
		if (row >= nrows)
			die("json: %s", "more lines than rows", ll, line);
		if (!json_check_row(line, ll, m, &nm, &why))
			die("json: invalid: %s", why, ll, line);
		for (size_t k = 0; k < 4; k++)
			if (nm <= k || strcmp(m[k].key, head[k]))
				die("json: member %s missing or out of place", head[k], ll, line);
		for (uint32_t ci = 0; ci < NCOLS; ci++, mi++) {
			if (mi >= nm || strcmp(m[mi].key, cols[ci].name))
				die("json: column %s missing or out of place", cols[ci].name, ll, line);
			if (cols[ci].fmt == GP_COL_STRING)
				check_json_string(m, &mi, nm, rec, ci, line, ll);
		}
		if (mi != nm)
			die("json: %s", "extra members", ll, line);
		row++;
		line = nl + 1;
	}
	if (row != nrows)
		die("json: %s", "fewer lines than rows", 0, "");
	free(out);
}

/* One RFC 4180 record from *p; fields as [start, len) into `buf`, unquoted. */
static size_t csv_record(const char **p, const char *end, char *buf, size_t *starts,
			 size_t *lens, size_t max)
{
	size_t nf = 0, bl = 0;

	for (;;) {
		size_t st = bl;
		if (*p < end && **p == '"') {
			(*p)++;
			for (;;) {
				if (*p >= end)
					die("csv: %s", "unterminated quoted field", 0, "");
				if (**p == '"' && *p + 1 < end && (*p)[1] == '"') {
					buf[bl++] = '"';
					*p += 2;
				} else if (**p == '"') {
					(*p)++;
					break;
				} else {
					buf[bl++] = *(*p)++;
				}
			}
		} else {
			while (*p < end && **p != ',' && **p != '\n') {
				if (**p == '"' || **p == '\r')
					die("csv: %s", "quote or CR in an unquoted field", 0, "");
				buf[bl++] = *(*p)++;
			}
		}
		if (nf == max)
			die("csv: %s", "too many fields", 0, "");
		starts[nf] = st, lens[nf] = bl - st, nf++;
		if (*p >= end)
			die("csv: %s", "record not terminated by LF", 0, "");
		if (*(*p)++ == '\n')
			return nf;
	}
}

static void check_csv(const uint8_t *recs, size_t nrows)
{
	size_t len, starts[NCOLS + 4], lens[NCOLS + 4], nf, row = 0;
	char *out = slurp(&len), *buf = malloc(len + 1);
	const char *p = out, *end = out + len;

	nf = csv_record(&p, end, buf, starts, lens, NCOLS + 4);
	if (nf != NCOLS + 3)
		die("csv: %s", "header has the wrong number of fields", 0, "");
	while (p < end) {
		const uint8_t *rec = recs + row * REC_SIZE;

		if (row >= nrows)
			die("csv: %s", "more records than rows", 0, "");
		nf = csv_record(&p, end, buf, starts, lens, NCOLS + 4);
		if (nf != NCOLS + 3)
			die("csv: %s", "record has the wrong number of fields", 0, "");
		for (uint32_t ci = 0; ci < NCOLS; ci++) {
			const uint8_t *s;
			size_t n, fl = lens[ci + 3];
			const char *f = buf + starts[ci + 3];
			bool cut;

			if (cols[ci].fmt != GP_COL_STRING)
				continue;
			if (!str_of(rec, ci, &s, &n, &cut)) {
				if (fl)
					die("csv: null column %s not empty", cols[ci].name, 0, "");
				continue;
			}
			if (fl != n + (cut ? 3 : 0) || memcmp(f, s, n) ||
			    (cut && memcmp(f + n, CUT_MARK, 3)))
				die("csv: column %s does not round-trip", cols[ci].name, fl, f);
		}
		row++;
	}
	if (row != nrows)
		die("csv: %s", "fewer records than rows", 0, "");
	free(buf);
	free(out);
}

static void check_table(size_t nrows)
{
	size_t len, lines = 0;
	char *out = slurp(&len);
	const uint8_t *p = (const uint8_t *)out;

	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq_len(p + i, len - i);
		if (!k)
			die("table: %s", "ill-formed UTF-8", 0, "");
		if (p[i] == '\n')
			lines++;
		else if (p[i] < 0x20 || p[i] == 0x7f)
			die("table: %s", "control byte in the output", 0, "");
		i += k;
	}
	if (nrows && lines != nrows + 1)
		die("table: %s", "not one line per row plus the header", 0, "");
	free(out);
}

static void run(enum gp_format fmt, const uint8_t *recs, size_t nrows)
{
	struct gp_output_opts o = { .sz = sizeof(o), .fmt = fmt, .path = mempath,
				    .sym = sym };
	struct gp_output *out;
	char *err = NULL;

	fuzz_memfile_set(memfd, "", 0);
	out = gp_output_open(&table, 1, &o, &err);
	if (!out) {
		fprintf(stderr, "gp_output_open: %s\n", err);
		abort();
	}
	for (size_t r = 0; r < nrows; r++) {
		const struct gp_record *h = (const void *)(recs + r * REC_SIZE);
		if (gp_output_row(out, 0, h, h->ktime_ns))
			abort();
	}
	if (gp_output_close(out, &err))
		abort();
	if (fmt == GP_FMT_JSON)
		check_json(recs, nrows);
	else if (fmt == GP_FMT_CSV)
		check_csv(recs, nrows);
	else
		check_table(nrows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nrows = (size + REC_SIZE - 1) / REC_SIZE;
	uint8_t *recs;

	if (nrows > 64)
		nrows = 64;
	/* 8-aligned copies, zero-padded: records come from the ring buffer so. */
	recs = aligned_alloc(8, nrows * REC_SIZE + 8);
	memset(recs, 0, nrows * REC_SIZE + 8);
	memcpy(recs, data, size < nrows * REC_SIZE ? size : nrows * REC_SIZE);
	for (size_t r = 0; r < nrows; r++)
		((struct gp_record *)(recs + r * REC_SIZE))->table = 0;
	run(GP_FMT_JSON, recs, nrows);
	run(GP_FMT_CSV, recs, nrows);
	run(GP_FMT_TABLE, recs, nrows);
	free(recs);
	return 0;
}
