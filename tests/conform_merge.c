// SPDX-License-Identifier: GPL-2.0
/*
 * VMA merging: neighbouring mappings of the object with the same flags and
 * contiguous offsets become one VMA, exactly as on a tmpfs file.  Each
 * case counts the VMAs of /proc/self/maps that cover the range, and the
 * tmpfs count (1) is expected on both variants:
 *
 *   - mprotect(PROT_READ) of the middle page of three, then back to RW;
 *   - mlock() of the middle page, then munlock();
 *   - a second mmap() of the same fd right after the first, at the next
 *     offset, with MAP_FIXED or as a hint;
 *   - mremap() growing in place into free space, and growing up to a
 *     following mapping of the next offsets;
 *   - 2000 pages mapped one at a time at consecutive addresses and
 *     offsets: one VMA, where separate ones would hit vm.max_map_count
 *     (lowered to 1000 for the test; 65530 by default) with ENOMEM.
 *
 * A vm_operations_struct with .close keeps the core mm from merging VMAs
 * (it cannot call .close for the one that would disappear), so the module
 * has none unless it is loaded with count_closes=Y.  The device-only test
 * checks that parameter's default: vma_closes stays 0 across munmap().
 *
 * Mappings may reach past the end of the object (16 pages): nothing
 * touches those pages, which would raise SIGBUS.
 */
#include "conform.h"
#include "sysfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "counters.h"

CONFORM_FIXTURE(merge);

#define COUNT_CLOSES	"/sys/module/vmdemo/parameters/count_closes"
#define MANY_PAGES	2000UL	/* twice MAP_COUNT_LIMIT, below */

/*
 * Loaded with count_closes=Y, the device's mappings have a .close and do
 * not merge, by design; that mode is tested elsewhere.
 */
#define NEED_MERGING() do {						\
	if (target_is_device(&self->t) && counters_closes(1))		\
		SKIP(return, "%s.%s.%s: count_closes=Y: no merging",	\
		     _metadata->fixture->name, variant->name,		\
		     _metadata->name);					\
} while (0)

/* VMAs in /proc/self/maps that overlap [@addr, @addr + @len), or -1. */
static int vmas_in(const void *addr, size_t len)
{
	unsigned long lo = (unsigned long)addr, hi = lo + len, s, e;
	size_t cap = 0;
	char *line = NULL;
	int n = 0;
	FILE *f;

	f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%lx-%lx", &s, &e) != 2) {
			n = -1;
			break;
		}
		if (s < hi && e > lo)
			n++;
	}
	free(line);
	fclose(f);
	return n;
}

/*
 * @len bytes of address space nobody uses, kept by a PROT_NONE anonymous
 * mapping that MAP_FIXED mappings then replace piece by piece.
 */
static uint8_t *reserve(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Map @n pages of @t from page @pg exactly at @addr. */
static uint8_t *map_fixed(const struct target *t, uint8_t *addr, size_t n,
			  size_t pg)
{
	return mmap(addr, pages(n), RW, MAP_SHARED | MAP_FIXED, t->fd,
		    pages(pg));
}

TEST_F(merge, mprotect_middle_and_back)
{
	uint8_t *s;

	NEED_MERGING();

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(3), 1));
	s = map_target(&self->t, pages(3), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	EXPECT_EQ(1, vmas_in(s, pages(3)));
	ASSERT_EQ(0, mprotect(s + pagesz, pagesz, PROT_READ));
	EXPECT_EQ(3, vmas_in(s, pages(3)));
	ASSERT_EQ(0, mprotect(s + pagesz, pagesz, RW));
	EXPECT_EQ(1, vmas_in(s, pages(3)));
	/* The merged VMA still maps each page at its own offset. */
	EXPECT_EQ(PAT_OK, pat_check(s, pages(3), 0, 1));
	pat_fill(s + pagesz, pagesz, pagesz, 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pagesz, pagesz, 2));
	EXPECT_EQ(0, munmap(s, pages(3)));
}

TEST_F(merge, mlock_middle_and_back)
{
	uint8_t *s;

	NEED_MERGING();

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(3), 1));
	s = map_target(&self->t, pages(3), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	ASSERT_EQ(0, mlock(s + pagesz, pagesz));
	EXPECT_EQ(3, vmas_in(s, pages(3)));
	ASSERT_EQ(0, munlock(s + pagesz, pagesz));
	EXPECT_EQ(1, vmas_in(s, pages(3)));
	EXPECT_EQ(PAT_OK, pat_check(s, pages(3), 0, 1));
	EXPECT_EQ(0, munmap(s, pages(3)));
}

TEST_F(merge, adjacent_mmap_fixed)
{
	uint8_t *r = reserve(pages(4));

	NEED_MERGING();

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(4), 1));
	ASSERT_EQ(r, map_fixed(&self->t, r, 2, 0));
	ASSERT_EQ(r + pages(2), map_fixed(&self->t, r + pages(2), 2, 2));
	EXPECT_EQ(1, vmas_in(r, pages(4)));
	EXPECT_EQ(PAT_OK, pat_check(r, pages(4), 0, 1));
	EXPECT_EQ(0, munmap(r, pages(4)));
}

/* The second mapping placed by a hint: the kernel takes the free spot. */
TEST_F(merge, adjacent_mmap_hint)
{
	uint8_t *r = reserve(pages(4)), *s;

	NEED_MERGING();

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(4), 1));
	ASSERT_EQ(r, map_fixed(&self->t, r, 2, 0));
	ASSERT_EQ(0, munmap(r + pages(2), pages(2)));
	s = mmap(r + pages(2), pages(2), RW, MAP_SHARED, self->t.fd,
		 pages(2));
	ASSERT_MAPPED(s);
	ASSERT_EQ(r + pages(2), s) TH_LOG("the hint was not taken");
	EXPECT_EQ(1, vmas_in(r, pages(4)));
	EXPECT_EQ(PAT_OK, pat_check(r, pages(4), 0, 1));
	EXPECT_EQ(0, munmap(r, pages(4)));
}

/* Growing into free address space, without MREMAP_MAYMOVE. */
TEST_F(merge, mremap_grow_in_place)
{
	uint8_t *r = reserve(pages(4)), *n;

	NEED_MERGING();

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(4), 1));
	ASSERT_EQ(r, map_fixed(&self->t, r, 2, 0));
	ASSERT_EQ(0, munmap(r + pages(2), pages(2)));
	n = mremap(r, pages(2), pages(4), 0);
	ASSERT_EQ(r, n);
	EXPECT_EQ(1, vmas_in(r, pages(4)));
	EXPECT_EQ(PAT_OK, pat_check(r, pages(4), 0, 1));
	EXPECT_EQ(0, munmap(r, pages(4)));
}

/*
 * Growing up to a mapping of the following offsets: the three pieces
 * (old, extension, next) become one VMA.
 */
TEST_F(merge, mremap_grow_to_next)
{
	uint8_t *r = reserve(pages(6)), *n;

	NEED_MERGING();

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(6), 1));
	ASSERT_EQ(r, map_fixed(&self->t, r, 2, 0));
	ASSERT_EQ(r + pages(4), map_fixed(&self->t, r + pages(4), 2, 4));
	ASSERT_EQ(0, munmap(r + pages(2), pages(2)));
	EXPECT_EQ(2, vmas_in(r, pages(6)));
	n = mremap(r, pages(2), pages(4), 0);
	ASSERT_EQ(r, n);
	EXPECT_EQ(1, vmas_in(r, pages(6)));
	EXPECT_EQ(PAT_OK, pat_check(r, pages(6), 0, 1));
	EXPECT_EQ(0, munmap(r, pages(6)));
}

/*
 * More one-page mappings than vm.max_map_count allows VMAs: each one
 * merges with the one before, so all fit.  The limit is lowered for the
 * test (to MAP_COUNT_LIMIT, put back before anything is checked), so that
 * the loop stays short on a slow kernel; without merging, the mmap()
 * calls fail with ENOMEM once the process has that many VMAs.
 */
#define MAX_MAP_COUNT	"/proc/sys/vm/max_map_count"
#define MAP_COUNT_LIMIT	1000

TEST_F(merge, many_single_pages)
{
	uint8_t *r = reserve(pages(MANY_PAGES)), *s = NULL;
	char limit[24];
	long saved;
	unsigned long i;
	int err = 0;

	NEED_MERGING();

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(CONFORM_PAGES), 1));
	saved = sysfile_long(MAX_MAP_COUNT, -1);
	ASSERT_LT(MAP_COUNT_LIMIT, saved);
	snprintf(limit, sizeof(limit), "%d", MAP_COUNT_LIMIT);
	ASSERT_EQ(0, sysfile_puts(MAX_MAP_COUNT, limit));
	for (i = 0; i < MANY_PAGES; i++) {
		s = map_fixed(&self->t, r + pages(i), 1, i);
		if (s != r + pages(i)) {
			err = errno;
			break;
		}
	}
	snprintf(limit, sizeof(limit), "%ld", saved);
	ASSERT_EQ(0, sysfile_puts(MAX_MAP_COUNT, limit));
	EXPECT_EQ(MANY_PAGES, i) {
		TH_LOG("mmap() of page %lu failed: %s (%d VMAs so far)", i,
		       s == MAP_FAILED ? strerror(err) : "moved",
		       vmas_in(r, pages(MANY_PAGES)));
	}
	EXPECT_EQ(1, vmas_in(r, pages(MANY_PAGES)));
	/* Offsets are right at both ends of the object's pages. */
	EXPECT_EQ(PAT_OK, pat_check(r, pages(CONFORM_PAGES), 0, 1));
	EXPECT_EQ(0, munmap(r, pages(MANY_PAGES)));
}

/* The contents of a sysfs file, without the newline, in @buf. */
static int read_param(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/*
 * count_closes: a read-only bool, N by default.  With N the driver has no
 * .close, so vma_closes stays 0 however mappings end; the mmap() itself is
 * counted, so the counters are live.
 */
TEST_F(merge, count_closes_default_off)
{
	struct counters c;
	struct stat st;
	char val[16];
	uint8_t *s;

	DEVICE_ONLY("a module parameter");
	ASSERT_EQ(0, stat(COUNT_CLOSES, &st)) {
		TH_LOG("%s: %s", COUNT_CLOSES, strerror(errno));
	}
	EXPECT_EQ(0444U, st.st_mode & 07777);
	ASSERT_EQ(0, read_param(COUNT_CLOSES, val, sizeof(val)));
	if (!strcmp(val, "Y"))
		SKIP(return, "the module was loaded with count_closes=Y");
	ASSERT_STREQ("N", val);

	ASSERT_EQ(0, counters_reset());
	s = map_target(&self->t, pages(3), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	s[0] = 1;
	ASSERT_EQ(0, munmap(s + pagesz, pagesz));	/* a split */
	ASSERT_EQ(0, munmap(s, pages(3)));
	ASSERT_EQ(0, counters_read(&c));
	EXPECT_EQ(1UL, c.v[C_MMAPS]);
	EXPECT_EQ(0UL, c.v[C_VMA_CLOSES]);
}

CONFORM_MAIN()
