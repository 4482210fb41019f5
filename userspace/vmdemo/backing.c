// SPDX-License-Identifier: GPL-2.0
/*
 * The backing file (module parameter backing=PATH): what 'vmdemo info'
 * says about it, and vmdemo evict and vmdemo sync.
 *
 * The module describes its backing file in VMDEMO_DEBUGFS_DIR/backing,
 * one "key value" line each ("path PATH", "io direct|buffered",
 * "readahead N"), or the single line "none".  Without debugfs (or with a
 * module older than the backing file) the parameters in sysfs still tell
 * the path and the readahead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"

#define BACKING_PARAM_PATH	SYSFS_MODULE_DIR "/parameters/backing"
#define READAHEAD_PARAM_PATH	SYSFS_MODULE_DIR "/parameters/readahead"

static const char evict_help[] =
"Usage: vmdemo evict OFFSET LENGTH\n"
"\n"
"Drop LENGTH bytes of " VMDEMO_DEVICE_PATH " from OFFSET out of the driver's page\n"
"cache, as memory pressure would: dirty pages are written to the backing\n"
"file first, the pages are unmapped from every shared mapping (private\n"
"copies stay), then freed.  The data stays in the backing file; the next\n"
"access reads it back in (a major fault).  Only for a module loaded with\n"
"backing=PATH.  OFFSET and LENGTH are in bytes and may end in K, M, G or T.\n";

static const char sync_help[] =
"Usage: vmdemo sync\n"
"\n"
"Write every dirty page of " VMDEMO_DEVICE_PATH " to its backing file and wait\n"
"for it (fsync(2) of the device).  Reports a write error the backing file\n"
"had, such as ENOSPC, as fsync() does.  Without a backing file there is\n"
"nothing to write and it succeeds at once.\n";

/* Does the module say it has no backing file?  Unset charp reads "(null)". */
static int no_path(const char *path)
{
	return !path[0] || !strcmp(path, "(null)");
}

/*
 * Fill @b from the debugfs file, else from the parameters.  Returns 0 if
 * the module has a backing file, 1 if it has none, -1 if this module knows
 * nothing of backing files (an older one).
 */
int backing_read(struct backing *b)
{
	char buf[PATH_LEN + 128], *line, *save;

	memset(b, 0, sizeof(*b));
	b->readahead = -1;
	if (!read_text(VMDEMO_DEBUGFS_DIR "/backing", buf, sizeof(buf))) {
		if (!strcmp(buf, "none"))
			return 1;
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "path ", 5))
				snprintf(b->path, sizeof(b->path), "%s", line + 5);
			else if (!strncmp(line, "io ", 3))
				snprintf(b->io, sizeof(b->io), "%s", line + 3);
			else if (!strncmp(line, "readahead ", 10))
				b->readahead = atol(line + 10);
		}
		return no_path(b->path) ? 1 : 0;
	}
	if (read_text(BACKING_PARAM_PATH, b->path, sizeof(b->path)))
		return -1;
	if (!read_text(READAHEAD_PARAM_PATH, buf, sizeof(buf)))
		b->readahead = atol(buf);
	return no_path(b->path) ? 1 : 0;
}

/* The "backing" lines of vmdemo info. */
void backing_print_info(void)
{
	struct backing b;
	int ret = backing_read(&b);

	if (ret < 0)
		return;		/* an older module: say nothing */
	if (ret) {
		printf("backing file  none (RAM only: pages are never evicted)\n");
		return;
	}
	printf("backing file  %s\n", b.path);
	if (b.io[0])
		printf("backing I/O   %s%s\n", b.io,
		       !strcmp(b.io, "direct") ? " (O_DIRECT: no second copy in RAM)" :
		       !strcmp(b.io, "buffered") ?
		       " (through the file's own page cache)" : "");
	if (b.readahead >= 0)
		printf("readahead     %ld page%s after a major fault\n",
		       b.readahead, b.readahead == 1 ? "" : "s");
}

static int args_of(int argc, char **argv, const char *cmd, const char *help,
		   int nargs)
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

/* The path for a message: "the backing file PATH", or the device. */
static const char *backing_name(char *buf, size_t len)
{
	struct backing b;

	if (backing_read(&b) == 0)
		snprintf(buf, len, "the backing file %s", b.path);
	else
		snprintf(buf, len, "the backing file");
	return buf;
}

static long long resident_pages(int fd)
{
	struct vmdemo_info info;

	if (ioctl(fd, VMDEMO_IOC_GET_INFO, &info))
		return -1;
	return info.pages_resident;
}

int cmd_evict(int argc, char **argv)
{
	struct vmdemo_range range;
	unsigned long long off, len;
	long long before, after;
	char name[PATH_LEN + 32];
	int fd, ret, err;

	ret = args_of(argc, argv, "evict", evict_help, 2);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = parse_range_args("evict", argv + 1, &off, &len);
	if (ret)
		return ret;

	fd = device_open(O_RDWR);
	if (fd < 0)
		return EXIT_FAIL;
	before = resident_pages(fd);
	range = (struct vmdemo_range){ .offset = off, .length = len };
	if (ioctl(fd, VMDEMO_IOC_EVICT, &range)) {
		err = errno;
		after = resident_pages(fd);
		close(fd);
		if (err == EOPNOTSUPP || err == ENOTTY)
			error("cannot evict: the device has no backing file, so its pages have nowhere to go; load vmdemo with backing=PATH (vmdemo unload; vmdemo load backing=/root/vmdemo.img)%s",
			      err == ENOTTY ? " (this module is older than VMDEMO_IOC_EVICT)" : "");
		else if (err == EBUSY)
			error("cannot evict all of [%llu, %llu): a page of it could not be dropped (pinned, locked or written again meanwhile); nothing was lost. Resident pages %lld -> %lld. Stop what uses those pages and try again",
			      off, off + len, before, after);
		else if (err == EINVAL)
			error("cannot evict [%llu, %llu): the range ends past the end of %s; 'vmdemo info' shows its size",
			      off, off + len, VMDEMO_DEVICE_PATH);
		else if (err == EIO || err == ENOSPC || err == EDQUOT)
			error("cannot evict [%llu, %llu): writing its dirty pages to %s failed: %s; they stay dirty in the cache, nothing was dropped",
			      off, off + len, backing_name(name, sizeof(name)),
			      strerror(err));
		else
			error("cannot evict [%llu, %llu) of %s: VMDEMO_IOC_EVICT: %s",
			      off, off + len, VMDEMO_DEVICE_PATH, strerror(err));
		return EXIT_FAIL;
	}
	after = resident_pages(fd);
	close(fd);
	printf("%s: evicted bytes [%llu, %llu); resident pages %lld -> %lld\n",
	       VMDEMO_DEVICE_PATH, off, off + len, before, after);
	return EXIT_OK;
}

/* The counters, if this user may read them; quietly nothing otherwise. */
static int counters_try(struct counters *cs)
{
	if (access(VMDEMO_DEBUGFS_DIR "/stats", R_OK))
		return -1;
	return counters_read(cs);
}

int cmd_sync(int argc, char **argv)
{
	static struct counters before, after;
	char name[PATH_LEN + 32];
	struct backing b;
	int fd, ret, err, counted;

	ret = args_of(argc, argv, "sync", sync_help, 0);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	fd = device_open(O_RDWR);
	if (fd < 0)
		return EXIT_FAIL;
	counted = !counters_try(&before);
	if (fsync(fd)) {
		err = errno;
		close(fd);
		error("cannot write %s back to %s: fsync: %s%s",
		      VMDEMO_DEVICE_PATH, backing_name(name, sizeof(name)),
		      strerror(err),
		      err == ENOSPC ? "; the file system of the backing file is full: free space there, then run vmdemo sync again (the dirty pages are still in the cache)" :
		      err == EIO ? "; the dirty pages stay in the cache; see the kernel log (dmesg)" : "");
		return EXIT_FAIL;
	}
	if (close(fd)) {
		error("cannot write %s back to %s: close: %m", VMDEMO_DEVICE_PATH,
		      backing_name(name, sizeof(name)));
		return EXIT_FAIL;
	}
	if (backing_read(&b) == 0) {
		printf("%s: written back to %s", VMDEMO_DEVICE_PATH, b.path);
		if (counted && !counters_try(&after))
			printf(" (%lld pages written, %lld dirty now)",
			       counter_value(&after, "pages_written") -
			       counter_value(&before, "pages_written"),
			       counter_value(&after, "pages_dirty"));
		printf("\n");
	} else
		printf("%s: nothing to write back (no backing file)\n",
		       VMDEMO_DEVICE_PATH);
	return EXIT_OK;
}
