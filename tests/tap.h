/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP for a test program without the kselftest harness: the plan, one
 * line per test, diagnostics, and a skip of the whole program.
 */
#ifndef _VMDEMO_TAP_H
#define _VMDEMO_TAP_H

#include <stdbool.h>

/* The exit status of a program that skipped (kselftest's KSFT_SKIP). */
#define TAP_SKIP	4

/* Whether any test failed so far. */
extern bool tap_failed;

/* "TAP version 13" and the plan of @n tests. */
void tap_plan(int n);
/* "ok N ..." or "not ok N ...", the next test's result. */
void tap(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "# ...", a diagnostic line. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "1..0 # SKIP @why", and exit with TAP_SKIP. */
void skip_all(const char *why) __attribute__((noreturn));

#endif /* _VMDEMO_TAP_H */
