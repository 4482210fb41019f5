/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmdemo-bench: what its files share.  The method and the lines measured
 * are described in main.c.
 *
 *   main.c        options, the order of the run, the exit status
 *   knobs.c       messages; fault_around_bytes and the stats parameter,
 *                 put back however the program ends
 *   targets.c     the memories (device, tmpfs file, anonymous): opening,
 *                 resizing, filling with the pattern, mapping, checksums
 *   series.c      timing, fault counts and the statistics of the samples;
 *                 the repetitions of one line on each memory
 *   lines.c       the single-threaded lines of the main table
 *   threads.c     cold faults from several threads (scaling)
 *   contend.c     threads faulting the same pages with fault-around
 *   busy.c        cold faults while every CPU spins
 *   meta.c        slab memory per resident page
 *   statsparam.c  the device's faulting lines with stats=Y and stats=N
 *   backing.c     the device with a backing file against an ext4 file:
 *                 the module reloaded with backing=, and back
 *   bklines.c     its lines: major faults, msync of dirty pages
 *   reload.c      unloading and loading the module with other parameters
 *   table.c       the table (text)
 *   json.c        the same results as JSON
 */
#ifndef _VMDEMO_BENCH_H
#define _VMDEMO_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FAULT_AROUND_PATH	"/sys/kernel/debug/fault_around_bytes"
#define STATS_PARAM_PATH	"/sys/module/vmdemo/parameters/stats"
#define VMDEMO_STATS_PATH	"/sys/kernel/debug/vmdemo/stats"
#define VMDEMO_BACKING_INFO_PATH "/sys/kernel/debug/vmdemo/backing"
#define MAX_REPS		64
#define MAX_THREADS		64
#define STREAM_CHUNK		(128 << 10)
#define PATTERN_MUL		0x9e3779b97f4a7c15ULL
#define PATTERN_SEED		0x5eed0000cafef00dULL
#define CONTEND_ROUNDS		4

enum kind { DEV, TMPFS, ANON, NKINDS };
extern const char *const kind_name[NKINDS];

/* The samples of one line on one memory. */
struct series {
	double v[MAX_REPS];
	int n;
};

/* A line of the main table: ns per page and faults per page. */
struct line {
	const char *key, *title;
	double (*fn)(enum kind k);
	bool applies[NKINDS];
	struct series s[NKINDS], f[NKINDS];
	bool ran;
};

/* A row of the scaling table: cold faults from nt threads. */
struct scale_row {
	int nt;
	struct series s[NKINDS], f[NKINDS];
};

/* The columns of the statistics table. */
enum { SY, SN, STMP, NSCOL };

struct stats_line {
	const char *key, *title;
	double (*fn)(enum kind k);
	struct series s[NSCOL];
};

/* Slab bytes per resident page, by objects in use and by slab pages held. */
struct meta {
	struct series radix_obj, radix_mem, all_obj, all_mem;
	char top[64];
};

/* The two files of the backing-file lines. */
enum side { BK_DEV, BK_EXT4, NSIDES };
extern const char *const side_name[NSIDES];

/* What a backing-file sample counts, per page. */
enum bcount {
	BC_MAJFLT, BC_MINFLT,			/* getrusage, both files */
	BC_FAULTS_MAJOR, BC_PAGES_READ,		/* the module's counters */
	BC_READAHEAD, BC_DIRTY, BC_WRITTEN,
	NBC
};
extern const char *const bcount_name[NBC];

/* A line of the backing-file table: ns per page, counts per page. */
struct bk_line {
	const char *key, *title;
	double (*fn)(enum side sd);
	struct series s[NSIDES];
	struct series c[NSIDES][NBC];		/* n = 0: does not apply */
	bool ran;
};

/* main.c: the options */
extern size_t npages;
extern int reps;
extern size_t meta_pages;
extern int meta_reps;
extern const char *dev_path;
extern const char *tmp_dir;
extern bool use[NKINDS];
extern bool quiet;

/* knobs.c */
extern long fa_saved;
extern int stats_saved;
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int write_str(const char *path, const char *s);
void set_fault_around(long bytes);
void set_stats(int on);
void knobs_reloaded(void);
void save_knobs(void);

/* targets.c */
extern size_t ps;
extern size_t wpp;
extern int ncpus;
extern int fd_of[NKINDS];
extern bool patterned[NKINDS];
extern volatile uint64_t sink;
extern int failures;
void open_targets(void);
void restore_size(void);
void pin_to(int cpu);
void resize(enum kind k, size_t bytes);
void make_empty(enum kind k, size_t pages);
uint64_t pattern_sum_all(uint64_t n);
uint64_t pattern_sum_first(uint64_t n);
void make_patterned(enum kind k);
void check(bool ok, const char *what, enum kind k);
void *map(enum kind k, size_t pages, int prot, int flags);
uint64_t sum_first_words(const volatile uint64_t *p, size_t pages);
uint64_t sum_words(const uint64_t *p, size_t words);

static inline uint64_t pattern_word(uint64_t w)
{
	return w * PATTERN_MUL + PATTERN_SEED;
}

/* series.c */
extern size_t sample_pages;
double now_ns(void);
double quantile(const struct series *s, double q);
double median(const struct series *s);
double smin(const struct series *s);
double smax(const struct series *s);
struct series ratios(const struct series *a, const struct series *b);
void run_series(const bool applies[NKINDS], struct series s[NKINDS],
		struct series f[NKINDS], double (*fn)(enum kind k));

/* lines.c */
extern struct line lines[];
extern const size_t nlines;
struct line *find_line(const char *key);
double m_cold_write(enum kind k);
double m_warm_read(enum kind k);
double m_faultaround(enum kind k);
double m_cow_write(enum kind k);
double m_populate(enum kind k);
double m_stream_mmap(enum kind k);

/* threads.c */
extern struct scale_row scale_rows[8];
extern int nscale;
void run_scaling(const int *nthreads, int n);

/* contend.c */
extern int contend_threads;
extern char contend_title[40];
void contend_setup(void);
double m_contend_read(enum kind k);

/* busy.c */
extern int busy_threads;
void busy_stop(void);
double m_cold_write_busy(enum kind k);

/* meta.c */
extern struct meta meta[NKINDS];
extern bool meta_ran;
void run_meta(void);

/* statsparam.c */
extern struct stats_line stats_lines[];
extern const size_t nstats;
extern bool stats_ran;
void run_stats(void);

/* reload.c */
const char *reload_setup(const char *backing_file);
const char *reload_backed_params(void);
int reload_backed(void);
int reload_suite(void);

/* backing.c */
extern struct bk_line bk_lines[];
extern const size_t nbk;
extern const char *disk_dir;
extern bool bk_ran;
extern char bk_skipped[256];
extern char bk_path[512];
extern char bk_io[32];
extern int bk_readahead;
extern int ext4_ra_kb;
void run_backing(bool major, bool msync);
int backing_restore(void);

/* bklines.c */
extern int bk_fd[NSIDES];
extern int bk_file_fd;
extern void *volatile bk_map;
extern double bk_count[NBC];
double m_major_fault(enum side sd);
double m_msync_dirty(enum side sd);

/* table.c */
bool under_tcg(void);
void print_table(FILE *out);

/* json.c */
void write_json(const char *path);

#endif /* _VMDEMO_BENCH_H */
