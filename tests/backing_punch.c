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
 *   failed_punch      the file made immutable (chattr +i, so its writes,
 *                     punches and truncations fail with EPERM) under dirty
 *                     pages: the punch fails and changes nothing, the dirty
 *                     bytes included, which reach the file once it may be
 *                     written again; and under clean cached pages, where
 *                     only the file's punch fails
 *   failed_shrink     (device) a shrink the immutable file cannot follow
 *                     fails; the file keeps the bytes past the device's new
 *                     end, and growing the device again must not show them
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "bfixture.h"
#include "pattern.h"

#define NPAGES	4

/* <linux/fs.h> clashes with glibc's headers: its three names we need. */
#define FS_IOC_GETFLAGS_	_IOR('f', 1, long)
#define FS_IOC_SETFLAGS_	_IOW('f', 2, long)
#define FS_IMMUTABLE_FL_	0x00000010

BOBJ_FIXTURE(punch, NPAGES, "readahead=0")
BDEV_FIXTURE(shrink, 2 * NPAGES, "readahead=0")

/* chattr +i or -i @path: 0 or -1 (errno). */
static int set_immutable(const char *path, bool on)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags, ret = -1;

	if (fd < 0)
		return -1;
	if (!ioctl(fd, FS_IOC_GETFLAGS_, &flags)) {
		flags = on ? flags | FS_IMMUTABLE_FL_ : flags & ~FS_IMMUTABLE_FL_;
		ret = ioctl(fd, FS_IOC_SETFLAGS_, &flags);
	}
	close(fd);
	return ret;
}

/* Punch [@off, @off + @len) of the object: 0 or -1 (errno). */
static int obj_punch(const struct bobj *o, uint64_t off, uint64_t len)
{
	struct vmdemo_range r = { .offset = off, .length = len };

	if (bobj_is_device(o))
		return ioctl(o->fd, VMDEMO_IOC_PUNCH_HOLE, &r);
	return fallocate(o->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 off, len);
}

/* How many of the NPAGES pages the cache holds (mincore()), or -1. */
static int cached(const struct bobj *o)
{
	unsigned char vec[NPAGES];
	int i, n = 0;
	void *p;

	p = mmap(NULL, pages(NPAGES), PROT_READ, MAP_SHARED, o->fd, 0);
	if (p == MAP_FAILED)
		return -1;
	if (mincore(p, pages(NPAGES), vec))
		n = -1;
	for (i = 0; n >= 0 && i < NPAGES; i++)
		n += vec[i] & 1;
	munmap(p, pages(NPAGES));
	return n;
}

/*
 * Write the pattern and write it back; if @drop, drop it from the cache
 * and check that it is gone: the tests of evicted pages are about them.
 */
static void fill(struct __test_metadata *_metadata, const struct bobj *o,
		 bool drop)
{
	ASSERT_EQ(0, pat_pwrite(o->fd, 0, pages(NPAGES), 1));
	ASSERT_EQ(0, fsync(o->fd));
	if (!drop)
		return;
	ASSERT_EQ(0, posix_fadvise(o->fd, 0, 0, POSIX_FADV_DONTNEED));
	ASSERT_EQ(0, cached(o)) TH_LOG("%s: still cached", o->path);
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

	fill(_metadata, &self->o, false);
	ASSERT_EQ(0, obj_punch(&self->o, off, len));
	check_punched(_metadata, &self->o, off, len);
}

TEST_F(punch, inside_an_evicted_page)
{
	uint64_t off = pages(1) + 100, len = 200;

	fill(_metadata, &self->o, true);
	ASSERT_EQ(0, obj_punch(&self->o, off, len));
	check_punched(_metadata, &self->o, off, len);
}

TEST_F(punch, across_pages_evicted)
{
	uint64_t off = pages(1) + 100, len = pages(1) + 200;

	fill(_metadata, &self->o, true);
	ASSERT_EQ(0, obj_punch(&self->o, off, len));
	check_punched(_metadata, &self->o, off, len);
}

/* Punch with the file immutable: the errno, or 0 if the punch worked. */
static int punch_immutable(struct __test_metadata *_metadata,
			   const struct bobj *o, uint64_t off, uint64_t len)
{
	int err;

	ASSERT_EQ(0, set_immutable(o->file, true))
		TH_LOG("chattr +i %s: %s", o->file, strerror(errno));
	errno = 0;
	err = obj_punch(o, off, len) ? errno : 0;
	ASSERT_EQ(0, set_immutable(o->file, false));
	return err;
}

TEST_F(punch, failed_punch_changes_nothing)
{
	uint64_t off = pages(1) + 100, len = pages(2);
	int err, fd;

	fill(_metadata, &self->o, false);
	ASSERT_EQ(0, pat_pwrite(self->o.fd, pages(1), pages(2), 2));
	err = punch_immutable(_metadata, &self->o, off, len);
	EXPECT_TRUE(err == EPERM || err == EIO)
		TH_LOG("%s: punch of an immutable file: %s", self->o.path,
		       strerror(err));

	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, 0, pages(1), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, pages(1), pages(2), 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, pages(3), pages(1), 1));
	/* The first fsync may report the failed writeback; then it works. */
	fsync(self->o.fd);
	ASSERT_EQ(0, fsync(self->o.fd));
	fd = open(self->o.file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(PAT_OK, pat_pcheck(fd, 0, pages(1), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(fd, pages(1), pages(2), 2))
		TH_LOG("%s: the dirty bytes did not reach the file", self->o.file);
	EXPECT_EQ(PAT_OK, pat_pcheck(fd, pages(3), pages(1), 1));
	close(fd);
}

/*
 * The same with nothing dirty: the punch drops the whole page and then
 * fails on the file; the partial pages, cached, must keep their bytes.
 */
TEST_F(punch, failed_punch_of_clean_pages_changes_nothing)
{
	uint64_t off = pages(1) + 100, len = pages(2);
	int err;

	fill(_metadata, &self->o, false);
	EXPECT_EQ(NPAGES, cached(&self->o));
	err = punch_immutable(_metadata, &self->o, off, len);
	EXPECT_EQ(EPERM, err) TH_LOG("%s: punch of an immutable file: %s",
				     self->o.path, strerror(err));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, 0, pages(NPAGES), 1));
}

TEST_F(shrink, failed_shrink_then_grow_shows_zeroes)
{
	static uint8_t buf[NPAGES * 4096];
	uint64_t size = pages(NPAGES);

	ASSERT_GE(sizeof(buf), pages(NPAGES));
	ASSERT_EQ(0, pat_pwrite(self->o.fd, 0, pages(2 * NPAGES), 1));
	ASSERT_EQ(0, fsync(self->o.fd));
	ASSERT_EQ(0, set_immutable(self->o.file, true))
		TH_LOG("chattr +i %s: %s", self->o.file, strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->o.fd, VMDEMO_IOC_SET_SIZE, &size));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, set_immutable(self->o.file, false));

	size = pages(2 * NPAGES);
	ASSERT_EQ(0, ioctl(self->o.fd, VMDEMO_IOC_SET_SIZE, &size));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, 0, pages(NPAGES), 1));
	ASSERT_EQ((ssize_t)pages(NPAGES), pread(self->o.fd, buf, pages(NPAGES),
						 pages(NPAGES)));
	EXPECT_EQ(PAT_OK, zero_check(buf, pages(NPAGES)))
		TH_LOG("the bytes the failed shrink left in the file came back");
}

BACKING_MAIN()
