/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmdemo: a character device that serves memory mappings from a page
 * cache owned by its driver.  This is the whole user-space ABI: the
 * module and every user-space program include this one header.
 */
#ifndef _UAPI_LINUX_VMDEMO_H
#define _UAPI_LINUX_VMDEMO_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The device node created by the misc device. */
#define VMDEMO_DEVICE_PATH	"/dev/vmdemo"

/**
 * struct vmdemo_range - a byte range of the device
 * @offset: first byte of the range
 * @length: number of bytes in the range; must not be zero
 * @flags: none are defined yet; must be zero (EINVAL otherwise), so that
 *	later versions can give it meaning
 */
struct vmdemo_range {
	__u64 offset;
	__u64 length;
	__u64 flags;
};

/**
 * struct vmdemo_info - the state of the device, as VMDEMO_IOC_GET_INFO
 * reports it
 * @size: current size in bytes
 * @max_size: largest size VMDEMO_IOC_SET_SIZE accepts, in bytes
 * @pages_resident: pages in the driver's page cache now
 * @page_size: the kernel's page size, in bytes
 */
struct vmdemo_info {
	__u64 size;
	__u64 max_size;
	__u64 pages_resident;
	__u64 page_size;
};

#define VMDEMO_IOC_MAGIC	0xB9

/* Read the current size in bytes. */
#define VMDEMO_IOC_GET_SIZE	_IOR(VMDEMO_IOC_MAGIC, 0x00, __u64)
/*
 * Set the size in bytes, like ftruncate() on a tmpfs file: shrinking
 * frees the pages past the new end and zeroes the rest of a partial last
 * page; growing adds zeroes.  EFBIG above the maximum size.
 */
#define VMDEMO_IOC_SET_SIZE	_IOW(VMDEMO_IOC_MAGIC, 0x01, __u64)
/*
 * Zero a range, like fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)
 * on a tmpfs file: whole pages are freed, partial pages zeroed in place.
 * EINVAL for an empty range, one that overflows or ends past the size,
 * or nonzero flags.
 */
#define VMDEMO_IOC_PUNCH_HOLE	_IOW(VMDEMO_IOC_MAGIC, 0x02, struct vmdemo_range)
/* Read struct vmdemo_info. */
#define VMDEMO_IOC_GET_INFO	_IOR(VMDEMO_IOC_MAGIC, 0x03, struct vmdemo_info)
/*
 * Drop a range from the driver's page cache, as memory pressure would
 * (module parameter backing= only): write its dirty pages to the backing
 * file, unmap them from shared mappings (private copies stay), and drop
 * them.  An evicted page comes back on the next access, read from the
 * file by a major fault.  EOPNOTSUPP without a backing file (nothing
 * changes); EBUSY if a page of the range could not be dropped (pinned,
 * or written again meanwhile; nothing is lost); EIO or ENOSPC if writing
 * it back failed (it stays dirty and cached); EINVAL as for PUNCH_HOLE.
 */
#define VMDEMO_IOC_EVICT	_IOW(VMDEMO_IOC_MAGIC, 0x04, struct vmdemo_range)

#endif /* _UAPI_LINUX_VMDEMO_H */
