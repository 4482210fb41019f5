// SPDX-License-Identifier: GPL-2.0
/*
 * Locked mappings: mlock() and MAP_LOCKED fault every page in and count
 * it in VmLck (which they would not for a VM_IO / VM_PFNMAP mapping);
 * munlock() gives it back.
 */
#include "conform.h"

CONFORM_FIXTURE(mlock);

#define NPAGES	4

/* VmLck of this process in kB, or -1. */
static long vm_locked_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* @n pages in kB, as /proc/self/status counts them. */
#define KB(n)	((long)(pages(n) / 1024))

TEST_F(mlock, mlock_munlock)
{
	size_t len = pages(NPAGES);
	char buf[MINCORE_MAX + 1];
	long before = vm_locked_kb();
	uint8_t *s;

	ASSERT_LE(0, before);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pagesz, 1));
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	EXPECT_STREQ("1000", mincore_str(s, NPAGES, buf));

	ASSERT_EQ(0, mlock(s, len));
	EXPECT_EQ(before + KB(NPAGES), vm_locked_kb());
	EXPECT_STREQ("1111", mincore_str(s, NPAGES, buf));
	EXPECT_EQ(PAT_OK, pat_check(s, pagesz, 0, 1));
	EXPECT_EQ(PAT_OK, zero_check(s + pagesz, len - pagesz));
	pat_fill(s, len, 0, 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 2));

	ASSERT_EQ(0, munlock(s, len));
	EXPECT_EQ(before, vm_locked_kb());
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 2));
}

TEST_F(mlock, map_locked)
{
	size_t len = pages(NPAGES);
	char buf[MINCORE_MAX + 1];
	long before = vm_locked_kb();
	uint8_t *s;

	ASSERT_LE(0, before);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pagesz, 1));
	s = map_target(&self->t, len, RW, MAP_SHARED | MAP_LOCKED, 0);
	ASSERT_MAPPED(s);
	EXPECT_EQ(before + KB(NPAGES), vm_locked_kb());
	EXPECT_STREQ("1111", mincore_str(s, NPAGES, buf));
	EXPECT_EQ(PAT_OK, pat_check(s, pagesz, 0, 1));
	ASSERT_EQ(0, munmap(s, len));
	EXPECT_EQ(before, vm_locked_kb());
}

/* Locking a writable private mapping copies every page. */
TEST_F(mlock, mlock_private_copies)
{
	size_t len = pages(NPAGES);
	uint8_t *p;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	ASSERT_EQ(0, mlock(p, len));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 2));
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	ASSERT_EQ(0, munlock(p, len));
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
}

/* Pages past the end cannot be faulted in: ENOMEM, the rest is locked. */
TEST_F(mlock, mlock_past_end)
{
	char buf[MINCORE_MAX + 1];
	uint8_t *s, v;

	ASSERT_EQ(0, target_set_size(&self->t, pages(2)));
	s = map_target(&self->t, pages(4), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	errno = 0;
	EXPECT_EQ(-1, mlock(s, pages(4)));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_STREQ("1100", mincore_str(s, 4, buf));
	EXPECT_EQ(SIGBUS, probe_read(s + pages(2), &v));
	EXPECT_EQ(0, munlock(s, pages(4)));
}

CONFORM_MAIN()
