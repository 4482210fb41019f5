// SPDX-License-Identifier: GPL-2.0
/*
 * tests/access_debugfs.c: who may use /sys/kernel/debug/vmdemo, and what
 * its files take.
 *
 *   files      every file in it is root's alone (no group or other bits),
 *              so nobody can open one, with the debugfs root as mounted
 *              and opened up to 0755 for the test
 *   reset      malformed writes to "reset" fail with the exact errno and
 *              reset nothing; "1" and "0x1" reset the counters
 *   reads      "stats" read a byte at a time, at odd offsets and far past
 *              its end gives the same text, and the right errors
 *
 * Runs as root in the test VM.  Skips if /dev/vmdemo is not there.
 */
#include "access.h"

#define RESET	VMDEMO_DEBUGFS_DIR "/reset"

TEST(debugfs_files_are_root_only)
{
	char **paths = sysfile_list(VMDEMO_DEBUGFS_DIR);
	struct stat st;
	int i;

	NEED_DEVICE();
	ASSERT_NE(NULL, paths) {
		TH_LOG("%s: %s", VMDEMO_DEBUGFS_DIR, strerror(errno));
	}
	ASSERT_NE(NULL, paths[0]);
	for (i = 0; paths[i]; i++) {
		ASSERT_EQ(0, lstat(paths[i], &st));
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(0U, st.st_uid);
		EXPECT_EQ(0U, st.st_gid);
		EXPECT_EQ(0, (int)(st.st_mode & 077)) {
			TH_LOG("%s: mode %#o gives group or others access",
			       paths[i], st.st_mode & 07777);
		}
		EXPECT_EQ(0, (int)(st.st_mode & 07111));
	}
	sysfile_list_free(paths);
}

/* @arg: the files' paths, listed by root (nobody may not list them). */
static void nobody_opens_debugfs(struct nobody_results *r, const void *arg)
{
	char *const *paths = arg;
	int i;

	for (i = 0; paths && paths[i]; i++) {
		nobody_record(r, try_open(paths[i], O_RDONLY, NULL),
			      "open(%s, O_RDONLY)", paths[i]);
		nobody_record(r, try_open(paths[i], O_WRONLY, NULL),
			      "open(%s, O_WRONLY)", paths[i]);
	}
	/* And the obvious one, by name. */
	nobody_record(r, try_open(VMDEMO_DEBUGFS_DIR "/stats", O_RDONLY, NULL),
		      "open(stats, O_RDONLY)");
}

/*
 * Nobody cannot open a vmdemo debugfs file: with the debugfs root as it
 * is (0700: the directory stops them), and with it opened to 0755 for
 * the test (then the files' own modes must).
 */
TEST(nobody_cannot_open_debugfs)
{
	struct nobody_results *r = nobody_results_new();
	char **paths;
	struct stat st;
	int pass, i, n;

	NEED_DEVICE();
	ASSERT_NE(NULL, r);
	paths = sysfile_list(VMDEMO_DEBUGFS_DIR);
	ASSERT_NE(NULL, paths);
	ASSERT_EQ(0, stat(DEBUGFS_ROOT, &st));
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && chmod(DEBUGFS_ROOT, 0755)) {
			TH_LOG("chmod 0755 %s: %s; only the default mode tested",
			       DEBUGFS_ROOT, strerror(errno));
			break;
		}
		as_nobody(nobody_opens_debugfs, paths, r);
		if (pass == 1)
			chmod(DEBUGFS_ROOT, st.st_mode & 07777);
		ASSERT_EQ(0, r->setup_err);
		n = r->n;
		EXPECT_LE(3, n);
		for (i = 0; i < n; i++) {
			EXPECT_EQ(EACCES, r->err[i]) {
				TH_LOG("as nobody, %s %s: %s: %s", DEBUGFS_ROOT,
				       pass ? "0755" : "as mounted",
				       r->what[i], strerror(r->err[i]));
			}
		}
	}
	/* The debugfs root is as it was. */
	{
		struct stat now;

		ASSERT_EQ(0, stat(DEBUGFS_ROOT, &now));
		EXPECT_EQ(st.st_mode, now.st_mode);
	}
	sysfile_list_free(paths);
}

TEST(reset_rejects_garbage)
{
	static const struct { const char *text; int err; } bad[] = {
		{ "0", EINVAL }, { "2", EINVAL }, { "-1", EINVAL },
		{ "abc", EINVAL }, { " 1", EINVAL }, { "1 1", EINVAL },
		{ "1x", EINVAL }, { "4294967297", ERANGE },
	};
	static char big[1 << 20];
	struct counters c0, c;
	size_t i;

	NEED_DEVICE();
	ASSERT_EQ(0, make_activity());
	ASSERT_EQ(0, counters_read(&c0));
	ASSERT_LT(0U, c0.v[C_MMAPS]);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(bad[i].err, sysfile_puts(RESET, bad[i].text)) {
			TH_LOG("writing \"%s\" to reset", bad[i].text);
		}
	}
	/* An empty write, a bad pointer, a megabyte of ones. */
	EXPECT_EQ(EINVAL, sysfile_write(RESET, "", 0));
	EXPECT_EQ(EFAULT, sysfile_write(RESET, NULL, 1));
	memset(big, '1', sizeof(big));
	EXPECT_EQ(ERANGE, sysfile_write(RESET, big, sizeof(big)));
	/* Nothing was reset. */
	ASSERT_EQ(0, counters_read(&c));
	EXPECT_LE(c0.v[C_MMAPS], c.v[C_MMAPS]);
	EXPECT_LE(c0.v[C_FAULTS], c.v[C_FAULTS]);
	EXPECT_LE(c0.v[C_PAGES_ALLOCATED], c.v[C_PAGES_ALLOCATED]);

	/* The real thing still works: "1", and "0x1" is 1 too. */
	EXPECT_EQ(0, sysfile_write(RESET, "1\n", 2));
	ASSERT_EQ(0, counters_read(&c));
	EXPECT_EQ(0U, c.v[C_MMAPS]);
	ASSERT_EQ(0, make_activity());
	EXPECT_EQ(0, sysfile_write(RESET, "0x1", 3));
	ASSERT_EQ(0, counters_read(&c));
	EXPECT_EQ(0U, c.v[C_MMAPS]);
}

/* Reading stats at odd offsets and in odd sizes gives the same text. */
TEST(debugfs_reads_at_odd_offsets)
{
	char *whole, buf[8192];
	size_t len, i;
	ssize_t n;
	int fd;

	NEED_DEVICE();
	whole = sysfile_text(VMDEMO_DEBUGFS_DIR "/stats");
	ASSERT_NE(NULL, whole);
	len = strlen(whole);
	ASSERT_LT(0U, len);
	fd = open(VMDEMO_DEBUGFS_DIR "/stats", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	/* One byte at a time. */
	for (i = 0; i < sizeof(buf) - 1; i++) {
		n = read(fd, buf + i, 1);
		ASSERT_LE(0, n);
		if (!n)
			break;
	}
	buf[i] = 0;
	EXPECT_STREQ(whole, buf);
	EXPECT_EQ(1, pread(fd, buf, 1, 1));
	EXPECT_EQ(whole[1], buf[0]);
	EXPECT_EQ(0, pread(fd, buf, sizeof(buf), 1LL << 40));
	EXPECT_EQ(0, pread(fd, buf, sizeof(buf), INT64_MAX - sizeof(buf)));
	errno = 0;
	EXPECT_EQ(-1, pread(fd, buf, 1, INT64_MAX));	/* pos + count wraps */
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, pread(fd, buf, 1, -1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, read(fd, (void *)0xffffffff81000000ULL, 16));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
	free(whole);
}

TEST_HARNESS_MAIN
