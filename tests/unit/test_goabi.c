/* test_goabi.c — the ABI algorithm against the compiler's own DWARF.
 *
 * For every function of the args test program, built by every Go version
 * of the matrix, each argument's location from goabi_assign() must be the
 * location Go's DWARF gives at the function's entry pc: the same registers
 * in the same order with the same piece sizes (register ABI), or the same
 * frame offset (stack ABI and spilled arguments). Plus pure cases of the
 * algorithm that need no binary.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "goabi.h"
#include "godwarf.h"
#include "resolve.h"

/* DWARF register number -> Go ABI integer register (enum gp_goreg). */
static int int_reg_of_dwreg(int dwreg)
{
	switch (dwreg) {
	case 0: return GP_RAX;
	case 3: return GP_RBX;
	case 2: return GP_RCX;
	case 5: return GP_RDI;
	case 4: return GP_RSI;
	case 8: return GP_R8;
	case 9: return GP_R9;
	case 10: return GP_R10;
	case 11: return GP_R11;
	default: return -1;
	}
}

static const char *const funcs[] = {
	"main.Ints8", "main.Ints32", "main.IntsNative", "main.Bools", "main.Floats",
	"main.Str", "main.Str2", "main.Chain", "main.SmallArg", "main.NestedArg",
	"main.BigArg", "main.SumSlice", "main.JoinStrings", "main.Arr3", "main.Arr1",
	"main.(*T).M", "main.Tally.Add", "main.Multi", "main.Lookup", "main.Named",
	"main.Many", "main.UseGlobals", "main.Sleepy", "main.Recurse", "main.OnGoroutine",
};

static int compared, no_dwarf_loc;

/* The scalar parts of a value in memory order, as DWARF pieces list them. */
struct leaf {
	uint64_t off, size;
};

static void flatten(const struct gtype *t, uint64_t off, struct leaf *out, size_t *n, size_t cap)
{
	if (!t || *n >= cap)
		return;
	switch (t->kind) {
	case GK_STRUCT:
		for (uint32_t i = 0; i < t->nfields; i++)
			flatten(t->fields[i].type, off + t->fields[i].offset, out, n, cap);
		return;
	case GK_ARRAY:
		for (uint64_t i = 0; i < t->len; i++)
			flatten(t->elem, off + i * t->elem->size, out, n, cap);
		return;
	case GK_STRING:
	case GK_IFACE:
	case GK_SLICE:
		for (uint64_t w = 0; w < t->size / 8 && *n < cap; w++)
			out[(*n)++] = (struct leaf){off + 8 * w, 8};
		return;
	default:
		out[(*n)++] = (struct leaf){off, t->size};
		return;
	}
}

static void check_param(const char *ver, struct target *t, const struct gfunc *f, uint32_t i,
			const struct gloc *l)
{
	struct dwloc_piece *pc = NULL;
	size_t n = 0;
	char want[128];
	int rc = godwarf_param_loc(target_dwarf(t), f, i, f->entry, &pc, &n);

	gloc_format(l, want, sizeof(want));
	CHECK_INT(rc, 0);
	if (n == 0) {
		/* Go emits no location for a few arguments it never uses. */
		no_dwarf_loc++;
		return;
	}
	compared++;
	if (l->kind == GLOC_STACK) {
		/* One piece for the whole value, or (Go 1.15, for strings and
		 * structs) one piece per scalar part, each at its own offset;
		 * Go leaves out trailing parts the function never uses. */
		struct leaf leaves[64];
		size_t nl = 0;
		bool ok = true;
		if (n > 1)
			flatten(f->params[i].type, 0, leaves, &nl, 64);
		for (size_t k = 0; ok && k < n; k++) {
			int64_t at = l->sp_off - 8 + (n > 1 && k < nl ? (int64_t)leaves[k].off : 0);
			if (pc[k].kind == DWLOC_NONE && n > 1)
				continue;
			ok = (pc[k].kind == DWLOC_CFA || pc[k].kind == DWLOC_FBREG) && pc[k].off == at &&
			     (n == 1 || (k < nl && pc[k].size == leaves[k].size));
		}
		ok = ok && (n == 1 || n <= nl);
		if (!ok) {
			fprintf(stderr, "%s %s arg %s: gprobe says %s, DWARF has %zu pieces:", ver,
				f->name, f->params[i].name, want, n);
			for (size_t k = 0; k < n; k++)
				fprintf(stderr, " [kind %d off %lld size %u]", pc[k].kind,
					(long long)pc[k].off, pc[k].size);
			fputc('\n', stderr);
		}
		CHECK(ok);
	} else if (l->kind == GLOC_REGS) {
		bool ok = n == l->npieces;
		for (size_t k = 0; ok && k < n; k++) {
			const struct gpiece *p = &l->pieces[k];
			int reg = p->is_float ? pc[k].dwreg - 17 : int_reg_of_dwreg(pc[k].dwreg);
			ok = pc[k].kind == DWLOC_REG && reg == p->reg &&
			     (pc[k].size == 0 ? n == 1 : pc[k].size == p->size);
		}
		if (!ok) {
			fprintf(stderr, "%s %s arg %s: gprobe says %s, DWARF has %zu pieces:", ver,
				f->name, f->params[i].name, want, n);
			for (size_t k = 0; k < n; k++)
				fprintf(stderr, " [kind %d reg %d size %u]", pc[k].kind, pc[k].dwreg, pc[k].size);
			fputc('\n', stderr);
		}
		CHECK(ok);
	}
	free(pc);
}

static void check_binary(const char *ver, const char *path)
{
	struct diags d = {0};
	struct target *t = target_open(path, &d);

	CHECK(t != NULL);
	if (!t) {
		fputs(d.out.buf ? d.out.buf : "", stderr);
		diags_free(&d);
		return;
	}
	CHECK(target_dwarf(t) != NULL);
	for (size_t k = 0; target_dwarf(t) && k < sizeof(funcs) / sizeof(funcs[0]); k++) {
		const struct gfunc *f = godwarf_func(target_dwarf(t), funcs[k]);
		struct gloc *locs;
		CHECK(f != NULL);
		if (!f) {
			fprintf(stderr, "%s: no %s\n", ver, funcs[k]);
			continue;
		}
		locs = calloc(f->nparams + 1, sizeof(*locs));
		CHECK_INT(goabi_assign(f, target_regabi(t), locs), 0);
		for (uint32_t i = 0; i < f->nargs; i++)
			check_param(ver, t, f, i, &locs[i]);
		free(locs);
	}
	/* Go 1.22 emits the two results of this one twice in DWARF; the
	 * signature is (fd *FD) Read(p []byte) (int, error) everywhere. */
	{
		char *wl = xasprintf("%.*s/workload", (int)(strrchr(path, '/') - path), path);
		struct target *w = target_open(wl, &d);
		const struct gfunc *f = w && target_dwarf(w) ? godwarf_func(target_dwarf(w), "internal/poll.(*FD).Read") : NULL;
		CHECK(f != NULL);
		if (f) {
			CHECK_INT(f->nargs, 2);
			CHECK_INT(f->nparams, 4);
			CHECK_STR(f->params[2].type->name, "int");
			CHECK_STR(f->params[3].type->name, "error");
		}
		target_close(w);
		free(wl);
	}
	target_close(t);
	diags_free(&d);
}

/* The algorithm alone, on hand-built types. */
static void check_pure(void)
{
	struct gtypes *ts = gtypes_new();
	struct gtype *i64 = gtypes_builtin(ts, "int64"), *str = gtypes_builtin(ts, "string");
	struct gtype *f64 = gtypes_builtin(ts, "float64"), *u8 = gtypes_builtin(ts, "uint8");
	struct gtype arr2 = {.kind = GK_ARRAY, .name = "[2]int64", .size = 16, .elem = i64, .len = 2};
	struct gparam ps[12];
	struct gfunc f = {.name = "f", .params = ps};
	struct gloc locs[12];

	/* Nine ints fill the registers; the tenth goes to the stack, and the
	 * result starts again at RAX. */
	for (int i = 0; i < 10; i++)
		ps[i] = (struct gparam){"a", i64, false};
	ps[10] = (struct gparam){"", i64, true};
	f.nparams = 11;
	f.nargs = 10;
	CHECK_INT(goabi_assign(&f, true, locs), 0);
	CHECK_INT(locs[8].kind, GLOC_REGS);
	CHECK_INT(locs[8].pieces[0].reg, GP_R11);
	CHECK_INT(locs[9].kind, GLOC_STACK);
	CHECK_INT(locs[9].sp_off, 8);
	CHECK_INT(locs[10].pieces[0].reg, GP_RAX);

	/* A string that no longer fits takes no register at all, and what
	 * follows still may: u8 after it lands in R11. */
	for (int i = 0; i < 8; i++)
		ps[i] = (struct gparam){"a", i64, false};
	ps[8] = (struct gparam){"s", str, false};
	ps[9] = (struct gparam){"b", u8, false};
	ps[10] = (struct gparam){"x", f64, false};
	ps[11] = (struct gparam){"arr", &arr2, false};
	f.nparams = f.nargs = 12;
	CHECK_INT(goabi_assign(&f, true, locs), 0);
	CHECK_INT(locs[8].kind, GLOC_STACK);
	CHECK_INT(locs[8].sp_off, 8);
	CHECK_INT(locs[9].kind, GLOC_REGS);
	CHECK_INT(locs[9].pieces[0].reg, GP_R11);
	CHECK(locs[10].pieces[0].is_float && locs[10].pieces[0].reg == 0);
	CHECK_INT(locs[11].kind, GLOC_STACK);
	CHECK_INT(locs[11].sp_off, 24);

	/* Stack ABI: everything in order, aligned; results after, pointer-aligned. */
	ps[0] = (struct gparam){"b", u8, false};
	ps[1] = (struct gparam){"s", str, false};
	ps[2] = (struct gparam){"c", u8, false};
	ps[3] = (struct gparam){"", u8, true};
	f.nparams = 4;
	f.nargs = 3;
	CHECK_INT(goabi_assign(&f, false, locs), 0);
	CHECK_INT(locs[0].sp_off, 8);
	CHECK_INT(locs[1].sp_off, 16);
	CHECK_INT(locs[2].sp_off, 32);
	CHECK_INT(locs[3].sp_off, 40);
	gtypes_free(ts);
}

int main(void)
{
	const char *dir = getenv("GPROBE_TESTPROGS");
	struct dirent **ents = NULL;
	int n, versions = 0;

	check_pure();
	n = dir ? scandir(dir, &ents, NULL, alphasort) : -1;
	for (int i = 0; i < n; i++) {
		if (strncmp(ents[i]->d_name, "go1.", 4) == 0) {
			char *path = xasprintf("%s/%s/args", dir, ents[i]->d_name);
			check_binary(ents[i]->d_name, path);
			free(path);
			versions++;
		}
		free(ents[i]);
	}
	free(ents);
	if (!versions)
		check_skip("test_goabi: no test programs in %s (make testprogs): only the pure cases ran",
			   dir ? dir : "(GPROBE_TESTPROGS unset)");
	printf("test_goabi: %d argument locations compared with DWARF over %d Go versions, %d without a DWARF location\n",
	       compared, versions, no_dwarf_loc);
	return check_done("test_goabi");
}
