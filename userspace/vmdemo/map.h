/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmdemo map: what map.c (options, what to draw, running a program) and
 * map_draw.c (the drawing, as text or JSON) share.
 */
#ifndef _VMDEMO_MAP_H
#define _VMDEMO_MAP_H

#include "vmdemo.h"

struct map_opts {
	int json, row, colour, dev, vma;
	int range, single;		/* ADDR[-END] given; just ADDR */
	unsigned long from, to;
	pid_t with;
};

/* Part of one mapping, to draw. */
struct section {
	const struct vma_info *v;
	unsigned long from, to;
	struct cell *cells;
};

/* map_draw.c */
const char *map_sgr(const struct map_opts *o, const char *code);
char map_cell_letter(const struct cell *c);
void map_print_section(pid_t pid, const struct section *s, int list,
		       const struct map_opts *o);
void map_print_legend(const struct map_opts *o, int device);
void map_print_json(pid_t pid, const char *comm, const struct section *s,
		    int ns, const struct pagemap *pm, const struct map_opts *o);

#endif /* _VMDEMO_MAP_H */
