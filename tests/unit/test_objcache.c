/* test_objcache.c — the compiled-object cache hits only on the same C,
 * refuses directories others could write, and can be turned off. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "objcache.h"
#include "util.h"

int main(void)
{
	char dir[] = "/tmp/gprobe-objcache-XXXXXX";
	unsigned char obj[128] = "\177ELF";
	void *got = NULL;
	size_t n = 0;

	obj[18] = 247; /* EM_BPF */
	for (size_t i = 20; i < sizeof(obj); i++)
		obj[i] = (unsigned char)i;
	CHECK(mkdtemp(dir) != NULL);
	setenv("GPROBE_CACHE_DIR", dir, 1);
	unsetenv("GPROBE_NO_CACHE");

	CHECK_INT(objcache_get("int a;", 6, &got, &n), -ENOENT);
	objcache_put("int a;", 6, obj, sizeof(obj));
	CHECK_INT(objcache_get("int a;", 6, &got, &n), 0);
	CHECK(n == sizeof(obj) && got && memcmp(got, obj, n) == 0);
	free(got);
	got = NULL;
	CHECK_INT(objcache_get("int b;", 6, &got, &n), -ENOENT); /* other C, other entry */
	CHECK_INT(objcache_get("int a;", 5, &got, &n), -ENOENT);

	setenv("GPROBE_NO_CACHE", "1", 1);
	CHECK_INT(objcache_get("int a;", 6, &got, &n), -ENOENT);
	unsetenv("GPROBE_NO_CACHE");

	/* A directory others may write is not trusted. */
	CHECK_INT(chmod(dir, 0777), 0);
	CHECK_INT(objcache_get("int a;", 6, &got, &n), -ENOENT);
	CHECK_INT(chmod(dir, 0700), 0);

	/* Something that is not a BPF object is a miss, never loaded. */
	unsigned char junk[128] = {0};
	objcache_put("int c;", 6, junk, sizeof(junk));
	CHECK_INT(objcache_get("int c;", 6, &got, &n), -ENOENT);

	char *cmd = xasprintf("rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);
	free(cmd);
	return check_done("test_objcache");
}
