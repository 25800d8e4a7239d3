/* test_tracer.c — gp_run against a real Go program (needs root and BPF).
 *
 * A hand-written BPF program (compiled with clang-19) fills the record
 * layout of templates/gprobe_record.h at main.work's entry, one table with
 * the argument `n`, and suppresses odd n the way a `where` would (counting
 * them in gp_stats). The Go program reports its pid, its number of calls
 * and the sum of the even arguments; rows and stats must match exactly.
 */
#include "check.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "program.h"
#include "tracer.h"
#include "util.h"

#define GOROOT "/var/cache/gprobe/go/go1.22/usr/lib/go-1.22"

static const char go_src[] =
	"package main\n"
	"\n"
	"import (\n\t\"fmt\"\n\t\"os\"\n\t\"strconv\"\n\t\"time\"\n)\n"
	"\n"
	"//go:noinline\n"
	"func work(n int) int { return n * 3 }\n"
	"\n"
	"// args: CALLS REPORT [hang|wait]. The report (pid, calls, sum of even n)\n"
	"// is renamed into place once complete; with hang the program then sleeps;\n"
	"// with wait it first waits for the file REPORT.go to appear.\n"
	"func main() {\n"
	"\tk, _ := strconv.Atoi(os.Args[1])\n"
	"\tfor len(os.Args) > 3 && os.Args[3] == \"wait\" {\n"
	"\t\tif _, err := os.Stat(os.Args[2] + \".go\"); err == nil {\n"
	"\t\t\tbreak\n\t\t}\n"
	"\t\ttime.Sleep(10 * time.Millisecond)\n"
	"\t}\n"
	"\teven := 0\n"
	"\tfor i := 0; i < k; i++ {\n"
	"\t\tif work(i)%2 == 0 {\n"
	"\t\t\teven += i\n"
	"\t\t}\n"
	"\t}\n"
	"\tos.WriteFile(os.Args[2]+\".tmp\", []byte(fmt.Sprintf(\"%d %d %d\\n\", os.Getpid(), k, even)), 0644)\n"
	"\tos.Rename(os.Args[2]+\".tmp\", os.Args[2])\n"
	"\tif len(os.Args) > 3 && os.Args[3] == \"hang\" {\n"
	"\t\tfor {\n\t\t\ttime.Sleep(time.Second)\n\t\t}\n"
	"\t}\n"
	"\tos.Exit(3)\n"
	"}\n";

static const char bpf_src[] =
	"#include <linux/types.h>\n"
	"#include <linux/bpf.h>\n"
	"#include <asm/ptrace.h>\n"
	"#include <bpf/bpf_helpers.h>\n"
	"#include \"gprobe_record.h\"\n"
	"\n"
	"char LICENSE[] SEC(\"license\") = \"GPL\";\n"
	"struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } gp_events SEC(\".maps\");\n"
	"struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, GP_STAT_MAX);\n"
	"\t__type(key, __u32); __type(value, __u64); } gp_stats SEC(\".maps\");\n"
	"struct rec { struct gp_record h; __s64 n; };\n"
	"\n"
	"static void stat(__u32 k)\n"
	"{\n"
	"\t__u64 *v = bpf_map_lookup_elem(&gp_stats, &k);\n"
	"\tif (v)\n\t\t*v += 1;\n"
	"}\n"
	"\n"
	"SEC(\"uprobe\")\n"
	"int gpt_work(struct pt_regs *ctx)\n"
	"{\n"
	"\tif (ctx->rax & 1) {\n\t\tstat(GP_STAT_FILTERED);\n\t\treturn 0;\n\t}\n"
	"\tstruct rec *r = bpf_ringbuf_reserve(&gp_events, sizeof(*r), 0);\n"
	"\tif (!r) {\n\t\tstat(GP_STAT_DROPPED);\n\t\treturn 0;\n\t}\n"
	"\tr->h.ktime_ns = bpf_ktime_get_boot_ns();\n"
	"\tr->h.goid = 0;\n\tr->h.nulls = 0;\n"
	"\tr->h.pid = bpf_get_current_pid_tgid() >> 32;\n"
	"\tr->h.table = 0;\n"
	"\tr->n = ctx->rax;\n"
	"\tbpf_ringbuf_submit(r, 0);\n"
	"\treturn 0;\n"
	"}\n"
	"\n"
	"#ifdef BAD\n"
	"SEC(\"uprobe\")\n"
	"int gpt_bad(struct pt_regs *ctx)\n"
	"{\n"
	"\treturn *(volatile long *)ctx->rax; /* a scalar is not a pointer */\n"
	"}\n"
	"#endif\n";

static char dir[] = "/tmp/gp-test-tracer-XXXXXX";
static char *gobin, *src_root;

static int sh(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *sh_out(const char *cmd)
{
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;
	FILE *f = popen(cmd, "r");

	if (!f)
		return xstrdup("");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	pclose(f);
	return sb_steal(&sb);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static const char *bpf_unavailable(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "gpt_probe", 4, 8, 1, NULL);

	if (fd < 0)
		return strerror(errno);
	close(fd);
	return NULL;
}

static bool build_go(void)
{
	char *p = xasprintf("%s/main.go", dir);
	write_text(p, go_src);
	free(p);
	p = xasprintf("%s/go.mod", dir);
	write_text(p, "module gpt\n\ngo 1.22\n");
	free(p);
	gobin = xasprintf("%s/gpt", dir);
	char *cmd = xasprintf("cd %s && GOROOT=" GOROOT " GOTOOLCHAIN=local GOFLAGS=-mod=mod "
			      "GOCACHE=/tmp/gocache-1.22 " GOROOT "/bin/go build -o %s . >&2",
			      dir, gobin);
	int rc = sh(cmd);
	free(cmd);
	return rc == 0;
}

static bool compile_bpf(bool bad, void **obj, size_t *len)
{
	char *c = xasprintf("%s/t.bpf.c", dir), *o = xasprintf("%s/t%d.bpf.o", dir, bad);
	write_text(c, bpf_src);
	char *cmd = xasprintf("clang-19 -target bpf -O2 -g %s -I%s/templates "
			      "-I/usr/include/x86_64-linux-gnu -c %s -o %s >&2",
			      bad ? "-DBAD" : "", src_root, c, o);
	bool ok = sh(cmd) == 0 && read_file(o, (char **)obj, len) == 0;
	free(cmd);
	free(c);
	free(o);
	return ok;
}

/* The virtual address from `go tool nm`, and its file offset from the
 * program headers (what uprobes take). */
static bool locate(const char *sym, uint64_t *addr, uint64_t *off)
{
	char *cmd = xasprintf("GOROOT=" GOROOT " " GOROOT "/bin/go tool nm %s | awk '$3 == \"%s\" { print $1 }'",
			      gobin, sym);
	char *out = sh_out(cmd);
	bool ok = false;

	free(cmd);
	*addr = strtoull(out, NULL, 16);
	free(out);
	elf_version(EV_CURRENT);
	int fd = open(gobin, O_RDONLY);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t n = 0;
	if (e && elf_getphdrnum(e, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
				continue;
			if (*addr >= ph.p_vaddr && *addr < ph.p_vaddr + ph.p_filesz) {
				*off = *addr - ph.p_vaddr + ph.p_offset;
				ok = true;
			}
		}
	}
	elf_end(e);
	close(fd);
	return ok && *addr;
}

static struct gp_column col_n = { .name = "n", .fmt = GP_COL_INT, .off = 32, .size = 8 };
static struct gp_table table = { .name = "work", .id = 0, .rec_size = 40, .cols = &col_n,
				 .ncols = 1 };
static struct gp_attach att[2] = {
	{ .prog = "gpt_work", .probe = "work", .func = "main.work" },
	{ .prog = "gpt_bad", .probe = "bad", .func = "main.work" },
};

static void make_prog(struct gp_program *p, void *obj, size_t len, uint32_t nattach)
{
	*p = (struct gp_program){ .obj = obj, .objlen = len, .tables = &table, .ntables = 1,
				  .attach = att, .nattach = nattach, .target_path = gobin };
}

/* The report the Go program wrote: pid, calls, sum of even arguments. */
static bool read_report(const char *path, long *pid, long *calls, long *even)
{
	FILE *f = fopen(path, "r");
	bool ok = f && fscanf(f, "%ld %ld %ld", pid, calls, even) == 3;

	if (f)
		fclose(f);
	return ok;
}

/* Rows of the JSON output: count, sum of n, and whether every pid is `pid`. */
static void scan_json(const char *path, long pid, long *rows, long *sum, bool *pids_ok)
{
	char *data = NULL, *line, *save = NULL;
	size_t len;

	*rows = *sum = 0;
	*pids_ok = true;
	if (read_file(path, &data, &len) < 0)
		return;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long p, n;
		char *pp = strstr(line, "\"pid\":"), *np = strstr(line, "\"n\":");
		if (strncmp(line, "{\"table\":\"work\",\"time_ns\":", 26) != 0 || !pp || !np)
			continue;
		p = strtol(pp + 6, NULL, 10);
		n = strtol(np + 4, NULL, 10);
		(*rows)++;
		*sum += n;
		*pids_ok = *pids_ok && p == pid;
	}
	free(data);
}

static bool prog_loaded(const char *name)
{
	char *cmd = xasprintf("bpftool prog show name %s 2>/dev/null", name);
	char *out = sh_out(cmd);
	bool loaded = strstr(out, name) != NULL;

	free(cmd);
	free(out);
	return loaded;
}

static char *log_text(FILE *f)
{
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;

	fflush(f);
	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	return sb_steal(&sb);
}

static void test_cmd(struct gp_program *prog)
{
	char *out = xasprintf("%s/rows.json", dir), *rep = xasprintf("%s/report", dir);
	char *const cmd[] = { gobin, "1001", rep, NULL };
	struct gp_run_stats st = { 0 };
	FILE *log = tmpfile();
	struct gp_run_opts o = { .sz = sizeof(o), .cmd = cmd, .fmt = GP_FMT_JSON, .out_path = out,
				 .log = log, .stats = &st };
	long pid = 0, calls = 0, even = 0, rows, sum;
	bool pids_ok;

	/* the Go program exits 3: gprobe passes the command's status on */
	CHECK_INT(gp_run(prog, &o), 3);
	CHECK(read_report(rep, &pid, &calls, &even));
	CHECK_INT(calls, 1001);
	CHECK_INT(pid, st.child);
	scan_json(out, pid, &rows, &sum, &pids_ok);
	CHECK_INT(rows, (calls + 1) / 2); /* even n: 0, 2, ..., 1000 */
	CHECK_INT(st.rows, rows);
	CHECK_INT(sum, even);
	CHECK(pids_ok);
	CHECK(st.have_bpf_stats);
	CHECK_INT(st.filtered, calls / 2);
	CHECK_INT(st.dropped, 0);
	CHECK_INT(st.malformed, 0);
	char *text = log_text(log);
	char *want = xasprintf("gprobe: %ld rows (work %ld), 0 dropped, 0 faulted reads, %ld filtered by where\n",
			       rows, rows, calls / 2);
	CHECK_STR(text, want);
	if (getenv("GPT_VERBOSE"))
		fputs(text, stderr);
	free(want);
	free(text);
	CHECK(!prog_loaded("gpt_work"));
	fclose(log);
	free(out);
	free(rep);
}

/* Wait for the report, note whether our probe is loaded and linked, then
 * interrupt the tracer the way Ctrl-C would. */
static pid_t interrupter(const char *rep, const char *seen)
{
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	for (int i = 0; i < 600 && access(rep, F_OK) != 0; i++)
		usleep(50 * 1000);
	char *links = sh_out("bpftool link list");
	bool loaded = prog_loaded("gpt_work");
	write_text(seen, loaded && strstr(links, "perf_event") ? "yes" : "no");
	kill(parent, SIGINT);
	_exit(0);
}

static void test_sigint(struct gp_program *prog)
{
	char *out = xasprintf("%s/sigint.json", dir), *rep = xasprintf("%s/report2", dir);
	char *seen = xasprintf("%s/seen", dir);
	char *const cmd[] = { gobin, "777", rep, "hang", NULL };
	struct gp_run_stats st = { 0 };
	FILE *log = tmpfile();
	struct gp_run_opts o = { .sz = sizeof(o), .cmd = cmd, .fmt = GP_FMT_JSON, .out_path = out,
				 .log = log, .stats = &st, .duration = 60 };
	long pid = 0, calls = 0, even = 0, rows, sum;
	bool pids_ok;
	char *s = NULL;
	size_t len;

	pid_t helper = interrupter(rep, seen);
	/* interrupted: 0, and the hanging command is ended by gprobe */
	CHECK_INT(gp_run(prog, &o), 0);
	waitpid(helper, NULL, 0);
	CHECK(read_report(rep, &pid, &calls, &even));
	CHECK_INT(pid, st.child);
	CHECK(kill((pid_t)pid, 0) < 0 && errno == ESRCH);
	/* every row made before the signal was drained and flushed */
	scan_json(out, pid, &rows, &sum, &pids_ok);
	CHECK_INT(rows, (calls + 1) / 2);
	CHECK_INT(sum, even);
	CHECK(pids_ok);
	CHECK(read_file(seen, &s, &len) == 0 && strcmp(s, "yes") == 0);
	free(s);
	CHECK(!prog_loaded("gpt_work"));
	fclose(log);
	free(out);
	free(rep);
	free(seen);
}

/* After `delay_ms`, create `touch` (if any) or run `cmd` in a new process. */
static pid_t later(int delay_ms, const char *touch, char *const *cmd)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	usleep((useconds_t)delay_ms * 1000);
	if (touch)
		_exit(write_text(touch, "go") != 0);
	execv(cmd[0], cmd);
	_exit(127);
}

/* -p: only that process, and the run ends when it exits. */
static void test_pid(struct gp_program *prog)
{
	char *out = xasprintf("%s/pid.json", dir), *rep = xasprintf("%s/report3", dir);
	char *go = xasprintf("%s.go", rep);
	char *const cmd[] = { gobin, "300", rep, "wait", NULL };
	struct gp_run_opts o = { .sz = sizeof(o), .fmt = GP_FMT_JSON, .out_path = out,
				 .duration = 60 };
	long pid = 0, calls = 0, even = 0, rows, sum;
	bool pids_ok;
	int st;

	pid_t target = later(0, NULL, cmd);
	char *exe = xasprintf("/proc/%d/exe", (int)target), link[4096];
	for (int i = 0; i < 500; i++) { /* until the fork has exec'd the Go program */
		ssize_t n = readlink(exe, link, sizeof(link) - 1);
		if (n > 0 && (link[n] = '\0', strcmp(link, gobin) == 0))
			break;
		usleep(10 * 1000);
	}
	free(exe);
	pid_t go_helper = later(1500, go, NULL);
	o.pid = target;
	CHECK_INT(gp_run(prog, &o), 0);
	waitpid(target, &st, 0);
	waitpid(go_helper, NULL, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	CHECK(read_report(rep, &pid, &calls, &even));
	CHECK_INT(pid, target);
	scan_json(out, pid, &rows, &sum, &pids_ok);
	CHECK_INT(rows, (calls + 1) / 2);
	CHECK_INT(sum, even);
	CHECK(pids_ok);
	free(out);
	free(rep);
	free(go);
}

/* -e: a process started after attaching is traced; -d ends the run. */
static void test_exe(struct gp_program *prog)
{
	char *out = xasprintf("%s/exe.json", dir), *rep = xasprintf("%s/report4", dir);
	char *const cmd[] = { gobin, "200", rep, NULL };
	struct gp_run_opts o = { .sz = sizeof(o), .exe = gobin, .fmt = GP_FMT_JSON,
				 .out_path = out, .duration = 3 };
	long pid = 0, calls = 0, even = 0, rows, sum;
	bool pids_ok;

	pid_t runner = later(1000, NULL, cmd);
	CHECK_INT(gp_run(prog, &o), 0);
	waitpid(runner, NULL, 0);
	CHECK(read_report(rep, &pid, &calls, &even));
	CHECK_INT(pid, runner);
	scan_json(out, pid, &rows, &sum, &pids_ok);
	CHECK_INT(rows, (calls + 1) / 2);
	CHECK_INT(sum, even);
	CHECK(pids_ok);
	free(out);
	free(rep);
}

static void test_verifier(void)
{
	struct gp_program prog;
	char *const cmd[] = { gobin, "1", "/dev/null", NULL };
	FILE *log = tmpfile();
	struct gp_run_opts o = { .sz = sizeof(o), .cmd = cmd, .fmt = GP_FMT_JSON,
				 .out_path = "/dev/null", .log = log };
	void *obj;
	size_t len;

	if (!compile_bpf(true, &obj, &len)) {
		CHECK(!"clang-19 failed on the BAD variant");
		return;
	}
	make_prog(&prog, obj, len, 2);
	CHECK_INT(gp_run(&prog, &o), 1);
	char *text = log_text(log);
	CHECK(strstr(text, "gprobe: probe 'bad' (main.work): the kernel rejected BPF program 'gpt_bad': R1 invalid mem access 'scalar'\n"));
	CHECK(strstr(text, "failing instruction: "));
	CHECK(strstr(text, "verifier log"));
	if (check_failed || getenv("GPT_VERBOSE"))
		fputs(text, stderr);
	free(text);
	CHECK(!prog_loaded("gpt_work"));
	fclose(log);
	free(obj);
}

/* Without privileges: one sentence naming the capabilities, status 1. */
static void test_unprivileged(struct gp_program *prog)
{
	char *const cmd[] = { gobin, "1", "/dev/null", NULL };
	FILE *log = tmpfile();
	pid_t pid = fork();

	if (pid == 0) {
		struct gp_run_opts o = { .sz = sizeof(o), .cmd = cmd, .fmt = GP_FMT_JSON,
					 .out_path = "/dev/null", .log = log };
		if (setgid(65534) || setuid(65534))
			_exit(99);
		_exit(gp_run(prog, &o));
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	char *text = log_text(log);
	CHECK(strstr(text, "CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)"));
	if (!strstr(text, "CAP_BPF") || getenv("GPT_VERBOSE"))
		fputs(text, stderr);
	free(text);
	fclose(log);
}

static void test_bad_options(struct gp_program *prog)
{
	const char *const tabs[] = { "nope" };
	char *const cmd[] = { gobin, NULL };
	FILE *log = tmpfile();
	struct gp_run_opts o = { .sz = sizeof(o), .cmd = cmd, .tables = tabs, .ntables = 1,
				 .log = log };

	CHECK_INT(gp_run(prog, &o), 2);
	o.tables = NULL;
	o.ntables = 0;
	o.pid = 1; /* and a command: two modes */
	CHECK_INT(gp_run(prog, &o), 2);
	char *text = log_text(log);
	CHECK(strstr(text, "no table 'nope' in this program (tables: work)"));
	CHECK(strstr(text, "exactly one target"));
	free(text);
	fclose(log);
}

int main(void)
{
	const char *why = bpf_unavailable();
	struct gp_program prog;
	void *obj = NULL;
	size_t len;

	if (why) {
		check_skip("test_tracer: bpf() is not permitted here (%s); run as root", why);
		return check_done("test_tracer");
	}
	if (access(GOROOT "/bin/go", X_OK) != 0 || sh("clang-19 --version >/dev/null") != 0 ||
	    sh("bpftool version >/dev/null") != 0) {
		check_skip("test_tracer: needs " GOROOT ", clang-19 and bpftool (make deps)");
		return check_done("test_tracer");
	}
	src_root = getenv("GPROBE_SRC");
	if (!src_root) { /* this file is <src>/tests/bpf/test_tracer.c */
		char *here = xstrdup(__FILE__), *cut = strstr(here, "/tests/bpf/");
		if (cut)
			*cut = '\0';
		src_root = here;
	}
	if (!mkdtemp(dir) || chmod(dir, 0755) != 0) {
		perror("mkdtemp");
		return 1;
	}
	CHECK(build_go());
	CHECK(compile_bpf(false, &obj, &len));
	CHECK(locate("main.work", &att[0].addr, &att[0].file_off));
	att[1].addr = att[0].addr;
	att[1].file_off = att[0].file_off;
	if (check_failed)
		return check_done("test_tracer");
	make_prog(&prog, obj, len, 1);
	test_bad_options(&prog);
	test_cmd(&prog);
	test_sigint(&prog);
	test_pid(&prog);
	test_exe(&prog);
	test_verifier();
	test_unprivileged(&prog);
	free(obj);
	if (!check_failed) {
		char *cmd = xasprintf("rm -rf %s", dir);
		sh(cmd);
		free(cmd);
	}
	free(gobin);
	return check_done("test_tracer");
}
