// SPDX-License-Identifier: GPL-2.0
/*
 * tests/failinj_sweep.c: every allocation of a call to /dev/vmdemo failed
 * in turn, with /proc/thread-self/fail-nth = k (inject.h) in the fixture
 * of failinj.h: the k-th allocation of the call fails, for k = 1, 2, ...
 * until the call no longer makes k allocations, one run each.  After each
 * run the device must be exactly what the call's result says (a model of
 * its content, size, resident pages and page accounting).
 *
 *  - write(): ENOMEM, or a write that stops at a page boundary, with
 *    exactly the bytes it reports written;
 *  - VMDEMO_IOC_SET_SIZE (shrink into a page, grow) and PUNCH_HOLE on
 *    mapped pages allocate at most a TLB-gathering page, whose failure
 *    the kernel absorbs: in Linux 6.1 they never fail.
 *
 * Needs the debug kernel (scripts/debug-kernel): every test skips, with
 * the reason, on a kernel without fault injection.  Diagnostics go to
 * stderr; results are TAP (kselftest harness).
 */
#include "failinj.h"

/* No system call under test makes more allocations than this. */
#define SWEEP_MAX	400U

/*
 * Sweep state: the device holds SWEEP_PAGES pages; self->model is what it
 * should read as, resident[] which pages it should hold.
 */
struct sweep {
	bool resident[SWEEP_PAGES];
	uint64_t size;
	struct counters start;
};

/* Device: size SWEEP_PAGES pages, pages [0, @nres) written with gen 1. */
static int sweep_reset(FIXTURE_DATA(fi) *self, struct sweep *s, int nres,
		       bool map_them)
{
	volatile uint8_t sink;
	int i;

	if (target_set_size(&self->t, 0) ||
	    target_set_size(&self->t, pages(SWEEP_PAGES)))
		return -1;
	memset(self->model, 0, pages(SWEEP_PAGES));
	memset(s->resident, 0, sizeof(s->resident));
	s->size = pages(SWEEP_PAGES);
	if (nres) {
		pat_fill(self->model, pages(nres), 0, 1);
		if (pwrite(self->t.fd, self->model, pages(nres), 0) !=
		    (ssize_t)pages(nres))
			return -1;
	}
	for (i = 0; i < nres; i++) {
		s->resident[i] = true;
		if (map_them)
			sink = self->map[pages(i)];
	}
	(void)sink;
	return counters_read(&s->start);
}

/*
 * The device agrees with the model: size, every byte below it (pread),
 * the resident pages (GET_INFO) and the page accounting (pages_allocated
 * - pages_freed moved as pages_resident did); no page past the size or
 * punched out is still mapped.
 */
static void sweep_check(struct __test_metadata *_metadata,
			FIXTURE_DATA(fi) *self, struct sweep *s, long nres0,
			const char *what, unsigned int k)
{
	struct counters d;
	uint8_t *got = self->buf;
	uint64_t size = 0;
	long nres = 0;
	ssize_t n;
	int i;

	for (i = 0; i < SWEEP_PAGES; i++)
		nres += s->resident[i];
	EXPECT_EQ(0, target_get_size(&self->t, &size));
	EXPECT_EQ(s->size, size) TH_LOG("%s, allocation %u failed: size", what, k);
	n = pread(self->t.fd, got, s->size, 0);
	EXPECT_EQ((ssize_t)s->size, n);
	if (n == (ssize_t)s->size)
		EXPECT_EQ(0, memcmp(got, self->model, s->size))
			TH_LOG("%s, allocation %u failed: contents differ", what, k);
	EXPECT_EQ(nres, resident(_metadata, &self->t))
		TH_LOG("%s, allocation %u failed: resident pages", what, k);
	counters_since(&d, &s->start);
	EXPECT_EQ(nres - nres0,
		  (long)(d.v[C_PAGES_ALLOCATED] - d.v[C_PAGES_FREED]))
		TH_LOG("%s, allocation %u failed: allocated %" PRIu64 " freed %" PRIu64,
		       what, k, d.v[C_PAGES_ALLOCATED], d.v[C_PAGES_FREED]);
	for (i = 0; i < SWEEP_PAGES; i++) {
		if (!s->resident[i])
			EXPECT_EQ(0, pte_present(self->map + pages(i)))
				TH_LOG("%s, allocation %u failed: page %d still mapped", what, k, i);
	}
}

/*
 * write() with each of its allocations failed in turn: the result is
 * ENOMEM or a write that stops at a page boundary, and exactly the bytes
 * it reports are written.  Two writes: one into holes next to resident
 * pages (page allocations), one far away (xarray nodes too).
 */
TEST_F_TIMEOUT(fi, write_each_allocation_failed, 200)
{
	static const struct { uint64_t off; size_t len; } w[] = {
		{ 2 * 4096 + 1000, 6 * 4096 },	/* pages 2..8: 2, 3 resident */
		{ 40 * 4096, 3 * 4096 + 10 },	/* pages 40..43, all holes */
	};
	unsigned int k, i, injected;
	struct sweep s;
	long left;
	ssize_t n;
	int err;

	SKIP_IF_NEEDED();
	for (i = 0; i < 2; i++) {
		unsigned int enomem = 0, shorts = 0, absorbed = 0;

		injected = 0;
		for (k = 1; k <= SWEEP_MAX; k++) {
			uint64_t end, p;

			/* pages 0..3 resident; page 40.. far from the rest */
			ASSERT_EQ(0, sweep_reset(self, &s, i ? 1 : 4, false));
			pat_fill(self->buf, w[i].len, w[i].off, 2);
			ASSERT_EQ(0, nth_arm(&self->in, k));
			n = pwrite(self->t.fd, self->buf, w[i].len, w[i].off);
			err = errno;
			left = nth_disarm(&self->in);
			ASSERT_LE(0, left);

			if (n < 0) {
				ASSERT_EQ(ENOMEM, err)
					TH_LOG("write %u, allocation %u failed: %s", i, k, strerror(err));
				n = 0;
			}
			ASSERT_GE((ssize_t)w[i].len, n);
			end = w[i].off + n;
			if ((size_t)n < w[i].len)
				EXPECT_EQ(0U, end % pagesz)
					TH_LOG("write %u, allocation %u failed: short write of %zd ends inside a page",
					       i, k, n);
			if (n)
				pat_fill(self->model + w[i].off, n, w[i].off, 2);
			for (p = w[i].off / pagesz; n && p < (end + pagesz - 1) / pagesz; p++)
				s.resident[p] = true;
			sweep_check(_metadata, self, &s, i ? 1 : 4, "write", k);
			if (left)
				break;		/* the write made fewer than k */
			injected++;
			if ((size_t)n == w[i].len)
				absorbed++;
			else if (n)
				shorts++;
			else
				enomem++;
		}
		EXPECT_LT(0U, injected) TH_LOG("write %u allocated nothing?", i);
		ASSERT_GE(SWEEP_MAX, k) TH_LOG("write %u never stopped allocating", i);
		TH_LOG("write %u: %u allocations, each failed once: %u ENOMEM, %u short, %u complete",
		       i, injected, enomem, shorts, absorbed);
	}
}

/*
 * SET_SIZE (shrink into a page, grow) and PUNCH_HOLE on mapped pages,
 * each of their allocations failed in turn: they succeed or fail with
 * ENOMEM, and the device is what the call's result says.
 */
TEST_F_TIMEOUT(fi, resize_and_punch_each_allocation_failed, 200)
{
	enum { SHRINK, GROW, PUNCH, NR_OPS };
	static const char *const names[NR_OPS] = { "shrink", "grow", "punch" };
	const uint64_t shrink_to = pages(10) + 100;
	const uint64_t punch_off = pages(3) + 500, punch_len = pages(37) - 493;
	unsigned int op, k, injected;
	struct vmdemo_range range;
	struct sweep s;
	uint64_t size;
	long left;
	int ret, err, i;

	SKIP_IF_NEEDED();
	for (op = 0; op < NR_OPS; op++) {
		injected = 0;
		for (k = 1; k <= SWEEP_MAX; k++) {
			ASSERT_EQ(0, sweep_reset(self, &s, SWEEP_PAGES, true));
			if (op == GROW)
				ASSERT_EQ(0, target_set_size(&self->t, shrink_to));
			ASSERT_EQ(0, counters_read(&s.start));

			ASSERT_EQ(0, nth_arm(&self->in, k));
			switch (op) {
			case SHRINK:
				size = shrink_to;
				ret = ioctl(self->t.fd, VMDEMO_IOC_SET_SIZE, &size);
				break;
			case GROW:
				size = pages(SWEEP_PAGES);
				ret = ioctl(self->t.fd, VMDEMO_IOC_SET_SIZE, &size);
				break;
			default:
				range = (struct vmdemo_range){
					.offset = punch_off,
					.length = punch_len,
				};
				ret = ioctl(self->t.fd, VMDEMO_IOC_PUNCH_HOLE, &range);
				break;
			}
			err = errno;
			left = nth_disarm(&self->in);
			ASSERT_LE(0, left);

			if (ret) {
				EXPECT_EQ(ENOMEM, err)
					TH_LOG("%s, allocation %u failed: %s", names[op], k, strerror(err));
				TH_LOG("%s: allocation %u failed, the call failed (%s)",
				       names[op], k, strerror(err));
			}
			/* the model after the call */
			if (op == SHRINK || op == GROW) {
				/* grow: the shrink before it is the state */
				if (op == GROW || !ret) {
					memset(self->model + shrink_to, 0,
					       pages(SWEEP_PAGES) - shrink_to);
					for (i = 11; i < SWEEP_PAGES; i++)
						s.resident[i] = false;
				}
				s.size = (op == SHRINK && !ret) || (op == GROW && ret) ?
					 shrink_to : pages(SWEEP_PAGES);
			} else if (!ret) {
				memset(self->model + punch_off, 0, punch_len);
				for (i = 4; i < 40; i++)
					s.resident[i] = false;
			}
			sweep_check(_metadata, self, &s,
				    op == GROW ? 11 : SWEEP_PAGES, names[op], k);
			if (left)
				break;
			injected++;
		}
		ASSERT_GE(SWEEP_MAX, k);
		TH_LOG("%s: %u allocations, each failed once", names[op], injected);
	}
}

TEST_HARNESS_MAIN
