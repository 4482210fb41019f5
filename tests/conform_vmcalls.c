// SPDX-License-Identifier: GPL-2.0
/*
 * Calls that reshape mappings: munmap, mremap, mprotect, MAP_FIXED; a
 * mapping outlives close(); the open mode limits what may be mapped.
 */
#include "conform.h"

CONFORM_FIXTURE(vmcalls);

#define NPAGES	8

/* Expect the page at @addr to be unmapped, or mapped without access. */
#define EXPECT_SIGSEGV(addr, code) do {					\
	uint8_t __v;							\
	EXPECT_EQ(SIGSEGV, probe_read((addr), &__v));			\
	EXPECT_EQ((code), probe_code);					\
	EXPECT_EQ(SIGSEGV, probe_write((addr), 1));			\
} while (0)

TEST_F(vmcalls, munmap_then_sigsegv)
{
	uint8_t *s;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(NPAGES), 1));
	s = map_target(&self->t, pages(3), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	ASSERT_EQ(0, munmap(s + pagesz, pagesz));
	EXPECT_SIGSEGV(s + pagesz, SEGV_MAPERR);
	EXPECT_EQ(PAT_OK, pat_check(s, pagesz, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(s + pages(2), pagesz, pages(2), 1));
	pat_fill(s + pages(2), pagesz, pages(2), 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(1), pagesz, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pagesz, 2));

	ASSERT_EQ(0, munmap(s, pages(3)));
	EXPECT_SIGSEGV(s, SEGV_MAPERR);
	EXPECT_SIGSEGV(s + pages(2), SEGV_MAPERR);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pagesz, 2));
}

TEST_F(vmcalls, mremap_grow)
{
	uint8_t *s, *n;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(NPAGES), 1));
	s = map_target(&self->t, pages(2), RW, MAP_SHARED, pages(1));
	ASSERT_MAPPED(s);
	EXPECT_EQ(PAT_OK, pat_check(s, pages(2), pages(1), 1));
	n = mremap(s, pages(2), pages(6), MREMAP_MAYMOVE);
	ASSERT_MAPPED(n);
	EXPECT_EQ(PAT_OK, pat_check(n, pages(6), pages(1), 1));
	pat_fill(n + pages(5), pagesz, pages(6), 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(6), pagesz, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(7), pagesz, 1));
}

TEST_F(vmcalls, mremap_shrink)
{
	uint8_t *s, *n;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(NPAGES), 1));
	s = map_target(&self->t, pages(4), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	EXPECT_EQ(PAT_OK, pat_check(s, pages(4), 0, 1));
	n = mremap(s, pages(4), pages(2), 0);
	ASSERT_EQ((void *)s, (void *)n);
	EXPECT_EQ(PAT_OK, pat_check(s, pages(2), 0, 1));
	EXPECT_SIGSEGV(s + pages(2), SEGV_MAPERR);
	EXPECT_SIGSEGV(s + pages(3), SEGV_MAPERR);
	pat_fill(s + pagesz, pagesz, pagesz, 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pagesz, pagesz, 2));
}

/* Moved mappings keep their offsets, a private one its own copies. */
TEST_F(vmcalls, mremap_move_fixed)
{
	size_t len = pages(4);
	uint8_t *s, *p, *dst, *n;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(NPAGES), 1));
	s = map_target(&self->t, len, RW, MAP_SHARED, pages(2));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	dst = mmap(NULL, 2 * len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	ASSERT_MAPPED(dst);
	EXPECT_EQ(PAT_OK, pat_check(s, len, pages(2), 1));
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	pat_fill(p + pagesz, pagesz, pagesz, 2);

	n = mremap(s, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ((void *)dst, (void *)n);
	n = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst + len);
	ASSERT_EQ((void *)(dst + len), (void *)n);
	EXPECT_SIGSEGV(s, SEGV_MAPERR);
	EXPECT_SIGSEGV(p + pagesz, SEGV_MAPERR);

	EXPECT_EQ(PAT_OK, pat_check(dst, len, pages(2), 1));
	pat_fill(dst, pagesz, pages(2), 3);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pagesz, 3));

	n = dst + len;
	EXPECT_EQ(PAT_OK, pat_check(n, pagesz, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(n + pagesz, pagesz, pagesz, 2));
	/* Its unwritten pages still follow the object. */
	EXPECT_EQ(PAT_OK, pat_check(n + pages(2), pagesz, pages(2), 3));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pagesz, pagesz, 1));
}

TEST_F(vmcalls, mremap_grow_past_end)
{
	uint8_t *s, *n, v;

	ASSERT_EQ(0, target_set_size(&self->t, pages(2)));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(2), 1));
	s = map_target(&self->t, pages(2), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	n = mremap(s, pages(2), pages(4), MREMAP_MAYMOVE);
	ASSERT_MAPPED(n);
	EXPECT_EQ(PAT_OK, pat_check(n, pages(2), 0, 1));
	EXPECT_EQ(SIGBUS, probe_read(n + pages(2), &v));
	EXPECT_EQ(SIGBUS, probe_write(n + pages(3), 1));

	ASSERT_EQ(0, target_set_size(&self->t, pages(4)));
	EXPECT_EQ(PAT_OK, zero_check(n + pages(2), pages(2)));
	pat_fill(n + pages(3), pagesz, pages(3), 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(3), pagesz, 2));
}

TEST_F(vmcalls, mprotect_read_only)
{
	size_t len = pages(2);
	uint8_t *s, *p;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	s = map_target(&self->t, len, PROT_READ, MAP_SHARED, 0);
	p = map_target(&self->t, len, PROT_READ, MAP_PRIVATE, 0);
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	EXPECT_EQ(SIGSEGV, probe_write(s + 10, 1));
	EXPECT_EQ(SEGV_ACCERR, probe_code);
	EXPECT_EQ(SIGSEGV, probe_write(p + pagesz, 1));
	EXPECT_EQ(SEGV_ACCERR, probe_code);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));

	ASSERT_EQ(0, mprotect(s, len, RW));
	ASSERT_EQ(0, mprotect(p, len, RW));
	pat_fill(s, pagesz, 0, 2);
	pat_fill(p + pagesz, pagesz, pagesz, 3);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pagesz, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pagesz, pagesz, 1));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 2));

	/* Back to read-only: writes fault again, data stays. */
	ASSERT_EQ(0, mprotect(s, len, PROT_READ));
	EXPECT_EQ(SIGSEGV, probe_write(s, 1));
	EXPECT_EQ(PAT_OK, pat_check(s, pagesz, 0, 2));
}

TEST_F(vmcalls, mprotect_none)
{
	size_t len = pages(2);
	uint8_t *s;

	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	pat_fill(s, len, 0, 1);
	ASSERT_EQ(0, mprotect(s, len, PROT_NONE));
	EXPECT_SIGSEGV(s, SEGV_ACCERR);
	EXPECT_SIGSEGV(s + pagesz, SEGV_ACCERR);
	ASSERT_EQ(0, mprotect(s, len, PROT_READ));
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
}

/* MAP_FIXED replaces whatever was mapped there, and only that. */
TEST_F(vmcalls, map_fixed_replaces)
{
	uint8_t *a, *s, *m;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pages(NPAGES + 4), 1));

	/* Over anonymous memory. */
	a = mmap(NULL, pages(4), RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_MAPPED(a);
	memset(a, 0xaa, pages(4));
	m = mmap(a + pagesz, pages(2), RW, MAP_SHARED | MAP_FIXED,
		 self->t.fd, pages(4));
	ASSERT_EQ((void *)(a + pagesz), (void *)m);
	EXPECT_EQ(0xaa, a[pagesz - 1]);
	EXPECT_EQ(0xaa, a[pages(3)]);
	EXPECT_EQ(PAT_OK, pat_check(m, pages(2), pages(4), 1));
	pat_fill(m, pages(2), pages(4), 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(4), pages(2), 2));

	/* Over a mapping of other offsets of the object. */
	s = map_target(&self->t, pages(4), RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	EXPECT_EQ(PAT_OK, pat_check(s, pages(4), 0, 1));
	m = mmap(s + pagesz, pagesz, RW, MAP_SHARED | MAP_FIXED, self->t.fd,
		 pages(NPAGES));
	ASSERT_EQ((void *)(s + pagesz), (void *)m);
	EXPECT_EQ(PAT_OK, pat_check(s, pagesz, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(s + pagesz, pagesz, pages(NPAGES), 1));
	EXPECT_EQ(PAT_OK, pat_check(s + pages(2), pages(2), pages(2), 1));

	/* A private mapping over a shared one of the same offset. */
	m = mmap(s + pages(2), pagesz, RW, MAP_PRIVATE | MAP_FIXED,
		 self->t.fd, pages(2));
	ASSERT_EQ((void *)(s + pages(2)), (void *)m);
	pat_fill(m, pagesz, pages(2), 3);
	pat_fill(s + pages(3), pagesz, pages(3), 4);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pagesz, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(3), pagesz, 4));
}

/* A mapping holds on to the object after its descriptor is closed. */
TEST_F(vmcalls, mapping_survives_close)
{
	size_t len = pages(4);
	uint8_t *s, *p;

	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	ASSERT_EQ(0, close(self->t.fd));
	self->t.fd = -1;

	pat_fill(s, len, 0, 1);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	pat_fill(p, pagesz, 0, 2);

	self->t.fd = target_reopen(&self->t, O_RDWR);
	ASSERT_LE(0, self->t.fd);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
}

TEST_F(vmcalls, rdonly_shared_write_eacces)
{
	size_t len = pages(2);
	uint8_t *s;
	int fd;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	fd = target_reopen(&self->t, O_RDONLY);
	ASSERT_LE(0, fd);
	errno = 0;
	s = mmap(NULL, len, RW, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, (void *)s);
	EXPECT_EQ(EACCES, errno);

	s = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_MAPPED(s);
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));
	errno = 0;
	EXPECT_EQ(-1, mprotect(s, len, RW));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(SIGSEGV, probe_write(s, 1));

	/* It still follows writes made elsewhere. */
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 2));
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 2));
	close(fd);
}

TEST_F(vmcalls, rdonly_private_write_ok)
{
	size_t len = pages(2);
	uint8_t *p;
	int fd;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	fd = target_reopen(&self->t, O_RDONLY);
	ASSERT_LE(0, fd);
	p = mmap(NULL, len, RW, MAP_PRIVATE, fd, 0);
	ASSERT_MAPPED(p);
	close(fd);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	pat_fill(p, pagesz, 0, 2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 3));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 2));
	EXPECT_EQ(PAT_OK, pat_check(p + pagesz, pagesz, pagesz, 3));
}

CONFORM_MAIN()
