// SPDX-License-Identifier: GPL-2.0
/*
 * The trace events agree with the counters: a traced run records one
 * vmdemo_fault event per counted fault, one vmdemo_map_pages event per
 * map_pages call with the pages it mapped, and one page_alloc per page
 * allocated.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "counters.h"
#include "kselftest_harness.h"
#include "target.h"

#define TRACEFS		"/sys/kernel/tracing"

static int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(s, f) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

/* Enable or disable every vmdemo event. */
static int trace_vmdemo(int on)
{
	return write_str(TRACEFS "/events/vmdemo/enable", on ? "1" : "0");
}

struct trace_counts {
	unsigned long faults, map_pages, mapped, mkwrite, alloc, sigbus;
};

static int trace_collect(struct trace_counts *tc)
{
	char line[512];
	FILE *f;

	memset(tc, 0, sizeof(*tc));
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *m;

		if (line[0] == '#')
			continue;
		if (strstr(line, "vmdemo_fault:")) {
			tc->faults++;
			if (strstr(line, "result=SIGBUS"))
				tc->sigbus++;
		} else if ((m = strstr(line, "vmdemo_map_pages:"))) {
			m = strstr(m, "mapped=");
			tc->map_pages++;
			if (m)
				tc->mapped += strtoul(m + 7, NULL, 10);
		} else if (strstr(line, "vmdemo_page_mkwrite:")) {
			tc->mkwrite++;
		} else if (strstr(line, "vmdemo_page_alloc:")) {
			tc->alloc++;
		}
	}
	fclose(f);
	return 0;
}

FIXTURE(trace) {
	struct target t;
};

FIXTURE_SETUP(trace)
{
	char msg[256];
	int ret;

	ret = target_setup(&self->t, TARGET_DEVICE, 64 * 4096, msg,
			   sizeof(msg));
	if (ret == TARGET_SKIP)
		SKIP(return, "%s", msg);
	ASSERT_EQ(TARGET_READY, ret) TH_LOG("%s", msg);
	if (access(TRACEFS "/events/vmdemo", F_OK))
		SKIP(return, "no %s/events/vmdemo (tracefs not mounted?)",
		     TRACEFS);
	/* A large buffer, so that no event of the run is overwritten. */
	ASSERT_EQ(0, write_str(TRACEFS "/buffer_size_kb", "4096"));
	ASSERT_EQ(0, write_str(TRACEFS "/trace", ""));
}

FIXTURE_TEARDOWN(trace)
{
	trace_vmdemo(0);
	write_str(TRACEFS "/trace", "");
	target_teardown(&self->t);
}

/*
 * A mix of events with the kernel's default fault-around: cold shared
 * writes, warm reads from a second mapping, private writes and a SIGBUS.
 */
TEST_F(trace, events_match_counters)
{
	const int n = 48;
	struct counters before, after;
	struct trace_counts tc;
	volatile uint8_t *p, *q;
	int i;

	ASSERT_EQ(0, counters_reset());
	ASSERT_EQ(0, counters_read(&before));
	ASSERT_EQ(0, trace_vmdemo(1));

	p = mmap(NULL, pages(n), PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < n; i++)
		p[pages(i)] = i;
	q = mmap(NULL, pages(n), PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->t.fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	for (i = 0; i < n; i += 2)
		ASSERT_EQ(i, q[pages(i)]);
	for (i = 1; i < n; i += 2)
		q[pages(i)] = 0xff;

	ASSERT_EQ(0, trace_vmdemo(0));
	ASSERT_EQ(0, counters_read(&after));
	ASSERT_EQ(0, trace_collect(&tc));

	EXPECT_EQ(after.v[C_FAULTS] - before.v[C_FAULTS], tc.faults);
	EXPECT_EQ(after.v[C_MAP_PAGES] - before.v[C_MAP_PAGES], tc.map_pages);
	EXPECT_EQ(after.v[C_MAP_PAGES_MAPPED] - before.v[C_MAP_PAGES_MAPPED],
		  tc.mapped);
	EXPECT_EQ(after.v[C_PAGE_MKWRITE] - before.v[C_PAGE_MKWRITE],
		  tc.mkwrite);
	EXPECT_EQ(after.v[C_PAGES_ALLOCATED] - before.v[C_PAGES_ALLOCATED],
		  tc.alloc);
	/* The run did something of each kind. */
	EXPECT_EQ((uint64_t)n, tc.alloc);
	EXPECT_LE((uint64_t)n, tc.faults);
	EXPECT_EQ((uint64_t)n, tc.mkwrite);
	munmap((void *)p, pages(n));
	munmap((void *)q, pages(n));
}

TEST_HARNESS_MAIN
