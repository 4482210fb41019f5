/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture of the backing_* programs that compare the device with an
 * ext4 file: variants "device" (/dev/vmdemo with a backing file on
 * /mnt/disk) and "ext4" (a file there), fault-around off (4096 bytes) so
 * that every access of a page reaches .fault or .page_mkwrite itself.
 * Include it from exactly one file per program (the harness defines
 * functions).
 */
#ifndef _VMDEMO_BFIXTURE_H
#define _VMDEMO_BFIXTURE_H

#include "kselftest_harness.h"

#include "backing.h"
#include "counters.h"
#include "target.h"

/* The harness exits 255 from a test process to report SKIP. */
#define BOBJ_SKIP_EXIT	255

static inline void bfixture_setup(struct __test_metadata *_metadata,
				  struct bobj *o, long *fault_around,
				  enum bobj_kind kind, const char *name,
				  uint64_t size, const char *params)
{
	char msg[512] = "";

	*fault_around = -1;
	switch (bobj_setup(o, kind, name, size, params, msg, sizeof(msg))) {
	case BOBJ_READY:
		break;
	case BOBJ_SKIP:
		/* The 6.1 harness runs the test after SKIP() in a setup. */
		SKIP(_exit(BOBJ_SKIP_EXIT), "%s", msg);
		break;
	default:
		bobj_teardown(o);
		TH_LOG("%s", msg);
		ASSERT_TRUE(false);
	}
	*fault_around = fault_around_get();
	ASSERT_LT(0, *fault_around)
		TH_LOG("cannot read fault_around_bytes: is debugfs mounted?");
	ASSERT_EQ(0, fault_around_set(4096));
}

static inline void bfixture_teardown(struct bobj *o, long fault_around)
{
	if (fault_around > 0)
		fault_around_set(fault_around);
	bobj_teardown(o);
}

/*
 * BOBJ_FIXTURE(fx, npages, params) - fixture @fx, variants device and
 * ext4, each test's self->o an object of @npages zero pages; the device
 * is loaded with the module parameters @params besides backing and size.
 */
#define BOBJ_FIXTURE(fx, npages, params)				\
	FIXTURE(fx) {							\
		struct bobj o;						\
		long fault_around;					\
	};								\
	FIXTURE_VARIANT(fx) {						\
		enum bobj_kind kind;					\
	};								\
	FIXTURE_VARIANT_ADD(fx, device) {				\
		.kind = BOBJ_DEVICE,					\
	};								\
	FIXTURE_VARIANT_ADD(fx, ext4) {					\
		.kind = BOBJ_EXT4,					\
	};								\
	FIXTURE_SETUP(fx)						\
	{								\
		bfixture_setup(_metadata, &self->o, &self->fault_around, \
			       variant->kind, #fx, pages(npages), params); \
	}								\
	FIXTURE_TEARDOWN(fx)						\
	{								\
		bfixture_teardown(&self->o, self->fault_around);	\
	}

/*
 * BDEV_FIXTURE(fx, npages, params) - fixture @fx for the device only
 * (what the ext4 file has no counterpart for), as BOBJ_FIXTURE's device.
 */
#define BDEV_FIXTURE(fx, npages, params)				\
	FIXTURE(fx) {							\
		struct bobj o;						\
		long fault_around;					\
	};								\
	FIXTURE_SETUP(fx)						\
	{								\
		bfixture_setup(_metadata, &self->o, &self->fault_around, \
			       BOBJ_DEVICE, #fx, pages(npages), params); \
	}								\
	FIXTURE_TEARDOWN(fx)						\
	{								\
		bfixture_teardown(&self->o, self->fault_around);	\
	}

/* Counters the device has; on the ext4 file, zeroes (no such counters). */
#define DEVICE_COUNTERS(o, c, b) do {					\
	memset((c), 0, sizeof(*(c)));					\
	memset((b), 0, sizeof(*(b)));					\
	if (bobj_is_device(o)) {					\
		ASSERT_EQ(0, counters_read(c));				\
		ASSERT_EQ(0, bcounters_read(b))				\
			TH_LOG("stats lacks the backing counters in order"); \
	}								\
} while (0)

/* A counter's value, checked on the device only. */
#define EXPECT_DEV(want, seen) do {					\
	if (bobj_is_device(&self->o))					\
		EXPECT_EQ((uint64_t)(want), (uint64_t)(seen));		\
} while (0)

/* What counter @i of enum bcounter moved from @b0 to @b1. */
#define BDELTA(b1, b0, i)	((b1).v[i] - (b0).v[i])
#define CDELTA(c1, c0, i)	((c1).v[i] - (c0).v[i])

#define RW	(PROT_READ | PROT_WRITE)

#endif /* _VMDEMO_BFIXTURE_H */
