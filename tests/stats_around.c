// SPDX-License-Identifier: GPL-2.0
/*
 * map_pages_mapped under contention.  The driver counts what one
 * fault-around call mapped by the change of the mm's file-page RSS counter
 * across the call (module/around.c), so these tests make that counter
 * busy on every CPU while fault-around runs, in the same mm:
 *
 *   exact      reader threads, each on a mapping of its own, read every
 *              page of it round after round (MADV_DONTNEED between
 *              rounds), while churner threads write-fault and discard
 *              other pages of the device as fast as they can, moving the
 *              same RSS counter up and down on every CPU and folding its
 *              per-CPU parts.  Every page a reader touches is resident
 *              and nobody else maps it, so each is mapped exactly once a
 *              round: by fault-around nearly always, by .fault when
 *              fault-around could not (its page table was being freed or
 *              replaced, its page locked by the kernel): map_pages_mapped
 *              + faults_read must be exactly readers x rounds x pages, and
 *              /proc/self/pagemap must show each reader's pages present.
 *   shared     threads read the same pages of one mapping at once while
 *              others discard them, then, on a quiet mapping, once more
 *              all together: each page is mapped once in the end, by
 *              fault-around or by .fault after a lost race, so
 *              map_pages_mapped lies between pages - faults_read and
 *              pages, and pagemap shows every page present.
 *
 * A reading that fails the driver's own sanity check is reported in the
 * kernel log, which fails the run (scripts/kernel-health).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "counters.h"
#include "kselftest_harness.h"
#include "target.h"

#define READERS		2
#define CHURNERS	2
#define READER_PAGES	256
#define CHURN_PAGES	64
#define ROUNDS		20
#define SHARED_THREADS	4
#define SHARED_PAGES	512

FIXTURE(around) {
	struct target t;
	long saved_fault_around;
	struct counters before;
};

FIXTURE_SETUP(around)
{
	char msg[256];
	int ret;

	self->saved_fault_around = -1;
	ret = target_setup(&self->t, TARGET_DEVICE, 0, msg, sizeof(msg));
	if (ret == TARGET_SKIP)
		SKIP(return, "%s", msg);
	ASSERT_EQ(TARGET_READY, ret) TH_LOG("%s", msg);
	self->saved_fault_around = fault_around_get();
	ASSERT_LT(0, self->saved_fault_around);
	ASSERT_EQ(0, fault_around_set(65536));
}

FIXTURE_TEARDOWN(around)
{
	if (self->saved_fault_around > 0)
		fault_around_set(self->saved_fault_around);
	target_teardown(&self->t);
}

/* Fill @n pages from page @first with a byte that names the page. */
static int fill(int fd, size_t first, size_t n)
{
	uint8_t buf[4096];
	size_t i;

	for (i = first; i < first + n; i++) {
		memset(buf, (uint8_t)(i * 7 + 1), sizeof(buf));
		if (pwrite(fd, buf, pagesz, pages(i)) != (ssize_t)pagesz)
			return -1;
	}
	return 0;
}

/*
 * Pages of [@addr, @addr + @n pages) that a page table entry maps
 * (/proc/self/pagemap's present bit), or -1.  Not smaps' Rss: two
 * readers' mappings, adjacent and of consecutive offsets, may be merged
 * into one mapping (when the second reader maps first, just above), and
 * smaps only knows whole mappings.
 */
static long present_pages(const void *addr, size_t n)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	off_t off = (uintptr_t)addr / pagesz * sizeof(uint64_t);
	long present = 0;
	uint64_t e;
	size_t i;

	if (fd < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (pread(fd, &e, sizeof(e), off + i * sizeof(e)) != sizeof(e)) {
			present = -1;
			break;
		}
		present += e >> 63;
	}
	close(fd);
	return present;
}

struct worker {
	int fd;
	size_t first;		/* first page of its range */
	size_t npages;
	volatile uint8_t *map;	/* shared: one mapping for all */
	volatile int *stop;
	pthread_barrier_t *go;
	int errors;
};

/* Read one byte of every page; count wrong values. */
static int read_all(volatile uint8_t *map, size_t first, size_t n)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < n; i++)
		bad += map[pages(i)] != (uint8_t)((first + i) * 7 + 1);
	return bad;
}

static void *reader(void *arg)
{
	struct worker *w = arg;
	uint8_t *map;
	int r;

	map = mmap(NULL, pages(w->npages), PROT_READ, MAP_SHARED, w->fd,
		   pages(w->first));
	if (map == MAP_FAILED) {
		w->errors++;
		return NULL;
	}
	w->map = map;
	pthread_barrier_wait(w->go);
	for (r = 0; r < ROUNDS; r++) {
		w->errors += read_all(map, w->first, w->npages);
		/* Not after the last round: smaps checks those pages. */
		if (r + 1 < ROUNDS && madvise(map, pages(w->npages),
					      MADV_DONTNEED))
			w->errors++;
	}
	return NULL;
}

/* Write faults (no fault-around) and discards, until told to stop. */
static void *churner(void *arg)
{
	struct worker *w = arg;
	uint8_t *map;
	size_t i;

	map = mmap(NULL, pages(w->npages), PROT_READ | PROT_WRITE, MAP_SHARED,
		   w->fd, pages(w->first));
	if (map == MAP_FAILED) {
		w->errors++;
		return NULL;
	}
	pthread_barrier_wait(w->go);
	while (!*w->stop) {
		for (i = 0; i < w->npages; i++)
			map[pages(i)] = 1;
		if (madvise(map, pages(w->npages), MADV_DONTNEED))
			w->errors++;
	}
	munmap(map, pages(w->npages));
	return NULL;
}

TEST_F(around, exact_while_rss_churns)
{
	struct worker r[READERS], c[CHURNERS];
	pthread_t tr[READERS], tc[CHURNERS];
	volatile int stop = 0;
	pthread_barrier_t go;
	struct counters after;
	/*
	 * A page between any two ranges, so that no two workers' mappings
	 * map consecutive offsets: they can never merge into one mapping,
	 * whose fault-around would reach into another reader's pages.
	 */
	size_t churn0 = READERS * (READER_PAGES + 1);
	uint64_t mapped, reads;
	int i;

	ASSERT_EQ(0, target_set_size(&self->t,
				     pages(churn0 + CHURNERS * (CHURN_PAGES + 1))));
	ASSERT_EQ(0, fill(self->t.fd, 0, churn0));
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, READERS + CHURNERS));
	for (i = 0; i < CHURNERS; i++) {
		c[i] = (struct worker){ .fd = self->t.fd,
			.first = churn0 + i * (CHURN_PAGES + 1),
			.npages = CHURN_PAGES, .stop = &stop, .go = &go };
		ASSERT_EQ(0, pthread_create(&tc[i], NULL, churner, &c[i]));
	}
	for (i = 0; i < READERS; i++) {
		r[i] = (struct worker){ .fd = self->t.fd,
			.first = i * (READER_PAGES + 1), .npages = READER_PAGES,
			.go = &go };
		ASSERT_EQ(0, pthread_create(&tr[i], NULL, reader, &r[i]));
	}
	for (i = 0; i < READERS; i++)
		pthread_join(tr[i], NULL);
	stop = 1;
	for (i = 0; i < CHURNERS; i++)
		pthread_join(tc[i], NULL);
	ASSERT_EQ(0, counters_read(&after));

	for (i = 0; i < READERS; i++) {
		EXPECT_EQ(0, r[i].errors);
		EXPECT_EQ(READER_PAGES,
			  present_pages((void *)r[i].map, READER_PAGES));
		munmap((void *)r[i].map, pages(READER_PAGES));
	}
	for (i = 0; i < CHURNERS; i++)
		EXPECT_EQ(0, c[i].errors);
	mapped = after.v[C_MAP_PAGES_MAPPED] -
		 self->before.v[C_MAP_PAGES_MAPPED];
	reads = after.v[C_FAULTS_READ] - self->before.v[C_FAULTS_READ];
	EXPECT_EQ((uint64_t)READERS * ROUNDS * READER_PAGES, mapped + reads)
		TH_LOG("fault-around mapped %llu, .fault %llu",
		       (unsigned long long)mapped, (unsigned long long)reads);
	/* Fault-around does nearly all of it. */
	EXPECT_GE((uint64_t)READERS * READER_PAGES / 16, reads);
	/* The churners did fault, so the RSS counter did move meanwhile. */
	EXPECT_LT(0UL, after.v[C_FAULTS_WRITE_SHARED] -
		       self->before.v[C_FAULTS_WRITE_SHARED]);
	pthread_barrier_destroy(&go);
}

/* Read every page of the shared mapping, round after round or once. */
static void *shared_reader(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(w->go);
	do {
		w->errors += read_all(w->map, 0, w->npages);
	} while (w->stop && !*w->stop);
	return NULL;
}

static void *shared_zapper(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(w->go);
	while (!*w->stop)
		if (madvise((void *)w->map, pages(w->npages), MADV_DONTNEED))
			w->errors++;
	return NULL;
}

/* @nread threads read @map (with @nzap zapping) until @stop, or once. */
static int run_shared(volatile uint8_t *map, int nread, int nzap,
		      volatile int *stop)
{
	struct worker w[SHARED_THREADS + 1];
	pthread_t t[SHARED_THREADS + 1];
	pthread_barrier_t go;
	int i, errors = 0;

	pthread_barrier_init(&go, NULL, nread + nzap + 1);
	for (i = 0; i < nread + nzap; i++) {
		w[i] = (struct worker){ .map = map, .npages = SHARED_PAGES,
					.stop = stop, .go = &go };
		pthread_create(&t[i], NULL, i < nread ? shared_reader :
						       shared_zapper, &w[i]);
	}
	pthread_barrier_wait(&go);
	if (stop) {
		usleep(500000);
		*stop = 1;
	}
	for (i = 0; i < nread + nzap; i++) {
		pthread_join(t[i], NULL);
		errors += w[i].errors;
	}
	pthread_barrier_destroy(&go);
	return errors;
}

TEST_F(around, shared_windows_contended)
{
	volatile int stop = 0;
	struct counters after;
	uint64_t mapped, reads;
	uint8_t *map;

	ASSERT_EQ(0, target_set_size(&self->t, pages(SHARED_PAGES)));
	ASSERT_EQ(0, fill(self->t.fd, 0, SHARED_PAGES));
	map = mmap(NULL, pages(SHARED_PAGES), PROT_READ, MAP_SHARED,
		   self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, map);

	/* Readers against a zapper: the sanity checks run on every call. */
	EXPECT_EQ(0, run_shared(map, SHARED_THREADS - 1, 1, &stop));

	/* Quiet, then all readers at once on an empty page table. */
	ASSERT_EQ(0, madvise(map, pages(SHARED_PAGES), MADV_DONTNEED));
	ASSERT_EQ(0, counters_read(&self->before));
	EXPECT_EQ(0, run_shared(map, SHARED_THREADS, 0, NULL));
	ASSERT_EQ(0, counters_read(&after));
	mapped = after.v[C_MAP_PAGES_MAPPED] -
		 self->before.v[C_MAP_PAGES_MAPPED];
	reads = after.v[C_FAULTS_READ] - self->before.v[C_FAULTS_READ];
	EXPECT_EQ(SHARED_PAGES, present_pages(map, SHARED_PAGES));
	EXPECT_GE((uint64_t)SHARED_PAGES, mapped);
	EXPECT_LE((uint64_t)SHARED_PAGES, mapped + reads)
		TH_LOG("mapped %llu, read faults %llu",
		       (unsigned long long)mapped, (unsigned long long)reads);
	munmap(map, pages(SHARED_PAGES));
}

TEST_HARNESS_MAIN
