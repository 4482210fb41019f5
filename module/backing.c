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
 *
 * Reads (with the hole check before them), resizes and punches run on a
 * kernel worker (system_unbound_wq), and the caller waits for them, as the
 * loop driver's I/O runs on its workers.  A fault that reads the file holds
 * the faulting process's mmap_lock, and a resize or punch holds the
 * cache's invalidate_lock, which faults take under mmap_lock; the backing
 * file system takes its inode lock for the I/O (ext4 does, even for a
 * direct read), and it takes mmap_lock under that inode lock whenever
 * someone writes to one of its files from a user buffer.  On the same
 * thread, those two orders are an inversion that lockdep reports for
 * every pair of inodes of that file system.  The real deadlock needs one
 * inode: someone writing the backing file itself, from a buffer that maps
 * the device (the write holds the inode lock and faults on the device,
 * whose read of the file needs the inode lock).  Only root can write the
 * backing file (it must be the loader's, mode 0600 or stricter), and
 * nothing should while the module is loaded, exactly as for the backing
 * file of a loop device.
 *
 * Writes go to a worker too, although writeback holds none of those
 * locks: whoever starts writeback (an fsync(), an eviction) is not the one
 * writing the file, so neither their RLIMIT_FSIZE, nor their signals, nor
 * their credentials (quota, reserved blocks) may apply.  The worker is a
 * kernel thread, and runs with the loader's credentials; so does the
 * flusher, which writes itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/cred.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/uio.h>
#include <linux/workqueue.h>

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

/**
 * struct vmdemo_backing_call - one call run on a kernel worker
 * @work: the work item, on the caller's stack
 * @done: completed by the worker
 * @fn: what to run
 * @arg: its argument
 * @cred: the credentials to run it with: the loader's
 * @ret: what it returned
 */
struct vmdemo_backing_call {
	struct work_struct work;
	struct completion done;
	long (*fn)(void *arg);
	void *arg;
	const struct cred *cred;
	long ret;
};

/* Run the call in this thread, as the loader, without the caller's limits. */
static void vmdemo_backing_call_now(struct vmdemo_backing_call *call)
{
	unsigned int throttle = current->flags & PF_LOCAL_THROTTLE;
	const struct cred *old = override_creds(call->cred);
	unsigned int nofs = memalloc_nofs_save();

	/*
	 * Writing the backing file with buffered I/O dirties its pages:
	 * throttle only against its own disk, never because of the
	 * device's dirty pages that this write is cleaning (as loop and
	 * nfsd do).
	 */
	current->flags |= PF_LOCAL_THROTTLE;
	call->ret = call->fn(call->arg);
	current->flags = (current->flags & ~PF_LOCAL_THROTTLE) | throttle;
	revert_creds(old);
	memalloc_nofs_restore(nofs);
}

static void vmdemo_backing_work(struct work_struct *work)
{
	struct vmdemo_backing_call *call =
		container_of(work, struct vmdemo_backing_call, work);

	vmdemo_backing_call_now(call);
	complete(&call->done);
}

/*
 * Run @fn(@arg) on a kernel worker and wait for it (see the top).  A
 * kernel thread (the flusher writing back, a kworker) holds no lock of a
 * user's and has no limits of one: it runs the call itself.  That is also
 * what keeps writeback free of any wait for a worker to be created, which
 * takes memory: reclaim may wait for the flusher's writeback, never for a
 * fault's read or an fsync().
 */
static long vmdemo_backing_run(struct vmdemo_backing *b,
			       long (*fn)(void *arg), void *arg)
{
	struct vmdemo_backing_call call = {
		.fn = fn, .arg = arg, .cred = b->file->f_cred,
	};

	if (current->flags & PF_KTHREAD) {
		vmdemo_backing_call_now(&call);
		return call.ret;
	}
	INIT_WORK_ONSTACK(&call.work, vmdemo_backing_work);
	init_completion(&call.done);
	queue_work(system_unbound_wq, &call.work);
	wait_for_completion(&call.done);
	destroy_work_on_stack(&call.work);
	return call.ret;
}

/* Set the file's size (as the loader: at load, or on a worker). */
static int vmdemo_backing_set_size(struct vmdemo_backing *b, loff_t size)
{
	return vfs_truncate(&b->file->f_path, size);
}

/**
 * vmdemo_backing_open() - open the backing file and settle the size
 * @b: where to keep the open file
 * @path: the file; created (mode 0600) if it does not exist
 * @size: in: the size asked for; out: the size of the device
 * @size_given: whether @size was given at load; if not, an existing
 *	file's size is the device's, and a new file gets @size
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

	/* A file that is not there yet is created with the size asked for. */
	file = filp_open(path, flags & ~O_CREAT, 0);
	if (PTR_ERR(file) == -ENOENT) {
		file = filp_open(path, flags | O_EXCL, 0600);
		size_given = true;
	}
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
	/*
	 * Nobody else may write it (the device's data would change behind
	 * its cache) or even read it (a read of it into a mapping of the
	 * device can deadlock with the cache's own I/O, see the top).
	 */
	if (!uid_eq(file_inode(file)->i_uid, current_fsuid()) ||
	    (file_inode(file)->i_mode & 0077)) {
		pr_err("backing=%s: must belong to the loader and be mode 0600 or stricter (chown, chmod 600)\n",
		       path);
		err = -EACCES;
		goto fail;
	}
	/*
	 * Nor may it be in use as something else's store (a loop device,
	 * another program): i_writecount counts the open files that may
	 * write it, and ours is one.  A check at load, not a lock: only
	 * root can open the file, and root is told not to (see the top).
	 */
	if (atomic_read(&file_inode(file)->i_writecount) > 1) {
		pr_err("backing=%s: open for writing elsewhere (a loop device? lsof or fuser names who): close it first\n",
		       path);
		err = -EBUSY;
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

	/* The same file again (not the same path), for direct I/O. */
	file = dentry_open(&b->file->f_path,
			   (flags & ~(O_CREAT | O_EXCL)) | O_DIRECT,
			   current_cred());
	b->direct = IS_ERR(file) ? NULL : file;
	return 0;
fail:
	filp_close(b->file, NULL);
	b->file = NULL;
	return err;
}

/**
 * vmdemo_backing_max_size() - the largest size the file may be given
 * @b: the backing file
 *
 * Return: its file system's limit, in whole pages.
 */
loff_t vmdemo_backing_max_size(struct vmdemo_backing *b)
{
	loff_t max = min_t(loff_t, file_inode(b->file)->i_sb->s_maxbytes,
			   MAX_LFS_FILESIZE);

	return round_down(max, PAGE_SIZE);
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

/* One synchronous read or write of @iter at @pos (on a worker). */
static ssize_t vmdemo_backing_rw(struct vmdemo_backing *b, struct iov_iter *iter,
				 loff_t pos, bool write)
{
	struct file *file = vmdemo_backing_pick(b, iov_iter_count(iter));
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
	return ret;
}

/**
 * struct vmdemo_backing_args - the arguments of a call on a worker
 * @b: the backing file
 * @folios: pages to read into
 * @nr: how many
 * @pos: file offset
 * @len: bytes
 */
struct vmdemo_backing_args {
	struct vmdemo_backing *b;
	struct folio **folios;
	unsigned int nr;
	loff_t pos;
	u64 len;
};

static long vmdemo_backing_do_hole(void *arg)
{
	struct vmdemo_backing_args *a = arg;
	loff_t data;

	if (a->pos >= vmdemo_backing_size(a->b))
		return -EIO;
	data = vfs_llseek(a->b->file, a->pos, SEEK_DATA);
	if (data == -ENXIO)
		return 1;
	if (data < 0)
		return 0;	/* no SEEK_DATA: read it */
	return data >= a->pos + PAGE_SIZE;
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
	struct vmdemo_backing_args a = { .b = b, .pos = pos };

	return vmdemo_backing_run(b, vmdemo_backing_do_hole, &a);
}

static long vmdemo_backing_do_read(void *arg)
{
	struct vmdemo_backing_args *a = arg;
	struct bio_vec bv[VMDEMO_MAX_READ];
	struct iov_iter iter;
	unsigned int i;

	for (i = 0; i < a->nr; i++)
		vmdemo_bvec_set(&bv[i], folio_page(a->folios[i], 0), PAGE_SIZE);
	iov_iter_bvec(&iter, ITER_DEST, bv, a->nr, a->len);
	return vmdemo_backing_rw(a->b, &iter, a->pos, false);
}

/**
 * vmdemo_backing_read() - read consecutive pages from the file
 * @b: the backing file
 * @folios: order-0 folios, locked, for the pages from @pos on
 * @nr: how many, at most VMDEMO_MAX_READ
 * @pos: offset of the first
 * @len: bytes wanted: up to the end of the device, at most @nr pages
 *
 * Return: bytes read (fewer at the end of the file), or a negative errno.
 */
ssize_t vmdemo_backing_read(struct vmdemo_backing *b, struct folio **folios,
			    unsigned int nr, loff_t pos, size_t len)
{
	struct vmdemo_backing_args a = {
		.b = b, .folios = folios, .nr = nr, .pos = pos, .len = len,
	};

	return vmdemo_backing_run(b, vmdemo_backing_do_read, &a);
}

static long vmdemo_backing_do_write(void *arg)
{
	struct vmdemo_backing_args *a = arg;
	struct bio_vec bv[VMDEMO_MAX_READ];
	struct iov_iter iter;
	unsigned int i;
	ssize_t ret;
	loff_t pos;

	for (i = 0; i < a->nr; i++)
		vmdemo_bvec_set(&bv[i], folio_page(a->folios[i], 0),
				min_t(u64, a->len - i * PAGE_SIZE, PAGE_SIZE));
	iov_iter_bvec(&iter, ITER_SOURCE, bv, a->nr, a->len);
	/*
	 * A short write is retried for the rest, so that the caller gets
	 * the reason (a full file system: -ENOSPC); if any of the run is
	 * not written, all of it stays dirty and is written again later.
	 */
	for (pos = a->pos; iov_iter_count(&iter); pos += ret) {
		ret = vmdemo_backing_rw(a->b, &iter, pos, true);
		if (ret <= 0)
			return ret ?: -EIO;
	}
	return 0;
}

/**
 * vmdemo_backing_write() - write consecutive pages to the file
 * @b: the backing file
 * @folios: order-0 folios, locked and under writeback, for the pages
 *	from @pos on
 * @nr: how many, at most VMDEMO_MAX_READ
 * @pos: offset of the first
 * @len: their bytes below the end of the device
 *
 * Return: 0, or a negative errno (-EIO if the file takes no more bytes
 * and says no more).
 */
int vmdemo_backing_write(struct vmdemo_backing *b, struct folio **folios,
			 unsigned int nr, loff_t pos, size_t len)
{
	struct vmdemo_backing_args a = {
		.b = b, .folios = folios, .nr = nr, .pos = pos, .len = len,
	};

	return vmdemo_backing_run(b, vmdemo_backing_do_write, &a);
}

static long vmdemo_backing_do_resize(void *arg)
{
	struct vmdemo_backing_args *a = arg;

	return vmdemo_backing_set_size(a->b, a->pos);
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
	struct vmdemo_backing_args a = { .b = b, .pos = size };

	return vmdemo_backing_run(b, vmdemo_backing_do_resize, &a);
}

static long vmdemo_backing_do_grow(void *arg)
{
	struct vmdemo_backing_args *a = arg;
	int err = 0;

	if (vmdemo_backing_size(a->b) > a->pos)
		err = vmdemo_backing_set_size(a->b, a->pos);
	return err ?: vmdemo_backing_set_size(a->b, a->pos + a->len);
}

/**
 * vmdemo_backing_grow() - grow the file with the device
 * @b: the backing file
 * @old: the device's size now
 * @size: its new, larger size
 *
 * The file is normally @old bytes long.  If it is longer, a shrink could
 * not cut it (its error was reported then), and its bytes past @old are
 * the device's old ones: they are cut first, so that the grown range
 * reads as zeroes, as it must.
 *
 * Return: 0 or a negative errno; on an error the device's size must not
 * change (the file may have been cut to @old, which is right anyway).
 */
int vmdemo_backing_grow(struct vmdemo_backing *b, loff_t old, loff_t size)
{
	struct vmdemo_backing_args a = { .b = b, .pos = old, .len = size - old };

	return vmdemo_backing_run(b, vmdemo_backing_do_grow, &a);
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

static long vmdemo_backing_do_punch(void *arg)
{
	struct vmdemo_backing_args *a = arg;
	int err;

	err = vfs_fallocate(a->b->file,
			    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			    a->pos, a->len);
	if (err == -EOPNOTSUPP)
		err = vmdemo_backing_write_zeroes(a->b, a->pos, a->len);
	return err;
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
	struct vmdemo_backing_args a = { .b = b, .pos = pos, .len = len };

	return vmdemo_backing_run(b, vmdemo_backing_do_punch, &a);
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
