// SPDX-License-Identifier: GPL-2.0
/*
 * Error messages, size parsing and printing, small file helpers, and
 * opening the device and the debugfs files with an explanation of what
 * to do when that fails.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"

void error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vmdemo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "vmdemo%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vmdemo%s%s --help'.\n", cmd ? " " : "",
		cmd ? cmd : "");
	return EXIT_USAGE;
}

/* Is the only argument after the subcommand -h or --help? */
int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

/*
 * A size in bytes: digits, then optionally K, M, G or T (powers of
 * 1024, either case, optionally followed by "iB").  Returns 0, -EINVAL
 * for anything else, -ERANGE if it does not fit in 64 bits.
 */
int parse_size(const char *s, unsigned long long *val)
{
	static const char units[] = "KMGT";
	unsigned long long n;
	const char *u;
	char *end;
	int shift = 0;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u)
			return -EINVAL;
		shift = 10 * (u - units + 1);
		end++;
		if (!strcmp(end, "iB"))
			end += 2;
		if (*end)
			return -EINVAL;
		if (n > (~0ULL >> shift))
			return -ERANGE;
	}
	*val = n << shift;
	return 0;
}

/* parse_size() for a command-line argument; a usage error if it fails. */
int parse_size_arg(const char *cmd, const char *what, const char *s,
		   unsigned long long *val)
{
	int err = parse_size(s, val);

	if (err == -ERANGE)
		return usage_error(cmd, "%s: '%s' is too large", what, s);
	if (err)
		return usage_error(cmd, "%s: '%s' is not a size: give bytes, optionally with K, M, G or T (4096, 64K, 16M, 1G)",
				   what, s);
	return 0;
}

/*
 * OFFSET and LENGTH of a byte range (punch, evict): LENGTH not 0, the end
 * not past the largest number.  0, or the usage error's exit status.
 */
int parse_range_args(const char *cmd, char **args, unsigned long long *off,
		     unsigned long long *len)
{
	int ret = parse_size_arg(cmd, "OFFSET", args[0], off);

	if (!ret)
		ret = parse_size_arg(cmd, "LENGTH", args[1], len);
	if (ret)
		return ret;
	if (!*len)
		return usage_error(cmd, "LENGTH must not be 0");
	if (*off + *len < *off)
		return usage_error(cmd, "OFFSET + LENGTH is too large");
	return 0;
}

/* "16 MiB", "1.5 KiB", "100 bytes". */
const char *human_size(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int i = -1;
	unsigned long long div = 1;

	while (i < 5 && bytes / div >= 1024) {
		div *= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu byte%s", bytes, bytes == 1 ? "" : "s");
	else if (bytes % div == 0)
		snprintf(buf, len, "%llu %s", bytes / div, units[i]);
	else
		snprintf(buf, len, "%.1f %s", (double)bytes / div, units[i]);
	return buf;
}

/* Read a small file into @buf, without its trailing newline. */
int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	err = errno;
	if (close(fd) && n >= 0) {
		err = errno;
		n = -1;
	}
	if (n != (ssize_t)strlen(text)) {
		errno = n < 0 ? err : EIO;
		return -1;
	}
	return 0;
}

int module_loaded(void)
{
	return access(SYSFS_MODULE_DIR, F_OK) == 0;
}

/* Open /dev/vmdemo, or say why not and what to do; -1 on failure. */
int device_open(int flags)
{
	int fd = open(VMDEMO_DEVICE_PATH, flags | O_CLOEXEC);
	int err = errno;

	if (fd >= 0)
		return fd;
	if (err == ENOENT && !module_loaded())
		error("cannot open %s: %s: the vmdemo module is not loaded; try: vmdemo load",
		      VMDEMO_DEVICE_PATH, strerror(err));
	else if (err == ENOENT)
		error("cannot open %s: %s: the module is loaded, but the device node is missing (is devtmpfs mounted on /dev?)",
		      VMDEMO_DEVICE_PATH, strerror(err));
	else if (err == EACCES || err == EPERM)
		error("cannot open %s: %s: by default only root may use it; run as root, or load the module with mode=0666",
		      VMDEMO_DEVICE_PATH, strerror(err));
	else
		error("cannot open %s: %s", VMDEMO_DEVICE_PATH, strerror(err));
	return -1;
}

static int debugfs_mounted(void)
{
	char line[512];
	FILE *f = fopen("/proc/mounts", "re");
	int found = 0;

	if (!f)
		return 1;	/* can't tell: don't claim it isn't */
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " /sys/kernel/debug debugfs ") != NULL;
	fclose(f);
	return found;
}

/* Open a file of VMDEMO_DEBUGFS_DIR for reading or writing (@name "reset"). */
int debugfs_open(const char *name)
{
	char path[256];
	int write = !strcmp(name, "reset");
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", VMDEMO_DEBUGFS_DIR, name);
	fd = open(path, (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	err = errno;
	if (fd >= 0)
		return fd;
	if (!module_loaded())
		error("cannot open %s: the vmdemo module is not loaded; try: vmdemo load",
		      path);
	else if (err == EACCES || err == EPERM)
		error("cannot open %s: %s: the counters are in debugfs, which only root can use; run vmdemo as root",
		      path, strerror(err));
	else if (err == ENOENT && !debugfs_mounted())
		error("cannot open %s: debugfs is not mounted; try: mount -t debugfs none /sys/kernel/debug",
		      path);
	else
		error("cannot open %s: %s", path, strerror(err));
	return -1;
}

/* This executable's path ("" if unknown). */
const char *self_exe(void)
{
	static char path[PATH_MAX];
	ssize_t n;

	if (path[0])
		return path;
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	path[n > 0 ? n : 0] = '\0';
	return path;
}

/* The directory this executable is in ("" if unknown). */
const char *self_dir(void)
{
	static char dir[PATH_MAX];
	char *slash;

	if (dir[0])
		return dir;
	snprintf(dir, sizeof(dir), "%s", self_exe());
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	return dir;
}
