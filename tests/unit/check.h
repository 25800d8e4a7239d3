/* check.h — a minimal test harness for tests/unit and tests/bpf: CHECK
 * macros that count, check_skip() for a part that cannot run here, and a
 * main() epilogue that prints "N passed, N failed, N skipped" and sets the
 * exit status: 1 on a failure, else 77 (ctest's SKIP_RETURN_CODE) when a
 * part was skipped, else 0. With CI set (CI=true), where everything must
 * run, a skip is a failure — as in tests/lib.sh and tests/e2e/run.py. */
#ifndef GPROBE_CHECK_H
#define GPROBE_CHECK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static int check_passed, check_failed, check_skipped;

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (cond) {                                                           \
			check_passed++;                                               \
		} else {                                                              \
			check_failed++;                                               \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                     \
	} while (0)

#define CHECK_STR(a, b)                                                               \
	do {                                                                          \
		const char *_a = (a), *_b = (b);                                      \
		if (_a && _b && strcmp(_a, _b) == 0) {                                \
			check_passed++;                                               \
		} else {                                                              \
			check_failed++;                                               \
			fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:      %s\n  expected: %s\n", \
				__FILE__, __LINE__, #a, _a ? _a : "(null)", _b ? _b : "(null)"); \
		}                                                                     \
	} while (0)

#define CHECK_INT(a, b)                                                               \
	do {                                                                          \
		long long _a = (long long)(a), _b = (long long)(b);                   \
		if (_a == _b) {                                                       \
			check_passed++;                                               \
		} else {                                                              \
			check_failed++;                                               \
			fprintf(stderr, "%s:%d: CHECK_INT failed: %s == %lld, expected %lld\n", \
				__FILE__, __LINE__, #a, _a, _b);                      \
		}                                                                     \
	} while (0)

/* CI is set: not empty, "0", "false" or "no" (any case). */
static inline bool check_ci(void)
{
	const char *ci = getenv("CI");

	return ci && *ci && strcmp(ci, "0") && strcasecmp(ci, "false") && strcasecmp(ci, "no");
}

/* A part of the test cannot run here (no BPF, no root, no Go toolchain, no
 * test programs): say which and why, loudly. check_done() then ends the
 * test as skipped, or as failed in CI. */
static inline void check_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void check_skip(const char *fmt, ...)
{
	va_list ap;

	check_skipped++;
	fputs(check_ci() ? "FAIL (CI is set, so every part must run): skipped: " : "SKIP: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline int check_done(const char *name)
{
	printf("%s: %d passed, %d failed, %d skipped\n", name, check_passed, check_failed,
	       check_skipped);
	if (check_failed)
		return 1;
	if (check_skipped)
		return check_ci() ? 1 : 77;
	return 0;
}

/* The standard output of a shell command (printf-style), never NULL; the
 * caller frees it. Failures show as missing output, which the checks see. */
static inline char *check_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *check_run(const char *fmt, ...)
{
	struct strbuf sb = { 0 }, cmd = { 0 };
	char buf[4096];
	size_t n;
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	sb_vprintf(&cmd, fmt, ap);
	va_end(ap);
	p = popen(cmd.buf, "r");
	if (p) {
		while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
			sb_add(&sb, buf, n);
		pclose(p);
	}
	sb_free(&cmd);
	return sb_steal(&sb);
}

#endif
