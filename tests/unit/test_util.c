/* test_util.c — the small shared pieces: string buffers, edit distance and
 * suggestions, diagnostics rendering, the type arena and Go's alignment
 * rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diag.h"
#include "gotype.h"
#include "util.h"

static void test_strbuf(void)
{
	struct strbuf sb = {0};
	char *s;

	for (int i = 0; i < 1000; i++)
		sb_printf(&sb, "%d,", i % 10);
	CHECK_INT(sb.len, 2000);
	CHECK(strncmp(sb.buf, "0,1,2,", 6) == 0);
	sb_add(&sb, "\0x", 2); /* embedded NUL is kept, buffer stays terminated */
	CHECK_INT(sb.len, 2002);
	CHECK(sb.buf[sb.len] == '\0');
	s = sb_steal(&sb);
	CHECK(sb.buf == NULL && sb.len == 0);
	free(s);
	s = sb_steal(&sb); /* empty: "" rather than NULL */
	CHECK_STR(s, "");
	free(s);
	s = xasprintf("%s-%05d", "x", 42);
	CHECK_STR(s, "x-00042");
	free(s);
}

static void test_suggestions(void)
{
	static const char *const names[] = {"goid", "gopc", "m", "sched", "waitreason"};

	CHECK_INT(edit_distance("", ""), 0);
	CHECK_INT(edit_distance("kitten", "sitting"), 3);
	CHECK_INT(edit_distance("goidd", "goid"), 1);
	CHECK_STR(closest_name("goidd", names, 5), "goid");
	CHECK_STR(closest_name("waitreasn", names, 5), "waitreason");
	CHECK(closest_name("zzzzzz", names, 5) == NULL);
	CHECK(closest_name("x", NULL, 0) == NULL);
}

static void test_diag(void)
{
	const char text[] = "spec: 1\nprobes:\n  - x: gp.goidd\n";
	struct srcfile f = {"s.yaml", text, sizeof(text) - 1};
	struct diags d = {0};

	diag_error(&d, ((struct srcloc){&f, 3, 11, 5}), "no field '%s'", "goidd");
	diag_at(&d, DIAG_NOTE, (struct srcloc){0}, "plain");
	diag_at(&d, DIAG_WARNING, ((struct srcloc){&f, 99, 1, 1}), "past the end");
	CHECK_STR(d.out.buf, "s.yaml:3:11: error: no field 'goidd'\n"
			     "    3 |   - x: gp.goidd\n"
			     "      |           ^~~~~\n"
			     "gprobe: note: plain\n"
			     "s.yaml:99:1: warning: past the end\n");
	CHECK_INT(d.nerrors, 1);
	CHECK_INT(d.nwarnings, 1);
	diags_free(&d);

	/* Control bytes in the echoed line never reach the terminal. */
	const char bad[] = "a: \x1b[31mred\x7f\n";
	struct srcfile g = {"b.yaml", bad, sizeof(bad) - 1};
	diag_error(&d, ((struct srcloc){&g, 1, 4, 1}), "x");
	CHECK(strchr(d.out.buf, '\x1b') == NULL && strchr(d.out.buf, '\x7f') == NULL);
	diags_free(&d);
}

static void test_types(void)
{
	struct gtypes *ts = gtypes_new();
	struct gtype *i8 = gtypes_builtin(ts, "int8"), *i64 = gtypes_builtin(ts, "int64");
	struct gtype *str = gtypes_builtin(ts, "string"), *c64 = gtypes_builtin(ts, "complex64");
	struct gtype *inner = gtypes_alloc(ts), *outer = gtypes_alloc(ts), *arr = gtypes_alloc(ts);
	uint64_t off = 0;

	CHECK(gtypes_builtin(ts, "int8") == i8); /* created once */
	CHECK(gtypes_builtin(ts, "nosuch") == NULL);
	CHECK_INT(str->size, 16);
	CHECK_INT(gtype_align(str), 8);
	CHECK_INT(gtype_align(i8), 1);
	CHECK_INT(gtype_align(c64), 4);

	inner->kind = GK_STRUCT;
	inner->name = gtypes_intern(ts, "main.inner");
	inner->size = 16;
	inner->nfields = 2;
	inner->fields = gtypes_alloc_fields(ts, 2);
	inner->fields[0] = (struct gfield){"a", 0, i8, false};
	inner->fields[1] = (struct gfield){"b", 8, i64, false};
	outer->kind = GK_STRUCT;
	outer->name = gtypes_intern(ts, "main.outer");
	outer->size = 24;
	outer->nfields = 2;
	outer->fields = gtypes_alloc_fields(ts, 2);
	outer->fields[0] = (struct gfield){"x", 0, i8, false};
	outer->fields[1] = (struct gfield){"inner", 8, inner, true};
	arr->kind = GK_ARRAY;
	arr->elem = i8;
	arr->len = 3;
	arr->size = 3;

	CHECK_INT(gtype_align(outer), 8);
	CHECK_INT(gtype_align(arr), 1);
	/* A promoted field through an embedded struct: offset adds up. */
	CHECK(gtype_field(outer, "b", true, &off) != NULL);
	CHECK_INT(off, 16);
	CHECK(gtype_field(outer, "b", false, &off) == NULL);
	CHECK(gtype_field(i64, "x", true, &off) == NULL);

	gtypes_add_named(ts, outer);
	gtypes_add_named(ts, inner);
	for (int i = 0; i < 300; i++) { /* grow the name table past a rehash */
		struct gtype *t = gtypes_alloc(ts);
		char name[32];
		snprintf(name, sizeof(name), "main.t%d", i);
		t->name = gtypes_intern(ts, name);
		gtypes_add_named(ts, t);
	}
	CHECK(gtypes_find(ts, "main.outer") == outer);
	CHECK(gtypes_find(ts, "main.t299") != NULL);
	CHECK(gtypes_find(ts, "main.t300") == NULL);
	CHECK(gtype_is_pointer_shaped(gtypes_builtin(ts, "unsafe.Pointer")));
	CHECK(!gtype_is_pointer_shaped(i64));
	gtypes_free(ts);
}

static void test_read_file(void)
{
	char *data;
	size_t len;

	CHECK_INT(read_file("/nonexistent/x", &data, &len), -ENOENT);
	CHECK_INT(read_file("/", &data, &len), -EISDIR);
	CHECK_INT(read_file("/proc/self/stat", &data, &len), 0);
	CHECK(len > 10 && strlen(data) == len);
	free(data);
}

int main(void)
{
	test_strbuf();
	test_suggestions();
	test_diag();
	test_types();
	test_read_file();
	return check_done("test_util");
}
