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
 * A kernel splat also fails the whole run (scripts/kernel-health).  The
 * checks of the device are health.c's; finding and killing what trinity
 * left running, session.c's.
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
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "health.h"
#include "nobody.h"
#include "session.h"
#include "sysfile.h"
#include "tap.h"

#define WORKDIR		"/tmp/trinity-run"
#define OUTFILE		WORKDIR "/trinity.out"
#define NTESTS		6

static const char *const calls[] = {
	"mmap", "munmap", "mremap", "mprotect", "madvise", "msync", "mlock",
	"munlock", "read", "write", "pread64", "pwrite64", "lseek", "ioctl",
	"fallocate",
};

/* The run's settings, and what was there before it, to compare with. */
struct run {
	long ncalls, limit, children, seed;
	uint64_t size;			/* the "size" parameter */
	mode_t mode;			/* of the node */
	char stats[16];			/* the "stats" parameter */
	long taint;
	struct counters c0;		/* of the emptied device */
};

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
	char **paths = sysfile_list(WORKDIR);
	const char *name;
	int i;

	for (i = 0; paths && paths[i]; i++) {
		name = strrchr(paths[i], '/') + 1;
		if (strncmp(name, "trinity-child", 13))
			continue;
		diag("%s (last 4 lines):", name);
		tail_file(paths[i], 4, "  ");
	}
	sysfile_list_free(paths);
}

static void remove_logs(void)
{
	char **paths = sysfile_list(WORKDIR);
	int i;

	for (i = 0; paths && paths[i]; i++)
		unlink(paths[i]);
	sysfile_list_free(paths);
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

/*
 * Note what is there before the run, empty the device, and open the node
 * and a work directory for trinity's logs to nobody.  0, or 1 (a failure
 * the diagnostics explain).
 */
static int setup(struct run *r, const struct stat *st)
{
	char size[64];

	r->mode = st->st_mode & 07777;
	if (sysfile_line(VMDEMO_PARAMS_DIR "/size", size, sizeof(size)) ||
	    sysfile_line(VMDEMO_PARAMS_DIR "/stats", r->stats,
			 sizeof(r->stats))) {
		diag("cannot read %s", VMDEMO_PARAMS_DIR);
		return 1;
	}
	r->size = strtoull(size, NULL, 0);
	r->taint = sysfile_long("/proc/sys/kernel/tainted", -1);
	if (device_reset(r->size) || counters_read(&r->c0)) {
		diag("cannot reset the device or read its counters");
		return 1;
	}
	mkdir(WORKDIR, 0755);
	if (chown(WORKDIR, NOBODY, NOBODY) || chmod(vmdemo_dev(), 0666)) {
		diag("setting up %s / chmod %s: %s", WORKDIR, vmdemo_dev(),
		     strerror(errno));
		return 1;
	}
	/* Orphans of trinity's children come to us, so we can reap them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return 0;
}

/* trinity's command line, shown as a diagnostic. */
static void trinity_argv(const char **argv, const char *trinity,
			 const struct run *r)
{
	static char ncalls[32], seed[32], children[32];
	char cmd[1024] = "";
	size_t i;
	int argc = 0;

	snprintf(ncalls, sizeof(ncalls), "%ld", r->ncalls);
	snprintf(seed, sizeof(seed), "%ld", r->seed);
	snprintf(children, sizeof(children), "%ld", r->children);
	argv[argc++] = trinity;
	argv[argc++] = "-q";
	argv[argc++] = "-N";
	argv[argc++] = ncalls;
	argv[argc++] = "-s";
	argv[argc++] = seed;
	argv[argc++] = "-C";
	argv[argc++] = children;
	argv[argc++] = "-V";
	argv[argc++] = vmdemo_dev();
	argv[argc++] = "--enable-fds=pseudo";
	argv[argc++] = "-l";
	argv[argc++] = WORKDIR;
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		argv[argc++] = "-c";
		argv[argc++] = calls[i];
	}
	argv[argc] = NULL;
	for (i = 0; argv[i]; i++) {
		strncat(cmd, argv[i], sizeof(cmd) - strlen(cmd) - 2);
		strcat(cmd, " ");
	}
	diag("as nobody, in %s: %s", WORKDIR, cmd);
}

/* How the run went. */
struct outcome {
	int status;			/* trinity's wait status */
	bool timed_out;			/* and it was killed */
	int left;			/* processes of it still there */
};

/*
 * Run trinity as nobody in a session of its own, its output in OUTFILE,
 * for at most @limit seconds, then kill whatever it left.  0, or -1 if
 * it could not be started.
 */
static int run_trinity(const char *const *argv, long limit, struct outcome *o)
{
	time_t start = time(NULL);
	pid_t pid;
	int fd;

	o->status = -1;
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
		if (setsid() < 0 || chdir(WORKDIR) || drop_to_nobody())
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0) {
		diag("fork: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		bool done = false;
		pid_t w;
		int st;

		/* trinity, and the orphans that come to us meanwhile. */
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == pid) {
				o->status = st;
				done = true;
			}
		}
		if (done || (w < 0 && errno == ECHILD))
			break;
		if (time(NULL) - start > limit) {
			o->timed_out = true;
			kill(-pid, SIGKILL);
			waitpid(pid, &o->status, 0);
			break;
		}
		usleep(200000);
	}
	diag("trinity exited after %ld s: %s %d", (long)(time(NULL) - start),
	     WIFEXITED(o->status) ? "status" : "signal",
	     WIFEXITED(o->status) ? WEXITSTATUS(o->status) :
				    WTERMSIG(o->status));
	/* Leave nothing running that could hold the device. */
	o->left = kill_session(pid, 30);
	return 0;
}

/* What the run did to the device, as counted. */
static void diag_counters(const struct counters *c0, const struct counters *c)
{
	static const enum counter shown[] = {
		C_MMAPS, C_FAULTS, C_MAP_PAGES_MAPPED, C_PAGE_MKWRITE,
		C_PAGES_ALLOCATED,
	};
	char buf[256];
	size_t i, n = 0;

	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s %llu",
			      i ? ", " : "", counter_names[shown[i]],
			      (unsigned long long)(c->v[shown[i]] -
						   c0->v[shown[i]]));
	diag("device counters during the run: %s", buf);
}

/* As before the run, and rmmod-able; the page accounting adds up. */
static bool as_before(const struct run *r)
{
	char stats[16] = "";
	bool ok = true;
	struct stat st;
	long refcnt;

	/* The run started from an empty device. */
	if (!pages_add_up(&r->c0, -1, "over the run"))
		ok = false;
	if (stat(vmdemo_dev(), &st) || (st.st_mode & 07777) != r->mode) {
		diag("%s: mode %#o, was %#o", vmdemo_dev(), st.st_mode & 07777,
		     r->mode);
		ok = false;
	}
	if (sysfile_line(VMDEMO_PARAMS_DIR "/stats", stats, sizeof(stats)) ||
	    strcmp(r->stats, stats)) {
		diag("parameter stats is %s, was %s", stats, r->stats);
		ok = false;
	}
	if (device_reset(r->size)) {
		diag("resetting the device failed: %s", strerror(errno));
		ok = false;
	}
	refcnt = sysfile_long(VMDEMO_MODULE_DIR "/refcnt", -1);
	if (refcnt != 0) {
		diag("module refcnt %ld with nothing open", refcnt);
		ok = false;
	}
	return ok;
}

int main(void)
{
	static const char *const where[] = {
		"/usr/bin/trinity", "/usr/sbin/trinity", "/usr/local/bin/trinity",
	};
	struct run r = {
		.ncalls = env_long("VMDEMO_TEST_TRINITY_CALLS", 100000),
		.limit = env_long("VMDEMO_TEST_TRINITY_TIMEOUT", 250),
		.children = env_long("VMDEMO_TEST_TRINITY_CHILDREN", 4),
		.seed = env_long("VMDEMO_TEST_TRINITY_SEED",
				 (long)(time(NULL) % 1000000000) + 1),
	};
	const char *trinity, *argv[64];
	struct outcome o = { 0 };
	struct counters c;
	char line[512];
	struct stat st;
	bool ran, ok;
	long taint;

	setvbuf(stdout, NULL, _IOLBF, 0);
	trinity = sysfile_first(where, sizeof(where) / sizeof(where[0]), X_OK);
	if (!trinity)
		skip_all("trinity is not installed in the guest (Debian package trinity; scripts/install-deps)");
	if (stat(vmdemo_dev(), &st))
		skip_all("no /dev/vmdemo (vmdemo module not loaded)");
	if (geteuid() != 0)
		skip_all("needs root (to open the node to nobody and back)");

	tap_plan(NTESTS);
	if (setup(&r, &st))
		return 1;
	trinity_argv(argv, trinity, &r);
	if (run_trinity(argv, r.limit, &o)) {
		chmod(vmdemo_dev(), r.mode);
		return 1;
	}
	chmod(vmdemo_dev(), r.mode);

	/* 1: trinity ran and stopped by itself. */
	ran = file_has(OUTFILE, "Ran ", line, sizeof(line));
	if (ran)
		diag("%s", line);
	ok = !o.timed_out && WIFEXITED(o.status) && ran &&
	     file_has(OUTFILE, "Completed maximum number of operations", NULL, 0);
	if (!ok) {
		diag("trinity's output (last 40 lines):");
		tail_file(OUTFILE, 40, "  ");
	}
	if (!ok || file_has(OUTFILE, "became tainted", NULL, 0))
		tail_children();
	tap(ok, "trinity: %ld calls (mmap...fallocate) on %s, seed %ld%s",
	    r.ncalls, vmdemo_dev(), r.seed, o.timed_out ? " (timed out)" : "");

	/* 2: the device was its victim. */
	ok = file_has(OUTFILE, "Added 1 filenames from", line, sizeof(line)) &&
	     !counters_read(&c) && c.v[C_MMAPS] > r.c0.v[C_MMAPS];
	if (ok)
		diag_counters(&r.c0, &c);
	tap(ok, "trinity: its only file was %s, and it mapped it", vmdemo_dev());

	/* 3: no new taint. */
	taint = sysfile_long("/proc/sys/kernel/tainted", -1);
	ok = r.taint >= 0 && taint >= 0 && !(taint & ~r.taint);
	if (!ok)
		diag("kernel taint %#lx before, %#lx after", r.taint, taint);
	tap(ok, "trinity: no new kernel taint (%#lx)", taint);

	/* 4: nothing left. */
	tap(o.left == 0, "trinity: no process of it left (%d)", o.left);

	/* 5: as before. */
	tap(as_before(&r),
	    "device: mode %#o, parameters, refcnt 0 as before; pages add up",
	    r.mode);

	/* 6: still works. */
	tap(device_works(r.size), "device: still works, page accounting adds up");

	/* Its logs fill the guest's memory (tmpfs): keep them only on failure. */
	if (!tap_failed)
		remove_logs();
	else
		diag("trinity's logs are in the guest's %s", WORKDIR);
	return tap_failed;
}
