/* rtype.h — struct layouts from the binary's own runtime type descriptors.
 *
 * Every Go binary carries an abi.Type descriptor for each type it converts
 * to an interface or reflects on (and for everything those reach: field,
 * element, key, method parameter types), stripped or not. They give kind,
 * size, alignment and, for structs, every field's name, type and offset.
 * This reader finds them through the moduledata (gomodule.h): typelinks and
 * itabs (Go <= 1.26) or the typelink descriptor area and itab area
 * (Go >= 1.27), then walks every type they reference. Types come out in
 * gprobe's model (gotype.h), named the way DWARF and the offsets database
 * name them: "net/url.URL", "*net/url.URL", "[]main.Order", "map[string]int".
 *
 * Descriptor encodings that changed: names carry a varint length since
 * Go 1.17 (2 bytes big-endian before); an embedded field is flagged in its
 * name since 1.19 (in the low bit of offset<<1 before); the map descriptor
 * grew with swiss tables (1.24) and again in 1.27.
 */
#ifndef GPROBE_RTYPE_H
#define GPROBE_RTYPE_H

#include <stdbool.h>
#include <stddef.h>

#include "gomodule.h"
#include "gotype.h"

struct gobin;
struct rtypes;

/* Read every reachable descriptor of b. Types are built lazily into ts
 * (which must outlive the rtypes) but never registered there by name: the
 * index is this reader's own. 0, or -errno with *err (malloc'd). */
int rtypes_open(const struct gobin *b, struct gtypes *ts, struct rtypes **out, char **err);
void rtypes_close(struct rtypes *r);

const struct gomodule *rtypes_module(const struct rtypes *r);
/* Descriptors decoded. */
size_t rtypes_count(const struct rtypes *r);

/* The type of that name, or NULL if the binary has no descriptor for it.
 * "*X" exists whenever X does, as in the DWARF reader. */
struct gtype *rtypes_type(struct rtypes *r, const char *name);
/* Every name with a descriptor (unordered; valid until rtypes_close). */
size_t rtypes_names(const struct rtypes *r, const char *const **names);
/* Whether t was built by this reader. */
bool rtypes_owns(const struct rtypes *r, const struct gtype *t);

#endif
