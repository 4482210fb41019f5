// SPDX-License-Identifier: GPL-2.0
/*
 * tests/failinj_fault.c: page faults on /dev/vmdemo whose allocations
 * fail, injected with the kernel's fault injection (inject.h) in the
 * fixture of failinj.h: page allocations of a fault on a hole, xarray
 * node allocations of its insertion, and the faults taken for GUP
 * (MADV_POPULATE_*, mlock, process_vm_readv) and for a kernel copy to
 * user memory.
 *
 * What Linux 6.1 does with an allocation failure in the driver's fault
 * path (found out by these tests):
 *  - a page fault from user mode: .fault returns VM_FAULT_OOM (counted
 *    in faults_oom); the x86 fault handler calls pagefault_out_of_memory(),
 *    which outside a memcg OOM only logs "Huh VM_FAULT_OOM leaked out to
 *    the #PF handler. Retrying PF" (rate-limited) and returns, so the
 *    access is retried until the allocation works: no signal, no SIGBUS,
 *    and one faults_oom per failed try;
 *  - a fault taken for GUP: MADV_POPULATE_READ/WRITE fail with ENOMEM,
 *    mlock() with EAGAIN (mlock's name for ENOMEM), process_vm_readv()
 *    with EFAULT; a fault in a kernel access to user memory (read() from
 *    another file into a hole of the mapping) makes that read() EFAULT;
 *  - an xarray node: filemap_add_folio() tries GFP_NOWAIT under the
 *    lock, then the mapping's gfp outside it; only when both fail does
 *    the insertion fail, and the new page is freed again.
 *
 * Needs the debug kernel (scripts/debug-kernel): every test skips, with
 * the reason, on a kernel without fault injection.  Diagnostics go to
 * stderr; results are TAP (kselftest harness).
 */
#include "failinj.h"

/*
 * Read the hole at page @pg of the mapping with the next @times
 * allocations of kind @inj failing: the access is retried until it works
 * (no signal, a zero read), every failure happened, and the page is there
 * (the second resident one).  The counter deltas in @d.
 */
static void read_hole_failing(struct __test_metadata *_metadata,
			      FIXTURE_DATA(fi) *self, enum inj inj, int times,
			      size_t pg, struct counters *d)
{
	uint8_t v = 0xee;
	int sig;

	ASSERT_EQ(1, resident(_metadata, &self->t));
	FAILING(inj, times, sig = probe_read(self->map + pages(pg), &v));

	ASSERT_EQ(0, sig) TH_LOG("the read raised signal %d", sig);
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, attr_get(inj, "times"))
		TH_LOG("not all %d injected failures happened", times);
	counters_since(d, &self->before);
	EXPECT_EQ(2, resident(_metadata, &self->t));
}

/*
 * A read fault on a hole whose page allocation fails three times: the
 * access is retried until it works (no signal), and faults_oom counts
 * exactly the three failed tries.
 */
TEST_F_TIMEOUT(fi, fault_read_hole_retried_until_it_works, 120)
{
	struct counters d;

	SKIP_IF_NEEDED();
	read_hole_failing(_metadata, self, INJ_PAGE, 3, 5, &d);
	EXPECT_EQ(3U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(4U, d.v[C_FAULTS]);
	EXPECT_EQ(4U, d.v[C_FAULTS_READ]);
	EXPECT_EQ(0U, d.v[C_FAULTS_SIGBUS]);
	EXPECT_EQ(1U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(5), pagesz));
}

/*
 * The same for a write fault in the shared mapping: two failed tries,
 * then the page is there with the byte written, and .page_mkwrite ran
 * once.
 */
TEST_F_TIMEOUT(fi, fault_write_hole_retried_until_it_works, 120)
{
	struct counters d;
	uint8_t v = 0;
	int sig;

	SKIP_IF_NEEDED();
	FAILING(INJ_PAGE, 2, sig = probe_write(self->map + pages(6) + 17, 0x5a));

	ASSERT_EQ(0, sig) TH_LOG("the write raised signal %d", sig);
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
	counters_since(&d, &self->before);
	EXPECT_EQ(2U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(3U, d.v[C_FAULTS]);
	EXPECT_EQ(3U, d.v[C_FAULTS_WRITE_SHARED]);
	EXPECT_EQ(1U, d.v[C_PAGE_MKWRITE]);
	EXPECT_EQ(0U, d.v[C_FAULTS_SIGBUS]);
	EXPECT_EQ(1U, d.v[C_PAGES_ALLOCATED]);
	ASSERT_EQ(1, pread(self->t.fd, &v, 1, pages(6) + 17));
	EXPECT_EQ(0x5a, v);
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(6), 17));
}

/*
 * A resident page needs no allocation to be mapped: with a failure armed
 * the fault works at once, and the failure is still pending afterwards.
 * (The control for the two tests above.)
 */
TEST_F_TIMEOUT(fi, fault_on_resident_page_allocates_nothing, 120)
{
	struct counters d;
	uint8_t v = 0;
	int sig;

	SKIP_IF_NEEDED();
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(7), pagesz, 3));
	FAILING(INJ_PAGE, 1, sig = probe_read(self->map + pages(7) + 9, &v));

	ASSERT_EQ(0, sig);
	EXPECT_EQ(pat_byte(pages(7) + 9, 3), v);
	EXPECT_EQ(1, attr_get(INJ_PAGE, "times"))
		TH_LOG("something allocated a page while mapping a resident one");
	counters_since(&d, &self->before);
	EXPECT_EQ(0U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(1U, d.v[C_FAULTS]);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
}

/*
 * A hole far from the resident page needs new xarray nodes.  Failing
 * both node allocations of the first try (GFP_NOWAIT under the lock, then
 * the mapping's gfp) fails the insertion: one VM_FAULT_OOM, the page that
 * was allocated for it freed unseen, and the retry works.
 */
TEST_F_TIMEOUT(fi, fault_xarray_node_failure_retried, 120)
{
	struct counters d;

	SKIP_IF_NEEDED();
	read_hole_failing(_metadata, self, INJ_SLAB, 2, 300, &d);
	EXPECT_EQ(1U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(2U, d.v[C_FAULTS]);
	EXPECT_EQ(1U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(0U, d.v[C_PAGES_FREED]);
}

/* MADV_POPULATE_READ and _WRITE fault through GUP: ENOMEM, cleanly. */
TEST_F_TIMEOUT(fi, populate_fails_with_enomem, 120)
{
	static const int advice[] = { MADV_POPULATE_READ, MADV_POPULATE_WRITE };
	struct counters d;
	unsigned int i;
	int ret, err;

	SKIP_IF_NEEDED();
	for (i = 0; i < 2; i++) {
		uint8_t *p = self->map + pages(10 + i);

		FAILING(INJ_PAGE, 1, ret = madvise(p, pagesz, advice[i]);
			err = errno);

		if (ret && err == EINVAL)
			SKIP(return, "no MADV_POPULATE_READ/WRITE (Linux < 5.14)");
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(ENOMEM, err) TH_LOG("advice %d: %s", advice[i],
					      strerror(err));
		EXPECT_ONE_OOM(&d);
		EXPECT_EQ(1U, d.v[C_FAULTS]);
		EXPECT_EQ(0, pte_present(p));
		/* and without the failure it works */
		EXPECT_EQ(0, madvise(p, pagesz, advice[i]));
		EXPECT_EQ(1, pte_present(p));
	}
	EXPECT_EQ(3, resident(_metadata, &self->t));
}

/*
 * The other ways into the fault path: mlock's populate, another process'
 * GUP (process_vm_readv on ourselves), and a kernel copy to user memory
 * (read() from /dev/zero into a hole of the mapping).  Each gets one
 * failed allocation, reports an error and leaves no page behind.
 */
TEST_F_TIMEOUT(fi, gup_and_uaccess_faults_fail_cleanly, 120)
{
	struct iovec local, remote;
	struct counters d;
	uint8_t *p;
	ssize_t n;
	int ret, err, zfd;

	SKIP_IF_NEEDED();
	zfd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, zfd);

	/*
	 * mlock(): populating the locked range fails at its first page;
	 * mlock says EAGAIN.  The range is a VMA of its own (device pages
	 * 600.. at map + 256 pages, in the same page table), so that
	 * mlock splits nothing (a split allocates and could take the
	 * failure), and starts with the hole (populate retries from the
	 * failed page once it got one page in).
	 */
	p = mmap(self->map + pages(256), pages(4), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, self->t.fd, pages(600));
	ASSERT_EQ(self->map + pages(256), p);
	FAILING(INJ_PAGE, 1, ret = mlock(p, pages(4)); err = errno);
	EXPECT_EQ(-1, ret);
	EXPECT_TRUE(err == EAGAIN || err == ENOMEM) TH_LOG("mlock: %s", strerror(err));
	EXPECT_ONE_OOM(&d);
	EXPECT_EQ(0, pte_present(p));
	munlock(p, pages(4));

	/* process_vm_readv(): GUP of the remote range fails. */
	p = self->map + pages(21);
	local.iov_base = self->buf;
	local.iov_len = pagesz;
	remote.iov_base = p;
	remote.iov_len = pagesz;
	FAILING(INJ_PAGE, 1,
		n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		err = errno);
	EXPECT_EQ(-1, n);
	EXPECT_TRUE(err == EFAULT || err == ENOMEM)
		TH_LOG("process_vm_readv: %s", strerror(err));
	EXPECT_ONE_OOM(&d);
	EXPECT_EQ((ssize_t)pagesz,
		  process_vm_readv(getpid(), &local, 1, &remote, 1, 0));

	/* read() into the mapping: the kernel's copy faults and fails. */
	p = self->map + pages(22);
	FAILING(INJ_PAGE, 1, n = read(zfd, p, pagesz); err = errno);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EFAULT, err) TH_LOG("read: %s", strerror(err));
	EXPECT_ONE_OOM(&d);
	EXPECT_EQ((ssize_t)pagesz, read(zfd, p, pagesz));

	/* page 0 and the two pages that finally worked */
	EXPECT_EQ(3, resident(_metadata, &self->t));
	close(zfd);
}

TEST_HARNESS_MAIN
