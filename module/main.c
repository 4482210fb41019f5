// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo: a character device whose memory mappings are served from a
 * page cache its driver owns, through its own fault handler, with the
 * MAP_SHARED and MAP_PRIVATE semantics of a tmpfs file.
 *
 * This file holds the module parameters and brings the parts up and down.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>

#include "vmdemo.h"

static unsigned long long vmdemo_size = 16ULL << 20;
static bool vmdemo_size_given;

/* size=, remembering that it was given (a backing file's size is not). */
static int vmdemo_size_set(const char *val, const struct kernel_param *kp)
{
	int err = param_set_ullong(val, kp);

	if (!err)
		vmdemo_size_given = true;
	return err;
}

static const struct kernel_param_ops vmdemo_size_ops = {
	.set = vmdemo_size_set,
	.get = param_get_ullong,
};

module_param_cb(size, &vmdemo_size_ops, &vmdemo_size, 0444);
MODULE_PARM_DESC(size, "Initial size of the device in bytes (default 16 MiB, or the backing file's size)");

static char *vmdemo_backing;
module_param_named(backing, vmdemo_backing, charp, 0444);
MODULE_PARM_DESC(backing, "Regular file that holds the device's bytes; the cache writes back to it and may drop clean pages (default: none, RAM only)");

/*
 * The pages of the device are unevictable and outlive the processes that
 * touched them, so the memory it may hold is bounded: by default half of
 * the RAM, at most 1 GiB; more only when asked for twice.  Growing past
 * the load-time size also takes CAP_SYS_ADMIN (dev.c).
 */
#define VMDEMO_MAX_SIZE_DEFAULT	BIT_ULL(30)

static unsigned long long vmdemo_max_size;
module_param_named(max_size, vmdemo_max_size, ullong, 0444);
MODULE_PARM_DESC(max_size, "Largest size VMDEMO_IOC_SET_SIZE accepts (default 0: half of RAM, at most 1 GiB; with backing=, the file system's limit)");

static bool vmdemo_force_max_size;
module_param_named(force_max_size, vmdemo_force_max_size, bool, 0444);
MODULE_PARM_DESC(force_max_size, "Allow a max_size above half of RAM (default N)");

static ushort vmdemo_mode = 0600;
module_param_named(mode, vmdemo_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Permissions of /dev/vmdemo (default 0600)");

static struct vmdemo_device vmdemo_device;

/* Settle max_size: the default, or -EINVAL if it asks for too much. */
static int __init vmdemo_check_max_size(void)
{
	/* Whole pages, so that max_size is a valid mmap() offset. */
	unsigned long long half_ram = (unsigned long long)(totalram_pages() / 2)
				      << PAGE_SHIFT;

	/*
	 * With a backing file, the cache gives memory back: no RAM bound,
	 * but the file's own file system has one.
	 */
	if (vmdemo_device.store.backing.file) {
		loff_t fs_max = vmdemo_backing_max_size(&vmdemo_device.store.backing);

		if (!vmdemo_max_size)
			vmdemo_max_size = fs_max;
		if (vmdemo_max_size > fs_max) {
			pr_err("max_size=%llu is more than the backing file's file system allows (%lld)\n",
			       vmdemo_max_size, (long long)fs_max);
			return -EINVAL;
		}
		return 0;
	}
	if (!vmdemo_max_size) {
		vmdemo_max_size = min(half_ram, VMDEMO_MAX_SIZE_DEFAULT);
		return 0;
	}
	if (vmdemo_max_size > half_ram && !vmdemo_force_max_size) {
		pr_err("max_size=%llu is more than half of the RAM (%llu): the device's pages cannot be reclaimed; add force_max_size=1 if you mean it\n",
		       vmdemo_max_size, half_ram);
		return -EINVAL;
	}
	return 0;
}

/* Open backing=PATH, if given; the size may become the file's. */
static int __init vmdemo_open_backing(void)
{
	loff_t size = vmdemo_size;
	int err;

	if (!vmdemo_backing || !*vmdemo_backing)
		return 0;
	if (vmdemo_size > MAX_LFS_FILESIZE) {
		pr_err("size=%llu is larger than the largest file\n", vmdemo_size);
		return -EINVAL;
	}
	err = vmdemo_backing_open(&vmdemo_device.store.backing, vmdemo_backing,
				  &size, vmdemo_size_given);
	if (!err)
		vmdemo_size = size;
	return err;
}

static int __init vmdemo_init(void)
{
	struct vmdemo_backing *backing = &vmdemo_device.store.backing;
	int err;

	err = vmdemo_open_backing();
	if (err)
		return err;
	err = vmdemo_check_max_size();
	if (err)
		goto out_backing;
	err = -EINVAL;
	if (vmdemo_max_size > MAX_LFS_FILESIZE) {
		pr_err("max_size=%llu is larger than the largest file (%lld)\n",
		       vmdemo_max_size, (long long)MAX_LFS_FILESIZE);
		goto out_backing;
	}
	if (vmdemo_size > vmdemo_max_size) {
		pr_err("size=%llu is larger than max_size=%llu\n",
		       vmdemo_size, vmdemo_max_size);
		goto out_backing;
	}
	if (vmdemo_mode & ~0666) {
		pr_err("mode=%#o: only read and write bits (0666) are allowed\n",
		       vmdemo_mode);
		goto out_backing;
	}

	err = vmdemo_store_init(&vmdemo_device.store, vmdemo_size,
				vmdemo_max_size);
	if (err) {
		pr_err("cannot create the page store: %d\n", err);
		goto out_backing;
	}
	vmdemo_stats_init(&vmdemo_device.store);

	err = vmdemo_dev_register(&vmdemo_device, vmdemo_mode);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", KBUILD_MODNAME, err);
		vmdemo_stats_exit();
		vmdemo_store_exit(&vmdemo_device.store);
		goto out_backing;
	}
	if (backing->file)
		pr_info("/dev/%s ready: size %llu, max_size %llu, backing file %s (%s I/O)\n",
			KBUILD_MODNAME, vmdemo_size, vmdemo_max_size,
			vmdemo_backing, backing->direct ? "direct" : "buffered");
	else
		pr_info("/dev/%s ready: size %llu, max_size %llu\n",
			KBUILD_MODNAME, vmdemo_size, vmdemo_max_size);
	return 0;

out_backing:
	if (backing->file)
		vmdemo_backing_close(backing);
	return err;
}

static void __exit vmdemo_exit(void)
{
	/*
	 * Every open file and every mapping holds a reference on the module,
	 * so nothing can reach the store any more.
	 */
	vmdemo_dev_deregister(&vmdemo_device);
	vmdemo_stats_exit();
	/* Writes every dirty page back first. */
	vmdemo_store_exit(&vmdemo_device.store);
	if (vmdemo_device.store.backing.file)
		vmdemo_backing_close(&vmdemo_device.store.backing);
}

module_init(vmdemo_init);
module_exit(vmdemo_exit);

MODULE_DESCRIPTION("Memory mapping from the inside: a device with its own fault path");
MODULE_AUTHOR("The vmdemo authors");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
