/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Touch one byte and report the signal it raised, so that one test can
 * check many addresses for SIGBUS / SIGSEGV without dying.
 */
#ifndef _VMDEMO_PROBE_H
#define _VMDEMO_PROBE_H

#include <stdint.h>

/* A fault was raised, but at another address than the one probed. */
#define PROBE_ELSEWHERE	(-1)

int probe_read(const void *addr, uint8_t *val);
int probe_write(void *addr, uint8_t val);

/* si_code of the last fault a probe caught (BUS_ADRERR, SEGV_ACCERR...). */
extern int probe_code;

#endif /* _VMDEMO_PROBE_H */
