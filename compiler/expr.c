/* expr.c — lexer and precedence-climbing parser for spec expressions. */
#include "expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

enum tok_kind {
	T_EOF, T_INT, T_STR, T_IDENT, T_PATH, T_VAR, T_OP,
	T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_DOT, T_COMMA,
};

struct token {
	enum tok_kind kind;
	size_t off, len;
	int op;         /* T_OP */
	uint64_t ival;  /* T_INT */
	char *sval;     /* T_STR (owned until taken) */
	size_t slen;
};

struct parser {
	const char *s;
	size_t n, pos;
	struct srcloc start;
	struct diags *d;
	struct token tok; /* current token */
	size_t prev_end;  /* offset just past the last consumed token */
	bool failed;
	int depth;
};

static const char *const func_names[] = {[FN_LEN] = "len", [FN_CAP] = "cap", [FN_SYM] = "sym"};


static struct srcloc loc_of(struct parser *p, size_t off, size_t len)
{
	/* An error at the end of the text (a cut escape) may ask for more. */
	if (off > p->n)
		off = p->n;
	if (len > p->n - off)
		len = p->n - off;
	return srcloc_in(p->start, p->s, off, len);
}

static void error_at(struct parser *p, size_t off, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void error_at(struct parser *p, size_t off, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	va_start(ap, fmt);
	diag_vat(p->d, DIAG_ERROR, loc_of(p, off, len), fmt, ap);
	va_end(ap);
	p->failed = true;
}

/* ---- lexer ---- */

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(int c)
{
	return is_ident_start(c) || is_digit(c);
}

/* Characters of a Go import path element ("github.com", "go-yaml", "yaml%2ev3"). */
static bool is_path_char(int c)
{
	return is_ident_char(c) || c == '.' || c == '-' || c == '~' || c == '%';
}

static int hex_val(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Describe the byte at `off` for an error message. */
static void describe_char(struct parser *p, size_t off, char *buf, size_t size)
{
	unsigned char c = (unsigned char)p->s[off];

	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", c);
}

/* A Go integer literal: decimal, 0x, 0o, 0b, legacy 0 octal, '_' before digits. */
static void lex_int(struct parser *p, struct token *t)
{
	static const char *const kind[] = {[2] = "binary", [8] = "octal",
					   [10] = "decimal", [16] = "hexadecimal"};
	const char *s = p->s;
	size_t i = t->off, end = t->off, digits_at;
	unsigned base = 10;
	uint64_t v = 0;
	bool overflow = false;

	while (end < p->n && (is_ident_char(s[end]) || s[end] == '.'))
		end++;
	t->len = end - t->off;
	if (memchr(s + i, '.', end - i)) {
		error_at(p, t->off, t->len, "floating-point literals are not supported");
		return;
	}
	if (s[i] == '0' && i + 1 < end) {
		char c = s[i + 1] | 0x20;
		base = c == 'x' ? 16 : c == 'b' ? 2 : 8;
		i += c == 'x' || c == 'o' || c == 'b' ? 2 : 1;
	}
	digits_at = i;
	for (; i < end; i++) {
		int dv = hex_val(s[i]);
		if (s[i] == '_') {
			int nv = i + 1 < end ? hex_val(s[i + 1]) : -1;
			if (nv < 0 || (unsigned)nv >= base) {
				error_at(p, i, 1, "'_' must separate successive digits");
				return;
			}
			continue;
		}
		if (dv < 0 || (unsigned)dv >= base) {
			error_at(p, i, 1, "invalid digit '%c' in %s literal", s[i], kind[base]);
			return;
		}
		if (v > (UINT64_MAX - (uint64_t)dv) / base)
			overflow = true;
		v = v * base + (uint64_t)dv;
	}
	if (i == digits_at) {
		error_at(p, t->off, t->len, "%s literal '%.*s' has no digits", kind[base],
			 (int)t->len, s + t->off);
		return;
	}
	if (overflow) {
		error_at(p, t->off, t->len, "integer literal '%.*s' does not fit in 64 bits",
			 (int)t->len, s + t->off);
		return;
	}
	t->kind = T_INT;
	t->ival = v;
}

/* One escape sequence at s[*i] (just after the backslash); false on error. */
static bool lex_escape(struct parser *p, size_t *i, struct strbuf *sb)
{
	static const char simple_in[] = "abfnrtv\\\"", simple_out[] = "\a\b\f\n\r\t\v\\\"";
	size_t esc = *i - 1, ndig = 0;
	uint32_t v = 0;
	unsigned base = 16;
	char c = *i < p->n ? p->s[*i] : '\0';
	const char *hit = c ? strchr(simple_in, c) : NULL;

	if (hit) {
		sb_putc(sb, simple_out[hit - simple_in]);
		(*i)++;
		return true;
	}
	if (c == 'x')
		ndig = 2;
	else if (c == 'u')
		ndig = 4;
	else if (c == 'U')
		ndig = 8;
	else if (c >= '0' && c <= '7')
		ndig = 3, base = 8, (*i)--;
	if (!ndig) {
		if (c == '\n' || c == '\r')
			error_at(p, esc, 1, "a backslash cannot continue a string literal on the next line");
		else
			error_at(p, esc, 2, "unknown escape sequence in string literal");
		return false;
	}
	(*i)++;
	for (size_t k = 0; k < ndig; k++, (*i)++) {
		int dv = *i < p->n ? hex_val(p->s[*i]) : -1;
		if (dv < 0 || (unsigned)dv >= base) {
			error_at(p, esc, *i - esc + 1, "invalid escape sequence in string literal");
			return false;
		}
		v = v * base + (uint32_t)dv;
	}
	if (v == 0) {
		error_at(p, esc, *i - esc, "string literals cannot contain a NUL byte");
		return false;
	}
	if (base == 8 && v > 255) {
		error_at(p, esc, *i - esc, "octal escape value %u is above 255", v);
		return false;
	}
	if (c == 'u' || c == 'U') {
		if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) {
			error_at(p, esc, *i - esc, "escape sequence is not a valid Unicode code point");
			return false;
		}
		char b[4];
		sb_add(sb, b, utf8_encode(v, b));
	} else {
		sb_putc(sb, (char)v);
	}
	return true;
}

static void lex_string(struct parser *p, struct token *t)
{
	struct strbuf sb = {0};
	char quote = p->s[t->off];
	size_t i = t->off + 1;

	for (;;) {
		if (i >= p->n) {
			error_at(p, t->off, 1, "unterminated string literal");
			break;
		}
		char c = p->s[i];
		if (c == quote) {
			i++;
			t->kind = T_STR;
			t->len = i - t->off;
			t->slen = sb.len;
			t->sval = sb_steal(&sb);
			return;
		}
		if (c == '\0') {
			error_at(p, i, 1, "string literals cannot contain a NUL byte");
			break;
		}
		if (quote == '"' && (c == '\n' || c == '\r')) {
			error_at(p, t->off, i - t->off, "newline in string literal");
			break;
		}
		if (quote == '"' && c == '\\') {
			i++;
			if (!lex_escape(p, &i, &sb))
				break;
			continue;
		}
		/* Go drops carriage returns from raw strings. */
		if (c != '\r')
			sb_putc(&sb, c);
		i++;
	}
	sb_free(&sb);
}

/* An identifier, or a package path if an unspaced '/' joins names. */
static void lex_name(struct parser *p, struct token *t)
{
	const char *s = p->s;
	size_t j = t->off, last_slash = 0, end;

	for (;;) {
		size_t k = j;
		while (k < p->n && is_path_char(s[k]))
			k++;
		if (k > j && k + 1 < p->n && s[k] == '/' && is_path_char(s[k + 1])) {
			last_slash = k;
			j = k + 1;
			continue;
		}
		break;
	}
	if (!last_slash) {
		for (end = t->off; end < p->n && is_ident_char(s[end]); end++)
			;
		t->kind = T_IDENT;
		t->len = end - t->off;
		return;
	}
	/* The last element ends at its first '.', where the package's names begin. */
	for (end = last_slash + 1; end < p->n && is_path_char(s[end]) && s[end] != '.'; end++)
		;
	t->len = end - t->off;
	if (end == last_slash + 1) {
		error_at(p, t->off, t->len + 1, "package path '%.*s' ends with '/'",
			 (int)t->len, s + t->off);
		return;
	}
	t->kind = T_PATH;
}

struct op_spelling {
	const char *text;
	int op;
};

static const struct op_spelling ops[] = {
	{"<<", OP_SHL}, {">>", OP_SHR}, {"&&", OP_LAND}, {"||", OP_LOR},
	{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE},
	{"*", OP_MUL}, {"/", OP_DIV}, {"%", OP_MOD}, {"&", OP_AND},
	{"+", OP_ADD}, {"-", OP_SUB}, {"|", OP_OR}, {"^", OP_XOR},
	{"<", OP_LT}, {">", OP_GT}, {"!", OP_NOT},
};

const char *expr_op_name(int op)
{
	if (op == OP_NEG)
		return "-";
	if (op == OP_BITNOT)
		return "^";
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (ops[i].op == op)
			return ops[i].text;
	return "?";
}

static bool lex_punct(struct parser *p, struct token *t)
{
	static const char single[] = "()[].,";
	static const enum tok_kind kinds[] = {T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_DOT, T_COMMA};
	const char *s = p->s + t->off;
	size_t rest = p->n - t->off;
	const char *hit = strchr(single, *s);

	if (*s && hit) {
		t->kind = kinds[hit - single];
		t->len = 1;
		return true;
	}
	if (rest >= 2 && s[0] == '/' && (s[1] == '*' || s[1] == '/')) {
		error_at(p, t->off, 2, "comments are not allowed in expressions");
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t l = strlen(ops[i].text);
		if (l <= rest && !strncmp(s, ops[i].text, l)) {
			t->kind = T_OP;
			t->op = ops[i].op;
			t->len = l;
			return true;
		}
	}
	return false;
}

static void lex_other(struct parser *p, struct token *t)
{
	char what[16];
	char c = p->s[t->off];

	if (c == '=') {
		error_at(p, t->off, 1, "'=' is not an operator (use '==' to compare)");
		return;
	}
	if (c == '\'') {
		error_at(p, t->off, 1, "unexpected quote: string literals use double quotes");
		return;
	}
	if (c == ':') {
		error_at(p, t->off, 1, "unexpected ':' (slice expressions are not supported)");
		return;
	}
	describe_char(p, t->off, what, sizeof(what));
	error_at(p, t->off, 1, "unexpected %s in expression", what);
}

static void next(struct parser *p)
{
	struct token *t = &p->tok;
	const char *s = p->s;

	p->prev_end = t->off + t->len;
	free(t->sval);
	memset(t, 0, sizeof(*t));
	while (p->pos < p->n && (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' ||
				 s[p->pos] == '\r'))
		p->pos++;
	t->off = p->pos;
	t->kind = T_EOF;
	if (p->pos >= p->n || p->failed)
		return;
	if (is_digit(s[p->pos]))
		lex_int(p, t);
	else if (s[p->pos] == '"' || s[p->pos] == '`')
		lex_string(p, t);
	else if (is_ident_start(s[p->pos]))
		lex_name(p, t);
	else if (s[p->pos] == '$') {
		size_t e = p->pos + 1;
		while (e < p->n && is_ident_char(s[e]))
			e++;
		t->len = e - t->off;
		if (e == p->pos + 1 || is_digit(s[p->pos + 1]))
			error_at(p, t->off, 1, "expected a name after '$' (like $ret, $latency, $goid)");
		else
			t->kind = T_VAR;
	} else if (!lex_punct(p, t))
		lex_other(p, t);
	if (p->failed)
		t->kind = T_EOF;
	p->pos = t->off + (t->len ? t->len : 1);
	if (p->pos > p->n)
		p->pos = p->n;
}

/* ---- parser ---- */

static struct expr *node(struct parser *p, enum expr_kind kind, size_t off, size_t len)
{
	struct expr *e = xcalloc(1, sizeof(*e));

	e->kind = kind;
	e->loc = e->tok = loc_of(p, off, len);
	return e;
}

/* Extend e->loc from offset `from` to the end of the last consumed token. */
static void span(struct parser *p, struct expr *e, size_t from)
{
	e->loc = loc_of(p, from, p->prev_end - from);
}

static void describe_tok(struct parser *p, char *buf, size_t size)
{
	const struct token *t = &p->tok;

	if (t->kind == T_EOF)
		snprintf(buf, size, "the end of the expression");
	else if (t->len > 24)
		snprintf(buf, size, "'%.24s...'", p->s + t->off);
	else
		snprintf(buf, size, "'%.*s'", (int)t->len, p->s + t->off);
}

static struct expr *parse_binary(struct parser *p, int min_prec, size_t *start);

static bool enter(struct parser *p)
{
	if (++p->depth > EXPR_MAX_DEPTH) {
		error_at(p, p->tok.off, 1, "expression nested too deeply (the limit is %d levels)",
			 EXPR_MAX_DEPTH);
		return false;
	}
	return true;
}

static struct expr *parse_call(struct parser *p, size_t off, size_t len)
{
	char name[64], what[48];
	size_t lparen = p->tok.off;
	int fn = -1;

	snprintf(name, sizeof(name), "%.*s", (int)len, p->s + off);
	for (size_t i = 0; i < ARRAY_SIZE(func_names); i++)
		if (len == strlen(func_names[i]) && !strncmp(p->s + off, func_names[i], len))
			fn = (int)i;
	if (fn < 0) {
		const char *near = closest_name(name, func_names, ARRAY_SIZE(func_names));
		if (near)
			error_at(p, off, len, "unknown function '%s' (did you mean '%s'?); "
				 "expressions can call len, cap and sym", name, near);
		else
			error_at(p, off, len, "unknown function '%s'; expressions can call len, cap and sym",
				 name);
		return NULL;
	}
	next(p);
	if (p->tok.kind == T_RPAREN) {
		error_at(p, off, p->tok.off + 1 - off, "%s takes exactly one argument", name);
		return NULL;
	}
	size_t arg_start;
	struct expr *arg = parse_binary(p, 1, &arg_start);
	if (!arg)
		return NULL;
	if (p->tok.kind == T_COMMA) {
		error_at(p, p->tok.off, 1, "%s takes exactly one argument", name);
		expr_free(arg);
		return NULL;
	}
	if (p->tok.kind != T_RPAREN) {
		describe_tok(p, what, sizeof(what));
		error_at(p, p->tok.off, p->tok.len, "expected ')' after the argument of %s, found %s",
			 name, what);
		diag_at(p->d, DIAG_NOTE, loc_of(p, lparen, 1), "to match this '('");
		expr_free(arg);
		return NULL;
	}
	struct expr *e = node(p, EX_CALL, off, len);
	e->op = fn;
	e->name = xstrdup(func_names[fn]);
	e->a = arg;
	next(p);
	span(p, e, off);
	return e;
}

static struct expr *parse_paren(struct parser *p, size_t *start)
{
	size_t lparen = p->tok.off;
	char what[48];
	struct expr *e;

	next(p);
	e = parse_binary(p, 1, start);
	if (!e)
		return NULL;
	if (p->tok.kind != T_RPAREN) {
		describe_tok(p, what, sizeof(what));
		error_at(p, p->tok.off, p->tok.len, "expected ')', found %s", what);
		diag_at(p->d, DIAG_NOTE, loc_of(p, lparen, 1), "to match this '('");
		expr_free(e);
		return NULL;
	}
	*start = lparen;
	next(p);
	return e;
}

static struct expr *parse_primary(struct parser *p, size_t *start)
{
	struct token *t = &p->tok;
	struct expr *e = NULL;
	char what[48];

	*start = t->off;
	switch (t->kind) {
	case T_INT:
		e = node(p, EX_INT, t->off, t->len);
		e->ival = t->ival;
		break;
	case T_STR:
		e = node(p, EX_STR, t->off, t->len);
		e->sval = t->sval;
		e->slen = t->slen;
		t->sval = NULL;
		break;
	case T_VAR:
		e = node(p, EX_VAR, t->off, t->len);
		e->name = xstrndup(p->s + t->off + 1, t->len - 1);
		break;
	case T_IDENT:
	case T_PATH: {
		size_t off = t->off, len = t->len;
		bool path = t->kind == T_PATH;
		next(p);
		if (p->tok.kind == T_LPAREN && !path)
			return parse_call(p, off, len);
		if (path && p->tok.kind != T_DOT) {
			error_at(p, off, len, "package path '%.*s' must be followed by '.Name' "
				 "(to divide, put spaces around '/')", (int)len, p->s + off);
			return NULL;
		}
		e = node(p, EX_IDENT, off, len);
		e->name = xstrndup(p->s + off, len);
		return e;
	}
	case T_LPAREN:
		return parse_paren(p, start);
	case T_OP:
		if (t->op == OP_MUL || t->op == OP_AND) {
			error_at(p, t->off, 1, "'%s' is not needed: pointers are followed automatically",
				 t->op == OP_MUL ? "*" : "&");
			return NULL;
		}
		/* fall through */
	default:
		describe_tok(p, what, sizeof(what));
		if (t->kind == T_RPAREN)
			error_at(p, t->off, 1, "unmatched ')'");
		else
			error_at(p, t->off, t->len, "expected an expression, found %s", what);
		return NULL;
	}
	next(p);
	return e;
}

static struct expr *parse_postfix(struct parser *p, struct expr *e, size_t start)
{
	char what[48];

	while (e && !p->failed) {
		struct token *t = &p->tok;
		if (t->kind == T_DOT) {
			next(p);
			if (p->tok.kind != T_IDENT) {
				describe_tok(p, what, sizeof(what));
				error_at(p, p->tok.off, p->tok.len, "expected a field name after '.', found %s",
					 what);
				break;
			}
			struct expr *f = node(p, EX_FIELD, p->tok.off, p->tok.len);
			f->name = xstrndup(p->s + p->tok.off, p->tok.len);
			f->a = e;
			e = f;
			next(p);
			span(p, e, start);
		} else if (t->kind == T_LBRACK) {
			size_t lbrack = t->off, istart;
			if (!enter(p))
				break;
			next(p);
			struct expr *idx = parse_binary(p, 1, &istart);
			p->depth--;
			if (!idx)
				break;
			if (p->tok.kind != T_RBRACK) {
				describe_tok(p, what, sizeof(what));
				error_at(p, p->tok.off, p->tok.len, "expected ']', found %s", what);
				diag_at(p->d, DIAG_NOTE, loc_of(p, lbrack, 1), "to match this '['");
				expr_free(idx);
				break;
			}
			struct expr *ix = node(p, EX_INDEX, lbrack, p->tok.off + 1 - lbrack);
			ix->a = e;
			ix->b = idx;
			e = ix;
			next(p);
			span(p, e, start);
		} else if (t->kind == T_LPAREN) {
			error_at(p, t->off, 1, "only len, cap and sym can be called");
		} else {
			return e;
		}
	}
	expr_free(e);
	return NULL;
}

static struct expr *parse_unary(struct parser *p, size_t *start)
{
	struct token *t = &p->tok;
	struct expr *e;

	if (!enter(p))
		return NULL;
	if (t->kind == T_OP && (t->op == OP_NOT || t->op == OP_SUB || t->op == OP_XOR)) {
		size_t op_off = t->off, sub_start;
		int op = t->op == OP_NOT ? OP_NOT : t->op == OP_SUB ? OP_NEG : OP_BITNOT;
		next(p);
		struct expr *a = parse_unary(p, &sub_start);
		if (!a) {
			p->depth--;
			return NULL;
		}
		e = node(p, EX_UNARY, op_off, 1);
		e->op = op;
		e->a = a;
		span(p, e, op_off);
		*start = op_off;
	} else {
		e = parse_primary(p, start);
		e = parse_postfix(p, e, *start);
	}
	p->depth--;
	return e;
}

static int precedence(const struct token *t)
{
	if (t->kind != T_OP)
		return 0;
	switch (t->op) {
	case OP_LOR: return 1;
	case OP_LAND: return 2;
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE: return 3;
	case OP_ADD: case OP_SUB: case OP_OR: case OP_XOR: return 4;
	case OP_MUL: case OP_DIV: case OP_MOD: case OP_SHL: case OP_SHR: case OP_AND: return 5;
	default: return 0;
	}
}

static struct expr *parse_binary(struct parser *p, int min_prec, size_t *start)
{
	struct expr *left;

	if (!enter(p))
		return NULL;
	left = parse_unary(p, start);
	while (left && precedence(&p->tok) >= min_prec) {
		int prec = precedence(&p->tok), op = p->tok.op;
		size_t op_off = p->tok.off, op_len = p->tok.len, rstart;
		next(p);
		struct expr *right = parse_binary(p, prec + 1, &rstart);
		if (!right) {
			expr_free(left);
			left = NULL;
			break;
		}
		struct expr *e = node(p, EX_BINARY, op_off, op_len);
		e->op = op;
		e->a = left;
		e->b = right;
		span(p, e, *start);
		left = e;
	}
	p->depth--;
	return left;
}

struct expr *expr_parse(const char *text, size_t len, struct srcloc start, struct diags *d)
{
	struct parser p = {.s = text, .n = len, .start = start, .d = d};
	struct expr *e;
	size_t estart;
	char what[48];

	if (len > EXPR_MAX_LEN) {
		diag_error(d, srcloc_in(start, text, 0, 0),
			   "expression is too long (%zu bytes; the limit is %d)", len, EXPR_MAX_LEN);
		return NULL;
	}
	size_t blank = 0;
	while (blank < len && text[blank] && strchr(" \t\r\n", text[blank]))
		blank++;
	if (blank == len) {
		diag_error(d, srcloc_in(start, text, 0, 0), "empty expression");
		return NULL;
	}
	next(&p);
	e = parse_binary(&p, 1, &estart);
	if (e && p.tok.kind != T_EOF) {
		describe_tok(&p, what, sizeof(what));
		if (p.tok.kind == T_RPAREN)
			error_at(&p, p.tok.off, 1, "unmatched ')'");
		else
			error_at(&p, p.tok.off, p.tok.len,
				 "expected an operator or the end of the expression, found %s", what);
	}
	free(p.tok.sval);
	if (p.failed) {
		expr_free(e);
		return NULL;
	}
	return e;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	expr_free(e->a);
	expr_free(e->b);
	free(e->name);
	free(e->sval);
	free(e);
}

static void print_string(const char *s, size_t n, struct strbuf *sb)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" :
				  c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
		if (esc)
			sb_puts(sb, esc);
		else if (c < 0x20 || c >= 0x7f)
			sb_printf(sb, "\\x%02x", c);
		else
			sb_putc(sb, (char)c);
	}
	sb_putc(sb, '"');
}

static void print_operand(const struct expr *e, struct strbuf *sb);

void expr_print(const struct expr *e, struct strbuf *sb)
{
	switch (e->kind) {
	case EX_INT:
		sb_printf(sb, "%llu", (unsigned long long)e->ival);
		break;
	case EX_STR:
		print_string(e->sval, e->slen, sb);
		break;
	case EX_IDENT:
		sb_puts(sb, e->name);
		break;
	case EX_VAR:
		sb_printf(sb, "$%s", e->name);
		break;
	case EX_FIELD:
		print_operand(e->a, sb);
		sb_printf(sb, ".%s", e->name);
		break;
	case EX_INDEX:
		print_operand(e->a, sb);
		sb_putc(sb, '[');
		expr_print(e->b, sb);
		sb_putc(sb, ']');
		break;
	case EX_CALL:
		sb_printf(sb, "%s(", e->name);
		expr_print(e->a, sb);
		sb_putc(sb, ')');
		break;
	case EX_UNARY:
		sb_printf(sb, "(%s", expr_op_name(e->op));
		expr_print(e->a, sb);
		sb_putc(sb, ')');
		break;
	case EX_BINARY:
		sb_putc(sb, '(');
		expr_print(e->a, sb);
		sb_printf(sb, " %s ", expr_op_name(e->op));
		expr_print(e->b, sb);
		sb_putc(sb, ')');
		break;
	}
}

/* The operand of a postfix: "2 .x" must print as "(2).x", since "2.x"
 * does not lex as a field of 2. */
static void print_operand(const struct expr *e, struct strbuf *sb)
{
	if (e->kind != EX_INT) {
		expr_print(e, sb);
		return;
	}
	sb_putc(sb, '(');
	expr_print(e, sb);
	sb_putc(sb, ')');
}
