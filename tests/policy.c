// SPDX-License-Identifier: GPL-2.0
/*
 * tests/policy.c: how much memory the device may hold, and who may make
 * it hold more.  Its pages cannot be reclaimed, so:
 *
 *   max_size   not given, or 0: half of the RAM at load time, at most
 *              1 GiB (the module counts totalram_pages(); /proc/meminfo's
 *              MemTotal is the same count, and 1% is allowed for); the
 *              parameter file then shows the value in force, as GET_INFO
 *              does.  More than half of the RAM fails to load (EINVAL)
 *              unless force_max_size=1 is given too; less loads as given.
 *   size       above max_size (given or default) fails to load (EINVAL);
 *              a failed load leaves nothing behind.
 *   growing    VMDEMO_IOC_SET_SIZE past the size the module was loaded
 *              with needs CAP_SYS_ADMIN: nobody (uid 65534, no groups, no
 *              capabilities) and root without CAP_SYS_ADMIN get EPERM and
 *              change nothing.  Anyone who may open the device for
 *              writing (mode=0666) may shrink it, and grow it back up to
 *              the load-time size.
 *
 * Device only (there is no tmpfs counterpart).  It reloads the module
 * (modload.c: finit_module() of VMDEMO_KO, default /lib/modules/vmdemo.ko), as
 * tests/failinj.c does, and leaves it loaded as the suite loaded it
 * (VMDEMO_MODPARAMS): after each test, and once more at the end of the
 * program if a test died before its teardown.  Root only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/vmdemo.h>

#include "kselftest_harness.h"
#include "modload.h"
#include "sysfile.h"

#define PARAMS	"/sys/module/vmdemo/parameters"
#define NOBODY	65534
#define MiB	(1ULL << 20)
#define GiB	(1ULL << 30)

/* MemTotal in bytes. */
static uint64_t mem_total(void)
{
	return meminfo_bytes("MemTotal");
}

/* A parameter's value as text, newline dropped; "" if unreadable. */
static const char *param(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", PARAMS, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static int get_info(struct vmdemo_info *info)
{
	int fd = open(vmdemo_dev(), O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (ioctl(fd, VMDEMO_IOC_GET_INFO, info))
		err = errno;
	close(fd);
	return err;
}

/* SET_SIZE through a new descriptor: 0 or the errno. */
static int set_size(uint64_t size)
{
	int fd = open(vmdemo_dev(), O_RDWR | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (ioctl(fd, VMDEMO_IOC_SET_SIZE, &size))
		err = errno;
	close(fd);
	return err;
}

static uint64_t get_size(void)
{
	struct vmdemo_info info;

	return get_info(&info) ? (uint64_t)-1 : info.size;
}

FIXTURE(policy) {
	bool skip;
};

/* The 6.1 harness runs the test after a SKIP() in the setup: see skip. */
FIXTURE_SETUP(policy)
{
	const char *ko = vmdemo_ko();

	self->skip = true;
	if (geteuid())
		SKIP(return, "needs root: it reloads the module");
	if (!vmdemo_loaded())
		SKIP(return, "vmdemo is not loaded");
	if (access(ko, R_OK))
		SKIP(return, "%s: %s (set VMDEMO_KO)", ko, strerror(errno));
	self->skip = false;
}

FIXTURE_TEARDOWN(policy)
{
	int err;

	if (self->skip)
		return;
	err = vmdemo_restore();
	if (err) {
		TH_LOG("loading vmdemo as the suite did (%s): %s",
		       vmdemo_modparams(), strerror(err));
		_metadata->passed = 0;
	}
}

/* Load with @params and expect @err; a failed load leaves nothing. */
#define EXPECT_LOAD(err, params) do {					\
	int __e = vmdemo_reload(params);				\
	EXPECT_EQ((err), __e) TH_LOG("load \"%s\": %s", (params), strerror(__e)); \
	if ((err) && !__e)						\
		break;							\
	if (err) {							\
		EXPECT_FALSE(vmdemo_loaded());				\
		EXPECT_NE(0, access(vmdemo_dev(), F_OK));			\
		EXPECT_NE(0, access(PARAMS, F_OK));			\
	}								\
} while (0)

TEST_F(policy, default_max_size_is_half_of_ram)
{
	uint64_t half = mem_total() / 2, want, got;
	struct vmdemo_info info;
	char buf[64], num[32];

	if (self->skip)
		return;
	ASSERT_LT(0U, half);
	want = half < GiB ? half : GiB;
	ASSERT_EQ(0, vmdemo_reload(""));
	ASSERT_EQ(0, get_info(&info));
	got = info.max_size;
	TH_LOG("MemTotal %llu kB: max_size %llu (half of it: %llu)",
	       (unsigned long long)(2 * half / 1024), (unsigned long long)got,
	       (unsigned long long)half);
	EXPECT_LE(want - want / 100, got);
	EXPECT_GE(want + want / 100, got);
	EXPECT_GE(GiB, got);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)got);
	EXPECT_STREQ(num, param("max_size", buf, sizeof(buf)));
	EXPECT_STREQ("N", param("force_max_size", buf, sizeof(buf)));

	/* It is the limit: up to it works, a byte more is EFBIG. */
	EXPECT_EQ(0, set_size(got));
	EXPECT_EQ(EFBIG, set_size(got + 1));
	EXPECT_EQ(got, get_size());
	EXPECT_EQ(0, set_size(0));

	/* max_size=0 is the default. */
	ASSERT_EQ(0, vmdemo_reload("max_size=0"));
	ASSERT_EQ(0, get_info(&info));
	EXPECT_EQ(got, info.max_size);
}

TEST_F(policy, explicit_max_size_above_half_of_ram_needs_force)
{
	uint64_t total = mem_total(), above, below;
	struct vmdemo_info info;
	char params[128], buf[64];

	if (self->skip)
		return;
	ASSERT_LT(0U, total);
	above = total * 3 / 4 / MiB * MiB;	/* clearly above half */
	below = total / 4 / MiB * MiB;		/* clearly below */

	snprintf(params, sizeof(params), "max_size=%llu", (unsigned long long)above);
	EXPECT_LOAD(EINVAL, params);
	snprintf(params, sizeof(params), "max_size=%llu force_max_size=0",
		 (unsigned long long)above);
	EXPECT_LOAD(EINVAL, params);

	snprintf(params, sizeof(params), "max_size=%llu force_max_size=1",
		 (unsigned long long)above);
	ASSERT_EQ(0, vmdemo_reload(params));
	ASSERT_EQ(0, get_info(&info));
	EXPECT_EQ(above, info.max_size);
	EXPECT_STREQ("Y", param("force_max_size", buf, sizeof(buf)));
	snprintf(params, sizeof(params), "%llu", (unsigned long long)above);
	EXPECT_STREQ(params, param("max_size", buf, sizeof(buf)));

	/* Below half: as given, no force needed. */
	snprintf(params, sizeof(params), "max_size=%llu", (unsigned long long)below);
	ASSERT_EQ(0, vmdemo_reload(params));
	ASSERT_EQ(0, get_info(&info));
	EXPECT_EQ(below, info.max_size);
	EXPECT_EQ(0, set_size(below));
	EXPECT_EQ(EFBIG, set_size(below + 1));
}

TEST_F(policy, size_above_max_size_fails_to_load)
{
	uint64_t above = mem_total() * 3 / 4 / MiB * MiB;
	struct vmdemo_info info;
	char params[128];

	if (self->skip)
		return;
	EXPECT_LOAD(EINVAL, "size=2097152 max_size=1048576");
	/* Above the default max_size (half of the RAM). */
	snprintf(params, sizeof(params), "size=%llu", (unsigned long long)above);
	EXPECT_LOAD(EINVAL, params);
	/* Equal is fine. */
	ASSERT_EQ(0, vmdemo_reload("size=1048576 max_size=1048576"));
	ASSERT_EQ(0, get_info(&info));
	EXPECT_EQ(MiB, info.size);
	EXPECT_EQ(MiB, info.max_size);
}

/* ---- growing, by whom ---- */

/* What a child reports, in memory it shares with the test. */
struct grow_results {
	int setup_err;
	int n;
	int err[16];
	uint64_t size[16];	/* the size after each attempt */
};

/*
 * In a child: give up privileges (@nobody: become uid/gid 65534 with no
 * groups; else stay root without CAP_SYS_ADMIN), open the device and
 * SET_SIZE each of @sizes in turn.
 */
static void grow_as(struct grow_results *r, bool nobody, const uint64_t *sizes,
		    int n)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	pid_t pid;
	int i, fd;

	memset(r, 0, sizeof(*r));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		goto wait;
	if (nobody) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY) || !setresuid(0, 0, 0))
			r->setup_err = errno ? errno : EPERM;
	} else if (syscall(SYS_capget, &hdr, data)) {
		r->setup_err = errno;
	} else {
		data[0].effective &= ~(1U << CAP_SYS_ADMIN);
		data[0].permitted &= ~(1U << CAP_SYS_ADMIN);
		data[0].inheritable &= ~(1U << CAP_SYS_ADMIN);
		if (syscall(SYS_capset, &hdr, data))
			r->setup_err = errno;
	}
	fd = r->setup_err ? -1 : open(vmdemo_dev(), O_RDWR | O_CLOEXEC);
	if (fd < 0 && !r->setup_err)
		r->setup_err = errno;
	for (i = 0; fd >= 0 && i < n; i++) {
		r->err[i] = ioctl(fd, VMDEMO_IOC_SET_SIZE, &sizes[i]) ? errno : 0;
		if (ioctl(fd, VMDEMO_IOC_GET_SIZE, &r->size[i]))
			r->size[i] = (uint64_t)-1;
		r->n++;
	}
	_exit(0);
wait:
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* Each of the @cnt steps gave the errno in @errs. */
static void expect_steps(struct __test_metadata *_metadata,
			 const struct grow_results *r, const uint64_t *sizes,
			 const int *errs, int cnt)
{
	int i;

	ASSERT_EQ(0, r->setup_err) TH_LOG("%s", strerror(r->setup_err));
	ASSERT_EQ(cnt, r->n);
	for (i = 0; i < cnt && i < r->n; i++) {
		EXPECT_EQ(errs[i], r->err[i])
			TH_LOG("step %d: SET_SIZE %llu: %s", i,
			       (unsigned long long)sizes[i], strerror(r->err[i]));
	}
}

TEST_F(policy, growing_past_load_size_needs_cap_sys_admin)
{
	struct grow_results *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	/* nobody: down and back up to the load-time size, no further */
	uint64_t down_up[] = { MiB / 2, MiB, MiB + 4096, 2 * MiB, 0,
			       MiB - 4096, MiB };
	const int down_up_errs[] = { 0, 0, EPERM, EPERM, EPERM, 0, 0 };
	/* root without CAP_SYS_ADMIN: the same refusal */
	const uint64_t nocap[] = { MiB + 4096, MiB - 4096, MiB };
	const int nocap_errs[] = { EPERM, 0, 0 };
	/* nobody, the device grown past its load-time size by root */
	const uint64_t shrink[] = { 3 * MiB, 4 * MiB, MiB };
	const int shrink_errs[] = { 0, EPERM, 0 };
	struct vmdemo_info info;
	uint8_t buf[4096], want[4096];
	int fd, i;

	if (self->skip)
		return;
	ASSERT_NE(MAP_FAILED, r);
	ASSERT_EQ(0, vmdemo_reload("size=1048576 mode=0666"));
	ASSERT_EQ(0, get_info(&info));
	ASSERT_LT(4 * MiB, info.max_size);
	down_up[4] = info.max_size;
	for (i = 0; i < (int)sizeof(want); i++)
		want[i] = i * 7 + 1;
	fd = open(vmdemo_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(want), pwrite(fd, want, sizeof(want), 0));
	close(fd);

	grow_as(r, true, down_up, 7);
	expect_steps(_metadata, r, down_up, down_up_errs, 7);
	EXPECT_EQ(MiB, r->size[2]);	/* a refusal changes nothing */
	EXPECT_EQ(MiB, r->size[4]);

	grow_as(r, false, nocap, 3);
	expect_steps(_metadata, r, nocap, nocap_errs, 3);
	EXPECT_EQ(MiB, r->size[0]);

	EXPECT_EQ(MiB, get_size());
	fd = open(vmdemo_dev(), O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(buf), pread(fd, buf, sizeof(buf), 0));
	close(fd);
	EXPECT_EQ(0, memcmp(want, buf, sizeof(buf)));

	/* With CAP_SYS_ADMIN it grows; below it, anyone may shrink it. */
	ASSERT_EQ(0, set_size(4 * MiB));
	grow_as(r, true, shrink, 3);
	expect_steps(_metadata, r, shrink, shrink_errs, 3);
	EXPECT_EQ(3 * MiB, r->size[1]);
	EXPECT_EQ(MiB, get_size());
	munmap(r, sizeof(*r));
}

/*
 * The harness forks each test; one that died before its teardown may
 * have left the module unloaded or loaded with its own parameters, so
 * load it once more as the suite did if the parameters differ.
 */
int main(int argc, char **argv)
{
	char before[4][64], after[64];
	static const char *const names[] = { "size", "max_size", "mode",
					     "force_max_size" };
	bool same = true, loaded = vmdemo_loaded();
	int ret, err, i;

	for (i = 0; i < 4; i++)
		param(names[i], before[i], sizeof(before[i]));
	ret = test_harness_run(argc, argv);
	for (i = 0; i < 4; i++)
		same &= !strcmp(before[i], param(names[i], after, sizeof(after)));
	if (loaded && !geteuid() && (!same || !vmdemo_loaded())) {
		err = vmdemo_restore();
		fprintf(stderr, "# policy: vmdemo was left %s; loading it as before: %s\n",
			vmdemo_loaded() ? "with other parameters" : "unloaded",
			strerror(err));
		if (err)
			ret = 1;
	}
	return ret;
}
