// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo info, resize and punch: the device's ioctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"

static const char info_help[] =
"Usage: vmdemo info\n"
"\n"
"Show the state of " VMDEMO_DEVICE_PATH ": its size, the largest size it may be\n"
"given, how many of its pages are in memory, the module version, the page\n"
"size, whether fault statistics are on, and the backing file: its path,\n"
"whether the driver reads and writes it with direct or buffered I/O, and\n"
"how many pages it reads ahead after a major fault; or \"none (RAM only)\"\n"
"when the module was loaded without backing=PATH.\n";

static const char resize_help[] =
"Usage: vmdemo resize SIZE\n"
"\n"
"Set the size of " VMDEMO_DEVICE_PATH ", as ftruncate() sets a file's.  Shrinking\n"
"frees the pages past the new end (mappings of them then get SIGBUS) and\n"
"zeroes the rest of a partial last page.  Growing adds zeroes, except that\n"
"bytes a mapping wrote past the old end, in the old last page, become data,\n"
"as on tmpfs.  0 frees every page.  SIZE is in bytes and may end in K, M, G\n"
"or T (powers of 1024).\n";

static const char punch_help[] =
"Usage: vmdemo punch OFFSET LENGTH\n"
"\n"
"Zero LENGTH bytes of " VMDEMO_DEVICE_PATH " from OFFSET, as\n"
"fallocate(FALLOC_FL_PUNCH_HOLE) does on a tmpfs file: the whole pages in the\n"
"range are freed (a mapping reads zeroes there afterwards), partial pages\n"
"are zeroed in place.  The size does not change.  OFFSET and LENGTH are in\n"
"bytes and may end in K, M, G or T.\n";

/* Handle --help and check the number of arguments. */
static int simple_args(int argc, char **argv, const char *cmd,
		       const char *help, int nargs)
{
	if (wants_help(argc, argv)) {
		fputs(help, stdout);
		return -1;
	}
	if (argc - 1 > nargs)
		return usage_error(cmd, "unexpected argument '%s'", argv[nargs + 1]);
	if (argc - 1 < nargs)
		return usage_error(cmd, "missing argument");
	return 0;
}

static int get_info(int fd, struct vmdemo_info *info)
{
	if (ioctl(fd, VMDEMO_IOC_GET_INFO, info)) {
		error("VMDEMO_IOC_GET_INFO on %s failed: %s", VMDEMO_DEVICE_PATH,
		      strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_info(int argc, char **argv)
{
	struct vmdemo_info info;
	char h[32], version[64], stats[8], fa[32];
	struct passwd *pw;
	struct stat st;
	int fd, ret;

	ret = simple_args(argc, argv, "info", info_help, 0);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	fd = device_open(O_RDONLY);
	if (fd < 0)
		return EXIT_FAIL;
	if (get_info(fd, &info)) {
		close(fd);
		return EXIT_FAIL;
	}
	fstat(fd, &st);
	close(fd);
	if (read_text(SYSFS_MODULE_DIR "/version", version, sizeof(version)))
		strcpy(version, "unknown");

	pw = getpwuid(st.st_uid);
	printf("device        %s (mode %04o, owner %s)\n", VMDEMO_DEVICE_PATH,
	       st.st_mode & 07777, pw ? pw->pw_name : "?");
	printf("module        vmdemo %s\n", version);
	printf("size          %s (%llu bytes, %llu pages)\n",
	       human_size(info.size, h, sizeof(h)),
	       (unsigned long long)info.size,
	       (unsigned long long)((info.size + info.page_size - 1) / info.page_size));
	printf("max size      %s (%llu bytes)\n",
	       human_size(info.max_size, h, sizeof(h)),
	       (unsigned long long)info.max_size);
	printf("resident      %llu pages, %s\n",
	       (unsigned long long)info.pages_resident,
	       human_size(info.pages_resident * info.page_size, h, sizeof(h)));
	printf("page size     %llu bytes\n", (unsigned long long)info.page_size);
	backing_print_info();
	if (!read_text(STATS_PARAM_PATH, stats, sizeof(stats)))
		printf("statistics    %s\n", stats[0] == 'Y' ? "on" : "off");
	if (!read_text(FAULT_AROUND_PATH, fa, sizeof(fa)))
		printf("fault-around  %s bytes (%s)\n", fa,
		       strtoull(fa, NULL, 10) > info.page_size ? "on" : "off");
	return EXIT_OK;
}

int cmd_resize(int argc, char **argv)
{
	struct vmdemo_info before, after;
	unsigned long long size;
	char h1[32], h2[32];
	__u64 arg;
	int fd, ret;

	ret = simple_args(argc, argv, "resize", resize_help, 1);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = parse_size_arg("resize", "SIZE", argv[1], &size);
	if (ret)
		return ret;
	fd = device_open(O_RDWR);
	if (fd < 0)
		return EXIT_FAIL;
	if (get_info(fd, &before))
		goto fail;
	arg = size;
	if (ioctl(fd, VMDEMO_IOC_SET_SIZE, &arg)) {
		if (errno == EFBIG)
			error("cannot resize %s to %s: it is larger than max_size (%s); to allow it, reload the module: vmdemo unload, then vmdemo load max_size=%s",
			      VMDEMO_DEVICE_PATH, argv[1],
			      human_size(before.max_size, h1, sizeof(h1)), argv[1]);
		else
			error("cannot resize %s: VMDEMO_IOC_SET_SIZE: %s",
			      VMDEMO_DEVICE_PATH, strerror(errno));
		goto fail;
	}
	if (get_info(fd, &after))
		goto fail;
	close(fd);
	printf("%s: size %s -> %s; resident pages %llu -> %llu\n",
	       VMDEMO_DEVICE_PATH, human_size(before.size, h1, sizeof(h1)),
	       human_size(after.size, h2, sizeof(h2)),
	       (unsigned long long)before.pages_resident,
	       (unsigned long long)after.pages_resident);
	return EXIT_OK;
fail:
	close(fd);
	return EXIT_FAIL;
}

int cmd_punch(int argc, char **argv)
{
	struct vmdemo_info before, after;
	struct vmdemo_range range;
	unsigned long long off, len;
	char h[32];
	int fd, ret;

	ret = simple_args(argc, argv, "punch", punch_help, 2);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = parse_range_args("punch", argv + 1, &off, &len);
	if (ret)
		return ret;

	fd = device_open(O_RDWR);
	if (fd < 0)
		return EXIT_FAIL;
	if (get_info(fd, &before))
		goto fail;
	range = (struct vmdemo_range){ .offset = off, .length = len };
	if (ioctl(fd, VMDEMO_IOC_PUNCH_HOLE, &range)) {
		if (errno == EINVAL)
			error("cannot punch [%llu, %llu): it ends past the end of %s (size %s, %llu bytes)",
			      off, off + len, VMDEMO_DEVICE_PATH,
			      human_size(before.size, h, sizeof(h)),
			      (unsigned long long)before.size);
		else
			error("cannot punch %s: VMDEMO_IOC_PUNCH_HOLE: %s",
			      VMDEMO_DEVICE_PATH, strerror(errno));
		goto fail;
	}
	if (get_info(fd, &after))
		goto fail;
	close(fd);
	printf("%s: zeroed bytes [%llu, %llu); resident pages %llu -> %llu\n",
	       VMDEMO_DEVICE_PATH, off, off + len,
	       (unsigned long long)before.pages_resident,
	       (unsigned long long)after.pages_resident);
	return EXIT_OK;
fail:
	close(fd);
	return EXIT_FAIL;
}
