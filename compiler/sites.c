/* sites.c — proving probe addresses are instruction boundaries of the right function. */
#include "sites.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "gobin.h"
#include "util.h"

int sites_check(const struct gobin *bin, const char *func, uint64_t addr, char **why)
{
	const struct gobin_func *f = gobin_func_containing(bin, addr);
	const uint8_t *code;

	*why = NULL;
	if (!f) {
		*why = xasprintf("0x%llx is in no function of the pclntab", (unsigned long long)addr);
		return -EINVAL;
	}
	if (func && strcmp(f->name, func)) {
		/* Aliases (C code linked in, e.g. the race runtime's C1/C2
		 * constructors) share an entry: any of them may be the name. */
		const struct gobin_func *first = gobin_func_at_index(bin, 0), *a = f;

		while (a > first && a[-1].entry == f->entry && strcmp(a->name, func))
			a--;
		if (strcmp(a->name, func)) {
			*why = xasprintf("0x%llx is in %s, not %s", (unsigned long long)addr,
					 f->name, func);
			return -EINVAL;
		}
	}
	if (addr == f->entry)
		return 0;
	code = gobin_code(bin, f->entry, (size_t)(f->end - f->entry));
	if (!code) {
		*why = xasprintf("the code of %s is not in the file", f->name);
		return -EINVAL;
	}
	if (disasm_is_boundary(code, (size_t)(f->end - f->entry), f->entry, addr))
		return 0;
	*why = xasprintf("%s+0x%llx is not an instruction boundary", f->name,
			 (unsigned long long)(addr - f->entry));
	return -EINVAL;
}

int sites_file_offset(const struct gobin *bin, uint64_t addr, uint64_t *off, char **why)
{
	*why = NULL;
	if (!gobin_code(bin, addr, 1) || gobin_vaddr_to_offset(bin, addr, off)) {
		*why = xasprintf("0x%llx is not in the file's executable code",
				 (unsigned long long)addr);
		return -EFAULT;
	}
	return 0;
}

static const char *sym_of(void *ctx, uint64_t addr)
{
	const struct gobin_func *f = gobin_func_containing(ctx, addr);
	return f ? f->name : NULL;
}

int sites_entry(const struct gobin *bin, const char *func, uint64_t entry, uint64_t end,
		uint64_t *probe, char **why)
{
	size_t n = (size_t)(end - entry);
	const uint8_t *code = gobin_code(bin, entry, n);
	char *rule = NULL;
	int r;

	*why = NULL;
	if (!code) {
		*why = xasprintf("cannot read the code of %s", func);
		return -EFAULT;
	}
	/* A boundary by construction: the disassembler sweeps from the entry.
	 * codegen proves it again with sites_check before it is attached. */
	r = disasm_entry_probe(code, n, entry, sym_of, (void *)bin, probe, &rule);
	*why = rule;
	return r;
}

int sites_returns(const struct gobin *bin, const char *func, uint64_t entry, uint64_t end,
		  uint64_t **rets, size_t *n, char **why)
{
	size_t len = (size_t)(end - entry);
	const uint8_t *code = gobin_code(bin, entry, len);
	int r;

	*why = NULL;
	*rets = NULL;
	*n = 0;
	if (!code) {
		*why = xasprintf("cannot read the code of %s", func);
		return -EFAULT;
	}
	/* Boundaries by construction (a linear sweep of [entry, end)); codegen
	 * proves each again before it is attached. */
	r = disasm_rets(code, len, entry, rets, n, why);
	if (r) {
		free(*rets);
		*rets = NULL;
		*n = 0;
	}
	return r;
}
