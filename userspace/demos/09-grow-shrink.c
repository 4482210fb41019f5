// SPDX-License-Identifier: GPL-2.0
/*
 * Step 9, growing and shrinking a mapped file.  Appending through a
 * mapping works by growing the file first (ftruncate(), here the
 * VMDEMO_IOC_SET_SIZE ioctl), then copying into the new bytes.
 * Shrinking takes pages away from every process that maps them.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "demo.h"

#define WINDOW	8	/* pages mapped up front */

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	static const char *const records[] = {
		"first record\n", "second record\n", "third record\n",
	};
	struct stats before, d;
	char *map, *copy, buf[64];
	size_t end = 0, len;
	int i, sig, kept = 1;
	__u64 size;

	device_fresh(fd, 0);
	map = mmap(NULL, WINDOW * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	printf("  The device is empty (size 0); mapped %d pages of it anyway.\n", WINDOW);
	stats_read(&before);
	sig = try_write(map, 'a');
	d = stats_since(&before);
	check(sig == SIGBUS, "writing at offset 0 raised %s: there is no byte 0 yet",
	      signame(sig));
	check_count("faults_sigbus", d.faults_sigbus, 1,
		    "the driver's .fault refused the page");

	printf("\n  Append three records: grow the device, then memcpy() into the mapping.\n");
	stats_read(&before);
	for (i = 0; i < 3; i++) {
		len = strlen(records[i]);
		device_set_size(fd, end + len);
		memcpy(map + end, records[i], len);
		end += len;
	}
	d = stats_since(&before);
	if (ioctl(fd, VMDEMO_IOC_GET_SIZE, &size))
		die("VMDEMO_IOC_GET_SIZE");
	memset(buf, 0, sizeof(buf));
	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		die("pread");
	check(size == end && !strcmp(buf, "first record\nsecond record\nthird record\n"),
	      "the device is now %llu bytes, and read() returns the three records",
	      (unsigned long long)size);
	check(d.faults == 1 && d.faults_write_shared == 1 &&
	      d.page_mkwrite == 1 && d.pages_allocated == 1,
	      "one fault for the three: the first memcpy() faulted page 0 in\n"
	      "(allocated, made writable); the other two found it mapped");

	printf("\n  Fill 4 pages, then shrink the device to 1 page + 6 bytes under the mapping:\n");
	stats_read(&before);
	device_set_size(fd, 4 * page);
	memset(map, 'y', 4 * page);
	copy = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (copy == MAP_FAILED)
		die("mmap");
	copy[3 * page] = 'p';	/* a private copy of page 3 */
	d = stats_since(&before);
	check(d.faults == 4 && d.faults_write_shared == 3 && d.page_mkwrite == 3 &&
	      d.pages_allocated == 3 && d.faults_cow == 1,
	      "filling took 3 shared write faults (pages 1-3, allocated), and\n"
	      "writing page 3 of a MAP_PRIVATE mapping a copy (faults_cow)");
	check_strip(strip("shared mapping, before:", map, 4), "cccc",
		    "the 4 device pages");
	check_strip(strip("private mapping, before:", copy, 4), "...p",
		    "only page 3, a private copy");
	stats_read(&before);
	device_set_size(fd, page + 6);
	d = stats_since(&before);
	check_count("pages_freed", d.pages_freed, 2, "pages 2 and 3 left the page cache");
	check_strip(strip("shared mapping, after the shrink:", map, 4), "cc..",
		    "pages 2 and 3 unmapped");
	check_strip(strip("private mapping, after:", copy, 4), "....",
		    "the private copy unmapped too");
	stats_read(&before);
	for (i = 0; i < (int)page; i++)
		kept &= map[page + i] == (i < 6 ? 'y' : 0);
	check(kept && stats_since(&before).faults == 0,
	      "page 1 is still mapped (reading it took no fault): its first\n"
	      "6 bytes read 'y', the rest was zeroed");
	stats_read(&before);
	sig = try_read(map + 2 * page);
	check(sig == SIGBUS, "reading page 2 through the shared mapping raised %s",
	      signame(sig));
	sig = try_read(copy + 3 * page);
	check(sig == SIGBUS,
	      "even the private copy of page 3 in a MAP_PRIVATE mapping is gone:\n"
	      "reading it raised %s (shrinking unmaps private copies too)",
	      signame(sig));
	check_count("faults_sigbus", stats_since(&before).faults_sigbus, 2,
		    "both reads faulted, and the driver refused\n"
		    "the pages: they are past the end now");
	return demo_done();
}
