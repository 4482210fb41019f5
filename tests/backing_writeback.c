// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty tracking and writeback with a backing file, the device against an
 * ext4 file as the oracle (issue 13):
 *
 *   msync(MS_SYNC)  writes a dirty page back and write-protects it, so the
 *                   next store faults again: on the device .page_mkwrite
 *                   runs once more (page_mkwrite +1, no .fault); on both
 *                   the page is dirty after the store, clean after msync,
 *                   dirty again after the second store (PG_dirty from
 *                   /proc/kpageflags: a store through a writable PTE would
 *                   not set it).  A third store, with no msync before it,
 *                   takes no fault.
 *   MS_ASYNC        on Linux it starts nothing (the kernel tracks dirty
 *                   pages anyway): the page stays dirty, nothing written.
 *   fsync           writes every dirty page, by write() or by a store: the
 *                   device's pages_written counts them, pages_dirty drops
 *                   to 0, and the backing file holds the bytes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bfixture.h"
#include "pattern.h"

#define NPAGES	8

BOBJ_FIXTURE(wb, NPAGES, "readahead=0")

TEST_F(wb, msync_sync_then_store_faults_again)
{
	struct counters c0, c1;
	struct bcounters b0, b1;
	long minflt;
	uint8_t *p;

	p = mmap(NULL, pages(1), RW, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(1, page_dirty(p)) TH_LOG("%s: dirty after the first store", self->o.path);

	DEVICE_COUNTERS(&self->o, &c0, &b0);
	ASSERT_EQ(0, msync(p, pages(1), MS_SYNC));
	EXPECT_EQ(0, page_dirty(p)) TH_LOG("%s: clean after msync(MS_SYNC)", self->o.path);
	DEVICE_COUNTERS(&self->o, &c1, &b1);
	EXPECT_DEV(1, BDELTA(b1, b0, B_PAGES_WRITTEN));
	EXPECT_DEV(0, b1.v[B_PAGES_DIRTY]);

	c0 = c1;
	b0 = b1;
	minflt = self_minflt();
	p[1] = 2;
	EXPECT_LE(1, self_minflt() - minflt)
		TH_LOG("%s: the store after msync took no fault", self->o.path);
	EXPECT_EQ(1, page_dirty(p)) TH_LOG("%s: dirty after the second store", self->o.path);
	DEVICE_COUNTERS(&self->o, &c1, &b1);
	/* .page_mkwrite again; no .fault: it stayed mapped, read-only. */
	EXPECT_DEV(1, CDELTA(c1, c0, C_PAGE_MKWRITE));
	EXPECT_DEV(0, CDELTA(c1, c0, C_FAULTS));
	EXPECT_DEV(1, b1.v[B_PAGES_DIRTY]);

	/* Still writable: no fault, no .page_mkwrite. */
	c0 = c1;
	p[2] = 3;
	DEVICE_COUNTERS(&self->o, &c1, &b1);
	EXPECT_DEV(0, CDELTA(c1, c0, C_PAGE_MKWRITE));
	EXPECT_EQ(1, page_dirty(p));
	EXPECT_EQ(0, msync(p, pages(1), MS_SYNC));
	EXPECT_EQ(3, p[2]);
	munmap(p, pages(1));
}

TEST_F(wb, ms_async_leaves_the_page_dirty)
{
	struct counters c0, c1;
	struct bcounters b0, b1;
	uint8_t *p;

	p = mmap(NULL, pages(2), RW, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	p[pages(1)] = 2;
	DEVICE_COUNTERS(&self->o, &c0, &b0);
	EXPECT_DEV(2, b0.v[B_PAGES_DIRTY]);
	ASSERT_EQ(0, msync(p, pages(2), MS_ASYNC));
	EXPECT_EQ(1, page_dirty(p));
	EXPECT_EQ(1, page_dirty(p + pages(1)));
	DEVICE_COUNTERS(&self->o, &c1, &b1);
	EXPECT_DEV(0, BDELTA(b1, b0, B_PAGES_WRITTEN));
	EXPECT_DEV(2, b1.v[B_PAGES_DIRTY]);
	munmap(p, pages(2));
}

TEST_F(wb, fsync_writes_back_writes_and_stores)
{
	struct counters c0, c1;
	struct bcounters b0, b1;
	uint8_t *p;
	int fd, i;

	/* Pages 0-2 by write(), 4-5 by stores, the rest never written. */
	ASSERT_EQ(0, pat_pwrite(self->o.fd, 0, pages(3), 1));
	p = mmap(NULL, pages(NPAGES), RW, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	pat_fill(p + pages(4), pages(2), pages(4), 1);
	for (i = 0; i < 3; i++)		/* mapped, to find their frames */
		EXPECT_EQ(PAT_OK, pat_check(p + pages(i), pages(1), pages(i), 1));
	for (i = 0; i < 6; i++) {
		if (i == 3)
			continue;
		EXPECT_EQ(1, page_dirty(p + pages(i))) TH_LOG("page %d", i);
	}
	DEVICE_COUNTERS(&self->o, &c0, &b0);
	EXPECT_DEV(5, b0.v[B_PAGES_DIRTY]);

	ASSERT_EQ(0, fsync(self->o.fd));
	for (i = 0; i < 6; i++) {
		if (i == 3)
			continue;
		EXPECT_EQ(0, page_dirty(p + pages(i))) TH_LOG("page %d", i);
	}
	DEVICE_COUNTERS(&self->o, &c1, &b1);
	EXPECT_DEV(5, BDELTA(b1, b0, B_PAGES_WRITTEN));
	EXPECT_DEV(0, b1.v[B_PAGES_DIRTY]);

	/* fdatasync after a store: the same. */
	p[pages(6)] = 7;
	ASSERT_EQ(0, fdatasync(self->o.fd));
	EXPECT_EQ(0, page_dirty(p + pages(6)));
	b0 = b1;
	DEVICE_COUNTERS(&self->o, &c1, &b1);
	EXPECT_DEV(1, BDELTA(b1, b0, B_PAGES_WRITTEN));

	/* The file has the bytes (for ext4, the same file: trivially). */
	fd = open(self->o.file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s", self->o.file);
	EXPECT_EQ(PAT_OK, pat_pcheck(fd, 0, pages(3), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(fd, pages(4), pages(2), 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(fd, pages(3), pages(1)));
	close(fd);
	munmap(p, pages(NPAGES));
}

BACKING_MAIN()
