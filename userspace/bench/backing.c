// SPDX-License-Identifier: GPL-2.0
/*
 * The backing-file part of the run (the lines are in bklines.c): the
 * device reloaded with backing=DISK/vmdemo-bench.backing, against a file
 * in DISK (--disk, default /mnt/disk), which must be an ext4 mount.  Runs
 * last: it closes the device, reloads the module with the suite's
 * parameters plus backing= (reload.c), turns the statistics on (the
 * lines read the module's counters), measures, and reloads the module
 * with the suite's parameters again, removing the backing file.  If the
 * bench ends early, backing_restore() does the same from the exit and
 * signal paths of knobs.c.
 *
 * The lines are skipped, with the reason printed and kept for the table
 * and the JSON, when DISK is not an ext4 mount, when the module cannot
 * be reloaded (VMDEMO_MODPARAMS unset, outside the test VM), or when it
 * will not load with the backing file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "bench.h"

struct bk_line bk_lines[] = {
	{ .key = "major-fault", .title = "major fault, read, pages evicted", .fn = m_major_fault },
	{ .key = "msync-dirty", .title = "msync(MS_SYNC) of dirty pages", .fn = m_msync_dirty },
};
const size_t nbk = sizeof(bk_lines) / sizeof(bk_lines[0]);

const char *disk_dir = "/mnt/disk";
bool bk_ran;
char bk_skipped[256];		/* why the lines did not run, or "" */
char bk_path[512];		/* the backing file */
char bk_io[32] = "?";		/* debugfs backing: direct or buffered */
int bk_readahead = -1;		/* the module's readahead, pages */
int ext4_ra_kb = -1;		/* the disk's read_ahead_kb */
static volatile int bk_loaded;	/* the module is loaded with backing= */

static void skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(bk_skipped, sizeof(bk_skipped), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vmdemo-bench: skipping major-fault and msync-dirty: %s\n",
		bk_skipped);
}

/* Whether DISK is the mount point of an ext4 file system. */
static bool disk_is_ext4(void)
{
	char dev[256], dir[512], type[64];
	bool found = false;
	FILE *f = fopen("/proc/mounts", "r");

	if (!f)
		return false;
	while (fscanf(f, "%255s %511s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(dir, disk_dir))
			found = !strcmp(type, "ext4");	/* the last mount wins */
	fclose(f);
	return found;
}

static int read_int(const char *path, const char *key)
{
	char line[256];
	size_t n = strlen(key);
	int v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n)) {
			v = atoi(line + n);
			break;
		}
	fclose(f);
	return v;
}

/* What the table says about the two files' I/O and readahead. */
static void read_settings(void)
{
	char line[128], path[128];
	struct stat st;
	FILE *f = fopen(VMDEMO_BACKING_INFO_PATH, "r");

	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "io %31s", bk_io) == 1)
				break;
		fclose(f);
	}
	bk_readahead = read_int(VMDEMO_BACKING_INFO_PATH, "readahead ");
	if (!stat(disk_dir, &st)) {
		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/read_ahead_kb",
			 major(st.st_dev), minor(st.st_dev));
		ext4_ra_kb = read_int(path, "");
	}
}

/* Load the module with the backing file and open both files. */
static bool setup(void)
{
	char path[600];
	const char *why;
	int err;

	snprintf(bk_path, sizeof(bk_path), "%s/vmdemo-bench.backing", disk_dir);
	why = reload_setup(bk_path);
	if (why) {
		skip("%s", why);
		return false;
	}
	snprintf(path, sizeof(path), "%s/vmdemo-bench.ext4.XXXXXX", disk_dir);
	bk_fd[BK_EXT4] = mkstemp(path);
	if (bk_fd[BK_EXT4] < 0)
		die("cannot create a file in %s: %s", disk_dir, strerror(errno));
	unlink(path);

	/* The suite's device, as found, then closed: nothing may hold it. */
	restore_size();
	close(fd_of[DEV]);
	fd_of[DEV] = -1;
	unlink(bk_path);
	bk_loaded = 1;
	err = reload_backed();
	if (err) {
		bk_loaded = 0;
		skip("loading vmdemo with '%s' failed: %s", reload_backed_params(),
		     strerror(err));
		close(bk_fd[BK_EXT4]);
		bk_fd[BK_EXT4] = -1;
		unlink(bk_path);
		/* Unloaded, but not loaded again with the backing file. */
		if (access("/sys/module/vmdemo", F_OK)) {
			err = reload_suite();
			if (err)
				die("loading vmdemo back with '%s' failed: %s",
				    getenv("VMDEMO_MODPARAMS"), strerror(err));
		}
		return false;
	}
	bk_fd[BK_DEV] = open(dev_path, O_RDWR);
	if (bk_fd[BK_DEV] < 0)
		die("cannot open %s with the backing file: %s", dev_path, strerror(errno));
	bk_file_fd = open(bk_path, O_RDONLY);
	if (bk_file_fd < 0)
		die("cannot open the backing file %s: %s", bk_path, strerror(errno));
	/* The lines read the module's counters. */
	if (write_str(STATS_PARAM_PATH, "Y\n"))
		die("cannot write %s: %s", STATS_PARAM_PATH, strerror(errno));
	read_settings();
	return true;
}

/*
 * Back to the suite's module, its size as found, no backing file.
 * Async-signal-safe.  Return: 0 or the errno of the reload.
 */
int backing_restore(void)
{
	int err, i;

	if (!bk_loaded)
		return 0;
	if (bk_map)
		munmap(bk_map, npages * ps);
	bk_map = NULL;
	for (i = 0; i < NSIDES; i++)
		if (bk_fd[i] >= 0)
			close(bk_fd[i]);
	if (bk_file_fd >= 0)
		close(bk_file_fd);
	bk_fd[BK_DEV] = bk_fd[BK_EXT4] = bk_file_fd = -1;
	err = reload_suite();
	if (err) {
		static const char msg[] = "vmdemo-bench: could not load vmdemo back with VMDEMO_MODPARAMS\n";

		write(2, msg, sizeof(msg) - 1);
		return err;
	}
	bk_loaded = 0;
	unlink(bk_path);
	return 0;
}

/* One line, REPS times on both sides after a warm-up, order rotating. */
static void run_line(struct bk_line *L)
{
	int r, j, c;

	say("  %-19s", L->key);
	for (j = 0; j < NSIDES; j++)
		L->fn(j);
	for (r = 0; r < reps; r++) {
		for (j = 0; j < NSIDES; j++) {
			enum side sd = (r + j) % NSIDES;

			L->s[sd].v[L->s[sd].n++] = L->fn(sd);
			for (c = 0; c < NBC; c++)
				if (!isnan(bk_count[c]))
					L->c[sd][c].v[L->c[sd][c].n++] = bk_count[c];
		}
		say(".");
	}
	L->ran = true;
	say("\n");
}

void run_backing(bool major, bool msync)
{
	int err;

	bk_ran = true;
	if (!use[DEV]) {
		skip("the device is not among --targets");
		return;
	}
	if (!disk_is_ext4()) {
		skip("%s is not an ext4 mount (the test VM's disk)", disk_dir);
		return;
	}
	if (!setup())
		goto reopen;
	if (major)
		run_line(&bk_lines[0]);
	if (msync)
		run_line(&bk_lines[1]);
	err = backing_restore();
	if (err)
		die("loading vmdemo back with '%s' failed: %s",
		    getenv("VMDEMO_MODPARAMS"), strerror(err));
reopen:
	if (fd_of[DEV] < 0) {
		fd_of[DEV] = open(dev_path, O_RDWR);
		if (fd_of[DEV] < 0)
			die("cannot open %s again: %s", dev_path, strerror(errno));
	}
	/* The reload set the statistics as loaded; knobs.c sets them back. */
	knobs_reloaded();
	patterned[DEV] = false;
}
