/* test_godwarf.c — the DWARF reader against facts the Go programs report.
 *
 * For every cached Go toolchain, builds a small program that prints its own
 * layout (unsafe.Sizeof/Offsetof), its variables' addresses and the offset
 * of goid inside the running g (found by scanning the live g for the id the
 * runtime reports), then checks the reader's answers against those, against
 * `go tool nm`, against the runtime's source (parameter names and types) and
 * against the Go ABI (parameter registers / stack slots at entry).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "godwarf.h"
#include "util.h"

static const char go_mod[] = "module gdwtest\n\ngo 1.15\n";

static const char go_asm[] =
	"#include \"textflag.h\"\n"
	"\n"
	"TEXT ·getg(SB),NOSPLIT,$0-8\n"
	"\tMOVQ (TLS), AX\n"
	"\tMOVQ AX, ret+0(FP)\n"
	"\tRET\n";

static const char go_main[] =
	"package main\n"
	"\n"
	"import (\n"
	"\t\"errors\"\n\t\"fmt\"\n\t\"os\"\n\t\"runtime\"\n\t\"strconv\"\n"
	"\t\"strings\"\n\t\"sync\"\n\t\"unsafe\"\n"
	")\n"
	"\n"
	"type Inner struct {\n\tA int8\n\tB int64\n}\n"
	"\n"
	"type T struct {\n"
	"\ta   int8\n\ts   string\n\tsl  []int32\n\tarr [5]uint16\n"
	"\tm   map[string]int\n\tch  chan *T\n\te   interface{}\n\terr error\n"
	"\tp   *T\n\tInner\n\tf  func(int) int\n\tc  complex128\n\tb  bool\n"
	"\tu  uintptr\n\tf4 float32\n"
	"}\n"
	"\n"
	"var Global T\nvar Counter int64 = 7\nvar Table [3]Inner\n"
	"\n"
	"//go:noinline\n"
	"func (t *T) M(x int, s string) (int, error) {\n"
	"\tif t == nil {\n\t\treturn 0, errors.New(\"nil\")\n\t}\n"
	"\treturn x + len(s), nil\n"
	"}\n"
	"\n"
	"//go:noinline\n"
	"func work(a int, b string, c []byte, t Inner) (r int, err error) {\n"
	"\treturn a + len(b) + len(c) + int(t.B), nil\n"
	"}\n"
	"\n"
	"// Small enough to inline at the direct call, and kept out of line by\n"
	"// the method value: DWARF then has an abstract origin for it.\n"
	"type Adder int\n"
	"\n"
	"func (a Adder) Add(x int) (sum int, ok bool) {\n"
	"\treturn int(a) + x, x != 0\n"
	"}\n"
	"\n"
	"var adderFn = Adder.Add\n"
	"\n"
	"func getg() uintptr\n"
	"\n"
	"func goid() uint64 {\n"
	"\tvar buf [64]byte\n"
	"\tn := runtime.Stack(buf[:], false)\n"
	"\tf := strings.Fields(string(buf[:n]))\n"
	"\tid, _ := strconv.ParseUint(f[1], 10, 64)\n"
	"\treturn id\n"
	"}\n"
	"\n"
	"func goidOffsets() map[uintptr]bool {\n"
	"\tg := getg()\n\tid := goid()\n\tr := map[uintptr]bool{}\n"
	"\tfor off := uintptr(0); off < 1024; off += 8 {\n"
	"\t\tif *(*uint64)(unsafe.Pointer(g + off)) == id {\n\t\t\tr[off] = true\n\t\t}\n"
	"\t}\n"
	"\treturn r\n"
	"}\n"
	"\n"
	"func main() {\n"
	"\tvar t T\n"
	"\tfmt.Printf(\"sizeof T %d\\n\", unsafe.Sizeof(t))\n"
	"\tfmt.Printf(\"sizeof Inner %d\\n\", unsafe.Sizeof(t.Inner))\n"
	"\tfmt.Printf(\"offset a %d\\n\", unsafe.Offsetof(t.a))\n"
	"\tfmt.Printf(\"offset s %d\\n\", unsafe.Offsetof(t.s))\n"
	"\tfmt.Printf(\"offset sl %d\\n\", unsafe.Offsetof(t.sl))\n"
	"\tfmt.Printf(\"offset arr %d\\n\", unsafe.Offsetof(t.arr))\n"
	"\tfmt.Printf(\"offset m %d\\n\", unsafe.Offsetof(t.m))\n"
	"\tfmt.Printf(\"offset ch %d\\n\", unsafe.Offsetof(t.ch))\n"
	"\tfmt.Printf(\"offset e %d\\n\", unsafe.Offsetof(t.e))\n"
	"\tfmt.Printf(\"offset err %d\\n\", unsafe.Offsetof(t.err))\n"
	"\tfmt.Printf(\"offset p %d\\n\", unsafe.Offsetof(t.p))\n"
	"\tfmt.Printf(\"offset Inner %d\\n\", unsafe.Offsetof(t.Inner))\n"
	"\tfmt.Printf(\"offset f %d\\n\", unsafe.Offsetof(t.f))\n"
	"\tfmt.Printf(\"offset c %d\\n\", unsafe.Offsetof(t.c))\n"
	"\tfmt.Printf(\"offset b %d\\n\", unsafe.Offsetof(t.b))\n"
	"\tfmt.Printf(\"offset u %d\\n\", unsafe.Offsetof(t.u))\n"
	"\tfmt.Printf(\"offset f4 %d\\n\", unsafe.Offsetof(t.f4))\n"
	"\tfmt.Printf(\"offset B %d\\n\", unsafe.Offsetof(t.Inner.B))\n"
	"\tfmt.Printf(\"addr main.Global %d\\n\", uintptr(unsafe.Pointer(&Global)))\n"
	"\tfmt.Printf(\"addr main.Counter %d\\n\", uintptr(unsafe.Pointer(&Counter)))\n"
	"\tfmt.Printf(\"addr main.Table %d\\n\", uintptr(unsafe.Pointer(&Table)))\n"
	"\t// Two goroutines with different ids, so a stray equal word in g\n"
	"\t// cannot pass for goid.\n"
	"\tvar wg sync.WaitGroup\n\tvar sets []map[uintptr]bool\n"
	"\tfor i := 0; i < 300; i++ {\n"
	"\t\twg.Add(1)\n"
	"\t\tgo func(i int) {\n"
	"\t\t\tdefer wg.Done()\n"
	"\t\t\tif i == 150 || i == 299 {\n\t\t\t\tsets = append(sets, goidOffsets())\n\t\t\t}\n"
	"\t\t}(i)\n"
	"\t\twg.Wait()\n"
	"\t}\n"
	"\tfor off := range sets[0] {\n"
	"\t\tif sets[1][off] {\n\t\t\tfmt.Printf(\"goid %d\\n\", off)\n\t\t}\n"
	"\t}\n"
	"\tr, err := work(1, \"ab\", nil, Inner{})\n"
	"\tr2, _ := Global.M(r, \"x\")\n"
	"\tr3, _ := Adder(r2).Add(len(os.Args))\n"
	"\tr4, _ := adderFn(Adder(r3), 1)\n"
	"\tfmt.Printf(\"sum %d\\n\", r4)\n"
	"\tif err != nil || r2 == 0 || len(os.Args) > 5 {\n\t\tos.Exit(1)\n\t}\n"
	"}\n";

static const int go_versions[] = {15, 19, 21, 22, 23, 24, 25, 26, 27};

/* "key value" lines: what the program or `go tool nm` reported. */
struct facts {
	char **keys;
	uint64_t *vals;
	size_t n, cap;
};

static void facts_add(struct facts *f, const char *k, uint64_t v)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->keys = xrealloc(f->keys, f->cap * sizeof(*f->keys));
		f->vals = xrealloc(f->vals, f->cap * sizeof(*f->vals));
	}
	f->keys[f->n] = xstrdup(k);
	f->vals[f->n++] = v;
}

/* Value of `key`, or -1 when the program did not report it. */
static int64_t fact(const struct facts *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->keys[i], key) == 0)
			return (int64_t)f->vals[i];
	return -1;
}

static bool fact_has(const struct facts *f, const char *key, uint64_t v)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->keys[i], key) == 0 && f->vals[i] == v)
			return true;
	return false;
}

static void facts_free(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->keys[i]);
	free(f->keys);
	free(f->vals);
	memset(f, 0, sizeof(*f));
}

static bool write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

static char *go_env(const char *goroot, int v)
{
	return xasprintf("env GOROOT=%s GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on "
			 "GOCACHE=/tmp/gocache-1.%d PATH=%s/bin:/usr/bin:/bin",
			 goroot, v, goroot);
}

/* Program output "sizeof T 184" -> key "sizeof T", value 184. */
static void read_program_facts(const char *bin, struct facts *f)
{
	char line[512];
	FILE *p = popen(bin, "r");

	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		char *sp = strrchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		facts_add(f, line, strtoull(sp + 1, NULL, 10));
	}
	pclose(p);
}

/* `go tool nm` lines "  49d6c0 T main.work" -> key "main.work". */
static void read_nm_facts(const char *env, const char *bin, struct facts *f)
{
	char line[1024], addr[64], kind[8], name[900];
	char *cmd = xasprintf("%s go tool nm %s", env, bin);
	FILE *p = popen(cmd, "r");

	free(cmd);
	if (!p)
		return;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "%63s %7s %899s", addr, kind, name) == 3)
			facts_add(f, name, strtoull(addr, NULL, 16));
	pclose(p);
}

static struct godwarf *open_dw(const char *path, struct gtypes *ts, int *fd)
{
	struct godwarf *dw = NULL;
	char *err = NULL;

	*fd = open(path, O_RDONLY);
	CHECK(*fd >= 0);
	if (*fd < 0)
		return NULL;
	int r = godwarf_open(*fd, ts, &dw, &err);
	CHECK_INT(r, 0);
	if (r)
		fprintf(stderr, "%s: %s\n", path, err);
	free(err);
	return dw;
}

static const struct gfield *field(const struct gtype *t, const char *name)
{
	return gtype_field(t, name, false, NULL);
}

/* Every field of main.T at the offset unsafe.Offsetof printed. */
static void check_layout(struct godwarf *dw, const struct facts *pf)
{
	static const char *const names[] = {"a", "s", "sl", "arr", "m", "ch", "e", "err",
					    "p", "Inner", "f", "c", "b", "u", "f4"};
	struct gtype *t = godwarf_type(dw, "main.T");
	char key[64];
	uint64_t off = 0;

	CHECK(t && t->kind == GK_STRUCT);
	if (!t || t->kind != GK_STRUCT)
		return;
	CHECK_STR(t->name, "main.T");
	CHECK_INT(t->size, fact(pf, "sizeof T"));
	CHECK_INT(t->nfields, ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct gfield *f = field(t, names[i]);
		snprintf(key, sizeof(key), "offset %s", names[i]);
		CHECK(f != NULL);
		if (f)
			CHECK_INT(f->offset, fact(pf, key));
	}
	CHECK(gtype_field(t, "B", true, &off) != NULL);
	/* Offsetof(t.Inner.B) is relative to Inner; promotion adds them up. */
	CHECK_INT(off, fact(pf, "offset Inner") + fact(pf, "offset B"));
	CHECK(field(t, "Inner") && field(t, "Inner")->embedded);
	CHECK(field(t, "s") && !field(t, "s")->embedded);
	CHECK_INT(gtype_align(t), 8);
}

static void check_field_types(struct godwarf *dw, const struct facts *pf)
{
	struct gtype *t = godwarf_type(dw, "main.T");
	const struct gfield *f;

	if (!t || t->kind != GK_STRUCT)
		return;
	f = field(t, "s");
	CHECK(f && f->type->kind == GK_STRING && f->type->size == 16);
	CHECK(f && field(f->type, "str") && field(f->type, "len") &&
	      field(f->type, "len")->offset == 8);
	f = field(t, "sl");
	CHECK(f && f->type->kind == GK_SLICE && f->type->size == 24);
	CHECK(f && f->type->elem && strcmp(f->type->elem->name, "int32") == 0);
	CHECK(f && field(f->type, "cap") && field(f->type, "cap")->offset == 16);
	CHECK_STR(f ? f->type->name : NULL, "[]int32");
	f = field(t, "arr");
	CHECK(f && f->type->kind == GK_ARRAY && f->type->len == 5 && f->type->size == 10);
	CHECK(f && f->type->elem && f->type->elem->kind == GK_UINT && f->type->elem->size == 2);
	f = field(t, "m");
	CHECK(f && f->type->kind == GK_MAP && f->type->size == 8);
	CHECK_STR(f ? f->type->name : NULL, "map[string]int");
	CHECK(f && f->type->key && f->type->key->kind == GK_STRING);
	CHECK(f && f->type->elem && f->type->elem->kind == GK_INT && f->type->elem->size == 8);
	f = field(t, "ch");
	CHECK(f && f->type->kind == GK_CHAN && f->type->size == 8);
	CHECK(f && f->type->elem && f->type->elem->kind == GK_PTR &&
	      f->type->elem->elem == t); /* chan *T: the cycle closes on T itself */
	f = field(t, "e");
	CHECK(f && f->type->kind == GK_IFACE && f->type->empty_iface && f->type->size == 16);
	f = field(t, "err");
	CHECK(f && f->type->kind == GK_IFACE && !f->type->empty_iface && f->type->nfields == 2);
	CHECK_STR(f ? f->type->name : NULL, "error");
	f = field(t, "p");
	CHECK(f && f->type->kind == GK_PTR && f->type->elem == t);
	f = field(t, "Inner");
	CHECK(f && f->type->kind == GK_STRUCT && (int64_t)f->type->size == fact(pf, "sizeof Inner"));
	f = field(t, "f");
	CHECK(f && f->type->kind == GK_FUNC && f->type->size == 8);
	f = field(t, "c");
	CHECK(f && f->type->kind == GK_COMPLEX && f->type->size == 16);
	f = field(t, "b");
	CHECK(f && f->type->kind == GK_BOOL && f->type->size == 1);
	f = field(t, "u");
	CHECK(f && f->type->kind == GK_UINT && f->type->size == 8);
	f = field(t, "f4");
	CHECK(f && f->type->kind == GK_FLOAT && f->type->size == 4);
	f = field(t, "a");
	CHECK(f && f->type->kind == GK_INT && f->type->size == 1);
}

static void check_types(struct godwarf *dw, const struct facts *pf)
{
	struct gtype *g = godwarf_type(dw, "runtime.g"), *pg = godwarf_type(dw, "*runtime.g");
	struct gtype *pi = godwarf_type(dw, "*main.Inner");
	const struct gfield *goid = g ? field(g, "goid") : NULL;

	CHECK(goid != NULL);
	/* The live g held the goroutine's id at this offset. */
	CHECK(goid && fact_has(pf, "goid", goid->offset));
	/* int64 before Go 1.20, uint64 since. */
	CHECK(goid && (goid->type->kind == GK_UINT || goid->type->kind == GK_INT) &&
	      goid->type->size == 8);
	CHECK(pg && pg->kind == GK_PTR && pg->elem == g);
	CHECK(pi && pi->kind == GK_PTR && pi->elem == godwarf_type(dw, "main.Inner"));
	CHECK(godwarf_type(dw, "main.NoSuchType") == NULL);
	CHECK(godwarf_type(dw, "*main.NoSuchType") == NULL);
}

static void check_vars(struct godwarf *dw, const struct facts *pf, const struct facts *nm)
{
	static const char *const mains[] = {"main.Global", "main.Counter", "main.Table"};
	char key[64];

	for (size_t i = 0; i < ARRAY_SIZE(mains); i++) {
		const struct gvar *v = godwarf_var(dw, mains[i]);
		snprintf(key, sizeof(key), "addr %s", mains[i]);
		CHECK(v != NULL);
		if (!v)
			continue;
		CHECK_INT(v->addr, fact(pf, key));
		CHECK_INT(v->addr, fact(nm, mains[i]));
	}
	const struct gvar *t = godwarf_var(dw, "main.Table");
	CHECK(t && t->type && t->type->kind == GK_ARRAY && t->type->len == 3 &&
	      t->type->elem == godwarf_type(dw, "main.Inner"));
	const struct gvar *gc = godwarf_var(dw, "runtime.gcController");
	CHECK(gc && gc->type && gc->type->kind == GK_STRUCT);
	CHECK(gc && (int64_t)gc->addr == fact(nm, "runtime.gcController"));
	CHECK(godwarf_var(dw, "main.nosuchvar") == NULL);
}

static void check_param(const struct gfunc *f, uint32_t i, const char *name, const char *type,
			bool result)
{
	CHECK(i < f->nparams);
	if (i >= f->nparams)
		return;
	CHECK_STR(f->params[i].name, name);
	CHECK_STR(f->params[i].type ? f->params[i].type->name : NULL, type);
	CHECK_INT(f->params[i].result, result);
}

static void check_main_funcs(struct godwarf *dw, const struct facts *nm)
{
	const struct gfunc *w = godwarf_func(dw, "main.work");
	const struct gfunc *m = godwarf_func(dw, "main.(*T).M");

	CHECK(w && m);
	if (!w || !m)
		return;
	CHECK_INT(w->entry, fact(nm, "main.work"));
	CHECK(w->end > w->entry && w->has_params);
	CHECK_INT(w->nparams, 6);
	CHECK_INT(w->nargs, 4);
	check_param(w, 0, "a", "int", false);
	check_param(w, 1, "b", "string", false);
	check_param(w, 2, "c", "[]uint8", false);
	check_param(w, 3, "t", "main.Inner", false);
	check_param(w, 4, "r", "int", true);
	check_param(w, 5, "err", "error", true);
	CHECK_INT(m->entry, fact(nm, "main.(*T).M"));
	CHECK_INT(m->nparams, 5);
	CHECK_INT(m->nargs, 3);
	check_param(m, 0, "t", "*main.T", false);
	check_param(m, 1, "x", "int", false);
	check_param(m, 2, "s", "string", false);
	check_param(m, 3, "", "int", true); /* "~r0" */
	check_param(m, 4, "", "error", true);
	CHECK(godwarf_func(dw, "main.nosuchfunc") == NULL);

	const struct gfunc *a = godwarf_func(dw, "main.Adder.Add");
	CHECK(a != NULL);
	if (!a)
		return;
	CHECK_INT(a->entry, fact(nm, "main.Adder.Add"));
	CHECK_INT(a->nparams, 4);
	CHECK_INT(a->nargs, 2);
	check_param(a, 0, "a", "main.Adder", false);
	check_param(a, 1, "x", "int", false);
	check_param(a, 2, "sum", "int", true);
	check_param(a, 3, "ok", "bool", true);
}

/* The DWARF spelling of a type as written in the runtime's source. */
static char *runtime_type_name(const char *src)
{
	static const char *const builtin[] = {"bool", "int", "int32", "int64", "uint32",
					      "uint64", "uintptr", "uint8", "string"};
	size_t stars = strspn(src, "*");

	for (size_t i = 0; i < ARRAY_SIZE(builtin); i++)
		if (strcmp(src + stars, builtin[i]) == 0)
			return xstrdup(src);
	if (strchr(src, '.'))
		return xstrdup(src);
	return xasprintf("%.*sruntime.%s", (int)stars, src, src + stars);
}

/* Compare a runtime function with its declaration in $GOROOT/src/runtime. */
static void check_runtime_func(struct godwarf *dw, const char *goroot, const char *file,
			       const char *fname)
{
	char *path = xasprintf("%s/src/runtime/%s", goroot, file), *src = NULL, *full;
	char *decl, *needle = xasprintf("\nfunc %s(", fname);
	size_t len;
	const struct gfunc *f;

	full = xasprintf("runtime.%s", fname);
	f = godwarf_func(dw, full);
	CHECK(f != NULL);
	if (read_file(path, &src, &len) == 0 && f && (decl = strstr(src, needle))) {
		char *p = decl + strlen(needle), *end = strchr(p, ')');
		uint32_t i = 0;
		if (!end) {
			CHECK(!"unterminated declaration");
			goto out;
		}
		*end = '\0';
		for (char *item = strtok(p, ","); item; item = strtok(NULL, ","), i++) {
			char name[64], type[128];
			if (sscanf(item, " %63s %127s", name, type) != 2 || i >= f->nargs) {
				CHECK(!"unexpected parameter list");
				break;
			}
			char *want = runtime_type_name(type);
			check_param(f, i, name, want, false);
			free(want);
		}
		CHECK_INT(f->nargs, i);
		/* ") *g {" declares one result, ") {" none. */
		CHECK_INT(f->nparams - f->nargs, end[1] == ' ' && end[2] != '{');
	} else {
		CHECK(!"runtime declaration not found");
	}
out:
	free(src);
	free(path);
	free(needle);
	free(full);
}

static bool piece_is(const struct dwloc_piece *p, enum dwloc_kind k, int reg, int64_t off)
{
	return p->kind == k && (k != DWLOC_REG || p->dwreg == reg) &&
	       (k == DWLOC_REG || p->off == off);
}

/* DWARF locations at entry agree with the ABI: registers RAX RBX RCX RDI
 * RSI R8 R9 R10 (DWARF 0 3 2 5 4 8 9 10) on Go >= 1.17, stack slots from the
 * CFA on the stack ABI. */
static void check_locations(struct godwarf *dw, int v)
{
	const struct gfunc *w = godwarf_func(dw, "main.work");
	const struct gfunc *m = godwarf_func(dw, "main.(*T).M");
	struct dwloc_piece *p;
	size_t n;

	if (!w || !m)
		return;
	if (v >= 17) {
		static const int regs[4][3] = {{0}, {3, 2}, {5, 4, 8}, {9, 10}};
		static const size_t npieces[4] = {1, 2, 3, 2};
		for (uint32_t i = 0; i < 4; i++) {
			CHECK_INT(godwarf_param_loc(dw, w, i, w->entry, &p, &n), 0);
			CHECK_INT(n, npieces[i]);
			for (size_t k = 0; k < n && k < npieces[i]; k++)
				CHECK(piece_is(&p[k], DWLOC_REG, regs[i][k], 0));
			free(p);
		}
		CHECK_INT(godwarf_param_loc(dw, m, 1, m->entry, &p, &n), 0);
		CHECK(n == 1 && piece_is(&p[0], DWLOC_REG, 3, 0));
		free(p);
		/* Through the abstract origin to the concrete DIE's location. */
		const struct gfunc *a = godwarf_func(dw, "main.Adder.Add");
		CHECK(a && godwarf_param_loc(dw, a, 1, a->entry, &p, &n) == 0);
		CHECK(a && n == 1 && piece_is(&p[0], DWLOC_REG, 3, 0));
		if (a)
			free(p);
	} else {
		CHECK_INT(godwarf_param_loc(dw, w, 0, w->entry, &p, &n), 0);
		CHECK(n == 1 && piece_is(&p[0], DWLOC_CFA, 0, 0));
		free(p);
		CHECK_INT(godwarf_param_loc(dw, m, 1, m->entry, &p, &n), 0);
		CHECK(n == 1 && (piece_is(&p[0], DWLOC_FBREG, 0, 8) || piece_is(&p[0], DWLOC_CFA, 0, 8)));
		free(p);
	}
	/* Outside the function, no location. */
	CHECK_INT(godwarf_param_loc(dw, w, 0, w->end + 0x100000, &p, &n), 0);
	CHECK_INT(n, 0);
	free(p);
	CHECK_INT(godwarf_param_loc(dw, w, 99, w->entry, &p, &n), -EINVAL);
}

static void check_names(struct godwarf *dw)
{
	const char *const *names;
	size_t n = godwarf_func_names(dw, &names);
	bool found = false;

	for (size_t i = 0; i < n; i++)
		found |= strcmp(names[i], "main.work") == 0;
	CHECK(n > 1000 && found);
	n = godwarf_var_names(dw, &names);
	CHECK(n > 10);
	n = godwarf_type_names(dw, &names);
	found = false;
	for (size_t i = 0; i < n; i++)
		found |= strcmp(names[i], "main.T") == 0;
	CHECK(n > 100 && found);
	n = godwarf_func_names(dw, &names);
	CHECK_STR(closest_name("runtime.gcStrat", names, n), "runtime.gcStart");
}

/* Build everything the index holds: no type left invalid, unaligned or an
 * interface without its two words; every parameter typed; every variable
 * with an address. */
static void check_everything(struct godwarf *dw)
{
	const char *const *names;
	size_t n = godwarf_type_names(dw, &names), bad = 0;

	for (size_t i = 0; i < n; i++) {
		struct gtype *t = godwarf_type(dw, names[i]);
		if (!t || t->kind == GK_INVALID || !t->align ||
		    (t->kind == GK_IFACE && t->nfields != 2)) {
			if (bad++ < 5)
				fprintf(stderr, "type %s: badly built\n", names[i]);
		}
	}
	n = godwarf_func_names(dw, &names);
	for (size_t i = 0; i < n; i++) {
		const struct gfunc *f = godwarf_func(dw, names[i]);
		for (uint32_t k = 0; f && k < f->nparams; k++)
			bad += !f->params[k].type;
		bad += !f || f->entry >= f->end || f->nargs > f->nparams;
	}
	n = godwarf_var_names(dw, &names);
	for (size_t i = 0; i < n; i++)
		bad += !godwarf_var(dw, names[i]);
	CHECK_INT(bad, 0);
}

static void check_runtime(struct godwarf *dw, const char *goroot)
{
	check_runtime_func(dw, goroot, "proc.go", "execute");
	check_runtime_func(dw, goroot, "proc.go", "newproc1");
	check_runtime_func(dw, goroot, "mgc.go", "gcStart");
	struct gtype *trig = godwarf_type(dw, "runtime.gcTrigger");
	CHECK(trig && trig->kind == GK_STRUCT && field(trig, "kind"));
}

static bool build_program(const char *env, const char *srcdir, const char *bin, const char *flags)
{
	char *cmd = xasprintf("cd %s && %s go build %s -o %s . >/dev/null 2>&1", srcdir, env, flags,
			      bin);
	int r = system(cmd);

	free(cmd);
	return r == 0;
}

static void test_version(int v, const char *dir)
{
	char *goroot = xasprintf("/var/cache/gprobe/go/go1.%d/usr/lib/go-1.%d", v, v);
	char *env = go_env(goroot, v), *srcdir = xasprintf("%s/src", dir);
	char *bin = xasprintf("%s/prog1.%d", dir, v);
	struct facts pf = {0}, nm = {0};
	struct stat st;
	int fd = -1;

	if (stat(goroot, &st) != 0) {
		check_skip("test_godwarf: go1.%d is not cached (make deps)", v);
		goto out;
	}
	CHECK(build_program(env, srcdir, bin, ""));
	read_program_facts(bin, &pf);
	read_nm_facts(env, bin, &nm);
	CHECK(fact(&pf, "sizeof T") > 0 && fact(&nm, "main.work") > 0);
	struct gtypes *ts = gtypes_new();
	struct godwarf *dw = open_dw(bin, ts, &fd);
	if (dw) {
		int before = check_failed;
		check_layout(dw, &pf);
		check_field_types(dw, &pf);
		check_types(dw, &pf);
		check_vars(dw, &pf, &nm);
		check_main_funcs(dw, &nm);
		check_locations(dw, v);
		check_names(dw);
		check_runtime(dw, goroot);
		check_everything(dw);
		/* The arena knows what the reader built. */
		CHECK(gtypes_find(ts, "main.T") == godwarf_type(dw, "main.T"));
		fprintf(stderr, "go1.%d: %s\n", v, check_failed == before ? "ok" : "FAILED");
	}
	godwarf_close(dw);
	gtypes_free(ts);
	if (fd >= 0)
		close(fd);
out:
	facts_free(&pf);
	facts_free(&nm);
	free(goroot);
	free(env);
	free(srcdir);
	free(bin);
}

/* The shared test programs, when the build made them: same runtime checks. */
static void test_shared_progs(void)
{
	const char *root = getenv("GPROBE_TESTPROGS");
	int tested = 0;

	for (size_t i = 0; root && i < ARRAY_SIZE(go_versions); i++) {
		int v = go_versions[i], fd;
		char *bin = xasprintf("%s/go1.%d/args", root, v);
		char *goroot = xasprintf("/var/cache/gprobe/go/go1.%d/usr/lib/go-1.%d", v, v);
		if (access(bin, R_OK) == 0) {
			struct gtypes *ts = gtypes_new();
			struct godwarf *dw = open_dw(bin, ts, &fd);
			if (dw)
				check_runtime(dw, goroot);
			tested++;
			godwarf_close(dw);
			gtypes_free(ts);
			close(fd);
		}
		free(bin);
		free(goroot);
	}
	if (!tested)
		check_skip("test_godwarf: no shared test programs in %s (make testprogs)",
			   root ? root : "(GPROBE_TESTPROGS unset)");
}

static void test_bad_input(const char *dir)
{
	int v = go_versions[ARRAY_SIZE(go_versions) - 1];
	char *goroot = xasprintf("/var/cache/gprobe/go/go1.%d/usr/lib/go-1.%d", v, v);
	char *env = go_env(goroot, v), *srcdir = xasprintf("%s/src", dir);
	char *bin = xasprintf("%s/stripped", dir), *txt = xasprintf("%s/src/go.mod", dir);
	struct godwarf *dw = NULL;
	struct gtypes *ts = gtypes_new();
	char *err = NULL;
	int fd;

	if (build_program(env, srcdir, bin, "-ldflags=-w")) {
		fd = open(bin, O_RDONLY);
		CHECK_INT(godwarf_open(fd, ts, &dw, &err), -ENODATA);
		CHECK_STR(err, "no DWARF debug info (the binary was stripped)");
		CHECK(dw == NULL);
		free(err);
		close(fd);
		/* Half a binary: its sections run past the end. */
		struct stat st;
		CHECK(stat(bin, &st) == 0 && truncate(bin, st.st_size / 2) == 0);
		err = NULL;
		fd = open(bin, O_RDONLY);
		CHECK_INT(godwarf_open(fd, ts, &dw, &err), -ENOEXEC);
		CHECK_STR(err, "truncated or corrupt ELF file (a section lies past its end)");
		free(err);
		close(fd);
	}
	err = NULL;
	fd = open(txt, O_RDONLY);
	CHECK_INT(godwarf_open(fd, ts, &dw, &err), -ENOEXEC);
	CHECK_STR(err, "not an ELF file");
	free(err);
	close(fd);
	gtypes_free(ts);
	free(goroot);
	free(env);
	free(srcdir);
	free(bin);
	free(txt);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* GODWARF_BENCH=/path/to/big/binary: time open, index and lookups. */
static void bench(const char *path)
{
	struct gtypes *ts = gtypes_new();
	const char *const *names;
	double t0 = now_ms(), t1, t2, t3;
	int fd;
	struct godwarf *dw = open_dw(path, ts, &fd);

	if (!dw)
		goto out;
	t1 = now_ms();
	size_t n = godwarf_func_names(dw, &names);
	t2 = now_ms();
	CHECK(godwarf_func(dw, "runtime.execute") && godwarf_type(dw, "runtime.g") &&
	      godwarf_var(dw, "runtime.gcController"));
	t3 = now_ms();
	for (size_t i = 0; i < n; i++)
		godwarf_func(dw, names[i]);
	fprintf(stderr, "bench %s: open %.1f ms, index %.1f ms (%zu funcs), 3 lookups %.2f ms, "
		"all funcs with param types %.1f ms\n", path, t1 - t0, t2 - t1, n, t3 - t2,
		now_ms() - t3);
	godwarf_close(dw);
	close(fd);
out:
	gtypes_free(ts);
}

int main(void)
{
	char tmpl[] = "/tmp/gprobe-godwarf-XXXXXX";
	char *dir = mkdtemp(tmpl), *src, *path;

	CHECK(dir != NULL);
	if (!dir)
		return check_done("test_godwarf");
	src = xasprintf("%s/src", dir);
	mkdir(src, 0755);
	path = xasprintf("%s/go.mod", src);
	CHECK(write_text(path, go_mod));
	free(path);
	path = xasprintf("%s/main.go", src);
	CHECK(write_text(path, go_main));
	free(path);
	path = xasprintf("%s/getg_amd64.s", src);
	CHECK(write_text(path, go_asm));
	free(path);
	for (size_t i = 0; i < ARRAY_SIZE(go_versions); i++)
		test_version(go_versions[i], dir);
	test_shared_progs();
	test_bad_input(dir);
	if (getenv("GODWARF_BENCH"))
		bench(getenv("GODWARF_BENCH"));
	char *rm = xasprintf("rm -rf %s", dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(rm);
	free(src);
	return check_done("test_godwarf");
}
