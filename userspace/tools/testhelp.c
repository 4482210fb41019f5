// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo-testhelp: small jobs the shell cannot do, for tests/cli_vmdemo.sh
 * and tests/cli_map.sh.
 * Built into bin/ for the test VM; "make install" does not install it.
 *
 *   vmdemo-testhelp hold SECONDS      map /dev/vmdemo, touch a page, print
 *                                     "mapped", then wait SECONDS (or a signal)
 *   vmdemo-testhelp layout SECONDS|stop [fork]
 *                                     lay out pages for tests/cli_map.sh (see
 *                                     layout() below), print "mapped", then
 *                                     wait SECONDS, or stop itself once
 *   vmdemo-testhelp badmagic IN OUT   copy the module IN to OUT with a vermagic
 *                                     that no kernel accepts
 *   vmdemo-testhelp asuser UID CMD..  run CMD with user and group ids UID
 *   vmdemo-testhelp pty CMD...        run CMD on a pseudo-terminal, passing our
 *                                     stdin to it and its output to our stdout
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmdemo.h>

static int fail(const char *what)
{
	fprintf(stderr, "vmdemo-testhelp: %s: %s\n", what, strerror(errno));
	return 1;
}

static int hold(int seconds)
{
	int fd = open(VMDEMO_DEVICE_PATH, O_RDWR);
	volatile char *map;

	if (fd < 0)
		return fail("open " VMDEMO_DEVICE_PATH);
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap");
	close(fd);
	map[0] = 'h';
	printf("mapped\n");
	fflush(stdout);
	sleep(seconds);
	return 0;
}

/*
 * Five pages in a row, for vmdemo map: pages 0-2 map the device (or the file
 * $VMDEMO_DEV) MAP_PRIVATE from offset 0, page 0 read (the device's page),
 * page 1 written (a private copy), page 2 never touched (not present); pages
 * 3-4 are anonymous memory, page 3 read (the shared zero page), page 4 not
 * touched.  Prints "device ADDR" (page 0's address); with "fork", a child
 * that reads page 0, writes its own copy of page 1 and reads page 3, and
 * "child PID".  Then "mapped", and waits SECONDS, or with "stop" raises
 * SIGSTOP once (for vmdemo map -- PROGRAM) and exits when continued.
 */
static int layout(const char *wait, int forking)
{
	const char *path = getenv("VMDEMO_DEV") ? getenv("VMDEMO_DEV") : VMDEMO_DEVICE_PATH;
	long ps = sysconf(_SC_PAGESIZE);
	volatile char *p;
	int fd, ready[2];
	pid_t child = 0;
	char c;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail(path);
	if (lseek(fd, 0, SEEK_END) < 3 * ps) {
		fprintf(stderr, "vmdemo-testhelp: %s is smaller than 3 pages\n", path);
		return 1;
	}
	p = mmap(NULL, 5 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	if (mmap((void *)p, 3 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)
		return fail(path);
	close(fd);
	(void)p[0];
	p[ps] = 'p';
	(void)p[3 * ps];
	/* Fault-around may have mapped page 2 with page 0: unmap it again. */
	if (madvise((void *)(p + 2 * ps), ps, MADV_DONTNEED))
		return fail("madvise");
	printf("device %lx\n", (unsigned long)p);
	if (forking) {
		if (pipe(ready))
			return fail("pipe");
		child = fork();
		if (child < 0)
			return fail("fork");
		if (child == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			(void)p[0];
			p[ps] = 'c';
			(void)p[3 * ps];
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		if (read(ready[0], &c, 1) != 1)
			return fail("the child");
		printf("child %d\n", child);
	}
	printf("mapped\n");
	fflush(stdout);
	if (!strcmp(wait, "stop"))
		raise(SIGSTOP);
	else
		sleep(atoi(wait));
	if (child)
		kill(child, SIGKILL);
	return 0;
}

/* The kernel compares vermagic after its first space: change that part. */
static int badmagic(const char *in, const char *out)
{
	static char buf[64 << 20];
	char *magic, *space;
	ssize_t n;
	int fd;

	fd = open(in, O_RDONLY);
	if (fd < 0)
		return fail(in);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return fail(in);
	magic = memmem(buf, n, "vermagic=", 9);
	space = magic ? memchr(magic, ' ', buf + n - magic) : NULL;
	if (!space || space + 1 >= buf + n) {
		fprintf(stderr, "vmdemo-testhelp: no vermagic in %s\n", in);
		return 1;
	}
	space[1] = space[1] == 'X' ? 'Y' : 'X';
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, n) != n || close(fd))
		return fail(out);
	return 0;
}

static int asuser(const char *uid, char **argv)
{
	int id = atoi(uid);

	if (setgroups(0, NULL) || setgid(id) || setuid(id))
		return fail("cannot drop privileges");
	execvp(argv[0], argv);
	return fail(argv[0]);
}

/* Copy what is readable from @from to @to; returns bytes copied, <= 0 at end. */
static ssize_t copy(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n > 0 && write(to, buf, n) != n)
		return -1;
	return n;
}

static int pty(char **argv)
{
	struct pollfd fds[2];
	int master, status;
	pid_t pid;

	pid = forkpty(&master, NULL, NULL, NULL);
	if (pid < 0)
		return fail("forkpty");
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	fds[0].fd = STDIN_FILENO;
	fds[0].events = POLLIN;
	fds[1].fd = master;
	fds[1].events = POLLIN;
	for (;;) {
		if (poll(fds, 2, -1) < 0)
			continue;
		/* At the end of our input, stop reading it; never send EOF. */
		if (fds[0].revents && copy(STDIN_FILENO, master) <= 0)
			fds[0].fd = -1;
		/* The child side closed: read() fails with EIO. */
		if (fds[1].revents && copy(master, STDOUT_FILENO) <= 0)
			break;
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return hold(atoi(argv[2]));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "layout"))
		return layout(argv[2], argc == 4 && !strcmp(argv[3], "fork"));
	if (argc == 4 && !strcmp(argv[1], "badmagic"))
		return badmagic(argv[2], argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "asuser"))
		return asuser(argv[2], argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "pty"))
		return pty(argv + 2);
	fprintf(stderr, "usage: vmdemo-testhelp hold SECONDS | layout SECONDS|stop [fork] | badmagic IN OUT | asuser UID CMD... | pty CMD...\n");
	return 2;
}
