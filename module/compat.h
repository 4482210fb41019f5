/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions vmdemo builds against, kept in
 * one place so that the rest of the driver reads like mainline code.
 */
#ifndef _VMDEMO_COMPAT_H
#define _VMDEMO_COMPAT_H

#include <linux/build_bug.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/percpu_counter.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/writeback.h>

/*
 * What differs is detected by Kbuild from the headers of the kernel being
 * built against (see module/Kbuild), not guessed from version numbers:
 *
 *   VMDEMO_HAVE_COPY_FOLIO_FROM_ITER_ATOMIC
 *	copy_folio_from_iter_atomic() exists (6.12 on; copy_page_from_iter_
 *	atomic() is gone by 7.x).
 *   VMDEMO_HAVE_COPY_SPLICE_READ
 *	copy_splice_read() exists (6.5 on); before, generic_file_splice_read()
 *	did the same through ->read_iter.
 *   VMDEMO_HAVE_FILEMAP_ALLOC_FOLIO_POLICY
 *	filemap_alloc_folio() takes a NUMA memory policy (7.x).
 *   VMDEMO_HAVE_MM_RSS_PERCPU, VMDEMO_HAVE_TASK_RSS_STAT
 *	how the mm's RSS counters are kept (see vmdemo_rss_begin() below).
 *   VMDEMO_HAVE_WRITEBACK_ITER
 *	writeback_iter() exists (6.10 on; write_cache_pages() is gone in 7.x).
 *   VMDEMO_HAVE_MM_GET_UNMAPPED_AREA_MM, VMDEMO_HAVE_MM_GET_UNMAPPED_AREA
 *	the default address-space allocator is mm_get_unmapped_area(mm, file,
 *	...) (6.10 on), then mm_get_unmapped_area(file, ...); before that it
 *	was the mm's get_unmapped_area method.
 */

/*
 * Until 6.3, __filemap_get_folio() returned NULL for a missing folio; from
 * 6.3 it returns ERR_PTR(-ENOENT).  Without FGP_CREAT both mean the same,
 * so fold them into NULL.  (The flags are passed straight through, so that
 * they keep the type the kernel gives them: int, or fgf_t from 6.6.)
 */
static inline struct folio *vmdemo_folio_or_null(struct folio *folio)
{
	return IS_ERR_OR_NULL(folio) ? NULL : folio;
}

/**
 * vmdemo_find_folio() - look up a folio in a page cache, lock-free
 * @mapping: the address_space to search
 * @index: page index
 *
 * Return: the folio with a reference held, or NULL.
 */
static inline struct folio *vmdemo_find_folio(struct address_space *mapping,
					      pgoff_t index)
{
	return vmdemo_folio_or_null(__filemap_get_folio(mapping, index, 0, 0));
}

/**
 * vmdemo_lock_folio() - look up a folio and lock it
 * @mapping: the address_space to search
 * @index: page index
 *
 * The lookup is lock-free; once the folio is locked, folio->mapping is
 * checked again, so a folio truncated meanwhile is never returned.
 *
 * Return: the folio, locked, with a reference held, or NULL.
 */
static inline struct folio *vmdemo_lock_folio(struct address_space *mapping,
					      pgoff_t index)
{
	return vmdemo_folio_or_null(__filemap_get_folio(mapping, index,
							FGP_LOCK, 0));
}

/**
 * vmdemo_alloc_folio() - allocate a page for the page cache
 * @gfp: allocation flags
 *
 * An order-0 filemap_alloc_folio(), which spreads page cache pages over
 * a cpuset's nodes when the cpuset asks for it; no memory policy of a
 * mapping applies (the kernel's own default where it takes one).
 *
 * Return: the folio, or NULL.
 */
static inline struct folio *vmdemo_alloc_folio(gfp_t gfp)
{
#ifdef VMDEMO_HAVE_FILEMAP_ALLOC_FOLIO_POLICY
	return filemap_alloc_folio(gfp, 0, NULL);
#else
	return filemap_alloc_folio(gfp, 0);
#endif
}

/*
 * splice() and sendfile() read the device through ->read_iter.  From 6.5
 * (copy_splice_read()) the bytes are copied into the pipe's own pages;
 * before, generic_file_splice_read() put a reference to the device's page
 * itself into the pipe, so that a later write to the page shows through
 * to the pipe's reader, as it does for a tmpfs file on those kernels.
 * copy_file_range() never gets here: the VFS refuses it (EINVAL) unless
 * both files are regular files.
 */
#ifdef VMDEMO_HAVE_COPY_SPLICE_READ
#define vmdemo_splice_read	copy_splice_read
#else
#define vmdemo_splice_read	generic_file_splice_read
#endif

/**
 * vmdemo_trylock_folio() - look up a folio and lock it, without sleeping
 * @mapping: the address_space to search
 * @index: page index
 *
 * Return: the folio, locked, with a reference held; NULL if it is not
 * there or its lock is taken.
 */
static inline struct folio *vmdemo_trylock_folio(struct address_space *mapping,
						 pgoff_t index)
{
	return vmdemo_folio_or_null(__filemap_get_folio(mapping, index,
							FGP_LOCK | FGP_NOWAIT,
							0));
}

/*
 * A memory error in a page of the cache (memory_failure()).  Returning 0
 * keeps the page where it is: removing it would turn its bytes into a
 * hole that reads back as zeroes.  memory_failure() has marked it
 * poisoned and unmapped it; faults on it then raise SIGBUS (the core mm
 * checks), and read() and write() fail with EIO (store.c).
 *
 * This is what shmem does too, but memory_failure() expects only shmem
 * to keep such a page (it asks shmem_mapping() by name): for this cache
 * it sees the cache's reference as one too many and reports the recovery
 * as "Failed".  madvise(MADV_HWPOISON) then fails with EBUSY on 6.1, and
 * on later kernels the process that injected the error gets SIGBUS; a
 * real machine check logs the page as not recovered.  The page is kept
 * all the same.  The method changed from a page to a folio in 6.8.
 */
#ifdef VMDEMO_HAVE_ERROR_REMOVE_FOLIO
static inline int vmdemo_keep_poisoned(struct address_space *mapping,
				       struct folio *folio)
{
	return 0;
}

#define VMDEMO_AOPS_ERROR_REMOVE	.error_remove_folio = vmdemo_keep_poisoned
/* With a backing file, the file still has the bytes: drop the page. */
#define VMDEMO_AOPS_ERROR_DROP	.error_remove_folio = generic_error_remove_folio
#else
static inline int vmdemo_keep_poisoned(struct address_space *mapping,
				       struct page *page)
{
	return 0;
}

#define VMDEMO_AOPS_ERROR_REMOVE	.error_remove_page = vmdemo_keep_poisoned
#define VMDEMO_AOPS_ERROR_DROP	.error_remove_page = generic_error_remove_page
#endif

/**
 * vmdemo_copy_from_iter_atomic() - copy into a page cache page, no faults
 * @folio: destination folio (order 0 in vmdemo)
 * @offset: byte offset in @folio
 * @bytes: how many bytes
 * @from: source
 *
 * Return: bytes copied; fewer if the source faulted.
 */
static inline size_t vmdemo_copy_from_iter_atomic(struct folio *folio,
						  size_t offset, size_t bytes,
						  struct iov_iter *from)
{
#ifdef VMDEMO_HAVE_COPY_FOLIO_FROM_ITER_ATOMIC
	return copy_folio_from_iter_atomic(folio, offset, bytes, from);
#else
	return copy_page_from_iter_atomic(&folio->page, offset, bytes, from);
#endif
}

/**
 * vmdemo_default_unmapped_area() - the address the kernel would choose
 * @file: the file being mapped
 * @addr: hint, or the address for MAP_FIXED
 * @len: length of the mapping
 * @pgoff: offset in the file, in pages
 * @flags: MAP_* flags
 *
 * What get_unmapped_area() does for a file without a get_unmapped_area
 * method of its own.
 *
 * Return: the address, or a negative errno cast to unsigned long.
 */
static inline unsigned long
vmdemo_default_unmapped_area(struct file *file, unsigned long addr,
			     unsigned long len, unsigned long pgoff,
			     unsigned long flags)
{
#if defined(VMDEMO_HAVE_MM_GET_UNMAPPED_AREA)
	return mm_get_unmapped_area(file, addr, len, pgoff, flags);
#elif defined(VMDEMO_HAVE_MM_GET_UNMAPPED_AREA_MM)
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#else
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
#endif
}

/*
 * How many pages one filemap_map_pages() call mapped.  It does not say;
 * it only adds them to the mm's file-page RSS counter (MM_FILEPAGES for
 * a page cache page that is not swap-backed, as the device's are).  What
 * is relied on, for each layout (see around.c for the sanity checks and
 * the fallback):
 *
 *   VMDEMO_HAVE_MM_RSS_PERCPU (6.2 on): mm->rss_stat[] are percpu_counters
 *	and filemap_map_pages() adds its count with one percpu_counter_add()
 *	at the end.  With preemption off, this CPU's slot changes by exactly
 *	that, unless the add folds the slot into the total, which it does
 *	when the slot would reach percpu_counter_batch.  The batch is never
 *	below VMDEMO_RSS_MIN_BATCH (lib/percpu_counter.c: at least 32, more
 *	with many CPUs, recomputed when a CPU goes away, so it may shrink
 *	under us): the slot is folded first (percpu_counter_sync()) whenever
 *	it could reach that minimum, so no fold can happen inside the call,
 *	and a window of that size or more is not measured.  No interrupt
 *	handler changes an mm's RSS, and no other CPU writes this slot.  Not
 *	on PREEMPT_RT, where the page table lock sleeps and preemption may
 *	not be off around it.
 *   VMDEMO_HAVE_TASK_RSS_STAT with SPLIT_RSS_COUNTING (6.1): the pages go
 *	to current->rss_stat, a cache private to the task, when the mm is
 *	current's own; it is folded into the mm only at the start of a fault
 *	and by the task itself.  A fault in another process's mm (GUP through
 *	/proc/PID/mem, process_vm_readv()) is not measured.
 *
 * vmdemo_rss_begin() returns false when the call cannot be measured;
 * otherwise vmdemo_rss_end() must follow, on the same task, with nothing
 * in between but the one filemap_map_pages() call.
 */
#if defined(VMDEMO_HAVE_MM_RSS_PERCPU) && !defined(CONFIG_PREEMPT_RT)
#define VMDEMO_RSS_MIN_BATCH	32

static inline bool vmdemo_rss_begin(struct vm_area_struct *vma,
				    unsigned long window, long *start)
{
	struct percpu_counter *fbc = &vma->vm_mm->rss_stat[MM_FILEPAGES];

	/* The sanity check of what the kernel's batch is today. */
	if (window >= VMDEMO_RSS_MIN_BATCH ||
	    READ_ONCE(percpu_counter_batch) < VMDEMO_RSS_MIN_BATCH)
		return false;
	preempt_disable();
	if (abs(this_cpu_read(*fbc->counters)) + window >= VMDEMO_RSS_MIN_BATCH)
		percpu_counter_sync(fbc);
	*start = this_cpu_read(*fbc->counters);
	return true;
}

static inline long vmdemo_rss_end(struct vm_area_struct *vma, long start)
{
	struct percpu_counter *fbc = &vma->vm_mm->rss_stat[MM_FILEPAGES];
	long delta = this_cpu_read(*fbc->counters) - start;

	preempt_enable();
	return delta;
}
#elif defined(VMDEMO_HAVE_TASK_RSS_STAT) && defined(SPLIT_RSS_COUNTING)
static inline bool vmdemo_rss_begin(struct vm_area_struct *vma,
				    unsigned long window, long *start)
{
	if (current->mm != vma->vm_mm)
		return false;
	*start = current->rss_stat.count[MM_FILEPAGES];
	return true;
}

static inline long vmdemo_rss_end(struct vm_area_struct *vma, long start)
{
	return current->rss_stat.count[MM_FILEPAGES] - start;
}
#else
static inline bool vmdemo_rss_begin(struct vm_area_struct *vma,
				    unsigned long window, long *start)
{
	return false;
}

static inline long vmdemo_rss_end(struct vm_area_struct *vma, long start)
{
	return 0;
}
#endif

/*
 * Writing back a mapping's dirty pages one by one: writeback_iter() from
 * 6.10 on (write_cache_pages() is gone by 7.x); before, write_cache_pages()
 * with a callback that took a struct page.  Each callback gets the folio
 * locked, its dirty bit cleared and its mappings write-protected.
 */
typedef int (*vmdemo_write_folio_t)(struct folio *folio,
				    struct writeback_control *wbc, void *data);

#ifdef VMDEMO_HAVE_WRITEBACK_ITER
static inline int vmdemo_write_cache_pages(struct address_space *mapping,
					   struct writeback_control *wbc,
					   vmdemo_write_folio_t write,
					   void *data)
{
	struct folio *folio = NULL;
	int err = 0;

	while ((folio = writeback_iter(mapping, wbc, folio, &err)))
		err = write(folio, wbc, data);
	return err;
}
#else
struct vmdemo_write_cache {
	vmdemo_write_folio_t write;
	void *data;
};

static inline int vmdemo_write_cache_page(struct page *page,
					  struct writeback_control *wbc,
					  void *data)
{
	struct vmdemo_write_cache *wc = data;

	return wc->write(page_folio(page), wbc, wc->data);
}

static inline int vmdemo_write_cache_pages(struct address_space *mapping,
					   struct writeback_control *wbc,
					   vmdemo_write_folio_t write,
					   void *data)
{
	struct vmdemo_write_cache wc = { .write = write, .data = data };

	return write_cache_pages(mapping, wbc, vmdemo_write_cache_page, &wc);
}
#endif

#endif /* _VMDEMO_COMPAT_H */
