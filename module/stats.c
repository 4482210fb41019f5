// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics: per-CPU event counters and a fault latency histogram,
 * shown in debugfs under vmdemo/:
 *
 *   stats          one "name value" line per counter
 *   fault_latency  one "lo hi count" line per non-empty bucket (ns)
 *   reset          write 1 to start every counter but the gauges
 *                  (pages_resident, pages_dirty) at 0
 *   backing        the backing file, its I/O mode and readahead, or "none"
 *
 * Resetting never writes another CPU's counters: it records the current
 * sums as a baseline that readers subtract.  A fault that counts while a
 * reset is being taken lands on one side of it or the other, never lost.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <uapi/linux/vmdemo.h>

#include "vmdemo.h"

DEFINE_PER_CPU(struct vmdemo_pcpu_stats, vmdemo_pcpu_stats);
DEFINE_STATIC_KEY_TRUE(vmdemo_stats_on);

/*
 * Timing a fault costs two local_clock() reads, which on some machines
 * (a guest without a stable TSC, for one) cost more than the counting.
 * So the latency histogram fills only while it is asked for.
 */
DEFINE_STATIC_KEY_FALSE(vmdemo_latency_on);

/* A bool module parameter that flips the static key in kp->arg. */
static int vmdemo_key_param_set(const char *val, const struct kernel_param *kp)
{
	struct static_key *key = kp->arg;
	bool on;
	int err;

	err = kstrtobool(val, &on);
	if (err)
		return err;
	if (on)
		static_key_enable(key);
	else
		static_key_disable(key);
	return 0;
}

static int vmdemo_key_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n",
			  static_key_enabled((struct static_key *)kp->arg) ?
			  'Y' : 'N');
}

static const struct kernel_param_ops vmdemo_key_param_ops = {
	.set = vmdemo_key_param_set,
	.get = vmdemo_key_param_get,
};

module_param_cb(stats, &vmdemo_key_param_ops, &vmdemo_stats_on.key, 0644);
MODULE_PARM_DESC(stats,
		 "Count faults (default Y); N measures the driver without its statistics");
module_param_cb(latency, &vmdemo_key_param_ops, &vmdemo_latency_on.key, 0644);
MODULE_PARM_DESC(latency,
		 "Time each fault for the fault_latency histogram (default N; needs stats=Y)");

static const char * const vmdemo_stat_names[VMDEMO_NR_STATS] = {
	[VMDEMO_STAT_MMAPS]		  = "mmaps",
	[VMDEMO_STAT_VMA_OPENS]		  = "vma_opens",
	[VMDEMO_STAT_VMA_CLOSES]	  = "vma_closes",
	[VMDEMO_STAT_FAULTS]		  = "faults",
	[VMDEMO_STAT_FAULTS_READ]	  = "faults_read",
	[VMDEMO_STAT_FAULTS_WRITE_SHARED] = "faults_write_shared",
	[VMDEMO_STAT_FAULTS_COW]	  = "faults_cow",
	[VMDEMO_STAT_FAULTS_SIGBUS]	  = "faults_sigbus",
	[VMDEMO_STAT_FAULTS_OOM]	  = "faults_oom",
	[VMDEMO_STAT_MAP_PAGES]		  = "map_pages",
	[VMDEMO_STAT_MAP_PAGES_MAPPED]	  = "map_pages_mapped",
	[VMDEMO_STAT_PAGE_MKWRITE]	  = "page_mkwrite",
	[VMDEMO_STAT_PAGES_ALLOCATED]	  = "pages_allocated",
	[VMDEMO_STAT_PAGES_FREED]	  = "pages_freed",
	[VMDEMO_STAT_FAULTS_MAJOR]	  = "faults_major",
	[VMDEMO_STAT_PAGES_READ]	  = "pages_read",
	[VMDEMO_STAT_PAGES_READAHEAD]	  = "pages_readahead",
	[VMDEMO_STAT_PAGES_WRITTEN]	  = "pages_written",
	[VMDEMO_STAT_PAGES_EVICTED]	  = "pages_evicted",
};

static struct vmdemo_store *vmdemo_stats_store;
static struct dentry *vmdemo_debugfs_dir;

/* Sums at the last reset; vmdemo_stats_lock serialises resets. */
static struct vmdemo_pcpu_stats vmdemo_stats_base;
static DEFINE_MUTEX(vmdemo_stats_lock);

static void vmdemo_stats_sum(struct vmdemo_pcpu_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct vmdemo_pcpu_stats *s = per_cpu_ptr(&vmdemo_pcpu_stats, cpu);

		for (i = 0; i < VMDEMO_NR_STATS; i++)
			sum->count[i] += READ_ONCE(s->count[i]);
		for (i = 0; i < VMDEMO_LATENCY_BUCKETS; i++)
			sum->latency[i] += READ_ONCE(s->latency[i]);
	}
}

/* Sums since the last reset, in a buffer the caller frees; or NULL. */
static struct vmdemo_pcpu_stats *vmdemo_stats_read(void)
{
	struct vmdemo_pcpu_stats *now;
	int i;

	now = kmalloc(sizeof(*now), GFP_KERNEL);
	if (!now)
		return NULL;
	mutex_lock(&vmdemo_stats_lock);
	vmdemo_stats_sum(now);
	for (i = 0; i < VMDEMO_NR_STATS; i++)
		now->count[i] -= vmdemo_stats_base.count[i];
	for (i = 0; i < VMDEMO_LATENCY_BUCKETS; i++)
		now->latency[i] -= vmdemo_stats_base.latency[i];
	mutex_unlock(&vmdemo_stats_lock);
	return now;
}

static void vmdemo_stats_show_one(struct seq_file *m,
				  const struct vmdemo_pcpu_stats *now, int i)
{
	seq_printf(m, "%s %lu\n", vmdemo_stat_names[i], now->count[i]);
}

static int vmdemo_stats_show(struct seq_file *m, void *unused)
{
	struct vmdemo_pcpu_stats *now;
	int i;

	now = vmdemo_stats_read();
	if (!now)
		return -ENOMEM;

	for (i = 0; i <= VMDEMO_STAT_PAGE_MKWRITE; i++)
		vmdemo_stats_show_one(m, now, i);
	seq_printf(m, "pages_resident %lu\n",
		   vmdemo_store_resident(vmdemo_stats_store));
	vmdemo_stats_show_one(m, now, VMDEMO_STAT_PAGES_ALLOCATED);
	vmdemo_stats_show_one(m, now, VMDEMO_STAT_PAGES_FREED);
	for (i = VMDEMO_STAT_FAULTS_MAJOR; i < VMDEMO_NR_STATS; i++)
		vmdemo_stats_show_one(m, now, i);
	seq_printf(m, "pages_dirty %lu\n",
		   vmdemo_store_dirty_pages(vmdemo_stats_store));
	kfree(now);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmdemo_stats);

/* Which file backs the device, and how it is read and written. */
static int vmdemo_backing_info_show(struct seq_file *m, void *unused)
{
	struct vmdemo_backing *b = &vmdemo_stats_store->backing;

	if (!vmdemo_store_backed(vmdemo_stats_store)) {
		seq_puts(m, "none\n");
		return 0;
	}
	seq_puts(m, "path ");
	seq_file_path(m, b->file, "\n");
	seq_printf(m, "\nio %s\n", b->direct ? "direct" : "buffered");
	seq_printf(m, "readahead %u\n", vmdemo_store_readahead_pages());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmdemo_backing_info);

static int vmdemo_fault_latency_show(struct seq_file *m, void *unused)
{
	struct vmdemo_pcpu_stats *now;
	int b;

	now = vmdemo_stats_read();
	if (!now)
		return -ENOMEM;

	for (b = 0; b < VMDEMO_LATENCY_BUCKETS; b++) {
		u64 lo = b ? 1ULL << (b - 1) : 0;
		u64 hi = b ? lo + (lo - 1) : 0;

		if (now->latency[b])
			seq_printf(m, "%llu %llu %lu\n", lo, hi, now->latency[b]);
	}
	kfree(now);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmdemo_fault_latency);

static ssize_t vmdemo_reset_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	unsigned int val;
	int err;

	err = kstrtouint_from_user(ubuf, count, 0, &val);
	if (err)
		return err;
	if (val != 1)
		return -EINVAL;

	mutex_lock(&vmdemo_stats_lock);
	vmdemo_stats_sum(&vmdemo_stats_base);
	mutex_unlock(&vmdemo_stats_lock);
	return count;
}

static const struct file_operations vmdemo_reset_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= vmdemo_reset_write,
	.llseek	= noop_llseek,
};

/**
 * vmdemo_stats_init() - create the debugfs files
 * @store: the store whose resident pages "stats" reports
 *
 * debugfs is a debugging aid: the driver works without it, so failures
 * to create the files are not errors (as debugfs itself recommends), and
 * this cannot fail.
 */
void vmdemo_stats_init(struct vmdemo_store *store)
{
	vmdemo_stats_store = store;
	vmdemo_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0400, vmdemo_debugfs_dir, NULL,
			    &vmdemo_stats_fops);
	debugfs_create_file("fault_latency", 0400, vmdemo_debugfs_dir, NULL,
			    &vmdemo_fault_latency_fops);
	debugfs_create_file("reset", 0200, vmdemo_debugfs_dir, NULL,
			    &vmdemo_reset_fops);
	debugfs_create_file("backing", 0400, vmdemo_debugfs_dir, NULL,
			    &vmdemo_backing_info_fops);
}

/**
 * vmdemo_stats_exit() - remove the debugfs files
 */
void vmdemo_stats_exit(void)
{
	debugfs_remove(vmdemo_debugfs_dir);
	vmdemo_debugfs_dir = NULL;
}
