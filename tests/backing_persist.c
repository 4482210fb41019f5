// SPDX-License-Identifier: GPL-2.0
/*
 * The backing file is the truth (issue 13): bytes written by write() and
 * by stores through a shared mapping, never synced, are in the file after
 * rmmod (unload writes the dirty pages back), read there directly; a new
 * load with the same file and no size= takes the file's size and shows
 * the same bytes through a mapping (read in by major faults, as many as
 * ru_majflt counts) and through read().  A load with a larger size=
 * extends the file with zeroes and keeps its bytes.  Unloading leaves no
 * trace in the kernel's shared inode cache.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "bfixture.h"
#include "modload.h"
#include "pattern.h"
#include "sysfile.h"

#define NPAGES	16

BDEV_FIXTURE(persist, NPAGES, "")

/* Pages 0-7 by write() (generation 1), 8-15 by stores (generation 2). */
static int write_both_ways(int fd)
{
	uint8_t *p;

	if (pat_pwrite(fd, 0, pages(8), 1))
		return -1;
	p = mmap(NULL, pages(8), RW, MAP_SHARED, fd, pages(8));
	if (p == MAP_FAILED)
		return -1;
	pat_fill(p, pages(8), pages(8), 2);
	return munmap(p, pages(8));
}

/* The bytes write_both_ways() left, read through @fd. */
static int check_both_ways(struct __test_metadata *_metadata, int fd,
			   const char *what)
{
	ssize_t bad1 = pat_pcheck(fd, 0, pages(8), 1);
	ssize_t bad2 = pat_pcheck(fd, pages(8), pages(8), 2);

	EXPECT_EQ(PAT_OK, bad1) TH_LOG("%s: byte %zd", what, bad1);
	EXPECT_EQ(PAT_OK, bad2) TH_LOG("%s: byte %zd", what, pages(8) + bad2);
	return bad1 == PAT_OK && bad2 == PAT_OK ? 0 : -1;
}

static uint64_t device_size(int fd)
{
	uint64_t size = 0;

	return ioctl(fd, VMDEMO_IOC_GET_SIZE, &size) ? (uint64_t)-1 : size;
}

TEST_F(persist, unload_writes_back_and_a_reload_shows_the_bytes)
{
	struct bcounters b0, b1;
	struct stat st;
	uint8_t *p;
	long maj;
	int fd, i;

	ASSERT_EQ(0, write_both_ways(self->o.fd));
	close(self->o.fd);
	self->o.fd = -1;
	ASSERT_EQ(0, vmdemo_unload());

	fd = open(self->o.file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", self->o.file, strerror(errno));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ((off_t)pages(NPAGES), st.st_size);
	check_both_ways(_metadata, fd, "the file after rmmod");
	close(fd);

	ASSERT_EQ(0, backing_load(self->o.file, ""));
	self->o.fd = open(self->o.path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->o.fd);
	EXPECT_EQ(pages(NPAGES), device_size(self->o.fd));

	/* First through a mapping: every page comes from the file. */
	ASSERT_EQ(0, bcounters_read(&b0));
	p = mmap(NULL, pages(NPAGES), PROT_READ, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	maj = self_majflt();
	for (i = 0; i < NPAGES; i++)
		EXPECT_EQ(PAT_OK, pat_check(p + pages(i), pages(1), pages(i),
					    i < 8 ? 1 : 2)) TH_LOG("page %d", i);
	maj = self_majflt() - maj;
	ASSERT_EQ(0, bcounters_read(&b1));
	EXPECT_LE(1, maj);
	EXPECT_EQ((uint64_t)maj, BDELTA(b1, b0, B_FAULTS_MAJOR));
	EXPECT_EQ((uint64_t)NPAGES, BDELTA(b1, b0, B_PAGES_READ));
	munmap(p, pages(NPAGES));

	/* Then read(), from the cache and, once evicted, from the file. */
	check_both_ways(_metadata, self->o.fd, "read() after the reload");
	ASSERT_EQ(0, vmdemo_evict_drained(self->o.fd, 0, pages(NPAGES)));
	check_both_ways(_metadata, self->o.fd, "read() after EVICT");
}

TEST_F(persist, larger_size_extends_the_file_with_zeroes)
{
	char params[64];
	struct stat st;

	ASSERT_EQ(0, write_both_ways(self->o.fd));
	close(self->o.fd);
	self->o.fd = -1;
	snprintf(params, sizeof(params), "size=%zu", pages(2 * NPAGES));
	ASSERT_EQ(0, backing_load(self->o.file, params));
	ASSERT_EQ(0, stat(self->o.file, &st));
	EXPECT_EQ((off_t)pages(2 * NPAGES), st.st_size);
	self->o.fd = open(self->o.path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->o.fd);
	EXPECT_EQ(pages(2 * NPAGES), device_size(self->o.fd));
	check_both_ways(_metadata, self->o.fd, "after a load with size=32 pages");
	EXPECT_EQ(PAT_OK, zero_pcheck(self->o.fd, pages(NPAGES), pages(NPAGES)));
}

/* The first number of /proc/sys/fs/inode-nr: inodes allocated now. */
static long inodes_allocated(void)
{
	FILE *f = fopen("/proc/sys/fs/inode-nr", "re");
	long n = -1, unused;

	if (f) {
		if (fscanf(f, "%ld %ld", &n, &unused) != 2)
			n = -1;
		fclose(f);
	}
	return n;
}

#define NPIPES	256

/*
 * How many more inodes are allocated after making NPIPES pipes at once
 * (enough to go through more than the CPU's current slab), writing a
 * byte to each (which dirties its inode's times) and closing them all.
 */
static long pipes_leave(void)
{
	long before = inodes_allocated();
	int p[NPIPES][2], i, n, err = 0;

	for (n = 0; n < NPIPES && !err; n++) {
		if (pipe(p[n])) {
			err = -1;
			break;
		}
		if (write(p[n][1], "", 1) != 1)
			err = -1;
	}
	for (i = 0; i < n; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	return before < 0 || err ? -1 : inodes_allocated() - before;
}

/*
 * The device's inode goes back to the kernel's shared inode cache at
 * unload (after an RCU grace period), and a pipe made next on the same
 * CPU soon gets its memory.  The pipe must not inherit anything: an
 * inode that still looked hashed would never be freed by its last iput()
 * (what inode_fake_hash() did: one inode lost per unload, 8 here, and the
 * debug kernel's kmemleak reports).  A pipe's inode is counted in
 * inode-nr from its creation until it is freed.
 */
TEST_F(persist, unload_leaves_nothing_in_the_inode_cache)
{
	struct timespec rcu = { .tv_nsec = 200 * 1000 * 1000 };
	long left = 0, n;
	cpu_set_t one;
	int cycle;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	close(self->o.fd);
	self->o.fd = -1;
	for (cycle = 0; cycle < 8; cycle++) {
		ASSERT_EQ(0, vmdemo_unload());
		nanosleep(&rcu, NULL);
		n = pipes_leave();
		ASSERT_LE(0, n);
		left += n;
		ASSERT_EQ(0, backing_load(self->o.file, ""));
	}
	EXPECT_EQ(0, left) TH_LOG("pipe inodes never freed after 8 unloads");
}

BACKING_MAIN()
