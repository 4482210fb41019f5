// SPDX-License-Identifier: GPL-2.0
/* The backing file's objects, counters and page facts: see backing.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/kernel-page-flags.h>
#include <linux/magic.h>
#include <linux/vmdemo.h>

#include "backing.h"
#include "counters.h"
#include "modload.h"
#include "sysfile.h"

#define BACKING_PARAM	"/sys/module/vmdemo/parameters/backing"

const char *const bcounter_names[B_NR] = {
	"faults_major", "pages_read", "pages_readahead", "pages_written",
	"pages_evicted", "pages_dirty",
};

int bcounters_read(struct bcounters *b)
{
	unsigned long long val;
	char name[64];
	int i, ret = -1;
	FILE *f;

	f = fopen(VMDEMO_DEBUGFS_DIR "/stats", "re");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %llu", name, &val) == 2) {
		if (strcmp(name, "pages_freed"))
			continue;
		for (i = 0; i < B_NR; i++) {
			if (fscanf(f, "%63s %llu", name, &val) != 2 ||
			    strcmp(name, bcounter_names[i]))
				break;
			b->v[i] = val;
		}
		ret = i == B_NR ? 0 : -1;
		break;
	}
	fclose(f);
	return ret;
}

bool disk_ready(char *msg, size_t len)
{
	struct statfs sfs;

	if (statfs(DISK_DIR, &sfs)) {
		snprintf(msg, len, "%s: %s", DISK_DIR, strerror(errno));
		return false;
	}
	if (sfs.f_type != EXT4_SUPER_MAGIC) {
		snprintf(msg, len,
			 "%s is not ext4 (f_type %#lx): the guest has no disk (scripts/vm, vmdemo-init's console line)",
			 DISK_DIR, (unsigned long)sfs.f_type);
		return false;
	}
	return true;
}

const char *backing_dir(void)
{
	char msg[256];

	return disk_ready(msg, sizeof(msg)) ? DISK_DIR : BACKING_FALLBACK_DIR;
}

bool backing_supported(void)
{
	return !access(BACKING_PARAM, F_OK);
}

bool backing_in_use(void)
{
	char buf[PATH_MAX];

	if (sysfile_line(BACKING_PARAM, buf, sizeof(buf)))
		return false;
	return buf[0] && strcmp(buf, "(null)");
}

int backing_load(const char *file, const char *params)
{
	char buf[2 * PATH_MAX];

	snprintf(buf, sizeof(buf), "backing=%s %s", file, params);
	return vmdemo_reload(buf);
}

static int setup_device(struct bobj *o, const char *name, uint64_t size,
			const char *params, char *msg, size_t len)
{
	char more[512];
	int err;

	if (!vmdemo_loaded()) {
		snprintf(msg, len, "vmdemo is not loaded");
		return BOBJ_SKIP;
	}
	if (!backing_supported()) {
		snprintf(msg, len, "vmdemo has no parameter backing= (issue 13 not in this module)");
		return BOBJ_SKIP;
	}
	snprintf(o->path, sizeof(o->path), "%s", vmdemo_dev());
	snprintf(o->file, sizeof(o->file), "%s/%s.backing", backing_dir(),
		 name);
	if (unlink(o->file) && errno != ENOENT) {
		snprintf(msg, len, "unlink %s: %s", o->file, strerror(errno));
		return BOBJ_ERROR;
	}
	snprintf(more, sizeof(more), "size=%llu %s", (unsigned long long)size,
		 params ? params : "");
	err = backing_load(o->file, more);
	if (err) {
		snprintf(msg, len, "loading vmdemo with backing=%s %s: %s",
			 o->file, more, strerror(err));
		return BOBJ_ERROR;
	}
	o->fd = open(o->path, O_RDWR | O_CLOEXEC);
	if (o->fd < 0) {
		snprintf(msg, len, "%s: %s", o->path, strerror(errno));
		return BOBJ_ERROR;
	}
	return BOBJ_READY;
}

static int setup_ext4(struct bobj *o, const char *name, uint64_t size,
		      char *msg, size_t len)
{
	snprintf(o->path, sizeof(o->path), "%s/%s.ext4", DISK_DIR, name);
	snprintf(o->file, sizeof(o->file), "%s", o->path);
	o->fd = open(o->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (o->fd < 0 || ftruncate(o->fd, size)) {
		snprintf(msg, len, "%s: %s", o->path, strerror(errno));
		return BOBJ_ERROR;
	}
	return BOBJ_READY;
}

int bobj_setup(struct bobj *o, enum bobj_kind kind, const char *name,
	       uint64_t size, const char *params, char *msg, size_t len)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->fd = -1;
	if (geteuid()) {
		snprintf(msg, len, "needs root (it reloads the module)");
		return BOBJ_SKIP;
	}
	if (kind == BOBJ_DEVICE)
		return setup_device(o, name, size, params, msg, len);
	if (!disk_ready(msg, len))
		return BOBJ_SKIP;
	return setup_ext4(o, name, size, msg, len);
}

void bobj_teardown(struct bobj *o)
{
	int err;

	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->kind == BOBJ_DEVICE && o->file[0]) {
		err = vmdemo_restore();
		if (err)
			fprintf(stderr, "# loading vmdemo as the suite did (%s): %s\n",
				vmdemo_modparams(), strerror(err));
	}
	if (o->file[0])
		unlink(o->file);
}

int vmdemo_evict(int fd, uint64_t off, uint64_t len)
{
	struct vmdemo_range r = { .offset = off, .length = len };

	return ioctl(fd, VMDEMO_IOC_EVICT, &r) ? errno : 0;
}

int lru_drain(void)
{
	size_t len = sysconf(_SC_PAGESIZE);
	const char *path = DISK_DIR "/.lru-drain";
	ssize_t written;
	char msg[256];
	int fd, ret = -1;
	void *buf, *p;

	if (!disk_ready(msg, sizeof(msg)))
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	/*
	 * Cached by write(), so that mapping it is no major fault; clean, as
	 * fadvise passes over pages under writeback without counting them.
	 */
	buf = calloc(1, len);
	written = buf ? pwrite(fd, buf, len, 0) : -1;
	free(buf);
	if (written != (ssize_t)len || fdatasync(fd))
		goto out;
	/* Mapped (populated), so that fadvise cannot drop it. */
	p = mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		goto out;
	ret = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) ? -1 : 0;
	munmap(p, len);
out:
	close(fd);
	unlink(path);
	return ret;
}

int vmdemo_evict_drained(int fd, uint64_t off, uint64_t len)
{
	lru_drain();		/* where it can: see backing.h */
	return vmdemo_evict(fd, off, len);
}

long self_majflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_majflt;
}

long self_minflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_minflt;
}

int page_dirty(const void *addr)
{
	uint64_t pfn = self_pfn(addr), flags;
	ssize_t n;
	int fd;

	if (!pfn)
		return -1;
	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, &flags, sizeof(flags), pfn * sizeof(flags));
	close(fd);
	return n == sizeof(flags) ? !!(flags & (1ULL << KPF_DIRTY)) : -1;
}

int drop_page_cache(void)
{
	return sysfile_puts("/proc/sys/vm/drop_caches", "1");
}

int backing_leave(int ret)
{
	bool loaded = vmdemo_loaded();
	int err;

	if (geteuid() || (loaded && (!backing_in_use() ||
				     strstr(vmdemo_modparams(), "backing="))))
		return ret;
	err = vmdemo_restore();
	fprintf(stderr, "# vmdemo was left %s; loading it as the suite did: %s\n",
		loaded ? "with a backing file" : "unloaded", strerror(err));
	return err ? 1 : ret;
}
