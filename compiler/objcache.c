/* objcache.c — a directory of compiled BPF objects keyed by their inputs. */
#include "objcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embedded.h"
#include "util.h"

/* CMake passes both for the key; builds that compile these sources
 * elsewhere (the fuzzers) still key on something. */
#ifndef GPROBE_VERSION
#define GPROBE_VERSION "dev"
#endif
#ifndef CLANG_VERSION_STRING_FOR_CACHE
#define CLANG_VERSION_STRING_FOR_CACHE "unknown"
#endif
#define EM_BPF_MACHINE 247
#define MAX_OBJECT (64u << 20)

/* Two independent 64-bit FNV-1a lanes: a 128-bit key. Not a defence
 * against someone who can write the directory (its permissions are). */
struct hash {
	uint64_t a, b;
};

static void hash_add(struct hash *h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h->a = (h->a ^ s[i]) * 1099511628211ull;
		h->b = (h->b ^ s[i]) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
	}
	/* The length too, so that concatenations differ. */
	h->a = (h->a ^ n) * 1099511628211ull;
	h->b = (h->b ^ n) * 0x100000001b3ull;
}

static char *cache_dir(void)
{
	const char *env = getenv("GPROBE_NO_CACHE");
	const char *dir = getenv("GPROBE_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *path;
	struct stat st;

	if (env && *env && strcmp(env, "0") != 0)
		return NULL;
	if (dir && *dir)
		path = xstrdup(dir);
	else if (xdg && *xdg)
		path = xasprintf("%s/gprobe", xdg);
	else if (home && *home)
		path = xasprintf("%s/.cache/gprobe", home);
	else
		return NULL;
	if (mkdir(path, 0700) < 0 && errno == ENOENT && !(dir && *dir)) {
		/* ~/.cache itself may be missing. */
		char *parent = xstrndup(path, (size_t)(strrchr(path, '/') - path));
		mkdir(parent, 0700);
		free(parent);
		mkdir(path, 0700);
	}
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 0077)) {
		free(path);
		return NULL;
	}
	return path;
}

static char *entry_path(const char *c_text, size_t len)
{
	struct hash h = {1469598103934665603ull, 0x6c62272e07bb0142ull};
	const char *ver = GPROBE_VERSION " clang-" CLANG_VERSION_STRING_FOR_CACHE;
	char *dir = cache_dir(), *path;

	if (!dir)
		return NULL;
	hash_add(&h, ver, strlen(ver));
	for (size_t i = 0; i < gp_n_embedded_headers; i++) {
		hash_add(&h, gp_embedded_headers[i].name, strlen(gp_embedded_headers[i].name));
		hash_add(&h, gp_embedded_headers[i].data, gp_embedded_headers[i].len);
	}
	hash_add(&h, c_text, len);
	path = xasprintf("%s/%016llx%016llx.bpf.o", dir, (unsigned long long)h.a,
			 (unsigned long long)h.b);
	free(dir);
	return path;
}

int objcache_get(const char *c_text, size_t len, void **obj, size_t *objlen)
{
	char *path = entry_path(c_text, len), *data = NULL;
	size_t n = 0;
	struct stat st;
	int rc = -ENOENT;

	if (!path)
		return -ENOENT;
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    st.st_size > 64 && st.st_size <= MAX_OBJECT && read_file(path, &data, &n) == 0 &&
	    n == (size_t)st.st_size && memcmp(data, "\177ELF", 4) == 0 &&
	    (unsigned char)data[18] == EM_BPF_MACHINE) {
		*obj = data;
		*objlen = n;
		data = NULL;
		rc = 0;
	}
	free(data);
	free(path);
	return rc;
}

void objcache_put(const char *c_text, size_t len, const void *obj, size_t objlen)
{
	char *path = entry_path(c_text, len), *tmp;
	int fd;

	if (!path)
		return;
	tmp = xasprintf("%s.%d.tmp", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		bool ok = write(fd, obj, objlen) == (ssize_t)objlen;
		ok = close(fd) == 0 && ok;
		if (!ok || rename(tmp, path) < 0)
			unlink(tmp);
	}
	free(tmp);
	free(path);
}
