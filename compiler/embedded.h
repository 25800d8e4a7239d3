/* embedded.h — files compiled into the gprobe binary (cmake/embed.cmake). */
#ifndef GPROBE_EMBEDDED_H
#define GPROBE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* bare file name, as #included */
	const char *data;
	size_t len;
};

extern const struct embedded_file gp_embedded_headers[];
extern const size_t gp_n_embedded_headers;

/* The offsets databases of bpf-gen/db/, named "go1.22.yaml" (offsetsdb.h). */
extern const struct embedded_file gp_embedded_dbs[];
extern const size_t gp_n_embedded_dbs;

#endif
