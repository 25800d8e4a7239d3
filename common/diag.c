/* diag.c — render located diagnostics with the offending source line. */
#include "diag.h"

#include <stdarg.h>
#include <string.h>

static const char *const level_names[] = {"error", "warning", "note"};

/* Find line `line` (1-based) in the file; returns its start and length. */
static const char *find_line(const struct srcfile *f, uint32_t line, size_t *len)
{
	const char *p = f->text, *end = f->text + f->len;
	uint32_t l = 1;

	for (; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	/* A line past the end of the file: no source to show. */
	if (l < line || (p == end && line > 1))
		return NULL;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*len = (size_t)((nl ? nl : end) - p);
	if (*len && p[*len - 1] == '\r')
		(*len)--;
	return p;
}

static void render_source(struct strbuf *sb, struct srcloc loc)
{
	size_t len;
	const char *text;

	if (!loc.file || !loc.file->text || !loc.line)
		return;
	text = find_line(loc.file, loc.line, &len);
	if (!text)
		return;
	sb_printf(sb, "%5u | ", loc.line);
	/* Control bytes would garble the terminal: show them as '?'. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		sb_putc(sb, (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c);
	}
	sb_puts(sb, "\n      | ");
	for (uint32_t i = 1; i < loc.col && i <= len; i++)
		sb_putc(sb, text[i - 1] == '\t' ? '\t' : ' ');
	sb_putc(sb, '^');
	for (uint32_t i = 1; i < loc.len && loc.col + i <= len; i++)
		sb_putc(sb, '~');
	sb_putc(sb, '\n');
}

void diag_vat(struct diags *d, enum diag_level lvl, struct srcloc loc, const char *fmt, va_list ap)
{
	if (loc.file && loc.line)
		sb_printf(&d->out, "%s:%u:%u: ", loc.file->path, loc.line, loc.col ? loc.col : 1);
	else if (loc.file)
		sb_printf(&d->out, "%s: ", loc.file->path);
	else
		sb_puts(&d->out, "gprobe: ");
	sb_printf(&d->out, "%s: ", level_names[lvl]);
	sb_vprintf(&d->out, fmt, ap);
	sb_putc(&d->out, '\n');
	render_source(&d->out, loc);
	if (lvl == DIAG_ERROR)
		d->nerrors++;
	else if (lvl == DIAG_WARNING)
		d->nwarnings++;
}

void diag_at(struct diags *d, enum diag_level lvl, struct srcloc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vat(d, lvl, loc, fmt, ap);
	va_end(ap);
}

struct srcloc srcloc_shift(struct srcloc loc, uint32_t delta, uint32_t len)
{
	loc.col += delta;
	loc.len = len;
	return loc;
}

void diags_free(struct diags *d)
{
	sb_free(&d->out);
	d->nerrors = d->nwarnings = 0;
}

struct srcloc srcloc_in(struct srcloc start, const char *text, size_t off, size_t len)
{
	size_t line_start = 0;
	uint32_t nl = 0;

	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			nl++;
			line_start = i + 1;
		}
	}
	if (nl) {
		start.line += nl;
		start.col = 1 + (uint32_t)(off - line_start);
	} else {
		start.col += (uint32_t)off;
	}
	/* Underline no further than the end of the line. */
	for (size_t i = off; i < off + len; i++) {
		if (text[i] == '\n') {
			len = i - off;
			break;
		}
	}
	start.len = (uint32_t)len;
	return start;
}
