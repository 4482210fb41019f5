/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading vmdemo's debugfs counters and steering the kernel's fault-around
 * from the counter tests.
 */
#ifndef _VMDEMO_COUNTERS_H
#define _VMDEMO_COUNTERS_H

#include <stdint.h>

/* Where the module keeps its statistics; debugfs is not ABI. */
#define VMDEMO_DEBUGFS_DIR	"/sys/kernel/debug/vmdemo"

/* The counters of /sys/kernel/debug/vmdemo/stats, in the file's order. */
enum counter {
	C_MMAPS,
	C_VMA_OPENS,
	C_VMA_CLOSES,
	C_FAULTS,
	C_FAULTS_READ,
	C_FAULTS_WRITE_SHARED,
	C_FAULTS_COW,
	C_FAULTS_SIGBUS,
	C_FAULTS_OOM,
	C_MAP_PAGES,
	C_MAP_PAGES_MAPPED,
	C_PAGE_MKWRITE,
	C_PAGES_RESIDENT,
	C_PAGES_ALLOCATED,
	C_PAGES_FREED,
	C_NR
};

extern const char *const counter_names[C_NR];

/* One reading of every counter. */
struct counters {
	uint64_t v[C_NR];
};

int counters_read(struct counters *c);
int counters_reset(void);
/* Sum of the fault_latency histogram's counts, or -1. */
long long counters_latency_total(void);
/* Turn the module's fault timing (parameter latency) on or off; 0 if done. */
int counters_latency_enable(int on);

/*
 * How many vma_closes @n closes of mappings count: @n if the module was
 * loaded with count_closes=Y, else 0 (its mappings then have no .close,
 * so that they merge as a file's do).
 */
uint64_t counters_closes(uint64_t n);

/* fault_around_bytes: read it, or set it (returns 0 on success). */
long fault_around_get(void);
int fault_around_set(long bytes);

#endif /* _VMDEMO_COUNTERS_H */
