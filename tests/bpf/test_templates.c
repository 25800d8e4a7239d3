/* test_templates.c — the BPF helpers of templates/gprobe.bpf.h, for real.
 *
 * A program calling every helper is compiled with bpfcc, loaded (so the
 * kernel's verifier accepts each of them) and attached as uprobes to the
 * Go test program `args` of every Go version built in $GPROBE_TESTPROGS.
 * The values read in BPF — every Go ABI integer register, stack words,
 * strings (cut at 64 bytes), the goroutine id through R14 or TLS, entry/
 * return pairing by goroutine, the counters — are compared with what the
 * Go program itself prints with -json. The compile needs no privilege and
 * always runs; the rest needs root and BPF, else the test is skipped (77),
 * or fails in CI.
 */
#include "bpfcc.h"
#include "check.h"
#include "disasm.h"
#include "gprobe_record.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <dirent.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

/* Record layouts, shared verbatim by the BPF source (stringified) and the
 * checks here. */
#define REC_DEFS                                                                       \
	struct many_rec {                                                              \
		struct gp_record h;                                                    \
		__s64 a[12];                                                           \
		__u64 g;                                                               \
		__s32 rc_fault;                                                        \
		__s32 rc_nil;                                                          \
	};                                                                             \
	struct str_rec {                                                               \
		struct gp_record h;                                                    \
		struct {                                                               \
			__u32 len;                                                     \
			__u32 cut;                                                     \
			char data[64];                                                 \
		} s;                                                                   \
		__s64 lat;                                                             \
		__s64 w0;                                                              \
		__s64 w1;                                                              \
		__u32 paired;                                                          \
		__u32 pad;                                                             \
	};                                                                             \
	struct gor_rec {                                                               \
		struct gp_record h;                                                    \
		__s64 x;                                                               \
		__u64 g;                                                               \
	};                                                                             \
	struct rec_rec {                                                               \
		struct gp_record h;                                                    \
		__s64 n;                                                               \
		__u64 depth;                                                           \
		__u64 sp;                                                              \
	};
REC_DEFS
#define XSTR(...) #__VA_ARGS__
#define STR(x) XSTR(x)

enum { T_MANY = 1, T_STR = 2, T_GOR = 3, T_REC = 4 };
#define MAXS 64
#define REC_DEPTH 200 /* deep enough to move the stack */

static const char bpf_src[] =
	"#include \"gprobe.bpf.h\"\n" STR(REC_DEFS) "\n"
	"SEC(\"uprobe\") int p_many(struct pt_regs *ctx)\n"
	"{\n"
	"	__u64 goid = gp_goid(ctx), w = 0;\n"
	"	struct gp_entry_val v = {};\n"
	"	struct many_rec *r = (void *)gp_rec_reserve(sizeof(*r), 1, goid);\n"
	"	if (!r)\n"
	"		return 0;\n"
	"	if (gp_stack_abi) {\n"
	"#pragma unroll\n"
	"		for (int i = 0; i < 12; i++) {\n"
	"			if (gp_stack_word(ctx, 8 + 8 * i, &w))\n"
	"				gp_null(&r->h, i);\n"
	"			r->a[i] = w;\n"
	"		}\n"
	"	} else {\n"
	"		r->a[0] = gp_reg(ctx, GP_RAX);\n"
	"		r->a[1] = gp_reg(ctx, GP_RBX);\n"
	"		r->a[2] = gp_reg(ctx, GP_RCX);\n"
	"		r->a[3] = gp_reg(ctx, GP_RDI);\n"
	"		r->a[4] = gp_reg(ctx, GP_RSI);\n"
	"		r->a[5] = gp_reg(ctx, GP_R8);\n"
	"		r->a[6] = gp_reg(ctx, GP_R9);\n"
	"		r->a[7] = gp_reg(ctx, GP_R10);\n"
	"		r->a[8] = gp_reg(ctx, GP_R11);\n"
	"#pragma unroll\n"
	"		for (int i = 0; i < 3; i++) {\n"
	"			if (gp_stack_word(ctx, 8 + 8 * i, &w))\n"
	"				gp_null(&r->h, 9 + i);\n"
	"			r->a[9 + i] = w;\n"
	"		}\n"
	"	}\n"
	"	r->g = gp_cur_g(ctx);\n"
	"	r->rc_fault = gp_read(&w, 8, 0x10000);\n"
	"	r->rc_nil = gp_read(&w, 8, 8);\n"
	"	if (r->rc_fault)\n"
	"		gp_null(&r->h, 12);\n"
	"	v.words[0] = r->a[0];\n"
	"	v.words[1] = r->a[11];\n"
	"	gp_entry_save(1, goid, 0, &v);\n"
	"	gp_rec_submit(&r->h);\n"
	"	return 0;\n"
	"}\n"
	"SEC(\"uprobe\") int p_str(struct pt_regs *ctx)\n"
	"{\n"
	"	__u64 goid = gp_goid(ctx), ptr, len;\n"
	"	struct gp_entry_val *e;\n"
	"	struct str_rec *r;\n"
	"	if (gp_stack_abi) {\n"
	"		if (gp_stack_word(ctx, 8, &ptr) || gp_stack_word(ctx, 16, &len))\n"
	"			return 0;\n"
	"	} else {\n"
	"		ptr = gp_reg(ctx, GP_RAX);\n"
	"		len = gp_reg(ctx, GP_RBX);\n"
	"	}\n"
	"	r = (void *)gp_rec_reserve(sizeof(*r), 2, goid);\n"
	"	if (!r)\n"
	"		return 0;\n"
	"	if (gp_read_gostring((struct gp_str *)&r->s, ptr, len, 64))\n"
	"		gp_null(&r->h, 0);\n"
	"	if (len == 0) {\n"
	"		gp_rec_discard(&r->h);\n"
	"		return 0;\n"
	"	}\n"
	"	r->paired = 0;\n"
	"	r->pad = 0;\n"
	"	r->lat = r->w0 = r->w1 = 0;\n"
	"	e = gp_entry_lookup(1, goid, 0);\n"
	"	if (e) {\n"
	"		r->paired = 1;\n"
	"		r->lat = bpf_ktime_get_boot_ns() - e->ktime_ns;\n"
	"		r->w0 = e->words[0];\n"
	"		r->w1 = e->words[1];\n"
	"		gp_entry_delete(1, goid, 0);\n"
	"	}\n"
	"	gp_rec_submit(&r->h);\n"
	"	return 0;\n"
	"}\n"
	"SEC(\"uprobe\") int p_gor(struct pt_regs *ctx)\n"
	"{\n"
	"	__u64 x = 0;\n"
	"	struct gor_rec *r = (void *)gp_rec_reserve(sizeof(*r), 3, gp_goid(ctx));\n"
	"	if (!r)\n"
	"		return 0;\n"
	"	if (gp_stack_abi) {\n"
	"		if (gp_stack_word(ctx, 8, &x))\n"
	"			gp_null(&r->h, 0);\n"
	"	} else {\n"
	"		x = gp_reg(ctx, GP_RAX);\n"
	"	}\n"
	"	r->x = x;\n"
	"	r->g = gp_cur_g(ctx);\n"
	"	gp_rec_submit(&r->h);\n"
	"	return 0;\n"
	"}\n"
	"SEC(\"uprobe\") int p_rec(struct pt_regs *ctx)\n"
	"{\n"
	"	__u64 n = 0;\n"
	"	struct rec_rec *r = (void *)gp_rec_reserve(sizeof(*r), 4, gp_goid(ctx));\n"
	"	if (!r)\n"
	"		return 0;\n"
	"	if (gp_stack_abi) {\n"
	"		if (gp_stack_word(ctx, 8, &n))\n"
	"			gp_null(&r->h, 0);\n"
	"	} else {\n"
	"		n = gp_reg(ctx, GP_RAX);\n"
	"	}\n"
	"	r->n = n;\n"
	"	r->depth = gp_frame_depth(ctx);\n"
	"	r->sp = ctx->sp;\n"
	"	gp_rec_submit(&r->h);\n"
	"	return 0;\n"
	"}\n";

/* ---- facts from the Go binary, read independently of gprobe ---- */

/* A function's address, size and file offset, from the ELF symbol table. */
static int func_sym(const char *path, const char *name, GElf_Addr *addr, GElf_Xword *size,
		    long *off)
{
	int fd = open(path, O_RDONLY);
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t nph;

	*addr = 0;
	*off = -1;
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	while (e && !*addr && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *sn;

			if (!gelf_getsym(d, (int)i, &s))
				continue;
			sn = elf_strptr(e, sh.sh_link, s.st_name);
			if (sn && strcmp(sn, name) == 0 && GELF_ST_TYPE(s.st_info) == STT_FUNC) {
				*addr = s.st_value;
				*size = s.st_size;
				break;
			}
		}
	}
	if (e && *addr && elf_getphdrnum(e, &nph) == 0) {
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD &&
			    *addr >= ph.p_vaddr && *addr < ph.p_vaddr + ph.p_filesz)
				*off = (long)(*addr - ph.p_vaddr + ph.p_offset);
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	return *off > 0 ? 0 : -1;
}

/* File offset of the entry probe: after the stack-check prologue (what
 * gprobe uses, compiler/disasm.h), so that a stack growth, which restarts
 * the function, does not fire the probe twice. */
static long entry_probe_off(const char *path, const char *name)
{
	GElf_Addr addr;
	GElf_Xword size = 0;
	long off;
	uint64_t probe = 0;
	uint8_t *code;
	char *why = NULL;
	int fd, err = -1;

	if (func_sym(path, name, &addr, &size, &off) || !size || size > (1 << 20))
		return -1;
	code = malloc(size);
	fd = open(path, O_RDONLY);
	if (fd >= 0 && pread(fd, code, size, off) == (ssize_t)size)
		err = disasm_entry_probe(code, size, addr, NULL, NULL, &probe, &why);
	if (err)
		fprintf(stderr, "%s: %s: no entry probe: %s\n", path, name, why ? why : "read");
	if (fd >= 0)
		close(fd);
	free(code);
	free(why);
	return err ? -1 : off + (long)(probe - addr);
}

/* Offset of goid in runtime.g, from the binary's DWARF. */
static long goid_offset(const char *path)
{
	int fd = open(path, O_RDONLY);
	Dwarf *dw;
	Dwarf_Off off = 0, next;
	size_t hsize;
	long res = -1;

	if (fd < 0)
		return -1;
	dw = dwarf_begin(fd, DWARF_C_READ);
	while (dw && res < 0 && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, die, m;

		if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &die) == 0) {
			do {
				const char *n = dwarf_diename(&die);

				if (dwarf_tag(&die) != DW_TAG_structure_type || !n ||
				    strcmp(n, "runtime.g") || dwarf_child(&die, &m))
					continue;
				do {
					Dwarf_Attribute a;
					Dwarf_Word w;

					n = dwarf_diename(&m);
					if (n && strcmp(n, "goid") == 0 &&
					    dwarf_attr(&m, DW_AT_data_member_location, &a) &&
					    dwarf_formudata(&a, &w) == 0)
						res = (long)w;
				} while (res < 0 && dwarf_siblingof(&m, &m) == 0);
			} while (res < 0 && dwarf_siblingof(&die, &die) == 0);
		}
		off = next;
	}
	if (dw)
		dwarf_end(dw);
	close(fd);
	return res;
}

/* ---- the Go program's own report (-json lines) ---- */

static bool json_int(const char *line, const char *key, long long *v)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	*v = strtoll(p + strlen(pat), NULL, 10);
	return true;
}

static void put_utf8(char *out, size_t *n, size_t cap, unsigned c)
{
	unsigned char b[4];
	size_t k = 0;

	if (c < 0x80) {
		b[k++] = c;
	} else if (c < 0x800) {
		b[k++] = 0xc0 | c >> 6;
		b[k++] = 0x80 | (c & 0x3f);
	} else {
		b[k++] = 0xe0 | c >> 12;
		b[k++] = 0x80 | ((c >> 6) & 0x3f);
		b[k++] = 0x80 | (c & 0x3f);
	}
	for (size_t i = 0; i < k && *n < cap; i++)
		out[(*n)++] = (char)b[i];
}

/* Decode the JSON string value of key into out (raw bytes); returns its
 * length, or -1. Enough JSON for what encoding/json writes. */
static long json_str(const char *line, const char *key, char *out, size_t cap)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(line, pat);
	if (!p)
		return -1;
	for (p += strlen(pat); *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\\') {
			c = *++p;
			if (c == 'u') {
				put_utf8(out, &n, cap, (unsigned)strtoul((char[]){p[1], p[2], p[3], p[4], 0}, NULL, 16));
				p += 4;
				continue;
			}
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
		}
		if (n < cap)
			out[n++] = c;
	}
	return (long)n;
}

/* ---- running one Go version ---- */

#define MAXREC 64
#define MAXRREC 1024
struct collected {
	struct many_rec many[MAXREC];
	struct str_rec str[MAXREC];
	struct gor_rec gor[MAXREC];
	struct rec_rec rec[MAXRREC];
	int nmany, nstr, ngor, nrec, nbad;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct collected *c = ctx;
	const struct gp_record *h = data;

	if (size < sizeof(*h)) {
		c->nbad++;
		return 0;
	}
	if (h->table == T_MANY && size == sizeof(struct many_rec) && c->nmany < MAXREC)
		memcpy(&c->many[c->nmany++], data, size);
	else if (h->table == T_STR && size == sizeof(struct str_rec) && c->nstr < MAXREC)
		memcpy(&c->str[c->nstr++], data, size);
	else if (h->table == T_GOR && size == sizeof(struct gor_rec) && c->ngor < MAXREC)
		memcpy(&c->gor[c->ngor++], data, size);
	else if (h->table == T_REC && size == sizeof(struct rec_rec) && c->nrec < MAXRREC)
		memcpy(&c->rec[c->nrec++], data, size);
	else
		c->nbad++;
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Set a .rodata variable by name through the object's BTF. */
static int set_rodata(struct bpf_object *obj, char *ro, size_t rosz, const char *name,
		      const void *val, size_t len)
{
	struct btf *btf = bpf_object__btf(obj);
	int id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	const struct btf_type *sec;
	const struct btf_var_secinfo *vi;

	if (id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vi = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vi++) {
		const struct btf_type *var = btf__type_by_id(btf, vi->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name) == 0) {
			if (vi->size != len || vi->offset + len > rosz)
				return -EINVAL;
			memcpy(ro + vi->offset, val, len);
			return 0;
		}
	}
	return -ENOENT;
}

static void stats_sum(struct bpf_object *obj, __u64 *sum)
{
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "gp_stats"));
	int ncpu = libbpf_num_possible_cpus();
	__u64 *v = calloc(ncpu > 0 ? ncpu : 1, sizeof(*v));

	for (__u32 k = 0; k < GP_STAT_MAX; k++) {
		sum[k] = 0;
		if (v && bpf_map_lookup_elem(fd, &k, v) == 0)
			for (int c = 0; c < ncpu; c++)
				sum[k] += v[c];
	}
	free(v);
}

struct gorun {
	const char *ver;   /* "go1.22" */
	char path[4096];
	char *out;         /* the program's -json output */
	long goid_off;
};

/* Open, configure, load and attach; run the Go program; collect records. */
static int trace_run(const void *objbuf, size_t objlen, struct gorun *g, struct collected *c,
		     __u64 *stats)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "gptest");
	static const char *const funcs[] = {"main.Many", "main.Str", "main.OnGoroutine",
					    "main.Recurse"};
	static const char *const progs[] = {"p_many", "p_str", "p_gor", "p_rec"};
	struct bpf_link *links[4] = {0};
	struct ring_buffer *rb = NULL;
	struct bpf_object *obj;
	struct bpf_map *ro;
	char *rocopy = NULL, cmd[4600];
	__u64 goid_off = g->goid_off;
	__u32 stack_abi = strcmp(g->ver, "go1.15") == 0 || strcmp(g->ver, "go1.16") == 0;
	size_t rosz, outcap = 0;
	FILE *p;
	int err = -1;

	obj = bpf_object__open_mem(objbuf, objlen, &oo);
	if (!obj)
		return -errno;
	ro = bpf_object__find_map_by_name(obj, ".rodata");
	if (!ro || !bpf_map__initial_value(ro, &rosz))
		goto out;
	rocopy = malloc(rosz);
	memcpy(rocopy, bpf_map__initial_value(ro, &rosz), rosz);
	if (set_rodata(obj, rocopy, rosz, "gp_goid_off", &goid_off, sizeof(goid_off)) ||
	    set_rodata(obj, rocopy, rosz, "gp_stack_abi", &stack_abi, sizeof(stack_abi)) ||
	    bpf_map__set_initial_value(ro, rocopy, rosz))
		goto out;
	/* What the runtime does: size the ring buffer before load. */
	if (bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "gp_events"), 1 << 20))
		goto out;
	err = bpf_object__load(obj);
	if (err)
		goto out;
	for (int i = 0; i < 4; i++) {
		long off = entry_probe_off(g->path, funcs[i]);

		CHECK(off > 0);
		links[i] = bpf_program__attach_uprobe(
			bpf_object__find_program_by_name(obj, progs[i]), false, -1, g->path,
			off > 0 ? (size_t)off : 0);
		if (!links[i]) {
			err = -errno;
			goto out;
		}
	}
	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "gp_events")),
			      on_record, c, NULL);
	if (!rb)
		goto out;
	snprintf(cmd, sizeof(cmd),
		 "'%s' -json -n 2 -depth %d -only main.Many,main.Str,main.OnGoroutine,main.Recurse",
		 g->path, REC_DEPTH);
	p = popen(cmd, "r");
	if (!p)
		goto out;
	{
		size_t n = 0;
		char buf[4096];
		size_t k;

		while ((k = fread(buf, 1, sizeof(buf), p)) > 0) {
			if (n + k + 1 > outcap) {
				outcap = (n + k + 1) * 2;
				g->out = realloc(g->out, outcap);
			}
			memcpy(g->out + n, buf, k);
			n += k;
			g->out[n] = 0;
		}
	}
	CHECK_INT(pclose(p), 0);
	while (ring_buffer__poll(rb, 100) > 0)
		;
	stats_sum(obj, stats);
	err = 0;
out:
	ring_buffer__free(rb);
	for (int i = 0; i < 4; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	free(rocopy);
	return err;
}

/* ---- comparing ---- */

/* One call of main.Recurse(n): n+1 frames, from n down to 0, one row each
 * (the probe is after the stack check, so a growth does not re-fire it;
 * should it, both hits must agree on the depth). The depth must grow by one
 * frame size per level however often the stack moved — which the Go
 * program reports, and which shows here as SP jumping between frames. */
static void check_recursion(struct gorun *g, struct collected *c, int *irec, const char *line,
			    long long goid)
{
	long long n = -1, calls = -1;
	__u64 stride = 0;
	int frames = 0, dups = 0, moves = 0;
	const struct rec_rec *prev = NULL;

	CHECK(json_int(line, "n", &n));
	CHECK(json_int(line, "calls", &calls));
	while (*irec < c->nrec) {
		const struct rec_rec *r = &c->rec[*irec];

		if (prev && r->n == prev->n) { /* the same frame, re-entered */
			dups++;
			CHECK_INT(r->depth, prev->depth);
			moves += r->sp != prev->sp;
		} else {
			CHECK_INT(r->n, n - frames);
			CHECK_INT(r->h.goid, goid);
			CHECK_INT(r->h.nulls, 0);
			if (prev) {
				__u64 d = r->depth - prev->depth;

				if (!stride)
					stride = d;
				CHECK_INT(d, stride);
				moves += r->sp != prev->sp - stride;
			}
			frames++;
		}
		prev = r;
		(*irec)++;
		if (r->n == 0)
			break;
	}
	CHECK_INT(frames, calls);
	CHECK(stride >= 128 && stride < 4096);
	if (strstr(line, "\"stack_moved\":true"))
		CHECK(moves > 0);
	fprintf(stderr, "%s: Recurse(%lld): %d frames, stride %llu, %d re-entries, %d stack moves\n",
		g->ver, n, frames, (unsigned long long)stride, dups, moves);
}

static void check_version(struct gorun *g, struct collected *c, const __u64 *stats)
{
	int imany = 0, istr = 0, igor = 0, irec = 0, nrecurse = 0, nempty = 0, unpaired = 0;
	bool pending = false;
	long long pid = -1, main_goid = -1, a0 = 0, a11 = 0;
	char *save = NULL;

	CHECK_INT(c->nbad, 0);
	for (char *line = strtok_r(g->out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long long v, goid = -2;

		if (strstr(line, "\"event\":\"start\"")) {
			json_int(line, "pid", &pid);
			json_int(line, "goid", &main_goid);
			continue;
		}
		json_int(line, "goid", &goid);
		if (strstr(line, "\"func\":\"main.Many\"")) {
			struct many_rec *r = imany < c->nmany ? &c->many[imany] : NULL;

			imany++;
			CHECK(r != NULL);
			if (!r)
				continue;
			for (int i = 0; i < 12; i++) {
				char key[8];

				snprintf(key, sizeof(key), "a%d", i + 1);
				bool have = json_int(line, key, &v);
				CHECK(have);
				if (!have)
					continue; /* nothing to compare with */
				if (r->a[i] != v)
					fprintf(stderr, "%s: Many a%d: bpf %lld, go %lld\n", g->ver,
						i + 1, (long long)r->a[i], v);
				CHECK_INT(r->a[i], v);
			}
			a0 = r->a[0];
			a11 = r->a[11];
			pending = true;
			CHECK_INT(r->h.goid, goid);
			CHECK_INT(r->h.pid, pid);
			CHECK(r->g != 0);
			CHECK_INT(r->h.nulls, 1ULL << 12); /* only the deliberate fault */
			CHECK_INT(r->rc_fault, 1);         /* GP_EFAULT */
			CHECK_INT(r->rc_nil, 2);           /* GP_ENIL */
		} else if (strstr(line, "\"func\":\"main.Str\"")) {
			char want[256];
			long wl = json_str(line, "s", want, sizeof(want));
			struct str_rec *r;

			CHECK(wl >= 0);
			if (wl == 0) { /* discarded in BPF, before pairing */
				nempty++;
				continue;
			}
			r = istr < c->nstr ? &c->str[istr] : NULL;
			istr++;
			CHECK(r != NULL);
			if (!r)
				continue;
			CHECK_INT(r->s.len, wl < MAXS ? wl : MAXS);
			CHECK_INT(r->s.cut, wl > MAXS);
			CHECK(r->s.len <= MAXS && memcmp(r->s.data, want, r->s.len) == 0);
			CHECK_INT(r->h.nulls, 0);
			CHECK_INT(r->h.goid, goid);
			CHECK_INT(r->paired, pending);
			if (pending) {
				CHECK_INT(r->w0, a0);
				CHECK_INT(r->w1, a11);
				CHECK(r->lat > 0 && r->lat < 10000000000LL);
			} else {
				unpaired++;
			}
			pending = false;
		} else if (strstr(line, "\"func\":\"main.Recurse\"")) {
			check_recursion(g, c, &irec, line, goid);
			nrecurse++;
		} else if (strstr(line, "\"func\":\"main.OnGoroutine\"")) {
			struct gor_rec *r = igor < c->ngor ? &c->gor[igor] : NULL;

			igor++;
			CHECK(r != NULL);
			if (!r)
				continue;
			bool have = json_int(line, "x", &v);
			CHECK(have);
			if (have)
				CHECK_INT(r->x, v);
			CHECK_INT(r->h.goid, goid);
			CHECK(r->h.goid != (__u64)main_goid); /* really another goroutine */
			CHECK(r->g != 0 && r->g != c->many[0].g);
		}
	}
	CHECK(imany == 2 && igor == 2 && istr >= 4);
	CHECK_INT(c->nmany, imany);
	CHECK_INT(c->nstr, istr);
	CHECK_INT(c->ngor, igor);
	CHECK_INT(nrecurse, 2);
	CHECK_INT(c->nrec, irec);
	CHECK_INT(stats[GP_STAT_DROPPED], 0);
	CHECK_INT(stats[GP_STAT_FAULTS], imany);
	CHECK_INT(stats[GP_STAT_FILTERED], nempty);
	CHECK_INT(stats[GP_STAT_UNPAIRED], unpaired);
	fprintf(stderr, "%s: %d Many, %d Str (%d unpaired, %d filtered), %d goroutine rows checked\n",
		g->ver, imany, istr, unpaired, nempty, igor);
}

/* Uprobes attach to an inode, for every process that maps it: trace a
 * private copy so that nobody else running the same test binary (other
 * tests, in parallel) adds rows or counts. */
static int private_copy(const char *src, char *dir, size_t dirsz, char *dst, size_t dstsz)
{
	char *data = NULL;
	size_t len = 0, cap = 0, k;
	char buf[65536];
	FILE *in = fopen(src, "rb"), *out;
	int err = -1;

	snprintf(dir, dirsz, "/tmp/gprobe-test-templates-XXXXXX");
	if (!in || !mkdtemp(dir))
		goto out;
	while ((k = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (len + k > cap) {
			cap = (len + k) * 2;
			data = realloc(data, cap);
		}
		memcpy(data + len, buf, k);
		len += k;
	}
	snprintf(dst, dstsz, "%s/args", dir);
	out = fopen(dst, "wb");
	if (!out)
		goto out;
	err = fwrite(data, 1, len, out) == len ? 0 : -1;
	if (fclose(out) || chmod(dst, 0755))
		err = -1;
out:
	if (in)
		fclose(in);
	free(data);
	return err;
}

static bool bpf_permitted(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "gp_probe", 4, 4, 1, NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int main(void)
{
	const char *tp = getenv("GPROBE_TESTPROGS");
	struct bpfcc_opts o = BPFCC_OPTS_INIT;
	void *obj = NULL;
	size_t objlen = 0;
	char *diag = NULL;
	struct dirent **ents = NULL;
	int n, tested = 0;

	libbpf_set_print(libbpf_quiet);
	/* Compiling needs no privilege: do it first, it is half the point. */
	CHECK_INT(bpfcc_compile("templates_test.bpf.c", bpf_src, strlen(bpf_src), &o, &obj,
				&objlen, &diag),
		  0);
	if (diag)
		fprintf(stderr, "%s", diag);
	CHECK(diag == NULL);
	if (!obj)
		return check_done("test_templates");
	if (!bpf_permitted()) {
		check_skip("test_templates: bpf() not permitted here (%s); helpers compiled but not verified",
			   strerror(errno));
		free(obj);
		return check_done("test_templates");
	}
	if (!tp || (n = scandir(tp, &ents, NULL, alphasort)) < 0) {
		check_skip("test_templates: no Go test programs ($GPROBE_TESTPROGS=%s)",
			   tp ? tp : "unset");
		free(obj);
		return check_done("test_templates");
	}
	for (int i = 0; i < n; i++) {
		struct gorun g = {.ver = ents[i]->d_name};
		struct collected *c = calloc(1, sizeof(*c));
		__u64 stats[GP_STAT_MAX] = {0};
		int err;

		char orig[4096], dir[64];

		snprintf(orig, sizeof(orig), "%s/%s/args", tp, ents[i]->d_name);
		if (strncmp(g.ver, "go1.", 4) || access(orig, X_OK)) {
			free(c);
			continue;
		}
		CHECK_INT(private_copy(orig, dir, sizeof(dir), g.path, sizeof(g.path)), 0);
		g.goid_off = goid_offset(g.path);
		CHECK(g.goid_off > 0);
		err = trace_run(obj, objlen, &g, c, stats);
		if (err)
			fprintf(stderr, "%s: load/attach failed: %s\n", g.ver, strerror(-err));
		CHECK_INT(err, 0);
		if (!err && g.out) {
			check_version(&g, c, stats);
			tested++;
		}
		free(g.out);
		free(c);
		unlink(g.path);
		rmdir(dir);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	free(obj);
	CHECK(tested > 0);
	return check_done("test_templates");
}
