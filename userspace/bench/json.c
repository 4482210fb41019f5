// SPDX-License-Identifier: GPL-2.0
/*
 * The results as JSON (--json FILE, or - for stdout): the run's settings,
 * then every line, scaling row, the metadata, the statistics table and
 * the backing-file lines with all their samples, their quantiles and the
 * device/tmpfs (stats Y/N, device/ext4) ratios.  tests/bench_smoke.sh reads some of its keys.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "bench.h"

static void json_series(FILE *f, const char *name, const struct series *s,
			bool comma)
{
	int i;

	fprintf(f, "\"%s\": {\"median\": %.3f, \"min\": %.3f, \"max\": %.3f, "
		"\"q1\": %.3f, \"q3\": %.3f, \"samples\": [",
		name, median(s), smin(s), smax(s), quantile(s, 0.25), quantile(s, 0.75));
	for (i = 0; i < s->n; i++)
		fprintf(f, "%s%.3f", i ? ", " : "", s->v[i]);
	fprintf(f, "]}%s", comma ? ", " : "");
}

static void json_ratio(FILE *f, const char *name, const struct series *a,
		       const struct series *b)
{
	struct series r = ratios(a, b);

	if (!a->n || !b->n) {
		fprintf(f, "\"%s\": null", name);
		return;
	}
	fprintf(f, "\"%s\": {\"of_medians\": %.4f, \"of_minima\": %.4f, "
		"\"paired_median\": %.4f, \"paired_min\": %.4f, \"paired_max\": %.4f}",
		name, median(a) / median(b), smin(a) / smin(b), median(&r),
		smin(&r), smax(&r));
}

/* A JSON string: the characters of s, with quotes and backslashes escaped. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

/* The backing-file lines: null if not asked for, the reason if skipped. */
static void json_backing(FILE *f)
{
	size_t l;
	int i, c, m;

	if (!bk_ran) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{\"disk\": ");
	json_str(f, disk_dir);
	if (bk_skipped[0]) {
		fprintf(f, ", \"skipped\": ");
		json_str(f, bk_skipped);
		fprintf(f, "}");
		return;
	}
	fprintf(f, ", \"backing_file\": ");
	json_str(f, bk_path);
	fprintf(f, ", \"io\": ");
	json_str(f, bk_io);
	fprintf(f, ", \"device_readahead_pages\": %d, \"ext4_read_ahead_kb\": %d,\n"
		"    \"lines\": [", bk_readahead, ext4_ra_kb);
	for (l = 0, m = 0; l < nbk; l++) {
		struct bk_line *L = &bk_lines[l];

		if (!L->ran)
			continue;
		fprintf(f, "%s\n      {\"key\": \"%s\", \"title\": \"%s\", ",
			m++ ? "," : "", L->key, L->title);
		for (i = 0; i < NSIDES; i++)
			json_series(f, side_name[i], &L->s[i], true);
		fprintf(f, "\"per_page\": {");
		for (i = 0; i < NSIDES; i++) {
			int n = 0;

			fprintf(f, "%s\"%s\": {", i ? ", " : "", side_name[i]);
			for (c = 0; c < NBC; c++)
				if (L->c[i][c].n)
					fprintf(f, "%s\"%s\": %.4f", n++ ? ", " : "",
						bcount_name[c], median(&L->c[i][c]));
			fprintf(f, "}");
		}
		fprintf(f, "}, ");
		json_ratio(f, "device_over_ext4", &L->s[BK_DEV], &L->s[BK_EXT4]);
		fprintf(f, "}");
	}
	fprintf(f, "\n    ]}");
}

void write_json(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	struct utsname u;
	size_t l;
	int i, j, m;

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	uname(&u);
	fprintf(f, "{\n  \"tool\": \"vmdemo-bench\", \"unit\": \"ns/page\",\n");
	fprintf(f, "  \"kernel\": \"%s\", \"cpus\": %d, \"page_size\": %zu, \"pages\": %zu, "
		"\"reps\": %d, \"fault_around_bytes\": %ld, \"stats_param\": %d, \"tcg\": %s,\n",
		u.release, ncpus, ps, npages, reps, fa_saved, stats_saved,
		under_tcg() ? "true" : "false");
	fprintf(f, "  \"contend_threads\": %d, \"contend_rounds\": %d, \"busy_threads\": %d,\n",
		contend_threads, CONTEND_ROUNDS, busy_threads);
	fprintf(f, "  \"note\": \"absolute times under emulation are meaningless; compare ratios\",\n");
	fprintf(f, "  \"checksum_failures\": %d,\n", failures);
	fprintf(f, "  \"lines\": [");
	j = 0;
	for (l = 0; l < nlines; l++) {
		struct line *L = &lines[l];

		if (!L->ran)
			continue;
		fprintf(f, "%s\n    {\"key\": \"%s\", \"title\": \"%s\", ", j++ ? "," : "",
			L->key, L->title);
		for (i = 0; i < NKINDS; i++)
			if (L->s[i].n)
				json_series(f, kind_name[i], &L->s[i], true);
		fprintf(f, "\"faults_per_page\": {");
		for (i = 0, m = 0; i < NKINDS; i++)
			if (L->f[i].n)
				fprintf(f, "%s\"%s\": %.4f", m++ ? ", " : "",
					kind_name[i], median(&L->f[i]));
		fprintf(f, "}, ");
		json_ratio(f, "device_over_tmpfs", &L->s[DEV], &L->s[TMPFS]);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"scaling\": [");
	for (i = 0; i < nscale; i++) {
		struct scale_row *R = &scale_rows[i];
		int k;

		fprintf(f, "%s\n    {\"threads\": %d, ", i ? "," : "", R->nt);
		for (k = 0; k < NKINDS; k++)
			if (R->s[k].n)
				json_series(f, kind_name[k], &R->s[k], true);
		fprintf(f, "\"speedup\": {");
		for (k = 0, j = 0; k < NKINDS; k++)
			if (R->s[k].n)
				fprintf(f, "%s\"%s\": {\"of_medians\": %.4f, \"of_minima\": %.4f}",
					j++ ? ", " : "", kind_name[k],
					median(&scale_rows[0].s[k]) / median(&R->s[k]),
					smin(&scale_rows[0].s[k]) / smin(&R->s[k]));
		fprintf(f, "}, ");
		json_ratio(f, "device_over_tmpfs", &R->s[DEV], &R->s[TMPFS]);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"metadata\": ");
	if (meta_ran) {
		fprintf(f, "{\"pages\": %zu,", meta_pages);
		for (i = 0; i < 2; i++) {
			if (!meta[i].all_obj.n)
				continue;
			fprintf(f, "\n    \"%s\": {", kind_name[i]);
			json_series(f, "radix_tree_node_bytes_per_page", &meta[i].radix_obj, true);
			json_series(f, "radix_tree_node_slab_bytes_per_page", &meta[i].radix_mem, true);
			json_series(f, "all_slab_bytes_per_page", &meta[i].all_obj, true);
			json_series(f, "all_slab_pages_bytes_per_page", &meta[i].all_mem, true);
			fprintf(f, "\"percent_of_page\": %.4f},",
				100 * median(&meta[i].all_obj) / ps);
		}
		fprintf(f, "\n    \"unit\": \"bytes per resident page\"}");
	} else {
		fprintf(f, "null");
	}
	fprintf(f, ",\n  \"stats\": [");
	if (stats_ran) {
		for (l = 0; l < nstats; l++) {
			struct stats_line *L = &stats_lines[l];

			fprintf(f, "%s\n    {\"key\": \"%s\", ", l ? "," : "", L->key);
			json_series(f, "device_stats_Y", &L->s[SY], true);
			json_series(f, "device_stats_N", &L->s[SN], true);
			json_series(f, "tmpfs", &L->s[STMP], true);
			json_ratio(f, "Y_over_N", &L->s[SY], &L->s[SN]);
			fprintf(f, "}");
		}
	}
	fprintf(f, "\n  ],\n  \"backing\": ");
	json_backing(f);
	fprintf(f, "\n}\n");
	if (f != stdout)
		fclose(f);
}
