// SPDX-License-Identifier: GPL-2.0
/* Forked children in lock-step, and unrelated peer processes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "pattern.h"
#include "proc.h"

int link_pair_init(struct link_pair *lp)
{
	if (pipe2(lp->down, O_CLOEXEC))
		return -1;
	if (pipe2(lp->up, O_CLOEXEC)) {
		close(lp->down[0]);
		close(lp->down[1]);
		return -1;
	}
	return 0;
}

/* The parent's ends; closes the child's. */
struct link link_parent(struct link_pair *lp)
{
	close(lp->down[0]);
	close(lp->up[1]);
	return (struct link){ .rd = lp->up[0], .wr = lp->down[1] };
}

/* The child's ends; closes the parent's. */
struct link link_child(struct link_pair *lp)
{
	close(lp->down[1]);
	close(lp->up[0]);
	return (struct link){ .rd = lp->down[0], .wr = lp->up[1] };
}

static int full_io(int fd, void *buf, size_t len, int wr)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = wr ? write(fd, p, len) : read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int link_send(struct link l, int64_t val)
{
	return full_io(l.wr, &val, sizeof(val), 1);
}

/* 0, or -1 if the other side is gone. */
int link_recv(struct link l, int64_t *val)
{
	return full_io(l.rd, val, sizeof(*val), 0);
}

void link_close(struct link *l)
{
	close(l->rd);
	close(l->wr);
	l->rd = l->wr = -1;
}

/* Wait for @pid: its exit status, 128 + signal if killed, -1 on error. */
int child_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

struct peer_msg {
	int32_t op;
	uint32_t gen;
	uint64_t off;
	uint64_t len;
};

/**
 * peer_start() - start an unrelated process that maps the object
 * @p: filled in
 * @path: what the peer opens, O_RDWR
 * @len: the peer maps [0, @len) of it, read-write
 * @mapflags: MAP_SHARED or MAP_PRIVATE
 *
 * The peer is this program exec'ed again, so it inherits neither the
 * descriptors nor the mappings of the test.
 *
 * Return: 0 once the peer has its mapping, -1 otherwise.
 */
int peer_start(struct peer *p, const char *path, size_t len, int mapflags)
{
	char lenstr[32], flagstr[32];
	struct link_pair lp;
	int64_t ready;

	snprintf(lenstr, sizeof(lenstr), "%zu", len);
	snprintf(flagstr, sizeof(flagstr), "%d", mapflags);
	if (link_pair_init(&lp))
		return -1;
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		/* dup2() clears O_CLOEXEC on the copies. */
		if (dup2(lp.down[0], 0) < 0 || dup2(lp.up[1], 1) < 0)
			_exit(127);
		execl("/proc/self/exe", "vmdemo-peer", PEER_ARG, path, lenstr,
		      flagstr, (char *)NULL);
		_exit(127);
	}
	p->l = link_parent(&lp);
	if (link_recv(p->l, &ready) || ready) {
		peer_stop(p);
		return -1;
	}
	return 0;
}

/* Have the peer do @op on [@off, @off + @len); returns its answer. */
int64_t peer_do(struct peer *p, enum peer_op op, uint64_t off, uint64_t len,
		unsigned int gen)
{
	struct peer_msg msg = { .op = op, .gen = gen, .off = off, .len = len };
	int64_t ret;

	if (full_io(p->l.wr, &msg, sizeof(msg), 1) || link_recv(p->l, &ret))
		return PEER_LOST;
	return ret;
}

/* Stop the peer; returns its exit status as child_wait(). */
int peer_stop(struct peer *p)
{
	struct peer_msg msg = { .op = PEER_QUIT };

	full_io(p->l.wr, &msg, sizeof(msg), 1);
	link_close(&p->l);
	return child_wait(p->pid);
}

/* The peer: argv is PEER_ARG path len mapflags; commands on stdin. */
int peer_main(int argc, char **argv)
{
	struct link l = { .rd = 0, .wr = 1 };
	struct peer_msg msg;
	size_t len;
	uint8_t *map;
	int64_t ret;
	int fd;

	if (argc != 5)
		return 2;
	len = strtoull(argv[3], NULL, 0);
	fd = open(argv[2], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		link_send(l, -errno);
		return 3;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, atoi(argv[4]), fd, 0);
	if (map == MAP_FAILED) {
		link_send(l, -errno);
		return 4;
	}
	if (link_send(l, 0))
		return 5;

	while (!full_io(0, &msg, sizeof(msg), 0)) {
		if (msg.off > len || msg.len > len - msg.off)
			return 6;
		switch (msg.op) {
		case PEER_FILL:
			pat_fill(map + msg.off, msg.len, msg.off, msg.gen);
			ret = 0;
			break;
		case PEER_CHECK:
			ret = pat_check(map + msg.off, msg.len, msg.off,
					msg.gen);
			break;
		case PEER_ZERO:
			ret = zero_check(map + msg.off, msg.len);
			break;
		case PEER_PWRITE:
			ret = pat_pwrite(fd, msg.off, msg.len, msg.gen);
			break;
		case PEER_PCHECK:
			ret = pat_pcheck(fd, msg.off, msg.len, msg.gen);
			break;
		case PEER_QUIT:
			return 0;
		default:
			return 7;
		}
		if (link_send(l, ret))
			return 8;
	}
	return 9;
}
