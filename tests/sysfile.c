// SPDX-License-Identifier: GPL-2.0
/* Small files of the kernel's: see sysfile.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kernel-page-flags.h>
#include <linux/vmdemo.h>

#include "sysfile.h"

const char *vmdemo_dev(void)
{
	const char *p = getenv("VMDEMO_DEV");

	return p && *p ? p : VMDEMO_DEVICE_PATH;
}

bool vmdemo_backed(void)
{
	char line[64];

	return !sysfile_line("/sys/kernel/debug/vmdemo/backing", line,
			     sizeof(line)) && strcmp(line, "none") != 0;
}

bool vmdemo_loaded(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "vmdemo ", 7);
	fclose(f);
	return found;
}

uint64_t self_pfn(const void *addr)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t e = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / page * sizeof(e)) !=
	    sizeof(e))
		e = 0;
	close(fd);
	/* Bit 63: present; bits 0-54: the frame (0 unless root). */
	return e >> 63 ? e & ((1ULL << 55) - 1) : 0;
}

int frame_poisoned(uint64_t pfn)
{
	uint64_t flags;
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &flags, sizeof(flags), pfn * sizeof(flags));
	close(fd);
	return n == sizeof(flags) ? !!(flags & (1ULL << KPF_HWPOISON)) : -1;
}

uint64_t meminfo_bytes(const char *field)
{
	unsigned long long kb = 0;
	size_t n = strlen(field);
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':' &&
		    sscanf(line + n + 1, "%llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

int sysfile_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = -1;

	if (!f)
		return -1;
	if (fgets(buf, len, f)) {
		buf[strcspn(buf, "\n")] = 0;
		ret = 0;
	}
	fclose(f);
	return ret;
}

long sysfile_long(const char *path, long def)
{
	char buf[64], *end;
	long v;

	if (sysfile_line(path, buf, sizeof(buf)))
		return def;
	errno = 0;
	v = strtol(buf, &end, 0);
	return end == buf || errno ? def : v;
}

char *sysfile_text(const char *path)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	return buf;
}

char **sysfile_list(const char *dir)
{
	char **paths = calloc(1, sizeof(*paths)), **more;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (!paths)
		return NULL;
	d = opendir(dir);
	if (!d) {
		free(paths);
		return NULL;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		more = realloc(paths, (n + 2) * sizeof(*paths));
		if (!more)
			break;
		paths = more;
		paths[n + 1] = NULL;
		if (asprintf(&paths[n], "%s/%s", dir, de->d_name) < 0) {
			paths[n] = NULL;
			break;
		}
		n++;
	}
	closedir(d);
	return paths;
}

void sysfile_list_free(char **paths)
{
	int i;

	for (i = 0; paths && paths[i]; i++)
		free(paths[i]);
	free(paths);
}

const char *sysfile_first(const char *const *paths, size_t n, int mode)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!access(paths[i], mode))
			return paths[i];
	return NULL;
}

int sysfile_write(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, buf, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = SHORT_WRITE;
	close(fd);
	errno = err > 0 ? err : errno;
	return err;
}

int sysfile_puts(const char *path, const char *s)
{
	return sysfile_write(path, s, strlen(s));
}
