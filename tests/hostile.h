/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common part of the hostile_* programs: hostile arguments to every entry
 * point of /dev/vmdemo, one program per entry point (hostile_ioctl,
 * hostile_enotty, hostile_mmap, hostile_io, hostile_lseek, hostile_open).
 *
 * Table-driven: each row of a table is one test (one TAP line, run in its
 * own process by the kselftest harness), registered from main() with
 * HOSTILE_REGISTER().  Every test starts from the same reference state of
 * the device (and of a tmpfs file, where the two are compared):
 *
 *   size      8 pages + 100 bytes (not page aligned)
 *   content   pattern (pattern.h, generation GEN) on [0, 4 pages) and on
 *             [8 pages, 8 pages + 50); zeroes elsewhere (pages 4-7 are
 *             holes, the rest of the partial last page is zero)
 *   resident  5 pages (0-3 and 8)
 *   position  the test's descriptor at FPOS
 *
 * makes one hostile call, checks its exact result (return value and
 * errno), and then that the object is as it was: size by
 * VMDEMO_IOC_GET_SIZE, every byte by pread(), resident pages by
 * VMDEMO_IOC_GET_INFO, the file position, and any user buffer the kernel
 * must not have written (ref_check()).
 *
 * The harness-free part (the reference state, values, descriptors, user
 * memory) is hostile_ref.h and hostile_ref.c; what needs the harness is
 * here, static inline.  Include this from exactly one file per program
 * (the harness defines functions).
 */
#ifndef _VMDEMO_HOSTILE_H
#define _VMDEMO_HOSTILE_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "kselftest_harness.h"

#include "hostile_ref.h"
#include "pattern.h"
#include "probe.h"
#include "sysfile.h"
#include "target.h"

/* The tables give the leading fields of a row and leave the rest zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* The five commands, short, for the tables. */
#define GS	VMDEMO_IOC_GET_SIZE
#define SS	VMDEMO_IOC_SET_SIZE
#define PH	VMDEMO_IOC_PUNCH_HOLE
#define GI	VMDEMO_IOC_GET_INFO
#define EV	VMDEMO_IOC_EVICT

/* ---- the reference state, with the harness ------------------------------ */

/*
 * Open the object of @kind in the reference state.  Returns false if the
 * test was skipped (no device) or failed; the caller returns then.
 */
static inline bool ref_setup(struct __test_metadata *_metadata,
			     struct target *t, enum target_kind kind)
{
	char msg[512] = "";
	int ret = ref_open(t, kind, msg, sizeof(msg));

	if (ret == TARGET_SKIP)
		SKIP(return false, "%s", msg);
	if (ret != TARGET_READY) {
		TH_LOG("%s", msg);
		EXPECT_TRUE(false);
		return false;
	}
	return true;
}

/*
 * Check that @t is in the reference state, but for its size, which must
 * be @size (the bytes between the reference size and @size are zero);
 * and for the resident pages unless @resident.
 */
static inline void ref_check_pages(struct __test_metadata *_metadata,
				   const struct target *t, uint64_t size,
				   bool resident)
{
	uint64_t got = ~0ULL;
	uint8_t *buf;
	ssize_t n;

	EXPECT_EQ(0, target_get_size(t, &got));
	EXPECT_EQ(size, got) {
		TH_LOG("%s: the size changed", t->path);
	}
	buf = malloc(ref_size);
	ASSERT_NE(NULL, buf);
	n = pread(t->fd, buf, ref_size, 0);
	EXPECT_EQ((ssize_t)ref_size, n);
	if (n == (ssize_t)ref_size) {
		EXPECT_TRUE(ref_match(buf, ref_size, 0)) {
			TH_LOG("%s: the content changed", t->path);
		}
	}
	free(buf);
	if (size > ref_size) {
		EXPECT_EQ(PAT_OK, zero_pcheck(t->fd, ref_size,
					      size - ref_size < pagesz ?
					      size - ref_size : pagesz));
		EXPECT_EQ(PAT_OK, zero_pcheck(t->fd, size - 10, 10));
	}
	if (resident) {
		EXPECT_EQ(REF_RESIDENT, target_resident(t)) {
			TH_LOG("%s: the resident pages changed", t->path);
		}
	}
}

static inline void ref_check(struct __test_metadata *_metadata,
			     const struct target *t, uint64_t size)
{
	ref_check_pages(_metadata, t, size, true);
}

/* ---- registering the table rows with the harness ------------------------ */

struct hostile_test {
	struct __test_metadata meta;
	void (*run)(struct __test_metadata *_metadata, const void *arg);
	const void *arg;
};

static inline void hostile_trampoline(struct __test_metadata *_metadata,
				      struct __fixture_variant_metadata *v)
{
	struct hostile_test *h = (struct hostile_test *)
		((char *)_metadata - offsetof(struct hostile_test, meta));

	(void)v;
	_metadata->setup_completed = true;
	if (setjmp(_metadata->env) == 0)
		h->run(_metadata, h->arg);
	__test_check_assert(_metadata);
}

/* Test @name of fixture @f: @run(@arg). */
static inline void hostile_add(struct __fixture_metadata *f, const char *name,
			       void (*run)(struct __test_metadata *,
					   const void *),
			       const void *arg)
{
	struct hostile_test *h = calloc(1, sizeof(*h));

	if (!h) {
		perror("calloc");
		exit(1);
	}
	h->meta.name = name;
	h->meta.fn = hostile_trampoline;
	h->meta.fixture = f;
	h->meta.termsig = -1;
	h->meta.timeout = TEST_TIMEOUT_DEFAULT;
	h->run = run;
	h->arg = arg;
	__register_test(&h->meta);
}

/*
 * HOSTILE_REGISTER_N(fx, table, n, run) - fixture @fx (its name, a string)
 * with a test for each of the @n rows of @table, named by the row's .name
 * and run by @run(row); HOSTILE_REGISTER() for a whole array.  Fixtures
 * and tests run in the order registered (appended in order: the
 * constructors ran already).
 */
#define HOSTILE_REGISTER_N(fx, table, n, run)				\
	do {								\
		static struct __fixture_metadata f_ = {			\
			.name = fx, .prev = &f_,			\
		};							\
		size_t i_;						\
									\
		__constructor_order = _CONSTRUCTOR_ORDER_FORWARD;	\
		__register_fixture(&f_);				\
		for (i_ = 0; i_ < (size_t)(n); i_++)			\
			hostile_add(&f_, (table)[i_].name, (run),	\
				    &(table)[i_]);			\
	} while (0)

#define HOSTILE_REGISTER(fx, table, run)				\
	HOSTILE_REGISTER_N(fx, table, ARRAY_SIZE(table), run)

#endif /* _VMDEMO_HOSTILE_H */
