/* program.h — what the compiler hands to the runtime: a BPF object, the
 * schema of every table it produces, and where to attach each program.
 *
 * This is the only interface between compiler/ (pure) and runtime/ (kernel).
 */
#ifndef GPROBE_PROGRAM_H
#define GPROBE_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gp_colfmt {
	GP_COL_INT,    /* signed, `size` bytes, printed decimal */
	GP_COL_UINT,   /* unsigned, printed decimal */
	GP_COL_BOOL,   /* 1 byte */
	GP_COL_FLOAT,  /* IEEE bits; size 4 or 8 */
	GP_COL_STRING, /* struct gp_str with max_string bytes */
	GP_COL_PTR,    /* unsigned, printed 0x hex */
	GP_COL_SYM,    /* code address, printed as the Go function name */
	GP_COL_LABEL,  /* integer printed through the labels table */
};

struct gp_label {
	int64_t value;
	const char *text;
};

struct gp_column {
	const char *name;
	enum gp_colfmt fmt;
	uint32_t off;        /* byte offset of the slot in the record */
	uint32_t size;       /* slot size in bytes */
	uint32_t max_string; /* GP_COL_STRING: capacity of data[] */
	bool is_signed;      /* GP_COL_LABEL: how to widen the raw value */
	struct gp_label *labels; /* GP_COL_LABEL */
	uint32_t nlabels;
};

struct gp_table {
	const char *name;
	uint32_t id;       /* value of gp_record.table */
	uint32_t rec_size; /* sizeof(struct gp_record) + slots, 8-aligned */
	struct gp_column *cols;
	uint32_t ncols;
};

struct gp_attach {
	const char *prog;   /* BPF program function name in the object */
	const char *probe;  /* table name of the probe, for messages */
	const char *func;   /* Go function name, for messages */
	uint64_t addr;      /* virtual address of the instruction in the target */
	uint64_t file_off;  /* the same as an offset in the ELF file (what uprobes take) */
	bool is_return;
};

struct gp_program {
	void *obj;          /* BPF ELF object */
	size_t objlen;
	char *bpf_c;        /* the generated C (for --emit-c) */
	struct gp_table *tables;
	uint32_t ntables;
	struct gp_attach *attach;
	uint32_t nattach;
	char *target_path;  /* the executable the addresses refer to */
	char *go_version;   /* "go1.22.5" */
	uint32_t ringbuf_bytes;
};

void gp_program_free(struct gp_program *p);

#endif
