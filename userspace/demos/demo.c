// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the tour programs; see demo.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "demo.h"

#define FAULT_AROUND_PATH	"/sys/kernel/debug/fault_around_bytes"
#define STATS_PARAM_PATH	"/sys/module/vmdemo/parameters/stats"

size_t page;

static int checks, failures;
static long saved_fault_around = -1;
static char saved_stats_param;

void die(const char *what)
{
	fprintf(stderr, "demo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

void set_fault_around(long bytes)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", bytes);
	if (write_file(FAULT_AROUND_PATH, buf))
		die("cannot set " FAULT_AROUND_PATH);
}

/* At exit: put back what demo_init() changed. */
static void restore_settings(void)
{
	if (saved_fault_around > 0)
		set_fault_around(saved_fault_around);
	if (saved_stats_param == 'N')
		write_file(STATS_PARAM_PATH, "N\n");
}

int demo_init(long fault_around_bytes)
{
	char buf[32];
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page = sysconf(_SC_PAGESIZE);

	if (access("/sys/module/vmdemo", F_OK)) {
		fprintf(stderr, "demo: the vmdemo module is not loaded (try: vmdemo load)\n");
		exit(1);
	}
	if (geteuid() != 0) {
		fprintf(stderr, "demo: needs root, to read the counters in debugfs\n");
		exit(1);
	}
	if (read_file(VMDEMO_DEBUGFS_DIR "/stats", buf, sizeof(buf))) {
		fprintf(stderr, "demo: cannot read %s/stats: %s (is debugfs mounted? mount -t debugfs none /sys/kernel/debug)\n",
			VMDEMO_DEBUGFS_DIR, strerror(errno));
		exit(1);
	}

	/* The counters count only while the "stats" parameter is on. */
	if (read_file(STATS_PARAM_PATH, buf, sizeof(buf)) == 0 && buf[0] == 'N') {
		if (write_file(STATS_PARAM_PATH, "Y\n"))
			die("cannot turn the statistics on: " STATS_PARAM_PATH);
		saved_stats_param = 'N';
	}
	if (read_file(FAULT_AROUND_PATH, buf, sizeof(buf)))
		die("cannot read " FAULT_AROUND_PATH);
	saved_fault_around = atol(buf);
	atexit(restore_settings);
	set_fault_around(fault_around_bytes);

	fd = open(VMDEMO_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("cannot open " VMDEMO_DEVICE_PATH);
	return fd;
}

void device_set_size(int fd, unsigned long long size)
{
	__u64 sz = size;

	if (ioctl(fd, VMDEMO_IOC_SET_SIZE, &sz))
		die("VMDEMO_IOC_SET_SIZE");
}

void device_fresh(int fd, unsigned long long size)
{
	device_set_size(fd, 0);
	device_set_size(fd, size);
}

/* Field of struct stats for each name in the stats file. */
static const struct {
	const char *name;
	size_t off;
} stat_fields[] = {
#define F(x) { #x, offsetof(struct stats, x) }
	F(mmaps), F(vma_opens), F(vma_closes), F(faults), F(faults_read),
	F(faults_write_shared), F(faults_cow), F(faults_sigbus),
	F(faults_oom), F(map_pages), F(map_pages_mapped), F(page_mkwrite),
	F(pages_resident), F(pages_allocated), F(pages_freed),
	F(faults_major), F(pages_read), F(pages_readahead), F(pages_written),
	F(pages_evicted), F(pages_dirty),
#undef F
};

/* Uses no malloc(), so that reading the counters adds no page fault. */
void stats_read(struct stats *s)
{
	char buf[4096], *line, *save;
	size_t i;

	if (read_file(VMDEMO_DEBUGFS_DIR "/stats", buf, sizeof(buf)))
		die("cannot read " VMDEMO_DEBUGFS_DIR "/stats");
	memset(s, 0, sizeof(*s));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *value = strchr(line, ' ');

		if (!value)
			continue;
		*value++ = '\0';
		for (i = 0; i < ARRAY_SIZE(stat_fields); i++)
			if (!strcmp(line, stat_fields[i].name))
				*(long long *)((char *)s + stat_fields[i].off) =
					atoll(value);
	}
}

struct stats stats_since(const struct stats *before)
{
	struct stats now, d;
	long long *a = (long long *)&now, *b = (long long *)before;
	long long *r = (long long *)&d;
	size_t i;

	stats_read(&now);
	for (i = 0; i < sizeof(d) / sizeof(long long); i++)
		r[i] = a[i] - b[i];
	return d;
}

long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* The /proc/self/pagemap entry of the page that holds @addr. */
static uint64_t pagemap_entry(const void *addr)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		die("cannot open /proc/self/pagemap");
	if (pread(fd, &entry, sizeof(entry),
		  (uintptr_t)addr / page * sizeof(entry)) != sizeof(entry))
		die("cannot read /proc/self/pagemap");
	close(fd);
	return entry;
}

unsigned long long pfn(const void *addr)
{
	uint64_t entry = pagemap_entry(addr);

	/* Bit 63: present; bits 0-54: the page frame number. */
	return (entry >> 63) ? entry & ((1ULL << 55) - 1) : 0;
}

int page_is_file(const void *addr)
{
	uint64_t entry = pagemap_entry(addr);

	/* Bit 61: a file page (or shared anonymous memory's tmpfs page). */
	return (entry >> 63) ? (int)((entry >> 61) & 1) : -1;
}

int page_dirty(const void *addr)
{
	unsigned long long frame = pfn(addr);
	uint64_t flags;
	int fd;

	if (!frame)
		return -1;
	fd = open("/proc/kpageflags", O_RDONLY);
	if (fd < 0)
		return -1;
	if (pread(fd, &flags, sizeof(flags), frame * sizeof(flags)) !=
	    sizeof(flags)) {
		close(fd);
		return -1;
	}
	close(fd);
	/* Bit 4 of kpageflags: KPF_DIRTY, the page's PG_dirty flag. */
	return (flags >> 4) & 1;
}

static sigjmp_buf probe_env;

static void probe_handler(int sig)
{
	siglongjmp(probe_env, sig);
}

static int probe(volatile char *addr, int write, char val)
{
	struct sigaction sa = { .sa_handler = probe_handler }, old_bus, old_segv;
	int sig;

	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	sig = sigsetjmp(probe_env, 1);
	if (!sig) {
		if (write)
			*addr = val;
		else
			(void)*addr;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

int try_read(const volatile char *addr)
{
	return probe((volatile char *)addr, 0, 0);
}

int try_write(volatile char *addr, char val)
{
	return probe(addr, 1, val);
}

const char *signame(int sig)
{
	switch (sig) {
	case 0:
		return "no signal";
	case SIGBUS:
		return "SIGBUS";
	case SIGSEGV:
		return "SIGSEGV";
	default:
		return "another signal";
	}
}

/* Indentation of the continuation lines of a check's text. */
static int cont_indent;

static void vcheck(int ok, const char *fmt, va_list ap)
{
	char text[1024], *line, *nl;

	checks++;
	if (!ok)
		failures++;
	vsnprintf(text, sizeof(text), fmt, ap);
	printf("  %s ", ok ? "[ok]  " : "[FAIL]");
	for (line = text; (nl = strchr(line, '\n')); line = nl + 1)
		printf("%.*s\n  %6s %*s", (int)(nl - line), line, "",
		       cont_indent, "");
	printf("%s\n", line);
}

void check(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(ok, fmt, ap);
	va_end(ap);
}

static void check_indented(int ok, int indent, const char *fmt, ...)
{
	va_list ap;

	cont_indent = indent;
	va_start(ap, fmt);
	vcheck(ok, fmt, ap);
	va_end(ap);
	cont_indent = 0;
}

/* Continuation lines of @why line up under its first line. */
int demo_counts_closes(void)
{
	char buf[8] = "";

	if (read_file("/sys/module/vmdemo/parameters/count_closes", buf,
		      sizeof(buf)))
		return 0;
	return buf[0] == 'Y';
}

const char *demo_backing(void)
{
	static char path[512];
	char buf[1024], *line, *save;

	if (read_file(VMDEMO_DEBUGFS_DIR "/backing", buf, sizeof(buf)))
		return NULL;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "path ", 5) || !line[5] ||
		    !strcmp(line + 5, "(null)"))
			continue;
		snprintf(path, sizeof(path), "%s", line + 5);
		return path;
	}
	return NULL;
}

void check_count(const char *name, long long got, long long want,
		 const char *why)
{
	if (got == want)
		check_indented(1, 26, "%-19s %+4lld  %s", name, got, why);
	else
		check_indented(0, 26, "%-19s %+4lld  expected %+lld: %s", name,
			       got, want, why);
}

int demo_done(void)
{
	if (failures)
		printf("  %d of %d checks FAILED\n", failures, checks);
	else
		printf("  all %d checks passed\n", checks);
	return failures ? 1 : 0;
}
