/* tracer.c — open, configure, load, attach, poll, drain, detach.
 *
 * Links and the object are file descriptors, so nothing outlives the
 * process even on SIGKILL; on an orderly stop (target exit, -d, SIGINT,
 * SIGTERM, a closed stdout) the probes are detached first and the ring
 * buffer drained after, so no row that was produced is lost.
 */
#include "tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gprobe_record.h"
#include "util.h"

#define POLL_MS 100
#define LOG_TAIL 20
#define LIBBPF_LOG_MAX (64u << 20)

static volatile sig_atomic_t exiting;

/* libbpf's print callback is process-wide, hence these two globals. */
static struct strbuf libbpf_log;
static FILE *libbpf_fwd;

struct run {
	const struct gp_program *prog;
	const struct gp_run_opts *opts;
	FILE *log;
	struct bpf_object *obj;
	struct bpf_link **links;
	size_t nlinks;
	struct ring_buffer *rb;
	struct gp_output *out;
	bool *selected;
	uint64_t *rows;
	uint64_t malformed;
	int64_t boot_to_epoch;
	char *attach_path;
	pid_t target;     /* pid filter, -1: every process */
	pid_t child;      /* -- CMD */
	int pidfd;        /* target process, -1 if none */
	int go_fd;        /* -- CMD: write a byte to let the child exec */
	int exec_fd;      /* -- CMD: the child's exec errno, EOF on success */
	int out_err;      /* first failed write */
	bool target_gone;
	int child_status;
};

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list aq;

	(void)level;
	if (libbpf_log.len < LIBBPF_LOG_MAX) {
		va_copy(aq, ap);
		sb_vprintf(&libbpf_log, fmt, aq);
		va_end(aq);
	}
	if (libbpf_fwd)
		vfprintf(libbpf_fwd, fmt, ap);
	return 0;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* bpf_ktime_get_boot_ns() is CLOCK_BOOTTIME; rows want the Unix epoch.
 * The tightest of a few bracketing samples bounds the error. */
static int64_t measure_boot_to_epoch(void)
{
	int64_t best_gap = INT64_MAX, off = 0;

	for (int i = 0; i < 5; i++) {
		struct timespec b1, r, b2;
		clock_gettime(CLOCK_BOOTTIME, &b1);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_BOOTTIME, &b2);
		int64_t gap = ts_ns(&b2) - ts_ns(&b1);
		if (gap < best_gap) {
			best_gap = gap;
			off = ts_ns(&r) - (ts_ns(&b1) + gap / 2);
		}
	}
	return off;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static bool pidfd_exited(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return fd >= 0 && poll(&p, 1, 0) > 0;
}

/* ---- options -------------------------------------------------------- */

static int select_tables(struct run *r)
{
	const struct gp_run_opts *o = r->opts;
	const struct gp_program *p = r->prog;

	r->selected = xcalloc(p->ntables ? p->ntables : 1, sizeof(bool));
	r->rows = xcalloc(p->ntables ? p->ntables : 1, sizeof(uint64_t));
	for (uint32_t i = 0; i < p->ntables; i++)
		r->selected[i] = o->ntables == 0;
	for (size_t k = 0; k < o->ntables; k++) {
		uint32_t i = 0;
		while (i < p->ntables && strcmp(p->tables[i].name, o->tables[k]) != 0)
			i++;
		if (i == p->ntables) {
			struct strbuf names = { 0 };
			for (uint32_t j = 0; j < p->ntables; j++)
				sb_printf(&names, "%s%s", j ? ", " : "", p->tables[j].name);
			fprintf(r->log, "gprobe: no table '%s' in this program (tables: %s)\n",
				o->tables[k], names.buf ? names.buf : "none");
			sb_free(&names);
			return -EINVAL;
		}
		r->selected[i] = true;
	}
	return 0;
}

static int check_mode(struct run *r)
{
	const struct gp_run_opts *o = r->opts;
	int modes = (o->pid > 0) + (o->cmd != NULL) + (o->exe && o->pid <= 0 && !o->cmd);

	if (modes != 1 || (o->cmd && !o->cmd[0])) {
		fprintf(r->log, "gprobe: give exactly one target: -p PID, -e EXE or -- CMD [ARG...]\n");
		return -EINVAL;
	}
	return 0;
}

/* Same inode, or byte-identical files: the addresses compiled for one are
 * valid in the other. Anything else would put probes on arbitrary bytes. */
static bool same_binary(const char *a, const char *b)
{
	struct stat sa, sb;
	char *da = NULL, *db = NULL;
	size_t la, lb;
	bool same;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return false;
	if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
		return true;
	if (sa.st_size != sb.st_size)
		return false;
	same = read_file(a, &da, &la) == 0 && read_file(b, &db, &lb) == 0 && la == lb &&
	       memcmp(da, db, la) == 0;
	free(da);
	free(db);
	return same;
}

static int pick_target(struct run *r)
{
	const struct gp_run_opts *o = r->opts;
	const char *compiled = r->prog->target_path;

	r->target = -1;
	if (o->pid > 0) {
		r->target = o->pid;
		r->pidfd = pidfd_open(o->pid);
		if (r->pidfd < 0) {
			fprintf(r->log, "gprobe: cannot trace process %d: %s\n", (int)o->pid,
				strerror(errno));
			return -errno;
		}
		r->attach_path = o->exe ? xstrdup(o->exe) : xasprintf("/proc/%d/exe", (int)o->pid);
	} else {
		const char *p = o->exe ? o->exe : compiled;
		if (!p) {
			fprintf(r->log, "gprobe: the program does not name its target executable\n");
			return -EINVAL;
		}
		r->attach_path = xstrdup(p);
	}
	if (access(r->attach_path, R_OK) < 0) {
		fprintf(r->log, "gprobe: cannot read '%s': %s\n", r->attach_path, strerror(errno));
		return -errno;
	}
	if (compiled && !same_binary(r->attach_path, compiled)) {
		fprintf(r->log, "gprobe: '%s' is not the executable the probes were compiled for ('%s')\n",
			r->attach_path, compiled);
		return -EINVAL;
	}
	return 0;
}

/* ---- load ----------------------------------------------------------- */

static uint32_t ringbuf_size(const struct run *r)
{
	uint32_t want = r->opts->ringbuf_bytes ? r->opts->ringbuf_bytes : r->prog->ringbuf_bytes;
	uint32_t page = (uint32_t)sysconf(_SC_PAGESIZE), size = page;

	if (!want)
		want = GP_RINGBUF_DEFAULT;
	while (size < want && size < (1u << 31))
		size <<= 1;
	return size;
}

static struct bpf_map *find_ringbuf(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
			return m;
	return NULL;
}

static const struct gp_attach *attach_of_prog(const struct run *r, const char *prog)
{
	for (uint32_t i = 0; i < r->prog->nattach; i++)
		if (r->prog->attach[i].prog && strcmp(r->prog->attach[i].prog, prog) == 0)
			return &r->prog->attach[i];
	return NULL;
}

static void print_privilege_error(FILE *log)
{
	fprintf(log, "gprobe: not permitted to load BPF programs: run as root, or grant CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)\n");
}

/* Which program libbpf says failed: "prog 'NAME': BPF program load failed". */
static char *failed_prog_name(const char *log)
{
	const char *p = log, *hit = NULL, *end;

	while ((p = strstr(p, "prog '")) != NULL) {
		end = strchr(p + 6, '\'');
		if (end && strncmp(end, "': BPF program load failed", 26) == 0)
			hit = p + 6;
		p += 6;
	}
	if (!hit)
		return NULL;
	return xstrndup(hit, (size_t)(strchr(hit, '\'') - hit));
}

static bool is_insn_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 0 && i + 2 < n && s[i] == ':' && s[i + 1] == ' ' && s[i + 2] == '(';
}

/* The verifier's complaint: the line after the last instruction it tried. */
static void verifier_reason(const char *insn, const char *end, const char **why, int *why_len)
{
	const char *nl = insn ? memchr(insn, '\n', (size_t)(end - insn)) : NULL;
	const char *eol;

	*why = NULL;
	if (!nl || nl + 1 >= end)
		return;
	eol = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
	*why = nl + 1;
	*why_len = (int)((eol ? eol : end) - *why);
}

static void print_load_headline(struct run *r, const char *name, const char *why, int why_len,
				int err)
{
	const struct gp_attach *a = name ? attach_of_prog(r, name) : NULL;

	fprintf(r->log, "gprobe: ");
	if (a)
		fprintf(r->log, "probe '%s' (%s): ", a->probe, a->func);
	fprintf(r->log, "the kernel rejected BPF program '%s': ", name ? name : "?");
	if (why)
		fprintf(r->log, "%.*s\n", why_len, why);
	else
		fprintf(r->log, "%s\n", strerror(-err));
}

/* Print the probe, the rejected instruction and the tail of the log. */
static void print_verifier_error(struct run *r, int err)
{
	const char *log = libbpf_log.buf ? libbpf_log.buf : "";
	const char *begin = strstr(log, "-- BEGIN PROG LOAD LOG --\n");
	const char *end = begin ? strstr(begin, "-- END PROG LOAD LOG --") : NULL;
	char *name = failed_prog_name(log);
	const char *lines[LOG_TAIL + 1] = { 0 };
	const char *insn = NULL, *why = NULL;
	size_t nl = 0, insn_len = 0;
	int why_len = 0;

	if (!begin || !end) {
		print_load_headline(r, name, NULL, 0, err);
		free(name);
		return;
	}
	begin += strlen("-- BEGIN PROG LOAD LOG --\n");
	for (const char *p = begin; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (is_insn_line(p, len)) {
			insn = p;
			insn_len = len;
		}
		lines[nl++ % (LOG_TAIL + 1)] = p;
		p += len + 1;
	}
	verifier_reason(insn, end, &why, &why_len);
	print_load_headline(r, name, why, why_len, err);
	free(name);
	if (insn)
		fprintf(r->log, "  failing instruction: %.*s\n", (int)insn_len, insn);
	fprintf(r->log, "  verifier log (last lines):\n");
	for (size_t i = nl > LOG_TAIL ? nl - LOG_TAIL : 0; i < nl; i++) {
		const char *p = lines[i % (LOG_TAIL + 1)];
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		fprintf(r->log, "    %.*s\n", (int)(eol ? eol - p : end - p), p);
	}
}

static int load(struct run *r)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "gprobe");
	struct bpf_map *rb;
	int err;

	r->obj = bpf_object__open_mem(r->prog->obj, r->prog->objlen, &oo);
	if (!r->obj) {
		err = -errno;
		fprintf(r->log, "gprobe: cannot open the BPF object: %s\n", strerror(-err));
		return err;
	}
	rb = find_ringbuf(r->obj);
	if (!rb) {
		fprintf(r->log, "gprobe: the BPF object has no ring buffer map\n");
		return -EINVAL;
	}
	err = bpf_map__set_max_entries(rb, ringbuf_size(r));
	if (err)
		return err;
	libbpf_log.len = 0;
	err = bpf_object__load(r->obj);
	if (!err)
		return 0;
	if ((err == -EPERM || err == -EACCES) && !strstr(libbpf_log.buf ? libbpf_log.buf : "",
							  "-- BEGIN PROG LOAD LOG --"))
		print_privilege_error(r->log);
	else
		print_verifier_error(r, err);
	return err;
}

/* ---- target process ------------------------------------------------- */

/* The child waits on a pipe until its probes are attached, then execs:
 * the pid stays the same across exec, so probes filtered on it fire from
 * the command's first instruction. */
static int spawn(struct run *r)
{
	char *const *cmd = r->opts->cmd;
	int go[2], ex[2];

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(ex, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	r->child = fork();
	if (r->child < 0) {
		int e = -errno;
		close(go[0]), close(go[1]), close(ex[0]), close(ex[1]);
		return e;
	}
	if (r->child == 0) {
		sigset_t none;
		char c;
		ssize_t n;

		/* ignored signals survive exec: give the command the defaults */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(go[1]);
		close(ex[0]);
		do
			n = read(go[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(127);
		execvp(cmd[0], cmd);
		int e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ex[1]);
	r->go_fd = go[1];
	r->exec_fd = ex[0];
	r->target = r->child;
	r->pidfd = pidfd_open(r->child);
	return 0;
}

static int release_child(struct run *r)
{
	int e = 0;
	ssize_t n;

	if (write(r->go_fd, "g", 1) != 1)
		return -errno;
	close(r->go_fd);
	r->go_fd = -1;
	do
		n = read(r->exec_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(r->exec_fd);
	r->exec_fd = -1;
	if (n == (ssize_t)sizeof(e)) {
		fprintf(r->log, "gprobe: cannot run '%s': %s\n", r->opts->cmd[0], strerror(e));
		return -e;
	}
	return 0;
}

static int wait_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* gprobe stops first (signal, -d, closed stdout): the command it started
 * goes too, politely, then not. Closing go_fd ends a child never released. */
static void end_child(struct run *r)
{
	int status;

	if (r->child <= 0)
		return;
	if (r->go_fd >= 0) {
		close(r->go_fd);
		r->go_fd = -1;
	}
	if (!r->target_gone && r->exec_fd < 0) {
		kill(r->child, SIGTERM);
		for (int i = 0; i < 20 && !pidfd_exited(r->pidfd); i++)
			usleep(50 * 1000);
		if (!pidfd_exited(r->pidfd))
			kill(r->child, SIGKILL);
	}
	while (waitpid(r->child, &status, 0) < 0 && errno == EINTR)
		;
	if (r->target_gone)
		r->child_status = wait_status(status);
	r->child = 0;
}

/* ---- attach --------------------------------------------------------- */

static bool attach_selected(const struct run *r, const struct gp_attach *a)
{
	for (uint32_t i = 0; i < r->prog->ntables; i++)
		if (a->probe && strcmp(r->prog->tables[i].name, a->probe) == 0)
			return r->selected[i];
	return true; /* not tied to a table: always attached */
}

static int attach_all(struct run *r)
{
	r->links = xcalloc(r->prog->nattach ? r->prog->nattach : 1, sizeof(*r->links));
	for (uint32_t i = 0; i < r->prog->nattach; i++) {
		const struct gp_attach *a = &r->prog->attach[i];
		/* return probes are plain uprobes on RET instructions, never uretprobes */
		/* The cookie is the site's link-time address: gp_load_bias(). */
		LIBBPF_OPTS(bpf_uprobe_opts, uo, .retprobe = false, .bpf_cookie = a->addr);
		struct bpf_program *bp;
		struct bpf_link *l;

		if (!attach_selected(r, a))
			continue;
		bp = bpf_object__find_program_by_name(r->obj, a->prog);
		if (!bp) {
			fprintf(r->log, "gprobe: probe '%s': no BPF program '%s' in the object\n",
				a->probe, a->prog);
			return -ENOENT;
		}
		l = bpf_program__attach_uprobe_opts(bp, r->target, r->attach_path,
						    (size_t)a->file_off, &uo);
		if (!l) {
			int e = -errno;
			fprintf(r->log, "gprobe: probe '%s': failed to attach at %s (0x%llx, file offset 0x%llx in %s): %s\n",
				a->probe, a->func, (unsigned long long)a->addr,
				(unsigned long long)a->file_off, r->attach_path, strerror(-e));
			if (e == -EPERM || e == -EACCES)
				print_privilege_error(r->log);
			return e;
		}
		r->links[r->nlinks++] = l;
	}
	/* -p and -e trace something already running: say when it is live. */
	if (r->opts->verbose || !r->opts->cmd) {
		if (r->target > 0)
			fprintf(r->log, "gprobe: attached %zu uprobes to %s (pid %d); Ctrl-C to stop\n",
				r->nlinks, r->attach_path, (int)r->target);
		else
			fprintf(r->log, "gprobe: attached %zu uprobes to %s (all processes); Ctrl-C to stop\n",
				r->nlinks, r->attach_path);
	}
	return 0;
}

static void detach_all(struct run *r)
{
	for (size_t i = 0; i < r->nlinks; i++)
		bpf_link__destroy(r->links[i]);
	r->nlinks = 0;
}

/* ---- events --------------------------------------------------------- */

static int table_index(const struct gp_program *p, uint32_t id)
{
	if (id < p->ntables && p->tables[id].id == id)
		return (int)id;
	for (uint32_t i = 0; i < p->ntables; i++)
		if (p->tables[i].id == id)
			return (int)i;
	return -1;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct run *r = ctx;
	const struct gp_record *rec = data;
	int ti, err;

	if (size < sizeof(*rec)) {
		r->malformed++;
		return 0;
	}
	ti = table_index(r->prog, rec->table);
	if (ti < 0 || size != r->prog->tables[ti].rec_size) {
		r->malformed++;
		return 0;
	}
	if (!r->selected[ti])
		return 0;
	r->rows[ti]++;
	err = gp_output_row(r->out, (uint32_t)ti, data,
			    (uint64_t)((int64_t)rec->ktime_ns + r->boot_to_epoch));
	if (err && !r->out_err)
		r->out_err = err;
	return err; /* a failed write stops this round of consumption */
}

static bool target_exited(struct run *r)
{
	if (r->pidfd < 0 || !pidfd_exited(r->pidfd))
		return false;
	r->target_gone = true;
	return true;
}

static void poll_loop(struct run *r)
{
	double deadline = r->opts->duration > 0 ? now_s() + r->opts->duration : 0;

	while (!exiting && !r->out_err) {
		int err = ring_buffer__poll(r->rb, POLL_MS);
		/* Programs wake us only once a batch is queued (gp_rec_submit):
		 * a quiet stretch leaves rows that no wakeup announced. */
		if (err == 0)
			err = ring_buffer__consume(r->rb);
		if (err < 0 && err != -EINTR && !r->out_err) {
			fprintf(r->log, "gprobe: reading the ring buffer: %s\n", strerror(-err));
			r->out_err = err;
			break;
		}
		err = gp_output_flush(r->out);
		if (err && !r->out_err)
			r->out_err = err;
		if (target_exited(r))
			break;
		if (deadline && now_s() >= deadline)
			break;
	}
}

/* ---- summary -------------------------------------------------------- */

static int read_stats(struct bpf_object *obj, uint64_t out[GP_STAT_MAX])
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "gp_stats");
	int ncpu = libbpf_num_possible_cpus();
	uint32_t vsz, stride;
	bool by_key;

	if (!m || ncpu <= 0)
		return -ENOENT;
	vsz = bpf_map__value_size(m);
	stride = (vsz + 7) & ~7u;
	/* either one u64 per key, or one struct of GP_STAT_MAX u64 at key 0 */
	by_key = vsz == 8 && bpf_map__max_entries(m) >= GP_STAT_MAX;
	if (!by_key && vsz < 8 * GP_STAT_MAX)
		return -EINVAL;
	uint64_t *vals = xcalloc((size_t)ncpu, stride);
	for (uint32_t s = 0; s < GP_STAT_MAX; s++) {
		uint32_t key = by_key ? s : 0;
		out[s] = 0;
		if (bpf_map__lookup_elem(m, &key, sizeof(key), vals, (size_t)ncpu * stride, 0))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[s] += vals[(size_t)c * stride / 8 + (by_key ? 0 : s)];
	}
	free(vals);
	return 0;
}

static void summarise(struct run *r)
{
	const struct gp_program *p = r->prog;
	uint64_t st[GP_STAT_MAX] = { 0 }, total = 0;
	struct strbuf per = { 0 };
	bool have = read_stats(r->obj, st) == 0;

	for (uint32_t i = 0; i < p->ntables; i++) {
		if (!r->selected[i])
			continue;
		total += r->rows[i];
		sb_printf(&per, "%s%s %llu", per.len ? ", " : "", p->tables[i].name,
			  (unsigned long long)r->rows[i]);
	}
	fprintf(r->log, "gprobe: %llu rows (%s)", (unsigned long long)total, per.buf ? per.buf : "");
	if (have)
		fprintf(r->log, ", %llu dropped, %llu faulted reads, %llu filtered by where",
			(unsigned long long)st[GP_STAT_DROPPED], (unsigned long long)st[GP_STAT_FAULTS],
			(unsigned long long)st[GP_STAT_FILTERED]);
	else
		fprintf(r->log, ", drops unknown (no gp_stats map)");
	if (st[GP_STAT_UNPAIRED])
		fprintf(r->log, ", %llu unpaired returns", (unsigned long long)st[GP_STAT_UNPAIRED]);
	if (r->malformed)
		fprintf(r->log, ", %llu malformed records", (unsigned long long)r->malformed);
	fputc('\n', r->log);
	sb_free(&per);

	struct gp_run_stats *s = r->opts->stats;
	if (s) {
		*s = (struct gp_run_stats){ .rows = total, .dropped = st[GP_STAT_DROPPED],
					    .faults = st[GP_STAT_FAULTS],
					    .filtered = st[GP_STAT_FILTERED],
					    .unpaired = st[GP_STAT_UNPAIRED],
					    .malformed = r->malformed, .have_bpf_stats = have,
					    .child = s->child };
	}
}

/* ---- run ------------------------------------------------------------ */

static int open_output(struct run *r)
{
	struct gp_output_opts oo = { .sz = sizeof(oo), .fmt = r->opts->fmt,
				     .path = r->opts->out_path, .selected = r->selected,
				     .sym = r->opts->sym, .sym_ctx = r->opts->sym_ctx };
	char *err = NULL;

	r->out = gp_output_open(r->prog->tables, r->prog->ntables, &oo, &err);
	if (!r->out) {
		fprintf(r->log, "gprobe: %s\n", err);
		free(err);
		return -EINVAL;
	}
	return 0;
}

/* Everything up to the first poll. Returns 0, or the exit status. */
static int start(struct run *r)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	int err;

	if (check_mode(r) || select_tables(r))
		return 2;
	if (pick_target(r))
		return r->opts->pid > 0 ? 1 : 2;
	if (open_output(r))
		return 2;
	/* kernels >= 5.11 charge BPF memory to the cgroup; older ones need it */
	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	if (load(r))
		return 1;
	r->rb = ring_buffer__new(bpf_map__fd(find_ringbuf(r->obj)), on_record, r, NULL);
	if (!r->rb) {
		fprintf(r->log, "gprobe: cannot map the ring buffer: %s\n", strerror(errno));
		return 1;
	}
	if (r->opts->cmd) {
		err = spawn(r);
		if (err) {
			fprintf(r->log, "gprobe: cannot start '%s': %s\n", r->opts->cmd[0],
				strerror(-err));
			return 1;
		}
		if (r->opts->stats)
			r->opts->stats->child = r->child;
	}
	r->boot_to_epoch = measure_boot_to_epoch();
	if (attach_all(r))
		return 1;
	if (r->opts->cmd && release_child(r))
		return 1;
	return 0;
}

static int finish(struct run *r, int status)
{
	char *err = NULL;

	detach_all(r);
	if (r->rb && !r->out_err && status == 0)
		ring_buffer__consume(r->rb);
	if (r->obj && status == 0)
		summarise(r);
	if (gp_output_close(r->out, &err) && r->out_err != -EPIPE && status == 0) {
		fprintf(r->log, "gprobe: %s\n", err);
		status = 1;
	}
	free(err);
	if (r->out_err && r->out_err != -EPIPE && status == 0) {
		fprintf(r->log, "gprobe: cannot write rows: %s\n", strerror(-r->out_err));
		status = 1;
	}
	ring_buffer__free(r->rb);
	bpf_object__close(r->obj);
	end_child(r);
	if (status == 0 && r->opts->cmd && r->target_gone)
		status = r->child_status;
	if (r->pidfd >= 0)
		close(r->pidfd);
	if (r->go_fd >= 0)
		close(r->go_fd);
	if (r->exec_fd >= 0)
		close(r->exec_fd);
	free(r->links);
	free(r->selected);
	free(r->rows);
	free(r->attach_path);
	return status;
}

int gp_run(const struct gp_program *prog, const struct gp_run_opts *opts)
{
	struct run r = { .prog = prog, .opts = opts, .pidfd = -1, .go_fd = -1, .exec_fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term, old_pipe;
	struct sigaction ign = { .sa_handler = SIG_IGN };
	libbpf_print_fn_t old_print;
	int status;

	r.log = opts->log ? opts->log : stderr;
	exiting = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int); /* no SA_RESTART: poll returns at once */
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGPIPE, &ign, &old_pipe);
	libbpf_fwd = opts->verbose ? r.log : NULL;
	old_print = libbpf_set_print(libbpf_print);

	status = start(&r);
	if (status == 0)
		poll_loop(&r);
	status = finish(&r, status);

	libbpf_set_print(old_print);
	libbpf_fwd = NULL;
	sb_free(&libbpf_log);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	fflush(r.log);
	return status;
}
