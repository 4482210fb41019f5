// SPDX-License-Identifier: GPL-2.0
/*
 * Messages, and the two kernel knobs the benchmark turns: debugfs's
 * fault_around_bytes (4096 for warm-read) and the module's "stats"
 * parameter (the statistics table).  Both are read at the start and put
 * back at exit or on a fatal signal, with the device's size and, if the
 * backing-file lines were running, the module's parameters (backing.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

long fa_saved = -1;		/* fault_around_bytes found */
int stats_saved = -1;		/* 1 = Y, 0 = N, -1 = unknown */
static int stats_now = -1;
static char fa_restore[32];
static const char *stats_restore;

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vmdemo-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	if (buf[0] == 'Y' || buf[0] == 'y')
		return 1;
	if (buf[0] == 'N' || buf[0] == 'n')
		return 0;
	return strtol(buf, NULL, 0);
}

/* Async-signal-safe: also used by the signal handler. */
int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -1 : 0;
}

void set_fault_around(long bytes)
{
	char buf[32];

	if (fa_saved < 0)
		return;
	snprintf(buf, sizeof(buf), "%ld\n", bytes);
	if (write_str(FAULT_AROUND_PATH, buf))
		die("cannot write %s: %s", FAULT_AROUND_PATH, strerror(errno));
}

void set_stats(int on)
{
	if (stats_saved < 0 || stats_now == on)
		return;
	if (write_str(STATS_PARAM_PATH, on ? "Y\n" : "N\n"))
		die("cannot write %s: %s", STATS_PARAM_PATH, strerror(errno));
	stats_now = on;
}

/* After a reload of the module: its stats parameter as found. */
void knobs_reloaded(void)
{
	stats_now = -1;
	set_stats(stats_saved);
}

/* Async-signal-safe. */
static void restore_all(void)
{
	backing_restore();
	if (fa_restore[0])
		write_str(FAULT_AROUND_PATH, fa_restore);
	if (stats_restore)
		write_str(STATS_PARAM_PATH, stats_restore);
	restore_size();
}

static void on_signal(int sig)
{
	restore_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Remember the knobs and put them back however we leave. */
void save_knobs(void)
{
	fa_saved = read_long(FAULT_AROUND_PATH);
	if (fa_saved > 0)
		snprintf(fa_restore, sizeof(fa_restore), "%ld\n", fa_saved);
	else
		fprintf(stderr, "vmdemo-bench: warning: cannot read %s: warm-read runs with fault-around on\n",
			FAULT_AROUND_PATH);
	stats_saved = read_long(STATS_PARAM_PATH);
	stats_now = stats_saved;
	if (stats_saved >= 0)
		stats_restore = stats_saved ? "Y\n" : "N\n";
	atexit(restore_all);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}
