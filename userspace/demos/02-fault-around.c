// SPDX-License-Identifier: GPL-2.0
/*
 * Step 2, fault-around: on a read fault the kernel also maps the pages
 * around the faulting one that are already in the page cache, so that
 * reading a file sequentially takes far fewer faults.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "demo.h"

#define NPAGES	64

/* One sequential reading of the device through a new mapping. */
struct reading {
	uintptr_t start;		/* the mapping's address */
	long flt;			/* this process's minor faults */
	int nfaults;			/* the pages whose read faulted: */
	int at[NPAGES];			/*   their numbers */
	long long mapped[NPAGES];	/*   map_pages_mapped of that fault */
	struct stats d;			/* the driver's counters */
};

/* Map the device, read every page in order, unmap; report what happened. */
static void read_all(int fd, struct reading *r)
{
	struct stats before, s0, s1;
	volatile char *map;
	long f0, f1;
	int i;

	memset(r, 0, sizeof(*r));
	stats_read(&before);
	map = mmap(NULL, NPAGES * page, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	r->start = (uintptr_t)map;
	for (i = 0; i < NPAGES; i++) {
		stats_read(&s0);
		f0 = minflt();
		(void)map[i * page];
		f1 = minflt();
		stats_read(&s1);
		r->flt += f1 - f0;
		if (f1 != f0) {
			r->at[r->nfaults] = i;
			r->mapped[r->nfaults++] = s1.map_pages_mapped -
						  s0.map_pages_mapped;
		}
	}
	munmap((void *)map, NPAGES * page);
	r->d = stats_since(&before);
}

/*
 * Where a sequential read of @npages from @start faults with fault-around
 * on, and how many pages each fault maps: the window of do_fault_around()
 * in mm/memory.c (the same rule from 6.1 to 7.2).  The window is @around
 * pages long and aligned to its size in virtual addresses: the aligned
 * block that holds the faulting address.  If that block starts before the
 * mapping, the window starts at the mapping's start instead, still @around
 * pages long.  It ends no later than the end of the mapping and of the page
 * table (a page of PTEs: 512 pages, 2 MiB, on x86-64).  Fills @at and
 * @mapped as read_all() does; returns the number of faults.
 */
static int predict(uintptr_t start, int npages, long around, int *at,
		   long long *mapped)
{
	unsigned long first = start / page, end = first + npages;
	unsigned long per_table = page / sizeof(uint64_t);
	unsigned long v = first, from, to;
	int n = 0;

	while (v < end) {
		from = v / around * around;
		if (from < first)
			from = first;
		to = from + around;
		if (to > (v / per_table + 1) * per_table)
			to = (v / per_table + 1) * per_table;
		if (to > end)
			to = end;
		/* The pages from @from to @v are mapped already. */
		at[n] = v - first;
		mapped[n++] = to - v;
		v = to;
	}
	return n;
}

/* "0, 16, 27, 43 and 59" */
static const char *list(const char *fmt, const void *vals, int n, int ll)
{
	static char buf[2][512];
	static int which;
	char *b = buf[which ^= 1];
	size_t len = 0;
	int i;

	b[0] = '\0';
	for (i = 0; i < n; i++) {
		long long v = ll ? ((const long long *)vals)[i] :
				   ((const int *)vals)[i];

		len += snprintf(b + len, sizeof(buf[0]) - len, "%s",
				!i ? "" : i == n - 1 ? " and " : ", ");
		len += snprintf(b + len, sizeof(buf[0]) - len, fmt, v);
	}
	return b;
}

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	int want_at[NPAGES], nwant, i, same;
	long long want_mapped[NPAGES];
	struct vmdemo_range hole;
	long around = FAULT_AROUND_ON / page;
	struct reading r;
	struct stats start;
	char *buf;

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
	read_all(fd, &r);
	check(r.flt == NPAGES, "this process took %ld page faults to read %d pages",
	      r.flt, NPAGES);
	check_count("faults", r.d.faults, NPAGES, "every one of them reached the driver");
	check_count("map_pages", r.d.map_pages, 0, "no fault-around");

	set_fault_around(FAULT_AROUND_ON);
	printf("\n  2. Fault-around on (fault_around_bytes = %d, %ld pages):\n",
	       FAULT_AROUND_ON, around);
	read_all(fd, &r);
	nwant = predict(r.start, NPAGES, around, want_at, want_mapped);
	printf("  The mapping started at %#lx, page %lu of an aligned\n"
	       "  %ld-page (%d KiB) block.  So the window rule predicts faults at\n"
	       "  pages %s, mapping %s pages.\n",
	       (unsigned long)r.start, (unsigned long)(r.start / page % around),
	       around, FAULT_AROUND_ON / 1024, list("%lld", want_at, nwant, 0),
	       list("%lld", want_mapped, nwant, 1));
	same = r.nfaults == nwant;
	for (i = 0; same && i < nwant; i++)
		same = r.at[i] == want_at[i];
	check(r.flt == nwant && same,
	      "this process took %ld page faults to read %d pages,\n"
	      "at pages %s: as predicted", r.flt, NPAGES,
	      list("%lld", r.at, r.nfaults, 0));
	same = r.nfaults == nwant;
	for (i = 0; same && i < nwant; i++)
		same = r.mapped[i] == want_mapped[i];
	check(same, "they mapped %s pages\n"
	      "(map_pages_mapped of each): as predicted",
	      list("%lld", r.mapped, r.nfaults, 1));
	check_count("map_pages", r.d.map_pages, r.flt,
		    "each fault first asked the driver to map\n"
		    "the cached pages of its window");
	check_count("map_pages_mapped", r.d.map_pages_mapped, NPAGES,
		    "and that mapped every page");
	check_count("faults", r.d.faults, 0,
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
	read_all(fd, &r);
	check_count("map_pages_mapped", r.d.map_pages_mapped, NPAGES / 2,
		    "fault-around maps only pages that are\n"
		    "already in the cache");
	check_count("faults", r.d.faults, NPAGES / 2,
		    ".fault had to bring in each of the others");
	check_count("pages_allocated", r.d.pages_allocated, NPAGES / 2,
		    "allocating them (zero-filled)");
	check(r.d.faults + r.d.map_pages_mapped == NPAGES,
	      "faults + map_pages_mapped = %lld + %lld = %d, the pages read",
	      r.d.faults, r.d.map_pages_mapped, NPAGES);
	return demo_done();
}
