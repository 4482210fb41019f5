// SPDX-License-Identifier: GPL-2.0
/*
 * Contention on fault-around: T threads (--contend-threads, default 4)
 * each map the same whole file, MAP_SHARED, with the kernel's fault-around
 * as found and every page resident, and all of them read the first word
 * of every page at once.  Every thread faults its own mapping, about one
 * fault per fault_around_bytes, so the faults of all threads look up the
 * same pages of the same cache at the same moment.  A sample is
 * CONTEND_ROUNDS rounds; between rounds (outside the time) MADV_DONTNEED
 * drops each mapping's page table entries, not the pages, so every round
 * faults again.  The time is the wall time from the release of the
 * threads until the last is done, summed over the rounds, per page read
 * (threads x pages x rounds); the faults are counted per page read too.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

int contend_threads = 4;
char contend_title[40];

struct reader {
	pthread_t tid;
	int cpu;
	const volatile uint64_t *p;
	uint64_t sum[CONTEND_ROUNDS];
};

static pthread_barrier_t bar_go, bar_done;

void contend_setup(void)
{
	snprintf(contend_title, sizeof(contend_title),
		 "same pages, %d threads, fault-around", contend_threads);
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	int round;
	size_t i;

	pin_to(r->cpu);
	for (round = 0; round < CONTEND_ROUNDS; round++) {
		uint64_t s = 0;

		pthread_barrier_wait(&bar_go);
		for (i = 0; i < npages; i++)
			s += r->p[i * wpp];
		r->sum[round] = s;
		pthread_barrier_wait(&bar_done);
	}
	return NULL;
}

double m_contend_read(enum kind k)
{
	struct reader r[MAX_THREADS];
	int nt = contend_threads, t, round;
	double ns = 0, t0;

	make_patterned(k);
	set_fault_around(fa_saved);
	pthread_barrier_init(&bar_go, NULL, nt + 1);
	pthread_barrier_init(&bar_done, NULL, nt + 1);
	for (t = 0; t < nt; t++) {
		r[t].cpu = t;
		r[t].p = map(k, npages, PROT_READ, MAP_SHARED);
		if (pthread_create(&r[t].tid, NULL, reader_main, &r[t]))
			die("pthread_create failed");
	}
	/* Let them all get to their CPUs first. */
	usleep(20000);
	for (round = 0; round < CONTEND_ROUNDS; round++) {
		t0 = now_ns();
		pthread_barrier_wait(&bar_go);
		pthread_barrier_wait(&bar_done);
		ns += now_ns() - t0;
		for (t = 0; t < nt; t++)
			madvise((void *)r[t].p, npages * ps, MADV_DONTNEED);
	}
	for (t = 0; t < nt; t++) {
		pthread_join(r[t].tid, NULL);
		for (round = 0; round < CONTEND_ROUNDS; round++)
			check(r[t].sum[round] == pattern_sum_first(npages),
			      "contend-read", k);
		munmap((void *)r[t].p, npages * ps);
	}
	pthread_barrier_destroy(&bar_go);
	pthread_barrier_destroy(&bar_done);
	sample_pages = (size_t)nt * npages * CONTEND_ROUNDS;
	return ns / sample_pages;
}
