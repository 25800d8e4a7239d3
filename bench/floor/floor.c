/* floor.c — attach one program of floor.bpf.c as uprobes at SYMBOL+OFFSET
 * of BIN for the lifetime of one command, started the way gprobe starts it
 * (held before exec until the probes are attached).
 *
 *   floor OBJ PROG BIN SYMBOL OFFSET[,OFFSET...] -- CMD [ARG...]
 *
 * PROG 'empty' is the benchmark's floor: whatever a tracer costs beyond it
 * is the tracer's own. For the rb_* programs the ring buffer is consumed
 * (polled every 100 ms, records counted and discarded) and the count is
 * printed on stderr. With FLOOR_TIMING set, the load and attach times go
 * to stderr too. Exit status: the command's, or 1 on a setup failure.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static unsigned long long nrecords;

static int count(void *ctx, void *data, size_t size)
{
	(void)ctx, (void)data, (void)size;
	nrecords++;
	return 0;
}

#define MAX_OFFSETS 64

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* "0x6,50" -> offsets; returns how many, or -1. */
static int parse_offsets(const char *s, unsigned long *off)
{
	int n = 0;
	char *end;

	for (;;) {
		if (n == MAX_OFFSETS)
			return -1;
		errno = 0;
		off[n++] = strtoul(s, &end, 0);
		if (errno || end == s || (*end && *end != ','))
			return -1;
		if (!*end)
			return n;
		s = end + 1;
	}
}

static int fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	return 1;
}

static pid_t spawn_held(char **cmd, int *go_fd)
{
	int go[2];
	pid_t child;

	if (pipe(go) < 0)
		return -1;
	child = fork();
	if (child == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(go[0]);
	*go_fd = go[1];
	return child;
}

/* Consume until the child exits; returns its wait status. */
static int wait_consuming(pid_t child, struct ring_buffer *rb)
{
	int status = 0;
	pid_t w;

	for (;;) {
		w = waitpid(child, &status, rb ? WNOHANG : 0);
		if (w == child || (w < 0 && errno != EINTR))
			break;
		if (rb)
			ring_buffer__poll(rb, 100);
	}
	if (rb)
		ring_buffer__consume(rb);
	return status;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_link *links[MAX_OFFSETS] = { 0 };
	struct ring_buffer *rb = NULL;
	unsigned long off[MAX_OFFSETS];
	int noff, nlinks = 0, go_fd = -1, status, rc = 1;
	bool timing = getenv("FLOOR_TIMING") != NULL;
	double t0 = now_ms(), t1;
	pid_t child;

	if (argc < 8 || strcmp(argv[6], "--") != 0) {
		fprintf(stderr, "usage: floor OBJ PROG BIN SYMBOL OFFSET[,OFFSET...] -- CMD [ARG...]\n");
		return 2;
	}
	noff = parse_offsets(argv[5], off);
	if (noff < 0) {
		fprintf(stderr, "floor: bad offsets '%s' (at most %d)\n", argv[5], MAX_OFFSETS);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj))
		return fail("loading the BPF object");
	prog = bpf_object__find_program_by_name(obj, argv[2]);
	if (!prog) {
		fprintf(stderr, "floor: no program '%s'\n", argv[2]);
		goto cleanup;
	}
	if (strncmp(argv[2], "rb_", 3) == 0) {
		rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "events")),
				      count, NULL, NULL);
		if (!rb) {
			rc = fail("mapping the ring buffer");
			goto cleanup;
		}
	}
	child = spawn_held(&argv[7], &go_fd);
	if (child < 0) {
		rc = fail("starting the command");
		goto cleanup;
	}
	t1 = now_ms();
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = argv[4]);
	for (; nlinks < noff; nlinks++) {
		links[nlinks] = bpf_program__attach_uprobe_opts(prog, child, argv[3], off[nlinks], &uo);
		if (!links[nlinks])
			break;
	}
	if (timing)
		fprintf(stderr, "floor: timing: load %.3f ms, attach %.3f ms for %d uprobes\n",
			t1 - t0, now_ms() - t1, nlinks);
	if (nlinks < noff) {
		rc = fail("attaching");
		kill(child, SIGKILL);
	} else if (write(go_fd, "g", 1) != 1) {
		rc = fail("releasing the command");
	}
	close(go_fd);
	status = wait_consuming(child, rb);
	if (nlinks == noff)
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	if (rb)
		fprintf(stderr, "floor: %llu records\n", nrecords);
cleanup:
	ring_buffer__free(rb);
	for (int i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return rc;
}
