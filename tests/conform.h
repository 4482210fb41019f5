/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common part of the conformance programs: the kselftest harness, a
 * fixture with the two variants "device" and "tmpfs", and main().
 * Include it from exactly one file per program (the harness defines
 * functions).
 */
#ifndef _VMDEMO_CONFORM_H
#define _VMDEMO_CONFORM_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "pattern.h"
#include "probe.h"
#include "proc.h"
#include "sysfile.h"
#include "target.h"

/* Size every test starts with, unless it sets another. */
#define CONFORM_PAGES	16

/* The harness exits 255 from a test process to report SKIP. */
#define CONFORM_SKIP_EXIT	255

static inline void conform_setup(struct __test_metadata *_metadata,
				 struct target *t, enum target_kind kind,
				 const char *variant)
{
	char msg[512] = "";

	switch (target_setup(t, kind, pages(CONFORM_PAGES), msg,
			     sizeof(msg))) {
	case TARGET_READY:
		return;
	case TARGET_SKIP:
		/*
		 * The 6.1 harness runs the test body after SKIP() in a
		 * setup that returns, so end the test process here.
		 */
		SKIP(_exit(CONFORM_SKIP_EXIT), "%s.%s.%s: %s",
		     _metadata->fixture->name, variant, _metadata->name, msg);
		break;
	default:
		target_teardown(t);
		TH_LOG("%s", msg);
		ASSERT_TRUE(false);
	}
}

/*
 * CONFORM_FIXTURE(fx) - fixture @fx with variants device and tmpfs;
 * each test gets self->t, set up with CONFORM_PAGES zero pages.
 */
#define CONFORM_FIXTURE(fx)						\
	FIXTURE(fx) {							\
		struct target t;					\
	};								\
	FIXTURE_VARIANT(fx) {						\
		enum target_kind kind;					\
		const char *name;					\
	};								\
	FIXTURE_VARIANT_ADD(fx, device) {				\
		.kind = TARGET_DEVICE,					\
		.name = "device",					\
	};								\
	FIXTURE_VARIANT_ADD(fx, tmpfs) {				\
		.kind = TARGET_TMPFS,					\
		.name = "tmpfs",					\
	};								\
	FIXTURE_SETUP(fx)						\
	{								\
		conform_setup(_metadata, &self->t, variant->kind,	\
			      variant->name);				\
	}								\
	FIXTURE_TEARDOWN(fx)						\
	{								\
		target_teardown(&self->t);				\
	}

/* For a test whose subject only the device has. */
#define DEVICE_ONLY(why)						\
	do {								\
		if (!target_is_device(&self->t))			\
			SKIP(return, "%s.%s.%s: device only: %s",	\
			     _metadata->fixture->name, variant->name,	\
			     _metadata->name, why);			\
	} while (0)

/*
 * For a test of what the device does without a backing file, where it
 * behaves as tmpfs does and a disk file does not (memory errors).
 */
#define RAM_ONLY(why)							\
	do {								\
		if (target_is_device(&self->t) && vmdemo_backed())	\
			SKIP(return, "%s.%s.%s: without a backing file only: %s", \
			     _metadata->fixture->name, variant->name,	\
			     _metadata->name, why);			\
	} while (0)

#define RW	(PROT_READ | PROT_WRITE)

/* mmap() [@off, @off + @len) of the object. */
static inline uint8_t *map_target(const struct target *t, size_t len,
				  int prot, int flags, off_t off)
{
	return mmap(NULL, len, prot, flags, t->fd, off);
}

#define ASSERT_MAPPED(map)	ASSERT_NE(MAP_FAILED, (void *)(map))

/*
 * mincore() of @n (at most MINCORE_MAX) pages at @addr as a string of '0'
 * and '1' (page not resident or resident) in @buf, which holds @n + 1
 * bytes; "error" if mincore() failed.
 */
#define MINCORE_MAX	64

static inline const char *mincore_str(void *addr, size_t n, char *buf)
{
	unsigned char vec[MINCORE_MAX];
	size_t i;

	if (n > MINCORE_MAX || mincore(addr, pages(n), vec))
		return "error";
	for (i = 0; i < n; i++)
		buf[i] = vec[i] & 1 ? '1' : '0';
	buf[n] = 0;
	return buf;
}

/* main(): the test harness, or a peer when exec'ed as one. */
#define CONFORM_MAIN()							\
	int main(int argc, char **argv)					\
	{								\
		if (argc > 1 && !strcmp(argv[1], PEER_ARG))		\
			return peer_main(argc, argv);			\
		return test_harness_run(argc, argv);			\
	}

#endif /* _VMDEMO_CONFORM_H */
