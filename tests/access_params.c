// SPDX-License-Identifier: GPL-2.0
/*
 * tests/access_params.c: vmdemo's module parameters.
 *
 *   modes      /sys/module/vmdemo/parameters holds exactly the documented
 *              parameters with their documented modes: size, max_size,
 *              force_max_size, mode, count_closes, backing 0444; stats,
 *              latency, readahead 0644 (writable by root only)
 *   nobody     an unprivileged process can read every one and write none
 *   stats      root's malformed writes to "stats" and "latency" fail and
 *              leave them as they were; root may flip them
 *
 * Runs as root in the test VM.  Skips if /dev/vmdemo is not there.
 */
#include "access.h"

#define STATS	VMDEMO_PARAMS_DIR "/stats"

/* The documented parameters and their modes (README, main.c, stats.c, store.c). */
static const struct { const char *name; unsigned int mode; } params[] = {
	{ "size", 0444 },
	{ "max_size", 0444 },
	{ "force_max_size", 0444 },
	{ "mode", 0444 },
	{ "count_closes", 0444 },
	{ "stats", 0644 },
	{ "latency", 0644 },
	{ "backing", 0444 },
	{ "readahead", 0644 },
};

TEST(params_documented_modes)
{
	char **paths = sysfile_list(VMDEMO_PARAMS_DIR);
	unsigned int found = 0;
	const char *name;
	struct stat st;
	size_t j;
	int i;

	NEED_DEVICE();
	ASSERT_NE(NULL, paths);
	for (i = 0; paths[i]; i++) {
		ASSERT_EQ(0, stat(paths[i], &st));
		EXPECT_EQ(0U, st.st_uid);
		EXPECT_EQ(0, (int)(st.st_mode & 0022)) {
			TH_LOG("%s: mode %#o: writable by group or others",
			       paths[i], st.st_mode & 07777);
		}
		name = strrchr(paths[i], '/') + 1;
		for (j = 0; j < ARRAY_SIZE(params); j++)
			if (!strcmp(name, params[j].name))
				break;
		EXPECT_LT(j, ARRAY_SIZE(params)) {
			TH_LOG("undocumented parameter %s (mode %#o)", paths[i],
			       st.st_mode & 07777);
		}
		if (j == ARRAY_SIZE(params))
			continue;
		found |= 1U << j;
		EXPECT_EQ(params[j].mode, st.st_mode & 07777) {
			TH_LOG("%s: mode %#o, documented %#o", paths[i],
			       st.st_mode & 07777, params[j].mode);
		}
	}
	EXPECT_EQ((1U << ARRAY_SIZE(params)) - 1, found);
	sysfile_list_free(paths);
}

static void nobody_writes_params(struct nobody_results *r, const void *arg)
{
	char path[512];
	size_t j;
	int fd;

	(void)arg;
	for (j = 0; j < ARRAY_SIZE(params); j++) {
		snprintf(path, sizeof(path), "%s/%s", VMDEMO_PARAMS_DIR,
			 params[j].name);
		nobody_record(r, try_open(path, O_WRONLY, NULL),
			      "open(%s, O_WRONLY)", path);
		/* Reading is allowed (0444 / 0644). */
		nobody_record(r, try_open(path, O_RDONLY, &fd),
			      "open(%s, O_RDONLY)", path);
		if (fd >= 0)
			close(fd);
	}
}

TEST(nobody_cannot_write_params)
{
	struct nobody_results *r = nobody_results_new();
	size_t j;

	NEED_DEVICE();
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, as_nobody(nobody_writes_params, NULL, r));
	ASSERT_EQ(0, r->setup_err);
	ASSERT_EQ((int)(2 * ARRAY_SIZE(params)), r->n);
	for (j = 0; j < ARRAY_SIZE(params); j++) {
		EXPECT_EQ(EACCES, r->err[2 * j]) {
			TH_LOG("as nobody: %s: %s", r->what[2 * j],
			       strerror(r->err[2 * j]));
		}
		EXPECT_EQ(0, r->err[2 * j + 1]) {
			TH_LOG("as nobody: %s: %s", r->what[2 * j + 1],
			       strerror(r->err[2 * j + 1]));
		}
	}
}

static char read_param(const char *path)
{
	char *text = sysfile_text(path);
	char c = text ? text[0] : '?';

	free(text);
	return c;
}

/* Malformed writes to the bool parameter @path fail and change nothing. */
static void bool_param_rejects_garbage(struct __test_metadata *_metadata,
				       const char *path)
{
	static const struct { const char *text; size_t len; } bad[] = {
		{ "\0", 1 }, { "\n", 1 }, { "2", 1 }, { "maybe", 5 },
		{ "-1", 2 }, { " 1", 2 }, { "o", 1 }, { "\xff", 1 },
	};
	static char big[65536];
	char orig;
	size_t i;
	int err;

	orig = read_param(path);
	ASSERT_TRUE(orig == 'Y' || orig == 'N');
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err = sysfile_write(path, bad[i].text, bad[i].len);
		EXPECT_EQ(EINVAL, err) {
			TH_LOG("writing \"%.*s\" to %s: %s", (int)bad[i].len,
			       bad[i].text, path, strerror(err));
		}
		EXPECT_EQ(orig, read_param(path));
	}
	/*
	 * More than a sysfs store takes at once: sysfs hands the first page
	 * to the parameter, which must refuse it.
	 */
	memset(big, 'x', sizeof(big));
	EXPECT_EQ(EINVAL, sysfile_write(path, big, sizeof(big)));
	EXPECT_EQ(orig, read_param(path));
	/* From a bad pointer. */
	EXPECT_EQ(EFAULT, sysfile_write(path, NULL, 1));
	EXPECT_EQ(orig, read_param(path));

	/* Root may flip it, and it is back as it was afterwards. */
	EXPECT_EQ(0, sysfile_puts(path, orig == 'Y' ? "N" : "Y"));
	EXPECT_EQ(orig == 'Y' ? 'N' : 'Y', read_param(path));
	EXPECT_EQ(0, sysfile_puts(path, orig == 'Y' ? "Y" : "N"));
	EXPECT_EQ(orig, read_param(path));
}

TEST(stats_param_rejects_garbage)
{
	NEED_DEVICE();
	bool_param_rejects_garbage(_metadata, STATS);
}

TEST(latency_param_rejects_garbage)
{
	NEED_DEVICE();
	bool_param_rejects_garbage(_metadata, VMDEMO_PARAMS_DIR "/latency");
}

TEST_HARNESS_MAIN
