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
 * Locking: .writepages takes no lock of the driver.  Each page is written
 * with its folio lock held and PG_writeback set, so the bytes written are
 * the bytes of one moment (no store can land halfway: .page_mkwrite waits
 * for the lock), a truncation or punch of the page waits until it is
 * written, and whoever waits for writeback (fsync of another task) waits
 * for this page too.  The size is checked under the folio lock; a shrink
 * writes the size first and truncates the file only after the pages, so
 * no stale page is written past a new end once the file has been cut.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/migrate.h>
#include <linux/pagemap.h>
#include <linux/writeback.h>
#include <linux/xarray.h>

#include "compat.h"
#include "trace.h"
#include "vmdemo.h"

/* Write one dirty page back, with what the device holds below its end. */
static int vmdemo_write_folio(struct folio *folio,
			      struct writeback_control *wbc, void *data)
{
	struct vmdemo_store *store = data;
	loff_t size = vmdemo_store_size(store);
	loff_t pos = folio_pos(folio);
	int err;

	if (pos >= size) {
		/* A shrink is removing it; it waits for this lock. */
		folio_unlock(folio);
		return 0;
	}
	folio_start_writeback(folio);
	err = vmdemo_backing_write(&store->backing, folio,
				   min_t(loff_t, folio_size(folio), size - pos));
	if (err) {
		/*
		 * Keep the data: the page stays dirty and cached, and the
		 * error is recorded for the next fsync()/msync() of every
		 * open file (errseq), as file systems do.
		 */
		folio_redirty_for_writepage(wbc, folio);
		mapping_set_error(folio->mapping, err);
	} else {
		vmdemo_count(VMDEMO_STAT_PAGES_WRITTEN, 1);
	}
	trace_vmdemo_writeback(folio->index, err);
	folio_end_writeback(folio);
	folio_unlock(folio);
	return err;
}

static int vmdemo_writepages(struct address_space *mapping,
			     struct writeback_control *wbc)
{
	return vmdemo_write_cache_pages(mapping, wbc, vmdemo_write_folio,
					mapping->host->i_private);
}

/* Called by the page cache for a page that is not uptodate (fadvise WILLNEED). */
static int vmdemo_read_folio(struct file *file, struct folio *folio)
{
	struct vmdemo_store *store = folio->mapping->host->i_private;
	int err = vmdemo_store_read_in(store, folio, 0);

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
	VMDEMO_AOPS_ERROR_REMOVE,
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
 * @offset: first byte
 * @length: number of bytes; every page it touches is evicted
 *
 * Return: 0; -EOPNOTSUPP without a backing file; -EINVAL for a range
 * that is empty, overflows or ends past the size; the writeback error; or
 * -EBUSY if a page of the range is still cached (pinned, mapped again or
 * dirtied again meanwhile: nothing is lost).
 */
int vmdemo_store_evict(struct vmdemo_store *store, u64 offset, u64 length)
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
	/* Drops only clean, unmapped, unlocked pages nobody else holds. */
	invalidate_mapping_pages(mapping, first >> PAGE_SHIFT,
				 last >> PAGE_SHIFT);
	return filemap_range_has_page(mapping, first, last) ? -EBUSY : 0;
}
