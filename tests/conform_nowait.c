// SPDX-License-Identifier: GPL-2.0
/*
 * preadv2()/pwritev2() with RWF_NOWAIT: do the I/O only if it cannot
 * block, else fail with EAGAIN.  The device supports it (FMODE_NOWAIT):
 *
 *   - a read never blocks: resident pages and holes both read, and a
 *     hole read allocates nothing;
 *   - a write into a resident page succeeds;
 *   - a write that would have to allocate a page fails with EAGAIN and
 *     allocates nothing.
 *
 * Here the device and tmpfs differ, and not by the driver's choice:
 * shmem does not set FMODE_NOWAIT, so every RWF_NOWAIT call on a tmpfs
 * file fails with EOPNOTSUPP before it reaches shmem.  Each variant
 * asserts its own behaviour (tmpfs_expect(), device_expect), so that a
 * kernel that changes tmpfs shows up too.
 */
#include "conform.h"

#include <stdlib.h>
#include <sys/uio.h>
#include <sys/utsname.h>

CONFORM_FIXTURE(nowait);

#ifndef RWF_NOWAIT
#define RWF_NOWAIT	0x00000008
#endif

/* 0 for success, else the errno, of the four calls the tests make. */
struct nowait_expect {
	int read_resident;
	int read_hole;
	int write_resident;
	int write_hole;
};

static const struct nowait_expect device_expect = {
	.write_hole = EAGAIN,
};

/* The running kernel's release, for the log. */
static const char *kernel_release(void)
{
	static struct utsname u;

	return uname(&u) ? "?" : u.release;
}

/*
 * What tmpfs does with RWF_NOWAIT, as measured: shmem files never have
 * FMODE_NOWAIT (6.1, 6.12, 6.18, 7.2), so kiocb_set_rw_flags()
 * refuses every such read and write before shmem sees it.
 */
static struct nowait_expect tmpfs_expect(void)
{
	return (struct nowait_expect){ EOPNOTSUPP, EOPNOTSUPP, EOPNOTSUPP,
				       EOPNOTSUPP };
}

static struct nowait_expect expect_for(const struct target *t)
{
	return target_is_device(t) ? device_expect : tmpfs_expect();
}

/* preadv2/pwritev2 of one buffer: the byte count, or -errno. */
static ssize_t rw_nowait(int fd, void *buf, size_t len, off_t off, bool wr)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	ssize_t n;

	n = wr ? pwritev2(fd, &iov, 1, off, RWF_NOWAIT) :
		 preadv2(fd, &iov, 1, off, RWF_NOWAIT);
	return n < 0 ? -errno : n;
}

/* Expect @len bytes done if @err is 0, else -@err. */
#define EXPECT_RESULT(err, len, n) do {					\
	EXPECT_EQ((err) ? -(ssize_t)(err) : (ssize_t)(len), (n)) {	\
		TH_LOG("%s: got %zd (%s)", variant->name, (n),		\
		       (n) < 0 ? strerror(-(n)) : "bytes");		\
	}								\
} while (0)

TEST_F(nowait, read_resident)
{
	struct nowait_expect e = expect_for(&self->t);
	size_t len = pages(2) + 100;
	uint8_t *buf = malloc(len);
	ssize_t n;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pagesz, len, 1));
	memset(buf, 0, len);
	n = rw_nowait(self->t.fd, buf, len, pagesz, false);
	TH_LOG("%s, %s: read of resident pages: %zd", kernel_release(),
	       variant->name, n);
	EXPECT_RESULT(e.read_resident, len, n);
	if (n == (ssize_t)len)
		EXPECT_EQ(PAT_OK, pat_check(buf, len, pagesz, 1));
	free(buf);
}

TEST_F(nowait, read_hole)
{
	struct nowait_expect e = expect_for(&self->t);
	size_t len = pages(3);
	uint8_t *buf = malloc(len);
	ssize_t n;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, 10, 1));
	ASSERT_EQ(1, target_resident(&self->t));
	memset(buf, 0xaa, len);
	n = rw_nowait(self->t.fd, buf, len, pages(4), false);
	TH_LOG("%s, %s: read of a hole: %zd", kernel_release(),
	       variant->name, n);
	EXPECT_RESULT(e.read_hole, len, n);
	if (n == (ssize_t)len)
		EXPECT_EQ(PAT_OK, zero_check(buf, len));
	EXPECT_EQ(1, target_resident(&self->t));
	free(buf);
}

TEST_F(nowait, write_resident)
{
	struct nowait_expect e = expect_for(&self->t);
	uint8_t buf[100];
	ssize_t n;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(3), pagesz, 1));
	pat_fill(buf, sizeof(buf), pages(3) + 10, 2);
	n = rw_nowait(self->t.fd, buf, sizeof(buf), pages(3) + 10, true);
	TH_LOG("%s, %s: write into a resident page: %zd",
	       kernel_release(), variant->name, n);
	EXPECT_RESULT(e.write_resident, sizeof(buf), n);
	if (n == (ssize_t)sizeof(buf)) {
		EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(3) + 10,
					     sizeof(buf), 2));
	} else {
		EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(3), pagesz, 1));
	}
	EXPECT_EQ(1, target_resident(&self->t));
}

TEST_F(nowait, write_hole)
{
	struct nowait_expect e = expect_for(&self->t);
	uint8_t buf[100];
	ssize_t n;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(3), pagesz, 1));
	pat_fill(buf, sizeof(buf), pages(5) + 10, 2);
	n = rw_nowait(self->t.fd, buf, sizeof(buf), pages(5) + 10, true);
	TH_LOG("%s, %s: write into a hole: %zd", kernel_release(),
	       variant->name, n);
	EXPECT_RESULT(e.write_hole, sizeof(buf), n);
	if (n == (ssize_t)sizeof(buf)) {
		EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(5) + 10,
					     sizeof(buf), 2));
		EXPECT_EQ(2, target_resident(&self->t));
	} else {
		/* Nothing allocated, nothing written. */
		EXPECT_EQ(1, target_resident(&self->t));
		EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(5), pagesz));
	}
}

CONFORM_MAIN()
