// SPDX-License-Identifier: GPL-2.0
/*
 * Scaling: cold write faults, MAP_SHARED, from 1, 2 (and nCPU) threads,
 * each pinned to its own CPU and writing its own disjoint range of one
 * fresh mapping of an empty file.  The time is the wall time from the
 * moment all are released until the last is done, per page of the file.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

struct worker {
	pthread_t tid;
	int cpu;
	volatile uint64_t *p;
	size_t first, count;
};

static pthread_barrier_t bar_start, bar_end;

struct scale_row scale_rows[8];
int nscale;
static int scale_nt;

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	size_t i;

	pin_to(w->cpu);
	pthread_barrier_wait(&bar_start);
	for (i = w->first; i < w->first + w->count; i++)
		w->p[i * wpp] = i + 1;
	pthread_barrier_wait(&bar_end);
	return NULL;
}

static double m_cold_threads(enum kind k, int nt)
{
	struct worker w[MAX_THREADS];
	volatile uint64_t *p;
	uint64_t want = 0;
	double t0, t1;
	size_t i;
	int t;

	make_empty(k, npages);
	p = map(k, npages, PROT_READ | PROT_WRITE, MAP_SHARED);
	pthread_barrier_init(&bar_start, NULL, nt + 1);
	pthread_barrier_init(&bar_end, NULL, nt + 1);
	for (t = 0; t < nt; t++) {
		w[t].cpu = t;
		w[t].p = p;
		w[t].first = npages * t / nt;
		w[t].count = npages * (t + 1) / nt - w[t].first;
		if (pthread_create(&w[t].tid, NULL, worker_main, &w[t]))
			die("pthread_create failed");
	}
	/* Let them all get to their CPUs first. */
	usleep(20000);
	t0 = now_ns();
	pthread_barrier_wait(&bar_start);
	pthread_barrier_wait(&bar_end);
	t1 = now_ns();
	for (t = 0; t < nt; t++)
		pthread_join(w[t].tid, NULL);
	pthread_barrier_destroy(&bar_start);
	pthread_barrier_destroy(&bar_end);
	for (i = 0; i < npages; i++)
		want += i + 1;
	check(sum_first_words(p, npages) == want, "cold-write threads", k);
	munmap((void *)p, npages * ps);
	return (t1 - t0) / npages;
}

static double m_scale(enum kind k)
{
	return m_cold_threads(k, scale_nt);
}

/* One row per thread count, on every memory. */
void run_scaling(const int *nthreads, int n)
{
	static const bool app[NKINDS] = { true, true, true };
	int i;

	for (i = 0; i < n; i++) {
		scale_rows[i].nt = scale_nt = nthreads[i];
		say("  scaling, %d thread%s ", scale_nt, scale_nt > 1 ? "s" : " ");
		run_series(app, scale_rows[i].s, scale_rows[i].f, m_scale);
		say("\n");
	}
	nscale = n;
	pin_to(0);
}
