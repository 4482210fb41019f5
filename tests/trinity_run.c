// SPDX-License-Identifier: GPL-2.0
/*
 * tests/trinity_run.c: fuzz /dev/vmdemo with trinity, the system call
 * fuzzer, and check that the device and the kernel come out whole.
 *
 * trinity runs as user nobody (uid/gid 65534: it refuses to run as root,
 * and nobody is exactly the unprivileged caller the fuzzing is about),
 * with /dev/vmdemo as its only file (-V /dev/vmdemo --enable-fds=pseudo:
 * no sockets, pipes, memfds... and no other files), restricted to the
 * memory-management and file calls (-c each of CALLS below), for a
 * fixed number of calls.  For the run the node is opened to mode 0666
 * (it is the module's "mode", 0600 by default, before and after).
 *
 * TAP, one line each:
 *   1 trinity ran the calls and stopped by itself, in time
 *   2 it fuzzed the device: it opened /dev/vmdemo and mapped it
 *   3 no new kernel taint (warning, BUG, bad page, lockup...)
 *   4 nothing of trinity's is left running
 *   5 the node, the module's parameters and its reference count are as
 *     before (so that the suite's rmmod works)
 *   6 the device still works, and its page accounting adds up
 * A kernel splat also fails the whole run (scripts/kernel-health).
 *
 * Environment:
 *   VMDEMO_TEST_TRINITY_CALLS    system calls to make (default 100000)
 *   VMDEMO_TEST_TRINITY_TIMEOUT  seconds trinity may take (default 250)
 *   VMDEMO_TEST_TRINITY_SEED     random seed (default: from the clock;
 *                                printed, to repeat a run)
 *   VMDEMO_TEST_TRINITY_CHILDREN trinity's child processes (default 4)
 * Skips (exit 4) if trinity or /dev/vmdemo is not there.  Needs root.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "counters.h"
#include "pattern.h"
#include "target.h"

#define NOBODY		65534
#define WORKDIR		"/tmp/trinity-run"
#define OUTFILE		WORKDIR "/trinity.out"
#define PARAMS_DIR	"/sys/module/vmdemo/parameters"
#define KSFT_SKIP	4
#define NTESTS		6

static const char *const calls[] = {
	"mmap", "munmap", "mremap", "mprotect", "madvise", "msync", "mlock",
	"munlock", "read", "write", "pread64", "pwrite64", "lseek", "ioctl",
	"fallocate",
};

static int test_nr, failed;

static void tap(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++test_nr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failed = 1;
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(KSFT_SKIP);
}

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return def;
	v = strtol(s, &end, 0);
	return *end || v <= 0 ? def : v;
}

static const char *find_trinity(void)
{
	static const char *const where[] = {
		"/usr/bin/trinity", "/usr/sbin/trinity", "/usr/local/bin/trinity",
	};
	size_t i;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		if (!access(where[i], X_OK))
			return where[i];
	return NULL;
}

static const char *dev_path(void)
{
	const char *p = getenv("VMDEMO_DEV");

	return p && *p ? p : VMDEMO_DEVICE_PATH;
}

/* A small sysfs/procfs file as text (trailing newline dropped). */
static int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static long read_long(const char *path)
{
	char buf[64];

	if (read_text(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

/* The processes in session @sid that are not zombies (pids in @pids). */
static int session_members(pid_t sid, pid_t *pids, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[64], stat[512], *p, state;
		int pid = atoi(de->d_name), ppid, pgrp, session;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (read_text(path, stat, sizeof(stat)))
			continue;
		p = strrchr(stat, ')');	/* the name may hold anything */
		if (!p || sscanf(p + 1, " %c %d %d %d", &state, &ppid, &pgrp,
				 &session) != 4)
			continue;
		if (session != sid || state == 'Z' || state == 'X')
			continue;
		if (n < max)
			pids[n] = pid;
		n++;
	}
	closedir(d);
	return n;
}

/*
 * Kill everything trinity started (its own session, by pid) and reap
 * what we inherited as the subreaper.  Returns the number still there
 * after @secs seconds.
 */
static int kill_session(pid_t sid, int secs)
{
	pid_t pids[256];
	int i, n = 0, tick;

	for (tick = 0; tick <= secs * 10; tick++) {
		kill(-sid, SIGKILL);
		n = session_members(sid, pids, 256);
		for (i = 0; i < n && i < 256; i++)
			kill(pids[i], SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (n <= 0)
			return 0;
		usleep(100000);
	}
	for (i = 0; i < n && i < 256; i++) {
		char path[64], buf[256];

		snprintf(path, sizeof(path), "/proc/%d/wchan", pids[i]);
		if (read_text(path, buf, sizeof(buf)))
			buf[0] = 0;
		diag("pid %d is still there (wchan %s)", pids[i], buf);
	}
	return n;
}

/* Print the last @n lines of @path as diagnostics. */
static void tail_file(const char *path, int n, const char *prefix)
{
	char *lines[64] = { 0 }, buf[512];
	int i, count = 0;
	FILE *f;

	if (n > 64)
		n = 64;
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\r\n")] = 0;
		free(lines[count % n]);
		lines[count % n] = strdup(buf);
		count++;
	}
	fclose(f);
	for (i = count > n ? count - n : 0; i < count; i++) {
		diag("%s%s", prefix, lines[i % n] ? lines[i % n] : "");
		free(lines[i % n]);
		lines[i % n] = NULL;
	}
}

/* The last calls of each trinity child: what was in flight at the end. */
static void tail_children(void)
{
	struct dirent *de;
	char path[512];
	DIR *d = opendir(WORKDIR);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "trinity-child", 13))
			continue;
		snprintf(path, sizeof(path), "%s/%s", WORKDIR, de->d_name);
		diag("%s (last 4 lines):", de->d_name);
		tail_file(path, 4, "  ");
	}
	closedir(d);
}

static void remove_logs(void)
{
	struct dirent *de;
	char path[512];
	DIR *d = opendir(WORKDIR);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", WORKDIR, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(WORKDIR);
}

/* Does @path contain a line with @needle?  Copies the line to @line. */
static bool file_has(const char *path, const char *needle, char *line,
		     size_t len)
{
	char buf[512];
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (fgets(buf, sizeof(buf), f)) {
		if (strstr(buf, needle)) {
			buf[strcspn(buf, "\r\n")] = 0;
			if (line)
				snprintf(line, len, "%s", buf);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* Empty the device and give it @size again. */
static int device_reset(uint64_t size)
{
	uint64_t zero = 0;
	int fd = open(dev_path(), O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, VMDEMO_IOC_SET_SIZE, &zero) ||
	      ioctl(fd, VMDEMO_IOC_SET_SIZE, &size) ? -1 : 0;
	close(fd);
	return ret;
}

/*
 * The device still works: pattern in by write, out by mmap; and the
 * page accounting adds up (pages_allocated - pages_freed ==
 * pages_resident == what GET_INFO says).
 */
static bool device_works(uint64_t size)
{
	struct vmdemo_info info;
	struct counters c0, c;
	size_t len = 16 * pagesz;
	bool ok = true;
	uint8_t *map;
	int fd;

	if (size < len)
		len = size & ~(pagesz - 1);
	if (device_reset(size)) {
		diag("resetting the device: %s", strerror(errno));
		return false;
	}
	fd = open(dev_path(), O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		diag("open %s: %s", dev_path(), strerror(errno));
		return false;
	}
	/* Empty now: count from here ("reset" may have run since load). */
	if (counters_read(&c0)) {
		diag("reading the debugfs counters failed");
		close(fd);
		return false;
	}
	if (len) {
		if (pat_pwrite(fd, 0, len, 3)) {
			diag("pwrite: %s", strerror(errno));
			ok = false;
		}
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED) {
			diag("mmap: %s", strerror(errno));
			ok = false;
		} else {
			if (pat_check(map, len, 0, 3) != PAT_OK) {
				diag("the mapping does not show what was written");
				ok = false;
			}
			munmap(map, len);
		}
	}
	if (ioctl(fd, VMDEMO_IOC_GET_INFO, &info)) {
		diag("GET_INFO: %s", strerror(errno));
		ok = false;
	} else if (info.size != size || info.pages_resident != len / pagesz) {
		diag("GET_INFO: size %llu (want %llu), resident %llu (want %zu)",
		     (unsigned long long)info.size, (unsigned long long)size,
		     (unsigned long long)info.pages_resident, len / pagesz);
		ok = false;
	}
	if (counters_read(&c)) {
		diag("reading the debugfs counters failed");
		ok = false;
	} else if ((c.v[C_PAGES_ALLOCATED] - c0.v[C_PAGES_ALLOCATED]) -
		   (c.v[C_PAGES_FREED] - c0.v[C_PAGES_FREED]) !=
		   c.v[C_PAGES_RESIDENT] ||
		   c.v[C_PAGES_RESIDENT] != len / pagesz) {
		diag("pages_allocated +%llu - pages_freed +%llu != pages_resident %llu (want %zu)",
		     (unsigned long long)(c.v[C_PAGES_ALLOCATED] -
					  c0.v[C_PAGES_ALLOCATED]),
		     (unsigned long long)(c.v[C_PAGES_FREED] -
					  c0.v[C_PAGES_FREED]),
		     (unsigned long long)c.v[C_PAGES_RESIDENT], len / pagesz);
		ok = false;
	}
	close(fd);
	if (device_reset(size))
		ok = false;
	return ok;
}

int main(void)
{
	long ncalls = env_long("VMDEMO_TEST_TRINITY_CALLS", 100000);
	long limit = env_long("VMDEMO_TEST_TRINITY_TIMEOUT", 250);
	long children = env_long("VMDEMO_TEST_TRINITY_CHILDREN", 4);
	long seed = env_long("VMDEMO_TEST_TRINITY_SEED",
			     (long)(time(NULL) % 1000000000) + 1);
	char size_param[64], stats_before[16], stats_after[16], line[512];
	char ncalls_s[32], seed_s[32], children_s[32];
	long taint_before, taint_after, refcnt;
	struct counters c0, c1;
	const char *trinity;
	const char *argv[64];
	struct stat st;
	mode_t mode_before;
	uint64_t size;
	int argc = 0, status = -1, left, fd;
	bool timed_out = false, ran, ok;
	unsigned long i;
	time_t start;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	trinity = find_trinity();
	if (!trinity)
		skip_all("trinity is not installed in the guest (Debian package trinity; scripts/install-deps)");
	if (stat(dev_path(), &st))
		skip_all("no /dev/vmdemo (vmdemo module not loaded)");
	if (geteuid() != 0)
		skip_all("needs root (to open the node to nobody and back)");

	printf("TAP version 13\n1..%d\n", NTESTS);
	mode_before = st.st_mode & 07777;
	if (read_text(PARAMS_DIR "/size", size_param, sizeof(size_param)) ||
	    read_text(PARAMS_DIR "/stats", stats_before, sizeof(stats_before))) {
		diag("cannot read %s", PARAMS_DIR);
		return 1;
	}
	size = strtoull(size_param, NULL, 0);
	taint_before = read_long("/proc/sys/kernel/tainted");
	if (device_reset(size) || counters_read(&c0)) {
		diag("cannot reset the device or read its counters");
		return 1;
	}

	/* Work directory for trinity's logs, owned by nobody. */
	mkdir(WORKDIR, 0755);
	if (chown(WORKDIR, NOBODY, NOBODY) || chmod(dev_path(), 0666)) {
		diag("setting up %s / chmod %s: %s", WORKDIR, dev_path(),
		     strerror(errno));
		return 1;
	}
	/* Orphans of trinity's children come to us, so we can reap them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	snprintf(ncalls_s, sizeof(ncalls_s), "%ld", ncalls);
	snprintf(seed_s, sizeof(seed_s), "%ld", seed);
	snprintf(children_s, sizeof(children_s), "%ld", children);
	argv[argc++] = trinity;
	argv[argc++] = "-q";
	argv[argc++] = "-N";
	argv[argc++] = ncalls_s;
	argv[argc++] = "-s";
	argv[argc++] = seed_s;
	argv[argc++] = "-C";
	argv[argc++] = children_s;
	argv[argc++] = "-V";
	argv[argc++] = dev_path();
	argv[argc++] = "--enable-fds=pseudo";
	argv[argc++] = "-l";
	argv[argc++] = WORKDIR;
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		argv[argc++] = "-c";
		argv[argc++] = calls[i];
	}
	argv[argc] = NULL;
	{
		char cmd[1024] = "";

		for (i = 0; argv[i]; i++) {
			strncat(cmd, argv[i], sizeof(cmd) - strlen(cmd) - 2);
			strcat(cmd, " ");
		}
		diag("as nobody, in %s: %s", WORKDIR, cmd);
	}

	start = time(NULL);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fd = open(OUTFILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		close(fd);
		fd = open("/dev/null", O_RDONLY);
		if (fd > 0) {
			dup2(fd, 0);
			close(fd);
		}
		/* Its own session: everything it starts can be found. */
		if (setsid() < 0 || chdir(WORKDIR) ||
		    setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(126);
		execv(trinity, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0) {
		diag("fork: %s", strerror(errno));
		chmod(dev_path(), mode_before);
		return 1;
	}
	for (;;) {
		bool done = false;
		pid_t w;
		int st2;

		/* trinity, and the orphans that come to us meanwhile. */
		while ((w = waitpid(-1, &st2, WNOHANG)) > 0) {
			if (w == pid) {
				status = st2;
				done = true;
			}
		}
		if (done || (w < 0 && errno == ECHILD))
			break;
		if (time(NULL) - start > limit) {
			timed_out = true;
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(200000);
	}
	diag("trinity exited after %ld s: %s %d", (long)(time(NULL) - start),
	     WIFEXITED(status) ? "status" : "signal",
	     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));

	/* Leave nothing running that could hold the device. */
	left = kill_session(pid, 30);
	chmod(dev_path(), mode_before);

	/* 1: trinity ran and stopped by itself. */
	ran = file_has(OUTFILE, "Ran ", line, sizeof(line));
	if (ran)
		diag("%s", line);
	ok = !timed_out && WIFEXITED(status) && ran &&
	     file_has(OUTFILE, "Completed maximum number of operations", NULL, 0);
	if (!ok) {
		diag("trinity's output (last 40 lines):");
		tail_file(OUTFILE, 40, "  ");
	}
	if (!ok || file_has(OUTFILE, "became tainted", NULL, 0))
		tail_children();
	tap(ok, "trinity: %ld calls (mmap...fallocate) on %s, seed %ld%s", ncalls,
	    dev_path(), seed, timed_out ? " (timed out)" : "");

	/* 2: the device was its victim. */
	ok = file_has(OUTFILE, "Added 1 filenames from", line, sizeof(line)) &&
	     !counters_read(&c1) && c1.v[C_MMAPS] > c0.v[C_MMAPS];
	if (ok)
		diag("device counters during the run: mmaps %llu, faults %llu, map_pages_mapped %llu, page_mkwrite %llu, pages_allocated %llu",
		     (unsigned long long)(c1.v[C_MMAPS] - c0.v[C_MMAPS]),
		     (unsigned long long)(c1.v[C_FAULTS] - c0.v[C_FAULTS]),
		     (unsigned long long)(c1.v[C_MAP_PAGES_MAPPED] -
					  c0.v[C_MAP_PAGES_MAPPED]),
		     (unsigned long long)(c1.v[C_PAGE_MKWRITE] -
					  c0.v[C_PAGE_MKWRITE]),
		     (unsigned long long)(c1.v[C_PAGES_ALLOCATED] -
					  c0.v[C_PAGES_ALLOCATED]));
	tap(ok, "trinity: its only file was %s, and it mapped it", dev_path());

	/* 3: no new taint. */
	taint_after = read_long("/proc/sys/kernel/tainted");
	ok = taint_before >= 0 && taint_after >= 0 &&
	     !(taint_after & ~taint_before);
	if (!ok)
		diag("kernel taint %#lx before, %#lx after", taint_before,
		     taint_after);
	tap(ok, "trinity: no new kernel taint (%#lx)", taint_after);

	/* 4: nothing left. */
	tap(left == 0, "trinity: no process of it left (%d)", left);

	/*
	 * 5: as before, and rmmod-able; and the page accounting over the
	 * whole run adds up (it started from an empty device).
	 */
	ok = true;
	if (counters_read(&c1)) {
		diag("reading the debugfs counters failed");
		ok = false;
	} else if ((c1.v[C_PAGES_ALLOCATED] - c0.v[C_PAGES_ALLOCATED]) -
		   (c1.v[C_PAGES_FREED] - c0.v[C_PAGES_FREED]) !=
		   c1.v[C_PAGES_RESIDENT]) {
		diag("over the run: pages_allocated +%llu - pages_freed +%llu != pages_resident %llu",
		     (unsigned long long)(c1.v[C_PAGES_ALLOCATED] -
					  c0.v[C_PAGES_ALLOCATED]),
		     (unsigned long long)(c1.v[C_PAGES_FREED] -
					  c0.v[C_PAGES_FREED]),
		     (unsigned long long)c1.v[C_PAGES_RESIDENT]);
		ok = false;
	}
	if (stat(dev_path(), &st) || (st.st_mode & 07777) != mode_before) {
		diag("%s: mode %#o, was %#o", dev_path(), st.st_mode & 07777,
		     mode_before);
		ok = false;
	}
	if (read_text(PARAMS_DIR "/stats", stats_after, sizeof(stats_after)) ||
	    strcmp(stats_before, stats_after)) {
		diag("parameter stats is %s, was %s", stats_after, stats_before);
		ok = false;
	}
	if (device_reset(size)) {
		diag("resetting the device failed: %s", strerror(errno));
		ok = false;
	}
	refcnt = read_long("/sys/module/vmdemo/refcnt");
	if (refcnt != 0) {
		diag("module refcnt %ld with nothing open", refcnt);
		ok = false;
	}
	tap(ok, "device: mode %#o, parameters, refcnt 0 as before; pages add up",
	    mode_before);

	/* 6: still works. */
	tap(device_works(size), "device: still works, page accounting adds up");

	/* Its logs fill the guest's memory (tmpfs): keep them only on failure. */
	if (!failed)
		remove_logs();
	else
		diag("trinity's logs are in the guest's %s", WORKDIR);
	return failed;
}
