// SPDX-License-Identifier: GPL-2.0
/*
 * tests/hostile_enotty.c: ioctl commands of /dev/vmdemo's type with the
 * wrong number, size or direction, and generic ones, each one test from
 * the reference state of hostile.h.  Each must fail with ENOTTY, write
 * nothing to its (large enough) argument and leave the device as it was.
 *
 * Fixture (the part of the TAP name before the first dot):
 *   enotty   every other direction and a range of other sizes of each of
 *            the five commands, the neighbouring types and numbers, the
 *            commands 0 and 0xffffffff, FIONREAD and FS_IOC_GETFLAGS, and
 *            unknown commands on a read-only descriptor
 *
 * Needs /dev/vmdemo (VMDEMO_DEV); each test is skipped if it is not
 * there.
 */
#include "hostile.h"

/* FS_IOC_GETFLAGS (<linux/fs.h> clashes with glibc's RWF_* macros). */
#define FS_IOC_GETFLAGS_	_IOR('f', 1, long)

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
	unsigned long real[] = { GS, SS, PH, GI, EV };
	size_t i;

	/* Never one of the real commands. */
	for (i = 0; i < ARRAY_SIZE(real); i++)
		if ((unsigned int)cmd == real[i])
			return;
	if (nr_enotty == MAX_ENOTTY) {
		fprintf(stderr, "hostile_enotty: too many cases\n");
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
		{ "punch", PH }, { "get_info", GI }, { "evict", EV },
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
	enotty_add("unknown_on_rdonly_fd", _IOR(VMDEMO_IOC_MAGIC, 0x05, __u64),
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

int main(int argc, char **argv)
{
	hostile_init();
	enotty_build();
	HOSTILE_REGISTER_N("enotty", enotty_cases, nr_enotty, run_enotty);
	return test_harness_run(argc, argv);
}
