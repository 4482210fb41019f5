// SPDX-License-Identifier: GPL-2.0
/*
 * read() and write() of the device: copying between user memory and the
 * pages of the store, as filemap_read() and generic_perform_write() do
 * for a file.  The locking rules are those of store.c: lookups are
 * lock-free, a page is written with its folio lock held, and the size is
 * checked again once a page is found or locked, because a shrink writes
 * the new size before it removes pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/writeback.h>

#include "compat.h"
#include "vmdemo.h"

/**
 * vmdemo_store_read() - copy bytes of the device to user space
 * @store: the store
 * @iocb: the read: position (advanced by the bytes copied) and flags
 * @to: destination
 *
 * Holes read as zeroes without allocating; with a backing file, a page
 * not in the cache is read from the file into it.  No lock is held while
 * copying, so the destination may be a mapping of the device itself.
 * Without a backing file nothing here sleeps but the copy's own page
 * faults, so IOCB_NOWAIT needs nothing special, as for a page cache read
 * that finds every page; with one, a miss under IOCB_NOWAIT is -EAGAIN.
 * A fatal signal ends the read between pages, as in filemap_read().
 *
 * Return: bytes copied (0 at or past the end); if none could be, -EFAULT,
 * -EINTR for a fatal signal, -EIO for a page with a memory error or one
 * the backing file could not provide, or -EAGAIN (IOCB_NOWAIT, a page to
 * read from the backing file).
 */
ssize_t vmdemo_store_read(struct vmdemo_store *store, struct kiocb *iocb,
			  struct iov_iter *to)
{
	loff_t *pos = &iocb->ki_pos;
	ssize_t done = 0;

	while (iov_iter_count(to)) {
		loff_t size = vmdemo_store_size(store);
		size_t offset = offset_in_page(*pos);
		size_t bytes, copied;
		struct folio *folio;
		pgoff_t index;

		if (*pos >= size)
			break;
		if (fatal_signal_pending(current))
			return done ? done : -EINTR;
		bytes = min_t(u64, PAGE_SIZE - offset, size - *pos);
		bytes = min(bytes, iov_iter_count(to));

		index = *pos >> PAGE_SHIFT;
		folio = vmdemo_find_folio(store->mapping, index);
		if (vmdemo_store_backed(store) &&
		    (!folio || !folio_test_uptodate(folio))) {
			int err;

			if (folio)
				folio_put(folio);
			folio = NULL;
			/*
			 * A miss: read it from the file into the cache, as
			 * filemap_read() does; a hole of the file reads as
			 * zeroes, allocating nothing, as without a file.
			 */
			if (iocb->ki_flags & IOCB_NOWAIT)
				return done ? done : -EAGAIN;
			err = vmdemo_backing_hole(&store->backing,
						  (loff_t)index << PAGE_SHIFT);
			if (!err)
				err = vmdemo_store_get_folio(store, index,
							     VMDEMO_GET_DATA,
							     &folio);
			/*
			 * The file ending before the page is an error (it was
			 * shortened behind the device's back), unless a shrink
			 * of the device cut it meanwhile: then it is the end.
			 */
			if (err == -EIO && index >= vmdemo_store_pages(store))
				err = -ENXIO;
			if (err == -ENXIO)
				break;
			if (err < 0)
				return done ? done : err;
			if (folio)
				folio_unlock(folio);
		}
		/*
		 * A shrink writes i_size before it removes pages.  Read the
		 * size again after the lookup, as filemap_read() does: a page
		 * cut off since the first check must end the read, not read
		 * as a hole past the new end.
		 */
		smp_rmb();
		size = vmdemo_store_size(store);
		if (*pos >= size) {
			if (folio)
				folio_put(folio);
			break;
		}
		bytes = min_t(u64, bytes, size - *pos);
		if (folio) {
			struct page *page = folio_file_page(folio, index);

			/* A memory error: EIO, as tmpfs, never the bad bytes. */
			if (PageHWPoison(page)) {
				folio_put(folio);
				return done ? done : -EIO;
			}
			copied = copy_page_to_iter(page, offset, bytes, to);
			folio_put(folio);
		} else {
			copied = iov_iter_zero(bytes, to);
		}

		*pos += copied;
		done += copied;
		if (copied < bytes)
			return done ? done : -EFAULT;
		cond_resched();
	}
	return done;
}

/*
 * The page at @index, locked, for a write.  With IOCB_NOWAIT only a
 * resident page whose lock is free will do: allocating a page, or waiting
 * for its lock, may sleep, and the caller asked not to (-EAGAIN).
 */
static int vmdemo_store_write_folio(struct vmdemo_store *store, pgoff_t index,
				    bool nowait, struct folio **foliop)
{
	struct folio *folio;

	int ret;

	if (!nowait) {
		ret = vmdemo_store_get_folio(store, index, 0, foliop);
		return ret < 0 ? ret : 0;
	}

	folio = vmdemo_trylock_folio(store->mapping, index);
	if (!folio)
		return -EAGAIN;
	/* A read from the backing file would sleep. */
	if (!folio_test_uptodate(folio)) {
		folio_unlock(folio);
		folio_put(folio);
		return -EAGAIN;
	}
	if (index >= vmdemo_store_pages(store)) {
		folio_unlock(folio);
		folio_put(folio);
		return -ENXIO;
	}
	*foliop = folio;
	return 0;
}

/**
 * vmdemo_store_write() - copy bytes from user space into the device
 * @store: the store
 * @iocb: the write: position (advanced by the bytes copied) and flags
 * @from: source
 *
 * Each page is written with its folio lock held, so a write never lands
 * in a page after a racing shrink or punch zeroed or removed it.  The copy
 * under the lock cannot fault (the source might be a mapping of this very
 * page), so the source is faulted in first and a short copy is retried,
 * as generic_perform_write() does.  A fatal signal ends the write between
 * pages, so a killed writer stops allocating.
 *
 * Return: bytes written; -ENOSPC if the position is at or past the end;
 * -EFAULT, -ENOMEM, -EINTR (fatal signal), -EAGAIN (IOCB_NOWAIT and the
 * write would sleep) or -EIO (a page with a memory error) if nothing could
 * be written.
 */
ssize_t vmdemo_store_write(struct vmdemo_store *store, struct kiocb *iocb,
			   struct iov_iter *from)
{
	bool nowait = iocb->ki_flags & IOCB_NOWAIT;
	loff_t *pos = &iocb->ki_pos;
	ssize_t done = 0;
	int err = 0;

	while (iov_iter_count(from)) {
		pgoff_t index = *pos >> PAGE_SHIFT;
		size_t offset = offset_in_page(*pos);
		struct folio *folio;
		size_t bytes, copied;
		loff_t size;

		if (*pos >= vmdemo_store_size(store)) {
			err = -ENOSPC;
			break;
		}
		bytes = min_t(size_t, PAGE_SIZE - offset, iov_iter_count(from));
		if (fault_in_iov_iter_readable(from, bytes) == bytes) {
			err = -EFAULT;
			break;
		}

		err = vmdemo_store_write_folio(store, index, nowait, &folio);
		if (err) {
			if (err == -ENXIO)
				err = -ENOSPC;
			break;
		}

		if (PageHWPoison(folio_file_page(folio, index))) {
			folio_unlock(folio);
			folio_put(folio);
			err = -EIO;
			break;
		}

		/* Stable under the folio lock: a shrink must wait for it. */
		size = vmdemo_store_size(store);
		if (*pos >= size) {
			folio_unlock(folio);
			folio_put(folio);
			err = -ENOSPC;
			break;
		}
		bytes = min_t(u64, bytes, size - *pos);

		pagefault_disable();
		copied = vmdemo_copy_from_iter_atomic(folio, offset, bytes,
						      from);
		pagefault_enable();
		flush_dcache_folio(folio);
		folio_mark_dirty(folio);
		folio_unlock(folio);
		folio_put(folio);

		*pos += copied;
		done += copied;
		/* With a backing file, wait here if too much is dirty. */
		balance_dirty_pages_ratelimited(store->mapping);
		cond_resched();
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
	}
	return done ? done : err;
}
