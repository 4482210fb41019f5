/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every tour program shares: opening /dev/vmdemo, reading its
 * counters, checking what happened, catching SIGBUS and SIGSEGV.
 *
 * A demo prints what it does and checks every result it prints: each
 * check() line starts with "[ok]" or "[FAIL]", and a demo exits 1 if
 * any check failed, 0 if all passed (demo_done()).
 */
#ifndef _VMDEMO_DEMO_H
#define _VMDEMO_DEMO_H

#include <signal.h>
#include <stddef.h>

/* Fault-around off: one page per fault, so every fault reaches .fault. */
#define FAULT_AROUND_OFF	4096
/* The kernel's default: up to 16 pages of 4 KiB mapped per read fault. */
#define FAULT_AROUND_ON		65536

/* The module's statistics (debugfs is not ABI: not in the uapi header). */
#define VMDEMO_DEBUGFS_DIR	"/sys/kernel/debug/vmdemo"

/* One reading of VMDEMO_DEBUGFS_DIR/stats (or the difference of two). */
struct stats {
	long long mmaps, vma_opens, vma_closes;
	long long faults, faults_read, faults_write_shared, faults_cow;
	long long faults_sigbus, faults_oom;
	long long map_pages, map_pages_mapped, page_mkwrite;
	long long pages_resident, pages_allocated, pages_freed;
	/* With a backing file (module parameter backing=); else all 0. */
	long long faults_major, pages_read, pages_readahead, pages_written;
	long long pages_evicted, pages_dirty;
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The page size, set by demo_init(). */
extern size_t page;

/*
 * Check that we can run (root, module loaded, debugfs), turn the
 * module's statistics on and set fault_around_bytes; both are put back
 * when the program exits.  Returns an O_RDWR descriptor of the device.
 */
int demo_init(long fault_around_bytes);
void set_fault_around(long bytes);

/* Make the device SIZE bytes of zeroes, with no page in its cache. */
void device_fresh(int fd, unsigned long long size);
void device_set_size(int fd, unsigned long long size);

void stats_read(struct stats *s);
/* What happened since @before: a fresh reading minus @before. */
struct stats stats_since(const struct stats *before);

/* This process's minor page faults so far (getrusage ru_minflt). */
long minflt(void);
/* The physical page frame number that maps @addr, 0 if none. */
unsigned long long pfn(const void *addr);
/*
 * Is the page that maps @addr a file's page (pagemap's "file-page or
 * shared-anon" bit)?  1 or 0 (an anonymous page); -1 if none is mapped.
 */
int page_is_file(const void *addr);

/*
 * Is the page frame that maps @addr dirty (PG_dirty, /proc/kpageflags)?
 * 1 or 0; -1 if it cannot be told (not mapped, or no kpageflags).
 */
int page_dirty(const void *addr);

/* Read or write one byte; 0 if it worked, else SIGBUS or SIGSEGV. */
int try_read(const volatile char *addr);
int try_write(volatile char *addr, char val);
const char *signame(int sig);

/*
 * Print "[ok]   TEXT" or "[FAIL] TEXT" and remember a failure; lines
 * after a newline in TEXT are indented to match.
 */
void check(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "[ok]   NAME +GOT   WHY", or with "expected +WANT" on a mismatch. */
/*
 * The module's backing file (module parameter backing=PATH), from
 * VMDEMO_DEBUGFS_DIR/backing; NULL if it has none or predates them.
 */
const char *demo_backing(void);
/* Was the module loaded with count_closes=Y (vma_closes counted)? */
int demo_counts_closes(void);
void check_count(const char *name, long long got, long long want,
		 const char *why);
/*
 * strip.c: a picture of @npages pages (at most 64) of this process from
 * @addr, drawn by "vmdemo map --row" (the vmdemo command: VMDEMO_CMD,
 * which the tour sets, or vmdemo on the PATH), one letter per page:
 * c the mapped file's page (the device's), p a private copy, a anonymous,
 * z the zero page, . not present; upper case if dirty.  Prints it after
 * @label and returns it (until the next call); exits if vmdemo fails.
 */
const char *strip(const char *label, const void *addr, size_t npages);
/* The same picture, not printed; legend() prints what the letters mean. */
const char *map_row(const void *addr, size_t npages);
void legend(void);
/*
 * check() that picture @got is @want, upper or lower case alike (whether
 * a page is dirty depends on the kernel and the module's mode); @what says
 * what it shows.
 */
void check_strip(const char *got, const char *want, const char *what);
/* Exit status of the demo: 0 if every check passed, else 1. */
int demo_done(void);

/*
 * A demo that cannot run here (for example, it needs a module parameter)
 * exits with DEMO_SKIP after saying why and how to enable it; the tour
 * reports the step as skipped, not failed.
 */
#define DEMO_SKIP	77

/* Report a failed system call and exit 1. */
void die(const char *what) __attribute__((noreturn));

#endif /* _VMDEMO_DEMO_H */
