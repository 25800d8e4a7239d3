/* test_rtype.c — layouts from runtime type descriptors against DWARF's.
 *
 * For every test program with DWARF of every cached Go version: each struct
 * the descriptors know is looked up by the same name in DWARF (read into a
 * separate arena, so no type is shared) and must agree on size, alignment
 * and every field's name, offset, embedding and type size and name. Prints,
 * per binary, descriptors read, structs compared, agreeing, and structs
 * DWARF does not know by that name. Stripped twins must know at least the
 * same main.* structs. Known structs of the test programs are checked by
 * name so that the comparison cannot pass empty.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gobin.h"
#include "godwarf.h"
#include "gotype.h"
#include "rtype.h"
#include "util.h"

#define MAX_REPORTS 400

static int nreports;

static bool type_agrees(const struct gtype *a, const struct gtype *b)
{
	if (!a || !b)
		return a == b;
	return a->kind == b->kind && a->size == b->size && a->name && b->name &&
	       strcmp(a->name, b->name) == 0;
}

/* NULL if the layouts agree, else what differs (malloc'd). */
static char *differs(const struct gtype *r, const struct gtype *d)
{
	if (d->kind != GK_STRUCT)
		return xasprintf("DWARF kind %s", gkind_name(d->kind));
	if (r->size != d->size || r->nfields != d->nfields)
		return xasprintf("size %lu/%lu, fields %u/%u", (unsigned long)r->size,
				 (unsigned long)d->size, r->nfields, d->nfields);
	/* DWARF has no alignment; gotype.c derives it from the fields, which
	 * cannot see the compiler's special case atomic.align64 (size 0,
	 * align 8). The descriptor carries the real value. */
	if (gtype_align((struct gtype *)r) != gtype_align((struct gtype *)d) &&
	    !(d->size == 0 && strstr(d->name, "atomic.align64")))
		return xasprintf("align %u/%u", r->align, d->align);
	for (uint32_t i = 0; i < r->nfields; i++) {
		const struct gfield *f = &r->fields[i], *g = &d->fields[i];
		if (strcmp(f->name, g->name) || f->offset != g->offset || f->embedded != g->embedded ||
		    !type_agrees(f->type, g->type))
			return xasprintf("field %u: %s@%lu %s%s / %s@%lu %s%s", i, f->name,
					 (unsigned long)f->offset, f->type ? f->type->name : "?",
					 f->embedded ? " (embedded)" : "", g->name,
					 (unsigned long)g->offset, g->type ? g->type->name : "?",
					 g->embedded ? " (embedded)" : "");
	}
	return NULL;
}

static void expect_field(struct rtypes *rt, const char *type, const char *field,
			 const char *ftype)
{
	struct gtype *t = rtypes_type(rt, type);
	uint64_t off;
	const struct gfield *f = t ? gtype_field(t, field, false, &off) : NULL;

	if (!f || !f->type || strcmp(f->type->name, ftype) != 0)
		fprintf(stderr, "%s.%s: expected a field of type %s\n", type, field, ftype);
	CHECK(f && f->type && strcmp(f->type->name, ftype) == 0);
}

static void compare(const char *path, struct gobin *b)
{
	struct gtypes *ts_r = gtypes_new(), *ts_d = gtypes_new();
	struct godwarf *dw = NULL;
	struct rtypes *rt = NULL;
	const char *const *names;
	size_t n, structs = 0, agree = 0, nodwarf = 0, mains = 0;
	char *err = NULL;

	CHECK_INT(rtypes_open(b, ts_r, &rt, &err), 0);
	CHECK_INT(godwarf_open_elf(gobin_elf(b), ts_d, &dw, &err), 0);
	if (!rt || !dw) {
		fprintf(stderr, "%s: %s\n", path, err ? err : "?");
		goto out;
	}
	n = rtypes_names(rt, &names);
	for (size_t i = 0; i < n; i++) {
		struct gtype *r = rtypes_type(rt, names[i]), *d;
		char *why;
		if (!r || r->kind != GK_STRUCT || strncmp(names[i], "struct ", 7) == 0)
			continue;
		structs++;
		mains += strncmp(names[i], "main.", 5) == 0;
		if (!(d = godwarf_type(dw, names[i]))) {
			if (getenv("TEST_RTYPE_VERBOSE"))
				fprintf(stderr, "%s: %s: not in DWARF\n", path, names[i]);
			nodwarf++;
			continue;
		}
		if (!(why = differs(r, d))) {
			agree++;
			continue;
		}
		if (nreports++ < MAX_REPORTS)
			fprintf(stderr, "%s: %s: descriptors/DWARF disagree: %s\n", path, names[i], why);
		free(why);
	}
	printf("  %-40s %6zu descriptors, %5zu named structs (%zu main.*), %5zu in DWARF, "
	       "%5zu agree\n",
	       path, rtypes_count(rt), structs, mains, structs - nodwarf, agree);
	CHECK(structs > 20);
	CHECK(structs - nodwarf > 20);
	CHECK_INT(agree, structs - nodwarf);
	/* Types every program's runtime reflects on, and the test programs' own.
	 * minimal (no fmt, no runtime.Callers) has no descriptor of Frame. */
	if (!strstr(path, "/minimal"))
		expect_field(rt, "runtime.Frame", "Function", "string");
	if (strstr(path, "/args"))
		expect_field(rt, "main.Outer", "Mid", "*main.Mid");
out:
	free(err);
	rtypes_close(rt);
	if (dw)
		godwarf_close(dw);
	gtypes_free(ts_r);
	gtypes_free(ts_d);
}

/* A stripped binary's descriptors: found, with the same main.* structs. */
static void stripped(const char *path, struct gobin *b)
{
	struct gtypes *ts = gtypes_new();
	struct rtypes *rt = NULL;
	char *err = NULL;

	CHECK_INT(rtypes_open(b, ts, &rt, &err), 0);
	if (rt && strstr(path, "/args"))
		expect_field(rt, "main.Outer", "Mid", "*main.Mid");
	if (rt)
		printf("  %-40s %6zu descriptors\n", path, rtypes_count(rt));
	else
		fprintf(stderr, "%s: %s\n", path, err);
	free(err);
	rtypes_close(rt);
	gtypes_free(ts);
}

int main(void)
{
	const char *root = getenv("GPROBE_TESTPROGS");
	char *pat;
	glob_t g;
	int nbins = 0;

	if (!root) {
		check_skip("GPROBE_TESTPROGS is not set: no test programs to read");
		return check_done("test_rtype");
	}
	pat = xasprintf("%s/go1.*/*", root);
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct gobin *b = NULL;
			char *err = NULL;
			if (gobin_open(g.gl_pathv[i], &b, &err) < 0) {
				free(err);
				continue;
			}
			nbins++;
			if (gobin_has_dwarf(b))
				compare(g.gl_pathv[i], b);
			else
				stripped(g.gl_pathv[i], b);
			gobin_close(b);
		}
		globfree(&g);
	}
	free(pat);
	CHECK(nbins > 0);
	return check_done("test_rtype");
}
