/* test_bpfcc.c — the in-process compiler: a real BPF ELF out, located
 * diagnostics, and headers served from memory whatever the cwd. No root. */
#include "bpfcc.h"
#include "check.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#ifndef EM_BPF
#define EM_BPF 247
#endif

static const char prog_src[] =
	"#include \"gprobe.bpf.h\"\n"
	"\n"
	"SEC(\"uprobe\")\n"
	"int gp_probe_0(struct pt_regs *ctx)\n"
	"{\n"
	"\t__u64 goid = gp_goid(ctx);\n"
	"\tstruct gp_record *rec = gp_rec_reserve(sizeof(*rec) + 8, 0, goid);\n"
	"\n"
	"\tif (!rec)\n"
	"\t\treturn 0;\n"
	"\t*GP_SLOT(rec, __u64, sizeof(*rec)) = gp_reg(ctx, GP_RBX);\n"
	"\tgp_rec_submit(rec);\n"
	"\treturn 0;\n"
	"}\n";

struct elf_facts {
	int machine;
	bool has_prog, has_maps, has_btf, has_btf_ext, has_sym;
};

/* Read back what an independent ELF reader (libelf) sees in the object. */
static int elf_inspect(const void *obj, size_t len, const char *sec, const char *sym,
		       struct elf_facts *f)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Ehdr eh;

	memset(f, 0, sizeof(*f));
	elf_version(EV_CURRENT);
	e = elf_memory((char *)obj, len);
	if (!e || !gelf_getehdr(e, &eh) || elf_getshdrstrndx(e, &shstrndx))
		return -1;
	f->machine = eh.e_machine;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name)
			continue;
		f->has_prog |= strcmp(name, sec) == 0;
		f->has_maps |= strcmp(name, ".maps") == 0;
		f->has_btf |= strcmp(name, ".BTF") == 0;
		f->has_btf_ext |= strcmp(name, ".BTF.ext") == 0;
		if (sh.sh_type == SHT_SYMTAB) {
			Elf_Data *d = elf_getdata(scn, NULL);
			size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;

			for (size_t i = 0; d && i < n; i++) {
				GElf_Sym s;
				const char *sn;

				if (!gelf_getsym(d, (int)i, &s))
					continue;
				sn = elf_strptr(e, sh.sh_link, s.st_name);
				f->has_sym |= sn && strcmp(sn, sym) == 0 &&
					      GELF_ST_TYPE(s.st_info) == STT_FUNC;
			}
		}
	}
	elf_end(e);
	return 0;
}

static void test_valid_object(void)
{
	void *obj = NULL;
	size_t len = 0;
	char *diag = NULL;
	struct elf_facts f;
	int err;

	err = bpfcc_compile("gprobe.bpf.c", prog_src, strlen(prog_src), NULL, &obj, &len, &diag);
	CHECK_INT(err, 0);
	if (diag)
		fprintf(stderr, "unexpected diagnostics:\n%s", diag);
	CHECK(diag == NULL); /* the templates compile without a warning */
	CHECK(obj != NULL && len > 64);
	if (obj) {
		CHECK_INT(elf_inspect(obj, len, "uprobe", "gp_probe_0", &f), 0);
		CHECK_INT(f.machine, EM_BPF);
		CHECK(f.has_prog);
		CHECK(f.has_sym);
		CHECK(f.has_maps);
		CHECK(f.has_btf);
		CHECK(f.has_btf_ext);
	}
	free(obj);
	free(diag);
}

/* Without -g there is no BTF, so no CO-RE: only plain sources compile. */
/* Every compile is independent: LLVM 19 keeps CO-RE state in statics that
 * crash a second in-process compile of the same access (task->thread.fsbase
 * in gp_goid()); the shim must survive it and give the same object. */
static void test_repeat(void)
{
	void *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	for (int i = 0; i < 3; i++) {
		free(b);
		b = NULL;
		CHECK_INT(bpfcc_compile("gprobe.bpf.c", prog_src, strlen(prog_src), NULL,
					i ? &b : &a, i ? &blen : &alen, NULL),
			  0);
	}
	CHECK(a && b && alen == blen && memcmp(a, b, alen) == 0);
	free(a);
	free(b);
}

static void test_no_debug_info(void)
{
	static const char plain[] = "#include <bpf/bpf_helpers.h>\n"
				    "SEC(\"uprobe\") int gp_probe_0(struct pt_regs *ctx) { return 0; }\n"
				    "char _license[] SEC(\"license\") = \"GPL\";\n";
	struct bpfcc_opts o = BPFCC_OPTS_INIT;
	void *obj = NULL;
	size_t len = 0;
	char *diag = NULL;
	struct elf_facts f;

	o.debug_info = false;
	CHECK_INT(bpfcc_compile("x.bpf.c", plain, strlen(plain), &o, &obj, &len, &diag), 0);
	if (obj) {
		CHECK_INT(elf_inspect(obj, len, "uprobe", "gp_probe_0", &f), 0);
		CHECK(f.has_prog);
		CHECK(!f.has_btf);
	}
	free(obj);
	free(diag);

	/* The templates use CO-RE, which clang refuses without debug info. */
	CHECK_INT(bpfcc_compile("x.bpf.c", prog_src, strlen(prog_src), &o, &obj, &len, &diag),
		  -EINVAL);
	CHECK(diag && strstr(diag, "without -g"));
	free(diag);

	o.opt_level = 7;
	CHECK_INT(bpfcc_compile("x.bpf.c", prog_src, strlen(prog_src), &o, &obj, &len, &diag),
		  -EINVAL);
	CHECK(diag && strstr(diag, "0..3"));
	free(diag);
}

static void test_syntax_error(void)
{
	/* Line 3 lacks a semicolon; the source is not NUL-terminated at len. */
	static const char bad[] = "#include \"gprobe_types.h\"\n"
				  "int f(void) {\n"
				  "\treturn 1\n"
				  "}\nGARBAGE";
	void *obj = (void *)1;
	size_t len = 7;
	char *diag = NULL;
	int err;

	err = bpfcc_compile("spec.bpf.c", bad, sizeof(bad) - 1 - strlen("GARBAGE"), NULL, &obj,
			    &len, &diag);
	CHECK_INT(err, -EINVAL);
	CHECK(obj == NULL);
	CHECK_INT(len, 0);
	CHECK(diag != NULL);
	if (diag) {
		CHECK(strstr(diag, "spec.bpf.c:3:10: error: expected ';' after return statement") !=
		      NULL);
		CHECK(strstr(diag, "GARBAGE") == NULL);
		CHECK(strstr(diag, "\x1b[") == NULL); /* no colour codes */
	}
	free(diag);
}

/* Nothing is read from disk: the compiler's only file system is in memory,
 * so a real system header is "not found", located in the source. */
static void test_no_disk(void)
{
	static const char src[] = "#include <stdio.h>\nint x;\n";
	static const char abs_src[] = "#include \"/etc/hostname\"\nint x;\n";
	void *obj = NULL;
	size_t len = 0;
	char *diag = NULL;

	CHECK_INT(bpfcc_compile("a.bpf.c", src, strlen(src), NULL, &obj, &len, &diag), -EINVAL);
	CHECK(diag && strstr(diag, "a.bpf.c:1:10: fatal error: 'stdio.h' file not found"));
	free(diag);
	CHECK_INT(bpfcc_compile("a.bpf.c", abs_src, strlen(abs_src), NULL, &obj, &len, &diag),
		  -EINVAL);
	CHECK(diag && strstr(diag, "a.bpf.c:1:10: fatal error: '/etc/hostname' file not found"));
	free(diag);
}

/* Headers come from the binary, whatever the current directory, and both
 * include spellings of libbpf's headers work. */
static void test_cwd_independent(void)
{
	static const char src[] = "#include <bpf/bpf_helpers.h>\n"
				  "#include \"gprobe.bpf.h\"\n"
				  "SEC(\"uprobe\") int p(struct pt_regs *ctx) { return gp_tgid() & 1; }\n";
	char old[4096];
	void *obj = NULL;
	size_t len = 0;
	char *diag = NULL;

	CHECK(getcwd(old, sizeof(old)) != NULL);
	CHECK_INT(chdir("/"), 0);
	CHECK_INT(bpfcc_compile("gprobe.bpf.c", src, strlen(src), NULL, &obj, &len, &diag), 0);
	if (diag)
		fprintf(stderr, "%s", diag);
	CHECK(obj != NULL);
	free(obj);
	free(diag);
	CHECK_INT(chdir(old), 0);
}

static void test_bad_args(void)
{
	void *obj;
	size_t len;

	CHECK_INT(bpfcc_compile("x.c", NULL, 0, NULL, &obj, &len, NULL), -EINVAL);
	/* Empty source compiles to an (empty) object; NULL name gets a default. */
	CHECK_INT(bpfcc_compile(NULL, "", 0, NULL, &obj, &len, NULL), 0);
	free(obj);
}

int main(void)
{
	test_valid_object();
	test_repeat();
	test_no_debug_info();
	test_syntax_error();
	test_no_disk();
	test_cwd_independent();
	test_bad_args();
	return check_done("test_bpfcc");
}
