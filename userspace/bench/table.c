// SPDX-License-Identifier: GPL-2.0
/*
 * The table: a header saying what was measured and how to read it, then
 * one row per line (median [min..max] on each memory, the device/tmpfs
 * ratio of the medians with the range of the per-repetition ratios, the
 * ratio of the minima, faults per page), and the scaling, metadata,
 * statistics and backing-file tables of what ran.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "bench.h"

static const char *const stats_col[NSCOL] = { "device stats=Y", "device stats=N", "tmpfs" };

static void cell(char *buf, size_t len, const struct series *s)
{
	if (!s->n)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f [%.0f..%.0f]", median(s), smin(s), smax(s));
}

static void ratio_cell(char *buf, size_t len, const struct series *a,
		       const struct series *b)
{
	struct series r;

	if (!a->n || !b->n) {
		snprintf(buf, len, "-");
		return;
	}
	r = ratios(a, b);
	snprintf(buf, len, "%.2f [%.2f..%.2f]  %.2f", median(a) / median(b),
		 smin(&r), smax(&r), smin(a) / smin(b));
}

static void meta_cell(char *buf, size_t len, const struct series *s)
{
	if (!s->n)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f B (%.3f%%)", median(s), 100 * median(s) / ps);
}

/* Faults per page, device/tmpfs[/anon], medians. */
static void fault_cell(char *buf, size_t len, const struct series f[NKINDS])
{
	int k, n = 0;

	buf[0] = 0;
	for (k = 0; k < NKINDS; k++)
		if (f[k].n)
			n += snprintf(buf + n, len - n, "%s%.3g", n ? "/" : "",
				      median(&f[k]));
}

bool under_tcg(void)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	bool qemu = false, hyp = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10) && strstr(line, "QEMU"))
			qemu = true;
		if (!strncmp(line, "flags", 5) && strstr(line, " hypervisor"))
			hyp = true;
	}
	fclose(f);
	return qemu && hyp;
}

/* Line a's median over line b's, on the device and on tmpfs. */
static void ratio_note(FILE *out, const char *what, const char *a, const char *b)
{
	const struct line *A = find_line(a), *B = find_line(b);

	if (!A->ran || !B->ran)
		return;
	fprintf(out, "%-36s device %.2f, tmpfs %.2f\n", what,
		median(&A->s[DEV]) / median(&B->s[DEV]),
		median(&A->s[TMPFS]) / median(&B->s[TMPFS]));
}

/* The counts of one side, per page: "majflt 0.125 minflt 0.875 ...". */
static void count_cell(char *buf, size_t len, const struct series c[NBC])
{
	int i, n = 0;

	snprintf(buf, len, "-");
	for (i = 0; i < NBC; i++)
		if (c[i].n)
			n += snprintf(buf + n, len - n, "%s%s %.3g", n ? " " : "",
				      bcount_name[i], median(&c[i]));
}

static void print_backing(FILE *out)
{
	char a[48], b[48], d[48], e[160], f[160];
	size_t l;

	if (bk_skipped[0]) {
		fprintf(out, "\nbacking file (major-fault, msync-dirty): skipped: %s\n",
			bk_skipped);
		return;
	}
	fprintf(out, "\nbacking file: the device with backing=%s against an ext4 file in %s\n",
		bk_path, disk_dir);
	fprintf(out, "device: io %s, readahead %d pages after a major fault; ext4: the kernel's readahead, read_ahead_kb %d\n",
		bk_io, bk_readahead, ext4_ra_kb);
	fprintf(out, "ns per page: median [min..max]; counts per page (medians): getrusage's majflt and minflt\n"
		"of the timed loop, and the module's counters (major-fault: pages_read = 1, of them\n"
		"faults_major read by a fault and pages_readahead read ahead; msync-dirty: pages_dirty\n"
		"before msync, pages_written by it)\n");
	fprintf(out, "%-36s %-22s %-22s %-26s %s\n", "line", "device", "ext4",
		"device/ext4      minima", "per page: device | ext4");
	for (l = 0; l < nbk; l++) {
		struct bk_line *L = &bk_lines[l];

		if (!L->ran)
			continue;
		cell(a, sizeof(a), &L->s[BK_DEV]);
		cell(b, sizeof(b), &L->s[BK_EXT4]);
		ratio_cell(d, sizeof(d), &L->s[BK_DEV], &L->s[BK_EXT4]);
		count_cell(e, sizeof(e), L->c[BK_DEV]);
		count_cell(f, sizeof(f), L->c[BK_EXT4]);
		fprintf(out, "%-36s %-22s %-22s %-26s %s | %s\n", L->title, a, b, d, e, f);
	}
}

void print_table(FILE *out)
{
	char a[48], b[48], c[48], d[48], e[48];
	struct utsname u;
	size_t l;
	int i, j;

	uname(&u);
	fprintf(out, "vmdemo-bench: the cost of a fault on %s, against tmpfs (%s) and anonymous memory\n",
	       dev_path, tmp_dir);
	fprintf(out, "kernel %s, %d CPUs, page %zu B; N = %zu pages (%zu KiB) per file; %d repetitions after 1 warm-up\n",
	       u.release, ncpus, ps, npages, npages * ps >> 10, reps);
	fprintf(out, "fault_around_bytes %ld (off = 4096 for warm-read); module stats %s\n",
	       fa_saved, stats_saved < 0 ? "unknown" : stats_saved ? "Y" : "N");
	if (under_tcg())
		fprintf(out, "NOTE: QEMU software emulation (TCG): absolute times are meaningless; compare the ratios.\n");
	else
		fprintf(out, "NOTE: under any VM, absolute times say little; compare the ratios.\n");
	fprintf(out, "ns per page: median [min..max]; device/tmpfs: ratio of the medians [min..max of the\n"
	       "per-repetition ratios], then the ratio of the minima (the least disturbed samples);\n"
	       "faults/page: page faults the loop took per page (getrusage), device/tmpfs[/anon]\n");
	if (find_line("contend-read")->ran)
		fprintf(out, "contend-read: %d threads on %d CPUs read the same pages at once, each through its own\n"
			"mapping, %d rounds a sample, MADV_DONTNEED between: wall ns (and faults) per page read\n",
			contend_threads, ncpus, CONTEND_ROUNDS);
	if (find_line("cold-write-busy")->ran)
		fprintf(out, "cold-write-busy: cold-write while %d threads spin, each pinned to a CPU\n",
			busy_threads);
	fputc('\n', out);

	for (l = 0; l < nlines; l++)
		if (lines[l].ran) {
			fprintf(out, "%-36s %-22s %-22s %-22s %-26s %s\n", "line", "device",
				"tmpfs", "anon", "device/tmpfs    minima", "faults/page");
			break;
		}
	for (l = 0; l < nlines; l++) {
		struct line *L = &lines[l];

		if (!L->ran)
			continue;
		cell(a, sizeof(a), &L->s[DEV]);
		cell(b, sizeof(b), &L->s[TMPFS]);
		cell(c, sizeof(c), &L->s[ANON]);
		ratio_cell(d, sizeof(d), &L->s[DEV], &L->s[TMPFS]);
		fault_cell(e, sizeof(e), L->f);
		fprintf(out, "%-36s %-22s %-22s %-22s %-26s %s\n", L->title, a, b, c, d, e);
	}
	ratio_note(out, "  streaming: mmap/read() time", "stream-mmap", "stream-read");
	ratio_note(out, "  cold-write-busy/cold-write time", "cold-write-busy", "cold-write");
	ratio_note(out, "  contend-read/faultaround time", "contend-read", "faultaround");

	if (nscale) {
		fprintf(out, "\nscaling: cold write faults, MAP_SHARED, threads on disjoint ranges (wall ns per page; speed-up vs 1 thread)\n");
		fprintf(out, "%-36s %-22s %-22s %-22s %-26s %s\n", "threads", "device", "tmpfs",
		       "anon", "device/tmpfs    minima", "faults/page");
		for (i = 0; i < nscale; i++) {
			struct scale_row *R = &scale_rows[i];
			char title[40];

			cell(a, sizeof(a), &R->s[DEV]);
			cell(b, sizeof(b), &R->s[TMPFS]);
			cell(c, sizeof(c), &R->s[ANON]);
			ratio_cell(d, sizeof(d), &R->s[DEV], &R->s[TMPFS]);
			snprintf(title, sizeof(title), "%d", R->nt);
			fault_cell(e, sizeof(e), R->f);
			fprintf(out, "%-36s %-22s %-22s %-22s %-26s %s\n", title, a, b, c, d, e);
		}
		for (i = 1; i < nscale; i++) {
			double sp[NKINDS], spm[NKINDS];

			for (j = 0; j < NKINDS; j++) {
				bool ok = scale_rows[i].s[j].n && scale_rows[0].s[j].n;

				sp[j] = ok ? median(&scale_rows[0].s[j]) / median(&scale_rows[i].s[j]) : 0;
				spm[j] = ok ? smin(&scale_rows[0].s[j]) / smin(&scale_rows[i].s[j]) : 0;
			}
			fprintf(out, "  throughput %d/%d threads (medians; minima): device %.2fx; %.2fx, tmpfs %.2fx; %.2fx",
			       scale_rows[i].nt, scale_rows[0].nt, sp[DEV], spm[DEV],
			       sp[TMPFS], spm[TMPFS]);
			if (sp[ANON] > 0)
				fprintf(out, ", anon %.2fx; %.2fx", sp[ANON], spm[ANON]);
			fprintf(out, "\n  device scaling / tmpfs scaling: %.2f; %.2f\n",
			       sp[TMPFS] > 0 ? sp[DEV] / sp[TMPFS] : 0,
			       spm[TMPFS] > 0 ? spm[DEV] / spm[TMPFS] : 0);
		}
	}

	if (meta_ran) {
		fprintf(out, "\nmetadata: slab memory per resident page (M = %zu pages resident, %d samples; median, %% of a %zu B page)\n",
		       meta_pages, meta[DEV].all_obj.n, ps);
		fprintf(out, "%-36s %-22s %-22s\n", "", "device", "tmpfs");
#define META_ROW(title, field) do {						\
		meta_cell(a, sizeof(a), &meta[DEV].field);			\
		meta_cell(b, sizeof(b), &meta[TMPFS].field);			\
		fprintf(out, "%-36s %-22s %-22s\n", title, a, b);			\
	} while (0)
		META_ROW("radix_tree_node objects", radix_obj);
		META_ROW("radix_tree_node slab pages", radix_mem);
		META_ROW("all slab caches, objects", all_obj);
		META_ROW("all slab caches, slab pages", all_mem);
#undef META_ROW
		fprintf(out, "  (struct page, %s, is not counted: every page of RAM has one, cached or not)\n",
		       "64 B = 1.56%");
	}

	if (stats_ran) {
		fprintf(out, "\nstatistics: device with the module's stats on and off (ns per page)\n");
		fprintf(out, "%-36s %-22s %-22s %-22s %s\n", "line", stats_col[SY],
		       stats_col[SN], stats_col[STMP], "Y/N             minima  Y-N (medians, minima)");
		for (l = 0; l < nstats; l++) {
			struct stats_line *L = &stats_lines[l];

			cell(a, sizeof(a), &L->s[SY]);
			cell(b, sizeof(b), &L->s[SN]);
			cell(c, sizeof(c), &L->s[STMP]);
			ratio_cell(d, sizeof(d), &L->s[SY], &L->s[SN]);
			fprintf(out, "%-36s %-22s %-22s %-22s %s  %+.0f ns, %+.0f ns\n", L->title, a,
			       b, c, d, median(&L->s[SY]) - median(&L->s[SN]),
			       smin(&L->s[SY]) - smin(&L->s[SN]));
		}
		fprintf(out, "  (device/tmpfs with stats=N: ");
		for (l = 0; l < nstats; l++)
			fprintf(out, "%s%s %.2f", l ? ", " : "", stats_lines[l].key,
			       median(&stats_lines[l].s[SN]) /
			       median(&stats_lines[l].s[STMP]));
		fprintf(out, ")\n");
	}
	if (bk_ran)
		print_backing(out);
	if (failures)
		fprintf(out, "\nFAILED: %d checksum mismatches\n", failures);
	fflush(out);
}
