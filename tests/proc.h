/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Other processes: forked children that step in lock-step with the test
 * over a pair of pipes, and "peers", unrelated processes (this same
 * program exec'ed again) that open the object by its path and map it
 * themselves.
 */
#ifndef _VMDEMO_PROC_H
#define _VMDEMO_PROC_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

/* One side's ends of a link_pair: read from the other side, write to it. */
struct link {
	int rd;
	int wr;
};

/* Two pipes: down goes parent to child, up child to parent. */
struct link_pair {
	int down[2];
	int up[2];
};

int link_pair_init(struct link_pair *lp);
struct link link_parent(struct link_pair *lp);
struct link link_child(struct link_pair *lp);
int link_send(struct link l, int64_t val);
int link_recv(struct link l, int64_t *val);
void link_close(struct link *l);

int child_wait(pid_t pid);

/*
 * In a forked child the harness' ASSERT_*() must not be used (it would
 * run the fixture teardown in the child); report and exit instead.
 */
#define CHILD_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "# child %d: %s:%d: failed: %s\n",	\
			getpid(), __FILE__, __LINE__, #cond);		\
		_exit(1);						\
	}								\
} while (0)

/* argv[1] that turns a conformance program into a peer. */
#define PEER_ARG	"--vmdemo-peer"

enum peer_op {
	PEER_FILL	= 'f',	/* pat_fill() into its mapping */
	PEER_CHECK	= 'c',	/* pat_check() its mapping */
	PEER_ZERO	= 'z',	/* zero_check() its mapping */
	PEER_PWRITE	= 'w',	/* pat_pwrite() through its own fd */
	PEER_PCHECK	= 'r',	/* pat_pcheck() through its own fd */
	PEER_QUIT	= 'q',
};

/* peer_do() could not talk to the peer. */
#define PEER_LOST	INT64_MIN

struct peer {
	pid_t pid;
	struct link l;
};

int peer_start(struct peer *p, const char *path, size_t len, int mapflags);
int64_t peer_do(struct peer *p, enum peer_op op, uint64_t off, uint64_t len,
		unsigned int gen);
int peer_stop(struct peer *p);
int peer_main(int argc, char **argv);

#endif /* _VMDEMO_PROC_H */
