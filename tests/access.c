// SPDX-License-Identifier: GPL-2.0
/*
 * tests/access.c: who may reach vmdemo, and what it gives away.
 *
 *   node       /dev/vmdemo is a root-owned character device with exactly
 *              the permissions of the "mode" parameter (default 0600)
 *   nobody     an unprivileged process (uid/gid 65534, no supplementary
 *              groups, no capabilities) can open the node in no access
 *              mode; with O_PATH, which needs no permission, it can do
 *              nothing (ioctl, read, mmap: EBADF)
 *   debugfs    every file in /sys/kernel/debug/vmdemo is root's alone
 *              (no group or other bits), so nobody can open one even with
 *              the debugfs root opened up to 0755 for the test; no file
 *              (nor the module's own kernel messages, nor its parameter
 *              values) shows a kernel address: no "0xffff", no run of 12
 *              or more hex digits, no number a kernel pointer would print
 *              as
 *   params     /sys/module/vmdemo/parameters holds exactly the documented
 *              parameters with their documented modes: size, max_size,
 *              mode 0444; stats 0644 (writable by root only); nobody can
 *              write any of them; root's malformed writes to "stats" fail
 *              and leave it as it was
 *   reset      malformed writes to debugfs "reset" fail with the exact
 *              errno and reset nothing
 *
 * Runs as root in the test VM.  Skips if /dev/vmdemo is not there.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "kselftest_harness.h"

#include "counters.h"

#define NOBODY		65534
#define DEBUGFS_ROOT	"/sys/kernel/debug"
#define PARAMS_DIR	"/sys/module/vmdemo/parameters"

static const char *dev_path(void)
{
	const char *p = getenv("VMDEMO_DEV");

	return p && *p ? p : VMDEMO_DEVICE_PATH;
}

#define NEED_DEVICE() do {						\
	if (access(dev_path(), F_OK))					\
		SKIP(return, "%s: %s (vmdemo module not loaded)",	\
		     dev_path(), strerror(errno));			\
} while (0)

/* The "mode" module parameter, or -1. */
static long param_mode(void)
{
	FILE *f = fopen(PARAMS_DIR "/mode", "r");
	long mode = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &mode) != 1)
		mode = -1;
	fclose(f);
	return mode;
}

/* ---- running as nobody -------------------------------------------------- */

#define MAX_RESULTS	64

/* What the unprivileged child reports, in memory shared with the parent. */
struct results {
	int setup_err;		/* dropping privileges failed: errno */
	int n;
	int err[MAX_RESULTS];	/* errno of each attempt; 0: it worked */
	char what[MAX_RESULTS][160];
};

static struct results *results_new(void)
{
	struct results *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return r == MAP_FAILED ? NULL : r;
}

static void record(struct results *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (r->n == MAX_RESULTS)
		return;
	va_start(ap, fmt);
	vsnprintf(r->what[r->n], sizeof(r->what[0]), fmt, ap);
	va_end(ap);
	r->err[r->n++] = err;
}

/* Become nobody with no groups and no capabilities; 0 or an errno. */
static int drop_to_nobody(void)
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

/*
 * Run @fn as nobody in a child and wait for it; @fn records each
 * attempt in @r.  Returns the child's wait status.
 */
static int as_nobody(void (*fn)(struct results *, const void *),
		     const void *arg, struct results *r)
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

/* Open @path with @flags; the errno (0: it opened) and the fd. */
static int try_open(const char *path, int flags, int *fdp)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fdp)
		*fdp = fd;
	else if (fd >= 0)
		close(fd);
	return fd < 0 ? errno : 0;
}

/* ---- the device node ---------------------------------------------------- */

TEST(node_owner_and_mode)
{
	struct stat st;
	long mode;

	NEED_DEVICE();
	ASSERT_EQ(0, stat(dev_path(), &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0U, st.st_uid);
	EXPECT_EQ(0U, st.st_gid);
	mode = param_mode();
	ASSERT_LE(0, mode);
	EXPECT_EQ(mode, (long)(st.st_mode & 07777)) {
		TH_LOG("%s has mode %#o, the parameter says %#lo", dev_path(),
		       st.st_mode & 07777, mode);
	}
	/* Nothing but read and write bits, ever (the module refuses others). */
	EXPECT_EQ(0, (long)(st.st_mode & 07111));
}

static void nobody_opens_device(struct results *r, const void *arg)
{
	static const struct { int flags; const char *name; } modes[] = {
		{ O_RDONLY, "O_RDONLY" }, { O_WRONLY, "O_WRONLY" },
		{ O_RDWR, "O_RDWR" }, { O_RDONLY | O_NONBLOCK, "O_RDONLY|O_NONBLOCK" },
	};
	const char *path = arg;
	struct vmdemo_info info;
	uint64_t size;
	size_t i;
	char c;
	int fd;

	for (i = 0; i < ARRAY_SIZE(modes); i++)
		record(r, try_open(path, modes[i].flags, NULL), "open(%s, %s)",
		       path, modes[i].name);

	/* O_PATH needs no permission, and gives none. */
	record(r, try_open(path, O_PATH, &fd), "open(%s, O_PATH)", path);
	if (fd < 0)
		return;
	errno = 0;
	ioctl(fd, VMDEMO_IOC_GET_SIZE, &size);
	record(r, errno, "ioctl(O_PATH fd, GET_SIZE)");
	errno = 0;
	ioctl(fd, VMDEMO_IOC_GET_INFO, &info);
	record(r, errno, "ioctl(O_PATH fd, GET_INFO)");
	size = 0;
	errno = 0;
	ioctl(fd, VMDEMO_IOC_SET_SIZE, &size);
	record(r, errno, "ioctl(O_PATH fd, SET_SIZE 0)");
	errno = 0;
	read(fd, &c, 1);
	record(r, errno, "read(O_PATH fd)");
	errno = 0;
	write(fd, "x", 1);
	record(r, errno, "write(O_PATH fd)");
	errno = 0;
	mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	record(r, errno, "mmap(O_PATH fd)");
	/* Reopening through /proc/self/fd checks the permissions again. */
	{
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		record(r, try_open(proc, O_RDWR, NULL),
		       "open(/proc/self/fd/<O_PATH fd>, O_RDWR)");
	}
	close(fd);
}

TEST(nobody_cannot_use_device)
{
	static const int want[] = {
		EACCES, EACCES, EACCES, EACCES,		/* open */
		0,					/* O_PATH */
		EBADF, EBADF, EBADF, EBADF, EBADF, EBADF,
		EACCES,					/* reopen */
	};
	struct results *r = results_new();
	uint64_t before, after;
	long mode;
	int fd, i;

	NEED_DEVICE();
	mode = param_mode();
	if (mode & 0006)
		SKIP(return, "the node is mode %#lo (mode= parameter): others may open it",
		     mode);
	ASSERT_NE(NULL, r);
	fd = open(dev_path(), O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, VMDEMO_IOC_GET_SIZE, &before));

	EXPECT_EQ(0, as_nobody(nobody_opens_device, dev_path(), r));
	ASSERT_EQ(0, r->setup_err) {
		TH_LOG("could not become nobody: %s", strerror(r->setup_err));
	}
	ASSERT_EQ((int)ARRAY_SIZE(want), r->n);
	for (i = 0; i < r->n; i++) {
		EXPECT_EQ(want[i], r->err[i]) {
			TH_LOG("as nobody: %s: %s (want %s)", r->what[i],
			       strerror(r->err[i]), strerror(want[i]));
		}
	}
	ASSERT_EQ(0, ioctl(fd, VMDEMO_IOC_GET_SIZE, &after));
	EXPECT_EQ(before, after);
	close(fd);
}

/* ---- debugfs ------------------------------------------------------------ */

/* Names of the regular files in @dir (NULL-terminated, malloc'ed). */
static char **list_files(const char *dir)
{
	char **names = calloc(64, sizeof(*names));
	struct dirent *de;
	int n = 0;
	DIR *d;

	if (!names)
		return NULL;
	d = opendir(dir);
	if (!d) {
		free(names);
		return NULL;
	}
	while ((de = readdir(d)) && n < 63) {
		if (de->d_name[0] == '.')
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	return names;
}

static void free_list(char **names)
{
	int i;

	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

TEST(debugfs_files_are_root_only)
{
	char **names = list_files(VMDEMO_DEBUGFS_DIR), path[512];
	struct stat st;
	int i;

	NEED_DEVICE();
	ASSERT_NE(NULL, names) {
		TH_LOG("%s: %s", VMDEMO_DEBUGFS_DIR, strerror(errno));
	}
	ASSERT_NE(NULL, names[0]);
	for (i = 0; names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", VMDEMO_DEBUGFS_DIR,
			 names[i]);
		ASSERT_EQ(0, lstat(path, &st));
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(0U, st.st_uid);
		EXPECT_EQ(0U, st.st_gid);
		EXPECT_EQ(0, (int)(st.st_mode & 077)) {
			TH_LOG("%s: mode %#o gives group or others access",
			       path, st.st_mode & 07777);
		}
		EXPECT_EQ(0, (int)(st.st_mode & 07111));
	}
	free_list(names);
}

/* @arg: the file names, listed by root (nobody may not list them). */
static void nobody_opens_debugfs(struct results *r, const void *arg)
{
	char *const *names = arg;
	char path[512];
	int i;

	for (i = 0; names && names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", VMDEMO_DEBUGFS_DIR,
			 names[i]);
		record(r, try_open(path, O_RDONLY, NULL), "open(%s, O_RDONLY)",
		       path);
		record(r, try_open(path, O_WRONLY, NULL), "open(%s, O_WRONLY)",
		       path);
	}
	/* And the obvious one, by name. */
	record(r, try_open(VMDEMO_DEBUGFS_DIR "/stats", O_RDONLY, NULL),
	       "open(stats, O_RDONLY)");
}

/*
 * Nobody cannot open a vmdemo debugfs file: with the debugfs root as it
 * is (0700: the directory stops them), and with it opened to 0755 for
 * the test (then the files' own modes must).
 */
TEST(nobody_cannot_open_debugfs)
{
	struct results *r = results_new();
	char **names;
	struct stat st;
	int pass, i, n;

	NEED_DEVICE();
	ASSERT_NE(NULL, r);
	names = list_files(VMDEMO_DEBUGFS_DIR);
	ASSERT_NE(NULL, names);
	ASSERT_EQ(0, stat(DEBUGFS_ROOT, &st));
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && chmod(DEBUGFS_ROOT, 0755)) {
			TH_LOG("chmod 0755 %s: %s; only the default mode tested",
			       DEBUGFS_ROOT, strerror(errno));
			break;
		}
		as_nobody(nobody_opens_debugfs, names, r);
		if (pass == 1)
			chmod(DEBUGFS_ROOT, st.st_mode & 07777);
		ASSERT_EQ(0, r->setup_err);
		n = r->n;
		EXPECT_LE(3, n);
		for (i = 0; i < n; i++) {
			EXPECT_EQ(EACCES, r->err[i]) {
				TH_LOG("as nobody, %s %s: %s: %s", DEBUGFS_ROOT,
				       pass ? "0755" : "as mounted",
				       r->what[i], strerror(r->err[i]));
			}
		}
	}
	/* The debugfs root is as it was. */
	{
		struct stat now;

		ASSERT_EQ(0, stat(DEBUGFS_ROOT, &now));
		EXPECT_EQ(st.st_mode, now.st_mode);
	}
	free_list(names);
}

/*
 * Does @text show a kernel address?  "0xffff...", a run of 12 or more
 * hex digits (%p, %px, %pK print 16) with a letter in it or a leading
 * zero (a decimal count has neither), or a decimal number at or above
 * 0xffff800000000000 (a kernel pointer printed with %lu).
 */
static bool leaks_address(const char *text, char *why, size_t whylen)
{
	const char *p, *start = text;
	bool letter = false;
	size_t run = 0;

	for (p = text; *p; p++) {
		if (!strncasecmp(p, "0xffff", 6)) {
			snprintf(why, whylen, "\"0xffff\" at byte %zu",
				 (size_t)(p - text));
			return true;
		}
		if (!isxdigit((unsigned char)*p)) {
			run = 0;
			letter = false;
			continue;
		}
		if (!run++)
			start = p;
		letter |= isalpha((unsigned char)*p);
		if (run >= 12 && (letter || *start == '0') &&
		    (start == text || !isalpha((unsigned char)start[-1]))) {
			snprintf(why, whylen, "%zu hex digits at byte %zu",
				 run, (size_t)(start - text));
			return true;
		}
	}
	for (p = text; *p; p++) {
		unsigned long long v;
		char *end;

		if (!isdigit((unsigned char)*p) ||
		    (p > text && isalnum((unsigned char)p[-1])))
			continue;
		errno = 0;
		v = strtoull(p, &end, 10);
		if ((errno == ERANGE || v >= 0xffff800000000000ULL) &&
		    end - p >= 19) {
			snprintf(why, whylen, "the number %.*s", (int)(end - p), p);
			return true;
		}
		p = end - 1;
	}
	return false;
}

/* The whole of a (small) file, NUL-terminated; NULL if unreadable. */
static char *slurp(const char *path)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	return buf;
}

/* Give every counter and the latency histogram something to show. */
static int make_activity(void)
{
	uint8_t *map;
	int fd, i;

	fd = open(dev_path(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	map = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return -1;
	}
	for (i = 0; i < 16; i++)
		map[i * 4096] = (uint8_t)i;
	munmap(map, 16 * 4096);
	close(fd);
	return 0;
}

TEST(debugfs_shows_no_kernel_addresses)
{
	char **names, path[512], why[128];
	int i, scanned = 0;
	struct stat st;
	char *text;

	NEED_DEVICE();
	ASSERT_EQ(0, make_activity());
	names = list_files(VMDEMO_DEBUGFS_DIR);
	ASSERT_NE(NULL, names);
	for (i = 0; names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", VMDEMO_DEBUGFS_DIR,
			 names[i]);
		ASSERT_EQ(0, stat(path, &st));
		if (!(st.st_mode & 0444))
			continue;	/* write-only: "reset" */
		text = slurp(path);
		ASSERT_NE(NULL, text) {
			TH_LOG("%s: %s", path, strerror(errno));
		}
		EXPECT_FALSE(leaks_address(text, why, sizeof(why))) {
			TH_LOG("%s shows what looks like a kernel address: %s",
			       path, why);
		}
		free(text);
		scanned++;
	}
	free_list(names);
	EXPECT_LE(2, scanned);	/* stats, fault_latency */
}

TEST(params_show_no_kernel_addresses)
{
	char **names = list_files(PARAMS_DIR), path[512], why[128];
	char *text;
	int i;

	NEED_DEVICE();
	ASSERT_NE(NULL, names);
	for (i = 0; names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", PARAMS_DIR, names[i]);
		text = slurp(path);
		ASSERT_NE(NULL, text);
		EXPECT_FALSE(leaks_address(text, why, sizeof(why))) {
			TH_LOG("%s: %s", path, why);
		}
		free(text);
	}
	free_list(names);
}

/* The module's own kernel messages ("vmdemo: ...") show no address. */
TEST(kernel_messages_show_no_kernel_addresses)
{
	char *buf, *line, *save, why[128];
	int len, n = 0;

	NEED_DEVICE();
	len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	ASSERT_LT(0, len);
	buf = calloc(1, len + 1);
	ASSERT_NE(NULL, buf);
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	ASSERT_LE(0, len);
	buf[len] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *msg = strstr(line, "] vmdemo: ");

		if (!msg)
			continue;
		n++;
		EXPECT_FALSE(leaks_address(msg, why, sizeof(why))) {
			TH_LOG("kernel message: %s: %s", line, why);
		}
	}
	free(buf);
	/* "vmdemo: /dev/vmdemo ready: ..." at least, unless rotated out. */
	if (!n)
		TH_LOG("no vmdemo kernel messages in the log buffer");
}

/* The scanner itself: it must catch what it is there to catch. */
TEST(address_scanner_catches_addresses)
{
	static const char *const leaks[] = {
		"ptr 0xffff888003a1b000\n", "ptr ffff888003a1b000\n",
		"hashed 00000000c0ffee12\n", "ptr 18446612682067701760\n",
		"hashed 0000000012345678\n", "p=ffffffffc0a01234\n",
		"x 0XFFFFFFFF81000000\n",
	};
	static const char *const clean[] = {
		"mmaps 12\nfaults 4096\n", "0 0 3\n1024 2047 17\n",
		"pages_resident 262144\n", "max_size 9223372036854775807\n",
		"max_size 1099511627776\n", "vmdemo: /dev/vmdemo ready\n",
	};
	char why[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(leaks); i++) {
		EXPECT_TRUE(leaks_address(leaks[i], why, sizeof(why))) {
			TH_LOG("missed example %zu", i);
		}
	}
	for (i = 0; i < ARRAY_SIZE(clean); i++) {
		EXPECT_FALSE(leaks_address(clean[i], why, sizeof(why))) {
			TH_LOG("false alarm on example %zu: %s", i, why);
		}
	}
}

/* ---- module parameters -------------------------------------------------- */

/* The documented parameters and their modes (README, main.c, stats.c). */
static const struct { const char *name; unsigned int mode; } params[] = {
	{ "size", 0444 },
	{ "max_size", 0444 },
	{ "mode", 0444 },
	{ "stats", 0644 },
};

TEST(params_documented_modes)
{
	char **names = list_files(PARAMS_DIR), path[512];
	unsigned int found = 0;
	struct stat st;
	size_t j;
	int i;

	NEED_DEVICE();
	ASSERT_NE(NULL, names);
	for (i = 0; names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", PARAMS_DIR, names[i]);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0U, st.st_uid);
		EXPECT_EQ(0, (int)(st.st_mode & 0022)) {
			TH_LOG("%s: mode %#o: writable by group or others",
			       path, st.st_mode & 07777);
		}
		for (j = 0; j < ARRAY_SIZE(params); j++)
			if (!strcmp(names[i], params[j].name))
				break;
		EXPECT_LT(j, ARRAY_SIZE(params)) {
			TH_LOG("undocumented parameter %s (mode %#o)", path,
			       st.st_mode & 07777);
		}
		if (j == ARRAY_SIZE(params))
			continue;
		found |= 1U << j;
		EXPECT_EQ(params[j].mode, st.st_mode & 07777) {
			TH_LOG("%s: mode %#o, documented %#o", path,
			       st.st_mode & 07777, params[j].mode);
		}
	}
	EXPECT_EQ((1U << ARRAY_SIZE(params)) - 1, found);
	free_list(names);
}

static void nobody_writes_params(struct results *r, const void *arg)
{
	char path[512];
	size_t j;
	int fd;

	(void)arg;
	for (j = 0; j < ARRAY_SIZE(params); j++) {
		snprintf(path, sizeof(path), "%s/%s", PARAMS_DIR,
			 params[j].name);
		record(r, try_open(path, O_WRONLY, NULL), "open(%s, O_WRONLY)",
		       path);
		/* Reading is allowed (0444 / 0644). */
		record(r, try_open(path, O_RDONLY, &fd), "open(%s, O_RDONLY)",
		       path);
		if (fd >= 0)
			close(fd);
	}
}

TEST(nobody_cannot_write_params)
{
	struct results *r = results_new();
	size_t j;

	NEED_DEVICE();
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, as_nobody(nobody_writes_params, NULL, r));
	ASSERT_EQ(0, r->setup_err);
	ASSERT_EQ((int)(2 * ARRAY_SIZE(params)), r->n);
	for (j = 0; j < ARRAY_SIZE(params); j++) {
		EXPECT_EQ(EACCES, r->err[2 * j]) {
			TH_LOG("as nobody: %s: %s", r->what[2 * j],
			       strerror(r->err[2 * j]));
		}
		EXPECT_EQ(0, r->err[2 * j + 1]) {
			TH_LOG("as nobody: %s: %s", r->what[2 * j + 1],
			       strerror(r->err[2 * j + 1]));
		}
	}
}

/* write() took only part of the buffer. */
#define SHORT_WRITE	(-1)

/*
 * Write @len bytes of @buf to @path in one write(): 0, the errno, or
 * SHORT_WRITE.
 */
static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, buf, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = SHORT_WRITE;
	close(fd);
	return err;
}

static char read_stats_param(void)
{
	char *text = slurp(PARAMS_DIR "/stats");
	char c = text ? text[0] : '?';

	free(text);
	return c;
}

TEST(stats_param_rejects_garbage)
{
	static const struct { const char *text; size_t len; } bad[] = {
		{ "\0", 1 }, { "\n", 1 }, { "2", 1 }, { "maybe", 5 },
		{ "-1", 2 }, { " 1", 2 }, { "o", 1 }, { "\xff", 1 },
	};
	static char big[65536];
	char orig;
	size_t i;
	int err;

	NEED_DEVICE();
	orig = read_stats_param();
	ASSERT_TRUE(orig == 'Y' || orig == 'N');
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err = write_file(PARAMS_DIR "/stats", bad[i].text, bad[i].len);
		EXPECT_EQ(EINVAL, err) {
			TH_LOG("writing \"%.*s\" to stats: %s",
			       (int)bad[i].len, bad[i].text, strerror(err));
		}
		EXPECT_EQ(orig, read_stats_param());
	}
	/*
	 * More than a sysfs store takes at once: sysfs hands the first page
	 * to the parameter, which must refuse it.
	 */
	memset(big, 'x', sizeof(big));
	EXPECT_EQ(EINVAL, write_file(PARAMS_DIR "/stats", big, sizeof(big)));
	EXPECT_EQ(orig, read_stats_param());
	/* From a bad pointer. */
	EXPECT_EQ(EFAULT, write_file(PARAMS_DIR "/stats", NULL, 1));
	EXPECT_EQ(orig, read_stats_param());

	/* Root may flip it, and it is back as it was afterwards. */
	EXPECT_EQ(0, write_file(PARAMS_DIR "/stats", orig == 'Y' ? "N" : "Y", 1));
	EXPECT_EQ(orig == 'Y' ? 'N' : 'Y', read_stats_param());
	EXPECT_EQ(0, write_file(PARAMS_DIR "/stats", orig == 'Y' ? "Y" : "N", 1));
	EXPECT_EQ(orig, read_stats_param());
}

/* ---- debugfs reset ------------------------------------------------------ */

TEST(reset_rejects_garbage)
{
	static const struct { const char *text; int err; } bad[] = {
		{ "0", EINVAL }, { "2", EINVAL }, { "-1", EINVAL },
		{ "abc", EINVAL }, { " 1", EINVAL }, { "1 1", EINVAL },
		{ "1x", EINVAL }, { "4294967297", ERANGE },
	};
	static char big[1 << 20];
	struct counters c0, c;
	size_t i;

	NEED_DEVICE();
	ASSERT_EQ(0, make_activity());
	ASSERT_EQ(0, counters_read(&c0));
	ASSERT_LT(0U, c0.v[C_MMAPS]);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(bad[i].err, write_file(VMDEMO_DEBUGFS_DIR "/reset",
						 bad[i].text,
						 strlen(bad[i].text))) {
			TH_LOG("writing \"%s\" to reset", bad[i].text);
		}
	}
	/* An empty write, a bad pointer, a megabyte of ones. */
	EXPECT_EQ(EINVAL, write_file(VMDEMO_DEBUGFS_DIR "/reset", "", 0));
	EXPECT_EQ(EFAULT, write_file(VMDEMO_DEBUGFS_DIR "/reset", NULL, 1));
	memset(big, '1', sizeof(big));
	EXPECT_EQ(ERANGE, write_file(VMDEMO_DEBUGFS_DIR "/reset", big,
				     sizeof(big)));
	/* Nothing was reset. */
	ASSERT_EQ(0, counters_read(&c));
	EXPECT_LE(c0.v[C_MMAPS], c.v[C_MMAPS]);
	EXPECT_LE(c0.v[C_FAULTS], c.v[C_FAULTS]);
	EXPECT_LE(c0.v[C_PAGES_ALLOCATED], c.v[C_PAGES_ALLOCATED]);

	/* The real thing still works: "1", and "0x1" is 1 too. */
	EXPECT_EQ(0, write_file(VMDEMO_DEBUGFS_DIR "/reset", "1\n", 2));
	ASSERT_EQ(0, counters_read(&c));
	EXPECT_EQ(0U, c.v[C_MMAPS]);
	ASSERT_EQ(0, make_activity());
	EXPECT_EQ(0, write_file(VMDEMO_DEBUGFS_DIR "/reset", "0x1", 3));
	ASSERT_EQ(0, counters_read(&c));
	EXPECT_EQ(0U, c.v[C_MMAPS]);
}

/* Reading stats at odd offsets and in odd sizes gives the same text. */
TEST(debugfs_reads_at_odd_offsets)
{
	char *whole, buf[8192];
	size_t len, i;
	ssize_t n;
	int fd;

	NEED_DEVICE();
	whole = slurp(VMDEMO_DEBUGFS_DIR "/stats");
	ASSERT_NE(NULL, whole);
	len = strlen(whole);
	ASSERT_LT(0U, len);
	fd = open(VMDEMO_DEBUGFS_DIR "/stats", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	/* One byte at a time. */
	for (i = 0; i < sizeof(buf) - 1; i++) {
		n = read(fd, buf + i, 1);
		ASSERT_LE(0, n);
		if (!n)
			break;
	}
	buf[i] = 0;
	EXPECT_STREQ(whole, buf);
	EXPECT_EQ(1, pread(fd, buf, 1, 1));
	EXPECT_EQ(whole[1], buf[0]);
	EXPECT_EQ(0, pread(fd, buf, sizeof(buf), 1LL << 40));
	EXPECT_EQ(0, pread(fd, buf, sizeof(buf), INT64_MAX - sizeof(buf)));
	errno = 0;
	EXPECT_EQ(-1, pread(fd, buf, 1, INT64_MAX));	/* pos + count wraps */
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, pread(fd, buf, 1, -1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, read(fd, (void *)0xffffffff81000000ULL, 16));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
	free(whole);
}

TEST_HARNESS_MAIN
