// SPDX-License-Identifier: GPL-2.0
/*
 * Reading vmdemo's debugfs counters and steering the kernel's fault-around.
 */
#include <stdio.h>
#include <string.h>

#include <linux/vmdemo.h>

#include "counters.h"

#define FAULT_AROUND_PATH	"/sys/kernel/debug/fault_around_bytes"

const char *const counter_names[C_NR] = {
	"mmaps", "vma_opens", "vma_closes", "faults", "faults_read",
	"faults_write_shared", "faults_cow", "faults_sigbus", "faults_oom",
	"map_pages", "map_pages_mapped", "page_mkwrite", "pages_resident",
	"pages_allocated", "pages_freed",
};

/*
 * Parse the stats file, requiring the documented names in the documented
 * order (more lines may follow).  Returns 0, or -1 if it does not match.
 */
int counters_read(struct counters *c)
{
	char name[64];
	unsigned long long val;
	FILE *f;
	int i;

	f = fopen(VMDEMO_DEBUGFS_DIR "/stats", "r");
	if (!f)
		return -1;
	for (i = 0; i < C_NR; i++) {
		if (fscanf(f, "%63s %llu", name, &val) != 2 ||
		    strcmp(name, counter_names[i])) {
			fclose(f);
			return -1;
		}
		c->v[i] = val;
	}
	fclose(f);
	return 0;
}

int counters_reset(void)
{
	FILE *f = fopen(VMDEMO_DEBUGFS_DIR "/reset", "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs("1\n", f) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

long long counters_latency_total(void)
{
	unsigned long long lo, hi, count, prev_hi = 0;
	long long total = 0;
	int first = 1;
	FILE *f;

	f = fopen(VMDEMO_DEBUGFS_DIR "/fault_latency", "r");
	if (!f)
		return -1;
	while (fscanf(f, "%llu %llu %llu", &lo, &hi, &count) == 3) {
		/* Buckets are powers of two, ascending, never empty. */
		if (hi < lo || count == 0 || (!first && lo <= prev_hi) ||
		    (lo && hi != 2 * lo - 1)) {
			total = -1;
			break;
		}
		prev_hi = hi;
		first = 0;
		total += count;
	}
	fclose(f);
	return total;
}

int counters_latency_enable(int on)
{
	FILE *f = fopen("/sys/module/vmdemo/parameters/latency", "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(on ? "Y\n" : "N\n", f) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

uint64_t counters_closes(uint64_t n)
{
	FILE *f = fopen("/sys/module/vmdemo/parameters/count_closes", "r");
	int c = 'N';

	if (f) {
		c = fgetc(f);
		fclose(f);
	}
	return c == 'Y' ? n : 0;
}

long fault_around_get(void)
{
	FILE *f = fopen(FAULT_AROUND_PATH, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int fault_around_set(long bytes)
{
	FILE *f = fopen(FAULT_AROUND_PATH, "w");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%ld\n", bytes) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}
