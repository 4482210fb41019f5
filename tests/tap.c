// SPDX-License-Identifier: GPL-2.0
/* TAP for a test program without the kselftest harness: see tap.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

bool tap_failed;
static int test_nr;

void tap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++test_nr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		tap_failed = true;
}

void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(TAP_SKIP);
}
