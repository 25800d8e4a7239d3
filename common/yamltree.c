/* yamltree.c — libyaml events -> a located tree (see yamltree.h). */
#include "yamltree.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util.h"

/* ---- locations ---- */

void ytext_init(struct ytext *t, const struct srcfile *f)
{
	const char *p = f->text, *end = f->text + f->len;
	size_t cap = 0;

	t->file = f;
	t->lines = NULL;
	t->nlines = 0;
	VEC_PUSH(t->lines, t->nlines, cap, 0);
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		p++;
		VEC_PUSH(t->lines, t->nlines, cap, (size_t)(p - f->text));
	}
}

void ytext_free(struct ytext *t)
{
	free(t->lines);
	t->lines = NULL;
	t->nlines = 0;
}

/* The location of [off, off + len) on line `line` (0-based), which holds off. */
static struct srcloc loc_on_line(const struct ytext *t, size_t line, size_t off, size_t len)
{
	const char *s = t->file->text;

	for (size_t i = off; i < off + len && i < t->file->len; i++) {
		if (s[i] == '\n' || s[i] == '\r') {
			len = i - off;
			break;
		}
	}
	return (struct srcloc){t->file, (uint32_t)line + 1, (uint32_t)(off - t->lines[line]) + 1,
			       (uint32_t)len};
}

struct srcloc ytext_loc(const struct ytext *t, size_t off, size_t len)
{
	size_t lo = 0, hi = t->nlines;

	/* Last line starting at or before off. */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (t->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return loc_on_line(t, lo, off, len);
}

/* ---- the builder ---- */

struct builder {
	const struct ytext *t;
	const struct ytree_limits *lim;
	struct yproblem *p;
	struct ynode **stack; /* open sequences and mappings, max_depth of them */
	int depth;
	struct ynode *root;
	int docs;
	uint32_t nnodes;
	/* libyaml marks count characters from the start (after a byte order
	 * mark); locations count bytes. Events come in file order, so one
	 * cursor walked back and forth converts them in linear time. */
	size_t mark_chars, mark_bytes, bom;
	size_t line; /* the line of the last location made, where the next one starts looking */
};

/* ytext_loc, but from the line of the last location: linear in all. */
static struct srcloc loc_at(struct builder *b, size_t off, size_t len)
{
	const struct ytext *t = b->t;

	while (b->line + 1 < t->nlines && t->lines[b->line + 1] <= off)
		b->line++;
	while (b->line > 0 && t->lines[b->line] > off)
		b->line--;
	return loc_on_line(t, b->line, off, len);
}

static size_t mark_off(struct builder *b, yaml_mark_t m)
{
	const unsigned char *s = (const unsigned char *)b->t->file->text;
	size_t n = b->t->file->len;

	while (b->mark_chars < m.index && b->mark_bytes < n) {
		b->mark_bytes++;
		while (b->mark_bytes < n && (s[b->mark_bytes] & 0xc0) == 0x80)
			b->mark_bytes++;
		b->mark_chars++;
	}
	while (b->mark_chars > m.index && b->mark_bytes > b->bom) {
		b->mark_bytes--;
		while (b->mark_bytes > b->bom && (s[b->mark_bytes] & 0xc0) == 0x80)
			b->mark_bytes--;
		b->mark_chars--;
	}
	return b->mark_bytes;
}

static bool problem(struct builder *b, enum yproblem_kind kind, yaml_mark_t m, size_t len)
{
	b->p->kind = kind;
	b->p->loc = loc_at(b, mark_off(b, m), len);
	b->p->yline = (uint32_t)m.line + 1;
	b->p->ycol = (uint32_t)m.column + 1;
	return false;
}

static void parser_problem(struct builder *b, const yaml_parser_t *yp)
{
	struct yproblem *p = b->p;

	p->text = yp->problem;
	if (yp->error == YAML_READER_ERROR) {
		p->kind = YP_READER;
		p->offset = yp->problem_offset;
		p->loc = ytext_loc(b->t, yp->problem_offset, 1);
		p->yline = p->loc.line;
		p->ycol = p->loc.col;
		return;
	}
	problem(b, yp->error == YAML_MEMORY_ERROR ? YP_MEMORY : YP_SYNTAX, yp->problem_mark, 1);
	if (yp->context) {
		p->context = yp->context;
		p->context_loc = loc_at(b, mark_off(b, yp->context_mark), 1);
	}
}

static bool event_allowed(struct builder *b, const yaml_event_t *ev)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return problem(b, YP_ALIAS, ev->start_mark, 1);
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		return true;
	}
	if (anchor)
		return problem(b, YP_ANCHOR, ev->start_mark, 1);
	if (tag)
		return problem(b, YP_TAG, ev->start_mark, 1);
	return true;
}

static struct ynode *ynode_new(struct builder *b, enum ykind kind, const yaml_event_t *ev)
{
	struct ynode *y = xcalloc(1, sizeof(*y));

	y->kind = kind;
	y->start = mark_off(b, ev->start_mark);
	y->end = mark_off(b, ev->end_mark);
	y->loc = loc_at(b, y->start, y->end - y->start);
	y->yline = (uint32_t)ev->start_mark.line + 1;
	y->ycol = (uint32_t)ev->start_mark.column + 1;
	return y;
}

static enum ystyle style_of(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return Y_SINGLE_QUOTED;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return Y_DOUBLE_QUOTED;
	case YAML_LITERAL_SCALAR_STYLE:
		return Y_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return Y_FOLDED;
	default:
		return Y_PLAIN;
	}
}

/* Take one event into the tree; false stops the build (problem filled in). */
static bool take_event(struct builder *b, const yaml_event_t *ev)
{
	struct ynode *y = NULL, *parent = b->depth ? b->stack[b->depth - 1] : NULL;

	if (!event_allowed(b, ev))
		return false;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1)
			return problem(b, YP_DOCUMENTS, ev->start_mark, 3);
		return true;
	case YAML_SCALAR_EVENT:
		y = ynode_new(b, Y_SCALAR, ev);
		y->style = style_of(ev->data.scalar.style);
		y->value = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		y->vlen = ev->data.scalar.length;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		y = ynode_new(b, ev->type == YAML_MAPPING_START_EVENT ? Y_MAP : Y_SEQ, ev);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		parent->end = mark_off(b, ev->end_mark);
		parent->loc = loc_on_line(b->t, parent->loc.line - 1, parent->start,
					  parent->end - parent->start);
		b->depth--;
		return true;
	default:
		return true;
	}
	if (++b->nnodes > b->lim->max_nodes) {
		problem(b, YP_NODES, ev->start_mark, 1);
		b->p->loc = y->loc;
		ynode_free(y);
		return false;
	}
	if (parent)
		VEC_PUSH(parent->kids, parent->nkids, parent->cap, y);
	else
		b->root = y;
	if (y->kind != Y_SCALAR) {
		if (b->depth >= b->lim->max_depth) {
			problem(b, YP_DEPTH, ev->start_mark, 1);
			b->p->loc = y->loc;
			return false;
		}
		b->stack[b->depth++] = y;
	}
	return true;
}

struct ynode *ytree_parse(const struct ytext *t, const struct ytree_limits *lim,
			  struct yproblem *p)
{
	const unsigned char *s = (const unsigned char *)t->file->text;
	yaml_parser_t yp;
	yaml_event_t ev;
	struct builder b = {.t = t, .lim = lim, .p = p};
	bool ok = true, done = false;

	memset(p, 0, sizeof(*p));
	if (t->file->len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		b.bom = b.mark_bytes = 3;
	b.stack = xcalloc((size_t)lim->max_depth + 1, sizeof(*b.stack));
	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, s, t->file->len);
	while (ok && !done) {
		if (!yaml_parser_parse(&yp, &ev)) {
			parser_problem(&b, &yp);
			ok = false;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		ok = take_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	free(b.stack);
	if (ok && !b.root) {
		p->kind = YP_EMPTY;
		p->loc = (struct srcloc){.file = t->file};
		p->yline = p->ycol = 1;
		ok = false;
	}
	if (!ok) {
		ynode_free(b.root);
		return NULL;
	}
	return b.root;
}

void ynode_free(struct ynode *y)
{
	if (!y)
		return;
	for (uint32_t i = 0; i < y->nkids; i++)
		ynode_free(y->kids[i]);
	free(y->kids);
	free(y->value);
	free(y);
}

const char *ykind_name(enum ykind k)
{
	return k == Y_MAP ? "a mapping" : k == Y_SEQ ? "a list" : "a scalar";
}

const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	for (uint32_t i = 0; i + 1 < map->nkids; i += 2)
		if (map->kids[i]->kind == Y_SCALAR && !strcmp(map->kids[i]->value, key))
			return map->kids[i + 1];
	return NULL;
}
