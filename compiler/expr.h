/* expr.h — the expression language of spec columns and `where` filters.
 *
 * Go-like syntax and precedence, parsed into a tree whose every node keeps
 * its location in the spec file. The parser checks syntax only: whether a
 * name is a parameter, a package variable or a field is for the resolver.
 *
 *   gp.goid   runtime.gcController.heapLive   net/http.DefaultClient.Timeout
 *   $latency / 1000   len(p.buf)   sym(fn.fn)   s[2].x   (a & 0xff) << 8
 *   trigger.kind == 2 && name != "main"
 *
 * A `/` with an identifier character directly on both sides, inside a run of
 * names, makes a package path ("net/http"); division is written with spaces
 * ("a / b") or after a non-name ("$latency/1000", "len(x)/2").
 */
#ifndef GPROBE_EXPR_H
#define GPROBE_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "util.h"

#define EXPR_MAX_LEN 4096 /* bytes of expression text */
#define EXPR_MAX_DEPTH 64 /* nesting of parentheses, operators and postfixes */

enum expr_kind {
	EX_INT,    /* ival */
	EX_STR,    /* sval/slen */
	EX_IDENT,  /* name: a parameter, result or package name/path ("net/http") */
	EX_VAR,    /* name without the '$': ret, ret0, latency, goid, pid, tid, cpu, ... */
	EX_FIELD,  /* a.name */
	EX_INDEX,  /* a[b] */
	EX_CALL,   /* op(a), op is an enum expr_func, name its spelling */
	EX_UNARY,  /* op a */
	EX_BINARY, /* a op b */
};

enum expr_op {
	OP_NONE,
	/* unary */
	OP_NEG, OP_NOT, OP_BITNOT,
	/* binary, by falling precedence */
	OP_MUL, OP_DIV, OP_MOD, OP_SHL, OP_SHR, OP_AND,
	OP_ADD, OP_SUB, OP_OR, OP_XOR,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_LAND,
	OP_LOR,
};

enum expr_func { FN_LEN, FN_CAP, FN_SYM };

struct expr {
	enum expr_kind kind;
	/* The whole node: first byte to last (len stops at the end of the first line). */
	struct srcloc loc;
	/* Its principal token, where diagnostics point: the literal or name, the
	 * operator, the field or function name, the "[...]" of an index. */
	struct srcloc tok;
	int op;           /* enum expr_op (EX_UNARY, EX_BINARY), enum expr_func (EX_CALL) */
	char *name;       /* EX_IDENT, EX_VAR, EX_FIELD, EX_CALL */
	uint64_t ival;    /* EX_INT */
	char *sval;       /* EX_STR: decoded bytes, NUL-terminated, never containing NUL */
	size_t slen;
	struct expr *a, *b; /* operands; EX_FIELD/EX_CALL: a only; EX_INDEX: a[b] */
};

/* Parse `len` bytes of `text` whose first byte sits at `start` in the spec
 * (newlines in text advance the line). NULL after one located error. */
struct expr *expr_parse(const char *text, size_t len, struct srcloc start, struct diags *d);
void expr_free(struct expr *e);
/* Canonical, fully parenthesised form: "(a.b + (c * 2))", "len(x)", "\"s\\n\"". */
void expr_print(const struct expr *e, struct strbuf *sb);
/* "+", "==", "!" ... */
const char *expr_op_name(int op);

#endif
