/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common part of the access_* programs: who may reach vmdemo, and what
 * it gives away (access_node, access_debugfs, access_params,
 * access_leaks).  They run as root in the test VM and do what an
 * unprivileged user would with nobody.h; each test skips if /dev/vmdemo
 * is not there.  Include this from exactly one file per program (the
 * harness defines functions).
 */
#ifndef _VMDEMO_ACCESS_H
#define _VMDEMO_ACCESS_H

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "kselftest_harness.h"

#include "counters.h"
#include "nobody.h"
#include "sysfile.h"

#define DEBUGFS_ROOT	"/sys/kernel/debug"

#define NEED_DEVICE() do {						\
	if (access(vmdemo_dev(), F_OK))					\
		SKIP(return, "%s: %s (vmdemo module not loaded)",	\
		     vmdemo_dev(), strerror(errno));			\
} while (0)

/* Give every counter and the latency histogram something to show. */
static inline int make_activity(void)
{
	uint8_t *map;
	int fd, i;

	fd = open(vmdemo_dev(), O_RDWR | O_CLOEXEC);
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

#endif /* _VMDEMO_ACCESS_H */
