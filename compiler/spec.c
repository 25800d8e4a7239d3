/* spec.c — read a spec file: checked bytes -> YAML tree (common/yamltree.h)
 * -> the located spec model of spec.h. */
#include "spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "utf8.h"
#include "yamltree.h"

struct ctx {
	struct spec *s;
	struct diags *d;
	struct ytext text;
};

/* A location naming only the file. */
static struct srcloc file_loc(const struct srcfile *f)
{
	struct srcloc l = {.file = f};
	return l;
}

/* ---- byte-level checks, before libyaml sees the text ---- */

static bool check_bytes(struct ctx *c)
{
	const unsigned char *t = (const unsigned char *)c->s->file.text;
	size_t n = c->s->file.len;
	bool indent = true;

	if (n >= 2 && ((t[0] == 0xff && t[1] == 0xfe) || (t[0] == 0xfe && t[1] == 0xff))) {
		diag_error(c->d, ytext_loc(&c->text, 0, 2), "spec files must be UTF-8, not UTF-16");
		return false;
	}
	for (size_t i = 0; i < n;) {
		size_t l = utf8_len(t + i, n - i);
		if (!l) {
			diag_error(c->d, ytext_loc(&c->text, i, 1), "invalid UTF-8 byte 0x%02x", t[i]);
			return false;
		}
		if (t[i] == 0) {
			diag_error(c->d, ytext_loc(&c->text, i, 1), "NUL byte in spec file");
			return false;
		}
		if (t[i] == '\r' && (i + 1 >= n || t[i + 1] != '\n')) {
			diag_error(c->d, ytext_loc(&c->text, i, 1), "carriage return without a line feed");
			return false;
		}
		/* YAML also breaks lines at NEL, LS and PS; editors and we do not. */
		if ((l == 2 && t[i + 1] == 0x85) ||
		    (l == 3 && t[i] == 0xe2 && t[i + 1] == 0x80 && (t[i + 2] | 1) == 0xa9)) {
			diag_error(c->d, ytext_loc(&c->text, i, l), "Unicode line separator in spec file");
			return false;
		}
		if (t[i] == '\t' && indent) {
			diag_error(c->d, ytext_loc(&c->text, i, 1),
				   "tab in indentation (YAML indents with spaces)");
			return false;
		}
		if (t[i] == '\n')
			indent = true;
		else if (t[i] != ' ' && t[i] != '\t' && t[i] != '\r')
			indent = false;
		i += l;
	}
	return true;
}

/* ---- the YAML tree ---- */

/* The tree of the spec's text, or NULL with the problem reported. */
static struct ynode *build_tree(struct ctx *c)
{
	static const struct ytree_limits lim = {SPEC_MAX_NODES, SPEC_MAX_DEPTH};
	struct yproblem p;
	struct ynode *root = ytree_parse(&c->text, &lim, &p);

	if (root)
		return root;
	switch (p.kind) {
	case YP_MEMORY:
		diag_error(c->d, file_loc(&c->s->file), "out of memory reading YAML");
		break;
	case YP_READER:
		diag_error(c->d, p.loc, "invalid YAML input: %s", p.text ? p.text : "unknown problem");
		break;
	case YP_SYNTAX:
		diag_error(c->d, p.loc, "YAML syntax error: %s", p.text ? p.text : "unknown problem");
		if (p.context)
			diag_at(c->d, DIAG_NOTE, p.context_loc, "%s", p.context);
		break;
	/* Anchors, aliases and tags buy nothing in a spec and open the door to
	 * exponential "billion laughs" documents. */
	case YP_ALIAS:
		diag_error(c->d, p.loc, "YAML aliases (*name) are not supported in specs");
		break;
	case YP_ANCHOR:
		diag_error(c->d, p.loc, "YAML anchors (&name) are not supported in specs");
		break;
	case YP_TAG:
		diag_error(c->d, p.loc, "YAML tags are not supported in specs "
			   "(quote a value that starts with '!')");
		break;
	case YP_DOCUMENTS:
		diag_error(c->d, p.loc, "a spec file holds one YAML document");
		break;
	case YP_NODES:
		diag_error(c->d, p.loc, "spec has too many YAML nodes (the limit is %d)",
			   SPEC_MAX_NODES);
		break;
	case YP_DEPTH:
		diag_error(c->d, p.loc, "YAML nested too deeply (the limit is %d levels)",
			   SPEC_MAX_DEPTH);
		break;
	case YP_EMPTY:
		diag_error(c->d, p.loc, "spec file is empty");
		break;
	}
	return NULL;
}

/* ---- scalar helpers ---- */

static bool is_null(const struct ynode *y)
{
	return y->kind == Y_SCALAR && y->style == Y_PLAIN &&
	       (!strcmp(y->value, "") || !strcmp(y->value, "~") || !strcmp(y->value, "null"));
}

/* A scalar with a value, else an error naming `what`. */
static bool want_scalar(struct ctx *c, const struct ynode *y, const char *what)
{
	if (y->kind != Y_SCALAR) {
		diag_error(c->d, y->loc, "%s must be a single value, not %s", what,
			   ykind_name(y->kind));
		return false;
	}
	if (is_null(y)) {
		diag_error(c->d, y->loc, "%s has no value", what);
		return false;
	}
	return true;
}

/* Where a scalar's text starts, and whether text offsets map 1:1 to bytes. */
static size_t content_start(struct ctx *c, const struct ynode *y, bool *exact)
{
	const char *raw = c->s->file.text + y->start;
	size_t rawlen = y->end - y->start, skip = 0;

	switch (y->style) {
	case Y_SINGLE_QUOTED:
	case Y_DOUBLE_QUOTED:
		skip = 1;
		*exact = rawlen >= 2 && rawlen - 2 == y->vlen && !memcmp(raw + 1, y->value, y->vlen);
		break;
	case Y_LITERAL:
	case Y_FOLDED: {
		const char *nl = memchr(raw, '\n', rawlen);
		skip = nl ? (size_t)(nl - raw) + 1 : rawlen;
		*exact = false;
		break;
	}
	default:
		*exact = rawlen == y->vlen && !memcmp(raw, y->value, y->vlen);
		break;
	}
	return y->start + skip;
}

/* The location of byte `off` of a scalar's value (best effort if escaped or folded). */
static struct srcloc value_loc(struct ctx *c, const struct ynode *y, size_t off, size_t len)
{
	bool exact;
	size_t at = content_start(c, y, &exact);

	if (!exact)
		return y->loc;
	return ytext_loc(&c->text, at + off, len);
}

static bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > UINT32_MAX)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void get_max_string(struct ctx *c, const struct ynode *y, uint32_t *out)
{
	uint32_t v;

	if (!want_scalar(c, y, "max_string"))
		return;
	if (!parse_u32(y->value, &v) || v < 1 || v > SPEC_MAX_STRING_LIMIT) {
		diag_error(c->d, y->loc, "max_string must be an integer from 1 to %d",
			   SPEC_MAX_STRING_LIMIT);
		return;
	}
	*out = v;
}

static void get_bool(struct ctx *c, const struct ynode *y, const char *what, bool *out)
{
	static const char *const t[] = {"true", "True", "TRUE"}, *const f[] = {"false", "False", "FALSE"};

	if (!want_scalar(c, y, what))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (!strcmp(y->value, t[i]) || !strcmp(y->value, f[i])) {
			*out = !strcmp(y->value, t[i]);
			return;
		}
	}
	diag_error(c->d, y->loc, "%s must be true or false", what);
}

/* ---- mappings ---- */

/* Check a mapping's keys: scalars, known (when `allowed`), not repeated. */
static bool check_keys(struct ctx *c, const struct ynode *map, const char *const *allowed,
		       size_t nallowed, const char *where)
{
	int errors = c->d->nerrors;

	for (uint32_t i = 0; i + 1 < map->nkids; i += 2) {
		const struct ynode *k = map->kids[i];
		if (k->kind != Y_SCALAR) {
			diag_error(c->d, k->loc, "keys in %s must be names, not %s", where,
				   ykind_name(k->kind));
			continue;
		}
		for (uint32_t j = 0; j < i; j += 2) {
			const struct ynode *prev = map->kids[j];
			if (prev->kind == Y_SCALAR && !strcmp(prev->value, k->value)) {
				diag_error(c->d, k->loc, "duplicate key '%s' in %s", k->value, where);
				diag_at(c->d, DIAG_NOTE, prev->loc, "'%s' first appears here", k->value);
				break;
			}
		}
		if (!allowed)
			continue;
		bool known = false;
		for (size_t a = 0; a < nallowed && !known; a++)
			known = !strcmp(k->value, allowed[a]);
		if (known)
			continue;
		const char *near = closest_name(k->value, allowed, nallowed);
		if (near)
			diag_error(c->d, k->loc, "unknown key '%s' in %s (did you mean '%s'?)",
				   k->value, where, near);
		else
			diag_error(c->d, k->loc, "unknown key '%s' in %s", k->value, where);
	}
	return c->d->nerrors == errors;
}

/* ---- names ---- */

static bool is_lower_ident_char(char ch, bool first)
{
	return (ch >= 'a' && ch <= 'z') || ch == '_' || (!first && ch >= '0' && ch <= '9');
}

static bool is_ident_char(char ch, bool first)
{
	return is_lower_ident_char(ch, first) || (ch >= 'A' && ch <= 'Z');
}

/* Describe the character at the start of s (UTF-8 aware) for a message. */
static void describe(const char *s, char *buf, size_t size)
{
	unsigned char ch = (unsigned char)*s;

	if (ch >= 0x20 && ch < 0x7f)
		snprintf(buf, size, "'%c'", ch);
	else if (ch == ' ' || ch == '\t' || ch == '\n')
		snprintf(buf, size, "whitespace");
	else
		snprintf(buf, size, "byte 0x%02x", ch);
}

/* A name of identifier characters; `lower` allows only lowercase. */
static bool check_name(struct ctx *c, const struct ynode *y, const char *what, bool lower)
{
	const char *v = y->value;
	char ch[16];

	if (!want_scalar(c, y, what))
		return false;
	if (y->vlen > SPEC_MAX_NAME) {
		diag_error(c->d, y->loc, "%s '%.64s...' is longer than %d characters", what, v,
			   SPEC_MAX_NAME);
		return false;
	}
	for (size_t i = 0; i < y->vlen; i++) {
		if (lower ? is_lower_ident_char(v[i], i == 0) : is_ident_char(v[i], i == 0))
			continue;
		describe(v + i, ch, sizeof(ch));
		if (i == 0 && v[i] >= '0' && v[i] <= '9')
			diag_error(c->d, value_loc(c, y, i, 1), "%s starts with a digit", what);
		else
			diag_error(c->d, value_loc(c, y, i, 1), "invalid character %s in %s (%s)", ch,
				   what, lower ? "use lowercase letters, digits and '_'" :
						 "use letters, digits and '_'");
		return false;
	}
	return true;
}

/* Go symbol names: "main.work", "runtime.(*mheap).allocSpan",
 * "net/http.(*conn).serve", "main.Map[...].Get", "gopkg.in/yaml%2ev3.Unmarshal". */
static bool check_symbol(struct ctx *c, const struct ynode *y, const char *what)
{
	static const char extra[] = "_./()*[]-~%,";
	const char *v = y->value;
	char ch[16];

	if (!want_scalar(c, y, what))
		return false;
	if (y->vlen > SPEC_MAX_SYMBOL) {
		diag_error(c->d, y->loc, "%s is longer than %d characters", what, SPEC_MAX_SYMBOL);
		return false;
	}
	for (size_t i = 0; i < y->vlen; i++) {
		char x = v[i];
		if ((x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z') || (x >= '0' && x <= '9') ||
		    strchr(extra, x))
			continue;
		describe(v + i, ch, sizeof(ch));
		diag_error(c->d, value_loc(c, y, i, 1),
			   "invalid character %s in %s (Go symbols are letters, digits and _ . / ( ) * [ ] - ~ %% ,)",
			   ch, what);
		return false;
	}
	if (!strchr(v, '.') || v[0] == '.' || v[y->vlen - 1] == '.') {
		diag_error(c->d, y->loc, "%s '%s' must be a qualified Go name like main.work or "
			   "runtime.(*mheap).allocSpan", what, v);
		return false;
	}
	return true;
}

/* ---- expressions ---- */

/* The first message of a diagnostics buffer, without its location. */
static const char *first_message(const struct diags *d, size_t *len)
{
	const char *m = d->out.buf ? strstr(d->out.buf, ": error: ") : NULL;

	if (!m)
		return NULL;
	m += 2;
	*len = strcspn(m, "\n");
	return m;
}

/* Parse a scalar's expression. YAML may have unescaped, folded or unindented
 * the text; whitespace means nothing to the language, so the raw file text
 * usually means the same: if it parses to the same tree (or fails the same
 * way) its exact locations are used. Otherwise (escapes in double-quoted
 * YAML) locations are counted from the start of the value. */
static struct expr *parse_expr_node(struct ctx *c, const struct ynode *y, struct srcloc *loc)
{
	bool exact;
	size_t at = content_start(c, y, &exact), rawlen = y->end > at ? y->end - at : 0;
	size_t l1 = 0, l2 = 0;
	const char *raw = c->s->file.text + at, *m1, *m2;
	struct srcloc start = ytext_loc(&c->text, at, 0);
	struct diags d1 = {0}, d2 = {0};
	struct expr *e1, *e2 = NULL;
	struct strbuf p1 = {0}, p2 = {0};
	bool use_raw = false;

	if (rawlen && (y->style == Y_SINGLE_QUOTED ||
		       y->style == Y_DOUBLE_QUOTED))
		rawlen--;
	*loc = ytext_loc(&c->text, at, rawlen);
	if (exact)
		return expr_parse(raw, rawlen, start, c->d);
	e1 = expr_parse(y->value, y->vlen, start, &d1);
	e2 = expr_parse(raw, rawlen, start, &d2);
	if (e1 && e2) {
		expr_print(e1, &p1);
		expr_print(e2, &p2);
		use_raw = !strcmp(p1.buf, p2.buf);
	} else if (!e1 && !e2) {
		m1 = first_message(&d1, &l1);
		m2 = first_message(&d2, &l2);
		use_raw = m1 && m2 && l1 == l2 && !memcmp(m1, m2, l1);
	}
	if (use_raw) {
		expr_free(e1);
		e1 = e2;
		e2 = NULL;
	}
	if ((use_raw ? d2 : d1).out.buf)
		sb_puts(&c->d->out, (use_raw ? d2 : d1).out.buf);
	c->d->nerrors += (use_raw ? d2 : d1).nerrors;
	expr_free(e2);
	sb_free(&p1);
	sb_free(&p2);
	diags_free(&d1);
	diags_free(&d2);
	return e1;
}

/* ---- probes and columns ---- */

static const char *const root_keys[] = {"spec", "name", "description", "max_string", "probes"};
static const char *const probe_keys[] = {"table", "function", "at", "go", "optional",
					 "where", "columns", "max_string"};
static const char *const column_keys[] = {"expr", "labels", "max_string"};
static const char *const reserved_columns[] = {"time_ns", "pid", "goid", "table"};

static bool parse_int64(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v = 0, limit;
	unsigned base = 10;

	if (*s == '-' || *s == '+')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	if (!*s)
		return false;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			d = (unsigned)((*s | 0x20) - 'a' + 10);
		else
			return false;
		if (v > (limit - d) / base)
			return false;
		v = v * base + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static void parse_labels_map(struct ctx *c, const struct ynode *y, struct spec_column *col)
{
	uint32_t cap = 0;

	if (!y->nkids) {
		diag_error(c->d, y->loc, "labels mapping is empty");
		return;
	}
	for (uint32_t i = 0; i + 1 < y->nkids; i += 2) {
		const struct ynode *k = y->kids[i], *v = y->kids[i + 1];
		struct spec_label l = {0};
		if (k->kind != Y_SCALAR || !parse_int64(k->value, &l.value)) {
			diag_error(c->d, k->loc, "label keys must be integers (the value to name), "
				   "like 0 or 0x10");
			continue;
		}
		l.loc = k->loc;
		if (!want_scalar(c, v, "label text"))
			continue;
		if (v->vlen > SPEC_MAX_LABEL) {
			diag_error(c->d, v->loc, "label text is longer than %d bytes", SPEC_MAX_LABEL);
			continue;
		}
		bool dup = false;
		for (uint32_t j = 0; j < col->nlabels && !dup; j++) {
			if (col->labels[j].value != l.value)
				continue;
			diag_error(c->d, k->loc, "value %lld has two labels", (long long)l.value);
			diag_at(c->d, DIAG_NOTE, col->labels[j].loc, "first labelled here");
			dup = true;
		}
		if (dup)
			continue;
		l.text = xstrdup(v->value);
		VEC_PUSH(col->labels, col->nlabels, cap, l);
	}
}

static void parse_labels(struct ctx *c, const struct ynode *y, struct spec_column *col)
{
	col->labels_loc = y->loc;
	if (y->kind == Y_MAP) {
		parse_labels_map(c, y, col);
	} else if (y->kind == Y_SCALAR && !is_null(y)) {
		if (check_symbol(c, y, "labels variable"))
			col->labels_var = xstrdup(y->value);
	} else {
		diag_error(c->d, y->loc, "labels must be a package variable (like "
			   "runtime.waitReasonStrings) or a mapping from integers to text");
	}
}

static void parse_column(struct ctx *c, const struct ynode *k, const struct ynode *v,
			 struct spec_column *col)
{
	const struct ynode *e = v, *x;
	char what[96];

	col->name_loc = k->loc;
	if (check_name(c, k, "column name", false)) {
		col->name = xstrdup(k->value);
		for (size_t i = 0; i < ARRAY_SIZE(reserved_columns); i++)
			if (!strcmp(k->value, reserved_columns[i]))
				diag_error(c->d, k->loc, "column name '%s' is reserved (every row has "
					   "time_ns, pid and goid, and JSON rows a table)", k->value);
	}
	snprintf(what, sizeof(what), "column '%.64s'", k->kind == Y_SCALAR ? k->value : "?");
	if (v->kind == Y_MAP) {
		check_keys(c, v, column_keys, ARRAY_SIZE(column_keys), what);
		e = ymap_get(v, "expr");
		if (!e) {
			diag_error(c->d, v->loc, "%s has no 'expr'", what);
			return;
		}
		if ((x = ymap_get(v, "labels")))
			parse_labels(c, x, col);
		if ((x = ymap_get(v, "max_string"))) {
			get_max_string(c, x, &col->max_string);
			col->max_string_loc = x->loc;
		}
	}
	if (!want_scalar(c, e, e == v ? what : "expr"))
		return;
	col->expr = xstrdup(e->value);
	col->ast = parse_expr_node(c, e, &col->expr_loc);
}

static void parse_columns(struct ctx *c, const struct ynode *y, struct spec_probe *p)
{
	if (is_null(y))
		return;
	if (y->kind != Y_MAP) {
		diag_error(c->d, y->loc, "columns must be a mapping from column names to "
			   "expressions, not %s", ykind_name(y->kind));
		return;
	}
	check_keys(c, y, NULL, 0, "columns");
	if (y->nkids / 2 > SPEC_MAX_COLUMNS) {
		diag_error(c->d, y->kids[2 * SPEC_MAX_COLUMNS]->loc,
			   "too many columns (the limit is %d per probe)", SPEC_MAX_COLUMNS);
		return;
	}
	p->cols = xcalloc(y->nkids / 2 + 1, sizeof(*p->cols));
	for (uint32_t i = 0; i + 1 < y->nkids; i += 2)
		parse_column(c, y->kids[i], y->kids[i + 1], &p->cols[p->ncols++]);
}

static void parse_at(struct ctx *c, const struct ynode *y, struct spec_probe *p)
{
	static const char *const names[] = {"entry", "return"};
	const char *near;

	p->at_loc = y->loc;
	if (!want_scalar(c, y, "at"))
		return;
	if (!strcmp(y->value, "entry") || !strcmp(y->value, "return")) {
		p->at = y->value[0] == 'r' ? PROBE_AT_RETURN : PROBE_AT_ENTRY;
		return;
	}
	near = closest_name(y->value, names, ARRAY_SIZE(names));
	if (near)
		diag_error(c->d, y->loc, "at must be entry or return, not '%s' (did you mean '%s'?)",
			   y->value, near);
	else
		diag_error(c->d, y->loc, "at must be entry or return, not '%s'", y->value);
}

static void parse_go(struct ctx *c, const struct ynode *y, struct spec_probe *p)
{
	bool exact;
	size_t at;

	p->go_loc = y->loc;
	if (!want_scalar(c, y, "go"))
		return;
	at = content_start(c, y, &exact);
	p->go_text = xstrdup(y->value);
	p->go = go_constraint_parse(y->value, y->vlen, exact ? ytext_loc(&c->text, at, 0) : y->loc, c->d);
}

static void parse_table(struct ctx *c, const struct ynode *y, struct spec_probe *p)
{
	p->table_loc = y->loc;
	if (check_name(c, y, "table name", true))
		p->table = xstrdup(y->value);
}

/* A table may be written more than once only as variants for disjoint Go
 * versions (a function renamed or changed between releases): at most one of
 * them is active in a run, so their columns may differ. */
static void check_table_unique(struct ctx *c, uint32_t idx)
{
	struct spec_probe *p = &c->s->probes[idx];
	struct go_version v;
	struct strbuf sb = {0};

	for (uint32_t i = 0; i < idx && p->table; i++) {
		struct spec_probe *q = &c->s->probes[i];
		if (!q->table || strcmp(q->table, p->table))
			continue;
		if (!p->go || !q->go) {
			diag_error(c->d, p->table_loc, "duplicate table '%s' (a table may be repeated "
				   "only for disjoint go: versions)", p->table);
		} else if (go_constraints_overlap(p->go, q->go, &v)) {
			go_version_print(&v, &sb);
			diag_error(c->d, p->go_loc, "duplicate table '%s': the go: versions of both "
				   "probes include %s", p->table, sb.buf);
			sb_free(&sb);
		} else {
			continue;
		}
		diag_at(c->d, DIAG_NOTE, q->table_loc, "'%s' is first defined here", p->table);
		return;
	}
}

static void parse_probe(struct ctx *c, const struct ynode *y, uint32_t idx)
{
	struct spec_probe *p = &c->s->probes[idx];
	const struct ynode *x;

	p->loc = y->loc;
	if (y->kind != Y_MAP) {
		diag_error(c->d, y->loc, "each probe must be a mapping with table, function and "
			   "columns, not %s", ykind_name(y->kind));
		return;
	}
	check_keys(c, y, probe_keys, ARRAY_SIZE(probe_keys), "probe");
	if ((x = ymap_get(y, "table")))
		parse_table(c, x, p);
	else
		diag_error(c->d, y->loc, "probe has no 'table'");
	if ((x = ymap_get(y, "function"))) {
		p->function_loc = x->loc;
		if (check_symbol(c, x, "function"))
			p->function = xstrdup(x->value);
	} else {
		diag_error(c->d, y->loc, "probe has no 'function'");
	}
	if ((x = ymap_get(y, "at")))
		parse_at(c, x, p);
	if ((x = ymap_get(y, "go")))
		parse_go(c, x, p);
	if ((x = ymap_get(y, "optional")))
		get_bool(c, x, "optional", &p->optional);
	if ((x = ymap_get(y, "max_string")))
		get_max_string(c, x, &p->max_string);
	if ((x = ymap_get(y, "where")) && want_scalar(c, x, "where")) {
		p->where = xstrdup(x->value);
		p->where_ast = parse_expr_node(c, x, &p->where_loc);
	}
	if ((x = ymap_get(y, "columns")))
		parse_columns(c, x, p);
	check_table_unique(c, idx);
}

/* ---- the document ---- */

static bool parse_version(struct ctx *c, const struct ynode *root)
{
	const struct ynode *v = ymap_get(root, "spec");
	uint32_t n;

	if (!v) {
		diag_error(c->d, root->loc, "missing 'spec: %d' (the spec format version)",
			   SPEC_VERSION);
		return false;
	}
	if (!want_scalar(c, v, "spec"))
		return false;
	if (!parse_u32(v->value, &n)) {
		diag_error(c->d, v->loc, "spec must be the format version number, %d", SPEC_VERSION);
		return false;
	}
	if (n != SPEC_VERSION) {
		diag_error(c->d, v->loc, "unsupported spec version %u (this gprobe reads version %d)",
			   n, SPEC_VERSION);
		return false;
	}
	return true;
}

static void parse_root(struct ctx *c, const struct ynode *root)
{
	const struct ynode *x;

	if (root->kind != Y_MAP) {
		diag_error(c->d, root->loc, "a spec must be a mapping with spec, name and probes, "
			   "not %s", ykind_name(root->kind));
		return;
	}
	if (!parse_version(c, root))
		return;
	check_keys(c, root, root_keys, ARRAY_SIZE(root_keys), "spec");
	if ((x = ymap_get(root, "name"))) {
		c->s->name_loc = x->loc;
		if (check_name(c, x, "spec name", false))
			c->s->name = xstrdup(x->value);
	} else {
		diag_error(c->d, root->loc, "spec has no 'name'");
	}
	if ((x = ymap_get(root, "description")) && !is_null(x) &&
	    want_scalar(c, x, "description"))
		c->s->description = xstrdup(x->value);
	if ((x = ymap_get(root, "max_string")))
		get_max_string(c, x, &c->s->max_string);
	x = ymap_get(root, "probes");
	if (!x) {
		diag_error(c->d, root->loc, "spec has no 'probes'");
		return;
	}
	if (x->kind != Y_SEQ || !x->nkids) {
		diag_error(c->d, x->loc, "probes must be a non-empty list of probes");
		return;
	}
	c->s->probes = xcalloc(x->nkids, sizeof(*c->s->probes));
	c->s->nprobes = x->nkids;
	for (uint32_t i = 0; i < x->nkids; i++)
		parse_probe(c, x->kids[i], i);
}

static struct spec *spec_new(const char *path, const char *text, size_t len)
{
	struct spec *s = xcalloc(1, sizeof(*s));
	char *copy = xmalloc(len + 1);

	memcpy(copy, text, len);
	copy[len] = '\0';
	s->file.path = xstrdup(path);
	s->file.text = copy;
	s->file.len = len;
	s->max_string = SPEC_DEFAULT_MAX_STRING;
	return s;
}

struct spec *spec_parse(const char *path, const char *text, size_t len, struct diags *d)
{
	struct ctx c = {.d = d};
	int errors = d->nerrors;
	struct ynode *root;

	if (len > SPEC_MAX_FILE) {
		struct srcfile f = {path, NULL, 0};
		diag_error(d, file_loc(&f),
			   "spec file is too large (%zu bytes; the limit is %u)", len, SPEC_MAX_FILE);
		return NULL;
	}
	c.s = spec_new(path, text, len);
	ytext_init(&c.text, &c.s->file);
	if (check_bytes(&c) && (root = build_tree(&c))) {
		parse_root(&c, root);
		ynode_free(root);
	}
	ytext_free(&c.text);
	if (d->nerrors != errors) {
		spec_free(c.s);
		return NULL;
	}
	return c.s;
}

struct spec *spec_load(const char *path, struct diags *d)
{
	struct srcfile f = {path, NULL, 0};
	struct stat st;
	struct spec *s;
	char *text;
	size_t len;
	int err;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > SPEC_MAX_FILE) {
		diag_error(d, file_loc(&f),
			   "spec file is too large (%lld bytes; the limit is %u)",
			   (long long)st.st_size, SPEC_MAX_FILE);
		return NULL;
	}
	err = read_file_max(path, SPEC_MAX_FILE, &text, &len);
	if (err == -EFBIG) {
		diag_error(d, file_loc(&f), "spec file is too large (more than %u bytes)",
			   SPEC_MAX_FILE);
		return NULL;
	}
	if (err < 0) {
		diag_error(d, file_loc(&f), "cannot read spec: %s", strerror(-err));
		return NULL;
	}
	s = spec_parse(path, text, len, d);
	free(text);
	return s;
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nprobes; i++) {
		struct spec_probe *p = &s->probes[i];
		for (uint32_t j = 0; j < p->ncols; j++) {
			struct spec_column *col = &p->cols[j];
			for (uint32_t k = 0; k < col->nlabels; k++)
				free(col->labels[k].text);
			free(col->labels);
			free(col->labels_var);
			free(col->name);
			free(col->expr);
			expr_free(col->ast);
		}
		free(p->cols);
		free(p->table);
		free(p->function);
		free(p->go_text);
		go_constraint_free(p->go);
		free(p->where);
		expr_free(p->where_ast);
	}
	free(s->probes);
	free(s->name);
	free(s->description);
	free((void *)s->file.path);
	free((void *)s->file.text);
	free(s);
}

uint32_t spec_column_max_string(const struct spec *s, const struct spec_probe *p,
				const struct spec_column *c)
{
	if (c && c->max_string)
		return c->max_string;
	if (p && p->max_string)
		return p->max_string;
	return s->max_string;
}

const char *probe_at_name(enum probe_at at)
{
	return at == PROBE_AT_RETURN ? "return" : "entry";
}
