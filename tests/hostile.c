// SPDX-License-Identifier: GPL-2.0
/*
 * tests/hostile.c: hostile arguments to every entry point of /dev/vmdemo.
 *
 * Table-driven: each row of a table is one test (one TAP line, run in its
 * own process by the kselftest harness), registered from main().  Every
 * test starts from the same reference state of the device:
 *
 *   size      8 pages + 100 bytes (not page aligned)
 *   content   pattern (pattern.h, generation GEN) on [0, 4 pages) and on
 *             [8 pages, 8 pages + 50); zeroes elsewhere (pages 4-7 are
 *             holes, the rest of the partial last page is zero)
 *   resident  5 pages (0-3 and 8)
 *   position  the test's descriptor at FPOS
 *
 * makes one hostile call, checks its exact result (return value and
 * errno), and then that the device is as it was: size by
 * VMDEMO_IOC_GET_SIZE, every byte by pread(), resident pages by
 * VMDEMO_IOC_GET_INFO, the file position, and any user buffer the kernel
 * must not have written.  A call that succeeds is chosen so that it
 * leaves the state alone too (a write of the bytes already there, a
 * punch of bytes already zero), except VMDEMO_IOC_SET_SIZE to max_size,
 * whose new size is checked.
 *
 * Fixtures (the part of the TAP name before the first dot):
 *   ioctl    the four ioctls: bad pointers (NULL, kernel, non-canonical,
 *            unmapped, PROT_NONE, read-only for the _IOR ones, straddling
 *            into an unmapped page, a mapping of the device itself past
 *            its end), bad ranges and sizes, the wrong access mode
 *   compat   the same through the 32-bit ioctl path (int $0x80,
 *            compat_ptr_ioctl), with buffers below 4 GiB
 *   enotty   the right type with the wrong number, size or direction
 *   mmap     offsets near 2^63, lengths that overflow, MAP_FIXED over a
 *            mapping, PROT_EXEC, access modes, flag validation, then
 *            mprotect/mlock/mremap/madvise on the mapping (MADV_REMOVE,
 *            MADV_PAGEOUT, root's MADV_SOFT_OFFLINE, which migrates the
 *            page...); each run on the device and on a tmpfs file, and
 *            the two must agree (the rows say where they differ by
 *            design: MADV_REMOVE, which the VFS refuses for devices)
 *   io       read/write/pread/pwrite/readv/writev/preadv2/pwritev2 with
 *            huge counts and offsets and bad buffers (device and tmpfs)
 *   lseek    every whence with negative and huge offsets (device, tmpfs)
 *   open     open flags that do not apply to a device, O_PATH descriptors
 *
 * Needs /dev/vmdemo (VMDEMO_DEV) and a tmpfs (VMDEMO_TMPFS, /dev/shm);
 * each test is skipped if the device is not there.  Root, for O_WRONLY
 * opens, mlock() and MADV_SOFT_OFFLINE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
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

#include "pattern.h"
#include "probe.h"
#include "target.h"

/* The tables give the leading fields of a row and leave the rest zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define GEN		7
#define FPOS		123		/* file position every test starts at */
#define REF_PAGES	8
#define REF_TAIL	100		/* bytes in the partial last page */
#define TAIL_PAT	50		/* of which carry the pattern */
#define REF_RESIDENT	5
#define CANARY		0xa5

/* Kernel and user addresses no user pointer may reach. */
#define KERNEL_TEXT	0xffffffff81000000ULL
#define KERNEL_TOP	0xfffffffffffffff8ULL	/* + 8 wraps past 2^64 */
#define NONCANONICAL	0x8000000000000000ULL
#define USER_TOP	0x00007ffffffffff8ULL	/* last 8 bytes of user space */
#define TOP32		0xfffffff8ULL		/* last 8 bytes below 4 GiB */

/* The largest count read()/write() pass on (MAX_RW_COUNT). */
#define MAX_RW		(INT_MAX & ~(4096UL - 1))

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MAP_SYNC
#define MAP_SYNC		0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE	101
#endif
/* A flag bit mmap() does not know (not in LEGACY_MAP_MASK either). */
#define MAP_UNKNOWN		0x800000
/* FS_IOC_GETFLAGS (<linux/fs.h> clashes with glibc's RWF_* macros). */
#define FS_IOC_GETFLAGS_	_IOR('f', 1, long)

#define RW	(PROT_READ | PROT_WRITE)

static uint64_t ref_size;		/* 8 pages + 100, once pagesz is known */
static uint64_t max_size;		/* the device's, from GET_INFO */

/*
 * A value that depends on the reference state: base + pg pages + d,
 * computed modulo 2^64 (so SZ(-10) is ten bytes before the end).
 */
enum vbase { V_ABS, V_SIZE, V_MAX };
struct val {
	enum vbase b;
	int64_t pg;
	uint64_t d;
};
#define ABS(x)		{ V_ABS, 0, (uint64_t)(x) }
#define PG(n, x)	{ V_ABS, (n), (uint64_t)(x) }
#define SZ(x)		{ V_SIZE, 0, (uint64_t)(x) }
#define MAXS(x)		{ V_MAX, 0, (uint64_t)(x) }

static uint64_t V(struct val v)
{
	uint64_t base = v.b == V_SIZE ? ref_size : v.b == V_MAX ? max_size : 0;

	return base + (uint64_t)v.pg * pagesz + v.d;
}

/* ---- the reference state ---------------------------------------------- */

/* The byte the reference state has at @off (past the size: zero). */
static uint8_t ref_byte(uint64_t off)
{
	if (off < pages(4) || (off >= pages(REF_PAGES) &&
			       off < pages(REF_PAGES) + TAIL_PAT))
		return pat_byte(off, GEN);
	return 0;
}

static void ref_fill(uint8_t *buf, size_t len, uint64_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = ref_byte(off + i);
}

/* Does @buf hold the reference bytes of [@off, @off + @len)? */
static bool ref_match(const uint8_t *buf, size_t len, uint64_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != ref_byte(off + i))
			return false;
	return true;
}

/*
 * Open the object of @kind in the reference state.  Returns false if the
 * test was skipped (no device) or failed; the caller returns then.
 */
static bool ref_setup(struct __test_metadata *_metadata, struct target *t,
		      enum target_kind kind)
{
	struct vmdemo_info info;
	char msg[512] = "";
	int ret;

	ret = target_setup(t, kind, ref_size, msg, sizeof(msg));
	if (ret == TARGET_SKIP) {
		SKIP(return false, "%s", msg);
	}
	if (ret != TARGET_READY) {
		TH_LOG("%s", msg);
		EXPECT_TRUE(false);
		return false;
	}
	if (kind == TARGET_DEVICE) {
		if (ioctl(t->fd, VMDEMO_IOC_GET_INFO, &info)) {
			TH_LOG("VMDEMO_IOC_GET_INFO: %s", strerror(errno));
			EXPECT_TRUE(false);
			return false;
		}
		max_size = info.max_size;
	}
	if (pat_pwrite(t->fd, 0, pages(4), GEN) ||
	    pat_pwrite(t->fd, pages(REF_PAGES), TAIL_PAT, GEN) ||
	    lseek(t->fd, FPOS, SEEK_SET) != FPOS) {
		TH_LOG("%s: setting up the reference state: %s", t->path,
		       strerror(errno));
		EXPECT_TRUE(false);
		return false;
	}
	return true;
}

/*
 * Check that @t is in the reference state, but for its size, which must
 * be @size (the bytes between the reference size and @size are zero).
 */
static void ref_check_pages(struct __test_metadata *_metadata,
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

static void ref_check(struct __test_metadata *_metadata,
		      const struct target *t, uint64_t size)
{
	ref_check_pages(_metadata, t, size, true);
}

/* The size the module was loaded with (parameter "size"). */
static uint64_t load_size(void)
{
	FILE *f = fopen("/sys/module/vmdemo/parameters/size", "r");
	unsigned long long size = ref_size;

	if (f) {
		if (fscanf(f, "%llu", &size) != 1)
			size = ref_size;
		fclose(f);
	}
	return size;
}

/* Leave the device as loading left it: empty, at its load-time size. */
static void ref_teardown(struct target *t)
{
	if (t->kind == TARGET_DEVICE && t->fd >= 0) {
		target_set_size(t, 0);
		target_set_size(t, load_size());
	}
	target_teardown(t);
}

static bool mount_noexec(const char *path)
{
	struct statvfs sv;

	return !statvfs(path, &sv) && (sv.f_flag & ST_NOEXEC);
}

/* ---- descriptors -------------------------------------------------------- */

enum fdk { FD_RDWR, FD_RDONLY, FD_WRONLY, FD_PATH, FD_APPEND };

static const int fdk_flags[] = {
	[FD_RDWR] = O_RDWR,
	[FD_RDONLY] = O_RDONLY,
	[FD_WRONLY] = O_WRONLY,
	[FD_PATH] = O_PATH,
	[FD_APPEND] = O_RDWR | O_APPEND,
};

/* The descriptor a test uses: the target's own, or a new one. */
static int case_fd(const struct target *t, enum fdk k)
{
	int fd;

	if (k == FD_RDWR)
		return t->fd;
	fd = target_reopen(t, fdk_flags[k]);
	if (fd >= 0 && k != FD_PATH)
		lseek(fd, FPOS, SEEK_SET);
	return fd;
}

static void case_fd_close(const struct target *t, int fd)
{
	if (fd >= 0 && fd != t->fd)
		close(fd);
}

/* ---- user memory -------------------------------------------------------- */

/*
 * Four pages: 0 read-write, 1 PROT_NONE, 2 read-only (filled first),
 * 3 unmapped.  @low: below 4 GiB, for 32-bit pointers.
 */
struct arena {
	uint8_t *base;
};

static int arena_init(struct arena *a, bool low)
{
	a->base = mmap(NULL, pages(4), RW, MAP_PRIVATE | MAP_ANONYMOUS |
		       (low ? MAP_32BIT : 0), -1, 0);
	if (a->base == MAP_FAILED)
		return -1;
	memset(a->base, CANARY, pages(4));
	if (mprotect(a->base + pages(1), pagesz, PROT_NONE) ||
	    munmap(a->base + pages(3), pagesz))
		return -1;
	return 0;
}

static uint8_t *arena_rw(struct arena *a)
{
	return a->base + 256;
}

static uint8_t *arena_straddle(struct arena *a, size_t objsize)
{
	return a->base + pages(1) - objsize / 2;
}

static uint8_t *arena_ro(struct arena *a)
{
	return a->base + pages(2) + 256;
}

static int arena_seal_ro(struct arena *a)
{
	return mprotect(a->base + pages(2), pagesz, PROT_READ);
}

static uint8_t *arena_protnone(struct arena *a)
{
	return a->base + pages(1);
}

static uint8_t *arena_unmapped(struct arena *a)
{
	return a->base + pages(3);
}

/* ---- dynamic registration with the harness ------------------------------ */

struct reg {
	struct __test_metadata meta;
	void (*run)(struct __test_metadata *_metadata, const void *arg);
	const void *arg;
	char name[96];
};

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

static void trampoline(struct __test_metadata *_metadata,
		       struct __fixture_variant_metadata *variant)
{
	struct reg *r = container_of(_metadata, struct reg, meta);

	(void)variant;
	_metadata->setup_completed = true;
	if (setjmp(_metadata->env) == 0)
		r->run(_metadata, r->arg);
	__test_check_assert(_metadata);
}

static void add_test(struct __fixture_metadata *f, const char *name,
		     void (*run)(struct __test_metadata *, const void *),
		     const void *arg)
{
	struct reg *r = calloc(1, sizeof(*r));

	if (!r) {
		perror("calloc");
		exit(1);
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->meta.name = r->name;
	r->meta.fn = trampoline;
	r->meta.fixture = f;
	r->meta.termsig = -1;
	r->meta.timeout = TEST_TIMEOUT_DEFAULT;
	r->run = run;
	r->arg = arg;
	__register_test(&r->meta);
}

#define FIXTURE_OBJ(var, nm) \
	static struct __fixture_metadata var = { .name = nm, .prev = &var }

FIXTURE_OBJ(fx_ioctl, "ioctl");
FIXTURE_OBJ(fx_compat, "compat");
FIXTURE_OBJ(fx_enotty, "enotty");
FIXTURE_OBJ(fx_mmap, "mmap");
FIXTURE_OBJ(fx_io, "io");
FIXTURE_OBJ(fx_lseek, "lseek");
FIXTURE_OBJ(fx_open, "open");

/* ---- ioctl -------------------------------------------------------------- */

enum argk {
	A_VALID,	/* read-write buffer holding the value */
	A_UNALIGNED,	/* the same at an odd address */
	A_NULL,
	A_KERNEL,	/* kernel text */
	A_KERNEL_TOP,	/* the last 8 bytes of the address space */
	A_NONCANON,	/* non-canonical */
	A_USER_TOP,	/* the last 8 bytes of user space, unmapped */
	A_TOP32,	/* the last 8 bytes below 4 GiB (compat) */
	A_UNMAPPED,
	A_PROTNONE,
	A_RDONLY,	/* read-only page holding the value */
	A_STRADDLE,	/* first half in a mapped page, second half not */
	A_DEV_RO,	/* the device's own read-only MAP_SHARED mapping, page 0 */
	A_DEV_PAST_EOF,	/* the device's own MAP_SHARED mapping past its end */
	A_DEV_PRIVATE,	/* the device's own MAP_PRIVATE mapping, page 0 */
};

struct ioctl_case {
	const char *name;
	unsigned long cmd;
	enum argk arg;
	struct val v[2];	/* the __u64, or the range's offset and length */
	enum fdk fd;
	int err;		/* expected errno; 0: success */
	bool grows_to_max;	/* success leaves the size at max_size */
	bool compat;		/* through the 32-bit syscall */
};

#define GS	VMDEMO_IOC_GET_SIZE
#define SS	VMDEMO_IOC_SET_SIZE
#define PH	VMDEMO_IOC_PUNCH_HOLE
#define GI	VMDEMO_IOC_GET_INFO

/* Bad pointers every command must refuse with EFAULT. */
#define BAD_POINTERS(pfx, cmd_)						\
	{ pfx ".null", cmd_, A_NULL, .err = EFAULT },			\
	{ pfx ".kernel", cmd_, A_KERNEL, .err = EFAULT },		\
	{ pfx ".kernel_top_wraps", cmd_, A_KERNEL_TOP, .err = EFAULT },	\
	{ pfx ".noncanonical", cmd_, A_NONCANON, .err = EFAULT },	\
	{ pfx ".user_top", cmd_, A_USER_TOP, .err = EFAULT },		\
	{ pfx ".unmapped", cmd_, A_UNMAPPED, .err = EFAULT },		\
	{ pfx ".prot_none", cmd_, A_PROTNONE, .err = EFAULT },		\
	{ pfx ".straddle_unmapped", cmd_, A_STRADDLE, .err = EFAULT },	\
	{ pfx ".device_past_eof", cmd_, A_DEV_PAST_EOF, .err = EFAULT }

static const struct ioctl_case ioctl_cases[] = {
	/* VMDEMO_IOC_GET_SIZE (_IOR) */
	{ "get_size.valid", GS, A_VALID },
	{ "get_size.unaligned", GS, A_UNALIGNED },
	BAD_POINTERS("get_size", GS),
	{ "get_size.read_only", GS, A_RDONLY, .err = EFAULT },
	{ "get_size.device_read_only_map", GS, A_DEV_RO, .err = EFAULT },
	{ "get_size.device_private_map", GS, A_DEV_PRIVATE },
	{ "get_size.rdonly_fd", GS, A_VALID, .fd = FD_RDONLY },
	{ "get_size.wronly_fd", GS, A_VALID, .fd = FD_WRONLY },
	{ "get_size.path_fd", GS, A_VALID, .fd = FD_PATH, .err = EBADF },

	/* VMDEMO_IOC_GET_INFO (_IOR) */
	{ "get_info.valid", GI, A_VALID },
	{ "get_info.unaligned", GI, A_UNALIGNED },
	BAD_POINTERS("get_info", GI),
	{ "get_info.read_only", GI, A_RDONLY, .err = EFAULT },
	{ "get_info.device_read_only_map", GI, A_DEV_RO, .err = EFAULT },
	{ "get_info.device_private_map", GI, A_DEV_PRIVATE },
	{ "get_info.rdonly_fd", GI, A_VALID, .fd = FD_RDONLY },
	{ "get_info.path_fd", GI, A_VALID, .fd = FD_PATH, .err = EBADF },

	/* VMDEMO_IOC_SET_SIZE (_IOW) */
	{ "set_size.same", SS, A_VALID, { SZ(0) } },
	{ "set_size.unaligned", SS, A_UNALIGNED, { SZ(0) } },
	{ "set_size.read_only_ptr", SS, A_RDONLY, { SZ(0) } },
	BAD_POINTERS("set_size", SS),
	/* The pattern's first 8 bytes, read as a __u64, are >= 2^63. */
	{ "set_size.device_read_only_map", SS, A_DEV_RO, .err = EFBIG },
	{ "set_size.device_private_map", SS, A_DEV_PRIVATE, { SZ(0) } },
	{ "set_size.max_size", SS, A_VALID, { MAXS(0) }, .grows_to_max = true },
	{ "set_size.max_size_plus_1", SS, A_VALID, { MAXS(1) }, .err = EFBIG },
	{ "set_size.max_lfs", SS, A_VALID, { ABS(INT64_MAX) }, .err = EFBIG },
	{ "set_size.2e63", SS, A_VALID, { ABS(1ULL << 63) }, .err = EFBIG },
	{ "set_size.u64_max", SS, A_VALID, { ABS(~0ULL) }, .err = EFBIG },
	{ "set_size.rdonly_fd", SS, A_VALID, { SZ(0) }, .fd = FD_RDONLY,
	  .err = EBADF },
	{ "set_size.rdonly_fd_null", SS, A_NULL, .fd = FD_RDONLY,
	  .err = EBADF },
	{ "set_size.rdonly_fd_efbig", SS, A_VALID, { MAXS(1) },
	  .fd = FD_RDONLY, .err = EBADF },
	{ "set_size.wronly_fd", SS, A_VALID, { SZ(0) }, .fd = FD_WRONLY },
	{ "set_size.path_fd", SS, A_VALID, { SZ(0) }, .fd = FD_PATH,
	  .err = EBADF },

	/* VMDEMO_IOC_PUNCH_HOLE (_IOW) */
	{ "punch.ends_at_size", PH, A_VALID, { SZ(-10), ABS(10) } },
	{ "punch.unaligned_ptr", PH, A_UNALIGNED, { SZ(-10), ABS(10) } },
	{ "punch.read_only_ptr", PH, A_RDONLY, { SZ(-10), ABS(10) } },
	BAD_POINTERS("punch", PH),
	/* offset: the pattern's first 8 bytes, >= 2^63 */
	{ "punch.device_read_only_map", PH, A_DEV_RO, .err = EINVAL },
	{ "punch.device_private_map", PH, A_DEV_PRIVATE, { SZ(-10), ABS(10) } },
	{ "punch.unaligned_range_in_hole", PH, A_VALID, { PG(4, 1), ABS(3) } },
	{ "punch.hole_pages", PH, A_VALID, { PG(4, 0), PG(4, 0) } },
	{ "punch.one_past_end", PH, A_VALID, { SZ(-10), ABS(11) }, .err = EINVAL },
	{ "punch.offset_at_size", PH, A_VALID, { SZ(0), ABS(1) }, .err = EINVAL },
	{ "punch.whole_plus_one", PH, A_VALID, { ABS(0), SZ(1) }, .err = EINVAL },
	{ "punch.past_end", PH, A_VALID, { SZ(4096), ABS(1) }, .err = EINVAL },
	{ "punch.offset_max_size", PH, A_VALID, { MAXS(0), ABS(1) }, .err = EINVAL },
	{ "punch.len_0", PH, A_VALID, { ABS(0), ABS(0) }, .err = EINVAL },
	{ "punch.len_0_in_hole", PH, A_VALID, { PG(5, 0), ABS(0) }, .err = EINVAL },
	{ "punch.len_0_at_size", PH, A_VALID, { SZ(0), ABS(0) }, .err = EINVAL },
	{ "punch.len_u64_max", PH, A_VALID, { ABS(0), ABS(~0ULL) }, .err = EINVAL },
	{ "punch.wrap_len_u64_max", PH, A_VALID, { ABS(1), ABS(~0ULL) }, .err = EINVAL },
	{ "punch.wrap_offset_u64_max", PH, A_VALID, { ABS(~0ULL), ABS(1) }, .err = EINVAL },
	{ "punch.wrap_to_exactly_2e64", PH, A_VALID, { PG(-1, 0), PG(1, 0) }, .err = EINVAL },
	{ "punch.wrap_past_2e64", PH, A_VALID, { PG(-1, 0), PG(2, 0) }, .err = EINVAL },
	{ "punch.offset_2e63", PH, A_VALID, { ABS(1ULL << 63), ABS(1) }, .err = EINVAL },
	{ "punch.offset_max_lfs", PH, A_VALID, { ABS(INT64_MAX), ABS(1) }, .err = EINVAL },
	{ "punch.rdonly_fd", PH, A_VALID, { SZ(-10), ABS(10) }, .fd = FD_RDONLY,
	  .err = EBADF },
	{ "punch.rdonly_fd_null", PH, A_NULL, .fd = FD_RDONLY, .err = EBADF },
	{ "punch.rdonly_fd_bad_range", PH, A_VALID, { ABS(0), ABS(0) },
	  .fd = FD_RDONLY, .err = EBADF },
	{ "punch.wronly_fd", PH, A_VALID, { SZ(-10), ABS(10) }, .fd = FD_WRONLY },
	{ "punch.path_fd", PH, A_VALID, { SZ(-10), ABS(10) }, .fd = FD_PATH,
	  .err = EBADF },
};

/* The same through the 32-bit entry (compat_ptr_ioctl). */
static const struct ioctl_case compat_cases[] = {
	{ "get_size.valid", GS, A_VALID, .compat = true },
	{ "get_size.null", GS, A_NULL, .err = EFAULT, .compat = true },
	{ "get_size.top32", GS, A_TOP32, .err = EFAULT, .compat = true },
	{ "get_size.unmapped", GS, A_UNMAPPED, .err = EFAULT, .compat = true },
	{ "get_size.read_only", GS, A_RDONLY, .err = EFAULT, .compat = true },
	{ "get_size.straddle_unmapped", GS, A_STRADDLE, .err = EFAULT,
	  .compat = true },
	{ "get_info.valid", GI, A_VALID, .compat = true },
	{ "get_info.read_only", GI, A_RDONLY, .err = EFAULT, .compat = true },
	{ "get_info.straddle_unmapped", GI, A_STRADDLE, .err = EFAULT,
	  .compat = true },
	{ "set_size.same", SS, A_VALID, { SZ(0) }, .compat = true },
	{ "set_size.max_size_plus_1", SS, A_VALID, { MAXS(1) }, .err = EFBIG,
	  .compat = true },
	{ "set_size.u64_max", SS, A_VALID, { ABS(~0ULL) }, .err = EFBIG,
	  .compat = true },
	{ "set_size.null", SS, A_NULL, .err = EFAULT, .compat = true },
	{ "set_size.straddle_unmapped", SS, A_STRADDLE, .err = EFAULT,
	  .compat = true },
	{ "set_size.rdonly_fd", SS, A_VALID, { SZ(0) }, .fd = FD_RDONLY,
	  .err = EBADF, .compat = true },
	{ "punch.ends_at_size", PH, A_VALID, { SZ(-10), ABS(10) }, .compat = true },
	{ "punch.len_0", PH, A_VALID, { ABS(0), ABS(0) }, .err = EINVAL,
	  .compat = true },
	{ "punch.wrap_len_u64_max", PH, A_VALID, { ABS(1), ABS(~0ULL) },
	  .err = EINVAL, .compat = true },
	{ "punch.one_past_end", PH, A_VALID, { SZ(-10), ABS(11) }, .err = EINVAL,
	  .compat = true },
	{ "punch.straddle_unmapped", PH, A_STRADDLE, .err = EFAULT,
	  .compat = true },
	{ "punch.rdonly_fd", PH, A_VALID, { SZ(-10), ABS(10) }, .fd = FD_RDONLY,
	  .err = EBADF, .compat = true },
	{ "unknown_nr", _IOR(VMDEMO_IOC_MAGIC, 0x04, __u64), A_VALID,
	  .err = ENOTTY, .compat = true },
	{ "get_size_as_u32", _IOR(VMDEMO_IOC_MAGIC, 0x00, __u32), A_VALID,
	  .err = ENOTTY, .compat = true },
};

/* ioctl through the i386 system call table: -errno or the result. */
static long int80_ioctl(int fd, unsigned int cmd, uint32_t arg)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(54L), "b"((long)fd), "c"((long)cmd), "d"((long)arg)
		     : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* Whether int $0x80 works here (CONFIG_IA32_EMULATION), tried in a child. */
static bool int80_works(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		long ret;

		asm volatile("int $0x80" : "=a"(ret) : "a"(20L)	/* getpid */
			     : "memory", "r8", "r9", "r10", "r11");
		_exit(ret == getpid() ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Where the value of an _IOW command comes from, for the checks. */
static void ioctl_value(const struct ioctl_case *c, uint8_t *val,
			size_t size)
{
	memset(val, 0, size);
	if (_IOC_DIR(c->cmd) != _IOC_WRITE)
		return;
	if (size == sizeof(__u64)) {
		uint64_t v = V(c->v[0]);

		memcpy(val, &v, sizeof(v));
	} else if (size == sizeof(struct vmdemo_range)) {
		struct vmdemo_range r = { V(c->v[0]), V(c->v[1]) };

		memcpy(val, &r, sizeof(r));
	}
}

static void run_ioctl(struct __test_metadata *_metadata, const void *arg)
{
	const struct ioctl_case *c = arg;
	size_t size = _IOC_SIZE(c->cmd);
	uint8_t val[64], out[64], before[64];
	uint8_t *p = NULL, *map = NULL;
	bool check_unchanged = false;
	struct target t;
	struct arena a;
	uint64_t ptr = 0;
	long ret;
	int fd, err;

	if (c->compat && !int80_works())
		SKIP(return, "no 32-bit system calls (CONFIG_IA32_EMULATION)");
	if (!ref_setup(_metadata, &t, TARGET_DEVICE))
		return;
	ASSERT_LE(size, sizeof(val));
	ASSERT_EQ(0, arena_init(&a, c->compat));
	ioctl_value(c, val, size);

	switch (c->arg) {
	case A_VALID:
		p = arena_rw(&a);
		memcpy(p, val, size);
		break;
	case A_UNALIGNED:
		p = arena_rw(&a) + 1;
		memcpy(p, val, size);
		break;
	case A_NULL:
		ptr = 0;
		break;
	case A_KERNEL:
		ptr = KERNEL_TEXT;
		break;
	case A_KERNEL_TOP:
		ptr = KERNEL_TOP;
		break;
	case A_NONCANON:
		ptr = NONCANONICAL;
		break;
	case A_USER_TOP:
		ptr = USER_TOP;
		break;
	case A_TOP32:
		ptr = TOP32;
		break;
	case A_UNMAPPED:
		p = arena_unmapped(&a);
		break;
	case A_PROTNONE:
		p = arena_protnone(&a);
		break;
	case A_RDONLY:
		p = arena_ro(&a);
		memcpy(p, val, size);
		ASSERT_EQ(0, arena_seal_ro(&a));
		check_unchanged = true;
		break;
	case A_STRADDLE:
		p = arena_straddle(&a, size);
		memcpy(p, val, size / 2);
		break;
	case A_DEV_RO:
		map = mmap(NULL, pagesz, PROT_READ, MAP_SHARED, t.fd, 0);
		ASSERT_NE(MAP_FAILED, map);
		p = map;
		/* set_size / punch read this as their argument */
		ASSERT_GE(p[7], 0x80);
		break;
	case A_DEV_PAST_EOF:
		map = mmap(NULL, pagesz, RW, MAP_SHARED, t.fd, pages(64));
		ASSERT_NE(MAP_FAILED, map);
		p = map;
		break;
	case A_DEV_PRIVATE:
		map = mmap(NULL, pagesz, RW, MAP_PRIVATE, t.fd, 0);
		ASSERT_NE(MAP_FAILED, map);
		p = map + 64;
		memcpy(p, val, size);	/* a private copy of page 0 */
		break;
	}
	if (p)
		ptr = (uintptr_t)p;
	if (check_unchanged)
		memcpy(before, p, size);

	fd = case_fd(&t, c->fd);
	ASSERT_LE(0, fd);
	if (c->compat) {
		ASSERT_EQ(ptr, (uint32_t)ptr);
		ret = int80_ioctl(fd, c->cmd, ptr);
		err = ret < 0 ? -ret : 0;
	} else {
		errno = 0;
		ret = syscall(SYS_ioctl, fd, c->cmd, ptr);
		err = ret < 0 ? errno : 0;
	}
	EXPECT_EQ(c->err, err) {
		TH_LOG("ioctl(%#lx, %#llx) returned %ld: %s", c->cmd,
		       (unsigned long long)ptr, ret, strerror(err));
	}
	if (!err)
		EXPECT_EQ(0, ret);

	/* What a successful _IOR command wrote. */
	if (!c->err && _IOC_DIR(c->cmd) == _IOC_READ) {
		memcpy(out, p, size);
		if (c->cmd == VMDEMO_IOC_GET_SIZE) {
			uint64_t got;

			memcpy(&got, out, sizeof(got));
			EXPECT_EQ(ref_size, got);
		} else {
			struct vmdemo_info info;

			memcpy(&info, out, sizeof(info));
			EXPECT_EQ(ref_size, info.size);
			EXPECT_EQ(max_size, info.max_size);
			EXPECT_EQ((uint64_t)REF_RESIDENT, info.pages_resident);
			EXPECT_EQ((uint64_t)pagesz, info.page_size);
		}
	}
	if (check_unchanged)
		EXPECT_EQ(0, memcmp(before, p, size)) {
			TH_LOG("the kernel wrote to a read-only buffer");
		}
	if (map)
		munmap(map, pages(1));
	case_fd_close(&t, fd);
	ref_check(_metadata, &t, c->grows_to_max && !err ? max_size : ref_size);
	ref_teardown(&t);
}

/* ---- enotty: the right type, the wrong command -------------------------- */

struct enotty_case {
	char name[64];
	unsigned long cmd;
	enum fdk fd;
};

#define MAX_ENOTTY	96
static struct enotty_case enotty_cases[MAX_ENOTTY];
static int nr_enotty;

static void enotty_add(const char *name, unsigned long cmd, enum fdk fd)
{
	struct enotty_case *e;
	unsigned long real[] = { GS, SS, PH, GI };
	size_t i;

	/* Never one of the real commands. */
	for (i = 0; i < ARRAY_SIZE(real); i++)
		if ((unsigned int)cmd == real[i])
			return;
	if (nr_enotty == MAX_ENOTTY) {
		fprintf(stderr, "hostile: too many enotty cases\n");
		exit(1);
	}
	e = &enotty_cases[nr_enotty++];
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->cmd = cmd;
	e->fd = fd;
}

static void enotty_build(void)
{
	static const struct { const char *name; unsigned long cmd; } base[] = {
		{ "get_size", GS }, { "set_size", SS },
		{ "punch", PH }, { "get_info", GI },
	};
	static const struct { const char *name; unsigned int dir; } dirs[] = {
		{ "none", _IOC_NONE }, { "r", _IOC_READ }, { "w", _IOC_WRITE },
		{ "rw", _IOC_READ | _IOC_WRITE },
	};
	char name[64];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(base); i++) {
		unsigned long cmd = base[i].cmd;
		unsigned int dir = _IOC_DIR(cmd), nr = _IOC_NR(cmd);
		unsigned int size = _IOC_SIZE(cmd);
		unsigned int sizes[] = { 0, 1, 4, 8, 16, 32, 64, size - 1,
					 size + 1, size * 2, _IOC_SIZEMASK };
		size_t k;

		for (j = 0; j < ARRAY_SIZE(dirs); j++) {
			if (dirs[j].dir == dir)
				continue;
			snprintf(name, sizeof(name), "%s.dir_%s", base[i].name,
				 dirs[j].name);
			enotty_add(name, _IOC(dirs[j].dir, VMDEMO_IOC_MAGIC,
					      nr, size), FD_RDWR);
		}
		for (j = 0; j < ARRAY_SIZE(sizes); j++) {
			for (k = 0; k < j && sizes[k] != sizes[j]; k++)
				;
			if (sizes[j] == size || k < j)
				continue;
			snprintf(name, sizeof(name), "%s.size_%u", base[i].name,
				 sizes[j]);
			enotty_add(name, _IOC(dir, VMDEMO_IOC_MAGIC, nr,
					      sizes[j]), FD_RDWR);
		}
		snprintf(name, sizeof(name), "%s.type_plus_1", base[i].name);
		enotty_add(name, _IOC(dir, VMDEMO_IOC_MAGIC + 1, nr, size),
			   FD_RDWR);
		snprintf(name, sizeof(name), "%s.type_minus_1", base[i].name);
		enotty_add(name, _IOC(dir, VMDEMO_IOC_MAGIC - 1, nr, size),
			   FD_RDWR);
		snprintf(name, sizeof(name), "%s.nr_plus_4", base[i].name);
		enotty_add(name, _IOC(dir, VMDEMO_IOC_MAGIC, nr + 4, size),
			   FD_RDWR);
	}
	enotty_add("nr_0xff", _IOR(VMDEMO_IOC_MAGIC, 0xff, __u64), FD_RDWR);
	enotty_add("cmd_0", 0, FD_RDWR);
	enotty_add("cmd_u32_max", 0xffffffffUL, FD_RDWR);
	/* Generic ioctls that reach the driver for a character device. */
	enotty_add("fionread", FIONREAD, FD_RDWR);
	enotty_add("fs_ioc_getflags", FS_IOC_GETFLAGS_, FD_RDWR);
	enotty_add("unknown_on_rdonly_fd", _IOR(VMDEMO_IOC_MAGIC, 0x04, __u64),
		   FD_RDONLY);
	enotty_add("set_size_dir_r_on_rdonly_fd",
		   _IOR(VMDEMO_IOC_MAGIC, 0x01, __u64), FD_RDONLY);
}

static void run_enotty(struct __test_metadata *_metadata, const void *arg)
{
	const struct enotty_case *c = arg;
	size_t len = pages(5), i;
	struct target t;
	uint8_t *buf;
	long ret;
	int fd;

	if (!ref_setup(_metadata, &t, TARGET_DEVICE))
		return;
	/* Large enough for any _IOC_SIZE, so that only ENOTTY is right. */
	buf = mmap(NULL, len, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, CANARY, len);
	fd = case_fd(&t, c->fd);
	ASSERT_LE(0, fd);

	errno = 0;
	ret = syscall(SYS_ioctl, fd, c->cmd, buf);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOTTY, errno) {
		TH_LOG("ioctl(%#lx): %s", c->cmd, strerror(errno));
	}
	for (i = 0; i < len && buf[i] == CANARY; i++)
		;
	EXPECT_EQ(len, i) {
		TH_LOG("ioctl(%#lx) wrote to its argument at byte %zu",
		       c->cmd, i);
	}
	case_fd_close(&t, fd);
	ref_check(_metadata, &t, ref_size);
	ref_teardown(&t);
}

/* ---- mmap: device against tmpfs ----------------------------------------- */

/* Expected results besides an errno. */
#define E_SAME	(-1)	/* whatever tmpfs gives */
#define E_EXEC	(-2)	/* 0, or EPERM if the file's mount is noexec */
#define E_EXEC_MPROT (-3) /* 0, or EACCES if the file's mount is noexec */

enum mfollow {
	F_NONE,
	F_SIGBUS,	/* the first page raises SIGBUS and allocates nothing */
	F_READ_REF,	/* the first byte is the reference byte at the offset */
	F_PRIV_WRITE,	/* write the first page: a private copy, file unchanged */
	F_MPROTECT_W,	/* mprotect(PROT_READ | PROT_WRITE): err2 */
	F_MPROTECT_X,	/* mprotect(PROT_READ | PROT_EXEC): err2 */
	F_MLOCK,	/* mlock() the whole mapping: err2 */
	F_OVER_ANON,	/* MAP_FIXED over an anonymous mapping of 2 pages */
	F_MADVISE,	/* madvise(advice) the whole mapping: err2 */
	F_MREMAP,	/* mremap() to 4 times the length: err2; past EOF */
};

struct mmap_case {
	const char *name;
	struct val len;
	int prot;
	int flags;
	struct val off;
	enum fdk fd;
	int err;
	enum mfollow follow;
	int err2;
	uintptr_t addr;		/* MAP_FIXED address, if not F_OVER_ANON */
	int advice;		/* F_MADVISE */
	bool t2;		/* the follow-up differs on tmpfs by design: */
	int err2_tmpfs;		/* what tmpfs gives */
};

/* What one target did. */
struct mres {
	int err;		/* of mmap() */
	int err2;		/* of the follow-up */
	int survived;		/* F_OVER_ANON: the old mapping is still there */
	bool noexec;
};

#define ANON_BYTE	0x5a

static void mmap_one(struct __test_metadata *_metadata,
		     const struct mmap_case *c, enum target_kind kind,
		     struct mres *r)
{
	uint8_t *anon = NULL, *map, v;
	uintptr_t addr = c->addr;
	uint64_t len, off;
	struct target t;
	long ret;
	int fd;

	memset(r, 0, sizeof(*r));
	r->survived = -1;
	if (!ref_setup(_metadata, &t, kind))
		return;
	len = V(c->len);	/* max_size is known now */
	off = V(c->off);
	r->noexec = mount_noexec(t.path);
	fd = case_fd(&t, c->fd);
	ASSERT_LE(0, fd);
	if (c->follow == F_OVER_ANON) {
		anon = mmap(NULL, pages(2), RW, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
		ASSERT_NE(MAP_FAILED, anon);
		memset(anon, ANON_BYTE, pages(2));
		addr = (uintptr_t)anon;
	}

	errno = 0;
	ret = syscall(SYS_mmap, addr, len, c->prot, c->flags, fd, off);
	r->err = ret == -1 ? errno : 0;
	map = r->err ? NULL : (uint8_t *)ret;

	switch (c->follow) {
	case F_NONE:
		break;
	case F_SIGBUS:
		if (map) {
			EXPECT_EQ(SIGBUS, probe_read(map, &v));
		}
		break;
	case F_READ_REF:
		if (map) {
			v = ~ref_byte(off);
			EXPECT_EQ(0, probe_read(map, &v));
			EXPECT_EQ(ref_byte(off), v);
		}
		break;
	case F_PRIV_WRITE:
		if (map) {
			EXPECT_EQ(0, probe_write(map, (uint8_t)~ref_byte(off)));
			pat_fill(map, pagesz, off, GEN + 1);
			EXPECT_EQ(PAT_OK, pat_check(map, pagesz, off, GEN + 1));
		}
		break;
	case F_MPROTECT_W:
	case F_MPROTECT_X:
		if (map) {
			int prot = PROT_READ | (c->follow == F_MPROTECT_W ?
						PROT_WRITE : PROT_EXEC);

			errno = 0;
			r->err2 = mprotect(map, len, prot) ? errno : 0;
		}
		break;
	case F_MLOCK:
		if (map) {
			errno = 0;
			r->err2 = mlock(map, len) ? errno : 0;
			munlock(map, len);
		}
		break;
	case F_MADVISE:
		if (map) {
			errno = 0;
			r->err2 = madvise(map, len, c->advice) ? errno : 0;
		}
		/*
		 * A page that moved (soft offline migrates it) is still the
		 * one the cache and the mapping share.
		 */
		if (map && !r->err2 && (c->prot & PROT_WRITE) &&
		    (c->flags & MAP_SHARED) && off < pages(4)) {
			uint8_t b = 0;

			v = map[0];
			map[0] = v ^ 0xff;
			EXPECT_EQ(1, pread(t.fd, &b, 1, off));
			EXPECT_EQ((uint8_t)(v ^ 0xff), b);
			map[0] = v;
		}
		break;
	case F_MREMAP:
		if (map) {
			uint8_t *to;
			uint64_t i;

			errno = 0;
			to = mremap(map, len, 4 * len, MREMAP_MAYMOVE);
			r->err2 = to == MAP_FAILED ? errno : 0;
			if (to != MAP_FAILED) {
				/* Every page lies past the end of the file. */
				for (i = 0; i < 4 * len; i += pagesz)
					EXPECT_EQ(SIGBUS, probe_read(to + i, &v));
				map = to;
				len *= 4;
			}
		}
		break;
	case F_OVER_ANON:
		v = 0;
		if (map) {
			EXPECT_EQ((uintptr_t)anon, (uintptr_t)map);
			EXPECT_EQ(0, probe_read(map, &v));
			EXPECT_EQ(ref_byte(off), v);
		} else {
			r->survived = probe_read(anon, &v) == 0 &&
				      v == ANON_BYTE;
		}
		munmap(anon, pages(2));
		anon = NULL;
		map = NULL;
		break;
	}
	if (map)
		munmap(map, len);
	case_fd_close(&t, fd);
	ref_check(_metadata, &t, ref_size);
	ref_teardown(&t);
}

static int exec_expect(int err, bool noexec)
{
	if (err == E_EXEC)
		return noexec ? EPERM : 0;
	if (err == E_EXEC_MPROT)
		return noexec ? EACCES : 0;
	return err;
}

static void run_mmap(struct __test_metadata *_metadata, const void *arg)
{
	const struct mmap_case *c = arg;
	struct mres dev, tmp;

	mmap_one(_metadata, c, TARGET_DEVICE, &dev);
	if (_metadata->skip)
		return;
	mmap_one(_metadata, c, TARGET_TMPFS, &tmp);

	if (c->err != E_SAME) {
		EXPECT_EQ(exec_expect(c->err, dev.noexec), dev.err) {
			TH_LOG("device: mmap: %s", strerror(dev.err));
		}
		EXPECT_EQ(exec_expect(c->err, tmp.noexec), tmp.err) {
			TH_LOG("tmpfs: mmap: %s", strerror(tmp.err));
		}
	}
	if (c->follow == F_MPROTECT_W || c->follow == F_MPROTECT_X ||
	    c->follow == F_MLOCK || c->follow == F_MADVISE ||
	    c->follow == F_MREMAP) {
		if (c->err2 != E_SAME) {
			EXPECT_EQ(exec_expect(c->err2, dev.noexec), dev.err2) {
				TH_LOG("device: the follow-up call: %s",
				       strerror(dev.err2));
			}
		}
		if (c->t2) {
			EXPECT_EQ(c->err2_tmpfs, tmp.err2) {
				TH_LOG("tmpfs: the follow-up call: %s",
				       strerror(tmp.err2));
			}
		} else if (c->err2 != E_SAME) {
			EXPECT_EQ(exec_expect(c->err2, tmp.noexec), tmp.err2) {
				TH_LOG("tmpfs: the follow-up call: %s",
				       strerror(tmp.err2));
			}
		}
	}
	if (dev.noexec == tmp.noexec) {
		EXPECT_EQ(tmp.err, dev.err) {
			TH_LOG("mmap: device %s, tmpfs %s", strerror(dev.err),
			       strerror(tmp.err));
		}
		if (!c->t2) {
			EXPECT_EQ(tmp.err2, dev.err2) {
				TH_LOG("the follow-up call: device %s, tmpfs %s",
				       strerror(dev.err2), strerror(tmp.err2));
			}
		}
	}
	if (c->follow == F_OVER_ANON) {
		/* A failed MAP_FIXED: the old mapping as on tmpfs (kept). */
		EXPECT_EQ(tmp.survived, dev.survived) {
			TH_LOG("after the failed MAP_FIXED mmap the old mapping is %s on the device, %s on tmpfs",
			       dev.survived > 0 ? "kept" : dev.survived ? "n/a" : "gone",
			       tmp.survived > 0 ? "kept" : tmp.survived ? "n/a" : "gone");
		}
		if (c->err)
			EXPECT_EQ(1, dev.survived);
	}
}

#define MS	MAP_SHARED
#define MP	MAP_PRIVATE

static const struct mmap_case mmap_cases[] = {
	{ "len_0", ABS(0), PROT_READ, MS, ABS(0), .err = EINVAL },
	{ "len_size_max", ABS(SIZE_MAX), PROT_READ, MS, ABS(0), .err = ENOMEM },
	{ "len_2e63", ABS(1ULL << 63), PROT_READ, MS, ABS(0), .err = ENOMEM },
	{ "len_2e63_at_offset_2e62", ABS(1ULL << 63), PROT_READ, MS,
	  ABS(1ULL << 62), .err = ENOMEM },
	{ "len_page_aligns_to_2e64", ABS(-1ULL - 100), PROT_READ, MS, ABS(0),
	  .err = ENOMEM },
	{ "len_2e47", ABS(1ULL << 47), PROT_READ, MS, ABS(0), .err = E_SAME },
	{ "len_64tib_shared", ABS(1ULL << 46), PROT_READ, MS, ABS(0),
	  .err = E_SAME },
	{ "len_64tib_private_writable", ABS(1ULL << 46), RW, MP, ABS(0),
	  .err = E_SAME },
	{ "len_unaligned", PG(1, 1), PROT_READ, MS, ABS(0), .err = 0,
	  .follow = F_READ_REF },
	{ "len_past_eof", PG(16, 0), RW, MS, ABS(0), .follow = F_READ_REF },
	{ "offset_unaligned", PG(1, 0), PROT_READ, MS, ABS(1), .err = EINVAL },
	{ "offset_half_page", PG(1, 0), PROT_READ, MS, ABS(2048), .err = EINVAL },
	{ "offset_partial_last_page", PG(1, 0), RW, MS, PG(REF_PAGES, 0),
	  .follow = F_READ_REF },
	{ "offset_at_max_size", PG(1, 0), RW, MS, MAXS(0), .follow = F_SIGBUS },
	{ "offset_2e44", PG(1, 0), RW, MS, ABS(1ULL << 44), .follow = F_SIGBUS },
	{ "offset_last_mappable_page", PG(1, 0), RW, MS, PG(-2, 1ULL << 63),
	  .follow = F_SIGBUS },
	{ "offset_last_mappable_page_private", PG(1, 0), RW, MP,
	  PG(-2, 1ULL << 63), .follow = F_SIGBUS },
	{ "offset_last_page_below_2e63", PG(1, 0), PROT_READ, MS,
	  PG(-1, 1ULL << 63), .err = EOVERFLOW },
	{ "offset_2_pages_end_past_max_lfs", PG(2, 0), PROT_READ, MS,
	  PG(-2, 1ULL << 63), .err = EOVERFLOW },
	{ "offset_2e63", PG(1, 0), PROT_READ, MS, ABS(1ULL << 63),
	  .err = EOVERFLOW },
	{ "offset_2e63_private", PG(1, 0), PROT_READ, MP, ABS(1ULL << 63),
	  .err = EOVERFLOW },
	{ "offset_negative_page", PG(1, 0), PROT_READ, MS, PG(-1, 0),
	  .err = EOVERFLOW },
	/* The length is checked against the address space first. */
	{ "offset_2e63_len_2e62", ABS(1ULL << 62), PROT_READ, MS,
	  ABS(1ULL << 63), .err = ENOMEM },
	{ "fixed_over_mapping", PG(2, 0), RW, MS | MAP_FIXED, ABS(0),
	  .follow = F_OVER_ANON },
	{ "fixed_over_mapping_offset_2e63", PG(2, 0), RW, MS | MAP_FIXED,
	  ABS(1ULL << 63), .err = EOVERFLOW, .follow = F_OVER_ANON },
	{ "fixed_over_mapping_offset_last_page", PG(2, 0), RW, MS | MAP_FIXED,
	  PG(-1, 1ULL << 63), .err = EOVERFLOW, .follow = F_OVER_ANON },
	{ "fixed_over_mapping_rdonly_fd_shared_write", PG(2, 0), RW,
	  MS | MAP_FIXED, ABS(0), .fd = FD_RDONLY, .err = EACCES,
	  .follow = F_OVER_ANON },
	{ "fixed_over_mapping_sync", PG(2, 0), RW,
	  MAP_SHARED_VALIDATE | MAP_SYNC | MAP_FIXED, ABS(0),
	  .err = EOPNOTSUPP, .follow = F_OVER_ANON },
	{ "fixed_noreplace_over_mapping", PG(2, 0), RW,
	  MS | MAP_FIXED_NOREPLACE, ABS(0), .err = EEXIST,
	  .follow = F_OVER_ANON },
	{ "fixed_unaligned_address", PG(1, 0), PROT_READ, MS | MAP_FIXED, ABS(0),
	  .err = EINVAL, .addr = 0x10000001 },
	{ "fixed_past_user_space", PG(2, 0), PROT_READ, MS | MAP_FIXED, ABS(0),
	  .err = ENOMEM, .addr = 0x7ffffffff000 },
	{ "fixed_kernel_address", PG(1, 0), PROT_READ, MS | MAP_FIXED, ABS(0),
	  .err = ENOMEM, .addr = KERNEL_TEXT },
	{ "prot_exec_private", PG(1, 0), PROT_READ | PROT_EXEC, MP, ABS(0),
	  .err = E_EXEC },
	{ "prot_exec_shared", PG(1, 0), PROT_READ | PROT_EXEC, MS, ABS(0),
	  .err = E_EXEC },
	{ "prot_rwx_shared", PG(1, 0), RW | PROT_EXEC, MS, ABS(0),
	  .err = E_EXEC },
	{ "mprotect_exec", PG(1, 0), PROT_READ, MS, ABS(0),
	  .follow = F_MPROTECT_X, .err2 = E_EXEC_MPROT },
	{ "prot_unknown_bits", PG(1, 0), PROT_READ | 0x1000, MS, ABS(0),
	  .err = E_SAME },
	{ "rdonly_fd_shared_write", PG(1, 0), RW, MS, ABS(0), .fd = FD_RDONLY,
	  .err = EACCES },
	{ "rdonly_fd_shared_read_mprotect_write", PG(1, 0), PROT_READ, MS,
	  ABS(0), .fd = FD_RDONLY, .follow = F_MPROTECT_W, .err2 = EACCES },
	{ "rdonly_fd_validate_write", PG(1, 0), RW, MAP_SHARED_VALIDATE, ABS(0),
	  .fd = FD_RDONLY, .err = EACCES },
	{ "rdonly_fd_private_write", PG(1, 0), RW, MP, ABS(0), .fd = FD_RDONLY,
	  .follow = F_PRIV_WRITE },
	{ "wronly_fd_shared", PG(1, 0), PROT_WRITE, MS, ABS(0), .fd = FD_WRONLY,
	  .err = EACCES },
	{ "wronly_fd_private", PG(1, 0), PROT_READ, MP, ABS(0), .fd = FD_WRONLY,
	  .err = EACCES },
	{ "path_fd", PG(1, 0), PROT_READ, MS, ABS(0), .fd = FD_PATH,
	  .err = EBADF },
	{ "validate_sync", PG(1, 0), RW, MAP_SHARED_VALIDATE | MAP_SYNC, ABS(0),
	  .err = EOPNOTSUPP },
	{ "validate_unknown_flag", PG(1, 0), RW,
	  MAP_SHARED_VALIDATE | MAP_UNKNOWN, ABS(0), .err = EOPNOTSUPP },
	{ "shared_unknown_flag_ignored", PG(1, 0), RW, MS | MAP_UNKNOWN, ABS(0),
	  .follow = F_READ_REF },
	{ "no_type", PG(1, 0), PROT_READ, 0, ABS(0), .err = EINVAL },
	{ "growsdown", PG(1, 0), PROT_READ, MP | MAP_GROWSDOWN, ABS(0),
	  .err = EINVAL },
	{ "hugetlb", PG(1, 0), PROT_READ, MS | MAP_HUGETLB, ABS(0),
	  .err = EINVAL },
	{ "populate_past_eof", PG(4, 0), RW, MS | MAP_POPULATE, PG(64, 0),
	  .follow = F_SIGBUS },
	{ "populate_private_past_eof", PG(4, 0), RW, MP | MAP_POPULATE,
	  PG(64, 0), .follow = F_SIGBUS },
	{ "locked_past_eof", PG(4, 0), RW, MS | MAP_LOCKED, PG(64, 0),
	  .follow = F_SIGBUS },
	{ "mlock_past_eof", PG(4, 0), RW, MS, PG(64, 0), .follow = F_MLOCK,
	  .err2 = ENOMEM },
	{ "mlock_across_eof", PG(2, 0), RW, MS, PG(REF_PAGES, 0),
	  .follow = F_MLOCK, .err2 = ENOMEM },
	{ "mlock_resident", PG(4, 0), RW, MS, ABS(0), .follow = F_MLOCK },
	{ "mremap_grow_across_2e63", PG(1, 0), RW, MS, PG(-2, 1ULL << 63),
	  .follow = F_MREMAP, .err2 = E_SAME },
	{ "mremap_grow_at_2e44", PG(1, 0), RW, MS, ABS(1ULL << 44),
	  .follow = F_MREMAP },

	/* madvise() on a mapping: the pages stay, whatever the advice. */
	{ "madvise_remove_holes", PG(4, 0), RW, MS, PG(4, 0),
	  .follow = F_MADVISE, .advice = MADV_REMOVE,
	  /* vfs_fallocate() refuses character devices: no MADV_REMOVE */
	  .err2 = ENODEV, .t2 = true, .err2_tmpfs = 0 },
	/* Not VM_MAYWRITE: a read-only descriptor may not punch. */
	{ "madvise_remove_rdonly_fd", PG(4, 0), PROT_READ, MS, ABS(0),
	  .fd = FD_RDONLY, .follow = F_MADVISE, .advice = MADV_REMOVE,
	  .err2 = EACCES },
	{ "madvise_remove_private", PG(4, 0), RW, MP, ABS(0),
	  .follow = F_MADVISE, .advice = MADV_REMOVE, .err2 = EACCES },
	{ "madvise_free_shared", PG(4, 0), RW, MS, ABS(0), .follow = F_MADVISE,
	  .advice = MADV_FREE, .err2 = EINVAL },
	{ "madvise_pageout", PG(4, 0), RW, MS, ABS(0), .follow = F_MADVISE,
	  .advice = MADV_PAGEOUT },
	{ "madvise_pageout_private", PG(4, 0), RW, MP, ABS(0),
	  .follow = F_MADVISE, .advice = MADV_PAGEOUT },
	{ "madvise_cold", PG(4, 0), RW, MS, ABS(0), .follow = F_MADVISE,
	  .advice = MADV_COLD },
	{ "madvise_wipeonfork_shared", PG(4, 0), RW, MS, ABS(0),
	  .follow = F_MADVISE, .advice = MADV_WIPEONFORK, .err2 = EINVAL },
	{ "madvise_mergeable", PG(4, 0), RW, MS, ABS(0), .follow = F_MADVISE,
	  .advice = MADV_MERGEABLE },
	{ "madvise_hugepage", PG(4, 0), RW, MS, ABS(0), .follow = F_MADVISE,
	  .advice = MADV_HUGEPAGE },
	{ "madvise_collapse", PG(4, 0), RW, MS, ABS(0), .follow = F_MADVISE,
	  .advice = 25 /* MADV_COLLAPSE */, .err2 = E_SAME },
	/*
	 * Root may move a page (soft offline migrates it): the data must
	 * move with it.  A clean page would be dropped instead (invalidated),
	 * which is why the device keeps every page dirty.
	 */
	{ "madvise_soft_offline", PG(4, 0), RW, MS, ABS(0), .follow = F_MADVISE,
	  .advice = MADV_SOFT_OFFLINE },
	{ "madvise_soft_offline_partial_last_page", PG(1, 0), RW, MS,
	  PG(REF_PAGES, 0), .follow = F_MADVISE, .advice = MADV_SOFT_OFFLINE },
	{ "madvise_soft_offline_private_read", PG(4, 0), PROT_READ, MP, ABS(0),
	  .follow = F_MADVISE, .advice = MADV_SOFT_OFFLINE },
	{ "madvise_soft_offline_past_eof", PG(1, 0), RW, MS, PG(64, 0),
	  .follow = F_MADVISE, .advice = MADV_SOFT_OFFLINE, .err2 = EFAULT },
	{ "madvise_unknown", PG(4, 0), RW, MS, ABS(0), .follow = F_MADVISE,
	  .advice = 9999, .err2 = EINVAL },
};

/* ---- read / write ------------------------------------------------------- */

enum io_op {
	OP_READ, OP_WRITE, OP_PREAD, OP_PWRITE, OP_READV, OP_WRITEV,
	OP_PREADV2, OP_PWRITEV2,
};

enum bufk {
	B_VALID,	/* 16 mapped pages (holding the reference bytes to write) */
	B_NULL,
	B_KERNEL,
	B_NONCANON,
	B_UNMAPPED,
	B_PROTNONE,
	B_RDONLY,	/* a read-only page (holding the bytes to write) */
	B_STRADDLE,	/* 100 mapped bytes, then a PROT_NONE page */
	B_PAST_EOF,	/* the target's own MAP_SHARED mapping past its end */
	/* iovec shapes, for the vector calls */
	B_IOV_LEN_SIZE_MAX,
	B_IOV_LEN_SSIZE_MAX,
	B_IOV_CNT_1025,
	B_IOV_CNT_NEG,
	B_IOV_ARRAY_NULL,
	B_IOV_ARRAY_STRADDLE,	/* the iovec array itself crosses into PROT_NONE */
	B_IOV_SECOND_UNMAPPED,	/* 100 valid bytes, then 100 unmapped */
};

#define T_SAME	0	/* tmpfs gives the same result */
#define T_SKIP	1	/* tmpfs differs by design (it grows): device only */
#define T_ANY	2	/* run on tmpfs too, but don't compare */
/*
 * The same result, but tmpfs may allocate the page of a hole that a
 * failed write was aimed at (since 7.x generic_perform_write() gets the
 * page before it copies); the device never does.
 */
#define T_ALLOC	3

struct io_case {
	const char *name;
	enum io_op op;
	enum bufk buf;
	struct val count;
	struct val at;		/* file position (read, write...) or offset */
	enum fdk fd;
	int rwf;		/* RWF_* flags of preadv2/pwritev2 */
	int err;		/* expected errno; 0: success */
	struct val ret;		/* expected return on success */
	int tmpfs;
};

/* The result depends on the kernel version: whatever tmpfs gives. */
#define ERR_AS_TMPFS	(-1)

struct iores {
	int err;
	long ret;
	bool ran;
};

static bool op_uses_fpos(const struct io_case *c)
{
	switch (c->op) {
	case OP_READ:
	case OP_WRITE:
	case OP_READV:
	case OP_WRITEV:
		return true;
	case OP_PREADV2:
	case OP_PWRITEV2:
		return V(c->at) == (uint64_t)-1;
	default:
		return false;
	}
}

static bool op_writes(const struct io_case *c)
{
	return c->op == OP_WRITE || c->op == OP_PWRITE ||
	       c->op == OP_WRITEV || c->op == OP_PWRITEV2;
}

static void io_one(struct __test_metadata *_metadata, const struct io_case *c,
		   enum target_kind kind, struct iores *r)
{
	uint64_t count, at, fpos = FPOS, data_at;
	size_t buflen = pages(16);
	struct iovec iov[2], *iovp = iov, *iovmem;
	uint8_t *buf = NULL, *big, *map = NULL;
	bool check_ro = false;
	struct target t;
	struct arena a;
	int fd, iovcnt = 1;
	long ret;

	memset(r, 0, sizeof(*r));
	if (!ref_setup(_metadata, &t, kind))
		return;
	r->ran = true;
	count = V(c->count);
	at = V(c->at);
	fd = case_fd(&t, c->fd);
	ASSERT_LE(0, fd);
	if (op_uses_fpos(c)) {
		/* preadv2/pwritev2 at -1 use the file position: 0. */
		fpos = c->op == OP_PREADV2 || c->op == OP_PWRITEV2 ? 0 : at;
		ASSERT_EQ((off_t)fpos, lseek(fd, fpos, SEEK_SET));
	}
	data_at = op_uses_fpos(c) ? fpos : at;
	if (c->fd == FD_APPEND || (c->rwf & RWF_APPEND))
		data_at = ref_size;	/* where an append would go */

	ASSERT_EQ(0, arena_init(&a, false));
	big = mmap(NULL, buflen, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, big);
	/*
	 * Bytes to write: what the file holds there already.  Buffers to
	 * read into: a canary, to see what the kernel wrote.
	 */
	if (op_writes(c))
		ref_fill(big, buflen, data_at);
	else
		memset(big, CANARY, buflen);

	switch (c->buf) {
	case B_VALID:
	case B_IOV_LEN_SIZE_MAX:
	case B_IOV_CNT_1025:
	case B_IOV_CNT_NEG:
	case B_IOV_ARRAY_NULL:
	case B_IOV_ARRAY_STRADDLE:
	case B_IOV_SECOND_UNMAPPED:
		buf = big;
		break;
	case B_NULL:
		buf = NULL;
		break;
	case B_KERNEL:
		buf = (uint8_t *)(uintptr_t)KERNEL_TEXT;
		break;
	case B_NONCANON:
		buf = (uint8_t *)(uintptr_t)NONCANONICAL;
		break;
	case B_UNMAPPED:
		buf = arena_unmapped(&a);
		break;
	case B_PROTNONE:
		buf = arena_protnone(&a);
		break;
	case B_RDONLY:
		buf = a.base + pages(2);
		memcpy(buf, big, pagesz);
		ASSERT_EQ(0, arena_seal_ro(&a));
		check_ro = true;
		break;
	case B_STRADDLE:
	case B_IOV_LEN_SSIZE_MAX:	/* a short transfer, where one is made */
		buf = a.base + pages(1) - 100;
		memcpy(buf, big, 100);
		break;
	case B_PAST_EOF:
		map = mmap(NULL, pagesz, RW, MAP_SHARED, t.fd, pages(64));
		ASSERT_NE(MAP_FAILED, map);
		buf = map;
		break;
	}

	iov[0].iov_base = buf;
	iov[0].iov_len = count;
	switch (c->buf) {
	case B_IOV_LEN_SIZE_MAX:
		iov[0].iov_len = SIZE_MAX;
		break;
	case B_IOV_LEN_SSIZE_MAX:
		iov[0].iov_len = SSIZE_MAX;
		break;
	case B_IOV_CNT_1025:
		iovmem = calloc(1025, sizeof(*iovmem));
		ASSERT_NE(NULL, iovmem);
		iovmem[0] = iov[0];
		iovp = iovmem;
		iovcnt = 1025;
		break;
	case B_IOV_CNT_NEG:
		iovcnt = -1;
		break;
	case B_IOV_ARRAY_NULL:
		iovp = NULL;
		break;
	case B_IOV_ARRAY_STRADDLE:
		/* iov[0] mapped, iov[1] in the PROT_NONE page */
		iovp = (struct iovec *)(a.base + pages(1) - sizeof(*iovp));
		iovp[0] = iov[0];
		iovcnt = 2;
		break;
	case B_IOV_SECOND_UNMAPPED:
		iov[0].iov_len = 100;
		iov[1].iov_base = arena_unmapped(&a);
		iov[1].iov_len = 100;
		iovcnt = 2;
		break;
	default:
		break;
	}

	errno = 0;
	switch (c->op) {
	case OP_READ:
		ret = read(fd, buf, count);
		break;
	case OP_WRITE:
		ret = write(fd, buf, count);
		break;
	case OP_PREAD:
		ret = pread(fd, buf, count, at);
		break;
	case OP_PWRITE:
		ret = pwrite(fd, buf, count, at);
		break;
	case OP_READV:
		ret = syscall(SYS_readv, fd, iovp, iovcnt);
		break;
	case OP_WRITEV:
		ret = syscall(SYS_writev, fd, iovp, iovcnt);
		break;
	case OP_PREADV2:
		ret = syscall(SYS_preadv2, fd, iovp, iovcnt, at, 0, c->rwf);
		break;
	case OP_PWRITEV2:
		ret = syscall(SYS_pwritev2, fd, iovp, iovcnt, at, 0, c->rwf);
		break;
	default:
		ret = -1;
	}
	r->ret = ret;
	r->err = ret < 0 ? errno : 0;

	/* A read copied the file's bytes and touched nothing else. */
	if (!op_writes(c) && buf == big) {
		size_t i, n = ret > 0 ? ret : 0;

		EXPECT_TRUE(ref_match(big, n, data_at));
		for (i = n; i < buflen && big[i] == CANARY; i++)
			;
		EXPECT_EQ(buflen, i) {
			TH_LOG("the kernel wrote byte %zu of the buffer, past the %zu it returned",
			       i, n);
		}
	}
	if (ret > 0 && !op_writes(c) &&
	    (c->buf == B_STRADDLE || c->buf == B_IOV_LEN_SSIZE_MAX))
		EXPECT_TRUE(ref_match(buf, ret, data_at));
	if (check_ro) {
		EXPECT_EQ(0, memcmp(buf, big, pagesz)) {
			TH_LOG("the kernel wrote to a read-only buffer");
		}
	}
	/* The file position moves by what was transferred, or not at all. */
	if (c->fd != FD_PATH) {
		off_t want = fpos;

		if (op_uses_fpos(c) && ret > 0)
			want = (c->fd == FD_APPEND ? (off_t)ref_size : (off_t)fpos)
			       + ret;
		EXPECT_EQ(want, lseek(fd, 0, SEEK_CUR));
	}
	if (map)
		munmap(map, pagesz);
	if (iovcnt == 1025)
		free(iovp);
	case_fd_close(&t, fd);
	ref_check_pages(_metadata, &t, ref_size,
			kind == TARGET_DEVICE || c->tmpfs != T_ALLOC);
	ref_teardown(&t);
}

static void run_io(struct __test_metadata *_metadata, const void *arg)
{
	const struct io_case *c = arg;
	struct iores dev, tmp;

	io_one(_metadata, c, TARGET_DEVICE, &dev);
	if (_metadata->skip)
		return;
	if (c->err != ERR_AS_TMPFS) {
		EXPECT_EQ(c->err, dev.err) {
			TH_LOG("device: returned %ld: %s", dev.ret,
			       strerror(dev.err));
		}
		if (!c->err)
			EXPECT_EQ((long)V(c->ret), dev.ret);
	}
	if (c->tmpfs == T_SKIP)
		return;
	io_one(_metadata, c, TARGET_TMPFS, &tmp);
	if (c->tmpfs == T_ANY)
		return;
	EXPECT_EQ(tmp.err, dev.err) {
		TH_LOG("device: %ld (%s), tmpfs: %ld (%s)", dev.ret,
		       strerror(dev.err), tmp.ret, strerror(tmp.err));
	}
	EXPECT_EQ(tmp.ret, dev.ret);
}

#define COUNT_1		ABS(1)
#define COUNT_PAGE	PG(1, 0)

static const struct io_case io_cases[] = {
	/* read() */
	{ "read.count_ssize_max", OP_READ, B_VALID, ABS(SSIZE_MAX), ABS(0),
	  .err = EFAULT },
	{ "read.count_size_max", OP_READ, B_VALID, ABS(SIZE_MAX), ABS(0),
	  .err = EFAULT },
	{ "read.count_max_rw", OP_READ, B_VALID, ABS(MAX_RW), ABS(0),
	  .ret = SZ(0) },
	{ "read.count_max_rw_near_end", OP_READ, B_VALID, ABS(MAX_RW), SZ(-10),
	  .ret = ABS(10) },
	{ "read.count_max_rw_partly_mapped", OP_READ, B_STRADDLE, ABS(MAX_RW),
	  ABS(0), .ret = ABS(100) },
	{ "read.partly_mapped", OP_READ, B_STRADDLE, ABS(200), ABS(0),
	  .ret = ABS(100) },
	{ "read.null", OP_READ, B_NULL, COUNT_1, ABS(0), .err = EFAULT },
	{ "read.null_count_0", OP_READ, B_NULL, ABS(0), ABS(0), .ret = ABS(0) },
	{ "read.kernel", OP_READ, B_KERNEL, COUNT_1, ABS(0), .err = EFAULT },
	{ "read.noncanonical", OP_READ, B_NONCANON, COUNT_1, ABS(0),
	  .err = EFAULT },
	{ "read.unmapped", OP_READ, B_UNMAPPED, COUNT_1, ABS(0), .err = EFAULT },
	{ "read.prot_none", OP_READ, B_PROTNONE, COUNT_1, ABS(0), .err = EFAULT },
	{ "read.read_only_buffer", OP_READ, B_RDONLY, COUNT_PAGE, ABS(0),
	  .err = EFAULT },
	{ "read.into_own_mapping_past_eof", OP_READ, B_PAST_EOF, COUNT_PAGE,
	  ABS(0), .err = EFAULT },
	{ "read.at_size", OP_READ, B_VALID, COUNT_PAGE, SZ(0), .ret = ABS(0) },
	{ "read.past_size", OP_READ, B_VALID, COUNT_PAGE, SZ(5000),
	  .ret = ABS(0) },
	{ "read.at_max_lfs", OP_READ, B_VALID, COUNT_1, ABS(INT64_MAX),
	  .err = EINVAL },
	{ "read.at_max_lfs_count_0", OP_READ, B_VALID, ABS(0), ABS(INT64_MAX),
	  .ret = ABS(0) },

	/* pread() */
	{ "pread.offset_max_lfs", OP_PREAD, B_VALID, COUNT_1, ABS(INT64_MAX),
	  .err = EINVAL },
	{ "pread.offset_max_lfs_count_0", OP_PREAD, B_VALID, ABS(0),
	  ABS(INT64_MAX), .ret = ABS(0) },
	{ "pread.offset_max_lfs_minus_1", OP_PREAD, B_VALID, COUNT_1,
	  ABS(INT64_MAX - 1), .ret = ABS(0) },
	{ "pread.offset_minus_1", OP_PREAD, B_VALID, COUNT_1, ABS(-1),
	  .err = EINVAL },
	{ "pread.offset_minus_page", OP_PREAD, B_VALID, COUNT_1, PG(-1, 0),
	  .err = EINVAL },
	{ "pread.offset_llong_min", OP_PREAD, B_VALID, COUNT_1, ABS(INT64_MIN),
	  .err = EINVAL },
	{ "pread.offset_2e62_count_max_rw", OP_PREAD, B_VALID, ABS(MAX_RW),
	  ABS(1ULL << 62), .ret = ABS(0) },
	{ "pread.at_size", OP_PREAD, B_VALID, COUNT_1, SZ(0), .ret = ABS(0) },
	{ "pread.across_end", OP_PREAD, B_VALID, ABS(100), SZ(-10),
	  .ret = ABS(10) },
	{ "pread.count_ssize_max", OP_PREAD, B_VALID, ABS(SSIZE_MAX), ABS(0),
	  .err = EFAULT },
	{ "pread.kernel", OP_PREAD, B_KERNEL, COUNT_1, ABS(0), .err = EFAULT },
	{ "pread.hole_into_unmapped", OP_PREAD, B_UNMAPPED, COUNT_1, PG(5, 0),
	  .err = EFAULT },

	/* write(): the bytes written are the ones already there */
	{ "write.count_ssize_max", OP_WRITE, B_VALID, ABS(SSIZE_MAX), ABS(0),
	  .err = EFAULT },
	{ "write.count_size_max", OP_WRITE, B_VALID, ABS(SIZE_MAX), ABS(0),
	  .err = EFAULT },
	{ "write.count_max_rw_partly_mapped", OP_WRITE, B_STRADDLE, ABS(MAX_RW),
	  ABS(0), .ret = ABS(100) },
	{ "write.partly_mapped", OP_WRITE, B_STRADDLE, ABS(200), ABS(0),
	  .ret = ABS(100) },
	{ "write.null", OP_WRITE, B_NULL, COUNT_1, ABS(0), .err = EFAULT },
	{ "write.null_count_0", OP_WRITE, B_NULL, ABS(0), ABS(0), .ret = ABS(0) },
	{ "write.kernel", OP_WRITE, B_KERNEL, COUNT_1, ABS(0), .err = EFAULT },
	{ "write.noncanonical", OP_WRITE, B_NONCANON, COUNT_1, ABS(0),
	  .err = EFAULT },
	/* Into a hole: a failed write must not allocate the page. */
	{ "write.unmapped_into_hole", OP_WRITE, B_UNMAPPED, COUNT_PAGE,
	  PG(5, 0), .err = EFAULT, .tmpfs = T_ALLOC },
	{ "write.prot_none_into_hole", OP_WRITE, B_PROTNONE, COUNT_PAGE,
	  PG(5, 10), .err = EFAULT, .tmpfs = T_ALLOC },
	{ "write.from_own_mapping_past_eof", OP_WRITE, B_PAST_EOF, COUNT_PAGE,
	  PG(5, 0), .err = EFAULT, .tmpfs = T_ALLOC },
	{ "write.read_only_buffer", OP_WRITE, B_RDONLY, COUNT_PAGE, ABS(0),
	  .ret = COUNT_PAGE },
	{ "write.count_0_past_size", OP_WRITE, B_VALID, ABS(0), SZ(100),
	  .ret = ABS(0) },
	{ "write.at_size", OP_WRITE, B_VALID, COUNT_1, SZ(0), .err = ENOSPC,
	  .tmpfs = T_SKIP },
	{ "write.past_size", OP_WRITE, B_VALID, COUNT_1, SZ(5000),
	  .err = ENOSPC, .tmpfs = T_SKIP },
	{ "write.across_end", OP_WRITE, B_VALID, ABS(100), SZ(-10),
	  .ret = ABS(10), .tmpfs = T_SKIP },
	{ "write.at_max_lfs", OP_WRITE, B_VALID, COUNT_1, ABS(INT64_MAX),
	  .err = EINVAL },
	{ "write.at_max_lfs_minus_1", OP_WRITE, B_VALID, COUNT_1,
	  ABS(INT64_MAX - 1), .err = ENOSPC, .tmpfs = T_SKIP },
	/*
	 * O_APPEND: a write goes to the end of the file, and the device's
	 * end is fixed, so nothing may be written (tmpfs grows instead).
	 */
	{ "write.o_append", OP_WRITE, B_VALID, COUNT_1, ABS(0),
	  .fd = FD_APPEND, .err = ENOSPC, .tmpfs = T_SKIP },

	/* pwrite() */
	{ "pwrite.offset_minus_1", OP_PWRITE, B_VALID, COUNT_1, ABS(-1),
	  .err = EINVAL },
	{ "pwrite.offset_llong_min", OP_PWRITE, B_VALID, COUNT_1,
	  ABS(INT64_MIN), .err = EINVAL },
	{ "pwrite.offset_max_lfs", OP_PWRITE, B_VALID, COUNT_1, ABS(INT64_MAX),
	  .err = EINVAL },
	{ "pwrite.offset_max_lfs_minus_1", OP_PWRITE, B_VALID, COUNT_1,
	  ABS(INT64_MAX - 1), .err = ENOSPC, .tmpfs = T_SKIP },
	{ "pwrite.offset_2e62_count_max_rw", OP_PWRITE, B_VALID, ABS(MAX_RW),
	  ABS(1ULL << 62), .err = ENOSPC, .tmpfs = T_SKIP },
	{ "pwrite.at_size", OP_PWRITE, B_VALID, COUNT_1, SZ(0), .err = ENOSPC,
	  .tmpfs = T_SKIP },
	{ "pwrite.count_ssize_max", OP_PWRITE, B_VALID, ABS(SSIZE_MAX), ABS(0),
	  .err = EFAULT },
	{ "pwrite.rdonly_fd", OP_PWRITE, B_VALID, COUNT_1, ABS(0),
	  .fd = FD_RDONLY, .err = EBADF },
	{ "pwrite.path_fd", OP_PWRITE, B_VALID, COUNT_1, ABS(0), .fd = FD_PATH,
	  .err = EBADF },
	{ "pread.wronly_fd", OP_PREAD, B_VALID, COUNT_1, ABS(0),
	  .fd = FD_WRONLY, .err = EBADF },
	{ "pread.path_fd", OP_PREAD, B_VALID, COUNT_1, ABS(0), .fd = FD_PATH,
	  .err = EBADF },

	/* readv() / writev() */
	{ "readv.iov_len_size_max", OP_READV, B_IOV_LEN_SIZE_MAX, COUNT_1,
	  ABS(0), .err = EINVAL },
	/*
	 * EFAULT up to 6.1 (access_ok() of each iovec); since then a short
	 * transfer, up to the buffer's unmapped end.
	 */
	{ "readv.iov_len_ssize_max", OP_READV, B_IOV_LEN_SSIZE_MAX, COUNT_1,
	  ABS(0), .err = ERR_AS_TMPFS },
	{ "readv.iovcnt_1025", OP_READV, B_IOV_CNT_1025, COUNT_1, ABS(0),
	  .err = EINVAL },
	{ "readv.iovcnt_negative", OP_READV, B_IOV_CNT_NEG, COUNT_1, ABS(0),
	  .err = EINVAL },
	{ "readv.iov_array_null", OP_READV, B_IOV_ARRAY_NULL, COUNT_1, ABS(0),
	  .err = EFAULT },
	{ "readv.iov_array_straddle", OP_READV, B_IOV_ARRAY_STRADDLE, COUNT_1,
	  ABS(0), .err = EFAULT },
	{ "readv.second_iov_unmapped", OP_READV, B_IOV_SECOND_UNMAPPED, COUNT_1,
	  ABS(0), .ret = ABS(100) },
	{ "writev.iov_len_size_max", OP_WRITEV, B_IOV_LEN_SIZE_MAX, COUNT_1,
	  ABS(0), .err = EINVAL },
	{ "writev.iov_len_ssize_max", OP_WRITEV, B_IOV_LEN_SSIZE_MAX, COUNT_1,
	  ABS(0), .err = ERR_AS_TMPFS },
	{ "writev.iovcnt_1025", OP_WRITEV, B_IOV_CNT_1025, COUNT_1, ABS(0),
	  .err = EINVAL },
	{ "writev.iov_array_straddle", OP_WRITEV, B_IOV_ARRAY_STRADDLE, COUNT_1,
	  ABS(0), .err = EFAULT },
	{ "writev.second_iov_unmapped", OP_WRITEV, B_IOV_SECOND_UNMAPPED,
	  COUNT_1, ABS(0), .ret = ABS(100) },

	/* preadv2() / pwritev2() */
	{ "preadv2.offset_minus_1_uses_position", OP_PREADV2, B_VALID,
	  ABS(100), ABS(-1), .ret = ABS(100) },
	{ "preadv2.offset_minus_2", OP_PREADV2, B_VALID, ABS(100), ABS(-2),
	  .err = EINVAL },
	{ "preadv2.unknown_flag", OP_PREADV2, B_VALID, ABS(100), ABS(0),
	  .rwf = (int)0x80000000, .err = EOPNOTSUPP },
	/* Not FMODE_NOWAIT: the device never claims it can't block. */
	{ "preadv2.nowait", OP_PREADV2, B_VALID, ABS(100), ABS(0),
	  .rwf = RWF_NOWAIT, .err = EOPNOTSUPP, .tmpfs = T_ANY },
	{ "preadv2.hipri", OP_PREADV2, B_VALID, ABS(100), ABS(0),
	  .rwf = RWF_HIPRI, .ret = ABS(100) },
	{ "pwritev2.unknown_flag", OP_PWRITEV2, B_VALID, ABS(100), ABS(0),
	  .rwf = (int)0x80000000, .err = EOPNOTSUPP },
	{ "pwritev2.offset_minus_2", OP_PWRITEV2, B_VALID, ABS(100), ABS(-2),
	  .err = EINVAL },
	/* RWF_APPEND, as O_APPEND: at the (fixed) end, so ENOSPC. */
	{ "pwritev2.append", OP_PWRITEV2, B_VALID, COUNT_1, ABS(0),
	  .rwf = RWF_APPEND, .err = ENOSPC, .tmpfs = T_SKIP },
	{ "pwritev2.dsync", OP_PWRITEV2, B_VALID, ABS(100), ABS(0),
	  .rwf = RWF_DSYNC, .ret = ABS(100) },
};

/* ---- lseek -------------------------------------------------------------- */

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

/* ---- open --------------------------------------------------------------- */

static long module_refcnt(void)
{
	FILE *f = fopen("/sys/module/vmdemo/refcnt", "r");
	long n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

struct open_case {
	const char *name;
	int flags;
	int err;
	bool path_ops;		/* on the O_PATH descriptor: everything EBADF */
};

static const struct open_case open_cases[] = {
	/* A device has no page cache for O_DIRECT; nothing may leak. */
	{ "o_direct", O_RDWR | O_DIRECT, EINVAL },
	/* O_TRUNC applies to regular files only: the device keeps its bytes. */
	{ "o_trunc", O_RDWR | O_TRUNC, 0 },
	{ "o_creat_excl", O_RDWR | O_CREAT | O_EXCL, EEXIST },
	{ "o_directory", O_RDONLY | O_DIRECTORY, ENOTDIR },
	{ "o_tmpfile", O_RDWR | O_TMPFILE, ENOTDIR },
	{ "o_path_ops", O_PATH, 0, true },
};

static void run_open(struct __test_metadata *_metadata, const void *arg)
{
	const struct open_case *c = arg;
	struct vmdemo_info info;
	uint64_t size;
	long before, after;
	struct target t;
	char b;
	int fd, err, i;

	if (!ref_setup(_metadata, &t, TARGET_DEVICE))
		return;
	before = module_refcnt();
	for (i = 0; i < 100; i++) {
		errno = 0;
		fd = open(t.path, c->flags | O_CLOEXEC, 0600);
		err = fd < 0 ? errno : 0;
		EXPECT_EQ(c->err, err) {
			TH_LOG("open(%s, %#x): %s", t.path, c->flags,
			       strerror(err));
		}
		if (fd < 0)
			continue;
		if (c->path_ops) {
			errno = 0;
			EXPECT_EQ(-1, ioctl(fd, VMDEMO_IOC_GET_SIZE, &size));
			EXPECT_EQ(EBADF, errno);
			errno = 0;
			EXPECT_EQ(-1, ioctl(fd, VMDEMO_IOC_GET_INFO, &info));
			EXPECT_EQ(EBADF, errno);
			errno = 0;
			EXPECT_EQ(-1, read(fd, &b, 1));
			EXPECT_EQ(EBADF, errno);
			errno = 0;
			EXPECT_EQ(-1, lseek(fd, 0, SEEK_END));
			EXPECT_EQ(EBADF, errno);
			errno = 0;
			EXPECT_EQ(MAP_FAILED, mmap(NULL, pagesz, PROT_READ,
						   MAP_SHARED, fd, 0));
			EXPECT_EQ(EBADF, errno);
		}
		close(fd);
		if (_metadata->passed == 0)
			break;
	}
	/* Every reference an open (or a failed open) took is dropped. */
	after = module_refcnt();
	EXPECT_EQ(before, after);
	ref_check(_metadata, &t, ref_size);
	ref_teardown(&t);
}

/* ---- main --------------------------------------------------------------- */

static void register_all(void)
{
	char name[96];
	size_t i;

	__register_fixture(&fx_ioctl);
	__register_fixture(&fx_compat);
	__register_fixture(&fx_enotty);
	__register_fixture(&fx_mmap);
	__register_fixture(&fx_io);
	__register_fixture(&fx_lseek);
	__register_fixture(&fx_open);

	for (i = 0; i < ARRAY_SIZE(ioctl_cases); i++)
		add_test(&fx_ioctl, ioctl_cases[i].name, run_ioctl,
			 &ioctl_cases[i]);
	for (i = 0; i < ARRAY_SIZE(compat_cases); i++)
		add_test(&fx_compat, compat_cases[i].name, run_ioctl,
			 &compat_cases[i]);
	enotty_build();
	for (i = 0; i < (size_t)nr_enotty; i++)
		add_test(&fx_enotty, enotty_cases[i].name, run_enotty,
			 &enotty_cases[i]);
	for (i = 0; i < ARRAY_SIZE(mmap_cases); i++)
		add_test(&fx_mmap, mmap_cases[i].name, run_mmap, &mmap_cases[i]);
	for (i = 0; i < ARRAY_SIZE(io_cases); i++)
		add_test(&fx_io, io_cases[i].name, run_io, &io_cases[i]);
	for (i = 0; i < ARRAY_SIZE(lseek_cases); i++)
		add_test(&fx_lseek, lseek_cases[i].name, run_lseek,
			 &lseek_cases[i]);
	for (i = 0; i < ARRAY_SIZE(open_cases); i++) {
		snprintf(name, sizeof(name), "%s", open_cases[i].name);
		add_test(&fx_open, name, run_open, &open_cases[i]);
	}
}

int main(int argc, char **argv)
{
	ref_size = pages(REF_PAGES) + REF_TAIL;
	/* The tables are appended in order (the constructors ran already). */
	__constructor_order = _CONSTRUCTOR_ORDER_FORWARD;
	register_all();
	return test_harness_run(argc, argv);
}
