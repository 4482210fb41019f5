// SPDX-License-Identifier: GPL-2.0
/*
 * Probe one byte with SIGBUS and SIGSEGV caught: the handler jumps back
 * with siglongjmp(), which also restores the signal mask sigsetjmp()
 * saved, so probes can follow one another.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "probe.h"

int probe_code;

static sigjmp_buf probe_env;
static volatile int probe_sig;
static void *volatile probe_addr;
static volatile int probe_si_code;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	probe_sig = sig;
	probe_addr = si->si_addr;
	probe_si_code = si->si_code;
	siglongjmp(probe_env, 1);
}

static int probe(void *addr, bool write, uint8_t *val)
{
	struct sigaction sa = {
		.sa_sigaction = probe_handler,
		.sa_flags = SA_SIGINFO,
	};
	struct sigaction old_bus, old_segv;
	volatile int ret = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	if (sigsetjmp(probe_env, 1) == 0) {
		if (write)
			*(volatile uint8_t *)addr = *val;
		else
			*val = *(volatile uint8_t *)addr;
	} else {
		probe_code = probe_si_code;
		ret = probe_addr == addr ? probe_sig : PROBE_ELSEWHERE;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return ret;
}

/**
 * probe_read() - read the byte at @addr
 * @addr: where
 * @val: receives the byte if the read worked
 *
 * Return: 0, SIGBUS, SIGSEGV, or PROBE_ELSEWHERE if the fault was reported
 * at another address.
 */
int probe_read(const void *addr, uint8_t *val)
{
	return probe((void *)addr, false, val);
}

/* Write @val to @addr; returns as probe_read(). */
int probe_write(void *addr, uint8_t val)
{
	return probe(addr, true, &val);
}
