// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-around: before a read fault calls .fault, the core mm offers the
 * driver the chance to map the resident pages around the faulting one
 * (.map_pages).  A module cannot install page table entries itself, so the
 * work is filemap_map_pages()'s, which maps the pages it finds uptodate
 * and unlocked in the file's page cache, never allocating and never
 * sleeping (it runs under RCU and the page table lock; a page table the
 * core mm pre-allocated is in vmf->prealloc_pte).
 *
 * The driver counts the pages it mapped (map_pages_mapped), exactly, and
 * filemap_map_pages() does not return that number.  It adds the number
 * to the mm's file-page RSS counter, so the change of that counter across
 * the call is the answer, read where nothing else can change it during the
 * call (compat.h says what that relies on, per kernel).  Every reading is
 * checked: it must lie between 0 and the window's size, and be at least 1
 * when the faulting page itself was mapped.  If a kernel ever breaks that,
 * the driver says so once and counts the slow way from then on.
 *
 * The slow way, for calls that cannot be measured (another process's mm
 * on 6.1; a window of a percpu_counter batch or more): one call per page,
 * each on a struct vm_fault of its own describing that page, whose answer
 * (VM_FAULT_NOPAGE or not) says whether it mapped that page.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/printk.h>

#include "compat.h"
#include "trace.h"
#include "vmdemo.h"

/* Set once a reading failed its sanity check; never cleared. */
static bool vmdemo_rss_untrusted;

/*
 * One filemap_map_pages() call per page.  The copy is a new struct
 * vm_fault for the page, initialised whole; only the page table the core
 * mm pre-allocated is handed back and forth, so that exactly one call
 * uses it.  Each call takes and drops the page table lock itself.
 */
static vm_fault_t vmdemo_map_pages_each(struct vm_fault *vmf, pgoff_t start,
					pgoff_t end, unsigned long *mapped)
{
	struct vm_area_struct *vma = vmf->vma;
	vm_fault_t ret = 0;
	pgoff_t pgoff;

	for (pgoff = start; pgoff <= end; pgoff++) {
		unsigned long addr = vma->vm_start +
				     ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		struct vm_fault one = {
			.vma		= vma,
			.gfp_mask	= vmf->gfp_mask,
			.pgoff		= pgoff,
			.address	= addr,
			.real_address	= addr,
			.flags		= vmf->flags,
			.pmd		= vmf->pmd,
			.pud		= vmf->pud,
			.prealloc_pte	= vmf->prealloc_pte,
		};

		if (filemap_map_pages(&one, pgoff, pgoff) & VM_FAULT_NOPAGE) {
			(*mapped)++;
			if (addr == vmf->address)
				ret = VM_FAULT_NOPAGE;
		}
		vmf->prealloc_pte = one.prealloc_pte;
	}
	return ret;
}

/* The whole window in one call, counted by the RSS change; false if not. */
static bool vmdemo_map_pages_once(struct vm_fault *vmf, pgoff_t start,
				  pgoff_t end, unsigned long *mapped,
				  vm_fault_t *ret)
{
	unsigned long window = end - start + 1;
	long before, delta;

	if (READ_ONCE(vmdemo_rss_untrusted) ||
	    !vmdemo_rss_begin(vmf->vma, window, &before))
		return false;
	*ret = filemap_map_pages(vmf, start, end);
	delta = vmdemo_rss_end(vmf->vma, before);

	if (delta < 0 || delta > window ||
	    ((*ret & VM_FAULT_NOPAGE) && delta < 1)) {
		pr_warn_once("fault-around mapped %ld of %lu pages by the RSS counter, which cannot be: counting page by page from now on\n",
			     delta, window);
		WRITE_ONCE(vmdemo_rss_untrusted, true);
		delta = clamp_t(long, delta, (*ret & VM_FAULT_NOPAGE) ? 1 : 0,
				window);
	}
	*mapped = delta;
	return true;
}

/**
 * vmdemo_map_pages() - the .map_pages vm operation: fault-around
 * @vmf: the read fault being handled
 * @start_pgoff: first page of the window, in the file
 * @end_pgoff: last page of the window
 *
 * Maps the window's resident pages and counts them.  When nobody counts
 * or traces, it is one plain filemap_map_pages() call, as for any file.
 *
 * Return: VM_FAULT_NOPAGE if the faulting page was mapped, else 0 (the
 * core mm then calls .fault).
 */
vm_fault_t vmdemo_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff,
			    pgoff_t end_pgoff)
{
	unsigned long mapped = 0;
	vm_fault_t ret;

	if (!vmdemo_stats_enabled() && !trace_vmdemo_map_pages_enabled())
		return filemap_map_pages(vmf, start_pgoff, end_pgoff);

	if (!vmdemo_map_pages_once(vmf, start_pgoff, end_pgoff, &mapped, &ret))
		ret = vmdemo_map_pages_each(vmf, start_pgoff, end_pgoff,
					    &mapped);

	vmdemo_count(VMDEMO_STAT_MAP_PAGES, 1);
	vmdemo_count(VMDEMO_STAT_MAP_PAGES_MAPPED, mapped);
	trace_vmdemo_map_pages(start_pgoff, end_pgoff, mapped);
	return ret;
}
