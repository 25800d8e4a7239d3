/* gprobe.c — command-line entry point (placeholder until the commands land). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "version") == 0) {
		printf("gprobe %s\n", GPROBE_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: gprobe version\n");
	return 2;
}
