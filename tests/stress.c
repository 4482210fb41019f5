// SPDX-License-Identifier: GPL-2.0
/*
 * Stress with data verification.
 *
 * Several processes with several threads each hammer one device at once:
 * faults through shared and private mappings, read/write (also with a
 * mapping of the device as the source), fork, mremap, munmap,
 * madvise(MADV_DONTNEED), mprotect, punch hole and resize.  Every byte has
 * exactly one owner thread, which alone changes it and so always knows
 * what it must read:
 *
 *  - worker threads own the pages of the fixed region, interleaved (page p
 *    belongs to worker p % workers), so neighbouring pages, their page
 *    table and the fault-around windows are shared between threads;
 *  - one resizer thread owns the tail region and the size: it moves the
 *    end of the device to any byte in the tail, and writes and checks the
 *    tail pages, including the partial last page and SIGBUS past the end.
 *
 * The expected content of a page is pattern(src, gen) for its first
 * "keep" bytes and zero after them; gen 0 means all zero.  A stale page,
 * a lost write, a page served after it was freed or a byte at the wrong
 * offset shows up as a mismatch.  At the end the counters are
 * cross-checked: pages_allocated - pages_freed == pages_resident.
 *
 * Usage: stress [-t SECONDS] [-p PROCESSES] [-T THREADS] [-d DEVICE]
 * (-t defaults to $VMDEMO_TEST_STRESS_SECONDS, else 10).
 * Prints TAP; exits 0 only with zero mismatches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "counters.h"

#define PS		4096UL
#define FIXED_PAGES	192UL
#define TAIL_PAGES	64UL
#define TOTAL_PAGES	(FIXED_PAGES + TAIL_PAGES)
#define MAX_REPORTS	8

struct page_state {
	uint32_t src;	/* page whose pattern it holds */
	uint32_t gen;	/* 0: all zero */
	uint32_t keep;	/* bytes of the pattern; the rest is zero */
};

/* Shared between all processes: results. */
struct results {
	unsigned long ops;
	unsigned long mismatches;
	unsigned long sigbus;
	unsigned long resizes;
	unsigned long punches;
	unsigned long forks;
	int reports;
};

static struct results *results;
static const char *dev_path = VMDEMO_DEVICE_PATH;
static int duration = 10, nprocs = 2, nthreads = 3;
static int dev_fd;
static uint8_t *shared_map;	/* MAP_SHARED of TOTAL_PAGES, per process */
static time_t deadline;

static __thread sigjmp_buf probe_env;
static __thread volatile int probing;

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "stress: unexpected fault in a worker\n";

	(void)si;
	(void)uc;
	if (probing)
		siglongjmp(probe_env, sig);
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(98);
	_exit(99);
}

/* Read one byte; return 0 or the signal it raised. */
static int probe_read(const volatile uint8_t *p)
{
	int sig;

	probing = 1;
	sig = sigsetjmp(probe_env, 1);
	if (!sig)
		(void)*p;
	probing = 0;
	return sig;
}

static uint64_t pattern_word(uint32_t src, uint32_t gen, unsigned int i)
{
	uint64_t x = ((uint64_t)src << 40) ^ ((uint64_t)gen << 16) ^ i;

	x ^= 0x9e3779b97f4a7c15ULL;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 29) ^ 0x0101010101010101ULL;
}

static void pattern_fill(uint8_t *buf, const struct page_state *st)
{
	uint64_t *w = (uint64_t *)buf;
	unsigned int i;

	for (i = 0; i < PS / 8; i++)
		w[i] = st->gen ? pattern_word(st->src, st->gen, i) : 0;
	memset(buf + st->keep, 0, PS - st->keep);
}

static void mismatch(const char *how, unsigned long page,
		     const struct page_state *st, const uint8_t *got)
{
	uint8_t want[PS];
	unsigned long i;

	__atomic_add_fetch(&results->mismatches, 1, __ATOMIC_RELAXED);
	if (__atomic_add_fetch(&results->reports, 1, __ATOMIC_RELAXED) >
	    MAX_REPORTS)
		return;
	pattern_fill(want, st);
	for (i = 0; i < PS && want[i] == got[i]; i++)
		;
	printf("# MISMATCH %s: page %lu byte %lu: got %#x want %#x (src %u gen %u keep %u)\n",
	       how, page, i, got[i], want[i], st->src, st->gen, st->keep);
	fflush(stdout);
}

/* Compare @len bytes at @got with the expected content of @page. */
static void check(const char *how, unsigned long page,
		  const struct page_state *st, const uint8_t *got, size_t len)
{
	uint8_t want[PS];

	pattern_fill(want, st);
	if (memcmp(want, got, len))
		mismatch(how, page, st, got);
}

struct rng {
	uint64_t s;
};

static unsigned int rnd(struct rng *r, unsigned int n)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (unsigned int)(r->s % n);
}

struct worker {
	int id, workers;
	struct rng rng;
	struct page_state st[FIXED_PAGES];
};

static unsigned long worker_page(struct worker *w)
{
	unsigned long n = (FIXED_PAGES - w->id + w->workers - 1) / w->workers;

	return w->id + (unsigned long)rnd(&w->rng, n) * w->workers;
}

static void new_content(struct worker *w, unsigned long p)
{
	w->st[p].src = p;
	w->st[p].gen++;
	w->st[p].keep = PS;
}

/* One random operation on one of the worker's pages. */
static void worker_step(struct worker *w)
{
	unsigned long p = worker_page(w), q;
	uint8_t buf[PS], *m, *m2;
	struct vmdemo_range r;
	pid_t pid;
	int status;

	switch (rnd(&w->rng, 12)) {
	case 0:		/* write through the shared mapping */
		new_content(w, p);
		pattern_fill(buf, &w->st[p]);
		memcpy(shared_map + p * PS, buf, PS);
		break;
	case 1:		/* write() */
		new_content(w, p);
		pattern_fill(buf, &w->st[p]);
		if (pwrite(dev_fd, buf, PS, p * PS) != (ssize_t)PS)
			mismatch("pwrite failed", p, &w->st[p], buf);
		break;
	case 2:		/* read through the shared mapping */
		check("shared read", p, &w->st[p], shared_map + p * PS, PS);
		break;
	case 3:		/* read() */
		if (pread(dev_fd, buf, PS, p * PS) != (ssize_t)PS)
			memset(buf, 0xee, PS);
		check("pread", p, &w->st[p], buf, PS);
		break;
	case 4:		/* a private mapping reads the page, its writes stay */
		m = mmap(NULL, PS, PROT_READ | PROT_WRITE, MAP_PRIVATE, dev_fd,
			 p * PS);
		if (m == MAP_FAILED)
			break;
		check("private read", p, &w->st[p], m, PS);
		memset(m, 0x5a, PS);
		munmap(m, PS);
		if (pread(dev_fd, buf, PS, p * PS) != (ssize_t)PS)
			memset(buf, 0xee, PS);
		check("after private write", p, &w->st[p], buf, PS);
		break;
	case 5:		/* punch the page out */
		r = (struct vmdemo_range){ .offset = p * PS, .length = PS };
		if (!ioctl(dev_fd, VMDEMO_IOC_PUNCH_HOLE, &r)) {
			w->st[p].gen = 0;
			__atomic_add_fetch(&results->punches, 1,
					   __ATOMIC_RELAXED);
		}
		break;
	case 6:		/* MADV_DONTNEED keeps shared data */
		madvise(shared_map + p * PS, PS, MADV_DONTNEED);
		check("after DONTNEED", p, &w->st[p], shared_map + p * PS, PS);
		break;
	case 7:		/* mprotect splits and merges the shared vma */
		mprotect(shared_map + p * PS, PS, PROT_READ);
		check("read-only", p, &w->st[p], shared_map + p * PS, PS);
		mprotect(shared_map + p * PS, PS, PROT_READ | PROT_WRITE);
		break;
	case 8:		/* a mapping of one page, grown and moved by mremap */
		m = mmap(NULL, PS, PROT_READ, MAP_SHARED, dev_fd, p * PS);
		if (m == MAP_FAILED)
			break;
		m2 = mremap(m, PS, 2 * PS, MREMAP_MAYMOVE);
		if (m2 == MAP_FAILED) {
			munmap(m, PS);
			break;
		}
		check("mremap", p, &w->st[p], m2, PS);
		munmap(m2, 2 * PS);
		break;
	case 9:		/* write() from a mapping of another own page */
		q = worker_page(w);
		if (q == p)
			break;
		if (pwrite(dev_fd, shared_map + q * PS, PS, p * PS) ==
		    (ssize_t)PS)
			w->st[p] = w->st[q];
		else
			mismatch("pwrite from mapping failed", p, &w->st[p],
				 shared_map + q * PS);
		break;
	case 10:	/* fork: the child checks and writes, the parent sees */
		pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			uint8_t *page = shared_map + p * PS;
			struct page_state next = w->st[p];
			uint8_t b[PS];

			pattern_fill(b, &w->st[p]);
			if (memcmp(b, page, PS))
				_exit(1);
			next.src = p;
			next.gen++;
			next.keep = PS;
			pattern_fill(b, &next);
			memcpy(page, b, PS);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			mismatch("fork child", p, &w->st[p],
				 shared_map + p * PS);
			break;
		}
		new_content(w, p);
		check("after fork", p, &w->st[p], shared_map + p * PS, PS);
		__atomic_add_fetch(&results->forks, 1, __ATOMIC_RELAXED);
		break;
	default:	/* a read fault on a fresh mapping, with fault-around */
		m = mmap(NULL, 16 * PS, PROT_READ, MAP_SHARED, dev_fd,
			 (p & ~15UL) * PS);
		if (m == MAP_FAILED)
			break;
		check("fresh mapping", p, &w->st[p], m + (p & 15) * PS, PS);
		munmap(m, 16 * PS);
		break;
	}
	__atomic_add_fetch(&results->ops, 1, __ATOMIC_RELAXED);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (time(NULL) < deadline)
		worker_step(w);
	return NULL;
}

/* The tail: resizes and the partial last page. */
struct resizer {
	struct rng rng;
	uint64_t size;
	struct page_state st[TAIL_PAGES];
};

static void resizer_check(struct resizer *z, unsigned long t)
{
	unsigned long page = FIXED_PAGES + t;
	uint64_t start = page * PS;
	uint8_t buf[PS];
	ssize_t n;

	if (start >= z->size) {
		/* Wholly past the end: SIGBUS, and read() returns 0. */
		if (probe_read(shared_map + start) != SIGBUS)
			mismatch("no SIGBUS past the end", page, &z->st[t],
				 shared_map + start);
		else
			__atomic_add_fetch(&results->sigbus, 1,
					   __ATOMIC_RELAXED);
		if (pread(dev_fd, buf, PS, start) != 0)
			mismatch("read past the end", page, &z->st[t], buf);
		return;
	}
	n = pread(dev_fd, buf, PS, start);
	if (n != (ssize_t)(z->size - start < PS ? z->size - start : PS))
		mismatch("short read in the tail", page, &z->st[t], buf);
	else
		check("tail pread", page, &z->st[t], buf, n);
	/* The whole last page is mapped; past the end it reads zero. */
	check("tail mapping", page, &z->st[t], shared_map + start, PS);
}

static void resizer_step(struct resizer *z)
{
	unsigned long t = rnd(&z->rng, TAIL_PAGES);
	unsigned long page = FIXED_PAGES + t;
	uint64_t start = page * PS, size, i;
	uint8_t buf[PS];
	ssize_t n;

	switch (rnd(&z->rng, 4)) {
	case 0:		/* move the end to any byte of the tail */
		size = FIXED_PAGES * PS + rnd(&z->rng, TAIL_PAGES * PS + 1);
		if (ioctl(dev_fd, VMDEMO_IOC_SET_SIZE, &size))
			break;
		for (i = 0; i < TAIL_PAGES && size < z->size; i++) {
			uint64_t s = (FIXED_PAGES + i) * PS;

			if (s >= size)
				z->st[i].gen = 0;
			else if (size - s < z->st[i].keep)
				z->st[i].keep = size - s;
		}
		z->size = size;
		__atomic_add_fetch(&results->resizes, 1, __ATOMIC_RELAXED);
		break;
	case 1:		/* write the page, short if it crosses the end */
		z->st[t].src = page;
		z->st[t].gen++;
		z->st[t].keep = PS;
		pattern_fill(buf, &z->st[t]);
		n = pwrite(dev_fd, buf, PS, start);
		if (start >= z->size) {
			z->st[t].gen = 0;
			if (n != -1 || errno != ENOSPC)
				mismatch("write past the end", page,
					 &z->st[t], buf);
		} else if (n != (ssize_t)(z->size - start < PS ?
					  z->size - start : PS)) {
			mismatch("short write in the tail", page, &z->st[t],
				 buf);
		} else {
			z->st[t].keep = n;
		}
		break;
	default:
		resizer_check(z, t);
		break;
	}
	__atomic_add_fetch(&results->ops, 1, __ATOMIC_RELAXED);
}

static void *resizer_main(void *arg)
{
	struct resizer *z = arg;

	while (time(NULL) < deadline)
		resizer_step(z);
	return NULL;
}

static int process_main(int proc)
{
	pthread_t tid[64];
	struct worker *w;
	struct resizer *z = NULL;
	struct sigaction sa = {
		.sa_sigaction = fault_handler,
		.sa_flags = SA_SIGINFO,
	};
	int i, n = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	dev_fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		return 1;
	shared_map = mmap(NULL, TOTAL_PAGES * PS, PROT_READ | PROT_WRITE,
			  MAP_SHARED, dev_fd, 0);
	if (shared_map == MAP_FAILED)
		return 1;

	w = calloc(nthreads, sizeof(*w));
	if (!w)
		return 1;
	for (i = 0; i < nthreads; i++) {
		w[i].id = proc * nthreads + i;
		w[i].workers = nprocs * nthreads;
		w[i].rng.s = 0x1234567ULL * (w[i].id + 1) + time(NULL);
		if (!pthread_create(&tid[n], NULL, worker_main, &w[i]))
			n++;
	}
	if (proc == 0) {
		z = calloc(1, sizeof(*z));
		if (!z)
			return 1;
		z->rng.s = 0xabcdefULL + time(NULL);
		z->size = TOTAL_PAGES * PS;
		if (!pthread_create(&tid[n], NULL, resizer_main, z))
			n++;
	}
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	return n == nthreads + (proc == 0) ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct counters c;
	uint64_t size = TOTAL_PAGES * PS, zero = 0;
	int opt, i, status, failed = 0, fd;
	pid_t pid;

	/* The suite runs it without arguments; make check sets the time. */
	if (getenv("VMDEMO_TEST_STRESS_SECONDS"))
		duration = atoi(getenv("VMDEMO_TEST_STRESS_SECONDS"));
	while ((opt = getopt(argc, argv, "t:p:T:d:")) != -1) {
		switch (opt) {
		case 't':
			duration = atoi(optarg);
			break;
		case 'p':
			nprocs = atoi(optarg);
			break;
		case 'T':
			nthreads = atoi(optarg);
			break;
		case 'd':
			dev_path = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-t SECONDS] [-p PROCESSES] [-T THREADS] [-d DEVICE]\n",
				argv[0]);
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 32 || nprocs < 1 ||
	    nprocs * nthreads > (int)FIXED_PAGES || duration < 1) {
		fprintf(stderr, "stress: bad -p/-T/-t\n");
		return 2;
	}

	printf("TAP version 13\n1..2\n");
	fd = open(dev_path, O_RDWR);
	if (fd < 0) {
		printf("ok 1 stress # SKIP cannot open %s: %s\n", dev_path,
		       strerror(errno));
		printf("ok 2 stress_counters # SKIP no device\n");
		return 4;
	}
	if (ioctl(fd, VMDEMO_IOC_SET_SIZE, &zero) ||
	    ioctl(fd, VMDEMO_IOC_SET_SIZE, &size) || counters_reset()) {
		printf("not ok 1 stress # cannot reset the device: %s\n",
		       strerror(errno));
		return 1;
	}
	results = mmap(NULL, sizeof(*results), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED)
		return 1;
	printf("# %d processes x %d threads + 1 resizer for %d s\n", nprocs,
	       nthreads, duration);
	fflush(stdout);
	deadline = time(NULL) + duration;

	for (i = 0; i < nprocs; i++) {
		pid = fork();
		if (pid == 0)
			_exit(process_main(i));
		if (pid < 0)
			failed = 1;
	}
	while ((pid = wait(&status)) > 0) {
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("# process %d ended with status %#x\n", pid,
			       status);
			failed = 1;
		}
	}

	printf("# %lu ops, %lu mismatches, %lu resizes, %lu punches, %lu forks, %lu SIGBUS checks\n",
	       results->ops, results->mismatches, results->resizes,
	       results->punches, results->forks, results->sigbus);
	failed |= results->mismatches != 0;
	printf("%sok 1 stress\n", failed ? "not " : "");

	if (counters_read(&c)) {
		printf("not ok 2 stress_counters # cannot read the stats\n");
		return 1;
	}
	printf("# pages_allocated %llu pages_freed %llu pages_resident %llu faults %llu faults_sigbus %llu\n",
	       (unsigned long long)c.v[C_PAGES_ALLOCATED],
	       (unsigned long long)c.v[C_PAGES_FREED],
	       (unsigned long long)c.v[C_PAGES_RESIDENT],
	       (unsigned long long)c.v[C_FAULTS],
	       (unsigned long long)c.v[C_FAULTS_SIGBUS]);
	/* The device was empty at the reset. */
	if (c.v[C_PAGES_ALLOCATED] - c.v[C_PAGES_FREED] !=
	    c.v[C_PAGES_RESIDENT] || c.v[C_FAULTS_SIGBUS] < results->sigbus) {
		printf("not ok 2 stress_counters\n");
		return 1;
	}
	printf("ok 2 stress_counters\n");
	return failed;
}
