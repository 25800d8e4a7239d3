/* program.c — freeing what the compiler hands to the runtime. */
#include "program.h"

#include <stdlib.h>

void gp_program_free(struct gp_program *p)
{
	if (!p)
		return;
	free(p->obj);
	free(p->bpf_c);
	for (uint32_t i = 0; i < p->ntables; i++) {
		struct gp_table *t = &p->tables[i];
		for (uint32_t c = 0; c < t->ncols; c++) {
			for (uint32_t l = 0; l < t->cols[c].nlabels; l++)
				free((char *)t->cols[c].labels[l].text);
			free(t->cols[c].labels);
			free((char *)t->cols[c].name);
		}
		free(t->cols);
		free((char *)t->name);
	}
	free(p->tables);
	for (uint32_t i = 0; i < p->nattach; i++) {
		free((char *)p->attach[i].prog);
		free((char *)p->attach[i].probe);
		free((char *)p->attach[i].func);
	}
	free(p->attach);
	free(p->target_path);
	free(p->go_version);
	free(p);
}
