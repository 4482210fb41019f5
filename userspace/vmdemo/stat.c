// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo stat: the counters once, or what changed every interval, as a
 * table in the manner of vmstat or as JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"

#define HEADER_EVERY	20

static const char stat_help[] =
"Usage: vmdemo stat [-i SECONDS] [-c COUNT] [--json]\n"
"\n"
"Show the counters of the vmdemo module: what happened on mappings of\n"
VMDEMO_DEVICE_PATH " since it was loaded or 'vmdemo reset'.  Needs root (debugfs).\n"
"\n"
"  -i, --interval SECONDS  every SECONDS (may be a fraction, like 0.5), print\n"
"                          one line of what changed during the interval,\n"
"                          as vmstat does; pages_resident and pages_dirty are\n"
"                          values at the end of the interval.  Runs until\n"
"                          interrupted.\n"
"  -c, --count COUNT       stop after COUNT lines (alone: every second)\n"
"  -j, --json              JSON: one object; with -i, one object per line,\n"
"                          with \"time\" (Unix time) and \"interval\" (seconds)\n"
"  -h, --help              this help\n"
"\n"
"Columns of the -i table:\n"
"  mmaps   mmap() calls          opens/closes  mappings copied/removed\n"
"  faults  .fault calls, of which read, wshare (write, MAP_SHARED),\n"
"          cow (write, MAP_PRIVATE); sigbus and oom: failed ones\n"
"  around  fault-around calls    mapped   pages they mapped\n"
"  mkwrite .page_mkwrite calls   resident pages in the cache now\n"
"  alloc/freed  pages added to / removed from the cache\n"
"With a backing file (module parameter backing=PATH), and shown whenever\n"
"the module has these counters:\n"
"  major   faults that read their page from the file\n"
"  pgin    pages read from the file, of which ahead: read ahead of a fault\n"
"  pgout   pages written back      evict    clean pages dropped\n"
"  dirty   pages waiting for writeback, at the end of the interval\n";

/* Short column headings and groups for the -i table. */
static const struct {
	const char *name, *head, *group;
} columns[] = {
	{ "mmaps",		 "mmaps",    "mappings" },
	{ "vma_opens",		 "opens",    "mappings" },
	{ "vma_closes",		 "closes",   "mappings" },
	{ "faults",		 "faults",   "faults" },
	{ "faults_read",	 "read",     "faults" },
	{ "faults_write_shared", "wshare",   "faults" },
	{ "faults_cow",		 "cow",      "faults" },
	{ "faults_sigbus",	 "sigbus",   "faults" },
	{ "faults_oom",		 "oom",      "faults" },
	{ "map_pages",		 "around",   "fault-around" },
	{ "map_pages_mapped",	 "mapped",   "fault-around" },
	{ "page_mkwrite",	 "mkwrite",  "mkwrite" },
	{ "pages_resident",	 "resident", "pages" },
	{ "pages_allocated",	 "alloc",    "pages" },
	{ "pages_freed",	 "freed",    "pages" },
	{ "faults_major",	 "major",    "backing file" },
	{ "pages_read",		 "pgin",     "backing file" },
	{ "pages_readahead",	 "ahead",    "backing file" },
	{ "pages_written",	 "pgout",    "backing file" },
	{ "pages_evicted",	 "evict",    "backing file" },
	{ "pages_dirty",	 "dirty",    "backing file" },
};

#define NR_COLUMNS	((int)ARRAY_SIZE(columns))

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void column_of(const char *name, const char **head, const char **group)
{
	int i;

	for (i = 0; i < NR_COLUMNS; i++) {
		if (!strcmp(name, columns[i].name)) {
			*head = columns[i].head;
			*group = columns[i].group;
			return;
		}
	}
	*head = name;
	*group = "other";
}

static int column_width(const char *head)
{
	int w = strlen(head);

	return w < 6 ? 6 : w;
}

/* Two heading lines: the groups, dashed across their columns, then names. */
static void print_header(const struct counters *cs)
{
	const char *head, *group, *h2, *g2;
	int i, j, width;

	for (i = 0; i < cs->n; i = j) {
		column_of(cs->c[i].name, &head, &group);
		width = 0;
		for (j = i; j < cs->n; j++) {
			column_of(cs->c[j].name, &h2, &g2);
			if (strcmp(g2, group))
				break;
			width += column_width(h2) + 1;
		}
		width--;
		printf("%s", i ? " " : "");
		if ((int)strlen(group) + 2 > width) {
			printf("%-*.*s", width, width, group);
		} else {
			int dashes = width - strlen(group);
			int left = dashes / 2;

			printf("%.*s%s%.*s", left, "--------------------------------",
			       group, dashes - left,
			       "--------------------------------");
		}
	}
	putchar('\n');
	for (i = 0; i < cs->n; i++) {
		column_of(cs->c[i].name, &head, &group);
		printf("%s%*s", i ? " " : "", column_width(head), head);
	}
	putchar('\n');
}

static void print_row(const struct counters *prev, const struct counters *now)
{
	const char *head, *group;
	int i;

	for (i = 0; i < now->n; i++) {
		long long v = now->c[i].value;

		if (!counter_is_gauge(now->c[i].name))
			v -= counter_value(prev, now->c[i].name);
		column_of(now->c[i].name, &head, &group);
		printf("%s%*lld", i ? " " : "", column_width(head), v);
	}
	putchar('\n');
}

static void print_json(const struct counters *prev, const struct counters *now,
		       double t, double interval)
{
	int i;

	putchar('{');
	if (prev)
		printf("\"time\": %.3f, \"interval\": %.3f, ", t, interval);
	for (i = 0; i < now->n; i++) {
		long long v = now->c[i].value;

		if (prev && !counter_is_gauge(now->c[i].name))
			v -= counter_value(prev, now->c[i].name);
		printf("%s\"%s\": %lld", i ? ", " : "", now->c[i].name, v);
	}
	printf("}\n");
}

static void print_once(const struct counters *cs)
{
	int i;

	for (i = 0; i < cs->n; i++)
		printf("%-20s %12lld  %s\n", cs->c[i].name, cs->c[i].value,
		       counter_help(cs->c[i].name));
}

static double now_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_intervals(double interval, long count, int json)
{
	struct counters prev, now;
	struct timespec next;
	struct sigaction sa = { .sa_handler = on_signal };
	double t_prev, t_now;
	long rows = 0;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (counters_read(&prev))
		return EXIT_FAIL;
	t_prev = now_seconds(CLOCK_MONOTONIC);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!stop && (count <= 0 || rows < count)) {
		time_t secs = (time_t)interval;

		next.tv_sec += secs;
		next.tv_nsec += (long)((interval - secs) * 1e9);
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
						&next, NULL) == EINTR)
			;
		if (stop)
			break;
		if (!module_loaded()) {
			error("the vmdemo module was unloaded");
			return EXIT_FAIL;
		}
		if (counters_read(&now))
			return EXIT_FAIL;
		t_now = now_seconds(CLOCK_MONOTONIC);
		if (json) {
			print_json(&prev, &now, now_seconds(CLOCK_REALTIME),
				   t_now - t_prev);
		} else {
			if (rows % HEADER_EVERY == 0)
				print_header(&now);
			print_row(&prev, &now);
		}
		fflush(stdout);
		prev = now;
		t_prev = t_now;
		rows++;
	}
	return EXIT_OK;
}

int cmd_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double interval = 0;
	long count = 0;
	int json = 0, opt;
	char *end;
	struct counters cs;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":i:c:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			errno = 0;
			interval = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(interval > 0) ||
			    interval > 86400)
				return usage_error("stat", "-i wants a number of seconds, more than 0 (like 1 or 0.5), not '%s'",
						   optarg);
			break;
		case 'c':
			errno = 0;
			count = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || count <= 0)
				return usage_error("stat", "-c wants a positive number of lines, not '%s'",
						   optarg);
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(stat_help, stdout);
			return EXIT_OK;
		case ':':
			return usage_error("stat", "option '%s' needs a value",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("stat", "unknown option '-%c'",
						   optopt);
			return usage_error("stat", "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("stat", "unexpected argument '%s'", argv[optind]);
	if (count && !interval)
		interval = 1;
	if (interval)
		return run_intervals(interval, count, json);

	if (counters_read(&cs))
		return EXIT_FAIL;
	if (json)
		print_json(NULL, &cs, 0, 0);
	else
		print_once(&cs);
	return EXIT_OK;
}
