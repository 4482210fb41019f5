/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The object under test: /dev/vmdemo or a file on tmpfs.  Every
 * conformance test runs once on each and expects the same result, so
 * the tests only ever reach the object through these helpers or
 * through plain system calls on target->fd / target->path.
 */
#ifndef _VMDEMO_TARGET_H
#define _VMDEMO_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum target_kind {
	TARGET_DEVICE,
	TARGET_TMPFS,
};

/**
 * struct target - one opened object under test
 * @kind: device or tmpfs file
 * @fd: an O_RDWR descriptor of it, or -1 once a test closed it
 * @path: a path that opens it again
 * @unlink: @path is a tmpfs file that teardown removes
 */
struct target {
	enum target_kind kind;
	int fd;
	char path[PATH_MAX];
	bool unlink;
};

/* The page size; set before main() runs. */
extern size_t pagesz;

/* Bytes in @n pages. */
static inline size_t pages(size_t n)
{
	return n * pagesz;
}

/* Results of target_setup(). */
#define TARGET_READY	0
#define TARGET_SKIP	1
#define TARGET_ERROR	2

int target_setup(struct target *t, enum target_kind kind, uint64_t size,
		 char *msg, size_t msglen);
void target_teardown(struct target *t);
int target_reopen(const struct target *t, int flags);
int target_set_size(const struct target *t, uint64_t size);
int target_get_size(const struct target *t, uint64_t *size);
int target_punch(const struct target *t, uint64_t offset, uint64_t length);
long target_resident(const struct target *t);

static inline bool target_is_device(const struct target *t)
{
	return t->kind == TARGET_DEVICE;
}

#endif /* _VMDEMO_TARGET_H */
