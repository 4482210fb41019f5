// SPDX-License-Identifier: GPL-2.0
/*
 * The object under test: /dev/vmdemo (env VMDEMO_DEV) or a fresh file in
 * a tmpfs directory (env VMDEMO_TMPFS, default /dev/shm).
 *
 * The device is one global object, so setting it up means resetting it:
 * size 0 frees every page, then the size the test wants.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/falloc.h>
#include <linux/magic.h>
#include <linux/vmdemo.h>

#include "sysfile.h"
#include "target.h"

size_t pagesz;

static void __attribute__((constructor)) target_init_pagesz(void)
{
	pagesz = sysconf(_SC_PAGESIZE);
}

static int setup_device(struct target *t, char *msg, size_t msglen)
{
	snprintf(t->path, sizeof(t->path), "%s", vmdemo_dev());
	t->fd = open(t->path, O_RDWR | O_CLOEXEC);
	if (t->fd >= 0) {
		/*
		 * With a backing file, a writeback error no open file has
		 * seen yet (a memory error in a dirty page, from an earlier
		 * test) is reported by the first fsync() of a new open file,
		 * as on a disk file.  Each test starts without one.
		 */
		(void)!fsync(t->fd);
		return TARGET_READY;
	}
	snprintf(msg, msglen, "%s: %s%s", t->path, strerror(errno),
		 errno == ENOENT ? " (vmdemo module not loaded)" : "");
	return errno == ENOENT ? TARGET_SKIP : TARGET_ERROR;
}

static int setup_tmpfs(struct target *t, char *msg, size_t msglen)
{
	const char *dir = getenv("VMDEMO_TMPFS");
	struct statfs sfs;

	if (!dir || !*dir)
		dir = "/dev/shm";
	if (statfs(dir, &sfs)) {
		snprintf(msg, msglen, "%s: %s (set VMDEMO_TMPFS to a tmpfs)",
			 dir, strerror(errno));
		return errno == ENOENT ? TARGET_SKIP : TARGET_ERROR;
	}
	if (sfs.f_type != TMPFS_MAGIC) {
		snprintf(msg, msglen, "%s is not a tmpfs (f_type %#lx)", dir,
			 (unsigned long)sfs.f_type);
		return TARGET_ERROR;
	}
	snprintf(t->path, sizeof(t->path), "%s/vmdemo-conform-XXXXXX", dir);
	t->fd = mkostemp(t->path, O_CLOEXEC);
	if (t->fd < 0) {
		snprintf(msg, msglen, "mkostemp in %s: %s", dir,
			 strerror(errno));
		return TARGET_ERROR;
	}
	t->unlink = true;
	return TARGET_READY;
}

/**
 * target_setup() - open the object of @kind and give it @size zero bytes
 * @t: filled in
 * @kind: which object
 * @size: size in bytes
 * @msg: receives the reason when the result is not TARGET_READY
 * @msglen: size of @msg
 *
 * Return: TARGET_READY, TARGET_SKIP (the object does not exist here) or
 * TARGET_ERROR.
 */
int target_setup(struct target *t, enum target_kind kind, uint64_t size,
		 char *msg, size_t msglen)
{
	uint64_t got;
	int ret;

	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->fd = -1;
	if (kind == TARGET_DEVICE)
		ret = setup_device(t, msg, msglen);
	else
		ret = setup_tmpfs(t, msg, msglen);
	if (ret != TARGET_READY)
		return ret;

	if (target_set_size(t, 0) || target_set_size(t, size)) {
		snprintf(msg, msglen, "%s: resetting the size to %llu: %s",
			 t->path, (unsigned long long)size, strerror(errno));
		return TARGET_ERROR;
	}
	if (target_get_size(t, &got) || got != size) {
		snprintf(msg, msglen, "%s: size is %llu after setting %llu",
			 t->path, (unsigned long long)got,
			 (unsigned long long)size);
		return TARGET_ERROR;
	}
	return TARGET_READY;
}

void target_teardown(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->unlink)
		unlink(t->path);
	t->unlink = false;
}

/* Open the object again by its path; returns the new fd or -1. */
int target_reopen(const struct target *t, int flags)
{
	return open(t->path, flags | O_CLOEXEC);
}

/* VMDEMO_IOC_SET_SIZE, or ftruncate() on tmpfs.  0 or -1 with errno. */
int target_set_size(const struct target *t, uint64_t size)
{
	if (t->kind == TARGET_DEVICE)
		return ioctl(t->fd, VMDEMO_IOC_SET_SIZE, &size);
	return ftruncate(t->fd, size);
}

/* VMDEMO_IOC_GET_SIZE, or fstat() on tmpfs.  0 or -1 with errno. */
int target_get_size(const struct target *t, uint64_t *size)
{
	struct stat st;

	if (t->kind == TARGET_DEVICE)
		return ioctl(t->fd, VMDEMO_IOC_GET_SIZE, size);
	if (fstat(t->fd, &st))
		return -1;
	*size = st.st_size;
	return 0;
}

/*
 * VMDEMO_IOC_PUNCH_HOLE, or fallocate(PUNCH_HOLE | KEEP_SIZE) on tmpfs.
 * 0 or -1 with errno.
 */
int target_punch(const struct target *t, uint64_t offset, uint64_t length)
{
	struct vmdemo_range range = { .offset = offset, .length = length };

	if (t->kind == TARGET_DEVICE)
		return ioctl(t->fd, VMDEMO_IOC_PUNCH_HOLE, &range);
	return fallocate(t->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 offset, length);
}

/*
 * Pages the object holds in memory: the device's page cache
 * (pages_resident), or the blocks a tmpfs file has allocated.
 * -1 on error.
 */
long target_resident(const struct target *t)
{
	struct vmdemo_info info;
	struct stat st;

	if (t->kind == TARGET_DEVICE) {
		if (ioctl(t->fd, VMDEMO_IOC_GET_INFO, &info))
			return -1;
		return info.pages_resident;
	}
	if (fstat(t->fd, &st))
		return -1;
	return st.st_blocks * 512 / pagesz;
}
