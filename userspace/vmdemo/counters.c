// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the module's counters (VMDEMO_DEBUGFS_DIR/stats, one "name value"
 * line each, parsed by name so that new counters just show up), what each
 * one means, and vmdemo reset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"

static const char reset_help[] =
"Usage: vmdemo reset\n"
"\n"
"Start every counter of 'vmdemo stat' and the histogram of 'vmdemo hist'\n"
"again from zero (pages_resident and pages_dirty are not counts of events\n"
"and stay).\n"
"Needs root.\n";

static const struct {
	const char *name;
	const char *help;
} counter_helps[] = {
	{ "mmaps",		 "mmap() calls on the device" },
	{ "vma_opens",		 "mappings copied: fork, split, mremap" },
	{ "vma_closes",		 "mappings removed: munmap, exit" },
	{ "faults",		 "calls to the driver's .fault handler" },
	{ "faults_read",	 "  of them for a read" },
	{ "faults_write_shared", "  of them for a write to a shared mapping" },
	{ "faults_cow",		 "  of them for a write to a private mapping" },
	{ "faults_sigbus",	 "  of them answered SIGBUS (past the end)" },
	{ "faults_oom",		 "  of them failed for lack of memory" },
	{ "map_pages",		 "fault-around calls (.map_pages)" },
	{ "map_pages_mapped",	 "  pages they mapped without a .fault" },
	{ "page_mkwrite",	 "shared pages made writable (.page_mkwrite)" },
	{ "pages_resident",	 "pages in the device's page cache now" },
	{ "pages_allocated",	 "pages added to the cache" },
	{ "pages_freed",	 "pages removed from the cache" },
	{ "faults_major",	 "faults that read their page from the backing file" },
	{ "pages_read",		 "pages read from the backing file" },
	{ "pages_readahead",	 "  of them read ahead of a fault" },
	{ "pages_written",	 "pages written back to the backing file" },
	{ "pages_evicted",	 "clean pages dropped from the cache (eviction)" },
	{ "pages_dirty",	 "pages waiting for writeback now" },
};

const char *counter_help(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(counter_helps); i++)
		if (!strcmp(name, counter_helps[i].name))
			return counter_helps[i].help;
	return "";
}

/* A value now rather than a count of events since the last reset. */
int counter_is_gauge(const char *name)
{
	return !strcmp(name, "pages_resident") || !strcmp(name, "pages_dirty");
}

int counters_read(struct counters *cs)
{
	char buf[8192], *line, *save;
	ssize_t n;
	int fd;

	fd = debugfs_open("stats");
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		error("cannot read %s/stats: %m", VMDEMO_DEBUGFS_DIR);
		return -1;
	}
	buf[n] = '\0';
	cs->n = 0;
	for (line = strtok_r(buf, "\n", &save); line && cs->n < MAX_COUNTERS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct counter *c = &cs->c[cs->n];
		char *value = strchr(line, ' ');

		if (!value || value - line >= (long)sizeof(c->name))
			continue;
		*value++ = '\0';
		snprintf(c->name, sizeof(c->name), "%s", line);
		c->value = strtoll(value, NULL, 10);
		cs->n++;
	}
	if (!cs->n) {
		error("%s/stats holds no counters", VMDEMO_DEBUGFS_DIR);
		return -1;
	}
	return 0;
}

long long counter_value(const struct counters *cs, const char *name)
{
	int i;

	for (i = 0; i < cs->n; i++)
		if (!strcmp(cs->c[i].name, name))
			return cs->c[i].value;
	return 0;
}

int cmd_reset(int argc, char **argv)
{
	int fd;

	if (wants_help(argc, argv)) {
		fputs(reset_help, stdout);
		return EXIT_OK;
	}
	if (argc > 1)
		return usage_error("reset", "unexpected argument '%s'", argv[1]);
	fd = debugfs_open("reset");
	if (fd < 0)
		return EXIT_FAIL;
	if (write(fd, "1\n", 2) != 2) {
		error("cannot write to %s/reset: %m", VMDEMO_DEBUGFS_DIR);
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	printf("vmdemo: counters reset\n");
	return EXIT_OK;
}
