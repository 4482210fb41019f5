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
 *   cold-write-busy  the same while one thread per CPU spins, so the
 *                 kernel's background work finds no idle CPU (busy.c)
 *   warm-read     read of each page of a fresh MAP_SHARED mapping, pages
 *                 resident, fault-around off (fault_around_bytes=4096):
 *                 one fault per page
 *   faultaround   the same with the kernel's fault-around as found (64 KiB
 *                 by default: one fault maps up to 16 pages)
 *   contend-read  the same from 4 threads (--contend-threads) at once, each
 *                 with its own mapping of the same pages, MADV_DONTNEED
 *                 between rounds: wall time per page read (contend.c)
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
 * module's statistics on and off (cold, cold and busy, warm, fault-around,
 * contended fault-around, COW, MAP_POPULATE and streaming through a
 * mapping).
 *
 * Last, with a backing file (backing.c, bklines.c): the device reloaded
 * with backing=FILE on the ext4 disk (--disk, default /mnt/disk) against
 * an ext4 file of the same size there (ns per page):
 *   major-fault   pages evicted (device: VMDEMO_IOC_EVICT; ext4: fsync and
 *                 POSIX_FADV_DONTNEED), then read through a fresh
 *                 MAP_SHARED mapping: each page read from the file, by a
 *                 major fault or the file's own readahead
 *   msync-dirty   msync(MS_SYNC) of N pages dirtied through a shared
 *                 mapping (the writes are not timed)
 * Skipped, saying why, when the disk is not an ext4 mount or the module
 * cannot be reloaded.
 *
 * It changes the device's size and contents (restoring the size, not the
 * contents), fault_around_bytes and the "stats" parameter (both restored);
 * for the backing-file lines it reloads the module (with the suite's
 * parameters, VMDEMO_MODPARAMS, afterwards).
 *
 * This file: the options and the order of the run.  bench.h lists the
 * others.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "bench.h"

size_t npages = 8192;			/* 32 MiB of 4 KiB pages */
int reps = 9;
size_t meta_pages = 32768;		/* 128 MiB */
int meta_reps = 3;
const char *dev_path = VMDEMO_DEVICE_PATH;
const char *tmp_dir = "/dev/shm";
bool use[NKINDS] = { true, true, true };
bool quiet;
static int nthreads_list[8];
static int nthreads_n;
static const char *json_path;
static const char *only;

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
"usage: vmdemo-bench [options]\n"
"  --pages N        pages per file for the timed lines (default 8192)\n"
"  --reps R         repetitions per line (default 9; at most %d)\n"
"  --meta-pages M   resident pages for the metadata line (default 32768)\n"
"  --threads LIST   thread counts for the scaling lines (default 1,2[,nCPU])\n"
"  --contend-threads T\n"
"                   threads reading the same pages in contend-read (default 4)\n"
"  --busy-threads N spinning threads in cold-write-busy (default: one per CPU)\n"
"  --only LIST      run only these (comma separated): cold-write,\n"
"                   cold-write-busy, warm-read, faultaround, contend-read,\n"
"                   cow-write, populate, stream-read, stream-mmap, scaling,\n"
"                   metadata, stats, major-fault, msync-dirty\n"
"  --targets LIST   measure only these of device,tmpfs,anon (default all)\n"
"  --no-anon        the same as --targets device,tmpfs\n"
"  --dev PATH       the device (default %s)\n"
"  --dir DIR        tmpfs directory for the file (default /dev/shm)\n"
"  --disk DIR       ext4 mount for the backing-file lines (default /mnt/disk)\n"
"  --json FILE      also write the results as JSON (-: JSON on stdout, table on stderr)\n"
"  --smoke          tiny sizes, 3 repetitions: a few seconds\n"
"  --quiet          no progress on stderr\n"
"Changes the device's size and contents, fault_around_bytes and the module's\n"
"stats parameter; the size and both knobs are put back at exit.  The\n"
"backing-file lines reload the module with VMDEMO_MODPARAMS plus backing=FILE\n"
"from VMDEMO_KO (the test VM sets both), and with VMDEMO_MODPARAMS after.\n",
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

/* A thread count, 1 to MAX_THREADS. */
static int parse_count(const char *s, const char *what)
{
	size_t v = parse_size(s, what);

	if (v > MAX_THREADS)
		die("%s: at most %d", what, MAX_THREADS);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pages", required_argument, NULL, 'n' },
		{ "reps", required_argument, NULL, 'r' },
		{ "meta-pages", required_argument, NULL, 'm' },
		{ "threads", required_argument, NULL, 't' },
		{ "contend-threads", required_argument, NULL, 'c' },
		{ "busy-threads", required_argument, NULL, 'b' },
		{ "only", required_argument, NULL, 'o' },
		{ "no-anon", no_argument, NULL, 'A' },
		{ "targets", required_argument, NULL, 'T' },
		{ "dev", required_argument, NULL, 'd' },
		{ "dir", required_argument, NULL, 'D' },
		{ "disk", required_argument, NULL, 'K' },
		{ "json", required_argument, NULL, 'j' },
		{ "smoke", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	size_t l;
	int c;

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
		case 'c': contend_threads = parse_count(optarg, "--contend-threads"); break;
		case 'b': busy_threads = parse_count(optarg, "--busy-threads"); break;
		case 'o': only = optarg; break;
		case 'A': use[ANON] = false; break;
		case 'T': parse_targets(optarg); break;
		case 'd': dev_path = optarg; break;
		case 'D': tmp_dir = optarg; break;
		case 'K': disk_dir = optarg; break;
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
	if (!busy_threads)
		busy_threads = ncpus < MAX_THREADS ? ncpus : MAX_THREADS;
	contend_setup();
	if (!nthreads_n) {
		nthreads_list[nthreads_n++] = 1;
		nthreads_list[nthreads_n++] = 2;
		if (ncpus > 2)
			nthreads_list[nthreads_n++] = ncpus;
	}

	open_targets();
	save_knobs();

	pin_to(0);
	say("vmdemo-bench: %zu pages x %d repetitions\n", npages, reps);
	for (l = 0; l < nlines; l++) {
		if (!selected(lines[l].key))
			continue;
		say("  %-19s", lines[l].key);
		run_series(lines[l].applies, lines[l].s, lines[l].f, lines[l].fn);
		lines[l].ran = true;
		busy_stop();
		set_fault_around(fa_saved);
		say("\n");
	}
	if (selected("scaling"))
		run_scaling(nthreads_list, nthreads_n);
	if (selected("metadata"))
		run_meta();
	if (selected("stats")) {
		if (stats_saved < 0)
			fprintf(stderr, "vmdemo-bench: warning: no %s: no statistics table\n",
				STATS_PARAM_PATH);
		else
			run_stats();
	}
	if (selected("major-fault") || selected("msync-dirty"))
		run_backing(selected("major-fault"), selected("msync-dirty"));
	set_fault_around(fa_saved);

	/* With the JSON on stdout, the table goes to stderr. */
	print_table(json_path && !strcmp(json_path, "-") ? stderr : stdout);
	if (json_path)
		write_json(json_path);
	(void)sink;
	return failures ? 1 : 0;
}
