// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo: load and watch the vmdemo module, and take the guided tour of
 * memory mapping.  This file picks the subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "vmdemo.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "load",   cmd_load,   "load the vmdemo module [PARAM=VALUE...]" },
	{ "unload", cmd_unload, "unload it" },
	{ "info",   cmd_info,   "size, resident pages, settings, backing file of /dev/vmdemo" },
	{ "resize", cmd_resize, "set the size of the device: vmdemo resize 64K" },
	{ "punch",  cmd_punch,  "zero a range and free its pages: vmdemo punch 0 8K" },
	{ "evict",  cmd_evict,  "drop a range from the cache to the backing file: vmdemo evict 0 8K" },
	{ "sync",   cmd_sync,   "write the dirty pages to the backing file (fsync)" },
	{ "stat",   cmd_stat,   "the fault counters, once or every -i SECONDS" },
	{ "hist",   cmd_hist,   "histogram of how long the driver's faults took" },
	{ "reset",  cmd_reset,  "start the counters again from zero" },
	{ "map",    cmd_map,    "draw a process's mapping page by page: vmdemo map PID" },
	{ "tour",   cmd_tour,   "a guided tour of memory mapping, step by step" },
	{ "trace-fault", cmd_trace_fault, "the kernel's call tree of one fault, traced" },
};

#define NR_COMMANDS	((int)ARRAY_SIZE(commands))

static void usage(FILE *out)
{
	int i;

	fprintf(out,
		"Usage: vmdemo COMMAND [ARGS...]\n"
		"\n"
		"vmdemo drives the vmdemo kernel module: /dev/vmdemo is a file-like device\n"
		"whose pages live in a page cache its driver owns, and every page fault on\n"
		"a mapping of it is counted.  Use it to watch and learn how memory mapping\n"
		"works in Linux.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"'vmdemo COMMAND --help' tells more about each; see also vmdemo(1).\n"
		"Start with: vmdemo tour\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			/* "vmdemo help stat" is "vmdemo stat --help". */
			char *args[] = { argv[2], "--help", NULL };

			for (i = 0; i < NR_COMMANDS; i++)
				if (!strcmp(argv[2], commands[i].name))
					return commands[i].run(2, args);
			return usage_error(NULL, "unknown command '%s'", argv[2]);
		}
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	if (argv[1][0] == '-')
		return usage_error(NULL, "unknown option '%s'", argv[1]);
	return usage_error(NULL, "unknown command '%s'", argv[1]);
}
