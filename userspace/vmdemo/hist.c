// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo hist: the driver's fault latency histogram (VMDEMO_DEBUGFS_DIR/
 * fault_latency, "lo hi count" lines for the non-empty power-of-two
 * buckets, in ns) drawn as bpftrace and bcc draw theirs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"

#define BAR_WIDTH	40
#define MAX_BUCKETS	65

static const char hist_help[] =
"Usage: vmdemo hist\n"
"\n"
"Show how long the driver's fault handler took, as a histogram of\n"
"power-of-two buckets in nanoseconds ([1K, 2K) is 1024 to 2047 ns), since the\n"
"module was loaded or 'vmdemo reset'.  The time is that of .fault alone:\n"
"finding or allocating the page, not the whole page fault.  Only faults\n"
"taken while the module parameter latency is Y are timed (it is N by\n"
"default: reading the clock twice per fault costs more than counting):\n"
"  echo Y > " LATENCY_PARAM_PATH "\n"
"Needs root.\n";

/* "512", "1K", "16M": a power of two in binary units; 64 is 2^64. */
static const char *pow2_label(int shift, char *buf, size_t len)
{
	static const char units[] = " KMGTPE";
	int u = shift / 10;

	snprintf(buf, len, "%u%.*s", 1U << (shift - 10 * u), u ? 1 : 0,
		 &units[u]);
	return buf;
}

/* Bucket b (as in the module): 0 holds 0 ns, b > 0 holds [2^(b-1), 2^b). */
static int bucket_of(unsigned long long lo)
{
	int b = 0;

	while (lo) {
		b++;
		lo >>= 1;
	}
	return b;
}

static void bucket_label(int b, char *buf, size_t len)
{
	char lo[16], hi[16];

	if (b <= 1)
		snprintf(buf, len, "[%d]", b);
	else
		snprintf(buf, len, "[%s, %s)", pow2_label(b - 1, lo, sizeof(lo)),
			 pow2_label(b, hi, sizeof(hi)));
}

/* Is the module timing faults (parameter latency)? */
static int latency_on(void)
{
	FILE *f = fopen(LATENCY_PARAM_PATH, "r");
	int c = 'N';

	if (f) {
		c = fgetc(f);
		fclose(f);
	}
	return c == 'Y';
}

int cmd_hist(int argc, char **argv)
{
	unsigned long long count[MAX_BUCKETS] = { 0 }, lo, hi, n, max = 0, total = 0;
	char label[40], line[128];
	int first = MAX_BUCKETS, last = -1, b, i, bar, fd;
	FILE *f;

	if (wants_help(argc, argv)) {
		fputs(hist_help, stdout);
		return EXIT_OK;
	}
	if (argc > 1)
		return usage_error("hist", "unexpected argument '%s'", argv[1]);

	fd = debugfs_open("fault_latency");
	if (fd < 0)
		return EXIT_FAIL;
	f = fdopen(fd, "r");
	if (!f) {
		error("cannot read %s/fault_latency: %m", VMDEMO_DEBUGFS_DIR);
		close(fd);
		return EXIT_FAIL;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %llu %llu", &lo, &hi, &n) != 3)
			continue;
		b = bucket_of(lo);
		count[b] += n;
		total += n;
		if (count[b] > max)
			max = count[b];
		if (b < first)
			first = b;
		if (b > last)
			last = b;
	}
	fclose(f);

	if (!total) {
		printf("No fault timed yet: the histogram fills as programs fault on mappings of %s\n"
		       "while the module parameters stats and latency are both Y.\n",
		       VMDEMO_DEVICE_PATH);
		if (!latency_on())
			printf("Timing is off now; to turn it on (it costs two clock reads per fault):\n"
			       "  echo Y > %s\n", LATENCY_PARAM_PATH);
		return EXIT_OK;
	}
	printf("Time in the driver's .fault, ns (K = 1024), %llu faults:\n", total);
	for (b = first; b <= last; b++) {
		bucket_label(b, label, sizeof(label));
		bar = (int)((count[b] * BAR_WIDTH + max - 1) / max);
		printf("%-16s %8llu |", label, count[b]);
		for (i = 0; i < BAR_WIDTH; i++)
			putchar(i < bar ? '@' : ' ');
		printf("|\n");
	}
	return EXIT_OK;
}
