/* rtype.c — Go runtime type descriptors (abi.Type and kin) as gotype.h types. */
#include "rtype.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gobin.h"
#include "htab.h"
#include "util.h"

/* Bounds no real binary reaches; a corrupted descriptor stops at them. */
#define MAX_DESCS (1u << 21)
#define MAX_FIELDS 65536
#define MAX_METHODS 65536
#define MAX_PARAMS 4096
#define MAX_NAME 65536
#define MAX_DEPTH 256     /* nesting of unnamed types within one name */
#define MAX_BUILD 4096    /* recursion while building (named types end a cycle) */

/* abi.Kind */
enum {
	K_BOOL = 1, K_INT, K_INT8, K_INT16, K_INT32, K_INT64, K_UINT, K_UINT8, K_UINT16,
	K_UINT32, K_UINT64, K_UINTPTR, K_FLOAT32, K_FLOAT64, K_COMPLEX64, K_COMPLEX128,
	K_ARRAY, K_CHAN, K_FUNC, K_IFACE, K_MAP, K_PTR, K_SLICE, K_STRING, K_STRUCT,
	K_UNSAFEPTR,
};

#define TFLAG_UNCOMMON 1
#define TFLAG_EXTRASTAR 2
#define TFLAG_NAMED 4

/* Offsets in abi.Type (the same from 1.15 to 1.27 on amd64). */
#define T_SIZE 0
#define T_TFLAG 20
#define T_ALIGN 21
#define T_KIND 23
#define T_STR 40
#define T_PTRTO 44
#define T_HDR 48

struct desc {
	uint64_t addr;
	uint64_t size;
	uint8_t kind, tflag, align;
	int32_t str;
	uint64_t elem, key;   /* ptr, slice, array, chan, map */
	uint64_t len;         /* array length; chan direction */
	uint64_t list, nlist; /* struct fields / interface methods */
	uint64_t uncommon;    /* address of abi.UncommonType, or 0 */
	const char *name;     /* full name, once computed */
	struct gtype *gt;
	bool naming;          /* cycle guard while naming */
};

struct rtypes {
	const struct gobin *b;
	struct gtypes *ts;
	struct gomodule mod;
	int minor;
	struct desc *descs;
	size_t ndescs, capdescs;
	struct u64map byaddr;  /* descriptor address -> index */
	struct strmap byname;  /* full name -> index */
	struct u64map owned;   /* gtype pointers built here */
	const char **names;
	size_t nnames, capnames;
	uint64_t *queue;
	size_t nqueue, capqueue;
};

/* ---- reading descriptors --------------------------------------------------- */

static bool rd(const struct rtypes *r, uint64_t a, void *p, size_t n)
{
	return gobin_read(r->b, a, p, n) == 0;
}

static bool rd_word(const struct rtypes *r, uint64_t a, uint64_t *v)
{
	return gobin_read_word(r->b, a, v) == 0;
}

/* A nameOff/typeOff is relative to moduledata.types; 0 and -1 mean none. */
static uint64_t resolve_off(const struct rtypes *r, int32_t off)
{
	if (off <= 0 || (uint64_t)off >= r->mod.etypes - r->mod.types)
		return 0;
	return r->mod.types + (uint64_t)off;
}

/* An abi.Name at a: its flags byte and text (malloc'd), or NULL. */
static char *read_name(const struct rtypes *r, uint64_t a, uint8_t *flags)
{
	uint8_t hdr[12];
	uint64_t len = 0, off;
	char *s;

	if (!a || !rd(r, a, hdr, 3))
		return NULL;
	if (r->minor >= 17) {
		size_t i = 0;
		rd(r, a + 1, hdr + 1, sizeof(hdr) - 1); /* a short tail may fail: checked below */
		for (;; i++) {
			if (i >= 10)
				return NULL;
			len |= (uint64_t)(hdr[1 + i] & 0x7f) << (7 * i);
			if (!(hdr[1 + i] & 0x80))
				break;
		}
		off = 2 + i;
	} else {
		len = (uint64_t)hdr[1] << 8 | hdr[2];
		off = 3;
	}
	if (len > MAX_NAME)
		return NULL;
	s = xcalloc(1, len + 1);
	if (len && !rd(r, a + off, s, len)) {
		free(s);
		return NULL;
	}
	if (flags)
		*flags = hdr[0];
	return s;
}

static uint64_t kind_size(const struct rtypes *r, uint8_t kind)
{
	switch (kind) {
	case K_ARRAY:
		return 72;
	case K_CHAN:
		return 64;
	case K_FUNC:
	case K_PTR:
	case K_SLICE:
		return 56;
	case K_IFACE:
	case K_STRUCT:
		return 80;
	case K_MAP:
		/* hmap-era MapType; SwissMapType (1.24); 1.27 adds key/elem strides. */
		return r->minor >= 27 ? 136 : r->minor >= 24 ? 112 : 88;
	default:
		return T_HDR;
	}
}

static void enqueue(struct rtypes *r, uint64_t a)
{
	if (a && !u64map_get(&r->byaddr, a, NULL))
		VEC_PUSH(r->queue, r->nqueue, r->capqueue, a);
}

static void enqueue_off(struct rtypes *r, int32_t off)
{
	enqueue(r, resolve_off(r, off));
}

/* Method types of an uncommon type: each a func type to walk. */
static void walk_methods(struct rtypes *r, uint64_t ut)
{
	uint8_t u[16];
	uint16_t mcount;
	uint32_t moff;

	if (!rd(r, ut, u, sizeof(u)))
		return;
	memcpy(&mcount, u + 4, 2);
	memcpy(&moff, u + 8, 4);
	for (uint32_t i = 0; i < mcount && i < MAX_METHODS; i++) {
		int32_t mtyp;
		if (!rd(r, ut + moff + (uint64_t)i * 16 + 4, &mtyp, 4))
			return;
		enqueue_off(r, mtyp);
	}
}

/* Decode the descriptor at a and queue what it references. False if it is
 * not a plausible descriptor. */
static bool decode(struct rtypes *r, uint64_t a, struct desc *d)
{
	uint8_t h[T_HDR];
	uint64_t w;

	memset(d, 0, sizeof(*d));
	if (!rd(r, a, h, sizeof(h)))
		return false;
	d->addr = a;
	memcpy(&d->size, h + T_SIZE, 8);
	d->tflag = h[T_TFLAG];
	d->align = h[T_ALIGN];
	d->kind = h[T_KIND] & 31;
	memcpy(&d->str, h + T_STR, 4);
	if (d->kind < K_BOOL || d->kind > K_UNSAFEPTR || d->size >> 56 || !resolve_off(r, d->str))
		return false;
	if (d->tflag & TFLAG_UNCOMMON)
		d->uncommon = a + kind_size(r, d->kind);
	switch (d->kind) {
	case K_PTR:
	case K_SLICE:
		rd_word(r, a + 48, &d->elem);
		break;
	case K_ARRAY:
		rd_word(r, a + 48, &d->elem);
		rd(r, a + 64, &d->len, 8);
		break;
	case K_CHAN:
		rd_word(r, a + 48, &d->elem);
		rd(r, a + 56, &d->len, 8);
		break;
	case K_MAP:
		rd_word(r, a + 48, &d->key);
		rd_word(r, a + 56, &d->elem);
		break;
	case K_STRUCT:
	case K_IFACE:
		if (!rd_word(r, a + 56, &d->list) || !rd(r, a + 64, &d->nlist, 8) ||
		    d->nlist > (d->kind == K_STRUCT ? MAX_FIELDS : MAX_METHODS))
			return false;
		break;
	case K_FUNC: {
		uint16_t io[2];
		uint64_t params = a + 56 + (d->uncommon ? 16 : 0);
		if (!rd(r, a + 48, io, 4))
			return false;
		d->nlist = (uint64_t)io[0] + (io[1] & 0x7fff); /* top bit: variadic */
		for (uint64_t i = 0; i < d->nlist && i < MAX_PARAMS; i++)
			if (rd_word(r, params + i * 8, &w))
				enqueue(r, w);
		break;
	}
	default:
		break;
	}
	enqueue(r, d->elem);
	enqueue(r, d->key);
	if (d->kind == K_STRUCT)
		for (uint64_t i = 0; i < d->nlist; i++)
			if (rd_word(r, d->list + i * 24 + 8, &w))
				enqueue(r, w);
	if (d->kind == K_IFACE)
		for (uint64_t i = 0; i < d->nlist; i++) {
			int32_t ityp;
			if (rd(r, d->list + i * 8 + 4, &ityp, 4))
				enqueue_off(r, ityp);
		}
	if (d->uncommon)
		walk_methods(r, d->uncommon);
	enqueue_off(r, (int32_t)(h[T_PTRTO] | h[T_PTRTO + 1] << 8 | h[T_PTRTO + 2] << 16 |
				 (uint32_t)h[T_PTRTO + 3] << 24));
	return true;
}

/* The descriptor's size in memory, as abi.Type.DescriptorSize (Go 1.27)
 * counts it: to step from one typelink descriptor to the next. */
static uint64_t desc_span(const struct rtypes *r, const struct desc *d)
{
	uint64_t n = kind_size(r, d->kind);
	uint16_t mcount = 0;

	if (d->uncommon) {
		rd(r, d->uncommon + 4, &mcount, 2);
		n += 16;
	}
	if (d->kind == K_FUNC)
		n += d->nlist * 8;
	else if (d->kind == K_STRUCT)
		n += d->nlist * 24;
	else if (d->kind == K_IFACE)
		n += d->nlist * 8;
	return n + (uint64_t)mcount * 16;
}

static void drain(struct rtypes *r)
{
	while (r->nqueue && r->ndescs < MAX_DESCS) {
		uint64_t a = r->queue[--r->nqueue];
		struct desc d;
		bool added;
		size_t *i = u64map_put(&r->byaddr, a, &added);
		if (!added)
			continue;
		*i = SIZE_MAX; /* seen, maybe bad */
		if (!decode(r, a, &d))
			continue;
		*u64map_put(&r->byaddr, a, NULL) = r->ndescs;
		VEC_PUSH(r->descs, r->ndescs, r->capdescs, d);
	}
}

static void itab_roots(struct rtypes *r, uint64_t itab)
{
	uint64_t w;

	if (rd_word(r, itab, &w))
		enqueue(r, w);
	if (rd_word(r, itab + 8, &w))
		enqueue(r, w);
}

static void roots_links(struct rtypes *r)
{
	for (uint64_t i = 0; i < r->mod.ntypelinks; i++) {
		int32_t off;
		if (rd(r, r->mod.typelinks + i * 4, &off, 4))
			enqueue_off(r, off);
	}
	for (uint64_t i = 0; i < r->mod.nitablinks; i++) {
		uint64_t itab;
		if (rd_word(r, r->mod.itablinks + i * 8, &itab))
			itab_roots(r, itab);
	}
}

/* Go 1.27: descriptors back to back (runtime.moduleTypelinks), then itabs
 * (runtime.addModuleItabs). */
static void roots_areas(struct rtypes *r)
{
	uint64_t td = r->mod.types + 8, end = r->mod.types + r->mod.typedesclen;
	uint64_t p = r->mod.types + r->mod.itaboffset, iend = p + r->mod.itabsize;
	struct desc d;

	while (td < end) {
		td = (td + 7) & ~7ull;
		if (!decode(r, td, &d))
			break;
		enqueue(r, td);
		td += desc_span(r, &d);
	}
	while (p < iend) {
		uint64_t inter, fun0 = 0, nm = 0;
		itab_roots(r, p);
		if (!rd_word(r, p, &inter) || !rd(r, p + 24, &fun0, 8) ||
		    !rd(r, inter + 64, &nm, 8) || nm > MAX_METHODS)
			break;
		p += 32 + (fun0 && nm ? (nm - 1) * 8 : 0);
	}
}

/* ---- names ------------------------------------------------------------------ */

static struct desc *desc_at(struct rtypes *r, uint64_t a)
{
	size_t i;

	return a && u64map_get(&r->byaddr, a, &i) && i != SIZE_MAX ? &r->descs[i] : NULL;
}

static char *pkg_path(struct rtypes *r, const struct desc *d)
{
	int32_t off;

	if (!d->uncommon || !rd(r, d->uncommon, &off, 4))
		return NULL;
	return read_name(r, resolve_off(r, off), NULL);
}

static const char *full_name(struct rtypes *r, struct desc *d, int depth);

static char *elem_name(struct rtypes *r, uint64_t a, int depth)
{
	struct desc *e = desc_at(r, a);
	const char *n = e ? full_name(r, e, depth + 1) : NULL;
	return n ? xstrdup(n) : NULL;
}

/* A named type: its package path from the uncommon type in front of the
 * runtime's short spelling ("url.URL" -> "net/url.URL"). A package name
 * has no dots, so the first one ends it. */
static char *named(struct rtypes *r, const struct desc *d, const char *str)
{
	char *pkg = pkg_path(r, d), *s;
	const char *dot = strchr(str, '.');
	size_t pl = pkg ? strlen(pkg) : 0;

	if (!pkg || !*pkg || !dot || (strncmp(str, pkg, pl) == 0 && str[pl] == '.'))
		s = xstrdup(str);
	else
		s = xasprintf("%s%s", pkg, dot);
	free(pkg);
	return s;
}

/* "func(*net/url.URL, ...int) (int, error)", as DWARF spells it. */
static char *func_name(struct rtypes *r, const struct desc *d, int depth)
{
	uint16_t io[2];
	uint64_t params = d->addr + 56 + (d->uncommon ? 16 : 0), w;
	struct strbuf sb = {0};
	char *e;

	if (!rd(r, d->addr + 48, io, 4) || d->nlist > MAX_PARAMS)
		return NULL;
	sb_puts(&sb, "func(");
	for (uint64_t i = 0; i < d->nlist; i++) {
		bool variadic = (io[1] & 0x8000) && i + 1 == io[0];
		if (!rd_word(r, params + i * 8, &w) || !(e = elem_name(r, w, depth))) {
			sb_free(&sb);
			return NULL;
		}
		if (i == io[0])
			sb_puts(&sb, d->nlist - io[0] > 1 ? ") (" : ") ");
		else if (i)
			sb_puts(&sb, ", ");
		sb_puts(&sb, variadic && strncmp(e, "[]", 2) == 0 ? "..." : "");
		sb_puts(&sb, variadic && strncmp(e, "[]", 2) == 0 ? e + 2 : e);
		free(e);
	}
	sb_puts(&sb, d->nlist == io[0] ? ")" : d->nlist - io[0] > 1 ? ")" : "");
	return sb_steal(&sb);
}

/* "struct { runtime.base uintptr; End int; runtime.gList }": unexported
 * field names qualified by their package, embedded fields by type alone. */
static char *struct_name(struct rtypes *r, const struct desc *d, int depth)
{
	struct strbuf sb = {0};
	uint64_t np, tp;
	char *pkg = NULL, *fname, *tname;
	uint8_t flags;

	if (!d->nlist)
		return xstrdup("struct {}");
	if (rd_word(r, d->addr + 48, &np))
		pkg = read_name(r, np, NULL);
	sb_puts(&sb, "struct { ");
	for (uint64_t i = 0; i < d->nlist; i++) {
		uint64_t off = 0;
		if (!rd_word(r, d->list + i * 24, &np) || !rd_word(r, d->list + i * 24 + 8, &tp) ||
		    !rd(r, d->list + i * 24 + 16, &off, 8) || !(fname = read_name(r, np, &flags)))
			break;
		tname = elem_name(r, tp, depth);
		if (i)
			sb_puts(&sb, "; ");
		if (r->minor >= 19 ? (flags & 8) : (off & 1))
			sb_puts(&sb, tname ? tname : "?");
		else if ((fname[0] >= 'A' && fname[0] <= 'Z') || !pkg || !*pkg ||
			 (r->minor < 17 && strcmp(fname, "_") == 0))
			sb_printf(&sb, "%s %s", fname, tname ? tname : "?");
		else
			sb_printf(&sb, "%s.%s %s", pkg, fname, tname ? tname : "?");
		free(fname);
		free(tname);
	}
	sb_puts(&sb, " }");
	free(pkg);
	return sb_steal(&sb);
}

static char *compose(struct rtypes *r, struct desc *d, const char *str, int depth)
{
	char *e = NULL, *k = NULL, *s = NULL;

	if (d->tflag & TFLAG_NAMED)
		return named(r, d, str);
	switch (d->kind) {
	case K_PTR:
	case K_SLICE:
	case K_ARRAY:
	case K_CHAN:
		if (!(e = elem_name(r, d->elem, depth)))
			return NULL;
		if (d->kind == K_PTR)
			s = xasprintf("*%s", e);
		else if (d->kind == K_SLICE)
			s = xasprintf("[]%s", e);
		else if (d->kind == K_ARRAY)
			s = xasprintf("[%" PRIu64 "]%s", d->len, e);
		else
			s = xasprintf("%s%s", d->len == 1 ? "<-chan " : d->len == 2 ? "chan<- " : "chan ", e);
		break;
	case K_MAP:
		if ((k = elem_name(r, d->key, depth)) && (e = elem_name(r, d->elem, depth)))
			s = xasprintf("map[%s]%s", k, e);
		break;
	case K_FUNC:
		s = func_name(r, d, depth);
		break;
	case K_STRUCT:
		s = struct_name(r, d, depth);
		break;
	default:
		s = xstrdup(str);
	}
	free(e);
	free(k);
	return s;
}

static const char *full_name(struct rtypes *r, struct desc *d, int depth)
{
	char *str, *s;

	if (d->name || d->naming || depth > MAX_DEPTH)
		return d->name;
	str = read_name(r, resolve_off(r, d->str), NULL);
	if (!str)
		return NULL;
	d->naming = true;
	s = compose(r, d, (d->tflag & TFLAG_EXTRASTAR) && str[0] == '*' ? str + 1 : str, depth);
	d->naming = false;
	free(str);
	if (s) {
		d->name = gtypes_intern(r->ts, s);
		free(s);
	}
	return d->name;
}

static void index_names(struct rtypes *r)
{
	for (size_t i = 0; i < r->ndescs; i++) {
		const char *n = full_name(r, &r->descs[i], 0);
		bool fresh;
		size_t *slot;
		if (!n)
			continue;
		slot = strmap_put(&r->byname, n, &fresh);
		if (fresh) {
			*slot = i;
			VEC_PUSH(r->names, r->nnames, r->capnames, n);
		}
	}
}

/* ---- gotype.h types ------------------------------------------------------ */

static struct gtype *build(struct rtypes *r, struct desc *d, int depth);

static struct gtype *build_at(struct rtypes *r, uint64_t a, int depth)
{
	struct desc *d = desc_at(r, a);
	return d && depth < MAX_BUILD ? build(r, d, depth + 1) : NULL;
}

static struct gtype *new_type(struct rtypes *r, struct desc *d, enum gkind k)
{
	struct gtype *t = gtypes_alloc(r->ts);

	t->kind = k;
	t->name = d->name;
	t->size = d->size;
	t->align = d->align;
	d->gt = t;
	*u64map_put(&r->owned, (uint64_t)(uintptr_t)t, NULL) = 1;
	return t;
}

static struct gtype *ptr_to(struct rtypes *r, struct gtype *elem, const char *name)
{
	size_t i;
	struct gtype *t;

	if (strmap_get(&r->byname, name, &i) && r->descs[i].kind == K_PTR)
		return build(r, &r->descs[i], 0);
	t = gtypes_new_pointer(r->ts, name, elem);
	*u64map_put(&r->owned, (uint64_t)(uintptr_t)t, NULL) = 1;
	return t;
}

static void set_field(struct rtypes *r, struct gfield *f, const char *name, uint64_t off,
		      struct gtype *t)
{
	*f = (struct gfield){gtypes_intern(r->ts, name), off, t, false};
}

/* The hidden layouts DWARF spells out as runtime structs. */
static void header_fields(struct rtypes *r, struct gtype *t)
{
	struct gtype *uint8p, *p, *ip = gtypes_builtin(r->ts, "int");
	char *an;

	gtype_align(ip);
	switch (t->kind) {
	case GK_STRING:
		uint8p = ptr_to(r, gtypes_builtin(r->ts, "uint8"), "*uint8");
		t->fields = gtypes_alloc_fields(r->ts, 2);
		t->nfields = 2;
		set_field(r, &t->fields[0], "str", 0, uint8p);
		set_field(r, &t->fields[1], "len", 8, ip);
		break;
	case GK_SLICE:
		an = xasprintf("*%s", t->elem && t->elem->name ? t->elem->name : "uint8");
		p = ptr_to(r, t->elem, an);
		free(an);
		t->fields = gtypes_alloc_fields(r->ts, 3);
		t->nfields = 3;
		set_field(r, &t->fields[0], "array", 0, p);
		set_field(r, &t->fields[1], "len", 8, ip);
		set_field(r, &t->fields[2], "cap", 16, ip);
		break;
	case GK_IFACE:
		p = ptr_to(r, NULL, t->empty_iface ? "*runtime._type" : "*runtime.itab");
		t->fields = gtypes_alloc_fields(r->ts, 2);
		t->nfields = 2;
		set_field(r, &t->fields[0], t->empty_iface ? "_type" : "tab", 0, p);
		set_field(r, &t->fields[1], "data", 8, gtypes_builtin(r->ts, "unsafe.Pointer"));
		break;
	default:
		break;
	}
}

static void struct_fields(struct rtypes *r, struct desc *d, struct gtype *t, int depth)
{
	t->fields = gtypes_alloc_fields(r->ts, (uint32_t)d->nlist);
	for (uint64_t i = 0; i < d->nlist; i++) {
		uint64_t np = 0, tp = 0, off = 0;
		uint8_t flags = 0;
		char *name;
		struct gfield *f = &t->fields[t->nfields];
		if (!rd_word(r, d->list + i * 24, &np) || !rd_word(r, d->list + i * 24 + 8, &tp) ||
		    !rd(r, d->list + i * 24 + 16, &off, 8) || !(name = read_name(r, np, &flags)))
			continue;
		f->name = gtypes_intern(r->ts, name);
		free(name);
		if (r->minor >= 19) {
			f->offset = off;
			f->embedded = flags & 8;
		} else {
			f->offset = off >> 1;
			f->embedded = off & 1;
		}
		f->type = build_at(r, tp, depth);
		t->nfields++;
	}
}

static const enum gkind scalar_kinds[] = {
	[K_BOOL] = GK_BOOL,        [K_INT] = GK_INT,          [K_INT8] = GK_INT,
	[K_INT16] = GK_INT,        [K_INT32] = GK_INT,        [K_INT64] = GK_INT,
	[K_UINT] = GK_UINT,        [K_UINT8] = GK_UINT,       [K_UINT16] = GK_UINT,
	[K_UINT32] = GK_UINT,      [K_UINT64] = GK_UINT,      [K_UINTPTR] = GK_UINT,
	[K_FLOAT32] = GK_FLOAT,    [K_FLOAT64] = GK_FLOAT,    [K_COMPLEX64] = GK_COMPLEX,
	[K_COMPLEX128] = GK_COMPLEX,
};

static struct gtype *build(struct rtypes *r, struct desc *d, int depth)
{
	struct gtype *t, *b;

	if (d->gt)
		return d->gt;
	if (!d->name)
		return NULL;
	if (d->kind <= K_COMPLEX128 || d->kind == K_STRING || d->kind == K_UNSAFEPTR) {
		/* Builtins are shared with the other sources; a named scalar
		 * ("type guintptr uintptr") is a renamed copy, as in DWARF. */
		b = !strchr(d->name, '.') || strcmp(d->name, "unsafe.Pointer") == 0
			    ? gtypes_builtin(r->ts, d->name) : NULL;
		if (b && b->size == d->size) {
			gtype_align(b);
			return d->gt = b;
		}
		t = new_type(r, d, d->kind == K_STRING ? GK_STRING : d->kind == K_UNSAFEPTR ? GK_PTR
											    : scalar_kinds[d->kind]);
		header_fields(r, t);
		return t;
	}
	switch (d->kind) {
	case K_PTR:
		t = new_type(r, d, GK_PTR);
		t->elem = build_at(r, d->elem, depth);
		break;
	case K_SLICE:
		t = new_type(r, d, GK_SLICE);
		t->elem = build_at(r, d->elem, depth);
		header_fields(r, t);
		break;
	case K_ARRAY:
		t = new_type(r, d, GK_ARRAY);
		t->len = d->len;
		t->elem = build_at(r, d->elem, depth);
		break;
	case K_CHAN:
		t = new_type(r, d, GK_CHAN);
		t->elem = build_at(r, d->elem, depth);
		break;
	case K_MAP:
		t = new_type(r, d, GK_MAP);
		t->key = build_at(r, d->key, depth);
		t->elem = build_at(r, d->elem, depth);
		break;
	case K_FUNC:
		t = new_type(r, d, GK_FUNC);
		break;
	case K_IFACE:
		t = new_type(r, d, GK_IFACE);
		t->empty_iface = d->nlist == 0;
		header_fields(r, t);
		break;
	case K_STRUCT:
		t = new_type(r, d, GK_STRUCT);
		struct_fields(r, d, t, depth);
		break;
	default:
		return NULL;
	}
	return t;
}

/* ---- API -------------------------------------------------------------------- */

int rtypes_open(const struct gobin *b, struct gtypes *ts, struct rtypes **out, char **err)
{
	struct rtypes *r = xcalloc(1, sizeof(*r));
	int rc = gomodule_find(b, &r->mod, err);

	if (rc) {
		free(r);
		return rc;
	}
	r->b = b;
	r->ts = ts;
	r->minor = gobin_go_minor(b);
	if (r->mod.typelinks || r->mod.itablinks)
		roots_links(r);
	else
		roots_areas(r);
	drain(r);
	free(r->queue);
	r->queue = NULL;
	r->nqueue = r->capqueue = 0;
	index_names(r);
	if (!r->nnames) {
		*err = xasprintf("%s: no runtime type descriptors found", gobin_path(b));
		rtypes_close(r);
		return -ENOENT;
	}
	*out = r;
	return 0;
}

void rtypes_close(struct rtypes *r)
{
	if (!r)
		return;
	free(r->descs);
	u64map_free(&r->byaddr);
	strmap_free(&r->byname);
	u64map_free(&r->owned);
	free(r->names);
	free(r->queue);
	free(r);
}

const struct gomodule *rtypes_module(const struct rtypes *r)
{
	return &r->mod;
}

size_t rtypes_count(const struct rtypes *r)
{
	return r->ndescs;
}

struct gtype *rtypes_type(struct rtypes *r, const char *name)
{
	size_t i;
	struct gtype *e;

	if (strmap_get(&r->byname, name, &i))
		return build(r, &r->descs[i], 0);
	if (name[0] != '*' || !(e = rtypes_type(r, name + 1)))
		return NULL;
	return ptr_to(r, e, name);
}

size_t rtypes_names(const struct rtypes *r, const char *const **names)
{
	*names = r->names;
	return r->nnames;
}

bool rtypes_owns(const struct rtypes *r, const struct gtype *t)
{
	return u64map_get(&r->owned, (uint64_t)(uintptr_t)t, NULL);
}
