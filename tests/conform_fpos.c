// SPDX-License-Identifier: GPL-2.0
/*
 * Threads sharing one open file: read() and write() use and advance the
 * file position atomically (FMODE_ATOMIC_POS, which the VFS gives every
 * regular file and a character device has only if its driver sets it).
 *
 *   - Four threads read() one page at a time from the shared descriptor
 *     until EOF: every page (each carries its own index) is read exactly
 *     once in total, and the position ends at the size.
 *   - Four threads write() 256 one-page records each through the shared
 *     descriptor, starting at 0: the position ends at exactly the total,
 *     every record is in a page of its own (none overwritten) and each
 *     thread's records are in the order it wrote them.
 *
 * Without the position lock two threads can read or write at the same
 * position, so pages are read twice, records are lost, and the final
 * position falls short.  The races are not forced; with thousands of
 * calls on two CPUs they show within a run.
 */
#include "conform.h"

#include <pthread.h>
#include <stdlib.h>

CONFORM_FIXTURE(fpos);

#define THREADS		4
#define READ_PAGES	2048
#define RECORDS		256
#define WRITE_PAGES	(THREADS * RECORDS)
#define MAGIC		0x766d64656d6f7265ULL	/* "vmdemore" */

struct job {
	int fd;
	int id;
	pthread_barrier_t *start;
	unsigned int *seen;	/* per page, shared by the readers */
	long done;		/* pages read, records written */
	long bad_io;		/* the first failed or short call's result */
	long bad_data;		/* pages read that were not a page */
};

/* Page @i of the read test: generation 1's pattern, its index first. */
static void index_page(uint8_t *buf, uint64_t i)
{
	pat_fill(buf, pagesz, pages(i), 1);
	memcpy(buf, &i, sizeof(i));
}

static void *reader(void *arg)
{
	struct job *j = arg;
	uint8_t *buf = malloc(pagesz);
	uint64_t i;
	ssize_t n;
	long k;

	pthread_barrier_wait(j->start);
	/* Bounded, in case a broken position never reaches the end. */
	for (k = 0; buf && k < 2 * READ_PAGES; k++) {
		n = read(j->fd, buf, pagesz);
		if (n == 0)
			break;
		if (n != (ssize_t)pagesz) {
			j->bad_io = n < 0 ? -errno : n;
			break;
		}
		memcpy(&i, buf, sizeof(i));
		if (i >= READ_PAGES ||
		    pat_check(buf + sizeof(i), pagesz - sizeof(i),
			      pages(i) + sizeof(i), 1) != PAT_OK) {
			j->bad_data++;
			continue;
		}
		__atomic_fetch_add(&j->seen[i], 1, __ATOMIC_RELAXED);
		j->done++;
	}
	free(buf);
	return NULL;
}

struct record {
	uint64_t magic;
	uint32_t thread;
	uint32_t seq;
};

static unsigned int record_gen(uint32_t thread, uint32_t seq)
{
	return 1 + thread * RECORDS + seq;
}

static void *writer(void *arg)
{
	struct record r = { .magic = MAGIC, .thread = ((struct job *)arg)->id };
	struct job *j = arg;
	uint8_t *buf = malloc(pagesz);
	ssize_t n;

	pthread_barrier_wait(j->start);
	for (r.seq = 0; buf && r.seq < RECORDS; r.seq++) {
		pat_fill(buf, pagesz, 0, record_gen(r.thread, r.seq));
		memcpy(buf, &r, sizeof(r));
		n = write(j->fd, buf, pagesz);
		if (n != (ssize_t)pagesz) {
			j->bad_io = n < 0 ? -errno : n;
			break;
		}
		j->done++;
	}
	free(buf);
	return NULL;
}

/* Run @fn in THREADS threads on @fd, all starting together. */
static int run_threads(void *(*fn)(void *), int fd, unsigned int *seen,
		       struct job *jobs)
{
	pthread_t tid[THREADS];
	pthread_barrier_t start;
	int i, err = 0;

	if (pthread_barrier_init(&start, NULL, THREADS))
		return -1;
	for (i = 0; i < THREADS; i++) {
		jobs[i] = (struct job){ .fd = fd, .id = i, .start = &start,
					.seen = seen };
		if (pthread_create(&tid[i], NULL, fn, &jobs[i]))
			return -1;	/* the others wait forever: timeout */
	}
	for (i = 0; i < THREADS; i++)
		err |= pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&start);
	return err ? -1 : 0;
}

TEST_F(fpos, threads_read_each_page_once)
{
	unsigned int *seen = calloc(READ_PAGES, sizeof(*seen));
	uint8_t *buf = malloc(pages(READ_PAGES));
	long total = 0, twice = 0, missed = 0, first = -1;
	struct job jobs[THREADS];
	int i;

	ASSERT_NE(NULL, seen);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, target_set_size(&self->t, pages(READ_PAGES)));
	for (i = 0; i < READ_PAGES; i++)
		index_page(buf + pages(i), i);
	ASSERT_EQ((ssize_t)pages(READ_PAGES),
		  pwrite(self->t.fd, buf, pages(READ_PAGES), 0));
	ASSERT_EQ(0, lseek(self->t.fd, 0, SEEK_SET));

	ASSERT_EQ(0, run_threads(reader, self->t.fd, seen, jobs));
	for (i = 0; i < THREADS; i++) {
		EXPECT_EQ(0, jobs[i].bad_io);
		EXPECT_EQ(0, jobs[i].bad_data);
		total += jobs[i].done;
	}
	for (i = 0; i < READ_PAGES; i++) {
		if (seen[i] != 1 && first < 0)
			first = i;
		twice += seen[i] > 1;
		missed += seen[i] == 0;
	}
	EXPECT_EQ(READ_PAGES, total);
	EXPECT_EQ(0, twice + missed) {
		TH_LOG("%ld pages read more than once, %ld never; first: page %ld, %u times",
		       twice, missed, first, seen[first]);
	}
	EXPECT_EQ((off_t)pages(READ_PAGES), lseek(self->t.fd, 0, SEEK_CUR));
	free(buf);
	free(seen);
}

TEST_F(fpos, threads_write_distinct_pages)
{
	long where[THREADS][RECORDS], bad_page = -1, unordered = 0;
	uint8_t *buf = malloc(pagesz);
	struct job jobs[THREADS];
	struct record r;
	long lost = 0;
	int i, k;

	ASSERT_NE(NULL, buf);
	/* Room to spare, so that no write meets the device's end. */
	ASSERT_EQ(0, target_set_size(&self->t, pages(WRITE_PAGES + 16)));
	ASSERT_EQ(0, lseek(self->t.fd, 0, SEEK_SET));

	ASSERT_EQ(0, run_threads(writer, self->t.fd, NULL, jobs));
	for (i = 0; i < THREADS; i++) {
		EXPECT_EQ(0, jobs[i].bad_io);
		EXPECT_EQ(RECORDS, jobs[i].done);
	}
	EXPECT_EQ((off_t)pages(WRITE_PAGES), lseek(self->t.fd, 0, SEEK_CUR));

	memset(where, 0xff, sizeof(where));	/* -1: not found */
	for (i = 0; i < WRITE_PAGES; i++) {
		ASSERT_EQ((ssize_t)pagesz,
			  pread(self->t.fd, buf, pagesz, pages(i)));
		memcpy(&r, buf, sizeof(r));
		if (r.magic != MAGIC || r.thread >= THREADS ||
		    r.seq >= RECORDS || where[r.thread][r.seq] >= 0 ||
		    pat_check(buf + sizeof(r), pagesz - sizeof(r), sizeof(r),
			      record_gen(r.thread, r.seq)) != PAT_OK) {
			if (bad_page < 0)
				bad_page = i;
			continue;
		}
		where[r.thread][r.seq] = i;
	}
	for (i = 0; i < THREADS; i++) {
		for (k = 0; k < RECORDS; k++) {
			lost += where[i][k] < 0;
			unordered += k && where[i][k] >= 0 &&
				     where[i][k] < where[i][k - 1];
		}
	}
	EXPECT_EQ(-1, bad_page) {
		TH_LOG("page %ld holds no record, a torn one or a duplicate",
		       bad_page);
	}
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, unordered);
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(WRITE_PAGES),
				      pages(16)));
	free(buf);
}

CONFORM_MAIN()
