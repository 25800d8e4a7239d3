/* test_disasm.c — instruction boundaries, entry probes and RETs against
 * GNU objdump, on real Go binaries of every cached toolchain: the
 * toolchain's own `go` command and a small program built here (or
 * $GPROBE_TESTPROGS/go1.X/args when present).
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "disasm.h"
#include "gobin.h"
#include "util.h"

#define GOCACHE_ROOT "/var/cache/gprobe/go"

static char *tmpdir;

static const char prog_src[] =
	"package main\n\nimport \"os\"\n\n"
	"//go:noinline\nfunc add(a, b int) int { return a + b }\n\n"
	"//go:noinline\nfunc big(n int) int {\n\tvar buf [8192]byte\n"
	"\tfor i := range buf {\n\t\tbuf[i] = byte(i + n)\n\t}\n\treturn int(buf[n%8192])\n}\n\n"
	"//go:noinline\nfunc many(a, b, c, d, e, f, g, h, i int, s string) (int, string) {\n"
	"\tif a > 3 {\n\t\treturn many(a-1, b, c, d, e, f, g, h, i, s+s)\n\t}\n"
	"\tif b == 7 {\n\t\treturn a, s\n\t}\n\treturn a + b + c + d + e + f + g + h + i, s[:1]\n}\n\n"
	"func main() {\n\tn, s := many(len(os.Args), 2, 3, 4, 5, 6, 7, 8, 9, \"x\")\n"
	"\tos.Exit(add(n, big(3)) - 45 - int(byte(6)) - len(s) + 1)\n}\n";

static char *build_prog(const char *goroot, const char *ver)
{
	char *dir = xasprintf("%s/%s", tmpdir, ver), *p, *out, *bin;
	FILE *f;

	mkdir(dir, 0755);
	p = xasprintf("%s/main.go", dir);
	f = fopen(p, "w");
	if (f) {
		fputs(prog_src, f);
		fclose(f);
	}
	free(p);
	p = xasprintf("%s/go.mod", dir);
	f = fopen(p, "w");
	if (f) {
		fputs("module example.com/disasmtest\n\ngo 1.15\n", f);
		fclose(f);
	}
	free(p);
	out = check_run("cd %s && GOROOT=%s GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on "
		  "GOCACHE=/tmp/gocache-%s GOPATH=/tmp/gopath-gprobe PATH=%s/bin:$PATH "
		  "go build -o prog . 2>&1 && echo BUILD-OK", dir, goroot, ver + 2, goroot);
	bin = xasprintf("%s/prog", dir);
	if (!strstr(out, "BUILD-OK")) {
		fprintf(stderr, "%s: build failed:\n%s\n", ver, out);
		CHECK(!"build the test program");
		free(bin);
		bin = NULL;
	}
	free(out);
	free(dir);
	return bin;
}

static const char *sym_name(void *ctx, uint64_t addr)
{
	const struct gobin_func *f = gobin_func_containing(ctx, addr);

	return f && f->entry == addr ? f->name : NULL;
}

/* objdump's view of [entry, end): instruction addresses and mnemonics. */
struct objline {
	uint64_t addr;
	char mnem[16];
};

static size_t objdump_func(const char *path, const struct gobin_func *f, struct objline **out)
{
	char *txt = check_run("objdump -d -M intel --no-show-raw-insn --start-address=0x%llx "
			"--stop-address=0x%llx '%s'", (unsigned long long)f->entry,
			(unsigned long long)f->end, path);
	char *line, *next;
	size_t n = 0, cap = 0;

	*out = NULL;
	for (line = txt; *line; line = next) {
		struct objline ol;
		unsigned long long a;
		int used = 0;
		char m1[16], m2[16];

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (sscanf(line, " %llx:%n", &a, &used) != 1 || !used || line[used] != '\t')
			continue;
		ol.addr = a;
		m2[0] = 0;
		if (sscanf(line + used, " %15s %15s", m1, m2) < 1)
			continue;
		/* "rep ret", "bnd jmp", "notrack jmp": keep the real mnemonic */
		if (!strcmp(m1, "rep") || !strcmp(m1, "repz") || !strcmp(m1, "bnd") ||
		    !strcmp(m1, "notrack") || !strcmp(m1, "ds") || !strcmp(m1, "cs"))
			memcpy(m1, m2, sizeof(m1));
		memcpy(ol.mnem, m1, sizeof(ol.mnem));
		VEC_PUSH(*out, n, cap, ol);
	}
	free(txt);
	return n;
}

/* Boundaries and RETs of one function equal objdump's. */
static void check_vs_objdump(struct gobin *b, const struct gobin_func *f)
{
	const uint8_t *code = gobin_code(b, f->entry, f->end - f->entry);
	struct insn *v = NULL;
	struct objline *ol = NULL;
	uint64_t *rets = NULL;
	size_t n = 0, nol, nrets = 0, i, r = 0, bad = 0;
	char *err = NULL;

	CHECK(code != NULL);
	if (!code)
		return;
	CHECK_INT(disasm_func(code, f->end - f->entry, f->entry, &v, &n, &err), 0);
	CHECK_INT(disasm_rets(code, f->end - f->entry, f->entry, &rets, &nrets, &err), 0);
	nol = objdump_func(gobin_path(b), f, &ol);
	CHECK(nol > 0);
	CHECK_INT(n, nol);
	for (i = 0; i < n && i < nol; i++) {
		if (v[i].addr != ol[i].addr && bad++ < 3)
			fprintf(stderr, "  %s: boundary %llx vs objdump %llx\n", f->name,
				(unsigned long long)v[i].addr, (unsigned long long)ol[i].addr);
		if (!strncmp(ol[i].mnem, "ret", 3)) {
			if (r >= nrets || rets[r] != ol[i].addr)
				bad++;
			r++;
		}
	}
	CHECK_INT(r, nrets);
	CHECK_INT(bad, 0);
	free(v);
	free(ol);
	free(rets);
	free(err);
}

/* The probe follows a conditional jump per objdump, and is a boundary. */
static void check_probe_vs_objdump(struct gobin *b, const struct gobin_func *f, bool want_check)
{
	const uint8_t *code = gobin_code(b, f->entry, f->end - f->entry);
	uint64_t probe = 0;
	char *why = NULL;
	struct objline *ol = NULL;
	size_t nol, i;
	bool boundary = false, after_jcc = false;

	if (!code || disasm_entry_probe(code, f->end - f->entry, f->entry, sym_name, b, &probe,
					&why)) {
		CHECK(!"entry probe");
		free(why);
		return;
	}
	nol = objdump_func(gobin_path(b), f, &ol);
	for (i = 0; i < nol; i++) {
		if (ol[i].addr != probe)
			continue;
		boundary = true;
		after_jcc = i > 0 && ol[i - 1].mnem[0] == 'j' && strcmp(ol[i - 1].mnem, "jmp");
	}
	CHECK(boundary);
	if (want_check) {
		CHECK(probe > f->entry && after_jcc);
		CHECK(why && strstr(why, "runtime.morestack"));
	} else {
		CHECK(probe == f->entry);
	}
	if (!boundary || (want_check && !after_jcc))
		fprintf(stderr, "  %s: probe %llx (%s)\n", f->name, (unsigned long long)probe, why);
	free(why);
	free(ol);
}

/* Every function disassembles; probes with and without names agree; a
 * probe is the entry or follows a conditional jump. */
static void check_all_funcs(struct gobin *b)
{
	size_t i, n = gobin_nfuncs(b), fails = 0, checked = 0, disagree = 0, notjcc = 0;

	for (i = 0; i < n; i++) {
		const struct gobin_func *f = gobin_func_at_index(b, i);
		const uint8_t *code = gobin_code(b, f->entry, f->end - f->entry);
		struct insn *v = NULL;
		size_t cnt = 0, k;
		uint64_t p1 = 0, p2 = 0;
		char *err = NULL, *w2 = NULL;

		/* crypto/internal/boring/sig marks the binary with bytes that
		 * are deliberately not instructions */
		if (!strncmp(f->name, "crypto/internal/boring/sig.", 27))
			continue;
		if (!code || disasm_func(code, f->end - f->entry, f->entry, &v, &cnt, &err) ||
		    disasm_entry_probe(code, f->end - f->entry, f->entry, sym_name, b, &p1, &err) ||
		    disasm_entry_probe(code, f->end - f->entry, f->entry, NULL, NULL, &p2, &w2)) {
			if (fails++ < 3)
				fprintf(stderr, "  %s: %s\n", f->name, err ? err : "no code");
		} else {
			if (p1 != p2)
				disagree++;
			if (p1 != f->entry) {
				checked++;
				for (k = 1; k < cnt && v[k].addr != p1; k++)
					;
				if (k == cnt || v[k - 1].kind != INSN_JCC)
					notjcc++;
			}
		}
		free(v);
		free(err);
		free(w2);
	}
	CHECK_INT(fails, 0);
	CHECK_INT(disagree, 0);
	CHECK_INT(notjcc, 0);
	/* most Go functions check the stack */
	CHECK(checked > n / 2);
}

static void check_sample(struct gobin *b)
{
	static const char *const with_check[] = { "runtime.gcStart", "runtime.mallocgc",
						  "runtime.lock2", "main.main" };
	const char *const nosplit[] = { "runtime.morestack", "runtime.rt0_go", "runtime.getg" };
	size_t i, n = gobin_nfuncs(b);
	const struct gobin_func *f;

	for (i = 0; i < ARRAY_SIZE(with_check); i++)
		if ((f = gobin_find_func(b, with_check[i]))) {
			check_probe_vs_objdump(b, f, true);
			check_vs_objdump(b, f);
		}
	for (i = 0; i < ARRAY_SIZE(nosplit); i++)
		if ((f = gobin_find_func(b, nosplit[i])))
			check_probe_vs_objdump(b, f, false);
	for (i = 0; i < n; i += n / 23 + 1)
		check_vs_objdump(b, gobin_func_at_index(b, i));
}

static void check_prog(struct gobin *b)
{
	const struct gobin_func *f;

	check_sample(b);
	/* a leaf with a tiny frame has no stack check; a big frame has two jumps */
	if ((f = gobin_find_func(b, "main.add")))
		check_probe_vs_objdump(b, f, false);
	else
		CHECK(!"main.add present");
	if ((f = gobin_find_func(b, "main.big"))) {
		check_probe_vs_objdump(b, f, true);
		check_vs_objdump(b, f);
	} else {
		CHECK(!"main.big present");
	}
	if ((f = gobin_find_func(b, "main.many"))) {
		check_probe_vs_objdump(b, f, true);
		check_vs_objdump(b, f);
	}
}

static void test_bytes(void)
{
	/* cmp rsp,[r14+16]; jbe +8; push rbp; mov rbp,rsp; pop rbp; ret;
	 * then the morestack block: call -N (to entry, unnamed); jmp entry */
	static const uint8_t code[] = { 0x49, 0x3b, 0x66, 0x10, 0x76, 0x06, 0x55, 0x48, 0x89,
					0xe5, 0x5d, 0xc3, 0xe8, 0xef, 0xff, 0xff, 0xff, 0xeb,
					0xed };
	static const uint8_t bad[] = { 0x90, 0x0f, 0xff };
	static const uint8_t locked[] = { 0xf0, 0x0f, 0xb1, 0x0a, 0xf0, 0x48, 0x0f, 0xc1, 0x01 };
	struct insn *v = NULL;
	size_t n = 0;
	uint64_t probe = 0, *rets = NULL;
	char *why = NULL;

	CHECK_INT(disasm_func(code, sizeof(code), 0x1000, &v, &n, &why), 0);
	CHECK_INT(n, 8);
	if (n == 8) {
		CHECK_STR(v[0].text, "cmp rsp, qword ptr [r14 + 16]");
		CHECK(v[1].kind == INSN_JCC && v[1].target == 0x100c);
		CHECK(v[5].kind == INSN_RET && v[5].addr == 0x100b);
		CHECK(v[6].kind == INSN_CALL && v[6].target == 0x1000);
		CHECK(v[7].kind == INSN_JMP && v[7].target == 0x1000);
	}
	free(v);
	CHECK_INT(disasm_entry_probe(code, sizeof(code), 0x1000, NULL, NULL, &probe, &why), 0);
	CHECK_INT(probe, 0x1006);
	free(why);
	CHECK_INT(disasm_rets(code, sizeof(code), 0x1000, &rets, &n, &why), 0);
	CHECK(n == 1 && rets[0] == 0x100b);
	free(rets);
	why = NULL;
	/* LLVM splits "lock" off; it must stay one instruction */
	CHECK_INT(disasm_func(locked, sizeof(locked), 0x3000, &v, &n, &why), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(v[0].text, "lock cmpxchg dword ptr [rdx], ecx");
		CHECK(v[0].len == 4 && v[1].addr == 0x3004 && v[1].len == 5);
		CHECK_STR(v[1].text, "lock xadd qword ptr [rcx], rax");
	}
	free(v);
	CHECK_INT(disasm_func(bad, sizeof(bad), 0x2000, &v, &n, &why), -EINVAL);
	CHECK(why && strstr(why, "0x2001"));
	free(why);
}

int main(void)
{
	char tmpl[] = "/tmp/gprobe-test-disasm-XXXXXX";
	const char *tp = getenv("GPROBE_TESTPROGS");
	glob_t g;
	size_t i;

	test_bytes();
	tmpdir = mkdtemp(tmpl);
	CHECK(tmpdir != NULL);
	if (!tmpdir)
		return check_done("test_disasm");
	if (glob(GOCACHE_ROOT "/go1.*/usr/lib/go-1.*", 0, NULL, &g)) {
		check_skip("test_disasm: no Go toolchain under " GOCACHE_ROOT " (make deps): "
			   "only the byte-level cases ran");
		return check_done("test_disasm");
	}
	for (i = 0; i < g.gl_pathc; i++) {
		const char *goroot = g.gl_pathv[i];
		char *ver = xasprintf("go%s", strrchr(goroot, '-') + 1);
		char *goexe = xasprintf("%s/bin/go", goroot);
		char *prog = tp && *tp ? xasprintf("%s/%s/args", tp, ver) : NULL;
		struct gobin *b;
		char *err = NULL;
		bool built;

		fprintf(stderr, "== %s\n", ver);
		if (!gobin_open(goexe, &b, &err)) {
			check_all_funcs(b);
			check_sample(b);
			gobin_close(b);
		} else {
			CHECK(!"open the go command");
			free(err);
		}
		if (prog && access(prog, R_OK)) {
			free(prog);
			prog = NULL;
		}
		built = !prog;
		if (built)
			prog = build_prog(goroot, ver);
		if (prog && !gobin_open(prog, &b, &err)) {
			check_all_funcs(b);
			if (built)
				check_prog(b);
			else
				check_sample(b);
			gobin_close(b);
		} else if (prog) {
			CHECK(!"open the test program");
			free(err);
		}
		free(prog);
		free(goexe);
		free(ver);
	}
	globfree(&g);
	free(check_run("rm -rf '%s'", tmpdir));
	return check_done("test_disasm");
}
