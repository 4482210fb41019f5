// SPDX-License-Identifier: GPL-2.0
/*
 * Step 2, fault-around: on a read fault the kernel also maps the pages
 * around the faulting one that are already in the page cache, so that
 * reading a file sequentially takes far fewer faults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "demo.h"

#define NPAGES	64

/* Map the device, read every page in order, unmap; report what happened. */
static struct stats read_all(int fd, long *flt)
{
	struct stats before;
	volatile char *map;
	long f0;
	int i;

	stats_read(&before);
	map = mmap(NULL, NPAGES * page, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	f0 = minflt();
	for (i = 0; i < NPAGES; i++)
		(void)map[i * page];
	*flt = minflt() - f0;
	munmap((void *)map, NPAGES * page);
	return stats_since(&before);
}

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	struct vmdemo_range hole;
	struct stats start, d;
	char *buf;
	long flt, around = FAULT_AROUND_ON / page;

	device_fresh(fd, NPAGES * page);
	stats_read(&start);
	buf = malloc(NPAGES * page);
	if (!buf)
		die("malloc");
	memset(buf, 'x', NPAGES * page);
	if (pwrite(fd, buf, NPAGES * page, 0) != (ssize_t)(NPAGES * page))
		die("write");
	check_count("pages_resident", stats_since(&start).pages_resident, NPAGES,
		    "write() filled all 64 pages: they are in\n"
		    "the device's page cache");

	printf("\n  1. Fault-around off (fault_around_bytes = %zu, one page):\n", page);
	d = read_all(fd, &flt);
	check(flt == NPAGES, "this process took %ld page faults to read %d pages",
	      flt, NPAGES);
	check_count("faults", d.faults, NPAGES, "every one of them reached the driver");
	check_count("map_pages", d.map_pages, 0, "no fault-around");

	set_fault_around(FAULT_AROUND_ON);
	printf("\n  2. Fault-around on (fault_around_bytes = %d, %ld pages):\n",
	       FAULT_AROUND_ON, around);
	d = read_all(fd, &flt);
	check(flt < NPAGES && flt <= NPAGES / around + 2,
	      "this process took only %ld page faults to read %d pages", flt,
	      NPAGES);
	check_count("map_pages", d.map_pages, flt,
		    "each fault first asked the driver to map\n"
		    "the cached pages around it");
	check_count("map_pages_mapped", d.map_pages_mapped, NPAGES,
		    "and that mapped every page");
	check_count("faults", d.faults, 0,
		    "so .fault was never needed: the faulting\n"
		    "page was mapped with its neighbours");

	hole = (struct vmdemo_range){ .offset = NPAGES / 2 * page,
				      .length = NPAGES / 2 * page };
	printf("\n  3. Fault-around on, after punching a hole in pages %d-%d:\n",
	       NPAGES / 2, NPAGES - 1);
	stats_read(&start);
	if (ioctl(fd, VMDEMO_IOC_PUNCH_HOLE, &hole))
		die("VMDEMO_IOC_PUNCH_HOLE");
	check_count("pages_freed", stats_since(&start).pages_freed, NPAGES / 2,
		    "the hole took them out of the page cache");
	d = read_all(fd, &flt);
	check_count("map_pages_mapped", d.map_pages_mapped, NPAGES / 2,
		    "fault-around maps only pages that are\n"
		    "already in the cache");
	check_count("faults", d.faults, NPAGES / 2,
		    ".fault had to bring in each of the others");
	check_count("pages_allocated", d.pages_allocated, NPAGES / 2,
		    "allocating them (zero-filled)");
	check(d.faults + d.map_pages_mapped == NPAGES,
	      "faults + map_pages_mapped = %lld + %lld = %d, the pages read",
	      d.faults, d.map_pages_mapped, NPAGES);
	return demo_done();
}
