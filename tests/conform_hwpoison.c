// SPDX-License-Identifier: GPL-2.0
/*
 * A memory error in a cached page, injected with madvise(MADV_HWPOISON)
 * (root, CONFIG_MEMORY_FAILURE): without a backing file the page stays in
 * the cache, marked poisoned, as on tmpfs.  read() and write() of it fail with EIO instead
 * of handing out or overwriting the broken bytes, an access through a
 * mapping raises SIGBUS, and the pages around it are untouched.
 *
 * The injection only marks the page; the memory itself is fine, so
 * nothing here can crash the machine.  The page is lost to the VM for
 * good, which is why this runs only in the test VM.
 */
#include "conform.h"

#include <sys/wait.h>

CONFORM_FIXTURE(hwpoison);

#define NPAGES	4
#define VICTIM	1

/* Touch one byte of @p in a child; return the signal that ended it, or 0. */
static int touch_in_child(volatile uint8_t *p)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		(void)*p;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/*
 * Poison page @victim of @t from a child that maps and touches it.  Newer
 * kernels (seen on 6.12) also send the injecting process SIGBUS, as if it
 * had consumed the error, so the child takes that and the test does not.
 * memory_failure() marks the page poisoned first; it then calls the
 * outcome "Failed" (EBUSY) on the device, because it expects only shmem
 * to keep such a page in its cache.  The page is poisoned all the same.
 *
 * Return: 0 if the page is poisoned, else the errno madvise() gave.
 */
static int poison_in_child(const struct target *t, int victim)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		volatile uint8_t *c = map_target(t, pages(victim + 1), RW,
						 MAP_SHARED, 0);

		if (c == MAP_FAILED)
			_exit(100);
		(void)c[pages(victim)];
		if (!madvise((void *)(c + pages(victim)), pagesz, MADV_HWPOISON))
			_exit(0);
		_exit(errno == EBUSY && target_is_device(t) ? 0 :
		      errno < 100 ? errno : 100);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return ECHILD;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGBUS ? 0 : ECHILD;
	return WEXITSTATUS(status);
}

TEST_F(hwpoison, read_write_fail_with_eio_and_access_raises_sigbus)
{
	uint8_t buf[64], *q;
	int i, err;

	RAM_ONLY("with a backing file the page leaves the cache (backed_page_is_dropped)");
	ASSERT_EQ(0, target_set_size(&self->t, pages(NPAGES)));
	memset(buf, 'A', sizeof(buf));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ((ssize_t)sizeof(buf),
			  pwrite(self->t.fd, buf, sizeof(buf), pages(i)));

	err = poison_in_child(&self->t, VICTIM);
	if (err)
		SKIP(return, "madvise(MADV_HWPOISON): %s (needs root and CONFIG_MEMORY_FAILURE)",
		     strerror(err));

	errno = 0;
	EXPECT_EQ(-1, pread(self->t.fd, buf, sizeof(buf), pages(VICTIM)));
	EXPECT_EQ(EIO, errno);
	errno = 0;
	EXPECT_EQ(-1, pwrite(self->t.fd, buf, sizeof(buf), pages(VICTIM)));
	EXPECT_EQ(EIO, errno);

	/* A new mapping refuses the page. */
	q = map_target(&self->t, pages(NPAGES), PROT_READ, MAP_SHARED, 0);
	ASSERT_MAPPED(q);
	EXPECT_EQ(SIGBUS, touch_in_child(q + pages(VICTIM)));

	/* Its neighbours keep their bytes, by read() and by mapping. */
	for (i = 0; i < NPAGES; i++) {
		if (i == VICTIM)
			continue;
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ((ssize_t)sizeof(buf),
			  pread(self->t.fd, buf, sizeof(buf), pages(i)));
		EXPECT_EQ('A', buf[sizeof(buf) - 1]) TH_LOG("page %d", i);
		EXPECT_EQ('A', q[pages(i)]) TH_LOG("page %d, mapped", i);
	}
	munmap(q, pages(NPAGES));
}

/*
 * With a backing file, a poisoned page leaves the cache, as on a disk file
 * system: a clean page's bytes come back from the file; a dirty page's
 * last bytes are lost, and the next fsync() says so (EIO), once.
 */
TEST_F(hwpoison, backed_page_is_dropped)
{
	uint8_t buf[64];
	int i, err;

	DEVICE_ONLY("the backing file");
	if (!vmdemo_backed())
		SKIP(return, "the device has no backing file");
	ASSERT_EQ(0, target_set_size(&self->t, pages(NPAGES)));
	memset(buf, 'A', sizeof(buf));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ((ssize_t)sizeof(buf),
			  pwrite(self->t.fd, buf, sizeof(buf), pages(i)));
	ASSERT_EQ(0, fsync(self->t.fd));
	/* The victim dirty again, with bytes the file never gets. */
	memset(buf, 'B', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf),
		  pwrite(self->t.fd, buf, sizeof(buf), pages(VICTIM)));

	err = poison_in_child(&self->t, VICTIM);
	if (err)
		SKIP(return, "madvise(MADV_HWPOISON): %s (needs root and CONFIG_MEMORY_FAILURE)",
		     strerror(err));

	errno = 0;
	EXPECT_EQ(-1, fsync(self->t.fd));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, fsync(self->t.fd));
	for (i = 0; i < NPAGES; i++) {
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ((ssize_t)sizeof(buf),
			  pread(self->t.fd, buf, sizeof(buf), pages(i)));
		/* The victim reads what the file has: the older 'A's. */
		EXPECT_EQ('A', buf[sizeof(buf) - 1]) TH_LOG("page %d", i);
	}
}

CONFORM_MAIN()
