// SPDX-License-Identifier: GPL-2.0
/*
 * The backing file's counters, exactly (issue 13).  Deterministic because
 * fault-around is off (fault_around_bytes = 4096: every access of a page
 * not mapped yet reaches .fault on its own), readahead is a module
 * parameter (0, then 4), every page is evicted with VMDEMO_IOC_EVICT
 * before it is read back, and the test is the only user of the device.
 *
 *   faults_major     a .fault that read its page from the file, equal to
 *                    the process' ru_majflt delta
 *   pages_read       pages read from the file: the faulting page plus its
 *                    readahead, and read() misses (no readahead there)
 *   pages_readahead  the readahead part: up to readahead= pages after the
 *                    faulting one, stopping at the device's end
 *   pages_written    pages written back; pages_evicted pages dropped clean;
 *                    pages_dirty the gauge of dirty pages, 0 after fsync
 *   holes            a page in a hole of the file is a minor fault, read
 *                    from nowhere, all zeroes
 * Also: the six follow pages_freed in that order, all 0 after the load,
 * and debugfs' backing file names the file, the I/O mode and readahead.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bfixture.h"
#include "pattern.h"
#include "sysfile.h"

#define NPAGES		16
#define READAHEAD	"/sys/module/vmdemo/parameters/readahead"

BDEV_FIXTURE(bc, NPAGES, "readahead=0")

/* All six counters are what @want lists, in enum bcounter's order. */
static void expect_counts(struct __test_metadata *_metadata,
			  const struct bcounters *b0, const uint64_t *want,
			  const char *when)
{
	struct bcounters b;
	int i;

	ASSERT_EQ(0, bcounters_read(&b));
	for (i = 0; i < B_NR; i++) {
		uint64_t got = i == B_PAGES_DIRTY ? b.v[i] : b.v[i] - b0->v[i];

		EXPECT_EQ(want[i], got)
			TH_LOG("%s: %s is %llu, want %llu", when, bcounter_names[i],
			       (unsigned long long)got,
			       (unsigned long long)want[i]);
	}
}

#define EXPECT_COUNTS(b0, when, major, read, ra, written, evicted, dirty) \
	do {								\
		const uint64_t __w[B_NR] = { major, read, ra, written,	\
					     evicted, dirty };		\
		expect_counts(_metadata, b0, __w, when);		\
	} while (0)

TEST_F(bc, after_load_all_zero_and_backing_file_shown)
{
	struct bcounters b0 = { { 0 } };
	char want[PATH_MAX + 64], *text;

	const char *io;
	char msg[256];

	/* ext4 has direct I/O; tmpfs (without the disk) may or may not. */
	io = disk_ready(msg, sizeof(msg)) ? "direct" : NULL;
	EXPECT_COUNTS(&b0, "after the load", 0, 0, 0, 0, 0, 0);
	text = sysfile_text(VMDEMO_DEBUGFS_DIR "/backing");
	ASSERT_NE(NULL, text);
	if (!io)
		io = strstr(text, "io buffered") ? "buffered" : "direct";
	snprintf(want, sizeof(want), "path %s\nio %s\nreadahead 0\n",
		 self->o.file, io);
	EXPECT_STREQ(want, text);
	free(text);
	ASSERT_EQ(0, sysfile_puts(READAHEAD, "4"));
	text = sysfile_text(VMDEMO_DEBUGFS_DIR "/backing");
	ASSERT_NE(NULL, text);
	snprintf(want, sizeof(want), "path %s\nio %s\nreadahead 4\n",
		 self->o.file, io);
	EXPECT_STREQ(want, text);
	free(text);
}

TEST_F(bc, write_fsync_evict_fault_back_without_readahead)
{
	struct bcounters b0;
	long maj;
	uint8_t *p;
	int i;

	ASSERT_EQ(0, bcounters_read(&b0));
	ASSERT_EQ(0, pat_pwrite(self->o.fd, 0, pages(NPAGES), 1));
	EXPECT_COUNTS(&b0, "write()", 0, 0, 0, 0, 0, NPAGES);
	ASSERT_EQ(0, fsync(self->o.fd));
	EXPECT_COUNTS(&b0, "fsync", 0, 0, 0, NPAGES, 0, 0);
	ASSERT_EQ(0, vmdemo_evict_drained(self->o.fd, 0, pages(8)));
	EXPECT_COUNTS(&b0, "EVICT of 8 clean pages", 0, 0, 0, NPAGES, 8, 0);

	p = mmap(NULL, pages(NPAGES), RW, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	maj = self_majflt();
	for (i = 0; i < NPAGES; i++)
		EXPECT_EQ(PAT_OK, pat_check(p + pages(i), pages(1), pages(i), 1))
			TH_LOG("page %d", i);
	EXPECT_EQ(8, self_majflt() - maj);
	EXPECT_COUNTS(&b0, "faulting all back", 8, 8, 0, NPAGES, 8, 0);

	/* Three stores: three dirty pages, written by msync. */
	p[0] = 1;
	p[pages(5)] = 2;
	p[pages(12)] = 3;
	EXPECT_COUNTS(&b0, "3 stores", 8, 8, 0, NPAGES, 8, 3);
	ASSERT_EQ(0, msync(p, pages(NPAGES), MS_SYNC));
	EXPECT_COUNTS(&b0, "msync", 8, 8, 0, NPAGES + 3, 8, 0);
	munmap(p, pages(NPAGES));

	/* read() misses: read from the file, no major fault, no readahead. */
	ASSERT_EQ(0, vmdemo_evict_drained(self->o.fd, pages(8), pages(4)));
	EXPECT_COUNTS(&b0, "EVICT of 4", 8, 8, 0, NPAGES + 3, 12, 0);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, pages(8), pages(4), 1));
	EXPECT_COUNTS(&b0, "read() of 4 evicted", 8, 12, 0, NPAGES + 3, 12, 0);
}

TEST_F(bc, readahead_4_reads_ahead_up_to_the_end)
{
	struct bcounters b0;
	long maj;
	uint8_t *p;
	int i;

	ASSERT_EQ(0, pat_pwrite(self->o.fd, 0, pages(NPAGES), 1));
	ASSERT_EQ(0, vmdemo_evict_drained(self->o.fd, 0, pages(NPAGES)));
	ASSERT_EQ(0, sysfile_puts(READAHEAD, "4"));
	ASSERT_EQ(0, bcounters_read(&b0));
	p = mmap(NULL, pages(NPAGES), PROT_READ, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	maj = self_majflt();

	EXPECT_EQ(pat_byte(0, 1), p[0]);
	EXPECT_COUNTS(&b0, "page 0", 1, 5, 4, 0, 0, 0);
	for (i = 1; i < 5; i++)		/* read ahead: minor faults */
		EXPECT_EQ(pat_byte(pages(i), 1), p[pages(i)]);
	EXPECT_COUNTS(&b0, "pages 1-4", 1, 5, 4, 0, 0, 0);
	EXPECT_EQ(pat_byte(pages(5), 1), p[pages(5)]);
	EXPECT_COUNTS(&b0, "page 5", 2, 10, 8, 0, 0, 0);
	EXPECT_EQ(pat_byte(pages(10), 1), p[pages(10)]);
	EXPECT_COUNTS(&b0, "page 10", 3, 15, 12, 0, 0, 0);
	EXPECT_EQ(pat_byte(pages(15), 1), p[pages(15)]);	/* the last */
	EXPECT_COUNTS(&b0, "page 15, the last", 4, 16, 12, 0, 0, 0);
	EXPECT_EQ(4, self_majflt() - maj);
	for (i = 0; i < NPAGES; i++)
		EXPECT_EQ(PAT_OK, pat_check(p + pages(i), pages(1), pages(i), 1));
	munmap(p, pages(NPAGES));
}

TEST_F(bc, holes_are_minor_faults_of_zeroes)
{
	struct bcounters b0;
	uint8_t *p;
	long maj;
	int i;

	/* A new, sparse file: every page is a hole. */
	ASSERT_EQ(0, sysfile_puts(READAHEAD, "4"));
	ASSERT_EQ(0, bcounters_read(&b0));
	p = mmap(NULL, pages(NPAGES), PROT_READ, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	maj = self_majflt();
	for (i = 0; i < 4; i++)
		EXPECT_EQ(PAT_OK, zero_check(p + pages(i), pages(1)));
	EXPECT_EQ(0, self_majflt() - maj);
	EXPECT_COUNTS(&b0, "4 holes", 0, 0, 0, 0, 0, 0);

	/* Evicted, clean, still a hole: minor again. */
	ASSERT_EQ(0, vmdemo_evict_drained(self->o.fd, 0, pages(4)));
	EXPECT_EQ(PAT_OK, zero_check(p, pages(1)));
	EXPECT_EQ(0, self_majflt() - maj);
	EXPECT_COUNTS(&b0, "a hole again", 0, 0, 0, 0, 4, 0);
	munmap(p, pages(NPAGES));
}

BACKING_MAIN()
