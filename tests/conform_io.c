// SPDX-License-Identifier: GPL-2.0
/*
 * The file interface: read/write/pread/pwrite/readv/writev, lseek, the
 * end of the object, fsync/fdatasync/msync, and data that outlives every
 * descriptor.  The one difference from tmpfs is by contract: the device
 * has a fixed size, so a write at or past the end fails with ENOSPC and
 * one that crosses it is short, where tmpfs extends the file.
 */
#include "conform.h"

#include <sys/uio.h>

CONFORM_FIXTURE(io);

#define SIZE	pages(CONFORM_PAGES)

static uint64_t get_size(const struct target *t)
{
	uint64_t size;

	return target_get_size(t, &size) ? (uint64_t)-1 : size;
}

TEST_F(io, unwritten_reads_zero)
{
	uint8_t *buf = malloc(SIZE);

	ASSERT_NE(NULL, buf);
	memset(buf, 0xff, SIZE);
	EXPECT_EQ((ssize_t)SIZE, read(self->t.fd, buf, SIZE));
	EXPECT_EQ(PAT_OK, zero_check(buf, SIZE));
	EXPECT_EQ(0, read(self->t.fd, buf, SIZE));
	free(buf);
}

/* Reading holes allocates nothing: tmpfs reads them from the zero page. */
TEST_F(io, read_does_not_allocate)
{
	uint8_t *buf = malloc(SIZE);

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(3), 10, 1));
	EXPECT_EQ(1, target_resident(&self->t));
	EXPECT_EQ((ssize_t)SIZE, pread(self->t.fd, buf, SIZE, 0));
	EXPECT_EQ(PAT_OK, pat_check(buf + pages(3), 10, pages(3), 1));
	EXPECT_EQ(1, target_resident(&self->t));
	free(buf);
}

TEST_F(io, pwrite_pread_unaligned)
{
	size_t off = 100, len = pages(3) + 50;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, off, len, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, off, len, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, off + 1, 1, 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, 0, off));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, off + len,
				      SIZE - off - len));
	/* Overwrite a span across a page boundary. */
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(2) - 10, 20, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, off, pages(2) - 10 - off, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2) - 10, 20, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2) + 10,
				     off + len - pages(2) - 10, 1));
}

/* read() and write() use and advance the file position. */
TEST_F(io, read_write_position)
{
	uint8_t *buf = malloc(pages(2));
	size_t a = 1000, b = pagesz + 500;

	ASSERT_NE(NULL, buf);
	pat_fill(buf, a, 0, 1);
	EXPECT_EQ((ssize_t)a, write(self->t.fd, buf, a));
	EXPECT_EQ((off_t)a, lseek(self->t.fd, 0, SEEK_CUR));
	pat_fill(buf, b, a, 1);
	EXPECT_EQ((ssize_t)b, write(self->t.fd, buf, b));
	EXPECT_EQ((off_t)(a + b), lseek(self->t.fd, 0, SEEK_CUR));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, a + b, 1));

	ASSERT_EQ(10, lseek(self->t.fd, 10, SEEK_SET));
	memset(buf, 0, pages(2));
	EXPECT_EQ((ssize_t)(a + b), read(self->t.fd, buf, a + b));
	EXPECT_EQ(PAT_OK, pat_check(buf, a + b - 10, 10, 1));
	EXPECT_EQ(PAT_OK, zero_check(buf + a + b - 10, 10));
	EXPECT_EQ((off_t)(a + b + 10), lseek(self->t.fd, 0, SEEK_CUR));
	free(buf);
}

TEST_F(io, lseek_whence)
{
	off_t size = SIZE;
	uint8_t c;

	EXPECT_EQ(123, lseek(self->t.fd, 123, SEEK_SET));
	EXPECT_EQ(133, lseek(self->t.fd, 10, SEEK_CUR));
	EXPECT_EQ(100, lseek(self->t.fd, -33, SEEK_CUR));
	EXPECT_EQ(size, lseek(self->t.fd, 0, SEEK_END));
	EXPECT_EQ(size - 10, lseek(self->t.fd, -10, SEEK_END));

	errno = 0;
	EXPECT_EQ(-1, lseek(self->t.fd, -1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, lseek(self->t.fd, -size - 1, SEEK_END));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, lseek(self->t.fd, -size, SEEK_CUR));
	EXPECT_EQ(EINVAL, errno);
	/* Failed seeks leave the position alone. */
	EXPECT_EQ(size - 10, lseek(self->t.fd, 0, SEEK_CUR));

	/* Seeking past the end is allowed; reading there finds nothing. */
	EXPECT_EQ(size + 100, lseek(self->t.fd, 100, SEEK_END));
	EXPECT_EQ(0, read(self->t.fd, &c, 1));

	/* SEEK_END follows the size. */
	ASSERT_EQ(0, target_set_size(&self->t, pages(3) + 5));
	EXPECT_EQ((off_t)pages(3) + 5, lseek(self->t.fd, 0, SEEK_END));
}

TEST_F(io, read_at_and_across_end)
{
	size_t size = pages(3) + 77;
	uint8_t buf[200];

	ASSERT_EQ(0, target_set_size(&self->t, size));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, size, 1));
	EXPECT_EQ(0, pread(self->t.fd, buf, sizeof(buf), size));
	EXPECT_EQ(0, pread(self->t.fd, buf, sizeof(buf), size + 1));
	EXPECT_EQ(0, pread(self->t.fd, buf, sizeof(buf), pages(100)));
	EXPECT_EQ(77, pread(self->t.fd, buf, sizeof(buf), pages(3)));
	EXPECT_EQ(PAT_OK, pat_check(buf, 77, pages(3), 1));

	ASSERT_EQ((off_t)size - 7, lseek(self->t.fd, -7, SEEK_END));
	EXPECT_EQ(7, read(self->t.fd, buf, sizeof(buf)));
	EXPECT_EQ(PAT_OK, pat_check(buf, 7, size - 7, 1));
	EXPECT_EQ(0, read(self->t.fd, buf, sizeof(buf)));
	EXPECT_EQ((off_t)size, lseek(self->t.fd, 0, SEEK_CUR));
}

TEST_F(io, write_at_and_across_end)
{
	size_t size = pages(3) + 77;
	bool dev = target_is_device(&self->t);
	uint8_t buf[200];

	ASSERT_EQ(0, target_set_size(&self->t, size));
	pat_fill(buf, sizeof(buf), pages(3), 1);

	/* Crossing the end: short on the device, extends tmpfs. */
	EXPECT_EQ(dev ? 77 : 200, pwrite(self->t.fd, buf, sizeof(buf),
					 pages(3)));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(3), 77, 1));
	EXPECT_EQ(dev ? size : pages(3) + 200, get_size(&self->t));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, 0, pages(3)));

	ASSERT_EQ(0, target_set_size(&self->t, size));
	errno = 0;
	EXPECT_EQ(dev ? -1 : 10, pwrite(self->t.fd, buf, 10, size));
	if (dev)
		EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(0, target_set_size(&self->t, size));
	errno = 0;
	EXPECT_EQ(dev ? -1 : 10, pwrite(self->t.fd, buf, 10, pages(100)));
	if (dev)
		EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(0, target_set_size(&self->t, size));

	/* The same through write() at the file position. */
	ASSERT_EQ((off_t)size - 7, lseek(self->t.fd, -7, SEEK_END));
	EXPECT_EQ(dev ? 7 : 20, write(self->t.fd, buf, 20));
	errno = 0;
	EXPECT_EQ(dev ? -1 : 20, write(self->t.fd, buf, 20));
	if (dev)
		EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(0, target_set_size(&self->t, size));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(3), 70, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck_as(self->t.fd, size - 7, 7, pages(3), 1));
	EXPECT_EQ(size, get_size(&self->t));
}

TEST_F(io, readv_writev)
{
	size_t off = 10, lens[3] = { 100, pagesz, pagesz + 50 };
	size_t total = lens[0] + lens[1] + lens[2];
	uint8_t *src = malloc(total), *dst = malloc(total);
	struct iovec iov[3];
	size_t pos = 0;
	int i;

	ASSERT_NE(NULL, src);
	ASSERT_NE(NULL, dst);
	pat_fill(src, total, off, 1);
	for (i = 0; i < 3; i++) {
		iov[i].iov_base = src + pos;
		iov[i].iov_len = lens[i];
		pos += lens[i];
	}
	EXPECT_EQ((ssize_t)total, pwritev(self->t.fd, iov, 3, off));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, off, total, 1));

	/* Read back with another split. */
	iov[0] = (struct iovec){ dst, 1 };
	iov[1] = (struct iovec){ dst + 1, pages(2) };
	iov[2] = (struct iovec){ dst + 1 + pages(2), total - 1 - pages(2) };
	memset(dst, 0, total);
	EXPECT_EQ((ssize_t)total, preadv(self->t.fd, iov, 3, off));
	EXPECT_EQ(PAT_OK, pat_check(dst, total, off, 1));

	/* readv()/writev() at the file position. */
	ASSERT_EQ((off_t)pages(8), lseek(self->t.fd, pages(8), SEEK_SET));
	pat_fill(dst, total, pages(8), 2);
	iov[0] = (struct iovec){ dst, 3 };
	iov[1] = (struct iovec){ dst + 3, total - 3 };
	EXPECT_EQ((ssize_t)total, writev(self->t.fd, iov, 2));
	EXPECT_EQ((off_t)(pages(8) + total), lseek(self->t.fd, 0, SEEK_CUR));
	ASSERT_EQ((off_t)pages(8), lseek(self->t.fd, pages(8), SEEK_SET));
	memset(dst, 0, total);
	EXPECT_EQ((ssize_t)total, readv(self->t.fd, iov, 2));
	EXPECT_EQ(PAT_OK, pat_check(dst, total, pages(8), 2));

	/* A vector that crosses the end is read short. */
	iov[0] = (struct iovec){ dst, pagesz };
	iov[1] = (struct iovec){ dst + pagesz, pagesz };
	EXPECT_EQ((ssize_t)pagesz + 100,
		  preadv(self->t.fd, iov, 2, SIZE - pagesz - 100));
	free(src);
	free(dst);
}

/* A buffer that is not mapped: EFAULT and nothing changes. */
TEST_F(io, bad_buffer_efault)
{
	uint8_t *none = mmap(NULL, pagesz, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_MAPPED(none);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pagesz, 1));
	errno = 0;
	EXPECT_EQ(-1, pwrite(self->t.fd, none, 100, 0));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, pread(self->t.fd, none, 100, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pagesz, 1));
	EXPECT_EQ(SIZE, get_size(&self->t));
}

TEST_F(io, fsync_msync)
{
	size_t len = pages(4);
	uint8_t *s, *p;

	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	pat_fill(s, len, 0, 1);
	pat_fill(p, pagesz, 0, 2);

	EXPECT_EQ(0, fsync(self->t.fd));
	EXPECT_EQ(0, fdatasync(self->t.fd));
	EXPECT_EQ(0, msync(s, len, MS_SYNC));
	EXPECT_EQ(0, msync(s, len, MS_ASYNC));
	EXPECT_EQ(0, msync(s, len, MS_INVALIDATE));
	EXPECT_EQ(0, msync(s, len, MS_SYNC | MS_INVALIDATE));
	EXPECT_EQ(0, msync(p, len, MS_SYNC | MS_INVALIDATE));
	errno = 0;
	EXPECT_EQ(-1, msync(s, len, MS_SYNC | MS_ASYNC));
	EXPECT_EQ(EINVAL, errno);

	/* Nothing was dropped or written back over. */
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
}

/* Data lives on with no descriptor and no mapping left. */
TEST_F(io, data_persists_after_close)
{
	size_t len = pages(4);
	uint8_t *s;
	int fd2;

	fd2 = target_reopen(&self->t, O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, pat_pwrite(fd2, 0, pages(2), 1));
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	pat_fill(s + pages(2), pages(2), pages(2), 2);
	ASSERT_EQ(0, munmap(s, len));
	ASSERT_EQ(0, close(fd2));
	ASSERT_EQ(0, close(self->t.fd));
	self->t.fd = -1;

	self->t.fd = target_reopen(&self->t, O_RDWR);
	ASSERT_LE(0, self->t.fd);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(2), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pages(2), 2));
	EXPECT_EQ(SIZE, get_size(&self->t));
}

/* What a process that has exited wrote is there for the next opener. */
TEST_F(io, data_persists_across_processes)
{
	size_t len = pages(4);
	struct peer peer;

	ASSERT_EQ(0, close(self->t.fd));
	self->t.fd = -1;
	ASSERT_EQ(0, peer_start(&peer, self->t.path, len, MAP_SHARED));
	EXPECT_EQ(0, peer_do(&peer, PEER_FILL, 0, pages(2), 1));
	EXPECT_EQ(0, peer_do(&peer, PEER_PWRITE, pages(2), pages(2), 2));
	EXPECT_EQ(0, peer_stop(&peer));

	ASSERT_EQ(0, peer_start(&peer, self->t.path, len, MAP_SHARED));
	EXPECT_EQ(PAT_OK, peer_do(&peer, PEER_PCHECK, 0, pages(2), 1));
	EXPECT_EQ(PAT_OK, peer_do(&peer, PEER_CHECK, pages(2), pages(2), 2));
	EXPECT_EQ(0, peer_stop(&peer));

	self->t.fd = target_reopen(&self->t, O_RDWR);
	ASSERT_LE(0, self->t.fd);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(2), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pages(2), 2));
}

CONFORM_MAIN()
