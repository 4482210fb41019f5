// SPDX-License-Identifier: GPL-2.0
/*
 * A memory error (madvise(MADV_HWPOISON) from a child, as in
 * conform_hwpoison.c: root and CONFIG_MEMORY_FAILURE) in a page that a
 * punch or a shrink covers only in part.  The punch or shrink succeeds;
 * the poisoned page stays poisoned (read() of any of its bytes fails
 * with EIO, a new mapping of it raises SIGBUS) and the partial page on
 * the other side of the range, the whole pages and the rest of the
 * object are handled as usual: zeroed where covered, intact elsewhere.
 * Cases: the range starts in the poisoned page, ends in it, lies inside
 * it; the new size ends in it; the new size ends before it (then the
 * poisoned page goes with the rest, and reads as zeroes once grown back).
 *
 * Whether the poisoned page's bytes were zeroed cannot be seen from user
 * space while it is poisoned.  When the guest can, the test looks: it
 * takes the page out of the cache (punch or shrink it whole), unpoisons
 * its frame (hwpoison_inject's debugfs unpoison-pfn, loaded from
 * /lib/modules if needed), which frees it, and at once reads the frame
 * through /proc/kcore.  On the device, the part the range covered must
 * still hold the old bytes: the driver leaves a poisoned page alone.
 * tmpfs does not: shmem_undo_range() hands the partial page to
 * truncate_inode_partial_folio(), which zeroes the covered part whether
 * the page is poisoned or not (seen on 6.1 and 6.12), so on tmpfs what
 * happened is only logged.  A frame that was reused meanwhile (the bytes
 * outside the range are not the old ones either) tells nothing and is
 * only logged; so is a guest without hwpoison_inject (the sid kernel as
 * scripts/kernels fetches it: its modules are in another package) or
 * /proc/kcore.
 *
 * What madvise(MADV_HWPOISON) itself gave is logged for each variant:
 * on 6.1 it returns 0 on tmpfs and EBUSY on the device (memory_failure()
 * calls any page cache but shmem's that keeps the page "Failed"); on
 * 6.12 and 7.2 the injecting child is killed by SIGBUS on both.
 */
#include "conform.h"
#include "sysfile.h"

#include <elf.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

CONFORM_FIXTURE(poison_edge);

#define NPAGES		4
#define UNPOISON	"/sys/kernel/debug/hwpoison/unpoison-pfn"
#define KPF_HWPOISON	19

/* What the poisoning child saw, in memory it shares with the test. */
struct inject {
	uint64_t pfn;
	int err;		/* madvise()'s errno, 0, or -1: no answer */
};


/*
 * Poison page @victim from a child that maps it, reads its frame number
 * and calls madvise(MADV_HWPOISON); logs what madvise() gave.  Sets @pfn
 * (0 if unknown).  Return: 0 if the page now fails read() with EIO; an
 * errno if madvise() refused (no CONFIG_MEMORY_FAILURE, not root: skip);
 * -1 if it did not refuse but the page reads all the same.
 */
static int poison(struct __test_metadata *_metadata, const struct target *t,
		  const char *variant, int victim, uint64_t *pfn)
{
	struct inject *in = mmap(NULL, sizeof(*in), RW,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status, err = ECHILD;
	char c, how[64];
	pid_t pid;

	if (in == MAP_FAILED)
		return errno;
	in->err = -1;
	pid = fork();
	if (pid == 0) {
		volatile uint8_t *m = map_target(t, pages(victim + 1), RW,
						 MAP_SHARED, 0);

		if (m == MAP_FAILED)
			_exit(1);
		(void)m[pages(victim)];
		in->pfn = self_pfn((void *)(m + pages(victim)));
		in->err = madvise((void *)(m + pages(victim)), pagesz,
				  MADV_HWPOISON) ? errno : 0;
		_exit(0);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid) {
		if (WIFSIGNALED(status))
			snprintf(how, sizeof(how), "the child was killed by signal %d%s",
				 WTERMSIG(status),
				 in->err >= 0 ? " after madvise() returned" : "");
		else
			snprintf(how, sizeof(how), "returned %s",
				 in->err < 0 ? "nothing" :
				 in->err ? strerror(in->err) : "0");
		TH_LOG("%s: madvise(MADV_HWPOISON): %s", variant, how);
		err = in->err > 0 && in->err != EBUSY ? in->err : 0;
	}
	*pfn = in->pfn;
	munmap(in, sizeof(*in));
	if (err)
		return err;
	errno = 0;
	if (pread(t->fd, &c, 1, pages(victim)) != -1 || errno != EIO)
		return -1;
	if (*pfn && frame_poisoned(*pfn) != 1) {
		TH_LOG("frame %#llx is not marked poisoned in /proc/kpageflags",
		       (unsigned long long)*pfn);
		*pfn = 0;
	}
	return 0;
}

#define POISON(victim, pfnp) do {					\
	RAM_ONLY("with a backing file a poisoned page leaves the cache (conform_hwpoison)"); \
	int __e = poison(_metadata, &self->t, variant->name, (victim), (pfnp)); \
	ASSERT_NE(-1, __e) TH_LOG("page %d reads after the memory error", (victim)); \
	if (__e)							\
		SKIP(return, "poisoning page %d: %s (needs root and CONFIG_MEMORY_FAILURE)", \
		     (victim), strerror(__e));				\
} while (0)

/* read() of the first, a middle and the last byte of page @i: EIO. */
#define EXPECT_EIO_PAGE(i) do {						\
	size_t __o[3] = { 0, pagesz / 2 + 1, pagesz - 1 };		\
	uint8_t __c;							\
	int __k;							\
	for (__k = 0; __k < 3; __k++) {					\
		errno = 0;						\
		EXPECT_EQ(-1, pread(self->t.fd, &__c, 1, pages(i) + __o[__k])); \
		EXPECT_EQ(EIO, errno) TH_LOG("page %d + %zu", (i), __o[__k]); \
	}								\
} while (0)

/* Where physical address @phys is in /proc/kcore; -1 if nowhere. */
static off_t kcore_offset(int fd, uint64_t phys)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int i;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64)
		return -1;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph))
			return -1;
		if (ph.p_type == PT_LOAD && ph.p_paddr != (Elf64_Addr)-1 &&
		    phys >= ph.p_paddr && phys - ph.p_paddr < ph.p_memsz)
			return ph.p_offset + (phys - ph.p_paddr);
	}
	return -1;
}

/*
 * Unpoison frame @pfn, which must have left the cache, and read it at
 * once into @buf.  0, or -1 with @why set.
 */
static int peek_frame(uint64_t pfn, uint8_t *buf, char *why, size_t whylen)
{
	int kfd = -1, ufd = -1, modfd = -1, ret = -1, len;
	bool loaded = false;
	struct utsname u;
	char path[256], num[32];
	off_t off;

	if (!pfn) {
		snprintf(why, whylen, "the frame number is unknown");
		return -1;
	}
	if (access(UNPOISON, W_OK) && !uname(&u)) {
		snprintf(path, sizeof(path), "/lib/modules/%s/kernel/mm/hwpoison-inject.ko",
			 u.release);
		modfd = open(path, O_RDONLY | O_CLOEXEC);
		if (modfd >= 0 && !syscall(SYS_finit_module, modfd, "", 0))
			loaded = true;
		if (modfd >= 0)
			close(modfd);
	}
	ufd = open(UNPOISON, O_WRONLY | O_CLOEXEC);
	kfd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	if (ufd < 0 || kfd < 0) {
		snprintf(why, whylen, "%s: %s", ufd < 0 ? UNPOISON : "/proc/kcore",
			 strerror(errno));
		goto out;
	}
	off = kcore_offset(kfd, pfn * pagesz);
	if (off < 0) {
		snprintf(why, whylen, "frame %#llx is not in /proc/kcore",
			 (unsigned long long)pfn);
		goto out;
	}
	memset(buf, 0, pagesz);
	len = snprintf(num, sizeof(num), "%llu", (unsigned long long)pfn);
	if (write(ufd, num, len) != len) {
		snprintf(why, whylen, "unpoisoning frame %#llx: %s",
			 (unsigned long long)pfn, strerror(errno));
		goto out;
	}
	if (pread(kfd, buf, pagesz, off) != (ssize_t)pagesz) {
		snprintf(why, whylen, "reading /proc/kcore: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (ufd >= 0)
		close(ufd);
	if (kfd >= 0)
		close(kfd);
	if (loaded)
		syscall(SYS_delete_module, "hwpoison_inject", O_NONBLOCK);
	return ret;
}

/*
 * Look at the bytes of page @victim's old frame @pfn, whose part
 * [@from, @to) a range covered while it was poisoned; the page must have
 * left the cache.  On the device, fails the test if that part changed
 * and the rest did not; otherwise, or when it cannot tell, logs.
 */
static void expect_frame_kept(struct __test_metadata *_metadata,
			      const struct target *t, int victim, uint64_t pfn,
			      size_t from, size_t to)
{
	uint8_t *buf = malloc(pagesz);
	const char *what;
	char why[256];

	ASSERT_NE(NULL, buf);
	if (peek_frame(pfn, buf, why, sizeof(why))) {
		TH_LOG("the poisoned page's bytes cannot be seen: %s", why);
	} else if (pat_check(buf, from, pages(victim), 1) != PAT_OK ||
		   pat_check(buf + to, pagesz - to, pages(victim) + to, 1) != PAT_OK) {
		TH_LOG("frame %#llx was reused before it could be read: its bytes tell nothing",
		       (unsigned long long)pfn);
	} else {
		what = pat_check(buf + from, to - from, pages(victim) + from, 1) ==
		       PAT_OK ? "kept" : zero_check(buf + from, to - from) ==
		       PAT_OK ? "zeroed" : "changed";
		TH_LOG("%s: the covered part of the poisoned page was %s",
		       target_is_device(t) ? "device" : "tmpfs", what);
		if (target_is_device(t))
			EXPECT_STREQ("kept", what);
	}
	free(buf);
}

static void fill(struct __test_metadata *_metadata, struct target *t)
{
	ASSERT_EQ(0, target_set_size(t, pages(NPAGES)));
	ASSERT_EQ(0, pat_pwrite(t->fd, 0, pages(NPAGES), 1));
}

/* A new mapping: SIGBUS on page @bad, the byte at @off reads @val. */
static void expect_mapped(struct __test_metadata *_metadata,
			  struct target *t, int bad, size_t off, uint8_t val)
{
	uint8_t *m = map_target(t, pages(NPAGES), PROT_READ, MAP_SHARED, 0);
	uint8_t v = 0;

	ASSERT_MAPPED(m);
	EXPECT_EQ(SIGBUS, probe_read(m + pages(bad) + 7, &v));
	EXPECT_EQ(0, probe_read(m + off, &v));
	EXPECT_EQ(val, v);
	munmap(m, pages(NPAGES));
}

TEST_F(poison_edge, punch_starts_in_poisoned_page)
{
	size_t half = pagesz / 2;
	uint64_t pfn, size;

	fill(_metadata, &self->t);
	POISON(1, &pfn);
	ASSERT_EQ(0, target_punch(&self->t, pages(1) + half, pagesz));
	EXPECT_EIO_PAGE(1);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pagesz, 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(2), half));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2) + half,
				     pages(2) - half, 1));
	ASSERT_EQ(0, target_get_size(&self->t, &size));
	EXPECT_EQ(pages(NPAGES), size);
	expect_mapped(_metadata, &self->t, 1, pages(2) + half,
		      pat_byte(pages(2) + half, 1));

	/* Punched whole, it leaves the cache: a hole, zeroes. */
	ASSERT_EQ(0, target_punch(&self->t, pages(1), pagesz));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(1), pagesz));
	expect_frame_kept(_metadata, &self->t, 1, pfn, half, pagesz);
}

TEST_F(poison_edge, punch_ends_in_poisoned_page)
{
	size_t half = pagesz / 2;
	uint64_t pfn;

	fill(_metadata, &self->t);
	POISON(2, &pfn);
	ASSERT_EQ(0, target_punch(&self->t, pages(1) + half, pagesz));
	EXPECT_EIO_PAGE(2);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(1) + half, 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(1) + half, half));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(3), pagesz, 1));
	expect_mapped(_metadata, &self->t, 2, pages(1) + half, 0);

	ASSERT_EQ(0, target_punch(&self->t, pages(2), pagesz));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(2), pagesz));
	expect_frame_kept(_metadata, &self->t, 2, pfn, 0, half);
}

TEST_F(poison_edge, punch_inside_poisoned_page)
{
	size_t q = pagesz / 4;
	uint64_t pfn;

	fill(_metadata, &self->t);
	POISON(1, &pfn);
	ASSERT_EQ(0, target_punch(&self->t, pages(1) + q, 2 * q));
	EXPECT_EIO_PAGE(1);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pagesz, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(2), pages(2), 1));

	ASSERT_EQ(0, target_punch(&self->t, pages(1), pagesz));
	expect_frame_kept(_metadata, &self->t, 1, pfn, q, 3 * q);
}

TEST_F(poison_edge, shrink_into_poisoned_page)
{
	size_t half = pagesz / 2;
	uint64_t pfn, size;
	uint8_t c;

	fill(_metadata, &self->t);
	POISON(2, &pfn);
	ASSERT_EQ(0, target_set_size(&self->t, pages(2) + half));
	ASSERT_EQ(0, target_get_size(&self->t, &size));
	EXPECT_EQ(pages(2) + half, size);
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(2), 1));
	errno = 0;
	EXPECT_EQ(-1, pread(self->t.fd, &c, 1, pages(2)));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, pread(self->t.fd, &c, 1, pages(2) + half));

	/* Grown back: still poisoned; the page past it is new, zero. */
	ASSERT_EQ(0, target_set_size(&self->t, pages(NPAGES)));
	EXPECT_EIO_PAGE(2);
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(3), pagesz));
	expect_mapped(_metadata, &self->t, 2, pages(3) + 5, 0);

	ASSERT_EQ(0, target_set_size(&self->t, pages(2)));
	expect_frame_kept(_metadata, &self->t, 2, pfn, half, pagesz);
}

TEST_F(poison_edge, shrink_before_poisoned_page)
{
	size_t half = pagesz / 2;
	uint64_t pfn;

	fill(_metadata, &self->t);
	POISON(3, &pfn);
	ASSERT_EQ(0, target_set_size(&self->t, pages(2) + half));
	ASSERT_EQ(0, target_set_size(&self->t, pages(NPAGES)));
	/* The partial page as always; the poisoned one gone: zeroes. */
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(2) + half, 1));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(2) + half,
				      pages(2) - half));
}

CONFORM_MAIN()
