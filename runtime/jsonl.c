/* jsonl.c — flat JSON Lines objects: see jsonl.h. */
#include "jsonl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

struct jl_parser {
	const char *p, *start, *end;
	struct jl_object *o;
	const char *msg;
};

static int fail(struct jl_parser *ps, const char *msg)
{
	ps->msg = msg;
	return -EINVAL;
}

static void skip_ws(struct jl_parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n'))
		ps->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* \uXXXX at ps->p (after the backslash and 'u'); a surrogate pair takes
 * a second escape, a lone surrogate decodes to U+FFFD. */
static int unicode_escape(struct jl_parser *ps)
{
	unsigned cp, lo;

	if (ps->end - ps->p < 4 || hex4(ps->p, &cp) < 0)
		return fail(ps, "bad \\u escape");
	ps->p += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
	    ps->p[1] == 'u' && hex4(ps->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
		ps->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xd800 && cp < 0xe000) {
		cp = 0xfffd;
	}
	ps->o->buf_len += utf8_encode(cp, ps->o->buf + ps->o->buf_len);
	return 0;
}

/* A string at ps->p (the opening quote), decoded into o->buf; returns its
 * offset there. The buffer was sized for the whole line: decoding never
 * grows a string (an escape is never shorter than what it decodes to). */
static int string(struct jl_parser *ps, size_t *off, size_t *len)
{
	struct jl_object *o = ps->o;
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";

	ps->p++;
	*off = o->buf_len;
	for (;;) {
		if (ps->p >= ps->end)
			return fail(ps, "unterminated string");
		unsigned char c = (unsigned char)*ps->p;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(ps, "control character in string");
		if (c != '\\') {
			o->buf[o->buf_len++] = (char)c;
			ps->p++;
			continue;
		}
		if (ps->p + 1 >= ps->end)
			return fail(ps, "unterminated string");
		char e = ps->p[1];
		ps->p += 2;
		if (e == 'u') {
			if (unicode_escape(ps) < 0)
				return -EINVAL;
			continue;
		}
		const char *s = NULL;
		for (size_t i = 0; i + 1 < sizeof(simple); i += 2)
			if (simple[i] == e)
				s = &simple[i + 1];
		if (!s) {
			ps->p--;
			return fail(ps, "bad escape in string");
		}
		o->buf[o->buf_len++] = *s;
	}
	ps->p++;
	*len = o->buf_len - *off;
	o->buf[o->buf_len++] = '\0';
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits of an integer without fraction or exponent: exact in 64 bits
 * when they fit, else a double. */
static void integer(const char *s, const char *e, bool neg, struct jl_value *v)
{
	uint64_t u = 0;
	bool over = false;

	for (const char *q = s; q < e; q++) {
		unsigned d = (unsigned)(*q - '0');
		if (u > (UINT64_MAX - d) / 10)
			over = true;
		u = u * 10 + d;
	}
	if (!over && !neg && u <= INT64_MAX) {
		v->kind = JL_INT;
		v->i = (int64_t)u;
	} else if (!over && !neg) {
		v->kind = JL_UINT;
		v->u = u;
	} else if (!over && u <= (uint64_t)INT64_MAX + 1) {
		v->kind = JL_INT;
		v->i = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		v->kind = JL_FLOAT;
		v->f = strtod(s - neg, NULL);
	}
}

/* RFC 8259 number grammar checked by hand; strtod only converts what
 * passed (the line is NUL-terminated, so it stops at the same byte). */
static int number(struct jl_parser *ps, struct jl_value *v)
{
	const char *s = ps->p, *q = s;
	bool neg = false, frac = false;

	if (q < ps->end && *q == '-') {
		neg = true;
		q++;
	}
	const char *digits = q;
	if (q >= ps->end || !is_digit(*q))
		return fail(ps, "bad number");
	if (*q == '0')
		q++;
	else
		while (q < ps->end && is_digit(*q))
			q++;
	const char *int_end = q;
	if (q < ps->end && *q == '.') {
		frac = true;
		if (++q >= ps->end || !is_digit(*q))
			return fail(ps, "bad number");
		while (q < ps->end && is_digit(*q))
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		frac = true;
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || !is_digit(*q))
			return fail(ps, "bad number");
		while (q < ps->end && is_digit(*q))
			q++;
	}
	if (frac) {
		v->kind = JL_FLOAT;
		v->f = strtod(s, NULL);
	} else {
		integer(digits, int_end, neg, v);
	}
	ps->p = q;
	return 0;
}

static int literal(struct jl_parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail(ps, "unexpected character");
	ps->p += n;
	return 0;
}

static int value(struct jl_parser *ps, struct jl_value *v, size_t *str_off)
{
	memset(v, 0, sizeof(*v));
	*str_off = SIZE_MAX;
	switch (ps->p < ps->end ? *ps->p : '\0') {
	case '"':
		v->kind = JL_STR;
		return string(ps, str_off, &v->len);
	case 't':
		v->kind = JL_BOOL;
		v->b = true;
		return literal(ps, "true");
	case 'f':
		v->kind = JL_BOOL;
		return literal(ps, "false");
	case 'n':
		v->kind = JL_NULL;
		return literal(ps, "null");
	case '{':
	case '[':
		return fail(ps, "nested objects and arrays are not supported");
	case '\0':
		if (ps->p >= ps->end)
			return fail(ps, "expected a value");
		return fail(ps, "unexpected character");
	default:
		return number(ps, v);
	}
}

/* Offsets into o->buf become pointers only at the end: keeps the parse
 * free of pointer fix-ups should the code ever grow the buffer. */
static int members(struct jl_parser *ps)
{
	struct jl_object *o = ps->o;

	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}')
		return 0;
	for (;;) {
		struct jl_member mb;
		size_t key_off, key_len, str_off;

		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"')
			return fail(ps, "expected a member name");
		if (string(ps, &key_off, &key_len) < 0)
			return -EINVAL;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':')
			return fail(ps, "expected ':'");
		ps->p++;
		skip_ws(ps);
		if (value(ps, &mb.v, &str_off) < 0)
			return -EINVAL;
		mb.key = NULL;
		VEC_PUSH(o->m, o->n, o->cap, mb);
		if (2 * o->n > o->offs_cap) {
			o->offs_cap = 2 * o->cap;
			o->offs = xrealloc(o->offs, o->offs_cap * sizeof(*o->offs));
		}
		o->offs[2 * o->n - 2] = key_off;
		o->offs[2 * o->n - 1] = str_off;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}')
			return 0;
		return fail(ps, "expected ',' or '}'");
	}
}

int jl_parse(struct jl_object *o, const char *text, size_t len, const char **err_msg,
	     size_t *err_col)
{
	struct jl_parser ps = { .p = text, .start = text, .end = text + len, .o = o };
	int rc;

	o->n = 0;
	o->buf_len = 0;
	if (o->buf_cap < len + 1) {
		o->buf_cap = len + 1;
		o->buf = xrealloc(o->buf, o->buf_cap);
	}
	skip_ws(&ps);
	if (ps.p >= ps.end || *ps.p != '{') {
		rc = fail(&ps, "expected '{'");
	} else {
		ps.p++;
		rc = members(&ps);
		if (rc == 0) {
			ps.p++;
			skip_ws(&ps);
			if (ps.p < ps.end)
				rc = fail(&ps, "text after the object");
		}
	}
	if (rc < 0) {
		*err_msg = ps.msg;
		*err_col = (size_t)(ps.p - ps.start) + 1;
		o->n = 0;
		return rc;
	}
	for (size_t i = 0; i < o->n; i++) {
		o->m[i].key = o->buf + o->offs[2 * i];
		if (o->offs[2 * i + 1] != SIZE_MAX)
			o->m[i].v.s = o->buf + o->offs[2 * i + 1];
	}
	return 0;
}

const struct jl_value *jl_get(const struct jl_object *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->m[i].key, key) == 0)
			return &o->m[i].v;
	return NULL;
}

bool jl_as_double(const struct jl_value *v, double *out)
{
	switch (v->kind) {
	case JL_BOOL:
		*out = v->b;
		return true;
	case JL_INT:
		*out = (double)v->i;
		return true;
	case JL_UINT:
		*out = (double)v->u;
		return true;
	case JL_FLOAT:
		*out = v->f;
		return true;
	case JL_STR:
		if (strcmp(v->s, "NaN") == 0)
			*out = NAN;
		else if (strcmp(v->s, "+Inf") == 0)
			*out = INFINITY;
		else if (strcmp(v->s, "-Inf") == 0)
			*out = -INFINITY;
		else
			return false;
		return true;
	default:
		return false;
	}
}

void jl_object_free(struct jl_object *o)
{
	free(o->m);
	free(o->buf);
	free(o->offs);
	memset(o, 0, sizeof(*o));
}

struct jl_reader {
	FILE *f;
	bool own;
	char *path;
	char *line;
	size_t line_cap;
	size_t lineno;
};

struct jl_reader *jl_open(const char *path, char **err)
{
	struct jl_reader *r = xcalloc(1, sizeof(*r));

	if (strcmp(path, "-") == 0) {
		r->f = stdin;
	} else {
		r->f = fopen(path, "r");
		if (!r->f) {
			*err = xasprintf("%s: %s", path, strerror(errno));
			free(r);
			return NULL;
		}
		r->own = true;
	}
	r->path = xstrdup(strcmp(path, "-") == 0 ? "<stdin>" : path);
	return r;
}

int jl_next(struct jl_reader *r, struct jl_object *o, char **err)
{
	for (;;) {
		errno = 0;
		ssize_t n = getline(&r->line, &r->line_cap, r->f);
		if (n < 0) {
			if (ferror(r->f)) {
				int e = errno ? errno : EIO;
				*err = xasprintf("%s: %s", r->path, strerror(e));
				return -e;
			}
			return 0;
		}
		r->lineno++;
		size_t i = 0;
		while (i < (size_t)n && strchr(" \t\r\n", r->line[i]))
			i++;
		if (i == (size_t)n)
			continue;
		const char *msg;
		size_t col;
		if (jl_parse(o, r->line, (size_t)n, &msg, &col) < 0) {
			*err = xasprintf("%s:%zu:%zu: %s", r->path, r->lineno, col, msg);
			return -EINVAL;
		}
		return 1;
	}
}

size_t jl_line(const struct jl_reader *r)
{
	return r->lineno;
}

void jl_close(struct jl_reader *r)
{
	if (!r)
		return;
	if (r->own)
		fclose(r->f);
	free(r->path);
	free(r->line);
	free(r);
}
