// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo-bench: the cost of a fault on /dev/vmdemo, against a tmpfs file
 * and anonymous memory, in one run.
 *
 * Every line is measured on each memory it applies to, REPS times, the
 * order of the memories rotating from one repetition to the next so that
 * slow drift of the machine (other work on the host, CPU frequency) hits
 * them alike.  Each sample is clock_gettime(CLOCK_MONOTONIC) around the
 * loop that touches the pages, divided by the number of pages; the table
 * shows the median and the spread (min..max), and the device/tmpfs ratio:
 * the ratio of the medians, with the min..max of the per-repetition ratios
 * (device and tmpfs measured back to back) beside it, then the ratio of
 * the minima, the samples least disturbed by other work on the machine.
 * Every loop feeds a checksum that is checked against what must be there,
 * so nothing is optimised away and a wrong page would be caught, and the
 * page faults each loop took (getrusage) are shown per page: one per page
 * where every access must fault, about 1/16 with 64 KiB of fault-around.
 * Each mapping is fresh (munmap after every sample), so warm pages are
 * resident but not mapped and every access faults.
 *
 * Lines (ns per page):
 *   cold-write    first write to each page of a MAP_SHARED mapping of an
 *                 empty file (device: size 0 then N; tmpfs: ftruncate 0
 *                 then N; anon: fresh MAP_PRIVATE|MAP_ANONYMOUS, THP off):
 *                 every fault allocates a page
 *   warm-read     read of each page of a fresh MAP_SHARED mapping, pages
 *                 resident, fault-around off (fault_around_bytes=4096):
 *                 one fault per page
 *   faultaround   the same with the kernel's fault-around as found (64 KiB
 *                 by default: one fault maps up to 16 pages)
 *   cow-write     first write to each page of a fresh MAP_PRIVATE mapping
 *                 of resident pages: copy-on-write from the cache
 *   populate      mmap(MAP_SHARED|MAP_POPULATE) of the whole file, pages
 *                 resident (the mmap() call itself)
 *   stream-read   read() of the whole file in 128 KiB chunks, summing every
 *                 word
 *   stream-mmap   mmap + sum of every word + munmap of the whole file
 * and the cold-write faults from 1, 2 (and nCPU) threads on disjoint
 * ranges of one mapping (wall time per page, and the throughput ratio to
 * one thread), the slab memory the cache needs per resident page
 * (/proc/slabinfo before and after filling M pages with write(); each
 * reading after an RCU grace period, since xarray nodes are freed through
 * RCU, and after shrinking every cache, since SLUB counts the free objects
 * of per-CPU slabs as in use), and every line that faults with the
 * module's statistics on and off (cold, warm, fault-around, COW,
 * MAP_POPULATE and streaming through a mapping).
 *
 * It changes the device's size and contents (restoring the size, not the
 * contents), fault_around_bytes and the "stats" parameter (both restored).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/membarrier.h>
#include <linux/vmdemo.h>

#define FAULT_AROUND_PATH	"/sys/kernel/debug/fault_around_bytes"
#define STATS_PARAM_PATH	"/sys/module/vmdemo/parameters/stats"
#define MAX_REPS		64
#define MAX_THREADS		64
#define STREAM_CHUNK		(128 << 10)
#define PATTERN_MUL		0x9e3779b97f4a7c15ULL
#define PATTERN_SEED		0x5eed0000cafef00dULL

enum kind { DEV, TMPFS, ANON, NKINDS };
static const char *const kind_name[NKINDS] = { "device", "tmpfs", "anon" };

/* ---- options ---- */
static size_t npages = 8192;		/* 32 MiB of 4 KiB pages */
static int reps = 9;
static size_t meta_pages = 32768;	/* 128 MiB */
static int meta_reps = 3;
static int nthreads_list[8];
static int nthreads_n;
static const char *dev_path = VMDEMO_DEVICE_PATH;
static const char *tmp_dir = "/dev/shm";
static const char *json_path;
static const char *only;
static bool use[NKINDS] = { true, true, true };
static bool quiet;

/* ---- state ---- */
static size_t ps;			/* page size */
static size_t wpp;			/* 64-bit words per page */
static int ncpus;
static int fd_of[NKINDS] = { -1, -1, -1 };
static bool patterned[NKINDS];		/* holds the pattern, all resident */
static unsigned long long dev_size0;	/* to restore */
static bool have_size0;
static long fa_saved = -1;		/* fault_around_bytes found */
static int stats_saved = -1;		/* 1 = Y, 0 = N, -1 = unknown */
static int stats_now = -1;
static volatile uint64_t sink;
static int failures;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vmdemo-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---- sysfs/debugfs knobs, put back on exit ---- */

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	if (buf[0] == 'Y' || buf[0] == 'y')
		return 1;
	if (buf[0] == 'N' || buf[0] == 'n')
		return 0;
	return strtol(buf, NULL, 0);
}

/* Async-signal-safe: also used by the signal handler. */
static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -1 : 0;
}

static void set_fault_around(long bytes)
{
	char buf[32];

	if (fa_saved < 0)
		return;
	snprintf(buf, sizeof(buf), "%ld\n", bytes);
	if (write_str(FAULT_AROUND_PATH, buf))
		die("cannot write %s: %s", FAULT_AROUND_PATH, strerror(errno));
}

static void set_stats(int on)
{
	if (stats_saved < 0 || stats_now == on)
		return;
	if (write_str(STATS_PARAM_PATH, on ? "Y\n" : "N\n"))
		die("cannot write %s: %s", STATS_PARAM_PATH, strerror(errno));
	stats_now = on;
}

static char fa_restore[32];
static const char *stats_restore;

static void restore_knobs(void)
{
	if (fa_restore[0])
		write_str(FAULT_AROUND_PATH, fa_restore);
	if (stats_restore)
		write_str(STATS_PARAM_PATH, stats_restore);
}

static void restore_all(void)
{
	restore_knobs();
	if (have_size0)
		ioctl(fd_of[DEV], VMDEMO_IOC_SET_SIZE, &dev_size0);
}

static void on_signal(int sig)
{
	restore_knobs();
	if (have_size0)
		ioctl(fd_of[DEV], VMDEMO_IOC_SET_SIZE, &dev_size0);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---- the memories ---- */

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % ncpus, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void resize(enum kind k, size_t bytes)
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
static void make_empty(enum kind k, size_t pages)
{
	resize(k, 0);
	resize(k, pages * ps);
}

static inline uint64_t pattern_word(uint64_t w)
{
	return w * PATTERN_MUL + PATTERN_SEED;
}

/* Sum of pattern_word(w) for w in [0, n), mod 2^64. */
static uint64_t pattern_sum_all(uint64_t n)
{
	uint64_t tri = (n % 2 == 0) ? (n / 2) * (n - 1) : n * ((n - 1) / 2);

	return tri * PATTERN_MUL + n * PATTERN_SEED;
}

/* Sum of the first word of each of the first n pages. */
static uint64_t pattern_sum_first(uint64_t n)
{
	uint64_t tri = (n % 2 == 0) ? (n / 2) * (n - 1) : n * ((n - 1) / 2);

	return tri * wpp * PATTERN_MUL + n * PATTERN_SEED;
}

/* npages of the pattern, written with write(): all resident. */
static void make_patterned(enum kind k)
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

static void check(bool ok, const char *what, enum kind k)
{
	if (ok)
		return;
	fprintf(stderr, "vmdemo-bench: CHECKSUM MISMATCH in %s on %s\n",
		what, kind_name[k]);
	failures++;
}

static void *map(enum kind k, size_t pages, int prot, int flags)
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

static uint64_t sum_first_words(const volatile uint64_t *p, size_t pages)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < pages; i++)
		s += p[i * wpp];
	return s;
}

static uint64_t sum_words(const uint64_t *p, size_t words)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < words; i++)
		s += p[i];
	return s;
}

/* ---- the measurements: each returns ns per page ---- */

static double m_cold_write(enum kind k)
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

static double m_warm_read(enum kind k)
{
	set_fault_around(4096);
	return m_read(k);
}

static double m_faultaround(enum kind k)
{
	set_fault_around(fa_saved);
	return m_read(k);
}

static double m_cow_write(enum kind k)
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

static double m_populate(enum kind k)
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

static double m_stream_mmap(enum kind k)
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

/* -- cold faults from several threads on disjoint ranges -- */

struct worker {
	pthread_t tid;
	int cpu;
	volatile uint64_t *p;
	size_t first, count;
};

static pthread_barrier_t bar_start, bar_end;

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

/* ---- statistics of the samples ---- */

struct series {
	double v[MAX_REPS];
	int n;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Quantile q of the samples (linear interpolation). */
static double quantile(const struct series *s, double q)
{
	double v[MAX_REPS], pos;
	int i;

	if (!s->n)
		return 0;
	memcpy(v, s->v, s->n * sizeof(double));
	qsort(v, s->n, sizeof(double), cmp_double);
	pos = q * (s->n - 1);
	i = (int)pos;
	if (i + 1 >= s->n)
		return v[s->n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

static double median(const struct series *s) { return quantile(s, 0.5); }
static double smin(const struct series *s) { return quantile(s, 0.0); }
static double smax(const struct series *s) { return quantile(s, 1.0); }

/* Per-repetition ratios a[i]/b[i]. */
static struct series ratios(const struct series *a, const struct series *b)
{
	struct series r = { .n = 0 };
	int i;

	for (i = 0; i < a->n && i < b->n; i++)
		if (b->v[i] > 0)
			r.v[r.n++] = a->v[i] / b->v[i];
	return r;
}

/* ---- the lines of the main table ---- */

struct line {
	const char *key, *title;
	double (*fn)(enum kind k);
	bool applies[NKINDS];
	struct series s[NKINDS], f[NKINDS];
	bool ran;
};

static struct line lines[] = {
	{ .key = "cold-write", .title = "cold write fault, MAP_SHARED", .fn = m_cold_write,
	  .applies = { true, true, true } },
	{ .key = "warm-read", .title = "warm read fault, fault-around off", .fn = m_warm_read,
	  .applies = { true, true, false } },
	{ .key = "faultaround", .title = "sequential read, fault-around on", .fn = m_faultaround,
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
#define NLINES (sizeof(lines) / sizeof(lines[0]))

static bool selected(const char *key)
{
	const char *p;
	size_t n = strlen(key);

	if (!only)
		return true;
	for (p = only; (p = strstr(p, key)); p += n)
		if ((p == only || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* Run fn on each kind that applies, REPS times, rotating the order. */
static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/*
 * Run fn on each kind that applies, REPS times, rotating the order; f
 * gets the page faults per page of each sample (setup and checks do not
 * fault: the checks read pages the timed loop mapped).
 */
static void run_series(bool applies[NKINDS], struct series s[NKINDS],
		       struct series f[NKINDS], double (*fn)(enum kind k))
{
	enum kind order[NKINDS];
	int n = 0, r, j;

	for (j = 0; j < NKINDS; j++)
		if (applies[j] && use[j])
			order[n++] = j;
	/* One warm-up round, not counted. */
	for (j = 0; j < n; j++)
		fn(order[j]);
	for (r = 0; r < reps; r++) {
		for (j = 0; j < n; j++) {
			enum kind k = order[(r + j) % n];

			long f0 = minflt();

			s[k].v[s[k].n++] = fn(k);
			f[k].v[f[k].n++] = (double)(minflt() - f0) / npages;
		}
		say(".");
	}
}

/* ---- scaling ---- */

struct scale_row {
	int nt;
	struct series s[NKINDS], f[NKINDS];
};
static struct scale_row scale_rows[8];
static int nscale;
static int scale_nt;

static double m_scale(enum kind k)
{
	return m_cold_threads(k, scale_nt);
}

/* ---- statistics on/off ---- */

enum { SY, SN, STMP, NSCOL };
static const char *const stats_col[NSCOL] = { "device stats=Y", "device stats=N", "tmpfs" };

struct stats_line {
	const char *key, *title;
	double (*fn)(enum kind k);
	struct series s[NSCOL];
};
static struct stats_line stats_lines[] = {
	{ .key = "cold-write", .title = "cold write fault, MAP_SHARED", .fn = m_cold_write },
	{ .key = "warm-read", .title = "warm read fault, fault-around off", .fn = m_warm_read },
	{ .key = "faultaround", .title = "sequential read, fault-around on", .fn = m_faultaround },
	{ .key = "cow-write", .title = "first write, MAP_PRIVATE (COW)", .fn = m_cow_write },
	{ .key = "populate", .title = "MAP_POPULATE, resident", .fn = m_populate },
	{ .key = "stream-mmap", .title = "stream whole file: mmap", .fn = m_stream_mmap },
};
#define NSTATS (sizeof(stats_lines) / sizeof(stats_lines[0]))
static bool stats_ran;

static double stats_sample(struct stats_line *L, int col)
{
	if (col == STMP)
		return L->fn(TMPFS);
	set_stats(col == SY);
	return L->fn(DEV);
}

static void run_stats(void)
{
	int ncol = use[TMPFS] ? NSCOL : STMP;
	size_t l;
	int r, j;

	for (l = 0; l < NSTATS; l++) {
		struct stats_line *L = &stats_lines[l];

		say("  stats %-12s ", L->key);
		for (j = 0; j < ncol; j++)
			stats_sample(L, j);
		for (r = 0; r < reps; r++) {
			for (j = 0; j < ncol; j++) {
				int c = (r + j) % ncol;

				L->s[c].v[L->s[c].n++] = stats_sample(L, c);
			}
			say(".");
		}
		say("\n");
	}
	set_stats(stats_saved);
	stats_ran = true;
}

/* ---- slab memory per resident page ---- */

struct slab {
	char name[64];
	long active, num, objsize, slabs, pagesperslab;
};

struct slabinfo {
	struct slab *v;
	int n;
};

/*
 * SLUB counts every object of a CPU's active and partial slabs as in use,
 * so /proc/slabinfo only tells the truth right after a shrink, which
 * flushes those slabs back to the node lists and frees empty ones.
 */
static void shrink_slabs(void)
{
	char path[512];
	struct dirent *d;
	struct stat st;
	DIR *dir = opendir("/sys/kernel/slab");

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s", d->d_name);
		/* Merged caches appear once as a directory, then as links. */
		if (lstat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		strncat(path, "/shrink", sizeof(path) - strlen(path) - 1);
		write_str(path, "1");
	}
	closedir(dir);
}

/*
 * Page cache xarray nodes are freed after an RCU grace period: wait for
 * those of the last truncation (membarrier GLOBAL is synchronize_rcu()),
 * then give the callbacks time to run.
 */
static void settle_rcu(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		usleep(50000);
	}
}

static int read_slabinfo(struct slabinfo *si)
{
	char line[512];
	FILE *f;
	int cap = 0;

	settle_rcu();
	shrink_slabs();
	f = fopen("/proc/slabinfo", "r");

	si->v = NULL;
	si->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct slab s;
		long objperslab, limit, batch, shared, active_slabs;

		if (sscanf(line, "%63s %ld %ld %ld %ld %ld : tunables %ld %ld %ld : slabdata %ld %ld",
			   s.name, &s.active, &s.num, &s.objsize, &objperslab,
			   &s.pagesperslab, &limit, &batch, &shared,
			   &active_slabs, &s.slabs) != 11)
			continue;
		if (si->n == cap) {
			cap = cap ? 2 * cap : 256;
			si->v = realloc(si->v, cap * sizeof(*si->v));
			if (!si->v)
				die("out of memory");
		}
		si->v[si->n++] = s;
	}
	fclose(f);
	return 0;
}

static const struct slab *find_slab(const struct slabinfo *si, const char *name)
{
	int i;

	for (i = 0; i < si->n; i++)
		if (!strcmp(si->v[i].name, name))
			return &si->v[i];
	return NULL;
}

/* Bytes per page, by objects in use and by slab pages held. */
struct meta {
	struct series radix_obj, radix_mem, all_obj, all_mem;
	char top[64];
};
static struct meta meta[NKINDS];
static bool meta_ran, meta_ok = true;

static void meta_sample(enum kind k)
{
	struct slabinfo a, b;
	size_t save = npages;
	double obj = 0, mem = 0, best = 0;
	const char *bestname = "";
	struct meta *m = &meta[k];
	int i;

	resize(k, 0);
	if (read_slabinfo(&a)) {
		meta_ok = false;
		return;
	}
	npages = meta_pages;
	make_patterned(k);
	npages = save;
	read_slabinfo(&b);
	resize(k, 0);

	for (i = 0; i < b.n; i++) {
		const struct slab *o = find_slab(&a, b.v[i].name);
		double dobj, dmem;

		dobj = (double)(b.v[i].active - (o ? o->active : 0)) * b.v[i].objsize;
		dmem = (double)(b.v[i].slabs - (o ? o->slabs : 0)) *
		       b.v[i].pagesperslab * ps;
		obj += dobj;
		mem += dmem;
		if (!strcmp(b.v[i].name, "radix_tree_node")) {
			m->radix_obj.v[m->radix_obj.n++] = dobj / meta_pages;
			m->radix_mem.v[m->radix_mem.n++] = dmem / meta_pages;
		}
		if (dobj > best && strcmp(b.v[i].name, "radix_tree_node")) {
			best = dobj;
			bestname = b.v[i].name;
		}
	}
	m->all_obj.v[m->all_obj.n++] = obj / meta_pages;
	m->all_mem.v[m->all_mem.n++] = mem / meta_pages;
	snprintf(m->top, sizeof(m->top), "%s", bestname);
	free(a.v);
	free(b.v);
}

static void run_meta(void)
{
	int r;

	say("  metadata ");
	for (r = 0; r < meta_reps && meta_ok; r++) {
		enum kind first = r % 2 ? TMPFS : DEV;
		enum kind second = r % 2 ? DEV : TMPFS;

		if (use[first])
			meta_sample(first);
		if (use[second])
			meta_sample(second);
		say(".");
	}
	say("\n");
	meta_ran = meta_ok;
	/* Back to the benchmark's size. */
	patterned[DEV] = patterned[TMPFS] = false;
}

/* ---- output ---- */

static void cell(char *buf, size_t len, const struct series *s)
{
	if (!s->n)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f [%.0f..%.0f]", median(s), smin(s), smax(s));
}

static void ratio_cell(char *buf, size_t len, const struct series *a,
		       const struct series *b)
{
	struct series r;

	if (!a->n || !b->n) {
		snprintf(buf, len, "-");
		return;
	}
	r = ratios(a, b);
	snprintf(buf, len, "%.2f [%.2f..%.2f]  %.2f", median(a) / median(b),
		 smin(&r), smax(&r), smin(a) / smin(b));
}

static void meta_cell(char *buf, size_t len, const struct series *s)
{
	if (!s->n)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f B (%.3f%%)", median(s), 100 * median(s) / ps);
}

/* Faults per page, device/tmpfs[/anon], medians. */
static void fault_cell(char *buf, size_t len, const struct series f[NKINDS])
{
	int k, n = 0;

	buf[0] = 0;
	for (k = 0; k < NKINDS; k++)
		if (f[k].n)
			n += snprintf(buf + n, len - n, "%s%.3g", n ? "/" : "",
				      median(&f[k]));
}

static bool under_tcg(void)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	bool qemu = false, hyp = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10) && strstr(line, "QEMU"))
			qemu = true;
		if (!strncmp(line, "flags", 5) && strstr(line, " hypervisor"))
			hyp = true;
	}
	fclose(f);
	return qemu && hyp;
}

static void print_table(FILE *out)
{
	char a[48], b[48], c[48], d[48], e[48];
	struct utsname u;
	size_t l;
	int i, j;

	uname(&u);
	fprintf(out, "vmdemo-bench: the cost of a fault on %s, against tmpfs (%s) and anonymous memory\n",
	       dev_path, tmp_dir);
	fprintf(out, "kernel %s, %d CPUs, page %zu B; N = %zu pages (%zu KiB) per file; %d repetitions after 1 warm-up\n",
	       u.release, ncpus, ps, npages, npages * ps >> 10, reps);
	fprintf(out, "fault_around_bytes %ld (off = 4096 for warm-read); module stats %s\n",
	       fa_saved, stats_saved < 0 ? "unknown" : stats_saved ? "Y" : "N");
	if (under_tcg())
		fprintf(out, "NOTE: QEMU software emulation (TCG): absolute times are meaningless; compare the ratios.\n");
	else
		fprintf(out, "NOTE: under any VM, absolute times say little; compare the ratios.\n");
	fprintf(out, "ns per page: median [min..max]; device/tmpfs: ratio of the medians [min..max of the\n"
	       "per-repetition ratios], then the ratio of the minima (the least disturbed samples);\n"
	       "faults/page: page faults the loop took per page (getrusage), device/tmpfs[/anon]\n\n");

	for (l = 0; l < NLINES; l++)
		if (lines[l].ran) {
			fprintf(out, "%-36s %-22s %-22s %-22s %-26s %s\n", "line", "device",
				"tmpfs", "anon", "device/tmpfs    minima", "faults/page");
			break;
		}
	for (l = 0; l < NLINES; l++) {
		struct line *L = &lines[l];

		if (!L->ran)
			continue;
		cell(a, sizeof(a), &L->s[DEV]);
		cell(b, sizeof(b), &L->s[TMPFS]);
		cell(c, sizeof(c), &L->s[ANON]);
		ratio_cell(d, sizeof(d), &L->s[DEV], &L->s[TMPFS]);
		fault_cell(e, sizeof(e), L->f);
		fprintf(out, "%-36s %-22s %-22s %-22s %-26s %s\n", L->title, a, b, c, d, e);
	}
	if (lines[5].ran && lines[6].ran)
		fprintf(out, "%-36s device %.2f, tmpfs %.2f\n", "  streaming: mmap/read() time",
		       median(&lines[6].s[DEV]) / median(&lines[5].s[DEV]),
		       median(&lines[6].s[TMPFS]) / median(&lines[5].s[TMPFS]));

	if (nscale) {
		fprintf(out, "\nscaling: cold write faults, MAP_SHARED, threads on disjoint ranges (wall ns per page; speed-up vs 1 thread)\n");
		fprintf(out, "%-36s %-22s %-22s %-22s %-26s %s\n", "threads", "device", "tmpfs",
		       "anon", "device/tmpfs    minima", "faults/page");
		for (i = 0; i < nscale; i++) {
			struct scale_row *R = &scale_rows[i];
			char title[40];

			cell(a, sizeof(a), &R->s[DEV]);
			cell(b, sizeof(b), &R->s[TMPFS]);
			cell(c, sizeof(c), &R->s[ANON]);
			ratio_cell(d, sizeof(d), &R->s[DEV], &R->s[TMPFS]);
			snprintf(title, sizeof(title), "%d", R->nt);
			fault_cell(e, sizeof(e), R->f);
			fprintf(out, "%-36s %-22s %-22s %-22s %-26s %s\n", title, a, b, c, d, e);
		}
		for (i = 1; i < nscale; i++) {
			double sp[NKINDS], spm[NKINDS];

			for (j = 0; j < NKINDS; j++) {
				bool ok = scale_rows[i].s[j].n && scale_rows[0].s[j].n;

				sp[j] = ok ? median(&scale_rows[0].s[j]) / median(&scale_rows[i].s[j]) : 0;
				spm[j] = ok ? smin(&scale_rows[0].s[j]) / smin(&scale_rows[i].s[j]) : 0;
			}
			fprintf(out, "  throughput %d/%d threads (medians; minima): device %.2fx; %.2fx, tmpfs %.2fx; %.2fx",
			       scale_rows[i].nt, scale_rows[0].nt, sp[DEV], spm[DEV],
			       sp[TMPFS], spm[TMPFS]);
			if (sp[ANON] > 0)
				fprintf(out, ", anon %.2fx; %.2fx", sp[ANON], spm[ANON]);
			fprintf(out, "\n  device scaling / tmpfs scaling: %.2f; %.2f\n",
			       sp[TMPFS] > 0 ? sp[DEV] / sp[TMPFS] : 0,
			       spm[TMPFS] > 0 ? spm[DEV] / spm[TMPFS] : 0);
		}
	}

	if (meta_ran) {
		fprintf(out, "\nmetadata: slab memory per resident page (M = %zu pages resident, %d samples; median, %% of a %zu B page)\n",
		       meta_pages, meta[DEV].all_obj.n, ps);
		fprintf(out, "%-36s %-22s %-22s\n", "", "device", "tmpfs");
#define META_ROW(title, field) do {						\
		meta_cell(a, sizeof(a), &meta[DEV].field);			\
		meta_cell(b, sizeof(b), &meta[TMPFS].field);			\
		fprintf(out, "%-36s %-22s %-22s\n", title, a, b);			\
	} while (0)
		META_ROW("radix_tree_node objects", radix_obj);
		META_ROW("radix_tree_node slab pages", radix_mem);
		META_ROW("all slab caches, objects", all_obj);
		META_ROW("all slab caches, slab pages", all_mem);
#undef META_ROW
		fprintf(out, "  (struct page, %s, is not counted: every page of RAM has one, cached or not)\n",
		       "64 B = 1.56%");
	}

	if (stats_ran) {
		fprintf(out, "\nstatistics: device with the module's stats on and off (ns per page)\n");
		fprintf(out, "%-36s %-22s %-22s %-22s %s\n", "line", stats_col[SY],
		       stats_col[SN], stats_col[STMP], "Y/N             minima  Y-N (medians, minima)");
		for (l = 0; l < NSTATS; l++) {
			struct stats_line *L = &stats_lines[l];

			cell(a, sizeof(a), &L->s[SY]);
			cell(b, sizeof(b), &L->s[SN]);
			cell(c, sizeof(c), &L->s[STMP]);
			ratio_cell(d, sizeof(d), &L->s[SY], &L->s[SN]);
			fprintf(out, "%-36s %-22s %-22s %-22s %s  %+.0f ns, %+.0f ns\n", L->title, a,
			       b, c, d, median(&L->s[SY]) - median(&L->s[SN]),
			       smin(&L->s[SY]) - smin(&L->s[SN]));
		}
		fprintf(out, "  (device/tmpfs with stats=N: ");
		for (l = 0; l < NSTATS; l++)
			fprintf(out, "%s%s %.2f", l ? ", " : "", stats_lines[l].key,
			       median(&stats_lines[l].s[SN]) /
			       median(&stats_lines[l].s[STMP]));
		fprintf(out, ")\n");
	}
	if (failures)
		fprintf(out, "\nFAILED: %d checksum mismatches\n", failures);
	fflush(out);
}

static void json_series(FILE *f, const char *name, const struct series *s,
			bool comma)
{
	int i;

	fprintf(f, "\"%s\": {\"median\": %.3f, \"min\": %.3f, \"max\": %.3f, "
		"\"q1\": %.3f, \"q3\": %.3f, \"samples\": [",
		name, median(s), smin(s), smax(s), quantile(s, 0.25), quantile(s, 0.75));
	for (i = 0; i < s->n; i++)
		fprintf(f, "%s%.3f", i ? ", " : "", s->v[i]);
	fprintf(f, "]}%s", comma ? ", " : "");
}

static void json_ratio(FILE *f, const char *name, const struct series *a,
		       const struct series *b)
{
	struct series r = ratios(a, b);

	if (!a->n || !b->n) {
		fprintf(f, "\"%s\": null", name);
		return;
	}
	fprintf(f, "\"%s\": {\"of_medians\": %.4f, \"of_minima\": %.4f, "
		"\"paired_median\": %.4f, \"paired_min\": %.4f, \"paired_max\": %.4f}",
		name, median(a) / median(b), smin(a) / smin(b), median(&r),
		smin(&r), smax(&r));
}

static void write_json(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	struct utsname u;
	size_t l;
	int i, j, m;

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	uname(&u);
	fprintf(f, "{\n  \"tool\": \"vmdemo-bench\", \"unit\": \"ns/page\",\n");
	fprintf(f, "  \"kernel\": \"%s\", \"cpus\": %d, \"page_size\": %zu, \"pages\": %zu, "
		"\"reps\": %d, \"fault_around_bytes\": %ld, \"stats_param\": %d, \"tcg\": %s,\n",
		u.release, ncpus, ps, npages, reps, fa_saved, stats_saved,
		under_tcg() ? "true" : "false");
	fprintf(f, "  \"note\": \"absolute times under emulation are meaningless; compare ratios\",\n");
	fprintf(f, "  \"checksum_failures\": %d,\n", failures);
	fprintf(f, "  \"lines\": [");
	j = 0;
	for (l = 0; l < NLINES; l++) {
		struct line *L = &lines[l];

		if (!L->ran)
			continue;
		fprintf(f, "%s\n    {\"key\": \"%s\", \"title\": \"%s\", ", j++ ? "," : "",
			L->key, L->title);
		for (i = 0; i < NKINDS; i++)
			if (L->s[i].n)
				json_series(f, kind_name[i], &L->s[i], true);
		fprintf(f, "\"faults_per_page\": {");
		for (i = 0, m = 0; i < NKINDS; i++)
			if (L->f[i].n)
				fprintf(f, "%s\"%s\": %.4f", m++ ? ", " : "",
					kind_name[i], median(&L->f[i]));
		fprintf(f, "}, ");
		json_ratio(f, "device_over_tmpfs", &L->s[DEV], &L->s[TMPFS]);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"scaling\": [");
	for (i = 0; i < nscale; i++) {
		struct scale_row *R = &scale_rows[i];
		int k;

		fprintf(f, "%s\n    {\"threads\": %d, ", i ? "," : "", R->nt);
		for (k = 0; k < NKINDS; k++)
			if (R->s[k].n)
				json_series(f, kind_name[k], &R->s[k], true);
		fprintf(f, "\"speedup\": {");
		for (k = 0, j = 0; k < NKINDS; k++)
			if (R->s[k].n)
				fprintf(f, "%s\"%s\": {\"of_medians\": %.4f, \"of_minima\": %.4f}",
					j++ ? ", " : "", kind_name[k],
					median(&scale_rows[0].s[k]) / median(&R->s[k]),
					smin(&scale_rows[0].s[k]) / smin(&R->s[k]));
		fprintf(f, "}, ");
		json_ratio(f, "device_over_tmpfs", &R->s[DEV], &R->s[TMPFS]);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"metadata\": ");
	if (meta_ran) {
		fprintf(f, "{\"pages\": %zu,", meta_pages);
		for (i = 0; i < 2; i++) {
			if (!meta[i].all_obj.n)
				continue;
			fprintf(f, "\n    \"%s\": {", kind_name[i]);
			json_series(f, "radix_tree_node_bytes_per_page", &meta[i].radix_obj, true);
			json_series(f, "radix_tree_node_slab_bytes_per_page", &meta[i].radix_mem, true);
			json_series(f, "all_slab_bytes_per_page", &meta[i].all_obj, true);
			json_series(f, "all_slab_pages_bytes_per_page", &meta[i].all_mem, true);
			fprintf(f, "\"percent_of_page\": %.4f},",
				100 * median(&meta[i].all_obj) / ps);
		}
		fprintf(f, "\n    \"unit\": \"bytes per resident page\"}");
	} else {
		fprintf(f, "null");
	}
	fprintf(f, ",\n  \"stats\": [");
	if (stats_ran) {
		for (l = 0; l < NSTATS; l++) {
			struct stats_line *L = &stats_lines[l];

			fprintf(f, "%s\n    {\"key\": \"%s\", ", l ? "," : "", L->key);
			json_series(f, "device_stats_Y", &L->s[SY], true);
			json_series(f, "device_stats_N", &L->s[SN], true);
			json_series(f, "tmpfs", &L->s[STMP], true);
			json_ratio(f, "Y_over_N", &L->s[SY], &L->s[SN]);
			fprintf(f, "}");
		}
	}
	fprintf(f, "\n  ]\n}\n");
	if (f != stdout)
		fclose(f);
}

/* ---- main ---- */

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
"usage: vmdemo-bench [options]\n"
"  --pages N        pages per file for the timed lines (default 8192)\n"
"  --reps R         repetitions per line (default 9; at most %d)\n"
"  --meta-pages M   resident pages for the metadata line (default 32768)\n"
"  --threads LIST   thread counts for the scaling lines (default 1,2[,nCPU])\n"
"  --only LIST      run only these (comma separated): cold-write, warm-read,\n"
"                   faultaround, cow-write, populate, stream-read, stream-mmap,\n"
"                   scaling, metadata, stats\n"
"  --targets LIST   measure only these of device,tmpfs,anon (default all)\n"
"  --no-anon        the same as --targets device,tmpfs\n"
"  --dev PATH       the device (default %s)\n"
"  --dir DIR        tmpfs directory for the file (default /dev/shm)\n"
"  --json FILE      also write the results as JSON (-: JSON on stdout, table on stderr)\n"
"  --smoke          tiny sizes, 3 repetitions: a few seconds\n"
"  --quiet          no progress on stderr\n"
"Changes the device's size and contents, fault_around_bytes and the module's\n"
"stats parameter; the size and both knobs are put back at exit.\n",
		MAX_REPS, VMDEMO_DEVICE_PATH);
	exit(rc);
}

static void parse_threads(const char *s)
{
	char *end;

	nthreads_n = 0;
	while (*s && nthreads_n < 8) {
		long v = strtol(s, &end, 10);

		if (end == s || v < 1 || v > MAX_THREADS)
			die("bad --threads '%s'", s);
		nthreads_list[nthreads_n++] = v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			die("bad --threads");
	}
}

static void parse_targets(const char *s)
{
	char buf[64], *tok, *save;
	int k;

	snprintf(buf, sizeof(buf), "%s", s);
	for (k = 0; k < NKINDS; k++)
		use[k] = false;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < NKINDS; k++)
			if (!strcmp(tok, kind_name[k]))
				use[k] = true;
		if (strcmp(tok, "device") && strcmp(tok, "tmpfs") && strcmp(tok, "anon"))
			die("bad --targets '%s': device, tmpfs, anon", s);
	}
}

static size_t parse_size(const char *s, const char *what)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*end || !v)
		die("bad %s '%s'", what, s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pages", required_argument, NULL, 'n' },
		{ "reps", required_argument, NULL, 'r' },
		{ "meta-pages", required_argument, NULL, 'm' },
		{ "threads", required_argument, NULL, 't' },
		{ "only", required_argument, NULL, 'o' },
		{ "no-anon", no_argument, NULL, 'A' },
		{ "targets", required_argument, NULL, 'T' },
		{ "dev", required_argument, NULL, 'd' },
		{ "dir", required_argument, NULL, 'D' },
		{ "json", required_argument, NULL, 'j' },
		{ "smoke", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char path[4096];
	struct vmdemo_info info;
	size_t l;
	int c, i;

	ps = sysconf(_SC_PAGESIZE);
	wpp = ps / 8;
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus < 1)
		ncpus = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': npages = parse_size(optarg, "--pages"); break;
		case 'r': reps = parse_size(optarg, "--reps"); break;
		case 'm': meta_pages = parse_size(optarg, "--meta-pages"); break;
		case 't': parse_threads(optarg); break;
		case 'o': only = optarg; break;
		case 'A': use[ANON] = false; break;
		case 'T': parse_targets(optarg); break;
		case 'd': dev_path = optarg; break;
		case 'D': tmp_dir = optarg; break;
		case 'j': json_path = optarg; break;
		case 's':
			npages = 256;
			reps = 3;
			meta_pages = 4096;
			meta_reps = 1;
			break;
		case 'q': quiet = true; break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (reps > MAX_REPS)
		die("--reps: at most %d", MAX_REPS);
	if (npages < 2)
		die("--pages: at least 2");
	if (!nthreads_n) {
		nthreads_list[nthreads_n++] = 1;
		nthreads_list[nthreads_n++] = 2;
		if (ncpus > 2)
			nthreads_list[nthreads_n++] = ncpus;
	}

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

	/* The knobs: remember them and put them back however we leave. */
	fa_saved = read_long(FAULT_AROUND_PATH);
	if (fa_saved > 0)
		snprintf(fa_restore, sizeof(fa_restore), "%ld\n", fa_saved);
	else
		fprintf(stderr, "vmdemo-bench: warning: cannot read %s: warm-read runs with fault-around on\n",
			FAULT_AROUND_PATH);
	stats_saved = read_long(STATS_PARAM_PATH);
	stats_now = stats_saved;
	if (stats_saved >= 0)
		stats_restore = stats_saved ? "Y\n" : "N\n";
	atexit(restore_all);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	pin_to(0);
	say("vmdemo-bench: %zu pages x %d repetitions\n", npages, reps);
	for (l = 0; l < NLINES; l++) {
		if (!selected(lines[l].key))
			continue;
		say("  %-19s", lines[l].key);
		run_series(lines[l].applies, lines[l].s, lines[l].f, lines[l].fn);
		lines[l].ran = true;
		set_fault_around(fa_saved);
		say("\n");
	}
	if (selected("scaling")) {
		bool app[NKINDS] = { true, true, true };

		for (i = 0; i < nthreads_n; i++) {
			scale_rows[i].nt = scale_nt = nthreads_list[i];
			say("  scaling, %d thread%s ", scale_nt, scale_nt > 1 ? "s" : " ");
			run_series(app, scale_rows[i].s, scale_rows[i].f, m_scale);
			say("\n");
		}
		nscale = nthreads_n;
		pin_to(0);
	}
	if (selected("metadata"))
		run_meta();
	if (selected("stats")) {
		if (stats_saved < 0)
			fprintf(stderr, "vmdemo-bench: warning: no %s: no statistics table\n",
				STATS_PARAM_PATH);
		else
			run_stats();
	}
	set_fault_around(fa_saved);

	/* With the JSON on stdout, the table goes to stderr. */
	print_table(json_path && !strcmp(json_path, "-") ? stderr : stdout);
	if (json_path)
		write_json(json_path);
	(void)sink;
	return failures ? 1 : 0;
}
