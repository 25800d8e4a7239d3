/* test_common.c — the shared low layer of common/ that test_util.c does not
 * cover: the hash maps, UTF-8, and the located YAML tree (its positions,
 * limits and refusals; spec.c's and offsetsdb.c's words for them are
 * tested by test_spec.c, tests/specs-bad and test_offsetsdb.c). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "htab.h"
#include "utf8.h"
#include "yamltree.h"

static void test_strmap(void)
{
	struct strmap m = {0};
	char (*keys)[16] = xcalloc(5000, sizeof(*keys));
	size_t v = 99;
	bool added;
	int bad = 0;

	CHECK(!strmap_get(&m, "x", &v));
	CHECK_INT(v, 99);
	for (int i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		*strmap_put(&m, keys[i], &added) = (size_t)i;
		bad += !added;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(m.h.n, 5000);
	for (int i = 0; i < 5000; i++) {
		char probe[16]; /* another pointer, the same text */
		snprintf(probe, sizeof(probe), "k%d", i);
		bad += !strmap_get(&m, probe, &v) || v != (size_t)i;
	}
	CHECK_INT(bad, 0);
	CHECK(!strmap_get(&m, "k5000", NULL));
	CHECK(strmap_get(&m, "k17", NULL));
	*strmap_put(&m, "k17", &added) += 1000; /* present: the same value */
	CHECK(!added);
	CHECK(strmap_get(&m, "k17", &v) && v == 1017);
	CHECK(!strmap_get(&m, "", NULL));
	*strmap_put(&m, "", &added) = 7;
	CHECK(added && strmap_get(&m, "", &v) && v == 7);
	strmap_free(&m);
	CHECK(m.h.slots == NULL && m.h.n == 0);
	free(keys);
}

static void test_u64map(void)
{
	struct u64map m = {0};
	size_t v = 0;
	bool added;
	int bad = 0;

	CHECK(!u64map_get(&m, 0, &v));
	CHECK(!u64map_get(&m, 5, &v));
	/* Key 0 is a key like any other. */
	*u64map_put(&m, 0, &added) = 42;
	CHECK(added);
	CHECK(u64map_get(&m, 0, &v) && v == 42);
	*u64map_put(&m, 0, &added) += 1;
	CHECK(!added && u64map_get(&m, 0, &v) && v == 43);
	/* Addresses that share their low bits, and negative int64s. */
	for (uint64_t i = 1; i <= 3000; i++) {
		*u64map_put(&m, i << 12, NULL) = (size_t)i;
		*u64map_put(&m, (uint64_t)-(int64_t)i, NULL) = (size_t)i + 1;
	}
	for (uint64_t i = 1; i <= 3000; i++) {
		bad += !u64map_get(&m, i << 12, &v) || v != i;
		bad += !u64map_get(&m, (uint64_t)-(int64_t)i, &v) || v != i + 1;
		bad += u64map_get(&m, (i << 12) + 1, NULL);
	}
	CHECK_INT(bad, 0);
	CHECK(u64map_get(&m, 0, &v) && v == 43);
	u64map_free(&m);
	CHECK(!u64map_get(&m, 0, NULL) && !u64map_get(&m, 1 << 12, NULL));
}

static void test_utf8(void)
{
	static const struct {
		const char *s;
		size_t n, len;
	} cases[] = {
		{"a", 1, 1},
		{"\x7f", 1, 1},
		{"\xc3\xa9", 2, 2},             /* é */
		{"\xc3\xa9", 1, 0},             /* cut */
		{"\xc0\xaf", 2, 0},             /* overlong '/' */
		{"\xc1\xbf", 2, 0},
		{"\xe2\x80\xa6", 3, 3},         /* … */
		{"\xe0\x80\xaf", 3, 0},         /* overlong */
		{"\xe0\xa0\x80", 3, 3},         /* U+0800 */
		{"\xed\x9f\xbf", 3, 3},         /* U+D7FF */
		{"\xed\xa0\x80", 3, 0},         /* surrogate U+D800 */
		{"\xef\xbf\xbd", 3, 3},         /* U+FFFD */
		{"\xf0\x8f\xbf\xbf", 4, 0},     /* overlong */
		{"\xf0\x9f\x98\x80", 4, 4},     /* U+1F600 */
		{"\xf4\x8f\xbf\xbf", 4, 4},     /* U+10FFFF */
		{"\xf4\x90\x80\x80", 4, 0},     /* above U+10FFFF */
		{"\xf5\x80\x80\x80", 4, 0},
		{"\x80", 1, 0},                 /* a lone continuation byte */
		{"\xe2\x28\xa1", 3, 0},         /* a bad second byte */
		{"\xe2\x82\x28", 3, 0},         /* a bad third byte */
		{"\xff", 1, 0},
	};
	static const uint32_t cps[] = {0, 0x41, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x2026,
				       0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t got = utf8_len((const unsigned char *)cases[i].s, cases[i].n);
		if (got != cases[i].len)
			fprintf(stderr, "utf8_len case %zu: %zu, expected %zu\n", i, got,
				cases[i].len);
		CHECK_INT(got, cases[i].len);
	}
	for (size_t i = 0; i < ARRAY_SIZE(cps); i++) {
		char b[4];
		size_t n = utf8_encode(cps[i], b);
		CHECK_INT(n, cps[i] < 0x80 ? 1 : cps[i] < 0x800 ? 2 : cps[i] < 0x10000 ? 3 : 4);
		CHECK_INT(utf8_len((const unsigned char *)b, n), n);
	}
}

/* Parse text; the root or NULL, with *p filled in. */
static struct ynode *parse(const char *text, struct yproblem *p, uint32_t max_nodes, int depth)
{
	static struct srcfile f;
	static struct ytext t;
	struct ytree_limits lim = {max_nodes, depth};
	struct ynode *root;

	f = (struct srcfile){"t.yaml", text, strlen(text)};
	ytext_init(&t, &f);
	root = ytree_parse(&t, &lim, p);
	ytext_free(&t);
	return root;
}

static void test_yamltree(void)
{
	struct yproblem p;
	struct ynode *y;
	const struct ynode *v;

	/* Byte columns for locations, character columns as libyaml counts. */
	y = parse("\xef\xbb\xbf" "a: 1\n\xc3\xa9t\xc3\xa9: 'x y'\nl: [p, \"q\"]\n", &p, 100, 8);
	CHECK(y && y->kind == Y_MAP && y->nkids == 6);
	if (y && y->nkids == 6) {
		v = y->kids[0];
		CHECK(v->loc.line == 1 && v->loc.col == 4 && v->ycol == 1);
		v = y->kids[3];
		CHECK_STR(v->value, "x y");
		CHECK(v->style == Y_SINGLE_QUOTED);
		CHECK(v->loc.line == 2 && v->loc.col == 8 && v->loc.len == 5);
		CHECK(v->yline == 2 && v->ycol == 6);
		CHECK(v->start == 15 && v->end == 20);
		v = ymap_get(y, "l");
		CHECK(v && v->kind == Y_SEQ && v->nkids == 2);
		if (v && v->nkids == 2) {
			CHECK(v->loc.col == 4 && v->loc.len == 8); /* "[p, "q"]" */
			CHECK(v->kids[1]->style == Y_DOUBLE_QUOTED && v->kids[1]->loc.col == 8);
		}
		CHECK(ymap_get(y, "\xc3\xa9t\xc3\xa9") == y->kids[3]);
		CHECK(ymap_get(y, "m") == NULL);
	}
	ynode_free(y);
	CHECK_STR(ykind_name(Y_SCALAR), "a scalar");
	CHECK_STR(ykind_name(Y_SEQ), "a list");
	CHECK_STR(ykind_name(Y_MAP), "a mapping");

	CHECK(!parse("", &p, 100, 8) && p.kind == YP_EMPTY && p.loc.line == 0);
	CHECK(!parse("a: *x\n", &p, 100, 8) && p.kind == YP_ALIAS && p.loc.col == 4);
	CHECK(!parse("a: &x 1\n", &p, 100, 8) && p.kind == YP_ANCHOR && p.ycol == 4);
	CHECK(!parse("a: !t 1\n", &p, 100, 8) && p.kind == YP_TAG);
	CHECK(!parse("a: 1\n---\nb: 2\n", &p, 100, 8) && p.kind == YP_DOCUMENTS &&
	      p.loc.line == 2 && p.loc.len == 3);
	CHECK(!parse("[1, 2, 3]\n", &p, 3, 8) && p.kind == YP_NODES && p.loc.col == 8);
	CHECK(!parse("[[[x]]]\n", &p, 100, 2) && p.kind == YP_DEPTH && p.loc.col == 3);
	y = parse("[[x]]\n", &p, 100, 2); /* two levels are allowed */
	CHECK(y != NULL);
	ynode_free(y);
	CHECK(!parse("a: [1\n", &p, 100, 8) && p.kind == YP_SYNTAX && p.text && p.context);
	CHECK(!parse("a: \"\xff\"\n", &p, 100, 8) && p.kind == YP_READER && p.offset == 4 &&
	      p.loc.col == 5 && p.ycol == 5);
}

int main(void)
{
	test_strmap();
	test_u64map();
	test_utf8();
	test_yamltree();
	return check_done("test_common");
}
