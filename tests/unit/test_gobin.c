/* test_gobin.c — the ELF / Go metadata reader against Go's own tools.
 *
 * For every cached Go toolchain: its own `go` binary (large, stripped) and a
 * small program (from $GPROBE_TESTPROGS/go1.X/args{,.stripped}, else built
 * here into /tmp). Truth comes from `go version -m`, `go tool nm`,
 * `go tool addr2line` and readelf. Broken files are generated at run time.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "gobin.h"
#include "util.h"

#define GOCACHE_ROOT "/var/cache/gprobe/go"

static char *tmpdir;


static bool exists(const char *p)
{
	return access(p, R_OK) == 0;
}

/* A Go tool binary prebuilt in some cached toolchain (newer toolchains
 * build tools on demand, which is slow). */
static char *prebuilt_tool(const char *name)
{
	glob_t g;
	char *found = NULL;
	size_t i;
	char *pat = xasprintf(GOCACHE_ROOT "/go1.*/usr/lib/go-1.*/pkg/tool/linux_amd64/%s", name);

	if (!glob(pat, 0, NULL, &g)) {
		for (i = 0; i < g.gl_pathc; i++) {
			free(found);
			found = xstrdup(g.gl_pathv[i]); /* glob sorts: keep the last */
		}
		globfree(&g);
	}
	free(pat);
	return found;
}

static const char prog_src[] =
	"package main\n\nimport \"os\"\n\n"
	"//go:noinline\nfunc add(a, b int) int { return a + b }\n\n"
	"//go:noinline\nfunc big(n int) int {\n\tvar buf [8192]byte\n"
	"\tfor i := range buf {\n\t\tbuf[i] = byte(i + n)\n\t}\n\treturn int(buf[n%8192])\n}\n\n"
	"func main() {\n\tos.Exit(add(len(os.Args), big(3)) - 1 - int(byte(6)))\n}\n";

static int write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -errno;
	ok = fwrite(data, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

static char *go_env(const char *goroot, const char *ver)
{
	return xasprintf("cd %s/%s && GOROOT=%s GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on "
			 "GOCACHE=/tmp/gocache-%s GOPATH=/tmp/gopath-gprobe PATH=%s/bin:$PATH",
			 tmpdir, ver, goroot, ver + 2, goroot);
}

/* Build the test program (plain, stripped and PIE) with one toolchain. */
static int build_prog(const char *goroot, const char *ver)
{
	char *dir = xasprintf("%s/%s", tmpdir, ver), *p, *env, *out;
	int r;

	mkdir(dir, 0755);
	p = xasprintf("%s/main.go", dir);
	write_file(p, prog_src, strlen(prog_src));
	free(p);
	p = xasprintf("%s/go.mod", dir);
	write_file(p, "module example.com/gobintest\n\ngo 1.15\n", 38);
	free(p);
	env = go_env(goroot, ver);
	out = check_run("%s go build -o prog . 2>&1 && %s go build -ldflags='-s -w' -o prog.stripped . 2>&1"
		  " && %s go build -buildmode=pie -o prog.pie . 2>&1 && echo BUILD-OK",
		  env, env, env);
	r = strstr(out, "BUILD-OK") ? 0 : -1;
	if (r)
		fprintf(stderr, "%s: build failed:\n%s\n", ver, out);
	free(out);
	free(env);
	free(dir);
	return r;
}

/* --- checks on one binary ----------------------------------------------- */

/* `go version -m` prints "BIN: go1.22.12" and a "\tmod\tPATH\t..." line. */
static void check_buildinfo(struct gobin *b, const char *goroot)
{
	char *out = check_run("%s/bin/go version -m '%s' 2>&1", goroot, gobin_path(b));
	char *want = xasprintf("%s: %s\n", gobin_path(b), gobin_go_version(b));
	char *mod = strstr(out, "\tmod\t");

	CHECK(strncmp(out, want, strlen(want)) == 0);
	if (strncmp(out, want, strlen(want)))
		fprintf(stderr, "  go version -m: %.80s\n  ours: %s", out, want);
	if (mod) {
		size_t n = strcspn(mod + 5, "\t\n");

		CHECK(strlen(gobin_main_module(b)) == n &&
		      !strncmp(mod + 5, gobin_main_module(b), n));
	} else {
		CHECK_STR(gobin_main_module(b), "");
	}
	CHECK(gobin_go_minor(b) >= 15);
	free(want);
	free(out);
}

/* readelf tells the ELF type and which sections exist. */
static void check_elf_facts(struct gobin *b)
{
	char *hdr = check_run("readelf -h '%s'", gobin_path(b));
	char *secs = check_run("readelf -S -W '%s'", gobin_path(b));
	bool dwarf = strstr(secs, " .debug_info ") || strstr(secs, " .zdebug_info ");
	bool symtab = strstr(secs, " .symtab ") != NULL;
	char name[64];
	unsigned long long addr, off;
	const char *t = strstr(secs, " .text ");
	uint64_t got;

	CHECK_INT(gobin_is_pie(b), strstr(hdr, "DYN (") != NULL);
	CHECK_INT(gobin_has_dwarf(b), dwarf);
	CHECK_INT(gobin_has_symtab(b), symtab);
	/* "  .text PROGBITS ADDR OFF ..." : the file offset of .text's start */
	if (t && sscanf(t, " %63s %*s %llx %llx", name, &addr, &off) == 3) {
		CHECK(gobin_vaddr_to_offset(b, addr, &got) == 0 && got == off);
		CHECK(gobin_code(b, addr, 16) != NULL);
	} else {
		CHECK(!"readelf shows a .text section");
	}
	free(hdr);
	free(secs);
}

/* a == b, where Go 1.15's pclntab writes "·" and nm prints "." */
static bool same_symbol(const char *a, const char *b)
{
	while (*a && *b) {
		if (!strncmp(a, "\xc2\xb7", 2) && *b == '.') {
			a += 2;
			b++;
		} else if (*a++ != *b++) {
			return false;
		}
	}
	return !*a && !*b;
}

/* Every pclntab function is a text symbol at the same address in
 * `go tool nm`, and nm lists no function pclntab misses. */
static void check_vs_nm(struct gobin *b, const char *nm)
{
	char *out = check_run("%s -n '%s'", nm, gobin_path(b));
	char *line = out, *next;
	size_t nsym = 0, matched = 0, missing = 0, byname_bad = 0, i;
	bool *seen = xcalloc(gobin_nfuncs(b) + 1, sizeof(bool));

	for (; *line; line = next) {
		unsigned long long a;
		char type, name[512];
		const struct gobin_func *f;
		bool abi0, generated, marker;

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (sscanf(line, "%llx %c %511[^\n]", &a, &type, name) != 3 ||
		    (type != 'T' && type != 't'))
			continue;
		nsym++;
		/* "runtime.text", "go:textfipsstart": labels that may share a
		 * function's address, not functions */
		marker = !strcmp(name, "runtime.text") || !strcmp(name, "runtime.etext") ||
			 !strncmp(name, "go:", 3);
		/* the ELF symtab names ABI0 wrappers "X.abi0", the pclntab "X" */
		abi0 = strlen(name) > 5 && !strcmp(name + strlen(name) - 5, ".abi0");
		if (abi0)
			name[strlen(name) - 5] = 0;
		/* Go shortens type-algorithm names in the pclntab ("[...]", "·") */
		generated = !strncmp(name, "type.", 5) || !strncmp(name, "type:", 5);
		f = gobin_func_containing(b, a);
		if (f && f->entry == a && (generated || same_symbol(f->name, name)))
			seen[f - gobin_func_at_index(b, 0)] = true;
		else if (!marker && missing++ < 5)
			fprintf(stderr, "  nm symbol %s at %llx: pclntab has %s\n", name, a,
				f ? f->name : "nothing");
		if (marker || abi0 || generated)
			continue;
		/* by name, the symtab's own address wins among same-named functions */
		f = gobin_find_func(b, name);
		if (!f) { /* Go 1.15 spelled "wrap.1" as "wrap·1" */
			f = gobin_func_containing(b, a);
			if (f && !same_symbol(f->name, name))
				f = NULL;
		}
		if ((!f || f->entry != a) && byname_bad++ < 5)
			fprintf(stderr, "  find_func(%s) = %llx, nm %llx\n", name,
				f ? (unsigned long long)f->entry : 0ull, a);
	}
	for (i = 0; i < gobin_nfuncs(b); i++)
		matched += seen[i];
	CHECK(nsym > 100);
	CHECK_INT(matched, gobin_nfuncs(b));
	CHECK_INT(missing, 0);
	CHECK_INT(byname_bad, 0);
	free(seen);
	free(out);
}

/* `go tool addr2line` (its own pclntab reader) names the function at
 * an address; sample functions spread over the whole table. */
static void check_vs_addr2line(struct gobin *b, const char *a2l)
{
	struct strbuf in = { 0 };
	size_t n = gobin_nfuncs(b), step = n / 97 + 1, i, bad = 0, cnt = 0;
	char *path = xasprintf("%s/a2l.txt", tmpdir), *out, *line;

	for (i = 0; i < n; i += step)
		sb_printf(&in, "0x%llx\n", (unsigned long long)gobin_func_at_index(b, i)->entry);
	write_file(path, in.buf, in.len);
	out = check_run("%s '%s' < %s", a2l, gobin_path(b), path);
	line = out;
	for (i = 0; i < n && *line; i += step) {
		size_t len = strcspn(line, "\n");
		const char *want = gobin_func_at_index(b, i)->name;

		cnt++;
		if (len != strlen(want) || strncmp(line, want, len)) {
			if (bad++ < 5)
				fprintf(stderr, "  addr2line: %.*s, pclntab: %s\n", (int)len, line, want);
		}
		line += len + (line[len] ? 1 : 0);
		line += strcspn(line, "\n"); /* file:line */
		if (*line)
			line++;
	}
	CHECK(cnt > 50);
	CHECK_INT(bad, 0);
	sb_free(&in);
	free(out);
	free(path);
}

/* Lookups agree with the sorted table; reads agree with the file. */
static void check_lookups(struct gobin *b)
{
	size_t i, n = gobin_nfuncs(b), bad = 0;

	for (i = 0; i < n; i++) {
		const struct gobin_func *f = gobin_func_at_index(b, i);

		if (i && f->entry < gobin_func_at_index(b, i - 1)->end)
			bad++;
		if (strcmp(gobin_find_func(b, f->name)->name, f->name) ||
		    gobin_func_containing(b, f->entry) != f ||
		    gobin_func_containing(b, f->end - 1) != f || !gobin_code(b, f->entry, f->end - f->entry))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK(gobin_find_func(b, "runtime.gcStart") != NULL);
	CHECK(gobin_find_func(b, "main.main") != NULL);
	CHECK(gobin_find_func(b, "no.such.function") == NULL);
	CHECK(gobin_func_containing(b, 0) == NULL);
	CHECK(gobin_func_at_index(b, n) == NULL);
}

static void check_read(struct gobin *b)
{
	const struct gobin_func *f = gobin_find_func(b, "main.main");
	uint8_t buf[32];
	uint64_t off;
	const uint8_t *code;
	FILE *fp;
	uint8_t file[32];

	if (!f)
		return;
	code = gobin_code(b, f->entry, sizeof(buf));
	CHECK(gobin_read(b, f->entry, buf, sizeof(buf)) == 0);
	CHECK(gobin_vaddr_to_offset(b, f->entry, &off) == 0);
	fp = fopen(gobin_path(b), "rb");
	CHECK(fp && fseek(fp, (long)off, SEEK_SET) == 0 && fread(file, 1, 32, fp) == 32);
	if (fp)
		fclose(fp);
	CHECK(code && !memcmp(code, file, 32) && !memcmp(buf, file, 32));
	CHECK_INT(gobin_read(b, 0, buf, 8), -EFAULT);
	CHECK_INT(gobin_read(b, ~0ull - 4, buf, 8), -EFAULT);
	CHECK(gobin_code(b, 0, 1) == NULL);
}

static struct gobin *open_ok(const char *path)
{
	struct gobin *b;
	char *err;
	int r = gobin_open(path, &b, &err);

	CHECK_INT(r, 0);
	if (r) {
		fprintf(stderr, "  %s\n", err);
		free(err);
		return NULL;
	}
	return b;
}

static bool same_funcs(struct gobin *a, struct gobin *b)
{
	size_t i;

	if (gobin_nfuncs(a) != gobin_nfuncs(b))
		return false;
	for (i = 0; i < gobin_nfuncs(a); i++) {
		const struct gobin_func *x = gobin_func_at_index(a, i), *y = gobin_func_at_index(b, i);

		if (strcmp(x->name, y->name) || x->entry != y->entry || x->end != y->end)
			return false;
	}
	return true;
}

/* Returns the small program's path (for the broken-file tests) or NULL. */
static char *test_version(const char *goroot, const char *ver, const char *nm, const char *a2l)
{
	const char *tp = getenv("GPROBE_TESTPROGS");
	char *plain = NULL, *stripped = NULL, *pie = NULL, *goexe;
	struct gobin *b, *s;

	fprintf(stderr, "== %s\n", ver);
	goexe = xasprintf("%s/bin/go", goroot);
	if (tp && *tp) {
		plain = xasprintf("%s/%s/args", tp, ver);
		stripped = xasprintf("%s/%s/args.stripped", tp, ver);
	}
	if (!plain || !exists(plain) || !exists(stripped)) {
		free(plain);
		free(stripped);
		CHECK(build_prog(goroot, ver) == 0);
		plain = xasprintf("%s/%s/prog", tmpdir, ver);
		stripped = xasprintf("%s/%s/prog.stripped", tmpdir, ver);
		pie = xasprintf("%s/%s/prog.pie", tmpdir, ver);
	}
	/* the toolchain's own go command: big, stripped, cgo */
	if ((b = open_ok(goexe))) {
		check_buildinfo(b, goroot);
		check_elf_facts(b);
		check_lookups(b);
		if (a2l)
			check_vs_addr2line(b, a2l);
		CHECK_INT(gobin_symbol(b, "main.main", NULL, NULL), -ENOENT);
		gobin_close(b);
	}
	b = exists(plain) ? open_ok(plain) : NULL;
	s = exists(stripped) ? open_ok(stripped) : NULL;
	if (b) {
		uint64_t addr = 0;

		check_buildinfo(b, goroot);
		check_elf_facts(b);
		check_lookups(b);
		check_read(b);
		if (nm)
			check_vs_nm(b, nm);
		CHECK(gobin_has_dwarf(b));
		CHECK(gobin_symbol(b, "main.main", &addr, NULL) == 0 &&
		      addr == gobin_find_func(b, "main.main")->entry);
	}
	if (s) {
		check_buildinfo(s, goroot);
		check_elf_facts(s);
		check_read(s);
		CHECK(!gobin_has_dwarf(s));
		CHECK_INT(gobin_symbol(s, "main.main", NULL, NULL), -ENOENT);
		if (a2l)
			check_vs_addr2line(s, a2l);
	}
	if (b && s)
		CHECK(same_funcs(b, s));
	if (pie && exists(pie) && (s = (gobin_close(s), open_ok(pie)))) {
		CHECK(gobin_is_pie(s));
		check_buildinfo(s, goroot);
		check_elf_facts(s);
		check_lookups(s);
		if (nm)
			check_vs_nm(s, nm);
	}
	gobin_close(s);
	gobin_close(b);
	free(stripped);
	free(pie);
	free(goexe);
	if (!exists(plain)) {
		free(plain);
		return NULL;
	}
	return plain;
}

/* --- broken files ---------------------------------------------------------- */

static void expect_error(const char *path, const char *msg_part)
{
	struct gobin *b = NULL;
	char *err = NULL;
	int r = gobin_open(path, &b, &err);

	CHECK(r < 0 && b == NULL && err != NULL);
	if (r >= 0) {
		fprintf(stderr, "  %s opened, expected an error with '%s'\n", path, msg_part);
		gobin_close(b);
		return;
	}
	if (msg_part && (!err || !strstr(err, msg_part))) {
		fprintf(stderr, "  %s: got '%s', expected '%s'\n", path, err, msg_part);
		CHECK(!"error message");
	}
	free(err);
}

static void test_bad_files(const char *good)
{
	char *data = NULL, *p = xasprintf("%s/bad", tmpdir);
	size_t len = 0, n, i, nok = 0, nerr = 0;
	uint8_t hdr[64];

	expect_error("/dev/null", "not an ELF file");
	expect_error(tmpdir, "is a directory");
	expect_error("/nonexistent/gprobe-test", "No such file");
	write_file(p, "", 0);
	expect_error(p, "not an ELF file");
	write_file(p, "#!/bin/sh\necho hi\n", 18);
	expect_error(p, "not an ELF file");
	expect_error("/bin/sh", "not a Go binary");
	if (read_file(good, &data, &len) || len < 8192) {
		CHECK(!"read a good binary to corrupt");
		free(p);
		return;
	}
	memcpy(hdr, data, 64);
	hdr[EI_CLASS] = ELFCLASS32;
	write_file(p, hdr, 64);
	expect_error(p, "32-bit ELF is not supported");
	memcpy(hdr, data, 64);
	hdr[18] = 183; /* e_machine = EM_AARCH64 */
	write_file(p, hdr, 20);
	expect_error(p, "truncated or corrupted ELF");
	memcpy(data + 18, &hdr[18], 1);
	write_file(p, data, len);
	expect_error(p, "not an x86-64 binary");
	data[18] = 62;
	/* truncated at many lengths: dense near the headers, then spread */
	for (n = 1; n < len; n = n < 4096 ? n + 7 : n + len / 211) {
		write_file(p, data, n);
		expect_error(p, NULL);
	}
	write_file(p, data, len - 1);
	expect_error(p, "truncated or corrupted ELF");
	/* random bytes anywhere must give an error or a table, never a crash */
	write_file(p, data, len);
	srand(1);
	for (i = 0; i < 300; i++) {
		uint8_t junk[16];
		size_t at = (size_t)rand() % (len - sizeof(junk)), k;
		struct gobin *b = NULL;
		char *err = NULL;
		FILE *f = fopen(p, "r+b");

		for (k = 0; k < sizeof(junk); k++)
			junk[k] = (uint8_t)rand();
		if (!f || fseek(f, (long)at, SEEK_SET) || fwrite(junk, 1, sizeof(junk), f) != sizeof(junk)) {
			CHECK(!"corrupt a copy");
			if (f)
				fclose(f);
			break;
		}
		fseek(f, (long)at, SEEK_SET);
		if (gobin_open(p, &b, &err) == 0) {
			nok += b != NULL && err == NULL;
			gobin_close(b);
		} else {
			nerr += b == NULL && err != NULL && *err;
		}
		fwrite(data + at, 1, sizeof(junk), f); /* restore */
		fclose(f);
		free(err);
	}
	/* Every open either gave a binary or a located error, nothing else;
	 * and the corruption did reach something that matters. */
	CHECK_INT(nok + nerr, 300);
	CHECK(nerr > 0);
	free(data);
	free(p);
}

/* A corrupted pclntab header must be an error naming the pclntab. */
static void test_bad_pclntab(const char *good)
{
	char *out = check_run("readelf -S -W '%s' | grep ' .gopclntab '", good);
	char *data = NULL, *p = xasprintf("%s/badpcln", tmpdir);
	unsigned long long addr, off;
	size_t len;

	if (sscanf(out, " [%*d] .gopclntab %*s %llx %llx", &addr, &off) != 2 ||
	    read_file(good, &data, &len) || off + 16 > len) {
		CHECK(!"find .gopclntab with readelf");
		goto out;
	}
	memset(data + off + 8, 0xff, 8); /* nfunc */
	write_file(p, data, len);
	expect_error(p, "pclntab");
	data[off + 8] = 2; /* nfunc = 2 with bogus high bytes reset */
	memset(data + off + 9, 0, 7);
	memset(data + off + 16, 0x7f, 8); /* nfiles, then the name-table offset ... */
	memset(data + off + 24, 0x7f, 40);
	write_file(p, data, len);
	expect_error(p, "pclntab");
out:
	free(out);
	free(data);
	free(p);
}

int main(void)
{
	char tmpl[] = "/tmp/gprobe-test-gobin-XXXXXX";
	char *nm = prebuilt_tool("nm"), *a2l = prebuilt_tool("addr2line");
	char *good = NULL;
	glob_t g;
	size_t i;

	tmpdir = mkdtemp(tmpl);
	CHECK(tmpdir != NULL);
	if (!tmpdir)
		return check_done("test_gobin");
	if (glob(GOCACHE_ROOT "/go1.*/usr/lib/go-1.*", 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			const char *ver = strrchr(g.gl_pathv[i], '-') + 1;
			char *v = xasprintf("go%s", ver);

			char *prog = test_version(g.gl_pathv[i], v, nm, a2l);

			if (!good)
				good = prog;
			else
				free(prog);
			free(v);
		}
		globfree(&g);
	} else {
		check_skip("no Go toolchains under " GOCACHE_ROOT);
	}
	if (good && exists(good)) {
		test_bad_files(good);
		test_bad_pclntab(good);
	}
	free(check_run("rm -rf '%s'", tmpdir));
	free(nm);
	free(a2l);
	free(good);
	return check_done("test_gobin");
}
