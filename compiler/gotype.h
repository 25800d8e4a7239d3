/* gotype.h — the Go type and function model shared by every stage.
 *
 * Both sources of debug facts produce it: the DWARF reader (godwarf.h) for
 * binaries that have DWARF, and the offsets database (offsetsdb.h) for
 * stripped ones. The ABI (goabi.h), the resolver and the generator only ever
 * see this model, never libdw.
 *
 * Types are owned by a `struct gtypes` arena and are immutable once built;
 * pointers to them stay valid until the arena is freed.
 */
#ifndef GPROBE_GOTYPE_H
#define GPROBE_GOTYPE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

enum gkind {
	GK_INVALID = 0,
	GK_BOOL,
	GK_INT,       /* int, int8..int64 (signed) */
	GK_UINT,      /* uint, uint8..uint64, uintptr */
	GK_FLOAT,     /* float32, float64 */
	GK_COMPLEX,   /* complex64, complex128 */
	GK_STRING,    /* fields: str (*uint8), len (int) */
	GK_PTR,       /* elem: pointee (NULL for unsafe.Pointer) */
	GK_FUNC,      /* a func value: one pointer to a closure */
	GK_SLICE,     /* elem: element type; fields: array, len, cap */
	GK_ARRAY,     /* elem, len */
	GK_STRUCT,    /* fields */
	GK_IFACE,     /* fields: tab/_type, data; `empty` for interface{} */
	GK_MAP,       /* a pointer to runtime.hmap; key, elem */
	GK_CHAN,      /* a pointer to runtime.hchan; elem */
};

struct gtype;

struct gfield {
	const char *name;
	uint64_t offset;
	struct gtype *type;
	bool embedded;
};

struct gtype {
	enum gkind kind;
	const char *name; /* Go spelling: "int64", "*runtime.g", "runtime.g", "[]uint8" */
	uint64_t size;
	uint32_t align;   /* computed from the Go rules; DWARF does not carry it */
	struct gtype *elem;
	struct gtype *key;
	uint64_t len;     /* GK_ARRAY */
	bool empty_iface; /* GK_IFACE: interface{} / any (eface) vs iface */
	bool opaque;      /* layout unknown: the offsets DB kept only name and size */
	struct gfield *fields;
	uint32_t nfields;
};

struct gparam {
	const char *name; /* "" or "~r0" style names for unnamed results are normalised to "" */
	struct gtype *type;
	bool result;
};

struct gfunc {
	const char *name;   /* "runtime.gcStart", "main.(*T).M" */
	uint64_t entry;     /* virtual address of the first instruction */
	uint64_t end;       /* one past the last byte */
	struct gparam *params; /* arguments first, then results, in declaration order */
	uint32_t nparams;
	uint32_t nargs;     /* params[0..nargs) are arguments, the rest results */
	bool has_params;    /* false when only the address is known (pclntab) */
};

/* A package variable. */
struct gvar {
	const char *name;   /* "runtime.gcController" */
	uint64_t addr;      /* virtual address in the target */
	struct gtype *type; /* NULL when unknown */
};

/* Type arena. Names are interned in it too. */
struct gtypes;

struct gtypes *gtypes_new(void);
void gtypes_free(struct gtypes *ts);
/* Allocate a zeroed type owned by the arena. */
struct gtype *gtypes_alloc(struct gtypes *ts);
/* Allocate n zeroed fields owned by the arena. */
struct gfield *gtypes_alloc_fields(struct gtypes *ts, uint32_t n);
/* Copy a string into the arena. */
const char *gtypes_intern(struct gtypes *ts, const char *s);
/* Register a named type for gtypes_find(); later registrations don't replace. */
void gtypes_add_named(struct gtypes *ts, struct gtype *t);
/* A new pointer type named `name` ("*X") to elem, not yet named in ts:
 * what a reader makes of a "*X" the program never spelled. */
struct gtype *gtypes_new_pointer(struct gtypes *ts, const char *name, struct gtype *elem);
struct gtype *gtypes_find(struct gtypes *ts, const char *name);
/* The builtin scalar type of that name ("int", "uint8", "bool", "float64",
 * "string", "uintptr", "unsafe.Pointer"), created on first use. */
struct gtype *gtypes_builtin(struct gtypes *ts, const char *name);

/* Go's alignment rule for a type (8 for pointers/ints, fields' max for
 * structs, element's for arrays, 1 for zero-size-only structs...). Fills
 * t->align if zero and returns it. */
uint32_t gtype_align(struct gtype *t);

/* Field by name (NULL if none). Embedded fields are searched depth-first
 * when `promote` is true. *off receives the cumulative offset. */
const struct gfield *gtype_field(const struct gtype *t, const char *name, bool promote, uint64_t *off);

/* True for types whose value is one machine word holding a pointer. */
bool gtype_is_pointer_shaped(const struct gtype *t);

/* "int64"-like short description for `check` output. */
const char *gkind_name(enum gkind k);

#endif
