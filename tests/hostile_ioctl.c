// SPDX-License-Identifier: GPL-2.0
/*
 * tests/hostile_ioctl.c: hostile arguments to the five ioctls of
 * /dev/vmdemo, each row of a table one test from the reference state of
 * hostile.h, which the call must leave as it was.
 *
 * Fixtures (the part of the TAP name before the first dot):
 *   ioctl    bad pointers (NULL, kernel, non-canonical, unmapped,
 *            PROT_NONE, read-only for the _IOR ones, straddling into an
 *            unmapped page, a mapping of the device itself past its end),
 *            bad ranges and sizes, nonzero range flags, the wrong access
 *            mode.  A call that succeeds is chosen so that it leaves the
 *            state alone too (a punch of bytes already zero), except
 *            VMDEMO_IOC_SET_SIZE to max_size, whose new size is checked.
 *            VMDEMO_IOC_EVICT is tried on the device without a backing
 *            file, as the suite loads it: after the pointer and the flags
 *            it must refuse with EOPNOTSUPP, whatever the range (the
 *            backing_* tests evict for real); with a backing file those
 *            cases are skipped.
 *   compat   the same through the 32-bit ioctl path (int $0x80,
 *            compat_ptr_ioctl), with buffers below 4 GiB; skipped without
 *            CONFIG_IA32_EMULATION
 *
 * Needs /dev/vmdemo (VMDEMO_DEV); each test is skipped if it is not
 * there.  Root, for the O_WRONLY opens.
 */
#include "hostile.h"

#define KERNEL_TOP	0xfffffffffffffff8ULL	/* + 8 wraps past 2^64 */
#define USER_TOP	0x00007ffffffffff8ULL	/* last 8 bytes of user space */
#define TOP32		0xfffffff8ULL		/* last 8 bytes below 4 GiB */

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
	struct val v[3];	/* the __u64, or the range's offset, length, flags */
	enum fdk fd;
	int err;		/* expected errno; 0: success */
	bool grows_to_max;	/* success leaves the size at max_size */
	bool compat;		/* through the 32-bit syscall */
};

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
	/* Flags must be zero: a punch of data, which would show if it ran. */
	{ "punch.flags_1", PH, A_VALID, { ABS(0), PG(1, 0), ABS(1) }, .err = EINVAL },
	{ "punch.flags_2e63", PH, A_VALID, { ABS(0), PG(1, 0), ABS(1ULL << 63) },
	  .err = EINVAL },
	{ "punch.rdonly_fd", PH, A_VALID, { SZ(-10), ABS(10) }, .fd = FD_RDONLY,
	  .err = EBADF },
	{ "punch.rdonly_fd_null", PH, A_NULL, .fd = FD_RDONLY, .err = EBADF },
	{ "punch.rdonly_fd_bad_range", PH, A_VALID, { ABS(0), ABS(0) },
	  .fd = FD_RDONLY, .err = EBADF },
	{ "punch.wronly_fd", PH, A_VALID, { SZ(-10), ABS(10) }, .fd = FD_WRONLY },
	{ "punch.path_fd", PH, A_VALID, { SZ(-10), ABS(10) }, .fd = FD_PATH,
	  .err = EBADF },

	/* VMDEMO_IOC_EVICT (_IOW), without a backing file: see the top. */
	{ "evict.no_backing", EV, A_VALID, { ABS(0), PG(1, 0) },
	  .err = EOPNOTSUPP },
	{ "evict.unaligned_ptr", EV, A_UNALIGNED, { ABS(0), PG(1, 0) },
	  .err = EOPNOTSUPP },
	{ "evict.read_only_ptr", EV, A_RDONLY, { ABS(0), PG(1, 0) },
	  .err = EOPNOTSUPP },
	BAD_POINTERS("evict", EV),
	{ "evict.device_private_map", EV, A_DEV_PRIVATE, { ABS(0), PG(1, 0) },
	  .err = EOPNOTSUPP },
	{ "evict.flags_1", EV, A_VALID, { ABS(0), PG(1, 0), ABS(1) },
	  .err = EINVAL },
	{ "evict.flags_2e63", EV, A_VALID, { ABS(0), PG(1, 0), ABS(1ULL << 63) },
	  .err = EINVAL },
	{ "evict.len_0", EV, A_VALID, { ABS(0), ABS(0) }, .err = EOPNOTSUPP },
	{ "evict.past_end", EV, A_VALID, { SZ(4096), ABS(1) },
	  .err = EOPNOTSUPP },
	{ "evict.len_u64_max", EV, A_VALID, { ABS(0), ABS(~0ULL) },
	  .err = EOPNOTSUPP },
	/* It changes no byte: a read-only descriptor is enough. */
	{ "evict.rdonly_fd", EV, A_VALID, { ABS(0), PG(1, 0) },
	  .fd = FD_RDONLY, .err = EOPNOTSUPP },
	{ "evict.wronly_fd", EV, A_VALID, { ABS(0), PG(1, 0) },
	  .fd = FD_WRONLY, .err = EOPNOTSUPP },
	{ "evict.path_fd", EV, A_VALID, { ABS(0), PG(1, 0) }, .fd = FD_PATH,
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
	{ "evict.no_backing", EV, A_VALID, { ABS(0), PG(1, 0) },
	  .err = EOPNOTSUPP, .compat = true },
	{ "evict.null", EV, A_NULL, .err = EFAULT, .compat = true },
	{ "evict.straddle_unmapped", EV, A_STRADDLE, .err = EFAULT,
	  .compat = true },
	{ "unknown_nr", _IOR(VMDEMO_IOC_MAGIC, 0x05, __u64), A_VALID,
	  .err = ENOTTY, .compat = true },
	/* EVICT's number with another direction and size. */
	{ "evict_nr_as_ior_u64", _IOR(VMDEMO_IOC_MAGIC, 0x04, __u64), A_VALID,
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
		struct vmdemo_range r = {
			.offset = V(c->v[0]),
			.length = V(c->v[1]),
			.flags = V(c->v[2]),
		};

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
	if (c->cmd == EV && vmdemo_backed())
		SKIP(return, "the device has a backing file: the backing_* tests evict");
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

int main(int argc, char **argv)
{
	hostile_init();
	HOSTILE_REGISTER("ioctl", ioctl_cases, run_ioctl);
	HOSTILE_REGISTER("compat", compat_cases, run_ioctl);
	return test_harness_run(argc, argv);
}
