// SPDX-License-Identifier: GPL-2.0
/*
 * Timing and the statistics of the samples: the clock, the page faults a
 * sample took, quantiles of a series and per-repetition ratios, and the
 * loop that measures one line REPS times on each memory it applies to,
 * the order of the memories rotating from one repetition to the next.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"

/*
 * Pages the sample read or wrote, for its faults per page: npages unless
 * the measurement says otherwise.
 */
size_t sample_pages;

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Quantile q of the samples (linear interpolation). */
double quantile(const struct series *s, double q)
{
	double v[MAX_REPS], pos;
	int i;

	if (!s->n)
		return 0;
	memcpy(v, s->v, s->n * sizeof(double));
	qsort(v, s->n, sizeof(double), cmp_double);
	pos = q * (s->n - 1);
	i = (int)pos;
	if (i + 1 >= s->n)
		return v[s->n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

double median(const struct series *s) { return quantile(s, 0.5); }
double smin(const struct series *s) { return quantile(s, 0.0); }
double smax(const struct series *s) { return quantile(s, 1.0); }

/* Per-repetition ratios a[i]/b[i]. */
struct series ratios(const struct series *a, const struct series *b)
{
	struct series r = { .n = 0 };
	int i;

	for (i = 0; i < a->n && i < b->n; i++)
		if (b->v[i] > 0)
			r.v[r.n++] = a->v[i] / b->v[i];
	return r;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/*
 * Run fn on each kind that applies, REPS times, rotating the order; f
 * gets the page faults per page of each sample (setup and checks do not
 * fault: the checks read pages the timed loop mapped), per page of the
 * file, or per page read where fn sets sample_pages.
 */
void run_series(const bool applies[NKINDS], struct series s[NKINDS],
		struct series f[NKINDS], double (*fn)(enum kind k))
{
	enum kind order[NKINDS];
	int n = 0, r, j;

	for (j = 0; j < NKINDS; j++)
		if (applies[j] && use[j])
			order[n++] = j;
	/* One warm-up round, not counted. */
	for (j = 0; j < n; j++)
		fn(order[j]);
	for (r = 0; r < reps; r++) {
		for (j = 0; j < n; j++) {
			enum kind k = order[(r + j) % n];

			long f0 = minflt();

			sample_pages = npages;
			s[k].v[s[k].n++] = fn(k);
			f[k].v[f[k].n++] = (double)(minflt() - f0) / sample_pages;
		}
		say(".");
	}
}
