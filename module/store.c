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
 * Two modes.  Loaded with backing=PATH, the cache is a disk file's: pages
 * are read from the file on a miss, written back when dirty and dropped
 * when clean (backing.c, writeback.c); the differences are in the inode
 * and its address_space_operations, set up below, and in the read-in of a
 * new page.  Without it, the device is RAM only, as follows.
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
 *  - Inserting a page takes mapping->invalidate_lock shared, and so does
 *    reading again a cached page that a failed read left empty; resizing
 *    and punching take it exclusive.  So no page is ever inserted into a range
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

/**
 * vmdemo_free_folio() - account for a page that has left the cache
 * @folio: the page
 *
 * Called by the page cache once a folio has left it (truncation, punch,
 * eviction, unload), whoever still holds references to it.
 */
void vmdemo_free_folio(struct folio *folio)
{
	trace_vmdemo_page_free(folio->index);
	vmdemo_page_count(VMDEMO_STAT_PAGES_FREED, folio_nr_pages(folio));
}

/* The page cache of a device without a backing file: see the top. */
static const struct address_space_operations vmdemo_aops = {
	.dirty_folio	= noop_dirty_folio,
	.free_folio	= vmdemo_free_folio,
	.migrate_folio	= migrate_folio,
	VMDEMO_AOPS_ERROR_REMOVE,
};

/*
 * The inode of a device without a backing file: not on its super block's
 * inode list (drop_caches never sees it), unevictable, and born dirty, so
 * that writeback never looks at it.
 */
static struct inode *vmdemo_ram_inode(struct super_block *sb)
{
	struct inode *inode = alloc_anon_inode(sb);

	if (IS_ERR(inode))
		return inode;
	inode->i_mapping->a_ops = &vmdemo_aops;
	mapping_set_unevictable(inode->i_mapping);
	return inode;
}

/*
 * The inode of a device with a backing file: a regular file's, hashed and
 * on the super block's list, with a real backing_dev_info, so that the
 * flusher threads write its dirty pages back, drop_caches and fadvise
 * reach its clean ones, and reclaim may evict them (see writeback.c).
 */
static struct inode *vmdemo_backed_inode(struct super_block *sb)
{
	struct inode *inode;
	int err;

	/* The pseudo file system is mounted afresh at every load. */
	err = super_setup_bdi_name(sb, "%s", KBUILD_MODNAME);
	if (err)
		return ERR_PTR(err);
	inode = new_inode(sb);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IFREG | 0600;
	/*
	 * Writeback skips unhashed inodes, so this one is hashed, for real:
	 * evict() takes it out of the hash again.  Not inode_fake_hash():
	 * evict() leaves a fake hash in place, and this inode goes back to
	 * the kernel's shared inode cache, whose next user (a pipe, an
	 * anonymous inode) would then look hashed too: its last iput()
	 * would keep it, and a dirty one (a pipe's times) for ever
	 * (kmemleak saw exactly that).  Nobody looks inodes up on this
	 * super block, so the number's uniqueness does not matter.
	 */
	insert_inode_hash(inode);
	inode->i_mapping->a_ops = &vmdemo_backed_aops;
	mapping_set_release_always(inode->i_mapping);
	return inode;
}

/**
 * vmdemo_store_init() - create an empty store
 * @store: the store to set up; its backing file, if any, is open
 * @size: its initial size in bytes
 * @max_size: the largest size it may be given later
 *
 * Return: 0 or a negative errno; on failure nothing is left allocated
 * (the backing file stays open: it is the caller's).
 */
int vmdemo_store_init(struct vmdemo_store *store, loff_t size,
		      loff_t max_size)
{
	struct inode *inode;
	int err;

	err = simple_pin_fs(&vmdemo_fs_type, &vmdemo_mnt, &vmdemo_mnt_count);
	if (err)
		return err;

	if (vmdemo_store_backed(store))
		inode = vmdemo_backed_inode(vmdemo_mnt->mnt_sb);
	else
		inode = vmdemo_ram_inode(vmdemo_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		simple_release_fs(&vmdemo_mnt, &vmdemo_mnt_count);
		return PTR_ERR(inode);
	}

	inode->i_private = store;
	mapping_set_gfp_mask(inode->i_mapping, GFP_HIGHUSER_MOVABLE);
	i_size_write(inode, size);

	store->inode = inode;
	store->mapping = inode->i_mapping;
	store->max_size = max_size;
	store->base_size = size;
	return 0;
}

/* Unload: every dirty page to the file, and the file to its disk. */
static void vmdemo_store_flush(struct vmdemo_store *store)
{
	int err;

	err = filemap_write_and_wait(store->mapping);
	if (!err)
		err = vmdemo_backing_sync(&store->backing, 0, LLONG_MAX, 0);
	if (err)
		pr_err("unload: writing the device back to its backing file failed (%d): %lu dirty pages are lost\n",
		       err, vmdemo_store_dirty_pages(store));
}

/**
 * vmdemo_store_exit() - write back and free every page of a store
 * @store: the store
 *
 * No file may be open and no mapping may exist: each holds a reference
 * on the module, so this runs only at unload.  The flusher may still be
 * writing the inode back: evicting it waits for that.
 */
void vmdemo_store_exit(struct vmdemo_store *store)
{
	if (vmdemo_store_backed(store)) {
		vmdemo_store_flush(store);
		/* No link: the last iput() evicts it now, not at unmount. */
		clear_nlink(store->inode);
	}
	/* The last iput() evicts the inode: truncate_inode_pages_final(). */
	iput(store->inode);
	store->inode = NULL;
	store->mapping = NULL;
	/* Unmounting unregisters the backing_dev_info, if there is one. */
	simple_release_fs(&vmdemo_mnt, &vmdemo_mnt_count);
}

/*
 * A new page for @index, inserted into the cache and locked: zeroed, or,
 * with a backing file, read from it.  Return: 1 if read from the file,
 * 0, or a negative errno.
 */
static int vmdemo_store_add_folio(struct vmdemo_store *store, pgoff_t index,
				  unsigned int flags, struct folio **foliop)
{
	struct address_space *mapping = store->mapping;
	bool backed = vmdemo_store_backed(store);
	gfp_t gfp = mapping_gfp_mask(mapping);
	struct folio *folio;
	int ret;

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
	 * allocation anyway (init_on_alloc): the page is zeroed once.  A
	 * page read from a backing file is not zeroed first.
	 */
	folio = vmdemo_alloc_folio(backed ? gfp : gfp | __GFP_ZERO);
	if (!folio)
		return -ENOMEM;
	if (!backed) {
		/* User space will map it: the zeroes visible through any alias. */
		flush_dcache_folio(folio);
		__folio_mark_uptodate(folio);
		/* No backing store: a clean page could be dropped (see the top). */
		folio_set_dirty(folio);
	}

	/*
	 * The read from the file happens under invalidate_lock too, as in
	 * filemap_create_folio(): a punch or shrink of this page waits for
	 * it, so it cannot cut the file between our read and our insert.
	 */
	filemap_invalidate_lock_shared(mapping);
	if (index >= vmdemo_store_pages(store)) {
		ret = -ENXIO;
	} else {
		/* Takes the cache's reference and returns the folio locked. */
		ret = filemap_add_folio(mapping, folio, index, gfp);
		if (!ret) {
			trace_vmdemo_page_alloc(index);
			vmdemo_page_count(VMDEMO_STAT_PAGES_ALLOCATED, 1);
			if (backed)
				ret = vmdemo_store_read_in(store, folio, flags);
			if (ret < 0)
				folio_unlock(folio);
		}
	}
	filemap_invalidate_unlock_shared(mapping);

	if (ret < 0) {
		folio_put(folio);
		return ret;
	}
	*foliop = folio;
	return ret;
}

/*
 * A cached page that an earlier read could not fill (it stays, not
 * uptodate, and the next access tries again), locked: read it again, under
 * invalidate_lock as a new page is read (filemap_update_page() does the
 * same).  Without it, a punch or shrink could cut the file between the
 * file's read and our fill: they leave such a page alone and count on the
 * file, so its old bytes would come back.  invalidate_lock comes before
 * the folio lock, so the folio is unlocked and locked again, and may have
 * been truncated (return false: look it up again) or filled meanwhile.
 * Otherwise true, with the result of vmdemo_store_get_folio() in @ret.
 */
static bool vmdemo_store_reread(struct vmdemo_store *store,
				struct folio *folio, unsigned int flags,
				int *ret)
{
	struct address_space *mapping = store->mapping;
	bool found = true;

	folio_unlock(folio);
	filemap_invalidate_lock_shared(mapping);
	folio_lock(folio);
	if (folio->mapping != mapping)
		found = false;
	else if (folio->index >= vmdemo_store_pages(store))
		*ret = -ENXIO;
	else if (folio_test_uptodate(folio))
		*ret = 0;
	else
		*ret = vmdemo_store_read_in(store, folio,
					    flags & VMDEMO_GET_DATA);
	filemap_invalidate_unlock_shared(mapping);
	return found;
}

/**
 * vmdemo_store_get_folio() - find or create the page at an index
 * @store: the store
 * @index: page index in the device
 * @flags: VMDEMO_GET_FAULT for a page fault (it may read ahead)
 * @foliop: where to return the folio, locked and with a reference held
 *
 * The fast path, for a resident page, takes no lock but the folio's own.
 * With a backing file, a page not in the cache is read from it; so is a
 * cached page that an earlier read failed to fill.
 *
 * Return: 1 if the page was read from the backing file (a major fault),
 * 0 if not; -ENXIO if @index is at or past the end of the device;
 * -ENOMEM if no page could be allocated or charged; -EIO (or another
 * errno of the backing file) if the file could not provide it.
 */
int vmdemo_store_get_folio(struct vmdemo_store *store, pgoff_t index,
			   unsigned int flags, struct folio **foliop)
{
	struct folio *folio;
	int ret;

	for (;;) {
		/* RCU lookup, speculative reference, folio_lock, mapping recheck. */
		folio = vmdemo_lock_folio(store->mapping, index);
		if (!folio) {
			ret = vmdemo_store_add_folio(store, index, flags, foliop);
			/* -EEXIST: another task inserted it first; use theirs. */
			if (ret != -EEXIST)
				return ret;
			continue;
		}
		/*
		 * A shrink writes i_size before it removes pages, and removes
		 * this one only after we unlock it.
		 */
		if (index >= vmdemo_store_pages(store)) {
			ret = -ENXIO;
		} else if (folio_test_uptodate(folio)) {
			ret = 0;
		} else if (!vmdemo_store_reread(store, folio, flags, &ret)) {
			/* Truncated while we waited: look it up again. */
			folio_unlock(folio);
			folio_put(folio);
			continue;
		}
		if (ret >= 0) {
			*foliop = folio;
			return ret;
		}
		folio_unlock(folio);
		folio_put(folio);
		return ret;
	}
}
