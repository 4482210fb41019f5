// SPDX-License-Identifier: GPL-2.0
/*
 * A memory error in a cached page, injected with madvise(MADV_HWPOISON)
 * (root, CONFIG_MEMORY_FAILURE): the page stays in the cache, marked
 * poisoned, as on tmpfs.  read() and write() of it fail with EIO instead
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

TEST_F(hwpoison, read_write_fail_with_eio_and_access_raises_sigbus)
{
	uint8_t buf[64], *p, *q;
	int i;

	ASSERT_EQ(0, target_set_size(&self->t, pages(NPAGES)));
	memset(buf, 'A', sizeof(buf));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ((ssize_t)sizeof(buf),
			  pwrite(self->t.fd, buf, sizeof(buf), pages(i)));
	p = map_target(&self->t, pages(NPAGES), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(p);
	ASSERT_EQ('A', p[pages(VICTIM)]);

	/*
	 * memory_failure() marks the page poisoned first.  It then calls
	 * the outcome "Failed" (EBUSY) on the device, because it expects
	 * only shmem to keep such a page in its cache; the page is poisoned
	 * all the same, which is what the checks below see.
	 */
	if (madvise(p + pages(VICTIM), pagesz, MADV_HWPOISON) &&
	    !(errno == EBUSY && target_is_device(&self->t))) {
		int err = errno;

		munmap(p, pages(NPAGES));
		SKIP(return, "madvise(MADV_HWPOISON): %s (needs root and CONFIG_MEMORY_FAILURE)",
		     strerror(err));
	}

	errno = 0;
	EXPECT_EQ(-1, pread(self->t.fd, buf, sizeof(buf), pages(VICTIM)));
	EXPECT_EQ(EIO, errno);
	errno = 0;
	EXPECT_EQ(-1, pwrite(self->t.fd, buf, sizeof(buf), pages(VICTIM)));
	EXPECT_EQ(EIO, errno);

	/* The old mapping and a new one both refuse the page. */
	EXPECT_EQ(SIGBUS, touch_in_child(p + pages(VICTIM)));
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
	munmap(p, pages(NPAGES));
}

CONFORM_MAIN()
