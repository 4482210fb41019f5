// SPDX-License-Identifier: GPL-2.0
/*
 * Step 5, a private mapping: the process gets its own copy of a page the
 * moment it writes to it (copy-on-write), and the device never sees the
 * write.  Until then the mapping shows the device's page, changes and all.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "demo.h"

/* Write @text at page @n of the device with pwrite(). */
static void device_write(int fd, int n, const char *text)
{
	if (pwrite(fd, text, strlen(text) + 1, n * page) < 0)
		die("pwrite");
}

static int device_says(int fd, int n, const char *text)
{
	char buf[64] = "";

	if (pread(fd, buf, sizeof(buf) - 1, n * page) < 0)
		die("pread");
	return !strcmp(buf, text);
}

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	struct stats before, d;
	char *map;

	device_fresh(fd, 3 * page);
	device_write(fd, 0, "device v1");
	device_write(fd, 1, "device v1");
	device_write(fd, 2, "device v1");
	map = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	printf("  The device's 3 pages hold \"device v1\"; mapped them MAP_PRIVATE, read-write.\n");
	check_strip(strip("mapped, nothing touched:", map, 3), "...",
		    "mmap() mapped no page");

	printf("\n  Page 0: write \"mine\" through the private mapping:\n");
	stats_read(&before);
	strcpy(map, "mine");
	d = stats_since(&before);
	check_count("faults_cow", d.faults_cow, 1,
		    "the driver handed over its page, and the\n"
		    "kernel copied it");
	check_count("page_mkwrite", d.page_mkwrite, 0,
		    "the device's page itself is not written");
	check(!strcmp(map, "mine"), "the mapping reads \"%s\"", map);
	check(device_says(fd, 0, "device v1"), "read() of the device still says \"device v1\"");
	check_strip(strip("after the write to page 0:", map, 3), "p..",
		    "page 0 is a private copy, anonymous memory");

	printf("\n  Page 1: never touched by the mapping; pwrite() \"device v2\" there:\n");
	device_write(fd, 1, "device v2");
	stats_read(&before);
	check(!strcmp(map + page, "device v2"),
	      "the private mapping reads \"%s\": it follows the device", map + page);
	d = stats_since(&before);
	check_count("faults_read", d.faults_read, 1,
		    "a read fault mapped the device's own page,\n"
		    "read-only");
	check_strip(strip("after the read of page 1:", map, 3), "pc.",
		    "page 1 is the device's page");

	printf("\n  Page 2: read it through the mapping first, then pwrite() \"device v2\":\n");
	(void)*(volatile char *)(map + 2 * page);
	device_write(fd, 2, "device v2");
	check(!strcmp(map + 2 * page, "device v2"),
	      "the mapping reads \"%s\": a read maps the device's page, no copy",
	      map + 2 * page);
	printf("  Now write \"mine\" to page 2 through the mapping, then pwrite() \"device v3\":\n");
	stats_read(&before);
	strcpy(map + 2 * page, "mine");
	d = stats_since(&before);
	check_count("faults", d.faults, 0,
		    "this copy was made without the driver:\n"
		    "the page was already mapped");
	device_write(fd, 2, "device v3");
	check(!strcmp(map + 2 * page, "mine"),
	      "the mapping reads \"%s\": from the write on, page 2 is the\n"
	      "process's own copy",
	      map + 2 * page);
	check(device_says(fd, 2, "device v3"), "the device says \"device v3\"");
	check_strip(strip("after the write to page 2:", map, 3), "pcp",
		    "page 2 became a private copy in its turn");
	return demo_done();
}
