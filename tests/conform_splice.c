// SPDX-License-Identifier: GPL-2.0
/*
 * Zero-copy transfers: sendfile(2) from the object to a pipe and to a
 * tmpfs file and from a tmpfs file to the object, splice(2) from the
 * object through a pipe back into it at another offset, and
 * copy_file_range(2) between the object and a tmpfs file.  Every byte is
 * checked, and so are the offsets and file positions each call moves.
 *
 * Two divergences, each asserted as it is:
 *
 *   - The VFS's, not the driver's: copy_file_range() only copies between
 *     regular files (generic_file_rw_checks()), so on the device it fails
 *     with EINVAL (6.1, 6.12 and 7.2), while on tmpfs it copies.
 *   - A page spliced into a pipe and then overwritten before the pipe is
 *     read: tmpfs's reader sees the later bytes (the pipe holds its page),
 *     the device's sees the spliced ones from 6.5 on (copy_splice_read()).
 */
#include "conform.h"

#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/utsname.h>

CONFORM_FIXTURE(splice);

#define NPAGES	64

/* A tmpfs file of its own, next to the tmpfs targets, already unlinked. */
static int tmpfs_file(void)
{
	const char *dir = getenv("VMDEMO_TMPFS");
	char path[PATH_MAX];
	int fd;

	if (!dir || !*dir)
		dir = "/dev/shm";
	snprintf(path, sizeof(path), "%s/vmdemo-splice-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Read exactly @len bytes from @fd; 0 or -1. */
static int read_full(int fd, uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = read(fd, buf, len);
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static void setup_data(struct __test_metadata *_metadata, struct target *t)
{
	ASSERT_EQ(0, target_set_size(t, pages(NPAGES)));
	ASSERT_EQ(0, pat_pwrite(t->fd, 0, pages(NPAGES), 1));
}

TEST_F(splice, sendfile_to_pipe)
{
	size_t len = pages(3) + 50;
	uint8_t *buf = malloc(len);
	off_t off = 100;
	int p[2];

	ASSERT_NE(NULL, buf);
	setup_data(_metadata, &self->t);
	ASSERT_EQ(0, pipe(p));

	/* With an offset: it moves, the file position does not. */
	EXPECT_EQ((ssize_t)len, sendfile(p[1], self->t.fd, &off, len)) {
		TH_LOG("sendfile: %s", strerror(errno));
	}
	EXPECT_EQ((off_t)(100 + len), off);
	EXPECT_EQ(0, lseek(self->t.fd, 0, SEEK_CUR));
	ASSERT_EQ(0, read_full(p[0], buf, len));
	EXPECT_EQ(PAT_OK, pat_check(buf, len, 100, 1));

	/* Without: from the file position, which advances. */
	ASSERT_EQ((off_t)pages(5), lseek(self->t.fd, pages(5), SEEK_SET));
	EXPECT_EQ((ssize_t)pagesz, sendfile(p[1], self->t.fd, NULL, pagesz));
	EXPECT_EQ((off_t)pages(6), lseek(self->t.fd, 0, SEEK_CUR));
	ASSERT_EQ(0, read_full(p[0], buf, pagesz));
	EXPECT_EQ(PAT_OK, pat_check(buf, pagesz, pages(5), 1));

	/* Short at the end, nothing past it. */
	off = pages(NPAGES) - 10;
	EXPECT_EQ(10, sendfile(p[1], self->t.fd, &off, 100));
	ASSERT_EQ(0, read_full(p[0], buf, 10));
	EXPECT_EQ(PAT_OK, pat_check(buf, 10, pages(NPAGES) - 10, 1));
	EXPECT_EQ(0, sendfile(p[1], self->t.fd, &off, 100));
	close(p[0]);
	close(p[1]);
	free(buf);
}

/* More than a pipe holds: the kernel loops through its internal pipe. */
TEST_F(splice, sendfile_to_tmpfs_file)
{
	size_t len = pages(NPAGES) - 300;
	off_t off = 300;
	int out;

	setup_data(_metadata, &self->t);
	out = tmpfs_file();
	ASSERT_LE(0, out);
	EXPECT_EQ((ssize_t)len, sendfile(out, self->t.fd, &off, len)) {
		TH_LOG("sendfile: %s", strerror(errno));
	}
	EXPECT_EQ((off_t)pages(NPAGES), off);
	EXPECT_EQ((off_t)len, lseek(out, 0, SEEK_CUR));
	EXPECT_EQ(PAT_OK, pat_pcheck_as(out, 0, len, 300, 1));
	close(out);
}

TEST_F(splice, sendfile_from_tmpfs_file)
{
	size_t len = pages(20) + 123;
	off_t off = 0;
	int in;

	ASSERT_EQ(0, target_set_size(&self->t, pages(NPAGES)));
	in = tmpfs_file();
	ASSERT_LE(0, in);
	ASSERT_EQ(0, pat_pwrite(in, 0, len, 2));
	ASSERT_EQ(7, lseek(self->t.fd, 7, SEEK_SET));
	EXPECT_EQ((ssize_t)len, sendfile(self->t.fd, in, &off, len)) {
		TH_LOG("sendfile: %s", strerror(errno));
	}
	EXPECT_EQ((off_t)len, off);
	EXPECT_EQ((off_t)(7 + len), lseek(self->t.fd, 0, SEEK_CUR));
	EXPECT_EQ(PAT_OK, pat_pcheck_as(self->t.fd, 7, len, 0, 2));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, 0, 7));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, 7 + len,
				      pages(NPAGES) - 7 - len));
	close(in);
}

/* Object -> pipe -> object, unaligned, to another offset. */
TEST_F(splice, splice_through_pipe)
{
	size_t len = pages(3) + 50, done = 0;
	loff_t in = 100, out = pages(8) + 7;
	ssize_t n, m;
	int p[2];

	setup_data(_metadata, &self->t);
	ASSERT_EQ(0, pipe(p));
	while (done < len) {
		n = splice(self->t.fd, &in, p[1], NULL, len - done, 0);
		ASSERT_LT(0, n) TH_LOG("splice from the object: %s",
				       n ? strerror(errno) : "EOF");
		m = splice(p[0], NULL, self->t.fd, &out, n, 0);
		ASSERT_EQ(n, m) TH_LOG("splice into the object: %s",
				       strerror(errno));
		done += n;
	}
	EXPECT_EQ((loff_t)(100 + len), in);
	EXPECT_EQ((loff_t)(pages(8) + 7 + len), out);
	EXPECT_EQ(0, lseek(self->t.fd, 0, SEEK_CUR));
	EXPECT_EQ(PAT_OK, pat_pcheck_as(self->t.fd, pages(8) + 7, len, 100, 1));
	/* The source and the bytes around the copy are untouched. */
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(8) + 7, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(8) + 7 + len,
				     pages(NPAGES - 8) - 7 - len, 1));
	close(p[0]);
	close(p[1]);
}

/* The running kernel's release, for the log. */
static const char *kernel_release(void)
{
	static struct utsname u;

	return uname(&u) ? "?" : u.release;
}

/* The running kernel is @major.@minor or later. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * A page spliced into a pipe, then overwritten in the object before the
 * pipe is read.  splice(2) allows the reader either bytes.  tmpfs puts
 * its page itself into the pipe, so the reader gets the later bytes
 * (6.1, 6.12, 6.18, 7.2).  The device reads through ->read_iter: before
 * 6.5 generic_file_splice_read() also passes the page itself, from 6.5
 * copy_splice_read() copies it, so the reader gets the spliced bytes: a
 * documented divergence, asserted per kernel.
 */
TEST_F(splice, splice_then_overwrite)
{
	bool later_expected = !target_is_device(&self->t) ||
			      !kernel_at_least(6, 5);
	uint8_t *buf = malloc(pagesz);
	loff_t in = 0;
	int p[2];

	ASSERT_NE(NULL, buf);
	setup_data(_metadata, &self->t);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ((ssize_t)pagesz, splice(self->t.fd, &in, p[1], NULL, pagesz,
					  0));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pagesz, 2));
	ASSERT_EQ(0, read_full(p[0], buf, pagesz));
	TH_LOG("%s, %s: the pipe gives the %s bytes", kernel_release(),
	       variant->name,
	       pat_check(buf, pagesz, 0, 1) == PAT_OK ? "spliced" :
	       pat_check(buf, pagesz, 0, 2) == PAT_OK ? "later" : "mixed up");
	EXPECT_EQ(PAT_OK, pat_check(buf, pagesz, 0, later_expected ? 2 : 1));
	close(p[0]);
	close(p[1]);
	free(buf);
}

/*
 * copy_file_range() both ways.  tmpfs: a copy through the page cache.
 * The device: EINVAL, the VFS refuses anything but regular files.
 */
TEST_F(splice, copy_file_range_both_ways)
{
	bool dev = target_is_device(&self->t);
	size_t len = pages(5) + 11;
	loff_t a = 200, b = 30;
	ssize_t n;
	int other;

	setup_data(_metadata, &self->t);
	other = tmpfs_file();
	ASSERT_LE(0, other);

	errno = 0;
	n = copy_file_range(self->t.fd, &a, other, &b, len, 0);
	TH_LOG("%s -> tmpfs: %zd (%s)", variant->name, n, strerror(errno));
	if (dev) {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(200, a);
	} else {
		EXPECT_EQ((ssize_t)len, n);
		EXPECT_EQ((loff_t)(200 + len), a);
		EXPECT_EQ((loff_t)(30 + len), b);
		EXPECT_EQ(PAT_OK, pat_pcheck_as(other, 30, len, 200, 1));
	}

	ASSERT_EQ(0, pat_pwrite(other, 0, pages(NPAGES), 2));
	a = pages(10) + 3;
	b = 5;
	errno = 0;
	n = copy_file_range(other, &b, self->t.fd, &a, len, 0);
	TH_LOG("tmpfs -> %s: %zd (%s)", variant->name, n, strerror(errno));
	if (dev) {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(NPAGES), 1));
	} else {
		EXPECT_EQ((ssize_t)len, n);
		EXPECT_EQ(PAT_OK, pat_pcheck_as(self->t.fd, pages(10) + 3, len,
						5, 2));
		EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(10) + 3, 1));
	}
	EXPECT_EQ(0, lseek(self->t.fd, 0, SEEK_CUR));
	close(other);
}

CONFORM_MAIN()
