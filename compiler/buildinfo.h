/* buildinfo.h — the Go version and main module a binary was built with.
 *
 * `.go.buildinfo` starts (16-byte aligned) with "\xff Go buildinf:", a
 * pointer size and a flags byte. Go >= 1.18 puts the version and module
 * info inline as varint-prefixed strings; older toolchains store pointers
 * to Go string headers in the data segment, read here through gobin_read.
 */
#ifndef GPROBE_BUILDINFO_H
#define GPROBE_BUILDINFO_H

#include <stddef.h>
#include <stdint.h>

struct gobin;

struct buildinfo {
	char *version;   /* "go1.22.12" */
	int minor;       /* 22, or -1 when the version cannot be parsed */
	char *module;    /* main module path, "" without modules */
	char *main_path; /* import path of the main package, or "" */
};

/* Parse the section's bytes [p, p+len). 0; -ENOEXEC (no build info magic)
 * or -EINVAL (unreadable) with *why, a static string. The strings of *out
 * are malloc'd; the caller owns them. */
int buildinfo_parse(const struct gobin *b, const uint8_t *p, size_t len, struct buildinfo *out,
		    const char **why);

#endif
