// SPDX-License-Identifier: GPL-2.0
/*
 * preadv2()/pwritev2() with RWF_NOWAIT.  Neither a tmpfs file nor the
 * device has FMODE_NOWAIT (shmem never sets it: measured on 6.1, 6.12,
 * 6.18 and 7.2; the driver leaves it off to match), so the VFS refuses
 * every such call with EOPNOTSUPP before it reaches either: a read of
 * resident pages or of a hole, a write into a resident page or into a
 * hole.  A refused call reads nothing, writes nothing, allocates nothing
 * and leaves the file position alone.
 *
 * (The device's own IOCB_NOWAIT handling, EAGAIN for a write that would
 * allocate or wait for a page lock, is reachable only through io_uring
 * on an O_NONBLOCK descriptor, which retries it from a worker.)
 */
#include "conform.h"

#include <stdlib.h>
#include <sys/uio.h>
#include <sys/utsname.h>

CONFORM_FIXTURE(nowait);

#ifndef RWF_NOWAIT
#define RWF_NOWAIT	0x00000008
#endif

/* The running kernel's release, for the log. */
static const char *kernel_release(void)
{
	static struct utsname u;

	return uname(&u) ? "?" : u.release;
}

/* preadv2/pwritev2 of one buffer at @off (-1: the position): n or -errno. */
static ssize_t rw_nowait(int fd, void *buf, size_t len, off_t off, bool wr)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	ssize_t n;

	n = wr ? pwritev2(fd, &iov, 1, off, RWF_NOWAIT) :
		 preadv2(fd, &iov, 1, off, RWF_NOWAIT);
	return n < 0 ? -errno : n;
}

#define EXPECT_REFUSED(what, n) do {					\
	TH_LOG("%s, %s: %s: %zd", kernel_release(), variant->name,	\
	       (what), (n));						\
	EXPECT_EQ(-EOPNOTSUPP, (n)) {					\
		TH_LOG("%s", (n) < 0 ? strerror(-(n)) : "bytes done");	\
	}								\
} while (0)

TEST_F(nowait, read_resident)
{
	size_t len = pages(2) + 100;
	uint8_t *buf = malloc(len);
	ssize_t n;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pagesz, len, 1));
	memset(buf, 0xaa, len);
	n = rw_nowait(self->t.fd, buf, len, pagesz, false);
	EXPECT_REFUSED("read of resident pages", n);
	EXPECT_EQ(0xaa, buf[0]);
	free(buf);
}

TEST_F(nowait, read_hole_at_position)
{
	size_t len = pages(3);
	uint8_t *buf = malloc(len);
	ssize_t n;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, 10, 1));
	ASSERT_EQ((off_t)pages(4), lseek(self->t.fd, pages(4), SEEK_SET));
	n = rw_nowait(self->t.fd, buf, len, -1, false);
	EXPECT_REFUSED("read of a hole at the position", n);
	EXPECT_EQ((off_t)pages(4), lseek(self->t.fd, 0, SEEK_CUR));
	EXPECT_EQ(1, target_resident(&self->t));
	free(buf);
}

TEST_F(nowait, write_resident)
{
	uint8_t buf[100];
	ssize_t n;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(3), pagesz, 1));
	pat_fill(buf, sizeof(buf), pages(3) + 10, 2);
	n = rw_nowait(self->t.fd, buf, sizeof(buf), pages(3) + 10, true);
	EXPECT_REFUSED("write into a resident page", n);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(3), pagesz, 1));
	EXPECT_EQ(1, target_resident(&self->t));
}

TEST_F(nowait, write_hole_at_position)
{
	uint8_t buf[100];
	ssize_t n;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(3), pagesz, 1));
	ASSERT_EQ((off_t)pages(5), lseek(self->t.fd, pages(5), SEEK_SET));
	pat_fill(buf, sizeof(buf), pages(5), 2);
	n = rw_nowait(self->t.fd, buf, sizeof(buf), -1, true);
	EXPECT_REFUSED("write into a hole at the position", n);
	EXPECT_EQ((off_t)pages(5), lseek(self->t.fd, 0, SEEK_CUR));
	EXPECT_EQ(1, target_resident(&self->t));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(5), pagesz));
}

CONFORM_MAIN()
