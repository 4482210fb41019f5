/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness-free part of the hostile_* programs (hostile.h,
 * hostile_ref.c): the reference state every case starts from, the values
 * that depend on it, the descriptors and the user memory a case passes.
 */
#ifndef _VMDEMO_HOSTILE_REF_H
#define _VMDEMO_HOSTILE_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "target.h"

#define GEN		7
#define FPOS		123		/* file position every test starts at */
#define REF_PAGES	8
#define REF_TAIL	100		/* bytes in the partial last page */
#define TAIL_PAT	50		/* of which carry the pattern */
#define REF_RESIDENT	5
#define CANARY		0xa5

/* Addresses no user pointer may reach: kernel text, non-canonical. */
#define KERNEL_TEXT	0xffffffff81000000ULL
#define NONCANONICAL	0x8000000000000000ULL

#define RW	(PROT_READ | PROT_WRITE)

extern uint64_t ref_size;		/* 8 pages + 100, once pagesz is known */
extern uint64_t max_size;		/* the device's, from GET_INFO */

/*
 * A value that depends on the reference state: base + pg pages + d,
 * computed modulo 2^64 (so SZ(-10) is ten bytes before the end).
 */
enum vbase { V_ABS, V_SIZE, V_MAX };
struct val {
	enum vbase b;
	int64_t pg;
	uint64_t d;
};
#define ABS(x)		{ V_ABS, 0, (uint64_t)(x) }
#define PG(n, x)	{ V_ABS, (n), (uint64_t)(x) }
#define SZ(x)		{ V_SIZE, 0, (uint64_t)(x) }
#define MAXS(x)		{ V_MAX, 0, (uint64_t)(x) }

uint64_t V(struct val v);

/* Sets ref_size; main() calls it first. */
void hostile_init(void);

/* The reference bytes at @off, in a buffer, or does @buf hold them? */
uint8_t ref_byte(uint64_t off);
void ref_fill(uint8_t *buf, size_t len, uint64_t off);
bool ref_match(const uint8_t *buf, size_t len, uint64_t off);

/* Open the object of @kind in the reference state: TARGET_READY... */
int ref_open(struct target *t, enum target_kind kind, char *msg,
	     size_t msglen);
/* and close it, leaving the device empty at its load-time size. */
void ref_teardown(struct target *t);

/* The descriptor a case uses: the target's own, or a new one. */
enum fdk { FD_RDWR, FD_RDONLY, FD_WRONLY, FD_PATH, FD_APPEND };

int case_fd(const struct target *t, enum fdk k);
void case_fd_close(const struct target *t, int fd);

/*
 * User memory: four pages, 0 read-write, 1 PROT_NONE, 2 read-only (once
 * sealed; filled first), 3 unmapped.  @low: below 4 GiB, for 32-bit
 * pointers.
 */
struct arena {
	uint8_t *base;
};

int arena_init(struct arena *a, bool low);

static inline uint8_t *arena_rw(struct arena *a)
{
	return a->base + 256;
}

/* An object of @objsize whose second half lies in the PROT_NONE page. */
static inline uint8_t *arena_straddle(struct arena *a, size_t objsize)
{
	return a->base + pages(1) - objsize / 2;
}

static inline uint8_t *arena_ro(struct arena *a)
{
	return a->base + pages(2) + 256;
}

static inline int arena_seal_ro(struct arena *a)
{
	return mprotect(a->base + pages(2), pagesz, PROT_READ);
}

static inline uint8_t *arena_protnone(struct arena *a)
{
	return a->base + pages(1);
}

static inline uint8_t *arena_unmapped(struct arena *a)
{
	return a->base + pages(3);
}

#endif /* _VMDEMO_HOSTILE_REF_H */
