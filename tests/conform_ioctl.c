// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl interface and its errors: unknown command ENOTTY, bad pointer
 * EFAULT, size above max_size EFBIG, a punch range that is empty,
 * overflows or does not lie within the device EINVAL; a failed call
 * changes neither the size nor the contents.  On tmpfs the same cases run
 * through ftruncate() / fallocate() where those fail the same way.
 */
#include "conform.h"

#include <sys/ioctl.h>

#include <linux/vmdemo.h>

CONFORM_FIXTURE(ioctl);

#define NPAGES	4

/* Fill NPAGES with generation 1, for EXPECT_UNCHANGED() to check. */
static int fill(const struct target *t)
{
	return pat_pwrite(t->fd, 0, pages(NPAGES), 1);
}

/* Expect the size and the data fill() wrote to be as they were. */
#define EXPECT_UNCHANGED(size) do {					\
	uint64_t __size = 0;						\
	EXPECT_EQ(0, target_get_size(&self->t, &__size));		\
	EXPECT_EQ((uint64_t)(size), __size);				\
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(NPAGES), 1));	\
	EXPECT_EQ(NPAGES, target_resident(&self->t));			\
} while (0)

/* A page nobody may read or write, for bad pointers. */
static void *bad_page(void)
{
	return mmap(NULL, pagesz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
}

TEST_F(ioctl, set_get_size)
{
	uint64_t sizes[] = { 0, 1, pagesz - 1, pagesz, pages(5) + 3,
			     pages(CONFORM_PAGES) };
	uint64_t got;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ASSERT_EQ(0, target_set_size(&self->t, sizes[i]));
		got = ~0ULL;
		EXPECT_EQ(0, target_get_size(&self->t, &got));
		EXPECT_EQ(sizes[i], got);
		EXPECT_EQ((off_t)sizes[i], lseek(self->t.fd, 0, SEEK_END));
	}
}

TEST_F(ioctl, get_info)
{
	struct vmdemo_info info;
	uint64_t size;

	DEVICE_ONLY("VMDEMO_IOC_GET_INFO");
	memset(&info, 0xff, sizeof(info));
	ASSERT_EQ(0, ioctl(self->t.fd, VMDEMO_IOC_GET_INFO, &info));
	EXPECT_EQ(pages(CONFORM_PAGES), info.size);
	EXPECT_EQ(pagesz, info.page_size);
	EXPECT_EQ(0U, info.pages_resident);
	EXPECT_LE(info.size, info.max_size);

	ASSERT_EQ(0, pat_pwrite(self->t.fd, pages(1), pages(3), 1));
	ASSERT_EQ(0, target_set_size(&self->t, pages(2) + 1));
	ASSERT_EQ(0, ioctl(self->t.fd, VMDEMO_IOC_GET_INFO, &info));
	EXPECT_EQ(pages(2) + 1, info.size);
	EXPECT_EQ(2U, info.pages_resident);
	ASSERT_EQ(0, ioctl(self->t.fd, VMDEMO_IOC_GET_SIZE, &size));
	EXPECT_EQ(info.size, size);
}

TEST_F(ioctl, set_size_efbig)
{
	struct vmdemo_info info;
	uint64_t big[3], size;
	size_t i;

	DEVICE_ONLY("max_size; tmpfs files have no such limit");
	ASSERT_EQ(0, ioctl(self->t.fd, VMDEMO_IOC_GET_INFO, &info));
	ASSERT_EQ(0, fill(&self->t));
	big[0] = info.max_size + 1;
	big[1] = 1ULL << 63;
	big[2] = ~0ULL;
	for (i = 0; i < ARRAY_SIZE(big); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->t.fd, VMDEMO_IOC_SET_SIZE, &big[i]));
		EXPECT_EQ(EFBIG, errno);
		EXPECT_UNCHANGED(pages(CONFORM_PAGES));
	}

	/* The maximum itself is allowed. */
	size = info.max_size;
	ASSERT_EQ(0, ioctl(self->t.fd, VMDEMO_IOC_SET_SIZE, &size));
	EXPECT_EQ((off_t)info.max_size, lseek(self->t.fd, 0, SEEK_END));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, info.max_size - 10, 10));
	ASSERT_EQ(0, target_set_size(&self->t, pages(CONFORM_PAGES)));
	EXPECT_UNCHANGED(pages(CONFORM_PAGES));
}

/* Unknown commands, and known numbers with another direction or size. */
TEST_F(ioctl, unknown_enotty)
{
	unsigned long cmds[] = {
		_IO(VMDEMO_IOC_MAGIC, 0x7f),
		_IOR(VMDEMO_IOC_MAGIC, 0x04, __u64),
		_IOR(VMDEMO_IOC_MAGIC, 0x01, __u64),
		_IOW(VMDEMO_IOC_MAGIC, 0x00, __u64),
		_IOR(VMDEMO_IOC_MAGIC, 0x00, __u32),
		_IOW(VMDEMO_IOC_MAGIC, 0x02, __u64),
		_IOWR(VMDEMO_IOC_MAGIC, 0x03, struct vmdemo_info),
		_IOR(VMDEMO_IOC_MAGIC + 1, 0x00, __u64),
	};
	struct vmdemo_info arg;
	size_t i;

	ASSERT_EQ(0, fill(&self->t));
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		memset(&arg, 0, sizeof(arg));
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->t.fd, cmds[i], &arg));
		EXPECT_EQ(ENOTTY, errno);
		EXPECT_UNCHANGED(pages(CONFORM_PAGES));
	}
}

TEST_F(ioctl, bad_pointer_efault)
{
	uint8_t *bad = bad_page(), *edge;
	struct vmdemo_range *range;

	DEVICE_ONLY("ioctl argument pointers");
	ASSERT_MAPPED(bad);
	ASSERT_EQ(0, fill(&self->t));
	/* A range whose first half is readable, its second is not. */
	edge = mmap(NULL, pages(2), RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_MAPPED(edge);
	ASSERT_EQ(0, mprotect(edge + pagesz, pagesz, PROT_NONE));
	range = (void *)(edge + pagesz - sizeof(range->offset));
	range->offset = 0;

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->t.fd, VMDEMO_IOC_GET_SIZE, bad));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->t.fd, VMDEMO_IOC_GET_INFO, bad));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->t.fd, VMDEMO_IOC_SET_SIZE, bad));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->t.fd, VMDEMO_IOC_SET_SIZE, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->t.fd, VMDEMO_IOC_PUNCH_HOLE, bad));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->t.fd, VMDEMO_IOC_PUNCH_HOLE, range));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_UNCHANGED(pages(CONFORM_PAGES));
}

/* Empty and overflowing ranges: EINVAL from the ioctl and fallocate(). */
TEST_F(ioctl, punch_bad_range_einval)
{
	struct { uint64_t offset, length; } bad[] = {
		{ 0, 0 },
		{ pagesz, 0 },
		{ ~0ULL - 10, 100 },
		{ 1, ~0ULL },
		{ pagesz, ~0ULL - pagesz + 1 },
		{ 1ULL << 63, pagesz },
	};
	size_t i;

	ASSERT_EQ(0, fill(&self->t));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, target_punch(&self->t, bad[i].offset,
					   bad[i].length));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_UNCHANGED(pages(CONFORM_PAGES));
	}
}

/* A range must lie within the device (tmpfs punches past EOF happily). */
TEST_F(ioctl, punch_past_end_einval)
{
	uint64_t size = pages(NPAGES) + 100;
	struct { uint64_t offset, length; } bad[] = {
		{ size - 1, 2 },
		{ size, 1 },
		{ 0, size + 1 },
		{ size + pagesz, pagesz },
		{ (1ULL << 63) - 10, 100 },
	};
	size_t i;

	DEVICE_ONLY("a fixed size; tmpfs punches past EOF");
	ASSERT_EQ(0, target_set_size(&self->t, size));
	ASSERT_EQ(0, fill(&self->t));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, target_punch(&self->t, bad[i].offset,
					   bad[i].length));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_UNCHANGED(size);
	}

	/* Up to the very end is fine. */
	EXPECT_EQ(0, target_punch(&self->t, size - 1, 1));
	EXPECT_EQ(0, target_punch(&self->t, pages(NPAGES), 100));
	EXPECT_EQ(PAT_OK, pat_pcheck(self->t.fd, 0, pages(NPAGES), 1));
}

/* Flags are reserved: any bit set is EINVAL, and nothing is punched. */
TEST_F(ioctl, punch_flags_einval)
{
	const uint64_t flags[] = { 1, 2, 1ULL << 31, 1ULL << 63, ~0ULL };
	struct vmdemo_range r = { .offset = 0, .length = pagesz };
	size_t i;

	DEVICE_ONLY("the device's own ioctl");
	ASSERT_EQ(0, fill(&self->t));
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		r.flags = flags[i];
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->t.fd, VMDEMO_IOC_PUNCH_HOLE, &r));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_UNCHANGED(pages(CONFORM_PAGES));
	}
	r.flags = 0;
	EXPECT_EQ(0, ioctl(self->t.fd, VMDEMO_IOC_PUNCH_HOLE, &r));
	EXPECT_EQ(PAT_OK, zero_pcheck(self->t.fd, 0, pagesz));
}

CONFORM_MAIN()
