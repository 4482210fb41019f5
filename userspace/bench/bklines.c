// SPDX-License-Identifier: GPL-2.0
/*
 * The two backing-file lines, each measured on the device loaded with
 * backing=FILE (a file on the ext4 disk) and on an ext4 file of the same
 * size on the same disk (backing.c sets them up):
 *
 *   major-fault   every page evicted first (device: VMDEMO_IOC_EVICT;
 *                 ext4: fsync, then POSIX_FADV_DONTNEED), then a read of
 *                 the first word of each page through a fresh MAP_SHARED
 *                 read mapping, fault-around as found, each file's own
 *                 readahead: ns per page
 *   msync-dirty   the first word of each page written through a fresh
 *                 MAP_SHARED mapping of clean resident pages (not timed),
 *                 then msync(MS_SYNC) of the whole range: ns per page
 *
 * Besides the time, a sample leaves in bk_count[] what it counted per
 * page (NAN where a count does not apply): the major and minor faults of
 * the loop (getrusage) and, on the device, the module's counters.  Checks
 * (failures, like a checksum mismatch): nothing left resident after
 * eviction; the device's major faults equal getrusage's and every page
 * was read from the file exactly once; after msync no page of the device
 * is dirty and the backing file itself holds what was written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "bench.h"

const char *const side_name[NSIDES] = { "device", "ext4" };
const char *const bcount_name[NBC] = {
	"majflt", "minflt", "faults_major", "pages_read", "pages_readahead",
	"pages_dirty_before", "pages_written",
};

int bk_fd[NSIDES] = { -1, -1 };
int bk_file_fd = -1;		/* the backing file itself, for the checks */
double bk_count[NBC];
static bool bk_patterned[NSIDES];
static uint64_t msync_tag;

/* A counter of the module's debugfs stats file; -1 if it is not there. */
static long stat_of(const char *name)
{
	char line[128];
	size_t n = strlen(name);
	long v = -1;
	FILE *f = fopen(VMDEMO_STATS_PATH, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/*
 * The one mapping a sample has at a time, which backing_restore() unmaps
 * if the bench is stopped: a mapping keeps the module in use.
 */
void *volatile bk_map;

static void *bk_mmap(enum side sd, int prot)
{
	void *p = mmap(NULL, npages * ps, prot, MAP_SHARED, bk_fd[sd], 0);

	if (p == MAP_FAILED)
		die("mmap %s: %s", side_name[sd], strerror(errno));
	bk_map = p;
	return p;
}

static void bk_munmap(const volatile void *p)
{
	bk_map = NULL;
	munmap((void *)p, npages * ps);
}

static void rusage_now(long *maj, long *min)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*maj = ru.ru_majflt;
	*min = ru.ru_minflt;
}

static void bk_check(bool ok, const char *what, enum side sd)
{
	if (ok)
		return;
	fprintf(stderr, "vmdemo-bench: CHECK FAILED in %s on %s\n", what,
		side_name[sd]);
	failures++;
}

/* Pages of the file resident in its page cache (mincore). */
static size_t resident(enum side sd)
{
	unsigned char *vec = malloc(npages);
	size_t i, n = 0;
	void *p;

	if (!vec)
		die("out of memory");
	p = bk_mmap(sd, PROT_READ);
	if (mincore(p, npages * ps, vec))
		die("mincore %s: %s", side_name[sd], strerror(errno));
	for (i = 0; i < npages; i++)
		n += vec[i] & 1;
	bk_munmap(p);
	free(vec);
	return n;
}

/* Drop every page of the file from its cache; check that none is left. */
static void evict(enum side sd)
{
	struct vmdemo_range r = { .offset = 0, .length = npages * ps };
	size_t left;

	if (sd == BK_DEV) {
		if (ioctl(bk_fd[sd], VMDEMO_IOC_EVICT, &r))
			die("VMDEMO_IOC_EVICT: %s", strerror(errno));
	} else {
		if (fsync(bk_fd[sd]))
			die("fsync %s: %s", side_name[sd], strerror(errno));
		errno = posix_fadvise(bk_fd[sd], 0, 0, POSIX_FADV_DONTNEED);
		if (errno)
			die("POSIX_FADV_DONTNEED on %s: %s", side_name[sd], strerror(errno));
	}
	left = resident(sd);
	if (left)
		fprintf(stderr, "vmdemo-bench: %zu pages of %s still resident after eviction\n",
			left, side_name[sd]);
	bk_check(!left, "eviction", sd);
}

/* Size 0 then npages of the pattern, written to the file: all clean. */
static void prepare(enum side sd)
{
	static uint64_t *buf;
	unsigned long long size = 0;
	size_t words = STREAM_CHUNK / 8, off, i;

	if (bk_patterned[sd])
		return;
	if (!buf)
		buf = malloc(STREAM_CHUNK);
	if (!buf)
		die("out of memory");
	for (i = 0; i < 2; i++, size = npages * ps) {
		if (sd == BK_DEV && ioctl(bk_fd[sd], VMDEMO_IOC_SET_SIZE, &size))
			die("VMDEMO_IOC_SET_SIZE %llu: %s", size, strerror(errno));
		if (sd == BK_EXT4 && ftruncate(bk_fd[sd], size))
			die("ftruncate %s: %s", side_name[sd], strerror(errno));
	}
	for (off = 0; off < npages * ps; off += STREAM_CHUNK) {
		size_t len = npages * ps - off < STREAM_CHUNK ?
			     npages * ps - off : STREAM_CHUNK;

		for (i = 0; i < words; i++)
			buf[i] = pattern_word(off / 8 + i);
		if (pwrite(bk_fd[sd], buf, len, off) != (ssize_t)len)
			die("pwrite to %s: %s", side_name[sd], strerror(errno));
	}
	if (fsync(bk_fd[sd]))
		die("fsync %s: %s", side_name[sd], strerror(errno));
	bk_patterned[sd] = true;
}

static void clear_counts(void)
{
	int i;

	for (i = 0; i < NBC; i++)
		bk_count[i] = NAN;
}

double m_major_fault(enum side sd)
{
	long maj0, min0, maj1, min1, fm0 = 0, rd0 = 0, ra0 = 0;
	const volatile uint64_t *p;
	uint64_t s = 0;
	double t0, t1;
	size_t i;

	prepare(sd);
	evict(sd);
	set_fault_around(fa_saved);
	clear_counts();
	if (sd == BK_DEV) {
		fm0 = stat_of("faults_major");
		rd0 = stat_of("pages_read");
		ra0 = stat_of("pages_readahead");
	}
	p = bk_mmap(sd, PROT_READ);
	rusage_now(&maj0, &min0);
	t0 = now_ns();
	for (i = 0; i < npages; i++)
		s += p[i * wpp];
	t1 = now_ns();
	rusage_now(&maj1, &min1);
	sink += s;
	bk_check(s == pattern_sum_first(npages), "major-fault", sd);
	bk_munmap(p);

	bk_count[BC_MAJFLT] = (double)(maj1 - maj0) / npages;
	bk_count[BC_MINFLT] = (double)(min1 - min0) / npages;
	if (sd == BK_DEV) {
		long fm = stat_of("faults_major") - fm0;
		long rd = stat_of("pages_read") - rd0;

		bk_count[BC_FAULTS_MAJOR] = (double)fm / npages;
		bk_count[BC_PAGES_READ] = (double)rd / npages;
		bk_count[BC_READAHEAD] = (double)(stat_of("pages_readahead") - ra0) / npages;
		bk_check(fm == maj1 - maj0, "major-fault (faults_major = ru_majflt)", sd);
		bk_check(rd == (long)npages, "major-fault (every page read once)", sd);
	}
	return (t1 - t0) / npages;
}

/* Sum of the first word of each page of the backing file, on disk. */
static uint64_t backing_file_sum(void)
{
	static uint64_t *buf;
	uint64_t s = 0;
	size_t off, i;
	ssize_t n;

	if (!buf)
		buf = aligned_alloc(ps, STREAM_CHUNK);
	if (!buf)
		die("out of memory");
	for (off = 0; off < npages * ps; off += n) {
		n = pread(bk_file_fd, buf, STREAM_CHUNK, off);
		if (n <= 0)
			die("pread of the backing file: %s", n ? strerror(errno) : "EOF");
		for (i = 0; i < (size_t)n / ps; i++)
			s += buf[i * wpp];
	}
	/* Read without O_DIRECT: leave the file's own cache as it was. */
	posix_fadvise(bk_file_fd, 0, 0, POSIX_FADV_DONTNEED);
	return s;
}

double m_msync_dirty(enum side sd)
{
	long wr0 = 0, dirty = 0;
	volatile uint64_t *p;
	uint64_t want = 0, tag = ++msync_tag;
	double t0, t1;
	size_t i;

	prepare(sd);
	set_fault_around(fa_saved);
	clear_counts();
	p = bk_mmap(sd, PROT_READ | PROT_WRITE);
	for (i = 0; i < npages; i++) {
		p[i * wpp] = pattern_word(i * wpp) ^ tag;
		want += pattern_word(i * wpp) ^ tag;
	}
	bk_patterned[sd] = false;
	if (sd == BK_DEV) {
		dirty = stat_of("pages_dirty");
		wr0 = stat_of("pages_written");
	}
	t0 = now_ns();
	if (msync((void *)p, npages * ps, MS_SYNC))
		die("msync %s: %s", side_name[sd], strerror(errno));
	t1 = now_ns();
	bk_check(sum_first_words(p, npages) == want, "msync-dirty", sd);
	bk_munmap(p);

	if (sd == BK_DEV) {
		bk_count[BC_DIRTY] = (double)dirty / npages;
		bk_count[BC_WRITTEN] = (double)(stat_of("pages_written") - wr0) / npages;
		bk_check(stat_of("pages_dirty") == 0, "msync-dirty (no page dirty after)", sd);
		bk_check(backing_file_sum() == want, "msync-dirty (the backing file)", sd);
	}
	return (t1 - t0) / npages;
}
