/* resolve_int.h — what resolve.c, typing.c and place.c share, and no one else.
 *
 * One internal header in sections, one .c per stage: resolve.c walks the
 * specs and places each probe; typing.c types each column and condition of
 * the probe to a place; place.c says where a typed value lives and reads it.
 */
#ifndef GPROBE_RESOLVE_INT_H
#define GPROBE_RESOLVE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "goabi.h"
#include "gotype.h"
#include "plan.h"
#include "target.h"

struct expr;
struct spec_column;

/* ---- the probe being resolved --------------------------------------------- */

struct rctx {
	struct target *t;
	struct plan *plan;
	struct diags *d;
	struct plan_probe *pp;
	const struct gfunc *fn;
	struct gloc *locs;
	bool at_return;
	bool failed;
};

/* An error in the probe being resolved; the rest of the probe is skipped. */
#define rerror(c, loc, ...)                              \
	do {                                             \
		diag_error((c)->d, (loc), __VA_ARGS__);  \
		(c)->failed = true;                      \
	} while (0)

/* ---- place.c: where a typed value lives --------------------------------------
 *
 * Expressions are resolved to "places" (struct rval): a value in target
 * memory (an address expression), a value split over ABI registers, or a
 * computed scalar. Field selection and indexing move within a place;
 * only at the end is the place materialised into IR loads.
 */

enum rv_kind { RV_MEM, RV_REGS, RV_SCALAR, RV_STRLIT };

struct rval {
	enum rv_kind kind;
	struct gtype *type;     /* NULL: untyped integer constant */
	struct ir *addr;        /* RV_MEM */
	const struct gloc *loc; /* RV_REGS */
	uint32_t voff;
	bool is_arg;            /* RV_REGS / frame memory of an argument */
	struct ir *val;         /* RV_SCALAR */
	const struct expr *lit; /* RV_STRLIT */
	bool is_sym;            /* sym(x): print as a function name */
};

static inline struct rval rv_scalar(struct ir *v, struct gtype *t)
{
	return (struct rval){.kind = RV_SCALAR, .type = t, .val = v};
}

/* The Go type as diagnostics name it ("untyped int" for NULL), and its fields. */
const char *rv_type_name(const struct gtype *t);
char *rv_list_fields(const struct gtype *t);
/* NULL (an untyped constant) is an integer, and a signed one. */
bool rv_is_integer(const struct gtype *t);
bool rv_is_signed(const struct gtype *t);
/* The value of parameter i of c->fn at the probe. */
struct rval rv_param(struct rctx *c, uint32_t i);
/* Load a scalar of `size` bytes at offset voff of a place. */
struct ir *rv_load(struct rctx *c, const struct rval *r, uint32_t voff, uint32_t size,
		   bool sign, struct srcloc loc);
/* A scalar IR value for an integer-like place. */
struct ir *rv_scalar_of(struct rctx *c, const struct rval *r, struct srcloc loc);
/* Follow pointers until the place is not a pointer (fields through pointers). */
struct rval rv_deref(struct rctx *c, struct rval r, struct srcloc loc);
/* Field `name` of a place, through pointers and embedded structs. */
struct rval rv_field(struct rctx *c, struct rval r, const char *name, struct srcloc loc);

/* ---- typing.c: spec expressions to places to IR --------------------------- */

/* Resolve a column of the probe c->pp into pc. */
void typing_column(struct rctx *c, const struct spec_column *sc, uint32_t max_string,
		   struct plan_col *pc);
/* The condition of 'where' e, or NULL (and an error) when it is none. */
struct ir *typing_where(struct rctx *c, const struct expr *e, struct srcloc loc);

#endif
