// SPDX-License-Identifier: GPL-2.0
/*
 * Step 8, the edges of a mapping: a size that is not a multiple of the
 * page size, a mapping longer than the device (SIGBUS), an address that
 * is not mapped at all (SIGSEGV).
 */
#define _GNU_SOURCE		/* memfd_create() */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "demo.h"

#define TAIL	100	/* bytes of data in the last page */

/*
 * On a tmpfs file (a memfd): write a byte @off bytes past the end of a
 * file of @size bytes through a shared mapping, grow the file to @grown
 * bytes with ftruncate() and read the byte back with pread().
 */
static char tmpfs_past_end(size_t size, size_t off, size_t grown)
{
	int mfd = memfd_create("vmdemo-08-boundaries", 0);
	char *m, c = 0;

	if (mfd < 0)
		die("memfd_create");
	if (ftruncate(mfd, size))
		die("ftruncate");
	m = mmap(NULL, grown, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (m == MAP_FAILED)
		die("mmap of a memfd");
	m[size + off] = '!';
	if (ftruncate(mfd, grown))
		die("ftruncate");
	if (pread(mfd, &c, 1, size + off) != 1)
		die("pread of a memfd");
	munmap(m, grown);
	close(mfd);
	return c;
}

/* The mappings (VMAs) /proc/self/maps shows within [@lo, @hi). */
static int vmas_within(uintptr_t lo, uintptr_t hi, uintptr_t (*vma)[2],
		       int max)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long start, end;
	char line[512];
	int n = 0;

	if (!f)
		die("cannot open /proc/self/maps");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    start >= lo && end <= hi && n < max) {
			vma[n][0] = start;
			vma[n++][1] = end;
		}
	fclose(f);
	return n;
}

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	size_t size, i;
	struct stats before, d;
	char *map, *buf, c;
	int sig, tail_zero = 1, ok, n, backed = demo_backing() != NULL;
	uintptr_t vma[4][2];

	size = 2 * page + TAIL;
	device_fresh(fd, size);
	buf = malloc(size);
	if (!buf)
		die("malloc");
	memset(buf, 'x', size);
	if (pwrite(fd, buf, size, 0) != (ssize_t)size)
		die("pwrite");
	map = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	printf("  The device is %zu bytes (2 pages + %d bytes), all 'x'; mapped 4 pages\n"
	       "  (%zu bytes) of it: mmap() accepts a length past the end.\n\n",
	       size, TAIL, 4 * page);

	printf("  Page 2, the partial last page:\n");
	for (i = size; i < 3 * page; i++)
		tail_zero &= map[i] == 0;
	check(map[size - 1] == 'x', "byte %zu, the last of the device, reads 'x'",
	      size - 1);
	check(tail_zero, "bytes %zu to %zu, past the end but in the same page, read 0",
	      size, 3 * page - 1);
	sig = try_write(map + size + 10, '!');
	check(sig == 0 && pread(fd, &c, 1, size + 10) == 0,
	      "writing '!' at offset %zu is allowed, but it is not data of\n"
	      "the device: read() there finds the end of the device",
	      size + 10);
	device_set_size(fd, 3 * page);
	memset(buf, '?', 20);
	ok = pread(fd, buf, 20, size) == 20;
	for (i = 0; i < 20; i++)
		ok &= buf[i] == (i == 10 && !backed ? '!' : 0);
	if (!backed)
		check(ok, "grown to 3 pages (VMDEMO_IOC_SET_SIZE), the device has the\n"
		      "'!' at offset %zu (read() returns it): the byte written past the\n"
		      "end became data; the bytes around it read 0", size + 10);
	else
		check(ok, "grown to 3 pages (VMDEMO_IOC_SET_SIZE), the device reads 0\n"
		      "at offset %zu: with a backing file it is a disk file's, and\n"
		      "growing zeroed what the mapping wrote past the old end, as\n"
		      "the file has zeroes there", size + 10);
	c = tmpfs_past_end(size, 10, 3 * page);
	check(c == '!', "%s: a memfd of %zu bytes, '!' written at\n"
	      "offset %zu through a mapping, grown with ftruncate(): read()\n"
	      "returns '%c'", backed ? "unlike tmpfs" : "the same on tmpfs",
	      size, size + 10, c ? c : '0');

	printf("\n  Page 3, wholly past the end of the device:\n");
	stats_read(&before);
	sig = try_read(map + 3 * page);
	d = stats_since(&before);
	check(sig == SIGBUS, "reading it raised %s", signame(sig));
	check_count("faults_sigbus", d.faults_sigbus, 1,
		    "the driver's .fault answered: no such page");

	printf("\n  munmap() page 1, in the middle of the mapping:\n");
	stats_read(&before);
	if (munmap(map + page, page))
		die("munmap");
	d = stats_since(&before);
	n = vmas_within((uintptr_t)map, (uintptr_t)map + 4 * page, vma, 4);
	check(n == 2 && vma[0][0] == (uintptr_t)map &&
	      vma[0][1] == (uintptr_t)map + page &&
	      vma[1][0] == (uintptr_t)map + 2 * page &&
	      vma[1][1] == (uintptr_t)map + 4 * page,
	      "/proc/self/maps shows two mappings (VMAs) left where there was\n"
	      "one: page 0, and pages 2-3");
	check_count("vma_opens", d.vma_opens, 2,
		    "the kernel split the VMA twice, at each end\n"
		    "of page 1, and each split made a new VMA...");
	if (demo_counts_closes())
		check_count("vma_closes", d.vma_closes, 1,
			    "...then removed the piece of page 1\n"
			    "(count_closes=Y: with a .close, mappings of\n"
			    "the device never merge)");
	else
		check_count("vma_closes", d.vma_closes, 0,
			    "...then removed the piece of page 1, which\n"
			    "the driver does not see: a vm_ops .close\n"
			    "would tell it, but would also stop the\n"
			    "kernel from merging adjacent mappings, as\n"
			    "it merges a file's");
	stats_read(&before);
	sig = try_read(map + page);
	d = stats_since(&before);
	check(sig == SIGSEGV, "reading page 1 now raised %s", signame(sig));
	check_count("faults", d.faults, 0,
		    "the kernel found no mapping at that\n"
		    "address: the driver was never asked");
	check(map[0] == 'x' && map[2 * page] == 'x',
	      "pages 0 and 2 are still mapped and read 'x'");
	return demo_done();
}
