/* cli.c — helpers the commands share (cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("gprobe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

void print_diags(struct diags *d)
{
	if (d->out.len)
		fputs(d->out.buf, stderr);
	diags_free(d);
}

void free_specs(struct spec **specs, size_t n)
{
	for (size_t i = 0; specs && i < n; i++)
		spec_free(specs[i]);
	free(specs);
}
