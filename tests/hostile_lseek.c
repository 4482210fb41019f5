// SPDX-License-Identifier: GPL-2.0
/*
 * tests/hostile_lseek.c: lseek() of /dev/vmdemo with every whence and
 * negative, huge and overflowing offsets, each row of a table one test
 * from the reference state of hostile.h.
 *
 * Fixture (the part of the TAP name before the first dot):
 *   lseek    SEEK_SET/CUR/END/DATA/HOLE and unknown whences; each run on
 *            the device and on a tmpfs file, with the result the row
 *            gives for each (they differ where the device reports no
 *            holes); a failed seek leaves the position alone
 *
 * Needs /dev/vmdemo (VMDEMO_DEV) and a tmpfs (VMDEMO_TMPFS, /dev/shm);
 * each test is skipped if the device is not there.
 */
#include "hostile.h"

struct lseek_case {
	const char *name;
	struct val off;		/* negated if neg */
	bool neg;
	int whence;
	int err;
	struct val ret;		/* on the device */
	bool tmpfs_differs;
	struct val tret;	/* on tmpfs, if it differs */
};

static const struct lseek_case lseek_cases[] = {
	{ "set.minus_1", ABS(-1), false, SEEK_SET, EINVAL },
	{ "set.llong_min", ABS(INT64_MIN), false, SEEK_SET, EINVAL },
	{ "set.max_lfs", ABS(INT64_MAX), false, SEEK_SET, 0, ABS(INT64_MAX) },
	{ "set.past_size", SZ(1), false, SEEK_SET, 0, SZ(1) },
	{ "cur.overflow", ABS(INT64_MAX), false, SEEK_CUR, EINVAL },
	{ "cur.below_0", ABS(-FPOS - 1), false, SEEK_CUR, EINVAL },
	{ "cur.to_0", ABS(-FPOS), false, SEEK_CUR, 0, ABS(0) },
	{ "cur.llong_min", ABS(INT64_MIN), false, SEEK_CUR, EINVAL },
	{ "end.overflow", ABS(INT64_MAX), false, SEEK_END, EINVAL },
	{ "end.to_0", SZ(0), true, SEEK_END, 0, ABS(0) },
	{ "end.below_0", SZ(1), true, SEEK_END, EINVAL },
	{ "end.llong_min", ABS(INT64_MIN), false, SEEK_END, EINVAL },
	{ "data.minus_1", ABS(-1), false, SEEK_DATA, ENXIO },
	{ "data.at_size", SZ(0), false, SEEK_DATA, ENXIO },
	{ "data.max_lfs", ABS(INT64_MAX), false, SEEK_DATA, ENXIO },
	{ "data.at_0", ABS(0), false, SEEK_DATA, 0, ABS(0) },
	/* The device reports no holes: data everywhere below the size. */
	{ "data.in_hole", PG(4, 1), false, SEEK_DATA, 0, PG(4, 1), true,
	  PG(REF_PAGES, 0) },
	{ "hole.minus_1", ABS(-1), false, SEEK_HOLE, ENXIO },
	{ "hole.at_size", SZ(0), false, SEEK_HOLE, ENXIO },
	{ "hole.max_lfs", ABS(INT64_MAX), false, SEEK_HOLE, ENXIO },
	{ "hole.at_0", ABS(0), false, SEEK_HOLE, 0, SZ(0), true, PG(4, 0) },
	{ "whence_5", ABS(0), false, 5, EINVAL },
	{ "whence_u32_max", ABS(0), false, -1, EINVAL },
};

static void lseek_one(struct __test_metadata *_metadata,
		      const struct lseek_case *c, enum target_kind kind,
		      int *err, int64_t *ret)
{
	struct target t;
	int64_t off = c->neg ? -(int64_t)V(c->off) : (int64_t)V(c->off);

	*err = 0;
	*ret = 0;
	if (!ref_setup(_metadata, &t, kind))
		return;
	errno = 0;
	*ret = syscall(SYS_lseek, t.fd, off, c->whence);
	*err = *ret < 0 ? errno : 0;
	/* A failed seek leaves the position alone. */
	EXPECT_EQ((off_t)(*err ? FPOS : *ret), lseek(t.fd, 0, SEEK_CUR));
	ref_check(_metadata, &t, ref_size);
	ref_teardown(&t);
}

static void run_lseek(struct __test_metadata *_metadata, const void *arg)
{
	const struct lseek_case *c = arg;
	int64_t dret, tret;
	int derr, terr;

	lseek_one(_metadata, c, TARGET_DEVICE, &derr, &dret);
	if (_metadata->skip)
		return;
	lseek_one(_metadata, c, TARGET_TMPFS, &terr, &tret);
	EXPECT_EQ(c->err, derr) {
		TH_LOG("device: lseek returned %lld: %s", (long long)dret,
		       strerror(derr));
	}
	EXPECT_EQ(c->err, terr) {
		TH_LOG("tmpfs: lseek returned %lld: %s", (long long)tret,
		       strerror(terr));
	}
	if (!c->err) {
		EXPECT_EQ((int64_t)V(c->ret), dret);
		EXPECT_EQ((int64_t)V(c->tmpfs_differs ? c->tret : c->ret), tret);
	}
}

int main(int argc, char **argv)
{
	hostile_init();
	HOSTILE_REGISTER("lseek", lseek_cases, run_lseek);
	return test_harness_run(argc, argv);
}
