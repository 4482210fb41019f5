// SPDX-License-Identifier: GPL-2.0
/*
 * tests/failinj_write.c: write() to /dev/vmdemo whose allocations fail,
 * injected with the kernel's fault injection (inject.h) in the fixture
 * of failinj.h.  What Linux 6.1 does (found out by these tests): ENOMEM
 * if no byte was written, else a short write ending at the page whose
 * allocation failed; an xarray insertion that fails (both node
 * allocations) fails the write with ENOMEM, and the page allocated for it
 * is freed again, unseen by the counters.
 *
 * Needs the debug kernel (scripts/debug-kernel): every test skips, with
 * the reason, on a kernel without fault injection.  Diagnostics go to
 * stderr; results are TAP (kselftest harness).
 */
#include "failinj.h"

/*
 * write() into holes: the first page's allocation failing fails the whole
 * write (ENOMEM, not a byte written, not even to a resident page after
 * it); a later page's failing makes it short, ending where that page
 * starts.
 */
TEST_F_TIMEOUT(fi, write_into_holes_enomem_or_short, 120)
{
	struct counters d;
	ssize_t n;
	int err;

	SKIP_IF_NEEDED();
	/* page 31 resident (gen 1), 30 and 32.. holes */
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(31), pagesz, 1));
	pat_fill(self->buf, pages(3), pages(30) + 100, 2);

	FAILING(INJ_PAGE, 1,
		n = pwrite(self->t.fd, self->buf, pages(2), pages(30) + 100);
		err = errno);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ENOMEM, err) TH_LOG("write: %s", strerror(err));
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(30), pagesz));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(31), pagesz, 1));
	counters_since(&d, &self->before);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(2, resident(_metadata, &self->t));

	/* resident page 31 first, then holes 32, 33: short after 31 */
	pat_fill(self->buf, pages(3), pages(31) + 100, 2);
	FAILING(INJ_PAGE, 1,
		n = pwrite(self->t.fd, self->buf, pages(2), pages(31) + 100));
	EXPECT_EQ((ssize_t)pagesz - 100, n);
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(31), 100, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(31) + 100, pagesz - 100, 2));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(32), pages(2)));
	counters_since(&d, &self->before);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(2, resident(_metadata, &self->t));

	/* and the same write without a failure goes through */
	EXPECT_EQ((ssize_t)pages(2),
		  pwrite(self->t.fd, self->buf, pages(2), pages(31) + 100));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(31) + 100, pages(2), 2));
	EXPECT_EQ(4, resident(_metadata, &self->t));
}

/*
 * write() where the xarray insertion fails (both node allocations): ENOMEM,
 * and the page allocated for it is gone again (not counted, not resident,
 * the allocator's accounting unchanged).
 */
TEST_F_TIMEOUT(fi, write_xarray_node_failure_enomem, 120)
{
	struct counters d;
	ssize_t n;
	int err;

	SKIP_IF_NEEDED();
	pat_fill(self->buf, pagesz, pages(700), 4);
	FAILING(INJ_SLAB, 2,
		n = pwrite(self->t.fd, self->buf, pagesz, pages(700));
		err = errno);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ENOMEM, err) TH_LOG("write: %s", strerror(err));
	EXPECT_EQ(0, attr_get(INJ_SLAB, "times"));
	counters_since(&d, &self->before);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(0U, d.v[C_PAGES_FREED]);
	EXPECT_EQ(1, resident(_metadata, &self->t));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(700), pagesz));

	EXPECT_EQ((ssize_t)pagesz, pwrite(self->t.fd, self->buf, pagesz, pages(700)));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(700), pagesz, 4));
	EXPECT_EQ(2, resident(_metadata, &self->t));
}

TEST_HARNESS_MAIN
