/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte patterns: the byte at file offset @off in generation @gen.  It is
 * never zero, differs between neighbouring bytes, pages and generations,
 * so a byte read at the wrong offset, from a stale page or from a hole is
 * caught.  Checks return PAT_OK or the index of the first wrong byte.
 */
#ifndef _VMDEMO_PATTERN_H
#define _VMDEMO_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PAT_OK		((ssize_t)-1)
/* pread() failed or came back short. */
#define PAT_IOERR	((ssize_t)-2)

uint8_t pat_byte(uint64_t off, unsigned int gen);
void pat_fill(void *buf, size_t len, uint64_t off, unsigned int gen);
ssize_t pat_check(const void *buf, size_t len, uint64_t off,
		  unsigned int gen);
ssize_t zero_check(const void *buf, size_t len);

int pat_pwrite(int fd, uint64_t off, size_t len, unsigned int gen);
ssize_t pat_pcheck(int fd, uint64_t off, size_t len, unsigned int gen);
ssize_t pat_pcheck_as(int fd, uint64_t off, size_t len, uint64_t src,
		      unsigned int gen);
ssize_t zero_pcheck(int fd, uint64_t off, size_t len);

#endif /* _VMDEMO_PATTERN_H */
