// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmdemo: the misc character device and its file operations.
 *
 * The device behaves like a file of fixed (but resizable) size: read,
 * write, lseek, fsync and mmap work as on a tmpfs file (with a backing
 * file, as on a disk file), and ioctls stand in for ftruncate() and
 * fallocate(PUNCH_HOLE), which the VFS does not offer for character
 * devices, and for eviction from the cache.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <uapi/linux/vmdemo.h>

#include "compat.h"
#include "vmdemo.h"

static struct vmdemo_store *vmdemo_file_store(struct file *file)
{
	return file->private_data;
}

static int vmdemo_open(struct inode *inode, struct file *file)
{
	/* misc_open() left the struct miscdevice in private_data. */
	struct vmdemo_device *vdev = container_of(file->private_data,
						  struct vmdemo_device, misc);

	file->private_data = &vdev->store;
	/*
	 * Every open file shares the store's address_space, so mmap() links
	 * each mapping into its i_mmap tree, where unmap_mapping_range()
	 * finds them all when a range is shrunk away or punched.
	 */
	file->f_mapping = vdev->store.mapping;
	/*
	 * The VFS sampled the writeback error state of the node's own
	 * mapping; fsync() must report errors of the store's from now on.
	 */
	file->f_wb_err = filemap_sample_wb_err(file->f_mapping);
	/*
	 * What the VFS gives a regular file and not a character device:
	 * read(), write() and lseek() of threads sharing this file update
	 * the position under f_pos_lock, as POSIX asks of a file.
	 *
	 * FMODE_NOWAIT stays off, as on tmpfs: preadv2()/pwritev2() with
	 * RWF_NOWAIT fail with EOPNOTSUPP on both.  io_uring still passes
	 * IOCB_NOWAIT for a descriptor opened O_NONBLOCK, and store.c
	 * honours it.
	 */
	file->f_mode |= FMODE_ATOMIC_POS;
	return 0;
}

/**
 * vmdemo_file_modified() - update the times of the device node after a write
 * @file: the open device
 *
 * The modification and change times, as a write or a store through a
 * shared mapping updates a file's.  The VFS guards writes to regular files
 * against a frozen file system, not to device nodes, and the node may live
 * on any file system; so, as pipe_write() does for a FIFO, the times are
 * updated only if the node's file system is not frozen, never waiting.
 */
void vmdemo_file_modified(struct file *file)
{
	struct super_block *sb = file_inode(file)->i_sb;

	if (sb_start_write_trylock(sb)) {
		file_update_time(file);
		sb_end_write(sb);
	}
}

static ssize_t vmdemo_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	ssize_t ret;

	ret = vmdemo_store_read(vmdemo_file_store(file), iocb, to);
	/* The access time, as filemap_read() updates it. */
	file_accessed(file);
	return ret;
}

static ssize_t vmdemo_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct vmdemo_store *store = vmdemo_file_store(file);
	ssize_t ret;

	if (!iov_iter_count(from))
		return 0;
	/* O_APPEND, RWF_APPEND: at the end, which is fixed: ENOSPC. */
	if (iocb->ki_flags & IOCB_APPEND)
		iocb->ki_pos = vmdemo_store_size(store);
	ret = vmdemo_store_write(store, iocb, from);
	if (ret > 0 && !(iocb->ki_flags & IOCB_NOWAIT))
		vmdemo_file_modified(file);
	return ret;
}

static loff_t vmdemo_llseek(struct file *file, loff_t offset, int whence)
{
	return generic_file_llseek_size(file, offset, whence, MAX_LFS_FILESIZE,
					vmdemo_store_size(vmdemo_file_store(file)));
}

/*
 * The VFS lets a character device be mapped at any offset below ULONG_MAX;
 * a regular file stops at MAX_LFS_FILESIZE (EOVERFLOW).  Behave like the
 * file.
 */
static bool vmdemo_offset_too_big(unsigned long pgoff, unsigned long len)
{
	return len > MAX_LFS_FILESIZE ||
	       pgoff > (MAX_LFS_FILESIZE - len) >> PAGE_SHIFT;
}

/*
 * For MAP_FIXED, mmap() unmaps whatever was at the address before it calls
 * ->mmap, so a refusal there would still destroy the old mapping; the
 * address is chosen first, here, and refusing here leaves it alone, as
 * the VFS's own check does for a regular file.
 */
static unsigned long vmdemo_get_unmapped_area(struct file *file,
					      unsigned long addr,
					      unsigned long len,
					      unsigned long pgoff,
					      unsigned long flags)
{
	if ((flags & MAP_FIXED) && vmdemo_offset_too_big(pgoff, len))
		return -EOVERFLOW;
	return vmdemo_default_unmapped_area(file, addr, len, pgoff, flags);
}

static int vmdemo_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vmdemo_offset_too_big(vma->vm_pgoff,
				  vma->vm_end - vma->vm_start))
		return -EOVERFLOW;

	file_accessed(file);
	vmdemo_vma_init(vma, vmdemo_file_store(file));
	vmdemo_count(VMDEMO_STAT_MMAPS, 1);
	return 0;
}

/*
 * fsync(), fdatasync() and msync(MS_SYNC): without a backing file there
 * is nothing to write.  With one, the dirty pages of the range are
 * written back and waited for, and the first writeback error since this
 * file last asked is reported (errseq, as for a file); then the backing
 * file itself is synced, so that the bytes are on its disk.
 */
static int vmdemo_fsync(struct file *file, loff_t start, loff_t end,
			int datasync)
{
	struct vmdemo_store *store = vmdemo_file_store(file);
	int err;

	if (!vmdemo_store_backed(store))
		return 0;
	err = file_write_and_wait_range(file, start, end);
	if (err)
		return err;
	err = vmdemo_backing_sync(&store->backing, start, end, datasync);
	if (err) {
		/*
		 * The backing file's own error (its writeback, its journal)
		 * is reported once per open file of the backing file, and the
		 * module has one: record it in the device's mapping, so that
		 * every open file of the device is told, as for our own.
		 */
		mapping_set_error(store->mapping, err);
		err = file_check_and_advance_wb_err(file);
	}
	return err;
}

/*
 * Whoever may open the device may fill what the administrator loaded it
 * with; more memory than that, which nothing can reclaim, takes
 * CAP_SYS_ADMIN.  The capability is asked for only when the call would
 * grow the device past that size (an unneeded capable() would log a
 * denial); resize.c checks again under its lock, with the size stable.
 */
static bool vmdemo_may_grow(struct vmdemo_store *store, u64 size)
{
	if (size <= store->base_size || size <= vmdemo_store_size(store))
		return true;
	return capable(CAP_SYS_ADMIN);
}

static long vmdemo_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct vmdemo_store *store = vmdemo_file_store(file);
	void __user *argp = (void __user *)arg;
	struct vmdemo_range range;
	struct vmdemo_info info;
	u64 size;

	switch (cmd) {
	case VMDEMO_IOC_GET_SIZE:
		size = vmdemo_store_size(store);
		return put_user(size, (u64 __user *)argp);

	case VMDEMO_IOC_SET_SIZE:
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		if (get_user(size, (u64 __user *)argp))
			return -EFAULT;
		if (size > store->max_size)
			return -EFBIG;
		return vmdemo_store_set_size(store, size,
					     vmdemo_may_grow(store, size));

	case VMDEMO_IOC_PUNCH_HOLE:
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		if (copy_from_user(&range, argp, sizeof(range)))
			return -EFAULT;
		if (range.flags)
			return -EINVAL;
		return vmdemo_store_punch_hole(store, range.offset,
					       range.length);

	case VMDEMO_IOC_EVICT:
		/* Changes no byte of the device: reading it is enough. */
		if (copy_from_user(&range, argp, sizeof(range)))
			return -EFAULT;
		if (range.flags)
			return -EINVAL;
		return vmdemo_store_evict(store, file, range.offset,
					  range.length);

	case VMDEMO_IOC_GET_INFO:
		memset(&info, 0, sizeof(info));
		info.size = vmdemo_store_size(store);
		info.max_size = store->max_size;
		info.pages_resident = vmdemo_store_resident(store);
		info.page_size = PAGE_SIZE;
		if (copy_to_user(argp, &info, sizeof(info)))
			return -EFAULT;
		return 0;

	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmdemo_fops = {
	.owner		= THIS_MODULE,
	.open		= vmdemo_open,
	.read_iter	= vmdemo_read_iter,
	.write_iter	= vmdemo_write_iter,
	.llseek		= vmdemo_llseek,
	.mmap		= vmdemo_mmap,
	.get_unmapped_area = vmdemo_get_unmapped_area,
	.splice_read	= vmdemo_splice_read,
	.splice_write	= iter_file_splice_write,
	.fsync		= vmdemo_fsync,
	.unlocked_ioctl	= vmdemo_ioctl,
	/* Every argument is a pointer to the same layout on 32 and 64 bit. */
	.compat_ioctl	= compat_ptr_ioctl,
};

/**
 * vmdemo_dev_register() - create /dev/vmdemo
 * @vdev: the device; its store must be initialised
 * @mode: permissions of the device node
 *
 * Return: 0 or a negative errno from misc_register().
 */
int vmdemo_dev_register(struct vmdemo_device *vdev, umode_t mode)
{
	vdev->misc.minor = MISC_DYNAMIC_MINOR;
	vdev->misc.name = KBUILD_MODNAME;
	vdev->misc.fops = &vmdemo_fops;
	vdev->misc.mode = mode;
	return misc_register(&vdev->misc);
}

/**
 * vmdemo_dev_deregister() - remove /dev/vmdemo
 * @vdev: the device
 */
void vmdemo_dev_deregister(struct vmdemo_device *vdev)
{
	misc_deregister(&vdev->misc);
}
