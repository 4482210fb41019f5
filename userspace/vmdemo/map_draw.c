// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo map's output: the sections that map.c chose, drawn as text (rows
 * of cells, the pages of short ranges one by one, the legend) or written
 * as JSON.
 */
#include <stdio.h>
#include <string.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"
#include "map.h"

#define ROW_CELLS	32	/* cells per row of the drawing */
#define GROUP_CELLS	8	/* a space between groups of them */

static const struct {
	char letter;
	const char *name;	/* in JSON */
	const char *what;
	const char *sgr;	/* its colour */
} classes[NR_CELL_CLASSES] = {
	[CELL_NONE]	= { '.', "none",    "not present",  "2" },
	[CELL_CACHE]	= { 'c', "cache",   "cache page",   "32" },
	[CELL_PRIVATE]	= { 'p', "private", "private copy", "33" },
	[CELL_ANON]	= { 'a', "anon",    "anonymous",    "34" },
	[CELL_ZERO]	= { 'z', "zero",    "zero page",    "36" },
	[CELL_SWAP]	= { 's', "swap",    "swapped out",  "35" },
	[CELL_OTHER]	= { 'x', "other",   "other frame",  "31" },
};

/* The escape sequence that sets colour @code, or "" without colour. */
const char *map_sgr(const struct map_opts *o, const char *code)
{
	static char buf[4][16];
	static int k;

	if (!o->colour)
		return "";
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "\033[%sm", code);
	return buf[k];
}

/* The letter of cell @c: its class's, upper case when dirty. */
char map_cell_letter(const struct cell *c)
{
	char l = classes[c->class].letter;

	return c->dirty == 1 ? l - 'a' + 'A' : l;
}

static void put_cell(const struct map_opts *o, const struct cell *c)
{
	printf("%s%s%c%s", map_sgr(o, classes[c->class].sgr),
	       c->dirty == 1 ? map_sgr(o, "1") : "", map_cell_letter(c), map_sgr(o, "0"));
}

/* The row of cells from @c, as plain text (to compare rows). */
static void row_text(const struct cell *c, size_t n, char *buf)
{
	size_t i;

	for (i = 0; i < n; i++) {
		buf[i] = map_cell_letter(&c[i]);
		buf[n + i] = c[i].shared == 1 ? '^' : ' ';
	}
	buf[2 * n] = '\0';
}

static const char *hex(uint64_t v)
{
	static char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return buf;
}

static const char *vma_name(const struct vma_info *v)
{
	return v->path[0] ? v->path : "[anonymous]";
}

void map_print_section(pid_t pid, const struct section *s, int list,
		       const struct map_opts *o)
{
	const struct vma_info *v = s->v;
	size_t ps = page_size(), n = (s->to - s->from) / ps, i, k, len;
	char prev[2 * ROW_CELLS + 1] = "", row[2 * ROW_CELLS + 1];
	int starred = 0;
	char *marks;
	unsigned long long page0;

	printf("\n%s%s%s  %lx-%lx %s, offset 0x%llx, %zu page%s (line %d of /proc/%d/maps)\n",
	       map_sgr(o, "1"), vma_name(v), map_sgr(o, "0"), v->start, v->end, v->perms,
	       v->offset, (v->end - v->start) / ps,
	       (v->end - v->start) / ps == 1 ? "" : "s", v->index, pid);
	if (s->from != v->start || s->to != v->end)
		printf("  drawn: %lx-%lx, %zu page%s\n", s->from, s->to, n,
		       n == 1 ? "" : "s");
	for (i = 0; i < n; i += ROW_CELLS) {
		len = n - i < ROW_CELLS ? n - i : ROW_CELLS;
		row_text(s->cells + i, len, row);
		if (len == ROW_CELLS && !strcmp(row, prev)) {
			if (!starred++)
				printf("  *\n");
			continue;
		}
		strcpy(prev, row);
		starred = 0;
		printf("  %12lx  ", s->cells[i].addr);
		for (k = 0; k < len; k++) {
			if (k && k % GROUP_CELLS == 0)
				putchar(' ');
			put_cell(o, &s->cells[i + k]);
		}
		putchar('\n');
		marks = strrchr(row + len, '^');
		if (!marks)
			continue;
		printf("  %12s  ", "");
		for (k = 0; row + len + k <= marks; k++) {
			if (k && k % GROUP_CELLS == 0)
				putchar(' ');
			if (row[len + k] == '^')
				printf("%s^%s", map_sgr(o, "1"), map_sgr(o, "0"));
			else
				putchar(' ');
		}
		putchar('\n');
	}
	if (!list)
		return;
	/* The page's index in the file, or in the mapping if anonymous. */
	page0 = vma_is_file(v) ? v->offset / ps + (s->from - v->start) / ps
			       : (s->from - v->start) / ps;
	for (i = 0; i < n; i++) {
		const struct cell *c = &s->cells[i];
		char line[128];
		int w;

		printf("    page %-4llu %12lx  ", page0 + i, c->addr);
		put_cell(o, c);
		w = snprintf(line, sizeof(line), "  %-13s", classes[c->class].what);
		if (c->pfn)
			w += snprintf(line + w, sizeof(line) - w, "  pfn %-10s",
				      hex(c->pfn));
		if (c->pfn && c->dirty >= 0)
			w += snprintf(line + w, sizeof(line) - w, "  %s",
				      c->dirty ? "dirty" : "clean");
		if (c->shared == 1)
			w += snprintf(line + w, sizeof(line) - w, "  also in %d",
				      o->with);
		while (w > 0 && line[w - 1] == ' ')
			line[--w] = '\0';
		puts(line);
	}
}

void map_print_legend(const struct map_opts *o, int device)
{
	static const unsigned char order[] = {
		CELL_CACHE, CELL_PRIVATE, CELL_ANON, CELL_ZERO, CELL_SWAP,
		CELL_OTHER, CELL_NONE,
	};
	size_t i;
	int c;

	printf("\nLegend: ");
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		c = order[i];
		printf("%s%c%s %s", map_sgr(o, classes[c].sgr), classes[c].letter,
		       map_sgr(o, "0"), classes[c].what);
		if (c == CELL_CACHE && device)
			printf(" (of " VMDEMO_DEVICE_PATH ": the device's own page)");
		if (c == CELL_PRIVATE)
			printf(" (copy-on-write: an anonymous page in a file mapping)");
		if (c == CELL_CACHE || c == CELL_PRIVATE)
			printf("\n        ");
		else if (i + 1 < ARRAY_SIZE(order))
			printf("  ");
	}
	printf("\n        upper case: dirty (kpageflags)");
	if (o->with)
		printf("   ^ below a cell: process %d maps that frame too", o->with);
	putchar('\n');
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static const char *json_bool(int v)
{
	return v < 0 ? "null" : v ? "true" : "false";
}

void map_print_json(pid_t pid, const char *comm, const struct section *s,
		    int ns, const struct pagemap *pm, const struct map_opts *o)
{
	size_t ps = page_size(), n, i;
	int k;

	printf("{\"pid\": %d, \"comm\": ", pid);
	json_string(comm);
	printf(", \"page_size\": %zu, \"pfns_visible\": %s, \"kpageflags\": %s, \"with\": ",
	       ps, json_bool(!pm->pfns_hidden), json_bool(pm->kpf >= 0));
	if (o->with)
		printf("%d", o->with);
	else
		printf("null");
	printf(", \"mappings\": [");
	for (k = 0; k < ns; k++) {
		const struct vma_info *v = s[k].v;

		printf("%s\n {\"start\": \"0x%lx\", \"end\": \"0x%lx\", \"perms\": \"%s\", \"offset\": %llu, \"path\": ",
		       k ? "," : "", v->start, v->end, v->perms, v->offset);
		json_string(v->path);
		printf(", \"line\": %d, \"from\": \"0x%lx\", \"to\": \"0x%lx\", \"cells\": [",
		       v->index, s[k].from, s[k].to);
		n = (s[k].to - s[k].from) / ps;
		for (i = 0; i < n; i++) {
			const struct cell *c = &s[k].cells[i];

			printf("%s\n  {\"addr\": \"0x%lx\", \"class\": \"%s\", \"pfn\": ",
			       i ? "," : "", c->addr, classes[c->class].name);
			if (c->pfn)
				printf("%llu", (unsigned long long)c->pfn);
			else
				printf("null");
			printf(", \"dirty\": %s, \"exclusive\": %s, \"shared\": %s}",
			       json_bool(c->dirty), json_bool(c->exclusive),
			       json_bool(c->shared));
		}
		printf("]}");
	}
	printf("]}\n");
}
