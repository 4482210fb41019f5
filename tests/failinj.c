// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures in the driver, injected with the kernel's fault
 * injection (Documentation/fault-injection/fault-injection.rst):
 *
 *  - fail_page_alloc / failslab with probability 100 and "times" N,
 *    restricted to this test's task (task-filter=Y and
 *    /proc/thread-self/make-it-fail=1): the next N page (or slab)
 *    allocations of this task fail, and nothing else's;
 *  - /proc/thread-self/fail-nth = k: the k-th allocation of the next
 *    system call fails (slab and order-0 pages alike), for k = 1, 2, ...
 *    until the call no longer makes k allocations.  Every allocation the
 *    call makes is failed once, one run each.
 *
 * Needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and
 * CONFIG_FAULT_INJECTION_DEBUG_FS (the debug kernel, scripts/debug-kernel);
 * every test skips, with the reason, on a kernel without them.  Device
 * only: there is nothing to compare with on tmpfs.
 *
 * What Linux 6.1 does with an allocation failure in the driver's paths
 * (found out by these tests):
 *  - a page fault from user mode: .fault returns VM_FAULT_OOM (counted
 *    in faults_oom); the x86 fault handler calls pagefault_out_of_memory(),
 *    which outside a memcg OOM only logs "Huh VM_FAULT_OOM leaked out to
 *    the #PF handler. Retrying PF" (rate-limited) and returns, so the
 *    access is retried until the allocation works: no signal, no SIGBUS,
 *    and one faults_oom per failed try;
 *  - a fault taken for GUP: MADV_POPULATE_READ/WRITE fail with ENOMEM,
 *    mlock() with EAGAIN (mlock's name for ENOMEM), process_vm_readv()
 *    with EFAULT; a fault in a kernel access to user memory (read() from
 *    another file into a hole of the mapping) makes that read() EFAULT;
 *  - write(): ENOMEM if no byte was written, else a short write ending
 *    at the page whose allocation failed;
 *  - an xarray node: filemap_add_folio() tries GFP_NOWAIT under the
 *    lock, then the mapping's gfp outside it; only when both fail does
 *    the insertion fail (ENOMEM), and the new page is freed again;
 *  - VMDEMO_IOC_SET_SIZE / PUNCH_HOLE allocate at most a TLB-gathering
 *    page, whose failure the kernel absorbs: they never fail;
 *  - loading the module: each slab allocation of vmdemo_init() (and of
 *    what follows it in finit_module()) failed once: the load fails with
 *    ENOMEM and leaves nothing behind, or the failure was absorbed
 *    (debugfs, sysfs extras, uevents...) and the module works.  The
 *    loader's own allocations before vmdemo_init() only with
 *    VMDEMO_TEST_FAILINJ_LOAD=all: 6.1 warns (WARN_ON_ONCE) in
 *    event_define_fields() when a trace event field cannot be allocated.
 *
 * The injection is armed only around the one access or call under test,
 * with every buffer, stack page and page table it needs touched before.
 * Diagnostics go to stderr; results are TAP (kselftest harness).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "counters.h"
#include "kselftest_harness.h"
#include "pattern.h"
#include "probe.h"
#include "target.h"

#define DEBUGFS		"/sys/kernel/debug"
#define KMEMLEAK	DEBUGFS "/kmemleak"

/* Device size in the fixture, and the part mapped (one page table). */
#define DEV_PAGES	1024
#define MAP_PAGES	512
#define PMD_SIZE_	(2UL << 20)

/* Pages the sweep tests work on. */
#define SWEEP_PAGES	64

/* No system call under test makes more allocations than this. */
#define SWEEP_MAX	400U

/* The two fault injection capabilities. */
enum inj { INJ_PAGE, INJ_SLAB, INJ_NR };

static const char *const inj_dir[INJ_NR] = {
	DEBUGFS "/fail_page_alloc", DEBUGFS "/failslab",
};

/*
 * Attributes set for the tests (and restored afterwards).  The defaults
 * ignore exactly the allocations the driver makes: ignore-gfp-wait=Y skips
 * every allocation that may sleep, ignore-gfp-highmem=Y every user page
 * (GFP_HIGHUSER_MOVABLE), min-order=1 every single page.  verbose=0: the
 * default (2) dumps a stack for each failure, which scripts/kernel-health
 * would take for a kernel problem.
 */
struct attr {
	enum inj inj;
	const char *name;
	const char *value;
};

static const struct attr attrs[] = {
	{ INJ_PAGE, "probability", "0" },
	{ INJ_PAGE, "interval", "1" },
	{ INJ_PAGE, "times", "1" },
	{ INJ_PAGE, "space", "0" },
	{ INJ_PAGE, "verbose", "0" },
	{ INJ_PAGE, "task-filter", "Y" },
	{ INJ_PAGE, "ignore-gfp-wait", "N" },
	{ INJ_PAGE, "ignore-gfp-highmem", "N" },
	{ INJ_PAGE, "min-order", "0" },
	{ INJ_SLAB, "probability", "0" },
	{ INJ_SLAB, "interval", "1" },
	{ INJ_SLAB, "times", "1" },
	{ INJ_SLAB, "space", "0" },
	{ INJ_SLAB, "verbose", "0" },
	{ INJ_SLAB, "task-filter", "Y" },
	{ INJ_SLAB, "ignore-gfp-wait", "N" },
	{ INJ_SLAB, "cache-filter", "N" },
};
#define NR_ATTRS	(sizeof(attrs) / sizeof(attrs[0]))

/* The injection state of one test process. */
struct injector {
	bool ready;
	char saved[NR_ATTRS][32];
	bool have_saved[NR_ATTRS];
	int mif_fd;		/* /proc/thread-self/make-it-fail */
	int nth_fd;		/* /proc/thread-self/fail-nth */
};

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static void attr_path(char *path, size_t len, enum inj inj, const char *name)
{
	snprintf(path, len, "%s/%s", inj_dir[inj], name);
}

static int attr_set(enum inj inj, const char *name, const char *value)
{
	char path[128];

	attr_path(path, sizeof(path), inj, name);
	return write_str(path, value);
}

static long attr_get(enum inj inj, const char *name)
{
	char path[128], buf[32];

	attr_path(path, sizeof(path), inj, name);
	if (read_str(path, buf, sizeof(buf)))
		return -2;
	return strtol(buf, NULL, 0);
}

/*
 * Save and set the attributes, open this thread's make-it-fail and
 * fail-nth.  Returns 0, or 1 with @why set when the kernel has no fault
 * injection (skip), or -1 with @why set.
 */
static int inj_setup(struct injector *in, char *why, size_t whylen)
{
	char path[128];
	size_t i;
	int k;

	memset(in, 0, sizeof(*in));
	in->mif_fd = in->nth_fd = -1;
	for (k = 0; k < INJ_NR; k++) {
		if (access(inj_dir[k], F_OK)) {
			snprintf(why, whylen,
				 "%s: %s (needs CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS: scripts/debug-kernel)",
				 inj_dir[k], strerror(errno));
			return 1;
		}
	}
	in->mif_fd = open("/proc/thread-self/make-it-fail", O_RDWR | O_CLOEXEC);
	in->nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (in->mif_fd < 0 || in->nth_fd < 0) {
		snprintf(why, whylen, "/proc/thread-self/{make-it-fail,fail-nth}: %s",
			 strerror(errno));
		return 1;
	}
	for (i = 0; i < NR_ATTRS; i++) {
		attr_path(path, sizeof(path), attrs[i].inj, attrs[i].name);
		if (read_str(path, in->saved[i], sizeof(in->saved[i]))) {
			snprintf(why, whylen, "reading %s: %s", path,
				 strerror(errno));
			return -1;
		}
		in->have_saved[i] = true;
	}
	/* Disarmed first, then the rest. */
	for (i = 0; i < NR_ATTRS; i++) {
		if (attr_set(attrs[i].inj, attrs[i].name, attrs[i].value)) {
			snprintf(why, whylen, "setting %s/%s to %s: %s",
				 inj_dir[attrs[i].inj], attrs[i].name,
				 attrs[i].value, strerror(errno));
			return -1;
		}
	}
	in->ready = true;
	return 0;
}

/*
 * Stop failing (make-it-fail first: a write to an open proc file
 * allocates nothing), then restore what inj_setup() changed.
 */
static void inj_disarm(struct injector *in)
{
	char zero[2] = "0";

	if (in->mif_fd >= 0)
		pwrite(in->mif_fd, zero, 1, 0);
	if (in->nth_fd >= 0)
		pwrite(in->nth_fd, zero, 1, 0);
	attr_set(INJ_PAGE, "probability", "0");
	attr_set(INJ_SLAB, "probability", "0");
}

static void inj_teardown(struct injector *in)
{
	size_t i;

	inj_disarm(in);
	/* probability first, so nothing fails while the rest changes */
	for (i = 0; i < NR_ATTRS; i++)
		if (in->have_saved[i] && !strcmp(attrs[i].name, "probability"))
			attr_set(attrs[i].inj, attrs[i].name, in->saved[i]);
	for (i = 0; i < NR_ATTRS; i++)
		if (in->have_saved[i] && strcmp(attrs[i].name, "probability"))
			attr_set(attrs[i].inj, attrs[i].name, in->saved[i]);
	if (in->mif_fd >= 0)
		close(in->mif_fd);
	if (in->nth_fd >= 0)
		close(in->nth_fd);
	in->mif_fd = in->nth_fd = -1;
	in->ready = false;
}

/*
 * Make the next @times allocations of kind @inj by this thread fail.
 * Everything the code under test touches must be resident already: from
 * here to inj_disarm() any allocation of ours fails, a stack page or a
 * stdio buffer included.
 */
static int inj_arm(struct injector *in, enum inj inj, int times)
{
	char buf[16], one[2] = "1";

	snprintf(buf, sizeof(buf), "%d", times);
	if (attr_set(inj, "times", buf) || attr_set(inj, "probability", "100"))
		return -1;
	return pwrite(in->mif_fd, one, 1, 0) == 1 ? 0 : -1;
}

/* Fail the @nth allocation (slab or page) of this thread from now on. */
static int nth_arm(struct injector *in, unsigned int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", nth);

	return pwrite(in->nth_fd, buf, len, 0) == len ? 0 : -1;
}

/*
 * Read and clear fail-nth: 0 if the failure was injected, else how many
 * allocations short the call fell.
 */
static long nth_disarm(struct injector *in)
{
	char buf[16] = "", zero[2] = "0";
	ssize_t n = pread(in->nth_fd, buf, sizeof(buf) - 1, 0);

	pwrite(in->nth_fd, zero, 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/* Touch @bytes of stack below this frame, so that no later call faults. */
static void __attribute__((noinline)) prefault_stack(size_t bytes)
{
	volatile char *p = alloca(bytes);
	size_t i;

	for (i = 0; i < bytes; i += 512)
		p[i] = 0;
}

/* Whether this process maps @addr (pagemap's present bit). */
static int pte_present(const void *addr)
{
	uint64_t e;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &e, sizeof(e),
		  (off_t)((uintptr_t)addr / pagesz) * (off_t)sizeof(e));
	close(fd);
	if (n != sizeof(e))
		return -1;
	return !!(e & (1ULL << 63));
}

/* Counter deltas. */
static void counters_delta(struct counters *d, const struct counters *before)
{
	struct counters now;
	int i;

	memset(d, 0xff, sizeof(*d));
	if (counters_read(&now))
		return;
	for (i = 0; i < C_NR; i++)
		d->v[i] = now.v[i] - before->v[i];
}

/* ------------------------------------------------------------------ */
/* Faults, write(), SET_SIZE, PUNCH_HOLE                               */
/* ------------------------------------------------------------------ */

FIXTURE(fi) {
	bool skip;
	struct injector in;
	struct target t;
	long fault_around;
	void *reserve;		/* PROT_NONE reservation the mapping sits in */
	size_t reserve_len;
	uint8_t *map;		/* MAP_SHARED, MAP_PAGES, one page table */
	uint8_t *buf;		/* touched I/O buffer, SWEEP_PAGES + 1 pages */
	uint8_t *model;		/* what the device should hold (sweeps) */
	struct counters before;
};

FIXTURE_SETUP(fi)
{
	char why[512] = "";
	uintptr_t aligned;
	int ret;

	self->fault_around = -1;
	self->t.fd = -1;
	ret = inj_setup(&self->in, why, sizeof(why));
	if (ret == 1) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", why);

	ret = target_setup(&self->t, TARGET_DEVICE, pages(DEV_PAGES), why,
			   sizeof(why));
	if (ret == TARGET_SKIP) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	ASSERT_EQ(TARGET_READY, ret) TH_LOG("%s", why);
	ASSERT_EQ(0, counters_read(&self->before))
		TH_LOG("no vmdemo counters in debugfs");

	/* One page per fault: fault-around would map several per call. */
	self->fault_around = fault_around_get();
	ASSERT_LT(0, self->fault_around);
	ASSERT_EQ(0, fault_around_set(4096));

	/*
	 * The mapping sits in one 2 MiB-aligned page table's range, which
	 * page 0 being mapped creates: no fault below has to allocate a
	 * page table.
	 */
	self->reserve_len = 2 * PMD_SIZE_;
	self->reserve = mmap(NULL, self->reserve_len, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->reserve);
	aligned = ((uintptr_t)self->reserve + PMD_SIZE_ - 1) & ~(PMD_SIZE_ - 1);
	self->map = mmap((void *)aligned, pages(MAP_PAGES),
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 self->t.fd, 0);
	ASSERT_EQ((void *)aligned, self->map);
	ASSERT_EQ(0, pat_pwrite(self->t.fd, 0, pagesz, 1));
	ASSERT_EQ(pat_byte(0, 1), self->map[0]);

	self->buf = malloc(pages(SWEEP_PAGES + 1));
	self->model = malloc(pages(SWEEP_PAGES));
	ASSERT_NE(NULL, self->buf);
	ASSERT_NE(NULL, self->model);
	memset(self->buf, 0, pages(SWEEP_PAGES + 1));
	memset(self->model, 0, pages(SWEEP_PAGES));
	prefault_stack(64 << 10);
}

FIXTURE_TEARDOWN(fi)
{
	if (self->in.ready || self->in.mif_fd >= 0)
		inj_teardown(&self->in);
	if (self->fault_around > 0)
		fault_around_set(self->fault_around);
	if (self->reserve && self->reserve != MAP_FAILED)
		munmap(self->reserve, self->reserve_len);
	free(self->buf);
	free(self->model);
	target_teardown(&self->t);
}

#define SKIP_IF_NEEDED() do { if (self->skip) return; } while (0)

static long resident(struct __test_metadata *_metadata, struct target *t)
{
	long r = target_resident(t);

	EXPECT_LE(0, r);
	return r;
}

/*
 * A read fault on a hole whose page allocation fails three times: the
 * access is retried until it works (no signal), and faults_oom counts
 * exactly the three failed tries.
 */
TEST_F_TIMEOUT(fi, fault_read_hole_retried_until_it_works, 120)
{
	struct counters d;
	uint8_t v = 0xee;
	int sig;

	SKIP_IF_NEEDED();
	ASSERT_EQ(1, resident(_metadata, &self->t));
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_PAGE, 3));
	sig = probe_read(self->map + pages(5), &v);
	inj_disarm(&self->in);

	ASSERT_EQ(0, sig) TH_LOG("the read raised signal %d", sig);
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"))
		TH_LOG("not all three injected failures happened");
	counters_delta(&d, &self->before);
	EXPECT_EQ(3U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(4U, d.v[C_FAULTS]);
	EXPECT_EQ(4U, d.v[C_FAULTS_READ]);
	EXPECT_EQ(0U, d.v[C_FAULTS_SIGBUS]);
	EXPECT_EQ(1U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(2, resident(_metadata, &self->t));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(5), pagesz));
}

/*
 * The same for a write fault in the shared mapping: two failed tries,
 * then the page is there with the byte written, and .page_mkwrite ran
 * once.
 */
TEST_F_TIMEOUT(fi, fault_write_hole_retried_until_it_works, 120)
{
	struct counters d;
	uint8_t v = 0;
	int sig;

	SKIP_IF_NEEDED();
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_PAGE, 2));
	sig = probe_write(self->map + pages(6) + 17, 0x5a);
	inj_disarm(&self->in);

	ASSERT_EQ(0, sig) TH_LOG("the write raised signal %d", sig);
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
	counters_delta(&d, &self->before);
	EXPECT_EQ(2U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(3U, d.v[C_FAULTS]);
	EXPECT_EQ(3U, d.v[C_FAULTS_WRITE_SHARED]);
	EXPECT_EQ(1U, d.v[C_PAGE_MKWRITE]);
	EXPECT_EQ(0U, d.v[C_FAULTS_SIGBUS]);
	EXPECT_EQ(1U, d.v[C_PAGES_ALLOCATED]);
	ASSERT_EQ(1, pread(self->t.fd, &v, 1, pages(6) + 17));
	EXPECT_EQ(0x5a, v);
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(6), 17));
}

/*
 * A resident page needs no allocation to be mapped: with a failure armed
 * the fault works at once, and the failure is still pending afterwards.
 * (The control for the two tests above.)
 */
TEST_F_TIMEOUT(fi, fault_on_resident_page_allocates_nothing, 120)
{
	struct counters d;
	uint8_t v = 0;
	int sig;

	SKIP_IF_NEEDED();
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(7), pagesz, 3));
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_PAGE, 1));
	sig = probe_read(self->map + pages(7) + 9, &v);
	inj_disarm(&self->in);

	ASSERT_EQ(0, sig);
	EXPECT_EQ(pat_byte(pages(7) + 9, 3), v);
	EXPECT_EQ(1, attr_get(INJ_PAGE, "times"))
		TH_LOG("something allocated a page while mapping a resident one");
	counters_delta(&d, &self->before);
	EXPECT_EQ(0U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(1U, d.v[C_FAULTS]);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
}

/*
 * A hole far from the resident page needs new xarray nodes.  Failing
 * both node allocations of the first try (GFP_NOWAIT under the lock, then
 * the mapping's gfp) fails the insertion: one VM_FAULT_OOM, the page that
 * was allocated for it freed unseen, and the retry works.
 */
TEST_F_TIMEOUT(fi, fault_xarray_node_failure_retried, 120)
{
	struct counters d;
	uint8_t v = 0xee;
	int sig;

	SKIP_IF_NEEDED();
	ASSERT_EQ(1, resident(_metadata, &self->t));
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_SLAB, 2));
	sig = probe_read(self->map + pages(300), &v);
	inj_disarm(&self->in);

	ASSERT_EQ(0, sig) TH_LOG("the read raised signal %d", sig);
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, attr_get(INJ_SLAB, "times"))
		TH_LOG("the insertion did not make two slab allocations");
	counters_delta(&d, &self->before);
	EXPECT_EQ(1U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(2U, d.v[C_FAULTS]);
	EXPECT_EQ(1U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(0U, d.v[C_PAGES_FREED]);
	EXPECT_EQ(2, resident(_metadata, &self->t));
}

/* MADV_POPULATE_READ and _WRITE fault through GUP: ENOMEM, cleanly. */
TEST_F_TIMEOUT(fi, populate_fails_with_enomem, 120)
{
	static const int advice[] = { MADV_POPULATE_READ, MADV_POPULATE_WRITE };
	struct counters d;
	unsigned int i;
	int ret, err;

	SKIP_IF_NEEDED();
	for (i = 0; i < 2; i++) {
		uint8_t *p = self->map + pages(10 + i);

		ASSERT_EQ(0, counters_read(&self->before));
		ASSERT_EQ(0, inj_arm(&self->in, INJ_PAGE, 1));
		ret = madvise(p, pagesz, advice[i]);
		err = errno;
		inj_disarm(&self->in);

		if (ret && err == EINVAL)
			SKIP(return, "no MADV_POPULATE_READ/WRITE (Linux < 5.14)");
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(ENOMEM, err) TH_LOG("advice %d: %s", advice[i],
					      strerror(err));
		EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
		counters_delta(&d, &self->before);
		EXPECT_EQ(1U, d.v[C_FAULTS_OOM]);
		EXPECT_EQ(1U, d.v[C_FAULTS]);
		EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
		EXPECT_EQ(0, pte_present(p));
		/* and without the failure it works */
		EXPECT_EQ(0, madvise(p, pagesz, advice[i]));
		EXPECT_EQ(1, pte_present(p));
	}
	EXPECT_EQ(3, resident(_metadata, &self->t));
}

/*
 * The other ways into the fault path: mlock's populate, another process'
 * GUP (process_vm_readv on ourselves), and a kernel copy to user memory
 * (read() from /dev/zero into a hole of the mapping).  Each gets one
 * failed allocation, reports an error and leaves no page behind.
 */
TEST_F_TIMEOUT(fi, gup_and_uaccess_faults_fail_cleanly, 120)
{
	struct iovec local, remote;
	struct counters d;
	uint8_t *p;
	ssize_t n;
	int ret, err, zfd;

	SKIP_IF_NEEDED();
	zfd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, zfd);

	/*
	 * mlock(): populating the locked range fails at its first page;
	 * mlock says EAGAIN.  The range is a VMA of its own (device pages
	 * 600.. at map + 256 pages, in the same page table), so that
	 * mlock splits nothing (a split allocates and could take the
	 * failure), and starts with the hole (populate retries from the
	 * failed page once it got one page in).
	 */
	p = mmap(self->map + pages(256), pages(4), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, self->t.fd, pages(600));
	ASSERT_EQ(self->map + pages(256), p);
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_PAGE, 1));
	ret = mlock(p, pages(4));
	err = errno;
	inj_disarm(&self->in);
	EXPECT_EQ(-1, ret);
	EXPECT_TRUE(err == EAGAIN || err == ENOMEM) TH_LOG("mlock: %s", strerror(err));
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
	counters_delta(&d, &self->before);
	EXPECT_EQ(1U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(0, pte_present(p));
	munlock(p, pages(4));

	/* process_vm_readv(): GUP of the remote range fails. */
	p = self->map + pages(21);
	local.iov_base = self->buf;
	local.iov_len = pagesz;
	remote.iov_base = p;
	remote.iov_len = pagesz;
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_PAGE, 1));
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	err = errno;
	inj_disarm(&self->in);
	EXPECT_EQ(-1, n);
	EXPECT_TRUE(err == EFAULT || err == ENOMEM)
		TH_LOG("process_vm_readv: %s", strerror(err));
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
	counters_delta(&d, &self->before);
	EXPECT_EQ(1U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ((ssize_t)pagesz,
		  process_vm_readv(getpid(), &local, 1, &remote, 1, 0));

	/* read() into the mapping: the kernel's copy faults and fails. */
	p = self->map + pages(22);
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_PAGE, 1));
	n = read(zfd, p, pagesz);
	err = errno;
	inj_disarm(&self->in);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EFAULT, err) TH_LOG("read: %s", strerror(err));
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
	counters_delta(&d, &self->before);
	EXPECT_EQ(1U, d.v[C_FAULTS_OOM]);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ((ssize_t)pagesz, read(zfd, p, pagesz));

	/* page 0 and the two pages that finally worked */
	EXPECT_EQ(3, resident(_metadata, &self->t));
	close(zfd);
}

/*
 * write() into holes: the first page's allocation failing fails the whole
 * write (ENOMEM, not a byte written, not even to a resident page after
 * it); a later page's failing makes it short, ending where that page
 * starts.
 */
TEST_F_TIMEOUT(fi, write_into_holes_enomem_or_short, 120)
{
	struct counters d;
	ssize_t n;
	int err;

	SKIP_IF_NEEDED();
	/* page 31 resident (gen 1), 30 and 32.. holes */
	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(31), pagesz, 1));
	pat_fill(self->buf, pages(3), pages(30) + 100, 2);

	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_PAGE, 1));
	n = pwrite(self->t.fd, self->buf, pages(2), pages(30) + 100);
	err = errno;
	inj_disarm(&self->in);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ENOMEM, err) TH_LOG("write: %s", strerror(err));
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(30), pagesz));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(31), pagesz, 1));
	counters_delta(&d, &self->before);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(2, resident(_metadata, &self->t));

	/* resident page 31 first, then holes 32, 33: short after 31 */
	pat_fill(self->buf, pages(3), pages(31) + 100, 2);
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_PAGE, 1));
	n = pwrite(self->t.fd, self->buf, pages(2), pages(31) + 100);
	inj_disarm(&self->in);
	EXPECT_EQ((ssize_t)pagesz - 100, n);
	EXPECT_EQ(0, attr_get(INJ_PAGE, "times"));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(31), 100, 1));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(31) + 100, pagesz - 100, 2));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(32), pages(2)));
	counters_delta(&d, &self->before);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(2, resident(_metadata, &self->t));

	/* and the same write without a failure goes through */
	EXPECT_EQ((ssize_t)pages(2),
		  pwrite(self->t.fd, self->buf, pages(2), pages(31) + 100));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(31) + 100, pages(2), 2));
	EXPECT_EQ(4, resident(_metadata, &self->t));
}

/*
 * write() where the xarray insertion fails (both node allocations): ENOMEM,
 * and the page allocated for it is gone again (not counted, not resident,
 * the allocator's accounting unchanged).
 */
TEST_F_TIMEOUT(fi, write_xarray_node_failure_enomem, 120)
{
	struct counters d;
	ssize_t n;
	int err;

	SKIP_IF_NEEDED();
	pat_fill(self->buf, pagesz, pages(700), 4);
	ASSERT_EQ(0, counters_read(&self->before));
	ASSERT_EQ(0, inj_arm(&self->in, INJ_SLAB, 2));
	n = pwrite(self->t.fd, self->buf, pagesz, pages(700));
	err = errno;
	inj_disarm(&self->in);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ENOMEM, err) TH_LOG("write: %s", strerror(err));
	EXPECT_EQ(0, attr_get(INJ_SLAB, "times"));
	counters_delta(&d, &self->before);
	EXPECT_EQ(0U, d.v[C_PAGES_ALLOCATED]);
	EXPECT_EQ(0U, d.v[C_PAGES_FREED]);
	EXPECT_EQ(1, resident(_metadata, &self->t));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, pages(700), pagesz));

	EXPECT_EQ((ssize_t)pagesz, pwrite(self->t.fd, self->buf, pagesz, pages(700)));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, pages(700), pagesz, 4));
	EXPECT_EQ(2, resident(_metadata, &self->t));
}

/* ---- sweeps with fail-nth ---- */

/*
 * Sweep state: the device holds SWEEP_PAGES pages; self->model is what it
 * should read as, resident[] which pages it should hold.
 */
struct sweep {
	bool resident[SWEEP_PAGES];
	uint64_t size;
	struct counters start;
};

/* Device: size SWEEP_PAGES pages, pages [0, @nres) written with gen 1. */
static int sweep_reset(FIXTURE_DATA(fi) *self, struct sweep *s, int nres,
		       bool map_them)
{
	volatile uint8_t sink;
	int i;

	if (target_set_size(&self->t, 0) ||
	    target_set_size(&self->t, pages(SWEEP_PAGES)))
		return -1;
	memset(self->model, 0, pages(SWEEP_PAGES));
	memset(s->resident, 0, sizeof(s->resident));
	s->size = pages(SWEEP_PAGES);
	if (nres) {
		pat_fill(self->model, pages(nres), 0, 1);
		if (pwrite(self->t.fd, self->model, pages(nres), 0) !=
		    (ssize_t)pages(nres))
			return -1;
	}
	for (i = 0; i < nres; i++) {
		s->resident[i] = true;
		if (map_them)
			sink = self->map[pages(i)];
	}
	(void)sink;
	return counters_read(&s->start);
}

/*
 * The device agrees with the model: size, every byte below it (pread),
 * the resident pages (GET_INFO) and the page accounting (pages_allocated
 * - pages_freed moved as pages_resident did); no page past the size or
 * punched out is still mapped.
 */
static void sweep_check(struct __test_metadata *_metadata,
			FIXTURE_DATA(fi) *self, struct sweep *s, long nres0,
			const char *what, unsigned int k)
{
	struct counters d;
	uint8_t *got = self->buf;
	uint64_t size = 0;
	long nres = 0;
	ssize_t n;
	int i;

	for (i = 0; i < SWEEP_PAGES; i++)
		nres += s->resident[i];
	EXPECT_EQ(0, target_get_size(&self->t, &size));
	EXPECT_EQ(s->size, size) TH_LOG("%s, allocation %u failed: size", what, k);
	n = pread(self->t.fd, got, s->size, 0);
	EXPECT_EQ((ssize_t)s->size, n);
	if (n == (ssize_t)s->size)
		EXPECT_EQ(0, memcmp(got, self->model, s->size))
			TH_LOG("%s, allocation %u failed: contents differ", what, k);
	EXPECT_EQ(nres, resident(_metadata, &self->t))
		TH_LOG("%s, allocation %u failed: resident pages", what, k);
	counters_delta(&d, &s->start);
	EXPECT_EQ(nres - nres0,
		  (long)(d.v[C_PAGES_ALLOCATED] - d.v[C_PAGES_FREED]))
		TH_LOG("%s, allocation %u failed: allocated %" PRIu64 " freed %" PRIu64,
		       what, k, d.v[C_PAGES_ALLOCATED], d.v[C_PAGES_FREED]);
	for (i = 0; i < SWEEP_PAGES; i++) {
		if (!s->resident[i])
			EXPECT_EQ(0, pte_present(self->map + pages(i)))
				TH_LOG("%s, allocation %u failed: page %d still mapped", what, k, i);
	}
}

/*
 * write() with each of its allocations failed in turn: the result is
 * ENOMEM or a write that stops at a page boundary, and exactly the bytes
 * it reports are written.  Two writes: one into holes next to resident
 * pages (page allocations), one far away (xarray nodes too).
 */
TEST_F_TIMEOUT(fi, write_each_allocation_failed, 200)
{
	static const struct { uint64_t off; size_t len; } w[] = {
		{ 2 * 4096 + 1000, 6 * 4096 },	/* pages 2..8: 2, 3 resident */
		{ 40 * 4096, 3 * 4096 + 10 },	/* pages 40..43, all holes */
	};
	unsigned int k, i, injected;
	struct sweep s;
	long left;
	ssize_t n;
	int err;

	SKIP_IF_NEEDED();
	for (i = 0; i < 2; i++) {
		unsigned int enomem = 0, shorts = 0, absorbed = 0;

		injected = 0;
		for (k = 1; k <= SWEEP_MAX; k++) {
			uint64_t end, p;

			/* pages 0..3 resident; page 40.. far from the rest */
			ASSERT_EQ(0, sweep_reset(self, &s, i ? 1 : 4, false));
			pat_fill(self->buf, w[i].len, w[i].off, 2);
			ASSERT_EQ(0, nth_arm(&self->in, k));
			n = pwrite(self->t.fd, self->buf, w[i].len, w[i].off);
			err = errno;
			left = nth_disarm(&self->in);
			ASSERT_LE(0, left);

			if (n < 0) {
				ASSERT_EQ(ENOMEM, err)
					TH_LOG("write %u, allocation %u failed: %s", i, k, strerror(err));
				n = 0;
			}
			ASSERT_GE((ssize_t)w[i].len, n);
			end = w[i].off + n;
			if ((size_t)n < w[i].len)
				EXPECT_EQ(0U, end % pagesz)
					TH_LOG("write %u, allocation %u failed: short write of %zd ends inside a page",
					       i, k, n);
			if (n)
				pat_fill(self->model + w[i].off, n, w[i].off, 2);
			for (p = w[i].off / pagesz; n && p < (end + pagesz - 1) / pagesz; p++)
				s.resident[p] = true;
			sweep_check(_metadata, self, &s, i ? 1 : 4, "write", k);
			if (left)
				break;		/* the write made fewer than k */
			injected++;
			if ((size_t)n == w[i].len)
				absorbed++;
			else if (n)
				shorts++;
			else
				enomem++;
		}
		EXPECT_LT(0U, injected) TH_LOG("write %u allocated nothing?", i);
		ASSERT_GE(SWEEP_MAX, k) TH_LOG("write %u never stopped allocating", i);
		TH_LOG("write %u: %u allocations, each failed once: %u ENOMEM, %u short, %u complete",
		       i, injected, enomem, shorts, absorbed);
	}
}

/*
 * SET_SIZE (shrink into a page, grow) and PUNCH_HOLE on mapped pages,
 * each of their allocations failed in turn: they succeed or fail with
 * ENOMEM, and the device is what the call's result says.
 */
TEST_F_TIMEOUT(fi, resize_and_punch_each_allocation_failed, 200)
{
	enum { SHRINK, GROW, PUNCH, NR_OPS };
	static const char *const names[NR_OPS] = { "shrink", "grow", "punch" };
	const uint64_t shrink_to = pages(10) + 100;
	const uint64_t punch_off = pages(3) + 500, punch_len = pages(37) - 493;
	unsigned int op, k, injected;
	struct vmdemo_range range;
	struct sweep s;
	uint64_t size;
	long left;
	int ret, err, i;

	SKIP_IF_NEEDED();
	for (op = 0; op < NR_OPS; op++) {
		injected = 0;
		for (k = 1; k <= SWEEP_MAX; k++) {
			ASSERT_EQ(0, sweep_reset(self, &s, SWEEP_PAGES, true));
			if (op == GROW)
				ASSERT_EQ(0, target_set_size(&self->t, shrink_to));
			ASSERT_EQ(0, counters_read(&s.start));

			ASSERT_EQ(0, nth_arm(&self->in, k));
			switch (op) {
			case SHRINK:
				size = shrink_to;
				ret = ioctl(self->t.fd, VMDEMO_IOC_SET_SIZE, &size);
				break;
			case GROW:
				size = pages(SWEEP_PAGES);
				ret = ioctl(self->t.fd, VMDEMO_IOC_SET_SIZE, &size);
				break;
			default:
				range = (struct vmdemo_range){
					.offset = punch_off,
					.length = punch_len,
				};
				ret = ioctl(self->t.fd, VMDEMO_IOC_PUNCH_HOLE, &range);
				break;
			}
			err = errno;
			left = nth_disarm(&self->in);
			ASSERT_LE(0, left);

			if (ret) {
				EXPECT_EQ(ENOMEM, err)
					TH_LOG("%s, allocation %u failed: %s", names[op], k, strerror(err));
				TH_LOG("%s: allocation %u failed, the call failed (%s)",
				       names[op], k, strerror(err));
			}
			/* the model after the call */
			if (op == SHRINK || op == GROW) {
				/* grow: the shrink before it is the state */
				if (op == GROW || !ret) {
					memset(self->model + shrink_to, 0,
					       pages(SWEEP_PAGES) - shrink_to);
					for (i = 11; i < SWEEP_PAGES; i++)
						s.resident[i] = false;
				}
				s.size = (op == SHRINK && !ret) || (op == GROW && ret) ?
					 shrink_to : pages(SWEEP_PAGES);
			} else if (!ret) {
				memset(self->model + punch_off, 0, punch_len);
				for (i = 4; i < 40; i++)
					s.resident[i] = false;
			}
			sweep_check(_metadata, self, &s,
				    op == GROW ? 11 : SWEEP_PAGES, names[op], k);
			if (left)
				break;
			injected++;
		}
		ASSERT_GE(SWEEP_MAX, k);
		TH_LOG("%s: %u allocations, each failed once", names[op], injected);
	}
}

/* ------------------------------------------------------------------ */
/* Loading the module                                                  */
/* ------------------------------------------------------------------ */

/* What a failed load must not leave behind. */
static const char *const leftovers[] = {
	"/sys/module/vmdemo",
	"/sys/class/misc/vmdemo",
	"/dev/vmdemo",
	DEBUGFS "/vmdemo",
	"/sys/kernel/tracing/events/vmdemo",
};

static bool module_loaded(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "vmdemo ", 7);
	fclose(f);
	return found;
}

static const char *leftover(void)
{
	size_t i;

	for (i = 0; i < sizeof(leftovers) / sizeof(leftovers[0]); i++)
		if (!access(leftovers[i], F_OK))
			return leftovers[i];
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * kmemleak's suspects (the "unreferenced object 0x..." header lines), after
 * two scans.  Returns the count, or -1 if kmemleak is not there.
 */
static int kmemleak_suspects(char ***list)
{
	char line[512];
	char **v = NULL;
	int n = 0;
	FILE *f;

	*list = NULL;
	if (access(KMEMLEAK, W_OK))
		return -1;
	if (write_str(KMEMLEAK, "scan"))
		return -1;
	sleep(1);
	if (write_str(KMEMLEAK, "scan"))
		return -1;
	f = fopen(KMEMLEAK, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "unreferenced object", 19))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v)
			break;
		v[n++] = strdup(line);
	}
	fclose(f);
	*list = v;
	return n;
}

static void kmemleak_print_new(struct __test_metadata *_metadata,
			       char **before, int nb, char **after, int na,
			       int *nnew)
{
	int i, j;

	*nnew = 0;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (!strcmp(after[i], before[j]))
				break;
		if (j == nb) {
			(*nnew)++;
			TH_LOG("kmemleak: %s", after[i]);
		}
	}
	if (*nnew) {
		FILE *f = fopen(KMEMLEAK, "r");
		char line[512];

		while (f && fgets(line, sizeof(line), f))
			fprintf(stderr, "# kmemleak: %s", line);
		if (f)
			fclose(f);
	}
}

/*
 * Whether vmdemo_init() ran since the last call: the initcall_finish trace
 * event, enabled for the sweep, fires for every module init function that
 * returns (only vmdemo is loaded meanwhile; its name is not in the event,
 * since the init code is freed before the trace is read).  Clears the
 * trace buffer.  -1 if it cannot tell.
 */
#define TRACEFS		"/sys/kernel/tracing"
#define INITCALL_EVENT	TRACEFS "/events/initcall/initcall_finish/enable"

static int trace_clear(void)
{
	int fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int init_ran(void)
{
	char line[512];
	int ran = 0;
	FILE *f = fopen(TRACEFS "/trace", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "initcall_finish: func="))
			ran = 1;
	fclose(f);
	return trace_clear() ? -1 : ran;
}

FIXTURE(load) {
	bool skip;
	struct injector in;
	int kofd;
	const char *params;
	char saved_event[8], saved_on[8];
	bool tracing;
};

FIXTURE_SETUP(load)
{
	const char *ko = getenv("VMDEMO_KO");
	char why[512] = "";
	int ret;

	self->kofd = -1;
	ret = inj_setup(&self->in, why, sizeof(why));
	if (ret == 1) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	/* slab allocations only: no page allocation counts for fail-nth */
	ASSERT_EQ(0, attr_set(INJ_PAGE, "min-order", "100"));

	if (!ko || !*ko)
		ko = "/lib/modules/vmdemo.ko";
	self->kofd = open(ko, O_RDONLY | O_CLOEXEC);
	if (self->kofd < 0) {
		self->skip = true;
		SKIP(return, "%s: %s (set VMDEMO_KO)", ko, strerror(errno));
	}
	self->params = getenv("VMDEMO_MODPARAMS");
	if (!self->params)
		self->params = "";

	/* The initcall_finish event tells whether vmdemo_init() ran. */
	if (!read_str(INITCALL_EVENT, self->saved_event, sizeof(self->saved_event)) &&
	    !read_str(TRACEFS "/tracing_on", self->saved_on, sizeof(self->saved_on))) {
		ASSERT_EQ(0, write_str(INITCALL_EVENT, "1"));
		ASSERT_EQ(0, write_str(TRACEFS "/tracing_on", "1"));
		ASSERT_EQ(0, trace_clear());
		self->tracing = true;
	}
}

FIXTURE_TEARDOWN(load)
{
	if (self->in.ready || self->in.mif_fd >= 0)
		inj_teardown(&self->in);
	if (self->tracing) {
		write_str(INITCALL_EVENT, self->saved_event);
		write_str(TRACEFS "/tracing_on", self->saved_on);
		trace_clear();
	}
	/* Leave the module loaded, as the suite expects. */
	if (self->kofd >= 0 && !module_loaded())
		syscall(SYS_finit_module, self->kofd, self->params, 0);
	if (self->kofd >= 0)
		close(self->kofd);
}

/*
 * finit_module() with each slab allocation of vmdemo_init() (and of what
 * follows it) failed in turn, from the last allocation of the load
 * backwards, until a failure makes the load fail before vmdemo_init() ran
 * (initcall_finish did not fire): from there on it is the kernel's module
 * loader that fails, not the driver.  (VMDEMO_TEST_FAILINJ_LOAD=all goes on
 * through the loader too, as far as SWEEP_BUDGET allows, every allocation
 * of the last SWEEP_TAIL and a stride through the rest.  Linux 6.1 then
 * hits WARN_ON_ONCE(ret) in event_define_fields() (kernel/trace/
 * trace_events.c) when a trace event field of the module cannot be
 * allocated: a kernel warning, not a driver bug, but scripts/kernel-health
 * fails the run on it.)
 *
 * Every failed load must fail with ENOMEM and leave no trace (module,
 * misc device, /dev/vmdemo, debugfs or trace events directory); a load
 * that absorbed the failure must work and unload; the next normal load
 * works; and no memory is leaked (kmemleak, when the kernel has it).
 */
#define SWEEP_TAIL	250
#define SWEEP_BUDGET	100.0	/* seconds, VMDEMO_TEST_FAILINJ_LOAD=all */

TEST_F_TIMEOUT(load, each_allocation_of_init_failed, 280)
{
	unsigned int k, total, step = 1, tail_start, runs = 0, failed = 0;
	unsigned int absorbed = 0, nodev = 0, other_err = 0, in_init = 0;
	const char *mode = getenv("VMDEMO_TEST_FAILINJ_LOAD");
	char **leaks_before = NULL, **leaks_after = NULL;
	int nb, na, nnew, ret, err, devfd, ran;
	bool all = mode && !strcmp(mode, "all");
	const char *left_path;
	uint64_t size = 0;
	double t0, per_load;
	long left;

	if (self->skip)
		return;
	if (!self->tracing && !all)
		SKIP(return, "no initcall trace events (%s): cannot tell the driver's allocations from the loader's",
		     INITCALL_EVENT);
	nb = kmemleak_suspects(&leaks_before);

	if (module_loaded())
		ASSERT_EQ(0, syscall(SYS_delete_module, "vmdemo", O_NONBLOCK))
			TH_LOG("rmmod vmdemo: %s (is the device in use?)", strerror(errno));
	ASSERT_FALSE(module_loaded());

	/* How many slab allocations does a load make? */
	t0 = now_s();
	ASSERT_EQ(0, nth_arm(&self->in, 1000000));
	ret = syscall(SYS_finit_module, self->kofd, self->params, 0);
	err = errno;
	left = nth_disarm(&self->in);
	ASSERT_EQ(0, ret) TH_LOG("loading vmdemo: %s", strerror(err));
	ASSERT_LT(0, left);
	total = 1000000 - left;
	ASSERT_EQ(0, syscall(SYS_delete_module, "vmdemo", O_NONBLOCK));
	per_load = now_s() - t0;
	ASSERT_LT(0U, total);
	if (self->tracing)
		ASSERT_EQ(1, init_ran()) TH_LOG("no initcall_finish event for vmdemo_init");

	tail_start = total > SWEEP_TAIL ? total - SWEEP_TAIL : 0;
	if (all && total > SWEEP_TAIL) {
		double affordable = SWEEP_BUDGET / (per_load > 0.01 ? per_load : 0.01);

		affordable -= SWEEP_TAIL;
		if (affordable < 10)
			affordable = 10;
		step = (total - SWEEP_TAIL) / affordable + 1;
	}
	TH_LOG("a load makes %u slab allocations (%.0f ms per load)%s", total,
	       per_load * 1000, all ? "; failing all of them (VMDEMO_TEST_FAILINJ_LOAD=all)" : "");

	t0 = now_s();
	for (k = total; k >= 1; k = k > tail_start + 1 ? k - 1 : (k > step ? k - step : 0)) {
		if (all && now_s() - t0 > SWEEP_BUDGET) {
			TH_LOG("time is up after %u loads (down to allocation %u)", runs, k);
			break;
		}
		ASSERT_EQ(0, nth_arm(&self->in, k));
		ret = syscall(SYS_finit_module, self->kofd, self->params, 0);
		err = errno;
		left = nth_disarm(&self->in);
		ASSERT_LE(0, left);
		ran = self->tracing ? init_ran() : 1;
		ASSERT_LE(0, ran);
		runs++;
		if (!ret) {
			/* worked: the failure was absorbed, or never came */
			if (!left)
				absorbed++;
			EXPECT_EQ(1, ran);
			EXPECT_EQ(0, access("/sys/class/misc/vmdemo", F_OK))
				TH_LOG("allocation %u failed: loaded, but no misc device", k);
			if (access("/dev/vmdemo", F_OK))
				nodev++;	/* devtmpfs' failure is not reported */
			ASSERT_EQ(0, syscall(SYS_delete_module, "vmdemo", O_NONBLOCK))
				TH_LOG("allocation %u failed, loaded: rmmod: %s", k, strerror(errno));
		} else {
			failed++;
			in_init += ran;
			if (err != ENOMEM) {
				other_err++;
				TH_LOG("allocation %u failed: the load failed with %s", k, strerror(err));
			}
		}
		EXPECT_FALSE(module_loaded()) TH_LOG("allocation %u", k);
		left_path = leftover();
		EXPECT_EQ(NULL, left_path)
			TH_LOG("allocation %u failed, load %s: %s is left behind", k,
			       ret ? "failed" : "worked and was undone", left_path);
		if (left_path || module_loaded())
			break;
		if (ret && !ran && !all) {
			TH_LOG("allocation %u is the loader's, before vmdemo_init(): done", k);
			break;
		}
	}
	TH_LOG("%u loads: %u failed (%u of them in vmdemo_init), %u absorbed the failure (%u without /dev/vmdemo)",
	       runs, failed, in_init, absorbed, nodev);
	EXPECT_EQ(0U, other_err) TH_LOG("loads failed with errors other than ENOMEM");
	/* vmdemo_init() allocates: some of its failures must fail the load */
	EXPECT_LT(0U, in_init);

	/* And the module loads, as the suite expects it. */
	ret = syscall(SYS_finit_module, self->kofd, self->params, 0);
	ASSERT_EQ(0, ret) TH_LOG("loading vmdemo after the sweep: %s", strerror(errno));
	EXPECT_EQ(0, access("/dev/vmdemo", F_OK));
	devfd = open("/dev/vmdemo", O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, devfd);
	if (devfd >= 0) {
		EXPECT_EQ(0, ioctl(devfd, VMDEMO_IOC_GET_SIZE, &size));
		EXPECT_LT(0U, size);
		close(devfd);
	}

	/* kmemleak: nothing new (objects are reported once 5 s old) */
	if (nb >= 0) {
		sleep(6);
		na = kmemleak_suspects(&leaks_after);
		ASSERT_LE(0, na) TH_LOG("kmemleak stopped working");
		kmemleak_print_new(_metadata, leaks_before, nb, leaks_after, na, &nnew);
		EXPECT_EQ(0, nnew) TH_LOG("new suspected leaks after the sweep");
	} else {
		TH_LOG("no kmemleak in this kernel: leaks not checked");
	}
}

TEST_HARNESS_MAIN
