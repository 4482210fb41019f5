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
module_param_named(size, vmdemo_size, ullong, 0444);
MODULE_PARM_DESC(size, "Initial size of the device in bytes (default 16 MiB)");

/*
 * The pages of the device are unevictable and outlive the processes that
 * touched them, so the memory it may hold is bounded: by default half of
 * the RAM, at most 1 GiB; more only when asked for twice.  Growing past
 * the load-time size also takes CAP_SYS_ADMIN (dev.c).
 */
#define VMDEMO_MAX_SIZE_DEFAULT	BIT_ULL(30)

static unsigned long long vmdemo_max_size;
module_param_named(max_size, vmdemo_max_size, ullong, 0444);
MODULE_PARM_DESC(max_size, "Largest size VMDEMO_IOC_SET_SIZE accepts (default 0: half of RAM, at most 1 GiB)");

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

static int __init vmdemo_init(void)
{
	int err;

	err = vmdemo_check_max_size();
	if (err)
		return err;
	if (vmdemo_max_size > MAX_LFS_FILESIZE) {
		pr_err("max_size=%llu is larger than the largest file (%lld)\n",
		       vmdemo_max_size, (long long)MAX_LFS_FILESIZE);
		return -EINVAL;
	}
	if (vmdemo_size > vmdemo_max_size) {
		pr_err("size=%llu is larger than max_size=%llu\n",
		       vmdemo_size, vmdemo_max_size);
		return -EINVAL;
	}
	if (vmdemo_mode & ~0666) {
		pr_err("mode=%#o: only read and write bits (0666) are allowed\n",
		       vmdemo_mode);
		return -EINVAL;
	}

	err = vmdemo_store_init(&vmdemo_device.store, vmdemo_size,
				vmdemo_max_size);
	if (err) {
		pr_err("cannot create the page store: %d\n", err);
		return err;
	}
	vmdemo_stats_init(&vmdemo_device.store);

	err = vmdemo_dev_register(&vmdemo_device, vmdemo_mode);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", KBUILD_MODNAME, err);
		vmdemo_stats_exit();
		vmdemo_store_exit(&vmdemo_device.store);
		return err;
	}
	pr_info("/dev/%s ready: size %llu, max_size %llu\n", KBUILD_MODNAME,
		vmdemo_size, vmdemo_max_size);
	return 0;
}

static void __exit vmdemo_exit(void)
{
	/*
	 * Every open file and every mapping holds a reference on the module,
	 * so nothing can reach the store any more.
	 */
	vmdemo_dev_deregister(&vmdemo_device);
	vmdemo_stats_exit();
	vmdemo_store_exit(&vmdemo_device.store);
}

module_init(vmdemo_init);
module_exit(vmdemo_exit);

MODULE_DESCRIPTION("Memory mapping from the inside: a device with its own fault path");
MODULE_AUTHOR("The vmdemo authors");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
