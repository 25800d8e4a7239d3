/* buildinfo.c — the Go version and module of a binary, from .go.buildinfo. */
#include "buildinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gobin.h"
#include "util.h"

/* A version or module string longer than this is corruption. */
#define GOSTRING_MAX (64u << 20)

#define BUILDINFO_MAGIC "\xff Go buildinf:"
#define BUILDINFO_HDR 32

static int uvarint(const uint8_t *p, size_t len, uint64_t *v, size_t *used)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < len && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			*used = i + 1;
			return 0;
		}
	}
	return -1;
}

/* Go >= 1.18: two varint-prefixed strings right after the header. */
static int buildinfo_inline(const uint8_t *p, size_t len, char **vers, char **mod,
			    size_t *mod_len)
{
	uint64_t n;
	size_t used, off = BUILDINFO_HDR;

	if (uvarint(p + off, len - off, &n, &used) || n > len - off - used)
		return -1;
	*vers = xstrndup((const char *)p + off + used, n);
	off += used + n;
	if (uvarint(p + off, len - off, &n, &used) || n > len - off - used)
		return -1;
	*mod = xstrndup((const char *)p + off + used, n);
	*mod_len = n;
	return 0;
}

/* Go < 1.18: pointers to Go string headers {data, len} in the data segment. */
static char *read_gostring(const struct gobin *b, uint64_t hdr_addr, size_t *plen)
{
	uint8_t hdr[16];
	uint64_t data, len;
	char *s;

	if (gobin_read(b, hdr_addr, hdr, sizeof(hdr)))
		return NULL;
	memcpy(&data, hdr, 8);
	memcpy(&len, hdr + 8, 8);
	if (len > GOSTRING_MAX)
		return NULL;
	s = xmalloc(len + 1);
	if (gobin_read(b, data, s, len)) {
		free(s);
		return NULL;
	}
	s[len] = 0;
	if (plen)
		*plen = len;
	return s;
}

static int buildinfo_ptr(const struct gobin *b, const uint8_t *p, char **vers, char **mod,
			 size_t *mod_len)
{
	uint64_t va, ma;

	if (p[14] != 8)
		return -1;
	memcpy(&va, p + 16, 8);
	memcpy(&ma, p + 24, 8);
	*vers = read_gostring(b, va, NULL);
	*mod = read_gostring(b, ma, mod_len);
	if (!*mod) {
		*mod = xstrdup("");
		*mod_len = 0;
	}
	return *vers ? 0 : -1;
}

/* Module info lines are framed by 16-byte binary sentinels (which may hold
 * NULs); the "path" and "mod" lines name the main package and module. */
static void parse_modinfo(struct buildinfo *b, const char *mod, size_t len)
{
	const char *p, *end;

	b->module = xstrdup("");
	b->main_path = xstrdup("");
	if (len < 33 || mod[len - 17] != '\n')
		return;
	p = mod + 16;
	end = mod + len - 16;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *le = nl ? nl : end;
		const char *tab2;

		if (le - p > 5 && !strncmp(p, "path\t", 5)) {
			free(b->main_path);
			b->main_path = xstrndup(p + 5, le - p - 5);
		} else if (le - p > 4 && !strncmp(p, "mod\t", 4)) {
			tab2 = memchr(p + 4, '\t', le - p - 4);
			free(b->module);
			b->module = xstrndup(p + 4, (tab2 ? tab2 : le) - p - 4);
		}
		p = le + 1;
	}
}

static int parse_minor(const char *v)
{
	const char *p = strstr(v, "go1.");
	char *e;
	long m;

	if (!p)
		return -1;
	m = strtol(p + 4, &e, 10);
	if (e == p + 4 || m < 0 || m > 1000)
		return -1;
	return (int)m;
}

int buildinfo_parse(const struct gobin *b, const uint8_t *p, size_t len, struct buildinfo *out,
		    const char **why)
{
	char *vers = NULL, *mod = NULL;
	size_t mod_len = 0;
	uint64_t off;
	int r;

	memset(out, 0, sizeof(*out));
	for (off = 0; off + BUILDINFO_HDR <= len; off += 16)
		if (!memcmp(p + off, BUILDINFO_MAGIC, 14))
			break;
	if (off + BUILDINFO_HDR > len) {
		*why = "no build info magic in .go.buildinfo";
		return -ENOEXEC;
	}
	p += off;
	if (p[15] & 2)
		r = buildinfo_inline(p, len - off, &vers, &mod, &mod_len);
	else
		r = buildinfo_ptr(b, p, &vers, &mod, &mod_len);
	if (r || !vers || !*vers) {
		free(vers);
		free(mod);
		*why = "unreadable Go build info";
		return -EINVAL;
	}
	out->version = vers;
	out->minor = parse_minor(vers);
	parse_modinfo(out, mod, mod_len);
	free(mod);
	return 0;
}
