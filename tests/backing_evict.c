// SPDX-License-Identifier: GPL-2.0
/*
 * Eviction with a backing file (issue 13), the device against an ext4
 * file where both have it:
 *
 *   POSIX_FADV_DONTNEED  drops clean pages; reading them back through a
 *                        mapping is a major fault on both (ru_majflt); on
 *                        the device, with readahead=0 and fault-around
 *                        off, one per page: faults_major == ru_majflt ==
 *                        pages_read == 8, pages_evicted == 8
 *   drop_caches          drops clean pages that are not mapped, on both:
 *                        a mapped page and a dirty one stay (mincore);
 *                        the LRU batches drained first (lru_drain()), as
 *                        pages in them are skipped, on ext4 too; written
 *                        page by page, as ext4 may cache a large write in
 *                        one large folio (7.2), which page 0's mapping
 *                        would keep whole
 *   VMDEMO_IOC_EVICT     (device) writes the range back, unmaps it from
 *                        shared mappings, drops it; a private copy stays;
 *                        the next access is a major fault with the data;
 *                        also pages still in another CPU's LRU batch.
 *                        With a page held by a pipe (vmsplice() takes a
 *                        reference on it) EBUSY, and nothing lost; once
 *                        the pipe is read, it succeeds.  Without a backing
 *                        file EOPNOTSUPP, and no counter moves.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "bfixture.h"
#include "sysfile.h"
#include "modload.h"
#include "pattern.h"
#include "proc.h"

#define NPAGES	8

BOBJ_FIXTURE(ev, NPAGES, "readahead=0")

/* mincore() of @n pages at @p as '0'/'1' in @buf (n + 1 bytes). */
static const char *resident(const void *p, int n, char *buf)
{
	unsigned char vec[64];
	int i;

	if (n > 64 || mincore((void *)p, pages(n), vec))
		return "error";
	for (i = 0; i < n; i++)
		buf[i] = vec[i] & 1 ? '1' : '0';
	buf[n] = 0;
	return buf;
}

TEST_F(ev, dontneed_then_read_is_a_major_fault)
{
	struct counters c0, c1;
	struct bcounters b0, b1;
	char buf[NPAGES + 1];
	long maj;
	uint8_t *p;
	int i;

	ASSERT_EQ(0, pat_pwrite(self->o.fd, 0, pages(NPAGES), 1));
	ASSERT_EQ(0, fsync(self->o.fd));
	DEVICE_COUNTERS(&self->o, &c0, &b0);
	ASSERT_EQ(0, posix_fadvise(self->o.fd, 0, 0, POSIX_FADV_DONTNEED));
	DEVICE_COUNTERS(&self->o, &c1, &b1);
	EXPECT_DEV(NPAGES, BDELTA(b1, b0, B_PAGES_EVICTED));
	EXPECT_DEV(0, c1.v[C_PAGES_RESIDENT]);

	p = mmap(NULL, pages(NPAGES), PROT_READ, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_STREQ("00000000", resident(p, NPAGES, buf));
	c0 = c1;
	b0 = b1;
	maj = self_majflt();
	for (i = 0; i < NPAGES; i++)
		EXPECT_EQ(PAT_OK, pat_check(p + pages(i), pages(1), pages(i), 1))
			TH_LOG("%s: page %d", self->o.path, i);
	maj = self_majflt() - maj;
	DEVICE_COUNTERS(&self->o, &c1, &b1);
	EXPECT_LE(1, maj) TH_LOG("%s: no major fault reading it back", self->o.path);
	EXPECT_DEV(NPAGES, maj);
	EXPECT_DEV(maj, BDELTA(b1, b0, B_FAULTS_MAJOR));
	EXPECT_DEV(NPAGES, BDELTA(b1, b0, B_PAGES_READ));
	EXPECT_DEV(0, BDELTA(b1, b0, B_PAGES_READAHEAD));
	EXPECT_STREQ("11111111", resident(p, NPAGES, buf));
	munmap(p, pages(NPAGES));
}

TEST_F(ev, drop_caches_drops_clean_unmapped_pages)
{
	struct counters c0, c1;
	struct bcounters b0, b1;
	char buf[NPAGES + 1];
	uint8_t *p, *all;
	int i;

	/* Page by page: on 7.2 ext4 makes one large folio of a 32 KiB write. */
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ(0, pat_pwrite(self->o.fd, pages(i), pages(1), 1));
	ASSERT_EQ(0, fsync(self->o.fd));
	p = mmap(NULL, pages(1), PROT_READ, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(PAT_OK, pat_check(p, pages(1), 0, 1));	/* mapped */
	ASSERT_EQ(0, pat_pwrite(self->o.fd, pages(7), pages(1), 2));	/* dirty */

	if (lru_drain())
		SKIP(return, "no LRU drain without the ext4 disk (lru_drain())");
	DEVICE_COUNTERS(&self->o, &c0, &b0);
	ASSERT_EQ(0, drop_page_cache());
	DEVICE_COUNTERS(&self->o, &c1, &b1);
	all = mmap(NULL, pages(NPAGES), PROT_READ, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, all);
	EXPECT_STREQ("10000001", resident(all, NPAGES, buf))
		TH_LOG("%s: mapped page 0 and dirty page 7 stay", self->o.path);
	EXPECT_DEV(6, BDELTA(b1, b0, B_PAGES_EVICTED));
	EXPECT_DEV(0, BDELTA(b1, b0, B_PAGES_WRITTEN));
	EXPECT_DEV(1, b1.v[B_PAGES_DIRTY]);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, 0, pages(7), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, pages(7), pages(1), 2));
	munmap(all, pages(NPAGES));
	munmap(p, pages(1));
}

/* ---- VMDEMO_IOC_EVICT: the device only ---- */

BDEV_FIXTURE(evict, NPAGES, "readahead=0")

TEST_F(evict, writes_back_unmaps_and_drops_keeping_private_copies)
{
	struct counters c0, c1;
	struct bcounters b0, b1;
	char buf[NPAGES + 1];
	uint8_t *p, *q;
	long maj;
	int fd;

	ASSERT_EQ(0, pat_pwrite(self->o.fd, 0, pages(NPAGES), 1));
	p = mmap(NULL, pages(NPAGES), RW, MAP_SHARED, self->o.fd, 0);
	q = mmap(NULL, pages(NPAGES), RW, MAP_PRIVATE, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, q);
	p[pages(2)] = 0x5a;			/* dirty through the mapping */
	q[pages(1)] = 0xa5;			/* a private copy of page 1 */
	EXPECT_STREQ("11111111", resident(p, NPAGES, buf));

	counters_read(&c0);
	ASSERT_EQ(0, bcounters_read(&b0));
	ASSERT_EQ(0, vmdemo_evict_drained(self->o.fd, 0, pages(NPAGES)));
	counters_read(&c1);
	ASSERT_EQ(0, bcounters_read(&b1));
	EXPECT_DEV(NPAGES, BDELTA(b1, b0, B_PAGES_WRITTEN));
	EXPECT_DEV(NPAGES, BDELTA(b1, b0, B_PAGES_EVICTED));
	EXPECT_DEV(0, b1.v[B_PAGES_DIRTY]);
	EXPECT_DEV(0, c1.v[C_PAGES_RESIDENT]);
	EXPECT_STREQ("00000000", resident(p, NPAGES, buf));

	/* The private copy is the process' own page: untouched. */
	EXPECT_EQ(0xa5, q[pages(1)]);
	EXPECT_EQ(PAT_OK, pat_check(q + pages(1) + 1, pages(1) - 1,
				    pages(1) + 1, 1));

	/* Back by a major fault, with the store in it. */
	maj = self_majflt();
	EXPECT_EQ(0x5a, p[pages(2)]);
	EXPECT_EQ(PAT_OK, pat_check(p + pages(2) + 1, pages(1) - 1,
				    pages(2) + 1, 1));
	EXPECT_EQ(1, self_majflt() - maj);
	ASSERT_EQ(0, bcounters_read(&b0));
	EXPECT_DEV(1, BDELTA(b0, b1, B_FAULTS_MAJOR));
	EXPECT_DEV(1, BDELTA(b0, b1, B_PAGES_READ));

	/* And in the file, read directly. */
	fd = open(self->o.file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(PAT_OK, pat_pcheck(fd, 0, pages(2), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(fd, pages(2) + 1, pages(NPAGES - 2) - 1,
				     1));
	close(fd);
	munmap(q, pages(NPAGES));
	munmap(p, pages(NPAGES));
}

TEST_F(evict, page_held_by_a_pipe_is_ebusy)
{
	struct iovec iov;
	uint8_t *p, *got;
	int fds[2];

	ASSERT_EQ(0, pat_pwrite(self->o.fd, 0, pages(2), 1));
	ASSERT_EQ(0, fsync(self->o.fd));
	p = mmap(NULL, pages(2), PROT_READ, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, pipe(fds));
	iov.iov_base = p;
	iov.iov_len = pages(1);
	ASSERT_EQ((ssize_t)pages(1), vmsplice(fds[1], &iov, 1, 0));

	EXPECT_EQ(EBUSY, vmdemo_evict_drained(self->o.fd, 0, pages(2)));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, 0, pages(2), 1));

	got = malloc(pages(1));
	ASSERT_NE(NULL, got);
	ASSERT_EQ((ssize_t)pages(1), read(fds[0], got, pages(1)));
	EXPECT_EQ(PAT_OK, pat_check(got, pages(1), 0, 1));
	EXPECT_EQ(0, vmdemo_evict_drained(self->o.fd, 0, pages(2)));
	EXPECT_EQ(PAT_OK, pat_check(p, pages(2), 0, 1));
	free(got);
	close(fds[0]);
	close(fds[1]);
	munmap(p, pages(2));
}

/* Run the calling process (or thread) on CPU @cpu only: 0 or -1. */
static int pin_to(int cpu)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	return sched_setaffinity(0, sizeof(cpus), &cpus);
}

/*
 * Pages just written sit in the writing CPU's LRU batch, which holds a
 * reference on each, until that CPU drains it (a full batch, munmap,
 * exit).  Nothing pins them: EVICT must drop them, on this CPU and on
 * another (POSIX_FADV_DONTNEED drains this CPU's batch, then every CPU's
 * with lru_add_drain_all() if pages stayed).
 */
TEST_F(evict, pages_still_in_an_lru_batch)
{
	struct bcounters b0, b1;
	struct link_pair lp;
	struct link l;
	int64_t v;
	pid_t pid;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	ASSERT_EQ(0, pin_to(1));

	/* Written on this CPU. */
	ASSERT_EQ(0, bcounters_read(&b0));
	ASSERT_EQ(0, pat_pwrite(self->o.fd, 0, pages(4), 1));
	EXPECT_EQ(0, vmdemo_evict(self->o.fd, 0, pages(4)))
		TH_LOG("pages in this CPU's LRU batch");
	ASSERT_EQ(0, bcounters_read(&b1));
	EXPECT_DEV(4, BDELTA(b1, b0, B_PAGES_EVICTED));

	/* Written on CPU 0 by a process that stays alive meanwhile. */
	ASSERT_EQ(0, link_pair_init(&lp));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		l = link_child(&lp);
		CHILD_ASSERT(!pin_to(0));
		CHILD_ASSERT(!pat_pwrite(self->o.fd, pages(4), pages(4), 1));
		CHILD_ASSERT(!link_send(l, 1));
		CHILD_ASSERT(!link_recv(l, &v));
		_exit(0);
	}
	l = link_parent(&lp);
	ASSERT_EQ(0, link_recv(l, &v));
	b0 = b1;
	EXPECT_EQ(0, vmdemo_evict(self->o.fd, pages(4), pages(4)))
		TH_LOG("pages in CPU 0's LRU batch, evicted from CPU 1");
	ASSERT_EQ(0, bcounters_read(&b1));
	EXPECT_DEV(4, BDELTA(b1, b0, B_PAGES_EVICTED));
	link_send(l, 0);
	ASSERT_EQ(0, child_wait(pid));
	link_close(&l);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, 0, pages(8), 1));
}

TEST(evict_without_backing_is_eopnotsupp)
{
	struct counters c0, c1;
	struct bcounters b0, b1;
	char params[64];
	int fd, err;

	if (geteuid() || !vmdemo_loaded() || !backing_supported())
		SKIP(return, "needs root and a vmdemo with backing= (issue 13)");
	snprintf(params, sizeof(params), "size=%zu", pages(NPAGES));
	ASSERT_EQ(0, vmdemo_reload(params));
	fd = open(vmdemo_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pat_pwrite(fd, 0, pages(2), 1));
	ASSERT_EQ(0, counters_read(&c0));
	ASSERT_EQ(0, bcounters_read(&b0));
	EXPECT_EQ(EOPNOTSUPP, vmdemo_evict(fd, 0, pages(2)));
	ASSERT_EQ(0, counters_read(&c1));
	ASSERT_EQ(0, bcounters_read(&b1));
	EXPECT_EQ(0, memcmp(&c0, &c1, sizeof(c0)));
	EXPECT_EQ(0, memcmp(&b0, &b1, sizeof(b0)));
	EXPECT_EQ(0U, b1.v[B_PAGES_EVICTED]);
	EXPECT_EQ(2U, c1.v[C_PAGES_RESIDENT]);
	EXPECT_EQ(PAT_OK, pat_pcheck(fd, 0, pages(2), 1));
	close(fd);
	err = vmdemo_restore();
	EXPECT_EQ(0, err) TH_LOG("loading vmdemo as the suite did: %s", strerror(err));
}

BACKING_MAIN()
