// SPDX-License-Identifier: GPL-2.0
/*
 * Step 10, three calls that act on a mapping after mmap(): msync()
 * (write back), mprotect() (change the permissions), madvise(MADV_DONTNEED)
 * (drop the pages from the page table), on shared and private mappings.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "demo.h"

static int device_says(int fd, const char *text)
{
	char buf[64] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		die("pread");
	return !strcmp(buf, text);
}

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	struct stats before, d;
	char *shared, *private;
	int sig;

	device_fresh(fd, page);
	shared = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	private = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (shared == MAP_FAILED || private == MAP_FAILED)
		die("mmap");

	printf("  msync(): write \"v1\" through the shared mapping.\n");
	strcpy(shared, "v1");
	check(device_says(fd, "v1"), "read() sees \"v1\" at once, without msync()");
	stats_read(&before);
	check(msync(shared, page, MS_SYNC) == 0, "msync(MS_SYNC) returned 0");
	d = stats_since(&before);
	if (!demo_backing())
		check(d.faults == 0 && d.page_mkwrite == 0 &&
		      d.pages_allocated == 0 && d.pages_freed == 0,
		      "and changed nothing the driver counts: this device, loaded\n"
		      "without a backing file, has no storage behind its page cache");
	else
		check(d.faults == 0 && d.pages_written == 1 && d.pages_dirty == -1,
		      "and wrote the page to the backing file: pages_written %+lld,\n"
		      "pages_dirty %+lld (step 12 shows this in detail)",
		      d.pages_written, d.pages_dirty);

	printf("\n  mprotect(): make the shared mapping read-only, then write to it.\n");
	if (mprotect(shared, page, PROT_READ))
		die("mprotect");
	stats_read(&before);
	sig = try_write(shared, 'X');
	d = stats_since(&before);
	check(sig == SIGSEGV, "the write raised %s", signame(sig));
	check(d.faults == 0 && d.page_mkwrite == 0,
	      "the driver never heard of it: the kernel checks the mapping's\n"
	      "permissions before it asks the driver for anything");
	check(device_says(fd, "v1"), "the device still says \"v1\"");
	if (mprotect(shared, page, PROT_READ | PROT_WRITE))
		die("mprotect");
	check(try_write(shared, 'w') == 0 && device_says(fd, "w1"),
	      "after mprotect(PROT_READ | PROT_WRITE) the write works: \"w1\"");

	printf("\n  madvise(MADV_DONTNEED) on the shared mapping:\n");
	check_strip(strip("before:", shared, 1), "c", "the device's page");
	stats_read(&before);
	if (madvise(shared, page, MADV_DONTNEED))
		die("madvise");
	d = stats_since(&before);
	check_strip(strip("after MADV_DONTNEED:", shared, 1), ".",
		    "not mapped any more");
	check_count("pages_resident", d.pages_resident, 0,
		    "the page stays in the device's cache...");
	stats_read(&before);
	check(!strcmp(shared, "w1"), "...and the mapping still reads \"w1\"");
	d = stats_since(&before);
	check_count("faults_read", d.faults_read, 1,
		    "after one fault: MADV_DONTNEED removed\n"
		    "the page table entry, and the next access\n"
		    "mapped the page again");

	printf("\n  madvise(MADV_DONTNEED) on the private mapping:\n");
	strcpy(private, "private");
	check(!strcmp(private, "private") && device_says(fd, "w1"),
	      "wrote \"private\" to the private mapping: a private copy");
	check_strip(strip("before:", private, 1), "p", "a private copy");
	if (madvise(private, page, MADV_DONTNEED))
		die("madvise");
	check_strip(strip("after MADV_DONTNEED:", private, 1), ".",
		    "the copy is gone");
	stats_read(&before);
	check(!strcmp(private, "w1"),
	      "after MADV_DONTNEED it reads \"%s\": the private copy was thrown\n"
	      "away, and the mapping shows the device's page again", private);
	d = stats_since(&before);
	check_count("faults_read", d.faults_read, 1, "the device's page, mapped again by a fault");
	return demo_done();
}
