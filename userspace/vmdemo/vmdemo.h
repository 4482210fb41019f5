/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmdemo command: what its files share.
 *
 *   main.c        the subcommand table, global help
 *   util.c        error messages, sizes, small file helpers
 *   module.c      load and unload, through libkmod
 *   device.c      info, resize, punch: the device's ioctls
 *   backing.c     the backing file: info's lines about it, evict, sync
 *   counters.c    reading the debugfs statistics; reset
 *   stat.c        the stat subcommand
 *   hist.c        the hist subcommand
 *   map.c         the map subcommand: draws a mapping page by page
 *   map_draw.c    map's output, as text or JSON (map.h: what the two share)
 *   pagemap.c     reading /proc/PID/maps, /proc/PID/pagemap, /proc/kpageflags
 *   tour.c        the tour runner
 *   tour_steps.c  what the tour says about each step
 *   trace_fault.c the trace-fault subcommand: function-graph trace of a fault
 */
#ifndef _VMDEMO_CMD_H
#define _VMDEMO_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit statuses. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define MODULE_NAME		"vmdemo"
#define SYSFS_MODULE_DIR	"/sys/module/vmdemo"
#define STATS_PARAM_PATH	SYSFS_MODULE_DIR "/parameters/stats"
#define LATENCY_PARAM_PATH	SYSFS_MODULE_DIR "/parameters/latency"
#define FAULT_AROUND_PATH	"/sys/kernel/debug/fault_around_bytes"
/* The module's statistics; debugfs is not ABI, so not in the uapi header. */
#define VMDEMO_DEBUGFS_DIR	"/sys/kernel/debug/vmdemo"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* util.c */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int wants_help(int argc, char **argv);
int parse_size(const char *s, unsigned long long *val);
int parse_size_arg(const char *cmd, const char *what, const char *s,
		   unsigned long long *val);
int parse_range_args(const char *cmd, char **args, unsigned long long *off,
		     unsigned long long *len);
const char *human_size(unsigned long long bytes, char *buf, size_t len);
int read_text(const char *path, char *buf, size_t len);
int write_text(const char *path, const char *text);
int module_loaded(void);
int device_open(int flags);
int debugfs_open(const char *name);
/* This program's path (/proc/self/exe), "" if unknown; and its directory. */
const char *self_exe(void);
const char *self_dir(void);

/* module.c */
int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
void explain_users(void);

/* device.c */
int cmd_info(int argc, char **argv);
int cmd_resize(int argc, char **argv);
int cmd_punch(int argc, char **argv);

/* backing.c */
struct backing {
	char path[256];
	char io[16];		/* "direct", "buffered", or "" if not told */
	long readahead;		/* pages; -1 if not told */
};

int backing_read(struct backing *b);
void backing_print_info(void);
int cmd_evict(int argc, char **argv);
int cmd_sync(int argc, char **argv);

/* counters.c */
#define MAX_COUNTERS	64

struct counter {
	char name[48];
	long long value;
};

/* One reading of the stats file, in its order. */
struct counters {
	int n;
	struct counter c[MAX_COUNTERS];
};

int counters_read(struct counters *cs);
long long counter_value(const struct counters *cs, const char *name);
const char *counter_help(const char *name);
int counter_is_gauge(const char *name);
int cmd_reset(int argc, char **argv);

/* stat.c, hist.c */
int cmd_stat(int argc, char **argv);
int cmd_hist(int argc, char **argv);

/* map.c */
int cmd_map(int argc, char **argv);

/* pagemap.c */
#define PATH_LEN	256

/* One line of /proc/PID/maps. */
struct vma_info {
	unsigned long start, end;
	unsigned long long offset, inode;
	char perms[5];
	char path[PATH_LEN];	/* "" for anonymous memory */
	int index;		/* line number, from 1 */
};

/* What a page of a mapping is, from pagemap and kpageflags. */
enum cell_class {
	CELL_NONE,	/* not present */
	CELL_CACHE,	/* a page of the mapped file's page cache */
	CELL_PRIVATE,	/* an anonymous page in a file mapping: a private copy */
	CELL_ANON,	/* an anonymous page in anonymous memory */
	CELL_ZERO,	/* the shared zero page */
	CELL_SWAP,	/* swapped out */
	CELL_OTHER,	/* a frame that is no page cache or anonymous page */
	NR_CELL_CLASSES
};

struct cell {
	unsigned long addr;
	uint64_t pfn;		/* 0: not present, or hidden */
	unsigned char class;	/* enum cell_class */
	signed char dirty;	/* kpageflags' KPF_DIRTY; -1: not known */
	signed char exclusive;	/* pagemap: mapped only here */
	signed char shared;	/* the --with process maps the frame; -1: not asked */
};

struct pagemap {
	pid_t pid;
	int fd;			/* /proc/PID/pagemap */
	int kpf, kpf_errno;	/* /proc/kpageflags, or -1 and why not */
	int pfns_hidden;	/* a present page had frame number 0 */
	int kpf_used;		/* kpageflags were read for some page */
};

/* The frames a process maps, sorted. */
struct frames {
	uint64_t *pfn;
	size_t n;
};

size_t page_size(void);
int maps_read(pid_t pid, struct vma_info **vmas, int *n);
int vma_is_device(const struct vma_info *v);
int vma_is_file(const struct vma_info *v);
int pagemap_open(pid_t pid, struct pagemap *pm);
void pagemap_close(struct pagemap *pm);
int pagemap_cells(struct pagemap *pm, const struct vma_info *v,
		  unsigned long start, unsigned long end, struct cell *cells);
int frames_read(pid_t pid, struct frames *fr);
int frames_has(const struct frames *fr, uint64_t pfn);

/* tour.c */
int cmd_tour(int argc, char **argv);

/* tour_steps.c */
struct tour_step {
	const char *name;	/* program: vmdemo-demo-NN-NAME */
	const char *title;
	long fault_around;	/* fault_around_bytes the step starts with */
	const char *note;	/* about fault-around in this step, or NULL */
	const char *intro;	/* printed before the program runs */
	const char *meaning;	/* printed after it passed */
	const char *path;	/* its branches of the fault path (man page) */
};

extern const struct tour_step tour_steps[];
extern const int tour_nsteps;

/* trace_fault.c */
int cmd_trace_fault(int argc, char **argv);

#endif /* _VMDEMO_CMD_H */
