// SPDX-License-Identifier: GPL-2.0
/*
 * Metadata: the slab memory the cache needs per resident page, from
 * /proc/slabinfo before and after filling M pages with write().  Each
 * reading comes after an RCU grace period, since xarray nodes are freed
 * through RCU, and after shrinking every cache, since SLUB counts the free
 * objects of per-CPU slabs as in use.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/membarrier.h>

#include "bench.h"

struct slab {
	char name[64];
	long active, num, objsize, slabs, pagesperslab;
};

struct slabinfo {
	struct slab *v;
	int n;
};

/*
 * SLUB counts every object of a CPU's active and partial slabs as in use,
 * so /proc/slabinfo only tells the truth right after a shrink, which
 * flushes those slabs back to the node lists and frees empty ones.
 */
static void shrink_slabs(void)
{
	char path[512];
	struct dirent *d;
	struct stat st;
	DIR *dir = opendir("/sys/kernel/slab");

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s", d->d_name);
		/* Merged caches appear once as a directory, then as links. */
		if (lstat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		strncat(path, "/shrink", sizeof(path) - strlen(path) - 1);
		write_str(path, "1");
	}
	closedir(dir);
}

/*
 * Page cache xarray nodes are freed after an RCU grace period: wait for
 * those of the last truncation (membarrier GLOBAL is synchronize_rcu()),
 * then give the callbacks time to run.
 */
static void settle_rcu(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		usleep(50000);
	}
}

static int read_slabinfo(struct slabinfo *si)
{
	char line[512];
	FILE *f;
	int cap = 0;

	settle_rcu();
	shrink_slabs();
	f = fopen("/proc/slabinfo", "r");

	si->v = NULL;
	si->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct slab s;
		long objperslab, limit, batch, shared, active_slabs;

		if (sscanf(line, "%63s %ld %ld %ld %ld %ld : tunables %ld %ld %ld : slabdata %ld %ld",
			   s.name, &s.active, &s.num, &s.objsize, &objperslab,
			   &s.pagesperslab, &limit, &batch, &shared,
			   &active_slabs, &s.slabs) != 11)
			continue;
		if (si->n == cap) {
			cap = cap ? 2 * cap : 256;
			si->v = realloc(si->v, cap * sizeof(*si->v));
			if (!si->v)
				die("out of memory");
		}
		si->v[si->n++] = s;
	}
	fclose(f);
	return 0;
}

static const struct slab *find_slab(const struct slabinfo *si, const char *name)
{
	int i;

	for (i = 0; i < si->n; i++)
		if (!strcmp(si->v[i].name, name))
			return &si->v[i];
	return NULL;
}

struct meta meta[NKINDS];
bool meta_ran;
static bool meta_ok = true;

static void meta_sample(enum kind k)
{
	struct slabinfo a, b;
	size_t save = npages;
	double obj = 0, mem = 0, best = 0;
	const char *bestname = "";
	struct meta *m = &meta[k];
	int i;

	resize(k, 0);
	if (read_slabinfo(&a)) {
		meta_ok = false;
		return;
	}
	npages = meta_pages;
	make_patterned(k);
	npages = save;
	read_slabinfo(&b);
	resize(k, 0);

	for (i = 0; i < b.n; i++) {
		const struct slab *o = find_slab(&a, b.v[i].name);
		double dobj, dmem;

		dobj = (double)(b.v[i].active - (o ? o->active : 0)) * b.v[i].objsize;
		dmem = (double)(b.v[i].slabs - (o ? o->slabs : 0)) *
		       b.v[i].pagesperslab * ps;
		obj += dobj;
		mem += dmem;
		if (!strcmp(b.v[i].name, "radix_tree_node")) {
			m->radix_obj.v[m->radix_obj.n++] = dobj / meta_pages;
			m->radix_mem.v[m->radix_mem.n++] = dmem / meta_pages;
		}
		if (dobj > best && strcmp(b.v[i].name, "radix_tree_node")) {
			best = dobj;
			bestname = b.v[i].name;
		}
	}
	m->all_obj.v[m->all_obj.n++] = obj / meta_pages;
	m->all_mem.v[m->all_mem.n++] = mem / meta_pages;
	snprintf(m->top, sizeof(m->top), "%s", bestname);
	free(a.v);
	free(b.v);
}

void run_meta(void)
{
	int r;

	say("  metadata ");
	for (r = 0; r < meta_reps && meta_ok; r++) {
		enum kind first = r % 2 ? TMPFS : DEV;
		enum kind second = r % 2 ? DEV : TMPFS;

		if (use[first])
			meta_sample(first);
		if (use[second])
			meta_sample(second);
		say(".");
	}
	say("\n");
	meta_ran = meta_ok;
	/* Back to the benchmark's size. */
	patterned[DEV] = patterned[TMPFS] = false;
}

