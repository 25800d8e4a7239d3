/* json_check.c — see json_check.h. Written from RFC 8259 and RFC 3629,
 * independently of runtime/output.c. */
#include "json_check.h"

#include <string.h>

size_t utf8_seq_len(const uint8_t *s, size_t n)
{
	uint8_t c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

struct cur {
	const uint8_t *p, *end;
	const char **why;
};

static bool bad(struct cur *c, const char *why)
{
	*c->why = why;
	return false;
}

static int hexval(uint8_t h)
{
	if (h >= '0' && h <= '9')
		return h - '0';
	if (h >= 'a' && h <= 'f')
		return h - 'a' + 10;
	if (h >= 'A' && h <= 'F')
		return h - 'A' + 10;
	return -1;
}

static bool put(uint8_t *out, size_t *len, const uint8_t *s, size_t n)
{
	if (*len + n > JSON_MAX_STR - 1)
		return false;
	memcpy(out + *len, s, n);
	*len += n;
	return true;
}

/* \uXXXX, with a following low surrogate when it is a high one. */
static bool unicode_escape(struct cur *c, uint8_t *out, size_t *len)
{
	uint32_t cp = 0;
	uint8_t u[4];
	size_t n;

	for (int k = 0; k < 4; k++) {
		int h = c->p < c->end ? hexval(*c->p++) : -1;
		if (h < 0)
			return bad(c, "bad \\u escape");
		cp = cp << 4 | (uint32_t)h;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return bad(c, "lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		uint32_t lo = 0;
		if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u')
			return bad(c, "lone high surrogate");
		c->p += 2;
		for (int k = 0; k < 4; k++) {
			int h = hexval(*c->p++);
			if (h < 0)
				return bad(c, "bad \\u escape");
			lo = lo << 4 | (uint32_t)h;
		}
		if (lo < 0xdc00 || lo > 0xdfff)
			return bad(c, "high surrogate without a low one");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp < 0x80) {
		u[0] = (uint8_t)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6), u[1] = (uint8_t)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12), u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | cp >> 18), u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return put(out, len, u, n) || bad(c, "string too long for the checker");
}

static bool string(struct cur *c, uint8_t *out, size_t *len)
{
	static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";

	*len = 0;
	if (c->p >= c->end || *c->p++ != '"')
		return bad(c, "expected a string");
	while (c->p < c->end && *c->p != '"') {
		size_t n;

		if (*c->p < 0x20)
			return bad(c, "raw control byte in a string");
		if (*c->p == '\\') {
			const char *e;
			if (++c->p >= c->end)
				return bad(c, "unterminated escape");
			if (*c->p == 'u') {
				c->p++;
				if (!unicode_escape(c, out, len))
					return false;
				continue;
			}
			e = strchr(esc_in, *c->p);
			if (!e || !*c->p)
				return bad(c, "bad escape");
			c->p++;
			if (!put(out, len, (const uint8_t *)&esc_out[e - esc_in], 1))
				return bad(c, "string too long for the checker");
			continue;
		}
		n = utf8_seq_len(c->p, (size_t)(c->end - c->p));
		if (!n)
			return bad(c, "ill-formed UTF-8 in a string");
		if (!put(out, len, c->p, n))
			return bad(c, "string too long for the checker");
		c->p += n;
	}
	if (c->p >= c->end)
		return bad(c, "unterminated string");
	c->p++;
	out[*len] = 0;
	return true;
}

static bool digits(struct cur *c)
{
	const uint8_t *s = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > s;
}

static bool number(struct cur *c)
{
	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (!digits(c))
		return bad(c, "bad number");
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (!digits(c))
			return bad(c, "bad fraction");
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (!digits(c))
			return bad(c, "bad exponent");
	}
	return true;
}

static bool word(struct cur *c, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n))
		return bad(c, "bad literal");
	c->p += n;
	return true;
}

static bool value(struct cur *c, struct json_member *m)
{
	if (c->p >= c->end)
		return bad(c, "missing value");
	switch (*c->p) {
	case '"':
		m->kind = JK_STRING;
		return string(c, m->str, &m->len);
	case 't':
		m->kind = JK_TRUE;
		return word(c, "true");
	case 'f':
		m->kind = JK_FALSE;
		return word(c, "false");
	case 'n':
		m->kind = JK_NULL;
		return word(c, "null");
	default:
		m->kind = JK_NUMBER;
		return number(c);
	}
}

bool json_check_row(const char *p, size_t n, struct json_member *m, size_t *nm,
		    const char **why)
{
	struct cur c = { (const uint8_t *)p, (const uint8_t *)p + n, why };
	size_t klen;

	*nm = 0;
	if (c.p >= c.end || *c.p++ != '{')
		return bad(&c, "not an object");
	for (;;) {
		if (*nm == JSON_MAX_MEMBERS)
			return bad(&c, "too many members for the checker");
		if (!string(&c, (uint8_t *)m[*nm].key, &klen))
			return false;
		if (c.p >= c.end || *c.p++ != ':')
			return bad(&c, "expected ':'");
		if (!value(&c, &m[*nm]))
			return false;
		(*nm)++;
		if (c.p < c.end && *c.p == ',') {
			c.p++;
			continue;
		}
		break;
	}
	if (c.p >= c.end || *c.p++ != '}')
		return bad(&c, "expected '}'");
	if (c.p != c.end)
		return bad(&c, "bytes after the object");
	return true;
}
