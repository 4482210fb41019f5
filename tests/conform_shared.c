// SPDX-License-Identifier: GPL-2.0
/*
 * Shared mappings are coherent: with read() and write() both ways, between
 * two mappings in one process, with a forked child and with an unrelated
 * process; read() and write() may use a mapping of the same object as
 * their buffer.
 */
#include "conform.h"

CONFORM_FIXTURE(shared);

#define NPAGES	8

TEST_F(shared, coherent_mmap_to_read)
{
	size_t len = pages(NPAGES);
	uint8_t *map = map_target(&self->t, len, RW, MAP_SHARED, 0);

	ASSERT_MAPPED(map);
	pat_fill(map, len, 0, 1);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, len,
				      pages(CONFORM_PAGES - NPAGES)));
}

TEST_F(shared, coherent_write_to_mmap)
{
	size_t len = pages(NPAGES);
	uint8_t *map = map_target(&self->t, len, RW, MAP_SHARED, 0);

	ASSERT_MAPPED(map);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	EXPECT_EQ(PAT_OK, pat_check(map, len, 0, 1));
}

/* write() reaches pages that are already mapped, read-only or dirty. */
TEST_F(shared, coherent_after_write)
{
	size_t len = pages(NPAGES);
	uint8_t *map = map_target(&self->t, len, RW, MAP_SHARED, 0);
	uint8_t buf[100];

	ASSERT_MAPPED(map);
	/* Read-fault every page, then write() over them. */
	EXPECT_EQ(PAT_OK, zero_check(map, len));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	EXPECT_EQ(PAT_OK, pat_check(map, len, 0, 1));

	/* Dirty them through the mapping, then write() again. */
	pat_fill(map, len, 0, 2);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 3));
	EXPECT_EQ(PAT_OK, pat_check(map, len, 0, 3));

	/* A small unaligned write() changes just its bytes. */
	pat_fill(buf, sizeof(buf), pagesz + 50, 4);
	ASSERT_EQ((ssize_t)sizeof(buf),
		  pwrite(self->t.fd, buf, sizeof(buf), pagesz + 50));
	EXPECT_EQ(PAT_OK, pat_check(map, pagesz + 50, 0, 3));
	EXPECT_EQ(PAT_OK, pat_check(map + pagesz + 50, sizeof(buf),
				    pagesz + 50, 4));
	EXPECT_EQ(PAT_OK, pat_check(map + pagesz + 150, len - pagesz - 150,
				    pagesz + 150, 3));
}

TEST_F(shared, two_mappings_same_offset)
{
	size_t len = pages(4);
	uint8_t *a = map_target(&self->t, len, RW, MAP_SHARED, 0);
	uint8_t *b = map_target(&self->t, len, RW, MAP_SHARED, 0);
	uint8_t *c = map_target(&self->t, pages(2), RW, MAP_SHARED, pages(2));

	ASSERT_MAPPED(a);
	ASSERT_MAPPED(b);
	ASSERT_MAPPED(c);
	ASSERT_NE((void *)a, (void *)b);

	pat_fill(a, len, 0, 1);
	EXPECT_EQ(PAT_OK, pat_check(b, len, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(c, pages(2), pages(2), 1));

	/* All three are faulted in now. */
	pat_fill(b, len, 0, 2);
	EXPECT_EQ(PAT_OK, pat_check(a, len, 0, 2));
	EXPECT_EQ(PAT_OK, pat_check(c, pages(2), pages(2), 2));

	pat_fill(c, pages(2), pages(2), 3);
	EXPECT_EQ(PAT_OK, pat_check(a, pages(2), 0, 2));
	EXPECT_EQ(PAT_OK, pat_check(a + pages(2), pages(2), pages(2), 3));
	EXPECT_EQ(PAT_OK, pat_check(b + pages(2), pages(2), pages(2), 3));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pages(2), 3));
}

TEST_F(shared, mapping_at_offset)
{
	size_t len = pages(4);
	uint8_t *map;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(CONFORM_PAGES), 1));
	map = map_target(&self->t, len, RW, MAP_SHARED, pages(5));
	ASSERT_MAPPED(map);
	EXPECT_EQ(PAT_OK, pat_check(map, len, pages(5), 1));

	pat_fill(map, len, pages(5), 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(4), pages(1), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(5), len, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(9), pages(1), 1));
}

/* A child that inherited the mapping and the parent see each other. */
TEST_F(shared, fork_coherent)
{
	size_t len = pages(NPAGES), half = len / 2;
	uint8_t *map = map_target(&self->t, len, RW, MAP_SHARED, 0);
	struct link_pair lp;
	struct link l;
	int64_t v;
	pid_t pid;

	ASSERT_MAPPED(map);
	ASSERT_EQ(0, link_pair_init(&lp));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		l = link_child(&lp);
		/* Fault every page in before the parent writes. */
		CHILD_ASSERT(zero_check(map, len) == PAT_OK);
		CHILD_ASSERT(!link_send(l, 0));
		CHILD_ASSERT(!link_recv(l, &v));
		CHILD_ASSERT(pat_check(map, half, 0, 1) == PAT_OK);
		pat_fill(map + half, half, half, 2);
		CHILD_ASSERT(!link_send(l, 0));
		CHILD_ASSERT(!link_recv(l, &v));
		CHILD_ASSERT(pat_check(map, len, 0, 3) == PAT_OK);
		_exit(0);
	}
	l = link_parent(&lp);
	ASSERT_EQ(0, link_recv(l, &v));
	pat_fill(map, half, 0, 1);
	ASSERT_EQ(0, link_send(l, 0));
	ASSERT_EQ(0, link_recv(l, &v));
	EXPECT_EQ(PAT_OK, pat_check(map + half, half, half, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, half, half, 2));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 3));
	ASSERT_EQ(0, link_send(l, 0));
	EXPECT_EQ(0, child_wait(pid));
}

/* A process that opens the path itself shares the bytes too. */
TEST_F(shared, unrelated_process)
{
	size_t len = pages(NPAGES), half = len / 2;
	uint8_t *map = map_target(&self->t, len, RW, MAP_SHARED, 0);
	struct peer peer;

	ASSERT_MAPPED(map);
	ASSERT_EQ(0, peer_start(&peer, self->t.path, len, MAP_SHARED));

	/* The peer faults everything in first. */
	EXPECT_EQ(PAT_OK, peer_do(&peer, PEER_ZERO, 0, len, 0));

	pat_fill(map, half, 0, 1);
	EXPECT_EQ(PAT_OK, peer_do(&peer, PEER_CHECK, 0, half, 1));

	EXPECT_EQ(0, peer_do(&peer, PEER_FILL, half, half, 2));
	EXPECT_EQ(PAT_OK, pat_check(map + half, half, half, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, half, half, 2));

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 3));
	EXPECT_EQ(PAT_OK, peer_do(&peer, PEER_CHECK, 0, len, 3));

	EXPECT_EQ(0, peer_do(&peer, PEER_PWRITE, pages(2), pages(4), 4));
	EXPECT_EQ(PAT_OK, pat_check(map, pages(2), 0, 3));
	EXPECT_EQ(PAT_OK, pat_check(map + pages(2), pages(4), pages(2), 4));
	EXPECT_EQ(PAT_OK, pat_check(map + pages(6), pages(2), pages(6), 3));
	EXPECT_EQ(0, peer_stop(&peer));
}

/* write() whose source is a mapping of the same object. */
TEST_F(shared, write_from_same_mapping)
{
	size_t len = pages(NPAGES);
	uint8_t *map, *map2;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(2), 1));

	/* Neither mapping has been touched: the copy faults them in. */
	map = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(map);
	EXPECT_EQ((ssize_t)pages(2), pwrite(self->t.fd, map, pages(2),
					    pages(4)));
	EXPECT_EQ(PAT_OK, pat_pcheck_as(self->t.fd, pages(4), pages(2), 0, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(2), 1));

	/* Source and destination are the same bytes. */
	map2 = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(map2);
	EXPECT_EQ((ssize_t)pages(2), pwrite(self->t.fd, map2, pages(2), 0));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(2), 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(2), pages(2)));
}

/* read() whose destination is a mapping of the same object. */
TEST_F(shared, read_into_same_mapping)
{
	size_t len = pages(NPAGES);
	uint8_t *map;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(2), 1));
	map = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(map);
	EXPECT_EQ((ssize_t)pages(2), pread(self->t.fd, map + pages(4),
					   pages(2), 0));
	EXPECT_EQ(PAT_OK, pat_check(map + pages(4), pages(2), 0, 1));
	EXPECT_EQ(PAT_OK, zero_check(map + pages(2), pages(2)));

	/* And onto the very bytes it reads. */
	EXPECT_EQ((ssize_t)pages(2), pread(self->t.fd, map, pages(2), 0));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(2), 1));
}

/*
 * A buffer in a mapped page past the end faults: read() and write() fail
 * with EFAULT, or stop short at that page.
 */
TEST_F(shared, io_buffer_past_end)
{
	size_t size = pages(4);
	uint8_t *map;

	ASSERT_EQ(0, target_set_size(&self->t, size));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, size, 1));
	map = map_target(&self->t, pages(6), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(map);

	errno = 0;
	EXPECT_EQ(-1, pwrite(self->t.fd, map + size, 100, 0));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, pread(self->t.fd, map + size, 100, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, size, 1));

	/* The source's first page is the object's last: one page written. */
	EXPECT_EQ((ssize_t)pagesz, pwrite(self->t.fd, map + pages(3),
					  pages(2), 0));
	EXPECT_EQ(PAT_OK, pat_pcheck_as(self->t.fd, 0, pagesz, pages(3), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pagesz, pages(3), 1));

	/* The destination's second page is past the end: one page read. */
	EXPECT_EQ((ssize_t)pagesz, pread(self->t.fd, map + pages(3),
					 pages(2), pages(1)));
	EXPECT_EQ(PAT_OK, pat_pcheck_as(self->t.fd, pages(3), pagesz,
					pages(1), 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(1), pages(2), 1));
}

CONFORM_MAIN()
