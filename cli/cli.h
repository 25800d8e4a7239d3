/* cli.h — what the commands of the command line share: exit statuses,
 * usage errors, diagnostics on stderr, and each command's entry point
 * that lives outside gprobe.c.
 *
 * A command is `int cmd_x(int argc, char **argv)` with argv[0] the
 * command's name; it prints its own output and returns the exit status:
 * 0 success, EXIT_RUNTIME, or EXIT_USAGE for bad input (usage, spec,
 * binary).
 */
#ifndef GPROBE_CLI_H
#define GPROBE_CLI_H

#include <stddef.h>

#include "diag.h"
#include "spec.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* "gprobe: MESSAGE", a blank line and the usage on stderr; EXIT_USAGE. */
int usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print what d collected on stderr, then free it. */
void print_diags(struct diags *d);
/* Free n loaded specs (NULL entries allowed) and the array. */
void free_specs(struct spec **specs, size_t n);

/* gprobe inspect: a Go executable's facts, no spec (inspect.c). */
int cmd_inspect(int argc, char **argv);
/* gprobe gen-db: bpf-gen's step that writes an offsets database (gen_db.c). */
int cmd_gen_db(int argc, char **argv);
/* gprobe report: the HTML page of a run's JSON Lines rows (report.c). */
int cmd_report(int argc, char **argv);

#endif
