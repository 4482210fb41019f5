// SPDX-License-Identifier: GPL-2.0
/*
 * Punching a hole with a backing file, the device (VMDEMO_IOC_PUNCH_HOLE)
 * against an ext4 file (fallocate(PUNCH_HOLE | KEEP_SIZE)), with the
 * pages the punch touches cached or not:
 *
 *   inside_a_page     a punch within one page: the punched bytes read
 *                     back as zeroes and the rest as written, through
 *                     read() and again after the cache was dropped, and
 *                     the backing file itself has the zeroes.  Once with
 *                     the page cached, once with it evicted first
 *                     (POSIX_FADV_DONTNEED after fsync), when only the
 *                     file can take the punch.
 *   across_pages      the same for a punch from the middle of one page to
 *                     the middle of the next, pages evicted: the partial
 *                     pages at both ends.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "bfixture.h"
#include "pattern.h"

#define NPAGES	4

BOBJ_FIXTURE(punch, NPAGES, "readahead=0")

/* Punch [@off, @off + @len) of the object: 0 or -1 (errno). */
static int obj_punch(const struct bobj *o, uint64_t off, uint64_t len)
{
	struct vmdemo_range r = { .offset = off, .length = len };

	if (bobj_is_device(o))
		return ioctl(o->fd, VMDEMO_IOC_PUNCH_HOLE, &r);
	return fallocate(o->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 off, len);
}

/* Write the pattern, write it back, and drop it from the cache if @drop. */
static int fill(const struct bobj *o, bool drop)
{
	if (pat_pwrite(o->fd, 0, pages(NPAGES), 1) || fsync(o->fd))
		return -1;
	return drop ? posix_fadvise(o->fd, 0, 0, POSIX_FADV_DONTNEED) : 0;
}

/*
 * Through @fd: [@off, @off + @len) zeroes, the rest of the NPAGES pages
 * the pattern.  PAT_OK, or the offset of the first wrong byte.
 */
static ssize_t punched(int fd, uint64_t off, uint64_t len)
{
	static uint8_t buf[NPAGES * 4096];
	ssize_t bad;

	if (pages(NPAGES) > sizeof(buf) ||
	    pread(fd, buf, pages(NPAGES), 0) != (ssize_t)pages(NPAGES))
		return 0;
	bad = pat_check(buf, off, 0, 1);
	if (bad != PAT_OK)
		return bad;
	bad = zero_check(buf + off, len);
	if (bad != PAT_OK)
		return off + bad;
	bad = pat_check(buf + off + len, pages(NPAGES) - off - len, off + len, 1);
	return bad == PAT_OK ? PAT_OK : (ssize_t)(off + len) + bad;
}

/* The punch seen through the object, after dropping it, and in the file. */
static void check_punched(struct __test_metadata *_metadata,
			  const struct bobj *o, uint64_t off, uint64_t len)
{
	int fd;

	EXPECT_EQ(PAT_OK, punched(o->fd, off, len))
		TH_LOG("%s: read after the punch", o->path);
	ASSERT_EQ(0, fsync(o->fd));
	ASSERT_EQ(0, posix_fadvise(o->fd, 0, 0, POSIX_FADV_DONTNEED));
	EXPECT_EQ(PAT_OK, punched(o->fd, off, len))
		TH_LOG("%s: read back from the file", o->path);
	fd = open(o->file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(PAT_OK, punched(fd, off, len))
		TH_LOG("%s: the file itself", o->file);
	close(fd);
}

TEST_F(punch, inside_a_cached_page)
{
	uint64_t off = pages(1) + 100, len = 200;

	ASSERT_EQ(0, fill(&self->o, false));
	ASSERT_EQ(0, obj_punch(&self->o, off, len));
	check_punched(_metadata, &self->o, off, len);
}

TEST_F(punch, inside_an_evicted_page)
{
	uint64_t off = pages(1) + 100, len = 200;

	ASSERT_EQ(0, fill(&self->o, true));
	ASSERT_EQ(0, obj_punch(&self->o, off, len));
	check_punched(_metadata, &self->o, off, len);
}

TEST_F(punch, across_pages_evicted)
{
	uint64_t off = pages(1) + 100, len = pages(1) + 200;

	ASSERT_EQ(0, fill(&self->o, true));
	ASSERT_EQ(0, obj_punch(&self->o, off, len));
	check_punched(_metadata, &self->o, off, len);
}

BACKING_MAIN()
