// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a page of the cache from the backing file (module parameter
 * backing=PATH): a hole is zeroed without I/O; otherwise the page is read,
 * with up to "readahead" new pages after it in the same I/O when a page
 * fault asked for it.  The caller (store.c) holds the new page locked.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/pagemap.h>

#include "compat.h"
#include "trace.h"
#include "vmdemo.h"

/*
 * 31: a major fault reads 32 pages (128 KiB) in one I/O, the window the
 * kernel's own readahead uses for a disk by default (read_ahead_kb 128).
 * With 8, the benchmark's sequential major faults cost 5x an ext4 file's,
 * with 31 about 3x (README, Benchmarks).
 */
static unsigned int vmdemo_readahead = VMDEMO_MAX_READ - 1;
module_param_named(readahead, vmdemo_readahead, uint, 0644);
MODULE_PARM_DESC(readahead, "Pages read ahead after a major fault, with a backing file (default and most: 31)");

/**
 * vmdemo_store_readahead_pages() - pages read ahead after a major fault
 *
 * Return: the module parameter readahead, as it is now.
 */
unsigned int vmdemo_store_readahead_pages(void)
{
	return min(READ_ONCE(vmdemo_readahead), VMDEMO_MAX_READ - 1);
}

/*
 * Readahead for the fault on @folio: new, locked pages for the indexes
 * after it, as long as none is cached already and the device goes on.
 * Return: how many were added to @folios (after @folios[0]).
 */
static unsigned int vmdemo_store_readahead(struct vmdemo_store *store,
					   struct folio **folios)
{
	struct address_space *mapping = store->mapping;
	gfp_t gfp = mapping_gfp_mask(mapping) | __GFP_NORETRY | __GFP_NOWARN;
	unsigned int max = vmdemo_store_readahead_pages();
	pgoff_t index = folios[0]->index;
	unsigned int n;

	for (n = 0; n < max; n++) {
		struct folio *folio;

		/*
		 * Whole pages only: a partial last page would turn the whole
		 * read into buffered I/O (see backing.c).
		 */
		if ((u64)(index + n + 2) << PAGE_SHIFT >
		    vmdemo_store_size(store))
			break;
		folio = vmdemo_alloc_folio(gfp);
		if (!folio)
			break;
		if (filemap_add_folio(mapping, folio, index + n + 1, gfp)) {
			folio_put(folio);
			break;
		}
		trace_vmdemo_page_alloc(folio->index);
		vmdemo_page_count(VMDEMO_STAT_PAGES_ALLOCATED, 1);
		folios[n + 1] = folio;
	}
	return n;
}

/**
 * vmdemo_store_read_in() - fill a new page of a backed store from its file
 * @store: the store, with a backing file
 * @folio: the page, locked, in the cache, not uptodate
 * @flags: VMDEMO_GET_FAULT to read ahead of a page fault; VMDEMO_GET_DATA
 *	if the caller has just found that the file holds data there
 *
 * A page in a hole of the file is zeroed without I/O.  Readahead pages are
 * made uptodate and unlocked here; a page the file could not fill stays
 * not uptodate, and the next access reads it again.
 *
 * Return: 1 if @folio was read from the file, 0 if it was a hole, or a
 * negative errno (-EIO for a page the file no longer has).
 */
int vmdemo_store_read_in(struct vmdemo_store *store, struct folio *folio,
			 unsigned int flags)
{
	struct folio *folios[VMDEMO_MAX_READ] = { folio };
	loff_t pos = folio_pos(folio);
	unsigned int i, ra = 0, got;
	ssize_t ret;

	/* One trip to the worker saved where the caller has just asked. */
	ret = flags & VMDEMO_GET_DATA ? 0 : vmdemo_backing_hole(&store->backing, pos);
	if (ret == 1) {
		folio_zero_range(folio, 0, folio_size(folio));
		folio_mark_uptodate(folio);
		return 0;
	}
	if (ret < 0) {
		trace_vmdemo_read(folio->index, 1, 0, ret);
		return ret;
	}

	if (flags & VMDEMO_GET_FAULT)
		ra = vmdemo_store_readahead(store, folios);
	ret = vmdemo_backing_read(&store->backing, folios, ra + 1, pos,
				  min_t(u64, (u64)(ra + 1) * PAGE_SIZE,
					vmdemo_store_size(store) - pos));
	/*
	 * Pages wholly read.  Only the device's last page may come back
	 * short, and its rest is zeroed; a page cut short anywhere else
	 * (the file shortened behind the device's back) is an error.
	 */
	got = 0;
	if (ret > 0)
		got = pos + ret >= vmdemo_store_size(store) ?
		      DIV_ROUND_UP(ret, PAGE_SIZE) : ret >> PAGE_SHIFT;
	for (i = 0; i <= ra; i++) {
		if (i < got) {
			if (i == got - 1 && offset_in_page(ret))
				folio_zero_range(folios[i], offset_in_page(ret),
						 PAGE_SIZE - offset_in_page(ret));
			flush_dcache_folio(folios[i]);
			folio_mark_uptodate(folios[i]);
		}
		if (i) {
			folio_unlock(folios[i]);
			folio_put(folios[i]);
		}
	}
	trace_vmdemo_read(folio->index, got, ra, ret < 0 ? ret : 0);
	if (got) {
		vmdemo_count(VMDEMO_STAT_PAGES_READ, got);
		vmdemo_count(VMDEMO_STAT_PAGES_READAHEAD, got - 1);
	}
	if (!got)
		return ret < 0 ? ret : -EIO;
	return 1;
}
