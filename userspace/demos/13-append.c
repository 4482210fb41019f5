// SPDX-License-Identifier: GPL-2.0
/*
 * Step 13, appending to a file through a mapping, done right: grow the
 * file (and check that it grew), map it, copy the new bytes in at the
 * old end, unmap from the page-aligned start with the mapped length.
 * A well-known example of this on the web gets three things wrong; the
 * program shows each mistake and what it leads to, on a tmpfs file in
 * /dev/shm, then does the same append on the device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "demo.h"

#define RW	(PROT_READ | PROT_WRITE)

static const char tail[] = "appended\n";	/* the bytes to append */
#define TAIL	(sizeof(tail) - 1)

static char path[64];	/* the file's name, set by tmpfs_file() */

static void remove_file(void)
{
	unlink(path);
}

/* A file on tmpfs: in /dev/shm if it is tmpfs, else a memfd. */
static int tmpfs_file(void)
{
	struct statfs sf;
	int fd;

	snprintf(path, sizeof(path), "/dev/shm/vmdemo-13-append.XXXXXX");
	fd = mkstemp(path);
	if (fd >= 0 && !fstatfs(fd, &sf) && sf.f_type == TMPFS_MAGIC) {
		atexit(remove_file);
		return fd;
	}
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	snprintf(path, sizeof(path), "a memfd");
	fd = memfd_create("vmdemo-13-append", 0);
	if (fd < 0)
		die("memfd_create");
	return fd;
}

static off_t size_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_size;
}

static char *map(size_t len, int flags, int fd)
{
	char *p = mmap(NULL, len, RW, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* Copy the /proc/self/maps line of the VMA that holds @a into @buf. */
static int maps_line(const void *a, char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	int found = 0;

	while (f && !found && fgets(buf, len, f))
		found = sscanf(buf, "%lx-%lx", &lo, &hi) == 2 &&
			lo <= (unsigned long)a && (unsigned long)a < hi;
	if (f)
		fclose(f);
	buf[found ? strcspn(buf, "\n") : 0] = '\0';
	return found;
}

/* Does @fd hold @old 'o' bytes followed by @n bytes of tail? */
static int holds(int fd, size_t old, size_t n)
{
	char *buf = calloc(1, old + TAIL + 1);
	ssize_t got;
	size_t i;
	int ok;

	if (!buf)
		die("calloc");
	got = pread(fd, buf, old + TAIL, 0);
	ok = got == (ssize_t)(old + n);
	for (i = 0; ok && i < old; i++)
		ok = buf[i] == 'o';
	ok = ok && !memcmp(buf + old, tail, n);
	free(buf);
	return ok;
}

int main(void)
{
	int dev = demo_init(FAULT_AROUND_OFF);
	size_t old = page - 4, len = old + TAIL;	/* the append crosses a page */
	char *m, *m2, *end, line[512], line2[512];
	struct stats before, d;
	int fd, ro, ret, err, sig, ok;
	unsigned long long frame;

	stats_read(&before);
	fd = tmpfs_file();
	if (ftruncate(fd, old))
		die("ftruncate");
	m = map(old, MAP_SHARED, fd);
	memset(m, 'o', old);
	munmap(m, old);
	printf("  A tmpfs file (%s) of %zu bytes; append the %zu bytes \"appended\\n\".\n",
	       path, old, TAIL);

	printf("\n  Mistake 1: MAP_FILE.  It means nothing on Linux:\n");
	m = map(page, MAP_SHARED, fd);
	m2 = map(page, MAP_FILE | MAP_SHARED, fd);
	maps_line(m, line, sizeof(line));
	maps_line(m2, line2, sizeof(line2));
	printf("      %s\n      %s\n", line, line2);
	check(MAP_FILE == 0, "MAP_FILE is %d: or-ing it into the flags changes nothing",
	      MAP_FILE);
	ok = m[0] == 'o' && m2[0] == 'o';	/* fault both pages in */
	frame = pfn(m);
	check(ok && frame && frame == pfn(m2) &&
	      !strcmp(strchr(line, ' '), strchr(line2, ' ')),
	      "with and without it, the same kind of mapping (same maps line\n"
	      "after the addresses) of the same page frame (%#llx)", frame);
	munmap(m, page);
	munmap(m2, page);

	printf("\n  Mistake 2: ftruncate()'s result ignored.  Here it fails, on a\n"
	       "  descriptor opened read-only, and the program goes on:\n");
	snprintf(line, sizeof(line), "/proc/self/fd/%d", fd);
	ro = open(line, O_RDONLY);
	if (ro < 0)
		die("open read-only");
	errno = 0;
	ret = ftruncate(ro, len);
	err = errno;
	check(ret == -1 && (err == EINVAL || err == EBADF),
	      "ftruncate() of a read-only descriptor failed: %s", strerror(err));
	check(size_of(fd) == (off_t)old, "the file is still %zu bytes", old);
	m = map(len, MAP_SHARED, fd);
	end = m + old;
	sig = try_write(end, tail[0]);
	check(!sig, "mmap() of %zu bytes worked, and so did storing at the old end:\n"
	      "it is still in the file's last page", len);
	sig = try_write(m + page, tail[4]);
	check(sig == SIGBUS,
	      "storing in the next page (the 5th byte to append) raised %s:\n"
	      "that page holds no byte of the file; a plain memcpy() would die",
	      signame(sig));
	check(holds(fd, old, 0), "read() still sees the %zu old bytes and nothing else", old);
	munmap(m, len);
	close(ro);

	printf("\n  Mistake 3: munmap() at the old end, which is not page-aligned:\n");
	ret = ftruncate(fd, len);
	check(!ret, "ftruncate() to %zu bytes, checked this time, worked", len);
	if (ret)
		return demo_done();
	m = map(len, MAP_SHARED, fd);
	end = m + old;
	memcpy(end, tail, TAIL);
	errno = 0;
	ret = munmap(end, len);
	err = errno;
	check(ret == -1 && err == EINVAL, "munmap(%p, %zu) failed: %s", end, len,
	      strerror(err));
	check(maps_line(m, line, sizeof(line)) && !try_read(m),
	      "the mapping is still there (a leak if nobody checks):\n%s", line);
	ret = munmap(m, len);
	check(!ret && !maps_line(m, line, sizeof(line)),
	      "munmap(%p, %zu), from the start of the mapping, removed it", m, len);
	check(holds(fd, old, TAIL), "read() sees the %zu bytes: old ones, then \"appended\\n\"",
	      len);
	close(fd);
	d = stats_since(&before);
	check(d.mmaps == 0 && d.faults == 0,
	      "the driver saw none of this: tmpfs has a page cache of its own");

	printf("\n  The same append on the device, grown with VMDEMO_IOC_SET_SIZE:\n");
	device_fresh(dev, old);
	m = map(old, MAP_SHARED, dev);
	memset(m, 'o', old);
	munmap(m, old);
	device_set_size(dev, len);
	m = map(len, MAP_SHARED, dev);
	memcpy(m + old, tail, TAIL);
	check(!munmap(m, len) && holds(dev, old, TAIL),
	      "grown to %zu bytes, mapped, copied, unmapped: read() sees them", len);
	return demo_done();
}
