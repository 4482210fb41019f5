// SPDX-License-Identifier: GPL-2.0
/*
 * tests/hostile_io.c: hostile arguments to read(), write() and their
 * relatives on /dev/vmdemo, each row of a table one test from the
 * reference state of hostile.h, which the call must leave as it was.
 *
 * Fixture (the part of the TAP name before the first dot):
 *   io       read/write/pread/pwrite/readv/writev/preadv2/pwritev2 with
 *            huge counts and offsets, bad buffers and iovecs, RWF_* flags
 *            and O_APPEND; each run on the device and on a tmpfs file,
 *            and the two must agree where the rows do not say otherwise
 *            (a tmpfs file grows, the device does not).  A write writes
 *            the bytes already there.
 *
 * Needs /dev/vmdemo (VMDEMO_DEV) and a tmpfs (VMDEMO_TMPFS, /dev/shm);
 * each test is skipped if the device is not there.  Root, for O_WRONLY
 * opens.
 */
#include "hostile.h"

/* The largest count read()/write() pass on (MAX_RW_COUNT). */
#define MAX_RW		(INT_MAX & ~(4096UL - 1))

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
};

/* Does the call use the file position (preadv2/pwritev2: at -1)? */
static bool op_uses_fpos(const struct io_case *c)
{
	if (c->op == OP_PREADV2 || c->op == OP_PWRITEV2)
		return V(c->at) == (uint64_t)-1;
	return c->op == OP_READ || c->op == OP_WRITE || c->op == OP_READV ||
	       c->op == OP_WRITEV;
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

int main(int argc, char **argv)
{
	hostile_init();
	HOSTILE_REGISTER("io", io_cases, run_io);
	return test_harness_run(argc, argv);
}
