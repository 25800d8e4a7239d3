/* goversion.c — Go version strings and `go:` constraints. */
#include "goversion.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define GO_NUM_MAX 99999

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number of at most 5 digits at s[*i]; false if none. */
static bool parse_num(const char *s, size_t n, size_t *i, uint32_t *out)
{
	uint32_t v = 0;
	size_t start = *i;

	while (*i < n && is_digit(s[*i])) {
		if (*i - start >= 5)
			return false;
		v = v * 10 + (uint32_t)(s[*i] - '0');
		(*i)++;
	}
	*out = v;
	return *i > start;
}

/* "[go]MAJOR.MINOR[.PATCH|rcN|betaN]" at the start of s; sets *used. */
static int parse_core(const char *s, size_t n, size_t *used, struct go_version *v)
{
	size_t i = 0;
	uint32_t num;

	memset(v, 0, sizeof(*v));
	if (n >= 2 && s[0] == 'g' && s[1] == 'o')
		i = 2;
	if (!parse_num(s, n, &i, &v->major) || i >= n || s[i] != '.')
		return -EINVAL;
	i++;
	if (!parse_num(s, n, &i, &v->minor))
		return -EINVAL;
	if (i < n && s[i] == '.') {
		i++;
		if (!parse_num(s, n, &i, &num))
			return -EINVAL;
		v->patch = (int32_t)num;
		v->has_patch = true;
	} else if (i + 2 <= n && !strncmp(s + i, "rc", 2)) {
		i += 2;
		if (!parse_num(s, n, &i, &num) || num >= 1000)
			return -EINVAL;
		v->patch = -1000 + (int32_t)num;
		v->has_patch = true;
	} else if (i + 4 <= n && !strncmp(s + i, "beta", 4)) {
		i += 4;
		if (!parse_num(s, n, &i, &num) || num >= 1000)
			return -EINVAL;
		v->patch = -2000 + (int32_t)num;
		v->has_patch = true;
	}
	*used = i;
	return 0;
}

int go_version_parse(const char *s, struct go_version *v)
{
	size_t n = strlen(s), used;

	if (!strncmp(s, "devel", 5)) {
		/* "devel go1.23-abcdef Mon ..." names its base; "devel +abcdef" does not. */
		const char *base = strstr(s, "go1.");
		if (!base || parse_core(base, strlen(base), &used, v) < 0) {
			memset(v, 0, sizeof(*v));
		} else {
			v->patch = 0;
			v->has_patch = false;
		}
		v->devel = true;
		return 0;
	}
	if (parse_core(s, n, &used, v) < 0)
		return -EINVAL;
	/* Build info may append GOEXPERIMENTs: "go1.21.0 X:boringcrypto". */
	if (used < n && s[used] != ' ')
		return -EINVAL;
	return 0;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

int go_version_cmp(const struct go_version *a, const struct go_version *b)
{
	int c = cmp_u32(a->major, b->major);

	if (!c)
		c = cmp_u32(a->minor, b->minor);
	if (!c)
		c = a->patch < b->patch ? -1 : a->patch > b->patch;
	return c;
}

void go_version_print(const struct go_version *v, struct strbuf *sb)
{
	if (v->devel && !v->major) {
		sb_puts(sb, "devel");
		return;
	}
	sb_printf(sb, "%u.%u", v->major, v->minor);
	if (!v->has_patch)
		return;
	if (v->patch >= 0)
		sb_printf(sb, ".%d", v->patch);
	else if (v->patch >= -1000)
		sb_printf(sb, "rc%d", v->patch + 1000);
	else
		sb_printf(sb, "beta%d", v->patch + 2000);
}


static const char *const op_names[] = {
	[GO_OP_EQ] = "", [GO_OP_NE] = "!=", [GO_OP_LT] = "<",
	[GO_OP_LE] = "<=", [GO_OP_GT] = ">", [GO_OP_GE] = ">=",
};

static size_t parse_op(const char *s, size_t n, enum go_op *op)
{
	static const struct { const char *text; enum go_op op; } ops[] = {
		{">=", GO_OP_GE}, {"<=", GO_OP_LE}, {"!=", GO_OP_NE}, {"==", GO_OP_EQ},
		{">", GO_OP_GT}, {"<", GO_OP_LT}, {"=", GO_OP_EQ},
	};

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t l = strlen(ops[i].text);
		if (l <= n && !strncmp(s, ops[i].text, l)) {
			*op = ops[i].op;
			return l;
		}
	}
	*op = GO_OP_EQ;
	return 0;
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

struct cparser {
	const char *s;
	size_t n, i;
	struct srcloc start;
	struct diags *d;
	struct go_constraint *c;
	bool group_open; /* the current group has received a term */
	size_t last_or;  /* offset of the last `||` */
};

static void skip_sep(struct cparser *p)
{
	while (p->i < p->n && is_sep(p->s[p->i]))
		p->i++;
}

static void add_term(struct cparser *p, struct go_term t)
{
	struct go_group *g;

	if (!p->group_open) {
		p->c->groups = xrealloc(p->c->groups, (p->c->ngroups + 1) * sizeof(*p->c->groups));
		p->c->groups[p->c->ngroups++] = (struct go_group){0};
		p->group_open = true;
	}
	g = &p->c->groups[p->c->ngroups - 1];
	g->terms = xrealloc(g->terms, (g->nterms + 1) * sizeof(*g->terms));
	g->terms[g->nterms++] = t;
}

/* One `op version` term at p->i; reports and returns false on error. */
static bool parse_term(struct cparser *p)
{
	struct go_term t;
	size_t op_at = p->i, oplen, vstart, vend, used;

	oplen = parse_op(p->s + p->i, p->n - p->i, &t.op);
	p->i += oplen;
	if (oplen)
		skip_sep(p);
	vstart = p->i;
	while (p->i < p->n && !is_sep(p->s[p->i]) && p->s[p->i] != '|')
		p->i++;
	vend = p->i;
	if (vstart == vend) {
		diag_error(p->d, srcloc_in(p->start, p->s, op_at, oplen),
			   "expected a Go version after '%.*s'", (int)oplen, p->s + op_at);
		return false;
	}
	if (parse_core(p->s + vstart, vend - vstart, &used, &t.v) < 0 || used != vend - vstart) {
		diag_error(p->d, srcloc_in(p->start, p->s, vstart, vend - vstart),
			   "invalid Go version '%.*s' (expected a version like 1.22 or 1.22.3, "
			   "optionally after one of >= > <= < == !=)",
			   (int)(vend - vstart), p->s + vstart);
		return false;
	}
	add_term(p, t);
	return true;
}

struct go_constraint *go_constraint_parse(const char *text, size_t len, struct srcloc start,
					  struct diags *d)
{
	struct cparser p = {.s = text, .n = len, .start = start, .d = d};
	int errors = d->nerrors;

	p.c = xcalloc(1, sizeof(*p.c));
	for (skip_sep(&p); p.i < p.n; skip_sep(&p)) {
		if (p.i + 1 < p.n && p.s[p.i] == '|' && p.s[p.i + 1] == '|') {
			if (!p.group_open)
				diag_error(d, srcloc_in(start, text, p.i, 2),
					   "'||' needs a version constraint on each side");
			p.group_open = false;
			p.last_or = p.i;
			p.i += 2;
			continue;
		}
		if (p.s[p.i] == '|') {
			diag_error(d, srcloc_in(start, text, p.i, 1), "expected '||' between alternatives");
			p.i++;
			continue;
		}
		if (!parse_term(&p))
			break;
	}
	if (d->nerrors == errors && !p.c->ngroups)
		diag_error(d, start, "empty Go version constraint (expected e.g. \">=1.21 <1.27\")");
	else if (d->nerrors == errors && !p.group_open)
		diag_error(d, srcloc_in(start, text, p.last_or, 2),
			   "'||' needs a version constraint on each side");
	if (d->nerrors != errors) {
		go_constraint_free(p.c);
		return NULL;
	}
	return p.c;
}

/* Compare at the precision the constraint was written with. */
static bool term_match(const struct go_term *t, const struct go_version *v)
{
	int c = cmp_u32(v->major, t->v.major);

	if (!c)
		c = cmp_u32(v->minor, t->v.minor);
	if (!c && t->v.has_patch)
		c = v->patch < t->v.patch ? -1 : v->patch > t->v.patch;
	switch (t->op) {
	case GO_OP_EQ: return c == 0;
	case GO_OP_NE: return c != 0;
	case GO_OP_LT: return c < 0;
	case GO_OP_LE: return c <= 0;
	case GO_OP_GT: return c > 0;
	case GO_OP_GE: return c >= 0;
	}
	return false;
}

bool go_constraint_match(const struct go_constraint *c, const struct go_version *v)
{
	/* A development build of unknown base could be anything: let it through. */
	if (v->devel && !v->major)
		return true;
	for (uint32_t g = 0; g < c->ngroups; g++) {
		bool ok = true;
		for (uint32_t t = 0; t < c->groups[g].nterms && ok; t++)
			ok = term_match(&c->groups[g].terms[t], v);
		if (ok)
			return true;
	}
	return false;
}

static void collect_points(const struct go_constraint *c, struct go_version **pts, size_t *n,
			   size_t *cap)
{
	for (uint32_t g = 0; g < c->ngroups; g++)
		for (uint32_t t = 0; t < c->groups[g].nterms; t++)
			VEC_PUSH(*pts, *n, *cap, c->groups[g].terms[t].v);
}

/* Constraints only compare against the versions they name, so the answer is
 * constant between neighbouring named points: trying every named major,
 * minor and patch, one either side, and the extremes, covers every region. */
bool go_constraints_overlap(const struct go_constraint *a, const struct go_constraint *b,
			    struct go_version *witness)
{
	struct go_version *pts = NULL, v = {0};
	size_t n = 0, cap = 0;
	int32_t patches[64];
	size_t np = 0;
	bool found = false;

	collect_points(a, &pts, &n, &cap);
	collect_points(b, &pts, &n, &cap);
	/* Plain versions first, so that the witness reads naturally. */
	patches[np++] = 0;
	for (size_t i = 0; i < n && np + 5 <= ARRAY_SIZE(patches); i++) {
		patches[np++] = pts[i].patch;
		patches[np++] = pts[i].patch + 1;
		patches[np++] = pts[i].patch - 1;
	}
	patches[np++] = -2000;
	patches[np++] = GO_NUM_MAX;
	for (size_t i = 0; i < n && !found; i++) {
		for (int dmaj = -1; dmaj <= 1 && !found; dmaj++) {
			for (int dmin = -1; dmin <= 1 && !found; dmin++) {
				if ((int64_t)pts[i].major + dmaj < 0 || (int64_t)pts[i].minor + dmin < 0)
					continue;
				v.major = pts[i].major + (uint32_t)dmaj;
				v.minor = dmaj ? (dmaj < 0 ? GO_NUM_MAX : 0) : pts[i].minor + (uint32_t)dmin;
				for (size_t p = 0; p < np && !found; p++) {
					v.patch = patches[p];
					v.has_patch = true;
					found = go_constraint_match(a, &v) && go_constraint_match(b, &v);
				}
			}
		}
	}
	free(pts);
	if (found && witness)
		*witness = v;
	return found;
}

void go_constraint_print(const struct go_constraint *c, struct strbuf *sb)
{
	for (uint32_t g = 0; g < c->ngroups; g++) {
		if (g)
			sb_puts(sb, " || ");
		for (uint32_t t = 0; t < c->groups[g].nterms; t++) {
			if (t)
				sb_putc(sb, ' ');
			sb_puts(sb, op_names[c->groups[g].terms[t].op]);
			go_version_print(&c->groups[g].terms[t].v, sb);
		}
	}
}

void go_constraint_free(struct go_constraint *c)
{
	if (!c)
		return;
	for (uint32_t g = 0; g < c->ngroups; g++)
		free(c->groups[g].terms);
	free(c->groups);
	free(c);
}
