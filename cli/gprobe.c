/* gprobe.c — the command line: main, and the run, compile, check and
 * version commands.
 *
 * A thin layer: parse options, load specs, open the target, resolve,
 * generate and compile (compiler/), then load and stream (runtime/).
 * Exit status: 0 success, 1 runtime failure, 2 bad input (cli.h). The
 * inspect command is inspect.c, report report.c, gen-db gen_db.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "codegen.h"
#include "diag.h"
#include "gobin.h"
#include "gowrap.h"
#include "report.h"
#include "resolve.h"
#include "tracer.h"
#include "util.h"

static const char usage_main[] =
	"usage: gprobe <command> [options]\n"
	"\n"
	"Trace Go programs with uprobes described by YAML specs.\n"
	"\n"
	"commands:\n"
	"  run SPEC... (-p PID | -e EXE | -- CMD [ARG...])   trace and print rows\n"
	"  compile SPEC... -e EXE [-o OUT.bpf.o] [--emit-c FILE]\n"
	"  check SPEC... -e EXE                               resolve only; print the plan\n"
	"  inspect EXE [SYMBOL|TYPE|PATTERN]                  Go version, functions, types\n"
	"  report ROWS.jsonl [-o REPORT.html]                 HTML page of GC and scheduler rows\n"
	"  version\n"
	"\n"
	"'gprobe <command> --help' describes each command.\n";

static const char usage_run[] =
	"usage: gprobe run SPEC... (-p PID | -e EXE | -- CMD [ARG...]) [options]\n"
	"\n"
	"  -p, --pid PID         trace one running process\n"
	"  -e, --exe EXE         trace every process running EXE, now and later\n"
	"  -- CMD [ARG...]       start CMD, trace it from its first instruction, stop when it exits\n"
	"  -f, --format FMT      table (default), json (JSON Lines) or csv\n"
	"  -o, --output PATH     write rows to PATH (csv: a directory, one file per table)\n"
	"  -d, --duration SECS   stop after SECS seconds\n"
	"  -t, --table TABLE     only this table (repeatable)\n"
	"  -b, --ringbuf BYTES   ring buffer size (default 16 MiB)\n"
	"      --emit-c FILE     also write the generated BPF C to FILE\n"
	"      --report FILE     at the end, write an HTML report of the rows to FILE\n"
	"                        (rows go to -o as JSON Lines, by default FILE.jsonl)\n"
	"  -v, --verbose         show libbpf's log\n"
	"  -h, --help\n"
	"\n"
	"Rows go to stdout, diagnostics and the exit summary to stderr. With -- CMD the\n"
	"exit status is the command's.\n";

static const char usage_compile[] =
	"usage: gprobe compile SPEC... -e EXE [-o OUT.bpf.o] [--emit-c FILE]\n"
	"\n"
	"Resolve the specs against EXE, generate BPF C and compile it to a BPF object.\n";

static const char usage_check[] =
	"usage: gprobe check SPEC... -e EXE\n"
	"\n"
	"Resolve the specs against EXE and print, per probe, the probe addresses and,\n"
	"per column, the access path and output type. Exit 0 when everything resolves.\n";

struct cli {
	const char **specs;
	size_t nspecs, capspecs;
	const char *exe;
	const char *out;
	const char *emit_c;
	const char *report;
	bool fmt_given;
	pid_t pid;
	char **cmd;
	const char **tables;
	size_t ntables, captables;
	enum gp_format fmt;
	double duration;
	uint32_t ringbuf;
	bool verbose;
};

static bool parse_num(const char *s, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return !errno && end != s && !*end && *out >= 0;
}

/* Options shared by run/compile/check; returns -1 on success, else an exit status. */
static int parse_opts(int argc, char **argv, const char *usage, struct cli *o)
{
	static const struct option longopts[] = {
		{"pid", required_argument, NULL, 'p'},      {"exe", required_argument, NULL, 'e'},
		{"format", required_argument, NULL, 'f'},   {"output", required_argument, NULL, 'o'},
		{"duration", required_argument, NULL, 'd'}, {"table", required_argument, NULL, 't'},
		{"ringbuf", required_argument, NULL, 'b'},  {"emit-c", required_argument, NULL, 'C'},
		{"report", required_argument, NULL, 'R'},
		{"verbose", no_argument, NULL, 'v'},        {"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	double num;

	o->fmt = GP_FMT_TABLE;
	optind = 1;
	while (optind < argc) {
		const char *arg = argv[optind];
		if (strcmp(arg, "--") == 0) {
			if (optind + 1 >= argc)
				return usage_error(usage, "'--' must be followed by a command");
			o->cmd = &argv[optind + 1];
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			/* Specs are positional and may sit between options. */
			VEC_PUSH(o->specs, o->nspecs, o->capspecs, arg);
			optind++;
			continue;
		}
		c = getopt_long(argc, argv, "+p:e:f:o:d:t:b:vh", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'p':
			if (!parse_num(optarg, &num) || num < 1 || num > INT_MAX || num != (int)num)
				return usage_error(usage, "bad PID '%s'", optarg);
			o->pid = (pid_t)num;
			break;
		case 'e':
			o->exe = optarg;
			break;
		case 'f':
			o->fmt_given = true;
			if (gp_format_parse(optarg, &o->fmt) < 0)
				return usage_error(usage, "unknown format '%s' (table, json or csv)", optarg);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'd':
			if (!parse_num(optarg, &o->duration) || o->duration <= 0)
				return usage_error(usage, "bad duration '%s' (seconds, > 0)", optarg);
			break;
		case 't':
			VEC_PUSH(o->tables, o->ntables, o->captables, optarg);
			break;
		case 'b':
			if (!parse_num(optarg, &num) || num < 4096 || num > (1u << 30))
				return usage_error(usage, "bad ring buffer size '%s' (4096..1073741824)", optarg);
			o->ringbuf = (uint32_t)num;
			break;
		case 'C':
			o->emit_c = optarg;
			break;
		case 'R':
			o->report = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputc('\n', stderr);
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (!o->nspecs)
		return usage_error(usage, "no spec given");
	return -1;
}

/* GPROBE_TIMING=1 prints each stage's wall time on stderr, with the Unix
 * time it ended so that bench/ can line stages up with the target's clock. */
static bool timing_on;
static struct timespec timing_last;

static void timing_mark(const char *stage)
{
	struct timespec now;

	if (!timing_on)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	if (stage)
		fprintf(stderr, "gprobe: timing: %-8s %9.3f ms, done at %lld%09ld\n", stage,
			(double)(now.tv_sec - timing_last.tv_sec) * 1e3 +
				(double)(now.tv_nsec - timing_last.tv_nsec) / 1e6,
			(long long)now.tv_sec, now.tv_nsec);
	timing_last = now;
}

/* Load specs and the target, resolve. Exit status on failure, else -1. */
static int load_and_resolve(struct cli *o, const char *target_path, struct spec ***specs,
			    struct target **t, struct plan **plan)
{
	struct diags d = {0};

	*specs = xcalloc(o->nspecs, sizeof(**specs));
	for (size_t i = 0; i < o->nspecs; i++)
		(*specs)[i] = spec_load(o->specs[i], &d);
	timing_mark("spec");
	if (d.nerrors) {
		print_diags(&d);
		return EXIT_USAGE;
	}
	*t = target_open(target_path, &d);
	timing_mark("elf+dwarf");
	if (!*t) {
		print_diags(&d);
		return EXIT_USAGE;
	}
	*plan = resolve_specs(*t, *specs, o->nspecs, &d);
	timing_mark("resolve");
	print_diags(&d);
	if (!*plan)
		return EXIT_USAGE;
	for (uint32_t i = 0; i < (*plan)->nnotices; i++)
		fprintf(stderr, "gprobe: notice: %s\n", (*plan)->notices[i]);
	return -1;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int ok;

	if (!f) {
		fprintf(stderr, "gprobe: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(data, 1, len, f) == len;
	ok = (f == stdout ? fflush(f) : fclose(f)) == 0 && ok;
	if (!ok)
		fprintf(stderr, "gprobe: cannot write %s: %s\n", path, strerror(errno));
	return ok ? 0 : -1;
}

/* A function's entry may be a goroutine's start PC, and that may be a
 * compiler-generated wrapper (main.main.gowrap1, main.T.m-fm): named by
 * the function it calls, as Go's tracebacks do. One binary per run. */
static const char *sym_lookup(void *ctx, uint64_t addr)
{
	static struct gowrap *w;
	const struct gobin_func *f = gobin_func_containing(ctx, addr);

	if (f && f->entry == addr) {
		if (w && gowrap_bin(w) != ctx) {
			gowrap_free(w);
			w = NULL;
		}
		if (!w)
			w = gowrap_new(ctx);
		f = gowrap_target(w, f);
	}
	return f ? f->name : NULL;
}

/* The executable a run resolves against. */
static char *run_target(struct cli *o)
{
	char buf[PATH_MAX], link[64];
	ssize_t n;

	if (o->exe)
		return xstrdup(o->exe);
	if (o->pid) {
		snprintf(link, sizeof(link), "/proc/%d/exe", (int)o->pid);
		n = readlink(link, buf, sizeof(buf) - 1);
		if (n < 0) {
			fprintf(stderr, "gprobe: process %d: %s\n", (int)o->pid,
				errno == ENOENT ? "no such process" : strerror(errno));
			return NULL;
		}
		buf[n] = '\0';
		/* /proc/PID/exe itself keeps working if the file was replaced. */
		return xstrdup(link);
	}
	if (strchr(o->cmd[0], '/'))
		return xstrdup(o->cmd[0]);
	{
		const char *path = getenv("PATH");
		char *copy = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL;
		for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			char *cand = xasprintf("%s/%s", *dir ? dir : ".", o->cmd[0]);
			if (access(cand, X_OK) == 0) {
				free(copy);
				return cand;
			}
			free(cand);
		}
		free(copy);
		fprintf(stderr, "gprobe: %s: command not found\n", o->cmd[0]);
		return NULL;
	}
}

static int build(struct cli *o, const char *target_path, struct target **t, struct gp_program **prog)
{
	struct spec **specs = NULL;
	struct plan *plan = NULL;
	struct diags d = {0};
	int rc = load_and_resolve(o, target_path, &specs, t, &plan);

	if (rc >= 0)
		goto out;
	rc = -1;
	if (plan->nprobes == 0) {
		fprintf(stderr, "gprobe: no probe applies to %s\n", target_path);
		rc = EXIT_USAGE;
		goto out;
	}
	if (codegen_generate(plan, target_bin(*t), target_path, prog, &d) < 0) {
		print_diags(&d);
		rc = EXIT_USAGE;
		goto out;
	}
	timing_mark("codegen");
	if (o->emit_c && write_file(o->emit_c, (*prog)->bpf_c, strlen((*prog)->bpf_c)) < 0)
		rc = EXIT_RUNTIME;
	else if (codegen_compile(*prog, &d) < 0)
		rc = EXIT_RUNTIME;
	timing_mark("clang");
	print_diags(&d);
out:
	plan_free(plan);
	free_specs(specs, o->nspecs);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct cli o = {0};
	struct target *t = NULL;
	struct gp_program *prog = NULL;
	char *target_path = NULL, *report_rows = NULL;
	int rc = parse_opts(argc, argv, usage_run, &o);
	int modes;

	if (rc >= 0)
		goto out;
	modes = !!o.pid + !!o.cmd + (o.exe && !o.pid && !o.cmd);
	if (modes != 1) {
		rc = usage_error(usage_run, "give exactly one of -p PID, -e EXE or -- CMD");
		goto out;
	}
	if (o.report) {
		/* The report is made from JSON rows: keep them in a file. */
		if ((o.fmt_given && o.fmt != GP_FMT_JSON) || (o.out && !o.fmt_given)) {
			rc = usage_error(usage_run, "--report needs the rows as JSON Lines: use -f json -o ROWS.jsonl, or neither");
			goto out;
		}
		o.fmt = GP_FMT_JSON;
		if (!o.out || strcmp(o.out, "-") == 0)
			o.out = report_rows = xasprintf("%s.jsonl", o.report);
	}
	target_path = run_target(&o);
	if (!target_path) {
		rc = EXIT_USAGE;
		goto out;
	}
	rc = build(&o, target_path, &t, &prog);
	if (rc >= 0)
		goto out;
	{
		struct gp_run_opts ro = {
			.sz = sizeof(ro),
			.pid = o.pid,
			.exe = o.exe ? o.exe : target_path,
			.cmd = o.cmd,
			.fmt = o.fmt,
			.out_path = o.out,
			.tables = o.tables,
			.ntables = o.ntables,
			.duration = o.duration,
			.ringbuf_bytes = o.ringbuf,
			.verbose = o.verbose,
			.sym = sym_lookup,
			.sym_ctx = target_bin(t),
		};
		rc = gp_run(prog, &ro);
		timing_mark("run");
	}
	if (o.report) {
		char *err = NULL;
		if (gp_report_write(o.out, o.report, NULL, &err) < 0) {
			fprintf(stderr, "gprobe: report: %s\n", err ? err : "failed");
			if (!rc)
				rc = EXIT_RUNTIME;
		} else {
			fprintf(stderr, "gprobe: wrote %s (rows in %s)\n", o.report, o.out);
		}
		free(err);
	}
out:
	free(report_rows);
	gp_program_free(prog);
	target_close(t);
	free(target_path);
	free(o.specs);
	free(o.tables);
	return rc;
}

static int cmd_compile(int argc, char **argv)
{
	struct cli o = {0};
	struct target *t = NULL;
	struct gp_program *prog = NULL;
	int rc = parse_opts(argc, argv, usage_compile, &o);

	if (rc >= 0)
		goto out;
	if (!o.exe) {
		rc = usage_error(usage_compile, "-e EXE is required");
		goto out;
	}
	rc = build(&o, o.exe, &t, &prog);
	if (rc >= 0)
		goto out;
	rc = 0;
	if (o.out && write_file(o.out, prog->obj, prog->objlen) < 0)
		rc = EXIT_RUNTIME;
	if (!o.out && !o.emit_c)
		fprintf(stderr, "gprobe: compiled %zu bytes of BPF (use -o to keep it)\n", prog->objlen);
out:
	gp_program_free(prog);
	target_close(t);
	free(o.specs);
	free(o.tables);
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	struct cli o = {0};
	struct spec **specs = NULL;
	struct target *t = NULL;
	struct plan *plan = NULL;
	int rc = parse_opts(argc, argv, usage_check, &o);

	if (rc >= 0)
		goto out;
	if (!o.exe) {
		rc = usage_error(usage_check, "-e EXE is required");
		goto out;
	}
	rc = load_and_resolve(&o, o.exe, &specs, &t, &plan);
	if (rc >= 0)
		goto out;
	plan_print(plan, t, stdout);
	rc = 0;
out:
	plan_free(plan);
	free_specs(specs, o.nspecs);
	target_close(t);
	free(o.specs);
	free(o.tables);
	return rc;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	const char *timing = getenv("GPROBE_TIMING");

	timing_on = timing && *timing && strcmp(timing, "0") != 0;
	timing_mark(NULL);
	if (timing_on)
		fprintf(stderr, "gprobe: timing: main at %lld%09ld\n", (long long)timing_last.tv_sec,
			timing_last.tv_nsec);
	if (!cmd) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "compile") == 0)
		return cmd_compile(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "inspect") == 0)
		return cmd_inspect(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "gen-db") == 0)
		return cmd_gen_db(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("gprobe %s\n", GPROBE_VERSION);
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	fprintf(stderr, "gprobe: unknown command '%s'\n\n", cmd);
	fputs(usage_main, stderr);
	return EXIT_USAGE;
}
