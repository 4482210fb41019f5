// SPDX-License-Identifier: GPL-2.0
/*
 * tests/access_leaks.c: vmdemo shows no kernel address.  No file in
 * /sys/kernel/debug/vmdemo (after some activity, so that every counter
 * and the latency histogram have something to show), none of the
 * module's parameter values, nor the module's own kernel messages shows
 * "0xffff", a run of 12 or more hex digits, or a number a kernel pointer
 * would print as; and the scanner catches what it is there to catch.
 *
 * Runs as root in the test VM.  Skips if /dev/vmdemo is not there.
 */
#include "access.h"

/*
 * Does @text show a kernel address?  "0xffff...", a run of 12 or more
 * hex digits (%p, %px, %pK print 16) with a letter in it or a leading
 * zero (a decimal count has neither), or a decimal number at or above
 * 0xffff800000000000 (a kernel pointer printed with %lu).
 */
static bool leaks_address(const char *text, char *why, size_t whylen)
{
	const char *p, *start = text;
	bool letter = false;
	size_t run = 0;

	for (p = text; *p; p++) {
		if (!strncasecmp(p, "0xffff", 6)) {
			snprintf(why, whylen, "\"0xffff\" at byte %zu",
				 (size_t)(p - text));
			return true;
		}
		if (!isxdigit((unsigned char)*p)) {
			run = 0;
			letter = false;
			continue;
		}
		if (!run++)
			start = p;
		letter |= isalpha((unsigned char)*p);
		if (run >= 12 && (letter || *start == '0') &&
		    (start == text || !isalpha((unsigned char)start[-1]))) {
			snprintf(why, whylen, "%zu hex digits at byte %zu",
				 run, (size_t)(start - text));
			return true;
		}
	}
	for (p = text; *p; p++) {
		unsigned long long v;
		char *end;

		if (!isdigit((unsigned char)*p) ||
		    (p > text && isalnum((unsigned char)p[-1])))
			continue;
		errno = 0;
		v = strtoull(p, &end, 10);
		if ((errno == ERANGE || v >= 0xffff800000000000ULL) &&
		    end - p >= 19) {
			snprintf(why, whylen, "the number %.*s", (int)(end - p), p);
			return true;
		}
		p = end - 1;
	}
	return false;
}

/*
 * Scan every readable file in @dir for kernel addresses; the number of
 * files scanned.
 */
static int scan_dir(struct __test_metadata *_metadata, const char *dir)
{
	char **paths = sysfile_list(dir), why[128], *text;
	int i, scanned = 0;
	struct stat st;

	ASSERT_NE(NULL, paths) {
		TH_LOG("%s: %s", dir, strerror(errno));
	}
	for (i = 0; paths[i]; i++) {
		ASSERT_EQ(0, stat(paths[i], &st));
		if (!(st.st_mode & 0444))
			continue;	/* write-only: debugfs "reset" */
		text = sysfile_text(paths[i]);
		ASSERT_NE(NULL, text) {
			TH_LOG("%s: %s", paths[i], strerror(errno));
		}
		EXPECT_FALSE(leaks_address(text, why, sizeof(why))) {
			TH_LOG("%s shows what looks like a kernel address: %s",
			       paths[i], why);
		}
		free(text);
		scanned++;
	}
	sysfile_list_free(paths);
	return scanned;
}

TEST(debugfs_shows_no_kernel_addresses)
{
	NEED_DEVICE();
	ASSERT_EQ(0, make_activity());
	/* stats, fault_latency */
	EXPECT_LE(2, scan_dir(_metadata, VMDEMO_DEBUGFS_DIR));
}

TEST(params_show_no_kernel_addresses)
{
	NEED_DEVICE();
	scan_dir(_metadata, VMDEMO_PARAMS_DIR);
}

/* The module's own kernel messages ("vmdemo: ...") show no address. */
TEST(kernel_messages_show_no_kernel_addresses)
{
	char *buf, *line, *save, why[128];
	int len, n = 0;

	NEED_DEVICE();
	len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	ASSERT_LT(0, len);
	buf = calloc(1, len + 1);
	ASSERT_NE(NULL, buf);
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	ASSERT_LE(0, len);
	buf[len] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *msg = strstr(line, "] vmdemo: ");

		if (!msg)
			continue;
		n++;
		EXPECT_FALSE(leaks_address(msg, why, sizeof(why))) {
			TH_LOG("kernel message: %s: %s", line, why);
		}
	}
	free(buf);
	/* "vmdemo: /dev/vmdemo ready: ..." at least, unless rotated out. */
	if (!n)
		TH_LOG("no vmdemo kernel messages in the log buffer");
}

/* The scanner itself: it must catch what it is there to catch. */
TEST(address_scanner_catches_addresses)
{
	static const char *const leaks[] = {
		"ptr 0xffff888003a1b000\n", "ptr ffff888003a1b000\n",
		"hashed 00000000c0ffee12\n", "ptr 18446612682067701760\n",
		"hashed 0000000012345678\n", "p=ffffffffc0a01234\n",
		"x 0XFFFFFFFF81000000\n",
	};
	static const char *const clean[] = {
		"mmaps 12\nfaults 4096\n", "0 0 3\n1024 2047 17\n",
		"pages_resident 262144\n", "max_size 9223372036854775807\n",
		"max_size 1099511627776\n", "vmdemo: /dev/vmdemo ready\n",
	};
	char why[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(leaks); i++) {
		EXPECT_TRUE(leaks_address(leaks[i], why, sizeof(why))) {
			TH_LOG("missed example %zu", i);
		}
	}
	for (i = 0; i < ARRAY_SIZE(clean); i++) {
		EXPECT_FALSE(leaks_address(clean[i], why, sizeof(why))) {
			TH_LOG("false alarm on example %zu: %s", i, why);
		}
	}
}

TEST_HARNESS_MAIN
