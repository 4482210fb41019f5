// SPDX-License-Identifier: GPL-2.0
/*
 * The page store: where the bytes of /dev/vmdemo live.
 *
 * Where the pages live is the main design decision of the driver.  They
 * live in the page cache (the address_space) of an anonymous inode that
 * the driver owns, on a private pseudo filesystem, and every open file of
 * the device points its f_mapping at that address_space.  The reasons:
 *
 *  - A module cannot install page table entries itself (do_set_pte(),
 *    set_pte_range() and finish_fault() are not exported), so fault-around
 *    (.map_pages) has to be filemap_map_pages(), which maps only pages that
 *    sit in the mapped file's f_mapping.  A private xarray would skip the
 *    page cache's LRU and memcg work on a first touch, but could never do
 *    fault-around.
 *  - unmap_mapping_range() finds every user mapping of a range through
 *    f_mapping->i_mmap, private copies included, so shrinking and punching
 *    reach every process the way they do on tmpfs, and truncate_setsize()
 *    and truncate_pagecache_range() do the work exactly as tmpfs does.
 *  - mincore(), fadvise() and the page cache's own counters
 *    (mapping->nrpages) all work on it unchanged.
 *
 * The cache has no backing store, so no page may ever be dropped.  Most
 * ways of dropping page cache pages cannot reach this one: reclaim skips
 * it because it is unevictable (like ramfs); fadvise(DONTNEED) does
 * nothing on a mapping whose backing_dev_info is the noop one, which
 * also means there is no writeback; drop_caches walks its super block's
 * inode list, which this inode is not on.  Two paths remain, and both
 * drop a page only if it is clean: soft-offlining the frame of a resident
 * page that no process maps (/sys/devices/system/memory/soft_offline_page,
 * or the handling of corrected memory errors) evicts a clean page-cache
 * page instead of migrating it, and a fault that finds a page with a
 * memory error (__do_fault()) removes it if it is clean.  Either would
 * turn the page's bytes into a hole that reads back as zeroes.  So every
 * page is marked dirty when it is inserted, and stays dirty: with no
 * writeback, nothing ever cleans it.
 *
 * Locking:
 *  - Lookups of resident pages are lock-free: __filemap_get_folio() walks
 *    the xarray under RCU and takes a speculative reference, then locks
 *    the folio and rechecks folio->mapping.  Faults on different pages
 *    never share a lock.
 *  - Inserting a page takes mapping->invalidate_lock shared; resizing and
 *    punching take it exclusive.  So no page is ever inserted into a range
 *    that is being removed, and a page inserted below the size stays below
 *    it until the insertion is done (lock order, as in mm/filemap.c:
 *    mmap_lock, invalidate_lock, folio lock, i_mmap_rwsem).
 *  - The size (i_size) is written only under invalidate_lock exclusive.
 *    A resident page found without the invalidate_lock is checked against
 *    the size with its folio lock held; truncation writes i_size before it
 *    locks and removes pages, and removes or unmaps every page it finds, so
 *    a page mapped by a fault that raced with a shrink is unmapped again by
 *    the truncation that follows.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs_context.h>
#include <linux/highmem.h>
#include <linux/migrate.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>

#include "compat.h"
#include "trace.h"
#include "vmdemo.h"

#define VMDEMO_FS_MAGIC		0x766d646d	/* "vmdm" */

static struct vfsmount *vmdemo_mnt;
static int vmdemo_mnt_count;

static int vmdemo_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, VMDEMO_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: the super block would hold a reference on the module for as
 * long as it exists, and it exists from load to unload.  vmdemo_store_exit()
 * releases it before the module's code goes away.
 */
static struct file_system_type vmdemo_fs_type = {
	.name			= "vmdemo",
	.init_fs_context	= vmdemo_init_fs_context,
	.kill_sb		= kill_anon_super,
};

/*
 * Called by the page cache once a folio has left it (truncation, punch,
 * unload), whoever still holds references to it.
 */
static void vmdemo_free_folio(struct folio *folio)
{
	trace_vmdemo_page_free(folio->index);
	vmdemo_page_count(VMDEMO_STAT_PAGES_FREED, folio_nr_pages(folio));
}

static const struct address_space_operations vmdemo_aops = {
	.dirty_folio	= noop_dirty_folio,
	.free_folio	= vmdemo_free_folio,
	.migrate_folio	= migrate_folio,
	VMDEMO_AOPS_ERROR_REMOVE,
};

/**
 * vmdemo_store_init() - create an empty store
 * @store: the store to set up
 * @size: its initial size in bytes
 * @max_size: the largest size it may be given later
 *
 * Return: 0 or a negative errno; on failure nothing is left allocated.
 */
int vmdemo_store_init(struct vmdemo_store *store, loff_t size,
		      loff_t max_size)
{
	struct inode *inode;
	int err;

	err = simple_pin_fs(&vmdemo_fs_type, &vmdemo_mnt, &vmdemo_mnt_count);
	if (err)
		return err;

	inode = alloc_anon_inode(vmdemo_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		simple_release_fs(&vmdemo_mnt, &vmdemo_mnt_count);
		return PTR_ERR(inode);
	}

	inode->i_mapping->a_ops = &vmdemo_aops;
	mapping_set_gfp_mask(inode->i_mapping, GFP_HIGHUSER_MOVABLE);
	mapping_set_unevictable(inode->i_mapping);
	i_size_write(inode, size);

	store->inode = inode;
	store->mapping = inode->i_mapping;
	store->max_size = max_size;
	store->base_size = size;
	return 0;
}

/**
 * vmdemo_store_exit() - free every page of a store
 * @store: the store
 *
 * No file may be open and no mapping may exist: each holds a reference
 * on the module, so this runs only at unload.
 */
void vmdemo_store_exit(struct vmdemo_store *store)
{
	/* The last iput() evicts the inode: truncate_inode_pages_final(). */
	iput(store->inode);
	store->inode = NULL;
	store->mapping = NULL;
	simple_release_fs(&vmdemo_mnt, &vmdemo_mnt_count);
}

/* A new page for @index, zeroed, inserted into the cache and locked. */
static int vmdemo_store_add_folio(struct vmdemo_store *store, pgoff_t index,
				  struct folio **foliop)
{
	struct address_space *mapping = store->mapping;
	gfp_t gfp = mapping_gfp_mask(mapping);
	struct folio *folio;
	int err;

	/*
	 * Past the end, fail before allocating: a page would be zeroed for
	 * nothing, and a failed allocation would turn SIGBUS into
	 * VM_FAULT_OOM, which the core mm retries.  Checked again below,
	 * where a shrink cannot race.
	 */
	if (index >= vmdemo_store_pages(store))
		return -ENXIO;

	/*
	 * __GFP_ZERO costs nothing extra where the kernel zeroes on
	 * allocation anyway (init_on_alloc): the page is zeroed once.
	 */
	folio = vmdemo_alloc_folio(gfp | __GFP_ZERO);
	if (!folio)
		return -ENOMEM;
	/* User space will map it: make the zeroes visible through any alias. */
	flush_dcache_folio(folio);
	__folio_mark_uptodate(folio);
	/* No backing store: a clean page could be dropped (see the top). */
	folio_set_dirty(folio);

	filemap_invalidate_lock_shared(mapping);
	if (index >= vmdemo_store_pages(store)) {
		err = -ENXIO;
	} else {
		/* Takes the cache's reference and returns the folio locked. */
		err = filemap_add_folio(mapping, folio, index, gfp);
	}
	filemap_invalidate_unlock_shared(mapping);

	if (err) {
		folio_put(folio);
		return err;
	}
	trace_vmdemo_page_alloc(index);
	vmdemo_page_count(VMDEMO_STAT_PAGES_ALLOCATED, 1);
	*foliop = folio;
	return 0;
}

/**
 * vmdemo_store_get_folio() - find or create the page at an index
 * @store: the store
 * @index: page index in the device
 * @foliop: where to return the folio, locked and with a reference held
 *
 * The fast path, for a resident page, takes no lock but the folio's own.
 *
 * Return: 0; -ENXIO if @index is at or past the end of the device;
 * -ENOMEM if no page could be allocated or charged.
 */
int vmdemo_store_get_folio(struct vmdemo_store *store, pgoff_t index,
			   struct folio **foliop)
{
	struct folio *folio;
	int err;

	for (;;) {
		/* RCU lookup, speculative reference, folio_lock, mapping recheck. */
		folio = vmdemo_lock_folio(store->mapping, index);
		if (folio) {
			/*
			 * A shrink writes i_size before it removes pages, and
			 * removes this one only after we unlock it.
			 */
			if (index >= vmdemo_store_pages(store)) {
				folio_unlock(folio);
				folio_put(folio);
				return -ENXIO;
			}
			*foliop = folio;
			return 0;
		}

		err = vmdemo_store_add_folio(store, index, foliop);
		/* -EEXIST: another task inserted it first; use theirs. */
		if (err != -EEXIST)
			return err;
	}
}

/*
 * Zero [@start, @end), which lies within one page, as truncation zeroes
 * the part of a page it cuts, except that a page with a memory error is
 * left as it is: writing into it would touch memory known to be broken,
 * and its bytes are gone anyway (read() fails with EIO, a fault raises
 * SIGBUS).  truncate_inode_pages_range() zeroes partial pages without
 * that check, so the callers below hand it whole pages only.  tmpfs does
 * write the zeroes (it reaches the same truncate_inode_partial_folio());
 * the difference shows only once the page is unpoisoned.
 * The caller holds invalidate_lock exclusive, so no page is inserted
 * meanwhile; a hole needs nothing.
 */
static void vmdemo_store_zero_partial(struct vmdemo_store *store, u64 start,
				      u64 end)
{
	pgoff_t index = start >> PAGE_SHIFT;
	struct folio *folio;

	folio = vmdemo_lock_folio(store->mapping, index);
	if (!folio)
		return;
	if (!PageHWPoison(folio_file_page(folio, index)))
		folio_zero_range(folio, offset_in_folio(folio, start),
				 end - start);
	folio_unlock(folio);
	folio_put(folio);
}

/**
 * vmdemo_store_set_size() - resize the device, as ftruncate() does a file
 * @store: the store
 * @size: the new size in bytes
 *
 * @may_grow: whether the caller may grow the device past the size it was
 *	loaded with
 *
 * Shrinking unmaps the removed pages from every mapping (private copies
 * too), frees them and zeroes the rest of a partial last page; growing
 * exposes what the old last page holds past the old end (zeroes, unless a
 * mapping wrote there: as on tmpfs, those bytes become data), then zeroes.
 *
 * Return: 0; -EFBIG if @size is larger than the maximum size; -EPERM if
 * it grows the device past its load-time size and @may_grow is false.
 */
int vmdemo_store_set_size(struct vmdemo_store *store, loff_t size,
			  bool may_grow)
{
	struct address_space *mapping = store->mapping;
	struct inode *inode = store->inode;
	loff_t old;
	int err = 0;
	u64 hole;

	if (size < 0 || size > store->max_size)
		return -EFBIG;

	filemap_invalidate_lock(mapping);
	/* The size is stable here: only this lock holder changes it. */
	old = vmdemo_store_size(store);
	if (size > old && size > store->base_size && !may_grow) {
		err = -EPERM;
	} else if (size < old) {
		/*
		 * truncate_setsize(), with the partial last page done here.
		 * The size goes down first, so that a fault or write() that
		 * locks a page after this sees the new size (see the top).
		 */
		hole = round_up((u64)size, PAGE_SIZE);
		i_size_write(inode, size);
		if (hole != size)
			vmdemo_store_zero_partial(store, size, hole);
		/*
		 * Whole pages from @hole on: unmapped everywhere, freed.  A
		 * @hole past the largest offset has no page after it.
		 */
		if (hole <= MAX_LFS_FILESIZE)
			truncate_pagecache(inode, hole);
	} else if (size > old) {
		/*
		 * Growing only moves the end, as on tmpfs: truncate_setsize()
		 * would also zero the last page past the new end (through
		 * truncate_inode_partial_folio(), memory errors or not),
		 * where tmpfs keeps whatever a mapping wrote there.
		 */
		i_size_write(inode, size);
	}
	filemap_invalidate_unlock(mapping);
	return err;
}

/**
 * vmdemo_store_punch_hole() - zero a range, as FALLOC_FL_PUNCH_HOLE does
 * @store: the store
 * @offset: first byte
 * @length: number of bytes
 *
 * Whole pages in the range are unmapped from shared mappings and freed;
 * the covered part of a partial page is zeroed in place.  Private copies
 * made earlier are left alone, as on tmpfs.
 *
 * Return: 0, or -EINVAL for an empty range or one that overflows or does
 * not lie within the device.
 */
int vmdemo_store_punch_hole(struct vmdemo_store *store, u64 offset,
			    u64 length)
{
	struct address_space *mapping = store->mapping;
	u64 end, first, last;
	int err = 0;

	if (!length || check_add_overflow(offset, length, &end))
		return -EINVAL;

	filemap_invalidate_lock(mapping);
	if (end > vmdemo_store_size(store)) {
		err = -EINVAL;
		goto out;
	}
	/* [first, last) are the whole pages; end <= size, so no overflow. */
	first = round_up(offset, PAGE_SIZE);
	last = round_down(end, PAGE_SIZE);
	if (last < first) {
		/* Inside one page. */
		vmdemo_store_zero_partial(store, offset, end);
		goto out;
	}
	if (offset < first)
		vmdemo_store_zero_partial(store, offset, first);
	if (last < end)
		vmdemo_store_zero_partial(store, last, end);
	if (first < last)
		truncate_pagecache_range(store->inode, first, last - 1);
out:
	filemap_invalidate_unlock(mapping);
	return err;
}
