/* output.c — table, JSON Lines and CSV writers over struct gp_table schemas.
 *
 * Rows are formatted into a per-file buffer and written with write(2) in
 * whole rows, so a row never interleaves with the output of a traced
 * command that shares our stdout, and a reader that goes away shows up as
 * -EPIPE (SIGPIPE is the caller's business) instead of killing us.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gprobe_record.h"
#include "utf8.h"
#include "util.h"

#define FLUSH_AT (256 * 1024)
#define CUT_MARK "\xe2\x80\xa6" /* U+2026 HORIZONTAL ELLIPSIS */
#define NIMPLICIT 3             /* time_ns, pid, goid */

struct sink {
	int fd;
	bool own;
	struct strbuf buf;
};

struct tstate {
	struct sink *sink;
	bool header_done;   /* table format */
	uint32_t *width;    /* table format: display width of each cell */
	uint32_t ncells;
};

#define MAX_CELLS (GP_MAX_COLUMNS + NIMPLICIT + 1)

/* One table-format line being laid out: all cell texts back to back. */
struct cells {
	struct strbuf text;
	size_t end[MAX_CELLS];
	bool right[MAX_CELLS];
	uint32_t n;
};

struct gp_output {
	enum gp_format fmt;
	const struct gp_table *tables;
	uint32_t ntables;
	bool *selected;
	uint32_t nselected;
	struct sink *sinks;
	uint32_t nsinks;
	struct tstate *ts;
	gp_sym_fn sym;
	void *sym_ctx;
	struct strbuf cell; /* csv: scratch for one field */
	struct cells row, head; /* table: scratch */
};

static void csv_header(struct strbuf *sb, const struct gp_table *t);

int gp_format_parse(const char *s, enum gp_format *fmt)
{
	static const char *const names[] = { "table", "json", "csv" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (s && strcmp(s, names[i]) == 0) {
			*fmt = (enum gp_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- raw slot access ------------------------------------------------ */

static uint64_t load_uint(const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size < 8 ? size : 8); /* little-endian host */
	return v;
}

static int64_t load_int(const uint8_t *p, uint32_t size)
{
	uint64_t v = load_uint(p, size);

	if (size < 8 && (v >> (size * 8 - 1)) & 1)
		v |= ~(uint64_t)0 << (size * 8);
	return (int64_t)v;
}

static bool col_is_null(const struct gp_record *r, uint32_t i)
{
	return i < 64 && (r->nulls >> i) & 1;
}

/* ---- strings -------------------------------------------------------- */

static void json_string(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	sb_putc(sb, '"');
	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i);
		unsigned char c = p[i];

		if (len == 0) {
			sb_puts(sb, "\\ufffd");
			i++;
			continue;
		}
		if (c == '"' || c == '\\') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)c);
		} else if (c == '\n') {
			sb_puts(sb, "\\n");
		} else if (c == '\r') {
			sb_puts(sb, "\\r");
		} else if (c == '\t') {
			sb_puts(sb, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			sb_printf(sb, "\\u%04x", c);
		} else {
			sb_add(sb, s + i, len);
		}
		i += len;
	}
	sb_putc(sb, '"');
}

/* Terminal-safe: control characters and ill-formed bytes become escapes. */
static void table_string(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i);
		unsigned char c = p[i];

		if (len == 0 || c < 0x20 || c == 0x7f) {
			if (c == '\n')
				sb_puts(sb, "\\n");
			else if (c == '\t')
				sb_puts(sb, "\\t");
			else if (c == '\r')
				sb_puts(sb, "\\r");
			else
				sb_printf(sb, "\\x%02x", c);
			i++;
			continue;
		}
		sb_add(sb, s + i, len);
		i += len;
	}
}

/* ---- values --------------------------------------------------------- */

/* Shortest decimal that reads back to the same value. */
static void put_float(struct strbuf *sb, double v, bool single)
{
	char buf[64];

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		double back = strtod(buf, NULL);
		if (single ? (float)back == (float)v : back == v)
			break;
	}
	sb_puts(sb, buf);
}

static double load_float(const uint8_t *p, uint32_t size)
{
	if (size == 4) {
		float f;
		memcpy(&f, p, 4);
		return f;
	}
	double d;
	memcpy(&d, p, 8);
	return d;
}

static const char *nonfinite(double v)
{
	if (isnan(v))
		return "NaN";
	if (isinf(v))
		return v > 0 ? "+Inf" : "-Inf";
	return NULL;
}

static const char *label_text(const struct gp_column *c, int64_t v)
{
	for (uint32_t i = 0; i < c->nlabels; i++)
		if (c->labels[i].value == v)
			return c->labels[i].text;
	return NULL;
}

static int64_t label_value(const struct gp_column *c, const uint8_t *p)
{
	return c->is_signed ? load_int(p, c->size) : (int64_t)load_uint(p, c->size);
}

static void put_label_number(struct strbuf *sb, const struct gp_column *c, int64_t v)
{
	if (c->is_signed)
		sb_printf(sb, "%" PRId64, v);
	else
		sb_printf(sb, "%" PRIu64, (uint64_t)v);
}

/* The text form shared by table and csv; `table` selects terminal escaping
 * of strings (csv keeps the bytes and quotes the field instead). */
static void text_value(struct gp_output *o, struct strbuf *sb, const struct gp_column *c,
		       const uint8_t *slot, bool table)
{
	const struct gp_str *str;
	const char *name;
	double f;
	uint32_t len;

	switch (c->fmt) {
	case GP_COL_INT:
		sb_printf(sb, "%" PRId64, load_int(slot, c->size));
		break;
	case GP_COL_UINT:
		sb_printf(sb, "%" PRIu64, load_uint(slot, c->size));
		break;
	case GP_COL_BOOL:
		sb_puts(sb, load_uint(slot, c->size) ? "true" : "false");
		break;
	case GP_COL_FLOAT:
		f = load_float(slot, c->size);
		if (nonfinite(f))
			sb_puts(sb, nonfinite(f));
		else
			put_float(sb, f, c->size == 4);
		break;
	case GP_COL_STRING:
		str = (const struct gp_str *)slot;
		len = str->len < c->max_string ? str->len : c->max_string;
		if (table)
			table_string(sb, str->data, len);
		else
			sb_add(sb, str->data, len);
		if (str->cut)
			sb_puts(sb, CUT_MARK);
		break;
	case GP_COL_SYM:
		name = o->sym ? o->sym(o->sym_ctx, load_uint(slot, c->size)) : NULL;
		if (name && table)
			table_string(sb, name, strlen(name));
		else if (name)
			sb_puts(sb, name);
		else
			sb_printf(sb, "0x%" PRIx64, load_uint(slot, c->size));
		break;
	case GP_COL_PTR:
		sb_printf(sb, "0x%" PRIx64, load_uint(slot, c->size));
		break;
	case GP_COL_LABEL:
		name = label_text(c, label_value(c, slot));
		if (name && table)
			table_string(sb, name, strlen(name));
		else if (name)
			sb_puts(sb, name);
		else
			put_label_number(sb, c, label_value(c, slot));
		break;
	}
}

static void json_value(struct gp_output *o, struct strbuf *sb, const struct gp_column *c,
		       const uint8_t *slot)
{
	const struct gp_str *str;
	const char *name;
	double f;

	switch (c->fmt) {
	case GP_COL_FLOAT:
		f = load_float(slot, c->size);
		if (nonfinite(f))
			sb_printf(sb, "\"%s\"", nonfinite(f));
		else
			put_float(sb, f, c->size == 4);
		break;
	case GP_COL_STRING:
		str = (const struct gp_str *)slot;
		json_string(sb, str->data, str->len < c->max_string ? str->len : c->max_string);
		if (str->cut) {
			sb_puts(sb, ",");
			json_string(sb, c->name, strlen(c->name));
			sb->len--; /* reopen the key to append the suffix */
			sb_puts(sb, "_cut\":true");
		}
		break;
	case GP_COL_SYM:
		name = o->sym ? o->sym(o->sym_ctx, load_uint(slot, c->size)) : NULL;
		if (name)
			json_string(sb, name, strlen(name));
		else
			sb_printf(sb, "\"0x%" PRIx64 "\"", load_uint(slot, c->size));
		break;
	case GP_COL_PTR:
		sb_printf(sb, "\"0x%" PRIx64 "\"", load_uint(slot, c->size));
		break;
	case GP_COL_LABEL:
		name = label_text(c, label_value(c, slot));
		if (name)
			json_string(sb, name, strlen(name));
		else
			put_label_number(sb, c, label_value(c, slot));
		break;
	default: /* numbers and booleans read the same in JSON */
		text_value(o, sb, c, slot, false);
		break;
	}
}

/* ---- sinks ---------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sink_flush(struct sink *s)
{
	int err = write_all(s->fd, s->buf.buf, s->buf.len);

	s->buf.len = 0;
	return err;
}

static int sink_open(struct sink *s, const char *path, char **err)
{
	s->fd = STDOUT_FILENO;
	s->own = false;
	if (!path || strcmp(path, "-") == 0)
		return 0;
	s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		int e = errno;
		*err = xasprintf("cannot create output file '%s': %s", path, strerror(e));
		return -e;
	}
	s->own = true;
	return 0;
}

/* ---- schema validation ---------------------------------------------- */

static bool int_size_ok(uint32_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static int check_column(const struct gp_table *t, const struct gp_column *c, char **err)
{
	uint64_t need = c->size;
	bool ok;

	if (!c->name) {
		*err = xasprintf("table '%s': column without a name", t->name);
		return -EINVAL;
	}
	switch (c->fmt) {
	case GP_COL_FLOAT:
		ok = c->size == 4 || c->size == 8;
		break;
	case GP_COL_BOOL:
		ok = c->size >= 1 && c->size <= 8;
		break;
	case GP_COL_STRING:
		ok = true;
		need = sizeof(struct gp_str) + (uint64_t)c->max_string;
		break;
	case GP_COL_LABEL:
		ok = int_size_ok(c->size) && (c->nlabels == 0 || c->labels);
		for (uint32_t i = 0; ok && i < c->nlabels; i++)
			ok = c->labels[i].text != NULL;
		break;
	default:
		ok = int_size_ok(c->size);
		break;
	}
	if (!ok || (uint64_t)c->off + need > t->rec_size || c->off < sizeof(struct gp_record)) {
		*err = xasprintf("table '%s': column '%s' (format %d, offset %u, size %u) does not fit its %u-byte record",
				 t->name, c->name, (int)c->fmt, c->off, c->size, t->rec_size);
		return -EINVAL;
	}
	return 0;
}

static int check_table(const struct gp_table *t, char **err)
{
	if (!t->name) {
		*err = xstrdup("table without a name");
		return -EINVAL;
	}
	if (t->rec_size < sizeof(struct gp_record) || t->ncols > GP_MAX_COLUMNS ||
	    (t->ncols && !t->cols)) {
		*err = xasprintf("table '%s': bad schema (%u columns, %u-byte record)", t->name,
				 t->ncols, t->rec_size);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < t->ncols; i++) {
		int e = check_column(t, &t->cols[i], err);
		if (e)
			return e;
	}
	return 0;
}

/* ---- open / close --------------------------------------------------- */

static int open_csv_dir(struct gp_output *o, const char *dir, char **err)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		int e = errno;
		*err = xasprintf("cannot create output directory '%s': %s", dir, strerror(e));
		return -e;
	}
	o->sinks = xcalloc(o->ntables, sizeof(*o->sinks));
	for (uint32_t i = 0; i < o->ntables; i++) {
		if (!o->selected[i])
			continue;
		char *path = xasprintf("%s/%s.csv", dir, o->tables[i].name);
		int e = sink_open(&o->sinks[o->nsinks], path, err);
		free(path);
		if (e)
			return e;
		o->ts[i].sink = &o->sinks[o->nsinks++];
	}
	return 0;
}

static int open_sinks(struct gp_output *o, const char *path, char **err)
{
	bool to_stdout = !path || strcmp(path, "-") == 0;

	if (o->fmt == GP_FMT_CSV && (!to_stdout || o->nselected != 1)) {
		struct stat st;
		if (to_stdout) {
			*err = xasprintf("csv writes one file per table: %u tables are selected, so give a directory with -o DIR or select one table with -t",
					 o->nselected);
			return -EINVAL;
		}
		/* one selected table may still go to a plain file */
		if (o->nselected != 1 || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
			return open_csv_dir(o, path, err);
	}
	o->sinks = xcalloc(1, sizeof(*o->sinks));
	o->nsinks = 1;
	for (uint32_t i = 0; i < o->ntables; i++)
		o->ts[i].sink = o->sinks;
	return sink_open(o->sinks, path, err);
}

struct gp_output *gp_output_open(const struct gp_table *tables, uint32_t ntables,
				 const struct gp_output_opts *opts, char **err)
{
	struct gp_output *o = xcalloc(1, sizeof(*o));

	o->fmt = opts->fmt;
	o->tables = tables;
	o->ntables = ntables;
	o->sym = opts->sym;
	o->sym_ctx = opts->sym_ctx;
	o->selected = xcalloc(ntables, sizeof(bool));
	o->ts = xcalloc(ntables, sizeof(*o->ts));
	for (uint32_t i = 0; i < ntables; i++) {
		o->selected[i] = !opts->selected || opts->selected[i];
		if (!o->selected[i])
			continue;
		o->nselected++;
		if (check_table(&tables[i], err))
			goto fail;
		o->ts[i].ncells = MAX_CELLS;
		o->ts[i].width = xcalloc(o->ts[i].ncells, sizeof(uint32_t));
	}
	if (opts->fmt > GP_FMT_CSV) {
		*err = xasprintf("unknown output format %d", (int)opts->fmt);
		goto fail;
	}
	if (open_sinks(o, opts->path, err))
		goto fail;
	/* a csv file has its header even when no row comes */
	for (uint32_t i = 0; o->fmt == GP_FMT_CSV && i < ntables; i++)
		if (o->selected[i])
			csv_header(&o->ts[i].sink->buf, &tables[i]);
	return o;
fail:
	gp_output_close(o, NULL);
	return NULL;
}

int gp_output_flush(struct gp_output *o)
{
	int ret = 0;

	for (uint32_t i = 0; o && i < o->nsinks; i++) {
		int e = sink_flush(&o->sinks[i]);
		if (e && !ret)
			ret = e;
	}
	return ret;
}

int gp_output_close(struct gp_output *o, char **err)
{
	int ret;

	if (!o)
		return 0;
	ret = gp_output_flush(o);
	if (ret && err)
		*err = xasprintf("cannot write rows: %s", strerror(-ret));
	for (uint32_t i = 0; i < o->nsinks; i++) {
		struct sink *s = &o->sinks[i];
		if (s->own && close(s->fd) < 0 && !ret) {
			ret = -errno;
			if (err)
				*err = xasprintf("cannot write rows: %s", strerror(errno));
		}
		sb_free(&s->buf);
	}
	for (uint32_t i = 0; i < o->ntables; i++)
		free(o->ts[i].width);
	free(o->ts);
	free(o->sinks);
	free(o->selected);
	sb_free(&o->cell);
	sb_free(&o->row.text);
	sb_free(&o->head.text);
	free(o);
	return ret;
}

/* ---- rows ----------------------------------------------------------- */

static void json_row(struct gp_output *o, struct strbuf *sb, const struct gp_table *t,
		     const uint8_t *rec, uint64_t time_ns)
{
	const struct gp_record *r = (const struct gp_record *)rec;

	sb_puts(sb, "{\"table\":");
	json_string(sb, t->name, strlen(t->name));
	sb_printf(sb, ",\"time_ns\":%" PRIu64 ",\"pid\":%u,\"goid\":%" PRIu64, time_ns,
		  (unsigned)r->pid, (uint64_t)r->goid);
	for (uint32_t i = 0; i < t->ncols; i++) {
		const struct gp_column *c = &t->cols[i];
		sb_putc(sb, ',');
		json_string(sb, c->name, strlen(c->name));
		sb_putc(sb, ':');
		if (col_is_null(r, i))
			sb_puts(sb, "null");
		else
			json_value(o, sb, c, rec + c->off);
	}
	sb_puts(sb, "}\n");
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double quotes. */
static void csv_field(struct strbuf *sb, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) &&
	    !memchr(s, '\r', n)) {
		sb_add(sb, s, n);
		return;
	}
	sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			sb_putc(sb, '"');
		sb_putc(sb, s[i]);
	}
	sb_putc(sb, '"');
}

static void csv_header(struct strbuf *sb, const struct gp_table *t)
{
	sb_puts(sb, "time_ns,pid,goid");
	for (uint32_t i = 0; i < t->ncols; i++) {
		sb_putc(sb, ',');
		csv_field(sb, t->cols[i].name, strlen(t->cols[i].name));
	}
	sb_putc(sb, '\n');
}

static void csv_row(struct gp_output *o, struct strbuf *sb, const struct gp_table *t,
		    const uint8_t *rec, uint64_t time_ns)
{
	const struct gp_record *r = (const struct gp_record *)rec;

	sb_printf(sb, "%" PRIu64 ",%u,%" PRIu64, time_ns, (unsigned)r->pid, (uint64_t)r->goid);
	for (uint32_t i = 0; i < t->ncols; i++) {
		sb_putc(sb, ',');
		if (col_is_null(r, i))
			continue;
		o->cell.len = 0;
		text_value(o, &o->cell, &t->cols[i], rec + t->cols[i].off, false);
		csv_field(sb, o->cell.buf, o->cell.len);
	}
	sb_putc(sb, '\n');
}

/* Display width: code points, since the cut mark and Go text are UTF-8. */
static uint32_t text_width(const char *s, size_t n)
{
	uint32_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

static bool right_aligned(enum gp_colfmt f)
{
	return f == GP_COL_INT || f == GP_COL_UINT || f == GP_COL_FLOAT;
}

/* Close the cell whose text was just appended to c->text. */
static void end_cell(struct cells *c, bool right)
{
	if (c->n >= MAX_CELLS)
		return; /* unreachable: schemas are checked against GP_MAX_COLUMNS */
	c->end[c->n] = c->text.len;
	c->right[c->n++] = right;
}

static void put_cells(struct strbuf *sb, const struct tstate *ts, const struct cells *c,
		      const bool *right)
{
	for (uint32_t k = 0; k < c->n; k++) {
		size_t start = k ? c->end[k - 1] : 0;
		uint32_t w = text_width(c->text.buf + start, c->end[k] - start);
		uint32_t pad = w < ts->width[k] ? ts->width[k] - w : 0;
		bool last = k + 1 == c->n;

		if (k)
			sb_putc(sb, ' ');
		for (uint32_t i = 0; right[k] && i < pad; i++)
			sb_putc(sb, ' ');
		sb_add(sb, c->text.buf + start, c->end[k] - start);
		for (uint32_t i = 0; !right[k] && !last && i < pad; i++)
			sb_putc(sb, ' ');
	}
	sb_putc(sb, '\n');
}

static void grow_widths(struct tstate *ts, const struct cells *c)
{
	for (uint32_t k = 0; k < c->n && k < ts->ncells; k++) {
		size_t start = k ? c->end[k - 1] : 0;
		uint32_t w = text_width(c->text.buf + start, c->end[k] - start);
		if (w > ts->width[k])
			ts->width[k] = w;
	}
}

static void table_time(struct strbuf *sb, uint64_t time_ns)
{
	time_t sec = (time_t)(time_ns / 1000000000u);
	struct tm tm;

	if (!localtime_r(&sec, &tm)) {
		sb_printf(sb, "%" PRIu64, time_ns);
		return;
	}
	sb_printf(sb, "%02d:%02d:%02d.%06u", tm.tm_hour, tm.tm_min, tm.tm_sec,
		  (unsigned)(time_ns % 1000000000u / 1000u));
}

static void table_header(struct gp_output *o, struct cells *c, const struct gp_table *t)
{
	c->text.len = 0;
	c->n = 0;
	if (o->nselected > 1) {
		sb_puts(&c->text, "table");
		end_cell(c, false);
	}
	sb_puts(&c->text, "time");
	end_cell(c, false);
	sb_puts(&c->text, "pid");
	end_cell(c, true);
	sb_puts(&c->text, "goid");
	end_cell(c, true);
	for (uint32_t i = 0; i < t->ncols; i++) {
		table_string(&c->text, t->cols[i].name, strlen(t->cols[i].name));
		end_cell(c, right_aligned(t->cols[i].fmt));
	}
}

static void table_cells(struct gp_output *o, struct cells *c, const struct gp_table *t,
			const uint8_t *rec, uint64_t time_ns)
{
	const struct gp_record *r = (const struct gp_record *)rec;

	c->text.len = 0;
	c->n = 0;
	if (o->nselected > 1) {
		table_string(&c->text, t->name, strlen(t->name));
		end_cell(c, false);
	}
	table_time(&c->text, time_ns);
	end_cell(c, false);
	sb_printf(&c->text, "%u", (unsigned)r->pid);
	end_cell(c, true);
	sb_printf(&c->text, "%" PRIu64, (uint64_t)r->goid);
	end_cell(c, true);
	for (uint32_t i = 0; i < t->ncols; i++) {
		if (col_is_null(r, i))
			sb_putc(&c->text, '-');
		else
			text_value(o, &c->text, &t->cols[i], rec + t->cols[i].off, true);
		end_cell(c, right_aligned(t->cols[i].fmt));
	}
}

/* Widths start from the header and the first row and only ever grow, so
 * a column never shrinks under the reader's eyes. */
static void table_row(struct gp_output *o, struct strbuf *sb, uint32_t ti, const uint8_t *rec,
		      uint64_t time_ns)
{
	const struct gp_table *t = &o->tables[ti];
	struct tstate *ts = &o->ts[ti];

	table_cells(o, &o->row, t, rec, time_ns);
	grow_widths(ts, &o->row);
	if (!ts->header_done) {
		table_header(o, &o->head, t);
		grow_widths(ts, &o->head);
		put_cells(sb, ts, &o->head, o->row.right);
		ts->header_done = true;
	}
	put_cells(sb, ts, &o->row, o->row.right);
}

int gp_output_row(struct gp_output *o, uint32_t ti, const void *rec, uint64_t time_ns)
{
	struct sink *s;

	if (ti >= o->ntables || !o->selected[ti])
		return 0;
	s = o->ts[ti].sink;
	switch (o->fmt) {
	case GP_FMT_JSON:
		json_row(o, &s->buf, &o->tables[ti], rec, time_ns);
		break;
	case GP_FMT_CSV:
		csv_row(o, &s->buf, &o->tables[ti], rec, time_ns);
		break;
	case GP_FMT_TABLE:
		table_row(o, &s->buf, ti, rec, time_ns);
		break;
	}
	return s->buf.len >= FLUSH_AT ? sink_flush(s) : 0;
}
