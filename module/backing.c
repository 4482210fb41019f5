// SPDX-License-Identifier: GPL-2.0
/*
 * The backing file: where the bytes of the device live when the module is
 * loaded with backing=PATH.  The page cache in front of it (store.c) reads
 * pages from it on a miss and writes dirty pages back to it (writeback.c).
 *
 * I/O goes straight to the file's own ->read_iter and ->write_iter with a
 * kernel kiocb, as the loop driver does: whoever faults on the device is
 * not the one accessing the file, so no permission or LSM check of theirs
 * applies; the file was opened (and its access checked) at load time, by
 * whoever loaded the module.
 *
 * Do not cache twice: an evicted page must leave RAM.  So whole pages are
 * read and written with direct I/O through a second open file, where the
 * file system supports O_DIRECT.  The last page of a device whose size is
 * not a multiple of the page size is read and written with buffered I/O:
 * direct I/O moves whole blocks and would write past the end.  So may a
 * file system without O_DIRECT (tmpfs before 6.6); debugfs "backing" says
 * which is in use.  Direct I/O writes back and invalidates the file's own
 * cached pages of the range first, so the two paths stay coherent.
 *
 * Every call runs under memalloc_nofs_save(): the callers hold a folio
 * lock of the device (and sometimes the mapping's invalidate_lock), and
 * reclaim entering a file system from an allocation made for that I/O
 * must not wait for anything they hold.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/cred.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/uio.h>

#include "compat.h"
#include "vmdemo.h"

/* One page's first @len bytes, for an ITER_BVEC (bvec_set_page() is 6.3+). */
static void vmdemo_bvec_set(struct bio_vec *bv, struct page *page,
			    unsigned int len)
{
	bv->bv_page = page;
	bv->bv_len = len;
	bv->bv_offset = 0;
}

/* The file's size now: it may be changed behind the device's back. */
static loff_t vmdemo_backing_size(struct vmdemo_backing *b)
{
	return i_size_read(file_inode(b->file));
}

/* Set the file's size, as whoever loaded the module. */
static int vmdemo_backing_set_size(struct vmdemo_backing *b, loff_t size)
{
	const struct cred *old = override_creds(b->file->f_cred);
	int err;

	err = vfs_truncate(&b->file->f_path, size);
	revert_creds(old);
	return err;
}

/**
 * vmdemo_backing_open() - open the backing file and settle the size
 * @b: where to keep the open file
 * @path: the file; created (mode 0600) if it does not exist
 * @size: in: the size asked for; out: the size of the device
 * @size_given: whether @size was given at load; if not, an existing
 *	file's size is the device's
 *
 * Return: 0, or a negative errno (logged) and nothing left open.
 */
int vmdemo_backing_open(struct vmdemo_backing *b, const char *path,
			loff_t *size, bool size_given)
{
	int flags = O_RDWR | O_CREAT | O_LARGEFILE | O_CLOEXEC;
	struct file *file;
	loff_t now;
	int err;

	file = filp_open(path, flags, 0600);
	if (IS_ERR(file)) {
		pr_err("backing=%s: cannot open or create it: %ld\n", path,
		       PTR_ERR(file));
		return PTR_ERR(file);
	}
	b->file = file;
	err = -EINVAL;
	if (!S_ISREG(file_inode(file)->i_mode)) {
		pr_err("backing=%s: not a regular file\n", path);
		goto fail;
	}
	if (IS_SWAPFILE(file_inode(file)) ||
	    IS_IMMUTABLE(file_inode(file)) || IS_APPEND(file_inode(file))) {
		pr_err("backing=%s: a swap file, immutable or append-only\n",
		       path);
		goto fail;
	}
	if (!file->f_op->read_iter || !file->f_op->write_iter) {
		pr_err("backing=%s: its file system has no read_iter/write_iter\n",
		       path);
		goto fail;
	}

	now = vmdemo_backing_size(b);
	if (!size_given) {
		*size = now;
	} else if (now > *size) {
		pr_err("backing=%s holds %lld bytes, more than size=%lld: load without size= to use them all, or shorten the file yourself\n",
		       path, now, *size);
		goto fail;
	} else if (now < *size) {
		err = vmdemo_backing_set_size(b, *size);
		if (err) {
			pr_err("backing=%s: cannot extend it to %lld bytes: %d\n",
			       path, *size, err);
			goto fail;
		}
	}

	/* The same file again, for direct I/O, where supported. */
	file = filp_open(path, flags | O_DIRECT, 0600);
	b->direct = IS_ERR(file) ? NULL : file;
	return 0;
fail:
	filp_close(b->file, NULL);
	b->file = NULL;
	return err;
}

/**
 * vmdemo_backing_close() - close the backing file
 * @b: the backing file; nothing may do I/O on it any more
 */
void vmdemo_backing_close(struct vmdemo_backing *b)
{
	if (b->direct)
		filp_close(b->direct, NULL);
	filp_close(b->file, NULL);
	b->file = NULL;
	b->direct = NULL;
}

/* Direct I/O for whole pages, where the file system has it. */
static struct file *vmdemo_backing_pick(struct vmdemo_backing *b, size_t len)
{
	return b->direct && PAGE_ALIGNED(len) ? b->direct : b->file;
}

/* One synchronous read or write of @iter at @pos, straight to the file. */
static ssize_t vmdemo_backing_rw(struct vmdemo_backing *b, struct iov_iter *iter,
				 loff_t pos, bool write)
{
	struct file *file = vmdemo_backing_pick(b, iov_iter_count(iter));
	unsigned int nofs = memalloc_nofs_save();
	struct kiocb kiocb;
	ssize_t ret;

	init_sync_kiocb(&kiocb, file);
	kiocb.ki_pos = pos;
	if (write) {
		file_start_write(file);
		ret = file->f_op->write_iter(&kiocb, iter);
		file_end_write(file);
	} else {
		ret = file->f_op->read_iter(&kiocb, iter);
	}
	memalloc_nofs_restore(nofs);
	return ret;
}

/**
 * vmdemo_backing_hole() - is there nothing to read for a page?
 * @b: the backing file
 * @pos: the page's offset, below the device's size
 *
 * A page in a hole of the file needs no I/O: it is zeroes.  SEEK_DATA on
 * the file finds out; it moves the file's f_pos, which nothing else uses.
 *
 * Return: 1 for a hole, 0 if the page holds data; -EIO if the file ends
 * before @pos (it was shortened behind the device's back: its bytes are
 * gone, and reading zeroes would hide that).
 */
int vmdemo_backing_hole(struct vmdemo_backing *b, loff_t pos)
{
	loff_t data;

	if (pos >= vmdemo_backing_size(b))
		return -EIO;
	data = vfs_llseek(b->file, pos, SEEK_DATA);
	if (data == -ENXIO)
		return 1;
	if (data < 0)
		return 0;	/* no SEEK_DATA: read it */
	return data >= pos + PAGE_SIZE;
}

/**
 * vmdemo_backing_read() - read consecutive pages from the file
 * @b: the backing file
 * @folios: order-0 folios, locked, for the pages from @pos on
 * @nr: how many
 * @pos: offset of the first
 * @len: bytes wanted: up to the end of the device, at most @nr pages
 *
 * Return: bytes read (fewer at the end of the file), or a negative errno.
 */
ssize_t vmdemo_backing_read(struct vmdemo_backing *b, struct folio **folios,
			    unsigned int nr, loff_t pos, size_t len)
{
	struct bio_vec bv[VMDEMO_MAX_READ];
	struct iov_iter iter;
	unsigned int i;

	for (i = 0; i < nr; i++)
		vmdemo_bvec_set(&bv[i], folio_page(folios[i], 0), PAGE_SIZE);
	iov_iter_bvec(&iter, ITER_DEST, bv, nr, len);
	return vmdemo_backing_rw(b, &iter, pos, false);
}

/**
 * vmdemo_backing_write() - write a page to the file
 * @b: the backing file
 * @folio: the order-0 folio, locked and under writeback
 * @len: its bytes below the end of the device
 *
 * Return: 0, or a negative errno (-EIO for a short write).
 */
int vmdemo_backing_write(struct vmdemo_backing *b, struct folio *folio,
			 size_t len)
{
	struct iov_iter iter;
	struct bio_vec bv;
	ssize_t ret;

	vmdemo_bvec_set(&bv, folio_page(folio, 0), len);
	iov_iter_bvec(&iter, ITER_SOURCE, &bv, 1, len);
	ret = vmdemo_backing_rw(b, &iter, folio_pos(folio), true);
	if (ret < 0)
		return ret;
	return ret == len ? 0 : -EIO;
}

/**
 * vmdemo_backing_resize() - give the file the device's new size
 * @b: the backing file
 * @size: the new size
 *
 * Return: 0 or a negative errno.
 */
int vmdemo_backing_resize(struct vmdemo_backing *b, loff_t size)
{
	unsigned int nofs = memalloc_nofs_save();
	int err = vmdemo_backing_set_size(b, size);

	memalloc_nofs_restore(nofs);
	return err;
}

/* Zeroes written over [pos, pos + len), for a file system without punch. */
static int vmdemo_backing_write_zeroes(struct vmdemo_backing *b, loff_t pos,
				       u64 len)
{
	while (len) {
		size_t n = min_t(u64, len, PAGE_SIZE - offset_in_page(pos));
		struct iov_iter iter;
		struct bio_vec bv;
		ssize_t ret;

		vmdemo_bvec_set(&bv, ZERO_PAGE(0), n);
		iov_iter_bvec(&iter, ITER_SOURCE, &bv, 1, n);
		ret = vmdemo_backing_rw(b, &iter, pos, true);
		if (ret < 0)
			return ret;
		if (ret != n)
			return -EIO;
		pos += n;
		len -= n;
	}
	return 0;
}

/**
 * vmdemo_backing_punch() - zero a byte range of the file
 * @b: the backing file
 * @pos: first byte
 * @len: number of bytes
 *
 * Punches a hole where the file system can, writes zeroes where not.
 *
 * Return: 0 or a negative errno.
 */
int vmdemo_backing_punch(struct vmdemo_backing *b, loff_t pos, u64 len)
{
	const struct cred *old = override_creds(b->file->f_cred);
	unsigned int nofs = memalloc_nofs_save();
	int err;

	err = vfs_fallocate(b->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			    pos, len);
	memalloc_nofs_restore(nofs);
	revert_creds(old);
	if (err == -EOPNOTSUPP)
		err = vmdemo_backing_write_zeroes(b, pos, len);
	return err;
}

/**
 * vmdemo_backing_sync() - make what was written to the file durable
 * @b: the backing file
 * @start: first byte
 * @end: last byte (inclusive)
 * @datasync: only the data and what is needed to read it back
 *
 * Return: 0 or a negative errno, such as the file's own writeback error.
 */
int vmdemo_backing_sync(struct vmdemo_backing *b, loff_t start, loff_t end,
			int datasync)
{
	/* One inode: syncing it through either open file syncs both. */
	return vfs_fsync_range(b->file, start, end, datasync);
}
