// SPDX-License-Identifier: GPL-2.0
/*
 * Step 8, the edges of a mapping: a size that is not a multiple of the
 * page size, a mapping longer than the device (SIGBUS), an address that
 * is not mapped at all (SIGSEGV).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "demo.h"

#define TAIL	100	/* bytes of data in the last page */

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	size_t size, i;
	struct stats before, d;
	char *map, *buf, c;
	int sig, tail_zero = 1;

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
	      "a write there is allowed, but is not data of the device:\n"
	      "read() at offset %zu finds the end of the device", size + 10);

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
	check_count("vma_opens", d.vma_opens, 2,
		    "split in three: two new pieces...");
	if (demo_counts_closes())
		check_count("vma_closes", d.vma_closes, 1,
			    "...and the middle one removed (count_closes=Y:\n"
			    "with a .close, mappings of the device never merge)");
	else
		check_count("vma_closes", d.vma_closes, 0,
			    "...and the middle one removed, which the driver\n"
			    "does not see: a vm_ops .close would tell it, but\n"
			    "would also stop the kernel from merging adjacent\n"
			    "mappings, as it merges a file's");
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
