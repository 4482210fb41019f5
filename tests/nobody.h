/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Doing things as user nobody: an unprivileged process (uid/gid 65534, no
 * supplementary groups, no capabilities), forked from the root test,
 * which records what each of its attempts gave in memory shared with the
 * parent.
 */
#ifndef _VMDEMO_NOBODY_H
#define _VMDEMO_NOBODY_H

#define NOBODY		65534

/* Become nobody with no groups and no capabilities; 0 or an errno. */
int drop_to_nobody(void);

#define MAX_ATTEMPTS	64

/* What the unprivileged child reports. */
struct nobody_results {
	int setup_err;			/* drop_to_nobody() failed: errno */
	int n;
	int err[MAX_ATTEMPTS];		/* errno of each attempt; 0: it worked */
	char what[MAX_ATTEMPTS][160];
};

/* Shared with the children; NULL if it cannot be mapped. */
struct nobody_results *nobody_results_new(void);

/* Record attempt @fmt... with its result @err (errno, or 0). */
void nobody_record(struct nobody_results *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Run @fn as nobody in a child and wait for it; @fn records each attempt
 * in @r.  Returns the child's wait status.
 */
int as_nobody(void (*fn)(struct nobody_results *r, const void *arg),
	      const void *arg, struct nobody_results *r);

/*
 * Open @path with @flags: the errno (0: it opened); the descriptor in
 * *@fdp, or closed if @fdp is NULL.
 */
int try_open(const char *path, int flags, int *fdp);

#endif /* _VMDEMO_NOBODY_H */
