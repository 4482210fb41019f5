// SPDX-License-Identifier: GPL-2.0
/*
 * Faults racing with other changes.  Whatever the interleaving, a byte
 * read through a mapping is one the object held at that offset, an access
 * either works or raises SIGBUS, nothing hangs, and the end state is
 * exact.  The races are short; they catch ordering bugs by chance, the
 * checks they make are exact.
 */
#include "conform.h"

#include <sched.h>
#include <sys/prctl.h>

CONFORM_FIXTURE(race);

#define NPAGES	8
#define ROUNDS	300

/* Shared between the test and its child. */
struct race {
	volatile int started;	/* 1 running, -1 failed to start */
	volatile int stop;
	volatile long accesses;
	volatile long bad;
	volatile long bad_off;
	volatile int bad_val;
};

static struct race *race_alloc(void)
{
	struct race *r = mmap(NULL, sizeof(*r), RW,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return r == MAP_FAILED ? NULL : r;
}

/* Note a wrong result for the offset @off, or a wrong signal. */
static void race_bad(struct race *r, long off, int val)
{
	if (!r->bad) {
		r->bad_off = off;
		r->bad_val = val;
	}
	r->bad++;
}

/*
 * Keep touching every page of a shared and a private mapping: reads must
 * find 0 or generation 1's byte, writes store generation 1's byte.
 */
static void toucher(const struct target *t, struct race *r, pid_t parent)
{
	size_t len = pages(NPAGES);
	uint8_t *s = map_target(t, len, RW, MAP_SHARED, 0);
	uint8_t *p = map_target(t, len, RW, MAP_PRIVATE, 0);
	unsigned long k = 0;
	uint8_t *maps[2] = { s, p };
	int i, m, sig;
	uint8_t v;
	size_t o;

	/* With PDEATHSIG we do not outlive a test that failed early. */
	if (s == MAP_FAILED || p == MAP_FAILED ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent) {
		r->started = -1;
		_exit(2);
	}
	r->started = 1;
	while (!r->stop) {
		for (i = 0; i < NPAGES; i++, k++) {
			o = pages(i) + k * 97 % pagesz;
			for (m = 0; m < 2; m++) {
				sig = probe_read(maps[m] + o, &v);
				if (sig && sig != SIGBUS)
					race_bad(r, o, -sig);
				else if (!sig && v && v != pat_byte(o, 1))
					race_bad(r, o, v);
				if (k % 3)
					continue;
				sig = probe_write(maps[m] + o, pat_byte(o, 1));
				if (sig && sig != SIGBUS)
					race_bad(r, o, -sig);
			}
			r->accesses++;
		}
	}
	_exit(0);
}

TEST_F(race, fault_vs_resize_and_punch)
{
	size_t len = pages(NPAGES);
	struct race *r = race_alloc();
	pid_t pid, parent = getpid();
	int round;

	ASSERT_NE(NULL, r);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		toucher(&self->t, r, parent);
	/* Start once the child has touched every page. */
	while (r->started >= 0 && !r->accesses)
		sched_yield();
	ASSERT_EQ(1, r->started);

	for (round = 0; round < ROUNDS; round++) {
		ASSERT_EQ(0, target_set_size(&self->t, len));
		ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
		ASSERT_EQ(0, target_punch(&self->t, pagesz + 10, pages(3)));
		ASSERT_EQ(0, target_set_size(&self->t, pages(2) + 100));
	}
	r->stop = 1;
	EXPECT_EQ(0, child_wait(pid));
	EXPECT_EQ(0, r->bad);
	if (r->bad)
		TH_LOG("first bad access at offset %ld: %d", r->bad_off,
		       r->bad_val);
	EXPECT_LT(0, r->accesses);

	/* Nothing of the race is left behind. */
	ASSERT_EQ(0, target_set_size(&self->t, 0));
	EXPECT_EQ(0, target_resident(&self->t));
	ASSERT_EQ(0, target_set_size(&self->t, len));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, 0, len));
}

/*
 * Two processes write the two halves of each hole page at the same time:
 * both must land in one page.
 */
#define TOUCH_PAGES	64

static void fill_halves(uint8_t *s, int second)
{
	size_t half = pagesz / 2, o;
	int i;

	for (i = 0; i < TOUCH_PAGES; i++) {
		o = pages(i) + (second ? half : 0);
		pat_fill(s + o, half, o, 1);
	}
}

TEST_F(race, concurrent_first_touch)
{
	size_t len = pages(TOUCH_PAGES);
	struct link_pair lp;
	struct link l;
	uint8_t *s;
	int64_t v;
	pid_t pid;

	ASSERT_EQ(0, target_set_size(&self->t, len));
	s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	ASSERT_MAPPED(s);
	ASSERT_EQ(0, link_pair_init(&lp));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		l = link_child(&lp);
		CHILD_ASSERT(!link_recv(l, &v));
		fill_halves(s, 1);
		_exit(0);
	}
	l = link_parent(&lp);
	ASSERT_EQ(0, link_send(l, 0));
	fill_halves(s, 0);
	EXPECT_EQ(0, child_wait(pid));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));
	EXPECT_EQ(TOUCH_PAGES, target_resident(&self->t));
}

CONFORM_MAIN()
