// SPDX-License-Identifier: GPL-2.0
/*
 * The single-threaded lines of the main table, and the table of all its
 * lines (contend.c and busy.c measure two more).
 * Each measurement takes one sample on one memory and returns the time of
 * its loop in ns per page; the loop is checked against a checksum.  Every
 * mapping is fresh and unmapped after the sample, so resident pages are
 * not mapped and every access faults.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

double m_cold_write(enum kind k)
{
	volatile uint64_t *p;
	uint64_t want = 0;
	double t0, t1;
	size_t i;

	make_empty(k, npages);
	p = map(k, npages, PROT_READ | PROT_WRITE, MAP_SHARED);
	t0 = now_ns();
	for (i = 0; i < npages; i++)
		p[i * wpp] = i + 1;
	t1 = now_ns();
	for (i = 0; i < npages; i++)
		want += i + 1;
	check(sum_first_words(p, npages) == want, "cold-write", k);
	munmap((void *)p, npages * ps);
	return (t1 - t0) / npages;
}

static double m_read(enum kind k)
{
	const volatile uint64_t *p;
	uint64_t s = 0;
	double t0, t1;
	size_t i;

	make_patterned(k);
	p = map(k, npages, PROT_READ, MAP_SHARED);
	t0 = now_ns();
	for (i = 0; i < npages; i++)
		s += p[i * wpp];
	t1 = now_ns();
	sink += s;
	check(s == pattern_sum_first(npages), "read", k);
	munmap((void *)p, npages * ps);
	return (t1 - t0) / npages;
}

double m_warm_read(enum kind k)
{
	set_fault_around(4096);
	return m_read(k);
}

double m_faultaround(enum kind k)
{
	set_fault_around(fa_saved);
	return m_read(k);
}

double m_cow_write(enum kind k)
{
	volatile uint64_t *p;
	uint64_t want = 0, first;
	double t0, t1;
	size_t i;

	make_patterned(k);
	p = map(k, npages, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t0 = now_ns();
	for (i = 0; i < npages; i++)
		p[i * wpp] = ~(uint64_t)i;
	t1 = now_ns();
	for (i = 0; i < npages; i++)
		want += ~(uint64_t)i;
	check(sum_first_words(p, npages) == want, "cow-write", k);
	/* The private copies must not have reached the file. */
	check(pread(fd_of[k], &first, 8, (npages - 1) * ps) == 8 &&
	      first == pattern_word((npages - 1) * wpp), "cow-write (file)", k);
	munmap((void *)p, npages * ps);
	return (t1 - t0) / npages;
}

double m_populate(enum kind k)
{
	const volatile uint64_t *p;
	double t0, t1;

	make_patterned(k);
	set_fault_around(fa_saved);
	t0 = now_ns();
	p = map(k, npages, PROT_READ, MAP_SHARED | MAP_POPULATE);
	t1 = now_ns();
	check(sum_first_words(p, npages) == pattern_sum_first(npages),
	      "populate", k);
	munmap((void *)p, npages * ps);
	return (t1 - t0) / npages;
}

static double m_stream_read(enum kind k)
{
	static uint64_t *buf;
	uint64_t s = 0;
	double t0, t1;
	size_t off;
	ssize_t n;

	make_patterned(k);
	if (!buf && !(buf = aligned_alloc(ps, STREAM_CHUNK)))
		die("out of memory");
	t0 = now_ns();
	for (off = 0; off < npages * ps; off += n) {
		n = pread(fd_of[k], buf, STREAM_CHUNK, off);
		if (n <= 0)
			die("pread %s: %s", kind_name[k], n ? strerror(errno) : "EOF");
		s += sum_words(buf, n / 8);
	}
	t1 = now_ns();
	sink += s;
	check(s == pattern_sum_all(npages * wpp), "stream-read", k);
	return (t1 - t0) / npages;
}

double m_stream_mmap(enum kind k)
{
	const uint64_t *p;
	uint64_t s;
	double t0, t1;

	make_patterned(k);
	set_fault_around(fa_saved);
	t0 = now_ns();
	p = map(k, npages, PROT_READ, MAP_SHARED);
	s = sum_words(p, npages * wpp);
	munmap((void *)p, npages * ps);
	t1 = now_ns();
	sink += s;
	check(s == pattern_sum_all(npages * wpp), "stream-mmap", k);
	return (t1 - t0) / npages;
}

struct line lines[] = {
	{ .key = "cold-write", .title = "cold write fault, MAP_SHARED", .fn = m_cold_write,
	  .applies = { true, true, true } },
	{ .key = "cold-write-busy", .title = "cold write fault, all CPUs busy", .fn = m_cold_write_busy,
	  .applies = { true, true, true } },
	{ .key = "warm-read", .title = "warm read fault, fault-around off", .fn = m_warm_read,
	  .applies = { true, true, false } },
	{ .key = "faultaround", .title = "sequential read, fault-around on", .fn = m_faultaround,
	  .applies = { true, true, false } },
	{ .key = "contend-read", .title = contend_title, .fn = m_contend_read,
	  .applies = { true, true, false } },
	{ .key = "cow-write", .title = "first write, MAP_PRIVATE (COW)", .fn = m_cow_write,
	  .applies = { true, true, false } },
	{ .key = "populate", .title = "MAP_POPULATE, resident", .fn = m_populate,
	  .applies = { true, true, false } },
	{ .key = "stream-read", .title = "stream whole file: read()", .fn = m_stream_read,
	  .applies = { true, true, false } },
	{ .key = "stream-mmap", .title = "stream whole file: mmap", .fn = m_stream_mmap,
	  .applies = { true, true, false } },
};
const size_t nlines = sizeof(lines) / sizeof(lines[0]);

struct line *find_line(const char *key)
{
	size_t l;

	for (l = 0; l < nlines; l++)
		if (!strcmp(lines[l].key, key))
			return &lines[l];
	return NULL;
}
