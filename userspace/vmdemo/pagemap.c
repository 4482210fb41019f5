// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a process's memory the way the kernel shows it in /proc, for
 * vmdemo map: its mappings (/proc/PID/maps), what each page table entry
 * holds (/proc/PID/pagemap: 64 bits per page) and what the kernel says
 * about the frame behind it (/proc/kpageflags: 64 bits per frame), made
 * into one class per page.  See Documentation/admin-guide/mm/pagemap.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kernel-page-flags.h>
#include <linux/vmdemo.h>

#include "vmdemo.h"

/* The bits of a pagemap entry. */
#define PM_PFN_MASK		((1ULL << 55) - 1)
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_MMAP_EXCLUSIVE	(1ULL << 56)
#define PM_FILE			(1ULL << 61)
#define PM_SWAP			(1ULL << 62)
#define PM_PRESENT		(1ULL << 63)

#define CHUNK			4096	/* entries read at once */

/* Say why /proc/PID/@name cannot be read, and what to do. */
static void proc_error(pid_t pid, const char *name, int err)
{
	if (err == ENOENT || err == ESRCH)
		error("cannot read /proc/%d/%s: process %d is gone", pid, name, pid);
	else if ((err == EACCES || err == EPERM) && !strcmp(name, "pagemap"))
		error("cannot read /proc/%d/pagemap: %s (only its owner and root may read it; frame numbers need root)",
		      pid, strerror(err));
	else if (err == EACCES || err == EPERM)
		error("cannot read /proc/%d/%s: %s: run vmdemo map as root or as the owner of process %d",
		      pid, name, strerror(err), pid);
	else
		error("cannot read /proc/%d/%s: %s", pid, name, strerror(err));
}

static int parse_maps_line(const char *line, struct vma_info *v)
{
	int pos = 0;

	memset(v, 0, sizeof(*v));
	if (sscanf(line, "%lx-%lx %4s %llx %*s %llu %n", &v->start, &v->end,
		   v->perms, &v->offset, &v->inode, &pos) < 5 || !pos)
		return -1;
	snprintf(v->path, sizeof(v->path), "%s", line + pos);
	v->path[strcspn(v->path, "\n")] = '\0';
	return 0;
}

/* The mappings of @pid, in address order; the caller frees *@vmas. */
int maps_read(pid_t pid, struct vma_info **vmas, int *n)
{
	char path[64], line[512 + PATH_LEN];
	struct vma_info *v = NULL, *bigger;
	int cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f) {
		proc_error(pid, "maps", errno);
		return -1;
	}
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			bigger = realloc(v, cap * sizeof(*v));
			if (!bigger)
				break;
			v = bigger;
		}
		if (parse_maps_line(line, &v[*n]))
			continue;
		v[*n].index = *n + 1;
		(*n)++;
	}
	if (ferror(f) || !feof(f)) {
		proc_error(pid, "maps", ferror(f) ? errno : ENOMEM);
		fclose(f);
		free(v);
		return -1;
	}
	fclose(f);
	*vmas = v;
	return 0;
}

int vma_is_device(const struct vma_info *v)
{
	return !strcmp(v->path, VMDEMO_DEVICE_PATH);
}

/* A mapping of a file (or device), not anonymous memory or [vdso] & co. */
int vma_is_file(const struct vma_info *v)
{
	return v->path[0] == '/' && v->inode;
}

int pagemap_open(pid_t pid, struct pagemap *pm)
{
	char path[64];

	memset(pm, 0, sizeof(*pm));
	pm->pid = pid;
	pm->kpf = -1;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pm->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pm->fd < 0) {
		proc_error(pid, "pagemap", errno);
		return -1;
	}
	pm->kpf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	pm->kpf_errno = pm->kpf < 0 ? errno : 0;
	return 0;
}

void pagemap_close(struct pagemap *pm)
{
	if (pm->fd >= 0)
		close(pm->fd);
	if (pm->kpf >= 0)
		close(pm->kpf);
	pm->fd = pm->kpf = -1;
}

/* @n pagemap entries from the page at @addr. */
static int read_entries(struct pagemap *pm, unsigned long addr, uint64_t *e,
			size_t n)
{
	off_t off = (off_t)(addr / page_size()) * sizeof(*e);
	size_t want = n * sizeof(*e), got = 0;
	ssize_t r;

	while (got < want) {
		r = pread(pm->fd, (char *)e + got, want - got, off + got);
		if (r < 0) {
			proc_error(pm->pid, "pagemap", errno);
			return -1;
		}
		if (r == 0)	/* past the user address space: [vsyscall] */
			break;
		got += r;
	}
	memset((char *)e + got, 0, want - got);
	return 0;
}

/* The kpageflags of frame @pfn; 0 if they cannot be read (*@known = 0). */
static uint64_t kpageflags(struct pagemap *pm, uint64_t pfn, int *known)
{
	uint64_t flags = 0;

	*known = pm->kpf >= 0 && pfn &&
		 pread(pm->kpf, &flags, sizeof(flags),
		       (off_t)(pfn * sizeof(flags))) == sizeof(flags);
	return *known ? flags : 0;
}

static void classify(struct pagemap *pm, const struct vma_info *v,
		     uint64_t e, struct cell *c)
{
	uint64_t kf;
	int known;

	c->class = CELL_NONE;
	c->pfn = 0;
	c->dirty = -1;
	c->exclusive = !!(e & PM_MMAP_EXCLUSIVE);
	c->shared = -1;
	if (!(e & PM_PRESENT)) {
		if (e & PM_SWAP)
			c->class = CELL_SWAP;	/* the PFN field is a swap slot */
		return;
	}
	c->pfn = e & PM_PFN_MASK;
	if (!c->pfn)
		pm->pfns_hidden = 1;
	kf = kpageflags(pm, c->pfn, &known);
	if (known) {
		pm->kpf_used = 1;
		c->dirty = !!(kf & (1ULL << KPF_DIRTY));
	}
	if (known && (kf & (1ULL << KPF_ZERO_PAGE)))
		c->class = CELL_ZERO;
	else if ((e & PM_FILE) && !vma_is_file(v) && v->path[0] == '[' &&
		 strncmp(v->path, "[anon_shmem:", 12))
		c->class = CELL_OTHER;	/* [vdso] and the like: the kernel's */
	else if (e & PM_FILE)
		c->class = CELL_CACHE;
	else if (known && !(kf & (1ULL << KPF_ANON)))
		c->class = CELL_OTHER;	/* vm_normal_page() found no page */
	else if (vma_is_file(v))
		c->class = CELL_PRIVATE;
	else
		c->class = CELL_ANON;
}

/* One cell for each page of [@start, @end) of the mapping @v. */
int pagemap_cells(struct pagemap *pm, const struct vma_info *v,
		  unsigned long start, unsigned long end, struct cell *cells)
{
	size_t ps = page_size(), n = (end - start) / ps, i, k, chunk;
	uint64_t e[CHUNK];

	for (i = 0; i < n; i += chunk) {
		chunk = n - i < CHUNK ? n - i : CHUNK;
		if (read_entries(pm, start + i * ps, e, chunk))
			return -1;
		for (k = 0; k < chunk; k++) {
			cells[i + k].addr = start + (i + k) * ps;
			classify(pm, v, e[k], &cells[i + k]);
		}
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The frames that @pid maps anywhere, sorted.  Returns -1 on an error
 * (reported), -2 if its frame numbers are hidden from us (not reported).
 */
int frames_read(pid_t pid, struct frames *fr)
{
	struct vma_info *vmas;
	struct pagemap pm;
	uint64_t e[CHUNK], *bigger;
	size_t ps = page_size(), cap = 0, n, k, chunk;
	unsigned long a;
	int nv, i, ret = 0;

	memset(fr, 0, sizeof(*fr));
	if (maps_read(pid, &vmas, &nv))
		return -1;
	if (pagemap_open(pid, &pm)) {
		free(vmas);
		return -1;
	}
	for (i = 0; i < nv && !ret; i++) {
		n = (vmas[i].end - vmas[i].start) / ps;
		for (a = vmas[i].start; n && !ret; n -= chunk, a += chunk * ps) {
			chunk = n < CHUNK ? n : CHUNK;
			if (read_entries(&pm, a, e, chunk)) {
				ret = -1;
				break;
			}
			for (k = 0; k < chunk; k++) {
				if (!(e[k] & PM_PRESENT))
					continue;
				if (!(e[k] & PM_PFN_MASK)) {
					ret = -2;
					break;
				}
				if (fr->n == cap) {
					cap = cap ? 2 * cap : 4096;
					bigger = realloc(fr->pfn, cap * sizeof(*bigger));
					if (!bigger) {
						error("out of memory");
						ret = -1;
						break;
					}
					fr->pfn = bigger;
				}
				fr->pfn[fr->n++] = e[k] & PM_PFN_MASK;
			}
		}
	}
	pagemap_close(&pm);
	free(vmas);
	if (ret) {
		free(fr->pfn);
		fr->pfn = NULL;
		return ret;
	}
	qsort(fr->pfn, fr->n, sizeof(*fr->pfn), cmp_u64);
	return 0;
}

int frames_has(const struct frames *fr, uint64_t pfn)
{
	return bsearch(&pfn, fr->pfn, fr->n, sizeof(pfn), cmp_u64) != NULL;
}

size_t page_size(void)
{
	static size_t ps;

	if (!ps)
		ps = sysconf(_SC_PAGESIZE);
	return ps;
}
