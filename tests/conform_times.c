// SPDX-License-Identifier: GPL-2.0
/*
 * Modification and change times (st_mtim, st_ctim, with nanoseconds) of
 * the object, as fstat() on the descriptor reports them; for the device
 * that is the device node.
 *
 *   - write() and pwrite() advance both;
 *   - read() and reading through a mapping change neither;
 *   - a store through a MAP_SHARED mapping to a page nothing touched
 *     before, then msync(MS_SYNC), advances the mtime: on tmpfs the write
 *     fault updates the times; the device does it in .page_mkwrite;
 *   - the same to a page that was only read through the mapping before:
 *     the device advances the mtime (.page_mkwrite), tmpfs does not.
 *     shmem asks for no write notification, so its read fault maps the
 *     page writable already; the store then takes no fault, and msync()
 *     does not touch the times.  POSIX wants them updated by the msync();
 *     the device does that, and this divergence is asserted as such.
 *
 * The kernel's timestamps come from a coarse clock that advances once a
 * tick (a few ms).  So before each step the test sleeps 20 ms and then,
 * if need be, until that clock (CLOCK_REALTIME_COARSE) has passed the
 * times it last saw (in the VM on a busy host, a pwrite() 20 ms after a
 * write() once got the same time).
 */
#include "conform.h"

#include <sys/stat.h>
#include <time.h>

CONFORM_FIXTURE(times);

#define NPAGES	4

/* @a is later than @b. */
static bool later(struct timespec a, struct timespec b)
{
	return a.tv_sec > b.tv_sec ||
	       (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

static bool same(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/*
 * Sleep 20 ms, then until the coarse clock is past @st's mtime and ctime,
 * so that a time set now is later than both.  Logs how long that took if
 * it was more than the 20 ms; fails after 2 s.
 */
static void settle(struct __test_metadata *_metadata, const struct stat *st)
{
	struct timespec tick = { .tv_nsec = 5 * 1000 * 1000 }, now;
	int i;

	for (i = 0; i < 400; i++) {
		nanosleep(&tick, NULL);
		ASSERT_EQ(0, clock_gettime(CLOCK_REALTIME_COARSE, &now));
		if (i >= 3 && later(now, st->st_mtim) &&
		    later(now, st->st_ctim))
			break;
	}
	if (i > 3)
		TH_LOG("the coarse clock passed the last times after %d ms",
		       (i + 1) * 5);
	ASSERT_LT(i, 400);
}

#define EXPECT_ADVANCED(field, before, after) do {			\
	EXPECT_TRUE(later((after).field, (before).field)) {		\
		TH_LOG(#field " %lld.%09ld, before %lld.%09ld",		\
		       (long long)(after).field.tv_sec,			\
		       (long)(after).field.tv_nsec,			\
		       (long long)(before).field.tv_sec,		\
		       (long)(before).field.tv_nsec);			\
	}								\
} while (0)

#define EXPECT_UNCHANGED(field, before, after) do {			\
	EXPECT_TRUE(same((after).field, (before).field)) {		\
		TH_LOG(#field " %lld.%09ld, before %lld.%09ld",		\
		       (long long)(after).field.tv_sec,			\
		       (long)(after).field.tv_nsec,			\
		       (long long)(before).field.tv_sec,		\
		       (long)(before).field.tv_nsec);			\
	}								\
} while (0)

TEST_F(times, write_advances_mtime_ctime)
{
	struct stat a, b, c;
	uint8_t buf[100];

	pat_fill(buf, sizeof(buf), 0, 1);
	ASSERT_EQ(0, fstat(self->t.fd, &a));
	settle(_metadata, &a);
	ASSERT_EQ((ssize_t)sizeof(buf), write(self->t.fd, buf, sizeof(buf)));
	ASSERT_EQ(0, fstat(self->t.fd, &b));
	EXPECT_ADVANCED(st_mtim, a, b);
	EXPECT_ADVANCED(st_ctim, a, b);

	settle(_metadata, &b);
	ASSERT_EQ((ssize_t)sizeof(buf), pwrite(self->t.fd, buf, sizeof(buf),
					       pages(2)));
	ASSERT_EQ(0, fstat(self->t.fd, &c));
	EXPECT_ADVANCED(st_mtim, b, c);
	EXPECT_ADVANCED(st_ctim, b, c);
}

TEST_F(times, reads_leave_mtime_ctime)
{
	struct stat a, b;
	uint8_t buf[100];
	uint8_t *s;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(NPAGES), 1));
	s = map_target(&self->t, pages(NPAGES), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	ASSERT_EQ(0, fstat(self->t.fd, &a));
	settle(_metadata, &a);
	ASSERT_EQ((ssize_t)sizeof(buf), pread(self->t.fd, buf, sizeof(buf), 0));
	EXPECT_EQ(PAT_OK, pat_check(s, pages(NPAGES), 0, 1));
	ASSERT_EQ(0, msync(s, pages(NPAGES), MS_SYNC));
	settle(_metadata, &a);
	ASSERT_EQ(0, fstat(self->t.fd, &b));
	EXPECT_UNCHANGED(st_mtim, a, b);
	EXPECT_UNCHANGED(st_ctim, a, b);
	EXPECT_EQ(0, munmap(s, pages(NPAGES)));
}

/* A store to a page no one touched: a write fault. */
TEST_F(times, store_untouched_page_advances_mtime)
{
	struct stat a, b;
	uint8_t *s, v = 0;

	s = map_target(&self->t, pages(NPAGES), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	ASSERT_EQ(0, fstat(self->t.fd, &a));
	settle(_metadata, &a);
	s[pages(2) + 5] = 42;
	ASSERT_EQ(0, msync(s, pages(NPAGES), MS_SYNC));
	ASSERT_EQ(0, fstat(self->t.fd, &b));
	EXPECT_ADVANCED(st_mtim, a, b);
	EXPECT_ADVANCED(st_ctim, a, b);
	EXPECT_EQ(1, pread(self->t.fd, &v, 1, pages(2) + 5));
	EXPECT_EQ(42, v);
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(2), 5));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(2) + 6, pagesz - 6));
	EXPECT_EQ(0, munmap(s, pages(NPAGES)));
}

/*
 * A store to a page the mapping has only read so far: on the device a
 * write-protect fault and .page_mkwrite; on tmpfs no fault at all, so the
 * times stay (see the top of the file).
 */
TEST_F(times, store_read_page_mtime)
{
	struct stat a, b;
	uint8_t *s;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, pagesz, pagesz, 1));
	s = map_target(&self->t, pages(NPAGES), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	EXPECT_EQ(PAT_OK, pat_check(s + pagesz, pagesz, pagesz, 1));
	ASSERT_EQ(0, fstat(self->t.fd, &a));
	settle(_metadata, &a);
	s[pagesz + 5] = pat_byte(pagesz + 5, 2);
	ASSERT_EQ(0, msync(s, pages(NPAGES), MS_SYNC));
	ASSERT_EQ(0, fstat(self->t.fd, &b));
	if (target_is_device(&self->t)) {
		EXPECT_ADVANCED(st_mtim, a, b);
		EXPECT_ADVANCED(st_ctim, a, b);
	} else {
		EXPECT_UNCHANGED(st_mtim, a, b);
		EXPECT_UNCHANGED(st_ctim, a, b);
	}
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pagesz + 5, 1, 2));
	EXPECT_EQ(0, munmap(s, pages(NPAGES)));
}

CONFORM_MAIN()
