// SPDX-License-Identifier: GPL-2.0
/* Doing things as user nobody: see nobody.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nobody.h"

int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return errno;
	if (getuid() != NOBODY || geteuid() != NOBODY || getegid() != NOBODY)
		return EPERM;
	/* The kernel clears every capability on the switch away from 0. */
	if (setresuid(0, 0, 0) == 0)
		return EPERM;
	return 0;
}

struct nobody_results *nobody_results_new(void)
{
	struct nobody_results *r = mmap(NULL, sizeof(*r),
					PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return r == MAP_FAILED ? NULL : r;
}

void nobody_record(struct nobody_results *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (r->n == MAX_ATTEMPTS)
		return;
	va_start(ap, fmt);
	vsnprintf(r->what[r->n], sizeof(r->what[0]), fmt, ap);
	va_end(ap);
	r->err[r->n++] = err;
}

int as_nobody(void (*fn)(struct nobody_results *r, const void *arg),
	      const void *arg, struct nobody_results *r)
{
	int status = -1;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		r->setup_err = drop_to_nobody();
		if (!r->setup_err)
			fn(r, arg);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

int try_open(const char *path, int flags, int *fdp)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fdp)
		*fdp = fd;
	else if (fd >= 0)
		close(fd);
	return fd < 0 ? errno : 0;
}
