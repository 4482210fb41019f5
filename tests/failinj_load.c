// SPDX-License-Identifier: GPL-2.0
/*
 * tests/failinj_load.c: loading vmdemo with each slab allocation of
 * vmdemo_init() (and of what follows it in finit_module()) failed once,
 * with /proc/thread-self/fail-nth (inject.h).  Each load fails with
 * ENOMEM and leaves nothing behind, or the failure was absorbed (debugfs,
 * sysfs extras, uevents...) and the module works and unloads; the next
 * normal load works; and kmemleak, where the kernel has it, finds no new
 * leak.  The loader's own allocations before vmdemo_init() only with
 * VMDEMO_TEST_FAILINJ_LOAD=all: Linux 6.1 warns (WARN_ON_ONCE) in
 * event_define_fields() when a trace event field cannot be allocated.
 *
 * Leaves the module loaded, as the suite expects.  Needs the debug kernel
 * (scripts/debug-kernel): the test skips, with the reason, on a kernel
 * without fault injection, and without the module file (VMDEMO_KO,
 * default /lib/modules/vmdemo.ko).  Diagnostics go to stderr; results are
 * TAP (kselftest harness).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "kselftest_harness.h"

#include "inject.h"
#include "sysfile.h"

#define KMEMLEAK	DEBUGFS "/kmemleak"

/* What a failed load must not leave behind. */
static const char *const leftovers[] = {
	VMDEMO_MODULE_DIR,
	"/sys/class/misc/vmdemo",
	"/dev/vmdemo",
	DEBUGFS "/vmdemo",
	"/sys/kernel/tracing/events/vmdemo",
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * kmemleak's suspects (the "unreferenced object 0x..." header lines), after
 * two scans.  Returns the count, or -1 if kmemleak is not there.
 */
static int kmemleak_suspects(char ***list)
{
	char line[512];
	char **v = NULL;
	int n = 0;
	FILE *f;

	*list = NULL;
	if (access(KMEMLEAK, W_OK))
		return -1;
	if (sysfile_puts(KMEMLEAK, "scan"))
		return -1;
	sleep(1);
	if (sysfile_puts(KMEMLEAK, "scan"))
		return -1;
	f = fopen(KMEMLEAK, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "unreferenced object", 19))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v)
			break;
		v[n++] = strdup(line);
	}
	fclose(f);
	*list = v;
	return n;
}

static void kmemleak_print_new(struct __test_metadata *_metadata,
			       char **before, int nb, char **after, int na,
			       int *nnew)
{
	int i, j;

	*nnew = 0;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (!strcmp(after[i], before[j]))
				break;
		if (j == nb) {
			(*nnew)++;
			TH_LOG("kmemleak: %s", after[i]);
		}
	}
	if (*nnew) {
		FILE *f = fopen(KMEMLEAK, "r");
		char line[512];

		while (f && fgets(line, sizeof(line), f))
			fprintf(stderr, "# kmemleak: %s", line);
		if (f)
			fclose(f);
	}
}

/*
 * Whether vmdemo_init() ran since the last call: the initcall_finish trace
 * event, enabled for the sweep, fires for every module init function that
 * returns (only vmdemo is loaded meanwhile; its name is not in the event,
 * since the init code is freed before the trace is read).  Clears the
 * trace buffer.  -1 if it cannot tell.
 */
#define TRACEFS		"/sys/kernel/tracing"
#define INITCALL_EVENT	TRACEFS "/events/initcall/initcall_finish/enable"

static int trace_clear(void)
{
	int fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int init_ran(void)
{
	char line[512];
	int ran = 0;
	FILE *f = fopen(TRACEFS "/trace", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "initcall_finish: func="))
			ran = 1;
	fclose(f);
	return trace_clear() ? -1 : ran;
}

FIXTURE(load) {
	bool skip;
	struct injector in;
	int kofd;
	const char *params;
	char saved_event[8], saved_on[8];
	bool tracing;
};

FIXTURE_SETUP(load)
{
	const char *ko = getenv("VMDEMO_KO");
	char why[512] = "";
	int ret;

	self->kofd = -1;
	ret = inj_setup(&self->in, why, sizeof(why));
	if (ret == 1) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	/* slab allocations only: no page allocation counts for fail-nth */
	ASSERT_EQ(0, attr_set(INJ_PAGE, "min-order", "100"));

	if (!ko || !*ko)
		ko = "/lib/modules/vmdemo.ko";
	self->kofd = open(ko, O_RDONLY | O_CLOEXEC);
	if (self->kofd < 0) {
		self->skip = true;
		SKIP(return, "%s: %s (set VMDEMO_KO)", ko, strerror(errno));
	}
	self->params = getenv("VMDEMO_MODPARAMS");
	if (!self->params)
		self->params = "";

	/* The initcall_finish event tells whether vmdemo_init() ran. */
	if (!sysfile_line(INITCALL_EVENT, self->saved_event, sizeof(self->saved_event)) &&
	    !sysfile_line(TRACEFS "/tracing_on", self->saved_on, sizeof(self->saved_on))) {
		ASSERT_EQ(0, sysfile_puts(INITCALL_EVENT, "1"));
		ASSERT_EQ(0, sysfile_puts(TRACEFS "/tracing_on", "1"));
		ASSERT_EQ(0, trace_clear());
		self->tracing = true;
	}
}

FIXTURE_TEARDOWN(load)
{
	if (self->in.ready || self->in.mif_fd >= 0)
		inj_teardown(&self->in);
	if (self->tracing) {
		sysfile_puts(INITCALL_EVENT, self->saved_event);
		sysfile_puts(TRACEFS "/tracing_on", self->saved_on);
		trace_clear();
	}
	/* Leave the module loaded, as the suite expects. */
	if (self->kofd >= 0 && !vmdemo_loaded())
		syscall(SYS_finit_module, self->kofd, self->params, 0);
	if (self->kofd >= 0)
		close(self->kofd);
}

/*
 * finit_module() with each slab allocation of vmdemo_init() (and of what
 * follows it) failed in turn, from the last allocation of the load
 * backwards, until a failure makes the load fail before vmdemo_init() ran
 * (initcall_finish did not fire): from there on it is the kernel's module
 * loader that fails, not the driver.  (VMDEMO_TEST_FAILINJ_LOAD=all goes on
 * through the loader too, as far as SWEEP_BUDGET allows, every allocation
 * of the last SWEEP_TAIL and a stride through the rest.  Linux 6.1 then
 * hits WARN_ON_ONCE(ret) in event_define_fields() (kernel/trace/
 * trace_events.c) when a trace event field of the module cannot be
 * allocated: a kernel warning, not a driver bug, but scripts/kernel-health
 * fails the run on it.)
 *
 * Every failed load must fail with ENOMEM and leave no trace (module,
 * misc device, /dev/vmdemo, debugfs or trace events directory); a load
 * that absorbed the failure must work and unload; the next normal load
 * works; and no memory is leaked (kmemleak, when the kernel has it).
 */
#define SWEEP_TAIL	250
#define SWEEP_BUDGET	100.0	/* seconds, VMDEMO_TEST_FAILINJ_LOAD=all */

TEST_F_TIMEOUT(load, each_allocation_of_init_failed, 280)
{
	unsigned int k, total, step = 1, tail_start, runs = 0, failed = 0;
	unsigned int absorbed = 0, nodev = 0, other_err = 0, in_init = 0;
	const char *mode = getenv("VMDEMO_TEST_FAILINJ_LOAD");
	char **leaks_before = NULL, **leaks_after = NULL;
	int nb, na, nnew, ret, err, devfd, ran;
	bool all = mode && !strcmp(mode, "all");
	const char *left_path;
	uint64_t size = 0;
	double t0, per_load;
	long left;

	if (self->skip)
		return;
	if (!self->tracing && !all)
		SKIP(return, "no initcall trace events (%s): cannot tell the driver's allocations from the loader's",
		     INITCALL_EVENT);
	nb = kmemleak_suspects(&leaks_before);

	if (vmdemo_loaded())
		ASSERT_EQ(0, syscall(SYS_delete_module, "vmdemo", O_NONBLOCK))
			TH_LOG("rmmod vmdemo: %s (is the device in use?)", strerror(errno));
	ASSERT_FALSE(vmdemo_loaded());

	/* How many slab allocations does a load make? */
	t0 = now_s();
	ASSERT_EQ(0, nth_arm(&self->in, 1000000));
	ret = syscall(SYS_finit_module, self->kofd, self->params, 0);
	err = errno;
	left = nth_disarm(&self->in);
	ASSERT_EQ(0, ret) TH_LOG("loading vmdemo: %s", strerror(err));
	ASSERT_LT(0, left);
	total = 1000000 - left;
	ASSERT_EQ(0, syscall(SYS_delete_module, "vmdemo", O_NONBLOCK));
	per_load = now_s() - t0;
	ASSERT_LT(0U, total);
	if (self->tracing)
		ASSERT_EQ(1, init_ran()) TH_LOG("no initcall_finish event for vmdemo_init");

	tail_start = total > SWEEP_TAIL ? total - SWEEP_TAIL : 0;
	if (all && total > SWEEP_TAIL) {
		double affordable = SWEEP_BUDGET / (per_load > 0.01 ? per_load : 0.01);

		affordable -= SWEEP_TAIL;
		if (affordable < 10)
			affordable = 10;
		step = (total - SWEEP_TAIL) / affordable + 1;
	}
	TH_LOG("a load makes %u slab allocations (%.0f ms per load)%s", total,
	       per_load * 1000, all ? "; failing all of them (VMDEMO_TEST_FAILINJ_LOAD=all)" : "");

	t0 = now_s();
	for (k = total; k >= 1; k = k > tail_start + 1 ? k - 1 : (k > step ? k - step : 0)) {
		if (all && now_s() - t0 > SWEEP_BUDGET) {
			TH_LOG("time is up after %u loads (down to allocation %u)", runs, k);
			break;
		}
		ASSERT_EQ(0, nth_arm(&self->in, k));
		ret = syscall(SYS_finit_module, self->kofd, self->params, 0);
		err = errno;
		left = nth_disarm(&self->in);
		ASSERT_LE(0, left);
		ran = self->tracing ? init_ran() : 1;
		ASSERT_LE(0, ran);
		runs++;
		if (!ret) {
			/* worked: the failure was absorbed, or never came */
			if (!left)
				absorbed++;
			EXPECT_EQ(1, ran);
			EXPECT_EQ(0, access("/sys/class/misc/vmdemo", F_OK))
				TH_LOG("allocation %u failed: loaded, but no misc device", k);
			if (access("/dev/vmdemo", F_OK))
				nodev++;	/* devtmpfs' failure is not reported */
			ASSERT_EQ(0, syscall(SYS_delete_module, "vmdemo", O_NONBLOCK))
				TH_LOG("allocation %u failed, loaded: rmmod: %s", k, strerror(errno));
		} else {
			failed++;
			in_init += ran;
			if (err != ENOMEM) {
				other_err++;
				TH_LOG("allocation %u failed: the load failed with %s", k, strerror(err));
			}
		}
		EXPECT_FALSE(vmdemo_loaded()) TH_LOG("allocation %u", k);
		left_path = sysfile_first(leftovers, ARRAY_SIZE(leftovers),
					  F_OK);
		EXPECT_EQ(NULL, left_path)
			TH_LOG("allocation %u failed, load %s: %s is left behind", k,
			       ret ? "failed" : "worked and was undone", left_path);
		if (left_path || vmdemo_loaded())
			break;
		if (ret && !ran && !all) {
			TH_LOG("allocation %u is the loader's, before vmdemo_init(): done", k);
			break;
		}
	}
	TH_LOG("%u loads: %u failed (%u of them in vmdemo_init), %u absorbed the failure (%u without /dev/vmdemo)",
	       runs, failed, in_init, absorbed, nodev);
	EXPECT_EQ(0U, other_err) TH_LOG("loads failed with errors other than ENOMEM");
	/* vmdemo_init() allocates: some of its failures must fail the load */
	EXPECT_LT(0U, in_init);

	/* And the module loads, as the suite expects it. */
	ret = syscall(SYS_finit_module, self->kofd, self->params, 0);
	ASSERT_EQ(0, ret) TH_LOG("loading vmdemo after the sweep: %s", strerror(errno));
	EXPECT_EQ(0, access("/dev/vmdemo", F_OK));
	devfd = open("/dev/vmdemo", O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, devfd);
	if (devfd >= 0) {
		EXPECT_EQ(0, ioctl(devfd, VMDEMO_IOC_GET_SIZE, &size));
		EXPECT_LT(0U, size);
		close(devfd);
	}

	/* kmemleak: nothing new (objects are reported once 5 s old) */
	if (nb >= 0) {
		sleep(6);
		na = kmemleak_suspects(&leaks_after);
		ASSERT_LE(0, na) TH_LOG("kmemleak stopped working");
		kmemleak_print_new(_metadata, leaks_before, nb, leaks_after, na, &nnew);
		EXPECT_EQ(0, nnew) TH_LOG("new suspected leaks after the sweep");
	} else {
		TH_LOG("no kmemleak in this kernel: leaks not checked");
	}
}

TEST_HARNESS_MAIN
