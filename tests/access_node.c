// SPDX-License-Identifier: GPL-2.0
/*
 * tests/access_node.c: who may open /dev/vmdemo.
 *
 *   node       /dev/vmdemo is a root-owned character device with exactly
 *              the permissions of the "mode" parameter (default 0600)
 *   nobody     an unprivileged process (uid/gid 65534, no supplementary
 *              groups, no capabilities) can open the node in no access
 *              mode; with O_PATH, which needs no permission, it can do
 *              nothing (ioctl, read, write, mmap: EBADF), nor reopen it
 *              through /proc/self/fd
 *
 * Runs as root in the test VM.  Skips if /dev/vmdemo is not there.
 */
#include "access.h"

/* The "mode" module parameter, or -1. */
static long param_mode(void)
{
	return sysfile_long(VMDEMO_PARAMS_DIR "/mode", -1);
}

TEST(node_owner_and_mode)
{
	struct stat st;
	long mode;

	NEED_DEVICE();
	ASSERT_EQ(0, stat(vmdemo_dev(), &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0U, st.st_uid);
	EXPECT_EQ(0U, st.st_gid);
	mode = param_mode();
	ASSERT_LE(0, mode);
	EXPECT_EQ(mode, (long)(st.st_mode & 07777)) {
		TH_LOG("%s has mode %#o, the parameter says %#lo", vmdemo_dev(),
		       st.st_mode & 07777, mode);
	}
	/* Nothing but read and write bits, ever (the module refuses others). */
	EXPECT_EQ(0, (long)(st.st_mode & 07111));
}

/* Record the errno @call leaves (0 if it worked). */
#define RECORD_ERRNO(r, call, what) do {				\
	errno = 0;							\
	(void)(call);							\
	nobody_record((r), errno, (what));				\
} while (0)

static void nobody_opens_device(struct nobody_results *r, const void *arg)
{
	static const struct { int flags; const char *name; } modes[] = {
		{ O_RDONLY, "O_RDONLY" }, { O_WRONLY, "O_WRONLY" },
		{ O_RDWR, "O_RDWR" }, { O_RDONLY | O_NONBLOCK, "O_RDONLY|O_NONBLOCK" },
	};
	const char *path = arg;
	struct vmdemo_info info;
	char c, proc[64];
	uint64_t size;
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(modes); i++)
		nobody_record(r, try_open(path, modes[i].flags, NULL),
			      "open(%s, %s)", path, modes[i].name);

	/* O_PATH needs no permission, and gives none. */
	nobody_record(r, try_open(path, O_PATH, &fd), "open(%s, O_PATH)", path);
	if (fd < 0)
		return;
	RECORD_ERRNO(r, ioctl(fd, VMDEMO_IOC_GET_SIZE, &size),
		     "ioctl(O_PATH fd, GET_SIZE)");
	RECORD_ERRNO(r, ioctl(fd, VMDEMO_IOC_GET_INFO, &info),
		     "ioctl(O_PATH fd, GET_INFO)");
	size = 0;
	RECORD_ERRNO(r, ioctl(fd, VMDEMO_IOC_SET_SIZE, &size),
		     "ioctl(O_PATH fd, SET_SIZE 0)");
	RECORD_ERRNO(r, read(fd, &c, 1), "read(O_PATH fd)");
	RECORD_ERRNO(r, write(fd, "x", 1), "write(O_PATH fd)");
	RECORD_ERRNO(r, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0),
		     "mmap(O_PATH fd)");
	/* Reopening through /proc/self/fd checks the permissions again. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	nobody_record(r, try_open(proc, O_RDWR, NULL),
		      "open(/proc/self/fd/<O_PATH fd>, O_RDWR)");
	close(fd);
}

TEST(nobody_cannot_use_device)
{
	static const int want[] = {
		EACCES, EACCES, EACCES, EACCES,		/* open */
		0,					/* O_PATH */
		EBADF, EBADF, EBADF, EBADF, EBADF, EBADF,
		EACCES,					/* reopen */
	};
	struct nobody_results *r = nobody_results_new();
	uint64_t before, after;
	long mode;
	int fd, i;

	NEED_DEVICE();
	mode = param_mode();
	if (mode & 0006)
		SKIP(return, "the node is mode %#lo (mode= parameter): others may open it",
		     mode);
	ASSERT_NE(NULL, r);
	fd = open(vmdemo_dev(), O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, VMDEMO_IOC_GET_SIZE, &before));

	EXPECT_EQ(0, as_nobody(nobody_opens_device, vmdemo_dev(), r));
	ASSERT_EQ(0, r->setup_err) {
		TH_LOG("could not become nobody: %s", strerror(r->setup_err));
	}
	ASSERT_EQ((int)ARRAY_SIZE(want), r->n);
	for (i = 0; i < r->n; i++) {
		EXPECT_EQ(want[i], r->err[i]) {
			TH_LOG("as nobody: %s: %s (want %s)", r->what[i],
			       strerror(r->err[i]), strerror(want[i]));
		}
	}
	ASSERT_EQ(0, ioctl(fd, VMDEMO_IOC_GET_SIZE, &after));
	EXPECT_EQ(before, after);
	close(fd);
}

TEST_HARNESS_MAIN
