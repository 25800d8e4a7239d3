/* inspect.c — `gprobe inspect EXE [SYMBOL|TYPE|PATTERN]`: what gprobe
 * knows about a Go executable, with no spec and no BPF. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "goabi.h"
#include "gobin.h"
#include "sites.h"
#include "target.h"
#include "util.h"

static const char usage_inspect[] =
	"usage: gprobe inspect EXE [SYMBOL|TYPE|PATTERN]\n"
	"\n"
	"Without a name: Go version, module, ABI and function count. With a function\n"
	"name: its parameters and results with types and ABI locations. With a type\n"
	"name: its layout. With a variable: its address and type. Otherwise the\n"
	"functions whose names contain PATTERN.\n";

static void print_type_layout(const struct gtype *t)
{
	printf("type %s: %s, size %" PRIu64 ", align %u\n", t->name ? t->name : "?",
	       gkind_name(t->kind), t->size, gtype_align((struct gtype *)t));
	if (t->kind == GK_ARRAY)
		printf("  [%" PRIu64 "]%s\n", t->len, t->elem && t->elem->name ? t->elem->name : "?");
	if (t->kind == GK_PTR || t->kind == GK_SLICE || t->kind == GK_CHAN)
		printf("  elem %s\n", t->elem && t->elem->name ? t->elem->name : "?");
	for (uint32_t i = 0; i < t->nfields; i++) {
		const struct gfield *f = &t->fields[i];
		printf("  +0x%-5" PRIx64 " %-24s %-30s size %" PRIu64 "%s\n", f->offset, f->name,
		       f->type && f->type->name ? f->type->name : "?", f->type ? f->type->size : 0,
		       f->embedded ? " (embedded)" : "");
	}
}

static void print_func(struct target *t, const struct gfunc *f)
{
	struct gloc *locs = xcalloc(f->nparams + 1, sizeof(*locs));
	uint64_t probe = f->entry;
	char *why = NULL;

	printf("func %s\n  entry 0x%" PRIx64 ", size 0x%" PRIx64 "\n", f->name, f->entry, f->end - f->entry);
	if (sites_entry(target_bin(t), f->name, f->entry, f->end, &probe, &why) == 0)
		printf("  entry probe 0x%" PRIx64 " (+0x%" PRIx64 ", %s)\n", probe, probe - f->entry,
		       why ? why : "");
	free(why);
	if (goabi_assign(f, target_regabi(t), locs) < 0) {
		printf("  (parameter types unknown)\n");
	} else {
		for (uint32_t i = 0; i < f->nparams; i++) {
			char loc[128];
			gloc_format(&locs[i], loc, sizeof(loc));
			printf("  %-6s %-20s %-30s %s\n", f->params[i].result ? "result" : "arg",
			       f->params[i].name[0] ? f->params[i].name : "_",
			       f->params[i].type && f->params[i].type->name ? f->params[i].type->name : "?",
			       loc);
		}
	}
	free(locs);
}

int cmd_inspect(int argc, char **argv)
{
	struct diags d = {0};
	struct target *t;
	const char *what;
	size_t shown = 0;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_inspect, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (argc > 3)
		return usage_error(usage_inspect, "too many arguments");
	t = target_open(argv[1], &d);
	if (!t) {
		print_diags(&d);
		return EXIT_USAGE;
	}
	what = argc == 3 ? argv[2] : NULL;
	if (!what) {
		char src[160];
		printf("%s\n  go version  %s\n  module      %s\n  ABI         %s\n  facts       %s\n"
		       "  PIE         %s\n  functions   %zu (%s)\n  symbols     %s\n",
		       argv[1], gobin_go_version(target_bin(t)), gobin_main_module(target_bin(t)),
		       target_regabi(t) ? "register (Go >= 1.17)" : "stack (Go <= 1.16)",
		       target_facts_source(t, src, sizeof(src)), gobin_is_pie(target_bin(t)) ? "yes" : "no",
		       gobin_nfuncs(target_bin(t)), gobin_text_base_source(target_bin(t)),
		       gobin_symtab_checked(target_bin(t)) ? "every function agrees with .symtab"
						    : "none (stripped)");
		target_close(t);
		return 0;
	}
	{
		char *why = NULL;
		const struct gfunc *f = target_func(t, what, &why);
		const struct gvar *v;
		struct gtype *ty;
		if (f) {
			print_func(t, f);
			target_close(t);
			return 0;
		}
		if (why) {
			fprintf(stderr, "gprobe: %s\n", why);
			free(why);
		}
		if ((v = target_var(t, what, &why))) {
			printf("var %s at 0x%" PRIx64 " type %s\n", v->name, v->addr,
			       v->type && v->type->name ? v->type->name : "?");
			if (v->type)
				print_type_layout(v->type);
			target_close(t);
			return 0;
		}
		free(why);
		if ((ty = target_type(t, what))) {
			print_type_layout(ty);
			target_close(t);
			return 0;
		}
	}
	for (size_t i = 0; i < gobin_nfuncs(target_bin(t)); i++) {
		const struct gobin_func *f = gobin_func_at_index(target_bin(t), i);
		if (strstr(f->name, what)) {
			printf("0x%-10" PRIx64 " %s\n", f->entry, f->name);
			shown++;
		}
	}
	target_close(t);
	if (!shown) {
		fprintf(stderr, "gprobe: nothing named or containing '%s' in %s\n", what, argv[1]);
		return EXIT_USAGE;
	}
	return 0;
}
