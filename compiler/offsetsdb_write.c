/* offsetsdb_write.c — the deterministic writer of offsets databases
 * (offsetsdb.h; the reader is offsetsdb.c, offsetsdb_types.c and
 * offsetsdb_funcs.c).
 *
 * Output is a function of the input's content only: every section is
 * sorted by name, numbers are decimal, strings are quoted by one rule,
 * and nothing depends on pointer values or the order facts were recorded
 * in, so regenerating with the same toolchain gives identical bytes.
 */
#include "offsetsdb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "utf8.h"
#include "util.h"

struct wtype {
	struct gtype *t;
	bool full; /* complete layout wanted (else structs are opaque) */
};

struct wset {
	struct wtype *v;
	size_t n, cap;
	struct strmap byname; /* name -> index in v */
	size_t *queue; /* indices still to visit */
	size_t nqueue, capqueue;
	struct gtypes *builtins; /* what the reader would get from gtypes_builtin */
	int err;
};

/* A type the reader gets for free: same name, kind and size as Go's builtin. */
static bool is_builtin(struct wset *w, const struct gtype *t)
{
	struct gtype *b = gtypes_builtin(w->builtins, t->name);

	return b && b->kind == t->kind && b->size == t->size && !b->elem == !t->elem;
}

/* Ask for t to be written; `full` upgrades an opaque entry. */
static void want(struct wset *w, struct gtype *t, bool full)
{
	size_t *s;
	bool added;

	if (!t || w->err)
		return;
	if (!t->name || !*t->name) {
		w->err = -EINVAL; /* unnamed types cannot be referred to */
		return;
	}
	if (is_builtin(w, t))
		return;
	s = strmap_put(&w->byname, t->name, &added);
	if (!added) {
		struct wtype *e = &w->v[*s];
		if (!full || e->full)
			return;
		e->full = true;
	} else {
		*s = w->n;
		VEC_PUSH(w->v, w->n, w->cap, ((struct wtype){t, full}));
	}
	VEC_PUSH(w->queue, w->nqueue, w->capqueue, *s);
}

/* Everything one type's entry refers to. A full struct is described down
 * to its last byte: what it holds by value (fields, array elements) is
 * full too; what it points to is not. */
static void visit(struct wset *w, const struct wtype *e)
{
	const struct gtype *t = e->t;
	bool value_full = e->full && (t->kind == GK_STRUCT || t->kind == GK_ARRAY);

	want(w, t->elem, value_full);
	want(w, t->key, false);
	if (t->kind == GK_STRUCT && !e->full)
		return;
	for (uint32_t i = 0; i < t->nfields; i++)
		want(w, t->fields[i].type, value_full);
}

/* Parameters' and variables' types are what specs start from: complete
 * them, and what they point to. */
static void want_root(struct wset *w, struct gtype *t)
{
	want(w, t, true);
	if (t && t->kind == GK_PTR)
		want(w, t->elem, true);
}

static void collect(struct wset *w, const struct offsetsdb_in *in)
{
	for (size_t i = 0; i < in->nfull; i++)
		want(w, in->full_types[i], true);
	for (size_t i = 0; i < in->nfuncs; i++)
		for (uint32_t j = 0; j < in->funcs[i]->nparams; j++)
			want_root(w, in->funcs[i]->params[j].type);
	for (size_t i = 0; i < in->nvars; i++)
		want_root(w, in->vars[i]->type);
	while (w->nqueue && !w->err)
		visit(w, &w->v[w->queue[--w->nqueue]]);
}

/* ---- output ------------------------------------------------------------------- */

static bool plain_ok(const char *s)
{
	static const char *const reserved[] = {"true", "false", "null", "yes", "no", "on", "off",
					       "y", "n", "~"};

	if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '/'))
			return false;
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
		if (strcasecmp(s, reserved[i]) == 0)
			return false;
	return true;
}

/* A YAML scalar that reads back as exactly s: plain when unambiguous,
 * otherwise double-quoted. YAML cannot carry bytes that are not UTF-8. */
static int put_str(FILE *o, const char *s)
{
	if (plain_ok(s)) {
		fputs(s, o);
		return 0;
	}
	fputc('"', o);
	for (const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s); *p; p++) {
		if (*p == '"' || *p == '\\') {
			fprintf(o, "\\%c", *p);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(o, "\\x%02x", *p);
		} else if (*p >= 0x80) {
			size_t n = utf8_len(p, (size_t)(end - p));
			if (!n)
				return -EILSEQ;
			fwrite(p, 1, n, o);
			p += n - 1;
		} else {
			fputc(*p, o);
		}
	}
	fputc('"', o);
	return 0;
}

static int put_field(FILE *o, const struct gfield *f)
{
	int rc;

	if (!f->type || !f->name)
		return -EINVAL;
	fputs("{name: ", o);
	if ((rc = put_str(o, f->name)) < 0)
		return rc;
	fprintf(o, ", offset: %llu, type: ", (unsigned long long)f->offset);
	if ((rc = put_str(o, f->type->name)) < 0)
		return rc;
	fputs(f->embedded ? ", embedded: true}" : "}", o);
	return 0;
}

static int put_type(FILE *o, const struct wtype *e)
{
	const struct gtype *t = e->t;
	bool opaque = t->kind == GK_STRUCT && !e->full;
	bool fields = !opaque && (t->kind == GK_STRUCT || t->kind == GK_STRING ||
				  t->kind == GK_SLICE || t->kind == GK_IFACE);
	bool block = fields && t->nfields;
	const char *kind = offsetsdb_kind_name(t->kind);
	int rc;

	if (!kind)
		return -EINVAL;
	if ((t->kind == GK_SLICE || t->kind == GK_ARRAY || t->kind == GK_MAP ||
	     t->kind == GK_CHAN) && !t->elem)
		return -EINVAL;
	if (t->kind == GK_MAP && !t->key)
		return -EINVAL;
	fputs("  ", o);
	if ((rc = put_str(o, t->name)) < 0)
		return rc;
	fprintf(o, block ? ":\n    kind: %s\n    size: %llu\n" : ": {kind: %s, size: %llu",
		kind, (unsigned long long)t->size);
	if (t->kind == GK_ARRAY)
		fprintf(o, block ? "    len: %llu\n" : ", len: %llu", (unsigned long long)t->len);
	if (t->key) {
		fputs(", key: ", o);
		if ((rc = put_str(o, t->key->name)) < 0)
			return rc;
	}
	if (t->elem) {
		fputs(block ? "    elem: " : ", elem: ", o);
		if ((rc = put_str(o, t->elem->name)) < 0)
			return rc;
		fputs(block ? "\n" : "", o);
	}
	if (t->kind == GK_IFACE && t->empty_iface)
		fputs(block ? "    empty: true\n" : ", empty: true", o);
	if (opaque)
		fprintf(o, ", align: %u, opaque: true", gtype_align(e->t));
	if (!block) {
		fputs(fields ? ", fields: []}\n" : "}\n", o);
		return 0;
	}
	fputs("    fields:\n", o);
	for (uint32_t i = 0; i < t->nfields; i++) {
		fputs("      - ", o);
		if ((rc = put_field(o, &t->fields[i])) < 0)
			return rc;
		fputc('\n', o);
	}
	return 0;
}

static int put_params(FILE *o, const char *key, const struct gfunc *f, uint32_t from,
		      uint32_t to)
{
	int rc;

	fprintf(o, "    %s: [", key);
	for (uint32_t i = from; i < to; i++) {
		const struct gparam *p = &f->params[i];
		if (!p->type || !p->type->name)
			return -EINVAL;
		fputs(i > from ? ", {name: " : "{name: ", o);
		if ((rc = put_str(o, p->name ? p->name : "")) < 0 ||
		    (fputs(", type: ", o), rc = put_str(o, p->type->name)) < 0)
			return rc;
		fputc('}', o);
	}
	fputs("]\n", o);
	return 0;
}

static int put_func(FILE *o, const struct gfunc *f)
{
	int rc;

	fputs("  ", o);
	if ((rc = put_str(o, f->name)) < 0)
		return rc;
	if (!f->has_params) {
		fputs(": {}\n", o);
		return 0;
	}
	if (f->nargs > f->nparams)
		return -EINVAL;
	fputs(":\n", o);
	if ((rc = put_params(o, "args", f, 0, f->nargs)) < 0)
		return rc;
	return put_params(o, "results", f, f->nargs, f->nparams);
}

/* A variable and how to find it, sorted together. */
struct wvar {
	const struct gvar *v;
	const struct offsetsdb_finder *find; /* NULL or .func NULL: none */
};

static int put_var(FILE *o, const struct wvar *w)
{
	const struct offsetsdb_finder *fd = w->find && w->find->func ? w->find : NULL;
	int rc;

	fputs("  ", o);
	if ((rc = put_str(o, w->v->name)) < 0)
		return rc;
	fputs(": {type: ", o);
	if ((rc = put_str(o, w->v->type->name)) < 0)
		return rc;
	if (fd) {
		fputs(", find: {func: ", o);
		if ((rc = put_str(o, fd->func)) < 0)
			return rc;
		fprintf(o, ", ref: %u, delta: %lld}", fd->ref, (long long)fd->delta);
	}
	fputs("}\n", o);
	return 0;
}

static int put_labels(FILE *o, const struct offsetsdb_labels_in *l)
{
	int rc;

	fputs("  ", o);
	if ((rc = put_str(o, l->var)) < 0)
		return rc;
	fputs(l->n ? ":\n" : ": []\n", o);
	for (uint32_t i = 0; i < l->n; i++) {
		/* Stored as a list: the value of each text is its index. */
		if (l->labels[i].value != (int64_t)i || !l->labels[i].text)
			return -EINVAL;
		fputs("    - ", o);
		if ((rc = put_str(o, l->labels[i].text)) < 0)
			return rc;
		fputc('\n', o);
	}
	return 0;
}

/* ---- sorting and the whole file --------------------------------------------------- */

static int cmp_wtype(const void *a, const void *b)
{
	return strcmp(((const struct wtype *)a)->t->name, ((const struct wtype *)b)->t->name);
}

static int cmp_func(const void *a, const void *b)
{
	return strcmp((*(const struct gfunc *const *)a)->name,
		      (*(const struct gfunc *const *)b)->name);
}

static int cmp_var(const void *a, const void *b)
{
	return strcmp(((const struct wvar *)a)->v->name, ((const struct wvar *)b)->v->name);
}

static int cmp_labels(const void *a, const void *b)
{
	return strcmp(((const struct offsetsdb_labels_in *)a)->var,
		      ((const struct offsetsdb_labels_in *)b)->var);
}

/* Sorted copies of the inputs; NULL names are an error. */
static int sorted_inputs(const struct offsetsdb_in *in, const struct gfunc ***funcs,
			 struct wvar **vars, struct offsetsdb_labels_in **labels)
{
	*funcs = xcalloc(in->nfuncs + 1, sizeof(**funcs));
	*vars = xcalloc(in->nvars + 1, sizeof(**vars));
	*labels = xcalloc(in->nlabels + 1, sizeof(**labels));
	for (size_t i = 0; i < in->nfuncs; i++)
		if (!((*funcs)[i] = in->funcs[i])->name)
			return -EINVAL;
	for (size_t i = 0; i < in->nvars; i++) {
		(*vars)[i] = (struct wvar){in->vars[i], in->finders ? &in->finders[i] : NULL};
		if (!in->vars[i]->name || !in->vars[i]->type)
			return -EINVAL;
	}
	for (size_t i = 0; i < in->nlabels; i++)
		if (!((*labels)[i] = in->labels[i]).var)
			return -EINVAL;
	qsort(*funcs, in->nfuncs, sizeof(**funcs), cmp_func);
	qsort(*vars, in->nvars, sizeof(**vars), cmp_var);
	qsort(*labels, in->nlabels, sizeof(**labels), cmp_labels);
	return 0;
}

/* Duplicates (the same name recorded twice) are written once. */
#define SAME_AS_PREV(arr, i, field) ((i) > 0 && strcmp((arr)[(i) - 1]field, (arr)[i]field) == 0)

static int put_all(FILE *o, const struct offsetsdb_in *in, struct wset *w,
		   const struct gfunc **funcs, const struct wvar *vars,
		   const struct offsetsdb_labels_in *labels)
{
	int rc = 0;

	fputs("# The offsets database of ", o);
	put_str(o, in->go_version);
	fputs(": generated by bpf-gen/gen.sh (gprobe gen-db); do not edit.\n", o);
	fputs("go: ", o);
	if ((rc = put_str(o, in->go_version)) < 0)
		return rc;
	fputs(in->nfuncs ? "\nfunctions:\n" : "\nfunctions: {}\n", o);
	for (size_t i = 0; i < in->nfuncs && rc == 0; i++)
		if (!SAME_AS_PREV(funcs, i, ->name))
			rc = put_func(o, funcs[i]);
	fputs(w->n ? "types:\n" : "types: {}\n", o);
	for (size_t i = 0; i < w->n && rc == 0; i++)
		rc = put_type(o, &w->v[i]);
	fputs(in->nvars ? "variables:\n" : "variables: {}\n", o);
	for (size_t i = 0; i < in->nvars && rc == 0; i++) {
		if (SAME_AS_PREV(vars, i, .v->name))
			continue;
		rc = put_var(o, &vars[i]);
	}
	fputs(in->nlabels ? "labels:\n" : "labels: {}\n", o);
	for (size_t i = 0; i < in->nlabels && rc == 0; i++)
		if (!SAME_AS_PREV(labels, i, .var))
			rc = put_labels(o, &labels[i]);
	return rc;
}

int offsetsdb_write(FILE *out, const struct offsetsdb_in *in)
{
	struct wset w = {.builtins = gtypes_new()};
	const struct gfunc **funcs = NULL;
	struct wvar *vars = NULL;
	struct offsetsdb_labels_in *labels = NULL;
	int rc;

	if (!in->go_version || strncmp(in->go_version, "go1.", 4) != 0) {
		rc = -EINVAL;
		goto out;
	}
	rc = sorted_inputs(in, &funcs, &vars, &labels);
	if (rc < 0)
		goto out;
	collect(&w, in);
	if ((rc = w.err) < 0)
		goto out;
	qsort(w.v, w.n, sizeof(*w.v), cmp_wtype);
	rc = put_all(out, in, &w, funcs, vars, labels);
	if (rc == 0 && (fflush(out) != 0 || ferror(out)))
		rc = -EIO;
out:
	free(funcs);
	free(vars);
	free(labels);
	free(w.v);
	strmap_free(&w.byname);
	free(w.queue);
	gtypes_free(w.builtins);
	return rc;
}
