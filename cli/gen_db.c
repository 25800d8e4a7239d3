/* gen_db.c — `gprobe gen-db`: bpf-gen's step that turns what the packs use
 * into the offsets database of a reference binary's Go version
 * (bpf-gen/README.md; the recording itself is compiler/dbrecord.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dbrecord.h"
#include "diag.h"
#include "resolve.h"
#include "spec.h"
#include "target.h"
#include "util.h"

/* The functions of FUNCS_FILE (one per line, # comments), recorded where
 * this version has them. */
static int record_funcs_file(struct dbrecord *rec, const char *path, struct diags *d)
{
	char *text, *save = NULL;
	size_t len;
	int e = read_file(path, &text, &len);

	if (e < 0) {
		diag_error(d, (struct srcloc){0}, "%s: %s", path, strerror(-e));
		return e;
	}
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line += strspn(line, " \t");
		line[strcspn(line, " \t\r")] = '\0';
		if (*line)
			dbrecord_func(rec, line); /* absent in this version: fine */
	}
	free(text);
	return 0;
}

int cmd_gen_db(int argc, char **argv)
{
	static const char usage[] =
		"usage: gprobe gen-db -e REFBIN [-s SPEC]... [-f FUNCS_FILE] -o OUT.yaml\n"
		"\n"
		"Resolve the specs against REFBIN (which must have DWARF) while recording every\n"
		"function, variable, struct layout and label table used, add the functions\n"
		"listed in FUNCS_FILE (one per line, # comments), and write them as the offsets\n"
		"database of REFBIN's Go version. Used by bpf-gen/gen.sh.\n";
	const char *exe = NULL, *out = NULL, *funcs = NULL;
	const char **specs = NULL;
	size_t nspecs = 0, capspecs = 0;
	struct diags d = {0};
	struct target *t = NULL;
	struct dbrecord *rec = NULL;
	struct spec **loaded = NULL;
	struct plan *plan = NULL;
	FILE *f = NULL;
	int c, rc = EXIT_USAGE;

	optind = 1;
	while ((c = getopt(argc, argv, "e:s:f:o:h")) != -1) {
		switch (c) {
		case 'e': exe = optarg; break;
		case 's': VEC_PUSH(specs, nspecs, capspecs, optarg); break;
		case 'f': funcs = optarg; break;
		case 'o': out = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (!exe || !out || optind != argc) {
		free(specs);
		return usage_error(usage, "-e REFBIN and -o OUT are required");
	}
	t = target_open(exe, &d);
	if (!t)
		goto out;
	if (!target_dwarf(t)) {
		diag_error(&d, (struct srcloc){0}, "%s: a reference binary needs DWARF", exe);
		goto out;
	}
	rec = dbrecord_start(t);
	loaded = xcalloc(nspecs + 1, sizeof(*loaded));
	for (size_t i = 0; i < nspecs; i++)
		loaded[i] = spec_load(specs[i], &d);
	if (d.nerrors)
		goto out;
	plan = resolve_specs(t, loaded, nspecs, &d);
	if (!plan)
		goto out;
	if (funcs && record_funcs_file(rec, funcs, &d) < 0)
		goto out;
	f = fopen(out, "w");
	if (!f || dbrecord_write(rec, f) < 0 || fclose(f) != 0) {
		diag_error(&d, (struct srcloc){0}, "cannot write %s: %s", out, strerror(errno));
		f = NULL;
		goto out;
	}
	f = NULL;
	rc = 0;
out:
	if (f)
		fclose(f);
	print_diags(&d);
	plan_free(plan);
	free_specs(loaded, nspecs);
	dbrecord_free(rec);
	target_close(t);
	free(specs);
	return rc;
}
