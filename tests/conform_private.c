// SPDX-License-Identifier: GPL-2.0
/*
 * Private mappings are copy-on-write: a process's writes reach neither the
 * object nor anybody else; a page it has not written keeps showing what
 * others write to the object, a page it has written stops showing it.
 */
#include "conform.h"

CONFORM_FIXTURE(private);

#define NPAGES	8

TEST_F(private, writes_stay_private)
{
	size_t len = pages(NPAGES);
	uint8_t *p, *p2, *s;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	p2 = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(p);
	ASSERT_MAPPED(p2);
	ASSERT_MAPPED(s);
	/* Fault the other two in first, so they hold the pages. */
	EXPECT_EQ(PAT_OK, pat_check(p2, len, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));

	pat_fill(p, len, 0, 2);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(p2, len, 0, 1));
}

/* Pages read or never touched follow write(). */
TEST_F(private, unwritten_page_follows_write)
{
	size_t len = pages(NPAGES), half = len / 2;
	uint8_t *p;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	EXPECT_EQ(PAT_OK, pat_check(p, half, 0, 1));

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 2));
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 2));
}

/* Pages read follow writes through a shared mapping. */
TEST_F(private, unwritten_page_follows_shared_mapping)
{
	size_t len = pages(NPAGES);
	uint8_t *p, *s;

	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(p);
	ASSERT_MAPPED(s);
	pat_fill(s, len, 0, 1);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	pat_fill(s, len, 0, 2);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 2));
}

/*
 * Writing one byte copies the whole page as it was then; that page no
 * longer follows the object, its neighbours still do.
 */
TEST_F(private, written_page_stops_following)
{
	size_t len = pages(NPAGES);
	uint8_t mine = pat_byte(100, 9);
	uint8_t *p, *s;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(p);
	ASSERT_MAPPED(s);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	p[100] = mine;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 2));
	EXPECT_EQ(PAT_OK, pat_check(p, 100, 0, 1));
	EXPECT_EQ(mine, p[100]);
	EXPECT_EQ(PAT_OK, pat_check(p + 101, pagesz - 101, 101, 1));
	EXPECT_EQ(PAT_OK, pat_check(p + pagesz, len - pagesz, pagesz, 2));

	pat_fill(s, len, 0, 3);
	EXPECT_EQ(PAT_OK, pat_check(p, 100, 0, 1));
	EXPECT_EQ(mine, p[100]);
	EXPECT_EQ(PAT_OK, pat_check(p + pagesz, len - pagesz, pagesz, 3));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 3));
}

/* The copy is made from what the object holds when the write happens. */
TEST_F(private, copy_takes_current_data)
{
	size_t len = pages(NPAGES);
	uint8_t *p;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 2));
	p[pagesz + 5] = pat_byte(pagesz + 5, 9);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 3));

	EXPECT_EQ(PAT_OK, pat_check(p + pagesz, 5, pagesz, 2));
	EXPECT_EQ(pat_byte(pagesz + 5, 9), p[pagesz + 5]);
	EXPECT_EQ(PAT_OK, pat_check(p + pagesz + 6, pagesz - 6, pagesz + 6,
				    2));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 3));
	EXPECT_EQ(PAT_OK, pat_check(p + pages(2), len - pages(2), pages(2),
				    3));
}

/* A hole reads as zero; writing it privately leaves the object's zeros. */
TEST_F(private, write_to_hole)
{
	size_t len = pages(NPAGES);
	uint8_t *p, *s;

	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(p);
	ASSERT_MAPPED(s);
	EXPECT_EQ(PAT_OK, zero_check(p, len));

	pat_fill(p + pages(2), pagesz, pages(2), 1);
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, 0, len));
	EXPECT_EQ(PAT_OK, zero_check(s, len));

	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(2), pages(2), 2));
	EXPECT_EQ(PAT_OK, pat_check(p + pages(2), pagesz, pages(2), 1));
	EXPECT_EQ(PAT_OK, pat_check(p + pages(3), pagesz, pages(3), 2));
	EXPECT_EQ(PAT_OK, zero_check(p + pages(4), len - pages(4)));
}

TEST_F(private, two_private_mappings)
{
	size_t len = pages(NPAGES);
	uint8_t *a, *b;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	a = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	b = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(a);
	ASSERT_MAPPED(b);

	pat_fill(a, pagesz, 0, 2);
	EXPECT_EQ(PAT_OK, pat_check(b, len, 0, 1));
	pat_fill(b, pagesz, 0, 3);
	EXPECT_EQ(PAT_OK, pat_check(a, pagesz, 0, 2));
	EXPECT_EQ(PAT_OK, pat_check(a + pagesz, len - pagesz, pagesz, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
}

/* An unrelated process's private writes stay in that process. */
TEST_F(private, unrelated_process)
{
	size_t len = pages(NPAGES), half = len / 2;
	uint8_t *s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	struct peer peer;

	ASSERT_MAPPED(s);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	ASSERT_EQ(0, peer_start(&peer, self->t.path, len, MAP_PRIVATE));
	EXPECT_EQ(PAT_OK, peer_do(&peer, PEER_CHECK, 0, len, 1));

	EXPECT_EQ(0, peer_do(&peer, PEER_FILL, 0, half, 2));
	EXPECT_EQ(PAT_OK, peer_do(&peer, PEER_CHECK, 0, half, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));

	/* Our writes reach the pages it has only read. */
	pat_fill(s, len, 0, 3);
	EXPECT_EQ(PAT_OK, peer_do(&peer, PEER_CHECK, 0, half, 2));
	EXPECT_EQ(PAT_OK, peer_do(&peer, PEER_CHECK, half, half, 3));
	EXPECT_EQ(0, peer_stop(&peer));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 3));
}

CONFORM_MAIN()
