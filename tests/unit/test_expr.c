/* test_expr.c — the expression parser (precedence, literals, locations,
 * errors) and Go version constraints. */
#include "check.h"
#include "expr.h"
#include "goversion.h"

static struct srcfile file = {"x.yaml", NULL, 0};

/* Parse `text` as if it sat on line 3, column 10 of a file holding only it. */
static struct expr *parse(const char *text, struct diags *d)
{
	struct srcloc start = {&file, 3, 10, 0};

	file.text = text;
	file.len = strlen(text);
	return expr_parse(text, strlen(text), start, d);
}

/* The canonical form, or the first error line (location stripped of the file). */
static char *show(const char *text)
{
	struct diags d = {0};
	struct expr *e = parse(text, &d);
	struct strbuf sb = {0};

	if (e) {
		expr_print(e, &sb);
	} else if (d.out.buf) {
		const char *m = d.out.buf + strlen("x.yaml:");
		sb_add(&sb, m, strcspn(m, "\n"));
	}
	expr_free(e);
	diags_free(&d);
	return sb_steal(&sb);
}

#define CHECK_EXPR(text, want)            \
	do {                              \
		char *_s = show(text);    \
		CHECK_STR(_s, want);      \
		free(_s);                 \
	} while (0)

static void test_precedence(void)
{
	CHECK_EXPR("a + b * c", "(a + (b * c))");
	CHECK_EXPR("a * b + c", "((a * b) + c)");
	CHECK_EXPR("a - b - c", "((a - b) - c)");
	CHECK_EXPR("a | b ^ c & d", "((a | b) ^ (c & d))");
	CHECK_EXPR("1 << 2 + 3", "((1 << 2) + 3)");
	CHECK_EXPR("a + b == c - d", "((a + b) == (c - d))");
	CHECK_EXPR("a == b && c != d || e < f", "(((a == b) && (c != d)) || (e < f))");
	CHECK_EXPR("a || b && c", "(a || (b && c))");
	CHECK_EXPR("!a && -b < ^c", "((!a) && ((-b) < (^c)))");
	CHECK_EXPR("- - x", "(-(-x))");
	CHECK_EXPR("(a + b) * c", "((a + b) * c)");
	CHECK_EXPR("a % b / c >> 1", "(((a % b) / c) >> 1)");
	CHECK_EXPR("x <= 1 || x >= 2", "((x <= 1) || (x >= 2))");
	CHECK_EXPR("a &^ b", "(a & (^b))");
	CHECK_EXPR("-gp.m.id", "(-gp.m.id)");
}

static void test_operands(void)
{
	CHECK_EXPR("gp.goid", "gp.goid");
	CHECK_EXPR("runtime.gcController.heapLive", "runtime.gcController.heapLive");
	CHECK_EXPR("s[i + 1].f[0]", "s[(i + 1)].f[0]");
	CHECK_EXPR("len(p.buf) + cap(x) + sym(fn.fn)", "((len(p.buf) + cap(x)) + sym(fn.fn))");
	CHECK_EXPR("$ret0 + $latency + $goid", "(($ret0 + $latency) + $goid)");
	CHECK_EXPR("(a).b", "a.b");
	CHECK_EXPR("  \n a \n ", "a");
}

static void test_package_paths(void)
{
	struct diags d = {0};
	struct expr *e;

	CHECK_EXPR("net/http.DefaultClient.Timeout", "net/http.DefaultClient.Timeout");
	e = parse("github.com/foo/go-yaml.V.x", &d);
	CHECK(e && e->kind == EX_FIELD && e->a->kind == EX_FIELD && e->a->a->kind == EX_IDENT);
	if (e)
		CHECK_STR(e->a->a->name, "github.com/foo/go-yaml");
	expr_free(e);
	/* An unspaced '/' between names is a path; spaces or a non-name make a division. */
	CHECK_EXPR("a / b", "(a / b)");
	CHECK_EXPR("a /b", "(a / b)");
	CHECK_EXPR("a/ b", "(a / b)");
	CHECK_EXPR("$latency/1000", "($latency / 1000)");
	CHECK_EXPR("len(x)/2", "(len(x) / 2)");
	CHECK_EXPR("x[1]/2", "(x[1] / 2)");
	CHECK_EXPR("a/b", "3:10: error: package path 'a/b' must be followed by '.Name' "
			  "(to divide, put spaces around '/')");
	CHECK_EXPR("gp.m/2", "3:10: error: package path 'gp.m/2' must be followed by '.Name' "
			     "(to divide, put spaces around '/')");
}

static void test_literals(void)
{
	struct diags d = {0};
	struct expr *e;

	CHECK_EXPR("0", "0");
	CHECK_EXPR("1_000_000", "1000000");
	CHECK_EXPR("0x_Ff", "255");
	CHECK_EXPR("0XFF", "255");
	CHECK_EXPR("0o17", "15");
	CHECK_EXPR("0O17", "15");
	CHECK_EXPR("017", "15");
	CHECK_EXPR("0_17", "15");
	CHECK_EXPR("0b1010", "10");
	CHECK_EXPR("0B_1_0", "2");
	CHECK_EXPR("18446744073709551615", "18446744073709551615");
	CHECK_EXPR("0xffff_ffff_ffff_ffff", "18446744073709551615");
	CHECK_EXPR("18446744073709551616",
		   "3:10: error: integer literal '18446744073709551616' does not fit in 64 bits");
	CHECK_EXPR("0x1_0000_0000_0000_0000",
		   "3:10: error: integer literal '0x1_0000_0000_0000_0000' does not fit in 64 bits");
	CHECK_EXPR("09", "3:11: error: invalid digit '9' in octal literal");
	CHECK_EXPR("0b2", "3:12: error: invalid digit '2' in binary literal");
	CHECK_EXPR("12a", "3:12: error: invalid digit 'a' in decimal literal");
	CHECK_EXPR("1__0", "3:11: error: '_' must separate successive digits");
	CHECK_EXPR("1_", "3:11: error: '_' must separate successive digits");
	CHECK_EXPR("0x", "3:10: error: hexadecimal literal '0x' has no digits");
	CHECK_EXPR("1.5", "3:10: error: floating-point literals are not supported");

	e = parse("\"a\\tb\\\\\\\"\\x41\\101\\u00e9\\U0001F600\"", &d);
	CHECK(e && e->kind == EX_STR);
	if (e) {
		CHECK_INT(e->slen, 13);
		CHECK(!memcmp(e->sval, "a\tb\\\"AA\xc3\xa9\xf0\x9f\x98\x80", 13));
	}
	expr_free(e);
	CHECK_EXPR("`raw\\n`", "\"raw\\\\n\"");
	CHECK_EXPR("name == \"main\"", "(name == \"main\")");
	CHECK_EXPR("\"a\\x00\"", "3:12: error: string literals cannot contain a NUL byte");
	CHECK_EXPR("\"a\\000\"", "3:12: error: string literals cannot contain a NUL byte");
	CHECK_EXPR("\"a\\u0000\"", "3:12: error: string literals cannot contain a NUL byte");
	CHECK_EXPR("\"\\q\"", "3:11: error: unknown escape sequence in string literal");
	CHECK_EXPR("\"\\'\"", "3:11: error: unknown escape sequence in string literal");
	CHECK_EXPR("\"\\777\"", "3:11: error: octal escape value 511 is above 255");
	CHECK_EXPR("\"\\ud800\"", "3:11: error: escape sequence is not a valid Unicode code point");
	CHECK_EXPR("\"\\xg0\"", "3:11: error: invalid escape sequence in string literal");
	CHECK_EXPR("\"abc", "3:10: error: unterminated string literal");
	CHECK_EXPR("\"a\nb\"", "3:10: error: newline in string literal");
	CHECK_EXPR("\"a\\\nb\"",
		   "3:12: error: a backslash cannot continue a string literal on the next line");
	diags_free(&d);
}

static void test_locations(void)
{
	struct diags d = {0};
	/*                   col 10 + offset: a=10 +=12 len=14 (=18 p=19 )=24 *=26 2=28 */
	struct expr *e = parse("a + len(p.buf[i]) * 2", &d);

	CHECK(e != NULL);
	if (!e)
		return;
	CHECK_INT(e->loc.line, 3);
	CHECK_INT(e->loc.col, 10);
	CHECK_INT(e->loc.len, 21);
	CHECK_INT(e->tok.col, 12); /* + */
	CHECK_INT(e->tok.len, 1);
	struct expr *mul = e->b, *call = mul->a, *idx = call->a, *fld = idx->a;
	CHECK_INT(mul->tok.col, 28);
	CHECK_INT(mul->loc.col, 14);
	CHECK_INT(mul->loc.len, 17);
	CHECK_INT(call->kind, EX_CALL);
	CHECK_INT(call->op, FN_LEN);
	CHECK_INT(call->tok.col, 14);
	CHECK_INT(call->tok.len, 3);
	CHECK_INT(call->loc.len, 13);
	CHECK_INT(idx->kind, EX_INDEX);
	CHECK_INT(idx->tok.col, 23); /* [i] */
	CHECK_INT(idx->tok.len, 3);
	CHECK_INT(idx->loc.col, 18);
	CHECK_INT(idx->loc.len, 8);
	CHECK_INT(fld->kind, EX_FIELD);
	CHECK_STR(fld->name, "buf");
	CHECK_INT(fld->tok.col, 20);
	CHECK_INT(fld->tok.len, 3);
	CHECK_INT(fld->loc.col, 18);
	CHECK_INT(fld->loc.len, 5);
	CHECK_INT(mul->b->kind, EX_INT);
	CHECK_INT(mul->b->ival, 2);
	CHECK_INT(mul->b->tok.col, 30);
	expr_free(e);

	/* A newline moves to the next line, column 1 + its indentation. */
	e = parse("a &&\n    b.c", &d);
	CHECK(e != NULL);
	if (e) {
		CHECK_INT(e->b->tok.line, 4);
		CHECK_INT(e->b->tok.col, 7);
		CHECK_INT(e->loc.line, 3);
		CHECK_INT(e->loc.len, 4); /* underlines stop at the end of the first line */
	}
	expr_free(e);
	diags_free(&d);
}

static void test_errors(void)
{
	struct diags d = {0};

	CHECK_EXPR("", "3:10: error: empty expression");
	CHECK_EXPR("  ", "3:10: error: empty expression");
	CHECK_EXPR("foo(x)", "3:10: error: unknown function 'foo'; expressions can call len, cap and sym");
	CHECK_EXPR("lne(x)", "3:10: error: unknown function 'lne' (did you mean 'len'?); "
			     "expressions can call len, cap and sym");
	CHECK_EXPR("len()", "3:10: error: len takes exactly one argument");
	CHECK_EXPR("len(a, b)", "3:15: error: len takes exactly one argument");
	CHECK_EXPR("a.b(c)", "3:13: error: only len, cap and sym can be called");
	CHECK_EXPR("(a + b", "3:16: error: expected ')', found the end of the expression");
	CHECK_EXPR("a + b)", "3:15: error: unmatched ')'");
	CHECK_EXPR("a[1", "3:13: error: expected ']', found the end of the expression");
	CHECK_EXPR("a[1:2]", "3:13: error: unexpected ':' (slice expressions are not supported)");
	CHECK_EXPR("a b", "3:12: error: expected an operator or the end of the expression, found 'b'");
	CHECK_EXPR("a +", "3:13: error: expected an expression, found the end of the expression");
	CHECK_EXPR("a = 1", "3:12: error: '=' is not an operator (use '==' to compare)");
	CHECK_EXPR("*p", "3:10: error: '*' is not needed: pointers are followed automatically");
	CHECK_EXPR("&x", "3:10: error: '&' is not needed: pointers are followed automatically");
	CHECK_EXPR("a.", "3:12: error: expected a field name after '.', found the end of the expression");
	CHECK_EXPR("a.1", "3:12: error: expected a field name after '.', found '1'");
	CHECK_EXPR("$", "3:10: error: expected a name after '$' (like $ret, $latency, $goid)");
	CHECK_EXPR("'x'", "3:10: error: unexpected quote: string literals use double quotes");
	CHECK_EXPR("a /* c */", "3:12: error: comments are not allowed in expressions");
	CHECK_EXPR("a; b", "3:11: error: unexpected ';' in expression");
	CHECK_EXPR("#include <x>", "3:10: error: unexpected '#' in expression");
	CHECK_EXPR("a\\\nb", "3:11: error: unexpected '\\' in expression");
	CHECK_EXPR("caf\xc3\xa9", "3:13: error: unexpected byte 0xc3 in expression");

	/* Deep nesting is refused, not a stack overflow. */
	struct strbuf sb = {0};
	for (int i = 0; i < 1000; i++)
		sb_putc(&sb, '(');
	sb_putc(&sb, 'a');
	for (int i = 0; i < 1000; i++)
		sb_putc(&sb, ')');
	CHECK(parse(sb.buf, &d) == NULL);
	CHECK(d.out.buf && strstr(d.out.buf, "expression nested too deeply (the limit is 64 levels)"));
	CHECK_INT(d.nerrors, 1);
	diags_free(&d);
	sb.len = 0;
	for (int i = 0; i < 1000; i++)
		sb_puts(&sb, "-");
	sb_putc(&sb, 'a');
	CHECK(parse(sb.buf, &d) == NULL);
	CHECK(d.out.buf && strstr(d.out.buf, "nested too deeply"));
	diags_free(&d);
	sb.len = 0;
	for (int i = 0; i < 1000; i++)
		sb_puts(&sb, "a+");
	sb_putc(&sb, 'a');
	struct expr *flat = parse(sb.buf, &d); /* a left-associative chain is not deep */
	CHECK(flat != NULL);
	expr_free(flat);
	diags_free(&d);
	sb.len = 0;
	for (int i = 0; i < 3000; i++)
		sb_puts(&sb, "a + ");
	sb_putc(&sb, 'a');
	CHECK(parse(sb.buf, &d) == NULL);
	CHECK(d.out.buf && strstr(d.out.buf, "expression is too long (12001 bytes; the limit is 4096)"));
	diags_free(&d);
	sb_free(&sb);

	/* One error per expression, with a note for the unclosed bracket. */
	struct expr *e = parse("f((a)", &d);
	CHECK(e == NULL);
	diags_free(&d);
	/* Rendered against the real line: text at line 3, column 10. */
	static const char src[] = "\n\n    x: { len((a)";
	struct srcfile f = {"x.yaml", src, sizeof(src) - 1};
	struct srcloc at = {&f, 3, 10, 0};
	e = expr_parse(src + 11, strlen(src + 11), at, &d);
	CHECK(e == NULL);
	CHECK_STR(d.out.buf, "x.yaml:3:17: error: expected ')' after the argument of len, found the end of the expression\n"
			     "    3 |     x: { len((a)\n"
			     "      |                 ^\n"
			     "x.yaml:3:13: note: to match this '('\n"
			     "    3 |     x: { len((a)\n"
			     "      |             ^\n");
	diags_free(&d);
}

static void test_goversion(void)
{
	struct go_version v;
	struct strbuf sb = {0};

	CHECK_INT(go_version_parse("go1.22.12", &v), 0);
	CHECK(v.major == 1 && v.minor == 22 && v.patch == 12 && v.has_patch && !v.devel);
	CHECK_INT(go_version_parse("1.22", &v), 0);
	CHECK(v.minor == 22 && !v.has_patch);
	CHECK_INT(go_version_parse("go1.21.0 X:boringcrypto", &v), 0);
	CHECK(v.minor == 21 && v.patch == 0);
	CHECK_INT(go_version_parse("go1.21rc2", &v), 0);
	go_version_print(&v, &sb);
	CHECK_STR(sb.buf, "1.21rc2");
	sb_free(&sb);
	CHECK_INT(go_version_parse("devel go1.23-e8ee1dc4f9 Mon Jan 1 +0000", &v), 0);
	CHECK(v.devel && v.major == 1 && v.minor == 23);
	CHECK_INT(go_version_parse("devel +abcdef", &v), 0);
	CHECK(v.devel && v.major == 0);
	CHECK(go_version_parse("go1", &v) < 0);
	CHECK(go_version_parse("go1.x", &v) < 0);
	CHECK(go_version_parse("go1.22.1x", &v) < 0);
	CHECK(go_version_parse("", &v) < 0);

	struct go_version a, b;
	go_version_parse("go1.21rc2", &a);
	go_version_parse("go1.21.0", &b);
	CHECK(go_version_cmp(&a, &b) < 0);
	go_version_parse("go1.21beta1", &b);
	CHECK(go_version_cmp(&a, &b) > 0);
	go_version_parse("go1.9", &a);
	go_version_parse("go1.10", &b);
	CHECK(go_version_cmp(&a, &b) < 0);
}

static bool matches(const char *constraint, const char *version)
{
	struct diags d = {0};
	struct srcloc start = {&file, 1, 5, 0};
	struct go_constraint *c;
	struct go_version v;
	bool r;

	file.text = constraint;
	file.len = strlen(constraint);
	c = go_constraint_parse(constraint, strlen(constraint), start, &d);
	if (!c || go_version_parse(version, &v) < 0) {
		fprintf(stderr, "bad constraint %s: %s", constraint, d.out.buf);
		diags_free(&d);
		return false;
	}
	r = go_constraint_match(c, &v);
	go_constraint_free(c);
	diags_free(&d);
	return r;
}

static struct go_constraint *cparse(const char *text)
{
	struct diags d = {0};
	struct srcloc start = {&file, 1, 1, 0};
	struct go_constraint *c;

	file.text = text;
	file.len = strlen(text);
	c = go_constraint_parse(text, strlen(text), start, &d);
	CHECK(c != NULL);
	diags_free(&d);
	return c;
}

/* Whether two constraints share a version; the witness printed into *w. */
static bool overlap(const char *a, const char *b, char **w)
{
	struct go_constraint *ca = cparse(a), *cb = cparse(b);
	struct go_version v;
	struct strbuf sb = {0};
	bool r = ca && cb && go_constraints_overlap(ca, cb, &v);

	if (r) {
		/* The witness must really satisfy both. */
		CHECK(go_constraint_match(ca, &v) && go_constraint_match(cb, &v));
		go_version_print(&v, &sb);
	}
	*w = sb_steal(&sb);
	go_constraint_free(ca);
	go_constraint_free(cb);
	return r;
}

static void test_overlap(void)
{
	char *w;

	CHECK(!overlap("<1.21", ">=1.21", &w));
	free(w);
	CHECK(!overlap(">=1.19 <1.25", ">=1.25", &w));
	free(w);
	CHECK(!overlap("<1.16", ">=1.19 <1.25", &w));
	free(w);
	CHECK(!overlap("1.19", "!=1.19", &w));
	free(w);
	CHECK(!overlap(">=1.21 <1.24.3", ">=1.24.3", &w));
	free(w);
	CHECK(!overlap("1.15 || 1.19", ">=1.21", &w));
	free(w);
	CHECK(overlap(">=1.19 <1.25", ">=1.24.3 || 1.15", &w));
	CHECK_STR(w, "1.24.3");
	free(w);
	CHECK(overlap("<=1.22", ">1.22.4", &w));
	CHECK_STR(w, "1.22.5");
	free(w);
	CHECK(overlap(">=1.21", "!=1.21", &w));
	free(w);
	CHECK(overlap("1.19", "1.19.3", &w));
	CHECK_STR(w, "1.19.3");
	free(w);
}

static char *constraint_error(const char *text)
{
	struct diags d = {0};
	struct srcloc start = {&file, 1, 5, 0};
	struct go_constraint *c;

	file.text = text;
	file.len = strlen(text);
	c = go_constraint_parse(text, strlen(text), start, &d);
	CHECK(c == NULL);
	go_constraint_free(c);
	return d.out.buf ? d.out.buf : xstrdup("");
}

static void test_constraints(void)
{
	char *s;

	CHECK(matches(">=1.21 <1.27", "go1.21.0"));
	CHECK(matches(">=1.21 <1.27", "go1.26.9"));
	CHECK(!matches(">=1.21 <1.27", "go1.27.0"));
	CHECK(!matches(">=1.21 <1.27", "go1.20.14"));
	CHECK(matches("1.19", "go1.19.13"));
	CHECK(!matches("1.19", "go1.20"));
	CHECK(matches("<1.17", "go1.15.15"));
	CHECK(!matches("<1.17", "go1.17.0"));
	CHECK(!matches("!=1.20", "go1.20.3"));
	CHECK(matches("!=1.20", "go1.21.3"));
	CHECK(matches("<=1.22", "go1.22.12"));     /* the whole 1.22 series */
	CHECK(!matches(">1.22", "go1.22.12"));
	CHECK(matches(">=1.21.3", "go1.21.3"));
	CHECK(!matches(">=1.21.3", "go1.21.2"));
	CHECK(matches("1.21", "go1.21rc2"));
	CHECK(!matches(">=1.21.0", "go1.21rc2"));
	CHECK(matches("1.19 || >=1.21", "go1.19.1"));
	CHECK(matches("1.19 || >=1.21", "go1.24.0"));
	CHECK(!matches("1.19 || >=1.21", "go1.20.0"));
	CHECK(matches(">= 1.21, < 1.27", "go1.22.0"));
	CHECK(matches("==go1.22", "go1.22.5"));
	CHECK(matches(">=1.23", "devel go1.23-abc Mon"));
	CHECK(matches("<1.10", "devel +abcdef"));

	{
		static const char src[] = "go: >=1.21 <1.x";
		struct srcfile f = {"x.yaml", src, sizeof(src) - 1};
		struct srcloc at = {&f, 1, 5, 0};
		struct diags d = {0};
		CHECK(go_constraint_parse(src + 4, strlen(src + 4), at, &d) == NULL);
		CHECK_STR(d.out.buf, "x.yaml:1:13: error: invalid Go version '1.x' (expected a version "
				     "like 1.22 or 1.22.3, optionally after one of >= > <= < == !=)\n"
				     "    1 | go: >=1.21 <1.x\n"
				     "      |             ^~~\n");
		diags_free(&d);
	}
	s = constraint_error("");
	CHECK_STR(s, "x.yaml:1:5: error: empty Go version constraint (expected e.g. \">=1.21 <1.27\")\n"
		     "    1 | \n"
		     "      | ^\n");
	free(s);
	s = constraint_error(">=");
	CHECK(strstr(s, "1:5: error: expected a Go version after '>='"));
	free(s);
	s = constraint_error("|| 1.19");
	CHECK(strstr(s, "1:5: error: '||' needs a version constraint on each side"));
	free(s);
	s = constraint_error("1.19 ||");
	CHECK(strstr(s, "1:10: error: '||' needs a version constraint on each side"));
	free(s);
	s = constraint_error("1.19 | 1.20");
	CHECK(strstr(s, "1:10: error: expected '||' between alternatives"));
	free(s);
	s = constraint_error("~1.19");
	CHECK(strstr(s, "1:5: error: invalid Go version '~1.19'"));
	free(s);
}

int main(void)
{
	test_precedence();
	test_operands();
	test_package_paths();
	test_literals();
	test_locations();
	test_errors();
	test_goversion();
	test_constraints();
	test_overlap();
	return check_done("test_expr");
}
