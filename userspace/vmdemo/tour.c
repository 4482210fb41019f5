// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo tour: run the tour's programs one by one, each between what it
 * is about to show and what its result means, with the counters it moved.
 *
 * Each program checks its own results and exits 0 only if all of them
 * were what the text says; the tour reports PASS or FAIL per step and
 * prints a step's explanation only if the step passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"

#ifndef VMDEMO_LIBEXECDIR
#define VMDEMO_LIBEXECDIR	"/usr/local/libexec/vmdemo"
#endif
#ifndef VMDEMO_DATADIR
#define VMDEMO_DATADIR		"/usr/local/share/vmdemo"
#endif

#define RULE "========================================================================"

static const char tour_help[] =
"Usage: vmdemo tour [--list] [--no-pause] [STEP...]\n"
"\n"
"A guided tour of memory mapping in Linux, in small steps.  Each step runs\n"
"one short C program on " VMDEMO_DEVICE_PATH " (its source is in userspace/demos/,\n"
"or share/vmdemo/demos/ where vmdemo is installed) and shows:\n"
"  - what the program is about to do and why it is interesting,\n"
"  - what the program did and saw, every result checked ([ok] or [FAIL]),\n"
"  - which of the module's counters the step moved,\n"
"  - what that means.\n"
"The tour passes only if every program saw exactly what the text explains.\n"
"\n"
"  STEP          run only these steps: a number (3) or a name (shared-io);\n"
"                by default all, in order\n"
"  -l, --list    list the steps\n"
"  -n, --no-pause  don't wait for Enter between steps (the default when\n"
"                standard input is not a terminal)\n"
"  -G, --no-glossary  don't print the glossary (one screen of the words the\n"
"                steps use) before step 1\n"
"  -h, --help    this help\n"
"\n"
"Needs root and the module loaded.  The tour empties " VMDEMO_DEVICE_PATH " before\n"
"each step and gives it back its size, zeroed, at the end; it sets the\n"
"kernel's fault_around_bytes for each step and puts it back too.\n"
"\n"
"Exit status: 0 every step passed, 1 a step failed or the tour could not\n"
"run, 2 usage error.\n";

/* Printed before step 1; docs/glossary.md says more. */
static const char glossary[] =
"The words the steps use (docs/glossary.md in the sources says more):\n"
"  VMA          one mapping of a process: a range of addresses with one\n"
"               set of permissions and one thing behind it (a file, the\n"
"               device, or nothing: anonymous); /proc/PID/maps lists them\n"
"  page frame   a page of physical RAM, known by its number (PFN)\n"
"  PTE          page table entry: the CPU's translation of one virtual page\n"
"               to a frame, with bits such as present, writable, dirty\n"
"  page cache   the pages of a file kept in RAM, indexed by file offset;\n"
"               read(), write() and shared mappings all use them\n"
"  .fault       the driver's (or file system's) hook that hands the kernel\n"
"               the page for a faulting address\n"
"  .map_pages   the hook that maps pages already cached around it\n"
"               (fault-around) without a .fault for each\n"
"  .page_mkwrite  the hook called before a page of a shared mapping is\n"
"               first written, so the owner knows it is becoming dirty\n"
"  minor/major fault  served from memory / had to wait for I/O\n"
"  dirty page   a cached page newer than the file beneath it\n"
"  writeback    copying dirty pages to the file, which makes them clean\n";

/* What the tour changes, to put back at the end or on a signal. */
static struct {
	char fault_around[32];
	int stats_was_off;
	unsigned long long size;
	int saved;
} saved;

static void restore(void)
{
	__u64 size = saved.size, zero = 0;
	int fd;

	if (!saved.saved)
		return;
	write_text(FAULT_AROUND_PATH, saved.fault_around);
	if (saved.stats_was_off)
		write_text(STATS_PARAM_PATH, "N");
	fd = open(VMDEMO_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		ioctl(fd, VMDEMO_IOC_SET_SIZE, &zero);
		ioctl(fd, VMDEMO_IOC_SET_SIZE, &size);
		close(fd);
	}
	saved.saved = 0;
}

/* Only async-signal-safe calls: open, write, ioctl, close. */
static void on_signal(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int save_state(void)
{
	struct vmdemo_info info;
	char stats[8];
	int fd;

	if (read_text(FAULT_AROUND_PATH, saved.fault_around,
		      sizeof(saved.fault_around))) {
		error("cannot read %s: %m", FAULT_AROUND_PATH);
		return -1;
	}
	fd = device_open(O_RDWR);
	if (fd < 0)
		return -1;
	if (ioctl(fd, VMDEMO_IOC_GET_INFO, &info)) {
		error("VMDEMO_IOC_GET_INFO: %m");
		close(fd);
		return -1;
	}
	close(fd);
	saved.size = info.size;
	saved.stats_was_off = !read_text(STATS_PARAM_PATH, stats, sizeof(stats)) &&
			      stats[0] == 'N';
	saved.saved = 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (saved.stats_was_off && write_text(STATS_PARAM_PATH, "Y")) {
		error("cannot turn the module's statistics on (%s): %m",
		      STATS_PARAM_PATH);
		return -1;
	}
	return 0;
}

static int is_file(const char *path)
{
	return access(path, X_OK) == 0;
}

/* Where the programs are: next to vmdemo, then in libexec. */
static const char *demo_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("VMDEMO_DEMO_DIR");
	char path[PATH_MAX + 64];
	const char *candidates[4];
	int i;

	candidates[0] = env && *env ? env : NULL;
	candidates[1] = self_dir();
	snprintf(dir, sizeof(dir), "%s/../libexec/vmdemo", self_dir());
	candidates[2] = dir;
	candidates[3] = VMDEMO_LIBEXECDIR;
	for (i = 0; i < 4; i++) {
		if (!candidates[i] || !candidates[i][0])
			continue;
		snprintf(path, sizeof(path), "%s/vmdemo-demo-%s", candidates[i],
			 tour_steps[0].name);
		if (is_file(path)) {
			char *real = realpath(candidates[i], NULL);

			if (real)
				snprintf(dir, sizeof(dir), "%s", real);
			else if (candidates[i] != dir)
				snprintf(dir, sizeof(dir), "%s", candidates[i]);
			free(real);
			return dir;
		}
	}
	error("cannot find the tour's programs (vmdemo-demo-%s and the others): looked in %s%s%s, %s/../libexec/vmdemo and %s. Build them (make), or set VMDEMO_DEMO_DIR",
	      tour_steps[0].name, env && *env ? env : "", env && *env ? ", " : "",
	      self_dir(), self_dir(), VMDEMO_LIBEXECDIR);
	return NULL;
}

/* Where a program's source is, if it is around. */
static void source_of(const struct tour_step *s, char *buf, size_t len)
{
	static const char *const dirs[] = { "%s/../demos", "%s/../share/vmdemo/demos",
			       VMDEMO_DATADIR "/demos" };
	char dir[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(dir, sizeof(dir), dirs[i], self_dir());
		snprintf(buf, len, "%s/%s.c", dir, s->name);
		if (access(buf, R_OK) == 0) {
			char *real = realpath(buf, NULL);

			if (real) {
				snprintf(buf, len, "%s", real);
				free(real);
			}
			return;
		}
	}
	snprintf(buf, len, "userspace/demos/%s.c in the vmdemo sources", s->name);
}

static int find_step(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);
	int i;

	if (!*end && end != arg)
		return n >= 1 && n <= tour_nsteps ? n - 1 : -1;
	for (i = 0; i < tour_nsteps; i++)
		if (!strcmp(arg, tour_steps[i].name) ||
		    !strcmp(arg, tour_steps[i].name + 3))
			return i;
	return -1;
}

static void list_steps(void)
{
	int i;

	for (i = 0; i < tour_nsteps; i++)
		printf("%2d  %-28s %s\n", i + 1, tour_steps[i].name + 3,
		       tour_steps[i].title);
}

static int set_fault_around(long bytes)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", bytes);
	if (write_text(FAULT_AROUND_PATH, buf)) {
		error("cannot set %s: %m", FAULT_AROUND_PATH);
		return -1;
	}
	return 0;
}

static int empty_device(void)
{
	int fd = device_open(O_RDWR);
	__u64 zero = 0;
	int ret = 0;

	if (fd < 0)
		return -1;
	if (ioctl(fd, VMDEMO_IOC_SET_SIZE, &zero)) {
		error("cannot empty %s: %m", VMDEMO_DEVICE_PATH);
		ret = -1;
	}
	close(fd);
	return ret;
}

static void print_deltas(const struct counters *before,
			 const struct counters *after)
{
	char value[48];
	int i, moved = 0;

	printf("\nWhat the driver counted from the program's start to its exit, its\n"
	       "set-up included ('vmdemo stat' counters):\n");
	for (i = 0; i < after->n; i++) {
		const char *name = after->c[i].name;
		long long now = after->c[i].value;
		long long then = counter_value(before, name);

		if (now == then)
			continue;
		if (counter_is_gauge(name))
			snprintf(value, sizeof(value), "%lld -> %lld", then, now);
		else
			snprintf(value, sizeof(value), "%+lld", now - then);
		printf("  %-19s %10s  %s\n", name, value, counter_help(name));
		moved++;
	}
	if (!moved)
		printf("  (none)\n");
}

/* A program's exit status for "cannot run here" (demos/demo.h, DEMO_SKIP). */
#define STEP_SKIPPED	77

/* Run one step; 0 if it passed, STEP_SKIPPED, 1 if it failed, -1 on error. */
static int run_step(int i, const char *dir)
{
	const struct tour_step *s = &tour_steps[i];
	struct counters before, after;
	char path[PATH_MAX + 64], src[PATH_MAX + 64];
	int status;
	pid_t pid;

	printf("\n%s\nStep %d of %d: %s\n%s\n\n%s\n", RULE, i + 1, tour_nsteps,
	       s->title, RULE, s->intro);
	snprintf(path, sizeof(path), "%s/vmdemo-demo-%s", dir, s->name);
	source_of(s, src, sizeof(src));
	printf("\nProgram: %s\nSource:  %s\n", path, src);
	if (set_fault_around(s->fault_around) || empty_device() ||
	    counters_read(&before))
		return -1;
	if (s->note)
		printf("Fault-around: %s (fault_around_bytes = %ld),\n  %s\n",
		       s->fault_around > sysconf(_SC_PAGESIZE) ? "on" : "off",
		       s->fault_around, s->note);
	else if (s->fault_around > sysconf(_SC_PAGESIZE))
		printf("Fault-around: on (fault_around_bytes = %ld)\n",
		       s->fault_around);
	else
		printf("Fault-around: off (fault_around_bytes = %ld): every fault reaches .fault\n",
		       s->fault_around);
	printf("\n--- the program's output ---\n");
	fflush(stdout);

	pid = fork();
	if (pid < 0) {
		error("fork: %m");
		return -1;
	}
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		error("cannot run %s: %m", path);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	printf("--- end of the program's output ---\n");
	if (counters_read(&after))
		return -1;
	print_deltas(&before, &after);

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("\n%s\n", s->meaning);
		if (s->path)
			printf("\nOn the fault path (man vmdemo: FAULT PATH; README: The fault path):\n%s\n",
			       s->path);
		printf("\nPASS  step %d: every check held.\n", i + 1);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == STEP_SKIPPED) {
		printf("\nSKIP  step %d: it cannot run with the module as it is loaded;\n"
		       "the program said why and how to enable it, above.\n", i + 1);
		return STEP_SKIPPED;
	}
	if (WIFSIGNALED(status))
		printf("\nFAIL  step %d: the program was killed by signal %d (%s).\n",
		       i + 1, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		printf("\nFAIL  step %d: the program exited with status %d.\n",
		       i + 1, WEXITSTATUS(status));
	printf("It saw something other than what this step explains: see its [FAIL]\n"
	       "lines and messages above.\n");
	return 1;
}

/* Wait for Enter; returns 0 to go on, 1 to stop. */
static int pause_for(int next)
{
	char line[64];

	printf("\n[Enter: step %d, %s; q: quit] ", next + 1,
	       tour_steps[next].title);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	return line[0] == 'q' || line[0] == 'Q';
}

static int check_ready(void)
{
	char refcnt[32];

	if (geteuid() != 0) {
		error("the tour needs root: it reads the module's counters in debugfs and sets %s; try: sudo vmdemo tour",
		      FAULT_AROUND_PATH);
		return -1;
	}
	if (!module_loaded()) {
		error("the vmdemo module is not loaded; try: vmdemo load");
		return -1;
	}
	if (!read_text(SYSFS_MODULE_DIR "/refcnt", refcnt, sizeof(refcnt)) &&
	    strcmp(refcnt, "0")) {
		error("%s is in use (%s reference%s); the tour's checks count every fault on the device, so it needs the device to itself. Close the programs that use it, then try again",
		      VMDEMO_DEVICE_PATH, refcnt, strcmp(refcnt, "1") ? "s" : "");
		explain_users();
		return -1;
	}
	return 0;
}

static void print_intro(int nsel)
{
	struct vmdemo_info info = { 0 };
	struct backing b;
	int ret;
	char version[64], h[32];
	struct utsname u;
	int fd;

	uname(&u);
	if (read_text(SYSFS_MODULE_DIR "/version", version, sizeof(version)))
		strcpy(version, "?");
	fd = device_open(O_RDONLY);
	if (fd >= 0) {
		ioctl(fd, VMDEMO_IOC_GET_INFO, &info);
		close(fd);
	}
	printf("vmdemo tour: memory mapping in Linux, seen from a driver\n"
	       "\n"
	       "Kernel %s, module vmdemo %s, page size %llu bytes.\n"
	       "\n"
	       VMDEMO_DEVICE_PATH " behaves like a small file whose pages live in memory,\n"
	       "in a page cache its driver owns, and the driver counts every page\n"
	       "fault it serves ('vmdemo stat' shows the counters).  Each of the %d\n"
	       "steps below runs one short program.  Lines starting with [ok] are\n"
	       "results the program checked; a step passes only if all of them held.\n"
	       "\n"
	       "The tour empties the device before each step; at the end it gives it\n"
	       "back its size (%s), with zeroes in it.\n",
	       u.release, version, (unsigned long long)info.page_size, nsel,
	       human_size(saved.size, h, sizeof(h)));
	ret = backing_read(&b);
	if (!ret)
		printf("\nBacking file: %s%s%s%s.\n"
		       "The steps run with it; step 12 shows what it changes: pages read\n"
		       "in, written back and evicted.  Emptying the device empties the\n"
		       "file too: it ends up zeroed.\n",
		       b.path, b.io[0] ? " (" : "", b.io, b.io[0] ? " I/O)" : "");
	else if (ret > 0)
		printf("\nNo backing file: the device keeps its pages in RAM only.  Step 12\n"
		       "(the cache and its file) needs one and will be skipped; to see it,\n"
		       "reload with: vmdemo unload; vmdemo load backing=/root/vmdemo.img\n");
}

int cmd_tour(int argc, char **argv)
{
	int selected[64], nsel = 0, no_pause = 0, failed = 0, passed = 0;
	int no_glossary = 0;
	int skipped = 0;
	int i, k, interactive;
	const char *dir;
	char h[32];

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(tour_help, stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "-l") || !strcmp(a, "--list")) {
			list_steps();
			return EXIT_OK;
		}
		if (!strcmp(a, "-n") || !strcmp(a, "--no-pause")) {
			no_pause = 1;
			continue;
		}
		if (!strcmp(a, "-G") || !strcmp(a, "--no-glossary")) {
			no_glossary = 1;
			continue;
		}
		if (a[0] == '-')
			return usage_error("tour", "unknown option '%s'", a);
		k = find_step(a);
		if (k < 0)
			return usage_error("tour", "no step '%s' (vmdemo tour --list shows them)",
					   a);
		if (nsel < 64)
			selected[nsel++] = k;
	}
	if (!nsel)
		for (nsel = 0; nsel < tour_nsteps; nsel++)
			selected[nsel] = nsel;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (check_ready())
		return EXIT_FAIL;
	dir = demo_dir();
	if (!dir)
		return EXIT_FAIL;
	if (save_state()) {
		restore();
		return EXIT_FAIL;
	}
	/* The programs draw their pages with this vmdemo's "map". */
	if (self_exe()[0])
		setenv("VMDEMO_CMD", self_exe(), 1);
	interactive = isatty(STDIN_FILENO) && !no_pause;
	print_intro(nsel);
	if (!no_glossary && selected[0] == 0)
		printf("\n%s", glossary);

	for (i = 0; i < nsel; i++) {
		if (i && interactive && pause_for(selected[i]))
			break;
		k = run_step(selected[i], dir);
		if (k < 0) {
			failed++;
			break;
		}
		if (k == STEP_SKIPPED)
			skipped++;
		else if (k)
			failed++;
		else
			passed++;
	}
	restore();

	printf("\n%s\n", RULE);
	if (i < nsel && !failed)
		printf("Stopped after %d of %d steps; all passed.\n", i, nsel);
	else if (!failed && !skipped)
		printf("Tour finished: all %d steps passed.\n", passed);
	else if (!failed)
		printf("Tour finished: %d step%s passed, %d skipped.\n", passed,
		       passed == 1 ? "" : "s", skipped);
	else
		printf("Tour finished: %d step%s passed, %d FAILED%s.\n", passed,
		       passed == 1 ? "" : "s", failed, skipped ? ", some skipped" : "");
	printf("Put back: fault_around_bytes %s; %s size %s (zeroed).\n",
	       saved.fault_around, VMDEMO_DEVICE_PATH,
	       human_size(saved.size, h, sizeof(h)));
	return failed ? EXIT_FAIL : EXIT_OK;
}
