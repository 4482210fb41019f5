// SPDX-License-Identifier: GPL-2.0
/*
 * The memories measured: the device, a tmpfs file and anonymous memory.
 * Opening them, emptying and resizing the files, filling them with a
 * known pattern through write() (so every page is resident), mapping
 * them, and the sums the measured loops are checked against.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "bench.h"

const char *const kind_name[NKINDS] = { "device", "tmpfs", "anon" };

size_t ps;				/* page size */
size_t wpp;				/* 64-bit words per page */
int ncpus;
int fd_of[NKINDS] = { -1, -1, -1 };
bool patterned[NKINDS];			/* holds the pattern, all resident */
volatile uint64_t sink;
int failures;
static unsigned long long dev_size0;	/* to restore */
static bool have_size0;

/* The device and a deleted tmpfs file; die if they will not do. */
void open_targets(void)
{
	char path[4096];
	struct vmdemo_info info;

	fd_of[DEV] = open(dev_path, O_RDWR);
	if (fd_of[DEV] < 0)
		die("cannot open %s: %s (is vmdemo loaded? are you root?)",
		    dev_path, strerror(errno));
	if (ioctl(fd_of[DEV], VMDEMO_IOC_GET_INFO, &info))
		die("VMDEMO_IOC_GET_INFO: %s", strerror(errno));
	if (info.page_size != ps)
		die("device page size %llu != %zu", (unsigned long long)info.page_size, ps);
	if (info.max_size < (npages > meta_pages ? npages : meta_pages) * ps)
		die("the device's max_size (%llu) is below the sizes asked for",
		    (unsigned long long)info.max_size);
	dev_size0 = info.size;
	have_size0 = true;

	snprintf(path, sizeof(path), "%s/vmdemo-bench.XXXXXX", tmp_dir);
	fd_of[TMPFS] = mkstemp(path);
	if (fd_of[TMPFS] < 0)
		die("cannot create a file in %s: %s", tmp_dir, strerror(errno));
	unlink(path);
}

/* The device's size as found.  Async-signal-safe. */
void restore_size(void)
{
	if (have_size0)
		ioctl(fd_of[DEV], VMDEMO_IOC_SET_SIZE, &dev_size0);
}

void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % ncpus, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

void resize(enum kind k, size_t bytes)
{
	unsigned long long size = bytes;

	if (k == DEV) {
		if (ioctl(fd_of[DEV], VMDEMO_IOC_SET_SIZE, &size))
			die("VMDEMO_IOC_SET_SIZE %llu: %s", size, strerror(errno));
	} else if (k == TMPFS) {
		if (ftruncate(fd_of[TMPFS], bytes))
			die("ftruncate %zu: %s", bytes, strerror(errno));
	}
	patterned[k] = false;
}

/* Empty (no page resident), then npages of zeroes. */
void make_empty(enum kind k, size_t pages)
{
	resize(k, 0);
	resize(k, pages * ps);
}

/* Sum of pattern_word(w) for w in [0, n), mod 2^64. */
uint64_t pattern_sum_all(uint64_t n)
{
	uint64_t tri = (n % 2 == 0) ? (n / 2) * (n - 1) : n * ((n - 1) / 2);

	return tri * PATTERN_MUL + n * PATTERN_SEED;
}

/* Sum of the first word of each of the first n pages. */
uint64_t pattern_sum_first(uint64_t n)
{
	uint64_t tri = (n % 2 == 0) ? (n / 2) * (n - 1) : n * ((n - 1) / 2);

	return tri * wpp * PATTERN_MUL + n * PATTERN_SEED;
}

/* npages of the pattern, written with write(): all resident. */
void make_patterned(enum kind k)
{
	static uint64_t *buf;
	size_t words = STREAM_CHUNK / 8, off, i;

	if (patterned[k])
		return;
	if (!buf && !(buf = malloc(STREAM_CHUNK)))
		die("out of memory");
	make_empty(k, npages);
	for (off = 0; off < npages * ps; off += STREAM_CHUNK) {
		size_t len = npages * ps - off < STREAM_CHUNK ?
			     npages * ps - off : STREAM_CHUNK;

		for (i = 0; i < words; i++)
			buf[i] = pattern_word(off / 8 + i);
		if (pwrite(fd_of[k], buf, len, off) != (ssize_t)len)
			die("pwrite to %s: %s", kind_name[k], strerror(errno));
	}
	patterned[k] = true;
}

void check(bool ok, const char *what, enum kind k)
{
	if (ok)
		return;
	fprintf(stderr, "vmdemo-bench: CHECKSUM MISMATCH in %s on %s\n",
		what, kind_name[k]);
	failures++;
}

void *map(enum kind k, size_t pages, int prot, int flags)
{
	void *p;

	if (k == ANON) {
		p = mmap(NULL, pages * ps, prot,
			 MAP_PRIVATE | MAP_ANONYMOUS | (flags & MAP_POPULATE), -1, 0);
		if (p == MAP_FAILED)
			die("mmap anon: %s", strerror(errno));
		/* 4 KiB faults, as on the files (THP is "always" in Debian). */
		madvise(p, pages * ps, MADV_NOHUGEPAGE);
		return p;
	}
	p = mmap(NULL, pages * ps, prot, flags, fd_of[k], 0);
	if (p == MAP_FAILED)
		die("mmap %s: %s", kind_name[k], strerror(errno));
	return p;
}

uint64_t sum_first_words(const volatile uint64_t *p, size_t pages)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < pages; i++)
		s += p[i * wpp];
	return s;
}

uint64_t sum_words(const uint64_t *p, size_t words)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < words; i++)
		s += p[i];
	return s;
}
