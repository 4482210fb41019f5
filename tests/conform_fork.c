// SPDX-License-Identifier: GPL-2.0
/*
 * fork() inherits both kinds of mapping: a shared one stays shared, a
 * private one is copied page by page on the first write by either side,
 * including pages the parent had already copied before the fork.
 */
#include "conform.h"

CONFORM_FIXTURE(fork);

#define NPAGES	8

/*
 * The test and its child take turns: the child runs @fn, which starts
 * with CHILD_WAIT_TURN() and hands back with CHILD_END_TURN(); the test
 * gives it a turn with child_turn(), and its last one with child_finish().
 */
struct child {
	struct link l;
	pid_t pid;
};

#define CHILD_WAIT_TURN(l) do {						\
	int64_t __v;							\
	CHILD_ASSERT(!link_recv(l, &__v));				\
} while (0)

#define CHILD_END_TURN(l)	CHILD_ASSERT(!link_send(l, 0))

static int start_child(struct child *c, int (*fn)(void *, struct link),
		       void *arg)
{
	struct link_pair lp;

	if (link_pair_init(&lp))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0)
		_exit(fn(arg, link_child(&lp)));
	c->l = link_parent(&lp);
	return 0;
}

/* Let the child take a turn; 0 once it has ended it. */
static int child_turn(struct child *c)
{
	int64_t v;

	return link_send(c->l, 0) || link_recv(c->l, &v) ? -1 : 0;
}

/* Let the child take its last turn; returns its exit status. */
static int child_finish(struct child *c)
{
	link_send(c->l, 0);
	link_close(&c->l);
	return child_wait(c->pid);
}

static int shared_child(void *arg, struct link l)
{
	size_t len = pages(NPAGES), half = len / 2;
	uint8_t *s = arg;

	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(pat_check(s, len, 0, 1) == PAT_OK);
	pat_fill(s, half, 0, 2);
	CHILD_END_TURN(l);
	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(pat_check(s, half, 0, 2) == PAT_OK);
	CHILD_ASSERT(pat_check(s + half, half, half, 3) == PAT_OK);
	return 0;
}

TEST_F(fork, shared_inherited)
{
	size_t len = pages(NPAGES), half = len / 2;
	uint8_t *s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	struct child c;

	ASSERT_MAPPED(s);
	pat_fill(s, len, 0, 1);
	ASSERT_EQ(0, start_child(&c, shared_child, s));
	ASSERT_EQ(0, child_turn(&c));
	EXPECT_EQ(PAT_OK, pat_check(s, half, 0, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, half, 2));
	pat_fill(s + half, half, half, 3);
	EXPECT_EQ(0, child_finish(&c));
}

static int child_writes_child(void *arg, struct link l)
{
	size_t len = pages(NPAGES), half = len / 2;
	uint8_t *p = arg;

	CHILD_WAIT_TURN(l);
	pat_fill(p, half, 0, 2);
	CHILD_END_TURN(l);
	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(pat_check(p, half, 0, 2) == PAT_OK);
	CHILD_ASSERT(pat_check(p + half, half, half, 1) == PAT_OK);
	return 0;
}

TEST_F(fork, private_child_write_not_seen)
{
	size_t len = pages(NPAGES);
	struct child c;
	uint8_t *p;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	ASSERT_EQ(0, start_child(&c, child_writes_child, p));
	ASSERT_EQ(0, child_turn(&c));
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	EXPECT_EQ(0, child_finish(&c));
}

static int parent_writes_child(void *arg, struct link l)
{
	size_t len = pages(NPAGES);
	uint8_t *p = arg;

	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(pat_check(p, len, 0, 1) == PAT_OK);
	CHILD_END_TURN(l);
	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(pat_check(p, len, 0, 1) == PAT_OK);
	return 0;
}

TEST_F(fork, private_parent_write_not_seen)
{
	size_t len = pages(NPAGES);
	struct child c;
	uint8_t *p;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 1));
	ASSERT_EQ(0, start_child(&c, parent_writes_child, p));
	ASSERT_EQ(0, child_turn(&c));
	pat_fill(p, len, 0, 2);
	EXPECT_EQ(0, child_finish(&c));
	EXPECT_EQ(PAT_OK, pat_check(p, len, 0, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
}

/*
 * Page 0 was copied by the parent before the fork: both processes hold
 * that copy, neither follows the object there, and a write by either
 * side after the fork copies it again.
 */
static int before_fork_child(void *arg, struct link l)
{
	size_t len = pages(NPAGES);
	uint8_t *p = arg;

	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(pat_check(p, pagesz, 0, 2) == PAT_OK);
	CHILD_ASSERT(pat_check(p + pagesz, len - pagesz, pagesz, 3) ==
		     PAT_OK);
	pat_fill(p, pagesz, 0, 4);
	CHILD_END_TURN(l);
	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(pat_check(p, pagesz, 0, 4) == PAT_OK);
	return 0;
}

TEST_F(fork, private_write_before_fork)
{
	size_t len = pages(NPAGES);
	struct child c;
	uint8_t *p;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(p);
	pat_fill(p, pagesz, 0, 2);
	ASSERT_EQ(0, start_child(&c, before_fork_child, p));

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 3));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 2));
	EXPECT_EQ(PAT_OK, pat_check(p + pagesz, len - pagesz, pagesz, 3));
	ASSERT_EQ(0, child_turn(&c));
	/* The child has written its copy of page 0. */
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 2));
	pat_fill(p, pagesz, 0, 5);
	EXPECT_EQ(0, child_finish(&c));
	EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 5));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 3));
}

/* Pages neither side wrote follow writes made by either. */
struct follow {
	uint8_t *p;
	int fd;
};

static int follow_child(void *arg, struct link l)
{
	size_t len = pages(NPAGES), half = len / 2;
	struct follow *f = arg;

	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(pat_check(f->p, len, 0, 2) == PAT_OK);
	pat_fill(f->p, half, 0, 3);
	CHILD_ASSERT(!pat_pwrite(f->fd, 0, len, 4));
	CHILD_END_TURN(l);
	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(pat_check(f->p, half, 0, 3) == PAT_OK);
	CHILD_ASSERT(pat_check(f->p + half, half, half, 4) == PAT_OK);
	return 0;
}

TEST_F(fork, unwritten_pages_follow_object)
{
	struct follow f = { .fd = self->t.fd };
	size_t len = pages(NPAGES);
	struct child c;

	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	f.p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(f.p);
	EXPECT_EQ(PAT_OK, pat_check(f.p, len, 0, 1));
	ASSERT_EQ(0, start_child(&c, follow_child, &f));

	/* We write, the child sees; the child writes, we see. */
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 2));
	ASSERT_EQ(0, child_turn(&c));
	EXPECT_EQ(PAT_OK, pat_check(f.p, len, 0, 4));
	EXPECT_EQ(0, child_finish(&c));
}

/*
 * Shrinking reaches the child's inherited mappings: shared pages, pages
 * only read, a private copy made before the fork and one made after.
 */
struct shrink_maps {
	uint8_t *s, *p;
};

static int shrink_child(void *arg, struct link l)
{
	struct shrink_maps *m = arg;
	uint8_t v;
	int i;

	CHILD_WAIT_TURN(l);
	pat_fill(m->p + pages(3), pagesz, pages(3), 3);
	CHILD_END_TURN(l);
	CHILD_WAIT_TURN(l);
	CHILD_ASSERT(probe_read(m->s, &v) == 0 && v == pat_byte(0, 1));
	CHILD_ASSERT(probe_read(m->p, &v) == 0 && v == pat_byte(0, 1));
	for (i = 1; i < 4; i++) {
		CHILD_ASSERT(probe_read(m->s + pages(i), &v) == SIGBUS);
		CHILD_ASSERT(probe_read(m->p + pages(i), &v) == SIGBUS);
	}
	return 0;
}

TEST_F(fork, shrink_reaches_child)
{
	size_t len = pages(4);
	struct shrink_maps m;
	struct child c;
	uint8_t v;
	int i;

	ASSERT_EQ(0, target_set_size(&self->t, len));
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	m.s = map_target(&self->t, len, RW, MAP_SHARED, 0);
	m.p = map_target(&self->t, len, RW, MAP_PRIVATE, 0);
	ASSERT_MAPPED(m.s);
	ASSERT_MAPPED(m.p);
	EXPECT_EQ(PAT_OK, pat_check(m.s, len, 0, 1));
	EXPECT_EQ(PAT_OK, pat_check(m.p, len, 0, 1));
	pat_fill(m.p + pages(2), pagesz, pages(2), 2);

	ASSERT_EQ(0, start_child(&c, shrink_child, &m));
	ASSERT_EQ(0, child_turn(&c));
	ASSERT_EQ(0, target_set_size(&self->t, pagesz));
	EXPECT_EQ(0, child_finish(&c));

	EXPECT_EQ(pat_byte(0, 1), m.p[0]);
	for (i = 1; i < 4; i++) {
		EXPECT_EQ(SIGBUS, probe_read(m.s + pages(i), &v));
		EXPECT_EQ(SIGBUS, probe_read(m.p + pages(i), &v));
	}
}

CONFORM_MAIN()
