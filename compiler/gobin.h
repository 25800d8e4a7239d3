/* gobin.h — an opened Go executable: ELF layout, Go build info, functions.
 *
 * The file is read once into a private copy (a mapping would turn a
 * concurrent truncation into SIGBUS); every address in this API is a link-time
 * virtual address as it appears in the ELF (for PIE binaries that is the
 * address before load bias, which is also what uprobes want as an offset
 * base via gobin_vaddr_to_offset). Only x86-64 little-endian ELF64 is
 * accepted. All strings returned stay valid until gobin_close().
 */
#ifndef GPROBE_GOBIN_H
#define GPROBE_GOBIN_H

#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gobin;

struct gobin_func {
	const char *name; /* "runtime.gcStart", "main.(*T).M" */
	uint64_t entry;   /* first instruction */
	uint64_t end;     /* one past the last byte (includes alignment padding) */
	uint8_t funcid;   /* pclntab _func.funcID (gowrap.h tells the wrapper value) */
	uint8_t funcdata; /* bit i: the function has FUNCDATA table i (pclntab.h) */
};

/* Open and validate a Go binary. Returns 0, or -errno with *err set to a
 * message naming the file ("x: not an ELF file", "x: is a directory",
 * "x: not a Go binary (no .go.buildinfo)", "x: 32-bit ELF is not supported",
 * "x: not an x86-64 binary", "x: truncated or corrupted ELF (...)"). */
int gobin_open(const char *path, struct gobin **out, char **err);
void gobin_close(struct gobin *b);

const char *gobin_path(const struct gobin *b);
/* For the DWARF reader (dwarf_begin_elf); owned by the gobin. */
Elf *gobin_elf(const struct gobin *b);
int gobin_fd(const struct gobin *b);

/* "go1.22.12" (or "devel go1.23-..." as the toolchain spelled it). */
const char *gobin_go_version(const struct gobin *b);
/* The 1.X minor number: 22 for go1.22.12; -1 if it cannot be parsed. */
int gobin_go_minor(const struct gobin *b);
/* Main module path ("example.com/app"), "" when built without modules. */
const char *gobin_main_module(const struct gobin *b);
/* Import path of the main package ("command-line-arguments", "cmd/go"), or "". */
const char *gobin_main_path(const struct gobin *b);
/* .debug_info (or compressed .zdebug_info) present. */
bool gobin_has_dwarf(const struct gobin *b);
/* ET_DYN executable (-buildmode=pie). */
bool gobin_is_pie(const struct gobin *b);
/* .symtab present (absent after -ldflags=-s or strip). */
bool gobin_has_symtab(const struct gobin *b);

/* Functions from .gopclntab, sorted by entry; works on stripped binaries. */
size_t gobin_nfuncs(const struct gobin *b);
const struct gobin_func *gobin_func_at_index(const struct gobin *b, size_t i);
/* Exact name lookup; NULL if absent. */
const struct gobin_func *gobin_find_func(const struct gobin *b, const char *name);
/* The function whose [entry, end) holds addr; NULL if none. */
const struct gobin_func *gobin_func_containing(const struct gobin *b, uint64_t addr);

/* Where the 1.18+ pclntab's text base came from ("text at 0x401000 by
 * the moduledata"), or "absolute PCs" (Go < 1.18). */
const char *gobin_text_base_source(const struct gobin *b);
/* True when a .symtab exists and every pclntab function matched it (a
 * mismatch makes gobin_open fail). */
bool gobin_symtab_checked(const struct gobin *b);

/* ELF .symtab lookup: 0, or -ENOENT (also when there is no .symtab). */
int gobin_symbol(const struct gobin *b, const char *name, uint64_t *addr, uint64_t *size);

/* Copy n bytes of the loaded image at vaddr (the .bss part reads as
 * zeroes). 0, or -EFAULT if any byte lies outside every PT_LOAD segment. */
int gobin_read(const struct gobin *b, uint64_t vaddr, void *buf, size_t n);
/* A pointer-sized word of the image as the loader leaves it: a PIE's
 * R_X86_64_RELATIVE relocation there (RELA or RELR) gives its link-time
 * value, else the file's bytes. 0 or -EFAULT. */
int gobin_read_word(const struct gobin *b, uint64_t vaddr, uint64_t *v);
/* Addresses (at most max) of 8-aligned words in non-executable segments
 * that hold `value`, in the file or by relocation; returns how many. */
size_t gobin_find_word(const struct gobin *b, uint64_t value, uint64_t *addrs, size_t max);
/* Link-time address of the pclntab (pcHeader). */
uint64_t gobin_pclntab_addr(const struct gobin *b);

/* File offset of a file-backed address (uprobe offsets); 0 or -EFAULT. */
int gobin_vaddr_to_offset(const struct gobin *b, uint64_t vaddr, uint64_t *off);
/* Pointer to n bytes of executable file-backed code at vaddr, or NULL. */
const uint8_t *gobin_code(const struct gobin *b, uint64_t vaddr, size_t n);

#endif
