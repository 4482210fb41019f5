// SPDX-License-Identifier: GPL-2.0
/*
 * The page cache in front of a backing file: dirty tracking, writeback
 * and eviction, as a disk file system's page cache has them.
 *
 *  - A store through a shared mapping (.page_mkwrite) or a write() marks
 *    a page dirty with filemap_dirty_folio(): the page is tagged dirty in
 *    the cache and the inode goes on its bdi's dirty list, so the flusher
 *    threads write it back after dirty_expire_centisecs, and sync(),
 *    fsync() and msync(MS_SYNC) write it back on demand.  All of them end
 *    in .writepages below.
 *  - Writing a page back clears its dirty bit and write-protects it in
 *    every mapping (folio_clear_dirty_for_io(), done by the writeback
 *    iterator before it hands us the page), so the next store faults and
 *    calls .page_mkwrite again.
 *  - Clean pages can be dropped: by reclaim, drop_caches,
 *    POSIX_FADV_DONTNEED and VMDEMO_IOC_EVICT.  The next access reads them
 *    back from the file (a major fault).
 *
 * Counting evictions exactly: mapping_set_release_always() makes the
 * kernel call .release_folio before it drops a clean page that way, and
 * .invalidate_folio instead when truncation or a punch removes a page.
 * .release_folio marks the page (PG_checked, which belongs to whoever owns
 * the mapping), .invalidate_folio clears the mark, and .free_folio, called
 * once the page has left the cache whatever the reason, counts a marked
 * page as evicted.  A page released but then not dropped (someone took a
 * reference meanwhile) keeps its mark until it is dropped or truncated.
 *
 * Locking: .writepages takes no lock of the driver.  Runs of consecutive
 * dirty pages (up to VMDEMO_MAX_READ) are written in one I/O, each page
 * with its folio lock held and PG_writeback set until the I/O is done, so
 * the bytes written are the bytes of one moment (no store can land
 * halfway: .page_mkwrite waits for the lock), a truncation or punch of
 * the page waits until it is written, and whoever waits for writeback
 * (fsync of another task) waits for this page too.  The locks of a run
 * are taken in index order, as truncation takes them.  The size is
 * checked under the folio lock; a shrink writes the size first and
 * truncates the file only after the pages, so no stale page is written
 * past a new end once the file has been cut.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fadvise.h>
#include <linux/migrate.h>
#include <linux/pagemap.h>
#include <linux/writeback.h>
#include <linux/xarray.h>

#include "compat.h"
#include "trace.h"
#include "vmdemo.h"

/**
 * struct vmdemo_wb_batch - a run of dirty pages written back in one I/O
 * @store: the store
 * @wbc: the writeback being done
 * @folios: consecutive pages, each locked and under writeback
 * @nr: how many
 * @len: their bytes below the end of the device
 */
struct vmdemo_wb_batch {
	struct vmdemo_store *store;
	struct writeback_control *wbc;
	struct folio *folios[VMDEMO_MAX_READ];
	unsigned int nr;
	size_t len;
};

/* Write the run out, then end writeback and unlock each of its pages. */
static int vmdemo_wb_flush(struct vmdemo_wb_batch *wb)
{
	unsigned int i;
	int err;

	if (!wb->nr)
		return 0;
	err = vmdemo_backing_write(&wb->store->backing, wb->folios, wb->nr,
				   folio_pos(wb->folios[0]), wb->len);
	if (err)
		/*
		 * Keep the data: the pages stay dirty and cached, and the
		 * error is recorded for the next fsync()/msync() of every
		 * open file (errseq), as file systems do.
		 */
		mapping_set_error(wb->store->mapping, err);
	else
		vmdemo_count(VMDEMO_STAT_PAGES_WRITTEN, wb->nr);
	for (i = 0; i < wb->nr; i++) {
		struct folio *folio = wb->folios[i];

		if (err)
			folio_redirty_for_writepage(wb->wbc, folio);
		trace_vmdemo_writeback(folio->index, err);
		folio_end_writeback(folio);
		folio_unlock(folio);
	}
	wb->nr = 0;
	wb->len = 0;
	return err;
}

/*
 * One dirty page, locked, its dirty bit cleared: add it to the run, after
 * writing the run out if the page does not continue it.  Pages come in
 * index order, so the run's locks are taken in that order too.
 */
static int vmdemo_write_folio(struct folio *folio,
			      struct writeback_control *wbc, void *data)
{
	struct vmdemo_wb_batch *wb = data;
	loff_t size = vmdemo_store_size(wb->store);
	loff_t pos = folio_pos(folio);
	int err = 0;

	/*
	 * Past the end: a shrink is removing it (it waits for this lock).
	 * Not uptodate: nothing has dirtied it (the driver never dirties such
	 * a page), so its memory is no data.  A memory error: its bytes
	 * are gone; memory_failure() is removing it.
	 */
	if (pos >= size || !folio_test_uptodate(folio) ||
	    folio_test_hwpoison(folio)) {
		folio_unlock(folio);
		return 0;
	}
	if (wb->nr && (wb->nr == VMDEMO_MAX_READ ||
		       folio->index != wb->folios[wb->nr - 1]->index + 1))
		err = vmdemo_wb_flush(wb);
	folio_start_writeback(folio);
	wb->folios[wb->nr++] = folio;
	/* Only the last page of the device can be partial: the run ends. */
	wb->len += min_t(loff_t, folio_size(folio), size - pos);
	return err;
}

static int vmdemo_writepages(struct address_space *mapping,
			     struct writeback_control *wbc)
{
	struct vmdemo_wb_batch wb = {
		.store = mapping->host->i_private,
		.wbc = wbc,
	};
	int err, err2;

	err = vmdemo_write_cache_pages(mapping, wbc, vmdemo_write_folio, &wb);
	err2 = vmdemo_wb_flush(&wb);
	return err ?: err2;
}

/*
 * Called by the kernel's own readahead (fadvise or madvise WILLNEED) for
 * a page it has just added to the cache, locked and not uptodate; nothing
 * else reads this cache through it.  The page is new: count it, as
 * vmdemo_store_add_folio() counts its own.
 */
static int vmdemo_read_folio(struct file *file, struct folio *folio)
{
	struct vmdemo_store *store = folio->mapping->host->i_private;
	int err;

	trace_vmdemo_page_alloc(folio->index);
	vmdemo_page_count(VMDEMO_STAT_PAGES_ALLOCATED, folio_nr_pages(folio));
	err = vmdemo_store_read_in(store, folio, 0);

	folio_unlock(folio);
	return err < 0 ? err : 0;
}

static bool vmdemo_release_folio(struct folio *folio, gfp_t gfp)
{
	/* Clean and about to be dropped, unless someone holds it. */
	folio_set_checked(folio);
	return true;
}

static void vmdemo_invalidate_folio(struct folio *folio, size_t offset,
				    size_t len)
{
	/* Truncation or a punch: not an eviction. */
	folio_clear_checked(folio);
}

static void vmdemo_backed_free_folio(struct folio *folio)
{
	if (folio_test_checked(folio)) {
		folio_clear_checked(folio);
		trace_vmdemo_evict(folio->index);
		vmdemo_count(VMDEMO_STAT_PAGES_EVICTED, folio_nr_pages(folio));
	}
	vmdemo_free_folio(folio);
}

/* The page cache of a device with a backing file. */
const struct address_space_operations vmdemo_backed_aops = {
	.dirty_folio	= filemap_dirty_folio,
	.read_folio	= vmdemo_read_folio,
	.writepages	= vmdemo_writepages,
	.release_folio	= vmdemo_release_folio,
	.invalidate_folio = vmdemo_invalidate_folio,
	.free_folio	= vmdemo_backed_free_folio,
	.migrate_folio	= migrate_folio,
	/*
	 * A memory error: the page leaves the cache, as on a disk file
	 * system.  A clean page's bytes are still in the file; a dirty
	 * page's are lost, and fsync() reports EIO (memory_failure() sets
	 * the mapping's error).  Never written back from broken memory.
	 */
	VMDEMO_AOPS_ERROR_DROP,
};

/**
 * vmdemo_store_dirty_pages() - pages waiting for writeback now
 * @store: the store
 *
 * Counts the pages the cache has tagged dirty (none without a backing
 * file: those pages are never tagged).  Exact at the moment of the walk.
 *
 * Return: the count.
 */
unsigned long vmdemo_store_dirty_pages(struct vmdemo_store *store)
{
	XA_STATE(xas, &store->mapping->i_pages, 0);
	unsigned long n = 0;
	void *entry;

	rcu_read_lock();
	xas_for_each_marked(&xas, entry, ULONG_MAX, PAGECACHE_TAG_DIRTY) {
		if (xas_retry(&xas, entry))
			continue;
		n++;
		if (need_resched()) {
			xas_pause(&xas);
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	return n;
}

/**
 * vmdemo_store_evict() - write back and drop a range, as VMDEMO_IOC_EVICT
 * @store: the store
 * @file: the open device it was asked through
 * @offset: first byte
 * @length: number of bytes; every page it touches is evicted
 *
 * Return: 0; -EOPNOTSUPP without a backing file; -EINVAL for a range
 * that is empty, overflows or ends past the size; the writeback error; or
 * -EBUSY if a page of the range is still cached (pinned, mapped again or
 * dirtied again meanwhile: nothing is lost).
 */
int vmdemo_store_evict(struct vmdemo_store *store, struct file *file,
		       u64 offset, u64 length)
{
	struct address_space *mapping = store->mapping;
	loff_t first, last;
	u64 end;
	int err;

	if (!vmdemo_store_backed(store))
		return -EOPNOTSUPP;
	if (!length || check_add_overflow(offset, length, &end) ||
	    end > vmdemo_store_size(store))
		return -EINVAL;

	first = round_down(offset, PAGE_SIZE);
	last = round_up(end, PAGE_SIZE) - 1;
	err = filemap_write_and_wait_range(mapping, first, last);
	if (err)
		return err;
	/* Shared mappings lose the pages; private copies stay (even_cows 0). */
	unmap_mapping_range(mapping, first, last - first + 1, 0);
	/*
	 * Drops only clean, unmapped, unlocked pages nobody else holds.
	 * fadvise, rather than invalidate_mapping_pages(): it first drains
	 * the per-CPU LRU batches, whose reference would make a page just
	 * faulted in look held (lru_add_drain*() are not exported).
	 */
	err = vfs_fadvise(file, first, last - first + 1, POSIX_FADV_DONTNEED);
	if (err)
		return err;
	return filemap_range_has_page(mapping, first, last) ? -EBUSY : 0;
}
