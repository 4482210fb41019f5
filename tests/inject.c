// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures injected with the kernel's fault injection, for the
 * failinj_* programs: see inject.h.
 */
#define _GNU_SOURCE
#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inject.h"
#include "sysfile.h"
#include "target.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

const char *const inj_dir[INJ_NR] = {
	DEBUGFS "/fail_page_alloc", DEBUGFS "/failslab",
};

/*
 * Attributes set for the tests (and restored afterwards).  The defaults
 * ignore exactly the allocations the driver makes: ignore-gfp-wait=Y skips
 * every allocation that may sleep, ignore-gfp-highmem=Y every user page
 * (GFP_HIGHUSER_MOVABLE), min-order=1 every single page.  verbose=0: the
 * default (2) dumps a stack for each failure, which scripts/kernel-health
 * would take for a kernel problem.
 */
struct attr {
	enum inj inj;
	const char *name;
	const char *value;
};

static const struct attr attrs[] = {
	{ INJ_PAGE, "probability", "0" },
	{ INJ_PAGE, "interval", "1" },
	{ INJ_PAGE, "times", "1" },
	{ INJ_PAGE, "space", "0" },
	{ INJ_PAGE, "verbose", "0" },
	{ INJ_PAGE, "task-filter", "Y" },
	{ INJ_PAGE, "ignore-gfp-wait", "N" },
	{ INJ_PAGE, "ignore-gfp-highmem", "N" },
	{ INJ_PAGE, "min-order", "0" },
	{ INJ_SLAB, "probability", "0" },
	{ INJ_SLAB, "interval", "1" },
	{ INJ_SLAB, "times", "1" },
	{ INJ_SLAB, "space", "0" },
	{ INJ_SLAB, "verbose", "0" },
	{ INJ_SLAB, "task-filter", "Y" },
	{ INJ_SLAB, "ignore-gfp-wait", "N" },
	{ INJ_SLAB, "cache-filter", "N" },
};

_Static_assert(ARRAY_SIZE(attrs) <= INJ_MAX_ATTRS, "INJ_MAX_ATTRS");

static void attr_path(char *path, size_t len, enum inj inj, const char *name)
{
	snprintf(path, len, "%s/%s", inj_dir[inj], name);
}

int attr_set(enum inj inj, const char *name, const char *value)
{
	char path[128];

	attr_path(path, sizeof(path), inj, name);
	return sysfile_puts(path, value);
}

long attr_get(enum inj inj, const char *name)
{
	char path[128];

	attr_path(path, sizeof(path), inj, name);
	return sysfile_long(path, -2);
}

/*
 * Save and set the attributes, open this thread's make-it-fail and
 * fail-nth.  Returns 0, or 1 with @why set when the kernel has no fault
 * injection (skip), or -1 with @why set.
 */
int inj_setup(struct injector *in, char *why, size_t whylen)
{
	char path[128];
	size_t i;
	int k;

	memset(in, 0, sizeof(*in));
	in->mif_fd = in->nth_fd = -1;
	for (k = 0; k < INJ_NR; k++) {
		if (access(inj_dir[k], F_OK)) {
			snprintf(why, whylen,
				 "%s: %s (needs CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS: scripts/debug-kernel)",
				 inj_dir[k], strerror(errno));
			return 1;
		}
	}
	in->mif_fd = open("/proc/thread-self/make-it-fail", O_RDWR | O_CLOEXEC);
	in->nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (in->mif_fd < 0 || in->nth_fd < 0) {
		snprintf(why, whylen, "/proc/thread-self/{make-it-fail,fail-nth}: %s",
			 strerror(errno));
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		attr_path(path, sizeof(path), attrs[i].inj, attrs[i].name);
		if (sysfile_line(path, in->saved[i], sizeof(in->saved[i]))) {
			snprintf(why, whylen, "reading %s: %s", path,
				 strerror(errno));
			return -1;
		}
		in->have_saved[i] = true;
	}
	/* Disarmed first, then the rest. */
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		if (attr_set(attrs[i].inj, attrs[i].name, attrs[i].value)) {
			snprintf(why, whylen, "setting %s/%s to %s: %s",
				 inj_dir[attrs[i].inj], attrs[i].name,
				 attrs[i].value, strerror(errno));
			return -1;
		}
	}
	in->ready = true;
	return 0;
}

/*
 * Stop failing (make-it-fail first: a write to an open proc file
 * allocates nothing), then restore what inj_setup() changed.
 */
void inj_disarm(struct injector *in)
{
	char zero[2] = "0";

	if (in->mif_fd >= 0)
		pwrite(in->mif_fd, zero, 1, 0);
	if (in->nth_fd >= 0)
		pwrite(in->nth_fd, zero, 1, 0);
	attr_set(INJ_PAGE, "probability", "0");
	attr_set(INJ_SLAB, "probability", "0");
}

void inj_teardown(struct injector *in)
{
	size_t i;

	inj_disarm(in);
	/* probability first, so nothing fails while the rest changes */
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		if (in->have_saved[i] && !strcmp(attrs[i].name, "probability"))
			attr_set(attrs[i].inj, attrs[i].name, in->saved[i]);
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		if (in->have_saved[i] && strcmp(attrs[i].name, "probability"))
			attr_set(attrs[i].inj, attrs[i].name, in->saved[i]);
	if (in->mif_fd >= 0)
		close(in->mif_fd);
	if (in->nth_fd >= 0)
		close(in->nth_fd);
	in->mif_fd = in->nth_fd = -1;
	in->ready = false;
}

/*
 * Make the next @times allocations of kind @inj by this thread fail.
 * Everything the code under test touches must be resident already: from
 * here to inj_disarm() any allocation of ours fails, a stack page or a
 * stdio buffer included.
 */
int inj_arm(struct injector *in, enum inj inj, int times)
{
	char buf[16], one[2] = "1";

	snprintf(buf, sizeof(buf), "%d", times);
	if (attr_set(inj, "times", buf) || attr_set(inj, "probability", "100"))
		return -1;
	return pwrite(in->mif_fd, one, 1, 0) == 1 ? 0 : -1;
}

/* Fail the @nth allocation (slab or page) of this thread from now on. */
int nth_arm(struct injector *in, unsigned int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", nth);

	return pwrite(in->nth_fd, buf, len, 0) == len ? 0 : -1;
}

/*
 * Read and clear fail-nth: 0 if the failure was injected, else how many
 * allocations short the call fell.
 */
long nth_disarm(struct injector *in)
{
	char buf[16] = "", zero[2] = "0";
	ssize_t n = pread(in->nth_fd, buf, sizeof(buf) - 1, 0);

	pwrite(in->nth_fd, zero, 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

void __attribute__((noinline)) prefault_stack(size_t bytes)
{
	volatile char *p = alloca(bytes);
	size_t i;

	for (i = 0; i < bytes; i += 512)
		p[i] = 0;
}

int pte_present(const void *addr)
{
	uint64_t e;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &e, sizeof(e),
		  (off_t)((uintptr_t)addr / pagesz) * (off_t)sizeof(e));
	close(fd);
	if (n != sizeof(e))
		return -1;
	return !!(e & (1ULL << 63));
}
