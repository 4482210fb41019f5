// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs counters, checked exactly.  With fault-around off
 * (fault_around_bytes = 4096) every user access below reaches the driver
 * in a way the core mm fixes, so each counter has one right value.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "counters.h"
#include "kselftest_harness.h"
#include "probe.h"
#include "target.h"

#define NPAGES	8

FIXTURE(counters) {
	struct target t;
	long saved_fault_around;
	struct counters before;
};

FIXTURE_SETUP(counters)
{
	char msg[256];
	int ret;

	self->saved_fault_around = -1;
	ret = target_setup(&self->t, TARGET_DEVICE, pages(64), msg,
			   sizeof(msg));
	if (ret == TARGET_SKIP)
		SKIP(return, "%s", msg);
	ASSERT_EQ(TARGET_READY, ret) TH_LOG("%s", msg);

	self->saved_fault_around = fault_around_get();
	ASSERT_LT(0, self->saved_fault_around)
		TH_LOG("cannot read fault_around_bytes: is debugfs mounted?");
	ASSERT_EQ(0, fault_around_set(4096));
	ASSERT_EQ(0, counters_reset());
	ASSERT_EQ(0, counters_read(&self->before))
		TH_LOG("stats does not list the documented counters in order");
}

FIXTURE_TEARDOWN(counters)
{
	counters_latency_enable(0);
	if (self->saved_fault_around > 0)
		fault_around_set(self->saved_fault_around);
	target_teardown(&self->t);
}

/* Make the first @n pages resident through write(), then reset. */
static int make_resident(struct target *t, int n)
{
	char buf[4096];
	int i;

	for (i = 0; i < n; i++) {
		memset(buf, 'a' + i, sizeof(buf));
		if (pwrite(t->fd, buf, pagesz, pages(i)) != (ssize_t)pagesz)
			return -1;
	}
	return counters_reset();
}

/* Counter deltas since the fixture's reading, all of them. */
static void deltas(struct counters *d, const struct counters *before)
{
	struct counters now;
	int i;

	memset(d, 0xff, sizeof(*d));
	if (counters_read(&now))
		return;
	for (i = 0; i < C_NR; i++)
		d->v[i] = now.v[i] - (i == C_PAGES_RESIDENT ? 0 : before->v[i]);
}

#define EXPECT_COUNTS(d, ...)						\
	do {								\
		const struct { enum counter c; uint64_t v; } _e[] = {	\
			__VA_ARGS__ };					\
		uint64_t _want[C_NR] = { 0 };				\
		size_t _i;						\
		for (_i = 0; _i < sizeof(_e) / sizeof(_e[0]); _i++)	\
			_want[_e[_i].c] = _e[_i].v;			\
		for (_i = 0; _i < C_NR; _i++) {				\
			EXPECT_EQ(_want[_i], (d)->v[_i])		\
				TH_LOG("counter %s", counter_names[_i]);\
		}							\
	} while (0)

/* The first example: read 8 resident pages, then write them. */
TEST_F(counters, shared_read_then_write)
{
	struct counters d;
	volatile uint8_t *p;
	int i;

	ASSERT_EQ(0, make_resident(&self->t, NPAGES));
	ASSERT_EQ(0, counters_read(&self->before));
	p = mmap(NULL, pages(NPAGES), PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);

	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ('a' + i, p[pages(i)]);
	deltas(&d, &self->before);
	EXPECT_COUNTS(&d, { C_MMAPS, 1 }, { C_FAULTS, NPAGES },
		      { C_FAULTS_READ, NPAGES }, { C_PAGES_RESIDENT, NPAGES });

	for (i = 0; i < NPAGES; i++)
		p[pages(i)] = 'A' + i;
	deltas(&d, &self->before);
	EXPECT_COUNTS(&d, { C_MMAPS, 1 }, { C_FAULTS, NPAGES },
		      { C_FAULTS_READ, NPAGES }, { C_PAGE_MKWRITE, NPAGES },
		      { C_PAGES_RESIDENT, NPAGES });

	ASSERT_EQ(0, munmap((void *)p, pages(NPAGES)));
	deltas(&d, &self->before);
	EXPECT_EQ(counters_closes(1), d.v[C_VMA_CLOSES]);
}

/* Writing untouched pages of a shared mapping: fault, then page_mkwrite. */
TEST_F(counters, shared_write_untouched)
{
	struct counters d;
	uint8_t *p;
	int i;

	p = mmap(NULL, pages(NPAGES), PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < NPAGES; i++)
		p[pages(i)] = 'w';
	deltas(&d, &self->before);
	/* None was resident: each fault also allocated the page. */
	EXPECT_COUNTS(&d, { C_MMAPS, 1 }, { C_FAULTS, NPAGES },
		      { C_FAULTS_WRITE_SHARED, NPAGES },
		      { C_PAGE_MKWRITE, NPAGES }, { C_PAGES_RESIDENT, NPAGES },
		      { C_PAGES_ALLOCATED, NPAGES });
	munmap(p, pages(NPAGES));
}

/* Writing untouched pages of a private mapping: one COW fault each. */
TEST_F(counters, private_write_untouched)
{
	struct counters d;
	uint8_t *p;
	int i;

	ASSERT_EQ(0, make_resident(&self->t, NPAGES));
	ASSERT_EQ(0, counters_read(&self->before));
	p = mmap(NULL, pages(NPAGES), PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < NPAGES; i++)
		p[pages(i)] = 'p';
	deltas(&d, &self->before);
	EXPECT_COUNTS(&d, { C_MMAPS, 1 }, { C_FAULTS, NPAGES },
		      { C_FAULTS_COW, NPAGES }, { C_PAGES_RESIDENT, NPAGES });
	munmap(p, pages(NPAGES));
}

/*
 * Read first, then write, in a private mapping: the writes are copied by
 * do_wp_page() in the core mm and never reach the driver.
 */
TEST_F(counters, private_read_then_write_is_invisible)
{
	struct counters d;
	volatile uint8_t *p;
	int i;

	ASSERT_EQ(0, make_resident(&self->t, NPAGES));
	ASSERT_EQ(0, counters_read(&self->before));
	p = mmap(NULL, pages(NPAGES), PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ('a' + i, p[pages(i)]);
	for (i = 0; i < NPAGES; i++)
		p[pages(i)] = 'q';
	deltas(&d, &self->before);
	EXPECT_COUNTS(&d, { C_MMAPS, 1 }, { C_FAULTS, NPAGES },
		      { C_FAULTS_READ, NPAGES }, { C_PAGES_RESIDENT, NPAGES });
	munmap((void *)p, pages(NPAGES));
}

/* A fault on a page wholly past the end: SIGBUS, counted once. */
TEST_F(counters, sigbus_past_end)
{
	struct counters d;
	uint8_t *p, v;

	ASSERT_EQ(0, target_set_size(&self->t, pages(2)));
	ASSERT_EQ(0, counters_read(&self->before));
	p = mmap(NULL, pages(4), PROT_READ, MAP_SHARED, self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(SIGBUS, probe_read(p + pages(3), &v));
	deltas(&d, &self->before);
	EXPECT_COUNTS(&d, { C_MMAPS, 1 }, { C_FAULTS, 1 },
		      { C_FAULTS_READ, 1 }, { C_FAULTS_SIGBUS, 1 });
	munmap(p, pages(4));
}

/* fork copies the mapping (vma open), exit and munmap close it. */
TEST_F(counters, fork_opens_and_closes)
{
	struct counters d;
	int status;
	uint8_t *p;
	pid_t pid;

	p = mmap(NULL, pages(NPAGES), PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, munmap(p, pages(NPAGES)));
	deltas(&d, &self->before);
	EXPECT_COUNTS(&d, { C_MMAPS, 1 }, { C_VMA_OPENS, 1 },
		      { C_VMA_CLOSES, counters_closes(2) });
}

/*
 * Unmapping the middle of a mapping splits it twice (at each end of the
 * hole): two new vmas are opened and the middle one is closed.
 */
TEST_F(counters, split_opens_a_vma)
{
	struct counters d;
	uint8_t *p;

	p = mmap(NULL, pages(3), PROT_READ, MAP_SHARED, self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + pages(1), pages(1)));
	deltas(&d, &self->before);
	EXPECT_COUNTS(&d, { C_MMAPS, 1 }, { C_VMA_OPENS, 2 },
		      { C_VMA_CLOSES, counters_closes(1) });
	munmap(p, pages(3));
	deltas(&d, &self->before);
	EXPECT_EQ(counters_closes(3), d.v[C_VMA_CLOSES]);
}

/*
 * With fault-around on, every page of a sequential read is mapped exactly
 * once: by a fault or by map_pages.
 */
TEST_F(counters, fault_around_maps_each_page_once)
{
	const int n = 64;
	struct counters d;
	volatile uint8_t *p;
	int i;

	ASSERT_EQ(0, fault_around_set(self->saved_fault_around));
	ASSERT_EQ(0, make_resident(&self->t, n));
	ASSERT_EQ(0, counters_read(&self->before));
	p = mmap(NULL, pages(n), PROT_READ, MAP_SHARED, self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < n; i++)
		ASSERT_EQ('a' + i, p[pages(i)]);
	deltas(&d, &self->before);
	EXPECT_EQ((uint64_t)n, d.v[C_FAULTS] + d.v[C_MAP_PAGES_MAPPED]);
	EXPECT_EQ(d.v[C_FAULTS], d.v[C_FAULTS_READ]);
	/* Every read fault tried fault-around first. */
	EXPECT_LE(1UL, d.v[C_MAP_PAGES]);
	EXPECT_LT(d.v[C_FAULTS], (uint64_t)n) TH_LOG("fault-around mapped nothing");
	munmap((void *)p, pages(n));
}

/* First touch with fault-around on: nothing resident to map around. */
TEST_F(counters, fault_around_cold_maps_nothing)
{
	const int n = 32;
	struct counters d;
	volatile uint8_t *p;
	int i;

	ASSERT_EQ(0, fault_around_set(self->saved_fault_around));
	p = mmap(NULL, pages(n), PROT_READ, MAP_SHARED, self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, p[pages(i)]);
	deltas(&d, &self->before);
	EXPECT_COUNTS(&d, { C_MMAPS, 1 }, { C_FAULTS, n },
		      { C_FAULTS_READ, n }, { C_MAP_PAGES, n },
		      { C_PAGES_RESIDENT, n }, { C_PAGES_ALLOCATED, n });
	munmap((void *)p, pages(n));
}

/* reset zeroes everything but pages_resident, histogram included. */
TEST_F(counters, reset_zeroes_all_but_resident)
{
	struct counters c;
	volatile uint8_t *p;
	int i;

	ASSERT_EQ(0, counters_latency_enable(1));
	p = mmap(NULL, pages(NPAGES), PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < NPAGES; i++)
		p[pages(i)] = 1;
	ASSERT_EQ(NPAGES, counters_latency_total());
	ASSERT_EQ(0, counters_reset());
	ASSERT_EQ(0, counters_read(&c));
	for (i = 0; i < C_NR; i++) {
		EXPECT_EQ(i == C_PAGES_RESIDENT ? NPAGES : 0UL, c.v[i])
			TH_LOG("counter %s after reset", counter_names[i]);
	}
	EXPECT_EQ(0LL, counters_latency_total());
	munmap((void *)p, pages(NPAGES));
}

/* Pages entering and leaving the cache balance against pages_resident. */
TEST_F(counters, allocated_minus_freed_is_resident)
{
	struct counters c;
	uint8_t buf[4096] = { 1 };
	int i;

	/* The fixture emptied the device before its reset. */
	for (i = 0; i < 16; i++)
		ASSERT_EQ((ssize_t)pagesz, pwrite(self->t.fd, buf, pagesz,
						  pages(i * 2)));
	ASSERT_EQ(0, target_punch(&self->t, pages(4), pages(8)));
	ASSERT_EQ(0, target_set_size(&self->t, pages(20)));
	ASSERT_EQ(0, counters_read(&c));
	EXPECT_EQ(16UL, c.v[C_PAGES_ALLOCATED]);
	/* Punched 4, 6, 8, 10; cut off 20 .. 30: 0, 2, 12 .. 18 remain. */
	EXPECT_EQ(6UL, c.v[C_PAGES_RESIDENT]);
	EXPECT_EQ(10UL, c.v[C_PAGES_FREED]);
	EXPECT_EQ(c.v[C_PAGES_ALLOCATED] - c.v[C_PAGES_FREED],
		  c.v[C_PAGES_RESIDENT]);
	/* Reads of holes allocate nothing. */
	ASSERT_EQ((ssize_t)pagesz, pread(self->t.fd, buf, pagesz, pages(1)));
	ASSERT_EQ(0, counters_read(&c));
	EXPECT_EQ(16UL, c.v[C_PAGES_ALLOCATED]);
}

/* The fault_latency histogram counts every .fault call once. */
TEST_F(counters, latency_counts_every_fault)
{
	struct counters d;
	volatile uint8_t *p;
	uint8_t v;
	int i;

	ASSERT_EQ(0, target_set_size(&self->t, pages(NPAGES)));
	ASSERT_EQ(0, counters_latency_enable(1));
	ASSERT_EQ(0, counters_reset());
	ASSERT_EQ(0, counters_read(&self->before));
	p = mmap(NULL, pages(NPAGES + 2), PROT_READ, MAP_PRIVATE, self->t.fd,
		 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < NPAGES; i++)
		(void)p[pages(i)];
	EXPECT_EQ(SIGBUS, probe_read((void *)(p + pages(NPAGES + 1)), &v));
	deltas(&d, &self->before);
	EXPECT_EQ((uint64_t)NPAGES + 1, d.v[C_FAULTS]);
	EXPECT_EQ((long long)NPAGES + 1, counters_latency_total());
	munmap((void *)p, pages(NPAGES + 2));
}

/* With the parameter latency off (the default), no fault is timed. */
TEST_F(counters, latency_off_times_nothing)
{
	struct counters d;
	volatile uint8_t *p;
	int i;

	ASSERT_EQ(0, counters_latency_enable(0));
	ASSERT_EQ(0, counters_reset());
	ASSERT_EQ(0, counters_read(&self->before));
	p = mmap(NULL, pages(NPAGES), PROT_READ, MAP_SHARED, self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < NPAGES; i++)
		(void)p[pages(i)];
	deltas(&d, &self->before);
	EXPECT_EQ((uint64_t)NPAGES, d.v[C_FAULTS]);
	EXPECT_EQ(0LL, counters_latency_total());
	munmap((void *)p, pages(NPAGES));
}

TEST_HARNESS_MAIN
