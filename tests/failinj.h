/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common part of the failinj_fault, failinj_write and failinj_sweep
 * programs: the fixture fi, in which every test injects allocation
 * failures (inject.h) into the driver's paths:
 *
 *   a device of DEV_PAGES pages, page 0 written (generation 1); its first
 *   MAP_PAGES pages mapped MAP_SHARED at a 2 MiB-aligned address, so that
 *   one page table covers them and no fault has to allocate one;
 *   fault-around off (one page per fault); an I/O buffer and a model of
 *   the device's content, touched; 64 KiB of stack touched; the counters
 *   read into self->before.
 *
 * The injection is armed only around the one access or call under test
 * (FAILING()), with every buffer, stack page and page table it needs
 * touched before.  Needs the debug kernel's fault injection: every test
 * skips, with the reason, on a kernel without it.  Device only: there is
 * nothing to compare with on tmpfs.  Include this from exactly one file
 * per program (the harness defines functions).
 */
#ifndef _VMDEMO_FAILINJ_H
#define _VMDEMO_FAILINJ_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "kselftest_harness.h"

#include "counters.h"
#include "inject.h"
#include "pattern.h"
#include "probe.h"
#include "target.h"

/* Device size in the fixture, and the part mapped (one page table). */
#define DEV_PAGES	1024
#define MAP_PAGES	512
#define PMD_SIZE_	(2UL << 20)

/* Pages the sweep tests work on. */
#define SWEEP_PAGES	64

FIXTURE(fi) {
	bool skip;
	struct injector in;
	struct target t;
	long fault_around;
	void *reserve;		/* PROT_NONE reservation the mapping sits in */
	size_t reserve_len;
	uint8_t *map;		/* MAP_SHARED, MAP_PAGES, one page table */
	uint8_t *buf;		/* touched I/O buffer, SWEEP_PAGES + 1 pages */
	uint8_t *model;		/* what the device should hold (sweeps) */
	struct counters before;
};

FIXTURE_SETUP(fi)
{
	char why[512] = "";
	uintptr_t aligned;
	int ret;

	self->fault_around = -1;
	self->t.fd = -1;
	ret = inj_setup(&self->in, why, sizeof(why));
	if (ret == 1) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", why);

	ret = target_setup(&self->t, TARGET_DEVICE, pages(DEV_PAGES), why,
			   sizeof(why));
	if (ret == TARGET_SKIP) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	ASSERT_EQ(TARGET_READY, ret) TH_LOG("%s", why);
	ASSERT_EQ(0, counters_read(&self->before))
		TH_LOG("no vmdemo counters in debugfs");

	/* One page per fault: fault-around would map several per call. */
	self->fault_around = fault_around_get();
	ASSERT_LT(0, self->fault_around);
	ASSERT_EQ(0, fault_around_set(4096));

	/*
	 * The mapping sits in one 2 MiB-aligned page table's range, which
	 * page 0 being mapped creates: no fault below has to allocate a
	 * page table.
	 */
	self->reserve_len = 2 * PMD_SIZE_;
	self->reserve = mmap(NULL, self->reserve_len, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->reserve);
	aligned = ((uintptr_t)self->reserve + PMD_SIZE_ - 1) & ~(PMD_SIZE_ - 1);
	self->map = mmap((void *)aligned, pages(MAP_PAGES),
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 self->t.fd, 0);
	ASSERT_EQ((void *)aligned, self->map);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pagesz, 1));
	ASSERT_EQ(pat_byte(0, 1), self->map[0]);

	self->buf = malloc(pages(SWEEP_PAGES + 1));
	self->model = malloc(pages(SWEEP_PAGES));
	ASSERT_NE(NULL, self->buf);
	ASSERT_NE(NULL, self->model);
	memset(self->buf, 0, pages(SWEEP_PAGES + 1));
	memset(self->model, 0, pages(SWEEP_PAGES));
	prefault_stack(64 << 10);
}

FIXTURE_TEARDOWN(fi)
{
	if (self->in.ready || self->in.mif_fd >= 0)
		inj_teardown(&self->in);
	if (self->fault_around > 0)
		fault_around_set(self->fault_around);
	if (self->reserve && self->reserve != MAP_FAILED)
		munmap(self->reserve, self->reserve_len);
	free(self->buf);
	free(self->model);
	target_teardown(&self->t);
}

/* The fixture skipped (no fault injection or no device): so does the test. */
#define SKIP_IF_NEEDED() do { if (self->skip) return; } while (0)

/* GET_INFO's pages_resident of @t, which must work. */
static inline long resident(struct __test_metadata *_metadata,
			    struct target *t)
{
	long r = target_resident(t);

	EXPECT_LE(0, r);
	return r;
}

/*
 * FAILING(inj, times, stmt) - run @stmt with the next @times allocations
 * of kind @inj by this thread failing, the counters read just before into
 * self->before; disarmed right after @stmt, which must save the errno it
 * needs itself.
 */
#define FAILING(inj, times, stmt) do {					\
	ASSERT_EQ(0, counters_read(&self->before));			\
	ASSERT_EQ(0, inj_arm(&self->in, (inj), (times)));		\
	stmt;								\
	inj_disarm(&self->in);						\
} while (0)

/*
 * After FAILING(INJ_PAGE, 1, ...) of a fault that failed cleanly: the one
 * failure happened, one faults_oom counted it, and no page was allocated.
 * The counter deltas in @d.
 */
#define EXPECT_ONE_OOM(d) do {						\
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));			\
	counters_since((d), &self->before);				\
	EXPECT_EQ(1U, (d)->v[C_FAULTS_OOM]);				\
	EXPECT_EQ(0U, (d)->v[C_PAGES_ALLOCATED]);			\
} while (0)

#endif /* _VMDEMO_FAILINJ_H */
