// SPDX-License-Identifier: GPL-2.0
/* Is /dev/vmdemo whole: see health.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "health.h"
#include "pattern.h"
#include "sysfile.h"
#include "tap.h"
#include "target.h"

int device_reset(uint64_t size)
{
	uint64_t zero = 0;
	int fd = open(vmdemo_dev(), O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, VMDEMO_IOC_SET_SIZE, &zero) ||
	      ioctl(fd, VMDEMO_IOC_SET_SIZE, &size) ? -1 : 0;
	close(fd);
	return ret;
}

bool pages_add_up(const struct counters *c0, long want, const char *what)
{
	uint64_t allocated, freed, resident;
	struct counters c;

	if (counters_read(&c)) {
		diag("%s: reading the debugfs counters failed", what);
		return false;
	}
	allocated = c.v[C_PAGES_ALLOCATED] - c0->v[C_PAGES_ALLOCATED];
	freed = c.v[C_PAGES_FREED] - c0->v[C_PAGES_FREED];
	resident = c.v[C_PAGES_RESIDENT];
	if (allocated - freed == resident &&
	    (want < 0 || resident == (uint64_t)want))
		return true;
	diag("%s: pages_allocated +%llu - pages_freed +%llu, pages_resident %llu (want %ld)",
	     what, (unsigned long long)allocated, (unsigned long long)freed,
	     (unsigned long long)resident, want);
	return false;
}

/* Write a pattern to the first @len bytes and read it through a mapping. */
static bool write_and_map(int fd, size_t len)
{
	bool ok = true;
	uint8_t *map;

	if (pat_pwrite(fd, 0, len, 3)) {
		diag("pwrite: %s", strerror(errno));
		ok = false;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		diag("mmap: %s", strerror(errno));
		return false;
	}
	if (pat_check(map, len, 0, 3) != PAT_OK) {
		diag("the mapping does not show what was written");
		ok = false;
	}
	munmap(map, len);
	return ok;
}

bool device_works(uint64_t size)
{
	struct vmdemo_info info;
	size_t len = 16 * pagesz;
	struct counters c0;
	bool ok = true;
	int fd;

	if (size < len)
		len = size & ~(pagesz - 1);
	if (device_reset(size)) {
		diag("resetting the device: %s", strerror(errno));
		return false;
	}
	fd = open(vmdemo_dev(), O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		diag("open %s: %s", vmdemo_dev(), strerror(errno));
		return false;
	}
	/* Empty now: count from here ("reset" may have run since load). */
	if (counters_read(&c0)) {
		diag("reading the debugfs counters failed");
		close(fd);
		return false;
	}
	if (len && !write_and_map(fd, len))
		ok = false;
	if (ioctl(fd, VMDEMO_IOC_GET_INFO, &info)) {
		diag("GET_INFO: %s", strerror(errno));
		ok = false;
	} else if (info.size != size || info.pages_resident != len / pagesz) {
		diag("GET_INFO: size %llu (want %llu), resident %llu (want %zu)",
		     (unsigned long long)info.size, (unsigned long long)size,
		     (unsigned long long)info.pages_resident, len / pagesz);
		ok = false;
	}
	if (!pages_add_up(&c0, len / pagesz, "after the refill"))
		ok = false;
	close(fd);
	if (device_reset(size))
		ok = false;
	return ok;
}
