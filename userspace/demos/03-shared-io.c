// SPDX-License-Identifier: GPL-2.0
/*
 * Step 3, a shared mapping as I/O: the mapping and read()/write() reach
 * the very same pages of the page cache, so each sees the other's data
 * at once, without any copy or flush.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "demo.h"

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	const char *msg1 = "written through the mapping";
	const char *msg2 = "written with write()";
	const char *msg3 = "written again with write()";
	char buf[64];
	struct stats before, d;
	char *map;

	device_fresh(fd, 4 * page);
	map = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");

	printf("  1. strcpy() \"%s\" into the mapping, at offset 0:\n", msg1);
	stats_read(&before);
	strcpy(map, msg1);
	d = stats_since(&before);
	check_count("faults_write_shared", d.faults_write_shared, 1,
		    "the first write to the page faulted it\n"
		    "in, for writing");
	check_count("page_mkwrite", d.page_mkwrite, 1,
		    "and told the driver that the page is being\n"
		    "made writable (dirty)");
	memset(buf, 0, sizeof(buf));
	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		die("pread");
	check(!strcmp(buf, msg1), "pread() at offset 0 returns \"%s\"", buf);

	printf("\n  2. pwrite() \"%s\" at offset %zu (page 1),\n"
	       "     then read it through the mapping:\n", msg2, page);
	stats_read(&before);
	if (pwrite(fd, msg2, strlen(msg2) + 1, page) < 0)
		die("pwrite");
	d = stats_since(&before);
	check_count("faults", d.faults, 0, "write() took no fault: the kernel copies\n"
		    "into the page");
	check_count("pages_allocated", d.pages_allocated, 1,
		    "write() put a new page in the cache");
	stats_read(&before);
	check(!strcmp(map + page, msg2), "the mapping at offset %zu reads \"%s\"",
	      page, map + page);
	d = stats_since(&before);
	check_count("faults_read", d.faults_read, 1,
		    "a read fault mapped that page cache page");

	printf("\n  3. pwrite() \"%s\" at offset 0, a page already mapped:\n", msg3);
	stats_read(&before);
	if (pwrite(fd, msg3, strlen(msg3) + 1, 0) < 0)
		die("pwrite");
	check(!strcmp(map, msg3), "the mapping reads \"%s\" at once", map);
	d = stats_since(&before);
	check_count("faults", d.faults, 0,
		    "no fault, no copy: write() changed the\n"
		    "very page the mapping maps");
	check_count("pages_allocated", d.pages_allocated, 0, "the same page as before");
	return demo_done();
}
