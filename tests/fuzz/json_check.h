/* json_check.h — a strict RFC 8259 validator for one JSON Lines row, small
 * enough to trust: it accepts exactly one object per line, checks UTF-8
 * (RFC 3629) everywhere and escape syntax in strings, and hands back the
 * members' keys and decoded string values for the caller to compare. */
#ifndef GPROBE_JSON_CHECK_H
#define GPROBE_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_MEMBERS 64
#define JSON_MAX_STR 512

enum json_kind { JK_STRING, JK_NUMBER, JK_TRUE, JK_FALSE, JK_NULL };

struct json_member {
	char key[JSON_MAX_STR];
	enum json_kind kind;
	uint8_t str[JSON_MAX_STR]; /* JK_STRING: decoded bytes (UTF-8) */
	size_t len;
};

/* Length of the well-formed UTF-8 sequence at s (1-4), 0 if ill-formed. */
size_t utf8_seq_len(const uint8_t *s, size_t n);

/* Parse one flat object (values are scalars, as gprobe rows are) from
 * [p, p+n). False with *why set on any deviation from the grammar. */
bool json_check_row(const char *p, size_t n, struct json_member *m, size_t *nm,
		    const char **why);

#endif
