// SPDX-License-Identifier: GPL-2.0
/*
 * Step 11, the rest of mmap(): its arguments, the open mode, MAP_FIXED,
 * /dev/zero, mremap(), remap_file_pages(), MAP_NORESERVE and overcommit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "demo.h"

#define RW	(PROT_READ | PROT_WRITE)
#define MiB	(1024 * 1024LL)
#define OVERCOMMIT "/proc/sys/vm/overcommit_memory"

static char seen[2048];	/* the /proc/self/maps lines show_maps() printed */
static unsigned long seen_end;	/* and where the last of them ends */

/* mmap(), for the calls that must work. */
static char *map(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	char *p = mmap(addr, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* Print the lines of /proc/self/maps that overlap [a, a + len). */
static int show_maps(const void *a, size_t len)
{
	unsigned long lo, hi, s = (unsigned long)a;
	FILE *f = fopen("/proc/self/maps", "r");
	char line[256];
	int n = 0;

	seen[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < s + len && hi > s) {
			printf("      %s", line);
			strncat(seen, line, sizeof(seen) - strlen(seen) - 1);
			seen_end = hi;
			n++;
		}
	if (f)
		fclose(f);
	return n;
}

/* A field of /proc/meminfo, in bytes. */
static long long meminfo(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long long kb = -1, v;
	char name[64];

	while (f && fscanf(f, "%63s %lld kB ", name, &v) == 2)
		if (!strcmp(name, field))
			kb = v;
	if (f)
		fclose(f);
	return kb * 1024;
}

/* How many MiB a 64 MiB writable mapping added to Committed_AS. */
static long long charge(int flags, int fd)
{
	long long c0 = meminfo("Committed_AS:");

	map(NULL, 64 * MiB, RW, flags, fd, 0);
	return (meminfo("Committed_AS:") - c0 + MiB / 2) / MiB;
}

/* Set vm.overcommit_memory; the first call saves it, to put it back at exit. */
static int overcommit_was = -1;
static void set_overcommit(int mode);
static void restore_overcommit(void) { set_overcommit(overcommit_was); }

static void set_overcommit(int mode)
{
	FILE *f = fopen(OVERCOMMIT, "r+");
	int was;

	if (!f || fscanf(f, "%d", &was) != 1 || fseek(f, 0, SEEK_SET) ||
	    fprintf(f, "%d\n", mode) < 0 || fclose(f))
		die("cannot set " OVERCOMMIT);
	if (overcommit_was < 0) {
		overcommit_was = was;
		atexit(restore_overcommit);
	}
}

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF), ro, zero, i;
	char *a, *b, *z, *zs, *as, buf[16];
	long long c0, ram;
	struct stats before, d;

	device_fresh(fd, 4 * page);
	for (i = 0; i < 4; i++)	/* "page 0" at the start of page 0, ... */
		if (pwrite(fd, buf, sprintf(buf, "page %d", i) + 1, i * page) < 0)
			die("pwrite");

	printf("  mmap()'s arguments:\n");
	stats_read(&before);
	errno = 0;
	check(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 100) == MAP_FAILED &&
	      errno == EINVAL && stats_since(&before).mmaps == 0,
	      "offset 100, not a multiple of the page size: EINVAL, and the\n"
	      "driver's .mmap was not called");
	a = map(NULL, 100, PROT_READ, MAP_SHARED, fd, 0);
	check(show_maps(a, 1) == 1 && seen_end - (unsigned long)a == page,
	      "length 100 mapped one whole page (above)");
	b = mmap(a, page, PROT_READ, MAP_SHARED, fd, page);
	check(b != MAP_FAILED && b != a && !strcmp(a, "page 0"),
	      "address %p, taken, given as a hint: mapped at %p instead", a, b);

	printf("\n  The open mode limits the protection:\n");
	ro = open(VMDEMO_DEVICE_PATH, O_RDONLY);
	if (ro < 0)
		die("cannot open " VMDEMO_DEVICE_PATH);
	b = mmap(NULL, page, RW, MAP_SHARED, ro, 0);
	i = errno;
	check(b == MAP_FAILED && i == EACCES,
	      "O_RDONLY descriptor, MAP_SHARED, PROT_WRITE: %s", strerrorname_np(i));
	a = map(NULL, page, RW, MAP_PRIVATE, ro, 0);
	stats_read(&before);
	strcpy(a, "mine");
	d = stats_since(&before);
	check(d.faults_cow == 1 && !strcmp(a, "mine") && pread(fd, buf, 7, 0) == 7 &&
	      !strcmp(buf, "page 0"), "MAP_PRIVATE allowed, and writable: the write made a\n"
	      "private copy (faults_cow), the device still says \"page 0\"");
	a = map(NULL, page, PROT_NONE, MAP_SHARED, ro, 0);
	stats_read(&before);
	i = try_read(a);
	check(i == SIGSEGV && stats_since(&before).faults == 0,
	      "PROT_NONE: reading raised %s, the driver saw no fault", signame(i));

	printf("\n  MAP_FIXED over the 2nd of 4 pages of a shared mapping:\n");
	a = map(NULL, 4 * page, RW, MAP_SHARED, fd, 0);
	stats_read(&before);
	b = mmap(a + page, page, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	d = stats_since(&before);
	check(b == a + page && show_maps(a, 4 * page) == 3 && !b[0] &&
	      !strcmp(a, "page 0") && !strcmp(a + 2 * page, "page 2"),
	      "one mapping became three: the new page reads zeroes, the\n"
	      "pages around it are still the device's");
	check_count("vma_opens", d.vma_opens, 2, "two splits, each a new VMA");

	printf("\n  /dev/zero, the older way to get anonymous memory:\n");
	zero = open("/dev/zero", O_RDWR);
	if (zero < 0)
		die("cannot open /dev/zero");
	z = map(NULL, page, RW, MAP_PRIVATE, zero, 0);
	strcpy(z + 1, "written");
	check(!z[0] && !strcmp(z + 1, "written") && pread(zero, buf, 8, 0) == 8 &&
	      !memcmp(buf, "\0\0\0\0\0\0\0\0", 8),
	      "a private mapping of it reads zeroes and is writable;\n"
	      "/dev/zero itself still reads zeroes");
	zs = map(NULL, page, RW, MAP_SHARED, zero, 0);
	as = map(NULL, page, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	show_maps(zs, 1);
	i = strstr(seen, "/dev/zero (deleted)") != NULL;
	show_maps(as, 1);
	check(i && strstr(seen, "/dev/zero (deleted)"),
	      "shared, it and MAP_SHARED | MAP_ANONYMOUS are both a deleted\n"
	      "file named /dev/zero: the kernel's own shared anonymous memory");

	printf("\n  mremap(): grow a 2-page mapping of the device to 4 pages:\n");
	as = map(NULL, 4 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a = mmap(as, 2 * page, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	check(a == as && show_maps(a, 4 * page) == 2 && !strcmp(a, "page 0") &&
	      !strcmp(a + page, "page 1"),
	      "mapped with MAP_FIXED into 4 reserved (PROT_NONE) pages, read");
	stats_read(&before);
	b = mremap(a, 2 * page, 4 * page, MREMAP_MAYMOVE);
	i = b != MAP_FAILED && !strcmp(b, "page 0") && !strcmp(b + page, "page 1");
	d = stats_since(&before);
	check(i && b != a && d.faults == 0, "the next pages were taken, so it moved, to %p;\n"
	      "its pages went with it: reading them took no fault", b);
	check(d.mmaps == 0 && d.vma_opens == 1,
	      "mmaps %+lld, vma_opens %+lld: the moved mapping is a copy\n"
	      "of the old one, opened, not a new mmap()", d.mmaps, d.vma_opens);

	printf("\n  remap_file_pages(): show device page 3 at the 2nd of 4 pages:\n");
	a = map(NULL, 4 * page, PROT_READ, MAP_SHARED, fd, 0);
	stats_read(&before);
	i = remap_file_pages(a + page, page, 0, 3, 0);
	d = stats_since(&before);
	check(!i && show_maps(a, 4 * page) == 3 && strstr(seen, " 00003000 ") &&
	      !strcmp(a + page, "page 3"), "it reads \"%s\", from a VMA of its own", a + page);
	check(d.mmaps == 1 && d.vma_opens == 2, "mmaps %+lld, vma_opens %+lld: an mmap(MAP_FIXED)\n"
	      "over the middle page, as above", d.mmaps, d.vma_opens);

	printf("\n  MAP_POPULATE and mlock(): the pages are faulted in at once:\n");
	stats_read(&before);
	a = map(NULL, 4 * page, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	d = stats_since(&before);
	check_strip(strip("MAP_POPULATE, nothing touched:", a, 4), "cccc",
		    "all 4 pages mapped");
	check_count("faults", d.faults, 4, "mmap() itself faulted each page in");
	b = map(NULL, 4 * page, PROT_READ, MAP_SHARED, fd, 0);
	check_strip(strip("another mapping, before mlock():", b, 4), "....",
		    "nothing mapped");
	stats_read(&before);
	if (mlock(b, 4 * page))
		die("mlock");
	d = stats_since(&before);
	check_strip(strip("after mlock():", b, 4), "cccc",
		    "all 4 mapped, and locked: reclaim leaves them");
	check_count("faults", d.faults, 4, "mlock() faulted each page in");
	munmap(a, 4 * page);
	munmap(b, 4 * page);

	printf("\n  MAP_NORESERVE and overcommit (vm.overcommit_memory = 0):\n");
	set_overcommit(0);
	ram = meminfo("MemTotal:") + meminfo("SwapTotal:");
	a = mmap(NULL, 2 * ram, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	i = errno;
	check(a == MAP_FAILED && i == ENOMEM, "%lld MiB private and writable, twice RAM + swap:\n"
	      "%s", 2 * ram / MiB, strerrorname_np(i));
	c0 = meminfo("Committed_AS:");
	a = map(NULL, 2 * ram, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	i = meminfo("Committed_AS:") - c0 < MiB;
	a[ram] = 1;
	check(i && a[ram] == 1, "the same with MAP_NORESERVE: accepted, Committed_AS moved by\n"
	      "less than 1 MiB, and a page in its middle could be written");
	c0 = charge(MAP_PRIVATE | MAP_ANONYMOUS, -1);
	check(c0 == 64, "64 MiB private anonymous: Committed_AS %+lld MiB", c0);
	c0 = charge(MAP_PRIVATE, fd);
	check(c0 == 64, "64 MiB private of the device: Committed_AS %+lld MiB\n"
	      "(each page may become a private copy)", c0);
	c0 = charge(MAP_SHARED, fd);
	check(c0 == 0, "64 MiB shared of the device: Committed_AS %+lld MiB\n"
	      "(its pages are the device's)", c0);
	return demo_done();
}
