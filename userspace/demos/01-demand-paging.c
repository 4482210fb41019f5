// SPDX-License-Identifier: GPL-2.0
/*
 * Step 1, demand paging: mmap() only reserves addresses.  Each page is
 * brought in by a page fault the first time the program touches it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "demo.h"

#define NPAGES	64

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	struct stats start, d;
	long flt = 0, f0;
	volatile char *map;
	int touched = 0, next = 1, zero = 1, rows_ok = 1, i, mfd, closed;

	device_fresh(fd, NPAGES * page);
	stats_read(&start);

	/* A descriptor of its own, closed at once: the mapping keeps the file. */
	mfd = open(VMDEMO_DEVICE_PATH, O_RDONLY);
	if (mfd < 0)
		die("open " VMDEMO_DEVICE_PATH);
	map = mmap(NULL, NPAGES * page, PROT_READ, MAP_SHARED, mfd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	close(mfd);
	closed = fcntl(mfd, F_GETFD) < 0 && errno == EBADF;
	printf("  mmap() of %d pages (%zu KiB) returned %p; then close() of the\n"
	       "  descriptor it mapped.\n", NPAGES, NPAGES * page / 1024, (void *)map);
	d = stats_since(&start);
	check_count("mmaps", d.mmaps, 1, "the driver saw the mmap() call");
	check_count("faults", d.faults, 0, "but no page was touched yet");
	check_count("pages_resident", d.pages_resident, 0,
		    "so the device holds no page yet");
	check_strip(strip("pages 0-15 after mmap():", (void *)map, 16),
		    "................", "no page is mapped");

	printf("\n  Reading one byte of each page, in order:\n\n");
	printf("  pages read   driver faults   pages_resident   minor faults (getrusage)\n");
	while (touched < NPAGES) {
		f0 = minflt();
		for (; touched < next; touched++)
			zero &= map[touched * page] == 0;
		flt += minflt() - f0;
		d = stats_since(&start);
		printf("  %10d   %13lld   %14lld   %24ld\n", touched,
		       d.faults, d.pages_resident, flt);
		rows_ok &= d.faults == touched && d.pages_resident == touched &&
			   flt == touched;
		next *= 2;
	}
	printf("\n");
	check(rows_ok, "each row: driver faults = pages_resident = minor faults = pages read");
	d = stats_since(&start);
	check_count("faults", d.faults, NPAGES, "one fault per page, on its first touch");
	check_count("faults_read", d.faults_read, NPAGES, "all of them reads");
	check_count("pages_allocated", d.pages_allocated, NPAGES,
		    "each fault found no page in the cache\n"
		    "and allocated one");
	check(flt == NPAGES,
	      "getrusage() counted %ld minor faults for this process:\n"
	      "the same faults, seen from the process",
	      flt);
	check(zero, "every page read as zeroes: a page never written is\n"
	      "allocated zero-filled, as on tmpfs");
	check(closed && touched == NPAGES,
	      "all of it through a mapping whose descriptor was closed\n"
	      "before the first read");
	check_strip(strip("pages 0-15 after the reads:", (void *)map, 16),
		    "cccccccccccccccc", "each page is the device's own page");

	f0 = minflt();
	for (i = 0; i < NPAGES; i++)
		(void)map[i * page];
	flt = minflt() - f0;
	printf("\n  Reading all %d pages again:\n", NPAGES);
	check_count("faults", stats_since(&start).faults - d.faults, 0,
		    "the page table maps them now: no more faults");
	check(flt == 0, "minor faults of this process: +%ld", flt);

	munmap((void *)map, NPAGES * page);
	printf("\n  After munmap():\n");
	d = stats_since(&start);
	check_count("pages_resident", d.pages_resident, NPAGES,
		    "the pages stay in the device's page cache");
	return demo_done();
}
