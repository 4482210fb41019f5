// SPDX-License-Identifier: GPL-2.0
/*
 * tests/hostile_mmap.c: hostile arguments to mmap() of /dev/vmdemo and
 * to the calls on its mappings, each row of a table one test from the
 * reference state of hostile.h, which the calls must leave as it was.
 *
 * Fixture (the part of the TAP name before the first dot):
 *   mmap     offsets near 2^63, lengths that overflow, MAP_FIXED over a
 *            mapping, PROT_EXEC, access modes, flag validation, then
 *            mprotect/mlock/mremap/madvise on the mapping (MADV_REMOVE,
 *            MADV_PAGEOUT, root's MADV_SOFT_OFFLINE, which migrates the
 *            page...); each run on the device and on a tmpfs file, and
 *            the two must agree (the rows say where they differ by
 *            design: MADV_REMOVE, which the VFS refuses for devices)
 *
 * Needs /dev/vmdemo (VMDEMO_DEV) and a tmpfs (VMDEMO_TMPFS, /dev/shm);
 * each test is skipped if the device is not there.  Root, for O_WRONLY
 * opens, mlock() and MADV_SOFT_OFFLINE.
 */
#include "hostile.h"

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

/* Is the filesystem of @path mounted noexec? */
static bool mount_noexec(const char *path)
{
	struct statvfs sv;

	return !statvfs(path, &sv) && (sv.f_flag & ST_NOEXEC);
}

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

int main(int argc, char **argv)
{
	hostile_init();
	HOSTILE_REGISTER("mmap", mmap_cases, run_mmap);
	return test_harness_run(argc, argv);
}
