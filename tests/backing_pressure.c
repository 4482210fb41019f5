// SPDX-License-Identifier: GPL-2.0
/*
 * Memory pressure with a backing file (issue 13): a process in a memory
 * cgroup (cgroup2, memory.max = 32 MiB) writes every page of a device
 * four times that size through a shared mapping, then checks every byte
 * of it through a new mapping.  The device's pages are charged to the
 * cgroup, so reclaim must have them written back and drop them as it
 * goes: nothing is lost, nobody is OOM-killed (memory.events),
 * pages_evicted and pages_read are above 0, pages_written covers the
 * device and pages_dirty is 0 after fsync.  The dirty limit is lowered
 * (vm.dirty_bytes = 4 MiB) for the test and restored, so that the writer
 * is throttled to what writeback keeps up with.  About 12 s under TCG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "bfixture.h"
#include "pattern.h"
#include "proc.h"
#include "sysfile.h"

#define MiB		(1UL << 20)
#define MEM_MAX		(32 * MiB)
#define DEV_SIZE	(4 * MEM_MAX)
#define DIRTY_BYTES	(4 * MiB)
#define CGROOT		"/sys/fs/cgroup"
#define CG		CGROOT "/vmdemo-pressure"
#define VM_SYSCTL	"/proc/sys/vm/"

FIXTURE(pressure) {
	struct bobj o;
	long fault_around;
	long dirty_bytes, dirty_ratio;
	bool cgroup;
};

/* The cgroup2 hierarchy at CGROOT, with the memory controller for CG. */
static int cgroup_setup(char *msg, size_t len)
{
	char buf[64];
	struct statfs sfs;

	if (statfs(CGROOT, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		mkdir(CGROOT, 0755);
		if (mount("cgroup2", CGROOT, "cgroup2", 0, NULL)) {
			snprintf(msg, len, "mount -t cgroup2 %s: %s", CGROOT,
				 strerror(errno));
			return -1;
		}
	}
	if (sysfile_puts(CGROOT "/cgroup.subtree_control", "+memory")) {
		snprintf(msg, len, "+memory in %s/cgroup.subtree_control: %s",
			 CGROOT, strerror(errno));
		return -1;
	}
	if (mkdir(CG, 0755) && errno != EEXIST) {
		snprintf(msg, len, "mkdir %s: %s", CG, strerror(errno));
		return -1;
	}
	snprintf(buf, sizeof(buf), "%lu", MEM_MAX);
	if (sysfile_puts(CG "/memory.max", buf)) {
		snprintf(msg, len, "%s/memory.max = %s: %s", CG, buf, strerror(errno));
		return -1;
	}
	return 0;
}

FIXTURE_SETUP(pressure)
{
	char msg[256], buf[32];

	self->cgroup = false;
	self->o.fd = -1;
	self->fault_around = -1;
	if (!disk_ready(msg, sizeof(msg)))
		SKIP(_exit(BOBJ_SKIP_EXIT), "%s", msg);
	self->dirty_bytes = sysfile_long(VM_SYSCTL "dirty_bytes", -1);
	self->dirty_ratio = sysfile_long(VM_SYSCTL "dirty_ratio", -1);
	bfixture_setup(_metadata, &self->o, &self->fault_around, BOBJ_DEVICE,
		       "pressure", DEV_SIZE, "");
	ASSERT_EQ(0, cgroup_setup(msg, sizeof(msg))) TH_LOG("%s", msg);
	self->cgroup = true;
	ASSERT_LE(0, self->dirty_bytes);
	ASSERT_LT(0, self->dirty_ratio);
	snprintf(buf, sizeof(buf), "%lu", DIRTY_BYTES);
	ASSERT_EQ(0, sysfile_puts(VM_SYSCTL "dirty_bytes", buf));
}

FIXTURE_TEARDOWN(pressure)
{
	char buf[32];

	/* Writing one of the two clears the other: put back the one in use. */
	if (self->dirty_bytes > 0) {
		snprintf(buf, sizeof(buf), "%ld", self->dirty_bytes);
		sysfile_puts(VM_SYSCTL "dirty_bytes", buf);
	} else if (self->dirty_ratio > 0) {
		snprintf(buf, sizeof(buf), "%ld", self->dirty_ratio);
		sysfile_puts(VM_SYSCTL "dirty_ratio", buf);
	}
	bfixture_teardown(&self->o, self->fault_around);
	if (self->cgroup && rmdir(CG))
		fprintf(stderr, "# rmdir %s: %s\n", CG, strerror(errno));
}

/* In the child, in the cgroup: write every page, then check every byte. */
static void child(int fd)
{
	size_t n = DEV_SIZE / pagesz, i;
	uint8_t *p;
	ssize_t bad;

	p = mmap(NULL, DEV_SIZE, RW, MAP_SHARED, fd, 0);
	CHILD_ASSERT(p != MAP_FAILED);
	for (i = 0; i < n; i++)
		pat_fill(p + pages(i), pagesz, pages(i), 3);
	CHILD_ASSERT(!munmap(p, DEV_SIZE));

	p = mmap(NULL, DEV_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	CHILD_ASSERT(p != MAP_FAILED);
	for (i = 0; i < n; i++) {
		bad = pat_check(p + pages(i), pagesz, pages(i), 3);
		if (bad != PAT_OK) {
			fprintf(stderr, "# the writer: byte %zu is wrong\n",
				pages(i) + bad);
			_exit(2);
		}
	}
	_exit(0);
}

/* A field of CG's memory.events, or -1. */
static long memory_event(const char *name)
{
	char *text = sysfile_text(CG "/memory.events"), *at;
	long v = -1;

	if (!text)
		return -1;
	at = strstr(text, name);
	if (at && sscanf(at + strlen(name), " %ld", &v) != 1)
		v = -1;
	free(text);
	return v;
}

TEST_F_TIMEOUT(pressure, four_times_memory_max_through_a_mapping, 300)
{
	struct bcounters b0, b1;
	char pid[32];
	int status;
	time_t t0;
	pid_t c;

	ASSERT_EQ(0, bcounters_read(&b0));
	t0 = time(NULL);
	fflush(NULL);
	c = fork();
	ASSERT_LE(0, c);
	if (!c) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		snprintf(pid, sizeof(pid), "%d", getpid());
		CHILD_ASSERT(!sysfile_puts(CG "/cgroup.procs", pid));
		child(self->o.fd);
	}
	ASSERT_EQ(c, waitpid(c, &status, 0));
	TH_LOG("took %ld s", (long)(time(NULL) - t0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("the writer %s %d (memory.events: oom %ld, oom_kill %ld)",
		       WIFSIGNALED(status) ? "was killed by signal" : "exited with",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		       memory_event("oom "), memory_event("oom_kill "));
	EXPECT_EQ(0, memory_event("oom_kill "));

	ASSERT_EQ(0, fsync(self->o.fd));
	ASSERT_EQ(0, bcounters_read(&b1));
	TH_LOG("read %llu, evicted %llu, written %llu pages of %lu",
	       (unsigned long long)BDELTA(b1, b0, B_PAGES_READ),
	       (unsigned long long)BDELTA(b1, b0, B_PAGES_EVICTED),
	       (unsigned long long)BDELTA(b1, b0, B_PAGES_WRITTEN),
	       DEV_SIZE / pagesz);
	EXPECT_LT(0U, BDELTA(b1, b0, B_PAGES_EVICTED));
	EXPECT_LT(0U, BDELTA(b1, b0, B_PAGES_READ));
	EXPECT_LE(DEV_SIZE / pagesz, BDELTA(b1, b0, B_PAGES_WRITTEN));
	EXPECT_EQ(0U, b1.v[B_PAGES_DIRTY]);
}

BACKING_MAIN()
