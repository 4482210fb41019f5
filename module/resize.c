// SPDX-License-Identifier: GPL-2.0
/*
 * Changing the device's shape: resizing it (VMDEMO_IOC_SET_SIZE, as
 * ftruncate() does a file) and punching holes (VMDEMO_IOC_PUNCH_HOLE, as
 * fallocate(FALLOC_FL_PUNCH_HOLE) does).  Both take the mapping's
 * invalidate_lock exclusive, so that no page enters the range meanwhile
 * (store.c says how pages enter it), use the kernel's own truncation to
 * unmap and free whole pages, and, with a backing file, make the file
 * follow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>

#include "compat.h"
#include "vmdemo.h"

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
	/*
	 * A page a failed read left not uptodate holds no data: the file's
	 * punch (done before) or truncation (done after) makes the file
	 * right, and the next access reads it again.
	 */
	if (folio_test_uptodate(folio) &&
	    !PageHWPoison(folio_file_page(folio, index))) {
		folio_zero_range(folio, offset_in_folio(folio, start),
				 end - start);
		/* With a backing file, the zeroes must reach it too. */
		if (vmdemo_store_backed(store))
			folio_mark_dirty(folio);
	}
	folio_unlock(folio);
	folio_put(folio);
}

/*
 * The cache has changed and the file could not follow: say so, since the
 * file no longer holds the device's bytes there.
 */
static int vmdemo_vet_backing(int err, const char *what)
{
	if (err)
		pr_err_ratelimited("%s: the backing file could not follow (%d): it no longer matches the device\n",
				   what, err);
	return err;
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
 * it grows the device past its load-time size and @may_grow is false; an
 * errno of the backing file if it could not be resized (a failed growth
 * changes nothing).
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
		 * locks a page after this sees the new size (store.c's top).
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
		/*
		 * Only now the file: truncation waited for the writeback of
		 * every page it removed, so nothing writes past the new end.
		 */
		if (vmdemo_store_backed(store))
			err = vmdemo_vet_backing(vmdemo_backing_resize(&store->backing, size),
						 "shrink");
	} else if (size > old) {
		/*
		 * Growing only moves the end, as on tmpfs: truncate_setsize()
		 * would also zero the last page past the new end (through
		 * truncate_inode_partial_folio(), memory errors or not),
		 * where tmpfs keeps whatever a mapping wrote there.  With a
		 * backing file the device is a disk file's: the file grows
		 * first (it may fail), and what a mapping wrote past the old
		 * end is zeroed, as the file has zeroes there.
		 */
		if (vmdemo_store_backed(store)) {
			err = vmdemo_backing_grow(&store->backing, old, size);
			if (!err && offset_in_page(old))
				vmdemo_store_zero_partial(store, old,
							  round_up(old, PAGE_SIZE));
		}
		if (!err)
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
 * Return: 0, -EINVAL for an empty range or one that overflows or does
 * not lie within the device, or an errno of the backing file (writing
 * the range back, or punching it); then the device reads as before.
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
	/*
	 * With a backing file, the range's dirty pages reach the file first
	 * (as ext4's punch did it in 6.1): the cache then drops nothing that
	 * only it holds, and if the file cannot be punched, the device still
	 * reads what it held.  A failure here changes nothing.
	 */
	if (vmdemo_store_backed(store)) {
		err = filemap_write_and_wait_range(mapping, offset, end - 1);
		if (err)
			goto out;
	}
	/* [first, last) are the whole pages; end <= size, so no overflow. */
	first = round_up(offset, PAGE_SIZE);
	last = round_down(end, PAGE_SIZE);
	if (first < last)
		truncate_pagecache_range(store->inode, first, last - 1);
	/*
	 * The file after the cache, for the same reason as a shrink: no
	 * writeback of a punched page is still running to bring its old
	 * bytes back.  Faults wait for invalidate_lock, so none reads the
	 * file meanwhile.  A page the cache does not hold (evicted, or never
	 * read) is only in the file: a punch inside it is the file's alone.
	 */
	if (vmdemo_store_backed(store)) {
		err = vmdemo_backing_punch(&store->backing, offset, length);
		if (err)
			goto out;
	}
	/*
	 * Partial pages last, so that a failed punch of the file leaves
	 * them as they were.  A store that dirties one meanwhile is
	 * written back either before the zeroes (which go to the file
	 * after it) or with them.
	 */
	if (last < first) {
		/* Inside one page. */
		vmdemo_store_zero_partial(store, offset, end);
	} else {
		if (offset < first)
			vmdemo_store_zero_partial(store, offset, first);
		if (last < end)
			vmdemo_store_zero_partial(store, last, end);
	}
out:
	filemap_invalidate_unlock(mapping);
	return err;
}
