/* gotype.c — the type arena and the Go layout rules that DWARF leaves out. */
#include "gotype.h"

#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "util.h"

struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct gtypes {
	struct chunk *chunks;
	struct gtype **named;
	size_t nnamed, capnamed;
	struct strmap byname; /* name -> index in named */
};

static void *arena_alloc(struct gtypes *ts, size_t n)
{
	struct chunk *c = ts->chunks;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->used + n > c->cap) {
		size_t cap = n > 65536 ? n : 65536;
		c = xmalloc(sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		c->next = ts->chunks;
		ts->chunks = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

struct gtypes *gtypes_new(void)
{
	return xcalloc(1, sizeof(struct gtypes));
}

void gtypes_free(struct gtypes *ts)
{
	if (!ts)
		return;
	for (struct chunk *c = ts->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(ts->named);
	strmap_free(&ts->byname);
	free(ts);
}

struct gtype *gtypes_alloc(struct gtypes *ts)
{
	return arena_alloc(ts, sizeof(struct gtype));
}

struct gfield *gtypes_alloc_fields(struct gtypes *ts, uint32_t n)
{
	return arena_alloc(ts, (size_t)n * sizeof(struct gfield));
}

const char *gtypes_intern(struct gtypes *ts, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(ts, n);
	memcpy(p, s, n);
	return p;
}

struct gtype *gtypes_find(struct gtypes *ts, const char *name)
{
	size_t i;

	return name && strmap_get(&ts->byname, name, &i) ? ts->named[i] : NULL;
}

void gtypes_add_named(struct gtypes *ts, struct gtype *t)
{
	bool added;
	size_t *i;

	if (!t->name)
		return;
	i = strmap_put(&ts->byname, t->name, &added);
	if (!added)
		return;
	*i = ts->nnamed;
	VEC_PUSH(ts->named, ts->nnamed, ts->capnamed, t);
}

struct gtype *gtypes_new_pointer(struct gtypes *ts, const char *name, struct gtype *elem)
{
	struct gtype *t = gtypes_alloc(ts);

	t->kind = GK_PTR;
	t->name = gtypes_intern(ts, name);
	t->size = t->align = 8;
	t->elem = elem;
	return t;
}

static const struct {
	const char *name;
	enum gkind kind;
	uint64_t size;
} builtins[] = {
	{"bool", GK_BOOL, 1},     {"int", GK_INT, 8},        {"int8", GK_INT, 1},
	{"int16", GK_INT, 2},     {"int32", GK_INT, 4},      {"int64", GK_INT, 8},
	{"uint", GK_UINT, 8},     {"uint8", GK_UINT, 1},     {"uint16", GK_UINT, 2},
	{"uint32", GK_UINT, 4},   {"uint64", GK_UINT, 8},    {"uintptr", GK_UINT, 8},
	{"float32", GK_FLOAT, 4}, {"float64", GK_FLOAT, 8},  {"complex64", GK_COMPLEX, 8},
	{"complex128", GK_COMPLEX, 16}, {"unsafe.Pointer", GK_PTR, 8},
	{"byte", GK_UINT, 1},     {"rune", GK_INT, 4},
};

struct gtype *gtypes_builtin(struct gtypes *ts, const char *name)
{
	struct gtype *t = gtypes_find(ts, name);

	if (t)
		return t;
	if (strcmp(name, "string") == 0) {
		t = gtypes_alloc(ts);
		t->kind = GK_STRING;
		t->name = gtypes_intern(ts, "string");
		t->size = 16;
		t->fields = gtypes_alloc_fields(ts, 2);
		t->nfields = 2;
		t->fields[0] = (struct gfield){gtypes_intern(ts, "str"), 0, NULL, false};
		t->fields[0].type = gtypes_alloc(ts);
		t->fields[0].type->kind = GK_PTR;
		t->fields[0].type->name = gtypes_intern(ts, "*uint8");
		t->fields[0].type->size = 8;
		t->fields[0].type->elem = gtypes_builtin(ts, "uint8");
		t->fields[1] = (struct gfield){gtypes_intern(ts, "len"), 8, gtypes_builtin(ts, "int"), false};
		gtypes_add_named(ts, t);
		return t;
	}
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++) {
		if (strcmp(builtins[i].name, name) != 0)
			continue;
		t = gtypes_alloc(ts);
		t->kind = builtins[i].kind;
		t->name = gtypes_intern(ts, name);
		t->size = builtins[i].size;
		gtypes_add_named(ts, t);
		return t;
	}
	return NULL;
}

uint32_t gtype_align(struct gtype *t)
{
	uint32_t a = 1;

	if (!t)
		return 1;
	if (t->align)
		return t->align;
	switch (t->kind) {
	case GK_BOOL:
	case GK_INT:
	case GK_UINT:
	case GK_FLOAT:
		a = t->size >= 8 ? 8 : (uint32_t)(t->size ? t->size : 1);
		break;
	case GK_COMPLEX:
		a = t->size == 8 ? 4 : 8;
		break;
	case GK_ARRAY:
		a = gtype_align(t->elem);
		break;
	case GK_STRUCT:
		for (uint32_t i = 0; i < t->nfields; i++) {
			uint32_t fa = gtype_align(t->fields[i].type);
			if (fa > a)
				a = fa;
		}
		break;
	default:
		a = 8;
		break;
	}
	t->align = a;
	return a;
}

const struct gfield *gtype_field(const struct gtype *t, const char *name, bool promote, uint64_t *off)
{
	if (!t || (t->kind != GK_STRUCT && t->kind != GK_STRING && t->kind != GK_SLICE &&
		   t->kind != GK_IFACE))
		return NULL;
	for (uint32_t i = 0; i < t->nfields; i++) {
		if (strcmp(t->fields[i].name, name) == 0) {
			if (off)
				*off = t->fields[i].offset;
			return &t->fields[i];
		}
	}
	if (!promote)
		return NULL;
	for (uint32_t i = 0; i < t->nfields; i++) {
		const struct gfield *f = &t->fields[i];
		uint64_t sub = 0;
		const struct gfield *r;
		if (!f->embedded || !f->type || f->type->kind != GK_STRUCT)
			continue;
		r = gtype_field(f->type, name, true, &sub);
		if (r) {
			if (off)
				*off = f->offset + sub;
			return r;
		}
	}
	return NULL;
}

bool gtype_is_pointer_shaped(const struct gtype *t)
{
	return t && (t->kind == GK_PTR || t->kind == GK_MAP || t->kind == GK_CHAN ||
		     t->kind == GK_FUNC);
}

const char *gkind_name(enum gkind k)
{
	static const char *const names[] = {
		[GK_INVALID] = "invalid", [GK_BOOL] = "bool",     [GK_INT] = "int",
		[GK_UINT] = "uint",       [GK_FLOAT] = "float",   [GK_COMPLEX] = "complex",
		[GK_STRING] = "string",   [GK_PTR] = "pointer",   [GK_FUNC] = "func",
		[GK_SLICE] = "slice",     [GK_ARRAY] = "array",   [GK_STRUCT] = "struct",
		[GK_IFACE] = "interface", [GK_MAP] = "map",       [GK_CHAN] = "chan",
	};
	return (unsigned)k < ARRAY_SIZE(names) && names[k] ? names[k] : "invalid";
}
