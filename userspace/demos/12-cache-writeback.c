// SPDX-License-Identifier: GPL-2.0
/*
 * Step 12, the page cache in front of a file: minor and major faults,
 * readahead, dirty pages and writeback (msync, MS_ASYNC, the flusher).
 * Needs the module loaded with backing=PATH; without it the step says how
 * to enable it and exits DEMO_SKIP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "demo.h"

#define NPAGES		8
#define READAHEAD	4
#define RA_PARAM	"/sys/module/vmdemo/parameters/readahead"
#define WB_SYSCTL	"/proc/sys/vm/dirty_writeback_centisecs"
#define EXPIRE_SYSCTL	"/proc/sys/vm/dirty_expire_centisecs"
/* The device's backing_dev_info, which the module names after itself. */
#define MIN_RATIO	"/sys/class/bdi/vmdemo/min_ratio"

/* Settings this step changes, put back at exit. */
static struct knob {
	const char *path;
	char old[32];
} knobs[] = {
	{ .path = RA_PARAM }, { .path = WB_SYSCTL }, { .path = EXPIRE_SYSCTL },
	{ .path = MIN_RATIO },
};

static char backing[512];

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void set_knob(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%s\n", value) < 0 || fclose(f))
		die(path);
}

static void restore_knobs(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (knobs[i].old[0])
			set_knob(knobs[i].path, knobs[i].old);
}

static void save_knobs(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (read_line(knobs[i].path, knobs[i].old, sizeof(knobs[i].old)))
			die(knobs[i].path);
	atexit(restore_knobs);
}

/* The backing file's path; exit DEMO_SKIP without one. */
static void need_backing(void)
{
	const char *path = demo_backing();

	if (path) {
		snprintf(backing, sizeof(backing), "%s", path);
		return;
	}
	if (access(VMDEMO_DEBUGFS_DIR "/backing", F_OK))
		printf("  SKIP: this step needs a backing file, and this vmdemo module\n"
		       "  is older than backing files (module parameter backing=).\n");
	else
		printf("  SKIP: this step needs a backing file, and the module was loaded\n"
		       "  without one: the device keeps its pages in RAM only, so\n"
		       "  nothing is ever read in, written back or evicted.  To see\n"
		       "  this step, reload the module with a backing file:\n"
		       "      vmdemo unload; vmdemo load backing=/root/vmdemo.img\n"
		       "  (any path on a writable file system; the file is created).\n");
	exit(DEMO_SKIP);
}

static long majflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

/* Evict a range; a failure is a failed check, and ends the program. */
static void evict(int fd, unsigned long long off, unsigned long long len)
{
	struct vmdemo_range r = { .offset = off, .length = len };
	struct vmdemo_info info;
	int err;

	if (!ioctl(fd, VMDEMO_IOC_EVICT, &r))
		return;
	err = errno;
	if (ioctl(fd, VMDEMO_IOC_GET_INFO, &info))
		die("VMDEMO_IOC_GET_INFO");
	check(0, "VMDEMO_IOC_EVICT of [%llu, %llu) failed: %s; %llu pages\n"
	      "of the device are still cached", off, off + len, strerror(err),
	      (unsigned long long)info.pages_resident);
	exit(demo_done());
}

/* Read page @i through @map; 1 if it holds its pattern byte. */
static int read_page(const char *map, int i)
{
	return map[(size_t)i * page] == 'a' + i &&
	       map[(size_t)i * page + page - 1] == 'a' + i;
}

/* The first byte of page 0 in the backing file itself. */
static char file_byte(void)
{
	int bfd = open(backing, O_RDONLY);
	char c = 0;

	if (bfd < 0 || pread(bfd, &c, 1, 0) != 1)
		die(backing);
	close(bfd);
	return c;
}

/* The page's dirty flag, in vmdemo map's picture (C dirty, c clean). */
static void show_dirty(char *map, int want)
{
	const char *got;

	if (page_dirty(map) < 0) {
		printf("  (/proc/kpageflags cannot tell whether the page is dirty)\n");
		return;
	}
	got = strip("the page:", map, 1);
	check(!strcmp(got, want ? "C" : "c"),
	      "its dirty flag (/proc/kpageflags) is %s", want ? "set" : "clear");
}

static void read_in(int fd)
{
	struct stats before, d;
	char *map, ra[16];
	long maj;
	int i, ok;

	printf("\n  Read the evicted pages back through a new mapping (readahead 0):\n");
	set_knob(RA_PARAM, "0");
	map = mmap(NULL, NPAGES * page, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	stats_read(&before);
	maj = majflt();
	for (i = 0, ok = 1; i < NPAGES; i++)
		ok &= read_page(map, i);
	maj = majflt() - maj;
	d = stats_since(&before);
	check(ok, "each page holds its bytes again, read from the file");
	if (page_dirty(map) >= 0)
		check(!strcmp(strip("the pages:", map, NPAGES), "cccccccc"),
		      "all mapped, clean: as in the file");
	check_count("faults_read", d.faults_read, NPAGES, "one .fault per page");
	check_count("faults_major", d.faults_major, NPAGES,
		    "each of them read its page from the file");
	check_count("pages_read", d.pages_read, NPAGES, "one page read per fault");
	check(maj == NPAGES, "getrusage(): ru_majflt %+ld, the kernel counted them major too",
	      maj);
	munmap(map, NPAGES * page);

	printf("\n  The same pages through another new mapping: they are cached now.\n");
	map = mmap(NULL, NPAGES * page, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	stats_read(&before);
	maj = majflt();
	for (i = 0, ok = 1; i < NPAGES; i++)
		ok &= read_page(map, i);
	maj = majflt() - maj;
	d = stats_since(&before);
	check(ok && d.faults_read == NPAGES && d.faults_major == 0 &&
	      d.pages_read == 0 && maj == 0,
	      "%lld faults, %lld of them major, ru_majflt %+ld: minor faults,\n"
	      "the cache had every page", d.faults_read, d.faults_major, maj);
	munmap(map, NPAGES * page);

	printf("\n  Evict them again (they are clean now) and read with readahead %d:\n",
	       READAHEAD);
	stats_read(&before);
	evict(fd, 0, NPAGES * page);
	d = stats_since(&before);
	check(d.pages_evicted == NPAGES && d.pages_written == 0,
	      "pages_evicted %+lld, pages_written %+lld: clean pages are dropped\n"
	      "without writing anything", d.pages_evicted, d.pages_written);
	snprintf(ra, sizeof(ra), "%d", READAHEAD);
	set_knob(RA_PARAM, ra);
	map = mmap(NULL, NPAGES * page, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	stats_read(&before);
	ok = read_page(map, 0);
	d = stats_since(&before);
	check(ok, "page 0 reads back");
	check_count("faults_major", d.faults_major, 1, "one major fault...");
	check_count("pages_readahead", d.pages_readahead, READAHEAD,
		    "...read the next pages too");
	check_count("pages_read", d.pages_read, 1 + READAHEAD,
		    "the faulting page and those after it");
	stats_read(&before);
	for (i = 1, ok = 1; i <= READAHEAD; i++)
		ok &= read_page(map, i);
	d = stats_since(&before);
	check(ok && d.faults_read == READAHEAD && d.faults_major == 0,
	      "pages 1 to %d: %lld faults, %lld major: readahead had them ready",
	      READAHEAD, d.faults_read, d.faults_major);
	munmap(map, NPAGES * page);
}

static void dirty_pages(int fd)
{
	struct stats before, d;
	char *map, c;
	int waited;

	printf("\n  Store through a shared mapping: the page becomes dirty.\n");
	map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	c = map[0];		/* a read fault maps the page read-only */
	stats_read(&before);
	map[0] = 'X';
	d = stats_since(&before);
	check_count("page_mkwrite", d.page_mkwrite, 1,
		    "the first store to the page asked the driver");
	check_count("pages_dirty", d.pages_dirty, 1, "one page waits for writeback");
	show_dirty(map, 1);
	check(file_byte() == c,
	      "the backing file still holds '%c' at byte 0: the store is in RAM only", c);

	printf("\n  msync(MS_SYNC): write it back and wait.\n");
	stats_read(&before);
	check(msync(map, page, MS_SYNC) == 0, "msync(MS_SYNC) returned 0");
	d = stats_since(&before);
	check_count("pages_written", d.pages_written, 1, "the page went to the file");
	check_count("pages_dirty", d.pages_dirty, -1, "and is clean again");
	show_dirty(map, 0);
	check(file_byte() == 'X', "the backing file holds 'X' at byte 0");

	printf("\n  Store again, to the page that is still mapped.\n");
	stats_read(&before);
	map[0] = 'Y';
	d = stats_since(&before);
	check(d.faults == 0 && d.page_mkwrite == 1 && d.pages_dirty == 1,
	      "page_mkwrite %+lld, faults %+lld, pages_dirty %+lld: writeback had\n"
	      "write-protected the page, so this store faulted and the driver\n"
	      "heard of it again", d.page_mkwrite, d.faults, d.pages_dirty);

	printf("\n  msync(MS_ASYNC):\n");
	stats_read(&before);
	check(msync(map, page, MS_ASYNC) == 0, "msync(MS_ASYNC) returned 0");
	d = stats_since(&before);
	check(d.pages_written == 0 && d.pages_dirty == 0,
	      "pages_written %+lld, pages_dirty %+lld: it wrote nothing and started\n"
	      "nothing; the page simply stays dirty", d.pages_written, d.pages_dirty);
	show_dirty(map, 1);

	printf("\n  Let the kernel's flusher threads write it: dirty_expire_centisecs\n"
	       "  100 (1 s instead of 30), and dirty_writeback_centisecs written,\n"
	       "  which wakes them.\n");
	stats_read(&before);
	set_knob(EXPIRE_SYSCTL, "100");
	set_knob(WB_SYSCTL, "100");
	for (waited = 0; waited < 300; waited++) {
		d = stats_since(&before);
		if (d.pages_written)
			break;
		usleep(50000);
	}
	check(d.pages_written == 1 && d.pages_dirty == -1,
	      "pages_written %+lld, pages_dirty %+lld after %.1f s: no system call\n"
	      "of ours wrote it", d.pages_written, d.pages_dirty, waited / 20.0);
	check(file_byte() == 'Y', "the backing file holds 'Y' at byte 0");
	stats_read(&before);
	map[0] = 'Z';
	d = stats_since(&before);
	check_count("page_mkwrite", d.page_mkwrite, 1,
		    "that writeback write-protected it too");
	munmap(map, page);
}

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	struct stats before, d;
	char buf[4096];
	int i;

	need_backing();
	printf("  Backing file: %s\n", backing);
	save_knobs();
	/*
	 * Keep the flusher from writing the pages before the program does.
	 * Its periodic run writes the files dirty for longer than
	 * dirty_expire_centisecs, and the device's inode may have been
	 * dirty since an earlier step: an hour, then.  (Not a longer period
	 * instead: writing dirty_writeback_centisecs wakes every flusher at
	 * once to write everything, page-writeback.c's
	 * dirty_writeback_centisecs_handler(), racing the writes below.)
	 * Its background run, whenever it does run, writes every device
	 * whose dirty pages exceed its share of the background threshold,
	 * a share that follows its recent writeback and, before 7.2, can be
	 * near nothing for a device just loaded (__wb_calc_thresh()).
	 * min_ratio gives the device a fixed share of 5%.
	 */
	set_knob(MIN_RATIO, "5");
	set_knob(EXPIRE_SYSCTL, "360000");
	device_fresh(fd, NPAGES * page);

	printf("\n  write() %d pages, page i full of the letter 'a' + i:\n", NPAGES);
	stats_read(&before);
	for (i = 0; i < NPAGES; i++) {
		memset(buf, 'a' + i, sizeof(buf));
		if (pwrite(fd, buf, page, (off_t)i * page) != (ssize_t)page)
			die("pwrite");
	}
	d = stats_since(&before);
	check_count("pages_dirty", d.pages_dirty, NPAGES,
		    "in the cache, not yet in the file");
	check_count("pages_written", d.pages_written, 0, "the file has none of it yet");

	printf("\n  VMDEMO_IOC_EVICT: drop the %d pages from the cache.\n", NPAGES);
	stats_read(&before);
	evict(fd, 0, NPAGES * page);
	d = stats_since(&before);
	check_count("pages_written", d.pages_written, NPAGES,
		    "dirty pages are written to the file first");
	check_count("pages_evicted", d.pages_evicted, NPAGES, "then dropped");
	check_count("pages_resident", d.pages_resident, -NPAGES,
		    "no page of the device is in RAM now");

	read_in(fd);
	dirty_pages(fd);
	return demo_done();
}
