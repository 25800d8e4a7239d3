/* utf8.h — one definition of well-formed UTF-8 (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), for whatever checks, escapes or
 * writes text: spec files, output rows, offsets databases, expressions. */
#ifndef GPROBE_UTF8_H
#define GPROBE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the well-formed sequence at s (n bytes available), or 0 if
 * s[0] starts none. */
size_t utf8_len(const unsigned char *s, size_t n);
/* Write code point cp (at most U+10FFFF) to out; returns its length, 1 to 4. */
size_t utf8_encode(uint32_t cp, char out[4]);

#endif
