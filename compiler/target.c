/* target.c — debug facts of one Go executable, from DWARF, the binary's type
 * descriptors or the offsets DB. */
#include "target.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "goabi.h"
#include "gobin.h"
#include "godwarf.h"
#include "offsetsdb.h"
#include "rtype.h"
#include "util.h"

#define MAX_LABELS 4096

struct target_layouts;

struct target {
	char *path;
	struct gobin *bin;
	struct godwarf *dw;    /* NULL when the binary has no DWARF */
	struct offsetsdb *db;  /* stripped binaries: the database of its Go version */
	char *db_err;          /* why there is no database, when stripped */
	struct rtypes *rt;     /* stripped binaries: its runtime type descriptors */
	struct target_layouts *lay; /* which layouts came from descriptors */
	struct gtypes *types;
	int go_minor;
	bool regabi;
	struct target_observer obs; /* bpf-gen's recorder, when it listens */
	struct gfunc **dbfuncs;    /* database functions completed with addresses */
	size_t ndbfuncs, capdbfuncs;
};

/* A database struct whose layout the binary's descriptors replaced. */
struct replaced {
	const struct gtype *t;
	char *why; /* how the two disagreed; NULL: the database had no layout */
	bool told;
};

struct target_layouts {
	struct replaced *rep;
	size_t nrep, caprep;
	const char **used; /* names of descriptor layouts used */
	size_t nused, capused;
	char **notices;
	size_t nnotices, capnotices;
};

static void open_descriptors(struct target *t);

struct target *target_open(const char *path, struct diags *d)
{
	struct target *t = xcalloc(1, sizeof(*t));
	char *err = NULL;
	int rc;

	t->path = xstrdup(path);
	t->types = gtypes_new();
	rc = gobin_open(path, &t->bin, &err);
	if (rc < 0) {
		diag_error(d, (struct srcloc){0}, "%s", err ? err : strerror(-rc));
		free(err);
		target_close(t);
		return NULL;
	}
	t->go_minor = gobin_go_minor(t->bin);
	t->regabi = goabi_is_regabi(t->go_minor);
	if (gobin_has_dwarf(t->bin)) {
		/* gobin's private copy: never the file again (see gobin.c). */
		rc = godwarf_open_elf(gobin_elf(t->bin), t->types, &t->dw, &err);
		if (rc < 0) {
			diag_error(d, (struct srcloc){0}, "%s: %s", path, err ? err : strerror(-rc));
			free(err);
			target_close(t);
			return NULL;
		}
		return t;
	}
	/* Stripped: the facts come from the database of its Go version. An
	 * unknown version is not an error yet: `inspect` works without. */
	if (offsetsdb_open_embedded(gobin_go_version(t->bin), t->types, &t->db, &err) < 0) {
		t->db_err = xasprintf("%s has no DWARF (stripped) and %s", path,
				      err ? err : "no offsets database matches its Go version");
		free(err);
	}
	open_descriptors(t);
	return t;
}

void target_close(struct target *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ndbfuncs; i++)
		free(t->dbfuncs[i]);
	free(t->dbfuncs);
	if (t->dw)
		godwarf_close(t->dw);
	if (t->db)
		offsetsdb_close(t->db);
	rtypes_close(t->rt);
	if (t->lay) {
		for (size_t i = 0; i < t->lay->nrep; i++)
			free(t->lay->rep[i].why);
		for (size_t i = 0; i < t->lay->nnotices; i++)
			free(t->lay->notices[i]);
		free(t->lay->rep);
		free(t->lay->used);
		free(t->lay->notices);
		free(t->lay);
	}
	if (t->bin)
		gobin_close(t->bin);
	gtypes_free(t->types);
	free(t->db_err);
	free(t->path);
	free(t);
}

const char *target_path(const struct target *t)
{
	return t->path;
}

struct gobin *target_bin(const struct target *t)
{
	return t->bin;
}

struct godwarf *target_dwarf(const struct target *t)
{
	return t->dw;
}

struct gtypes *target_types(const struct target *t)
{
	return t->types;
}

bool target_regabi(const struct target *t)
{
	return t->regabi;
}

const char *target_facts_source(const struct target *t, char *buf, size_t n)
{
	if (t->dw)
		snprintf(buf, n, "DWARF");
	else if (t->db && t->rt)
		snprintf(buf, n, "offsets database %s and the binary's type descriptors (no DWARF)",
			 offsetsdb_go_version(t->db));
	else if (t->db)
		snprintf(buf, n, "offsets database %s (no DWARF)", offsetsdb_go_version(t->db));
	else if (t->rt)
		snprintf(buf, n, "the binary's type descriptors only (no DWARF, no offsets database "
			 "for %s)", gobin_go_version(t->bin));
	else
		snprintf(buf, n, "none (no DWARF, no offsets database for %s)", gobin_go_version(t->bin));
	return buf;
}

/* ---- what the resolver used ------------------------------------------------ */

void target_set_observer(struct target *t, const struct target_observer *o)
{
	t->obs = o ? *o : (struct target_observer){0};
}

static struct replaced *replaced_of(const struct target *t, const struct gtype *ty)
{
	for (size_t i = 0; t->lay && i < t->lay->nrep; i++)
		if (t->lay->rep[i].t == ty)
			return &t->lay->rep[i];
	return NULL;
}

/* A used layout from the descriptors: named in `check`, and a database
 * it contradicts is told once. */
static void note_descriptor_layout(struct target *t, struct gtype *ty)
{
	struct replaced *rep = replaced_of(t, ty);

	if (!ty->name || (!rep && !rtypes_owns(t->rt, ty)))
		return;
	for (size_t i = 0; i < t->lay->nused; i++)
		if (strcmp(t->lay->used[i], ty->name) == 0)
			return;
	VEC_PUSH(t->lay->used, t->lay->nused, t->lay->capused, ty->name);
	if (rep && rep->why && !rep->told) {
		rep->told = true;
		VEC_PUSH(t->lay->notices, t->lay->nnotices, t->lay->capnotices,
			 xasprintf("the layout of %s in the offsets database %s disagrees with the "
				   "binary's type descriptors (%s): using the binary's",
				   ty->name, offsetsdb_go_version(t->db), rep->why));
	}
}

void target_note_fields(struct target *t, struct gtype *ty)
{
	if (t->obs.fields && ty && ty->kind == GK_STRUCT)
		t->obs.fields(t->obs.ctx, ty);
	if (t->rt && ty && ty->kind == GK_STRUCT)
		note_descriptor_layout(t, ty);
}

size_t target_descriptor_layouts(const struct target *t, const char *const **names)
{
	*names = t->lay ? t->lay->used : NULL;
	return t->lay ? t->lay->nused : 0;
}

size_t target_notices(const struct target *t, const char *const **msgs)
{
	*msgs = t->lay ? (const char *const *)t->lay->notices : NULL;
	return t->lay ? t->lay->nnotices : 0;
}

/* ---- facts ------------------------------------------------------------------ */

static const struct gfunc *db_func(struct target *t, const char *name, char **why)
{
	const struct gobin_func *pf = gobin_find_func(t->bin, name);
	const struct gfunc *df;
	struct gfunc *f;

	for (size_t i = 0; i < t->ndbfuncs; i++)
		if (strcmp(t->dbfuncs[i]->name, name) == 0)
			return t->dbfuncs[i];
	if (!pf)
		return NULL; /* absent: the caller suggests near names */
	df = offsetsdb_func(t->db, name);
	if (!df) {
		*why = xasprintf("%s has no DWARF (stripped) and the offsets database of %s has no "
				 "facts about %s: it covers the runtime and standard-library functions "
				 "of bpf-gen/functions.txt and the packs; probing other code needs DWARF "
				 "(build without -ldflags=-w)",
				 t->path, offsetsdb_go_version(t->db), name);
		return NULL;
	}
	f = xmalloc(sizeof(*f));
	*f = *df;
	f->entry = pf->entry;
	f->end = pf->end;
	VEC_PUSH(t->dbfuncs, t->ndbfuncs, t->capdbfuncs, f);
	return f;
}

const struct gfunc *target_func(struct target *t, const char *name, char **why)
{
	const struct gfunc *f = NULL;

	*why = NULL;
	if (t->dw) {
		f = godwarf_func(t->dw, name);
		if (!f && gobin_find_func(t->bin, name))
			*why = xasprintf("function %s has no debug info in %s", name, t->path);
	} else if (t->db) {
		f = db_func(t, name, why);
	} else if (gobin_find_func(t->bin, name)) {
		*why = xstrdup(t->db_err);
	}
	if (f && t->obs.func)
		t->obs.func(t->obs.ctx, f);
	return f;
}

/* A variable's address in a binary without symbols, from the code that
 * refers to it (see struct offsetsdb_finder). */
static int find_var(struct target *t, const struct offsetsdb_finder *fd, uint64_t *addr)
{
	const struct gobin_func *f = fd ? gobin_find_func(t->bin, fd->func) : NULL;
	uint64_t *tg = NULL;
	size_t n = 0;
	char *err = NULL;
	int rc = -ENOENT;

	if (!f)
		return -ENOENT;
	if (disasm_rip_targets(gobin_code(t->bin, f->entry, f->end - f->entry), f->end - f->entry,
			       f->entry, &tg, &n, &err) == 0 && fd->ref < n) {
		*addr = tg[fd->ref] - (uint64_t)fd->delta;
		rc = 0;
	}
	free(err);
	free(tg);
	return rc;
}

const struct gvar *target_var(struct target *t, const char *name, char **why)
{
	const struct gvar *v = NULL;
	uint64_t addr, size;

	*why = NULL;
	if (t->dw) {
		v = godwarf_var(t->dw, name);
	} else if (t->db) {
		const struct gvar *dv = offsetsdb_var(t->db, name);
		if (dv && (gobin_symbol(t->bin, name, &addr, &size) == 0 ||
			   find_var(t, offsetsdb_var_finder(t->db, name), &addr) == 0)) {
			/* The database's copy takes the address this binary gives. */
			((struct gvar *)dv)->addr = addr;
			v = dv;
		} else if (dv) {
			*why = xasprintf("the address of %s is unknown: %s has neither DWARF nor a "
					 "symbol table (stripped with -s), and the offsets database knows "
					 "no code that refers to it", name, t->path);
		}
	}
	if (v && t->obs.var)
		t->obs.var(t->obs.ctx, v);
	return v;
}

/* ---- struct layouts: DWARF, then the type descriptors, then the database -- */

/* How a database struct differs from the binary's; NULL if it does not. */
static char *layout_diff(const struct gtype *db, const struct gtype *bin)
{
	if (db->size != bin->size)
		return xasprintf("size %" PRIu64 " vs %" PRIu64, db->size, bin->size);
	if (db->nfields != bin->nfields)
		return xasprintf("%u fields vs %u", db->nfields, bin->nfields);
	for (uint32_t i = 0; i < db->nfields; i++) {
		const struct gfield *a = &db->fields[i], *b = &bin->fields[i];
		if (strcmp(a->name, b->name) != 0)
			return xasprintf("field %u is '%s' vs '%s'", i, a->name, b->name);
		if (a->offset != b->offset)
			return xasprintf("field %s at offset %" PRIu64 " vs %" PRIu64, a->name,
					 a->offset, b->offset);
		if (a->type && b->type && a->type->size != b->type->size)
			return xasprintf("field %s of %" PRIu64 " bytes vs %" PRIu64, a->name,
					 a->type->size, b->type->size);
	}
	return NULL;
}

/* Every struct both the database and the descriptors know: an opaque or
 * contradicted database layout takes the binary's in place, so that the
 * database's functions and types that refer to it see it too. */
static void reconcile(struct target *t)
{
	const char *const *names;
	size_t n = rtypes_names(t->rt, &names);

	for (size_t i = 0; i < n; i++) {
		struct gtype *dbt = offsetsdb_type(t->db, names[i]), *bt;
		const char *name;
		char *why;
		if (!dbt || dbt->kind != GK_STRUCT || rtypes_owns(t->rt, dbt) ||
		    !(bt = rtypes_type(t->rt, names[i])) || bt->kind != GK_STRUCT)
			continue;
		why = dbt->opaque ? NULL : layout_diff(dbt, bt);
		if (!dbt->opaque && !why)
			continue; /* agreed: the database's stands */
		name = dbt->name;
		*dbt = *bt;
		dbt->name = name;
		VEC_PUSH(t->lay->rep, t->lay->nrep, t->lay->caprep,
			 ((struct replaced){dbt, why, false}));
	}
}

static void open_descriptors(struct target *t)
{
	char *err = NULL;

	/* No descriptors is no error: the database may still do. */
	if (rtypes_open(t->bin, t->types, &t->rt, &err) < 0) {
		free(err);
		return;
	}
	t->lay = xcalloc(1, sizeof(*t->lay));
	if (t->db)
		reconcile(t);
}

struct gtype *target_type(struct target *t, const char *name)
{
	struct gtype *ty, *dbt;

	if (t->dw)
		return godwarf_type(t->dw, name);
	if (t->rt && (ty = rtypes_type(t->rt, name))) {
		/* What the database knows too was reconciled at open (its
		 * structs, and so the pointers to them): one object per name. */
		if (t->db && (dbt = offsetsdb_type(t->db, name)) && dbt->kind == ty->kind)
			return dbt;
		return ty;
	}
	if (t->db)
		return offsetsdb_type(t->db, name);
	return NULL;
}

static int read_labels(struct target *t, const struct gvar *v, struct gp_label **out, uint32_t *n,
		       char **why)
{
	struct gtype *ty = v->type;
	struct gp_label *l;

	if (!ty || ty->kind != GK_ARRAY || !ty->elem || ty->elem->kind != GK_STRING) {
		*why = xasprintf("labels variable '%s' is %s, not an array of strings", v->name,
				 ty && ty->name ? ty->name : "of unknown type");
		return -EINVAL;
	}
	l = xcalloc(ty->len + 1, sizeof(*l));
	*n = 0;
	for (uint64_t i = 0; i < ty->len && i < MAX_LABELS; i++) {
		uint64_t hdr[2];
		char *text;
		if (gobin_read(t->bin, v->addr + i * 16, hdr, sizeof(hdr)) < 0 || hdr[1] > 4096) {
			*why = xasprintf("cannot read %s[%" PRIu64 "] from the binary", v->name, i);
			goto fail;
		}
		text = xcalloc(1, hdr[1] + 1);
		if (hdr[1] && gobin_read(t->bin, hdr[0], text, hdr[1]) < 0) {
			free(text);
			*why = xasprintf("cannot read the text of %s[%" PRIu64 "] from the binary",
					 v->name, i);
			goto fail;
		}
		l[(*n)++] = (struct gp_label){(int64_t)i, text};
	}
	*out = l;
	return 0;
fail:
	for (uint32_t i = 0; i < *n; i++)
		free((char *)l[i].text);
	free(l);
	return -EIO;
}

int target_labels(struct target *t, const char *var, struct gp_label **labels, uint32_t *n,
		  char **why)
{
	const struct gp_label *stored;
	const struct gvar *v;
	uint32_t ns;

	*why = NULL;
	/* The database keeps the texts themselves: no address needed. */
	if (t->db && (stored = offsetsdb_labels(t->db, var, &ns))) {
		*labels = xcalloc(ns + 1, sizeof(**labels));
		for (uint32_t i = 0; i < ns; i++)
			(*labels)[i] = (struct gp_label){stored[i].value, xstrdup(stored[i].text)};
		*n = ns;
		return 0;
	}
	v = target_var(t, var, why);
	if (!v)
		return *why ? -ENODATA : -ENOENT;
	int rc = read_labels(t, v, labels, n, why);
	if (rc == 0 && t->obs.labels)
		t->obs.labels(t->obs.ctx, v->name, *labels, *n);
	return rc;
}

size_t target_func_names(struct target *t, const char *const **names)
{
	if (t->dw)
		return godwarf_func_names(t->dw, names);
	if (t->db)
		return offsetsdb_func_names(t->db, names);
	*names = NULL;
	return 0;
}

size_t target_var_names(struct target *t, const char *const **names)
{
	if (t->dw)
		return godwarf_var_names(t->dw, names);
	if (t->db)
		return offsetsdb_var_names(t->db, names);
	*names = NULL;
	return 0;
}

