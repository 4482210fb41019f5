// SPDX-License-Identifier: GPL-2.0
/*
 * Soft-offlining the frame of a resident page
 * (/sys/devices/system/memory/soft_offline_page, which takes the physical
 * address): the kernel moves the page to another frame and retires the
 * old one.  The page's bytes must survive the move; a page cache that let
 * the kernel drop the page instead (it does that to a clean page no
 * process maps) would turn them into a hole of zeroes.
 *
 *  - not mapped: the page written with pwrite() and mapped only long
 *    enough to read its frame from /proc/self/pagemap;
 *  - mapped: a shared mapping of it stays in place across the move.
 *
 * Afterwards every byte reads back, the page lives in another frame (a
 * fresh mapping's pagemap entry), the old frame is marked poisoned in
 * /proc/kpageflags, the object holds as many pages as before and the
 * pages around it are untouched.  Root only (pagemap hides frame numbers
 * from others); skipped without the sysfs file (CONFIG_MEMORY_FAILURE and
 * CONFIG_MEMORY_HOTPLUG).  Each run retires two frames per variant, for
 * good.
 */
#include "conform.h"
#include "sysfile.h"

CONFORM_FIXTURE(softoffline);

#define SOFT_OFFLINE	"/sys/devices/system/memory/soft_offline_page"
#define NPAGES		3
#define VICTIM		1
#define KPF_HWPOISON	19

/* The frame of page @i of @t, through a mapping made for the purpose. */
static uint64_t frame_of(const struct target *t, int i)
{
	volatile uint8_t *m = map_target(t, pages(i + 1), PROT_READ,
					 MAP_SHARED, 0);
	uint64_t pfn;

	if (m == MAP_FAILED)
		return 0;
	(void)m[pages(i)];
	pfn = self_pfn((const void *)(m + pages(i)));
	munmap((void *)m, pages(i + 1));
	return pfn;
}

/* Soft-offline frame @pfn: 0 or an errno. */
static int soft_offline(uint64_t pfn)
{
	char buf[32];
	int fd, len, err = 0;

	fd = open(SOFT_OFFLINE, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	len = snprintf(buf, sizeof(buf), "%#llx",
		       (unsigned long long)(pfn * pagesz));
	if (write(fd, buf, len) != len)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

#define NEED_SOFT_OFFLINE() do {					\
	if (access(SOFT_OFFLINE, W_OK))					\
		SKIP(return, "%s: %s (needs root, CONFIG_MEMORY_FAILURE, CONFIG_MEMORY_HOTPLUG)", \
		     SOFT_OFFLINE, strerror(errno));			\
} while (0)

/* The bytes of every page are still generation @gen. */
#define EXPECT_ALL(gen) do {						\
	int __i;							\
	for (__i = 0; __i < NPAGES; __i++) {				\
		EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(__i),	\
					     pagesz, (gen)))		\
			TH_LOG("page %d", __i);				\
	}								\
} while (0)

TEST_F(softoffline, unmapped_page_moves_with_its_bytes)
{
	uint64_t old, now;
	long resident;
	int err;

	NEED_SOFT_OFFLINE();
	ASSERT_EQ(0, target_set_size(&self->t, pages(NPAGES)));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(NPAGES), 1));
	old = frame_of(&self->t, VICTIM);
	ASSERT_NE(0U, old) TH_LOG("no frame number in /proc/self/pagemap (root?)");
	resident = target_resident(&self->t);

	err = soft_offline(old);
	ASSERT_EQ(0, err) TH_LOG("soft-offlining frame %#llx: %s",
				 (unsigned long long)old, strerror(err));

	EXPECT_ALL(1);
	EXPECT_EQ(resident, target_resident(&self->t));
	now = frame_of(&self->t, VICTIM);
	EXPECT_NE(0U, now);
	EXPECT_NE(old, now) TH_LOG("the page is still in frame %#llx",
				   (unsigned long long)old);
	EXPECT_EQ(1, frame_poisoned(old));
	EXPECT_EQ(0, frame_poisoned(now));

	/* It is an ordinary page again: writes and reads work. */
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(VICTIM), pagesz, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(VICTIM), pagesz, 2));
}

TEST_F(softoffline, mapped_page_moves_under_the_mapping)
{
	uint64_t old, now;
	uint8_t *m, c = 0;
	int err;

	NEED_SOFT_OFFLINE();
	ASSERT_EQ(0, target_set_size(&self->t, pages(NPAGES)));
	m = map_target(&self->t, pages(NPAGES), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(m);
	pat_fill(m, pages(NPAGES), 0, 1);
	old = self_pfn(m + pages(VICTIM));
	ASSERT_NE(0U, old) TH_LOG("no frame number in /proc/self/pagemap (root?)");

	err = soft_offline(old);
	ASSERT_EQ(0, err) TH_LOG("soft-offlining frame %#llx: %s",
				 (unsigned long long)old, strerror(err));

	EXPECT_EQ(PAT_OK, pat_check(m, pages(NPAGES), 0, 1));
	EXPECT_ALL(1);
	now = self_pfn(m + pages(VICTIM));
	EXPECT_NE(0U, now);
	EXPECT_NE(old, now);
	EXPECT_EQ(now, frame_of(&self->t, VICTIM));
	EXPECT_EQ(1, frame_poisoned(old));

	/* The mapping and read() still see one page. */
	m[pages(VICTIM) + 9] ^= 0xff;
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(VICTIM), 9, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(VICTIM) + 10,
				     pagesz - 10, 1));
	EXPECT_EQ(1, pread(self->t.fd, &c, 1, pages(VICTIM) + 9));
	EXPECT_EQ((uint8_t)(pat_byte(pages(VICTIM) + 9, 1) ^ 0xff), c);
	munmap(m, pages(NPAGES));
}

CONFORM_MAIN()
