// SPDX-License-Identifier: GPL-2.0
/*
 * Punching a hole zeroes a range: whole pages are freed, partial pages
 * zeroed in place, shared mappings see the zeroes, a private mapping keeps
 * the copies it has written; the size does not change.
 */
#include "conform.h"

CONFORM_FIXTURE(punch);

#define NPAGES	6

/* The hole most tests punch: [1.5, 4.5) pages, so pages 2 and 3 whole. */
#define HOLE_START	(pagesz + pagesz / 2)
#define HOLE_END	(pages(4) + pagesz / 2)

/* Expect [0, NPAGES) at @buf to be generation @gen with the hole zero. */
#define EXPECT_HOLE(buf, gen) do {					\
	EXPECT_EQ(PAT_OK, pat_check((buf), HOLE_START, 0, (gen)));	\
	EXPECT_EQ(PAT_OK, zero_check((buf) + HOLE_START,		\
				     HOLE_END - HOLE_START));		\
	EXPECT_EQ(PAT_OK, pat_check((buf) + HOLE_END,			\
				    pages(NPAGES) - HOLE_END, HOLE_END,	\
				    (gen)));				\
} while (0)

static uint8_t *read_all(int fd, size_t len)
{
	uint8_t *buf = malloc(len);

	if (buf && pread(fd, buf, len, 0) != (ssize_t)len) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

TEST_F(punch, reads_zero)
{
	size_t len = pages(NPAGES);
	uint64_t size;
	uint8_t *buf;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	ASSERT_EQ(0, target_punch(&self->t, HOLE_START,
				  HOLE_END - HOLE_START));
	buf = read_all(self->t.fd, len);
	ASSERT_NE(NULL, buf);
	EXPECT_HOLE(buf, 1);
	free(buf);
	ASSERT_EQ(0, target_get_size(&self->t, &size));
	EXPECT_EQ(pages(CONFORM_PAGES), size);
}

TEST_F(punch, shared_mapping_sees_zero)
{
	size_t len = pages(NPAGES);
	uint8_t *s;

	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	pat_fill(s, len, 0, 1);
	ASSERT_EQ(0, target_punch(&self->t, HOLE_START,
				  HOLE_END - HOLE_START));
	EXPECT_HOLE(s, 1);

	/* The freed pages come back on the next write. */
	pat_fill(s + pages(2), pagesz, pages(2), 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pagesz, 2));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(3), pagesz));
}

TEST_F(punch, private_keeps_own_copies)
{
	size_t len = pages(NPAGES);
	uint8_t *p;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	pat_fill(p + pages(1), pages(2), pages(1), 2);

	ASSERT_EQ(0, target_punch(&self->t, HOLE_START,
				  HOLE_END - HOLE_START));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(p + pages(1), pages(2), pages(1), 2));
	EXPECT_EQ(PAT_OK, zero_check(p + pages(3), HOLE_END - pages(3)));
	EXPECT_EQ(PAT_OK, pat_check(p + HOLE_END, len - HOLE_END, HOLE_END,
				    1));
}

TEST_F(punch, frees_whole_pages)
{
	size_t len = pages(NPAGES);

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	EXPECT_EQ(NPAGES, target_resident(&self->t));
	ASSERT_EQ(0, target_punch(&self->t, HOLE_START,
				  HOLE_END - HOLE_START));
	EXPECT_EQ(NPAGES - 2, target_resident(&self->t));

	/* Punching a hole again, or a range never written, changes nothing. */
	ASSERT_EQ(0, target_punch(&self->t, pages(2), pages(2)));
	ASSERT_EQ(0, target_punch(&self->t, pages(8), pages(4)));
	EXPECT_EQ(NPAGES - 2, target_resident(&self->t));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, len,
				      pages(CONFORM_PAGES) - len));
}

TEST_F(punch, within_one_page)
{
	size_t len = pages(NPAGES), off = pages(2) + 100;
	uint8_t *s;

	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	pat_fill(s, len, 0, 1);
	ASSERT_EQ(0, target_punch(&self->t, off, 200));
	EXPECT_EQ(PAT_OK, pat_check(s, off, 0, 1));
	EXPECT_EQ(PAT_OK, zero_check(s + off, 200));
	EXPECT_EQ(PAT_OK, pat_check(s + off + 200, len - off - 200,
				    off + 200, 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, off, 200));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, off + 200, 1, 1));
	EXPECT_EQ(NPAGES, target_resident(&self->t));

	/* One byte. */
	ASSERT_EQ(0, target_punch(&self->t, pages(4) + 7, 1));
	EXPECT_EQ(0, s[pages(4) + 7]);
	EXPECT_EQ(pat_byte(pages(4) + 6, 1), s[pages(4) + 6]);
	EXPECT_EQ(pat_byte(pages(4) + 8, 1), s[pages(4) + 8]);
}

/* A hole that reaches the end, with a partial last page. */
TEST_F(punch, to_the_end)
{
	size_t size = pages(NPAGES) - 100;
	uint8_t *s;

	ASSERT_EQ(0, target_set_size(&self->t, size));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, size, 1));
	s = map_target(&self->t, pages(NPAGES), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	EXPECT_EQ(PAT_OK, pat_check(s, size, 0, 1));
	ASSERT_EQ(0, target_punch(&self->t, pages(3) + 1, size - pages(3) - 1));
	/* Page 4 freed; 3 and 5 are partial (before reading faults 4 in). */
	EXPECT_EQ(NPAGES - 1, target_resident(&self->t));
	EXPECT_EQ(PAT_OK, pat_check(s, pages(3) + 1, 0, 1));
	EXPECT_EQ(PAT_OK, zero_check(s + pages(3) + 1,
				     pages(NPAGES) - pages(3) - 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(3) + 1,
				      size - pages(3) - 1));
}

CONFORM_MAIN()
