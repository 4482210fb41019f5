// SPDX-License-Identifier: GPL-2.0
/*
 * Access to another process's mappings: /proc/PID/mem and
 * process_vm_readv() / process_vm_writev() on a child's shared and
 * private mapping; /proc/self/mem writes into read-only mappings.
 */
#include "conform.h"

#include <sys/uio.h>

CONFORM_FIXTURE(remote);

#define NPAGES	4

/*
 * A child with its own mappings of the object: a shared one and a private
 * one, NPAGES each, both read through once.  It answers pattern checks on
 * them until told to quit.
 */
struct remote {
	pid_t pid;
	struct link l;
	uint8_t *s, *p;
};

enum { REMOTE_QUIT, REMOTE_CHECK_S, REMOTE_CHECK_P };

static void remote_child(struct remote *r, const struct target *t,
			 struct link l)
{
	size_t len = pages(NPAGES);
	int64_t op, off, n, gen;
	uint8_t *map;

	r->s = map_target(t, len, RW, MAP_SHARED, 0);
	r->p = map_target(t, len, RW, MAP_PRIVATE, 0);
	CHILD_ASSERT(r->s != MAP_FAILED && r->p != MAP_FAILED);
	CHILD_ASSERT(pat_check(r->s, len, 0, 1) == PAT_OK);
	CHILD_ASSERT(pat_check(r->p, len, 0, 1) == PAT_OK);
	CHILD_ASSERT(!link_send(l, (intptr_t)r->s));
	CHILD_ASSERT(!link_send(l, (intptr_t)r->p));
	for (;;) {
		CHILD_ASSERT(!link_recv(l, &op));
		if (op == REMOTE_QUIT)
			_exit(0);
		CHILD_ASSERT(!link_recv(l, &off) && !link_recv(l, &n) &&
			     !link_recv(l, &gen));
		map = op == REMOTE_CHECK_S ? r->s : r->p;
		CHILD_ASSERT(!link_send(l, pat_check(map + off, n, off, gen)));
	}
}

static int remote_start(struct remote *r, const struct target *t)
{
	struct link_pair lp;
	int64_t s, p;

	if (link_pair_init(&lp))
		return -1;
	r->pid = fork();
	if (r->pid < 0)
		return -1;
	if (r->pid == 0)
		remote_child(r, t, link_child(&lp));
	r->l = link_parent(&lp);
	if (link_recv(r->l, &s) || link_recv(r->l, &p))
		return -1;
	r->s = (uint8_t *)(intptr_t)s;
	r->p = (uint8_t *)(intptr_t)p;
	return 0;
}

/* Have the child check [@off, @off + @len) of its mapping @op. */
static int64_t remote_check(struct remote *r, int op, uint64_t off,
			    uint64_t len, unsigned int gen)
{
	int64_t ret;

	if (link_send(r->l, op) || link_send(r->l, off) ||
	    link_send(r->l, len) || link_send(r->l, gen) ||
	    link_recv(r->l, &ret))
		return PEER_LOST;
	return ret;
}

static int remote_stop(struct remote *r)
{
	link_send(r->l, REMOTE_QUIT);
	link_close(&r->l);
	return child_wait(r->pid);
}

static int open_mem(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	return open(path, O_RDWR | O_CLOEXEC);
}

TEST_F(remote, proc_mem_shared)
{
	size_t len = pages(NPAGES);
	uint8_t *buf = malloc(pagesz);
	struct remote r;
	int mem;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	ASSERT_EQ(0, remote_start(&r, &self->t));
	mem = open_mem(r.pid);
	ASSERT_LE(0, mem);

	ASSERT_EQ((ssize_t)pagesz, pread(mem, buf, pagesz,
					 (intptr_t)r.s + pages(2)));
	EXPECT_EQ(PAT_OK, pat_check(buf, pagesz, pages(2), 1));

	pat_fill(buf, pagesz, pages(1), 2);
	ASSERT_EQ((ssize_t)pagesz, pwrite(mem, buf, pagesz,
					  (intptr_t)r.s + pages(1)));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(1), pagesz, 2));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_S, pages(1), pagesz,
				       2));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_P, pages(1), pagesz,
				       2));
	close(mem);
	EXPECT_EQ(0, remote_stop(&r));
}

TEST_F(remote, proc_mem_private)
{
	size_t len = pages(NPAGES);
	uint8_t *buf = malloc(pagesz);
	struct remote r;
	int mem;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	ASSERT_EQ(0, remote_start(&r, &self->t));
	mem = open_mem(r.pid);
	ASSERT_LE(0, mem);

	pat_fill(buf, pagesz, pages(1), 2);
	ASSERT_EQ((ssize_t)pagesz, pwrite(mem, buf, pagesz,
					  (intptr_t)r.p + pages(1)));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_P, pages(1), pagesz,
				       2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_S, 0, len, 1));

	/* The copy no longer follows the object, the other pages do. */
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 3));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_P, pages(1), pagesz,
				       2));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_P, pages(2), pagesz,
				       3));
	ASSERT_EQ((ssize_t)pagesz, pread(mem, buf, pagesz,
					 (intptr_t)r.p + pages(1)));
	EXPECT_EQ(PAT_OK, pat_check(buf, pagesz, pages(1), 2));
	close(mem);
	EXPECT_EQ(0, remote_stop(&r));
}

/* Past the end /proc/PID/mem reads stop short, then fail with EIO. */
TEST_F(remote, proc_mem_past_end)
{
	size_t len = pages(NPAGES);
	uint8_t *buf = malloc(pages(2));
	struct remote r;
	int mem;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	ASSERT_EQ(0, remote_start(&r, &self->t));
	ASSERT_EQ(0, target_set_size(&self->t, pages(3)));
	mem = open_mem(r.pid);
	ASSERT_LE(0, mem);

	EXPECT_EQ((ssize_t)pagesz, pread(mem, buf, pages(2),
					 (intptr_t)r.s + pages(2)));
	EXPECT_EQ(PAT_OK, pat_check(buf, pagesz, pages(2), 1));
	errno = 0;
	EXPECT_EQ(-1, pread(mem, buf, pagesz, (intptr_t)r.s + pages(3)));
	EXPECT_EQ(EIO, errno);
	errno = 0;
	EXPECT_EQ(-1, pwrite(mem, buf, pagesz, (intptr_t)r.p + pages(3)));
	EXPECT_EQ(EIO, errno);
	close(mem);
	EXPECT_EQ(0, remote_stop(&r));
}

/*
 * /proc/self/mem writes even where the mapping forbids writing: into a
 * private mapping by copying the page, never into a shared one.
 */
/*
 * Whether /proc/self/mem may write through a read-only private mapping
 * (FOLL_FORCE).  Kernels from 6.12 can forbid it (proc_mem.force_override,
 * CONFIG_PROC_MEM_*), so ask an anonymous mapping, the control: the device
 * and tmpfs must then behave as it does.
 */
static bool proc_mem_forces_writes(int mem)
{
	uint8_t *a = mmap(NULL, pagesz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	uint8_t one = 1;
	bool ok;

	if (a == MAP_FAILED)
		return true;
	ok = pwrite(mem, &one, 1, (intptr_t)a) == 1 && a[0] == 1;
	munmap(a, pagesz);
	return ok;
}

TEST_F(remote, proc_self_mem_read_only)
{
	size_t len = pages(2);
	uint8_t *buf = malloc(pagesz), *s, *p;
	int mem;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	s = map_target(&self->t, len, PROT_READ, MAP_SHARED, 0);
	p = map_target(&self->t, len, PROT_READ, MAP_PRIVATE, 0);
	ASSERT_MAPPED(s);
	ASSERT_MAPPED(p);
	mem = open_mem(getpid());
	ASSERT_LE(0, mem);

	pat_fill(buf, pagesz, 0, 2);
	if (proc_mem_forces_writes(mem)) {
		ASSERT_EQ((ssize_t)pagesz,
			  pwrite(mem, buf, pagesz, (intptr_t)p));
		EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 2));
	} else {
		/* proc_mem.force_override=never/ptrace: refused like anon. */
		errno = 0;
		EXPECT_EQ(-1, pwrite(mem, buf, pagesz, (intptr_t)p));
		EXPECT_EQ(PAT_OK, pat_check(p, pagesz, 0, 1));
	}
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	EXPECT_EQ(PAT_OK, pat_check(s, len, 0, 1));

	errno = 0;
	EXPECT_EQ(-1, pwrite(mem, buf, pagesz, (intptr_t)s));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	close(mem);
}

static ssize_t vm_rw(pid_t pid, void *local, void *remote, size_t len,
		     int write)
{
	struct iovec l = { .iov_base = local, .iov_len = len };
	struct iovec r = { .iov_base = remote, .iov_len = len };

	if (write)
		return process_vm_writev(pid, &l, 1, &r, 1, 0);
	return process_vm_readv(pid, &l, 1, &r, 1, 0);
}

TEST_F(remote, process_vm_shared)
{
	size_t len = pages(NPAGES);
	uint8_t *buf = malloc(pagesz);
	struct remote r;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	ASSERT_EQ(0, remote_start(&r, &self->t));
	ASSERT_EQ((ssize_t)pagesz, vm_rw(r.pid, buf, r.s + pages(3), pagesz,
					 0));
	EXPECT_EQ(PAT_OK, pat_check(buf, pagesz, pages(3), 1));

	pat_fill(buf, pagesz, pages(2), 2);
	ASSERT_EQ((ssize_t)pagesz, vm_rw(r.pid, buf, r.s + pages(2), pagesz,
					 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pagesz, 2));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_S, pages(2), pagesz,
				       2));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_P, pages(2), pagesz,
				       2));
	EXPECT_EQ(0, remote_stop(&r));
}

TEST_F(remote, process_vm_private)
{
	size_t len = pages(NPAGES);
	uint8_t *buf = malloc(pagesz);
	struct remote r;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	ASSERT_EQ(0, remote_start(&r, &self->t));
	pat_fill(buf, pagesz, 0, 2);
	ASSERT_EQ((ssize_t)pagesz, vm_rw(r.pid, buf, r.p, pagesz, 1));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_P, 0, pagesz, 2));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, len, 1));
	EXPECT_EQ(PAT_OK, remote_check(&r, REMOTE_CHECK_S, 0, len, 1));

	memset(buf, 0, pagesz);
	ASSERT_EQ((ssize_t)pagesz, vm_rw(r.pid, buf, r.p, pagesz, 0));
	EXPECT_EQ(PAT_OK, pat_check(buf, pagesz, 0, 2));
	EXPECT_EQ(0, remote_stop(&r));
}

/* Past the end process_vm_readv() stops short, then fails with EFAULT. */
TEST_F(remote, process_vm_past_end)
{
	size_t len = pages(NPAGES);
	uint8_t *buf = malloc(pages(2));
	struct remote r;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, len, 1));
	ASSERT_EQ(0, remote_start(&r, &self->t));
	ASSERT_EQ(0, target_set_size(&self->t, pages(3)));
	EXPECT_EQ((ssize_t)pagesz, vm_rw(r.pid, buf, r.s + pages(2),
					 pages(2), 0));
	EXPECT_EQ(PAT_OK, pat_check(buf, pagesz, pages(2), 1));
	errno = 0;
	EXPECT_EQ(-1, vm_rw(r.pid, buf, r.s + pages(3), pagesz, 0));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, vm_rw(r.pid, buf, r.p + pages(3), pagesz, 1));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, remote_stop(&r));
}

CONFORM_MAIN()
