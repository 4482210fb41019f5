// SPDX-License-Identifier: GPL-2.0
/*
 * The backing file's error paths (issue 13):
 *
 *   full file system  the backing file on a 1 MiB tmpfs with one page taken
 *                     (so that the space ends inside a run of pages that
 *                     writeback writes at once), the device 2 MiB:
 *                     write() fills the cache (all of it succeeds), fsync
 *                     fails with ENOSPC, every byte is still readable from
 *                     the device, and each page is either written or still
 *                     dirty; unloading then loses the unwritable pages but
 *                     returns
 *   short file        the file truncated behind the device's back after an
 *                     eviction (POSIX_FADV_DONTNEED, which drains the
 *                     per-CPU LRU batches, unlike VMDEMO_IOC_EVICT: see
 *                     backing_evict): a page past its end raises SIGBUS when
 *                     touched (faults_sigbus +1) and read() fails with EIO,
 *                     never zeroes; a page within it reads back; once the
 *                     file has the bytes again, the page the failed read
 *                     left in the cache is read again (a major fault)
 *   bad paths         a directory (EISDIR: it is opened for writing),
 *                     /dev/null (EINVAL), a file in a directory that does
 *                     not exist (ENOENT), an existing file larger than
 *                     size= (EINVAL, the file left alone), a file others
 *                     may read (EACCES), a file open for writing elsewhere
 *                     (EBUSY; loads once it is closed): the load fails,
 *                     the module is not loaded, the kernel log says why
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bfixture.h"
#include "modload.h"
#include "pattern.h"
#include "probe.h"
#include "sysfile.h"

#define SMALL_DIR	"/mnt/small"
#define SMALL_FILE	SMALL_DIR "/backing"

/* ---- a full file system ---- */

#define SMALL_FILLER	SMALL_DIR "/filler"

static int small_filler(void)
{
	int fd = open(SMALL_FILLER, O_WRONLY | O_CREAT | O_CLOEXEC, 0600), ret;

	if (fd < 0)
		return -1;
	ret = pat_pwrite(fd, 0, pagesz, 9);
	close(fd);
	return ret;
}

FIXTURE(full) {
	bool mounted;
	int fd;
};

FIXTURE_SETUP(full)
{
	int err;

	self->mounted = false;
	self->fd = -1;
	if (geteuid() || !vmdemo_loaded() || !backing_supported())
		SKIP(_exit(BOBJ_SKIP_EXIT), "needs root and a vmdemo with backing= (issue 13)");
	mkdir(SMALL_DIR, 0755);
	ASSERT_EQ(0, mount("small", SMALL_DIR, "tmpfs", 0, "size=1M"))
		TH_LOG("mount -t tmpfs -o size=1M %s: %s", SMALL_DIR, strerror(errno));
	self->mounted = true;
	/*
	 * One page taken, so that the space ends inside a run of pages that
	 * writeback writes in one I/O: a short write, which must still come
	 * back as ENOSPC.
	 */
	ASSERT_EQ(0, small_filler()) TH_LOG("%s: %s", SMALL_FILLER, strerror(errno));
	err = backing_load(SMALL_FILE, "size=2097152");
	ASSERT_EQ(0, err) TH_LOG("load backing=%s size=2097152: %s", SMALL_FILE,
				 strerror(err));
	self->fd = open(vmdemo_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(full)
{
	int err;

	if (self->fd >= 0)
		close(self->fd);
	err = vmdemo_restore();
	if (err)
		fprintf(stderr, "# loading vmdemo as the suite did: %s\n", strerror(err));
	if (self->mounted && umount(SMALL_DIR))
		fprintf(stderr, "# umount %s: %s\n", SMALL_DIR, strerror(errno));
}

TEST_F(full, fsync_reports_enospc_and_the_cache_keeps_the_data)
{
	const size_t n = 2097152 / pagesz;
	struct bcounters b;
	uint8_t *p;

	ASSERT_EQ(0, pat_pwrite(self->fd, 0, pages(n), 1));
	errno = 0;
	EXPECT_EQ(-1, fsync(self->fd));
	EXPECT_EQ(ENOSPC, errno) TH_LOG("fsync: %s", strerror(errno));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->fd, 0, pages(n), 1));
	p = mmap(NULL, pages(n), PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(PAT_OK, pat_check(p, pages(n), 0, 1));
	munmap(p, pages(n));
	ASSERT_EQ(0, bcounters_read(&b));
	EXPECT_LT(0U, b.v[B_PAGES_DIRTY]);
	EXPECT_GT(n, b.v[B_PAGES_WRITTEN]);
	EXPECT_EQ(n, b.v[B_PAGES_WRITTEN] + b.v[B_PAGES_DIRTY])
		TH_LOG("written %llu, dirty %llu",
		       (unsigned long long)b.v[B_PAGES_WRITTEN],
		       (unsigned long long)b.v[B_PAGES_DIRTY]);
}

/* ---- a file shortened behind the device's back ---- */

BDEV_FIXTURE(shortened, 16, "readahead=0")

TEST_F(shortened, past_the_end_is_sigbus_and_eio)
{
	struct counters c0, c1;
	struct bcounters b0, b1;
	unsigned char vec[16];
	uint8_t *p, v = 0;
	char buf[64];
	int i, fd;

	ASSERT_EQ(0, pat_pwrite(self->o.fd, 0, pages(16), 1));
	ASSERT_EQ(0, fsync(self->o.fd));
	ASSERT_EQ(0, posix_fadvise(self->o.fd, 0, 0, POSIX_FADV_DONTNEED));
	ASSERT_EQ(0, truncate(self->o.file, pages(4)));

	p = mmap(NULL, pages(16), PROT_READ, MAP_SHARED, self->o.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mincore(p, pages(16), vec));
	for (i = 0; i < 16; i++)
		EXPECT_EQ(0, vec[i] & 1) TH_LOG("page %d still cached", i);
	ASSERT_EQ(0, counters_read(&c0));
	EXPECT_EQ(SIGBUS, probe_read(p + pages(8), &v));
	ASSERT_EQ(0, counters_read(&c1));
	EXPECT_EQ(1U, CDELTA(c1, c0, C_FAULTS_SIGBUS));
	errno = 0;
	EXPECT_EQ(-1, pread(self->o.fd, buf, sizeof(buf), pages(8)));
	EXPECT_EQ(EIO, errno);
	/* Within the file: the bytes. */
	EXPECT_EQ(0, probe_read(p + pages(2), &v));
	EXPECT_EQ(pat_byte(pages(2), 1), v);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, pages(3), pages(1), 1));

	/*
	 * The failed read left page 8 in the cache, empty (mincore() does
	 * not show it: it reports uptodate pages).  Once the file has the
	 * bytes again (behind the device's back), the next access reads
	 * that page again, allocating none: a major fault with the bytes.
	 */
	fd = open(self->o.file, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pat_pwrite(fd, pages(8), pages(1), 1));
	close(fd);
	ASSERT_EQ(0, counters_read(&c0));
	ASSERT_EQ(0, bcounters_read(&b0));
	EXPECT_EQ(0, probe_read(p + pages(8), &v));
	EXPECT_EQ(pat_byte(pages(8), 1), v);
	ASSERT_EQ(0, counters_read(&c1));
	ASSERT_EQ(0, bcounters_read(&b1));
	EXPECT_EQ(1U, CDELTA(c1, c0, C_FAULTS));
	EXPECT_EQ(0U, CDELTA(c1, c0, C_PAGES_ALLOCATED));
	EXPECT_EQ(1U, BDELTA(b1, b0, B_FAULTS_MAJOR));
	EXPECT_EQ(1U, BDELTA(b1, b0, B_PAGES_READ));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->o.fd, pages(8), pages(1), 1));
	munmap(p, pages(16));
}

/* ---- bad paths ---- */

/* Load with @params and expect @err, with a kernel log line naming @path. */
static void expect_refused(struct __test_metadata *_metadata, const char *path,
			   const char *params, int err)
{
	char load[2 * PATH_MAX], rec[1024], want[PATH_MAX + 32];
	bool logged = false;
	ssize_t n;
	int kmsg, got;

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));
	snprintf(load, sizeof(load), "backing=%s %s", path, params);
	got = vmdemo_reload(load);
	EXPECT_EQ(err, got) TH_LOG("load %s: %s", load, strerror(got));
	EXPECT_FALSE(vmdemo_loaded());
	EXPECT_NE(0, access(vmdemo_dev(), F_OK));
	snprintf(want, sizeof(want), "vmdemo: backing=%s", path);
	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0 || errno == EPIPE) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		logged |= !!strstr(rec, want);
	}
	close(kmsg);
	EXPECT_TRUE(logged) TH_LOG("no kernel log line with \"%s\"", want);
}

FIXTURE(badpath) {
	bool skip;
	char big[PATH_MAX];
};

FIXTURE_SETUP(badpath)
{
	self->skip = true;
	if (geteuid() || !vmdemo_loaded() || !backing_supported())
		SKIP(_exit(BOBJ_SKIP_EXIT), "needs root and a vmdemo with backing= (issue 13)");
	self->skip = false;
	snprintf(self->big, sizeof(self->big), "%s/badpath.big", backing_dir());
}

FIXTURE_TEARDOWN(badpath)
{
	int err;

	if (self->skip)
		return;
	err = vmdemo_restore();
	if (err)
		fprintf(stderr, "# loading vmdemo as the suite did: %s\n", strerror(err));
	unlink(self->big);
}

TEST_F(badpath, directory)
{
	expect_refused(_metadata, backing_dir(), "", EISDIR);
}

TEST_F(badpath, dev_null)
{
	expect_refused(_metadata, "/dev/null", "", EINVAL);
}

TEST_F(badpath, directory_that_does_not_exist)
{
	expect_refused(_metadata, "/no/such/dir/backing", "", ENOENT);
}

TEST_F(badpath, file_larger_than_size)
{
	const char *path = self->big;
	char params[64];
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pat_pwrite(fd, 0, pages(8), 1));
	close(fd);
	snprintf(params, sizeof(params), "size=%zu", pages(4));
	expect_refused(_metadata, path, params, EINVAL);
	/* The file is left as it was. */
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ((off_t)pages(8), st.st_size);
}

TEST_F(badpath, file_others_may_read)
{
	int fd;

	fd = open(self->big, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0644));
	close(fd);
	expect_refused(_metadata, self->big, "", EACCES);
}

TEST_F(badpath, file_open_for_writing_elsewhere)
{
	int fd;

	fd = open(self->big, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, pages(4)));
	expect_refused(_metadata, self->big, "", EBUSY);
	/* Open only for reading, it is not in use as a store. */
	close(fd);
	fd = open(self->big, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, backing_load(self->big, ""));
	close(fd);
}

BACKING_MAIN()
