// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics on and off: every line that faults, measured again on the
 * device with the module's parameter stats=Y and stats=N (written to
 * /sys/module/vmdemo/parameters/stats) and on tmpfs, the three columns
 * rotating from one repetition to the next.  The parameter is put back
 * afterwards.  The lines are those of the main table that fault (all but
 * stream-read).
 */
#include "bench.h"

struct stats_line stats_lines[] = {
	{ .key = "cold-write", .title = "cold write fault, MAP_SHARED", .fn = m_cold_write },
	{ .key = "cold-write-busy", .title = "cold write fault, all CPUs busy", .fn = m_cold_write_busy },
	{ .key = "warm-read", .title = "warm read fault, fault-around off", .fn = m_warm_read },
	{ .key = "faultaround", .title = "sequential read, fault-around on", .fn = m_faultaround },
	{ .key = "contend-read", .title = contend_title, .fn = m_contend_read },
	{ .key = "cow-write", .title = "first write, MAP_PRIVATE (COW)", .fn = m_cow_write },
	{ .key = "populate", .title = "MAP_POPULATE, resident", .fn = m_populate },
	{ .key = "stream-mmap", .title = "stream whole file: mmap", .fn = m_stream_mmap },
};
const size_t nstats = sizeof(stats_lines) / sizeof(stats_lines[0]);
bool stats_ran;

static double stats_sample(struct stats_line *L, int col)
{
	if (col == STMP)
		return L->fn(TMPFS);
	set_stats(col == SY);
	return L->fn(DEV);
}

void run_stats(void)
{
	int ncol = use[TMPFS] ? NSCOL : STMP;
	size_t l;
	int r, j;

	for (l = 0; l < nstats; l++) {
		struct stats_line *L = &stats_lines[l];

		say("  stats %-12s ", L->key);
		for (j = 0; j < ncol; j++)
			stats_sample(L, j);
		for (r = 0; r < reps; r++) {
			for (j = 0; j < ncol; j++) {
				int c = (r + j) % ncol;

				L->s[c].v[L->s[c].n++] = stats_sample(L, c);
			}
			say(".");
		}
		busy_stop();
		say("\n");
	}
	set_stats(stats_saved);
	stats_ran = true;
}
