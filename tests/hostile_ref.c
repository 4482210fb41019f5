// SPDX-License-Identifier: GPL-2.0
/*
 * The harness-free part of the hostile_* programs: see hostile_ref.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "hostile_ref.h"
#include "pattern.h"
#include "sysfile.h"
#include "target.h"

uint64_t ref_size;
uint64_t max_size;

void hostile_init(void)
{
	ref_size = pages(REF_PAGES) + REF_TAIL;
}

uint64_t V(struct val v)
{
	uint64_t base = v.b == V_SIZE ? ref_size : v.b == V_MAX ? max_size : 0;

	return base + (uint64_t)v.pg * pagesz + v.d;
}

/* The byte the reference state has at @off (past the size: zero). */
uint8_t ref_byte(uint64_t off)
{
	if (off < pages(4) || (off >= pages(REF_PAGES) &&
			       off < pages(REF_PAGES) + TAIL_PAT))
		return pat_byte(off, GEN);
	return 0;
}

void ref_fill(uint8_t *buf, size_t len, uint64_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = ref_byte(off + i);
}

/* Does @buf hold the reference bytes of [@off, @off + @len)? */
bool ref_match(const uint8_t *buf, size_t len, uint64_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != ref_byte(off + i))
			return false;
	return true;
}

/*
 * Open the object of @kind in the reference state: TARGET_READY, or
 * TARGET_SKIP / TARGET_ERROR with the reason in @msg.  The device's
 * max_size is known afterwards.
 */
int ref_open(struct target *t, enum target_kind kind, char *msg,
	     size_t msglen)
{
	struct vmdemo_info info;
	int ret;

	ret = target_setup(t, kind, ref_size, msg, msglen);
	if (ret != TARGET_READY)
		return ret;
	if (kind == TARGET_DEVICE) {
		if (ioctl(t->fd, VMDEMO_IOC_GET_INFO, &info)) {
			snprintf(msg, msglen, "VMDEMO_IOC_GET_INFO: %s",
				 strerror(errno));
			return TARGET_ERROR;
		}
		max_size = info.max_size;
	}
	if (pat_pwrite(t->fd, 0, pages(4), GEN) ||
	    pat_pwrite(t->fd, pages(REF_PAGES), TAIL_PAT, GEN) ||
	    lseek(t->fd, FPOS, SEEK_SET) != FPOS) {
		snprintf(msg, msglen, "%s: setting up the reference state: %s",
			 t->path, strerror(errno));
		return TARGET_ERROR;
	}
	return TARGET_READY;
}

/* Leave the device as loading left it: empty, at its load-time size. */
void ref_teardown(struct target *t)
{
	if (t->kind == TARGET_DEVICE && t->fd >= 0) {
		target_set_size(t, 0);
		target_set_size(t, sysfile_long(VMDEMO_PARAMS_DIR "/size",
						ref_size));
	}
	target_teardown(t);
}

static const int fdk_flags[] = {
	[FD_RDWR] = O_RDWR,
	[FD_RDONLY] = O_RDONLY,
	[FD_WRONLY] = O_WRONLY,
	[FD_PATH] = O_PATH,
	[FD_APPEND] = O_RDWR | O_APPEND,
};

int case_fd(const struct target *t, enum fdk k)
{
	int fd;

	if (k == FD_RDWR)
		return t->fd;
	fd = target_reopen(t, fdk_flags[k]);
	if (fd >= 0 && k != FD_PATH)
		lseek(fd, FPOS, SEEK_SET);
	return fd;
}

void case_fd_close(const struct target *t, int fd)
{
	if (fd >= 0 && fd != t->fd)
		close(fd);
}

int arena_init(struct arena *a, bool low)
{
	a->base = mmap(NULL, pages(4), RW, MAP_PRIVATE | MAP_ANONYMOUS |
		       (low ? MAP_32BIT : 0), -1, 0);
	if (a->base == MAP_FAILED)
		return -1;
	memset(a->base, CANARY, pages(4));
	if (mprotect(a->base + pages(1), pagesz, PROT_NONE) ||
	    munmap(a->base + pages(3), pagesz))
		return -1;
	return 0;
}
