// SPDX-License-Identifier: GPL-2.0
/*
 * The cold write fault on a busy machine: the cold-write line measured
 * again while N threads (--busy-threads, default one per online CPU), each
 * pinned to its own CPU, spin without a pause, so no CPU is ever idle and
 * the kernel's background work (RCU callbacks, kworkers, freeing the pages
 * of the last truncation) competes with them and with the measured loop
 * instead of running in idle time.  The spinners start with the line's
 * first (warm-up) sample, so their start faults no counted sample, and
 * stop when the line is done (busy_stop()).
 */
#include <pthread.h>
#include <unistd.h>

#include "bench.h"

int busy_threads;			/* main: one per online CPU */
static pthread_t spinner[MAX_THREADS];
static int nspin;
static volatile int spin_stop;

static void *spin_main(void *arg)
{
	pin_to((int)(long)arg);
	while (!spin_stop)
		;
	return NULL;
}

static void busy_start(void)
{
	if (nspin)
		return;
	spin_stop = 0;
	for (nspin = 0; nspin < busy_threads; nspin++)
		if (pthread_create(&spinner[nspin], NULL, spin_main, (void *)(long)nspin))
			die("pthread_create failed");
	/* Let them all get to their CPUs first. */
	usleep(20000);
}

void busy_stop(void)
{
	int i;

	if (!nspin)
		return;
	spin_stop = 1;
	for (i = 0; i < nspin; i++)
		pthread_join(spinner[i], NULL);
	nspin = 0;
}

double m_cold_write_busy(enum kind k)
{
	busy_start();
	return m_cold_write(k);
}
