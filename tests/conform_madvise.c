// SPDX-License-Identifier: GPL-2.0
/*
 * Advice and residency: madvise() DONTNEED, WILLNEED, POPULATE_READ and
 * POPULATE_WRITE, MAP_POPULATE, and mincore(), for which pages in the
 * object's cache count as resident, mapped or not.
 */
#include "conform.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

CONFORM_FIXTURE(madvise);

#define NPAGES	4

/* Write pages 0 and 2 of NPAGES with generation 1; 1 and 3 stay holes. */
static int write_even_pages(const struct target *t)
{
	if (pat_pwrite(t->fd, 0, pagesz, 1) ||
	    pat_pwrite(t->fd, pages(2), pagesz, 1))
		return -1;
	return 0;
}

/* Expect @map to show write_even_pages()' data. */
#define EXPECT_EVEN_PAGES(map) do {					\
	EXPECT_EQ(PAT_OK, pat_check((map), pagesz, 0, 1));		\
	EXPECT_EQ(PAT_OK, zero_check((map) + pages(1), pagesz));	\
	EXPECT_EQ(PAT_OK, pat_check((map) + pages(2), pagesz, pages(2), 1)); \
	EXPECT_EQ(PAT_OK, zero_check((map) + pages(3), pagesz));	\
} while (0)

TEST_F(madvise, dontneed_shared_keeps_data)
{
	size_t len = pages(NPAGES);
	uint8_t *s;

	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	pat_fill(s, len, 0, 1);
	ASSERT_EQ(0, madvise(s, len, MADV_DONTNEED));
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	EXPECT_EQ(NPAGES, target_resident(&self->t));
}

TEST_F(madvise, dontneed_private_drops_copies)
{
	size_t len = pages(NPAGES);
	uint8_t *p;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	pat_fill(p, pages(2), 0, 2);
	ASSERT_EQ(0, madvise(p, pagesz, MADV_DONTNEED));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(p + pagesz, pagesz, pagesz, 2));

	/* Page 0 follows the object again, page 1 still does not. */
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 3));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 3));
	EXPECT_EQ(PAT_OK, pat_check(p + pagesz, pagesz, pagesz, 2));
	EXPECT_EQ(PAT_OK, pat_check(p + pages(2), pages(2), pages(2), 3));
}

TEST_F(madvise, willneed)
{
	size_t len = pages(NPAGES);
	uint8_t *s, *p;

	ASSERT_EQ(0, write_even_pages(&self->t));
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	EXPECT_EQ(0, madvise(s, len, MADV_WILLNEED));
	EXPECT_EQ(0, madvise(p, len, MADV_WILLNEED));
	EXPECT_EVEN_PAGES(s);
	EXPECT_EVEN_PAGES(p);
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(1), pagesz));
}

/* Populating faults the holes in: they become resident. */
TEST_F(madvise, populate_read)
{
	size_t len = pages(NPAGES);
	char buf[MINCORE_MAX + 1];
	uint8_t *s;

	ASSERT_EQ(0, write_even_pages(&self->t));
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	EXPECT_STREQ("1010", mincore_str(s, NPAGES, buf));
	ASSERT_EQ(0, madvise(s, len, MADV_POPULATE_READ));
	EXPECT_STREQ("1111", mincore_str(s, NPAGES, buf));
	EXPECT_EVEN_PAGES(s);
}

TEST_F(madvise, populate_write_shared)
{
	size_t len = pages(NPAGES);
	char buf[MINCORE_MAX + 1];
	uint8_t *s;

	ASSERT_EQ(0, write_even_pages(&self->t));
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	ASSERT_EQ(0, madvise(s, len, MADV_POPULATE_WRITE));
	EXPECT_STREQ("1111", mincore_str(s, NPAGES, buf));
	EXPECT_EVEN_PAGES(s);
	pat_fill(s + pages(1), pagesz, pages(1), 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(1), pagesz, 2));
}

/* Populating a private mapping for write copies every page. */
TEST_F(madvise, populate_write_private)
{
	size_t len = pages(NPAGES);
	uint8_t *p;

	ASSERT_EQ(0, write_even_pages(&self->t));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	ASSERT_EQ(0, madvise(p, len, MADV_POPULATE_WRITE));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 2));
	EXPECT_EVEN_PAGES(p);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 2));
}

TEST_F(madvise, populate_past_end)
{
	uint8_t *s;

	ASSERT_EQ(0, target_set_size(&self->t, pages(2)));
	s = map_target(&self->t, pages(4), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	errno = 0;
	EXPECT_EQ(-1, madvise(s, pages(4), MADV_POPULATE_READ));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, madvise(s, pages(4), MADV_POPULATE_WRITE));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, madvise(s, pages(2), MADV_POPULATE_WRITE));
}

/* mincore() reports the object's cache, not just this process's PTEs. */
TEST_F(madvise, mincore_follows_cache)
{
	size_t len = pages(NPAGES);
	char buf[MINCORE_MAX + 1];
	uint8_t *s, *p;

	ASSERT_EQ(0, write_even_pages(&self->t));
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	EXPECT_STREQ("1010", mincore_str(s, NPAGES, buf));
	EXPECT_STREQ("1010", mincore_str(p, NPAGES, buf));

	/* A read fault on a hole of a shared mapping fills it. */
	EXPECT_EQ(PAT_OK, zero_check(s + pages(1), pagesz));
	EXPECT_STREQ("1110", mincore_str(s, NPAGES, buf));
	EXPECT_STREQ("1110", mincore_str(p, NPAGES, buf));

	ASSERT_EQ(0, target_punch(&self->t, 0, pagesz));
	EXPECT_STREQ("0110", mincore_str(s, NPAGES, buf));
	ASSERT_EQ(0, target_set_size(&self->t, pages(2)));
	EXPECT_STREQ("0100", mincore_str(s, NPAGES, buf));
	EXPECT_STREQ("0100", mincore_str(p, NPAGES, buf));
}

TEST_F(madvise, map_populate)
{
	size_t len = pages(NPAGES);
	char buf[MINCORE_MAX + 1];
	uint8_t *s, *p, *r;
	int flags = MAP_POPULATE;

	ASSERT_EQ(0, write_even_pages(&self->t));
	s = map_target(&self->t, len, RW, MAP_SHARED | flags, 0);
	ASSERT_MAPPED(s);
	EXPECT_STREQ("1111", mincore_str(s, NPAGES, buf));
	EXPECT_EVEN_PAGES(s);

	/* Writable private: every page copied; read-only: none. */
	p = map_target(&self->t, len, RW, MAP_PRIVATE | flags, 0);
	r = map_target(&self->t, len, PROT_READ, MAP_PRIVATE | flags, 0);
	ASSERT_MAPPED(p);
	ASSERT_MAPPED(r);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 2));
	EXPECT_EVEN_PAGES(p);
	EXPECT_EQ(PAT_OK, pat_check(r, len, 0, 2));
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 2));
}

CONFORM_MAIN()
