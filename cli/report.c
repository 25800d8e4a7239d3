/* report.c — `gprobe report ROWS.jsonl`: the command line of the offline
 * report; the page itself is runtime/report.h's. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static const char usage_report[] =
	"usage: gprobe report ROWS.jsonl [-o REPORT.html] [--title TEXT] [--buckets N]\n"
	"\n"
	"Draw the JSON Lines rows of 'gprobe run -f json' as one self-contained HTML\n"
	"page: GC cycles, pauses and series; scheduler timelines per P, goroutine\n"
	"counts and a per-function summary; a row count and numeric series for any\n"
	"other table. ROWS may be '-' for stdin.\n"
	"\n"
	"options:\n"
	"  -o, --output PATH   the page (default: stdout)\n"
	"  --title TEXT        page title (default: the input's file name)\n"
	"  --buckets N         time buckets per chart, 10..10000 (default 1000)\n"
	"  -h, --help          this text\n";

static int report_usage_error(const char *fmt, const char *arg)
{
	fputs("gprobe report: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n\n", stderr);
	fputs(usage_report, stderr);
	return EXIT_USAGE;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 'T' },
		{ "buckets", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct gp_report_opts o = { 0 };
	const char *out = "-";
	char *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'T':
			o.title = optarg;
			break;
		case 'b': {
			unsigned long n = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end || n < 10 || n > 10000)
				return report_usage_error("bad bucket count '%s' (10..10000)", optarg);
			o.buckets = (uint32_t)n;
			break;
		}
		case 'h':
			fputs(usage_report, stdout);
			return 0;
		case ':':
			return report_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return report_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return report_usage_error("%s", "no rows file given");
	if (optind + 1 < argc)
		return report_usage_error("unexpected argument '%s'", argv[optind + 1]);
	const char *in = argv[optind];
	o.source = in;
	if (!o.title)
		o.title = strcmp(in, "-") ? base_name(in) : "gprobe report";

	char *err = NULL;
	int rc = gp_report_write(in, out, &o, &err);
	if (rc < 0) {
		fprintf(stderr, "gprobe report: %s\n", err);
		free(err);
		/* Unreadable or malformed input is bad input; a failed write is not. */
		return rc == -EINVAL || rc == -ENOENT ? EXIT_USAGE : EXIT_RUNTIME;
	}
	return 0;
}
