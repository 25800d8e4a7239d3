/* jsonl.h — a small reader of JSON Lines made of flat objects: the rows
 * gprobe writes with -f json (docs/output.md). Members hold strings,
 * numbers, true/false or null; a nested object or array is an error, since
 * gprobe never writes one. Integers keep all 64 bits (signed or unsigned),
 * never passing through a double. No allocation per row: a parsed object
 * reuses its buffers from line to line.
 */
#ifndef GPROBE_JSONL_H
#define GPROBE_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jl_kind {
	JL_NULL,
	JL_BOOL,
	JL_INT,   /* fits int64_t: .i */
	JL_UINT,  /* above INT64_MAX, fits uint64_t: .u */
	JL_FLOAT, /* a fraction, an exponent, or an integer beyond 64 bits: .f */
	JL_STR,   /* .s, .len: decoded UTF-8, NUL-terminated (may hold NULs) */
};

struct jl_value {
	enum jl_kind kind;
	bool b;
	int64_t i;
	uint64_t u;
	double f;
	const char *s;
	size_t len;
};

struct jl_member {
	const char *key; /* decoded, NUL-terminated */
	struct jl_value v;
};

/* One parsed object. Zero-initialise; pointers into it stay valid until
 * the next parse into the same object. */
struct jl_object {
	struct jl_member *m;
	size_t n, cap;
	char *buf; /* decoded strings and keys */
	size_t buf_len, buf_cap;
	size_t *offs; /* per member: key and string offsets into buf */
	size_t offs_cap;
};

/* Parse one JSON object spanning text[0..len) (surrounding whitespace
 * allowed). Returns 0, or -EINVAL with *err_msg (static text) and
 * *err_col (1-based column of the offending byte). */
int jl_parse(struct jl_object *o, const char *text, size_t len, const char **err_msg,
	     size_t *err_col);

/* The first member named key, or NULL. */
const struct jl_value *jl_get(const struct jl_object *o, const char *key);

/* A value as a double: numbers, bools (0/1) and the strings "NaN", "+Inf",
 * "-Inf" gprobe writes for floats. Returns false for anything else. */
bool jl_as_double(const struct jl_value *v, double *out);

void jl_object_free(struct jl_object *o);

/* Line by line over a file ("-": stdin). Blank lines are skipped. */
struct jl_reader;

struct jl_reader *jl_open(const char *path, char **err);

/* Returns 1 with the next object in *o, 0 at end of file, or -errno with
 * *err set to "PATH:LINE:COL: message". */
int jl_next(struct jl_reader *r, struct jl_object *o, char **err);

/* Line number of the object last returned (1-based). */
size_t jl_line(const struct jl_reader *r);

void jl_close(struct jl_reader *r);

#endif
