/* fuzz_common.c — base files, patch lists and in-memory files for the
 * fuzz targets. */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct fuzz_buf fuzz_read_file(const char *path)
{
	struct fuzz_buf b = {0};
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "fuzz: cannot read %s\n", path);
		abort();
	}
	b.len = (size_t)n;
	b.data = malloc(b.len ? b.len : 1);
	if (!b.data || fread(b.data, 1, b.len, f) != b.len) {
		fprintf(stderr, "fuzz: cannot read %s\n", path);
		abort();
	}
	fclose(f);
	return b;
}

char *fuzz_testprog(const char *rel)
{
	const char *dir = getenv("GPROBE_TESTPROGS");
	char *p;

	if (rel[0] == '/')
		return strdup(rel);
	if (!dir || !*dir)
		return NULL;
	p = malloc(strlen(dir) + strlen(rel) + 2);
	if (!p)
		abort();
	sprintf(p, "%s/%s", dir, rel);
	return p;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t fuzz_apply_patches(uint8_t *dst, size_t len, const struct fuzz_region *regions,
			  size_t nregions, const uint8_t *in, size_t inlen)
{
	size_t i = 0, n = 0;

	while (i + 6 <= inlen && nregions) {
		const struct fuzz_region *r = &regions[in[i] % nregions];
		uint32_t off = le32(in + i + 1);
		size_t plen = in[i + 5], at;

		i += 6;
		if (plen > inlen - i)
			plen = inlen - i;
		if (r->len && r->off < len) {
			at = r->off + off % r->len;
			for (size_t k = 0; k < plen && at + k < len; k++)
				dst[at + k] = in[i + k];
			n++;
		}
		i += plen;
	}
	return n;
}

int fuzz_memfile(const void *data, size_t len, char *path, size_t pathlen)
{
	int fd = memfd_create("gprobe-fuzz", MFD_CLOEXEC);

	if (fd < 0) {
		perror("fuzz: memfd_create");
		abort();
	}
	fuzz_memfile_set(fd, data, len);
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

void fuzz_memfile_set(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) < 0) {
		perror("fuzz: memfd");
		abort();
	}
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w <= 0) {
			perror("fuzz: memfd write");
			abort();
		}
		p += w;
		len -= (size_t)w;
	}
}
