// SPDX-License-Identifier: GPL-2.0
/*
 * A process killed with SIGKILL in the middle of one large write() or
 * read() dies without finishing it.
 *
 *  - write(): a child writes a range of a few hundred MiB (at most a
 *    third of the memory available) from an untouched anonymous buffer
 *    (the zero page: it costs no memory).  The parent watches the pages
 *    the object holds and kills the child once about a tenth is written.
 *    The write must stop there: fewer than half the pages are ever
 *    allocated, and the child dies well before the rest of the write
 *    would have taken.  tmpfs stops because generic_perform_write()
 *    checks for a fatal signal between pages; a driver whose write loop
 *    does not would allocate the whole range for a process that is
 *    already dead.
 *  - read(): a child reads a resident range into a shared anonymous
 *    buffer, which the parent sees filling up (mincore(), which allocates
 *    nothing), and is killed a tenth of the way in.  tmpfs
 *    (shmem_file_read_iter()) does not look for fatal signals, so it
 *    finishes the read before the child dies (seen on 6.1); what both
 *    must do is die (within a bound set by how fast the read went), with
 *    every byte that did reach the buffer right.  The device stops
 *    between pages, as filemap_read() does: there, fewer than half the
 *    pages must arrive.  How far each read got is logged.
 *
 * The child and the parent run on different CPUs when there are two, so
 * the parent can watch while the child works.  If the parent still sees
 * the kill land too late (40% or more already written: a busy host), the
 * run is repeated, and skipped after three such runs.
 */
#include "conform.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>

#include <linux/vmdemo.h>

CONFORM_FIXTURE(kill);

#define WRITE_WANT	(256UL << 20)
#define READ_WANT	(128UL << 20)
#define ATTEMPTS	3

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* MemAvailable in bytes, or 0. */
static uint64_t mem_available(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/*
 * @want bytes, or less: at most 1/@share of the available memory and,
 * on the device, of its max_size.
 */
static size_t big_len(const struct target *t, size_t want, unsigned int share)
{
	uint64_t avail = mem_available();
	struct vmdemo_info info;
	size_t len = want;

	if (avail && len > avail / share)
		len = avail / share;
	if (target_is_device(t) &&
	    !ioctl(t->fd, VMDEMO_IOC_GET_INFO, &info) && len > info.max_size)
		len = info.max_size;
	return len / pagesz * pagesz;
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* A word of the read test's pattern: never zero, one per file offset. */
static uint64_t word_at(uint64_t off)
{
	return (off * 0x9e3779b97f4a7c15ULL) ^ 0x5bd1e995ULL ^ 1;
}

static void fill_words(void *buf, size_t len, uint64_t off)
{
	uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = word_at(off + i * 8);
}

/* The first wrong word (as a byte index) of [@off, @off + @len), or -1. */
static ssize_t check_words(const void *buf, size_t len, uint64_t off)
{
	const uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != word_at(off + i * 8))
			return i * 8;
	return -1;
}

/* What one run of a killed child looked like. */
struct kill_run {
	bool late;		/* killed at >= 40%, or it finished first */
	int status;		/* wait status */
	long at_kill;		/* progress (pages) when SIGKILL was sent */
	double t_kill;		/* seconds from the start to the kill */
	double t_die;		/* seconds from the kill to its death */
};

/*
 * Fork a child that runs @io (one large read or write), wait until it is
 * about to start, then poll @progress (pages done) and kill the child at
 * @npages / 10.  Fills @run; returns -1 if the child could not be run.
 */
static int kill_midway(struct kill_run *run, long npages,
		       void (*io)(const void *), const void *arg,
		       long (*progress)(const void *), const void *parg)
{
	int go[2], status;
	double t0, limit;
	pid_t pid;
	char c;

	memset(run, 0, sizeof(*run));
	if (pipe(go))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(go[0]);
		pin_to(0);
		if (write(go[1], "x", 1) != 1)
			_exit(100);
		io(arg);
		_exit(0);
	}
	close(go[1]);
	pin_to(1);
	if (read(go[0], &c, 1) != 1) {
		close(go[0]);
		waitpid(pid, &status, 0);
		return -1;
	}
	close(go[0]);
	t0 = now_s();
	limit = t0 + 60;
	for (;;) {
		run->at_kill = progress(parg);
		if (run->at_kill >= npages / 10)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			/* It finished before it could be killed. */
			run->late = true;
			run->status = status;
			return 0;
		}
		if (now_s() > limit)
			break;
		sched_yield();
	}
	run->t_kill = now_s() - t0;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	run->t_die = now_s() - t0 - run->t_kill;
	run->status = status;
	run->late = run->at_kill * 10 >= npages * 4;
	return 0;
}

/* ---- write() ---- */

struct write_arg {
	int fd;
	const void *src;
	size_t len;
};

static void do_write(const void *arg)
{
	const struct write_arg *w = arg;

	(void)!pwrite(w->fd, w->src, w->len, 0);
}

static long resident_progress(const void *arg)
{
	return target_resident(arg);
}

TEST_F_TIMEOUT(kill, killed_writer_stops, 240)
{
	size_t len = big_len(&self->t, WRITE_WANT, 3);
	long npages = len / pagesz, end = -1;
	struct kill_run run;
	struct write_arg w;
	double rest;
	void *src;
	int i;

	ASSERT_LE(pages(1024), len) TH_LOG("too little memory for the test");
	src = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_MAPPED(src);
	w = (struct write_arg){ .fd = self->t.fd, .src = src, .len = len };

	for (i = 0; i < ATTEMPTS; i++) {
		ASSERT_EQ(0, target_set_size(&self->t, 0));
		ASSERT_EQ(0, target_set_size(&self->t, len));
		ASSERT_EQ(0, target_resident(&self->t));
		ASSERT_EQ(0, kill_midway(&run, npages, do_write, &w,
					 resident_progress, &self->t));
		end = target_resident(&self->t);
		TH_LOG("%s: write of %ld pages killed at %ld pages after %.3f s; died %.3f s later with %ld pages written",
		       variant->name, npages, run.at_kill, run.t_kill,
		       run.t_die, end);
		if (!run.late)
			break;
	}
	ASSERT_EQ(0, target_set_size(&self->t, 0));
	munmap(src, len);
	if (run.late)
		SKIP(return, "the kill never landed before 40%% of the write (busy host?)");

	ASSERT_TRUE(WIFSIGNALED(run.status));
	EXPECT_EQ(SIGKILL, WTERMSIG(run.status));
	/* It stopped: far from the whole range. */
	EXPECT_LT(end, npages / 2)
		TH_LOG("killed at %ld of %ld pages, the write went on to %ld",
		       run.at_kill, npages, end);
	/* And soon: well before the rest would have taken at its pace. */
	rest = run.t_kill * (npages - run.at_kill) / (run.at_kill ? run.at_kill : 1);
	EXPECT_GT(rest / 2 > 0.25 ? rest / 2 : 0.25, run.t_die)
		TH_LOG("died %.3f s after SIGKILL; the rest of the write would take %.3f s",
		       run.t_die, rest);
}

/* ---- read() ---- */

struct read_arg {
	int fd;
	uint8_t *dst;
	size_t len;
};

static void do_read(const void *arg)
{
	const struct read_arg *r = arg;

	(void)!pread(r->fd, r->dst, r->len, 0);
}

struct mincore_arg {
	uint8_t *addr;
	long npages;
};

/* Is page @i of the buffer there yet (mincore(): allocates nothing)? */
static bool filled_up_to(const struct mincore_arg *m, long i)
{
	unsigned char v = 0;

	return !mincore(m->addr + pages(i), pagesz, &v) && (v & 1);
}

/* Pages of the buffer filled, as far as two probes tell: 0, 10%, 40%. */
static long buffer_progress(const void *arg)
{
	const struct mincore_arg *m = arg;

	if (!filled_up_to(m, m->npages / 10))
		return 0;
	if (!filled_up_to(m, m->npages * 4 / 10))
		return m->npages / 10;
	return m->npages * 4 / 10;
}

/* Resident pages of @addr: how many, and whether they are a prefix. */
static long resident_prefix(uint8_t *addr, long npages, bool *prefix)
{
	unsigned char *vec = malloc(npages);
	long i, n = 0;

	*prefix = true;
	if (!vec || mincore(addr, pages(npages), vec)) {
		free(vec);
		return -1;
	}
	for (i = 0; i < npages; i++) {
		if (vec[i] & 1) {
			if (n != i)
				*prefix = false;
			n++;
		}
	}
	free(vec);
	return n;
}

TEST_F_TIMEOUT(kill, killed_reader_dies, 240)
{
	size_t len = big_len(&self->t, READ_WANT, 4), chunk = 4UL << 20, off;
	long npages = len / pagesz, filled = -1;
	struct mincore_arg m;
	struct kill_run run;
	struct read_arg r;
	uint8_t *buf, *dst;
	bool prefix;
	ssize_t bad;
	int i;

	ASSERT_LE(pages(1024), len) TH_LOG("too little memory for the test");
	ASSERT_EQ(0, target_set_size(&self->t, len));
	buf = malloc(chunk);
	ASSERT_NE(NULL, buf);
	for (off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		fill_words(buf, n, off);
		ASSERT_EQ((ssize_t)n, pwrite(self->t.fd, buf, n, off));
	}
	free(buf);

	for (i = 0; i < ATTEMPTS; i++) {
		dst = mmap(NULL, len, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		ASSERT_MAPPED(dst);
		r = (struct read_arg){ .fd = self->t.fd, .dst = dst, .len = len };
		m = (struct mincore_arg){ .addr = dst, .npages = npages };
		ASSERT_EQ(0, kill_midway(&run, npages, do_read, &r,
					 buffer_progress, &m));
		filled = resident_prefix(dst, npages, &prefix);
		TH_LOG("%s: read of %ld pages killed at %ld pages after %.3f s; died %.3f s later with %ld pages read",
		       variant->name, npages, run.at_kill, run.t_kill,
		       run.t_die, filled);
		if (!run.late)
			break;
		munmap(dst, len);
	}
	if (run.late) {
		ASSERT_EQ(0, target_set_size(&self->t, 0));
		SKIP(return, "the kill never landed before 40%% of the read (busy host?)");
	}

	ASSERT_TRUE(WIFSIGNALED(run.status));
	EXPECT_EQ(SIGKILL, WTERMSIG(run.status));
	/* Dead within three times what the whole read takes at its pace. */
	EXPECT_GT(3 * run.t_kill * npages / (run.at_kill ? run.at_kill : 1) + 1,
		  run.t_die);
	/* The device's read stops too; tmpfs's runs to the end. */
	if (target_is_device(&self->t)) {
		EXPECT_LT(filled, npages / 2)
			TH_LOG("killed at %ld of %ld pages, the read went on to %ld",
			       run.at_kill, npages, filled);
	}
	/* What was read is right: whole pages, the last maybe in part. */
	ASSERT_LE(0, filled);
	EXPECT_TRUE(prefix) TH_LOG("the filled pages are not the first ones");
	if (filled > 1) {
		bad = check_words(dst, pages(filled - 1), 0);
		EXPECT_EQ(-1, bad) TH_LOG("byte %zd of the buffer is wrong", bad);
	}
	if (filled > 0) {
		uint8_t *last = dst + pages(filled - 1);

		bad = check_words(last, pagesz, pages(filled - 1));
		if (bad >= 0) {
			EXPECT_EQ(PAT_OK, zero_check(last + bad, pagesz - bad))
				TH_LOG("the last page read is wrong at byte %zd", bad);
		}
	}
	munmap(dst, len);
	/* The source is as it was: three pages across it. */
	buf = malloc(pagesz);
	ASSERT_NE(NULL, buf);
	for (off = 0; off < len; off += len / 2 - pagesz) {
		ASSERT_EQ((ssize_t)pagesz, pread(self->t.fd, buf, pagesz, off));
		EXPECT_EQ(-1, check_words(buf, pagesz, off)) TH_LOG("at %zu", off);
	}
	free(buf);
	ASSERT_EQ(0, target_set_size(&self->t, 0));
}

CONFORM_MAIN()
