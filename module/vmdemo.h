/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmdemo private header: the parts of the driver and how they meet.
 *
 *   main.c   module parameters, load and unload
 *   dev.c    the misc device and its file operations
 *   vmops.c  the vm_operations_struct: fault, page_mkwrite, open, close
 *   around.c fault-around (map_pages), counting exactly what it maps
 *   store.c  the page cache that holds the bytes of the device
 *   readin.c reading its pages from the backing file, with readahead
 *   backing.c the backing file behind that cache (backing=PATH)
 *   writeback.c dirty pages, writeback and eviction with a backing file
 *   rw.c     read() and write() of those bytes
 *   stats.c  per-CPU counters, the latency histogram, debugfs
 *   trace.c  the tracepoints declared in trace.h
 */
#ifndef _VMDEMO_H
#define _VMDEMO_H

#include <linux/fs.h>
#include <linux/jump_label.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/uio.h>

/**
 * struct vmdemo_backing - the file behind the cache (module parameter backing)
 * @file: the file, opened read-write at load; NULL: the device is RAM only
 * @direct: the same file opened O_DIRECT, or NULL where its file system
 *	has no direct I/O
 */
struct vmdemo_backing {
	struct file *file;
	struct file *direct;
};

/*
 * Most pages one I/O of the backing file moves: a fault's page and its
 * readahead, or a run of dirty pages.
 */
#define VMDEMO_MAX_READ		32U

/**
 * struct vmdemo_store - the bytes of the device
 * @inode: anonymous inode whose page cache holds the pages; its i_size is
 *	the size of the device
 * @mapping: @inode's address_space, which every open file's f_mapping
 *	points at
 * @backing: the backing file, if the module was loaded with one
 * @max_size: largest size the device may be given
 * @base_size: the size it was loaded with; growing past it takes
 *	CAP_SYS_ADMIN, so that whoever may open the device cannot make it
 *	hold more memory than the administrator chose
 */
struct vmdemo_store {
	struct inode *inode;
	struct address_space *mapping;
	struct vmdemo_backing backing;
	loff_t max_size;
	loff_t base_size;
};

/**
 * struct vmdemo_device - the one /dev/vmdemo
 * @misc: the misc character device
 * @store: its contents
 */
struct vmdemo_device {
	struct miscdevice misc;
	struct vmdemo_store store;
};

/* store.c */
int vmdemo_store_init(struct vmdemo_store *store, loff_t size,
		      loff_t max_size);
void vmdemo_store_exit(struct vmdemo_store *store);
void vmdemo_free_folio(struct folio *folio);
/* vmdemo_store_get_folio() flags */
#define VMDEMO_GET_FAULT	BIT(0)	/* a page fault: read ahead */
#define VMDEMO_GET_DATA		BIT(1)	/* the caller found data there: no hole check */
int vmdemo_store_get_folio(struct vmdemo_store *store, pgoff_t index,
			   unsigned int flags, struct folio **foliop);
unsigned int vmdemo_store_readahead_pages(void);
int vmdemo_store_read_in(struct vmdemo_store *store, struct folio *folio,
			 unsigned int flags);
int vmdemo_store_set_size(struct vmdemo_store *store, loff_t size,
			  bool may_grow);
int vmdemo_store_punch_hole(struct vmdemo_store *store, u64 offset,
			    u64 length);
ssize_t vmdemo_store_read(struct vmdemo_store *store, struct kiocb *iocb,
			  struct iov_iter *to);
ssize_t vmdemo_store_write(struct vmdemo_store *store, struct kiocb *iocb,
			   struct iov_iter *from);

/* backing.c */
int vmdemo_backing_open(struct vmdemo_backing *b, const char *path,
			loff_t *size, bool size_given);
void vmdemo_backing_close(struct vmdemo_backing *b);
loff_t vmdemo_backing_max_size(struct vmdemo_backing *b);
int vmdemo_backing_hole(struct vmdemo_backing *b, loff_t pos);
ssize_t vmdemo_backing_read(struct vmdemo_backing *b, struct folio **folios,
			    unsigned int nr, loff_t pos, size_t len);
int vmdemo_backing_write(struct vmdemo_backing *b, struct folio **folios,
			 unsigned int nr, loff_t pos, size_t len);
int vmdemo_backing_resize(struct vmdemo_backing *b, loff_t size);
int vmdemo_backing_grow(struct vmdemo_backing *b, loff_t old, loff_t size);
int vmdemo_backing_punch(struct vmdemo_backing *b, loff_t pos, u64 len);
int vmdemo_backing_sync(struct vmdemo_backing *b, loff_t start, loff_t end,
			int datasync);

/* writeback.c */
extern const struct address_space_operations vmdemo_backed_aops;
unsigned long vmdemo_store_dirty_pages(struct vmdemo_store *store);
int vmdemo_store_evict(struct vmdemo_store *store, struct file *file,
		       u64 offset, u64 length);

/**
 * vmdemo_store_backed() - does the store have a backing file?
 * @store: the store
 *
 * Return: true if the module was loaded with backing=PATH.
 */
static inline bool vmdemo_store_backed(const struct vmdemo_store *store)
{
	return store->backing.file;
}

/**
 * vmdemo_store_size() - the size of the device in bytes
 * @store: the store
 *
 * Return: the current size; it may change as soon as this returns.
 */
static inline loff_t vmdemo_store_size(const struct vmdemo_store *store)
{
	return i_size_read(store->inode);
}

/**
 * vmdemo_store_pages() - pages that hold at least one byte of the device
 * @store: the store
 *
 * Return: the size in pages, rounded up; it may change as soon as this
 * returns.
 */
static inline pgoff_t vmdemo_store_pages(const struct vmdemo_store *store)
{
	return DIV_ROUND_UP(vmdemo_store_size(store), PAGE_SIZE);
}

/**
 * vmdemo_store_resident() - pages in the store's cache now
 * @store: the store
 *
 * Return: the page count the page cache itself keeps.
 */
static inline unsigned long vmdemo_store_resident(const struct vmdemo_store *store)
{
	return READ_ONCE(store->mapping->nrpages);
}

/* vmops.c */
void vmdemo_vma_init(struct vm_area_struct *vma, struct vmdemo_store *store);

/* around.c */
vm_fault_t vmdemo_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff,
			    pgoff_t end_pgoff);

/* dev.c */
int vmdemo_dev_register(struct vmdemo_device *vdev, umode_t mode);
void vmdemo_file_modified(struct file *file);
void vmdemo_dev_deregister(struct vmdemo_device *vdev);

/* stats.c */

/* The counters, in the order debugfs prints them. */
enum vmdemo_stat {
	VMDEMO_STAT_MMAPS,
	VMDEMO_STAT_VMA_OPENS,
	VMDEMO_STAT_VMA_CLOSES,
	VMDEMO_STAT_FAULTS,
	VMDEMO_STAT_FAULTS_READ,
	VMDEMO_STAT_FAULTS_WRITE_SHARED,
	VMDEMO_STAT_FAULTS_COW,
	VMDEMO_STAT_FAULTS_SIGBUS,
	VMDEMO_STAT_FAULTS_OOM,
	VMDEMO_STAT_MAP_PAGES,
	VMDEMO_STAT_MAP_PAGES_MAPPED,
	VMDEMO_STAT_PAGE_MKWRITE,
	VMDEMO_STAT_PAGES_ALLOCATED,
	VMDEMO_STAT_PAGES_FREED,
	VMDEMO_STAT_FAULTS_MAJOR,
	VMDEMO_STAT_PAGES_READ,
	VMDEMO_STAT_PAGES_READAHEAD,
	VMDEMO_STAT_PAGES_WRITTEN,
	VMDEMO_STAT_PAGES_EVICTED,
	VMDEMO_NR_STATS
};

/* Bucket 0 holds 0 ns; bucket b > 0 holds [2^(b-1), 2^b - 1] ns. */
#define VMDEMO_LATENCY_BUCKETS	(BITS_PER_LONG_LONG + 1)

/**
 * struct vmdemo_pcpu_stats - one CPU's share of the statistics
 * @count: event counters, indexed by enum vmdemo_stat
 * @latency: .fault service times, one counter per power-of-two bucket
 *
 * Each CPU only ever adds to its own copy, with this_cpu_*() operations,
 * so a fault never writes a cache line another CPU writes; readers sum
 * the copies.
 */
struct vmdemo_pcpu_stats {
	unsigned long count[VMDEMO_NR_STATS];
	unsigned long latency[VMDEMO_LATENCY_BUCKETS];
};

DECLARE_PER_CPU(struct vmdemo_pcpu_stats, vmdemo_pcpu_stats);
DECLARE_STATIC_KEY_TRUE(vmdemo_stats_on);
DECLARE_STATIC_KEY_FALSE(vmdemo_latency_on);

void vmdemo_stats_init(struct vmdemo_store *store);
void vmdemo_stats_exit(void);

/**
 * vmdemo_stats_enabled() - are fault statistics being collected?
 *
 * Return: the state of the module parameter "stats".
 */
static inline bool vmdemo_stats_enabled(void)
{
	return static_branch_likely(&vmdemo_stats_on);
}

/**
 * vmdemo_count() - add to an event counter
 * @item: the counter
 * @n: how much to add
 *
 * Costs one per-CPU add while statistics are on, a patched-out branch
 * while they are off (module parameter "stats").
 */
static inline void vmdemo_count(enum vmdemo_stat item, unsigned long n)
{
	if (vmdemo_stats_enabled())
		this_cpu_add(vmdemo_pcpu_stats.count[item], n);
}

/**
 * vmdemo_page_count() - count pages entering or leaving the cache
 * @item: VMDEMO_STAT_PAGES_ALLOCATED or VMDEMO_STAT_PAGES_FREED
 * @n: number of pages
 *
 * Always counted, whatever the "stats" parameter says, so that
 * pages_allocated - pages_freed equals pages_resident whenever no page is
 * entering or leaving the cache, counting from an empty device and the
 * last reset before it (a reset zeroes the totals, not the pages).  The
 * counters are summed one CPU at a time, so a reading taken while pages
 * come and go, or while a fault adds to two counters, may see one
 * counter's add and not the other's.
 */
static inline void vmdemo_page_count(enum vmdemo_stat item, unsigned long n)
{
	this_cpu_add(vmdemo_pcpu_stats.count[item], n);
}

/**
 * vmdemo_clock() - start timing a fault
 *
 * Return: a local_clock() timestamp while the module parameters stats and
 * latency are both on, else 0 (and then nothing reads the clock).
 */
static inline u64 vmdemo_clock(void)
{
	if (static_branch_unlikely(&vmdemo_latency_on) &&
	    vmdemo_stats_enabled())
		return local_clock();
	return 0;
}

/**
 * vmdemo_count_latency() - record how long a fault took
 * @start: what vmdemo_clock() returned when the fault began
 */
static inline void vmdemo_count_latency(u64 start)
{
	u64 ns;

	/* A fault that began while timing was off is not timed. */
	if (!start)
		return;
	ns = local_clock() - start;
	/* local_clock() of two CPUs may disagree if the task migrated. */
	if ((s64)ns < 0)
		ns = 0;
	this_cpu_inc(vmdemo_pcpu_stats.latency[fls64(ns)]);
}

#endif /* _VMDEMO_H */
