/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is /dev/vmdemo whole after something hostile ran on it (trinity_run):
 * it empties, it holds what is written to it, and its page accounting
 * adds up.  Each says what it found wrong as a TAP diagnostic (tap.h).
 */
#ifndef _VMDEMO_HEALTH_H
#define _VMDEMO_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "counters.h"

/* Empty the device and give it @size again: 0, or -1 with errno set. */
int device_reset(uint64_t size);

/*
 * Since @c0, taken with the device empty, pages_allocated - pages_freed
 * moved by what pages_resident is now, and that is @want pages (unless
 * @want is -1).  @what names the span in the diagnostic.
 */
bool pages_add_up(const struct counters *c0, long want, const char *what);

/*
 * The device, reset to @size, holds a pattern written with write() as
 * its mapping shows it, GET_INFO says so, and the pages add up; it is
 * reset again afterwards.
 */
bool device_works(uint64_t size);

#endif /* _VMDEMO_HEALTH_H */
