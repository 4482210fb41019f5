// SPDX-License-Identifier: GPL-2.0
/* Byte patterns derived from the file offset and a generation. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "pattern.h"
#include "target.h"

uint8_t pat_byte(uint64_t off, unsigned int gen)
{
	return (off * 7 + off / pagesz * 37 + gen * 101) % 255 + 1;
}

/* Fill @buf with the pattern of file bytes [@off, @off + @len). */
void pat_fill(void *buf, size_t len, uint64_t off, unsigned int gen)
{
	volatile uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pat_byte(off + i, gen);
}

ssize_t pat_check(const void *buf, size_t len, uint64_t off,
		  unsigned int gen)
{
	const volatile uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pat_byte(off + i, gen))
			return i;
	return PAT_OK;
}

ssize_t zero_check(const void *buf, size_t len)
{
	const volatile uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return i;
	return PAT_OK;
}

/* pwrite() the pattern; 0, or -1 on error or a short write. */
int pat_pwrite(int fd, uint64_t off, size_t len, unsigned int gen)
{
	uint8_t *buf = malloc(len);
	ssize_t n;

	if (!buf)
		return -1;
	pat_fill(buf, len, off, gen);
	n = pwrite(fd, buf, len, off);
	free(buf);
	return n == (ssize_t)len ? 0 : -1;
}

static ssize_t pread_check(int fd, uint64_t off, size_t len, int zero,
			   uint64_t src, unsigned int gen)
{
	uint8_t *buf = malloc(len);
	ssize_t ret = PAT_IOERR;

	if (!buf)
		return ret;
	if (pread(fd, buf, len, off) == (ssize_t)len)
		ret = zero ? zero_check(buf, len) :
			     pat_check(buf, len, src, gen);
	free(buf);
	return ret;
}

/* pread() [@off, @off + @len) and check it holds generation @gen. */
ssize_t pat_pcheck(int fd, uint64_t off, size_t len, unsigned int gen)
{
	return pread_check(fd, off, len, 0, off, gen);
}

/*
 * pread() [@off, @off + @len) and check it holds the pattern that
 * generation @gen has at [@src, @src + @len): bytes copied from @src.
 */
ssize_t pat_pcheck_as(int fd, uint64_t off, size_t len, uint64_t src,
		      unsigned int gen)
{
	return pread_check(fd, off, len, 0, src, gen);
}

/* pread() [@off, @off + @len) and check it is all zero. */
ssize_t zero_pcheck(int fd, uint64_t off, size_t len)
{
	return pread_check(fd, off, len, 1, 0, 0);
}
