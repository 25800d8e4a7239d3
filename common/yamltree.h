/* yamltree.h — one YAML document as a tree of located nodes, built with
 * libyaml's event parser, for the readers that check a schema over it
 * (compiler/spec.c, compiler/offsetsdb.c).
 *
 * Anchors, aliases and tags are refused outright (a hand-written or
 * generated file gains nothing from them, and aliases open the door to
 * exponential "billion laughs" documents), as is a second document; the
 * caller bounds the nodes and the nesting. The builder stops at the first
 * problem and describes it in a `struct yproblem`; the reader words the
 * message, since the vocabulary ("in specs", "in an offsets database") is
 * the schema's.
 */
#ifndef GPROBE_YAMLTREE_H
#define GPROBE_YAMLTREE_H

#include <stdint.h>
#include <stddef.h>

#include "diag.h"

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

/* How a scalar was written (libyaml's scalar styles). */
enum ystyle { Y_PLAIN, Y_SINGLE_QUOTED, Y_DOUBLE_QUOTED, Y_LITERAL, Y_FOLDED };

struct ynode {
	enum ykind kind;
	enum ystyle style;   /* Y_SCALAR */
	struct srcloc loc;   /* first byte; len up to the end of the node or its first line */
	size_t start, end;   /* byte extent in the file */
	uint32_t yline, ycol; /* the start as libyaml counts it: 1-based, ycol in characters */
	char *value;         /* Y_SCALAR, NUL-terminated (vlen tells an inner NUL) */
	size_t vlen;
	struct ynode **kids; /* Y_SEQ: items; Y_MAP: key, value, key, value ... */
	uint32_t nkids, cap;
};

/* A file's text with its lines indexed, to locate byte offsets. */
struct ytext {
	const struct srcfile *file;
	size_t *lines; /* byte offset of each line start */
	size_t nlines;
};

void ytext_init(struct ytext *t, const struct srcfile *f);
void ytext_free(struct ytext *t);
/* The location of bytes [off, off + len), the length cut at the line's end. */
struct srcloc ytext_loc(const struct ytext *t, size_t off, size_t len);

enum yproblem_kind {
	YP_MEMORY,    /* libyaml ran out of memory */
	YP_READER,    /* the bytes do not decode (offset, text) */
	YP_SYNTAX,    /* not YAML (text; context when libyaml gives one) */
	YP_ALIAS,     /* *name */
	YP_ANCHOR,    /* &name */
	YP_TAG,       /* !tag */
	YP_DOCUMENTS, /* a second document (loc underlines its "---") */
	YP_NODES,     /* more than max_nodes nodes */
	YP_DEPTH,     /* nested deeper than max_depth */
	YP_EMPTY,     /* no document at all (loc names only the file) */
};

struct yproblem {
	enum yproblem_kind kind;
	struct srcloc loc;      /* where, in bytes */
	uint32_t yline, ycol;   /* the same as libyaml counts it (YP_READER: ycol in bytes) */
	size_t offset;          /* YP_READER: the byte that does not decode */
	const char *text;       /* YP_READER, YP_SYNTAX: libyaml's words, or NULL */
	const char *context;    /* YP_SYNTAX: what libyaml was reading, or NULL */
	struct srcloc context_loc;
};

struct ytree_limits {
	uint32_t max_nodes; /* scalars, sequences and mappings */
	int max_depth;      /* sequences and mappings inside each other */
};

/* The document of t's file, or NULL with *p filled in. libyaml's words in
 * p->text and p->context are its static strings. */
struct ynode *ytree_parse(const struct ytext *t, const struct ytree_limits *lim,
			  struct yproblem *p);
void ynode_free(struct ynode *y);

/* "a scalar", "a list" or "a mapping", for messages. */
const char *ykind_name(enum ykind k);
/* The value of a mapping's scalar key, or NULL. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);

#endif
