// SPDX-License-Identifier: GPL-2.0
/*
 * tests/hostile_open.c: opening /dev/vmdemo with flags that do not apply
 * to a device, and what an O_PATH descriptor of it may do, each row of a
 * table one test from the reference state of hostile.h.
 *
 * Fixture (the part of the TAP name before the first dot):
 *   open     O_DIRECT, O_TRUNC, O_CREAT|O_EXCL, O_DIRECTORY, O_TMPFILE
 *            and O_PATH, each opened 100 times: the exact errno, the
 *            device unchanged, and the module's reference count back
 *            where it was; on the O_PATH descriptor every call EBADF
 *
 * Needs /dev/vmdemo (VMDEMO_DEV); each test is skipped if it is not
 * there.  Root.
 */
#include "hostile.h"

/* The module's reference count, or -1. */
static long module_refcnt(void)
{
	return sysfile_long(VMDEMO_MODULE_DIR "/refcnt", -1);
}

/* @call, on an O_PATH descriptor, fails with EBADF. */
#define EXPECT_EBADF(call) do {						\
	errno = 0;							\
	EXPECT_EQ(-1L, (long)(call));					\
	EXPECT_EQ(EBADF, errno);					\
} while (0)

struct open_case {
	const char *name;
	int flags;
	int err;
	bool path_ops;		/* on the O_PATH descriptor: everything EBADF */
};

static const struct open_case open_cases[] = {
	/* A device has no page cache for O_DIRECT; nothing may leak. */
	{ "o_direct", O_RDWR | O_DIRECT, EINVAL },
	/* O_TRUNC applies to regular files only: the device keeps its bytes. */
	{ "o_trunc", O_RDWR | O_TRUNC, 0 },
	{ "o_creat_excl", O_RDWR | O_CREAT | O_EXCL, EEXIST },
	{ "o_directory", O_RDONLY | O_DIRECTORY, ENOTDIR },
	{ "o_tmpfile", O_RDWR | O_TMPFILE, ENOTDIR },
	{ "o_path_ops", O_PATH, 0, true },
};

static void run_open(struct __test_metadata *_metadata, const void *arg)
{
	const struct open_case *c = arg;
	struct vmdemo_info info;
	uint64_t size;
	long before, after;
	struct target t;
	char b;
	int fd, err, i;

	if (!ref_setup(_metadata, &t, TARGET_DEVICE))
		return;
	before = module_refcnt();
	for (i = 0; i < 100; i++) {
		errno = 0;
		fd = open(t.path, c->flags | O_CLOEXEC, 0600);
		err = fd < 0 ? errno : 0;
		EXPECT_EQ(c->err, err) {
			TH_LOG("open(%s, %#x): %s", t.path, c->flags,
			       strerror(err));
		}
		if (fd < 0)
			continue;
		if (c->path_ops) {
			EXPECT_EBADF(ioctl(fd, VMDEMO_IOC_GET_SIZE, &size));
			EXPECT_EBADF(ioctl(fd, VMDEMO_IOC_GET_INFO, &info));
			EXPECT_EBADF(read(fd, &b, 1));
			EXPECT_EBADF(lseek(fd, 0, SEEK_END));
			EXPECT_EBADF(mmap(NULL, pagesz, PROT_READ, MAP_SHARED,
					  fd, 0));
		}
		close(fd);
		if (_metadata->passed == 0)
			break;
	}
	/* Every reference an open (or a failed open) took is dropped. */
	after = module_refcnt();
	EXPECT_EQ(before, after);
	ref_check(_metadata, &t, ref_size);
	ref_teardown(&t);
}

int main(int argc, char **argv)
{
	hostile_init();
	HOSTILE_REGISTER("open", open_cases, run_open);
	return test_harness_run(argc, argv);
}
