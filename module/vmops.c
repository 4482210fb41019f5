// SPDX-License-Identifier: GPL-2.0
/*
 * The vm operations: how pages of /dev/vmdemo reach user page tables.
 *
 * The driver never installs a page table entry itself.  .fault hands the
 * core mm a locked page of the cache and the core mm maps it (read fault,
 * shared write fault) or copies it (write fault in a private mapping:
 * do_cow_fault()).  A later write to a page that a private mapping already
 * maps read-only is copied by do_wp_page() without calling the driver at
 * all; the same write in a shared mapping calls .page_mkwrite.  Fault-around
 * (.map_pages) maps neighbouring resident pages through filemap_map_pages().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>

#include "compat.h"
#include "trace.h"
#include "vmdemo.h"

static struct vmdemo_store *vmdemo_vma_store(struct vm_area_struct *vma)
{
	return vma->vm_private_data;
}

static vm_fault_t vmdemo_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	/* MAP_SHARED, even of a read-only file, which clears VM_SHARED. */
	bool shared = vma->vm_flags & VM_MAYSHARE;
	u64 start = vmdemo_clock();
	struct folio *folio;
	vm_fault_t ret;
	int err;

	err = vmdemo_store_get_folio(vmdemo_vma_store(vma), vmf->pgoff,
				     VMDEMO_GET_FAULT, &folio);
	if (err >= 0) {
		/*
		 * The cache keeps its own reference; the one we return here
		 * belongs to the core mm, which drops it after mapping the
		 * page (or copying it, for a private write).
		 */
		vmf->page = folio_file_page(folio, vmf->pgoff);
		ret = VM_FAULT_LOCKED;
		/*
		 * Read from the backing file: a major fault, which the core
		 * mm counts for getrusage() and /proc/PID/stat.  (It also
		 * counts a retried fault as major; this counter does not.)
		 */
		if (err) {
			ret |= VM_FAULT_MAJOR;
			vmdemo_count(VMDEMO_STAT_FAULTS_MAJOR, 1);
		}
	} else if (err == -ENOMEM) {
		vmdemo_count(VMDEMO_STAT_FAULTS_OOM, 1);
		ret = VM_FAULT_OOM;
	} else {
		vmdemo_count(VMDEMO_STAT_FAULTS_SIGBUS, 1);
		ret = VM_FAULT_SIGBUS;
	}

	vmdemo_count(VMDEMO_STAT_FAULTS, 1);
	if (!write)
		vmdemo_count(VMDEMO_STAT_FAULTS_READ, 1);
	else if (shared)
		vmdemo_count(VMDEMO_STAT_FAULTS_WRITE_SHARED, 1);
	else
		vmdemo_count(VMDEMO_STAT_FAULTS_COW, 1);
	trace_vmdemo_fault(vmf->pgoff, write, shared, ret);
	vmdemo_count_latency(start);
	return ret;
}

/*
 * A write to a page that a shared mapping maps read-only (after a read
 * fault, or after the first write fault: do_shared_fault() calls this
 * right after .fault).  Lock the page, make sure a shrink or punch did not
 * take it out of the cache meanwhile, mark it dirty, return it locked.
 */
static vm_fault_t vmdemo_page_mkwrite(struct vm_fault *vmf)
{
	struct folio *folio = page_folio(vmf->page);
	struct vmdemo_store *store = vmdemo_vma_store(vmf->vma);
	vm_fault_t ret = VM_FAULT_LOCKED;

	/*
	 * A store through a shared mapping modifies the file: its times
	 * change, as the core mm changes them itself for a mapping without
	 * .page_mkwrite (fault_dirty_shared_page()).  Before the folio
	 * lock, as file systems do it.
	 */
	vmdemo_file_modified(vmf->vma->vm_file);

	folio_lock(folio);
	if (folio->mapping != store->mapping) {
		/* Truncated: the core mm retries and the retry sees SIGBUS. */
		folio_unlock(folio);
		ret = VM_FAULT_NOPAGE;
	} else {
		/* Dirty: with a backing file, writeback will write it. */
		folio_mark_dirty(folio);
		/* If the backing store wants pages stable during writeback. */
		folio_wait_stable(folio);
	}

	vmdemo_count(VMDEMO_STAT_PAGE_MKWRITE, 1);
	trace_vmdemo_page_mkwrite(folio->index, ret);
	return ret;
}

/* Called when a mapping is copied: fork, a split, mremap. */
static void vmdemo_vm_open(struct vm_area_struct *vma)
{
	vmdemo_count(VMDEMO_STAT_VMA_OPENS, 1);
}

/* Called when a mapping goes away: munmap, exit, the old half of mremap. */
static void vmdemo_vm_close(struct vm_area_struct *vma)
{
	vmdemo_count(VMDEMO_STAT_VMA_CLOSES, 1);
}

/*
 * A vm_operations_struct with .close makes its mappings unmergeable: the
 * core mm will not merge two mappings into one if that means a .close
 * that is never called (6.1's is_mergeable_vma(); later kernels refuse
 * any merge that removes such a mapping).  Mappings of a file merge when
 * they are adjacent, map contiguous offsets and have the same flags: after
 * an mprotect() or mlock() of part of a mapping is undone, when mremap()
 * grows one in place, when a program maps a file piece by piece.  The
 * device must merge exactly as a file does, so by default it has no
 * .close and counts no closes.  The module parameter count_closes asks
 * for them, at that price.  No other callback sees a mapping go away.
 */
static bool vmdemo_count_closes;
module_param_named(count_closes, vmdemo_count_closes, bool, 0444);
MODULE_PARM_DESC(count_closes, "Count vma_closes; mappings then never merge (default N)");

static const struct vm_operations_struct vmdemo_vm_ops = {
	.open		= vmdemo_vm_open,
	.fault		= vmdemo_fault,
	.map_pages	= vmdemo_map_pages,
	.page_mkwrite	= vmdemo_page_mkwrite,
};

static const struct vm_operations_struct vmdemo_vm_ops_closes = {
	.open		= vmdemo_vm_open,
	.close		= vmdemo_vm_close,
	.fault		= vmdemo_fault,
	.map_pages	= vmdemo_map_pages,
	.page_mkwrite	= vmdemo_page_mkwrite,
};

/**
 * vmdemo_vma_init() - attach the vm operations to a new mapping
 * @vma: the mapping being created by mmap()
 * @store: the store it maps
 *
 * No special vm_flags (no raw PFN or mixed mapping, no VM_IO, nothing
 * that forbids expanding the mapping): the pages are
 * ordinary page cache pages, so copy-on-write, mremap(), mlock(), GUP and
 * /proc/PID/mem work on them as on any file mapping.
 */
void vmdemo_vma_init(struct vm_area_struct *vma, struct vmdemo_store *store)
{
	vma->vm_ops = vmdemo_count_closes ? &vmdemo_vm_ops_closes :
					    &vmdemo_vm_ops;
	vma->vm_private_data = store;
}
