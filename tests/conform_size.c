// SPDX-License-Identifier: GPL-2.0
/*
 * The size bounds mappings as it bounds a regular file: the rest of a
 * partial last page reads as zero, a page wholly past the end raises
 * SIGBUS; growing makes pages accessible in existing mappings; shrinking
 * frees the data past the new end, zeroes the rest of the last page and
 * takes the removed pages from every mapping, private copies included.
 */
#include "conform.h"

CONFORM_FIXTURE(size);

/* Expect every page in [@first, @last] of @map to raise SIGBUS. */
#define EXPECT_SIGBUS_PAGES(map, first, last) do {			\
	size_t __i;							\
	uint8_t __v;							\
	for (__i = (first); __i <= (last); __i++) {			\
		uint8_t *__pg = (map) + pages(__i);			\
		EXPECT_EQ(SIGBUS, probe_read(__pg, &__v));		\
		EXPECT_EQ(BUS_ADRERR, probe_code);			\
		EXPECT_EQ(SIGBUS, probe_read(__pg + pagesz - 1, &__v));	\
		EXPECT_EQ(SIGBUS, probe_write(__pg + pagesz / 2, 1));	\
	}								\
} while (0)

static uint64_t get_size(const struct target *t)
{
	uint64_t size;

	return target_get_size(t, &size) ? (uint64_t)-1 : size;
}

TEST_F(size, partial_last_page_shared)
{
	size_t size = pages(2) + 100;
	uint8_t *s, v, buf[200];

	ASSERT_EQ(0, target_set_size(&self->t, size));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, size, 1));
	s = map_target(&self->t, pages(4), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	EXPECT_EQ(PAT_OK, pat_check(s, size, 0, 1));
	EXPECT_EQ(PAT_OK, zero_check(s + size, pages(3) - size));
	EXPECT_SIGBUS_PAGES(s, 3, 3);

	/* Bytes past the end in the last page take writes... */
	EXPECT_EQ(0, probe_write(s + size + 100, 0x5a));
	EXPECT_EQ(0, probe_read(s + size + 100, &v));
	EXPECT_EQ(0x5a, v);
	/* ...that read() does not return and that do not move the end. */
	EXPECT_EQ(0, pread(self->t.fd, buf, sizeof(buf), size + 100));
	EXPECT_EQ(100, pread(self->t.fd, buf, sizeof(buf), pages(2)));
	EXPECT_EQ(PAT_OK, pat_check(buf, 100, pages(2), 1));
	EXPECT_EQ(size, get_size(&self->t));
}

TEST_F(size, partial_last_page_private)
{
	size_t size = pages(2) + 100;
	uint8_t *p;

	ASSERT_EQ(0, target_set_size(&self->t, size));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, size, 1));
	p = map_target(&self->t, pages(4), RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	EXPECT_EQ(PAT_OK, pat_check(p, size, 0, 1));
	EXPECT_EQ(PAT_OK, zero_check(p + size, pages(3) - size));
	EXPECT_SIGBUS_PAGES(p, 3, 3);

	/* A private write to the last page copies it, zeroes and all. */
	p[pages(2) + 10] = 0x5a;
	EXPECT_EQ(PAT_OK, pat_check(p, pages(2) + 10, 0, 1));
	EXPECT_EQ(0x5a, p[pages(2) + 10]);
	EXPECT_EQ(PAT_OK, pat_check(p + pages(2) + 11, 89, pages(2) + 11, 1));
	EXPECT_EQ(PAT_OK, zero_check(p + size, pages(3) - size));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, size, 1));
	EXPECT_SIGBUS_PAGES(p, 3, 3);
}

TEST_F(size, past_end_sigbus)
{
	uint8_t *s, *p, *far;

	ASSERT_EQ(0, target_set_size(&self->t, pages(2)));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(2), 1));
	s = map_target(&self->t, pages(4), RW, MAP_SHARED, 0);
	p = map_target(&self->t, pages(4), RW, MAP_PRIVATE, 0);
	/* Mapping wholly past the end is allowed too. */
	far = map_target(&self->t, pages(2), RW, MAP_SHARED, pages(8));
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	ASSERT_MAPPED(far);

	EXPECT_EQ(PAT_OK, pat_check(s, pages(2), 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(p, pages(2), 0, 1));
	EXPECT_SIGBUS_PAGES(s, 2, 3);
	EXPECT_SIGBUS_PAGES(p, 2, 3);
	EXPECT_SIGBUS_PAGES(far, 0, 1);
	EXPECT_EQ(pages(2), get_size(&self->t));
}

/* Even an offset the object can never reach may be mapped. */
TEST_F(size, map_beyond_max_size)
{
	off_t off = 1LL << 40;
	uint8_t *s, *p;

	s = map_target(&self->t, pages(2), RW, MAP_SHARED, off);
	p = map_target(&self->t, pages(2), RW, MAP_PRIVATE, off);
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	EXPECT_SIGBUS_PAGES(s, 0, 1);
	EXPECT_SIGBUS_PAGES(p, 0, 1);
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, 0, pages(CONFORM_PAGES)));
}

TEST_F(size, grow_makes_pages_accessible)
{
	uint8_t *s, *p, *far;

	ASSERT_EQ(0, target_set_size(&self->t, pages(2)));
	s = map_target(&self->t, pages(4), RW, MAP_SHARED, 0);
	p = map_target(&self->t, pages(4), RW, MAP_PRIVATE, 0);
	far = map_target(&self->t, pages(2), RW, MAP_SHARED, pages(8));
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	ASSERT_MAPPED(far);
	EXPECT_SIGBUS_PAGES(s, 2, 3);
	EXPECT_SIGBUS_PAGES(p, 2, 3);
	EXPECT_SIGBUS_PAGES(far, 0, 1);

	ASSERT_EQ(0, target_set_size(&self->t, pages(10)));
	EXPECT_EQ(PAT_OK, zero_check(s, pages(4)));
	EXPECT_EQ(PAT_OK, zero_check(p, pages(4)));
	EXPECT_EQ(PAT_OK, zero_check(far, pages(2)));

	pat_fill(s + pages(2), pages(2), pages(2), 1);
	pat_fill(far, pages(2), pages(8), 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pages(2), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(8), pages(2), 2));
	EXPECT_EQ(PAT_OK, pat_check(p + pages(2), pages(2), pages(2), 1));

	pat_fill(p + pages(3), pagesz, pages(3), 3);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(3), pagesz, 1));
}

TEST_F(size, shrink_frees_data)
{
	size_t len = pages(4), end = pagesz + pagesz / 2;
	uint8_t buf[64];

	ASSERT_EQ(0, target_set_size(&self->t, len));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	ASSERT_EQ(0, target_set_size(&self->t, end));
	EXPECT_EQ(end, get_size(&self->t));
	EXPECT_EQ((off_t)end, lseek(self->t.fd, 0, SEEK_END));
	EXPECT_EQ(32, pread(self->t.fd, buf, sizeof(buf), end - 32));
	EXPECT_EQ(PAT_OK, pat_check(buf, 32, end - 32, 1));
	EXPECT_EQ(0, pread(self->t.fd, buf, sizeof(buf), end));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, end, 1));

	ASSERT_EQ(0, target_set_size(&self->t, len));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, end, 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, end, len - end));
}

/* A shared mapping loses the pages past the end and sees the zeroes. */
TEST_F(size, shrink_shared_mapping)
{
	size_t len = pages(4), end = pagesz + pagesz / 2;
	uint8_t *s;

	ASSERT_EQ(0, target_set_size(&self->t, len));
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	pat_fill(s, len, 0, 1);

	ASSERT_EQ(0, target_set_size(&self->t, end));
	EXPECT_EQ(PAT_OK, pat_check(s, end, 0, 1));
	EXPECT_EQ(PAT_OK, zero_check(s + end, pages(2) - end));
	EXPECT_SIGBUS_PAGES(s, 2, 3);

	ASSERT_EQ(0, target_set_size(&self->t, len));
	EXPECT_EQ(PAT_OK, pat_check(s, end, 0, 1));
	EXPECT_EQ(PAT_OK, zero_check(s + end, len - end));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, end, len - end));
}

/*
 * A private mapping loses its copies of removed pages too; its copy of
 * the partial last page stays whole (it is not unmapped, as on tmpfs).
 */
TEST_F(size, shrink_private_mapping)
{
	size_t len = pages(4), end = pagesz + pagesz / 2;
	uint8_t *p;

	ASSERT_EQ(0, target_set_size(&self->t, len));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	pat_fill(p + pages(1), pagesz, pages(1), 2);
	pat_fill(p + pages(3), pagesz, pages(3), 2);

	ASSERT_EQ(0, target_set_size(&self->t, end));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(p + pages(1), pagesz, pages(1), 2));
	EXPECT_SIGBUS_PAGES(p, 2, 3);

	ASSERT_EQ(0, target_set_size(&self->t, len));
	EXPECT_EQ(PAT_OK, pat_check(p + pages(1), pagesz, pages(1), 2));
	EXPECT_EQ(PAT_OK, zero_check(p + pages(2), pages(2)));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, end, 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, end, len - end));
}

TEST_F(size, shrink_to_zero)
{
	size_t len = pages(4);
	uint8_t *s, *p, buf[16];

	ASSERT_EQ(0, target_set_size(&self->t, len));
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	pat_fill(s, len, 0, 1);
	pat_fill(p, pagesz, 0, 2);

	ASSERT_EQ(0, target_set_size(&self->t, 0));
	EXPECT_EQ(0U, get_size(&self->t));
	EXPECT_EQ(0, lseek(self->t.fd, 0, SEEK_END));
	EXPECT_EQ(0, pread(self->t.fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, target_resident(&self->t));
	EXPECT_SIGBUS_PAGES(s, 0, 3);
	EXPECT_SIGBUS_PAGES(p, 0, 3);
}

/* The object holds exactly the pages written, and frees what it cuts. */
TEST_F(size, resident_follows_size)
{
	size_t end = pagesz + pagesz / 2;

	EXPECT_EQ(0, target_resident(&self->t));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(1), pages(3), 1));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(10), 10, 1));
	EXPECT_EQ(4, target_resident(&self->t));
	ASSERT_EQ(0, target_set_size(&self->t, end));
	EXPECT_EQ(1, target_resident(&self->t));
	ASSERT_EQ(0, target_set_size(&self->t, pages(CONFORM_PAGES)));
	EXPECT_EQ(1, target_resident(&self->t));
	ASSERT_EQ(0, target_set_size(&self->t, 0));
	EXPECT_EQ(0, target_resident(&self->t));
}

CONFORM_MAIN()
